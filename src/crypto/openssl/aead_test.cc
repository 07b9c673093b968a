// aead_test.cc: AES-GCM and ChaCha20-Poly1305 of the OpenSSL provider against published vectors.
#include <gtest/gtest.h>

#include <algorithm>
#include <string_view>

#include "base/bytes.h"
#include "glasstls/crypto.h"
#include "testing/hex.h"

namespace glasstls::crypto {
namespace {

using glasstls::testing::hex;

ByteView text(std::string_view s) {
  return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

struct AeadVector {
  const char* name;
  const Aead* aead;
  Bytes key;
  Bytes nonce;
  Bytes aad;
  Bytes plaintext;
  Bytes ciphertext;
  Bytes tag;
};

// McGrew and Viega, "The Galois/Counter Mode of Operation (GCM)", test cases 3 and 4 (96-bit
// IV), and RFC 8439 section 2.8.2.
std::vector<AeadVector> vectors() {
  const CryptoProvider& p = openssl_provider();
  const Bytes gcm_key = hex("feffe9928665731c6d6a8f9467308308");
  const Bytes gcm_iv = hex("cafebabefacedbaddecaf888");
  const Bytes gcm_p =
      hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
          "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255");
  const Bytes gcm_c =
      hex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
          "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985");
  const std::string_view chacha_text =
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
      "future, sunscreen would be it.";
  const ByteView chacha_pt = text(chacha_text);
  // clang-format off
  return {
      {"GCM test case 3", p.aes128gcm, gcm_key, gcm_iv, {}, gcm_p, gcm_c,
       hex("4d5c2af327cd64a62cf35abd2ba6fab4")},
      {"GCM test case 4", p.aes128gcm, gcm_key, gcm_iv,
       hex("feedfacedeadbeeffeedfacedeadbeefabaddad2"), Bytes(gcm_p.begin(), gcm_p.end() - 4),
       Bytes(gcm_c.begin(), gcm_c.end() - 4), hex("5bc94fbc3221a5db94fae95ae7121a47")},
      {"RFC 8439 2.8.2", p.chacha20poly1305,
       hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"),
       hex("070000004041424344454647"), hex("50515253c0c1c2c3c4c5c6c7"),
       Bytes(chacha_pt.begin(), chacha_pt.end()),
       hex("d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
           "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
           "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
           "3ff4def08e4b7a9de576d26586cec64b6116"),
       hex("1ae10b594f09e26a7e902ecbd0600691")},
  };
  // clang-format on
}

TEST(OpenSslProviderAead, KnownAnswerSealAndOpen) {
  for (const AeadVector& v : vectors()) {
    SCOPED_TRACE(v.name);
    ASSERT_NE(v.aead, nullptr);
    EXPECT_EQ(v.aead->key_len(), v.key.size());
    EXPECT_EQ(v.aead->nonce_len(), 12u);
    EXPECT_EQ(v.aead->tag_len(), 16u);
    Result<std::unique_ptr<AeadKey>> key = v.aead->new_key(v.key);
    ASSERT_TRUE(key.ok()) << key.error().reason;

    // Twice with the same key object: the second record re-initialises only the nonce.
    for (int round = 0; round < 2; round++) {
      Bytes buf = v.plaintext;
      Bytes tag(16);
      ASSERT_TRUE((*key)->seal(v.nonce, v.aad, buf, tag).ok());
      EXPECT_EQ(to_hex(buf), to_hex(v.ciphertext));
      EXPECT_EQ(to_hex(tag), to_hex(v.tag));

      ASSERT_TRUE((*key)->open(v.nonce, v.aad, buf, tag).ok());
      EXPECT_EQ(buf, v.plaintext);
    }
  }
}

TEST(OpenSslProviderAead, TamperingFailsWithBadRecordMac) {
  for (const AeadVector& v : vectors()) {
    SCOPED_TRACE(v.name);
    Result<std::unique_ptr<AeadKey>> key = v.aead->new_key(v.key);
    ASSERT_TRUE(key.ok());
    auto expect_bad = [&](Bytes ct, Bytes aad, Bytes tag, Bytes nonce) {
      Status s = (*key)->open(nonce, aad, ct, tag);
      ASSERT_FALSE(s.ok());
      EXPECT_EQ(s.error().alert, AlertDescription::bad_record_mac);
      EXPECT_EQ(s.error().kind, ErrorKind::kPeerMisbehaved);
    };
    Bytes ct = v.ciphertext;
    ct[5] ^= 0x01;
    expect_bad(ct, v.aad, v.tag, v.nonce);
    Bytes tag = v.tag;
    tag[15] ^= 0x80;
    expect_bad(v.ciphertext, v.aad, tag, v.nonce);
    Bytes aad = v.aad;
    aad.push_back(0);
    expect_bad(v.ciphertext, aad, v.tag, v.nonce);
    Bytes nonce = v.nonce;
    nonce[11] ^= 0x01;
    expect_bad(v.ciphertext, v.aad, v.tag, nonce);
    expect_bad(v.ciphertext, v.aad, Bytes(v.tag.begin(), v.tag.end() - 1), v.nonce);

    // After failures the key still opens the genuine record.
    Bytes good = v.ciphertext;
    ASSERT_TRUE((*key)->open(v.nonce, v.aad, good, v.tag).ok());
    EXPECT_EQ(good, v.plaintext);
  }
}

TEST(OpenSslProviderAead, RoundTripsEveryAeadIncludingEmptyPlaintext) {
  const CryptoProvider& p = openssl_provider();
  for (const Aead* aead : {p.aes128gcm, p.aes256gcm, p.chacha20poly1305}) {
    ASSERT_NE(aead, nullptr);
    SCOPED_TRACE(static_cast<int>(aead->id()));
    Bytes key_bytes(aead->key_len(), 0x42);
    Result<std::unique_ptr<AeadKey>> sealer = aead->new_key(key_bytes);
    Result<std::unique_ptr<AeadKey>> opener = aead->new_key(key_bytes);
    ASSERT_TRUE(sealer.ok());
    ASSERT_TRUE(opener.ok());
    const Bytes nonce(12, 0x07);
    for (size_t len : {size_t{0}, size_t{1}, size_t{16}, size_t{16385}}) {
      Bytes plain(len);
      for (size_t i = 0; i < len; i++) {
        plain[i] = static_cast<uint8_t>(i * 7);
      }
      Bytes buf = plain;
      Bytes tag(16);
      ASSERT_TRUE((*sealer)->seal(nonce, text("header"), buf, tag).ok());
      if (len > 0) {
        EXPECT_NE(buf, plain);
      }
      ASSERT_TRUE((*opener)->open(nonce, text("header"), buf, tag).ok());
      EXPECT_EQ(buf, plain);
    }
  }
  EXPECT_EQ(p.aes256gcm->key_len(), 32u);
  EXPECT_EQ(p.chacha20poly1305->id(), AeadId::kChaCha20Poly1305);
}

TEST(OpenSslProviderAead, OutOfPlaceMatchesKnownAnswers) {
  for (const AeadVector& v : vectors()) {
    SCOPED_TRACE(v.name);
    Result<std::unique_ptr<AeadKey>> key = v.aead->new_key(v.key);
    ASSERT_TRUE(key.ok());
    // open_into a separate buffer leaves the ciphertext as it was.
    Bytes out(v.ciphertext.size(), 0xee);
    ASSERT_TRUE((*key)->open_into(v.nonce, v.aad, v.ciphertext, out, v.tag).ok());
    EXPECT_EQ(out, v.plaintext);
    // open_into with `out` the ciphertext itself is the in-place open.
    Bytes buf = v.ciphertext;
    ASSERT_TRUE((*key)->open_into(v.nonce, v.aad, buf, buf, v.tag).ok());
    EXPECT_EQ(buf, v.plaintext);
    // seal_record of all but the last plaintext byte, with that byte as the type, is the
    // published ciphertext; the content is only read.
    const Bytes content(v.plaintext.begin(), v.plaintext.end() - 1);
    const Bytes content_copy = content;
    Bytes sealed(v.plaintext.size(), 0xee);
    Bytes tag(16);
    ASSERT_TRUE((*key)->seal_record(v.nonce, v.aad, content, v.plaintext.back(), sealed, tag).ok());
    EXPECT_EQ(to_hex(sealed), to_hex(v.ciphertext));
    EXPECT_EQ(to_hex(tag), to_hex(v.tag));
    EXPECT_EQ(content, content_copy);
    // seal_record in place: `out` starts with the content.
    Bytes in_place = content;
    in_place.push_back(0);
    ASSERT_TRUE((*key)
                    ->seal_record(v.nonce, v.aad, ByteView(in_place).first(content.size()),
                                  v.plaintext.back(), in_place, tag)
                    .ok());
    EXPECT_EQ(to_hex(in_place), to_hex(v.ciphertext));
    EXPECT_EQ(to_hex(tag), to_hex(v.tag));
  }
}

TEST(OpenSslProviderAead, OutOfPlaceRoundTripsAndMatchesInPlace) {
  const CryptoProvider& p = openssl_provider();
  for (const Aead* aead : {p.aes128gcm, p.aes256gcm, p.chacha20poly1305}) {
    SCOPED_TRACE(static_cast<int>(aead->id()));
    Bytes key_bytes(aead->key_len(), 0x24);
    Result<std::unique_ptr<AeadKey>> key = aead->new_key(key_bytes);
    ASSERT_TRUE(key.ok());
    const Bytes nonce(12, 0x09);
    const Bytes aad = {23, 3, 3, 0x40, 0x11};
    // Lengths around the block size and the largest TLS record content.
    for (size_t len : {size_t{0}, size_t{15}, size_t{16}, size_t{17}, size_t{16384}}) {
      SCOPED_TRACE(len);
      Bytes content(len);
      for (size_t i = 0; i < len; i++) {
        content[i] = static_cast<uint8_t>(i * 13 + 5);
      }
      // The in-place seal of content || type is the reference.
      Bytes reference = content;
      reference.push_back(23);
      Bytes reference_tag(16);
      ASSERT_TRUE((*key)->seal(nonce, aad, reference, reference_tag).ok());

      Bytes sealed(len + 1);
      Bytes tag(16);
      ASSERT_TRUE((*key)->seal_record(nonce, aad, content, 23, sealed, tag).ok());
      EXPECT_EQ(sealed, reference);
      EXPECT_EQ(tag, reference_tag);

      Bytes opened(len + 1);
      ASSERT_TRUE((*key)->open_into(nonce, aad, sealed, opened, tag).ok());
      EXPECT_EQ(ByteView(opened).first(len).size(), content.size());
      EXPECT_TRUE(std::equal(content.begin(), content.end(), opened.begin()));
      EXPECT_EQ(opened.back(), 23);
    }
  }
}

TEST(OpenSslProviderAead, OutOfPlaceTamperingFailsWithBadRecordMac) {
  for (const AeadVector& v : vectors()) {
    SCOPED_TRACE(v.name);
    Result<std::unique_ptr<AeadKey>> key = v.aead->new_key(v.key);
    ASSERT_TRUE(key.ok());
    Bytes out(v.ciphertext.size());
    Bytes tag = v.tag;
    tag[0] ^= 0x01;
    Status s = (*key)->open_into(v.nonce, v.aad, v.ciphertext, out, tag);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().alert, AlertDescription::bad_record_mac);
    EXPECT_EQ(s.error().kind, ErrorKind::kPeerMisbehaved);
    Bytes ct = v.ciphertext;
    ct.back() ^= 0x40;
    s = (*key)->open_into(v.nonce, v.aad, ct, ct, v.tag);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().alert, AlertDescription::bad_record_mac);
    // The genuine record still opens afterwards.
    ASSERT_TRUE((*key)->open_into(v.nonce, v.aad, v.ciphertext, out, v.tag).ok());
    EXPECT_EQ(out, v.plaintext);
  }
}

