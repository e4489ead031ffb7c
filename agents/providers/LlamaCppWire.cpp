// llama-server's native /infill: input_prefix/input_suffix, whole or streamed
// as SSE values {"content": "...", "stop": bool}. Chat goes through the
// OpenAI-compatible endpoint.
#include "agents/providers/Wire.h"

namespace sb::agents {

using nlohmann::json;

namespace {

// /infill lives at the server root, beside /v1.
std::string infillUrl(const BackendConfig& cfg) {
  std::string_view base = cfg.baseUrl;
  if (base.ends_with("/v1")) base.remove_suffix(3);
  return std::string(base) + "/infill";
}

json body(const LlmRequest& req, const BackendConfig& cfg) {
  json b{{"input_prefix", req.prefix},
         {"input_suffix", req.suffix},
         {"n_predict", req.maxTokens},
         {"temperature", req.temperature},
         {"stream", req.stream}};
  if (!cfg.model.empty()) b["model"] = cfg.model;
  if (!req.stop.empty()) b["stop"] = req.stop;
  return b;
}

void finalFields(const json& v, StreamState& st) {
  st.promptTokens = intOr(v, "tokens_evaluated", st.promptTokens);
  st.completionTokens = intOr(v, "tokens_predicted", st.completionTokens);
  if (boolOr(v, "stop")) {
    st.done = true;
    bool limit = boolOr(v, "stopped_limit");
    st.finishReason = limit ? "length" : "stop";
  }
}

WireError onEvent(const json& v, std::string_view, StreamState& st, const DeltaCallback& onDelta) {
  if (!v.is_object()) return badResponse("stream event is not a JSON object");
  if (v.contains("error")) return LlmError{LlmError::Kind::Http, 0, errorMessageFromBody(v.dump())};
  std::string delta = stringOr(v, "content");
  if (!delta.empty()) {
    st.text += delta;
    if (onDelta) onDelta(delta);
  }
  finalFields(v, st);
  return std::nullopt;
}

WireError onBody(const json& v, StreamState& st) {
  if (!v.is_object() || !v.contains("content"))
    return badResponse("infill response has no content");
  st.text = stringOr(v, "content");
  finalFields(v, st);
  st.done = true;
  if (st.finishReason.empty()) st.finishReason = "stop";
  return std::nullopt;
}

const WireFormat kInfill{WireFormat::Framing::Sse, infillUrl, body, onEvent, onBody};

}  // namespace

const WireFormat& llamaCppInfillWire() {
  return kInfill;
}

}  // namespace sb::agents
