// Fault injection against the real binary, each bounded in time: a backend
// that hangs, resets, sends garbage or fails mid-stream during completions;
// the index database locked by another process; a full disk (RLIMIT_FSIZE);
// a corrupted index file; clients that drop mid-request; the daemon killed
// with SIGKILL during an index write. None may crash or hang the daemon or
// lose committed index data. Every process runs with a clean environment and
// a scratch HOME.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "ChildProcess.h"
#include "FakeBackend.h"
#include "FaultHelpers.h"
#include "LspClient.h"
#include "ScratchDir.h"

namespace sb::e2e {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

class IndexFault : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_directories(dir / "home"); }
  std::string ws() const { return dir / "ws"; }
  std::string indexDir() const { return dir / "index"; }
  // The one database file in the index folder.
  std::string dbPath() const { return sqliteFileIn(indexDir()); }
  Finished index(Millis timeout = 60s) {
    return runToCompletion(cleanEnv(dir, {SB_BINARY, "index", ws(), "--index-dir", indexDir()}),
                           timeout);
  }
  long long filesLike(const std::string& prefix) {
    Db db(dbPath());
    return db.count("SELECT count(*) FROM files WHERE path LIKE '" + prefix + "%'");
  }
  std::vector<std::string> corruptFiles() const { return corruptFilesIn(indexDir()); }

  ScratchDir dir;
};

// Another process holds the write lock (BEGIN EXCLUSIVE) for a while: the
// indexer waits for it and then writes.
TEST_F(IndexFault, LockedDatabaseIsWaitedFor) {
  writeModules(ws() + "/a", "a", 20, 5);
  ASSERT_EQ(index().status.code, 0);
  writeModules(ws() + "/b", "b", 20, 5);
  Db locker(dbPath(), false);
  ASSERT_EQ(locker.exec("BEGIN EXCLUSIVE"), SQLITE_OK);
  std::thread release([&] {
    std::this_thread::sleep_for(1500ms);
    locker.exec("COMMIT");
  });
  auto start = Clock::now();
  Finished run = index();
  release.join();
  EXPECT_EQ(run.status.code, 0) << run.status.describe() << run.out << run.err;
  EXPECT_GE(Clock::now() - start, 1400ms) << "the write should have waited for the lock";
  EXPECT_EQ(filesLike("a/"), 20);
  EXPECT_EQ(filesLike("b/"), 20);
  EXPECT_TRUE(corruptFiles().empty());
  Db(dbPath()).expectConsistent();
}

// The lock is held past the busy timeout (5 s): the run reports the failure
// and exits non-zero; the database is not taken for corrupt, nothing
// committed is lost, and the next run catches up.
TEST_F(IndexFault, DatabaseLockedTooLongIsReportedNotLost) {
  writeModules(ws() + "/a", "a", 20, 5);
  ASSERT_EQ(index().status.code, 0);
  writeModules(ws() + "/b", "b", 20, 5);
  {
    Db locker(dbPath(), false);
    ASSERT_EQ(locker.exec("BEGIN EXCLUSIVE"), SQLITE_OK);
    Finished run = index(30s);
    EXPECT_TRUE(run.status.exited()) << run.status.describe();
    EXPECT_NE(run.status.code, 0) << run.out << run.err;
    EXPECT_NE(run.err.find("locked"), std::string::npos) << run.err;
    locker.exec("ROLLBACK");
  }
  EXPECT_TRUE(corruptFiles().empty()) << "a locked database was moved aside as if corrupt";
  EXPECT_EQ(filesLike("a/"), 20);
  Finished again = index();
  EXPECT_EQ(again.status.code, 0) << again.out << again.err;
  EXPECT_EQ(filesLike("b/"), 20);
  Db(dbPath()).expectConsistent();
}

