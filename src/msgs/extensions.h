// extensions.h: the extension table, one row per extension type glasstls recognises.
//
// A row says in which messages the extension may appear, per protocol version (TLS 1.3: the
// table of RFC 8446 section 4.2; TLS 1.2: ClientHello and ServerHello, RFC 5246 section
// 7.4.1.4), and holds, for each message that carries it, the decoder that fills the message's
// decoded field from the extension body and the encoder that writes the extension from that
// field. The message codecs of handshake.cc check, decode and encode extension blocks through
// this table only: extension_allowed (handshake.h) reads its columns, and decode and encode
// dispatch through its codecs. The rows are in the order encode() writes the extensions.
//
// The table also answers the generic "unsolicited" check of RFC 8446 section 4.2
// (first_unsolicited): a response extension must answer one that was sent.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "glasstls/types.h"
#include "msgs/handshake.h"

namespace glasstls::msgs {

// MessageSet is a set of ExtensionContexts, one bit each (bit i is the context with value i).
using MessageSet = uint8_t;

// in_message is the MessageSet holding `context` alone.
constexpr MessageSet in_message(ExtensionContext context) {
  return static_cast<MessageSet>(1u << static_cast<unsigned>(context));
}

// ExtensionCodec is how one message type carries one extension. `decode` fills the decoded
// field of the message from the extension body and fails with the alert RFC 8446 names for a
// malformed body; nullptr means the message keeps the extension in `extensions` only. `encode`
// writes the whole extension (type, length, body) when the message's decoded field holds it,
// and returns whether it wrote it; nullptr means encode() never writes it from a field.
template <typename M>
struct ExtensionCodec {
  Status (*decode)(M& m, ByteView body) = nullptr;
  bool (*encode)(ByteWriter& w, const M& m) = nullptr;
};

// ExtensionRow is one extension: where it may appear in each version, and its codecs per
// message. `server_hello` serves both ServerHello and HelloRetryRequest (one struct); the
// codecs look at ServerHello::is_hello_retry_request where the two differ.
struct ExtensionRow {
  ExtensionType type{};
  MessageSet tls13 = 0;  // the messages of RFC 8446 section 4.2's table
  MessageSet tls12 = 0;  // kClientHello and kServerHello only
  ExtensionCodec<ClientHello> client_hello;
  ExtensionCodec<ServerHello> server_hello;
  ExtensionCodec<EncryptedExtensions> encrypted_extensions;
  ExtensionCodec<CertificateEntry> certificate;
  ExtensionCodec<CertificateRequest> certificate_request;
  ExtensionCodec<NewSessionTicket> new_session_ticket;
};

// extension_table is every row, in the order encode() writes extensions. It has exactly one
// row per GLASSTLS_EXTENSION entry of include/glasstls/iana.def (checked at compile time).
std::span<const ExtensionRow> extension_table();

// find_extension is the row of `type`, or nullptr for an extension glasstls does not recognise.
const ExtensionRow* find_extension(ExtensionType type);

// extension_allowed (three arguments) reports whether `type` may appear in `context` of a
// handshake of `version` (TLSv1_3 or TLSv1_2; any other version allows nothing recognised).
// Unrecognised types return true: the caller decides (ignored in ClientHello, unsolicited
// elsewhere). The two-argument form in handshake.h is this with ClientHello checked against
// every version glasstls knows (a ClientHello may offer several) and every other message
// against TLS 1.3.
bool extension_allowed(ExtensionType type, ExtensionContext context, ProtocolVersion version);

// encoded_from_field reports whether encode() writes `type` in the message of `context` from
// the message's decoded fields (rather than only from `extra_extensions`): the table's encoders,
// and a ClientHello's pre_shared_key, which encode() writes last.
bool encoded_from_field(ExtensionType type, ExtensionContext context);

// first_unsolicited returns the first extension of `received` (a block of the message of
// `context`) whose type is not in `offered`, the extensions sent in the message it answers, or
// nullopt when every one answers a request. The one exception of RFC 8446 section 4.2 is
// applied: a HelloRetryRequest may carry cookie unasked. The caller refuses the extension with
// unsupported_extension; extensions not allowed in the message at all were already refused
// by the parser with illegal_parameter.
std::optional<ExtensionType> first_unsolicited(std::span<const RawExtension> received,
                                               std::span<const ExtensionType> offered,
                                               ExtensionContext context);

// extension_label names an extension type for error reasons: its iana.def name, or
// "extension 0x...." for a type glasstls does not know.
std::string extension_label(ExtensionType type);

// decode_extensions runs each extension of `extensions` through the decoder of its row for
// message type M, in wire order, and stops at the first error. Extensions without a decoder
// (unrecognised, tolerated, or carried raw) are left alone. M is one of the six message types
// of ExtensionRow.
template <typename M>
Status decode_extensions(M& m, std::span<const RawExtension> extensions);

// encode_extensions writes, in table order, every extension whose encoder for M finds its
// field set in `m`. When `written` is not null, the type of each extension written is appended
// to it.
template <typename M>
void encode_extensions(ByteWriter& w, const M& m, std::vector<ExtensionType>* written);

}  // namespace glasstls::msgs
