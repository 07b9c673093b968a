// HelloRetryRequest handling on both sides, driven by scripted messages.
#include <gtest/gtest.h>

#include "api/harness.h"
#include "msgs/handshake.h"

namespace glasstls {
namespace {

using testing::client_builder;
using testing::server_builder;

Bytes record(ContentType type, ByteView body) {
  Bytes out(5 + body.size());
  out[0] = static_cast<uint8_t>(type);
  out[1] = 3;
  out[2] = 3;
  out[3] = static_cast<uint8_t>(body.size() >> 8);
  out[4] = static_cast<uint8_t>(body.size());
  std::copy(body.begin(), body.end(), out.begin() + 5);
  return out;
}

// Records splits wire bytes into (type, body) pairs.
std::vector<std::pair<ContentType, Bytes>> records(ByteView wire) {
  std::vector<std::pair<ContentType, Bytes>> out;
  size_t off = 0;
  while (off + 5 <= wire.size()) {
    size_t len = (size_t{wire[off + 3]} << 8) | wire[off + 4];
    out.emplace_back(static_cast<ContentType>(wire[off]),
                     Bytes(wire.begin() + off + 5, wire.begin() + off + 5 + len));
    off += 5 + len;
  }
  return out;
}

struct ClientSide {
  Connection client;
  Bytes ch1;  // the first ClientHello message (handshake header and body)
  msgs::ClientHello parsed;

  static ClientSide make() {
    auto ccfg = client_builder(crypto::KeyType::kEcdsaP256).build();
    auto c = Connection::client(*ccfg, "localhost");
    ClientSide s{std::move(c).value(), {}, {}};
    auto recs = records(s.client.output());
    s.ch1 = recs.at(0).second;
    s.client.consume_output(s.client.output().size());
    s.parsed = std::move(msgs::parse_client_hello(ByteView(s.ch1).subspan(4))).value();
    return s;
  }

  Bytes hrr(std::optional<NamedGroup> group, std::optional<Bytes> cookie,
            CipherSuite suite = CipherSuite::TLS_AES_128_GCM_SHA256) {
    msgs::ServerHello h;
    h.random = ByteView(msgs::kHelloRetryRequestRandom, 32);
    h.legacy_session_id_echo = parsed.legacy_session_id;
    h.cipher_suite = suite;
    h.is_hello_retry_request = true;
    h.selected_version = 0x0304;
    h.selected_group = group;
    cookie_ = std::move(cookie);
    if (cookie_) {
      h.cookie = ByteView(*cookie_);
    }
    return record(ContentType::handshake, msgs::encode(h));
  }
  std::optional<Bytes> cookie_;
};

TEST(ClientHelloRetry, EchoesCookieAndSendsTheRequestedShare) {
  auto s = ClientSide::make();
  Bytes cookie = {'c', '0', '0', 'k', 'i', 'e'};
  ASSERT_TRUE(s.client.receive(s.hrr(NamedGroup::secp384r1, cookie)).ok());
  auto recs = records(s.client.output());
  // Compatibility mode: a CCS comes before the second ClientHello.
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].first, ContentType::change_cipher_spec);
  ASSERT_EQ(recs[1].first, ContentType::handshake);
  auto ch2 = msgs::parse_client_hello(ByteView(recs[1].second).subspan(4));
  ASSERT_TRUE(ch2.ok());
  ASSERT_TRUE(ch2->cookie.has_value());
  EXPECT_EQ(Bytes(ch2->cookie->begin(), ch2->cookie->end()), cookie);
  ASSERT_EQ(ch2->key_shares->size(), 1u);
  EXPECT_EQ(ch2->key_shares->front().group, NamedGroup::secp384r1);
  EXPECT_EQ(Bytes(ch2->random.begin(), ch2->random.end()),
            Bytes(s.parsed.random.begin(), s.parsed.random.end()));
  EXPECT_EQ(Bytes(ch2->legacy_session_id.begin(), ch2->legacy_session_id.end()),
            Bytes(s.parsed.legacy_session_id.begin(), s.parsed.legacy_session_id.end()));
}

TEST(ClientHelloRetry, CookieOnlyKeepsTheShares) {
  auto s = ClientSide::make();
  ASSERT_TRUE(s.client.receive(s.hrr(std::nullopt, Bytes{1, 2, 3})).ok());
  auto recs = records(s.client.output());
  auto ch2 = msgs::parse_client_hello(ByteView(recs.back().second).subspan(4));
  ASSERT_TRUE(ch2.ok());
  EXPECT_EQ(ch2->key_shares->size(), s.parsed.key_shares->size());
  EXPECT_TRUE(ch2->cookie.has_value());
}

