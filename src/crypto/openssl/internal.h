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
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
enum class KeyFamily : uint8_t { kEc, kRsa, kX25519, kX448, kDh };

// public_key_fromdata imports a public key of `family` from `params` (EVP_PKEY_fromdata on a
// per-thread context). Null, with the error queue drained, when libcrypto refuses the values:
// for EC that includes a point that is not on the curve.
PkeyPtr public_key_fromdata(KeyFamily family, OSSL_PARAM* params);

// import_public_key makes a libcrypto key from a DER SubjectPublicKeyInfo: EC keys on the
// named curves, RSA, Ed25519 and Ed448 are parsed by glasstls and imported from their raw values,
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
  // TLS 1.2 CBC record protection (cbc.cc).
  EVP_CIPHER* aes128cbc = nullptr;
  EVP_CIPHER* aes256cbc = nullptr;

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
  bool hmac_into(ByteView key, std::span<const ByteView> parts,
                 std::span<uint8_t> out) const override;
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

// OsslCbcCipher is AES in CBC mode without padding over a fetched EVP_CIPHER (cbc.cc), for
// TLS 1.2 CBC records.
class OsslCbcCipher final : public CbcCipher {
 public:
  // OsslCbcCipher requires a non-null `cipher` that outlives it.
  explicit OsslCbcCipher(const EVP_CIPHER* cipher);
  size_t key_len() const override { return key_len_; }
  Result<std::unique_ptr<CbcKey>> new_key(ByteView key) const override;

 private:
  const EVP_CIPHER* cipher_;
  size_t key_len_;
};

// OsslHmac is HMAC over a fetched EVP_MD (cbc.cc), for TLS 1.2 CBC records: each key is an
// EVP_MAC context keyed once and restarted for every record.
class OsslHmac final : public Hmac {
 public:
  // create returns null when the digest or HMAC is unavailable. `md` and `hmac` must outlive
  // the object and every key it makes.
  static std::unique_ptr<OsslHmac> create(const EVP_MD* md, EVP_MAC* hmac);
  size_t mac_len() const override { return len_; }
  Result<std::unique_ptr<HmacKey>> new_key(ByteView key) const override;

 private:
  OsslHmac(const EVP_MD* md, MacCtxPtr hmac_template);
  const EVP_MD* md_;
  size_t len_;
  // hmac_template_ has the digest set; it is only ever duplicated.
  MacCtxPtr hmac_template_;
};

// KxKind is how a group's shares are made and read.
enum class KxKind : uint8_t {
  kRaw,    // X25519, X448: raw byte strings (RFC 7748)
  kEc,     // the NIST curves: uncompressed points
  kFfdhe,  // the RFC 7919 finite-field groups: Y left-padded to the size of p
};

// KxSpec describes one key-exchange group.
struct KxSpec {
  NamedGroup group;
  // ossl_name is the EVP_PKEY algorithm ("X25519", "X448") or, for NIST curves and FFDHE, the
  // group name ("prime256v1", "ffdhe2048").
  const char* ossl_name;
  KxKind kind;
  // scalar_len is the private key length (0 for FFDHE, whose private value may be of any length
  // up to p's);
  // share_len the length of a KeyShareEntry key; secret_len the length of the shared secret.
  size_t scalar_len;
  size_t share_len;
  size_t secret_len;
  // slot numbers the group (0 to kKxSlots-1) for per-thread caches.
  size_t slot;
};
inline constexpr size_t kKxSlots = 10;

class OsslKxGroup final : public KxGroup {
 public:
  // OsslKxGroup reads p and g of an FFDHE group from libcrypto's named group; if libcrypto does
  // not know the group, ok() is false and the provider leaves the group out.
  explicit OsslKxGroup(const KxSpec& spec);
  bool ok() const { return ok_; }
  NamedGroup group() const override { return spec_.group; }
  Result<std::unique_ptr<KeyExchange>> start() const override;
  Result<std::unique_ptr<KeyExchange>> start_with_private(ByteView private_key) const override;
  std::optional<DhParams> dh_params() const override;

