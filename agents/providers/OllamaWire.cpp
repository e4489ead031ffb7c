// Ollama's native API: /api/generate (prompt + suffix for FIM) and /api/chat,
// whole or streamed as NDJSON ending with "done": true. Ollama streams unless
// told otherwise, so "stream" is always sent.
#include "agents/providers/Wire.h"

namespace sb::agents {

using nlohmann::json;

namespace {

json options(const LlmRequest& req) {
  json o{{"temperature", req.temperature}, {"num_predict", req.maxTokens}};
  if (!req.stop.empty()) o["stop"] = req.stop;
  return o;
}

json generateBody(const LlmRequest& req, const BackendConfig& cfg) {
  json b{{"model", cfg.model},
         {"prompt", req.prefix},
         {"stream", req.stream},
         {"options", options(req)}};
  if (!req.suffix.empty()) b["suffix"] = req.suffix;
  if (!req.system.empty()) b["system"] = req.system;
  return b;
}

json chatBody(const LlmRequest& req, const BackendConfig& cfg) {
  json messages = json::array();
  if (!req.system.empty()) messages.push_back({{"role", "system"}, {"content", req.system}});
  for (auto& m : req.messages) {
    if (m.role == Message::Role::Tool) {
      messages.push_back({{"role", "tool"}, {"content", m.content}, {"tool_name", m.toolName}});
      continue;
    }
    json msg{{"role", m.role == Message::Role::User ? "user" : "assistant"},
             {"content", m.content}};
    if (!m.toolCalls.empty()) {
      json calls = json::array();
      for (auto& c : m.toolCalls)
        calls.push_back({{"function", {{"name", c.name}, {"arguments", c.arguments}}}});
      msg["tool_calls"] = std::move(calls);
    }
    messages.push_back(std::move(msg));
  }
  json b{{"model", cfg.model},
         {"messages", std::move(messages)},
         {"stream", req.stream},
         {"options", options(req)}};
  if (!req.tools.empty()) {
    json tools = json::array();
    for (auto& t : req.tools)
      tools.push_back(
          {{"type", "function"},
           {"function",
            {{"name", t.name}, {"description", t.description}, {"parameters", t.parameters}}}});
    b["tools"] = std::move(tools);
  }
  return b;
}

// Ollama sends a call whole (arguments as an object, no id), in any value.
void toolCalls(const json& v, StreamState& st) {
  auto m = v.find("message");
  if (m == v.end() || !m->is_object()) return;
  auto calls = m->find("tool_calls");
  if (calls == m->end() || !calls->is_array()) return;
  for (auto& c : *calls) {
    auto f = c.is_object() ? c.find("function") : c.end();
    if (f == c.end() || !f->is_object()) continue;
    st.toolCalls.push_back(ToolCall{
        {}, stringOr(*f, "name"), f->contains("arguments") ? (*f)["arguments"] : json::object()});
  }
}

std::string text(const json& v, bool chat) {
  if (!chat) return stringOr(v, "response");
  auto m = v.find("message");
  return m == v.end() ? std::string() : stringOr(*m, "content");
}

WireError value(const json& v, bool chat, StreamState& st, const DeltaCallback& onDelta) {
  if (!v.is_object()) return badResponse("stream value is not a JSON object");
  if (v.contains("error")) return LlmError{LlmError::Kind::Http, 0, errorMessageFromBody(v.dump())};
  if (chat) toolCalls(v, st);
  std::string delta = text(v, chat);
  if (!delta.empty()) {
    st.text += delta;
    if (onDelta) onDelta(delta);
  }
  if (boolOr(v, "done")) {
    st.done = true;
    st.finishReason = stringOr(v, "done_reason", "stop");
    st.promptTokens = intOr(v, "prompt_eval_count");
    st.completionTokens = intOr(v, "eval_count");
  }
  return std::nullopt;
}

WireError whole(const json& v, bool chat, StreamState& st) {
  if (!v.is_object() || !(chat ? v.contains("message") : v.contains("response")))
    return badResponse(chat ? "response has no message" : "response has no 'response' field");
  auto err = value(v, chat, st, nullptr);
  st.done = true;
  return err;
}

const WireFormat kGenerate{
    WireFormat::Framing::Ndjson,
    [](const BackendConfig& c) { return c.baseUrl + "/api/generate"; },
    generateBody,
    [](const json& v, std::string_view, StreamState& st, const DeltaCallback& d) {
      return value(v, false, st, d);
    },
    [](const json& v, StreamState& st) { return whole(v, false, st); },
};

const WireFormat kChat{
    WireFormat::Framing::Ndjson,
    [](const BackendConfig& c) { return c.baseUrl + "/api/chat"; },
    chatBody,
    [](const json& v, std::string_view, StreamState& st, const DeltaCallback& d) {
      return value(v, true, st, d);
    },
    [](const json& v, StreamState& st) { return whole(v, true, st); },
};

}  // namespace

const WireFormat& ollamaGenerateWire() {
  return kGenerate;
}
const WireFormat& ollamaChatWire() {
  return kChat;
}

}  // namespace sb::agents
