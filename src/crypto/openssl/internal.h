// internal.h: shared pieces of the OpenSSL provider (src/crypto/openssl/ only).
//
// This header includes <openssl/*> and so must never be included from outside
// src/crypto/openssl/. It holds RAII owners for libcrypto objects, the error helpers, the table of
// algorithms fetched once when the provider is created, and the concrete classes that
// provider.cc assembles into a CryptoProvider.
#pragma once

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/params.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "glasstls/crypto.h"

namespace glasstls::crypto::openssl {

// FreeWith is a unique_ptr deleter calling the libcrypto free function `Fn`.
template <auto Fn>
struct FreeWith {
  template <typename T>
  void operator()(T* p) const {
    Fn(p);
  }
};

using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, FreeWith<EVP_MD_CTX_free>>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, FreeWith<EVP_MAC_CTX_free>>;
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, FreeWith<EVP_CIPHER_CTX_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, FreeWith<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, FreeWith<EVP_PKEY_CTX_free>>;
// BignumPtr clears the number when freeing it: it may hold a private scalar.
using BignumPtr = std::unique_ptr<BIGNUM, FreeWith<BN_clear_free>>;
using BnCtxPtr = std::unique_ptr<BN_CTX, FreeWith<BN_CTX_free>>;
using EcGroupPtr = std::unique_ptr<EC_GROUP, FreeWith<EC_GROUP_free>>;
using EcPointPtr = std::unique_ptr<EC_POINT, FreeWith<EC_POINT_clear_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, FreeWith<OSSL_PARAM_BLD_free>>;
// ParamPtr owns an array from OSSL_PARAM_BLD_to_param. OSSL_PARAM_free clears the part built
// from secure BIGNUMs (BN_secure_new), which is where private scalars go.
using ParamPtr = std::unique_ptr<OSSL_PARAM, FreeWith<OSSL_PARAM_free>>;

// drain_errors empties this thread's OpenSSL error queue and returns the oldest entry as text
// (empty when the queue was empty). Every failure path calls it, so that a stale entry never
// shows up in an unrelated later error.
std::string drain_errors();

// ossl_internal is an internal_error for a libcrypto call `what` that failed, with the OpenSSL
// error text appended.
Error ossl_internal(std::string_view what);

// die stops the program after a libcrypto failure in an operation the interface declares
// infallible (HMAC, hashing). Those calls fail only when memory runs out, which is fatal
// everywhere else in glasstls too (std::vector under -fno-exceptions aborts).
[[noreturn]] void die(std::string_view what);

// nonnull returns `v.data()`, or a pointer to a static byte when `v` is empty, for libcrypto
// calls that treat a NULL pointer differently from an empty input (EVP_MAC_init's NULL key
// means "keep the previous key").
const uint8_t* nonnull(ByteView v);

// KeyFamily is a kind of public key that public_key_fromdata imports.
enum class KeyFamily : uint8_t { kEc, kRsa, kX25519 };

// public_key_fromdata imports a public key of `family` from `params` (EVP_PKEY_fromdata on a
// per-thread context). Null, with the error queue drained, when libcrypto refuses the values:
// for EC that includes a point that is not on the curve.
PkeyPtr public_key_fromdata(KeyFamily family, OSSL_PARAM* params);

// import_public_key makes a libcrypto key from a DER SubjectPublicKeyInfo: EC keys on the
// named curves, RSA and Ed25519 are parsed by glasstls and imported from their raw values,
// anything else goes through d2i_PUBKEY. Null when the input is malformed or unsupported.
PkeyPtr import_public_key(ByteView spki_der);

// Algorithms are the libcrypto algorithm objects, fetched once in the default library context
// when the provider is created. A null member is an algorithm the library does not offer (for
// example ChaCha20-Poly1305 under a FIPS-only configuration). The table is never freed: it lives
// as long as the provider, that is, until the program exits.
struct Algorithms {
  EVP_MD* sha1 = nullptr;
  EVP_MD* sha256 = nullptr;
  EVP_MD* sha384 = nullptr;
  EVP_MD* sha512 = nullptr;
  EVP_CIPHER* aes128gcm = nullptr;
  EVP_CIPHER* aes256gcm = nullptr;
  EVP_CIPHER* chacha20poly1305 = nullptr;
  EVP_MAC* hmac = nullptr;

