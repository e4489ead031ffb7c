// Turns a response body, fed in arbitrary chunks, into text deltas and a
// final state, using a provider's WireFormat: SSE or NDJSON framing when
// streamed, one JSON document otherwise. Malformed input is an error value.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "agents/NdjsonParser.h"
#include "agents/SseParser.h"
#include "agents/providers/Wire.h"

namespace sb::agents {

class ResponseDecoder {
 public:
  ResponseDecoder(const WireFormat& wire, bool stream, std::size_t maxBodyBytes = 32 << 20);
  WireError feed(std::string_view chunk, const DeltaCallback& onDelta);
  WireError finish(const DeltaCallback& onDelta);  // the body is complete
  const StreamState& state() const { return state_; }

 private:
  WireError sseEvent(const SseEvent& e, const DeltaCallback& onDelta);

  const WireFormat& wire_;
  bool stream_;
  std::size_t max_;
  std::string body_;  // non-streamed responses only
  SseParser sse_;
  NdjsonParser ndjson_;
  StreamState state_;
  WireError error_;
};

}  // namespace sb::agents
