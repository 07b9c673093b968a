// protector.h: record protection, one direction's sealing and opening of single records.
//
// The record layer (record_layer.h) frames records, counts sequence numbers and enforces the
// size limits of the protocol version; a RecordProtector turns one record's content into its
// protected form and back. A RecordProtector holds one kind of protection in a variant, inline
// (the layer keeps one per direction in every connection: no allocation, no virtual call).
// Tls13AeadProtector is TLS 1.3's kind (RFC 8446 section 5.2): an AEAD under a per-record
// nonce, the content type inside the encryption, outer type application_data. TLS 1.2 has two
// more kinds beside it in the variant, chosen from the suite table (crypto/suites.h) by
// make_tls12_protector: Tls12AeadProtector (RFC 5246 section 6.2.3.3: AES-GCM with an explicit
// nonce in each record, ChaCha20-Poly1305 without) and Tls12CbcProtector (RFC 5246 section
// 6.2.3.2: AES-CBC with HMAC, MAC-then-encrypt or, when negotiated, encrypt-then-MAC per
// RFC 7366).
//
// A protector seals from the caller's content straight into the record (one pass) and opens
// into any destination, the record's own bytes included (in place). It allocates nothing per
// record.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/suites.h"
#include "glasstls/crypto.h"
#include "glasstls/secret.h"
#include "glasstls/trace.h"
#include "glasstls/types.h"

namespace glasstls::record {

constexpr size_t kHeaderLen = 5;
// RFC 8446 section 5.1: "The length MUST NOT exceed 2^14 bytes."
constexpr size_t kMaxPlaintext = 16384;
// RFC 8446 section 5.2: "The length MUST NOT exceed 2^14 + 256 bytes."
constexpr size_t kMaxCiphertext = 16384 + 256;
constexpr size_t kTagLen = 16;

// RecordLimits are the record sizes a protocol version allows.
struct RecordLimits {
  // max_plaintext bounds a TLSPlaintext fragment (and the content of a protected record).
  size_t max_plaintext = kMaxPlaintext;
  // max_expansion is how much longer than max_plaintext a protected record's body may be.
  size_t max_expansion = kMaxCiphertext - kMaxPlaintext;
  size_t max_ciphertext() const { return max_plaintext + max_expansion; }
};
// kTls13Limits: 2^14 and 2^14 + 256 (RFC 8446 sections 5.1 and 5.2).
inline constexpr RecordLimits kTls13Limits{};
// kTls12Limits: 2^14 and 2^14 + 2048 (RFC 5246 sections 6.2.1 and 6.2.3).
inline constexpr RecordLimits kTls12Limits{kMaxPlaintext, 2048};

// known_content_type says whether `t` is one of the four TLS 1.3 record content types.
bool known_content_type(uint8_t t);

// record_overflow is the record_overflow error a too-long record gets.
Error record_overflow(std::string reason);

// limit_text writes a record size limit for an error: "2^14" for 16384, else the number.
std::string limit_text(size_t n);

// OpenedRecord is what RecordProtector::open found in one record.
struct OpenedRecord {
  // authentic is true once the record passed authentication (even if it is rejected after).
  bool authentic = false;
  ContentType type{};
  // content points into the destination given to open.
  ByteView content;
  // padding is the number of zero bytes stripped after the content type (TLS 1.3), or the
  // CBC padding's length with its padding_length byte (TLS 1.2 CBC, padding_length + 1).
  size_t padding = 0;
  // plaintext is everything the record decrypted to (in TLS 1.3 the whole TLSInnerPlaintext),
  // in the destination given to open; set once the record is authentic, even if it is then
  // rejected, so that a dissector can still show what the peer sent.
  ByteView plaintext;
};

// ProtectorBase is what every kind of protector has: its sizes, the name and kind of its key,
// the key's copy for traces, and nothing virtual (the kinds are held in a RecordProtector's
// variant, not behind a pointer). Its fields are narrow and packed, and a kind's own fields
// follow in its tail padding: every connection holds one protector per direction.
class ProtectorBase {
 public:
  // overhead is how many bytes a sealed record's body adds to its content: exactly for the
  // AEAD kinds, at most for CBC (whose padding fills the last block; see body_len).
  size_t overhead() const { return overhead_; }
  // min_body is the shortest record body that can be opened at all.
  size_t min_body() const { return min_body_; }
  // label names the traffic secret the key came from ("server handshake"), for traces.
  const char* label() const { return label_; }
  // application is true for application traffic keys (and, later, early data keys): only
  // under such a key may application_data be sent (RFC 8446 section 5.1: "application_data
  // records ... MUST NOT be sent" before keys for it exist; see RecordLayer::write).
  bool application() const { return application_; }
  // trace_key holds a copy of the key only while a trace that shows secrets is attached (empty
  // otherwise); trace_mac_key likewise the MAC key of a TLS 1.2 CBC protector.
  const Secret& trace_key() const;
  const Secret& trace_mac_key() const;

