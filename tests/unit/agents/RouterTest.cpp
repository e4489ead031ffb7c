// The router against the fake server: retries, fallback, circuit breaker,
// cache, cancellation, timeouts, malformed streams, key hygiene, load.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "Harness.h"

using namespace sb::agents;
using namespace sb::agents::test;
using namespace std::chrono_literals;
using sb::fake::FakeBackend;
using sb::fake::Reply;
using Clock = std::chrono::steady_clock;

namespace {

Reply streamReply(const std::string& path, std::vector<std::string> pieces,
                  std::chrono::milliseconds chunkDelay) {
  Reply r;
  r.contentType = "text/event-stream";
  r.chunks = sb::fake::streamChunks(path, pieces);
  r.chunkDelay = chunkDelay;
  return r;
}

std::string tempPath(const std::string& name) {
  auto p = std::filesystem::temp_directory_path() /
           ("sb-router-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove(p);
  return p.string();
}

}  // namespace

TEST(Router, NotConfiguredSaysWhatToSet) {
  LlmRouter router({});
  EXPECT_FALSE(router.configured());
  Completion r = run(router, chat("x"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, LlmError::Kind::NotConfigured);
  EXPECT_NE(r.error().message.find("OPENAI_BASE_URL"), std::string::npos);
  EXPECT_NE(r.error().message.find("OLLAMA_HOST"), std::string::npos);
}

TEST(Router, RetriesAfter429HonouringRetryAfter) {
  FakeBackend server;
  server.enqueue(sb::fake::errorReply(429, "slow down", {{"Retry-After", "1"}}));
  BackendConfig cfg = backend("b", Provider::OpenAi, server.url() + "/v1");
  LlmRouter router({cfg});
  auto start = Clock::now();
  Completion r = run(router, chat("x"));
  auto took = Clock::now() - start;
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(server.requestCount(), 2u);
  EXPECT_GE(took, 950ms);  // waited as told, not the 10 ms backoff
  EXPECT_LT(took, 3s);
}

TEST(Router, LongRetryAfterFailsOverInsteadOfWaiting) {
  FakeBackend server;
  server.enqueue(sb::fake::errorReply(429, "slow down", {{"Retry-After", "3600"}}));
  LlmRouter router({backend("b", Provider::OpenAi, server.url() + "/v1")});
  Completion r = run(router, chat("x"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, LlmError::Kind::RateLimited);
  EXPECT_EQ(r.error().httpStatus, 429);
  EXPECT_EQ(server.requestCount(), 1u);
}

TEST(Router, RetriesOn500ThenSucceeds) {
  FakeBackend server;
  server.enqueue(sb::fake::errorReply(500, "boom"));
  server.enqueue(sb::fake::errorReply(503, "busy"));
  LlmRouter router({backend("b", Provider::Ollama, server.url())});
  Completion r = run(router, fim("a", "b"));
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(server.requestCount(), 3u);
}

TEST(Router, GivesUpAfterMaxRetries) {
  FakeBackend server;
  for (int i = 0; i < 3; ++i) server.enqueue(sb::fake::errorReply(500, "boom"));
  LlmRouter router({backend("b", Provider::OpenAi, server.url() + "/v1")});
  Completion r = run(router, chat("x"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, LlmError::Kind::Http);
  EXPECT_EQ(r.error().httpStatus, 500);
  EXPECT_EQ(server.requestCount(), 3u);  // first try + 2 retries
}

TEST(Router, FallsBackWhenFirstBackendIsDown) {
  FakeBackend second;
  second.setDefaultText("from second");
  BackendConfig down = backend("down", Provider::OpenAi, closedPortUrl() + "/v1");
  down.maxRetries = 1;
  LlmRouter router({down, backend("up", Provider::Anthropic, second.url())});
  Completion r = run(router, chat("x"));
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.result().text, "from second");
  EXPECT_EQ(r.result().backend, "up");
}

TEST(Router, AllDownReportsConnect) {
  LlmRouter router({backend("down", Provider::OpenAi, closedPortUrl() + "/v1")});
  Completion r = run(router, chat("x"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, LlmError::Kind::Connect);
  EXPECT_NE(r.error().message.find("down"), std::string::npos);
}

TEST(Router, CircuitBreakerOpensAndHalfOpens) {
  FakeBackend flaky, spare;
  flaky.setDefaultText("flaky is back");
  spare.setDefaultText("spare");
  for (int i = 0; i < 2; ++i) flaky.enqueue(sb::fake::errorReply(500, "down"));
  BackendConfig f = backend("flaky", Provider::OpenAi, flaky.url() + "/v1");
  f.maxRetries = 0;
  f.breakerThreshold = 2;
  f.breakerCooldown = 300ms;
  LlmRouter router({f, backend("spare", Provider::OpenAi, spare.url() + "/v1")});

  EXPECT_EQ(run(router, chat("1")).result().backend, "spare");
  EXPECT_EQ(run(router, chat("2")).result().backend, "spare");  // second failure opens the circuit
  EXPECT_EQ(flaky.requestCount(), 2u);
  EXPECT_EQ(run(router, chat("3")).result().backend, "spare");
  EXPECT_EQ(flaky.requestCount(), 2u);  // skipped while open

  std::this_thread::sleep_for(350ms);
  Completion probe =
      run(router, chat("4"));  // half-open: one probe goes to flaky, which has recovered
  EXPECT_EQ(probe.result().backend, "flaky");
  EXPECT_EQ(probe.result().text, "flaky is back");
  EXPECT_EQ(run(router, chat("5")).result().backend, "flaky");  // closed again
  EXPECT_EQ(flaky.requestCount(), 4u);

  // Alone, an open circuit is reported as such.
  FakeBackend lone;
  lone.enqueue(sb::fake::errorReply(500, "x"));
  BackendConfig l = backend("lone", Provider::OpenAi, lone.url() + "/v1");
  l.maxRetries = 0;
  l.breakerThreshold = 1;
  l.breakerCooldown = 10s;
  LlmRouter single({l});
  EXPECT_EQ(run(single, chat("a")).error().kind, LlmError::Kind::Http);
  EXPECT_EQ(run(single, chat("b")).error().kind, LlmError::Kind::CircuitOpen);
  EXPECT_EQ(lone.requestCount(), 1u);
}

TEST(Router, CacheHitSkipsTheServerAndExpires) {
  FakeBackend server;
  CacheOptions cache;
  cache.path = tempPath("hit.sqlite");
  cache.ttl = 400ms;
  LlmRouter router({backend("b", Provider::OpenAi, server.url() + "/v1")}, cache);

  Completion first = run(router, chat("same prompt", true));
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first.result().fromCache);
  Completion second = run(router, chat("same prompt", true));
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second.result().fromCache);
  EXPECT_EQ(second.result().text, first.result().text);
  EXPECT_EQ(second.deltas,
            first.result().text);  // a streamed caller still gets the text as a delta
  EXPECT_EQ(server.requestCount(), 1u);

  EXPECT_FALSE(run(router, chat("another prompt", true)).result().fromCache);
  LlmRequest warm = chat("same prompt", true);
  warm.temperature = 0.8;  // sampling: never cached
  EXPECT_FALSE(run(router, warm).result().fromCache);
  EXPECT_FALSE(run(router, warm).result().fromCache);
  EXPECT_EQ(server.requestCount(), 4u);

  std::this_thread::sleep_for(450ms);
  EXPECT_FALSE(run(router, chat("same prompt", true)).result().fromCache);  // TTL expired
  EXPECT_EQ(server.requestCount(), 5u);
  std::filesystem::remove(cache.path);
}

// Routes spdlog's default logger into a string for the scope.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto logger = std::make_shared<spdlog::logger>(
        "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(out_));
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

// Garbage in the cache file: set aside as *.corrupt and replaced by an empty
// cache, which works; completions never notice.
TEST(Router, CorruptCacheFileIsSetAsideAndRebuilt) {
  FakeBackend server;
  CacheOptions cache;
  cache.path = tempPath("corrupt.sqlite");
  std::filesystem::remove(cache.path + ".corrupt");
  {
    std::ofstream out(cache.path, std::ios::binary);
    out << std::string(8192, '\x5a');
  }
  CapturedLog log;
  LlmRouter router({backend("b", Provider::OpenAi, server.url() + "/v1")}, cache);
  EXPECT_NE(log.text().find("set aside"), std::string::npos) << log.text();
  EXPECT_TRUE(std::filesystem::exists(cache.path + ".corrupt"));

  Completion first = run(router, chat("prompt"));
  ASSERT_TRUE(first.ok()) << first.error().message;
  Completion second = run(router, chat("prompt"));
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_TRUE(second.result().fromCache);
  EXPECT_EQ(server.requestCount(), 1u);
  for (const char* suffix : {"", ".corrupt", "-wal", "-shm"})
    std::filesystem::remove(cache.path + suffix);
}

// Another process holds the cache's write lock: lookups still work (WAL),
// new entries are skipped with a log line, completions go to the backend;
// once the lock is gone, entries are written again.
TEST(Router, LockedCacheIsBypassedWithALogLine) {
  FakeBackend server;
  CacheOptions cache;
  cache.path = tempPath("locked.sqlite");
  CapturedLog log;
  LlmRouter router({backend("b", Provider::OpenAi, server.url() + "/v1")}, cache);
  ASSERT_TRUE(run(router, chat("before")).ok());

  sqlite3* locker = nullptr;
  ASSERT_EQ(sqlite3_open(cache.path.c_str(), &locker), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(locker, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  Completion hit = run(router, chat("before"));
  ASSERT_TRUE(hit.ok()) << hit.error().message;
  EXPECT_TRUE(hit.result().fromCache);
  for (int i = 0; i < 2; ++i) {
    Completion r = run(router, chat("during"));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_FALSE(r.result().fromCache);  // its entry could not be written
  }
  EXPECT_NE(log.text().find("llm cache: entry not written"), std::string::npos) << log.text();
  EXPECT_EQ(server.requestCount(), 3u);
  sqlite3_exec(locker, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(locker);

  ASSERT_TRUE(run(router, chat("after")).ok());
  Completion again = run(router, chat("after"));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again.result().fromCache);
  EXPECT_EQ(server.requestCount(), 4u);
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(cache.path + suffix);
}

TEST(Router, CancelMidStreamClosesTheConnection) {
  FakeBackend server;
  server.enqueue(
      streamReply("/v1/chat/completions", {"one ", "two ", "three ", "four ", "five"}, 300ms));
  LlmRouter router({backend("b", Provider::OpenAi, server.url() + "/v1")});
  sb::CancelSource cancel;
  Pending p(router, chat("x", true), cancel.token());
  ASSERT_TRUE(p.waitForDelta(3s));
  auto start = Clock::now();
  cancel.cancel();
  Completion r = p.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, LlmError::Kind::Cancelled);
  EXPECT_EQ(r.deltas, "one ");
  ASSERT_TRUE(server.waitForClosedByClient(1, 2s));
  EXPECT_LT(Clock::now() - start, 250ms);  // before the next chunk was due
}

TEST(Router, CancelWhileQueuedOrBackingOff) {
  FakeBackend server;
  Reply hang;
  hang.hang = true;
  server.enqueue(hang);
  BackendConfig cfg = backend("b", Provider::OpenAi, server.url() + "/v1");
  cfg.maxConcurrent = 1;
  LlmRouter router({cfg});
  sb::CancelSource first, second;
  Pending running(router, chat("1"), first.token());
  ASSERT_TRUE(server.waitForRequests(1, 2s));
  Pending queued(router, chat("2"), second.token());
  second.cancel();
  EXPECT_EQ(queued.get(1s).error().kind, LlmError::Kind::Cancelled);
  first.cancel();
  EXPECT_EQ(running.get(1s).error().kind, LlmError::Kind::Cancelled);
  EXPECT_TRUE(server.waitForClosedByClient(1, 1s));
  EXPECT_EQ(server.requestCount(), 1u);
}

TEST(Router, FirstTokenTimeoutAgainstHangingServer) {
  FakeBackend server;
  Reply hang;
  hang.hang = true;
  server.enqueue(hang);
  BackendConfig cfg = backend("b", Provider::OpenAi, server.url() + "/v1");
  cfg.firstTokenTimeout = 200ms;
  LlmRouter router({cfg});
  auto start = Clock::now();
  Completion r = run(router, chat("x", true));
  auto took = Clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, LlmError::Kind::Timeout);
  EXPECT_NE(r.error().message.find("first token"), std::string::npos);
  EXPECT_GE(took, 190ms);
  EXPECT_LT(took, 1500ms);
  EXPECT_TRUE(server.waitForClosedByClient(1, 1s));
}

TEST(Router, TotalTimeoutWhileStreaming) {
  FakeBackend server;
  server.enqueue(streamReply("/v1/chat/completions", {"a", "b", "c", "d", "e", "f"}, 150ms));
  BackendConfig cfg = backend("b", Provider::OpenAi, server.url() + "/v1");
  cfg.totalTimeout = 400ms;
  LlmRouter router({cfg});
  auto start = Clock::now();
  Completion r = run(router, chat("x", true));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, LlmError::Kind::Timeout);
  EXPECT_LT(Clock::now() - start, 1500ms);
  EXPECT_FALSE(r.deltas.empty());
  EXPECT_EQ(server.requestCount(), 1u);  // no retry after output started
}

TEST(Router, MalformedJsonInStreamIsBadResponse) {
  FakeBackend server;
  Reply bad;
  bad.contentType = "text/event-stream";
  bad.chunks = {"data: {\"choices\":[{\"delta\":{\"content\":\"ok\"}}]}\n\n",
                "data: {\"choices\":[{\"delta\":\n\n", "data: [DONE]\n\n"};
  server.enqueue(bad);
  Reply badNd;
  badNd.contentType = "application/x-ndjson";
  badNd.chunks = {"{\"response\":\"a\",\"done\":false}\n", "not json at all\n"};
  server.enqueue(badNd);
  LlmRouter router({backend("b", Provider::OpenAi, server.url() + "/v1")});
  Completion r = run(router, chat("x", true));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, LlmError::Kind::BadResponse);
  EXPECT_EQ(r.deltas, "ok");

