// system_store_test.cc: the operating system's trust store, and chains shaped like public WebPKI
// ones.
//
// The store tests need Debian's ca-certificates bundle and skip without it. The chain tests
// generate, at test time with the openssl command line (tests/x509/corpus.h), PKIs with the
// shapes public CAs use: an RSA-2048 root over an RSA intermediate over an ECDSA leaf with many
// names and the usual non-critical extensions (authorityInfoAccess, cRLDistributionPoints,
// certificatePolicies, a signed certificate timestamp list); an ECDSA P-384 root over a P-256
// intermediate; and a four-certificate chain. Each must validate with glasstls, and OpenSSL
// must agree.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "x509/corpus.h"

namespace glasstls::x509test {
namespace {

constexpr const char kDebianBundle[] = "/etc/ssl/certs/ca-certificates.crt";

// ScopedUnsetEnv removes an environment variable for the lifetime of the object.
class ScopedUnsetEnv {
 public:
  explicit ScopedUnsetEnv(const char* name) : name_(name) {
    if (const char* v = std::getenv(name)) {
      old_ = v;
      ::unsetenv(name);
    }
  }
  ~ScopedUnsetEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    }
  }
  ScopedUnsetEnv(const ScopedUnsetEnv&) = delete;
  ScopedUnsetEnv& operator=(const ScopedUnsetEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(SystemStore, LoadsDebianBundle) {
  if (::access(kDebianBundle, R_OK) != 0) {
    GTEST_SKIP() << kDebianBundle << " is not present";
  }
  ScopedUnsetEnv unset("SSL_CERT_FILE");
  Result<std::shared_ptr<const TrustStore>> store = TrustStore::system();
  ASSERT_TRUE(store.ok()) << store.error().to_string();
  EXPECT_GT((*store)->size(), 100u);
  EXPECT_EQ((*store)->anchors().size(), (*store)->size());
  EXPECT_EQ((*store)->subjects().size(), (*store)->size());
  // The bundle is all that system() reads: from_file gives the same store.
  Result<std::shared_ptr<const TrustStore>> same = TrustStore::from_file(kDebianBundle);
  ASSERT_TRUE(same.ok()) << same.error().to_string();
  EXPECT_EQ((*same)->size(), (*store)->size());
  EXPECT_EQ((*same)->skipped(), (*store)->skipped());
  // Every anchor parses, at least with the trust-anchor relaxations (unusable ones are counted
  // in skipped(), not kept).
  for (const Bytes& der : (*store)->anchors()) {
    EXPECT_TRUE(x509::parse_certificate(der, x509::ParseMode::kTrustAnchor).ok());
  }
}

TEST(SystemStore, HonoursSslCertFile) {
  std::string error;
  std::unique_ptr<Pki> pki = Pki::create(error);
  if (!pki && error == "openssl not found") {
    GTEST_SKIP() << error;
  }
  ASSERT_NE(pki, nullptr) << error;
  ASSERT_TRUE(pki->key("root", KeyKind::kP256)) << pki->error();
  ASSERT_TRUE(pki->issue({"root", "", "root", "/CN=SSL_CERT_FILE Root", kRootExt})) << pki->error();
  ScopedUnsetEnv unset("SSL_CERT_FILE");
  ::setenv("SSL_CERT_FILE", pki->cert_path("root").c_str(), 1);
  Result<std::shared_ptr<const TrustStore>> store = TrustStore::system();
  ::unsetenv("SSL_CERT_FILE");
  ASSERT_TRUE(store.ok()) << store.error().to_string();
  ASSERT_EQ((*store)->size(), 1u);
  EXPECT_EQ((*store)->anchors()[0], pki->der("root"));
}

// ---------------------------------------------------------------------------------------------
// WebPKI-shaped chains.

// A signed certificate timestamp list (RFC 6962 section 3.3) with one SCT: version v1, a
// 32-byte log id, a timestamp, no extensions and an ECDSA/SHA-256 signature. The signature is
// filler: nobody checks SCTs during path validation.
std::string sct_list_hex() {
  std::string sct = "00" + std::string(64, 'a') + "0000018f00000000" + "0000" + "0403" + "0008" +
                    "0102030405060708";
  return "0039" + std::string("0037") + sct;
}

std::string web_leaf_ext(const std::string& sans) {
  return "basicConstraints = critical, CA:FALSE\n"
         "keyUsage = critical, digitalSignature\n"
         "extendedKeyUsage = serverAuth, clientAuth\n"
         "subjectAltName = " +
         sans +
         "\n"
         "subjectKeyIdentifier = hash\n"
         "authorityKeyIdentifier = keyid\n"
         "authorityInfoAccess = OCSP;URI:http://ocsp.ca.example/, "
         "caIssuers;URI:http://ca.example/issuing.der\n"
         "crlDistributionPoints = URI:http://crl.ca.example/issuing.crl\n"
         "certificatePolicies = 2.23.140.1.2.1\n"
         "1.3.6.1.4.1.11129.2.4.2 = ASN1:FORMAT:HEX,OCTETSTRING:" +
         sct_list_hex() + "\n";
}

std::string web_ca_ext(const std::string& pathlen) {
  return "basicConstraints = critical, CA:TRUE" + (pathlen.empty() ? "" : ", pathlen:" + pathlen) +
         "\n"
         "keyUsage = critical, digitalSignature, keyCertSign, cRLSign\n"
         "extendedKeyUsage = serverAuth, clientAuth\n"
         "subjectKeyIdentifier = hash\n"
         "authorityKeyIdentifier = keyid\n"
         "authorityInfoAccess = OCSP;URI:http://ocsp.root.example/, "
         "caIssuers;URI:http://root.example/root.der\n"
         "crlDistributionPoints = URI:http://crl.root.example/root.crl\n"
         "certificatePolicies = 2.23.140.1.2.1, 2.23.140.1.2.2\n";
}

class WebPkiShapes : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    pki_ = Pki::create(error).release();
    if (pki_ == nullptr) {
      error_ = error;
      return;
    }
    if (!make()) {
      error_ = pki_->error();
    }
  }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }

  static bool make() {
    Pki& p = *pki_;
    std::string many_sans = "DNS:shop.example.com, DNS:www.shop.example.com";
    for (int i = 0; i < 40; ++i) {
      many_sans += ", DNS:s" + std::to_string(i) + ".cdn.example.net";
    }
    many_sans += ", DNS:*.static.example.org";
    std::vector<CertRequest> certs;
    // RSA-2048 root -> RSA-2048 intermediate -> ECDSA P-256 leaf.
    certs.push_back({"rsa_root", "", "rsa_root",
                     "/C=US/O=Glasstls Trust Services/CN=Glasstls Root R1",
                     "basicConstraints = critical, CA:TRUE\n"
                     "keyUsage = critical, keyCertSign, cRLSign\n"
                     "subjectKeyIdentifier = hash\n",
                     "20150101000000Z", "20400101000000Z"});
    certs.push_back({"rsa_inter", "rsa_root", "rsa_inter",
                     "/C=US/O=Glasstls Trust Services/CN=Glasstls TLS RSA CA 2024", web_ca_ext("0"),
                     "20240101000000Z", "20340101000000Z"});
    certs.push_back({"web_leaf", "rsa_inter", "leaf", "/CN=shop.example.com",
                     web_leaf_ext(many_sans), "20250301000000Z", "20250801000000Z"});
    // ECDSA P-384 root -> P-256 intermediate (signed with SHA-384) -> P-256 leaf.
    certs.push_back({"p384_root", "", "p384_root",
                     "/C=US/O=Glasstls Trust Services/CN=Glasstls Root E1",
                     "basicConstraints = critical, CA:TRUE\n"
                     "keyUsage = critical, keyCertSign, cRLSign\n"
                     "subjectKeyIdentifier = hash\n",
                     "20150101000000Z", "20400101000000Z", "sha384"});
    certs.push_back({"ec_inter", "p384_root", "ec_inter",
                     "/C=US/O=Glasstls Trust Services/CN=Glasstls TLS ECC CA 2024", web_ca_ext("0"),
                     "20240101000000Z", "20340101000000Z", "sha384"});
    certs.push_back({"ec_leaf", "ec_inter", "leaf", "/CN=api.example.com",
                     web_leaf_ext("DNS:api.example.com, DNS:api-eu.example.com, "
                                  "IP:203.0.113.7"),
                     "20250301000000Z", "20250801000000Z"});
    // Four deep: RSA root -> RSA policy CA (pathlen 1) -> ECDSA issuing CA -> ECDSA leaf.
    certs.push_back({"policy_ca", "rsa_root", "rsa_inter",
                     "/C=US/O=Glasstls Trust Services/CN=Glasstls Policy CA", web_ca_ext("1"),
                     "20200101000000Z", "20350101000000Z"});
    certs.push_back({"issuing_ca", "policy_ca", "ec_inter",
                     "/C=US/O=Glasstls Trust Services/CN=Glasstls Issuing CA 7", web_ca_ext("0"),
                     "20240101000000Z", "20300101000000Z"});
    certs.push_back({"deep_leaf", "issuing_ca", "leaf", "/CN=deep.example.com",
                     web_leaf_ext("DNS:deep.example.com"), "20250301000000Z", "20250801000000Z"});
    return p.key("rsa_root", KeyKind::kRsa2048) && p.key("rsa_inter", KeyKind::kRsa2048) &&
           p.key("p384_root", KeyKind::kP384) && p.key("ec_inter", KeyKind::kP256) &&
           p.key("leaf", KeyKind::kP256) && issue_all(certs);
  }

  static bool issue_all(const std::vector<CertRequest>& certs) {
    for (const CertRequest& r : certs) {
      if (!pki_->issue(r)) {
        return false;
      }
    }
    return true;
  }

  void SetUp() override {
    if (pki_ == nullptr && error_ == "openssl not found") {
      GTEST_SKIP() << error_;
    }
    ASSERT_TRUE(error_.empty()) << error_;
  }

  // expect_valid checks the chain with both verifiers and, for glasstls, the path length.
  void expect_valid(const Check& c, size_t path_length) {
    Verdict ours = glasstls_verdict(*pki_, c);
    EXPECT_TRUE(ours.valid) << ours.detail;
    if (ours.valid) {
      size_t arrows = 0;
      for (size_t p = ours.detail.find(" <- "); p != std::string::npos;
           p = ours.detail.find(" <- ", p + 1)) {
        ++arrows;
      }
      EXPECT_EQ(arrows + 1, path_length) << ours.detail;
    }
    Verdict theirs = openssl_verdict(*pki_, c);
    EXPECT_TRUE(theirs.valid) << theirs.detail;
  }

  static Check check(const char* leaf, std::vector<std::string> intermediates, const char* root,
                     const char* host) {
    Check c;
    c.leaf = leaf;
    c.intermediates = std::move(intermediates);
    c.roots.push_back(root);
    c.host = host;
    return c;
  }

  static Pki* pki_;
  static std::string error_;
};

