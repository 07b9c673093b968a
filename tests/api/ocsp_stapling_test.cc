// ocsp_stapling_test.cc: OCSP stapling in TLS 1.3 (RFC 8446 section 4.4.2.1, RFC 6066 section
// 8) between glasstls peers in memory, and against a hostile server.
//
// glasstls carries the OCSP response without interpreting it, so the responses here are
// arbitrary bytes: what is tested is that the client asks for a staple exactly when its
// verifier wants one, that the server staples exactly what its OcspStaple holds and only when
// asked, and that the client refuses a status_request the rules forbid. The hostile server is a
// man in the middle that holds the server's key log and its private key: it rewrites the
// server's flight and signs it again (CertificateVerify, Finished), so the only thing wrong
// with a forged flight is the thing the test put there.
#include <gtest/gtest.h>

#include <cstring>
#include <optional>

#include "api/harness.h"
#include "conn/context.h"
#include "conn/tls13_keys.h"
#include "handshake/key_schedule.h"
#include "handshake/transcript.h"
#include "msgs/handshake.h"
#include "record/record_layer.h"

namespace glasstls {
namespace {

using testing::ClientHelloFixture;
using testing::MemoryKeyLog;
using testing::server_builder;
using testing::spki_pin;
using testing::test_pki;

constexpr crypto::KeyType kKey = crypto::KeyType::kEcdsaP256;

// RecordingVerifier trusts the test PKI's P-256 leaf by its key (as pin_sha256_verifier does)
// and records what glasstls hands it.
class RecordingVerifier final : public CertificateVerifier {
 public:
  explicit RecordingVerifier(bool wants_staple) : wants_staple_(wants_staple) {}

  Status verify(std::span<const Bytes> chain, std::string_view server_name) const override {
    verify_calls++;
    return pin_->verify(chain, server_name);
  }
  bool wants_ocsp_staple() const override { return wants_staple_; }
  Status verify_stapled(std::span<const Bytes> chain, std::string_view server_name,
                        std::span<const uint8_t> ocsp_response) const override {
    stapled_calls++;
    last_response.assign(ocsp_response.begin(), ocsp_response.end());
    if (failure) {
      return *failure;
    }
    return pin_->verify(chain, server_name);
  }

  mutable int verify_calls = 0;
  mutable int stapled_calls = 0;
  mutable Bytes last_response;
  // failure, when set, is what verify_stapled returns.
  std::optional<Error> failure;