// A full disk, simulated with RLIMIT_FSIZE (SIGXFSZ ignored, so writes fail
// with EFBIG): the run fails cleanly, the committed index stays readable and
// complete, and a run without the limit finishes the job.
TEST_F(IndexFault, FullDiskFailsCleanlyAndKeepsCommittedData) {
  writeModules(ws() + "/a", "a", 20, 5);
  ASSERT_EQ(index().status.code, 0);
  const auto before = fs::file_size(dbPath());
  writeModules(ws() + "/b", "b", 400, 40);  // several MB of index
  // ulimit -f counts 512-byte blocks: room for the existing file and a little more.
  const std::string limit = std::to_string(before / 512 + 64);
  Finished run = runToCompletion(
      cleanEnv(dir, {"/bin/sh", "-c", "trap '' XFSZ; ulimit -f " + limit + " && exec \"$@\"", "sh",
                     SB_BINARY, "index", ws(), "--index-dir", indexDir()}),
      60s);
  EXPECT_TRUE(run.status.exited()) << run.status.describe() << run.err;
  EXPECT_NE(run.status.code, 0) << run.out << run.err;
  EXPECT_TRUE(corruptFiles().empty()) << "a full disk is not a corrupt database";
  EXPECT_EQ(filesLike("a/"), 20);
  Db(dbPath()).expectConsistent();
  Finished again = index();
  EXPECT_EQ(again.status.code, 0) << again.out << again.err;
  EXPECT_EQ(filesLike("b/"), 400);
  Db(dbPath()).expectConsistent();
}

// Garbage in place of the database (more cases in tests/unit/index/IndexStoreTest.cpp):
// moved aside, rebuilt, said so.
TEST_F(IndexFault, CorruptedDatabaseIsSetAsideAndRebuilt) {
  writeModules(ws() + "/a", "a", 10, 3);
  ASSERT_EQ(index().status.code, 0);
  const std::string path = dbPath();
  for (const char* s : {"-wal", "-shm"}) fs::remove(path + s);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(0);
    f << std::string(4096, '\x5a');  // the header and first page
  }
  Finished run = index();
  EXPECT_EQ(run.status.code, 0) << run.out << run.err;
  EXPECT_NE(run.err.find("rebuilt from scratch"), std::string::npos) << run.err;
  EXPECT_EQ(corruptFiles().size(), 1u);
  EXPECT_EQ(filesLike("a/"), 10);
  Db(dbPath()).expectConsistent();
}

// SIGKILL while a large incremental write is under way: the database opens
// as it is (not set aside), the previous run's files are all there, every
// row is consistent, and the next run completes the index.
TEST_F(IndexFault, KilledDuringAnIndexWriteLosesNothingCommitted) {
  writeModules(ws() + "/a", "a", 30, 5);
  ASSERT_EQ(index().status.code, 0);
  writeModules(ws() + "/b", "b", 1500, 30);
  const std::string wal = dbPath() + "-wal";
  auto proc =
      ChildProcess::start(cleanEnv(dir, {SB_BINARY, "index", ws(), "--index-dir", indexDir()}));
  // Kill once the write-ahead log is growing: a transaction is being written.
  const auto deadline = Clock::now() + 30s;
  std::error_code ec;
  while (Clock::now() < deadline && proc.running() && fs::file_size(wal, ec) < 256 * 1024)
    std::this_thread::sleep_for(2ms);
  ASSERT_TRUE(proc.running())
      << "the run finished before it could be killed; make the workspace larger";
  proc.signal(SIGKILL);
  auto status = proc.wait(10s);
  ASSERT_TRUE(status && status->signal == SIGKILL);
  {
    Db db(dbPath());
    db.expectConsistent();
    EXPECT_EQ(db.count("SELECT count(*) FROM files WHERE path LIKE 'a/%'"), 30);
    EXPECT_LT(db.count("SELECT count(*) FROM files WHERE path LIKE 'b/%'"), 1500);
  }
  Finished again = index(120s);
  EXPECT_EQ(again.status.code, 0) << again.out << again.err;
  EXPECT_TRUE(corruptFiles().empty()) << again.err;
  EXPECT_EQ(filesLike("a/"), 30);
  EXPECT_EQ(filesLike("b/"), 1500);
  Db(dbPath()).expectConsistent();
}

// --- backend faults during LSP completions ---------------------------------

