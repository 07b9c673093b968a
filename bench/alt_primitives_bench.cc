// alt_primitives_bench.cc: the handshake's public-key primitives through libcrypto's EVP API as
// glasstls calls it today, through EVP called the cheapest way its public API allows, and through
// the other vetted implementations Debian 12 ships (libsodium, nettle, GnuTLS), in the same run.
//
// alt/<primitive>/<impl>, one operation per iteration, thread CPU time:
//   x25519_keygen   a fresh private key and its public value (32 bytes);
//   x25519_agree    the shared secret with a peer's public value, all-zero result refused;
//   p256_keygen     a fresh P-256 key pair and its uncompressed point 04||X||Y;
//   p256_agree      decode and check the peer's uncompressed point, then the shared X;
//   p256_sign       ECDSA-SHA256 of a 130-byte CertificateVerify input, DER signature;
//   p256_verify     the same verified, starting from the signer's SubjectPublicKeyInfo DER
//                   (a TLS client gets the key as an SPKI in the leaf certificate);
//   rand32          32 random bytes from RAND_bytes, which every keygen here pays once.
// <impl>:
//   evp_today       the EVP calls of src/crypto/openssl/{kx,signature}.cc, inlined;
//   glasstls        the same through the provider seam (crypto::openssl_provider()), wrappers
//                   and result objects included: what a handshake pays now;
//   evp_*           cheaper sequences of public EVP calls, named after what they change:
//     evp_reused_ctx       keygen: one keygen EVP_PKEY_CTX (group set) for every key;
//                          sign: one EVP_PKEY_sign context for every signature (per thread);
//     evp_raw_private      X25519 keygen: RAND_bytes + EVP_PKEY_new_raw_private_key_ex;
//     evp_fromdata         X25519: keys and peer values through EVP_PKEY_fromdata on one
//                          fromdata-initialised context; agreement without peer validation;
//     evp_no_validate      agreement with EVP_PKEY_derive_set_peer_ex(..., 0) and no size query;
//     evp_reused_peer_ctx  P-256: that, with peer points through one fromdata context;
//     evp_pkey_sign        sign: prefetched SHA-256, then EVP_PKEY_sign on a fresh context;
//     evp_dup_ctx          sign: the same on an EVP_PKEY_CTX_dup of an initialised template;
//     evp_pkey_verify      verify: d2i_PUBKEY_ex, prefetched SHA-256, EVP_PKEY_verify;
//     evp_fast_spki        verify: that, with the point taken after the fixed P-256 SPKI
//                          prefix and imported with EVP_PKEY_fromdata instead of d2i_PUBKEY_ex.
//   Skipping peer validation is sound here: for X25519 the check only asks whether the key has
//   a public value (any 32 bytes are a valid input, RFC 7748; the all-zero result is refused by
//   EVP_PKEY_derive and by glasstls); for P-256, EVP_PKEY_fromdata already refuses coordinates
//   out of range and points off the curve, and with cofactor 1 every such point has order n, so
//   the full check's extra multiplication by n proves nothing more.
//   sodium          libsodium (GLASSTLS_BENCH_HAVE_SODIUM);
//   nettle          nettle/hogweed, the code under GnuTLS (GLASSTLS_BENCH_HAVE_NETTLE);
//   gnutls          gnutls_privkey_sign_data / gnutls_pubkey_verify_data2
//                   (GLASSTLS_BENCH_HAVE_GNUTLS).
// The keygens of libsodium and nettle take their randomness from RAND_bytes, as an
// implementation behind the provider seam would (through crypto::Random).
//
// Every implementation is checked once before it is timed: RFC 7748 section 6.1 for X25519 (both
// public values and the shared secret), agreement with OpenSSL on fresh keys both ways, refusal
// of a bad peer value (all-zero X25519 result; a P-256 point off the curve), and for ECDSA that
// each signer's signature verifies under each verifier and that a changed message does not. A
// failed check skips the benchmark with an error, so a wrong implementation never gets a figure.

#include <benchmark/benchmark.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "glasstls/crypto.h"

#ifdef GLASSTLS_BENCH_HAVE_SODIUM
#include <sodium.h>
#endif
#ifdef GLASSTLS_BENCH_HAVE_NETTLE
#include <gmp.h>
#include <nettle/bignum.h>
#include <nettle/curve25519.h>
#include <nettle/dsa.h>
#include <nettle/ecc-curve.h>
#include <nettle/ecc.h>
#include <nettle/ecdsa.h>
#include <nettle/sha2.h>
#endif
#ifdef GLASSTLS_BENCH_HAVE_GNUTLS
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#endif

namespace glasstls::bench {
namespace {

constexpr double kMinTime = 0.1;

using Buf = std::vector<uint8_t>;
using Key32 = std::array<uint8_t, 32>;
using Point65 = std::array<uint8_t, 65>;

template <auto F>
struct FreeWith {
  template <typename T>
  void operator()(T* p) const {
    F(p);
  }
};
using Pkey = std::unique_ptr<EVP_PKEY, FreeWith<EVP_PKEY_free>>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, FreeWith<EVP_PKEY_CTX_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, FreeWith<EVP_MD_CTX_free>>;
using Md = std::unique_ptr<EVP_MD, FreeWith<EVP_MD_free>>;
using Bignum = std::unique_ptr<BIGNUM, FreeWith<BN_free>>;

Buf from_hex(const char* hex) {
  Buf out;
  for (size_t i = 0; hex[i] != '\0' && hex[i + 1] != '\0'; i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(hex + i, 2), nullptr, 16)));
  }
  return out;
}

template <size_t N>
std::array<uint8_t, N> array_from_hex(const char* hex) {
  Buf b = from_hex(hex);
  std::array<uint8_t, N> out{};
  if (b.size() == N) {
    std::memcpy(out.data(), b.data(), N);
  }
  return out;
}

bool equal(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size()) == 0;
}

void random_bytes(uint8_t* out, size_t len) {
  if (RAND_bytes(out, static_cast<int>(len)) != 1) {
    std::abort();  // No benchmark can go on without randomness.
  }
}

