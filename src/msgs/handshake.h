// handshake.h: strict codecs for the TLS 1.3 handshake messages (RFC 8446 section 4).
//
// Parsed messages are views: every ByteView points into the buffer that was parsed, which must
// outlive the message. States that keep a message copy what they need (STYLE.md section 4).
// Encoding works from the same structs; views then point at data owned by the caller.
//
// Each parse function takes the message *body* (without the 4-byte handshake header), rejects
// trailing bytes, and on failure returns an Error carrying the alert RFC 8446 names:
// decode_error for bytes that do not decode (bad lengths, empty lists where the RFC requires
// at least one element, odd-length u16 lists, trailing data), illegal_parameter for
// well-formed values that break a rule (a duplicate extension, pre_shared_key not last, a
// recognised extension in a message that may not carry it, a bad legacy field).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "glasstls/types.h"

namespace glasstls::msgs {

// Where an extension block sits, for the RFC 8446 section 4.2 table of which extension may
// appear in which message.
enum class ExtensionContext : uint8_t {
  kClientHello,
  kServerHello,
  kHelloRetryRequest,
  kEncryptedExtensions,
  kCertificate,
  kCertificateRequest,
  kNewSessionTicket,
};

// extension_allowed reports whether `type` may appear in `context` per RFC 8446 section 4.2
// (and RFC 8449, 8879 for record_size_limit and compress_certificate), as the extension table
// of extensions.h says. A ClientHello may offer TLS 1.2 as well as TLS 1.3, so it is checked
// against both versions' columns: the TLS 1.2 extensions (ec_point_formats, session_ticket,
// encrypt_then_mac, extended_master_secret, renegotiation_info) are tolerated and ignored
// there. Every other message is checked against TLS 1.3's column (extensions.h has the form
// that takes the version). Unrecognised types return true (the caller decides: ignored in
// ClientHello, unsolicited elsewhere).
bool extension_allowed(ExtensionType type, ExtensionContext context);

// is_recognized reports whether `type` is an extension glasstls knows: one with a row in the
// extension table.
bool is_recognized(ExtensionType type);

// RawExtension is one extension as it appeared on the wire.
struct RawExtension {
  ExtensionType type;
  ByteView body;
};

struct KeyShareEntry {
  NamedGroup group;
  ByteView key_exchange;
};

// kStatusTypeOcsp is CertificateStatusType ocsp(1), the only status type RFC 6066 section 8
// defines.
inline constexpr uint8_t kStatusTypeOcsp = 1;

// CertificateStatusRequest is the body of a ClientHello status_request (RFC 6066 section 8).
// For status_type ocsp the OCSPStatusRequest is decoded; another type's request is not (its
// structure is unknown) and only status_type is kept.
struct CertificateStatusRequest {
  uint8_t status_type = kStatusTypeOcsp;
  std::vector<ByteView> responder_id_list;  // DER ResponderIDs, each non-empty
  ByteView request_extensions;              // DER Extensions; empty means none
};

// PskIdentity and OfferedPsks are a ClientHello's pre_shared_key, RFC 8446 section 4.2.11.
struct PskIdentity {
  ByteView identity;  // 1..2^16-1 bytes: a ticket, or an external PSK's name
  uint32_t obfuscated_ticket_age = 0;
};
struct OfferedPsks {
  std::vector<PskIdentity> identities;
  std::vector<ByteView> binders;  // one per identity, each 32..255 bytes
  // binders_length is the size of the binders vector on the wire, its 2-byte length included:
  // what the partial ClientHello a binder covers leaves out at its end (section 4.2.11.2).
  size_t binders_length() const {
    size_t n = 2;
    for (ByteView b : binders) {
      n += 1 + b.size();
    }
    return n;
  }
};

// ClientHello, RFC 8446 section 4.1.2, with its extensions decoded.
struct ClientHello {
  uint16_t legacy_version = 0x0303;
  ByteView random;             // 32 bytes
  ByteView legacy_session_id;  // 0..32 bytes
  std::vector<CipherSuite> cipher_suites;
  ByteView legacy_compression_methods;  // must contain 0 (null); in TLS 1.3 exactly {0}
  // Every extension in wire order, including ones glasstls ignores.
  std::vector<RawExtension> extensions;

