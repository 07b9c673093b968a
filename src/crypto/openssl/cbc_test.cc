// cbc_test.cc: the provider's AES-CBC and HMAC for TLS 1.2 CBC records, against libcrypto
// called directly in the test (EVP_aes_*_cbc, HMAC()).
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <vector>

#include "glasstls/crypto.h"

namespace glasstls::crypto {
namespace {

const CryptoProvider& P() { return openssl_provider(); }

// pattern is `n` bytes that differ from block to block.
Bytes pattern(size_t n, uint8_t seed) {
  Bytes b(n);
  for (size_t i = 0; i < n; i++) {
    b[i] = static_cast<uint8_t>(seed + i * 7 + (i >> 4));
  }
  return b;
}

// openssl_cbc is AES-CBC without padding straight from libcrypto.
Bytes openssl_cbc(const EVP_CIPHER* cipher, ByteView key, ByteView iv, ByteView in, int enc) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  Bytes out(in.size() + 16);
  int n = 0;
  int m = 0;
  EXPECT_EQ(EVP_CipherInit_ex(ctx, cipher, nullptr, key.data(), iv.data(), enc), 1);
  EXPECT_EQ(EVP_CIPHER_CTX_set_padding(ctx, 0), 1);
  EXPECT_EQ(EVP_CipherUpdate(ctx, out.data(), &n, in.data(), static_cast<int>(in.size())), 1);
  EXPECT_EQ(EVP_CipherFinal_ex(ctx, out.data() + n, &m), 1);
  EVP_CIPHER_CTX_free(ctx);
  out.resize(static_cast<size_t>(n + m));
  return out;
}

TEST(OpenSslCbc, MatchesLibcryptoInBothDirectionsAndChains) {
  struct Case {
    const CbcCipher* cipher;
    const EVP_CIPHER* reference;
  };
  ASSERT_NE(P().aes128cbc, nullptr);
  ASSERT_NE(P().aes256cbc, nullptr);
  for (const Case& c :
       {Case{P().aes128cbc, EVP_aes_128_cbc()}, Case{P().aes256cbc, EVP_aes_256_cbc()}}) {
    SCOPED_TRACE(c.cipher->key_len());
    EXPECT_EQ(c.cipher->key_len(), static_cast<size_t>(EVP_CIPHER_get_key_length(c.reference)));
    const Bytes key = pattern(c.cipher->key_len(), 1);
    const Bytes iv = pattern(16, 99);
    auto k = c.cipher->new_key(key);
    ASSERT_TRUE(k.ok());
    for (size_t len : {size_t{0}, size_t{16}, size_t{48}, size_t{16384}}) {
      SCOPED_TRACE(len);
      const Bytes plain = pattern(len, 5);
      Bytes ct(len);
      ASSERT_TRUE((*k)->encrypt(iv, plain, ct).ok());
      EXPECT_EQ(ct, openssl_cbc(c.reference, key, iv, plain, 1));
      Bytes back(len);
      ASSERT_TRUE((*k)->decrypt(iv, ct, back).ok());
      EXPECT_EQ(back, plain);
      // In place, in both directions, and again encrypting after decrypting (the key schedule
      // follows the direction).
      Bytes in_place = plain;
      ASSERT_TRUE((*k)->encrypt(iv, in_place, in_place).ok());
      EXPECT_EQ(in_place, ct);
      ASSERT_TRUE((*k)->decrypt(iv, in_place, in_place).ok());
      EXPECT_EQ(in_place, plain);
      if (len >= 32) {
        // Two calls chained through the last ciphertext block make the same bytes as one.
        Bytes two(len);
        ASSERT_TRUE((*k)->encrypt(iv, ByteView(plain).first(16), std::span(two).first(16)).ok());
        ASSERT_TRUE((*k)->encrypt(ByteView(two).first(16), ByteView(plain).subspan(16),
                                  std::span(two).subspan(16))
                        .ok());
        EXPECT_EQ(two, ct);
      }
    }
    // Not whole blocks, a short IV, a wrong output size: internal errors.
    Bytes odd(17);
    Bytes out(17);
    EXPECT_FALSE((*k)->encrypt(iv, odd, out).ok());
    EXPECT_FALSE((*k)->decrypt(iv, odd, out).ok());
    Bytes block(16);
    EXPECT_FALSE((*k)->encrypt(ByteView(iv).first(8), block, block).ok());
    Bytes wrong(32);
    EXPECT_FALSE((*k)->encrypt(iv, block, wrong).ok());
    EXPECT_FALSE(c.cipher->new_key(ByteView(key).first(8)).ok());
  }
}

struct HmacCase {
  const Hmac* hmac;
  const EVP_MD* md;
};

std::vector<HmacCase> hmacs() {
  return {{P().hmac_sha1, EVP_sha1()},
          {P().hmac_sha256, EVP_sha256()},
          {P().hmac_sha384, EVP_sha384()}};
}

Bytes openssl_hmac(const EVP_MD* md, ByteView key, ByteView data) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  EXPECT_NE(HMAC(md, key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(),
                 &len),
            nullptr);
  out.resize(len);
  return out;
}

