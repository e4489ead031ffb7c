// One server-sent-events stream of an MCP Streamable HTTP session, as the
// spec's "Resumability and Redelivery" sees it: a numbered sequence of
// events that outlives the HTTP connection carrying it, so a client that
// reconnects with GET + Last-Event-ID gets what it missed on that stream.
//
// Event ids are "STREAM-SEQ": STREAM names the stream within its session
// (unique, never reused), SEQ counts its events from 1 (0 is the cursor
// before the first event, used by the priming event). The last events are
// kept for replay within SseLimits; older ones are forgotten.
//
// Not thread-safe: the session's mutex guards it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb {

class HttpExchange;

struct SseLimits {
  size_t maxEvents = 256;  // events kept per stream for replay
  size_t maxBytes =
      1u << 20;  // bytes of event text kept per stream (the newest event always stays)
  size_t maxFinishedStreams = 16;  // answered POST streams a session keeps for redelivery
};

struct SseEventId {
  uint64_t stream = 0;
  uint64_t seq = 0;
};
// "3-17" -> {3, 17}; nullopt for anything else.
std::optional<SseEventId> parseSseEventId(std::string_view text);

class SseStream {
 public:
  SseStream(uint64_t number, SseLimits limits) : number_(number), limits_(limits) {}

  uint64_t number() const { return number_; }
  uint64_t lastSeq() const { return lastSeq_; }

  // Records a JSON-RPC message as the next event; returns its wire text.
  std::string append(std::string_view json);
  // An event carrying only an id and empty data, sent as the stream opens
  // (before any event, so its id "STREAM-0" is unique) to give the client a
  // cursor to resume from even if nothing else arrives (2025-11-25).
  std::string priming() const;

  struct Replay {
    std::vector<std::string> events;  // wire texts, oldest first
    bool gap = false;                 // some events after `afterSeq` were already forgotten
  };
  // The events after `afterSeq`; nullopt when `afterSeq` was never handed out.
  std::optional<Replay> replayAfter(uint64_t afterSeq) const;

  // The stream's last event (the POST's answer) has been recorded: nothing
  // more will follow, a replay ends the response.
  bool finished = false;
  // The connection carrying the stream now, if any.
  std::shared_ptr<HttpExchange> out;

  size_t bytes() const { return bytes_; }

 private:
  struct Event {
    uint64_t seq;
    std::string text;
  };
  std::string id(uint64_t seq) const;

  uint64_t number_;
  SseLimits limits_;
  uint64_t lastSeq_ = 0;
  uint64_t forgottenUpTo_ = 0;  // events up to this seq are no longer kept
  std::deque<Event> events_;
  size_t bytes_ = 0;
};

}  // namespace sb
