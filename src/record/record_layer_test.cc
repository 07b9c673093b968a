#include "record/record_layer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace glasstls::record {
namespace {

const crypto::CryptoProvider& P() { return crypto::openssl_provider(); }

Protection make(uint8_t seed) {
  Protection p;
  p.aead = P().aes128gcm;
  Bytes key(16, seed);
  p.key = std::move(p.aead->new_key(key)).value();
  std::memset(p.iv, seed + 1, sizeof(p.iv));
  p.application = true;
  return p;
}

// seal_raw builds a protected record around an arbitrary TLSInnerPlaintext, so tests can make
// inner plaintexts the writer would never produce (and, with `outer`, outer content types).
Bytes seal_raw(Protection& p, Bytes inner, uint8_t outer = 23) {
  size_t len = inner.size() + kTagLen;
  Bytes rec(5 + len);
  rec[0] = outer;
  rec[1] = 3;
  rec[2] = 3;
  rec[3] = static_cast<uint8_t>(len >> 8);
  rec[4] = static_cast<uint8_t>(len);
  std::copy(inner.begin(), inner.end(), rec.begin() + 5);
  uint8_t nonce[12];
  p.nonce(nonce);
  EXPECT_TRUE(p.key
                  ->seal(ByteView(nonce, 12), ByteView(rec.data(), 5),
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
    auto used = r.read_record(std::span<uint8_t>(out).subspan(off), rec);
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
    auto used = r.read_record(std::span<uint8_t>(out).first(n), rec);
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
  auto used = r.read_record(rec, out);
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
  auto used = r.read_record(rec, out);
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
  auto used = r.read_record(rec, out);
  ASSERT_FALSE(used.ok());
  EXPECT_EQ(used.error().alert, AlertDescription::record_overflow);
}

// RFC 8446 section 5.4: "the full encoded TLSInnerPlaintext MUST NOT exceed 2^14 + 1 octets",
// padding included (issue 9 item 10: the limit used to be checked after padding removal).
TEST(RecordLayer, InnerPlaintextLimitCountsThePadding) {
  struct Case {
    size_t content;
    size_t padding;
    bool ok;
  };
  for (Case c : {Case{kMaxPlaintext, 0, true}, Case{100, kMaxPlaintext - 100, true},
                 Case{kMaxPlaintext, 1, false}, Case{kMaxPlaintext, 255, false},
                 Case{0, kMaxPlaintext + 1, false}}) {
    Protection seal = make(7);
    Bytes inner(c.content, 'x');
    inner.push_back(23);
    inner.resize(inner.size() + c.padding, 0);
    Bytes rec = seal_raw(seal, inner);
    RecordLayer r;
    r.set_read_protection(make(7));
    Record out;
    auto used = r.read_record(rec, out);
    if (c.ok) {
      ASSERT_TRUE(used.ok()) << used.error().to_string();
      EXPECT_EQ(out.fragment.size(), c.content);
    } else {
      ASSERT_FALSE(used.ok()) << c.content << " + " << c.padding;
      EXPECT_EQ(used.error().alert, AlertDescription::record_overflow);
    }
  }
}

TEST(RecordLayer, ProtectedChangeCipherSpecIsUnexpectedMessage) {
  Protection seal = make(8);
  Bytes rec = seal_raw(seal, Bytes{1, 20});
  RecordLayer r;
  r.set_read_protection(make(8));
  Record out;
  auto used = r.read_record(rec, out);
  ASSERT_FALSE(used.ok());
  EXPECT_EQ(used.error().alert, AlertDescription::unexpected_message);
}

TEST(RecordLayer, PlaintextHandshakeAfterKeysIsUnexpectedMessage) {
  RecordLayer r;
  r.set_read_protection(make(9));
  Bytes rec = {22, 3, 3, 0, 1, 1};
  Record out;
  auto used = r.read_record(rec, out);
  ASSERT_FALSE(used.ok());
  EXPECT_EQ(used.error().alert, AlertDescription::unexpected_message);
}

// Issue 9 item 10: once handshake keys are in use, an unprotected alert (or handshake record)
// is refused; only change_cipher_spec may still come in the clear.
TEST(RecordLayer, UnprotectedRecordsOtherThanCcsRefusedOnceKeysAreInUse) {
  RecordLayer r;
  r.set_read_protection(make(10));
  for (Bytes rec : {Bytes{21, 3, 3, 0, 2, 2, 40}, Bytes{22, 3, 3, 0, 4, 24, 0, 0, 0}}) {
    Record out;
    auto used = r.read_record(rec, out);
    ASSERT_FALSE(used.ok());
    EXPECT_EQ(used.error().alert, AlertDescription::unexpected_message);
  }
  Bytes ccs = {20, 3, 3, 0, 1, 1};
  Record out;
  auto used = r.read_record(ccs, out);
  ASSERT_TRUE(used.ok());
  EXPECT_EQ(out.type, ContentType::change_cipher_spec);
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
  ASSERT_TRUE(r.read_record(out, rec).ok());
  // The same record again is sealed under sequence 0, but the reader expects 1.
  auto again = r.read_record(copy, rec);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().alert, AlertDescription::bad_record_mac);
}

// Issue 9 item 1, defence in depth: the layer itself refuses to frame application data in the
// clear or under a handshake key, whatever the caller asks.
TEST(RecordLayer, ApplicationDataOnlyUnderApplicationKeys) {
  const Bytes data = {'s', 'e', 'c', 'r', 'e', 't'};
  RecordLayer plain;
  Bytes out;
  Status s = plain.write(ContentType::application_data, data, out);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().reason.find("without protection"), std::string::npos);
  EXPECT_TRUE(out.empty());
  Buffer buf;
  EXPECT_FALSE(plain.write(ContentType::application_data, data, buf).ok());
  EXPECT_TRUE(buf.empty());

  RecordLayer handshake_keys;
  Protection hs = make(20);
  hs.application = false;
  handshake_keys.set_write_protection(std::move(hs));
  s = handshake_keys.write(ContentType::application_data, data, out);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().reason.find("handshake keys"), std::string::npos);
  EXPECT_TRUE(out.empty());
  // Handshake messages and alerts still go out under handshake keys, and in the clear.
  EXPECT_TRUE(handshake_keys.write(ContentType::handshake, data, out).ok());
  EXPECT_TRUE(plain.write(ContentType::alert, Bytes{1, 0}, out).ok());

