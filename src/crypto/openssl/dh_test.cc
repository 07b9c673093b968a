// dh_test.cc: the RFC 7919 FFDHE groups of the OpenSSL provider and TLS 1.2 DHE in a group a
// server chose (DhGroups), checked against libcrypto used directly.
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/dh.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>
#include <string>

#include "base/bytes.h"
#include "glasstls/crypto.h"

namespace glasstls::crypto {
namespace {

using PkeyOwner = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using CtxOwner = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;
using BnOwner = std::unique_ptr<BIGNUM, decltype(&BN_free)>;

Bytes bn_bytes(const BIGNUM* bn, size_t len) {
  Bytes out(len);
  EXPECT_EQ(BN_bn2binpad(bn, out.data(), static_cast<int>(len)), static_cast<int>(len));
  return out;
}

Bytes bn_min_bytes(const BIGNUM* bn) { return bn_bytes(bn, static_cast<size_t>(BN_num_bytes(bn))); }

BnOwner to_bn(ByteView v) {
  return BnOwner(BN_bin2bn(v.data(), static_cast<int>(v.size()), nullptr), BN_free);
}

// libcrypto_dh is a DH key pair libcrypto makes in its own named group `name`, with its p, g
// and public value.
struct LibcryptoDh {
  PkeyOwner key{nullptr, EVP_PKEY_free};
  Bytes p, g, pub;
};

LibcryptoDh libcrypto_dh(const char* name) {
  LibcryptoDh out;
  CtxOwner ctx(EVP_PKEY_CTX_new_from_name(nullptr, "DH", nullptr), EVP_PKEY_CTX_free);
  EVP_PKEY* raw = nullptr;
  EXPECT_EQ(EVP_PKEY_keygen_init(ctx.get()), 1);
  EXPECT_EQ(EVP_PKEY_CTX_set_group_name(ctx.get(), name), 1);
  EXPECT_EQ(EVP_PKEY_generate(ctx.get(), &raw), 1);
  out.key.reset(raw);
  BIGNUM* p = nullptr;
  BIGNUM* g = nullptr;
  BIGNUM* y = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(raw, OSSL_PKEY_PARAM_FFC_P, &p), 1);
  EXPECT_EQ(EVP_PKEY_get_bn_param(raw, OSSL_PKEY_PARAM_FFC_G, &g), 1);
  EXPECT_EQ(EVP_PKEY_get_bn_param(raw, OSSL_PKEY_PARAM_PUB_KEY, &y), 1);
  BnOwner po(p, BN_free), go(g, BN_free), yo(y, BN_free);
  out.p = bn_min_bytes(p);
  out.g = bn_min_bytes(g);
  out.pub = bn_bytes(y, out.p.size());
  return out;
}

// libcrypto_secret derives, with libcrypto alone, the secret between `mine` and the public value
// `peer_y` in the same group, left-padded to the size of p.
Bytes libcrypto_secret(const LibcryptoDh& mine, ByteView peer_y) {
  BnOwner p = to_bn(mine.p), g = to_bn(mine.g), y = to_bn(peer_y);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  EXPECT_EQ(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, p.get()), 1);
  EXPECT_EQ(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, g.get()), 1);
  EXPECT_EQ(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, y.get()), 1);
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  OSSL_PARAM_BLD_free(bld);
  CtxOwner fctx(EVP_PKEY_CTX_new_from_name(nullptr, "DH", nullptr), EVP_PKEY_CTX_free);
  EVP_PKEY* raw = nullptr;
  EXPECT_EQ(EVP_PKEY_fromdata_init(fctx.get()), 1);
  EXPECT_EQ(EVP_PKEY_fromdata(fctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params), 1);
  OSSL_PARAM_free(params);
  PkeyOwner peer(raw, EVP_PKEY_free);
  CtxOwner ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, mine.key.get(), nullptr), EVP_PKEY_CTX_free);
  EXPECT_EQ(EVP_PKEY_derive_init(ctx.get()), 1);
  EXPECT_EQ(EVP_PKEY_CTX_set_dh_pad(ctx.get(), 1), 1);
  EXPECT_EQ(EVP_PKEY_derive_set_peer(ctx.get(), peer.get()), 1);
  Bytes out(mine.p.size());
  size_t len = out.size();
  EXPECT_EQ(EVP_PKEY_derive(ctx.get(), out.data(), &len), 1);
  EXPECT_EQ(len, out.size());
  return out;
}