TEST(OpenSslHmac, MacsSeveralPartsAsLibcryptoMacsTheirConcatenation) {
  for (const HmacCase& c : hmacs()) {
    ASSERT_NE(c.hmac, nullptr);
    SCOPED_TRACE(c.hmac->mac_len());
    EXPECT_EQ(c.hmac->mac_len(), static_cast<size_t>(EVP_MD_get_size(c.md)));
    const Bytes key = pattern(c.hmac->mac_len(), 3);
    auto k = c.hmac->new_key(key);
    ASSERT_TRUE(k.ok());
    EXPECT_EQ((*k)->mac_len(), c.hmac->mac_len());
    const Bytes a = pattern(13, 1);
    const Bytes b = pattern(1000, 2);
    Bytes all = a;
    all.insert(all.end(), b.begin(), b.end());
    // The same key, many MACs: each restarts from the key.
    for (int round = 0; round < 3; round++) {
      const ByteView parts[] = {a, ByteView(), b};
      Bytes out(c.hmac->mac_len());
      ASSERT_TRUE((*k)->mac(parts, out).ok());
      EXPECT_EQ(out, openssl_hmac(c.md, key, all));
    }
    Bytes short_out(c.hmac->mac_len() - 1);
    const ByteView one[] = {a};
    EXPECT_FALSE((*k)->mac(one, short_out).ok());
  }
}

TEST(OpenSslHmac, SecretLengthMacIsTheMacOfThePrefix) {
  for (const HmacCase& c : hmacs()) {
    SCOPED_TRACE(c.hmac->mac_len());
    const Bytes key = pattern(c.hmac->mac_len(), 4);
    auto k = c.hmac->new_key(key);
    ASSERT_TRUE(k.ok());
    const Bytes header = pattern(13, 8);
    // Every length across a range as wide as TLS's padding, on both sides of block boundaries.
    const Bytes data = pattern(300, 9);
    const size_t min_len = data.size() - 256;
    for (size_t len = min_len; len <= data.size(); len++) {
      Bytes expected_input = header;
      expected_input.insert(expected_input.end(), data.begin(), data.begin() + len);
      Bytes out(c.hmac->mac_len());
      ASSERT_TRUE((*k)->mac_secret_length(header, data, len, min_len, out).ok());
      ASSERT_EQ(out, openssl_hmac(c.md, key, expected_input)) << len;
    }
    Bytes out(c.hmac->mac_len());
    EXPECT_FALSE((*k)->mac_secret_length(header, data, data.size() + 1, min_len, out).ok());
    EXPECT_FALSE((*k)->mac_secret_length(header, data, min_len - 1, min_len, out).ok());
  }
}

}  // namespace
}  // namespace glasstls::crypto
