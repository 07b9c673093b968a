// der.h: a strict reader and a small writer for the DER subset that X.509 needs (the asn1 layer:
// below crypto, which reads SubjectPublicKeyInfo with it, and below x509).
//
// DerReader is a cursor over a span, in the style of ByteReader: every element it returns is a
// view into the caller's buffer. It accepts only DER (ITU-T X.690 section 10): definite lengths
// in their shortest form, single-byte tags (the high-tag-number form is rejected), lengths bounded
// by the input, BOOLEAN as 00 or ff, minimal INTEGERs, BIT STRINGs with zeroed padding bits.
//
// DerWriter builds DER bottom-up: a constructed element is filled by a callback into a child
// writer and then emitted with its minimal length.
//
// Errors are values. Malformed DER fails with ErrorKind::kInvalidCertificate and alert
// bad_certificate (DER reaches glasstls only inside certificates), with a reason that names the
// rule and the offset of the element from the start of the outermost reader.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "base/bytes.h"
#include "base/result.h"

namespace glasstls::asn1 {

// der_error makes the error for malformed DER or a malformed certificate: kInvalidCertificate
// with alert bad_certificate.
Error der_error(std::string reason);

namespace tag {
// Universal tags (X.680 section 8.4), with the constructed bit where DER requires it.
inline constexpr uint8_t kBoolean = 0x01;
inline constexpr uint8_t kInteger = 0x02;
inline constexpr uint8_t kBitString = 0x03;
inline constexpr uint8_t kOctetString = 0x04;
inline constexpr uint8_t kNull = 0x05;
inline constexpr uint8_t kOid = 0x06;
inline constexpr uint8_t kUtf8String = 0x0c;
inline constexpr uint8_t kNumericString = 0x12;
inline constexpr uint8_t kPrintableString = 0x13;
inline constexpr uint8_t kTeletexString = 0x14;
inline constexpr uint8_t kIa5String = 0x16;
inline constexpr uint8_t kUtcTime = 0x17;
inline constexpr uint8_t kGeneralizedTime = 0x18;
inline constexpr uint8_t kVisibleString = 0x1a;
inline constexpr uint8_t kUniversalString = 0x1c;
inline constexpr uint8_t kBmpString = 0x1e;
inline constexpr uint8_t kSequence = 0x30;
inline constexpr uint8_t kSet = 0x31;

// context_specific is the primitive tag [n] (IMPLICIT of a primitive type); n must be < 31.
constexpr uint8_t context_specific(uint8_t n) { return static_cast<uint8_t>(0x80 | n); }
// context_constructed is the constructed tag [n] (EXPLICIT, or IMPLICIT of a constructed type);
// n must be < 31.
constexpr uint8_t context_constructed(uint8_t n) { return static_cast<uint8_t>(0xa0 | n); }
}  // namespace tag

// DerReader reads a sequence of DER elements from a span it does not own. The span must outlive
// every view the reader returns. A failed read leaves the cursor where it was.
class DerReader {
 public:
  DerReader() = default;
  // DerReader reads `data`; `base_offset` is the offset of `data` within the outermost input,
  // used only in error messages.
  explicit DerReader(ByteView data, size_t base_offset = 0)
      : data_(data), base_offset_(base_offset) {}

  // empty reports whether every element has been read.
  [[nodiscard]] bool empty() const { return pos_ == data_.size(); }
  // rest is the unread input.
  [[nodiscard]] ByteView rest() const { return data_.subspan(pos_); }
  // offset is the absolute offset of the cursor (base offset plus position).
  [[nodiscard]] size_t offset() const { return base_offset_ + pos_; }

  // peek_tag reports whether another element follows and, if so, writes its tag to `out`
  // without consuming anything. It does not validate the tag or length.
  [[nodiscard]] bool peek_tag(uint8_t& out) const;

  // peek_header decodes the tag and length of the next element without consuming anything and
  // without checking the length against the input: `declared` is the number of contents bytes
  // the length announces, which may exceed what rest() holds after the `header_len` bytes of tag
  // and length (the illustrated view reads a cut-short element as far as its bytes go). Fails,
  // as the reads do, on a truncated header, an indefinite length, a length that is not minimal
  // or longer than 4 bytes, and the high-tag-number form.
  [[nodiscard]] Status peek_header(uint8_t& tag, size_t& header_len, size_t& declared) const;

