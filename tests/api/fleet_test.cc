// fleet_test.cc: servers of one fleet: two server configurations (two "servers") share their
// ticket keys, their session store and their anti-replay record, in memory or in a real Redis
// (a redis-server the test starts on loopback; skipped only where none is installed). A client
// resumes on one server a session made on the other; a single-use ticket resumes once across the
// fleet; a client's first flight with 0-RTT data, replayed to every server, has its early data
// accepted once in all; and stores that cannot answer make the servers fall back to full
// handshakes without 0-RTT, never accept a replay.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "api/harness.h"
#include "api/redis_server.h"
#include "glasstls/redis.h"
#include "glasstls/session.h"

namespace glasstls::testing {
namespace {

std::string error_text(const Connection& c) {
  return c.error() != nullptr ? c.error()->to_string() : std::string("(no error)");
}

// DownStore and DownRecord are stores whose back end cannot be reached: every call fails.
class DownStore final : public ServerSessionStore {
 public:
  bool put(std::span<const uint8_t>, std::span<const uint8_t>, uint32_t) override { return false; }
  std::optional<Bytes> get(std::span<const uint8_t>) override { return std::nullopt; }
  std::optional<Bytes> take(std::span<const uint8_t>) override { return std::nullopt; }
  void remove(std::span<const uint8_t>) override {}
};
class DownRecord final : public AntiReplay {
 public:
  bool first_use(std::span<const uint8_t>, uint32_t) override { return false; }
};

// Fleet is what the servers share.
struct Fleet {
  std::shared_ptr<TicketKeys> keys = TicketKeys::generate();
  std::shared_ptr<ServerSessionStore> store = memory_server_session_store();
  std::shared_ptr<AntiReplay> record = memory_anti_replay();
};

std::shared_ptr<const ServerConfig> fleet_server(
    const Fleet& fleet, bool single_use, crypto::KeyType key = crypto::KeyType::kEcdsaP256) {
  auto b = server_builder(key);
  b.session_tickets(1, 3600)
      .ticket_keys(fleet.keys)
      .session_store(fleet.store)
      .anti_replay(fleet.record)
      .single_use_tickets(single_use)
      .early_data(4096);
  return std::move(b.build()).value();
}

std::shared_ptr<const ClientConfig> early_client(std::shared_ptr<SessionStore> store) {
  auto b = client_builder(crypto::KeyType::kEcdsaP256);
  b.session_store(std::move(store)).early_data(true);
  return std::move(b.build()).value();
}

// run_connection makes one connection (the request as early data when the ticket allows it)
// and reports whether it resumed and whether the early data was accepted.
struct Outcome {
  bool established = false;
  bool resumed = false;
  bool early_accepted = false;
  std::string errors;
};
Outcome run_connection(const std::shared_ptr<const ClientConfig>& cc,
                       const std::shared_ptr<const ServerConfig>& sc) {
  Outcome o;
  auto client = std::move(Connection::client(cc, "localhost")).value();
  const Bytes request = {'G', 'E', 'T'};
  if (client.early_data_room() >= request.size()) {
    EXPECT_TRUE(client.write_early_data(request).ok());
  }
  auto server = std::move(Connection::server(sc)).value();
  o.established = handshake(client, server);
  o.errors = error_text(client) + " / " + error_text(server);
  o.resumed = client.resumed() && server.resumed();
  o.early_accepted = server.early_data_status() == EarlyDataStatus::kAccepted &&
                     client.early_data_status() == EarlyDataStatus::kAccepted;
  // Deliver the server's new ticket to the client's store.
  const uint8_t ping[] = {'p'};
  EXPECT_TRUE(server.write(ping).ok());
  EXPECT_TRUE(transfer(server, client));
  return o;
}

// FleetTest's parameter: single-use tickets or self-contained ones, and stores in memory or
// in Redis.
class FleetTest : public ::testing::TestWithParam<std::tuple<bool, bool>> {
 protected:
  void SetUp() override {
    single_use_ = std::get<0>(GetParam());
    if (std::get<1>(GetParam())) {
      GLASSTLS_SKIP_WITHOUT_REDIS();
      std::string error;
      redis_ = RedisServer::start(error);
      ASSERT_NE(redis_, nullptr) << error;
      auto options = parse_redis_url(redis_->url());
      ASSERT_TRUE(options.ok());
      auto store = redis_session_store(*options);
      auto record = redis_anti_replay(*options);
      ASSERT_TRUE(store.ok()) << store.error().reason;
      ASSERT_TRUE(record.ok()) << record.error().reason;
      fleet_.store = *store;
      fleet_.record = *record;
    }
  }
  // take_stores_down makes the shared stores fail: Redis stopped, or stores that cannot answer.
  void take_stores_down() {
    if (redis_) {
      redis_->stop();
    } else {
      fleet_.store = std::make_shared<DownStore>();
      fleet_.record = std::make_shared<DownRecord>();
    }
  }
  bool single_use_ = false;
  Fleet fleet_;
  std::unique_ptr<RedisServer> redis_;
};

TEST_P(FleetTest, ClientResumesOnTheOtherServer) {
  auto a = fleet_server(fleet_, single_use_);
  auto b = fleet_server(fleet_, single_use_);
  auto cc = early_client(memory_session_store());
  Outcome first = run_connection(cc, a);
  ASSERT_TRUE(first.established) << first.errors;
  EXPECT_FALSE(first.resumed);
  for (const auto& server : {b, a, b}) {
    Outcome next = run_connection(cc, server);
    ASSERT_TRUE(next.established) << next.errors;
    EXPECT_TRUE(next.resumed);
    EXPECT_TRUE(next.early_accepted);
  }
}

TEST_P(FleetTest, ReplayedFirstFlightHasItsEarlyDataAcceptedOnceAcrossTheFleet) {
  auto a = fleet_server(fleet_, single_use_);
  auto b = fleet_server(fleet_, single_use_);
  auto cc = early_client(memory_session_store());
  ASSERT_TRUE(run_connection(cc, a).established);
  auto client = std::move(Connection::client(cc, "localhost")).value();
  const Bytes request = {'P', 'O', 'S', 'T'};
  ASSERT_TRUE(client.write_early_data(request).ok());
  const Bytes flight(client.output().begin(), client.output().end());
  int accepted = 0;
  for (const auto& server : {a, b, a, b, b}) {
    auto s = std::move(Connection::server(server)).value();
    ASSERT_TRUE(s.receive(flight).ok()) << error_text(s);
    if (s.early_data_status() == EarlyDataStatus::kAccepted) {
      accepted++;
      EXPECT_EQ(s.early_data_readable(), request.size());
    } else {
      EXPECT_EQ(s.early_data_readable(), 0u);
    }
  }
  EXPECT_EQ(accepted, 1);
}

TEST_P(FleetTest, StoresThatCannotAnswerGiveFullHandshakesWithoutEarlyData) {
  auto a = fleet_server(fleet_, single_use_);
  auto cc = early_client(memory_session_store());
  ASSERT_TRUE(run_connection(cc, a).established);
  take_stores_down();
  auto b = fleet_server(fleet_, single_use_);
  const auto started = std::chrono::steady_clock::now();
  Outcome o = run_connection(cc, b);
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(o.established) << o.errors;
  EXPECT_FALSE(o.early_accepted) << "no record of the ClientHello, no 0-RTT";
  // A self-contained ticket still resumes (the keys are shared); a single-use one cannot be
  // found, so the handshake is full.
  EXPECT_EQ(o.resumed, !single_use_);
  // Never a stall: a store that is down costs at most a few timeouts (50 ms each for Redis).
  EXPECT_LT(took, std::chrono::seconds(2));
}

INSTANTIATE_TEST_SUITE_P(Stores, FleetTest,
                         ::testing::Combine(::testing::Bool(), ::testing::Bool()),
                         [](const ::testing::TestParamInfo<std::tuple<bool, bool>>& p) {
                           return std::string(std::get<0>(p.param) ? "SingleUse"
                                                                   : "SelfContained") +
                                  (std::get<1>(p.param) ? "Redis" : "Memory");
                         });

}  // namespace
}  // namespace glasstls::testing
