// resumption_hostile_test.cc: hostile peers around TLS 1.3 resumption. A client offering a PSK
// without psk_key_exchange_modes, or with binders that do not pair with its identities, is
// refused with the alert RFC 8446 names; a forged ticket is ignored (a full handshake); a
// server that resumes a PSK the client never offered, or names an identity out of range, is
// refused by the client.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "api/harness.h"
#include "glasstls/session.h"
#include "msgs/handshake.h"

namespace glasstls {
namespace {

using testing::ClientHelloFixture;
using testing::plaintext_record;

Connection ticketing_server() {
  auto b = testing::server_builder(crypto::KeyType::kEcdsaP256);
  b.session_tickets(2).ticket_keys(TicketKeys::generate());
  auto config = b.build();
  EXPECT_TRUE(config.ok());
  return std::move(Connection::server(*config)).value();
}

msgs::OfferedPsks forged_offer(size_t binders) {
  static const Bytes kTicket(64, 0x41);
  static const Bytes kBinder(32, 0x42);
  msgs::OfferedPsks psks;
  psks.identities.push_back({kTicket, 1234});
  for (size_t i = 0; i < binders; i++) {
    psks.binders.push_back(kBinder);
  }
  return psks;
}

TEST(ResumptionHostile, PskWithoutKeyExchangeModesIsMissingExtension) {
  Connection server = ticketing_server();
  ClientHelloFixture h;
  h.ch.pre_shared_key = forged_offer(1);
  Status s = server.receive(plaintext_record(msgs::encode(h.ch)));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::missing_extension) << s.error().to_string();
}

TEST(ResumptionHostile, BindersThatDoNotPairWithIdentitiesAreIllegalParameter) {
  Connection server = ticketing_server();
  ClientHelloFixture h;
  h.ch.psk_key_exchange_modes = std::vector<uint8_t>{1};
  h.ch.pre_shared_key = forged_offer(2);
  Status s = server.receive(plaintext_record(msgs::encode(h.ch)));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::illegal_parameter) << s.error().to_string();
}

TEST(ResumptionHostile, ForgedTicketIsIgnoredAndTheHandshakeIsFull) {
  Connection server = ticketing_server();
  ClientHelloFixture h;
  h.ch.psk_key_exchange_modes = std::vector<uint8_t>{1};
  h.ch.pre_shared_key = forged_offer(1);
  ASSERT_TRUE(server.receive(plaintext_record(msgs::encode(h.ch))).ok())
      << server.error()->to_string();
  // The answer starts with a plaintext ServerHello that selects no PSK.
  ByteView out = server.output();
  ASSERT_GT(out.size(), 9u);
  ASSERT_EQ(out[0], 22);
  const size_t len = (size_t{out[6]} << 16) | (size_t{out[7]} << 8) | out[8];
  ASSERT_EQ(out[5], static_cast<uint8_t>(HandshakeType::server_hello));
  auto sh = msgs::parse_server_hello(out.subspan(9, len));
  ASSERT_TRUE(sh.ok()) << sh.error().to_string();
  EXPECT_FALSE(sh->selected_identity.has_value());
  EXPECT_FALSE(server.resumed());
}

// A server answer to the client's first ClientHello, with `selected_identity` in it.
Status answer_with_psk(Connection& client, uint16_t selected_identity, bool hash_mismatch) {
  // The client's hello: its session id to echo, and its x25519 share's group.
  ByteView ch_record = client.output();
  auto ch = msgs::parse_client_hello(ch_record.subspan(9));
  EXPECT_TRUE(ch.ok());
  auto kx = std::move(crypto::openssl_provider().x25519->start()).value();
  const Bytes random(32, 0x55);
  msgs::ServerHello sh;
  sh.random = random;
  // Copied: the hello's bytes are the client's output, which consume_output() below ends.
  const Bytes session_id(ch->legacy_session_id.begin(), ch->legacy_session_id.end());
  sh.legacy_session_id_echo = session_id;
  sh.cipher_suite =
      hash_mismatch ? CipherSuite::TLS_AES_256_GCM_SHA384 : CipherSuite::TLS_AES_128_GCM_SHA256;
  sh.selected_version = 0x0304;
  sh.key_share = msgs::KeyShareEntry{NamedGroup::x25519, kx->public_key()};
  sh.selected_identity = selected_identity;
  client.consume_output(client.output().size());
  return client.receive(plaintext_record(msgs::encode(sh)));
}

TEST(ResumptionHostile, ServerResumingAPskTheClientNeverOfferedIsRefused) {
  auto cc = testing::client_builder(crypto::KeyType::kEcdsaP256).build();
  ASSERT_TRUE(cc.ok());
  Connection client = std::move(Connection::client(*cc, "localhost")).value();
  Status s = answer_with_psk(client, 0, false);
  ASSERT_FALSE(s.ok());
  // pre_shared_key was not in the ClientHello: an unsolicited extension.
  EXPECT_EQ(s.error().alert, AlertDescription::unsupported_extension) << s.error().to_string();
}

// A client holding a real session (from a glasstls server), so that it offers a PSK.
struct ClientWithSession {
  std::shared_ptr<const ClientConfig> config;
  ClientWithSession() {
    auto store = memory_session_store();
    auto cb = testing::client_builder(crypto::KeyType::kEcdsaP256);
    cb.session_store(store).cipher_suites(
        {CipherSuite::TLS_AES_128_GCM_SHA256, CipherSuite::TLS_AES_256_GCM_SHA384});
    config = *cb.build();
    auto sb = testing::server_builder(crypto::KeyType::kEcdsaP256);
    sb.session_tickets(1).cipher_suites({CipherSuite::TLS_AES_128_GCM_SHA256});
    auto sc = *sb.build();
    auto client = std::move(Connection::client(config, "localhost")).value();
    auto server = std::move(Connection::server(sc)).value();
    EXPECT_TRUE(testing::handshake(client, server));
    EXPECT_TRUE(testing::transfer(server, client));
  }
};

TEST(ResumptionHostile, SelectedIdentityOutOfRangeIsIllegalParameter) {
  ClientWithSession w;
  Connection client = std::move(Connection::client(w.config, "localhost")).value();
  Status s = answer_with_psk(client, 1, false);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::illegal_parameter) << s.error().to_string();
  EXPECT_NE(s.error().to_string().find("PSK identity that was not offered"), std::string::npos);
}

TEST(ResumptionHostile, ResumingUnderASuiteOfAnotherHashIsIllegalParameter) {
  ClientWithSession w;
  Connection client = std::move(Connection::client(w.config, "localhost")).value();
  Status s = answer_with_psk(client, 0, true);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::illegal_parameter) << s.error().to_string();
  EXPECT_NE(s.error().to_string().find("another hash"), std::string::npos);
}

}  // namespace
}  // namespace glasstls
