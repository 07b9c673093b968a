// ed25519.cc: Ed25519 signatures (RFC 8032) over libsodium behind the provider seam.
//
// OpenSSL 3.0 signs an Ed25519 message in about twice the time libsodium takes and verifies one
// in about one and a half times, mostly in the EVP machinery around the curve arithmetic (a
// digest fetched per operation, a context per call). sodium_key_store() and sodium_verifier()
// hand Ed25519 to libsodium and everything else to the OpenSSL provider. Nothing here computes
// on the curve: the keys are still loaded, generated and encoded by the OpenSSL provider, and
// libsodium only signs with the key's 32-byte seed and verifies with the 32-byte public key.
//
// Ed25519 signing is deterministic, so libsodium's signatures are byte for byte OpenSSL's (the
// tests and ed25519_differential_fuzzer check it). libsodium's verification is stricter than
// OpenSSL 3.0's in three cases, none of which an honest signer produces: it refuses a public
// key or a signature's R of small order, and a public key whose encoding is not canonical.
// Refusing those is the safe side for a TLS client: it never accepts what OpenSSL refuses.
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "glasstls/crypto.h"

#if GLASSTLS_HAVE_SODIUM
#include <sodium.h>
#endif

namespace glasstls::crypto {

#if GLASSTLS_HAVE_SODIUM
namespace {

constexpr size_t kKeyLen = 32;
constexpr size_t kSignatureLen = 64;

// The DER SubjectPublicKeyInfo of an Ed25519 key (RFC 8410 section 4) is this prefix and the
// 32-byte key; the DER PKCS#8 PrivateKeyInfo (version 0, no attributes, RFC 8410 section 7) is
// the other prefix and the 32-byte seed. DER has one encoding, so any other bytes are another
// key type or a form left to OpenSSL.
constexpr uint8_t kSpkiPrefix[] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                   0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
constexpr uint8_t kPkcs8Prefix[] = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
                                    0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};

// raw_key returns the 32 key bytes after `prefix` when `der` is exactly prefix + 32 bytes.
const uint8_t* raw_key(ByteView der, const uint8_t* prefix, size_t prefix_len) {
  if (der.size() != prefix_len + kKeyLen || std::memcmp(der.data(), prefix, prefix_len) != 0) {
    return nullptr;
  }
  return der.data() + prefix_len;
}

// SodiumEd25519Key signs with libsodium; the key it was made from answers everything else.
class SodiumEd25519Key final : public SigningKey {
 public:
  explicit SodiumEd25519Key(std::shared_ptr<const SigningKey> inner) : inner_(std::move(inner)) {}
  SodiumEd25519Key(const SodiumEd25519Key&) = delete;
  SodiumEd25519Key& operator=(const SodiumEd25519Key&) = delete;
  ~SodiumEd25519Key() override { sodium_memzero(secret_, sizeof(secret_)); }

  // init expands the seed of inner_'s PKCS#8 into libsodium's secret key (seed || public key)
  // and checks that the public key is the one inner_ reports; false when the key is not in the
  // fixed forms or the two disagree (the caller then keeps inner_ alone).
  bool init() {
    Secret pkcs8 = inner_->private_key_pkcs8();
    const uint8_t* seed = raw_key(pkcs8.span(), kPkcs8Prefix, sizeof(kPkcs8Prefix));
    const Bytes spki = inner_->public_key_spki();
    const uint8_t* expected = raw_key(spki, kSpkiPrefix, sizeof(kSpkiPrefix));
    uint8_t public_key[kKeyLen];
    return seed != nullptr && expected != nullptr &&
           crypto_sign_ed25519_seed_keypair(public_key, secret_, seed) == 0 &&
           std::memcmp(public_key, expected, kKeyLen) == 0;
  }

  KeyType type() const override { return KeyType::kEd25519; }
  size_t bits() const override { return inner_->bits(); }
  std::vector<SignatureScheme> schemes() const override { return inner_->schemes(); }
  std::vector<SignatureScheme> schemes_for(SignatureRules rules) const override {
    return inner_->schemes_for(rules);
  }

  Result<Bytes> sign(SignatureScheme scheme, ByteView message) const override {
    if (scheme != SignatureScheme::ed25519) {
      return inner_->sign(scheme, message);  // Refused there, with its words.
    }
    Bytes signature(kSignatureLen);
    if (crypto_sign_ed25519_detached(signature.data(), nullptr, message.data(), message.size(),
                                     secret_) != 0) {
      return Error{ErrorKind::kInternal, AlertDescription::internal_error,
                   "libsodium could not make an ed25519 signature"};
    }
    return signature;
  }

