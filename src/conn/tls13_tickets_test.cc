// tls13_tickets_test.cc: sealing and opening TLS 1.3 tickets (tls13_tickets.h): the state comes
// back whole under any key of the ring, and a ticket altered anywhere, sealed under a key the
// ring does not hold, or whose state is malformed, is refused.
#include "conn/tls13_tickets.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace glasstls::conn {
namespace {

TicketKey key(uint8_t name, uint8_t fill) {
  TicketKey k;
  k.name.fill(name);
  k.key = Secret(Bytes(32, fill));
  return k;
}

std::shared_ptr<TicketKeys> ring(std::vector<std::pair<uint8_t, uint8_t>> keys) {
  std::vector<TicketKey> v;
  for (auto [name, fill] : keys) {
    v.push_back(key(name, fill));
  }
  return std::make_shared<TicketKeys>(std::move(v));
}

TicketState sample() {
  TicketState s;
  s.suite = CipherSuite::TLS_AES_256_GCM_SHA384;
  s.psk = Secret(Bytes(48, 0x11));
  s.issued_ms = 1'700'000'000'123;
  s.age_add = 0x01020304;
  s.lifetime_s = 7200;
  s.client_authenticated = true;
  s.early_data = true;
  s.server_name = "example.test";
  s.alpn = "h2";
  return s;
}

void expect_same(const TicketState& a, const TicketState& b) {
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.encrypt_then_mac, b.encrypt_then_mac);
  EXPECT_EQ(a.suite, b.suite);
  EXPECT_TRUE(a.psk.equals(b.psk.span()));
  EXPECT_EQ(a.issued_ms, b.issued_ms);
  EXPECT_EQ(a.age_add, b.age_add);
  EXPECT_EQ(a.lifetime_s, b.lifetime_s);
  EXPECT_EQ(a.client_authenticated, b.client_authenticated);
  EXPECT_EQ(a.early_data, b.early_data);
  EXPECT_EQ(a.server_name, b.server_name);
  EXPECT_EQ(a.alpn, b.alpn);
}

const crypto::CryptoProvider& provider() { return crypto::openssl_provider(); }

TEST(Tls13Tickets, SealedStateOpensWholeAndStartsWithTheKeyName) {
  auto keys = ring({{0xa1, 1}});
  auto ticket = seal_ticket(provider(), *keys, sample());
  ASSERT_TRUE(ticket.ok());
  EXPECT_EQ(Bytes(ticket->begin(), ticket->begin() + 16), Bytes(16, 0xa1));
  auto opened = open_ticket(provider(), *keys, *ticket);
  ASSERT_TRUE(opened);
  expect_same(*opened, sample());
  // The state is encrypted: the PSK and the name are nowhere in the clear.
  const std::string text(ticket->begin(), ticket->end());
  EXPECT_EQ(text.find("example.test"), std::string::npos);
}

TEST(Tls13Tickets, EveryAlteredByteIsRefused) {
  auto keys = ring({{0xa1, 1}});
  auto ticket = seal_ticket(provider(), *keys, sample());
  ASSERT_TRUE(ticket.ok());
  for (size_t i = 0; i < ticket->size(); i++) {
    Bytes bad = *ticket;
    bad[i] ^= 0x80;
    EXPECT_FALSE(open_ticket(provider(), *keys, bad)) << "byte " << i;
  }
  EXPECT_FALSE(open_ticket(provider(), *keys, ByteView(*ticket).first(ticket->size() - 1)));
  EXPECT_FALSE(open_ticket(provider(), *keys, {}));
}

TEST(Tls13Tickets, ARotatedRingOpensOldTicketsAndSealsWithTheNewKey) {
  auto old_ring = ring({{0xa1, 1}});
  auto old_ticket = seal_ticket(provider(), *old_ring, sample());
  ASSERT_TRUE(old_ticket.ok());
  auto rotated = ring({{0xb2, 2}, {0xa1, 1}});
  EXPECT_TRUE(open_ticket(provider(), *rotated, *old_ticket));
  auto new_ticket = seal_ticket(provider(), *rotated, sample());
  ASSERT_TRUE(new_ticket.ok());
  EXPECT_EQ((*new_ticket)[0], 0xb2);
  // A ring without the old key refuses its tickets; one key of the same name but other bytes
  // too.
  EXPECT_FALSE(open_ticket(provider(), *ring({{0xb2, 2}}), *old_ticket));
  EXPECT_FALSE(open_ticket(provider(), *ring({{0xa1, 9}}), *old_ticket));
  // An empty ring seals nothing.
  EXPECT_FALSE(seal_ticket(provider(), *ring({}), sample()).ok());
}

