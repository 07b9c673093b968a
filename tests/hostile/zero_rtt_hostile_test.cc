// zero_rtt_hostile_test.cc: hostile clients around accepted 0-RTT data (RFC 8446 sections
// 4.2.10, 4.5 and 4.6.1). More early data than max_early_data_size is unexpected_message; a
// second flight without EndOfEarlyData, or an altered early record, fails to deprotect under
// the early key and is bad_record_mac; nothing of it reaches the application.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "api/harness.h"
#include "glasstls/session.h"

namespace glasstls {
namespace {

using testing::handshake;
using testing::transfer;

std::shared_ptr<const ServerConfig> server(std::shared_ptr<TicketKeys> keys, uint32_t max_early) {
  auto b = testing::server_builder(crypto::KeyType::kEcdsaP256);
  b.session_tickets(1).ticket_keys(std::move(keys)).early_data(max_early);
  return std::move(b.build()).value();
}

std::shared_ptr<const ClientConfig> client(std::shared_ptr<SessionStore> store) {
  auto b = testing::client_builder(crypto::KeyType::kEcdsaP256);
  b.session_store(std::move(store)).early_data(true);
  return std::move(b.build()).value();
}

// prime runs a full connection so that the client's store holds a ticket allowing early data.
void prime(const std::shared_ptr<const ClientConfig>& cc,
           const std::shared_ptr<const ServerConfig>& sc) {
  auto c = std::move(Connection::client(cc, "localhost")).value();
  auto s = std::move(Connection::server(sc)).value();
  ASSERT_TRUE(handshake(c, s));
  const uint8_t ping[] = {'p'};
  ASSERT_TRUE(s.write(ping).ok());
  ASSERT_TRUE(transfer(s, c));
}

// Primed is a client whose store holds a ticket of `keys` allowing early data, and the server
// configuration that issued it.
struct Primed {
  std::shared_ptr<TicketKeys> keys = TicketKeys::generate();
  std::shared_ptr<const ClientConfig> cc = client(memory_session_store());
  std::shared_ptr<const ServerConfig> sc;
};
Primed primed(uint32_t max_early) {
  Primed p;
  p.sc = server(p.keys, max_early);
  prime(p.cc, p.sc);
  return p;
}

// offering starts a client of `p` that has written `n` bytes of early data.
Connection offering(const Primed& p, size_t n) {
  auto c = std::move(Connection::client(p.cc, "localhost")).value();
  EXPECT_TRUE(c.write_early_data(Bytes(n, 'x')).ok());
  return c;
}

// records splits a run of whole records.
std::vector<Bytes> records(std::span<const uint8_t> wire) {
  std::vector<Bytes> out;
  size_t pos = 0;
  while (pos + 5 <= wire.size()) {
    const size_t len = 5 + ((size_t{wire[pos + 3]} << 8) | wire[pos + 4]);
    out.emplace_back(wire.begin() + static_cast<long>(pos),
                     wire.begin() + static_cast<long>(pos + len));
    pos += len;
  }
  return out;
}

TEST(ZeroRttHostile, MoreThanMaxEarlyDataSizeIsUnexpectedMessage) {
  const Primed p = primed(16384);
  // The ticket allows 16384 bytes; this server, with the same keys, takes at most 100.
  auto c = offering(p, 60);
  ASSERT_TRUE(c.write_early_data(Bytes(60, 'b')).ok());
  auto s = std::move(Connection::server(server(p.keys, 100))).value();
  EXPECT_FALSE(transfer(c, s));
  ASSERT_NE(s.error(), nullptr);
  EXPECT_EQ(s.error()->alert, AlertDescription::unexpected_message) << s.error()->to_string();
  // What arrived within the limit is there, and nothing past it.
  EXPECT_EQ(s.early_data_readable(), 60u);
}

TEST(ZeroRttHostile, FinishedWithoutEndOfEarlyDataIsBadRecordMac) {
  const Primed p = primed(1000);
  auto c = offering(p, 10);
  auto s = std::move(Connection::server(p.sc)).value();
  ASSERT_TRUE(transfer(c, s));
  ASSERT_TRUE(transfer(s, c));
  ASSERT_EQ(c.early_data_status(), EarlyDataStatus::kAccepted);
  // The client's second flight: EndOfEarlyData (under the early key), then Finished. Drop the
  // first record.
  std::vector<Bytes> flight = records(c.output());
  ASSERT_EQ(flight.size(), 2u);
  c.consume_output(c.output().size());
  EXPECT_FALSE(s.receive(flight[1]).ok());
  ASSERT_NE(s.error(), nullptr);
  EXPECT_EQ(s.error()->alert, AlertDescription::bad_record_mac) << s.error()->to_string();
  EXPECT_NE(s.state(), ConnectionState::kEstablished);
}

TEST(ZeroRttHostile, AlteredEarlyRecordIsBadRecordMac) {
  const Primed p = primed(1000);
  auto c = std::move(Connection::client(p.cc, "localhost")).value();
  const size_t hello_len = c.output().size();
  ASSERT_TRUE(c.write_early_data(Bytes(10, 'x')).ok());
  Bytes flight(c.output().begin(), c.output().end());
  c.consume_output(flight.size());
  flight.back() ^= 0x01;  // the early record's tag
  ASSERT_GT(flight.size(), hello_len);
  auto s = std::move(Connection::server(p.sc)).value();
  EXPECT_FALSE(s.receive(flight).ok());
  ASSERT_NE(s.error(), nullptr);
  EXPECT_EQ(s.error()->alert, AlertDescription::bad_record_mac) << s.error()->to_string();
  EXPECT_EQ(s.early_data_readable(), 0u);
}

TEST(ZeroRttHostile, NoEarlyDataOnceTheHandshakeIsDone) {
  // After EndOfEarlyData the server reads under the client handshake key: early data is over
  // on both sides.
  const Primed p = primed(1000);
  auto c = offering(p, 10);
  auto s = std::move(Connection::server(p.sc)).value();
  ASSERT_TRUE(handshake(c, s));
  EXPECT_EQ(s.early_data_room(), 0u) << "no more early data once the handshake is done";
  EXPECT_FALSE(c.write_early_data(Bytes(1, 'y')).ok());
}

}  // namespace
}  // namespace glasstls

