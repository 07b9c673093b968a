// harness.h: in-memory client/server pairs for API and state-machine tests.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "glasstls/config.h"
#include "glasstls/connection.h"
#include "glasstls/crypto.h"
#include "msgs/handshake.h"
#include "pki/cert_builder.h"

namespace glasstls::testing {

// MemoryKeyLog collects key log lines.
class MemoryKeyLog : public KeyLog {
 public:
  void log(std::string_view label, std::span<const uint8_t> client_random,
           std::span<const uint8_t> secret) override {
    lines.push_back(format_key_log_line(label, client_random, secret));
    secrets[std::string(label)] = Bytes(secret.begin(), secret.end());
  }
  std::vector<std::string> lines;
  std::map<std::string, Bytes> secrets;
};

// Pki is a throwaway CA with one leaf of the requested key type, made once per type.
inline const x509::TestPki& test_pki(crypto::KeyType type) {
  static std::map<crypto::KeyType, x509::TestPki> cache;
  auto it = cache.find(type);
  if (it == cache.end()) {
    auto pki = x509::make_test_pki(crypto::openssl_provider(), type, {"localhost", "server.test"});
    EXPECT_TRUE(pki.ok()) << (pki.ok() ? "" : pki.error().to_string());
    it = cache.emplace(type, std::move(pki).value()).first;
  }
  return it->second;
}

inline std::array<uint8_t, 32> spki_pin(const Bytes& spki) {
  Bytes d = crypto::openssl_provider().sha256->digest(spki);
  std::array<uint8_t, 32> pin{};
  std::copy(d.begin(), d.end(), pin.begin());
  return pin;
}

inline ServerConfig::Builder server_builder(crypto::KeyType type) {
  const auto& pki = test_pki(type);
  ServerConfig::Builder b;
  b.add_certificate({pki.leaf_cert, pki.ca_cert}, PrivateKey(pki.leaf_key));
  return b;
}

inline ClientConfig::Builder client_builder(crypto::KeyType type) {
  const auto& pki = test_pki(type);
  ClientConfig::Builder b;
  b.verifier(pin_sha256_verifier({spki_pin(pki.leaf_key->public_key_spki())}));
  return b;
}

// ClientHelloFixture is a fresh, well-formed ClientHello as glasstls's own client would send it
// (X25519 share, TLS_AES_128_GCM_SHA256, SNI localhost): the parsed view and the buffers its
// views point into, for tests that alter one field.
struct ClientHelloFixture {
  Bytes random = Bytes(32, 7);
  Bytes session_id = Bytes(32, 9);
  Bytes share;
  std::unique_ptr<crypto::KeyExchange> kx;
  msgs::ClientHello ch;
  ClientHelloFixture() {
    kx = std::move(crypto::openssl_provider().x25519->start()).value();
    share.assign(kx->public_key().begin(), kx->public_key().end());
    static const uint8_t kNull[1] = {0};
    ch.random = random;
    ch.legacy_session_id = session_id;
    ch.cipher_suites = {CipherSuite::TLS_AES_128_GCM_SHA256};
    ch.legacy_compression_methods = ByteView(kNull, 1);
    ch.server_name = "localhost";
    ch.supported_groups = std::vector<NamedGroup>{NamedGroup::x25519};
    ch.signature_algorithms = default_signature_schemes();
    ch.supported_versions = std::vector<uint16_t>{0x0304};
    ch.key_shares = std::vector<msgs::KeyShareEntry>{{NamedGroup::x25519, share}};
  }
};

// Clocks is a clock a test moves by hand (milliseconds since the Unix epoch), for ticket ages
// and lifetimes.
struct Clocks {
  uint64_t now = 1'700'000'000'000;
  Clock clock() {
    return [this] { return now; };
  }
};

// plaintext_record frames one handshake message as a plaintext TLS record.
inline Bytes plaintext_record(const Bytes& message) {
  // Sized once and filled in place (g++ 12 misreports a growing insert here as out of bounds).
  Bytes r(5 + message.size());
  r[0] = 22;
  r[1] = 3;
  r[2] = 3;
  r[3] = static_cast<uint8_t>(message.size() >> 8);
  r[4] = static_cast<uint8_t>(message.size());
  std::copy(message.begin(), message.end(), r.begin() + 5);
  return r;
}

// transfer moves all pending output of `from` into `to`; returns false when `to` failed.
inline bool transfer(Connection& from, Connection& to) {
  auto out = from.output();
  if (out.empty()) {
    return true;
  }
  Bytes copy(out.begin(), out.end());
  from.consume_output(copy.size());
  return to.receive(copy).ok();
}

// handshake drives both sides until neither has output; returns true if both established.
inline bool handshake(Connection& client, Connection& server) {
  for (int i = 0; i < 20; i++) {
    if (client.output().empty() && server.output().empty()) {
      break;
    }
    transfer(client, server);
    transfer(server, client);
  }
  return client.state() == ConnectionState::kEstablished &&
         server.state() == ConnectionState::kEstablished;
}

}  // namespace glasstls::testing
