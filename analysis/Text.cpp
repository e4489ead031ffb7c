#include "analysis/Text.h"

#include <algorithm>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "analysis/Utf8.h"

namespace sb {
namespace {

uint32_t unitsOf(uint32_t byteLength, PositionEncoding enc) {
  switch (enc) {
    case PositionEncoding::Utf8:
      return byteLength;
    case PositionEncoding::Utf16:
      return utf8::utf16Units(byteLength);
    case PositionEncoding::Utf32:
      return 1;
  }
  return 1;
}

}  // namespace

LineIndex::LineIndex(std::string_view text) : size_(static_cast<uint32_t>(text.size())) {
  starts_.push_back(0);
  if (text.empty()) return;  // data() may be null: keep it away from memchr
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  if (!std::memchr(begin, '\r', text.size())) {
    // The common case, \n only: memchr is much faster than a byte loop.
    for (const char* p = begin; (p = static_cast<const char*>(std::memchr(p, '\n', end - p))); ++p)
      starts_.push_back(static_cast<uint32_t>(p - begin + 1));
    return;
  }
  for (const char* p = begin; p < end; ++p) {
    if (*p == '\n') {
      starts_.push_back(static_cast<uint32_t>(p - begin + 1));
    } else if (*p == '\r') {
      if (p + 1 < end && p[1] == '\n')
        ++p;
      else
        hasLoneCr_ = true;
      starts_.push_back(static_cast<uint32_t>(p - begin + 1));
    }
  }
}

uint32_t LineIndex::lineStart(uint32_t line) const {
  return starts_[std::min<size_t>(line, starts_.size() - 1)];
}

uint32_t LineIndex::lineOf(uint32_t offset) const {
  const auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  return static_cast<uint32_t>(it - starts_.begin()) - 1;
}

// End of the line's content, before its \n, \r\n or \r.
uint32_t LineIndex::lineContentEnd(std::string_view text, uint32_t line) const {
  if (line + 1 >= starts_.size()) return size_;
  uint32_t end = starts_[line + 1];
  if (end > starts_[line] && text[end - 1] == '\n') --end;
  if (end > starts_[line] && text[end - 1] == '\r') --end;
  return end;
}

uint32_t LineIndex::offsetAt(std::string_view text, Position p, PositionEncoding enc) const {
  if (p.line >= starts_.size()) return size_;
  const uint32_t start = starts_[p.line];
  const uint32_t end = lineContentEnd(text, p.line);
  // ASCII fast path: one unit per byte in every encoding.
  const uint32_t guess = start + std::min(p.character, end - start);
  if (utf8::isAscii(text.data() + start, guess - start)) return guess;

  uint32_t pos = start, units = 0;
  while (pos < end && units < p.character) {
    const uint32_t len = utf8::sequenceLength(text, pos);
    const uint32_t u = unitsOf(len, enc);
    if (units + u > p.character) break;  // inside a character: round to its start
    units += u;
    pos += len;
  }
  return pos;
}

Position LineIndex::positionAt(std::string_view text, uint32_t offset, PositionEncoding enc) const {
  offset = std::min(offset, size_);
  const uint32_t line = lineOf(offset);
  const uint32_t start = starts_[line];
  const uint32_t target = std::min(offset, lineContentEnd(text, line));
  if (utf8::isAscii(text.data() + start, target - start)) return {line, target - start};

  uint32_t pos = start, units = 0;
  while (pos < target) {
    const uint32_t len = utf8::sequenceLength(text, pos);
    if (pos + len > target) break;  // offset inside a character: round down
    units += unitsOf(len, enc);
    pos += len;
  }
  return {line, units};
}

LineSlice sliceLines(std::string_view text, uint32_t first, uint32_t last) {
  const auto size = static_cast<uint32_t>(text.size());
  const uint32_t after = last == UINT32_MAX ? UINT32_MAX : last + 1;  // the line the slice ends at
  if (text.empty() || std::memchr(text.data(), '\r', text.size())) {
    // \r endings are rare: the full index handles them.
    LineIndex lines(text);
    LineSlice s;
    s.lineCount = lines.lineCount();
    s.begin = first < s.lineCount ? lines.lineStart(first) : size;
    s.end = after < s.lineCount ? lines.lineStart(after) : size;
    return s;
  }
  // \n only: count newlines a block at a time, looking closer only at the
  // blocks where line `first` or line `after` starts.
  LineSlice s{first == 0 ? 0 : size, size, 1};
  uint32_t newlines = 0;
  auto target = [&] {
    if (s.begin == size && first > 0) return first;
    if (s.end == size && after > newlines) return after;
    return UINT32_MAX;
  };
  auto atNewline = [&](uint32_t pos) {
    ++newlines;
    if (newlines == first) s.begin = pos + 1;
    if (newlines == after) s.end = pos + 1;
  };
  const char* p = text.data();
  size_t i = 0;
#if defined(__SSE2__)
  // Chunks of up to 255 blocks: each block's matches are added into byte
  // counters (a match is -1, so subtract), summed once per chunk. A chunk in
  // which a wanted line starts is walked again newline by newline.
  const __m128i nl = _mm_set1_epi8('\n');
  const __m128i zero = _mm_setzero_si128();
  auto block = [&](size_t at) {
    return _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at)), nl);
  };
  while (i + 16 <= text.size()) {
    const size_t blocks = std::min<size_t>((text.size() - i) / 16, 255);
    __m128i counts = zero;
    for (size_t b = 0; b < blocks; ++b) counts = _mm_sub_epi8(counts, block(i + 16 * b));
    __m128i sums = _mm_sad_epu8(counts, zero);
    auto count = static_cast<uint32_t>(_mm_cvtsi128_si32(sums) + _mm_extract_epi16(sums, 4));
    if (uint32_t t = target(); t == UINT32_MAX || newlines + count < t) {
      newlines += count;
      i += 16 * blocks;
      continue;
    }
    for (size_t b = 0; b < blocks; ++b, i += 16)
      for (auto mask = static_cast<uint32_t>(_mm_movemask_epi8(block(i))); mask != 0;
           mask &= mask - 1)
        atNewline(static_cast<uint32_t>(i) + static_cast<uint32_t>(std::countr_zero(mask)));
  }
#endif
  for (; i < text.size(); ++i)
    if (p[i] == '\n') atNewline(static_cast<uint32_t>(i));
  s.lineCount = newlines + 1;
  return s;
}

}  // namespace sb
