#pragma once
// Internal: UTF-8 decoding that never fails. Each invalid byte is a "character"
// of its own, one unit long in every encoding (like U+FFFD replacement).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace sb::utf8 {

// Length in bytes of the well-formed sequence starting at text[i], or 1 when
// the bytes there are not well-formed UTF-8 (RFC 3629, no surrogates/overlongs).
inline uint32_t sequenceLength(std::string_view text, size_t i) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  if (b0 < 0x80) return 1;
  const size_t left = text.size() - i;
  auto cont = [&](size_t k, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    if (k >= left) return false;
    const auto b = static_cast<unsigned char>(text[i + k]);
    return b >= lo && b <= hi;
  };
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 1;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    const unsigned char lo = b0 == 0xE0 ? 0xA0 : 0x80;
    const unsigned char hi = b0 == 0xED ? 0x9F : 0xBF;
    return cont(1, lo, hi) && cont(2) ? 3 : 1;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    const unsigned char lo = b0 == 0xF0 ? 0x90 : 0x80;
    const unsigned char hi = b0 == 0xF4 ? 0x8F : 0xBF;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 1;
  }
  return 1;
}

// Code units a sequence of `len` bytes takes in UTF-16 (1 for invalid bytes).
inline uint32_t utf16Units(uint32_t len) {
  return len == 4 ? 2 : 1;
}

// True when text[begin, end) is all ASCII; checks eight bytes at a time.
inline bool isAscii(const char* p, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    if (w & 0x8080808080808080ULL) return false;
  }
  for (; i < n; ++i)
    if (static_cast<unsigned char>(p[i]) & 0x80) return false;
  return true;
}

// Longest prefix of `s` at most `maxBytes` long that does not split a character.
inline std::string_view truncate(std::string_view s, size_t maxBytes) {
  if (s.size() <= maxBytes) return s;
  size_t i = 0;
  while (i < s.size()) {
    const uint32_t len = sequenceLength(s, i);
    if (i + len > maxBytes) break;
    i += len;
  }
  return s.substr(0, i);
}

}  // namespace sb::utf8
