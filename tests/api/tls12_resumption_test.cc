// tls12_resumption_test.cc: TLS 1.2 session resumption between a glasstls client and server in
// memory (RFC 5246 section 7.3, RFC 5077, RFC 7627 section 5.3): the abbreviated handshake by
// ticket and by session ID, again and again, a ticket renewed after the keys rotate, and a full
// handshake whenever the session cannot be resumed (expired, no extended master secret, its
// suite not offered, a client certificate now required, another server name).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "api/harness.h"
#include "glasstls/session.h"
#include "msgs/handshake.h"
#include "msgs/tls12.h"

namespace glasstls::testing {
namespace {

constexpr CipherSuite kSuite = CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256;
constexpr CipherSuite kOtherSuite = CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384;

std::string error_text(const Connection& c) {
  return c.error() != nullptr ? c.error()->to_string() : std::string("(no error)");
}

// ClientStore is a memory store that remembers what was put and taken. With `as_session_id`,
// every take gives the session last put, with the ticket dropped and that session ID instead,
// so that the client resumes by session ID; with `any_name`, every name finds the sessions of
// "localhost".
class ClientStore final : public SessionStore {
 public:
  void put(std::string_view name, StoredSession s) override {
    puts.push_back(s.clone());
    inner_->put(name, std::move(s));
  }
  std::optional<StoredSession> take(std::string_view name) override {
    std::optional<StoredSession> s = inner_->take(any_name ? "localhost" : name);
    if (as_session_id != nullptr && !puts.empty()) {
      s = puts.back().clone();
      s->ticket.clear();
      s->session_id = *as_session_id;
    }
    if (s) {
      taken.push_back(s->clone());
    }
    return s;
  }
  std::vector<StoredSession> puts;
  std::vector<StoredSession> taken;
  const Bytes* as_session_id = nullptr;
  bool any_name = false;

 private:
  std::shared_ptr<SessionStore> inner_ = memory_session_store();
};

// ServerStore is a memory server store that remembers the ids kept and looked up.
class ServerStore final : public ServerSessionStore {
 public:
  explicit ServerStore(Clock clock) : inner_(memory_server_session_store(100, std::move(clock))) {}
  bool put(std::span<const uint8_t> id, std::span<const uint8_t> state,
           uint32_t lifetime_s) override {
    ids.emplace_back(id.begin(), id.end());
    return inner_->put(id, state, lifetime_s);
  }
  std::optional<Bytes> get(std::span<const uint8_t> id) override {
    gets++;
    return inner_->get(id);
  }
  std::optional<Bytes> take(std::span<const uint8_t> id) override { return inner_->take(id); }
  void remove(std::span<const uint8_t> id) override { inner_->remove(id); }
  std::vector<Bytes> ids;
  int gets = 0;

 private:
  std::shared_ptr<ServerSessionStore> inner_;
};

struct Conn {
  bool established = false;
  bool client_resumed = false;
  bool server_resumed = false;
  size_t peer_certificates = 0;
  std::string client_error;
  std::string server_error;
  std::optional<Connection> client;
  std::optional<Connection> server;
};

// connect runs one connection: handshake, then a line each way.
Conn connect(const std::shared_ptr<const ClientConfig>& cc,
             const std::shared_ptr<const ServerConfig>& sc, std::string name = "localhost") {
  Conn r;
  r.client.emplace(std::move(Connection::client(cc, name)).value());
  r.server.emplace(std::move(Connection::server(sc)).value());
  r.established = handshake(*r.client, *r.server);
  r.client_error = error_text(*r.client);
  r.server_error = error_text(*r.server);
  if (!r.established) {
    return r;
  }
  EXPECT_EQ(r.client->version(), ProtocolVersion::TLSv1_2);
  r.client_resumed = r.client->resumed();
  r.server_resumed = r.server->resumed();
  r.peer_certificates = r.client->peer_certificates().size();
  const uint8_t ping[] = {'p', 'i', 'n', 'g'};
  EXPECT_TRUE(r.client->write(ping).ok());
  EXPECT_TRUE(transfer(*r.client, *r.server));
  EXPECT_TRUE(r.server->write(ping).ok());
  EXPECT_TRUE(transfer(*r.server, *r.client));
  uint8_t buf[16];
  EXPECT_EQ(r.client->read(buf), 4u);
  EXPECT_EQ(r.server->read(buf), 4u);
  return r;
}

struct Peers {
  Clocks clocks;
  std::shared_ptr<TicketKeys> keys = TicketKeys::generate();
  std::shared_ptr<ServerStore> server_store = std::make_shared<ServerStore>(clocks.clock());
  std::shared_ptr<ClientStore> client_store = std::make_shared<ClientStore>();

