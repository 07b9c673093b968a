// crypto.h: the narrow seam between glasstls and its cryptographic primitives.
//
// Everything glasstls needs from cryptography goes through these interfaces: hashes with
// HMAC/HKDF, in-place AEADs, key exchange groups, signature verification, private keys, and
// randomness. The implementation glasstls ships is openssl_provider(), over OpenSSL 3
// libcrypto. A caller may supply its own: a CryptoProvider with some members replaced (a
// Random of its own, say), or a SigningKey whose private key never leaves a hardware module,
// given to a configuration as PrivateKey(key) (config.h).
//
// Thread safety: a CryptoProvider and everything it points to, and every SigningKey, are used
// from many connections on many threads at once: they must be immutable after construction (or
// synchronise internally). The per-use contexts (HashContext, AeadKey, KeyExchange) belong to
// one connection and are used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "glasstls/error.h"
#include "glasstls/result.h"
#include "glasstls/secret.h"
#include "glasstls/types.h"

namespace glasstls {
using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;
}  // namespace glasstls

namespace glasstls::crypto {

enum class HashId : uint8_t { kSha256, kSha384, kSha512 };

// HashContext is a running hash. One per transcript; clone() forks it (for the transcript hash
// at a point while the handshake goes on).
class HashContext {
 public:
  virtual ~HashContext() = default;
  virtual void update(ByteView data) = 0;
  virtual std::unique_ptr<HashContext> clone() const = 0;
  // finish writes the digest (output_len bytes) of everything so far. The context must not be
  // used afterwards.
  virtual Bytes finish() = 0;
};

// Hash is a fetched hash algorithm with the HMAC and HKDF (RFC 5869) built on it.
class Hash {
 public:
  virtual ~Hash() = default;
  virtual HashId id() const = 0;
  virtual size_t output_len() const = 0;
  virtual std::unique_ptr<HashContext> start() const = 0;
  virtual Bytes digest(ByteView data) const = 0;
  // hmac returns HMAC(key, data), output_len bytes.
  virtual Secret hmac(ByteView key, ByteView data) const = 0;
  // hmac_into writes HMAC(key, parts[0] || parts[1] || ...) to `out`, which must be exactly
  // output_len bytes (otherwise nothing is written and it returns false). `out` must not overlap
  // the key or the parts. It lets a caller that makes many HMACs (the TLS 1.2 PRF) keep them in
  // its own buffers. The default joins the parts and calls hmac(); providers override it to
  // allocate nothing.
  virtual bool hmac_into(ByteView key, std::span<const ByteView> parts,
                         std::span<uint8_t> out) const {
    if (out.size() != output_len()) {
      return false;
    }
    Secret joined([&] {
      size_t n = 0;
      for (ByteView p : parts) {
        n += p.size();
      }
      return n;
    }());
    size_t at = 0;
    for (ByteView p : parts) {
      if (!p.empty()) {
        std::memcpy(joined.data() + at, p.data(), p.size());
      }
      at += p.size();
    }
    const Secret mac = hmac(key, joined.span());
    std::memcpy(out.data(), mac.data(), out.size());
    return true;
  }
  // hkdf_extract returns HKDF-Extract(salt, ikm), output_len bytes. An empty salt means a
  // string of output_len zeros (RFC 5869 section 2.2).
  virtual Secret hkdf_extract(ByteView salt, ByteView ikm) const = 0;
  // hkdf_expand returns HKDF-Expand(prk, info, len); fails only if len > 255 * output_len.
  virtual Result<Secret> hkdf_expand(ByteView prk, ByteView info, size_t len) const = 0;
};

// Digest is a bare hash function: no HMAC, no HKDF, no HashId.
class Digest {
 public:
  virtual ~Digest() = default;
  virtual size_t output_len() const = 0;
  virtual Bytes digest(ByteView data) const = 0;
};

// AeadKey is one direction's AEAD key, ready for many records. seal and open work in place;
// seal_record and open_into read from one buffer and write to another, so a record can be
// sealed straight from the caller's plaintext and opened straight into its destination.
//
// Buffers passed as input and output to one call must either be the same bytes (in place) or
// not overlap at all; a partial overlap is undefined.
class AeadKey {
 public:
  virtual ~AeadKey() = default;
  // seal encrypts `in_out` in place under `nonce` and `aad`, and writes the tag (tag_len bytes)
  // to `tag`. Fails only on an internal error.
  virtual Status seal(ByteView nonce, ByteView aad, std::span<uint8_t> in_out,
                      std::span<uint8_t> tag) = 0;
  // open decrypts `in_out` in place and checks `tag`. On a bad tag it fails with alert
  // bad_record_mac and the contents of `in_out` are unspecified.
  virtual Status open(ByteView nonce, ByteView aad, std::span<uint8_t> in_out, ByteView tag) = 0;

