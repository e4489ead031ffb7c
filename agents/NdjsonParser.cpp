#include "agents/NdjsonParser.h"

namespace sb::agents {

std::optional<std::string> NdjsonParser::feed(std::string_view chunk, const OnValue& onValue) {
  if (error_) return error_;
  for (;;) {
    auto nl = chunk.find('\n');
    if (nl == std::string_view::npos) break;
    partial_.append(chunk.substr(0, nl));
    chunk.remove_prefix(nl + 1);
    std::string l = std::move(partial_);
    partial_.clear();
    if ((error_ = line(l, onValue))) return error_;
  }
  partial_.append(chunk);
  if (partial_.size() > max_) error_ = "NDJSON line longer than " + std::to_string(max_) + " bytes";
  return error_;
}

std::optional<std::string> NdjsonParser::finish(const OnValue& onValue) {
  if (error_) return error_;
  std::string l = std::move(partial_);
  partial_.clear();
  return error_ = line(l, onValue);
}

std::optional<std::string> NdjsonParser::line(std::string_view l, const OnValue& onValue) {
  if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
  if (l.find_first_not_of(" \t") == std::string_view::npos) return std::nullopt;
  auto value = nlohmann::json::parse(l, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return "malformed JSON in stream: " + std::string(l.substr(0, 120));
  onValue(std::move(value));
  return std::nullopt;
}

}  // namespace sb::agents
