// annotate.cc: handshake messages, record headers and alerts as annotated field trees.
//
// Each message is walked in the order of its RFC 8446 struct, one field per node, with byte
// offsets from the start of the message (header included). Names, meanings and explanations of
// code points come from iana.def through name() and explain(), the tables the parser uses; the
// extension rules come from msgs::extension_allowed. See trace/annotate_internal.h for how
// malformed bytes are shown.
#include <algorithm>
#include <iterator>

#include "msgs/walk.h"
#include "trace/annotate_internal.h"
#include "trace/annotate_tree.h"
#include "x509/certificate.h"

namespace glasstls {
namespace annotate {
namespace {

constexpr size_t kRandomLen = 32;
constexpr uint32_t kMaxTicketLifetime = 604800;

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

// message_name is the struct name of a handshake message: the text before the colon of its
// iana.def explanation ("ClientHello: the client's offer").
std::string message_name(HandshakeType type) {
  std::string_view e = explain(type);
  const size_t colon = e.find(':');
  if (e.empty() || colon == std::string_view::npos) {
    return "handshake message";
  }
  return std::string(e.substr(0, colon));
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

class Messages {
 public:
  explicit Messages(Annotator& a) : a_(a) {}

  void body(HandshakeType type, Cursor& c, TraceField& root);

 private:
  void legacy_version(Cursor& c, Fields& out, bool client);
  void client_hello(Cursor& c, Fields& out);
  void server_hello(Cursor& c, TraceField& root);
  void encrypted_extensions(Cursor& c, Fields& out);
  void certificate_request(Cursor& c, Fields& out);
  void certificate(Cursor& c, Fields& out);
  void certificate_entry(Cursor& c, Fields& out, size_t index);
  void certificate_verify(Cursor& c, Fields& out);
  void finished(Cursor& c, Fields& out);
  void new_session_ticket(Cursor& c, Fields& out);
  void key_update(Cursor& c, Fields& out);
  void message_hash(Cursor& c, Fields& out);
  void compressed_certificate(Cursor& c, Fields& out);
  void certificate_status(Cursor& c, Fields& out);
  void not_decoded(Cursor& c, Fields& out, std::string_view what);

  Annotator& a_;
};

void Messages::legacy_version(Cursor& c, Fields& out, bool client) {
  uint32_t v = 0;
  TraceField* f = a_.number(c, out, 2, "legacy_version", v, true);
  if (f == nullptr) {
    return;
  }
  f->meaning = version_name(static_cast<uint16_t>(v));
  f->explanation = client ? "legacy_version: fixed at TLS 1.2 (0x0303); the real versions are "
                            "in supported_versions"
                          : "legacy_version: fixed at TLS 1.2 (0x0303); the negotiated version "
                            "is in supported_versions";
  if (v != 0x0303) {
    f->explanation += "; a TLS 1.3 peer must send 0x0303 here";
  }
}

void Messages::client_hello(Cursor& c, Fields& out) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
  //# struct {
  //#     ProtocolVersion legacy_version = 0x0303;    /* TLS v1.2 */
  //#     Random random;
  //#     opaque legacy_session_id<0..32>;
  //#     CipherSuite cipher_suites<2..2^16-2>;
  //#     opaque legacy_compression_methods<1..2^8-1>;
  //#     Extension extensions<8..2^16-1>;
  //# } ClientHello;
  legacy_version(c, out, true);
  const size_t at = c.pos();
  if (a_.need(c, out, kRandomLen, "random")) {
    out.push_back(leaf("random", at, kRandomLen, hex(c.take(kRandomLen)), "",
                       "random: 32 bytes from the client's CSPRNG; they enter the transcript "
                       "hash and so every key"));
  }
  a_.vector(c, out, 1, "legacy_session_id", "legacy_session_id",
            [&](Cursor& inner, TraceField& node) {
              const size_t id_at = inner.pos();
              const ByteView id = inner.take(inner.remaining());
              node.value = hex(id);
              if (id.size() == 32) {
                node.meaning = "middlebox compatibility mode";
                node.explanation =
                    "legacy_session_id: 32 random bytes for middlebox compatibility mode "
                    "(RFC 8446 appendix D.4); the server echoes them";
              } else if (id.empty()) {
                node.meaning = "empty";
                node.explanation =
                    "legacy_session_id: empty, no TLS 1.2 session to resume and no middlebox "
                    "compatibility mode";
              } else {
                node.explanation =
                    "legacy_session_id: a TLS 1.2 session ID (at most 32 bytes); a TLS 1.3 "
                    "server just echoes it";
              }
              bounds_note(node, id.size(), 0, 32);
              if (!id.empty()) {
                node.children.push_back(leaf("session_id", id_at, id.size(), hex(id), "",
                                             "the session ID bytes, echoed by the server"));
              }
            });
  a_.vector(c, out, 2, "cipher_suites", "cipher suites", [&](Cursor& inner, TraceField& node) {
    node.explanation =
        "cipher_suites: the AEAD and hash pairs the client offers, most preferred first";
    bounds_note(node, inner.remaining(), 2, 0xfffe);
    node.meaning = plural(inner.remaining() / 2, "suite", "suites");
    a_.items(inner, node.children, 2, "cipher_suites", [](uint32_t v, TraceField& f) {
      const auto suite = static_cast<CipherSuite>(v);
      f.meaning = code_name(suite);
      f.explanation = code_explanation(suite);
    });
  });
  a_.vector(c, out, 1, "legacy_compression_methods", "compression methods",
            [&](Cursor& inner, TraceField& node) {
              node.explanation =
                  "legacy_compression_methods: TLS 1.3 requires exactly one byte, 0 (null)";
              const bool only_null = inner.remaining() == 1 && inner.rest()[0] == 0;
              if (only_null) {
                node.meaning = "null";
              } else {
                node.explanation += "; anything else means a TLS 1.2-or-older client";
              }
              bounds_note(node, inner.remaining(), 1, 255);
              a_.items(inner, node.children, 1, "legacy_compression_methods",
                       [](uint32_t v, TraceField& f) {
                         if (v == 0) {
                           f.meaning = "null";
                           f.explanation = "null compression: none, the only TLS 1.3 value";
                         } else {
                           // The CompressionMethod registry: DEFLATE (RFC 3749) and
                           // LZS (RFC 3943).
                           f.meaning = v == 1 ? "DEFLATE" : v == 64 ? "LZS" : "unknown";
                           f.explanation = "a compression method TLS 1.3 does not allow";
                         }
                       });
            });
  a_.extensions(c, out, msgs::ExtensionContext::kClientHello, true);
}

void Messages::server_hello(Cursor& c, TraceField& root) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
  //# struct {
  //#     ProtocolVersion legacy_version = 0x0303;    /* TLS v1.2 */
  //#     Random random;
  //#     opaque legacy_session_id_echo<0..32>;
  //#     CipherSuite cipher_suite;
  //#     uint8 legacy_compression_method = 0;
  //#     Extension extensions<6..2^16-1>;
  //# } ServerHello;
  Fields& out = root.children;
  legacy_version(c, out, false);
  const size_t at = c.pos();
  bool hrr = false;
  if (a_.need(c, out, kRandomLen, "random")) {
    const ByteView random = c.take(kRandomLen);
    TraceField f = leaf("random", at, kRandomLen, hex(random), "",
                        "random: 32 bytes from the server's CSPRNG; they enter the transcript "
                        "hash and so every key");
    if (is_hrr_random(random)) {
      hrr = true;
      f.meaning = "HelloRetryRequest";
      f.explanation =
          "random: the fixed value SHA-256(\"HelloRetryRequest\"), which makes this "
          "ServerHello a HelloRetryRequest (RFC 8446 section 4.1.4)";
    } else if (ends_with(random, kDowngradeTls12)) {
      f.meaning = "downgrade sentinel (TLS 1.2)";
      f.explanation += "; ends in \"DOWNGRD\\x01\": a TLS 1.3 server negotiated TLS 1.2";
    } else if (ends_with(random, kDowngradeTls11)) {
      f.meaning = "downgrade sentinel (TLS 1.1 or older)";
      f.explanation += "; ends in \"DOWNGRD\\x00\": a TLS 1.3 server negotiated TLS 1.1 or older";
    }
    out.push_back(std::move(f));
  }
  if (hrr) {
    root.name = "HelloRetryRequest";
    root.explanation =
        "HelloRetryRequest: a ServerHello with the special random; the server asks for a new "
        "ClientHello with different parameters (RFC 8446 section 4.1.4)";
  }
  a_.opaque(c, out, 1, "legacy_session_id_echo", "session_id",
            "legacy_session_id_echo: the client's legacy_session_id, echoed", 0, 32);
  uint32_t v = 0;
  if (TraceField* f = a_.number(c, out, 2, "cipher_suite", v, true)) {
    const auto suite = static_cast<CipherSuite>(v);
    f->meaning = code_name(suite);
    f->explanation = "cipher_suite: the suite the server chose: " + code_explanation(suite);
  }
  if (TraceField* f = a_.number(c, out, 1, "legacy_compression_method", v, true)) {
    f->meaning = v == 0 ? "null" : "invalid";
    f->explanation = "legacy_compression_method: must be 0 (null) in TLS 1.3";
  }
  a_.extensions(
      c, out,
      hrr ? msgs::ExtensionContext::kHelloRetryRequest : msgs::ExtensionContext::kServerHello,
      true);
}

void Messages::encrypted_extensions(Cursor& c, Fields& out) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.1
  //# struct {
  //#     Extension extensions<0..2^16-1>;
  //# } EncryptedExtensions;
  a_.extensions(c, out, msgs::ExtensionContext::kEncryptedExtensions, false);
}

void Messages::certificate_request(Cursor& c, Fields& out) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
  //# struct {
  //#     opaque certificate_request_context<0..2^8-1>;
  //#     Extension extensions<2..2^16-1>;
  //# } CertificateRequest;
  a_.opaque(c, out, 1, "certificate_request_context", "context",
            "certificate_request_context: chosen by the server, echoed in the client's "
            "Certificate; empty during the handshake",
            0, 255);
  a_.extensions(c, out, msgs::ExtensionContext::kCertificateRequest, false);
}

