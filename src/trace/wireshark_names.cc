// wireshark_names.cc: the one table from the fields of the illustrated view to the names tshark
// and Wireshark give the same bytes (their display-filter field names), so that a reader can go
// from glasstls's view to a Wireshark filter and back.
//
// A row is keyed by where the field sits: its scope (the record header, the alert, a handshake
// message by its struct name, or the body of one extension) and its path inside that scope, the
// names of the fields from the scope down joined by '/', with an element's index written "[]"
// ("cipher_suites/cipher_suites[]"). Every handshake message shares the rows of scope "*" (its
// header), and every extension block, wherever it is (a hello, EncryptedExtensions, a TLS 1.3
// CertificateEntry, ...), the rows of scope "extensions". On a vector whose first child is its
// length, the name is Wireshark's name of the vector's contents (trace.h, TraceField).
//
// The names are tshark's (`tshark -G fields`, Wireshark 4.0). tests/explain/
// wireshark_names_test.cc checks every name tshark gives a real capture's TLS 1.3, TLS 1.2
// ECDHE and TLS 1.2 DHE records against this table. Fields Wireshark has no name of its own for
// (an extension list entry, the whole certificate_request_context vector, an OCSP response's
// contents, which Wireshark's OCSP dissector names) are left without one, and so is a
// DistinguishedName: Wireshark's tls.handshake.dname covers its DER contents without their
// SEQUENCE tag and length, bytes the view has no field for.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "glasstls/trace.h"
#include "glasstls/types.h"
#include "trace/annotate_internal.h"