  Bytes public_key_spki() const override { return inner_->public_key_spki(); }
  Secret private_key_pkcs8() const override { return inner_->private_key_pkcs8(); }

 private:
  std::shared_ptr<const SigningKey> inner_;
  uint8_t secret_[crypto_sign_ed25519_SECRETKEYBYTES] = {};
};

// with_sodium wraps an Ed25519 key; any other key, or one libsodium cannot take, is returned as
// it is.
Result<std::shared_ptr<const SigningKey>> with_sodium(
    Result<std::shared_ptr<const SigningKey>> loaded) {
  if (!loaded.ok() || (*loaded)->type() != KeyType::kEd25519) {
    return loaded;
  }
  auto key = std::make_shared<SodiumEd25519Key>(*loaded);
  if (!key->init()) {
    return loaded;
  }
  return std::shared_ptr<const SigningKey>(std::move(key));
}

class SodiumKeyStore final : public KeyStore {
 public:
  Result<std::shared_ptr<const SigningKey>> load_private_key(ByteView pem_or_der) const override {
    return with_sodium(openssl_provider().keys->load_private_key(pem_or_der));
  }
  Result<std::shared_ptr<const SigningKey>> generate(KeyType type, size_t rsa_bits) const override {
    return with_sodium(openssl_provider().keys->generate(type, rsa_bits));
  }
};

class SodiumVerifier final : public SignatureVerifier {
 public:
  Status verify(SignatureScheme scheme, ByteView spki_der, ByteView message,
                ByteView signature) const override {
    if (const uint8_t* key = ed25519_key(scheme, spki_der)) {
      return check(key, message, signature);
    }
    return openssl_provider().verifier->verify(scheme, spki_der, message, signature);
  }

  Status verify_handshake(SignatureRules rules, SignatureScheme scheme, ByteView spki_der,
                          ByteView message, ByteView signature) const override {
    // ed25519 means the same under both rules (RFC 8422 section 5.1.3, RFC 8446 section 4.2.3).
    if (const uint8_t* key = ed25519_key(scheme, spki_der)) {
      return check(key, message, signature);
    }
    return openssl_provider().verifier->verify_handshake(rules, scheme, spki_der, message,
                                                         signature);
  }

 private:
  // ed25519_key is the raw public key when libsodium takes this verification: the ed25519
  // scheme with an Ed25519 key. Any misfit (ed25519 with another key type, a malformed SPKI)
  // goes to the OpenSSL verifier, which refuses it with the alert it always gave.
  static const uint8_t* ed25519_key(SignatureScheme scheme, ByteView spki_der) {
    if (scheme != SignatureScheme::ed25519) {
      return nullptr;
    }
    return raw_key(spki_der, kSpkiPrefix, sizeof(kSpkiPrefix));
  }

  static Status check(const uint8_t* key, ByteView message, ByteView signature) {
    if (signature.size() != kSignatureLen ||
        crypto_sign_ed25519_verify_detached(signature.data(), message.data(), message.size(),
                                            key) != 0) {
      return Error{ErrorKind::kPeerMisbehaved, AlertDescription::decrypt_error,
                   "ed25519 signature is invalid"};
    }
    return Ok{};
  }
};

}  // namespace

const KeyStore* sodium_key_store() {
  static const KeyStore* store = []() -> const KeyStore* {
    // sodium_init is thread-safe and may be called more than once; < 0 is a failure.
    if (sodium_init() < 0 || openssl_provider().keys == nullptr) {
      return nullptr;
    }
    return new SodiumKeyStore();  // Never destroyed, like openssl_provider().
  }();
  return store;
}

const SignatureVerifier* sodium_verifier() {
  static const SignatureVerifier* verifier = []() -> const SignatureVerifier* {
    if (sodium_init() < 0 || openssl_provider().verifier == nullptr) {
      return nullptr;
    }
    return new SodiumVerifier();  // Never destroyed.
  }();
  return verifier;
}

#else

const KeyStore* sodium_key_store() { return nullptr; }
const SignatureVerifier* sodium_verifier() { return nullptr; }

#endif

}  // namespace glasstls::crypto
