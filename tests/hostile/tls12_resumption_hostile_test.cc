// tls12_resumption_hostile_test.cc: hostile peers around TLS 1.2 resumption. A glasstls client
// and server make a session; on the next connection a test stands between them and changes what
// one of them sends: a ServerHello resuming a session that was not offered or under another
// suite or without the extended master secret, a ticket acknowledged and never sent, a
// NewSessionTicket nobody asked for, a Finished that does not verify (made under the real keys,
// taken from the key log), and an altered ticket, which only costs a full handshake.
#include <gtest/gtest.h>

#include "api/harness.h"
#include "crypto/suites.h"
#include "glasstls/session.h"
#include "handshake/tls12_key_schedule.h"
#include "hostile/tls12_test_keys.h"
#include "msgs/tls12.h"
#include "record/record_layer.h"

namespace glasstls {
namespace {

using testing::client_builder;
using testing::MemoryKeyLog;
using testing::server_builder;

constexpr CipherSuite kSuite = CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256;
constexpr CipherSuite kOtherSuite = CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384;

// Records splits a flight into its records (header included).
std::vector<Bytes> records(ByteView flight) {
  std::vector<Bytes> out;
  while (flight.size() >= 5) {
    const size_t len = 5 + ((size_t{flight[3]} << 8) | flight[4]);
    EXPECT_LE(len, flight.size());
    out.emplace_back(flight.begin(), flight.begin() + static_cast<long>(len));
    flight = flight.subspan(len);
  }
  return out;
}

// record wraps `content` in a record of `type`, in the clear.
Bytes record(ContentType type, const Bytes& content) {
  Bytes r(5 + content.size());
  r[0] = static_cast<uint8_t>(type);
  r[1] = 3;
  r[2] = 3;
  r[3] = static_cast<uint8_t>(content.size() >> 8);
  r[4] = static_cast<uint8_t>(content.size());
  std::copy(content.begin(), content.end(), r.begin() + 5);
  return r;
}

// CorruptingStore is a client store that can alter the ticket of the session it gives out.
class CorruptingStore final : public SessionStore {
 public:
  void put(std::string_view name, StoredSession s) override { inner_->put(name, std::move(s)); }
  std::optional<StoredSession> take(std::string_view name) override {
    std::optional<StoredSession> s = inner_->take(name);
    if (s && corrupt_ticket && !s->ticket.empty()) {
      s->ticket[s->ticket.size() / 2] ^= 0x01;
    }
    return s;
  }
  bool corrupt_ticket = false;

 private:
  std::shared_ptr<SessionStore> inner_ = memory_session_store();
};

// Resumed is a session made by a first, full handshake, and a second connection whose client
// offered it: its ClientHello, and the server's answer, not yet delivered to the client.
struct Resumed {
  std::shared_ptr<MemoryKeyLog> server_log = std::make_shared<MemoryKeyLog>();
  std::shared_ptr<CorruptingStore> store = std::make_shared<CorruptingStore>();
  std::shared_ptr<TicketKeys> ticket_keys = TicketKeys::generate();
  std::shared_ptr<const ClientConfig> cc;
  std::shared_ptr<const ServerConfig> sc;
  std::optional<Connection> client;
  std::optional<Connection> server;
  Bytes client_hello;   // the record
  Bytes server_flight;  // ServerHello, ChangeCipherSpec, Finished
  Bytes client_random;
  Bytes server_random;

  explicit Resumed(bool corrupt = false) {
    auto cb = client_builder(crypto::KeyType::kEcdsaP256);
    cb.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_2)
        .cipher_suites({kSuite, kOtherSuite})
        .session_store(store);
    auto sb = server_builder(crypto::KeyType::kEcdsaP256);
    sb.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_2)
        .cipher_suites({kSuite, kOtherSuite})
        .session_tickets(1, 3600)
        .ticket_keys(ticket_keys)
        .key_log(server_log);
    auto c = cb.build();
    auto s = sb.build();
    EXPECT_TRUE(c.ok() && s.ok());
    cc = *c;
    sc = *s;
    {
      auto first_client = std::move(Connection::client(cc, "localhost")).value();
      auto first_server = std::move(Connection::server(sc)).value();
      EXPECT_TRUE(testing::handshake(first_client, first_server));
      EXPECT_EQ(first_client.cipher_suite(), kSuite);
    }
    store->corrupt_ticket = corrupt;
    client.emplace(std::move(Connection::client(cc, "localhost")).value());
    server.emplace(std::move(Connection::server(sc)).value());
    client_hello.assign(client->output().begin(), client->output().end());
    client->consume_output(client_hello.size());
    // record header 5, handshake header 4, client_version 2, then the random.
    client_random.assign(client_hello.begin() + 11, client_hello.begin() + 43);
    EXPECT_TRUE(server->receive(client_hello).ok());
    server_flight.assign(server->output().begin(), server->output().end());
    server->consume_output(server_flight.size());
    server_random.assign(server_flight.begin() + 11, server_flight.begin() + 43);
  }

