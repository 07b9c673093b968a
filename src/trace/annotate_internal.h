// annotate_internal.h (internal): the machinery shared by the annotator's source files.
//
// The annotator walks a byte range with a Cursor (a ByteReader that knows its absolute offset)
// and builds a TraceField tree as it goes. It never fails: when bytes cannot be decoded it adds
// a field named "error" that covers the rest of the current region and says what was wrong.
//
// Regions nest like the length prefixes of the wire format. A length prefix that claims more
// bytes than its enclosing region holds is clamped to what is there; the contents are still
// annotated as far as they go, and an error then says that the vector was cut short.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "glasstls/trace.h"
#include "glasstls/types.h"
#include "msgs/handshake.h"

namespace glasstls::annotate {

using Fields = std::vector<TraceField>;

// Cursor reads one region of the annotated input. pos() and end() are offsets from the start
// of the whole input, so every field gets its absolute position.
class Cursor {
 public:
  Cursor(ByteView region, size_t base) : r_(region), base_(base) {}

  [[nodiscard]] size_t pos() const { return base_ + r_.offset(); }
  [[nodiscard]] size_t end() const { return base_ + r_.whole().size(); }
  [[nodiscard]] size_t remaining() const { return r_.remaining(); }
  [[nodiscard]] bool empty() const { return r_.empty(); }
  [[nodiscard]] ByteView rest() const { return r_.rest(); }

  // uint reads an `n`-byte big-endian integer (n is 1 to 4).
  [[nodiscard]] bool uint(size_t n, uint32_t& out);
  // take consumes up to `n` bytes: all of them when they are there, else what is left.
  ByteView take(size_t n);
  // sub consumes up to `n` bytes (as take does) and returns a cursor over them.
  Cursor sub(size_t n);
  // skip_rest consumes everything that is left.
  void skip_rest() { (void)take(remaining()); }

 private:
  ByteReader r_;
  size_t base_ = 0;
};

// Text helpers.
std::string dec(uint64_t v);
// code returns "0x" and `digits` lower-case hex digits of `v`: code(0x1301, 4) is "0x1301".
std::string code(uint32_t v, int digits);
std::string hex(ByteView v);
// hex_prefix is the first bytes of `v` in hex followed by "…" when `v` is longer.
std::string hex_prefix(ByteView v, size_t max_bytes);
// printable shows bytes from the peer as text: printable ASCII as it is, anything else (a
// control character, a byte of 0x80 or above, or a backslash) through escape_text, so that
// the result is printable ASCII and tells "\x1b" apart from an escape character.
std::string printable(ByteView v);
// certificate_compression_name is "zlib", "brotli", "zstd" or "unknown" (RFC 8879 section 3).
std::string certificate_compression_name(uint32_t v);
// plural is "1 byte" / "2 bytes".
std::string plural(size_t n, std::string_view one, std::string_view many);
// ocsp_response_meaning summarises a DER OCSPResponse on one line (status, responder, each
// certificate's status and validity), from the parser the verifier uses; printable ASCII.
std::string ocsp_response_meaning(ByteView der);

// code_name names a code point from iana.def; GREASE values are "GREASE (RFC 8701)" and values
// glasstls does not know are "unknown (0x....)".
std::string code_name(CipherSuite v);
std::string code_name(NamedGroup v);
std::string code_name(SignatureScheme v);
std::string code_name(ExtensionType v);
// code_explanation is explain(v), or a line for GREASE and unknown values.
std::string code_explanation(CipherSuite v);
std::string code_explanation(NamedGroup v);
std::string code_explanation(SignatureScheme v);
std::string code_explanation(ExtensionType v);
// version_name is "TLS 1.2" for 0x0303, derived from the ProtocolVersion rows of iana.def.
std::string version_name(uint16_t v);
std::string version_explanation(uint16_t v);

// leaf makes a field without children.
TraceField leaf(std::string name, size_t offset, size_t length, std::string value,
                std::string meaning, std::string explanation);

// Annotator holds the state of one annotation: how many errors were added and where the last
// one ended, so that an error at the end of a region is not repeated by every enclosing one.
class Annotator {
 public:
  Annotator() = default;

  [[nodiscard]] size_t errors() const { return errors_; }

  // fail adds an "error" field to `out` covering the rest of `c`, consumes it, and returns
  // false. An empty error directly after another error is dropped (it would say nothing new).
  bool fail(Cursor& c, Fields& out, std::string why);
  // need checks that `c` has `n` more bytes for `what`, or fails.
  bool need(Cursor& c, Fields& out, size_t n, std::string_view what);
  // number reads an `n`-byte integer named `name` and appends it as a leaf whose value is
  // decimal (or hex when `as_code`). Returns the leaf, valid until `out` changes, or null after
  // adding an error.
  TraceField* number(Cursor& c, Fields& out, size_t n, std::string_view name, uint32_t& v,
                     bool as_code);

