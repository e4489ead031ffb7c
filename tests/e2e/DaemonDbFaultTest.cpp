// Index database faults injected into a running daemon (`switchboard lsp`
// over stdio, indexing a workspace): the database locked by another process,
// a full disk (RLIMIT_FSIZE), a corrupted file at start, SIGKILL during an
// index write. The daemon must keep answering from what it has, say what went
// wrong, and lose nothing that was committed. FaultTest.cpp has the same
// faults against the one-shot `switchboard index`.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "ChildProcess.h"
#include "FaultHelpers.h"
#include "LspClient.h"
#include "ScratchDir.h"

namespace sb::e2e {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

class DaemonDbFault : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_directories(dir / "home"); }
  std::string ws() const { return dir / "ws"; }
  std::string indexDir() const { return dir / "index"; }
  std::string dbPath() const { return sqliteFileIn(indexDir()); }
  std::string fileUri(const std::string& rel) const { return "file://" + ws() + "/" + rel; }

  // The one-shot indexer, to commit a first index before the daemon starts.
  void indexOnce() {
    Finished run =
        runToCompletion(cleanEnv(dir, {SB_BINARY, "index", ws(), "--index-dir", indexDir()}), 60s);
    ASSERT_EQ(run.status.code, 0) << run.out << run.err;
  }

  // `switchboard lsp` on the workspace, initialized; `wrapper` goes before the
  // binary (a shell that sets limits first).
  void startDaemon(std::vector<std::string> wrapper = {}) {
    std::vector<std::string> argv = std::move(wrapper);
    for (const std::string& a :
         {std::string(SB_BINARY), std::string("lsp"), std::string("--workspace"), ws(),
          std::string("--index-dir"), indexDir(), std::string("--log-level"), std::string("info")})
      argv.push_back(a);
    proc.emplace(ChildProcess::start(cleanEnv(dir, argv)));
    lsp.emplace(proc->io());
    lsp->onServerRequest([](const json&) { return json(); });  // accepts progress tokens
    json init = lsp->request("initialize",
                             {{"processId", nullptr},
                              {"rootUri", "file://" + ws()},
                              {"capabilities", {{"window", {{"workDoneProgress", true}}}}}},
                             30s);
    ASSERT_TRUE(init.contains("result")) << init.dump() << proc->err();
    lsp->notify("initialized", json::object());
  }

  // Waits for a line of the daemon's log to match.
  bool logShows(const std::string& pattern, Millis timeout = 60s) {
    const std::regex re(pattern);
    return proc->io().waitUntil([&] { return std::regex_search(proc->err(), re); }, timeout);
  }
  bool indexPassEnded(Millis timeout = 90s) {
    return logShows("workspace .*: \\d+ files, \\d+ indexed", timeout);
  }

  // The daemon answers an outline of a file it opens from disk.
  void expectOutline(const std::string& rel, const std::string& firstSymbol) {
    lsp->open(fileUri(rel), "python", readText(ws() + "/" + rel));
    json r = lsp->request("textDocument/documentSymbol",
                          {{"textDocument", {{"uri", fileUri(rel)}}}}, 30s);
    ASSERT_TRUE(r.contains("result")) << r.dump() << proc->err();
    auto paths = symbolPaths(r["result"]);
    EXPECT_NE(std::find(paths.begin(), paths.end(), firstSymbol), paths.end()) << r.dump();
  }
  // workspace/symbol finds `name` exactly.
  bool findsSymbol(const std::string& name) {
    json r = lsp->request("workspace/symbol", {{"query", name}}, 30s);
    EXPECT_TRUE(r.contains("result")) << r.dump() << proc->err();
    if (!r.contains("result") || !r["result"].is_array()) return false;
    for (const auto& s : r["result"])
      if (s.value("name", "") == name) return true;
    return false;
  }
  bool eventuallyFinds(const std::string& name, Millis timeout = 60s) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (findsSymbol(name)) return true;
      std::this_thread::sleep_for(200ms);
    }
    return false;
  }

  // The message of the index pass's progress "end", once it arrives.
  std::string progressEndMessage(Millis timeout = 30s) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      for (const auto& n : lsp->notifications())
        if (n.value("method", "") == "$/progress" &&
            n["params"]["value"].value("kind", "") == "end")
          return n["params"]["value"].value("message", "");
      if (Clock::now() >= deadline) return "(no progress end)";
      lsp->request("workspace/symbol", {{"query", "x"}}, 30s);  // collects notifications meanwhile
      std::this_thread::sleep_for(100ms);
    }
  }

  // shutdown + exit; the daemon must end by itself with status 0.
  void stopDaemon() {
    lsp->request("shutdown", nullptr, 30s);
    lsp->notify("exit", nullptr);
    auto status = proc->wait(30s);
    ASSERT_TRUE(status) << "the daemon did not exit\n" << proc->err();
    EXPECT_EQ(status->code, 0) << status->describe() << proc->err();
  }

  long long filesLike(const std::string& prefix) {
    Db db(dbPath());
    return db.count("SELECT count(*) FROM files WHERE path LIKE '" + prefix + "%'");
  }

  ScratchDir dir;
  std::optional<ChildProcess> proc;
  std::optional<LspClient> lsp;
};

