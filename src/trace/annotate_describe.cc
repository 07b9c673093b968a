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

void signature_algorithm(Node* f) {
  if (f != nullptr) {
    const auto scheme = static_cast<SignatureScheme>(f->number);
    f->field.meaning = code_name(scheme);
    f->field.explanation = "algorithm: the signature scheme used: " + code_explanation(scheme);
  }
}

void certificate_verify(Node& root, bool tls12) {
  signature_algorithm(root.kid("algorithm"));
  word_opaque(root.kid("signature"),
              tls12 ? "signature: over every handshake message so far, the client's proof that "
                      "it holds its certificate's private key (RFC 5246 section 7.4.8)"
                    : "signature: over 64 spaces, a context string naming the signer's role, a "
                      "zero byte and the transcript hash");
}

void finished(Node& root, bool tls12) {
  if (Node* f = root.kid("verify_data")) {
    const size_t n = f->bytes.size();
    if (tls12) {
      f->field.meaning = n == 12 ? "12 bytes" : "unexpected length";
      f->field.explanation =
          "verify_data: PRF(master_secret, \"client finished\" or \"server finished\", "
          "Hash(handshake_messages)), 12 bytes (RFC 5246 section 7.4.9)";
      return;
    }
    f->field.meaning = n == 32   ? "32 bytes: SHA-256 suites"
                       : n == 48 ? "48 bytes: SHA-384 suites"
                                 : "unexpected length";
    f->field.explanation =
        "verify_data: HMAC over the transcript hash with the finished key (RFC 8446 section "
        "4.4.4)";
  }
}

// The TLS 1.2 messages of RFC 5246 section 7.4, RFC 8422 section 5 and RFC 6066 section 8.

void server_key_exchange(Node& root) {
  root.field.explanation =
      "ServerKeyExchange: the server's ephemeral key exchange parameters, signed with its "
      "certificate's key (RFC 5246 section 7.4.3)";
  if (Node* params = root.kid("params")) {
    const bool ecdhe = params->kid("curve_type") != nullptr;
    params->field.explanation =
        ecdhe ? "ServerECDHParams: the curve and the server's ephemeral public point (RFC 8422 "
                "section 5.4); the signature covers client_random || server_random || these "
                "bytes"
              : "ServerDHParams: the finite-field group (p, g) and the server's ephemeral "
                "public value (RFC 5246 section 7.4.3); the signature covers client_random || "
                "server_random || these bytes";
    params->field.meaning = "signed";
    if (Node* f = params->kid("curve_type")) {
      f->field.meaning = f->number == 3 ? "named_curve" : "deprecated or unknown";
      f->field.explanation =
          "curve_type: named_curve (3) is the only type left; the explicit curves (1, 2) are "
          "deprecated and a client aborts";
      f->broken.clear();
    }
    if (Node* f = params->kid("parameters")) {
      f->field.meaning = "not decoded";
      f->field.explanation =
          "the parameters of a curve type glasstls does not read; a client aborts with "
          "illegal_parameter";
    }
    if (Node* f = params->kid("namedcurve")) {
      const auto group = static_cast<NamedGroup>(f->number);
      f->field.meaning = code_name(group);
      f->field.explanation =
          "namedcurve: the group the server chose from the client's supported_groups: " +
          code_explanation(group);
      params->field.meaning = "signed: " + code_name(group);
    }
    word_opaque(params->kid("public"),
                "public: the server's ephemeral ECDH public key (an uncompressed point, or an "
                "X25519/X448 u-coordinate)");
    if (Node* p = params->kid("dh_p")) {
      word_opaque(p, "dh_p: the prime modulus of the Diffie-Hellman group");
      p->field.meaning = dec(contents(*p).size() * 8) + "-bit field";
      params->field.meaning = "signed: " + p->field.meaning + " DH group";
    }
    word_opaque(params->kid("dh_g"), "dh_g: the generator of the Diffie-Hellman group");
    word_opaque(params->kid("dh_Ys"),
                "dh_Ys: the server's ephemeral Diffie-Hellman public value, g^X mod p");
  }
  if (Node* sig = root.kid("signed_params")) {
    sig->field.explanation =
        "signed_params: a DigitallySigned: the scheme, then the signature over client_random "
        "|| server_random || params, which ties the parameters to this handshake and to the "
        "certificate's key";
    signature_algorithm(sig->kid("algorithm"));
    word_opaque(sig->kid("signature"),
                "signature: over client_random || server_random || params, with the private key "
                "of the server's certificate");
  }
}