  // vector annotates `T name<..>` with a `prefix_len`-byte length prefix: a node with a
  // "length" child, then whatever `body(inner, node)` adds for the contents. `what` names the
  // contents for the length's explanation. The node's explanation and meaning are the body's
  // to set. If the prefix claims more bytes than `c` has, the contents are annotated as far as
  // they go and an error follows. Returns false when the vector could not be annotated whole.
  template <typename F>
  bool vector(Cursor& c, Fields& out, size_t prefix_len, std::string name, std::string_view what,
              F&& body);

  // opaque annotates `opaque name<min..max>`: a node with "length" and a `content_name` leaf
  // (no leaf when empty). The node's value is the contents in hex. Returns the contents
  // (clamped when truncated) through `data`; false when incomplete.
  // With `as_text`, printable contents are shown as text instead of hex.
  bool opaque(Cursor& c, Fields& out, size_t prefix_len, std::string name, std::string content_name,
              std::string explanation, size_t min, size_t max, ByteView* data = nullptr,
              bool as_text = false);

  // in_truncated_vector reports, inside a vector body, whether the vector's length prefix
  // claimed more bytes than are present.
  [[nodiscard]] bool in_truncated_vector() const { return clamped_; }

  // items reads `width`-byte values until `c` is empty, naming them `list[i]` and letting
  // `each(value, leaf)` fill in meaning and explanation. Fails on a partial value.
  template <typename F>
  bool items(Cursor& c, Fields& out, size_t width, std::string_view list, F&& each);

  // extension_data annotates the body of one extension of `type` into `data`, the field the
  // codec reported for it (a bridge while the extension bodies are not yet read by their
  // codecs).
  void extension_data(ByteView body, TraceField& data, ExtensionType type,
                      msgs::ExtensionContext context);

 private:
  // extension_body decodes the extension_data of `type` into `node`.
  void extension_body(Cursor& c, TraceField& node, ExtensionType type,
                      msgs::ExtensionContext context);
  // registered_extension_body decodes the extension_data of an extension that iana.def names
  // but glasstls does not recognise. Returns false when `raw` is not one of them.
  bool registered_extension_body(Cursor& c, TraceField& node, uint16_t raw,
                                 msgs::ExtensionContext context);
  // protocol_name_list annotates a ProtocolNameList (RFC 7301 section 3.1) named `name` into
  // `data`, as ALPN and ALPS carry it; `exactly_one` for a server's answer.
  void protocol_name_list(Cursor& c, TraceField& data, std::string name, bool exactly_one);

  size_t errors_ = 0;
  size_t last_error_end_ = SIZE_MAX;
  bool clamped_ = false;
};

// bounds_note appends to `node`'s explanation when a vector of `n` bytes is outside
// `<min..max>`: the bytes decode, but a receiver rejects them.
void bounds_note(TraceField& node, size_t n, size_t min, size_t max);

template <typename F>
bool Annotator::vector(Cursor& c, Fields& out, size_t prefix_len, std::string name,
                       std::string_view what, F&& body) {
  const size_t start = c.pos();
  uint32_t declared = 0;
  if (!need(c, out, prefix_len, std::string(name) + " length") || !c.uint(prefix_len, declared)) {
    return false;
  }
  TraceField node = leaf(std::move(name), start, 0, "", "", "");
  node.children.push_back(leaf("length", start, prefix_len, dec(declared), "",
                               plural(declared, "byte", "bytes") + " of " + std::string(what) +
                                   (declared == 1 ? " follows" : " follow")));
  const size_t errors_before = errors_;
  Cursor inner = c.sub(declared);
  const bool clamped = inner.remaining() < declared;
  const bool outer_clamped = clamped_;
  clamped_ = clamped;
  body(inner, node);
  clamped_ = outer_clamped;
  bool ok = errors_ == errors_before;
  if (clamped) {
    fail(inner, node.children,
         node.name + " is truncated: its length says " + dec(declared) + " bytes, only " +
             dec(inner.end() - start - prefix_len) + " are present");
    ok = false;
  } else if (!inner.empty()) {
    // A body that stops early leaves bytes it could not account for.
    fail(inner, node.children,
         plural(inner.remaining(), "byte", "bytes") + " left over at the end of " + node.name);
    ok = false;
  }
  node.length = inner.end() - start;
  if (node.explanation.empty()) {
    node.explanation = node.name + ": a vector of " + std::string(what);
  }
  out.push_back(std::move(node));
  return ok;
}

template <typename F>
bool Annotator::items(Cursor& c, Fields& out, size_t width, std::string_view list, F&& each) {
  size_t i = 0;
  while (!c.empty()) {
    if (c.remaining() < width) {
      return fail(c, out,
                  plural(c.remaining(), "byte", "bytes") + " left over: " + std::string(list) +
                      " holds " + dec(width) + "-byte values");
    }
    const size_t offset = c.pos();
    uint32_t v = 0;
    if (!c.uint(width, v)) {
      return fail(c, out, "unreadable value");  // unreachable: the width was checked
    }
    TraceField f = leaf(std::string(list) + "[" + dec(i) + "]", offset, width,
                        code(v, static_cast<int>(width * 2)), "", "");
    each(v, f);
    out.push_back(std::move(f));
    i++;
  }
  return true;
}

}  // namespace glasstls::annotate
