// tls12.h: strict codecs for the handshake messages of TLS 1.2 (RFC 5246 section 7.4, RFC 8422
// section 5, RFC 6066 section 8) that TLS 1.3 does not share.
//
// Parsed messages are views into the parsed buffer, which must outlive them. Each parse
// function takes the message body (without the 4-byte handshake header), rejects trailing
// bytes, and fails with the alert the RFCs name: decode_error for bytes that do not decode (a
// vector cut short or outside its bounds, trailing data), illegal_parameter for a well-formed
// value that is out of range (RFC 5246 section 7.2.2). Each encode function writes the whole
// message, header included, and returns an empty result when a field is too long for its
// length prefix (a caller bug).
//
// The messages whose layout TLS 1.2 shares with TLS 1.3 use the codecs of handshake.h:
// - CertificateVerify (RFC 5246 section 7.4.8: a DigitallySigned, SignatureAndHashAlgorithm
//   then signature<0..2^16-1>) is parse_certificate_verify / encode(CertificateVerify). TLS
//   1.2's SignatureAndHashAlgorithm values are SignatureScheme code points.
// - Finished (RFC 5246 section 7.4.9: verify_data[verify_data_length], 12 bytes for every suite
//   glasstls has) is parse_finished(body, kTls12VerifyDataLength) / encode(Finished).
// - ClientHello and ServerHello are those of handshake.h: parse_client_hello accepts a TLS 1.2
//   ClientHello (no supported_versions, several compression methods, the signalling cipher
//   suite values), and the TLS 1.2 hello extensions are decoded there and, for the ServerHello,
//   by decode_tls12_server_hello_extensions below.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "glasstls/types.h"
#include "msgs/fields.h"
#include "msgs/handshake.h"

namespace glasstls::msgs {

// kTls12VerifyDataLength is the length of a TLS 1.2 Finished's verify_data (RFC 5246 section
// 7.4.9: 12 unless the suite says otherwise, and no suite glasstls has does).
inline constexpr size_t kTls12VerifyDataLength = 12;

// kDowngradeTls12 and kDowngradeTls11 are the last 8 bytes of ServerHello.random of a server
// that supports TLS 1.3 and negotiates TLS 1.2, or TLS 1.1 and below (RFC 8446 section 4.1.3).
inline constexpr uint8_t kDowngradeTls12[8] = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01};
inline constexpr uint8_t kDowngradeTls11[8] = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00};

// The signalling cipher suite values are CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV
// (0x00ff, RFC 5746 section 3.3) and CipherSuite::TLS_FALLBACK_SCSV (0x5600, RFC 7507), rows of
// iana.def.

// KeyExchangeKind is the key exchange of a TLS 1.2 suite, which decides the layout of
// ServerKeyExchange and ClientKeyExchange.
enum class KeyExchangeKind : uint8_t { kEcdhe, kDhe };

// kEcCurveTypeNamedCurve is ECCurveType named_curve(3), the only curve type RFC 8422 section
// 5.4 keeps.
inline constexpr uint8_t kEcCurveTypeNamedCurve = 3;

// Tls12Certificate is a TLS 1.2 Certificate (RFC 5246 section 7.4.2): the chain, the sender's
// certificate first. Empty when a client has no certificate to send.
struct Tls12Certificate {
  std::vector<ByteView> certificates;  // DER X.509, each non-empty
};

// ServerKeyExchange is the message of an ECDHE or DHE suite: the params, then their signature.
// For kEcdhe `group` and `point` are set, for kDhe `dh_p`, `dh_g` and `dh_ys`. `params` is the
// encoding of the params (ServerECDHParams or ServerDHParams) as received: what is signed,
// after client_random || server_random.
struct ServerKeyExchange {
  KeyExchangeKind kind = KeyExchangeKind::kEcdhe;
  NamedGroup group{};
  ByteView point;
  ByteView dh_p, dh_g, dh_ys;
  ByteView params;
  SignatureScheme scheme{};
  ByteView signature;
};