  const EVP_MD* md(HashId id) const;
};

// OsslHash is a Hash over a fetched EVP_MD, with HMAC and HKDF done on EVP_MAC contexts that
// are duplicated from a template made once (so no per-call fetch by name), one per thread.
// forget_thread_hmac_keys replaces the key state this thread's HMAC contexts hold from their
// last use (CryptoProvider::forget_thread_secrets).
void forget_thread_hmac_keys();

class OsslHash final : public Hash {
 public:
  // create returns null when the digest or HMAC is unavailable.
  static std::unique_ptr<OsslHash> create(HashId id, const EVP_MD* md, EVP_MAC* hmac);

  HashId id() const override { return id_; }
  size_t output_len() const override { return len_; }
  std::unique_ptr<HashContext> start() const override;
  Bytes digest(ByteView data) const override;
  Secret hmac(ByteView key, ByteView data) const override;
  Secret hkdf_extract(ByteView salt, ByteView ikm) const override;
  Result<Secret> hkdf_expand(ByteView prk, ByteView info, size_t len) const override;

 private:
  OsslHash(HashId id, const EVP_MD* md, MacCtxPtr hmac_template);
  // keyed_hmac returns this thread's HMAC context for this digest, keyed with `key` and ready
  // for updates. It stays valid until the next keyed_hmac call on the same thread.
  EVP_MAC_CTX* keyed_hmac(ByteView key) const;

  HashId id_;
  const EVP_MD* md_;
  size_t len_;
  // hmac_template_ has the digest set; it is only ever duplicated, never used, so sharing it
  // between threads is safe.
  MacCtxPtr hmac_template_;
};

// OsslDigest is a Digest over a fetched EVP_MD (SHA-1, for identifiers only).
class OsslDigest final : public Digest {
 public:
  // OsslDigest requires a non-null `md` that outlives it.
  explicit OsslDigest(const EVP_MD* md);
  size_t output_len() const override { return len_; }
  Bytes digest(ByteView data) const override;

 private:
  const EVP_MD* md_;
  size_t len_;
};

// OsslAead is an AEAD over a fetched EVP_CIPHER (AES-GCM or ChaCha20-Poly1305).
class OsslAead final : public Aead {
 public:
  // OsslAead requires a non-null `cipher` that outlives it.
  OsslAead(AeadId id, const EVP_CIPHER* cipher);
  AeadId id() const override { return id_; }
  size_t key_len() const override { return key_len_; }
  Result<std::unique_ptr<AeadKey>> new_key(ByteView key) const override;

 private:
  AeadId id_;
  const EVP_CIPHER* cipher_;
  size_t key_len_;
};

// KxSpec describes one key-exchange group.
struct KxSpec {
  NamedGroup group;
  // ossl_name is the EVP_PKEY algorithm ("X25519") or, for NIST curves, the group name.
  const char* ossl_name;
  bool is_x25519;
  // scalar_len is the private key length; share_len the length of a KeyShareEntry key.
  size_t scalar_len;
  size_t share_len;
  // slot numbers the group (0, 1, 2) for per-thread caches.
  size_t slot;
};

class OsslKxGroup final : public KxGroup {
 public:
  explicit OsslKxGroup(const KxSpec& spec) : spec_(spec) {}
  NamedGroup group() const override { return spec_.group; }
  Result<std::unique_ptr<KeyExchange>> start() const override;
  Result<std::unique_ptr<KeyExchange>> start_with_private(ByteView private_key) const override;

 private:
  KxSpec spec_;
};

class OsslVerifier final : public SignatureVerifier {
 public:
  // OsslVerifier requires `algs` to outlive it.
  explicit OsslVerifier(const Algorithms* algs) : algs_(algs) {}
  Status verify(SignatureScheme scheme, ByteView spki_der, ByteView message,
                ByteView signature) const override;

 private:
  const Algorithms* algs_;
};

class OsslKeyStore final : public KeyStore {
 public:
  // OsslKeyStore requires `algs` to outlive it and every key it makes.
  explicit OsslKeyStore(const Algorithms* algs) : algs_(algs) {}
  Result<std::shared_ptr<const SigningKey>> load_private_key(ByteView pem_or_der) const override;
  Result<std::shared_ptr<const SigningKey>> generate(KeyType type, size_t rsa_bits) const override;

 private:
  const Algorithms* algs_;
};

class OsslRandom final : public Random {
 public:
  Status fill(std::span<uint8_t> out) const override;
};

}  // namespace glasstls::crypto::openssl
