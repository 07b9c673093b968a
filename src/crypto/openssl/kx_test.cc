// kx_test.cc: X25519, X448, P-256, P-384 and P-521 key exchange of the OpenSSL provider.
#include <gtest/gtest.h>

#include <string_view>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <memory>

#include "base/bytes.h"
#include "glasstls/crypto.h"
#include "testing/hex.h"

namespace glasstls::crypto {
namespace {

using glasstls::testing::hex;

void expect_illegal_parameter(const Result<Secret>& r) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().alert, AlertDescription::illegal_parameter) << r.error().reason;
  EXPECT_EQ(r.error().kind, ErrorKind::kPeerMisbehaved);
}

// RFC 7748 section 6.1.
TEST(OpenSslProviderX25519, Rfc7748Section61) {
  const KxGroup& g = *openssl_provider().x25519;
  EXPECT_EQ(g.group(), NamedGroup::x25519);
  Result<std::unique_ptr<KeyExchange>> alice =
      g.start_with_private(hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
  Result<std::unique_ptr<KeyExchange>> bob =
      g.start_with_private(hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
  ASSERT_TRUE(alice.ok()) << alice.error().reason;
  ASSERT_TRUE(bob.ok()) << bob.error().reason;
  EXPECT_EQ(to_hex((*alice)->public_key()),
            "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  EXPECT_EQ(to_hex((*bob)->public_key()),
            "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  EXPECT_EQ((*alice)->group(), NamedGroup::x25519);

  Result<Secret> k1 = (*alice)->complete((*bob)->public_key());
  Result<Secret> k2 = (*bob)->complete((*alice)->public_key());
  ASSERT_TRUE(k1.ok()) << k1.error().reason;
  ASSERT_TRUE(k2.ok()) << k2.error().reason;
  EXPECT_EQ(to_hex(k1->span()), "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
  EXPECT_TRUE(k1->equals(k2->span()));
}

TEST(OpenSslProviderX25519, FreshKeysAgreeAndDiffer) {
  const KxGroup& g = *openssl_provider().x25519;
  Result<std::unique_ptr<KeyExchange>> a = g.start();
  Result<std::unique_ptr<KeyExchange>> b = g.start();
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*a)->public_key().size(), 32u);
  EXPECT_NE(to_hex((*a)->public_key()), to_hex((*b)->public_key()));
  Result<Secret> ka = (*a)->complete((*b)->public_key());
  Result<Secret> kb = (*b)->complete((*a)->public_key());
  ASSERT_TRUE(ka.ok());
  ASSERT_TRUE(kb.ok());
  EXPECT_EQ(ka->size(), 32u);
  EXPECT_TRUE(ka->equals(kb->span()));
}

TEST(OpenSslProviderX25519, RejectsBadSharesAndZeroResult) {
  const KxGroup& g = *openssl_provider().x25519;
  Result<std::unique_ptr<KeyExchange>> a = g.start();
  ASSERT_TRUE(a.ok());
  expect_illegal_parameter((*a)->complete(Bytes(31, 9)));
  expect_illegal_parameter((*a)->complete(Bytes(33, 9)));
  expect_illegal_parameter((*a)->complete({}));
  // u = 0 and u = 1 are small-order points: the shared secret is all zeros (RFC 7748 section 6).
  expect_illegal_parameter((*a)->complete(Bytes(32, 0)));
  Bytes one(32, 0);
  one[0] = 1;
  expect_illegal_parameter((*a)->complete(one));
  // A bad share does not spoil the key pair.
  Result<std::unique_ptr<KeyExchange>> b = g.start();
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE((*a)->complete((*b)->public_key()).ok());
}

TEST(OpenSslProviderX25519, StartWithPrivateRejectsWrongLength) {
  Result<std::unique_ptr<KeyExchange>> r = openssl_provider().x25519->start_with_private(Bytes(31));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kBadConfig);
}

// RFC 7748 section 6.2.
TEST(OpenSslProviderX448, Rfc7748Section62) {
  ASSERT_NE(openssl_provider().x448, nullptr);
  const KxGroup& g = *openssl_provider().x448;
  EXPECT_EQ(g.group(), NamedGroup::x448);
  EXPECT_EQ(openssl_provider().group(NamedGroup::x448), &g);
  EXPECT_FALSE(g.dh_params().has_value());
  Result<std::unique_ptr<KeyExchange>> alice =
      g.start_with_private(hex("9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28d"
                               "d9c9baf574a9419744897391006382a6f127ab1d9ac2d8c0a598726b"));
  Result<std::unique_ptr<KeyExchange>> bob =
      g.start_with_private(hex("1c306a7ac2a0e2e0990b294470cba339e6453772b075811d8fad0d1d"
                               "6927c120bb5ee8972b0d3e21374c9c921b09d1b0366f10b65173992d"));
  ASSERT_TRUE(alice.ok()) << alice.error().reason;
  ASSERT_TRUE(bob.ok()) << bob.error().reason;
  EXPECT_EQ(to_hex((*alice)->public_key()),
            "9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c"
            "22c5d9bbc836647241d953d40c5b12da88120d53177f80e532c41fa0");
  EXPECT_EQ(to_hex((*bob)->public_key()),
            "3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b430"
            "27d8b972fc3e34fb4232a13ca706dcb57aec3dae07bdc1c67bf33609");
  Result<Secret> k1 = (*alice)->complete((*bob)->public_key());
  Result<Secret> k2 = (*bob)->complete((*alice)->public_key());
  ASSERT_TRUE(k1.ok()) << k1.error().reason;
  ASSERT_TRUE(k2.ok()) << k2.error().reason;
  EXPECT_EQ(to_hex(k1->span()),
            "07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282b"
            "b60c0b56fd2464c335543936521c24403085d59a449a5037514a879d");
  EXPECT_TRUE(k1->equals(k2->span()));
}

TEST(OpenSslProviderX448, RejectsBadSharesAndZeroResult) {
  const KxGroup& g = *openssl_provider().x448;
  Result<std::unique_ptr<KeyExchange>> a = g.start();
  ASSERT_TRUE(a.ok());
  EXPECT_EQ((*a)->public_key().size(), 56u);
  expect_illegal_parameter((*a)->complete(Bytes(55, 9)));
  expect_illegal_parameter((*a)->complete(Bytes(57, 9)));
  expect_illegal_parameter((*a)->complete(Bytes(32, 9)));
  expect_illegal_parameter((*a)->complete({}));
  // u = 0 and u = 1 are of small order: the shared secret is all zeros (RFC 7748 section 6.2).
  expect_illegal_parameter((*a)->complete(Bytes(56, 0)));
  Bytes one(56, 0);
  one[0] = 1;
  expect_illegal_parameter((*a)->complete(one));
  Result<std::unique_ptr<KeyExchange>> b = g.start();
  ASSERT_TRUE(b.ok());
  Result<Secret> ka = (*a)->complete((*b)->public_key());
  Result<Secret> kb = (*b)->complete((*a)->public_key());
  ASSERT_TRUE(ka.ok());
  ASSERT_TRUE(kb.ok());
  EXPECT_EQ(ka->size(), 56u);
  EXPECT_TRUE(ka->equals(kb->span()));
  EXPECT_FALSE(g.start_with_private(Bytes(32, 1)).ok());
}

class OpenSslProviderNistKx : public ::testing::TestWithParam<NamedGroup> {
 protected:
  const KxGroup& group() const { return *openssl_provider().group(GetParam()); }
  size_t coordinate_len() const {
    switch (GetParam()) {
      case NamedGroup::secp256r1: return 32;
      case NamedGroup::secp384r1: return 48;
      default: return 66;
    }
  }
};

TEST_P(OpenSslProviderNistKx, TwoPartiesAgree) {
  Result<std::unique_ptr<KeyExchange>> a = group().start();
  Result<std::unique_ptr<KeyExchange>> b = group().start();
  ASSERT_TRUE(a.ok()) << a.error().reason;
  ASSERT_TRUE(b.ok()) << b.error().reason;
  EXPECT_EQ((*a)->group(), GetParam());
  ASSERT_EQ((*a)->public_key().size(), 1 + 2 * coordinate_len());
  EXPECT_EQ((*a)->public_key()[0], 0x04);
  Result<Secret> ka = (*a)->complete((*b)->public_key());
  Result<Secret> kb = (*b)->complete((*a)->public_key());
  ASSERT_TRUE(ka.ok()) << ka.error().reason;
  ASSERT_TRUE(kb.ok()) << kb.error().reason;
  EXPECT_EQ(ka->size(), coordinate_len());
  EXPECT_TRUE(ka->equals(kb->span()));
}

TEST_P(OpenSslProviderNistKx, StartWithPrivateComputesThePublicPoint) {
  // d = 1 gives the base point G (SEC 2 sections 2.4.2 and 2.5.1).
  Bytes one(coordinate_len(), 0);
  one.back() = 1;
  Result<std::unique_ptr<KeyExchange>> k = group().start_with_private(one);
  ASSERT_TRUE(k.ok()) << k.error().reason;
  std::string g;
  switch (GetParam()) {
    case NamedGroup::secp256r1:
      g = "04"
          "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
          "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";
      break;
    case NamedGroup::secp384r1:
      g = "04"
          "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a38"
          "5502f25dbf55296c3a545e3872760ab7"
          "3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c0"
          "0a60b1ce1d7e819d7a431d7c90ea0e5f";
      break;
    default:  // SEC 2 section 2.6.1
      g = "04"
          "00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe7"
          "5928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66"
          "011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef4"
          "2640c550b9013fad0761353c7086a272c24088be94769fd16650";
      break;
  }
  EXPECT_EQ(to_hex((*k)->public_key()), g);

  // And it agrees with a fresh key pair: d * (e * G) == e * (d * G).
  Result<std::unique_ptr<KeyExchange>> other = group().start();
  ASSERT_TRUE(other.ok());
  Result<Secret> k1 = (*k)->complete((*other)->public_key());
  Result<Secret> k2 = (*other)->complete((*k)->public_key());
  ASSERT_TRUE(k1.ok());
  ASSERT_TRUE(k2.ok());
  EXPECT_TRUE(k1->equals(k2->span()));
  // With d = 1 the shared secret is the peer's X coordinate.
  EXPECT_EQ(to_hex(k1->span()), to_hex((*other)->public_key().subspan(1, coordinate_len())));

  Result<std::unique_ptr<KeyExchange>> zero = group().start_with_private(Bytes(coordinate_len()));
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error().kind, ErrorKind::kBadConfig);
  Result<std::unique_ptr<KeyExchange>> big =
      group().start_with_private(Bytes(coordinate_len(), 0xff));
  EXPECT_FALSE(big.ok());
  EXPECT_FALSE(group().start_with_private(Bytes(coordinate_len() + 1, 1)).ok());
}

