// early_data_test.cc: a glasstls server meets clients that offer 0-RTT (early data).
//
// glasstls never accepts early data (it issues no tickets), but any client holding a ticket for
// the same host name from another server offers it, and sends its 0-RTT records right behind
// the ClientHello. RFC 8446 section 4.2.10 says how a server that does not accept them behaves:
//
//   "Ignore the extension and return a regular 1-RTT response.  The server then skips past
//    early data by attempting to deprotect received records using the handshake traffic key,
//    discarding records which fail deprotection (up to the configured max_early_data_size).
//    Once a record is deprotected successfully, it is treated as the start of the client's
//    second flight and the server proceeds as with an ordinary 1-RTT handshake."
//
//   "Request that the client send another ClientHello by responding with a HelloRetryRequest.
//    A client MUST NOT include the "early_data" extension in its followup ClientHello.  The
//    server then ignores early data by skipping all records with an external content type of
//    "application_data" (indicating that they are encrypted), up to the configured
//    max_early_data_size."
//
// glasstls skips up to 64 KiB of early data payload (each record's length less the tag and the
// content type byte) and fails with unexpected_message beyond it. A scripted client
// (tests/hostile/scripted_client.h) plays the 0-RTT client: the early records are random bytes
// framed as a client framing ciphertext under an early traffic key, which is all the server
// can see of real ones.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/harness.h"
#include "hostile/scripted_client.h"

