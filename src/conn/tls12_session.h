// tls12_session.h: the TLS 1.2 rules of a connection outside the handshake state machines.
//
// The client and server state machines (src/client/tls12.cc, src/server/tls12.cc) derive the
// master secret into a Tls12Session. The connection then calls it, as its VersionRules, for
// change_cipher_spec records after the handshake, post-handshake messages (a HelloRequest or a
// renegotiating ClientHello, both refused with a no_renegotiation warning), an exhausted
// sending key (TLS 1.2 cannot update keys), and exporters (RFC 5705, with the extended master
// secret only). During the handshake, change_cipher_spec belongs to the state machine (it
// switches the read key): the connection hands it there, not here.
#pragma once

#include <cstddef>
#include <cstdint>
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

// kMaxRenegotiationRequests bounds the renegotiation requests a peer may make without
// application data between them; each gets a no_renegotiation warning.
inline constexpr unsigned kMaxRenegotiationRequests = 4;

// Tls12Session is the TLS 1.2 part of a connection that the handshake leaves behind: the master
// secret and the randoms the exporter needs, and what was negotiated about the records.
class Tls12Session final : public VersionRules {
 public:
  Secret master_secret;
  // client_random || server_random, for exporters (RFC 5705 section 4).
  Bytes randoms;
  bool extended_master_secret = false;
  bool encrypt_then_mac = false;

  Status change_cipher_spec(const Context& cx, ByteView fragment, bool hello_seen) override;
  Status post_handshake(Context& cx, const msgs::HandshakeMessage& m,
                        PeerActivity& activity) override;
  Status answer(Context& cx) override;
  Status write_key_exhausted(Context& cx) override;
  Status key_update(Context& cx, bool request_peer_update) override;
  Result<Bytes> export_keying_material(const Context& cx, std::string_view label, ByteView context,
                                       size_t length) const override;
  const std::vector<SessionTicket>& session_tickets() const override { return no_tickets_; }
  uint64_t key_updates_received() const override { return 0; }

 private:
  std::vector<SessionTicket> no_tickets_;
};

}  // namespace glasstls::conn
