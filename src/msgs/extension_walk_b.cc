// extension_walk_b.cc: walkers of extension bodies (extension_walk.h), second half. Where
// glasstls decodes an extension, its walker runs the decoder's own reader
// (extension_readers_b.h); the rest are read here alone, for the view.
#include "msgs/extension_readers_b.h"
#include "msgs/extension_walk.h"

namespace glasstls::msgs::detail {
namespace {

bool client_hello(ExtensionContext context) { return context == ExtensionContext::kClientHello; }

// opaque_vector reads `opaque name<min..max>` with a `prefix_len`-byte length whose contents
// are the field `content_name`, and reports a length outside min..max. Returns whether the
// vector was read whole.
bool opaque_vector(FieldReader& r, size_t prefix_len, std::string_view name,
                   std::string_view content_name, size_t min, size_t max, size_t index = kNoIndex) {
  FieldReader inner;
  if (!r.open(prefix_len, name, inner, index)) {
    return false;
  }
  const size_t n = inner.rest_field(content_name).size();
  const bool whole = r.close(inner);
  r.note_length(n, min, max);
  return whole;
}

// code_items reads `width`-byte values named `name[i]` until `list` is used up.
void code_items(FieldReader& list, size_t width, std::string_view name) {
  uint32_t v = 0;
  for (size_t i = 0; !list.empty() && list.item(width, v, name, i); i++) {
  }
}

// code_list reads `T name<min..max>` of `width`-byte code points, with a `prefix_len`-byte
// length.
void code_list(FieldReader& r, size_t prefix_len, size_t width, std::string_view name, size_t min,
               size_t max) {
  FieldReader list;
  if (!r.open(prefix_len, name, list)) {
    return;
  }
  const size_t n = list.remaining();
  code_items(list, width, name);
  r.close(list);
  r.note_length(n, min, max);
}

void walk_compress_certificate(FieldReader& data, ExtensionContext) {
  //= https://www.rfc-editor.org/rfc/rfc8879#section-3
  //# CertificateCompressionAlgorithm algorithms<2..2^8-2>;
  code_list(data, 1, 2, "algorithms", 2, 254);
}

void walk_record_size_limit(FieldReader& data, ExtensionContext) {
  //= https://www.rfc-editor.org/rfc/rfc8449#section-4
  //# uint16 RecordSizeLimit;
  uint16_t v = 0;
  (void)data.u16(v, "record_size_limit", Show::kDecimal);
}

void walk_session_ticket(FieldReader& data, ExtensionContext) { (void)read_session_ticket(data); }

void walk_pre_shared_key(FieldReader& data, ExtensionContext context) {
  if (client_hello(context)) {
    (void)read_offered_psks(data);
  } else {
    (void)read_selected_identity(data);
  }
}

void walk_early_data(FieldReader& data, ExtensionContext context) {
  if (context == ExtensionContext::kNewSessionTicket) {
    (void)read_max_early_data_size(data);
  } else {
    (void)read_empty_body(data, "early_data");
  }
}

void walk_supported_versions(FieldReader& data, ExtensionContext context) {
  if (client_hello(context)) {
    (void)read_supported_versions(data);
  } else {
    (void)read_selected_version(data);
  }
}

void walk_cookie(FieldReader& data, ExtensionContext context) {
  (void)read_cookie(data, client_hello(context));
}

void walk_psk_key_exchange_modes(FieldReader& data, ExtensionContext) {
  (void)read_psk_key_exchange_modes(data);
}

void walk_certificate_authorities(FieldReader& data, ExtensionContext) {
  (void)read_certificate_authorities(data);
}

void walk_oid_filters(FieldReader& data, ExtensionContext) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.5
  //# struct {
  //#     opaque certificate_extension_oid<1..2^8-1>;
  //#     opaque certificate_extension_values<0..2^16-1>;
  //# } OIDFilter;
  //#
  //# struct {
  //#     OIDFilter filters<0..2^16-1>;
  //# } OIDFilterExtension;
  FieldReader list;
  if (!data.open(2, "filters", list)) {
    return;
  }
  for (size_t i = 0; !list.empty(); i++) {
    list.open_struct("filters", i);
    (void)opaque_vector(list, 1, "certificate_extension_oid", "oid", 1, 255);
    (void)opaque_vector(list, 2, "certificate_extension_values", "values", 0, 0xffff);
    list.close_struct();
  }
  data.close(list);
}

void walk_post_handshake_auth(FieldReader& data, ExtensionContext) {
  (void)read_empty_body(data, "post_handshake_auth");
}

void walk_key_share(FieldReader& data, ExtensionContext context) {
  if (context == ExtensionContext::kHelloRetryRequest) {
    (void)read_selected_group(data);
  } else if (client_hello(context)) {
    (void)read_client_shares(data);
  } else {
    (void)read_server_share(data);
  }
}

void walk_renegotiation_info(FieldReader& data, ExtensionContext) {
  (void)read_renegotiation_info(data);
}

// The extensions of iana.def that glasstls names but does not recognise, by value.
enum class Registered : uint16_t {
#define GLASSTLS_EXTENSION_REGISTERED(n, value, text) n = value,
#include "glasstls/iana.def"
};

// is_registered says whether `raw` is one of them.
bool is_registered(uint16_t raw) {
  switch (raw) {
#define GLASSTLS_EXTENSION_REGISTERED(n, value, text) case value:
#include "glasstls/iana.def"
    return true;
    default: return false;
  }
}

void walk_encrypted_client_hello(FieldReader& data, ExtensionContext context) {
  // RFC 9849 section 5: in a ClientHello, ECHClientHello is a type, outer (0) or inner (1); an
  // outer one carries the HPKE cipher suite (KDF and AEAD), a config_id, the HPKE encapsulated
  // key enc<0..2^16-1> and the encrypted inner ClientHello payload<1..2^16-1>.
  if (context == ExtensionContext::kEncryptedExtensions) {
    (void)opaque_vector(data, 2, "retry_configs", "ECHConfigList", 4, 0xffff);
    return;
  }
  if (context == ExtensionContext::kHelloRetryRequest) {
    (void)data.rest_field("confirmation");
    return;
  }
  uint8_t type = 0;
  if (!data.u8(type, "type")) {
    return;
  }
  if (type == 1) {
    return;
  }
  if (type != 0) {
    (void)data.rest_field("data");
    return;
  }
  uint16_t kdf = 0;
  uint16_t aead = 0;
  uint8_t config_id = 0;
  (void)data.u16(kdf, "kdf_id", Show::kCode);
  (void)data.u16(aead, "aead_id", Show::kCode);
  (void)data.u8(config_id, "config_id");
  (void)opaque_vector(data, 2, "enc", "enc", 0, 0xffff);
  (void)opaque_vector(data, 2, "payload", "payload", 1, 0xffff);
}

void walk_ech_outer_extensions(FieldReader& data, ExtensionContext) {
  // RFC 9849 section 5.1: ExtensionType OuterExtensions<2..254>.
  code_list(data, 1, 2, "outer_extensions", 2, 254);
}

// walk_protocol_name_list reads a ProtocolNameList named `name`, as ALPS carries it.
void walk_protocol_name_list(FieldReader& data, std::string_view name) {
  //= https://www.rfc-editor.org/rfc/rfc7301#section-3.1
  //# opaque ProtocolName<1..2^8-1>;
  //#
  //# struct {
  //#     ProtocolName protocol_name_list<2..2^16-1>
  //# } ProtocolNameList;
  FieldReader list;
  if (!data.open(2, name, list)) {
    return;
  }
  const size_t n = list.remaining();
  for (size_t i = 0; !list.empty(); i++) {
    if (!opaque_vector(list, 1, name, "name", 1, 255, i)) {
      break;
    }
  }
  data.close(list);
  data.note_length(n, 2, 0xffff);
}

void walk_application_settings(FieldReader& data, ExtensionContext context) {
  // draft-vvv-tls-alps: the client lists the protocols it has settings for, as in ALPN; the
  // server's settings for the chosen protocol are the whole extension_data.
  if (client_hello(context)) {
    walk_protocol_name_list(data, "supported_protocols");
    return;
  }
  (void)data.rest_field("application_settings");
}

void walk_delegated_credential(FieldReader& data, ExtensionContext context) {
  if (client_hello(context) || context == ExtensionContext::kCertificateRequest) {
    // RFC 9345: a SignatureSchemeList, as in signature_algorithms.
    code_list(data, 2, 2, "supported_signature_algorithms", 2, 0xfffe);
    return;
  }
  (void)data.rest_field("credential");
}

void walk_ticket_request(FieldReader& data, ExtensionContext context) {
  // RFC 9149 section 3: ClientTicketRequest is two uint8 counts, ServerTicketRequestHint one.
  uint8_t v = 0;
  if (client_hello(context)) {
    (void)data.u8(v, "new_session_count");
    (void)data.u8(v, "resumption_count");
    return;
  }
  (void)data.u8(v, "expected_count");
}

void walk_next_protocol_negotiation(FieldReader& data, ExtensionContext) {
  (void)data.rest_field("protocols");
}

void walk_quic_transport_parameters(FieldReader& data, ExtensionContext) {
  (void)data.rest_field("parameters");
}

void walk_registered(FieldReader& data, ExtensionContext) { (void)data.rest_field("data"); }

}  // namespace