namespace glasstls {
namespace {

using testing::early_data_record;
using testing::early_data_records;
using testing::HelloOptions;
using testing::ScriptedClient;
using testing::server_builder;

// The budget the fix gives: RFC 8446 leaves it to the server ("the configured
// max_early_data_size"); glasstls skips up to 64 KiB.
constexpr size_t kBudget = 64 * 1024;

Bytes text(const std::string& s) { return Bytes(s.begin(), s.end()); }

// start_server makes a server with an ECDSA P-256 certificate for "localhost" and, if given,
// only `groups`.
Result<Connection> start_server(const std::vector<NamedGroup>& groups = {}) {
  ServerConfig::Builder b = server_builder(crypto::KeyType::kEcdsaP256);
  if (!groups.empty()) {
    b.groups(groups);
  }
  auto config = b.build();
  if (!config.ok()) {
    return std::move(config).error();
  }
  return Connection::server(*config);
}

// drain takes everything the server has to send.
Bytes drain(Connection& server) {
  Bytes out(server.output().begin(), server.output().end());
  server.consume_output(out.size());
  return out;
}

std::string describe(const Connection& c) {
  std::string s = std::string("state ") + name(c.state());
  if (c.error() != nullptr) {
    s += ", error " + c.error()->to_string();
  }
  return s;
}

std::string describe(const Status& s) { return s.ok() ? "ok" : s.error().to_string(); }

Bytes concat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts) {
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

HelloOptions offering_early_data() {
  HelloOptions o;
  o.early_data = true;
  o.psk = true;
  return o;
}

// HelloOptions for a client whose only key share is P-256, which a server configured with
// X25519 only answers with a HelloRetryRequest.
HelloOptions needing_retry(bool early_data) {
  HelloOptions o;
  o.share_groups = {NamedGroup::secp256r1};
  o.supported_groups = {NamedGroup::secp256r1, NamedGroup::x25519};
  o.early_data = early_data;
  o.psk = early_data;
  return o;
}

// finish_handshake hands the server's pending flight to `client`, checks it (a regular 1-RTT
// response: no pre_shared_key, no early_data in EncryptedExtensions, a Finished that
// verifies), sends the client Finished, and checks that the server is established and that
// application data flows both ways under the application keys.
void finish_handshake(ScriptedClient& client, Connection& server) {
  Status got = client.receive(drain(server));
  ASSERT_TRUE(got.ok()) << describe(got);
  ASSERT_TRUE(client.server_finished_verified()) << describe(server);
  EXPECT_FALSE(client.server_selected_psk());
  EXPECT_TRUE(client.encrypted_extensions_seen());
  EXPECT_FALSE(client.early_data_accepted()) << "EncryptedExtensions carries early_data";

  auto fin = client.finished_records();
  ASSERT_TRUE(fin.ok()) << fin.error().to_string();
  for (const Bytes& r : *fin) {
    Status s = server.receive(r);
    ASSERT_TRUE(s.ok()) << describe(s);
  }
  ASSERT_EQ(server.state(), ConnectionState::kEstablished) << describe(server);
  EXPECT_EQ(server.cipher_suite(), CipherSuite::TLS_AES_128_GCM_SHA256);

  auto ping = client.application_data(text("ping after 0-RTT was refused"));
  ASSERT_TRUE(ping.ok()) << ping.error().to_string();
  Status s = server.receive(*ping);
  ASSERT_TRUE(s.ok()) << describe(s);
  Bytes buf(256);
  size_t n = server.read(buf);
  EXPECT_EQ(std::string(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n)),
            "ping after 0-RTT was refused");

  ASSERT_TRUE(server.write(text("pong")).ok());
  got = client.receive(drain(server));
  ASSERT_TRUE(got.ok()) << describe(got);
  EXPECT_EQ(client.application_data_received(), text("pong"));
}

// ---------------------------------------------------------------------------------------------
// Controls: the scripted client completes ordinary handshakes, with and without a
// HelloRetryRequest, so a failure below is the server's.

TEST(EarlyData, ScriptedClientCompletesAnOrdinaryHandshake) {
  auto server = start_server();
  ASSERT_TRUE(server.ok());
  ScriptedClient client;
  auto ch = client.client_hello();
  ASSERT_TRUE(ch.ok());
  ASSERT_TRUE(server->receive(*ch).ok()) << describe(*server);
  finish_handshake(client, *server);
  EXPECT_FALSE(server->hello_retry_request());
}

TEST(EarlyData, ScriptedClientCompletesAHelloRetry) {
  auto server = start_server({NamedGroup::x25519});
  ASSERT_TRUE(server.ok());
  ScriptedClient client(needing_retry(/*early_data=*/false));
  auto ch = client.client_hello();
  ASSERT_TRUE(ch.ok());
  ASSERT_TRUE(server->receive(concat({*ch, testing::ccs_record()})).ok()) << describe(*server);
  ASSERT_TRUE(client.receive(drain(*server)).ok());
  ASSERT_TRUE(client.hello_retry_requested());
  auto ch2 = client.second_client_hello();
  ASSERT_TRUE(ch2.ok());
  ASSERT_TRUE(server->receive(*ch2).ok()) << describe(*server);
  finish_handshake(client, *server);
  EXPECT_TRUE(server->hello_retry_request());
}

// ---------------------------------------------------------------------------------------------
// After a ServerHello: records that do not deprotect under the client handshake key are
// skipped.

// (a) The common case: ClientHello, a few KiB of 0-RTT data, all in one read.
TEST(EarlyData, SkippedAfterServerHello) {
  auto server = start_server();
  ASSERT_TRUE(server.ok());
  ScriptedClient client(offering_early_data());
  auto ch = client.client_hello();
  ASSERT_TRUE(ch.ok());
  Bytes wire =
      concat({*ch, early_data_record(1024), early_data_record(1024), early_data_record(1024)});
  Status s = server->receive(wire);
  ASSERT_TRUE(s.ok()) << describe(s);
  EXPECT_EQ(server->state(), ConnectionState::kHandshaking);
  finish_handshake(client, *server);
  EXPECT_EQ(client.group(), NamedGroup::x25519);
  EXPECT_FALSE(server->hello_retry_request());
}

// The early records arrive after the server has answered, one per read.
TEST(EarlyData, SkippedRecordByRecord) {
  auto server = start_server();
  ASSERT_TRUE(server.ok());
  ScriptedClient client(offering_early_data());
  auto ch = client.client_hello();
  ASSERT_TRUE(ch.ok());
  ASSERT_TRUE(server->receive(*ch).ok()) << describe(*server);
  ASSERT_FALSE(server->output().empty()) << "no ServerHello flight";
  Bytes flight = drain(*server);
  for (size_t len : {1024u, 0u, 1u, 5000u, 16384u}) {
    Status s = server->receive(early_data_record(len));
    ASSERT_TRUE(s.ok()) << "early record of " << len << " bytes: " << describe(s);
    EXPECT_TRUE(server->output().empty()) << "the server answered a skipped record";
  }
  ASSERT_TRUE(client.receive(flight).ok());
  finish_handshake(client, *server);
}

// Records split across reads (the connection reassembles them before deprotecting) are
// skipped the same way.
TEST(EarlyData, SkippedWhenFedInSmallPieces) {
  auto server = start_server();
  ASSERT_TRUE(server.ok());
  ScriptedClient client(offering_early_data());
  auto ch = client.client_hello();
  ASSERT_TRUE(ch.ok());
  Bytes wire = concat({*ch, testing::ccs_record(), early_data_record(1500), early_data_record(3000),
                       early_data_record(700)});
  for (size_t off = 0; off < wire.size(); off += 7) {
    size_t n = std::min<size_t>(7, wire.size() - off);
    Status s = server->receive(ByteView(wire).subspan(off, n));
    ASSERT_TRUE(s.ok()) << "at byte " << off << ": " << describe(s);
  }
  finish_handshake(client, *server);
}

// Without pre_shared_key (an early_data extension alone) nothing differs.
TEST(EarlyData, SkippedWithoutPreSharedKey) {
  auto server = start_server();
  ASSERT_TRUE(server.ok());
  HelloOptions o;
  o.early_data = true;
  ScriptedClient client(o);
  auto ch = client.client_hello();
  ASSERT_TRUE(ch.ok());
  Status s = server->receive(concat({*ch, early_data_record(2048)}));
  ASSERT_TRUE(s.ok()) << describe(s);
  finish_handshake(client, *server);
}

// (b) Just under the budget, in full-size records.
TEST(EarlyData, JustUnderTheBudgetIsSkipped) {
  auto server = start_server();
  ASSERT_TRUE(server.ok());
  ScriptedClient client(offering_early_data());
  auto ch = client.client_hello();
  ASSERT_TRUE(ch.ok());
  Status s = server->receive(concat({*ch, early_data_records(kBudget - 1)}));
  ASSERT_TRUE(s.ok()) << describe(s);
  finish_handshake(client, *server);
}

// Exactly the budget: "up to" 64 KiB is skipped.
TEST(EarlyData, ExactlyTheBudgetIsSkipped) {
  auto server = start_server();
  ASSERT_TRUE(server.ok());
  ScriptedClient client(offering_early_data());
  auto ch = client.client_hello();
  ASSERT_TRUE(ch.ok());
  Status s = server->receive(concat({*ch, early_data_records(kBudget)}));
  ASSERT_TRUE(s.ok()) << describe(s);
  finish_handshake(client, *server);
}

// (c) One byte over the budget fails the connection with unexpected_message, at the record
// that crosses it, and the alert goes out under the key the server writes with.
TEST(EarlyData, OverTheBudgetIsUnexpectedMessage) {
  auto server = start_server();
  ASSERT_TRUE(server.ok());
  ScriptedClient client(offering_early_data());
  auto ch = client.client_hello();
  ASSERT_TRUE(ch.ok());
  ASSERT_TRUE(server->receive(*ch).ok()) << describe(*server);
  ASSERT_TRUE(client.receive(drain(*server)).ok());
  ASSERT_TRUE(client.server_finished_verified());
  for (int i = 0; i < 4; i++) {
    Status s = server->receive(early_data_record(kBudget / 4));
    ASSERT_TRUE(s.ok()) << "record " << i << " (within the budget): " << describe(s);
  }
  Status s = server->receive(early_data_record(1));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::unexpected_message) << describe(s);
  EXPECT_EQ(server->state(), ConnectionState::kFailed);
  ASSERT_NE(server->error(), nullptr);
  EXPECT_EQ(server->error()->alert, AlertDescription::unexpected_message);
  Status got = client.receive(drain(*server));
  EXPECT_FALSE(got.ok());
  EXPECT_EQ(client.alert(), AlertDescription::unexpected_message) << describe(got);
}

