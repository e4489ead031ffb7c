#include "JsonWriter.h"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sb {
namespace {

// Per byte: 0 copies as is; 1 needs an escape; 2 starts (or is) non-ASCII.
constexpr std::array<uint8_t, 256> kClass = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = 1;
  t['"'] = 1;
  t['\\'] = 1;
  for (int c = 0x80; c < 0x100; ++c) t[c] = 2;
  return t;
}();

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The second byte of a two-byte escape (the n of \n), or 0 where only \u00XX will do.
constexpr std::array<char, 256> kShortEscape = [] {
  std::array<char, 256> t{};
  t['"'] = '"';
  t['\\'] = '\\';
  t['\b'] = 'b';
  t['\t'] = 't';
  t['\n'] = 'n';
  t['\f'] = 'f';
  t['\r'] = 'r';
  return t;
}();

// Writes the escape for `c` (a control character, '"' or '\\') at d; at most
// 6 bytes. A table, not a switch: which escape comes next is unpredictable
// in code (newline, quote, ...), and a mispredicted branch per escape was most of
// the cost.
char* writeEscape(char* d, unsigned char c) {
  d[0] = '\\';
  if (char e = kShortEscape[c]) {
    d[1] = e;
    return d + 2;
  }
  constexpr char hex[] = "0123456789abcdef";
  const char u[5] = {'u', '0', '0', hex[c >> 4], hex[c & 15]};
  std::memcpy(d + 1, u, 5);
  return d + 6;
}

// The length of the well-formed UTF-8 sequence at s[i] (RFC 3629: no
// overlongs, no surrogates, nothing past U+10FFFF), or 0 if it is not one.
size_t utf8Length(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  auto cont = [&](size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
  unsigned char c = b(0);
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(1) >= 0x90) return 0;  // past U+10FFFF
    return 4;
  }
  return 0;
}

// The bytes that need a look (a control character, '"', '\\' or a non-ASCII
// byte) in the block at p: a mask whose lowest set bit marks the first one.
#if defined(__SSE2__)
constexpr size_t kBlock = 16;
using Mask = uint32_t;
Mask copyBlock(const char* p, char* d) {
  __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(d), v);
  // Signed compare: bytes 0x80-0xFF are negative, so "< 0x20" takes them too.
  __m128i look = _mm_or_si128(
      _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
  return static_cast<Mask>(_mm_movemask_epi8(look));
}
size_t firstLook(Mask m) {
  return static_cast<size_t>(std::countr_zero(m));
}
void storeBlock(char* d, const char* p) {
  _mm_storeu_si128(reinterpret_cast<__m128i*>(d),
                   _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}
#else
// Eight bytes at a time with the "has a zero byte" bit tricks: a false hit can
// only follow a true one (a borrow), so the lowest set bit is exact.
constexpr size_t kBlock = 8;
using Mask = uint64_t;
Mask copyBlock(const char* p, char* d) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  std::memcpy(d, &w, 8);
  if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
  constexpr uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  auto hasZero = [](uint64_t x) { return (x - ones) & ~x & highs; };
  uint64_t control = (w - ones * 0x20) & ~w & highs;  // a byte < 0x20 (high bit clear)
  return control | hasZero(w ^ (ones * '"')) | hasZero(w ^ (ones * '\\')) | (w & highs);
}
size_t firstLook(Mask m) {
  return static_cast<size_t>(std::countr_zero(m)) / 8;
}
void storeBlock(char* d, const char* p) {
  std::memcpy(d, p, kBlock);
}
#endif

void appendNumber(std::string& out, const nlohmann::json& v) {
  char buf[24];
  std::to_chars_result r{};
  if (v.is_number_unsigned())
    r = std::to_chars(buf, buf + sizeof buf, v.get<uint64_t>());
  else if (v.is_number_integer())
    r = std::to_chars(buf, buf + sizeof buf, v.get<int64_t>());
  else {
    out += v.dump();  // floats: nlohmann's shortest round-trip form, NaN as null
    return;
  }
  out.append(buf, r.ptr);
}

}  // namespace