 private:
  bool wants_staple_;
  std::shared_ptr<const CertificateVerifier> pin_ =
      pin_sha256_verifier({spki_pin(test_pki(kKey).leaf_key->public_key_spki())});
};

// fake_response is `n` bytes standing for a DER OCSPResponse; `tag` makes each one distinct.
Bytes fake_response(size_t n, uint8_t tag) {
  Bytes out(n);
  for (size_t i = 0; i < n; i++) {
    out[i] = static_cast<uint8_t>(tag + i * 7);
  }
  out[0] = 0x30;
  return out;
}

std::shared_ptr<const ServerConfig> server_config(std::shared_ptr<const OcspStaple> staple,
                                                  std::shared_ptr<KeyLog> log = nullptr,
                                                  bool request_client_cert = false) {
  const auto& pki = test_pki(kKey);
  ServerConfig::Builder b;
  b.cipher_suites({CipherSuite::TLS_AES_128_GCM_SHA256});
  b.add_certificate({pki.leaf_cert, pki.ca_cert}, PrivateKey(pki.leaf_key), {}, std::move(staple));
  if (log) {
    b.key_log(std::move(log));
  }
  if (request_client_cert) {
    b.request_client_certificate(
        pin_sha256_verifier({spki_pin(test_pki(kKey).leaf_key->public_key_spki())}), false);
  }
  auto config = b.build();
  EXPECT_TRUE(config.ok()) << config.error().to_string();
  return *config;
}

std::shared_ptr<const ClientConfig> client_config(
    std::shared_ptr<const CertificateVerifier> verifier) {
  ClientConfig::Builder b;
  b.verifier(std::move(verifier));
  auto config = b.build();
  EXPECT_TRUE(config.ok()) << config.error().to_string();
  return *config;
}

// records splits wire bytes into whole records.
std::vector<Bytes> records_of(ByteView wire) {
  std::vector<Bytes> out;
  size_t off = 0;
  while (off + 5 <= wire.size()) {
    size_t len = (size_t{wire[off + 3]} << 8) | wire[off + 4];
    if (off + 5 + len > wire.size()) {
      break;
    }
    out.emplace_back(wire.begin() + off, wire.begin() + off + 5 + len);
    off += 5 + len;
  }
  return out;
}

// messages_of splits concatenated handshake messages.
std::vector<Bytes> messages_of(ByteView flight) {
  std::vector<Bytes> out;
  size_t off = 0;
  while (off + 4 <= flight.size()) {
    size_t len = (size_t{flight[off + 1]} << 16) | (size_t{flight[off + 2]} << 8) | flight[off + 3];
    out.emplace_back(flight.begin() + off, flight.begin() + off + 4 + len);
    off += 4 + len;
  }
  return out;
}

Bytes take_output(Connection& c) {
  Bytes out(c.output().begin(), c.output().end());
  c.consume_output(out.size());
  return out;
}

const conn::SuiteInfo& suite() {
  static const conn::SuiteInfo s =
      *conn::suite_info(crypto::openssl_provider(), CipherSuite::TLS_AES_128_GCM_SHA256);
  return s;
}

record::Protection protection(ByteView secret) {
  auto keys = handshake::traffic_keys(*suite().hash, 16, secret);
  EXPECT_TRUE(keys.ok());
  record::Protection p;
  p.aead = suite().aead;
  p.key = std::move(suite().aead->new_key(keys->key.span())).value();
  std::memcpy(p.iv, keys->iv.data(), 12);
  return p;
}

// decrypt_all deprotects every protected record of `wire` under `secret` (skipping plaintext
// change_cipher_spec records) and returns each record's type and content.
std::vector<std::pair<ContentType, Bytes>> decrypt_all(ByteView wire, ByteView secret) {
  std::vector<std::pair<ContentType, Bytes>> out;
  record::RecordLayer rl;
  rl.set_read_protection(protection(secret));
  for (Bytes& r : records_of(wire)) {
    if (static_cast<ContentType>(r[0]) == ContentType::change_cipher_spec) {
      continue;
    }
    record::Record rec;
    auto used = rl.read_record(std::span<uint8_t>(r), rec);
    EXPECT_TRUE(used.ok()) << used.error().to_string();
    if (!used.ok()) {
      break;
    }
    out.emplace_back(rec.type, Bytes(rec.fragment.begin(), rec.fragment.end()));
  }
  return out;
}

// client_hello_of parses the ClientHello a client put in its first output (`wire` keeps the
// views alive).
msgs::ClientHello client_hello_of(const Bytes& wire) {
  auto recs = records_of(wire);
  EXPECT_EQ(recs.size(), 1u);
  auto ch = msgs::parse_client_hello(ByteView(wire).subspan(5 + 4));
  EXPECT_TRUE(ch.ok()) << ch.error().to_string();
  return ch.ok() ? *ch : msgs::ClientHello{};
}

std::optional<ByteView> raw_extension(const std::vector<msgs::RawExtension>& exts,
                                      ExtensionType type) {
  for (const auto& e : exts) {
    if (e.type == type) {
      return e.body;
    }
  }
  return std::nullopt;
}

// Pair is a client and server that handshake in memory.
struct Pair {
  std::optional<Connection> client;
  std::optional<Connection> server;
  Bytes client_hello;  // the client's first flight, as it went on the wire

