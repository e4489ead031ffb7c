// Incremental Server-Sent Events parser (the WHATWG event-stream format):
// fed arbitrary chunks, it calls back once per complete event. Handles LF,
// CRLF and CR line ends split across chunks, multi-line data and comments.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace sb::agents {

struct SseEvent {
  std::string event;  // "message" when the stream gave no event: field
  std::string data;   // data lines joined with '\n'
};

class SseParser {
 public:
  explicit SseParser(std::size_t maxEventBytes = 8 << 20) : max_(maxEventBytes) {}
  // False when an event grows past the limit; the parser is then spent.
  bool feed(std::string_view chunk, const std::function<void(const SseEvent&)>& onEvent);

 private:
  void line(std::string_view l, const std::function<void(const SseEvent&)>& onEvent);

  std::size_t max_;
  std::string partial_;  // the current unfinished line
  bool skipLf_ = false;  // the last chunk ended in CR: a leading LF belongs to it
  bool haveData_ = false;
  SseEvent current_;
  bool failed_ = false;
};

}  // namespace sb::agents
