// early_data_test.cc: 0-RTT between a glasstls client and server in memory (RFC 8446 sections
// 2.3, 4.2.10 and 8): early data offered with a resumed ClientHello, read by the server through
// its own call before the handshake completes, EndOfEarlyData, and every case where the server
// must reject it (no early data configured, a HelloRetryRequest, a stale ticket age, another
// ALPN protocol, a replayed ClientHello) while the handshake itself goes on.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "api/harness.h"
#include "glasstls/session.h"
#include "glasstls/trace.h"

namespace glasstls::testing {
namespace {

std::string error_text(const Connection& c) {
  return c.error() != nullptr ? c.error()->to_string() : std::string("(no error)");
}

// ReplayingStore hands out the same session on every take: a client that offers one ticket
// twice, as an attacker replaying it would.
class ReplayingStore final : public SessionStore {
 public:
  void put(std::string_view, StoredSession s) override {
    if (!kept_) {
      kept_ = std::move(s);
    }
  }
  std::optional<StoredSession> take(std::string_view) override {
    if (!kept_) {
      return std::nullopt;
    }
    return kept_->clone();
  }

 private:
  std::optional<StoredSession> kept_;
};

std::shared_ptr<const ServerConfig> build(const ServerConfig::Builder& b) {
  auto c = b.build();
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().to_string());
  return *c;
}

std::shared_ptr<const ClientConfig> build(const ClientConfig::Builder& b) {
  auto c = b.build();
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().to_string());
  return *c;
}

ServerConfig::Builder early_server(std::shared_ptr<TicketKeys> keys, uint32_t max_early = 1000) {
  auto b = server_builder(crypto::KeyType::kEcdsaP256);
  b.session_tickets(2, 3600).ticket_keys(std::move(keys));
  if (max_early > 0) {
    b.early_data(max_early);
  }
  return b;
}

ClientConfig::Builder early_client(std::shared_ptr<SessionStore> store) {
  auto b = client_builder(crypto::KeyType::kEcdsaP256);
  b.session_store(std::move(store)).early_data(true);
  return b;
}

// full runs a whole connection, so that the client keeps the server's tickets.
void full(const std::shared_ptr<const ClientConfig>& cc,
          const std::shared_ptr<const ServerConfig>& sc) {
  auto client = std::move(Connection::client(cc, "localhost")).value();
  auto server = std::move(Connection::server(sc)).value();
  ASSERT_TRUE(handshake(client, server)) << error_text(client) << error_text(server);
  // The tickets come after the handshake: one more exchange delivers them.
  const uint8_t ping[] = {'p'};
  ASSERT_TRUE(server.write(ping).ok());
  ASSERT_TRUE(transfer(server, client));
}

const Bytes kRequest = {'G', 'E', 'T', ' ', '/', '\n'};

Bytes read_early(Connection& server) {
  Bytes got(server.early_data_readable());
  got.resize(server.read_early_data(got));
  return got;
}

