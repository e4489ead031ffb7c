#include <gtest/gtest.h>

#include <random>
#include <string>

#include "analysis/Text.h"
#include "analysis/Utf8.h"

namespace sb {
namespace {

constexpr PositionEncoding kAll[] = {PositionEncoding::Utf8, PositionEncoding::Utf16,
                                     PositionEncoding::Utf32};

TEST(LineIndex, CountsLinesForEachLineEnding) {
  EXPECT_EQ(LineIndex("").lineCount(), 1u);
  EXPECT_EQ(LineIndex("abc").lineCount(), 1u);
  EXPECT_EQ(LineIndex("a\nb").lineCount(), 2u);
  EXPECT_EQ(LineIndex("a\n").lineCount(), 2u);
  EXPECT_EQ(LineIndex("a\r\nb\r\n").lineCount(), 3u);
  EXPECT_EQ(LineIndex("a\rb\rc").lineCount(), 3u);
  EXPECT_EQ(LineIndex("a\r\n\rb\n\n").lineCount(), 5u);  // \r\n, \r, \n, \n
}

TEST(LineIndex, LineStartsAndLineOfMixedEndings) {
  const std::string text = "ab\r\ncd\ref\ngh";
  const LineIndex idx(text);
  ASSERT_EQ(idx.lineCount(), 4u);
  EXPECT_EQ(idx.lineStart(0), 0u);
  EXPECT_EQ(idx.lineStart(1), 4u);
  EXPECT_EQ(idx.lineStart(2), 7u);
  EXPECT_EQ(idx.lineStart(3), 10u);
  EXPECT_EQ(idx.lineStart(99), 10u);  // clamps to the last line
  EXPECT_EQ(idx.lineOf(0), 0u);
  EXPECT_EQ(idx.lineOf(2), 0u);  // the \r
  EXPECT_EQ(idx.lineOf(3), 0u);  // the \n of \r\n
  EXPECT_EQ(idx.lineOf(4), 1u);
  EXPECT_EQ(idx.lineOf(6), 1u);  // lone \r
  EXPECT_EQ(idx.lineOf(7), 2u);
  EXPECT_EQ(idx.lineOf(12), 3u);
  EXPECT_TRUE(idx.hasLoneCarriageReturn());
  EXPECT_FALSE(LineIndex("a\r\nb\n").hasLoneCarriageReturn());
}

TEST(LineIndex, AsciiIsTheSameInEveryEncoding) {
  const std::string text = "int main() {\n  return 0;\n}\n";
  const LineIndex idx(text);
  for (auto enc : kAll) {
    EXPECT_EQ(idx.offsetAt(text, {1, 2}, enc), 15u);
    EXPECT_EQ(idx.positionAt(text, 15, enc), (Position{1, 2}));
    EXPECT_EQ(idx.offsetAt(text, {2, 1}, enc), 26u);
  }
}

TEST(LineIndex, CjkIsThreeBytesOneUtf16Unit) {
  const std::string text = "a\xE4\xB8\xAD\xE6\x96\x87z";  // a中文z
  const LineIndex idx(text);
  EXPECT_EQ(idx.offsetAt(text, {0, 2}, PositionEncoding::Utf16), 4u);
  EXPECT_EQ(idx.offsetAt(text, {0, 2}, PositionEncoding::Utf32), 4u);
  EXPECT_EQ(idx.offsetAt(text, {0, 4}, PositionEncoding::Utf8), 4u);
  EXPECT_EQ(idx.positionAt(text, 7, PositionEncoding::Utf16), (Position{0, 3}));
  EXPECT_EQ(idx.positionAt(text, 7, PositionEncoding::Utf8), (Position{0, 7}));
  EXPECT_EQ(idx.positionAt(text, 8, PositionEncoding::Utf32), (Position{0, 4}));
}

TEST(LineIndex, EmojiIsFourBytesTwoUtf16UnitsOneUtf32Unit) {
  const std::string text = "x\xF0\x9F\x98\x80y";  // x😀y
  const LineIndex idx(text);
  EXPECT_EQ(idx.offsetAt(text, {0, 3}, PositionEncoding::Utf16), 5u);
  EXPECT_EQ(idx.offsetAt(text, {0, 2}, PositionEncoding::Utf32), 5u);
  EXPECT_EQ(idx.offsetAt(text, {0, 5}, PositionEncoding::Utf8), 5u);
  EXPECT_EQ(idx.positionAt(text, 5, PositionEncoding::Utf16), (Position{0, 3}));
  EXPECT_EQ(idx.positionAt(text, 5, PositionEncoding::Utf32), (Position{0, 2}));
  EXPECT_EQ(idx.positionAt(text, 6, PositionEncoding::Utf16), (Position{0, 4}));
}

TEST(LineIndex, InsideACharacterRoundsToItsStart) {
  const std::string text = "x\xF0\x9F\x98\x80y";
  const LineIndex idx(text);
  // UTF-16 unit 2 is between the two surrogates of the emoji.
  EXPECT_EQ(idx.offsetAt(text, {0, 2}, PositionEncoding::Utf16), 1u);
  // UTF-8 offsets inside the sequence.
  EXPECT_EQ(idx.offsetAt(text, {0, 3}, PositionEncoding::Utf8), 1u);
  EXPECT_EQ(idx.positionAt(text, 3, PositionEncoding::Utf16), (Position{0, 1}));
  EXPECT_EQ(idx.positionAt(text, 4, PositionEncoding::Utf8), (Position{0, 1}));
}

TEST(LineIndex, CombiningMarksAreSeparateCodePoints) {
  const std::string text = "e\xCC\x81x";  // e + U+0301 COMBINING ACUTE, then x
  const LineIndex idx(text);
  EXPECT_EQ(idx.offsetAt(text, {0, 2}, PositionEncoding::Utf16), 3u);
  EXPECT_EQ(idx.offsetAt(text, {0, 2}, PositionEncoding::Utf32), 3u);
  EXPECT_EQ(idx.offsetAt(text, {0, 1}, PositionEncoding::Utf16), 1u);
  EXPECT_EQ(idx.positionAt(text, 4, PositionEncoding::Utf16), (Position{0, 3}));
  EXPECT_EQ(idx.positionAt(text, 4, PositionEncoding::Utf8), (Position{0, 4}));
}

TEST(LineIndex, CrLfAndLoneCrEndLines) {
  const std::string text = "ab\r\ncd\ref";
  const LineIndex idx(text);
  for (auto enc : kAll) {
    EXPECT_EQ(idx.offsetAt(text, {1, 0}, enc), 4u);
    EXPECT_EQ(idx.offsetAt(text, {2, 1}, enc), 8u);
    EXPECT_EQ(idx.positionAt(text, 4, enc), (Position{1, 0}));
    EXPECT_EQ(idx.positionAt(text, 2, enc), (Position{0, 2}));  // at the \r
    EXPECT_EQ(idx.positionAt(text, 3, enc), (Position{0, 2}));  // between \r and \n
    EXPECT_EQ(idx.positionAt(text, 6, enc), (Position{1, 2}));  // at the lone \r
  }
}

TEST(LineIndex, ClampsPastLineEndAndPastEof) {
  const std::string text = "ab\r\n\xE4\xB8\xAD\nlast";
  const LineIndex idx(text);
  for (auto enc : kAll) {
    EXPECT_EQ(idx.offsetAt(text, {0, 100}, enc), 2u) << "before the \\r\\n";
    EXPECT_EQ(idx.offsetAt(text, {1, 100}, enc), 7u) << "before the \\n";
    EXPECT_EQ(idx.offsetAt(text, {2, 100}, enc), text.size());
    EXPECT_EQ(idx.offsetAt(text, {3, 0}, enc), text.size()) << "line past the end";
    EXPECT_EQ(idx.offsetAt(text, {1000, 5}, enc), text.size());
    EXPECT_EQ(idx.positionAt(text, 1000, enc), (Position{2, 4}));
  }
  const std::string empty;
  const LineIndex e(empty);
  EXPECT_EQ(e.offsetAt(empty, {0, 3}, PositionEncoding::Utf16), 0u);
  EXPECT_EQ(e.positionAt(empty, 3, PositionEncoding::Utf16), (Position{0, 0}));
}

TEST(LineIndex, InvalidUtf8BytesAreOneUnitEach) {
  // A lone continuation byte, a truncated 3-byte sequence, an overlong
  // encoding, a surrogate encoded in UTF-8, then valid text.
  const std::string text =
      "a\x80"
      "b\xE4\xB8"
      "c\xC0\xAF"
      "d\xED\xA0\x80"
      "e";
  const LineIndex idx(text);
  for (auto enc : kAll) {
    uint32_t unit = 0;
    for (uint32_t off = 0; off <= text.size(); ++off, ++unit) {
      EXPECT_EQ(idx.positionAt(text, off, enc), (Position{0, unit})) << "offset " << off;
      EXPECT_EQ(idx.offsetAt(text, {0, unit}, enc), off) << "unit " << unit;
    }
  }
}

TEST(LineIndex, TruncatedSequenceAtEndOfTextDoesNotReadPastIt) {
  const std::string text = "ab\xF0\x9F";  // the first half of an emoji, cut off
  const LineIndex idx(text);
  EXPECT_EQ(idx.positionAt(text, 4, PositionEncoding::Utf16), (Position{0, 4}));
  EXPECT_EQ(idx.offsetAt(text, {0, 9}, PositionEncoding::Utf32), 4u);
}

// Every character boundary maps to a position and back to itself.
TEST(LineIndex, RoundTripsEveryCharacterBoundaryInAllEncodings) {
  const std::string text =
      "ascii line\n"
      "\xE4\xB8\xAD\xE6\x96\x87 and \xF0\x9F\x98\x80 emoji\r\n"
      "e\xCC\x81 combining\r"
      "bad \xFF\x80 bytes \xF0\x9F\x8E\x89\n"
      "\n"
      "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD end";
  const LineIndex idx(text);
  for (auto enc : kAll) {
    Position prev{};
    for (uint32_t off = 0; off <= text.size();) {
      const Position p = idx.positionAt(text, off, enc);
      EXPECT_EQ(idx.offsetAt(text, p, enc), off) << "offset " << off;
      if (off > 0) {
        EXPECT_LT(prev, p) << "positions grow with offsets, at " << off;
      }
      prev = p;
      if (off == text.size()) break;
      off += text[off] == '\r' && off + 1 < text.size() && text[off + 1] == '\n'
                 ? 2
                 : utf8::sequenceLength(text, off);
    }
  }
}

TEST(LineIndex, LongAsciiLineUsesTheFastPathCorrectly) {
  std::string text(10'000, 'x');
  text += "\xC3\xA9tail";  // é after a long ASCII prefix
  const LineIndex idx(text);
  EXPECT_EQ(idx.offsetAt(text, {0, 10'000}, PositionEncoding::Utf16), 10'000u);
  EXPECT_EQ(idx.offsetAt(text, {0, 10'001}, PositionEncoding::Utf16), 10'002u);
  EXPECT_EQ(idx.positionAt(text, 10'002, PositionEncoding::Utf16), (Position{0, 10'001}));
  EXPECT_EQ(idx.positionAt(text, 10'002, PositionEncoding::Utf8), (Position{0, 10'002}));
}

// sliceLines must agree with LineIndex on every text and range: block edges,
// lines past the end, and \r endings (which take the index's path).
TEST(SliceLines, AgreesWithTheLineIndexOnRandomTextsAndRanges) {
  std::mt19937 rng(7);
  const std::string alphabet[] = {"a",    "bc", "\n",       "\n",
                                  "\r\n", "\r", "\xC3\xA9", "0123456789abcdef"};
  for (int round = 0; round < 400; ++round) {
    std::string text;
    bool withCr = round % 4 == 0;
    for (int n = static_cast<int>(rng() % (round % 5 == 1 ? 4000 : 300)); n > 0;
         --n) {  // some span chunks
      const std::string& piece = alphabet[rng() % 8];
      if (!withCr && piece.find('\r') != std::string::npos) continue;
      text += piece;
    }
    LineIndex idx(text);
    uint32_t lines = idx.lineCount();
    for (int q = 0; q < 8; ++q) {
      uint32_t first = rng() % (lines + 3);
      uint32_t last = first + rng() % (lines + 3);
      LineSlice s = sliceLines(text, first, last);
      ASSERT_EQ(s.lineCount, lines) << round;
      uint32_t size = static_cast<uint32_t>(text.size());
      EXPECT_EQ(s.begin, first < lines ? idx.lineStart(first) : size) << round << " " << first;
      EXPECT_EQ(s.end, last + 1 < lines ? idx.lineStart(last + 1) : size) << round << " " << last;
    }
  }
  LineSlice all = sliceLines("a\nb\n", 0, UINT32_MAX);
  EXPECT_EQ(all.begin, 0u);
  EXPECT_EQ(all.end, 4u);
  EXPECT_EQ(all.lineCount, 3u);
}

}  // namespace
}  // namespace sb
