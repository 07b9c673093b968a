// protector_test.cc: Tls13AeadProtector against OpenSSL's AES-GCM, and its opening rules.
#include "record/protector.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstring>
#include <limits>

namespace glasstls::record {
namespace {

const crypto::CryptoProvider& P() { return crypto::openssl_provider(); }

constexpr uint8_t kKey[16] = {0x17, 0x42, 0x2d, 0xda, 0x59, 0x6e, 0xd5, 0xd9,
                              0xac, 0xd8, 0x90, 0xe3, 0xc6, 0x3f, 0x50, 0x51};
constexpr uint8_t kIv[12] = {0x5b, 0x78, 0x92, 0x3d, 0xee, 0x08,
                             0x57, 0x90, 0x33, 0xe5, 0x23, 0xd9};

Protection protection(const char* label = "server handshake", bool application = false) {
  Protection p;
  p.aead = P().aes128gcm;
  p.key = std::move(p.aead->new_key(ByteView(kKey, 16))).value();
  std::memcpy(p.iv, kIv, 12);
  p.label = label;
  p.application = application;
  return p;
}

// openssl_seal is AES-128-GCM straight from libcrypto: the answer glasstls must match.
Bytes openssl_seal(ByteView nonce, ByteView aad, ByteView plaintext, Bytes& tag) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  Bytes out(plaintext.size());
  int n = 0;
  EXPECT_EQ(EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), nullptr, kKey, nonce.data()), 1);
  EXPECT_EQ(EVP_EncryptUpdate(ctx, nullptr, &n, aad.data(), static_cast<int>(aad.size())), 1);
  EXPECT_EQ(
      EVP_EncryptUpdate(ctx, out.data(), &n, plaintext.data(), static_cast<int>(plaintext.size())),
      1);
  EXPECT_EQ(EVP_EncryptFinal_ex(ctx, out.data() + n, &n), 1);
  tag.resize(16);
  EXPECT_EQ(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag.data()), 1);
  EVP_CIPHER_CTX_free(ctx);
  return out;
}

Bytes expected_nonce(uint64_t seq) {
  Bytes n(kIv, kIv + 12);
  for (int i = 0; i < 8; i++) {
    n[11 - i] ^= static_cast<uint8_t>(seq >> (8 * i));
  }
  return n;
}

// sealed_by_openssl builds the TLS 1.3 record of `inner` (a whole TLSInnerPlaintext) at `seq`.
Bytes sealed_by_openssl(ByteView inner, uint64_t seq) {
  const size_t len = inner.size() + 16;
  Bytes rec = {23, 3, 3, static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len)};
  Bytes tag;
  Bytes ct = openssl_seal(expected_nonce(seq), ByteView(rec.data(), 5), inner, tag);
  rec.insert(rec.end(), ct.begin(), ct.end());
  rec.insert(rec.end(), tag.begin(), tag.end());
  return rec;
}

TEST(Tls13AeadProtector, SealsAsRfc8446SaysWithOpenSslsAesGcm) {
  Tls13AeadProtector p(protection());
  EXPECT_EQ(p.overhead(), 17u);
  EXPECT_EQ(p.min_body(), 17u);
  const Bytes content = {1, 2, 3, 4, 5, 6, 7};
  for (uint64_t seq : {uint64_t{0}, uint64_t{1}, uint64_t{0x0102030405060708}}) {
    SCOPED_TRACE(seq);
    Bytes record(kHeaderLen + content.size() + p.overhead());
    ASSERT_TRUE(p.seal(ContentType::handshake, content, seq, record).ok());
    Bytes inner = content;
    inner.push_back(static_cast<uint8_t>(ContentType::handshake));
    EXPECT_EQ(record, sealed_by_openssl(inner, seq));
    EXPECT_EQ(p.nonce_for_trace(seq), expected_nonce(seq));
  }
  Bytes wrong(kHeaderLen + content.size());
  EXPECT_FALSE(p.seal(ContentType::handshake, content, 0, wrong).ok());
}

