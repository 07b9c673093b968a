// tls13_test.cc: the client state machine, driven message by message with a Context of its
// own (no Connection), against the server state machine or against messages built here.
#include "client/tls13.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "api/harness.h"
#include "server/tls13_testing.h"

namespace glasstls::conn {
namespace {

using glasstls::testing::client_builder;
using glasstls::testing::server_builder;
using testing::as_message;
using testing::client_config;
using testing::handshake_message;
using testing::server_config;
using testing::StatePair;
using testing::take_output;

constexpr auto kP256 = crypto::KeyType::kEcdsaP256;
constexpr auto kAes128 = CipherSuite::TLS_AES_128_GCM_SHA256;

// Records is `wire` split into records, each with its header.
std::vector<Bytes> records(const Bytes& wire) {
  std::vector<Bytes> out;
  size_t off = 0;
  while (off + record::kHeaderLen <= wire.size()) {
    size_t len = (size_t{wire[off + 3]} << 8) | wire[off + 4];
    out.emplace_back(wire.begin() + static_cast<ptrdiff_t>(off),
                     wire.begin() + static_cast<ptrdiff_t>(off + record::kHeaderLen + len));
    off += record::kHeaderLen + len;
  }
  return out;
}

// hello_of parses the ClientHello that is the body of a plaintext handshake record.
msgs::ClientHello hello_of(const Bytes& rec) {
  EXPECT_EQ(rec[0], static_cast<uint8_t>(ContentType::handshake));
  EXPECT_EQ(rec[record::kHeaderLen], static_cast<uint8_t>(HandshakeType::client_hello));
  auto ch = msgs::parse_client_hello(ByteView(rec).subspan(record::kHeaderLen + 4));
  EXPECT_TRUE(ch.ok());
  return ch.ok() ? std::move(ch).value() : msgs::ClientHello{};
}

std::vector<NamedGroup> share_groups(const msgs::ClientHello& ch) {
  std::vector<NamedGroup> out;
  for (const auto& share : ch.key_shares.value_or(std::vector<msgs::KeyShareEntry>{})) {
    out.push_back(share.group);
  }
  return out;
}

// RFC 8446 section 4.1.2: the ClientHello offers TLS 1.3 in supported_versions, the configured
// suites, groups and schemes, and a share for each key share group; in middlebox
// compatibility mode (appendix D.4) its session id is not empty.
TEST(ClientStateMachine, StartQueuesTheClientHello) {
  auto config = client_config(client_builder(kP256)
                                  .groups({NamedGroup::x25519, NamedGroup::secp256r1})
                                  .key_share_groups({NamedGroup::x25519, NamedGroup::secp256r1}));
  auto cx = testing::client_context(config, "localhost");
  Result<ClientState> s = client_start(*cx);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  const auto* expect = std::get_if<ClientExpectServerHello>(&s.value());
  ASSERT_NE(expect, nullptr);
  EXPECT_FALSE(expect->after_hello_retry);
  EXPECT_EQ(expect->shares.size(), 2u);

  std::vector<Bytes> recs = records(take_output(*cx));
  ASSERT_EQ(recs.size(), 1u);
  msgs::ClientHello ch = hello_of(recs[0]);
  ASSERT_TRUE(ch.supported_versions);
  EXPECT_NE(std::find(ch.supported_versions->begin(), ch.supported_versions->end(), 0x0304),
            ch.supported_versions->end());
  EXPECT_EQ(ch.cipher_suites, config->cipher_suites);
  EXPECT_EQ(ch.supported_groups, config->groups);
  EXPECT_EQ(ch.signature_algorithms, config->signature_schemes);
  EXPECT_EQ(share_groups(ch), (std::vector<NamedGroup>{NamedGroup::x25519, NamedGroup::secp256r1}));
  EXPECT_EQ(ch.server_name, std::optional<std::string_view>("localhost"));
  EXPECT_EQ(ch.legacy_session_id.size(), 32u);
  EXPECT_TRUE(std::equal(ch.legacy_session_id.begin(), ch.legacy_session_id.end(),
                         expect->session_id.begin(), expect->session_id.end()));
  // The extensions it offered are remembered, to refuse unsolicited answers.
  EXPECT_NE(std::find(expect->offered.begin(), expect->offered.end(), ExtensionType::server_name),
            expect->offered.end());
}

// RFC 6066 section 3: a literal IP address is never sent as a HostName.
TEST(ClientStateMachine, AnAddressIsNotSentAsServerName) {
  auto cx = testing::client_context(client_config(client_builder(kP256)), "192.0.2.1");
  Result<ClientState> s = client_start(*cx);
  ASSERT_TRUE(s.ok());
  std::vector<Bytes> recs = records(take_output(*cx));
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_FALSE(hello_of(recs[0]).server_name);
  const auto& offered = std::get<ClientExpectServerHello>(s.value()).offered;
  EXPECT_EQ(std::find(offered.begin(), offered.end(), ExtensionType::server_name), offered.end());
}

TEST(ClientStateMachine, ExpectsAServerHelloFirst) {
  StatePair p(client_config(client_builder(kP256)), server_config(server_builder(kP256)),
              "localhost");
  ASSERT_TRUE(p.start.ok());
  Bytes encoded = msgs::encode(msgs::EncryptedExtensions{});
  Result<ClientState> r = client_handle(std::move(p.client_state), *p.client, as_message(encoded));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().alert, AlertDescription::unexpected_message);
}

// ServerHelloCase is a StatePair whose server has answered: the ServerHello it sent, parsed,
// for a test to change one field of and hand to the client state machine.
struct ServerHelloCase {
  StatePair p;
  Bytes server_hello;  // the encoded message, header included
  explicit ServerHelloCase(std::shared_ptr<const ServerConfig> server)
      : p(client_config(client_builder(kP256)
                            .groups({NamedGroup::x25519, NamedGroup::secp256r1})
                            .key_share_groups({NamedGroup::x25519})
                            .cipher_suites({kAes128, CipherSuite::TLS_CHACHA20_POLY1305_SHA256})),
          std::move(server), "localhost") {
    EXPECT_TRUE(p.start.ok());
    EXPECT_TRUE(p.to_server().ok());
    std::vector<Bytes> recs = records(take_output(*p.server));
    EXPECT_FALSE(recs.empty());
    server_hello.assign(recs[0].begin() + record::kHeaderLen, recs[0].end());
  }
  msgs::ServerHello parsed() const {
    auto sh = msgs::parse_server_hello(ByteView(server_hello).subspan(4));
    EXPECT_TRUE(sh.ok());
    return sh.ok() ? std::move(sh).value() : msgs::ServerHello{};
  }
  Result<ClientState> answer(const msgs::ServerHello& sh) {
    Bytes encoded = msgs::encode(sh);
    return client_handle(std::move(p.client_state), *p.client, as_message(encoded));
  }
};

TEST(ClientStateMachine, TheServerHelloAsSentIsAccepted) {
  ServerHelloCase c(server_config(server_builder(kP256)));
  Result<ClientState> r = c.answer(c.parsed());
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_TRUE(std::holds_alternative<ClientExpectEncryptedExtensions>(r.value()));
  EXPECT_EQ(c.p.client->negotiated.suite, kAes128);
  EXPECT_EQ(c.p.client->negotiated.group, NamedGroup::x25519);
}

// RFC 8446 section 4.1.3: "A client which receives a cipher suite that was not offered MUST
// abort the handshake with an "illegal_parameter" alert."
TEST(ClientStateMachine, RefusesAServerHelloWithAnUnofferedSuite) {
  const CipherSuite unoffered[] = {CipherSuite::TLS_AES_256_GCM_SHA384,
                                   CipherSuite::TLS_AES_128_CCM_SHA256,
                                   static_cast<CipherSuite>(0xc02f)};
  for (CipherSuite suite : unoffered) {
    ServerHelloCase c(server_config(server_builder(kP256)));
    msgs::ServerHello sh = c.parsed();
    sh.cipher_suite = suite;
    Result<ClientState> r = c.answer(sh);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().alert, AlertDescription::illegal_parameter);
  }
}