 protected:
  // The default ProtectorBase is that of no protection: no overhead, no label, no key.
  constexpr ProtectorBase() = default;
  ProtectorBase(size_t overhead, size_t min_body, const char* label, bool application,
                Secret trace_key, Secret trace_mac_key = Secret());

 private:
  struct TraceKeys {
    Secret key;
    Secret mac_key;
  };
  const char* label_ = "";
  // trace_keys_ is null unless a trace that shows secrets is attached: boxed, so that the usual
  // protector pays 8 bytes for it, not two Secrets' 48.
  std::unique_ptr<TraceKeys> trace_keys_;
  // A record's overhead is at most 2^8 bytes (RFC 8446 section 5.2), far below 2^16.
  uint16_t overhead_ = 0;
  uint16_t min_body_ = 0;
  bool application_ = false;
};

// Protection is the key material of one direction's TLS 1.3 record protection: the AEAD key,
// the static IV, and the sequence number to start from.
struct Protection {
  const crypto::Aead* aead = nullptr;
  std::unique_ptr<crypto::AeadKey> key;
  uint8_t iv[12] = {};
  uint64_t seq = 0;
  // label names the traffic secret the key came from ("server handshake"), for traces.
  const char* label = "";
  // application marks application traffic keys (RecordProtector::application).
  bool application = false;
  // trace_key holds a copy of the AEAD key only while a trace that shows secrets is attached.
  Secret trace_key;

  // nonce writes the per-record nonce for the current sequence number (section 5.3).
  void nonce(uint8_t out[12]) const;
};

// make_protection makes one direction's TLS 1.3 protection from the key and IV the key
// schedule derived from a traffic secret (RFC 8446 section 7.3: `iv` is 12 bytes), under
// `aead`. With `keep_trace_key` the protection keeps a copy of the key for a trace that shows
// secrets. The connection and the dissector both install keys through it.
Result<Protection> make_protection(const crypto::Aead& aead, const Secret& key, ByteView iv,
                                   const char* label, bool application, bool keep_trace_key);

// aead_cipher_name names `aead` as OpenSSL does: "AES-128-GCM", "AES-256-GCM",
// "ChaCha20-Poly1305".
const char* aead_cipher_name(crypto::AeadId aead);

// tls13_nonce writes the per-record nonce of sequence number `seq` under `iv` (section 5.3).
void tls13_nonce(const uint8_t iv[12], uint64_t seq, uint8_t out[12]);

// Tls13AeadProtector is TLS 1.3 record protection (RFC 8446 section 5.2):
//
//   TLSCiphertext = application_data || 0x0303 || length || AEAD(TLSInnerPlaintext)
//   TLSInnerPlaintext = content || ContentType || zeros
//
// sealed under the nonce static IV XOR sequence number, with the record header as additional
// data. It seals with no padding and opens any padding.
class Tls13AeadProtector final : public ProtectorBase {
 public:
  // Tls13AeadProtector takes the key, IV, label, application flag and trace key of `p` (its
  // `seq` is the record layer's business). `p.aead` and `p.key` must be set.
  explicit Tls13AeadProtector(Protection p);

  // seal writes the record carrying `content` of `type` under sequence number `seq` into
  // `record`: the header and the body, kHeaderLen + content.size() + overhead() bytes. `content`
  // is only read, and must not overlap `record`. Fails only on an internal error (a wrong
  // `record` size, the AEAD failing); `record` is then unspecified.
  Status seal(ContentType type, ByteView content, uint64_t seq, std::span<uint8_t> record);

