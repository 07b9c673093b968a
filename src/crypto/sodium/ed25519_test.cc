// ed25519_test.cc: Ed25519 from libsodium (crypto::sodium_key_store(), sodium_verifier()) on RFC
// 8032's known answers, against OpenSSL's signatures and verdicts on fresh keys and on refused
// signatures, and as the default provider's.
#include <gtest/gtest.h>

#include <memory>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "glasstls/crypto.h"
#include "testing/hex.h"

namespace glasstls::crypto {
namespace {

using glasstls::testing::hex;

const Bytes kSpkiPrefix = hex("302a300506032b6570032100");
const Bytes kPkcs8Prefix = hex("302e020100300506032b657004220420");

Bytes spki_of(const Bytes& raw) {
  Bytes out = kSpkiPrefix;
  out.insert(out.end(), raw.begin(), raw.end());
  return out;
}

Bytes pkcs8_of(const Bytes& seed) {
  Bytes out = kPkcs8Prefix;
  out.insert(out.end(), seed.begin(), seed.end());
  return out;
}

// The tests that need libsodium skip in a build without it, where NullWithoutLibsodium checks
// the fallback instead.
bool have_sodium() { return sodium_key_store() != nullptr && sodium_verifier() != nullptr; }

std::shared_ptr<const SigningKey> load(const KeyStore& store, const Bytes& pkcs8) {
  Result<std::shared_ptr<const SigningKey>> key = store.load_private_key(pkcs8);
  EXPECT_TRUE(key.ok()) << (key.ok() ? "" : key.error().reason);
  return key.ok() ? std::move(key).value() : nullptr;
}

Bytes sign(const SigningKey& key, const Bytes& message) {
  Result<Bytes> sig = key.sign(SignatureScheme::ed25519, message);
  EXPECT_TRUE(sig.ok()) << (sig.ok() ? "" : sig.error().reason);
  return sig.ok() ? std::move(sig).value() : Bytes{};
}

// refused_with: the verdict is a refusal with `alert`.
::testing::AssertionResult refused_with(const Status& st, AlertDescription alert) {
  if (st.ok()) {
    return ::testing::AssertionFailure() << "accepted";
  }
  if (st.error().alert != alert) {
    return ::testing::AssertionFailure() << "refused with another alert: " << st.error().reason;
  }
  return ::testing::AssertionSuccess();
}

TEST(SodiumEd25519, NullWithoutLibsodium) {
  if (have_sodium()) {
    GTEST_SKIP() << "built with libsodium";
  }
  EXPECT_EQ(sodium_key_store(), nullptr);
  EXPECT_EQ(sodium_verifier(), nullptr);
  EXPECT_EQ(default_provider().verifier, openssl_provider().verifier);
  EXPECT_EQ(default_provider().keys, openssl_provider().keys);
}

TEST(SodiumEd25519, DefaultProviderTakesItWhenBuiltIn) {
  if (!have_sodium()) {
    GTEST_SKIP() << "built without libsodium";
  }
  // The environment of the test run does not set GLASSTLS_ED25519 (the CLI test covers it).
  EXPECT_EQ(default_provider().keys, sodium_key_store());
  EXPECT_EQ(default_provider().verifier, sodium_verifier());
  EXPECT_EQ(default_provider().sha512, openssl_provider().sha512);
}

// RFC 8032 section 7.1, TEST 1 to 3 (SECRET KEY is the seed a PKCS#8 key holds).
struct Vector {
  const char* seed;
  const char* public_key;
  const char* message;
  const char* signature;
};
constexpr Vector kRfc8032[] = {
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b"
     "46bd25bf5f0595bbe24655141438e7a100b"},
    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11"
     "d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc"
     "6594a7c15e9716ed28dc027beceea1ec40a"},
};

