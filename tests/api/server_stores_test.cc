// server_stores_test.cc: the in-memory server session store and anti-replay record
// (glasstls/session.h): lifetimes by the given clock, single use by take, bounded size, and an
// anti-replay record that refuses when full rather than forget a ClientHello inside its window.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "glasstls/session.h"

namespace glasstls::testing {
namespace {

Bytes bytes(std::initializer_list<uint8_t> v) { return Bytes(v); }

TEST(ServerSessionStoreTest, GetKeepsTakeRemovesAndLifetimesExpire) {
  uint64_t now = 1'000'000;
  auto store = memory_server_session_store(16, [&] { return now; });
  const Bytes id = bytes({1, 2, 3});
  const Bytes state = bytes({9, 8, 7, 6});
  ASSERT_TRUE(store->put(id, state, 10));
  EXPECT_EQ(store->get(id), state);
  EXPECT_EQ(store->get(id), state) << "get must leave the state in place";
  EXPECT_EQ(store->take(id), state);
  EXPECT_EQ(store->take(id), std::nullopt) << "take must be single use";
  EXPECT_EQ(store->get(id), std::nullopt);

  ASSERT_TRUE(store->put(id, state, 10));
  now += 9'999;
  EXPECT_EQ(store->get(id), state);
  now += 1;
  EXPECT_EQ(store->get(id), std::nullopt) << "an entry is gone once its lifetime is over";

  ASSERT_TRUE(store->put(id, state, 10));
  store->remove(id);
  EXPECT_EQ(store->get(id), std::nullopt);
  EXPECT_FALSE(store->put(Bytes{}, state, 10)) << "an empty id is refused";
  EXPECT_FALSE(store->put(id, state, 0)) << "a zero lifetime is refused";
}

TEST(ServerSessionStoreTest, BoundedOldestDroppedFirst) {
  auto store = memory_server_session_store(3);
  for (uint8_t i = 0; i < 5; ++i) {
    ASSERT_TRUE(store->put(bytes({i}), bytes({i, i}), 60));
  }
  EXPECT_EQ(store->get(bytes({0})), std::nullopt);
  EXPECT_EQ(store->get(bytes({1})), std::nullopt);
  for (uint8_t i = 2; i < 5; ++i) {
    EXPECT_EQ(store->get(bytes({i})), bytes({i, i})) << int{i};
  }
  // Taking and putting again many times must not grow anything behind the bound.
  for (int round = 0; round < 1000; ++round) {
    ASSERT_TRUE(store->put(bytes({7}), bytes({1}), 60));
    ASSERT_TRUE(store->take(bytes({7})).has_value());
  }
  EXPECT_EQ(store->get(bytes({4})), bytes({4, 4}));
}

TEST(ServerSessionStoreTest, ConcurrentTakesGetOneAtMostOnce) {
  auto store = memory_server_session_store();
  for (int round = 0; round < 50; ++round) {
    const Bytes id = bytes({static_cast<uint8_t>(round)});
    ASSERT_TRUE(store->put(id, bytes({1}), 60));
    std::atomic<int> got{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        if (store->take(id)) {
          ++got;
        }
      });
    }
    for (auto& t : threads) {
      t.join();
    }
    EXPECT_EQ(got.load(), 1) << "round " << round;
  }
}

TEST(AntiReplayTest, FirstUseOnceWithinTheWindowAndAgainAfterIt) {
  uint64_t now = 5'000'000;
  auto record = memory_anti_replay(100, [&] { return now; });
  const Bytes key = bytes({0xaa, 0xbb});
  EXPECT_TRUE(record->first_use(key, 10));
  EXPECT_FALSE(record->first_use(key, 10)) << "a replay inside the window must be refused";
  EXPECT_TRUE(record->first_use(bytes({0xaa}), 10)) << "another key is independent";
  now += 10'000;
  EXPECT_TRUE(record->first_use(key, 10)) << "the record lasts for its window only";
}

TEST(AntiReplayTest, FullRecordRefusesRatherThanForgets) {
  uint64_t now = 0;
  auto record = memory_anti_replay(2, [&] { return now; });
  EXPECT_TRUE(record->first_use(bytes({1}), 10));
  EXPECT_TRUE(record->first_use(bytes({2}), 10));
  EXPECT_FALSE(record->first_use(bytes({3}), 10)) << "full of live records: refuse";
  EXPECT_FALSE(record->first_use(bytes({1}), 10)) << "and still remember the first";
  now += 10'000;
  EXPECT_TRUE(record->first_use(bytes({3}), 10)) << "expired records make room";
}

}  // namespace
}  // namespace glasstls::testing