  // open authenticates and decrypts `record` (a whole record, header included, with a body of at
  // least min_body() bytes) under sequence number `seq` into `dest`, which may be the record's
  // own body (in place) or separate bytes that do not overlap it, and must hold at least the
  // body's ciphertext. A record that fails authentication is not an error: `out.authentic` stays
  // false. Errors: internal_error (`dest` too small); for an authentic record, record_overflow
  // (content over `max_plaintext`) and unexpected_message (a malformed or forbidden inner
  // content type), with `out.plaintext` set. The contents of `dest` are unspecified after any
  // other failure.
  Status open(ByteView record, uint64_t seq, std::span<uint8_t> dest, size_t max_plaintext,
              OpenedRecord& out);

  // nonce_for_trace returns the nonce record `seq` uses, for traces.
  Bytes nonce_for_trace(uint64_t seq) const;
  // cipher_name names the AEAD as OpenSSL does ("AES-128-GCM"), for traces.
  const char* cipher_name() const { return aead_cipher_name(aead_); }

  // key_usage_limit is how many records the key may protect: the suite table's limit for its
  // AEAD (crypto/suites.h), rounded down to a power of two and kept as its exponent, which
  // fits in padding (the record layer asks on every write).
  uint64_t key_usage_limit() const { return uint64_t{1} << limit_log2_; }

 private:
  // Declared before key_, these fit in ProtectorBase's tail padding.
  uint8_t iv_[12];
  uint8_t tag_len_;
  crypto::AeadId aead_;
  uint8_t limit_log2_;
  std::unique_ptr<crypto::AeadKey> key_;
};

// tls12_additional_data writes the 13 bytes RFC 5246 puts before a TLS 1.2 record's content
// in its AEAD additional data and in its MAC: seq_num || type || version (0x0303) || length.
void tls12_additional_data(uint64_t seq, ContentType type, size_t length, uint8_t out[13]);

// Tls12AeadProtector is TLS 1.2 AEAD record protection (RFC 5246 section 6.2.3.3):
//
//   TLSCiphertext = type || 0x0303 || length || nonce_explicit || AEAD(content)
//   additional_data = seq_num || type || 0x0303 || length of content
//
// AES-GCM (RFC 5288 section 3): the nonce is the 4-byte salt (the key block's write IV) and the
// 8-byte nonce_explicit carried in the record, for which this protector seals the sequence number
// (unique per key) and opens whatever the peer chose. ChaCha20-Poly1305 (RFC 7905 section 2):
// the 12-byte write IV XOR the padded sequence number, as TLS 1.3's, and nothing explicit.
class Tls12AeadProtector final : public ProtectorBase {
 public:
  // Tls12AeadProtector takes a key of `aead` and the write IV: 4 bytes (the salt, with an
  // 8-byte explicit nonce in each record) or 12 (the nonce's mask, nothing explicit).
  // `usage_limit` is the suite's key usage limit. Use make_tls12_protector.
  Tls12AeadProtector(const crypto::Aead& aead, std::unique_ptr<crypto::AeadKey> key, ByteView iv,
                     uint64_t usage_limit, const char* label, Secret trace_key);

  // seal, open, nonce_for_trace and key_usage_limit are as Tls13AeadProtector's, for TLS 1.2's
  // record: the record carries `type` as its own outer type, and open returns the outer type.
  // open fails (besides internal_error) with record_overflow (content over `max_plaintext`)
  // and unexpected_message (an empty handshake, alert or change_cipher_spec record), with
  // `out.authentic` and `out.plaintext` set.
  Status seal(ContentType type, ByteView content, uint64_t seq, std::span<uint8_t> record);
  Status open(ByteView record, uint64_t seq, std::span<uint8_t> dest, size_t max_plaintext,
              OpenedRecord& out);
  // nonce_for_trace is the nonce record `seq` is sealed under (a received GCM record's nonce
  // comes from its nonce_explicit: see RecordProtector::detail).
  Bytes nonce_for_trace(uint64_t seq) const;
  uint64_t key_usage_limit() const { return uint64_t{1} << limit_log2_; }
  size_t explicit_nonce_len() const { return explicit_len_; }
  const char* cipher_name() const { return aead_cipher_name(aead_); }

