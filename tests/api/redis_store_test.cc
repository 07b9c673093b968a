// redis_store_test.cc: the Redis server session store and anti-replay record
// (glasstls/redis.h) against a real redis-server started for each test: what each call does,
// single use across threads and store objects, first use within a window, and what a Redis
// that died or hangs costs (each call bounded by the timeout, then a recovery).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "api/redis_server.h"
#include "glasstls/redis.h"

namespace glasstls::testing {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

Bytes bytes_of(const std::string& s) { return Bytes(s.begin(), s.end()); }

RedisOptions options_for(uint16_t port, uint32_t timeout_ms = 50) {
  RedisOptions o;
  o.port = port;
  o.timeout_ms = timeout_ms;
  o.prefix = "test:";
  return o;
}

std::shared_ptr<ServerSessionStore> store_for(const RedisOptions& o) {
  auto store = redis_session_store(o);
  EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().reason);
  return store.ok() ? *store : nullptr;
}

std::shared_ptr<AntiReplay> anti_replay_for(const RedisOptions& o) {
  auto record = redis_anti_replay(o);
  EXPECT_TRUE(record.ok()) << (record.ok() ? "" : record.error().reason);
  return record.ok() ? *record : nullptr;
}

// elapsed_ms runs `f` and returns how long it took.
template <typename F>
double elapsed_ms(F&& f) {
  auto start = SteadyClock::now();
  f();
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
}

#define REDIS_OR_SKIP(server)                                             \
  GLASSTLS_SKIP_WITHOUT_REDIS();                                          \
  ASSERT_TRUE(redis_supported()) << "glasstls was built without hiredis"; \
  std::string start_error;                                                \
  auto server = RedisServer::start(start_error);                          \
  ASSERT_NE(server, nullptr) << start_error

TEST(RedisUrlTest, ParsesHostPortAndDatabase) {
  auto a = parse_redis_url("redis://10.0.0.7:6380/2");
  ASSERT_TRUE(a.ok()) << a.error().reason;
  EXPECT_EQ(a->host, "10.0.0.7");
  EXPECT_EQ(a->port, 6380);
  EXPECT_EQ(a->db, 2u);
  auto b = parse_redis_url("redis://cache.internal");
  ASSERT_TRUE(b.ok()) << b.error().reason;
  EXPECT_EQ(b->host, "cache.internal");
  EXPECT_EQ(b->port, 6379);
  EXPECT_EQ(b->db, 0u);
  auto c = parse_redis_url("redis://[::1]:7000/");
  ASSERT_TRUE(c.ok()) << c.error().reason;
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->port, 7000);
  RedisOptions defaults;
  defaults.prefix = "fleet7:";
  defaults.timeout_ms = 20;
  auto d = parse_redis_url("redis://h:1", defaults);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->prefix, "fleet7:") << "the options the URL does not name are kept";
  EXPECT_EQ(d->timeout_ms, 20u);

  for (const char* bad : {"http://h:1", "redis://", "redis://:6379", "redis://h:", "redis://h:0",
                          "redis://h:65536", "redis://h:12x", "redis://user:pw@h:1",
                          "redis://h:1/db", "redis://[::1", "redis://[::1]x"}) {
    auto r = parse_redis_url(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().kind, ErrorKind::kBadConfig) << bad;
      EXPECT_NE(r.error().reason.find(bad), std::string::npos) << r.error().reason;
    }
  }
}

TEST(RedisStoreTest, RefusesUnusableOptions) {
  RedisOptions o;
  o.timeout_ms = 0;
  EXPECT_FALSE(redis_session_store(o).ok());
  o = RedisOptions{};
  o.connections = 0;
  EXPECT_FALSE(redis_anti_replay(o).ok());
  o = RedisOptions{};
  o.host.clear();
  EXPECT_FALSE(redis_session_store(o).ok());
  if (!redis_supported()) {
    auto r = redis_session_store(RedisOptions{});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().reason.find("without hiredis"), std::string::npos) << r.error().reason;
  }
}

