// der_test.cc: strict DER decoding, time rules and the DER writer.
#include "asn1/der.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace glasstls::asn1 {
namespace {

Bytes hex(std::string_view h) {
  std::optional<Bytes> b = from_hex(h);
  EXPECT_TRUE(b.has_value()) << h;
  return b.value_or(Bytes{});
}

ByteView text(std::string_view s) {
  return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// expect_der_error checks `s` failed as malformed DER with a reason containing `needle`.
void expect_der_error(const Status& s, std::string_view needle) {
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::kInvalidCertificate);
  EXPECT_EQ(s.error().alert, AlertDescription::bad_certificate);
  EXPECT_NE(s.error().reason.find(needle), std::string::npos) << s.error().reason;
}

TEST(DerReaderTest, PeekHeaderReportsTheDeclaredLengthOfACutShortElement) {
  // SEQUENCE whose long-form length says 0x0100 = 256 bytes, with only 3 bytes present.
  const Bytes der = hex("30820100 020101");
  DerReader r(der, 10);
  uint8_t tag = 0;
  size_t header_len = 0;
  size_t declared = 0;
  ASSERT_TRUE(r.peek_header(tag, header_len, declared).ok());
  EXPECT_EQ(tag, tag::kSequence);
  EXPECT_EQ(header_len, 4u);
  EXPECT_EQ(declared, 256u);
  EXPECT_EQ(r.offset(), 10u);  // nothing consumed
  // The strict reads refuse the same element.
  uint8_t t = 0;
  ByteView contents;
  expect_der_error(r.read_any(t, contents), "exceeds the 3 bytes available at offset 10");
  // A whole element: the declared length is its contents.
  const Bytes whole = hex("020105");
  DerReader w(whole);
  ASSERT_TRUE(w.peek_header(tag, header_len, declared).ok());
  EXPECT_EQ(tag, tag::kInteger);
  EXPECT_EQ(header_len, 2u);
  EXPECT_EQ(declared, 1u);
}

TEST(DerReaderTest, PeekHeaderRefusesWhatTheReadsRefuse) {
  uint8_t tag = 0;
  size_t header_len = 0;
  size_t declared = 0;
  expect_der_error(DerReader(hex("3080")).peek_header(tag, header_len, declared), "indefinite");
  expect_der_error(DerReader(hex("30")).peek_header(tag, header_len, declared),
                   "truncated element header");
  expect_der_error(DerReader(hex("3082 01")).peek_header(tag, header_len, declared),
                   "truncated length");
  expect_der_error(DerReader(hex("3081 05")).peek_header(tag, header_len, declared), "short form");
  expect_der_error(DerReader(hex("3f01 00")).peek_header(tag, header_len, declared),
                   "high-tag-number");
  expect_der_error(DerReader(hex("3085 0100000000")).peek_header(tag, header_len, declared),
                   "too long");
}

TEST(DerReaderTest, ReadsNestedSequenceAndOptionalFields) {
  // SEQUENCE { INTEGER 5, [0] { BOOLEAN TRUE }, OCTET STRING "ab" }
  Bytes der = hex("300c 020105 a003 0101ff 04026162");
  DerReader top(der);
  DerReader seq;
  ASSERT_TRUE(top.sequence(seq).ok());
  EXPECT_TRUE(top.empty());
  uint64_t v = 0;
  ASSERT_TRUE(seq.read_uint64(v).ok());
  EXPECT_EQ(v, 5u);

  ByteView contents;
  bool present = true;
  ASSERT_TRUE(seq.read_optional(tag::context_constructed(1), contents, present).ok());
  EXPECT_FALSE(present);
  ASSERT_TRUE(seq.read_optional(tag::context_constructed(0), contents, present).ok());
  ASSERT_TRUE(present);
  DerReader inner(contents);
  bool b = false;
  ASSERT_TRUE(inner.read_bool(b).ok());
  EXPECT_TRUE(b);

  uint8_t t = 0;
  ASSERT_TRUE(seq.peek_tag(t));
  EXPECT_EQ(t, tag::kOctetString);
  ASSERT_TRUE(seq.read(tag::kOctetString, contents).ok());
  EXPECT_EQ(Bytes(contents.begin(), contents.end()), hex("6162"));
  EXPECT_TRUE(seq.empty());
  EXPECT_FALSE(seq.peek_tag(t));
  EXPECT_TRUE(seq.expect_empty("test").ok());
  // Reading past the end fails cleanly.
  expect_der_error(seq.read(tag::kOctetString, contents), "input ended");
}

TEST(DerReaderTest, ReadTlvReturnsWholeElement) {
  Bytes der = hex("3003 020101 0500");
  DerReader r(der);
  ByteView tlv;
  ByteView contents;
  ASSERT_TRUE(r.read_tlv(tag::kSequence, tlv, contents).ok());
  EXPECT_EQ(tlv.size(), 5u);
  EXPECT_EQ(tlv.data(), der.data());
  EXPECT_EQ(contents.size(), 3u);
  ASSERT_TRUE(r.read_null().ok());
  EXPECT_TRUE(r.empty());
}

TEST(DerReaderTest, AcceptsMinimalLongFormLengths) {
  for (size_t len : {size_t{127}, size_t{128}, size_t{255}, size_t{256}, size_t{70000}}) {
    DerWriter w;
    w.add(tag::kOctetString, Bytes(len, 0x5a));
    Bytes der = std::move(w).take();
    DerReader r(der);
    ByteView contents;
    ASSERT_TRUE(r.read(tag::kOctetString, contents).ok()) << len;
    EXPECT_EQ(contents.size(), len);
    EXPECT_TRUE(r.empty());
  }
}

TEST(DerReaderTest, RejectsNonMinimalLength) {
  // 0x81 used for a length below 128.
  Bytes der = hex("048103616263");
  DerReader r(der);
  ByteView c;
  expect_der_error(r.read(tag::kOctetString, c), "short form");
  // A leading zero length byte.
  Bytes der2 = hex("04820080");
  der2.resize(4 + 128, 0);
  DerReader r2(der2);
  expect_der_error(r2.read(tag::kOctetString, c), "leading zero");
  // The cursor did not move on failure.
  EXPECT_EQ(r2.offset(), 0u);
}

TEST(DerReaderTest, RejectsIndefiniteLength) {
  Bytes der = hex("3080 020101 0000");
  DerReader r(der);
  DerReader seq;
  expect_der_error(r.sequence(seq), "indefinite");
}

TEST(DerReaderTest, RejectsTruncatedInput) {
  ByteView c;
  {
    Bytes der = hex("0405616263");  // Claims 5 bytes, has 3.
    DerReader r(der);
    expect_der_error(r.read(tag::kOctetString, c), "exceeds");
  }
  {
    Bytes der = hex("04");  // No length byte.
    DerReader r(der);
    expect_der_error(r.read(tag::kOctetString, c), "truncated");
  }
  {
    Bytes der = hex("048201");  // Long form cut inside the length.
    DerReader r(der);
    expect_der_error(r.read(tag::kOctetString, c), "truncated length");
  }
  {
    Bytes der = hex("0485ffffffffff");  // A 5-byte length.
    DerReader r(der);
    expect_der_error(r.read(tag::kOctetString, c), "too long");
  }
}

TEST(DerReaderTest, RejectsTrailingData) {
  Bytes der = hex("3003 020101 00");
  DerReader r(der);
  DerReader seq;
  ASSERT_TRUE(r.sequence(seq).ok());
  Status s = r.expect_empty("top level");
  expect_der_error(s, "1 unexpected trailing bytes in top level at offset 5");
  // Trailing bytes inside a SEQUENCE are also caught.
  Bytes der2 = hex("3004 020101 00");
  DerReader r2(der2);
  ASSERT_TRUE(r2.sequence(seq).ok());
  uint64_t v = 0;
  ASSERT_TRUE(seq.read_uint64(v).ok());
  expect_der_error(seq.expect_empty("inner"), "at offset 5");
}

TEST(DerReaderTest, RejectsHighTagNumberForm) {
  Bytes der = hex("1f2a0100");
  DerReader r(der);
  uint8_t t = 0;
  ByteView c;
  expect_der_error(r.read_any(t, c), "high-tag-number");
}

TEST(DerReaderTest, WrongTagNamesBothTags) {
  Bytes der = hex("020101");
  DerReader r(der);
  ByteView c;
  expect_der_error(r.read(tag::kOctetString, c), "expected tag 0x04 but found 0x02 at offset 0");
  EXPECT_FALSE(r.empty());
}

TEST(DerReaderTest, ErrorOffsetsAreAbsolute) {
  // The bad BOOLEAN sits at offset 2 of the outer input.
  Bytes der = hex("3003 010101");
  DerReader r(der);
  DerReader seq;
  ASSERT_TRUE(r.sequence(seq).ok());
  bool b = false;
  expect_der_error(seq.read_bool(b), "at offset 2");
}

TEST(DerReaderTest, IntegerMinimality) {
  ByteView v;
  for (const char* bad : {"0200", "0202007f", "0202ff80", "0203000080"}) {
    Bytes der = hex(bad);
    DerReader r(der);
    Status s = r.read_integer(v);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(r.offset(), 0u);
  }
  for (const char* good : {"020100", "02020080", "0201ff", "0202ff7f", "02017f"}) {
    Bytes der = hex(good);
    DerReader r(der);
    EXPECT_TRUE(r.read_integer(v).ok()) << good;
  }
}

TEST(DerReaderTest, Uint64Range) {
  uint64_t v = 0;
  {
    Bytes der = hex("020900ffffffffffffffff");
    DerReader r(der);
    ASSERT_TRUE(r.read_uint64(v).ok());
    EXPECT_EQ(v, UINT64_MAX);
  }
  {
    Bytes der = hex("0209010000000000000000");
    DerReader r(der);
    expect_der_error(r.read_uint64(v), "64 bits");
  }
  {
    Bytes der = hex("0201ff");
    DerReader r(der);
    expect_der_error(r.read_uint64(v), "negative");
  }
}

TEST(DerReaderTest, BooleanMustBeDer) {
  bool b = true;
  for (const char* bad : {"010101", "0101fe", "0100", "010200ff"}) {
    Bytes der = hex(bad);
    DerReader r(der);
    EXPECT_FALSE(r.read_bool(b).ok()) << bad;
  }
  Bytes f = hex("010100");
  DerReader r(f);
  ASSERT_TRUE(r.read_bool(b).ok());
  EXPECT_FALSE(b);
}

TEST(DerReaderTest, NullMustBeEmpty) {
  Bytes der = hex("050100");
  DerReader r(der);
  expect_der_error(r.read_null(), "NULL");
}

TEST(DerReaderTest, ObjectIdentifiers) {
  ByteView oid;
  {
    Bytes der = hex("06082a8648ce3d040302");
    DerReader r(der);
    ASSERT_TRUE(r.read_oid(oid).ok());
    EXPECT_EQ(oid_to_string(oid), "1.2.840.10045.4.3.2");
  }
  for (const char* bad : {"0600", "06028001", "06022a86", "0603550480"}) {
    Bytes der = hex(bad);
    DerReader r(der);
    EXPECT_FALSE(r.read_oid(oid).ok()) << bad;
  }
  EXPECT_EQ(oid_to_string(hex("550403")), "2.5.4.3");
  EXPECT_EQ(oid_to_string(hex("2b6570")), "1.3.101.112");
  EXPECT_EQ(oid_to_string(hex("8137")), "2.103");  // First subidentifier 183 = 2 * 40 + 103.
  EXPECT_EQ(oid_to_string(hex("80")), "<invalid OID>");
}

TEST(DerReaderTest, OidFromStringRoundTrips) {
  for (const char* dotted : {"2.5.4.3", "1.2.840.113549.1.1.11", "1.3.101.112", "0.9.2342",
                             "2.999.1", "1.3.6.1.4.1.11129.2.4.2"}) {
    Result<Bytes> enc = oid_from_string(dotted);
    ASSERT_TRUE(enc.ok()) << dotted;
    EXPECT_TRUE(check_oid(*enc).ok());
    EXPECT_EQ(oid_to_string(*enc), dotted);
  }
  EXPECT_EQ(*oid_from_string("2.5.4.3"), hex("550403"));
  for (const char* bad : {"", "1", "3.1", "1.40", "1..2", "1.2.", "a.b", "01.2"}) {
    EXPECT_FALSE(oid_from_string(bad).ok()) << bad;
  }
}

TEST(DerReaderTest, BitStrings) {
  ByteView bits;
  uint8_t unused = 0;
  {
    Bytes der = hex("03020106");  // keyUsage keyCertSign | cRLSign
    DerReader r(der);
    ASSERT_TRUE(r.read_bit_string(bits, unused).ok());
    EXPECT_EQ(unused, 1);
    EXPECT_EQ(Bytes(bits.begin(), bits.end()), hex("06"));
  }
  {
    Bytes der = hex("030100");
    DerReader r(der);
    ASSERT_TRUE(r.read_bit_string(bits, unused).ok());
    EXPECT_TRUE(bits.empty());
  }
  for (const char* bad : {"0300", "030101", "03020801", "03020107"}) {
    Bytes der = hex(bad);
    DerReader r(der);
    EXPECT_FALSE(r.read_bit_string(bits, unused).ok()) << bad;
  }
  Bytes padded = hex("03020680");
  DerReader r(padded);
  expect_der_error(r.read_octet_aligned_bit_string(bits), "whole number of bytes");
}

int64_t utc(std::string_view s) {
  int64_t t = 0;
  Status st = parse_utc_time(text(s), t);
  EXPECT_TRUE(st.ok()) << s << ": " << (st.ok() ? "" : st.error().reason);
  return t;
}

int64_t generalized(std::string_view s) {
  int64_t t = 0;
  Status st = parse_generalized_time(text(s), t);
  EXPECT_TRUE(st.ok()) << s << ": " << (st.ok() ? "" : st.error().reason);
  return t;
}

TEST(DerTimeTest, UtcTimeFiftyYearRule) {
  EXPECT_EQ(utc("700101000000Z"), 0);
  // YY = 50 is 1950, the earliest UTCTime; YY = 49 is 2049, the latest.
  EXPECT_EQ(utc("500101000000Z"), -631152000);
  EXPECT_EQ(utc("491231235959Z"), 2524607999);
  EXPECT_EQ(utc("991231235959Z"), 946684799);
  EXPECT_EQ(utc("000101000000Z"), 946684800);
  EXPECT_EQ(utc("240229120000Z"), 1709208000);
}

TEST(DerTimeTest, GeneralizedTime) {
  EXPECT_EQ(generalized("19700101000000Z"), 0);
  EXPECT_EQ(generalized("20500101000000Z"), 2524608000);
  EXPECT_EQ(generalized("19491231235959Z"), -631152001);
  EXPECT_EQ(generalized("99991231235959Z"), 253402300799);
  EXPECT_EQ(generalized("00000101000000Z"), -62167219200);
  EXPECT_EQ(generalized("20000229000000Z"), 951782400);
}

TEST(DerTimeTest, RejectsNonDerForms) {
  int64_t t = 0;
  for (const char* bad : {"7001010000Z", "700101000000", "700101000000+0000", "700101000000z",
                          "7001010000000Z", "701301000000Z", "700001000000Z", "700100000000Z",
                          "700132000000Z", "230229000000Z", "700101240000Z", "700101006000Z",
                          "700101000060Z", "70010100000aZ", " 70101000000Z", "-70101000000Z"}) {
    EXPECT_FALSE(parse_utc_time(text(bad), t).ok()) << bad;
  }
  for (const char* bad :
       {"20500101000000.5Z", "20500101000000", "205001010000Z", "20500101000000+0100",
        "19000229000000Z", "2050010100000Z", "20500431000000Z"}) {
    EXPECT_FALSE(parse_generalized_time(text(bad), t).ok()) << bad;
  }
  Status s = parse_generalized_time(text("20500101000000.5Z"), t);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::kInvalidCertificate);
  EXPECT_NE(s.error().reason.find("GeneralizedTime"), std::string::npos);
}

