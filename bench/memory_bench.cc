// memory_bench.cc: heap held per connection and heap peak of a handshake, glasstls against
// OpenSSL libssl (ECDSA P-256 leaf, X25519, TLS_AES_128_GCM_SHA256).
//
// memory/<stack>: each repetition (one iteration) measures, with the counters of main.cc (on
// for these rows only: HeapCounting):
//   handshake_peak_bytes  the heap high-water mark above the starting point while one pair is
//                         created and completes its handshake (both sides together);
//   client_peak_bytes     the high-water mark of the heap charged to the client during that
//                         same handshake (see below); server_peak_bytes the same for the server;
//   chain_bytes           DER size of the certificate chain the server sends (leaf + CA): the
//                         issue target is "at most 16 KB peak heap per handshake beyond the
//                         chain", that is client/server_peak_bytes - chain_bytes <= 16384;
//   client_allocs         the number of heap blocks the client allocated during that handshake
//                         (operator new and libcrypto's); server_allocs the same for the server;
//   client_idle_bytes     heap held by one established, idle client connection;
//   server_idle_bytes     the same for a server connection.
// The idle figures come from kPairs established pairs: freeing all servers tells the server
// share, then freeing all clients the client share, each divided by kPairs.
//
// Per-side peaks. The handshake drivers of common.h run every call of one side (creating the
// connection or SSL, each receive()/SSL_do_handshake) inside a HeapSideScope naming that side,
// the same calls that SideTimer charges to it. While heap_sides_begin() is in force, main.cc
// charges each block allocated inside such a call to the current side and remembers the block's
// owner, so its free is charged back to the owner, even when it happens outside the side's calls
// (pair destruction) or inside the other side's. Each side's live total therefore starts at 0
// and its high-water mark is the side's peak above its start. Nothing the two sides share is
// charged to either: the configurations / SSL_CTXs, made before, and the BIO pair of the OpenSSL
// transport, made between the sides' calls. glasstls hands bytes over as a view of the sender's
// output buffer, which belongs to the sender. Blocks allocated before the measurement (caches
// warmed up by the first handshake) are charged to no side, even when a side frees them.
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
#include <string>
#include <utility>
#include <vector>

#include "common.h"

namespace glasstls::bench {
namespace {

constexpr int kPairs = 1000;

// chain_bytes is the DER size of the chain both stacks' servers send.
int64_t chain_bytes() {
  const Pki& p = pki(KeyKind::kEcdsaP256);
  return static_cast<int64_t>(p.test.leaf_cert.size() + p.test.ca_cert.size());
}

// SidePeaks is the per-side heap high-water mark of one handshake.
struct SidePeaks {
  int64_t client = 0;
  int64_t server = 0;
  int64_t client_allocs = 0;
  int64_t server_allocs = 0;
};

// measure_peaks runs `handshake` (which must create a pair, complete its handshake and free it)
// with the total and per-side counters reset, and returns the total peak above the start.
template <typename F>
int64_t measure_peaks(F&& handshake, SidePeaks& sides) {
  int64_t base = heap_current();
  heap_reset_peak();
  heap_sides_begin();
  handshake();
  heap_sides_end();
  sides.client = heap_side_peak(HeapSide::kClient);
  sides.server = heap_side_peak(HeapSide::kServer);
  sides.client_allocs = heap_side_allocs(HeapSide::kClient);
  sides.server_allocs = heap_side_allocs(HeapSide::kServer);
  return heap_peak() - base;
}

void report(benchmark::State& state, int64_t peak, const SidePeaks& sides, int64_t client_bytes,
            int64_t server_bytes) {
  state.counters["handshake_peak_bytes"] = static_cast<double>(peak);
  state.counters["client_peak_bytes"] = static_cast<double>(sides.client);
  state.counters["server_peak_bytes"] = static_cast<double>(sides.server);
  state.counters["client_allocs"] = static_cast<double>(sides.client_allocs);
  state.counters["server_allocs"] = static_cast<double>(sides.server_allocs);
  state.counters["chain_bytes"] = static_cast<double>(chain_bytes());
  state.counters["client_idle_bytes"] = static_cast<double>(client_bytes) / kPairs;
  state.counters["server_idle_bytes"] = static_cast<double>(server_bytes) / kPairs;
  if (!openssl_hooks_installed()) {
    state.SetLabel("OpenSSL allocations NOT counted");
  }
}

void memory_glasstls(benchmark::State& state, PairOptions opts) {
  HeapCounting counting;
  Configs cfg = glasstls_configs(KeyKind::kEcdsaP256, Suite::kAes128Gcm, opts);
  glasstls_handshake(cfg, nullptr, nullptr);  // Warm up lazy initialisation.
  for (auto _ : state) {
    SidePeaks sides;
    int64_t peak =
        measure_peaks([&] { GlasstlsPair one = glasstls_handshake(cfg, nullptr, nullptr); }, sides);

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
    report(state, peak, sides, clients_only - end, established - clients_only);
  }
}

// detach_bios frees the BIO pair of an established OpenSSL pair.
void detach_bios(OpensslPair& pair) {
  SSL_set_bio(pair.client, nullptr, nullptr);
  SSL_set_bio(pair.server, nullptr, nullptr);
}

void memory_openssl(benchmark::State& state, bool release_buffers, PairOptions opts) {
  HeapCounting counting;
  auto ctx = openssl_contexts(KeyKind::kEcdsaP256, Suite::kAes128Gcm, opts);
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

    // The BIO pair is charged to neither side; only the total needs bio_bytes taken out.
    SidePeaks sides;
    int64_t peak =
        measure_peaks([&] { OpensslPair one = openssl_handshake(*ctx, nullptr, nullptr); }, sides) -
        bio_bytes;

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
    report(state, peak, sides, clients_only - end, established - clients_only);
    state.counters["bio_pair_bytes"] = static_cast<double>(bio_bytes);
  }
}

// One repetition whatever --benchmark_repetitions says: the heap figures are counts, the same on
// every run, and each run takes seconds (3000 handshakes).
// memory12/<stack> is the same for TLS 1.2 (TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, X25519).
const bool kRegistered = [] {
  PairOptions tls12;
  tls12.proto = Proto::kTls12Ecdhe;
  for (auto [prefix, opts] : {std::pair{"memory", PairOptions{}}, std::pair{"memory12", tls12}}) {
    const std::string p = prefix;
    benchmark::RegisterBenchmark((p + "/glasstls").c_str(), memory_glasstls, opts)
        ->Iterations(1)
        ->Repetitions(1);
    benchmark::RegisterBenchmark((p + "/openssl").c_str(), memory_openssl, false, opts)
        ->Iterations(1)
        ->Repetitions(1);
    benchmark::RegisterBenchmark((p + "/openssl_release_buffers").c_str(), memory_openssl, true,
                                 opts)
        ->Iterations(1)
        ->Repetitions(1);
  }
  return true;
}();

}  // namespace
}  // namespace glasstls::bench
