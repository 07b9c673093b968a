// annotate_describe.cc: the wording of the handshake messages the codecs report field by field.
//
// Each describer finds the fields of one message by the names its codec reports (the names of
// the RFC's structs) and says what each one means. Names, meanings and explanations of code
// points come from iana.def through name() and explain(), the tables the parser uses.
#include <algorithm>
#include <iterator>
#include <string>

#include "msgs/walk.h"
#include "trace/annotate_internal.h"
#include "trace/annotate_tree.h"
#include "x509/certificate.h"

namespace glasstls::annotate {
namespace {

void certificate_verify(Node& root) {
  if (Node* f = root.kid("algorithm")) {
    const auto scheme = static_cast<SignatureScheme>(f->number);
    f->field.meaning = code_name(scheme);
    f->field.explanation = "algorithm: the signature scheme used: " + code_explanation(scheme);
  }
  word_opaque(root.kid("signature"),
              "signature: over 64 spaces, a context string naming the signer's role, a zero "
              "byte and the transcript hash");
}

void finished(Node& root) {
  if (Node* f = root.kid("verify_data")) {
    const size_t n = f->bytes.size();
    f->field.meaning = n == 32   ? "32 bytes: SHA-256 suites"
                       : n == 48 ? "48 bytes: SHA-384 suites"
                                 : "unexpected length";
    f->field.explanation =
        "verify_data: HMAC over the transcript hash with the finished key (RFC 8446 section "
        "4.4.4)";
  }
}

void key_update(Node& root) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
  //# enum {
  //#     update_not_requested(0), update_requested(1), (255)
  //# } KeyUpdateRequest;
  if (Node* f = root.kid("request_update")) {
    const uint32_t v = f->number;
    f->field.meaning = v == 0 ? "update_not_requested" : v == 1 ? "update_requested" : "invalid";
    f->field.explanation =
        "request_update: whether the receiver must answer with a KeyUpdate of its own";
    if (!f->broken.empty()) {
      f->field.explanation +=
          "; only 0 and 1 are defined, a receiver aborts with illegal_parameter";
      f->broken.clear();
    }
  }
}

void message_hash(Node& root) {
  if (Node* f = root.kid("hash")) {
    f->field.meaning = "Hash(ClientHello1)";
    f->field.explanation =
        "the hash of the first ClientHello, which stands in for it in the transcript after a "
        "HelloRetryRequest (RFC 8446 section 4.4.1)";
  }
}

void compressed_certificate(Node& root) {
  if (Node* f = root.kid("algorithm")) {
    f->field.meaning = certificate_compression_name(f->number);
    f->field.explanation =
        "algorithm: how the Certificate message is compressed; one the receiver offered in "
        "compress_certificate";
  }
  if (Node* f = root.kid("uncompressed_length")) {
    f->field.meaning = plural(f->number, "byte", "bytes");
    f->field.explanation =
        "uncompressed_length: the size of the Certificate message once decompressed";
  }
  word_opaque(root.kid("compressed_certificate_message"),
              "compressed_certificate_message: the compressed Certificate message, not "
              "decompressed here");
}

void certificate_status(Node& root) {
  Node* f = root.kid("status_type");
  if (f == nullptr) {
    return;
  }
  f->field.meaning = f->number == 1 ? "ocsp" : "unknown";
  f->field.explanation = "status_type: 1 (ocsp) is the only type defined";
  if (Node* response = root.kid("response")) {
    word_opaque(response,
                "OCSPResponse: the DER OCSP response for the server's certificate (RFC 6960)");
    if (!response->has_error() && response->kids.size() > 1) {
      response->field.meaning = ocsp_response_meaning(response->kids[1].bytes);
    }
  }
  if (Node* body = root.kid("body")) {
    body->field.meaning = "not decoded";
    body->field.explanation = "the response of a status type glasstls does not know";
  }
}

constexpr size_t kRandomLen = 32;

// RFC 8446 section 4.1.3: the last 8 bytes of a ServerHello random that signal a downgrade.
constexpr uint8_t kDowngradeTls12[8] = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01};
constexpr uint8_t kDowngradeTls11[8] = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00};

bool ends_with(ByteView v, const uint8_t (&tail)[8]) {
  return v.size() >= 8 && std::equal(v.end() - 8, v.end(), std::begin(tail));
}

