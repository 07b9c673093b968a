// public_key_test.cc: import_public_key, glasstls's SubjectPublicKeyInfo parser in front of
// libcrypto, must give the same key as d2i_PUBKEY or refuse what it refuses.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <string>
#include <vector>

#include "crypto/openssl/internal.h"

namespace glasstls::crypto::openssl {
namespace {

// decoder_key is libcrypto's own reading of `spki`, or null.
PkeyPtr decoder_key(ByteView spki) {
  const uint8_t* p = spki.data();
  PkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())));
  drain_errors();
  if (key != nullptr && p != spki.data() + spki.size()) {
    return nullptr;
  }
  return key;
}

Bytes generated_spki(KeyType type, size_t rsa_bits = 2048) {
  auto key = openssl_provider().keys->generate(type, rsa_bits);
  EXPECT_TRUE(key.ok());
  return key.ok() ? (*key)->public_key_spki() : Bytes{};
}

TEST(OpenSslPublicKey, ImportsTheSameKeyAsTheDecoder) {
  std::vector<Bytes> spkis = {
      generated_spki(KeyType::kEcdsaP256), generated_spki(KeyType::kEcdsaP384),
      generated_spki(KeyType::kRsa, 2048), generated_spki(KeyType::kRsa, 3072),
      generated_spki(KeyType::kEd25519)};
  for (const Bytes& spki : spkis) {
    PkeyPtr ours = import_public_key(spki);
    PkeyPtr theirs = decoder_key(spki);
    ASSERT_NE(ours, nullptr);
    ASSERT_NE(theirs, nullptr);
    EXPECT_EQ(EVP_PKEY_eq(ours.get(), theirs.get()), 1);
    EXPECT_STREQ(EVP_PKEY_get0_type_name(ours.get()), EVP_PKEY_get0_type_name(theirs.get()));
  }
}

TEST(OpenSslPublicKey, RefusesWhatTheDecoderRefuses) {
  const Bytes p256 = generated_spki(KeyType::kEcdsaP256);
  ASSERT_EQ(p256.size(), 91u);  // 26 bytes of prefix and a 65-byte uncompressed point.

  // A point with Y changed is not on the curve.
  Bytes off_curve = p256;
  off_curve.back() ^= 0x01;
  // Trailing bytes after the SEQUENCE.
  Bytes trailing = p256;
  trailing.push_back(0);
  // Truncated.
  Bytes truncated(p256.begin(), p256.end() - 1);
  // The last arc of the curve OID changed: 1.2.840.10045.3.1.6 is no curve glasstls or
  // libcrypto knows.
  Bytes wrong_curve = p256;
  ASSERT_EQ(wrong_curve[22], 0x07);
  wrong_curve[22] = 0x06;

  for (const Bytes* bad : {&off_curve, &trailing, &truncated, &wrong_curve}) {
    EXPECT_EQ(import_public_key(*bad), nullptr);
    EXPECT_EQ(decoder_key(*bad), nullptr);
  }

  const Bytes ed = generated_spki(KeyType::kEd25519);
  Bytes ed_short(ed.begin(), ed.end() - 1);
  EXPECT_EQ(import_public_key(ed_short), nullptr);
  EXPECT_EQ(import_public_key(Bytes{}), nullptr);
  EXPECT_EQ(import_public_key(Bytes{0x30, 0x00}), nullptr);
}

TEST(OpenSslPublicKey, CompressedPointsMatchTheDecoder) {
  // A compressed P-256 point: the fast path hands it to libcrypto, which decompresses it just
  // as the decoder does.
  auto key = openssl_provider().keys->generate(KeyType::kEcdsaP256);
  ASSERT_TRUE(key.ok());
  Bytes spki = (*key)->public_key_spki();
  PkeyPtr full = import_public_key(spki);
  ASSERT_NE(full, nullptr);
  uint8_t y_parity = spki.back() & 1;
  // Rebuild: SEQUENCE(57) { SEQUENCE(19) {ecPublicKey, prime256v1}, BIT STRING(34) {0, 02|03 X} }.
  // Built by appending into a reserved buffer (GCC 12 warns falsely on growing an
  // init-list-built vector).
  Bytes compressed;
  compressed.reserve(59);
  compressed.push_back(0x30);
  compressed.push_back(0x39);
  compressed.insert(compressed.end(), spki.begin() + 2, spki.begin() + 23);
  for (uint8_t b :
       {uint8_t{0x03}, uint8_t{0x22}, uint8_t{0x00}, static_cast<uint8_t>(0x02 | y_parity)}) {
    compressed.push_back(b);
  }
  compressed.insert(compressed.end(), spki.begin() + 27, spki.begin() + 59);
  ASSERT_EQ(compressed.size(), 59u);
  PkeyPtr ours = import_public_key(compressed);
  PkeyPtr theirs = decoder_key(compressed);
  ASSERT_NE(ours, nullptr);
  ASSERT_NE(theirs, nullptr);
  EXPECT_EQ(EVP_PKEY_eq(ours.get(), full.get()), 1);
  EXPECT_EQ(EVP_PKEY_eq(theirs.get(), full.get()), 1);
}

TEST(OpenSslPublicKey, OtherAlgorithmsStillGoToTheDecoder) {
  // An RSASSA-PSS SubjectPublicKeyInfo (OID 1.2.840.113549.1.1.10, RFC 4055) is not parsed by
  // glasstls: the decoder reads it, as an "RSA-PSS" key that the rsa_pss_rsae schemes refuse.
  // Whatever the decoder makes of it, import_public_key must agree, and never call it "RSA".
  Bytes spki = generated_spki(KeyType::kRsa);
  // rsaEncryption's OID ends ...01 01 01 at offsets 14..16 of a 2048-bit key's SPKI, and its
  // NULL parameters follow; RSASSA-PSS has its parameters absent.
  ASSERT_EQ(spki[16], 0x01);
  spki[16] = 0x0a;
  Bytes pss(spki.begin(), spki.begin() + 17);
  pss.insert(pss.end(), spki.begin() + 19, spki.end());
  // Outer length 0x0122 -> 0x0120, AlgorithmIdentifier length 0x0d -> 0x0b.
  pss[3] = static_cast<uint8_t>(pss[3] - 2);
  pss[5] = 0x0b;
  PkeyPtr key = import_public_key(pss);
  PkeyPtr theirs = decoder_key(pss);
  ASSERT_NE(theirs, nullptr);
  ASSERT_NE(key, nullptr);
  EXPECT_STREQ(EVP_PKEY_get0_type_name(key.get()), "RSA-PSS");
  EXPECT_EQ(EVP_PKEY_eq(key.get(), theirs.get()), 1);
}

}  // namespace
}  // namespace glasstls::crypto::openssl
