// deterministic_test.cc: the deterministic test provider and FixedRandom.
#include "testing/deterministic.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>
#include <vector>

namespace glasstls::crypto::testing {
namespace {

Bytes draw(const CryptoProvider& p, size_t n) {
  Bytes out(n);
  EXPECT_TRUE(p.random->fill(out).ok());
  return out;
}

TEST(DeterministicProvider, EqualSeedsGiveEqualBytes) {
  CryptoProvider a = deterministic_provider(42);
  CryptoProvider b = deterministic_provider(42);
  CryptoProvider c = deterministic_provider(43);
  EXPECT_NE(a.random, b.random);
  const Bytes a1 = draw(a, 100);
  EXPECT_EQ(a1, draw(b, 100));
  EXPECT_NE(a1, draw(c, 100));
  // The stream continues rather than restarting.
  EXPECT_NE(draw(a, 100), a1);
  EXPECT_NE(a1, Bytes(100, 0));
}

TEST(DeterministicProvider, StreamIsSha256CounterModeIndependentOfSplits) {
  CryptoProvider whole = deterministic_provider(7);
  CryptoProvider split = deterministic_provider(7);
  const Bytes all = draw(whole, 70);
  Bytes pieces = draw(split, 1);
  for (size_t n : {size_t{31}, size_t{0}, size_t{33}, size_t{5}}) {
    Bytes more = draw(split, n);
    pieces.insert(pieces.end(), more.begin(), more.end());
  }
  EXPECT_EQ(pieces, all);
  // Block 0 is SHA-256(seed || counter 0), both as 8 big-endian bytes.
  const Bytes block0_input = {0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0};
  const Bytes block0 = openssl_provider().sha256->digest(block0_input);
  EXPECT_EQ(Bytes(all.begin(), all.begin() + 32), block0);
}

TEST(DeterministicProvider, EverythingElseIsTheOpensslProvider) {
  const CryptoProvider p = deterministic_provider(1);
  const CryptoProvider& real = openssl_provider();
  EXPECT_EQ(p.sha256, real.sha256);
  EXPECT_EQ(p.aes128gcm, real.aes128gcm);
  EXPECT_EQ(p.x25519, real.x25519);
  EXPECT_EQ(p.keys, real.keys);
  EXPECT_NE(p.random, real.random);
}

TEST(DeterministicProvider, ConcurrentFillsPartitionTheStream) {
  CryptoProvider shared = deterministic_provider(99);
  CryptoProvider reference = deterministic_provider(99);
  constexpr size_t kThreads = 4;
  constexpr size_t kDraws = 50;
  std::vector<std::vector<Bytes>> got(kThreads);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < kThreads; t++) {
    threads.emplace_back([&, t] {
      for (size_t i = 0; i < kDraws; i++) {
        Bytes b(32);
        EXPECT_TRUE(shared.random->fill(b).ok());
        got[t].push_back(b);
      }
    });
  }
  for (std::thread& th : threads) {
    th.join();
  }
  // Each 32-byte fill is one whole block of the stream; together they are all the first blocks.
  std::vector<Bytes> all;
  for (const auto& v : got) {
    all.insert(all.end(), v.begin(), v.end());
  }
  std::vector<Bytes> expected;
  for (size_t i = 0; i < kThreads * kDraws; i++) {
    expected.push_back(draw(reference, 32));
  }
  std::sort(all.begin(), all.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(all, expected);
}

TEST(FixedRandomCrypto, OnceModeServesBytesThenFails) {
  FixedRandom r(Bytes{1, 2, 3, 4, 5});
  Bytes a(2);
  Bytes b(3);
  ASSERT_TRUE(r.fill(a).ok());
  EXPECT_EQ(r.remaining(), 3u);
  Bytes too_many(4);
  Status s = r.fill(too_many);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::kInternal);
  ASSERT_TRUE(r.fill(b).ok());
  EXPECT_EQ(a, (Bytes{1, 2}));
  EXPECT_EQ(b, (Bytes{3, 4, 5}));
  EXPECT_EQ(r.remaining(), 0u);
  Bytes one(1);
  EXPECT_FALSE(r.fill(one).ok());
  EXPECT_TRUE(r.fill({}).ok());
}

TEST(FixedRandomCrypto, RepeatModeRestartsEveryFill) {
  FixedRandom r(Bytes{0xaa, 0xbb, 0xcc}, FixedRandom::Mode::kRepeat);
  Bytes a(7);
  ASSERT_TRUE(r.fill(a).ok());
  EXPECT_EQ(a, (Bytes{0xaa, 0xbb, 0xcc, 0xaa, 0xbb, 0xcc, 0xaa}));
  Bytes b(2);
  ASSERT_TRUE(r.fill(b).ok());
  EXPECT_EQ(b, (Bytes{0xaa, 0xbb}));

  FixedRandom empty(Bytes{}, FixedRandom::Mode::kRepeat);
  Bytes c(1);
  EXPECT_FALSE(empty.fill(c).ok());
}

TEST(FixedRandomCrypto, CanReplaceTheProvidersRandom) {
  static const FixedRandom fixed(Bytes(32, 0x5a), FixedRandom::Mode::kRepeat);
  CryptoProvider p = openssl_provider();
  p.random = &fixed;
  Bytes client_random(32);
  ASSERT_TRUE(p.random->fill(client_random).ok());
  EXPECT_EQ(client_random, Bytes(32, 0x5a));
}

}  // namespace
}  // namespace glasstls::crypto::testing
