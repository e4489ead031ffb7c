#include "agents/providers/Wire.h"

#include "protocol/JsonWriter.h"

namespace sb::agents {

using nlohmann::json;

const WireFormat& wireFor(Provider provider, LlmRequest::Kind kind) {
  bool fim = kind == LlmRequest::Kind::Fim;
  switch (provider) {
    case Provider::OpenAi:
      return fim ? openAiCompletionsWire() : openAiChatWire();
    case Provider::LlamaCpp:
      return fim ? llamaCppInfillWire() : openAiChatWire();
    case Provider::Anthropic:
      return anthropicMessagesWire();
    case Provider::Ollama:
      return fim ? ollamaGenerateWire() : ollamaChatWire();
  }
  return openAiChatWire();
}

WireRequest buildWireRequest(const LlmRequest& req, const BackendConfig& cfg,
                             const std::string& apiKey) {
  const WireFormat& wire = wireFor(cfg.provider, req.kind);
  WireRequest out;
  out.url = wire.url(cfg);
  out.body = jsonText(wire.body(
      req, cfg));  // fast, and invalid UTF-8 in a prompt becomes U+FFFD instead of throwing
  out.headers.emplace_back("Content-Type", "application/json");
  out.headers.emplace_back(
      "Accept", req.stream ? (wire.framing == WireFormat::Framing::Sse ? "text/event-stream"
                                                                       : "application/x-ndjson")
                           : "application/json");
  if (cfg.provider == Provider::Anthropic) {
    out.headers.emplace_back("anthropic-version", cfg.anthropicVersion);
    if (!apiKey.empty()) out.headers.emplace_back("x-api-key", apiKey);
  } else if (!apiKey.empty()) {
    out.headers.emplace_back("Authorization", "Bearer " + apiKey);
  }
  for (auto& [name, value] : cfg.headers) out.headers.emplace_back(name, value);
  return out;
}

std::string errorMessageFromBody(std::string_view body) {
  auto j = json::parse(body, nullptr, false);
  // An empty message says nothing: the body is shown instead.
  auto text = [](const json& v) {
    return v.is_string() && !v.get_ref<const std::string&>().empty();
  };
  if (j.is_object()) {
    if (auto e = j.find("error"); e != j.end()) {
      if (text(*e)) return e->get<std::string>();
      if (auto m = e->is_object() ? e->find("message") : e->end(); m != e->end() && text(*m))
        return m->get<std::string>();
    }
    if (auto m = j.find("message"); m != j.end() && text(*m)) return m->get<std::string>();
  }
  std::string s(body.substr(0, 200));
  return s;
}

WireError badResponse(std::string message) {
  return LlmError{LlmError::Kind::BadResponse, 0, std::move(message)};
}

std::string stringOr(const json& j, const char* key, std::string fallback) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

int intOr(const json& j, const char* key, int fallback) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int>() : fallback;
}

bool boolOr(const json& j, const char* key, bool fallback) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

void settleToolArguments(std::vector<ToolCall>& calls) {
  int n = 0;
  for (auto& c : calls) {
    ++n;
    if (c.id.empty()) c.id = "call_" + std::to_string(n);
    if (!c.arguments.is_string()) continue;
    const std::string& text = c.arguments.get_ref<const std::string&>();
    if (text.empty()) {
      c.arguments = nlohmann::json::object();
      continue;
    }
    auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_discarded()) c.arguments = std::move(parsed);
  }
}

}  // namespace sb::agents