  // server_hello is the ServerHello of the server's flight, decoded, and its extensions.
  std::pair<msgs::ServerHello, msgs::Tls12ServerHelloExtensions> server_hello() const {
    const std::vector<Bytes> all = records(server_flight);
    const Bytes& first = all.at(0);
    const size_t len = (size_t{first[6]} << 16) | (size_t{first[7]} << 8) | first[8];
    sh_body.assign(first.begin() + 9, first.begin() + 9 + static_cast<long>(len));
    auto sh = msgs::parse_server_hello(sh_body);
    EXPECT_TRUE(sh.ok());
    auto ext = msgs::decode_tls12_server_hello_extensions(*sh);
    EXPECT_TRUE(ext.ok());
    return {*sh, *ext};
  }
  mutable Bytes sh_body;

  // protector makes the protection of the client's (or the server's) writes, from the key
  // log's master secret and this connection's randoms.
  record::RecordProtector protector(bool client_writes) const {
    return testing::tls12_protector(kSuite, server_log->secrets.at("CLIENT_RANDOM"), server_random,
                                    client_random, client_writes);
  }
};

// seal writes one record of `type` under `p` at sequence number `seq`.
Bytes seal(record::RecordProtector p, ContentType type, const Bytes& content, uint64_t seq) {
  record::RecordLayer layer;
  layer.set_rules(record::kTls12Rules);
  layer.set_write_protector(std::move(p), seq);
  Bytes out;
  EXPECT_TRUE(layer.write(type, content, out).ok());
  return out;
}

const Bytes kChangeCipherSpec = {20, 3, 3, 0, 1, 1};

TEST(Tls12ResumptionHostile, TheRealFlightResumes) {
  // The baseline the other tests alter: delivered whole, the flight resumes the session.
  Resumed r;
  auto [sh, ext] = r.server_hello();
  EXPECT_TRUE(ext.extended_master_secret);
  EXPECT_EQ(records(r.server_flight).size(), 3u);
  ASSERT_TRUE(r.client->receive(r.server_flight).ok()) << r.client->error()->to_string();
  ASSERT_TRUE(testing::handshake(*r.client, *r.server));
  EXPECT_TRUE(r.client->resumed());
  EXPECT_TRUE(r.server->resumed());
}

TEST(Tls12ResumptionHostile, EchoOfASessionIdNeverOfferedIsIllegalParameter) {
  // A client offering TLS 1.3 too sends a random compatibility-mode session ID, which names no
  // session: a TLS 1.2 ServerHello echoing it claims to resume a session that does not exist.
  auto cb = client_builder(crypto::KeyType::kEcdsaP256);
  cb.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_3).compatibility_mode(true);
  auto cc = cb.build();
  ASSERT_TRUE(cc.ok());
  auto client = std::move(Connection::client(*cc, "localhost")).value();
  Bytes hello(client.output().begin(), client.output().end());
  const size_t body_len = (size_t{hello[6]} << 16) | (size_t{hello[7]} << 8) | hello[8];
  const Bytes body(hello.begin() + 9, hello.begin() + 9 + static_cast<long>(body_len));
  auto ch = msgs::parse_client_hello(body);
  ASSERT_TRUE(ch.ok());
  ASSERT_EQ(ch->legacy_session_id.size(), 32u);
  const Bytes random(32, 0x11);
  msgs::ServerHello sh;
  sh.random = random;
  sh.legacy_session_id_echo = ch->legacy_session_id;
  sh.cipher_suite = kSuite;
  msgs::Tls12ServerHelloExtensions ext;
  ext.extended_master_secret = true;
  ext.renegotiation_info = ByteView();
  Status s =
      client.receive(record(ContentType::handshake, msgs::encode_tls12_server_hello(sh, ext)));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::illegal_parameter);
  EXPECT_NE(s.error().to_string().find("not offered"), std::string::npos) << s.error().to_string();
}

TEST(Tls12ResumptionHostile, ResumedServerHelloWithAnotherSuiteIsIllegalParameter) {
  Resumed r;
  auto [sh, ext] = r.server_hello();
  ASSERT_EQ(sh.cipher_suite, kSuite);
  sh.cipher_suite = kOtherSuite;  // offered, but not the session's
  Status s =
      r.client->receive(record(ContentType::handshake, msgs::encode_tls12_server_hello(sh, ext)));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::illegal_parameter);
  EXPECT_NE(s.error().to_string().find("another cipher suite"), std::string::npos)
      << s.error().to_string();
}

