// der.cc: strict DER decoding and minimal DER encoding.
#include "asn1/der.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <limits>
#include <vector>

namespace glasstls::asn1 {

Error der_error(std::string reason) {
  return make_error(ErrorKind::kInvalidCertificate, AlertDescription::bad_certificate,
                    std::move(reason));
}

namespace {

std::string at(size_t offset) { return " at offset " + std::to_string(offset); }

std::string tag_hex(uint8_t t) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s = "0x";
  s += kDigits[t >> 4];
  s += kDigits[t & 0xf];
  return s;
}

}  // namespace

bool DerReader::peek_tag(uint8_t& out) const {
  if (empty()) {
    return false;
  }
  out = data_[pos_];
  return true;
}

Status DerReader::parse_header(uint8_t& tag_out, size_t& header_len, size_t& content_len) const {
  uint8_t t = 0;
  size_t hlen = 0;
  size_t len = 0;
  GLASSTLS_TRY(peek_header(t, hlen, len));
  const size_t avail = data_.size() - pos_;
  if (len > avail - hlen) {
    return der_error("DER: element length " + std::to_string(len) + " exceeds the " +
                     std::to_string(avail - hlen) + " bytes available" + at(offset()));
  }
  tag_out = t;
  header_len = hlen;
  content_len = len;
  return Ok{};
}

Status DerReader::peek_header(uint8_t& tag_out, size_t& header_len, size_t& declared) const {
  size_t avail = data_.size() - pos_;
  if (avail < 2) {
    return der_error("DER: truncated element header" + at(offset()));
  }
  uint8_t t = data_[pos_];
  //= https://www.itu.int/rec/T-REC-X.690 section 8.1.2.4
  //# For tags with a number greater than or equal to 31, the identifier shall comprise a
  //# leading octet followed by one or more subsequent octets.
  // X.509 uses no such tags, so the high-tag-number form is rejected outright.
  if ((t & 0x1f) == 0x1f) {
    return der_error("DER: high-tag-number form is not supported" + at(offset()));
  }
  uint8_t first = data_[pos_ + 1];
  size_t len = 0;
  size_t hlen = 2;
  if (first < 0x80) {
    len = first;
  } else if (first == 0x80) {
    //= https://www.itu.int/rec/T-REC-X.690 section 10.1
    //# The definite form of length encoding shall be used, encoded in the minimum number of
    //# octets.
    return der_error("DER: indefinite length is not allowed" + at(offset()));
  } else {
    size_t n = first & 0x7f;
    // Lengths over 4 bytes cannot fit any input we accept; 0xff is reserved by X.690 8.1.3.5.
    if (n > 4) {
      return der_error("DER: length of " + std::to_string(n) + " bytes is too long" + at(offset()));
    }
    if (avail < 2 + n) {
      return der_error("DER: truncated length" + at(offset()));
    }
    if (data_[pos_ + 2] == 0) {
      return der_error("DER: length has a leading zero byte" + at(offset()));
    }
    for (size_t i = 0; i < n; i++) {
      len = (len << 8) | data_[pos_ + 2 + i];
    }
    if (len < 0x80) {
      return der_error("DER: length " + std::to_string(len) + " must use the short form" +
                       at(offset()));
    }
    hlen = 2 + n;
  }
  tag_out = t;
  header_len = hlen;
  declared = len;
  return Ok{};
}

Status DerReader::read_any(uint8_t& tag_out, ByteView& contents, ByteView* tlv) {
  uint8_t t = 0;
  size_t hlen = 0;
  size_t clen = 0;
  GLASSTLS_TRY(parse_header(t, hlen, clen));
  tag_out = t;
  contents = data_.subspan(pos_ + hlen, clen);
  if (tlv != nullptr) {
    *tlv = data_.subspan(pos_, hlen + clen);
  }
  pos_ += hlen + clen;
  return Ok{};
}

Status DerReader::read_tlv(uint8_t expected, ByteView& tlv, ByteView& contents) {
  uint8_t t = 0;
  size_t hlen = 0;
  size_t clen = 0;
  if (empty()) {
    return der_error("DER: expected tag " + tag_hex(expected) + " but the input ended" +
                     at(offset()));
  }
  GLASSTLS_TRY(parse_header(t, hlen, clen));
  if (t != expected) {
    return der_error("DER: expected tag " + tag_hex(expected) + " but found " + tag_hex(t) +
                     at(offset()));
  }
  tlv = data_.subspan(pos_, hlen + clen);
  contents = data_.subspan(pos_ + hlen, clen);
  pos_ += hlen + clen;
  return Ok{};
}