  // Decoded extensions; nullopt when absent.
  std::optional<std::string_view> server_name;  // host_name entry of server_name (RFC 6066 s3)
  std::optional<std::vector<NamedGroup>> supported_groups;
  std::optional<std::vector<SignatureScheme>> signature_algorithms;
  std::optional<std::vector<SignatureScheme>> signature_algorithms_cert;
  std::optional<std::vector<uint16_t>> supported_versions;
  std::optional<std::vector<KeyShareEntry>> key_shares;
  std::optional<std::vector<uint8_t>> psk_key_exchange_modes;
  std::optional<ByteView> cookie;
  std::optional<std::vector<std::string_view>> alpn;  // protocol names, each 1..255 bytes
  std::optional<CertificateStatusRequest> status_request;
  bool has_pre_shared_key = false;  // present (the parser checks it is last)
  std::optional<OfferedPsks> pre_shared_key;
  bool has_early_data = false;
  bool has_post_handshake_auth = false;

  // The extensions of TLS 1.2 (ignored when TLS 1.3 is negotiated). Whether an
  // ec_point_formats without uncompressed(0) is refused depends on the groups offered and on
  // the version chosen: the server's decision (msgs::check_client_ec_point_formats, tls12.h).
  bool extended_master_secret = false;                   // RFC 7627, empty body
  bool encrypt_then_mac = false;                         // RFC 7366, empty body
  std::optional<ByteView> renegotiation_info;            // RFC 5746 renegotiated_connection
  std::optional<std::vector<uint8_t>> ec_point_formats;  // RFC 8422 section 5.1.2
  bool session_ticket = false;                           // RFC 5077: present
  ByteView session_ticket_data;                          // its body: a ticket, or empty
};

// ServerHello and HelloRetryRequest share one struct; is_hello_retry_request is set when
// random equals the special HelloRetryRequest value (RFC 8446 section 4.1.3).
struct ServerHello {
  uint16_t legacy_version = 0x0303;
  ByteView random;  // 32 bytes
  ByteView legacy_session_id_echo;
  CipherSuite cipher_suite{};
  uint8_t legacy_compression_method = 0;
  std::vector<RawExtension> extensions;

