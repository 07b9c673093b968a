// protector.h: record protection, one direction's sealing and opening of single records.
//
// The record layer (record_layer.h) frames records, counts sequence numbers and enforces the
// size limits of the protocol version; a RecordProtector turns one record's content into its
// protected form and back. A RecordProtector holds one kind of protection in a variant, inline
// (the layer keeps one per direction in every connection: no allocation, no virtual call).
// Tls13AeadProtector is TLS 1.3's kind (RFC 8446 section 5.2): an AEAD under a per-record
// nonce, the content type inside the encryption, outer type application_data. TLS 1.2's AEAD
// suites (an explicit nonce in each record) and CBC suites with encrypt-then-MAC (RFC 7366) are
// other kinds beside it in the variant, chosen from the suite table (crypto/suites.h).
//
// A protector seals from the caller's content straight into the record (one pass) and opens
// into any destination, the record's own bytes included (in place). It allocates nothing per
// record.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <variant>

#include "base/bytes.h"
#include "base/result.h"
#include "glasstls/crypto.h"
#include "glasstls/secret.h"
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
  // padding is the number of zero bytes stripped after the content type (TLS 1.3).
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
  // overhead is how many bytes a sealed record's body adds to its content.
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
  // otherwise).
  const Secret& trace_key() const;

 protected:
  // The default ProtectorBase is that of no protection: no overhead, no label, no key.
  constexpr ProtectorBase() = default;
  ProtectorBase(size_t overhead, size_t min_body, const char* label, bool application,
                Secret trace_key);

 private:
  const char* label_ = "";
  // trace_key_ is null unless a trace that shows secrets is attached: boxed, so that the usual
  // protector pays 8 bytes for it, not a Secret's 24.
  std::unique_ptr<Secret> trace_key_;
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

// RecordProtector is one direction's record protection under one key, of whichever kind: none
// (a default RecordProtector: records go in the clear) or Tls13AeadProtector; TLS 1.2's kinds
// join the variant beside it. The kind is held inline, with no allocation and no virtual call:
// each call dispatches on the variant. With none installed, the sizes are 0, the label is empty,
// there is no key, and seal and open fail with internal_error.
class RecordProtector {
 public:
  RecordProtector() = default;
  explicit RecordProtector(Tls13AeadProtector p) : kind_(std::move(p)) {}

  // on is true once a protection is installed.
  bool on() const { return !std::holds_alternative<std::monostate>(kind_); }

  size_t overhead() const { return base().overhead(); }
  size_t min_body() const { return base().min_body(); }
  const char* label() const { return base().label(); }
  bool application() const { return base().application(); }
  const Secret& trace_key() const { return base().trace_key(); }

  // seal, open, nonce_for_trace and key_usage_limit are the kind's own (see
  // Tls13AeadProtector). The calls on every record dispatch inline, one test per kind.
  Status seal(ContentType type, ByteView content, uint64_t seq, std::span<uint8_t> record) {
    if (auto* k = std::get_if<Tls13AeadProtector>(&kind_)) {
      return k->seal(type, content, seq, record);
    }
    return no_protection();
  }
  Status open(ByteView record, uint64_t seq, std::span<uint8_t> dest, size_t max_plaintext,
              OpenedRecord& out) {
    if (auto* k = std::get_if<Tls13AeadProtector>(&kind_)) {
      return k->open(record, seq, dest, max_plaintext, out);
    }
    out = OpenedRecord{};
    return no_protection();
  }
  Bytes nonce_for_trace(uint64_t seq) const;
  uint64_t key_usage_limit() const {
    const auto* k = std::get_if<Tls13AeadProtector>(&kind_);
    return k != nullptr ? k->key_usage_limit() : 0;
  }

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
    return kNone;
  }
  // no_protection is the internal_error of sealing or opening with no protection installed.
  static Error no_protection();

  std::variant<std::monostate, Tls13AeadProtector> kind_;
};

}  // namespace glasstls::record
