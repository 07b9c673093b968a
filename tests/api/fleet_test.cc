// fleet_test.cc: servers of one fleet, in memory: two server configurations (two "servers")
// share their ticket keys, their session store and their anti-replay record. A client resumes
// on one server a session made on the other; a single-use ticket resumes once across the
// fleet; a client's first flight with 0-RTT data, replayed to every server, has its early data
// accepted once in all; and stores that cannot answer make the servers fall back to full
// handshakes without 0-RTT, never accept a replay.
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

class FleetTest : public ::testing::TestWithParam<bool> {};

TEST_P(FleetTest, ClientResumesOnTheOtherServer) {
  Fleet fleet;
  auto a = fleet_server(fleet, GetParam());
  auto b = fleet_server(fleet, GetParam());
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
  Fleet fleet;
  auto a = fleet_server(fleet, GetParam());
  auto b = fleet_server(fleet, GetParam());
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
  Fleet fleet;
  auto a = fleet_server(fleet, GetParam());
  auto cc = early_client(memory_session_store());
  ASSERT_TRUE(run_connection(cc, a).established);
  Fleet down;
  down.keys = fleet.keys;
  down.store = std::make_shared<DownStore>();
  down.record = std::make_shared<DownRecord>();
  auto b = fleet_server(down, GetParam());
  Outcome o = run_connection(cc, b);
  ASSERT_TRUE(o.established) << o.errors;
  EXPECT_FALSE(o.early_accepted) << "no record of the ClientHello, no 0-RTT";
  // A self-contained ticket still resumes (the keys are shared); a single-use one cannot be
  // found, so the handshake is full.
  EXPECT_EQ(o.resumed, !GetParam());
}

INSTANTIATE_TEST_SUITE_P(Tickets, FleetTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& p) {
                           return p.param ? "SingleUse" : "SelfContained";
                         });

}  // namespace
}  // namespace glasstls::testing
