// State machines driven by scripted peer messages: each test sends one bad record or message
// and asserts the alert glasstls answers with (RFC 8446 section 6) and that it goes on the wire.
#include <gtest/gtest.h>

#include <cstring>

#include "api/harness.h"
#include "conn/context.h"
#include "handshake/key_schedule.h"
#include "msgs/handshake.h"
#include "msgs/tls12.h"
#include "record/record_layer.h"

namespace glasstls {
namespace {

using testing::client_builder;
using testing::ClientHelloFixture;
using testing::MemoryKeyLog;
using testing::server_builder;

Bytes record(ContentType type, ByteView body, uint16_t version = 0x0303) {
  Bytes out(5 + body.size());
  out[0] = static_cast<uint8_t>(type);
  out[1] = static_cast<uint8_t>(version >> 8);
  out[2] = static_cast<uint8_t>(version);
  out[3] = static_cast<uint8_t>(body.size() >> 8);
  out[4] = static_cast<uint8_t>(body.size());
  std::copy(body.begin(), body.end(), out.begin() + 5);
  return out;
}

// server_answer feeds `wire` to a fresh server (TLS 1.3 only with `tls13_only`) and returns its
// latched error.
Error server_answer(const Bytes& wire, Bytes* output = nullptr, bool tls13_only = false) {
  auto sb = server_builder(crypto::KeyType::kEcdsaP256);
  if (tls13_only) {
    sb.versions(ProtocolVersion::TLSv1_3, ProtocolVersion::TLSv1_3);
  }
  auto scfg = sb.build();
  EXPECT_TRUE(scfg.ok());
  auto server = Connection::server(*scfg);
  EXPECT_TRUE(server.ok());
  Status s = server->receive(wire);
  EXPECT_FALSE(s.ok()) << "server accepted a bad input";
  EXPECT_EQ(server->state(), ConnectionState::kFailed);
  if (output != nullptr) {
    output->assign(server->output().begin(), server->output().end());
  }
  return s.ok() ? Error{} : s.error();
}

Error server_answer_hello(const msgs::ClientHello& ch,
                          const std::vector<msgs::RawExtension>& extra = {},
                          bool tls13_only = false) {
  return server_answer(record(ContentType::handshake, msgs::encode(ch, extra)), nullptr,
                       tls13_only);
}

TEST(ServerAlerts, AlertGoesOnTheWireAsFatal) {
  Bytes out;
  Error e = server_answer(record(ContentType::application_data, Bytes{1, 2, 3}), &out);
  EXPECT_EQ(e.alert, AlertDescription::unexpected_message);
  EXPECT_EQ(out, (Bytes{21, 3, 3, 0, 2, 2, 10}));
}

TEST(ServerAlerts, NoSupportedVersionsIsProtocolVersionForATls13OnlyServer) {
  ClientHelloFixture h;
  h.ch.supported_versions.reset();
  EXPECT_EQ(server_answer_hello(h.ch, {}, true).alert, AlertDescription::protocol_version);
  // A server that speaks TLS 1.2 takes it for a TLS 1.2 ClientHello, which offers no TLS 1.2
  // suite.
  EXPECT_EQ(server_answer_hello(h.ch).alert, AlertDescription::handshake_failure);
}

TEST(ServerAlerts, OnlyTls12OfferedIsProtocolVersionForATls13OnlyServer) {
  ClientHelloFixture h;
  h.ch.supported_versions = std::vector<uint16_t>{0x0303};
  EXPECT_EQ(server_answer_hello(h.ch, {}, true).alert, AlertDescription::protocol_version);
  // Older versions only: protocol_version from any server.
  h.ch.supported_versions = std::vector<uint16_t>{0x0302, 0x0301};
  EXPECT_EQ(server_answer_hello(h.ch).alert, AlertDescription::protocol_version);
}

TEST(ServerAlerts, CompressionIsIllegalParameter) {
  ClientHelloFixture h;
  static const uint8_t kDeflate[2] = {1, 0};
  h.ch.legacy_compression_methods = ByteView(kDeflate, 2);
  EXPECT_EQ(server_answer_hello(h.ch).alert, AlertDescription::illegal_parameter);
}

TEST(ServerAlerts, MissingSignatureAlgorithmsIsMissingExtension) {
  ClientHelloFixture h;
  h.ch.signature_algorithms.reset();
  EXPECT_EQ(server_answer_hello(h.ch).alert, AlertDescription::missing_extension);
}

TEST(ServerAlerts, KeyShareWithoutSupportedGroupsIsMissingExtension) {
  ClientHelloFixture h;
  h.ch.supported_groups.reset();
  EXPECT_EQ(server_answer_hello(h.ch).alert, AlertDescription::missing_extension);
}

TEST(ServerAlerts, ShareForUnlistedGroupIsIllegalParameter) {
  ClientHelloFixture h;
  h.ch.supported_groups = std::vector<NamedGroup>{NamedGroup::secp256r1};
  EXPECT_EQ(server_answer_hello(h.ch).alert, AlertDescription::illegal_parameter);
}

TEST(ServerAlerts, NoCommonSuiteIsHandshakeFailure) {
  ClientHelloFixture h;
  h.ch.cipher_suites = {CipherSuite::TLS_AES_128_CCM_SHA256};
  EXPECT_EQ(server_answer_hello(h.ch).alert, AlertDescription::handshake_failure);
}

TEST(ServerAlerts, NoCommonGroupIsHandshakeFailure) {
  ClientHelloFixture h;
  h.ch.supported_groups = std::vector<NamedGroup>{NamedGroup::x448};
  h.ch.key_shares = std::vector<msgs::KeyShareEntry>{};
  EXPECT_EQ(server_answer_hello(h.ch).alert, AlertDescription::handshake_failure);
}

TEST(ServerAlerts, DuplicateExtensionIsIllegalParameter) {
  ClientHelloFixture h;
  static const uint8_t kEmpty[1] = {0};
  std::vector<msgs::RawExtension> extra = {{ExtensionType::ec_point_formats, ByteView(kEmpty, 0)},
                                           {ExtensionType::ec_point_formats, ByteView(kEmpty, 0)}};
  EXPECT_EQ(server_answer_hello(h.ch, extra).alert, AlertDescription::illegal_parameter);
}

TEST(ServerAlerts, GreaseAndToleratedExtensionsAreIgnored) {
  ClientHelloFixture h;
  static const uint8_t kPointFormats[2] = {1, 0};
  static const uint8_t kReneg[1] = {0};
  std::vector<msgs::RawExtension> extra = {
      {static_cast<ExtensionType>(0x3a3a), ByteView()},
      {ExtensionType::ec_point_formats, ByteView(kPointFormats, 2)},
      {ExtensionType::session_ticket, ByteView()},
      {ExtensionType::encrypt_then_mac, ByteView()},
      {ExtensionType::extended_master_secret, ByteView()},
      {ExtensionType::renegotiation_info, ByteView(kReneg, 1)}};
  h.ch.cipher_suites.insert(h.ch.cipher_suites.begin(), static_cast<CipherSuite>(0x0a0a));
  auto scfg = server_builder(crypto::KeyType::kEcdsaP256).build();
  auto server = Connection::server(*scfg);
  Status s = server->receive(record(ContentType::handshake, msgs::encode(h.ch, extra)));
  EXPECT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_FALSE(server->output().empty());
}

TEST(ServerAlerts, TruncatedHelloIsDecodeError) {
  ClientHelloFixture h;
  Bytes msg = msgs::encode(h.ch);
  // Keep the handshake header's length but cut the body short: the message is complete
  // from the framing's point of view only if we rewrite the length, so do that.
  msg.resize(msg.size() - 5);
  size_t len = msg.size() - 4;
  msg[1] = static_cast<uint8_t>(len >> 16);
  msg[2] = static_cast<uint8_t>(len >> 8);
  msg[3] = static_cast<uint8_t>(len);
  EXPECT_EQ(server_answer(record(ContentType::handshake, msg)).alert,
            AlertDescription::decode_error);
}

TEST(ServerAlerts, OversizedCiphertextRecordIsRecordOverflow) {
  Bytes body(16384 + 257, 0);
  EXPECT_EQ(server_answer(record(ContentType::handshake, body)).alert,
            AlertDescription::record_overflow);
}

TEST(ServerAlerts, OversizedPlaintextRecordIsRecordOverflow) {
  Bytes body(16385, 0);
  EXPECT_EQ(server_answer(record(ContentType::handshake, body)).alert,
            AlertDescription::record_overflow);
}

TEST(ServerAlerts, UnknownContentTypeIsUnexpectedMessage) {
  EXPECT_EQ(server_answer(record(static_cast<ContentType>(99), Bytes{1})).alert,
            AlertDescription::unexpected_message);
}

TEST(ServerAlerts, ZeroLengthHandshakeRecordIsUnexpectedMessage) {
  EXPECT_EQ(server_answer(record(ContentType::handshake, Bytes{})).alert,
            AlertDescription::unexpected_message);
}

TEST(ServerAlerts, WrongFirstMessageIsUnexpectedMessage) {
  Bytes fin = {20, 0, 0, 32};
  fin.resize(36, 0);
  EXPECT_EQ(server_answer(record(ContentType::handshake, fin)).alert,
            AlertDescription::unexpected_message);
}

TEST(ServerAlerts, ChangeCipherSpecBeforeHelloIsUnexpectedMessage) {
  EXPECT_EQ(server_answer(record(ContentType::change_cipher_spec, Bytes{1})).alert,
            AlertDescription::unexpected_message);
}

TEST(ServerAlerts, HugeHandshakeLengthIsIllegalParameter) {
  Bytes msg = {1, 0xff, 0xff, 0xff, 0, 0};
  EXPECT_EQ(server_answer(record(ContentType::handshake, msg)).alert,
            AlertDescription::illegal_parameter);
}

// Issue 9 item 6: a ClientHello has no reason to be large; one announced over 16 KiB is refused
// as soon as its header arrives, before anything of it is kept.
TEST(ServerAlerts, ClientHelloOver16KiBIsRefusedFromItsHeader) {
  Bytes msg = {1, 0x00, 0x40, 0x01, 3, 3};  // 16385 bytes announced, 2 sent
  Error e = server_answer(record(ContentType::handshake, msg));
  EXPECT_EQ(e.alert, AlertDescription::illegal_parameter);
  EXPECT_NE(e.reason.find("client_hello"), std::string::npos) << e.reason;
  // 16384 bytes announced is within the limit: the server waits for the rest.
  auto scfg = server_builder(crypto::KeyType::kEcdsaP256).build();
  auto server = Connection::server(*scfg);
  Bytes ok = {1, 0x00, 0x40, 0x00, 3, 3};
  EXPECT_TRUE(server->receive(record(ContentType::handshake, ok)).ok());
  EXPECT_EQ(server->state(), ConnectionState::kHandshaking);
}

// Issue 9 item 10: RFC 8446 appendix D.5.
TEST(ServerAlerts, Ssl3LegacyVersionIsProtocolVersion) {
  for (uint16_t v : {uint16_t{0x0300}, uint16_t{0x0200}, uint16_t{0x0002}}) {
    ClientHelloFixture h;
    h.ch.legacy_version = v;
    EXPECT_EQ(server_answer_hello(h.ch).alert, AlertDescription::protocol_version) << v;
  }
  ClientHelloFixture tls10;
  tls10.ch.legacy_version = 0x0301;  // allowed: supported_versions decides
  auto scfg = server_builder(crypto::KeyType::kEcdsaP256).build();
  auto server = Connection::server(*scfg);
  EXPECT_TRUE(server->receive(record(ContentType::handshake, msgs::encode(tls10.ch))).ok());
}

// Issue 9 item 11: RFC 6066 section 3, host_name is an ASCII DNS name; whatever the peer sent
// is escaped before it reaches the error text.
TEST(ServerAlerts, ServerNameThatIsNotAnAsciiDnsNameIsIllegalParameter) {
  for (std::string bad : {std::string("exa\x1b[2Jmple.com"), std::string("caf\xc3\xa9.example"),
                          std::string("192.0.2.1"), std::string("::1"), std::string("a..b"),
                          std::string("has space.example"), std::string("trailing.dot.")}) {
    ClientHelloFixture h;
    h.ch.server_name = bad;
    Error e = server_answer_hello(h.ch);
    EXPECT_EQ(e.alert, AlertDescription::illegal_parameter) << bad;
    for (char c : e.reason) {
      EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "raw byte " << int(c) << " in: " << e.reason;
    }
  }
  for (std::string good : {"localhost", "xn--caf-dma.example", "a-b.example", "_srv.example"}) {
    ClientHelloFixture h;
    h.ch.server_name = good;
    auto scfg = server_builder(crypto::KeyType::kEcdsaP256).build();
    auto server = Connection::server(*scfg);
    EXPECT_TRUE(server->receive(record(ContentType::handshake, msgs::encode(h.ch))).ok()) << good;
  }
}

// Issue 9 item 10: every handshake message type is named in errors, registered or not.
TEST(ServerAlerts, UnexpectedMessageTypesAreNamedInErrors) {
  for (uint8_t type : {uint8_t{25}, uint8_t{99}, uint8_t{254}}) {
    Bytes msg = {type, 0, 0, 1, 0};
    Error e = server_answer(record(ContentType::handshake, msg));
    EXPECT_EQ(e.alert, AlertDescription::unexpected_message);
    const std::string got = "got ";
    size_t at = e.reason.find(got);
    ASSERT_NE(at, std::string::npos) << e.reason;
    EXPECT_GT(e.reason.size(), at + got.size()) << "the type is not named: " << e.reason;
  }
}

// Issue 9 item 10: once the server reads under handshake keys, an unprotected alert is refused
// (only change_cipher_spec may still come in the clear); the error says what the peer sent.
TEST(ServerAlerts, UnprotectedAlertAfterHandshakeKeysIsUnexpectedMessage) {
  auto scfg = server_builder(crypto::KeyType::kEcdsaP256).build();
  auto ccfg = client_builder(crypto::KeyType::kEcdsaP256).build();
  auto client = Connection::client(*ccfg, "localhost");
  auto server = Connection::server(*scfg);
  ASSERT_TRUE(testing::transfer(*client, *server));
  Status s = server->receive(record(ContentType::alert, Bytes{2, 40}));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::unexpected_message);
  EXPECT_NE(s.error().reason.find("handshake_failure"), std::string::npos) << s.error().reason;
}

TEST(ServerAlerts, HandshakeInterleavedWithAlertIsUnexpectedMessage) {
  ClientHelloFixture h;
  Bytes msg = msgs::encode(h.ch);
  Bytes wire = record(ContentType::handshake, ByteView(msg.data(), 10));
  Bytes alert = record(ContentType::alert, Bytes{1, 0});
  wire.insert(wire.end(), alert.begin(), alert.end());
  EXPECT_EQ(server_answer(wire).alert, AlertDescription::unexpected_message);
}

TEST(ServerAlerts, BadAlertLengthIsDecodeError) {
  EXPECT_EQ(server_answer(record(ContentType::alert, Bytes{2, 40, 0})).alert,
            AlertDescription::decode_error);
}

TEST(ServerAlerts, FatalAlertFromPeerIsReported) {
  Error e = server_answer(record(ContentType::alert, Bytes{2, 40}));
  EXPECT_EQ(e.kind, ErrorKind::kAlertReceived);
  EXPECT_EQ(e.alert, AlertDescription::handshake_failure);
}

// ---- Client side: a man in the middle decrypts the server's flight with the server's key log,
// changes one thing, and re-encrypts it.

struct Mitm {
  std::shared_ptr<MemoryKeyLog> log = std::make_shared<MemoryKeyLog>();
  std::optional<Connection> client;
  std::optional<Connection> server;
  Bytes server_hello_record;
  Bytes ccs_record;
  Bytes flight;  // EE, Certificate, CertificateVerify, Finished (plaintext)
  conn::SuiteInfo suite;