  Pair(std::shared_ptr<const CertificateVerifier> verifier,
       std::shared_ptr<const OcspStaple> staple) {
    client.emplace(
        std::move(Connection::client(client_config(std::move(verifier)), "localhost")).value());
    server.emplace(std::move(Connection::server(server_config(std::move(staple)))).value());
    client_hello.assign(client->output().begin(), client->output().end());
  }
  bool handshake() { return testing::handshake(*client, *server); }
  std::string errors() const {
    return std::string(client->error() ? "client: " + client->error()->to_string() : "") +
           (server->error() ? " server: " + server->error()->to_string() : "");
  }
};

// ---- Between glasstls peers.

TEST(OcspStapling, ClientReceivesExactlyTheBytesTheServerStaples) {
  const Bytes response = fake_response(1200, 1);
  auto staple = std::make_shared<OcspStaple>(response);
  auto verifier = std::make_shared<RecordingVerifier>(true);
  Pair p(verifier, staple);

  // The ClientHello asks for ocsp with no responder IDs and no request extensions.
  msgs::ClientHello ch = client_hello_of(p.client_hello);
  ASSERT_TRUE(ch.status_request.has_value());
  EXPECT_EQ(ch.status_request->status_type, msgs::kStatusTypeOcsp);
  EXPECT_TRUE(ch.status_request->responder_id_list.empty());
  EXPECT_TRUE(ch.status_request->request_extensions.empty());
  std::optional<ByteView> body = raw_extension(ch.extensions, ExtensionType::status_request);
  ASSERT_TRUE(body.has_value());
  EXPECT_EQ(Bytes(body->begin(), body->end()), (Bytes{1, 0, 0, 0, 0}));

  ASSERT_TRUE(p.handshake()) << p.errors();
  EXPECT_EQ(verifier->stapled_calls, 1);
  EXPECT_EQ(verifier->verify_calls, 0);
  EXPECT_EQ(verifier->last_response, response);
  EXPECT_EQ(p.client->peer_ocsp_response(), response);
}

TEST(OcspStapling, ReplacingTheStapleChangesWhatTheNextHandshakeGets) {
  const Bytes first = fake_response(300, 1);
  const Bytes second = fake_response(457, 2);
  auto staple = std::make_shared<OcspStaple>(first);
  auto config = server_config(staple);
  auto verifier = std::make_shared<RecordingVerifier>(true);
  auto cconfig = client_config(verifier);

  auto run = [&]() -> Bytes {
    auto client = std::move(Connection::client(cconfig, "localhost")).value();
    auto server = std::move(Connection::server(config)).value();
    EXPECT_TRUE(testing::handshake(client, server));
    return client.peer_ocsp_response();
  };
  EXPECT_EQ(run(), first);
  staple->set(second);
  EXPECT_EQ(run(), second);
  EXPECT_EQ(verifier->last_response, second);
  // An empty response staples nothing.
  staple->set({});
  EXPECT_TRUE(run().empty());
  EXPECT_TRUE(verifier->last_response.empty());
  EXPECT_EQ(verifier->stapled_calls, 3);
}

TEST(OcspStapling, ServerKeepsTheStapleItTookWhenItIsReplacedMidHandshake) {
  // The server takes the staple once, while it answers the ClientHello; a replacement after
  // that reaches the next handshake only, and the response taken stays alive meanwhile.
  const Bytes first = fake_response(500, 3);
  auto staple = std::make_shared<OcspStaple>(first);
  auto verifier = std::make_shared<RecordingVerifier>(true);
  Pair p(verifier, staple);
  ASSERT_TRUE(testing::transfer(*p.client, *p.server));  // ClientHello -> server flight
  staple->set(fake_response(20, 4));
  ASSERT_TRUE(p.handshake()) << p.errors();
  EXPECT_EQ(p.client->peer_ocsp_response(), first);
}

TEST(OcspStapling, NoStatusRequestWhenTheVerifierWantsNoStaple) {
  auto staple = std::make_shared<OcspStaple>(fake_response(300, 5));
  auto verifier = std::make_shared<RecordingVerifier>(false);
  Pair p(verifier, staple);
  msgs::ClientHello ch = client_hello_of(p.client_hello);
  EXPECT_FALSE(ch.status_request.has_value());
  EXPECT_FALSE(raw_extension(ch.extensions, ExtensionType::status_request).has_value());
  // The server has a staple but was not asked: it sends none (the client would refuse it as
  // unsolicited), and the client calls verify(), not verify_stapled().
  ASSERT_TRUE(p.handshake()) << p.errors();
  EXPECT_EQ(verifier->verify_calls, 1);
  EXPECT_EQ(verifier->stapled_calls, 0);
  EXPECT_TRUE(p.client->peer_ocsp_response().empty());
}

TEST(OcspStapling, PinningAndAcceptAnyAskForNoStaple) {
  auto pin = pin_sha256_verifier({spki_pin(test_pki(kKey).leaf_key->public_key_spki())});
  auto c1 = std::move(Connection::client(client_config(pin), "localhost")).value();
  Bytes w1(c1.output().begin(), c1.output().end());
  EXPECT_FALSE(client_hello_of(w1).status_request.has_value());

  ClientConfig::Builder b;
  b.dangerous_accept_any_server_certificate();
  auto c2 = std::move(Connection::client(*b.build(), "localhost")).value();
  Bytes w2(c2.output().begin(), c2.output().end());
  EXPECT_FALSE(client_hello_of(w2).status_request.has_value());
}

TEST(OcspStapling, NoStapleWhenTheServerHasNone) {
  for (bool empty_holder : {false, true}) {
    SCOPED_TRACE(empty_holder ? "empty OcspStaple" : "no OcspStaple");
    auto verifier = std::make_shared<RecordingVerifier>(true);
    Pair p(verifier, empty_holder ? std::make_shared<OcspStaple>() : nullptr);
    EXPECT_TRUE(client_hello_of(p.client_hello).status_request.has_value());
    ASSERT_TRUE(p.handshake()) << p.errors();
    // verify_stapled is still called, with an empty response: the verifier decides what a
    // missing staple means (must-staple).
    EXPECT_EQ(verifier->stapled_calls, 1);
    EXPECT_EQ(verifier->verify_calls, 0);
    EXPECT_TRUE(verifier->last_response.empty());
    EXPECT_TRUE(p.client->peer_ocsp_response().empty());
  }
}

TEST(OcspStapling, VerifierRefusingTheStapleFailsTheHandshakeWithItsAlert) {
  auto verifier = std::make_shared<RecordingVerifier>(true);
  verifier->failure =
      make_error(ErrorKind::kInvalidCertificate, AlertDescription::bad_certificate_status_response,
                 "the stapled OCSP response is not acceptable");
  Pair p(verifier, std::make_shared<OcspStaple>(fake_response(250, 6)));
  EXPECT_FALSE(p.handshake());
  ASSERT_NE(p.client->error(), nullptr);
  EXPECT_EQ(p.client->error()->alert, AlertDescription::bad_certificate_status_response);
  EXPECT_EQ(p.client->state(), ConnectionState::kFailed);
  // The alert went on the wire: the server received it.
  ASSERT_NE(p.server->error(), nullptr);
  EXPECT_EQ(p.server->error()->kind, ErrorKind::kAlertReceived);
  EXPECT_EQ(p.server->error()->alert, AlertDescription::bad_certificate_status_response);
  EXPECT_TRUE(p.client->peer_certificates().empty());
}

// ---- What the server sends, read from its own flight with its key log.

// server_flight feeds one ClientHello to a server that staples `response` and returns the
// server's Certificate message (or the server's error).
struct ServerFlight {
  std::optional<Error> error;
  Bytes certificate;  // the whole Certificate message
};

ServerFlight server_flight(const msgs::ClientHello& ch, const Bytes& response,
                           const std::vector<msgs::RawExtension>& extra = {}) {
  auto log = std::make_shared<MemoryKeyLog>();
  auto server =
      std::move(Connection::server(server_config(std::make_shared<OcspStaple>(response), log)))
          .value();
  Bytes hello = msgs::encode(ch, extra);
  Bytes record = {22, 3, 1, static_cast<uint8_t>(hello.size() >> 8),
                  static_cast<uint8_t>(hello.size())};
  record.insert(record.end(), hello.begin(), hello.end());
  ServerFlight out;
  Status s = server.receive(record);
  if (!s.ok()) {
    out.error = s.error();
    return out;
  }
  Bytes wire = take_output(server);
  auto recs = records_of(wire);
  // ServerHello, then the flight under the server handshake key.
  Bytes protected_part;
  for (size_t i = 1; i < recs.size(); i++) {
    protected_part.insert(protected_part.end(), recs[i].begin(), recs[i].end());
  }
  Bytes flight;
  for (auto& [type, content] :
       decrypt_all(protected_part, log->secrets.at("SERVER_HANDSHAKE_TRAFFIC_SECRET"))) {
    EXPECT_EQ(type, ContentType::handshake);
    flight.insert(flight.end(), content.begin(), content.end());
  }
  for (Bytes& m : messages_of(flight)) {
    if (static_cast<HandshakeType>(m[0]) == HandshakeType::certificate) {
      out.certificate = std::move(m);
    }
  }
  return out;
}

TEST(OcspStaplingServer, StaplesInTheLeafEntryOnlyWhenAskedForOcsp) {
  const Bytes response = fake_response(321, 8);
  {
    ClientHelloFixture h;
    h.ch.status_request = msgs::CertificateStatusRequest{};
    ServerFlight f = server_flight(h.ch, response);
    ASSERT_FALSE(f.error) << f.error->to_string();
    auto cert = msgs::parse_certificate(ByteView(f.certificate).subspan(4));
    ASSERT_TRUE(cert.ok()) << cert.error().to_string();
    ASSERT_EQ(cert->entries.size(), 2u);
    // status_request in the leaf: CertificateStatus { ocsp(1), uint24 length, response }.
    std::optional<ByteView> body =
        raw_extension(cert->entries[0].extensions, ExtensionType::status_request);
    ASSERT_TRUE(body.has_value());
    Bytes expected = {1, 0x00, 0x01, 0x41};
    expected.insert(expected.end(), response.begin(), response.end());
    EXPECT_EQ(Bytes(body->begin(), body->end()), expected);
    EXPECT_EQ(cert->entries[0].extensions.size(), 1u);
    EXPECT_TRUE(cert->entries[1].extensions.empty());
  }
  {
    // A ClientHello with responder IDs and request extensions (a nonce) still gets the staple.
    ClientHelloFixture h;
    const Bytes responder = {0xa1, 0x02, 0x30, 0x00};
    const Bytes extensions = {0x30, 0x00};
    msgs::CertificateStatusRequest req;
    req.responder_id_list.push_back(responder);
    req.request_extensions = extensions;
    h.ch.status_request = req;
    ServerFlight f = server_flight(h.ch, response);
    ASSERT_FALSE(f.error) << f.error->to_string();
    auto cert = msgs::parse_certificate(ByteView(f.certificate).subspan(4));
    ASSERT_TRUE(cert.ok());
    ASSERT_TRUE(cert->entries[0].ocsp_response.has_value());
    EXPECT_EQ(Bytes(cert->entries[0].ocsp_response->begin(), cert->entries[0].ocsp_response->end()),
              response);
  }
  {
    // No status_request: no staple.
    ClientHelloFixture h;
    ServerFlight f = server_flight(h.ch, response);
    ASSERT_FALSE(f.error) << f.error->to_string();
    auto cert = msgs::parse_certificate(ByteView(f.certificate).subspan(4));
    ASSERT_TRUE(cert.ok());
    EXPECT_TRUE(cert->entries[0].extensions.empty());
  }
  {
    // A status type other than ocsp (whose request glasstls cannot read): no staple.
    ClientHelloFixture h;
    msgs::CertificateStatusRequest req;
    req.status_type = 2;
    h.ch.status_request = req;
    ServerFlight f = server_flight(h.ch, response);
    ASSERT_FALSE(f.error) << f.error->to_string();
    auto cert = msgs::parse_certificate(ByteView(f.certificate).subspan(4));
    ASSERT_TRUE(cert.ok());
    EXPECT_TRUE(cert->entries[0].extensions.empty());
  }
}

TEST(OcspStaplingServer, MalformedStatusRequestIsDecodeError) {
  // ocsp(1), responder_id_list, request_extensions: each broken in turn.
  const std::vector<Bytes> bodies = {
      {},                           // no status_type
      {1},                          // no OCSPStatusRequest
      {1, 0, 0},                    // no request_extensions
      {1, 0, 0, 0, 0, 0xff},        // trailing byte
      {1, 0, 2, 0, 0, 0, 0},        // an empty ResponderID
      {1, 0, 3, 0, 5, 0xaa, 0, 0},  // a ResponderID longer than its list
  };
  for (const Bytes& body : bodies) {
    ClientHelloFixture h;
    ServerFlight f = server_flight(h.ch, fake_response(100, 9),
                                   {msgs::RawExtension{ExtensionType::status_request, body}});
    ASSERT_TRUE(f.error.has_value()) << "accepted " << ::testing::PrintToString(body);
    EXPECT_EQ(f.error->alert, AlertDescription::decode_error) << f.error->to_string();
  }
}

// ---- A hostile server: the real server's flight, rewritten and signed again.

// Forger sits between a glasstls client and server. It holds the server's key log and private
// key, so it can change the server's flight up to the Certificate and then make a
// CertificateVerify and Finished that fit the changed transcript.
struct Forger {
  std::shared_ptr<MemoryKeyLog> log = std::make_shared<MemoryKeyLog>();
  std::optional<Connection> client;
  std::optional<Connection> server;
  Bytes client_hello_msg;
  Bytes server_hello_record;
  std::vector<Bytes> flight;  // EE, [CertificateRequest], Certificate, CertificateVerify, Finished

