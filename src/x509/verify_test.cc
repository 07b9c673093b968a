// verify_test.cc: path building and validation over PKIs built at test time.
#include <gtest/gtest.h>

#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include "asn1/der.h"
#include "glasstls/crypto.h"
#include "glasstls/x509.h"
#include "pki/cert_builder.h"
#include "x509/certificate.h"
#include "x509/names.h"

namespace glasstls {
namespace {

using crypto::KeyType;
using crypto::SigningKey;
using x509::CertSpec;

// kNow is 2025-06-15 12:00:00 UTC; every certificate is valid a year either side by default.
constexpr int64_t kNow = 1749988800;
constexpr int64_t kYear = 365 * 86400;

const crypto::CryptoProvider& provider() { return crypto::openssl_provider(); }

std::shared_ptr<const SigningKey> generate(KeyType type = KeyType::kEcdsaP256) {
  auto k = provider().keys->generate(type);
  EXPECT_TRUE(k.ok());
  return k.ok() ? *k : nullptr;
}

Bytes next_serial() {
  static uint32_t counter = 1000;
  counter++;
  return Bytes{static_cast<uint8_t>(counter >> 24), static_cast<uint8_t>(counter >> 16),
               static_cast<uint8_t>(counter >> 8), static_cast<uint8_t>(counter)};
}

using Modify = std::function<void(CertSpec&)>;

struct Ca {
  std::string name;
  std::shared_ptr<const SigningKey> key;
  Bytes cert;
};

Bytes issue(CertSpec spec, const SigningKey& issuer_key) {
  auto der = x509::build_certificate(spec, issuer_key, provider());
  EXPECT_TRUE(der.ok()) << der.error().reason;
  return der.ok() ? *der : Bytes{};
}

CertSpec base_spec(const std::string& issuer, const std::string& subject,
                   const SigningKey& subject_key) {
  CertSpec s;
  s.serial = next_serial();
  s.issuer_cn = issuer;
  s.subject_cn = subject;
  s.not_before = kNow - kYear;
  s.not_after = kNow + kYear;
  s.subject_spki = subject_key.public_key_spki();
  return s;
}

Ca make_root(const std::string& name, const Modify& modify = nullptr,
             KeyType type = KeyType::kEcdsaP256) {
  Ca ca{name, generate(type), {}};
  CertSpec s = base_spec(name, name, *ca.key);
  s.is_ca = true;
  if (modify) {
    modify(s);
  }
  ca.cert = issue(s, *ca.key);
  return ca;
}

Ca make_intermediate(const std::string& name, const Ca& issuer, const Modify& modify = nullptr,
                     KeyType type = KeyType::kEcdsaP256) {
  Ca ca{name, generate(type), {}};
  CertSpec s = base_spec(issuer.name, name, *ca.key);
  s.is_ca = true;
  if (modify) {
    modify(s);
  }
  ca.cert = issue(s, *issuer.key);
  return ca;
}

Bytes make_leaf(const Ca& issuer, std::vector<std::string> dns, const Modify& modify = nullptr,
                std::shared_ptr<const SigningKey> key = nullptr) {
  if (!key) {
    key = generate();
  }
  CertSpec s = base_spec(issuer.name, dns.empty() ? "leaf" : dns.front(), *key);
  s.dns_names = std::move(dns);
  if (modify) {
    modify(s);
  }
  return issue(s, *issuer.key);
}

std::shared_ptr<const TrustStore> store(std::vector<Bytes> roots) {
  auto s = TrustStore::from_der(std::move(roots));
  EXPECT_TRUE(s.ok()) << s.error().reason;
  return s.ok() ? *s : nullptr;
}

VerifyOptions opts(std::string name = "host.example.com") {
  VerifyOptions o;
  o.dns_name = std::move(name);
  o.time = kNow;
  return o;
}

Result<VerifiedChain> verify(const std::vector<Bytes>& roots, const std::vector<Bytes>& chain,
                             const VerifyOptions& o = opts()) {
  return verify_certificate_chain(*store(roots), chain, o);
}

#define EXPECT_VERIFIED(r) EXPECT_TRUE((r).ok()) << (r).error().reason

void expect_failure(const Result<VerifiedChain>& r, AlertDescription alert,
                    std::vector<std::string> parts) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidCertificate) << r.error().reason;
  EXPECT_EQ(r.error().alert, alert) << name(r.error().alert) << ": " << r.error().reason;
  for (const std::string& p : parts) {
    EXPECT_NE(r.error().reason.find(p), std::string::npos)
        << "reason \"" << r.error().reason << "\" lacks \"" << p << "\"";
  }
}

Bytes oid(std::initializer_list<uint8_t> v) { return Bytes(v); }
Bytes oid_of(ByteView v) { return Bytes(v.begin(), v.end()); }

// A three-level PKI shared by many tests.
struct Pki {
  Ca root = make_root("Root");
  Ca inter = make_intermediate("Intermediate", root);
  Bytes leaf = make_leaf(inter, {"host.example.com"});
};

TEST(X509PathTest, SimpleChainVerifies) {
  Pki p;
  auto r = verify({p.root.cert}, {p.leaf, p.inter.cert});
  EXPECT_VERIFIED(r);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->path.size(), 3u);
  EXPECT_EQ(r->path[0], p.leaf);
  EXPECT_EQ(r->path[1], p.inter.cert);
  EXPECT_EQ(r->path[2], p.root.cert);
}

TEST(X509PathTest, LeafIssuedByRootAndAnchorSentByPeer) {
  Ca root = make_root("Root");
  Bytes leaf = make_leaf(root, {"host.example.com"});
  auto r = verify({root.cert}, {leaf, root.cert});
  EXPECT_VERIFIED(r);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->path.size(), 2u);
}

TEST(X509PathTest, AnyOrderExtrasAndDuplicates) {
  Pki p;
  Ca other = make_root("Other Root");
  Ca stray = make_intermediate("Stray", other);
  auto r = verify({p.root.cert}, {p.leaf, stray.cert, p.inter.cert, other.cert, p.inter.cert});
  EXPECT_VERIFIED(r);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->path.size(), 3u);
}

TEST(X509PathTest, UnknownIssuer) {
  Pki p;
  Ca other = make_root("Other Root");
  expect_failure(verify({other.cert}, {p.leaf, p.inter.cert}), AlertDescription::unknown_ca,
                 {"certificate 1 (CN=Intermediate)", "unknown issuer", "CN=Root"});
  expect_failure(verify({other.cert}, {p.leaf}), AlertDescription::unknown_ca,
                 {"certificate 0", "CN=Intermediate"});
}

TEST(X509PathTest, BadSignature) {
  Pki p;
  // Claims to be issued by Intermediate but is signed by another key.
  Ca impostor{"Intermediate", generate(), {}};
  Bytes forged = make_leaf(impostor, {"host.example.com"});
  expect_failure(verify({p.root.cert}, {forged, p.inter.cert}), AlertDescription::bad_certificate,
                 {"certificate 0", "does not verify", "certificate 1 (CN=Intermediate)"});
}

TEST(X509PathTest, ExpiredAndNotYetValid) {
  Pki p;
  Bytes expired = make_leaf(p.inter, {"host.example.com"}, [](CertSpec& s) {
    s.not_before = kNow - 2 * kYear;
    s.not_after = kNow - 1;
  });
  expect_failure(verify({p.root.cert}, {expired, p.inter.cert}),
                 AlertDescription::certificate_expired, {"certificate 0", "expired"});
  Bytes future = make_leaf(p.inter, {"host.example.com"}, [](CertSpec& s) {
    s.not_before = kNow + 10;
    s.not_after = kNow + kYear;
  });
  expect_failure(verify({p.root.cert}, {future, p.inter.cert}),
                 AlertDescription::certificate_expired, {"not yet valid"});
  // The boundaries are inclusive (RFC 5280 section 4.1.2.5).
  Bytes edge = make_leaf(p.inter, {"host.example.com"}, [](CertSpec& s) {
    s.not_before = kNow;
    s.not_after = kNow;
  });
  EXPECT_VERIFIED(verify({p.root.cert}, {edge, p.inter.cert}));

  Ca old =
      make_intermediate("Old Intermediate", p.root, [](CertSpec& s) { s.not_after = kNow - 100; });
  Bytes leaf = make_leaf(old, {"host.example.com"});
  expect_failure(verify({p.root.cert}, {leaf, old.cert}), AlertDescription::certificate_expired,
                 {"certificate 1 (CN=Old Intermediate)", "expired"});
}

TEST(X509PathTest, DefaultTimeIsNow) {
  Pki p;
  VerifyOptions o = opts();
  o.time.reset();
  // kNow is 2025; the certificates are valid until 2026-06. Only check the call works today or
  // reports expiry.
  auto r = verify({p.root.cert}, {p.leaf, p.inter.cert}, o);
  if (!r.ok()) {
    EXPECT_EQ(r.error().alert, AlertDescription::certificate_expired);
  }
}

