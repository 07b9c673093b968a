// tls12_test.cc: TLS 1.2 between a glasstls client and a glasstls server in memory: version
// negotiation from one configuration, every default TLS 1.2 suite with the certificate types
// that fit it, the extended master secret, exporters, client certificates, and the refusals
// (renegotiation, downgrade, fallback, versions out of range).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/harness.h"
#include "crypto/suites.h"

namespace glasstls::testing {
namespace {

struct Pair {
  Result<Connection> client;
  Result<Connection> server;
};

Pair connect(const ClientConfig::Builder& cb, const ServerConfig::Builder& sb,
             const std::string& name = "localhost") {
  auto cc = cb.build();
  auto sc = sb.build();
  EXPECT_TRUE(cc.ok()) << (cc.ok() ? "" : cc.error().to_string());
  EXPECT_TRUE(sc.ok()) << (sc.ok() ? "" : sc.error().to_string());
  return Pair{Connection::client(*cc, name), Connection::server(*sc)};
}

std::string error_text(const Connection& c) {
  return c.error() != nullptr ? c.error()->to_string() : std::string("(no error)");
}

// exchange sends `data` from `a` to `b` and returns what `b` read.
Bytes exchange(Connection& a, Connection& b, const Bytes& data) {
  EXPECT_TRUE(a.write(data).ok());
  EXPECT_TRUE(transfer(a, b));
  Bytes got(data.size() + 16);
  got.resize(b.read(got));
  return got;
}

TEST(Tls12, DefaultConfigurationsSpeakTls13) {
  auto p = connect(client_builder(crypto::KeyType::kEcdsaP256),
                   server_builder(crypto::KeyType::kEcdsaP256));
  ASSERT_TRUE(p.client.ok() && p.server.ok());
  ASSERT_TRUE(handshake(*p.client, *p.server)) << error_text(*p.client) << error_text(*p.server);
  EXPECT_EQ(p.client->version(), ProtocolVersion::TLSv1_3);
  EXPECT_EQ(p.server->version(), ProtocolVersion::TLSv1_3);
}

struct SuiteCase {
  CipherSuite suite;
  crypto::KeyType key;
};

// Every TLS 1.2 suite of the table, default and legacy, with the key types that fit it.
std::vector<SuiteCase> default_tls12_cases() {
  std::vector<SuiteCase> out;
  std::vector<CipherSuite> all = default_cipher_suites();
  for (CipherSuite s : legacy_cbc_cipher_suites()) {
    all.push_back(s);
  }
  for (CipherSuite s : all) {
    const crypto::SuiteRow* row = crypto::find_suite(s);
    if (row->version != ProtocolVersion::TLSv1_2) {
      continue;
    }
    if (row->auth == crypto::SuiteAuth::kEcdsa) {
      out.push_back({s, crypto::KeyType::kEcdsaP256});
      out.push_back({s, crypto::KeyType::kEd25519});
    } else {
      out.push_back({s, crypto::KeyType::kRsa});
    }
  }
  return out;
}

class Tls12Suites : public ::testing::TestWithParam<SuiteCase> {};

TEST_P(Tls12Suites, HandshakeDataExportersAndClose) {
  const SuiteCase& c = GetParam();
  auto cb = client_builder(c.key);
  cb.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_2).cipher_suites({c.suite});
  auto sb = server_builder(c.key);
  if (crypto::find_suite(c.suite)->legacy) {
    // Off by default on the server: a client naming a CBC suite gets it only from a server that
    // allows them.
    auto refusing = connect(cb, sb);
    ASSERT_TRUE(refusing.client.ok() && refusing.server.ok());
    EXPECT_FALSE(handshake(*refusing.client, *refusing.server));
    ASSERT_NE(refusing.server->error(), nullptr);
    EXPECT_EQ(refusing.server->error()->alert, AlertDescription::handshake_failure);
    sb.allow_legacy_cbc_suites();
  }
  auto p = connect(cb, sb);
  ASSERT_TRUE(p.client.ok() && p.server.ok());
  ASSERT_TRUE(handshake(*p.client, *p.server)) << error_text(*p.client) << error_text(*p.server);
  const crypto::SuiteRow* row = crypto::find_suite(c.suite);
  for (Connection* conn : {&*p.client, &*p.server}) {
    EXPECT_EQ(conn->version(), ProtocolVersion::TLSv1_2);
    EXPECT_EQ(conn->cipher_suite(), c.suite);
    EXPECT_TRUE(conn->extended_master_secret());
    // glasstls offers encrypt-then-MAC whenever it offers a CBC suite.
    EXPECT_EQ(conn->encrypt_then_mac(), row->protection == crypto::Protection::kCbcHmac);
  }
  // DHE uses the server's first RFC 7919 group the client names (ffdhe2048 by default).
  EXPECT_EQ(p.client->group(),
            row->kx == crypto::SuiteKx::kDhe ? NamedGroup::ffdhe2048 : NamedGroup::x25519);
  EXPECT_EQ(p.server->group(), p.client->group());
  EXPECT_EQ(p.client->peer_certificates().size(), 2u);