void Messages::certificate(Cursor& c, Fields& out) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
  //# struct {
  //#     opaque certificate_request_context<0..2^8-1>;
  //#     CertificateEntry certificate_list<0..2^24-1>;
  //# } Certificate;
  a_.opaque(c, out, 1, "certificate_request_context", "context",
            "certificate_request_context: empty in the server's Certificate; a client echoes "
            "the context of the CertificateRequest",
            0, 255);
  a_.vector(c, out, 3, "certificate_list", "certificate entries",
            [&](Cursor& inner, TraceField& node) {
              node.explanation =
                  "certificate_list: the sender's certificate first, then each certificate "
                  "certifying the one before";
              size_t n = 0;
              while (!inner.empty()) {
                certificate_entry(inner, node.children, n);
                n++;
              }
              node.meaning = plural(n, "certificate", "certificates");
              if (n == 0) {
                node.explanation += "; empty: the client has no certificate to send";
              }
            });
}

void Messages::certificate_entry(Cursor& c, Fields& out, size_t index) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
  //# struct {
  //#     select (certificate_type) {
  //#         case RawPublicKey:
  //#           /* From RFC 7250 ASN.1_subjectPublicKeyInfo */
  //#           opaque ASN1_subjectPublicKeyInfo<1..2^24-1>;
  //#
  //#         case X509:
  //#           opaque cert_data<1..2^24-1>;
  //#     };
  //#     Extension extensions<0..2^16-1>;
  //# } CertificateEntry;
  TraceField entry = leaf("certificate_list[" + dec(index) + "]", c.pos(), 0, "", "",
                          index == 0 ? "CertificateEntry: the end-entity certificate and its "
                                       "extensions"
                                     : "CertificateEntry: a CA certificate and its extensions");
  const size_t start = c.pos();
  a_.vector(
      c, entry.children, 3, "cert_data", "DER certificate", [&](Cursor& inner, TraceField& node) {
        const size_t at = inner.pos();
        const bool whole = !a_.in_truncated_vector();
        const ByteView der = inner.take(inner.remaining());
        node.value = hex_prefix(der, 16);
        node.explanation = index == 0 ? "cert_data: the end-entity certificate, DER X.509"
                                      : "cert_data: a certificate that certifies the "
                                        "previous one, DER X.509";
        bounds_note(node, der.size(), 1, 0xffffff);
        if (der.empty()) {
          return;
        }
        std::string subject;
        if (whole) {
          Result<x509::Certificate> cert = x509::parse_certificate(der);
          if (cert.ok()) {
            subject = x509::name_to_string(cert->subject);
            node.meaning = "subject: " + subject;
          } else {
            node.meaning = "not a well-formed X.509 certificate";
          }
        }
        node.children.push_back(leaf("certificate", at, der.size(), hex_prefix(der, 16),
                                     node.meaning, "the DER-encoded X.509 certificate (RFC 5280)"));
      });
  // After an error that used up the list, this adds nothing (see Annotator::fail).
  a_.extensions(c, entry.children, msgs::ExtensionContext::kCertificate, false);
  entry.length = c.pos() - start;
  if (!entry.children.empty() && !entry.children.front().meaning.empty()) {
    entry.meaning = entry.children.front().meaning;
  }
  out.push_back(std::move(entry));
}

