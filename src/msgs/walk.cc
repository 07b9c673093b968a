// walk.cc: handshake messages read field by field for the view (walk.h).
#include "msgs/walk.h"

#include <algorithm>
#include <iterator>

#include "msgs/codec_util.h"
#include "msgs/extension_readers_a.h"
#include "msgs/extensions.h"

namespace glasstls::msgs {
namespace {

// read_message_hash reads the body of a message_hash: Hash(ClientHello1), which stands in for
// the first ClientHello in the transcript after a HelloRetryRequest (RFC 8446 section 4.4.1).
void read_message_hash(FieldReader& r) {
  if (r.empty()) {
    r.fail("message_hash has no hash");
    return;
  }
  (void)r.rest_field("hash");
}

void read_compressed_certificate(FieldReader& r) {
  //= https://www.rfc-editor.org/rfc/rfc8879#section-4
  //# struct {
  //#      CertificateCompressionAlgorithm algorithm;
  //#      uint24 uncompressed_length;
  //#      opaque compressed_certificate_message<1..2^24-1>;
  //# } CompressedCertificate;
  uint16_t algorithm = 0;
  uint32_t uncompressed_length = 0;
  ByteView compressed;
  if (!r.u16(algorithm, "algorithm") || !r.u24(uncompressed_length, "uncompressed_length") ||
      !r.opaque(3, "compressed_certificate_message", "compressed", compressed)) {
    return;
  }
  r.note_length(compressed.size(), 1, 0xffffff);
}

// Quiet is a sink that keeps nothing but whether a field named `want` was read.
class Quiet final : public FieldSink {
 public:
  explicit Quiet(std::string_view want) : want_(want) {}
  void field(std::string_view name, size_t, size_t, ByteView, uint32_t, Show, bool) override {
    seen |= name == want_;
  }
  void begin(std::string_view, size_t, size_t, size_t, uint32_t) override {}
  void end(size_t) override {}
  void malformed(size_t, ByteView, std::string) override {}
  void broken(const Broken&, bool) override {}

  bool seen = false;