bool is_hrr_random(ByteView v) {
  return v.size() == kRandomLen &&
         std::equal(v.begin(), v.end(), std::begin(msgs::kHelloRetryRequestRandom));
}

void legacy_version(Node& root, bool client) {
  Node* f = root.kid("legacy_version");
  if (f == nullptr) {
    return;
  }
  f->field.meaning = version_name(static_cast<uint16_t>(f->number));
  f->field.explanation =
      client ? "legacy_version: fixed at TLS 1.2 (0x0303); the real versions are in "
               "supported_versions"
             : "legacy_version: fixed at TLS 1.2 (0x0303); the negotiated version is in "
               "supported_versions";
  if (f->number != 0x0303) {
    f->field.explanation += "; a TLS 1.3 peer must send 0x0303 here";
  }
}

void extension_block(Node& root, msgs::ExtensionContext context);

void client_hello(Node& root) {
  legacy_version(root, true);
  if (Node* f = root.kid("random")) {
    f->field.explanation =
        "random: 32 bytes from the client's CSPRNG; they enter the transcript hash and so every "
        "key";
  }
  if (Node* n = root.kid("legacy_session_id")) {
    const ByteView id =
        n->kids.size() > 1 && n->kids[1].field.name != "error" ? n->kids[1].bytes : ByteView{};
    n->field.value = hex(id);
    if (id.size() == 32) {
      n->field.meaning = "middlebox compatibility mode";
      n->field.explanation =
          "legacy_session_id: 32 random bytes for middlebox compatibility mode (RFC 8446 "
          "appendix D.4); the server echoes them";
    } else if (id.empty()) {
      n->field.meaning = "empty";
      n->field.explanation =
          "legacy_session_id: empty, no TLS 1.2 session to resume and no middlebox "
          "compatibility mode";
    } else {
      n->field.explanation =
          "legacy_session_id: a TLS 1.2 session ID (at most 32 bytes); a TLS 1.3 server just "
          "echoes it";
    }
    if (!id.empty()) {
      n->kids[1].field.explanation = "the session ID bytes, echoed by the server";
    }
  }
  if (Node* n = root.kid("cipher_suites")) {
    n->what = "cipher suites";
    n->field.explanation =
        "cipher_suites: the AEAD and hash pairs the client offers, most preferred first";
    n->field.meaning = plural(n->contents() / 2, "suite", "suites");
    for (Node& k : n->kids) {
      if (k.integer && k.field.name != "length") {
        const auto suite = static_cast<CipherSuite>(k.number);
        k.field.meaning = code_name(suite);
        k.field.explanation = code_explanation(suite);
      }
    }
  }
  if (Node* n = root.kid("legacy_compression_methods")) {
    n->what = "compression methods";
    n->field.explanation =
        "legacy_compression_methods: TLS 1.3 requires exactly one byte, 0 (null)";
    const bool only_null =
        n->contents() == 1 && n->kids.size() > 1 && n->kids[1].integer && n->kids[1].number == 0;
    if (only_null) {
      n->field.meaning = "null";
    } else {
      n->field.explanation += "; anything else means a TLS 1.2-or-older client";
    }
    for (Node& k : n->kids) {
      if (!k.integer || k.field.name == "length") {
        continue;
      }
      if (k.number == 0) {
        k.field.meaning = "null";
        k.field.explanation = "null compression: none, the only TLS 1.3 value";
      } else {
        // The CompressionMethod registry: DEFLATE (RFC 3749) and LZS (RFC 3943).
        k.field.meaning = k.number == 1 ? "DEFLATE" : k.number == 64 ? "LZS" : "unknown";
        k.field.explanation = "a compression method TLS 1.3 does not allow";
      }
    }
  }
  extension_block(root, msgs::ExtensionContext::kClientHello);
}