  const Bytes hello = {'h', 'e', 'l', 'l', 'o'};
  EXPECT_EQ(exchange(*p.client, *p.server, hello), hello);
  Bytes big(40000);
  for (size_t i = 0; i < big.size(); i++) {
    big[i] = static_cast<uint8_t>(i * 7);
  }
  EXPECT_TRUE(p.server->write(big).ok());
  EXPECT_TRUE(transfer(*p.server, *p.client));
  Bytes got(big.size());
  size_t have = 0;
  while (have < got.size()) {
    const size_t n = p.client->read(std::span<uint8_t>(got).subspan(have));
    ASSERT_GT(n, 0u);
    have += n;
  }
  EXPECT_EQ(got, big);

  // RFC 5705 exporters agree between the two sides and differ by label and context.
  const Bytes ctx = {1, 2, 3};
  auto a = p.client->export_keying_material("EXPERIMENTAL test", ctx, 32);
  auto b = p.server->export_keying_material("EXPERIMENTAL test", ctx, 32);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  auto other = p.server->export_keying_material("EXPERIMENTAL other", ctx, 32);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(*a, *other);
  EXPECT_FALSE(p.client->export_keying_material("key expansion", ctx, 32).ok());
  // TLS 1.2 has no KeyUpdate: the call fails, the connection goes on.
  EXPECT_FALSE(p.client->key_update(false).ok());
  EXPECT_EQ(p.client->state(), ConnectionState::kEstablished);

  p.client->close();
  EXPECT_TRUE(transfer(*p.client, *p.server)) << error_text(*p.server);
  EXPECT_TRUE(p.server->peer_closed());
}

std::string suite_case_name(const ::testing::TestParamInfo<SuiteCase>& info) {
  std::string key = info.param.key == crypto::KeyType::kRsa       ? "Rsa"
                    : info.param.key == crypto::KeyType::kEd25519 ? "Ed25519"
                                                                  : "EcdsaP256";
  return std::string(name(info.param.suite)) + "_" + key;
}

INSTANTIATE_TEST_SUITE_P(Every, Tls12Suites, ::testing::ValuesIn(default_tls12_cases()),
                         suite_case_name);

TEST(Tls12, ServerCappedAtTls12AnswersATls13CapableClientWithTls12) {
  auto sb = server_builder(crypto::KeyType::kEcdsaP256);
  sb.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_2);
  auto p = connect(client_builder(crypto::KeyType::kEcdsaP256), sb);
  ASSERT_TRUE(p.client.ok() && p.server.ok());
  ASSERT_TRUE(handshake(*p.client, *p.server)) << error_text(*p.client) << error_text(*p.server);
  EXPECT_EQ(p.client->version(), ProtocolVersion::TLSv1_2);
  EXPECT_EQ(p.client->cipher_suite(), CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);
}

TEST(Tls12, ClientCappedAtTls12GetsTls12FromADefaultServer) {
  auto cb = client_builder(crypto::KeyType::kRsa);
  cb.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_2);
  auto p = connect(cb, server_builder(crypto::KeyType::kRsa));
  ASSERT_TRUE(p.client.ok() && p.server.ok());
  ASSERT_TRUE(handshake(*p.client, *p.server)) << error_text(*p.client) << error_text(*p.server);
  EXPECT_EQ(p.server->version(), ProtocolVersion::TLSv1_2);
  EXPECT_EQ(p.server->cipher_suite(), CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
}