Status DerReader::read(uint8_t expected, ByteView& contents) {
  ByteView tlv;
  return read_tlv(expected, tlv, contents);
}

Status DerReader::read_optional(uint8_t expected, ByteView& contents, bool& present) {
  uint8_t t = 0;
  if (!peek_tag(t) || t != expected) {
    present = false;
    return Ok{};
  }
  GLASSTLS_TRY(read(expected, contents));
  present = true;
  return Ok{};
}

Status DerReader::nested(uint8_t expected, DerReader& out) {
  size_t start = offset();
  ByteView tlv;
  ByteView contents;
  GLASSTLS_TRY(read_tlv(expected, tlv, contents));
  out = DerReader(contents, start + (tlv.size() - contents.size()));
  return Ok{};
}

Status DerReader::skip(uint8_t expected) {
  ByteView ignored;
  return read(expected, ignored);
}

Status check_integer(ByteView v) {
  //= https://www.itu.int/rec/T-REC-X.690 section 8.3.2
  //# If the contents octets of an integer value encoding consist of more than one octet, then
  //# the bits of the first octet and bit 8 of the second octet:
  //# a) shall not all be ones; and
  //# b) shall not all be zero.
  if (v.empty()) {
    return der_error("DER: INTEGER has no contents");
  }
  if (v.size() > 1 &&
      ((v[0] == 0x00 && (v[1] & 0x80) == 0) || (v[0] == 0xff && (v[1] & 0x80) != 0))) {
    return der_error("DER: INTEGER is not minimally encoded");
  }
  return Ok{};
}

Status DerReader::read_integer(ByteView& value) {
  size_t start = offset();
  ByteView v;
  GLASSTLS_TRY(read(tag::kInteger, v));
  Status s = check_integer(v);
  if (!s.ok()) {
    pos_ -= (offset() - start);
    return der_error(s.error().reason + at(start));
  }
  value = v;
  return Ok{};
}

Status DerReader::read_uint64(uint64_t& value) {
  size_t start = offset();
  ByteView v;
  GLASSTLS_TRY(read_integer(v));
  // read_integer guarantees at least one content byte.
  if ((v[0] & 0x80) != 0) {
    pos_ -= (offset() - start);
    return der_error("DER: INTEGER is negative" + at(start));
  }
  if (v[0] == 0) {
    v = v.subspan(1);
  }
  if (v.size() > 8) {
    pos_ -= (offset() - start);
    return der_error("DER: INTEGER does not fit in 64 bits" + at(start));
  }
  uint64_t r = 0;
  for (uint8_t b : v) {
    r = (r << 8) | b;
  }
  value = r;
  return Ok{};
}

Status DerReader::read_bool(bool& value) {
  size_t start = offset();
  ByteView v;
  GLASSTLS_TRY(read(tag::kBoolean, v));
  //= https://www.itu.int/rec/T-REC-X.690 section 11.1
  //# If the encoding represents the boolean value TRUE, its single contents octet shall have
  //# all eight bits set to one.
  if (v.size() != 1 || (v[0] != 0x00 && v[0] != 0xff)) {
    pos_ -= (offset() - start);
    return der_error("DER: BOOLEAN must be one byte, 00 or ff" + at(start));
  }
  value = v[0] == 0xff;
  return Ok{};
}

Status DerReader::read_null() {
  size_t start = offset();
  ByteView v;
  GLASSTLS_TRY(read(tag::kNull, v));
  if (!v.empty()) {
    pos_ -= (offset() - start);
    return der_error("DER: NULL has contents" + at(start));
  }
  return Ok{};
}

Status check_oid(ByteView oid) {
  if (oid.empty()) {
    return der_error("DER: OBJECT IDENTIFIER is empty");
  }
  bool arc_start = true;
  for (uint8_t b : oid) {
    //= https://www.itu.int/rec/T-REC-X.690 section 8.19.2
    //# the leading octet of the subidentifier shall not have the value 0x80.
    if (arc_start && b == 0x80) {
      return der_error("DER: OBJECT IDENTIFIER arc is not minimally encoded");
    }
    arc_start = (b & 0x80) == 0;
  }
  if (!arc_start) {
    return der_error("DER: OBJECT IDENTIFIER ends inside an arc");
  }
  return Ok{};
}

Status DerReader::read_oid(ByteView& oid) {
  size_t start = offset();
  ByteView v;
  GLASSTLS_TRY(read(tag::kOid, v));
  Status s = check_oid(v);
  if (!s.ok()) {
    pos_ -= (offset() - start);
    return der_error(s.error().reason + at(start));
  }
  oid = v;
  return Ok{};
}

