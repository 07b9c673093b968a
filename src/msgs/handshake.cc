// handshake.cc: strict codecs for the TLS 1.3 handshake messages (RFC 8446 section 4).
//
// Every parser follows the same pattern (STYLE.md section 9.1): read each field with the
// bounds-checked ByteReader, take every vector through its length prefix, check the vector's
// minimum size, and reject any byte left over. Extension blocks go through one function that
// enforces the rules shared by every message (no duplicates, the RFC 8446 section 4.2 table,
// pre_shared_key last in ClientHello); each message then decodes the extensions it knows.
#include "msgs/handshake.h"

#include <algorithm>
#include <cstdio>
#include <string>

namespace glasstls::msgs {

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
//# the HelloRetryRequest message uses the same structure
//# as the ServerHello, but with Random set to the special value of the
//# SHA-256 of "HelloRetryRequest":
//#
//#   CF 21 AD 74 E5 9A 61 11 BE 1D 8C 02 1E 65 B8 91
//#   C2 A2 11 16 7A BB 8C 5E 07 9E 09 E2 C8 A8 33 9C
const uint8_t kHelloRetryRequestRandom[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

namespace {

constexpr size_t kRandomLen = 32;
constexpr size_t kMaxSessionIdLen = 32;
constexpr uint32_t kMaxTicketLifetime = 604800;

// ext_label names an extension type for error reasons, falling back to its number.
std::string ext_label(ExtensionType t) {
  std::string_view n = name(t);
  if (!n.empty()) {
    return std::string(n);
  }
  char buf[24];
  std::snprintf(buf, sizeof(buf), "extension 0x%04x", static_cast<unsigned>(t));
  return buf;
}

std::string_view as_string(ByteView v) {
  return std::string_view(reinterpret_cast<const char*>(v.data()), v.size());
}

Error truncated(std::string_view what) { return decode_error(std::string(what) + " is truncated"); }

Error trailing(std::string_view what) {
  return decode_error(std::string(what) + " has trailing bytes");
}

Error missing_extension_error(std::string reason) {
  return make_error(ErrorKind::kPeerMisbehaved, AlertDescription::missing_extension,
                    std::move(reason));
}

// sole_prefixed reads a vector with a `len_bytes` length prefix that must fill `body`
// exactly, as an extension body that is nothing but one vector does. `min_len` is the
// vector's minimum length in bytes.
Result<ByteReader> sole_prefixed(ByteView body, size_t len_bytes, size_t min_len,
                                 std::string_view what) {
  ByteReader r(body);
  ByteReader inner;
  bool ok = false;
  if (len_bytes == 1) {
    ok = r.u8_prefixed(inner);
  } else if (len_bytes == 2) {
    ok = r.u16_prefixed(inner);
  } else {
    ok = r.u24_prefixed(inner);
  }
  if (!ok) {
    return truncated(what);
  }
  if (!r.empty()) {
    return trailing(what);
  }
  if (inner.remaining() < min_len) {
    return decode_error(std::string(what) + " is shorter than its minimum length");
  }
  return inner;
}

// read_u16_list decodes a list of 16-bit code points filling `list`. Values glasstls does not
// know (GREASE, new registrations) are kept: the enums have a fixed underlying type.
template <typename T>
Result<std::vector<T>> read_u16_list(ByteReader list, bool non_empty, std::string_view what) {
  if (list.remaining() % 2 != 0) {
    return decode_error(std::string(what) + " has an odd length");
  }
  if (non_empty && list.empty()) {
    return decode_error(std::string(what) + " is empty");
  }
  std::vector<T> out;
  out.reserve(list.remaining() / 2);
  while (!list.empty()) {
    uint16_t v = 0;
    if (!list.u16(v)) {
      return truncated(what);  // unreachable: the length is even
    }
    out.push_back(static_cast<T>(v));
  }
  return out;
}

// u16_list_extension decodes an extension body that is one u16-prefixed, non-empty list of
// 16-bit values (supported_groups, signature_algorithms, signature_algorithms_cert).
template <typename T>
Result<std::vector<T>> u16_list_extension(ByteView body, std::string_view what) {
  GLASSTLS_ASSIGN(ByteReader list, sole_prefixed(body, 2, 0, what));
  return read_u16_list<T>(list, true, what);
}

Status empty_extension(ByteView body, std::string_view what) {
  if (!body.empty()) {
    return decode_error(std::string(what) + " must have an empty body");
  }
  return Ok{};
}

// parse_extension_block reads `extensions<0..2^16-1>` from `r` and applies the rules common
// to every extension block. When `optional` is set, a reader with nothing left stands for an
// absent block (ClientHello and ServerHello from before extensions existed).
Result<std::vector<RawExtension>> parse_extension_block(ByteReader& r, ExtensionContext context,
                                                        bool optional) {
  std::vector<RawExtension> out;
  if (optional && r.empty()) {
    return out;
  }
  ByteReader block;
  if (!r.u16_prefixed(block)) {
    return truncated("extension block");
  }
  while (!block.empty()) {
    uint16_t type = 0;
    ByteView body;
    if (!block.u16(type) || !block.u16_prefixed(body)) {
      return truncated("extension");
    }
    auto t = static_cast<ExtensionType>(type);
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
    //# If an implementation receives an extension
    //# which it recognizes and which is not specified for the message in
    //# which it appears, it MUST abort the handshake with an
    //# "illegal_parameter" alert.
    if (!extension_allowed(t, context)) {
      return illegal_parameter(ext_label(t) + " is not allowed in this message");
    }
    out.push_back(RawExtension{t, body});
  }

  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
  //# There MUST NOT be more than one extension of the
  //# same type in a given extension block.
  std::vector<uint16_t> types;
  types.reserve(out.size());
  for (const RawExtension& e : out) {
    types.push_back(static_cast<uint16_t>(e.type));
  }
  std::sort(types.begin(), types.end());
  auto dup = std::adjacent_find(types.begin(), types.end());
  if (dup != types.end()) {
    return illegal_parameter("duplicate " + ext_label(static_cast<ExtensionType>(*dup)));
  }

  if (context == ExtensionContext::kClientHello) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //# The "pre_shared_key" extension MUST be the last extension in the
    //# ClientHello (this facilitates implementation as described below).
    //# Servers MUST check that it is the last extension and otherwise fail
    //# the handshake with an "illegal_parameter" alert.
    for (size_t i = 0; i + 1 < out.size(); i++) {
      if (out[i].type == ExtensionType::pre_shared_key) {
        return illegal_parameter("pre_shared_key is not the last ClientHello extension");
      }
    }
  }
  return out;
}

// parse_server_name decodes a ClientHello server_name body and returns its host_name entry.
Result<std::optional<std::string_view>> parse_server_name(ByteView body) {
  //= https://www.rfc-editor.org/rfc/rfc6066#section-3
  //# ServerName server_name_list<1..2^16-1>
  GLASSTLS_ASSIGN(ByteReader list, sole_prefixed(body, 2, 1, "server_name_list"));
  std::optional<std::string_view> host_name;
  while (!list.empty()) {
    uint8_t name_type = 0;
    ByteView entry;
    // Every name type, known or future, carries a u16-prefixed body, so unknown ones can be
    // skipped: "all future data structures associated with new NameTypes MUST begin with a
    // 16-bit length field" (RFC 6066 section 3).
    if (!list.u8(name_type) || !list.u16_prefixed(entry)) {
      return truncated("server_name entry");
    }
    if (name_type != 0) {
      continue;
    }
    //= https://www.rfc-editor.org/rfc/rfc6066#section-3
    //# opaque HostName<1..2^16-1>;
    if (entry.empty()) {
      return decode_error("server_name host_name is empty");
    }
    //= https://www.rfc-editor.org/rfc/rfc6066#section-3
    //# The ServerNameList MUST NOT contain more than one name of the same
    //# name_type.
    if (host_name) {
      return illegal_parameter("server_name lists more than one host_name");
    }
    host_name = as_string(entry);
  }
  return host_name;
}

// parse_alpn_list decodes a ProtocolNameList (RFC 7301 section 3.1).
Result<std::vector<std::string_view>> parse_alpn_list(ByteView body) {
  //= https://www.rfc-editor.org/rfc/rfc7301#section-3.1
  //# ProtocolName protocol_name_list<2..2^16-1>
  GLASSTLS_ASSIGN(ByteReader list, sole_prefixed(body, 2, 2, "ALPN protocol_name_list"));
  std::vector<std::string_view> names;
  while (!list.empty()) {
    ByteView n;
    if (!list.u8_prefixed(n)) {
      return truncated("ALPN protocol name");
    }
    //= https://www.rfc-editor.org/rfc/rfc7301#section-3.1
    //# Empty strings
    //# MUST NOT be included and byte strings MUST NOT be truncated.
    if (n.empty()) {
      return decode_error("ALPN protocol name is empty");
    }
    names.push_back(as_string(n));
  }
  return names;
}

// parse_status_request decodes a ClientHello status_request body (RFC 6066 section 8).
Result<CertificateStatusRequest> parse_status_request(ByteView body) {
  ByteReader r(body);
  CertificateStatusRequest req;
  //= https://www.rfc-editor.org/rfc/rfc6066#section-8
  //# struct {
  //#     CertificateStatusType status_type;
  //#     select (status_type) {
  //#         case ocsp: OCSPStatusRequest;
  //#     } request;
  //# } CertificateStatusRequest;
  if (!r.u8(req.status_type)) {
    return truncated("status_request");
  }
  if (req.status_type != kStatusTypeOcsp) {
    // The request of a type glasstls does not know has no structure it could check; the
    // server staples nothing for it.
    return req;
  }
  //= https://www.rfc-editor.org/rfc/rfc6066#section-8
  //# struct {
  //#     ResponderID responder_id_list<0..2^16-1>;
  //#     Extensions  request_extensions;
  //# } OCSPStatusRequest;
  //#
  //# opaque ResponderID<1..2^16-1>;
  //# opaque Extensions<0..2^16-1>;
  ByteReader ids;
  if (!r.u16_prefixed(ids) || !r.u16_prefixed(req.request_extensions)) {
    return truncated("status_request OCSPStatusRequest");
  }
  if (!r.empty()) {
    return trailing("status_request");
  }
  while (!ids.empty()) {
    ByteView id;
    if (!ids.u16_prefixed(id)) {
      return truncated("status_request ResponderID");
    }
    if (id.empty()) {
      return decode_error("status_request ResponderID is empty");
    }
    req.responder_id_list.push_back(id);
  }
  return req;
}

// parse_certificate_status decodes a CertificateEntry's status_request body and returns its
// OCSPResponse.
Result<ByteView> parse_certificate_status(ByteView body) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.1
  //# Specifically, the body of the
  //# "status_request" extension from the server MUST be a
  //# CertificateStatus structure as defined in [RFC6066], which is
  //# interpreted as defined in [RFC6960].
  ByteReader r(body);
  //= https://www.rfc-editor.org/rfc/rfc6066#section-8
  //# struct {
  //#     CertificateStatusType status_type;
  //#     select (status_type) {
  //#         case ocsp: OCSPResponse;
  //#     } response;
  //# } CertificateStatus;
  //#
  //# opaque OCSPResponse<1..2^24-1>;
  uint8_t status_type = 0;
  if (!r.u8(status_type)) {
    return truncated("CertificateStatus");
  }
  // A well-formed value that is not the one requested: status_request only ever asks for ocsp,
  // the only type defined, so another type answers a request nobody made.
  if (status_type != kStatusTypeOcsp) {
    return illegal_parameter("CertificateStatus status_type " + std::to_string(status_type) +
                             " is not ocsp (1)");
  }
  ByteView response;
  if (!r.u24_prefixed(response)) {
    return truncated("CertificateStatus OCSPResponse");
  }
  if (!r.empty()) {
    return trailing("CertificateStatus");
  }
  if (response.empty()) {
    return decode_error("CertificateStatus OCSPResponse is empty");
  }
  return response;
}

// read_key_share_entry reads one KeyShareEntry (RFC 8446 section 4.2.8).
Result<KeyShareEntry> read_key_share_entry(ByteReader& r) {
  uint16_t group = 0;
  ByteView key_exchange;
  if (!r.u16(group) || !r.u16_prefixed(key_exchange)) {
    return truncated("KeyShareEntry");
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
  //# opaque key_exchange<1..2^16-1>;
  if (key_exchange.empty()) {
    return decode_error("KeyShareEntry key_exchange is empty");
  }
  return KeyShareEntry{static_cast<NamedGroup>(group), key_exchange};
}

Result<std::vector<KeyShareEntry>> parse_client_key_shares(ByteView body) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
  //# KeyShareEntry client_shares<0..2^16-1>;
  GLASSTLS_ASSIGN(ByteReader list, sole_prefixed(body, 2, 0, "key_share client_shares"));
  std::vector<KeyShareEntry> shares;
  while (!list.empty()) {
    GLASSTLS_ASSIGN(KeyShareEntry entry, read_key_share_entry(list));
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
    //# Clients MUST NOT offer multiple KeyShareEntry values
    //# for the same group.
    for (const KeyShareEntry& seen : shares) {
      if (seen.group == entry.group) {
        return illegal_parameter("key_share offers the same group twice");
      }
    }
    shares.push_back(entry);
  }
  return shares;
}

// check_offered_psks validates the structure of a ClientHello pre_shared_key body
// (RFC 8446 section 4.2.11). Resumption is not supported, so nothing is kept.
Status check_offered_psks(ByteView body) {
  ByteReader r(body);
  ByteReader identities;
  ByteReader binders;
  if (!r.u16_prefixed(identities) || !r.u16_prefixed(binders)) {
    return truncated("pre_shared_key");
  }
  if (!r.empty()) {
    return trailing("pre_shared_key");
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
  //# PskIdentity identities<7..2^16-1>;
  //# PskBinderEntry binders<33..2^16-1>;
  if (identities.empty() || binders.empty()) {
    return decode_error("pre_shared_key has no identities or no binders");
  }
  while (!identities.empty()) {
    ByteView identity;
    uint32_t obfuscated_ticket_age = 0;
    if (!identities.u16_prefixed(identity) || !identities.u32(obfuscated_ticket_age)) {
      return truncated("PskIdentity");
    }
    if (identity.empty()) {
      return decode_error("PskIdentity identity is empty");
    }
  }
  while (!binders.empty()) {
    ByteView binder;
    if (!binders.u8_prefixed(binder)) {
      return truncated("PskBinderEntry");
    }
    //# opaque PskBinderEntry<32..255>;
    if (binder.size() < 32) {
      return decode_error("PskBinderEntry is shorter than 32 bytes");
    }
  }
  return Ok{};
}

// decode_client_extension fills the decoded field of `ch` for one extension.
Status decode_client_extension(ClientHello& ch, const RawExtension& e) {
  switch (e.type) {
    case ExtensionType::server_name: {
      GLASSTLS_ASSIGN(ch.server_name, parse_server_name(e.body));
      break;
    }
    case ExtensionType::supported_groups: {
      GLASSTLS_ASSIGN(ch.supported_groups,
                      u16_list_extension<NamedGroup>(e.body, "supported_groups"));
      break;
    }
    case ExtensionType::signature_algorithms: {
      GLASSTLS_ASSIGN(ch.signature_algorithms,
                      u16_list_extension<SignatureScheme>(e.body, "signature_algorithms"));
      break;
    }
    case ExtensionType::signature_algorithms_cert: {
      GLASSTLS_ASSIGN(ch.signature_algorithms_cert,
                      u16_list_extension<SignatureScheme>(e.body, "signature_algorithms_cert"));
      break;
    }
    case ExtensionType::supported_versions: {
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1
      //# ProtocolVersion versions<2..254>;
      GLASSTLS_ASSIGN(ByteReader list, sole_prefixed(e.body, 1, 0, "supported_versions"));
      GLASSTLS_ASSIGN(ch.supported_versions,
                      read_u16_list<uint16_t>(list, true, "supported_versions"));
      break;
    }
    case ExtensionType::key_share: {
      GLASSTLS_ASSIGN(ch.key_shares, parse_client_key_shares(e.body));
      break;
    }
    case ExtensionType::psk_key_exchange_modes: {
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.9
      //# PskKeyExchangeMode ke_modes<1..255>;
      GLASSTLS_ASSIGN(ByteReader modes, sole_prefixed(e.body, 1, 1, "psk_key_exchange_modes"));
      ByteView rest = modes.rest();
      ch.psk_key_exchange_modes = std::vector<uint8_t>(rest.begin(), rest.end());
      break;
    }
    case ExtensionType::cookie: {
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.2
      //# opaque cookie<1..2^16-1>;
      GLASSTLS_ASSIGN(ByteReader cookie, sole_prefixed(e.body, 2, 1, "cookie"));
      ch.cookie = cookie.rest();
      break;
    }
    case ExtensionType::application_layer_protocol_negotiation: {
      GLASSTLS_ASSIGN(ch.alpn, parse_alpn_list(e.body));
      break;
    }
    case ExtensionType::status_request: {
      GLASSTLS_ASSIGN(ch.status_request, parse_status_request(e.body));
      break;
    }
    case ExtensionType::pre_shared_key: {
      GLASSTLS_TRY(check_offered_psks(e.body));
      ch.has_pre_shared_key = true;
      break;
    }
    case ExtensionType::early_data: {
      GLASSTLS_TRY(empty_extension(e.body, "early_data"));
      ch.has_early_data = true;
      break;
    }
    case ExtensionType::post_handshake_auth: {
      GLASSTLS_TRY(empty_extension(e.body, "post_handshake_auth"));
      ch.has_post_handshake_auth = true;
      break;
    }
    default:
      // Kept in `extensions` only: tolerated (padding, TLS 1.2-only, ...) or unrecognised.
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
      //# Servers MUST ignore unrecognized extensions.
      break;
  }
  return Ok{};
}

Status decode_server_hello_extension(ServerHello& sh, const RawExtension& e) {
  ByteReader r(e.body);
  switch (e.type) {
    case ExtensionType::supported_versions: {
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1
      //# ProtocolVersion selected_version;
      uint16_t v = 0;
      if (!r.u16(v)) {
        return truncated("supported_versions");
      }
      sh.selected_version = v;
      break;
    }
    case ExtensionType::key_share: {
      if (sh.is_hello_retry_request) {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
        //# NamedGroup selected_group;
        uint16_t group = 0;
        if (!r.u16(group)) {
          return truncated("key_share selected_group");
        }
        sh.selected_group = static_cast<NamedGroup>(group);
      } else {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
        //# KeyShareEntry server_share;
        GLASSTLS_ASSIGN(sh.key_share, read_key_share_entry(r));
      }
      break;
    }
    case ExtensionType::cookie: {
      // The extension table admits cookie only in the HelloRetryRequest.
      ByteView cookie;
      if (!r.u16_prefixed(cookie)) {
        return truncated("cookie");
      }
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.2
      //# opaque cookie<1..2^16-1>;
      if (cookie.empty()) {
        return decode_error("cookie is empty");
      }
      sh.cookie = cookie;
      break;
    }
    case ExtensionType::pre_shared_key: {
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
      //# uint16 selected_identity;
      uint16_t selected_identity = 0;
      if (!r.u16(selected_identity)) {
        return truncated("pre_shared_key");
      }
      sh.has_pre_shared_key = true;
      break;
    }
    default:
      // Unsolicited: kept in `extensions` for the state machine to refuse.
      return Ok{};
  }
  if (!r.empty()) {
    return trailing(ext_label(e.type));
  }
  return Ok{};
}

Status decode_encrypted_extension(EncryptedExtensions& ee, const RawExtension& e) {
  switch (e.type) {
    case ExtensionType::server_name: {
      //= https://www.rfc-editor.org/rfc/rfc6066#section-3
      //# In this event, the server
      //# SHALL include an extension of type "server_name" in the (extended)
      //# server hello.  The "extension_data" field of this extension SHALL be
      //# empty.
      GLASSTLS_TRY(empty_extension(e.body, "server_name"));
      ee.server_name_acknowledged = true;
      break;
    }
    case ExtensionType::supported_groups: {
      GLASSTLS_ASSIGN(ee.supported_groups,
                      u16_list_extension<NamedGroup>(e.body, "supported_groups"));
      break;
    }
    case ExtensionType::application_layer_protocol_negotiation: {
      GLASSTLS_ASSIGN(auto names, parse_alpn_list(e.body));
      //= https://www.rfc-editor.org/rfc/rfc7301#section-3.1
      //# The "extension_data"
      //# field of the ("application_layer_protocol_negotiation(16)") extension
      //# is structured the same as described above for the client
      //# "extension_data", except that the "ProtocolNameList" MUST contain
      //# exactly one "ProtocolName".
      if (names.size() != 1) {
        return decode_error("server ALPN does not contain exactly one protocol");
      }
      ee.alpn = names.front();
      break;
    }
    case ExtensionType::early_data: {
      GLASSTLS_TRY(empty_extension(e.body, "early_data"));
      ee.has_early_data = true;
      break;
    }
    default: break;
  }
  return Ok{};
}

Status decode_certificate_request_extension(CertificateRequest& cr, const RawExtension& e) {
  switch (e.type) {
    case ExtensionType::signature_algorithms: {
      GLASSTLS_ASSIGN(cr.signature_algorithms,
                      u16_list_extension<SignatureScheme>(e.body, "signature_algorithms"));
      break;
    }
    case ExtensionType::signature_algorithms_cert: {
      GLASSTLS_ASSIGN(cr.signature_algorithms_cert,
                      u16_list_extension<SignatureScheme>(e.body, "signature_algorithms_cert"));
      break;
    }
    case ExtensionType::certificate_authorities: {
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.4
      //# opaque DistinguishedName<1..2^16-1>;
      //#
      //# struct {
      //#     DistinguishedName authorities<3..2^16-1>;
      //# } CertificateAuthoritiesExtension;
      GLASSTLS_ASSIGN(ByteReader list, sole_prefixed(e.body, 2, 3, "certificate_authorities"));
      std::vector<ByteView> names;
      while (!list.empty()) {
        ByteView dn;
        if (!list.u16_prefixed(dn)) {
          return truncated("DistinguishedName");
        }
        if (dn.empty()) {
          return decode_error("DistinguishedName is empty");
        }
        names.push_back(dn);
      }
      cr.certificate_authorities = std::move(names);
      break;
    }
    default:
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
      //# Clients MUST ignore unrecognized
      //# extensions.
      break;
  }
  return Ok{};
}

Status decode_new_session_ticket_extension(NewSessionTicket& nst, const RawExtension& e) {
  if (e.type == ExtensionType::early_data) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //# uint32 max_early_data_size;
    ByteReader r(e.body);
    uint32_t max = 0;
    if (!r.u32(max)) {
      return truncated("early_data");
    }
    if (!r.empty()) {
      return trailing("early_data");
    }
    nst.max_early_data_size = max;
  }
  return Ok{};
}

// Writing.

// write_u16_list_ext writes one extension whose body is a u16-prefixed list of 16-bit values.
template <typename T>
void write_u16_list_ext(ByteWriter& w, ExtensionType type, const std::vector<T>& values) {
  w.u16(static_cast<uint16_t>(type));
  auto ext = w.u16_prefixed();
  auto list = w.u16_prefixed();
  for (T v : values) {
    w.u16(static_cast<uint16_t>(v));
  }
}

void write_alpn_ext(ByteWriter& w, const std::vector<std::string_view>& names) {
  w.u16(static_cast<uint16_t>(ExtensionType::application_layer_protocol_negotiation));
  auto ext = w.u16_prefixed();
  auto list = w.u16_prefixed();
  for (std::string_view n : names) {
    auto entry = w.u8_prefixed();
    w.bytes(n);
  }
}

void write_empty_ext(ByteWriter& w, ExtensionType type) {
  w.u16(static_cast<uint16_t>(type));
  w.u16(0);
}

void write_raw_ext(ByteWriter& w, const RawExtension& e) {
  w.u16(static_cast<uint16_t>(e.type));
  auto ext = w.u16_prefixed();
  w.bytes(e.body);
}

void write_key_share_entry(ByteWriter& w, const KeyShareEntry& k) {
  w.u16(static_cast<uint16_t>(k.group));
  auto ke = w.u16_prefixed();
  w.bytes(k.key_exchange);
}

// MessageWriter writes one handshake message into a single buffer: the type byte, a 24-bit
// length filled in by finish(), then the body written through body(). The body is never copied
// behind a header afterwards, and `size_hint` (the usual size of the whole message, header
// included; 0 if unknown) reserves the buffer once, so that the message carries no growth slack.
class MessageWriter {
 public:
  MessageWriter(HandshakeType type, size_t size_hint)
      : w_(start(type, size_hint)), length_(w_, 3) {}
  MessageWriter(const MessageWriter&) = delete;
  MessageWriter& operator=(const MessageWriter&) = delete;