  RecordLayer app;
  app.set_write_protection(make(21));
  out.clear();
  EXPECT_TRUE(app.write(ContentType::application_data, data, out).ok());
  EXPECT_FALSE(out.empty());
}

// Issue 9 item 9: 0-RTT records a server does not accept are skipped within a budget.
TEST(RecordLayer, UndecryptableEarlyDataIsSkippedUntilARecordDeprotects) {
  RecordLayer r;
  r.set_read_protection(make(30));
  r.skip_early_data(false);
  Protection early = make(31);  // the client's early data key, which the server does not have
  Protection hs = make(30);
  Record out;
  for (int i = 0; i < 3; i++) {
    Bytes rec = seal_raw(early, Bytes(1000, 'e'));
    auto used = r.read_record(rec, out);
    ASSERT_TRUE(used.ok()) << used.error().to_string();
    EXPECT_TRUE(out.skipped);
  }
  Bytes good = seal_raw(hs, Bytes{'f', 22});
  ASSERT_TRUE(r.read_record(good, out).ok());
  EXPECT_FALSE(out.skipped);
  EXPECT_EQ(out.type, ContentType::handshake);
  EXPECT_EQ(r.read_seq(), 1u) << "skipped records use no sequence number";
  // Skipping ends with the first record that deprotects.
  Bytes late = seal_raw(early, Bytes(10, 'e'));
  auto used = r.read_record(late, out);
  ASSERT_FALSE(used.ok());
  EXPECT_EQ(used.error().alert, AlertDescription::bad_record_mac);
}

TEST(RecordLayer, SkippedEarlyDataIsBounded) {
  RecordLayer r;
  r.set_read_protection(make(32));
  r.skip_early_data(false);
  Protection early = make(33);
  Record out;
  size_t skipped = 0;
  Result<size_t> used = size_t{0};
  while (true) {
    Bytes rec = seal_raw(early, Bytes(16385, 'e'));
    used = r.read_record(rec, out);
    if (!used.ok()) {
      break;
    }
    skipped += 16384;
  }
  EXPECT_EQ(used.error().alert, AlertDescription::unexpected_message);
  EXPECT_LE(skipped, kMaxSkippedEarlyData);
  EXPECT_GT(skipped, kMaxSkippedEarlyData - 16384);
}

// Records with no payload are not free: each costs at least a byte of the budget.
TEST(RecordLayer, TinySkippedRecordsExhaustTheBudgetToo) {
  for (bool unprotected : {false, true}) {
    RecordLayer r;
    if (!unprotected) {
      r.set_read_protection(make(36));
    }
    r.skip_early_data(unprotected);
    const Bytes tiny = {23, 3, 3, 0, 17, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17};
    Record out;
    size_t skipped = 0;
    Result<size_t> used = size_t{0};
    Bytes rec = tiny;
    while ((used = r.read_record(std::span<uint8_t>(rec), out)).ok()) {
      rec = tiny;
      ASSERT_TRUE(out.skipped);
      skipped++;
      ASSERT_LE(skipped, kMaxSkippedEarlyData) << "tiny records skipped without limit";
    }
    EXPECT_EQ(used.error().alert, AlertDescription::unexpected_message);
    EXPECT_EQ(skipped, kMaxSkippedEarlyData);
  }
}

