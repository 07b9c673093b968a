// tls12_protector_test.cc: TLS 1.2 record protection (AEAD and CBC) against records built in the
// test with libcrypto directly, round trips through the record layer for every TLS 1.2 suite,
// and the ways an opened record fails.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "crypto/suites.h"
#include "record/protector.h"
#include "record/record_layer.h"

namespace glasstls::record {
namespace {

using crypto::SuiteRow;

const crypto::CryptoProvider& P() { return crypto::openssl_provider(); }

// Random bytes for keys, made at test time.
Bytes random_bytes(size_t n) {
  Bytes b(n);
  EXPECT_TRUE(P().random->fill(b).ok());
  return b;
}

Bytes pattern(size_t n, uint8_t seed) {
  Bytes b(n);
  for (size_t i = 0; i < n; i++) {
    b[i] = static_cast<uint8_t>(seed + 3 * i);
  }
  return b;
}

std::vector<const SuiteRow*> tls12_rows() {
  std::vector<const SuiteRow*> rows;
  for (const SuiteRow& row : crypto::suite_table()) {
    if (row.version == ProtocolVersion::TLSv1_2) {
      rows.push_back(&row);
    }
  }
  return rows;
}

const SuiteRow& row_of(CipherSuite s) {
  const SuiteRow* row = crypto::find_suite(s);
  EXPECT_NE(row, nullptr);
  return *row;
}

// FixedRandom hands out the bytes 0x40, 0x41, ... so that a CBC record's IV is known.
class FixedRandom final : public crypto::Random {
 public:
  Status fill(std::span<uint8_t> out) const override {
    for (size_t i = 0; i < out.size(); i++) {
      out[i] = static_cast<uint8_t>(0x40 + i);
    }
    return Ok{};
  }
};

// Keys is one direction's key material for a suite.
struct Keys {
  Secret mac_key;
  Secret key;
  Bytes iv;
};

Keys keys_for(const SuiteRow& row) {
  return Keys{Secret(random_bytes(row.mac_len)), Secret(random_bytes(row.key_len)),
              random_bytes(row.fixed_iv_len)};
}

RecordProtector make(const SuiteRow& row, const Keys& k, bool etm,
                     const crypto::CryptoProvider& provider = P()) {
  auto p = make_tls12_protector(provider, row, k.mac_key, k.key, k.iv, etm, "client write", false);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().reason);
  return std::move(p).value();
}

const EVP_CIPHER* evp_aead(const SuiteRow& row) {
  switch (row.aead) {
    case crypto::AeadId::kAes128Gcm: return EVP_aes_128_gcm();
    case crypto::AeadId::kAes256Gcm: return EVP_aes_256_gcm();
    case crypto::AeadId::kChaCha20Poly1305: return EVP_chacha20_poly1305();
  }
  return nullptr;
}

const EVP_MD* evp_mac(const SuiteRow& row) {
  switch (row.mac) {
    case crypto::MacId::kSha1: return EVP_sha1();
    case crypto::MacId::kSha256: return EVP_sha256();
    case crypto::MacId::kSha384: return EVP_sha384();
    case crypto::MacId::kNone: break;
  }
  return nullptr;
}

Bytes be64(uint64_t v) {
  Bytes b(8);
  for (int i = 0; i < 8; i++) {
    b[7 - i] = static_cast<uint8_t>(v >> (8 * i));
  }
  return b;
}

// mac_header is seq_num || type || version || length, built here from RFC 5246's words.
Bytes mac_header(uint64_t seq, uint8_t type, size_t len) {
  Bytes h = be64(seq);
  h.insert(h.end(), {type, 3, 3, static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len)});
  return h;
}

Bytes header(uint8_t type, size_t len) {
  return {type, 3, 3, static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len)};
}

Bytes cat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts) {
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

// openssl_aead_record builds a TLS 1.2 AEAD record with libcrypto: GCM with `explicit_nonce`
// after the 4-byte salt, ChaCha20-Poly1305 with the IV XOR the sequence number.
Bytes openssl_aead_record(const SuiteRow& row, const Keys& k, uint64_t seq, uint8_t type,
                          ByteView content, ByteView explicit_nonce) {
  Bytes nonce;
  if (row.explicit_nonce_len == 8) {
    nonce = cat({k.iv, explicit_nonce});
  } else {
    nonce = k.iv;
    for (int i = 0; i < 8; i++) {
      nonce[11 - i] ^= static_cast<uint8_t>(seq >> (8 * i));
    }
  }
  const Bytes aad = mac_header(seq, type, content.size());
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  Bytes ct(content.size() + 16);
  int n = 0;
  EXPECT_EQ(EVP_EncryptInit_ex(ctx, evp_aead(row), nullptr, k.key.data(), nonce.data()), 1);
  EXPECT_EQ(EVP_EncryptUpdate(ctx, nullptr, &n, aad.data(), static_cast<int>(aad.size())), 1);
  EXPECT_EQ(EVP_EncryptUpdate(ctx, ct.data(), &n, content.data(), static_cast<int>(content.size())),
            1);
  EXPECT_EQ(EVP_EncryptFinal_ex(ctx, ct.data() + n, &n), 1);
  Bytes tag(16);
  EXPECT_EQ(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, tag.data()), 1);
  EVP_CIPHER_CTX_free(ctx);
  ct.resize(content.size());
  const Bytes body = cat({row.explicit_nonce_len == 8 ? explicit_nonce : ByteView(), ct, tag});
  return cat({header(type, body.size()), body});
}

