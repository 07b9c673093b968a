// resumption_test.cc: TLS 1.3 resumption between a glasstls client and server in memory
// (RFC 8446 section 2.2): tickets issued, kept in the client's store and offered once, the
// binder checked before the PSK is used, and a full handshake whenever the ticket cannot be
// resumed (unknown key, expired, another hash, a client certificate now required).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "api/harness.h"
#include "glasstls/session.h"

namespace glasstls::testing {
namespace {

std::string error_text(const Connection& c) {
  return c.error() != nullptr ? c.error()->to_string() : std::string("(no error)");
}

// RecordingStore is a memory store that remembers every ticket put and taken.
class RecordingStore final : public SessionStore {
 public:
  void put(std::string_view name, StoredSession s) override {
    puts.push_back(s.ticket);
    inner_->put(name, std::move(s));
  }
  std::optional<StoredSession> take(std::string_view name) override {
    std::optional<StoredSession> s = inner_->take(name);
    if (s && corrupt_psk) {
      Bytes bad(s->psk.span().begin(), s->psk.span().end());
      bad[0] ^= 1;
      s->psk = Secret(bad);
    }
    if (s) {
      taken.push_back(s->ticket);
    }
    return s;
  }
  std::vector<Bytes> puts;
  std::vector<Bytes> taken;
  bool corrupt_psk = false;