TEST(Tls13AeadProtector, OpensInPlaceAndIntoADestinationAndStripsPadding) {
  Tls13AeadProtector p(protection());
  const Bytes inner = {'h', 'i', static_cast<uint8_t>(ContentType::alert), 0, 0, 0};
  const Bytes rec = sealed_by_openssl(inner, 5);

  Bytes dest(rec.size());
  OpenedRecord out;
  ASSERT_TRUE(p.open(rec, 5, dest, kMaxPlaintext, out).ok());
  EXPECT_TRUE(out.authentic);
  EXPECT_EQ(out.type, ContentType::alert);
  EXPECT_EQ(Bytes(out.content.begin(), out.content.end()), (Bytes{'h', 'i'}));
  EXPECT_EQ(out.content.data(), dest.data());
  EXPECT_EQ(out.padding, 3u);

  Bytes in_place = rec;
  OpenedRecord again;
  std::span<uint8_t> body(in_place.data() + kHeaderLen, in_place.size() - kHeaderLen);
  ASSERT_TRUE(p.open(in_place, 5, body, kMaxPlaintext, again).ok());
  EXPECT_EQ(again.content.data(), in_place.data() + kHeaderLen);
  EXPECT_EQ(Bytes(again.content.begin(), again.content.end()), (Bytes{'h', 'i'}));

  // Under another sequence number the nonce differs: not authentic, and not an error.
  OpenedRecord wrong_seq;
  ASSERT_TRUE(p.open(rec, 6, dest, kMaxPlaintext, wrong_seq).ok());
  EXPECT_FALSE(wrong_seq.authentic);

  Bytes small(inner.size() - 1);
  OpenedRecord too_small;
  Status st = p.open(rec, 5, small, kMaxPlaintext, too_small);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().alert, AlertDescription::internal_error);
}

TEST(Tls13AeadProtector, RejectsAuthenticRecordsWithBadInnerPlaintexts) {
  struct Case {
    Bytes inner;
    size_t max_plaintext;
    AlertDescription alert;
  };
  const Case cases[] = {
      {{0, 0, 0}, kMaxPlaintext, AlertDescription::unexpected_message},  // all padding
      {{1, 20}, kMaxPlaintext, AlertDescription::unexpected_message},    // change_cipher_spec
      {{1, 99}, kMaxPlaintext, AlertDescription::unexpected_message},    // unknown type
      {{22}, kMaxPlaintext, AlertDescription::unexpected_message},       // empty handshake
      {{1, 2, 3, 4, 22}, 3, AlertDescription::record_overflow},          // 5 > 3 + 1
  };
  Tls13AeadProtector p(protection());
  for (const Case& c : cases) {
    SCOPED_TRACE(to_hex(c.inner));
    Bytes rec = sealed_by_openssl(c.inner, 0);
    Bytes dest(rec.size());
    OpenedRecord out;
    Status st = p.open(rec, 0, dest, c.max_plaintext, out);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().alert, c.alert);
    EXPECT_TRUE(out.authentic);
    EXPECT_EQ(Bytes(out.plaintext.begin(), out.plaintext.end()), c.inner);
  }
  // An empty application_data record is allowed, and exactly max_plaintext + 1 fits.
  for (const Bytes& inner : {Bytes{23}, Bytes{1, 2, 3, 22}}) {
    Bytes rec = sealed_by_openssl(inner, 0);
    Bytes dest(rec.size());
    OpenedRecord out;
    EXPECT_TRUE(p.open(rec, 0, dest, 3, out).ok());
    EXPECT_EQ(out.content.size(), inner.size() - 1);
  }
}

TEST(Tls13AeadProtector, KeepsTheKeysLabelsAndLimit) {
  Protection prot = protection("client application", true);
  prot.trace_key = Secret(ByteView(kKey, 16));
  Tls13AeadProtector p(std::move(prot));
  EXPECT_STREQ(p.label(), "client application");
  EXPECT_TRUE(p.application());
  EXPECT_EQ(Bytes(p.trace_key().span().begin(), p.trace_key().span().end()),
            Bytes(kKey, kKey + 16));
  // RFC 8446 section 5.5: AES-GCM keys are updated before 2^24.5 records.
  EXPECT_LE(p.key_usage_limit(), uint64_t{23726566});
  EXPECT_GT(p.key_usage_limit(), uint64_t{1} << 20);
  Tls13AeadProtector plain(protection());
  EXPECT_FALSE(plain.application());
  EXPECT_TRUE(plain.trace_key().empty());
}

TEST(RecordLimits, Tls13) {
  EXPECT_EQ(kTls13Limits.max_plaintext, 16384u);
  EXPECT_EQ(kTls13Limits.max_ciphertext(), 16384u + 256u);
  EXPECT_EQ(limit_text(16384), "2^14");
  EXPECT_EQ(limit_text(512), "512");
}

}  // namespace
}  // namespace glasstls::record
