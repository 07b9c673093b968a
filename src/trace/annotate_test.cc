// annotate_test.cc: tests for the handshake annotator (annotate_handshake_message,
// annotate_record_header, annotate_alert in glasstls/trace.h).
//
// The known-answer inputs are the handshake messages of RFC 8448, copied from the RFC as
// published (https://www.rfc-editor.org/rfc/rfc8448.txt, whose line numbers are cited below;
// section 3 is also in tests/data/rfc8448-simple-1rtt.txt). Every tree is also run through
// check_tree (annotate_check.h): children inside their parent, siblings in order without
// overlap, every byte explained once.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "glasstls/trace.h"
#include "msgs/extensions.h"
#include "msgs/handshake.h"
#include "testing/annotate_check.h"

namespace glasstls {
namespace {

using annotate::check_tree;
using annotate::count_named;
using annotate::find_field;
using annotate::last_leaf;

// RFC 8448, ClientHello (rfc8448.txt line 177), 196 bytes.
constexpr std::string_view kClientHello =
    "010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7000006130113"
    "031302010000910000000b0009000006736572766572ff01000100000a00140012001d001700180019010001"
    "0101020103010400230000003300260024001d002099381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae"
    "4d5413691e529aaf2c002b0003020304000d0020001e04030503060302030804080508060401050106010201"
    "0402050206020202002d00020101001c00024001";

// RFC 8448, ServerHello (rfc8448.txt line 241), 90 bytes.
constexpr std::string_view kServerHello =
    "020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e2692800130100002e"
    "00330024001d0020c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f002b0002"
    "0304";

// RFC 8448, EncryptedExtensions (rfc8448.txt line 376), 40 bytes.
constexpr std::string_view kEncryptedExtensions =
    "080000240022000a00140012001d00170018001901000101010201030104001c0002400100000000";

// RFC 8448, Certificate (rfc8448.txt line 382), 445 bytes.
constexpr std::string_view kCertificate =
    "0b0001b9000001b50001b0308201ac30820115a003020102020102300d06092a864886f70d01010b0500300e"
    "310c300a06035504031303727361301e170d3136303733303031323335395a170d3236303733303031323335"
    "395a300e310c300a0603550403130372736130819f300d06092a864886f70d010101050003818d0030818902"
    "818100b4bb498f8279303d980836399b36c6988c0c68de55e1bdb826d3901a2461eafd2de49a91d015abbc9a"
    "95137ace6c1af19eaa6af98c7ced43120998e187a80ee0ccb0524b1b018c3e0b63264d449a6d38e22a5fda43"
    "0846748030530ef0461c8ca9d9efbfae8ea6d1d03e2bd193eff0ab9a8002c47428a6d35a8d88d79f7f1e3f02"
    "03010001a31a301830090603551d1304023000300b0603551d0f0404030205a0300d06092a864886f70d0101"
    "0b05000381810085aad2a0e5b9276b908c65f73a7267170618a54c5f8a7b337d2df7a594365417f2eae8f8a5"
    "8c8f8172f9319cf36b7fd6c55b80f21a03015156726096fd335e5e67f2dbf102702e608ccae6bec1fc63a42a"
    "99be5c3eb7107c3c54e9b9eb2bd5203b1c3b84e0a8b2f759409ba3eac9d91d402dcc0cc8f8961229ac9187b4"
    "2b4de10000";

// RFC 8448, CertificateVerify (rfc8448.txt line 415), 136 bytes.
constexpr std::string_view kCertificateVerify =
    "0f000084080400805a747c5d88fa9bd2e55ab085a61015b7211f824cd484145ab3ff52f1fda8477b0b7abc90"
    "db78e2d33a5c141a078653fa6bef780c5ea248eeaaa785c4f394cab6d30bbe8d4859ee511f602957b15411ac"
    "027671459e46445c9ea58c181e818e95b8c3fb0bf3278409d3be152a3da5043e063dda65cdf5aea20d53dfac"
    "d42f74f3";

// RFC 8448, Finished (rfc8448.txt line 441), 36 bytes.
constexpr std::string_view kFinished =
    "140000209b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718";

// RFC 8448, NewSessionTicket (rfc8448.txt line 764), 205 bytes.
constexpr std::string_view kNewSessionTicket =
    "040000c90000001efad6aac502000000b22c035d829359ee5ff7af4ec900000000262a6494dc486d2c8a34cb"
    "33fa90bf1b0070ad3c498883c9367c09a2be785abc55cd226097a3a982117283f82a03a143efd3ff5dd36d64"
    "e861be7fd61d2827db279cce145077d454a3664d4e6da4d29ee03725a6a4dafcd0fc67d2aea70529513e3da2"
    "677fa5906c5b3f7d8f92f228bda40dda721470f9fbf297b5aea617646fac5c03272e970727c621a79141ef5f"
    "7de6505e5bfbc388e93343694093934ae4d3570008002a000400000400";

// RFC 8448, ResumptionClientHello (rfc8448.txt line 972), 512 bytes.
constexpr std::string_view kResumptionClientHello =
    "010001fc03031bc3ceb6bbe39cff938355b5a50adb6db21b7a6af649d7b4bc419d7876487d95000006130113"
    "031302010001cd0000000b0009000006736572766572ff01000100000a00140012001d001700180019010001"
    "01010201030104003300260024001d0020e4ffb68ac05f8d96c99da26698346c6be16482badddafe051a66b4"
    "f18d668f0b002a0000002b0003020304000d0020001e04030503060302030804080508060401050106010201"
    "0402050206020202002d00020101001c00024001001500570000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000002900dd00b800b22c035d829359ee5ff7af4ec900"
    "000000262a6494dc486d2c8a34cb33fa90bf1b0070ad3c498883c9367c09a2be785abc55cd226097a3a98211"
    "7283f82a03a143efd3ff5dd36d64e861be7fd61d2827db279cce145077d454a3664d4e6da4d29ee03725a6a4"
    "dafcd0fc67d2aea70529513e3da2677fa5906c5b3f7d8f92f228bda40dda721470f9fbf297b5aea617646fac"
    "5c03272e970727c621a79141ef5f7de6505e5bfbc388e93343694093934ae4d357fad6aacb0021203add4fb2"
    "d8fdf822a0ca3cf7678ef5e88dae990141c5924d57bb6fa31b9e5f9d";

// RFC 8448, ResumptionServerHello (rfc8448.txt line 1110), 96 bytes.
constexpr std::string_view kResumptionServerHello =
    "0200005c03033ccfd2dec890222763472ae8136777c9d7358777bb66e91ea5122495f559ea2d001301000034"
    "00290002000000330024001d0020121761ee42c333e1b9e77b60dd57c2053cd94512ab47f115e86eff50942c"
    "ea31002b00020304";

// RFC 8448, EndOfEarlyData (rfc8448.txt line 1431), 4 bytes.
constexpr std::string_view kEndOfEarlyData = "05000000";

// RFC 8448, HelloRetryRequest (rfc8448.txt line 1656), 176 bytes.
constexpr std::string_view kHelloRetryRequest =
    "020000ac0303cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c001301000084"
    "003300020017002c0074007271dcd04bb88bc3189119398a00000000eefafc76c146b823b096f8aacad365dd"
    "0030953f4edf625636e5f21bb2e23fcc654b1b5b40318d10d137abcbb87574e36e8a1f025f7dfa5d6e50781b"
    "5eda4aa15b0c8be778257d16aa3030e9e7841dd9e4c0342267e8ca0caf571fb2b7cff0f934b0002b00020304";

// RFC 8448, CertificateRequest (rfc8448.txt line 2591), 43 bytes.
constexpr std::string_view kCertificateRequest =
    "0d000027000024000d0020001e040305030603020308040805080604010501060102010402050206020202";

// The complete record of the resumption ClientHello starts with this header (rfc8448.txt line
// 998).
constexpr std::string_view kRecordHeaderClientHello = "1603010200";
// The header of the encrypted 0-RTT application data record (rfc8448.txt line 1089).
constexpr std::string_view kRecordHeaderApplicationData = "1703030017";

constexpr std::string_view kUnknownExtensionExplanation =
    "extension_data of an extension glasstls does not know, shown undecoded";

Bytes hex(std::string_view h) {
  std::optional<Bytes> b = from_hex(h);
  EXPECT_TRUE(b.has_value()) << "bad hex: " << h;
  return b.value_or(Bytes{});
}

Bytes concat(const Bytes& a, const Bytes& b) {
  Bytes out;
  out.reserve(a.size() + b.size());
  out.insert(out.end(), a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

// annotated annotates `msg` and checks the structural rules.
TraceField annotated(const Bytes& msg) {
  TraceField root = annotate_handshake_message(msg);
  const std::string broken = check_tree(root, msg.size());
  EXPECT_EQ(broken, "") << "in " << root.name;
  return root;
}

// child returns the direct child of `f` named `name`; the test fails when there is none.
const TraceField& child(const TraceField& f, std::string_view name) {
  for (const TraceField& c : f.children) {
    if (c.name == name) {
      return c;
    }
  }
  ADD_FAILURE() << "'" << f.name << "' has no child '" << name << "'";
  static const TraceField kMissing;
  return kMissing;
}

// type_code is the value the annotator shows for an extension type: "0x002b".
std::string type_code(ExtensionType type) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "0x%04x", static_cast<unsigned>(type));
  return buf;
}

// extension returns the node of the extension of type `type` in the extension block `block`.
const TraceField& extension(const TraceField& block, ExtensionType type) {
  for (const TraceField& c : block.children) {
    if (c.name.rfind("extensions[", 0) == 0 && !c.children.empty() &&
        c.children.front().value == type_code(type)) {
      return c;
    }
  }
  ADD_FAILURE() << "no extension " << name(type) << " in " << block.name;
  static const TraceField kMissing;
  return kMissing;
}

// count_invalid counts explanations that flag a rule violation.
size_t count_invalid(const TraceField& f) {
  size_t n = f.explanation.find("invalid") != std::string::npos ? 1 : 0;
  for (const TraceField& c : f.children) {
    n += count_invalid(c);
  }
  return n;
}

void expect_clean(const Bytes& msg, std::string_view what) {
  SCOPED_TRACE(std::string(what));
  ASSERT_FALSE(msg.empty());
  TraceField root = annotated(msg);
  EXPECT_EQ(count_named(root, "error"), 0u);
  EXPECT_EQ(count_invalid(root), 0u);
}

void expect_field(const TraceField& f, size_t offset, size_t length) {
  EXPECT_EQ(f.offset, offset) << f.name;
  EXPECT_EQ(f.length, length) << f.name;
}

TEST(AnnotateRfc8448, ClientHello) {
  const Bytes msg = hex(kClientHello);
  TraceField root = annotated(msg);
  EXPECT_EQ(root.name, "ClientHello");
  expect_field(root, 0, 196);
  EXPECT_EQ(root.explanation, explain(HandshakeType::client_hello));
  EXPECT_EQ(count_named(root, "error"), 0u);
  EXPECT_EQ(count_invalid(root), 0u);

  const TraceField& type = child(root, "msg_type");
  expect_field(type, 0, 1);
  EXPECT_EQ(type.value, "0x01");
  EXPECT_EQ(type.meaning, "client_hello");
  const TraceField& length = child(root, "length");
  expect_field(length, 1, 3);
  EXPECT_EQ(length.value, "192");
  EXPECT_EQ(length.explanation, "192 bytes of message body follow");

  const TraceField& version = child(root, "legacy_version");
  expect_field(version, 4, 2);
  EXPECT_EQ(version.value, "0x0303");
  EXPECT_EQ(version.meaning, "TLS 1.2");
  EXPECT_EQ(version.explanation,
            "legacy_version: fixed at TLS 1.2 (0x0303); the real versions are in "
            "supported_versions");
  const TraceField& random = child(root, "random");
  expect_field(random, 6, 32);
  EXPECT_EQ(random.value, "cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7");
  const TraceField& session_id = child(root, "legacy_session_id");
  expect_field(session_id, 38, 1);
  EXPECT_EQ(session_id.meaning, "empty");

  const TraceField& suites = child(root, "cipher_suites");
  expect_field(suites, 39, 8);
  ASSERT_EQ(suites.children.size(), 4u);
  expect_field(suites.children[0], 39, 2);
  EXPECT_EQ(suites.children[0].value, "6");
  expect_field(suites.children[1], 41, 2);
  EXPECT_EQ(suites.children[1].value, "0x1301");
  EXPECT_EQ(suites.children[1].meaning, "TLS_AES_128_GCM_SHA256");
  EXPECT_EQ(suites.children[1].explanation, explain(CipherSuite::TLS_AES_128_GCM_SHA256));
  EXPECT_EQ(suites.children[2].meaning, "TLS_CHACHA20_POLY1305_SHA256");
  EXPECT_EQ(suites.children[3].meaning, "TLS_AES_256_GCM_SHA384");
  expect_field(suites.children[3], 45, 2);
  expect_field(child(root, "legacy_compression_methods"), 47, 2);
  EXPECT_EQ(child(root, "legacy_compression_methods").children[1].meaning, "null");

  const TraceField& block = child(root, "extensions");
  expect_field(block, 49, 147);
  EXPECT_EQ(block.meaning, "9 extensions");

  const TraceField& sni = extension(block, ExtensionType::server_name);
  expect_field(sni, 51, 15);
  EXPECT_EQ(child(sni, "extension_type").meaning, "server_name");
  EXPECT_EQ(child(sni, "extension_type").explanation, explain(ExtensionType::server_name));
  EXPECT_EQ(child(sni, "length").value, "11");
  const TraceField* host = find_field(sni, "host_name");
  ASSERT_NE(host, nullptr);
  EXPECT_EQ(host->value, "server");
  expect_field(*host, 58, 8);
  EXPECT_EQ(child(sni, "extension_data").meaning, "server");

  const TraceField& share = extension(block, ExtensionType::key_share);
  const TraceField* entry = find_field(share, "client_shares[0]");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(child(*entry, "group").meaning, "x25519");
  const TraceField& key = child(*entry, "key_exchange");
  EXPECT_EQ(child(key, "length").value, "32");
  EXPECT_EQ(child(key, "public_key").length, 32u);
  EXPECT_EQ(key.value, "99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c");
  EXPECT_EQ(key.meaning, "X25519 public key (32 bytes)");

  const TraceField& versions = extension(block, ExtensionType::supported_versions);
  EXPECT_EQ(child(versions, "extension_data").meaning, "TLS 1.3");
  const TraceField& groups = extension(block, ExtensionType::supported_groups);
  const TraceField* group0 = find_field(groups, "named_group_list[0]");
  ASSERT_NE(group0, nullptr);
  EXPECT_EQ(group0->meaning, "x25519");
  EXPECT_EQ(group0->value, "0x001d");
  const TraceField& algorithms = extension(block, ExtensionType::signature_algorithms);
  const TraceField* scheme0 = find_field(algorithms, "supported_signature_algorithms[0]");
  ASSERT_NE(scheme0, nullptr);
  EXPECT_EQ(scheme0->meaning, "ecdsa_secp256r1_sha256");
  EXPECT_EQ(
      child(extension(block, ExtensionType::psk_key_exchange_modes), "extension_data").meaning,
      "psk_dhe_ke");
  EXPECT_EQ(child(extension(block, ExtensionType::record_size_limit), "extension_data").meaning,
            "16385 bytes");
  EXPECT_EQ(child(extension(block, ExtensionType::renegotiation_info), "extension_data").value, "");
  EXPECT_EQ(child(extension(block, ExtensionType::session_ticket), "extension_data").meaning,
            "empty");
}

TEST(AnnotateRfc8448, ServerHello) {
  const Bytes msg = hex(kServerHello);
  TraceField root = annotated(msg);
  EXPECT_EQ(root.name, "ServerHello");
  EXPECT_EQ(count_named(root, "error"), 0u);
  EXPECT_EQ(count_invalid(root), 0u);
  EXPECT_EQ(child(root, "legacy_version").explanation,
            "legacy_version: fixed at TLS 1.2 (0x0303); the negotiated version is in "
            "supported_versions");
  EXPECT_EQ(child(root, "random").meaning, "");
  expect_field(child(root, "legacy_session_id_echo"), 38, 1);
  const TraceField& suite = child(root, "cipher_suite");
  expect_field(suite, 39, 2);
  EXPECT_EQ(suite.meaning, "TLS_AES_128_GCM_SHA256");
  expect_field(child(root, "legacy_compression_method"), 41, 1);
  const TraceField& block = child(root, "extensions");
  expect_field(block, 42, 48);
  const TraceField& versions = extension(block, ExtensionType::supported_versions);
  const TraceField* selected = find_field(versions, "selected_version");
  ASSERT_NE(selected, nullptr);
  EXPECT_EQ(selected->value, "0x0304");
  EXPECT_EQ(selected->meaning, "TLS 1.3");
  const TraceField* share = find_field(extension(block, ExtensionType::key_share), "server_share");
  ASSERT_NE(share, nullptr);
  EXPECT_EQ(child(*share, "group").meaning, "x25519");
  EXPECT_EQ(child(child(*share, "key_exchange"), "length").value, "32");
}

TEST(AnnotateRfc8448, HelloRetryRequest) {
  const Bytes msg = hex(kHelloRetryRequest);
  TraceField root = annotated(msg);
  EXPECT_EQ(root.name, "HelloRetryRequest");
  EXPECT_NE(root.explanation.find("special random"), std::string::npos);
  EXPECT_EQ(child(root, "msg_type").meaning, "server_hello");
  EXPECT_EQ(child(root, "random").meaning, "HelloRetryRequest");
  EXPECT_EQ(count_named(root, "error"), 0u);
  EXPECT_EQ(count_invalid(root), 0u);
  const TraceField& block = child(root, "extensions");
  const TraceField* group =
      find_field(extension(block, ExtensionType::key_share), "selected_group");
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->value, "0x0017");
  EXPECT_EQ(group->meaning, "secp256r1");
  const TraceField* cookie = find_field(extension(block, ExtensionType::cookie), "cookie");
  ASSERT_NE(cookie, nullptr);
  EXPECT_EQ(child(*cookie, "length").value, "114");
}

TEST(AnnotateRfc8448, EncryptedExtensions) {
  const Bytes msg = hex(kEncryptedExtensions);
  TraceField root = annotated(msg);
  EXPECT_EQ(root.name, "EncryptedExtensions");
  EXPECT_EQ(count_named(root, "error"), 0u);
  const TraceField& block = child(root, "extensions");
  expect_field(block, 4, 36);
  EXPECT_EQ(block.meaning, "3 extensions");
  const TraceField& sni = child(extension(block, ExtensionType::server_name), "extension_data");
  EXPECT_EQ(sni.length, 0u);
  EXPECT_EQ(sni.meaning, "empty");
  EXPECT_NE(sni.explanation.find("server used"), std::string::npos);
  EXPECT_EQ(child(extension(block, ExtensionType::supported_groups), "extension_data").meaning,
            "9 groups");
}

TEST(AnnotateRfc8448, Certificate) {
  const Bytes msg = hex(kCertificate);
  TraceField root = annotated(msg);
  EXPECT_EQ(root.name, "Certificate");
  EXPECT_EQ(count_named(root, "error"), 0u);
  expect_field(child(root, "certificate_request_context"), 4, 1);
  const TraceField& list = child(root, "certificate_list");
  expect_field(list, 5, 440);
  EXPECT_EQ(list.meaning, "1 certificate");
  const TraceField& entry = child(list, "certificate_list[0]");
  expect_field(entry, 8, 437);
  const TraceField& data = child(entry, "cert_data");
  expect_field(data, 8, 435);
  EXPECT_EQ(data.meaning, "subject: CN=rsa");
  EXPECT_EQ(data.value, "308201ac30820115a003020102020102\u2026");
  const TraceField& cert = child(data, "certificate");
  expect_field(cert, 11, 432);
  // The certificate decoded (annotate_certificate.cc): 30 82 01 ac, then the tbsCertificate
  // (30 82 01 15: 4 + 277 bytes), the signatureAlgorithm and the signatureValue.
  ASSERT_EQ(cert.children.size(), 4u);
  expect_field(cert.children[0], 11, 4);
  const TraceField& tbs = child(cert, "tbsCertificate");
  expect_field(tbs, 15, 281);
  // The RFC's bytes 17 0d "160730012359Z" and "260730012359Z".
  EXPECT_EQ(child(tbs, "validity").meaning, "2016-07-30 01:23:59 UTC to 2026-07-30 01:23:59 UTC");
  EXPECT_EQ(child(tbs, "subject").meaning, "CN=rsa");
  EXPECT_EQ(child(cert, "signatureAlgorithm").meaning, "sha256WithRSAEncryption");
  expect_field(child(cert, "signatureValue"), 443 - 132, 132);
  expect_field(child(entry, "extensions"), 443, 2);
}

TEST(AnnotateRfc8448, CertificateVerify) {
  const Bytes msg = hex(kCertificateVerify);
  TraceField root = annotated(msg);
  EXPECT_EQ(root.name, "CertificateVerify");
  EXPECT_EQ(count_named(root, "error"), 0u);
  const TraceField& algorithm = child(root, "algorithm");
  expect_field(algorithm, 4, 2);
  EXPECT_EQ(algorithm.value, "0x0804");
  EXPECT_EQ(algorithm.meaning, "rsa_pss_rsae_sha256");
  const TraceField& signature = child(root, "signature");
  expect_field(signature, 6, 130);
  EXPECT_EQ(child(signature, "length").value, "128");
  EXPECT_EQ(signature.value.size(), 256u);
}

TEST(AnnotateRfc8448, Finished) {
  const Bytes msg = hex(kFinished);
  TraceField root = annotated(msg);
  EXPECT_EQ(root.name, "Finished");
  EXPECT_EQ(count_named(root, "error"), 0u);
  const TraceField& verify_data = child(root, "verify_data");
  expect_field(verify_data, 4, 32);
  EXPECT_EQ(verify_data.value, "9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718");
  EXPECT_NE(verify_data.explanation.find("HMAC over the transcript"), std::string::npos);
  EXPECT_NE(verify_data.explanation.find("finished key"), std::string::npos);
}

TEST(AnnotateRfc8448, NewSessionTicket) {
  const Bytes msg = hex(kNewSessionTicket);
  TraceField root = annotated(msg);
  EXPECT_EQ(root.name, "NewSessionTicket");
  EXPECT_EQ(count_named(root, "error"), 0u);
  EXPECT_EQ(count_invalid(root), 0u);
  const TraceField& lifetime = child(root, "ticket_lifetime");
  expect_field(lifetime, 4, 4);
  EXPECT_EQ(lifetime.value, "30");
  EXPECT_EQ(lifetime.meaning, "30 seconds");
  const TraceField& age_add = child(root, "ticket_age_add");
  expect_field(age_add, 8, 4);
  EXPECT_EQ(age_add.meaning, "0xfad6aac5");
  EXPECT_EQ(child(child(root, "ticket_nonce"), "length").value, "2");
  EXPECT_EQ(child(child(root, "ticket"), "length").value, "178");
  const TraceField& early = extension(child(root, "extensions"), ExtensionType::early_data);
  const TraceField* max = find_field(early, "max_early_data_size");
  ASSERT_NE(max, nullptr);
  EXPECT_EQ(max->value, "1024");
}

TEST(AnnotateRfc8448, ResumptionClientHelloWithPreSharedKey) {
  const Bytes msg = hex(kResumptionClientHello);
  TraceField root = annotated(msg);
  EXPECT_EQ(count_named(root, "error"), 0u);
  EXPECT_EQ(count_invalid(root), 0u);
  const TraceField& block = child(root, "extensions");
  const TraceField& psk = extension(block, ExtensionType::pre_shared_key);
  EXPECT_EQ(&psk, &block.children.back());
  const TraceField* identity = find_field(psk, "identities[0]");
  ASSERT_NE(identity, nullptr);
  EXPECT_EQ(child(child(*identity, "identity"), "length").value, "178");
  EXPECT_EQ(child(*identity, "obfuscated_ticket_age").value, std::to_string(0xfad6aacbu));
  const TraceField* binder = find_field(psk, "binders[0]");
  ASSERT_NE(binder, nullptr);
  EXPECT_EQ(child(*binder, "length").value, "32");
  EXPECT_EQ(child(extension(block, ExtensionType::early_data), "extension_data").meaning, "empty");
}

TEST(AnnotateRfc8448, ResumptionServerHelloSelectsIdentity) {
  TraceField root = annotated(hex(kResumptionServerHello));
  EXPECT_EQ(count_named(root, "error"), 0u);
  const TraceField* selected = find_field(
      extension(child(root, "extensions"), ExtensionType::pre_shared_key), "selected_identity");
  ASSERT_NE(selected, nullptr);
  EXPECT_EQ(selected->value, "0");
}

TEST(AnnotateRfc8448, EndOfEarlyDataAndCertificateRequest) {
  TraceField eoed = annotated(hex(kEndOfEarlyData));
  EXPECT_EQ(eoed.name, "EndOfEarlyData");
  EXPECT_EQ(eoed.children.size(), 2u);
  EXPECT_EQ(child(eoed, "length").value, "0");

  TraceField cr = annotated(hex(kCertificateRequest));
  EXPECT_EQ(cr.name, "CertificateRequest");
  EXPECT_EQ(count_named(cr, "error"), 0u);
  EXPECT_EQ(count_invalid(cr), 0u);
  const TraceField& algorithms =
      extension(child(cr, "extensions"), ExtensionType::signature_algorithms);
  EXPECT_EQ(child(algorithms, "extension_data").meaning, "15 schemes");
}

std::vector<std::pair<std::string_view, std::string_view>> rfc_messages() {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  out.emplace_back("ClientHello", kClientHello);
  out.emplace_back("ServerHello", kServerHello);
  out.emplace_back("EncryptedExtensions", kEncryptedExtensions);
  out.emplace_back("Certificate", kCertificate);
  out.emplace_back("CertificateVerify", kCertificateVerify);
  out.emplace_back("Finished", kFinished);
  out.emplace_back("NewSessionTicket", kNewSessionTicket);
  out.emplace_back("ResumptionClientHello", kResumptionClientHello);
  out.emplace_back("ResumptionServerHello", kResumptionServerHello);
  out.emplace_back("EndOfEarlyData", kEndOfEarlyData);
  out.emplace_back("HelloRetryRequest", kHelloRetryRequest);
  out.emplace_back("CertificateRequest", kCertificateRequest);
  return out;
}

// strict_parse runs the parser the connection uses on a whole message (nullopt for a type
// whose parse needs more than the bytes: Finished needs the hash length).
std::optional<bool> strict_parse(const Bytes& msg) {
  if (msg.size() < 4) {
    return false;
  }
  const size_t declared = (size_t{msg[1]} << 16) | (size_t{msg[2]} << 8) | msg[3];
  if (declared != msg.size() - 4) {
    return false;
  }
  const ByteView body = ByteView(msg).subspan(4);
  switch (static_cast<HandshakeType>(msg[0])) {
    case HandshakeType::client_hello: return msgs::parse_client_hello(body).ok();
    case HandshakeType::server_hello: return msgs::parse_server_hello(body).ok();
    case HandshakeType::encrypted_extensions: return msgs::parse_encrypted_extensions(body).ok();
    case HandshakeType::certificate_request: return msgs::parse_certificate_request(body).ok();
    case HandshakeType::certificate: return msgs::parse_certificate(body).ok();
    case HandshakeType::certificate_verify: return msgs::parse_certificate_verify(body).ok();
    case HandshakeType::new_session_ticket: return msgs::parse_new_session_ticket(body).ok();
    case HandshakeType::key_update: return msgs::parse_key_update(body).ok();
    default: return std::nullopt;
  }
}

// decoded_by_parser says whether the parser reads the body of extension `type` in the
// message of `context` (the view also reads the bodies of extensions the parser ignores).
bool decoded_by_parser(ExtensionType type, msgs::ExtensionContext context) {
  const msgs::ExtensionRow* row = msgs::find_extension(type);
  if (row == nullptr) {
    return false;
  }
  switch (context) {
    case msgs::ExtensionContext::kClientHello: return row->client_hello.decode != nullptr;
    case msgs::ExtensionContext::kServerHello:
    case msgs::ExtensionContext::kHelloRetryRequest: return row->server_hello.decode != nullptr;
    case msgs::ExtensionContext::kEncryptedExtensions:
      return row->encrypted_extensions.decode != nullptr;
    case msgs::ExtensionContext::kCertificate: return row->certificate.decode != nullptr;
    case msgs::ExtensionContext::kCertificateRequest:
      return row->certificate_request.decode != nullptr;
    case msgs::ExtensionContext::kNewSessionTicket:
      return row->new_session_ticket.decode != nullptr;
  }
  return false;
}

// parser_errors counts the "error" fields of `f`, leaving out those inside the body of an
// extension the parser does not read.
size_t parser_errors(const TraceField& f, msgs::ExtensionContext context) {
  size_t n = f.name == "error" ? 1 : 0;
  const bool extension = f.name.rfind("extensions[", 0) == 0;
  for (const TraceField& c : f.children) {
    if (extension && c.name == "extension_data" &&
        !decoded_by_parser(static_cast<ExtensionType>(std::stoul(f.value, nullptr, 16)), context)) {
      continue;
    }
    n += parser_errors(c, context);
  }
  return n;
}

msgs::ExtensionContext context_of(const TraceField& root) {
  if (root.name == "ClientHello") return msgs::ExtensionContext::kClientHello;
  if (root.name == "HelloRetryRequest") return msgs::ExtensionContext::kHelloRetryRequest;
  if (root.name == "EncryptedExtensions") return msgs::ExtensionContext::kEncryptedExtensions;
  if (root.name == "Certificate") return msgs::ExtensionContext::kCertificate;
  if (root.name == "CertificateRequest") return msgs::ExtensionContext::kCertificateRequest;
  if (root.name == "NewSessionTicket") return msgs::ExtensionContext::kNewSessionTicket;
  return msgs::ExtensionContext::kServerHello;
}

// The view is the parser's own reading (msgs/fields.h): a message the parser accepts shows no
// malformed bytes where the parser reads. Checked on the RFC 8448 messages and on 4,000
// mutations of them. (The view reads more than the parser: the bodies of extensions the
// parser ignores, such as a TLS 1.2 extension in a ClientHello, may show errors it does not.)
TEST(AnnotateAgreesWithTheParser, AcceptedMessagesShowNoMalformedBytes) {
  uint32_t state = 2024;
  auto next = [&state]() {
    state = state * 1103515245u + 12345u;
    return state >> 8;
  };
  size_t accepted = 0;
  size_t refused_with_error = 0;
  for (const auto& [label, text] : rfc_messages()) {
    const Bytes original = hex(text);
    for (int i = 0; i < 400; i++) {
      Bytes msg = original;
      if (i > 0 && msg.size() > 4) {
        // Flip one to three bits of the body; the header stays, so the length still matches.
        const int edits = 1 + static_cast<int>(next() % 3);
        for (int e = 0; e < edits; e++) {
          msg[4 + next() % (msg.size() - 4)] ^= static_cast<uint8_t>(1u << (next() % 8));
        }
      }
      const std::optional<bool> ok = strict_parse(msg);
      if (!ok) {
        continue;
      }
      const TraceField root = annotate_handshake_message(msg);
      const size_t errors = parser_errors(root, context_of(root));
      if (*ok) {
        accepted++;
        EXPECT_EQ(errors, 0u) << label << " " << to_hex(msg);
      } else if (errors > 0) {
        refused_with_error++;
      }
    }
  }
  // Both sides of the agreement were exercised.
  EXPECT_GT(accepted, 100u);
  EXPECT_GT(refused_with_error, 100u);
}

TEST(AnnotateRfc8448, EveryTruncationEndsInAnError) {
  for (const auto& [label, h] : rfc_messages()) {
    const Bytes msg = hex(h);
    for (size_t n = 0; n < msg.size(); n++) {
      SCOPED_TRACE(std::string(label) + " cut to " + std::to_string(n) + " bytes");
      const Bytes cut(msg.begin(), msg.begin() + static_cast<std::ptrdiff_t>(n));
      TraceField root = annotated(cut);
      EXPECT_EQ(last_leaf(root).name, "error");
      EXPECT_GE(count_named(root, "error"), 1u);
    }
  }
}

TEST(AnnotateRfc8448, TrailingBytesAfterTheMessage) {
  for (const auto& [label, h] : rfc_messages()) {
    SCOPED_TRACE(std::string(label));
    const Bytes msg = concat(hex(h), hex("00ff"));
    TraceField root = annotated(msg);
    const TraceField& last = root.children.back();
    EXPECT_EQ(last.name, "error");
    expect_field(last, msg.size() - 2, 2);
    EXPECT_EQ(count_named(root, "error"), 1u);
  }
}

// A body that is one byte too long for its fields: the length field covers the extra byte.
TEST(AnnotateMalformed, BodyLongerThanItsFields) {
  Bytes msg = hex("0f000005080400010100");
  TraceField root = annotated(msg);
  EXPECT_EQ(count_named(root, "error"), 1u);
  expect_field(last_leaf(root), 9, 1);
}

TEST(AnnotateMalformed, ErrorInsideOneExtensionDoesNotStopTheOthers) {
  msgs::ClientHello ch;
  const Bytes random(32, 7);
  ch.random = random;
  ch.cipher_suites.push_back(CipherSuite::TLS_AES_128_GCM_SHA256);
  std::vector<msgs::RawExtension> extra;
  const Bytes odd = hex("0003001d17");  // a 3-byte list of 2-byte groups
  const Bytes versions = hex("020304");
  extra.push_back(msgs::RawExtension{ExtensionType::supported_groups, odd});
  extra.push_back(msgs::RawExtension{ExtensionType::supported_versions, versions});
  const Bytes msg = msgs::encode(ch, extra);
  TraceField root = annotated(msg);
  EXPECT_EQ(count_named(root, "error"), 1u);
  const TraceField& block = child(root, "extensions");
  const TraceField* error = find_field(extension(block, ExtensionType::supported_groups), "error");
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->length, 1u);
  EXPECT_EQ(child(extension(block, ExtensionType::supported_versions), "extension_data").meaning,
            "TLS 1.3");
}

