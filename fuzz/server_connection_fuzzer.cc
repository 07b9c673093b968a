// server_connection_fuzzer: arbitrary bytes from a "client" into a glasstls server connection.
// Exercises the record layer, the ClientHello codec and the server state machine together: no
// input may crash, hang or leak, and a failed connection must have latched an error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "glasstls/config.h"
#include "glasstls/connection.h"
#include "glasstls/crypto.h"
#include "pki/cert_builder.h"

namespace {

std::shared_ptr<const glasstls::ServerConfig> make_config() {
  using namespace glasstls;
  const auto& p = crypto::openssl_provider();
  auto pki = x509::make_test_pki(p, crypto::KeyType::kEcdsaP256, {"localhost"});
  if (!pki.ok()) {
    abort();
  }
  ServerConfig::Builder b;
  b.add_certificate({pki->leaf_cert}, PrivateKey(pki->leaf_key));
  auto cfg = b.build();
  if (!cfg.ok()) {
    abort();
  }
  return *cfg;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace glasstls;
  static const std::shared_ptr<const ServerConfig> config = make_config();
  auto conn = Connection::server(config);
  if (!conn.ok()) {
    abort();
  }
  // Feed the input in two pieces to exercise buffering across calls.
  size_t half = size / 2;
  Status a = conn->receive(std::span<const uint8_t>(data, half));
  if (a.ok()) {
    (void)conn->receive(std::span<const uint8_t>(data + half, size - half));
  }
  if (conn->state() == ConnectionState::kFailed && conn->error() == nullptr) {
    abort();
  }
  return 0;
}
