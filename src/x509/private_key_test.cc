// private_key_test.cc: keys written by the openssl command line in every container.
#include "x509/private_key.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "x509/pem.h"

namespace glasstls::x509 {
namespace {

class KeyTempDir {
 public:
  KeyTempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "glasstls-keys-XXXXXX").string();
    char* made = mkdtemp(tmpl.data());
    EXPECT_NE(made, nullptr);
    path_ = tmpl;
  }
  ~KeyTempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

bool run(const std::string& cmd) {
  int rc = std::system((cmd + " >/dev/null 2>&1").c_str());
  return WIFEXITED(rc) && WEXITSTATUS(rc) == 0;
}

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

const crypto::CryptoProvider& provider() { return crypto::openssl_provider(); }

// expect_loads loads `text`, checks its type, format and that it signs verifiably.
void expect_loads(const std::string& text, crypto::KeyType type, PrivateKeyFormat format,
                  size_t bits) {
  auto parsed = parse_private_key(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().reason;
  EXPECT_EQ(parsed->type, type);
  EXPECT_EQ(parsed->format, format);
  EXPECT_EQ(parsed->bits, bits);
  auto key = load_private_key(provider(), text);
  ASSERT_TRUE(key.ok()) << key.error().reason;
  EXPECT_EQ((*key)->type(), type);
  SignatureScheme scheme = (*key)->schemes().front();
  uint8_t msg[] = {1, 2, 3};
  auto sig = (*key)->sign(scheme, msg);
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(provider().verifier->verify(scheme, (*key)->public_key_spki(), msg, *sig).ok());
}

void expect_rejected(const std::string& text, std::string_view reason_part) {
  auto parsed = parse_private_key(text);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().kind, ErrorKind::kBadConfig);
  EXPECT_NE(parsed.error().reason.find(reason_part), std::string::npos) << parsed.error().reason;
  EXPECT_FALSE(load_private_key(provider(), text).ok());
}

TEST(PrivateKeyTest, OpensslGeneratedKeysInEveryContainer) {
  KeyTempDir d;
  ASSERT_TRUE(run("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " +
                  d.file("p256.pem")));
  ASSERT_TRUE(run("openssl ecparam -name secp384r1 -genkey -out " + d.file("p384_sec1.pem")));
  ASSERT_TRUE(
      run("openssl ecparam -name prime256v1 -genkey -noout -out " + d.file("p256_sec1.pem")));
  ASSERT_TRUE(run("openssl genrsa -traditional -out " + d.file("rsa_pkcs1.pem") + " 2048"));
  ASSERT_TRUE(run("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out " +
                  d.file("rsa_pkcs8.pem")));
  ASSERT_TRUE(run("openssl genpkey -algorithm ed25519 -out " + d.file("ed25519.pem")));
  // `openssl pkey -outform DER` writes SEC1 for EC keys; pkcs8 -topk8 writes PKCS#8.
  ASSERT_TRUE(run("openssl pkcs8 -topk8 -nocrypt -in " + d.file("p256.pem") +
                  " -outform DER -out " + d.file("p256.der")));
  ASSERT_TRUE(run("openssl ec -in " + d.file("p384_sec1.pem") + " -outform DER -out " +
                  d.file("p384_sec1.der")));
  ASSERT_TRUE(run("openssl rsa -in " + d.file("rsa_pkcs1.pem") +
                  " -traditional -outform DER -out " + d.file("rsa_pkcs1.der")));

  expect_loads(slurp(d.file("p256.pem")), crypto::KeyType::kEcdsaP256, PrivateKeyFormat::kPkcs8,
               256);
  // `openssl ecparam -genkey` writes an EC PARAMETERS block first; it is ignored.
  expect_loads(slurp(d.file("p384_sec1.pem")), crypto::KeyType::kEcdsaP384, PrivateKeyFormat::kSec1,
               384);
  expect_loads(slurp(d.file("p256_sec1.pem")), crypto::KeyType::kEcdsaP256, PrivateKeyFormat::kSec1,
               256);
  expect_loads(slurp(d.file("rsa_pkcs1.pem")), crypto::KeyType::kRsa, PrivateKeyFormat::kPkcs1,
               2048);
  expect_loads(slurp(d.file("rsa_pkcs8.pem")), crypto::KeyType::kRsa, PrivateKeyFormat::kPkcs8,
               3072);
  expect_loads(slurp(d.file("ed25519.pem")), crypto::KeyType::kEd25519, PrivateKeyFormat::kPkcs8,
               255);
  expect_loads(slurp(d.file("p256.der")), crypto::KeyType::kEcdsaP256, PrivateKeyFormat::kPkcs8,
               256);
  expect_loads(slurp(d.file("p384_sec1.der")), crypto::KeyType::kEcdsaP384, PrivateKeyFormat::kSec1,
               384);
  expect_loads(slurp(d.file("rsa_pkcs1.der")), crypto::KeyType::kRsa, PrivateKeyFormat::kPkcs1,
               2048);

  // The wrapped PKCS#8 of a SEC1 key is what OpenSSL itself would read.
  auto sec1 = parse_private_key(slurp(d.file("p384_sec1.pem")));
  ASSERT_TRUE(sec1.ok());
  std::ofstream(d.file("wrapped.der"), std::ios::binary)
      .write(reinterpret_cast<const char*>(sec1->pkcs8.data()),
             static_cast<std::streamsize>(sec1->pkcs8.size()));
  EXPECT_TRUE(run("openssl pkey -inform DER -in " + d.file("wrapped.der") + " -noout"));
}

// P-521 (SEC1 and PKCS#8), Ed448 and RSASSA-PSS keys written by the openssl command load, and
// the provider signs with them.
TEST(PrivateKeyTest, ReadsP521Ed448AndRsaPssKeys) {
  KeyTempDir d;
  ASSERT_TRUE(run("openssl ecparam -name secp521r1 -genkey -noout -out " + d.file("p521.pem")));
  ASSERT_TRUE(run("openssl pkcs8 -topk8 -nocrypt -in " + d.file("p521.pem") + " -out " +
                  d.file("p521_pkcs8.pem")));
  ASSERT_TRUE(run("openssl genpkey -algorithm ED448 -out " + d.file("ed448.pem")));
  ASSERT_TRUE(run("openssl genpkey -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048 -out " +
                  d.file("rsapss.pem")));
  ASSERT_TRUE(
      run("openssl genpkey -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048 -pkeyopt "
          "rsa_pss_keygen_md:sha256 -out " +
          d.file("rsapss_sha256.pem")));
  expect_loads(slurp(d.file("p521.pem")), crypto::KeyType::kEcdsaP521, PrivateKeyFormat::kSec1,
               521);
  expect_loads(slurp(d.file("p521_pkcs8.pem")), crypto::KeyType::kEcdsaP521,
               PrivateKeyFormat::kPkcs8, 521);
  expect_loads(slurp(d.file("ed448.pem")), crypto::KeyType::kEd448, PrivateKeyFormat::kPkcs8, 448);
  expect_loads(slurp(d.file("rsapss.pem")), crypto::KeyType::kRsaPss, PrivateKeyFormat::kPkcs8,
               2048);
  expect_loads(slurp(d.file("rsapss_sha256.pem")), crypto::KeyType::kRsaPss,
               PrivateKeyFormat::kPkcs8, 2048);
  struct Want {
    const char* file;
    crypto::KeyType type;
    SignatureScheme scheme;
  };
  for (const Want& w :
       {Want{"p521.pem", crypto::KeyType::kEcdsaP521, SignatureScheme::ecdsa_secp521r1_sha512},
        Want{"ed448.pem", crypto::KeyType::kEd448, SignatureScheme::ed448},
        Want{"rsapss.pem", crypto::KeyType::kRsaPss, SignatureScheme::rsa_pss_pss_sha384},
        Want{"rsapss_sha256.pem", crypto::KeyType::kRsaPss, SignatureScheme::rsa_pss_pss_sha256}}) {
    SCOPED_TRACE(w.file);
    auto key = load_private_key(crypto::openssl_provider(), slurp(d.file(w.file)));
    ASSERT_TRUE(key.ok()) << key.error().reason;
    EXPECT_EQ((*key)->type(), w.type);
    const Bytes msg = {1, 2, 3};
    auto sig = (*key)->sign(w.scheme, msg);
    ASSERT_TRUE(sig.ok()) << sig.error().reason;
    EXPECT_TRUE(crypto::openssl_provider()
                    .verifier->verify(w.scheme, (*key)->public_key_spki(), msg, *sig)
                    .ok());
  }
}

TEST(PrivateKeyTest, RejectsUnsupportedAndMalformedKeys) {
  KeyTempDir d;
  ASSERT_TRUE(run("openssl ecparam -name secp224r1 -genkey -noout -out " + d.file("p224.pem")));
  ASSERT_TRUE(run("openssl genrsa -traditional -out " + d.file("rsa1024.pem") + " 1024"));
  ASSERT_TRUE(run("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " +
                  d.file("p256.pem")));
  ASSERT_TRUE(run("openssl pkcs8 -topk8 -in " + d.file("p256.pem") + " -passout pass:x -out " +
                  d.file("enc.pem")));
  ASSERT_TRUE(run("openssl genpkey -algorithm x25519 -out " + d.file("x25519.pem")));

  expect_rejected(slurp(d.file("p224.pem")), "1.3.132.0.33");
  expect_rejected(slurp(d.file("rsa1024.pem")), "1024 bits");
  expect_rejected(slurp(d.file("enc.pem")), "encrypted");
  expect_rejected(slurp(d.file("x25519.pem")), "unsupported key algorithm 1.3.101.110");
  std::string p256 = slurp(d.file("p256.pem"));
  expect_rejected(p256 + p256, "more than one");
  expect_rejected("", "empty");
  expect_rejected("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n",
                  "no PRIVATE KEY");
  // Truncated DER, and trailing garbage after a DER key.
  auto blocks = pem_decode(p256);
  ASSERT_TRUE(blocks.ok());
  Bytes der = (*blocks)[0].der;
  std::string truncated(der.begin(), der.end() - 1);
  expect_rejected(truncated, "not a PKCS#8");
  std::string trailing(der.begin(), der.end());
  trailing.push_back('\0');
  expect_rejected(trailing, "not a PKCS#8");
  // A PKCS#8 label around SEC1 contents is refused (the containers are not guessed in PEM).
  ASSERT_TRUE(
      run("openssl ec -in " + d.file("p256.pem") + " -outform DER -out " + d.file("sec1.der")));
  std::string sec1 = slurp(d.file("sec1.der"));
  expect_rejected(pem_encode("PRIVATE KEY",
                             ByteView(reinterpret_cast<const uint8_t*>(sec1.data()), sec1.size())),
                  "PEM \"PRIVATE KEY\"");
}

}  // namespace
}  // namespace glasstls::x509
