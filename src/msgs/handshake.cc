// handshake.cc: strict codecs for the TLS 1.3 handshake messages (RFC 8446 section 4).
//
// Every parser follows the same pattern (STYLE.md section 9.1): read each field with the
// bounds-checked ByteReader, take every vector through its length prefix, check the vector's
// minimum size, and reject any byte left over. Extension blocks go through one function that
// enforces the rules shared by every message (no duplicates, the RFC 8446 section 4.2 table,
// pre_shared_key last in ClientHello); each message then decodes its extensions, and encodes
// them, through the extension table (extensions.h), where every extension body codec lives.
#include "msgs/handshake.h"

#include <algorithm>
#include <string>

#include "msgs/codec_util.h"
#include "msgs/extension_walk.h"
#include "msgs/extensions.h"
#include "msgs/fields.h"

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

using detail::ext_label;
using detail::read_u16_list;
using detail::trailing;
using detail::truncated;
using detail::write_raw_ext;

constexpr size_t kRandomLen = 32;
constexpr size_t kMaxSessionIdLen = 32;
constexpr uint32_t kMaxTicketLifetime = 604800;

Error missing_extension_error(std::string reason) {
  return make_error(ErrorKind::kPeerMisbehaved, AlertDescription::missing_extension,
                    std::move(reason));
}

// read_extension_block reads `extensions<0..2^16-1>` from `r` and applies the rules common
// to every extension block. When `optional` is set, a reader with nothing left stands for an
// absent block (ClientHello and ServerHello from before extensions existed). A reporting
// reader reports each extension as the struct `extensions[i]` (extension_type, length,
// extension_data) and each rule it breaks on it.
// Column is which column of the extension table an extension block is checked against:
// extension_allowed(type, context) by default, one version's, or either version's (a
// ServerHello, whose version the strict parser learns only from its supported_versions).
enum class Column : uint8_t { kDefault, kTls13, kTls12, kEither };

bool allowed_in(ExtensionType t, ExtensionContext context, Column column) {
  switch (column) {
    case Column::kDefault: return extension_allowed(t, context);
    case Column::kTls13: return extension_allowed(t, context, ProtocolVersion::TLSv1_3);
    case Column::kTls12: return extension_allowed(t, context, ProtocolVersion::TLSv1_2);
    case Column::kEither:
      return extension_allowed(t, context, ProtocolVersion::TLSv1_3) ||
             extension_allowed(t, context, ProtocolVersion::TLSv1_2);
  }
  return false;
}