TEST(AnnotateMalformed, VectorLongerThanItsParent) {
  // An extension block claiming 0x20 bytes with only 6 present: the extension inside is still
  // shown, then an error says the block was cut short.
  Bytes msg = hex("080000080020002b00020304");
  TraceField root = annotated(msg);
  EXPECT_EQ(count_named(root, "error"), 1u);
  EXPECT_EQ(last_leaf(root).name, "error");
  EXPECT_NE(last_leaf(root).explanation.find("truncated"), std::string::npos);
  EXPECT_NE(find_field(root, "selected_version"), nullptr);
}

TEST(AnnotateMalformed, ArbitraryBytesKeepTheInvariants) {
  // A fixed linear congruential generator, so the inputs are the same on every run. Each input
  // starts with a real message type and a mostly plausible length to get past the header.
  uint32_t state = 12345;
  auto next = [&state]() {
    state = state * 1103515245u + 12345u;
    return static_cast<uint8_t>(state >> 16);
  };
  const uint8_t types[] = {1, 2, 4, 5, 8, 11, 13, 15, 20, 24, 254, 3, 99};
  for (int i = 0; i < 3000; i++) {
    const size_t n = next() % 80;
    Bytes msg(n);
    for (uint8_t& b : msg) {
      b = static_cast<uint8_t>(next() % 4 == 0 ? next() : next() % 8);
    }
    if (n >= 4) {
      msg[0] = types[next() % sizeof(types)];
      msg[1] = 0;
      msg[2] = 0;
      msg[3] = static_cast<uint8_t>(next() % 4 == 0 ? next() : n - 4);
    }
    TraceField root = annotate_handshake_message(msg);
    ASSERT_EQ(check_tree(root, msg.size()), "") << to_hex(msg);
  }
}