TEST(SodiumEd25519, Rfc8032Section71) {
  if (!have_sodium()) {
    GTEST_SKIP() << "built without libsodium";
  }
  for (const Vector& v : kRfc8032) {
    SCOPED_TRACE(v.seed);
    auto key = load(*sodium_key_store(), pkcs8_of(hex(v.seed)));
    ASSERT_NE(key, nullptr);
    EXPECT_EQ(key->type(), KeyType::kEd25519);
    EXPECT_EQ(key->public_key_spki(), spki_of(hex(v.public_key)));
    EXPECT_EQ(key->private_key_pkcs8().span().size(), 48u);
    const Bytes message = hex(v.message);
    EXPECT_EQ(to_hex(sign(*key, message)), v.signature);
    const Bytes spki = spki_of(hex(v.public_key));
    const Bytes sig = hex(v.signature);
    EXPECT_TRUE(sodium_verifier()->verify(SignatureScheme::ed25519, spki, message, sig).ok());
    EXPECT_TRUE(
        sodium_verifier()
            ->verify_handshake(SignatureRules::kTls12, SignatureScheme::ed25519, spki, message, sig)
            .ok());
    EXPECT_TRUE(
        openssl_provider().verifier->verify(SignatureScheme::ed25519, spki, message, sig).ok());
    // One bit of the signature, of the message, or of the key changed: both refuse.
    for (size_t i : {size_t{0}, size_t{31}, size_t{32}, size_t{63}}) {
      Bytes bad = sig;
      bad[i] ^= 0x01;
      EXPECT_TRUE(
          refused_with(sodium_verifier()->verify(SignatureScheme::ed25519, spki, message, bad),
                       AlertDescription::decrypt_error))
          << i;
      EXPECT_FALSE(
          openssl_provider().verifier->verify(SignatureScheme::ed25519, spki, message, bad).ok());
    }
    Bytes other = message;
    other.push_back(0);
    EXPECT_TRUE(refused_with(sodium_verifier()->verify(SignatureScheme::ed25519, spki, other, sig),
                             AlertDescription::decrypt_error));
  }
}

TEST(SodiumEd25519, SignsAndVerifiesAsOpensslOnFreshKeys) {
  if (!have_sodium()) {
    GTEST_SKIP() << "built without libsodium";
  }
  const KeyStore& ossl = *openssl_provider().keys;
  for (int i = 0; i < 40; ++i) {
    Result<std::shared_ptr<const SigningKey>> made =
        sodium_key_store()->generate(KeyType::kEd25519);
    ASSERT_TRUE(made.ok()) << made.error().reason;
    const SigningKey& ours = **made;
    const Secret pkcs8 = ours.private_key_pkcs8();
    auto theirs = load(ossl, Bytes(pkcs8.span().begin(), pkcs8.span().end()));
    ASSERT_NE(theirs, nullptr);
    EXPECT_EQ(ours.public_key_spki(), theirs->public_key_spki());
    EXPECT_EQ(ours.schemes(), theirs->schemes());
    EXPECT_EQ(ours.schemes_for(SignatureRules::kTls12),
              theirs->schemes_for(SignatureRules::kTls12));
    EXPECT_EQ(ours.bits(), 255u);
    Bytes message(static_cast<size_t>(i * 37), static_cast<uint8_t>(i));
    // Deterministic signatures (RFC 8032 section 5.1.6): the same bytes from both.
    const Bytes sig = sign(ours, message);
    EXPECT_EQ(sig, sign(*theirs, message));
    const Bytes spki = ours.public_key_spki();
    EXPECT_TRUE(sodium_verifier()->verify(SignatureScheme::ed25519, spki, message, sig).ok());
    EXPECT_TRUE(
        openssl_provider().verifier->verify(SignatureScheme::ed25519, spki, message, sig).ok());
  }
}