Bytes openssl_hmac(const SuiteRow& row, const Keys& k, ByteView data) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  EXPECT_NE(HMAC(evp_mac(row), k.mac_key.data(), static_cast<int>(k.mac_key.size()), data.data(),
                 data.size(), out.data(), &len),
            nullptr);
  out.resize(len);
  return out;
}

Bytes openssl_cbc_encrypt(const SuiteRow& row, const Keys& k, ByteView iv, ByteView plain) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  Bytes out(plain.size() + 16);
  int n = 0;
  int m = 0;
  EXPECT_EQ(EVP_EncryptInit_ex(ctx, row.key_len == 16 ? EVP_aes_128_cbc() : EVP_aes_256_cbc(),
                               nullptr, k.key.data(), iv.data()),
            1);
  EXPECT_EQ(EVP_CIPHER_CTX_set_padding(ctx, 0), 1);
  EXPECT_EQ(EVP_EncryptUpdate(ctx, out.data(), &n, plain.data(), static_cast<int>(plain.size())),
            1);
  EXPECT_EQ(EVP_EncryptFinal_ex(ctx, out.data() + n, &m), 1);
  EVP_CIPHER_CTX_free(ctx);
  out.resize(static_cast<size_t>(n + m));
  return out;
}

// CbcOptions bend a CBC record the test builds: its padding and its MAC.
struct CbcOptions {
  std::optional<size_t> padding_length;  // default: the least
  bool bad_padding_byte = false;         // one padding byte (not the length) off by one
  bool bad_mac = false;                  // the MAC's first byte flipped
};

// openssl_cbc_record builds a TLS 1.2 CBC record with libcrypto, MAC-then-encrypt (RFC 5246
// section 6.2.3.2) or encrypt-then-MAC (RFC 7366 section 3).
Bytes openssl_cbc_record(const SuiteRow& row, const Keys& k, bool etm, uint64_t seq, uint8_t type,
                         ByteView content, ByteView iv, const CbcOptions& o = {}) {
  auto pad = [&](Bytes& plain) {
    size_t p = o.padding_length.value_or((16 - (plain.size() + 1) % 16) % 16);
    plain.insert(plain.end(), p + 1, static_cast<uint8_t>(p));
    if (o.bad_padding_byte && p > 0) {
      plain[plain.size() - 2] ^= 1;
    }
  };
  if (!etm) {
    Bytes mac = openssl_hmac(row, k, cat({mac_header(seq, type, content.size()), content}));
    if (o.bad_mac) {
      mac[0] ^= 1;
    }
    Bytes plain = cat({content, mac});
    pad(plain);
    const Bytes body = cat({iv, openssl_cbc_encrypt(row, k, iv, plain)});
    return cat({header(type, body.size()), body});
  }
  Bytes plain(content.begin(), content.end());
  pad(plain);
  const Bytes enc = cat({iv, openssl_cbc_encrypt(row, k, iv, plain)});
  Bytes mac = openssl_hmac(row, k, cat({mac_header(seq, type, enc.size()), enc}));
  if (o.bad_mac) {
    mac[0] ^= 1;
  }
  const Bytes body = cat({enc, mac});
  return cat({header(type, body.size()), body});
}

Bytes seal(RecordProtector& p, ContentType type, ByteView content, uint64_t seq) {
  Bytes rec(kHeaderLen + p.body_len(content.size()));
  Status st = p.seal(type, content, seq, rec);
  EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().reason);
  return rec;
}

// read_one reads one record with a TLS 1.2 layer whose read protection is `p`, after `seq`
// records.
Result<Bytes> read_one(RecordProtector p, ByteView wire, uint64_t seq = 0,
                       ContentType* type = nullptr) {
  RecordLayer layer;
  layer.set_rules(kTls12Rules);
  layer.set_read_protector(std::move(p), seq);
  Bytes copy(wire.begin(), wire.end());
  Record rec;
  GLASSTLS_ASSIGN(size_t used, layer.read_record(std::span<uint8_t>(copy), rec));
  if (used != wire.size()) {
    return internal_error("record not read whole");
  }
  if (type != nullptr) {
    *type = rec.type;
  }
  return Bytes(rec.fragment.begin(), rec.fragment.end());
}

