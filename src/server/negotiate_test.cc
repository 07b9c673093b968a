// negotiate_test.cc: the server's choices from a ClientHello, checked against the rules of
// RFC 8446, RFC 6066 and RFC 7301 without a connection or any cryptography in negotiate().
#include "server/negotiate.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "api/harness.h"
#include "glasstls/crypto.h"

namespace glasstls::conn {
namespace {

using CS = CipherSuite;
using NG = NamedGroup;
using SS = SignatureScheme;

constexpr CS kAes128 = CS::TLS_AES_128_GCM_SHA256;
constexpr CS kAes256 = CS::TLS_AES_256_GCM_SHA384;
constexpr CS kChaCha = CS::TLS_CHACHA20_POLY1305_SHA256;
constexpr auto kP256 = crypto::KeyType::kEcdsaP256;

const CS kAllSuites[] = {kAes128, kAes256, kChaCha};
const NG kAllGroups[] = {NG::x25519, NG::secp256r1, NG::secp384r1};
const ProviderSupport kEverything{kAllSuites, kAllGroups};

// FakeKey is a key that can sign with the schemes it is given and never signs: negotiate()
// only asks a key which schemes it has. Its public key is that of a real certificate, so that
// a configuration can be built with it.
class FakeKey final : public crypto::SigningKey {
 public:
  FakeKey(std::vector<SignatureScheme> schemes, Bytes spki)
      : schemes_(std::move(schemes)), spki_(std::move(spki)) {}
  crypto::KeyType type() const override { return crypto::KeyType::kEcdsaP256; }
  size_t bits() const override { return 256; }
  std::vector<SignatureScheme> schemes() const override { return schemes_; }
  Result<Bytes> sign(SignatureScheme, ByteView) const override {
    return internal_error("FakeKey does not sign");
  }
  Bytes public_key_spki() const override { return spki_; }
  Secret private_key_pkcs8() const override { return Secret(); }

 private:
  std::vector<SignatureScheme> schemes_;
  Bytes spki_;
};

// Chain is one configured certificate chain: a FakeKey with `schemes`, or the real key of a
// throwaway PKI of type `real` (tests/api/harness.h).
struct Chain {
  std::vector<std::string> names;
  std::vector<SignatureScheme> schemes = {SS::ecdsa_secp256r1_sha256};
  std::shared_ptr<const OcspStaple> ocsp;
  std::optional<crypto::KeyType> real;
};

Chain certified(std::vector<std::string> names,
                std::vector<SignatureScheme> schemes = {SS::ecdsa_secp256r1_sha256}) {
  return Chain{std::move(names), std::move(schemes), nullptr, std::nullopt};
}

// Settings are the server settings a test changes; config() makes them a ServerConfig with
// its Builder (and keeps it in `built` while the test looks at a choice that points into it).
struct Settings {
  std::vector<CS> cipher_suites = {kAes128, kAes256, kChaCha};
  std::vector<NG> groups = {NG::x25519, NG::secp256r1, NG::secp384r1};
  std::vector<SS> signature_schemes = default_signature_schemes();
  std::vector<std::string> alpn;
  std::vector<Chain> certificates = {Chain{}};
  std::shared_ptr<const CertificateVerifier> client_verifier;
  mutable std::shared_ptr<const ServerConfig> built;

