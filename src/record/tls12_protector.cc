// tls12_protector.cc: TLS 1.2 record protection, AEAD and CBC (see protector.h), the key block
// split, and RecordProtector's out-of-line dispatch.
#include <bit>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <variant>

#include "crypto/suites.h"
#include "record/protector.h"

namespace glasstls::record {

namespace {

Error bad_record_mac(std::string reason) {
  return make_error(ErrorKind::kPeerMisbehaved, AlertDescription::bad_record_mac,
                    std::move(reason));
}

void put_u64(uint64_t v, uint8_t* out) {
  for (int i = 0; i < 8; i++) {
    out[7 - i] = static_cast<uint8_t>(v >> (8 * i));
  }
}

void write_header(ContentType type, size_t len, uint8_t* h) {
  h[0] = static_cast<uint8_t>(type);
  h[1] = 0x03;
  h[2] = 0x03;
  h[3] = static_cast<uint8_t>(len >> 8);
  h[4] = static_cast<uint8_t>(len);
}

// plain_span is where a body's encrypted part `part` opens to: in place, when `dest` holds it
// (dest is the record's body), else the front of `dest`. Empty when `dest` is too small.
std::span<uint8_t> plain_span(std::span<uint8_t> dest, ByteView part) {
  const auto d = reinterpret_cast<uintptr_t>(dest.data());
  const auto p = reinterpret_cast<uintptr_t>(part.data());
  if (p >= d && p < d + dest.size()) {
    const size_t off = p - d;
    if (dest.size() - off < part.size()) {
      return {};
    }
    return dest.subspan(off, part.size());
  }
  if (dest.size() < part.size()) {
    return {};
  }
  return dest.first(part.size());
}

// check_content applies what TLS 1.2 asks of an authentic record's content: its length, and no
// empty record but application data.
Status check_content(ContentType type, size_t len, size_t max_plaintext) {
  //= https://www.rfc-editor.org/rfc/rfc5246#section-6.2.1
  //# The
  //# length MUST NOT exceed 2^14.
  //= https://www.rfc-editor.org/rfc/rfc5246#section-7.2.2
  //# record_overflow
  //#    A TLSCiphertext record was received that had a length more than
  //#    2^14+2048 bytes, or a record decrypted to a TLSCompressed record
  //#    with more than 2^14+1024 bytes.
  // With no compression, a record's content is its TLSPlaintext: at most 2^14 bytes.
  if (len > max_plaintext) {
    return record_overflow("protected record content of " + std::to_string(len) +
                           " bytes exceeds " + limit_text(max_plaintext));
  }
  //= https://www.rfc-editor.org/rfc/rfc5246#section-6.2.1
  //# Implementations MUST NOT send zero-length fragments of Handshake,
  //# Alert, or ChangeCipherSpec content types.
  if (len == 0 && type != ContentType::application_data) {
    return unexpected_message("zero-length protected " + std::string(name(type)) + " record");
  }
  return Ok{};
}

// Constant-time helpers over 64-bit masks (all ones for true, zero for false). barrier hides a
// value from the optimiser, so that it cannot turn a mask back into a branch.
inline uint64_t barrier(uint64_t v) {
#if defined(__GNUC__) || defined(__clang__)
  __asm__("" : "+r"(v));
#endif
  return v;
}
inline uint64_t ct_msb(uint64_t a) { return barrier(0 - (a >> 63)); }
// ct_lt: a < b, for any a and b (not only those under 2^63).
inline uint64_t ct_lt(uint64_t a, uint64_t b) { return ct_msb(a ^ ((a ^ b) | ((a - b) ^ a))); }
inline uint64_t ct_ge(uint64_t a, uint64_t b) { return ~ct_lt(a, b); }
inline uint64_t ct_is_zero(uint64_t a) { return ct_msb(~a & (a - 1)); }
inline uint64_t ct_eq(uint64_t a, uint64_t b) { return ct_is_zero(a ^ b); }
inline uint64_t ct_select(uint64_t mask, uint64_t a, uint64_t b) {
  return (mask & a) | (~mask & b);
}

}  // namespace

void tls12_additional_data(uint64_t seq, ContentType type, size_t length, uint8_t out[13]) {
  //= https://www.rfc-editor.org/rfc/rfc5246#section-6.2.3.3
  //# additional_data = seq_num + TLSCompressed.type +
  //#                   TLSCompressed.version + TLSCompressed.length;
  put_u64(seq, out);
  write_header(type, length, out + 8);
}

// --- AEAD -------------------------------------------------------------------------------------

Tls12AeadProtector::Tls12AeadProtector(const crypto::Aead& aead,
                                       std::unique_ptr<crypto::AeadKey> key, ByteView iv,
                                       uint64_t usage_limit, const char* label, Secret trace_key)
    // The body adds the explicit nonce (GCM) and the tag; the shortest that opens is those two.
    : ProtectorBase((iv.size() == 4 ? 8 : 0) + aead.tag_len(),
                    (iv.size() == 4 ? 8 : 0) + aead.tag_len(), label, true, std::move(trace_key)),
      iv_{},
      explicit_len_(iv.size() == 4 ? 8 : 0),
      tag_len_(static_cast<uint8_t>(aead.tag_len())),
      limit_log2_(static_cast<uint8_t>(std::bit_width(usage_limit) - 1)),
      aead_(aead.id()),
      key_(std::move(key)) {
  std::memcpy(iv_, iv.data(), std::min(iv.size(), sizeof(iv_)));
}

void Tls12AeadProtector::nonce(uint64_t seq, const uint8_t* explicit_nonce, uint8_t out[12]) const {
  if (explicit_len_ == 8) {
    //= https://www.rfc-editor.org/rfc/rfc5288#section-3
    //# The "nonce" SHALL be 12 bytes long consisting
    //# of two parts as follows: (this is an example of a "partially
    //# explicit" nonce; see Section 3.2.1 in [RFC5116]).
    //#
    //#           struct {
    //#              opaque salt[4];
    //#              opaque nonce_explicit[8];
    //#           } GCMNonce;
    std::memcpy(out, iv_, 4);
    std::memcpy(out + 4, explicit_nonce, 8);
    return;
  }
  // RFC 7905 section 2: ChaCha20-Poly1305's nonce is the 12-byte write IV XORed with the
  // 64-bit sequence number padded on the left with zeros, as TLS 1.3's; no explicit part.
  tls13_nonce(iv_, seq, out);
}

Bytes Tls12AeadProtector::nonce_for_trace(uint64_t seq) const {
  uint8_t explicit_nonce[8];
  put_u64(seq, explicit_nonce);
  uint8_t n[12];
  nonce(seq, explicit_nonce, n);
  return Bytes(n, n + 12);
}

Status Tls12AeadProtector::seal(ContentType type, ByteView content, uint64_t seq,
                                std::span<uint8_t> record) {
  const size_t len = explicit_len_ + content.size() + tag_len_;
  if (record.size() != kHeaderLen + len) {
    return internal_error("record seal output is not the header, content and overhead");
  }
  uint8_t* h = record.data();
  write_header(type, len, h);
  uint8_t* body = h + kHeaderLen;
  //= https://www.rfc-editor.org/rfc/rfc5288#section-3
  //# Each value of the nonce_explicit MUST be distinct for each distinct
  //# invocation of the GCM encrypt function for any fixed key.
  //= https://www.rfc-editor.org/rfc/rfc5288#section-3
  //# The nonce_explicit MAY be the 64-bit sequence number.
  if (explicit_len_ == 8) {
    put_u64(seq, body);
  }
  uint8_t n[12];
  nonce(seq, body, n);
  uint8_t aad[13];
  tls12_additional_data(seq, type, content.size(), aad);
  uint8_t* ct = body + explicit_len_;
  return key_->seal_into(ByteView(n, 12), ByteView(aad, 13), content,
                         std::span<uint8_t>(ct, content.size()),
                         std::span<uint8_t>(ct + content.size(), tag_len_));
}

Status Tls12AeadProtector::open(ByteView record, uint64_t seq, std::span<uint8_t> dest,
                                size_t max_plaintext, OpenedRecord& out) {
  out = OpenedRecord{};
  const size_t len = record.size() - kHeaderLen;
  if (record.size() < kHeaderLen || len < min_body()) {
    return bad_record_mac("protected record shorter than its nonce and tag");
  }
  const auto type = static_cast<ContentType>(record[0]);
  ByteView body = record.subspan(kHeaderLen);
  ByteView ciphertext = body.subspan(explicit_len_, len - explicit_len_ - tag_len_);
  ByteView tag = body.subspan(len - tag_len_);
  std::span<uint8_t> plain = plain_span(dest, ciphertext);
  if (plain.size() != ciphertext.size()) {
    return internal_error("record decryption destination smaller than the ciphertext");
  }
  // The nonce and the additional data are made before decrypting, which may overwrite the
  // record's body in place.
  uint8_t n[12];
  nonce(seq, body.data(), n);
  uint8_t aad[13];
  tls12_additional_data(seq, type, ciphertext.size(), aad);
  if (!key_->open_into(ByteView(n, 12), ByteView(aad, 13), ciphertext, plain, tag).ok()) {
    //= https://www.rfc-editor.org/rfc/rfc5246#section-6.2.3.3
    //# If the decryption fails, a fatal bad_record_mac alert MUST be
    //# generated.
    return Ok{};
  }
  out.authentic = true;
  out.plaintext = plain;
  out.type = type;
  if (!known_content_type(record[0])) {
    return unexpected_message("protected record of content type " + std::to_string(record[0]));
  }
  GLASSTLS_TRY(check_content(type, plain.size(), max_plaintext));
  out.content = plain;
  return Ok{};
}

// --- CBC --------------------------------------------------------------------------------------

namespace {

size_t round_up_block(size_t n) {
  return (n + Tls12CbcProtector::kBlockLen - 1) & ~(Tls12CbcProtector::kBlockLen - 1);
}

}  // namespace

Tls12CbcProtector::Tls12CbcProtector(std::unique_ptr<crypto::CbcKey> key, size_t key_len,
                                     std::unique_ptr<crypto::HmacKey> mac,
                                     const crypto::Random& random, bool encrypt_then_mac,
                                     const char* label, Secret trace_key, Secret trace_mac_key)
    // The most a body adds: the IV, the MAC and a whole block of padding. The shortest body is
    // the IV and the content-less block(s): MAC and padding (MAC-then-encrypt), or one block of
    // padding and the MAC (encrypt-then-MAC).
    : ProtectorBase(2 * kBlockLen + mac->mac_len(),
                    encrypt_then_mac ? 2 * kBlockLen + mac->mac_len()
                                     : kBlockLen + round_up_block(mac->mac_len() + 1),
                    label, true, std::move(trace_key), std::move(trace_mac_key)),
      mac_len_(static_cast<uint8_t>(mac->mac_len())),
      etm_(encrypt_then_mac),
      key_len_(static_cast<uint8_t>(key_len)),
      random_(&random),
      key_(std::move(key)),
      mac_(std::move(mac)) {}

size_t Tls12CbcProtector::body_len(size_t content_len) const {
  //= https://www.rfc-editor.org/rfc/rfc5246#section-6.2.3.2
  //# The encrypted data length (TLSCiphertext.length) is one more than the
  //# sum of SecurityParameters.block_length, TLSCompressed.length,
  //# SecurityParameters.mac_length, and padding_length.
  if (etm_) {
    return kBlockLen + round_up_block(content_len + 1) + mac_len_;
  }
  return kBlockLen + round_up_block(content_len + mac_len_ + 1);
}

Status Tls12CbcProtector::seal(ContentType type, ByteView content, uint64_t seq,
                               std::span<uint8_t> record) {
  const size_t len = body_len(content.size());
  if (record.size() != kHeaderLen + len) {
    return internal_error("record seal output is not the header, content and overhead");
  }
  uint8_t* h = record.data();
  write_header(type, len, h);
  uint8_t* iv = h + kHeaderLen;
  uint8_t* ct = iv + kBlockLen;
  //= https://www.rfc-editor.org/rfc/rfc5246#section-6.2.3.2
  //# The Initialization Vector (IV) SHOULD be chosen at random, and
  //# MUST be unpredictable.
  GLASSTLS_TRY(random_->fill(std::span<uint8_t>(iv, kBlockLen)));
  // Whole blocks of content are encrypted from the caller's buffer straight into the record;
  // the rest (the content's last partial block, the MAC under MAC-then-encrypt, the padding)
  // is put together in `tail` and encrypted after them, chained from the last block.
  const size_t whole = content.size() & ~(kBlockLen - 1);
  const size_t rest = content.size() - whole;
  uint8_t tail[4 * kBlockLen + 64] = {};
  if (rest > 0) {
    // (Not called for empty content, whose data() may be null.)
    std::memcpy(tail, content.data() + whole, rest);
  }
  size_t tail_len = rest;
  if (!etm_) {
    //= https://www.rfc-editor.org/rfc/rfc5246#section-6.2.3.1
    //# MAC(MAC_write_key, seq_num +
    //#                       TLSCompressed.type +
    //#                       TLSCompressed.version +
    //#                       TLSCompressed.length +
    //#                       TLSCompressed.fragment);
    uint8_t mac_header[13];
    tls12_additional_data(seq, type, content.size(), mac_header);
    const ByteView parts[] = {ByteView(mac_header, 13), content};
    GLASSTLS_TRY(mac_->mac(parts, std::span<uint8_t>(tail + tail_len, mac_len_)));
    tail_len += mac_len_;
  }
  //= https://www.rfc-editor.org/rfc/rfc5246#section-6.2.3.2
  //# Each uint8 in the padding data
  //# vector MUST be filled with the padding length value.
  const size_t padded = round_up_block(tail_len + 1);
  const auto padding_length = static_cast<uint8_t>(padded - tail_len - 1);
  std::memset(tail + tail_len, padding_length, padded - tail_len);
  GLASSTLS_TRY(
      key_->encrypt(ByteView(iv, kBlockLen), content.first(whole), std::span<uint8_t>(ct, whole)));
  const uint8_t* chain = whole == 0 ? iv : ct + whole - kBlockLen;
  Status st = key_->encrypt(ByteView(chain, kBlockLen), ByteView(tail, padded),
                            std::span<uint8_t>(ct + whole, padded));
  secure_wipe(tail, sizeof(tail));
  GLASSTLS_TRY(std::move(st));
  if (etm_) {
    //= https://www.rfc-editor.org/rfc/rfc7366#section-3
    //# MAC(MAC_write_key, seq_num +
    //#     TLSCipherText.type +
    //#     TLSCipherText.version +
    //#     TLSCipherText.length +
    //#     IV +
    //#     ENC(content + padding + padding_length));
    const size_t enc_len = kBlockLen + whole + padded;
    uint8_t mac_header[13];
    tls12_additional_data(seq, type, enc_len, mac_header);
    const ByteView parts[] = {ByteView(mac_header, 13), ByteView(iv, enc_len)};
    GLASSTLS_TRY(mac_->mac(parts, std::span<uint8_t>(iv + enc_len, mac_len_)));
  }
  return Ok{};
}

Status Tls12CbcProtector::open(ByteView record, uint64_t seq, std::span<uint8_t> dest,
                               size_t max_plaintext, OpenedRecord& out) {
  out = OpenedRecord{};
  if (record.size() < kHeaderLen || record.size() - kHeaderLen < min_body()) {
    return bad_record_mac("CBC record body shorter than its IV, MAC and padding");
  }
  if (!known_content_type(record[0])) {
    return unexpected_message("protected record of content type " + std::to_string(record[0]));
  }
  GLASSTLS_TRY(etm_ ? open_encrypt_then_mac(record, seq, dest, out)
                    : open_mac_then_encrypt(record, seq, dest, out));
  if (!out.authentic) {
    return Ok{};
  }
  return check_content(out.type, out.content.size(), max_plaintext);
}

Status Tls12CbcProtector::open_encrypt_then_mac(ByteView record, uint64_t seq,
                                                std::span<uint8_t> dest, OpenedRecord& out) {
  const auto type = static_cast<ContentType>(record[0]);
  ByteView body = record.subspan(kHeaderLen);
  const size_t enc_len = body.size() - mac_len_;  // the IV and the ciphertext
  if (enc_len % kBlockLen != 0) {
    //= https://www.rfc-editor.org/rfc/rfc5246#section-7.2.2
    //# This alert also MUST be returned if an alert is sent because
    //# a TLSCiphertext decrypted in an invalid way: either it wasn't an
    //# even multiple of the block length, or its padding values, when
    //# checked, weren't correct.
    return bad_record_mac("CBC record ciphertext is not a whole number of blocks");
  }
  //= https://www.rfc-editor.org/rfc/rfc7366#section-3
  //# The MAC SHALL be evaluated
  //# before any further processing such as decryption is performed, and if
  //# the MAC verification fails, then processing SHALL terminate
  //# immediately.
  uint8_t mac_header[13];
  tls12_additional_data(seq, type, enc_len, mac_header);
  uint8_t expected[64];
  const ByteView parts[] = {ByteView(mac_header, 13), body.first(enc_len)};
  GLASSTLS_TRY(mac_->mac(parts, std::span<uint8_t>(expected, mac_len_)));
  if (!constant_time_equal(ByteView(expected, mac_len_), body.subspan(enc_len))) {
    return Ok{};
  }
  ByteView iv = body.first(kBlockLen);
  ByteView ciphertext = body.subspan(kBlockLen, enc_len - kBlockLen);
  std::span<uint8_t> plain = plain_span(dest, ciphertext);
  if (plain.size() != ciphertext.size()) {
    return internal_error("record decryption destination smaller than the ciphertext");
  }
  // The IV is copied: decrypting in place overwrites what follows it, not the IV, but the copy
  // keeps the cipher's inputs apart from its output.
  uint8_t iv_copy[kBlockLen];
  std::memcpy(iv_copy, iv.data(), kBlockLen);
  GLASSTLS_TRY(key_->decrypt(ByteView(iv_copy, kBlockLen), ciphertext, plain));
  out.authentic = true;
  out.plaintext = plain;
  out.type = type;
  // The MAC was good, so the padding is the peer's own: checking it may take any time.
  const size_t padding_length = plain[plain.size() - 1];
  bool good = padding_length + 1 <= plain.size();
  for (size_t i = 0; good && i <= padding_length; i++) {
    good = plain[plain.size() - 1 - i] == padding_length;
  }
  if (!good) {
    //= https://www.rfc-editor.org/rfc/rfc5246#section-6.2.3.2
    //# The receiver
    //# MUST check this padding and MUST use the bad_record_mac alert to
    //# indicate padding errors.
    return bad_record_mac("CBC record padding is malformed (after a good MAC)");
  }
  out.padding = padding_length + 1;
  out.content = plain.first(plain.size() - out.padding);
  return Ok{};
}

Status Tls12CbcProtector::open_mac_then_encrypt(ByteView record, uint64_t seq,
                                                std::span<uint8_t> dest, OpenedRecord& out) {
  const auto type = static_cast<ContentType>(record[0]);
  ByteView body = record.subspan(kHeaderLen);
  if (body.size() % kBlockLen != 0) {
    //= https://www.rfc-editor.org/rfc/rfc5246#section-7.2.2
    //# This alert also MUST be returned if an alert is sent because
    //# a TLSCiphertext decrypted in an invalid way: either it wasn't an
    //# even multiple of the block length, or its padding values, when
    //# checked, weren't correct.
    return bad_record_mac("CBC record body is not a whole number of blocks");
  }
  ByteView ciphertext = body.subspan(kBlockLen);
  std::span<uint8_t> plain = plain_span(dest, ciphertext);
  if (plain.size() != ciphertext.size()) {
    return internal_error("record decryption destination smaller than the ciphertext");
  }
  uint8_t iv_copy[kBlockLen];
  std::memcpy(iv_copy, body.data(), kBlockLen);
  GLASSTLS_TRY(key_->decrypt(ByteView(iv_copy, kBlockLen), ciphertext, plain));

  //= https://www.rfc-editor.org/rfc/rfc5246#section-6.2.3.2
  //# In order to defend against this attack, implementations
  //# MUST ensure that record processing time is essentially the same
  //# whether or not the padding is correct.
  // From here until the final test, nothing branches on, or reads an address chosen by,
  // padding_length or the content length derived from it: both are secret until the MAC is
  // checked. Every bound of a loop comes from the record's public length.
  const size_t n = plain.size();
  const size_t mac_len = mac_len_;
  const uint64_t padding_length = plain[n - 1];
  // The padding and its length byte fit, with the MAC, in the plaintext...
  uint64_t good = ct_ge(n, padding_length + 1 + mac_len);
  // ...and every padding byte is padding_length: the last 256 bytes (or all) are looked at,
  // those past the padding masked out.
  const size_t scan = std::min<size_t>(256, n);
  for (size_t i = 0; i < scan; i++) {
    const uint64_t in_padding = ct_ge(padding_length, i);
    good &= ~(in_padding & ~ct_eq(plain[n - 1 - i], padding_length));
  }
  // With bad padding nothing is stripped (the MAC is then taken from the last bytes, and fails).
  const size_t max_len = n - mac_len;  // the content length with no padding at all
  const size_t len = max_len - static_cast<size_t>(good & (padding_length + 1));
  const size_t min_len = max_len - std::min<size_t>(256, max_len);

  uint8_t mac_header[13];
  tls12_additional_data(seq, type, len, mac_header);
  uint8_t expected[64];
  GLASSTLS_TRY(mac_->mac_secret_length(ByteView(mac_header, 13), plain.first(max_len), len, min_len,
                                       std::span<uint8_t>(expected, mac_len)));

  // The record's MAC, plain[len, len + mac_len), is gathered from every position it may start
  // at: byte i lands in rotated[(i - min_len) mod mac_len], so that the MAC is rotated by
  // (len - min_len) mod mac_len; then rotated back with a scan of every offset.
  uint8_t rotated[64] = {};
  uint64_t rotation = 0;
  size_t j = 0;
  for (size_t i = min_len; i < n; i++) {
    const uint64_t started = ct_eq(i, len);
    rotation |= started & j;
    const uint64_t in_mac = ct_ge(i, len) & ct_lt(i, len + mac_len);
    rotated[j] |= static_cast<uint8_t>(plain[i] & in_mac);
    j = static_cast<size_t>(ct_select(ct_eq(j + 1, mac_len), 0, j + 1));
  }
  uint64_t diff = 0;
  for (size_t k = 0; k < mac_len; k++) {
    uint64_t at = k + rotation;
    at -= ct_ge(at, mac_len) & mac_len;
    uint8_t byte = 0;
    for (size_t m = 0; m < mac_len; m++) {
      byte |= static_cast<uint8_t>(rotated[m] & ct_eq(m, at));
    }
    diff |= static_cast<uint64_t>(byte ^ expected[k]);
  }
  good &= ct_is_zero(diff);
  secure_wipe(expected, sizeof(expected));
  secure_wipe(rotated, sizeof(rotated));
  if (good == 0) {
    //= https://www.rfc-editor.org/rfc/rfc5246#section-6.2.3.2
    //# The receiver
    //# MUST check this padding and MUST use the bad_record_mac alert to
    //# indicate padding errors.
    // Bad padding and a bad MAC alike: not authentic, which the layer answers with
    // bad_record_mac.
    return Ok{};
  }
  out.authentic = true;
  out.plaintext = plain;
  out.type = type;
  out.padding = static_cast<size_t>(padding_length) + 1;
  out.content = plain.first(len);
  return Ok{};
}

Bytes Tls12CbcProtector::decrypt_for_trace(ByteView record) const {
  if (record.size() < kHeaderLen + 2 * kBlockLen + (etm_ ? mac_len_ : 0)) {
    return {};
  }
  ByteView body = record.subspan(kHeaderLen);
  const size_t enc_len = etm_ ? body.size() - mac_len_ : body.size();
  if (enc_len % kBlockLen != 0) {
    return {};
  }
  Bytes plain(enc_len - kBlockLen);
  if (!key_->decrypt(body.first(kBlockLen), body.subspan(kBlockLen, plain.size()), plain).ok()) {
    return {};
  }
  return plain;
}

// --- Key block --------------------------------------------------------------------------------

size_t tls12_key_block_len(const crypto::SuiteRow& row) {
  return 2 * (row.mac_len + row.key_len + row.fixed_iv_len);
}

Result<Tls12KeyBlock> split_tls12_key_block(const crypto::SuiteRow& row, ByteView block) {
  if (block.size() < tls12_key_block_len(row)) {
    return internal_error("TLS 1.2 key block of " + std::to_string(block.size()) +
                          " bytes, the suite needs " + std::to_string(tls12_key_block_len(row)));
  }
  //= https://www.rfc-editor.org/rfc/rfc5246#section-6.3
  //# client_write_MAC_key[SecurityParameters.mac_key_length]
  //# server_write_MAC_key[SecurityParameters.mac_key_length]
  //# client_write_key[SecurityParameters.enc_key_length]
  //# server_write_key[SecurityParameters.enc_key_length]
  //# client_write_IV[SecurityParameters.fixed_iv_length]
  //# server_write_IV[SecurityParameters.fixed_iv_length]
  size_t off = 0;
  auto take = [&](size_t n) {
    Secret s(block.subspan(off, n));
    off += n;
    return s;
  };
  Tls12KeyBlock k;
  k.client_mac_key = take(row.mac_len);
  k.server_mac_key = take(row.mac_len);
  k.client_key = take(row.key_len);
  k.server_key = take(row.key_len);
  k.client_iv = take(row.fixed_iv_len);
  k.server_iv = take(row.fixed_iv_len);
  return k;
}

Result<RecordProtector> make_tls12_protector(const crypto::CryptoProvider& provider,
                                             const crypto::SuiteRow& row, const Secret& mac_key,
                                             const Secret& key, ByteView iv, bool encrypt_then_mac,
                                             const char* label, bool keep_trace_key) {
  if (row.version != ProtocolVersion::TLSv1_2) {
    return internal_error("TLS 1.2 record protection for a suite of another version");
  }
  if (key.size() != row.key_len || iv.size() != row.fixed_iv_len || mac_key.size() != row.mac_len) {
    return internal_error("TLS 1.2 record keys of the wrong sizes for the suite");
  }
  Secret trace_key = keep_trace_key ? key.clone() : Secret();
  if (row.protection == crypto::Protection::kAead) {
    const crypto::Aead* aead = crypto::provider_aead(provider, row.aead);
    if (aead == nullptr || (iv.size() != 4 && iv.size() != 12) ||
        (iv.size() == 4) != (row.explicit_nonce_len == 8)) {
      return internal_error("TLS 1.2 AEAD suite the provider or the record layer lacks");
    }
    GLASSTLS_ASSIGN(auto k, aead->new_key(key.span()));
    return RecordProtector(Tls12AeadProtector(*aead, std::move(k), iv, row.key_usage_limit, label,
                                              std::move(trace_key)));
  }
  const crypto::CbcCipher* cbc = crypto::provider_cbc(provider, row);
  const crypto::Hmac* hmac = crypto::provider_hmac(provider, row.mac);
  if (cbc == nullptr || hmac == nullptr || provider.random == nullptr ||
      hmac->mac_len() != row.mac_len || hmac->mac_len() > 64) {
    return internal_error("TLS 1.2 CBC suite the provider lacks");
  }
  GLASSTLS_ASSIGN(auto k, cbc->new_key(key.span()));
  GLASSTLS_ASSIGN(auto m, hmac->new_key(mac_key.span()));
  return RecordProtector(Tls12CbcProtector(std::move(k), key.size(), std::move(m), *provider.random,
                                           encrypt_then_mac, label, std::move(trace_key),
                                           keep_trace_key ? mac_key.clone() : Secret()));
}

// --- RecordProtector's out-of-line dispatch ---------------------------------------------------

size_t RecordProtector::tls12_body_len(size_t content_len) const {
  if (const auto* k = std::get_if<Tls12CbcProtector>(&kind_)) {
    return k->body_len(content_len);
  }
  return content_len + base().overhead();
}

Status RecordProtector::tls12_seal(ContentType type, ByteView content, uint64_t seq,
                                   std::span<uint8_t> record) {
  if (auto* k = std::get_if<Tls12AeadProtector>(&kind_)) {
    return k->seal(type, content, seq, record);
  }
  if (auto* k = std::get_if<Tls12CbcProtector>(&kind_)) {
    return k->seal(type, content, seq, record);
  }
  return no_protection();
}

Status RecordProtector::tls12_open(ByteView record, uint64_t seq, std::span<uint8_t> dest,
                                   size_t max_plaintext, OpenedRecord& out) {
  if (auto* k = std::get_if<Tls12AeadProtector>(&kind_)) {
    return k->open(record, seq, dest, max_plaintext, out);
  }
  if (auto* k = std::get_if<Tls12CbcProtector>(&kind_)) {
    return k->open(record, seq, dest, max_plaintext, out);
  }
  out = OpenedRecord{};
  return no_protection();
}

uint64_t RecordProtector::key_usage_limit() const {
  return std::visit(
      [](const auto& k) -> uint64_t {
        if constexpr (std::is_same_v<std::decay_t<decltype(k)>, std::monostate>) {
          return 0;
        } else {
          return k.key_usage_limit();
        }
      },
      kind_);
}

std::optional<RecordDetail> RecordProtector::detail(ByteView record, uint64_t seq) const {
  if (record.size() < kHeaderLen || record.size() - kHeaderLen < min_body()) {
    return std::nullopt;
  }
  ByteView body = record.subspan(kHeaderLen);
  const auto type = static_cast<ContentType>(record[0]);
  RecordDetail d;
  if (std::holds_alternative<Tls13AeadProtector>(kind_)) {
    const size_t tag_len = overhead() - 1;
    d.nonce = nonce_for_trace(seq);
    d.additional_data.assign(record.begin(), record.begin() + kHeaderLen);
    d.ciphertext.assign(body.begin(), body.end() - tag_len);
    d.mac.assign(body.end() - tag_len, body.end());
    return d;
  }
  if (const auto* k = tls12_aead()) {
    const size_t ex = k->explicit_nonce_len();
    const size_t tag_len = overhead() - ex;
    d.explicit_nonce.assign(body.begin(), body.begin() + ex);
    d.nonce = k->nonce_for_trace(seq);
    if (ex == 8) {
      std::copy(body.begin(), body.begin() + 8, d.nonce.begin() + 4);
    }
    uint8_t aad[13];
    tls12_additional_data(seq, type, body.size() - ex - tag_len, aad);
    d.additional_data.assign(aad, aad + 13);
    d.ciphertext.assign(body.begin() + ex, body.end() - tag_len);
    d.mac.assign(body.end() - tag_len, body.end());
    return d;
  }
  if (const auto* k = tls12_cbc()) {
    const size_t bl = Tls12CbcProtector::kBlockLen;
    d.encrypt_then_mac = k->encrypt_then_mac();
    d.explicit_nonce.assign(body.begin(), body.begin() + bl);
    const size_t enc_len = d.encrypt_then_mac ? body.size() - k->mac_len() : body.size();
    d.ciphertext.assign(body.begin() + bl, body.begin() + enc_len);
    Bytes plain = k->decrypt_for_trace(record);
    if (plain.empty()) {
      return std::nullopt;
    }
    const size_t pad = size_t{plain.back()} + 1;
    if (pad > plain.size() || (!d.encrypt_then_mac && pad + k->mac_len() > plain.size())) {
      return std::nullopt;
    }
    d.padding.assign(plain.end() - pad, plain.end());
    size_t content_len = plain.size() - pad;
    if (d.encrypt_then_mac) {
      d.mac.assign(body.begin() + enc_len, body.end());
    } else {
      content_len -= k->mac_len();
      d.mac.assign(plain.begin() + content_len, plain.begin() + content_len + k->mac_len());
    }
    uint8_t header[13];
    tls12_additional_data(seq, type, d.encrypt_then_mac ? enc_len : content_len, header);
    d.additional_data.assign(header, header + 13);
    secure_wipe(plain.data(), plain.size());
    return d;
  }
  return std::nullopt;
}

bool RecordProtector::trace_tls12(ByteView record, uint64_t seq, bool secrets,
                                  TraceRecord& out) const {
  TraceProtectionKind kind = TraceProtectionKind::kUnknown;
  if (const auto* a = tls12_aead()) {
    kind = a->explicit_nonce_len() == 8 ? TraceProtectionKind::kTls12Gcm
                                        : TraceProtectionKind::kTls12ChaCha20Poly1305;
  } else if (const auto* c = tls12_cbc()) {
    kind = c->encrypt_then_mac() ? TraceProtectionKind::kTls12CbcEncryptThenMac
                                 : TraceProtectionKind::kTls12CbcMacThenEncrypt;
  } else {
    return false;
  }
  std::optional<RecordDetail> d = detail(record, seq);
  if (!d) {
    return false;
  }
  out.protection.kind = kind;
  out.protection.explicit_nonce = std::move(d->explicit_nonce);
  out.protection.ciphertext = std::move(d->ciphertext);
  out.protection.mac = std::move(d->mac);
  out.protection.padding = std::move(d->padding);
  out.protection.additional_data = std::move(d->additional_data);
  if (secrets) {
    out.nonce = std::move(d->nonce);
    const Secret& mac_key = base().trace_mac_key();
    out.mac_key.assign(mac_key.span().begin(), mac_key.span().end());
  }
  return true;
}

}  // namespace glasstls::record