AlertDescription alert_of(const Result<Bytes>& r) {
  return r.ok() ? AlertDescription::close_notify : r.error().alert;
}

// --- Known answers ----------------------------------------------------------------------------

TEST(Tls12AeadProtector, SealsAsRfc5288And7905SayWithLibcrypto) {
  for (const SuiteRow* row : tls12_rows()) {
    if (row->protection != crypto::Protection::kAead) {
      continue;
    }
    SCOPED_TRACE(name(row->suite));
    const Keys k = keys_for(*row);
    RecordProtector p = make(*row, k, false);
    ASSERT_NE(p.tls12_aead(), nullptr);
    EXPECT_TRUE(p.application());
    const Bytes content = pattern(37, 1);
    for (uint64_t seq : {uint64_t{0}, uint64_t{1}, uint64_t{0x0102030405060708}}) {
      SCOPED_TRACE(seq);
      const Bytes rec = seal(p, ContentType::application_data, content, seq);
      // GCM's nonce_explicit is the sequence number.
      EXPECT_EQ(rec, openssl_aead_record(*row, k, seq, 23, content, be64(seq)));
      Bytes expected_nonce;
      if (row->explicit_nonce_len == 8) {
        expected_nonce = cat({k.iv, be64(seq)});
      } else {
        expected_nonce = k.iv;
        for (int i = 0; i < 8; i++) {
          expected_nonce[11 - i] ^= static_cast<uint8_t>(seq >> (8 * i));
        }
      }
      EXPECT_EQ(p.nonce_for_trace(seq), expected_nonce);
      auto d = p.detail(rec, seq);
      ASSERT_TRUE(d.has_value());
      EXPECT_EQ(d->nonce, expected_nonce);
      EXPECT_EQ(d->additional_data, mac_header(seq, 23, content.size()));
      EXPECT_EQ(d->explicit_nonce, row->explicit_nonce_len == 8 ? be64(seq) : Bytes{});
      EXPECT_EQ(d->mac, Bytes(rec.end() - 16, rec.end()));
    }
  }
}

TEST(Tls12AeadProtector, OpensAnyExplicitNonceThePeerChose) {
  const SuiteRow& row = row_of(CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384);
  const Keys k = keys_for(row);
  const Bytes content = pattern(100, 9);
  const Bytes explicit_nonce = random_bytes(8);
  const Bytes rec = openssl_aead_record(row, k, 7, 22, content, explicit_nonce);
  ContentType type{};
  auto got = read_one(make(row, k, false), rec, 7, &type);
  ASSERT_TRUE(got.ok()) << got.error().reason;
  EXPECT_EQ(*got, content);
  EXPECT_EQ(type, ContentType::handshake);
  // The view sees the peer's nonce, not one made from the sequence number.
  auto d = make(row, k, false).detail(rec, 7);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->nonce, cat({k.iv, explicit_nonce}));
  EXPECT_EQ(d->explicit_nonce, explicit_nonce);
}

TEST(Tls12CbcProtector, SealsAsRfc5246And7366SayWithLibcrypto) {
  crypto::CryptoProvider fixed = P();
  static const FixedRandom kRandom;
  fixed.random = &kRandom;
  Bytes iv(16);
  ASSERT_TRUE(kRandom.fill(iv).ok());
  for (const SuiteRow* row : tls12_rows()) {
    if (row->protection != crypto::Protection::kCbcHmac) {
      continue;
    }
    for (bool etm : {false, true}) {
      SCOPED_TRACE(std::string(name(row->suite)) + (etm ? " ETM" : " MtE"));
      const Keys k = keys_for(*row);
      RecordProtector p = make(*row, k, etm, fixed);
      ASSERT_NE(p.tls12_cbc(), nullptr);
      EXPECT_TRUE(p.application());
      for (size_t len : {size_t{0}, size_t{1}, size_t{15}, size_t{16}, size_t{17}, size_t{100}}) {
        SCOPED_TRACE(len);
        const Bytes content = pattern(len, static_cast<uint8_t>(len));
        const Bytes rec = seal(p, ContentType::application_data, content, 5);
        EXPECT_EQ(rec, openssl_cbc_record(*row, k, etm, 5, 23, content, iv));
        auto d = p.detail(rec, 5);
        ASSERT_TRUE(d.has_value());
        EXPECT_EQ(d->explicit_nonce, iv);
        EXPECT_TRUE(d->nonce.empty());
        EXPECT_EQ(d->encrypt_then_mac, etm);
        const size_t pad = 16 - (len + (etm ? 0 : row->mac_len) + 1) % 16;
        EXPECT_EQ(d->padding, Bytes(pad % 16 + 1, static_cast<uint8_t>(pad % 16)));
        if (!etm) {
          EXPECT_EQ(d->additional_data, mac_header(5, 23, len));
          EXPECT_EQ(d->mac, openssl_hmac(*row, k, cat({mac_header(5, 23, len), content})));
        } else {
          EXPECT_EQ(d->mac, Bytes(rec.end() - static_cast<ptrdiff_t>(row->mac_len), rec.end()));
        }
      }
    }
  }
}