 private:
  std::shared_ptr<SessionStore> inner_ = memory_session_store();
};

// connect runs one connection to its end: handshake, a line each way (so that the client reads
// the tickets sent after the handshake), and close.
struct Conn {
  bool established = false;
  bool client_resumed = false;
  bool server_resumed = false;
  size_t peer_certificates = 0;
  std::string client_error;
  std::string server_error;
  const Error* server_failure = nullptr;
  std::optional<Connection> client;
  std::optional<Connection> server;
};

Conn connect(const std::shared_ptr<const ClientConfig>& cc,
             const std::shared_ptr<const ServerConfig>& sc) {
  Conn r;
  r.client.emplace(std::move(Connection::client(cc, "localhost")).value());
  r.server.emplace(std::move(Connection::server(sc)).value());
  r.established = handshake(*r.client, *r.server);
  r.client_error = error_text(*r.client);
  r.server_error = error_text(*r.server);
  r.server_failure = r.server->error();
  if (!r.established) {
    return r;
  }
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

std::shared_ptr<const ServerConfig> server_config(ServerConfig::Builder b, Clocks* clocks) {
  if (clocks != nullptr) {
    b.clock(clocks->clock());
  }
  auto c = b.build();
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().to_string());
  return *c;
}

std::shared_ptr<const ClientConfig> client_config(ClientConfig::Builder b,
                                                  std::shared_ptr<SessionStore> store) {
  b.session_store(std::move(store));
  auto c = b.build();
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().to_string());
  return *c;
}

ServerConfig::Builder ticketing_server(std::shared_ptr<TicketKeys> keys, size_t count = 2) {
  auto b = server_builder(crypto::KeyType::kEcdsaP256);
  b.session_tickets(count, 3600).ticket_keys(std::move(keys));
  return b;
}

TEST(Resumption, SecondConnectionResumesWithoutCertificates) {
  auto store = std::make_shared<RecordingStore>();
  auto cc = client_config(client_builder(crypto::KeyType::kEcdsaP256), store);
  auto sc = server_config(ticketing_server(TicketKeys::generate()), nullptr);
  Conn first = connect(cc, sc);
  ASSERT_TRUE(first.established) << first.client_error << first.server_error;
  EXPECT_FALSE(first.client_resumed);
  EXPECT_EQ(first.peer_certificates, 2u);
  EXPECT_EQ(store->puts.size(), 2u) << "both tickets kept";
  Conn second = connect(cc, sc);
  ASSERT_TRUE(second.established) << second.client_error << second.server_error;
  EXPECT_TRUE(second.client_resumed);
  EXPECT_TRUE(second.server_resumed);
  EXPECT_EQ(second.peer_certificates, 0u);
  EXPECT_EQ(store->taken.size(), 1u);
  // The resumed connection issued tickets of its own.
  EXPECT_EQ(store->puts.size(), 4u);
}

TEST(Resumption, EachTicketIsOfferedOnce) {
  auto store = std::make_shared<RecordingStore>();
  auto cc = client_config(client_builder(crypto::KeyType::kEcdsaP256), store);
  // One ticket per connection: each connection uses the one the previous one left.
  auto sc = server_config(ticketing_server(TicketKeys::generate(), 1), nullptr);
  for (int i = 0; i < 4; i++) {
    Conn r = connect(cc, sc);
    ASSERT_TRUE(r.established) << r.client_error << r.server_error;
    EXPECT_EQ(r.client_resumed, i > 0);
  }
  ASSERT_EQ(store->taken.size(), 3u);
  for (size_t i = 0; i < store->taken.size(); i++) {
    for (size_t j = i + 1; j < store->taken.size(); j++) {
      EXPECT_NE(store->taken[i], store->taken[j]);
    }
  }
}

TEST(Resumption, WrongBinderIsDecryptError) {
  auto store = std::make_shared<RecordingStore>();
  auto cc = client_config(client_builder(crypto::KeyType::kEcdsaP256), store);
  auto sc = server_config(ticketing_server(TicketKeys::generate()), nullptr);
  ASSERT_TRUE(connect(cc, sc).established);
  store->corrupt_psk = true;
  Conn r = connect(cc, sc);
  EXPECT_FALSE(r.established);
  ASSERT_NE(r.server_failure, nullptr);
  EXPECT_EQ(r.server_failure->alert, AlertDescription::decrypt_error) << r.server_error;
}

TEST(Resumption, TicketOfAnotherKeyRingGivesAFullHandshake) {
  auto store = std::make_shared<RecordingStore>();
  auto cc = client_config(client_builder(crypto::KeyType::kEcdsaP256), store);
  ASSERT_TRUE(
      connect(cc, server_config(ticketing_server(TicketKeys::generate()), nullptr)).established);
  Conn r = connect(cc, server_config(ticketing_server(TicketKeys::generate()), nullptr));
  ASSERT_TRUE(r.established) << r.client_error << r.server_error;
  EXPECT_EQ(store->taken.size(), 1u) << "the ticket was offered";
  EXPECT_FALSE(r.client_resumed);
  EXPECT_FALSE(r.server_resumed);
  EXPECT_EQ(r.peer_certificates, 2u);
}

TEST(Resumption, RotatedRingStillOpensTheOldKeysTickets) {
  auto store = std::make_shared<RecordingStore>();
  auto cc = client_config(client_builder(crypto::KeyType::kEcdsaP256), store);
  auto keys = TicketKeys::generate();
  auto sc = server_config(ticketing_server(keys), nullptr);
  ASSERT_TRUE(connect(cc, sc).established);
  // A new sealing key goes first; the old one stays behind it for tickets already out.
  std::vector<TicketKey> ring;
  TicketKey fresh;
  fresh.name.fill(0x42);
  fresh.key = Secret(Bytes(32, 0x17));
  ring.push_back(std::move(fresh));
  keys->with_current([&](const TicketKey& old) {
    TicketKey copy;
    copy.name = old.name;
    copy.key = old.key.clone();
    ring.push_back(std::move(copy));
  });
  keys->replace(std::move(ring));
  Conn r = connect(cc, sc);
  ASSERT_TRUE(r.established) << r.client_error << r.server_error;
  EXPECT_TRUE(r.server_resumed);
  // The tickets issued now carry the new key's name.
  ASSERT_GE(store->puts.size(), 3u);
  EXPECT_EQ(store->puts.back()[0], 0x42);
}

TEST(Resumption, ExpiredTicketGivesAFullHandshake) {
  Clocks clocks;
  auto store = std::make_shared<RecordingStore>();
  auto cc = client_config(client_builder(crypto::KeyType::kEcdsaP256), store);
  auto sc = server_config(ticketing_server(TicketKeys::generate()), &clocks);
  ASSERT_TRUE(connect(cc, sc).established);
  clocks.now += 3601 * 1000;  // the lifetime is 3600 seconds
  Conn r = connect(cc, sc);
  ASSERT_TRUE(r.established) << r.client_error << r.server_error;
  EXPECT_FALSE(r.server_resumed);
  EXPECT_EQ(r.peer_certificates, 2u);
}

TEST(Resumption, TicketOfAnotherHashGivesAFullHandshake) {
  auto store = std::make_shared<RecordingStore>();
  auto cc = client_config(client_builder(crypto::KeyType::kEcdsaP256), store);
  auto keys = TicketKeys::generate();
  ASSERT_TRUE(connect(cc, server_config(ticketing_server(keys), nullptr)).established);
  // The same keys, but a server that only speaks a SHA-384 suite now.
  auto b = ticketing_server(keys);
  b.cipher_suites({CipherSuite::TLS_AES_256_GCM_SHA384});
  Conn r = connect(cc, server_config(std::move(b), nullptr));
  ASSERT_TRUE(r.established) << r.client_error << r.server_error;
  EXPECT_FALSE(r.server_resumed);
  EXPECT_FALSE(r.client_resumed);
}

TEST(Resumption, SessionWithoutClientCertificateIsNotResumedWhereOneIsRequired) {
  auto store = std::make_shared<RecordingStore>();
  const auto& client_pki = test_pki(crypto::KeyType::kEcdsaP384);
  auto cb = client_builder(crypto::KeyType::kEcdsaP256);
  cb.client_certificate({client_pki.leaf_cert}, PrivateKey(client_pki.leaf_key));
  auto cc = client_config(std::move(cb), store);
  auto keys = TicketKeys::generate();
  ASSERT_TRUE(connect(cc, server_config(ticketing_server(keys), nullptr)).established);
  auto b = ticketing_server(keys);
  b.request_client_certificate(
      pin_sha256_verifier({spki_pin(client_pki.leaf_key->public_key_spki())}), true);
  Conn r = connect(cc, server_config(std::move(b), nullptr));
  ASSERT_TRUE(r.established) << r.client_error << r.server_error;
  EXPECT_FALSE(r.server_resumed);
  EXPECT_EQ(r.server->peer_certificates().size(), 1u) << "the client authenticated in full";
}

TEST(Resumption, ResumesAfterAHelloRetryRequest) {
  auto store = std::make_shared<RecordingStore>();
  auto cb = client_builder(crypto::KeyType::kEcdsaP256);
  cb.groups({NamedGroup::secp256r1, NamedGroup::x25519}).key_share_groups({NamedGroup::secp256r1});
  auto cc = client_config(std::move(cb), store);
  auto keys = TicketKeys::generate();
  ASSERT_TRUE(connect(cc, server_config(ticketing_server(keys), nullptr)).established);
  // A server of the same keys that takes x25519 only, which the client gave no share: a
  // HelloRetryRequest, and the second ClientHello's binder covers the first ClientHello's hash
  // and the retry.
  auto b = ticketing_server(keys);
  b.groups({NamedGroup::x25519});
  Conn r = connect(cc, server_config(std::move(b), nullptr));
  ASSERT_TRUE(r.established) << r.client_error << r.server_error;
  EXPECT_TRUE(r.client->hello_retry_request());
  EXPECT_TRUE(r.client_resumed);
  EXPECT_TRUE(r.server_resumed);
}

// PSK-only resumption (psk_ke) happens only when both sides allow it: then the ServerHello
// has no key_share and no group is negotiated; otherwise psk_dhe_ke, with an (EC)DHE exchange.
TEST(Resumption, PskOnlyKeyEstablishmentWhenBothSidesAllowIt) {
  for (bool client_allows : {false, true}) {
    for (bool server_allows : {false, true}) {
      SCOPED_TRACE(std::string("client ") + (client_allows ? "allows" : "refuses") + ", server " +
                   (server_allows ? "allows" : "refuses"));
      auto store = std::make_shared<RecordingStore>();
      auto cb = client_builder(crypto::KeyType::kEcdsaP256);
      cb.psk_ke(client_allows);
      auto cc = client_config(std::move(cb), store);
      auto b = ticketing_server(TicketKeys::generate());
      b.psk_ke(server_allows);
      auto sc = server_config(std::move(b), nullptr);
      Conn first = connect(cc, sc);
      ASSERT_TRUE(first.established) << first.client_error << first.server_error;
      EXPECT_EQ(first.client->group(), NamedGroup::x25519) << "a full handshake always has one";
      Conn r = connect(cc, sc);
      ASSERT_TRUE(r.established) << r.client_error << r.server_error;
      EXPECT_TRUE(r.client_resumed);
      EXPECT_TRUE(r.server_resumed);
      const bool psk_only = client_allows && server_allows;
      EXPECT_EQ(r.client->group(), psk_only ? NamedGroup{} : NamedGroup::x25519);
      EXPECT_EQ(r.server->group(), r.client->group());
      // Both sides agree on the keys either way: their exporters match.
      auto ce = r.client->export_keying_material("EXPERIMENTAL psk_ke", {}, 32);
      auto se = r.server->export_keying_material("EXPERIMENTAL psk_ke", {}, 32);
      ASSERT_TRUE(ce.ok() && se.ok());
      EXPECT_EQ(*ce, *se);
    }
  }
}

TEST(Resumption, NoStoreNoOffer) {
  auto cb = client_builder(crypto::KeyType::kEcdsaP256);
  auto cc = client_config(std::move(cb), nullptr);
  auto sc = server_config(ticketing_server(TicketKeys::generate()), nullptr);
  ASSERT_TRUE(connect(cc, sc).established);
  Conn r = connect(cc, sc);
  ASSERT_TRUE(r.established);
  EXPECT_FALSE(r.client_resumed);
}

}  // namespace
}  // namespace glasstls::testing