void server_hello(Node& root) {
  legacy_version(root, false);
  bool hrr = false;
  if (Node* f = root.kid("random")) {
    f->field.explanation =
        "random: 32 bytes from the server's CSPRNG; they enter the transcript hash and so every "
        "key";
    if (is_hrr_random(f->bytes)) {
      hrr = true;
      f->field.meaning = "HelloRetryRequest";
      f->field.explanation =
          "random: the fixed value SHA-256(\"HelloRetryRequest\"), which makes this ServerHello "
          "a HelloRetryRequest (RFC 8446 section 4.1.4)";
    } else if (ends_with(f->bytes, kDowngradeTls12)) {
      f->field.meaning = "downgrade sentinel (TLS 1.2)";
      f->field.explanation += "; ends in \"DOWNGRD\\x01\": a TLS 1.3 server negotiated TLS 1.2";
    } else if (ends_with(f->bytes, kDowngradeTls11)) {
      f->field.meaning = "downgrade sentinel (TLS 1.1 or older)";
      f->field.explanation +=
          "; ends in \"DOWNGRD\\x00\": a TLS 1.3 server negotiated TLS 1.1 or older";
    }
  }
  if (hrr) {
    root.field.name = "HelloRetryRequest";
    root.field.explanation =
        "HelloRetryRequest: a ServerHello with the special random; the server asks for a new "
        "ClientHello with different parameters (RFC 8446 section 4.1.4)";
  }
  word_opaque(root.kid("legacy_session_id_echo"),
              "legacy_session_id_echo: the client's legacy_session_id, echoed");
  if (Node* f = root.kid("cipher_suite")) {
    const auto suite = static_cast<CipherSuite>(f->number);
    f->field.meaning = code_name(suite);
    f->field.explanation = "cipher_suite: the suite the server chose: " + code_explanation(suite);
  }
  if (Node* f = root.kid("legacy_compression_method")) {
    f->field.meaning = f->number == 0 ? "null" : "invalid";
    f->field.explanation = "legacy_compression_method: must be 0 (null) in TLS 1.3";
    f->broken.clear();
  }
  extension_block(root, hrr ? msgs::ExtensionContext::kHelloRetryRequest
                            : msgs::ExtensionContext::kServerHello);
}

void extension_block(Node& root, msgs::ExtensionContext context) {
  if (Node* block = root.kid("extensions")) {
    describe_extension_block(*block, context);
  }
}

void encrypted_extensions(Node& root) {
  extension_block(root, msgs::ExtensionContext::kEncryptedExtensions);
}

void certificate_request(Node& root) {
  word_opaque(root.kid("certificate_request_context"),
              "certificate_request_context: chosen by the server, echoed in the client's "
              "Certificate; empty during the handshake");
  extension_block(root, msgs::ExtensionContext::kCertificateRequest);
}

std::string duration(uint32_t seconds) {
  if (seconds == 0) {
    return "0 seconds: do not use the ticket for resumption";
  }
  struct Unit {
    uint32_t size;
    std::string_view one;
    std::string_view many;
  };
  static constexpr Unit kUnits[] = {{86400, "day", "days"},
                                    {3600, "hour", "hours"},
                                    {60, "minute", "minutes"},
                                    {1, "second", "seconds"}};
  std::string out;
  for (const Unit& u : kUnits) {
    if (seconds >= u.size) {
      if (!out.empty()) {
        out += ", ";
      }
      out += plural(seconds / u.size, u.one, u.many);
      seconds %= u.size;
    }
  }
  return out;
}

void certificate_entry(Node& entry, size_t index) {
  entry.field.explanation = index == 0
                                ? "CertificateEntry: the end-entity certificate and its extensions"
                                : "CertificateEntry: a CA certificate and its extensions";
  if (Node* n = entry.kid("cert_data")) {
    n->what = "DER certificate";
    const bool whole = !n->has_error();
    const ByteView der =
        n->kids.size() > 1 && n->kids[1].field.name != "error" ? n->kids[1].bytes : ByteView{};
    n->field.value = hex_prefix(der, 16);
    n->field.explanation = index == 0 ? "cert_data: the end-entity certificate, DER X.509"
                                      : "cert_data: a certificate that certifies the previous "
                                        "one, DER X.509";
    if (!der.empty()) {
      if (whole) {
        Result<x509::Certificate> cert = x509::parse_certificate(der);
        n->field.meaning = cert.ok() ? "subject: " + x509::name_to_string(cert->subject)
                                     : "not a well-formed X.509 certificate";
      }
      Node& leaf = n->kids[1];
      leaf.field.value = n->field.value;
      leaf.field.meaning = n->field.meaning;
      leaf.field.explanation = "the DER-encoded X.509 certificate (RFC 5280)";
    }
  }
  if (Node* block = entry.kid("extensions")) {
    describe_extension_block(*block, msgs::ExtensionContext::kCertificate);
  }
  if (!entry.kids.empty() && !entry.kids.front().field.meaning.empty()) {
    entry.field.meaning = entry.kids.front().field.meaning;
  }
}

