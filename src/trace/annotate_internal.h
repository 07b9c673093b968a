// annotate_internal.h (internal): the text helpers of the view's describers.
//
// The tree itself is built from what the codecs report (annotate_tree.h, msgs/fields.h). It
// never fails: bytes that cannot be decoded become a field named "error" that covers the rest
// of the current region and says what was wrong. A length prefix that claims more bytes than
// its enclosing region holds is read as far as the bytes go, and an error then says that the
// vector was cut short.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "glasstls/trace.h"
#include "glasstls/types.h"
#include "msgs/handshake.h"

namespace glasstls::annotate {

// Text helpers.
std::string dec(uint64_t v);
// code returns "0x" and `digits` lower-case hex digits of `v`: code(0x1301, 4) is "0x1301".
std::string code(uint32_t v, int digits);
std::string hex(ByteView v);
// hex_prefix is the first bytes of `v` in hex followed by "…" when `v` is longer.
std::string hex_prefix(ByteView v, size_t max_bytes);
// printable shows bytes from the peer as text: printable ASCII as it is, anything else (a
// control character, a byte of 0x80 or above, or a backslash) through escape_text, so that
// the result is printable ASCII and tells "\x1b" apart from an escape character.
std::string printable(ByteView v);
// certificate_compression_name is "zlib", "brotli", "zstd" or "unknown" (RFC 8879 section 3).
std::string certificate_compression_name(uint32_t v);
// plural is "1 byte" / "2 bytes".
std::string plural(size_t n, std::string_view one, std::string_view many);
// ocsp_response_meaning summarises a DER OCSPResponse on one line (status, responder, each
// certificate's status and validity), from the parser the verifier uses; printable ASCII.
std::string ocsp_response_meaning(ByteView der);

// code_name names a code point from iana.def; GREASE values are "GREASE (RFC 8701)" and values
// glasstls does not know are "unknown (0x....)".
std::string code_name(CipherSuite v);
std::string code_name(NamedGroup v);
std::string code_name(SignatureScheme v);
std::string code_name(ExtensionType v);
// code_explanation is explain(v), or a line for GREASE and unknown values.
std::string code_explanation(CipherSuite v);
std::string code_explanation(NamedGroup v);
std::string code_explanation(SignatureScheme v);
std::string code_explanation(ExtensionType v);
// version_name is "TLS 1.2" for 0x0303, derived from the ProtocolVersion rows of iana.def.
std::string version_name(uint16_t v);
std::string version_explanation(uint16_t v);

// leaf makes a field without children.
TraceField leaf(std::string name, size_t offset, size_t length, std::string value,
                std::string meaning, std::string explanation);

// The certificates of a Certificate message and the names of a CertificateRequest, decoded
// (annotate_certificate.cc).

// kCertificateMaxDepth bounds the nesting the view follows in a certificate, and
// kCertificateMaxFields the fields it makes for one certificate (or name);
// kCertificateViewMaxFields bounds the fields of all the certificates (or names) of one message.
// Past them, bytes are shown whole.
inline constexpr size_t kCertificateMaxDepth = 24;
inline constexpr size_t kCertificateMaxFields = 4096;
inline constexpr size_t kCertificateViewMaxFields = 16384;

// decode_certificate makes `field`, which covers the DER certificate `der` (a cert_data or
// ASN.1Cert), the group of its parts: the fields of RFC 5280 section 4.1 at their exact bytes,
// with `field.offset` as the offset of `der`. The children tile `der`. It never fails: what
// cannot be decoded (malformed DER, an element cut short, bytes left over) becomes a "DER error"
// field that says why. `budget` is the number of fields the message may still spend on
// certificates; the fields made are taken from it, and with too little left the certificate
// stays one field whose explanation says so.
void decode_certificate(TraceField& field, ByteView der, size_t& budget);
// decode_distinguished_name does the same for a DER Name (RFC 5280 section 4.1.2.4), the
// DistinguishedName of a CertificateRequest's certificate_authorities: each RDN and attribute.
void decode_distinguished_name(TraceField& field, ByteView der, size_t& budget);

// bounds_note appends to `node`'s explanation when a vector of `n` bytes is outside
// `<min..max>`: the bytes decode, but a receiver rejects them.
void bounds_note(TraceField& node, size_t n, size_t min, size_t max);

// name_for_wireshark fills in the `wireshark` name of every field under `root`, a handshake
// message or an alert as annotated, from the table of wireshark_names.cc: the name tshark and
// Wireshark give the same bytes, "" when they give none.
void name_for_wireshark(TraceField& root);
// name_record_header_for_wireshark does so for a record header; `opaque_type` says that its
// type is the outer type of a protected TLS 1.3 record (RFC 8446 section 5.2), which Wireshark
// names tls.record.opaque_type.
void name_record_header_for_wireshark(TraceField& header, bool opaque_type);
// wireshark_fragment_name is Wireshark's name of the whole fragment of a record of `type`, as
// it names it when it shows the fragment itself: "tls.app_data" (application data, as sent, so
// encrypted), "tls.change_cipher_spec"; "" for the other types, whose contents it names field
// by field.
std::string_view wireshark_fragment_name(ContentType type);
// wireshark_names lists every name the table gives, for the tests.
std::vector<std::string_view> wireshark_names();

}  // namespace glasstls::annotate
