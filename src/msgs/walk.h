// walk.h: a whole handshake message read field by field, for the illustrated view.
//
// walk_handshake_message reads the header and the body of `message` through a reporting
// FieldReader (fields.h) and the codec of its type, so the view shows what the parser reads.
// Messages glasstls only shows (message_hash, CompressedCertificate) are read here too; the
// bodies of messages nothing reads are reported as one field.
#pragma once

#include <optional>
#include <string>

#include "base/bytes.h"
#include "glasstls/types.h"
#include "msgs/fields.h"
#include "msgs/handshake.h"
#include "msgs/tls12.h"

namespace glasstls::msgs {

// WalkContext is what the layout of a message depends on besides its bytes: the negotiated
// version (TLS 1.2's Certificate and CertificateRequest differ from TLS 1.3's) and, in TLS 1.2,
// the suite's key exchange (ServerKeyExchange and ClientKeyExchange; without it their bodies
// are shown undecoded). The default is TLS 1.3, for messages seen before a ServerHello. A
// version older than TLS 1.2 is read with TLS 1.2's layouts where they are the same
// (Certificate, NewSessionTicket); its CertificateRequest is shown undecoded, and `kx` should
// be left unset (its ServerKeyExchange has no signature algorithm).
struct WalkContext {
  ProtocolVersion version = ProtocolVersion::TLSv1_3;
  std::optional<KeyExchangeKind> kx;
};

// walk_handshake_message reports every field of `message`, header included, to `sink`, with
// offsets from the message's first byte, reading it with the layout `context` names. It never
// fails: what cannot be read is reported as malformed.
void walk_handshake_message(ByteView message, FieldSink& sink, const WalkContext& context = {});

// peek_client_hello and peek_server_hello read a hello body from a capture as far as it goes,
// as the view does: nothing stops them and no rule is enforced, so a TLS 1.2 ServerHello, or
// a hello cut short, still gives what it holds (a field that could not be read is left empty;
// `random` is empty unless all 32 bytes were there). peek_server_hello also decodes
// supported_versions (selected_version), and returns nullopt when the fields before the
// extension block cannot all be read. For the dissector (explain/), which needs the random,
// the suite and the version before it knows whether the handshake is well formed.
ClientHello peek_client_hello(ByteView body);
std::optional<ServerHello> peek_server_hello(ByteView body);

// handshake_message_name is the struct name of a message type ("ClientHello"), from its
// iana.def explanation, or "handshake message N" for a type glasstls does not know.
std::string handshake_message_name(HandshakeType type);

}  // namespace glasstls::msgs