// The shared secret agrees with libcrypto's own derivation (EVP_PKEY_derive) between a key
// generated here by libcrypto and the provider's key pair.
TEST_P(OpenSslProviderNistKx, AgreesWithLibcryptoDerive) {
  const char* curve = GetParam() == NamedGroup::secp256r1   ? "P-256"
                      : GetParam() == NamedGroup::secp384r1 ? "P-384"
                                                            : "P-521";
  EVP_PKEY* peer_raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve);
  ASSERT_NE(peer_raw, nullptr);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> peer(peer_raw, EVP_PKEY_free);
  Bytes peer_pub(1 + 2 * coordinate_len());
  size_t len = 0;
  ASSERT_EQ(EVP_PKEY_get_octet_string_param(peer.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
                                            peer_pub.data(), peer_pub.size(), &len),
            1);
  ASSERT_EQ(len, peer_pub.size());
  Result<std::unique_ptr<KeyExchange>> ours = group().start();
  ASSERT_TRUE(ours.ok());
  Result<Secret> k = (*ours)->complete(peer_pub);
  ASSERT_TRUE(k.ok()) << k.error().reason;

  // libcrypto's side: our public point against the peer's private key.
  EVP_PKEY* ours_raw = EVP_PKEY_new();
  ASSERT_EQ(EVP_PKEY_copy_parameters(ours_raw, peer.get()), 1);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> ours_key(ours_raw, EVP_PKEY_free);
  ASSERT_EQ(EVP_PKEY_set1_encoded_public_key(ours_key.get(), (*ours)->public_key().data(),
                                             (*ours)->public_key().size()),
            1);
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_from_pkey(nullptr, peer.get(), nullptr), EVP_PKEY_CTX_free);
  ASSERT_EQ(EVP_PKEY_derive_init(ctx.get()), 1);
  ASSERT_EQ(EVP_PKEY_derive_set_peer(ctx.get(), ours_key.get()), 1);
  Bytes want(coordinate_len());
  size_t want_len = want.size();
  ASSERT_EQ(EVP_PKEY_derive(ctx.get(), want.data(), &want_len), 1);
  ASSERT_EQ(want_len, coordinate_len());
  EXPECT_EQ(to_hex(k->span()), to_hex(want));
}