  const ServerConfig& config() const {
    ServerConfig::Builder b;
    b.cipher_suites(cipher_suites).groups(groups).signature_schemes(signature_schemes).alpn(alpn);
    for (const Chain& c : certificates) {
      const x509::TestPki& pki = glasstls::testing::test_pki(c.real.value_or(kP256));
      std::shared_ptr<const crypto::SigningKey> key = pki.leaf_key;
      if (!c.real) {
        key = std::make_shared<FakeKey>(c.schemes, pki.leaf_key->public_key_spki());
      }
      b.add_certificate({pki.leaf_cert}, PrivateKey(key), c.names, c.ocsp);
    }
    if (client_verifier) {
      b.request_client_certificate(client_verifier, false);
    }
    auto r = b.build();
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
    built = r.ok() ? *r : nullptr;
    return *built;
  }
};

// Hello is a well-formed TLS 1.3 ClientHello (one X25519 share, TLS_AES_128_GCM_SHA256, SNI
// localhost) with the buffers its views point into.
struct Hello {
  Bytes random = Bytes(32, 1);
  Bytes session_id = Bytes(32, 2);
  Bytes share_bytes = Bytes(32, 3);
  msgs::ClientHello ch;
  Hello() {
    static const uint8_t kNull[1] = {0};
    ch.random = random;
    ch.legacy_session_id = session_id;
    ch.cipher_suites = {kAes128};
    ch.legacy_compression_methods = ByteView(kNull, 1);
    ch.server_name = "localhost";
    ch.supported_groups = std::vector<NamedGroup>{NG::x25519};
    ch.signature_algorithms = default_signature_schemes();
    ch.supported_versions = std::vector<uint16_t>{0x0304};
    ch.key_shares = std::vector<msgs::KeyShareEntry>{{NG::x25519, share_bytes}};
  }
  void shares(std::vector<NamedGroup> groups) {
    ch.key_shares = std::vector<msgs::KeyShareEntry>{};
    for (NamedGroup g : groups) {
      ch.key_shares->push_back({g, share_bytes});
    }
  }
};

Error failure(const msgs::ClientHello& ch, const Settings& config,
              const ProviderSupport& support = kEverything, const HelloRetrySent* retry = nullptr) {
  Result<ServerChoice> r = negotiate(ch, config.config(), support, retry);
  EXPECT_FALSE(r.ok());
  return r.ok() ? Error{} : r.error();
}

ServerChoice success(const msgs::ClientHello& ch, const Settings& config,
                     const ProviderSupport& support = kEverything,
                     const HelloRetrySent* retry = nullptr) {
  Result<ServerChoice> r = negotiate(ch, config.config(), support, retry);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
  return r.ok() ? r.value() : ServerChoice{};
}

TEST(Negotiate, WellFormedHelloGetsEverythingChosen) {
  Hello h;
  Settings config;
  ServerChoice c = success(h.ch, config);
  EXPECT_EQ(c.version, ProtocolVersion::TLSv1_3);
  EXPECT_EQ(c.suite, kAes128);
  EXPECT_FALSE(c.hello_retry_group);
  EXPECT_EQ(c.key_share.group, NG::x25519);
  // The share is a view of the ClientHello's bytes, not a copy.
  EXPECT_EQ(c.key_share.key_exchange.data(), h.share_bytes.data());
  EXPECT_EQ(c.server_name, "localhost");
  EXPECT_EQ(c.certificate, &config.built->certificates[0]);
  EXPECT_EQ(c.scheme, SS::ecdsa_secp256r1_sha256);
  EXPECT_FALSE(c.server_name_acknowledged);  // chosen as the default, not by name
  EXPECT_EQ(c.alpn, nullptr);
  EXPECT_FALSE(c.staple_ocsp);
  EXPECT_FALSE(c.request_client_certificate);
  EXPECT_FALSE(c.early_data_offered);
}

// The server picks its own most preferred suite among those the client offers.
TEST(Negotiate, CipherSuiteFollowsServerPreference) {
  struct Row {
    std::vector<CS> server;
    std::vector<CS> client;
    CS expected;
  };
  const Row rows[] = {
      {{kAes128, kAes256, kChaCha}, {kChaCha, kAes256, kAes128}, kAes128},
      {{kChaCha, kAes256, kAes128}, {kAes128, kAes256, kChaCha}, kChaCha},
      {{kAes256, kChaCha}, {kAes128, kChaCha}, kChaCha},
      // Unknown and TLS 1.2 suites in the offer are skipped.
      {{kAes256}, {static_cast<CS>(0xc02f), static_cast<CS>(0x0a0a), kAes256}, kAes256},
  };
  for (const Row& row : rows) {
    Hello h;
    h.ch.cipher_suites = row.client;
    Settings config;
    config.cipher_suites = row.server;
    EXPECT_EQ(success(h.ch, config).suite, row.expected) << name(row.expected);
  }
}

TEST(Negotiate, NoCommonSuiteIsHandshakeFailure) {
  Hello h;
  h.ch.cipher_suites = {kAes256, static_cast<CS>(0xc02f)};
  Settings config;
  config.cipher_suites = {kAes128, kChaCha};
  Error e = failure(h.ch, config);
  EXPECT_EQ(e.alert, AlertDescription::handshake_failure);
  EXPECT_EQ(e.reason, "no cipher suite in common");
}

// RFC 8446 section 4.2.1: only supported_versions decides; appendix D.5: 0x0300 is refused.
TEST(Negotiate, VersionComesFromSupportedVersions) {
  struct Row {
    uint16_t legacy_version;
    std::optional<std::vector<uint16_t>> supported_versions;
    bool ok;
  };
  const Row rows[] = {
      {0x0303, std::vector<uint16_t>{0x0304}, true},
      {0x0303, std::vector<uint16_t>{0x0a0a, 0x7f1c, 0x0304, 0x0303}, true},
      // A TLS 1.3 legacy_version means nothing without the extension.
      {0x0304, std::nullopt, false},
      {0x0303, std::nullopt, false},
      {0x0303, std::vector<uint16_t>{0x0303, 0x0302}, false},
      {0x0303, std::vector<uint16_t>{}, false},
      // SSL 3.0 in legacy_version is refused even when TLS 1.3 is offered.
      {0x0300, std::vector<uint16_t>{0x0304}, false},
      {0x0200, std::vector<uint16_t>{0x0304}, false},
  };
  for (const Row& row : rows) {
    Hello h;
    h.ch.legacy_version = row.legacy_version;
    h.ch.supported_versions = row.supported_versions;
    Result<ServerChoice> r = negotiate(h.ch, Settings().config(), kEverything, nullptr);
    SCOPED_TRACE(row.legacy_version);
    ASSERT_EQ(r.ok(), row.ok);
    if (r.ok()) {
      EXPECT_EQ(r.value().version, ProtocolVersion::TLSv1_3);
    } else {
      EXPECT_EQ(r.error().alert, AlertDescription::protocol_version);
    }
  }
}

TEST(Negotiate, CompressionOtherThanNullIsIllegalParameter) {
  const std::vector<Bytes> methods = {{}, {1}, {0, 1}, {1, 0}, {0, 0}};
  for (const Bytes& m : methods) {
    Hello h;
    h.ch.legacy_compression_methods = m;
    Error e = failure(h.ch, Settings());
    EXPECT_EQ(e.alert, AlertDescription::illegal_parameter);
    EXPECT_EQ(e.reason, "ClientHello compression methods are not exactly {null}");
  }
}

// RFC 8446 section 9.2: without pre_shared_key, signature_algorithms and supported_groups are
// mandatory, and supported_groups and key_share come together.
TEST(Negotiate, MandatoryExtensionsMissingIsMissingExtension) {
  {
    Hello h;
    h.ch.signature_algorithms.reset();
    Error e = failure(h.ch, Settings());
    EXPECT_EQ(e.alert, AlertDescription::missing_extension);
    EXPECT_EQ(e.reason, "ClientHello has no signature_algorithms");
  }
  {
    Hello h;
    h.ch.key_shares.reset();
    EXPECT_EQ(failure(h.ch, Settings()).alert, AlertDescription::missing_extension);
  }
  {
    Hello h;
    h.ch.supported_groups.reset();
    EXPECT_EQ(failure(h.ch, Settings()).alert, AlertDescription::missing_extension);
  }
}

TEST(Negotiate, ShareForGroupNotInSupportedGroupsIsIllegalParameter) {
  Hello h;
  h.ch.supported_groups = std::vector<NamedGroup>{NG::secp256r1};
  h.shares({NG::secp256r1, NG::x25519});
  Error e = failure(h.ch, Settings());
  EXPECT_EQ(e.alert, AlertDescription::illegal_parameter);
  EXPECT_EQ(e.reason, "key share for a group not in supported_groups");
}

// RFC 8446 section 4.2.8: the server uses a share the client sent for a group it accepts (here
// in its own order of preference); with none, it asks with a HelloRetryRequest for a group
// both support, and fails with handshake_failure when there is no group in common.
TEST(Negotiate, GroupIsAShareOrAHelloRetryRequest) {
  struct Row {
    std::vector<NG> server;
    std::vector<NG> client_groups;
    std::vector<NG> client_shares;
    std::optional<NG> share;  // the share used, if any
    std::optional<NG> retry;  // the group asked for, if any
  };
  const Row rows[] = {
      {{NG::x25519, NG::secp256r1}, {NG::x25519}, {NG::x25519}, NG::x25519, std::nullopt},
      // Server order among the shares sent.
      {{NG::x25519, NG::secp256r1},
       {NG::secp256r1, NG::x25519},
       {NG::secp256r1, NG::x25519},
       NG::x25519,
       std::nullopt},
      {{NG::secp384r1, NG::secp256r1},
       {NG::x25519, NG::secp256r1, NG::secp384r1},
       {NG::x25519, NG::secp256r1},
       NG::secp256r1,
       std::nullopt},
      // A usable share beats a more preferred group without one: no round trip.
      {{NG::secp384r1, NG::x25519},
       {NG::secp384r1, NG::x25519},
       {NG::x25519},
       NG::x25519,
       std::nullopt},
      // No usable share: retry with the server's first group that the client supports.
      {{NG::x25519, NG::secp256r1},
       {NG::secp384r1, NG::secp256r1},
       {NG::secp384r1},
       std::nullopt,
       NG::secp256r1},
      {{NG::secp256r1, NG::secp384r1},
       {NG::x25519, NG::secp384r1, NG::secp256r1},
       {},
       std::nullopt,
       NG::secp256r1},
  };
  for (const Row& row : rows) {
    Hello h;
    h.ch.supported_groups = row.client_groups;
    h.shares(row.client_shares);
    Settings config;
    config.groups = row.server;
    ServerChoice c = success(h.ch, config);
    EXPECT_EQ(c.hello_retry_group, row.retry);
    if (row.share) {
      EXPECT_EQ(c.key_share.group, *row.share);
      EXPECT_NE(c.certificate, nullptr);
    } else {
      // A HelloRetryRequest decides nothing else yet.
      EXPECT_EQ(c.certificate, nullptr);
      EXPECT_EQ(c.suite, kAes128);
    }
  }
}

TEST(Negotiate, NoCommonGroupIsHandshakeFailure) {
  Hello h;
  h.ch.supported_groups = std::vector<NamedGroup>{NG::secp384r1, static_cast<NG>(0x0a0a)};
  h.shares({NG::secp384r1});
  Settings config;
  config.groups = {NG::x25519, NG::secp256r1};
  Error e = failure(h.ch, config);
  EXPECT_EQ(e.alert, AlertDescription::handshake_failure);
  EXPECT_EQ(e.reason, "no key exchange group in common");
}

// RFC 8446 section 4.1.2 and 4.2.8: the second ClientHello keeps the session id and suite,
// drops early_data, and carries exactly one share, of the group asked for.
TEST(Negotiate, SecondHelloMustAnswerTheHelloRetryRequest) {
  Hello first;
  const HelloRetrySent retry{kAes128, NG::secp256r1, first.session_id};
  Settings config;
  {
    Hello h;
    h.ch.supported_groups = std::vector<NamedGroup>{NG::x25519, NG::secp256r1};
    h.shares({NG::secp256r1});
    ServerChoice c = success(h.ch, config, kEverything, &retry);
    EXPECT_FALSE(c.hello_retry_group);
    EXPECT_EQ(c.key_share.group, NG::secp256r1);
  }
  struct Row {
    const char* what;
    void (*change)(Hello&);
    const char* reason;
  };
  const Row rows[] = {
      {"another group", [](Hello& h) { h.shares({NG::x25519}); },
       "second ClientHello does not carry exactly the requested share"},
      {"two shares",
       [](Hello& h) {
         h.shares({NG::secp256r1, NG::x25519});
       },
       "second ClientHello does not carry exactly the requested share"},
      {"no share", [](Hello& h) { h.shares({}); },
       "second ClientHello does not carry exactly the requested share"},
      {"new session id", [](Hello& h) { h.session_id[0] ^= 1; },
       "second ClientHello changed legacy_session_id"},
      {"no session id", [](Hello& h) { h.ch.legacy_session_id = {}; },
       "second ClientHello changed legacy_session_id"},
      {"early data", [](Hello& h) { h.ch.has_early_data = true; },
       "second ClientHello still offers early_data"},
      {"another suite", [](Hello& h) { h.ch.cipher_suites = {kAes256}; },
       "second ClientHello no longer offers the chosen cipher suite"},
  };
  for (const Row& row : rows) {
    Hello h;
    h.ch.supported_groups = std::vector<NamedGroup>{NG::x25519, NG::secp256r1};
    h.shares({NG::secp256r1});
    row.change(h);
    Error e = failure(h.ch, config, kEverything, &retry);
    EXPECT_EQ(e.alert, AlertDescription::illegal_parameter) << row.what;
    EXPECT_EQ(e.reason, row.reason) << row.what;
  }
  // The same offer is fine as a first ClientHello.
  Hello h;
  h.ch.has_early_data = true;
  EXPECT_TRUE(success(h.ch, config).early_data_offered);
}

// RFC 6066 section 3: the certificate follows the server_name; an exact name or a wildcard for
// one label picks a chain (ASCII case ignored), and then the server acknowledges the name.
TEST(Negotiate, CertificateIsChosenByServerName) {
  Settings config;
  config.certificates.clear();
  config.certificates.push_back(certified({"example.com"}));
  config.certificates.push_back(certified({"*.example.org", "example.net"}));
  config.certificates.push_back(certified({}));
  struct Row {
    std::optional<std::string_view> sni;
    size_t index;
    bool acknowledged;
  };
  const Row rows[] = {
      {"example.com", 0, true},
      {"EXAMPLE.com", 0, true},
      {"www.example.org", 1, true},
      {"WWW.Example.ORG", 1, true},
      {"example.net", 1, true},
      {"a.b.example.org", 2, false},  // a wildcard covers one label only
      {"example.org", 2, false},
      {"www.example.com", 2, false},
      {"other.test", 2, false},
      {std::nullopt, 2, false},
  };
  for (const Row& row : rows) {
    Hello h;
    h.ch.server_name = row.sni;
    ServerChoice c = success(h.ch, config);
    SCOPED_TRACE(row.sni ? std::string(*row.sni) : "(no SNI)");
    EXPECT_EQ(c.certificate, &config.built->certificates[row.index]);
    EXPECT_EQ(c.server_name_acknowledged, row.acknowledged);
    EXPECT_EQ(c.server_name, row.sni ? *row.sni : std::string_view());
  }
}

TEST(Negotiate, WithoutADefaultChainAnyChainServesOtherNames) {
  Settings config;
  config.certificates.clear();
  config.certificates.push_back(certified({"example.com"}));
  Hello h;
  h.ch.server_name = "other.test";
  ServerChoice c = success(h.ch, config);
  EXPECT_EQ(c.certificate, &config.built->certificates[0]);
  EXPECT_FALSE(c.server_name_acknowledged);
}

// A chain whose key cannot sign with a scheme the client accepts is passed over, even when its
// name matches.
TEST(Negotiate, CertificateKeyMustSignWithAClientScheme) {
  Settings config;
  config.certificates.clear();
  config.certificates.push_back(certified({"example.com"}, {SS::ed25519}));
  config.certificates.push_back(certified({"example.com"}, {SS::rsa_pss_rsae_sha256}));
  Hello h;
  h.ch.server_name = "example.com";
  h.ch.signature_algorithms = std::vector<SignatureScheme>{SS::rsa_pss_rsae_sha256};
  ServerChoice c = success(h.ch, config);
  EXPECT_EQ(c.certificate, &config.built->certificates[1]);
  EXPECT_EQ(c.scheme, SS::rsa_pss_rsae_sha256);
  EXPECT_TRUE(c.server_name_acknowledged);

  h.ch.signature_algorithms = std::vector<SignatureScheme>{SS::ecdsa_secp384r1_sha384};
  Error e = failure(h.ch, config);
  EXPECT_EQ(e.alert, AlertDescription::handshake_failure);
  EXPECT_EQ(e.reason, "no certificate can be signed with a scheme the client accepts");
}

// RFC 6066 section 3: a HostName is ASCII, without a trailing dot, and never an IP literal.
TEST(Negotiate, ServerNameThatIsNotAHostNameIsIllegalParameter) {
  const std::string_view names[] = {"localhost.",      "192.0.2.1", "2001:db8::1",
                                    "b\xc3\xa4r.test", "a..b",      "sp ace.test"};
  for (std::string_view n : names) {
    Hello h;
    h.ch.server_name = n;
    Error e = failure(h.ch, Settings());
    EXPECT_EQ(e.alert, AlertDescription::illegal_parameter) << n;
    EXPECT_EQ(e.reason.rfind("server_name host_name is not an ASCII DNS name (", 0), 0u) << n;
  }
}

// The accepted name is reported once the name has passed its check, even when negotiation
// fails later, and not when it fails before (or asks for a HelloRetryRequest first).
TEST(Negotiate, AcceptedServerNameIsReportedFromItsCheckOn) {
  Settings config;
  config.alpn = {"h2"};
  Hello h;
  h.ch.server_name = "example.com";
  h.ch.alpn = std::vector<std::string_view>{"http/1.1"};
  std::optional<std::string_view> accepted;
  EXPECT_FALSE(negotiate(h.ch, config.config(), kEverything, nullptr, &accepted).ok());
  EXPECT_EQ(accepted, std::optional<std::string_view>("example.com"));

  h.ch.alpn.reset();
  h.ch.server_name.reset();
  accepted.reset();
  EXPECT_TRUE(negotiate(h.ch, config.config(), kEverything, nullptr, &accepted).ok());
  EXPECT_EQ(accepted, std::optional<std::string_view>(""));

  h.ch.server_name = "localhost.";
  accepted.reset();
  EXPECT_FALSE(negotiate(h.ch, config.config(), kEverything, nullptr, &accepted).ok());
  EXPECT_FALSE(accepted);
  h.ch.server_name = "example.com";
  h.ch.cipher_suites = {kAes256};
  config.cipher_suites = {kAes128};
  EXPECT_FALSE(negotiate(h.ch, config.config(), kEverything, nullptr, &accepted).ok());
  EXPECT_FALSE(accepted);
  config.cipher_suites = {kAes256};
  h.ch.supported_groups = std::vector<NamedGroup>{NG::x25519, NG::secp256r1};
  h.shares({NG::secp256r1});
  config.groups = {NG::x25519};
  ASSERT_TRUE(negotiate(h.ch, config.config(), kEverything, nullptr, &accepted).ok());
  EXPECT_FALSE(accepted);  // a HelloRetryRequest for X25519 comes first
}

// RFC 8446 section 4.2.3: ECDSA schemes name their curve, RSA keys sign with RSASSA-PSS (never
// PKCS #1 v1.5 in TLS 1.3 handshakes), Ed25519 with ed25519. The key generation is setup; the
// keys are only asked for their schemes.
TEST(Negotiate, SignatureSchemeFollowsTheKeyType) {
  struct Row {
    crypto::KeyType type;
    std::vector<SS> client;
    std::optional<SS> expected;
  };
  const std::vector<SS> all = default_signature_schemes();
  const Row rows[] = {
      {crypto::KeyType::kEcdsaP256, all, SS::ecdsa_secp256r1_sha256},
      {crypto::KeyType::kEcdsaP384, all, SS::ecdsa_secp384r1_sha384},
      {crypto::KeyType::kEd25519, all, SS::ed25519},
      {crypto::KeyType::kRsa, {SS::rsa_pss_rsae_sha512}, SS::rsa_pss_rsae_sha512},
      {crypto::KeyType::kRsa,
       {SS::rsa_pss_rsae_sha384, SS::ecdsa_secp256r1_sha256},
       SS::rsa_pss_rsae_sha384},
      {crypto::KeyType::kRsa, {SS::rsa_pkcs1_sha256, SS::ecdsa_secp256r1_sha256}, std::nullopt},
      {crypto::KeyType::kEcdsaP256, {SS::ecdsa_secp384r1_sha384}, std::nullopt},
      {crypto::KeyType::kEcdsaP384, {SS::ecdsa_secp256r1_sha256}, std::nullopt},
      {crypto::KeyType::kEd25519,
       {SS::ecdsa_secp256r1_sha256, SS::rsa_pss_rsae_sha256},
       std::nullopt},
  };
  for (const Row& row : rows) {
    Settings config;
    config.certificates[0].real = row.type;
    Hello h;
    h.ch.signature_algorithms = row.client;
    Result<ServerChoice> r = negotiate(h.ch, config.config(), kEverything, nullptr);
    SCOPED_TRACE(static_cast<int>(row.type));
    ASSERT_EQ(r.ok(), row.expected.has_value());
    if (r.ok()) {
      EXPECT_EQ(r.value().scheme, *row.expected);
    } else {
      EXPECT_EQ(r.error().alert, AlertDescription::handshake_failure);
    }
  }
}

// The server's own list of schemes limits what it signs with too.
TEST(Negotiate, SignatureSchemeMustBeConfigured) {
  Settings config;
  config.certificates[0] = certified({}, {SS::ed25519, SS::ecdsa_secp256r1_sha256});
  Hello h;
  EXPECT_EQ(success(h.ch, config).scheme, SS::ed25519);
  config.signature_schemes = {SS::ecdsa_secp256r1_sha256};
  EXPECT_EQ(success(h.ch, config).scheme, SS::ecdsa_secp256r1_sha256);
  config.signature_schemes = {SS::rsa_pss_rsae_sha256};
  EXPECT_EQ(failure(h.ch, config).alert, AlertDescription::handshake_failure);
}

// RFC 7301 section 3.2: the server picks one of the client's protocols (here by its own
// preference) and fails with no_application_protocol when it supports none of them.
TEST(Negotiate, AlpnMatchesOrFails) {
  struct Row {
    std::vector<std::string> server;
    std::optional<std::vector<std::string_view>> client;
    std::optional<std::string> expected;
    bool fails;
  };
  const Row rows[] = {
      {{"h2", "http/1.1"}, std::vector<std::string_view>{"http/1.1", "h2"}, "h2", false},
      {{"http/1.1", "h2"}, std::vector<std::string_view>{"h2", "http/1.1"}, "http/1.1", false},
      {{"h2"}, std::vector<std::string_view>{"spdy/3", "h2"}, "h2", false},
      {{"h2"}, std::nullopt, std::nullopt, false},                     // the client did not ask
      {{}, std::vector<std::string_view>{"h2"}, std::nullopt, false},  // the server has no ALPN
      {{"h2", "http/1.1"}, std::vector<std::string_view>{"h3", "spdy/3"}, std::nullopt, true},
      {{"h2"}, std::vector<std::string_view>{"H2"}, std::nullopt, true},  // exact bytes
  };
  for (const Row& row : rows) {
    Settings config;
    config.alpn = row.server;
    Hello h;
    h.ch.alpn = row.client;
    Result<ServerChoice> r = negotiate(h.ch, config.config(), kEverything, nullptr);
    ASSERT_EQ(r.ok(), !row.fails);
    if (row.fails) {
      EXPECT_EQ(r.error().alert, AlertDescription::no_application_protocol);
      EXPECT_EQ(r.error().reason, "no application protocol in common");
      continue;
    }
    if (row.expected) {
      ASSERT_NE(r.value().alpn, nullptr);
      EXPECT_EQ(*r.value().alpn, *row.expected);
    } else {
      EXPECT_EQ(r.value().alpn, nullptr);
    }
  }
}

// RFC 6066 section 8 and RFC 8446 section 4.4.2.1: a staple only for an ocsp status_request,
// and only when the certificate has one configured.
TEST(Negotiate, OcspStaplingNeedsARequestAndAStaple) {
  Settings config;
  config.certificates[0].ocsp = std::make_shared<OcspStaple>(Bytes{1, 2, 3});
  Hello h;
  EXPECT_FALSE(success(h.ch, config).staple_ocsp);
  h.ch.status_request = msgs::CertificateStatusRequest{};
  EXPECT_TRUE(success(h.ch, config).staple_ocsp);
  h.ch.status_request->status_type = 2;  // ocsp_multi, not requested in TLS 1.3
  EXPECT_FALSE(success(h.ch, config).staple_ocsp);
  h.ch.status_request->status_type = msgs::kStatusTypeOcsp;
  config.certificates[0].ocsp = nullptr;
  EXPECT_FALSE(success(h.ch, config).staple_ocsp);
}

TEST(Negotiate, ClientCertificateIsRequestedWhenAVerifierIsConfigured) {
  Settings config;
  Hello h;
  EXPECT_FALSE(success(h.ch, config).request_client_certificate);
  config.client_verifier = pin_sha256_verifier({});
  EXPECT_TRUE(success(h.ch, config).request_client_certificate);
}

// What the provider lacks is an internal error, only when it is chosen, and only at the point
// where the handshake needs it (after the group, certificate and ALPN checks for a group).
TEST(Negotiate, ChoiceTheProviderLacksIsInternalError) {
  Settings config;
  Hello h;
  h.ch.cipher_suites = {kAes256, kAes128};
  const CS only_aes128[] = {kAes128};
  const CS only_aes256[] = {kAes256};
  const NG only_p256[] = {NG::secp256r1};
  // Server order picks AES-128, which is implemented.
  EXPECT_EQ(success(h.ch, config, {only_aes128, kAllGroups}).suite, kAes128);
  Error e = failure(h.ch, config, {only_aes256, kAllGroups});
  EXPECT_EQ(e.alert, AlertDescription::internal_error);
  EXPECT_EQ(e.reason, "configured cipher suite has no implementation");

  e = failure(h.ch, config, {kAllSuites, only_p256});
  EXPECT_EQ(e.alert, AlertDescription::internal_error);
  EXPECT_EQ(e.reason, "configured group has no implementation");
  // A HelloRetryRequest for an unimplemented group is not refused here.
  h.shares({});
  EXPECT_EQ(success(h.ch, config, {kAllSuites, only_p256}).hello_retry_group, NG::x25519);
  // ALPN is checked before the group's implementation.
  h.shares({NG::x25519});
  config.alpn = {"h2"};
  h.ch.alpn = std::vector<std::string_view>{"http/1.1"};
  EXPECT_EQ(failure(h.ch, config, {kAllSuites, only_p256}).alert,
            AlertDescription::no_application_protocol);
}

// With several faults, the first check in the order of the handshake decides the alert.
TEST(Negotiate, ChecksRunInOrder) {
  Hello h;
  h.ch.supported_versions = std::vector<uint16_t>{0x0303};
  h.ch.cipher_suites = {kAes256};
  Settings config;
  config.cipher_suites = {kAes128};
  EXPECT_EQ(failure(h.ch, config).alert, AlertDescription::protocol_version);
  h.ch.supported_versions = std::vector<uint16_t>{0x0304};
  h.ch.signature_algorithms.reset();
  EXPECT_EQ(failure(h.ch, config).alert, AlertDescription::missing_extension);
  h.ch.signature_algorithms = default_signature_schemes();
  EXPECT_EQ(failure(h.ch, config).alert, AlertDescription::handshake_failure);
  // A HelloRetryRequest comes before the server name, certificate and ALPN are looked at.
  h.ch.cipher_suites = {kAes128};
  h.ch.supported_groups = std::vector<NamedGroup>{NG::x25519, NG::secp256r1};
  h.shares({});
  h.ch.server_name = "localhost.";
  h.ch.alpn = std::vector<std::string_view>{"nothing"};
  config.alpn = {"h2"};
  EXPECT_EQ(success(h.ch, config).hello_retry_group, NG::x25519);
  h.shares({NG::x25519});
  EXPECT_EQ(failure(h.ch, config).alert, AlertDescription::illegal_parameter);
  h.ch.server_name = "localhost";
  EXPECT_EQ(failure(h.ch, config).alert, AlertDescription::no_application_protocol);
}

TEST(Negotiate, ServerNameMatching) {
  struct Row {
    std::string_view pattern;
    std::string_view host;
    bool matches;
  };
  const Row rows[] = {
      {"example.com", "example.com", true},
      {"Example.COM", "example.com", true},
      {"example.com", "www.example.com", false},
      {"*.example.com", "www.example.com", true},
      {"*.example.com", "WWW.EXAMPLE.COM", true},
      {"*.example.com", "example.com", false},
      {"*.example.com", "a.b.example.com", false},
      {"*.example.com", ".example.com", false},
      {"*.", "a.", false},
      {"*", "example", false},
      {"www.*.com", "www.example.com", false},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(server_name_matches(row.pattern, row.host), row.matches)
        << row.pattern << " vs " << row.host;
  }
}

// ---- TLS 1.2 ----

constexpr CS kEcdheEcdsaAes128 = CS::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256;
constexpr CS kEcdheRsaAes128 = CS::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256;
constexpr CS kDheRsaAes128 = CS::TLS_DHE_RSA_WITH_AES_128_GCM_SHA256;
const CS kTls12Suites[] = {kAes128, kEcdheEcdsaAes128, kEcdheRsaAes128, kDheRsaAes128};
const NG kTls12Groups[] = {NG::x25519, NG::secp256r1, NG::secp384r1, NG::ffdhe2048};
const ProviderSupport kTls12Support{kTls12Suites, kTls12Groups};

// Tls12Settings serve TLS 1.3 and TLS 1.2 with real keys (FakeKey has no TLS 1.2 schemes).
Settings tls12_settings(crypto::KeyType key = kP256) {
  Settings s;
  s.cipher_suites = {kAes128, kEcdheEcdsaAes128, kEcdheRsaAes128};
  s.certificates = {Chain{{}, {}, nullptr, key}};
  return s;
}

// Hello12 is a TLS 1.2 ClientHello as OpenSSL's s_client -tls1_2 sends it: no
// supported_versions, ECDHE suites, EMS and renegotiation_info.
struct Hello12 : Hello {
  Hello12() {
    ch.supported_versions = std::nullopt;
    ch.key_shares = std::nullopt;
    ch.cipher_suites = {kEcdheEcdsaAes128, kEcdheRsaAes128};
    ch.supported_groups = std::vector<NamedGroup>{NG::x25519, NG::secp256r1};
    ch.extended_master_secret = true;
    ch.renegotiation_info = ByteView();
  }
};

TEST(ChooseVersion, HighestVersionBothSidesEnable) {
  struct Row {
    uint16_t legacy_version;
    std::optional<std::vector<uint16_t>> supported_versions;
    ProtocolVersion server_min, server_max;
    std::optional<ProtocolVersion> chosen;
  };
  constexpr auto k12 = ProtocolVersion::TLSv1_2;
  constexpr auto k13 = ProtocolVersion::TLSv1_3;
  const Row rows[] = {
      {0x0303, std::vector<uint16_t>{0x0304, 0x0303}, k12, k13, k13},
      {0x0303, std::vector<uint16_t>{0x0304, 0x0303}, k12, k12, k12},
      {0x0303, std::vector<uint16_t>{0x0304}, k12, k12, std::nullopt},
      {0x0303, std::vector<uint16_t>{0x0a0a, 0x0303}, k12, k13, k12},
      {0x0303, std::vector<uint16_t>{0x0303}, k13, k13, std::nullopt},
      // Without supported_versions, legacy_version says it, capped at TLS 1.2.
      {0x0303, std::nullopt, k12, k13, k12},
      {0x0304, std::nullopt, k12, k13, k12},
      {0x0302, std::nullopt, k12, k13, std::nullopt},
      {0x0301, std::nullopt, k12, k13, std::nullopt},
      {0x0300, std::vector<uint16_t>{0x0304}, k12, k13, std::nullopt},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(::testing::Message()
                 << std::hex << row.legacy_version << " " << static_cast<int>(row.server_max));
    Hello h;
    h.ch.legacy_version = row.legacy_version;
    h.ch.supported_versions = row.supported_versions;
    Settings settings = tls12_settings();
    ServerConfig::Builder b;
    b.cipher_suites(settings.cipher_suites)
        .versions(row.server_min, row.server_max)
        .add_certificate({glasstls::testing::test_pki(kP256).leaf_cert},
                         PrivateKey(glasstls::testing::test_pki(kP256).leaf_key));
    auto config = b.build();
    ASSERT_TRUE(config.ok());
    Result<ProtocolVersion> r = choose_version(h.ch, **config);
    ASSERT_EQ(r.ok(), row.chosen.has_value()) << (r.ok() ? "" : r.error().to_string());
    if (r.ok()) {
      EXPECT_EQ(*r, *row.chosen);
    } else {
      EXPECT_EQ(r.error().alert, AlertDescription::protocol_version);
    }
  }
}

TEST(ChooseVersion, FallbackScsvBelowTheServersHighestIsInappropriateFallback) {
  Hello12 h;
  h.ch.cipher_suites.push_back(CS::TLS_FALLBACK_SCSV);
  Result<ProtocolVersion> r = choose_version(h.ch, tls12_settings().config());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().alert, AlertDescription::inappropriate_fallback);
  // The same ClientHello to a server whose highest version is TLS 1.2 is no fallback.
  ServerConfig::Builder b;
  b.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_2)
      .add_certificate({glasstls::testing::test_pki(kP256).leaf_cert},
                       PrivateKey(glasstls::testing::test_pki(kP256).leaf_key));
  auto capped = b.build();
  ASSERT_TRUE(capped.ok());
  Result<ProtocolVersion> ok = choose_version(h.ch, **capped);
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  EXPECT_EQ(*ok, ProtocolVersion::TLSv1_2);
}