// RFC 7748 section 6.1.
const Key32 kAlicePrivate =
    array_from_hex<32>("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
const Key32 kAlicePublic =
    array_from_hex<32>("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
const Key32 kBobPrivate =
    array_from_hex<32>("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
const Key32 kBobPublic =
    array_from_hex<32>("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
const Key32 kSharedSecret =
    array_from_hex<32>("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");

// kP256SpkiPrefix is the DER of a P-256 SubjectPublicKeyInfo up to the 65-byte point:
// SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING (0 unused bits) 04||X||Y }.
const Buf kP256SpkiPrefix = from_hex("3059301306072a8648ce3d020106082a8648ce3d030107034200");

// p256_point_of_spki returns the uncompressed point of a P-256 SPKI, or nothing when `spki` is
// not exactly kP256SpkiPrefix followed by an uncompressed point. (A fast path; any other SPKI
// would go to the general parser.)
std::optional<Point65> p256_point_of_spki(std::span<const uint8_t> spki) {
  if (spki.size() != kP256SpkiPrefix.size() + 65 ||
      !equal(spki.first(kP256SpkiPrefix.size()), kP256SpkiPrefix) ||
      spki[kP256SpkiPrefix.size()] != 0x04) {
    return std::nullopt;
  }
  Point65 p;
  std::memcpy(p.data(), spki.data() + kP256SpkiPrefix.size(), p.size());
  return p;
}

// ---- X25519 ----

enum class XKeygen : uint8_t {
  kQuick,       // EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"): name lookup, context each call
  kReusedCtx,   // one keygen EVP_PKEY_CTX, initialised once; EVP_PKEY_generate per key
  kRawPrivate,  // RAND_bytes + EVP_PKEY_new_raw_private_key_ex (computes the public value)
  kFromdata,    // RAND_bytes + EVP_PKEY_fromdata on one fromdata-initialised EVP_PKEY_CTX
};

enum class XPeer : uint8_t {
  kRawPublic,  // EVP_PKEY_new_raw_public_key_ex per peer value
  kFromdata,   // EVP_PKEY_fromdata on one fromdata-initialised EVP_PKEY_CTX
};

// drained passes `ok` through, emptying the error queue after a failure.
bool drained(bool ok) {
  if (!ok) {
    ERR_clear_error();
  }
  return ok;
}

// derive is the agreement step shared by the EVP variants: a derive context on `key`, the peer
// set with or without libcrypto's check, an optional size query, and the 32-byte secret.
bool derive(EVP_PKEY* key, EVP_PKEY* peer, bool validate_peer, bool size_query,
            std::span<uint8_t> shared) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (ctx == nullptr || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_derive_set_peer_ex(ctx.get(), peer, validate_peer ? 1 : 0) != 1) {
    return drained(false);
  }
  size_t len = shared.size();
  if (size_query && (EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1 || len != 32)) {
    return drained(false);
  }
  return drained(EVP_PKEY_derive(ctx.get(), shared.data(), &len) == 1 && len == shared.size());
}

struct XOptions {
  XKeygen keygen = XKeygen::kQuick;
  XPeer peer = XPeer::kRawPublic;
  bool validate_peer = true;  // the last argument of EVP_PKEY_derive_set_peer_ex
  bool size_query = true;     // EVP_PKEY_derive(ctx, nullptr, &len) before the real call
};

// EvpX25519 is X25519 through EVP, in the way `options` says.
class EvpX25519 {
 public:
  explicit EvpX25519(XOptions options) : options_(options) {
    keygen_ctx_.reset(EVP_PKEY_CTX_new_from_name(nullptr, "X25519", nullptr));
    private_ctx_.reset(EVP_PKEY_CTX_new_from_name(nullptr, "X25519", nullptr));
    public_ctx_.reset(EVP_PKEY_CTX_new_from_name(nullptr, "X25519", nullptr));
    ready_ = keygen_ctx_ != nullptr && EVP_PKEY_keygen_init(keygen_ctx_.get()) == 1 &&
             private_ctx_ != nullptr && EVP_PKEY_fromdata_init(private_ctx_.get()) == 1 &&
             public_ctx_ != nullptr && EVP_PKEY_fromdata_init(public_ctx_.get()) == 1;
  }

  // keygen replaces our key with a fresh one (freeing the last) and writes its public value.
  bool keygen(Key32& pub) {
    if (!ready_) {
      return false;
    }
    EVP_PKEY* raw = nullptr;
    switch (options_.keygen) {
      case XKeygen::kQuick: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"); break;
      case XKeygen::kReusedCtx:
        if (EVP_PKEY_generate(keygen_ctx_.get(), &raw) != 1) {
          raw = nullptr;
        }
        break;
      case XKeygen::kRawPrivate:
      case XKeygen::kFromdata: {
        Key32 priv;
        random_bytes(priv.data(), priv.size());
        raw = import_private(priv);
        OPENSSL_cleanse(priv.data(), priv.size());
        break;
      }
    }
    key_.reset(raw);
    return key_ != nullptr && export_public(pub);
  }

  // set_private replaces our key with `priv` (for the checks).
  bool set_private(const Key32& priv, Key32& pub) {
    key_.reset(import_private(priv));
    return key_ != nullptr && export_public(pub);
  }

  // agree derives the shared secret with `peer`; false on any failure, an all-zero result
  // included (OpenSSL refuses it in EVP_PKEY_derive).
  bool agree(const Key32& peer, Key32& shared) {
    Pkey peer_key;
    if (options_.peer == XPeer::kRawPublic) {
      peer_key.reset(
          EVP_PKEY_new_raw_public_key_ex(nullptr, "X25519", nullptr, peer.data(), peer.size()));
    } else {
      OSSL_PARAM params[] = {
          OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
                                            const_cast<uint8_t*>(peer.data()), peer.size()),
          OSSL_PARAM_construct_end(),
      };
      EVP_PKEY* raw = nullptr;
      if (EVP_PKEY_fromdata(public_ctx_.get(), &raw, EVP_PKEY_PUBLIC_KEY, params) == 1) {
        peer_key.reset(raw);
      }
    }
    if (peer_key == nullptr) {
      return drained(false);
    }
    return derive(key_.get(), peer_key.get(), options_.validate_peer, options_.size_query, shared);
  }

 private:
  EVP_PKEY* import_private(const Key32& priv) {
    if (options_.keygen != XKeygen::kFromdata) {
      return EVP_PKEY_new_raw_private_key_ex(nullptr, "X25519", nullptr, priv.data(), priv.size());
    }
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PRIV_KEY,
                                          const_cast<uint8_t*>(priv.data()), priv.size()),
        OSSL_PARAM_construct_end(),
    };
    EVP_PKEY* raw = nullptr;
    return EVP_PKEY_fromdata(private_ctx_.get(), &raw, EVP_PKEY_KEYPAIR, params) == 1 ? raw
                                                                                      : nullptr;
  }

  bool export_public(Key32& pub) {
    size_t len = pub.size();
    return EVP_PKEY_get_raw_public_key(key_.get(), pub.data(), &len) == 1 && len == pub.size();
  }

  XOptions options_;
  bool ready_ = false;
  PkeyCtx keygen_ctx_, private_ctx_, public_ctx_;
  Pkey key_;
};

