// annotate_extensions.cc: extension blocks and the body of every extension in iana.def.
//
// The switch in Annotator::extension_body names every ExtensionType enumerator and has no
// default, so a row added to iana.def without an annotation here fails the -Werror build.
#include <algorithm>

#include "trace/annotate_internal.h"
#include "trace/annotate_tree.h"
#include "x509/certificate.h"

namespace glasstls::annotate {
namespace {

using msgs::ExtensionContext;

std::string_view context_name(ExtensionContext context) {
  switch (context) {
    case ExtensionContext::kClientHello: return "ClientHello";
    case ExtensionContext::kServerHello: return "ServerHello";
    case ExtensionContext::kHelloRetryRequest: return "HelloRetryRequest";
    case ExtensionContext::kEncryptedExtensions: return "EncryptedExtensions";
    case ExtensionContext::kCertificate: return "Certificate";
    case ExtensionContext::kCertificateRequest: return "CertificateRequest";
    case ExtensionContext::kNewSessionTicket: return "NewSessionTicket";
  }
  return "this message";
}

std::string block_explanation(ExtensionContext context) {
  switch (context) {
    case ExtensionContext::kClientHello:
      return "extensions: a list of (type, length, data); TLS 1.3 negotiates most of its "
             "parameters here";
    case ExtensionContext::kServerHello:
    case ExtensionContext::kHelloRetryRequest:
      return "extensions: the server's answers that are needed to compute the handshake keys";
    case ExtensionContext::kEncryptedExtensions:
      return "extensions: the server's answers that are not needed for the keys, sent encrypted";
    case ExtensionContext::kCertificate:
      return "extensions: data about this certificate, such as OCSP status or SCTs";
    case ExtensionContext::kCertificateRequest:
      return "extensions: what the client certificate must satisfy; signature_algorithms is "
             "required";
    case ExtensionContext::kNewSessionTicket:
      return "extensions: properties of the ticket, such as early_data";
  }
  return "extensions: a list of (type, length, data)";
}

constexpr std::string_view kUnknownExplanation =
    "extension_data of an extension glasstls does not know, shown undecoded";

// RFC 8701 section 2: GREASE values for PskKeyExchangeModes.
bool is_grease_psk_mode(uint32_t v) {
  return v == 0x0b || v == 0x2a || v == 0x49 || v == 0x68 || v == 0x87 || v == 0xa6 || v == 0xc5 ||
         v == 0xe4;
}

// RFC 8701 section 2: GREASE ALPN identifiers are two bytes {0x?A,0x?A}.
bool is_grease_alpn(ByteView v) {
  return v.size() == 2 && is_grease(static_cast<uint16_t>((v[0] << 8) | v[1]));
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

std::string key_exchange_meaning(NamedGroup group, size_t n) {
  switch (group) {
    case NamedGroup::x25519:
      return n == 32 ? "X25519 public key (32 bytes)" : "wrong length for X25519 (32 bytes)";
    case NamedGroup::x448:
      return n == 56 ? "X448 public key (56 bytes)" : "wrong length for X448 (56 bytes)";
    case NamedGroup::secp256r1:
      return n == 65 ? "uncompressed P-256 point (65 bytes)" : "wrong length for P-256 (65)";
    case NamedGroup::secp384r1:
      return n == 97 ? "uncompressed P-384 point (97 bytes)" : "wrong length for P-384 (97)";
    case NamedGroup::secp521r1:
      return n == 133 ? "uncompressed P-521 point (133 bytes)" : "wrong length for P-521 (133)";
    default: break;
  }
  // The groups glasstls does not implement: what a share of each size holds. A hybrid share
  // is the two shares one after the other (draft-ietf-tls-ecdhe-mlkem); a client sends an
  // ML-KEM encapsulation key, a server a ciphertext, which for ML-KEM-1024 is as long.
  struct Form {
    NamedGroup group;
    size_t size;
    std::string_view what;
  };
  static constexpr Form kForms[] = {
      {NamedGroup::X25519MLKEM768, 1216,
       "ML-KEM-768 encapsulation key (1184 bytes), then X25519 public key (32 bytes)"},
      {NamedGroup::X25519MLKEM768, 1120,
       "ML-KEM-768 ciphertext (1088 bytes), then X25519 public key (32 bytes)"},
      {NamedGroup::SecP256r1MLKEM768, 1249,
       "P-256 point (65 bytes), then ML-KEM-768 encapsulation key (1184 bytes)"},
      {NamedGroup::SecP256r1MLKEM768, 1153,
       "P-256 point (65 bytes), then ML-KEM-768 ciphertext (1088 bytes)"},
      {NamedGroup::SecP384r1MLKEM1024, 1665,
       "P-384 point (97 bytes), then ML-KEM-1024 encapsulation key or ciphertext (1568 bytes)"},
      {NamedGroup::X25519Kyber768Draft00, 1216,
       "X25519 public key (32 bytes), then Kyber768 public key (1184 bytes)"},
      {NamedGroup::X25519Kyber768Draft00, 1120,
       "X25519 public key (32 bytes), then Kyber768 ciphertext (1088 bytes)"},
      {NamedGroup::MLKEM512, 800, "ML-KEM-512 encapsulation key (800 bytes)"},
      {NamedGroup::MLKEM512, 768, "ML-KEM-512 ciphertext (768 bytes)"},
      {NamedGroup::MLKEM768, 1184, "ML-KEM-768 encapsulation key (1184 bytes)"},
      {NamedGroup::MLKEM768, 1088, "ML-KEM-768 ciphertext (1088 bytes)"},
      {NamedGroup::MLKEM1024, 1568, "ML-KEM-1024 encapsulation key or ciphertext (1568 bytes)"},
      {NamedGroup::brainpoolP256r1tls13, 65, "uncompressed brainpoolP256r1 point (65 bytes)"},
      {NamedGroup::brainpoolP384r1tls13, 97, "uncompressed brainpoolP384r1 point (97 bytes)"},
      {NamedGroup::brainpoolP512r1tls13, 129, "uncompressed brainpoolP512r1 point (129 bytes)"},
      {NamedGroup::ffdhe2048, 256, "DH public value, padded to the 2048-bit prime (256 bytes)"},
      {NamedGroup::ffdhe3072, 384, "DH public value, padded to the 3072-bit prime (384 bytes)"},
      {NamedGroup::ffdhe4096, 512, "DH public value, padded to the 4096-bit prime (512 bytes)"},
      {NamedGroup::ffdhe6144, 768, "DH public value, padded to the 6144-bit prime (768 bytes)"},
      {NamedGroup::ffdhe8192, 1024, "DH public value, padded to the 8192-bit prime (1024 bytes)"},
  };
  bool known = false;
  for (const Form& f : kForms) {
    if (f.group == group) {
      known = true;
      if (f.size == n) {
        return std::string(f.what);
      }
    }
  }
  if (known) {
    return "wrong length for " + code_name(group) + " (" + plural(n, "byte", "bytes") + ")";
  }
  return plural(n, "byte", "bytes");
}

}  // namespace

void Annotator::extension_data(ByteView bytes, TraceField& data, ExtensionType type,
                               ExtensionContext context) {
  Cursor body(bytes, data.offset);
  extension_body(body, data, type, context);
  if (!body.empty()) {
    fail(body, data.children,
         plural(body.remaining(), "byte", "bytes") + " left over after the " + code_name(type) +
             " data");
  }
  if (data.explanation.empty()) {
    data.explanation = std::string(kUnknownExplanation);
  }
}

void describe_extension_data(Node& data, ExtensionType type, ExtensionContext context) {
  if (!describe_extension_data_a(data, type, context)) {
    describe_extension_data_b(data, type, context);
  }
  if (data.field.explanation.empty()) {
    data.field.explanation = std::string(kUnknownExplanation);
  }
}

void describe_extension_block(Node& block, ExtensionContext context) {
  block.field.explanation = block_explanation(context);
  size_t count = 0;
  for (size_t i = 0; i < block.kids.size(); i++) {
    Node& e = block.kids[i];
    if (e.field.name == "error" || e.field.name == "length") {
      continue;
    }
    count++;
    e.field.explanation = "an extension: a 2-byte type, a 2-byte length and the data";
    Node* type_field = e.kid("extension_type");
    if (type_field == nullptr) {
      continue;
    }
    const auto type = static_cast<ExtensionType>(type_field->number);
    type_field->field.meaning = code_name(type);
    type_field->field.explanation = code_explanation(type);
    e.field.value = type_field->field.value;
    e.field.meaning = type_field->field.meaning;
    e.field.explanation = type_field->field.explanation;
    bool not_allowed = false;
    bool duplicate = false;
    bool not_last = false;
    for (const msgs::Broken& b : e.broken) {
      not_allowed |= b.kind == msgs::Broken::kNotAllowed;
      duplicate |= b.kind == msgs::Broken::kDuplicate;
      not_last |= b.kind == msgs::Broken::kNotLast;
    }
    e.broken.clear();
    if (not_allowed) {
      e.field.explanation += "; not allowed in " + std::string(context_name(context)) +
                             " (RFC 8446 section 4.2), a receiver aborts with illegal_parameter";
    } else if (msgs::is_recognized(type)) {
    } else if (is_grease(static_cast<uint16_t>(type))) {
      e.field.explanation += "; the receiver ignores it";
    } else if (context == ExtensionContext::kServerHello ||
               context == ExtensionContext::kHelloRetryRequest ||
               context == ExtensionContext::kEncryptedExtensions) {
      e.field.explanation +=
          "; glasstls never offers it, so a client aborts with "
          "unsupported_extension";
    } else {
      e.field.explanation += "; the receiver ignores it";
    }
    if (duplicate) {
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
      //# There MUST NOT be more than one extension of the
      //# same type in a given extension block.
      e.field.explanation +=
          "; invalid: a second extension of this type, a receiver aborts with "
          "illegal_parameter";
    }
    if (not_last) {
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
      //# The "pre_shared_key" extension MUST be the last extension in the
      //# ClientHello (this facilitates implementation as described below).
      e.field.explanation += "; invalid: pre_shared_key must be the last ClientHello extension";
    }
    if (Node* length = e.kid("length")) {
      length->field.explanation = plural(length->number, "byte", "bytes") + " of extension_data " +
                                  (length->number == 1 ? "follows" : "follow");
    }
    Node* data = e.kid("extension_data");
    if (data == nullptr) {
      continue;
    }
    if (data->is_node) {
      describe_extension_data(*data, type, context);
    } else {
      data->field.value.clear();
      Annotator a;
      a.extension_data(data->bytes, data->field, type, context);
    }
  }
  block.field.meaning = plural(count, "extension", "extensions");
}

void Annotator::extension_body(Cursor& c, TraceField& data, ExtensionType type,
                               ExtensionContext context) {
  Fields& out = data.children;
  const bool client_hello = context == ExtensionContext::kClientHello;
  // empty handles an extension whose data must be empty: its presence is the message.
  auto empty = [&](std::string explanation) {
    data.explanation = std::move(explanation);
    data.meaning = "empty";
    if (!c.empty()) {
      data.meaning.clear();
      fail(c, out, code_name(type) + " must have empty extension_data here");
    }
  };
  // opaque_all shows all of the data as one undecoded field.
  auto opaque_all = [&](std::string explanation) {
    const ByteView rest = c.take(c.remaining());
    data.value = hex(rest);
    data.explanation = std::move(explanation);
  };
  uint32_t v = 0;
  switch (type) {
    case ExtensionType::server_name: {
      if (!client_hello) {
        empty("empty: the server used the client's server_name to pick its certificate");
        return;
      }
      //= https://www.rfc-editor.org/rfc/rfc6066#section-3
      //# struct {
      //#     NameType name_type;
      //#     select (name_type) {
      //#         case host_name: HostName;
      //#     } name;
      //# } ServerName;
      data.explanation =
          "ServerNameList: the names under which the client wants to reach the "
          "server (RFC 6066 section 3)";
      vector(c, out, 2, "server_name_list", "server names", [&](Cursor& inner, TraceField& node) {
        node.explanation = "server_name_list: at most one name of each name_type";
        size_t i = 0;
        while (!inner.empty()) {
          const size_t at = inner.pos();
          TraceField entry = leaf("server_name_list[" + dec(i) + "]", at, 0, "", "",
                                  "ServerName: a name_type and a name");
          uint32_t name_type = 0;
          if (TraceField* f = number(inner, entry.children, 1, "name_type", name_type, true)) {
            f->meaning = name_type == 0 ? "host_name" : "unknown";
            f->explanation = "name_type: 0 (host_name) is the only type defined";
            ByteView host;
            opaque(inner, entry.children, 2, name_type == 0 ? "host_name" : "name", "name",
                   name_type == 0 ? "host_name: the server's DNS name in ASCII, no trailing dot"
                                  : "a name of a type glasstls does not know; skipped",
                   1, 0xffff, &host, true);
            entry.meaning = printable(host);
            if (name_type == 0 && data.meaning.empty()) {
              data.meaning = entry.meaning;
            }
          }
          entry.length = inner.pos() - at;
          node.children.push_back(std::move(entry));
          i++;
        }
        node.meaning = data.meaning;
        bounds_note(node, inner.end() - node.offset - 2, 1, 0xffff);
      });
      return;
    }
    case ExtensionType::max_fragment_length: {
      //= https://www.rfc-editor.org/rfc/rfc6066#section-4
      //# enum{
      //#     2^9(1), 2^10(2), 2^11(3), 2^12(4), (255)
      //# } MaxFragmentLength;
      data.explanation = "MaxFragmentLength: the largest record plaintext the client wants";
      if (TraceField* f = number(c, out, 1, "max_fragment_length", v, false)) {
        f->meaning = v >= 1 && v <= 4 ? dec(uint64_t{1} << (8 + v)) + " bytes" : "invalid";
        f->explanation = "1 to 4 stand for 2^9 to 2^12 bytes";
        data.meaning = f->meaning;
      }
      return;
    }
    case ExtensionType::status_request: {
      if (c.empty()) {
        // RFC 8446 section 4.4.2.1: a server asks for the client's OCSP response with an empty
        // status_request in its CertificateRequest. TLS 1.2 servers acknowledged the request
        // with an empty one in the ServerHello.
        empty(context == ExtensionContext::kCertificateRequest
                  ? "empty: the server asks the client to staple an OCSP response for its "
                    "certificate (RFC 8446 section 4.4.2.1)"
                  : "empty: the certificate's OCSP response will be in the Certificate message");
        return;
      }
      data.explanation = context == ExtensionContext::kCertificate
                             ? "CertificateStatus: a stapled OCSP response (RFC 8446 section "
                               "4.4.2.1)"
                             : "CertificateStatusRequest: asks the peer to staple an OCSP "
                               "response (RFC 6066 section 8)";
      TraceField* f = number(c, out, 1, "status_type", v, false);
      if (f == nullptr) {
        return;
      }
      f->meaning = v == 1 ? "ocsp" : "unknown";
      f->explanation = "status_type: 1 (ocsp) is the only type defined";
      if (v != 1) {
        if (!c.empty()) {
          const size_t at = c.pos();
          const ByteView rest = c.take(c.remaining());
          out.push_back(leaf("request", at, rest.size(), hex(rest), "",
                             "data of a status type glasstls does not know"));
        }
        return;
      }
      if (context == ExtensionContext::kCertificate) {
        ByteView response;
        if (opaque(c, out, 3, "response", "OCSPResponse",
                   "OCSPResponse: the DER OCSP response for this certificate (RFC 6960)", 1,
                   0xffffff, &response)) {
          // The same parser the verifier checks the response with.
          out.back().meaning = ocsp_response_meaning(response);
        }
        return;
      }
      vector(c, out, 2, "responder_id_list", "responder IDs", [&](Cursor& inner, TraceField& n) {
        n.explanation =
            "responder_id_list: OCSP responders the client trusts; empty means "
            "any";
        size_t i = 0;
        while (!inner.empty()) {
          opaque(inner, n.children, 2, "responder_id_list[" + dec(i) + "]", "ResponderID",
                 "ResponderID: a DER ResponderID (RFC 6960)", 1, 0xffff);
          i++;
        }
      });
      opaque(c, out, 2, "request_extensions", "extensions",
             "request_extensions: DER OCSP request extensions, such as a nonce", 0, 0xffff);
      return;
    }
    case ExtensionType::supported_groups: {
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.7
      //# struct {
      //#     NamedGroup named_group_list<2..2^16-1>;
      //# } NamedGroupList;
      data.explanation = client_hello
                             ? "NamedGroupList: the key exchange groups the client supports, "
                               "most preferred first"
                             : "NamedGroupList: the server's groups, for the client to use in "
                               "later connections";
      vector(c, out, 2, "named_group_list", "named groups", [&](Cursor& inner, TraceField& n) {
        n.explanation = "named_group_list: 2-byte NamedGroup values";
        bounds_note(n, inner.remaining(), 2, 0xffff);
        n.meaning = plural(inner.remaining() / 2, "group", "groups");
        data.meaning = n.meaning;
        items(inner, n.children, 2, "named_group_list", [](uint32_t g, TraceField& f) {
          f.meaning = code_name(static_cast<NamedGroup>(g));
          f.explanation = code_explanation(static_cast<NamedGroup>(g));
        });
      });
      return;
    }
    case ExtensionType::ec_point_formats: {
      //= https://www.rfc-editor.org/rfc/rfc8422#section-5.1.2
      //# struct {
      //#     ECPointFormat ec_point_format_list<1..2^8-1>
      //# } ECPointFormatList;
      data.explanation = "ECPointFormatList: TLS 1.2 point formats; TLS 1.3 ignores them";
      vector(c, out, 1, "ec_point_format_list", "point formats", [&](Cursor& inner, TraceField& n) {
        n.explanation = "ec_point_format_list: 1-byte ECPointFormat values";
        bounds_note(n, inner.remaining(), 1, 255);
        items(inner, n.children, 1, "ec_point_format_list", [](uint32_t p, TraceField& f) {
          f.meaning = p == 0   ? "uncompressed"
                      : p == 1 ? "ansiX962_compressed_prime"
                      : p == 2 ? "ansiX962_compressed_char2"
                               : "unknown";
          f.explanation = "a point format (RFC 8422 section 5.1.2)";
        });
      });
      return;
    }
    case ExtensionType::signature_algorithms:
    case ExtensionType::signature_algorithms_cert: {
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
      //# struct {
      //#     SignatureScheme supported_signature_algorithms<2..2^16-2>;
      //# } SignatureSchemeList;
      data.explanation = type == ExtensionType::signature_algorithms
                             ? "SignatureSchemeList: schemes the sender accepts in "
                               "CertificateVerify (and in certificates, unless _cert is sent)"
                             : "SignatureSchemeList: schemes the sender accepts in the "
                               "signatures of certificates";
      vector(c, out, 2, "supported_signature_algorithms", "signature schemes",
             [&](Cursor& inner, TraceField& n) {
               n.explanation =
                   "supported_signature_algorithms: 2-byte SignatureScheme values, "
                   "most preferred first";
               bounds_note(n, inner.remaining(), 2, 0xfffe);
               n.meaning = plural(inner.remaining() / 2, "scheme", "schemes");
               data.meaning = n.meaning;
               items(inner, n.children, 2, "supported_signature_algorithms",
                     [](uint32_t s, TraceField& f) {
                       f.meaning = code_name(static_cast<SignatureScheme>(s));
                       f.explanation = code_explanation(static_cast<SignatureScheme>(s));
                     });
             });
      return;
    }
    case ExtensionType::use_srtp: {
      //= https://www.rfc-editor.org/rfc/rfc5764#section-4.1.1
      //# SRTPProtectionProfile SRTPProtectionProfiles<2..2^16-1>;
      data.explanation = "UseSRTPData: DTLS-SRTP protection profiles and an MKI (RFC 5764)";
      vector(c, out, 2, "SRTPProtectionProfiles", "profiles", [&](Cursor& inner, TraceField& n) {
        n.explanation = "SRTPProtectionProfiles: 2-byte profile values";
        items(inner, n.children, 2, "SRTPProtectionProfiles", [](uint32_t p, TraceField& f) {
          f.meaning = p == 1   ? "SRTP_AES128_CM_HMAC_SHA1_80"
                      : p == 2 ? "SRTP_AES128_CM_HMAC_SHA1_32"
                      : p == 7 ? "SRTP_AEAD_AES_128_GCM"
                      : p == 8 ? "SRTP_AEAD_AES_256_GCM"
                               : "unknown";
          f.explanation = "an SRTP protection profile";
        });
      });
      opaque(c, out, 1, "srtp_mki", "mki", "srtp_mki: the SRTP master key identifier", 0, 255);
      return;
    }
    case ExtensionType::heartbeat: {
      //= https://www.rfc-editor.org/rfc/rfc6520#section-2
      //# enum {
      //#    peer_allowed_to_send(1),
      //#    peer_not_allowed_to_send(2),
      //#    (255)
      //# } HeartbeatMode;
      data.explanation = "HeartbeatExtension: whether the peer may send heartbeats (RFC 6520)";
      if (TraceField* f = number(c, out, 1, "mode", v, false)) {
        f->meaning = v == 1   ? "peer_allowed_to_send"
                     : v == 2 ? "peer_not_allowed_to_send"
                              : "unknown";
        f->explanation = "mode: 1 allows the peer to send heartbeat requests, 2 forbids it";
        data.meaning = f->meaning;
      }
      return;
    }
    case ExtensionType::application_layer_protocol_negotiation: {
      //= https://www.rfc-editor.org/rfc/rfc7301#section-3.1
      //# opaque ProtocolName<1..2^8-1>;
      //#
      //# struct {
      //#     ProtocolName protocol_name_list<2..2^16-1>
      //# } ProtocolNameList;
      data.explanation = client_hello
                             ? "ProtocolNameList: the application protocols the client offers, "
                               "most preferred first"
                             : "ProtocolNameList: the one application protocol the server chose";
      protocol_name_list(c, data, "protocol_name_list", !client_hello);
      return;
    }
    case ExtensionType::signed_certificate_timestamp: {
      if (c.empty()) {
        empty("empty: the client asks for signed certificate timestamps (RFC 6962)");
        return;
      }
      //= https://www.rfc-editor.org/rfc/rfc6962#section-3.3
      //# opaque SerializedSCT<1..2^16-1>;
      //#
      //# struct {
      //#     SerializedSCT sct_list <1..2^16-1>;
      //# } SignedCertificateTimestampList;
      data.explanation =
          "SignedCertificateTimestampList: certificate transparency log "
          "promises for this certificate (RFC 6962)";
      vector(c, out, 2, "sct_list", "SCTs", [&](Cursor& inner, TraceField& n) {
        n.explanation = "sct_list: each SCT has a 2-byte length";
        size_t i = 0;
        while (!inner.empty()) {
          opaque(inner, n.children, 2, "sct_list[" + dec(i) + "]", "SCT",
                 "SerializedSCT: one log's signed timestamp", 1, 0xffff);
          i++;
        }
      });
      return;
    }
    case ExtensionType::client_certificate_type:
    case ExtensionType::server_certificate_type: {
      //= https://www.rfc-editor.org/rfc/rfc7250#section-3
      //# CertificateType client_certificate_types<1..2^8-1>;
      const std::string_view who =
          type == ExtensionType::client_certificate_type ? "client" : "server";
      if (client_hello) {
        data.explanation =
            "the certificate types the client accepts for the " + std::string(who) + " (RFC 7250)";
        vector(c, out, 1, "certificate_types", "certificate types",
               [&](Cursor& inner, TraceField& n) {
                 n.explanation = "certificate_types: 1-byte CertificateType values";
                 items(inner, n.children, 1, "certificate_types", [](uint32_t t, TraceField& f) {
                   f.meaning = certificate_type_name(t);
                   f.explanation = "a certificate type (RFC 7250 section 3)";
                 });
               });
        return;
      }
      data.explanation = "the certificate type the " + std::string(who) + " will use (RFC 7250)";
      if (TraceField* f = number(c, out, 1, "certificate_type", v, false)) {
        f->meaning = certificate_type_name(v);
        f->explanation = "certificate_type: the type chosen";
        data.meaning = f->meaning;
      }
      return;
    }
    case ExtensionType::padding: {
      //= https://www.rfc-editor.org/rfc/rfc7685#section-3
      //# The "extension_data" for the extension consists of an arbitrary
      //# number of zero bytes.
      const size_t at = c.pos();
      const ByteView zeros = c.take(c.remaining());
      data.explanation = "padding: zero bytes that only make the ClientHello longer (RFC 7685)";
      data.meaning = plural(zeros.size(), "byte", "bytes");
      if (!zeros.empty()) {
        const bool all_zero =
            std::all_of(zeros.begin(), zeros.end(), [](uint8_t b) { return b == 0; });
        out.push_back(leaf("zeros", at, zeros.size(), hex(zeros), data.meaning,
                           all_zero ? "padding bytes, all zero"
                                    : "padding bytes; invalid: padding must be all zero"));
      }
      return;
    }
    case ExtensionType::encrypt_then_mac:
      empty(
          "empty: asks for encrypt-then-MAC with TLS 1.2 CBC suites (RFC 7366); TLS 1.3 "
          "ignores it");
      return;
    case ExtensionType::extended_master_secret:
      empty(
          "empty: asks for the TLS 1.2 session-hash master secret (RFC 7627); TLS 1.3 "
          "ignores it");
      return;
    case ExtensionType::compress_certificate: {
      //= https://www.rfc-editor.org/rfc/rfc8879#section-3
      //# CertificateCompressionAlgorithm algorithms<2..2^8-2>;
      data.explanation =
          "CertificateCompressionAlgorithms: how the sender accepts compressed "
          "certificates (RFC 8879)";
      vector(c, out, 1, "algorithms", "compression algorithms", [&](Cursor& inner, TraceField& n) {
        n.explanation = "algorithms: 2-byte CertificateCompressionAlgorithm values";
        bounds_note(n, inner.remaining(), 2, 254);
        items(inner, n.children, 2, "algorithms", [](uint32_t a, TraceField& f) {
          f.meaning = certificate_compression_name(a);
          f.explanation = "a certificate compression algorithm";
        });
      });
      return;
    }
    case ExtensionType::record_size_limit: {
      //= https://www.rfc-editor.org/rfc/rfc8449#section-4
      //# uint16 RecordSizeLimit;
      data.explanation =
          "RecordSizeLimit: the largest record the sender will receive "
          "(RFC 8449)";
      if (TraceField* f = number(c, out, 2, "record_size_limit", v, false)) {
        f->meaning = plural(v, "byte", "bytes");
        f->explanation =
            "record_size_limit: largest plaintext plus, in TLS 1.3, the content "
            "type byte; at least 64";
        if (v < 64) {
          f->explanation += "; invalid: below 64, a receiver aborts with illegal_parameter";
        }
        data.meaning = f->meaning;
      }
      return;
    }
    case ExtensionType::session_ticket: {
      if (c.empty()) {
        empty("empty: the client asks for a TLS 1.2 session ticket (RFC 5077)");
        return;
      }
      const size_t at = c.pos();
      const ByteView ticket = c.take(c.remaining());
      data.explanation = "SessionTicket: a TLS 1.2 ticket to resume with (RFC 5077)";
      out.push_back(leaf("ticket", at, ticket.size(), hex(ticket), "",
                         "ticket: an opaque TLS 1.2 session ticket"));
      return;
    }
    case ExtensionType::pre_shared_key: {
      if (!client_hello) {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
        //# uint16 selected_identity;
        data.explanation = "the PSK the server accepted";
        if (TraceField* f = number(c, out, 2, "selected_identity", v, false)) {
          f->explanation = "selected_identity: index (from 0) into the client's identities";
          data.meaning = "identity " + dec(v);
        }
        return;
      }
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
      //# struct {
      //#     PskIdentity identities<7..2^16-1>;
      //#     PskBinderEntry binders<33..2^16-1>;
      //# } OfferedPsks;
      data.explanation = "OfferedPsks: PSK identities (tickets) and one binder per identity";
      size_t identities = 0;
      vector(c, out, 2, "identities", "PSK identities", [&](Cursor& inner, TraceField& n) {
        n.explanation = "identities: the PSKs the client offers, each a label and a ticket age";
        bounds_note(n, inner.remaining(), 7, 0xffff);
        while (!inner.empty()) {
          //# struct {
          //#     opaque identity<1..2^16-1>;
          //#     uint32 obfuscated_ticket_age;
          //# } PskIdentity;
          const size_t at = inner.pos();
          TraceField entry = leaf("identities[" + dec(identities) + "]", at, 0, "", "",
                                  "PskIdentity: a PSK label and the ticket's obfuscated age");
          opaque(inner, entry.children, 2, "identity", "identity",
                 "identity: the ticket from NewSessionTicket, or an external PSK label", 1, 0xffff);
          uint32_t age = 0;
          if (TraceField* f =
                  number(inner, entry.children, 4, "obfuscated_ticket_age", age, false)) {
            f->explanation =
                "obfuscated_ticket_age: the ticket's age in ms plus ticket_age_add "
                "(mod 2^32)";
          }
          entry.length = inner.pos() - at;
          n.children.push_back(std::move(entry));
          identities++;
        }
        n.meaning = plural(identities, "identity", "identities");
      });
      vector(c, out, 2, "binders", "PSK binders", [&](Cursor& inner, TraceField& n) {
        n.explanation = "binders: one HMAC per identity over the ClientHello up to the binders";
        bounds_note(n, inner.remaining(), 33, 0xffff);
        size_t i = 0;
        while (!inner.empty()) {
          //# opaque PskBinderEntry<32..255>;
          opaque(inner, n.children, 1, "binders[" + dec(i) + "]", "binder",
                 "PskBinderEntry: HMAC with the binder key over the truncated ClientHello", 32,
                 255);
          i++;
        }
        if (i != identities) {
          n.explanation += "; invalid: not one binder per identity";
        }
      });
      data.meaning = plural(identities, "identity", "identities");
      return;
    }
    case ExtensionType::early_data: {
      if (context == ExtensionContext::kNewSessionTicket) {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
        //# uint32 max_early_data_size;
        data.explanation = "EarlyDataIndication: the ticket allows 0-RTT data";
        if (TraceField* f = number(c, out, 4, "max_early_data_size", v, false)) {
          f->meaning = plural(v, "byte", "bytes");
          f->explanation =
              "max_early_data_size: most 0-RTT application data bytes the client "
              "may send with this ticket";
          data.meaning = f->meaning;
        }
        return;
      }
      empty(client_hello ? "empty: the client is sending 0-RTT data after this ClientHello"
                         : "empty: the server accepted the client's 0-RTT data");
      return;
    }
    case ExtensionType::supported_versions: {
      if (!client_hello) {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1
        //# ProtocolVersion selected_version;
        data.explanation = "the protocol version the server chose";
        if (TraceField* f = number(c, out, 2, "selected_version", v, true)) {
          f->meaning = version_name(static_cast<uint16_t>(v));
          f->explanation =
              "selected_version: the negotiated version; must be one the client "
              "offered";
          data.meaning = f->meaning;
        }
        return;
      }
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1
      //# ProtocolVersion versions<2..254>;
      data.explanation = "the protocol versions the client supports, most preferred first";
      vector(c, out, 1, "versions", "versions", [&](Cursor& inner, TraceField& n) {
        n.explanation = "versions: 2-byte ProtocolVersion values";
        bounds_note(n, inner.remaining(), 2, 254);
        std::string names;
        items(inner, n.children, 2, "versions", [&](uint32_t ver, TraceField& f) {
          f.meaning = version_name(static_cast<uint16_t>(ver));
          f.explanation =
              "a version the client supports: " + version_explanation(static_cast<uint16_t>(ver));
          names += (names.empty() ? "" : ", ") + f.meaning;
        });
        n.meaning = names;
        data.meaning = names;
      });
      return;
    }
    case ExtensionType::cookie: {
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.2
      //# struct {
      //#     opaque cookie<1..2^16-1>;
      //# } Cookie;
      data.explanation = client_hello ? "Cookie: the cookie of the HelloRetryRequest, echoed"
                                      : "Cookie: server state the client must echo in its next "
                                        "ClientHello";
      opaque(c, out, 2, "cookie", "cookie", "cookie: opaque to the client", 1, 0xffff);
      return;
    }
    case ExtensionType::psk_key_exchange_modes: {
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.9
      //# enum { psk_ke(0), psk_dhe_ke(1), (255) } PskKeyExchangeMode;
      //#
      //# struct {
      //#     PskKeyExchangeMode ke_modes<1..255>;
      //# } PskKeyExchangeModes;
      data.explanation = "PskKeyExchangeModes: how the client may use a PSK on resumption";
      vector(c, out, 1, "ke_modes", "modes", [&](Cursor& inner, TraceField& n) {
        n.explanation = "ke_modes: 1-byte PskKeyExchangeMode values";
        bounds_note(n, inner.remaining(), 1, 255);
        std::string names;
        items(inner, n.children, 1, "ke_modes", [&](uint32_t m, TraceField& f) {
          if (m == 0) {
            f.meaning = "psk_ke";
            f.explanation = "psk_ke: PSK alone, no (EC)DHE and so no forward secrecy";
          } else if (m == 1) {
            f.meaning = "psk_dhe_ke";
            f.explanation = "psk_dhe_ke: PSK with an (EC)DHE exchange, forward secret";
          } else if (is_grease_psk_mode(m)) {
            f.meaning = "GREASE (RFC 8701)";
            f.explanation = "GREASE mode (RFC 8701): meaningless, the server ignores it";
          } else {
            f.meaning = "unknown";
            f.explanation = "a mode glasstls does not know; the server ignores it";
          }
          names += (names.empty() ? "" : ", ") + f.meaning;
        });
        data.meaning = names;
      });
      return;
    }
    case ExtensionType::certificate_authorities: {
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.4
      //# opaque DistinguishedName<1..2^16-1>;
      //#
      //# struct {
      //#     DistinguishedName authorities<3..2^16-1>;
      //# } CertificateAuthoritiesExtension;
      data.explanation =
          "CertificateAuthoritiesExtension: the CAs whose certificates the "
          "sender trusts";
      vector(c, out, 2, "authorities", "distinguished names", [&](Cursor& inner, TraceField& n) {
        n.explanation = "authorities: DER distinguished names, each with a 2-byte length";
        bounds_note(n, inner.remaining(), 3, 0xffff);
        size_t i = 0;
        while (!inner.empty()) {
          ByteView dn;
          const bool whole =
              opaque(inner, n.children, 2, "authorities[" + dec(i) + "]", "name",
                     "DistinguishedName: a DER X.501 Name of a trusted CA", 1, 0xffff, &dn);
          if (whole && n.children.back().name != "error") {
            n.children.back().meaning = x509::name_to_string(dn);
          }
          i++;
        }
        n.meaning = plural(i, "authority", "authorities");
        data.meaning = n.meaning;
      });
      return;
    }
    case ExtensionType::oid_filters: {
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.5
      //# struct {
      //#     opaque certificate_extension_oid<1..2^8-1>;
      //#     opaque certificate_extension_values<0..2^16-1>;
      //# } OIDFilter;
      //#
      //# struct {
      //#     OIDFilter filters<0..2^16-1>;
      //# } OIDFilterExtension;
      data.explanation =
          "OIDFilterExtension: certificate extension values the client's "
          "certificate must match";
      vector(c, out, 2, "filters", "OID filters", [&](Cursor& inner, TraceField& n) {
        n.explanation = "filters: OIDFilter entries";
        size_t i = 0;
        while (!inner.empty()) {
          const size_t at = inner.pos();
          TraceField entry = leaf("filters[" + dec(i) + "]", at, 0, "", "",
                                  "OIDFilter: a certificate extension OID and the values "
                                  "wanted");
          opaque(inner, entry.children, 1, "certificate_extension_oid", "oid",
                 "certificate_extension_oid: DER OID contents of a certificate extension", 1, 255);
          opaque(inner, entry.children, 2, "certificate_extension_values", "values",
                 "certificate_extension_values: DER values the extension must contain", 0, 0xffff);
          entry.length = inner.pos() - at;
          n.children.push_back(std::move(entry));
          i++;
        }
      });
      return;
    }
    case ExtensionType::post_handshake_auth:
      empty("empty: the client will answer a CertificateRequest after the handshake");
      return;
    case ExtensionType::key_share: {
      // read_entry annotates one KeyShareEntry into `parent`.
      auto read_entry = [&](Cursor& r, Fields& parent, std::string entry_name) {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
        //# struct {
        //#     NamedGroup group;
        //#     opaque key_exchange<1..2^16-1>;
        //# } KeyShareEntry;
        const size_t at = r.pos();
        TraceField entry = leaf(std::move(entry_name), at, 0, "", "",
                                "KeyShareEntry: a group and an ephemeral public key in it");
        uint32_t group = 0;
        if (TraceField* f = number(r, entry.children, 2, "group", group, true)) {
          const auto g = static_cast<NamedGroup>(group);
          f->meaning = code_name(g);
          f->explanation = "group: " + code_explanation(g);
          entry.meaning = f->meaning;
          ByteView key;
          if (opaque(r, entry.children, 2, "key_exchange", "public_key",
                     "key_exchange: the sender's ephemeral public key for this group", 1, 0xffff,
                     &key)) {
            entry.children.back().meaning = key_exchange_meaning(g, key.size());
          }
        }
        entry.length = r.pos() - at;
        parent.push_back(std::move(entry));
      };
      if (context == ExtensionContext::kHelloRetryRequest) {
        //# NamedGroup selected_group;
        data.explanation =
            "KeyShareHelloRetryRequest: the group the client must use in its "
            "second ClientHello";
        if (TraceField* f = number(c, out, 2, "selected_group", v, true)) {
          f->meaning = code_name(static_cast<NamedGroup>(v));
          f->explanation = "selected_group: " + code_explanation(static_cast<NamedGroup>(v));
          data.meaning = f->meaning;
        }
        return;
      }
      if (!client_hello) {
        //# KeyShareEntry server_share;
        data.explanation =
            "KeyShareServerHello: the server's share, in a group the client "
            "offered";
        read_entry(c, out, "server_share");
        data.meaning = out.empty() ? "" : out.back().meaning;
        return;
      }
      //# KeyShareEntry client_shares<0..2^16-1>;
      data.explanation = "KeyShareClientHello: ephemeral public keys, most preferred group first";
      vector(c, out, 2, "client_shares", "key shares", [&](Cursor& inner, TraceField& n) {
        n.explanation = "client_shares: may be empty, to ask the server to pick a group";
        size_t i = 0;
        std::string names;
        while (!inner.empty()) {
          read_entry(inner, n.children, "client_shares[" + dec(i) + "]");
          names += (names.empty() ? "" : ", ") + n.children.back().meaning;
          i++;
        }
        n.meaning = names;
        data.meaning = names;
      });
      return;
    }
    case ExtensionType::renegotiation_info: {
      //= https://www.rfc-editor.org/rfc/rfc5746#section-3.2
      //# struct {
      //#     opaque renegotiated_connection<0..255>;
      //# } RenegotiationInfo;
      data.explanation =
          "RenegotiationInfo: TLS 1.2 secure renegotiation (RFC 5746); empty on "
          "a first handshake";
      opaque(c, out, 1, "renegotiated_connection", "verify_data",
             "renegotiated_connection: empty on an initial handshake", 0, 255);
      return;
    }
  }
  if (registered_extension_body(c, data, static_cast<uint16_t>(type), context)) {
    return;
  }
  if (is_grease(static_cast<uint16_t>(type))) {
    //= https://www.rfc-editor.org/rfc/rfc8701#section-3.1
    //# A client MAY select one or more GREASE extension values and
    //# advertise them as extensions with varying length and contents.
    opaque_all("GREASE extension_data (RFC 8701): arbitrary bytes, or none, that mean nothing");
    return;
  }
  // A type glasstls does not know.
  opaque_all(std::string(kUnknownExplanation));
}

void Annotator::protocol_name_list(Cursor& c, TraceField& data, std::string name,
                                   bool exactly_one) {
  //= https://www.rfc-editor.org/rfc/rfc7301#section-3.1
  //# opaque ProtocolName<1..2^8-1>;
  //#
  //# struct {
  //#     ProtocolName protocol_name_list<2..2^16-1>
  //# } ProtocolNameList;
  vector(c, data.children, 2, name, "protocol names", [&](Cursor& inner, TraceField& n) {
    n.explanation = n.name + ": each name has a 1-byte length";
    bounds_note(n, inner.remaining(), 2, 0xffff);
    size_t i = 0;
    std::string names;
    while (!inner.empty()) {
      ByteView proto;
      const bool ok = opaque(inner, n.children, 1, n.name + "[" + dec(i) + "]", "name",
                             "ProtocolName: an IANA-registered protocol ID", 1, 255, &proto, true);
      TraceField& f = n.children.back();
      if (f.name != "error") {
        if (is_grease_alpn(proto)) {
          f.meaning = "GREASE (RFC 8701)";
          f.explanation =
              "GREASE protocol ID (RFC 8701): meaningless, keeps servers "
              "ignoring unknown protocols";
        } else {
          f.meaning = printable(proto);
        }
        names += (names.empty() ? "" : ", ") + f.meaning;
      }
      i++;
      if (!ok) {
        break;
      }
    }
    n.meaning = names;
    data.meaning = names;
    if (exactly_one && i != 1) {
      n.explanation += "; invalid: a server must name exactly one protocol";
    }
  });
}

namespace {

// Registered is the extensions of iana.def that glasstls names but does not recognise, by
// value, for the decoders below.
enum class Registered : uint16_t {
#define GLASSTLS_EXTENSION_REGISTERED(n, value, text) n = value,
#include "glasstls/iana.def"
};

// hpke_kdf_name and hpke_aead_name name the HPKE algorithm identifiers of RFC 9180 section 7.
std::string hpke_kdf_name(uint32_t v) {
  switch (v) {
    case 1: return "HKDF-SHA256";
    case 2: return "HKDF-SHA384";
    case 3: return "HKDF-SHA512";
    default: return "unknown";
  }
}

std::string hpke_aead_name(uint32_t v) {
  switch (v) {
    case 1: return "AES-128-GCM";
    case 2: return "AES-256-GCM";
    case 3: return "ChaCha20Poly1305";
    case 0xffff: return "export-only";
    default: return "unknown";
  }
}

}  // namespace

bool Annotator::registered_extension_body(Cursor& c, TraceField& data, uint16_t raw,
                                          ExtensionContext context) {
  Fields& out = data.children;
  const bool client_hello = context == ExtensionContext::kClientHello;
  const std::string ext_name(name(static_cast<ExtensionType>(raw)));
  if (ext_name.empty()) {
    return false;
  }
  // rest shows what is left as one field that glasstls does not take apart.
  auto rest = [&](std::string field, std::string explanation) {
    if (c.empty()) {
      return;
    }
    const size_t at = c.pos();
    const ByteView bytes = c.take(c.remaining());
    out.push_back(leaf(std::move(field), at, bytes.size(), hex(bytes), "", std::move(explanation)));
  };
  uint32_t v = 0;
  switch (static_cast<Registered>(raw)) {
    case Registered::encrypted_client_hello: {
      // RFC 9849 section 5: in a ClientHello, ECHClientHello is a type, outer (0) or inner
      // (1); an outer one carries the HPKE cipher suite (KDF and AEAD), a config_id, the HPKE
      // encapsulated key enc<0..2^16-1> and the encrypted inner ClientHello
      // payload<1..2^16-1>. Browsers send a random outer one (GREASE ECH) when the server
      // publishes no ECH key.
      if (context == ExtensionContext::kEncryptedExtensions) {
        data.explanation =
            "ECHConfigList: ECH keys the server asks the client to retry with (RFC 9849 "
            "section 5)";
        opaque(c, out, 2, "retry_configs", "ECHConfigList",
               "retry_configs: ECHConfig structures, not decoded here", 4, 0xffff);
        return true;
      }
      if (context == ExtensionContext::kHelloRetryRequest) {
        data.explanation = "the server's ECH acceptance signal (RFC 9849 section 5)";
        rest("confirmation", "confirmation: 8 bytes derived from the inner ClientHello's random");
        return true;
      }
      data.explanation = "ECHClientHello: the encrypted inner ClientHello (RFC 9849 section 5)";
      TraceField* type_field = number(c, out, 1, "type", v, false);
      if (type_field == nullptr) {
        return true;
      }
      type_field->explanation =
          "ECHClientHelloType: outer (0) in the ClientHello on the wire, inner (1) in the "
          "encrypted one";
      if (v == 1) {
        type_field->meaning = "inner";
        data.meaning = "inner";
        return true;
      }
      if (v != 0) {
        type_field->meaning = "unknown";
        rest("data", "data of an ECHClientHello type glasstls does not know");
        return true;
      }
      type_field->meaning = "outer";
      if (TraceField* f = number(c, out, 2, "kdf_id", v, true)) {
        f->meaning = hpke_kdf_name(v);
        f->explanation = "kdf_id: the HPKE key derivation function (RFC 9180 section 7.2)";
      }
      if (TraceField* f = number(c, out, 2, "aead_id", v, true)) {
        f->meaning = hpke_aead_name(v);
        f->explanation = "aead_id: the HPKE AEAD that encrypts the payload (RFC 9180 section 7.3)";
      }
      if (TraceField* f = number(c, out, 1, "config_id", v, false)) {
        f->explanation = "config_id: which of the server's ECH configurations was used";
      }
      opaque(c, out, 2, "enc", "enc",
             "enc: the HPKE encapsulated key; empty after a HelloRetryRequest", 0, 0xffff);
      ByteView payload;
      opaque(c, out, 2, "payload", "payload",
             "payload: the inner ClientHello, encrypted with HPKE; random bytes when this is "
             "GREASE ECH",
             1, 0xffff, &payload);
      data.meaning = "outer, " + plural(payload.size(), "byte", "bytes") + " of payload";
      return true;
    }
    case Registered::ech_outer_extensions: {
      // RFC 9849 section 5.1: ExtensionType OuterExtensions<2..254>, the extensions that the
      // inner ClientHello takes from the outer one.
      data.explanation =
          "OuterExtensions: extensions this inner ClientHello copies from the outer one "
          "(RFC 9849 section 5.1)";
      vector(c, out, 1, "outer_extensions", "extension types", [&](Cursor& inner, TraceField& n) {
        n.explanation = "outer_extensions: 2-byte ExtensionType values";
        bounds_note(n, inner.remaining(), 2, 254);
        items(inner, n.children, 2, "outer_extensions", [](uint32_t t, TraceField& f) {
          f.meaning = code_name(static_cast<ExtensionType>(t));
          f.explanation = code_explanation(static_cast<ExtensionType>(t));
        });
      });
      return true;
    }
    case Registered::application_settings:
    case Registered::application_settings_old: {
      // draft-vvv-tls-alps: the client lists the protocols it has settings for, as in ALPN;
      // the server's settings for the chosen protocol are the whole extension_data.
      if (client_hello) {
        data.explanation =
            "ApplicationSettingsSupport: the protocols the client can exchange settings for "
            "(draft-vvv-tls-alps)";
        protocol_name_list(c, data, "supported_protocols", false);
        return true;
      }
      data.explanation =
          "the server's settings for the negotiated protocol, such as an HTTP/2 SETTINGS "
          "frame (draft-vvv-tls-alps)";
      rest("application_settings", "application_settings: opaque to TLS");
      if (data.children.empty()) {
        data.meaning = "empty";
      }
      return true;
    }
    case Registered::delegated_credential: {
      if (context == ExtensionContext::kClientHello ||
          context == ExtensionContext::kCertificateRequest) {
        // RFC 9345: a SignatureSchemeList, as in signature_algorithms.
        data.explanation =
            "SignatureSchemeList: schemes the sender accepts in delegated credentials "
            "(RFC 9345)";
        vector(c, out, 2, "supported_signature_algorithms", "signature schemes",
               [&](Cursor& inner, TraceField& n) {
                 n.explanation = "supported_signature_algorithms: 2-byte SignatureScheme values";
                 bounds_note(n, inner.remaining(), 2, 0xfffe);
                 n.meaning = plural(inner.remaining() / 2, "scheme", "schemes");
                 data.meaning = n.meaning;
                 items(inner, n.children, 2, "supported_signature_algorithms",
                       [](uint32_t sch, TraceField& f) {
                         f.meaning = code_name(static_cast<SignatureScheme>(sch));
                         f.explanation = code_explanation(static_cast<SignatureScheme>(sch));
                       });
               });
        return true;
      }
      data.explanation =
          "DelegatedCredential: a short-lived key signed by the certificate (RFC 9345)";
      rest("credential", "the delegated credential and its signature, not decoded here");
      return true;
    }
    case Registered::ticket_request: {
      // RFC 9149 section 3: ClientTicketRequest is two uint8 counts, new_session_count and
      // resumption_count; ServerTicketRequestHint is one, expected_count.
      if (client_hello) {
        data.explanation = "ClientTicketRequest: how many tickets the client wants (RFC 9149)";
        if (TraceField* f = number(c, out, 1, "new_session_count", v, false)) {
          f->explanation = "new_session_count: tickets wanted after a full handshake";
        }
        if (TraceField* f = number(c, out, 1, "resumption_count", v, false)) {
          f->explanation = "resumption_count: tickets wanted after a resumption";
        }
        return true;
      }
      data.explanation =
          "ServerTicketRequestHint: how many tickets the server will send (RFC 9149)";
      if (TraceField* f = number(c, out, 1, "expected_count", v, false)) {
        f->explanation = "expected_count: the number of tickets to expect";
        data.meaning = dec(v);
      }
      return true;
    }
    case Registered::next_protocol_negotiation: {
      if (client_hello && c.empty()) {
        data.explanation =
            "empty: the client supports NPN, the TLS 1.2 predecessor of ALPN "
            "(draft-agl-tls-nextprotoneg)";
        data.meaning = "empty";
        return true;
      }
      data.explanation = "the protocols a TLS 1.2 server advertises with NPN, not decoded here";
      rest("protocols", "protocol names, each with a 1-byte length");
      return true;
    }
    case Registered::quic_transport_parameters:
      data.explanation =
          "QUIC transport parameters as variable-length integers (RFC 9000 section 18), not "
          "decoded here";
      rest("parameters", "the transport parameters");
      return true;
    default: break;
  }
  data.explanation = "extension_data of " + ext_name + ", not decoded by glasstls";
  rest("data", "the body of " + ext_name);
  return true;
}

}  // namespace glasstls::annotate