Status DerReader::read_bit_string(ByteView& bits, uint8_t& unused_bits) {
  size_t start = offset();
  ByteView v;
  GLASSTLS_TRY(read(tag::kBitString, v));
  auto fail = [&](const char* why) {
    pos_ -= (offset() - start);
    return der_error(std::string("DER: BIT STRING ") + why + at(start));
  };
  if (v.empty()) {
    return fail("has no unused-bits byte");
  }
  uint8_t unused = v[0];
  if (unused > 7) {
    return fail("has more than 7 unused bits");
  }
  if (v.size() == 1 && unused != 0) {
    return fail("is empty but declares unused bits");
  }
  //= https://www.itu.int/rec/T-REC-X.690 section 11.2.1
  //# Each unused bit in the final octet of the encoding of a bit string value shall be set to
  //# zero.
  if (unused != 0 && (v.back() & ((1u << unused) - 1)) != 0) {
    return fail("has non-zero padding bits");
  }
  bits = v.subspan(1);
  unused_bits = unused;
  return Ok{};
}

Status DerReader::read_octet_aligned_bit_string(ByteView& bits) {
  size_t start = offset();
  ByteView v;
  uint8_t unused = 0;
  GLASSTLS_TRY(read_bit_string(v, unused));
  if (unused != 0) {
    pos_ -= (offset() - start);
    return der_error("DER: BIT STRING must be a whole number of bytes" + at(start));
  }
  bits = v;
  return Ok{};
}

Status DerReader::read_time(int64_t& seconds) {
  size_t start = offset();
  uint8_t t = 0;
  ByteView v;
  if (peek_tag(t) && t == tag::kGeneralizedTime) {
    GLASSTLS_TRY(read(tag::kGeneralizedTime, v));
    Status s = parse_generalized_time(v, seconds);
    if (!s.ok()) {
      pos_ -= (offset() - start);
      return der_error(s.error().reason + at(start));
    }
    return Ok{};
  }
  GLASSTLS_TRY(read(tag::kUtcTime, v));
  Status s = parse_utc_time(v, seconds);
  if (!s.ok()) {
    pos_ -= (offset() - start);
    return der_error(s.error().reason + at(start));
  }
  return Ok{};
}

Status DerReader::expect_empty(std::string_view what) const {
  if (!empty()) {
    return der_error("DER: " + std::to_string(data_.size() - pos_) +
                     " unexpected trailing bytes in " + std::string(what) + at(offset()));
  }
  return Ok{};
}

std::string oid_to_string(ByteView oid) {
  if (!check_oid(oid).ok()) {
    return "<invalid OID>";
  }
  std::string out;
  uint64_t arc = 0;
  bool first = true;
  for (uint8_t b : oid) {
    if (arc > (std::numeric_limits<uint64_t>::max() >> 7)) {
      return "<invalid OID>";
    }
    arc = (arc << 7) | (b & 0x7f);
    if ((b & 0x80) != 0) {
      continue;
    }
    if (first) {
      // The first subidentifier packs the first two arcs as 40 * X + Y (X.690 8.19.4).
      uint64_t x = arc < 40 ? 0 : (arc < 80 ? 1 : 2);
      // Appended piece by piece: GCC 12 at -O3 misreads `"." + std::string` as an overlap.
      out += std::to_string(x);
      out += '.';
      out += std::to_string(arc - 40 * x);
      first = false;
    } else {
      out += '.';
      out += std::to_string(arc);
    }
    arc = 0;
  }
  return out;
}

namespace {

void append_base128(Bytes& out, uint64_t v) {
  std::array<uint8_t, 10> tmp{};
  size_t n = 0;
  do {
    tmp[n++] = static_cast<uint8_t>(v & 0x7f);
    v >>= 7;
  } while (v != 0);
  while (n > 0) {
    n--;
    out.push_back(static_cast<uint8_t>(tmp[n] | (n > 0 ? 0x80 : 0x00)));
  }
}

}  // namespace