  LlmRouter ollama({backend("o", Provider::Ollama, server.url())});
  Completion r2 = run(ollama, fim("p", "s", true));
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().kind, LlmError::Kind::BadResponse);
}

TEST(Router, DroppedMidStreamIsAnErrorNotARetry) {
  FakeBackend server;
  Reply drop = streamReply("/v1/chat/completions", {"par", "tial"}, 0ms);
  drop.chunks.resize(2);  // no finish, no [DONE]
  drop.dropMidStream = true;
  server.enqueue(drop);
  LlmRouter router({backend("b", Provider::OpenAi, server.url() + "/v1")});
  Completion r = run(router, chat("x", true));
  ASSERT_FALSE(r.ok()) << r.describe();
  EXPECT_EQ(r.error().kind, LlmError::Kind::Connect);
  EXPECT_EQ(r.deltas, "partial");
  EXPECT_EQ(server.requestCount(), 1u);
}

TEST(Router, ApiKeyNeverInLogsOrErrors) {
  const std::string key = "sk-live-SECRET-9f8e7d6c";
  std::ostringstream captured;
  auto previous = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(captured));
  logger->set_level(spdlog::level::trace);
  spdlog::set_default_logger(logger);

  std::vector<std::string> messages;
  {
    FakeBackend server;
    // A hostile or buggy server echoing the key in its error body and stream.
    server.enqueue(sb::fake::errorReply(401, "invalid key " + key));
    server.enqueue(sb::fake::errorReply(500, "upstream rejected " + key));
    Reply echo;
    echo.contentType = "text/event-stream";
    echo.chunks = {"data: {broken " + key + "\n\n"};
    server.enqueue(echo);
    auto env = [&](const char* n) -> const char* {
      return std::string(n) == "K" ? key.c_str() : nullptr;
    };
    BackendConfig cfg = backend("b", Provider::OpenAi, server.url() + "/v1");
    cfg.apiKeyEnv = "K";
    cfg.maxRetries = 0;
    BackendConfig down = backend("down", Provider::Anthropic, closedPortUrl());
    down.apiKeyEnv = "K";
    LlmRouter router({cfg}, {}, env);
    LlmRouter downRouter({down}, {}, env);
    for (int i = 0; i < 3; ++i) {
      Completion r = run(router, chat("x", i == 2));
      ASSERT_FALSE(r.ok());
      messages.push_back(r.error().message);
    }
    Completion r = run(downRouter, chat("x"));
    messages.push_back(r.error().message);
    EXPECT_EQ(server.requests().at(0).header("Authorization"),
              "Bearer " + key);  // it was sent, though
  }
  spdlog::set_default_logger(previous);
  for (auto& m : messages) EXPECT_EQ(m.find(key), std::string::npos) << m;
  EXPECT_NE(messages[0].find("[redacted]"), std::string::npos) << messages[0];
  EXPECT_FALSE(captured.str().empty());
  EXPECT_EQ(captured.str().find(key), std::string::npos) << captured.str();
}

