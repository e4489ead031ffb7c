// The pipe's hold on index-wide requests until the first indexing pass ends.
#include "server/FirstIndexGate.h"

#include <gtest/gtest.h>

#include <memory>
#include <thread>

namespace sb {
namespace {

TEST(FirstIndexGate, RunsWorkAtOnceUntilArmed) {
  FirstIndexGate gate;
  int ran = 0;
  gate.run([&] { ++ran; });
  EXPECT_EQ(ran, 1);
  EXPECT_FALSE(gate.holding());
}

TEST(FirstIndexGate, HoldsWorkWhileArmedAndRunsItInOrderOnRelease) {
  FirstIndexGate gate;
  gate.arm();
  EXPECT_TRUE(gate.holding());
  std::vector<int> order;
  gate.run([&] { order.push_back(1); });
  gate.run([&] { order.push_back(2); });
  EXPECT_TRUE(order.empty());
  std::thread indexer([&] { gate.release(); });  // as the indexing thread does
  indexer.join();
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  gate.run([&] { order.push_back(3); });  // released: at once
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(FirstIndexGate, ShutDropsHeldWorkAndAnyLaterWork) {
  FirstIndexGate gate;
  gate.arm();
  auto held = std::make_shared<int>(0);
  gate.run([held] { ++*held; });
  EXPECT_EQ(held.use_count(), 2);
  gate.shut();
  EXPECT_EQ(held.use_count(), 1) << "the held work (a request's reply) is destroyed";
  gate.run([held] { ++*held; });
  gate.release();  // the indexing pass ending after the session did
  gate.arm();
  gate.run([held] { ++*held; });
  EXPECT_EQ(*held, 0);
  EXPECT_EQ(held.use_count(), 1);
}

}  // namespace
}  // namespace sb