TEST(X509PathTest, AnchorValidityIsCheckedUnlessOnlyNameAndKeyCount) {
  // RFC 5280 6.1.3 (a)(2) as OpenSSL, Go and pyca/cryptography read it for anchors.
  Ca root = make_root("Expired Root", [](CertSpec& s) { s.not_after = kNow - kYear / 2; });
  Bytes leaf = make_leaf(root, {"host.example.com"});
  expect_failure(verify({root.cert}, {leaf}), AlertDescription::certificate_expired,
                 {"trust anchor (CN=Expired Root)", "expired"});
  Ca future = make_root("Future Root", [](CertSpec& s) { s.not_before = kNow + 100; });
  expect_failure(verify({future.cert}, {make_leaf(future, {"host.example.com"})}),
                 AlertDescription::certificate_expired, {"trust anchor", "not yet valid"});
  // The RFC 5280 reading: an anchor is a name and a key.
  VerifyOptions o = opts();
  o.anchors = AnchorPolicy::kNameAndKey;
  EXPECT_VERIFIED(verify({root.cert}, {leaf}, o));
  EXPECT_VERIFIED(verify({future.cert}, {make_leaf(future, {"host.example.com"})}, o));
}

TEST(X509PathTest, LeafThatIsAnAnchor) {
  auto key = generate();
  CertSpec s = base_spec("self.example.com", "self.example.com", *key);
  s.dns_names = {"self.example.com"};
  Bytes self = issue(s, *key);
  auto r = verify({self}, {self}, opts("self.example.com"));
  EXPECT_VERIFIED(r);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->path.size(), 1u);
  // Not in the store: a self-signed leaf has no issuer.
  Ca other = make_root("Other");
  expect_failure(verify({other.cert}, {self}, opts("self.example.com")),
                 AlertDescription::unknown_ca, {"unknown issuer"});
}

TEST(X509PathTest, ExtendedKeyUsage) {
  Pki p;
  Bytes client_only = make_leaf(p.inter, {"host.example.com"}, [](CertSpec& s) {
    s.server_auth = false;
    s.client_auth = true;
  });
  expect_failure(verify({p.root.cert}, {client_only, p.inter.cert}),
                 AlertDescription::unsupported_certificate,
                 {"certificate 0", "extKeyUsage", "serverAuth"});
  VerifyOptions client = opts("");
  client.purpose = CertificatePurpose::kClientAuth;
  EXPECT_VERIFIED(verify({p.root.cert}, {client_only, p.inter.cert}, client));
  expect_failure(verify({p.root.cert}, {p.leaf, p.inter.cert}, client),
                 AlertDescription::unsupported_certificate, {"clientAuth"});

  Bytes no_eku = make_leaf(p.inter, {"host.example.com"}, [](CertSpec& s) {
    s.server_auth = false;
    s.client_auth = false;
  });
  EXPECT_VERIFIED(verify({p.root.cert}, {no_eku, p.inter.cert}));

  Bytes any_only = make_leaf(p.inter, {"host.example.com"}, [](CertSpec& s) {
    s.ext_key_usages = std::vector<Bytes>{oid_of(x509::oid::kAnyExtendedKeyUsage)};
  });
  expect_failure(verify({p.root.cert}, {any_only, p.inter.cert}),
                 AlertDescription::unsupported_certificate, {"extKeyUsage"});

  // An intermediate that carries EKU must allow the purpose too.
  Ca code_ca = make_intermediate("Code CA", p.root, [](CertSpec& s) {
    s.ext_key_usages = std::vector<Bytes>{oid_of(x509::oid::kCodeSigning)};
  });
  Bytes leaf = make_leaf(code_ca, {"host.example.com"});
  expect_failure(verify({p.root.cert}, {leaf, code_ca.cert}),
                 AlertDescription::unsupported_certificate,
                 {"certificate 1 (CN=Code CA)", "extKeyUsage"});
  Ca tls_ca = make_intermediate("TLS CA", p.root, [](CertSpec& s) {
    s.ext_key_usages = std::vector<Bytes>{oid_of(x509::oid::kServerAuth)};
  });
  EXPECT_VERIFIED(verify({p.root.cert}, {make_leaf(tls_ca, {"host.example.com"}), tls_ca.cert}));
}

TEST(X509PathTest, LeafKeyUsage) {
  Pki p;
  Bytes enc_only = make_leaf(p.inter, {"host.example.com"},
                             [](CertSpec& s) { s.key_usage = x509::key_usage::kKeyEncipherment; });
  expect_failure(verify({p.root.cert}, {enc_only, p.inter.cert}),
                 AlertDescription::unsupported_certificate, {"digitalSignature"});
  Bytes no_ku =
      make_leaf(p.inter, {"host.example.com"}, [](CertSpec& s) { s.include_key_usage = false; });
  EXPECT_VERIFIED(verify({p.root.cert}, {no_ku, p.inter.cert}));
}

TEST(X509PathTest, IntermediateWithoutCa) {
  Ca root = make_root("Root");
  Ca not_ca = make_intermediate("Not A CA", root, [](CertSpec& s) { s.is_ca = false; });
  Bytes leaf = make_leaf(not_ca, {"host.example.com"});
  expect_failure(verify({root.cert}, {leaf, not_ca.cert}), AlertDescription::certificate_unknown,
                 {"certificate 1 (CN=Not A CA): basicConstraints cA is false but it issued "
                  "certificate 0"});
  Ca no_bc =
      make_intermediate("No BC", root, [](CertSpec& s) { s.include_basic_constraints = false; });
  expect_failure(verify({root.cert}, {make_leaf(no_bc, {"host.example.com"}), no_bc.cert}),
                 AlertDescription::certificate_unknown, {"no basicConstraints"});
  Ca v1 = make_intermediate("V1", root, [](CertSpec& s) { s.version = 1; });
  expect_failure(verify({root.cert}, {make_leaf(v1, {"host.example.com"}), v1.cert}),
                 AlertDescription::certificate_unknown, {"v1 certificate"});
}

TEST(X509PathTest, KeyCertSignMissing) {
  Ca root = make_root("Root");
  Ca ca = make_intermediate("CRL Only", root,
                            [](CertSpec& s) { s.key_usage = x509::key_usage::kCrlSign; });
  expect_failure(verify({root.cert}, {make_leaf(ca, {"host.example.com"}), ca.cert}),
                 AlertDescription::certificate_unknown, {"CN=CRL Only", "keyCertSign"});
  // RFC 5280 4.2.1.3: a CA certificate MUST carry keyUsage (intermediates; see
  // X509StrictTest.TrustAnchorsAreCheckedAsCertificates for anchors).
  Ca no_ku = make_intermediate("No KU", root, [](CertSpec& s) { s.include_key_usage = false; });
  expect_failure(verify({root.cert}, {make_leaf(no_ku, {"host.example.com"}), no_ku.cert}),
                 AlertDescription::certificate_unknown, {"CN=No KU", "no keyUsage"});
}

TEST(X509PathTest, PathLenConstraint) {
  Ca root = make_root("Root");
  Ca upper = make_intermediate("Upper", root, [](CertSpec& s) { s.path_len = 0; });
  Ca lower = make_intermediate("Lower", upper);
  Bytes leaf = make_leaf(lower, {"host.example.com"});
  expect_failure(verify({root.cert}, {leaf, lower.cert, upper.cert}),
                 AlertDescription::certificate_unknown,
                 {"certificate 2 (CN=Upper)", "pathLenConstraint 0"});
  Ca upper1 = make_intermediate(
      "Upper", root, [](CertSpec& s) { s.path_len = 1; }, KeyType::kEcdsaP256);
  Ca lower1 = make_intermediate("Lower", upper1);
  EXPECT_VERIFIED(
      verify({root.cert}, {make_leaf(lower1, {"host.example.com"}), lower1.cert, upper1.cert}));
  // The anchor's own pathLenConstraint counts too (as in OpenSSL and pyca/cryptography), unless
  // the anchor is only a name and a key.
  Ca tight_root = make_root("Tight", [](CertSpec& s) { s.path_len = 0; });
  Ca mid = make_intermediate("Mid", tight_root);
  expect_failure(verify({tight_root.cert}, {make_leaf(mid, {"host.example.com"}), mid.cert}),
                 AlertDescription::certificate_unknown,
                 {"trust anchor (CN=Tight)", "pathLenConstraint 0"});
  EXPECT_VERIFIED(verify({tight_root.cert}, {make_leaf(tight_root, {"host.example.com"})}));
  VerifyOptions o = opts();
  o.anchors = AnchorPolicy::kNameAndKey;
  EXPECT_VERIFIED(verify({tight_root.cert}, {make_leaf(mid, {"host.example.com"}), mid.cert}, o));
  // pathLenConstraint is never applied to the leaf, and a leaf that is itself a CA with
  // pathLenConstraint 0 fails as a CA used as an end entity, not on path length.
  Bytes ca_leaf = make_leaf(mid, {"host.example.com"}, [](CertSpec& s) {
    s.is_ca = true;
    s.path_len = 0;
  });
  expect_failure(verify({tight_root.cert}, {ca_leaf, mid.cert}, o),
                 AlertDescription::unsupported_certificate, {"CA certificate"});
  // Under RFC 5280's profile, where a CA certificate may end the path, root -> intermediate
  // (pathLen 0) -> CA leaf (pathLen 0) is valid: neither pathLenConstraint counts the leaf.
  Ca root2 = make_root("Root 2");
  Ca pl0 = make_intermediate("PathLen 0", root2, [](CertSpec& s) { s.path_len = 0; });
  Bytes ca_leaf_pl0 = make_leaf(pl0, {"host.example.com"}, [](CertSpec& s) {
    s.is_ca = true;
    s.path_len = 0;
    s.key_usage = x509::key_usage::kDigitalSignature | x509::key_usage::kKeyCertSign;
  });
  expect_failure(verify({root2.cert}, {ca_leaf_pl0, pl0.cert}),
                 AlertDescription::unsupported_certificate, {"CA certificate"});
  VerifyOptions rfc5280 = opts();
  rfc5280.accept_ca_leaf = true;
  EXPECT_VERIFIED(verify({root2.cert}, {ca_leaf_pl0, pl0.cert}, rfc5280));
}