TEST(SodiumEd25519, OtherKeysAndSchemesAreOpenssls) {
  if (!have_sodium()) {
    GTEST_SKIP() << "built without libsodium";
  }
  Result<std::shared_ptr<const SigningKey>> ec = sodium_key_store()->generate(KeyType::kEcdsaP256);
  ASSERT_TRUE(ec.ok()) << ec.error().reason;
  EXPECT_EQ((*ec)->type(), KeyType::kEcdsaP256);
  const Bytes message = hex("0102030405");
  Result<Bytes> ec_sig = (*ec)->sign(SignatureScheme::ecdsa_secp256r1_sha256, message);
  ASSERT_TRUE(ec_sig.ok());
  const Bytes ec_spki = (*ec)->public_key_spki();
  EXPECT_TRUE(sodium_verifier()
                  ->verify(SignatureScheme::ecdsa_secp256r1_sha256, ec_spki, message, *ec_sig)
                  .ok());
  // The ed25519 scheme with a P-256 key, and a P-256 scheme with an Ed25519 key: the same
  // refusal as OpenSSL's, since these are OpenSSL's to refuse.
  Result<std::shared_ptr<const SigningKey>> ed = sodium_key_store()->generate(KeyType::kEd25519);
  ASSERT_TRUE(ed.ok());
  const Bytes ed_spki = (*ed)->public_key_spki();
  const Bytes ed_sig = sign(**ed, message);
  struct Misfit {
    SignatureScheme scheme;
    const Bytes& spki;
    const Bytes& sig;
  };
  for (const Misfit& m : {Misfit{SignatureScheme::ed25519, ec_spki, ed_sig},
                          Misfit{SignatureScheme::ecdsa_secp256r1_sha256, ed_spki, *ec_sig}}) {
    Status ours = sodium_verifier()->verify(m.scheme, m.spki, message, m.sig);
    Status theirs = openssl_provider().verifier->verify(m.scheme, m.spki, message, m.sig);
    ASSERT_FALSE(ours.ok());
    ASSERT_FALSE(theirs.ok());
    EXPECT_EQ(ours.error().alert, theirs.error().alert);
    EXPECT_EQ(ours.error().reason, theirs.error().reason);
  }
  // An Ed25519 key signs only ed25519, refused as OpenSSL refuses it.
  Result<Bytes> wrong = (*ed)->sign(SignatureScheme::ecdsa_secp256r1_sha256, message);
  EXPECT_FALSE(wrong.ok());
}

TEST(SodiumEd25519, RefusesWhatOpensslRefusesAndSmallOrderKeys) {
  if (!have_sodium()) {
    GTEST_SKIP() << "built without libsodium";
  }
  const Vector& v = kRfc8032[1];
  const Bytes spki = spki_of(hex(v.public_key));
  const Bytes message = hex(v.message);
  const Bytes sig = hex(v.signature);
  const SignatureVerifier& ossl = *openssl_provider().verifier;
  // Wrong lengths.
  for (size_t len : {size_t{0}, size_t{63}, size_t{65}}) {
    Bytes bad = sig;
    bad.resize(len, 0);
    EXPECT_TRUE(
        refused_with(sodium_verifier()->verify(SignatureScheme::ed25519, spki, message, bad),
                     AlertDescription::decrypt_error))
        << len;
    EXPECT_FALSE(ossl.verify(SignatureScheme::ed25519, spki, message, bad).ok()) << len;
  }
  // S + L instead of S: the same point equation, but S is not below L (RFC 8032 section 5.1.7
  // says to reject it, which makes signatures non-malleable).
  const Bytes order = hex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
  Bytes malleated = sig;
  unsigned carry = 0;
  for (size_t i = 0; i < 32; ++i) {
    unsigned sum = malleated[32 + i] + order[i] + carry;
    malleated[32 + i] = static_cast<uint8_t>(sum);
    carry = sum >> 8;
  }
  ASSERT_EQ(carry, 0u);
  EXPECT_TRUE(
      refused_with(sodium_verifier()->verify(SignatureScheme::ed25519, spki, message, malleated),
                   AlertDescription::decrypt_error));
  EXPECT_FALSE(ossl.verify(SignatureScheme::ed25519, spki, message, malleated).ok());
  // The identity as public key and as R, with S = 0: [S]B = R + [k]A holds for every message.
  // It proves nothing about any signer; libsodium refuses a public key of small order.
  const Bytes identity = hex("0100000000000000000000000000000000000000000000000000000000000000");
  Bytes forged = identity;
  forged.resize(64, 0);
  EXPECT_TRUE(refused_with(
      sodium_verifier()->verify(SignatureScheme::ed25519, spki_of(identity), message, forged),
      AlertDescription::decrypt_error));
}

}  // namespace
}  // namespace glasstls::crypto
