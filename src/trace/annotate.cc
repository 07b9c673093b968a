// annotate.cc: handshake messages, record headers and alerts as annotated field trees.
//
// A handshake message is read by the codec of its type (msgs/walk.h), which reports every field
// with its offset from the start of the message (header included); annotate_tree.cc builds the
// tree from those reports and annotate_describe.cc words it. Names, meanings and explanations
// of code points come from iana.def through name() and explain(), the tables the parser uses.
// See trace/annotate_internal.h for how malformed bytes are shown.
#include "msgs/walk.h"
#include "trace/annotate_internal.h"
#include "trace/annotate_tree.h"

namespace glasstls {

TraceField annotate_handshake_message(std::span<const uint8_t> message) {
  // The codec of the message's type reads it, reporting every field; the view only words them.
  annotate::TreeBuilder tree("handshake message", message.size(),
                             "a handshake message: 1-byte type, 3-byte length, body");
  msgs::walk_handshake_message(message, tree);
  annotate::describe_message(tree.root());
  return tree.finish();
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
