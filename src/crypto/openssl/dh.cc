// dh.cc: finite-field Diffie-Hellman with libcrypto: the RFC 7919 groups of TLS 1.3 key shares
// (through OsslKxGroup) and the groups a TLS 1.2 server sends in its ServerKeyExchange
// (OsslDhGroups).
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/dh.h>
#include <openssl/evp.h>

#include <algorithm>
#include <string>

#include "crypto/openssl/internal.h"

namespace glasstls::crypto::openssl {
namespace {

constexpr size_t kMinDhBits = 2048;
constexpr size_t kMaxDhBits = 8192;

// strip_zeros drops the leading zero bytes of a big-endian integer.
ByteView strip_zeros(ByteView v) {
  size_t i = 0;
  while (i < v.size() && v[i] == 0) {
    i++;
  }
  return v.subspan(i);
}

size_t bit_length(ByteView v) {
  v = strip_zeros(v);
  if (v.empty()) {
    return 0;
  }
  size_t bits = (v.size() - 1) * 8;
  for (uint8_t b = v[0]; b != 0; b >>= 1) {
    bits++;
  }
  return bits;
}

bool same(ByteView a, ByteView b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

// in_open_range says whether 1 < y < p-1, for `y` and `p` big-endian and `p` odd, without
// leading zeros in `p`. `y` may have leading zeros.
bool in_open_range(ByteView y, ByteView p) {
  y = strip_zeros(y);
  if (y.empty() || (y.size() == 1 && y[0] == 1)) {
    return false;
  }
  if (y.size() != p.size()) {
    return y.size() < p.size();
  }
  // p is odd, so p-1 is p with its last byte less one, and no borrow.
  for (size_t i = 0; i + 1 < p.size(); i++) {
    if (y[i] != p[i]) {
      return y[i] < p[i];
    }
  }
  return y.back() < p.back() - 1;
}

BignumPtr to_bn(ByteView v) {
  BignumPtr bn(BN_bin2bn(v.data(), static_cast<int>(v.size()), nullptr));
  return bn;
}

Bytes from_bn(const BIGNUM* bn, size_t len) {
  Bytes out(len);
  if (BN_bn2binpad(bn, out.data(), static_cast<int>(len)) != static_cast<int>(len)) {
    return {};
  }
  return out;
}

class DhKeyExchange final : public KeyExchange {
 public:
  DhKeyExchange(NamedGroup group, PkeyPtr key, Bytes p, Bytes pub, bool exact_share,
                AlertDescription bad_share)
      : group_(group),
        key_(std::move(key)),
        p_(std::move(p)),
        public_(std::move(pub)),
        exact_share_(exact_share),
        bad_share_(bad_share) {}

  NamedGroup group() const override { return group_; }
  ByteView public_key() const override { return public_; }

  Result<Secret> complete(ByteView peer) override {
    const std::string what = group_name();
    if (exact_share_ ? peer.size() != p_.size() : (peer.empty() || peer.size() > p_.size())) {
      return make_error(ErrorKind::kPeerMisbehaved, bad_share_,
                        what + " public value of " + std::to_string(peer.size()) +
                            " bytes, expected " + std::to_string(p_.size()));
    }
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8.1
    //# Peers MUST validate each other's public key Y by ensuring that 1 < Y
    //# < p-1.
    //= https://www.rfc-editor.org/rfc/rfc7919#section-3
    //# the client MUST verify that dh_Ys is in the range 1 <
    //# dh_Ys < dh_p - 1.  If dh_Ys is not in this range, the client MUST
    //# terminate the connection with a fatal handshake_failure(40) alert.
    if (!in_open_range(peer, p_)) {
      return make_error(ErrorKind::kPeerMisbehaved, bad_share_,
                        what + " public value is not in the range 1 < Y < p-1");
    }
    BignumPtr y = to_bn(peer);
    BignumPtr p_bn;
    BignumPtr g_bn;
    BIGNUM* p_raw = nullptr;
    BIGNUM* g_raw = nullptr;
    if (EVP_PKEY_get_bn_param(key_.get(), OSSL_PKEY_PARAM_FFC_P, &p_raw) != 1 ||
        EVP_PKEY_get_bn_param(key_.get(), OSSL_PKEY_PARAM_FFC_G, &g_raw) != 1) {
      BN_free(p_raw);
      return ossl_internal("EVP_PKEY_get_bn_param(p, g)");
    }
    p_bn.reset(p_raw);
    g_bn.reset(g_raw);
    ParamBldPtr bld(OSSL_PARAM_BLD_new());
    if (y == nullptr || bld == nullptr ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_P, p_bn.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_G, g_bn.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, y.get()) != 1) {
      return ossl_internal("OSSL_PARAM_BLD");
    }
    ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
    if (params == nullptr) {
      return ossl_internal("OSSL_PARAM_BLD_to_param");
    }
    PkeyPtr peer_key = public_key_fromdata(KeyFamily::kDh, params.get());
    if (peer_key == nullptr) {
      return make_error(ErrorKind::kPeerMisbehaved, bad_share_, what + " public value is unusable");
    }
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key_.get(), nullptr));
    if (ctx == nullptr || EVP_PKEY_derive_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_dh_pad(ctx.get(), 1) != 1) {
      return ossl_internal("EVP_PKEY_derive_init");
    }
    // The range check above is all RFC 7919 section 5.1 asks for a safe-prime group.
    if (EVP_PKEY_derive_set_peer_ex(ctx.get(), peer_key.get(), 0) != 1) {
      drain_errors();
      return make_error(ErrorKind::kPeerMisbehaved, bad_share_,
                        what + " public value failed validation");
    }
    size_t len = p_.size();
    Secret shared(len);
    if (EVP_PKEY_derive(ctx.get(), shared.data(), &len) != 1) {
      drain_errors();
      return make_error(ErrorKind::kPeerMisbehaved, bad_share_,
                        what + " key agreement failed with the peer's public value");
    }
    if (len != p_.size()) {
      return internal_error(what + " shared secret is not the size of p");
    }
    return shared;
  }

