// kx.cc: ECDHE over X25519 and X448 (RFC 7748), P-256, P-384 and P-521 with libcrypto; the
// FFDHE groups (RFC 7919) are made here and exchanged in dh.cc.
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>

#include "crypto/openssl/internal.h"

namespace glasstls::crypto::openssl {
namespace {

// bad_private is the error of start_with_private given an unusable scalar (a caller bug).
Error bad_private(std::string reason) {
  drain_errors();
  return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error, std::move(reason));
}

// peer_key turns a peer's KeyShareEntry key into an EVP_PKEY, or fails with illegal_parameter.
Result<PkeyPtr> peer_key(const KxSpec& spec, ByteView share) {
  std::string group(name(spec.group));
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8.2
  //# For X25519 and X448, the contents of the public value are the byte
  //# string inputs and outputs of the corresponding functions defined in
  //# [RFC7748]: 32 bytes for X25519 and 56 bytes for X448.
  if (share.size() != spec.share_len) {
    return illegal_parameter(group + " key share of " + std::to_string(share.size()) +
                             " bytes, expected " + std::to_string(spec.share_len));
  }
  if (spec.kind == KxKind::kRaw) {
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
                                          const_cast<uint8_t*>(share.data()), share.size()),
        OSSL_PARAM_construct_end(),
    };
    PkeyPtr key = public_key_fromdata(
        spec.group == NamedGroup::x448 ? KeyFamily::kX448 : KeyFamily::kX25519, params);
    if (key == nullptr) {
      return illegal_parameter("unusable " + group + " key share");
    }
    return key;
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8.2
  //# For secp256r1, secp384r1, and secp521r1, the contents are the serialized value of the
  //# following struct: [...] uint8 legacy_form = 4;
  if (share[0] != 0x04) {
    return illegal_parameter(group + " key share is not an uncompressed point");
  }
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                       const_cast<char*>(spec.ossl_name), 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, const_cast<uint8_t*>(share.data()),
                                        share.size()),
      OSSL_PARAM_construct_end(),
  };
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8.2
  //# For the curves secp256r1, secp384r1, and secp521r1, peers MUST
  //# validate each other's public value Q by ensuring that the point is a
  //# valid point on the elliptic curve.
  // Decoding the point rejects coordinates outside [0, p-1] and points off the curve (the point
  // at infinity has no 65-, 97- or 133-byte encoding). These curves have cofactor 1, so every point
  // on the curve other than infinity is in the prime-order group: that is the whole check.
  PkeyPtr key = public_key_fromdata(KeyFamily::kEc, params);
  if (key == nullptr) {
    return illegal_parameter(group + " key share is not a point on the curve");
  }
  return key;
}

class OsslKeyExchange final : public KeyExchange {
 public:
  OsslKeyExchange(const KxSpec& spec, PkeyPtr key, Bytes public_key)
      : spec_(spec), key_(std::move(key)), public_(std::move(public_key)) {}

  NamedGroup group() const override { return spec_.group; }
  ByteView public_key() const override { return public_; }

  Result<Secret> complete(ByteView peer_public_key) override {
    GLASSTLS_ASSIGN(PkeyPtr peer, peer_key(spec_, peer_public_key));
    std::string group(name(spec_.group));
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key_.get(), nullptr));
    if (ctx == nullptr || EVP_PKEY_derive_init(ctx.get()) != 1) {
      return ossl_internal("EVP_PKEY_derive_init");
    }
    // No second validation of the peer's key: peer_key has done all there is to do. For the
    // NIST curves that is the point check; for X25519 and X448 every 32- or 56-byte string is a
    // valid input (RFC 7748 section 5), and libcrypto's own check only asks that the key be there.
    // For P-256, skipping it saves a scalar multiplication by the group order.
    if (EVP_PKEY_derive_set_peer_ex(ctx.get(), peer.get(), 0) != 1) {
      drain_errors();
      return illegal_parameter(group + " key share failed validation");
    }
    size_t len = spec_.secret_len;
    Secret shared(len);
    if (EVP_PKEY_derive(ctx.get(), shared.data(), &len) != 1) {
      // OpenSSL itself refuses an all-zero X25519 or X448 result.
      drain_errors();
      return illegal_parameter(group + " key agreement failed with the peer's share");
    }
    if (len != spec_.secret_len) {
      return internal_error(group + " shared secret has an unexpected length");
    }
    if (spec_.kind == KxKind::kRaw) {
      //= https://www.rfc-editor.org/rfc/rfc8446#section-7.4.2
      //# Implementations MUST check whether the computed Diffie-Hellman
      //# shared secret is the all-zero value and abort if so, as described in
      //# Section 6 of [RFC7748].
      Secret zeros(len);
      if (shared.equals(zeros.span())) {
        return illegal_parameter(group + " shared secret is all zeros");
      }
    }
    return shared;
  }

 private:
  KxSpec spec_;
  PkeyPtr key_;
  Bytes public_;
};

// make_exchange reads our public key out of `key` and wraps both.
Result<std::unique_ptr<KeyExchange>> make_exchange(const KxSpec& spec, PkeyPtr key) {
  Bytes pub(spec.share_len);
  size_t len = 0;
  if (spec.kind == KxKind::kRaw) {
    len = pub.size();
    if (EVP_PKEY_get_raw_public_key(key.get(), pub.data(), &len) != 1) {
      return ossl_internal("EVP_PKEY_get_raw_public_key");
    }
  } else if (EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
                                             pub.data(), pub.size(), &len) != 1) {
    return ossl_internal("EVP_PKEY_get_octet_string_param(encoded-pub-key)");
  }
  if (len != spec.share_len || (spec.kind == KxKind::kEc && pub[0] != 0x04)) {
    return internal_error(std::string(name(spec.group)) + " public key has an unexpected form");
  }
  return std::unique_ptr<KeyExchange>(
      std::make_unique<OsslKeyExchange>(spec, std::move(key), std::move(pub)));
}

