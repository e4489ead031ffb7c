#include "agents/SseParser.h"

namespace sb::agents {

bool SseParser::feed(std::string_view chunk, const std::function<void(const SseEvent&)>& onEvent) {
  if (failed_) return false;
  for (std::size_t i = 0; i < chunk.size();) {
    if (skipLf_) {
      skipLf_ = false;
      if (chunk[i] == '\n') {
        ++i;
        continue;
      }
    }
    std::size_t end = chunk.find_first_of("\r\n", i);
    if (end == std::string_view::npos) {
      partial_.append(chunk.substr(i));
      break;
    }
    partial_.append(chunk.substr(i, end - i));
    skipLf_ = chunk[end] == '\r';
    i = end + 1;
    line(partial_, onEvent);
    partial_.clear();
  }
  if (partial_.size() + current_.data.size() > max_) failed_ = true;
  return !failed_;
}

void SseParser::line(std::string_view l, const std::function<void(const SseEvent&)>& onEvent) {
  if (l.empty()) {  // blank line: dispatch
    if (haveData_) {
      if (current_.event.empty()) current_.event = "message";
      onEvent(current_);
    }
    current_ = {};
    haveData_ = false;
    return;
  }
  if (l.front() == ':') return;  // comment (keep-alive)
  auto colon = l.find(':');
  std::string_view field = l.substr(0, colon);
  std::string_view value =
      colon == std::string_view::npos ? std::string_view() : l.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "event") {
    current_.event = value;
  } else if (field == "data") {
    if (haveData_) current_.data += '\n';
    current_.data.append(value);
    haveData_ = true;
  }  // id, retry and unknown fields do not matter to a one-shot client
}

}  // namespace sb::agents