// RFC 8446 sections 4.1.3, 4.2.1 and 4.2.8: the session id is echoed, the version is one the
// client offered, and the server's share is in a group the client sent a share for.
TEST(ClientStateMachine, RefusesAnInconsistentServerHello) {
  const uint8_t other_id[32] = {1};
  struct Row {
    const char* what;
    std::function<void(msgs::ServerHello&)> change;
    const char* reason;
  };
  const Row rows[] = {
      {"session id", [&](msgs::ServerHello& sh) { sh.legacy_session_id_echo = other_id; },
       "legacy_session_id_echo does not match the ClientHello"},
      {"version", [](msgs::ServerHello& sh) { sh.selected_version = 0x0303; },
       "server selected a version that was not offered"},
      {"share group",
       [](msgs::ServerHello& sh) {
         sh.key_share = msgs::KeyShareEntry{NamedGroup::secp256r1, sh.key_share->key_exchange};
       },
       "server key share is for a group the client did not share"},
  };
  for (const Row& row : rows) {
    ServerHelloCase c(server_config(server_builder(kP256)));
    msgs::ServerHello sh = c.parsed();
    row.change(sh);
    Result<ClientState> r = c.answer(sh);
    ASSERT_FALSE(r.ok()) << row.what;
    EXPECT_EQ(r.error().alert, AlertDescription::illegal_parameter) << row.what;
    EXPECT_EQ(r.error().reason, row.reason);
  }
}

