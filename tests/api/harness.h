// harness.h: in-memory client/server pairs for API and state-machine tests.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "crypto/provider.h"
#include "glasstls/config.h"
#include "glasstls/connection.h"
#include "x509/cert_builder.h"

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
