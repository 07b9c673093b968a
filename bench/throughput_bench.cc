// throughput_bench.cc: bulk data over an established connection, glasstls against OpenSSL
// libssl, and the raw AEAD speed of libcrypto as the ceiling.
//
// throughput/<suite>/<size>/<stack>: per iteration the client writes one <size>-byte
// application write, its records go to the server, and the server reads all <size> bytes back
// out. bytes_per_second counts the application bytes per second of CPU time; the time includes
// sealing on the client and opening on the server. <stack> glasstls reads with read() into the
// caller's buffer (a copy, like SSL_read); glasstls_view reads in place with
// read_view()/consume_read().
//
// aead_ceiling/<suite>/<size>/seal: EVP seal of one record of <size> + 1 bytes (the content
// type) with the 5-byte record header as AAD, plus the tag. .../seal_open adds opening it again,
// the same work as one record through a TLS pair.

#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "common.h"

namespace glasstls::bench {
namespace {

constexpr double kMinTime = 0.1;

// throughput_glasstls moves `size` bytes per iteration from client to server; with `view` the
// server reads them in place through read_view()/consume_read(), otherwise with read() into a
// sink. The bytes delivered are checked once: the last iteration's (read()), or one more
// transfer after the timed loop (read_view()).
void throughput_glasstls(benchmark::State& state, Suite suite, size_t size, bool view) {
  Configs cfg = glasstls_configs(KeyKind::kEcdsaP256, suite);
  GlasstlsPair pair = glasstls_handshake(cfg, nullptr, nullptr);
  Connection& client = *pair.client;
  Connection& server = *pair.server;
  if (client.cipher_suite() != glasstls_suite(suite)) {
    state.SkipWithError("wrong suite negotiated");
    return;
  }
  std::vector<uint8_t> data(size);
  for (size_t i = 0; i < size; i++) {
    data[i] = static_cast<uint8_t>(i * 31 + 7);
  }
  std::vector<uint8_t> sink(size);
  // checksum keeps the in-place reads from being optimised away.
  uint64_t checksum = 0;
  for (auto _ : state) {
    if (!client.write(data).ok() || !pump(client, server, nullptr)) {
      state.SkipWithError("glasstls write failed");
      break;
    }
    size_t got = 0;
    if (view) {
      while (got < size) {
        std::span<const uint8_t> in = server.read_view();
        if (in.empty()) {
          break;
        }
        const size_t n = std::min(in.size(), size - got);
        checksum += in[0] + in[n - 1];
        server.consume_read(n);
        got += n;
      }
    } else {
      while (got < size) {
        size_t n = server.read(std::span<uint8_t>(sink).subspan(got));
        if (n == 0) {
          break;
        }
        got += n;
      }
    }
    if (got != size) {
      state.SkipWithError("glasstls read came up short");
      break;
    }
  }
  benchmark::DoNotOptimize(checksum);
  if (view && !state.error_occurred()) {
    // One more transfer after the timed loop, copied out of the view to check the bytes.
    if (client.write(data).ok() && pump(client, server, nullptr)) {
      size_t got = 0;
      for (std::span<const uint8_t> in = server.read_view(); !in.empty() && got < size;
           in = server.read_view()) {
        const size_t n = std::min(in.size(), size - got);
        std::copy_n(in.begin(), n, sink.begin() + static_cast<std::ptrdiff_t>(got));
        server.consume_read(n);
        got += n;
      }
    }
  }
  if (!state.error_occurred() && sink != data) {
    state.SkipWithError("glasstls delivered the wrong bytes");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}

void throughput_openssl(benchmark::State& state, Suite suite, size_t size) {
  auto ctx = openssl_contexts(KeyKind::kEcdsaP256, suite);
  // BIO buffers big enough for a whole 16 KiB record and its overhead.
  OpensslPair pair = openssl_handshake(*ctx, nullptr, nullptr, 64 * 1024);
  if (std::string(SSL_CIPHER_standard_name(SSL_get_current_cipher(pair.client))) !=
      openssl_suite(suite)) {
    state.SkipWithError("wrong suite negotiated");
    return;
  }
  std::vector<uint8_t> data(size, 0x61);
  std::vector<uint8_t> sink(size);
  for (auto _ : state) {
    if (SSL_write(pair.client, data.data(), static_cast<int>(size)) != static_cast<int>(size)) {
      state.SkipWithError("SSL_write failed");
      break;
    }
    size_t got = 0;
    while (got < size) {
      int n = SSL_read(pair.server, sink.data() + got, static_cast<int>(size - got));
      if (n <= 0) {
        break;
      }
      got += static_cast<size_t>(n);
    }
    if (got != size) {
      state.SkipWithError("SSL_read came up short");
      break;
    }
  }
  if (sink != data) {
    state.SkipWithError("OpenSSL delivered the wrong bytes");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}

// aead_record seals (or opens) one record in place; returns false on a libcrypto failure. A
// failed tag check on open cannot happen here: the tag is the one seal produced.
bool aead_record(EVP_CIPHER_CTX* ctx, const std::array<uint8_t, 12>& nonce,
                 std::vector<uint8_t>& record, std::array<uint8_t, 16>& tag) {
  std::array<uint8_t, 5> header = {23, 3, 3, 0, 0};
  int out = 0;
  bool encrypting = EVP_CIPHER_CTX_is_encrypting(ctx) == 1;
  if (EVP_CipherInit_ex(ctx, nullptr, nullptr, nullptr, nonce.data(), -1) != 1 ||
      EVP_CipherUpdate(ctx, nullptr, &out, header.data(), header.size()) != 1 ||
      EVP_CipherUpdate(ctx, record.data(), &out, record.data(), static_cast<int>(record.size())) !=
          1) {
    return false;
  }
  if (!encrypting && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16, tag.data()) != 1) {
    return false;
  }
  int fin = 0;
  if (EVP_CipherFinal_ex(ctx, record.data() + out, &fin) != 1) {
    return false;
  }
  return !encrypting || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, tag.data()) == 1;
}

void aead_ceiling(benchmark::State& state, Suite suite, size_t size, bool open) {
  const EVP_CIPHER* cipher = evp_cipher(suite);
  std::array<uint8_t, 32> key{};
  std::array<uint8_t, 12> nonce{};
  EVP_CIPHER_CTX* seal_ctx = EVP_CIPHER_CTX_new();
  EVP_CIPHER_CTX* open_ctx = EVP_CIPHER_CTX_new();
  if (seal_ctx == nullptr || open_ctx == nullptr ||
      EVP_CipherInit_ex(seal_ctx, cipher, nullptr, key.data(), nonce.data(), 1) != 1 ||
      EVP_CipherInit_ex(open_ctx, cipher, nullptr, key.data(), nonce.data(), 0) != 1) {
    state.SkipWithError("cipher set-up failed");
    return;
  }
  std::vector<uint8_t> record(size + 1, 0x61);
  std::array<uint8_t, 16> tag{};
  uint64_t seq = 0;
  for (auto _ : state) {
    // The per-record nonce: the sequence number XORed into the IV (RFC 8446 section 5.3).
    seq++;
    for (int i = 0; i < 8; i++) {
      nonce[4 + i] = static_cast<uint8_t>(seq >> (56 - 8 * i));
    }
    if (!aead_record(seal_ctx, nonce, record, tag) ||
        (open && !aead_record(open_ctx, nonce, record, tag))) {
      state.SkipWithError("AEAD failed");
      break;
    }
    benchmark::DoNotOptimize(record.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
  EVP_CIPHER_CTX_free(seal_ctx);
  EVP_CIPHER_CTX_free(open_ctx);
}

const bool kRegistered = [] {
  for (Suite suite : {Suite::kAes128Gcm, Suite::kAes256Gcm, Suite::kChaCha20Poly1305}) {
    for (size_t size : {size_t{16384}, size_t{1024}}) {
      std::string base = std::string(suite_name(suite)) + "/" + std::to_string(size);
      benchmark::RegisterBenchmark(("throughput/" + base + "/glasstls").c_str(),
                                   throughput_glasstls, suite, size, false)
          ->MinTime(kMinTime);
      benchmark::RegisterBenchmark(("throughput/" + base + "/glasstls_view").c_str(),
                                   throughput_glasstls, suite, size, true)
          ->MinTime(kMinTime);
      benchmark::RegisterBenchmark(("throughput/" + base + "/openssl").c_str(), throughput_openssl,
                                   suite, size)
          ->MinTime(kMinTime);
      benchmark::RegisterBenchmark(("aead_ceiling/" + base + "/seal").c_str(), aead_ceiling, suite,
                                   size, false)
          ->MinTime(kMinTime);
      benchmark::RegisterBenchmark(("aead_ceiling/" + base + "/seal_open").c_str(), aead_ceiling,
                                   suite, size, true)
          ->MinTime(kMinTime);
    }
  }
  return true;
}();

}  // namespace
}  // namespace glasstls::bench