  ServerConfig::Builder server() {
    auto b = server_builder(crypto::KeyType::kEcdsaP256);
    b.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_2)
        .session_tickets(1, 3600)
        .ticket_keys(keys)
        .session_store(server_store)
        .clock(clocks.clock());
    return b;
  }
  ClientConfig::Builder client() {
    auto b = client_builder(crypto::KeyType::kEcdsaP256);
    b.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_3)
        .cipher_suites({CipherSuite::TLS_AES_128_GCM_SHA256, kSuite, kOtherSuite})
        .session_store(client_store);
    return b;
  }
};

template <typename B>
auto build(B&& b) {
  auto c = b.build();
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().to_string());
  return *c;
}

// first_message returns the body of the first handshake message of a record in `out`.
Bytes first_body(ByteView out) {
  EXPECT_GE(out.size(), 9u);
  EXPECT_EQ(out[0], 22);
  const size_t len = (size_t{out[6]} << 16) | (size_t{out[7]} << 8) | out[8];
  return Bytes(out.begin() + 9, out.begin() + 9 + static_cast<long>(len));
}

TEST(Tls12Resumption, TicketResumesWithoutCertificates) {
  Peers t;
  auto cc = build(t.client());
  auto sc = build(t.server());
  Conn first = connect(cc, sc);
  ASSERT_TRUE(first.established) << first.client_error << first.server_error;
  EXPECT_FALSE(first.client_resumed);
  EXPECT_FALSE(first.server_resumed);
  EXPECT_EQ(first.peer_certificates, 2u);
  ASSERT_EQ(t.client_store->puts.size(), 1u);
  const StoredSession kept = t.client_store->puts[0].clone();
  EXPECT_EQ(kept.version, ProtocolVersion::TLSv1_2);
  EXPECT_EQ(kept.suite, first.client->cipher_suite());
  EXPECT_FALSE(kept.ticket.empty());
  EXPECT_TRUE(kept.session_id.empty()) << "a ticket replaces the session ID (RFC 5077 3.4)";
  EXPECT_EQ(kept.psk.size(), 48u);

  const int gets_before = t.server_store->gets;
  Conn second = connect(cc, sc);
  ASSERT_TRUE(second.established) << second.client_error << second.server_error;
  EXPECT_TRUE(second.client_resumed);
  EXPECT_TRUE(second.server_resumed);
  EXPECT_EQ(second.peer_certificates, 0u);
  EXPECT_EQ(second.client->cipher_suite(), first.client->cipher_suite());
  EXPECT_TRUE(second.client->extended_master_secret());
  EXPECT_EQ(t.server_store->gets, gets_before)
      << "a ticket offered: the session ID is not looked up (RFC 5077 section 3.4)";
  // Put back for the next connection, with the same ticket (not renewed: the key is current).
  ASSERT_EQ(t.client_store->puts.size(), 2u);
  EXPECT_EQ(t.client_store->puts[1].ticket, kept.ticket);
}

TEST(Tls12Resumption, SessionIdResumes) {
  Peers t;
  auto cc = build(t.client());
  auto sc = build(t.server());
  Conn first = connect(cc, sc);
  ASSERT_TRUE(first.established) << first.client_error << first.server_error;
  ASSERT_EQ(t.server_store->ids.size(), 1u);
  EXPECT_EQ(t.server_store->ids[0].size(), 32u);
  t.client_store->as_session_id = &t.server_store->ids[0];
  const int gets_before = t.server_store->gets;

  Conn second = connect(cc, sc);
  ASSERT_TRUE(second.established) << second.client_error << second.server_error;
  ASSERT_EQ(t.client_store->taken.size(), 1u);
  EXPECT_TRUE(t.client_store->taken[0].ticket.empty());
  EXPECT_EQ(t.server_store->gets, gets_before + 1);
  EXPECT_TRUE(second.client_resumed);
  EXPECT_TRUE(second.server_resumed);
  EXPECT_EQ(second.peer_certificates, 0u);
  // The session goes back to the store with its ID, for the next resumption.
  ASSERT_EQ(t.client_store->puts.size(), 2u);
  EXPECT_EQ(t.client_store->puts[1].session_id, t.server_store->ids[0]);
  EXPECT_TRUE(t.client_store->puts[1].ticket.empty());
  // An ID the server does not know: a full handshake, and a new session.
  Bytes unknown(32, 0x42);
  t.client_store->as_session_id = &unknown;
  Conn third = connect(cc, sc);
  ASSERT_TRUE(third.established) << third.client_error << third.server_error;
  EXPECT_FALSE(third.client_resumed);
  EXPECT_FALSE(third.server_resumed);
  EXPECT_EQ(third.peer_certificates, 2u);
}

