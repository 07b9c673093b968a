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

void walk_session_ticket(FieldReader& data, ExtensionContext) {
  // RFC 5077 section 3.2: the body is the ticket itself, or empty to ask for one.
  (void)data.rest_field("ticket");
}

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
  //= https://www.rfc-editor.org/rfc/rfc5746#section-3.2
  //# struct {
  //#     opaque renegotiated_connection<0..255>;
  //# } RenegotiationInfo;
  (void)opaque_vector(data, 1, "renegotiated_connection", "verify_data", 0, 255);
}

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
    default: return nullptr;
  }
}

}  // namespace glasstls::msgs::detail
