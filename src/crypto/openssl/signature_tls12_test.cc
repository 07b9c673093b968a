// signature_tls12_test.cc: the signature schemes and keys beyond the first four key types
// (P-521, Ed448, RSASSA-PSS keys) and TLS 1.2's rules (rsa_pkcs1_*, ECDSA not bound to a
// curve), each signature cross-checked with libcrypto's EVP interface used directly.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <memory>
#include <string>

#include "base/bytes.h"
#include "glasstls/crypto.h"

namespace glasstls::crypto {
namespace {

using PkeyOwner = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

const SignatureVerifier& verifier() { return *openssl_provider().verifier; }

std::shared_ptr<const SigningKey> must_generate(KeyType type) {
  Result<std::shared_ptr<const SigningKey>> k = openssl_provider().keys->generate(type, 2048);
  EXPECT_TRUE(k.ok()) << k.error().reason;
  return k.ok() ? *k : nullptr;
}

PkeyOwner libcrypto_public(const SigningKey& key) {
  const Bytes spki = key.public_key_spki();
  const uint8_t* p = spki.data();
  return PkeyOwner(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())), EVP_PKEY_free);
}

const char* digest_of(SignatureScheme s) {
  switch (s) {
    case SignatureScheme::ecdsa_secp256r1_sha256:
    case SignatureScheme::rsa_pss_rsae_sha256:
    case SignatureScheme::rsa_pss_pss_sha256:
    case SignatureScheme::rsa_pkcs1_sha256: return "SHA256";
    case SignatureScheme::ecdsa_secp384r1_sha384:
    case SignatureScheme::rsa_pss_rsae_sha384:
    case SignatureScheme::rsa_pss_pss_sha384:
    case SignatureScheme::rsa_pkcs1_sha384: return "SHA384";
    case SignatureScheme::ed25519:
    case SignatureScheme::ed448: return nullptr;
    default: return "SHA512";
  }
}

bool is_pss(SignatureScheme s) {
  const uint16_t v = static_cast<uint16_t>(s);
  return v >= 0x0804 && v <= 0x0806 ? true : v >= 0x0809 && v <= 0x080b;
}

bool is_pkcs1(SignatureScheme s) {
  return s == SignatureScheme::rsa_pkcs1_sha256 || s == SignatureScheme::rsa_pkcs1_sha384 ||
         s == SignatureScheme::rsa_pkcs1_sha512;
}

// libcrypto_verifies checks `sig` with libcrypto alone: the scheme's digest (none for EdDSA),
// PSS with a salt of the hash length, or PKCS#1 v1.5.
bool libcrypto_verifies(EVP_PKEY* pub, SignatureScheme s, ByteView msg, ByteView sig) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_PKEY_CTX* pctx = nullptr;
  if (EVP_DigestVerifyInit_ex(ctx.get(), &pctx, digest_of(s), nullptr, nullptr, pub, nullptr) !=
      1) {
    return false;
  }
  if (is_pss(s) && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
                    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1)) {
    return false;
  }
  if (is_pkcs1(s) && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), msg.data(), msg.size()) == 1;
}

struct Case {
  KeyType type;
  size_t bits;
  std::vector<SignatureScheme> tls13;
  std::vector<SignatureScheme> tls12;
};

const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      {KeyType::kEcdsaP256,
       256,
       {SignatureScheme::ecdsa_secp256r1_sha256},
       {SignatureScheme::ecdsa_secp256r1_sha256, SignatureScheme::ecdsa_secp384r1_sha384,
        SignatureScheme::ecdsa_secp521r1_sha512}},
      {KeyType::kEcdsaP521,
       521,
       {SignatureScheme::ecdsa_secp521r1_sha512},
       {SignatureScheme::ecdsa_secp521r1_sha512, SignatureScheme::ecdsa_secp256r1_sha256,
        SignatureScheme::ecdsa_secp384r1_sha384}},
      {KeyType::kRsa,
       2048,
       {SignatureScheme::rsa_pss_rsae_sha256, SignatureScheme::rsa_pss_rsae_sha384,
        SignatureScheme::rsa_pss_rsae_sha512},
       {SignatureScheme::rsa_pss_rsae_sha256, SignatureScheme::rsa_pss_rsae_sha384,
        SignatureScheme::rsa_pss_rsae_sha512, SignatureScheme::rsa_pkcs1_sha256,
        SignatureScheme::rsa_pkcs1_sha384, SignatureScheme::rsa_pkcs1_sha512}},
      {KeyType::kRsaPss,
       2048,
       {SignatureScheme::rsa_pss_pss_sha256, SignatureScheme::rsa_pss_pss_sha384,
        SignatureScheme::rsa_pss_pss_sha512},
       {SignatureScheme::rsa_pss_pss_sha256, SignatureScheme::rsa_pss_pss_sha384,
        SignatureScheme::rsa_pss_pss_sha512}},
      {KeyType::kEd448, 448, {SignatureScheme::ed448}, {SignatureScheme::ed448}},
  };
  return all;
}

