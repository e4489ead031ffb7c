#include "agents/ResponseDecoder.h"

namespace sb::agents {

ResponseDecoder::ResponseDecoder(const WireFormat& wire, bool stream, std::size_t maxBodyBytes)
    : wire_(wire), stream_(stream), max_(maxBodyBytes) {}

WireError ResponseDecoder::sseEvent(const SseEvent& e, const DeltaCallback& onDelta) {
  if (e.data == "[DONE]") {  // OpenAI's end-of-stream sentinel
    state_.done = true;
    return std::nullopt;
  }
  auto value = nlohmann::json::parse(e.data, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded())
    return badResponse("malformed JSON in " + e.event + " event: " + e.data.substr(0, 120));
  return wire_.onEvent(value, e.event, state_, onDelta);
}

WireError ResponseDecoder::feed(std::string_view chunk, const DeltaCallback& onDelta) {
  if (error_) return error_;
  if (!stream_) {
    if (body_.size() + chunk.size() > max_) return error_ = badResponse("response body too large");
    body_.append(chunk);
    return std::nullopt;
  }
  if (wire_.framing == WireFormat::Framing::Sse) {
    bool ok = sse_.feed(chunk, [&](const SseEvent& e) {
      if (!error_) error_ = sseEvent(e, onDelta);
    });
    if (!ok && !error_) error_ = badResponse("stream event too large");
  } else {
    auto err = ndjson_.feed(chunk, [&](nlohmann::json&& v) {
      if (!error_) error_ = wire_.onEvent(v, "", state_, onDelta);
    });
    if (err && !error_) error_ = badResponse(*err);
  }
  return error_;
}

WireError ResponseDecoder::finish(const DeltaCallback& onDelta) {
  if (error_) return error_;
  if (stream_) {
    if (wire_.framing == WireFormat::Framing::Ndjson) {
      auto err = ndjson_.finish([&](nlohmann::json&& v) {
        if (!error_) error_ = wire_.onEvent(v, "", state_, onDelta);
      });
      if (err && !error_) error_ = badResponse(*err);
    }
    return error_;
  }
  auto value = nlohmann::json::parse(body_, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded())
    return error_ = badResponse("malformed JSON response: " + body_.substr(0, 120));
  error_ = wire_.onBody(value, state_);
  return error_;
}

}  // namespace sb::agents
