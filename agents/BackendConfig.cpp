#include "agents/BackendConfig.h"

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace sb::agents {

using nlohmann::json;

namespace {

constexpr std::pair<Provider, const char*> kProviders[] = {
    {Provider::OpenAi, "openai"},
    {Provider::LlamaCpp, "llamacpp"},
    {Provider::Anthropic, "anthropic"},
    {Provider::Ollama, "ollama"},
};

template <class T>
void read(const json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  try {
    out = it->get<T>();
  } catch (const json::exception&) {
    throw std::invalid_argument(std::string("backend field '") + key + "' has the wrong type");
  }
}

void readMs(const json& j, const char* key, Millis& out) {
  long long v = out.count();
  read(j, key, v);
  if (v < 0) throw std::invalid_argument(std::string("'") + key + "' must not be negative");
  out = Millis(v);
}

std::string env(const GetEnv& getenv, const char* name) {
  const char* v = getenv(name);
  return v ? std::string(v) : std::string();
}

// OLLAMA_HOST is often "host:port" or a bare "0.0.0.0" (a listen address).
std::string ollamaUrl(std::string host) {
  if (host.find("://") == std::string::npos) host = "http://" + host;
  auto authority = host.find("://") + 3;
  if (host.compare(authority, 7, "0.0.0.0") == 0) host.replace(authority, 7, "127.0.0.1");
  auto pathStart = host.find('/', authority);
  std::string hostPort = host.substr(
      authority, pathStart == std::string::npos ? std::string::npos : pathStart - authority);
  bool hasPort = hostPort.rfind(':') != std::string::npos && hostPort.back() != ']';
  if (!hasPort) host.insert(pathStart == std::string::npos ? host.size() : pathStart, ":11434");
  while (!host.empty() && host.back() == '/') host.pop_back();
  return host;
}

}  // namespace

const char* toString(Provider p) {
  for (auto& [value, name] : kProviders)
    if (value == p) return name;
  return "?";
}

bool providerFromString(const std::string& s, Provider& out) {
  for (auto& [value, name] : kProviders)
    if (s == name) {
      out = value;
      return true;
    }
  return false;
}

BackendConfig backendFromJson(const json& j) {
  if (!j.is_object()) throw std::invalid_argument("a backend must be a JSON object");
  BackendConfig c;
  std::string provider;
  read(j, "provider", provider);
  if (!providerFromString(provider, c.provider))
    throw std::invalid_argument(
        "backend 'provider' must be one of openai, llamacpp, anthropic, ollama");
  read(j, "name", c.name);
  if (c.name.empty()) c.name = provider;
  read(j, "baseUrl", c.baseUrl);
  if (c.baseUrl.empty()) throw std::invalid_argument("backend '" + c.name + "' needs a baseUrl");
  while (!c.baseUrl.empty() && c.baseUrl.back() == '/') c.baseUrl.pop_back();
  read(j, "model", c.model);
  read(j, "apiKeyEnv", c.apiKeyEnv);
  read(j, "headers", c.headers);
  if (auto t = j.find("timeouts"); t != j.end() && t->is_object()) {
    readMs(*t, "connectMs", c.connectTimeout);
    readMs(*t, "firstTokenMs", c.firstTokenTimeout);
    readMs(*t, "totalMs", c.totalTimeout);
  }
  read(j, "maxConcurrent", c.maxConcurrent);
  if (c.maxConcurrent < 1) throw std::invalid_argument("'maxConcurrent' must be at least 1");
  if (auto r = j.find("retry"); r != j.end() && r->is_object()) {
    read(*r, "maxRetries", c.maxRetries);
    readMs(*r, "baseDelayMs", c.retryBaseDelay);
    readMs(*r, "maxDelayMs", c.retryMaxDelay);
    readMs(*r, "retryAfterCapMs", c.retryAfterCap);
  }
  if (auto b = j.find("circuitBreaker"); b != j.end() && b->is_object()) {
    read(*b, "failureThreshold", c.breakerThreshold);
    readMs(*b, "cooldownMs", c.breakerCooldown);
  }
  read(j, "anthropicVersion", c.anthropicVersion);
  return c;
}

json toJson(const BackendConfig& c) {
  return json{
      {"name", c.name},
      {"provider", toString(c.provider)},
      {"baseUrl", c.baseUrl},
      {"model", c.model},
      {"apiKeyEnv", c.apiKeyEnv},
      {"headers", c.headers},
      {"timeouts",
       {{"connectMs", c.connectTimeout.count()},
        {"firstTokenMs", c.firstTokenTimeout.count()},
        {"totalMs", c.totalTimeout.count()}}},
      {"maxConcurrent", c.maxConcurrent},
      {"retry",
       {{"maxRetries", c.maxRetries},
        {"baseDelayMs", c.retryBaseDelay.count()},
        {"maxDelayMs", c.retryMaxDelay.count()},
        {"retryAfterCapMs", c.retryAfterCap.count()}}},
      {"circuitBreaker",
       {{"failureThreshold", c.breakerThreshold}, {"cooldownMs", c.breakerCooldown.count()}}},
      {"anthropicVersion", c.anthropicVersion},
  };
}

CacheOptions cacheOptionsFromJson(const json& j) {
  if (!j.is_object()) throw std::invalid_argument("'cache' must be a JSON object");
  CacheOptions c;
  read(j, "path", c.path);
  readMs(j, "ttlMs", c.ttl);
  read(j, "maxEntries", c.maxEntries);
  read(j, "maxTemperature", c.maxTemperature);
  read(j, "cacheStreamed", c.cacheStreamed);
  return c;
}

json toJson(const CacheOptions& c) {
  return json{{"path", c.path},
              {"ttlMs", c.ttl.count()},
              {"maxEntries", c.maxEntries},
              {"maxTemperature", c.maxTemperature},
              {"cacheStreamed", c.cacheStreamed}};
}

std::vector<BackendConfig> backendsFromEnvironment(const GetEnv& getenv) {
  std::vector<BackendConfig> out;
  std::string openAiUrl = env(getenv, "OPENAI_BASE_URL");
  std::string openAiKey = env(getenv, "OPENAI_API_KEY");
  if (!openAiUrl.empty() || !openAiKey.empty()) {
    BackendConfig c;
    c.name = "openai";
    c.provider = Provider::OpenAi;
    c.baseUrl = openAiUrl.empty() ? "https://api.openai.com/v1" : openAiUrl;
    while (!c.baseUrl.empty() && c.baseUrl.back() == '/') c.baseUrl.pop_back();
    c.model = env(getenv, "OPENAI_MODEL");
    // api.openai.com needs a model; a local server (llama-server) ignores it.
    if (c.model.empty() && openAiUrl.empty()) c.model = "gpt-4o-mini";
    if (!openAiKey.empty()) c.apiKeyEnv = "OPENAI_API_KEY";
    c.detectLlamaCpp = !openAiUrl.empty();
    out.push_back(std::move(c));
  }
  std::string anthropicUrl = env(getenv, "ANTHROPIC_BASE_URL");
  if (!env(getenv, "ANTHROPIC_API_KEY").empty() || !anthropicUrl.empty()) {
    BackendConfig c;
    c.name = "anthropic";
    c.provider = Provider::Anthropic;
    c.baseUrl = anthropicUrl.empty() ? "https://api.anthropic.com" : anthropicUrl;
    while (!c.baseUrl.empty() && c.baseUrl.back() == '/') c.baseUrl.pop_back();
    c.model = env(getenv, "ANTHROPIC_MODEL");
    if (c.model.empty()) c.model = "claude-3-5-haiku-latest";
    c.apiKeyEnv = "ANTHROPIC_API_KEY";
    out.push_back(std::move(c));
  }
  std::string ollamaHost = env(getenv, "OLLAMA_HOST");
  if (!ollamaHost.empty()) {
    BackendConfig c;
    c.name = "ollama";
    c.provider = Provider::Ollama;
    c.baseUrl = ollamaUrl(ollamaHost);
    c.model = env(getenv, "OLLAMA_MODEL");
    if (c.model.empty()) c.model = "qwen2.5-coder:1.5b";
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<BackendConfig> backendsFromEnvironment() {
  return backendsFromEnvironment([](const char* name) -> const char* { return std::getenv(name); });
}

}  // namespace sb::agents