Bytes minus(ByteView p, uint8_t d) {
  Bytes out(p.begin(), p.end());
  out.back() = static_cast<uint8_t>(out.back() - d);  // p is odd and ends in 0xff
  return out;
}

Bytes plus(ByteView p, uint8_t d) {
  BnOwner bn = to_bn(p);
  EXPECT_EQ(BN_add_word(bn.get(), d), 1);
  return bn_min_bytes(bn.get());
}

void expect_alert(const Result<Secret>& r, AlertDescription alert) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().alert, alert) << r.error().reason;
}

struct FfdheCase {
  NamedGroup group;
  const char* ossl_name;
  size_t bits;
};

class OpenSslProviderFfdhe : public ::testing::TestWithParam<FfdheCase> {
 protected:
  const KxGroup* group() const { return openssl_provider().group(GetParam().group); }
};

// The primes are libcrypto's own named groups (read here with libcrypto alone), have the size
// the group's name says, and have the form RFC 7919 appendix A gives: the top and bottom 64 bits
// all ones, g = 2.
TEST_P(OpenSslProviderFfdhe, PrimeIsLibcryptosNamedGroup) {
  ASSERT_NE(group(), nullptr);
  EXPECT_EQ(group()->group(), GetParam().group);
  std::optional<DhParams> params = group()->dh_params();
  ASSERT_TRUE(params.has_value());
  LibcryptoDh reference = libcrypto_dh(GetParam().ossl_name);
  EXPECT_EQ(to_hex(params->p), to_hex(reference.p));
  EXPECT_EQ(to_hex(params->g), "02");
  ASSERT_EQ(params->p.size() * 8, GetParam().bits);
  for (size_t i = 0; i < 8; i++) {
    EXPECT_EQ(params->p[i], 0xff);
    EXPECT_EQ(params->p[params->p.size() - 1 - i], 0xff);
  }
}

// Our share is Y padded to the size of p (RFC 8446 section 4.2.8.1), and the secret is the one
// libcrypto derives on its side, padded to the size of p.
TEST_P(OpenSslProviderFfdhe, AgreesWithLibcryptoDerive) {
  ASSERT_NE(group(), nullptr);
  const size_t p_len = GetParam().bits / 8;
  LibcryptoDh peer = libcrypto_dh(GetParam().ossl_name);
  Result<std::unique_ptr<KeyExchange>> ours = group()->start();
  ASSERT_TRUE(ours.ok()) << ours.error().reason;
  EXPECT_EQ((*ours)->group(), GetParam().group);
  ASSERT_EQ((*ours)->public_key().size(), p_len);
  Result<Secret> k = (*ours)->complete(peer.pub);
  ASSERT_TRUE(k.ok()) << k.error().reason;
  EXPECT_EQ(k->size(), p_len);
  EXPECT_EQ(to_hex(k->span()), to_hex(libcrypto_secret(peer, (*ours)->public_key())));
}

TEST_P(OpenSslProviderFfdhe, RejectsOutOfRangeShares) {
  ASSERT_NE(group(), nullptr);
  const Bytes p = group()->dh_params()->p;
  Result<std::unique_ptr<KeyExchange>> a = group()->start();
  ASSERT_TRUE(a.ok());
  Bytes one(p.size(), 0);
  one.back() = 1;
  expect_alert((*a)->complete(Bytes(p.size(), 0)), AlertDescription::illegal_parameter);
  expect_alert((*a)->complete(one), AlertDescription::illegal_parameter);
  expect_alert((*a)->complete(minus(p, 1)), AlertDescription::illegal_parameter);
  expect_alert((*a)->complete(p), AlertDescription::illegal_parameter);
  expect_alert((*a)->complete(Bytes(p.size(), 0xff)), AlertDescription::illegal_parameter);
  // Not padded to the size of p, or longer.
  Bytes two(p.size(), 0);
  two.back() = 2;
  expect_alert((*a)->complete(ByteView(two).subspan(1)), AlertDescription::illegal_parameter);
  Bytes longer = two;
  longer.insert(longer.begin(), 0);
  expect_alert((*a)->complete(longer), AlertDescription::illegal_parameter);
  expect_alert((*a)->complete({}), AlertDescription::illegal_parameter);
  // The edges just inside the range are accepted: 2 and p-2.
  EXPECT_TRUE((*a)->complete(two).ok());
  EXPECT_TRUE((*a)->complete(minus(p, 2)).ok());
}

