// annotate_extension_a.cc: the wording of extension bodies as their walkers report them
// (msgs/extension_walk_a.cc).
#include "trace/annotate_internal.h"
#include "trace/annotate_tree.h"

namespace glasstls::annotate {
namespace {

using msgs::ExtensionContext;

// codes words the vector `name` of code points: `what` names its contents, and `each` gives
// each value its meaning and explanation.
template <typename F>
Node* codes(Node& data, std::string_view name, std::string what, std::string explanation,
            F&& each) {
  Node* list = data.kid(name);
  if (list == nullptr) {
    return nullptr;
  }
  list->what = std::move(what);
  list->field.explanation = std::move(explanation);
  for (Node& k : list->kids) {
    if (k.integer && k.field.name != "length") {
      each(k.number, k.field);
    }
  }
  return list;
}

void server_name(Node& data, ExtensionContext context) {
  if (context != ExtensionContext::kClientHello) {
    word_empty(data, "empty: the server used the client's server_name to pick its certificate");
    return;
  }
  data.field.explanation =
      "ServerNameList: the names under which the client wants to reach the server (RFC 6066 "
      "section 3)";
  Node* list = data.kid("server_name_list");
  if (list == nullptr) {
    return;
  }
  list->what = "server names";
  list->field.explanation = "server_name_list: at most one name of each name_type";
  for (Node& entry : list->kids) {
    if (!entry.is_node) {
      continue;
    }
    entry.field.explanation = "ServerName: a name_type and a name";
    Node* type = entry.kid("name_type");
    if (type == nullptr) {
      continue;
    }
    const bool host_name = type->number == 0;
    type->field.meaning = host_name ? "host_name" : "unknown";
    type->field.explanation = "name_type: 0 (host_name) is the only type defined";
    Node* name = entry.kid(host_name ? "host_name" : "name");
    word_opaque(name,
                host_name ? "host_name: the server's DNS name in ASCII, no trailing dot"
                          : "a name of a type glasstls does not know; skipped",
                true);
    entry.field.meaning = printable(name != nullptr ? contents(*name) : ByteView{});
    if (host_name && data.field.meaning.empty()) {
      data.field.meaning = entry.field.meaning;
    }
  }
  list->field.meaning = data.field.meaning;
}

void supported_groups(Node& data, ExtensionContext context) {
  data.field.explanation = context == ExtensionContext::kClientHello
                               ? "NamedGroupList: the key exchange groups the client supports, "
                                 "most preferred first"
                               : "NamedGroupList: the server's groups, for the client to use in "
                                 "later connections";
  Node* list = data.kid("named_group_list");
  if (list == nullptr) {
    return;
  }
  list->what = "named groups";
  list->field.explanation = "named_group_list: 2-byte NamedGroup values";
  list->field.meaning = plural(list->contents() / 2, "group", "groups");
  data.field.meaning = list->field.meaning;
  for (Node& k : list->kids) {
    if (k.integer && k.field.name != "length") {
      const auto group = static_cast<NamedGroup>(k.number);
      k.field.meaning = code_name(group);
      k.field.explanation = code_explanation(group);
    }
  }
}

void max_fragment_length(Node& data) {
  //= https://www.rfc-editor.org/rfc/rfc6066#section-4
  //# enum{
  //#     2^9(1), 2^10(2), 2^11(3), 2^12(4), (255)
  //# } MaxFragmentLength;
  data.field.explanation = "MaxFragmentLength: the largest record plaintext the client wants";
  if (Node* f = data.kid("max_fragment_length")) {
    const uint32_t v = f->number;
    f->field.meaning = v >= 1 && v <= 4 ? dec(uint64_t{1} << (8 + v)) + " bytes" : "invalid";
    f->field.explanation = "1 to 4 stand for 2^9 to 2^12 bytes";
    data.field.meaning = f->field.meaning;
  }
}

void status_request(Node& data, ExtensionContext context) {
  if (data.kids.empty()) {
    // RFC 8446 section 4.4.2.1: a server asks for the client's OCSP response with an empty
    // status_request in its CertificateRequest. TLS 1.2 servers acknowledged the request with
    // an empty one in the ServerHello.
    word_empty(data,
               context == ExtensionContext::kCertificateRequest
                   ? "empty: the server asks the client to staple an OCSP response for its "
                     "certificate (RFC 8446 section 4.4.2.1)"
                   : "empty: the certificate's OCSP response will be in the Certificate message");
    return;
  }
  data.field.explanation =
      context == ExtensionContext::kCertificate
          ? "CertificateStatus: a stapled OCSP response (RFC 8446 section 4.4.2.1)"
          : "CertificateStatusRequest: asks the peer to staple an OCSP response (RFC 6066 "
            "section 8)";
  Node* type = data.kid("status_type");
  if (type == nullptr) {
    return;
  }
  type->field.meaning = type->number == 1 ? "ocsp" : "unknown";
  type->field.explanation = "status_type: 1 (ocsp) is the only type defined";
  if (Node* request = data.kid("request")) {
    request->field.explanation = "data of a status type glasstls does not know";
  }
  if (Node* response = data.kid("response")) {
    word_opaque(response, "OCSPResponse: the DER OCSP response for this certificate (RFC 6960)");
    if (!response->has_error()) {
      // The same parser the verifier checks the response with.
      response->field.meaning = ocsp_response_meaning(contents(*response));
    }
  }
  if (Node* ids = data.kid("responder_id_list")) {
    ids->what = "responder IDs";
    ids->field.explanation =
        "responder_id_list: OCSP responders the client trusts; empty means any";
    for (Node& id : ids->kids) {
      if (id.is_node) {
        word_opaque(&id, "ResponderID: a DER ResponderID (RFC 6960)");
      }
    }
  }
  word_opaque(data.kid("request_extensions"),
              "request_extensions: DER OCSP request extensions, such as a nonce");
}

void ec_point_formats(Node& data) {
  data.field.explanation = "ECPointFormatList: TLS 1.2 point formats; TLS 1.3 ignores them";
  codes(data, "ec_point_format_list", "point formats",
        "ec_point_format_list: 1-byte ECPointFormat values", [](uint32_t p, TraceField& f) {
          f.meaning = p == 0   ? "uncompressed"
                      : p == 1 ? "ansiX962_compressed_prime"
                      : p == 2 ? "ansiX962_compressed_char2"
                               : "unknown";
          f.explanation = "a point format (RFC 8422 section 5.1.2)";
        });
}

void signature_algorithms(Node& data, ExtensionType type) {
  data.field.explanation = type == ExtensionType::signature_algorithms
                               ? "SignatureSchemeList: schemes the sender accepts in "
                                 "CertificateVerify (and in certificates, unless _cert is sent)"
                               : "SignatureSchemeList: schemes the sender accepts in the "
                                 "signatures of certificates";
  Node* list =
      codes(data, "supported_signature_algorithms", "signature schemes",
            "supported_signature_algorithms: 2-byte SignatureScheme values, most preferred first",
            [](uint32_t s, TraceField& f) {
              f.meaning = code_name(static_cast<SignatureScheme>(s));
              f.explanation = code_explanation(static_cast<SignatureScheme>(s));
            });
  if (list != nullptr) {
    list->field.meaning = plural(list->contents() / 2, "scheme", "schemes");
    data.field.meaning = list->field.meaning;
  }
}

void use_srtp(Node& data) {
  data.field.explanation = "UseSRTPData: DTLS-SRTP protection profiles and an MKI (RFC 5764)";
  codes(data, "SRTPProtectionProfiles", "profiles", "SRTPProtectionProfiles: 2-byte profile values",
        [](uint32_t p, TraceField& f) {
          f.meaning = p == 1   ? "SRTP_AES128_CM_HMAC_SHA1_80"
                      : p == 2 ? "SRTP_AES128_CM_HMAC_SHA1_32"
                      : p == 7 ? "SRTP_AEAD_AES_128_GCM"
                      : p == 8 ? "SRTP_AEAD_AES_256_GCM"
                               : "unknown";
          f.explanation = "an SRTP protection profile";
        });
  word_opaque(data.kid("srtp_mki"), "srtp_mki: the SRTP master key identifier");
}

void heartbeat(Node& data) {
  data.field.explanation = "HeartbeatExtension: whether the peer may send heartbeats (RFC 6520)";
  if (Node* f = data.kid("mode")) {
    f->field.meaning = f->number == 1   ? "peer_allowed_to_send"
                       : f->number == 2 ? "peer_not_allowed_to_send"
                                        : "unknown";
    f->field.explanation = "mode: 1 allows the peer to send heartbeat requests, 2 forbids it";
    data.field.meaning = f->field.meaning;
  }
}

// protocol_name_list words a ProtocolNameList (RFC 7301 section 3.1) named `name`, as
// msgs::detail::read_protocol_name_list reports it.
void alpn(Node& data, ExtensionContext context) {
  data.field.explanation = context == ExtensionContext::kClientHello
                               ? "ProtocolNameList: the application protocols the client "
                                 "offers, most preferred first"
                               : "ProtocolNameList: the one application protocol the server "
                                 "chose";
  word_protocol_name_list(data, "protocol_name_list");
}

void signed_certificate_timestamp(Node& data) {
  if (data.kids.empty()) {
    word_empty(data, "empty: the client asks for signed certificate timestamps (RFC 6962)");
    return;
  }
  data.field.explanation =
      "SignedCertificateTimestampList: certificate transparency log promises for this "
      "certificate (RFC 6962)";
  if (Node* list = data.kid("sct_list")) {
    list->what = "SCTs";
    list->field.explanation = "sct_list: each SCT has a 2-byte length";
    for (Node& sct : list->kids) {
      if (sct.is_node) {
        word_opaque(&sct, "SerializedSCT: one log's signed timestamp");
      }
    }
  }
}

std::string certificate_type_name(uint32_t v) {
  //= https://www.rfc-editor.org/rfc/rfc7250#section-3
  //# X509(0), OpenPGP(1), RawPublicKey(2)
  switch (v) {
    case 0: return "X509";
    case 1: return "OpenPGP";
    case 2: return "RawPublicKey";
    default: return "unknown";
  }
}

void certificate_type(Node& data, ExtensionType type, ExtensionContext context) {
  const std::string who = type == ExtensionType::client_certificate_type ? "client" : "server";
  if (context == ExtensionContext::kClientHello) {
    data.field.explanation =
        "the certificate types the client accepts for the " + who + " (RFC 7250)";
    codes(data, "certificate_types", "certificate types",
          "certificate_types: 1-byte CertificateType values", [](uint32_t t, TraceField& f) {
            f.meaning = certificate_type_name(t);
            f.explanation = "a certificate type (RFC 7250 section 3)";
          });
    return;
  }
  data.field.explanation = "the certificate type the " + who + " will use (RFC 7250)";
  if (Node* f = data.kid("certificate_type")) {
    f->field.meaning = certificate_type_name(f->number);
    f->field.explanation = "certificate_type: the type chosen";
    data.field.meaning = f->field.meaning;
  }
}

void padding(Node& data) {
  data.field.explanation = "padding: zero bytes that only make the ClientHello longer (RFC 7685)";
  Node* zeros = data.kid("zeros");
  data.field.meaning = plural(zeros == nullptr ? 0 : zeros->bytes.size(), "byte", "bytes");
  if (zeros != nullptr) {
    zeros->field.meaning = data.field.meaning;
    zeros->field.explanation = zeros->broken.empty()
                                   ? "padding bytes, all zero"
                                   : "padding bytes; invalid: padding must be all zero";
    zeros->broken.clear();
  }
}

}  // namespace

bool describe_extension_data_a(Node& data, ExtensionType type, ExtensionContext context) {
  switch (type) {
    case ExtensionType::server_name: server_name(data, context); return true;
    case ExtensionType::max_fragment_length: max_fragment_length(data); return true;
    case ExtensionType::status_request: status_request(data, context); return true;
    case ExtensionType::supported_groups: supported_groups(data, context); return true;
    case ExtensionType::ec_point_formats: ec_point_formats(data); return true;
    case ExtensionType::signature_algorithms:
    case ExtensionType::signature_algorithms_cert: signature_algorithms(data, type); return true;
    case ExtensionType::use_srtp: use_srtp(data); return true;
    case ExtensionType::heartbeat: heartbeat(data); return true;
    case ExtensionType::application_layer_protocol_negotiation: alpn(data, context); return true;
    case ExtensionType::signed_certificate_timestamp:
      signed_certificate_timestamp(data);
      return true;
    case ExtensionType::client_certificate_type:
    case ExtensionType::server_certificate_type: certificate_type(data, type, context); return true;
    case ExtensionType::padding: padding(data); return true;
    case ExtensionType::encrypt_then_mac:
      word_empty(data,
                 "empty: asks for encrypt-then-MAC with TLS 1.2 CBC suites (RFC 7366); TLS 1.3 "
                 "ignores it");
      return true;
    case ExtensionType::extended_master_secret:
      word_empty(data,
                 "empty: asks for the TLS 1.2 session-hash master secret (RFC 7627); TLS 1.3 "
                 "ignores it");
      return true;
    default: return false;
  }
}

}  // namespace glasstls::annotate