// Far over the budget in one read fails the same way.
TEST(EarlyData, FarOverTheBudgetInOneReadIsUnexpectedMessage) {
  auto server = start_server();
  ASSERT_TRUE(server.ok());
  ScriptedClient client(offering_early_data());
  auto ch = client.client_hello();
  ASSERT_TRUE(ch.ok());
  Status s = server->receive(concat({*ch, early_data_records(5 * kBudget)}));
  ASSERT_FALSE(s.ok());
  ASSERT_NE(server->error(), nullptr);
  EXPECT_EQ(server->error()->alert, AlertDescription::unexpected_message) << describe(*server);
}

// Once a record deprotects, skipping is over: the client Finished split across two records,
// with an undecryptable record between them, fails with bad_record_mac.
TEST(EarlyData, SkippingEndsAtTheFirstRecordThatDeprotects) {
  auto server = start_server();
  ASSERT_TRUE(server.ok());
  ScriptedClient client(offering_early_data());
  auto ch = client.client_hello();
  ASSERT_TRUE(ch.ok());
  ASSERT_TRUE(server->receive(concat({*ch, early_data_record(1024)})).ok()) << describe(*server);
  ASSERT_TRUE(client.receive(drain(*server)).ok());
  auto fin = client.finished_records(/*split=*/10);
  ASSERT_TRUE(fin.ok());
  ASSERT_EQ(fin->size(), 2u);
  Status s = server->receive((*fin)[0]);
  ASSERT_TRUE(s.ok()) << "the first part of the client Finished: " << describe(s);
  s = server->receive(early_data_record(100));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::bad_record_mac) << describe(s);
  ASSERT_NE(server->error(), nullptr);
  EXPECT_EQ(server->error()->alert, AlertDescription::bad_record_mac);
}

