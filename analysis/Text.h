#pragma once
// Text positions: byte offsets into UTF-8 text and LSP line/character positions
// in any of the three LSP position encodings.

#include <compare>
#include <cstdint>
#include <string_view>
#include <vector>

namespace sb {

enum class PositionEncoding { Utf8, Utf16, Utf32 };

struct Position {
  uint32_t line = 0;
  uint32_t character = 0;
  friend auto operator<=>(const Position&, const Position&) = default;
};

struct Range {
  Position start, end;
  friend bool operator==(const Range&, const Range&) = default;
};

struct ByteRange {
  uint32_t begin = 0, end = 0;  // byte offsets into the UTF-8 text
  friend bool operator==(const ByteRange&, const ByteRange&) = default;
};

// Line start offsets of a text. Lines end at \n, \r\n or a lone \r (as in LSP).
// The conversions take the same text the index was built from.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text);

  uint32_t lineCount() const { return static_cast<uint32_t>(starts_.size()); }
  uint32_t lineStart(uint32_t line) const;  // clamps to the last line
  uint32_t lineOf(uint32_t offset) const;   // binary search
  // True when some line ends with a lone \r. Tree-sitter counts rows at \n
  // only, so its points match LSP lines exactly when this is false.
  bool hasLoneCarriageReturn() const { return hasLoneCr_; }

  // Position in `enc` units -> byte offset. Clamps like LSP: a character past
  // the line end gives the line end (before \n or \r\n), a line past the end
  // gives the end of the text, a position inside a character (a UTF-16
  // surrogate pair, a multi-byte UTF-8 sequence) rounds to the character start.
  uint32_t offsetAt(std::string_view text, Position p, PositionEncoding enc) const;
  // Byte offset -> position. Offsets past the end clamp to the end; offsets
  // inside a character or a \r\n pair round down.
  Position positionAt(std::string_view text, uint32_t offset, PositionEncoding enc) const;

 private:
  uint32_t lineContentEnd(std::string_view text, uint32_t line) const;

  std::vector<uint32_t> starts_;
  uint32_t size_ = 0;
  bool hasLoneCr_ = false;
};

// The byte range of lines [first, last] (0-based, inclusive) and the number
// of lines, counted as LineIndex counts them, in one pass that keeps no index:
// for reading a slice of a file once. A range past the end is cut at the end.
struct LineSlice {
  uint32_t begin = 0, end = 0;  // byte offsets
  uint32_t lineCount = 1;
};
LineSlice sliceLines(std::string_view text, uint32_t first, uint32_t last);

}  // namespace sb
