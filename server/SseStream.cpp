#include "SseStream.h"

#include <charconv>

namespace sb {

std::optional<SseEventId> parseSseEventId(std::string_view text) {
  size_t dash = text.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == text.size()) return std::nullopt;
  SseEventId id;
  auto number = [](std::string_view s, uint64_t& out) {
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && ptr == s.data() + s.size();
  };
  if (!number(text.substr(0, dash), id.stream) || !number(text.substr(dash + 1), id.seq))
    return std::nullopt;
  return id;
}

std::string SseStream::id(uint64_t seq) const {
  return std::to_string(number_) + "-" + std::to_string(seq);
}

std::string SseStream::append(std::string_view json) {
  std::string text = "id: " + id(++lastSeq_) + "\nevent: message\n";
  // One data line per line of the message (compact JSON has none, but a
  // newline inside would otherwise end the event early).
  size_t start = 0;
  for (;;) {
    size_t nl = json.find('\n', start);
    text += "data: ";
    text += json.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    text += '\n';
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  text += '\n';
  bytes_ += text.size();
  events_.push_back({lastSeq_, text});
  while (events_.size() > 1 && (events_.size() > limits_.maxEvents || bytes_ > limits_.maxBytes)) {
    bytes_ -= events_.front().text.size();
    forgottenUpTo_ = events_.front().seq;
    events_.pop_front();
  }
  return text;
}

std::string SseStream::priming() const {
  return "id: " + id(lastSeq_) + "\ndata: \n\n";
}

std::optional<SseStream::Replay> SseStream::replayAfter(uint64_t afterSeq) const {
  if (afterSeq > lastSeq_) return std::nullopt;
  Replay replay;
  replay.gap = afterSeq < forgottenUpTo_;
  for (const auto& e : events_)
    if (e.seq > afterSeq) replay.events.push_back(e.text);
  return replay;
}

}  // namespace sb