// GlasstlsX25519 is the provider seam as the handshake uses it: KxGroup::start() and
// KeyExchange::complete().
class GlasstlsX25519 {
 public:
  bool keygen(Key32& pub) {
    auto kx = crypto::openssl_provider().x25519->start();
    if (!kx.ok()) {
      return false;
    }
    kx_ = std::move(*kx);
    return copy_public(pub);
  }
  bool set_private(const Key32& priv, Key32& pub) {
    auto kx = crypto::openssl_provider().x25519->start_with_private(priv);
    if (!kx.ok()) {
      return false;
    }
    kx_ = std::move(*kx);
    return copy_public(pub);
  }
  bool agree(const Key32& peer, Key32& shared) {
    Result<Secret> s = kx_->complete(peer);
    if (!s.ok() || s->size() != shared.size()) {
      return false;
    }
    std::memcpy(shared.data(), s->data(), shared.size());
    return true;
  }

 private:
  bool copy_public(Key32& pub) {
    ByteView p = kx_->public_key();
    if (p.size() != pub.size()) {
      return false;
    }
    std::memcpy(pub.data(), p.data(), pub.size());
    return true;
  }
  std::unique_ptr<crypto::KeyExchange> kx_;
};

#ifdef GLASSTLS_BENCH_HAVE_SODIUM
// SodiumX25519 is libsodium's crypto_scalarmult (clamps the scalar; refuses an all-zero result).
class SodiumX25519 {
 public:
  SodiumX25519() {
    if (sodium_init() < 0) {
      std::abort();
    }
  }
  bool keygen(Key32& pub) {
    random_bytes(priv_.data(), priv_.size());
    return crypto_scalarmult_base(pub.data(), priv_.data()) == 0;
  }
  bool set_private(const Key32& priv, Key32& pub) {
    priv_ = priv;
    return crypto_scalarmult_base(pub.data(), priv_.data()) == 0;
  }
  bool agree(const Key32& peer, Key32& shared) {
    return crypto_scalarmult(shared.data(), priv_.data(), peer.data()) == 0;
  }

 private:
  Key32 priv_{};
};
#endif

#ifdef GLASSTLS_BENCH_HAVE_NETTLE
// all_zero is a constant-time test of a shared secret.
bool all_zero(const Key32& k) {
  uint8_t acc = 0;
  for (uint8_t b : k) {
    acc |= b;
  }
  return acc == 0;
}

// NettleX25519 is nettle's curve25519_mul (clamps the scalar, as RFC 7748 asks; the all-zero
// check is ours, as RFC 8446 section 7.4.2 asks).
class NettleX25519 {
 public:
  bool keygen(Key32& pub) {
    random_bytes(priv_.data(), priv_.size());
    curve25519_mul_g(pub.data(), priv_.data());
    return true;
  }
  bool set_private(const Key32& priv, Key32& pub) {
    priv_ = priv;
    curve25519_mul_g(pub.data(), priv_.data());
    return true;
  }
  bool agree(const Key32& peer, Key32& shared) {
    curve25519_mul(shared.data(), priv_.data(), peer.data());
    return !all_zero(shared);
  }

 private:
  Key32 priv_{};
};
#endif

// x25519_ok checks `impl` against RFC 7748 section 6.1, against OpenSSL on fresh keys both
// ways, and for the refusal of a low-order peer value (all-zero result).
template <typename Impl>
bool x25519_ok(Impl& impl) {
  Key32 pub, shared;
  if (!impl.set_private(kAlicePrivate, pub) || pub != kAlicePublic ||
      !impl.agree(kBobPublic, shared) || shared != kSharedSecret) {
    return false;
  }
  if (!impl.set_private(kBobPrivate, pub) || pub != kBobPublic ||
      !impl.agree(kAlicePublic, shared) || shared != kSharedSecret) {
    return false;
  }
  EvpX25519 reference{XOptions{}};
  Key32 ours, theirs, ours_shared, theirs_shared;
  if (!impl.keygen(ours) || !reference.keygen(theirs) || ours == theirs ||
      !impl.agree(theirs, ours_shared) || !reference.agree(ours, theirs_shared) ||
      ours_shared != theirs_shared) {
    return false;
  }
  const Key32 low_order{};  // u = 0: every scalar gives the all-zero result.
  return !impl.agree(low_order, shared);
}

template <typename Impl>
void x25519_keygen(benchmark::State& state, Impl impl) {
  if (!x25519_ok(impl)) {
    state.SkipWithError("X25519 check failed");
    return;
  }
  Key32 pub;
  for (auto _ : state) {
    if (!impl.keygen(pub)) {
      state.SkipWithError("X25519 keygen failed");
      break;
    }
    benchmark::DoNotOptimize(pub);
  }
}

template <typename Impl>
void x25519_agree(benchmark::State& state, Impl impl) {
  Key32 pub, shared;
  if (!x25519_ok(impl) || !impl.keygen(pub)) {
    state.SkipWithError("X25519 check failed");
    return;
  }
  for (auto _ : state) {
    if (!impl.agree(kBobPublic, shared)) {
      state.SkipWithError("X25519 agreement failed");
      break;
    }
    benchmark::DoNotOptimize(shared);
  }
}

// ---- P-256 ECDHE ----

struct POptions {
  bool reused_keygen_ctx = false;  // one keygen EVP_PKEY_CTX with the group set, reused
  bool reused_peer_ctx = false;    // one fromdata-initialised EVP_PKEY_CTX for peer points
  bool validate_peer = true;       // EVP_PKEY_derive_set_peer_ex's full public-key check
  bool size_query = true;
};

// EvpP256 is P-256 ECDHE through EVP, in the way `options` says.
class EvpP256 {
 public:
  explicit EvpP256(POptions options) : options_(options) {
    keygen_ctx_.reset(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    peer_ctx_.reset(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    ready_ = keygen_ctx_ != nullptr && EVP_PKEY_keygen_init(keygen_ctx_.get()) == 1 &&
             EVP_PKEY_CTX_set_group_name(keygen_ctx_.get(), "P-256") == 1 && peer_ctx_ != nullptr &&
             EVP_PKEY_fromdata_init(peer_ctx_.get()) == 1;
  }

  bool keygen(Point65& pub) {
    if (!ready_) {
      return false;
    }
    EVP_PKEY* raw = nullptr;
    if (!options_.reused_keygen_ctx) {
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    } else if (EVP_PKEY_generate(keygen_ctx_.get(), &raw) != 1) {
      raw = nullptr;
    }
    key_.reset(raw);
    size_t len = 0;
    return key_ != nullptr &&
           EVP_PKEY_get_octet_string_param(key_.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
                                           pub.data(), pub.size(), &len) == 1 &&
           len == pub.size() && pub[0] == 0x04;
  }

  // private_scalar exports our private key, big-endian (for the cross-checks).
  bool private_scalar(Key32& out) const {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(key_.get(), OSSL_PKEY_PARAM_PRIV_KEY, &raw) != 1) {
      return false;
    }
    Bignum d(raw);
    return BN_bn2binpad(d.get(), out.data(), static_cast<int>(out.size())) == 32;
  }

  const EVP_PKEY* key() const { return key_.get(); }

  // agree decodes `peer` (on-curve check), derives, and writes the shared X coordinate.
  bool agree(const Point65& peer, Key32& shared) {
    if (peer[0] != 0x04) {
      return false;
    }
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                         const_cast<char*>("prime256v1"), 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
                                          const_cast<uint8_t*>(peer.data()), peer.size()),
        OSSL_PARAM_construct_end(),
    };
    PkeyCtx fresh;
    EVP_PKEY_CTX* from = peer_ctx_.get();
    if (!options_.reused_peer_ctx) {
      fresh.reset(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
      if (fresh == nullptr || EVP_PKEY_fromdata_init(fresh.get()) != 1) {
        return drained(false);
      }
      from = fresh.get();
    }
    EVP_PKEY* raw = nullptr;
    if (EVP_PKEY_fromdata(from, &raw, EVP_PKEY_PUBLIC_KEY, params) != 1) {
      return drained(false);
    }
    Pkey peer_key(raw);
    return derive(key_.get(), peer_key.get(), options_.validate_peer, options_.size_query, shared);
  }

