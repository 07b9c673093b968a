#include "record/record_layer.h"

#include <gtest/gtest.h>

#include <cstring>

namespace glasstls::record {
namespace {

const crypto::CryptoProvider& P() { return crypto::openssl_provider(); }

Protection make(uint8_t seed) {
  Protection p;
  p.aead = P().aes128gcm;
  Bytes key(16, seed);
  p.key = std::move(p.aead->new_key(key)).value();
  std::memset(p.iv, seed + 1, sizeof(p.iv));
  return p;
}

// seal_raw builds a protected record around an arbitrary TLSInnerPlaintext, so tests can make
// inner plaintexts the writer would never produce.
Bytes seal_raw(Protection& p, Bytes inner) {
  size_t len = inner.size() + kTagLen;
  Bytes rec(5 + len);
  rec[0] = 23;
  rec[1] = 3;
  rec[2] = 3;
  rec[3] = static_cast<uint8_t>(len >> 8);
  rec[4] = static_cast<uint8_t>(len);
  std::copy(inner.begin(), inner.end(), rec.begin() + 5);
  uint8_t nonce[12];
  p.nonce(nonce);
  EXPECT_TRUE(p.key->seal(ByteView(nonce, 12), ByteView(rec.data(), 5),
                          std::span<uint8_t>(rec.data() + 5, inner.size()),
                          std::span<uint8_t>(rec.data() + 5 + inner.size(), kTagLen))
                  .ok());
  p.seq++;
  return rec;
}

TEST(RecordLayer, NonceIsIvXorSequence) {
  Protection p = make(1);
  p.seq = 0x0102030405060708;
  uint8_t n[12];
  p.nonce(n);
  EXPECT_EQ(n[0], 2);
  EXPECT_EQ(n[3], 2);
  EXPECT_EQ(n[4], 2 ^ 0x01);
  EXPECT_EQ(n[11], 2 ^ 0x08);
}

TEST(RecordLayer, LargeWritesAreFragmentedAtTwoToTheFourteen) {
  RecordLayer w;
  w.set_write_protection(make(3));
  Bytes data(3 * kMaxPlaintext + 100, 0x5a);
  Bytes out;
  ASSERT_TRUE(w.write(ContentType::application_data, data, out).ok());
  EXPECT_EQ(w.write_seq(), 4u);
  RecordLayer r;
  r.set_read_protection(make(3));
  size_t off = 0;
  Bytes back;
  int records = 0;
  while (off < out.size()) {
    Record rec;
    auto used = r.read_record(std::span<uint8_t>(out).subspan(off), rec, false);
    ASSERT_TRUE(used.ok());
    ASSERT_GT(*used, 0u);
    EXPECT_LE(rec.fragment.size(), kMaxPlaintext);
    back.insert(back.end(), rec.fragment.begin(), rec.fragment.end());
    off += *used;
    records++;
  }
  EXPECT_EQ(records, 4);
  EXPECT_EQ(back, data);
}

TEST(RecordLayer, PartialRecordNeedsMoreBytes) {
  RecordLayer w;
  Bytes out;
  ASSERT_TRUE(w.write(ContentType::handshake, Bytes{1, 2, 3}, out).ok());
  RecordLayer r;
  for (size_t n = 0; n < out.size(); n++) {
    Record rec;
    auto used = r.read_record(std::span<uint8_t>(out).first(n), rec, false);
    ASSERT_TRUE(used.ok());
    EXPECT_EQ(*used, 0u) << n;
  }
}

TEST(RecordLayer, ZeroPaddingIsStripped) {
  Protection seal = make(4);
  Bytes inner = {'h', 'i', 23, 0, 0, 0, 0, 0, 0, 0};
  Bytes rec = seal_raw(seal, inner);
  RecordLayer r;
  r.set_read_protection(make(4));
  Record out;
  auto used = r.read_record(rec, out, false);
  ASSERT_TRUE(used.ok());
  EXPECT_EQ(out.type, ContentType::application_data);
  EXPECT_EQ(Bytes(out.fragment.begin(), out.fragment.end()), (Bytes{'h', 'i'}));
}

TEST(RecordLayer, AllPaddingIsUnexpectedMessage) {
  Protection seal = make(5);
  Bytes rec = seal_raw(seal, Bytes(20, 0));
  RecordLayer r;
  r.set_read_protection(make(5));
  Record out;
  auto used = r.read_record(rec, out, false);
  ASSERT_FALSE(used.ok());
  EXPECT_EQ(used.error().alert, AlertDescription::unexpected_message);
}

TEST(RecordLayer, OversizedInnerPlaintextIsRecordOverflow) {
  Protection seal = make(6);
  Bytes inner(kMaxPlaintext + 1, 'x');
  inner.push_back(23);
  Bytes rec = seal_raw(seal, inner);
  RecordLayer r;
  r.set_read_protection(make(6));
  Record out;
  auto used = r.read_record(rec, out, false);
  ASSERT_FALSE(used.ok());
  EXPECT_EQ(used.error().alert, AlertDescription::record_overflow);
}

TEST(RecordLayer, MaxSizeWithPaddingIsAccepted) {
  // 2^14 bytes of content, the type byte and padding up to the 2^14+256 ciphertext limit.
  Protection seal = make(7);
  Bytes inner(kMaxPlaintext, 'x');
  inner.push_back(23);
  inner.resize(kMaxCiphertext - kTagLen, 0);
  Bytes rec = seal_raw(seal, inner);
  RecordLayer r;
  r.set_read_protection(make(7));
  Record out;
  auto used = r.read_record(rec, out, false);
  ASSERT_TRUE(used.ok()) << used.error().to_string();
  EXPECT_EQ(out.fragment.size(), kMaxPlaintext);
}

TEST(RecordLayer, ProtectedChangeCipherSpecIsUnexpectedMessage) {
  Protection seal = make(8);
  Bytes rec = seal_raw(seal, Bytes{1, 20});
  RecordLayer r;
  r.set_read_protection(make(8));
  Record out;
  auto used = r.read_record(rec, out, false);
  ASSERT_FALSE(used.ok());
  EXPECT_EQ(used.error().alert, AlertDescription::unexpected_message);
}

TEST(RecordLayer, PlaintextHandshakeAfterKeysIsUnexpectedMessage) {
  RecordLayer r;
  r.set_read_protection(make(9));
  Bytes rec = {22, 3, 3, 0, 1, 1};
  Record out;
  auto used = r.read_record(rec, out, false);
  ASSERT_FALSE(used.ok());
  EXPECT_EQ(used.error().alert, AlertDescription::unexpected_message);
}

TEST(RecordLayer, PlainAlertAllowedOnlyWhenAsked) {
  RecordLayer r;
  r.set_read_protection(make(10));
  Bytes rec = {21, 3, 3, 0, 2, 2, 40};
  Record out;
  EXPECT_FALSE(r.read_record(rec, out, false).ok());
  auto used = r.read_record(rec, out, true);
  ASSERT_TRUE(used.ok());
  EXPECT_EQ(out.type, ContentType::alert);
}

TEST(RecordLayer, ReplayedRecordFailsAuthentication) {
  RecordLayer w;
  w.set_write_protection(make(11));
  Bytes out;
  ASSERT_TRUE(w.write(ContentType::application_data, Bytes{1, 2, 3}, out).ok());
  Bytes copy = out;
  RecordLayer r;
  r.set_read_protection(make(11));
  Record rec;
  ASSERT_TRUE(r.read_record(out, rec, false).ok());
  // The same record again is sealed under sequence 0, but the reader expects 1.
  auto again = r.read_record(copy, rec, false);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().alert, AlertDescription::bad_record_mac);
}

TEST(RecordLayer, KeyUsageLimitIsReported) {
  RecordLayer w;
  Protection p = make(12);
  p.seq = key_usage_limit(crypto::AeadId::kAes128Gcm) - 1;
  w.set_write_protection(std::move(p));
  EXPECT_FALSE(w.write_key_exhausted());
  Bytes out;
  ASSERT_TRUE(w.write(ContentType::application_data, Bytes{1}, out).ok());
  EXPECT_TRUE(w.write_key_exhausted());
  EXPECT_GT(key_usage_limit(crypto::AeadId::kChaCha20Poly1305),
            key_usage_limit(crypto::AeadId::kAes256Gcm));
}

TEST(RecordLayer, InitialClientHelloMayUseLegacyVersion0301) {
  RecordLayer w;
  Bytes out;
  ASSERT_TRUE(w.write(ContentType::handshake, Bytes{1, 0, 0, 0}, out, 0x0301).ok());
  EXPECT_EQ(out[1], 3);
  EXPECT_EQ(out[2], 1);
}

}  // namespace
}  // namespace glasstls::record