void client_key_exchange(Node& root) {
  root.field.explanation =
      "ClientKeyExchange: the client's ephemeral public value; with the server's it gives the "
      "premaster secret, from which the master secret and the keys come (RFC 5246 section 8.1)";
  word_opaque(root.kid("ecdh_Yc"),
              "ecdh_Yc: the client's ephemeral ECDH public key, on the curve of the "
              "ServerKeyExchange (RFC 8422 section 5.7)");
  word_opaque(root.kid("dh_Yc"),
              "dh_Yc: the client's ephemeral Diffie-Hellman public value, g^X mod p, in the "
              "group of the ServerKeyExchange (RFC 5246 section 7.4.7.2)");
}

void tls12_certificate(Node& root) {
  Node* list = root.kid("certificate_list");
  if (list == nullptr) {
    return;
  }
  list->what = "certificates";
  list->field.explanation =
      "certificate_list: the sender's certificate first, then each certificate certifying the "
      "one before (RFC 5246 section 7.4.2); no extensions in TLS 1.2";
  size_t n = 0;
  size_t budget = kCertificateViewMaxFields;
  for (Node& k : list->kids) {
    if (!k.is_node) {
      continue;
    }
    k.what = "DER certificate";
    const ByteView der = contents(k);
    k.field.value = hex_prefix(der, 16);
    k.field.explanation = n == 0 ? "ASN.1Cert: the end-entity certificate, DER X.509"
                                 : "ASN.1Cert: a certificate that certifies the previous one, "
                                   "DER X.509";
    if (!der.empty() && !k.has_error()) {
      Result<x509::Certificate> cert = x509::parse_certificate(der);
      k.field.meaning = cert.ok() ? "subject: " + x509::name_to_string(cert->subject)
                                  : "not a well-formed X.509 certificate";
    }
    if (k.kids.size() > 1 && k.kids[1].field.name != "error") {
      k.kids[1].field.value = k.field.value;
      k.kids[1].field.meaning = k.field.meaning;
      k.kids[1].field.explanation = "the DER-encoded X.509 certificate (RFC 5280)";
      decode_certificate(k.kids[1].field, der, budget);
    }
    n++;
  }
  list->field.meaning = plural(n, "certificate", "certificates");
  if (n == 0) {
    list->field.explanation += "; empty: the client has no certificate to send";
  }
}