  // read_any reads the next element whatever its tag: its tag into `tag_out`, its contents into
  // `contents`, and, when `tlv` is not null, the whole tag-length-value into `*tlv`.
  [[nodiscard]] Status read_any(uint8_t& tag_out, ByteView& contents, ByteView* tlv = nullptr);
  // read reads the next element, which must have tag `tag`, and writes its contents.
  [[nodiscard]] Status read(uint8_t tag, ByteView& contents);
  // read_tlv reads the next element, which must have tag `tag`, and writes the whole encoding
  // (tag, length and contents) to `tlv` and the contents to `contents`.
  [[nodiscard]] Status read_tlv(uint8_t tag, ByteView& tlv, ByteView& contents);
  // read_optional reads the next element if it has tag `tag`: sets `present` and writes its
  // contents. If the input is empty or the next tag differs, sets `present` to false and reads
  // nothing. Fails only when the matching element is malformed.
  [[nodiscard]] Status read_optional(uint8_t tag, ByteView& contents, bool& present);
  // sequence reads a SEQUENCE and sets `out` to a reader over its contents.
  [[nodiscard]] Status sequence(DerReader& out) { return nested(tag::kSequence, out); }
  // nested reads an element with tag `tag` (a SET, or an EXPLICIT [n]) and sets `out` to a reader
  // over its contents.
  [[nodiscard]] Status nested(uint8_t tag, DerReader& out);
  // skip reads and discards one element with tag `tag`.
  [[nodiscard]] Status skip(uint8_t tag);

  // read_integer reads an INTEGER and writes its two's-complement contents, which are checked
  // to be non-empty and minimal (no redundant leading 00 or ff byte).
  [[nodiscard]] Status read_integer(ByteView& value);
  // read_uint64 reads a non-negative INTEGER that fits in 64 bits.
  [[nodiscard]] Status read_uint64(uint64_t& value);
  // read_bool reads a BOOLEAN, which DER encodes as exactly 00 (false) or ff (true).
  [[nodiscard]] Status read_bool(bool& value);
  // read_null reads a NULL (empty contents).
  [[nodiscard]] Status read_null();
  // read_oid reads an OBJECT IDENTIFIER and writes its contents (the encoded arcs), which are
  // checked to be non-empty, minimally encoded and complete.
  [[nodiscard]] Status read_oid(ByteView& oid);
  // read_bit_string reads a BIT STRING: its bytes into `bits` and the count of unused trailing
  // bits (0..7) into `unused_bits`. DER requires the unused bits to be zero and an empty string
  // to have no unused bits.
  [[nodiscard]] Status read_bit_string(ByteView& bits, uint8_t& unused_bits);
  // read_octet_aligned_bit_string reads a BIT STRING that must have no unused bits (signatures,
  // public keys) and writes its bytes.
  [[nodiscard]] Status read_octet_aligned_bit_string(ByteView& bits);
  // read_time reads a UTCTime or a GeneralizedTime (see parse_utc_time and
  // parse_generalized_time) as seconds since the Unix epoch.
  [[nodiscard]] Status read_time(int64_t& seconds);
  // expect_empty fails if any element is left; `what` names the container in the error.
  [[nodiscard]] Status expect_empty(std::string_view what) const;

 private:
  // parse_header decodes the tag and length at the cursor without moving it.
  Status parse_header(uint8_t& tag, size_t& header_len, size_t& content_len) const;