// mod_exp is g^x mod p with libcrypto's BIGNUMs alone, padded to the size of p.
Bytes mod_exp(ByteView g, ByteView x, ByteView p) {
  BnOwner gb = to_bn(g), xb = to_bn(x), pb = to_bn(p), y(BN_new(), BN_free);
  std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> ctx(BN_CTX_new(), BN_CTX_free);
  EXPECT_EQ(BN_mod_exp(y.get(), gb.get(), xb.get(), pb.get(), ctx.get()), 1);
  return bn_bytes(y.get(), p.size());
}

// A key pair from a known private exponent x has the public value g^x mod p, and derives the
// secret libcrypto derives with it; x outside 1 < x < p-1 is refused as a caller's mistake.
TEST_P(OpenSslProviderFfdhe, StartWithPrivateIsGToTheX) {
  ASSERT_NE(group(), nullptr);
  const DhParams params = *group()->dh_params();
  Bytes x(64);
  for (size_t i = 0; i < x.size(); i++) {
    x[i] = static_cast<uint8_t>(0x80 + 7 * i);
  }
  Result<std::unique_ptr<KeyExchange>> ours = group()->start_with_private(x);
  ASSERT_TRUE(ours.ok()) << ours.error().reason;
  EXPECT_EQ((*ours)->group(), GetParam().group);
  EXPECT_EQ(to_hex((*ours)->public_key()), to_hex(mod_exp(params.g, x, params.p)));
  LibcryptoDh peer = libcrypto_dh(GetParam().ossl_name);
  Result<Secret> k = (*ours)->complete(peer.pub);
  ASSERT_TRUE(k.ok()) << k.error().reason;
  EXPECT_EQ(to_hex(k->span()), to_hex(libcrypto_secret(peer, (*ours)->public_key())));
  // The same x gives the same key pair; another x another.
  Result<std::unique_ptr<KeyExchange>> again = group()->start_with_private(x);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(to_hex((*again)->public_key()), to_hex((*ours)->public_key()));
  x[5] ^= 1;
  Result<std::unique_ptr<KeyExchange>> other = group()->start_with_private(x);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(to_hex((*other)->public_key()), to_hex((*ours)->public_key()));
  for (const Bytes& bad : {Bytes{}, Bytes{0}, Bytes{1}, minus(params.p, 1), params.p,
                           Bytes(params.p.size() + 1, 0xff)}) {
    Result<std::unique_ptr<KeyExchange>> r = group()->start_with_private(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::kBadConfig) << r.error().reason;
  }
  EXPECT_TRUE(group()->start_with_private(Bytes{2}).ok());
  EXPECT_TRUE(group()->start_with_private(minus(params.p, 2)).ok());
}

INSTANTIATE_TEST_SUITE_P(Groups, OpenSslProviderFfdhe,
                         ::testing::Values(FfdheCase{NamedGroup::ffdhe2048, "ffdhe2048", 2048},
                                           FfdheCase{NamedGroup::ffdhe3072, "ffdhe3072", 3072},
                                           FfdheCase{NamedGroup::ffdhe4096, "ffdhe4096", 4096},
                                           FfdheCase{NamedGroup::ffdhe6144, "ffdhe6144", 6144},
                                           FfdheCase{NamedGroup::ffdhe8192, "ffdhe8192", 8192}),
                         [](const ::testing::TestParamInfo<FfdheCase>& param) {
                           return std::string(param.param.ossl_name);
                         });