TEST(Tls12ResumptionHostile, ResumedServerHelloWithoutExtendedMasterSecretIsHandshakeFailure) {
  Resumed r;
  auto [sh, ext] = r.server_hello();
  ext.extended_master_secret = false;
  Status s =
      r.client->receive(record(ContentType::handshake, msgs::encode_tls12_server_hello(sh, ext)));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::handshake_failure);
  EXPECT_NE(s.error().to_string().find("extended master secret"), std::string::npos)
      << s.error().to_string();
}

TEST(Tls12ResumptionHostile, AlteredTicketMeansFullHandshake) {
  Resumed r(/*corrupt=*/true);
  auto [sh, ext] = r.server_hello();
  EXPECT_NE(Bytes(sh.legacy_session_id_echo.begin(), sh.legacy_session_id_echo.end()),
            Bytes(r.client_hello.begin() + 44, r.client_hello.begin() + 44 + 32))
      << "the server must not resume an altered ticket";
  ASSERT_TRUE(r.client->receive(r.server_flight).ok()) << r.client->error()->to_string();
  ASSERT_TRUE(testing::handshake(*r.client, *r.server));
  EXPECT_FALSE(r.client->resumed());
  EXPECT_FALSE(r.server->resumed());
  EXPECT_EQ(r.client->peer_certificates().size(), 2u);
}

TEST(Tls12ResumptionHostile, BadServerFinishedInAbbreviatedHandshakeIsDecryptError) {
  Resumed r;
  std::vector<Bytes> flight = records(r.server_flight);
  ASSERT_EQ(flight.size(), 3u);
  ASSERT_TRUE(r.client->receive(flight[0]).ok());
  ASSERT_TRUE(r.client->receive(flight[1]).ok());
  const Bytes wrong = msgs::encode(msgs::Finished{Bytes(12, 0xab)});
  Status s = r.client->receive(seal(r.protector(false), ContentType::handshake, wrong, 0));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::decrypt_error);
  EXPECT_NE(s.error().to_string().find("server Finished"), std::string::npos);
}

TEST(Tls12ResumptionHostile, BadClientFinishedInAbbreviatedHandshakeIsDecryptError) {
  Resumed r;
  // The real flight, under the real keys, is what the server accepts from a real client: a
  // scripted one sends its ChangeCipherSpec, then a Finished that does not verify.
  ASSERT_TRUE(r.server->receive(kChangeCipherSpec).ok()) << r.server->error()->to_string();
  const Bytes wrong = msgs::encode(msgs::Finished{Bytes(12, 0xab)});
  Status s = r.server->receive(seal(r.protector(true), ContentType::handshake, wrong, 0));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::decrypt_error);
  EXPECT_NE(s.error().to_string().find("client Finished"), std::string::npos);
}

TEST(Tls12ResumptionHostile, NewSessionTicketNotAnnouncedIsUnexpectedMessage) {
  Resumed r;
  auto [sh, ext] = r.server_hello();
  ASSERT_FALSE(ext.session_ticket) << "a current key: no renewal announced";
  std::vector<Bytes> flight = records(r.server_flight);
  ASSERT_TRUE(r.client->receive(flight[0]).ok());
  const Bytes nst = msgs::encode(msgs::Tls12NewSessionTicket{3600, Bytes(40, 7)});
  Status s = r.client->receive(record(ContentType::handshake, nst));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::unexpected_message);
}

TEST(Tls12ResumptionHostile, TicketAnnouncedButNotSentIsUnexpectedMessage) {
  Resumed r;
  auto [sh, ext] = r.server_hello();
  ext.session_ticket = true;
  ASSERT_TRUE(
      r.client->receive(record(ContentType::handshake, msgs::encode_tls12_server_hello(sh, ext)))
          .ok())
      << r.client->error()->to_string();
  Status s = r.client->receive(kChangeCipherSpec);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::unexpected_message);
}

TEST(Tls12ResumptionHostile, SessionTicketAcknowledgedButNotOfferedIsUnsupportedExtension) {
  // A client without a session store offers no session_ticket: a ServerHello acknowledging it
  // answers what was not asked.
  auto cb = client_builder(crypto::KeyType::kEcdsaP256);
  cb.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_2).session_store(nullptr);
  auto cc = cb.build();
  ASSERT_TRUE(cc.ok());
  auto client = std::move(Connection::client(*cc, "localhost")).value();
  const Bytes random(32, 0x11);
  msgs::ServerHello sh;
  sh.random = random;
  sh.cipher_suite = kSuite;
  msgs::Tls12ServerHelloExtensions ext;
  ext.extended_master_secret = true;
  ext.renegotiation_info = ByteView();
  ext.session_ticket = true;
  Status s =
      client.receive(record(ContentType::handshake, msgs::encode_tls12_server_hello(sh, ext)));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::unsupported_extension);
}

}  // namespace
}  // namespace glasstls