TEST(Router, FiftyConcurrentRequestsAllComplete) {
  FakeBackend server;
  Reply slow;
  BackendConfig cfg = backend("b", Provider::OpenAi, server.url() + "/v1");
  cfg.maxConcurrent = 8;
  LlmRouter router({cfg});
  std::vector<std::unique_ptr<Pending>> pending;
  for (int i = 0; i < 50; ++i) {
    LlmRequest req = chat("request " + std::to_string(i), i % 2 == 0);
    pending.push_back(std::make_unique<Pending>(router, req));
  }
  int ok = 0;
  for (auto& p : pending) {
    Completion r = p->get(10s);
    ok += r.ok() && r.result().text == "Hello, world!";
  }
  EXPECT_EQ(ok, 50);
  EXPECT_EQ(server.requestCount(), 50u);
}

TEST(Router, DestroyingTheRouterFinishesEverything) {
  FakeBackend server;
  Reply hang;
  hang.hang = true;
  server.enqueue(hang);
  BackendConfig cfg = backend("b", Provider::OpenAi, server.url() + "/v1");
  cfg.maxConcurrent = 1;
  std::unique_ptr<Pending> a, b;
  {
    LlmRouter router({cfg});
    a = std::make_unique<Pending>(router, chat("1"));
    b = std::make_unique<Pending>(router, chat("2"));
    ASSERT_TRUE(server.waitForRequests(1, 2s));
  }
  EXPECT_EQ(a->get(1s).error().kind, LlmError::Kind::Cancelled);
  EXPECT_EQ(b->get(1s).error().kind, LlmError::Kind::Cancelled);
}