Result<Bytes> oid_from_string(std::string_view dotted) {
  std::vector<uint64_t> arcs;
  size_t i = 0;
  while (true) {
    size_t end = dotted.find('.', i);
    std::string_view part = dotted.substr(i, end == std::string_view::npos ? end : end - i);
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (part.empty() || ec != std::errc() || p != part.data() + part.size() ||
        (part.size() > 1 && part[0] == '0')) {
      return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error,
                        "malformed OID \"" + std::string(dotted) + "\"");
    }
    arcs.push_back(v);
    if (end == std::string_view::npos) {
      break;
    }
    i = end + 1;
  }
  if (arcs.size() < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39) ||
      arcs[1] > std::numeric_limits<uint64_t>::max() - 80) {
    return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error,
                      "OID \"" + std::string(dotted) + "\" has invalid leading arcs");
  }
  Bytes out;
  append_base128(out, arcs[0] * 40 + arcs[1]);
  for (size_t k = 2; k < arcs.size(); k++) {
    append_base128(out, arcs[k]);
  }
  return out;
}

// ---- Time ----

namespace {

bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int64_t y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[static_cast<size_t>(m - 1)];
}

// days_before_year counts the days from 0001-01-01 to January 1st of year `y` (y >= 1).
int64_t days_before_year(int64_t y) {
  int64_t p = y - 1;
  return p * 365 + p / 4 - p / 100 + p / 400;
}

// days_since_epoch is the day number of `y`-01-01 relative to 1970-01-01. Years are shifted by
// one 400-year cycle (146097 days) so that year 0 is handled by the y >= 1 formula.
int64_t year_start_days(int64_t y) {
  return days_before_year(y + 400) - days_before_year(1970 + 400);
}

int day_of_year(int64_t y, int m, int d) {
  int n = d - 1;
  for (int k = 1; k < m; k++) {
    n += days_in_month(y, k);
  }
  return n;
}

constexpr int64_t kMinYear = 0;
constexpr int64_t kMaxYear = 9999;

// digits parses `n` decimal digits of `s` at `pos`; fails on any non-digit.
bool digits(ByteView s, size_t pos, size_t n, int& out) {
  int v = 0;
  for (size_t i = 0; i < n; i++) {
    uint8_t c = s[pos + i];
    if (c < '0' || c > '9') {
      return false;
    }
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

// parse_time parses the common tail MMDDHHMMSSZ after a year of `year_len` digits.
Status parse_time(ByteView s, size_t year_len, const char* what, int64_t& seconds) {
  size_t want = year_len + 11;
  if (s.size() != want) {
    return der_error(std::string("DER: ") + what + " must be exactly " + std::to_string(want) +
                     " characters (" + (year_len == 2 ? "YYMMDDHHMMSSZ" : "YYYYMMDDHHMMSSZ") +
                     "), got " + std::to_string(s.size()));
  }
  if (s[want - 1] != 'Z') {
    return der_error(std::string("DER: ") + what + " must end in 'Z'");
  }
  int year = 0;
  CivilTime t;
  if (!digits(s, 0, year_len, year) || !digits(s, year_len, 2, t.month) ||
      !digits(s, year_len + 2, 2, t.day) || !digits(s, year_len + 4, 2, t.hour) ||
      !digits(s, year_len + 6, 2, t.minute) || !digits(s, year_len + 8, 2, t.second)) {
    return der_error(std::string("DER: ") + what + " has a non-digit");
  }
  if (year_len == 2) {
    t.year = year >= 50 ? 1900 + year : 2000 + year;
  } else {
    t.year = year;
  }
  if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > days_in_month(t.year, t.month) ||
      t.hour > 23 || t.minute > 59 || t.second > 59) {
    return der_error(std::string("DER: ") + what + " is not a valid date and time");
  }
  seconds = from_civil(t);
  return Ok{};
}

}  // namespace

int64_t from_civil(const CivilTime& t) {
  int64_t days = year_start_days(t.year) + day_of_year(t.year, t.month, t.day);
  return days * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
}

std::optional<CivilTime> to_civil(int64_t seconds) {
  static const int64_t kMin = year_start_days(kMinYear) * 86400;
  static const int64_t kMax = year_start_days(kMaxYear + 1) * 86400 - 1;
  if (seconds < kMin || seconds > kMax) {
    return std::nullopt;
  }
  int64_t days = seconds / 86400;
  int64_t rem = seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  // An estimate within a year or two, corrected by stepping.
  int64_t y = 1970 + (days * 400) / 146097;
  y = std::min(std::max(y, kMinYear), kMaxYear);
  while (y > kMinYear && year_start_days(y) > days) {
    y--;
  }
  while (y < kMaxYear && year_start_days(y + 1) <= days) {
    y++;
  }
  CivilTime t;
  t.year = y;
  int64_t doy = days - year_start_days(y);
  int m = 1;
  while (m < 12 && doy >= days_in_month(y, m)) {
    doy -= days_in_month(y, m);
    m++;
  }
  t.month = m;
  t.day = static_cast<int>(doy) + 1;
  t.hour = static_cast<int>(rem / 3600);
  t.minute = static_cast<int>((rem / 60) % 60);
  t.second = static_cast<int>(rem % 60);
  return t;
}

