// The wire JSON writer: byte-identical to nlohmann's compact dump for valid
// text, U+FFFD for invalid UTF-8, and output that parses back.
#include "protocol/JsonWriter.h"

#include <gtest/gtest.h>

#include <limits>

namespace sb {
namespace {

using nlohmann::json;

std::string reference(const json& v) {
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

TEST(JsonWriter, MatchesNlohmannOnEveryKindOfValue) {
  json v = {
      {"null", nullptr},
      {"bools", {true, false}},
      {"ints",
       {0, -1, 42, std::numeric_limits<int64_t>::min(), std::numeric_limits<uint64_t>::max()}},
      {"floats", {0.5, -1e300, 3.141592653589793, 1e-7, 100.0}},
      {"nan", std::numeric_limits<double>::quiet_NaN()},
      {"empty", {{"o", json::object()}, {"a", json::array()}, {"s", ""}}},
      {"nested", {{"b", {1, {{"c", "d"}}}}, {"a", json::array({json::array()})}}}};
  EXPECT_EQ(jsonText(v), reference(v));
}

TEST(JsonWriter, EscapesQuotesBackslashesAndEveryControlCharacter) {
  std::string s = "say \"hi\" \\ path\x7f";
  for (int c = 0; c < 0x20; ++c) s += static_cast<char>(c);
  json v = {{"k\"ey\n", s}};
  EXPECT_EQ(jsonText(v), reference(v));
  EXPECT_NE(jsonText(v).find("\\u001f"), std::string::npos)
      << "lower-case hex, as nlohmann writes it";
  EXPECT_EQ(json::parse(jsonText(v)), v);
}

TEST(JsonWriter, KeepsValidMultiByteUtf8AsIs) {
  json v = "é ü € 𝄞 中文 \xF4\x8F\xBF\xBF \xEE\x80\x80";  // up to U+10FFFF and a private-use char
  EXPECT_EQ(jsonText(v), reference(v));
}

TEST(JsonWriter, ReplacesInvalidUtf8WithTheReplacementCharacter) {
  const std::string bad[] = {"\xff",         "a\x80z",           "\xC0\xAF", "\xE0\x80\xAF",
                             "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82", "tail\xF0\x9F\x98"};
  for (const auto& s : bad) {
    std::string out = jsonText(json(s));
    EXPECT_NE(out.find("\xEF\xBF\xBD"), std::string::npos) << s;
    json back = json::parse(out);  // throws if the output is not valid UTF-8
    EXPECT_TRUE(back.is_string());
  }
  EXPECT_EQ(jsonText(json("a\xFFz")), "\"a\xEF\xBF\xBDz\"");
}

TEST(JsonWriter, ALongCodeFileComesOutIdentical) {
  std::string code;
  for (int i = 0; i < 2000; ++i)
    code += "    if (x[" + std::to_string(i) + "] != \"\\t\") { printf(\"%d\\n\", i); }\t// é\n";
  json v = {{"content", {{{"type", "text"}, {"text", code}}}},
            {"structuredContent", {{"text", code}}}};
  EXPECT_EQ(jsonText(v), reference(v));
}

// The writer copies whole blocks before looking at them: every special byte
// and every multi-byte character must come out right at any offset, inside a
// block, across a block's end, and in the tail.
TEST(JsonWriter, SpecialBytesAtEveryOffsetAroundBlockEdges) {
  const std::string specials[] = {"\"",   "\\",       "\n",           std::string(1, '\0'),
                                  "\x1f", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9D\x84\x9E"};
  for (const auto& special : specials)
    for (size_t before = 0; before < 40; ++before)
      for (size_t after : {0, 1, 7, 15, 16, 17}) {
        json v = std::string(before, 'a') + special + std::string(after, 'b');
        ASSERT_EQ(jsonText(v), reference(v)) << before << " " << after;
      }
  for (size_t before = 0; before < 40; ++before) {
    std::string s = std::string(before, 'a') + "\xE2\x82";  // cut short at the end
    EXPECT_EQ(jsonText(json(s)), "\"" + std::string(before, 'a') + "\xEF\xBF\xBD\xEF\xBF\xBD\"");
  }
}

// Several special bytes in one block are handled from one look at it: any two
// of them, at any two offsets of the first 48 bytes of a 80-byte text, in
// either order (an escape then a multi-byte character, two escapes side by
// side, ...).
TEST(JsonWriter, AnyTwoSpecialBytesInOneBlock) {
  const std::string specials[] = {"\"",   "\\",       "\n",           "\t",  std::string(1, '\0'),
                                  "\x1f", "\xC3\xA9", "\xE2\x82\xAC", "\xFF"};
  for (const auto& first : specials)
    for (const auto& second : specials)
      for (size_t a = 0; a < 48; ++a)
        for (size_t b = a; b < 48; ++b) {
          std::string s(80, 'x');
          s.insert(b, second);
          s.insert(a, first);
          json v = s;
          ASSERT_EQ(jsonText(v), reference(v)) << a << " " << b;
        }
}

// Text that is all escapes grows six-fold: the room made up front is not
// enough and must grow as it goes.
TEST(JsonWriter, TextOfOnlyControlCharactersGrowsAsNeeded) {
  std::string s;
  for (int i = 0; i < 5000; ++i) s += static_cast<char>(i % 32);
  json v = s;
  std::string out = "prefix:";
  appendJson(out, v);
  EXPECT_EQ(out, "prefix:" + reference(v));
}

}  // namespace
}  // namespace sb
