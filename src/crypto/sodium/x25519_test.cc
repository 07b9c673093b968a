// x25519_test.cc: X25519 from libsodium (crypto::sodium_x25519()) on RFC 7748's known answers,
// against OpenSSL's on fresh and edge-case keys and shares, and as the default provider's.
#include <gtest/gtest.h>

#include <memory>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "glasstls/crypto.h"
#include "testing/hex.h"

namespace glasstls::crypto {
namespace {

using glasstls::testing::hex;

// sodium is sodium_x25519(); the tests that need it skip in a build without libsodium, where
// NullWithoutLibsodium checks the fallback instead.
const KxGroup* sodium() { return sodium_x25519(); }

std::unique_ptr<KeyExchange> with_private(const KxGroup& g, ByteView priv) {
  Result<std::unique_ptr<KeyExchange>> r = g.start_with_private(priv);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().reason);
  return r.ok() ? std::move(r).value() : nullptr;
}

TEST(SodiumX25519, DefaultProviderTakesItWhenBuiltIn) {
  const CryptoProvider& d = default_provider();
  if (sodium() == nullptr) {
    EXPECT_EQ(&d, &openssl_provider());
    return;
  }
  // The environment of the test run does not set GLASSTLS_X25519 (the CLI test covers it).
  EXPECT_EQ(d.x25519, sodium());
  EXPECT_NE(d.x25519, openssl_provider().x25519);
  // Everything else is OpenSSL's.
  EXPECT_EQ(d.sha256, openssl_provider().sha256);
  EXPECT_EQ(d.aes128gcm, openssl_provider().aes128gcm);
  EXPECT_EQ(d.secp256r1, openssl_provider().secp256r1);
  EXPECT_EQ(d.random, openssl_provider().random);
  EXPECT_EQ(d.group(NamedGroup::x25519), sodium());
}

// RFC 7748 section 6.1.
TEST(SodiumX25519, Rfc7748Section61) {
  if (sodium() == nullptr) {
    GTEST_SKIP() << "built without libsodium";
  }
  EXPECT_EQ(sodium()->group(), NamedGroup::x25519);
  auto alice = with_private(
      *sodium(), hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
  auto bob = with_private(*sodium(),
                          hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
  ASSERT_TRUE(alice && bob);
  EXPECT_EQ(to_hex(alice->public_key()),
            "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  EXPECT_EQ(to_hex(bob->public_key()),
            "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  Result<Secret> k1 = alice->complete(bob->public_key());
  Result<Secret> k2 = bob->complete(alice->public_key());
  ASSERT_TRUE(k1.ok() && k2.ok());
  EXPECT_EQ(to_hex(k1->span()), "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
  EXPECT_TRUE(k1->equals(k2->span()));
}

// Fresh key pairs from either implementation agree with the other's, both ways.
TEST(SodiumX25519, FreshKeysAgreeWithOpenSsl) {
  if (sodium() == nullptr) {
    GTEST_SKIP() << "built without libsodium";
  }
  const KxGroup& ossl = *openssl_provider().x25519;
  for (int i = 0; i < 8; i++) {
    Result<std::unique_ptr<KeyExchange>> s = sodium()->start();
    Result<std::unique_ptr<KeyExchange>> o = ossl.start();
    ASSERT_TRUE(s.ok() && o.ok());
    EXPECT_EQ((*s)->public_key().size(), 32u);
    Result<Secret> ks = (*s)->complete((*o)->public_key());
    Result<Secret> ko = (*o)->complete((*s)->public_key());
    ASSERT_TRUE(ks.ok() && ko.ok());
    EXPECT_TRUE(ks->equals(ko->span()));
  }
  Result<std::unique_ptr<KeyExchange>> a = sodium()->start();
  Result<std::unique_ptr<KeyExchange>> b = sodium()->start();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(to_hex((*a)->public_key()), to_hex((*b)->public_key()));
}

// The same private keys give the same public values and secrets as OpenSSL's, for scalars with
// the bits clamping changes set or clear, and for shares with the top bit set or a u at or above
// the field prime (RFC 7748 section 5: both are reduced, not refused).
TEST(SodiumX25519, EdgeCasesMatchOpenSsl) {
  if (sodium() == nullptr) {
    GTEST_SKIP() << "built without libsodium";
  }
  const KxGroup& ossl = *openssl_provider().x25519;
  const std::vector<Bytes> privs = {
      Bytes(32, 0x00), Bytes(32, 0xff),
      hex("0700000000000000000000000000000000000000000000000000000000000080")};
  Bytes high_bit = hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882bcf");
  Bytes p_itself = hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
  Bytes p_plus_9 = hex("f6ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
  for (const Bytes& priv : privs) {
    auto s = with_private(*sodium(), priv);
    auto o = with_private(ossl, priv);
    ASSERT_TRUE(s && o);
    EXPECT_EQ(to_hex(s->public_key()), to_hex(o->public_key())) << to_hex(priv);
    for (const Bytes& share : {high_bit, p_plus_9}) {
      Result<Secret> ks = s->complete(share);
      Result<Secret> ko = o->complete(share);
      ASSERT_EQ(ks.ok(), ko.ok()) << to_hex(share);
      if (ks.ok()) {
        EXPECT_TRUE(ks->equals(ko->span())) << to_hex(priv) << " " << to_hex(share);
      }
    }
    // u = p is u = 0 once reduced: a small-order point, refused by both.
    EXPECT_FALSE(s->complete(p_itself).ok());
    EXPECT_FALSE(o->complete(p_itself).ok());
  }
}

TEST(SodiumX25519, RejectsBadSharesAndZeroResult) {
  if (sodium() == nullptr) {
    GTEST_SKIP() << "built without libsodium";
  }
  Result<std::unique_ptr<KeyExchange>> a = sodium()->start();
  ASSERT_TRUE(a.ok());
  Bytes one(32, 0);
  one[0] = 1;
  for (const Bytes& bad : {Bytes(31, 9), Bytes(33, 9), Bytes{}, Bytes(32, 0), one}) {
    Result<Secret> r = (*a)->complete(bad);
    ASSERT_FALSE(r.ok()) << to_hex(bad);
    EXPECT_EQ(r.error().alert, AlertDescription::illegal_parameter) << r.error().reason;
    EXPECT_EQ(r.error().kind, ErrorKind::kPeerMisbehaved);
  }
  // A bad share does not spoil the key pair.
  Result<std::unique_ptr<KeyExchange>> b = sodium()->start();
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE((*a)->complete((*b)->public_key()).ok());
}

TEST(SodiumX25519, StartWithPrivateRejectsWrongLength) {
  if (sodium() == nullptr) {
    GTEST_SKIP() << "built without libsodium";
  }
  for (size_t n : {size_t{0}, size_t{31}, size_t{33}}) {
    Result<std::unique_ptr<KeyExchange>> r = sodium()->start_with_private(Bytes(n, 1));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.error().kind, ErrorKind::kBadConfig);
  }
}

}  // namespace
}  // namespace glasstls::crypto