// Every scheme each key makes under either rules signs, verifies under TLS 1.2's rules (and
// TLS 1.3's when it is a TLS 1.3 scheme), and libcrypto alone agrees; a flipped bit is refused.
TEST(OpenSslProviderSignTls12, EveryKeySignsEverySchemeLibcryptoAgrees) {
  const ByteView msg = ByteView(reinterpret_cast<const uint8_t*>("signed content"), 14);
  for (const Case& c : cases()) {
    SCOPED_TRACE(static_cast<int>(c.type));
    std::shared_ptr<const SigningKey> key = must_generate(c.type);
    ASSERT_NE(key, nullptr);
    EXPECT_EQ(key->type(), c.type);
    EXPECT_EQ(key->bits(), c.bits);
    EXPECT_EQ(key->schemes(), c.tls13);
    EXPECT_EQ(key->schemes_for(SignatureRules::kTls13), c.tls13);
    EXPECT_EQ(key->schemes_for(SignatureRules::kTls12), c.tls12);
    PkeyOwner pub = libcrypto_public(*key);
    ASSERT_NE(pub, nullptr);
    const Bytes spki = key->public_key_spki();
    for (SignatureScheme s : c.tls12) {
      SCOPED_TRACE(std::string(name(s)));
      Result<Bytes> sig = key->sign(s, msg);
      ASSERT_TRUE(sig.ok()) << sig.error().reason;
      EXPECT_TRUE(libcrypto_verifies(pub.get(), s, msg, *sig));
      EXPECT_TRUE(verifier().verify_handshake(SignatureRules::kTls12, s, spki, msg, *sig).ok());
      const bool tls13 = std::find(c.tls13.begin(), c.tls13.end(), s) != c.tls13.end();
      EXPECT_EQ(verifier().verify_handshake(SignatureRules::kTls13, s, spki, msg, *sig).ok(),
                tls13);
      Bytes bad = *sig;
      bad[bad.size() / 2] ^= 0x01;
      Status st = verifier().verify_handshake(SignatureRules::kTls12, s, spki, msg, bad);
      ASSERT_FALSE(st.ok());
      EXPECT_EQ(st.error().alert, AlertDescription::decrypt_error);
    }
  }
}