 private:
  POptions options_;
  bool ready_ = false;
  PkeyCtx keygen_ctx_, peer_ctx_;
  Pkey key_;
};

class GlasstlsP256 {
 public:
  bool keygen(Point65& pub) {
    auto kx = crypto::openssl_provider().secp256r1->start();
    if (!kx.ok()) {
      return false;
    }
    kx_ = std::move(*kx);
    ByteView p = kx_->public_key();
    if (p.size() != pub.size()) {
      return false;
    }
    std::memcpy(pub.data(), p.data(), pub.size());
    return true;
  }
  bool agree(const Point65& peer, Key32& shared) {
    Result<Secret> s = kx_->complete(peer);
    if (!s.ok() || s->size() != shared.size()) {
      return false;
    }
    std::memcpy(shared.data(), s->data(), shared.size());
    return true;
  }

 private:
  std::unique_ptr<crypto::KeyExchange> kx_;
};

#ifdef GLASSTLS_BENCH_HAVE_NETTLE
// nettle_random is nettle's random callback over RAND_bytes.
void nettle_random(void* /*ctx*/, size_t len, uint8_t* out) { random_bytes(out, len); }

// Mpz is an initialised mpz_t.
struct Mpz {
  Mpz() { mpz_init(v); }
  ~Mpz() { mpz_clear(v); }
  Mpz(const Mpz&) = delete;
  Mpz& operator=(const Mpz&) = delete;
  mpz_t v;
};

// NettlePoint and NettleScalar are initialised nettle objects on secp256r1.
struct NettlePoint {
  NettlePoint() { ecc_point_init(&p, nettle_get_secp_256r1()); }
  ~NettlePoint() { ecc_point_clear(&p); }
  NettlePoint(const NettlePoint&) = delete;
  NettlePoint& operator=(const NettlePoint&) = delete;
  struct ecc_point p;
};
struct NettleScalar {
  NettleScalar() { ecc_scalar_init(&s, nettle_get_secp_256r1()); }
  ~NettleScalar() { ecc_scalar_clear(&s); }
  NettleScalar(const NettleScalar&) = delete;
  NettleScalar& operator=(const NettleScalar&) = delete;
  struct ecc_scalar s;
};

// encode_point writes `p` as 04||X||Y.
void encode_point(const struct ecc_point* p, Point65& out) {
  Mpz x, y;
  ecc_point_get(p, x.v, y.v);
  out[0] = 0x04;
  nettle_mpz_get_str_256(32, out.data() + 1, x.v);
  nettle_mpz_get_str_256(32, out.data() + 33, y.v);
}

// decode_point reads 04||X||Y into `p`; ecc_point_set refuses a point off the curve.
bool decode_point(const Point65& in, struct ecc_point* p) {
  if (in[0] != 0x04) {
    return false;
  }
  Mpz x, y;
  nettle_mpz_set_str_256_u(x.v, 32, in.data() + 1);
  nettle_mpz_set_str_256_u(y.v, 32, in.data() + 33);
  return ecc_point_set(p, x.v, y.v) == 1;
}

// NettleP256 is P-256 ECDHE with nettle's mpz interface, as GnuTLS uses it. The key objects
// live as long as the exchange, as they would in a KeyExchange.
class NettleP256 {
 public:
  bool keygen(Point65& pub) {
    key_ = std::make_unique<NettleScalar>();
    ecc_scalar_random(&key_->s, nullptr, nettle_random);
    NettlePoint q;
    ecc_point_mul_g(&q.p, &key_->s);
    encode_point(&q.p, pub);
    return true;
  }
  bool set_private(const Key32& scalar, Point65& pub) {
    key_ = std::make_unique<NettleScalar>();
    Mpz d;
    nettle_mpz_set_str_256_u(d.v, scalar.size(), scalar.data());
    if (ecc_scalar_set(&key_->s, d.v) != 1) {
      return false;
    }
    NettlePoint q;
    ecc_point_mul_g(&q.p, &key_->s);
    encode_point(&q.p, pub);
    return true;
  }
  bool agree(const Point65& peer, Key32& shared) {
    NettlePoint p, r;
    if (!decode_point(peer, &p.p)) {
      return false;
    }
    ecc_point_mul(&r.p, &key_->s, &p.p);
    Mpz x, y;
    ecc_point_get(&r.p, x.v, y.v);
    nettle_mpz_get_str_256(shared.size(), shared.data(), x.v);
    return true;
  }

 private:
  std::unique_ptr<NettleScalar> key_;
};
#endif

// p256_agree_ok checks `impl` against OpenSSL on fresh keys both ways, and that it refuses a
// point off the curve.
template <typename Impl>
bool p256_agree_ok(Impl& impl) {
  EvpP256 reference{POptions{}};
  Point65 ours, theirs;
  Key32 ours_shared, theirs_shared;
  if (!impl.keygen(ours) || !reference.keygen(theirs) || ours == theirs ||
      !impl.agree(theirs, ours_shared) || !reference.agree(ours, theirs_shared) ||
      ours_shared != theirs_shared) {
    return false;
  }
  Point65 off_curve = theirs;
  off_curve[64] ^= 1;
  return !impl.agree(off_curve, ours_shared);
}

template <typename Impl>
void p256_keygen(benchmark::State& state, Impl impl) {
  if (!p256_agree_ok(impl)) {
    state.SkipWithError("P-256 check failed");
    return;
  }
  Point65 pub;
  for (auto _ : state) {
    if (!impl.keygen(pub)) {
      state.SkipWithError("P-256 keygen failed");
      break;
    }
    benchmark::DoNotOptimize(pub);
  }
}

template <typename Impl>
void p256_agree(benchmark::State& state, Impl impl) {
  EvpP256 peer{POptions{}};
  Point65 pub, peer_pub;
  Key32 shared;
  if (!p256_agree_ok(impl) || !impl.keygen(pub) || !peer.keygen(peer_pub)) {
    state.SkipWithError("P-256 check failed");
    return;
  }
  for (auto _ : state) {
    if (!impl.agree(peer_pub, shared)) {
      state.SkipWithError("P-256 agreement failed");
      break;
    }
    benchmark::DoNotOptimize(shared);
  }
}