TEST(X509PathTest, UnknownCriticalExtension) {
  Pki p;
  CertSpec::RawExtension ext{oid({0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x01}), true,
                             Bytes{0x05, 0x00}};
  Bytes leaf = make_leaf(p.inter, {"host.example.com"},
                         [&](CertSpec& s) { s.extra_extensions.push_back(ext); });
  expect_failure(verify({p.root.cert}, {leaf, p.inter.cert}),
                 AlertDescription::unsupported_certificate,
                 {"certificate 0", "unhandled critical extension 1.3.6.1.4.1.311.1"});
  Ca ca =
      make_intermediate("Odd CA", p.root, [&](CertSpec& s) { s.extra_extensions.push_back(ext); });
  expect_failure(verify({p.root.cert}, {make_leaf(ca, {"host.example.com"}), ca.cert}),
                 AlertDescription::unsupported_certificate,
                 {"certificate 1 (CN=Odd CA)", "critical extension"});
  ext.critical = false;
  Bytes fine = make_leaf(p.inter, {"host.example.com"},
                         [&](CertSpec& s) { s.extra_extensions.push_back(ext); });
  EXPECT_VERIFIED(verify({p.root.cert}, {fine, p.inter.cert}));
}

TEST(X509PathTest, Sha1SignatureRefused) {
  Pki p;
  x509::DerWriter w;
  w.add_sequence([](x509::DerWriter& a) { a.add_oid(x509::oid::kEcdsaWithSha1); });
  Bytes sha1 = std::move(w).take();
  Bytes leaf =
      make_leaf(p.inter, {"host.example.com"}, [&](CertSpec& s) { s.signature_algorithm = sha1; });
  expect_failure(verify({p.root.cert}, {leaf, p.inter.cert}),
                 AlertDescription::unsupported_certificate, {"certificate 0", "SHA-1"});
  x509::DerWriter md5w;
  md5w.add_sequence([](x509::DerWriter& a) {
    a.add_oid(x509::oid::kMd5WithRsa);
    a.add_null();
  });
  Bytes md5 = std::move(md5w).take();
  Bytes leaf2 =
      make_leaf(p.inter, {"host.example.com"}, [&](CertSpec& s) { s.signature_algorithm = md5; });
  expect_failure(verify({p.root.cert}, {leaf2, p.inter.cert}),
                 AlertDescription::unsupported_certificate, {"MD5"});
}

TEST(X509PathTest, KeyTypesAndRsaPss) {
  Ca rsa_root = make_root("RSA Root", nullptr, KeyType::kRsa);
  // PKCS#1 v1.5 (the builder's default for RSA issuers).
  Ca p384 = make_intermediate("P-384 CA", rsa_root, nullptr, KeyType::kEcdsaP384);
  Ca ed = make_intermediate("Ed25519 CA", p384, nullptr, KeyType::kEd25519);
  Bytes leaf = make_leaf(ed, {"host.example.com"}, nullptr, generate(KeyType::kRsa));
  EXPECT_VERIFIED(verify({rsa_root.cert}, {leaf, ed.cert, p384.cert}));

  for (crypto::HashId h :
       {crypto::HashId::kSha256, crypto::HashId::kSha384, crypto::HashId::kSha512}) {
    SignatureScheme scheme = h == crypto::HashId::kSha256   ? SignatureScheme::rsa_pss_rsae_sha256
                             : h == crypto::HashId::kSha384 ? SignatureScheme::rsa_pss_rsae_sha384
                                                            : SignatureScheme::rsa_pss_rsae_sha512;
    Bytes pss_leaf = make_leaf(rsa_root, {"host.example.com"}, [&](CertSpec& s) {
      s.signature_algorithm = x509::pss_algorithm_identifier(h);
      s.signature_scheme = scheme;
    });
    auto parsed = x509::parse_certificate(pss_leaf);
    ASSERT_TRUE(parsed.ok()) << parsed.error().reason;
    auto alg = x509::parse_signature_algorithm(parsed->signature_algorithm);
    ASSERT_TRUE(alg.ok()) << alg.error().reason;
    EXPECT_VERIFIED(verify({rsa_root.cert}, {pss_leaf}));
  }
  // PSS parameters claiming SHA-384 over a SHA-256 signature: the signature fails.
  Bytes mismatched = make_leaf(rsa_root, {"host.example.com"}, [&](CertSpec& s) {
    s.signature_algorithm = x509::pss_algorithm_identifier(crypto::HashId::kSha384);
    s.signature_scheme = SignatureScheme::rsa_pss_rsae_sha256;
  });
  expect_failure(verify({rsa_root.cert}, {mismatched}), AlertDescription::bad_certificate,
                 {"does not verify"});
  // ECDSA with the hash of another curve does not fit the issuer key.
  Ca p256 = make_root("P-256 Root");
  x509::DerWriter w;
  w.add_sequence([](x509::DerWriter& a) { a.add_oid(x509::oid::kEcdsaWithSha384); });
  Bytes sha384 = std::move(w).take();
  Bytes odd =
      make_leaf(p256, {"host.example.com"}, [&](CertSpec& s) { s.signature_algorithm = sha384; });
  expect_failure(verify({p256.cert}, {odd}), AlertDescription::unsupported_certificate,
                 {"ecdsa-with-SHA384", "EC P-256"});
}

TEST(X509PathTest, CrossSignedRootBacktracksPastExpiredCrossSign) {
  // New Root is trusted only through cross-signatures: one by Old Root (expired), one by Other
  // Root (valid). The builder must back out of the expired one.
  Ca old_root = make_root("Old Root");
  Ca other_root = make_root("Other Root");
  Ca new_root = make_root("New Root");
  auto cross = [&](const Ca& by, bool expired) {
    CertSpec s = base_spec(by.name, "New Root", *new_root.key);
    s.is_ca = true;
    if (expired) {
      s.not_after = kNow - 1000;
    }
    return issue(s, *by.key);
  };
  Bytes cross_old = cross(old_root, true);
  Bytes cross_other = cross(other_root, false);
  Ca inter = make_intermediate("Issuing CA", new_root);
  Bytes leaf = make_leaf(inter, {"host.example.com"});
  auto r = verify({old_root.cert, other_root.cert}, {leaf, inter.cert, cross_old, cross_other});
  EXPECT_VERIFIED(r);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->path.size(), 4u);
  EXPECT_EQ(r->path[2], cross_other);
  EXPECT_EQ(r->path[3], other_root.cert);
  // With only the expired path, its error is the one reported.
  expect_failure(verify({old_root.cert}, {leaf, inter.cert, cross_old, cross_other}),
                 AlertDescription::certificate_expired, {"certificate 2 (CN=New Root)", "expired"});
  // Trusting New Root directly gives the short path.
  auto direct = verify({new_root.cert, old_root.cert}, {leaf, inter.cert, cross_old});
  EXPECT_VERIFIED(direct);
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(direct->path.size(), 3u);
}

TEST(X509PathTest, BacktracksPastSameSubjectWithWrongKey) {
  Ca root = make_root("Root");
  Ca good = make_intermediate("Twin", root);
  // Same subject, signed by the root, but another key: it cannot have issued the leaf.
  Ca wrong = make_intermediate("Twin", root);
  Bytes leaf = make_leaf(good, {"host.example.com"}, [](CertSpec& s) {
    s.authority_key_id = Bytes(20, 0xab);  // no useful AKI hint: the order of the chain decides
  });
  auto r = verify({root.cert}, {leaf, wrong.cert, good.cert});
  EXPECT_VERIFIED(r);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->path[1], good.cert);
  // Only the wrong twin: the signature error is reported.
  expect_failure(verify({root.cert}, {leaf, wrong.cert}), AlertDescription::bad_certificate,
                 {"certificate 0", "does not verify", "certificate 1 (CN=Twin)"});
}

TEST(X509PathTest, MostSpecificErrorWins) {
  Ca root = make_root("Root");
  Ca twin_expired = make_intermediate("Twin", root, [](CertSpec& s) { s.not_after = kNow - 10; });
  Ca twin_wrong_key = make_intermediate("Twin", root);
  // The leaf was issued by the expired twin's key.
  Bytes leaf = make_leaf(twin_expired, {"host.example.com"},
                         [](CertSpec& s) { s.authority_key_id = Bytes(20, 0xab); });
  for (auto order : {std::vector<Bytes>{leaf, twin_wrong_key.cert, twin_expired.cert},
                     std::vector<Bytes>{leaf, twin_expired.cert, twin_wrong_key.cert}}) {
    expect_failure(verify({root.cert}, order), AlertDescription::certificate_expired, {"expired"});
  }
}