  ByteWriter& body() { return w_; }

  // finish closes the length. A field too long for its length prefix (the body's own 24-bit
  // length included) is a caller bug; the result is then empty rather than a malformed message.
  Bytes finish() && {
    length_.close();
    std::optional<Bytes> out = std::move(w_).finish();
    if (!out) {
      return {};
    }
    return std::move(*out);
  }

 private:
  static Bytes start(HandshakeType type, size_t size_hint) {
    Bytes b;
    b.reserve(std::max<size_t>(size_hint, 4));
    b.push_back(static_cast<uint8_t>(type));
    return b;
  }

  ByteWriter w_;
  LengthPrefix length_;
};

}  // namespace

bool is_recognized(ExtensionType type) {
  switch (type) {
// clang-format off
#define GLASSTLS_EXTENSION(n, value, text) \
  case ExtensionType::n:                   \
    return true;
// clang-format on
#include "glasstls/iana.def"
  }
  return false;
}

bool extension_allowed(ExtensionType type, ExtensionContext context) {
  using C = ExtensionContext;
  const bool ch = context == C::kClientHello;
  const bool sh = context == C::kServerHello;
  const bool hrr = context == C::kHelloRetryRequest;
  const bool ee = context == C::kEncryptedExtensions;
  const bool ct = context == C::kCertificate;
  const bool cr = context == C::kCertificateRequest;
  const bool nst = context == C::kNewSessionTicket;
  // The table of RFC 8446 section 4.2, row by row.
  switch (type) {
    case ExtensionType::server_name:
    case ExtensionType::max_fragment_length:
    case ExtensionType::supported_groups:
    case ExtensionType::use_srtp:
    case ExtensionType::heartbeat:
    case ExtensionType::application_layer_protocol_negotiation:
    case ExtensionType::client_certificate_type:
    case ExtensionType::server_certificate_type: return ch || ee;
    case ExtensionType::status_request:
    case ExtensionType::signed_certificate_timestamp: return ch || cr || ct;
    case ExtensionType::signature_algorithms:
    case ExtensionType::signature_algorithms_cert:
    case ExtensionType::certificate_authorities: return ch || cr;
    case ExtensionType::padding:
    case ExtensionType::psk_key_exchange_modes:
    case ExtensionType::post_handshake_auth: return ch;
    case ExtensionType::key_share:
    case ExtensionType::supported_versions: return ch || sh || hrr;
    case ExtensionType::pre_shared_key: return ch || sh;
    case ExtensionType::early_data: return ch || ee || nst;
    case ExtensionType::cookie: return ch || hrr;
    case ExtensionType::oid_filters: return cr;
    // RFC 8449 section 4: "record_size_limit" may appear in ClientHello and
    // EncryptedExtensions.
    case ExtensionType::record_size_limit: return ch || ee;
    // RFC 8879 section 3: "compress_certificate" may appear in ClientHello and
    // CertificateRequest.
    case ExtensionType::compress_certificate: return ch || cr;
    // TLS 1.2-only extensions, tolerated and ignored in a ClientHello that may be answered
    // with TLS 1.3; a TLS 1.3 server never sends them.
    case ExtensionType::ec_point_formats:
    case ExtensionType::session_ticket:
    case ExtensionType::encrypt_then_mac:
    case ExtensionType::extended_master_secret:
    case ExtensionType::renegotiation_info: return ch;
  }
  // Unrecognised types are the caller's decision.
  return true;
}