  Forger(bool client_wants_staple, std::shared_ptr<const OcspStaple> staple,
         bool request_client_cert = false) {
    auto verifier = std::make_shared<RecordingVerifier>(client_wants_staple);
    client.emplace(std::move(Connection::client(client_config(verifier), "localhost")).value());
    server.emplace(
        std::move(Connection::server(server_config(std::move(staple), log, request_client_cert)))
            .value());
    Bytes ch = take_output(*client);
    client_hello_msg.assign(ch.begin() + 5, ch.end());
    EXPECT_TRUE(server->receive(ch).ok());
    Bytes out = take_output(*server);
    auto recs = records_of(out);
    EXPECT_GE(recs.size(), 3u);
    server_hello_record = recs[0];
    Bytes rest;
    for (size_t i = 1; i < recs.size(); i++) {
      rest.insert(rest.end(), recs[i].begin(), recs[i].end());
    }
    Bytes plain;
    for (auto& [type, content] : decrypt_all(rest, secret("SERVER_HANDSHAKE_TRAFFIC_SECRET"))) {
      plain.insert(plain.end(), content.begin(), content.end());
    }
    flight = messages_of(plain);
  }

  const Bytes& secret(const std::string& label) const { return log->secrets.at(label); }

  // head is the flight up to and including the Certificate.
  std::vector<Bytes> head() const { return {flight.begin(), flight.end() - 2}; }
  Bytes& certificate() { return flight[flight.size() - 3]; }

