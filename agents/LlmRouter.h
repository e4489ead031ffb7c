// Sends LlmRequests to a chain of backends: per-backend concurrency limit
// (queue beyond it), retries with backoff on connection errors, 429 and 5xx
// (honouring Retry-After, never after output has started), fallback to the
// next backend, a circuit breaker per backend, and the response cache.
//
// complete() may be called from any thread. onDelta and done run on the
// router's I/O thread and must not block (post real work elsewhere); done is
// called exactly once. Cancelling the token aborts the HTTP transfer at once
// and finishes with LlmError::Kind::Cancelled.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "agents/BackendConfig.h"
#include "agents/Llm.h"
#include "analysis/Cancellation.h"

namespace sb::agents {

// A backend's health and traffic, for `switchboard status` and the editors.
struct BackendStatus {
  std::string name, provider, model, url;
  std::string circuit;  // "closed" (healthy), "open" (skipped), "half-open" (probing)
  long requests = 0, failures = 0, cacheHits = 0;
  std::string lastError;        // redacted
  double p50Ms = 0, p99Ms = 0;  // over the last successful requests
};

class LlmRouter {
 public:
  // API keys are read from the environment (through getenv) here, once.
  explicit LlmRouter(std::vector<BackendConfig> backends, CacheOptions cache = {},
                     const GetEnv& getenv = {});
  ~LlmRouter();  // unfinished requests finish as Cancelled
  LlmRouter(const LlmRouter&) = delete;
  LlmRouter& operator=(const LlmRouter&) = delete;

  void complete(LlmRequest req, DeltaCallback onDelta, DoneCallback done, CancelToken cancel = {});

  bool configured() const;
  // Not from a done/onDelta callback (it waits for the router's I/O thread).
  std::vector<BackendStatus> status() const;
  // What to set when nothing is configured.
  static const char* notConfiguredMessage();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sb::agents