class BackendFault : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir / "home");
    writeModules(ws(), "m", 3, 3);
    // Short timeouts, no retries and no circuit breaking, so each fault is
    // seen by exactly one request.
    // The user's file (the workspace's may not choose servers).
    writeText(dir / "home/.config/switchboard/config.json",
              R"({"backends": [{"name": "fake", "provider": ")" + provider +
                  R"(",
        "baseUrl": ")" +
                  backend.url() + basePath + R"(", "model": "fake-model",
        "timeouts": {"connectMs": 1000, "firstTokenMs": 1500, "totalMs": 3000},
        "retry": {"maxRetries": 0}, "circuitBreaker": {"failureThreshold": 1000}}],
        "completion": {"debounceMs": 0}})");
    proc.emplace(
        ChildProcess::start(cleanEnv(dir, {SB_BINARY, "lsp", "--workspace", ws(), "--index-dir",
                                           dir / "index", "--log-level", "info"})));
    lsp.emplace(proc->io());
    json init = lsp->request(
        "initialize",
        {{"processId", nullptr}, {"rootUri", "file://" + ws()}, {"capabilities", json::object()}});
    ASSERT_TRUE(init.contains("result")) << init.dump() << proc->err();
    lsp->notify("initialized", json::object());
    lsp->open(uri(), "python", "def add(a, b):\n    return a + b\n\nx = ad\n");
  }
  std::string ws() const { return dir / "ws"; }
  std::string uri() const { return "file://" + ws() + "/m_0.py"; }

  json completion() {
    return {{"textDocument", {{"uri", uri()}}}, {"position", {{"line", 3}, {"character", 6}}}};
  }

  // A completion under `reply`; meanwhile other requests are answered fast.
  void expectSurvives(const fake::Reply& reply, const std::string& what) {
    SCOPED_TRACE(what);
    backend.enqueue(reply);
    const size_t before = backend.requestCount();
    auto start = Clock::now();
    json id = lsp->sendRequest("textDocument/completion", completion());
    ASSERT_TRUE(backend.waitForRequests(before + 1, 5s)) << proc->err();
    // While the backend misbehaves, the daemon answers other requests.
    auto t0 = Clock::now();
    std::vector<json> others;
    json symbolsId =
        lsp->sendRequest("textDocument/documentSymbol", {{"textDocument", {{"uri", uri()}}}});
    json symbols = lsp->awaitResponse(symbolsId, &others, 5s);
    EXPECT_TRUE(symbols.contains("result") && !symbols["result"].empty()) << symbols.dump();
    EXPECT_LT(Clock::now() - t0, 1000ms) << "documentSymbol was held up by the backend";
    json r;
    for (const auto& o : others)
      if (o.value("id", json()) == id) r = o;
    if (r.is_null()) r = lsp->awaitResponse(id, nullptr, 10s);
    EXPECT_LT(Clock::now() - start, 6s) << "the completion outlived the backend timeouts";
    EXPECT_TRUE(r.contains("result") || r.contains("error")) << r.dump();
    EXPECT_TRUE(proc->running()) << proc->err();
  }

  std::string provider = "openai", basePath = "/v1";  // set by a subclass before SetUp
  ScratchDir dir;
  fake::FakeBackend backend;
  std::optional<ChildProcess> proc;
  std::optional<LspClient> lsp;
};

fake::Reply sse(std::vector<std::string> chunks, bool drop = false, Millis delay = 0ms) {
  fake::Reply r;
  r.contentType = "text/event-stream";
  r.chunks = std::move(chunks);
  r.dropMidStream = drop;
  r.chunkDelay = delay;
  return r;
}

TEST_F(BackendFault, HangResetGarbageAndMidStreamErrorsLeaveTheDaemonServing) {
  const std::string delta =
      "data: {\"choices\":[{\"text\":\"d\",\"delta\":{\"content\":\"d\"}}]}\n\n";
  fake::Reply hang;
  hang.hang = true;
  expectSurvives(hang, "the backend never answers");
  fake::Reply slowHeaders;
  slowHeaders.headerDelay = 4000ms;
  expectSurvives(slowHeaders, "headers after the first-token timeout");
  expectSurvives(sse({delta, delta}, /*drop=*/true), "the connection resets mid-stream");
  fake::Reply garbage;
  constexpr char kGarbage[] = "<html>502 Bad Gateway</html>\x00\xff";  // the NUL and 0xFF sent too
  garbage.body.assign(kGarbage, sizeof kGarbage - 1);
  expectSurvives(garbage, "garbage instead of JSON");
  expectSurvives(sse({delta, "data: {not json at all\n\n", delta}), "garbage inside the stream");
  expectSurvives(
      sse({delta, "data: {\"error\":{\"message\":\"internal error\",\"code\":500}}\n\n"}),
      "an error event mid-stream");
  expectSurvives(fake::errorReply(500, "internal error"), "a plain 500");
  expectSurvives(sse({delta, delta, delta, delta, delta, delta}, false, 1000ms),
                 "a stream that stalls past totalMs");
  expectSurvives(sse({"data: {\"choices\":[{\"text\":7,\"delta\":{\"content\":[]},"
                      "\"finish_reason\":1}],\"usage\":\"x\"}\n\n"}),
                 "well-formed JSON with wrong types");
  // The backend behaves again: completions work.
  backend.setDefaultText("d(1, 2)");
  json r;
  bool modelItem = false;
  for (int attempt = 0; attempt < 5 && !modelItem; ++attempt) {
    r = lsp->request("textDocument/completion", completion(), 10s);
    ASSERT_TRUE(r.contains("result")) << r.dump();
    for (const auto& item : r["result"]["items"])
      modelItem |= item.dump().find("d(1, 2)") != std::string::npos;
  }
  EXPECT_TRUE(modelItem) << r.dump();
}