// Tls12CertificateRequest is a TLS 1.2 CertificateRequest (RFC 5246 section 7.4.4).
struct Tls12CertificateRequest {
  std::vector<uint8_t> certificate_types;                       // ClientCertificateType, 1..255
  std::vector<SignatureScheme> supported_signature_algorithms;  // at least one
  std::vector<ByteView> certificate_authorities;                // DER names, each non-empty
};

// ClientCertificateType values of RFC 5246 section 7.4.4 and RFC 8422 section 5.5.
inline constexpr uint8_t kClientCertificateTypeRsaSign = 1;
inline constexpr uint8_t kClientCertificateTypeEcdsaSign = 64;

// parse_tls12_certificate decodes a TLS 1.2 Certificate body. decode_error for a list or a
// certificate cut short, an empty certificate, or trailing bytes.
Result<Tls12Certificate> parse_tls12_certificate(ByteView body);
Bytes encode(const Tls12Certificate& m);

// parse_server_key_exchange decodes a ServerKeyExchange body of a suite whose key exchange is
// `kind`. decode_error for a vector cut short or outside its bounds or trailing bytes;
// illegal_parameter for an ECCurveType other than named_curve. The signature is not checked
// here (the handshake verifies it over client_random || server_random || params).
Result<ServerKeyExchange> parse_server_key_exchange(ByteView body, KeyExchangeKind kind);
// encode_ecdhe_params is a ServerECDHParams: named_curve, `group`, the point (1..255 bytes).
Bytes encode_ecdhe_params(NamedGroup group, ByteView point);
// encode_dhe_params is a ServerDHParams: dh_p, dh_g, dh_Ys (each 1..2^16-1 bytes).
Bytes encode_dhe_params(ByteView p, ByteView g, ByteView ys);
// encode_server_key_exchange writes the whole message: `params` (from encode_*_params) then the
// DigitallySigned (scheme, signature). Empty when `params` is empty or a field is too long.
Bytes encode_server_key_exchange(ByteView params, SignatureScheme scheme, ByteView signature);

// parse_client_key_exchange decodes a ClientKeyExchange body and returns the client's public
// value: ecdh_Yc<1..2^8-1> for kEcdhe (RFC 8422 section 5.7), dh_Yc<1..2^16-1> for kDhe (RFC
// 5246 section 7.4.7.2). decode_error when cut short, empty or followed by trailing bytes.
Result<ByteView> parse_client_key_exchange(ByteView body, KeyExchangeKind kind);
// encode_client_key_exchange writes the whole message; empty for an empty or too long value.
Bytes encode_client_key_exchange(KeyExchangeKind kind, ByteView public_value);

// parse_server_hello_done and parse_hello_request accept only an empty body (decode_error).
Status parse_server_hello_done(ByteView body);
Status parse_hello_request(ByteView body);
Bytes encode_server_hello_done();
Bytes encode_hello_request();

// parse_tls12_certificate_request decodes a TLS 1.2 CertificateRequest body. decode_error for
// a vector cut short or outside its bounds (an empty certificate_types or
// supported_signature_algorithms, an odd-length signature list, an empty DistinguishedName)
// or trailing bytes.
Result<Tls12CertificateRequest> parse_tls12_certificate_request(ByteView body);
Bytes encode(const Tls12CertificateRequest& m);

// parse_certificate_status_message decodes a CertificateStatus message body (RFC 6066 section
// 8) and returns its OCSPResponse, with the reader of a TLS 1.3 CertificateEntry's
// status_request body (the same structure): decode_error when cut short, empty or followed by
// trailing bytes, illegal_parameter for a status_type other than ocsp(1).
Result<ByteView> parse_certificate_status_message(ByteView body);
// encode_certificate_status_message writes the whole message; empty for an empty or too long
// response.
Bytes encode_certificate_status_message(ByteView ocsp_response);

