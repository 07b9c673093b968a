// render_json.cc: a trace for programs, one event per line of a JSON document (RFC 8259).
//
//   {"events":[
//   {"kind":"record","direction":"client_to_server","wire":"1603...","header":{...},...},
//   {"kind":"handshake_message","type":"client_hello","bytes":"0100...","tree":{...}},
//   ...
//   ]}
//
// Bytes are lower-case hex strings. Fields are {"name","offset","length","value","meaning",
// "explanation","children"}. Key material appears only when the events carry it.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "glasstls/trace.h"
#include "trace/render_common.h"
#include "trace/render_protection.h"

namespace glasstls {
namespace {

// derivation_id names a TraceDerivation in the JSON output.
const char* derivation_id(TraceDerivation d) {
  switch (d) {
    case TraceDerivation::kUnknown: return "unknown";
    case TraceDerivation::kHkdfExtract: return "HKDF-Extract";
    case TraceDerivation::kHkdfExpandLabel: return "HKDF-Expand-Label";
    case TraceDerivation::kHmac: return "HMAC";
    case TraceDerivation::kTls12Prf: return "TLS1.2-PRF";
    case TraceDerivation::kKeyExchange: return "key exchange";
  }
  return "unknown";
}

using render::hex;

// escape appends `s` as a JSON string. Well-formed UTF-8 passes through; control characters,
// quotes and backslashes are escaped, and a byte that is not part of well-formed UTF-8 is
// written as the code point of the same number (\u00XX), so the output is always valid. The
// C1 controls and bidirectional overrides (render::is_hidden_control) are escaped as \uXXXX
// too: the same string to a JSON parser, but nothing that acts on a terminal showing the file.
void escape(std::string& out, std::string_view s) {
  out.push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<uint8_t>(s[i]);
    switch (b) {
      case '"':
        out += "\\\"";
        i++;
        continue;
      case '\\':
        out += "\\\\";
        i++;
        continue;
      case '\n':
        out += "\\n";
        i++;
        continue;
      case '\r':
        out += "\\r";
        i++;
        continue;
      case '\t':
        out += "\\t";
        i++;
        continue;
      default: break;
    }
    const size_t n = render::utf8_length(s, i);
    if (b < 0x20 || b == 0x7f || n == 0) {
      out += "\\u00";
      out.push_back(render::kHexDigits[b >> 4]);
      out.push_back(render::kHexDigits[b & 0x0f]);
      i++;
      continue;
    }
    const uint32_t cp = render::code_point(s, i, n);
    if (render::is_hidden_control(cp)) {
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) {
        out.push_back(render::kHexDigits[(cp >> shift) & 0x0f]);
      }
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  out.push_back('"');
}

// Object writes the members of one JSON object, with commas where they belong.
class Object {
 public:
  explicit Object(std::string& out) : out_(out) { out_.push_back('{'); }
  ~Object() { out_.push_back('}'); }
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;

  // key starts a member; the caller writes its value next.
  std::string& key(std::string_view k) {
    if (!first_) {
      out_.push_back(',');
    }
    first_ = false;
    escape(out_, k);
    out_.push_back(':');
    return out_;
  }
  void string(std::string_view k, std::string_view v) { escape(key(k), v); }
  void bytes(std::string_view k, ByteView v) { escape(key(k), hex(v)); }
  void number(std::string_view k, uint64_t v) { key(k) += std::to_string(v); }
  void boolean(std::string_view k, bool v) { key(k) += v ? "true" : "false"; }

 private:
  std::string& out_;
  bool first_ = true;
};

void field(std::string& out, const TraceField& f) {
  Object o(out);
  o.string("name", f.name);
  o.number("offset", f.offset);
  o.number("length", f.length);
  o.string("value", f.value);
  o.string("meaning", f.meaning);
  o.string("explanation", f.explanation);
  o.string("wireshark", f.wireshark);
  std::string& children = o.key("children");
  children.push_back('[');
  for (size_t i = 0; i < f.children.size(); i++) {
    if (i > 0) {
      children.push_back(',');
    }
    field(children, f.children[i]);
  }
  children.push_back(']');
}

class JsonRenderer {
 public:
  explicit JsonRenderer(std::string& out) : out_(out) {}