TEST(AnnotateCodePoints, GreaseAndUnknownValues) {
  msgs::ClientHello ch;
  const Bytes random(32, 1);
  ch.random = random;
  ch.cipher_suites.push_back(static_cast<CipherSuite>(0x2a2a));
  ch.cipher_suites.push_back(static_cast<CipherSuite>(0x1234));
  std::vector<msgs::RawExtension> extra;
  const Bytes body = hex("abcd");
  const Bytes empty;
  extra.push_back(msgs::RawExtension{static_cast<ExtensionType>(0x0a0a), empty});
  extra.push_back(msgs::RawExtension{static_cast<ExtensionType>(0x1234), body});
  TraceField root = annotated(msgs::encode(ch, extra));
  EXPECT_EQ(count_named(root, "error"), 0u);
  const TraceField& suites = child(root, "cipher_suites");
  EXPECT_EQ(suites.children[1].meaning, "GREASE (RFC 8701)");
  EXPECT_NE(suites.children[1].explanation.find("GREASE"), std::string::npos);
  EXPECT_EQ(suites.children[2].meaning, "unknown (0x1234)");
  const TraceField& block = child(root, "extensions");
  EXPECT_EQ(block.children[1].meaning, "GREASE (RFC 8701)");
  const TraceField& unknown = block.children[2];
  EXPECT_EQ(unknown.meaning, "unknown (0x1234)");
  EXPECT_EQ(child(unknown, "extension_data").value, "abcd");
  EXPECT_EQ(child(unknown, "extension_data").explanation, kUnknownExtensionExplanation);
}