TEST(X509PathTest, LoopIsCut) {
  // A issues B, B issues A; the leaf is issued by A; no anchor is reachable.
  auto key_a = generate();
  auto key_b = generate();
  CertSpec a = base_spec("B", "A", *key_a);
  a.is_ca = true;
  CertSpec b = base_spec("A", "B", *key_b);
  b.is_ca = true;
  Bytes cert_a = issue(a, *key_b);
  Bytes cert_b = issue(b, *key_a);
  Ca ca_a{"A", key_a, cert_a};
  Bytes leaf = make_leaf(ca_a, {"host.example.com"});
  Ca unrelated = make_root("Root");
  expect_failure(verify({unrelated.cert}, {leaf, cert_a, cert_b}), AlertDescription::unknown_ca,
                 {"loop"});
}

TEST(X509PathTest, TooDeep) {
  Ca root = make_root("Root");
  std::vector<Ca> cas;
  cas.push_back(root);
  for (int i = 0; i < 10; i++) {
    cas.push_back(make_intermediate("CA " + std::to_string(i), cas.back()));
  }
  Bytes leaf = make_leaf(cas.back(), {"host.example.com"});
  std::vector<Bytes> chain{leaf};
  for (size_t i = cas.size() - 1; i >= 1; i--) {
    chain.push_back(cas[i].cert);
  }
  // leaf + 10 intermediates + root = 12 > 10.
  expect_failure(verify({root.cert}, chain), AlertDescription::unknown_ca, {"max_depth 10"});
  VerifyOptions o = opts();
  o.max_depth = 12;
  EXPECT_VERIFIED(verify({root.cert}, chain, o));
}

TEST(X509PathTest, SignatureBudget) {
  Ca root = make_root("Root");
  Ca real = make_intermediate("Crowd", root);
  Bytes leaf = make_leaf(real, {"host.example.com"},
                         [](CertSpec& s) { s.authority_key_id = Bytes(20, 0xab); });
  std::vector<Bytes> chain{leaf};
  auto decoy_key = generate();
  for (int i = 0; i < 110; i++) {
    CertSpec s = base_spec("Root", "Crowd", *decoy_key);
    s.is_ca = true;
    chain.push_back(issue(s, *root.key));
  }
  chain.push_back(real.cert);
  auto budget = verify({root.cert}, chain);
  if (budget.ok()) {
    ADD_FAILURE() << "verified through a path of " << budget->path.size();
  }
  expect_failure(budget, AlertDescription::certificate_unknown, {"max_signature_checks", "100"});
  VerifyOptions o = opts();
  o.max_signature_checks = 200;
  EXPECT_VERIFIED(verify({root.cert}, chain, o));
  // Two steps are needed: the leaf, then the real intermediate.
  o.max_path_building_calls = 1;
  expect_failure(verify({root.cert}, chain, o), AlertDescription::certificate_unknown,
                 {"max_path_building_calls"});
}

TEST(X509PathTest, MalformedCertificateInChain) {
  Pki p;
  Bytes broken = p.inter.cert;
  broken.pop_back();
  // Pushed one by one: GCC 12 -O3 warns falsely (-Warray-bounds) on this list as an
  // initializer list.
  std::vector<Bytes> chain;
  chain.push_back(p.leaf);
  chain.push_back(std::move(broken));
  expect_failure(verify({p.root.cert}, chain), AlertDescription::bad_certificate,
                 {"certificate 1"});
  expect_failure(verify({p.root.cert}, {}), AlertDescription::bad_certificate, {"empty"});
}

// ---- Names ----

TEST(X509NameTest, DnsNamesFromSanOnlyNeverCommonName) {
  Pki p;
  Bytes cn_only = make_leaf(p.inter, {}, [](CertSpec& s) { s.subject_cn = "host.example.com"; });
  expect_failure(verify({p.root.cert}, {cn_only, p.inter.cert}), AlertDescription::bad_certificate,
                 {"no subjectAltName", "Common Name"});
  expect_failure(verify({p.root.cert}, {p.leaf, p.inter.cert}, opts("other.example.com")),
                 AlertDescription::bad_certificate,
                 {"not valid for name \"other.example.com\"", "host.example.com"});
  EXPECT_VERIFIED(verify({p.root.cert}, {p.leaf, p.inter.cert}, opts("HOST.Example.COM")));
  EXPECT_VERIFIED(verify({p.root.cert}, {p.leaf, p.inter.cert}, opts("host.example.com.")));
  // No reference name: no name check (client certificates).
  EXPECT_VERIFIED(verify({p.root.cert}, {cn_only, p.inter.cert}, opts("")));
}

TEST(X509NameTest, WildcardsEndToEnd) {
  Ca root = make_root("Root");
  Bytes wild = make_leaf(root, {"*.example.com"});
  EXPECT_VERIFIED(verify({root.cert}, {wild}, opts("a.example.com")));
  expect_failure(verify({root.cert}, {wild}, opts("a.b.example.com")),
                 AlertDescription::bad_certificate, {"not valid for name"});
  expect_failure(verify({root.cert}, {wild}, opts("example.com")),
                 AlertDescription::bad_certificate, {"not valid for name"});
  Bytes tld = make_leaf(root, {"*.com"});
  expect_failure(verify({root.cert}, {tld}, opts("example.com")), AlertDescription::bad_certificate,
                 {"not valid"});
  Bytes partial = make_leaf(root, {"f*.example.com"});
  expect_failure(verify({root.cert}, {partial}, opts("foo.example.com")),
                 AlertDescription::bad_certificate, {"not valid"});
}

TEST(X509NameTest, WildcardRules) {
  using x509::dns_name_matches;
  EXPECT_TRUE(dns_name_matches("*.example.com", "a.example.com"));
  EXPECT_TRUE(dns_name_matches("*.EXAMPLE.com", "a.example.com"));
  EXPECT_FALSE(dns_name_matches("*.example.com", "a.b.example.com"));
  EXPECT_FALSE(dns_name_matches("*.example.com", "example.com"));
  EXPECT_FALSE(dns_name_matches("*.com", "example.com"));
  EXPECT_FALSE(dns_name_matches("f*.example.com", "foo.example.com"));
  EXPECT_FALSE(dns_name_matches("*oo.example.com", "foo.example.com"));
  EXPECT_FALSE(dns_name_matches("a.*.example.com", "a.b.example.com"));
  EXPECT_FALSE(dns_name_matches("*", "a"));
  EXPECT_FALSE(dns_name_matches("example.com.", "example.com"));
  EXPECT_FALSE(dns_name_matches("exa mple.com", "exa mple.com"));
  EXPECT_TRUE(dns_name_matches("xn--bcher-kva.example", "xn--bcher-kva.example"));
  EXPECT_TRUE(dns_name_matches("Host.Example.Com", "host.example.com"));
}

TEST(X509NameTest, ReferenceNameValidation) {
  using x509::normalize_reference_dns_name;
  auto ok = normalize_reference_dns_name("WWW.Example.com.");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, "www.example.com");
  for (std::string_view bad : {"", ".", "a..b", ".a.b", "a.b..", "-a.b", "a-.b",
                               "b\xc3\xbc"
                               "cher.de",
                               "*.example.com", "a b.com", "1.2.3.4", "example.123"}) {
    auto r = normalize_reference_dns_name(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().kind, ErrorKind::kBadConfig);
    }
  }
  EXPECT_FALSE(normalize_reference_dns_name(std::string(64, 'a') + ".com").ok());
  EXPECT_TRUE(normalize_reference_dns_name(std::string(63, 'a') + ".com").ok());
  EXPECT_TRUE(normalize_reference_dns_name("under_score.example").ok());
  // Through the public API, a non-ASCII reference is a configuration error.
  Pki p;
  auto r = verify({p.root.cert}, {p.leaf, p.inter.cert},
                  opts("b\xc3\xbc"
                       "cher.example"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kBadConfig);
  EXPECT_NE(r.error().reason.find("A-labels"), std::string::npos);
}

TEST(X509NameTest, IpAddressSans) {
  Ca root = make_root("Root");
  Bytes leaf = make_leaf(root, {"host.example.com"}, [](CertSpec& s) {
    s.ip_addresses = {Bytes{192, 0, 2, 1},
                      Bytes{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}};
  });
  auto roots = store({root.cert});
  auto v = webpki_verifier(roots, CertificatePurpose::kServerAuth);
  std::vector<Bytes> chain{leaf};
  // webpki_verifier uses the current time: these certificates are valid around kNow only, so
  // check through verify_certificate_chain with fixed time and the verifier's parsing alone.
  VerifyOptions o = opts("");
  o.ip_address = x509::parse_ip_literal("192.0.2.1");
  EXPECT_VERIFIED(verify({root.cert}, chain, o));
  o.ip_address = x509::parse_ip_literal("2001:db8::1");
  EXPECT_VERIFIED(verify({root.cert}, chain, o));
  o.ip_address = x509::parse_ip_literal("192.0.2.2");
  expect_failure(verify({root.cert}, chain, o), AlertDescription::bad_certificate,
                 {"not valid for IP address 192.0.2.2", "192.0.2.1"});
  // An IP is never matched against dNSName entries, nor a name against iPAddress entries.
  Bytes dns_ip = make_leaf(root, {"192.0.2.1.example"});
  o.ip_address = x509::parse_ip_literal("192.0.2.1");
  expect_failure(verify({root.cert}, {dns_ip}, o), AlertDescription::bad_certificate,
                 {"iPAddress names: none"});
  EXPECT_FALSE(x509::parse_ip_literal("192.0.2").has_value());
  EXPECT_FALSE(x509::parse_ip_literal("host.example.com").has_value());
  EXPECT_EQ(x509::parse_ip_literal("::1")->size(), 16u);
}