 private:
  // nonce writes the nonce of sequence number `seq` carrying `explicit_nonce` (GCM's 8 bytes).
  void nonce(uint64_t seq, const uint8_t* explicit_nonce, uint8_t out[12]) const;

  // Declared before key_, these fit in ProtectorBase's tail padding.
  uint8_t iv_[12];
  uint8_t explicit_len_;
  uint8_t tag_len_;
  uint8_t limit_log2_;
  crypto::AeadId aead_;
  std::unique_ptr<crypto::AeadKey> key_;
};

// Tls12CbcProtector is TLS 1.2 CBC record protection (RFC 5246 section 6.2.3.2, RFC 7366):
//
//   MAC-then-encrypt: type || 0x0303 || length || IV || CBC(content || MAC || padding)
//     MAC = HMAC(mac_key, seq_num || type || 0x0303 || length of content || content)
//   encrypt-then-MAC: type || 0x0303 || length || IV || CBC(content || padding) || MAC
//     MAC = HMAC(mac_key, seq_num || type || 0x0303 || length of IV and ciphertext || IV ||
//                ciphertext)
//
// with padding = padding_length + 1 bytes of value padding_length. It seals with a fresh random
// IV and the least padding, and opens any padding. Opening MAC-then-encrypt takes the same time
// whether the padding or the MAC is wrong (Lucky Thirteen): the padding is checked without
// branching on it, and the MAC is computed with the same hash work for every padding length
// (HmacKey::mac_secret_length) and taken from the record without a secret-dependent address.
class Tls12CbcProtector final : public ProtectorBase {
 public:
  static constexpr size_t kBlockLen = 16;

  // Tls12CbcProtector takes one direction's CBC key (of `key_len` bytes) and HMAC key, the
  // provider's Random (for the IVs; it must outlive the protector) and the record layout. Use
  // make_tls12_protector.
  Tls12CbcProtector(std::unique_ptr<crypto::CbcKey> key, size_t key_len,
                    std::unique_ptr<crypto::HmacKey> mac, const crypto::Random& random,
                    bool encrypt_then_mac, const char* label, Secret trace_key,
                    Secret trace_mac_key);

  // body_len is the length of a sealed record's body for `content_len` bytes of content.
  size_t body_len(size_t content_len) const;
  // seal and open are as Tls12AeadProtector's. open fails with bad_record_mac for a body that
  // is not a whole number of blocks (and, under encrypt-then-MAC, for bad padding after a good
  // MAC, `out.authentic` set); a record whose MAC or padding is wrong under MAC-then-encrypt,
  // or whose MAC is wrong under encrypt-then-MAC, is not authentic.
  Status seal(ContentType type, ByteView content, uint64_t seq, std::span<uint8_t> record);
  Status open(ByteView record, uint64_t seq, std::span<uint8_t> dest, size_t max_plaintext,
              OpenedRecord& out);
  // nonce_for_trace is empty: a CBC record's IV is in the record (RecordProtector::detail).
  Bytes nonce_for_trace(uint64_t) const { return {}; }
  uint64_t key_usage_limit() const { return uint64_t{1} << 62; }
  bool encrypt_then_mac() const { return etm_; }
  size_t mac_len() const { return mac_len_; }
  const char* cipher_name() const { return key_len_ == 16 ? "AES-128-CBC" : "AES-256-CBC"; }
  // decrypt_for_trace decrypts the body of `record` (after the IV, before an encrypt-then-MAC
  // MAC) without checking anything, for RecordProtector::detail. Empty on failure.
  Bytes decrypt_for_trace(ByteView record) const;

 private:
  Status open_mac_then_encrypt(ByteView record, uint64_t seq, std::span<uint8_t> dest,
                               OpenedRecord& out);
  Status open_encrypt_then_mac(ByteView record, uint64_t seq, std::span<uint8_t> dest,
                               OpenedRecord& out);