void write_handshake_header(ByteWriter& w, HandshakeType type, size_t body_len) {
  w.u8(static_cast<uint8_t>(type));
  // A body longer than 2^24-1 sets the writer's sticky error (ByteWriter::u24).
  w.u24(body_len > 0xffffff ? 0x1000000 : static_cast<uint32_t>(body_len));
}

// ---------------------------------------------------------------------------------------------
// ClientHello, RFC 8446 section 4.1.2.

Result<ClientHello> parse_client_hello(ByteView body) {
  ByteReader r(body);
  ClientHello ch;
  if (!r.u16(ch.legacy_version) || !r.bytes(kRandomLen, ch.random)) {
    return truncated("ClientHello");
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
  //# opaque legacy_session_id<0..32>;
  if (!r.u8_prefixed(ch.legacy_session_id)) {
    return truncated("ClientHello legacy_session_id");
  }
  if (ch.legacy_session_id.size() > kMaxSessionIdLen) {
    return decode_error("ClientHello legacy_session_id is longer than 32 bytes");
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
  //# CipherSuite cipher_suites<2..2^16-2>;
  ByteReader suites;
  if (!r.u16_prefixed(suites)) {
    return truncated("ClientHello cipher_suites");
  }
  GLASSTLS_ASSIGN(ch.cipher_suites, read_u16_list<CipherSuite>(suites, true, "cipher_suites"));
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
  //# opaque legacy_compression_methods<1..2^8-1>;
  if (!r.u8_prefixed(ch.legacy_compression_methods)) {
    return truncated("ClientHello legacy_compression_methods");
  }
  if (ch.legacy_compression_methods.empty()) {
    return decode_error("ClientHello legacy_compression_methods is empty");
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
  //# However,
  //# TLS 1.3 servers might receive ClientHello messages without an
  //# extensions field from prior versions of TLS.
  GLASSTLS_ASSIGN(ch.extensions, parse_extension_block(r, ExtensionContext::kClientHello, true));
  if (!r.empty()) {
    return trailing("ClientHello");
  }
  for (const RawExtension& e : ch.extensions) {
    GLASSTLS_TRY(decode_client_extension(ch, e));
  }
  return ch;
}

Bytes encode(const ClientHello& m, const std::vector<RawExtension>& extra_extensions) {
  MessageWriter mw(HandshakeType::client_hello, 0);
  ByteWriter& w = mw.body();
  w.u16(m.legacy_version);
  w.bytes(m.random);
  {
    auto sid = w.u8_prefixed();
    w.bytes(m.legacy_session_id);
  }
  {
    auto suites = w.u16_prefixed();
    for (CipherSuite c : m.cipher_suites) {
      w.u16(static_cast<uint16_t>(c));
    }
  }
  {
    auto comp = w.u8_prefixed();
    if (m.legacy_compression_methods.empty()) {
      w.u8(0);  // null compression, the only TLS 1.3 value
    } else {
      w.bytes(m.legacy_compression_methods);
    }
  }
  {
    auto exts = w.u16_prefixed();
    if (m.server_name) {
      w.u16(static_cast<uint16_t>(ExtensionType::server_name));
      auto ext = w.u16_prefixed();
      auto list = w.u16_prefixed();
      w.u8(0);  // host_name
      auto host = w.u16_prefixed();
      w.bytes(*m.server_name);
    }
    if (m.status_request) {
      w.u16(static_cast<uint16_t>(ExtensionType::status_request));
      auto ext = w.u16_prefixed();
      w.u8(m.status_request->status_type);
      {
        auto ids = w.u16_prefixed();
        for (ByteView id : m.status_request->responder_id_list) {
          auto entry = w.u16_prefixed();
          w.bytes(id);
        }
      }
      auto request_extensions = w.u16_prefixed();
      w.bytes(m.status_request->request_extensions);
    }
    if (m.supported_groups) {
      write_u16_list_ext(w, ExtensionType::supported_groups, *m.supported_groups);
    }
    if (m.signature_algorithms) {
      write_u16_list_ext(w, ExtensionType::signature_algorithms, *m.signature_algorithms);
    }
    if (m.signature_algorithms_cert) {
      write_u16_list_ext(w, ExtensionType::signature_algorithms_cert, *m.signature_algorithms_cert);
    }
    if (m.alpn) {
      write_alpn_ext(w, *m.alpn);
    }
    if (m.supported_versions) {
      w.u16(static_cast<uint16_t>(ExtensionType::supported_versions));
      auto ext = w.u16_prefixed();
      auto list = w.u8_prefixed();
      for (uint16_t v : *m.supported_versions) {
        w.u16(v);
      }
    }
    if (m.key_shares) {
      w.u16(static_cast<uint16_t>(ExtensionType::key_share));
      auto ext = w.u16_prefixed();
      auto list = w.u16_prefixed();
      for (const KeyShareEntry& k : *m.key_shares) {
        write_key_share_entry(w, k);
      }
    }
    if (m.psk_key_exchange_modes) {
      w.u16(static_cast<uint16_t>(ExtensionType::psk_key_exchange_modes));
      auto ext = w.u16_prefixed();
      auto list = w.u8_prefixed();
      for (uint8_t mode : *m.psk_key_exchange_modes) {
        w.u8(mode);
      }
    }
    if (m.cookie) {
      w.u16(static_cast<uint16_t>(ExtensionType::cookie));
      auto ext = w.u16_prefixed();
      auto cookie = w.u16_prefixed();
      w.bytes(*m.cookie);
    }
    if (m.has_early_data) {
      write_empty_ext(w, ExtensionType::early_data);
    }
    if (m.has_post_handshake_auth) {
      write_empty_ext(w, ExtensionType::post_handshake_auth);
    }
    for (const RawExtension& e : extra_extensions) {
      write_raw_ext(w, e);
    }
  }
  return std::move(mw).finish();
}

// ---------------------------------------------------------------------------------------------
// ServerHello and HelloRetryRequest, RFC 8446 section 4.1.3 and 4.1.4.

Result<ServerHello> parse_server_hello(ByteView body) {
  ByteReader r(body);
  ServerHello sh;
  if (!r.u16(sh.legacy_version) || !r.bytes(kRandomLen, sh.random)) {
    return truncated("ServerHello");
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
  //# opaque legacy_session_id_echo<0..32>;
  if (!r.u8_prefixed(sh.legacy_session_id_echo)) {
    return truncated("ServerHello legacy_session_id_echo");
  }
  if (sh.legacy_session_id_echo.size() > kMaxSessionIdLen) {
    return decode_error("ServerHello legacy_session_id_echo is longer than 32 bytes");
  }
  uint16_t suite = 0;
  if (!r.u16(suite) || !r.u8(sh.legacy_compression_method)) {
    return truncated("ServerHello");
  }
  sh.cipher_suite = static_cast<CipherSuite>(suite);
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
  //# legacy_compression_method:  A single byte which MUST have the
  //# value 0.
  if (sh.legacy_compression_method != 0) {
    return illegal_parameter("ServerHello legacy_compression_method is not 0");
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
  //# Upon receiving a message with type server_hello, implementations MUST
  //# first examine the Random value and, if it matches this value, process
  //# it as described in Section 4.1.4).
  sh.is_hello_retry_request =
      std::equal(sh.random.begin(), sh.random.end(), std::begin(kHelloRetryRequestRandom),
                 std::end(kHelloRetryRequestRandom));
  ExtensionContext context = sh.is_hello_retry_request ? ExtensionContext::kHelloRetryRequest
                                                       : ExtensionContext::kServerHello;
  GLASSTLS_ASSIGN(sh.extensions, parse_extension_block(r, context, true));
  if (!r.empty()) {
    return trailing("ServerHello");
  }
  for (const RawExtension& e : sh.extensions) {
    GLASSTLS_TRY(decode_server_hello_extension(sh, e));
  }
  return sh;
}

Bytes encode(const ServerHello& m) {
  MessageWriter mw(HandshakeType::server_hello,
                   4 + 2 + m.random.size() + 1 + m.legacy_session_id_echo.size() + 2 + 1 + 2 + 6 +
                       (m.key_share ? 8 + m.key_share->key_exchange.size() : 6) +
                       (m.cookie ? 6 + m.cookie->size() : 0));
  ByteWriter& w = mw.body();
  w.u16(m.legacy_version);
  w.bytes(m.random);
  {
    auto sid = w.u8_prefixed();
    w.bytes(m.legacy_session_id_echo);
  }
  w.u16(static_cast<uint16_t>(m.cipher_suite));
  w.u8(m.legacy_compression_method);
  {
    auto exts = w.u16_prefixed();
    if (m.selected_version) {
      w.u16(static_cast<uint16_t>(ExtensionType::supported_versions));
      auto ext = w.u16_prefixed();
      w.u16(*m.selected_version);
    }
    if (m.is_hello_retry_request) {
      if (m.selected_group) {
        w.u16(static_cast<uint16_t>(ExtensionType::key_share));
        auto ext = w.u16_prefixed();
        w.u16(static_cast<uint16_t>(*m.selected_group));
      }
      if (m.cookie) {
        w.u16(static_cast<uint16_t>(ExtensionType::cookie));
        auto ext = w.u16_prefixed();
        auto cookie = w.u16_prefixed();
        w.bytes(*m.cookie);
      }
    } else if (m.key_share) {
      w.u16(static_cast<uint16_t>(ExtensionType::key_share));
      auto ext = w.u16_prefixed();
      write_key_share_entry(w, *m.key_share);
    }
  }
  return std::move(mw).finish();
}

// ---------------------------------------------------------------------------------------------
// EncryptedExtensions, RFC 8446 section 4.3.1.

Result<EncryptedExtensions> parse_encrypted_extensions(ByteView body) {
  ByteReader r(body);
  EncryptedExtensions ee;
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.1
  //# Extension extensions<0..2^16-1>;
  GLASSTLS_ASSIGN(ee.extensions,
                  parse_extension_block(r, ExtensionContext::kEncryptedExtensions, false));
  if (!r.empty()) {
    return trailing("EncryptedExtensions");
  }
  for (const RawExtension& e : ee.extensions) {
    GLASSTLS_TRY(decode_encrypted_extension(ee, e));
  }
  return ee;
}

Bytes encode(const EncryptedExtensions& m) {
  MessageWriter mw(HandshakeType::encrypted_extensions, 0);
  ByteWriter& w = mw.body();
  {
    auto exts = w.u16_prefixed();
    if (m.server_name_acknowledged) {
      write_empty_ext(w, ExtensionType::server_name);
    }
    if (m.supported_groups) {
      write_u16_list_ext(w, ExtensionType::supported_groups, *m.supported_groups);
    }
    if (m.alpn) {
      write_alpn_ext(w, std::vector<std::string_view>{*m.alpn});
    }
    if (m.has_early_data) {
      write_empty_ext(w, ExtensionType::early_data);
    }
  }
  return std::move(mw).finish();
}

// ---------------------------------------------------------------------------------------------
// CertificateRequest, RFC 8446 section 4.3.2.

Result<CertificateRequest> parse_certificate_request(ByteView body) {
  ByteReader r(body);
  CertificateRequest cr;
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
  //# opaque certificate_request_context<0..2^8-1>;
  //# Extension extensions<2..2^16-1>;
  if (!r.u8_prefixed(cr.certificate_request_context)) {
    return truncated("CertificateRequest certificate_request_context");
  }
  GLASSTLS_ASSIGN(cr.extensions,
                  parse_extension_block(r, ExtensionContext::kCertificateRequest, false));
  if (!r.empty()) {
    return trailing("CertificateRequest");
  }
  bool has_signature_algorithms = false;
  for (const RawExtension& e : cr.extensions) {
    has_signature_algorithms =
        has_signature_algorithms || e.type == ExtensionType::signature_algorithms;
    GLASSTLS_TRY(decode_certificate_request_extension(cr, e));
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
  //# The "signature_algorithms" extension
  //# MUST be specified, and other extensions may optionally be included
  //# if defined for this message.
  if (!has_signature_algorithms) {
    return missing_extension_error("CertificateRequest has no signature_algorithms");
  }
  return cr;
}

Bytes encode(const CertificateRequest& m) {
  MessageWriter mw(HandshakeType::certificate_request, 0);
  ByteWriter& w = mw.body();
  {
    auto context = w.u8_prefixed();
    w.bytes(m.certificate_request_context);
  }
  {
    auto exts = w.u16_prefixed();
    write_u16_list_ext(w, ExtensionType::signature_algorithms, m.signature_algorithms);
    if (m.signature_algorithms_cert) {
      write_u16_list_ext(w, ExtensionType::signature_algorithms_cert, *m.signature_algorithms_cert);
    }
    if (m.certificate_authorities) {
      w.u16(static_cast<uint16_t>(ExtensionType::certificate_authorities));
      auto ext = w.u16_prefixed();
      auto list = w.u16_prefixed();
      for (ByteView dn : *m.certificate_authorities) {
        auto entry = w.u16_prefixed();
        w.bytes(dn);
      }
    }
  }
  return std::move(mw).finish();
}

// ---------------------------------------------------------------------------------------------
// Certificate, RFC 8446 section 4.4.2.

Result<Certificate> parse_certificate(ByteView body) {
  ByteReader r(body);
  Certificate c;
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
  //# opaque certificate_request_context<0..2^8-1>;
  //# CertificateEntry certificate_list<0..2^24-1>;
  ByteReader list;
  if (!r.u8_prefixed(c.certificate_request_context) || !r.u24_prefixed(list)) {
    return truncated("Certificate");
  }
  if (!r.empty()) {
    return trailing("Certificate");
  }
  while (!list.empty()) {
    CertificateEntry entry;
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
    //# opaque cert_data<1..2^24-1>;
    if (!list.u24_prefixed(entry.cert_data)) {
      return truncated("CertificateEntry cert_data");
    }
    if (entry.cert_data.empty()) {
      return decode_error("CertificateEntry cert_data is empty");
    }
    //# Extension extensions<0..2^16-1>;
    GLASSTLS_ASSIGN(entry.extensions,
                    parse_extension_block(list, ExtensionContext::kCertificate, false));
    for (const RawExtension& e : entry.extensions) {
      if (e.type == ExtensionType::status_request) {
        GLASSTLS_ASSIGN(entry.ocsp_response, parse_certificate_status(e.body));
      }
    }
    c.entries.push_back(std::move(entry));
  }
  return c;
}

namespace {

// certificate_size is the encoded size of `m`, header included.
size_t certificate_size(const Certificate& m) {
  size_t n = 4 + 1 + m.certificate_request_context.size() + 3;
  for (const CertificateEntry& entry : m.entries) {
    n += 3 + entry.cert_data.size() + 2;
    for (const RawExtension& e : entry.extensions) {
      n += 4 + e.body.size();
    }
  }
  return n;
}

}  // namespace

Bytes encode(const Certificate& m) {
  MessageWriter mw(HandshakeType::certificate, certificate_size(m));
  ByteWriter& w = mw.body();
  {
    auto context = w.u8_prefixed();
    w.bytes(m.certificate_request_context);
  }
  {
    auto list = w.u24_prefixed();
    for (const CertificateEntry& entry : m.entries) {
      {
        auto data = w.u24_prefixed();
        w.bytes(entry.cert_data);
      }
      auto exts = w.u16_prefixed();
      for (const RawExtension& e : entry.extensions) {
        write_raw_ext(w, e);
      }
    }
  }
  return std::move(mw).finish();
}

Bytes encode_certificate_status(ByteView ocsp_response) {
  if (ocsp_response.empty() || ocsp_response.size() > 0xffffff) {
    return {};
  }
  Bytes out;
  out.reserve(1 + 3 + ocsp_response.size());
  out.push_back(kStatusTypeOcsp);
  const size_t n = ocsp_response.size();
  out.push_back(static_cast<uint8_t>(n >> 16));
  out.push_back(static_cast<uint8_t>(n >> 8));
  out.push_back(static_cast<uint8_t>(n));
  out.insert(out.end(), ocsp_response.begin(), ocsp_response.end());
  return out;
}

// ---------------------------------------------------------------------------------------------
// CertificateVerify, RFC 8446 section 4.4.3.

Result<CertificateVerify> parse_certificate_verify(ByteView body) {
  ByteReader r(body);
  CertificateVerify cv;
  uint16_t scheme = 0;
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
  //# SignatureScheme algorithm;
  //# opaque signature<0..2^16-1>;
  if (!r.u16(scheme) || !r.u16_prefixed(cv.signature)) {
    return truncated("CertificateVerify");
  }
  if (!r.empty()) {
    return trailing("CertificateVerify");
  }
  // The vector may be empty on the wire. No scheme produces an empty signature, but that is a
  // failed verification (decrypt_error, sections 4.4.3 and 6.2), which the handshake decides.
  cv.scheme = static_cast<SignatureScheme>(scheme);
  return cv;
}

Bytes encode(const CertificateVerify& m) {
  MessageWriter mw(HandshakeType::certificate_verify, 4 + 2 + 2 + m.signature.size());
  ByteWriter& w = mw.body();
  w.u16(static_cast<uint16_t>(m.scheme));
  {
    auto sig = w.u16_prefixed();
    w.bytes(m.signature);
  }
  return std::move(mw).finish();
}

// ---------------------------------------------------------------------------------------------
// Finished, RFC 8446 section 4.4.4.

Result<Finished> parse_finished(ByteView body, size_t hash_len) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4
  //# opaque verify_data[Hash.length];
  if (body.size() != hash_len) {
    return decode_error("Finished verify_data length does not match the hash length");
  }
  return Finished{body};
}

Bytes encode(const Finished& m) {
  MessageWriter mw(HandshakeType::finished, 4 + m.verify_data.size());
  ByteWriter& w = mw.body();
  w.bytes(m.verify_data);
  return std::move(mw).finish();
}

// ---------------------------------------------------------------------------------------------
// NewSessionTicket, RFC 8446 section 4.6.1.

Result<NewSessionTicket> parse_new_session_ticket(ByteView body) {
  ByteReader r(body);
  NewSessionTicket nst;
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
  //# uint32 ticket_lifetime;
  //# uint32 ticket_age_add;
  //# opaque ticket_nonce<0..255>;
  //# opaque ticket<1..2^16-1>;
  //# Extension extensions<0..2^16-2>;
  if (!r.u32(nst.ticket_lifetime) || !r.u32(nst.ticket_age_add) ||
      !r.u8_prefixed(nst.ticket_nonce) || !r.u16_prefixed(nst.ticket)) {
    return truncated("NewSessionTicket");
  }
  if (nst.ticket.empty()) {
    return decode_error("NewSessionTicket ticket is empty");
  }
  GLASSTLS_ASSIGN(nst.extensions,
                  parse_extension_block(r, ExtensionContext::kNewSessionTicket, false));
  if (!r.empty()) {
    return trailing("NewSessionTicket");
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
  //# Servers MUST NOT use any value greater than
  //# 604800 seconds (7 days).
  if (nst.ticket_lifetime > kMaxTicketLifetime) {
    return illegal_parameter("NewSessionTicket ticket_lifetime exceeds 604800 seconds");
  }
  for (const RawExtension& e : nst.extensions) {
    GLASSTLS_TRY(decode_new_session_ticket_extension(nst, e));
  }
  return nst;
}

Bytes encode(const NewSessionTicket& m) {
  MessageWriter mw(HandshakeType::new_session_ticket,
                   4 + 4 + 4 + 1 + m.ticket_nonce.size() + 2 + m.ticket.size() + 2 + 8);
  ByteWriter& w = mw.body();
  w.u32(m.ticket_lifetime);
  w.u32(m.ticket_age_add);
  {
    auto nonce = w.u8_prefixed();
    w.bytes(m.ticket_nonce);
  }
  {
    auto ticket = w.u16_prefixed();
    w.bytes(m.ticket);
  }
  {
    auto exts = w.u16_prefixed();
    if (m.max_early_data_size) {
      w.u16(static_cast<uint16_t>(ExtensionType::early_data));
      auto ext = w.u16_prefixed();
      w.u32(*m.max_early_data_size);
    }
  }
  return std::move(mw).finish();
}

// ---------------------------------------------------------------------------------------------
// KeyUpdate, RFC 8446 section 4.6.3.

Result<KeyUpdate> parse_key_update(ByteView body) {
  if (body.size() != 1) {
    return decode_error("KeyUpdate body is not exactly one byte");
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
  //# If an implementation
  //# receives any other value, it MUST terminate the connection with an
  //# "illegal_parameter" alert.
  if (body[0] > 1) {
    return illegal_parameter("KeyUpdate request_update is neither 0 nor 1");
  }
  return KeyUpdate{body[0] == 1};
}

Bytes encode(const KeyUpdate& m) {
  MessageWriter mw(HandshakeType::key_update, 5);
  ByteWriter& w = mw.body();
  w.u8(m.update_requested ? 1 : 0);
  return std::move(mw).finish();
}

}  // namespace glasstls::msgs