TEST(ZeroRtt, AcceptedBeforeTheHandshakeCompletesAndReadThroughItsOwnCall) {
  auto store = memory_session_store();
  auto cc = build(early_client(store).alpn({"http/1.1"}));
  auto sb = early_server(TicketKeys::generate());
  auto sc = build(sb.alpn({"http/1.1"}));
  full(cc, sc);

  auto client = std::move(Connection::client(cc, "localhost")).value();
  EXPECT_EQ(client.early_data_status(), EarlyDataStatus::kOffered);
  EXPECT_EQ(client.early_data_room(), 1000u) << "the ticket's max_early_data_size";
  ASSERT_TRUE(client.write_early_data(kRequest).ok()) << error_text(client);
  EXPECT_EQ(client.early_data_room(), 1000u - kRequest.size());

  auto server = std::move(Connection::server(sc)).value();
  ASSERT_TRUE(transfer(client, server)) << error_text(server);
  // The first flight alone: the server has the early data, the handshake is not complete.
  EXPECT_EQ(server.state(), ConnectionState::kHandshaking);
  EXPECT_EQ(server.early_data_status(), EarlyDataStatus::kAccepted);
  EXPECT_EQ(read_early(server), kRequest);
  EXPECT_EQ(server.readable(), 0u) << "early data never comes out of read()";

  ASSERT_TRUE(handshake(client, server)) << error_text(client) << error_text(server);
  EXPECT_EQ(client.early_data_status(), EarlyDataStatus::kAccepted);
  EXPECT_TRUE(client.resumed());
  EXPECT_TRUE(server.resumed());
  EXPECT_EQ(client.alpn(), std::optional<std::string>("http/1.1"));
  EXPECT_FALSE(client.write_early_data(kRequest).ok()) << "no early data after EndOfEarlyData";

  // Both sides derived the same early exporter, and it differs from the 1-RTT exporter.
  const uint8_t context[] = {1, 2, 3};
  auto ce = client.export_early_keying_material("EXPERIMENTAL early", context, 32);
  auto se = server.export_early_keying_material("EXPERIMENTAL early", context, 32);
  ASSERT_TRUE(ce.ok() && se.ok());
  EXPECT_EQ(*ce, *se);
  auto c1 = client.export_keying_material("EXPERIMENTAL early", context, 32);
  ASSERT_TRUE(c1.ok());
  EXPECT_NE(*c1, *ce);

  // Application data after the handshake flows as usual, both ways.
  const uint8_t hello[] = {'h', 'i'};
  ASSERT_TRUE(client.write(hello).ok());
  ASSERT_TRUE(transfer(client, server));
  uint8_t buf[8];
  EXPECT_EQ(server.read(buf), 2u);
  ASSERT_TRUE(server.write(hello).ok());
  ASSERT_TRUE(transfer(server, client));
  EXPECT_EQ(client.read(buf), 2u);
}

TEST(ZeroRtt, ManyRecordsUpToTheLimitAndOneByteMoreIsRefusedByTheClient) {
  auto store = memory_session_store();
  auto cc = build(early_client(store));
  auto sb = early_server(TicketKeys::generate(), 40000);
  auto sc = build(sb);
  full(cc, sc);
  auto client = std::move(Connection::client(cc, "localhost")).value();
  Bytes big(40000);
  for (size_t i = 0; i < big.size(); i++) {
    big[i] = static_cast<uint8_t>(i * 7);
  }
  ASSERT_TRUE(client.write_early_data(ByteView(big).first(30000)).ok());
  EXPECT_FALSE(client.write_early_data(Bytes(10001, 1)).ok()) << "over the ticket's limit";
  ASSERT_TRUE(client.write_early_data(ByteView(big).subspan(30000)).ok());
  EXPECT_EQ(client.early_data_room(), 0u);
  auto server = std::move(Connection::server(sc)).value();
  ASSERT_TRUE(handshake(client, server)) << error_text(client) << error_text(server);
  EXPECT_EQ(read_early(server), big);
}

TEST(ZeroRtt, NotOfferedUnlessTheClientAsks) {
  auto store = memory_session_store();
  auto cb = client_builder(crypto::KeyType::kEcdsaP256);
  auto cc = build(cb.session_store(store));
  auto sb = early_server(TicketKeys::generate());
  auto sc = build(sb);
  full(cc, sc);
  auto client = std::move(Connection::client(cc, "localhost")).value();
  EXPECT_EQ(client.early_data_status(), EarlyDataStatus::kNotOffered);
  EXPECT_EQ(client.early_data_room(), 0u);
  EXPECT_FALSE(client.write_early_data(kRequest).ok());
  EXPECT_FALSE(client.export_early_keying_material("x", {}, 16).ok());
  auto server = std::move(Connection::server(sc)).value();
  ASSERT_TRUE(handshake(client, server));
  EXPECT_TRUE(client.resumed()) << "the session still resumes, without 0-RTT";
  EXPECT_EQ(server.early_data_status(), EarlyDataStatus::kNotOffered);
}

TEST(ZeroRtt, NotOfferedUnderATicketWithoutIt) {
  auto store = memory_session_store();
  auto cc = build(early_client(store));
  auto sb = early_server(TicketKeys::generate(), 0);
  auto sc = build(sb);
  full(cc, sc);
  auto client = std::move(Connection::client(cc, "localhost")).value();
  EXPECT_EQ(client.early_data_status(), EarlyDataStatus::kNotOffered);
  EXPECT_FALSE(client.write_early_data(kRequest).ok());
}

