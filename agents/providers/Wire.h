// A provider's wire format: how an LlmRequest becomes an HTTP request body,
// and how a response body (whole, or one streamed JSON value at a time)
// becomes text. Each provider lives in its own file; nothing here does I/O.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agents/BackendConfig.h"
#include "agents/Llm.h"

namespace sb::agents {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct WireRequest {
  std::string url;
  Headers headers;  // content type, auth, version and the backend's own headers
  std::string body;
};

// What a response has produced so far.
struct StreamState {
  std::string text, finishReason;
  int promptTokens = 0, completionTokens = 0;
  bool done = false;  // the provider's end-of-stream marker was seen
  // Streamed arguments arrive as JSON text in pieces: they stay strings here
  // until settleToolArguments() parses them.
  std::vector<ToolCall> toolCalls;
};

// Parses tool-call arguments still held as text; unparsable text stays a string.
// Gives calls without an id one ("call_N").
void settleToolArguments(std::vector<ToolCall>& calls);

using WireError = std::optional<LlmError>;

struct WireFormat {
  enum class Framing { Sse, Ndjson } framing;
  std::string (*url)(const BackendConfig&);  // the endpoint, from the base URL
  nlohmann::json (*body)(const LlmRequest&, const BackendConfig&);
  // One streamed value; event is the SSE event name ("message" if none).
  WireError (*onEvent)(const nlohmann::json& value, std::string_view event, StreamState&,
                       const DeltaCallback&);
  // A whole non-streamed response.
  WireError (*onBody)(const nlohmann::json& value, StreamState&);
};

const WireFormat& openAiChatWire();
const WireFormat& openAiCompletionsWire();
const WireFormat& llamaCppInfillWire();
const WireFormat& anthropicMessagesWire();
const WireFormat& ollamaGenerateWire();
const WireFormat& ollamaChatWire();

// The format a backend uses for a kind of request.
const WireFormat& wireFor(Provider provider, LlmRequest::Kind kind);

// URL, headers (auth included; apiKey may be empty) and body, ready to send.
WireRequest buildWireRequest(const LlmRequest& req, const BackendConfig& cfg,
                             const std::string& apiKey);

// A provider's error body ({"error":{"message":..}}, {"error":".."}) as text,
// else the start of the body.
std::string errorMessageFromBody(std::string_view body);

// Shared by the providers.
WireError badResponse(std::string message);
std::string stringOr(const nlohmann::json& j, const char* key, std::string fallback = {});
// Backend JSON is untrusted: these read a field only when it has the expected
// type (json::value and get<> throw on a mismatch) and give `fallback` otherwise.
int intOr(const nlohmann::json& j, const char* key, int fallback = 0);
bool boolOr(const nlohmann::json& j, const char* key, bool fallback = false);

}  // namespace sb::agents