TEST(AnnotateCodePoints, RuleViolationsAreExplained) {
  // A second supported_versions, and an extension that no ClientHello may carry.
  msgs::ClientHello ch;
  const Bytes random(32, 1);
  ch.random = random;
  ch.cipher_suites.push_back(CipherSuite::TLS_AES_128_GCM_SHA256);
  ch.supported_versions.emplace();
  ch.supported_versions->push_back(0x0304);
  std::vector<msgs::RawExtension> extra;
  const Bytes versions = hex("020304");
  const Bytes filters = hex("0000");
  extra.push_back(msgs::RawExtension{ExtensionType::supported_versions, versions});
  extra.push_back(msgs::RawExtension{ExtensionType::oid_filters, filters});
  const Bytes msg = msgs::encode(ch, extra);
  EXPECT_FALSE(msgs::parse_client_hello(ByteView(msg).subspan(4)).ok());
  TraceField root = annotated(msg);
  EXPECT_EQ(count_named(root, "error"), 0u);
  const TraceField& block = child(root, "extensions");
  EXPECT_NE(block.children[2].explanation.find("invalid: a second extension"), std::string::npos);
  EXPECT_NE(block.children[3].explanation.find("not allowed in ClientHello"), std::string::npos);
}

// A well-formed body for every extension of iana.def, in the form a ClientHello carries.
std::string_view client_hello_body(ExtensionType type) {
  switch (type) {
    case ExtensionType::server_name: return "0009000006736572766572";
    case ExtensionType::max_fragment_length: return "02";
    case ExtensionType::status_request: return "0100000000";
    case ExtensionType::supported_groups: return "0004001d0017";
    case ExtensionType::ec_point_formats: return "0100";
    case ExtensionType::signature_algorithms: return "000408040403";
    case ExtensionType::use_srtp: return "00040001000200";
    case ExtensionType::heartbeat: return "01";
    case ExtensionType::application_layer_protocol_negotiation:
      return "000c02683208687474702f312e31";
    case ExtensionType::signed_certificate_timestamp: return "";
    case ExtensionType::client_certificate_type: return "020002";
    case ExtensionType::server_certificate_type: return "0100";
    case ExtensionType::padding: return "000000";
    case ExtensionType::encrypt_then_mac: return "";
    case ExtensionType::extended_master_secret: return "";
    case ExtensionType::compress_certificate: return "020002";
    case ExtensionType::record_size_limit: return "4001";
    case ExtensionType::session_ticket: return "";
    case ExtensionType::pre_shared_key:
      return "000b0005616263646500000001"
             "0021200000000000000000000000000000000000000000000000000000000000000000";
    case ExtensionType::early_data: return "";
    case ExtensionType::supported_versions: return "0403040303";
    case ExtensionType::cookie: return "0003010203";
    case ExtensionType::psk_key_exchange_modes: return "0101";
    case ExtensionType::certificate_authorities: return "00120010300e310c300a06035504031303727361";
    case ExtensionType::oid_filters: return "000603551d250000";
    case ExtensionType::post_handshake_auth: return "";
    case ExtensionType::signature_algorithms_cert: return "00020804";
    case ExtensionType::key_share:
      return "0024001d0020000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    case ExtensionType::renegotiation_info: return "00";
  }
  return "";
}

