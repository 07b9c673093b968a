// extension_readers_b_test.cc: the readers shared by extension decoders and their walkers
// (extension_readers_b.h), strict and reporting.
#include "msgs/extension_readers_b.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "base/bytes.h"

namespace glasstls::msgs::detail {
namespace {

// Recorder writes every report as one line, so a test can look for what was reported.
class Recorder final : public FieldSink {
 public:
  void field(std::string_view name, size_t index, size_t offset, ByteView bytes, uint32_t, Show,
             bool) override {
    lines.push_back("field " + std::string(name) +
                    (index == kNoIndex ? "" : "[" + std::to_string(index) + "]") + " @" +
                    std::to_string(offset) + "+" + std::to_string(bytes.size()));
  }
  void begin(std::string_view name, size_t index, size_t offset, size_t, uint32_t) override {
    lines.push_back("begin " + std::string(name) +
                    (index == kNoIndex ? "" : "[" + std::to_string(index) + "]") + " @" +
                    std::to_string(offset));
  }
  void end(size_t end) override { lines.push_back("end @" + std::to_string(end)); }
  void malformed(size_t offset, ByteView, std::string why) override {
    lines.push_back("malformed @" + std::to_string(offset) + ": " + why);
  }
  void broken(const Broken& rule, bool) override {
    lines.push_back("broken " + std::to_string(rule.kind) + " " + std::to_string(rule.min) + ".." +
                    std::to_string(rule.max));
  }
  bool has(std::string_view line) const {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
  }
  std::vector<std::string> lines;
};

// A KeyShareEntry of `group` with a `n`-byte key_exchange.
void entry(Bytes& out, uint16_t group, size_t n) {
  out.push_back(static_cast<uint8_t>(group >> 8));
  out.push_back(static_cast<uint8_t>(group));
  out.push_back(static_cast<uint8_t>(n >> 8));
  out.push_back(static_cast<uint8_t>(n));
  out.insert(out.end(), n, 0x42);
}

Bytes prefixed16(const Bytes& contents) {
  Bytes out = {static_cast<uint8_t>(contents.size() >> 8), static_cast<uint8_t>(contents.size())};
  out.insert(out.end(), contents.begin(), contents.end());
  return out;
}

TEST(ExtensionReadersB, ClientSharesStrictRefusesARepeatedGroupReportingShowsBoth) {
  // RFC 8446 section 4.2.8: "Clients MUST NOT offer multiple KeyShareEntry values for the same
  // group"; the receiver aborts with illegal_parameter.
  Bytes shares;
  entry(shares, 0x001d, 32);
  entry(shares, 0x001d, 32);
  const Bytes body = prefixed16(shares);

  FieldReader strict(body);
  auto refused = read_client_shares(strict);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().alert, AlertDescription::illegal_parameter);
  EXPECT_EQ(refused.error().reason, "key_share offers the same group twice");

  Recorder rec;
  FieldReader reporting(body, &rec, 0);
  auto shown = read_client_shares(reporting);
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(shown->size(), 2u);
  EXPECT_TRUE(rec.has("begin client_shares[0] @2"));
  EXPECT_TRUE(rec.has("begin client_shares[1] @38"));
  EXPECT_TRUE(rec.has("field public_key @42+32"));
}

TEST(ExtensionReadersB, EmptyKeyExchangeIsRefusedStrictAndReportedAsALengthRule) {
  // RFC 8446 section 4.2.8: opaque key_exchange<1..2^16-1>.
  Bytes shares;
  entry(shares, 0x0017, 0);
  entry(shares, 0x001d, 32);
  const Bytes body = prefixed16(shares);

  FieldReader strict(body);
  auto refused = read_client_shares(strict);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().alert, AlertDescription::decode_error);
  EXPECT_EQ(refused.error().reason, "KeyShareEntry key_exchange is empty");

  Recorder rec;
  FieldReader reporting(body, &rec, 0);
  auto shown = read_client_shares(reporting);
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(shown->size(), 2u);  // the walk went on to the second entry
  EXPECT_TRUE(rec.has("broken 0 1..65535"));
}

TEST(ExtensionReadersB, OfferedPsksFramesTheBindersBeforeReadingAnIdentity) {
  // An empty identity (refused on its own) followed by a binders vector cut short: the strict
  // decoder refuses the framing first, as it always did.
  const Bytes body = {0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x21, 0x20};
  FieldReader strict(body);
  Status s = read_offered_psks(strict);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().reason, "pre_shared_key is truncated");
}

TEST(ExtensionReadersB, OfferedPsksReportsAShortBinderAndGoesOn) {
  // RFC 8446 section 4.2.11: opaque PskBinderEntry<32..255>.
  Bytes identity = {0x00, 0x03, 'a', 'b', 'c', 0x00, 0x00, 0x00, 0x07};
  Bytes binders = {0x1f};
  binders.insert(binders.end(), 31, 0x11);
  binders.push_back(0x20);
  binders.insert(binders.end(), 32, 0x22);
  Bytes body = prefixed16(identity);
  const Bytes b = prefixed16(binders);
  body.insert(body.end(), b.begin(), b.end());

  FieldReader strict(body);
  Status s = read_offered_psks(strict);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::decode_error);
  EXPECT_EQ(s.error().reason, "PskBinderEntry is shorter than 32 bytes");

  Recorder rec;
  FieldReader reporting(body, &rec, 0);
  EXPECT_TRUE(read_offered_psks(reporting).ok());
  EXPECT_TRUE(rec.has("broken 0 32..255"));
  EXPECT_TRUE(rec.has("begin binders[1] @45"));  // the second binder is read too
  EXPECT_TRUE(reporting.empty());
}

TEST(ExtensionReadersB, CookieChecksInTheOrderOfEachMessage) {
  // An empty cookie followed by a stray byte: the ClientHello decoder refuses the trailing
  // byte first, the HelloRetryRequest one the empty cookie.
  const Bytes body = {0x00, 0x00, 0x00};
  FieldReader ch(body);
  auto in_ch = read_cookie(ch, true);
  ASSERT_FALSE(in_ch.ok());
  EXPECT_EQ(in_ch.error().reason, "cookie has trailing bytes");
  FieldReader hrr(body);
  auto in_hrr = read_cookie(hrr, false);
  ASSERT_FALSE(in_hrr.ok());
  EXPECT_EQ(in_hrr.error().reason, "cookie is empty");
}

}  // namespace
}  // namespace glasstls::msgs::detail