  bool is_hello_retry_request = false;
  std::optional<uint16_t> selected_version;  // supported_versions
  std::optional<KeyShareEntry> key_share;    // ServerHello: the server's share
  std::optional<NamedGroup> selected_group;  // HelloRetryRequest: the group wanted
  std::optional<ByteView> cookie;            // HelloRetryRequest only
  bool has_pre_shared_key = false;
  std::optional<uint16_t> selected_identity;  // pre_shared_key: the PSK the server chose
};

// The 32-byte random value that marks a ServerHello as a HelloRetryRequest:
// SHA-256("HelloRetryRequest").
extern const uint8_t kHelloRetryRequestRandom[32];

// EncryptedExtensions, RFC 8446 section 4.3.1.
struct EncryptedExtensions {
  std::vector<RawExtension> extensions;
  std::optional<std::string_view> alpn;   // exactly one protocol when present
  bool server_name_acknowledged = false;  // empty server_name extension
  std::optional<std::vector<NamedGroup>> supported_groups;
  bool has_early_data = false;
};

// CertificateRequest, RFC 8446 section 4.3.2.
struct CertificateRequest {
  ByteView certificate_request_context;
  std::vector<RawExtension> extensions;
  std::vector<SignatureScheme> signature_algorithms;  // required, non-empty
  std::optional<std::vector<SignatureScheme>> signature_algorithms_cert;
  std::optional<std::vector<ByteView>> certificate_authorities;  // DER distinguished names
};

struct CertificateEntry {
  ByteView cert_data;  // DER X.509
  std::vector<RawExtension> extensions;
  // ocsp_response is the OCSPResponse of a status_request extension in `extensions`, whose
  // body is a CertificateStatus (RFC 8446 section 4.4.2.1, RFC 6066 section 8). The parser
  // fills it (decode_error for a malformed body or an empty response, illegal_parameter for a
  // status_type other than ocsp); the encoder ignores it (build the extension body with
  // encode_certificate_status). Which entry may carry it, and whether it was asked for, is
  // the state machine's decision.
  std::optional<ByteView> ocsp_response;
};

// Certificate, RFC 8446 section 4.4.2.
struct Certificate {
  ByteView certificate_request_context;
  std::vector<CertificateEntry> entries;
};

// CertificateVerify, RFC 8446 section 4.4.3.
struct CertificateVerify {
  SignatureScheme scheme{};
  ByteView signature;  // non-empty
};

// Finished, RFC 8446 section 4.4.4. The body is the verify_data; its length is the hash length,
// which the parser checks against `hash_len`.
struct Finished {
  ByteView verify_data;
};

// NewSessionTicket, RFC 8446 section 4.6.1.
struct NewSessionTicket {
  uint32_t ticket_lifetime = 0;  // at most 604800 (7 days)
  uint32_t ticket_age_add = 0;
  ByteView ticket_nonce;
  ByteView ticket;  // non-empty
  std::vector<RawExtension> extensions;
  std::optional<uint32_t> max_early_data_size;
};

// KeyUpdate, RFC 8446 section 4.6.3.
struct KeyUpdate {
  bool update_requested = false;
};

// HandshakeMessage is one whole handshake message split into type and body.
struct HandshakeMessage {
  HandshakeType type{};
  ByteView body;
  ByteView encoded;  // header + body, as it goes into the transcript
};

Result<ClientHello> parse_client_hello(ByteView body);
Result<ServerHello> parse_server_hello(ByteView body);
Result<EncryptedExtensions> parse_encrypted_extensions(ByteView body);
Result<CertificateRequest> parse_certificate_request(ByteView body);
Result<Certificate> parse_certificate(ByteView body);
Result<CertificateVerify> parse_certificate_verify(ByteView body);
Result<Finished> parse_finished(ByteView body, size_t hash_len);
Result<NewSessionTicket> parse_new_session_ticket(ByteView body);
Result<KeyUpdate> parse_key_update(ByteView body);

// Each encode function writes the whole message including the 4-byte handshake header.
// Extensions are written from the decoded fields in a fixed order, followed by any entries of
// `extra_extensions` (for tests, GREASE and tolerated extensions); the `extensions` member of
// the struct is ignored when encoding. A ClientHello's pre_shared_key is written last, after
// `extra_extensions` (RFC 8446 section 4.2.11: it must be the last extension); has_pre_shared_key
// alone writes nothing (a test may pass a raw one in `extra_extensions`, last). An empty
// legacy_compression_methods is written as {0}. ServerHello writes supported_versions, then
// key_share, then pre_shared_key (HelloRetryRequest: selected_group, then cookie); the caller sets
// `random` (for a HelloRetryRequest, kHelloRetryRequestRandom). ClientHello writes status_request
// (when set) right after server_name. Certificate writes each entry's `extensions` as given (its
// ocsp_response is ignored). If a field is too long for its length prefix (a caller bug), the
// result is empty. The order is that of the extension table (extensions.h). When `written` is
// not null, encode(ClientHello) appends to it the type of every extension it wrote, in wire
// order, extra_extensions included: what a client offered.
Bytes encode(const ClientHello& m, const std::vector<RawExtension>& extra_extensions = {},
             std::vector<ExtensionType>* written = nullptr);
Bytes encode(const ServerHello& m);
Bytes encode(const EncryptedExtensions& m);
Bytes encode(const CertificateRequest& m, std::vector<ExtensionType>* written = nullptr);
Bytes encode(const Certificate& m);
Bytes encode(const CertificateVerify& m);
Bytes encode(const Finished& m);
Bytes encode(const NewSessionTicket& m);
Bytes encode(const KeyUpdate& m);

// encode_certificate_status is the body of a CertificateEntry's status_request extension: a
// CertificateStatus of type ocsp carrying `ocsp_response` (1..2^24-1 bytes of DER
// OCSPResponse; empty for a caller bug).
Bytes encode_certificate_status(ByteView ocsp_response);

// write_handshake_header writes type and a 24-bit length.
void write_handshake_header(ByteWriter& w, HandshakeType type, size_t body_len);

}  // namespace glasstls::msgs