std::vector<ExtensionType> all_extension_types() {
  std::vector<ExtensionType> out;
#define GLASSTLS_EXTENSION(n, value, text) out.push_back(ExtensionType::n);
#include "glasstls/iana.def"
  return out;
}

TEST(AnnotateExtensions, EveryRecognisedTypeIsDecoded) {
  for (ExtensionType type : all_extension_types()) {
    SCOPED_TRACE(std::string(name(type)));
    EXPECT_TRUE(msgs::is_recognized(type));
    msgs::ClientHello ch;
    const Bytes random(32, 2);
    ch.random = random;
    ch.cipher_suites.push_back(CipherSuite::TLS_AES_128_GCM_SHA256);
    const Bytes body = hex(client_hello_body(type));
    std::vector<msgs::RawExtension> extra;
    extra.push_back(msgs::RawExtension{type, body});
    TraceField root = annotated(msgs::encode(ch, extra));
    EXPECT_EQ(count_named(root, "error"), 0u);
    const TraceField& e = extension(child(root, "extensions"), type);
    EXPECT_EQ(e.meaning, name(type));
    EXPECT_EQ(child(e, "extension_type").meaning, name(type));
    EXPECT_EQ(child(e, "extension_type").explanation, explain(type));
    const TraceField& data = child(e, "extension_data");
    EXPECT_FALSE(data.explanation.empty());
    EXPECT_NE(data.explanation, kUnknownExtensionExplanation);
    if (msgs::extension_allowed(type, msgs::ExtensionContext::kClientHello)) {
      EXPECT_EQ(count_invalid(root), 0u);
    }
    if (!body.empty()) {
      EXPECT_FALSE(data.children.empty()) << "the body is not broken into fields";
    }
  }
}