  explicit Mitm(std::vector<std::string> client_alpn = {}) {
    auto scfg = server_builder(crypto::KeyType::kEcdsaP256)
                    .cipher_suites({CipherSuite::TLS_AES_128_GCM_SHA256})
                    .key_log(log)
                    .build();
    auto cb = client_builder(crypto::KeyType::kEcdsaP256);
    cb.alpn(std::move(client_alpn));
    auto ccfg = cb.build();
    client.emplace(std::move(Connection::client(*ccfg, "localhost")).value());
    server.emplace(std::move(Connection::server(*scfg)).value());
    Bytes ch(client->output().begin(), client->output().end());
    client->consume_output(ch.size());
    EXPECT_TRUE(server->receive(ch).ok());
    Bytes out(server->output().begin(), server->output().end());
    server->consume_output(out.size());
    // Split the server's output into records.
    size_t off = 0;
    std::vector<Bytes> records;
    while (off + 5 <= out.size()) {
      size_t len = (size_t{out[off + 3]} << 8) | out[off + 4];
      records.emplace_back(out.begin() + off, out.begin() + off + 5 + len);
      off += 5 + len;
    }
    EXPECT_EQ(records.size(), 3u);
    server_hello_record = records[0];
    ccs_record = records[1];
    suite = *conn::suite_info(crypto::openssl_provider(), CipherSuite::TLS_AES_128_GCM_SHA256);
    record::RecordLayer rl;
    rl.set_read_protection(protection());
    record::Record rec;
    auto used = rl.read_record(records[2], rec);
    EXPECT_TRUE(used.ok());
    flight.assign(rec.fragment.begin(), rec.fragment.end());
  }