namespace glasstls::annotate {
namespace {

struct Row {
  std::string_view scope;
  std::string_view path;
  std::string_view name;
};

// Scopes of extension bodies are "extension " and the extension's iana.def name.
constexpr Row kRows[] = {
    // The record header (RFC 8446 section 5.1, RFC 5246 section 6.2.1). A protected TLS 1.3
    // record's type is tls.record.opaque_type (name_record_header).
    {"record header", "type", "tls.record.content_type"},
    {"record header", "legacy_record_version", "tls.record.version"},
    {"record header", "length", "tls.record.length"},
    // The alert (RFC 8446 section 6).
    {"Alert", "level", "tls.alert_message.level"},
    {"Alert", "description", "tls.alert_message.desc"},

    // Every handshake message's header (RFC 8446 section 4).
    {"*", "msg_type", "tls.handshake.type"},
    {"*", "length", "tls.handshake.length"},

    // An extension block and its entries (RFC 8446 section 4.2).
    {"extensions", "length", "tls.handshake.extensions_length"},
    {"extensions", "extensions[]/extension_type", "tls.handshake.extension.type"},
    {"extensions", "extensions[]/length", "tls.handshake.extension.len"},

    // ClientHello (RFC 8446 section 4.1.2, RFC 5246 section 7.4.1.2).
    {"ClientHello", "legacy_version", "tls.handshake.version"},
    {"ClientHello", "random", "tls.handshake.random"},
    {"ClientHello", "legacy_session_id/length", "tls.handshake.session_id_length"},
    {"ClientHello", "legacy_session_id/session_id", "tls.handshake.session_id"},
    {"ClientHello", "cipher_suites", "tls.handshake.ciphersuites"},
    {"ClientHello", "cipher_suites/length", "tls.handshake.cipher_suites_length"},
    {"ClientHello", "cipher_suites/cipher_suites[]", "tls.handshake.ciphersuite"},
    {"ClientHello", "legacy_compression_methods", "tls.handshake.comp_methods"},
    {"ClientHello", "legacy_compression_methods/length", "tls.handshake.comp_methods_length"},
    {"ClientHello", "legacy_compression_methods/legacy_compression_methods[]",
     "tls.handshake.comp_method"},

    // ServerHello and HelloRetryRequest (RFC 8446 section 4.1.3, RFC 5246 section 7.4.1.3).
    {"ServerHello", "legacy_version", "tls.handshake.version"},
    {"ServerHello", "random", "tls.handshake.random"},
    {"ServerHello", "legacy_session_id_echo/length", "tls.handshake.session_id_length"},
    {"ServerHello", "legacy_session_id_echo/session_id", "tls.handshake.session_id"},
    {"ServerHello", "cipher_suite", "tls.handshake.ciphersuite"},
    {"ServerHello", "legacy_compression_method", "tls.handshake.comp_method"},
    {"HelloRetryRequest", "legacy_version", "tls.handshake.version"},
    {"HelloRetryRequest", "random", "tls.handshake.random"},
    {"HelloRetryRequest", "legacy_session_id_echo/length", "tls.handshake.session_id_length"},
    {"HelloRetryRequest", "legacy_session_id_echo/session_id", "tls.handshake.session_id"},
    {"HelloRetryRequest", "cipher_suite", "tls.handshake.ciphersuite"},
    {"HelloRetryRequest", "legacy_compression_method", "tls.handshake.comp_method"},

    // Certificate: TLS 1.3 (RFC 8446 section 4.4.2) and TLS 1.2 (RFC 5246 section 7.4.2). The
    // certificate itself is named as a whole; what is inside it is X.509's.
    {"Certificate", "certificate_request_context/length",
     "tls.handshake.certificate_request_context_length"},
    {"Certificate", "certificate_request_context/context",
     "tls.handshake.certificate_request_context"},
    {"Certificate", "certificate_list", "tls.handshake.certificates"},
    {"Certificate", "certificate_list/length", "tls.handshake.certificates_length"},
    {"Certificate", "certificate_list/certificate_list[]/cert_data/length",
     "tls.handshake.certificate_length"},
    {"Certificate", "certificate_list/certificate_list[]/cert_data/certificate",
     "tls.handshake.certificate"},
    {"Certificate", "certificate_list/certificate_list[]/length",
     "tls.handshake.certificate_length"},
    {"Certificate", "certificate_list/certificate_list[]/certificate", "tls.handshake.certificate"},

    // CertificateRequest: TLS 1.3 (RFC 8446 section 4.3.2) and TLS 1.2 (RFC 5246 section 7.4.4).
    {"CertificateRequest", "certificate_request_context/length",
     "tls.handshake.certificate_request_context_length"},
    {"CertificateRequest", "certificate_request_context/context",
     "tls.handshake.certificate_request_context"},
    {"CertificateRequest", "certificate_types", "tls.handshake.cert_types"},
    {"CertificateRequest", "certificate_types/length", "tls.handshake.cert_types_count"},
    {"CertificateRequest", "certificate_types/certificate_types[]", "tls.handshake.cert_type"},
    {"CertificateRequest", "supported_signature_algorithms", "tls.handshake.sig_hash_algs"},
    {"CertificateRequest", "supported_signature_algorithms/length",
     "tls.handshake.sig_hash_alg_len"},
    {"CertificateRequest", "supported_signature_algorithms/supported_signature_algorithms[]",
     "tls.handshake.sig_hash_alg"},
    {"CertificateRequest", "certificate_authorities", "tls.handshake.dnames"},
    {"CertificateRequest", "certificate_authorities/length", "tls.handshake.dnames_len"},
    {"CertificateRequest", "certificate_authorities/certificate_authorities[]/length",
     "tls.handshake.dname_len"},

    // CertificateVerify (RFC 8446 section 4.4.3, RFC 5246 section 7.4.8): Wireshark uses the
    // client's names for the server's too.
    {"CertificateVerify", "algorithm", "tls.handshake.sig_hash_alg"},
    {"CertificateVerify", "signature/length", "tls.handshake.client_cert_vrfy.sig_len"},
    {"CertificateVerify", "signature/signature", "tls.handshake.client_cert_vrfy.sig"},

    // Finished (RFC 8446 section 4.4.4, RFC 5246 section 7.4.9).
    {"Finished", "verify_data", "tls.handshake.verify_data"},

    // NewSessionTicket: TLS 1.3 (RFC 8446 section 4.6.1) and TLS 1.2 (RFC 5077 section 3.3).
    {"NewSessionTicket", "ticket_lifetime", "tls.handshake.session_ticket_lifetime_hint"},
    {"NewSessionTicket", "ticket_lifetime_hint", "tls.handshake.session_ticket_lifetime_hint"},
    {"NewSessionTicket", "ticket_age_add", "tls.handshake.session_ticket_age_add"},
    {"NewSessionTicket", "ticket_nonce/length", "tls.handshake.session_ticket_nonce_length"},
    {"NewSessionTicket", "ticket_nonce/nonce", "tls.handshake.session_ticket_nonce"},
    {"NewSessionTicket", "ticket/length", "tls.handshake.session_ticket_length"},
    {"NewSessionTicket", "ticket/ticket", "tls.handshake.session_ticket"},

    // CompressedCertificate (RFC 8879 section 4).
    {"CompressedCertificate", "algorithm", "tls.compress_certificate.algorithm"},
    {"CompressedCertificate", "uncompressed_length",
     "tls.compress_certificate.uncompressed_length"},
    {"CompressedCertificate", "compressed_certificate_message/length",
     "tls.compress_certificate.compressed_certificate_message.length"},
    {"CompressedCertificate", "compressed_certificate_message/compressed",
     "tls.compress_certificate.compressed_certificate_message"},

    // KeyUpdate (RFC 8446 section 4.6.3).
    {"KeyUpdate", "request_update", "tls.handshake.key_update.request_update"},

    // ServerKeyExchange: ECDHE (RFC 8422 section 5.4) and DHE (RFC 5246 section 7.4.3).
    {"ServerKeyExchange", "params/curve_type", "tls.handshake.server_curve_type"},
    {"ServerKeyExchange", "params/namedcurve", "tls.handshake.server_named_curve"},
    {"ServerKeyExchange", "params/public/length", "tls.handshake.server_point_len"},
    {"ServerKeyExchange", "params/public/point", "tls.handshake.server_point"},
    {"ServerKeyExchange", "params/dh_p/length", "tls.handshake.p_len"},
    {"ServerKeyExchange", "params/dh_p/p", "tls.handshake.p"},
    {"ServerKeyExchange", "params/dh_g/length", "tls.handshake.g_len"},
    {"ServerKeyExchange", "params/dh_g/g", "tls.handshake.g"},
    {"ServerKeyExchange", "params/dh_Ys/length", "tls.handshake.ys_len"},
    {"ServerKeyExchange", "params/dh_Ys/Ys", "tls.handshake.ys"},
    {"ServerKeyExchange", "signed_params/algorithm", "tls.handshake.sig_hash_alg"},
    {"ServerKeyExchange", "signed_params/signature/length", "tls.handshake.sig_len"},
    {"ServerKeyExchange", "signed_params/signature/signature", "tls.handshake.sig"},

    // ClientKeyExchange: ECDHE (RFC 8422 section 5.7) and DHE (RFC 5246 section 7.4.7.2).
    {"ClientKeyExchange", "ecdh_Yc/length", "tls.handshake.client_point_len"},
    {"ClientKeyExchange", "ecdh_Yc/point", "tls.handshake.client_point"},
    {"ClientKeyExchange", "dh_Yc/length", "tls.handshake.yc_len"},
    {"ClientKeyExchange", "dh_Yc/Yc", "tls.handshake.yc"},

    // CertificateStatus (RFC 6066 section 8); the OCSPResponse itself is named by Wireshark's
    // OCSP dissector.
    {"CertificateStatus", "status_type", "tls.handshake.extensions_status_request_type"},
    {"CertificateStatus", "response/length", "tls.handshake.ocsp_response_len"},

    // Extension bodies.
    {"extension server_name", "server_name_list/length",
     "tls.handshake.extensions_server_name_list_len"},
    {"extension server_name", "server_name_list/server_name_list[]/name_type",
     "tls.handshake.extensions_server_name_type"},
    {"extension server_name", "server_name_list/server_name_list[]/host_name/length",
     "tls.handshake.extensions_server_name_len"},
    {"extension server_name", "server_name_list/server_name_list[]/host_name/name",
     "tls.handshake.extensions_server_name"},
    {"extension max_fragment_length", "max_fragment_length", "tls.handshake.max_fragment_length"},
    {"extension status_request", "status_type", "tls.handshake.extensions_status_request_type"},
    {"extension status_request", "responder_id_list/length",
     "tls.handshake.extensions_status_request_responder_ids_len"},
    {"extension status_request", "request_extensions/length",
     "tls.handshake.extensions_status_request_exts_len"},
    {"extension status_request", "response/length", "tls.handshake.ocsp_response_len"},
    {"extension supported_groups", "named_group_list", "tls.handshake.extensions_supported_groups"},
    {"extension supported_groups", "named_group_list/length",
     "tls.handshake.extensions_supported_groups_length"},
    {"extension supported_groups", "named_group_list/named_group_list[]",
     "tls.handshake.extensions_supported_group"},
    {"extension ec_point_formats", "ec_point_format_list",
     "tls.handshake.extensions_ec_point_formats"},
    {"extension ec_point_formats", "ec_point_format_list/length",
     "tls.handshake.extensions_ec_point_formats_length"},
    {"extension ec_point_formats", "ec_point_format_list/ec_point_format_list[]",
     "tls.handshake.extensions_ec_point_format"},
    {"extension signature_algorithms", "supported_signature_algorithms",
     "tls.handshake.sig_hash_algs"},
    {"extension signature_algorithms", "supported_signature_algorithms/length",
     "tls.handshake.sig_hash_alg_len"},
    {"extension signature_algorithms",
     "supported_signature_algorithms/supported_signature_algorithms[]",
     "tls.handshake.sig_hash_alg"},
    {"extension signature_algorithms_cert", "supported_signature_algorithms",
     "tls.handshake.sig_hash_algs"},
    {"extension signature_algorithms_cert", "supported_signature_algorithms/length",
     "tls.handshake.sig_hash_alg_len"},
    {"extension signature_algorithms_cert",
     "supported_signature_algorithms/supported_signature_algorithms[]",
     "tls.handshake.sig_hash_alg"},
    {"extension heartbeat", "mode", "tls.handshake.extension.heartbeat.mode"},
    {"extension application_layer_protocol_negotiation", "protocol_name_list",
     "tls.handshake.extensions_alpn_list"},
    {"extension application_layer_protocol_negotiation", "protocol_name_list/length",
     "tls.handshake.extensions_alpn_len"},
    {"extension application_layer_protocol_negotiation",
     "protocol_name_list/protocol_name_list[]/length", "tls.handshake.extensions_alpn_str_len"},
    {"extension application_layer_protocol_negotiation",
     "protocol_name_list/protocol_name_list[]/name", "tls.handshake.extensions_alpn_str"},
    {"extension signed_certificate_timestamp", "sct_list/length", "tls.sct.scts_length"},
    {"extension signed_certificate_timestamp", "sct_list/sct_list[]/length", "tls.sct.sct_length"},
    {"extension client_certificate_type", "certificate_types", "tls.handshake.cert_type.types"},
    {"extension client_certificate_type", "certificate_types/length",
     "tls.handshake.cert_type.types_len"},
    {"extension client_certificate_type", "certificate_types/certificate_types[]",
     "tls.handshake.cert_type.type"},
    {"extension client_certificate_type", "certificate_type", "tls.handshake.cert_type.type"},
    {"extension server_certificate_type", "certificate_types", "tls.handshake.cert_type.types"},
    {"extension server_certificate_type", "certificate_types/length",
     "tls.handshake.cert_type.types_len"},
    {"extension server_certificate_type", "certificate_types/certificate_types[]",
     "tls.handshake.cert_type.type"},
    {"extension server_certificate_type", "certificate_type", "tls.handshake.cert_type.type"},
    {"extension padding", "zeros", "tls.handshake.extensions_padding_data"},
    {"extension compress_certificate", "algorithms/length",
     "tls.compress_certificate.algorithms_length"},
    {"extension compress_certificate", "algorithms/algorithms[]",
     "tls.compress_certificate.algorithm"},
    {"extension record_size_limit", "record_size_limit", "tls.record_size_limit"},
    {"extension pre_shared_key", "identities/length",
     "tls.handshake.extensions.psk.identities.length"},
    {"extension pre_shared_key", "identities/identities[]/identity/length",
     "tls.handshake.extensions.psk.identity.identity_length"},
    {"extension pre_shared_key", "identities/identities[]/identity/identity",
     "tls.handshake.extensions.psk.identity.identity"},
    {"extension pre_shared_key", "identities/identities[]/obfuscated_ticket_age",
     "tls.handshake.extensions.psk.identity.obfuscated_ticket_age"},
    {"extension pre_shared_key", "binders", "tls.handshake.extensions.psk.binders"},
    {"extension pre_shared_key", "binders/length", "tls.handshake.extensions.psk.binders_len"},
    {"extension pre_shared_key", "selected_identity",
     "tls.handshake.extensions.psk.identity.selected"},
    {"extension early_data", "max_early_data_size", "tls.early_data.max_early_data_size"},
    {"extension supported_versions", "versions/length",
     "tls.handshake.extensions.supported_versions_len"},
    {"extension supported_versions", "versions/versions[]",
     "tls.handshake.extensions.supported_version"},
    {"extension supported_versions", "selected_version",
     "tls.handshake.extensions.supported_version"},
    {"extension cookie", "cookie/length", "tls.handshake.extensions.cookie_len"},
    {"extension cookie", "cookie/cookie", "tls.handshake.extensions.cookie"},
    {"extension psk_key_exchange_modes", "ke_modes/length", "tls.extension.psk_ke_modes_length"},
    {"extension psk_key_exchange_modes", "ke_modes/ke_modes[]", "tls.extension.psk_ke_mode"},
    {"extension certificate_authorities", "authorities", "tls.handshake.dnames"},
    {"extension certificate_authorities", "authorities/length", "tls.handshake.dnames_len"},
    {"extension certificate_authorities", "authorities/authorities[]/length",
     "tls.handshake.dname_len"},
    {"extension oid_filters", "filters/length", "tls.extension.oid_filters_length"},
    {"extension oid_filters", "filters/filters[]/certificate_extension_oid/length",
     "tls.extension.oid_filters.oid_length"},
    {"extension oid_filters", "filters/filters[]/certificate_extension_oid/oid",
     "tls.extension.oid_filters.oid"},
    {"extension oid_filters", "filters/filters[]/certificate_extension_values/length",
     "tls.extension.oid_filters.values_length"},
    {"extension key_share", "client_shares/length",
     "tls.handshake.extensions_key_share_client_length"},
    {"extension key_share", "client_shares/client_shares[]/group",
     "tls.handshake.extensions_key_share_group"},
    {"extension key_share", "client_shares/client_shares[]/key_exchange/length",
     "tls.handshake.extensions_key_share_key_exchange_length"},
    {"extension key_share", "client_shares/client_shares[]/key_exchange/public_key",
     "tls.handshake.extensions_key_share_key_exchange"},
    {"extension key_share", "server_share/group", "tls.handshake.extensions_key_share_group"},
    {"extension key_share", "server_share/key_exchange/length",
     "tls.handshake.extensions_key_share_key_exchange_length"},
    {"extension key_share", "server_share/key_exchange/public_key",
     "tls.handshake.extensions_key_share_key_exchange"},
    {"extension key_share", "selected_group", "tls.handshake.extensions_key_share_selected_group"},
    {"extension renegotiation_info", "renegotiated_connection/length",
     "tls.handshake.extensions_reneg_info_len"},
    {"extension renegotiation_info", "renegotiated_connection/verify_data",
     "tls.handshake.extensions_reneg_info"},
    {"extension application_settings", "supported_protocols/length",
     "tls.handshake.extensions_alps_len"},
    {"extension application_settings", "supported_protocols",
     "tls.handshake.extensions_alps_alpn_list"},
    {"extension application_settings", "supported_protocols/supported_protocols[]/length",
     "tls.handshake.extensions_alps_alpn_str_len"},
    {"extension application_settings", "supported_protocols/supported_protocols[]/name",
     "tls.handshake.extensions_alps_alpn_str"},
    {"extension application_settings", "application_settings",
     "tls.handshake.extensions_alps.settings"},
};

std::string_view lookup(std::string_view scope, std::string_view path) {
  for (const Row& row : kRows) {
    if (row.scope == scope && row.path == path) {
      return row.name;
    }
  }
  return {};
}

// step is `name` as a path step: an element's index becomes "[]".
std::string_view step(std::string_view name, std::string& buffer) {
  if (name.empty() || name.back() != ']') {
    return name;
  }
  const size_t open = name.rfind('[');
  if (open == std::string_view::npos) {
    return name;
  }
  buffer.assign(name.substr(0, open));
  buffer += "[]";
  return buffer;
}

bool is_extension_block(const TraceField& f) {
  if (f.name != "extensions" || f.children.empty() || f.children.front().name != "length") {
    return false;
  }
  return std::all_of(f.children.begin() + 1, f.children.end(), [](const TraceField& k) {
    return k.name == "error" || (k.name.rfind("extensions[", 0) == 0 && !k.children.empty() &&
                                 k.children.front().name == "extension_type");
  });
}

void name_scope(TraceField& f, std::string_view scope, const std::string& path);

// name_block names an extension block and, through their scopes, the bodies of its extensions.
void name_block(TraceField& block) {
  name_scope(block, "extensions", "");
  for (TraceField& entry : block.children) {
    if (entry.children.empty() || entry.children.front().name != "extension_type") {
      continue;
    }
    // The type's meaning is its iana.def name ("server_name"), or a line for GREASE and
    // unknown values, which no scope matches.
    const std::string scope = "extension " + entry.children.front().meaning;
    for (TraceField& part : entry.children) {
      if (part.name == "extension_data") {
        name_scope(part, scope, "");
      }
    }
  }
}

// name_scope names the descendants of `f`, which sits at `path` in `scope`.
void name_scope(TraceField& f, std::string_view scope, const std::string& path) {
  std::string buffer;
  for (TraceField& k : f.children) {
    if (is_extension_block(k)) {
      name_block(k);
      continue;
    }
    const std::string_view s = step(k.name, buffer);
    const std::string p = path.empty() ? std::string(s) : path + "/" + std::string(s);
    std::string_view n = lookup(scope, p);
    if (n.empty() && path.empty() && scope != "extensions" && scope.rfind("extension ", 0) != 0) {
      n = lookup("*", p);  // a handshake message's header
    }
    k.wireshark = std::string(n);
    // What a certificate holds is X.509's, not a TLS field.
    if (n != "tls.handshake.certificate") {
      name_scope(k, scope, p);
    }
  }
}

}  // namespace

std::vector<std::string_view> wireshark_names() {
  std::vector<std::string_view> names;
  for (const Row& row : kRows) {
    names.push_back(row.name);
  }
  names.push_back("tls.record.opaque_type");
  for (ContentType t : {ContentType::application_data, ContentType::change_cipher_spec}) {
    names.push_back(wireshark_fragment_name(t));
  }
  return names;
}

void name_for_wireshark(TraceField& root) { name_scope(root, root.name, ""); }

void name_record_header_for_wireshark(TraceField& header, bool opaque_type) {
  name_scope(header, "record header", "");
  if (!opaque_type) {
    return;
  }
  for (TraceField& k : header.children) {
    if (k.name == "type") {
      k.wireshark = "tls.record.opaque_type";
    }
  }
}

std::string_view wireshark_fragment_name(ContentType type) {
  switch (type) {
    case ContentType::application_data: return "tls.app_data";
    case ContentType::change_cipher_spec: return "tls.change_cipher_spec";
    default: return {};
  }
}

}  // namespace glasstls::annotate