TEST(OpenSslProviderAead, OutOfPlaceRejectsWrongOutputSizes) {
  Result<std::unique_ptr<AeadKey>> key = openssl_provider().aes128gcm->new_key(Bytes(16));
  ASSERT_TRUE(key.ok());
  const Bytes nonce(12);
  const Bytes content(4);
  Bytes tag(16);
  Bytes same_size(4);
  Status s = (*key)->seal_record(nonce, {}, content, 23, same_size, tag);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::kInternal);
  Bytes sealed(5);
  ASSERT_TRUE((*key)->seal_record(nonce, {}, content, 23, sealed, tag).ok());
  Bytes short_out(4);
  s = (*key)->open_into(nonce, {}, sealed, short_out, tag);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::kInternal);
}

TEST(OpenSslProviderAead, RejectsBadKeyAndNonceLengths) {
  const Aead& aead = *openssl_provider().aes128gcm;
  Result<std::unique_ptr<AeadKey>> short_key = aead.new_key(Bytes(15));
  ASSERT_FALSE(short_key.ok());
  EXPECT_EQ(short_key.error().kind, ErrorKind::kInternal);

  Result<std::unique_ptr<AeadKey>> key = aead.new_key(Bytes(16));
  ASSERT_TRUE(key.ok());
  Bytes buf(4);
  Bytes tag(16);
  EXPECT_FALSE((*key)->seal(Bytes(8), {}, buf, tag).ok());
  Bytes short_tag(8);
  EXPECT_FALSE((*key)->seal(Bytes(12), {}, buf, short_tag).ok());
}

}  // namespace
}  // namespace glasstls::crypto