// Another process holds the write lock past the busy timeout while the
// daemon's first index pass wants to write: the pass fails and says so, the
// daemon answers from the committed index meanwhile, and once the lock is
// gone a save and a file-change notification commit the new files.
TEST_F(DaemonDbFault, LockedDatabaseIsReportedAndLaterUpdatesCommit) {
  writeModules(ws() + "/a", "a", 20, 5);
  indexOnce();
  writeModules(ws() + "/b", "b", 20, 5);
  std::optional<Db> locker(std::in_place, dbPath(), false);
  ASSERT_EQ(locker->exec("BEGIN EXCLUSIVE"), SQLITE_OK);

  startDaemon();
  ASSERT_TRUE(logShows("\\[error\\] indexing .* failed: .*locked")) << proc->err();
  expectOutline("a/a_3.py", "a_3_f0");
  EXPECT_TRUE(findsSymbol("a_7_f2")) << proc->err();
  EXPECT_FALSE(findsSymbol("b_7_f2"));
  EXPECT_NE(progressEndMessage().find("locked"), std::string::npos) << proc->err();
  // An edit indexes the buffer when typing pauses: that write fails too, and says so.
  lsp->notify("textDocument/didChange",
              {{"textDocument", {{"uri", fileUri("a/a_3.py")}, {"version", 2}}},
               {"contentChanges",
                {{{"text", readText(ws() + "/a/a_3.py") + "def a_3_new():\n  pass\n"}}}}});
  EXPECT_TRUE(logShows("\\[error\\] updating the index with .*a_3\\.py failed: .*locked"))
      << proc->err();
  locker->exec("ROLLBACK");
  locker.reset();

  // A save re-indexes one file; the watcher's notification the others.
  lsp->notify("textDocument/didSave", {{"textDocument", {{"uri", fileUri("b/b_7.py")}}}});
  EXPECT_TRUE(eventuallyFinds("b_7_f2")) << proc->err();
  EXPECT_FALSE(findsSymbol("b_8_f2"));
  json changes = json::array();
  for (int i = 0; i < 20; ++i)
    changes.push_back({{"uri", fileUri("b/b_" + std::to_string(i) + ".py")}, {"type", 1}});
  lsp->notify("workspace/didChangeWatchedFiles", {{"changes", changes}});
  EXPECT_TRUE(eventuallyFinds("b_8_f2")) << proc->err();
  EXPECT_TRUE(proc->running()) << proc->err();
  stopDaemon();

  EXPECT_TRUE(corruptFilesIn(indexDir()).empty()) << "a locked database was set aside as corrupt";
  EXPECT_EQ(filesLike("a/"), 20);
  EXPECT_EQ(filesLike("b/"), 20);
  Db(dbPath()).expectConsistent();
}

