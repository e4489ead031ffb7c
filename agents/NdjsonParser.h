// Incremental newline-delimited JSON parser (Ollama's streaming format): fed
// arbitrary chunks, it calls back once per complete JSON value. A malformed
// line is reported as an error value, never thrown.
#pragma once

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace sb::agents {

class NdjsonParser {
 public:
  using OnValue = std::function<void(nlohmann::json&&)>;
  explicit NdjsonParser(std::size_t maxLineBytes = 8 << 20) : max_(maxLineBytes) {}
  // An error message if a line is not JSON or too long; the parser is then spent.
  std::optional<std::string> feed(std::string_view chunk, const OnValue& onValue);
  // End of stream: a last line without a newline still counts.
  std::optional<std::string> finish(const OnValue& onValue);

 private:
  std::optional<std::string> line(std::string_view l, const OnValue& onValue);

  std::size_t max_;
  std::string partial_;
  std::optional<std::string> error_;
};

}  // namespace sb::agents
