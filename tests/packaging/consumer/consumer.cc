// consumer.cc: a program that uses glasstls only through its public headers, as a project that
// embeds or installs glasstls would. A client that trusts a CA file (TrustStore::from_file and
// webpki_verifier) and a server that presents a certificate that CA issued for "localhost" are
// joined in memory, complete a TLS 1.3 handshake and exchange one message each way. The server
// signs with a key the program supplies itself (a SigningKey of its own, as a hardware module's
// key would be, that only delegates), and both sides draw their randomness from a Random of the
// program's own, through a copy of the OpenSSL provider: the extension points of
// glasstls/crypto.h work from outside the library.
//
//   consumer CA.pem CHAIN.pem KEY.pem
//
// Prints "glasstls consumer: ok" and the cipher suite, and exits 0, when all of that worked.
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "glasstls/config.h"
#include "glasstls/connection.h"
#include "glasstls/crypto.h"
#include "glasstls/types.h"
#include "glasstls/x509.h"

namespace {

std::string read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int fail(const std::string& what) {
  std::fprintf(stderr, "glasstls consumer: %s\n", what.c_str());
  return 1;
}

std::span<const uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// deliver moves everything `from` has to send into `to`; false if `to` refused it.
bool deliver(glasstls::Connection& from, glasstls::Connection& to) {
  std::span<const uint8_t> out = from.output();
  if (out.empty()) {
    return true;
  }
  glasstls::Status s = to.receive(out);
  from.consume_output(out.size());
  return s.ok();
}

// read_all returns the application data `conn` has received so far.
std::string read_all(glasstls::Connection& conn) {
  std::string text(conn.readable(), '\0');
  size_t n = conn.read({reinterpret_cast<uint8_t*>(text.data()), text.size()});
  text.resize(n);
  return text;
}

// ExternalKey is a signing key the library does not implement: it could sign in a hardware
// module; here it hands each signature to the key it wraps, and counts them.
class ExternalKey final : public glasstls::crypto::SigningKey {
 public:
  explicit ExternalKey(std::shared_ptr<const glasstls::crypto::SigningKey> inner)
      : inner_(std::move(inner)) {}
  glasstls::crypto::KeyType type() const override { return inner_->type(); }
  size_t bits() const override { return inner_->bits(); }
  std::vector<glasstls::SignatureScheme> schemes() const override { return inner_->schemes(); }
  glasstls::Result<glasstls::Bytes> sign(glasstls::SignatureScheme scheme,
                                         glasstls::ByteView message) const override {
    signatures++;
    return inner_->sign(scheme, message);
  }
  glasstls::Bytes public_key_spki() const override { return inner_->public_key_spki(); }
  // A hardware key does not leave its module.
  glasstls::Secret private_key_pkcs8() const override { return glasstls::Secret(); }

  mutable std::atomic<int> signatures{0};

 private:
  std::shared_ptr<const glasstls::crypto::SigningKey> inner_;
};

// CountingRandom is the program's own randomness source: the default one, counted.
class CountingRandom final : public glasstls::crypto::Random {
 public:
  explicit CountingRandom(const glasstls::crypto::Random* inner) : inner_(inner) {}
  glasstls::Status fill(std::span<uint8_t> out) const override {
    calls++;
    return inner_->fill(out);
  }
  mutable std::atomic<int> calls{0};

 private:
  const glasstls::crypto::Random* inner_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    return fail("usage: consumer CA.pem CHAIN.pem KEY.pem");
  }
  // A provider of the program's own: OpenSSL's, with its randomness replaced.
  CountingRandom random(glasstls::crypto::openssl_provider().random);
  glasstls::crypto::CryptoProvider provider = glasstls::crypto::openssl_provider();
  provider.random = &random;

  auto roots = glasstls::TrustStore::from_file(argv[1]);
  if (!roots.ok()) {
    return fail("CA file: " + roots.error().to_string());
  }
  auto client_config =
      glasstls::ClientConfig::Builder()
          .verifier(glasstls::webpki_verifier(*roots, glasstls::CertificatePurpose::kServerAuth))
          .provider(&provider)
          .build();
  if (!client_config.ok()) {
    return fail("client config: " + client_config.error().to_string());
  }
  auto chain = glasstls::load_certificate_chain(read_file(argv[2]));
  if (!chain.ok()) {
    return fail("certificate chain: " + chain.error().to_string());
  }
  auto key = glasstls::PrivateKey::from_pem(read_file(argv[3]));
  if (!key.ok()) {
    return fail("private key: " + key.error().to_string());
  }
  auto external = std::make_shared<ExternalKey>(key->key());
  auto server_config = glasstls::ServerConfig::Builder()
                           .add_certificate(*chain, glasstls::PrivateKey(external))
                           .provider(&provider)
                           .build();
  if (!server_config.ok()) {
    return fail("server config: " + server_config.error().to_string());
  }

  auto client = glasstls::Connection::client(*client_config, "localhost");
  auto server = glasstls::Connection::server(*server_config);
  if (!client.ok() || !server.ok()) {
    return fail("cannot start the connections");
  }
  // Written before the handshake completes: sent once it does.
  if (!client->write(as_bytes("ping")).ok()) {
    return fail("client write failed");
  }
  std::string at_server;
  std::string at_client;
  bool answered = false;
  for (int round = 0; round < 10 && at_client.empty(); round++) {
    if (!deliver(*client, *server) || !deliver(*server, *client)) {
      break;
    }
    at_server += read_all(*server);
    if (!answered && at_server == "ping") {
      answered = server->write(as_bytes("pong")).ok();
    }
    at_client += read_all(*client);
  }
  for (const glasstls::Connection* c : {&*client, &*server}) {
    if (c->error() != nullptr) {
      return fail(std::string(c == &*client ? "client" : "server") +
                  " failed: " + c->error()->to_string());
    }
  }
  if (at_server != "ping" || at_client != "pong") {
    return fail("the server got \"" + at_server + "\" and the client \"" + at_client + "\"");
  }
  // One handshake signature (the server's CertificateVerify), made by the program's key; the
  // randoms, key shares and session ID came from the program's Random.
  if (external->signatures != 1) {
    return fail("the external key made " + std::to_string(external->signatures.load()) +
                " signatures, not 1");
  }
  if (random.calls == 0) {
    return fail("the program's Random was never asked for bytes");
  }
  std::string suite(glasstls::name(client->cipher_suite()));
  std::printf(
      "glasstls consumer: ok, %s, the server's chain verified, signed by the program's own key\n",
      suite.c_str());
  return 0;
}