  // seal_record encrypts `content` followed by the one byte `inner_type` (a TLSInnerPlaintext
  // without padding, RFC 8446 section 5.2) into `out`, which must be content.size() + 1 bytes,
  // and writes the tag (tag_len bytes) to `tag`. `content` is only read. Fails only on an
  // internal error (including a wrong `out` size); `out` is then unspecified.
  // The default copies `content` into `out` and seals in place; providers override it to do
  // the copy and the encryption in one pass.
  virtual Status seal_record(ByteView nonce, ByteView aad, ByteView content, uint8_t inner_type,
                             std::span<uint8_t> out, std::span<uint8_t> tag) {
    if (out.size() != content.size() + 1) {
      return Error{ErrorKind::kInternal, AlertDescription::internal_error,
                   "AEAD seal_record output is not the content plus one byte"};
    }
    if (!content.empty() && out.data() != content.data()) {
      std::memmove(out.data(), content.data(), content.size());
    }
    out[content.size()] = inner_type;
    return seal(nonce, aad, out, tag);
  }
  // seal_into encrypts `content` into `out` (content.size() bytes) and writes the tag (tag_len
  // bytes) to `tag`: a TLS 1.2 AEAD record's content, which has no inner type byte (RFC 5246
  // section 6.2.3.3). `content` is only read, unless `out` is the same bytes. Fails only on an
  // internal error (including a wrong `out` size); `out` is then unspecified.
  // The default copies `content` into `out` and seals in place; providers override it to do
  // the copy and the encryption in one pass.
  virtual Status seal_into(ByteView nonce, ByteView aad, ByteView content, std::span<uint8_t> out,
                           std::span<uint8_t> tag) {
    if (out.size() != content.size()) {
      return Error{ErrorKind::kInternal, AlertDescription::internal_error,
                   "AEAD seal_into output is not the size of the content"};
    }
    if (!content.empty() && out.data() != content.data()) {
      std::memmove(out.data(), content.data(), content.size());
    }
    return seal(nonce, aad, out, tag);
  }
  // open_into decrypts `ciphertext` into `out` (ciphertext.size() bytes; it may be `ciphertext`
  // itself) and checks `tag`. `ciphertext` is only read, unless `out` is the same bytes. On a
  // bad tag it fails with alert bad_record_mac and the contents of `out` are unspecified.
  // The default copies `ciphertext` into `out` and opens in place; providers override it.
  virtual Status open_into(ByteView nonce, ByteView aad, ByteView ciphertext,
                           std::span<uint8_t> out, ByteView tag) {
    if (out.size() != ciphertext.size()) {
      return Error{ErrorKind::kInternal, AlertDescription::internal_error,
                   "AEAD open_into output is not the size of the ciphertext"};
    }
    if (!ciphertext.empty() && out.data() != ciphertext.data()) {
      std::memmove(out.data(), ciphertext.data(), ciphertext.size());
    }
    return open(nonce, aad, out, tag);
  }
};

enum class AeadId : uint8_t { kAes128Gcm, kAes256Gcm, kChaCha20Poly1305 };

class Aead {
 public:
  virtual ~Aead() = default;
  virtual AeadId id() const = 0;
  virtual size_t key_len() const = 0;
  size_t nonce_len() const { return 12; }
  size_t tag_len() const { return 16; }
  // new_key makes a key context for `key` (key_len bytes).
  virtual Result<std::unique_ptr<AeadKey>> new_key(ByteView key) const = 0;
};

// --- TLS 1.2 CBC record protection: a block cipher in CBC mode and HMAC (RFC 5246 section
// 6.2.3.2, RFC 7366). Only the legacy TLS 1.2 suites ..._CBC_SHA, ..._CBC_SHA256 and
// ..._CBC_SHA384 use them.

// CbcKey is one direction's AES key in CBC mode without padding, ready for many records: it
// encrypts and decrypts whole 16-byte blocks under an IV the caller gives. Chaining two calls
// (the second call's IV being the last ciphertext block of the first) gives the same bytes as
// one call over both inputs.
class CbcKey {
 public:
  virtual ~CbcKey() = default;
  // encrypt encrypts `in` (a multiple of 16 bytes) into `out` (in.size() bytes, either `in`
  // itself or not overlapping it) under `iv` (16 bytes). Fails only on an internal error.
  virtual Status encrypt(ByteView iv, ByteView in, std::span<uint8_t> out) = 0;
  // decrypt is the inverse of encrypt, under the same conditions. There is no padding to check
  // and so no failure but an internal error: the caller checks the record's own padding.
  virtual Status decrypt(ByteView iv, ByteView in, std::span<uint8_t> out) = 0;
};

// CbcCipher is a fetched block cipher in CBC mode (AES-128 or AES-256).
class CbcCipher {
 public:
  virtual ~CbcCipher() = default;
  virtual size_t key_len() const = 0;
  size_t block_len() const { return 16; }
  // new_key makes a key context for `key` (key_len bytes).
  virtual Result<std::unique_ptr<CbcKey>> new_key(ByteView key) const = 0;
};

// HmacKey is one direction's HMAC key, keyed once and reused for every record.
class HmacKey {
 public:
  virtual ~HmacKey() = default;
  // mac_len is the length of the MAC (the hash's output).
  virtual size_t mac_len() const = 0;
  // mac writes HMAC(key, parts[0] || parts[1] || ...) to `out` (mac_len bytes). Fails only on
  // an internal error.
  virtual Status mac(std::span<const ByteView> parts, std::span<uint8_t> out) = 0;
  // mac_secret_length writes HMAC(key, header || data.first(len)) to `out` (mac_len bytes) with
  // the same amount of hash work (the same number of runs of the hash's compression function)
  // for every `len` from `min_len` to data.size(): `len` is secret, as a MAC-then-encrypt
  // record's content length is until its MAC is checked (RFC 5246 section 6.2.3.2, the
  // implementation note). The caller must keep `min_len` <= `len` <= data.size() and compute
  // `len` without branching on it. Fails only on an internal error.
  virtual Status mac_secret_length(ByteView header, ByteView data, size_t len, size_t min_len,
                                   std::span<uint8_t> out) = 0;
};

// Hmac is HMAC over a fetched hash, for TLS 1.2 CBC records.
class Hmac {
 public:
  virtual ~Hmac() = default;
  virtual size_t mac_len() const = 0;
  // new_key makes a key context for `key` (RFC 5246 section 6.3: mac_len bytes).
  virtual Result<std::unique_ptr<HmacKey>> new_key(ByteView key) const = 0;
};

// KeyExchange is one ephemeral key pair of a group.
class KeyExchange {
 public:
  virtual ~KeyExchange() = default;
  // group is the named group of the key pair. A TLS 1.2 DHE exchange in a group the server
  // chose (DhGroups::start) names the RFC 7919 group with the same p and g, or is
  // NamedGroup{0} for other parameters.
  virtual NamedGroup group() const = 0;
  // public_key is our share as it goes in a KeyShareEntry (RFC 8446 section 4.2.8.2: the raw
  // 32 or 56 bytes for X25519 and X448, the uncompressed point 04||X||Y for the NIST curves;
  // section 4.2.8.1: the finite-field Y, big-endian, left-padded with zeros to the size of p).
  virtual ByteView public_key() const = 0;
  // complete derives the shared secret with the peer's share. A malformed or invalid share
  // (wrong length, not on the curve, an all-zero X25519 or X448 result, a finite-field Y
  // outside 1 < Y < p-1) fails with illegal_parameter (handshake_failure for an exchange made
  // by DhGroups::start, as RFC 7919 section 3 asks). A finite-field secret is left-padded with
  // zeros to the size of p, as TLS 1.3 uses it; TLS 1.2 strips the leading zeros itself
  // (RFC 5246 section 8.1.2).
  virtual Result<Secret> complete(ByteView peer_public_key) = 0;
};

// DhParams are the prime and generator of a finite-field group, big-endian without leading
// zeros, as TLS 1.2's ServerDHParams carries them (dh_p, dh_g).
struct DhParams {
  Bytes p;
  Bytes g;
};

class KxGroup {
 public:
  virtual ~KxGroup() = default;
  virtual NamedGroup group() const = 0;
  // start generates a fresh key pair.
  virtual Result<std::unique_ptr<KeyExchange>> start() const = 0;
  // start_with_private makes a key pair from a known private key (raw 32 or 56 bytes for X25519
  // and X448, the big-endian scalar for the NIST curves, the big-endian exponent x with
  // 1 < x < p-1 for the finite-field groups). A key that does not fit fails with kBadConfig. For
  // known-answer tests and throwaway keys a caller shows (glasstls demo) only: a connection's
  // key pairs come from start().
  virtual Result<std::unique_ptr<KeyExchange>> start_with_private(ByteView private_key) const = 0;
  // dh_params returns p and g of a finite-field group (ffdhe2048 ... ffdhe8192), for a TLS 1.2
  // server's ServerKeyExchange; nullopt for the elliptic-curve groups.
  virtual std::optional<DhParams> dh_params() const { return std::nullopt; }
};

// DhGroups makes TLS 1.2 DHE key pairs in the group a server chose.
class DhGroups {
 public:
  virtual ~DhGroups() = default;
  // start checks the prime `p` and generator `g` of a server's ServerDHParams (big-endian) and
  // makes a key pair in that group. It refuses, with insufficient_security (RFC 7919 section 3:
  // a group local policy does not accept), a p under 2048 or over 8192 bits and a p that is not
  // a safe prime (p and (p-1)/2 prime; the RFC 7919 and RFC 3526 primes are known to be); and,
  // with illegal_parameter, an even p and a g outside 1 < g < p-1. The exchange's public_key()
  // is Yc left-padded to the size of p, and its complete() refuses a Ys outside 1 < Ys < p-1
  // with handshake_failure (RFC 7919 section 3); Ys may be shorter than p.
  virtual Result<std::unique_ptr<KeyExchange>> start(ByteView p, ByteView g) const = 0;
  // start_with_private is start with a known private exponent `private_key` (big-endian,
  // 1 < x < p-1, else kBadConfig) instead of a fresh one, after the same checks of `p` and `g`.
  // For known-answer tests and throwaway keys a caller shows (glasstls demo) only: a
  // connection's key pairs come from start(). The default fails with kBadConfig.
  virtual Result<std::unique_ptr<KeyExchange>> start_with_private(ByteView /*p*/, ByteView /*g*/,
                                                                  ByteView /*private_key*/) const {
    return Error{ErrorKind::kBadConfig, AlertDescription::internal_error,
                 "this DhGroups has no start_with_private"};
  }
};

// KeyType is the kind of a private key: ECDSA on P-256, P-384 or P-521, RSA (rsaEncryption),
// RSA restricted to RSASSA-PSS (an id-RSASSA-PSS key), Ed25519 or Ed448.
enum class KeyType : uint8_t {
  kEcdsaP256,
  kEcdsaP384,
  kRsa,
  kEd25519,
  kEcdsaP521,
  kEd448,
  kRsaPss
};

// SignatureRules names the protocol whose rules a handshake signature follows.
enum class SignatureRules : uint8_t {
  // kTls13: RFC 8446 section 4.2.3. An ECDSA scheme is bound to its curve (and hash), and the
  // RSA PKCS#1 v1.5 schemes are for certificates only.
  kTls13,
  // kTls12: TLS 1.2 (RFC 5246 section 7.4.1.4.1, RFC 8446 section 4.2.3). An ECDSA scheme names
  // only its hash and fits a key on any of P-256, P-384 and P-521; rsa_pkcs1_sha256/384/512
  // are allowed. No SHA-1 scheme is, under either rules.
  kTls12,
};

// SigningKey is a private key able to sign handshakes.
class SigningKey {
 public:
  virtual ~SigningKey() = default;
  virtual KeyType type() const = 0;
  // bits is the key size (256, 384 or 521 for ECDSA, the RSA modulus size, 255 for Ed25519,
  // 448 for Ed448).
  virtual size_t bits() const = 0;
  // schemes lists the TLS 1.3 signature schemes this key can make, best first
  // (ecdsa_secp256r1_sha256; ecdsa_secp384r1_sha384; ecdsa_secp521r1_sha512;
  // rsa_pss_rsae_sha256/384/512; rsa_pss_pss_sha256/384/512 for an RSASSA-PSS key; ed25519;
  // ed448).
  virtual std::vector<SignatureScheme> schemes() const = 0;
  // schemes_for lists the schemes this key can make in handshakes under `rules`, best first.
  // Under kTls13 that is schemes(). Under kTls12 an RSA key adds rsa_pkcs1_sha256/384/512 after
  // its PSS schemes, and an ECDSA key adds the ECDSA schemes of the other hashes after its own.
  // The default returns schemes() for both rules, which suits a key that cannot do more.
  virtual std::vector<SignatureScheme> schemes_for(SignatureRules /*rules*/) const {
    return schemes();
  }
  // sign signs `message` with `scheme` (which must be in schemes_for(kTls12), or an
  // rsa_pkcs1_* scheme for an RSA key signing a certificate); RSA-PSS uses a salt the length of
  // the hash (RFC 8446 section 4.2.3).
  virtual Result<Bytes> sign(SignatureScheme scheme, ByteView message) const = 0;
  // public_key_spki is the DER SubjectPublicKeyInfo of the matching public key.
  virtual Bytes public_key_spki() const = 0;
  // private_key_pkcs8 is the DER PKCS#8 PrivateKeyInfo (for writing test fixtures).
  virtual Secret private_key_pkcs8() const = 0;
};

// KeyStore loads and generates private keys.
class KeyStore {
 public:
  virtual ~KeyStore() = default;
  // load_private_key reads a private key from PEM ("PRIVATE KEY", "EC PRIVATE KEY",
  // "RSA PRIVATE KEY") or DER PKCS#8: EC on P-256, P-384 or P-521, RSA and RSASSA-PSS of 2048
  // to 4096 bits, Ed25519, Ed448. Unsupported key types (RSA under 2048 or over 4096 bits,
  // other curves) fail with a kBadConfig error naming the reason.
  virtual Result<std::shared_ptr<const SigningKey>> load_private_key(ByteView pem_or_der) const = 0;
  // generate makes a fresh key (RSA and RSASSA-PSS: `rsa_bits`, 2048 to 4096; an RSASSA-PSS
  // key has no parameters restricting its hash).
  virtual Result<std::shared_ptr<const SigningKey>> generate(KeyType type,
                                                             size_t rsa_bits = 2048) const = 0;
};

// SignatureVerifier checks handshake signatures with a peer's public key.
class SignatureVerifier {
 public:
  virtual ~SignatureVerifier() = default;
  // verify checks `signature` over `message` under `scheme` with the public key in `spki_der`
  // (a DER SubjectPublicKeyInfo), as certificates and TLS 1.3 use schemes: an ECDSA scheme is
  // bound to its curve, rsa_pkcs1_* are accepted (certificates are signed with them). Fails with
  // decrypt_error when the signature is wrong, and with illegal_parameter when the scheme does
  // not fit the key (an ECDSA scheme for an RSA key, a P-256 scheme for a P-384 key, an
  // rsa_pss_rsae scheme for an RSASSA-PSS key, RSA outside 2048..4096 bits).
  virtual Status verify(SignatureScheme scheme, ByteView spki_der, ByteView message,
                        ByteView signature) const = 0;
  // verify_handshake checks a handshake signature under `rules` (SignatureRules): under kTls13 an
  // rsa_pkcs1_* scheme fails with illegal_parameter; under kTls12 an ECDSA scheme fits a key on
  // any supported curve. Otherwise as verify(). The default refuses what kTls13 refuses and
  // then calls verify(), which keeps ECDSA schemes bound to their curve: a verifier that does
  // not override it is stricter than TLS 1.2 asks, never looser.
  virtual Status verify_handshake(SignatureRules rules, SignatureScheme scheme, ByteView spki_der,
                                  ByteView message, ByteView signature) const {
    if (rules == SignatureRules::kTls13 && (scheme == SignatureScheme::rsa_pkcs1_sha256 ||
                                            scheme == SignatureScheme::rsa_pkcs1_sha384 ||
                                            scheme == SignatureScheme::rsa_pkcs1_sha512)) {
      return Error{ErrorKind::kPeerMisbehaved, AlertDescription::illegal_parameter,
                   "RSA PKCS#1 v1.5 signatures are not allowed in TLS 1.3 handshakes"};
    }
    return verify(scheme, spki_der, message, signature);
  }
};

class Random {
 public:
  virtual ~Random() = default;
  // fill writes random bytes from the operating system's CSPRNG (via the provider).
  virtual Status fill(std::span<uint8_t> out) const = 0;
};

// CryptoProvider is a plain struct of interface pointers; a test can copy one and swap a single
// member (a fixed Random, say). Null members are unsupported algorithms.
struct CryptoProvider {
  const Hash* sha256 = nullptr;
  const Hash* sha384 = nullptr;
  const Hash* sha512 = nullptr;
  // sha1 is SHA-1 for identifiers only (OCSP CertID hashes and responder key hashes, RFC 6960),
  // never for signatures or MACs. It has no HashId, so nothing that switches over hashes can
  // pick it. Null when libcrypto does not offer SHA-1.
  const Digest* sha1 = nullptr;
  const Aead* aes128gcm = nullptr;
  const Aead* aes256gcm = nullptr;
  const Aead* chacha20poly1305 = nullptr;
  const KxGroup* x25519 = nullptr;
  const KxGroup* secp256r1 = nullptr;
  const KxGroup* secp384r1 = nullptr;
  const KxGroup* secp521r1 = nullptr;
  const KxGroup* x448 = nullptr;
  const KxGroup* ffdhe2048 = nullptr;
  const KxGroup* ffdhe3072 = nullptr;
  const KxGroup* ffdhe4096 = nullptr;
  const KxGroup* ffdhe6144 = nullptr;
  const KxGroup* ffdhe8192 = nullptr;
  // dh makes TLS 1.2 DHE key pairs in the group a server sent.
  const DhGroups* dh = nullptr;
  const SignatureVerifier* verifier = nullptr;
  const KeyStore* keys = nullptr;
  const Random* random = nullptr;
  // TLS 1.2 CBC record protection, for the legacy CBC suites only (null when libcrypto lacks
  // them). hmac_sha1 is HMAC-SHA1 for the records of the suites named ..._CBC_SHA and for
  // nothing else (SHA-1 is otherwise only the `sha1` identifier digest above).
  const CbcCipher* aes128cbc = nullptr;
  const CbcCipher* aes256cbc = nullptr;
  const Hmac* hmac_sha1 = nullptr;
  const Hmac* hmac_sha256 = nullptr;
  const Hmac* hmac_sha384 = nullptr;
  // forget_thread_secrets clears key material this thread's reused contexts still hold from
  // their last use (the per-thread HMAC contexts keep their last key). A connection calls it
  // at the end of every call that may have used the key schedule. May be null.
  void (*forget_thread_secrets)() = nullptr;