// RFC 8446 section 4.1.4: after a HelloRetryRequest the client sends a second ClientHello with
// one share, of the group asked for (section 4.1.2), and waits for the ServerHello again.
TEST(ClientStateMachine, HelloRetryRequestLeadsToASecondClientHello) {
  ServerHelloCase c(server_config(server_builder(kP256).groups({NamedGroup::secp256r1})));
  msgs::ServerHello hrr = c.parsed();
  ASSERT_TRUE(hrr.is_hello_retry_request);
  ASSERT_EQ(hrr.selected_group, NamedGroup::secp256r1);
  Result<ClientState> r = c.answer(hrr);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  const auto* again = std::get_if<ClientExpectServerHello>(&r.value());
  ASSERT_NE(again, nullptr);
  EXPECT_TRUE(again->after_hello_retry);
  EXPECT_EQ(again->hello_retry_suite, kAes128);
  ASSERT_EQ(again->shares.size(), 1u);
  EXPECT_EQ(again->shares[0]->group(), NamedGroup::secp256r1);
  EXPECT_TRUE(c.p.client->negotiated.hello_retry_request);

  // Middlebox compatibility: a change_cipher_spec, then the second ClientHello, whose record
  // version is 0x0303 (RFC 8446 section 5.1).
  std::vector<Bytes> recs = records(take_output(*c.p.client));
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0], Bytes(std::begin(kCcsRecord), std::end(kCcsRecord)));
  EXPECT_EQ(recs[1][1], 0x03);
  EXPECT_EQ(recs[1][2], 0x03);
  msgs::ClientHello ch2 = hello_of(recs[1]);
  EXPECT_EQ(share_groups(ch2), std::vector<NamedGroup>{NamedGroup::secp256r1});

  // "If a client receives a second HelloRetryRequest in the same connection ..., it MUST abort
  // the handshake with an "unexpected_message" alert."
  Bytes encoded = msgs::encode(hrr);
  Result<ClientState> second =
      client_handle(std::move(r.value()), *c.p.client, as_message(encoded));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().alert, AlertDescription::unexpected_message);
}

// RFC 8446 section 4.2.8: the group a HelloRetryRequest selects must be one the client
// supports and one it did not already send a share for.
TEST(ClientStateMachine, RefusesAHelloRetryRequestForABadGroup) {
  for (NamedGroup g : {NamedGroup::x25519, NamedGroup::secp384r1}) {
    ServerHelloCase c(server_config(server_builder(kP256).groups({NamedGroup::secp256r1})));
    msgs::ServerHello hrr = c.parsed();
    ASSERT_TRUE(hrr.is_hello_retry_request);
    hrr.selected_group = g;
    Result<ClientState> r = c.answer(hrr);
    ASSERT_FALSE(r.ok()) << name(g);
    EXPECT_EQ(r.error().alert, AlertDescription::illegal_parameter) << name(g);
  }
}

TEST(ClientStateMachine, FullHandshakeEndsConnected) {
  StatePair p(client_config(client_builder(kP256)), server_config(server_builder(kP256)),
              "localhost");
  ASSERT_TRUE(p.start.ok());
  ASSERT_TRUE(p.to_server().ok());
  ASSERT_TRUE(p.to_client().ok());
  EXPECT_TRUE(std::holds_alternative<ClientConnected>(p.client_state));
  EXPECT_TRUE(p.client->handshake_done);
  EXPECT_EQ(p.client->negotiated.peer_scheme, SignatureScheme::ecdsa_secp256r1_sha256);
  EXPECT_EQ(p.client->negotiated.peer_certificates.size(), 2u);

  // Handshake messages after the handshake belong to the connection, not to this machine.
  Bytes encoded;
  Result<ClientState> r =
      client_handle(std::move(p.client_state), *p.client,
                    handshake_message(HandshakeType::server_hello, Bytes{0}, encoded));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().alert, AlertDescription::unexpected_message);
}

}  // namespace
}  // namespace glasstls::conn
