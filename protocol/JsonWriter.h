// Compact JSON text for the wire, written much faster than nlohmann's dump
// for the payloads that dominate here (file text, prompts, completions: long
// strings that are mostly ASCII with nothing to escape). Same output as
// json::dump(-1, ' ', false, error_handler_t::replace) for valid UTF-8;
// an invalid byte becomes U+FFFD.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace sb {

// Appends the compact JSON text of `value` to `out`.
void appendJson(std::string& out, const nlohmann::json& value);

// Appends `s` as a JSON string literal, quotes included.
void appendJsonString(std::string& out, std::string_view s);

inline std::string jsonText(const nlohmann::json& value) {
  std::string out;
  appendJson(out, value);
  return out;
}

}  // namespace sb