  record::Protection protection() {
    const Bytes& secret = log->secrets.at("SERVER_HANDSHAKE_TRAFFIC_SECRET");
    auto keys = handshake::traffic_keys(*suite.hash, 16, secret);
    record::Protection p;
    p.aead = suite.aead;
    p.key = std::move(suite.aead->new_key(keys->key.span())).value();
    std::memcpy(p.iv, keys->iv.data(), 12);
    return p;
  }

  // messages splits the plaintext flight into whole handshake messages.
  std::vector<Bytes> messages() const {
    std::vector<Bytes> out;
    size_t off = 0;
    while (off + 4 <= flight.size()) {
      size_t len =
          (size_t{flight[off + 1]} << 16) | (size_t{flight[off + 2]} << 8) | flight[off + 3];
      out.emplace_back(flight.begin() + off, flight.begin() + off + 4 + len);
      off += 4 + len;
    }
    return out;
  }

  // deliver sends the (possibly modified) ServerHello and flight to the client and returns its
  // error.
  Error deliver(const Bytes& sh_record, const std::vector<Bytes>& msgs) {
    Bytes plain;
    for (const auto& m : msgs) {
      plain.insert(plain.end(), m.begin(), m.end());
    }
    record::RecordLayer rl;
    rl.set_write_protection(protection());
    Bytes wire = sh_record;
    wire.insert(wire.end(), ccs_record.begin(), ccs_record.end());
    EXPECT_TRUE(rl.write(ContentType::handshake, plain, wire).ok());
    Status s = client->receive(wire);
    EXPECT_FALSE(s.ok()) << "client accepted a tampered flight";
    EXPECT_FALSE(client->output().empty()) << "no alert was queued";
    return s.ok() ? Error{} : s.error();
  }
};

TEST(ClientAlerts, UntamperedFlightCompletes) {
  Mitm m;
  Bytes plain = m.flight;
  record::RecordLayer rl;
  rl.set_write_protection(m.protection());
  Bytes wire = m.server_hello_record;
  wire.insert(wire.end(), m.ccs_record.begin(), m.ccs_record.end());
  ASSERT_TRUE(rl.write(ContentType::handshake, plain, wire).ok());
  Status s = m.client->receive(wire);
  EXPECT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_EQ(m.client->state(), ConnectionState::kEstablished);
}

TEST(ClientAlerts, SessionIdEchoMismatchIsIllegalParameter) {
  Mitm m;
  Bytes sh = m.server_hello_record;
  // record header 5, handshake header 4, version 2, random 32, session id length 1.
  sh[5 + 4 + 2 + 32 + 1] ^= 0xff;
  EXPECT_EQ(m.deliver(sh, m.messages()).alert, AlertDescription::illegal_parameter);
}

TEST(ClientAlerts, UnofferedCipherSuiteIsIllegalParameter) {
  Mitm m;
  Bytes sh = m.server_hello_record;
  size_t suite_at = 5 + 4 + 2 + 32 + 1 + 32;
  ASSERT_EQ(sh[suite_at], 0x13);
  sh[suite_at + 1] = 0x04;  // TLS_AES_128_CCM_SHA256, never offered
  EXPECT_EQ(m.deliver(sh, m.messages()).alert, AlertDescription::illegal_parameter);
}

TEST(ClientAlerts, ServerHelloWithoutSupportedVersionsIsATls12ServerHello) {
  Mitm m;
  // Rebuild the ServerHello without supported_versions: a TLS 1.2 ServerHello choosing a TLS 1.3
  // suite, which the client did not offer for TLS 1.2.
  Bytes sh_msg(m.server_hello_record.begin() + 5, m.server_hello_record.end());
  auto parsed = msgs::parse_server_hello(ByteView(sh_msg).subspan(4));
  ASSERT_TRUE(parsed.ok());
  parsed->selected_version.reset();
  parsed->key_share.reset();
  Bytes rebuilt = msgs::encode(*parsed);
  EXPECT_EQ(m.deliver(record(ContentType::handshake, rebuilt), m.messages()).alert,
            AlertDescription::illegal_parameter);
}

TEST(ClientAlerts, Tls12ServerHelloToATls13OnlyClientIsProtocolVersion) {
  auto cb = client_builder(crypto::KeyType::kEcdsaP256);
  cb.versions(ProtocolVersion::TLSv1_3, ProtocolVersion::TLSv1_3);
  auto ccfg = cb.build();
  ASSERT_TRUE(ccfg.ok());
  auto client = Connection::client(*ccfg, "localhost");
  ASSERT_TRUE(client.ok());
  auto sb = server_builder(crypto::KeyType::kEcdsaP256);
  sb.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_2);
  auto scfg = sb.build();
  ASSERT_TRUE(scfg.ok());
  // What a TLS 1.2 server answers: its ServerHello, built for a ClientHello offering TLS 1.2.
  msgs::ServerHello sh;
  const Bytes random(32, 5);
  sh.random = random;
  sh.cipher_suite = CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256;
  msgs::Tls12ServerHelloExtensions ext;
  ext.renegotiation_info = ByteView();
  Status s =
      client->receive(record(ContentType::handshake, msgs::encode_tls12_server_hello(sh, ext)));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::protocol_version);
}