TEST(Tls12, Tls13OnlyServerRefusesATls12OnlyClient) {
  auto cb = client_builder(crypto::KeyType::kEcdsaP256);
  cb.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_2);
  auto sb = server_builder(crypto::KeyType::kEcdsaP256);
  sb.versions(ProtocolVersion::TLSv1_3, ProtocolVersion::TLSv1_3);
  auto p = connect(cb, sb);
  ASSERT_TRUE(p.client.ok() && p.server.ok());
  EXPECT_FALSE(handshake(*p.client, *p.server));
  ASSERT_NE(p.server->error(), nullptr);
  EXPECT_EQ(p.server->error()->alert, AlertDescription::protocol_version);
  ASSERT_NE(p.client->error(), nullptr);
  EXPECT_EQ(p.client->error()->alert, AlertDescription::protocol_version);
}

TEST(Tls12, Tls13OnlyClientRefusesATls12Server) {
  auto cb = client_builder(crypto::KeyType::kEcdsaP256);
  cb.versions(ProtocolVersion::TLSv1_3, ProtocolVersion::TLSv1_3);
  auto sb = server_builder(crypto::KeyType::kEcdsaP256);
  sb.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_2);
  auto p = connect(cb, sb);
  ASSERT_TRUE(p.client.ok() && p.server.ok());
  EXPECT_FALSE(handshake(*p.client, *p.server));
  ASSERT_NE(p.server->error(), nullptr);
  EXPECT_EQ(p.server->error()->alert, AlertDescription::protocol_version);
}

TEST(Tls12, VersionRangeIsChecked) {
  ClientConfig::Builder cb = client_builder(crypto::KeyType::kEcdsaP256);
  cb.versions(ProtocolVersion::TLSv1_3, ProtocolVersion::TLSv1_2);
  EXPECT_FALSE(cb.build().ok());
  cb.versions(ProtocolVersion::TLSv1_1, ProtocolVersion::TLSv1_3);
  EXPECT_FALSE(cb.build().ok());
  cb.versions(ProtocolVersion::SSLv3, ProtocolVersion::TLSv1_2);
  EXPECT_FALSE(cb.build().ok());
  // TLS 1.2 only, with TLS 1.3 suites only: nothing to offer.
  cb.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_2)
      .cipher_suites({CipherSuite::TLS_AES_128_GCM_SHA256});
  EXPECT_FALSE(cb.build().ok());
}

TEST(Tls12, LegacyCbcSuitesAreOffByDefault) {
  for (CipherSuite s : default_cipher_suites()) {
    EXPECT_FALSE(crypto::find_suite(s)->legacy) << name(s);
  }
  ASSERT_FALSE(legacy_cbc_cipher_suites().empty());
  for (CipherSuite s : legacy_cbc_cipher_suites()) {
    EXPECT_EQ(crypto::find_suite(s)->protection, crypto::Protection::kCbcHmac) << name(s);
  }
}

TEST(Tls12, ClientCertificateBothWays) {
  const auto& client_pki = test_pki(crypto::KeyType::kEcdsaP256);
  auto cb = client_builder(crypto::KeyType::kRsa);
  cb.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_2)
      .client_certificate({client_pki.leaf_cert}, PrivateKey(client_pki.leaf_key));
  auto sb = server_builder(crypto::KeyType::kRsa);
  sb.request_client_certificate(
      pin_sha256_verifier({spki_pin(client_pki.leaf_key->public_key_spki())}), true);
  auto p = connect(cb, sb);
  ASSERT_TRUE(p.client.ok() && p.server.ok());
  ASSERT_TRUE(handshake(*p.client, *p.server)) << error_text(*p.client) << error_text(*p.server);
  EXPECT_EQ(p.server->version(), ProtocolVersion::TLSv1_2);
  ASSERT_EQ(p.server->peer_certificates().size(), 1u);
  EXPECT_EQ(p.server->peer_certificates()[0], client_pki.leaf_cert);
  EXPECT_EQ(p.server->peer_signature_scheme(), SignatureScheme::ecdsa_secp256r1_sha256);
}

