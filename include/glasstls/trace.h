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
  // wireshark is the display-filter name tshark and Wireshark give the same bytes
  // ("tls.handshake.ciphersuite", "tls.record.version"), "" when they name none. Wireshark
  // names a vector's length apart from its contents, so on a vector (a field whose first child
  // is its `length`) it names the contents, the bytes after the length: "cipher_suites" is
  // "tls.handshake.ciphersuites", its `length` "tls.handshake.cipher_suites_length".
  std::string wireshark;
  std::vector<TraceField> children;
};

enum class TraceDirection : uint8_t { kClientToServer, kServerToClient };

// TraceProtectionKind names how a protected record was protected, when the event says so.
enum class TraceProtectionKind : uint8_t {
  kUnknown,  // not said: TLS 1.3's AEAD (RFC 8446 section 5.2), with an inner content type
  // TLS 1.2 AES-GCM (RFC 5288): nonce_explicit (8 bytes), ciphertext, tag; the nonce is the
  // 4-byte salt (the write IV) || nonce_explicit.
  kTls12Gcm,
  // TLS 1.2 ChaCha20-Poly1305 (RFC 7905): ciphertext, tag; the nonce is the 12-byte write IV
  // XOR the sequence number.
  kTls12ChaCha20Poly1305,
  // TLS 1.2 CBC, MAC-then-encrypt (RFC 5246 section 6.2.3.2): IV, CBC(content || MAC || padding).
  kTls12CbcMacThenEncrypt,
  // TLS 1.2 CBC, encrypt-then-MAC (RFC 7366): IV, CBC(content || padding), MAC.
  kTls12CbcEncryptThenMac,
};

// TraceProtection is what a TLS 1.2 record's protection put around its content, part by part
// (empty parts do not apply to the kind). A TLS 1.2 record has no inner content type: its
// header's type is its content's.
struct TraceProtection {
  TraceProtectionKind kind = TraceProtectionKind::kUnknown;
  Bytes explicit_nonce;  // what the fragment starts with: GCM's nonce_explicit, or CBC's IV
  Bytes ciphertext;      // the encrypted part (without explicit nonce, tag or encrypt-then-MAC MAC)
  Bytes mac;             // the AEAD tag, or the CBC MAC (decrypted, under MAC-then-encrypt)
  Bytes padding;         // CBC: the padding with its padding_length byte, decrypted
  // additional_data is seq_num || type || version || length: the AEAD's additional data, or the
  // first 13 bytes of the MAC's input (the MAC then covers the content under MAC-then-encrypt,
  // the IV and ciphertext under encrypt-then-MAC, and length counts those).
  Bytes additional_data;
};

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
  Bytes mac_key;  // TLS 1.2 CBC: the MAC key, only when secrets are shown
  // cipher is the record's cipher as OpenSSL names it, when the reporter says: "AES-128-GCM",
  // "AES-256-GCM", "ChaCha20-Poly1305", "AES-128-CBC", "AES-256-CBC".
  std::string cipher;
  // protection names the parts of a TLS 1.2 protected record (kind kUnknown otherwise).
  TraceProtection protection;
};

// TraceMessage is one whole handshake message (it may span records, or share one).
struct TraceMessage {
  TraceDirection direction = TraceDirection::kClientToServer;
  HandshakeType type{};
  Bytes bytes;      // header and body
  TraceField tree;  // annotated fields of `bytes`
};

// TraceDerivation names the function that computed a TraceKeyStep's output from its input and
// context, so that a reader can redo the step by hand (redo_command).
enum class TraceDerivation : uint8_t {
  kUnknown,          // not said (a secret read from a key log, a key exchange)
  kHkdfExtract,      // HKDF-Extract(salt = context, IKM = input), RFC 5869
  kHkdfExpandLabel,  // HKDF-Expand-Label(Secret = input, label, Context = context, output size)
  kHmac,             // HMAC(key = input, message = context)
  kTls12Prf,         // PRF(secret = input, label, seed = context), RFC 5246 section 5
  // The (EC)DHE shared secret in the group `label` names ("x25519", "secp256r1", "ffdhe2048";
  // a finite-field group's prime and generator are `dh_p` and `dh_g`), with the peer's public
  // key as `input` and our own private key as `private_key`. The library never reports a
  // private key: only a caller that made the key pair itself (glasstls demo) fills the step in
  // so.
  kKeyExchange,
};

