// describe_test.cc: describe_certificate and decode_pem_certificates (include/glasstls/x509.h).
#include <gtest/gtest.h>

#include <string>

#include "glasstls/crypto.h"
#include "glasstls/x509.h"
#include "pki/cert_builder.h"
#include "x509/pem.h"

namespace glasstls {
namespace {

struct KeyCase {
  crypto::KeyType type;
  const char* key;  // what the summary must say
};

class DescribeCertificate : public ::testing::TestWithParam<KeyCase> {};

TEST_P(DescribeCertificate, NamesValidityAndKey) {
  const crypto::CryptoProvider& p = crypto::openssl_provider();
  auto pki = x509::make_test_pki(p, GetParam().type, {"described.example"}, "Describe CA");
  ASSERT_TRUE(pki.ok()) << pki.error().to_string();

  auto leaf = describe_certificate(pki->leaf_cert);
  ASSERT_TRUE(leaf.ok()) << leaf.error().to_string();
  EXPECT_EQ(leaf->subject, "CN=described.example");
  EXPECT_EQ(leaf->issuer, "CN=Describe CA");
  EXPECT_EQ(leaf->key, GetParam().key);
  // make_test_pki: valid from one hour ago until one day from now.
  EXPECT_EQ(leaf->not_after - leaf->not_before, 25 * 3600);

  auto ca = describe_certificate(pki->ca_cert);
  ASSERT_TRUE(ca.ok());
  EXPECT_EQ(ca->subject, "CN=Describe CA");
  EXPECT_EQ(ca->issuer, ca->subject);
  EXPECT_EQ(ca->key, "ECDSA P-256");
}

INSTANTIATE_TEST_SUITE_P(Keys, DescribeCertificate,
                         ::testing::Values(KeyCase{crypto::KeyType::kEcdsaP256, "ECDSA P-256"},
                                           KeyCase{crypto::KeyType::kEcdsaP384, "ECDSA P-384"},
                                           KeyCase{crypto::KeyType::kRsa, "RSA-2048"},
                                           KeyCase{crypto::KeyType::kEd25519, "Ed25519"}));

TEST(DescribeCertificateErrors, GarbageIsAnInvalidCertificate) {
  const uint8_t garbage[] = {0x30, 0x03, 0x02, 0x01};
  auto d = describe_certificate(garbage);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().kind, ErrorKind::kInvalidCertificate);
  EXPECT_FALSE(d.error().reason.empty());
}

TEST(DecodePemCertificates, ReturnsEveryCertificateBlockInOrderUnparsed) {
  const crypto::CryptoProvider& p = crypto::openssl_provider();
  auto pki = x509::make_test_pki(p, crypto::KeyType::kEcdsaP256, {"pem.example"});
  ASSERT_TRUE(pki.ok());
  const Bytes not_a_certificate = {0x01, 0x02, 0x03};
  std::string pem = x509::pem_encode("CERTIFICATE", pki->leaf_cert) +
                    x509::pem_encode("PRIVATE KEY", not_a_certificate) +
                    x509::pem_encode("CERTIFICATE", not_a_certificate) +
                    x509::pem_encode("CERTIFICATE", pki->ca_cert);
  auto ders = decode_pem_certificates(pem);
  ASSERT_TRUE(ders.ok()) << ders.error().to_string();
  ASSERT_EQ(ders->size(), 3u);
  EXPECT_EQ((*ders)[0], pki->leaf_cert);
  EXPECT_EQ((*ders)[1], not_a_certificate);  // not parsed: decoded as it is
  EXPECT_EQ((*ders)[2], pki->ca_cert);

  EXPECT_FALSE(decode_pem_certificates("no PEM here").ok());
}

}  // namespace
}  // namespace glasstls
