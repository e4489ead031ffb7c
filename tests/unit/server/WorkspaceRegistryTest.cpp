// The registry's background refreshes: listeners, coalescing, and
// refreshOnce (what the agents' code tools call beside an LSP session).
#include "server/WorkspaceRegistry.h"

#include <gtest/gtest.h>

#include <future>
#include <mutex>

#include "../index/IndexTestUtil.h"

namespace sb {
namespace {

using test::TempDir;
using test::writeFile;

struct RegistryFixture : ::testing::Test {
  TempDir ws, store;
  WorkspaceRegistry registry{RegistryOptions{.indexer = {}, .indexDir = store.path()}};
  void SetUp() override { writeFile(ws / "a.py", "def alpha():\n    return 1\n"); }

  // Refreshes and waits; returns whether the registry still called the
  // refresh running while its listener heard the end.
  bool refreshAndWait(const std::shared_ptr<WorkspaceIndex>& index) {
    std::promise<bool> busyAtEnd;
    registry.refresh(
        index, {{}, [&](const IndexReport&) { busyAtEnd.set_value(registry.refreshing(index)); }});
    return busyAtEnd.get_future().get();
  }
};

TEST_F(RegistryFixture, ARefreshNoLongerCountsAsRunningWhenItsListenerHearsTheEnd) {
  auto index = registry.open(ws.path());
  EXPECT_FALSE(refreshAndWait(index));
  EXPECT_EQ(index->stats().files, 1u);
}

TEST_F(RegistryFixture, RefreshOnceStartsARefreshOnlyWhenNoneHappenedYet) {
  auto index = registry.open(ws.path());
  registry.refreshOnce(index);
  EXPECT_TRUE(registry.refreshing(index)) << "the first call starts a refresh";
  EXPECT_FALSE(refreshAndWait(index));
  registry.refreshOnce(index);
  EXPECT_FALSE(registry.refreshing(index)) << "an index refreshed before is left alone";
}

TEST_F(RegistryFixture, RefreshOnceDuringARefreshDoesNotQueueAnotherPass) {
  for (int i = 0; i < 200; ++i)  // a refresh long enough to still be running below
    writeFile(ws / ("m" + std::to_string(i) + ".py"),
              "def f" + std::to_string(i) + "():\n    pass\n");
  auto index = registry.open(ws.path());
  std::promise<bool> busyAtEnd;
  std::promise<void> started;
  std::once_flag once;
  registry.refresh(
      index, {[&](const IndexProgress&) { std::call_once(once, [&] { started.set_value(); }); },
              [&](const IndexReport&) { busyAtEnd.set_value(registry.refreshing(index)); }});
  started.get_future().wait();  // the pass has begun: a plain refresh now would queue another
  registry.refreshOnce(index);
  EXPECT_FALSE(busyAtEnd.get_future().get()) << "a second pass was queued";
}

}  // namespace
}  // namespace sb