// TraceKeyStep is one derivation of the key schedule (RFC 8446 section 7): only reported when
// secrets are shown.
struct TraceKeyStep {
  std::string step;     // what is derived: "client_handshake_traffic_secret", "server write key"
  std::string formula;  // how: "Derive-Secret(handshake_secret, \"c hs traffic\", CH..SH)"
  Bytes input;          // the secret or key material going in
  Bytes context;        // the transcript hash or salt, when there is one
  Bytes output;
  // How `output` was computed from `input` and `context`, when the reporter says so: the
  // function, its hash as OpenSSL names it ("SHA256", "SHA384") and the label of an
  // HKDF-Expand-Label (without "tls13 ") or of the PRF ("master secret").
  TraceDerivation derivation = TraceDerivation::kUnknown;
  std::string hash;
  std::string label;
  // kKeyExchange only: the raw X25519/X448 key, the NIST curve scalar or the finite-field
  // exponent x (big-endian).
  Bytes private_key;
  Bytes dh_p;  // kKeyExchange in a finite-field group: p and g, big-endian
  Bytes dh_g;
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
// annotate_record_header annotates the 5-byte record header of a record of `version`: TLS 1.2
// (and older) words legacy_record_version as the negotiated version and the limits as 2^14 and
// 2^14 + 2048; TLS 1.3 as the overload above.
TraceField annotate_record_header(std::span<const uint8_t> header, ProtocolVersion version);
// annotate_alert annotates a 2-byte alert body.
TraceField annotate_alert(std::span<const uint8_t> alert);

// escape_text makes a string that came from the peer (a server name, an ALPN protocol, an
// alert reason quoting one) safe to print on a terminal, in a log line or inside quotes:
// printable ASCII passes unchanged except '\\' and '"', which are escaped; every other byte
// (control characters, escape sequences, bytes of 0x80 and above) becomes "\\xNN". Strings
// longer than `max` bytes are cut and end in "...".
std::string escape_text(std::string_view peer_string, size_t max = 256);

// redo_command returns a POSIX shell command line that recomputes `step.output` from the values
// printed beside it with the openssl 3.0 command line: `openssl kdf ... HKDF` (mode
// EXTRACT_ONLY, or EXPAND_ONLY with the HkdfLabel structure of RFC 8446 section 7.1 as info, in
// hex), `openssl kdf ... TLS1-PRF`, `openssl mac ... HMAC` fed by `xxd -r -p`, or, for a key
// exchange in x25519, x448, secp256r1 or secp384r1, or in a finite-field group given by
// `dh_p` and `dh_g`, `openssl pkeyutl -derive` given the private key as PEM on its standard
// input and the peer's key as a PEM file the command writes (with mktemp) and removes. A
// finite-field secret comes out as the step shows it: left-padded with zeros to the size of p
// (`-pkeyopt dh_pad:1`) when the output is that long, as TLS 1.3 and the key exchange give it,
// and without its leading zero bytes otherwise, as TLS 1.2's pre-master secret. openssl prints
// the result in upper-case hex (`kdf` with a colon between bytes; xxd in lower case). It
// returns "" when the step does not say how it was derived (derivation kUnknown, or no hash
// for a KDF) or when the values cannot have come from that derivation (an HKDF-Expand-Label
// label or context over 255 bytes, a key of the wrong size for its group, a finite-field key
// or peer value outside 1 < x < p-1, an output longer than p).
std::string redo_command(const TraceKeyStep& step);

// redo_record_command returns a POSIX shell command line that decrypts `record`'s ciphertext
// with `openssl enc` from the key and nonce (or IV) printed beside it, and prints in hex, with
// `xxd -p`, everything the cipher decrypts: a TLS 1.3 record's TLSInnerPlaintext (the content,
// the inner content type, the zero padding), a TLS 1.2 AEAD record's content, a CBC record's
// content || MAC || padding (MAC-then-encrypt) or content || padding (encrypt-then-MAC). openssl
// enc has no AEAD mode, so the tag is NOT checked: AES-GCM is decrypted as AES-CTR from the
// counter block nonce || 00000002 (GCM's first keystream block, NIST SP 800-38D), and
// ChaCha20-Poly1305 as ChaCha20 with the 16-byte IV block counter 1 (32-bit little-endian) ||
// nonce (RFC 8439 section 2.8). For CBC the command then prints, on its own line, the MAC that
// `openssl mac ... HMAC` computes with the MAC key over the MAC input the view shows
// (additional_data || content under MAC-then-encrypt, additional_data || IV || ciphertext
// under encrypt-then-MAC), in upper-case hex, to compare with the record's MAC. It returns ""
// when the record was not decrypted, its key (and, for CBC, MAC key) is not shown, or its
// cipher is not known: a TLS 1.3 record with a 32-byte key needs `cipher` (AES-256-GCM or
// ChaCha20-Poly1305).
std::string redo_record_command(const TraceRecord& record);

// Renderers. `title` names the trace (e.g. "glasstls demo").
struct RenderOptions {
  bool colour = false;  // ANSI colour for terminals
  bool show_secrets = true;
  // redo adds, under each key step that says how it was derived, the openssl command that
  // recomputes it (redo_command), and under each decrypted record whose key is shown the one
  // that decrypts it (redo_record_command). JSON always carries them ("redo"), and the HTML
  // page always shows them.
  bool redo = false;
  // wireshark_names shows beside each field the name tshark and Wireshark give its bytes
  // (TraceField::wireshark), and beside a change_cipher_spec or application data fragment
  // theirs. JSON always carries it ("wireshark"), and the HTML page shows it beside each field.
  bool wireshark_names = false;
};
std::string render_text(const std::vector<TraceEvent>& events, const RenderOptions& options);
std::string render_json(const std::vector<TraceEvent>& events);
std::string render_html(const std::vector<TraceEvent>& events, std::string_view title);

}  // namespace glasstls