TEST(X509NameTest, WebPkiVerifierRoutesNames) {
  // Certificates valid now, since the verifier uses the clock.
  auto now = static_cast<int64_t>(std::time(nullptr));
  auto root_key = generate();
  CertSpec rs = base_spec("Now Root", "Now Root", *root_key);
  rs.is_ca = true;
  rs.not_before = now - 3600;
  rs.not_after = now + 3600;
  Ca root{"Now Root", root_key, issue(rs, *root_key)};
  Bytes leaf = make_leaf(root, {"host.example.com"}, [&](CertSpec& s) {
    s.not_before = now - 3600;
    s.not_after = now + 3600;
    s.ip_addresses = {Bytes{10, 0, 0, 1}};
    s.client_auth = true;
  });
  auto roots = store({root.cert});
  std::vector<Bytes> chain{leaf};
  auto server = webpki_verifier(roots, CertificatePurpose::kServerAuth);
  EXPECT_TRUE(server->verify(chain, "host.example.com").ok());
  EXPECT_TRUE(server->verify(chain, "10.0.0.1").ok());
  Status wrong_ip = server->verify(chain, "10.0.0.2");
  ASSERT_FALSE(wrong_ip.ok());
  EXPECT_EQ(wrong_ip.error().alert, AlertDescription::bad_certificate);
  EXPECT_FALSE(server->verify(chain, "other.example.com").ok());
  auto client = webpki_verifier(roots, CertificatePurpose::kClientAuth);
  EXPECT_TRUE(client->verify(chain, "").ok());
  Ca other = make_root("Other");
  auto other_v = webpki_verifier(store({other.cert}), CertificatePurpose::kClientAuth);
  Status s = other_v->verify(chain, "");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::unknown_ca);
}

// ---- Name constraints ----

TEST(X509NameConstraintTest, DnsPermittedAndExcluded) {
  Ca root = make_root("Root");
  Ca ca = make_intermediate("Constrained", root, [](CertSpec& s) {
    s.permitted_dns = {"example.com"};
    s.excluded_dns = {"secret.example.com"};
  });
  auto check = [&](std::vector<std::string> names) {
    return verify({root.cert}, {make_leaf(ca, names), ca.cert}, opts(""));
  };
  EXPECT_VERIFIED(check({"example.com"}));
  EXPECT_VERIFIED(check({"www.Example.com"}));
  EXPECT_VERIFIED(check({"*.www.example.com"}));
  expect_failure(check({"www.example.org"}), AlertDescription::certificate_unknown,
                 {"certificate 0", "nameConstraints of certificate 1 (CN=Constrained)",
                  "\"www.example.org\" is outside the permitted subtrees"});
  expect_failure(check({"notexample.com"}), AlertDescription::certificate_unknown,
                 {"outside the permitted"});
  // A second SAN outside the subtree fails even though the reference name is inside.
  expect_failure(check({"www.example.com", "evil.org"}), AlertDescription::certificate_unknown,
                 {"evil.org"});
  expect_failure(check({"a.secret.example.com"}), AlertDescription::certificate_unknown,
                 {"excluded subtree \"secret.example.com\""});
  expect_failure(check({"secret.example.com"}), AlertDescription::certificate_unknown,
                 {"excluded"});
  // "*.example.com" could stand for secret.example.com.
  Ca ex_only = make_intermediate("Excluder", root,
                                 [](CertSpec& s) { s.excluded_dns = {"secret.example.com"}; });
  expect_failure(verify({root.cert}, {make_leaf(ex_only, {"*.example.com"}), ex_only.cert},
                        opts("a.example.com")),
                 AlertDescription::certificate_unknown, {"excluded"});
}

TEST(X509NameConstraintTest, AppliesDownTheChainAndFromAnchors) {
  Ca root = make_root("Root", [](CertSpec& s) { s.permitted_dns = {"corp.example"}; });
  Ca inter = make_intermediate("Inter", root);
  EXPECT_VERIFIED(verify({root.cert}, {make_leaf(inter, {"a.corp.example"}), inter.cert},
                         opts("a.corp.example")));
  expect_failure(verify({root.cert}, {make_leaf(inter, {"a.other.example"}), inter.cert},
                        opts("a.other.example")),
                 AlertDescription::certificate_unknown,
                 {"certificate 0", "trust anchor (CN=Root)", "a.other.example"});
  // Intermediates' own SANs are constrained too.
  Ca named = make_intermediate("Named", root, [](CertSpec& s) { s.dns_names = {"ca.other"}; });
  expect_failure(verify({root.cert}, {make_leaf(named, {"a.corp.example"}), named.cert},
                        opts("a.corp.example")),
                 AlertDescription::certificate_unknown, {"certificate 1 (CN=Named)", "ca.other"});
}

TEST(X509NameConstraintTest, IpPermittedAndExcluded) {
  Ca root = make_root("Root");
  Ca ca = make_intermediate("IP CA", root, [](CertSpec& s) {
    s.permitted_ips = {Bytes{10, 0, 0, 0, 255, 0, 0, 0}};
    s.excluded_ips = {Bytes{10, 9, 0, 0, 255, 255, 0, 0}};
  });
  auto check = [&](Bytes ip) {
    Bytes leaf = make_leaf(ca, {"host.example.com"}, [&](CertSpec& s) { s.ip_addresses = {ip}; });
    return verify({root.cert}, {leaf, ca.cert}, opts(""));
  };
  EXPECT_VERIFIED(check({10, 1, 2, 3}));
  expect_failure(check({11, 1, 2, 3}), AlertDescription::certificate_unknown,
                 {"iPAddress 11.1.2.3 is outside the permitted subtrees"});
  expect_failure(check({10, 9, 2, 3}), AlertDescription::certificate_unknown,
                 {"iPAddress 10.9.2.3 is in an excluded subtree"});
  // An IPv6 address is outside an IPv4-only permitted list.
  expect_failure(check(Bytes(16, 0x20)), AlertDescription::certificate_unknown,
                 {"outside the permitted"});
  // A non-CIDR mask is malformed.
  Ca bad_mask = make_intermediate("Bad Mask", root, [](CertSpec& s) {
    s.permitted_ips = {Bytes{10, 0, 0, 0, 255, 0, 255, 0}};
  });
  Bytes leaf = make_leaf(bad_mask, {"host.example.com"});
  expect_failure(verify({root.cert}, {leaf, bad_mask.cert}), AlertDescription::bad_certificate,
                 {"certificate 1", "CIDR"});
}

TEST(X509NameConstraintTest, DirectoryNames) {
  auto name = [](std::vector<std::pair<std::string, std::string>> rdns) {
    auto n = x509::build_name(rdns);
    EXPECT_TRUE(n.ok());
    return n.ok() ? *n : Bytes{};
  };
  Ca root = make_root("Root");
  Ca ca = make_intermediate("Dir CA", root, [&](CertSpec& s) {
    s.permitted_dirs = {name({{"C", "US"}, {"O", "Example"}})};
    s.excluded_dirs = {name({{"C", "US"}, {"O", "Example"}, {"OU", "Blocked"}})};
  });
  auto check = [&](Bytes subject) {
    Bytes leaf =
        make_leaf(ca, {"host.example.com"}, [&](CertSpec& s) { s.subject_name = subject; });
    return verify({root.cert}, {leaf, ca.cert});
  };
  EXPECT_VERIFIED(check(name({{"C", "US"}, {"O", "Example"}, {"CN", "host"}})));
  expect_failure(check(name({{"C", "US"}, {"O", "Other"}, {"CN", "host"}})),
                 AlertDescription::certificate_unknown,
                 {"directoryName \"C=US, O=Other, CN=host\" is outside the permitted subtrees"});
  expect_failure(check(name({{"C", "US"}, {"O", "Example"}, {"OU", "Blocked"}, {"CN", "x"}})),
                 AlertDescription::certificate_unknown, {"excluded subtree"});
}

TEST(X509NameConstraintTest, UncheckableFormIsRefused) {
  x509::DerWriter uri;
  uri.add_sequence([](x509::DerWriter& nc) {
    nc.add_constructed(x509::tag::context_constructed(0), [](x509::DerWriter& list) {
      list.add_sequence(
          [](x509::DerWriter& st) { st.add_string(x509::tag::context_specific(6), ".example"); });
    });
  });
  CertSpec::RawExtension ext{oid_of(x509::oid::kNameConstraints), true, std::move(uri).take()};
  Ca root = make_root("Root");
  Ca ca = make_intermediate("URI CA", root, [&](CertSpec& s) { s.extra_extensions = {ext}; });
  Bytes with_uri =
      make_leaf(ca, {"host.example.com"}, [](CertSpec& s) { s.uris = {"https://host.example/"}; });
  expect_failure(verify({root.cert}, {with_uri, ca.cert}), AlertDescription::certificate_unknown,
                 {"uniformResourceIdentifier"});
  // Without a URI name in the leaf, the URI constraint has nothing to check.
  EXPECT_VERIFIED(verify({root.cert}, {make_leaf(ca, {"host.example.com"}), ca.cert}));
}