TEST(Tls12Resumption, ResumesAgainAndAgain) {
  Peers t;
  auto cc = build(t.client());
  auto sc = build(t.server());
  ASSERT_TRUE(connect(cc, sc).established);
  for (int i = 0; i < 3; i++) {
    Conn c = connect(cc, sc);
    ASSERT_TRUE(c.established) << c.client_error << c.server_error;
    EXPECT_TRUE(c.client_resumed) << "resumption " << i;
    EXPECT_TRUE(c.server_resumed) << "resumption " << i;
  }
  EXPECT_EQ(t.client_store->taken.size(), 3u);
}

TEST(Tls12Resumption, TicketUnderAnOlderKeyIsRenewed) {
  Peers t;
  auto cc = build(t.client());
  auto sc = build(t.server());
  ASSERT_TRUE(connect(cc, sc).established);
  ASSERT_EQ(t.client_store->puts.size(), 1u);
  const Bytes first_ticket = t.client_store->puts[0].ticket;

  TicketKey fresh;
  fresh.name.fill(0xee);
  fresh.key = Secret(Bytes(32, 0x5c));
  std::vector<TicketKey> rotated;
  rotated.push_back({fresh.name, fresh.key.clone()});
  t.keys->with_current([&](const TicketKey& k) { rotated.push_back({k.name, k.key.clone()}); });
  t.keys->replace(std::move(rotated));

  Conn second = connect(cc, sc);
  ASSERT_TRUE(second.established) << second.client_error << second.server_error;
  EXPECT_TRUE(second.client_resumed);
  EXPECT_TRUE(second.server_resumed);
  ASSERT_EQ(t.client_store->puts.size(), 2u);
  const Bytes renewed = t.client_store->puts[1].ticket;
  EXPECT_NE(renewed, first_ticket);
  ASSERT_GE(renewed.size(), 16u);
  EXPECT_EQ(Bytes(renewed.begin(), renewed.begin() + 16), Bytes(16, 0xee));

  // Once the old key is gone, the renewed ticket still resumes.
  std::vector<TicketKey> only_fresh;
  only_fresh.push_back(std::move(fresh));
  t.keys->replace(std::move(only_fresh));
  Conn third = connect(cc, sc);
  ASSERT_TRUE(third.established) << third.client_error << third.server_error;
  EXPECT_TRUE(third.client_resumed);
  EXPECT_TRUE(third.server_resumed);
  ASSERT_EQ(t.client_store->puts.size(), 3u);
  EXPECT_EQ(t.client_store->puts[2].ticket, renewed) << "a current key: not renewed again";
}

TEST(Tls12Resumption, ExpiredSessionMeansFullHandshake) {
  Peers t;
  auto cc = build(t.client());
  auto sc = build(t.server());
  ASSERT_TRUE(connect(cc, sc).established);
  t.clocks.now += 3601 * 1000;
  Conn second = connect(cc, sc);
  ASSERT_TRUE(second.established) << second.client_error << second.server_error;
  EXPECT_EQ(t.client_store->taken.size(), 1u) << "the client offered it";
  EXPECT_FALSE(second.client_resumed);
  EXPECT_FALSE(second.server_resumed);
  EXPECT_EQ(second.peer_certificates, 2u);
}

// AlteredHello is the ClientHello a glasstls client sends to resume by session ID, given to a
// server after `alter` changed it; `echo` is the ServerHello's session ID.
struct AlteredHello {
  Bytes offered_id;
  Bytes echo;
  bool server_failed = false;
  bool server_resumed = false;
};