// Signatures libcrypto makes on its own verify with the provider (Ed448, RSASSA-PSS keys).
TEST(OpenSslProviderSignTls12, VerifiesLibcryptoSignatures) {
  const uint8_t msg[] = {'m', 's', 'g'};
  struct Made {
    const char* type;
    SignatureScheme scheme;
  };
  for (const Made& m : {Made{"ED448", SignatureScheme::ed448},
                        Made{"RSA-PSS", SignatureScheme::rsa_pss_pss_sha384}}) {
    SCOPED_TRACE(m.type);
    EVP_PKEY* raw =
        std::string(m.type) == "ED448" ? EVP_PKEY_Q_keygen(nullptr, nullptr, "ED448") : nullptr;
    if (raw == nullptr) {
      std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> g(
          EVP_PKEY_CTX_new_from_name(nullptr, "RSA-PSS", nullptr), EVP_PKEY_CTX_free);
      ASSERT_EQ(EVP_PKEY_keygen_init(g.get()), 1);
      ASSERT_EQ(EVP_PKEY_CTX_set_rsa_keygen_bits(g.get(), 2048), 1);
      ASSERT_EQ(EVP_PKEY_generate(g.get(), &raw), 1);
    }
    PkeyOwner key(raw, EVP_PKEY_free);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    EVP_PKEY_CTX* pctx = nullptr;
    ASSERT_EQ(EVP_DigestSignInit_ex(ctx.get(), &pctx, digest_of(m.scheme), nullptr, nullptr,
                                    key.get(), nullptr),
              1);
    if (is_pss(m.scheme)) {
      ASSERT_EQ(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST), 1);
    }
    size_t len = 0;
    ASSERT_EQ(EVP_DigestSign(ctx.get(), nullptr, &len, msg, sizeof(msg)), 1);
    Bytes sig(len);
    ASSERT_EQ(EVP_DigestSign(ctx.get(), sig.data(), &len, msg, sizeof(msg)), 1);
    sig.resize(len);
    const int spki_len = i2d_PUBKEY(key.get(), nullptr);
    ASSERT_GT(spki_len, 0);
    Bytes spki(static_cast<size_t>(spki_len));
    uint8_t* p = spki.data();
    ASSERT_EQ(i2d_PUBKEY(key.get(), &p), spki_len);
    Status st = verifier().verify(m.scheme, spki, msg, sig);
    EXPECT_TRUE(st.ok()) << st.error().reason;
  }
}

// RFC 8446 section 4.2.3: in TLS 1.2 an ECDSA scheme does not constrain the curve; in TLS 1.3
// and in certificates it does.
TEST(OpenSslProviderSignTls12, EcdsaSchemesAreCurveFreeOnlyUnderTls12) {
  const uint8_t msg[] = {1, 2, 3};
  std::shared_ptr<const SigningKey> p384 = must_generate(KeyType::kEcdsaP384);
  ASSERT_NE(p384, nullptr);
  const Bytes spki = p384->public_key_spki();
  Result<Bytes> sig = p384->sign(SignatureScheme::ecdsa_secp256r1_sha256, msg);
  ASSERT_TRUE(sig.ok()) << sig.error().reason;
  PkeyOwner pub = libcrypto_public(*p384);
  EXPECT_TRUE(libcrypto_verifies(pub.get(), SignatureScheme::ecdsa_secp256r1_sha256, msg, *sig));
  EXPECT_TRUE(verifier()
                  .verify_handshake(SignatureRules::kTls12, SignatureScheme::ecdsa_secp256r1_sha256,
                                    spki, msg, *sig)
                  .ok());
  Status tls13 = verifier().verify_handshake(
      SignatureRules::kTls13, SignatureScheme::ecdsa_secp256r1_sha256, spki, msg, *sig);
  ASSERT_FALSE(tls13.ok());
  EXPECT_EQ(tls13.error().alert, AlertDescription::illegal_parameter);
  Status cert = verifier().verify(SignatureScheme::ecdsa_secp256r1_sha256, spki, msg, *sig);
  ASSERT_FALSE(cert.ok());
  EXPECT_EQ(cert.error().alert, AlertDescription::illegal_parameter);
  // Not curve-free across key types: an ECDSA scheme never fits an RSA or EdDSA key.
  std::shared_ptr<const SigningKey> ed448 = must_generate(KeyType::kEd448);
  Status misfit =
      verifier().verify_handshake(SignatureRules::kTls12, SignatureScheme::ecdsa_secp256r1_sha256,
                                  ed448->public_key_spki(), msg, *sig);
  ASSERT_FALSE(misfit.ok());
  EXPECT_EQ(misfit.error().alert, AlertDescription::illegal_parameter);
}

