// The router's building blocks: configuration, retry policy, circuit
// breaker, hashing, redaction and the response cache.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "agents/BackendConfig.h"
#include "agents/CircuitBreaker.h"
#include "agents/Redact.h"
#include "agents/ResponseCache.h"
#include "agents/RetryPolicy.h"
#include "agents/Sha256.h"

using namespace sb::agents;
using namespace std::chrono_literals;

namespace {

GetEnv fakeEnv(std::map<std::string, std::string> vars) {
  auto shared = std::make_shared<std::map<std::string, std::string>>(std::move(vars));
  return [shared](const char* name) -> const char* {
    auto it = shared->find(name);
    return it == shared->end() ? nullptr : it->second.c_str();
  };
}

std::string tempPath(const std::string& name) {
  auto p = std::filesystem::temp_directory_path() /
           ("sb-agents-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove(p);
  return p.string();
}

}  // namespace

TEST(BackendConfig, JsonRoundTrip) {
  auto j = nlohmann::json::parse(R"({
    "name": "local", "provider": "llamacpp", "baseUrl": "http://127.0.0.1:8080/v1/", "model": "qwen",
    "apiKeyEnv": "LLAMA_KEY", "headers": {"X-Team": "a"},
    "timeouts": {"connectMs": 100, "firstTokenMs": 200, "totalMs": 300},
    "maxConcurrent": 3, "retry": {"maxRetries": 1, "baseDelayMs": 5, "maxDelayMs": 6},
    "circuitBreaker": {"failureThreshold": 2, "cooldownMs": 50}})");
  BackendConfig c = backendFromJson(j);
  EXPECT_EQ(c.provider, Provider::LlamaCpp);
  EXPECT_EQ(c.baseUrl, "http://127.0.0.1:8080/v1");
  EXPECT_EQ(c.firstTokenTimeout, 200ms);
  EXPECT_EQ(c.headers.at("X-Team"), "a");
  EXPECT_EQ(c.breakerThreshold, 2);
  BackendConfig again = backendFromJson(toJson(c));
  EXPECT_EQ(toJson(again), toJson(c));

  EXPECT_THROW(backendFromJson(nlohmann::json{{"provider", "bard"}, {"baseUrl", "x"}}),
               std::invalid_argument);
  EXPECT_THROW(backendFromJson(nlohmann::json{{"provider", "openai"}}), std::invalid_argument);
  EXPECT_THROW(backendFromJson(nlohmann::json{
                   {"provider", "openai"}, {"baseUrl", "x"}, {"maxConcurrent", "many"}}),
               std::invalid_argument);

  CacheOptions cache =
      cacheOptionsFromJson(nlohmann::json{{"path", "/tmp/x.sqlite"}, {"ttlMs", 1000}});
  EXPECT_EQ(cache.ttl, 1000ms);
  EXPECT_EQ(toJson(cacheOptionsFromJson(toJson(cache))), toJson(cache));
}

TEST(BackendConfig, FromEnvironment) {
  EXPECT_TRUE(backendsFromEnvironment(fakeEnv({})).empty());

  // A llama-server user sets one variable.
  auto one = backendsFromEnvironment(fakeEnv({{"OPENAI_BASE_URL", "http://127.0.0.1:8080/v1/"}}));
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].provider, Provider::OpenAi);
  EXPECT_EQ(one[0].baseUrl, "http://127.0.0.1:8080/v1");
  EXPECT_EQ(one[0].model, "");
  EXPECT_EQ(one[0].apiKeyEnv, "");

  auto all = backendsFromEnvironment(fakeEnv({{"OPENAI_API_KEY", "sk-1"},
                                              {"ANTHROPIC_API_KEY", "ak"},
                                              {"ANTHROPIC_MODEL", "claude-x"},
                                              {"OLLAMA_HOST", "0.0.0.0"},
                                              {"OLLAMA_MODEL", "llama3"}}));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].baseUrl, "https://api.openai.com/v1");
  EXPECT_EQ(all[0].apiKeyEnv, "OPENAI_API_KEY");
  EXPECT_FALSE(all[0].model.empty());
  EXPECT_EQ(all[1].provider, Provider::Anthropic);
  EXPECT_EQ(all[1].baseUrl, "https://api.anthropic.com");
  EXPECT_EQ(all[1].model, "claude-x");
  EXPECT_EQ(all[2].provider, Provider::Ollama);
  EXPECT_EQ(all[2].baseUrl, "http://127.0.0.1:11434");
  EXPECT_EQ(all[2].model, "llama3");

  auto ollama = backendsFromEnvironment(fakeEnv({{"OLLAMA_HOST", "https://gpu.lan:9000/"}}));
  EXPECT_EQ(ollama.at(0).baseUrl, "https://gpu.lan:9000");
  EXPECT_EQ(backendsFromEnvironment(fakeEnv({{"OLLAMA_HOST", "box"}})).at(0).baseUrl,
            "http://box:11434");
  // Serialised config never holds the key itself, only the variable's name.
  EXPECT_EQ(toJson(all[0]).dump().find("sk-1"), std::string::npos);
}

