// tls12.cc: strict codecs for the TLS 1.2 handshake messages (tls12.h). Each reads through a
// FieldReader (fields.h) as the codecs of handshake.cc do, so that the view (walk.cc) shows
// what the parser reads.
#include "msgs/tls12.h"

#include <algorithm>
#include <string>

#include "msgs/codec_util.h"
#include "msgs/extension_readers_a.h"
#include "msgs/extension_readers_b.h"
#include "msgs/extensions.h"

namespace glasstls::msgs {
namespace {

using detail::trailing;
using detail::truncated;

// message_body starts a handshake message: a writer holding room for the 4-byte header, which
// finish_message fills in, with `size_hint` bytes reserved in all, so that a message of about
// that size is written in one allocation and never copied.
ByteWriter message_body(size_t size_hint) {
  Bytes b;
  b.reserve(std::max<size_t>(size_hint, 4));
  b.resize(4);
  return ByteWriter(std::move(b));
}

// finish_message writes the header of a message of `type` into the room message_body() left
// and returns the whole message, or an empty result when the body or a vector in it overflowed
// its length prefix.
Bytes finish_message(HandshakeType type, ByteWriter body) {
  const size_t len = body.size() - 4;
  if (body.failed() || len > 0xffffff) {
    return {};
  }
  Bytes out = std::move(body).take();
  out[0] = static_cast<uint8_t>(type);
  out[1] = static_cast<uint8_t>(len >> 16);
  out[2] = static_cast<uint8_t>(len >> 8);
  out[3] = static_cast<uint8_t>(len);
  return out;
}

// read_opaque_vector reads `opaque name<min..max>` with a `prefix_len`-byte length, its
// contents reported as `content_name`. Strict: decode_error "`what` is truncated" or "`what`
// is empty" (min is 1 everywhere TLS 1.2 uses this).
Result<ByteView> read_opaque_vector(FieldReader& r, size_t prefix_len, std::string_view name,
                                    std::string_view content_name, size_t max,
                                    std::string_view what) {
  ByteView out;
  if (!r.opaque(prefix_len, name, content_name, out)) {
    return truncated(what);
  }
  GLASSTLS_TRY(r.check_length(out.size(), 1, max,
                              [&] { return decode_error(std::string(what) + " is empty"); }));
  return out;
}

// write_vector writes `v` behind a `prefix_len`-byte length; a `v` longer than `max` sets the
// writer's error (as would one too long for the prefix).
void write_vector(ByteWriter& w, size_t prefix_len, ByteView v, size_t max) {
  if (v.empty() || v.size() > max) {
    // The codecs never write a vector outside its bounds: poison the writer.
    w.u24(0x1000000);
    return;
  }
  switch (prefix_len) {
    case 1: {
      auto p = w.u8_prefixed();
      w.bytes(v);
      break;
    }
    case 2: {
      auto p = w.u16_prefixed();
      w.bytes(v);
      break;
    }
    default: {
      auto p = w.u24_prefixed();
      w.bytes(v);
      break;
    }
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Certificate, RFC 5246 section 7.4.2.

Result<Tls12Certificate> read_tls12_certificate(FieldReader& r) {
  //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.2
  //# opaque ASN.1Cert<1..2^24-1>;
  //#
  //# struct {
  //#     ASN.1Cert certificate_list<0..2^24-1>;
  //# } Certificate;
  Tls12Certificate c;
  FieldReader list;
  if (!r.open(3, "certificate_list", list)) {
    return truncated("Certificate certificate_list");
  }
  if (!r.reporting() && !r.empty()) {
    r.close(list);
    return trailing("Certificate");
  }
  for (size_t i = 0; !list.empty(); i++) {
    FieldReader cert;
    if (!list.open(3, "certificate_list", cert, i)) {
      if (!list.reporting()) {
        r.close(list);
        return truncated("Certificate ASN.1Cert");
      }
      break;  // reported: the rest of the list is malformed
    }
    const ByteView der = cert.rest_field("certificate");
    list.close(cert);
    Status s = list.check_length(der.size(), 1, 0xffffff,
                                 [&] { return decode_error("Certificate ASN.1Cert is empty"); });
    if (!s.ok()) {
      r.close(list);
      return s.error();
    }
    c.certificates.push_back(der);
  }
  r.close(list);
  return c;
}

Result<Tls12Certificate> parse_tls12_certificate(ByteView body) {
  FieldReader r(body);
  GLASSTLS_ASSIGN(Tls12Certificate c, read_tls12_certificate(r));
  if (!r.empty()) {
    return trailing("Certificate");
  }
  return c;
}

Bytes encode(const Tls12Certificate& m) {
  size_t size = 4 + 3;
  for (ByteView der : m.certificates) {
    size += 3 + der.size();
  }
  ByteWriter w = message_body(size);
  {
    auto list = w.u24_prefixed();
    for (ByteView der : m.certificates) {
      write_vector(w, 3, der, 0xffffff);
    }
  }
  return finish_message(HandshakeType::certificate, std::move(w));
}

// ---------------------------------------------------------------------------------------------
// ServerKeyExchange, RFC 5246 section 7.4.3 and RFC 8422 section 5.4.

namespace {

Status read_ecdhe_params(FieldReader& r, ServerKeyExchange& ske) {
  //= https://www.rfc-editor.org/rfc/rfc8422#section-5.4
  //# struct {
  //#     ECCurveType    curve_type;
  //#     select (curve_type) {
  //#         case named_curve:
  //#             NamedCurve namedcurve;
  //#     };
  //# } ECParameters;
  uint8_t curve_type = 0;
  if (!r.u8(curve_type, "curve_type", Show::kCode)) {
    return truncated("ServerKeyExchange ECParameters");
  }
  //= https://www.rfc-editor.org/rfc/rfc8422#section-5.4
  //# The ECCurveType enum used to have values for explicit prime and for
  //# explicit char2 curves.  Those values are now deprecated, so only one
  //# value remains:
  // No alert is named for the deprecated ones: a value out of range is illegal_parameter
  // (RFC 5246 section 7.2.2).
  GLASSTLS_TRY(r.check(curve_type == kEcCurveTypeNamedCurve, Broken{Broken::kValue}, true, [&] {
    return illegal_parameter("ServerKeyExchange curve_type " + std::to_string(curve_type) +
                             " is not named_curve (3)");
  }));
  if (curve_type != kEcCurveTypeNamedCurve) {
    (void)r.rest_field("parameters");  // reporting only: a layout glasstls does not know
    return Ok{};
  }
  uint16_t group = 0;
  if (!r.u16(group, "namedcurve", Show::kCode)) {
    return truncated("ServerKeyExchange ECParameters");
  }
  ske.group = static_cast<NamedGroup>(group);
  //= https://www.rfc-editor.org/rfc/rfc8422#section-5.4
  //# struct {
  //#     opaque point <1..2^8-1>;
  //# } ECPoint;
  GLASSTLS_ASSIGN(ske.point,
                  read_opaque_vector(r, 1, "public", "point", 0xff, "ServerKeyExchange ECPoint"));
  return Ok{};
}

Status read_dhe_params(FieldReader& r, ServerKeyExchange& ske) {
  //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.3
  //# struct {
  //#     opaque dh_p<1..2^16-1>;
  //#     opaque dh_g<1..2^16-1>;
  //#     opaque dh_Ys<1..2^16-1>;
  //# } ServerDHParams;     /* Ephemeral DH parameters */
  GLASSTLS_ASSIGN(ske.dh_p,
                  read_opaque_vector(r, 2, "dh_p", "p", 0xffff, "ServerKeyExchange dh_p"));
  GLASSTLS_ASSIGN(ske.dh_g,
                  read_opaque_vector(r, 2, "dh_g", "g", 0xffff, "ServerKeyExchange dh_g"));
  GLASSTLS_ASSIGN(ske.dh_ys,
                  read_opaque_vector(r, 2, "dh_Ys", "Ys", 0xffff, "ServerKeyExchange dh_Ys"));
  return Ok{};
}

}  // namespace

Result<ServerKeyExchange> read_server_key_exchange(FieldReader& r, KeyExchangeKind kind) {
  ServerKeyExchange ske;
  ske.kind = kind;
  const ByteView before = r.rest();
  // The params are one struct in the view, so that their bytes (what is signed) show as one.
  r.open_struct("params", kNoIndex);
  Status params =
      kind == KeyExchangeKind::kEcdhe ? read_ecdhe_params(r, ske) : read_dhe_params(r, ske);
  r.close_struct();
  GLASSTLS_TRY(std::move(params));
  ske.params = before.first(before.size() - r.remaining());
  //= https://www.rfc-editor.org/rfc/rfc5246#section-4.7
  //# struct {
  //#    SignatureAndHashAlgorithm algorithm;
  //#    opaque signature<0..2^16-1>;
  //# } DigitallySigned;
  r.open_struct("signed_params", kNoIndex);
  uint16_t scheme = 0;
  const bool read =
      r.u16(scheme, "algorithm") && r.opaque(2, "signature", "signature", ske.signature);
  r.close_struct();
  if (!read) {
    return truncated("ServerKeyExchange signed_params");
  }
  ske.scheme = static_cast<SignatureScheme>(scheme);
  // An empty signature is well formed; it fails verification (decrypt_error), which the
  // handshake decides. The view points it out.
  r.note_length(ske.signature.size(), 1, 0xffff);
  return ske;
}

Result<ServerKeyExchange> parse_server_key_exchange(ByteView body, KeyExchangeKind kind) {
  FieldReader r(body);
  GLASSTLS_ASSIGN(ServerKeyExchange ske, read_server_key_exchange(r, kind));
  if (!r.empty()) {
    return trailing("ServerKeyExchange");
  }
  return ske;
}

Bytes encode_ecdhe_params(NamedGroup group, ByteView point) {
  ByteWriter w;
  w.u8(kEcCurveTypeNamedCurve);
  w.u16(static_cast<uint16_t>(group));
  write_vector(w, 1, point, 0xff);
  std::optional<Bytes> out = std::move(w).finish();
  return out ? std::move(*out) : Bytes{};
}

Bytes encode_dhe_params(ByteView p, ByteView g, ByteView ys) {
  ByteWriter w;
  write_vector(w, 2, p, 0xffff);
  write_vector(w, 2, g, 0xffff);
  write_vector(w, 2, ys, 0xffff);
  std::optional<Bytes> out = std::move(w).finish();
  return out ? std::move(*out) : Bytes{};
}

Bytes encode_server_key_exchange(ByteView params, SignatureScheme scheme, ByteView signature) {
  if (params.empty() || signature.size() > 0xffff) {
    return {};
  }
  ByteWriter w = message_body(4 + params.size() + 4 + signature.size());
  w.bytes(params);
  w.u16(static_cast<uint16_t>(scheme));
  {
    auto sig = w.u16_prefixed();
    w.bytes(signature);
  }
  return finish_message(HandshakeType::server_key_exchange, std::move(w));
}

// ---------------------------------------------------------------------------------------------
// ClientKeyExchange, RFC 8422 section 5.7 and RFC 5246 section 7.4.7.2.

Result<ByteView> read_client_key_exchange(FieldReader& r, KeyExchangeKind kind) {
  if (kind == KeyExchangeKind::kEcdhe) {
    //= https://www.rfc-editor.org/rfc/rfc8422#section-5.7
    //# struct {
    //#     ECPoint ecdh_Yc;
    //# } ClientECDiffieHellmanPublic;
    return read_opaque_vector(r, 1, "ecdh_Yc", "point", 0xff, "ClientKeyExchange ecdh_Yc");
  }
  //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.7.2
  //# case explicit: opaque dh_Yc<1..2^16-1>;
  return read_opaque_vector(r, 2, "dh_Yc", "Yc", 0xffff, "ClientKeyExchange dh_Yc");
}

Result<ByteView> parse_client_key_exchange(ByteView body, KeyExchangeKind kind) {
  FieldReader r(body);
  GLASSTLS_ASSIGN(ByteView value, read_client_key_exchange(r, kind));
  if (!r.empty()) {
    return trailing("ClientKeyExchange");
  }
  return value;
}

Bytes encode_client_key_exchange(KeyExchangeKind kind, ByteView public_value) {
  ByteWriter w = message_body(4 + 2 + public_value.size());
  if (kind == KeyExchangeKind::kEcdhe) {
    write_vector(w, 1, public_value, 0xff);
  } else {
    write_vector(w, 2, public_value, 0xffff);
  }
  return finish_message(HandshakeType::client_key_exchange, std::move(w));
}

// ---------------------------------------------------------------------------------------------
// ServerHelloDone and HelloRequest, RFC 5246 sections 7.4.5 and 7.4.1.1.

Status parse_server_hello_done(ByteView body) {
  //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.5
  //# struct { } ServerHelloDone;
  if (!body.empty()) {
    return decode_error("ServerHelloDone has a body");
  }
  return Ok{};
}

Status parse_hello_request(ByteView body) {
  //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.1.1
  //# struct { } HelloRequest;
  if (!body.empty()) {
    return decode_error("HelloRequest has a body");
  }
  return Ok{};
}

Bytes encode_server_hello_done() {
  return finish_message(HandshakeType::server_hello_done, message_body(4));
}

Bytes encode_hello_request() {
  return finish_message(HandshakeType::hello_request, message_body(4));
}

// ---------------------------------------------------------------------------------------------
// CertificateRequest, RFC 5246 section 7.4.4.

Result<Tls12CertificateRequest> read_tls12_certificate_request(FieldReader& r) {
  //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.4
  //# opaque DistinguishedName<1..2^16-1>;
  //#
  //# struct {
  //#     ClientCertificateType certificate_types<1..2^8-1>;
  //#     SignatureAndHashAlgorithm
  //#       supported_signature_algorithms<2^16-1>;
  //#     DistinguishedName certificate_authorities<0..2^16-1>;
  //# } CertificateRequest;
  Tls12CertificateRequest cr;
  FieldReader types;
  if (!r.open(1, "certificate_types", types)) {
    return truncated("CertificateRequest certificate_types");
  }
  const size_t types_len = types.remaining();
  uint32_t v = 0;
  for (size_t i = 0; !types.empty() && types.item(1, v, "certificate_types", i); i++) {
    cr.certificate_types.push_back(static_cast<uint8_t>(v));
  }
  r.close(types);
  GLASSTLS_TRY(r.check_length(types_len, 1, 255, [&] {
    return decode_error("CertificateRequest certificate_types is empty");
  }));

  // The bounds are those of section 7.4.1.4.1's
  // "SignatureAndHashAlgorithm supported_signature_algorithms<2..2^16-2>;" (the line above
  // lost its lower bound in the RFC).
  FieldReader algorithms;
  if (!r.open(2, "supported_signature_algorithms", algorithms)) {
    return truncated("CertificateRequest supported_signature_algorithms");
  }
  const size_t algorithms_len = algorithms.remaining();
  if (!r.reporting() && algorithms_len % 2 != 0) {
    r.close(algorithms);
    return decode_error("CertificateRequest supported_signature_algorithms has an odd length");
  }
  for (size_t i = 0;
       !algorithms.empty() && algorithms.item(2, v, "supported_signature_algorithms", i); i++) {
    cr.supported_signature_algorithms.push_back(static_cast<SignatureScheme>(v));
  }
  r.close(algorithms);
  GLASSTLS_TRY(r.check_length(algorithms_len, 2, 0xfffe, [&] {
    return decode_error("CertificateRequest supported_signature_algorithms is empty");
  }));

  FieldReader authorities;
  if (!r.open(2, "certificate_authorities", authorities)) {
    return truncated("CertificateRequest certificate_authorities");
  }
  for (size_t i = 0; !authorities.empty(); i++) {
    FieldReader name;
    if (!authorities.open(2, "certificate_authorities", name, i)) {
      if (!authorities.reporting()) {
        r.close(authorities);
        return truncated("CertificateRequest DistinguishedName");
      }
      break;
    }
    const ByteView dn = name.rest_field("DistinguishedName");
    authorities.close(name);
    Status s = authorities.check_length(dn.size(), 1, 0xffff, [&] {
      return decode_error("CertificateRequest DistinguishedName is empty");
    });
    if (!s.ok()) {
      r.close(authorities);
      return s.error();
    }
    cr.certificate_authorities.push_back(dn);
  }
  r.close(authorities);
  return cr;
}

Result<Tls12CertificateRequest> parse_tls12_certificate_request(ByteView body) {
  FieldReader r(body);
  GLASSTLS_ASSIGN(Tls12CertificateRequest cr, read_tls12_certificate_request(r));
  if (!r.empty()) {
    return trailing("CertificateRequest");
  }
  return cr;
}

Bytes encode(const Tls12CertificateRequest& m) {
  ByteWriter w = message_body(64);
  {
    auto types = w.u8_prefixed();
    for (uint8_t t : m.certificate_types) {
      w.u8(t);
    }
  }
  {
    auto algorithms = w.u16_prefixed();
    for (SignatureScheme s : m.supported_signature_algorithms) {
      w.u16(static_cast<uint16_t>(s));
    }
  }
  {
    auto authorities = w.u16_prefixed();
    for (ByteView dn : m.certificate_authorities) {
      write_vector(w, 2, dn, 0xffff);
    }
  }
  if (m.certificate_types.empty() || m.certificate_types.size() > 255 ||
      m.supported_signature_algorithms.empty()) {
    return {};
  }
  return finish_message(HandshakeType::certificate_request, std::move(w));
}

// ---------------------------------------------------------------------------------------------
// CertificateStatus, RFC 6066 section 8: the same structure as a TLS 1.3 CertificateEntry's
// status_request body, read by the same reader.

Result<ByteView> parse_certificate_status_message(ByteView body) {
  FieldReader r(body);
  return detail::read_certificate_status(r);  // refuses trailing bytes
}

Bytes encode_certificate_status_message(ByteView ocsp_response) {
  Bytes status = encode_certificate_status(ocsp_response);
  if (status.empty()) {
    return {};
  }
  ByteWriter w = message_body(4 + 4 + ocsp_response.size());
  w.bytes(status);
  return finish_message(HandshakeType::certificate_status, std::move(w));
}

// ---------------------------------------------------------------------------------------------
// NewSessionTicket, RFC 5077 section 3.3.

Result<Tls12NewSessionTicket> read_tls12_new_session_ticket(FieldReader& r) {
  //= https://www.rfc-editor.org/rfc/rfc5077#section-3.3
  //# struct {
  //#     uint32 ticket_lifetime_hint;
  //#     opaque ticket<0..2^16-1>;
  //# } NewSessionTicket;
  Tls12NewSessionTicket nst;
  if (!r.u32(nst.ticket_lifetime_hint, "ticket_lifetime_hint") ||
      !r.opaque(2, "ticket", "ticket", nst.ticket)) {
    return truncated("NewSessionTicket");
  }
  return nst;
}

Result<Tls12NewSessionTicket> parse_tls12_new_session_ticket(ByteView body) {
  FieldReader r(body);
  GLASSTLS_ASSIGN(Tls12NewSessionTicket nst, read_tls12_new_session_ticket(r));
  if (!r.empty()) {
    return trailing("NewSessionTicket");
  }
  return nst;
}

Bytes encode(const Tls12NewSessionTicket& m) {
  ByteWriter w = message_body(64);
  w.u32(m.ticket_lifetime_hint);
  {
    auto ticket = w.u16_prefixed();
    w.bytes(m.ticket);
  }
  return finish_message(HandshakeType::new_session_ticket, std::move(w));
}

// ---------------------------------------------------------------------------------------------
// ClientHello and ServerHello helpers.

bool offers_null_compression(const ClientHello& ch) {
  //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.1.2
  //# This vector MUST contain,
  //# and all implementations MUST support, CompressionMethod.null.
  return std::find(ch.legacy_compression_methods.begin(), ch.legacy_compression_methods.end(), 0) !=
         ch.legacy_compression_methods.end();
}

bool has_downgrade_sentinel(ByteView server_random) {
  if (server_random.size() < 8) {
    return false;
  }
  const ByteView tail = server_random.last(8);
  return std::equal(tail.begin(), tail.end(), std::begin(kDowngradeTls12)) ||
         std::equal(tail.begin(), tail.end(), std::begin(kDowngradeTls11));
}

Status check_client_ec_point_formats(const ClientHello& ch) {
  if (!ch.ec_point_formats || !ch.supported_groups) {
    return Ok{};
  }
  const std::vector<uint8_t>& formats = *ch.ec_point_formats;
  if (std::find(formats.begin(), formats.end(), kPointFormatUncompressed) != formats.end()) {
    return Ok{};
  }
  const bool ecc_group =
      std::any_of(ch.supported_groups->begin(), ch.supported_groups->end(), [](NamedGroup g) {
        return g == NamedGroup::secp256r1 || g == NamedGroup::secp384r1 ||
               g == NamedGroup::secp521r1 || g == NamedGroup::x25519 || g == NamedGroup::x448;
      });
  //= https://www.rfc-editor.org/rfc/rfc8422#section-5.1.2
  //# If the client sends the extension and the extension does not contain
  //# the uncompressed point format, and the client has used the Supported
  //# Groups extension to indicate support for any of the curves defined in
  //# this specification, then the server MUST abort the handshake and
  //# return an illegal_parameter alert.
  if (ecc_group) {
    return illegal_parameter("ClientHello ec_point_formats lacks uncompressed (0)");
  }
  return Ok{};
}

// ---------------------------------------------------------------------------------------------
// The extensions of a TLS 1.2 ServerHello.

Result<Tls12ServerHelloExtensions> decode_tls12_server_hello_extensions(const ServerHello& sh) {
  Tls12ServerHelloExtensions out;
  for (const RawExtension& e : sh.extensions) {
    // parse_server_hello checked the block against TLS 1.2's column when it had no
    // supported_versions; a ServerHello that has one is not TLS 1.2's.
    if (!extension_allowed(e.type, ExtensionContext::kServerHello, ProtocolVersion::TLSv1_2)) {
      return illegal_parameter(extension_label(e.type) +
                               " is not allowed in a TLS 1.2 ServerHello");
    }
    FieldReader r(e.body);
    switch (e.type) {
      case ExtensionType::extended_master_secret:
        //= https://www.rfc-editor.org/rfc/rfc7627#section-5.1
        //# The
        //# "extension_data" field of this extension is empty.
        GLASSTLS_TRY(detail::read_empty_body(r, "extended_master_secret"));
        out.extended_master_secret = true;
        break;
      case ExtensionType::encrypt_then_mac:
        //= https://www.rfc-editor.org/rfc/rfc7366#section-2
        //# The "extension_type" value for
        //# this extension SHALL be 22 (0x16), and the "extension_data" field of
        //# this extension SHALL be empty.
        GLASSTLS_TRY(detail::read_empty_body(r, "encrypt_then_mac"));
        out.encrypt_then_mac = true;
        break;
      case ExtensionType::renegotiation_info: {
        GLASSTLS_ASSIGN(out.renegotiation_info, detail::read_renegotiation_info(r));
        break;
      }
      case ExtensionType::ec_point_formats: {
        GLASSTLS_ASSIGN(std::vector<uint8_t> formats, detail::read_ec_point_formats(r));
        //= https://www.rfc-editor.org/rfc/rfc8422#section-5.2
        //# The Supported
        //# Point Formats Extension, when used, MUST contain the value 0
        //# (uncompressed) as one of the items in the list of point formats.
        if (std::find(formats.begin(), formats.end(), kPointFormatUncompressed) == formats.end()) {
          return illegal_parameter("ServerHello ec_point_formats lacks uncompressed (0)");
        }
        out.ec_point_formats = std::move(formats);
        break;
      }
      case ExtensionType::application_layer_protocol_negotiation: {
        GLASSTLS_ASSIGN(std::vector<std::string_view> names,
                        detail::read_protocol_name_list(r, "protocol_name_list", true));
        out.alpn = names.front();
        break;
      }
      case ExtensionType::server_name:
        //= https://www.rfc-editor.org/rfc/rfc6066#section-3
        //# In this event, the server
        //# SHALL include an extension of type "server_name" in the (extended)
        //# server hello.  The "extension_data" field of this extension SHALL be
        //# empty.
        GLASSTLS_TRY(detail::read_empty_body(r, "server_name"));
        out.server_name_acknowledged = true;
        break;
      case ExtensionType::status_request:
        //= https://www.rfc-editor.org/rfc/rfc6066#section-8
        //# If a server returns a
        //# "CertificateStatus" message, then the server MUST have included an
        //# extension of type "status_request" with empty "extension_data" in the
        //# extended server hello.
        GLASSTLS_TRY(detail::read_empty_body(r, "status_request"));
        out.status_request = true;
        break;
      case ExtensionType::session_ticket:
        //= https://www.rfc-editor.org/rfc/rfc5077#section-3.2
        //# The server uses a zero-length SessionTicket extension to indicate to
        //# the client that it will send a new session ticket using the
        //# NewSessionTicket handshake message described in Section 3.3.
        GLASSTLS_TRY(detail::read_empty_body(r, "session_ticket"));
        out.session_ticket = true;
        break;
      default:
        // The others TLS 1.2 allows here (max_fragment_length, use_srtp, heartbeat, ...) and
        // unrecognised types stay in ServerHello::extensions: glasstls never offers them, so
        // the caller refuses them as unsolicited.
        break;
    }
  }
  return out;
}

namespace {

// write_tls12_server_hello_extensions writes the extensions of `ext` that are set, in the extension
// table's order.
void write_tls12_server_hello_extensions(ByteWriter& w, const Tls12ServerHelloExtensions& ext) {
  auto empty = [&w](ExtensionType type) {
    w.u16(static_cast<uint16_t>(type));
    w.u16(0);
  };
  for (const ExtensionRow& row : extension_table()) {
    switch (row.type) {
      case ExtensionType::server_name:
        if (ext.server_name_acknowledged) {
          empty(row.type);
        }
        break;
      case ExtensionType::status_request:
        if (ext.status_request) {
          empty(row.type);
        }
        break;
      case ExtensionType::application_layer_protocol_negotiation:
        if (ext.alpn) {
          w.u16(static_cast<uint16_t>(row.type));
          auto body = w.u16_prefixed();
          auto list = w.u16_prefixed();
          auto name = w.u8_prefixed();
          w.bytes(*ext.alpn);
        }
        break;
      case ExtensionType::ec_point_formats:
        if (ext.ec_point_formats) {
          w.u16(static_cast<uint16_t>(row.type));
          auto body = w.u16_prefixed();
          auto list = w.u8_prefixed();
          for (uint8_t f : *ext.ec_point_formats) {
            w.u8(f);
          }
        }
        break;
      case ExtensionType::encrypt_then_mac:
        if (ext.encrypt_then_mac) {
          empty(row.type);
        }
        break;
      case ExtensionType::extended_master_secret:
        if (ext.extended_master_secret) {
          empty(row.type);
        }
        break;
      case ExtensionType::session_ticket:
        if (ext.session_ticket) {
          empty(row.type);
        }
        break;
      case ExtensionType::renegotiation_info:
        if (ext.renegotiation_info) {
          w.u16(static_cast<uint16_t>(row.type));
          auto body = w.u16_prefixed();
          auto connection = w.u8_prefixed();
          w.bytes(*ext.renegotiation_info);
        }
        break;
      default: break;
    }
  }
}

}  // namespace

Bytes encode_tls12_server_hello(const ServerHello& base, const Tls12ServerHelloExtensions& ext) {
  ByteWriter w = message_body(128);
  w.u16(base.legacy_version);
  w.bytes(base.random);
  {
    auto sid = w.u8_prefixed();
    w.bytes(base.legacy_session_id_echo);
  }
  w.u16(static_cast<uint16_t>(base.cipher_suite));
  w.u8(base.legacy_compression_method);
  ByteWriter exts;
  write_tls12_server_hello_extensions(exts, ext);
  if (exts.size() > 0) {
    auto block = w.u16_prefixed();
    w.bytes(exts.view());
    if (exts.failed()) {
      return {};
    }
  }
  return finish_message(HandshakeType::server_hello, std::move(w));
}

}  // namespace glasstls::msgs
