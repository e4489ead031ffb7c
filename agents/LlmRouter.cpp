#include "agents/LlmRouter.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <future>
#include <mutex>
#include <random>
#include <set>

#include "agents/CircuitBreaker.h"
#include "agents/HttpClient.h"
#include "agents/LlamaCppProbe.h"
#include "agents/Redact.h"
#include "agents/ResponseCache.h"
#include "agents/ResponseDecoder.h"
#include "agents/RetryPolicy.h"
#include "agents/Sha256.h"

namespace sb::agents {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kMaxErrorBody = 64 << 10;

// One complete() call, as it moves along the backend chain. Touched only on
// the I/O thread.
struct Call {
  LlmRequest req;
  DeltaCallback onDelta;
  DoneCallback done;
  CancelToken cancel;
  std::vector<std::size_t> chain;  // indexes into the backends, in the order to try
  std::size_t backend = 0;         // position in chain
  int attempt = 0;                 // retries made on the current backend
  std::string cacheKey;            // for the current backend
  bool outputStarted = false, finished = false, inFlight = false, probe = false;
  Clock::time_point attemptStart{};
  std::optional<LlmError> lastError;
};
using CallPtr = std::shared_ptr<Call>;

struct Backend {
  BackendConfig cfg;
  std::string apiKey;
  CircuitBreaker breaker;
  int active = 0;
  std::deque<CallPtr> waiting;  // beyond maxConcurrent
  long requests = 0, failures = 0, cacheHits = 0;
  std::string lastError;
  std::deque<double> latencies;  // ms, the most recent successes
};

bool is2xx(int status) {
  return status >= 200 && status < 300;
}

// Runs a decoder step. The decoders read untrusted JSON; should one still
// throw, the exception would leave through libcurl's C callback and end the
// process: it becomes this call's BadResponse instead.
template <class Step>
WireError guardedDecode(Step&& step) {
  try {
    return step();
  } catch (const std::exception& e) {
    return badResponse(std::string("undecodable response: ") + e.what());
  }
}

}  // namespace

struct LlmRouter::Impl {
  std::vector<Backend> backends;
  std::vector<std::string> secrets;  // every API key, for redaction
  ResponseCache cache;
  std::minstd_rand rng{std::random_device{}()};
  std::set<CallPtr> calls;  // unfinished
  bool stopping = false;
  std::mutex probeMu;        // guards probed; taken by callers, not the I/O thread
  std::vector<char> probed;  // per backend: llama-server detection done
  HttpClient client;         // last: its thread stops before the state above goes

  Impl(std::vector<BackendConfig> configs, CacheOptions cacheOptions, const GetEnv& getenv)
      : cache(std::move(cacheOptions)) {
    for (auto& cfg : configs) {
      std::string key;
      if (!cfg.apiKeyEnv.empty()) {
        const char* v = getenv ? getenv(cfg.apiKeyEnv.c_str()) : std::getenv(cfg.apiKeyEnv.c_str());
        if (v && *v)
          key = v;
        else
          spdlog::warn("llm backend '{}': environment variable {} is not set", cfg.name,
                       cfg.apiKeyEnv);
      }
      if (!key.empty()) secrets.push_back(key);
      int threshold = cfg.breakerThreshold;
      auto cooldown = cfg.breakerCooldown;
      backends.push_back(Backend{std::move(cfg),
                                 std::move(key),
                                 CircuitBreaker(threshold, cooldown),
                                 0,
                                 {},
                                 0,
                                 0,
                                 0,
                                 {},
                                 {}});
    }
    probed.assign(backends.size(), 0);
  }

  std::string clean(std::string text) const { return redact(std::move(text), secrets); }

  void finish(const CallPtr& call, LlmOutcome outcome) {
    if (call->finished) return;
    call->finished = true;
    calls.erase(call);
    if (auto* err = std::get_if<LlmError>(&outcome)) {
      err->message = clean(std::move(err->message));
      spdlog::debug("llm request failed ({}): {}", toString(err->kind), err->message);
    }
    auto done = std::move(call->done);
    if (done) done(std::move(outcome));
  }

