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
//
// bulk_vs_ceiling/<proto>/<suite>/<size>: the target's ratio measured in turns, so that the
// machine's drift falls on both figures alike. Each iteration times a block of transfers through
// glasstls with read(), the same with read_view(), and the same number of raw seal+open records
// (the ceiling's work, with TLS 1.2's 13-byte additional data and no content type byte for
// <proto> tls12). Counters: read_ns, view_ns and ceiling_ns per record, and read_pct and
// view_pct, the ceiling's time as a percentage of glasstls's (the "% ceil" of the throughput
// tables).

#include <benchmark/benchmark.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common.h"

namespace glasstls::bench {
namespace {

constexpr double kMinTime = 0.1;

// leaf_for is the leaf key of the throughput pairs: ECDSA P-256 for TLS 1.3, RSA-2048 for
// TLS 1.2 (ECDHE-RSA suites). Bulk transfer does not depend on it.
KeyKind leaf_for(const PairOptions& opts) {
  return opts.proto == Proto::kTls13 ? KeyKind::kEcdsaP256 : KeyKind::kRsa2048;
}

// transfer writes `data` on the client, hands its records to the server and reads all of it
// back out: with `view` in place through read_view()/consume_read() (adding to `checksum`),
// otherwise with read() into `sink`. False if a step fails or the read comes up short.
bool transfer(Connection& client, Connection& server, const std::vector<uint8_t>& data,
              std::vector<uint8_t>& sink, bool view, uint64_t& checksum) {
  if (!client.write(data).ok() || !pump(client, server, nullptr)) {
    return false;
  }
  const size_t size = data.size();
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
  return got == size;
}

// throughput_glasstls moves `size` bytes per iteration from client to server; with `view` the
// server reads them in place through read_view()/consume_read(), otherwise with read() into a
// sink. The bytes delivered are checked once: the last iteration's (read()), or one more
// transfer after the timed loop (read_view()).
void throughput_glasstls(benchmark::State& state, Suite suite, size_t size, bool view,
                         PairOptions opts) {
  const KeyKind kind = leaf_for(opts);
  Configs cfg = glasstls_configs(kind, suite, opts);
  GlasstlsPair pair = glasstls_handshake(cfg, nullptr, nullptr);
  Connection& client = *pair.client;
  Connection& server = *pair.server;
  if (std::string(name(client.cipher_suite())) != negotiated_suite(kind, suite, opts) ||
      (suite == Suite::kAes128CbcSha256 && !client.encrypt_then_mac())) {
    state.SkipWithError("wrong suite negotiated, or no encrypt-then-MAC");
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
    if (!transfer(client, server, data, sink, view, checksum)) {
      state.SkipWithError("glasstls transfer failed or came up short");
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

void throughput_openssl(benchmark::State& state, Suite suite, size_t size, PairOptions opts) {
  const KeyKind kind = leaf_for(opts);
  auto ctx = openssl_contexts(kind, suite, opts);
  // BIO buffers big enough for a whole 16 KiB record and its overhead.
  OpensslPair pair = openssl_handshake(*ctx, nullptr, nullptr, 64 * 1024);
  if (std::string(SSL_CIPHER_standard_name(SSL_get_current_cipher(pair.client))) !=
      negotiated_suite(kind, suite, opts)) {
    state.SkipWithError("wrong suite negotiated");
    return;
  }
  // A CBC suite must run with encrypt-then-MAC (RFC 7366), which OpenSSL negotiates by default:
  // check that the ServerHello of a handshake made the same way carries the extension.
  if (suite == Suite::kAes128CbcSha256) {
    std::vector<uint8_t> server_hello;
    SSL_CTX_set_msg_callback(ctx->client, keep_server_hello);
    SSL_CTX_set_msg_callback_arg(ctx->client, &server_hello);
    openssl_handshake(*ctx, nullptr, nullptr);
    SSL_CTX_set_msg_callback(ctx->client, nullptr);
    std::vector<uint16_t> ext = server_hello_extensions(server_hello);
    if (std::find(ext.begin(), ext.end(), uint16_t{22}) == ext.end()) {
      state.SkipWithError("OpenSSL did not negotiate encrypt-then-MAC");
      return;
    }
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

// The additional data of a TLS 1.3 record (its header) and of a TLS 1.2 record (sequence number,
// type, version, length).
constexpr std::array<uint8_t, 5> kTls13Header = {23, 3, 3, 0, 0};
constexpr std::array<uint8_t, 13> kTls12Header = {0, 0, 0, 0, 0, 0, 0, 0, 23, 3, 3, 0, 0};

// aead_record seals (or opens) one record in place; returns false on a libcrypto failure. A
// failed tag check on open cannot happen here: the tag is the one seal produced. The tag is
// read and set as a cipher parameter (EVP_CIPHER_CTX_get_params/set_params), the cheapest way
// OpenSSL 3.0 offers: EVP_CIPHER_CTX_ctrl with EVP_CTRL_AEAD_GET_TAG/SET_TAG is translated into
// the same parameter and costs about 20 ns more per AES-GCM record sealed and opened. glasstls
// passes the tag as a parameter too.
bool aead_record(EVP_CIPHER_CTX* ctx, const std::array<uint8_t, 12>& nonce,
                 std::span<const uint8_t> header, std::vector<uint8_t>& record,
                 std::array<uint8_t, 16>& tag) {
  int out = 0;
  bool encrypting = EVP_CIPHER_CTX_is_encrypting(ctx) == 1;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag.data(), tag.size()),
      OSSL_PARAM_construct_end()};
  if (EVP_CipherInit_ex(ctx, nullptr, nullptr, nullptr, nonce.data(), -1) != 1 ||
      (!encrypting && EVP_CIPHER_CTX_set_params(ctx, params) != 1) ||
      EVP_CipherUpdate(ctx, nullptr, &out, header.data(), header.size()) != 1 ||
      EVP_CipherUpdate(ctx, record.data(), &out, record.data(), static_cast<int>(record.size())) !=
          1) {
    return false;
  }
  int fin = 0;
  if (EVP_CipherFinal_ex(ctx, record.data() + out, &fin) != 1) {
    return false;
  }
  return !encrypting || EVP_CIPHER_CTX_get_params(ctx, params) == 1;
}

// RawAead is the ceiling's pair of EVP contexts, one sealing and one opening under the same
// all-zero key, and the per-record nonce: the sequence number XORed into the IV (RFC 8446
// section 5.3).
class RawAead {
 public:
  explicit RawAead(Suite suite)
      : seal_(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free),
        open_(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free) {
    const EVP_CIPHER* cipher = evp_cipher(suite);
    const std::array<uint8_t, 32> key{};
    ok_ = seal_ != nullptr && open_ != nullptr &&
          EVP_CipherInit_ex(seal_.get(), cipher, nullptr, key.data(), nonce_.data(), 1) == 1 &&
          EVP_CipherInit_ex(open_.get(), cipher, nullptr, key.data(), nonce_.data(), 0) == 1;
  }
  bool ok() const { return ok_; }
  // next seals `record` in place under the next sequence number's nonce with `aad`, and with
  // `open` opens it again.
  bool next(std::span<const uint8_t> aad, std::vector<uint8_t>& record, bool open) {
    seq_++;
    for (int i = 0; i < 8; i++) {
      nonce_[4 + i] = static_cast<uint8_t>(seq_ >> (56 - 8 * i));
    }
    return aead_record(seal_.get(), nonce_, aad, record, tag_) &&
           (!open || aead_record(open_.get(), nonce_, aad, record, tag_));
  }

 private:
  std::unique_ptr<EVP_CIPHER_CTX, void (*)(EVP_CIPHER_CTX*)> seal_;
  std::unique_ptr<EVP_CIPHER_CTX, void (*)(EVP_CIPHER_CTX*)> open_;
  std::array<uint8_t, 12> nonce_{};
  std::array<uint8_t, 16> tag_{};
  uint64_t seq_ = 0;
  bool ok_ = false;
};

void aead_ceiling(benchmark::State& state, Suite suite, size_t size, bool open) {
  RawAead aead(suite);
  if (!aead.ok()) {
    state.SkipWithError("cipher set-up failed");
    return;
  }
  std::vector<uint8_t> record(size + 1, 0x61);
  for (auto _ : state) {
    if (!aead.next(kTls13Header, record, open)) {
      state.SkipWithError("AEAD failed");
      break;
    }
    benchmark::DoNotOptimize(record.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}

// bulk_vs_ceiling: see the file comment. Blocks of kBlock records keep the clock's own cost
// (about 20 ns a reading) under 0.1% of a block at 1 KiB.
void bulk_vs_ceiling(benchmark::State& state, Suite suite, size_t size, PairOptions opts) {
  constexpr int kBlock = 32;
  using Clock = std::chrono::steady_clock;
  const KeyKind kind = leaf_for(opts);
  Configs cfg = glasstls_configs(kind, suite, opts);
  GlasstlsPair pair = glasstls_handshake(cfg, nullptr, nullptr);
  Connection& client = *pair.client;
  Connection& server = *pair.server;
  if (std::string(name(client.cipher_suite())) != negotiated_suite(kind, suite, opts)) {
    state.SkipWithError("wrong suite negotiated");
    return;
  }
  const bool tls12 = opts.proto != Proto::kTls13;
  std::vector<uint8_t> data(size);
  for (size_t i = 0; i < size; i++) {
    data[i] = static_cast<uint8_t>(i * 31 + 7);
  }
  std::vector<uint8_t> sink(size);
  uint64_t checksum = 0;

  RawAead aead(suite);
  if (!aead.ok()) {
    state.SkipWithError("cipher set-up failed");
    return;
  }
  // A TLS 1.3 record carries the content type byte inside the encryption; TLS 1.2's does not.
  std::vector<uint8_t> record(tls12 ? size : size + 1, 0x61);
  const std::span<const uint8_t> aad =
      tls12 ? std::span<const uint8_t>(kTls12Header) : std::span<const uint8_t>(kTls13Header);

  double read_ns = 0;
  double view_ns = 0;
  double ceiling_ns = 0;
  auto elapsed = [](Clock::time_point from) {
    return std::chrono::duration<double, std::nano>(Clock::now() - from).count();
  };
  for (auto _ : state) {
    bool ok = true;
    Clock::time_point t = Clock::now();
    for (int i = 0; i < kBlock && ok; i++) {
      ok = transfer(client, server, data, sink, false, checksum);
    }
    read_ns += elapsed(t);
    t = Clock::now();
    for (int i = 0; i < kBlock && ok; i++) {
      ok = transfer(client, server, data, sink, true, checksum);
    }
    view_ns += elapsed(t);
    t = Clock::now();
    for (int i = 0; i < kBlock && ok; i++) {
      ok = aead.next(aad, record, true);
    }
    ceiling_ns += elapsed(t);
    benchmark::DoNotOptimize(record.data());
    if (!ok) {
      state.SkipWithError("a transfer or the raw AEAD failed");
      break;
    }
  }
  benchmark::DoNotOptimize(checksum);
  if (state.error_occurred()) {
    return;
  }
  if (sink != data) {
    state.SkipWithError("glasstls delivered the wrong bytes");
    return;
  }
  const double records = static_cast<double>(state.iterations()) * kBlock;
  state.counters["read_ns"] = read_ns / records;
  state.counters["view_ns"] = view_ns / records;
  state.counters["ceiling_ns"] = ceiling_ns / records;
  state.counters["read_pct"] = 100.0 * ceiling_ns / read_ns;
  state.counters["view_pct"] = 100.0 * ceiling_ns / view_ns;
}

// cbc_ceiling is aead_ceiling for AES-128-CBC with HMAC-SHA256 and encrypt-then-MAC
// (RFC 7366): seal encrypts one record of <size> bytes plus its padding (to a multiple of 16,
// with at least one byte) under an explicit 16-byte IV, then MACs the 13-byte pseudo-header
// (sequence number, type, version, length), the IV and the ciphertext; open (with `open`)
// checks the MAC again and decrypts. The HMAC key is set once and reused for every record;
// padding is not checked, so this is a lower bound on a real record layer's work.
void cbc_ceiling(benchmark::State& state, size_t size, bool open) {
  std::array<uint8_t, 16> key{};
  std::array<uint8_t, 32> mac_key{};
  std::array<uint8_t, 16> iv{};
  EVP_CIPHER_CTX* enc = EVP_CIPHER_CTX_new();
  EVP_CIPHER_CTX* dec = EVP_CIPHER_CTX_new();
  EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* mac = hmac != nullptr ? EVP_MAC_CTX_new(hmac) : nullptr;
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  if (enc == nullptr || dec == nullptr || mac == nullptr ||
      EVP_CipherInit_ex(enc, EVP_aes_128_cbc(), nullptr, key.data(), iv.data(), 1) != 1 ||
      EVP_CipherInit_ex(dec, EVP_aes_128_cbc(), nullptr, key.data(), iv.data(), 0) != 1 ||
      EVP_MAC_init(mac, mac_key.data(), mac_key.size(), params) != 1) {
    state.SkipWithError("CBC set-up failed");
    return;
  }
  EVP_CIPHER_CTX_set_padding(enc, 0);
  EVP_CIPHER_CTX_set_padding(dec, 0);
  const size_t padded = (size / 16 + 1) * 16;
  std::vector<uint8_t> record(16 + padded + 32, 0x61);  // IV, ciphertext, MAC
  std::vector<uint8_t> plain(padded, 0x61);
  std::array<uint8_t, 13> header = {0, 0, 0, 0, 0, 0, 0, 0, 23, 3, 3, 0, 0};
  std::array<uint8_t, 32> tag{};
  uint64_t seq = 0;
  auto mac_record = [&](uint8_t* out) {
    size_t len = 0;
    return EVP_MAC_init(mac, nullptr, 0, nullptr) == 1 &&
           EVP_MAC_update(mac, header.data(), header.size()) == 1 &&
           EVP_MAC_update(mac, record.data(), 16 + padded) == 1 &&
           EVP_MAC_final(mac, out, &len, 32) == 1;
  };
  for (auto _ : state) {
    seq++;
    header[7] = static_cast<uint8_t>(seq);
    int out = 0;
    bool ok = EVP_CipherInit_ex(enc, nullptr, nullptr, nullptr, record.data(), -1) == 1 &&
              EVP_CipherUpdate(enc, record.data() + 16, &out, plain.data(),
                               static_cast<int>(padded)) == 1 &&
              mac_record(record.data() + 16 + padded);
    if (ok && open) {
      ok = mac_record(tag.data()) &&
           CRYPTO_memcmp(tag.data(), record.data() + 16 + padded, 32) == 0 &&
           EVP_CipherInit_ex(dec, nullptr, nullptr, nullptr, record.data(), -1) == 1 &&
           EVP_CipherUpdate(dec, plain.data(), &out, record.data() + 16,
                            static_cast<int>(padded)) == 1;
    }
    if (!ok) {
      state.SkipWithError("CBC record failed");
      break;
    }
    benchmark::DoNotOptimize(record.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
  EVP_MAC_CTX_free(mac);
  EVP_MAC_free(hmac);
  EVP_CIPHER_CTX_free(enc);
  EVP_CIPHER_CTX_free(dec);
}

const bool kRegistered = [] {
  const PairOptions tls13;
  for (Suite suite : {Suite::kAes128Gcm, Suite::kAes256Gcm, Suite::kChaCha20Poly1305}) {
    for (size_t size : {size_t{16384}, size_t{1024}}) {
      std::string base = std::string(suite_name(suite)) + "/" + std::to_string(size);
      benchmark::RegisterBenchmark(("throughput/" + base + "/glasstls").c_str(),
                                   throughput_glasstls, suite, size, false, tls13)
          ->MinTime(kMinTime);
      benchmark::RegisterBenchmark(("throughput/" + base + "/glasstls_view").c_str(),
                                   throughput_glasstls, suite, size, true, tls13)
          ->MinTime(kMinTime);
      benchmark::RegisterBenchmark(("throughput/" + base + "/openssl").c_str(), throughput_openssl,
                                   suite, size, tls13)
          ->MinTime(kMinTime);
      benchmark::RegisterBenchmark(("aead_ceiling/" + base + "/seal").c_str(), aead_ceiling, suite,
                                   size, false)
          ->MinTime(kMinTime);
      benchmark::RegisterBenchmark(("aead_ceiling/" + base + "/seal_open").c_str(), aead_ceiling,
                                   suite, size, true)
          ->MinTime(kMinTime);
    }
  }
  // TLS 1.2 with ECDHE-RSA suites: AES-128-GCM and ChaCha20-Poly1305 against the same raw
  // AEAD ceiling, AES-128-CBC with HMAC-SHA256 and encrypt-then-MAC against cbc_ceiling.
  PairOptions tls12;
  tls12.proto = Proto::kTls12Ecdhe;
  for (Suite suite : {Suite::kAes128Gcm, Suite::kChaCha20Poly1305, Suite::kAes128CbcSha256}) {
    for (size_t size : {size_t{16384}, size_t{1024}}) {
      std::string base = std::string(suite_name(suite)) + "/" + std::to_string(size);
      benchmark::RegisterBenchmark(("throughput12/" + base + "/glasstls").c_str(),
                                   throughput_glasstls, suite, size, false, tls12)
          ->MinTime(kMinTime);
      benchmark::RegisterBenchmark(("throughput12/" + base + "/glasstls_view").c_str(),
                                   throughput_glasstls, suite, size, true, tls12)
          ->MinTime(kMinTime);
      benchmark::RegisterBenchmark(("throughput12/" + base + "/openssl").c_str(),
                                   throughput_openssl, suite, size, tls12)
          ->MinTime(kMinTime);
      if (suite == Suite::kAes128CbcSha256) {
        benchmark::RegisterBenchmark(("cbc_ceiling/" + base + "/seal_open").c_str(), cbc_ceiling,
                                     size, true)
            ->MinTime(kMinTime);
      }
    }
  }
  for (const auto& [proto, label] :
       {std::pair{Proto::kTls13, "tls13"}, std::pair{Proto::kTls12Ecdhe, "tls12"}}) {
    PairOptions opts;
    opts.proto = proto;
    for (Suite suite : {Suite::kAes128Gcm, Suite::kChaCha20Poly1305}) {
      for (size_t size : {size_t{16384}, size_t{1024}}) {
        benchmark::RegisterBenchmark(("bulk_vs_ceiling/" + std::string(label) + "/" +
                                      suite_name(suite) + "/" + std::to_string(size))
                                         .c_str(),
                                     bulk_vs_ceiling, suite, size, opts)
            ->MinTime(kMinTime * 3);
      }
    }
  }
  return true;
}();

}  // namespace
}  // namespace glasstls::bench