void Messages::certificate_verify(Cursor& c, Fields& out) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
  //# struct {
  //#     SignatureScheme algorithm;
  //#     opaque signature<0..2^16-1>;
  //# } CertificateVerify;
  uint32_t v = 0;
  if (TraceField* f = a_.number(c, out, 2, "algorithm", v, true)) {
    const auto scheme = static_cast<SignatureScheme>(v);
    f->meaning = code_name(scheme);
    f->explanation = "algorithm: the signature scheme used: " + code_explanation(scheme);
  }
  a_.opaque(c, out, 2, "signature", "signature",
            "signature: over 64 spaces, a context string naming the signer's role, a zero byte "
            "and the transcript hash",
            1, 0xffff);
}

void Messages::finished(Cursor& c, Fields& out) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4
  //# struct {
  //#     opaque verify_data[Hash.length];
  //# } Finished;
  const size_t at = c.pos();
  const ByteView data = c.take(c.remaining());
  if (data.empty()) {
    a_.fail(c, out, "Finished has no verify_data");
    return;
  }
  std::string meaning = data.size() == 32   ? "32 bytes: SHA-256 suites"
                        : data.size() == 48 ? "48 bytes: SHA-384 suites"
                                            : "unexpected length";
  out.push_back(leaf("verify_data", at, data.size(), hex(data), std::move(meaning),
                     "verify_data: HMAC over the transcript hash with the finished key "
                     "(RFC 8446 section 4.4.4)"));
}