ExtensionWalker find_extension_walker_b(ExtensionType type, ExtensionContext) {
  switch (type) {
    case ExtensionType::compress_certificate: return walk_compress_certificate;
    case ExtensionType::record_size_limit: return walk_record_size_limit;
    case ExtensionType::session_ticket: return walk_session_ticket;
    case ExtensionType::pre_shared_key: return walk_pre_shared_key;
    case ExtensionType::early_data: return walk_early_data;
    case ExtensionType::supported_versions: return walk_supported_versions;
    case ExtensionType::cookie: return walk_cookie;
    case ExtensionType::psk_key_exchange_modes: return walk_psk_key_exchange_modes;
    case ExtensionType::certificate_authorities: return walk_certificate_authorities;
    case ExtensionType::oid_filters: return walk_oid_filters;
    case ExtensionType::post_handshake_auth: return walk_post_handshake_auth;
    case ExtensionType::key_share: return walk_key_share;
    case ExtensionType::renegotiation_info: return walk_renegotiation_info;
    default: break;
  }
  const auto raw = static_cast<uint16_t>(type);
  if (!is_registered(raw)) {
    return nullptr;
  }
  switch (static_cast<Registered>(raw)) {
    case Registered::encrypted_client_hello: return walk_encrypted_client_hello;
    case Registered::ech_outer_extensions: return walk_ech_outer_extensions;
    case Registered::application_settings:
    case Registered::application_settings_old: return walk_application_settings;
    case Registered::delegated_credential: return walk_delegated_credential;
    case Registered::ticket_request: return walk_ticket_request;
    case Registered::next_protocol_negotiation: return walk_next_protocol_negotiation;
    case Registered::quic_transport_parameters: return walk_quic_transport_parameters;
    default: return walk_registered;
  }
}

}  // namespace glasstls::msgs::detail