namespace glasstls {
namespace {

// A TLS 1.2 session ID is seen in the clear in ClientHellos. Offered as a TLS 1.3 PSK identity
// (with the session's master secret as the PSK, which its owner knows) to a server whose TLS 1.3
// tickets are single-use ids in the same session store, it must neither resume a TLS 1.2
// session as TLS 1.3 nor consume the TLS 1.2 session's entry.
TEST(ZeroRttHostile, Tls12SessionIdOfferedAsATls13TicketIsNotResumedNorConsumed) {
  auto b = testing::server_builder(crypto::KeyType::kEcdsaP256);
  b.session_tickets(1).single_use_tickets(true);
  auto sc = std::move(b.build()).value();
  auto store12 = memory_session_store();
  auto cb12 = testing::client_builder(crypto::KeyType::kEcdsaP256);
  cb12.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_2).session_store(store12);
  auto cc12 = std::move(cb12.build()).value();
  Bytes session_id;
  {
    auto c = std::move(Connection::client(cc12, "localhost")).value();
    auto s = std::move(Connection::server(sc)).value();
    ASSERT_TRUE(transfer(c, s));
    // The ServerHello, in the clear: record header (5), message header (4), version (2),
    // random (32), then the session ID the server keeps the session under.
    const std::span<const uint8_t> hello = s.output();
    ASSERT_GT(hello.size(), 44u);
    ASSERT_EQ(hello[5], 2) << "ServerHello";
    session_id.assign(hello.begin() + 44, hello.begin() + 44 + hello[43]);
    ASSERT_EQ(session_id.size(), 32u);
    ASSERT_TRUE(handshake(c, s));
  }
  std::optional<StoredSession> session = store12->take("localhost");
  ASSERT_TRUE(session.has_value());
  ASSERT_EQ(session->version, ProtocolVersion::TLSv1_2);
  store12->put("localhost", session->clone());

  StoredSession forged = session->clone();
  forged.version = ProtocolVersion::TLSv1_3;
  forged.suite = CipherSuite::TLS_AES_128_GCM_SHA256;
  forged.ticket = session_id;
  forged.session_id.clear();
  forged.lifetime_s = 3600;
  auto store13 = memory_session_store();
  store13->put("localhost", std::move(forged));
  auto cb13 = testing::client_builder(crypto::KeyType::kEcdsaP256);
  cb13.session_store(store13);
  auto cc13 = std::move(cb13.build()).value();
  {
    auto c = std::move(Connection::client(cc13, "localhost")).value();
    auto s = std::move(Connection::server(sc)).value();
    ASSERT_TRUE(handshake(c, s));
    EXPECT_FALSE(s.resumed()) << "a TLS 1.2 session must not resume as TLS 1.3";
  }
  // The TLS 1.2 session is still there for its owner: in the store under its ID, and resumed.
  EXPECT_TRUE(sc->session_store->get(session_id).has_value());
  auto c = std::move(Connection::client(cc12, "localhost")).value();
  auto s = std::move(Connection::server(sc)).value();
  ASSERT_TRUE(handshake(c, s));
  EXPECT_TRUE(s.resumed());
  EXPECT_EQ(s.version(), ProtocolVersion::TLSv1_2);
}

}  // namespace
}  // namespace glasstls