TEST(Tls12CbcProtector, SealsAFreshIvForEveryRecord) {
  const SuiteRow& row = row_of(CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256);
  RecordProtector p = make(row, keys_for(row), false);
  const Bytes content = pattern(10, 1);
  const Bytes a = seal(p, ContentType::application_data, content, 0);
  const Bytes b = seal(p, ContentType::application_data, content, 0);
  EXPECT_NE(Bytes(a.begin() + 5, a.begin() + 21), Bytes(b.begin() + 5, b.begin() + 21));
}

// --- Round trips ------------------------------------------------------------------------------

TEST(Tls12Protection, RoundTripsEveryTls12SuiteThroughTheRecordLayer) {
  for (const SuiteRow* row : tls12_rows()) {
    for (bool etm : {false, true}) {
      if (etm && row->protection != crypto::Protection::kCbcHmac) {
        continue;
      }
      SCOPED_TRACE(std::string(name(row->suite)) + (etm ? " ETM" : ""));
      const Keys k = keys_for(*row);
      RecordLayer writer;
      writer.set_rules(kTls12Rules);
      writer.set_write_protector(make(*row, k, etm));
      RecordLayer reader;
      reader.set_rules(kTls12Rules);
      reader.set_read_protector(make(*row, k, etm));
      RecordLayer reader2;
      reader2.set_rules(kTls12Rules);
      reader2.set_read_protector(make(*row, k, etm));
      // An empty application_data record, small ones, a full 2^14 one, and one split in two.
      const std::vector<std::pair<ContentType, Bytes>> sends = {
          {ContentType::application_data, {}},
          {ContentType::handshake, pattern(1, 1)},
          {ContentType::alert, {1, 0}},
          {ContentType::application_data, pattern(31, 2)},
          {ContentType::application_data, pattern(kMaxPlaintext, 3)},
          {ContentType::application_data, pattern(kMaxPlaintext + 1, 4)},
      };
      for (const auto& [type, data] : sends) {
        SCOPED_TRACE(data.size());
        Bytes wire;
        ASSERT_TRUE(writer.write(type, data, wire).ok());
        Bytes back;
        Bytes back2;
        size_t off = 0;
        while (off < wire.size()) {
          Bytes copy(wire.begin() + static_cast<ptrdiff_t>(off), wire.end());
          // In place, and into a separate destination.
          Record rec;
          auto used = reader.read_record(std::span<uint8_t>(copy), rec);
          ASSERT_TRUE(used.ok()) << used.error().reason;
          ASSERT_GT(*used, 0u);
          EXPECT_TRUE(rec.protected_record);
          EXPECT_EQ(rec.type, type);
          EXPECT_LE(*used - kHeaderLen, kTls12Limits.max_ciphertext());
          back.insert(back.end(), rec.fragment.begin(), rec.fragment.end());
          Bytes dest(*used);
          Record rec2;
          auto used2 = reader2.read_record(ByteView(wire).subspan(off, *used),
                                           std::span<uint8_t>(dest), rec2);
          ASSERT_TRUE(used2.ok()) << used2.error().reason;
          EXPECT_EQ(rec2.fragment.data(), dest.data());
          back2.insert(back2.end(), rec2.fragment.begin(), rec2.fragment.end());
          off += *used;
        }
        EXPECT_EQ(back, data);
        EXPECT_EQ(back2, data);
      }
      EXPECT_EQ(writer.write_seq(), reader.read_seq());
      EXPECT_EQ(writer.write_seq(), 7u);
    }
  }
}

TEST(Tls12Protection, OpensLongerPaddingThanItSeals) {
  const SuiteRow& row = row_of(CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384);
  const Keys k = keys_for(row);
  const Bytes iv = random_bytes(16);
  const Bytes content = pattern(50, 1);
  for (bool etm : {false, true}) {
    for (size_t padding : {size_t{0}, size_t{15}, size_t{255}}) {
      // Only lengths that make whole blocks.
      const size_t plain = content.size() + (etm ? 0 : row.mac_len) + padding + 1;
      if (plain % 16 != 0) {
        continue;
      }
      SCOPED_TRACE(padding);
      CbcOptions o;
      o.padding_length = padding;
      auto got =
          read_one(make(row, k, etm), openssl_cbc_record(row, k, etm, 0, 23, content, iv, o));
      ASSERT_TRUE(got.ok()) << got.error().reason;
      EXPECT_EQ(*got, content);
    }
  }
}