// A full disk (RLIMIT_FSIZE on the daemon, SIGXFSZ ignored so writes fail
// with EFBIG): the index pass fails and says so, the daemon keeps serving,
// and the rows committed before are all there afterwards.
TEST_F(DaemonDbFault, FullDiskKeepsTheDaemonServingAndCommittedRows) {
  writeModules(ws() + "/a", "a", 20, 5);
  indexOnce();
  const auto before = fs::file_size(dbPath());
  writeModules(ws() + "/b", "b", 400, 40);  // several MB of index
  // ulimit -f counts 512-byte blocks: room for the existing file and a little more.
  const std::string limit = std::to_string(before / 512 + 64);
  startDaemon({"/bin/sh", "-c", "trap '' XFSZ; ulimit -f " + limit + " && exec \"$@\"", "sh"});

  // EFBIG is SQLite's "disk I/O error"; a real full disk (ENOSPC) its "database or disk is full".
  ASSERT_TRUE(logShows("\\[error\\] indexing .* failed: .*(full|I/O error)")) << proc->err();
  expectOutline("a/a_3.py", "a_3_f0");
  EXPECT_TRUE(findsSymbol("a_7_f2")) << proc->err();
  expectOutline("b/b_3.py", "b_3_f0");  // open files are served from their live tree
  EXPECT_TRUE(proc->running()) << proc->err();
  stopDaemon();

  EXPECT_TRUE(corruptFilesIn(indexDir()).empty()) << "a full disk is not a corrupt database";
  EXPECT_EQ(filesLike("a/"), 20);
  Db(dbPath()).expectConsistent();
}

// Garbage where the database was: the daemon sets the file aside, says so,
// and rebuilds the index while it serves.
TEST_F(DaemonDbFault, CorruptedDatabaseAtStartIsSetAsideAndRebuilt) {
  writeModules(ws() + "/a", "a", 10, 3);
  indexOnce();
  const std::string path = dbPath();
  for (const char* s : {"-wal", "-shm"}) fs::remove(path + s);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(0);
    f << std::string(4096, '\x5a');  // the header and first page
  }
  startDaemon();
  expectOutline("a/a_2.py", "a_2_f0");
  EXPECT_TRUE(eventuallyFinds("a_9_f2")) << proc->err();
  EXPECT_NE(proc->err().find("rebuilt from scratch"), std::string::npos) << proc->err();
  stopDaemon();

  EXPECT_EQ(corruptFilesIn(indexDir()).size(), 1u);
  EXPECT_EQ(filesLike("a/"), 10);
  Db(dbPath()).expectConsistent();
}

// SIGKILL while the daemon's index pass is writing: the database opens as it
// is (not set aside), every committed row is consistent, and a restarted
// daemon completes the index.
TEST_F(DaemonDbFault, KilledDuringAnIndexWriteLosesNothingCommitted) {
  writeModules(ws() + "/a", "a", 30, 5);
  indexOnce();
  writeModules(ws() + "/b", "b", 1500, 30);
  const std::string wal = dbPath() + "-wal";
  startDaemon();
  // Kill once the write-ahead log is growing: a transaction is being written.
  const auto deadline = Clock::now() + 60s;
  std::error_code ec;
  while (Clock::now() < deadline && proc->running() && fs::file_size(wal, ec) < 256 * 1024)
    proc->io().pump(2ms);
  ASSERT_TRUE(proc->running()) << proc->err();
  ASSERT_FALSE(std::regex_search(proc->err(), std::regex("workspace .*: \\d+ files, \\d+ indexed")))
      << "the pass finished before it could be killed; make the workspace larger";
  proc->signal(SIGKILL);
  auto status = proc->wait(10s);
  ASSERT_TRUE(status && status->signal == SIGKILL);
  {
    Db db(dbPath());
    db.expectConsistent();
    EXPECT_EQ(db.count("SELECT count(*) FROM files WHERE path LIKE 'a/%'"), 30);
    EXPECT_LT(db.count("SELECT count(*) FROM files WHERE path LIKE 'b/%'"), 1500);
  }

  lsp.reset();
  proc.reset();
  startDaemon();
  ASSERT_TRUE(indexPassEnded(120s)) << proc->err();
  EXPECT_TRUE(findsSymbol("b_1499_f29")) << proc->err();
  EXPECT_TRUE(findsSymbol("a_29_f4")) << proc->err();
  stopDaemon();
  EXPECT_TRUE(corruptFilesIn(indexDir()).empty()) << proc->err();
  EXPECT_EQ(filesLike("a/"), 30);
  EXPECT_EQ(filesLike("b/"), 1500);
  Db(dbPath()).expectConsistent();
}

}  // namespace
}  // namespace sb::e2e
