// connection_test.cc: the Connection's own duties, through its public API: the latched error
// and its single alert, the plaintext buffer limits, change_cipher_spec records and
// post-handshake messages handed to the version's rules, the answer owed to a KeyUpdate, and
// the exporter. A scripted peer takes its traffic secret from the server's key log and writes
// the records it wants under it.
#include "glasstls/connection.h"

#include <gtest/gtest.h>

#include <cstring>

#include "api/harness.h"
#include "api/openssl_hkdf.h"
#include "conn/context.h"
#include "handshake/key_schedule.h"
#include "msgs/handshake.h"
#include "record/record_layer.h"

namespace glasstls {
namespace {

using testing::client_builder;
using testing::MemoryKeyLog;
using testing::server_builder;

Bytes take_output(Connection& c) {
  Bytes out(c.output().begin(), c.output().end());
  c.consume_output(out.size());
  return out;
}

Bytes plain_record(ContentType type, const Bytes& content) {
  Bytes r = {static_cast<uint8_t>(type), 3, 3, static_cast<uint8_t>(content.size() >> 8),
             static_cast<uint8_t>(content.size())};
  r.insert(r.end(), content.begin(), content.end());
  return r;
}

// protection is TLS_AES_128_GCM_SHA256 record protection from a traffic secret.
record::Protection protection(const Bytes& secret) {
  const crypto::CryptoProvider& provider = crypto::openssl_provider();
  auto keys = handshake::traffic_keys(*provider.sha256, provider.aes128gcm->key_len(), secret);
  EXPECT_TRUE(keys.ok());
  record::Protection p;
  p.aead = provider.aes128gcm;
  p.key = std::move(provider.aes128gcm->new_key(keys->key.span())).value();
  std::memcpy(p.iv, keys->iv.data(), sizeof(p.iv));
  p.application = true;
  return p;
}

// Peer writes and reads records as the other side would, under traffic secrets from a key log.
struct Peer {
  record::RecordLayer layer;
  Peer(const Bytes& write_secret, const Bytes& read_secret) {
    layer.set_write_protection(protection(write_secret));
    layer.set_read_protection(protection(read_secret));
  }
  Bytes write(ContentType type, const Bytes& data) {
    Bytes out;
    EXPECT_TRUE(layer.write(type, data, out).ok());
    return out;
  }
  // read deprotects every record of `wire`.
  std::vector<std::pair<ContentType, Bytes>> read(Bytes wire) {
    std::vector<std::pair<ContentType, Bytes>> out;
    std::span<uint8_t> rest(wire);
    while (!rest.empty()) {
      record::Record rec;
      auto used = layer.read_record(rest, rec);
      EXPECT_TRUE(used.ok()) << (used.ok() ? "" : used.error().to_string());
      if (!used.ok()) {
        break;
      }
      out.emplace_back(rec.type, Bytes(rec.fragment.begin(), rec.fragment.end()));
      rest = rest.subspan(*used);
    }
    return out;
  }
};

// Pair is an established client and server (TLS_AES_128_GCM_SHA256) with the server's key log.
struct Pair {
  std::shared_ptr<MemoryKeyLog> log = std::make_shared<MemoryKeyLog>();
  std::optional<Connection> client;
  std::optional<Connection> server;
  explicit Pair(CipherSuite suite = CipherSuite::TLS_AES_128_GCM_SHA256) {
    auto scfg =
        server_builder(crypto::KeyType::kEcdsaP256).cipher_suites({suite}).key_log(log).build();
    auto ccfg = client_builder(crypto::KeyType::kEcdsaP256).build();
    client.emplace(std::move(Connection::client(*ccfg, "localhost")).value());
    server.emplace(std::move(Connection::server(*scfg)).value());
    EXPECT_TRUE(testing::handshake(*client, *server));
  }
  // as_server is the server's side of the wire, to script what the client receives.
  Peer as_server() {
    return Peer(log->secrets.at("SERVER_TRAFFIC_SECRET_0"),
                log->secrets.at("CLIENT_TRAFFIC_SECRET_0"));
  }
};

std::optional<Connection> fresh_server() {
  auto scfg = server_builder(crypto::KeyType::kEcdsaP256).build();
  return std::move(Connection::server(*scfg)).value();
}

// ---- the latched error ----

TEST(ConnectionErrorLatch, FirstErrorSticksAndItsAlertIsQueuedOnce) {
  auto server = fresh_server();
  Status first = server->receive(plain_record(static_cast<ContentType>(99), Bytes{1}));
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().alert, AlertDescription::unexpected_message);
  const Bytes alert = {21, 3, 3, 0, 2, 2, 10};  // fatal unexpected_message, in the clear
  EXPECT_EQ(Bytes(server->output().begin(), server->output().end()), alert);
  EXPECT_EQ(server->state(), ConnectionState::kFailed);
  ASSERT_NE(server->error(), nullptr);
  const std::string reason = server->error()->reason;