TEST(X509NameConstraintTest, SubtreeMatching) {
  using x509::dns_name_in_subtree;
  EXPECT_TRUE(dns_name_in_subtree("example.com", "example.com"));
  EXPECT_TRUE(dns_name_in_subtree("a.b.example.com", "Example.COM"));
  EXPECT_FALSE(dns_name_in_subtree("badexample.com", "example.com"));
  EXPECT_FALSE(dns_name_in_subtree("example.com", ".example.com"));
  EXPECT_TRUE(dns_name_in_subtree("a.example.com", ".example.com"));
  EXPECT_TRUE(dns_name_in_subtree("anything", ""));
  uint8_t v4[] = {192, 168, 1, 7};
  uint8_t net[] = {192, 168, 0, 0, 255, 255, 0, 0};
  uint8_t host_only[] = {192, 168, 1, 7, 255, 255, 255, 255};
  EXPECT_TRUE(x509::ip_in_subtree(v4, net));
  EXPECT_TRUE(x509::ip_in_subtree(v4, host_only));
  uint8_t other[] = {192, 169, 1, 7};
  EXPECT_FALSE(x509::ip_in_subtree(other, net));
}

// ---- Certificate model ----

TEST(X509ModelTest, ParsesExtensions) {
  auto key = generate();
  CertSpec s = base_spec("Issuer", "Subject", *key);
  s.is_ca = true;
  s.path_len = 2;
  s.permitted_dns = {"example.com"};
  s.excluded_ips = {Bytes{10, 0, 0, 0, 255, 0, 0, 0}};
  s.ext_key_usages =
      std::vector<Bytes>{oid_of(x509::oid::kServerAuth), oid_of(x509::oid::kClientAuth)};
  s.dns_names = {"a.example.com"};
  s.uris = {"https://x/"};
  Bytes der = issue(s, *key);
  auto c = x509::parse_certificate(der);
  ASSERT_TRUE(c.ok()) << c.error().reason;
  EXPECT_EQ(c->key_type, x509::PublicKeyType::kEcP256);
  ASSERT_TRUE(c->key_usage.has_value());
  EXPECT_EQ(*c->key_usage, x509::key_usage::kKeyCertSign | x509::key_usage::kCrlSign);
  EXPECT_TRUE(c->has_ext_key_usage);
  EXPECT_EQ(c->ext_key_usages.size(), 2u);
  ASSERT_TRUE(c->name_constraints.has_value());
  ASSERT_EQ(c->name_constraints->permitted.size(), 1u);
  EXPECT_EQ(c->name_constraints->permitted[0].form, x509::general_name::kDnsName);
  ASSERT_EQ(c->name_constraints->excluded.size(), 1u);
  EXPECT_EQ(c->name_constraints->excluded[0].base.size(), 8u);
  EXPECT_EQ(c->subject_key_id.size(), 20u);
  EXPECT_EQ(c->authority_key_id.size(), 20u);
  EXPECT_EQ(c->other_name_forms, 1u << x509::general_name::kUri);
  EXPECT_EQ(c->unhandled_critical_extension(), nullptr);
  auto alg = x509::parse_signature_algorithm(c->signature_algorithm);
  ASSERT_TRUE(alg.ok());
  EXPECT_EQ(*alg, x509::SignatureAlgorithm::kEcdsaSha256);
  EXPECT_EQ(x509::signature_scheme_for(*alg, x509::PublicKeyType::kEcP256),
            SignatureScheme::ecdsa_secp256r1_sha256);
  EXPECT_FALSE(x509::signature_scheme_for(*alg, x509::PublicKeyType::kRsa).has_value());
}

TEST(X509ModelTest, RejectsMalformedExtensions) {
  auto key = generate();
  auto with_ext = [&](Bytes ext_oid, Bytes value) {
    CertSpec s = base_spec("I", "S", *key);
    s.extra_extensions.push_back({std::move(ext_oid), false, std::move(value)});
    s.include_key_usage = false;
    return issue(s, *key);
  };
  // keyUsage with no bit set.
  Bytes empty_ku = with_ext(oid_of(x509::oid::kKeyUsage), Bytes{0x03, 0x01, 0x00});
  EXPECT_FALSE(x509::parse_certificate(empty_ku).ok());
  // keyUsage 0x80 padded with a trailing zero byte: strict rejects, anchor mode accepts.
  Bytes padded = with_ext(oid_of(x509::oid::kKeyUsage), Bytes{0x03, 0x03, 0x00, 0x80, 0x00});
  auto strict = x509::parse_certificate(padded);
  ASSERT_FALSE(strict.ok());
  EXPECT_NE(strict.error().reason.find("trailing zero bits"), std::string::npos);
  EXPECT_TRUE(x509::parse_certificate(padded, x509::ParseMode::kTrustAnchor).ok());
  // Empty extKeyUsage.
  EXPECT_FALSE(
      x509::parse_certificate(with_ext(oid_of(x509::oid::kExtKeyUsage), Bytes{0x30, 0x00})).ok());
  // Empty nameConstraints.
  EXPECT_FALSE(
      x509::parse_certificate(with_ext(oid_of(x509::oid::kNameConstraints), Bytes{0x30, 0x00}))
          .ok());
  // A GeneralSubtree with a maximum.
  EXPECT_FALSE(x509::parse_certificate(with_ext(oid_of(x509::oid::kNameConstraints),
                                                Bytes{0x30, 0x0b, 0xa0, 0x09, 0x30, 0x07, 0x82,
                                                      0x02, 'a', 'b', 0x81, 0x01, 0x01}))
                   .ok());
}

TEST(X509ModelTest, SignatureAlgorithmIdentification) {
  auto alg_of = [](ByteView der) {
    x509::DerReader r(der);
    x509::DerReader seq;
    x509::AlgorithmIdentifier a;
    EXPECT_TRUE(r.sequence(seq).ok());
    EXPECT_TRUE(seq.read_oid(a.oid).ok());
    if (!seq.empty()) {
      a.params = seq.rest();
    }
    a.der = der;
    return x509::parse_signature_algorithm(a);
  };
  for (auto h : {crypto::HashId::kSha256, crypto::HashId::kSha384, crypto::HashId::kSha512}) {
    Bytes pss = x509::pss_algorithm_identifier(h);
    auto r = alg_of(pss);
    ASSERT_TRUE(r.ok()) << r.error().reason;
  }
  // RSASSA-PSS with default (SHA-1) parameters: an empty params SEQUENCE.
  Bytes pss_default{0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                    0xf7, 0x0d, 0x01, 0x01, 0x0a, 0x30, 0x00};
  auto d = alg_of(pss_default);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().alert, AlertDescription::unsupported_certificate);
  // sha256WithRSAEncryption without NULL parameters is malformed.
  Bytes no_null{0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b};
  auto n = alg_of(no_null);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().alert, AlertDescription::bad_certificate);
  Bytes sha1rsa{0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                0xf7, 0x0d, 0x01, 0x01, 0x05, 0x05, 0x00};
  auto s = alg_of(sha1rsa);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::unsupported_certificate);
  EXPECT_NE(s.error().reason.find("SHA-1"), std::string::npos);
}

// ---- Rules of RFC 5280 and the CA/Browser Forum that a strict validator enforces ----

// rsa_spki makes an rsaEncryption SubjectPublicKeyInfo with a modulus of `bits` bits (a fake:
// only its size matters, the leaf's key never verifies anything in path validation) and
// exponent `e`.
Bytes rsa_spki(size_t bits, uint32_t e = 65537) {
  Bytes modulus((bits + 7) / 8, 0xc5);
  modulus[0] = static_cast<uint8_t>(0xff >> ((8 - bits % 8) % 8));
  modulus.back() |= 1;
  Bytes exponent;
  for (int shift = 24; shift >= 0; shift -= 8) {
    if (!exponent.empty() || (e >> shift) != 0) {
      exponent.push_back(static_cast<uint8_t>(e >> shift));
    }
  }
  x509::DerWriter key;
  key.add_sequence([&](x509::DerWriter& k) {
    k.add_unsigned_integer(modulus);
    k.add_unsigned_integer(exponent);
  });
  x509::DerWriter spki;
  spki.add_sequence([&](x509::DerWriter& w) {
    w.add_sequence([](x509::DerWriter& alg) {
      alg.add_oid(x509::oid::kRsaEncryption);
      alg.add_null();
    });
    w.add_bit_string(key.view());
  });
  return std::move(spki).take();
}

// ec_spki_on makes an id-ecPublicKey SubjectPublicKeyInfo on the curve `curve` (OID contents)
// with a point of `point_len` bytes.
Bytes spki_with(ByteView alg_oid, std::optional<Bytes> curve, size_t point_len) {
  Bytes point(point_len, 0x11);
  point[0] = 0x04;
  x509::DerWriter spki;
  spki.add_sequence([&](x509::DerWriter& w) {
    w.add_sequence([&](x509::DerWriter& alg) {
      alg.add_oid(alg_oid);
      if (curve) {
        alg.add_oid(*curve);
      }
    });
    w.add_bit_string(point);
  });
  return std::move(spki).take();
}

Bytes leaf_with_spki(const Ca& issuer, Bytes spki) {
  auto key = generate();
  CertSpec s = base_spec(issuer.name, "host.example.com", *key);
  s.dns_names = {"host.example.com"};
  s.subject_spki = std::move(spki);
  return issue(s, *issuer.key);
}