  // Once per flagged backend, before its first FIM request: a llama-server
  // behind an OpenAI-compatible URL gets /infill (its /v1/completions drops
  // the suffix). The switch is posted, so it lands before this call's attempt.
  void detectLlamaServers(const std::vector<std::size_t>& chain) {
    for (std::size_t i : chain) {
      std::string url;
      {
        std::lock_guard lock(probeMu);
        if (probed[i] || !backends[i].cfg.detectLlamaCpp) continue;
        probed[i] = 1;
        url = backends[i].cfg.baseUrl;  // fixed after construction
      }
      if (!isLlamaServer(url, std::chrono::milliseconds(1500))) continue;
      spdlog::info(
          "llm backend '{}': llama-server detected; fill-in-the-middle goes to its /infill",
          backends[i].cfg.name);
      client.post([this, i] { backends[i].cfg.provider = Provider::LlamaCpp; });
    }
  }

  void cancelled(const CallPtr& call) {
    finish(call, LlmError{LlmError::Kind::Cancelled, 0, "request cancelled"});
  }

  // Walks the chain from call->backend: cache, circuit breaker, then a slot.
  void tryBackend(const CallPtr& call) {
    if (call->cancel.cancelled()) return cancelled(call);
    while (call->backend < call->chain.size()) {
      Backend& b = backends[call->chain[call->backend]];
      if (serveFromCache(call, b)) return;
      auto admit = b.breaker.admit(Clock::now());
      if (admit != CircuitBreaker::Admit::No) {
        call->probe = admit == CircuitBreaker::Admit::Probe;
        call->attempt = 0;
        return acquire(call);
      }
      if (!call->lastError)
        call->lastError = LlmError{
            LlmError::Kind::CircuitOpen, 0,
            "backend '" + b.cfg.name + "' is failing repeatedly; skipped until its cool-down ends"};
      ++call->backend;
    }
    finish(call, call->lastError
                     ? *call->lastError
                     : LlmError{LlmError::Kind::NotConfigured, 0, notConfiguredMessage()});
  }

  bool serveFromCache(const CallPtr& call, Backend& b) {
    call->cacheKey.clear();
    if (!cache.cacheable(call->req)) return false;
    WireRequest w = buildWireRequest(call->req, b.cfg, /*apiKey=*/"");
    call->cacheKey = sha256Hex(w.url + "\n" + w.body);
    auto hit = cache.get(b.cfg.name, b.cfg.model, call->cacheKey);
    if (!hit) return false;
    ++b.cacheHits;
    if (call->req.stream && call->onDelta && !hit->text.empty()) call->onDelta(hit->text);
    finish(call, LlmResult{hit->text, hit->finishReason, 0, 0, b.cfg.name, b.cfg.model, true, {}});
    return true;
  }

  void acquire(const CallPtr& call) {
    Backend& b = backends[call->chain[call->backend]];
    if (b.active < b.cfg.maxConcurrent)
      startAttempt(call);
    else
      b.waiting.push_back(call);
  }

  void release(Backend& b) {
    --b.active;
    while (b.active < b.cfg.maxConcurrent && !b.waiting.empty()) {
      CallPtr next = std::move(b.waiting.front());
      b.waiting.pop_front();
      if (!next->finished) startAttempt(next);
    }
  }

  void startAttempt(const CallPtr& call) {
    if (stopping) return cancelled(call);
    if (call->cancel.cancelled()) return cancelled(call);
    Backend& b = backends[call->chain[call->backend]];
    ++b.active;
    ++b.requests;
    call->inFlight = true;
    call->attemptStart = Clock::now();
    WireRequest w = buildWireRequest(call->req, b.cfg, b.apiKey);
    HttpRequest http{std::move(w.url),     std::move(w.headers),    std::move(w.body),
                     b.cfg.connectTimeout, b.cfg.firstTokenTimeout, b.cfg.totalTimeout};
    spdlog::debug("llm: backend '{}' attempt {} POST {}", b.cfg.name, call->attempt + 1,
                  clean(http.url));
    auto decoder = std::make_shared<ResponseDecoder>(wireFor(b.cfg.provider, call->req.kind),
                                                     call->req.stream);
    auto errorBody = std::make_shared<std::string>();
    auto decodeError = std::make_shared<WireError>();
    auto onDelta = [call](std::string_view d) {
      call->outputStarted = true;
      if (call->req.stream && call->onDelta) call->onDelta(d);
    };
    client.start(
        std::move(http),
        [decoder, errorBody, decodeError, onDelta](const HttpHead& head, std::string_view chunk) {
          if (!is2xx(head.status)) {
            errorBody->append(
                chunk.substr(0, kMaxErrorBody - std::min(kMaxErrorBody, errorBody->size())));
            return true;
          }
          *decodeError = guardedDecode([&] { return decoder->feed(chunk, onDelta); });
          return !*decodeError;
        },
        [this, call, decoder, errorBody, decodeError, onDelta](HttpResult r) {
          onTransferDone(call, std::move(r), *decoder, *errorBody, *decodeError, onDelta);
        },
        call->cancel);
  }