  // A later fault of another kind changes nothing: every call reports the first error.
  Status again = server->receive(plain_record(ContentType::alert, Bytes{1, 2, 3}));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().alert, AlertDescription::unexpected_message);
  EXPECT_EQ(again.error().reason, reason);
  const uint8_t data[1] = {'x'};
  Status write = server->write(data);
  ASSERT_FALSE(write.ok());
  EXPECT_EQ(write.error().reason, reason);
  Status update = server->key_update(false);
  ASSERT_FALSE(update.ok());
  EXPECT_EQ(update.error().reason, reason);
  server->close();
  EXPECT_EQ(Bytes(server->output().begin(), server->output().end()), alert)
      << "one alert, and no close_notify after it";
  EXPECT_EQ(server->error()->reason, reason);
}

TEST(ConnectionErrorLatch, PeersFatalAlertIsNotAnswered) {
  auto server = fresh_server();
  Status s = server->receive(plain_record(ContentType::alert, Bytes{2, 40}));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::kAlertReceived);
  EXPECT_EQ(s.error().alert, AlertDescription::handshake_failure);
  EXPECT_TRUE(server->output().empty());
  EXPECT_EQ(server->state(), ConnectionState::kFailed);
}

TEST(ConnectionErrorLatch, ErrorUnderApplicationKeysSendsOneProtectedAlert) {
  Pair p;
  Peer peer = p.as_server();
  // A record that fails to authenticate.
  Bytes bad = peer.write(ContentType::application_data, Bytes{1, 2, 3});
  bad.back() ^= 1;
  Status s = p.client->receive(bad);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::bad_record_mac);
  EXPECT_FALSE(p.client->receive(peer.write(ContentType::application_data, Bytes{4})).ok());
  auto records = peer.read(take_output(*p.client));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].first, ContentType::alert);
  EXPECT_EQ(records[0].second, (Bytes{2, 20}));
}

// ---- buffer limits ----

TEST(ConnectionBufferLimits, DataWrittenBeforeTheHandshakeIsBounded) {
  auto ccfg = client_builder(crypto::KeyType::kEcdsaP256).build();
  auto client = std::move(Connection::client(*ccfg, "localhost")).value();
  auto server = fresh_server();
  client.set_buffer_limits({.pending_write = 10, .unread_plaintext = 64 * 1024});
  EXPECT_EQ(client.buffer_limits().pending_write, 10u);
  const Bytes six(6, 'a');
  const Bytes five(5, 'b');
  const Bytes four(4, 'c');
  ASSERT_TRUE(client.write(six).ok());
  Status over = client.write(five);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().kind, ErrorKind::kBadConfig);
  EXPECT_EQ(client.error(), nullptr) << "refused, not latched";
  ASSERT_TRUE(client.write(four).ok());
  ASSERT_TRUE(testing::handshake(client, *server));
  Bytes got(32);
  got.resize(server->read(got));
  Bytes want = six;
  want.insert(want.end(), four.begin(), four.end());
  EXPECT_EQ(got, want) << "what was refused was not taken";
}

TEST(ConnectionBufferLimits, UnreadPlaintextStopsReceiveUntilRead) {
  Pair p;
  p.client->set_buffer_limits({.pending_write = 64 * 1024, .unread_plaintext = 8});
  const Bytes ten(10, 'x');
  ASSERT_TRUE(p.server->write(ten).ok());
  ASSERT_TRUE(testing::transfer(*p.server, *p.client)) << "one receive() is taken whole";
  EXPECT_EQ(p.client->readable(), 10u);
  const Bytes one(1, 'y');
  ASSERT_TRUE(p.server->write(one).ok());
  Bytes wire = take_output(*p.server);
  Status full = p.client->receive(wire);
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().kind, ErrorKind::kBadConfig);
  EXPECT_EQ(p.client->error(), nullptr) << "refused, not latched";
  EXPECT_EQ(p.client->readable(), 10u) << "nothing was taken";
  Bytes got(10);
  EXPECT_EQ(p.client->read(got), 10u);
  EXPECT_EQ(got, ten);
  ASSERT_TRUE(p.client->receive(wire).ok()) << "the same bytes, handed again";
  EXPECT_EQ(p.client->readable(), 1u);
}