void Messages::new_session_ticket(Cursor& c, Fields& out) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
  //# struct {
  //#     uint32 ticket_lifetime;
  //#     uint32 ticket_age_add;
  //#     opaque ticket_nonce<0..255>;
  //#     opaque ticket<1..2^16-1>;
  //#     Extension extensions<0..2^16-2>;
  //# } NewSessionTicket;
  uint32_t v = 0;
  if (TraceField* f = a_.number(c, out, 4, "ticket_lifetime", v, false)) {
    f->meaning = duration(v);
    f->explanation = "ticket_lifetime: seconds the ticket may be used, at most 604800 (7 days)";
    if (v > kMaxTicketLifetime) {
      f->explanation += "; invalid: longer than 7 days, a client aborts with illegal_parameter";
    }
  }
  if (TraceField* f = a_.number(c, out, 4, "ticket_age_add", v, false)) {
    f->meaning = code(v, 8);
    f->explanation =
        "ticket_age_add: random value the client adds (mod 2^32) to the ticket age it reports, "
        "hiding the real age";
  }
  a_.opaque(c, out, 1, "ticket_nonce", "nonce",
            "ticket_nonce: makes each ticket's PSK unique: HKDF-Expand-Label(resumption_secret, "
            "\"resumption\", ticket_nonce)",
            0, 255);
  a_.opaque(c, out, 2, "ticket", "ticket",
            "ticket: opaque label for the PSK; the client sends it back as a PSK identity", 1,
            0xffff);
  a_.extensions(c, out, msgs::ExtensionContext::kNewSessionTicket, false);
}

