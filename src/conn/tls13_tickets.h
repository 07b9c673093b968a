// tls13_tickets.h: what a glasstls server puts in a ticket, TLS 1.3's or TLS 1.2's (RFC 5077),
// sealed under its ticket key ring (glasstls/session.h) so that the ticket alone lets it resume
// the session; the same state, unsealed, is what it keeps under a TLS 1.2 session ID in its
// ServerSessionStore.
//
// A ticket is key_name (16) || nonce (12) || AES-256-GCM(state) || tag (16), with key_name as
// the additional data. The state is a version byte (1 for a TLS 1.3 session, 2 for a TLS 1.2
// one), the cipher suite (2), the issue time in milliseconds (8), ticket_age_add (4, zero in
// TLS 1.2), the lifetime in seconds (4), flags (1: bit 0, the client authenticated with a
// certificate; bit 1, TLS 1.2 records use encrypt-then-MAC; bit 2, early data allowed, TLS 1.3
// only), then the PSK (in TLS 1.2 the master secret, always an extended one), the server name
// and the ALPN protocol, each with a one-byte length.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "glasstls/crypto.h"
#include "glasstls/secret.h"
#include "glasstls/session.h"
#include "glasstls/types.h"

namespace glasstls::conn {

// kTicketClockSkewMs is how far in the future a ticket's issue time may lie and still be
// resumed: the servers of a fleet share ticket keys but not a clock, and a ticket issued by one
// whose clock runs ahead must not be refused by the others until their clocks catch up.
inline constexpr uint64_t kTicketClockSkewMs = 60'000;

// ticket_expired says whether a ticket issued at `issued_ms` for `lifetime_s` seconds cannot be
// resumed at `now_ms`: past its lifetime, or issued further in the future than the skew allows.
inline bool ticket_expired(uint64_t issued_ms, uint32_t lifetime_s, uint64_t now_ms) {
  if (issued_ms > now_ms) {
    return issued_ms - now_ms > kTicketClockSkewMs;
  }
  return now_ms - issued_ms > uint64_t{lifetime_s} * 1000;
}

struct TicketState {
  // version is the session's protocol version: a ticket is resumed only in that version.
  ProtocolVersion version = ProtocolVersion::TLSv1_3;
  CipherSuite suite{};
  Secret psk;
  uint64_t issued_ms = 0;
  uint32_t age_add = 0;
  uint32_t lifetime_s = 0;
  bool client_authenticated = false;
  bool encrypt_then_mac = false;  // TLS 1.2 only
  // early_data: the ticket was issued with an early_data extension, so 0-RTT data may come
  // with it (TLS 1.3 only; flags bit 2).
  bool early_data = false;
  std::string server_name;
  std::string alpn;  // empty: none negotiated
};

// encode_ticket_state and parse_ticket_state are the state's plaintext form (above);
// parse_ticket_state refuses (nullopt) anything but exactly one well-formed state.
Result<Bytes> encode_ticket_state(const TicketState& state);
std::optional<TicketState> parse_ticket_state(ByteView plain);

// seal_ticket seals `state` under the ring's current key; fails when the ring is empty.
Result<Bytes> seal_ticket(const crypto::CryptoProvider& provider, const TicketKeys& keys,
                          const TicketState& state);

// open_ticket opens a ticket sealed by seal_ticket under any key of the ring; nullopt when no
// key of the ring sealed it, it was altered, it is malformed, or it holds a session of another
// version than `version` (a TLS 1.2 session is never resumed in TLS 1.3, nor the reverse).
std::optional<TicketState> open_ticket(const crypto::CryptoProvider& provider,
                                       const TicketKeys& keys, ByteView ticket,
                                       ProtocolVersion version = ProtocolVersion::TLSv1_3);

// sealed_with_current_key says whether `ticket` names the ring's current (sealing) key: a
// ticket opened under an older key is renewed (RFC 5077 section 3.3).
bool sealed_with_current_key(const TicketKeys& keys, ByteView ticket);

}  // namespace glasstls::conn