// ---- ECDSA P-256 ----

// SignFixture is one P-256 signing key in every form the implementations take, and a
// CertificateVerify-shaped message: 64 spaces, the context string, a zero byte and a SHA-256
// transcript hash (RFC 8446 section 4.4.3).
struct SignFixture {
  SignFixture() {
    auto generated = crypto::openssl_provider().keys->generate(crypto::KeyType::kEcdsaP256);
    if (!generated.ok()) {
      return;
    }
    signer = *generated;
    spki = signer->public_key_spki();
    Secret p8 = signer->private_key_pkcs8();
    pkcs8 = Buf(p8.data(), p8.data() + p8.size());
    const uint8_t* p = pkcs8.data();
    key.reset(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(pkcs8.size())));
    BIGNUM* raw = nullptr;
    if (key == nullptr || EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_PRIV_KEY, &raw) != 1) {
      return;
    }
    Bignum d(raw);
    if (BN_bn2binpad(d.get(), scalar.data(), static_cast<int>(scalar.size())) != 32) {
      return;
    }
    message.assign(64, 0x20);
    const char* context = "TLS 1.3, server CertificateVerify";
    message.insert(message.end(), context, context + std::strlen(context));
    message.push_back(0);
    for (int i = 0; i < 32; i++) {
      message.push_back(static_cast<uint8_t>(i * 7 + 1));
    }
    ok = true;
  }

  bool ok = false;
  std::shared_ptr<const crypto::SigningKey> signer;
  Buf spki, pkcs8;
  Pkey key;
  Key32 scalar{};
  Buf message;
};

const SignFixture& sign_fixture() {
  static const SignFixture fixture;
  return fixture;
}

// describe_like makes the calls signature.cc's describe() makes on every sign and verify.
bool describe_like(const EVP_PKEY* key) {
  char group[64] = {0};
  size_t len = 0;
  return EVP_PKEY_get_bits(key) == 256 && EVP_PKEY_is_a(key, "EC") &&
         EVP_PKEY_get_group_name(key, group, sizeof(group), &len) == 1 &&
         std::string(group, len) == "prime256v1";
}

// EvpSignToday is OsslSigningKey::sign inlined: describe(), a fresh EVP_MD_CTX,
// EVP_DigestSignInit_ex by digest name, a size query and EVP_DigestSign.
class EvpSignToday {
 public:
  explicit EvpSignToday(const SignFixture& f) : key_(f.key.get()) {}
  EvpSignToday(const EvpSignToday&) = delete;
  EvpSignToday& operator=(const EvpSignToday&) = delete;
  bool sign(std::span<const uint8_t> msg, Buf& sig) const {
    if (!describe_like(key_)) {
      return false;
    }
    MdCtx mctx(EVP_MD_CTX_new());
    size_t len = 0;
    if (mctx == nullptr ||
        EVP_DigestSignInit_ex(mctx.get(), nullptr, "SHA256", nullptr, nullptr, key_, nullptr) !=
            1 ||
        EVP_DigestSign(mctx.get(), nullptr, &len, msg.data(), msg.size()) != 1) {
      return false;
    }
    sig.resize(len);
    if (EVP_DigestSign(mctx.get(), sig.data(), &len, msg.data(), msg.size()) != 1) {
      return false;
    }
    sig.resize(len);
    return true;
  }

 private:
  EVP_PKEY* key_;
};

// EvpSignPkey hashes with a prefetched SHA-256 on a reused EVP_MD_CTX and signs the digest with
// EVP_PKEY_sign. `mode` says where the signing EVP_PKEY_CTX comes from:
//   kFresh:  EVP_PKEY_CTX_new_from_pkey + EVP_PKEY_sign_init per signature;
//   kDup:    EVP_PKEY_CTX_dup of one initialised template (the template is never used to sign,
//            so a shared key object could keep it: EVP_PKEY_CTX_dup takes it const);
//   kReused: one initialised context for every signature (per thread, in a real provider).
class EvpSignPkey {
 public:
  enum class Mode : uint8_t { kFresh, kDup, kReused };
  EvpSignPkey(const SignFixture& f, Mode mode) : key_(f.key.get()), mode_(mode) {
    sha256_.reset(EVP_MD_fetch(nullptr, "SHA256", nullptr));
    mctx_.reset(EVP_MD_CTX_new());
    template_.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, key_, nullptr));
    ready_ = sha256_ != nullptr && mctx_ != nullptr && template_ != nullptr &&
             EVP_PKEY_sign_init(template_.get()) == 1;
  }
  bool sign(std::span<const uint8_t> msg, Buf& sig) {
    uint8_t digest[32];
    unsigned int digest_len = 0;
    if (!ready_ || EVP_DigestInit_ex2(mctx_.get(), sha256_.get(), nullptr) != 1 ||
        EVP_DigestUpdate(mctx_.get(), msg.data(), msg.size()) != 1 ||
        EVP_DigestFinal_ex(mctx_.get(), digest, &digest_len) != 1) {
      return false;
    }
    PkeyCtx owned;
    EVP_PKEY_CTX* ctx = template_.get();
    if (mode_ == Mode::kFresh) {
      owned.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, key_, nullptr));
      if (owned == nullptr || EVP_PKEY_sign_init(owned.get()) != 1) {
        return false;
      }
      ctx = owned.get();
    } else if (mode_ == Mode::kDup) {
      owned.reset(EVP_PKEY_CTX_dup(template_.get()));
      if (owned == nullptr) {
        return false;
      }
      ctx = owned.get();
    }
    sig.resize(72);  // the largest DER ECDSA-P-256 signature
    size_t len = sig.size();
    if (EVP_PKEY_sign(ctx, sig.data(), &len, digest, digest_len) != 1) {
      return false;
    }
    sig.resize(len);
    return true;
  }

 private:
  EVP_PKEY* key_;
  Mode mode_;
  bool ready_ = false;
  Md sha256_;
  MdCtx mctx_;
  PkeyCtx template_;
};

class GlasstlsSign {
 public:
  explicit GlasstlsSign(const SignFixture& f) : signer_(f.signer.get()) {}
  bool sign(std::span<const uint8_t> msg, Buf& sig) const {
    Result<Bytes> s = signer_->sign(SignatureScheme::ecdsa_secp256r1_sha256, msg);
    if (!s.ok()) {
      return false;
    }
    sig.assign(s->begin(), s->end());
    return true;
  }

 private:
  const crypto::SigningKey* signer_;
};

