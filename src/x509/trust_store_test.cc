// trust_store_test.cc: loading trust anchors from PEM, files, directories, DER and the system.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "glasstls/crypto.h"
#include "glasstls/x509.h"
#include "pki/cert_builder.h"
#include "x509/certificate.h"
#include "x509/pem.h"

namespace glasstls {
namespace {

class StoreTempDir {
 public:
  StoreTempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "glasstls-store-XXXXXX").string();
    char* made = mkdtemp(tmpl.data());
    EXPECT_NE(made, nullptr);
    path_ = tmpl;
  }
  ~StoreTempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void write(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
}

Bytes make_ca(const std::string& name) {
  auto key = crypto::openssl_provider().keys->generate(crypto::KeyType::kEcdsaP256);
  EXPECT_TRUE(key.ok());
  x509::CertSpec s;
  s.serial = {0x01, 0x02};
  s.issuer_cn = name;
  s.subject_cn = name;
  s.not_before = 1700000000;
  s.not_after = 1900000000;
  s.subject_spki = (*key)->public_key_spki();
  s.is_ca = true;
  auto der = x509::build_certificate(s, **key, crypto::openssl_provider());
  EXPECT_TRUE(der.ok());
  return *der;
}

TEST(TrustStoreTest, FromPemSkipsBadCertificates) {
  Bytes a = make_ca("Anchor A");
  Bytes b = make_ca("Anchor B");
  std::string pem = "comment line\n" + x509::pem_encode("CERTIFICATE", a) +
                    x509::pem_encode("CERTIFICATE", Bytes{0x30, 0x03, 0x02, 0x01, 0x01}) +
                    x509::pem_encode("TRUSTED CERTIFICATE", a) +
                    x509::pem_encode("CERTIFICATE", b) + x509::pem_encode("CERTIFICATE", a);
  auto s = TrustStore::from_pem(pem);
  ASSERT_TRUE(s.ok()) << s.error().reason;
  EXPECT_EQ((*s)->size(), 2u);  // the duplicate of A is dropped
  EXPECT_EQ((*s)->skipped(), 2u);
  EXPECT_EQ((*s)->anchors()[0], a);
  EXPECT_EQ((*s)->anchors()[1], b);
  auto subjects = (*s)->subjects();
  ASSERT_EQ(subjects.size(), 2u);
  EXPECT_EQ(x509::name_to_string(subjects[1]), "CN=Anchor B");

  auto none = TrustStore::from_pem(x509::pem_encode("CERTIFICATE", Bytes{0x30, 0x00}));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().kind, ErrorKind::kBadConfig);
  EXPECT_FALSE(TrustStore::from_pem("").ok());
}

TEST(TrustStoreTest, FromDerRequiresEveryCertificate) {
  Bytes a = make_ca("Anchor A");
  auto ok = TrustStore::from_der({a});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)->size(), 1u);
  auto bad = TrustStore::from_der({a, Bytes{0x30, 0x00}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().reason.find("certificate 1"), std::string::npos);
  EXPECT_FALSE(TrustStore::from_der({}).ok());
}

TEST(TrustStoreTest, FromFileAndDirectory) {
  StoreTempDir dir;
  Bytes a = make_ca("Anchor A");
  Bytes b = make_ca("Anchor B");
  write(dir.file("a.pem"), x509::pem_encode("CERTIFICATE", a));
  write(dir.file("b.crt"), x509::pem_encode("CERTIFICATE", b));
  write(dir.file("ignored.txt"), x509::pem_encode("CERTIFICATE", make_ca("Ignored")));
  write(dir.file("junk.pem"), "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n");
  auto f = TrustStore::from_file(dir.file("a.pem"));
  ASSERT_TRUE(f.ok()) << f.error().reason;
  EXPECT_EQ((*f)->size(), 1u);
  EXPECT_FALSE(TrustStore::from_file(dir.file("missing.pem")).ok());
  auto d = TrustStore::from_directory(dir.path());
  ASSERT_TRUE(d.ok()) << d.error().reason;
  EXPECT_EQ((*d)->size(), 2u);
  EXPECT_EQ((*d)->skipped(), 1u);
  EXPECT_FALSE(TrustStore::from_directory(dir.file("nope")).ok());
}

TEST(TrustStoreTest, SystemHonoursSslCertFile) {
  StoreTempDir dir;
  write(dir.file("bundle.pem"), x509::pem_encode("CERTIFICATE", make_ca("Env Anchor")));
  const char* old = getenv("SSL_CERT_FILE");
  std::string saved = old != nullptr ? old : "";
  setenv("SSL_CERT_FILE", dir.file("bundle.pem").c_str(), 1);
  auto s = TrustStore::system();
  if (old != nullptr) {
    setenv("SSL_CERT_FILE", saved.c_str(), 1);
  } else {
    unsetenv("SSL_CERT_FILE");
  }
  ASSERT_TRUE(s.ok()) << s.error().reason;
  EXPECT_EQ((*s)->size(), 1u);
}

TEST(TrustStoreTest, DebianSystemStore) {
  const char* path = "/etc/ssl/certs/ca-certificates.crt";
  if (!std::filesystem::exists(path)) {
    GTEST_SKIP() << path << " is absent";
  }
  auto s = TrustStore::from_file(path);
  ASSERT_TRUE(s.ok()) << s.error().reason;
  EXPECT_GT((*s)->size(), 100u);
  EXPECT_LE((*s)->skipped(), 2u);
  std::cout << "Debian store: " << (*s)->size() << " anchors, " << (*s)->skipped() << " skipped\n";
  // The anchors are parseable strictly except for a documented few.
  size_t strict_failures = 0;
  for (const Bytes& der : (*s)->anchors()) {
    if (!x509::parse_certificate(der).ok()) {
      strict_failures++;
    }
  }
  EXPECT_LE(strict_failures, 5u);
  if (getenv("SSL_CERT_FILE") == nullptr) {
    auto sys = TrustStore::system();
    ASSERT_TRUE(sys.ok());
    EXPECT_EQ((*sys)->size(), (*s)->size());
  }
}

}  // namespace
}  // namespace glasstls