// The same split Finished with nothing between its records completes (the control for the
// test above).
TEST(EarlyData, SplitFinishedAfterSkippingCompletes) {
  auto server = start_server();
  ASSERT_TRUE(server.ok());
  ScriptedClient client(offering_early_data());
  auto ch = client.client_hello();
  ASSERT_TRUE(ch.ok());
  ASSERT_TRUE(server->receive(concat({*ch, early_data_record(1024)})).ok()) << describe(*server);
  ASSERT_TRUE(client.receive(drain(*server)).ok());
  auto fin = client.finished_records(/*split=*/10);
  ASSERT_TRUE(fin.ok());
  ASSERT_EQ(fin->size(), 2u);
  ASSERT_TRUE(server->receive((*fin)[0]).ok());
  Status s = server->receive((*fin)[1]);
  ASSERT_TRUE(s.ok()) << describe(s);
  EXPECT_EQ(server->state(), ConnectionState::kEstablished) << describe(*server);
}

// (g) Compatibility mode: the change_cipher_spec record real clients send right after their
// ClientHello, before the 0-RTT records (RFC 8446 appendix D.4).
TEST(EarlyData, ChangeCipherSpecBeforeEarlyRecords) {
  auto server = start_server();
  ASSERT_TRUE(server.ok());
  ScriptedClient client(offering_early_data());
  auto ch = client.client_hello();
  ASSERT_TRUE(ch.ok());
  Status s = server->receive(concat({*ch, testing::ccs_record(), early_data_record(1024),
                                     early_data_record(1024), early_data_record(1024)}));
  ASSERT_TRUE(s.ok()) << describe(s);
  finish_handshake(client, *server);
}

// ---------------------------------------------------------------------------------------------
// Without early_data nothing changes.

