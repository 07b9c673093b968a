// annotate.cc: handshake messages, record headers and alerts as annotated field trees.
//
// A handshake message is read by the codec of its type (msgs/walk.h), which reports every field
// with its offset from the start of the message (header included); annotate_tree.cc builds the
// tree from those reports and annotate_describe.cc words it. Names, meanings and explanations
// of code points come from iana.def through name() and explain(), the tables the parser uses.
// The 5-byte record header and the 2-byte alert, which msgs/ has no codec for (the record layer
// and the connection read them in place), are read here through the same FieldReader.
#include "msgs/walk.h"
#include "trace/annotate_internal.h"
#include "trace/annotate_tree.h"

namespace glasstls {

TraceField annotate::annotate_handshake_message(std::span<const uint8_t> message,
                                                const msgs::WalkContext& context) {
  // The codec of the message's type reads it, reporting every field; the view only words them.
  annotate::TreeBuilder tree("handshake message", message.size(),
                             "a handshake message: 1-byte type, 3-byte length, body");
  msgs::walk_handshake_message(message, tree, context);
  annotate::describe_message(tree.root(), context);
  TraceField out = tree.finish();
  annotate::name_for_wireshark(out);
  return out;
}

TraceField annotate_handshake_message(std::span<const uint8_t> message) {
  return annotate::annotate_handshake_message(message, msgs::WalkContext{});
}

TraceField annotate_record_header(std::span<const uint8_t> header) {
  return annotate_record_header(header, ProtocolVersion::TLSv1_3);
}

TraceField annotate_record_header(std::span<const uint8_t> header, ProtocolVersion in_use) {
  const bool tls12 =
      static_cast<uint16_t>(in_use) < static_cast<uint16_t>(ProtocolVersion::TLSv1_3);
  //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
  //# struct {
  //#     ContentType type;
  //#     ProtocolVersion legacy_record_version;
  //#     uint16 length;
  //#     opaque fragment[TLSPlaintext.length];
  //# } TLSPlaintext;
  annotate::TreeBuilder tree("record header", header.size(),
                             "TLSPlaintext header: content type, legacy version, length");
  msgs::FieldReader r(header, &tree, 0);
  uint8_t type = 0;
  uint16_t version = 0;
  uint16_t length = 0;
  if (r.u8(type, "type") && r.u16(version, "legacy_record_version") &&
      r.u16(length, "length", msgs::Show::kDecimal) && !r.empty()) {
    r.fail(annotate::plural(r.remaining(), "byte", "bytes") + " beyond the 5-byte record header");
  }
  annotate::Node& root = tree.root();
  // A protected TLS 1.3 record's type is the outer one (RFC 8446 section 5.2).
  bool opaque_type = false;
  const auto finish = [&] {
    TraceField out = tree.finish();
    annotate::name_record_header_for_wireshark(out, opaque_type);
    return out;
  };
  if (annotate::Node* f = root.kid("type")) {
    const auto t = static_cast<ContentType>(f->number);
    opaque_type = !tls12 && t == ContentType::application_data;
    const std::string_view n = name(t);
    f->field.meaning = n.empty() ? "unknown" : std::string(n);
    root.field.meaning = f->field.meaning;
    f->field.explanation = n.empty() ? "ContentType: a value TLS does not define; the receiver "
                                       "aborts with unexpected_message"
                                     : "ContentType: " + std::string(explain(t));
    if (tls12) {
      f->field.explanation += "; in TLS 1.2 a protected record keeps its own type";
    } else if (t == ContentType::application_data) {
      f->field.explanation += "; every protected TLS 1.3 record says 23, the real type is inside";
    }
  }
  if (annotate::Node* f = root.kid("legacy_record_version")) {
    f->field.meaning = annotate::version_name(static_cast<uint16_t>(f->number));
    if (tls12) {
      // RFC 5246 section 6.2.1: version is "The version of the protocol being employed"; appendix
      // E.1 lets a ClientHello's record carry any {03,XX}.
      f->field.explanation =
          "record version: in TLS 1.2 the version of the protocol in use, once the ServerHello "
          "has chosen it (a ClientHello's record may say any 3.x, often 0x0301)";
      if (f->number != static_cast<uint16_t>(in_use) && f->number != 0x0301) {
        f->field.explanation += "; this value is not the version in use";
      }
    } else if (f->number == 0x0301) {
      f->field.explanation =
          "legacy record version; 0x0301 is allowed in an initial ClientHello for middlebox "
          "compatibility";
    } else {
      f->field.explanation =
          "legacy record version: TLS 1.3 records say TLS 1.2 (0x0303), kept for middlebox "
          "compatibility";
      if (f->number != 0x0303) {
        f->field.explanation += "; this value is unexpected";
      }
    }
  }
  if (annotate::Node* f = root.kid("length")) {
    const uint32_t v = f->number;
    f->field.meaning = annotate::plural(v, "byte", "bytes") + (v == 1 ? " follows" : " follow");
    if (tls12) {
      //= https://www.rfc-editor.org/rfc/rfc5246#section-6.2.3
      //# The length (in bytes) of the following TLSCiphertext.fragment.
      //# The length MUST NOT exceed 2^14 + 2048.
      f->field.explanation =
          "length of the fragment that follows: at most 2^14 bytes (2^14 + 2048 when protected)";
      if (v > 16384 + 2048) {
        f->field.explanation += "; too long, a receiver aborts with record_overflow";
      }
      return finish();
    }
    f->field.explanation =
        "length of the fragment that follows: at most 2^14 bytes (2^14 + 256 when protected)";
    if (v > 16384 + 256) {
      f->field.explanation += "; too long, a receiver aborts with record_overflow";
    }
  }
  return finish();
}

TraceField annotate_alert(std::span<const uint8_t> alert) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-6
  //# struct {
  //#     AlertLevel level;
  //#     AlertDescription description;
  //# } Alert;
  annotate::TreeBuilder tree("Alert", alert.size(),
                             "Alert: a level and a description of what went wrong");
  msgs::FieldReader r(alert, &tree, 0);
  uint8_t level = 0;
  uint8_t description = 0;
  if (r.u8(level, "level") && r.u8(description, "description") && !r.empty()) {
    r.fail(annotate::plural(r.remaining(), "byte", "bytes") + " beyond the 2-byte alert");
  }
  annotate::Node& root = tree.root();
  if (annotate::Node* f = root.kid("level")) {
    if (f->number == static_cast<uint8_t>(AlertLevel::warning)) {
      f->field.meaning = "warning";
      f->field.explanation =
          "level: warning; TLS 1.3 ignores the level and judges by the description";
    } else if (f->number == static_cast<uint8_t>(AlertLevel::fatal)) {
      f->field.meaning = "fatal";
      f->field.explanation = "level: fatal, the connection is closed at once";
    } else {
      f->field.meaning = "unknown";
      f->field.explanation = "level: only 1 (warning) and 2 (fatal) are defined";
    }
  }
  if (annotate::Node* f = root.kid("description")) {
    const auto d = static_cast<AlertDescription>(f->number);
    const std::string_view n = name(d);
    f->field.meaning = n.empty() ? "unknown (" + annotate::dec(f->number) + ")" : std::string(n);
    f->field.explanation = n.empty() ? "description: an alert glasstls does not know; fatal "
                                       "unless it is a known warning"
                                     : "description: " + std::string(explain(d));
    root.field.meaning = f->field.meaning;
  }
  TraceField out = tree.finish();
  annotate::name_for_wireshark(out);
  return out;
}

}  // namespace glasstls
