// What one LLM backend is and how to talk to it, plus the response cache's
// options. Plain data, filled from JSON (the configuration file) or from the
// ecosystem's usual environment variables. Secrets are never stored here:
// apiKeyEnv names the variable that holds the key.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace sb::agents {

enum class Provider {
  OpenAi,    // /chat/completions, and /completions for FIM (OpenAI, vLLM, llama-server, Ollama /v1)
  LlamaCpp,  // OpenAI chat, and llama-server's native /infill for FIM
  Anthropic,  // /v1/messages
  Ollama,     // native /api/chat and /api/generate (with suffix for FIM)
};

const char* toString(Provider p);
bool providerFromString(const std::string& s, Provider& out);

using Millis = std::chrono::milliseconds;

struct BackendConfig {
  std::string name;  // unique; shown in results and logs, part of the cache key
  Provider provider = Provider::OpenAi;
  std::string baseUrl;    // OpenAi/LlamaCpp: up to and including /v1; others: the server root
  std::string model;      // empty: not sent (llama-server serves whatever it loaded)
  std::string apiKeyEnv;  // environment variable holding the key; empty: no key
  std::map<std::string, std::string> headers;  // extra request headers
  Millis connectTimeout{5000};
  Millis firstTokenTimeout{30000};  // request sent -> first response body byte
  Millis totalTimeout{120000};
  int maxConcurrent = 4;  // requests beyond this wait in a queue
  int maxRetries = 2;     // on connection errors, 429 and 5xx, before any output
  Millis retryBaseDelay{250};
  Millis retryMaxDelay{8000};
  Millis retryAfterCap{30000};    // a longer Retry-After fails over instead of waiting
  int breakerThreshold = 5;       // consecutive failures that open the circuit
  Millis breakerCooldown{30000};  // open -> one half-open probe
  std::string anthropicVersion = "2023-06-01";
  // An OpenAI-compatible URL from OPENAI_BASE_URL may be llama-server, whose
  // /v1/completions ignores `suffix`: before the first fill-in-the-middle
  // request the router asks <root>/props and, if llama-server answers, uses
  // its native /infill instead.
  bool detectLlamaCpp = false;
};

struct CacheOptions {
  std::string path;  // SQLite file; empty disables the cache
  Millis ttl{std::chrono::hours(24)};
  int maxEntries = 10000;  // oldest evicted beyond this
  // Which requests are cacheable: sampling at temperature above this is not
  // reproducible, so it is not cached. Streamed requests are stored only once
  // they complete, and only if cacheStreamed.
  double maxTemperature = 0.0;
  bool cacheStreamed = true;
};

// Throws std::invalid_argument naming the offending field.
BackendConfig backendFromJson(const nlohmann::json& j);
nlohmann::json toJson(const BackendConfig& c);
CacheOptions cacheOptionsFromJson(const nlohmann::json& j);
nlohmann::json toJson(const CacheOptions& c);

// OPENAI_BASE_URL / OPENAI_API_KEY / OPENAI_MODEL, ANTHROPIC_BASE_URL /
// ANTHROPIC_API_KEY / ANTHROPIC_MODEL, OLLAMA_HOST / OLLAMA_MODEL, in that
// order of preference. getenv is injectable for tests.
using GetEnv = std::function<const char*(const char*)>;
std::vector<BackendConfig> backendsFromEnvironment(const GetEnv& getenv);
std::vector<BackendConfig> backendsFromEnvironment();

}  // namespace sb::agents