 private:
  std::string group_name() const {
    std::string_view n = name(group_);
    return static_cast<uint16_t>(group_) == 0 || n.empty() ? std::string("DHE") : std::string(n);
  }

  NamedGroup group_;
  PkeyPtr key_;
  Bytes p_;
  Bytes public_;
  bool exact_share_;
  AlertDescription bad_share_;
};

// dh_wrap reads the public value of the DH key pair `key` and wraps both.
Result<std::unique_ptr<KeyExchange>> dh_wrap(NamedGroup group, PkeyPtr key, ByteView p,
                                             bool exact_share, AlertDescription bad_share) {
  BIGNUM* y = nullptr;
  if (EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_PUB_KEY, &y) != 1) {
    return ossl_internal("EVP_PKEY_get_bn_param(pub)");
  }
  BignumPtr y_owner(y);
  Bytes pub = from_bn(y, p.size());
  if (pub.empty()) {
    return internal_error("DH public value is larger than p");
  }
  return std::unique_ptr<KeyExchange>(std::make_unique<DhKeyExchange>(
      group, std::move(key), Bytes(p.begin(), p.end()), std::move(pub), exact_share, bad_share));
}

Error insufficient(std::string reason) {
  return make_error(ErrorKind::kPeerIncompatible, AlertDescription::insufficient_security,
                    std::move(reason));
}

}  // namespace

PkeyPtr dh_group_params(const char* group_name, DhParams* out) {
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(group_name),
                                       0),
      OSSL_PARAM_construct_end(),
  };
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "DH", nullptr));
  EVP_PKEY* raw = nullptr;
  if (ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_KEY_PARAMETERS, params) != 1) {
    drain_errors();
    return nullptr;
  }
  PkeyPtr key(raw);
  BIGNUM* p = nullptr;
  BIGNUM* g = nullptr;
  if (EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_FFC_P, &p) != 1 ||
      EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_FFC_G, &g) != 1) {
    BN_free(p);
    drain_errors();
    return nullptr;
  }
  BignumPtr p_owner(p);
  BignumPtr g_owner(g);
  out->p = from_bn(p, static_cast<size_t>(BN_num_bytes(p)));
  out->g = from_bn(g, static_cast<size_t>(BN_num_bytes(g)));
  if (out->p.empty() || out->g.empty()) {
    return nullptr;
  }
  return key;
}