TEST(NegotiateTls12, SuiteFollowsTheCertificateKey) {
  Hello12 h;
  {
    Settings s = tls12_settings(kP256);
    Result<Tls12Choice> r = negotiate_tls12(h.ch, s.config(), kTls12Support);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ(r->suite, kEcdheEcdsaAes128);
    EXPECT_EQ(r->group, NG::x25519);
    EXPECT_EQ(r->scheme, SS::ecdsa_secp256r1_sha256);
    EXPECT_TRUE(r->extended_master_secret);
    EXPECT_TRUE(r->renegotiation_info);
    EXPECT_FALSE(r->encrypt_then_mac);
  }
  {
    Settings s = tls12_settings(crypto::KeyType::kRsa);
    Result<Tls12Choice> r = negotiate_tls12(h.ch, s.config(), kTls12Support);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ(r->suite, kEcdheRsaAes128);
    // PSS is preferred over PKCS#1 v1.5 when the client accepts it.
    EXPECT_EQ(r->scheme, SS::rsa_pss_rsae_sha256);
  }
}

TEST(NegotiateTls12, NoSignatureAlgorithmsMeansSha1WhichIsNotOffered) {
  Hello12 h;
  h.ch.signature_algorithms = std::nullopt;
  Result<Tls12Choice> r = negotiate_tls12(h.ch, tls12_settings().config(), kTls12Support);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().alert, AlertDescription::handshake_failure);
}