TEST(RecordLayer, AfterHelloRetryOuterApplicationDataIsSkippedUntilKeys) {
  RecordLayer r;
  r.skip_early_data(true);
  Protection early = make(34);
  Record out;
  Bytes rec = seal_raw(early, Bytes(100, 'e'));
  auto used = r.read_record(rec, out);
  ASSERT_TRUE(used.ok());
  EXPECT_TRUE(out.skipped);
  // Handshake records still come through in the clear (the second ClientHello).
  Bytes ch = {22, 3, 3, 0, 4, 1, 0, 0, 0};
  ASSERT_TRUE(r.read_record(ch, out).ok());
  EXPECT_EQ(out.type, ContentType::handshake);
  // Once keys are installed, the unprotected-phase skipping is over.
  r.set_read_protection(make(35));
  EXPECT_FALSE(r.skipping_early_data());
  Bytes bad = seal_raw(early, Bytes(10, 'e'));
  EXPECT_FALSE(r.read_record(bad, out).ok());
  // Without skipping, outer application data before keys is unexpected_message.
  RecordLayer fresh;
  auto refused = fresh.read_record(rec, out);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().alert, AlertDescription::unexpected_message);
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

// TapLog records what a RecordTap sees.
class TapLog final : public RecordTap {
 public:
  void on_record(bool sent, ContentType type, ByteView wire, ByteView content, size_t padding,
                 const RecordProtector* p, uint64_t seq) override {
    (void)p;
    entries.push_back({sent, type, Bytes(wire.begin(), wire.end()),
                       Bytes(content.begin(), content.end()), padding, seq});
  }
  struct Entry {
    bool sent;
    ContentType type;
    Bytes wire;
    Bytes content;
    size_t padding;
    uint64_t seq;
  };
  std::vector<Entry> entries;
};

TEST(RecordLayer, BufferAndBytesWritesAreTheSameRecords) {
  Bytes data(2 * kMaxPlaintext + 7);
  for (size_t i = 0; i < data.size(); i++) {
    data[i] = static_cast<uint8_t>(i);
  }
  for (bool protect : {false, true}) {
    SCOPED_TRACE(protect);
    RecordLayer a;
    RecordLayer b;
    if (protect) {
      a.set_write_protection(make(13));
      b.set_write_protection(make(13));
    }
    const ContentType type = protect ? ContentType::application_data : ContentType::handshake;
    Bytes bytes_out = {9, 9};
    Buffer buffer_out;
    buffer_out.append(Bytes{9, 9});
    ASSERT_TRUE(a.write(type, data, bytes_out).ok());
    ASSERT_TRUE(b.write(type, data, buffer_out).ok());
    EXPECT_EQ(Bytes(buffer_out.view().begin(), buffer_out.view().end()), bytes_out);
  }
}

TEST(RecordLayer, OutOfPlaceReadLeavesTheReceivedBytesAlone) {
  RecordLayer w;
  w.set_write_protection(make(14));
  Bytes data(kMaxPlaintext + 300);
  for (size_t i = 0; i < data.size(); i++) {
    data[i] = static_cast<uint8_t>(i * 3 + 1);
  }
  Buffer wire;
  ASSERT_TRUE(w.write(ContentType::application_data, data, wire).ok());
  ASSERT_TRUE(w.write(ContentType::handshake, Bytes{24, 0, 0, 1, 0}, wire).ok());
  const Bytes wire_copy(wire.view().begin(), wire.view().end());

  RecordLayer r;
  r.set_read_protection(make(14));
  TapLog tap;
  r.set_tap(&tap);
  ByteView rest = wire.view();
  Bytes dest(kMaxCiphertext, 0xee);
  Bytes back;
  std::vector<ContentType> types;
  while (!rest.empty()) {
    Record rec;
    auto total = RecordLayer::record_len(rest);
    ASSERT_TRUE(total.ok());
    auto used = r.read_record(rest, dest, rec);
    ASSERT_TRUE(used.ok()) << used.error().to_string();
    ASSERT_EQ(*used, *total);
    EXPECT_TRUE(rec.protected_record);
    EXPECT_EQ(rec.fragment.data(), dest.data());
    types.push_back(rec.type);
    if (rec.type == ContentType::application_data) {
      back.insert(back.end(), rec.fragment.begin(), rec.fragment.end());
    }
    rest = rest.subspan(*used);
  }
  EXPECT_EQ(back, data);
  EXPECT_EQ(types,
            (std::vector<ContentType>{ContentType::application_data, ContentType::application_data,
                                      ContentType::handshake}));
  EXPECT_EQ(Bytes(wire.view().begin(), wire.view().end()), wire_copy);
  // The tap saw each record's ciphertext as it is on the wire.
  ASSERT_EQ(tap.entries.size(), 3u);
  size_t off = 0;
  for (size_t k = 0; k < tap.entries.size(); k++) {
    const TapLog::Entry& e = tap.entries[k];
    EXPECT_FALSE(e.sent);
    EXPECT_EQ(e.seq, k);
    EXPECT_EQ(e.wire, Bytes(wire_copy.begin() + static_cast<std::ptrdiff_t>(off),
                            wire_copy.begin() + static_cast<std::ptrdiff_t>(off + e.wire.size())));
    off += e.wire.size();
  }
  EXPECT_EQ(tap.entries[2].content, (Bytes{24, 0, 0, 1, 0}));
}