  void onTransferDone(const CallPtr& call, HttpResult r, ResponseDecoder& decoder,
                      const std::string& errorBody, const WireError& decodeError,
                      const DeltaCallback& onDelta) {
    Backend& b = backends[call->chain[call->backend]];
    call->inFlight = false;
    release(b);
    if (call->finished) return;
    if (r.outcome == HttpResult::Outcome::Cancelled) {
      if (call->probe) b.breaker.onProbeAbandoned();
      return cancelled(call);
    }
    const std::string prefix = "backend '" + b.cfg.name + "': ";
    LlmError err;
    bool retryable = false;
    std::optional<Millis> retryAfter;
    using O = HttpResult::Outcome;
    switch (r.outcome) {
      case O::Ok:
        if (is2xx(r.head.status)) {
          if (auto e = guardedDecode([&] { return decoder.finish(onDelta); })) {
            err = *e;
            break;
          }
          return succeeded(call, b, decoder.state());
        }
        err.kind = r.head.status == 429 ? LlmError::Kind::RateLimited : LlmError::Kind::Http;
        err.httpStatus = r.head.status;
        err.message = "HTTP " + std::to_string(r.head.status) +
                      (errorBody.empty() ? std::string() : ": " + errorMessageFromBody(errorBody));
        retryable = isRetryableStatus(r.head.status);
        if (auto ra = r.head.header("Retry-After"); !ra.empty())
          retryAfter = parseRetryAfter(ra, std::chrono::system_clock::now());
        break;
      case O::Aborted:
        err = decodeError ? *decodeError
                          : LlmError{LlmError::Kind::BadResponse, 0, "response aborted"};
        break;
      case O::Connect:
        err = {LlmError::Kind::Connect, 0, "cannot connect: " + r.message};
        retryable = true;
        break;
      case O::Timeout:
        err = {LlmError::Kind::Timeout, 0,
               "no complete response within " + std::to_string(b.cfg.totalTimeout.count()) + " ms"};
        break;
      case O::FirstByteTimeout:
        err = {LlmError::Kind::Timeout, 0,
               "no first token within " + std::to_string(b.cfg.firstTokenTimeout.count()) + " ms"};
        break;
      case O::Cancelled:  // handled above
      case O::Failed:
        err = {LlmError::Kind::Connect, r.head.status,
               (call->outputStarted ? "connection lost mid-response: " : "transfer failed: ") +
                   r.message};
        retryable = true;  // only before output, checked below
        break;
    }
    err.message = prefix + err.message;
    attemptFailed(call, b, std::move(err), retryable, retryAfter);
  }

  void succeeded(const CallPtr& call, Backend& b, const StreamState& st) {
    b.breaker.onSuccess();
    call->probe = false;
    b.latencies.push_back(
        std::chrono::duration<double, std::milli>(Clock::now() - call->attemptStart).count());
    if (b.latencies.size() > 256) b.latencies.pop_front();
    if (!call->cacheKey.empty())
      cache.put(b.cfg.name, b.cfg.model, call->cacheKey, {st.text, st.finishReason});
    LlmResult result{st.text,    st.finishReason, st.promptTokens, st.completionTokens,
                     b.cfg.name, b.cfg.model,     false,           st.toolCalls};
    settleToolArguments(result.toolCalls);
    finish(call, std::move(result));
  }

  void attemptFailed(const CallPtr& call, Backend& b, LlmError err, bool retryable,
                     std::optional<Millis> retryAfter) {
    if (retryable && !call->outputStarted && call->attempt < b.cfg.maxRetries &&
        (!retryAfter || *retryAfter <= b.cfg.retryAfterCap)) {
      std::uniform_real_distribution<double> unit(0.0, 1.0);
      Millis delay = retryAfter ? *retryAfter
                                : backoffDelay(call->attempt + 1, b.cfg.retryBaseDelay,
                                               b.cfg.retryMaxDelay, unit(rng));
      ++call->attempt;
      spdlog::debug("llm: {}; retry {} in {} ms", clean(err.message), call->attempt, delay.count());
      client.postAfter(delay, [this, call] {
        if (call->finished) return;
        if (call->cancel.cancelled()) return cancelled(call);
        acquire(call);
      });
      return;
    }
    // The server answering "your request is wrong" is alive: not a breaker failure.
    bool clientError =
        err.kind == LlmError::Kind::Http && err.httpStatus >= 400 && err.httpStatus < 500;
    if (clientError)
      b.breaker.onSuccess();
    else
      b.breaker.onFailure(Clock::now());
    call->probe = false;
    spdlog::info("llm: {}", clean(err.message));
    ++b.failures;
    b.lastError = clean(err.message);
    call->lastError = std::move(err);
    if (call->outputStarted)
      return finish(call, *call->lastError);  // the caller already has part of it
    ++call->backend;
    tryBackend(call);
  }

