// version_rules.h: what a connection asks of the protocol version it speaks.
//
// The Connection (connection.cc) knows records, buffers, alerts and the latched error, and
// hands handshake messages to the handshake state machine. Everything else that depends on
// the version goes through VersionRules: what a change_cipher_spec record means, which
// handshake messages may follow the handshake, what to do when the sending key reaches its
// usage limit, a caller's key_update(), and keying material exporters. Tls13Session
// (conn/tls13_session.h) implements them for TLS 1.3.
//
// None of these is on the path of a record of application data: the connection calls them
// only for change_cipher_spec records, post-handshake messages, an exhausted key, and the
// caller's own key_update() and export_keying_material().
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "glasstls/connection.h"
#include "msgs/handshake.h"

namespace glasstls::conn {

struct Context;

// PeerActivity is what the connection keeps for its version rules between records.
struct PeerActivity {
  // key_changes counts the peer's changes of its sending key since its last application data;
  // the connection resets it when application data arrives. The rules bound it, so that a
  // peer cannot keep the connection busy changing keys and sending nothing. (16 bits: the
  // bound is far below 2^16, and the struct is per connection.)
  uint16_t key_changes = 0;
  // answer_owed is set by the rules when a message received owes the peer an answer. The
  // connection calls VersionRules::answer() once, when the receive() that set it ends.
  bool answer_owed = false;
};

// VersionRules are the rules of one protocol version for an established connection and for
// the records that are not handshake messages of the state machine. Every call that fails
// returns the error to latch (with the alert to send); the connection latches it.
class VersionRules {
 public:
  virtual ~VersionRules() = default;

  // change_cipher_spec handles a change_cipher_spec record whose content is `fragment`.
  // `hello_seen` says whether the first ClientHello has been sent or received (a client has
  // always sent it; a server has once it handled one). Ok means the record is dropped, and the
  // connection counts it as a record that carried nothing.
  virtual Status change_cipher_spec(const Context& cx, ByteView fragment, bool hello_seen) = 0;

  // post_handshake handles a handshake message `m` received after the handshake completed.
  // It may change the read key (counted in `activity.key_changes`) and may owe the peer an
  // answer (`activity.answer_owed`).
  virtual Status post_handshake(Context& cx, const msgs::HandshakeMessage& m,
                                PeerActivity& activity) = 0;

  // answer sends what post_handshake owed the peer; the connection calls it at the end of the
  // receive() that set PeerActivity::answer_owed, unless it has sent close_notify since.
  virtual Status answer(Context& cx) = 0;

  // write_key_exhausted is called before a record of application data is sealed when the
  // sending key has reached its usage limit (RecordLayer::write_key_exhausted): it must
  // install a fresh sending key, or fail.
  virtual Status write_key_exhausted(Context& cx) = 0;

  // key_update is the caller's Connection::key_update() on an established connection that has
  // not sent close_notify.
  virtual Status key_update(Context& cx, bool request_peer_update) = 0;

  // export_keying_material is the caller's Connection::export_keying_material(). It fails
  // (kBadConfig) before the handshake completed.
  virtual Result<Bytes> export_keying_material(const Context& cx, std::string_view label,
                                               ByteView context, size_t length) const = 0;

  // session_tickets are the tickets received and kept for the caller
  // (ClientConfig::keep_session_tickets), oldest first.
  virtual const std::vector<SessionTicket>& session_tickets() const = 0;
  // key_updates_received counts the peer's post-handshake changes of its sending key.
  virtual uint64_t key_updates_received() const = 0;
};

}  // namespace glasstls::conn
