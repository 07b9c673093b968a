// render_text.cc: a trace for the terminal, one field per line with its bytes beside it.
//
//   C -> S  record  handshake, 5 + 344 bytes
//     record_header: TLS record header
//       16                content_type: handshake (22) — ...
//       03 01             legacy_record_version: TLS 1.0 — ...
//
// Leaf fields print their bytes (16 to a line); parent fields print only their name, meaning
// and explanation, since their children show the bytes.
#include <cstdio>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "glasstls/trace.h"
#include "trace/annotate_internal.h"
#include "trace/render_common.h"
#include "trace/render_protection.h"

namespace glasstls {
namespace {

using render::bytes_label;
using render::dec;
using render::hex;

// kHexColumn is the width of the byte column: fields of up to 5 bytes fit in it, so their
// explanations line up. Longer fields put their first 16 bytes before the text.
constexpr size_t kHexColumn = 18;
constexpr size_t kBytesPerLine = 16;
constexpr size_t kCiphertextShown = 32;

// SGR parameters (ECMA-48) for the parts of a line.
constexpr std::string_view kBold = "1";
constexpr std::string_view kDim = "2";
constexpr std::string_view kClient = "1;36";  // bold cyan
constexpr std::string_view kServer = "1;35";  // bold magenta
constexpr std::string_view kKey = "1;32";     // bold green
constexpr std::string_view kAlert = "1;31";   // bold red
constexpr std::string_view kNote = "33";      // yellow

// clean makes any text safe for a terminal, so that nothing from the peer can move the cursor,
// change colours or reorder what is shown: control characters (C0, DEL and the C1 controls
// U+0080..U+009F), bidirectional overrides and every byte that is not part of well-formed
// UTF-8 become \xNN (or \uNNNN for a code point). Well-formed UTF-8 otherwise passes, so the
// renderer's own "—" and "…" stay as they are.
std::string clean(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  auto escape_byte = [&](uint8_t b) {
    out += "\\x";
    out.push_back(render::kHexDigits[b >> 4]);
    out.push_back(render::kHexDigits[b & 0x0f]);
  };
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<uint8_t>(s[i]);
    const size_t n = render::utf8_length(s, i);
    if (n == 0) {
      escape_byte(b);
      i++;
      continue;
    }
    const uint32_t cp = render::code_point(s, i, n);
    if (cp < 0x20 || cp == 0x7f) {
      escape_byte(b);
    } else if (render::is_hidden_control(cp)) {
      char buf[16];
      std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(cp));
      out += buf;
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

class TextRenderer {
 public:
  explicit TextRenderer(const RenderOptions& options) : options_(options) {}

  std::string finish() { return std::move(out_); }

  void operator()(const TraceRecord& r) {
    const ContentType type = render::record_content_type(r);
    std::string detail = render::content_type_label(type);
    if (r.encrypted) {
      detail += " (encrypted)";
    }
    const size_t body = r.wire.size() > render::kRecordHeaderLength
                            ? r.wire.size() - render::kRecordHeaderLength
                            : 0;
    detail += ", 5 + " + bytes_label(body);
    banner(r.direction, "record", detail);
    const ByteView wire = r.wire;
    tree(render::is_blank(r.header) ? wire.first(std::min(wire.size(), render::kRecordHeaderLength))
                                    : wire,
         r.header, 1, r.direction);

    const ByteView content = render::content(r);
    if (r.encrypted) {
      encrypted(r);
      if (!r.plaintext_known) {
        return;
      }
    }
    if (type == ContentType::handshake) {
      const std::vector<std::string> carried = splitter_.carried(r.direction, content);
      line(r.encrypted ? 2 : 1,
           (r.encrypted ? "carries " : "fragment: " + bytes_label(content.size()) + " carrying ") +
               (carried.empty() ? std::string("nothing") : render::join(carried)) +
               " (shown below)");
      return;
    }
    if (!r.encrypted) {
      line(1, "fragment" + wireshark_label(annotate::wireshark_fragment_name(type)) + ": " +
                  bytes_label(content.size()));
      dump(content, 2);
    }
  }

  void operator()(const TraceMessage& m) {
    banner(m.direction, "handshake",
           render::message_label(m.type) + ", " + bytes_label(m.bytes.size()));
    tree(m.bytes, m.tree, 1, m.direction);
  }

  void operator()(const TraceKeyStep& k) {
    if (!options_.show_secrets) {
      return;
    }
    out_ += "\n";
    out_ += paint(kKey, "KEY   ");
    out_ += " " + paint(kBold, clean(k.step)) + "\n";
    labelled("formula", clean(k.formula));
    labelled_hex("input", k.input);
    labelled_hex("context", k.context);
    labelled_hex("output", k.output);
    if (options_.redo) {
      // Only a caller that made the key pair itself reports its private key (glasstls demo),
      // with a finite-field group's p and g.
      labelled_hex("private", k.private_key);
      labelled_hex("p", k.dh_p);
      labelled_hex("g", k.dh_g);
      if (const std::string cmd = redo_command(k); !cmd.empty()) {
        labelled("openssl", clean(cmd));
      }
    }
  }

  void operator()(const TraceAlert& a) {
    banner(a.direction, "alert",
           render::level_label(a.level) + " " + render::alert_label(a.description), kAlert);
    const auto body = render::alert_bytes(a);
    tree(body, a.tree, 1, a.direction);
  }

  void operator()(const TraceNote& n) {
    out_ += "\n" + paint(direction_style(n.direction), std::string(render::arrow(n.direction)));
    out_ += "  " + paint(kNote, "note") + "  " + clean(n.text) + "\n";
  }

  void operator()(const TraceApplicationData& d) {
    banner(d.direction, "application data", bytes_label(d.data.size()));
    dump(d.data, 1);
  }

 private:
  static std::string_view direction_style(TraceDirection d) {
    return render::from_client(d) ? kClient : kServer;
  }

  std::string paint(std::string_view sgr, std::string_view text) const {
    if (!options_.colour || text.empty()) {
      return std::string(text);
    }
    std::string out = "\x1b[";
    out += sgr;
    out += "m";
    out += text;
    out += "\x1b[0m";
    return out;
  }

  static std::string indent(size_t depth) { return std::string(2 * depth, ' '); }

  // wireshark_label is " [name]" when Wireshark's names are shown and `name` is one.
  std::string wireshark_label(std::string_view name) const {
    return options_.wireshark_names && !name.empty() ? " [" + std::string(name) + "]" : "";
  }

  void line(size_t depth, std::string_view text) {
    out_ += indent(depth);
    out_ += text;
    out_ += "\n";
  }

  // banner starts an event: the direction, what it is, and a short description.
  void banner(TraceDirection d, std::string_view kind, std::string_view detail,
              std::string_view kind_style = kBold) {
    out_ += "\n";
    out_ += paint(direction_style(d), render::arrow(d));
    out_ += "  " + paint(kind_style, kind) + "  " + clean(detail) + "\n";
  }

  // describe is the text beside a field: "name: meaning (value) — explanation". The value is
  // left out when it only repeats the bytes shown.
  std::string describe(const TraceField& f, ByteView bytes, TraceDirection d) const {
    std::string text = paint(direction_style(d), clean(f.name)) + wireshark_label(f.wireshark);
    std::string shown = clean(f.meaning);
    const bool value_useful = !f.value.empty() && f.value != f.meaning &&
                              !render::value_is_bytes(f, bytes) && !render::long_hex(f.value) &&
                              !render::meaning_shows_value(f);
    if (value_useful) {
      shown += shown.empty() ? clean(f.value) : " (" + clean(f.value) + ")";
    }
    if (!shown.empty()) {
      text += ": " + shown;
    }
    if (!f.explanation.empty()) {
      text += " — " + clean(f.explanation);
    }
    return text;
  }

  // tree prints `f` and its children; `unit` is the bytes that the offsets index.
  void tree(ByteView unit, const TraceField& f, size_t depth, TraceDirection d) {
    if (render::is_blank(f)) {
      dump(unit, depth);  // not annotated: the bytes alone
      return;
    }
    if (!f.children.empty()) {
      line(depth, describe(f, {}, d));
      for (const TraceField& child : f.children) {
        tree(unit, child, depth + 1, d);
      }
      return;
    }
    const ByteView bytes = render::field_bytes(unit, f);
    const std::string text = describe(f, bytes, d);
    if (bytes.empty()) {
      out_ += indent(depth) + std::string(kHexColumn, ' ') + text + "\n";
      return;
    }
    const std::string first = hex(bytes.first(std::min(bytes.size(), kBytesPerLine)), ' ');
    out_ += indent(depth) + paint(kDim, first);
    out_ += first.size() < kHexColumn ? std::string(kHexColumn - first.size(), ' ') : "  ";
    out_ += text + "\n";
    for (size_t i = kBytesPerLine; i < bytes.size(); i += kBytesPerLine) {
      const ByteView chunk = bytes.subspan(i, std::min(kBytesPerLine, bytes.size() - i));
      out_ += indent(depth + 1) + paint(kDim, hex(chunk, ' ')) + "\n";
    }
  }

  // encrypted prints the ciphertext of a protected record, how it was decrypted, and what the
  // plaintext was.
  void encrypted(const TraceRecord& r) {
    if (render::is_tls12_protected(r)) {
      encrypted_tls12(r);
      return;
    }
    const ByteView ciphertext = render::fragment(r);
    line(1, "ciphertext" + wireshark_label(annotate::wireshark_fragment_name(r.content_type)) +
                " (" + bytes_label(ciphertext.size()) + ", the AEAD output and tag):");
    const ByteView shown = ciphertext.first(std::min(ciphertext.size(), kCiphertextShown));
    for (size_t i = 0; i < shown.size(); i += kBytesPerLine) {
      const ByteView chunk = shown.subspan(i, std::min(kBytesPerLine, shown.size() - i));
      std::string text = paint(kDim, hex(chunk, ' '));
      if (i + kBytesPerLine >= shown.size() && shown.size() < ciphertext.size()) {
        text += " … (" + bytes_label(ciphertext.size()) + ")";
      }
      line(2, text);
    }
    if (!r.plaintext_known) {
      line(1, "not decrypted: no key for it" +
                  (r.key_label.empty() ? std::string() : " (" + clean(r.key_label) + ")"));
      return;
    }
    std::string how = "decrypted with " +
                      (r.key_label.empty() ? std::string("the traffic") : clean(r.key_label)) +
                      " key, sequence " + dec(r.sequence);
    if (options_.show_secrets && !r.nonce.empty()) {
      how += ", nonce " + paint(kDim, hex(r.nonce));
    }
    line(1, how);
    if (options_.show_secrets && !r.key.empty()) {
      line(2, "key " + paint(kDim, hex(r.key)));
    }
    redo(r);
    std::string inner = "plaintext: " + render::content_type_label(r.content_type) + ", " +
                        bytes_label(r.plaintext.size()) + ", then the inner content type " +
                        dec(static_cast<uint8_t>(r.content_type));
    inner += r.padding == 0 ? std::string(", no padding")
                            : " and " + bytes_label(r.padding) + " of zero padding";
    line(1, inner);
    if (r.content_type != ContentType::handshake) {
      dump(r.plaintext, 2);
    }
  }

  // encrypted_tls12 prints a TLS 1.2 protected record part by part: the fragment's parts, the
  // additional data (or the MAC's input), how it was decrypted, and what it decrypted to.
  void encrypted_tls12(const TraceRecord& r) {
    const ByteView frag = render::fragment(r);
    tree(frag, render::fragment_parts(r), 1, r.direction);
    if (!r.protection.additional_data.empty()) {
      const TraceField ad = render::additional_data_parts(r);
      tree(r.protection.additional_data, ad, 1, r.direction);
    }
    if (!r.plaintext_known) {
      line(1, "not decrypted: no key for it" +
                  (r.key_label.empty() ? std::string() : " (" + clean(r.key_label) + ")"));
      return;
    }
    std::string how = "decrypted with the " +
                      (r.key_label.empty() ? std::string("traffic") : clean(r.key_label)) +
                      " key, sequence " + dec(r.sequence);
    const std::string formula = render::nonce_formula(r.protection.kind);
    if (options_.show_secrets && !r.nonce.empty()) {
      how += ", nonce " + paint(kDim, hex(r.nonce)) + " = " + formula;
    } else if (!formula.empty()) {
      how += ", nonce = " + formula;
    }
    line(1, how);
    if (options_.show_secrets && !r.key.empty()) {
      line(2, "key " + paint(kDim, hex(r.key)));
    }
    if (options_.show_secrets && !r.mac_key.empty()) {
      line(2, "MAC key " + paint(kDim, hex(r.mac_key)));
    }
    redo(r);
    line(1, render::plaintext_summary(r));
    if (r.content_type != ContentType::handshake) {
      dump(r.plaintext, 2);
    }
    const Bytes tail = render::decrypted_tail(r);
    if (!tail.empty()) {
      tree(tail, render::decrypted_parts(r), 2, r.direction);
    }
  }

  // redo prints, under --redo, the openssl command that decrypts the record
  // (redo_record_command), when there is one.
  void redo(const TraceRecord& r) {
    if (!options_.redo || !options_.show_secrets) {
      return;
    }
    if (const std::string cmd = redo_record_command(r); !cmd.empty()) {
      line(2, "openssl " + clean(cmd));
    }
  }

  // dump prints bytes 16 to a line with their printable ASCII beside them.
  void dump(ByteView data, size_t depth) {
    for (size_t i = 0; i < data.size(); i += kBytesPerLine) {
      const ByteView chunk = data.subspan(i, std::min(kBytesPerLine, data.size() - i));
      std::string h = hex(chunk, ' ');
      const size_t width = kBytesPerLine * 3 - 1;
      const std::string pad(width - h.size() + 2, ' ');
      line(depth, paint(kDim, h) + pad + render::ascii(chunk));
    }
  }

  void labelled(std::string_view label, std::string_view text) {
    std::string l(label);
    l.resize(9, ' ');
    line(1, paint(kBold, l) + std::string(text));
  }

  void labelled_hex(std::string_view label, ByteView v) {
    if (v.empty()) {
      return;
    }
    std::string l(label);
    l.resize(9, ' ');
    for (size_t i = 0; i < v.size(); i += kBytesPerLine) {
      const ByteView chunk = v.subspan(i, std::min(kBytesPerLine, v.size() - i));
      line(1, (i == 0 ? paint(kBold, l) : std::string(9, ' ')) + paint(kDim, hex(chunk, ' ')));
    }
  }

  const RenderOptions& options_;
  render::MessageSplitter splitter_;
  std::string out_;
};

}  // namespace

std::string render_text(const std::vector<TraceEvent>& events, const RenderOptions& options) {
  TextRenderer renderer(options);
  for (const TraceEvent& e : events) {
    std::visit(renderer, e);
  }
  std::string out = renderer.finish();
  if (!out.empty() && out[0] == '\n') {
    out.erase(0, 1);
  }
  return out;
}

}  // namespace glasstls