Result<std::unique_ptr<KeyExchange>> dh_exchange(NamedGroup group, const EVP_PKEY* params,
                                                 ByteView p, bool exact_share,
                                                 AlertDescription bad_share) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, const_cast<EVP_PKEY*>(params), nullptr));
  EVP_PKEY* raw = nullptr;
  if (ctx == nullptr || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_generate(ctx.get(), &raw) != 1) {
    return ossl_internal("EVP_PKEY_generate(DH)");
  }
  return dh_wrap(group, PkeyPtr(raw), p, exact_share, bad_share);
}

Result<std::unique_ptr<KeyExchange>> dh_exchange_with_private(NamedGroup group, ByteView p_in,
                                                              ByteView g_in, ByteView x,
                                                              bool exact_share,
                                                              AlertDescription bad_share) {
  const ByteView p = strip_zeros(p_in);
  const ByteView g = strip_zeros(g_in);
  if (p.empty() || (p.back() & 1) == 0 || !in_open_range(x, p)) {
    return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error,
                      "DH private key is not in the range 1 < x < p-1");
  }
  BignumPtr p_bn = to_bn(p);
  BignumPtr g_bn = to_bn(g);
  BignumPtr x_bn(BN_secure_new());
  BignumPtr y_bn(BN_new());
  BnCtxPtr bn_ctx(BN_CTX_new());
  if (p_bn == nullptr || g_bn == nullptr || x_bn == nullptr || y_bn == nullptr ||
      bn_ctx == nullptr || BN_bin2bn(x.data(), static_cast<int>(x.size()), x_bn.get()) == nullptr) {
    return ossl_internal("DH private key setup");
  }
  // Y = g^x mod p (RFC 7919 section 5.2), computed here: OpenSSL 3.0 does not derive the public
  // value when a DH key is imported with its private value alone.
  BN_set_flags(x_bn.get(), BN_FLG_CONSTTIME);
  if (BN_mod_exp_mont_consttime(y_bn.get(), g_bn.get(), x_bn.get(), p_bn.get(), bn_ctx.get(),
                                nullptr) != 1) {
    return ossl_internal("BN_mod_exp_mont_consttime");
  }
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (bld == nullptr || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_P, p_bn.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_G, g_bn.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, x_bn.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, y_bn.get()) != 1) {
    return ossl_internal("OSSL_PARAM_BLD");
  }
  // The built array holds a copy of x in its secure part, which OSSL_PARAM_free clears.
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "DH", nullptr));
  EVP_PKEY* raw = nullptr;
  if (params == nullptr || ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_KEYPAIR, params.get()) != 1) {
    return ossl_internal("EVP_PKEY_fromdata(DH key pair)");
  }
  return dh_wrap(group, PkeyPtr(raw), p, exact_share, bad_share);
}

OsslDhGroups::OsslDhGroups() {
  struct Named {
    const char* ossl_name;
    NamedGroup group;
  };
  static constexpr Named kNamed[] = {
      {"ffdhe2048", NamedGroup::ffdhe2048}, {"ffdhe3072", NamedGroup::ffdhe3072},
      {"ffdhe4096", NamedGroup::ffdhe4096}, {"ffdhe6144", NamedGroup::ffdhe6144},
      {"ffdhe8192", NamedGroup::ffdhe8192}, {"modp_2048", NamedGroup{0}},
      {"modp_3072", NamedGroup{0}},         {"modp_4096", NamedGroup{0}},
      {"modp_6144", NamedGroup{0}},         {"modp_8192", NamedGroup{0}},
  };
  for (const Named& n : kNamed) {
    Known k{n.group, {}};
    if (dh_group_params(n.ossl_name, &k.params) != nullptr) {
      known_.push_back(std::move(k));
    }
  }
}