  // Calls that wait (queued or backing off) have no transfer watching their
  // token; look at them on every loop turn.
  void tick() {
    std::vector<CallPtr> gone;
    for (auto& c : calls)
      if (!c->inFlight && c->cancel.cancelled()) gone.push_back(c);
    for (auto& c : gone) cancelled(c);
  }

  void shutdown() {
    stopping = true;
    std::vector<CallPtr> waiting;
    for (auto& c : calls)
      if (!c->inFlight) waiting.push_back(c);
    for (auto& c : waiting) finish(c, LlmError{LlmError::Kind::Cancelled, 0, "shutting down"});
  }
};

LlmRouter::LlmRouter(std::vector<BackendConfig> backends, CacheOptions cache, const GetEnv& getenv)
    : impl_(std::make_unique<Impl>(std::move(backends), std::move(cache), getenv)) {
  impl_->client.setTick([impl = impl_.get()] { impl->tick(); });
}

LlmRouter::~LlmRouter() {
  impl_->client.post([impl = impl_.get()] { impl->shutdown(); });
  impl_->client.stop();  // in-flight transfers finish as Cancelled
}

namespace {
const char* circuitName(CircuitBreaker::State s) {
  switch (s) {
    case CircuitBreaker::State::Closed:
      return "closed";
    case CircuitBreaker::State::Open:
      return "open";
    case CircuitBreaker::State::HalfOpen:
      return "half-open";
  }
  return "?";
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}
}  // namespace

std::vector<BackendStatus> LlmRouter::status() const {
  std::promise<std::vector<BackendStatus>> promise;
  auto future = promise.get_future();
  impl_->client.post([impl = impl_.get(), &promise] {
    std::vector<BackendStatus> out;
    for (auto& b : impl->backends) {
      std::vector<double> lat(b.latencies.begin(), b.latencies.end());
      out.push_back(BackendStatus{b.cfg.name, toString(b.cfg.provider), b.cfg.model,
                                  impl->clean(b.cfg.baseUrl), circuitName(b.breaker.state()),
                                  b.requests, b.failures, b.cacheHits, b.lastError,
                                  percentile(lat, 0.5), percentile(lat, 0.99)});
    }
    promise.set_value(std::move(out));
  });
  return future.get();
}

bool LlmRouter::configured() const {
  return !impl_->backends.empty();
}

const char* LlmRouter::notConfiguredMessage() {
  return "no LLM backend configured: set OPENAI_BASE_URL (e.g. http://127.0.0.1:8080/v1 for "
         "llama-server) or "
         "ANTHROPIC_API_KEY or OLLAMA_HOST, or add a backend to ~/.config/switchboard/config.json";
}

void LlmRouter::complete(LlmRequest req, DeltaCallback onDelta, DoneCallback done,
                         CancelToken cancel) {
  if (impl_->backends.empty()) {
    if (done) done(LlmError{LlmError::Kind::NotConfigured, 0, notConfiguredMessage()});
    return;
  }
  auto call = std::make_shared<Call>();
  for (auto& name : req.backends) {
    std::size_t i = 0;
    while (i < impl_->backends.size() && impl_->backends[i].cfg.name != name) ++i;
    if (i < impl_->backends.size())
      call->chain.push_back(i);
    else
      spdlog::warn("llm: no backend named '{}' is configured; skipped", name);
  }
  if (req.backends.empty())
    for (std::size_t i = 0; i < impl_->backends.size(); ++i) call->chain.push_back(i);
  if (call->chain.empty()) {
    if (done)
      done(LlmError{LlmError::Kind::NotConfigured, 0,
                    "none of the backends asked for is configured"});
    return;
  }
  if (req.kind == LlmRequest::Kind::Fim) impl_->detectLlamaServers(call->chain);
  call->req = std::move(req);
  call->onDelta = std::move(onDelta);
  call->done = std::move(done);
  call->cancel = std::move(cancel);
  impl_->client.post([impl = impl_.get(), call] {
    if (impl->stopping) return impl->cancelled(call);
    impl->calls.insert(call);
    impl->tryBackend(call);
  });
}

}  // namespace sb::agents