// ShortYcDh makes the client's DHE key pairs in the server's group, keeping only one whose Yc
// starts with a zero byte, and sends Yc without it, as GnuTLS and others do: TLS 1.2 sends Yc as
// an integer, not padded to the size of p (RFC 5246 section 4.3).
class ShortYcDh final : public crypto::DhGroups {
 public:
  class Exchange final : public crypto::KeyExchange {
   public:
    explicit Exchange(std::unique_ptr<crypto::KeyExchange> inner) : inner_(std::move(inner)) {}
    NamedGroup group() const override { return inner_->group(); }
    ByteView public_key() const override { return inner_->public_key().subspan(1); }
    Result<Secret> complete(ByteView peer) override { return inner_->complete(peer); }

   private:
    std::unique_ptr<crypto::KeyExchange> inner_;
  };

  Result<std::unique_ptr<crypto::KeyExchange>> start(ByteView p, ByteView g) const override {
    for (int i = 0; i < 100000; i++) {
      GLASSTLS_ASSIGN(std::unique_ptr<crypto::KeyExchange> kx,
                      crypto::openssl_provider().dh->start(p, g));
      if (kx->public_key()[0] == 0) {
        return std::unique_ptr<crypto::KeyExchange>(new Exchange(std::move(kx)));
      }
    }
    return internal_error("no Yc with a leading zero byte");
  }
};

// OneYcDh sends dh_Yc = 1, outside 1 < Yc < p-1.
class OneYcDh final : public crypto::DhGroups {
 public:
  class Exchange final : public crypto::KeyExchange {
   public:
    explicit Exchange(std::unique_ptr<crypto::KeyExchange> inner) : inner_(std::move(inner)) {}
    NamedGroup group() const override { return inner_->group(); }
    ByteView public_key() const override { return ByteView(one_, 1); }
    Result<Secret> complete(ByteView peer) override { return inner_->complete(peer); }

   private:
    std::unique_ptr<crypto::KeyExchange> inner_;
    const uint8_t one_[1] = {1};
  };

  Result<std::unique_ptr<crypto::KeyExchange>> start(ByteView p, ByteView g) const override {
    GLASSTLS_ASSIGN(std::unique_ptr<crypto::KeyExchange> kx,
                    crypto::openssl_provider().dh->start(p, g));
    return std::unique_ptr<crypto::KeyExchange>(new Exchange(std::move(kx)));
  }
};

TEST(Tls12, ServerRefusesADheYcOutOfRangeWithHandshakeFailure) {
  static const OneYcDh one_yc;
  static const crypto::CryptoProvider provider = [] {
    crypto::CryptoProvider p = crypto::openssl_provider();
    p.dh = &one_yc;
    return p;
  }();
  auto cb = client_builder(crypto::KeyType::kRsa);
  cb.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_2)
      .cipher_suites({CipherSuite::TLS_DHE_RSA_WITH_AES_128_GCM_SHA256})
      .provider(&provider);
  auto p = connect(cb, server_builder(crypto::KeyType::kRsa));
  ASSERT_TRUE(p.client.ok() && p.server.ok());
  EXPECT_FALSE(handshake(*p.client, *p.server));
  ASSERT_NE(p.server->error(), nullptr);
  EXPECT_EQ(p.server->error()->alert, AlertDescription::handshake_failure)
      << p.server->error()->to_string();
}

TEST(Tls12, ServerTakesADheYcShorterThanP) {
  static const ShortYcDh short_yc;
  static const crypto::CryptoProvider provider = [] {
    crypto::CryptoProvider p = crypto::openssl_provider();
    p.dh = &short_yc;
    return p;
  }();
  auto cb = client_builder(crypto::KeyType::kRsa);
  cb.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_2)
      .cipher_suites({CipherSuite::TLS_DHE_RSA_WITH_AES_128_GCM_SHA256})
      .provider(&provider);
  auto p = connect(cb, server_builder(crypto::KeyType::kRsa));
  ASSERT_TRUE(p.client.ok() && p.server.ok());
  ASSERT_TRUE(handshake(*p.client, *p.server)) << error_text(*p.client) << error_text(*p.server);
  EXPECT_EQ(p.server->group(), NamedGroup::ffdhe2048);
  const Bytes hello = {'s', 'h', 'o', 'r', 't'};
  EXPECT_EQ(exchange(*p.client, *p.server, hello), hello);
}