 private:
  KxSpec spec_;
  bool ok_ = true;
  // dh_ holds the FFDHE group's p and g (null for the other kinds); never modified.
  PkeyPtr dh_;
  DhParams params_;
};

// dh_group_params makes a libcrypto key holding only the domain parameters of the named
// finite-field group `name` ("ffdhe2048", "modp_2048"), and reads its p and g. Null when
// libcrypto does not know the name.
PkeyPtr dh_group_params(const char* name, DhParams* out);

// dh_exchange makes a key pair in the finite-field group of `params` (a key holding p and g)
// and wraps it. `p` is the prime, big-endian without leading zeros. With `exact_share` (TLS
// 1.3) the peer's Y must be exactly the size of p; otherwise (TLS 1.2) it may be shorter. A Y
// out of range fails with `bad_share`.
Result<std::unique_ptr<KeyExchange>> dh_exchange(NamedGroup group, const EVP_PKEY* params,
                                                 ByteView p, bool exact_share,
                                                 AlertDescription bad_share);

// dh_exchange_with_private makes the key pair of the known private value `x` (big-endian,
// 1 < x < p-1, else kBadConfig) in the group of prime `p` and generator `g`, and wraps it as
// dh_exchange does. For KxGroup::start_with_private and DhGroups::start_with_private.
Result<std::unique_ptr<KeyExchange>> dh_exchange_with_private(NamedGroup group, ByteView p,
                                                              ByteView g, ByteView x,
                                                              bool exact_share,
                                                              AlertDescription bad_share);

// OsslDhGroups checks a server's finite-field group and makes key pairs in it (TLS 1.2 DHE).
class OsslDhGroups final : public DhGroups {
 public:
  // OsslDhGroups reads the RFC 7919 and RFC 3526 primes libcrypto knows by name.
  OsslDhGroups();
  Result<std::unique_ptr<KeyExchange>> start(ByteView p, ByteView g) const override;
  Result<std::unique_ptr<KeyExchange>> start_with_private(ByteView p, ByteView g,
                                                          ByteView private_key) const override;

 private:
  // check applies start's checks to `p` and `g` and names the RFC 7919 group they are (zero
  // for another group).
  Result<NamedGroup> check(ByteView p, ByteView g) const;

  struct Known {
    NamedGroup group;  // NamedGroup{0} for the RFC 3526 groups, which TLS does not name
    DhParams params;
  };
  std::vector<Known> known_;
};

class OsslVerifier final : public SignatureVerifier {
 public:
  // OsslVerifier requires `algs` to outlive it.
  explicit OsslVerifier(const Algorithms* algs) : algs_(algs) {}
  Status verify(SignatureScheme scheme, ByteView spki_der, ByteView message,
                ByteView signature) const override;
  Status verify_handshake(SignatureRules rules, SignatureScheme scheme, ByteView spki_der,
                          ByteView message, ByteView signature) const override;

 private:
  // check verifies; with `any_curve` an ECDSA scheme fits a key on any supported curve.
  Status check(SignatureScheme scheme, ByteView spki_der, ByteView message, ByteView signature,
               bool any_curve) const;
  // public_key returns the key of `spki_der` (a reference of its own), from the cache of the
  // last keys imported when it is there, or imported now and put in the cache; null when the
  // SubjectPublicKeyInfo is malformed or unsupported.
  PkeyPtr public_key(ByteView spki_der) const;

  const Algorithms* algs_;
  // The last kCachedKeys public keys imported, by their exact SubjectPublicKeyInfo DER: a client
  // that connects to the same servers sees the same leaf and CA keys again, and importing one
  // (decoding it, and for RSA the Montgomery set-up of its modulus at the first use) costs about
  // as much as verifying with it. Keys are public; a slot is replaced in turn.
  static constexpr size_t kCachedKeys = 8;
  struct CachedKey {
    Bytes spki;
    PkeyPtr key;
  };
  mutable std::mutex cache_mu_;
  mutable CachedKey cache_[kCachedKeys];
  mutable size_t cache_next_ = 0;
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