// --- Failures ---------------------------------------------------------------------------------

// A record of each kind: GCM, ChaCha20-Poly1305, CBC MAC-then-encrypt (SHA-1 and SHA-384),
// CBC encrypt-then-MAC.
struct Kind {
  CipherSuite suite;
  bool etm;
};
constexpr Kind kKinds[] = {
    {CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, false},
    {CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, false},
    {CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, false},
    {CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384, false},
    {CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256, true},
};

TEST(Tls12Protection, EveryFlippedBodyByteAndAnotherTypeFailWithBadRecordMac) {
  for (const Kind& kind : kKinds) {
    SCOPED_TRACE(std::string(name(kind.suite)) + (kind.etm ? " ETM" : ""));
    const SuiteRow& row = row_of(kind.suite);
    const Keys k = keys_for(row);
    RecordProtector sealer = make(row, k, kind.etm);
    const Bytes rec = seal(sealer, ContentType::handshake, pattern(40, 1), 3);
    ASSERT_TRUE(read_one(make(row, k, kind.etm), rec, 3).ok());
    for (size_t i = kHeaderLen; i < rec.size(); i++) {
      for (uint8_t bit : {uint8_t{0x01}, uint8_t{0x80}}) {
        Bytes bad = rec;
        bad[i] ^= bit;
        ASSERT_EQ(alert_of(read_one(make(row, k, kind.etm), bad, 3)),
                  AlertDescription::bad_record_mac)
            << i;
      }
    }
    // The type is authenticated: the same body under another type fails.
    Bytes other = rec;
    other[0] = static_cast<uint8_t>(ContentType::application_data);
    EXPECT_EQ(alert_of(read_one(make(row, k, kind.etm), other, 3)),
              AlertDescription::bad_record_mac);
    // So is the sequence number.
    EXPECT_EQ(alert_of(read_one(make(row, k, kind.etm), rec, 4)), AlertDescription::bad_record_mac);
    EXPECT_EQ(alert_of(read_one(make(row, k, kind.etm), rec, 2)), AlertDescription::bad_record_mac);
  }
}

TEST(Tls12Protection, ShortOrUnalignedBodiesFailWithBadRecordMac) {
  for (const Kind& kind : kKinds) {
    SCOPED_TRACE(std::string(name(kind.suite)) + (kind.etm ? " ETM" : ""));
    const SuiteRow& row = row_of(kind.suite);
    const Keys k = keys_for(row);
    RecordProtector p = make(row, k, kind.etm);
    // Every body length from empty to the shortest that could open, and one byte added to and
    // taken from a good record.
    for (size_t len = 0; len < p.min_body(); len++) {
      Bytes rec = cat({header(23, len), random_bytes(len)});
      EXPECT_EQ(alert_of(read_one(make(row, k, kind.etm), rec)), AlertDescription::bad_record_mac)
          << len;
    }
    const Bytes good = seal(p, ContentType::application_data, pattern(64, 2), 0);
    for (int delta : {-1, 1}) {
      Bytes rec = good;
      rec.resize(rec.size() + static_cast<size_t>(delta));
      const size_t len = rec.size() - kHeaderLen;
      rec[3] = static_cast<uint8_t>(len >> 8);
      rec[4] = static_cast<uint8_t>(len);
      EXPECT_EQ(alert_of(read_one(make(row, k, kind.etm), rec)), AlertDescription::bad_record_mac)
          << delta;
    }
  }
}

TEST(Tls12Protection, BadPaddingAndBadMacBothFailWithBadRecordMac) {
  for (const SuiteRow* row : tls12_rows()) {
    if (row->protection != crypto::Protection::kCbcHmac) {
      continue;
    }
    for (bool etm : {false, true}) {
      SCOPED_TRACE(std::string(name(row->suite)) + (etm ? " ETM" : " MtE"));
      const Keys k = keys_for(*row);
      const Bytes iv = random_bytes(16);
      const Bytes content = pattern(33, 7);
      ASSERT_TRUE(
          read_one(make(*row, k, etm), openssl_cbc_record(*row, k, etm, 0, 23, content, iv)).ok());
      CbcOptions bad_mac;
      bad_mac.bad_mac = true;
      EXPECT_EQ(alert_of(read_one(make(*row, k, etm),
                                  openssl_cbc_record(*row, k, etm, 0, 23, content, iv, bad_mac))),
                AlertDescription::bad_record_mac);
      // A padding byte off: the MAC (over the content) is right, the padding is not.
      CbcOptions bad_padding;
      bad_padding.padding_length =
          16 + (16 - (content.size() + (etm ? 0 : row->mac_len) + 1) % 16) % 16;
      bad_padding.bad_padding_byte = true;
      EXPECT_EQ(
          alert_of(read_one(make(*row, k, etm),
                            openssl_cbc_record(*row, k, etm, 0, 23, content, iv, bad_padding))),
          AlertDescription::bad_record_mac);
    }
  }
}

