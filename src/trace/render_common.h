// render_common.h (internal): helpers shared by the text, JSON and HTML trace renderers.
//
// The renderers only read events; they never fail. A field whose offset and length fall outside
// the bytes it annotates is shown with whatever part of it is there (possibly nothing).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "glasstls/trace.h"
#include "glasstls/types.h"

namespace glasstls::render {

inline constexpr std::string_view kHexDigits = "0123456789abcdef";
// kRecordHeaderLength is the size of a TLS record header (RFC 8446 section 5.1).
inline constexpr size_t kRecordHeaderLength = 5;
// kHandshakeHeaderLength is msg_type (1) and length (3), RFC 8446 section 4.
inline constexpr size_t kHandshakeHeaderLength = 4;

// hex returns `v` in lower-case hex, with `separator` between bytes unless it is '\0'.
inline std::string hex(ByteView v, char separator = '\0') {
  std::string out;
  out.reserve(v.size() * 3);
  for (size_t i = 0; i < v.size(); i++) {
    if (i > 0 && separator != '\0') {
      out.push_back(separator);
    }
    out.push_back(kHexDigits[v[i] >> 4]);
    out.push_back(kHexDigits[v[i] & 0x0f]);
  }
  return out;
}

// dec returns `v` in decimal.
inline std::string dec(uint64_t v) { return std::to_string(v); }

// field_bytes returns the part of `unit` that `f` covers, clamped to `unit`: empty when the
// field starts past the end.
inline ByteView field_bytes(ByteView unit, const TraceField& f) {
  if (f.offset >= unit.size()) {
    return {};
  }
  return unit.subspan(f.offset, std::min(f.length, unit.size() - f.offset));
}

// is_blank reports whether `f` was never filled in (an event built without annotation).
inline bool is_blank(const TraceField& f) {
  return f.name.empty() && f.children.empty() && f.length == 0 && f.explanation.empty();
}

// long_hex reports whether `value` is more than 40 hex digits: bytes better shown elsewhere
// than repeated in a line of text.
inline bool long_hex(std::string_view value) {
  if (value.starts_with("0x")) {
    value.remove_prefix(2);
  }
  return value.size() > 40 && value.find_first_not_of("0123456789abcdefABCDEF") == value.npos;
}

// value_is_bytes reports whether `f.value` only repeats `bytes` in hex ("0x0303" or "0303"),
// so a renderer that already shows the bytes need not show the value again.
inline bool value_is_bytes(const TraceField& f, ByteView bytes) {
  std::string_view v = f.value;
  if (v.starts_with("0x")) {
    v.remove_prefix(2);
  }
  return !bytes.empty() && v == hex(bytes);
}

// meaning_shows_value reports whether `f.meaning` already contains its value in parentheses,
// as "unknown (0xfe0d)" does, so that "(0xfe0d)" is not shown twice.
inline bool meaning_shows_value(const TraceField& f) {
  return !f.value.empty() && f.meaning.find("(" + f.value + ")") != std::string::npos;
}

// from_client reports whether `d` is the client's direction.
inline bool from_client(TraceDirection d) { return d == TraceDirection::kClientToServer; }

// arrow is the terminal label of a direction.
inline std::string_view arrow(TraceDirection d) { return from_client(d) ? "C -> S" : "S -> C"; }

// direction_id is the JSON name of a direction.
inline std::string_view direction_id(TraceDirection d) {
  return from_client(d) ? "client_to_server" : "server_to_client";
}

// content_type_label is the IANA name of `t`, or "content type N" when it is unknown.
inline std::string content_type_label(ContentType t) {
  const std::string_view n = name(t);
  return n.empty() ? "content type " + dec(static_cast<uint8_t>(t)) : std::string(n);
}

// message_label is the usual spelling of a handshake message ("ClientHello"): the part of its
// iana.def explanation before the colon, else its IANA name, else "handshake message N".
inline std::string message_label(HandshakeType t) {
  const std::string_view text = explain(t);
  const size_t colon = text.find(':');
  if (colon != std::string_view::npos && colon > 0) {
    return std::string(text.substr(0, colon));
  }
  const std::string_view n = name(t);
  return n.empty() ? "handshake message " + dec(static_cast<uint8_t>(t)) : std::string(n);
}

// type_id is the IANA name of a handshake message, or "unknown_N" (for JSON).
inline std::string type_id(HandshakeType t) {
  const std::string_view n = name(t);
  return n.empty() ? "unknown_" + dec(static_cast<uint8_t>(t)) : std::string(n);
}

// alert_label is the IANA name of an alert, or "alert N".
inline std::string alert_label(AlertDescription d) {
  const std::string_view n = name(d);
  return n.empty() ? "alert " + dec(static_cast<uint8_t>(d)) : std::string(n);
}

// level_label is "warning", "fatal", or "level N".
inline std::string level_label(AlertLevel l) {
  switch (l) {
    case AlertLevel::warning: return "warning";
    case AlertLevel::fatal: return "fatal";
  }
  return "level " + dec(static_cast<uint8_t>(l));
}

// alert_bytes is the 2-byte alert body that a TraceAlert's tree annotates.
inline std::array<uint8_t, 2> alert_bytes(const TraceAlert& a) {
  return {static_cast<uint8_t>(a.level), static_cast<uint8_t>(a.description)};
}

// fragment returns the record's bytes after its header (the ciphertext when encrypted).
inline ByteView fragment(const TraceRecord& r) {
  const ByteView wire = r.wire;
  return wire.size() <= kRecordHeaderLength ? ByteView() : wire.subspan(kRecordHeaderLength);
}

// content returns what the record carries in the clear: the plaintext when it was decrypted,
// the fragment of an unprotected record, nothing for a record that could not be decrypted.
inline ByteView content(const TraceRecord& r) {
  if (r.plaintext_known) {
    return r.plaintext;
  }
  return r.encrypted ? ByteView() : fragment(r);
}

// record_content_type is the record's (inner) content type: from the event, or from the wire
// header of an unprotected record when the event left it unset.
inline ContentType record_content_type(const TraceRecord& r) {
  if (r.content_type == ContentType{} && !r.encrypted && !r.wire.empty()) {
    return static_cast<ContentType>(r.wire[0]);
  }
  return r.content_type;
}

// is_printable reports whether `b` is printable ASCII.
inline bool is_printable(uint8_t b) { return b >= 0x20 && b < 0x7f; }

// ascii shows `v` as text, with '.' for bytes that are not printable ASCII.
inline std::string ascii(ByteView v) {
  std::string out;
  out.reserve(v.size());
  for (uint8_t b : v) {
    out.push_back(is_printable(b) ? static_cast<char>(b) : '.');
  }
  return out;
}

// utf8_length returns the length of the well-formed UTF-8 sequence (RFC 3629) that starts at
// `s[i]`, or 0 when the bytes there are not one.
inline size_t utf8_length(std::string_view s, size_t i) {
  const auto at = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t b = at(i);
  if (b < 0x80) {
    return 1;
  }
  size_t n = 0;
  uint8_t lo = 0x80;
  uint8_t hi = 0xbf;
  if (b >= 0xc2 && b <= 0xdf) {
    n = 2;
  } else if (b >= 0xe0 && b <= 0xef) {
    n = 3;
    lo = b == 0xe0 ? 0xa0 : 0x80;  // no overlong forms
    hi = b == 0xed ? 0x9f : 0xbf;  // no surrogates
  } else if (b >= 0xf0 && b <= 0xf4) {
    n = 4;
    lo = b == 0xf0 ? 0x90 : 0x80;
    hi = b == 0xf4 ? 0x8f : 0xbf;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (i + n > s.size()) {
    return 0;
  }
  if (at(i + 1) < lo || at(i + 1) > hi) {
    return 0;
  }
  for (size_t k = 2; k < n; k++) {
    if (at(i + k) < 0x80 || at(i + k) > 0xbf) {
      return 0;
    }
  }
  return n;
}

// code_point decodes the well-formed UTF-8 sequence of `n` bytes (utf8_length) at `s[i]`.
inline uint32_t code_point(std::string_view s, size_t i, size_t n) {
  const auto at = [&](size_t k) { return static_cast<uint32_t>(static_cast<uint8_t>(s[k])); };
  if (n == 1) {
    return at(i);
  }
  uint32_t cp = at(i) & (0xff >> (n + 1));
  for (size_t k = 1; k < n; k++) {
    cp = (cp << 6) | (at(i + k) & 0x3f);
  }
  return cp;
}

// is_hidden_control reports whether a code point beyond ASCII acts on the display rather than
// showing a character: the C1 controls (U+0080..U+009F; U+009B is CSI, which some terminals
// obey) and the bidirectional overrides and isolates (U+202A..U+202E, U+2066..U+2069), which
// reorder the text around them. Peer text must not carry them to a reader.
inline bool is_hidden_control(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

// MessageSplitter names the handshake messages that each record carries. Handshake messages
// may span records and records may hold several messages (RFC 8446 section 5.1), so it keeps,
// per direction, how much of a message is still to come.
class MessageSplitter {
 public:
  // carried returns the messages in `content`, the handshake bytes of the next record sent in
  // direction `d`: "ClientHello", or "Certificate (begins)", "Certificate (continued)" and
  // "Certificate (ends)" for one that spans records.
  std::vector<std::string> carried(TraceDirection d, ByteView content) {
    Pending& p = pending_[from_client(d) ? 0 : 1];
    std::vector<std::string> out;
    size_t i = 0;
    while (i < content.size()) {
      if (p.remaining > 0) {
        const size_t take = std::min(p.remaining, content.size() - i);
        p.remaining -= take;
        i += take;
        out.push_back(p.label + (p.remaining > 0 ? " (continued)" : " (ends)"));
        continue;
      }
      while (p.header_have < kHandshakeHeaderLength && i < content.size()) {
        p.header[p.header_have++] = content[i++];
      }
      if (p.header_have < kHandshakeHeaderLength) {
        out.push_back("the start of a handshake message header");
        break;
      }
      p.header_have = 0;
      p.label = message_label(static_cast<HandshakeType>(p.header[0]));
      const size_t length = (size_t{p.header[1]} << 16) | (size_t{p.header[2]} << 8) | p.header[3];
      const size_t here = std::min(length, content.size() - i);
      i += here;
      if (here < length) {
        p.remaining = length - here;
        out.push_back(p.label + " (begins)");
      } else {
        out.push_back(p.label);
      }
    }
    return out;
  }

 private:
  struct Pending {
    size_t remaining = 0;  // body bytes of `label` still to come
    std::string label;
    std::array<uint8_t, kHandshakeHeaderLength> header{};
    size_t header_have = 0;  // header bytes seen so far of the next message
  };
  std::array<Pending, 2> pending_;
};

// join returns `items` separated by ", ".
inline std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); i++) {
    if (i > 0) {
      out += ", ";
    }
    out += items[i];
  }
  return out;
}

// plural is "1 byte" or "N bytes".
inline std::string bytes_label(size_t n) { return dec(n) + (n == 1 ? " byte" : " bytes"); }

}  // namespace glasstls::render