TEST_P(OpenSslProviderNistKx, RejectsInvalidPoints) {
  Result<std::unique_ptr<KeyExchange>> a = group().start();
  Result<std::unique_ptr<KeyExchange>> b = group().start();
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  const ByteView good = (*b)->public_key();
  const size_t n = coordinate_len();

  // Wrong lengths: empty, the point at infinity (a single 0x00), compressed, truncated, long.
  expect_illegal_parameter((*a)->complete({}));
  expect_illegal_parameter((*a)->complete(Bytes{0x00}));
  Bytes compressed(good.begin(), good.begin() + 1 + static_cast<std::ptrdiff_t>(n));
  compressed[0] = 0x02;
  expect_illegal_parameter((*a)->complete(compressed));
  expect_illegal_parameter((*a)->complete(good.first(good.size() - 1)));
  Bytes longer(good.begin(), good.end());
  longer.push_back(0);
  expect_illegal_parameter((*a)->complete(longer));

  // Right length, wrong form byte.
  Bytes hybrid(good.begin(), good.end());
  hybrid[0] = 0x06;
  expect_illegal_parameter((*a)->complete(hybrid));
  // The all-zero encoding of the point at infinity, and (0, 0), which is not on the curve.
  Bytes zeros(good.size(), 0);
  expect_illegal_parameter((*a)->complete(zeros));
  zeros[0] = 0x04;
  expect_illegal_parameter((*a)->complete(zeros));
  // A valid point with Y changed is off the curve.
  Bytes off_curve(good.begin(), good.end());
  off_curve.back() ^= 0x01;
  expect_illegal_parameter((*a)->complete(off_curve));
  // X = p is outside the field.
  Bytes x_is_p(good.begin(), good.end());
  Bytes p;
  switch (GetParam()) {
    case NamedGroup::secp256r1:
      p = hex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
      break;
    case NamedGroup::secp384r1:
      p =
          hex("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
              "feffffffff0000000000000000ffffffff");
      break;
    default:  // 2^521 - 1
      p = Bytes(66, 0xff);
      p[0] = 0x01;
      break;
  }
  std::copy(p.begin(), p.end(), x_is_p.begin() + 1);
  expect_illegal_parameter((*a)->complete(x_is_p));

  // The genuine share still works afterwards.
  EXPECT_TRUE((*a)->complete(good).ok());
}

INSTANTIATE_TEST_SUITE_P(Curves, OpenSslProviderNistKx,
                         ::testing::Values(NamedGroup::secp256r1, NamedGroup::secp384r1,
                                           NamedGroup::secp521r1),
                         [](const ::testing::TestParamInfo<NamedGroup>& param) {
                           return std::string(name(param.param));
                         });

}  // namespace
}  // namespace glasstls::crypto