  const Hash* hash(HashId id) const {
    switch (id) {
      case HashId::kSha256: return sha256;
      case HashId::kSha384: return sha384;
      case HashId::kSha512: return sha512;
    }
    return nullptr;
  }
  const KxGroup* group(NamedGroup g) const {
    switch (g) {
      case NamedGroup::x25519: return x25519;
      case NamedGroup::secp256r1: return secp256r1;
      case NamedGroup::secp384r1: return secp384r1;
      case NamedGroup::secp521r1: return secp521r1;
      case NamedGroup::x448: return x448;
      case NamedGroup::ffdhe2048: return ffdhe2048;
      case NamedGroup::ffdhe3072: return ffdhe3072;
      case NamedGroup::ffdhe4096: return ffdhe4096;
      case NamedGroup::ffdhe6144: return ffdhe6144;
      case NamedGroup::ffdhe8192: return ffdhe8192;
      default: return nullptr;
    }
  }
};

// openssl_provider is the provider over OpenSSL 3 libcrypto. It is created on first use
// (thread-safe), fetches every algorithm once, and lives until the program exits.
const CryptoProvider& openssl_provider();

// sodium_x25519 is X25519 (RFC 7748) computed by libsodium, or null when glasstls was built
// without it (CMake option GLASSTLS_SODIUM, on when libsodium-dev is installed). Its key pairs
// come from libsodium's fixed-base scalar multiplication over 32 bytes of the OpenSSL
// provider's randomness, and it behaves as openssl_provider().x25519 does: the same public
// values and shared secrets for the same private keys (checked on RFC 7748's known answers and
// by a differential fuzz target), the same refusals (a share that is not 32 bytes, an all-zero
// shared secret: illegal_parameter). It lives until the program exits.
const KxGroup* sodium_x25519();

// sodium_key_store loads and generates keys as openssl_provider().keys does, and gives each
// Ed25519 key a signer over libsodium (RFC 8032): the same 64-byte signatures, byte for byte, in
// about half the time; its other methods and every other key type are the OpenSSL provider's.
// Null when glasstls was built without libsodium.
const KeyStore* sodium_key_store();

// sodium_verifier verifies as openssl_provider().verifier does, except that an ed25519
// signature by an Ed25519 key (a SubjectPublicKeyInfo in its one DER form) is checked by
// libsodium. That check is stricter in three cases no honest signer produces (a public key or
// a signature's R of small order, a public key not canonically encoded): they are refused with
// decrypt_error; whatever OpenSSL refuses, it refuses too (tests and a differential fuzz
// target). Null when glasstls was built without libsodium.
const SignatureVerifier* sodium_verifier();

// default_provider is the provider a configuration uses when it names none, and the one
// PrivateKey::from_pem loads keys with: openssl_provider() with X25519 from sodium_x25519() and
// Ed25519 from sodium_key_store() and sodium_verifier() when glasstls was built with
// libsodium, and openssl_provider() itself otherwise. The environment variables
// GLASSTLS_X25519=openssl and GLASSTLS_ED25519=openssl, read when it is first called, keep
// OpenSSL's X25519 or Ed25519. Everything else is OpenSSL's. To choose in code, give a
// configuration a provider (ClientConfig::Builder::provider) or a key of your own
// (PrivateKey(key)).
const CryptoProvider& default_provider();

}  // namespace glasstls::crypto