TEST(NegotiateTls12, NonEmptyRenegotiationInfoIsHandshakeFailure) {
  Hello12 h;
  const uint8_t verify_data[12] = {};
  h.ch.renegotiation_info = ByteView(verify_data, 12);
  Result<Tls12Choice> r = negotiate_tls12(h.ch, tls12_settings().config(), kTls12Support);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().alert, AlertDescription::handshake_failure);
}

TEST(NegotiateTls12, RenegotiationScsvIsAnsweredLikeTheExtension) {
  Hello12 h;
  h.ch.renegotiation_info = std::nullopt;
  Result<Tls12Choice> r = negotiate_tls12(h.ch, tls12_settings().config(), kTls12Support);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->renegotiation_info);
  h.ch.cipher_suites.push_back(CS::TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
  r = negotiate_tls12(h.ch, tls12_settings().config(), kTls12Support);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->renegotiation_info);
}

TEST(NegotiateTls12, PointFormatsWithoutUncompressedAreIllegal) {
  Hello12 h;
  h.ch.ec_point_formats = std::vector<uint8_t>{1, 2};
  Result<Tls12Choice> r = negotiate_tls12(h.ch, tls12_settings().config(), kTls12Support);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().alert, AlertDescription::illegal_parameter);
  h.ch.ec_point_formats = std::vector<uint8_t>{0, 1};
  r = negotiate_tls12(h.ch, tls12_settings().config(), kTls12Support);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->ec_point_formats);
}

