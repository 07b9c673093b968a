// record_layer.h: TLS record framing (RFC 8446 section 5).
//
//   struct {                                 struct {
//     ContentType type;                        ContentType opaque_type = application_data;
//     ProtocolVersion legacy_record_version;   ProtocolVersion legacy_record_version = 0x0303;
//     uint16 length;                           uint16 length;
//     opaque fragment[length];                 opaque encrypted_record[length];
//   } TLSPlaintext;                          } TLSCiphertext;
//
// The layer frames and splits records, counts each direction's sequence numbers, refuses
// application data in the clear, and applies the record rules of the protocol version, which
// it is given as data (RecordRules, kTls13Rules): the record size limits, whether protected
// records all carry outer type application_data (TLS 1.3) or their own type (TLS 1.2), and
// whether a server may skip 0-RTT data it does not accept (TLS 1.3 only). Sealing and opening
// one record is the job of each direction's RecordProtector (protector.h): Tls13AeadProtector
// today, which carries TLSInnerPlaintext = content || ContentType || zeros, sealed with the AEAD
// under a per-record nonce: the static IV XOR the 64-bit sequence number (section 5.3).
//
// Each byte of a record is touched once: write() seals straight from the caller's plaintext
// into the output buffer, and read_record() decrypts from wherever the ciphertext is (in place,
// or into a destination the caller picks, such as the tail of its application read buffer).
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/buffer.h"
#include "base/bytes.h"
#include "base/result.h"
#include "glasstls/crypto.h"
#include "glasstls/secret.h"
#include "glasstls/types.h"
#include "record/protector.h"

