// Runs router requests synchronously for tests.
#pragma once

#include <chrono>
#include <future>
#include <mutex>
#include <string>

#include "FakeBackend.h"
#include "agents/LlmRouter.h"

namespace sb::agents::test {

struct Completion {
  std::string deltas;
  LlmOutcome outcome;
  const LlmResult& result() const { return std::get<LlmResult>(outcome); }
  const LlmError& error() const { return std::get<LlmError>(outcome); }
  bool ok() const { return std::holds_alternative<LlmResult>(outcome); }
  std::string describe() const {
    return ok() ? "ok: " + result().text
                : std::string(toString(error().kind)) + ": " + error().message;
  }
};

// Starts a request; get() waits for it.
class Pending {
 public:
  Pending(LlmRouter& router, LlmRequest req, CancelToken cancel = {})
      : state_(std::make_shared<State>()) {
    auto s = state_;
    router.complete(
        std::move(req),
        [s](std::string_view d) {
          std::lock_guard lock(s->mu);
          s->deltas += d;
          s->gotDelta.notify_all();
        },
        [s](LlmOutcome o) { s->done.set_value(std::move(o)); }, std::move(cancel));
  }
  Completion get(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto f = state_->done.get_future();
    if (f.wait_for(timeout) != std::future_status::ready)
      throw std::runtime_error("request did not finish");
    Completion r{{}, f.get()};
    std::lock_guard lock(state_->mu);
    r.deltas = state_->deltas;
    return r;
  }
  bool waitForDelta(std::chrono::milliseconds timeout) {
    std::unique_lock lock(state_->mu);
    return state_->gotDelta.wait_for(lock, timeout, [&] { return !state_->deltas.empty(); });
  }

 private:
  struct State {
    std::mutex mu;
    std::condition_variable gotDelta;
    std::string deltas;
    std::promise<LlmOutcome> done;
  };
  std::shared_ptr<State> state_;
};

inline Completion run(LlmRouter& router, LlmRequest req, CancelToken cancel = {}) {
  return Pending(router, std::move(req), std::move(cancel)).get();
}

inline LlmRequest chat(std::string text, bool stream = false) {
  LlmRequest r;
  r.kind = LlmRequest::Kind::Chat;
  r.system = "You are terse.";
  r.messages.push_back(Message::user(std::move(text)));
  r.stream = stream;
  r.maxTokens = 32;
  return r;
}

inline LlmRequest fim(std::string prefix, std::string suffix, bool stream = false) {
  LlmRequest r;
  r.kind = LlmRequest::Kind::Fim;
  r.prefix = std::move(prefix);
  r.suffix = std::move(suffix);
  r.stream = stream;
  r.maxTokens = 16;
  return r;
}

// A backend with short timeouts and fast retries, pointing at `url`.
inline BackendConfig backend(std::string name, Provider p, std::string url) {
  BackendConfig c;
  c.name = std::move(name);
  c.provider = p;
  c.baseUrl = std::move(url);
  c.model = "test-model";
  c.connectTimeout = std::chrono::milliseconds(500);
  c.firstTokenTimeout = std::chrono::milliseconds(2000);
  c.totalTimeout = std::chrono::milliseconds(4000);
  c.retryBaseDelay = std::chrono::milliseconds(10);
  c.retryMaxDelay = std::chrono::milliseconds(50);
  c.maxRetries = 2;
  return c;
}

// A port where nothing listens (the server that had it is gone).
inline std::string closedPortUrl() {
  fake::FakeBackend gone;
  return gone.url();
}

}  // namespace sb::agents::test