// The test certificate of RFC 8448 (the cert_data of kCertificate).
Bytes rfc_certificate() {
  const Bytes msg = hex(kCertificate);
  return Bytes(msg.begin() + 11, msg.begin() + 11 + 432);
}

TEST(AnnotateEncoded, EveryMessageTypeWithEveryExtension) {
  const Bytes random(32, 3);
  const Bytes key(32, 4);
  const Bytes cookie = hex("c00c1e");
  const Bytes dn = hex("300e310c300a06035504031303727361");

  // ClientHello: every decoded field, then every other extension a ClientHello may carry.
  msgs::ClientHello ch;
  ch.random = random;
  ch.legacy_session_id = random;
  ch.cipher_suites.push_back(CipherSuite::TLS_AES_128_GCM_SHA256);
  ch.cipher_suites.push_back(CipherSuite::TLS_CHACHA20_POLY1305_SHA256);
  ch.server_name = "example.com";
  ch.supported_groups.emplace();
  ch.supported_groups->push_back(NamedGroup::x25519);
  ch.signature_algorithms.emplace();
  ch.signature_algorithms->push_back(SignatureScheme::ed25519);
  ch.signature_algorithms_cert.emplace();
  ch.signature_algorithms_cert->push_back(SignatureScheme::rsa_pss_rsae_sha256);
  ch.supported_versions.emplace();
  ch.supported_versions->push_back(0x0304);
  ch.key_shares.emplace();
  ch.key_shares->push_back(msgs::KeyShareEntry{NamedGroup::x25519, key});
  ch.psk_key_exchange_modes.emplace();
  ch.psk_key_exchange_modes->push_back(1);
  ch.cookie = cookie;
  ch.alpn.emplace();
  ch.alpn->push_back("h2");
  ch.has_early_data = true;
  ch.has_post_handshake_auth = true;
  std::vector<Bytes> bodies;
  std::vector<ExtensionType> types;
  for (ExtensionType type : all_extension_types()) {
    const bool encoded_from_fields =
        type == ExtensionType::server_name || type == ExtensionType::supported_groups ||
        type == ExtensionType::signature_algorithms ||
        type == ExtensionType::signature_algorithms_cert ||
        type == ExtensionType::supported_versions || type == ExtensionType::key_share ||
        type == ExtensionType::psk_key_exchange_modes || type == ExtensionType::cookie ||
        type == ExtensionType::application_layer_protocol_negotiation ||
        type == ExtensionType::early_data || type == ExtensionType::post_handshake_auth ||
        type == ExtensionType::pre_shared_key;
    if (!encoded_from_fields &&
        msgs::extension_allowed(type, msgs::ExtensionContext::kClientHello)) {
      types.push_back(type);
      bodies.push_back(hex(client_hello_body(type)));
    }
  }
  types.push_back(ExtensionType::pre_shared_key);  // must be last
  bodies.push_back(hex(client_hello_body(ExtensionType::pre_shared_key)));
  std::vector<msgs::RawExtension> extra;
  for (size_t i = 0; i < types.size(); i++) {
    extra.push_back(msgs::RawExtension{types[i], bodies[i]});
  }
  const Bytes ch_bytes = msgs::encode(ch, extra);
  ASSERT_TRUE(msgs::parse_client_hello(ByteView(ch_bytes).subspan(4)).ok());
  expect_clean(ch_bytes, "ClientHello");
  EXPECT_EQ(child(annotated(ch_bytes), "legacy_session_id").meaning,
            "middlebox compatibility mode");

  msgs::ServerHello sh;
  sh.random = random;
  sh.legacy_session_id_echo = random;
  sh.cipher_suite = CipherSuite::TLS_AES_256_GCM_SHA384;
  sh.selected_version = 0x0304;
  sh.key_share = msgs::KeyShareEntry{NamedGroup::x25519, key};
  expect_clean(msgs::encode(sh), "ServerHello");

  msgs::ServerHello hrr;
  hrr.random = ByteView(msgs::kHelloRetryRequestRandom);
  hrr.is_hello_retry_request = true;
  hrr.cipher_suite = CipherSuite::TLS_AES_128_GCM_SHA256;
  hrr.selected_version = 0x0304;
  hrr.selected_group = NamedGroup::secp384r1;
  hrr.cookie = cookie;
  const Bytes hrr_bytes = msgs::encode(hrr);
  expect_clean(hrr_bytes, "HelloRetryRequest");
  EXPECT_EQ(annotated(hrr_bytes).name, "HelloRetryRequest");

  msgs::EncryptedExtensions ee;
  ee.server_name_acknowledged = true;
  ee.supported_groups.emplace();
  ee.supported_groups->push_back(NamedGroup::secp256r1);
  ee.alpn = "h2";
  ee.has_early_data = true;
  expect_clean(msgs::encode(ee), "EncryptedExtensions");

  msgs::CertificateRequest cr;
  cr.certificate_request_context = cookie;
  cr.signature_algorithms.push_back(SignatureScheme::ecdsa_secp256r1_sha256);
  cr.signature_algorithms_cert.emplace();
  cr.signature_algorithms_cert->push_back(SignatureScheme::rsa_pkcs1_sha256);
  cr.certificate_authorities.emplace();
  cr.certificate_authorities->push_back(dn);
  const Bytes cr_bytes = msgs::encode(cr);
  expect_clean(cr_bytes, "CertificateRequest");
  // Keep the tree alive: find_field returns a pointer into it.
  const TraceField cr_tree = annotated(cr_bytes);
  const TraceField* authority = find_field(cr_tree, "authorities[0]");
  ASSERT_NE(authority, nullptr);
  EXPECT_EQ(authority->meaning, "CN=rsa");

  const Bytes cert = rfc_certificate();
  const Bytes ocsp = hex("0100000430020500");  // status_type ocsp, a 4-byte response
  const Bytes scts = hex("000600040a0b0c0d");
  msgs::Certificate certificate;
  msgs::CertificateEntry leaf_entry;
  leaf_entry.cert_data = cert;
  leaf_entry.extensions.push_back(msgs::RawExtension{ExtensionType::status_request, ocsp});
  leaf_entry.extensions.push_back(
      msgs::RawExtension{ExtensionType::signed_certificate_timestamp, scts});
  certificate.entries.push_back(leaf_entry);
  msgs::CertificateEntry ca_entry;
  ca_entry.cert_data = cert;
  certificate.entries.push_back(ca_entry);
  const Bytes certificate_bytes = msgs::encode(certificate);
  ASSERT_TRUE(msgs::parse_certificate(ByteView(certificate_bytes).subspan(4)).ok());
  expect_clean(certificate_bytes, "Certificate");
  const TraceField cert_tree = annotated(certificate_bytes);
  EXPECT_EQ(child(cert_tree, "certificate_list").meaning, "2 certificates");
  EXPECT_NE(find_field(cert_tree, "OCSPResponse"), nullptr);

  msgs::CertificateVerify cv;
  cv.scheme = SignatureScheme::ed25519;
  const Bytes signature(64, 5);
  cv.signature = signature;
  expect_clean(msgs::encode(cv), "CertificateVerify");

  msgs::Finished fin;
  const Bytes verify_data(48, 6);
  fin.verify_data = verify_data;
  const Bytes fin_bytes = msgs::encode(fin);
  expect_clean(fin_bytes, "Finished");
  EXPECT_EQ(child(annotated(fin_bytes), "verify_data").meaning, "48 bytes: SHA-384 suites");

  msgs::NewSessionTicket nst;
  nst.ticket_lifetime = 604800;
  nst.ticket_age_add = 0x01020304;
  nst.ticket_nonce = cookie;
  nst.ticket = random;
  nst.max_early_data_size = 16384;
  const Bytes nst_bytes = msgs::encode(nst);
  expect_clean(nst_bytes, "NewSessionTicket");
  EXPECT_EQ(child(annotated(nst_bytes), "ticket_lifetime").meaning, "7 days");

  for (bool requested : {false, true}) {
    msgs::KeyUpdate ku;
    ku.update_requested = requested;
    const Bytes ku_bytes = msgs::encode(ku);
    expect_clean(ku_bytes, "KeyUpdate");
    EXPECT_EQ(child(annotated(ku_bytes), "request_update").meaning,
              requested ? "update_requested" : "update_not_requested");
  }

  const Bytes hash_bytes = concat(hex("fe000020"), Bytes(32, 9));
  expect_clean(hash_bytes, "message_hash");
  EXPECT_EQ(annotated(hash_bytes).name, "message_hash");
  expect_clean(hex("05000000"), "EndOfEarlyData");

  // Every truncation of the encoded messages ends in an error too.
  for (const Bytes* msg : {&ch_bytes, &hrr_bytes, &cr_bytes, &certificate_bytes, &nst_bytes}) {
    for (size_t n = 0; n < msg->size(); n++) {
      const Bytes cut(msg->begin(), msg->begin() + static_cast<std::ptrdiff_t>(n));
      TraceField root = annotated(cut);
      ASSERT_EQ(last_leaf(root).name, "error") << to_hex(cut);
    }
  }
}

