// tls13_session.h: the TLS 1.3 rules of a connection outside the handshake state machines.
//
// The client and server state machines (src/client/tls13.cc, src/server/tls13.cc) derive the
// application traffic secrets and the exporter master secret into a Tls13Session, and send the
// middlebox-compatibility change_cipher_spec record through it. The connection then calls it,
// as its VersionRules, for change_cipher_spec records (RFC 8446 section 5), post-handshake
// messages (section 4.6), key updates (sections 4.6.3 and 5.5) and exporters (section 7.5).
// A TLS 1.2 implementation of VersionRules would sit beside it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "conn/version_rules.h"
#include "glasstls/connection.h"
#include "glasstls/secret.h"
#include "msgs/handshake.h"

namespace glasstls::conn {

struct Context;

// The middlebox-compatibility CCS record: 14 03 03 00 01 01.
inline constexpr uint8_t kCcsRecord[6] = {0x14, 0x03, 0x03, 0x00, 0x01, 0x01};

// kMaxKeptSessionTickets caps ClientConfig::keep_session_tickets.
inline constexpr size_t kMaxKeptSessionTickets = 16;

// kMaxKeyUpdates is how many KeyUpdates in a row, without application data between them, a
// peer may send before the connection ends (as BoringSSL and OpenSSL bound them).
inline constexpr unsigned kMaxKeyUpdates = 32;
static_assert(kMaxKeyUpdates < std::numeric_limits<decltype(PeerActivity::key_changes)>::max());

// Tls13Session is the TLS 1.3 part of a connection that the handshake leaves behind: the
// application traffic secrets, the exporter master secret, and the tickets kept for the caller.
class Tls13Session final : public VersionRules {
 public:
  // Application traffic secrets and the exporter master secret, set by the state machine when
  // it derives them from the server Finished (empty before).
  Secret client_app_secret;
  Secret server_app_secret;
  Secret exporter_master;
  // resumption_master is the client's resumption_master_secret (RFC 8446 section 7.1), from
  // which the PSK of each ticket the server sends is derived; empty on a server and on a client
  // that keeps no sessions.
  Secret resumption_master;
  // early_exporter_master is the early_exporter_master_secret, once a client offered 0-RTT
  // data or a server accepted it (empty otherwise).
  Secret early_exporter_master;
  // early_status: what became of 0-RTT data. early_room: the bytes a client may still send,
  // or a server still accept, as 0-RTT data. early_open: a client may still write early data
  // (until its EndOfEarlyData), or a server still reads it (until the client's
  // EndOfEarlyData).
  EarlyDataStatus early_status = EarlyDataStatus::kNotOffered;
  // early_suite: the cipher suite of the session the early data goes under (its hash is the
  // early exporter's).
  CipherSuite early_suite{};
  bool early_open = false;
  uint32_t early_room = 0;
  // ccs_sent: the middlebox-compatibility change_cipher_spec record went out (send_ccs).
  bool ccs_sent = false;

  Status change_cipher_spec(const Context& cx, ByteView fragment, bool hello_seen) override;
  Status post_handshake(Context& cx, const msgs::HandshakeMessage& m,
                        PeerActivity& activity) override;
  Status answer(Context& cx) override;
  Status write_key_exhausted(Context& cx) override;
  Status key_update(Context& cx, bool request_peer_update) override;
  Result<Bytes> export_keying_material(const Context& cx, std::string_view label, ByteView context,
                                       size_t length) const override;
  const std::vector<SessionTicket>& session_tickets() const override;
  uint64_t key_updates_received() const override { return key_updates_received_; }

 private:
  // send_key_update sends a KeyUpdate and switches to the next sending key (section 4.6.3).
  Status send_key_update(Context& cx, bool request);
  Status new_session_ticket(Context& cx, const msgs::HandshakeMessage& m);
  Status receive_key_update(Context& cx, const msgs::HandshakeMessage& m, PeerActivity& activity);

  // tickets_ are the tickets kept for the caller (a client asked to keep some); boxed, since
  // most connections never keep one.
  std::unique_ptr<std::vector<SessionTicket>> tickets_;
  uint64_t key_updates_received_ = 0;
};

// send_ccs writes the middlebox-compatibility change_cipher_spec record (always plaintext) and
// notes it in cx.tls13.ccs_sent.
void send_ccs(Context& cx);

}  // namespace glasstls::conn