TEST(X509StrictTest, TrustAnchorsAreCheckedAsCertificates) {
  // RFC 5280 4.2: an anchor with an unknown critical extension.
  CertSpec::RawExtension unknown{
      oid({0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x63, 0x01}), true, {0x05, 0x00}};
  Ca critical = make_root("Critical Root", [&](CertSpec& s) { s.extra_extensions = {unknown}; });
  expect_failure(verify({critical.cert}, {make_leaf(critical, {"host.example.com"})}),
                 AlertDescription::unsupported_certificate,
                 {"trust anchor (CN=Critical Root)", "unhandled critical extension"});
  // RFC 5280 4.2.1.9: an anchor without basicConstraints, with cA FALSE, or with it not
  // critical.
  Ca no_bc = make_root("No BC Root", [](CertSpec& s) { s.include_basic_constraints = false; });
  expect_failure(verify({no_bc.cert}, {make_leaf(no_bc, {"host.example.com"})}),
                 AlertDescription::certificate_unknown,
                 {"trust anchor (CN=No BC Root)", "no basicConstraints"});
  Ca not_ca = make_root("Not CA Root", [](CertSpec& s) {
    s.is_ca = false;
    s.key_usage = x509::key_usage::kKeyCertSign;
  });
  expect_failure(verify({not_ca.cert}, {make_leaf(not_ca, {"host.example.com"})}),
                 AlertDescription::certificate_unknown, {"cA is false"});
  Ca soft_bc =
      make_root("Soft BC Root", [](CertSpec& s) { s.basic_constraints_not_critical = true; });
  expect_failure(verify({soft_bc.cert}, {make_leaf(soft_bc, {"host.example.com"})}),
                 AlertDescription::certificate_unknown,
                 {"basicConstraints is not marked critical"});
  // keyUsage without keyCertSign.
  Ca no_sign =
      make_root("No Sign Root", [](CertSpec& s) { s.key_usage = x509::key_usage::kCrlSign; });
  expect_failure(verify({no_sign.cert}, {make_leaf(no_sign, {"host.example.com"})}),
                 AlertDescription::certificate_unknown, {"keyCertSign"});
  // A v1 anchor is taken as a CA; an anchor without keyUsage or subjectKeyIdentifier is kept.
  Ca v1 = make_root("V1 Root", [](CertSpec& s) { s.version = 1; });
  EXPECT_VERIFIED(verify({v1.cert}, {make_leaf(v1, {"host.example.com"})}));
  Ca bare = make_root("Bare Root", [](CertSpec& s) {
    s.include_key_usage = false;
    s.include_key_ids = false;
  });
  EXPECT_VERIFIED(verify({bare.cert}, {make_leaf(bare, {"host.example.com"})}));
  // Every refusal above is lifted by the name-and-key reading.
  VerifyOptions o = opts();
  o.anchors = AnchorPolicy::kNameAndKey;
  for (const Ca* ca : {&critical, &no_bc, &not_ca, &soft_bc, &no_sign}) {
    EXPECT_VERIFIED(verify({ca->cert}, {make_leaf(*ca, {"host.example.com"})}, o));
  }
}

TEST(X509StrictTest, CaCertificateIsNotAnEndEntity) {
  Pki p;
  // CA/Browser Forum BR 7.1.2.7.8; RFC 5280 4.2.1.9.
  Bytes ca_leaf = make_leaf(p.inter, {"host.example.com"}, [](CertSpec& s) { s.is_ca = true; });
  expect_failure(verify({p.root.cert}, {ca_leaf, p.inter.cert}),
                 AlertDescription::unsupported_certificate,
                 {"certificate 0", "CA certificate (basicConstraints cA=TRUE)"});
  // RFC 5280 4.2.1.3: keyCertSign without cA.
  Bytes signer = make_leaf(p.inter, {"host.example.com"}, [](CertSpec& s) {
    s.key_usage = x509::key_usage::kDigitalSignature | x509::key_usage::kKeyCertSign;
  });
  expect_failure(verify({p.root.cert}, {signer, p.inter.cert}), AlertDescription::bad_certificate,
                 {"keyCertSign", "cA is not TRUE"});
  // RFC 5280 4.2.1.10: nameConstraints only in CA certificates.
  Bytes constrained = make_leaf(p.inter, {"host.example.com"},
                                [](CertSpec& s) { s.permitted_dns = {"example.com"}; });
  expect_failure(verify({p.root.cert}, {constrained, p.inter.cert}),
                 AlertDescription::bad_certificate,
                 {"end-entity certificate with nameConstraints"});
  // A self-signed CA certificate the caller trusts directly (openssl req -x509 makes those) is
  // still accepted as the leaf: the caller chose that very certificate.
  auto key = generate();
  CertSpec s = base_spec("self.example.com", "self.example.com", *key);
  s.is_ca = true;
  s.key_usage = x509::key_usage::kDigitalSignature | x509::key_usage::kKeyCertSign;
  s.dns_names = {"self.example.com"};
  Bytes self = issue(s, *key);
  EXPECT_VERIFIED(verify({self}, {self}, opts("self.example.com")));
}

TEST(X509StrictTest, OneKeyPolicyForEveryCertificate) {
  Pki p;
  // CA/Browser Forum BR 6.1.5: RSA moduli of at least 2048 bits, a multiple of 8.
  expect_failure(verify({p.root.cert}, {leaf_with_spki(p.inter, rsa_spki(1024)), p.inter.cert}),
                 AlertDescription::unsupported_certificate,
                 {"certificate 0", "RSA key of 1024 bits is too weak"});
  expect_failure(verify({p.root.cert}, {leaf_with_spki(p.inter, rsa_spki(2052)), p.inter.cert}),
                 AlertDescription::unsupported_certificate, {"not a whole number of bytes"});
  expect_failure(
      verify({p.root.cert}, {leaf_with_spki(p.inter, rsa_spki(2048, 65536)), p.inter.cert}),
      AlertDescription::unsupported_certificate, {"exponent"});
  EXPECT_VERIFIED(verify({p.root.cert}, {leaf_with_spki(p.inter, rsa_spki(2048)), p.inter.cert}));
  // The minimum can be raised, not lowered.
  VerifyOptions o = opts();
  o.min_rsa_bits = 3072;
  expect_failure(verify({p.root.cert}, {leaf_with_spki(p.inter, rsa_spki(2048)), p.inter.cert}, o),
                 AlertDescription::unsupported_certificate, {"minimum is 3072"});
  EXPECT_VERIFIED(
      verify({p.root.cert}, {leaf_with_spki(p.inter, rsa_spki(3072)), p.inter.cert}, o));
  o.min_rsa_bits = 1024;
  expect_failure(verify({p.root.cert}, {leaf_with_spki(p.inter, rsa_spki(1024)), p.inter.cert}, o),
                 AlertDescription::unsupported_certificate, {"minimum is 2048"});
  // P-192 (secp192r1) and DSA keys.
  const Bytes secp192r1{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x01};
  expect_failure(verify({p.root.cert},
                        {leaf_with_spki(p.inter, spki_with(x509::oid::kEcPublicKey, secp192r1, 49)),
                         p.inter.cert}),
                 AlertDescription::unsupported_certificate, {"unsupported public key algorithm"});
  const Bytes dsa{0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01};
  expect_failure(verify({p.root.cert},
                        {leaf_with_spki(p.inter, spki_with(dsa, std::nullopt, 128)), p.inter.cert}),
                 AlertDescription::unsupported_certificate, {"1.2.840.10040.4.1"});
}

TEST(X509StrictTest, SerialNumbers) {
  Pki p;
  // RFC 5280 4.1.2.2: positive. A negative serial is refused; zero is not positive either (a
  // policy choice: trust anchors with serial 0 exist and are exempt, peers' certificates are
  // not).
  Bytes negative = make_leaf(p.inter, {"host.example.com"}, [](CertSpec& s) {
    s.raw_serial = Bytes{0xff, 0x01};
  });
  expect_failure(verify({p.root.cert}, {negative, p.inter.cert}), AlertDescription::bad_certificate,
                 {"certificate 0", "serialNumber is negative"});
  Bytes zero =
      make_leaf(p.inter, {"host.example.com"}, [](CertSpec& s) { s.raw_serial = Bytes{0x00}; });
  expect_failure(verify({p.root.cert}, {zero, p.inter.cert}), AlertDescription::bad_certificate,
                 {"serialNumber is zero"});
  Ca negative_ca =
      make_intermediate("Negative CA", p.root, [](CertSpec& s) { s.raw_serial = Bytes{0x80}; });
  expect_failure(
      verify({p.root.cert}, {make_leaf(negative_ca, {"host.example.com"}), negative_ca.cert}),
      AlertDescription::bad_certificate, {"certificate 1", "negative"});
  Ca zero_root = make_root("Zero Root", [](CertSpec& s) { s.raw_serial = Bytes{0x00}; });
  EXPECT_VERIFIED(verify({zero_root.cert}, {make_leaf(zero_root, {"host.example.com"})}));
}

