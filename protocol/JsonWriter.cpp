#include "JsonWriter.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>

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

void appendEscape(std::string& out, unsigned char c) {
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\r':
      out += "\\r";
      return;
    default: {
      constexpr char hex[] = "0123456789abcdef";
      char buf[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      out.append(buf, 6);
    }
  }
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

// Whether any of the 8 bytes at p needs a look: a control character, '"',
// '\\' or a non-ASCII byte (the classic "has zero byte" bit trick).
bool wordNeedsLook(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  constexpr uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  auto hasZero = [](uint64_t x) { return (x - ones) & ~x & highs; };
  uint64_t control = (w - ones * 0x20) & ~w & highs;  // a byte < 0x20 (high bit clear)
  return ((control | hasZero(w ^ (ones * '"')) | hasZero(w ^ (ones * '\\'))) | (w & highs)) != 0;
}

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
  out.reserve(out.size() + s.size() + 2);
  out += '"';
  const char* p = s.data();
  const size_t n = s.size();
  size_t run = 0;  // start of the bytes not yet copied
  size_t i = 0;
  while (i < n) {
    // Eight plain bytes at a time; a word with anything else in it is
    // handled a byte at a time (then back to words).
    if (i + 8 <= n && !wordNeedsLook(p + i)) {
      i += 8;
      continue;
    }
    for (const size_t stop = std::min(i + 8, n); i < stop;) {
      unsigned char c = static_cast<unsigned char>(p[i]);
      uint8_t cls = kClass[c];
      if (cls == 0) {
        ++i;
      } else if (cls == 2) {
        if (size_t len = utf8Length(s, i)) {
          i += len;  // may end past `stop`: fine, the outer loop goes on from there
        } else {
          out.append(p + run, i - run);
          out += kReplacement;
          run = ++i;
        }
      } else {
        out.append(p + run, i - run);
        appendEscape(out, c);
        run = ++i;
      }
    }
  }
  out.append(p + run, n - run);
  out += '"';
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
