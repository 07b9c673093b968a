// tls12_hostile_test.cc: scripted TLS 1.2 peers against the sans-IO Connection. A scripted peer
// is the real other side with a hand on the wire: it takes the master secret from the key log
// (its CLIENT_RANDOM line) and the randoms from the hellos, derives the record keys as RFC 5246
// section 6.3 says, and writes the records it wants under them: renegotiation requests, which
// glasstls refuses with a no_renegotiation warning and bounds, and records of another version.
// Tampering in the clear (a ServerKeyExchange signature, a ChangeCipherSpec out of place) needs
// no keys.
#include <gtest/gtest.h>

#include "api/harness.h"
#include "crypto/suites.h"
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

// Pair is a TLS 1.2 client and server in memory, with what a scripted peer needs: the key log,
// the randoms, and each direction's protection as the peer would make it.
struct Pair {
  std::shared_ptr<MemoryKeyLog> log = std::make_shared<MemoryKeyLog>();
  std::optional<Connection> client;
  std::optional<Connection> server;
  Bytes client_random;
  Bytes server_random;
  Bytes server_first_flight;

  explicit Pair(bool complete = true) {
    auto cb = client_builder(crypto::KeyType::kEcdsaP256);
    cb.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_2).cipher_suites({kSuite});
    auto sb = server_builder(crypto::KeyType::kEcdsaP256);
    sb.key_log(log);
    auto cc = cb.build();
    auto sc = sb.build();
    EXPECT_TRUE(cc.ok() && sc.ok());
    client.emplace(std::move(Connection::client(*cc, "localhost")).value());
    server.emplace(std::move(Connection::server(*sc)).value());
    Bytes ch(client->output().begin(), client->output().end());
    client->consume_output(ch.size());
    // record header 5, handshake header 4, client_version 2, then the random.
    client_random.assign(ch.begin() + 11, ch.begin() + 43);
    EXPECT_TRUE(server->receive(ch).ok());
    server_first_flight.assign(server->output().begin(), server->output().end());
    server->consume_output(server_first_flight.size());
    server_random.assign(server_first_flight.begin() + 11, server_first_flight.begin() + 43);
    if (complete) {
      EXPECT_TRUE(client->receive(server_first_flight).ok());
      EXPECT_TRUE(testing::handshake(*client, *server));
    }
  }

  // protector makes the protection of the client's (or the server's) writes, from the key
  // log's master secret.
  record::RecordProtector protector(bool client_writes) const {
    return testing::tls12_protector(kSuite, log->secrets.at("CLIENT_RANDOM"), server_random,
                                    client_random, client_writes);
  }
};

// seal writes one record of `type` under `p` at sequence number `seq`.
Bytes seal(record::RecordProtector& p, ContentType type, const Bytes& content, uint64_t seq) {
  record::RecordLayer layer;
  layer.set_rules(record::kTls12Rules);
  layer.set_write_protector(std::move(p), seq);
  Bytes out;
  EXPECT_TRUE(layer.write(type, content, out).ok());
  return out;
}

// open reads the records of `wire` under `p` from sequence number `seq` and returns their types
// and contents.
std::vector<std::pair<ContentType, Bytes>> open(record::RecordProtector p, Bytes wire,
                                                uint64_t seq) {
  record::RecordLayer layer;
  layer.set_rules(record::kTls12Rules);
  layer.set_read_protector(std::move(p), seq);
  std::vector<std::pair<ContentType, Bytes>> out;
  std::span<uint8_t> rest(wire);
  while (!rest.empty()) {
    record::Record rec;
    auto used = layer.read_record(rest, rec);
    EXPECT_TRUE(used.ok());
    if (!used.ok() || *used == 0) {
      break;
    }
    out.emplace_back(rec.type, Bytes(rec.fragment.begin(), rec.fragment.end()));
    rest = rest.subspan(*used);
  }
  return out;
}

const Bytes kNoRenegotiationWarning = {1, 100};

TEST(Tls12Hostile, HelloRequestGetsANoRenegotiationWarningAndIsBounded) {
  Pair pair;
  ASSERT_EQ(pair.client->state(), ConnectionState::kEstablished);
  // The server's Finished was its record 0 under these keys.
  uint64_t seq = 1;
  uint64_t client_seq = 1;
  for (unsigned i = 0; i < 4; i++) {
    record::RecordProtector p = pair.protector(false);
    Bytes hello_request = msgs::encode_hello_request();
    ASSERT_TRUE(pair.client->receive(seal(p, ContentType::handshake, hello_request, seq++)).ok())
        << pair.client->error()->to_string();
    EXPECT_EQ(pair.client->state(), ConnectionState::kEstablished);
    Bytes answer(pair.client->output().begin(), pair.client->output().end());
    pair.client->consume_output(answer.size());
    auto records = open(pair.protector(true), answer, client_seq++);
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].first, ContentType::alert);
    EXPECT_EQ(records[0].second, kNoRenegotiationWarning);
  }
  // Without application data between them, the fifth request ends the connection.
  record::RecordProtector p = pair.protector(false);
  Status s =
      pair.client->receive(seal(p, ContentType::handshake, msgs::encode_hello_request(), seq));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::unexpected_message);
}

TEST(Tls12Hostile, RenegotiatingClientHelloGetsANoRenegotiationWarning) {
  Pair pair;
  ASSERT_EQ(pair.server->state(), ConnectionState::kEstablished);
  testing::ClientHelloFixture h;
  record::RecordProtector client_write = pair.protector(true);
  // The client's Finished was its record 0.
  ASSERT_TRUE(
      pair.server->receive(seal(client_write, ContentType::handshake, msgs::encode(h.ch), 1)).ok())
      << pair.server->error()->to_string();
  EXPECT_EQ(pair.server->state(), ConnectionState::kEstablished);
  Bytes answer(pair.server->output().begin(), pair.server->output().end());
  auto records = open(pair.protector(false), answer, 1);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].first, ContentType::alert);
  EXPECT_EQ(records[0].second, kNoRenegotiationWarning);
}

TEST(Tls12Hostile, RecordOfAnotherVersionAfterChangeCipherSpecIsProtocolVersion) {
  Pair pair;
  record::RecordProtector p = pair.protector(false);
  Bytes rec = seal(p, ContentType::application_data, Bytes{'x'}, 1);
  rec[2] = 0x02;  // TLS 1.1
  Status s = pair.client->receive(rec);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::protocol_version);
}

TEST(Tls12Hostile, TamperedServerKeyExchangeSignatureIsDecryptError) {
  Pair pair(false);
  Bytes flight = pair.server_first_flight;
  // The ServerKeyExchange's signature ends just before ServerHelloDone (4 bytes, then nothing):
  // flip the signature's last byte.
  ASSERT_GE(flight.size(), 5u);
  flight[flight.size() - 5] ^= 0x01;
  Status s = pair.client->receive(flight);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::decrypt_error);
}

TEST(Tls12Hostile, ChangeCipherSpecBeforeTheKeyExchangeIsUnexpectedMessage) {
  // The server has sent its flight and waits for the ClientKeyExchange: a ChangeCipherSpec now
  // would switch its read key with no key to switch to.
  Pair pair(false);
  const Bytes ccs = {20, 3, 3, 0, 1, 1};
  Status s = pair.server->receive(ccs);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::unexpected_message);
}

}  // namespace
}  // namespace glasstls