Result<std::vector<RawExtension>> read_extension_block(FieldReader& r, ExtensionContext context,
                                                       bool optional,
                                                       Column column = Column::kDefault) {
  std::vector<RawExtension> out;
  if (optional && r.empty()) {
    return out;
  }
  // Room for the extensions a ClientHello or ServerHello usually carries, in one allocation.
  out.reserve(16);
  FieldReader block;
  if (!r.open(2, "extensions", block)) {
    if (r.reporting()) {
      return out;  // reported: the rest is malformed
    }
    return truncated("extension block");
  }
  // seen marks the types read so far, for a reporting reader's duplicate check.
  std::vector<bool> seen;
  if (block.reporting()) {
    seen.resize(0x10000);
  }
  for (size_t index = 0; !block.empty(); index++) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
    //# struct {
    //#     ExtensionType extension_type;
    //#     opaque extension_data<0..2^16-1>;
    //# } Extension;
    block.open_struct("extensions", index);
    uint16_t type = 0;
    uint16_t declared = 0;
    if (!block.u16(type, "extension_type")) {
      block.close_struct();
      if (!block.reporting()) {
        return truncated("extension");
      }
      break;
    }
    const bool has_length = block.u16(declared, "length", Show::kDecimal);
    ByteView body;
    if (has_length) {
      const size_t present = declared < block.remaining() ? declared : block.remaining();
      if (present < declared && !block.reporting()) {
        return truncated("extension");
      }
      if (ExtensionWalker walk =
              block.reporting() ? find_extension_walker(static_cast<ExtensionType>(type), context)
                                : nullptr) {
        FieldReader data = block.region(present);
        body = data.rest();
        data.open_struct("extension_data", kNoIndex);
        walk(data, context);
        if (!data.empty()) {
          data.fail(detail::count(data.remaining(), "byte", "bytes") + " left over after the " +
                    ext_label(static_cast<ExtensionType>(type)) + " data");
        }
        data.close_struct();
      } else {
        (void)block.bytes(present, body, "extension_data");
      }
      if (present < declared) {
        block.fail("extension_data is truncated: its length says " + std::to_string(declared) +
                   " bytes, only " + std::to_string(present) + " are present");
      }
    }
    block.close_struct();
    if (!has_length && !block.reporting()) {
      return truncated("extension");
    }
    auto t = static_cast<ExtensionType>(type);
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
    //# If an implementation receives an extension
    //# which it recognizes and which is not specified for the message in
    //# which it appears, it MUST abort the handshake with an
    //# "illegal_parameter" alert.
    GLASSTLS_TRY(block.check(
        allowed_in(t, context, column), Broken{Broken::kNotAllowed}, true,
        [&] { return illegal_parameter(ext_label(t) + " is not allowed in this message"); }));
    if (block.reporting()) {
      if (seen[type]) {
        block.note(Broken{Broken::kDuplicate}, true);
      }
      seen[type] = true;
      if (context == ExtensionContext::kClientHello && t == ExtensionType::pre_shared_key &&
          block.remaining() >= 2) {
        block.note(Broken{Broken::kNotLast}, true);
      }
    }
    if (!has_length) {
      break;  // reporting: the rest of the block was reported as malformed
    }
    out.push_back(RawExtension{t, body});
  }
  r.close(block);
  if (r.reporting()) {
    return out;
  }

  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
  //# There MUST NOT be more than one extension of the
  //# same type in a given extension block.
  // A block holds a few extensions: compared pairwise, with no allocation; a long one (at most
  // 16384 four-byte extensions fit) is sorted instead.
  if (out.size() <= 64) {
    for (size_t i = 1; i < out.size(); i++) {
      for (size_t j = 0; j < i; j++) {
        if (out[i].type == out[j].type) {
          return illegal_parameter("duplicate " + ext_label(out[i].type));
        }
      }
    }
  } else {
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

// server_hello_column is the column of the extension table the view checks a ServerHello
// extension block `block` (its length prefix first) against: TLS 1.3's when it holds
// supported_versions, TLS 1.2's when it does not (RFC 8446 section 4.1.3: a TLS 1.2
// ServerHello has no supported_versions; RFC 5246 section 7.4.1.4 lists its extensions). The
// block is read strictly and quietly; when it does not frame, TLS 1.3's column is used and the
// block reader reports what is wrong.
Column server_hello_column(ByteView block) {
  FieldReader r(block);
  FieldReader list;
  if (r.empty()) {
    return Column::kTls12;
  }
  if (!r.open(2, "extensions", list)) {
    return Column::kTls13;
  }
  while (!list.empty()) {
    uint16_t type = 0;
    ByteView body;
    if (!list.u16(type, "extension_type") || !list.opaque(2, "extension_data", "data", body)) {
      return Column::kTls13;
    }
    if (static_cast<ExtensionType>(type) == ExtensionType::supported_versions) {
      return Column::kTls13;
    }
  }
  return Column::kTls12;
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

void write_handshake_header(ByteWriter& w, HandshakeType type, size_t body_len) {
  w.u8(static_cast<uint8_t>(type));
  // A body longer than 2^24-1 sets the writer's sticky error (ByteWriter::u24).
  w.u24(body_len > 0xffffff ? 0x1000000 : static_cast<uint32_t>(body_len));
}

// ---------------------------------------------------------------------------------------------
// ClientHello, RFC 8446 section 4.1.2.

Result<ClientHello> read_client_hello(FieldReader& r) {
  ClientHello ch;
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
  //# struct {
  //#     ProtocolVersion legacy_version = 0x0303;    /* TLS v1.2 */
  //#     Random random;
  //#     opaque legacy_session_id<0..32>;
  //#     CipherSuite cipher_suites<2..2^16-2>;
  //#     opaque legacy_compression_methods<1..2^8-1>;
  //#     Extension extensions<8..2^16-1>;
  //# } ClientHello;
  const bool version = r.u16(ch.legacy_version, "legacy_version");
  if (!(r.bytes(kRandomLen, ch.random, "random") && version) && !r.reporting()) {
    return truncated("ClientHello");
  }
  if (r.opaque(1, "legacy_session_id", "session_id", ch.legacy_session_id)) {
    GLASSTLS_TRY(r.check_length(ch.legacy_session_id.size(), 0, kMaxSessionIdLen, [&] {
      return decode_error("ClientHello legacy_session_id is longer than 32 bytes");
    }));
  } else if (!r.reporting()) {
    return truncated("ClientHello legacy_session_id");
  }
  FieldReader suites;
  if (r.open(2, "cipher_suites", suites)) {
    const size_t n = suites.remaining();
    if (!r.reporting() && n % 2 != 0) {
      return decode_error("cipher_suites has an odd length");
    }
    ch.cipher_suites.reserve(n / 2);
    uint32_t v = 0;
    for (size_t i = 0; !suites.empty() && suites.item(2, v, "cipher_suites", i); i++) {
      ch.cipher_suites.push_back(static_cast<CipherSuite>(v));
    }
    r.close(suites);
    GLASSTLS_TRY(
        r.check_length(n, 2, 0xfffe, [&] { return decode_error("cipher_suites is empty"); }));
  } else if (!r.reporting()) {
    return truncated("ClientHello cipher_suites");
  }
  FieldReader methods;
  if (r.open(1, "legacy_compression_methods", methods)) {
    ch.legacy_compression_methods = methods.rest();
    const size_t n = methods.remaining();
    uint32_t v = 0;
    for (size_t i = 0; !methods.empty() && methods.item(1, v, "legacy_compression_methods", i);
         i++) {
    }
    r.close(methods);
    GLASSTLS_TRY(r.check_length(n, 1, 255, [&] {
      return decode_error("ClientHello legacy_compression_methods is empty");
    }));
  } else if (!r.reporting()) {
    return truncated("ClientHello legacy_compression_methods");
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
  //# However,
  //# TLS 1.3 servers might receive ClientHello messages without an
  //# extensions field from prior versions of TLS.
  GLASSTLS_ASSIGN(ch.extensions, read_extension_block(r, ExtensionContext::kClientHello, true));
  if (r.reporting()) {
    return ch;
  }
  if (!r.empty()) {
    return trailing("ClientHello");
  }
  GLASSTLS_TRY(decode_extensions(ch, ch.extensions));
  return ch;
}

Result<ClientHello> parse_client_hello(ByteView body) {
  FieldReader r(body);
  return read_client_hello(r);
}

namespace {

// write_offered_psks writes a pre_shared_key extension (RFC 8446 section 4.2.11).
void write_offered_psks(ByteWriter& w, const OfferedPsks& psks) {
  w.u16(static_cast<uint16_t>(ExtensionType::pre_shared_key));
  auto ext = w.u16_prefixed();
  {
    auto identities = w.u16_prefixed();
    for (const PskIdentity& id : psks.identities) {
      {
        auto identity = w.u16_prefixed();
        w.bytes(id.identity);
      }
      w.u32(id.obfuscated_ticket_age);
    }
  }
  auto binders = w.u16_prefixed();
  for (ByteView b : psks.binders) {
    auto binder = w.u8_prefixed();
    w.bytes(b);
  }
}

}  // namespace

Bytes encode(const ClientHello& m, const std::vector<RawExtension>& extra_extensions,
             std::vector<ExtensionType>* written) {
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
    encode_extensions(w, m, written);
    for (const RawExtension& e : extra_extensions) {
      write_raw_ext(w, e);
      if (written != nullptr) {
        written->push_back(e.type);
      }
    }
    if (m.pre_shared_key) {
      write_offered_psks(w, *m.pre_shared_key);
      if (written != nullptr) {
        written->push_back(ExtensionType::pre_shared_key);
      }
    }
  }
  return std::move(mw).finish();
}

// ---------------------------------------------------------------------------------------------
// ServerHello and HelloRetryRequest, RFC 8446 section 4.1.3 and 4.1.4.

Result<ServerHello> read_server_hello(FieldReader& r) {
  ServerHello sh;
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
  //# struct {
  //#     ProtocolVersion legacy_version = 0x0303;    /* TLS v1.2 */
  //#     Random random;
  //#     opaque legacy_session_id_echo<0..32>;
  //#     CipherSuite cipher_suite;
  //#     uint8 legacy_compression_method = 0;
  //#     Extension extensions<6..2^16-1>;
  //# } ServerHello;
  const bool version = r.u16(sh.legacy_version, "legacy_version");
  if (!(r.bytes(kRandomLen, sh.random, "random") && version) && !r.reporting()) {
    return truncated("ServerHello");
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
  //# Upon receiving a message with type server_hello, implementations MUST
  //# first examine the Random value and, if it matches this value, process
  //# it as described in Section 4.1.4).
  sh.is_hello_retry_request =
      std::equal(sh.random.begin(), sh.random.end(), std::begin(kHelloRetryRequestRandom),
                 std::end(kHelloRetryRequestRandom));
  if (r.opaque(1, "legacy_session_id_echo", "session_id", sh.legacy_session_id_echo)) {
    GLASSTLS_TRY(r.check_length(sh.legacy_session_id_echo.size(), 0, kMaxSessionIdLen, [&] {
      return decode_error("ServerHello legacy_session_id_echo is longer than 32 bytes");
    }));
  } else if (!r.reporting()) {
    return truncated("ServerHello legacy_session_id_echo");
  }
  uint16_t suite = 0;
  const bool has_suite = r.u16(suite, "cipher_suite");
  const bool has_method =
      r.u8(sh.legacy_compression_method, "legacy_compression_method", Show::kCode);
  if (!(has_suite && has_method) && !r.reporting()) {
    return truncated("ServerHello");
  }
  sh.cipher_suite = static_cast<CipherSuite>(suite);
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
  //# legacy_compression_method:  A single byte which MUST have the
  //# value 0.
  if (has_method) {
    GLASSTLS_TRY(r.check(sh.legacy_compression_method == 0, Broken{Broken::kValue}, true, [&] {
      return illegal_parameter("ServerHello legacy_compression_method is not 0");
    }));
  }
  ExtensionContext context = sh.is_hello_retry_request ? ExtensionContext::kHelloRetryRequest
                                                       : ExtensionContext::kServerHello;
  // A HelloRetryRequest is TLS 1.3's alone. A ServerHello is TLS 1.3's when it carries
  // supported_versions, and TLS 1.2's otherwise. The strict parser admits either version's
  // extensions while it reads the block, decodes them, and then holds a TLS 1.3 ServerHello to
  // TLS 1.3's column; a TLS 1.2 one is held to TLS 1.2's by
  // decode_tls12_server_hello_extensions (tls12.h), once the client has accepted the version.
  // The view checks the block against the column of the version it names.
  Column column = Column::kDefault;
  if (!sh.is_hello_retry_request) {
    column = r.reporting() ? server_hello_column(r.rest()) : Column::kEither;
  }
  GLASSTLS_ASSIGN(sh.extensions, read_extension_block(r, context, true, column));
  if (r.reporting()) {
    return sh;
  }
  if (!r.empty()) {
    return trailing("ServerHello");
  }
  GLASSTLS_TRY(decode_extensions(sh, sh.extensions));
  if (!sh.is_hello_retry_request && sh.selected_version) {
    for (const RawExtension& e : sh.extensions) {
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
      //# If an implementation receives an extension
      //# which it recognizes and which is not specified for the message in
      //# which it appears, it MUST abort the handshake with an
      //# "illegal_parameter" alert.
      if (!extension_allowed(e.type, context, ProtocolVersion::TLSv1_3)) {
        return illegal_parameter(ext_label(e.type) + " is not allowed in this message");
      }
    }
  }
  return sh;
}

Result<ServerHello> parse_server_hello(ByteView body) {
  FieldReader r(body);
  return read_server_hello(r);
}

Bytes encode(const ServerHello& m) {
  MessageWriter mw(HandshakeType::server_hello,
                   4 + 2 + m.random.size() + 1 + m.legacy_session_id_echo.size() + 2 + 1 + 2 + 6 +
                       (m.key_share ? 8 + m.key_share->key_exchange.size() : 6) +
                       (m.cookie ? 6 + m.cookie->size() : 0) + (m.selected_identity ? 6 : 0));
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
    encode_extensions(w, m, nullptr);
  }
  return std::move(mw).finish();
}

// ---------------------------------------------------------------------------------------------
// EncryptedExtensions, RFC 8446 section 4.3.1.

Result<EncryptedExtensions> read_encrypted_extensions(FieldReader& r) {
  EncryptedExtensions ee;
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.1
  //# Extension extensions<0..2^16-1>;
  GLASSTLS_ASSIGN(ee.extensions,
                  read_extension_block(r, ExtensionContext::kEncryptedExtensions, false));
  if (r.reporting()) {
    return ee;
  }
  if (!r.empty()) {
    return trailing("EncryptedExtensions");
  }
  GLASSTLS_TRY(decode_extensions(ee, ee.extensions));
  return ee;
}

Result<EncryptedExtensions> parse_encrypted_extensions(ByteView body) {
  FieldReader r(body);
  return read_encrypted_extensions(r);
}

Bytes encode(const EncryptedExtensions& m) {
  MessageWriter mw(HandshakeType::encrypted_extensions, 0);
  ByteWriter& w = mw.body();
  {
    auto exts = w.u16_prefixed();
    encode_extensions(w, m, nullptr);
  }
  return std::move(mw).finish();
}

// ---------------------------------------------------------------------------------------------
// CertificateRequest, RFC 8446 section 4.3.2.

Result<CertificateRequest> read_certificate_request(FieldReader& r) {
  CertificateRequest cr;
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
  //# opaque certificate_request_context<0..2^8-1>;
  //# Extension extensions<2..2^16-1>;
  if (!r.opaque(1, "certificate_request_context", "context", cr.certificate_request_context) &&
      !r.reporting()) {
    return truncated("CertificateRequest certificate_request_context");
  }
  r.note_length(cr.certificate_request_context.size(), 0, 255);
  GLASSTLS_ASSIGN(cr.extensions,
                  read_extension_block(r, ExtensionContext::kCertificateRequest, false));
  if (r.reporting()) {
    return cr;
  }
  if (!r.empty()) {
    return trailing("CertificateRequest");
  }
  GLASSTLS_TRY(decode_extensions(cr, cr.extensions));
  const bool has_signature_algorithms = std::any_of(
      cr.extensions.begin(), cr.extensions.end(),
      [](const RawExtension& e) { return e.type == ExtensionType::signature_algorithms; });
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
  //# The "signature_algorithms" extension
  //# MUST be specified, and other extensions may optionally be included
  //# if defined for this message.
  if (!has_signature_algorithms) {
    return missing_extension_error("CertificateRequest has no signature_algorithms");
  }
  return cr;
}

Result<CertificateRequest> parse_certificate_request(ByteView body) {
  FieldReader r(body);
  return read_certificate_request(r);
}

Bytes encode(const CertificateRequest& m, std::vector<ExtensionType>* written) {
  MessageWriter mw(HandshakeType::certificate_request, 0);
  ByteWriter& w = mw.body();
  {
    auto context = w.u8_prefixed();
    w.bytes(m.certificate_request_context);
  }
  {
    auto exts = w.u16_prefixed();
    encode_extensions(w, m, written);
  }
  return std::move(mw).finish();
}

// ---------------------------------------------------------------------------------------------
// Certificate, RFC 8446 section 4.4.2.

Result<Certificate> read_certificate(FieldReader& r) {
  Certificate c;
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
  //# opaque certificate_request_context<0..2^8-1>;
  //# CertificateEntry certificate_list<0..2^24-1>;
  const bool context =
      r.opaque(1, "certificate_request_context", "context", c.certificate_request_context);
  FieldReader list;
  const bool has_list = context && r.open(3, "certificate_list", list);
  if (!has_list && !r.reporting()) {
    return truncated("Certificate");
  }
  if (!r.reporting() && !r.empty()) {
    return trailing("Certificate");
  }
  for (size_t i = 0; has_list && !list.empty(); i++) {
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
    list.open_struct("certificate_list", i);
    CertificateEntry entry;
    if (list.opaque(3, "cert_data", "certificate", entry.cert_data)) {
      GLASSTLS_TRY(list.check_length(entry.cert_data.size(), 1, 0xffffff, [&] {
        return decode_error("CertificateEntry cert_data is empty");
      }));
    } else if (!list.reporting()) {
      return truncated("CertificateEntry cert_data");
    }
    Result<std::vector<RawExtension>> extensions =
        read_extension_block(list, ExtensionContext::kCertificate, false);
    list.close_struct();
    if (list.reporting()) {
      continue;
    }
    GLASSTLS_ASSIGN(entry.extensions, std::move(extensions));
    GLASSTLS_TRY(decode_extensions(entry, entry.extensions));
    c.entries.push_back(std::move(entry));
  }
  if (has_list) {
    r.close(list);
  }
  return c;
}

Result<Certificate> parse_certificate(ByteView body) {
  FieldReader r(body);
  return read_certificate(r);
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

Result<CertificateVerify> read_certificate_verify(FieldReader& r) {
  CertificateVerify cv;
  uint16_t scheme = 0;
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
  //# SignatureScheme algorithm;
  //# opaque signature<0..2^16-1>;
  if (!r.u16(scheme, "algorithm") || !r.opaque(2, "signature", "signature", cv.signature)) {
    return truncated("CertificateVerify");
  }
  // The vector may be empty on the wire. No scheme produces an empty signature, but that is a
  // failed verification (decrypt_error, sections 4.4.3 and 6.2), which the handshake decides;
  // the view points it out.
  r.note_length(cv.signature.size(), 1, 0xffff);
  cv.scheme = static_cast<SignatureScheme>(scheme);
  return cv;
}

Result<CertificateVerify> parse_certificate_verify(ByteView body) {
  FieldReader r(body);
  GLASSTLS_ASSIGN(CertificateVerify cv, read_certificate_verify(r));
  if (!r.empty()) {
    return trailing("CertificateVerify");
  }
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

Result<Finished> read_finished(FieldReader& r, std::optional<size_t> hash_len) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4
  //# opaque verify_data[Hash.length];
  if (hash_len && r.remaining() != *hash_len) {
    return decode_error("Finished verify_data length does not match the hash length");
  }
  if (r.empty()) {
    r.fail("Finished has no verify_data");
    return decode_error("Finished has no verify_data");
  }
  return Finished{r.rest_field("verify_data")};
}

Result<Finished> parse_finished(ByteView body, size_t hash_len) {
  FieldReader r(body);
  return read_finished(r, hash_len);
}

Bytes encode(const Finished& m) {
  MessageWriter mw(HandshakeType::finished, 4 + m.verify_data.size());
  ByteWriter& w = mw.body();
  w.bytes(m.verify_data);
  return std::move(mw).finish();
}

// ---------------------------------------------------------------------------------------------
// NewSessionTicket, RFC 8446 section 4.6.1.

Result<NewSessionTicket> read_new_session_ticket(FieldReader& r) {
  NewSessionTicket nst;
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
  //# uint32 ticket_lifetime;
  //# uint32 ticket_age_add;
  //# opaque ticket_nonce<0..255>;
  //# opaque ticket<1..2^16-1>;
  //# Extension extensions<0..2^16-2>;
  const bool lifetime = r.u32(nst.ticket_lifetime, "ticket_lifetime");
  const bool age_add = r.u32(nst.ticket_age_add, "ticket_age_add");
  const bool nonce = r.opaque(1, "ticket_nonce", "nonce", nst.ticket_nonce);
  r.note_length(nst.ticket_nonce.size(), 0, 255);
  const bool ticket = r.opaque(2, "ticket", "ticket", nst.ticket);
  if (!(lifetime && age_add && nonce && ticket) && !r.reporting()) {
    return truncated("NewSessionTicket");
  }
  if (ticket) {
    GLASSTLS_TRY(r.check_length(nst.ticket.size(), 1, 0xffff,
                                [&] { return decode_error("NewSessionTicket ticket is empty"); }));
  }
  GLASSTLS_ASSIGN(nst.extensions,
                  read_extension_block(r, ExtensionContext::kNewSessionTicket, false));
  if (r.reporting()) {
    return nst;
  }
  if (!r.empty()) {
    return trailing("NewSessionTicket");
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
  //# Servers MUST NOT use any value greater than
  //# 604800 seconds (7 days).
  if (nst.ticket_lifetime > kMaxTicketLifetime) {
    return illegal_parameter("NewSessionTicket ticket_lifetime exceeds 604800 seconds");
  }
  GLASSTLS_TRY(decode_extensions(nst, nst.extensions));
  return nst;
}

Result<NewSessionTicket> parse_new_session_ticket(ByteView body) {
  FieldReader r(body);
  return read_new_session_ticket(r);
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
    encode_extensions(w, m, nullptr);
  }
  return std::move(mw).finish();
}

// ---------------------------------------------------------------------------------------------
// KeyUpdate, RFC 8446 section 4.6.3.

Result<KeyUpdate> read_key_update(FieldReader& r) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
  //# struct {
  //#     KeyUpdateRequest request_update;
  //# } KeyUpdate;
  uint8_t request = 0;
  if (!r.u8(request, "request_update")) {
    return decode_error("KeyUpdate body is not exactly one byte");
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
  //# If an implementation
  //# receives any other value, it MUST terminate the connection with an
  //# "illegal_parameter" alert.
  GLASSTLS_TRY(r.check(request <= 1, Broken{Broken::kValue}, true, [&] {
    return illegal_parameter("KeyUpdate request_update is neither 0 nor 1");
  }));
  return KeyUpdate{request == 1};
}

Result<KeyUpdate> parse_key_update(ByteView body) {
  if (body.size() != 1) {
    return decode_error("KeyUpdate body is not exactly one byte");
  }
  FieldReader r(body);
  return read_key_update(r);
}

Bytes encode(const KeyUpdate& m) {
  MessageWriter mw(HandshakeType::key_update, 5);
  ByteWriter& w = mw.body();
  w.u8(m.update_requested ? 1 : 0);
  return std::move(mw).finish();
}

}  // namespace glasstls::msgs