TEST(OpenSslProviderSignTls12, Pkcs1RefusedUnderTls13RulesOnly) {
  const uint8_t msg[] = {4, 5, 6};
  std::shared_ptr<const SigningKey> rsa = must_generate(KeyType::kRsa);
  ASSERT_NE(rsa, nullptr);
  const Bytes spki = rsa->public_key_spki();
  Result<Bytes> sig = rsa->sign(SignatureScheme::rsa_pkcs1_sha384, msg);
  ASSERT_TRUE(sig.ok());
  Status tls13 = verifier().verify_handshake(SignatureRules::kTls13,
                                             SignatureScheme::rsa_pkcs1_sha384, spki, msg, *sig);
  ASSERT_FALSE(tls13.ok());
  EXPECT_EQ(tls13.error().alert, AlertDescription::illegal_parameter);
  EXPECT_TRUE(verifier()
                  .verify_handshake(SignatureRules::kTls12, SignatureScheme::rsa_pkcs1_sha384, spki,
                                    msg, *sig)
                  .ok());
  // Certificates keep using it.
  EXPECT_TRUE(verifier().verify(SignatureScheme::rsa_pkcs1_sha384, spki, msg, *sig).ok());
  // The default verify_handshake of a caller's own verifier refuses it as well.
  struct Plain final : SignatureVerifier {
    Status verify(SignatureScheme, ByteView, ByteView, ByteView) const override { return Ok{}; }
  } plain;
  EXPECT_FALSE(plain
                   .verify_handshake(SignatureRules::kTls13, SignatureScheme::rsa_pkcs1_sha256,
                                     spki, msg, *sig)
                   .ok());
  EXPECT_TRUE(plain
                  .verify_handshake(SignatureRules::kTls12, SignatureScheme::rsa_pkcs1_sha256, spki,
                                    msg, *sig)
                  .ok());
}

// An rsaEncryption key cannot make rsa_pss_pss_* signatures, nor an RSASSA-PSS key
// rsa_pss_rsae_* or PKCS#1 v1.5 ones; no SHA-1 scheme is supported.
TEST(OpenSslProviderSignTls12, RsaPssKeysAndRsaeSchemesDoNotMix) {
  const uint8_t msg[] = {7};
  std::shared_ptr<const SigningKey> rsa = must_generate(KeyType::kRsa);
  std::shared_ptr<const SigningKey> pss = must_generate(KeyType::kRsaPss);
  ASSERT_NE(rsa, nullptr);
  ASSERT_NE(pss, nullptr);
  EXPECT_FALSE(rsa->sign(SignatureScheme::rsa_pss_pss_sha256, msg).ok());
  EXPECT_FALSE(pss->sign(SignatureScheme::rsa_pss_rsae_sha256, msg).ok());
  EXPECT_FALSE(pss->sign(SignatureScheme::rsa_pkcs1_sha256, msg).ok());
  EXPECT_FALSE(rsa->sign(SignatureScheme::rsa_pkcs1_sha1, msg).ok());
  Result<Bytes> sig = rsa->sign(SignatureScheme::rsa_pss_rsae_sha256, msg);
  ASSERT_TRUE(sig.ok());
  Status st =
      verifier().verify_handshake(SignatureRules::kTls12, SignatureScheme::rsa_pss_pss_sha256,
                                  rsa->public_key_spki(), msg, *sig);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().alert, AlertDescription::illegal_parameter);
  Status sha1 = verifier().verify_handshake(SignatureRules::kTls12, SignatureScheme::rsa_pkcs1_sha1,
                                            rsa->public_key_spki(), msg, *sig);
  ASSERT_FALSE(sha1.ok());
  EXPECT_EQ(sha1.error().alert, AlertDescription::illegal_parameter);
}

// The new key types survive PKCS#8 and load again with the same type.
TEST(OpenSslProviderSignTls12, NewKeysRoundTripThroughPkcs8) {
  for (KeyType t : {KeyType::kEcdsaP521, KeyType::kEd448, KeyType::kRsaPss}) {
    SCOPED_TRACE(static_cast<int>(t));
    std::shared_ptr<const SigningKey> key = must_generate(t);
    ASSERT_NE(key, nullptr);
    Secret der = key->private_key_pkcs8();
    Result<std::shared_ptr<const SigningKey>> again =
        openssl_provider().keys->load_private_key(der.span());
    ASSERT_TRUE(again.ok()) << again.error().reason;
    EXPECT_EQ((*again)->type(), t);
    EXPECT_EQ(to_hex((*again)->public_key_spki()), to_hex(key->public_key_spki()));
  }
  EXPECT_FALSE(openssl_provider().keys->generate(KeyType::kRsaPss, 1024).ok());
}

}  // namespace
}  // namespace glasstls::crypto
