// ticket_fuzzer.cc: arbitrary bytes through the ticket decoder (conn/tls13_tickets.h), for
// TLS 1.3 tickets and TLS 1.2 ones (RFC 5077) and session-ID cache entries alike.
//
// The input is read three ways: as a ticket offered to a server (open_ticket under a fixed key
// ring: anything not sealed by it must be refused, never crash), as the ticket's decrypted
// state (parse_ticket_state), and, when it parses, sealed again and opened, which must give
// back the same state (the decoder and the encoder agree). Any disagreement aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "conn/tls13_tickets.h"
#include "glasstls/crypto.h"
#include "glasstls/session.h"

namespace {

const glasstls::TicketKeys& ring() {
  static const std::shared_ptr<glasstls::TicketKeys> keys = [] {
    std::vector<glasstls::TicketKey> v(1);
    v[0].name.fill(0x5a);
    v[0].key = glasstls::Secret(std::vector<uint8_t>(32, 0x33));
    return std::make_shared<glasstls::TicketKeys>(std::move(v));
  }();
  return *keys;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace glasstls;
  const crypto::CryptoProvider& provider = crypto::openssl_provider();
  const ByteView input(data, size);
  if (conn::open_ticket(provider, ring(), input) ||
      conn::open_ticket(provider, ring(), input, ProtocolVersion::TLSv1_2)) {
    // Forging a ticket would take forging AES-256-GCM under a key the input never saw.
    std::abort();
  }
  std::optional<conn::TicketState> state = conn::parse_ticket_state(input);
  if (!state) {
    return 0;
  }
  Result<Bytes> ticket = conn::seal_ticket(provider, ring(), *state);
  if (!ticket.ok()) {
    std::abort();
  }
  std::optional<conn::TicketState> back =
      conn::open_ticket(provider, ring(), *ticket, state->version);
  const ProtocolVersion other = state->version == ProtocolVersion::TLSv1_2
                                    ? ProtocolVersion::TLSv1_3
                                    : ProtocolVersion::TLSv1_2;
  if (conn::open_ticket(provider, ring(), *ticket, other)) {
    // A session is never resumed in the other version.
    std::abort();
  }
  if (!back || back->version != state->version ||
      back->encrypt_then_mac != state->encrypt_then_mac || back->suite != state->suite ||
      back->issued_ms != state->issued_ms || back->age_add != state->age_add ||
      back->lifetime_s != state->lifetime_s ||
      back->client_authenticated != state->client_authenticated ||
      !back->psk.equals(state->psk.span()) || back->server_name != state->server_name ||
      back->alpn != state->alpn) {
    std::abort();
  }
  return 0;
}