  // Declared before the pointers, these fit in ProtectorBase's tail padding.
  uint8_t mac_len_;
  bool etm_;
  uint8_t key_len_;
  const crypto::Random* random_;
  std::unique_ptr<crypto::CbcKey> key_;
  std::unique_ptr<crypto::HmacKey> mac_;
};

// Tls12KeyBlock is the key block of RFC 5246 section 6.3 split into its parts, in its order
// (client MAC key, server MAC key, client key, server key, client IV, server IV). Parts the
// suite does not use are empty.
struct Tls12KeyBlock {
  Secret client_mac_key;
  Secret server_mac_key;
  Secret client_key;
  Secret server_key;
  Secret client_iv;
  Secret server_iv;
};

// tls12_key_block_len is how many bytes of key block a TLS 1.2 suite takes:
// 2 * (mac_len + key_len + fixed_iv_len).
size_t tls12_key_block_len(const crypto::SuiteRow& row);

// split_tls12_key_block splits `block` (at least tls12_key_block_len(row) bytes; extra bytes are
// ignored) into its parts. Fails with internal_error when it is shorter.
Result<Tls12KeyBlock> split_tls12_key_block(const crypto::SuiteRow& row, ByteView block);

// RecordDetail is what a record's protection put around its content, for the illustrated view
// (RecordProtector::detail). Fields that do not apply to the kind are empty.
struct RecordDetail {
  // nonce is the AEAD nonce (TLS 1.3, TLS 1.2 AEAD).
  Bytes nonce;
  // explicit_nonce is what the body carries in front of the ciphertext: GCM's nonce_explicit
  // (8 bytes), CBC's IV (16 bytes).
  Bytes explicit_nonce;
  // additional_data is the AEAD's additional data (TLS 1.3: the header; TLS 1.2: seq_num ||
  // type || version || length). CBC: the first 13 bytes of the MAC's input, in the same form,
  // followed in the MAC's input by the content (MAC-then-encrypt) or by the IV and ciphertext
  // (encrypt-then-MAC, and then length counts those).
  Bytes additional_data;
  // ciphertext is the encrypted part of the body (without explicit nonce, tag or MAC).
  Bytes ciphertext;
  // mac is the AEAD tag, or the CBC MAC (decrypted, under MAC-then-encrypt).
  Bytes mac;
  // padding is the CBC padding with its padding_length byte, decrypted.
  Bytes padding;
  bool encrypt_then_mac = false;
};

// RecordProtector is one direction's record protection under one key, of whichever kind: none
// (a default RecordProtector: records go in the clear), Tls13AeadProtector, or TLS 1.2's
// Tls12AeadProtector and Tls12CbcProtector. The kind is held inline, with no allocation and no
// virtual call: each call dispatches on the variant, testing TLS 1.3's kind first, inline, and
// passing TLS 1.2's to out-of-line code. With none installed, the sizes are 0, the label is
// empty, there is no key, and seal and open fail with internal_error.
class RecordProtector {
 public:
  RecordProtector() = default;
  explicit RecordProtector(Tls13AeadProtector p) : kind_(std::move(p)) {}
  explicit RecordProtector(Tls12AeadProtector p) : kind_(std::move(p)) {}
  explicit RecordProtector(Tls12CbcProtector p) : kind_(std::move(p)) {}

  // on is true once a protection is installed.
  bool on() const { return !std::holds_alternative<std::monostate>(kind_); }

  size_t overhead() const { return base().overhead(); }
  size_t min_body() const { return base().min_body(); }
  const char* label() const { return base().label(); }
  bool application() const { return base().application(); }
  const Secret& trace_key() const { return base().trace_key(); }
  // cipher_name names the cipher as OpenSSL does ("AES-128-GCM", "ChaCha20-Poly1305",
  // "AES-256-CBC"), for traces; "" with no protection.
  const char* cipher_name() const;

  // body_len is the length of a sealed record's body for `content_len` bytes of content
  // (content_len + overhead() but for CBC, whose padding fills the last block).
  size_t body_len(size_t content_len) const {
    if (const auto* k = std::get_if<Tls13AeadProtector>(&kind_)) {
      return content_len + k->overhead();
    }
    return tls12_body_len(content_len);
  }