Pki* WebPkiShapes::pki_ = nullptr;
std::string WebPkiShapes::error_;

TEST_F(WebPkiShapes, RsaRootRsaIntermediateEcdsaLeafWithManyNames) {
  expect_valid(check("web_leaf", {"rsa_inter"}, "rsa_root", "shop.example.com"), 3);
  expect_valid(check("web_leaf", {"rsa_inter"}, "rsa_root", "s39.cdn.example.net"), 3);
  expect_valid(check("web_leaf", {"rsa_inter"}, "rsa_root", "img.static.example.org"), 3);
  Check client = check("web_leaf", {"rsa_inter"}, "rsa_root", "");
  client.purpose = CertificatePurpose::kClientAuth;
  expect_valid(client, 3);
  // Not one of its names.
  EXPECT_FALSE(
      glasstls_verdict(*pki_, check("web_leaf", {"rsa_inter"}, "rsa_root", "s40.cdn.example.net"))
          .valid);
}

TEST_F(WebPkiShapes, P384RootP256IntermediateLeaf) {
  expect_valid(check("ec_leaf", {"ec_inter"}, "p384_root", "api-eu.example.com"), 3);
  Check by_ip = check("ec_leaf", {"ec_inter"}, "p384_root", "");
  by_ip.ip = "203.0.113.7";
  expect_valid(by_ip, 3);
}

