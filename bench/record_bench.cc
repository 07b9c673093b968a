// record_bench.cc: the record layer alone, one record sealed and opened per iteration, for each
// kind of protection; and TLS 1.2 CBC MAC-then-encrypt records that fail to open, bad padding
// beside bad MAC (their times must not differ: Lucky Thirteen).
//
// record/<kind>/<size>: RecordLayer::write of <size> bytes of application data into one record,
// then read_record in place, under TLS 1.3 AES-128-GCM, TLS 1.2 AES-128-GCM, ChaCha20-Poly1305,
// AES-128-CBC-SHA256 MAC-then-encrypt and encrypt-then-MAC.
// record_cbc_reject/<mac>/<size>/{bad_padding,bad_mac}: opening a record of <size> bytes of
// plaintext whose padding (255 bytes of it, one off) or whose MAC (the padding right, 255 bytes)
// is wrong. Both fail with bad_record_mac; the two times should be equal.

#include <benchmark/benchmark.h>

#include <openssl/evp.h>
#include <algorithm>

#include <cstring>
#include <string>
#include <vector>

#include "crypto/suites.h"
#include "glasstls/crypto.h"
#include "record/protector.h"
#include "record/record_layer.h"

namespace glasstls::bench {
namespace {

enum class Kind { kTls13Gcm, kTls12Gcm, kTls12ChaCha, kTls12Cbc, kTls12CbcEtm };

record::RecordProtector make(Kind kind) {
  const crypto::CryptoProvider& p = crypto::openssl_provider();
  if (kind == Kind::kTls13Gcm) {
    const Secret key(Bytes(16, 1));
    const Bytes iv(12, 2);
    auto prot = record::make_protection(*p.aes128gcm, key, iv, "bench", true, false);
    return record::RecordProtector(record::Tls13AeadProtector(std::move(prot).value()));
  }
  const CipherSuite suite =
      kind == Kind::kTls12Gcm      ? CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
      : kind == Kind::kTls12ChaCha ? CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
                                   : CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256;
  const crypto::SuiteRow& row = *crypto::find_suite(suite);
  auto prot = record::make_tls12_protector(
      p, row, Secret(Bytes(row.mac_len, 3)), Secret(Bytes(row.key_len, 4)),
      Bytes(row.fixed_iv_len, 5), kind == Kind::kTls12CbcEtm, "bench", false);
  return std::move(prot).value();
}

void record_round_trip(benchmark::State& state, Kind kind, size_t size) {
  const record::RecordRules& rules =
      kind == Kind::kTls13Gcm ? record::kTls13Rules : record::kTls12Rules;
  record::RecordLayer writer;
  record::RecordLayer reader;
  writer.set_rules(rules);
  reader.set_rules(rules);
  writer.set_write_protector(make(kind));
  reader.set_read_protector(make(kind));
  const Bytes data(size, 0x61);
  Bytes wire;
  wire.reserve(size + 256);
  for (auto _ : state) {
    wire.clear();
    record::Record rec;
    if (!writer.write(ContentType::application_data, data, wire).ok() ||
        !reader.read_record(std::span<uint8_t>(wire), rec).ok() || rec.fragment.size() != size) {
      state.SkipWithError("record round trip failed");
      break;
    }
    benchmark::DoNotOptimize(rec.fragment.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}

// cbc_record builds a MAC-then-encrypt record of `plain` bytes of plaintext under the keys of
// make(): content, a MAC of zeros (wrong), 256 bytes of padding of value 255 (one of them off
// with `bad_padding`).
Bytes cbc_record(const crypto::SuiteRow& row, size_t plain, bool bad_padding) {
  Bytes pt(plain, 0x61);
  for (size_t i = plain - 256; i < plain; i++) {
    pt[i] = 255;
  }
  for (size_t i = plain - 256 - row.mac_len; i < plain - 256; i++) {
    pt[i] = 0;
  }
  if (bad_padding) {
    pt[plain - 100] = 7;
  }
  const Bytes key(row.key_len, 4);
  const Bytes iv(16, 9);
  Bytes ct(plain);
  int n = 0;
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  EVP_EncryptInit_ex(ctx, row.key_len == 16 ? EVP_aes_128_cbc() : EVP_aes_256_cbc(), nullptr,
                     key.data(), iv.data());
  EVP_CIPHER_CTX_set_padding(ctx, 0);
  EVP_EncryptUpdate(ctx, ct.data(), &n, pt.data(), static_cast<int>(plain));
  EVP_CIPHER_CTX_free(ctx);
  const size_t len = 16 + plain;
  // Sized once and filled in place: growing a 5-byte vector by insert() makes g++ 12's Release
  // build report a (false) out-of-bounds memmove.
  Bytes rec(5 + iv.size() + ct.size());
  rec[0] = 23;
  rec[1] = 3;
  rec[2] = 3;
  rec[3] = static_cast<uint8_t>(len >> 8);
  rec[4] = static_cast<uint8_t>(len);
  std::copy(iv.begin(), iv.end(), rec.begin() + 5);
  std::copy(ct.begin(), ct.end(), rec.begin() + 5 + static_cast<std::ptrdiff_t>(iv.size()));
  return rec;
}

void record_cbc_reject(benchmark::State& state, CipherSuite suite, size_t plain, bool bad_padding) {
  const crypto::SuiteRow& row = *crypto::find_suite(suite);
  auto prot =
      record::make_tls12_protector(crypto::openssl_provider(), row, Secret(Bytes(row.mac_len, 3)),
                                   Secret(Bytes(row.key_len, 4)), {}, false, "bench", false);
  record::RecordProtector p = std::move(prot).value();
  const Bytes rec = cbc_record(row, plain, bad_padding);
  Bytes dest(rec.size());
  for (auto _ : state) {
    record::OpenedRecord out;
    if (!p.open(rec, 0, dest, record::kMaxPlaintext, out).ok() || out.authentic) {
      state.SkipWithError("the record should fail authentication");
      break;
    }
    benchmark::DoNotOptimize(dest.data());
  }
}

[[maybe_unused]] const bool kRegistered = [] {
  const std::pair<Kind, const char*> kinds[] = {
      {Kind::kTls13Gcm, "tls13_aes128gcm"},         {Kind::kTls12Gcm, "tls12_aes128gcm"},
      {Kind::kTls12ChaCha, "tls12_chacha20"},       {Kind::kTls12Cbc, "tls12_cbc_sha256"},
      {Kind::kTls12CbcEtm, "tls12_cbc_sha256_etm"},
  };
  for (const auto& [kind, name] : kinds) {
    for (size_t size : {size_t{16}, size_t{1024}, size_t{16384}}) {
      benchmark::RegisterBenchmark(
          ("record/" + std::string(name) + "/" + std::to_string(size)).c_str(),
          [kind = kind, size](benchmark::State& s) { record_round_trip(s, kind, size); });
    }
  }
  const std::pair<CipherSuite, const char*> macs[] = {
      {CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, "sha1"},
      {CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256, "sha256"},
      {CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384, "sha384"},
  };
  for (const auto& [suite, name] : macs) {
    for (size_t plain : {size_t{320}, size_t{16384}}) {
      for (bool bad_padding : {true, false}) {
        benchmark::RegisterBenchmark(
            ("record_cbc_reject/" + std::string(name) + "/" + std::to_string(plain) + "/" +
             (bad_padding ? "bad_padding" : "bad_mac"))
                .c_str(),
            [suite = suite, plain, bad_padding](benchmark::State& s) {
              record_cbc_reject(s, suite, plain, bad_padding);
            });
      }
    }
  }
  return true;
}();

}  // namespace
}  // namespace glasstls::bench