TEST(Tls12Protection, EncryptThenMacAndMacThenEncryptDoNotOpenEachOther) {
  const SuiteRow& row = row_of(CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256);
  const Keys k = keys_for(row);
  for (bool etm : {false, true}) {
    RecordProtector sealer = make(row, k, etm);
    const Bytes rec = seal(sealer, ContentType::application_data, pattern(48, 1), 0);
    EXPECT_TRUE(read_one(make(row, k, etm), rec).ok());
    EXPECT_EQ(alert_of(read_one(make(row, k, !etm), rec)), AlertDescription::bad_record_mac);
  }
}

TEST(Tls12Protection, RecordsOverTheLimitsFailWithRecordOverflow) {
  for (const Kind& kind : kKinds) {
    SCOPED_TRACE(std::string(name(kind.suite)) + (kind.etm ? " ETM" : ""));
    const SuiteRow& row = row_of(kind.suite);
    const Keys k = keys_for(row);
    RecordProtector p = make(row, k, kind.etm);
    // Authentic, but one byte of content over 2^14 (the protector seals what it is given; the
    // layer would have split it).
    const Bytes over = seal(p, ContentType::application_data, pattern(kMaxPlaintext + 1, 1), 0);
    EXPECT_EQ(alert_of(read_one(make(row, k, kind.etm), over)), AlertDescription::record_overflow);
    // A body over 2^14 + 2048, refused from its header.
    const size_t too_long = 16384 + 2048 + 1;
    const Bytes huge = cat({header(23, too_long), Bytes(too_long)});
    EXPECT_EQ(alert_of(read_one(make(row, k, kind.etm), huge)), AlertDescription::record_overflow);
    // Exactly 2^14 + 2048 is not refused for its length (it fails authentication).
    const size_t longest = 16384 + 2048;
    const Bytes edge = cat({header(23, longest), Bytes(longest)});
    EXPECT_EQ(alert_of(read_one(make(row, k, kind.etm), edge)), AlertDescription::bad_record_mac);
  }
}

TEST(Tls12Protection, EmptyRecordsOtherThanApplicationDataAreRefused) {
  for (const Kind& kind : kKinds) {
    SCOPED_TRACE(std::string(name(kind.suite)) + (kind.etm ? " ETM" : ""));
    const SuiteRow& row = row_of(kind.suite);
    const Keys k = keys_for(row);
    RecordProtector p = make(row, k, kind.etm);
    auto empty_app =
        read_one(make(row, k, kind.etm), seal(p, ContentType::application_data, {}, 0));
    ASSERT_TRUE(empty_app.ok());
    EXPECT_TRUE(empty_app->empty());
    for (ContentType t :
         {ContentType::handshake, ContentType::alert, ContentType::change_cipher_spec}) {
      EXPECT_EQ(alert_of(read_one(make(row, k, kind.etm), seal(p, t, {}, 0))),
                AlertDescription::unexpected_message);
    }
  }
}

// --- The record layer under TLS 1.2's rules ---------------------------------------------------