template <typename F>
AlteredHello altered_resumption(Peers& t, const std::shared_ptr<const ClientConfig>& cc,
                                const std::shared_ptr<const ServerConfig>& sc, F alter) {
  AlteredHello r;
  t.client_store->as_session_id = &t.server_store->ids.at(0);
  auto client = std::move(Connection::client(cc, "localhost")).value();
  auto server = std::move(Connection::server(sc)).value();
  const Bytes body = first_body(client.output());
  auto ch = msgs::parse_client_hello(body);
  EXPECT_TRUE(ch.ok());
  r.offered_id.assign(ch->legacy_session_id.begin(), ch->legacy_session_id.end());
  alter(*ch);
  r.server_failed = !server.receive(plaintext_record(msgs::encode(*ch))).ok();
  if (r.server_failed) {
    return r;
  }
  const Bytes sh_body = first_body(server.output());
  auto sh = msgs::parse_server_hello(sh_body);
  EXPECT_TRUE(sh.ok());
  r.echo.assign(sh->legacy_session_id_echo.begin(), sh->legacy_session_id_echo.end());
  r.server_resumed = server.resumed();
  return r;
}

TEST(Tls12Resumption, HelloWithoutExtendedMasterSecretIsNotResumed) {
  Peers t;
  auto cc = build(t.client());
  auto sc = build(t.server());
  ASSERT_TRUE(connect(cc, sc).established);
  // Unaltered, the hello resumes: the server echoes the ID.
  AlteredHello same = altered_resumption(t, cc, sc, [](msgs::ClientHello&) {});
  ASSERT_FALSE(same.server_failed);
  EXPECT_EQ(same.echo, same.offered_id);
  EXPECT_TRUE(same.server_resumed);
  // Without extended_master_secret: RFC 7627 section 5.3, a full handshake, no session kept.
  const size_t kept = t.server_store->ids.size();
  AlteredHello no_ems = altered_resumption(
      t, cc, sc, [](msgs::ClientHello& ch) { ch.extended_master_secret = false; });
  ASSERT_FALSE(no_ems.server_failed);
  EXPECT_EQ(no_ems.offered_id, t.server_store->ids[0]);
  EXPECT_NE(no_ems.echo, no_ems.offered_id);
  EXPECT_FALSE(no_ems.server_resumed);
  EXPECT_TRUE(no_ems.echo.empty()) << "a session without EMS is not made resumable";
  EXPECT_EQ(t.server_store->ids.size(), kept);
}

TEST(Tls12Resumption, SuiteNotOfferedMeansFullHandshake) {
  Peers t;
  auto cc = build(t.client());
  auto sc = build(t.server());
  Conn first = connect(cc, sc);
  ASSERT_TRUE(first.established);
  const CipherSuite used = first.client->cipher_suite();
  // A hello that offers the session without its suite: the server does not resume it.
  AlteredHello other = altered_resumption(t, cc, sc, [&](msgs::ClientHello& ch) {
    ch.cipher_suites = {used == kSuite ? kOtherSuite : kSuite};
  });
  ASSERT_FALSE(other.server_failed);
  EXPECT_NE(other.echo, other.offered_id);
  EXPECT_FALSE(other.server_resumed);
  // A client configured without the suite does not offer the session at all.
  t.client_store->as_session_id = nullptr;
  auto cb = t.client();
  cb.cipher_suites({used == kSuite ? kOtherSuite : kSuite});
  auto narrow = build(cb);
  Conn second = connect(narrow, sc);
  ASSERT_TRUE(second.established) << second.client_error << second.server_error;
  EXPECT_FALSE(second.client_resumed);
  EXPECT_FALSE(second.server_resumed);
}

TEST(Tls12Resumption, ClientCertificateNowRequiredMeansFullHandshake) {
  Peers t;
  const auto& pki = test_pki(crypto::KeyType::kEcdsaP256);
  auto cb = t.client();
  cb.client_certificate({pki.leaf_cert, pki.ca_cert}, PrivateKey(pki.leaf_key));
  auto cc = build(cb);
  auto open = build(t.server());
  ASSERT_TRUE(connect(cc, open).established);
  auto sb = t.server();
  sb.request_client_certificate(pin_sha256_verifier({spki_pin(pki.leaf_key->public_key_spki())}),
                                true);
  auto strict = build(sb);
  Conn second = connect(cc, strict);
  ASSERT_TRUE(second.established) << second.client_error << second.server_error;
  EXPECT_FALSE(second.client_resumed);
  EXPECT_FALSE(second.server_resumed);
  EXPECT_EQ(second.server->peer_certificates().size(), 2u);
  // That session was made with a client certificate: the strict server resumes it.
  Conn third = connect(cc, strict);
  ASSERT_TRUE(third.established) << third.client_error << third.server_error;
  EXPECT_TRUE(third.client_resumed);
  EXPECT_TRUE(third.server_resumed);
}