TEST(RedisStoreTest, PutGetTakeRemoveAndLifetimes) {
  REDIS_OR_SKIP(redis);
  auto store = store_for(options_for(redis->port()));
  ASSERT_NE(store, nullptr);
  const Bytes id = bytes_of(std::string("id\0\xff binary", 11));
  const Bytes state = bytes_of(std::string("state\0\x01\x02", 8));
  ASSERT_TRUE(store->put(id, state, 30));
  EXPECT_EQ(store->get(id), state);
  EXPECT_EQ(store->get(id), state) << "get must leave the state in place";
  EXPECT_EQ(store->take(id), state);
  EXPECT_EQ(store->take(id), std::nullopt) << "take must be single use";
  EXPECT_EQ(store->get(id), std::nullopt);

  ASSERT_TRUE(store->put(id, state, 30));
  store->remove(id);
  EXPECT_EQ(store->get(id), std::nullopt);
  EXPECT_EQ(store->take(id), std::nullopt);
  EXPECT_FALSE(store->put(Bytes{}, state, 10)) << "an empty id is refused";
  EXPECT_FALSE(store->put(id, state, 0)) << "a zero lifetime is refused";

  // The lifetime reaches Redis as the key's expiry: PTTL of a 30 s lifetime.
  const Bytes named = bytes_of("named");
  ASSERT_TRUE(store->put(named, state, 30));
  std::string pttl = redis->cli({"PTTL", "test:session:named"});
  if (!pttl.empty()) {
    long ms = std::strtol(pttl.c_str(), nullptr, 10);
    EXPECT_GT(ms, 25'000) << pttl;
    EXPECT_LE(ms, 30'000) << pttl;
  }
  // And it does expire.
  const Bytes brief = bytes_of("brief");
  ASSERT_TRUE(store->put(brief, state, 1));
  EXPECT_EQ(store->get(brief), state);
  std::this_thread::sleep_for(milliseconds(1100));
  EXPECT_EQ(store->get(brief), std::nullopt) << "an entry is gone once its lifetime is over";
  EXPECT_EQ(store->take(brief), std::nullopt);

  // Another store object with the same prefix sees the same entries; another prefix does not.
  auto same = store_for(options_for(redis->port()));
  RedisOptions other_prefix = options_for(redis->port());
  other_prefix.prefix = "other:";
  auto other = store_for(other_prefix);
  EXPECT_EQ(same->get(named), state);
  EXPECT_EQ(other->get(named), std::nullopt);
}

TEST(RedisStoreTest, ConcurrentTakesFromTwoStoresGetEachStateOnce) {
  REDIS_OR_SKIP(redis);
  RedisOptions o = options_for(redis->port(), 500);
  auto a = store_for(o);
  auto b = store_for(o);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  constexpr int kIds = 200;
  constexpr int kThreads = 8;
  for (int i = 0; i < kIds; i++) {
    ASSERT_TRUE(
        a->put(bytes_of("ticket-" + std::to_string(i)), bytes_of("s" + std::to_string(i)), 60));
  }
  std::vector<std::atomic<int>> got(kIds);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([&, t] {
      ServerSessionStore& store = (t % 2 == 0) ? *a : *b;
      for (int i = 0; i < kIds; i++) {
        std::optional<Bytes> v = store.take(bytes_of("ticket-" + std::to_string(i)));
        if (v) {
          got[static_cast<size_t>(i)]++;
          if (*v != bytes_of("s" + std::to_string(i))) {
            wrong++;
          }
        }
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  EXPECT_EQ(wrong.load(), 0);
  for (int i = 0; i < kIds; i++) {
    EXPECT_EQ(got[static_cast<size_t>(i)].load(), 1) << "ticket-" << i;
  }
}

TEST(RedisAntiReplayTest, FirstUseWithinTheWindowOnly) {
  REDIS_OR_SKIP(redis);
  RedisOptions o = options_for(redis->port());
  auto a = anti_replay_for(o);
  auto b = anti_replay_for(o);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  const Bytes k1 = bytes_of("binder-1");
  const Bytes k2 = bytes_of("binder-2");
  EXPECT_TRUE(a->first_use(k1, 1));
  EXPECT_FALSE(a->first_use(k1, 1)) << "a replay on the same server";
  EXPECT_FALSE(b->first_use(k1, 1)) << "a replay on another server sharing the record";
  EXPECT_TRUE(b->first_use(k2, 10));
  EXPECT_FALSE(a->first_use(Bytes{}, 10)) << "an empty key is refused";
  EXPECT_FALSE(a->first_use(bytes_of("k3"), 0)) << "a zero window is refused";
  std::this_thread::sleep_for(milliseconds(1100));
  EXPECT_TRUE(a->first_use(k1, 1)) << "the record is kept for the window only";
  EXPECT_FALSE(a->first_use(k2, 10));

  // Concurrent first uses of one key from many threads: exactly one is first.
  std::atomic<int> firsts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; t++) {
    threads.emplace_back([&, t] {
      AntiReplay& r = (t % 2 == 0) ? *a : *b;
      for (int i = 0; i < 50; i++) {
        if (r.first_use(bytes_of("race-" + std::to_string(i)), 10)) {
          firsts++;
        }
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  EXPECT_EQ(firsts.load(), 50);
}

TEST(RedisStoreTest, DeadRedisFailsClosedWithinTheTimeoutAndRecovers) {
  REDIS_OR_SKIP(redis);
  constexpr uint32_t kTimeoutMs = 50;
  RedisOptions o = options_for(redis->port(), kTimeoutMs);
  o.min_backoff_ms = 50;
  o.max_backoff_ms = 200;
  auto store = store_for(o);
  auto replay = anti_replay_for(o);
  const Bytes id = bytes_of("id");
  const Bytes state = bytes_of("state");
  ASSERT_TRUE(store->put(id, state, 60));
  ASSERT_EQ(store->get(id), state);
  ASSERT_TRUE(replay->first_use(bytes_of("before"), 60));

  redis->stop();
  double worst = 0;
  for (int i = 0; i < 40; i++) {
    worst = std::max(worst, elapsed_ms([&] { EXPECT_EQ(store->get(id), std::nullopt); }));
    worst = std::max(worst, elapsed_ms([&] { EXPECT_EQ(store->take(id), std::nullopt); }));
    worst = std::max(worst, elapsed_ms([&] { EXPECT_FALSE(store->put(id, state, 60)); }));
    worst =
        std::max(worst, elapsed_ms([&] { EXPECT_FALSE(replay->first_use(bytes_of("k"), 60)); }));
    std::this_thread::sleep_for(milliseconds(5));
  }
  std::printf("Redis stopped: slowest call %.1f ms (timeout %u ms)\n", worst, kTimeoutMs);
  EXPECT_LT(worst, 10.0 * kTimeoutMs);

  std::string error;
  ASSERT_TRUE(redis->restart(error)) << error;
  // Within the longest back-off (and a margin), both recover.
  bool stored = false;
  bool first = false;
  auto deadline = SteadyClock::now() + std::chrono::seconds(5);
  while ((!stored || !first) && SteadyClock::now() < deadline) {
    stored = stored || store->put(id, state, 60);
    first = first || replay->first_use(bytes_of("after"), 60);
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_TRUE(stored) << "the store did not recover once Redis was back";
  EXPECT_TRUE(first) << "the anti-replay record did not recover once Redis was back";
  EXPECT_EQ(store->take(id), state);
}

TEST(RedisStoreTest, HangingRedisCostsAboutOneTimeoutPerCall) {
  GLASSTLS_SKIP_WITHOUT_REDIS();
  ASSERT_TRUE(redis_supported());
  SilentListener silent;
  ASSERT_NE(silent.port(), 0);
  constexpr uint32_t kTimeoutMs = 50;
  RedisOptions o = options_for(silent.port(), kTimeoutMs);
  o.min_backoff_ms = 20;
  o.max_backoff_ms = 40;
  auto store = store_for(o);
  auto replay = anti_replay_for(o);
  double worst = 0;
  for (int i = 0; i < 10; i++) {
    worst =
        std::max(worst, elapsed_ms([&] { EXPECT_EQ(store->get(bytes_of("id")), std::nullopt); }));
    worst =
        std::max(worst, elapsed_ms([&] { EXPECT_EQ(store->take(bytes_of("id")), std::nullopt); }));
    worst = std::max(
        worst, elapsed_ms([&] { EXPECT_FALSE(store->put(bytes_of("id"), bytes_of("s"), 9)); }));
    worst = std::max(worst, elapsed_ms([&] { EXPECT_FALSE(replay->first_use(bytes_of("k"), 9)); }));
    // Past the back-off, so that every call waits on the silent socket again.
    std::this_thread::sleep_for(milliseconds(50));
  }
  std::printf("Redis silent: slowest call %.1f ms (timeout %u ms)\n", worst, kTimeoutMs);
  EXPECT_GE(worst, 0.8 * kTimeoutMs) << "the calls never waited for an answer";
  EXPECT_LT(worst, 10.0 * kTimeoutMs);

  // Many threads at once on the silent socket: still bounded each.
  std::atomic<int> slow{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; t++) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; i++) {
        double ms = elapsed_ms([&] { (void)store->take(bytes_of("id")); });
        if (ms >= 10.0 * kTimeoutMs) {
          slow++;
        }
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  EXPECT_EQ(slow.load(), 0);
}

TEST(RedisStoreTest, RedisBusyInDebugSleepCostsAboutOneTimeout) {
  GLASSTLS_SKIP_WITHOUT_REDIS();
  ASSERT_TRUE(redis_supported());
  std::string error;
  auto redis = RedisServer::start(error, {"--enable-debug-command", "yes"});
  ASSERT_NE(redis, nullptr) << error;
  constexpr uint32_t kTimeoutMs = 50;
  RedisOptions o = options_for(redis->port(), kTimeoutMs);
  o.min_backoff_ms = 20;
  o.max_backoff_ms = 40;
  auto store = store_for(o);
  const Bytes id = bytes_of("id");
  const Bytes state = bytes_of("state");
  ASSERT_TRUE(store->put(id, state, 60));
  auto sleeper = redis->spawn_cli({"DEBUG", "SLEEP", "1"});
  if (!sleeper) {
    GTEST_SKIP() << "redis-cli is not installed";
  }
  std::this_thread::sleep_for(milliseconds(200));  // redis-cli connects and Redis sleeps
  double worst = 0;
  int answered = 0;
  for (int i = 0; i < 5; i++) {
    worst = std::max(worst, elapsed_ms([&] { answered += store->get(id).has_value() ? 1 : 0; }));
    std::this_thread::sleep_for(milliseconds(50));
  }
  std::printf("Redis in DEBUG SLEEP: slowest call %.1f ms (timeout %u ms)\n", worst, kTimeoutMs);
  EXPECT_EQ(answered, 0) << "Redis was asleep: nothing could have answered";
  EXPECT_LT(worst, 10.0 * kTimeoutMs);
  ASSERT_TRUE(sleeper->wait_exit(std::chrono::seconds(10)).has_value());
  bool back = false;
  auto deadline = SteadyClock::now() + std::chrono::seconds(5);
  while (!back && SteadyClock::now() < deadline) {
    back = store->get(id) == state;
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_TRUE(back) << "the store did not recover once Redis woke";
}

}  // namespace
}  // namespace glasstls::testing