// (d) An undecryptable record after the ClientHello is bad_record_mac.
TEST(EarlyData, NotOfferedUndecryptableRecordIsBadRecordMac) {
  auto server = start_server();
  ASSERT_TRUE(server.ok());
  ScriptedClient client;  // no early_data
  auto ch = client.client_hello();
  ASSERT_TRUE(ch.ok());
  Status s = server->receive(concat({*ch, early_data_record(1024)}));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::bad_record_mac) << describe(s);
  ASSERT_NE(server->error(), nullptr);
  EXPECT_EQ(server->error()->alert, AlertDescription::bad_record_mac);
}

// An application_data record while the server waits for a second ClientHello is
// unexpected_message.
TEST(EarlyData, NotOfferedApplicationDataAfterHelloRetryIsUnexpectedMessage) {
  auto server = start_server({NamedGroup::x25519});
  ASSERT_TRUE(server.ok());
  ScriptedClient client(needing_retry(/*early_data=*/false));
  auto ch = client.client_hello();
  ASSERT_TRUE(ch.ok());
  ASSERT_TRUE(server->receive(*ch).ok()) << describe(*server);
  ASSERT_TRUE(client.receive(drain(*server)).ok());
  ASSERT_TRUE(client.hello_retry_requested());
  Status s = server->receive(early_data_record(100));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::unexpected_message) << describe(s);
}

// An application_data record before any ClientHello is unexpected_message.
TEST(EarlyData, ApplicationDataBeforeClientHelloIsUnexpectedMessage) {
  auto server = start_server();
  ASSERT_TRUE(server.ok());
  Status s = server->receive(early_data_record(100));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::unexpected_message) << describe(s);
}

// ---------------------------------------------------------------------------------------------
// After a HelloRetryRequest: every application_data record is skipped until the second
// ClientHello.

// (e) The client's only share is P-256, the server does X25519 only: it asks again, skipping
// the 0-RTT records the client sent behind its first ClientHello.
TEST(EarlyDataHelloRetry, EarlyRecordsSkippedUntilSecondClientHello) {
  auto server = start_server({NamedGroup::x25519});
  ASSERT_TRUE(server.ok());
  ScriptedClient client(needing_retry(/*early_data=*/true));
  auto ch = client.client_hello();
  ASSERT_TRUE(ch.ok());
  ASSERT_TRUE(server->receive(*ch).ok()) << describe(*server);
  Status s = server->receive(
      concat({early_data_record(1024), early_data_record(1024), early_data_record(1024)}));
  ASSERT_TRUE(s.ok()) << describe(s);
  ASSERT_TRUE(client.receive(drain(*server)).ok());
  ASSERT_TRUE(client.hello_retry_requested());
  EXPECT_EQ(client.retry_group(), NamedGroup::x25519);
  // More 0-RTT data may still be in flight when the HelloRetryRequest reaches the client.
  s = server->receive(early_data_record(2000));
  ASSERT_TRUE(s.ok()) << describe(s);
  EXPECT_TRUE(server->output().empty());

  auto ch2 = client.second_client_hello();
  ASSERT_TRUE(ch2.ok());
  s = server->receive(*ch2);
  ASSERT_TRUE(s.ok()) << describe(s);
  finish_handshake(client, *server);
  EXPECT_TRUE(server->hello_retry_request());
  EXPECT_EQ(server->group(), NamedGroup::x25519);
  EXPECT_EQ(client.group(), NamedGroup::x25519);
}

// Everything the client sends before seeing the HelloRetryRequest, in one read.
TEST(EarlyDataHelloRetry, EarlyRecordsInTheSameReadAsTheClientHello) {
  auto server = start_server({NamedGroup::x25519});
  ASSERT_TRUE(server.ok());
  ScriptedClient client(needing_retry(/*early_data=*/true));
  auto ch = client.client_hello();
  ASSERT_TRUE(ch.ok());
  Status s = server->receive(concat({*ch, early_data_records(kBudget)}));
  ASSERT_TRUE(s.ok()) << describe(s);
  ASSERT_TRUE(client.receive(drain(*server)).ok());
  ASSERT_TRUE(client.hello_retry_requested());
  auto ch2 = client.second_client_hello();
  ASSERT_TRUE(ch2.ok());
  s = server->receive(*ch2);
  ASSERT_TRUE(s.ok()) << describe(s);
  finish_handshake(client, *server);
}

