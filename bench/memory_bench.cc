// memory_bench.cc: heap held per connection and heap peak of a handshake, glasstls against
// OpenSSL libssl (ECDSA P-256 leaf, X25519, TLS_AES_128_GCM_SHA256).
//
// memory/<stack>: each repetition (one iteration) measures, with the counters of main.cc:
//   handshake_peak_bytes  the heap high-water mark above the starting point while one pair is
//                         created and completes its handshake (both sides together);
//   client_idle_bytes     heap held by one established, idle client connection;
//   server_idle_bytes     the same for a server connection.
// The idle figures come from kPairs established pairs: freeing all servers tells the server
// share, then freeing all clients the client share, each divided by kPairs.
//
// OpenSSL is given a BIO pair only to talk in memory; its two 17 KiB buffers are not part of a
// real connection (which has a socket BIO), so they are measured separately and left out of
// handshake_peak_bytes, and the BIOs are detached before the idle figures are taken. glasstls
// keeps its output buffer inside the Connection, so that buffer is counted.
//
// memory/openssl_release_buffers is OpenSSL with SSL_MODE_RELEASE_BUFFERS (free the record
// buffers when idle, as nginx does), for reference.

#include <benchmark/benchmark.h>
#include <openssl/ssl.h>

#include <cstdint>
#include <vector>

#include "common.h"

namespace glasstls::bench {
namespace {

constexpr int kPairs = 1000;

void report(benchmark::State& state, int64_t peak, int64_t client_bytes, int64_t server_bytes) {
  state.counters["handshake_peak_bytes"] = static_cast<double>(peak);
  state.counters["client_idle_bytes"] = static_cast<double>(client_bytes) / kPairs;
  state.counters["server_idle_bytes"] = static_cast<double>(server_bytes) / kPairs;
  if (!openssl_hooks_installed()) {
    state.SetLabel("OpenSSL allocations NOT counted");
  }
}

void memory_glasstls(benchmark::State& state) {
  Configs cfg = glasstls_configs(KeyKind::kEcdsaP256, Suite::kAes128Gcm);
  glasstls_handshake(cfg, nullptr, nullptr);  // Warm up lazy initialisation.
  for (auto _ : state) {
    int64_t base = heap_current();
    heap_reset_peak();
    {
      GlasstlsPair one = glasstls_handshake(cfg, nullptr, nullptr);
    }
    int64_t peak = heap_peak() - base;

    std::vector<GlasstlsPair> pairs;
    pairs.reserve(kPairs);  // Outside the measurement: only the connections are counted.
    int64_t start = heap_current();
    for (int i = 0; i < kPairs; i++) {
      pairs.push_back(glasstls_handshake(cfg, nullptr, nullptr));
    }
    int64_t established = heap_current();
    for (auto& p : pairs) {
      p.server.reset();
    }
    int64_t clients_only = heap_current();
    for (auto& p : pairs) {
      p.client.reset();
    }
    int64_t end = heap_current();
    benchmark::DoNotOptimize(start);
    report(state, peak, clients_only - end, established - clients_only);
  }
}

// detach_bios frees the BIO pair of an established OpenSSL pair.
void detach_bios(OpensslPair& pair) {
  SSL_set_bio(pair.client, nullptr, nullptr);
  SSL_set_bio(pair.server, nullptr, nullptr);
}

void memory_openssl(benchmark::State& state, bool release_buffers) {
  auto ctx = openssl_contexts(KeyKind::kEcdsaP256, Suite::kAes128Gcm);
  if (release_buffers) {
    SSL_CTX_set_mode(ctx->client, SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_mode(ctx->server, SSL_MODE_RELEASE_BUFFERS);
  }
  openssl_handshake(*ctx, nullptr, nullptr);  // Warm up lazy initialisation.
  for (auto _ : state) {
    // The BIO pair's own allocation, to leave out of the peak.
    int64_t before_bio = heap_current();
    BIO* a = nullptr;
    BIO* b = nullptr;
    if (BIO_new_bio_pair(&a, 0, &b, 0) != 1) {
      state.SkipWithError("BIO_new_bio_pair failed");
      break;
    }
    int64_t bio_bytes = heap_current() - before_bio;
    BIO_free(a);
    BIO_free(b);

    int64_t base = heap_current();
    heap_reset_peak();
    {
      OpensslPair one = openssl_handshake(*ctx, nullptr, nullptr);
    }
    int64_t peak = heap_peak() - base - bio_bytes;

    std::vector<OpensslPair> pairs;
    pairs.reserve(kPairs);
    int64_t start = heap_current();
    for (int i = 0; i < kPairs; i++) {
      pairs.push_back(openssl_handshake(*ctx, nullptr, nullptr));
      detach_bios(pairs.back());
    }
    int64_t established = heap_current();
    for (auto& p : pairs) {
      SSL_free(p.server);
      p.server = nullptr;
    }
    int64_t clients_only = heap_current();
    for (auto& p : pairs) {
      SSL_free(p.client);
      p.client = nullptr;
    }
    int64_t end = heap_current();
    benchmark::DoNotOptimize(start);
    report(state, peak, clients_only - end, established - clients_only);
    state.counters["bio_pair_bytes"] = static_cast<double>(bio_bytes);
  }
}

// One repetition whatever --benchmark_repetitions says: the heap figures are counts, the same on
// every run, and each run takes seconds (3000 handshakes).
const bool kRegistered = [] {
  benchmark::RegisterBenchmark("memory/glasstls", memory_glasstls)->Iterations(1)->Repetitions(1);
  benchmark::RegisterBenchmark("memory/openssl", memory_openssl, false)
      ->Iterations(1)
      ->Repetitions(1);
  benchmark::RegisterBenchmark("memory/openssl_release_buffers", memory_openssl, true)
      ->Iterations(1)
      ->Repetitions(1);
  return true;
}();

}  // namespace
}  // namespace glasstls::bench