void tls12_certificate_request(Node& root) {
  root.field.explanation =
      "CertificateRequest: the server asks the client for a certificate (RFC 5246 section "
      "7.4.4)";
  if (Node* types = root.kid("certificate_types")) {
    types->what = "certificate types";
    types->field.explanation =
        "certificate_types: the kinds of key the client's certificate may hold";
    //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.4
    //# enum {
    //#     rsa_sign(1), dss_sign(2), rsa_fixed_dh(3), dss_fixed_dh(4),
    //#     rsa_ephemeral_dh_RESERVED(5), dss_ephemeral_dh_RESERVED(6),
    //#     fortezza_dms_RESERVED(20), (255)
    //# } ClientCertificateType;
    word_items(*types, [](uint32_t t, TraceField& f) {
      f.meaning = t == 1    ? "rsa_sign"
                  : t == 2  ? "dss_sign"
                  : t == 3  ? "rsa_fixed_dh"
                  : t == 4  ? "dss_fixed_dh"
                  : t == 64 ? "ecdsa_sign"
                  : t == 65 ? "rsa_fixed_ecdh"
                  : t == 66 ? "ecdsa_fixed_ecdh"
                            : "unknown";
      f.explanation = "ClientCertificateType (RFC 5246 section 7.4.4, RFC 8422 section 5.5)";
    });
  }
  if (Node* algs = root.kid("supported_signature_algorithms")) {
    algs->what = "signature algorithms";
    algs->field.explanation =
        "supported_signature_algorithms: the schemes the server can verify the client's "
        "CertificateVerify with, most preferred first";
    algs->field.meaning = plural(algs->contents() / 2, "scheme", "schemes");
    word_items(*algs, [](uint32_t v, TraceField& f) {
      const auto scheme = static_cast<SignatureScheme>(v);
      f.meaning = code_name(scheme);
      f.explanation = code_explanation(scheme);
    });
  }
  if (Node* cas = root.kid("certificate_authorities")) {
    cas->what = "distinguished names";
    cas->field.explanation =
        "certificate_authorities: the DER names of the CAs the server accepts; empty: any";
    size_t budget = kCertificateViewMaxFields;
    for (Node& k : cas->kids) {
      if (k.is_node) {
        word_opaque(&k, "DistinguishedName: a DER X.501 name of an acceptable CA");
        if (k.kids.size() > 1 && k.kids[1].field.name != "error") {
          decode_distinguished_name(k.kids[1].field, contents(k), budget);
        }
      }
    }
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
  if (Node* request = root.kid("request")) {
    request->field.meaning = "not decoded";
    request->field.explanation =
        "the response of a status type glasstls does not know; a client aborts with "
        "illegal_parameter";
  }
  f->broken.clear();
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

// has_supported_versions says whether the extension block of `root` holds supported_versions.
bool has_supported_versions(Node& root) {
  Node* block = root.kid("extensions");
  if (block == nullptr) {
    return false;
  }
  for (Node& e : block->kids) {
    if (Node* type = e.kid("extension_type");
        type != nullptr &&
        type->number == static_cast<uint16_t>(ExtensionType::supported_versions)) {
      return true;
    }
  }
  return false;
}

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
    if (!id.empty() && !has_supported_versions(root)) {
      // A TLS 1.2 ClientHello: a session ID asks to resume that session.
      n->field.meaning = "a TLS 1.2 session to resume";
      n->field.explanation =
          "legacy_session_id: the ID of a TLS 1.2 session the client asks to resume (RFC 5246 "
          "section 7.4.1.2), or an ID of its own beside a session ticket; a server that resumes "
          "the session echoes it";
    } else if (id.size() == 32) {
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
  if (Node* f = root.kid("legacy_version"); f != nullptr && !has_supported_versions(root)) {
    // RFC 8446 section 4.1.3: without supported_versions, legacy_version is the version chosen.
    f->field.explanation =
        "legacy_version: without supported_versions, the version the server chose (TLS 1.2 or "
        "older: not TLS 1.3)";
  }
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
              has_supported_versions(root) || hrr
                  ? "legacy_session_id_echo: the client's legacy_session_id, echoed"
                  : "session_id: in TLS 1.2, the client's session ID echoed when the server "
                    "resumes that session (the abbreviated handshake follows), else the ID of "
                    "the new session (empty: it will not be resumed)");
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

void certificate_entry(Node& entry, size_t index, size_t& budget) {
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
      decode_certificate(leaf.field, der, budget);
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
  size_t budget = kCertificateViewMaxFields;
  for (Node& k : list->kids) {
    if (k.is_node) {
      certificate_entry(k, n, budget);
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

void tls12_new_session_ticket(Node& root) {
  root.field.explanation =
      "NewSessionTicket: a TLS 1.2 session ticket, the session state sealed by the server for "
      "the client to present in a later ClientHello (RFC 5077 section 3.3)";
  if (Node* f = root.kid("ticket_lifetime_hint")) {
    f->field.meaning = f->number == 0 ? "unspecified" : duration(f->number);
    f->field.explanation =
        "ticket_lifetime_hint: how long the client should keep the ticket, in seconds";
  }
  word_opaque(root.kid("ticket"),
              "ticket: opaque to the client, which sends it back in a session_ticket extension");
}

}  // namespace

void describe_message(Node& root, const msgs::WalkContext& context) {
  const bool tls12 = context.version != ProtocolVersion::TLSv1_3;
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
    case HandshakeType::certificate:
      if (tls12) {
        tls12_certificate(root);
      } else {
        certificate(root);
      }
      break;
    case HandshakeType::certificate_verify: certificate_verify(root, tls12); break;
    case HandshakeType::finished: finished(root, tls12); break;
    case HandshakeType::server_key_exchange: server_key_exchange(root); break;
    case HandshakeType::client_key_exchange: client_key_exchange(root); break;
    case HandshakeType::key_update: key_update(root); break;
    case HandshakeType::encrypted_extensions: encrypted_extensions(root); break;
    case HandshakeType::certificate_request:
      if (tls12) {
        tls12_certificate_request(root);
      } else {
        certificate_request(root);
      }
      break;
    case HandshakeType::new_session_ticket:
      if (tls12) {
        tls12_new_session_ticket(root);
      } else {
        new_session_ticket(root);
      }
      break;
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
        : type == HandshakeType::server_key_exchange || type == HandshakeType::client_key_exchange
            ? "a TLS 1.2 key exchange message, whose layout depends on the suite's key "
              "exchange, which was not known here"
            : "the body of a message TLS 1.3 does not use; glasstls does not decode it";
  }
}

}  // namespace glasstls::annotate