TEST(AnnotateRecordHeader, InitialClientHelloRecord) {
  const Bytes header = hex(kRecordHeaderClientHello);
  TraceField root = annotate_record_header(header);
  EXPECT_EQ(check_tree(root, header.size()), "");
  const TraceField& type = child(root, "type");
  expect_field(type, 0, 1);
  EXPECT_EQ(type.value, "22");
  EXPECT_EQ(type.meaning, "handshake");
  const TraceField& version = child(root, "legacy_record_version");
  expect_field(version, 1, 2);
  EXPECT_EQ(version.value, "0x0301");
  EXPECT_EQ(version.meaning, "TLS 1.0");
  EXPECT_EQ(version.explanation,
            "legacy record version; 0x0301 is allowed in an initial ClientHello for middlebox "
            "compatibility");
  const TraceField& length = child(root, "length");
  expect_field(length, 3, 2);
  EXPECT_EQ(length.value, "512");
  EXPECT_EQ(length.meaning, "512 bytes follow");
}

TEST(AnnotateRecordHeader, ApplicationDataAndMalformed) {
  const Bytes header = hex(kRecordHeaderApplicationData);
  TraceField root = annotate_record_header(header);
  EXPECT_EQ(check_tree(root, header.size()), "");
  EXPECT_EQ(child(root, "type").meaning, "application_data");
  EXPECT_EQ(child(root, "legacy_record_version").meaning, "TLS 1.2");
  EXPECT_NE(child(root, "legacy_record_version").explanation.find("middlebox"), std::string::npos);
  for (std::string_view h : {"", "16", "160303", "16030300", "1603030010ff", "63030340ff"}) {
    const Bytes bad = hex(h);
    TraceField tree = annotate_record_header(bad);
    EXPECT_EQ(check_tree(tree, bad.size()), "") << h;
  }
  const Bytes short_header = hex("160303");
  EXPECT_EQ(last_leaf(annotate_record_header(short_header)).name, "error");
  const Bytes overflow = hex("1703037fff");
  EXPECT_NE(child(annotate_record_header(overflow), "length").explanation.find("record_overflow"),
            std::string::npos);
}