void Messages::key_update(Cursor& c, Fields& out) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
  //# enum {
  //#     update_not_requested(0), update_requested(1), (255)
  //# } KeyUpdateRequest;
  uint32_t v = 0;
  if (TraceField* f = a_.number(c, out, 1, "request_update", v, false)) {
    f->meaning = v == 0 ? "update_not_requested" : v == 1 ? "update_requested" : "invalid";
    f->explanation = "request_update: whether the receiver must answer with a KeyUpdate of its own";
    if (v > 1) {
      f->explanation += "; only 0 and 1 are defined, a receiver aborts with illegal_parameter";
    }
  }
}

void Messages::message_hash(Cursor& c, Fields& out) {
  const size_t at = c.pos();
  const ByteView hash = c.take(c.remaining());
  if (hash.empty()) {
    a_.fail(c, out, "message_hash has no hash");
    return;
  }
  out.push_back(leaf("hash", at, hash.size(), hex(hash), "Hash(ClientHello1)",
                     "the hash of the first ClientHello, which stands in for it in the "
                     "transcript after a HelloRetryRequest (RFC 8446 section 4.4.1)"));
}

void Messages::compressed_certificate(Cursor& c, Fields& out) {
  //= https://www.rfc-editor.org/rfc/rfc8879#section-4
  //# struct {
  //#      CertificateCompressionAlgorithm algorithm;
  //#      uint24 uncompressed_length;
  //#      opaque compressed_certificate_message<1..2^24-1>;
  //# } CompressedCertificate;
  uint32_t v = 0;
  if (TraceField* f = a_.number(c, out, 2, "algorithm", v, true)) {
    f->meaning = certificate_compression_name(v);
    f->explanation =
        "algorithm: how the Certificate message is compressed; one the receiver offered in "
        "compress_certificate";
  }
  if (TraceField* f = a_.number(c, out, 3, "uncompressed_length", v, false)) {
    f->meaning = plural(v, "byte", "bytes");
    f->explanation = "uncompressed_length: the size of the Certificate message once decompressed";
  }
  a_.opaque(c, out, 3, "compressed_certificate_message", "compressed",
            "compressed_certificate_message: the compressed Certificate message, not "
            "decompressed here",
            1, 0xffffff);
}

void Messages::certificate_status(Cursor& c, Fields& out) {
  //= https://www.rfc-editor.org/rfc/rfc6066#section-8
  //# struct {
  //#     CertificateStatusType status_type;
  //#     select (status_type) {
  //#         case ocsp: OCSPResponse;
  //#     } response;
  //# } CertificateStatus;
  //#
  //# opaque OCSPResponse<1..2^24-1>;
  uint32_t v = 0;
  TraceField* f = a_.number(c, out, 1, "status_type", v, false);
  if (f == nullptr) {
    return;
  }
  f->meaning = v == 1 ? "ocsp" : "unknown";
  f->explanation = "status_type: 1 (ocsp) is the only type defined";
  if (v == 1) {
    ByteView response;
    if (a_.opaque(c, out, 3, "response", "OCSPResponse",
                  "OCSPResponse: the DER OCSP response for the server's certificate (RFC 6960)", 1,
                  0xffffff, &response)) {
      out.back().meaning = ocsp_response_meaning(response);
    }
  } else {
    not_decoded(c, out, "the response of a status type glasstls does not know");
  }
}

// not_decoded shows the rest of a message body as one field: a TLS 1.2 message that TLS 1.3
// has no use for, whose contents depend on the negotiated key exchange.
void Messages::not_decoded(Cursor& c, Fields& out, std::string_view what) {
  if (c.empty()) {
    return;
  }
  const size_t at = c.pos();
  const ByteView rest = c.take(c.remaining());
  out.push_back(leaf("body", at, rest.size(), hex(rest), "not decoded", std::string(what)));
}