TEST(Tls13Tickets, MalformedStatesAreRefused) {
  auto plain = encode_ticket_state(sample());
  ASSERT_TRUE(plain.ok());
  ASSERT_TRUE(parse_ticket_state(*plain));
  Bytes longer = *plain;
  longer.push_back(0);
  EXPECT_FALSE(parse_ticket_state(longer)) << "trailing byte";
  for (size_t n = 0; n < plain->size(); n++) {
    EXPECT_FALSE(parse_ticket_state(ByteView(*plain).first(n))) << "cut at " << n;
  }
  Bytes other_version = *plain;
  other_version[0] = 3;  // 1 is a TLS 1.3 state, 2 a TLS 1.2 one
  EXPECT_FALSE(parse_ticket_state(other_version));
  TicketState no_psk = sample();
  no_psk.psk = Secret();
  auto empty_psk = encode_ticket_state(no_psk);
  ASSERT_TRUE(empty_psk.ok());
  EXPECT_FALSE(parse_ticket_state(*empty_psk));
}

// A TLS 1.2 session (RFC 5077 ticket or session-ID cache entry) has its own state version: it
// comes back whole, flags included, when asked for as TLS 1.2, and never as a TLS 1.3 ticket
// (nor a TLS 1.3 one as TLS 1.2).
TEST(Tls13Tickets, Tls12StateOpensOnlyAsTls12) {
  auto keys = ring({{0xa1, 1}});
  TicketState s = sample();
  s.version = ProtocolVersion::TLSv1_2;
  s.suite = CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA;
  s.age_add = 0;
  s.encrypt_then_mac = true;
  s.early_data = false;  // TLS 1.3 only
  auto ticket = seal_ticket(provider(), *keys, s);
  ASSERT_TRUE(ticket.ok());
  EXPECT_FALSE(open_ticket(provider(), *keys, *ticket).has_value());
  auto opened = open_ticket(provider(), *keys, *ticket, ProtocolVersion::TLSv1_2);
  ASSERT_TRUE(opened.has_value());
  expect_same(*opened, s);

  auto tls13 = seal_ticket(provider(), *keys, sample());
  ASSERT_TRUE(tls13.ok());
  EXPECT_FALSE(open_ticket(provider(), *keys, *tls13, ProtocolVersion::TLSv1_2).has_value());

  // The plaintext form is what a server caches under a session ID.
  auto plain = encode_ticket_state(s);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ((*plain)[0], 2);
  auto parsed = parse_ticket_state(*plain);
  ASSERT_TRUE(parsed.has_value());
  expect_same(*parsed, s);
  // encrypt-then-MAC is a TLS 1.2 flag: a TLS 1.3 state carrying it is malformed.
  (*plain)[0] = 1;
  EXPECT_FALSE(parse_ticket_state(*plain).has_value());
}

TEST(Tls13Tickets, SealedWithCurrentKeyFollowsRotation) {
  auto keys = ring({{0xa1, 1}});
  auto ticket = seal_ticket(provider(), *keys, sample());
  ASSERT_TRUE(ticket.ok());
  EXPECT_TRUE(sealed_with_current_key(*keys, *ticket));
  std::vector<TicketKey> rotated;
  rotated.push_back(key(0xb2, 2));
  rotated.push_back(key(0xa1, 1));
  keys->replace(std::move(rotated));
  EXPECT_FALSE(sealed_with_current_key(*keys, *ticket));
  EXPECT_TRUE(open_ticket(provider(), *keys, *ticket).has_value());
  EXPECT_FALSE(sealed_with_current_key(*keys, ByteView()));
}

}  // namespace
}  // namespace glasstls::conn

namespace glasstls::conn {
namespace {

// A fleet shares keys, not a clock: a ticket issued up to a minute "in the future" (by a server
// whose clock runs ahead) is still resumed; further ahead, or past its lifetime, it is not.
TEST(Tls13Tickets, ExpiryAllowsAMinuteOfClockSkewBetweenServers) {
  const uint64_t issued = 1'700'000'000'000;
  EXPECT_FALSE(ticket_expired(issued, 7200, issued));
  EXPECT_FALSE(ticket_expired(issued, 7200, issued + 7'200'000));
  EXPECT_TRUE(ticket_expired(issued, 7200, issued + 7'200'001));
  EXPECT_FALSE(ticket_expired(issued, 7200, issued - 30'000)) << "issuer 30 s ahead";
  EXPECT_FALSE(ticket_expired(issued, 7200, issued - kTicketClockSkewMs));
  EXPECT_TRUE(ticket_expired(issued, 7200, issued - kTicketClockSkewMs - 1));
  EXPECT_TRUE(ticket_expired(issued, 0, issued + 1));
}

}  // namespace
}  // namespace glasstls::conn
