// annotate_tls12_test.cc: the view of TLS 1.2 messages, read with their own layouts
// (msgs::WalkContext). The messages are built here with the codecs' encoders from values the
// test chooses (a certificate of the test PKI made at test time); tests/explain reads those of
// real OpenSSL peers. Every tree is also run through check_tree (annotate_check.h).
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "glasstls/trace.h"
#include "msgs/handshake.h"
#include "msgs/tls12.h"
#include "msgs/walk.h"
#include "testing/annotate_check.h"
#include "trace/annotate_tree.h"

namespace glasstls {
namespace {

using annotate::check_tree;
using annotate::count_named;
using annotate::find_field;
using msgs::KeyExchangeKind;
using msgs::WalkContext;

Bytes hex(std::string_view h) { return from_hex(h).value_or(Bytes{}); }

const WalkContext kEcdhe{ProtocolVersion::TLSv1_2, KeyExchangeKind::kEcdhe};
const WalkContext kDhe{ProtocolVersion::TLSv1_2, KeyExchangeKind::kDhe};

TraceField annotate12(const Bytes& msg, const WalkContext& context) {
  TraceField root = annotate::annotate_handshake_message(msg, context);
  EXPECT_EQ(check_tree(root, msg.size()), "") << to_hex(msg);
  return root;
}

Bytes ecdhe_server_key_exchange() {
  const Bytes point = hex("04" + std::string(128, '7'));
  const Bytes signature = hex("3006020101020101");
  return msgs::encode_server_key_exchange(msgs::encode_ecdhe_params(NamedGroup::secp256r1, point),
                                          SignatureScheme::ecdsa_secp256r1_sha256, signature);
}

Bytes dhe_server_key_exchange() {
  const Bytes p(256, 0xff);
  const Bytes g = {2};
  const Bytes ys(256, 0x42);
  return msgs::encode_server_key_exchange(msgs::encode_dhe_params(p, g, ys),
                                          SignatureScheme::rsa_pss_rsae_sha256, Bytes(256, 1));
}

TEST(AnnotateTls12, ServerKeyExchangeShowsTheSignedParams) {
  const Bytes msg = ecdhe_server_key_exchange();
  const TraceField root = annotate12(msg, kEcdhe);
  EXPECT_EQ(root.name, "ServerKeyExchange");
  EXPECT_EQ(count_named(root, "error"), 0u);
  const TraceField* params = find_field(root, "params");
  ASSERT_NE(params, nullptr);
  // The params are the bytes after the header up to the signature: what is signed.
  EXPECT_EQ(params->offset, 4u);
  EXPECT_EQ(params->length, 1u + 2 + 1 + 65);
  EXPECT_NE(params->meaning.find("secp256r1"), std::string::npos);
  EXPECT_NE(params->explanation.find("client_random || server_random"), std::string::npos);
  const TraceField* curve = find_field(root, "namedcurve");
  ASSERT_NE(curve, nullptr);
  EXPECT_EQ(curve->value, "0x0017");
  const TraceField* curve_type = find_field(root, "curve_type");
  ASSERT_NE(curve_type, nullptr);
  EXPECT_EQ(curve_type->meaning, "named_curve");
  const TraceField* signed_params = find_field(root, "signed_params");
  ASSERT_NE(signed_params, nullptr);
  const TraceField* algorithm = find_field(*signed_params, "algorithm");
  ASSERT_NE(algorithm, nullptr);
  EXPECT_EQ(algorithm->meaning, "ecdsa_secp256r1_sha256");

  const Bytes dhe = dhe_server_key_exchange();
  const TraceField dh = annotate12(dhe, kDhe);
  EXPECT_EQ(count_named(dh, "error"), 0u);
  const TraceField* dh_p = find_field(dh, "dh_p");
  ASSERT_NE(dh_p, nullptr);
  EXPECT_EQ(dh_p->meaning, "2048-bit field");
  EXPECT_NE(find_field(dh, "dh_Ys"), nullptr);
  EXPECT_NE(find_field(dh, "dh_g"), nullptr);
}

TEST(AnnotateTls12, KeyExchangeMessagesWithoutASuiteAreShownUndecoded) {
  const Bytes msg = ecdhe_server_key_exchange();
  const TraceField root = annotate12(msg, WalkContext{ProtocolVersion::TLSv1_2, std::nullopt});
  EXPECT_EQ(find_field(root, "params"), nullptr);
  const TraceField* body = find_field(root, "body");
  ASSERT_NE(body, nullptr);
  EXPECT_EQ(body->meaning, "not decoded");
  // The default (TLS 1.3) view of the same bytes is unchanged: undecoded too.
  const TraceField tls13 = annotate_handshake_message(msg);
  EXPECT_EQ(find_field(tls13, "params"), nullptr);
  EXPECT_NE(find_field(tls13, "body"), nullptr);
}

TEST(AnnotateTls12, ClientKeyExchangeByKeyExchange) {
  const Bytes ec = msgs::encode_client_key_exchange(KeyExchangeKind::kEcdhe, Bytes(32, 9));
  const TraceField a = annotate12(ec, kEcdhe);
  EXPECT_EQ(count_named(a, "error"), 0u);
  ASSERT_NE(find_field(a, "ecdh_Yc"), nullptr);
  const Bytes dh = msgs::encode_client_key_exchange(KeyExchangeKind::kDhe, Bytes(256, 9));
  const TraceField b = annotate12(dh, kDhe);
  EXPECT_EQ(count_named(b, "error"), 0u);
  ASSERT_NE(find_field(b, "dh_Yc"), nullptr);
  // Read with the other kind's layout, the bytes do not fit: the view says so.
  EXPECT_GT(count_named(annotate12(dh, kEcdhe), "error"), 0u);
}

TEST(AnnotateTls12, CertificateAndCertificateRequestUseTls12Layouts) {
  msgs::Tls12Certificate c;
  const Bytes not_der = hex("0102030405");
  const Bytes also = hex("0607");
  c.certificates = {not_der, also};
  const Bytes cert = msgs::encode(c);
  const TraceField root = annotate12(cert, kEcdhe);
  EXPECT_EQ(count_named(root, "error"), 0u);
  const TraceField* list = find_field(root, "certificate_list");
  ASSERT_NE(list, nullptr);
  EXPECT_EQ(list->meaning, "2 certificates");
  EXPECT_NE(find_field(root, "certificate_list[1]"), nullptr);
  // TLS 1.3's layout misreads it.
  EXPECT_GT(count_named(annotate_handshake_message(cert), "error"), 0u);

  msgs::Tls12CertificateRequest cr;
  cr.certificate_types = {1, 64};
  cr.supported_signature_algorithms = {SignatureScheme::rsa_pss_rsae_sha256};
  // The request's names are views: keep their bytes alive while it is encoded.
  const Bytes empty_name = hex("3000");
  cr.certificate_authorities = {empty_name};
  const Bytes req = msgs::encode(cr);
  const TraceField r = annotate12(req, kEcdhe);
  EXPECT_EQ(count_named(r, "error"), 0u);
  const TraceField* type1 = find_field(r, "certificate_types[1]");
  ASSERT_NE(type1, nullptr);
  EXPECT_EQ(type1->meaning, "ecdsa_sign");
  const TraceField* alg = find_field(r, "supported_signature_algorithms[0]");
  ASSERT_NE(alg, nullptr);
  EXPECT_EQ(alg->meaning, "rsa_pss_rsae_sha256");
  // TLS 1.1's CertificateRequest has no signature algorithms: not read with TLS 1.2's layout.
  const TraceField old = annotate12(req, WalkContext{ProtocolVersion::TLSv1_1, std::nullopt});
  EXPECT_EQ(find_field(old, "supported_signature_algorithms"), nullptr);
  EXPECT_NE(find_field(old, "body"), nullptr);
  // Its Certificate has TLS 1.2's layout.
  EXPECT_EQ(
      count_named(annotate12(cert, WalkContext{ProtocolVersion::TLSv1_1, std::nullopt}), "error"),
      0u);
}

TEST(AnnotateTls12, FinishedAndNewSessionTicket) {
  const Bytes verify_data(12, 3);
  const Bytes fin = msgs::encode(msgs::Finished{verify_data});
  const TraceField f = annotate12(fin, kEcdhe);
  const TraceField* vd = find_field(f, "verify_data");
  ASSERT_NE(vd, nullptr);
  EXPECT_EQ(vd->meaning, "12 bytes");
  // TLS 1.3 expects a hash-length verify_data.
  EXPECT_EQ(find_field(annotate_handshake_message(fin), "verify_data")->meaning,
            "unexpected length");

  const Bytes ticket(40, 5);
  const Bytes nst = msgs::encode(msgs::Tls12NewSessionTicket{7200, ticket});
  const TraceField n = annotate12(nst, kEcdhe);
  EXPECT_EQ(count_named(n, "error"), 0u);
  const TraceField* hint = find_field(n, "ticket_lifetime_hint");
  ASSERT_NE(hint, nullptr);
  EXPECT_EQ(hint->meaning, "2 hours");
}

// In TLS 1.2 a session ID names a session to resume: a ClientHello without supported_versions
// asks to resume it, and a TLS 1.2 ServerHello either echoes it or gives a new one. (With
// supported_versions, 32 bytes are middlebox compatibility mode: AnnotateEncoded.)
TEST(AnnotateTls12, SessionIdsNameSessionsToResume) {
  static const uint8_t kNull[1] = {0};
  const Bytes random(32, 1);
  const Bytes id(32, 9);
  msgs::ClientHello ch;
  ch.random = random;
  ch.legacy_session_id = id;
  ch.cipher_suites = {CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256};
  ch.legacy_compression_methods = ByteView(kNull, 1);
  ch.session_ticket = true;
  const TraceField c = annotate12(msgs::encode(ch), kEcdhe);
  const TraceField* sid = find_field(c, "legacy_session_id");
  ASSERT_NE(sid, nullptr);
  EXPECT_EQ(sid->meaning, "a TLS 1.2 session to resume");
  EXPECT_NE(sid->explanation.find("RFC 5246 section 7.4.1.2"), std::string::npos);

  msgs::ServerHello sh;
  sh.random = random;
  sh.legacy_session_id_echo = id;
  sh.cipher_suite = CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256;
  const TraceField server = annotate12(msgs::encode_tls12_server_hello(sh, {}), kEcdhe);
  const TraceField* echo = find_field(server, "legacy_session_id_echo");
  ASSERT_NE(echo, nullptr);
  EXPECT_NE(echo->explanation.find("abbreviated handshake"), std::string::npos)
      << echo->explanation;
}

TEST(AnnotateTls12, ServerHelloExtensionsAreCheckedAgainstTheVersionsColumn) {
  // A TLS 1.2 ServerHello with extended_master_secret: allowed.
  const Bytes tls12 =
      hex("020000"
          "31"
          "0303" +
          std::string(64, '1') +
          "00"
          "c02b"
          "00"
          "0009" +
          "00170000"
          "ff01"
          "0001"
          "00");
  ASSERT_EQ(tls12.size(), 4u + 0x31);
  const TraceField a = annotate_handshake_message(tls12);
  const TraceField* ems = find_field(a, "extensions[0]");
  ASSERT_NE(ems, nullptr);
  EXPECT_EQ(ems->explanation.find("not allowed"), std::string::npos) << ems->explanation;
  // With supported_versions naming TLS 1.3, the same extension is not allowed.
  const Bytes tls13 =
      hex("020000"
          "32"
          "0303" +
          std::string(64, '1') +
          "00"
          "1301"
          "00"
          "000a" +
          "002b00020304"
          "00170000");
  ASSERT_EQ(tls13.size(), 4u + 0x32);
  const TraceField b = annotate_handshake_message(tls13);
  const TraceField* ems13 = find_field(b, "extensions[1]");
  ASSERT_NE(ems13, nullptr);
  EXPECT_NE(ems13->explanation.find("not allowed"), std::string::npos) << ems13->explanation;
}

// strict12 runs the TLS 1.2 codec of the message's type on a whole message.
bool strict12(const Bytes& msg, KeyExchangeKind kx) {
  const size_t declared = (size_t{msg[1]} << 16) | (size_t{msg[2]} << 8) | msg[3];
  if (declared != msg.size() - 4) {
    return false;
  }
  const ByteView body = ByteView(msg).subspan(4);
  switch (static_cast<HandshakeType>(msg[0])) {
    case HandshakeType::certificate: return msgs::parse_tls12_certificate(body).ok();
    case HandshakeType::server_key_exchange: return msgs::parse_server_key_exchange(body, kx).ok();
    case HandshakeType::client_key_exchange: return msgs::parse_client_key_exchange(body, kx).ok();
    case HandshakeType::certificate_request:
      return msgs::parse_tls12_certificate_request(body).ok();
    case HandshakeType::certificate_status:
      return msgs::parse_certificate_status_message(body).ok();
    case HandshakeType::new_session_ticket: return msgs::parse_tls12_new_session_ticket(body).ok();
    default: return false;
  }
}

// The view is the parser's own reading: a TLS 1.2 message the strict codec accepts shows no
// malformed bytes, and one it refuses for its bytes shows where. Checked on messages built by
// the encoders and on 300 mutations of each.
TEST(AnnotateTls12, AgreesWithTheParser) {
  msgs::Tls12Certificate c;
  const Bytes der = hex("3003020101");
  c.certificates = {der, der};
  msgs::Tls12CertificateRequest cr;
  cr.certificate_types = {1, 64};
  cr.supported_signature_algorithms = {SignatureScheme::rsa_pss_rsae_sha256,
                                       SignatureScheme::ecdsa_secp256r1_sha256};
  // The request's names are views: keep their bytes alive while it is encoded.
  const Bytes empty_name = hex("3000");
  const Bytes name_a = hex("300b3109300706035504030c0161");
  cr.certificate_authorities = {empty_name, name_a};
  struct Input {
    Bytes msg;
    KeyExchangeKind kx;
  };
  const std::vector<Input> inputs = {
      {msgs::encode(c), KeyExchangeKind::kEcdhe},
      {ecdhe_server_key_exchange(), KeyExchangeKind::kEcdhe},
      {msgs::encode_server_key_exchange(msgs::encode_dhe_params(hex("ffc7"), hex("02"), hex("11")),
                                        SignatureScheme::rsa_pkcs1_sha256, hex("aabb")),
       KeyExchangeKind::kDhe},
      {msgs::encode_client_key_exchange(KeyExchangeKind::kEcdhe, Bytes(8, 4)),
       KeyExchangeKind::kEcdhe},
      {msgs::encode_client_key_exchange(KeyExchangeKind::kDhe, Bytes(8, 4)), KeyExchangeKind::kDhe},
      {msgs::encode(cr), KeyExchangeKind::kEcdhe},
      {msgs::encode_certificate_status_message(hex("30030a0100")), KeyExchangeKind::kEcdhe},
      {msgs::encode(msgs::Tls12NewSessionTicket{60, hex("0102")}), KeyExchangeKind::kEcdhe},
  };
  uint32_t state = 1205;
  auto next = [&state]() {
    state = state * 1103515245u + 12345u;
    return state >> 8;
  };
  size_t accepted = 0;
  size_t refused_with_error = 0;
  for (const Input& in : inputs) {
    ASSERT_TRUE(strict12(in.msg, in.kx)) << to_hex(in.msg);
    for (int i = 0; i < 300; i++) {
      Bytes msg = in.msg;
      if (i > 0) {
        const int edits = 1 + static_cast<int>(next() % 2);
        for (int e = 0; e < edits; e++) {
          msg[4 + next() % (msg.size() - 4)] ^= static_cast<uint8_t>(1u << (next() % 8));
        }
      }
      const WalkContext context{ProtocolVersion::TLSv1_2, in.kx};
      const TraceField root = annotate12(msg, context);
      const size_t errors = count_named(root, "error");
      if (strict12(msg, in.kx)) {
        accepted++;
        EXPECT_EQ(errors, 0u) << to_hex(msg);
      } else if (errors > 0) {
        refused_with_error++;
      }
    }
  }
  EXPECT_GT(accepted, 8u);
  EXPECT_GT(refused_with_error, 100u);
}

}  // namespace
}  // namespace glasstls
