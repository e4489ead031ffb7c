// Anthropic Messages API: /v1/messages, whole or streamed as typed SSE events
// (message_start, content_block_delta, message_delta, message_stop, error).
#include "agents/providers/Wire.h"

namespace sb::agents {

using nlohmann::json;

namespace {

// The Messages API has no fill-in-the-middle endpoint: a FIM request becomes
// one user turn with a hole marker (real prompt templates come with the
// completion work).
constexpr const char* kFimSystem =
    "Complete the code at <CURSOR>. Reply with only the text to insert, no explanations, no code "
    "fences.";

// Tool results go back as tool_result blocks of a user turn; consecutive
// results (one per call of the previous assistant turn) share that turn.
json messagesFor(const std::vector<Message>& in) {
  json messages = json::array();
  for (auto& m : in) {
    if (m.role == Message::Role::Tool) {
      json block{{"type", "tool_result"}, {"tool_use_id", m.toolCallId}, {"content", m.content}};
      if (m.isError) block["is_error"] = true;
      if (!messages.empty() && messages.back()["role"] == "user" &&
          messages.back()["content"].is_array() && !messages.back()["content"].empty() &&
          messages.back()["content"][0]["type"] == "tool_result")
        messages.back()["content"].push_back(std::move(block));
      else
        messages.push_back({{"role", "user"}, {"content", json::array({std::move(block)})}});
    } else if (m.role == Message::Role::Assistant && !m.toolCalls.empty()) {
      json content = json::array();
      if (!m.content.empty()) content.push_back({{"type", "text"}, {"text", m.content}});
      for (auto& c : m.toolCalls)
        content.push_back({{"type", "tool_use"},
                           {"id", c.id},
                           {"name", c.name},
                           {"input", c.arguments.is_object() ? c.arguments : json::object()}});
      messages.push_back({{"role", "assistant"}, {"content", std::move(content)}});
    } else {
      messages.push_back(
          {{"role", m.role == Message::Role::User ? "user" : "assistant"}, {"content", m.content}});
    }
  }
  return messages;
}

json body(const LlmRequest& req, const BackendConfig& cfg) {
  json messages = json::array();
  std::string system = req.system;
  if (req.kind == LlmRequest::Kind::Fim) {
    if (system.empty()) system = kFimSystem;
    messages.push_back({{"role", "user"}, {"content", req.prefix + "<CURSOR>" + req.suffix}});
  } else {
    messages = messagesFor(req.messages);
  }
  json b{{"model", cfg.model},
         {"max_tokens", req.maxTokens},
         {"messages", std::move(messages)},
         {"temperature", req.temperature},
         {"stream", req.stream}};
  if (!system.empty()) b["system"] = system;
  if (!req.stop.empty()) b["stop_sequences"] = req.stop;
  if (!req.tools.empty()) {
    json tools = json::array();
    for (auto& t : req.tools)
      tools.push_back(
          {{"name", t.name}, {"description", t.description}, {"input_schema", t.parameters}});
    b["tools"] = std::move(tools);
  }
  return b;
}

void usage(const json& u, StreamState& st) {
  if (!u.is_object()) return;
  st.promptTokens = intOr(u, "input_tokens", st.promptTokens);
  st.completionTokens = intOr(u, "output_tokens", st.completionTokens);
}

WireError onEvent(const json& v, std::string_view event, StreamState& st,
                  const DeltaCallback& onDelta) {
  if (!v.is_object()) return badResponse("stream event is not a JSON object");
  std::string type = stringOr(v, "type", std::string(event));
  if (type == "error") return LlmError{LlmError::Kind::Http, 0, errorMessageFromBody(v.dump())};
  if (type == "message_start") {
    if (auto m = v.find("message"); m != v.end() && m->is_object() && m->contains("usage"))
      usage((*m)["usage"], st);
  } else if (type == "content_block_start") {
    // A tool_use block opens with its id and name; its input streams as JSON text.
    if (auto b = v.find("content_block"); b != v.end() && stringOr(*b, "type") == "tool_use")
      st.toolCalls.push_back(ToolCall{stringOr(*b, "id"), stringOr(*b, "name"), std::string()});
  } else if (type == "content_block_delta") {
    auto d = v.find("delta");
    if (d != v.end() && stringOr(*d, "type") == "text_delta") {
      std::string text = stringOr(*d, "text");
      st.text += text;
      if (onDelta && !text.empty()) onDelta(text);
    } else if (d != v.end() && stringOr(*d, "type") == "input_json_delta" &&
               !st.toolCalls.empty() && st.toolCalls.back().arguments.is_string()) {
      st.toolCalls.back().arguments.get_ref<std::string&>() += stringOr(*d, "partial_json");
    }
  } else if (type == "message_delta") {
    if (auto d = v.find("delta"); d != v.end())
      st.finishReason = stringOr(*d, "stop_reason", st.finishReason);
    if (auto u = v.find("usage"); u != v.end()) usage(*u, st);
  } else if (type == "message_stop") {
    st.done = true;
  }  // ping, content_block_start/stop: nothing to do
  return std::nullopt;
}

WireError onBody(const json& v, StreamState& st) {
  auto content = v.is_object() ? v.find("content") : v.end();
  if (content == v.end() || !content->is_array())
    return badResponse("response has no content array");
  for (auto& block : *content) {
    std::string type = stringOr(block, "type");
    if (type == "text")
      st.text += stringOr(block, "text");
    else if (type == "tool_use")
      st.toolCalls.push_back(ToolCall{stringOr(block, "id"), stringOr(block, "name"),
                                      block.contains("input") ? block["input"] : json::object()});
  }
  st.finishReason = stringOr(v, "stop_reason");
  if (auto u = v.find("usage"); u != v.end()) usage(*u, st);
  st.done = true;
  return std::nullopt;
}

const WireFormat kMessages{WireFormat::Framing::Sse,
                           [](const BackendConfig& c) { return c.baseUrl + "/v1/messages"; }, body,
                           onEvent, onBody};

}  // namespace

const WireFormat& anthropicMessagesWire() {
  return kMessages;
}

}  // namespace sb::agents
