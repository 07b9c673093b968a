// cert_builder_test.cc: certificates built here must satisfy `openssl verify` and parse back.
#include "pki/cert_builder.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "asn1/der.h"
#include "x509/certificate.h"
#include "x509/pem.h"

namespace glasstls::x509 {
namespace {

class BuilderTempDir {
 public:
  BuilderTempDir() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "glasstls-builder-XXXXXX").string();
    char* made = mkdtemp(tmpl.data());
    EXPECT_NE(made, nullptr);
    path_ = tmpl;
  }
  ~BuilderTempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

int run_cmd(const std::string& cmd, const std::string& out_file) {
  int rc = std::system((cmd + " >" + out_file + " 2>&1").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

void write_pem(const std::string& path, std::string_view label, ByteView der) {
  std::ofstream f(path, std::ios::binary);
  f << pem_encode(label, der);
}

bool same(ByteView a, ByteView c) { return std::equal(a.begin(), a.end(), c.begin(), c.end()); }

const crypto::CryptoProvider& provider() { return crypto::openssl_provider(); }

std::shared_ptr<const crypto::SigningKey> generate(crypto::KeyType type) {
  auto k = provider().keys->generate(type);
  EXPECT_TRUE(k.ok()) << (k.ok() ? "" : k.error().to_string());
  return k.ok() ? *k : nullptr;
}

const char* type_name(crypto::KeyType t) {
  switch (t) {
    case crypto::KeyType::kEcdsaP256: return "P-256";
    case crypto::KeyType::kEcdsaP384: return "P-384";
    case crypto::KeyType::kRsa: return "RSA";
    case crypto::KeyType::kEd25519: return "Ed25519";
    case crypto::KeyType::kEcdsaP521: return "P-521";
    case crypto::KeyType::kEd448: return "Ed448";
    case crypto::KeyType::kRsaPss: return "RSASSA-PSS";
  }
  return "?";
}

// extension_value returns the DER inside the extension `id` of `cert`, or empty.
Bytes extension_value(const Certificate& cert, ByteView id) {
  const Extension* e = cert.find_extension(id);
  return e == nullptr ? Bytes{} : Bytes(e->value.begin(), e->value.end());
}

// key_id_of returns the keyIdentifier of subjectKeyIdentifier (OCTET STRING) or of
// authorityKeyIdentifier (SEQUENCE { [0] keyIdentifier }).
Bytes key_id_of(const Certificate& cert, bool authority) {
  Bytes v = extension_value(cert, authority ? ByteView(oid::kAuthorityKeyIdentifier)
                                            : ByteView(oid::kSubjectKeyIdentifier));
  DerReader r(v);
  ByteView id;
  if (authority) {
    DerReader seq;
    EXPECT_TRUE(r.sequence(seq).ok());
    EXPECT_TRUE(seq.read(tag::context_specific(0), id).ok());
  } else {
    EXPECT_TRUE(r.read(tag::kOctetString, id).ok());
  }
  return Bytes(id.begin(), id.end());
}

const crypto::KeyType kAllTypes[] = {crypto::KeyType::kEcdsaP256, crypto::KeyType::kEcdsaP384,
                                     crypto::KeyType::kRsa,       crypto::KeyType::kEd25519,
                                     crypto::KeyType::kEcdsaP521, crypto::KeyType::kEd448,
                                     crypto::KeyType::kRsaPss};

TEST(CertBuilderTest, TestPkiForEveryLeafTypeVerifiesWithOpenssl) {
  for (crypto::KeyType type : kAllTypes) {
    SCOPED_TRACE(type_name(type));
    int64_t before = static_cast<int64_t>(std::time(nullptr));
    Result<TestPki> pki = make_test_pki(provider(), type, {"localhost", "server.test"});
    ASSERT_TRUE(pki.ok()) << pki.error().to_string();
    int64_t after = static_cast<int64_t>(std::time(nullptr));

    BuilderTempDir dir;
    write_pem(dir.file("ca.pem"), "CERTIFICATE", pki->ca_cert);
    write_pem(dir.file("leaf.pem"), "CERTIFICATE", pki->leaf_cert);
    std::string log = dir.file("log.txt");
    EXPECT_EQ(
        run_cmd("openssl verify -CAfile " + dir.file("ca.pem") + " " + dir.file("leaf.pem"), log),
        0)
        << slurp(log);
    // The leaf is fit for TLS servers and clients (keyUsage and extKeyUsage agree).
    EXPECT_EQ(run_cmd("openssl verify -purpose sslserver -CAfile " + dir.file("ca.pem") + " " +
                          dir.file("leaf.pem"),
                      log),
              0)
        << slurp(log);
    EXPECT_EQ(run_cmd("openssl verify -purpose sslclient -CAfile " + dir.file("ca.pem") + " " +
                          dir.file("leaf.pem"),
                      log),
              0)
        << slurp(log);
    ASSERT_EQ(run_cmd("openssl x509 -noout -ext subjectAltName -in " + dir.file("leaf.pem"), log),
              0);
    std::string san = slurp(log);
    EXPECT_NE(san.find("DNS:localhost"), std::string::npos) << san;
    EXPECT_NE(san.find("DNS:server.test"), std::string::npos) << san;

    Result<Certificate> ca = parse_certificate(pki->ca_cert);
    ASSERT_TRUE(ca.ok()) << ca.error().reason;
    Result<Certificate> leaf = parse_certificate(pki->leaf_cert);
    ASSERT_TRUE(leaf.ok()) << leaf.error().reason;
    EXPECT_EQ(ca->version, 3);
    EXPECT_EQ(name_to_string(ca->subject), "CN=glasstls throwaway CA");
    EXPECT_TRUE(same(ca->issuer, ca->subject));
    EXPECT_TRUE(same(leaf->issuer, ca->subject));
    EXPECT_EQ(name_to_string(leaf->subject), "CN=localhost");
    EXPECT_TRUE(ca->is_ca);
    ASSERT_TRUE(ca->path_len.has_value());
    EXPECT_EQ(*ca->path_len, 0u);
    EXPECT_TRUE(leaf->has_basic_constraints);
    EXPECT_FALSE(leaf->is_ca);
    ASSERT_EQ(leaf->dns_names.size(), 2u);
    EXPECT_EQ(leaf->dns_names[0], "localhost");
    EXPECT_EQ(leaf->dns_names[1], "server.test");
    EXPECT_TRUE(same(leaf->spki, pki->leaf_key->public_key_spki()));
    EXPECT_TRUE(same(ca->spki, pki->ca_key->public_key_spki()));
    EXPECT_EQ(pki->ca_key->type(), crypto::KeyType::kEcdsaP256);
    EXPECT_EQ(pki->leaf_key->type(), type);
    // The CA is P-256, so the leaf is signed with ecdsa-with-SHA256.
    EXPECT_TRUE(oid_equal(leaf->signature_algorithm.oid, oid::kEcdsaWithSha256));
    for (const Certificate* c : {&*ca, &*leaf}) {
      EXPECT_GE(c->not_before, before - 3600);
      EXPECT_LE(c->not_before, after - 3600);
      EXPECT_EQ(c->not_after - c->not_before, 3600 + 86400);
      EXPECT_EQ(c->serial.size(), 16u);
    }
    EXPECT_FALSE(same(ca->serial, leaf->serial));
    // The authority key identifier of the leaf is the CA's subject key identifier.
    EXPECT_EQ(key_id_of(*leaf, true), key_id_of(*ca, false));
    EXPECT_EQ(key_id_of(*ca, false).size(), 20u);
    // And the signature checks out with glasstls's own verifier.
    EXPECT_TRUE(
        provider()
            .verifier
            ->verify(SignatureScheme::ecdsa_secp256r1_sha256, ca->spki, leaf->tbs, leaf->signature)
            .ok());
  }
}

// make_test_pki with a CA of each new key type: the chain verifies with openssl, and glasstls maps
// the leaf's signature to the scheme of the CA's key.
TEST(CertBuilderTest, TestPkiWithNewCaKeyTypes) {
  struct Want {
    crypto::KeyType type;
    PublicKeyType key;
    SignatureScheme scheme;
  };
  for (const Want& w :
       {Want{crypto::KeyType::kEcdsaP521, PublicKeyType::kEcP521,
             SignatureScheme::ecdsa_secp521r1_sha512},
        Want{crypto::KeyType::kEd448, PublicKeyType::kEd448, SignatureScheme::ed448},
        Want{crypto::KeyType::kRsaPss, PublicKeyType::kRsaPss,
             SignatureScheme::rsa_pss_pss_sha256}}) {
    SCOPED_TRACE(type_name(w.type));
    Result<TestPki> pki = make_test_pki(provider(), w.type, {"localhost"}, "new CA", w.type);
    ASSERT_TRUE(pki.ok()) << pki.error().to_string();
    EXPECT_EQ(pki->ca_key->type(), w.type);
    Result<Certificate> ca = parse_certificate(pki->ca_cert);
    Result<Certificate> leaf = parse_certificate(pki->leaf_cert);
    ASSERT_TRUE(ca.ok() && leaf.ok());
    EXPECT_EQ(ca->key_type, w.key);
    EXPECT_EQ(leaf->key_type, w.key);
    Result<SignatureAlgorithm> alg = parse_signature_algorithm(leaf->signature_algorithm);
    ASSERT_TRUE(alg.ok()) << alg.error().reason;
    EXPECT_EQ(signature_scheme_for(*alg, ca->key_type), w.scheme);
    EXPECT_TRUE(provider().verifier->verify(w.scheme, ca->spki, leaf->tbs, leaf->signature).ok());
    BuilderTempDir dir;
    write_pem(dir.file("ca.pem"), "CERTIFICATE", pki->ca_cert);
    write_pem(dir.file("leaf.pem"), "CERTIFICATE", pki->leaf_cert);
    std::string log = dir.file("log.txt");
    EXPECT_EQ(run_cmd("openssl verify -purpose sslserver -CAfile " + dir.file("ca.pem") + " " +
                          dir.file("leaf.pem"),
                      log),
              0)
        << slurp(log);
  }
}

TEST(CertBuilderTest, EveryIssuerKeyTypeSigns) {
  struct Want {
    crypto::KeyType type;
    ByteView oid;
    Bytes params;
    SignatureScheme scheme;
  };
  for (const Want& w :
       {Want{crypto::KeyType::kEcdsaP256,
             oid::kEcdsaWithSha256,
             {},
             SignatureScheme::ecdsa_secp256r1_sha256},
        Want{crypto::KeyType::kEcdsaP384,
             oid::kEcdsaWithSha384,
             {},
             SignatureScheme::ecdsa_secp384r1_sha384},
        Want{crypto::KeyType::kRsa,
             oid::kSha256WithRsa,
             {0x05, 0x00},
             SignatureScheme::rsa_pkcs1_sha256},
        Want{crypto::KeyType::kEd25519, oid::kEd25519, {}, SignatureScheme::ed25519},
        Want{crypto::KeyType::kEcdsaP521,
             oid::kEcdsaWithSha512,
             {},
             SignatureScheme::ecdsa_secp521r1_sha512},
        Want{crypto::KeyType::kEd448, oid::kEd448, {}, SignatureScheme::ed448},
        // The RSASSA-PSS parameters are checked by parsing them back, below.
        Want{crypto::KeyType::kRsaPss, oid::kRsassaPss, {}, SignatureScheme::rsa_pss_pss_sha256}}) {
    SCOPED_TRACE(type_name(w.type));
    auto root_key = generate(w.type);
    auto leaf_key = generate(crypto::KeyType::kEcdsaP256);
    ASSERT_TRUE(root_key && leaf_key);
    int64_t now = static_cast<int64_t>(std::time(nullptr));
    CertSpec root;
    root.serial = {0x01};
    root.issuer_cn = root.subject_cn = std::string("root ") + type_name(w.type);
    root.not_before = now - 60;
    root.not_after = now + 3600;
    root.subject_spki = root_key->public_key_spki();
    root.is_ca = true;
    Result<Bytes> root_der = build_certificate(root, *root_key, provider());
    ASSERT_TRUE(root_der.ok()) << root_der.error().to_string();

    CertSpec leaf;
    leaf.serial = {0x00, 0x00, 0x80, 0x01};  // Leading zeros dropped, then a 00 for the sign.
    leaf.issuer_cn = root.subject_cn;
    leaf.subject_cn = "leaf";
    leaf.not_before = now - 60;
    leaf.not_after = now + 3600;
    leaf.subject_spki = leaf_key->public_key_spki();
    leaf.dns_names = {"leaf.test"};
    leaf.ip_addresses = {Bytes{192, 0, 2, 1}};
    Result<Bytes> leaf_der = build_certificate(leaf, *root_key, provider());
    ASSERT_TRUE(leaf_der.ok()) << leaf_der.error().to_string();

    Result<Certificate> parsed = parse_certificate(*leaf_der);
    ASSERT_TRUE(parsed.ok()) << parsed.error().reason;
    EXPECT_TRUE(oid_equal(parsed->signature_algorithm.oid, w.oid));
    if (w.type == crypto::KeyType::kRsaPss) {
      Result<SignatureAlgorithm> alg = parse_signature_algorithm(parsed->signature_algorithm);
      ASSERT_TRUE(alg.ok()) << alg.error().reason;
      EXPECT_EQ(*alg, SignatureAlgorithm::kRsaPssSha256);
    } else {
      EXPECT_TRUE(same(parsed->signature_algorithm.params, w.params));
    }
    EXPECT_TRUE(same(parsed->serial, Bytes{0x00, 0x80, 0x01}));
    ASSERT_EQ(parsed->ip_addresses.size(), 1u);
    EXPECT_TRUE(same(parsed->ip_addresses[0], Bytes{192, 0, 2, 1}));
    Result<Certificate> parsed_root = parse_certificate(*root_der);
    ASSERT_TRUE(parsed_root.ok()) << parsed_root.error().reason;
    EXPECT_FALSE(parsed_root->path_len.has_value());
    EXPECT_TRUE(provider()
                    .verifier->verify(w.scheme, parsed_root->spki, parsed->tbs, parsed->signature)
                    .ok());

    BuilderTempDir dir;
    write_pem(dir.file("ca.pem"), "CERTIFICATE", *root_der);
    write_pem(dir.file("leaf.pem"), "CERTIFICATE", *leaf_der);
    std::string log = dir.file("log.txt");
    EXPECT_EQ(
        run_cmd("openssl verify -CAfile " + dir.file("ca.pem") + " " + dir.file("leaf.pem"), log),
        0)
        << slurp(log);
    // Without client_auth the leaf must not pass as a TLS client certificate.
    EXPECT_NE(run_cmd("openssl verify -purpose sslclient -CAfile " + dir.file("ca.pem") + " " +
                          dir.file("leaf.pem"),
                      log),
              0);
    ASSERT_EQ(run_cmd("openssl x509 -noout -ext subjectAltName -in " + dir.file("leaf.pem"), log),
              0);
    std::string san = slurp(log);
    EXPECT_NE(san.find("DNS:leaf.test"), std::string::npos) << san;
    EXPECT_NE(san.find("IP Address:192.0.2.1"), std::string::npos) << san;
  }
}

TEST(CertBuilderTest, ExtensionEncodings) {
  auto key = generate(crypto::KeyType::kEcdsaP256);
  ASSERT_TRUE(key);
  CertSpec spec;
  spec.serial = {0x42};
  spec.issuer_cn = spec.subject_cn = "x";
  spec.not_before = 1704067200;
  spec.not_after = 1735689600;
  spec.subject_spki = key->public_key_spki();
  spec.is_ca = true;
  spec.path_len = 2;
  Result<Bytes> ca_der = build_certificate(spec, *key, provider());
  ASSERT_TRUE(ca_der.ok());
  Result<Certificate> ca = parse_certificate(*ca_der);
  ASSERT_TRUE(ca.ok()) << ca.error().reason;
  EXPECT_EQ(ca->not_before, 1704067200);
  EXPECT_EQ(ca->not_after, 1735689600);
  // keyUsage keyCertSign | cRLSign: bits 5 and 6, one unused bit.
  EXPECT_EQ(extension_value(*ca, oid::kKeyUsage), (Bytes{0x03, 0x02, 0x01, 0x06}));
  EXPECT_TRUE(ca->find_extension(oid::kKeyUsage)->critical);
  EXPECT_TRUE(ca->find_extension(oid::kBasicConstraints)->critical);
  EXPECT_EQ(extension_value(*ca, oid::kBasicConstraints),
            (Bytes{0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x02}));
  EXPECT_EQ(ca->find_extension(oid::kExtKeyUsage), nullptr);
  EXPECT_EQ(ca->find_extension(oid::kSubjectAltName), nullptr);
  // Self-signed: the two key identifiers agree and are SHA-256 of the key bits, cut to 20.
  Bytes digest = provider().sha256->digest(ca->public_key);
  digest.resize(20);
  EXPECT_EQ(key_id_of(*ca, false), digest);
  EXPECT_EQ(key_id_of(*ca, true), digest);

  spec.is_ca = false;
  spec.client_auth = true;
  spec.subject_cn = "";  // An empty subject makes subjectAltName critical.
  spec.dns_names = {"only.test"};
  Result<Bytes> leaf_der = build_certificate(spec, *key, provider());
  ASSERT_TRUE(leaf_der.ok());
  Result<Certificate> leaf = parse_certificate(*leaf_der);
  ASSERT_TRUE(leaf.ok()) << leaf.error().reason;
  EXPECT_EQ(name_to_string(leaf->subject), "");
  EXPECT_EQ(extension_value(*leaf, oid::kKeyUsage), (Bytes{0x03, 0x02, 0x07, 0x80}));
  EXPECT_EQ(extension_value(*leaf, oid::kBasicConstraints), (Bytes{0x30, 0x00}));
  EXPECT_TRUE(leaf->find_extension(oid::kSubjectAltName)->critical);
  Bytes eku = extension_value(*leaf, oid::kExtKeyUsage);
  Bytes want_eku = {0x30, 0x14, 0x06, 0x08};
  want_eku.insert(want_eku.end(), std::begin(oid::kServerAuth), std::end(oid::kServerAuth));
  want_eku.insert(want_eku.end(), {0x06, 0x08});
  want_eku.insert(want_eku.end(), std::begin(oid::kClientAuth), std::end(oid::kClientAuth));
  EXPECT_EQ(eku, want_eku);
}

TEST(CertBuilderTest, TimesAcrossTheUtcTimeBoundary) {
  auto key = generate(crypto::KeyType::kEd25519);
  ASSERT_TRUE(key);
  CertSpec spec;
  spec.serial = {0x07};
  spec.issuer_cn = spec.subject_cn = "time";
  spec.not_before = -631152001;  // 1949-12-31 23:59:59: GeneralizedTime.
  spec.not_after = 2556143999;   // 2050-12-31 23:59:59: GeneralizedTime.
  spec.subject_spki = key->public_key_spki();
  spec.is_ca = true;
  Result<Bytes> der = build_certificate(spec, *key, provider());
  ASSERT_TRUE(der.ok()) << der.error().to_string();
  Result<Certificate> cert = parse_certificate(*der);
  ASSERT_TRUE(cert.ok()) << cert.error().reason;
  EXPECT_EQ(cert->not_before, spec.not_before);
  EXPECT_EQ(cert->not_after, spec.not_after);
  const std::string gt_before =
      "\x18\x0f"
      "19491231235959Z";
  const std::string gt_after =
      "\x18\x0f"
      "20501231235959Z";
  std::string raw(der->begin(), der->end());
  EXPECT_NE(raw.find(gt_before), std::string::npos);
  EXPECT_NE(raw.find(gt_after), std::string::npos);

  BuilderTempDir dir;
  write_pem(dir.file("c.pem"), "CERTIFICATE", *der);
  std::string log = dir.file("log.txt");
  ASSERT_EQ(run_cmd("openssl x509 -noout -startdate -enddate -in " + dir.file("c.pem"), log), 0);
  std::string dates = slurp(log);
  EXPECT_NE(dates.find("notBefore=Dec 31 23:59:59 1949 GMT"), std::string::npos) << dates;
  EXPECT_NE(dates.find("notAfter=Dec 31 23:59:59 2050 GMT"), std::string::npos) << dates;

  spec.not_before = 2524607999;  // 2049-12-31 23:59:59: the last UTCTime.
  spec.not_after = 2524608000;
  der = build_certificate(spec, *key, provider());
  ASSERT_TRUE(der.ok());
  raw.assign(der->begin(), der->end());
  EXPECT_NE(raw.find("\x17\x0d"
                     "491231235959Z"),
            std::string::npos);
  EXPECT_NE(raw.find("\x18\x0f"
                     "20500101000000Z"),
            std::string::npos);
}

TEST(CertBuilderTest, RejectsBadSpecs) {
  auto key = generate(crypto::KeyType::kEcdsaP256);
  ASSERT_TRUE(key);
  CertSpec good;
  good.serial = {0x01};
  good.issuer_cn = good.subject_cn = "x";
  good.not_before = 0;
  good.not_after = 1;
  good.subject_spki = key->public_key_spki();
  ASSERT_TRUE(build_certificate(good, *key, provider()).ok());

  auto expect_bad = [&](const CertSpec& s, std::string_view needle) {
    Result<Bytes> r = build_certificate(s, *key, provider());
    ASSERT_FALSE(r.ok()) << needle;
    EXPECT_EQ(r.error().kind, ErrorKind::kBadConfig);
    EXPECT_NE(r.error().reason.find(needle), std::string::npos) << r.error().reason;
  };
  CertSpec s = good;
  s.serial = {};
  expect_bad(s, "serial");
  s = good;
  s.serial = Bytes(21, 0x11);
  expect_bad(s, "20 octets");
  s = good;
  s.ip_addresses = {Bytes{1, 2, 3}};
  expect_bad(s, "IP address of 3 bytes");
  s = good;
  s.dns_names = {"caf\xc3\xa9.test"};
  expect_bad(s, "not printable ASCII");
  s = good;
  s.is_ca = true;
  s.path_len = -1;
  expect_bad(s, "pathLenConstraint");
  s = good;
  s.subject_spki = {0x30, 0x00};
  expect_bad(s, "SubjectPublicKeyInfo");
  s = good;
  s.not_after = 253402300800;  // Year 10000.
  expect_bad(s, "0000 through 9999");
  s = good;
  s.not_after = -1;
  expect_bad(s, "before not_before");
  crypto::CryptoProvider no_hash = provider();
  no_hash.sha256 = nullptr;
  Result<Bytes> r = build_certificate(good, *key, no_hash);
  EXPECT_FALSE(r.ok());
}

TEST(CertBuilderTest, TestPkiWithoutNamesUsesDefaultCommonName) {
  Result<TestPki> pki = make_test_pki(provider(), crypto::KeyType::kEd25519, {}, "Custom Test CA");
  ASSERT_TRUE(pki.ok()) << pki.error().to_string();
  Result<Certificate> leaf = parse_certificate(pki->leaf_cert);
  ASSERT_TRUE(leaf.ok());
  EXPECT_EQ(name_to_string(leaf->subject), "CN=glasstls test leaf");
  EXPECT_EQ(name_to_string(leaf->issuer), "CN=Custom Test CA");
  EXPECT_FALSE(leaf->has_subject_alt_name);
}

}  // namespace
}  // namespace glasstls::x509