TEST(Tls12, RequiredClientCertificateMissingIsHandshakeFailure) {
  const auto& client_pki = test_pki(crypto::KeyType::kEcdsaP256);
  auto cb = client_builder(crypto::KeyType::kRsa);
  cb.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_2);
  auto sb = server_builder(crypto::KeyType::kRsa);
  sb.request_client_certificate(
      pin_sha256_verifier({spki_pin(client_pki.leaf_key->public_key_spki())}), true);
  auto p = connect(cb, sb);
  ASSERT_TRUE(p.client.ok() && p.server.ok());
  EXPECT_FALSE(handshake(*p.client, *p.server));
  ASSERT_NE(p.server->error(), nullptr);
  EXPECT_EQ(p.server->error()->alert, AlertDescription::handshake_failure);
}

TEST(Tls12, KeyLogHasTheClientRandomLine) {
  auto log = std::make_shared<MemoryKeyLog>();
  auto cb = client_builder(crypto::KeyType::kEcdsaP256);
  cb.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_2).key_log(log);
  auto slog = std::make_shared<MemoryKeyLog>();
  auto sb = server_builder(crypto::KeyType::kEcdsaP256);
  sb.key_log(slog);
  auto p = connect(cb, sb);
  ASSERT_TRUE(p.client.ok() && p.server.ok());
  ASSERT_TRUE(handshake(*p.client, *p.server)) << error_text(*p.client) << error_text(*p.server);
  ASSERT_EQ(log->lines.size(), 1u);
  EXPECT_EQ(log->lines[0].rfind("CLIENT_RANDOM ", 0), 0u);
  // "CLIENT_RANDOM" <64 hex digits of client random> <96 hex digits of master secret>
  EXPECT_EQ(log->lines[0].size(), std::string("CLIENT_RANDOM ").size() + 64 + 1 + 96);
  EXPECT_EQ(log->lines, slog->lines);
}

// TLS 1.2's ECDSA schemes name the hash only (RFC 8446 section 4.2.3), so a server with a
// P-256 key answers a client that accepts nothing but ecdsa_secp384r1_sha384: it signs its
// ServerKeyExchange with ECDSA and SHA-384.
TEST(Tls12, P256ServerSignsWithSha384WhenThatIsAllTheClientAccepts) {
  auto cb = client_builder(crypto::KeyType::kEcdsaP256);
  cb.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_2)
      .signature_schemes({SignatureScheme::ecdsa_secp384r1_sha384});
  auto p = connect(cb, server_builder(crypto::KeyType::kEcdsaP256));
  ASSERT_TRUE(p.client.ok() && p.server.ok());
  ASSERT_TRUE(handshake(*p.client, *p.server)) << error_text(*p.client) << error_text(*p.server);
  EXPECT_EQ(p.client->peer_signature_scheme(), SignatureScheme::ecdsa_secp384r1_sha384);
}

// The same client offering TLS 1.3 too: no TLS 1.3 signature fits (ecdsa_secp384r1_sha384 is
// bound to P-384 there). Falling back to TLS 1.2 is no way out: a server that could speak
// TLS 1.3 must put the downgrade sentinel in its random, and a TLS 1.3 client aborts on it
// (RFC 8446 section 4.1.3). The server refuses with handshake_failure and says why.
TEST(Tls12, ServerWithNoFittingTls13SignatureRefusesATls13ClientRatherThanDowngrading) {
  auto cb = client_builder(crypto::KeyType::kEcdsaP256);
  cb.signature_schemes({SignatureScheme::ecdsa_secp384r1_sha384});
  auto p = connect(cb, server_builder(crypto::KeyType::kEcdsaP256));
  ASSERT_TRUE(p.client.ok() && p.server.ok());
  EXPECT_FALSE(handshake(*p.client, *p.server));
  ASSERT_NE(p.server->error(), nullptr);
  EXPECT_EQ(p.server->error()->alert, AlertDescription::handshake_failure);
  EXPECT_NE(error_text(*p.server).find("no certificate can be signed"), std::string::npos);
}

}  // namespace
}  // namespace glasstls::testing