void certificate(Node& root) {
  word_opaque(root.kid("certificate_request_context"),
              "certificate_request_context: empty in the server's Certificate; a client echoes "
              "the context of the CertificateRequest");
  Node* list = root.kid("certificate_list");
  if (list == nullptr) {
    return;
  }
  list->what = "certificate entries";
  list->field.explanation =
      "certificate_list: the sender's certificate first, then each certificate certifying the "
      "one before";
  size_t n = 0;
  for (Node& k : list->kids) {
    if (k.is_node) {
      certificate_entry(k, n);
      n++;
    }
  }
  list->field.meaning = plural(n, "certificate", "certificates");
  if (n == 0) {
    list->field.explanation += "; empty: the client has no certificate to send";
  }
}

void new_session_ticket(Node& root) {
  constexpr uint32_t kMaxTicketLifetime = 604800;
  if (Node* f = root.kid("ticket_lifetime")) {
    f->field.meaning = duration(f->number);
    f->field.explanation =
        "ticket_lifetime: seconds the ticket may be used, at most 604800 (7 days)";
    if (f->number > kMaxTicketLifetime) {
      f->field.explanation +=
          "; invalid: longer than 7 days, a client aborts with illegal_parameter";
    }
  }
  if (Node* f = root.kid("ticket_age_add")) {
    f->field.meaning = code(f->number, 8);
    f->field.explanation =
        "ticket_age_add: random value the client adds (mod 2^32) to the ticket age it reports, "
        "hiding the real age";
  }
  word_opaque(root.kid("ticket_nonce"),
              "ticket_nonce: makes each ticket's PSK unique: HKDF-Expand-Label(resumption_secret, "
              "\"resumption\", ticket_nonce)");
  word_opaque(root.kid("ticket"),
              "ticket: opaque label for the PSK; the client sends it back as a PSK identity");
  extension_block(root, msgs::ExtensionContext::kNewSessionTicket);
}

}  // namespace

void describe_message(Node& root) {
  Node* type_field = root.kid("msg_type");
  if (type_field == nullptr) {
    return;
  }
  const auto type = static_cast<HandshakeType>(type_field->number);
  const std::string type_name(name(type));
  type_field->field.meaning =
      type_name.empty() ? "unknown (" + dec(type_field->number) + ")" : type_name;
  type_field->field.explanation = "msg_type: which handshake message follows (RFC 8446 section 4)";
  root.field.name = msgs::handshake_message_name(type);
  if (!type_name.empty()) {
    root.field.meaning = type_name;
    root.field.explanation = std::string(explain(type));
  } else {
    root.field.explanation =
        "a handshake message type glasstls does not know (TLS 1.2 or unassigned)";
  }
  Node* length = root.kid("length");
  if (length == nullptr) {
    return;
  }
  length->field.explanation = plural(length->number, "byte", "bytes") + " of message body " +
                              (length->number == 1 ? "follows" : "follow");
  switch (type) {
    case HandshakeType::client_hello: client_hello(root); break;
    case HandshakeType::server_hello: server_hello(root); break;
    case HandshakeType::certificate: certificate(root); break;
    case HandshakeType::certificate_verify: certificate_verify(root); break;
    case HandshakeType::finished: finished(root); break;
    case HandshakeType::key_update: key_update(root); break;
    case HandshakeType::encrypted_extensions: encrypted_extensions(root); break;
    case HandshakeType::certificate_request: certificate_request(root); break;
    case HandshakeType::new_session_ticket: new_session_ticket(root); break;
    case HandshakeType::message_hash: message_hash(root); break;
    case HandshakeType::compressed_certificate: compressed_certificate(root); break;
    case HandshakeType::certificate_status: certificate_status(root); break;
    default: break;
  }
  if (Node* body = root.kid("body"); body != nullptr && type != HandshakeType::certificate_status) {
    body->field.meaning = "not decoded";
    body->field.explanation =
        type_name.empty()
            ? "the body of a handshake message type glasstls does not know (TLS 1.2 or "
              "unassigned)"
            : "the body of a message TLS 1.3 does not use; glasstls does not decode it";
  }
}

}  // namespace glasstls::annotate
