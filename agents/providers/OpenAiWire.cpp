// OpenAI-compatible /chat/completions and /completions (OpenAI, vLLM,
// llama-server, Ollama's /v1), whole or streamed as SSE ending in [DONE].
#include "agents/providers/Wire.h"

namespace sb::agents {

using nlohmann::json;

namespace {

void common(json& body, const LlmRequest& req, const BackendConfig& cfg) {
  if (!cfg.model.empty()) body["model"] = cfg.model;
  body["max_tokens"] = req.maxTokens;
  body["temperature"] = req.temperature;
  if (!req.stop.empty()) body["stop"] = req.stop;
  body["stream"] = req.stream;
  if (req.stream) body["stream_options"] = {{"include_usage", true}};
}

json chatBody(const LlmRequest& req, const BackendConfig& cfg) {
  json messages = json::array();
  if (!req.system.empty()) messages.push_back({{"role", "system"}, {"content", req.system}});
  for (auto& m : req.messages)
    messages.push_back({{"role", m.role == Message::Role::User ? "user" : "assistant"}, {"content", m.content}});
  if (req.kind == LlmRequest::Kind::Fim && req.messages.empty())  // a FIM prompt sent to chat
    messages.push_back({{"role", "user"}, {"content", req.prefix}});
  json body{{"messages", std::move(messages)}};
  common(body, req, cfg);
  return body;
}

json completionsBody(const LlmRequest& req, const BackendConfig& cfg) {
  json body{{"prompt", req.prefix}};
  if (!req.suffix.empty()) body["suffix"] = req.suffix;
  common(body, req, cfg);
  return body;
}

void usage(const json& v, StreamState& st) {
  if (auto u = v.find("usage"); u != v.end() && u->is_object()) {
    st.promptTokens = intOr(*u, "prompt_tokens", st.promptTokens);
    st.completionTokens = intOr(*u, "completion_tokens", st.completionTokens);
  }
}

// chat: choices[0].message.content / .delta.content; completions: choices[0].text
std::string choiceText(const json& choice, bool chat, bool delta) {
  if (!chat) return stringOr(choice, "text");
  auto m = choice.find(delta ? "delta" : "message");
  return m == choice.end() ? std::string() : stringOr(*m, "content");
}

WireError onEvent(const json& v, bool chat, StreamState& st, const DeltaCallback& onDelta) {
  if (!v.is_object()) return badResponse("stream event is not a JSON object");
  if (v.contains("error")) return LlmError{LlmError::Kind::Http, 0, errorMessageFromBody(v.dump())};
  usage(v, st);
  auto choices = v.find("choices");
  if (choices == v.end() || !choices->is_array() || choices->empty()) return std::nullopt;  // e.g. the usage chunk
  const json& c = (*choices)[0];
  std::string delta = choiceText(c, chat, true);
  if (!delta.empty()) {
    st.text += delta;
    if (onDelta) onDelta(delta);
  }
  std::string reason = stringOr(c, "finish_reason");
  if (!reason.empty()) st.finishReason = reason;
  return std::nullopt;
}

WireError onBody(const json& v, bool chat, StreamState& st) {
  auto choices = v.find("choices");
  if (!v.is_object() || choices == v.end() || !choices->is_array() || choices->empty())
    return badResponse("response has no choices");
  st.text = choiceText((*choices)[0], chat, false);
  st.finishReason = stringOr((*choices)[0], "finish_reason");
  usage(v, st);
  st.done = true;
  return std::nullopt;
}

// An SSE stream's "[DONE]" sentinel is handled by the decoder before JSON parsing.
const WireFormat kChat{
    WireFormat::Framing::Sse,
    [](const BackendConfig& c) { return c.baseUrl + "/chat/completions"; },
    chatBody,
    [](const json& v, std::string_view, StreamState& st, const DeltaCallback& d) { return onEvent(v, true, st, d); },
    [](const json& v, StreamState& st) { return onBody(v, true, st); },
};

const WireFormat kCompletions{
    WireFormat::Framing::Sse,
    [](const BackendConfig& c) { return c.baseUrl + "/completions"; },
    completionsBody,
    [](const json& v, std::string_view, StreamState& st, const DeltaCallback& d) { return onEvent(v, false, st, d); },
    [](const json& v, StreamState& st) { return onBody(v, false, st); },
};

}  // namespace

const WireFormat& openAiChatWire() { return kChat; }
const WireFormat& openAiCompletionsWire() { return kCompletions; }

}  // namespace sb::agents