// EvpVerifyToday is OsslVerifier::verify inlined: d2i_PUBKEY_ex of the SPKI, describe(), a
// fresh EVP_MD_CTX, EVP_DigestVerifyInit_ex by digest name and EVP_DigestVerify.
class EvpVerifyToday {
 public:
  bool verify(std::span<const uint8_t> spki, std::span<const uint8_t> msg,
              std::span<const uint8_t> sig) const {
    const uint8_t* p = spki.data();
    Pkey key(d2i_PUBKEY_ex(nullptr, &p, static_cast<long>(spki.size()), nullptr, nullptr));
    if (key == nullptr || p != spki.data() + spki.size() || !describe_like(key.get())) {
      ERR_clear_error();
      return false;
    }
    MdCtx mctx(EVP_MD_CTX_new());
    if (mctx == nullptr || EVP_DigestVerifyInit_ex(mctx.get(), nullptr, "SHA256", nullptr, nullptr,
                                                   key.get(), nullptr) != 1) {
      return false;
    }
    const bool ok =
        EVP_DigestVerify(mctx.get(), sig.data(), sig.size(), msg.data(), msg.size()) == 1;
    ERR_clear_error();
    return ok;
  }
};

// EvpVerifyPkey hashes with a prefetched SHA-256 on a reused EVP_MD_CTX and checks the digest
// with EVP_PKEY_verify on a fresh EVP_PKEY_CTX. The key comes from d2i_PUBKEY_ex, or
// (`fast_spki`) from the point after the fixed P-256 SPKI prefix through EVP_PKEY_fromdata on a
// reused fromdata context (which refuses a point off the curve).
class EvpVerifyPkey {
 public:
  explicit EvpVerifyPkey(bool fast_spki) : fast_spki_(fast_spki) {
    sha256_.reset(EVP_MD_fetch(nullptr, "SHA256", nullptr));
    mctx_.reset(EVP_MD_CTX_new());
    from_ctx_.reset(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    ready_ = sha256_ != nullptr && mctx_ != nullptr && from_ctx_ != nullptr &&
             EVP_PKEY_fromdata_init(from_ctx_.get()) == 1;
  }
  bool verify(std::span<const uint8_t> spki, std::span<const uint8_t> msg,
              std::span<const uint8_t> sig) {
    if (!ready_) {
      return false;
    }
    Pkey key;
    if (fast_spki_) {
      std::optional<Point65> point = p256_point_of_spki(spki);
      if (!point) {
        return false;
      }
      OSSL_PARAM params[] = {
          OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                           const_cast<char*>("prime256v1"), 0),
          OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point->data(), point->size()),
          OSSL_PARAM_construct_end(),
      };
      EVP_PKEY* raw = nullptr;
      if (EVP_PKEY_fromdata(from_ctx_.get(), &raw, EVP_PKEY_PUBLIC_KEY, params) == 1) {
        key.reset(raw);
      }
    } else {
      const uint8_t* p = spki.data();
      key.reset(d2i_PUBKEY_ex(nullptr, &p, static_cast<long>(spki.size()), nullptr, nullptr));
      if (p != spki.data() + spki.size()) {
        key.reset();
      }
    }
    uint8_t digest[32];
    unsigned int digest_len = 0;
    if (key == nullptr || EVP_DigestInit_ex2(mctx_.get(), sha256_.get(), nullptr) != 1 ||
        EVP_DigestUpdate(mctx_.get(), msg.data(), msg.size()) != 1 ||
        EVP_DigestFinal_ex(mctx_.get(), digest, &digest_len) != 1) {
      ERR_clear_error();
      return false;
    }
    PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
    const bool ok = ctx != nullptr && EVP_PKEY_verify_init(ctx.get()) == 1 &&
                    EVP_PKEY_verify(ctx.get(), sig.data(), sig.size(), digest, digest_len) == 1;
    ERR_clear_error();
    return ok;
  }

 private:
  bool fast_spki_;
  bool ready_ = false;
  Md sha256_;
  MdCtx mctx_;
  PkeyCtx from_ctx_;
};

class GlasstlsVerify {
 public:
  bool verify(std::span<const uint8_t> spki, std::span<const uint8_t> msg,
              std::span<const uint8_t> sig) const {
    return crypto::openssl_provider()
        .verifier->verify(SignatureScheme::ecdsa_secp256r1_sha256, spki, msg, sig)
        .ok();
  }
};

#ifdef GLASSTLS_BENCH_HAVE_NETTLE
// DER of ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 3279 section 2.2.3), with
// r and s below 2^256, so every length fits in one byte.

void der_put_integer(const mpz_t v, Buf& out) {
  uint8_t be[33] = {0};
  nettle_mpz_get_str_256(32, be + 1, v);
  size_t start = 1;
  while (start < 32 && be[start] == 0) {
    start++;
  }
  if ((be[start] & 0x80) != 0) {
    start--;  // keep it positive: a leading zero byte
  }
  out.push_back(0x02);
  out.push_back(static_cast<uint8_t>(33 - start));
  out.insert(out.end(), be + start, be + 33);
}

void der_encode_signature(const struct dsa_signature& sig, Buf& out) {
  out.clear();
  out.push_back(0x30);
  out.push_back(0);
  der_put_integer(sig.r, out);
  der_put_integer(sig.s, out);
  out[1] = static_cast<uint8_t>(out.size() - 2);
}

// der_get_integer reads one minimally encoded, positive INTEGER of at most 32 value bytes.
bool der_get_integer(std::span<const uint8_t>& in, mpz_t v) {
  if (in.size() < 3 || in[0] != 0x02 || in[1] == 0 || in[1] > 33 || in.size() < 2u + in[1]) {
    return false;
  }
  const size_t len = in[1];
  const uint8_t* p = in.data() + 2;
  if ((p[0] & 0x80) != 0 || (len > 1 && p[0] == 0 && (p[1] & 0x80) == 0) ||
      (len == 33 && p[0] != 0)) {
    return false;
  }
  nettle_mpz_set_str_256_u(v, len, p);
  in = in.subspan(2 + len);
  return true;
}

bool der_decode_signature(std::span<const uint8_t> in, struct dsa_signature& sig) {
  if (in.size() < 2 || in[0] != 0x30 || in[1] != in.size() - 2) {
    return false;
  }
  in = in.subspan(2);
  return der_get_integer(in, sig.r) && der_get_integer(in, sig.s) && in.empty();
}

struct DsaSignature {
  DsaSignature() { dsa_signature_init(&v); }
  ~DsaSignature() { dsa_signature_clear(&v); }
  DsaSignature(const DsaSignature&) = delete;
  DsaSignature& operator=(const DsaSignature&) = delete;
  struct dsa_signature v;
};

void nettle_sha256(std::span<const uint8_t> msg, uint8_t digest[SHA256_DIGEST_SIZE]) {
  struct sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, msg.size(), msg.data());
  sha256_digest(&ctx, SHA256_DIGEST_SIZE, digest);
}