// reject_case runs a second connection whose early data the server must reject: the handshake
// completes (resumed or not, as `resumes` says), nothing reaches read_early_data, and the
// client learns it was rejected.
void expect_rejected(const std::shared_ptr<const ClientConfig>& cc,
                     const std::shared_ptr<const ServerConfig>& sc, bool resumes) {
  auto client = std::move(Connection::client(cc, "localhost")).value();
  ASSERT_EQ(client.early_data_status(), EarlyDataStatus::kOffered);
  ASSERT_TRUE(client.write_early_data(kRequest).ok());
  auto server = std::move(Connection::server(sc)).value();
  ASSERT_TRUE(handshake(client, server)) << error_text(client) << error_text(server);
  EXPECT_EQ(client.early_data_status(), EarlyDataStatus::kRejected);
  EXPECT_EQ(server.early_data_status(), EarlyDataStatus::kRejected);
  EXPECT_EQ(server.early_data_readable(), 0u);
  EXPECT_EQ(server.readable(), 0u);
  EXPECT_EQ(client.resumed(), resumes);
  EXPECT_EQ(server.resumed(), resumes);
  // The client may send the same request again after the handshake: it arrives once.
  ASSERT_TRUE(client.write(kRequest).ok());
  ASSERT_TRUE(transfer(client, server));
  Bytes got(64);
  got.resize(server.read(got));
  EXPECT_EQ(got, kRequest);
}

TEST(ZeroRtt, ServerWithoutEarlyDataSkipsItAndResumes) {
  auto store = memory_session_store();
  auto cc = build(early_client(store));
  auto keys = TicketKeys::generate();
  auto issuing = early_server(keys);
  full(cc, build(issuing));
  auto refusing = early_server(keys, 0);
  expect_rejected(cc, build(refusing), true);
}

TEST(ZeroRtt, HelloRetryRequestRejectsIt) {
  auto store = memory_session_store();
  auto cb = early_client(store);
  cb.groups({NamedGroup::x25519, NamedGroup::secp256r1}).key_share_groups({NamedGroup::x25519});
  auto cc = build(cb);
  auto keys = TicketKeys::generate();
  auto issuing = early_server(keys);
  full(cc, build(issuing));
  // This server takes P-256 only: the client's X25519 share gets a HelloRetryRequest.
  auto retrying = early_server(keys);
  retrying.groups({NamedGroup::secp256r1});
  expect_rejected(cc, build(retrying), true);
}

TEST(ZeroRtt, StaleTicketAgeRejectsIt) {
  auto store = memory_session_store();
  Clocks client_time;
  Clocks server_time;
  auto cb = early_client(store);
  auto cc = build(cb.clock(client_time.clock()));
  auto sb = early_server(TicketKeys::generate());
  auto sc = build(sb.clock(server_time.clock()));
  full(cc, sc);
  // Within the window (10 s by default) either way, the early data is accepted ...
  client_time.now += 5'000;
  server_time.now += 12'000;
  {
    auto client = std::move(Connection::client(cc, "localhost")).value();
    ASSERT_TRUE(client.write_early_data(kRequest).ok());
    auto server = std::move(Connection::server(sc)).value();
    ASSERT_TRUE(handshake(client, server));
    EXPECT_EQ(server.early_data_status(), EarlyDataStatus::kAccepted);
  }
  // ... outside it, a ClientHello held back (or replayed) 20 s later is not fresh.
  server_time.now += 20'000;
  expect_rejected(cc, sc, true);
}

TEST(ZeroRtt, AnotherAlpnProtocolRejectsIt) {
  auto store = memory_session_store();
  auto cb = early_client(store);
  auto cc = build(cb.alpn({"h2", "http/1.1"}));
  auto keys = TicketKeys::generate();
  auto issuing = early_server(keys);
  full(cc, build(issuing.alpn({"h2"})));
  auto other = early_server(keys);
  expect_rejected(cc, build(other.alpn({"http/1.1"})), true);
}