TEST(DerTimeTest, ReadTimeDispatchesOnTag) {
  Bytes der = hex("170d3439313233313233353935395a 180f32303530303130313030303030305a");
  DerReader r(der);
  int64_t a = 0;
  int64_t b = 0;
  ASSERT_TRUE(r.read_time(a).ok());
  ASSERT_TRUE(r.read_time(b).ok());
  EXPECT_EQ(a, 2524607999);
  EXPECT_EQ(b, 2524608000);
  Bytes bad = hex("040d3439313233313233353935395a");
  DerReader r2(bad);
  EXPECT_FALSE(r2.read_time(a).ok());
}

TEST(DerTimeTest, CivilRoundTrip) {
  for (int64_t s = -62167219200; s < 253402300799; s += 86400 * 97 + 3671) {
    std::optional<CivilTime> c = to_civil(s);
    ASSERT_TRUE(c.has_value()) << s;
    EXPECT_EQ(from_civil(*c), s);
  }
  EXPECT_FALSE(to_civil(-62167219201).has_value());
  EXPECT_FALSE(to_civil(253402300800).has_value());
  std::optional<CivilTime> c = to_civil(1709208000);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->year, 2024);
  EXPECT_EQ(c->month, 2);
  EXPECT_EQ(c->day, 29);
  EXPECT_EQ(c->hour, 12);
}

