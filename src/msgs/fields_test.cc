// fields_test.cc: the FieldReader in its two modes, strict and reporting.
#include "msgs/fields.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/bytes.h"

namespace glasstls::msgs {
namespace {

// Recorder writes every report as one line, so a test can compare what was reported.
class Recorder final : public FieldSink {
 public:
  void field(std::string_view name, size_t index, size_t offset, ByteView bytes, uint32_t number,
             Show, bool integer) override {
    lines.push_back("field " + std::string(name) +
                    (index == kNoIndex ? "" : "[" + std::to_string(index) + "]") + " @" +
                    std::to_string(offset) + "+" + std::to_string(bytes.size()) +
                    (integer ? " =" + std::to_string(number) : ""));
  }
  void begin(std::string_view name, size_t, size_t offset, size_t prefix_len,
             uint32_t declared) override {
    lines.push_back("begin " + std::string(name) + " @" + std::to_string(offset) + " prefix " +
                    std::to_string(prefix_len) + " declares " + std::to_string(declared));
  }
  void end(size_t end) override { lines.push_back("end @" + std::to_string(end)); }
  void malformed(size_t offset, ByteView rest, std::string why) override {
    lines.push_back("malformed @" + std::to_string(offset) + "+" + std::to_string(rest.size()) +
                    ": " + why);
  }
  void broken(const Broken& rule, bool on_last_field) override {
    lines.push_back("broken " + std::to_string(rule.kind) + (on_last_field ? " last" : ""));
  }
  std::vector<std::string> lines;
};

TEST(FieldReader, StrictReadsLikeAByteReader) {
  const Bytes data = {0x03, 0x03, 0x02, 0xaa, 0xbb, 0x07};
  FieldReader r(data);
  EXPECT_FALSE(r.reporting());
  uint16_t version = 0;
  ASSERT_TRUE(r.u16(version, "legacy_version"));
  EXPECT_EQ(version, 0x0303);
  ByteView contents;
  ASSERT_TRUE(r.opaque(1, "id", "id", contents));
  EXPECT_EQ(contents.size(), 2u);
  uint16_t short_read = 0;
  EXPECT_FALSE(r.u16(short_read, "too_long"));  // one byte left
}

TEST(FieldReader, StrictRefusesAVectorLongerThanItsRegion) {
  const Bytes data = {0x05, 0x01, 0x02};
  FieldReader r(data);
  FieldReader inner;
  EXPECT_FALSE(r.open(1, "v", inner));
}

TEST(FieldReader, StrictCheckReturnsTheCodecsError) {
  FieldReader r(Bytes{});
  Status s = r.check(false, Broken{Broken::kValue}, true, decode_error("bad"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::decode_error);
  EXPECT_TRUE(r.check(true, Broken{Broken::kValue}, true, decode_error("bad")).ok());
}

TEST(FieldReader, ReportingReadsATruncatedVectorAsFarAsItGoes) {
  const Bytes data = {0xff, 0x05, 0x00, 0x01, 0x02};  // claims 5 bytes, 3 are there
  Recorder rec;
  FieldReader r(data, &rec, 10);
  uint8_t first = 0;
  ASSERT_TRUE(r.u8(first, "first"));
  FieldReader inner;
  ASSERT_TRUE(r.open(1, "list", inner));
  EXPECT_TRUE(inner.truncated_vector());
  uint32_t v = 0;
  EXPECT_TRUE(inner.item(2, v, "list", 0));
  EXPECT_EQ(v, 0x0001u);
  EXPECT_FALSE(inner.item(2, v, "list", 1));  // one byte left: reported, and the rest consumed
  EXPECT_FALSE(r.close(inner));
  const std::vector<std::string> want = {
      "field first @10+1 =255",
      "begin list @11 prefix 1 declares 5",
      "field list[0] @12+2 =1",
      "malformed @14+1: 1 byte left over: list holds 2-byte values",
      "malformed @15+0: list is truncated: its length says 5 bytes, only 3 are present",
      "end @15",
  };
  EXPECT_EQ(rec.lines, want);
}

TEST(FieldReader, ReportingGoesOnPastABrokenRule) {
  Recorder rec;
  const Bytes data = {0x01, 0x09};
  FieldReader r(data, &rec, 0);
  ByteView id;
  ASSERT_TRUE(r.opaque(1, "id", "id", id));
  EXPECT_TRUE(r.check_length(id.size(), 2, 32, decode_error("too short")).ok());
  ASSERT_EQ(rec.lines.size(), 4u);  // begin, the contents, end, and the rule
  EXPECT_EQ(rec.lines[3], "broken 0 last");
}

TEST(FieldReader, ReportingShortReadNamesTheField) {
  Recorder rec;
  const Bytes data = {0x01};
  FieldReader r(data, &rec, 4);
  uint32_t v = 0;
  EXPECT_FALSE(r.u24(v, "uncompressed_length"));
  ASSERT_EQ(rec.lines.size(), 1u);
  EXPECT_EQ(rec.lines[0],
            "malformed @4+1: uncompressed_length is truncated: needs 3 bytes, only 1 left");
  EXPECT_TRUE(r.empty());
}

}  // namespace
}  // namespace glasstls::msgs