TEST_F(WebPkiShapes, FourDeepChain) {
  expect_valid(check("deep_leaf", {"issuing_ca", "policy_ca"}, "rsa_root", "deep.example.com"), 4);
  // Servers often send the chain out of order, or with the root.
  expect_valid(
      check("deep_leaf", {"rsa_root", "policy_ca", "issuing_ca"}, "rsa_root", "deep.example.com"),
      4);
}

TEST_F(WebPkiShapes, StoreWithManyAnchors) {
  // Our roots among the system's anchors (or alone when there is no system bundle).
  std::vector<Bytes> anchors;
  if (::access(kDebianBundle, R_OK) == 0) {
    Result<std::shared_ptr<const TrustStore>> system = TrustStore::from_file(kDebianBundle);
    ASSERT_TRUE(system.ok()) << system.error().to_string();
    anchors = (*system)->anchors();
  }
  anchors.push_back(pki_->der("p384_root"));
  anchors.push_back(pki_->der("rsa_root"));
  Result<std::shared_ptr<const TrustStore>> store = TrustStore::from_der(std::move(anchors));
  ASSERT_TRUE(store.ok()) << store.error().to_string();
  std::vector<Bytes> chain;
  chain.push_back(pki_->der("deep_leaf"));
  chain.push_back(pki_->der("issuing_ca"));
  chain.push_back(pki_->der("policy_ca"));
  VerifyOptions options;
  options.dns_name = "deep.example.com";
  options.time = kCorpusTime;
  Result<VerifiedChain> verified = verify_certificate_chain(**store, chain, options);
  ASSERT_TRUE(verified.ok()) << verified.error().to_string();
  ASSERT_EQ(verified->path.size(), 4u);
  EXPECT_EQ(verified->path.back(), pki_->der("rsa_root"));
}

TEST_F(WebPkiShapes, UnknownToTheSystemStore) {
  if (::access(kDebianBundle, R_OK) != 0) {
    GTEST_SKIP() << kDebianBundle << " is not present";
  }
  Result<std::shared_ptr<const TrustStore>> system = TrustStore::from_file(kDebianBundle);
  ASSERT_TRUE(system.ok()) << system.error().to_string();
  std::vector<Bytes> chain;
  chain.push_back(pki_->der("web_leaf"));
  chain.push_back(pki_->der("rsa_inter"));
  VerifyOptions options;
  options.dns_name = "shop.example.com";
  options.time = kCorpusTime;
  Result<VerifiedChain> verified = verify_certificate_chain(**system, chain, options);
  ASSERT_FALSE(verified.ok());
  EXPECT_EQ(verified.error().kind, ErrorKind::kInvalidCertificate);
  EXPECT_EQ(verified.error().alert, AlertDescription::unknown_ca) << verified.error().to_string();
}

}  // namespace
}  // namespace glasstls::x509test
