// kx_test.cc: X25519, P-256 and P-384 key exchange of the OpenSSL provider.
#include <gtest/gtest.h>

#include <string_view>

#include "base/bytes.h"
#include "glasstls/crypto.h"

namespace glasstls::crypto {
namespace {

Bytes hex(std::string_view s) {
  std::optional<Bytes> b = from_hex(s);
  EXPECT_TRUE(b.has_value()) << s;
  return b.value_or(Bytes{});
}

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

class OpenSslProviderNistKx : public ::testing::TestWithParam<NamedGroup> {
 protected:
  const KxGroup& group() const { return *openssl_provider().group(GetParam()); }
  size_t coordinate_len() const { return GetParam() == NamedGroup::secp256r1 ? 32 : 48; }
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
  const std::string g = GetParam() == NamedGroup::secp256r1
                            ? "04"
                              "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
                              "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5"
                            : "04"
                              "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a38"
                              "5502f25dbf55296c3a545e3872760ab7"
                              "3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c0"
                              "0a60b1ce1d7e819d7a431d7c90ea0e5f";
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
  const Bytes p = GetParam() == NamedGroup::secp256r1
                      ? hex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff")
                      : hex("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
                            "feffffffff0000000000000000ffffffff");
  std::copy(p.begin(), p.end(), x_is_p.begin() + 1);
  expect_illegal_parameter((*a)->complete(x_is_p));

  // The genuine share still works afterwards.
  EXPECT_TRUE((*a)->complete(good).ok());
}

INSTANTIATE_TEST_SUITE_P(Curves, OpenSslProviderNistKx,
                         ::testing::Values(NamedGroup::secp256r1, NamedGroup::secp384r1),
                         [](const ::testing::TestParamInfo<NamedGroup>& param) {
                           return std::string(name(param.param));
                         });

}  // namespace
}  // namespace glasstls::crypto