TEST(RetryPolicy, BackoffGrowsWithJitterAndCap) {
  EXPECT_EQ(backoffDelay(1, 100ms, 1000ms, 0.0), 50ms);
  EXPECT_EQ(backoffDelay(3, 100ms, 1000ms, 0.0), 200ms);
  EXPECT_EQ(backoffDelay(10, 100ms, 1000ms, 0.0), 500ms);
  EXPECT_LT(backoffDelay(10, 100ms, 1000ms, 0.999), 1000ms);
  EXPECT_GE(backoffDelay(10, 100ms, 1000ms, 0.999), 990ms);
  EXPECT_TRUE(isRetryableStatus(429));
  EXPECT_TRUE(isRetryableStatus(503));
  EXPECT_FALSE(isRetryableStatus(400));
  EXPECT_FALSE(isRetryableStatus(401));
}

TEST(RetryPolicy, RetryAfterSecondsOrDate) {
  auto now = std::chrono::system_clock::from_time_t(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_EQ(parseRetryAfter("2", now), 2000ms);
  EXPECT_EQ(parseRetryAfter(" 0 ", now), 0ms);
  EXPECT_EQ(parseRetryAfter("Sun, 06 Nov 1994 08:49:40 GMT", now), 3000ms);
  EXPECT_EQ(parseRetryAfter("Sun, 06 Nov 1994 08:49:00 GMT", now), 0ms);  // in the past
  EXPECT_FALSE(parseRetryAfter("soon", now));
  EXPECT_FALSE(parseRetryAfter("-1", now));
  EXPECT_FALSE(parseRetryAfter("", now));
}

TEST(CircuitBreaker, OpensThenProbesOnce) {
  CircuitBreaker b(2, 100ms);
  auto t0 = CircuitBreaker::Clock::now();
  EXPECT_EQ(b.admit(t0), CircuitBreaker::Admit::Yes);
  b.onFailure(t0);
  EXPECT_EQ(b.state(), CircuitBreaker::State::Closed);
  b.onFailure(t0);
  EXPECT_EQ(b.state(), CircuitBreaker::State::Open);
  EXPECT_EQ(b.admit(t0 + 50ms), CircuitBreaker::Admit::No);
  EXPECT_EQ(b.admit(t0 + 100ms), CircuitBreaker::Admit::Probe);
  EXPECT_EQ(b.admit(t0 + 101ms), CircuitBreaker::Admit::No);  // one probe at a time
  b.onFailure(t0 + 110ms);                                    // probe failed: open again
  EXPECT_EQ(b.admit(t0 + 150ms), CircuitBreaker::Admit::No);
  EXPECT_EQ(b.admit(t0 + 210ms), CircuitBreaker::Admit::Probe);
  b.onSuccess();
  EXPECT_EQ(b.state(), CircuitBreaker::State::Closed);
  EXPECT_EQ(b.admit(t0 + 211ms), CircuitBreaker::Admit::Yes);
}

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Redact, RemovesEverySecret) {
  EXPECT_EQ(redact("key sk-abc in sk-abcsk-abc", {"sk-abc", ""}),
            "key [redacted] in [redacted][redacted]");
  EXPECT_EQ(redact("nothing", {}), "nothing");
}

TEST(ResponseCache, StoresExpiresAndEvicts) {
  CacheOptions o;
  o.path = tempPath("cache.sqlite");
  o.ttl = 300ms;
  o.maxEntries = 3;
  ResponseCache cache(o);
  ASSERT_TRUE(cache.enabled());
  LlmRequest req;
  EXPECT_TRUE(cache.cacheable(req));
  req.temperature = 0.7;
  EXPECT_FALSE(cache.cacheable(req));
  req.temperature = 0;
  req.stream = true;
  EXPECT_TRUE(cache.cacheable(req));

  cache.put("b", "m", "h1", {"one", "stop"});
  ASSERT_TRUE(cache.get("b", "m", "h1"));
  EXPECT_EQ(cache.get("b", "m", "h1")->text, "one");
  EXPECT_FALSE(cache.get("other", "m", "h1"));
  EXPECT_FALSE(cache.get("b", "m2", "h1"));
  for (int i = 2; i <= 4; ++i) {
    std::this_thread::sleep_for(2ms);
    cache.put("b", "m", "h" + std::to_string(i), {"t", "stop"});
  }
  EXPECT_FALSE(cache.get("b", "m", "h1"));  // oldest evicted beyond 3
  EXPECT_TRUE(cache.get("b", "m", "h4"));
  std::this_thread::sleep_for(350ms);
  EXPECT_FALSE(cache.get("b", "m", "h4"));  // expired

  EXPECT_FALSE(ResponseCache(CacheOptions{}).enabled());
  std::filesystem::remove(o.path);
}