// Tls12NewSessionTicket is a TLS 1.2 NewSessionTicket (RFC 5077 section 3.3).
struct Tls12NewSessionTicket {
  uint32_t ticket_lifetime_hint = 0;  // seconds; 0 means unspecified
  ByteView ticket;                    // may be empty
};

// parse_tls12_new_session_ticket decodes a TLS 1.2 NewSessionTicket body: decode_error when
// cut short or followed by trailing bytes.
Result<Tls12NewSessionTicket> parse_tls12_new_session_ticket(ByteView body);
Bytes encode(const Tls12NewSessionTicket& m);

// offers_null_compression reports whether a ClientHello's compression methods contain null(0),
// which RFC 5246 section 7.4.1.2 requires of every ClientHello (the TLS 1.3 rule, exactly
// {null}, is the negotiator's once it chose TLS 1.3).
bool offers_null_compression(const ClientHello& ch);

// kPointFormatUncompressed is ECPointFormat uncompressed(0) (RFC 8422 section 5.1.2).
inline constexpr uint8_t kPointFormatUncompressed = 0;

// check_client_ec_point_formats is what a server that chose TLS 1.2 checks of a ClientHello's
// ec_point_formats (RFC 8422 section 5.1.2): illegal_parameter when it lacks uncompressed(0)
// while supported_groups names a curve of RFC 8422.
Status check_client_ec_point_formats(const ClientHello& ch);

// has_downgrade_sentinel reports whether `server_random` (32 bytes) ends with kDowngradeTls12
// or kDowngradeTls11.
bool has_downgrade_sentinel(ByteView server_random);

// Tls12ServerHelloExtensions are the extensions of a TLS 1.2 ServerHello, decoded.
// `server_name_acknowledged` and `status_request` are empty extensions that answer the client's
// (RFC 6066 sections 3 and 8); `session_ticket` is empty in a ServerHello (RFC 5077 section
// 3.2); `alpn` holds exactly one protocol (RFC 7301 section 3.1).
struct Tls12ServerHelloExtensions {
  bool extended_master_secret = false;
  bool encrypt_then_mac = false;
  std::optional<ByteView> renegotiation_info;  // renegotiated_connection
  std::optional<std::vector<uint8_t>> ec_point_formats;
  std::optional<std::string_view> alpn;
  bool server_name_acknowledged = false;
  bool status_request = false;
  bool session_ticket = false;
};

// decode_tls12_server_hello_extensions decodes the extensions of a ServerHello that selected
// TLS 1.2 (no supported_versions), parsed by parse_server_hello, which already refused
// duplicates and the extensions TLS 1.2's column does not allow in a ServerHello. decode_error
// for a malformed body; illegal_parameter for an ec_point_formats without uncompressed(0).
// Whether each was solicited is the caller's check (ServerHello::extensions holds the types in
// wire order; msgs::first_unsolicited).
Result<Tls12ServerHelloExtensions> decode_tls12_server_hello_extensions(const ServerHello& sh);

// encode_tls12_server_hello writes a TLS 1.2 ServerHello: the fixed fields of `base` (its
// extension fields and supported_versions are ignored), then the extensions of `ext` that are
// set, in the extension table's order. With no extension set, the extension block is omitted.
Bytes encode_tls12_server_hello(const ServerHello& base, const Tls12ServerHelloExtensions& ext);

// The readers behind the parse functions, for the walk of the view (walk.cc): each reads one
// body through `r` without checking for trailing bytes, and reports every field when `r` is a
// reporting reader (fields.h).
Result<Tls12Certificate> read_tls12_certificate(FieldReader& r);
Result<ServerKeyExchange> read_server_key_exchange(FieldReader& r, KeyExchangeKind kind);
Result<ByteView> read_client_key_exchange(FieldReader& r, KeyExchangeKind kind);
Result<Tls12CertificateRequest> read_tls12_certificate_request(FieldReader& r);
Result<Tls12NewSessionTicket> read_tls12_new_session_ticket(FieldReader& r);

}  // namespace glasstls::msgs