// ---- change_cipher_spec records (the version's rules: RFC 8446 section 5) ----

TEST(ConnectionChangeCipherSpec, BeforeTheClientHelloIsUnexpectedMessage) {
  auto server = fresh_server();
  Status s = server->receive(plain_record(ContentType::change_cipher_spec, Bytes{1}));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::unexpected_message);
  EXPECT_EQ(s.error().reason, "change_cipher_spec record outside the handshake");
}

TEST(ConnectionChangeCipherSpec, DuringTheHandshakeIsDroppedButNotForever) {
  auto ccfg = client_builder(crypto::KeyType::kEcdsaP256).build();
  auto client = std::move(Connection::client(*ccfg, "localhost")).value();
  auto server = fresh_server();
  ASSERT_TRUE(server->receive(take_output(client)).ok());  // the ClientHello
  const Bytes ccs = plain_record(ContentType::change_cipher_spec, Bytes{1});
  for (int i = 0; i < 32; i++) {
    ASSERT_TRUE(server->receive(ccs).ok()) << i;
  }
  Status s = server->receive(ccs);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::unexpected_message);
  EXPECT_EQ(s.error().reason, "more than 32 change_cipher_spec or empty records in a row");
}

TEST(ConnectionChangeCipherSpec, OtherValueDuringTheHandshakeIsUnexpectedMessage) {
  auto ccfg = client_builder(crypto::KeyType::kEcdsaP256).build();
  auto client = std::move(Connection::client(*ccfg, "localhost")).value();
  Status s = client.receive(plain_record(ContentType::change_cipher_spec, Bytes{2}));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::unexpected_message);
  EXPECT_EQ(s.error().reason, "change_cipher_spec record with a value other than 0x01");
}

TEST(ConnectionChangeCipherSpec, AfterThePeersFinishedIsUnexpectedMessage) {
  Pair p;
  Peer peer = p.as_server();
  Status s = p.client->receive(plain_record(ContentType::change_cipher_spec, Bytes{1}));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::unexpected_message);
  EXPECT_EQ(s.error().reason, "change_cipher_spec record outside the handshake");
  auto records = peer.read(take_output(*p.client));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0], std::make_pair(ContentType::alert, Bytes{2, 10}));
}

// ---- post-handshake messages (the version's rules: RFC 8446 section 4.6) ----

TEST(ConnectionPostHandshake, HandshakeMessageAfterTheHandshakeIsUnexpectedMessage) {
  Pair p;
  Peer peer = p.as_server();
  msgs::Finished fin;
  Bytes verify(32, 7);
  fin.verify_data = verify;
  Status s = p.client->receive(peer.write(ContentType::handshake, msgs::encode(fin)));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::unexpected_message);
  EXPECT_EQ(s.error().reason,
            "unexpected " + conn::message_name(HandshakeType::finished) + " after the handshake");
  auto records = peer.read(take_output(*p.client));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0], std::make_pair(ContentType::alert, Bytes{2, 10}));
}

TEST(ConnectionPostHandshake, KeyUpdateRequestsInOneReceiveAreAnsweredOnce) {
  Pair p;
  Peer peer = p.as_server();
  Bytes wire = peer.write(ContentType::handshake, msgs::encode(msgs::KeyUpdate{true}));
  // The second request comes under the server's next key.
  const Bytes next =
      testing::openssl_next_traffic_secret("SHA256", p.log->secrets.at("SERVER_TRAFFIC_SECRET_0"));
  peer.layer.set_write_protection(protection(next));
  Bytes second = peer.write(ContentType::handshake, msgs::encode(msgs::KeyUpdate{true}));
  wire.insert(wire.end(), second.begin(), second.end());
  ASSERT_TRUE(p.client->receive(wire).ok());
  EXPECT_EQ(p.client->key_updates_received(), 2u);
  auto records = peer.read(take_output(*p.client));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0],
            std::make_pair(ContentType::handshake, msgs::encode(msgs::KeyUpdate{false})));
  // The client's data now goes under its next key.
  peer.layer.set_read_protection(protection(testing::openssl_next_traffic_secret(
      "SHA256", p.log->secrets.at("CLIENT_TRAFFIC_SECRET_0"))));
  const Bytes hello = {'h', 'i'};
  ASSERT_TRUE(p.client->write(hello).ok());
  records = peer.read(take_output(*p.client));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0], std::make_pair(ContentType::application_data, hello));
}

