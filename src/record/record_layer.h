// record_layer.h: TLS 1.3 record framing and protection (RFC 8446 section 5).
//
//   struct {                                 struct {
//     ContentType type;                        ContentType opaque_type = application_data;
//     ProtocolVersion legacy_record_version;   ProtocolVersion legacy_record_version = 0x0303;
//     uint16 length;                           uint16 length;
//     opaque fragment[length];                 opaque encrypted_record[length];
//   } TLSPlaintext;                          } TLSCiphertext;
//
// Protected records carry TLSInnerPlaintext = content || ContentType || zeros, sealed with the
// AEAD under a per-record nonce: the static IV XOR the 64-bit sequence number (section 5.3).
// Decryption happens in place in the caller's buffer, so received plaintext is never copied
// before it reaches the handshake joiner or the application's read buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "base/bytes.h"
#include "base/result.h"
#include "base/secret.h"
#include "crypto/provider.h"
#include "glasstls/types.h"

namespace glasstls::record {

constexpr size_t kHeaderLen = 5;
// RFC 8446 section 5.1: "The length MUST NOT exceed 2^14 bytes."
constexpr size_t kMaxPlaintext = 16384;
// RFC 8446 section 5.2: "The length MUST NOT exceed 2^14 + 256 bytes."
constexpr size_t kMaxCiphertext = 16384 + 256;
constexpr size_t kTagLen = 16;

// Protection is one direction's record protection: the AEAD key, the static IV and the
// sequence number.
struct Protection {
  const crypto::Aead* aead = nullptr;
  std::unique_ptr<crypto::AeadKey> key;
  uint8_t iv[12] = {};
  uint64_t seq = 0;
  // label names the traffic secret the key came from ("server handshake"), for traces.
  const char* label = "";
  // trace_key holds a copy of the AEAD key only while a trace that shows secrets is attached.
  Secret trace_key;

  // nonce writes the per-record nonce for the current sequence number (section 5.3).
  void nonce(uint8_t out[12]) const;
};

// Record is one received record after deprotection. fragment points into the caller's buffer.
struct Record {
  ContentType type{};
  ByteView fragment;
  // protected_record is true when the record was decrypted.
  bool protected_record = false;
  // wire is the whole record as received (header and ciphertext), before in-place decryption
  // changed it: valid only for unprotected records.
  size_t wire_len = 0;
};

// RecordTap sees every record the layer reads or writes. It is only installed when a trace is
// attached; without one the layer does no extra work.
class RecordTap {
 public:
  virtual ~RecordTap() = default;
  // on_record reports one record: `wire` as it is on the wire (ciphertext for protected
  // records), `content` the plaintext content, `padding` the zero bytes stripped, and `p` the
  // protection that applied (nullptr when unprotected; `seq` is the sequence number it used).
  virtual void on_record(bool sent, ContentType type, ByteView wire, ByteView content,
                         size_t padding, const Protection* p, uint64_t seq) = 0;
};

// key_usage_limit is how many records may be protected under one key before a KeyUpdate is due.
// RFC 8446 section 5.5: "For AES-GCM, up to 2^24.5 full-size records ... may be encrypted on a
// given connection while keeping a safety margin of approximately 2^-57"; ChaCha20-Poly1305's
// limit is above the sequence number space. glasstls updates keys well before either.
uint64_t key_usage_limit(crypto::AeadId id);

class RecordLayer {
 public:
  // set_read_protection and set_write_protection install new keys and reset the sequence
  // number to zero (section 5.3: "reset to zero whenever the key is changed").
  void set_read_protection(Protection p) { read_ = std::move(p); read_on_ = true; }
  void set_write_protection(Protection p) { write_ = std::move(p); write_on_ = true; }
  void set_tap(RecordTap* tap) { tap_ = tap; }
  bool read_protected() const { return read_on_; }
  bool write_protected() const { return write_on_; }
  uint64_t write_seq() const { return write_.seq; }
  uint64_t read_seq() const { return read_.seq; }
  // write_key_exhausted says the sending key has reached its usage limit: the connection must
  // update its key before sending more.
  bool write_key_exhausted() const;

  // read_record takes one record from the front of `buf`, deprotecting it in place. It returns
  // the number of bytes the record used, or 0 if `buf` does not yet hold a whole record.
  // `allow_plain_alert` lets an unprotected alert through while read protection is on (a peer
  // that failed before it had our keys sends one).
  // Errors: record_overflow, bad_record_mac, unexpected_message, decode_error.
  Result<size_t> read_record(std::span<uint8_t> buf, Record& out, bool allow_plain_alert);

  // write appends records carrying `data` of `type` to `out`, split into fragments of at most
  // kMaxPlaintext bytes and protected when write protection is on. `legacy_version` is the
  // record-layer version (0x0301 is allowed for an initial ClientHello, section 5.1).
  Status write(ContentType type, ByteView data, Bytes& out, uint16_t legacy_version = 0x0303);

 private:
  Protection read_;
  Protection write_;
  bool read_on_ = false;
  bool write_on_ = false;
  RecordTap* tap_ = nullptr;
};

}  // namespace glasstls::record
