// client_connection_fuzzer: arbitrary bytes from a "server" into a glasstls client connection
// that offers TLS 1.3 and TLS 1.2 (every suite of the table, CBC included) and accepts any
// certificate. Exercises the record layer, the ServerHello and every later server message's
// codec, and both versions' client state machines: no input may crash, hang or leak, and a
// failed connection must have latched an error.
//
// The client's randomness is fixed (its random and session ID are the same 32 bytes on every
// run), so a seed recorded from a real server's answer to this client's ClientHello carries a
// ServerKeyExchange signature that verifies, and the fuzzer starts past it. Key shares still come
// from libcrypto, so the Finished of a recorded seed never verifies: the fuzzer reaches the
// encrypted records and is refused there.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "glasstls/config.h"
#include "glasstls/connection.h"
#include "glasstls/crypto.h"
#include "testing/deterministic.h"

namespace {

std::shared_ptr<const glasstls::ClientConfig> make_config() {
  using namespace glasstls;
  static const crypto::testing::FixedRandom random(
      Bytes{0x67, 0x6c, 0x61, 0x73, 0x73, 0x74, 0x6c, 0x73},
      crypto::testing::FixedRandom::Mode::kRepeat);
  static const crypto::CryptoProvider provider = [] {
    crypto::CryptoProvider p = crypto::openssl_provider();
    p.random = &random;
    return p;
  }();
  ClientConfig::Builder b;
  b.provider(&provider).dangerous_accept_any_server_certificate().allow_legacy_cbc_suites();
  auto cfg = b.build();
  if (!cfg.ok()) {
    abort();
  }
  return *cfg;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace glasstls;
  static const std::shared_ptr<const ClientConfig> config = make_config();
  auto conn = Connection::client(config, "localhost");
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