// (g) With the compatibility-mode change_cipher_spec between the ClientHello and the 0-RTT
// records, as OpenSSL sends them.
TEST(EarlyDataHelloRetry, ChangeCipherSpecBeforeEarlyRecords) {
  auto server = start_server({NamedGroup::x25519});
  ASSERT_TRUE(server.ok());
  ScriptedClient client(needing_retry(/*early_data=*/true));
  auto ch = client.client_hello();
  ASSERT_TRUE(ch.ok());
  Status s = server->receive(
      concat({*ch, testing::ccs_record(), early_data_record(1024), early_data_record(4096)}));
  ASSERT_TRUE(s.ok()) << describe(s);
  ASSERT_TRUE(client.receive(drain(*server)).ok());
  ASSERT_TRUE(client.hello_retry_requested());
  auto ch2 = client.second_client_hello();
  ASSERT_TRUE(ch2.ok());
  s = server->receive(*ch2);
  ASSERT_TRUE(s.ok()) << describe(s);
  finish_handshake(client, *server);
}

// The budget holds across the HelloRetryRequest too.
TEST(EarlyDataHelloRetry, OverTheBudgetIsUnexpectedMessage) {
  auto server = start_server({NamedGroup::x25519});
  ASSERT_TRUE(server.ok());
  ScriptedClient client(needing_retry(/*early_data=*/true));
  auto ch = client.client_hello();
  ASSERT_TRUE(ch.ok());
  ASSERT_TRUE(server->receive(*ch).ok()) << describe(*server);
  Status s = server->receive(early_data_records(kBudget));
  ASSERT_TRUE(s.ok()) << "within the budget: " << describe(s);
  s = server->receive(early_data_record(1));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::unexpected_message) << describe(s);
  ASSERT_NE(server->error(), nullptr);
  EXPECT_EQ(server->error()->alert, AlertDescription::unexpected_message);
}

// (f) "A client MUST NOT include the "early_data" extension in its followup ClientHello."
TEST(EarlyDataHelloRetry, SecondClientHelloWithEarlyDataIsIllegalParameter) {
  auto server = start_server({NamedGroup::x25519});
  ASSERT_TRUE(server.ok());
  ScriptedClient client(needing_retry(/*early_data=*/true));
  auto ch = client.client_hello();
  ASSERT_TRUE(ch.ok());
  ASSERT_TRUE(server->receive(concat({*ch, early_data_record(512)})).ok()) << describe(*server);
  ASSERT_TRUE(client.receive(drain(*server)).ok());
  ASSERT_TRUE(client.hello_retry_requested());
  auto ch2 = client.second_client_hello(/*early_data=*/true);
  ASSERT_TRUE(ch2.ok());
  Status s = server->receive(*ch2);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::illegal_parameter) << describe(s);
  ASSERT_NE(server->error(), nullptr);
  EXPECT_EQ(server->error()->alert, AlertDescription::illegal_parameter);
}

// Skipping ends with the second ClientHello: an undecryptable record after it is
// bad_record_mac (the client may not send 0-RTT data after a HelloRetryRequest).
TEST(EarlyDataHelloRetry, UndecryptableRecordAfterSecondClientHelloIsBadRecordMac) {
  auto server = start_server({NamedGroup::x25519});
  ASSERT_TRUE(server.ok());
  ScriptedClient client(needing_retry(/*early_data=*/true));
  auto ch = client.client_hello();
  ASSERT_TRUE(ch.ok());
  ASSERT_TRUE(server->receive(concat({*ch, early_data_record(512)})).ok()) << describe(*server);
  ASSERT_TRUE(client.receive(drain(*server)).ok());
  auto ch2 = client.second_client_hello();
  ASSERT_TRUE(ch2.ok());
  ASSERT_TRUE(server->receive(*ch2).ok()) << describe(*server);
  Status s = server->receive(early_data_record(512));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::bad_record_mac) << describe(s);
}

}  // namespace
}  // namespace glasstls
