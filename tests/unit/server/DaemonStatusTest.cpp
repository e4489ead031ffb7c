// What daemons publish for `switchboard status` and how it is combined: the
// publisher's row (written at once, removed on exit), rows of processes that
// are gone or whose pid now names another process, and the merge of one
// backend's figures from several routers or daemons.
#include "server/DaemonStatus.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "../index/IndexTestUtil.h"
#include "analysis/Sqlite.h"
#include "server/StatusReport.h"
#include "server/WorkspaceRegistry.h"

namespace sb {
namespace {

using nlohmann::json;
using test::TempDir;
using test::writeFile;

bool eventually(const std::function<bool()>& pred) {
  for (int i = 0; i < 400; ++i) {  // 20 s
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

TEST(DaemonStatus, APublisherWritesItsRowAtOnceAndRemovesItOnExit) {
  TempDir dir, store;
  std::string path = dir / "daemons.sqlite";
  writeFile(dir / "ws/a.py", "def alpha():\n    return 1\n");
  WorkspaceRegistry registry{RegistryOptions{.indexer = {}, .indexDir = store.path()}};
  auto index = registry.open(dir / "ws");
  {
    StatusPublisher publisher(path, "lsp", &registry, std::chrono::milliseconds(20));
    std::vector<DaemonSnapshot> live;
    ASSERT_TRUE(eventually([&] {
      live = readLiveDaemons(path);
      return !live.empty();
    }));
    ASSERT_EQ(live.size(), 1u);
    EXPECT_EQ(live[0].pid, ::getpid());
    EXPECT_EQ(live[0].command, "lsp");
    EXPECT_GT(live[0].updatedMs, 0);
    EXPECT_TRUE(live[0].state["backends"].empty());
    ASSERT_EQ(live[0].state["workspaces"].size(), 1u);
    EXPECT_EQ(live[0].state["workspaces"][0]["root"], index->root());
  }
  EXPECT_TRUE(readLiveDaemons(path).empty());
}

// An idle daemon writes nothing; but if the file is deleted under it (or
// replaced), it writes its row again into the new one.
TEST(DaemonStatus, ARowDeletedWithItsFileComesBack) {
  TempDir dir;
  std::string path = dir / "daemons.sqlite";
  StatusPublisher publisher(path, "mcp", nullptr, std::chrono::milliseconds(20));
  ASSERT_TRUE(eventually([&] { return readLiveDaemons(path).size() == 1; }));
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  ASSERT_TRUE(eventually([&] { return readLiveDaemons(path).size() == 1; }));
  EXPECT_EQ(readLiveDaemons(path)[0].command, "mcp");
}

TEST(DaemonStatus, RowsOfDeadProcessesOrOfAReusedPidAreIgnoredAndDeleted) {
  TempDir dir;
  std::string path = dir / "daemons.sqlite";
  {
    StatusPublisher create(path, "mcp", nullptr);  // the file and its table
    ASSERT_TRUE(eventually([&] { return !readLiveDaemons(path).empty(); }));
  }
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);  // reaped: the pid names no process now
  {
    sql::Database db(path, false);
    auto insert = [&](int pid, std::int64_t ticks) {
      db.prepare(
            "INSERT INTO daemons(pid, start_ticks, command, started_ms, updated_ms, state)"
            " VALUES(?, ?, 'lsp', 1, 1, '{}')")
          .bind(1, pid)
          .bind(2, ticks)
          .step();
    };
    insert(child, 0);
    insert(::getpid(), 1);  // this pid, but not this process's start time
  }
  EXPECT_TRUE(readLiveDaemons(path).empty());
  sql::Database db(path, true);
  auto count = db.prepare("SELECT count(*) FROM daemons");
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.integer(0), 0);
}

TEST(DaemonStatus, NoFileMeansNoDaemons) {
  TempDir dir;
  EXPECT_TRUE(readLiveDaemons(dir / "none.sqlite").empty());
}

json backend(long requests, long failures, double p50, const std::string& circuit = "closed",
             const std::string& lastError = "") {
  return {{"name", "llama"},      {"provider", "llamacpp"}, {"model", ""},
          {"url", "http://h/v1"}, {"circuit", circuit},     {"requests", requests},
          {"failures", failures}, {"cacheHits", 0},         {"p50Ms", p50},
          {"p99Ms", p50 * 2},     {"lastError", lastError}};
}

TEST(StatusReport, MergingAddsCountsKeepsTheBusierLatenciesAndTheWorstCircuit) {
  json list = json::array();
  mergeBackend(list, backend(10, 0, 5.0));
  mergeBackend(list, backend(30, 2, 40.0, "half-open", "timed out"));
  json other = backend(1, 0, 1.0);
  other["name"] = "claude";
  mergeBackend(list, other);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["requests"], 40);
  EXPECT_EQ(list[0]["failures"], 2);
  EXPECT_EQ(list[0]["p50Ms"], 40.0);
  EXPECT_EQ(list[0]["p99Ms"], 80.0);
  EXPECT_EQ(list[0]["circuit"], "half-open");
  EXPECT_EQ(list[0]["lastError"], "timed out");
  EXPECT_EQ(list[0]["state"], "failing");
  EXPECT_EQ(list[1]["name"], "claude");
  EXPECT_EQ(list[1]["state"], "healthy");
}

TEST(StatusReport, HealthIsOneWordPerBackend) {
  EXPECT_EQ(backendHealth(backend(0, 0, 0)), "unknown");
  EXPECT_EQ(backendHealth(backend(10, 1, 5, "closed", "a 500")), "healthy");
  EXPECT_EQ(backendHealth(backend(10, 6, 5, "closed", "a 500")), "failing");
  EXPECT_EQ(backendHealth(backend(10, 0, 5, "open")), "open");
}

}  // namespace
}  // namespace sb