TEST(DerWriterTest, MinimalLengths) {
  struct Case {
    size_t len;
    const char* header;
  };
  for (const Case& c : {Case{0, "0400"}, Case{127, "047f"}, Case{128, "048180"},
                        Case{255, "0481ff"}, Case{256, "04820100"}, Case{65536, "0483010000"}}) {
    DerWriter w;
    w.add_octet_string(Bytes(c.len, 1));
    Bytes out = std::move(w).take();
    Bytes want = hex(c.header);
    ASSERT_GE(out.size(), want.size());
    EXPECT_EQ(Bytes(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(want.size())), want)
        << c.len;
    EXPECT_EQ(out.size(), want.size() + c.len);
  }
}

TEST(DerWriterTest, IntegersAndPrimitives) {
  DerWriter w;
  w.add_unsigned_integer(hex("0000"));
  w.add_unsigned_integer(hex("007f"));
  w.add_unsigned_integer(hex("80"));
  w.add_uint64(0);
  w.add_uint64(256);
  w.add_bool(true);
  w.add_bool(false);
  w.add_null();
  w.add_bit_string(hex("80"), 7);
  w.add_sequence([](DerWriter& s) { s.add_uint64(1); });
  EXPECT_EQ(std::move(w).take(),
            hex("020100 02017f 02020080 020100 02020100 0101ff 010100 0500 03020780 3003020101"));
}