TEST(RecordLayer, InPlaceTapSeesTheCiphertext) {
  RecordLayer w;
  w.set_write_protection(make(15));
  TapLog sent;
  w.set_tap(&sent);
  Bytes wire;
  ASSERT_TRUE(w.write(ContentType::application_data, Bytes{5, 6, 7}, wire).ok());
  ASSERT_EQ(sent.entries.size(), 1u);
  EXPECT_EQ(sent.entries[0].wire, wire);
  EXPECT_EQ(sent.entries[0].content, (Bytes{5, 6, 7}));
  RecordLayer r;
  r.set_read_protection(make(15));
  TapLog got;
  r.set_tap(&got);
  const Bytes copy = wire;
  Record rec;
  ASSERT_TRUE(r.read_record(std::span<uint8_t>(wire), rec).ok());
  ASSERT_EQ(got.entries.size(), 1u);
  EXPECT_EQ(got.entries[0].wire, copy);
  EXPECT_EQ(got.entries[0].content, (Bytes{5, 6, 7}));
}

TEST(RecordLayer, OutOfPlaceReadMakesTheSameChecks) {
  // Each case: an inner plaintext and the alert both forms must give.
  struct Case {
    const char* name;
    Bytes inner;
    AlertDescription alert;
  };
  Bytes overflow(kMaxPlaintext + 1, 'x');
  overflow.push_back(23);
  std::vector<Case> cases;
  cases.push_back({"all padding", Bytes(20, 0), AlertDescription::unexpected_message});
  cases.push_back({"protected ccs", Bytes{1, 20}, AlertDescription::unexpected_message});
  cases.push_back({"unknown inner type", Bytes{1, 99}, AlertDescription::unexpected_message});
  cases.push_back({"empty handshake", Bytes{22, 0}, AlertDescription::unexpected_message});
  cases.push_back({"overflow", overflow, AlertDescription::record_overflow});
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Protection seal = make(16);
    const Bytes rec = seal_raw(seal, c.inner);
    Bytes dest(kMaxCiphertext);
    RecordLayer r;
    r.set_read_protection(make(16));
    Record out;
    auto used = r.read_record(ByteView(rec), dest, out);
    ASSERT_FALSE(used.ok());
    EXPECT_EQ(used.error().alert, c.alert);
    RecordLayer in_place;
    in_place.set_read_protection(make(16));
    Bytes copy = rec;
    auto used2 = in_place.read_record(std::span<uint8_t>(copy), out);
    ASSERT_FALSE(used2.ok());
    EXPECT_EQ(used2.error().alert, c.alert);
  }
  // A tampered record: bad_record_mac, and the sequence number does not advance.
  Protection seal = make(17);
  Bytes rec = seal_raw(seal, Bytes{'o', 'k', 23});
  rec[7] ^= 1;
  RecordLayer r;
  r.set_read_protection(make(17));
  Bytes dest(rec.size());
  Record out;
  auto used = r.read_record(ByteView(rec), dest, out);
  ASSERT_FALSE(used.ok());
  EXPECT_EQ(used.error().alert, AlertDescription::bad_record_mac);
  EXPECT_EQ(r.read_seq(), 0u);
  // A destination smaller than the ciphertext is the caller's bug, not the peer's.
  rec[7] ^= 1;
  Bytes small(2);
  used = r.read_record(ByteView(rec), small, out);
  ASSERT_FALSE(used.ok());
  EXPECT_EQ(used.error().kind, ErrorKind::kInternal);
  used = r.read_record(ByteView(rec), dest, out);
  ASSERT_TRUE(used.ok());
  EXPECT_EQ(Bytes(out.fragment.begin(), out.fragment.end()), (Bytes{'o', 'k'}));
}