// The same daemon with an Ollama backend, whose stream decoding once threw on
// a wrongly typed field ({"done":"b"}) and ended the process from inside
// libcurl's callback.
class OllamaBackendFault : public BackendFault {
 protected:
  OllamaBackendFault() {
    provider = "ollama";
    basePath = "";
  }
};

TEST_F(OllamaBackendFault, WellFormedJsonWithWrongTypesLeavesTheDaemonServing) {
  fake::Reply ndjson;
  ndjson.contentType = "application/x-ndjson";
  ndjson.chunks = {"{\"response\":\"d\",\"done\":\"b\"}\n",
                   "{\"response\":{},\"done\":true,\"done_reason\":5,\"eval_count\":\"2\"}\n"};
  expectSurvives(ndjson, "well-formed JSON with wrong types");
  fake::Reply whole;
  whole.body = R"({"response":[1],"done":"yes","prompt_eval_count":{}})";
  expectSurvives(whole, "a whole response with wrong types");
}

// --- clients that go away ------------------------------------------------

TEST(ClientFault, DisconnectsMidRequestDoNotAffectOtherClients) {
  ScratchDir dir;
  fs::create_directories(dir / "home");
  auto proc = ChildProcess::start(cleanEnv(dir, {SB_BINARY, "lsp", "--listen", "tcp://127.0.0.1:0",
                                                 "--no-index", "--log-level", "info"}));
  static const std::regex kLine("listening on tcp://127\\.0\\.0\\.1:(\\d+)\n");
  std::smatch m;
  ASSERT_TRUE(proc.io().waitUntil([&] { return std::regex_search(proc.err(), m, kLine); }, 10s))
      << proc.err();
  const int port = std::stoi(m[1]);

  FdStream steadyStream = connectTcp("127.0.0.1", port);
  LspClient steady(steadyStream);
  ASSERT_TRUE(steady.request("initialize", {{"capabilities", json::object()}}).contains("result"));
  steady.notify("initialized", json::object());
  const std::string text = "def f(x):\n    return x\n\nclass C:\n    def m(self):\n        pass\n";
  steady.open(memUri("steady.py"), "python", text);

  auto symbolsOk = [&] {
    json r = steady.request("textDocument/documentSymbol",
                            {{"textDocument", {{"uri", memUri("steady.py")}}}}, 5s);
    return r.contains("result") && r["result"].is_array() && !r["result"].empty();
  };
  ASSERT_TRUE(symbolsOk());
  for (int round = 0; round < 5; ++round) {
    {  // Half a header, then gone.
      FdStream s = connectTcp("127.0.0.1", port);
      s.write("Content-Length: 2");
    }
    {  // A header promising 1000 bytes, 10 of them, then gone.
      FdStream s = connectTcp("127.0.0.1", port);
      s.write("Content-Length: 1000\r\n\r\n{\"jsonrpc\"");
    }
    {  // Requests in flight (one a big document's outline), then gone without reading.
      FdStream s = connectTcp("127.0.0.1", port);
      LspClient c(s);
      c.sendRequest("initialize", {{"capabilities", json::object()}});
      std::string big;
      for (int i = 0; i < 3000; ++i) big += "def g" + std::to_string(i) + "(a):\n    return a\n";
      c.notify("initialized", json::object());
      c.open(memUri("big.py"), "python", big);
      for (int i = 0; i < 20; ++i)
        c.sendRequest("textDocument/documentSymbol",
                      {{"textDocument", {{"uri", memUri("big.py")}}}});
    }
    EXPECT_TRUE(symbolsOk()) << "round " << round << "\n" << proc.err();
  }
  EXPECT_TRUE(proc.running()) << proc.err();
  steady.request("shutdown", nullptr);
  steady.notify("exit", nullptr);
  proc.signal(SIGTERM);
  auto status = proc.wait(10s);
  ASSERT_TRUE(status) << "the daemon did not stop on SIGTERM";
  EXPECT_EQ(status->code, 0) << status->describe() << proc.err();
}

}  // namespace
}  // namespace sb::e2e
