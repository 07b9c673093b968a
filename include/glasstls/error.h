// error.h: how glasstls reports failure.
#pragma once

#include <cstdint>
#include <string>

#include "glasstls/types.h"

namespace glasstls {

// ErrorKind says in which broad class a failure lies. The categories follow where the fault
// is: the peer's bytes, the peer's behaviour, the configuration, or our own side.
enum class ErrorKind : uint8_t {
  // InvalidMessage: the peer sent bytes that do not decode (a codec rejected them).
  kInvalidMessage,
  // PeerMisbehaved: the peer sent well-formed messages that break a protocol rule.
  kPeerMisbehaved,
  // PeerIncompatible: the peer offers nothing we accept (versions, suites, groups, ALPN, ...).
  kPeerIncompatible,
  // InvalidCertificate: the peer's certificate is unusable or not trusted.
  kInvalidCertificate,
  // AlertReceived: the peer sent a fatal alert (or closed before the handshake completed).
  kAlertReceived,
  // BadConfig: the caller's configuration or call is invalid.
  kBadConfig,
  // Internal: a local failure (the crypto provider, a broken invariant).
  kInternal,
  // Transport: the socket under the connection closed or failed (an I/O adapter reports it;
  // the sans-IO core never does). No alert was received, and `alert` means nothing.
  kTransport,
};

// Error is a failure with the alert that goes (or came) over the wire and a precise reason.
struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  // alert is the alert we sent, or, for kAlertReceived, the alert the peer sent.
  AlertDescription alert = AlertDescription::internal_error;
  // reason is a human-readable explanation naming the rule or field at fault.
  std::string reason;

  // to_string renders the error as "alert_name: reason" ("received alert alert_name: reason"
  // for kAlertReceived, "transport: reason" for kTransport).
  std::string to_string() const;
};

// name returns the spelling of an ErrorKind ("invalid message", "peer misbehaved", ...).
const char* name(ErrorKind kind);

}  // namespace glasstls