TEST(ConnectionPostHandshake, NoAnswerAfterCloseNotify) {
  Pair p;
  Peer peer = p.as_server();
  p.client->close();
  (void)take_output(*p.client);
  ASSERT_TRUE(
      p.client->receive(peer.write(ContentType::handshake, msgs::encode(msgs::KeyUpdate{true})))
          .ok());
  EXPECT_EQ(p.client->key_updates_received(), 1u);
  EXPECT_TRUE(p.client->output().empty());
}

TEST(ConnectionPostHandshake, KeyUpdateBeforeTheHandshakeIsRefusedNotLatched) {
  auto ccfg = client_builder(crypto::KeyType::kEcdsaP256).build();
  auto client = std::move(Connection::client(*ccfg, "localhost")).value();
  Status s = client.key_update(true);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::kBadConfig);
  EXPECT_EQ(client.error(), nullptr);
}

TEST(ConnectionPostHandshake, TicketsAreDecodedForTheCaller) {
  auto log = std::make_shared<MemoryKeyLog>();
  auto scfg = server_builder(crypto::KeyType::kEcdsaP256)
                  .cipher_suites({CipherSuite::TLS_AES_128_GCM_SHA256})
                  .key_log(log)
                  .build();
  auto ccfg = client_builder(crypto::KeyType::kEcdsaP256).keep_session_tickets(2).build();
  auto client = std::move(Connection::client(*ccfg, "localhost")).value();
  auto server = std::move(Connection::server(*scfg)).value();
  ASSERT_TRUE(testing::handshake(client, server));
  Peer peer(log->secrets.at("SERVER_TRAFFIC_SECRET_0"), log->secrets.at("CLIENT_TRAFFIC_SECRET_0"));
  msgs::NewSessionTicket nst;
  nst.ticket_lifetime = 86400;
  nst.ticket_age_add = 0xdeadbeef;
  const Bytes nonce = {0, 1};
  const Bytes ticket(64, 't');
  nst.ticket_nonce = nonce;
  nst.ticket = ticket;
  nst.max_early_data_size = 1024;
  const Bytes message = msgs::encode(nst);
  ASSERT_TRUE(client.receive(peer.write(ContentType::handshake, message)).ok());
  ASSERT_EQ(client.session_tickets().size(), 1u);
  const SessionTicket& t = client.session_tickets()[0];
  EXPECT_EQ(t.lifetime, 86400u);
  EXPECT_EQ(t.age_add, 0xdeadbeefu);
  EXPECT_EQ(t.nonce, nonce);
  EXPECT_EQ(t.ticket, ticket);
  EXPECT_EQ(t.max_early_data_size, std::optional<uint32_t>(1024));
  EXPECT_EQ(t.message, message);
  EXPECT_TRUE(server.session_tickets().empty());
}

// ---- the exporter (the version's rules: RFC 8446 section 7.5) ----

TEST(ConnectionExporter, BothSidesAgreeWithTheRfcFormula) {
  for (auto [suite, digest] : {std::pair{CipherSuite::TLS_AES_128_GCM_SHA256, "SHA256"},
                               std::pair{CipherSuite::TLS_AES_256_GCM_SHA384, "SHA384"}}) {
    Pair p(suite);
    const Bytes& exporter_master = p.log->secrets.at("EXPORTER_SECRET");
    const Bytes context = {1, 2, 3, 4};
    auto c = p.client->export_keying_material("EXPORTER-glasstls-conn", context, 40);
    auto s = p.server->export_keying_material("EXPORTER-glasstls-conn", context, 40);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(s.ok());
    const Bytes want =
        testing::openssl_exporter(digest, exporter_master, "EXPORTER-glasstls-conn", context, 40);
    ASSERT_EQ(want.size(), 40u);
    EXPECT_EQ(*c, want) << digest;
    EXPECT_EQ(*s, want) << digest;
    auto other = p.client->export_keying_material("EXPORTER-other", context, 40);
    ASSERT_TRUE(other.ok());
    EXPECT_NE(*other, want) << "the label is part of the derivation";
  }
}

TEST(ConnectionExporter, FailsBeforeTheHandshakeCompleted) {
  auto ccfg = client_builder(crypto::KeyType::kEcdsaP256).build();
  auto client = std::move(Connection::client(*ccfg, "localhost")).value();
  auto out = client.export_keying_material("EXPORTER-x", {}, 32);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().kind, ErrorKind::kBadConfig);
  EXPECT_EQ(client.error(), nullptr);
}

}  // namespace
}  // namespace glasstls
