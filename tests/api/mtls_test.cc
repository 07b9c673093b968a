// Client authentication (RFC 8446 section 4.3.2, 4.4.2.4) between glasstls peers in memory.
#include <gtest/gtest.h>

#include "api/harness.h"

namespace glasstls {
namespace {

using testing::client_builder;
using testing::handshake;
using testing::server_builder;
using testing::spki_pin;
using testing::test_pki;

std::shared_ptr<const CertificateVerifier> client_pin(crypto::KeyType type) {
  return pin_sha256_verifier({spki_pin(test_pki(type).leaf_key->public_key_spki())});
}

struct Pair {
  std::optional<Connection> client;
  std::optional<Connection> server;
};

Pair connect(bool required, std::shared_ptr<const CertificateVerifier> verifier,
             std::optional<crypto::KeyType> client_cert) {
  auto sb = server_builder(crypto::KeyType::kEcdsaP256);
  sb.request_client_certificate(std::move(verifier), required);
  auto scfg = sb.build();
  EXPECT_TRUE(scfg.ok()) << scfg.error().to_string();
  auto cb = client_builder(crypto::KeyType::kEcdsaP256);
  if (client_cert) {
    const auto& pki = test_pki(*client_cert);
    cb.client_certificate({pki.leaf_cert, pki.ca_cert}, PrivateKey(pki.leaf_key));
  }
  auto ccfg = cb.build();
  EXPECT_TRUE(ccfg.ok()) << ccfg.error().to_string();
  Pair p;
  p.client.emplace(std::move(Connection::client(*ccfg, "localhost")).value());
  p.server.emplace(std::move(Connection::server(*scfg)).value());
  return p;
}

class MutualTls : public ::testing::TestWithParam<crypto::KeyType> {};

TEST_P(MutualTls, RequiredCertificateIsVerified) {
  auto p = connect(true, client_pin(GetParam()), GetParam());
  ASSERT_TRUE(handshake(*p.client, *p.server))
      << (p.server->error() ? p.server->error()->to_string() : "")
      << (p.client->error() ? p.client->error()->to_string() : "");
  ASSERT_EQ(p.server->peer_certificates().size(), 2u);
  EXPECT_EQ(p.server->peer_certificates()[0], test_pki(GetParam()).leaf_cert);
  EXPECT_NE(static_cast<int>(p.server->peer_signature_scheme()), 0);
}

INSTANTIATE_TEST_SUITE_P(Keys, MutualTls,
                         ::testing::Values(crypto::KeyType::kEcdsaP256, crypto::KeyType::kRsa,
                                           crypto::KeyType::kEd25519));

TEST(MutualTlsPolicy, MissingRequiredCertificateIsCertificateRequired) {
  auto p = connect(true, client_pin(crypto::KeyType::kEcdsaP256), std::nullopt);
  EXPECT_FALSE(handshake(*p.client, *p.server));
  ASSERT_NE(p.server->error(), nullptr);
  EXPECT_EQ(p.server->error()->alert, AlertDescription::certificate_required);
  ASSERT_NE(p.client->error(), nullptr);
  EXPECT_EQ(p.client->error()->kind, ErrorKind::kAlertReceived);
  EXPECT_EQ(p.client->error()->alert, AlertDescription::certificate_required);
}

TEST(MutualTlsPolicy, OptionalCertificateMayBeAbsent) {
  auto p = connect(false, client_pin(crypto::KeyType::kEcdsaP256), std::nullopt);
  ASSERT_TRUE(handshake(*p.client, *p.server));
  EXPECT_TRUE(p.server->peer_certificates().empty());
}

TEST(MutualTlsPolicy, UntrustedClientCertificateIsRejected) {
  // The server trusts only the Ed25519 leaf; the client presents the P-256 one.
  auto p = connect(false, client_pin(crypto::KeyType::kEd25519), crypto::KeyType::kEcdsaP256);
  EXPECT_FALSE(handshake(*p.client, *p.server));
  ASSERT_NE(p.server->error(), nullptr);
  EXPECT_EQ(p.server->error()->alert, AlertDescription::bad_certificate);
}

TEST(MutualTlsPolicy, RequiredWithoutVerifierDoesNotBuild) {
  auto sb = server_builder(crypto::KeyType::kEcdsaP256);
  sb.request_client_certificate(nullptr, true);
  auto scfg = sb.build();
  ASSERT_FALSE(scfg.ok());
  EXPECT_EQ(scfg.error().kind, ErrorKind::kBadConfig);
}

}  // namespace
}  // namespace glasstls