// NettleSign is ecdsa_sign (random nonce from RAND_bytes) on a key scalar set up once, with
// nettle's SHA-256 and our DER encoding.
class NettleSign {
 public:
  explicit NettleSign(const SignFixture& f) {
    Mpz d;
    nettle_mpz_set_str_256_u(d.v, f.scalar.size(), f.scalar.data());
    ready_ = ecc_scalar_set(&key_.s, d.v) == 1;
  }
  bool sign(std::span<const uint8_t> msg, Buf& sig) {
    if (!ready_) {
      return false;
    }
    uint8_t digest[SHA256_DIGEST_SIZE];
    nettle_sha256(msg, digest);
    DsaSignature s;
    ecdsa_sign(&key_.s, nullptr, nettle_random, sizeof(digest), digest, &s.v);
    der_encode_signature(s.v, sig);
    return true;
  }

 private:
  bool ready_ = false;
  NettleScalar key_;
};

// NettleVerify takes the point from the fixed P-256 SPKI prefix (ecc_point_set checks it is on
// the curve), decodes the DER signature, and runs ecdsa_verify.
class NettleVerify {
 public:
  bool verify(std::span<const uint8_t> spki, std::span<const uint8_t> msg,
              std::span<const uint8_t> sig) const {
    std::optional<Point65> point = p256_point_of_spki(spki);
    NettlePoint pub;
    DsaSignature s;
    if (!point || !decode_point(*point, &pub.p) || !der_decode_signature(sig, s.v)) {
      return false;
    }
    uint8_t digest[SHA256_DIGEST_SIZE];
    nettle_sha256(msg, digest);
    return ecdsa_verify(&pub.p, sizeof(digest), digest, &s.v) == 1;
  }
};
#endif

#ifdef GLASSTLS_BENCH_HAVE_GNUTLS
// GnutlsSign is gnutls_privkey_sign_data on a key imported once from the PKCS#8 DER.
class GnutlsSign {
 public:
  explicit GnutlsSign(const SignFixture& f) {
    gnutls_datum_t der{const_cast<uint8_t*>(f.pkcs8.data()), static_cast<unsigned>(f.pkcs8.size())};
    ready_ = gnutls_privkey_init(&key_) == 0 &&
             gnutls_privkey_import_x509_raw(key_, &der, GNUTLS_X509_FMT_DER, nullptr, 0) == 0;
  }
  ~GnutlsSign() { gnutls_privkey_deinit(key_); }
  GnutlsSign(const GnutlsSign&) = delete;
  GnutlsSign& operator=(const GnutlsSign&) = delete;

  bool sign(std::span<const uint8_t> msg, Buf& sig) const {
    gnutls_datum_t data{const_cast<uint8_t*>(msg.data()), static_cast<unsigned>(msg.size())};
    gnutls_datum_t out{nullptr, 0};
    if (!ready_ ||
        gnutls_privkey_sign_data2(key_, GNUTLS_SIGN_ECDSA_SECP256R1_SHA256, 0, &data, &out) != 0) {
      return false;
    }
    sig.assign(out.data, out.data + out.size);
    gnutls_free(out.data);
    return true;
  }

 private:
  gnutls_privkey_t key_ = nullptr;
  bool ready_ = false;
};

// GnutlsVerify imports the SPKI DER into a fresh gnutls_pubkey_t and runs
// gnutls_pubkey_verify_data2.
class GnutlsVerify {
 public:
  bool verify(std::span<const uint8_t> spki, std::span<const uint8_t> msg,
              std::span<const uint8_t> sig) const {
    gnutls_pubkey_t key = nullptr;
    if (gnutls_pubkey_init(&key) != 0) {
      return false;
    }
    gnutls_datum_t der{const_cast<uint8_t*>(spki.data()), static_cast<unsigned>(spki.size())};
    gnutls_datum_t data{const_cast<uint8_t*>(msg.data()), static_cast<unsigned>(msg.size())};
    gnutls_datum_t signature{const_cast<uint8_t*>(sig.data()), static_cast<unsigned>(sig.size())};
    const bool ok = gnutls_pubkey_import(key, &der, GNUTLS_X509_FMT_DER) == 0 &&
                    gnutls_pubkey_verify_data2(key, GNUTLS_SIGN_ECDSA_SECP256R1_SHA256, 0, &data,
                                               &signature) >= 0;
    gnutls_pubkey_deinit(key);
    return ok;
  }
};
#endif

// signer_ok checks a signature by `signer` under every verifier, and that it fails under each
// over a changed message.
template <typename Signer>
bool signer_ok(Signer& signer) {
  const SignFixture& f = sign_fixture();
  Buf sig;
  if (!f.ok || !signer.sign(f.message, sig)) {
    return false;
  }
  Buf changed = f.message;
  changed.back() ^= 1;
  auto check = [&](auto verifier) {
    return verifier.verify(f.spki, f.message, sig) && !verifier.verify(f.spki, changed, sig);
  };
  bool ok = check(EvpVerifyToday{}) && check(EvpVerifyPkey{false}) && check(EvpVerifyPkey{true}) &&
            check(GlasstlsVerify{});
#ifdef GLASSTLS_BENCH_HAVE_NETTLE
  ok = ok && check(NettleVerify{});
#endif
#ifdef GLASSTLS_BENCH_HAVE_GNUTLS
  ok = ok && check(GnutlsVerify{});
#endif
  return ok;
}

// verifier_ok checks that `verifier` accepts a signature by OpenSSL and by every other signer
// available, and refuses it over a changed message.
template <typename Verifier>
bool verifier_ok(Verifier& verifier) {
  const SignFixture& f = sign_fixture();
  if (!f.ok) {
    return false;
  }
  Buf changed = f.message;
  changed.back() ^= 1;
  auto check = [&](auto signer) {
    Buf sig;
    return signer.sign(f.message, sig) && verifier.verify(f.spki, f.message, sig) &&
           !verifier.verify(f.spki, changed, sig);
  };
  bool ok = check(EvpSignToday(f));
#ifdef GLASSTLS_BENCH_HAVE_NETTLE
  ok = ok && check(NettleSign(f));
#endif
#ifdef GLASSTLS_BENCH_HAVE_GNUTLS
  ok = ok && check(GnutlsSign(f));
#endif
  return ok;
}

template <typename Signer>
void p256_sign(benchmark::State& state, Signer signer) {
  const SignFixture& f = sign_fixture();
  if (!signer_ok(signer)) {
    state.SkipWithError("ECDSA P-256 check failed");
    return;
  }
  Buf sig;
  sig.reserve(72);
  for (auto _ : state) {
    if (!signer.sign(f.message, sig)) {
      state.SkipWithError("ECDSA P-256 signing failed");
      break;
    }
    benchmark::DoNotOptimize(sig.data());
  }
}

template <typename Verifier>
void p256_verify(benchmark::State& state, Verifier verifier) {
  const SignFixture& f = sign_fixture();
  Buf sig;
  if (!verifier_ok(verifier) || !EvpSignToday(f).sign(f.message, sig)) {
    state.SkipWithError("ECDSA P-256 check failed");
    return;
  }
  for (auto _ : state) {
    if (!verifier.verify(f.spki, f.message, sig)) {
      state.SkipWithError("ECDSA P-256 verification failed");
      break;
    }
  }
}