namespace glasstls::record {

// Record is one received record after deprotection. fragment points into the caller's buffer:
// the received bytes for an unprotected record, the decryption destination for a protected one.
struct Record {
  ContentType type{};
  ByteView fragment;
  // protected_record is true when the record was decrypted.
  bool protected_record = false;
  // skipped is true for a 0-RTT record passed over unread (RecordLayer::skip_early_data):
  // there is no content.
  bool skipped = false;
};

// RecordTap sees every record the layer reads or writes. It is only installed when a trace is
// attached; without one the layer does no extra work.
class RecordTap {
 public:
  virtual ~RecordTap() = default;
  // on_record reports one record: `wire` as it is on the wire (ciphertext for protected
  // records), `content` the plaintext content, `padding` the zero bytes stripped, and `p` the
  // protector that applied (nullptr when unprotected; `seq` is the sequence number it used).
  virtual void on_record(bool sent, ContentType type, ByteView wire, ByteView content,
                         size_t padding, const RecordProtector* p, uint64_t seq) = 0;
};

// kMaxSkippedEarlyData bounds the 0-RTT data a server that does not accept early data skips
// (RFC 8446 section 4.2.10 says "up to the configured max_early_data_size"; glasstls issues no
// tickets of its own, so this is the most it will read past for a client that holds a ticket
// from another server). Counted as the record payload without tag and content type byte.
constexpr size_t kMaxSkippedEarlyData = 64 * 1024;
static_assert(kMaxSkippedEarlyData < UINT32_MAX);

// RecordRules are the record rules of one protocol version, the data that makes the layer's
// logic that version's. A layer holds a pointer to them (a connection pays 8 bytes for its
// rules): each version's are one static constant, such as kTls13Rules.
struct RecordRules {
  // limits are the record sizes the version allows.
  RecordLimits limits;
  // protected_outer_type_fixed: every protected record carries outer type application_data and
  // its real content type inside the protection (TLS 1.3, RFC 8446 section 5.2). Once read
  // protection is on, a record of any other outer type is then unprotected: change_cipher_spec
  // is passed on in the clear (the caller decides when that is allowed, section 5), anything
  // else is refused. When false (TLS 1.2), once read protection is on every record is
  // protected, under its own outer type.
  bool protected_outer_type_fixed = true;
  // skips_early_data: a server may be told to pass over 0-RTT records it does not accept
  // (RFC 8446 section 4.2.10; RecordLayer::skip_early_data). A version without 0-RTT has
  // nothing to skip.
  bool skips_early_data = true;
  // record_version_checked: every record's legacy_record_version must be TLS 1.2's 0x0303, as
  // TLS 1.2 records carry the negotiated version (RFC 5246 section 6.2.1); a record of another
  // version ends the connection with protocol_version. TLS 1.3 ignores the field (RFC 8446
  // section 5.1).
  bool record_version_checked = false;
};
// kTls13Rules are TLS 1.3's: kTls13Limits, outer type application_data when protected, 0-RTT
// skipping.
inline constexpr RecordRules kTls13Rules{kTls13Limits, true, true};
// kTls12Rules are TLS 1.2's: kTls12Limits (2^14 and 2^14 + 2048), every record under its own
// outer type and protected once read protection is on (the handshake installs it at
// ChangeCipherSpec), no 0-RTT, the record version checked.
inline constexpr RecordRules kTls12Rules{kTls12Limits, false, false, true};

// key_usage_limit is how many records may be protected under one key of `id` before a KeyUpdate
// is due: the suite table's limit (crypto/suites.h, RFC 8446 section 5.5).
uint64_t key_usage_limit(crypto::AeadId id);

class RecordLayer {
 public:
  // set_read_protector and set_write_protector install a direction's new protection, starting
  // at sequence number `seq` (zero: section 5.3, "reset to zero whenever the key is changed").
  void set_read_protector(RecordProtector p, uint64_t seq = 0) {
    read_ = std::move(p);
    read_seq_ = seq;
    if (skip_ == Skip::kUnprotected) {
      skip_ = Skip::kNone;
    }
  }
  void set_write_protector(RecordProtector p, uint64_t seq = 0) {
    write_ = std::move(p);
    write_seq_ = seq;
  }
  // set_read_protection and set_write_protection install TLS 1.3 AEAD protection
  // (Tls13AeadProtector) with `p`'s keys, from sequence number `p.seq`.
  void set_read_protection(Protection p) {
    const uint64_t seq = p.seq;
    set_read_protector(RecordProtector(Tls13AeadProtector(std::move(p))), seq);
  }
  void set_write_protection(Protection p) {
    const uint64_t seq = p.seq;
    set_write_protector(RecordProtector(Tls13AeadProtector(std::move(p))), seq);
  }
  // set_rules sets the version's record rules (kTls13Rules until changed). `rules` must outlive
  // the layer, as the static kXxxRules constants do.
  void set_rules(const RecordRules& rules) { rules_ = &rules; }
  const RecordRules& rules() const { return *rules_; }
  void set_tap(RecordTap* tap) { tap_ = tap; }
  bool read_protected() const { return read_.on(); }
  // skip_early_data makes the layer pass over 0-RTT records the server does not accept
  // (RFC 8446 section 4.2.10), up to kMaxSkippedEarlyData in all. With `unprotected_phase`
  // (after a HelloRetryRequest, before the second ClientHello) every record of outer type
  // application_data is skipped until read protection is installed; otherwise (after a
  // ServerHello) records that fail to deprotect under the current key are skipped until one
  // deprotects. A skipped record is returned with Record::skipped set. Skipping more than the
  // budget fails with unexpected_message. Under rules without 0-RTT (skips_early_data false)
  // it does nothing: application data before the keys is then refused as usual.
  void skip_early_data(bool unprotected_phase) {
    if (rules_->skips_early_data) {
      skip_ = unprotected_phase ? Skip::kUnprotected : Skip::kUndecryptable;
    }
  }
  bool skipping_early_data() const { return skip_ != Skip::kNone; }
  uint64_t write_seq() const { return write_seq_; }
  uint64_t read_seq() const { return read_seq_; }
  // write_key_exhausted says the sending key has reached its usage limit: the connection must
  // update its key before sending more.
  bool write_key_exhausted() const;

