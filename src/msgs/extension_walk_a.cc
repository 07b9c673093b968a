// extension_walk_a.cc: walkers of extension bodies (extension_walk.h), first half.
//
// Where glasstls decodes an extension, its walker calls the reader its strict decoder calls
// (extension_readers_a.h, codec_util.h) in reporting mode; the others are read here alone.
#include <algorithm>

#include "msgs/codec_util.h"
#include "msgs/extension_readers_a.h"
#include "msgs/extension_readers_b.h"
#include "msgs/extension_walk.h"

namespace glasstls::msgs::detail {
namespace {

// walk_codes reads `name<..>` with a `prefix_len`-byte length holding `width`-byte code
// points, each reported as `name[i]`. `min`..`max` are the vector's bounds, noted when it is
// outside them (max 0: none).
void walk_codes(FieldReader& r, size_t prefix_len, size_t width, std::string_view name,
                size_t min = 0, size_t max = 0) {
  FieldReader list;
  if (!r.open(prefix_len, name, list)) {
    return;
  }
  const size_t n = list.remaining();
  uint32_t v = 0;
  for (size_t i = 0; !list.empty() && list.item(width, v, name, i); i++) {
  }
  r.close(list);
  if (max != 0) {
    r.note_length(n, min, max);
  }
}

// walk_opaque_list reads `opaque name<..>` whose contents are `opaque name[i]<1..2^16-1>`
// entries, each holding one field `content_name`.
void walk_opaque_list(FieldReader& r, std::string_view name, std::string_view content_name) {
  FieldReader list;
  if (!r.open(2, name, list)) {
    return;
  }
  for (size_t i = 0; !list.empty(); i++) {
    FieldReader entry;
    if (!list.open(2, name, entry, i)) {
      break;
    }
    const size_t n = entry.rest_field(content_name).size();
    list.close(entry);
    list.note_length(n, 1, 0xffff);
  }
  r.close(list);
}

void walk_server_name(FieldReader& data, ExtensionContext context) {
  if (context != ExtensionContext::kClientHello) {
    // A server's acknowledgement is empty (decode_ee_server_name).
    (void)read_empty_body(data, "server_name");
    return;
  }
  (void)read_server_name_list(data);
}

void walk_max_fragment_length(FieldReader& data, ExtensionContext) {
  //= https://www.rfc-editor.org/rfc/rfc6066#section-4
  //# enum{
  //#     2^9(1), 2^10(2), 2^11(3), 2^12(4), (255)
  //# } MaxFragmentLength;
  uint8_t v = 0;
  (void)data.u8(v, "max_fragment_length");
}

void walk_status_request(FieldReader& data, ExtensionContext context) {
  if (data.empty()) {
    // RFC 8446 section 4.4.2.1: an empty one in a CertificateRequest asks for the client's
    // OCSP response; TLS 1.2 servers acknowledged the request with an empty one.
    return;
  }
  if (context == ExtensionContext::kCertificate) {
    (void)read_certificate_status(data);
    return;
  }
  (void)read_status_request(data);
}

void walk_supported_groups(FieldReader& data, ExtensionContext) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.7
  //# struct {
  //#     NamedGroup named_group_list<2..2^16-1>;
  //# } NamedGroupList;
  (void)read_code_vector<NamedGroup>(data, "named_group_list", "supported_groups");
}

void walk_ec_point_formats(FieldReader& data, ExtensionContext) {
  (void)read_ec_point_formats(data);
}

void walk_signature_algorithms(FieldReader& data, ExtensionContext) {
  (void)read_signature_scheme_list(data, "signature_algorithms");
}

void walk_signature_algorithms_cert(FieldReader& data, ExtensionContext) {
  (void)read_signature_scheme_list(data, "signature_algorithms_cert");
}

void walk_use_srtp(FieldReader& data, ExtensionContext) {
  //= https://www.rfc-editor.org/rfc/rfc5764#section-4.1.1
  //# SRTPProtectionProfile SRTPProtectionProfiles<2..2^16-1>;
  walk_codes(data, 2, 2, "SRTPProtectionProfiles");
  ByteView mki;
  (void)data.opaque(1, "srtp_mki", "mki", mki);
}

void walk_heartbeat(FieldReader& data, ExtensionContext) {
  //= https://www.rfc-editor.org/rfc/rfc6520#section-2
  //# enum {
  //#    peer_allowed_to_send(1),
  //#    peer_not_allowed_to_send(2),
  //#    (255)
  //# } HeartbeatMode;
  uint8_t mode = 0;
  (void)data.u8(mode, "mode");
}

void walk_alpn(FieldReader& data, ExtensionContext context) {
  // A server names exactly one protocol (decode_ee_alpn).
  (void)read_protocol_name_list(data, "protocol_name_list",
                                context != ExtensionContext::kClientHello);
}

void walk_signed_certificate_timestamp(FieldReader& data, ExtensionContext) {
  if (data.empty()) {
    return;  // the client's request
  }
  //= https://www.rfc-editor.org/rfc/rfc6962#section-3.3
  //# opaque SerializedSCT<1..2^16-1>;
  //#
  //# struct {
  //#     SerializedSCT sct_list <1..2^16-1>;
  //# } SignedCertificateTimestampList;
  walk_opaque_list(data, "sct_list", "SCT");
}

void walk_certificate_type(FieldReader& data, ExtensionContext context) {
  //= https://www.rfc-editor.org/rfc/rfc7250#section-3
  //# CertificateType client_certificate_types<1..2^8-1>;
  if (context == ExtensionContext::kClientHello) {
    walk_codes(data, 1, 1, "certificate_types");
    return;
  }
  uint8_t type = 0;
  (void)data.u8(type, "certificate_type");
}

void walk_padding(FieldReader& data, ExtensionContext) {
  //= https://www.rfc-editor.org/rfc/rfc7685#section-3
  //# The "extension_data" for the extension consists of an arbitrary
  //# number of zero bytes.
  const ByteView zeros = data.rest_field("zeros");
  if (!std::all_of(zeros.begin(), zeros.end(), [](uint8_t b) { return b == 0; })) {
    data.note(Broken{Broken::kValue}, true);
  }
}

void walk_encrypt_then_mac(FieldReader& data, ExtensionContext) {
  (void)read_empty_body(data, "encrypt_then_mac");
}

void walk_extended_master_secret(FieldReader& data, ExtensionContext) {
  (void)read_empty_body(data, "extended_master_secret");
}

}  // namespace