Result<NamedGroup> OsslDhGroups::check(ByteView p_in, ByteView g_in) const {
  const ByteView p = strip_zeros(p_in);
  const ByteView g = strip_zeros(g_in);
  const size_t bits = bit_length(p);
  //= https://www.rfc-editor.org/rfc/rfc7919#section-3
  //# The client MAY decide to continue
  //# the connection if the selected group is acceptable under local
  //# policy, or it MAY decide to terminate the connection with a fatal
  //# insufficient_security(71) alert.
  // The local policy follows the Logjam paper's advice (2048 bits or more) and bounds the cost
  // of the checks below (8192 bits, the largest RFC 7919 group).
  if (bits < kMinDhBits || bits > kMaxDhBits) {
    return insufficient("server's DHE group has a " + std::to_string(bits) +
                        "-bit prime (2048 to 8192 bits are accepted)");
  }
  if ((p.back() & 1) == 0) {
    return illegal_parameter("server's DHE prime is even");
  }
  if (!in_open_range(g, p)) {
    return illegal_parameter("server's DHE generator is not in the range 1 < g < p-1");
  }
  NamedGroup group{0};
  bool known = false;
  for (const Known& k : known_) {
    if (same(p, k.params.p) && same(g, k.params.g)) {
      group = k.group;
      known = true;
      break;
    }
  }
  if (!known) {
    BignumPtr p_bn = to_bn(p);
    // RFC 7919 section 5.1: with an unknown group, the client would need to verify the
    // primality of the modulus and learn the factors of p-1. A safe prime p = 2q+1 has the
    // factors 2 and q, and every 1 < g < p-1 then generates a group of order q or 2q.
    BignumPtr q(p_bn == nullptr ? nullptr : BN_dup(p_bn.get()));
    BnCtxPtr bn_ctx(BN_CTX_new());
    if (q == nullptr || bn_ctx == nullptr || BN_rshift1(q.get(), q.get()) != 1) {
      return ossl_internal("BN_rshift1");
    }
    const int p_prime = BN_check_prime(p_bn.get(), bn_ctx.get(), nullptr);
    const int q_prime = p_prime == 1 ? BN_check_prime(q.get(), bn_ctx.get(), nullptr) : 0;
    if (p_prime < 0 || q_prime < 0) {
      return ossl_internal("BN_check_prime");
    }
    if (p_prime != 1 || q_prime != 1) {
      return insufficient("server's DHE prime is not a safe prime (p and (p-1)/2 prime)");
    }
  }
  return group;
}

Result<std::unique_ptr<KeyExchange>> OsslDhGroups::start(ByteView p_in, ByteView g_in) const {
  GLASSTLS_ASSIGN(const NamedGroup group, check(p_in, g_in));
  const ByteView p = strip_zeros(p_in);
  BignumPtr p_bn = to_bn(p);
  BignumPtr g_bn = to_bn(strip_zeros(g_in));
  if (p_bn == nullptr || g_bn == nullptr) {
    return ossl_internal("BN_bin2bn");
  }
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (bld == nullptr || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_P, p_bn.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_G, g_bn.get()) != 1) {
    return ossl_internal("OSSL_PARAM_BLD");
  }
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "DH", nullptr));
  EVP_PKEY* raw = nullptr;
  if (params == nullptr || ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_KEY_PARAMETERS, params.get()) != 1) {
    return ossl_internal("EVP_PKEY_fromdata(DH parameters)");
  }
  PkeyPtr dh_params(raw);
  return dh_exchange(group, dh_params.get(), p, false, AlertDescription::handshake_failure);
}

Result<std::unique_ptr<KeyExchange>> OsslDhGroups::start_with_private(ByteView p, ByteView g,
                                                                      ByteView private_key) const {
  GLASSTLS_ASSIGN(const NamedGroup group, check(p, g));
  return dh_exchange_with_private(group, p, g, private_key, false,
                                  AlertDescription::handshake_failure);
}

}  // namespace glasstls::crypto::openssl