void Messages::body(HandshakeType type, Cursor& c, TraceField& root) {
  Fields& out = root.children;
  switch (type) {
    case HandshakeType::client_hello: client_hello(c, out); break;
    case HandshakeType::server_hello: server_hello(c, root); break;
    case HandshakeType::encrypted_extensions: encrypted_extensions(c, out); break;
    case HandshakeType::certificate_request: certificate_request(c, out); break;
    case HandshakeType::certificate: certificate(c, out); break;
    case HandshakeType::certificate_verify: certificate_verify(c, out); break;
    case HandshakeType::finished: finished(c, out); break;
    case HandshakeType::new_session_ticket: new_session_ticket(c, out); break;
    case HandshakeType::key_update: key_update(c, out); break;
    case HandshakeType::message_hash: message_hash(c, out); break;
    case HandshakeType::end_of_early_data:
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.5
      //# struct {} EndOfEarlyData;
      break;
    case HandshakeType::compressed_certificate: compressed_certificate(c, out); break;
    case HandshakeType::certificate_status: certificate_status(c, out); break;
    case HandshakeType::hello_request:
      //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.1.1
      //# struct { } HelloRequest;
      break;
    case HandshakeType::server_hello_done:
      //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.5
      //# struct { } ServerHelloDone;
      break;
    case HandshakeType::hello_verify_request:
    case HandshakeType::server_key_exchange:
    case HandshakeType::client_key_exchange:
    case HandshakeType::certificate_url:
    case HandshakeType::supplemental_data:
      not_decoded(c, out,
                  "the body of a message TLS 1.3 does not use; glasstls does not decode it");
      break;
  }
  if (!c.empty()) {
    if (name(type).empty()) {
      const size_t at = c.pos();
      const ByteView rest = c.take(c.remaining());
      out.push_back(leaf("body", at, rest.size(), hex(rest), "not decoded",
                         "the body of a handshake message type glasstls does not know (TLS "
                         "1.2 or unassigned)"));
      return;
    }
    a_.fail(c, out,
            plural(c.remaining(), "byte", "bytes") + " after the end of " + root.name +
                ": the message body is longer than its fields");
  }
}

}  // namespace
}  // namespace annotate

TraceField annotate_handshake_message(std::span<const uint8_t> message) {
  if (message.empty() || msgs::walks(static_cast<HandshakeType>(message[0]))) {
    annotate::TreeBuilder tree("handshake message", message.size(),
                               "a handshake message: 1-byte type, 3-byte length, body");
    msgs::walk_handshake_message(message, tree);
    annotate::describe_message(tree.root());
    return tree.finish();
  }
  using annotate::Cursor;
  annotate::Annotator a;
  Cursor c(message, 0);
  TraceField root = annotate::leaf("handshake message", 0, message.size(), "", "",
                                   "a handshake message: 1-byte type, 3-byte length, body");
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4
  //# struct {
  //#     HandshakeType msg_type;    /* handshake type */
  //#     uint24 length;             /* remaining bytes in message */
  //#     ...
  //# } Handshake;
  uint32_t v = 0;
  TraceField* type_field = a.number(c, root.children, 1, "msg_type", v, true);
  if (type_field == nullptr) {
    return root;
  }
  const auto type = static_cast<HandshakeType>(v);
  const std::string type_name(name(type));
  type_field->meaning = type_name.empty() ? "unknown (" + annotate::dec(v) + ")" : type_name;
  type_field->explanation = "msg_type: which handshake message follows (RFC 8446 section 4)";
  if (!type_name.empty()) {
    root.name = annotate::message_name(type);
    root.meaning = type_name;
    root.explanation = std::string(explain(type));
  } else {
    root.name = "handshake message " + annotate::dec(v);
    root.explanation = "a handshake message type glasstls does not know (TLS 1.2 or unassigned)";
  }
  TraceField* length_field = a.number(c, root.children, 3, "length", v, false);
  if (length_field == nullptr) {
    return root;
  }
  length_field->explanation =
      annotate::plural(v, "byte", "bytes") + " of message body " + (v == 1 ? "follows" : "follow");
  const uint32_t declared = v;
  Cursor body = c.sub(declared);
  const size_t present = body.remaining();
  annotate::Messages(a).body(type, body, root);
  if (present < declared) {
    // Dropped when the body's own error already reached the end (see Annotator::fail).
    a.fail(body, root.children,
           root.name + " is truncated: its length says " + annotate::dec(declared) +
               " bytes of body, only " + annotate::dec(present) + " are present");
  }
  if (!c.empty()) {
    a.fail(c, root.children,
           annotate::plural(c.remaining(), "byte", "bytes") +
               " beyond the message: its length field covers only " + annotate::dec(declared) +
               " bytes of body");
  }
  return root;
}

