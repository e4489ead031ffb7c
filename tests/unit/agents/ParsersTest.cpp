// SSE and NDJSON parsers fed the same streams in random chunkings.
#include <gtest/gtest.h>

#include <random>

#include "agents/NdjsonParser.h"
#include "agents/SseParser.h"

using namespace sb::agents;

namespace {

// Splits s at random points (including empty pieces).
std::vector<std::string> randomChunks(const std::string& s, std::mt19937& rng) {
  std::vector<std::string> out;
  std::uniform_int_distribution<std::size_t> len(0, 7);
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = std::min(len(rng), s.size() - i);
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

std::vector<SseEvent> parseSse(const std::vector<std::string>& chunks) {
  SseParser p;
  std::vector<SseEvent> events;
  for (auto& c : chunks) EXPECT_TRUE(p.feed(c, [&](const SseEvent& e) { events.push_back(e); }));
  return events;
}

}  // namespace

TEST(SseParser, EventsSurviveAnyChunking) {
  const std::string stream =
      ": keep-alive comment\r\n"
      "event: content_block_delta\r\n"
      "data: {\"a\":1}\r\n\r\n"
      "data: line one\n"
      "data: line two\n\n"
      "id: 7\rdata:no-space\r\r"
      "event: message_stop\ndata: {}\n\n"
      "data: [DONE]\n\n"
      "data: never terminated";
  std::mt19937 rng(42);
  for (int round = 0; round < 300; ++round) {
    auto events =
        parseSse(round == 0 ? std::vector<std::string>{stream} : randomChunks(stream, rng));
    ASSERT_EQ(events.size(), 5u) << "round " << round;
    EXPECT_EQ(events[0].event, "content_block_delta");
    EXPECT_EQ(events[0].data, "{\"a\":1}");
    EXPECT_EQ(events[1].event, "message");
    EXPECT_EQ(events[1].data, "line one\nline two");
    EXPECT_EQ(events[2].data, "no-space");
    EXPECT_EQ(events[3].event, "message_stop");
    EXPECT_EQ(events[4].data, "[DONE]");
  }
}

TEST(SseParser, OversizedEventFails) {
  SseParser p(64);
  EXPECT_FALSE(p.feed("data: " + std::string(100, 'x'), [](const SseEvent&) {}));
  EXPECT_FALSE(p.feed("\n\n", [](const SseEvent&) { ADD_FAILURE(); }));
}

TEST(NdjsonParser, ValuesSurviveAnyChunking) {
  const std::string stream =
      "{\"response\":\"a\",\"done\":false}\n\r\n{\"response\":\"b\\n\"}\r\n  \n{\"done\":true}";
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    NdjsonParser p;
    std::vector<nlohmann::json> values;
    auto add = [&](nlohmann::json&& v) { values.push_back(std::move(v)); };
    for (auto& c : randomChunks(stream, rng)) ASSERT_FALSE(p.feed(c, add));
    ASSERT_FALSE(p.finish(add));
    ASSERT_EQ(values.size(), 3u);
    EXPECT_EQ(values[0]["response"], "a");
    EXPECT_EQ(values[1]["response"], "b\n");
    EXPECT_EQ(values[2]["done"], true);
  }
}

TEST(NdjsonParser, MalformedLineIsAnErrorValue) {
  NdjsonParser p;
  int n = 0;
  auto add = [&](nlohmann::json&&) { ++n; };
  EXPECT_FALSE(p.feed("{\"ok\":1}\n{\"broken\":", add));
  auto err = p.feed("tru}\n{\"ok\":2}\n", add);
  ASSERT_TRUE(err);
  EXPECT_NE(err->find("malformed JSON"), std::string::npos);
  EXPECT_EQ(n, 1);
  EXPECT_TRUE(p.feed("{}\n", add));  // spent
}

TEST(NdjsonParser, OverlongLineFails) {
  NdjsonParser p(16);
  EXPECT_TRUE(p.feed(std::string(40, ' '), [](nlohmann::json&&) {}));
}