TEST(Tls12Resumption, AnotherServerNameMeansFullHandshake) {
  Peers t;
  auto cc = build(t.client());
  auto sc = build(t.server());
  ASSERT_TRUE(connect(cc, sc).established);
  t.client_store->any_name = true;
  Conn second = connect(cc, sc, "server.test");
  ASSERT_TRUE(second.established) << second.client_error << second.server_error;
  ASSERT_EQ(t.client_store->taken.size(), 1u) << "the session of localhost was offered";
  EXPECT_FALSE(second.client_resumed);
  EXPECT_FALSE(second.server_resumed);
  EXPECT_EQ(second.server->server_name(), "server.test");
}

TEST(Tls12Resumption, TicketIsNotResumedInTls13) {
  Peers t;
  auto cc = build(t.client());
  ASSERT_TRUE(connect(cc, build(t.server())).established);
  // The same client against a server that speaks TLS 1.3: the TLS 1.2 session is not offered
  // as a TLS 1.3 PSK, and the handshake is a full TLS 1.3 one.
  auto sb = t.server();
  sb.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_3);
  auto sc13 = build(sb);
  auto client = std::move(Connection::client(cc, "localhost")).value();
  auto server = std::move(Connection::server(sc13)).value();
  const Bytes body = first_body(client.output());
  auto ch = msgs::parse_client_hello(body);
  ASSERT_TRUE(ch.ok());
  EXPECT_FALSE(ch->pre_shared_key.has_value());
  EXPECT_TRUE(ch->session_ticket);
  EXPECT_FALSE(ch->session_ticket_data.empty()) << "offered as a TLS 1.2 ticket only";
  ASSERT_TRUE(handshake(client, server)) << error_text(client) << error_text(server);
  EXPECT_EQ(client.version(), ProtocolVersion::TLSv1_3);
  EXPECT_FALSE(client.resumed());
  EXPECT_FALSE(server.resumed());
}

TEST(Tls12Resumption, ExporterAndKeyLogOnResumedConnection) {
  Peers t;
  auto client_log = std::make_shared<MemoryKeyLog>();
  auto server_log = std::make_shared<MemoryKeyLog>();
  auto cb = t.client();
  cb.key_log(client_log);
  auto sb = t.server();
  sb.key_log(server_log);
  auto cc = build(cb);
  auto sc = build(sb);
  Conn first = connect(cc, sc);
  ASSERT_TRUE(first.established);
  const Bytes master = client_log->secrets.at("CLIENT_RANDOM");
  client_log->lines.clear();
  server_log->lines.clear();
  Conn second = connect(cc, sc);
  ASSERT_TRUE(second.established) << second.client_error << second.server_error;
  ASSERT_TRUE(second.client_resumed);
  // The resumed connection logs the session's master secret under its own client random.
  ASSERT_EQ(client_log->lines.size(), 1u);
  ASSERT_EQ(server_log->lines.size(), 1u);
  EXPECT_EQ(client_log->lines[0], server_log->lines[0]);
  EXPECT_EQ(client_log->lines[0].rfind("CLIENT_RANDOM ", 0), 0u);
  EXPECT_EQ(client_log->secrets.at("CLIENT_RANDOM"), master);
  EXPECT_EQ(server_log->secrets.at("CLIENT_RANDOM"), master);

  const uint8_t context[] = {1, 2, 3};
  auto a = second.client->export_keying_material("EXPERIMENTAL test", context, 32);
  auto b = second.server->export_keying_material("EXPERIMENTAL test", context, 32);
  auto before = first.client->export_keying_material("EXPERIMENTAL test", context, 32);
  ASSERT_TRUE(a.ok()) << a.error().to_string();
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_NE(*a, *before) << "the new randoms make new keying material";
}

}  // namespace
}  // namespace glasstls::testing