void appendJsonString(std::string& out, std::string_view s) {
  const char* p = s.data();
  const size_t n = s.size();
  // What one step may write: a block whose every byte is escaped (6 bytes
  // each) and the block stored after its last escape.
  constexpr size_t kRoom = kBlock * 6 + kBlock;
  // Written through a pointer into room made up front (grown when escapes
  // need more): whole blocks are copied before they are looked at, so plain
  // text costs one load and one store per block.
  size_t used = out.size();
  out.resize(used + n + n / 8 + kRoom + 8);
  char* d = out.data() + used;
  char* end = out.data() + out.size();
  *d++ = '"';
  size_t i = 0;
  while (true) {
    if (static_cast<size_t>(end - d) < kRoom) {
      used = static_cast<size_t>(d - out.data());
      out.resize(std::max(out.size() * 2, used + kRoom + (n - i)));
      d = out.data() + used;
      end = out.data() + out.size();
    }
    if (i + 2 * kBlock <= n) {
      Mask m = copyBlock(p + i, d);
      if (m == 0) {
        i += kBlock;
        d += kBlock;
        continue;
      }
      // Every escape the mask shows is handled without looking at the block
      // again: after each, the rest of the block is stored at its new place
      // (a block past this one exists, so that load stays inside `s`).
      size_t from = 0;  // the block's first byte not yet in place at d
      bool nonAscii = false;
      do {
        size_t k = firstLook(m);
        m &= m - 1;
        auto c = static_cast<unsigned char>(p[i + k]);
        if (kClass[c] == 0) continue;  // the 8-byte mask's false hit past a true one
        d += k - from;
        if (kClass[c] == 2) {
          nonAscii = true;
          i += k;
          break;
        }
        d = writeEscape(d, c);
        from = k + 1;
        storeBlock(d, p + i + from);
      } while (m != 0);
      if (!nonAscii) {
        d += kBlock - from;
        i += kBlock;
        continue;
      }
    } else {
      while (i < n && kClass[static_cast<unsigned char>(p[i])] == 0) *d++ = p[i++];
      if (i == n) break;
      if (auto c = static_cast<unsigned char>(p[i]); kClass[c] == 1) {
        d = writeEscape(d, c);
        ++i;
        continue;
      }
    }
    // A byte of 0x80 or more at p[i]: a UTF-8 sequence copied whole, or U+FFFD.
    if (size_t len = utf8Length(s, i)) {
      std::memcpy(d, p + i, len);
      d += len;
      i += len;
    } else {
      std::memcpy(d, kReplacement.data(), kReplacement.size());
      d += kReplacement.size();
      ++i;
    }
  }
  *d++ = '"';
  out.resize(static_cast<size_t>(d - out.data()));
}

void appendJson(std::string& out, const nlohmann::json& v) {
  using T = nlohmann::json::value_t;
  switch (v.type()) {
    case T::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : v.items()) {
        if (!first) out += ',';
        first = false;
        appendJsonString(out, key);
        out += ':';
        appendJson(out, item);
      }
      out += '}';
      return;
    }
    case T::array: {
      out += '[';
      bool first = true;
      for (const auto& item : v) {
        if (!first) out += ',';
        first = false;
        appendJson(out, item);
      }
      out += ']';
      return;
    }
    case T::string:
      return appendJsonString(out, v.get_ref<const std::string&>());
    case T::boolean:
      out += v.get<bool>() ? "true" : "false";
      return;
    case T::number_integer:
    case T::number_unsigned:
    case T::number_float:
      return appendNumber(out, v);
    case T::null:
    case T::discarded:
      out += "null";
      return;
    case T::binary:
      out += v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      return;
  }
}

}  // namespace sb