TEST(ClientAlerts, UnsolicitedAlpnIsUnsupportedExtension) {
  Mitm m;
  auto msgs_in = m.messages();
  msgs::EncryptedExtensions ee;
  ee.alpn = "h2";
  msgs_in[0] = msgs::encode(ee);
  EXPECT_EQ(m.deliver(m.server_hello_record, msgs_in).alert,
            AlertDescription::unsupported_extension);
}

TEST(ClientAlerts, UnofferedAlpnIsIllegalParameter) {
  Mitm m({"http/1.1"});
  auto msgs_in = m.messages();
  msgs::EncryptedExtensions ee;
  ee.alpn = "h2";
  msgs_in[0] = msgs::encode(ee);
  EXPECT_EQ(m.deliver(m.server_hello_record, msgs_in).alert, AlertDescription::illegal_parameter);
}

TEST(ClientAlerts, EmptyCertificateIsDecodeError) {
  Mitm m;
  auto msgs_in = m.messages();
  msgs_in[1] = msgs::encode(msgs::Certificate{});
  EXPECT_EQ(m.deliver(m.server_hello_record, msgs_in).alert, AlertDescription::decode_error);
}

TEST(ClientAlerts, BadSignatureIsDecryptError) {
  Mitm m;
  auto msgs_in = m.messages();
  msgs_in[2].back() ^= 0x01;
  Error e = m.deliver(m.server_hello_record, msgs_in);
  // A flipped byte in a DER ECDSA signature either fails verification or fails to decode as a
  // signature; both are a failed signature check.
  EXPECT_EQ(e.alert, AlertDescription::decrypt_error);
}