void rand32(benchmark::State& state) {
  Key32 out;
  for (auto _ : state) {
    random_bytes(out.data(), out.size());
    benchmark::DoNotOptimize(out);
  }
}

// add registers alt/<name>: `fn` runs on the implementation `make` returns, built when the
// benchmark runs (not at registration, which happens before main).
template <typename Fn, typename Make>
void add(const std::string& name, Fn fn, Make make) {
  benchmark::RegisterBenchmark(("alt/" + name).c_str(),
                               [fn, make](benchmark::State& state) { fn(state, make()); })
      ->MinTime(kMinTime)
      ->Unit(benchmark::kMicrosecond);
}

const bool kRegistered = [] {
  const XOptions today{};
  XOptions no_validate{};
  no_validate.validate_peer = false;
  no_validate.size_query = false;
  XOptions fromdata_peer = no_validate;
  fromdata_peer.peer = XPeer::kFromdata;

  add("x25519_keygen/evp_today", x25519_keygen<EvpX25519>, [=] { return EvpX25519(today); });
  add("x25519_keygen/glasstls", x25519_keygen<GlasstlsX25519>, [] { return GlasstlsX25519(); });
  add("x25519_keygen/evp_reused_ctx", x25519_keygen<EvpX25519>,
      [] { return EvpX25519(XOptions{XKeygen::kReusedCtx}); });
  add("x25519_keygen/evp_raw_private", x25519_keygen<EvpX25519>,
      [] { return EvpX25519(XOptions{XKeygen::kRawPrivate}); });
  add("x25519_keygen/evp_fromdata", x25519_keygen<EvpX25519>,
      [] { return EvpX25519(XOptions{XKeygen::kFromdata}); });
#ifdef GLASSTLS_BENCH_HAVE_SODIUM
  add("x25519_keygen/sodium", x25519_keygen<SodiumX25519>, [] { return SodiumX25519(); });
#endif
#ifdef GLASSTLS_BENCH_HAVE_NETTLE
  add("x25519_keygen/nettle", x25519_keygen<NettleX25519>, [] { return NettleX25519(); });
#endif

  add("x25519_agree/evp_today", x25519_agree<EvpX25519>, [=] { return EvpX25519(today); });
  add("x25519_agree/glasstls", x25519_agree<GlasstlsX25519>, [] { return GlasstlsX25519(); });
  add("x25519_agree/evp_no_validate", x25519_agree<EvpX25519>,
      [=] { return EvpX25519(no_validate); });
  add("x25519_agree/evp_fromdata", x25519_agree<EvpX25519>,
      [=] { return EvpX25519(fromdata_peer); });
#ifdef GLASSTLS_BENCH_HAVE_SODIUM
  add("x25519_agree/sodium", x25519_agree<SodiumX25519>, [] { return SodiumX25519(); });
#endif
#ifdef GLASSTLS_BENCH_HAVE_NETTLE
  add("x25519_agree/nettle", x25519_agree<NettleX25519>, [] { return NettleX25519(); });
#endif

  add("p256_keygen/evp_today", p256_keygen<EvpP256>, [] { return EvpP256(POptions{}); });
  add("p256_keygen/glasstls", p256_keygen<GlasstlsP256>, [] { return GlasstlsP256(); });
  add("p256_keygen/evp_reused_ctx", p256_keygen<EvpP256>, [] { return EvpP256(POptions{true}); });
#ifdef GLASSTLS_BENCH_HAVE_NETTLE
  add("p256_keygen/nettle", p256_keygen<NettleP256>, [] { return NettleP256(); });
#endif

  add("p256_agree/evp_today", p256_agree<EvpP256>, [] { return EvpP256(POptions{}); });
  add("p256_agree/glasstls", p256_agree<GlasstlsP256>, [] { return GlasstlsP256(); });
  add("p256_agree/evp_no_validate", p256_agree<EvpP256>, [] {
    return EvpP256(POptions{false, false, false, false});
  });
  add("p256_agree/evp_reused_peer_ctx", p256_agree<EvpP256>, [] {
    return EvpP256(POptions{false, true, false, false});
  });
#ifdef GLASSTLS_BENCH_HAVE_NETTLE
  add("p256_agree/nettle", p256_agree<NettleP256>, [] { return NettleP256(); });
#endif

  add("p256_sign/evp_today", p256_sign<EvpSignToday>, [] { return EvpSignToday(sign_fixture()); });
  add("p256_sign/glasstls", p256_sign<GlasstlsSign>, [] { return GlasstlsSign(sign_fixture()); });
  add("p256_sign/evp_pkey_sign", p256_sign<EvpSignPkey>,
      [] { return EvpSignPkey(sign_fixture(), EvpSignPkey::Mode::kFresh); });
  add("p256_sign/evp_dup_ctx", p256_sign<EvpSignPkey>,
      [] { return EvpSignPkey(sign_fixture(), EvpSignPkey::Mode::kDup); });
  add("p256_sign/evp_reused_ctx", p256_sign<EvpSignPkey>,
      [] { return EvpSignPkey(sign_fixture(), EvpSignPkey::Mode::kReused); });
#ifdef GLASSTLS_BENCH_HAVE_NETTLE
  add("p256_sign/nettle", p256_sign<NettleSign>, [] { return NettleSign(sign_fixture()); });
#endif
#ifdef GLASSTLS_BENCH_HAVE_GNUTLS
  add("p256_sign/gnutls", p256_sign<GnutlsSign>, [] { return GnutlsSign(sign_fixture()); });
#endif

  add("p256_verify/evp_today", p256_verify<EvpVerifyToday>, [] { return EvpVerifyToday(); });
  add("p256_verify/glasstls", p256_verify<GlasstlsVerify>, [] { return GlasstlsVerify(); });
  add("p256_verify/evp_pkey_verify", p256_verify<EvpVerifyPkey>,
      [] { return EvpVerifyPkey(false); });
  add("p256_verify/evp_fast_spki", p256_verify<EvpVerifyPkey>, [] { return EvpVerifyPkey(true); });
#ifdef GLASSTLS_BENCH_HAVE_NETTLE
  add("p256_verify/nettle", p256_verify<NettleVerify>, [] { return NettleVerify(); });
#endif
#ifdef GLASSTLS_BENCH_HAVE_GNUTLS
  add("p256_verify/gnutls", p256_verify<GnutlsVerify>, [] { return GnutlsVerify(); });
#endif

  benchmark::RegisterBenchmark("alt/rand32/openssl", rand32)
      ->MinTime(kMinTime)
      ->Unit(benchmark::kMicrosecond);
  return true;
}();

}  // namespace
}  // namespace glasstls::bench