// The shared secret keeps its leading zero bytes (TLS 1.3's rule); about one exchange in 256
// has one.
TEST(OpenSslProviderFfdhe, SecretKeepsLeadingZeros) {
  const KxGroup& g = *openssl_provider().ffdhe2048;
  bool seen = false;
  for (int i = 0; i < 4000 && !seen; i++) {
    Result<std::unique_ptr<KeyExchange>> a = g.start();
    Result<std::unique_ptr<KeyExchange>> b = g.start();
    ASSERT_TRUE(a.ok());
    ASSERT_TRUE(b.ok());
    Result<Secret> k = (*a)->complete((*b)->public_key());
    ASSERT_TRUE(k.ok());
    ASSERT_EQ(k->size(), 256u);
    if (k->span()[0] == 0) {
      seen = true;
      Result<Secret> k2 = (*b)->complete((*a)->public_key());
      ASSERT_TRUE(k2.ok());
      EXPECT_TRUE(k->equals(k2->span()));
    }
  }
  EXPECT_TRUE(seen);
}

const DhGroups& dh() { return *openssl_provider().dh; }

void expect_refused(const Result<std::unique_ptr<KeyExchange>>& r, AlertDescription alert) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().alert, alert) << r.error().reason;
}

TEST(OpenSslProviderDhGroups, AcceptsRfc7919AndRfc3526Groups) {
  ASSERT_NE(openssl_provider().dh, nullptr);
  for (const char* name : {"ffdhe2048", "ffdhe3072", "modp_2048", "modp_4096"}) {
    SCOPED_TRACE(name);
    LibcryptoDh server = libcrypto_dh(name);
    Result<std::unique_ptr<KeyExchange>> client = dh().start(server.p, server.g);
    ASSERT_TRUE(client.ok()) << client.error().reason;
    EXPECT_EQ((*client)->group(), std::string(name) == "ffdhe2048"   ? NamedGroup::ffdhe2048
                                  : std::string(name) == "ffdhe3072" ? NamedGroup::ffdhe3072
                                                                     : NamedGroup{0});
    ASSERT_EQ((*client)->public_key().size(), server.p.size());
    // Ys as TLS 1.2 peers send it: without leading zeros.
    size_t skip = 0;
    while (server.pub[skip] == 0) {
      skip++;
    }
    Result<Secret> k = (*client)->complete(ByteView(server.pub).subspan(skip));
    ASSERT_TRUE(k.ok()) << k.error().reason;
    EXPECT_EQ(to_hex(k->span()), to_hex(libcrypto_secret(server, (*client)->public_key())));
  }
}

// DhGroups::start_with_private checks the group as start does, then makes the key pair of the
// known x: its public value is g^x mod p and it agrees with libcrypto.
TEST(OpenSslProviderDhGroups, StartWithPrivateIsGToTheXAfterTheSameChecks) {
  const Bytes x(48, 0x5c);
  for (const char* name : {"ffdhe2048", "modp_3072"}) {
    SCOPED_TRACE(name);
    LibcryptoDh server = libcrypto_dh(name);
    Result<std::unique_ptr<KeyExchange>> client = dh().start_with_private(server.p, server.g, x);
    ASSERT_TRUE(client.ok()) << client.error().reason;
    EXPECT_EQ((*client)->group(),
              std::string(name) == "ffdhe2048" ? NamedGroup::ffdhe2048 : NamedGroup{0});
    EXPECT_EQ(to_hex((*client)->public_key()), to_hex(mod_exp(server.g, x, server.p)));
    Result<Secret> k = (*client)->complete(server.pub);
    ASSERT_TRUE(k.ok()) << k.error().reason;
    EXPECT_EQ(to_hex(k->span()), to_hex(libcrypto_secret(server, (*client)->public_key())));
    // Ys out of range is refused as start's exchanges refuse it.
    expect_alert((*client)->complete(Bytes{1}), AlertDescription::handshake_failure);
  }
  // The group's checks come first: a 1024-bit prime is refused whatever the key.
  LibcryptoDh ffdhe = libcrypto_dh("ffdhe2048");
  expect_refused(dh().start_with_private(ByteView(ffdhe.p).subspan(128), ffdhe.g, x),
                 AlertDescription::insufficient_security);
  Result<std::unique_ptr<KeyExchange>> one = dh().start_with_private(ffdhe.p, ffdhe.g, Bytes{1});
  ASSERT_FALSE(one.ok());
  EXPECT_EQ(one.error().kind, ErrorKind::kBadConfig);
}