// Issue 9 item 10: an empty signature is a failed verification (RFC 8446 sections 4.4.3 and
// 6.2), not a decoding error.
TEST(ClientAlerts, EmptyCertificateVerifySignatureIsDecryptError) {
  Mitm m;
  auto msgs_in = m.messages();
  auto cv = msgs::parse_certificate_verify(ByteView(msgs_in[2]).subspan(4));
  ASSERT_TRUE(cv.ok());
  msgs_in[2] = msgs::encode(msgs::CertificateVerify{cv->scheme, {}});
  EXPECT_EQ(m.deliver(m.server_hello_record, msgs_in).alert, AlertDescription::decrypt_error);
}

// Issue 9 item 10: RFC 8446 appendix D.5 for the ServerHello.
TEST(ClientAlerts, Ssl3ServerHelloVersionIsProtocolVersion) {
  Mitm m;
  Bytes sh = m.server_hello_record;
  sh[5 + 4] = 0x03;
  sh[5 + 4 + 1] = 0x00;
  EXPECT_EQ(m.deliver(sh, m.messages()).alert, AlertDescription::protocol_version);
}

TEST(ClientAlerts, BadFinishedIsDecryptError) {
  Mitm m;
  auto msgs_in = m.messages();
  msgs_in[3].back() ^= 0x01;
  EXPECT_EQ(m.deliver(m.server_hello_record, msgs_in).alert, AlertDescription::decrypt_error);
}