// Every context: the view reads a body wherever it appears, allowed there or not.
ExtensionWalker find_extension_walker_a(ExtensionType type, ExtensionContext) {
  switch (type) {
    case ExtensionType::server_name: return walk_server_name;
    case ExtensionType::max_fragment_length: return walk_max_fragment_length;
    case ExtensionType::status_request: return walk_status_request;
    case ExtensionType::supported_groups: return walk_supported_groups;
    case ExtensionType::ec_point_formats: return walk_ec_point_formats;
    case ExtensionType::signature_algorithms: return walk_signature_algorithms;
    case ExtensionType::signature_algorithms_cert: return walk_signature_algorithms_cert;
    case ExtensionType::use_srtp: return walk_use_srtp;
    case ExtensionType::heartbeat: return walk_heartbeat;
    case ExtensionType::application_layer_protocol_negotiation: return walk_alpn;
    case ExtensionType::signed_certificate_timestamp: return walk_signed_certificate_timestamp;
    case ExtensionType::client_certificate_type:
    case ExtensionType::server_certificate_type: return walk_certificate_type;
    case ExtensionType::padding: return walk_padding;
    case ExtensionType::encrypt_then_mac: return walk_encrypt_then_mac;
    case ExtensionType::extended_master_secret: return walk_extended_master_secret;
    default: return nullptr;
  }
}

}  // namespace glasstls::msgs::detail