  // record_len reads the header at the front of `buf`: the length of the whole record, header
  // included, once the kHeaderLen header bytes are there, and 0 before. It fails on what the
  // header alone decides: an unknown content type (unexpected_message) and a length over
  // `rules.limits.max_ciphertext()`, 2^14 + 256 in TLS 1.3 (record_overflow). read_record makes
  // the same checks with the layer's rules.
  static Result<size_t> record_len(ByteView buf, const RecordRules& rules = kTls13Rules);
  // next_record_len is record_len under the layer's own rules.
  Result<size_t> next_record_len(ByteView buf) const { return record_len(buf, *rules_); }

  // read_record takes one record from the front of `buf`, deprotecting it in place. It returns
  // the number of bytes the record used, or 0 if `buf` does not yet hold a whole record.
  // Once read protection is on, what may still arrive unprotected is the rules' business
  // (RecordRules::protected_outer_type_fixed): in TLS 1.3 only change_cipher_spec (RFC 8446
  // section 5), and the caller decides when that is allowed.
  // Errors: record_overflow, bad_record_mac, unexpected_message, decode_error.
  Result<size_t> read_record(std::span<uint8_t> buf, Record& out);

  // read_record with `dest` takes one record from the front of `buf` without writing to `buf`:
  // a protected record is decrypted into `dest`, which must hold at least the ciphertext
  // (record_len(buf) - kHeaderLen - kTagLen bytes under TLS 1.3; record_len(buf) - kHeaderLen
  // always does)
  // and must not overlap `buf`, and out.fragment then points into `dest`. An unprotected
  // record's fragment points into `buf`, and `dest` is not touched. On an error the contents of
  // `dest` are unspecified. Returns and fails as the in-place read_record.
  Result<size_t> read_record(ByteView buf, std::span<uint8_t> dest, Record& out);

  // write appends records carrying `data` of `type` to `out`, split into fragments of at most
  // the rules' max_plaintext (2^14) bytes and protected when write protection is on.
  // `legacy_version` is the record-layer version (0x0301 is allowed for an initial ClientHello,
  // section 5.1). A protected record is sealed from `data` directly into `out` (one pass over the
  // bytes). On an error `out` is left as it was before the record that failed. application_data is
  // refused (internal_error, nothing written) unless the write key is an application key: the
  // layer never frames application data in the clear or under handshake keys.
  Status write(ContentType type, ByteView data, Buffer& out, uint16_t legacy_version = 0x0303);
  // write to a Bytes vector: the same records (the vector's growth zero-fills first).
  Status write(ContentType type, ByteView data, Bytes& out, uint16_t legacy_version = 0x0303);

 private:
  // read_into is both read_records: `dest` is `buf`'s own ciphertext bytes when decrypting in
  // place (`in_place`), else a separate destination.
  Result<size_t> read_into(ByteView buf, std::span<uint8_t> dest, bool in_place, Record& out);
  // skip takes a 0-RTT record of `payload` bytes off the skipping budget.
  Result<size_t> skip(size_t total, size_t payload, Record& out);
  // write_to is both writes, over a Buffer or a Bytes.
  template <typename Out>
  Status write_to(ContentType type, ByteView data, Out& out, uint16_t legacy_version);

  // read_ and write_ are off (no protection: records in the clear) until protection is
  // installed. Held inline: a connection allocates nothing per direction for its protection.
  RecordProtector read_;
  RecordProtector write_;
  uint64_t read_seq_ = 0;
  uint64_t write_seq_ = 0;
  const RecordRules* rules_ = &kTls13Rules;
  RecordTap* tap_ = nullptr;
  // skipped_bytes_ counts the 0-RTT data skipped so far; it stops just past
  // kMaxSkippedEarlyData, so 32 bits hold it (and skip_ shares its word).
  uint32_t skipped_bytes_ = 0;
  enum class Skip : uint8_t { kNone, kUnprotected, kUndecryptable };
  Skip skip_ = Skip::kNone;
};

}  // namespace glasstls::record