TraceField annotate_record_header(std::span<const uint8_t> header) {
  using annotate::Cursor;
  annotate::Annotator a;
  Cursor c(header, 0);
  //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
  //# struct {
  //#     ContentType type;
  //#     ProtocolVersion legacy_record_version;
  //#     uint16 length;
  //#     opaque fragment[TLSPlaintext.length];
  //# } TLSPlaintext;
  TraceField root = annotate::leaf("record header", 0, header.size(), "", "",
                                   "TLSPlaintext header: content type, legacy version, length");
  uint32_t v = 0;
  if (TraceField* f = a.number(c, root.children, 1, "type", v, false)) {
    const auto type = static_cast<ContentType>(v);
    const std::string_view n = name(type);
    f->meaning = n.empty() ? "unknown" : std::string(n);
    root.meaning = f->meaning;
    f->explanation = n.empty() ? "ContentType: a value TLS does not define; the receiver aborts "
                                 "with unexpected_message"
                               : "ContentType: " + std::string(explain(type));
    if (type == ContentType::application_data) {
      f->explanation += "; every protected TLS 1.3 record says 23, the real type is inside";
    }
  }
  if (TraceField* f = a.number(c, root.children, 2, "legacy_record_version", v, true)) {
    f->meaning = annotate::version_name(static_cast<uint16_t>(v));
    if (v == 0x0301) {
      f->explanation =
          "legacy record version; 0x0301 is allowed in an initial ClientHello for middlebox "
          "compatibility";
    } else {
      f->explanation =
          "legacy record version: TLS 1.3 records say TLS 1.2 (0x0303), kept for middlebox "
          "compatibility";
      if (v != 0x0303) {
        f->explanation += "; this value is unexpected";
      }
    }
  }
  if (TraceField* f = a.number(c, root.children, 2, "length", v, false)) {
    f->meaning = annotate::plural(v, "byte", "bytes") + (v == 1 ? " follows" : " follow");
    f->explanation =
        "length of the fragment that follows: at most 2^14 bytes (2^14 + 256 when "
        "protected)";
    if (v > 16384 + 256) {
      f->explanation += "; too long, a receiver aborts with record_overflow";
    }
  }
  if (!c.empty()) {
    a.fail(c, root.children,
           annotate::plural(c.remaining(), "byte", "bytes") + " beyond the 5-byte record header");
  }
  return root;
}

TraceField annotate_alert(std::span<const uint8_t> alert) {
  using annotate::Cursor;
  annotate::Annotator a;
  Cursor c(alert, 0);
  //= https://www.rfc-editor.org/rfc/rfc8446#section-6
  //# struct {
  //#     AlertLevel level;
  //#     AlertDescription description;
  //# } Alert;
  TraceField root = annotate::leaf("Alert", 0, alert.size(), "", "",
                                   "Alert: a level and a description of what went wrong");
  uint32_t v = 0;
  if (TraceField* f = a.number(c, root.children, 1, "level", v, false)) {
    if (v == static_cast<uint8_t>(AlertLevel::warning)) {
      f->meaning = "warning";
      f->explanation = "level: warning; TLS 1.3 ignores the level and judges by the description";
    } else if (v == static_cast<uint8_t>(AlertLevel::fatal)) {
      f->meaning = "fatal";
      f->explanation = "level: fatal, the connection is closed at once";
    } else {
      f->meaning = "unknown";
      f->explanation = "level: only 1 (warning) and 2 (fatal) are defined";
    }
  }
  if (TraceField* f = a.number(c, root.children, 1, "description", v, false)) {
    const auto description = static_cast<AlertDescription>(v);
    const std::string_view n = name(description);
    f->meaning = n.empty() ? "unknown (" + annotate::dec(v) + ")" : std::string(n);
    f->explanation = n.empty() ? "description: an alert glasstls does not know; fatal unless it "
                                 "is a known warning"
                               : "description: " + std::string(explain(description));
    root.meaning = f->meaning;
  }
  if (!c.empty()) {
    a.fail(c, root.children,
           annotate::plural(c.remaining(), "byte", "bytes") + " beyond the 2-byte alert");
  }
  return root;
}

}  // namespace glasstls
