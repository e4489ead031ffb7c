// The protocol-agnostic face of the LLM backends: what a caller asks for and
// what it gets back. Nothing here knows about HTTP, JSON-RPC or providers.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sb::agents {

struct Message {
  enum class Role { User, Assistant } role = Role::User;
  std::string content;
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
};

struct LlmResult {
  std::string text;
  std::string finishReason;
  int promptTokens = 0, completionTokens = 0;
  std::string backend, model;
  bool fromCache = false;
};

struct LlmError {
  enum class Kind { NotConfigured, Connect, Timeout, Http, RateLimited, BadResponse, Cancelled, CircuitOpen };
  Kind kind = Kind::BadResponse;
  int httpStatus = 0;
  std::string message;
};

using LlmOutcome = std::variant<LlmResult, LlmError>;
using DeltaCallback = std::function<void(std::string_view delta)>;
using DoneCallback = std::function<void(LlmOutcome)>;

const char* toString(LlmError::Kind kind);

}  // namespace sb::agents