// ec_key_from_scalar builds a NIST key pair from a big-endian private scalar, computing the
// public point (OpenSSL 3.0 does not derive it on import).
Result<PkeyPtr> ec_key_from_scalar(const KxSpec& spec, ByteView scalar) {
  const int nid = OBJ_sn2nid(spec.ossl_name);
  EcGroupPtr group(EC_GROUP_new_by_curve_name(nid));
  BnCtxPtr bn_ctx(BN_CTX_new());
  BignumPtr d(BN_secure_new());
  if (group == nullptr || bn_ctx == nullptr || d == nullptr ||
      BN_bin2bn(scalar.data(), static_cast<int>(scalar.size()), d.get()) == nullptr) {
    return ossl_internal("EC scalar setup");
  }
  if (BN_is_zero(d.get()) || BN_cmp(d.get(), EC_GROUP_get0_order(group.get())) >= 0) {
    return bad_private("private scalar is not in [1, n-1]");
  }
  EcPointPtr point(EC_POINT_new(group.get()));
  Bytes pub(spec.share_len);
  if (point == nullptr ||
      EC_POINT_mul(group.get(), point.get(), d.get(), nullptr, nullptr, bn_ctx.get()) != 1 ||
      EC_POINT_point2oct(group.get(), point.get(), POINT_CONVERSION_UNCOMPRESSED, pub.data(),
                         pub.size(), bn_ctx.get()) != pub.size()) {
    return ossl_internal("EC public point computation");
  }
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (bld == nullptr ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, spec.ossl_name, 0) !=
          1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get()) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, pub.data(),
                                       pub.size()) != 1) {
    return ossl_internal("OSSL_PARAM_BLD");
  }
  // The built array holds a copy of the private scalar in its secure part (`d` is a secure
  // BIGNUM), which OSSL_PARAM_free clears.
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (params == nullptr || ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_KEYPAIR, params.get()) != 1) {
    return ossl_internal("EVP_PKEY_fromdata");
  }
  return PkeyPtr(raw);
}

// keygen_context returns this thread's key generation context for `spec`, made on first use.
// Reusing it avoids fetching the key management by name for every key pair, which
// EVP_PKEY_Q_keygen does.
EVP_PKEY_CTX* keygen_context(const KxSpec& spec) {
  thread_local PkeyCtxPtr per_thread[kKxSlots];
  PkeyCtxPtr& ctx = per_thread[spec.slot];
  if (ctx != nullptr) {
    return ctx.get();
  }
  PkeyCtxPtr fresh(EVP_PKEY_CTX_new_from_name(
      nullptr, spec.kind == KxKind::kRaw ? spec.ossl_name : "EC", nullptr));
  if (fresh == nullptr || EVP_PKEY_keygen_init(fresh.get()) != 1 ||
      (spec.kind == KxKind::kEc && EVP_PKEY_CTX_set_group_name(fresh.get(), spec.ossl_name) != 1)) {
    drain_errors();
    return nullptr;
  }
  ctx = std::move(fresh);
  return ctx.get();
}

}  // namespace

OsslKxGroup::OsslKxGroup(const KxSpec& spec) : spec_(spec) {
  if (spec_.kind == KxKind::kFfdhe) {
    dh_ = dh_group_params(spec_.ossl_name, &params_);
    ok_ = dh_ != nullptr && params_.p.size() == spec_.share_len;
  }
}

std::optional<DhParams> OsslKxGroup::dh_params() const {
  if (spec_.kind != KxKind::kFfdhe) {
    return std::nullopt;
  }
  return params_;
}

Result<std::unique_ptr<KeyExchange>> OsslKxGroup::start() const {
  if (spec_.kind == KxKind::kFfdhe) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8.1
    //# The opaque value contains the Diffie-Hellman
    //# public value (Y = g^X mod p) for the specified group (see [RFC7919]
    //# for group definitions) encoded as a big-endian integer and padded to
    //# the left with zeros to the size of p in bytes.
    return dh_exchange(spec_.group, dh_.get(), params_.p, true,
                       AlertDescription::illegal_parameter);
  }
  EVP_PKEY_CTX* ctx = keygen_context(spec_);
  EVP_PKEY* raw = nullptr;
  if (ctx == nullptr || EVP_PKEY_generate(ctx, &raw) != 1) {
    return ossl_internal("EVP_PKEY_generate");
  }
  return make_exchange(spec_, PkeyPtr(raw));
}

Result<std::unique_ptr<KeyExchange>> OsslKxGroup::start_with_private(ByteView private_key) const {
  if (spec_.kind == KxKind::kFfdhe) {
    return dh_exchange_with_private(spec_.group, params_.p, params_.g, private_key, true,
                                    AlertDescription::illegal_parameter);
  }
  if (private_key.size() != spec_.scalar_len) {
    return bad_private(std::string(name(spec_.group)) + " private key of " +
                       std::to_string(private_key.size()) + " bytes, expected " +
                       std::to_string(spec_.scalar_len));
  }
  if (spec_.kind == KxKind::kRaw) {
    PkeyPtr key(EVP_PKEY_new_raw_private_key_ex(nullptr, spec_.ossl_name, nullptr,
                                                private_key.data(), private_key.size()));
    if (key == nullptr) {
      return ossl_internal("EVP_PKEY_new_raw_private_key_ex");
    }
    return make_exchange(spec_, std::move(key));
  }
  GLASSTLS_ASSIGN(PkeyPtr key, ec_key_from_scalar(spec_, private_key));
  return make_exchange(spec_, std::move(key));
}

}  // namespace glasstls::crypto::openssl