TEST(ClientAlerts, MessagesOutOfOrderAreUnexpectedMessage) {
  Mitm m;
  auto msgs_in = m.messages();
  std::swap(msgs_in[1], msgs_in[2]);
  EXPECT_EQ(m.deliver(m.server_hello_record, msgs_in).alert, AlertDescription::unexpected_message);
}

TEST(ClientAlerts, TamperedRecordIsBadRecordMac) {
  Mitm m;
  record::RecordLayer rl;
  rl.set_write_protection(m.protection());
  Bytes wire = m.server_hello_record;
  Bytes enc;
  ASSERT_TRUE(rl.write(ContentType::handshake, m.flight, enc).ok());
  enc[20] ^= 0x80;
  wire.insert(wire.end(), enc.begin(), enc.end());
  Status s = m.client->receive(wire);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::bad_record_mac);
}

TEST(ClientAlerts, KeyChangeInsideRecordIsUnexpectedMessage) {
  Mitm m;
  // Put the first encrypted message into the ServerHello's plaintext record.
  Bytes sh = m.server_hello_record;
  Bytes ee = m.messages()[0];
  Bytes body(sh.begin() + 5, sh.end());
  body.insert(body.end(), ee.begin(), ee.end());
  Status s = m.client->receive(record(ContentType::handshake, body));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::unexpected_message);
}