TEST(NegotiateTls12, CurveMustBeInCommon) {
  Hello12 h;
  h.ch.supported_groups = std::vector<NamedGroup>{NG::secp521r1};
  Result<Tls12Choice> r = negotiate_tls12(h.ch, tls12_settings().config(), kTls12Support);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().alert, AlertDescription::handshake_failure);
  // No supported_groups at all: P-256.
  h.ch.supported_groups = std::nullopt;
  r = negotiate_tls12(h.ch, tls12_settings().config(), kTls12Support);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->group, NG::secp256r1);
}

TEST(NegotiateTls12, DheNeedsAnFfdheGroupInCommonWhenTheClientNamesAny) {
  Hello12 h;
  h.ch.cipher_suites = {kDheRsaAes128};
  Settings s = tls12_settings(crypto::KeyType::kRsa);
  s.cipher_suites = {kAes128, kDheRsaAes128};
  s.groups = {NG::x25519, NG::ffdhe2048};
  // The client names only ffdhe3072: RFC 7919 section 4 forbids DHE, and nothing else is left.
  h.ch.supported_groups = std::vector<NamedGroup>{NG::x25519, NG::ffdhe3072};
  Result<Tls12Choice> r = negotiate_tls12(h.ch, s.config(), kTls12Support);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().alert, AlertDescription::insufficient_security);
  // A client that names no FFDHE group gets the server's.
  h.ch.supported_groups = std::vector<NamedGroup>{NG::x25519};
  r = negotiate_tls12(h.ch, s.config(), kTls12Support);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->group, NG::ffdhe2048);
}

TEST(NegotiateTls12, CompressionMustIncludeNull) {
  Hello12 h;
  static const uint8_t kDeflate[1] = {1};
  h.ch.legacy_compression_methods = ByteView(kDeflate, 1);
  Result<Tls12Choice> r = negotiate_tls12(h.ch, tls12_settings().config(), kTls12Support);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().alert, AlertDescription::illegal_parameter);
}

}  // namespace
}  // namespace glasstls::conn