  // deliver sends the ServerHello and `head`, then a CertificateVerify and Finished made for
  // them, to the client; returns what receive() returned.
  Status deliver(const std::vector<Bytes>& messages) {
    handshake::Transcript t;
    t.add(client_hello_msg);
    t.add(ByteView(server_hello_record).subspan(5));
    t.start(*suite().hash);
    Bytes plain;
    for (const Bytes& m : messages) {
      t.add(m);
      plain.insert(plain.end(), m.begin(), m.end());
    }
    const SignatureScheme scheme = SignatureScheme::ecdsa_secp256r1_sha256;
    Bytes input = conn::certificate_verify_input(true, t.current());
    auto signature = test_pki(kKey).leaf_key->sign(scheme, input);
    EXPECT_TRUE(signature.ok());
    Bytes cv = msgs::encode(msgs::CertificateVerify{scheme, *signature});
    t.add(cv);
    auto fin = handshake::finished_verify_data(
        *suite().hash, secret("SERVER_HANDSHAKE_TRAFFIC_SECRET"), t.current());
    EXPECT_TRUE(fin.ok());
    Bytes fin_msg = msgs::encode(msgs::Finished{fin->span()});
    plain.insert(plain.end(), cv.begin(), cv.end());
    plain.insert(plain.end(), fin_msg.begin(), fin_msg.end());
    record::RecordLayer rl;
    rl.set_write_protection(protection(secret("SERVER_HANDSHAKE_TRAFFIC_SECRET")));
    Bytes wire = server_hello_record;
    wire.insert(wire.end(), std::begin(conn::kCcsRecord), std::end(conn::kCcsRecord));
    EXPECT_TRUE(rl.write(ContentType::handshake, plain, wire).ok());
    return client->receive(wire);
  }

