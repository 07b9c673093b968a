// hash_test.cc: hashes, HMAC and HKDF of the OpenSSL provider against published vectors.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "glasstls/crypto.h"
#include "testing/hex.h"

namespace glasstls::crypto {
namespace {

using glasstls::testing::hex;

ByteView text(std::string_view s) {
  return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

std::string hex_of(ByteView b) { return to_hex(b); }

const Hash& sha256() {
  const Hash* h = openssl_provider().sha256;
  EXPECT_NE(h, nullptr);
  return *h;
}

TEST(OpenSslProviderHash, MembersArePresentAndStable) {
  const CryptoProvider& p = openssl_provider();
  EXPECT_EQ(&p, &openssl_provider());
  ASSERT_NE(p.sha256, nullptr);
  ASSERT_NE(p.sha384, nullptr);
  ASSERT_NE(p.sha512, nullptr);
  EXPECT_EQ(p.sha256->id(), HashId::kSha256);
  EXPECT_EQ(p.sha384->id(), HashId::kSha384);
  EXPECT_EQ(p.sha512->id(), HashId::kSha512);
  EXPECT_EQ(p.sha256->output_len(), 32u);
  EXPECT_EQ(p.sha384->output_len(), 48u);
  EXPECT_EQ(p.sha512->output_len(), 64u);
  EXPECT_EQ(p.hash(HashId::kSha384), p.sha384);
  EXPECT_NE(p.aes128gcm, nullptr);
  EXPECT_NE(p.aes256gcm, nullptr);
  EXPECT_NE(p.chacha20poly1305, nullptr);
  EXPECT_EQ(p.group(NamedGroup::x25519), p.x25519);
  EXPECT_EQ(p.group(NamedGroup::brainpoolP256r1), nullptr);
  EXPECT_NE(p.verifier, nullptr);
  EXPECT_NE(p.keys, nullptr);
  EXPECT_NE(p.random, nullptr);
}

// FIPS 180-2 appendix B.1 and D.1: the hash of "abc".
TEST(OpenSslProviderHash, Sha256AndSha384OfAbc) {
  const CryptoProvider& p = openssl_provider();
  EXPECT_EQ(hex_of(p.sha256->digest(text("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex_of(p.sha384->digest(text("abc"))),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163"
            "1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
}

TEST(OpenSslProviderHash, ContextCloneForksTheRunningHash) {
  std::unique_ptr<HashContext> ctx = sha256().start();
  ctx->update(text("a"));
  std::unique_ptr<HashContext> fork = ctx->clone();
  ctx->update(text("bc"));
  fork->update(text("b"));
  EXPECT_EQ(hex_of(ctx->finish()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(fork->finish(), sha256().digest(text("ab")));
  EXPECT_EQ(sha256().start()->finish(), sha256().digest({}));
}

// RFC 4231 section 4.3, test case 2 ("Jefe").
TEST(OpenSslProviderHash, HmacSha256Rfc4231Case2) {
  Secret mac = sha256().hmac(text("Jefe"), text("what do ya want for nothing?"));
  EXPECT_EQ(hex_of(mac.span()), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // The template context is only duplicated: a second use with another key is independent.
  Secret again = sha256().hmac(text("Jefe"), text("what do ya want for nothing?"));
  EXPECT_TRUE(again.equals(mac.span()));
  EXPECT_FALSE(
      sha256().hmac(text("Jeff"), text("what do ya want for nothing?")).equals(mac.span()));
}

// ForwardingHash is the provider's SHA-256 with hmac_into left to the interface's default, so
// that the default (join the parts, call hmac) is checked against the provider's override.
class ForwardingHash final : public Hash {
 public:
  explicit ForwardingHash(const Hash& inner) : inner_(inner) {}
  HashId id() const override { return inner_.id(); }
  size_t output_len() const override { return inner_.output_len(); }
  std::unique_ptr<HashContext> start() const override { return inner_.start(); }
  Bytes digest(ByteView data) const override { return inner_.digest(data); }
  Secret hmac(ByteView key, ByteView data) const override { return inner_.hmac(key, data); }
  Secret hkdf_extract(ByteView salt, ByteView ikm) const override {
    return inner_.hkdf_extract(salt, ikm);
  }
  Result<Secret> hkdf_expand(ByteView prk, ByteView info, size_t len) const override {
    return inner_.hkdf_expand(prk, info, len);
  }

 private:
  const Hash& inner_;
};

// hmac_into is the HMAC of its parts joined, from the provider and from the default alike, and
// writes nothing when the output is not the hash's length.
TEST(OpenSslProviderHash, HmacIntoIsTheHmacOfItsPartsJoined) {
  const std::string_view whole = "what do ya want for nothing?";
  const std::string expected =
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";  // RFC 4231 case 2
  const ForwardingHash by_default(sha256());
  for (const Hash* h : {&sha256(), static_cast<const Hash*>(&by_default)}) {
    for (size_t cut : {size_t{0}, size_t{11}, whole.size()}) {
      const ByteView parts[] = {text(whole.substr(0, cut)), text(whole.substr(cut)), ByteView{}};
      Bytes out(32, 0xee);
      ASSERT_TRUE(h->hmac_into(text("Jefe"), parts, out)) << cut;
      EXPECT_EQ(hex_of(out), expected) << "cut at " << cut;
    }
    const ByteView one[] = {text(whole)};
    Bytes short_out(31, 0xee);
    EXPECT_FALSE(h->hmac_into(text("Jefe"), one, short_out));
    EXPECT_EQ(short_out, Bytes(31, 0xee));
  }
}

TEST(OpenSslProviderHash, HmacWithEmptyKeyEqualsZeroKey) {
  Bytes zeros(32, 0);
  Secret a = sha256().hmac({}, text("data"));
  Secret b = sha256().hmac(zeros, text("data"));
  EXPECT_TRUE(a.equals(b.span()));
  EXPECT_EQ(a.size(), 32u);
}

// libcrypto_hmac is OpenSSL's one-shot HMAC-SHA-256, the reference for the provider's.
Bytes libcrypto_hmac(ByteView key, ByteView data) {
  Bytes out(32);
  size_t len = 0;
  static const uint8_t kEmpty = 0;
  EXPECT_NE(
      EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.empty() ? &kEmpty : key.data(),
                key.size(), data.data(), data.size(), out.data(), out.size(), &len),
      nullptr);
  EXPECT_EQ(len, 32u);
  return out;
}

// The per-thread HMAC context remembers its last key and only restarts for the same key again:
// every sequence of keys must still give libcrypto's answers, keys that differ in their last
// byte or only in length included, and so must keys too long to be remembered and HMACs after
// the thread's keys were forgotten.
TEST(OpenSslProviderHash, HmacUnderRepeatedAndAlternatingKeysMatchesLibcrypto) {
  const CryptoProvider& p = openssl_provider();
  Bytes a(48, 0x11);
  Bytes b = a;
  b.back() = 0x12;
  Bytes a_longer = a;
  a_longer.push_back(0x11);
  Bytes huge(600, 0x33);
  Bytes huge2 = huge;
  huge2.back() = 0x34;
  const std::vector<std::pair<const Bytes*, std::string_view>> steps = {
      {&a, "one"}, {&a, "two"},   {&b, "three"}, {&a, "four"},  {&a_longer, "five"},
      {&a, "six"}, {&huge, "7"},  {&huge, "8"},  {&huge2, "9"}, {&huge, "10"},
      {&a, "11"},  {nullptr, ""}, {&a, "12"},    {&a, "13"},    {&b, "14"},
  };
  for (size_t i = 0; i < steps.size(); i++) {
    if (steps[i].first == nullptr) {
      ASSERT_NE(p.forget_thread_secrets, nullptr);
      p.forget_thread_secrets();
      continue;
    }
    const Bytes& key = *steps[i].first;
    Secret mac = p.sha256->hmac(key, text(steps[i].second));
    EXPECT_EQ(hex_of(mac.span()), hex_of(libcrypto_hmac(key, text(steps[i].second))))
        << "step " << i;
  }
  // HKDF-Expand keys the same context: after an HMAC under the same key it still matches
  // HMAC(PRK, info | 0x01) for a one-block output.
  Result<Secret> okm = p.sha256->hkdf_expand(a, text("info"), 32);
  ASSERT_TRUE(okm.ok());
  Bytes in = Bytes(text("info").begin(), text("info").end());
  in.push_back(0x01);
  EXPECT_EQ(hex_of(okm->span()), hex_of(libcrypto_hmac(a, in)));
  EXPECT_EQ(hex_of(p.sha256->hmac(a, text("after")).span()),
            hex_of(libcrypto_hmac(a, text("after"))));
}

struct HkdfCase {
  const char* name;
  const char* ikm;
  const char* salt;
  const char* info;
  size_t len;
  const char* prk;
  const char* okm;
};

// RFC 5869 appendix A.1 to A.3 (SHA-256).
const HkdfCase kHkdfCases[] = {
    {"A.1", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "000102030405060708090a0b0c",
     "f0f1f2f3f4f5f6f7f8f9", 42, "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
     "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"},
    {"A.2",
     "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
     "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
     "404142434445464748494a4b4c4d4e4f",
     "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
     "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
     "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
     "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
     "d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef"
     "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
     82, "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
     "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
     "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
     "cc30c58179ec3e87c14c01d5c1f3434f1d87"},
    {"A.3", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "", 42,
     "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
     "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"},
};

TEST(OpenSslProviderHkdf, Rfc5869Sha256Cases) {
  for (const HkdfCase& c : kHkdfCases) {
    SCOPED_TRACE(c.name);
    Secret prk = sha256().hkdf_extract(hex(c.salt), hex(c.ikm));
    EXPECT_EQ(hex_of(prk.span()), c.prk);
    Result<Secret> okm = sha256().hkdf_expand(prk.span(), hex(c.info), c.len);
    ASSERT_TRUE(okm.ok()) << okm.error().reason;
    EXPECT_EQ(hex_of(okm->span()), c.okm);
  }
}

TEST(OpenSslProviderHkdf, ExpandPrefixesAndLimits) {
  Secret prk = sha256().hkdf_extract({}, text("ikm"));
  Result<Secret> long_okm = sha256().hkdf_expand(prk.span(), text("info"), 100);
  Result<Secret> short_okm = sha256().hkdf_expand(prk.span(), text("info"), 7);
  ASSERT_TRUE(long_okm.ok());
  ASSERT_TRUE(short_okm.ok());
  // HKDF-Expand output of length L is a prefix of any longer output.
  EXPECT_TRUE(short_okm->equals(long_okm->span().first(7)));

  Result<Secret> empty = sha256().hkdf_expand(prk.span(), text("info"), 0);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());

  EXPECT_TRUE(sha256().hkdf_expand(prk.span(), {}, 255 * 32).ok());
  Result<Secret> too_long = sha256().hkdf_expand(prk.span(), {}, 255 * 32 + 1);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().kind, ErrorKind::kInternal);
}

TEST(OpenSslProviderHkdf, Rfc8448EarlySecret) {
  // RFC 8448 section 3: "extract secret \"early\"" with no PSK: HKDF-Extract(0, 32 zero bytes).
  Secret early = sha256().hkdf_extract({}, Bytes(32, 0));
  EXPECT_EQ(hex_of(early.span()),
            "33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a");
}

TEST(OpenSslProviderHkdf, Sha384ExtractUsesHashLengthZeroSalt) {
  const Hash& h = *openssl_provider().sha384;
  Secret prk = h.hkdf_extract({}, text("ikm"));
  EXPECT_EQ(prk.size(), 48u);
  EXPECT_TRUE(prk.equals(h.hmac(Bytes(48, 0), text("ikm")).span()));
  Result<Secret> okm = h.hkdf_expand(prk.span(), text("info"), 48 * 3 + 5);
  ASSERT_TRUE(okm.ok());
  EXPECT_EQ(okm->size(), 48u * 3 + 5);
  // T(1) = HMAC(PRK, info | 0x01).
  Bytes t1_input = {'i', 'n', 'f', 'o', 0x01};
  EXPECT_TRUE(h.hmac(prk.span(), t1_input).equals(okm->span().first(48)));
}

}  // namespace
}  // namespace glasstls::crypto
