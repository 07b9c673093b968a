// fleet_resumption_test.cc: resumption across the servers of a fleet, in memory. Each server
// has its own configuration and its own ring of ticket keys derived from one root secret
// (TicketKeys::derive), so a session made on server A resumes on server B with no key ever
// exchanged between them, across an epoch boundary and with their clocks apart; a server of
// another root resumes nothing. With Redis installed, the servers also share a Redis session
// store and anti-replay record (glasstls/redis.h).
//
// Single-use tickets, 0-RTT replays across the fleet and a Redis that goes down are in
// fleet_test.cc.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "api/harness.h"
#include "api/redis_server.h"
#include "glasstls/redis.h"
#include "glasstls/session.h"

namespace glasstls::testing {
namespace {

constexpr uint64_t kHour = 3600;

Bytes root_secret(uint8_t seed) { return Bytes(32, seed); }

// Server is one server of the fleet: its clock and its configuration.
struct Server {
  uint64_t now_ms = 0;
  std::shared_ptr<const ServerConfig> config;
};

std::unique_ptr<Server> make_server(const Bytes& root, uint64_t now_ms,
                                    std::shared_ptr<ServerSessionStore> store = nullptr,
                                    std::shared_ptr<AntiReplay> replay = nullptr) {
  auto server = std::make_unique<Server>();
  server->now_ms = now_ms;
  Server* s = server.get();
  Clock clock = [s] { return s->now_ms; };
  auto ring = TicketKeys::derive(root, TicketKeyEpochs{}, clock);
  EXPECT_TRUE(ring.ok()) << (ring.ok() ? "" : ring.error().reason);
  auto b = server_builder(crypto::KeyType::kEcdsaP256);
  b.session_tickets(2, 7200).ticket_keys(*ring).clock(clock);
  if (store) {
    b.session_store(std::move(store));
  }
  if (replay) {
    b.anti_replay(std::move(replay));
  }
  auto config = b.build();
  EXPECT_TRUE(config.ok()) << (config.ok() ? "" : config.error().to_string());
  server->config = *config;
  return server;
}

struct Client {
  uint64_t now_ms = 0;
  std::shared_ptr<const ClientConfig> config;
};

std::unique_ptr<Client> make_client(uint64_t now_ms) {
  auto client = std::make_unique<Client>();
  client->now_ms = now_ms;
  Client* c = client.get();
  auto b = client_builder(crypto::KeyType::kEcdsaP256);
  b.clock([c] { return c->now_ms; });
  auto config = b.build();
  EXPECT_TRUE(config.ok()) << (config.ok() ? "" : config.error().to_string());
  client->config = *config;
  return client;
}

// connect runs one connection: handshake, then a line each way so that the client reads the
// tickets sent after the handshake. Returns whether the client resumed; fails the test if the
// handshake fails.
bool connect_resumed(const Client& client, const Server& server) {
  Connection c = std::move(Connection::client(client.config, "localhost")).value();
  Connection s = std::move(Connection::server(server.config)).value();
  EXPECT_TRUE(handshake(c, s)) << (c.error() ? c.error()->to_string() : "")
                               << (s.error() ? s.error()->to_string() : "");
  const uint8_t ping[] = {'p', 'i', 'n', 'g'};
  EXPECT_TRUE(c.write(ping).ok());
  EXPECT_TRUE(transfer(c, s));
  EXPECT_TRUE(s.write(ping).ok());
  EXPECT_TRUE(transfer(s, c));
  uint8_t buf[8];
  EXPECT_EQ(c.read(buf), 4u);
  EXPECT_EQ(c.resumed(), s.resumed());
  return c.resumed();
}

TEST(FleetResumption, SessionFromServerAResumesOnServerBWithTheSameRoot) {
  const uint64_t t = 1'800'000'000'000;
  auto a = make_server(root_secret(1), t);
  auto b = make_server(root_secret(1), t + 30'000);  // B's clock 30 s ahead
  auto other = make_server(root_secret(2), t);
  auto client = make_client(t);
  EXPECT_FALSE(connect_resumed(*client, *a)) << "the first connection is a full handshake";
  EXPECT_TRUE(connect_resumed(*client, *b)) << "A's ticket resumes on B";
  // The server refuses a ticket issued later than its own clock says it is now, so B's
  // tickets resume on A once A's clock has passed the time B issued them.
  a->now_ms += 60'000;
  client->now_ms += 60'000;
  EXPECT_TRUE(connect_resumed(*client, *a)) << "and B's on A";
  EXPECT_FALSE(connect_resumed(*client, *other)) << "a server of another root cannot open it";
}

TEST(FleetResumption, AcrossAnEpochBoundaryWithClocksApart) {
  // A is 10 s before the end of an epoch; B, 30 s ahead, is already in the next one.
  const uint64_t epoch = 500'000;
  const uint64_t t = ((epoch + 1) * kHour - 10) * 1000;
  auto a = make_server(root_secret(7), t);
  auto b = make_server(root_secret(7), t + 30'000);
  auto client = make_client(t);
  EXPECT_FALSE(connect_resumed(*client, *a));
  EXPECT_TRUE(connect_resumed(*client, *b)) << "B opens A's ticket with the previous epoch's key";
  // (That A opens what B seals with the key of B's epoch, published ahead, is checked on the
  // rings in ticket_key_derivation_test.cc: through a handshake, A refuses a ticket issued
  // later than its own clock, whichever key sealed it.)

  // A ticket sealed late in epoch e is still good (7200 s lifetime) in epoch e + 2: the ring
  // keeps the keys of two epochs behind.
  auto fresh = make_client(t);
  EXPECT_FALSE(connect_resumed(*fresh, *a));
  a->now_ms += 2 * kHour * 1000 - 60'000;
  fresh->now_ms += 2 * kHour * 1000 - 60'000;
  EXPECT_TRUE(connect_resumed(*fresh, *a));
}

TEST(FleetResumption, ServersSharingARedisStoreResume) {
  GLASSTLS_SKIP_WITHOUT_REDIS();
  ASSERT_TRUE(redis_supported());
  std::string error;
  auto redis = RedisServer::start(error);
  ASSERT_NE(redis, nullptr) << error;
  auto options = parse_redis_url(redis->url());
  ASSERT_TRUE(options.ok());
  auto store = redis_session_store(*options);
  auto replay = redis_anti_replay(*options);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE(replay.ok());
  const uint64_t t = 1'800'000'000'000;
  auto a = make_server(root_secret(3), t, *store, *replay);
  auto b = make_server(root_secret(3), t, *store, *replay);
  auto client = make_client(t);
  EXPECT_FALSE(connect_resumed(*client, *a));
  EXPECT_TRUE(connect_resumed(*client, *b));
  // The store both servers were given is the one Redis holds.
  const Bytes id = {'f', 'l', 'e', 'e', 't'};
  ASSERT_TRUE((*store)->put(id, Bytes{1, 2, 3}, 60));
  EXPECT_EQ(redis->cli({"EXISTS", "glasstls:session:fleet"}), "1\n");
}

}  // namespace
}  // namespace glasstls::testing