TEST(DerWriterTest, TimeChoiceFollowsRfc5280) {
  struct Case {
    int64_t t;
    const char* der;
  };
  for (const Case& c :
       {Case{2524607999, "170d3439313233313233353935395a"},         // 2049-12-31 UTCTime
        Case{2524608000, "180f32303530303130313030303030305a"},     // 2050-01-01 Generalized
        Case{-631152000, "170d3530303130313030303030305a"},         // 1950-01-01 UTCTime
        Case{-631152001, "180f31393439313233313233353935395a"}}) {  // 1949 Generalized
    DerWriter w;
    w.add_time(c.t);
    ASSERT_FALSE(w.failed());
    Bytes out = std::move(w).take();
    EXPECT_EQ(to_hex(out), to_hex(hex(c.der))) << c.t;
    DerReader r(out);
    int64_t back = 0;
    ASSERT_TRUE(r.read_time(back).ok());
    EXPECT_EQ(back, c.t);
  }
  DerWriter w;
  w.add_time(253402300800);  // Year 10000.
  EXPECT_TRUE(w.failed());
}

TEST(DerWriterTest, ReaderReadsWhatWriterWrites) {
  DerWriter w;
  w.add_sequence([](DerWriter& s) {
    s.add_oid(hex("550403"));
    s.add_string(tag::kUtf8String, std::string(300, 'x'));
    s.add_constructed(tag::context_constructed(3), [](DerWriter& e) { e.add_bool(true); });
  });
  Bytes der = std::move(w).take();
  DerReader top(der);
  DerReader seq;
  ASSERT_TRUE(top.sequence(seq).ok());
  ASSERT_TRUE(top.expect_empty("top").ok());
  ByteView oid;
  ASSERT_TRUE(seq.read_oid(oid).ok());
  EXPECT_EQ(oid_to_string(oid), "2.5.4.3");
  ByteView s;
  ASSERT_TRUE(seq.read(tag::kUtf8String, s).ok());
  EXPECT_EQ(s.size(), 300u);
  DerReader ext;
  ASSERT_TRUE(seq.nested(tag::context_constructed(3), ext).ok());
  bool b = false;
  ASSERT_TRUE(ext.read_bool(b).ok());
  EXPECT_TRUE(b);
  EXPECT_TRUE(seq.empty());
}

}  // namespace
}  // namespace glasstls::asn1
