#include "server/Framing.h"

#include <gtest/gtest.h>

#include <random>

namespace sb {
namespace {

struct Collected {
  std::vector<std::string> messages;
  std::vector<std::string> errors;
  FrameSink sink() {
    return {[this](std::string m) { messages.push_back(std::move(m)); },
            [this](std::string e) { errors.push_back(std::move(e)); }};
  }
};

std::string frame(std::string_view body) {
  return ContentLengthEncoder().encode(std::string(body));
}

TEST(ContentLengthDecoder, DecodesOneMessage) {
  Collected c;
  ContentLengthDecoder d(1024);
  d.feed(frame(R"({"a":1})"), c.sink());
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0], R"({"a":1})");
  EXPECT_TRUE(c.errors.empty());
}

TEST(ContentLengthDecoder, DecodesMessagesSplitAtEveryByte) {
  std::string stream = frame("first") + frame(R"({"second":"ü"})") + frame("");
  Collected c;
  ContentLengthDecoder d(1024);
  for (char ch : stream) d.feed(std::string_view(&ch, 1), c.sink());
  EXPECT_EQ(c.messages, (std::vector<std::string>{"first", R"({"second":"ü"})", ""}));
}

TEST(ContentLengthDecoder, DecodesRandomChunking) {
  std::string stream;
  std::vector<std::string> bodies;
  for (int i = 0; i < 50; ++i) {
    bodies.push_back(std::string(i * 7, 'x') + std::to_string(i));
    stream += frame(bodies.back());
  }
  std::mt19937 rng(7);
  Collected c;
  ContentLengthDecoder d(1 << 20);
  for (size_t pos = 0; pos < stream.size();) {
    size_t n = std::uniform_int_distribution<size_t>(1, 300)(rng);
    d.feed(std::string_view(stream).substr(pos, n), c.sink());
    pos += n;
  }
  EXPECT_EQ(c.messages, bodies);
}

TEST(ContentLengthDecoder, ToleratesContentTypeAndCaseAndOrder) {
  Collected c;
  ContentLengthDecoder d(1024);
  d.feed("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\ncontent-length: 2\r\n\r\n{}",
         c.sink());
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0], "{}");
}

TEST(ContentLengthDecoder, RefusesAbsurdLengthWithoutAllocatingAndRecovers) {
  Collected c;
  ContentLengthDecoder d(1024);
  d.feed("Content-Length: 10000000000\r\n\r\n" + frame("ok"), c.sink());
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_NE(c.errors[0].find("exceeds the limit"), std::string::npos);
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0], "ok");
}

TEST(ContentLengthDecoder, RefusesNegativeNonNumericAndMissingLength) {
  for (std::string bad : {"Content-Length: -5\r\n\r\n", "Content-Length: abc\r\n\r\n",
                          "Content-Length: 12x\r\n\r\n", "Content-Type: x\r\n\r\n",
                          "Content-Length: 99999999999999999999999\r\n\r\n", "garbage\r\n\r\n"}) {
    Collected c;
    ContentLengthDecoder d(1024);
    d.feed(bad + frame("next"), c.sink());
    EXPECT_EQ(c.errors.size(), 1u) << bad;
    ASSERT_EQ(c.messages.size(), 1u) << bad;
    EXPECT_EQ(c.messages[0], "next") << bad;
  }
}

TEST(ContentLengthDecoder, OversizedHeaderBlockIsAnErrorNotUnboundedGrowth) {
  Collected c;
  ContentLengthDecoder d(1024);
  d.feed(std::string(20000, 'h'), c.sink());
  EXPECT_EQ(c.errors.size(), 1u);
  d.feed(frame("after"), c.sink());
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0], "after");
}

TEST(ContentLengthDecoder, ShortLengthLeftoversDoNotSwallowTheNextMessage) {
  Collected c;
  ContentLengthDecoder d(1024);
  // Length 10 leaves the rest of the body glued to the next header line.
  d.feed(
      "Content-Length: 10\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":2}" + frame("three") + frame("four"),
      c.sink());
  EXPECT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.messages, (std::vector<std::string>{"{\"jsonrpc\"", "three", "four"}));
}

TEST(ContentLengthDecoder, BinaryGarbageBeforeAFrameIsSkipped) {
  Collected c;
  ContentLengthDecoder d(1024);
  d.feed(std::string("\x00\xff\x01garbage", 10) + frame("ok"), c.sink());
  EXPECT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.messages, (std::vector<std::string>{"ok"}));
}

TEST(ContentLengthDecoder, BareNewlineFrameFollowedByNormalFrameInOneRead) {
  Collected c;
  ContentLengthDecoder d(1024);
  d.feed("Content-Length: 2\n\n{}Content-Length: 2\r\n\r\n[]", c.sink());
  EXPECT_EQ(c.messages, (std::vector<std::string>{"{}", "[]"}));
  EXPECT_TRUE(c.errors.empty());
}

TEST(ContentLengthEncoder, WritesHeaderAndBody) {
  EXPECT_EQ(ContentLengthEncoder().encode("{}"), "Content-Length: 2\r\n\r\n{}");
}

TEST(LineDecoder, SplitsLinesAcceptsCrLfAndSkipsBlankLines) {
  Collected c;
  LineDecoder d(1024);
  d.feed("{\"a\":1}\r\n\n   \n{\"b\"", c.sink());
  d.feed(":2}\n", c.sink());
  EXPECT_EQ(c.messages, (std::vector<std::string>{R"({"a":1})", R"({"b":2})"}));
}

TEST(LineDecoder, DropsOverlongLineAndContinues) {
  Collected c;
  LineDecoder d(10);
  d.feed(std::string(30, 'x'), c.sink());
  d.feed(std::string(30, 'x') + "\n{}\n", c.sink());
  EXPECT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.messages, (std::vector<std::string>{"{}"}));
}

}  // namespace
}  // namespace sb