TEST(AnnotateAlert, LevelsAndDescriptions) {
  const Bytes fatal = hex("0228");
  TraceField root = annotate_alert(fatal);
  EXPECT_EQ(check_tree(root, 2), "");
  EXPECT_EQ(child(root, "level").meaning, "fatal");
  EXPECT_EQ(child(root, "description").meaning, "handshake_failure");
  EXPECT_NE(
      child(root, "description").explanation.find(explain(AlertDescription::handshake_failure)),
      std::string::npos);
  const Bytes close = hex("0100");
  TraceField close_tree = annotate_alert(close);
  EXPECT_EQ(child(close_tree, "level").meaning, "warning");
  EXPECT_EQ(child(close_tree, "description").meaning, "close_notify");
  for (std::string_view h : {"", "02", "0228ff", "09fe"}) {
    const Bytes bad = hex(h);
    TraceField tree = annotate_alert(bad);
    EXPECT_EQ(check_tree(tree, bad.size()), "") << h;
  }
  EXPECT_EQ(last_leaf(annotate_alert(hex("02"))).name, "error");
  EXPECT_EQ(child(annotate_alert(hex("09fe")), "description").meaning, "unknown (254)");
}

}  // namespace
}  // namespace glasstls

namespace glasstls {
namespace {

// The status_request glasstls's client sends (RFC 6066 section 8), field by field, and the one
// a server puts in a CertificateRequest (RFC 8446 section 4.4.2.1).
TEST(AnnotateOcsp, StatusRequestIsShownFieldByField) {
  msgs::ClientHello ch;
  const Bytes random(32, 1);
  const Bytes responder = hex("a1023000");
  const Bytes request_extensions = hex("3000");
  ch.random = random;
  ch.cipher_suites.push_back(CipherSuite::TLS_AES_128_GCM_SHA256);
  ch.status_request = msgs::CertificateStatusRequest{};
  ch.status_request->responder_id_list.push_back(responder);
  ch.status_request->request_extensions = request_extensions;
  const Bytes msg = msgs::encode(ch);
  expect_clean(msg, "ClientHello");
  const TraceField root = annotated(msg);
  const TraceField& ext = extension(child(root, "extensions"), ExtensionType::status_request);
  const TraceField* status_type = find_field(ext, "status_type");
  ASSERT_NE(status_type, nullptr);
  EXPECT_EQ(status_type->meaning, "ocsp");
  const TraceField* id = find_field(ext, "responder_id_list[0]");
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(id->length, 2u + responder.size());
  const TraceField* extensions = find_field(ext, "request_extensions");
  ASSERT_NE(extensions, nullptr);
  EXPECT_EQ(extensions->length, 2u + request_extensions.size());

  // A server asking the client for a staple: an empty status_request in CertificateRequest.
  const Bytes cr =
      hex("0d00000f"
          "00"
          "000c"
          "000d00040002"
          "0403"
          "00050000");
  ASSERT_TRUE(msgs::parse_certificate_request(ByteView(cr).subspan(4)).ok());
  expect_clean(cr, "CertificateRequest");
  const TraceField cr_root = annotated(cr);
  const TraceField& cr_ext = extension(child(cr_root, "extensions"), ExtensionType::status_request);
  const TraceField* data = find_field(cr_ext, "extension_data");
  ASSERT_NE(data, nullptr);
  EXPECT_EQ(data->meaning, "empty");
  EXPECT_NE(data->explanation.find("asks the client to staple"), std::string::npos)
      << data->explanation;
}

}  // namespace
}  // namespace glasstls