TEST(OpenSslProviderDhGroups, RefusesSmallAndHugeGroups) {
  LibcryptoDh small = libcrypto_dh("modp_1536");
  expect_refused(dh().start(small.p, small.g), AlertDescription::insufficient_security);
  // 8200 bits: refused on size alone, before any primality test.
  Bytes huge(1025, 0xff);
  huge[0] = 0xff;
  expect_refused(dh().start(huge, Bytes{2}), AlertDescription::insufficient_security);
  expect_refused(dh().start({}, Bytes{2}), AlertDescription::insufficient_security);
}

TEST(OpenSslProviderDhGroups, RefusesEvenPrimeAndBadGenerators) {
  const Bytes p = openssl_provider().ffdhe2048->dh_params()->p;
  expect_refused(dh().start(plus(p, 1), Bytes{2}), AlertDescription::illegal_parameter);
  Bytes p_minus_1 = minus(p, 1);
  for (const Bytes& g : {Bytes{}, Bytes{0}, Bytes{1}, p_minus_1, p, plus(p, 2)}) {
    expect_refused(dh().start(p, g), AlertDescription::illegal_parameter);
  }
  // Leading zeros in p and g are not a different group.
  Bytes padded_p = p;
  padded_p.insert(padded_p.begin(), 0);
  Result<std::unique_ptr<KeyExchange>> ok = dh().start(padded_p, Bytes{0, 2});
  ASSERT_TRUE(ok.ok()) << ok.error().reason;
  EXPECT_EQ((*ok)->group(), NamedGroup::ffdhe2048);
}

TEST(OpenSslProviderDhGroups, RefusesPrimesThatAreNotSafe) {
  // An odd composite just above an RFC 7919 prime.
  const Bytes p = openssl_provider().ffdhe2048->dh_params()->p;
  expect_refused(dh().start(plus(p, 2), Bytes{2}), AlertDescription::insufficient_security);
  // A 2048-bit prime that libcrypto makes without asking for a safe one: (p-1)/2 is composite
  // (checked here with libcrypto before relying on it).
  BnOwner prime(BN_new(), BN_free);
  ASSERT_EQ(BN_generate_prime_ex(prime.get(), 2048, 0, nullptr, nullptr, nullptr), 1);
  BnOwner q(BN_dup(prime.get()), BN_free);
  ASSERT_EQ(BN_rshift1(q.get(), q.get()), 1);
  std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> bn_ctx(BN_CTX_new(), BN_CTX_free);
  ASSERT_EQ(BN_check_prime(q.get(), bn_ctx.get(), nullptr), 0);
  expect_refused(dh().start(bn_min_bytes(prime.get()), Bytes{2}),
                 AlertDescription::insufficient_security);
}

TEST(OpenSslProviderDhGroups, CompleteRefusesOutOfRangeYsWithHandshakeFailure) {
  const Bytes p = openssl_provider().ffdhe2048->dh_params()->p;
  Result<std::unique_ptr<KeyExchange>> c = dh().start(p, Bytes{2});
  ASSERT_TRUE(c.ok());
  expect_alert((*c)->complete(Bytes{0}), AlertDescription::handshake_failure);
  expect_alert((*c)->complete(Bytes{1}), AlertDescription::handshake_failure);
  expect_alert((*c)->complete(minus(p, 1)), AlertDescription::handshake_failure);
  expect_alert((*c)->complete(p), AlertDescription::handshake_failure);
  expect_alert((*c)->complete({}), AlertDescription::handshake_failure);
  Bytes longer = p;
  longer.insert(longer.begin(), 0);
  expect_alert((*c)->complete(longer), AlertDescription::handshake_failure);
  EXPECT_TRUE((*c)->complete(Bytes{2}).ok());
}

}  // namespace
}  // namespace glasstls::crypto