  ByteView data_;
  size_t base_offset_ = 0;
  size_t pos_ = 0;
};

// check_integer validates the contents of a DER INTEGER (non-empty, minimal).
[[nodiscard]] Status check_integer(ByteView value);
// check_oid validates the contents of a DER OBJECT IDENTIFIER (non-empty, each arc minimal and
// complete).
[[nodiscard]] Status check_oid(ByteView oid);
// oid_to_string renders OID contents in dotted form ("1.2.840.10045.4.3.2"). Arcs too large for
// 64 bits, or malformed contents, render as "<invalid OID>".
std::string oid_to_string(ByteView oid);
// oid_from_string encodes a dotted OID ("2.5.4.3") as DER contents. Fails on syntax errors, on
// fewer than two arcs, and on a first arc over 2 (or a second over 39 under a first of 0 or 1).
Result<Bytes> oid_from_string(std::string_view dotted);

// parse_utc_time converts the contents of a UTCTime to seconds since the Unix epoch. Only the
// DER form of RFC 5280 section 4.1.2.5.1 is accepted: exactly YYMMDDHHMMSSZ, with a valid
// calendar date and time (seconds 00-59). YY of 50-99 means 19YY and 00-49 means 20YY:
//= https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5.1
//# Where YY is greater than or equal to 50, the year SHALL be
//# interpreted as 19YY; and
//#
//# Where YY is less than 50, the year SHALL be interpreted as 20YY.
[[nodiscard]] Status parse_utc_time(ByteView text, int64_t& seconds);
// parse_generalized_time converts the contents of a GeneralizedTime: exactly YYYYMMDDHHMMSSZ,
// with no fractional seconds and a 'Z' (RFC 5280 section 4.1.2.5.2). Any year 0000-9999 is
// accepted, even one that RFC 5280 would have encoded as UTCTime.
[[nodiscard]] Status parse_generalized_time(ByteView text, int64_t& seconds);

// CivilTime is a broken-down UTC time.
struct CivilTime {
  int64_t year = 1970;
  int month = 1;   // 1..12
  int day = 1;     // 1..31
  int hour = 0;    // 0..23
  int minute = 0;  // 0..59
  int second = 0;  // 0..59
};
// to_civil converts seconds since the Unix epoch to UTC calendar time (proleptic Gregorian).
// Returns nullopt for times outside the years 0000 through 9999.
std::optional<CivilTime> to_civil(int64_t seconds);
// from_civil converts UTC calendar time to seconds since the Unix epoch. The fields must be in
// range and the year within 0000-9999; from_civil does not validate them.
int64_t from_civil(const CivilTime& t);
// format_time_utc renders seconds since the Unix epoch as "2025-06-01 12:00:00 UTC" (the number
// itself when out of range), for error messages and reports.
std::string format_time_utc(int64_t seconds);

// offset_in gives the offset of `part` within `whole`; `part` must be a subspan of `whole`.
inline size_t offset_in(ByteView whole, ByteView part) {
  return static_cast<size_t>(part.data() - whole.data());
}

// DerWriter appends DER elements to a buffer. Lengths are always written in minimal form.
class DerWriter {
 public:
  // add writes one element with tag `tag` and contents `contents`.
  void add(uint8_t tag, ByteView contents);
  // add_raw appends an already encoded element (or several) unchanged.
  void add_raw(ByteView tlv) { out_.insert(out_.end(), tlv.begin(), tlv.end()); }
  // add_constructed writes an element with tag `tag` whose contents `fill` writes into a child
  // writer: `w.add_constructed(tag::kSequence, [&](DerWriter& c) { c.add_bool(true); });`.
  template <typename F>
  void add_constructed(uint8_t tag, F&& fill) {
    DerWriter child;
    std::forward<F>(fill)(child);
    add(tag, child.out_);
  }
  // add_sequence is add_constructed with tag SEQUENCE.
  template <typename F>
  void add_sequence(F&& fill) {
    add_constructed(tag::kSequence, std::forward<F>(fill));
  }
  // add_unsigned_integer writes an INTEGER holding the unsigned big-endian number `magnitude`:
  // leading zero bytes are dropped and a 00 is prepended when the top bit is set. An empty or
  // all-zero magnitude encodes 0.
  void add_unsigned_integer(ByteView magnitude);
  // add_uint64 writes a non-negative INTEGER.
  void add_uint64(uint64_t value);
  void add_bool(bool value);
  void add_null();
  // add_oid writes an OBJECT IDENTIFIER from its encoded contents (see oid_from_string).
  void add_oid(ByteView oid) { add(tag::kOid, oid); }
  // add_bit_string writes a BIT STRING of `bytes` whose last `unused_bits` bits are padding.
  void add_bit_string(ByteView bytes, uint8_t unused_bits = 0);
  void add_octet_string(ByteView bytes) { add(tag::kOctetString, bytes); }
  // add_string writes a character string with tag `tag` (UTF8String, IA5String, ...).
  void add_string(uint8_t tag, std::string_view text);
  // add_time writes an RFC 5280 Time: UTCTime for years 1950 through 2049 and GeneralizedTime
  // otherwise. Fails (latching the error) for a year outside 0000-9999.
  void add_time(int64_t seconds);

  // failed reports whether an add_time was out of range.
  bool failed() const { return error_; }
  // view is what has been written so far.
  ByteView view() const { return out_; }
  // take returns the encoding; the caller has checked failed().
  Bytes take() && { return std::move(out_); }

 private:
  Bytes out_;
  bool error_ = false;
};

// append_der_length writes a DER length (short form below 128, else the minimal long form).
void append_der_length(Bytes& out, size_t len);

}  // namespace glasstls::asn1

// The X.509 layer is built on DER and names these unqualified, as x509::DerReader and so on.
namespace glasstls::x509 {
using namespace glasstls::asn1;  // NOLINT(google-build-using-namespace)
}  // namespace glasstls::x509