 private:
  std::string_view want_;
};

}  // namespace

ClientHello peek_client_hello(ByteView body) {
  Quiet sink("");
  FieldReader r(body, &sink, 0);
  Result<ClientHello> ch = read_client_hello(r);  // a reporting reader always returns it
  return ch.ok() ? std::move(*ch) : ClientHello{};
}

std::optional<ServerHello> peek_server_hello(ByteView body) {
  // The last fixed field: a reporting reader that could not read a field before it has
  // consumed the rest of the body.
  Quiet sink("legacy_compression_method");
  FieldReader r(body, &sink, 0);
  Result<ServerHello> sh = read_server_hello(r);
  if (!sh.ok() || !sink.seen) {
    return std::nullopt;
  }
  for (const RawExtension& e : sh->extensions) {
    const ExtensionRow* row = find_extension(e.type);
    if (e.type == ExtensionType::supported_versions && row != nullptr &&
        row->server_hello.decode != nullptr) {
      (void)row->server_hello.decode(*sh, e.body);
    }
  }
  return std::move(*sh);
}

std::string handshake_message_name(HandshakeType type) {
  std::string_view e = explain(type);
  if (name(type).empty()) {
    return "handshake message " + std::to_string(static_cast<unsigned>(type));
  }
  const size_t colon = e.find(':');
  if (e.empty() || colon == std::string_view::npos) {
    return "handshake message";
  }
  return std::string(e.substr(0, colon));
}

void walk_handshake_message(ByteView message, FieldSink& sink, const WalkContext& context) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4
  //# struct {
  //#     HandshakeType msg_type;    /* handshake type */
  //#     uint24 length;             /* remaining bytes in message */
  //#     ...
  //# } Handshake;
  FieldReader r(message, &sink, 0);
  uint8_t raw_type = 0;
  uint32_t declared = 0;
  if (!r.u8(raw_type, "msg_type", Show::kCode) || !r.u24(declared, "length")) {
    return;
  }
  const auto type = static_cast<HandshakeType>(raw_type);
  FieldReader body = r.region(declared);
  const size_t present = body.remaining();
  std::string message_name = handshake_message_name(type);
  const ByteView b = body.rest();
  if (type == HandshakeType::server_hello && b.size() >= 2 + sizeof(kHelloRetryRequestRandom) &&
      std::equal(b.begin() + 2, b.begin() + 2 + sizeof(kHelloRetryRequestRandom),
                 std::begin(kHelloRetryRequestRandom))) {
    message_name = "HelloRetryRequest";  // RFC 8446 section 4.1.3: the special random
  }
  const bool tls12 = context.version != ProtocolVersion::TLSv1_3;
  switch (type) {
    case HandshakeType::client_hello: (void)read_client_hello(body); break;
    case HandshakeType::server_hello: (void)read_server_hello(body); break;
    case HandshakeType::certificate:
      if (tls12) {
        (void)read_tls12_certificate(body);
      } else {
        (void)read_certificate(body);
      }
      break;
    case HandshakeType::certificate_verify: (void)read_certificate_verify(body); break;
    case HandshakeType::finished: (void)read_finished(body, std::nullopt); break;
    case HandshakeType::key_update: (void)read_key_update(body); break;
    case HandshakeType::encrypted_extensions: (void)read_encrypted_extensions(body); break;
    case HandshakeType::certificate_request:
      if (context.version == ProtocolVersion::TLSv1_2) {
        (void)read_tls12_certificate_request(body);
      } else if (tls12) {
        // TLS 1.1 and older have no supported_signature_algorithms: not read here.
        (void)body.rest_field("body");
      } else {
        (void)read_certificate_request(body);
      }
      break;
    case HandshakeType::new_session_ticket:
      if (tls12) {
        (void)read_tls12_new_session_ticket(body);
      } else {
        (void)read_new_session_ticket(body);
      }
      break;
    case HandshakeType::message_hash: read_message_hash(body); break;
    case HandshakeType::compressed_certificate: read_compressed_certificate(body); break;
    // RFC 6066 section 8: the same CertificateStatus a TLS 1.3 CertificateEntry carries.
    case HandshakeType::certificate_status: (void)detail::read_certificate_status(body); break;
    case HandshakeType::server_key_exchange:
      if (context.kx) {
        (void)read_server_key_exchange(body, *context.kx);
      } else {
        (void)body.rest_field("body");  // the layout depends on a key exchange not known here
      }
      break;
    case HandshakeType::client_key_exchange:
      if (context.kx) {
        (void)read_client_key_exchange(body, *context.kx);
      } else {
        (void)body.rest_field("body");
      }
      break;
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.5
    //# struct {} EndOfEarlyData;
    case HandshakeType::end_of_early_data:
    //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.1.1
    //# struct { } HelloRequest;
    case HandshakeType::hello_request:
    //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.5
    //# struct { } ServerHelloDone;
    case HandshakeType::server_hello_done: break;
    case HandshakeType::hello_verify_request:
    case HandshakeType::certificate_url:
    case HandshakeType::supplemental_data:
      // The body of a message glasstls does not use: shown undecoded.
      (void)body.rest_field("body");
      break;
    default: break;
  }
  if (!body.empty()) {
    if (name(type).empty()) {
      (void)body.rest_field("body");  // a type glasstls does not know
    } else {
      body.fail(detail::count(body.remaining(), "byte", "bytes") + " after the end of " +
                message_name + ": the message body is longer than its fields");
    }
  }
  if (present < declared) {
    body.fail(message_name + " is truncated: its length says " + std::to_string(declared) +
              " bytes of body, only " + std::to_string(present) + " are present");
  }
  if (!r.empty()) {
    r.fail(detail::count(r.remaining(), "byte", "bytes") +
           " beyond the message: its length field covers only " + std::to_string(declared) +
           " bytes of body");
  }
}

}  // namespace glasstls::msgs