  // with_certificate_extension is `head` with the Certificate's entry `index` given one more
  // extension.
  std::vector<Bytes> with_certificate_extension(size_t index, ExtensionType type,
                                                const Bytes& body) {
    auto cert = msgs::parse_certificate(ByteView(certificate()).subspan(4));
    EXPECT_TRUE(cert.ok());
    cert->entries.at(index).extensions.push_back({type, body});
    std::vector<Bytes> h = head();
    h.back() = msgs::encode(*cert);
    return h;
  }

  // client_records decrypts what the client sent under its handshake key.
  std::vector<std::pair<ContentType, Bytes>> client_records() {
    return decrypt_all(take_output(*client), secret("CLIENT_HANDSHAKE_TRAFFIC_SECRET"));
  }

  // client_alert is the alert the client sent under its handshake key (nullopt: none).
  std::optional<AlertDescription> client_alert() {
    for (auto& [type, content] : client_records()) {
      if (type == ContentType::alert && content.size() == 2 && content[0] == 2) {
        return static_cast<AlertDescription>(content[1]);
      }
    }
    return std::nullopt;
  }
};

// certificate_status is a well-formed CertificateStatus body for `response`.
Bytes certificate_status(const Bytes& response) {
  Bytes out = {1, static_cast<uint8_t>(response.size() >> 16),
               static_cast<uint8_t>(response.size() >> 8), static_cast<uint8_t>(response.size())};
  out.insert(out.end(), response.begin(), response.end());
  return out;
}

// expect_refused delivers `messages` and checks the client's error and the alert on the wire.
void expect_refused(Forger& f, const std::vector<Bytes>& messages, AlertDescription alert,
                    const std::string& reason_part) {
  Status s = f.deliver(messages);
  ASSERT_FALSE(s.ok()) << "the client accepted the forged flight";
  EXPECT_EQ(s.error().alert, alert) << s.error().to_string();
  EXPECT_NE(s.error().reason.find(reason_part), std::string::npos) << s.error().to_string();
  EXPECT_EQ(f.client->state(), ConnectionState::kFailed);
  EXPECT_EQ(f.client_alert(), alert);
}

TEST(OcspStaplingHostile, UnchangedForgedFlightCompletes) {
  // The forger itself: re-signing the real flight changes nothing.
  const Bytes response = fake_response(200, 10);
  Forger f(true, std::make_shared<OcspStaple>(response));
  Status s = f.deliver(f.head());
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_EQ(f.client->state(), ConnectionState::kEstablished);
  EXPECT_EQ(f.client->peer_ocsp_response(), response);
}

TEST(OcspStaplingHostile, UnsolicitedStatusRequestInTheLeafIsUnsupportedExtension) {
  Forger f(false, nullptr);
  expect_refused(f,
                 f.with_certificate_extension(0, ExtensionType::status_request,
                                              certificate_status(fake_response(50, 11))),
                 AlertDescription::unsupported_extension, "unsolicited extension status_request");
  EXPECT_TRUE(f.client->peer_ocsp_response().empty());
}

TEST(OcspStaplingHostile, StatusRequestInANonLeafEntryIsIllegalParameter) {
  {
    Forger f(true, nullptr);
    expect_refused(f,
                   f.with_certificate_extension(1, ExtensionType::status_request,
                                                certificate_status(fake_response(50, 12))),
                   AlertDescription::illegal_parameter, "certificate entry 1");
  }
  {
    // The leaf's own staple does not make a second one acceptable.
    Forger f(true, std::make_shared<OcspStaple>(fake_response(60, 13)));
    expect_refused(f,
                   f.with_certificate_extension(1, ExtensionType::status_request,
                                                certificate_status(fake_response(50, 14))),
                   AlertDescription::illegal_parameter, "certificate entry 1");
  }
  {
    // Not asked for at all: unsolicited wherever it is.
    Forger f(false, nullptr);
    expect_refused(f,
                   f.with_certificate_extension(1, ExtensionType::status_request,
                                                certificate_status(fake_response(50, 15))),
                   AlertDescription::unsupported_extension, "certificate entry 1");
  }
}

TEST(OcspStaplingHostile, MalformedCertificateStatusIsDecodeError) {
  const std::vector<Bytes> bodies = {
      {},                        // no status_type
      {1},                       // no OCSPResponse
      {1, 0, 0},                 // a truncated length
      {1, 0, 0, 0},              // an empty OCSPResponse (<1..2^24-1>)
      {1, 0, 0, 3, 0x30, 0x01},  // shorter than its length
      {1, 0, 0, 1, 0x30, 0x00},  // a trailing byte
  };
  for (const Bytes& body : bodies) {
    SCOPED_TRACE(::testing::PrintToString(body));
    Forger f(true, nullptr);
    expect_refused(f, f.with_certificate_extension(0, ExtensionType::status_request, body),
                   AlertDescription::decode_error, "CertificateStatus");
  }
}

TEST(OcspStaplingHostile, StatusTypeOtherThanOcspIsIllegalParameter) {
  Forger f(true, nullptr);
  expect_refused(
      f, f.with_certificate_extension(0, ExtensionType::status_request, {2, 0, 0, 2, 0x30, 0x00}),
      AlertDescription::illegal_parameter, "status_type 2");
}

TEST(OcspStaplingHostile, OtherCertificateExtensionsStayUnsolicited) {
  // Asking for a staple solicits status_request only, not signed_certificate_timestamp.
  Forger f(true, nullptr);
  expect_refused(f,
                 f.with_certificate_extension(0, ExtensionType::signed_certificate_timestamp,
                                              {0, 4, 0, 2, 0xaa, 0xbb}),
                 AlertDescription::unsupported_extension,
                 "unsolicited extension signed_certificate_timestamp");
}

TEST(OcspStaplingHostile, TlsTwelveStyleStatusRequestInEncryptedExtensionsIsIllegalParameter) {
  // TLS 1.2 acknowledged status_request with an empty extension in the ServerHello; in TLS 1.3
  // the table of RFC 8446 section 4.2 allows it in CH, CR and CT only.
  Forger f(true, nullptr);
  std::vector<Bytes> h = f.head();
  h[0] = Bytes{8, 0, 0, 6, 0, 4, 0, 5, 0, 0};
  expect_refused(f, h, AlertDescription::illegal_parameter, "status_request");
}

TEST(OcspStaplingHostile, StatusRequestInACertificateRequestIsIgnored) {
  // A server may ask the client for a staple (RFC 8446 section 4.4.2.1); glasstls has none to
  // send, so it answers with a Certificate whose entries carry no extension.
  Forger f(true, nullptr, true);
  std::vector<Bytes> h = f.head();
  ASSERT_EQ(h.size(), 3u);
  Bytes& cr = h[1];
  ASSERT_EQ(static_cast<HandshakeType>(cr[0]), HandshakeType::certificate_request);
  // Append an empty status_request to the CertificateRequest's extension block.
  const size_t context_len = cr[4];
  const size_t block_at = 4 + 1 + context_len;
  const size_t block_len = (size_t{cr[block_at]} << 8) | cr[block_at + 1];
  ASSERT_EQ(block_at + 2 + block_len, cr.size());
  const Bytes ext = {0, 5, 0, 0};
  cr.insert(cr.end(), ext.begin(), ext.end());
  cr[block_at] = static_cast<uint8_t>((block_len + 4) >> 8);
  cr[block_at + 1] = static_cast<uint8_t>(block_len + 4);
  const size_t body_len = cr.size() - 4;
  cr[1] = static_cast<uint8_t>(body_len >> 16);
  cr[2] = static_cast<uint8_t>(body_len >> 8);
  cr[3] = static_cast<uint8_t>(body_len);
  ASSERT_TRUE(msgs::parse_certificate_request(ByteView(cr).subspan(4)).ok());

  Status s = f.deliver(h);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_EQ(f.client->state(), ConnectionState::kEstablished);
  bool saw_certificate = false;
  for (auto& [type, content] : f.client_records()) {
    if (type != ContentType::handshake) {
      continue;
    }
    for (const Bytes& m : messages_of(content)) {
      if (static_cast<HandshakeType>(m[0]) == HandshakeType::certificate) {
        auto cert = msgs::parse_certificate(ByteView(m).subspan(4));
        ASSERT_TRUE(cert.ok());
        EXPECT_TRUE(cert->entries.empty());  // no client certificate configured
        saw_certificate = true;
      }
    }
  }
  EXPECT_TRUE(saw_certificate);
}

TEST(OcspStaplingHostile, ClientCertificateEntryWithStatusRequestIsUnsupportedExtension) {
  // The glasstls server never asks a client for a staple, so a client's status_request is
  // unsolicited (RFC 8446 section 4.4.2: client extensions must answer the CertificateRequest).
  // Sent here by a man in the middle holding the client's keys: the server's key log has them.
  auto log = std::make_shared<MemoryKeyLog>();
  const auto& pki = test_pki(kKey);
  ClientConfig::Builder cb;
  cb.verifier(std::make_shared<RecordingVerifier>(true));
  cb.client_certificate({pki.leaf_cert, pki.ca_cert}, PrivateKey(pki.leaf_key));
  auto client = std::move(Connection::client(*cb.build(), "localhost")).value();
  auto server = std::move(Connection::server(server_config(nullptr, log, true))).value();
  ASSERT_TRUE(testing::transfer(client, server));
  ASSERT_TRUE(testing::transfer(server, client));
  // The client's second flight: [CCS], {Certificate, CertificateVerify, Finished}.
  Bytes out = take_output(client);
  Bytes flight;
  const Bytes& client_hs = log->secrets.at("CLIENT_HANDSHAKE_TRAFFIC_SECRET");
  for (auto& [type, content] : decrypt_all(out, client_hs)) {
    flight.insert(flight.end(), content.begin(), content.end());
  }
  std::vector<Bytes> messages = messages_of(flight);
  ASSERT_EQ(messages.size(), 3u);
  auto cert = msgs::parse_certificate(ByteView(messages[0]).subspan(4));
  ASSERT_TRUE(cert.ok());
  const Bytes status = certificate_status(fake_response(40, 16));
  cert->entries[0].extensions.push_back({ExtensionType::status_request, status});
  Bytes forged = msgs::encode(*cert);
  record::RecordLayer rl;
  rl.set_write_protection(protection(client_hs));
  Bytes wire;
  ASSERT_TRUE(rl.write(ContentType::handshake, forged, wire).ok());
  Status s = server.receive(wire);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::unsupported_extension) << s.error().to_string();
}

}  // namespace
}  // namespace glasstls
