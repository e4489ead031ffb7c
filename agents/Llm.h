// The protocol-agnostic face of the LLM backends: what a caller asks for and
// what it gets back. Nothing here knows about HTTP, JSON-RPC or providers.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sb::agents {

// A function the model may call (OpenAI tools, Anthropic tool_use, Ollama tools).
struct ToolSpec {
  std::string name, description;
  nlohmann::json parameters = {{"type", "object"}};  // JSON Schema of the arguments
};

struct ToolCall {
  std::string id;  // the provider's call id (synthesised when it has none)
  std::string name;
  nlohmann::json arguments =
      nlohmann::json::object();  // a string when the model sent unparsable JSON
};

struct Message {
  // Tool: the result of one of the previous assistant turn's tool calls.
  enum class Role { User, Assistant, Tool } role = Role::User;
  std::string content;
  std::vector<ToolCall> toolCalls;   // Assistant turns that called tools
  std::string toolCallId, toolName;  // Tool turns: which call this answers
  bool isError = false;              // Tool turns: the tool failed

  static Message user(std::string text) {
    Message m;
    m.content = std::move(text);
    return m;
  }
  static Message assistant(std::string text, std::vector<ToolCall> calls = {}) {
    Message m;
    m.role = Role::Assistant;
    m.content = std::move(text);
    m.toolCalls = std::move(calls);
    return m;
  }
  static Message toolResult(const ToolCall& call, std::string text, bool isError = false) {
    Message m;
    m.role = Role::Tool;
    m.content = std::move(text);
    m.toolCallId = call.id;
    m.toolName = call.name;
    m.isError = isError;
    return m;
  }
};

struct LlmRequest {
  // Chat: system + messages. Fim: prefix/suffix around the cursor (a caller
  // that renders a model's FIM template puts the whole prompt in prefix).
  enum class Kind { Chat, Fim } kind = Kind::Chat;
  std::string system;
  std::vector<Message> messages;
  std::string prefix, suffix;
  int maxTokens = 256;
  double temperature = 0.0;
  std::vector<std::string> stop;
  bool stream = false;
  std::vector<ToolSpec> tools;  // Chat only; requests with tools are never cached
  // Backends to use, by name, in this order (a role's model choice with its
  // fallbacks); empty: the configured chain.
  std::vector<std::string> backends;
};

struct LlmResult {
  std::string text;
  std::string finishReason;
  int promptTokens = 0, completionTokens = 0;
  std::string backend, model;
  bool fromCache = false;
  std::vector<ToolCall>
      toolCalls;  // the model asked for these (finishReason tool_calls / tool_use)
};

struct LlmError {
  enum class Kind {
    NotConfigured,
    Connect,
    Timeout,
    Http,
    RateLimited,
    BadResponse,
    Cancelled,
    CircuitOpen
  };
  Kind kind = Kind::BadResponse;
  int httpStatus = 0;
  std::string message;
};

using LlmOutcome = std::variant<LlmResult, LlmError>;
using DeltaCallback = std::function<void(std::string_view delta)>;
using DoneCallback = std::function<void(LlmOutcome)>;

const char* toString(LlmError::Kind kind);

}  // namespace sb::agents