TEST(ClientAlerts, SecondHelloRetryRequestIsUnexpectedMessage) {
  // A client whose only share is P-256, talking to a server that wants P-384, gets one
  // HelloRetryRequest; answering its second ClientHello with another one must fail.
  auto scfg = server_builder(crypto::KeyType::kEcdsaP256).groups({NamedGroup::secp384r1}).build();
  auto ccfg = client_builder(crypto::KeyType::kEcdsaP256).build();
  auto client = Connection::client(*ccfg, "localhost");
  auto server = Connection::server(*scfg);
  ASSERT_TRUE(testing::transfer(*client, *server));
  Bytes hrr(server->output().begin(), server->output().end());
  server->consume_output(hrr.size());
  ASSERT_TRUE(client->receive(hrr).ok());
  client->consume_output(client->output().size());
  // Send the same HelloRetryRequest record again (without its CCS).
  size_t len = (size_t{hrr[3]} << 8) | hrr[4];
  Bytes again(hrr.begin(), hrr.begin() + 5 + len);
  Status s = client->receive(again);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::unexpected_message);
}

TEST(ClientAlerts, ProtectedAfterCloseIsIgnoredAndDataBeforeIsKept) {
  auto scfg = server_builder(crypto::KeyType::kEcdsaP256).build();
  auto ccfg = client_builder(crypto::KeyType::kEcdsaP256).build();
  auto client = Connection::client(*ccfg, "localhost");
  auto server = Connection::server(*scfg);
  ASSERT_TRUE(testing::handshake(*client, *server));
  const uint8_t data[] = {'x', 'y', 'z'};
  ASSERT_TRUE(server->write(data).ok());
  server->close();
  ASSERT_TRUE(testing::transfer(*server, *client));
  EXPECT_TRUE(client->peer_closed());
  EXPECT_EQ(client->readable(), 3u);
}

}  // namespace
}  // namespace glasstls
