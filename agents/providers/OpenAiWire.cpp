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

json chatMessage(const Message& m) {
  switch (m.role) {
    case Message::Role::User:
      return {{"role", "user"}, {"content", m.content}};
    case Message::Role::Tool:
      return {{"role", "tool"}, {"tool_call_id", m.toolCallId}, {"content", m.content}};
    case Message::Role::Assistant:
      break;
  }
  json msg{{"role", "assistant"}, {"content", m.content}};
  if (!m.toolCalls.empty()) {
    json calls = json::array();
    for (auto& c : m.toolCalls)
      calls.push_back({{"id", c.id},
                       {"type", "function"},
                       {"function",
                        {{"name", c.name},
                         {"arguments", c.arguments.is_string() ? c.arguments.get<std::string>()
                                                               : c.arguments.dump()}}}});
    msg["tool_calls"] = std::move(calls);
    if (m.content.empty()) msg["content"] = nullptr;
  }
  return msg;
}

json chatBody(const LlmRequest& req, const BackendConfig& cfg) {
  json messages = json::array();
  if (!req.system.empty()) messages.push_back({{"role", "system"}, {"content", req.system}});
  for (auto& m : req.messages) messages.push_back(chatMessage(m));
  if (req.kind == LlmRequest::Kind::Fim && req.messages.empty())  // a FIM prompt sent to chat
    messages.push_back({{"role", "user"}, {"content", req.prefix}});
  json body{{"messages", std::move(messages)}};
  common(body, req, cfg);
  if (!req.tools.empty()) {
    json tools = json::array();
    for (auto& t : req.tools)
      tools.push_back(
          {{"type", "function"},
           {"function",
            {{"name", t.name}, {"description", t.description}, {"parameters", t.parameters}}}});
    body["tools"] = std::move(tools);
  }
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

// Streamed tool calls come as pieces keyed by index: the first names the
// call, the rest append to its arguments text.
void toolCallDeltas(const json& delta, StreamState& st) {
  auto calls = delta.find("tool_calls");
  if (calls == delta.end() || !calls->is_array()) return;
  for (auto& piece : *calls) {
    if (!piece.is_object()) continue;
    std::size_t index = static_cast<std::size_t>(std::max(0, intOr(piece, "index", 0)));
    if (index > 64) continue;  // nonsense; a model does not call 65 tools in one turn
    if (st.toolCalls.size() <= index)
      st.toolCalls.resize(index + 1, ToolCall{{}, {}, std::string()});
    ToolCall& call = st.toolCalls[index];
    if (auto id = stringOr(piece, "id"); !id.empty()) call.id = id;
    if (auto f = piece.find("function"); f != piece.end() && f->is_object()) {
      if (auto name = stringOr(*f, "name"); !name.empty()) call.name = name;
      if (!call.arguments.is_string()) call.arguments = std::string();
      call.arguments.get_ref<std::string&>() += stringOr(*f, "arguments");
    }
  }
}

void wholeToolCalls(const json& message, StreamState& st) {
  auto calls = message.find("tool_calls");
  if (calls == message.end() || !calls->is_array()) return;
  for (auto& c : *calls) {
    if (!c.is_object()) continue;
    auto f = c.find("function");
    if (f == c.end() || !f->is_object()) continue;
    ToolCall call{stringOr(c, "id"), stringOr(*f, "name"), json::object()};
    if (auto a = f->find("arguments"); a != f->end()) call.arguments = *a;  // usually a JSON string
    st.toolCalls.push_back(std::move(call));
  }
}

WireError onEvent(const json& v, bool chat, StreamState& st, const DeltaCallback& onDelta) {
  if (!v.is_object()) return badResponse("stream event is not a JSON object");
  if (v.contains("error")) return LlmError{LlmError::Kind::Http, 0, errorMessageFromBody(v.dump())};
  usage(v, st);
  auto choices = v.find("choices");
  if (choices == v.end() || !choices->is_array() || choices->empty())
    return std::nullopt;  // e.g. the usage chunk
  const json& c = (*choices)[0];
  if (chat)
    if (auto d = c.find("delta"); d != c.end() && d->is_object()) toolCallDeltas(*d, st);
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
  if (chat)
    if (auto m = (*choices)[0].find("message"); m != (*choices)[0].end() && m->is_object())
      wholeToolCalls(*m, st);
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
    [](const json& v, std::string_view, StreamState& st, const DeltaCallback& d) {
      return onEvent(v, true, st, d);
    },
    [](const json& v, StreamState& st) { return onBody(v, true, st); },
};

const WireFormat kCompletions{
    WireFormat::Framing::Sse,
    [](const BackendConfig& c) { return c.baseUrl + "/completions"; },
    completionsBody,
    [](const json& v, std::string_view, StreamState& st, const DeltaCallback& d) {
      return onEvent(v, false, st, d);
    },
    [](const json& v, StreamState& st) { return onBody(v, false, st); },
};

}  // namespace

const WireFormat& openAiChatWire() {
  return kChat;
}
const WireFormat& openAiCompletionsWire() {
  return kCompletions;
}

}  // namespace sb::agents
