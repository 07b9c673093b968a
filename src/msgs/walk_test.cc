// walk_test.cc: the hello peeks the dissector reads captures with (walk.h).
#include "msgs/walk.h"

#include <gtest/gtest.h>

#include <vector>

#include "base/bytes.h"
#include "msgs/extension_walk.h"

namespace glasstls::msgs {
namespace {

// hex is the bytes of a hex literal of the test (base/bytes.h's from_hex, which never fails on
// them).
Bytes hex(std::string_view h) { return from_hex(h).value_or(Bytes{}); }

// A TLS 1.2 ServerHello body: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 with
// renegotiation_info, ec_point_formats and extended_master_secret, which only TLS 1.2's column
// of the extension table allows in a ServerHello.
Bytes tls12_server_hello() {
  return hex(
      "0303"
      "1111111111111111111111111111111111111111111111111111111111111111"
      "00"
      "c02b"
      "00"
      "000f"
      "ff01000100"
      "000b00020100"
      "00170000");
}

TEST(PeekServerHello, ReadsATls12ServerHello) {
  const Bytes body = tls12_server_hello();
  // Without supported_versions it is TLS 1.2's, and the strict parser takes it too.
  EXPECT_TRUE(parse_server_hello(body).ok());
  std::optional<ServerHello> sh = peek_server_hello(body);
  ASSERT_TRUE(sh.has_value());
  EXPECT_EQ(sh->cipher_suite, static_cast<CipherSuite>(0xc02b));
  EXPECT_EQ(sh->legacy_version, 0x0303);
  EXPECT_FALSE(sh->selected_version.has_value());
  EXPECT_FALSE(sh->is_hello_retry_request);
  EXPECT_EQ(sh->extensions.size(), 3u);
}

TEST(PeekServerHello, TakesTheVersionFromSupportedVersions) {
  Bytes body =
      hex("0303"
          "2222222222222222222222222222222222222222222222222222222222222222"
          "00"
          "1301"
          "00"
          "0006"
          "002b00020304");
  std::optional<ServerHello> sh = peek_server_hello(body);
  ASSERT_TRUE(sh.has_value());
  ASSERT_TRUE(sh->selected_version.has_value());
  EXPECT_EQ(*sh->selected_version, 0x0304);
}

TEST(PeekServerHello, NulloptWhenAFixedFieldIsMissing) {
  Bytes body = tls12_server_hello();
  body.resize(2 + 32 + 1 + 1);  // the suite is cut in half
  EXPECT_FALSE(peek_server_hello(body).has_value());
  // Cut inside the extension block: the fixed fields are all there.
  Bytes cut = tls12_server_hello();
  cut.resize(cut.size() - 3);
  std::optional<ServerHello> sh = peek_server_hello(cut);
  ASSERT_TRUE(sh.has_value());
  EXPECT_EQ(sh->cipher_suite, static_cast<CipherSuite>(0xc02b));
}

TEST(PeekClientHello, KeepsTheRandomOfAHelloCutShort) {
  const Bytes body =
      hex("0303"
          "3333333333333333333333333333333333333333333333333333333333333333"
          "00"
          "0002");  // cipher_suites claims 2 bytes, none are there
  ClientHello ch = peek_client_hello(body);
  ASSERT_EQ(ch.random.size(), 32u);
  EXPECT_EQ(ch.random[0], 0x33);
  EXPECT_TRUE(ch.extensions.empty());
  EXPECT_TRUE(peek_client_hello(hex("0303")).random.empty());
}

// Every extension iana.def names, recognised or only registered, is read by a walker in every
// message, so the view never falls back to showing its bytes undecoded; GREASE and unassigned
// types have none.
TEST(ExtensionWalkers, EveryNamedExtensionHasAWalkerInEveryMessage) {
  std::vector<uint16_t> named;
#define GLASSTLS_EXTENSION(n, value, text) named.push_back(value);
#define GLASSTLS_EXTENSION_REGISTERED(n, value, text) named.push_back(value);
#include "glasstls/iana.def"
  ASSERT_GT(named.size(), 40u);
  const ExtensionContext contexts[] = {
      ExtensionContext::kClientHello,       ExtensionContext::kServerHello,
      ExtensionContext::kHelloRetryRequest, ExtensionContext::kEncryptedExtensions,
      ExtensionContext::kCertificate,       ExtensionContext::kCertificateRequest,
      ExtensionContext::kNewSessionTicket,
  };
  for (uint16_t v : named) {
    for (ExtensionContext c : contexts) {
      EXPECT_NE(find_extension_walker(static_cast<ExtensionType>(v), c), nullptr)
          << "extension " << v << " in context " << static_cast<int>(c);
    }
  }
  EXPECT_EQ(
      find_extension_walker(static_cast<ExtensionType>(0x0a0a), ExtensionContext::kClientHello),
      nullptr);
  EXPECT_EQ(
      find_extension_walker(static_cast<ExtensionType>(0xfe77), ExtensionContext::kClientHello),
      nullptr);
}

}  // namespace
}  // namespace glasstls::msgs