  // seal, open, nonce_for_trace and key_usage_limit are the kind's own (see
  // Tls13AeadProtector). The calls on every record dispatch inline for TLS 1.3, and out of line
  // for the other kinds.
  Status seal(ContentType type, ByteView content, uint64_t seq, std::span<uint8_t> record) {
    if (auto* k = std::get_if<Tls13AeadProtector>(&kind_)) {
      return k->seal(type, content, seq, record);
    }
    return tls12_seal(type, content, seq, record);
  }
  Status open(ByteView record, uint64_t seq, std::span<uint8_t> dest, size_t max_plaintext,
              OpenedRecord& out) {
    if (auto* k = std::get_if<Tls13AeadProtector>(&kind_)) {
      return k->open(record, seq, dest, max_plaintext, out);
    }
    return tls12_open(record, seq, dest, max_plaintext, out);
  }
  Bytes nonce_for_trace(uint64_t seq) const;
  uint64_t key_usage_limit() const;

  // detail says what protection put around the content of `record` (a whole record this
  // protector sealed or opened, under sequence number `seq`), for the illustrated view: the
  // nonce, the explicit nonce or IV, the additional data or the MAC's header, the tag or MAC and
  // the padding. It decrypts CBC records again (and so may be slow); it checks nothing.
  // nullopt with no protection installed, or for a record too short for the kind.
  std::optional<RecordDetail> detail(ByteView record, uint64_t seq) const;

  // trace_tls12 fills in the parts of `record` (a whole TLS 1.2 record this protector sealed or
  // opened under sequence number `seq`) in `out` for the trace: out.protection from detail(),
  // and, with `secrets`, out.nonce (from the record's own nonce_explicit for GCM). It returns
  // false, changing nothing, for TLS 1.3's kind, no protection, or a record detail() cannot
  // take apart.
  bool trace_tls12(ByteView record, uint64_t seq, bool secrets, TraceRecord& out) const;

  // tls12_aead and tls12_cbc are the TLS 1.2 kinds, when installed (null otherwise).
  const Tls12AeadProtector* tls12_aead() const { return std::get_if<Tls12AeadProtector>(&kind_); }
  const Tls12CbcProtector* tls12_cbc() const { return std::get_if<Tls12CbcProtector>(&kind_); }

 private:
  // None is what base() answers when no protection is on.
  struct None final : ProtectorBase {
    constexpr None() = default;
  };
  static inline constinit const None kNone{};

  // base is the common part of the installed kind (kNone when none is).
  const ProtectorBase& base() const {
    if (const auto* k = std::get_if<Tls13AeadProtector>(&kind_)) {
      return *k;
    }
    if (const auto* k = std::get_if<Tls12AeadProtector>(&kind_)) {
      return *k;
    }
    if (const auto* k = std::get_if<Tls12CbcProtector>(&kind_)) {
      return *k;
    }
    return kNone;
  }
  // no_protection is the internal_error of sealing or opening with no protection installed.
  static Error no_protection();
  // The out-of-line halves of body_len, seal and open: the TLS 1.2 kinds, and none.
  size_t tls12_body_len(size_t content_len) const;
  Status tls12_seal(ContentType type, ByteView content, uint64_t seq, std::span<uint8_t> record);
  Status tls12_open(ByteView record, uint64_t seq, std::span<uint8_t> dest, size_t max_plaintext,
                    OpenedRecord& out);

  std::variant<std::monostate, Tls13AeadProtector, Tls12AeadProtector, Tls12CbcProtector> kind_;
};

// make_tls12_protector makes one direction's TLS 1.2 record protection for `row` (a TLS 1.2
// suite) from that direction's MAC key, encryption key and IV (a Tls12KeyBlock's parts), with
// encrypt-then-MAC when negotiated (RFC 7366; only meaningful for CBC suites, ignored for AEAD
// ones). The keys are application keys (TLS 1.2 has no others: the handshake installs them at
// ChangeCipherSpec, and the record layer starts the sequence number at 0). With
// `keep_trace_key` the protector keeps a copy of the encryption key (and of a CBC suite's MAC
// key) for a trace that shows secrets. Fails with internal_error for a row that is not TLS 1.2,
// keys of the wrong sizes, or a primitive the provider lacks.
Result<RecordProtector> make_tls12_protector(const crypto::CryptoProvider& provider,
                                             const crypto::SuiteRow& row, const Secret& mac_key,
                                             const Secret& key, ByteView iv, bool encrypt_then_mac,
                                             const char* label, bool keep_trace_key);

}  // namespace glasstls::record