Status parse_utc_time(ByteView text, int64_t& seconds) {
  return parse_time(text, 2, "UTCTime", seconds);
}

Status parse_generalized_time(ByteView text, int64_t& seconds) {
  //= https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5.2
  //# GeneralizedTime values MUST be
  //# expressed in Greenwich Mean Time (Zulu) and MUST include seconds
  //# (i.e., times are YYYYMMDDHHMMSSZ), even where the number of seconds
  //# is zero.  GeneralizedTime values MUST NOT include fractional seconds.
  return parse_time(text, 4, "GeneralizedTime", seconds);
}

// ---- Writer ----

void append_der_length(Bytes& out, size_t len) {
  if (len < 0x80) {
    out.push_back(static_cast<uint8_t>(len));
    return;
  }
  size_t n = 0;
  for (size_t v = len; v != 0; v >>= 8) {
    n++;
  }
  out.push_back(static_cast<uint8_t>(0x80 | n));
  for (size_t i = n; i > 0; i--) {
    out.push_back(static_cast<uint8_t>(len >> (8 * (i - 1))));
  }
}

void DerWriter::add(uint8_t t, ByteView contents) {
  out_.push_back(t);
  append_der_length(out_, contents.size());
  out_.insert(out_.end(), contents.begin(), contents.end());
}

void DerWriter::add_unsigned_integer(ByteView magnitude) {
  size_t i = 0;
  while (i < magnitude.size() && magnitude[i] == 0) {
    i++;
  }
  Bytes v;
  if (i == magnitude.size() || (magnitude[i] & 0x80) != 0) {
    v.push_back(0);
  }
  v.insert(v.end(), magnitude.begin() + static_cast<std::ptrdiff_t>(i), magnitude.end());
  add(tag::kInteger, v);
}

void DerWriter::add_uint64(uint64_t value) {
  std::array<uint8_t, 8> be{};
  for (size_t i = 0; i < 8; i++) {
    be[i] = static_cast<uint8_t>(value >> (8 * (7 - i)));
  }
  add_unsigned_integer(be);
}

void DerWriter::add_bool(bool value) {
  const uint8_t b = value ? 0xff : 0x00;
  add(tag::kBoolean, ByteView(&b, 1));
}

void DerWriter::add_null() { add(tag::kNull, ByteView()); }

void DerWriter::add_bit_string(ByteView bytes, uint8_t unused_bits) {
  Bytes v;
  v.reserve(bytes.size() + 1);
  v.push_back(unused_bits);
  v.insert(v.end(), bytes.begin(), bytes.end());
  add(tag::kBitString, v);
}

void DerWriter::add_string(uint8_t t, std::string_view text) {
  add(t, ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

void DerWriter::add_time(int64_t seconds) {
  std::optional<CivilTime> t = to_civil(seconds);
  if (!t) {
    error_ = true;
    return;
  }
  //= https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5
  //# CAs conforming to this profile MUST always encode certificate
  //# validity dates through the year 2049 as UTCTime; certificate validity
  //# dates in 2050 or later MUST be encoded as GeneralizedTime.
  bool utc = t->year >= 1950 && t->year <= 2049;
  char buf[16];
  auto put2 = [&](size_t pos, int v) {
    buf[pos] = static_cast<char>('0' + v / 10);
    buf[pos + 1] = static_cast<char>('0' + v % 10);
  };
  size_t p = 0;
  if (utc) {
    put2(0, static_cast<int>(t->year % 100));
    p = 2;
  } else {
    put2(0, static_cast<int>(t->year / 100));
    put2(2, static_cast<int>(t->year % 100));
    p = 4;
  }
  put2(p, t->month);
  put2(p + 2, t->day);
  put2(p + 4, t->hour);
  put2(p + 6, t->minute);
  put2(p + 8, t->second);
  buf[p + 10] = 'Z';
  add_string(utc ? tag::kUtcTime : tag::kGeneralizedTime, std::string_view(buf, p + 11));
}

std::string format_time_utc(int64_t seconds) {
  std::optional<CivilTime> c = to_civil(seconds);
  if (!c) {
    return std::to_string(seconds);
  }
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02d %02d:%02d:%02d UTC",
                static_cast<long long>(c->year), c->month, c->day, c->hour, c->minute, c->second);
  return buf;
}

}  // namespace glasstls::asn1