TEST(RecordLayer, RecordLenChecksTheHeaderOnly) {
  EXPECT_EQ(*RecordLayer::record_len(Bytes{23, 3, 3, 0}), 0u);
  EXPECT_EQ(*RecordLayer::record_len(Bytes{23, 3, 3, 0, 20}), 25u);
  auto unknown = RecordLayer::record_len(Bytes{99, 3, 3, 0, 1});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().alert, AlertDescription::unexpected_message);
  auto big = RecordLayer::record_len(Bytes{23, 3, 3, 0x41, 0x01});
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().alert, AlertDescription::record_overflow);
}

// The version's record rules are data the layer is given: other rules change what it does
// without a change to its logic.
TEST(RecordLayer, FollowsTheRecordRulesItIsGiven) {
  static constexpr RecordRules kSmall{RecordLimits{512, 256}, true, true};
  static constexpr RecordRules kOwnOuterType{kTls13Limits, false, true};
  static constexpr RecordRules kNoEarlyData{kTls13Limits, true, false};
  EXPECT_EQ(RecordLayer().rules().limits.max_ciphertext(), kTls13Limits.max_ciphertext());

  // Limits: the header check, the plaintext bound and the fragment size.
  const Bytes header = {23, 3, 3, 0x03, 0x01};  // 769 bytes: over 512 + 256, within 2^14 + 256
  EXPECT_TRUE(RecordLayer::record_len(header).ok());
  auto over = RecordLayer::record_len(header, kSmall);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().alert, AlertDescription::record_overflow);
  RecordLayer small;
  small.set_rules(kSmall);
  EXPECT_FALSE(small.next_record_len(header).ok());
  Bytes handshake = {22, 3, 3, 0x02, 0x01};  // a plaintext record of 513 bytes
  handshake.resize(5 + 513, 1);
  Record out;
  auto big = small.read_record(std::span<uint8_t>(handshake), out);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().alert, AlertDescription::record_overflow);
  Bytes written;
  ASSERT_TRUE(small.write(ContentType::handshake, Bytes(1000, 'h'), written).ok());
  EXPECT_EQ(written.size(), 5 + 512 + 5 + 488u);

  // The outer type: under TLS 1.3's rules a protected record is application_data on the
  // outside and anything else is refused as unprotected; under rules where each protected
  // record keeps its own outer type, the same record is deprotected.
  Protection seal = make(40);
  Bytes rec = seal_raw(seal, Bytes{'f', 22}, 22);
  RecordLayer tls13;
  tls13.set_read_protection(make(40));
  Bytes copy = rec;
  auto refused = tls13.read_record(std::span<uint8_t>(copy), out);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().alert, AlertDescription::unexpected_message);
  RecordLayer own;
  own.set_rules(kOwnOuterType);
  own.set_read_protection(make(40));
  copy = rec;
  auto opened = own.read_record(std::span<uint8_t>(copy), out);
  ASSERT_TRUE(opened.ok()) << opened.error().to_string();
  EXPECT_TRUE(out.protected_record);
  EXPECT_EQ(out.type, ContentType::handshake);
  // Nor is change_cipher_spec passed on in the clear once protection is on.
  Bytes ccs = {20, 3, 3, 0, 1, 1};
  EXPECT_TRUE(tls13.read_record(std::span<uint8_t>(ccs), out).ok());
  ccs = {20, 3, 3, 0, 1, 1};
  auto ccs_own = own.read_record(std::span<uint8_t>(ccs), out);
  ASSERT_FALSE(ccs_own.ok());
  EXPECT_EQ(ccs_own.error().alert, AlertDescription::bad_record_mac);

  // Early data: without it in the rules, there is nothing to skip.
  RecordLayer none;
  none.set_rules(kNoEarlyData);
  none.skip_early_data(true);
  EXPECT_FALSE(none.skipping_early_data());
  Protection early = make(41);
  Bytes zero_rtt = seal_raw(early, Bytes(100, 'e'));
  auto not_skipped = none.read_record(std::span<uint8_t>(zero_rtt), out);
  ASSERT_FALSE(not_skipped.ok());
  EXPECT_EQ(not_skipped.error().alert, AlertDescription::unexpected_message);
}

}  // namespace
}  // namespace glasstls::record
