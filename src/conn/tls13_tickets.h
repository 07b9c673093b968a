// tls13_tickets.h: what a glasstls server puts in a TLS 1.3 ticket, sealed under its ticket key
// ring (glasstls/session.h) so that the ticket alone lets it resume the session.
//
// A ticket is key_name (16) || nonce (12) || AES-256-GCM(state) || tag (16), with key_name as
// the additional data. The state is a version byte (1), the cipher suite (2), the issue time in
// milliseconds (8), ticket_age_add (4), the lifetime in seconds (4), flags (1: bit 0, the client
// authenticated with a certificate; bit 1, early data allowed), then the PSK, the server name and
// the ALPN protocol, each with a one-byte length.
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

struct TicketState {
  CipherSuite suite{};
  Secret psk;
  uint64_t issued_ms = 0;
  uint32_t age_add = 0;
  uint32_t lifetime_s = 0;
  bool client_authenticated = false;
  // early_data: the ticket was issued with an early_data extension, so 0-RTT data may come
  // with it (flags bit 1).
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
// key of the ring sealed it, it was altered, or it is malformed.
std::optional<TicketState> open_ticket(const crypto::CryptoProvider& provider,
                                       const TicketKeys& keys, ByteView ticket);

}  // namespace glasstls::conn
