// annotate_text.cc: the text helpers of the view's describers (annotate_internal.h).
#include <cstdio>

#include "trace/annotate_internal.h"
#include "x509/ocsp.h"

namespace glasstls::annotate {

std::string dec(uint64_t v) { return std::to_string(v); }

std::string code(uint32_t v, int digits) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%0*x", digits, static_cast<unsigned>(v));
  return buf;
}

std::string hex(ByteView v) { return to_hex(v); }

std::string hex_prefix(ByteView v, size_t max_bytes) {
  if (v.size() <= max_bytes) {
    return to_hex(v);
  }
  return to_hex(v.first(max_bytes)) + "\u2026";
}

std::string ocsp_response_meaning(ByteView der) {
  std::string text = x509::describe_ocsp_response(der);
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    size_t first = text.find_first_not_of(' ', start);
    if (first != std::string::npos && first < end) {
      out += (out.empty() ? "" : "; ") + text.substr(first, end - first);
    }
    start = end + 1;
  }
  return out;
}

std::string printable(ByteView v) {
  const std::string_view text(reinterpret_cast<const char*>(v.data()), v.size());
  for (uint8_t b : v) {
    if (b < 0x20 || b > 0x7e || b == '\\') {
      // Peer bytes that could move a terminal's cursor, or that are not ASCII, are shown as
      // \xNN, whole: the trace must never pass them on, nor cut a name short.
      return escape_text(text, text.size());
    }
  }
  return std::string(text);
}

std::string certificate_compression_name(uint32_t v) {
  // The CertificateCompressionAlgorithm values of RFC 8879 section 3.
  switch (v) {
    case 1: return "zlib";
    case 2: return "brotli";
    case 3: return "zstd";
    default: return "unknown";
  }
}

std::string plural(size_t n, std::string_view one, std::string_view many) {
  return dec(n) + " " + std::string(n == 1 ? one : many);
}

namespace {

template <typename E>
std::string generic_name(E v) {
  std::string_view n = name(v);
  if (!n.empty()) {
    return std::string(n);
  }
  const auto raw = static_cast<uint16_t>(v);
  if (is_grease(raw)) {
    return "GREASE (RFC 8701)";
  }
  return "unknown (" + code(raw, 4) + ")";
}

// with_article is "a group", "an extension".
std::string with_article(std::string_view noun) {
  const bool vowel =
      !noun.empty() && std::string_view("aeiou").find(noun[0]) != std::string_view::npos;
  return std::string(vowel ? "an " : "a ") + std::string(noun);
}

template <typename E>
std::string generic_explanation(E v, std::string_view kind) {
  std::string_view e = explain(v);
  if (!e.empty()) {
    return std::string(e);
  }
  if (is_grease(static_cast<uint16_t>(v))) {
    return "GREASE value (RFC 8701): meaningless, sent so that peers keep ignoring unknown " +
           std::string(kind) + " values";
  }
  return with_article(kind) + " glasstls does not know; a peer ignores it";
}

}  // namespace

std::string code_name(CipherSuite v) { return generic_name(v); }
std::string code_name(NamedGroup v) { return generic_name(v); }
std::string code_name(SignatureScheme v) { return generic_name(v); }
std::string code_name(ExtensionType v) { return generic_name(v); }
std::string code_explanation(CipherSuite v) { return generic_explanation(v, "cipher suite"); }
std::string code_explanation(NamedGroup v) { return generic_explanation(v, "group"); }
std::string code_explanation(SignatureScheme v) {
  return generic_explanation(v, "signature scheme");
}
std::string code_explanation(ExtensionType v) { return generic_explanation(v, "extension"); }

std::string version_name(uint16_t v) {
  // The identifiers of iana.def spell versions "TLSv1_2" and "SSLv3"; show them as people do.
  std::string_view n = name(static_cast<ProtocolVersion>(v));
  if (n.size() > 4 && n.substr(0, 4) == "TLSv") {
    std::string out = "TLS ";
    for (char ch : n.substr(4)) {
      out += ch == '_' ? '.' : ch;
    }
    return out;
  }
  if (n.size() > 4 && n.substr(0, 4) == "SSLv") {
    return "SSL " + std::string(n.substr(4)) + ".0";
  }
  if (is_grease(v)) {
    return "GREASE (RFC 8701)";
  }
  if ((v >> 8) == 0x7f) {
    return "TLS 1.3 draft " + dec(v & 0xff);
  }
  return "unknown (" + code(v, 4) + ")";
}

std::string version_explanation(uint16_t v) {
  std::string_view e = explain(static_cast<ProtocolVersion>(v));
  if (!e.empty()) {
    return std::string(e);
  }
  if (is_grease(v)) {
    return "GREASE value (RFC 8701): meaningless, sent so that peers keep ignoring unknown "
           "versions";
  }
  return "a version glasstls does not know; a server ignores it";
}

TraceField leaf(std::string name, size_t offset, size_t length, std::string value,
                std::string meaning, std::string explanation) {
  TraceField f;
  f.name = std::move(name);
  f.offset = offset;
  f.length = length;
  f.value = std::move(value);
  f.meaning = std::move(meaning);
  f.explanation = std::move(explanation);
  return f;
}

void bounds_note(TraceField& node, size_t n, size_t min, size_t max) {
  if (n >= min && n <= max) {
    return;
  }
  node.explanation += "; invalid: must be " + dec(min) + ".." + dec(max) +
                      " bytes long, a receiver aborts with decode_error";
}

}  // namespace glasstls::annotate