TEST(X509StrictTest, KeyIdentifiers) {
  Pki p;
  // RFC 5280 4.2.1.1: every certificate but a self-signed one carries authorityKeyIdentifier.
  Bytes no_aki = make_leaf(p.inter, {"host.example.com"},
                           [](CertSpec& s) { s.include_authority_key_id = false; });
  expect_failure(verify({p.root.cert}, {no_aki, p.inter.cert}), AlertDescription::bad_certificate,
                 {"certificate 0", "no authorityKeyIdentifier"});
  Ca inter_no_aki = make_intermediate("No AKI CA", p.root,
                                      [](CertSpec& s) { s.include_authority_key_id = false; });
  expect_failure(
      verify({p.root.cert}, {make_leaf(inter_no_aki, {"host.example.com"}), inter_no_aki.cert}),
      AlertDescription::bad_certificate, {"certificate 1", "no authorityKeyIdentifier"});
  // RFC 5280 4.2.1.2: a CA certificate carries subjectKeyIdentifier (intermediates; anchors
  // without one exist in Debian's store and are kept).
  Ca inter_no_ski =
      make_intermediate("No SKI CA", p.root, [](CertSpec& s) { s.include_subject_key_id = false; });
  expect_failure(
      verify({p.root.cert}, {make_leaf(inter_no_ski, {"host.example.com"}), inter_no_ski.cert}),
      AlertDescription::bad_certificate, {"certificate 1", "without subjectKeyIdentifier"});
  // A leaf needs no subjectKeyIdentifier.
  Bytes no_ski = make_leaf(p.inter, {"host.example.com"},
                           [](CertSpec& s) { s.include_subject_key_id = false; });
  EXPECT_VERIFIED(verify({p.root.cert}, {no_ski, p.inter.cert}));
  // Neither may be critical.
  for (const auto* id : {&x509::oid::kAuthorityKeyIdentifier, &x509::oid::kSubjectKeyIdentifier}) {
    bool aki = id == &x509::oid::kAuthorityKeyIdentifier;
    Bytes critical = make_leaf(p.inter, {"host.example.com"}, [&](CertSpec& s) {
      x509::DerWriter v;
      if (aki) {
        s.include_authority_key_id = false;
        v.add_sequence(
            [](x509::DerWriter& w) { w.add(x509::tag::context_specific(0), Bytes(20, 0x42)); });
      } else {
        s.include_subject_key_id = false;
        v.add_octet_string(Bytes(20, 0x42));
      }
      s.extra_extensions = {{oid_of(ByteView(*id, sizeof(*id))), true, std::move(v).take()}};
    });
    expect_failure(verify({p.root.cert}, {critical, p.inter.cert}),
                   AlertDescription::bad_certificate, {"marked critical"});
  }
}

TEST(X509StrictTest, Names) {
  Pki p;
  // RFC 5280 4.2.1.6: an empty subject needs a critical subjectAltName (the builder marks it
  // critical for an empty subject; a raw non-critical one tests the rule).
  Bytes empty_ok = make_leaf(p.inter, {"host.example.com"}, [](CertSpec& s) { s.subject_cn = ""; });
  EXPECT_VERIFIED(verify({p.root.cert}, {empty_ok, p.inter.cert}));
  Bytes empty_soft = make_leaf(p.inter, {}, [](CertSpec& s) {
    s.subject_cn = "";
    x509::DerWriter v;
    v.add_sequence([](x509::DerWriter& names) {
      names.add_string(x509::tag::context_specific(2), "host.example.com");
    });
    s.extra_extensions = {{oid_of(x509::oid::kSubjectAltName), false, std::move(v).take()}};
  });
  expect_failure(verify({p.root.cert}, {empty_soft, p.inter.cert}),
                 AlertDescription::bad_certificate, {"subject is empty", "not marked critical"});
  Bytes nobody = make_leaf(p.inter, {}, [](CertSpec& s) { s.subject_cn = ""; });
  expect_failure(verify({p.root.cert}, {nobody, p.inter.cert}, opts("")),
                 AlertDescription::bad_certificate, {"names nobody"});
  // Malformed dNSName entries: a leading dot, an underscore, an empty label.
  for (const char* bad : {".host.example.com", "host_1.example.com", "host..example.com"}) {
    Bytes leaf = make_leaf(p.inter, {"host.example.com", bad});
    expect_failure(verify({p.root.cert}, {leaf, p.inter.cert}), AlertDescription::bad_certificate,
                   {"dNSName", "is malformed"});
  }
  // ... and in a nameConstraints subtree.
  for (const char* bad : {".example.com", "ex_ample.com", "a..example.com"}) {
    Ca nc = make_intermediate("NC CA", p.root, [&](CertSpec& s) { s.permitted_dns = {bad}; });
    expect_failure(verify({p.root.cert}, {make_leaf(nc, {"host.example.com"}), nc.cert}),
                   AlertDescription::bad_certificate, {"nameConstraints dNSName subtree"});
  }
  // RFC 5280 4.1.2.6: a CA certificate with an empty subject (it can only issue with an empty
  // issuer name, which is refused first, or be an anchor).
  Ca empty_root = make_root("", [](CertSpec& s) { s.dns_names = {"ca.example"}; });
  expect_failure(verify({empty_root.cert}, {make_leaf(empty_root, {"host.example.com"})}),
                 AlertDescription::bad_certificate, {"the issuer is empty"});
  // RFC 5280 4.2.2.1: authorityInfoAccess with no access description is malformed.
  Bytes aia = make_leaf(p.inter, {"host.example.com"}, [](CertSpec& s) {
    s.extra_extensions = {{oid_of(x509::oid::kAuthorityInfoAccess), false, Bytes{0x30, 0x00}}};
  });
  expect_failure(verify({p.root.cert}, {aia, p.inter.cert}), AlertDescription::bad_certificate,
                 {"authorityInfoAccess has no access description"});
}

TEST(X509StrictTest, Rfc822NameConstraints) {
  Ca root = make_root("Root");
  // RFC 5280 4.2.1.10: a mailbox, a host, a domain.
  Ca ca = make_intermediate("Mail CA", root, [](CertSpec& s) {
    s.permitted_emails = {"boss@corp.example", "mail.example", ".staff.example"};
    s.excluded_emails = {"intern@mail.example"};
  });
  auto mail_leaf = [&](std::vector<std::string> emails) {
    return make_leaf(ca, {}, [&](CertSpec& s) {
      s.emails = emails;
      s.server_auth = false;
      s.client_auth = true;
    });
  };
  VerifyOptions o = opts("");
  o.purpose = CertificatePurpose::kClientAuth;
  for (const char* ok : {"boss@corp.example", "anyone@MAIL.example", "x@a.staff.example"}) {
    EXPECT_VERIFIED(verify({root.cert}, {mail_leaf({ok}), ca.cert}, o)) << ok;
  }
  for (const char* bad : {"Boss@corp.example", "other@corp.example", "x@staff.example",
                          "x@sub.mail.example", "not-a-mailbox"}) {
    expect_failure(verify({root.cert}, {mail_leaf({bad}), ca.cert}, o),
                   AlertDescription::certificate_unknown, {"rfc822Name", "permitted"});
  }
  expect_failure(verify({root.cert}, {mail_leaf({"intern@mail.example"}), ca.cert}, o),
                 AlertDescription::certificate_unknown, {"excluded subtree"});
  // Without a subjectAltName, the subject's emailAddress attribute is checked.
  auto subject_mail = [&](const std::string& email) {
    x509::DerWriter name;
    name.add_sequence([&](x509::DerWriter& n) {
      n.add_constructed(x509::tag::kSet, [&](x509::DerWriter& set) {
        set.add_sequence([&](x509::DerWriter& atv) {
          atv.add_oid(x509::oid::kEmailAddress);
          atv.add_string(x509::tag::kIa5String, email);
        });
      });
    });
    return make_leaf(ca, {}, [&](CertSpec& s) {
      s.subject_name = std::move(name).take();
      s.server_auth = false;
      s.client_auth = true;
    });
  };
  EXPECT_VERIFIED(verify({root.cert}, {subject_mail("a@mail.example"), ca.cert}, o));
  expect_failure(verify({root.cert}, {subject_mail("a@elsewhere.example"), ca.cert}, o),
                 AlertDescription::certificate_unknown, {"rfc822Name \"a@elsewhere.example\""});
  // The e-mail identity of a client certificate.
  o.email_address = "anyone@mail.example";
  EXPECT_VERIFIED(verify({root.cert}, {mail_leaf({"anyone@Mail.Example"}), ca.cert}, o));
  expect_failure(verify({root.cert}, {mail_leaf({"other@mail.example"}), ca.cert}, o),
                 AlertDescription::bad_certificate, {"not valid for mailbox"});
  // The matching functions alone.
  EXPECT_TRUE(x509::email_in_subtree("a@b.example", "b.example"));
  EXPECT_FALSE(x509::email_in_subtree("a@c.b.example", "b.example"));
  EXPECT_TRUE(x509::email_in_subtree("a@c.b.example", ".b.example"));
  EXPECT_FALSE(x509::email_in_subtree("a@b.example", ".b.example"));
  EXPECT_FALSE(x509::email_in_subtree("@b.example", "b.example"));
}

TEST(X509StrictTest, MaxDepthCountsEveryCertificate) {
  Pki p;
  VerifyOptions o = opts();
  o.max_depth = 2;
  expect_failure(verify({p.root.cert}, {p.leaf, p.inter.cert}, o), AlertDescription::unknown_ca,
                 {"max_depth 2"});
  o.max_depth = 3;
  EXPECT_VERIFIED(verify({p.root.cert}, {p.leaf, p.inter.cert}, o));
}

}  // namespace
}  // namespace glasstls
