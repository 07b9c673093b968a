// End-to-end handshakes between glasstls clients and servers in memory.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <tuple>

#include "api/harness.h"

namespace glasstls {
namespace {

using testing::client_builder;
using testing::handshake;
using testing::MemoryKeyLog;
using testing::server_builder;
using testing::transfer;

struct Combo {
  CipherSuite suite;
  NamedGroup group;
  crypto::KeyType key;
};

class HandshakeMatrix
    : public ::testing::TestWithParam<std::tuple<CipherSuite, NamedGroup, crypto::KeyType>> {};

TEST_P(HandshakeMatrix, CompletesAndExchangesData) {
  auto [suite, group, key] = GetParam();
  auto scfg = server_builder(key).cipher_suites({suite}).groups({group}).build();
  ASSERT_TRUE(scfg.ok()) << scfg.error().to_string();
  auto ccfg = client_builder(key).build();
  ASSERT_TRUE(ccfg.ok()) << ccfg.error().to_string();
  auto client = Connection::client(*ccfg, "localhost");
  auto server = Connection::server(*scfg);
  ASSERT_TRUE(client.ok() && server.ok());
  ASSERT_TRUE(handshake(*client, *server)) << (client->error() ? client->error()->to_string() : "")
                                           << (server->error() ? server->error()->to_string() : "");
  EXPECT_EQ(client->cipher_suite(), suite);
  EXPECT_EQ(server->cipher_suite(), suite);
  EXPECT_EQ(client->group(), group);
  EXPECT_EQ(client->version(), ProtocolVersion::TLSv1_3);
  // X25519 and P-256 get shares by default; P-384 needs a HelloRetryRequest.
  EXPECT_EQ(client->hello_retry_request(), group == NamedGroup::secp384r1);
  EXPECT_EQ(server->server_name(), "localhost");
  ASSERT_EQ(client->peer_certificates().size(), 2u);

  const std::string ping = "ping from the client";
  const std::string pong = "pong from the server";
  ASSERT_TRUE(client->write({reinterpret_cast<const uint8_t*>(ping.data()), ping.size()}).ok());
  ASSERT_TRUE(transfer(*client, *server));
  std::string got(server->readable(), '\0');
  server->read({reinterpret_cast<uint8_t*>(got.data()), got.size()});
  EXPECT_EQ(got, ping);
  ASSERT_TRUE(server->write({reinterpret_cast<const uint8_t*>(pong.data()), pong.size()}).ok());
  ASSERT_TRUE(transfer(*server, *client));
  got.assign(client->readable(), '\0');
  client->read({reinterpret_cast<uint8_t*>(got.data()), got.size()});
  EXPECT_EQ(got, pong);

  client->close();
  ASSERT_TRUE(transfer(*client, *server));
  EXPECT_TRUE(server->peer_closed());
  server->close();
  ASSERT_TRUE(transfer(*server, *client));
  EXPECT_EQ(client->state(), ConnectionState::kClosed);
  EXPECT_EQ(server->state(), ConnectionState::kClosed);
}

INSTANTIATE_TEST_SUITE_P(
    All, HandshakeMatrix,
    ::testing::Combine(
        ::testing::Values(CipherSuite::TLS_AES_128_GCM_SHA256, CipherSuite::TLS_AES_256_GCM_SHA384,
                          CipherSuite::TLS_CHACHA20_POLY1305_SHA256),
        ::testing::Values(NamedGroup::x25519, NamedGroup::secp256r1, NamedGroup::secp384r1),
        ::testing::Values(crypto::KeyType::kEcdsaP256, crypto::KeyType::kRsa,
                          crypto::KeyType::kEd25519)));

TEST(Handshake, KeyLogsAgreeAndExportersMatch) {
  auto slog = std::make_shared<MemoryKeyLog>();
  auto clog = std::make_shared<MemoryKeyLog>();
  auto scfg = server_builder(crypto::KeyType::kEcdsaP256).key_log(slog).build();
  auto ccfg = client_builder(crypto::KeyType::kEcdsaP256).key_log(clog).build();
  ASSERT_TRUE(scfg.ok() && ccfg.ok());
  auto client = Connection::client(*ccfg, "localhost");
  auto server = Connection::server(*scfg);
  ASSERT_TRUE(handshake(*client, *server));
  EXPECT_EQ(clog->lines.size(), 5u);
  EXPECT_EQ(clog->lines, slog->lines);
  const uint8_t ctx[] = {1, 2, 3};
  auto a = client->export_keying_material("EXPORTER-glasstls-test", ctx, 48);
  auto b = server->export_keying_material("EXPORTER-glasstls-test", ctx, 48);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(a->size(), 48u);
}

TEST(Handshake, KeyUpdateBothWaysKeepsDataFlowing) {
  auto scfg = server_builder(crypto::KeyType::kEcdsaP256).build();
  auto ccfg = client_builder(crypto::KeyType::kEcdsaP256).build();
  auto client = Connection::client(*ccfg, "localhost");
  auto server = Connection::server(*scfg);
  ASSERT_TRUE(handshake(*client, *server));
  ASSERT_TRUE(client->key_update(true).ok());
  ASSERT_TRUE(transfer(*client, *server));
  EXPECT_EQ(server->key_updates_received(), 1u);
  // The server answered update_requested with its own KeyUpdate.
  ASSERT_FALSE(server->output().empty());
  ASSERT_TRUE(transfer(*server, *client));
  EXPECT_EQ(client->key_updates_received(), 1u);
  const uint8_t data[] = {'o', 'k'};
  ASSERT_TRUE(server->write(data).ok());
  ASSERT_TRUE(transfer(*server, *client));
  uint8_t buf[2];
  EXPECT_EQ(client->read(buf), 2u);
  EXPECT_EQ(buf[0], 'o');
  ASSERT_TRUE(client->write(data).ok());
  ASSERT_TRUE(transfer(*client, *server));
  EXPECT_EQ(server->read(buf), 2u);
}

TEST(Handshake, AlpnAgreesOnServerPreference) {
  auto scfg = server_builder(crypto::KeyType::kEcdsaP256).alpn({"h2", "http/1.1"}).build();
  auto ccfg = client_builder(crypto::KeyType::kEcdsaP256).alpn({"http/1.1", "h2"}).build();
  auto client = Connection::client(*ccfg, "localhost");
  auto server = Connection::server(*scfg);
  ASSERT_TRUE(handshake(*client, *server));
  ASSERT_TRUE(client->alpn().has_value());
  EXPECT_EQ(*client->alpn(), "h2");
  EXPECT_EQ(*server->alpn(), "h2");
}

TEST(Handshake, AlpnMismatchFailsWithNoApplicationProtocol) {
  auto scfg = server_builder(crypto::KeyType::kEcdsaP256).alpn({"h2"}).build();
  auto ccfg = client_builder(crypto::KeyType::kEcdsaP256).alpn({"http/1.1"}).build();
  auto client = Connection::client(*ccfg, "localhost");
  auto server = Connection::server(*scfg);
  EXPECT_FALSE(handshake(*client, *server));
  ASSERT_NE(server->error(), nullptr);
  EXPECT_EQ(server->error()->alert, AlertDescription::no_application_protocol);
  ASSERT_NE(client->error(), nullptr);
  EXPECT_EQ(client->error()->kind, ErrorKind::kAlertReceived);
  EXPECT_EQ(client->error()->alert, AlertDescription::no_application_protocol);
}

TEST(Handshake, WrongPinFailsWithBadCertificate) {
  auto scfg = server_builder(crypto::KeyType::kEcdsaP256).build();
  ClientConfig::Builder b;
  std::array<uint8_t, 32> wrong{};
  b.verifier(pin_sha256_verifier({wrong}));
  auto ccfg = b.build();
  auto client = Connection::client(*ccfg, "localhost");
  auto server = Connection::server(*scfg);
  EXPECT_FALSE(handshake(*client, *server));
  ASSERT_NE(client->error(), nullptr);
  EXPECT_EQ(client->error()->alert, AlertDescription::bad_certificate);
  ASSERT_NE(server->error(), nullptr);
  EXPECT_EQ(server->error()->kind, ErrorKind::kAlertReceived);
  EXPECT_EQ(server->error()->alert, AlertDescription::bad_certificate);
}

TEST(Handshake, ClientWithoutVerifierUsesTheSystemStoreAndRejectsAPrivateCa) {
  // No verifier configured: the default is WebPKI validation against the system store, which
  // does not know the throwaway CA, so the handshake fails closed with unknown_ca.
  if (::access("/etc/ssl/certs/ca-certificates.crt", R_OK) != 0) {
    GTEST_SKIP() << "no system trust store on this machine";
  }
  auto ccfg = ClientConfig::Builder().build();
  ASSERT_TRUE(ccfg.ok()) << ccfg.error().to_string();
  auto scfg = server_builder(crypto::KeyType::kEcdsaP256).build();
  auto client = Connection::client(*ccfg, "localhost");
  auto server = Connection::server(*scfg);
  EXPECT_FALSE(handshake(*client, *server));
  ASSERT_NE(client->error(), nullptr);
  EXPECT_EQ(client->error()->alert, AlertDescription::unknown_ca);
}

TEST(Handshake, ClientWithUnloadableSystemStoreDoesNotBuild) {
  ::setenv("SSL_CERT_FILE", "/nonexistent/glasstls-test-bundle.pem", 1);
  auto ccfg = ClientConfig::Builder().build();
  ::unsetenv("SSL_CERT_FILE");
  ASSERT_FALSE(ccfg.ok());
  EXPECT_EQ(ccfg.error().kind, ErrorKind::kBadConfig);
}

TEST(Handshake, SniChoosesTheNamedCertificate) {
  const auto& a = testing::test_pki(crypto::KeyType::kEcdsaP256);
  const auto& b = testing::test_pki(crypto::KeyType::kEd25519);
  ServerConfig::Builder sb;
  sb.add_certificate({a.leaf_cert}, PrivateKey(a.leaf_key), {"a.test"});
  sb.add_certificate({b.leaf_cert}, PrivateKey(b.leaf_key), {"*.b.test"});
  auto scfg = sb.build();
  ASSERT_TRUE(scfg.ok()) << scfg.error().to_string();
  for (const auto& [host, expected] : std::vector<std::pair<std::string, const x509::TestPki*>>{
           {"a.test", &a}, {"www.b.test", &b}}) {
    ClientConfig::Builder cb;
    cb.dangerous_accept_any_server_certificate();
    auto client = Connection::client(*cb.build(), host);
    auto server = Connection::server(*scfg);
    ASSERT_TRUE(handshake(*client, *server)) << host;
    EXPECT_EQ(client->peer_certificates().front(), expected->leaf_cert) << host;
    EXPECT_EQ(server->server_name(), host);
  }
}

TEST(Handshake, ApplicationDataWrittenEarlyIsSentAfterHandshake) {
  auto scfg = server_builder(crypto::KeyType::kEcdsaP256).build();
  auto ccfg = client_builder(crypto::KeyType::kEcdsaP256).build();
  auto client = Connection::client(*ccfg, "localhost");
  auto server = Connection::server(*scfg);
  const uint8_t early[] = {'h', 'i'};
  ASSERT_TRUE(client->write(early).ok());
  ASSERT_TRUE(handshake(*client, *server));
  ASSERT_TRUE(transfer(*client, *server));
  EXPECT_EQ(server->readable(), 2u);
}

TEST(Handshake, LargeTransferByteForByte) {
  auto scfg = server_builder(crypto::KeyType::kEcdsaP256).build();
  auto ccfg = client_builder(crypto::KeyType::kEcdsaP256).build();
  auto client = Connection::client(*ccfg, "localhost");
  auto server = Connection::server(*scfg);
  ASSERT_TRUE(handshake(*client, *server));
  Bytes data(3 * 1024 * 1024 + 17);
  for (size_t i = 0; i < data.size(); i++) {
    data[i] = static_cast<uint8_t>(i * 131 + (i >> 9));
  }
  ASSERT_TRUE(client->write(data).ok());
  // Deliver the records in odd-sized pieces to exercise reassembly.
  Bytes wire(client->output().begin(), client->output().end());
  client->consume_output(wire.size());
  Bytes got;
  size_t off = 0;
  size_t step = 1;
  while (off < wire.size()) {
    size_t n = std::min(step, wire.size() - off);
    ASSERT_TRUE(server->receive(ByteView(wire.data() + off, n)).ok());
    off += n;
    step = step * 3 % 40000 + 1;
    Bytes chunk(server->readable());
    server->read(chunk);
    got.insert(got.end(), chunk.begin(), chunk.end());
  }
  EXPECT_EQ(got, data);
}

}  // namespace
}  // namespace glasstls
