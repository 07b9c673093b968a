// trace.h: seeing a connection byte by byte.
//
// A TraceObserver attached to a Connection receives every record sent and received (the wire
// bytes and, where keys are known, the plaintext), every handshake message as an annotated tree
// of fields, alerts, application data, and — only when the caller opts in to seeing secrets —
// every step of the key schedule. With no observer attached, none of this work is done.
//
// The annotations come from the same tables as the parser (include/glasstls/iana.def and the
// message codecs), so every field the parser knows is named and explained.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "glasstls/types.h"

namespace glasstls {

using Bytes = std::vector<uint8_t>;

// TraceField is one node of an annotated byte range. Offsets are relative to the start of the
// unit that was annotated (a record, or a whole handshake message including its header).
struct TraceField {
  std::string name;         // "legacy_version", "cipher_suites", "extensions[3]"
  size_t offset = 0;        // first byte of the field
  size_t length = 0;        // bytes covered, including any length prefix
  std::string value;        // the value as text: "0x0303", "344", hex for opaque bytes
  std::string meaning;      // the decoded meaning: "TLS 1.2", "TLS_AES_128_GCM_SHA256"
  std::string explanation;  // one line on the field's role in the protocol
  std::vector<TraceField> children;
};

enum class TraceDirection : uint8_t { kClientToServer, kServerToClient };

// TraceRecord is one record as it crossed the wire.
struct TraceRecord {
  TraceDirection direction = TraceDirection::kClientToServer;
  Bytes wire;                  // header and fragment as sent or received
  TraceField header;           // the annotated 5-byte header
  bool encrypted = false;      // protected with a traffic key
  ContentType content_type{};  // the real (inner) content type when known
  bool plaintext_known = false;
  Bytes plaintext;        // the content without inner type and padding
  size_t padding = 0;     // zero bytes of padding after the inner type
  uint64_t sequence = 0;  // the record sequence number under its key
  std::string key_label;  // which traffic secret protects it, e.g. "server handshake"
  Bytes key;              // AEAD key and nonce: only when secrets are shown
  Bytes nonce;
};

// TraceMessage is one whole handshake message (it may span records, or share one).
struct TraceMessage {
  TraceDirection direction = TraceDirection::kClientToServer;
  HandshakeType type{};
  Bytes bytes;      // header and body
  TraceField tree;  // annotated fields of `bytes`
};

// TraceKeyStep is one derivation of the key schedule (RFC 8446 section 7): only reported when
// secrets are shown.
struct TraceKeyStep {
  std::string step;     // what is derived: "client_handshake_traffic_secret", "server write key"
  std::string formula;  // how: "Derive-Secret(handshake_secret, \"c hs traffic\", CH..SH)"
  Bytes input;          // the secret or key material going in
  Bytes context;        // the transcript hash or salt, when there is one
  Bytes output;
};

// TraceAlert is an alert sent or received.
struct TraceAlert {
  TraceDirection direction = TraceDirection::kClientToServer;
  AlertLevel level{};
  AlertDescription description{};
  TraceField tree;
};

// TraceNote is a plain event worth showing: "server Finished verified", "switching to ...".
struct TraceNote {
  TraceDirection direction = TraceDirection::kClientToServer;
  std::string text;
};

struct TraceApplicationData {
  TraceDirection direction = TraceDirection::kClientToServer;
  Bytes data;
};

using TraceEvent = std::variant<TraceRecord, TraceMessage, TraceKeyStep, TraceAlert, TraceNote,
                                TraceApplicationData>;

// TraceObserver receives events in the order they happen. Implementations must not call back
// into the connection. Thread safety: on_event is called on the thread that is inside the
// connection's call (receive, write, close, ...), during that call; an observer attached to one
// connection needs no locking, but one shared by connections on several threads is called
// concurrently and must synchronise itself. TraceRecorder does not: give each connection its
// own.
class TraceObserver {
 public:
  virtual ~TraceObserver() = default;
  virtual void on_event(const TraceEvent& event) = 0;
};

// TraceRecorder keeps every event, for the renderers below.
class TraceRecorder final : public TraceObserver {
 public:
  void on_event(const TraceEvent& event) override { events.push_back(event); }
  std::vector<TraceEvent> events;
};

// TraceOptions say what an observer is allowed to see.
struct TraceOptions {
  // show_secrets reports key schedule steps, traffic keys and nonces. Off by default.
  bool show_secrets = false;
};

// annotate_handshake_message annotates a whole handshake message (header and body). It never
// fails: bytes it cannot decode are shown as a field saying what was wrong.
TraceField annotate_handshake_message(std::span<const uint8_t> message);
// annotate_record_header annotates the 5-byte record header.
TraceField annotate_record_header(std::span<const uint8_t> header);
// annotate_alert annotates a 2-byte alert body.
TraceField annotate_alert(std::span<const uint8_t> alert);

// escape_text makes a string that came from the peer (a server name, an ALPN protocol, an
// alert reason quoting one) safe to print on a terminal, in a log line or inside quotes:
// printable ASCII passes unchanged except '\\' and '"', which are escaped; every other byte
// (control characters, escape sequences, bytes of 0x80 and above) becomes "\\xNN". Strings
// longer than `max` bytes are cut and end in "...".
std::string escape_text(std::string_view peer_string, size_t max = 256);

// Renderers. `title` names the trace (e.g. "glasstls demo").
struct RenderOptions {
  bool colour = false;  // ANSI colour for terminals
  bool show_secrets = true;
};
std::string render_text(const std::vector<TraceEvent>& events, const RenderOptions& options);
std::string render_json(const std::vector<TraceEvent>& events);
std::string render_html(const std::vector<TraceEvent>& events, std::string_view title);

}  // namespace glasstls
