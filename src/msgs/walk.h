// walk.h: a whole handshake message read field by field, for the illustrated view.
//
// walk_handshake_message reads the header and the body of `message` through a reporting
// FieldReader (fields.h) and the codec of its type, so the view shows what the parser reads.
// Messages glasstls only shows (message_hash, CompressedCertificate, TLS 1.2's
// CertificateStatus) are read here too; the bodies of messages nothing reads are reported as
// one field.
#pragma once

#include "base/bytes.h"
#include "glasstls/types.h"
#include "msgs/fields.h"

namespace glasstls::msgs {

// walk_handshake_message reports every field of `message`, header included, to `sink`, with
// offsets from the message's first byte. It never fails: what cannot be read is reported as
// malformed.
void walk_handshake_message(ByteView message, FieldSink& sink);

// handshake_message_name is the struct name of a message type ("ClientHello"), from its
// iana.def explanation, or "handshake message N" for a type glasstls does not know.
std::string handshake_message_name(HandshakeType type);

}  // namespace glasstls::msgs