TEST(ClientHelloRetry, GroupAlreadySharedIsIllegalParameter) {
  auto s = ClientSide::make();
  Status st = s.client.receive(s.hrr(NamedGroup::x25519, std::nullopt));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().alert, AlertDescription::illegal_parameter);
}

TEST(ClientHelloRetry, GroupNotOfferedIsIllegalParameter) {
  auto s = ClientSide::make();
  Status st = s.client.receive(s.hrr(NamedGroup::x448, std::nullopt));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().alert, AlertDescription::illegal_parameter);
}

TEST(ClientHelloRetry, NoChangeRequestedIsIllegalParameter) {
  auto s = ClientSide::make();
  Status st = s.client.receive(s.hrr(std::nullopt, std::nullopt));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().alert, AlertDescription::illegal_parameter);
}

TEST(ClientHelloRetry, ServerHelloWithAnotherSuiteIsIllegalParameter) {
  auto s = ClientSide::make();
  ASSERT_TRUE(s.client.receive(s.hrr(NamedGroup::secp384r1, std::nullopt)).ok());
  s.client.consume_output(s.client.output().size());
  msgs::ServerHello sh;
  Bytes random(32, 1);
  Bytes share(97, 4);
  sh.random = random;
  sh.legacy_session_id_echo = s.parsed.legacy_session_id;
  sh.cipher_suite = CipherSuite::TLS_AES_256_GCM_SHA384;
  sh.selected_version = 0x0304;
  sh.key_share = msgs::KeyShareEntry{NamedGroup::secp384r1, share};
  Status st = s.client.receive(record(ContentType::handshake, msgs::encode(sh)));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().alert, AlertDescription::illegal_parameter);
}

// Server side: a client whose only share is X25519 talks to a P-384-only server.
struct ServerSide {
  Connection server;
  Connection client;
  static ServerSide make() {
    auto scfg = server_builder(crypto::KeyType::kEcdsaP256).groups({NamedGroup::secp384r1}).build();
    auto ccfg = client_builder(crypto::KeyType::kEcdsaP256)
                    .groups({NamedGroup::x25519, NamedGroup::secp384r1})
                    .key_share_groups({NamedGroup::x25519})
                    .build();
    ServerSide s{std::move(Connection::server(*scfg)).value(),
                 std::move(Connection::client(*ccfg, "localhost")).value()};
    return s;
  }
};

TEST(ServerHelloRetry, SendsHelloRetryRequestForItsGroup) {
  auto s = ServerSide::make();
  ASSERT_TRUE(testing::transfer(s.client, s.server));
  auto recs = records(s.server.output());
  ASSERT_GE(recs.size(), 1u);
  auto hrr = msgs::parse_server_hello(ByteView(recs[0].second).subspan(4));
  ASSERT_TRUE(hrr.ok());
  EXPECT_TRUE(hrr->is_hello_retry_request);
  EXPECT_EQ(hrr->selected_group, NamedGroup::secp384r1);
  EXPECT_EQ(hrr->selected_version, 0x0304);
  // Middlebox compatibility: the client sent a session ID, so a CCS follows the HRR.
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[1].first, ContentType::change_cipher_spec);
  ASSERT_TRUE(testing::handshake(s.client, s.server));
  EXPECT_TRUE(s.client.hello_retry_request());
  EXPECT_TRUE(s.server.hello_retry_request());
  EXPECT_EQ(s.server.group(), NamedGroup::secp384r1);
}

TEST(ServerHelloRetry, SecondHelloWithoutRequestedShareIsIllegalParameter) {
  auto s = ServerSide::make();
  Bytes ch1(s.client.output().begin(), s.client.output().end());
  ASSERT_TRUE(testing::transfer(s.client, s.server));
  s.server.consume_output(s.server.output().size());
  // The first ClientHello again (same session ID, still only an X25519 share) as the second.
  Status st = s.server.receive(ch1);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().alert, AlertDescription::illegal_parameter);
  EXPECT_NE(st.error().reason.find("requested share"), std::string::npos) << st.error().reason;
}

}  // namespace
}  // namespace glasstls