TEST(ZeroRtt, ReplayedFirstFlightIsAcceptedOnce) {
  auto store = memory_session_store();
  auto cc = build(early_client(store));
  auto sb = early_server(TicketKeys::generate());
  auto sc = build(sb);
  full(cc, sc);
  auto client = std::move(Connection::client(cc, "localhost")).value();
  ASSERT_TRUE(client.write_early_data(kRequest).ok());
  const Bytes flight(client.output().begin(), client.output().end());

  auto first = std::move(Connection::server(sc)).value();
  ASSERT_TRUE(first.receive(flight).ok()) << error_text(first);
  EXPECT_EQ(first.early_data_status(), EarlyDataStatus::kAccepted);
  EXPECT_EQ(read_early(first), kRequest);
  // The same bytes again, to another connection of the same server: the binder is recorded.
  for (int i = 0; i < 3; i++) {
    auto replay = std::move(Connection::server(sc)).value();
    ASSERT_TRUE(replay.receive(flight).ok()) << error_text(replay);
    EXPECT_EQ(replay.early_data_status(), EarlyDataStatus::kRejected) << "replay " << i;
    EXPECT_EQ(replay.early_data_readable(), 0u);
  }
}

TEST(ZeroRtt, SingleUseTicketsResumeOnceAndTakeEarlyDataOnce) {
  auto store = std::make_shared<ReplayingStore>();
  auto cc = build(early_client(store));
  auto sb = early_server(TicketKeys::generate());
  sb.single_use_tickets(true);
  auto sc = build(sb);
  full(cc, sc);
  auto client = std::move(Connection::client(cc, "localhost")).value();
  ASSERT_TRUE(client.write_early_data(kRequest).ok());
  auto server = std::move(Connection::server(sc)).value();
  ASSERT_TRUE(handshake(client, server)) << error_text(client) << error_text(server);
  EXPECT_TRUE(server.resumed());
  EXPECT_EQ(server.early_data_status(), EarlyDataStatus::kAccepted);
  EXPECT_EQ(read_early(server), kRequest);
  // The same ticket again: it was taken, so neither resumption nor early data.
  expect_rejected(cc, sc, false);
}

// notes collects the trace notes of a recorder.
std::vector<std::string> notes(const TraceRecorder& r) {
  std::vector<std::string> out;
  for (const TraceEvent& e : r.events) {
    if (const auto* n = std::get_if<TraceNote>(&e)) {
      out.push_back(n->text);
    }
  }
  return out;
}

bool any_starts(const std::vector<std::string>& texts, const std::string& prefix,
                const std::string& also) {
  for (const std::string& t : texts) {
    if (t.rfind(prefix, 0) == 0 && t.find(also) != std::string::npos) {
      return true;
    }
  }
  return false;
}

// The server that seals a ticket can read it: its trace, with secrets, shows what each ticket
// it sends holds, and what the ticket it resumes held; without secrets it shows neither.
TEST(ZeroRtt, ServerTraceShowsTicketContentsOnlyWithSecrets) {
  auto store = memory_session_store();
  auto cc = build(early_client(store));
  auto sb = early_server(TicketKeys::generate());
  auto sc = build(sb.alpn({"h2"}));
  for (bool secrets : {true, false}) {
    SCOPED_TRACE(secrets ? "with secrets" : "without secrets");
    auto first_trace = std::make_shared<TraceRecorder>();
    TraceOptions options;
    options.show_secrets = secrets;
    {
      auto client = std::move(Connection::client(cc, "localhost")).value();
      auto server = std::move(Connection::server(sc)).value();
      server.set_trace(first_trace, options);
      ASSERT_TRUE(handshake(client, server));
      ASSERT_TRUE(server.write(kRequest).ok());
      ASSERT_TRUE(transfer(server, client));
    }
    EXPECT_EQ(any_starts(notes(*first_trace), "ticket sealed under the current ticket key",
                         "early data allowed, PSK "),
              secrets);
    auto second_trace = std::make_shared<TraceRecorder>();
    auto client = std::move(Connection::client(cc, "localhost")).value();
    auto server = std::move(Connection::server(sc)).value();
    server.set_trace(second_trace, options);
    ASSERT_TRUE(handshake(client, server));
    ASSERT_TRUE(server.resumed());
    EXPECT_EQ(any_starts(notes(*second_trace), "ticket 0 holds: ", "server name \"localhost\""),
              secrets);
  }
}

TEST(ZeroRtt, ConfigurationChecks) {
  auto b = server_builder(crypto::KeyType::kEcdsaP256);
  b.early_data(1000);
  EXPECT_FALSE(b.build().ok()) << "0-RTT needs tickets";
  b.session_tickets(1);
  auto c = b.build();
  ASSERT_TRUE(c.ok());
  EXPECT_NE((*c)->anti_replay, nullptr) << "an anti-replay store is made when none is given";
}

}  // namespace
}  // namespace glasstls::testing