TEST(Tls12Rules, AreRfc5246sLimitsWithEveryRecordProtectedUnderItsOwnType) {
  // RFC 5246 section 6.2.1: 2^14; section 6.2.3: 2^14 + 2048.
  EXPECT_EQ(kTls12Rules.limits.max_plaintext, size_t{1} << 14);
  EXPECT_EQ(kTls12Rules.limits.max_ciphertext(), (size_t{1} << 14) + 2048);
  const SuiteRow& row = row_of(CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
  const Keys k = keys_for(row);
  RecordLayer w;
  w.set_rules(kTls12Rules);
  // In the clear: a change_cipher_spec; then under the key (application data is allowed at
  // once, TLS 1.2's keys being application keys), a handshake record carrying its own type.
  Bytes wire;
  ASSERT_TRUE(w.write(ContentType::change_cipher_spec, Bytes{1}, wire).ok());
  EXPECT_FALSE(w.write(ContentType::application_data, Bytes{1}, wire).ok());
  w.set_write_protector(make(row, k, false));
  ASSERT_TRUE(w.write(ContentType::handshake, pattern(16, 1), wire).ok());
  ASSERT_TRUE(w.write(ContentType::application_data, pattern(5, 1), wire).ok());
  EXPECT_EQ(wire[6], static_cast<uint8_t>(ContentType::handshake));

  RecordLayer r;
  r.set_rules(kTls12Rules);
  r.skip_early_data(false);
  EXPECT_FALSE(r.skipping_early_data());
  Record rec;
  auto used = r.read_record(std::span<uint8_t>(wire), rec);
  ASSERT_TRUE(used.ok());
  EXPECT_EQ(rec.type, ContentType::change_cipher_spec);
  EXPECT_FALSE(rec.protected_record);
  r.set_read_protector(make(row, k, false));
  std::span<uint8_t> rest = std::span<uint8_t>(wire).subspan(*used);
  auto used2 = r.read_record(rest, rec);
  ASSERT_TRUE(used2.ok()) << used2.error().reason;
  EXPECT_EQ(rec.type, ContentType::handshake);
  EXPECT_TRUE(rec.protected_record);
  auto used3 = r.read_record(rest.subspan(*used2), rec);
  ASSERT_TRUE(used3.ok());
  EXPECT_EQ(rec.type, ContentType::application_data);

  // Once read protection is on, a change_cipher_spec in the clear is a protected record that
  // does not open (unlike TLS 1.3, which passes it on).
  Bytes ccs = {20, 3, 3, 0, 1, 1};
  RecordLayer r12;
  r12.set_rules(kTls12Rules);
  r12.set_read_protector(make(row, k, false));
  EXPECT_EQ(r12.read_record(std::span<uint8_t>(ccs), rec).error().alert,
            AlertDescription::bad_record_mac);
}

// --- The key block ----------------------------------------------------------------------------

TEST(Tls12KeyBlock, HasRfc5246sLengthAndOrder) {
  // RFC 5246 section 6.3: "AES_256_CBC_SHA256 ... requires 2 x 32 byte keys and 2 x 32 byte MAC
  // keys, for a total 128 bytes of key material"; RFC 5288: GCM adds 2 x 4 bytes of salt.
  EXPECT_EQ(tls12_key_block_len(row_of(CipherSuite::TLS_DHE_RSA_WITH_AES_256_CBC_SHA256)), 128u);
  EXPECT_EQ(tls12_key_block_len(row_of(CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)),
            2u * (16 + 4));
  for (const SuiteRow* row : tls12_rows()) {
    SCOPED_TRACE(name(row->suite));
    const Bytes block = pattern(tls12_key_block_len(*row) + 7, 0);
    auto k = split_tls12_key_block(*row, block);
    ASSERT_TRUE(k.ok());
    size_t off = 0;
    for (const Secret* part : {&k->client_mac_key, &k->server_mac_key, &k->client_key,
                               &k->server_key, &k->client_iv, &k->server_iv}) {
      const size_t len = part == &k->client_mac_key || part == &k->server_mac_key ? row->mac_len
                         : part == &k->client_key || part == &k->server_key       ? row->key_len
                                                                            : row->fixed_iv_len;
      EXPECT_EQ(Bytes(part->span().begin(), part->span().end()),
                Bytes(block.begin() + static_cast<ptrdiff_t>(off),
                      block.begin() + static_cast<ptrdiff_t>(off + len)));
      off += len;
    }
    EXPECT_FALSE(
        split_tls12_key_block(*row, ByteView(block).first(tls12_key_block_len(*row) - 1)).ok());
    // A protector from the split parts opens what one from the same keys seals.
    RecordProtector client =
        make(*row,
             Keys{k->client_mac_key.clone(), k->client_key.clone(),
                  Bytes(k->client_iv.span().begin(), k->client_iv.span().end())},
             false);
    EXPECT_TRUE(client.on());
  }
  // Keys of the wrong size, or a TLS 1.3 suite: refused.
  const SuiteRow& gcm = row_of(CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
  Keys k = keys_for(gcm);
  k.iv.push_back(0);
  EXPECT_FALSE(make_tls12_protector(P(), gcm, k.mac_key, k.key, k.iv, false, "x", false).ok());
  const SuiteRow& t13 = row_of(CipherSuite::TLS_AES_128_GCM_SHA256);
  const Keys k13 = keys_for(t13);
  EXPECT_FALSE(
      make_tls12_protector(P(), t13, k13.mac_key, k13.key, k13.iv, false, "x", false).ok());
}

// --- Lucky Thirteen ---------------------------------------------------------------------------

// CountingHmac wraps the provider's HMAC and records how each key was asked to MAC: which call
// and with which public bounds.
struct MacCall {
  bool secret_length = false;
  size_t header = 0;
  size_t data = 0;
  size_t min_len = 0;
};
class CountingHmacKey final : public crypto::HmacKey {
 public:
  CountingHmacKey(std::unique_ptr<crypto::HmacKey> inner, std::vector<MacCall>* calls)
      : inner_(std::move(inner)), calls_(calls) {}
  size_t mac_len() const override { return inner_->mac_len(); }
  Status mac(std::span<const ByteView> parts, std::span<uint8_t> out) override {
    calls_->push_back({false, 0, 0, 0});
    return inner_->mac(parts, out);
  }
  Status mac_secret_length(ByteView header, ByteView data, size_t len, size_t min_len,
                           std::span<uint8_t> out) override {
    calls_->push_back({true, header.size(), data.size(), min_len});
    return inner_->mac_secret_length(header, data, len, min_len, out);
  }

 private:
  std::unique_ptr<crypto::HmacKey> inner_;
  std::vector<MacCall>* calls_;
};
class CountingHmac final : public crypto::Hmac {
 public:
  CountingHmac(const crypto::Hmac* inner, std::vector<MacCall>* calls)
      : inner_(inner), calls_(calls) {}
  size_t mac_len() const override { return inner_->mac_len(); }
  Result<std::unique_ptr<crypto::HmacKey>> new_key(ByteView key) const override {
    GLASSTLS_ASSIGN(auto k, inner_->new_key(key));
    return std::unique_ptr<crypto::HmacKey>(new CountingHmacKey(std::move(k), calls_));
  }

 private:
  const crypto::Hmac* inner_;
  std::vector<MacCall>* calls_;
};

bool same_call(const MacCall& a, const MacCall& b) {
  return a.secret_length == b.secret_length && a.header == b.header && a.data == b.data &&
         a.min_len == b.min_len;
}

TEST(Tls12CbcLuckyThirteen, BadPaddingAndBadMacAskTheSameMacWork) {
  const SuiteRow& row = row_of(CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256);
  std::vector<MacCall> calls;
  CountingHmac counting(P().hmac_sha256, &calls);
  crypto::CryptoProvider provider = P();
  provider.hmac_sha256 = &counting;
  const Keys k = keys_for(row);
  const Bytes iv = random_bytes(16);
  // Each record has 1000 + 32 + 24 = 1056 bytes of plaintext: the same public length. A bad MAC;
  // a padding byte off; a padding_length of 255 reaching back into the content.
  CbcOptions bad_mac;
  bad_mac.bad_mac = true;
  bad_mac.padding_length = 23;
  CbcOptions bad_padding;
  bad_padding.padding_length = 23;
  bad_padding.bad_padding_byte = true;
  CbcOptions bad_length;
  bad_length.padding_length = 255;
  bad_length.bad_padding_byte = true;
  std::vector<std::vector<MacCall>> seen;
  for (const Bytes& rec :
       {openssl_cbc_record(row, k, false, 0, 23, pattern(1000, 3), iv, bad_mac),
        openssl_cbc_record(row, k, false, 0, 23, pattern(1000, 3), iv, bad_padding),
        openssl_cbc_record(row, k, false, 0, 23, pattern(1000 - 232, 3), iv, bad_length)}) {
    ASSERT_EQ(rec.size(), kHeaderLen + 16 + 1056);
    calls.clear();
    EXPECT_EQ(alert_of(read_one(make(row, k, false, provider), rec)),
              AlertDescription::bad_record_mac);
    seen.push_back(calls);
  }
  // One MAC each, over the same public bounds: the whole range of content lengths.
  for (const auto& s : seen) {
    ASSERT_EQ(s.size(), 1u);
    EXPECT_TRUE(s[0].secret_length);
    EXPECT_TRUE(same_call(s[0], seen[0][0]));
    EXPECT_EQ(s[0].data, 1056u - 32u);
    EXPECT_EQ(s[0].min_len, 1056u - 32u - 256u);
  }
}

TEST(Tls12Rules, ARecordOfAnotherVersionIsProtocolVersion) {
  // Under TLS 1.2's rules every record carries 3.3; TLS 1.3's ignore the field.
  const Bytes tls11 = {23, 3, 2, 0, 1, 0};
  auto r12 = RecordLayer::record_len(tls11, kTls12Rules);
  ASSERT_FALSE(r12.ok());
  EXPECT_EQ(r12.error().alert, AlertDescription::protocol_version);
  auto r13 = RecordLayer::record_len(tls11, kTls13Rules);
  ASSERT_TRUE(r13.ok());
  EXPECT_EQ(*r13, tls11.size());
  const Bytes tls12 = {23, 3, 3, 0, 1, 0};
  auto ok = RecordLayer::record_len(tls12, kTls12Rules);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, tls12.size());
}

}  // namespace
}  // namespace glasstls::record