  void operator()(const TraceRecord& r) {
    Object o(out_);
    o.string("kind", "record");
    o.string("direction", render::direction_id(r.direction));
    o.bytes("wire", r.wire);
    field(o.key("header"), r.header);
    o.boolean("encrypted", r.encrypted);
    const ContentType type = render::record_content_type(r);
    o.string("content_type", render::content_type_label(type));
    o.number("content_type_code", static_cast<uint8_t>(type));
    o.boolean("plaintext_known", r.plaintext_known);
    if (r.plaintext_known) {
      o.bytes("plaintext", r.plaintext);
      o.number("padding", r.padding);
    }
    if (r.encrypted) {
      o.number("sequence", r.sequence);
      o.string("key_label", r.key_label);
    }
    if (!r.key.empty()) {
      o.bytes("key", r.key);
    }
    if (!r.nonce.empty()) {
      o.bytes("nonce", r.nonce);
    }
    if (!r.mac_key.empty()) {
      o.bytes("mac_key", r.mac_key);
    }
    if (!r.cipher.empty()) {
      o.string("cipher", r.cipher);
    }
    if (render::is_tls12_protected(r)) {
      protection(o.key("protection"), r);
    }
    if (const std::string cmd = redo_record_command(r); !cmd.empty()) {
      o.string("redo", cmd);
    }
  }

  // protection writes a TLS 1.2 protected record's parts, raw and annotated.
  static void protection(std::string& out, const TraceRecord& r) {
    const TraceProtection& p = r.protection;
    Object o(out);
    o.string("kind", render::protection_id(p.kind));
    o.string("name", render::protection_name(p.kind));
    o.bytes("explicit_nonce", p.explicit_nonce);
    o.bytes("ciphertext", p.ciphertext);
    o.bytes("mac", p.mac);
    o.bytes("padding", p.padding);
    o.bytes("additional_data", p.additional_data);
    field(o.key("fragment"), render::fragment_parts(r));
    if (!p.additional_data.empty()) {
      field(o.key("additional_data_tree"), render::additional_data_parts(r));
    }
    if (const std::string n = render::nonce_formula(p.kind); !n.empty()) {
      o.string("nonce_formula", n);
    }
  }

  void operator()(const TraceMessage& m) {
    Object o(out_);
    o.string("kind", "handshake_message");
    o.string("direction", render::direction_id(m.direction));
    o.string("type", render::type_id(m.type));
    o.number("type_code", static_cast<uint8_t>(m.type));
    o.bytes("bytes", m.bytes);
    field(o.key("tree"), m.tree);
  }

  void operator()(const TraceKeyStep& k) {
    Object o(out_);
    o.string("kind", "key_step");
    o.string("step", k.step);
    o.string("formula", k.formula);
    o.bytes("input", k.input);
    o.bytes("context", k.context);
    o.bytes("output", k.output);
    if (k.derivation != TraceDerivation::kUnknown) {
      o.string("derivation", derivation_id(k.derivation));
      o.string("hash", k.hash);
      o.string("label", k.label);
      o.string("redo", redo_command(k));
    }
    if (!k.private_key.empty()) {
      o.bytes("private_key", k.private_key);
    }
    if (!k.dh_p.empty()) {
      o.bytes("dh_p", k.dh_p);
      o.bytes("dh_g", k.dh_g);
    }
  }

  void operator()(const TraceAlert& a) {
    Object o(out_);
    o.string("kind", "alert");
    o.string("direction", render::direction_id(a.direction));
    o.string("level", render::level_label(a.level));
    o.number("level_code", static_cast<uint8_t>(a.level));
    o.string("description", render::alert_label(a.description));
    o.number("description_code", static_cast<uint8_t>(a.description));
    field(o.key("tree"), a.tree);
  }

  void operator()(const TraceNote& n) {
    Object o(out_);
    o.string("kind", "note");
    o.string("direction", render::direction_id(n.direction));
    o.string("text", n.text);
  }

  void operator()(const TraceApplicationData& d) {
    Object o(out_);
    o.string("kind", "application_data");
    o.string("direction", render::direction_id(d.direction));
    o.bytes("data", d.data);
  }

 private:
  std::string& out_;
};

}  // namespace

std::string render_json(const std::vector<TraceEvent>& events) {
  std::string out = "{\"events\":[";
  JsonRenderer renderer(out);
  for (size_t i = 0; i < events.size(); i++) {
    out += i == 0 ? "\n" : ",\n";
    std::visit(renderer, events[i]);
  }
  out += "\n]}\n";
  return out;
}

}  // namespace glasstls
