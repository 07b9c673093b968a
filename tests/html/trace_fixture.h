// trace_fixture.h: a hand-built trace of a whole TLS 1.3 connection, for the renderer tests.
//
// The events are what an annotating observer reports: a ClientHello and a ServerHello in the
// clear, change_cipher_spec records, the server's and client's encrypted flights with their
// plaintext, key schedule steps, application data both ways and close_notify alerts. Every
// TraceField carries the offset and length of the bytes it describes, so the renderers can take
// each leaf's bytes from the record or message.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "glasstls/trace.h"
#include "glasstls/types.h"

namespace glasstls::testing {

// FieldBuilder appends bytes and the TraceField tree describing them at the same time.
class FieldBuilder {
 public:
  // open starts a field with children; close ends it and fixes its length.
  void open(std::string name, std::string meaning, std::string explanation) {
    TraceField f;
    f.name = std::move(name);
    f.offset = bytes_.size();
    f.meaning = std::move(meaning);
    f.explanation = std::move(explanation);
    stack_.push_back(std::move(f));
  }
  void close() {
    TraceField f = std::move(stack_.back());
    stack_.pop_back();
    f.length = bytes_.size() - f.offset;
    add(std::move(f));
  }
  // leaf appends `data` as one field.
  void leaf(std::string name, const Bytes& data, std::string value, std::string meaning,
            std::string explanation) {
    TraceField f;
    f.name = std::move(name);
    f.offset = bytes_.size();
    f.length = data.size();
    f.value = std::move(value);
    f.meaning = std::move(meaning);
    f.explanation = std::move(explanation);
    for (uint8_t b : data) {
      bytes_.push_back(b);
    }
    add(std::move(f));
  }
  // finish returns the bytes and the single root field.
  std::pair<Bytes, TraceField> finish() { return {std::move(bytes_), std::move(root_)}; }

 private:
  void add(TraceField f) {
    if (stack_.empty()) {
      root_ = std::move(f);
    } else {
      stack_.back().children.push_back(std::move(f));
    }
  }
  Bytes bytes_;
  std::vector<TraceField> stack_;
  TraceField root_;
};

// B makes bytes from a list (copying element by element: see the GCC 12 note in STYLE).
inline Bytes B(std::initializer_list<int> values) {
  Bytes out;
  out.reserve(values.size());
  for (int v : values) {
    out.push_back(static_cast<uint8_t>(v));
  }
  return out;
}

// Pattern returns `n` bytes that look random but are fixed.
inline Bytes Pattern(size_t n, uint8_t seed) {
  Bytes out;
  out.reserve(n);
  uint32_t x = seed * 2654435761u + 12345;
  for (size_t i = 0; i < n; i++) {
    x = x * 1103515245u + 12345;
    out.push_back(static_cast<uint8_t>(x >> 16));
  }
  return out;
}

inline Bytes Text(std::string_view s) { return Bytes(s.begin(), s.end()); }

inline Bytes U16(size_t v) { return B({static_cast<int>(v >> 8), static_cast<int>(v & 0xff)}); }

inline Bytes U24(size_t v) {
  return B(
      {static_cast<int>(v >> 16), static_cast<int>((v >> 8) & 0xff), static_cast<int>(v & 0xff)});
}

inline std::string Hex(const Bytes& v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : v) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0f]);
  }
  return out;
}

inline Bytes Concat(const Bytes& a, const Bytes& b) {
  Bytes out;
  out.reserve(a.size() + b.size());
  for (uint8_t x : a) {
    out.push_back(x);
  }
  for (uint8_t x : b) {
    out.push_back(x);
  }
  return out;
}

// RecordHeader annotates a 5-byte record header, as annotate_record_header would.
inline TraceField RecordHeader(uint8_t type, uint16_t version, size_t length) {
  FieldBuilder f;
  f.open("record_header", "", "TLSPlaintext header: every record starts with these five bytes");
  std::string type_name = type == 22   ? "handshake"
                          : type == 20 ? "change_cipher_spec"
                          : type == 21 ? "alert"
                                       : "application_data";
  f.leaf("content_type", B({type}), std::to_string(type), type_name,
         type == 23 ? "record type 23: application_data, the outer type of every encrypted record"
                    : "record type " + std::to_string(type) + ": " + type_name);
  f.leaf("legacy_record_version", U16(version), version == 0x0301 ? "0x0301" : "0x0303",
         version == 0x0301 ? "TLS 1.0" : "TLS 1.2",
         version == 0x0301 ? "legacy record version TLS 1.0, kept for middlebox compatibility"
                           : "legacy record version TLS 1.2, fixed in TLS 1.3 records");
  f.leaf("length", U16(length), std::to_string(length), "",
         std::to_string(length) + " bytes follow");
  f.close();
  return f.finish().second;
}

// PlainRecord is an unprotected record carrying `body`.
inline TraceRecord PlainRecord(TraceDirection d, ContentType type, uint16_t version,
                               const Bytes& body) {
  TraceRecord r;
  r.direction = d;
  r.wire = Concat(Concat(B({static_cast<uint8_t>(type)}), U16(version)), U16(body.size()));
  r.wire = Concat(r.wire, body);
  r.header = RecordHeader(static_cast<uint8_t>(type), version, body.size());
  r.content_type = type;
  return r;
}

// SealedRecord is a protected record whose plaintext is `plaintext` of inner type `type`.
inline TraceRecord SealedRecord(TraceDirection d, ContentType type, const Bytes& plaintext,
                                std::string key_label, uint64_t sequence, uint8_t seed) {
  constexpr size_t kTag = 16;
  const size_t length = plaintext.size() + 1 + kTag;
  TraceRecord r;
  r.direction = d;
  r.wire = Concat(B({23, 3, 3}), U16(length));
  r.wire = Concat(r.wire, Pattern(length, seed));
  r.header = RecordHeader(23, 0x0303, length);
  r.encrypted = true;
  r.content_type = type;
  r.plaintext_known = true;
  r.plaintext = plaintext;
  r.sequence = sequence;
  r.key_label = std::move(key_label);
  r.key = Pattern(16, static_cast<uint8_t>(seed + 1));
  r.nonce = Pattern(12, static_cast<uint8_t>(seed + 2));
  return r;
}

// HandshakeHeader adds msg_type and length to a message under construction.
inline void HandshakeHeader(FieldBuilder& f, uint8_t type, std::string type_name,
                            size_t body_length) {
  f.leaf("msg_type", B({type}), std::to_string(type), type_name,
         "handshake message type " + std::to_string(type));
  f.leaf("length", U24(body_length), std::to_string(body_length), "",
         std::to_string(body_length) + " bytes of handshake message body follow");
}

inline TraceMessage ClientHello() {
  const Bytes random = Pattern(32, 1);
  const Bytes session_id = Pattern(32, 2);
  const Bytes share = Pattern(32, 3);
  const Bytes host = Text("example.com");
  // Extensions, sized up front so the length fields are right.
  const size_t sni = 4 + 2 + 1 + 2 + host.size();
  const size_t versions = 4 + 1 + 2;
  const size_t groups = 4 + 2 + 4;
  const size_t key_share = 4 + 2 + 2 + 2 + share.size();
  const size_t sigs = 4 + 2 + 6;
  const size_t extensions = sni + versions + groups + key_share + sigs;
  const size_t body = 2 + 32 + 1 + 32 + 2 + 6 + 1 + 1 + 2 + extensions;

  FieldBuilder f;
  f.open("client_hello", "ClientHello", "the client's offer: versions, suites, key shares");
  HandshakeHeader(f, 1, "client_hello", body);
  f.leaf("legacy_version", U16(0x0303), "0x0303", "TLS 1.2",
         "frozen at TLS 1.2; supported_versions carries the real offer");
  f.leaf("random", random, Hex(random), "", "32 bytes from the client's random generator");
  f.open("legacy_session_id", "32 bytes", "a fake session id, so middleboxes see a resumption");
  f.leaf("length", B({32}), "32", "", "32 bytes of session id follow");
  f.leaf("session_id", session_id, Hex(session_id), "", "random; the server echoes it");
  f.close();
  f.open("cipher_suites", "3 suites", "the AEAD and hash pairs the client accepts, best first");
  f.leaf("length", U16(6), "6", "", "6 bytes of cipher suites follow");
  f.leaf("cipher_suites[0]", U16(0x1301), "0x1301", "TLS_AES_128_GCM_SHA256",
         "AES-128 in GCM mode with SHA-256");
  f.leaf("cipher_suites[1]", U16(0x1302), "0x1302", "TLS_AES_256_GCM_SHA384",
         "AES-256 in GCM mode with SHA-384");
  f.leaf("cipher_suites[2]", U16(0x1303), "0x1303", "TLS_CHACHA20_POLY1305_SHA256",
         "ChaCha20-Poly1305 with SHA-256");
  f.close();
  f.open("legacy_compression_methods", "null", "must be exactly one byte, 0 (no compression)");
  f.leaf("length", B({1}), "1", "", "1 byte of compression methods follows");
  f.leaf("compression_methods[0]", B({0}), "0", "null", "no compression");
  f.close();
  f.open("extensions", "5 extensions", "everything new since TLS 1.2 lives in extensions");
  f.leaf("length", U16(extensions), std::to_string(extensions), "",
         std::to_string(extensions) + " bytes of extensions follow");

  f.open("extensions[0]", "server_name", "the host name the client wants (SNI)");
  f.leaf("extension_type", U16(0), "0x0000", "server_name", "extension type 0: server_name");
  f.leaf("extension_length", U16(sni - 4), std::to_string(sni - 4), "", "bytes of data follow");
  f.leaf("server_name_list length", U16(sni - 6), std::to_string(sni - 6), "",
         "bytes of names follow");
  f.leaf("name_type", B({0}), "0", "host_name", "the only name type: a DNS host name");
  f.leaf("host_name length", U16(host.size()), std::to_string(host.size()), "",
         "bytes of host name follow");
  f.leaf("host_name", host, "example.com", "example.com", "the server the client asked for");
  f.close();

  f.open("extensions[1]", "supported_versions", "the versions the client speaks, best first");
  f.leaf("extension_type", U16(43), "0x002b", "supported_versions",
         "extension type 43: supported_versions");
  f.leaf("extension_length", U16(3), "3", "", "3 bytes of data follow");
  f.leaf("versions length", B({2}), "2", "", "2 bytes of versions follow");
  f.leaf("versions[0]", U16(0x0304), "0x0304", "TLS 1.3", "the client offers TLS 1.3 only");
  f.close();

  f.open("extensions[2]", "supported_groups", "the key exchange groups the client accepts");
  f.leaf("extension_type", U16(10), "0x000a", "supported_groups",
         "extension type 10: supported_groups");
  f.leaf("extension_length", U16(6), "6", "", "6 bytes of data follow");
  f.leaf("named_group_list length", U16(4), "4", "", "4 bytes of groups follow");
  f.leaf("named_group_list[0]", U16(0x001d), "0x001d", "x25519", "Curve25519 ECDH (RFC 7748)");
  f.leaf("named_group_list[1]", U16(0x0017), "0x0017", "secp256r1", "NIST P-256 ECDH");
  f.close();

  f.open("extensions[3]", "key_share", "the client's ephemeral public keys, guessed ahead");
  f.leaf("extension_type", U16(51), "0x0033", "key_share", "extension type 51: key_share");
  f.leaf("extension_length", U16(key_share - 4), std::to_string(key_share - 4), "",
         "bytes of key shares follow");
  f.leaf("client_shares length", U16(key_share - 6), std::to_string(key_share - 6), "",
         "bytes of KeyShareEntry follow");
  f.open("client_shares[0]", "x25519", "one key share: a group and a public key");
  f.leaf("group", U16(0x001d), "0x001d", "x25519", "the share is for x25519");
  f.leaf("key_exchange length", U16(32), "32", "", "32 bytes of public key follow");
  f.leaf("key_exchange", share, Hex(share), "", "the client's x25519 public key");
  f.close();
  f.close();

  f.open("extensions[4]", "signature_algorithms", "signatures the client can verify");
  f.leaf("extension_type", U16(13), "0x000d", "signature_algorithms",
         "extension type 13: signature_algorithms");
  f.leaf("extension_length", U16(8), "8", "", "8 bytes of data follow");
  f.leaf("supported_signature_algorithms length", U16(6), "6", "", "6 bytes of schemes follow");
  f.leaf("supported_signature_algorithms[0]", U16(0x0403), "0x0403", "ecdsa_secp256r1_sha256",
         "ECDSA with P-256 and SHA-256");
  f.leaf("supported_signature_algorithms[1]", U16(0x0804), "0x0804", "rsa_pss_rsae_sha256",
         "RSASSA-PSS with SHA-256");
  f.leaf("supported_signature_algorithms[2]", U16(0x0807), "0x0807", "ed25519",
         "EdDSA over Curve25519");
  f.close();
  f.close();  // extensions
  f.close();  // client_hello

  auto [bytes, tree] = f.finish();
  TraceMessage m;
  m.direction = TraceDirection::kClientToServer;
  m.type = HandshakeType::client_hello;
  m.bytes = std::move(bytes);
  m.tree = std::move(tree);
  return m;
}

inline TraceMessage ServerHello() {
  const Bytes random = Pattern(32, 4);
  const Bytes session_id = Pattern(32, 2);  // the client's, echoed
  const Bytes share = Pattern(32, 5);
  const size_t extensions = 6 + (4 + 2 + 2 + 32);
  const size_t body = 2 + 32 + 1 + 32 + 2 + 1 + 2 + extensions;

  FieldBuilder f;
  f.open("server_hello", "ServerHello", "the server's choice from the client's offer");
  HandshakeHeader(f, 2, "server_hello", body);
  f.leaf("legacy_version", U16(0x0303), "0x0303", "TLS 1.2", "frozen at TLS 1.2");
  f.leaf("random", random, Hex(random), "", "32 random bytes; the last 8 would signal a downgrade");
  f.open("legacy_session_id_echo", "32 bytes", "the client's legacy_session_id, echoed");
  f.leaf("length", B({32}), "32", "", "32 bytes of session id follow");
  f.leaf("session_id", session_id, Hex(session_id), "", "the same bytes the client sent");
  f.close();
  f.leaf("cipher_suite", U16(0x1301), "0x1301", "TLS_AES_128_GCM_SHA256",
         "the server picked AES-128-GCM with SHA-256");
  f.leaf("legacy_compression_method", B({0}), "0", "null", "always 0 in TLS 1.3");
  f.open("extensions", "2 extensions", "only what TLS 1.3 needs in the clear");
  f.leaf("length", U16(extensions), std::to_string(extensions), "",
         std::to_string(extensions) + " bytes of extensions follow");
  f.open("extensions[0]", "supported_versions", "the version the server chose");
  f.leaf("extension_type", U16(43), "0x002b", "supported_versions",
         "extension type 43: supported_versions");
  f.leaf("extension_length", U16(2), "2", "", "2 bytes of data follow");
  f.leaf("selected_version", U16(0x0304), "0x0304", "TLS 1.3", "this connection is TLS 1.3");
  f.close();
  f.open("extensions[1]", "key_share", "the server's half of the key exchange");
  f.leaf("extension_type", U16(51), "0x0033", "key_share", "extension type 51: key_share");
  f.leaf("extension_length", U16(36), "36", "", "36 bytes of data follow");
  f.leaf("group", U16(0x001d), "0x001d", "x25519", "the group of the client's share it used");
  f.leaf("key_exchange length", U16(32), "32", "", "32 bytes of public key follow");
  f.leaf("key_exchange", share, Hex(share), "", "the server's x25519 public key");
  f.close();
  f.close();
  f.close();

  auto [bytes, tree] = f.finish();
  TraceMessage m;
  m.direction = TraceDirection::kServerToClient;
  m.type = HandshakeType::server_hello;
  m.bytes = std::move(bytes);
  m.tree = std::move(tree);
  return m;
}

inline TraceMessage EncryptedExtensions() {
  FieldBuilder f;
  f.open("encrypted_extensions", "EncryptedExtensions",
         "server parameters sent under handshake keys");
  HandshakeHeader(f, 8, "encrypted_extensions", 2);
  f.open("extensions", "none", "no extensions needed protecting");
  f.leaf("length", U16(0), "0", "", "0 bytes of extensions follow");
  f.close();
  f.close();
  auto [bytes, tree] = f.finish();
  TraceMessage m;
  m.direction = TraceDirection::kServerToClient;
  m.type = HandshakeType::encrypted_extensions;
  m.bytes = std::move(bytes);
  m.tree = std::move(tree);
  return m;
}

inline TraceMessage Finished(TraceDirection d, uint8_t seed) {
  const Bytes verify = Pattern(32, seed);
  const bool client = d == TraceDirection::kClientToServer;
  FieldBuilder f;
  f.open("finished", "Finished",
         client ? "the client's MAC over the whole handshake"
                : "the server's MAC over the handshake so far");
  HandshakeHeader(f, 20, "finished", 32);
  f.leaf("verify_data", verify, Hex(verify), "",
         client ? "HMAC(client finished_key, transcript hash)"
                : "HMAC(server finished_key, transcript hash)");
  f.close();
  auto [bytes, tree] = f.finish();
  TraceMessage m;
  m.direction = d;
  m.type = HandshakeType::finished;
  m.bytes = std::move(bytes);
  m.tree = std::move(tree);
  return m;
}

inline TraceKeyStep KeyStep(std::string step, std::string formula, size_t input, size_t context,
                            size_t output, uint8_t seed) {
  TraceKeyStep k;
  k.step = std::move(step);
  k.formula = std::move(formula);
  k.input = Pattern(input, seed);
  k.context = Pattern(context, static_cast<uint8_t>(seed + 100));
  k.output = Pattern(output, static_cast<uint8_t>(seed + 200));
  return k;
}

inline TraceAlert CloseNotify(TraceDirection d) {
  FieldBuilder f;
  f.open("alert", "warning close_notify", "an alert message");
  f.leaf("level", B({1}), "1", "warning", "alert level 1: warning");
  f.leaf("description", B({0}), "0", "close_notify", "the sender will send no more data");
  f.close();
  TraceAlert a;
  a.direction = d;
  a.level = AlertLevel::warning;
  a.description = AlertDescription::close_notify;
  a.tree = f.finish().second;
  return a;
}

inline TraceNote Note(TraceDirection d, std::string text) {
  TraceNote n;
  n.direction = d;
  n.text = std::move(text);
  return n;
}

inline TraceApplicationData AppData(TraceDirection d, std::string_view text) {
  TraceApplicationData a;
  a.direction = d;
  a.data = Text(text);
  return a;
}

// kRequest and kResponse are the application data of the fixture.
inline constexpr std::string_view kRequest = "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n";
inline constexpr std::string_view kResponse = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";

// FixtureEvents is a whole connection: handshake, a request and response, and closure.
inline std::vector<TraceEvent> FixtureEvents() {
  constexpr auto kC = TraceDirection::kClientToServer;
  constexpr auto kS = TraceDirection::kServerToClient;
  std::vector<TraceEvent> events;

  const TraceMessage ch = ClientHello();
  events.push_back(PlainRecord(kC, ContentType::handshake, 0x0301, ch.bytes));
  events.push_back(ch);

  const TraceMessage sh = ServerHello();
  events.push_back(PlainRecord(kS, ContentType::handshake, 0x0303, sh.bytes));
  events.push_back(sh);

  events.push_back(KeyStep("early_secret", "HKDF-Extract(salt=0, IKM=00...00)", 32, 0, 32, 10));
  events.push_back(KeyStep("handshake_secret",
                           "HKDF-Extract(Derive-Secret(early_secret, \"derived\", \"\"), ECDHE)",
                           32, 32, 32, 11));
  events.push_back(KeyStep("server_handshake_traffic_secret",
                           "Derive-Secret(handshake_secret, \"s hs traffic\", "
                           "ClientHello..ServerHello)",
                           32, 32, 32, 12));
  events.push_back(KeyStep("server handshake write key",
                           "HKDF-Expand-Label(server_handshake_traffic_secret, \"key\", \"\", 16)",
                           32, 0, 16, 13));

  events.push_back(PlainRecord(kS, ContentType::change_cipher_spec, 0x0303, B({1})));

  const TraceMessage ee = EncryptedExtensions();
  const TraceMessage sf = Finished(kS, 20);
  events.push_back(SealedRecord(kS, ContentType::handshake, Concat(ee.bytes, sf.bytes),
                                "server handshake", 0, 30));
  events.push_back(ee);
  events.push_back(sf);
  events.push_back(Note(kS, "server Finished verified"));

  events.push_back(PlainRecord(kC, ContentType::change_cipher_spec, 0x0303, B({1})));
  const TraceMessage cf = Finished(kC, 21);
  events.push_back(SealedRecord(kC, ContentType::handshake, cf.bytes, "client handshake", 0, 40));
  events.push_back(cf);

  events.push_back(KeyStep("client_application_traffic_secret_0",
                           "Derive-Secret(master_secret, \"c ap traffic\", "
                           "ClientHello..server Finished)",
                           32, 32, 32, 14));
  events.push_back(Note(kC, "handshake complete: TLS 1.3, TLS_AES_128_GCM_SHA256, x25519"));

  events.push_back(SealedRecord(kC, ContentType::application_data, Text(kRequest),
                                "client application traffic", 0, 50));
  events.push_back(AppData(kC, kRequest));
  events.push_back(SealedRecord(kS, ContentType::application_data, Text(kResponse),
                                "server application traffic", 0, 60));
  events.push_back(AppData(kS, kResponse));

  events.push_back(
      SealedRecord(kC, ContentType::alert, B({1, 0}), "client application traffic", 1, 70));
  events.push_back(CloseNotify(kC));
  events.push_back(
      SealedRecord(kS, ContentType::alert, B({1, 0}), "server application traffic", 1, 80));
  events.push_back(CloseNotify(kS));
  return events;
}

// kHostile is what a hostile peer might put in a host name, an ALPN protocol or application
// data: an escape sequence that clears the screen, a carriage return and a line feed, markup
// that would run a script and log "INJECTED" if a page let it through, the C1 control CSI
// (U+009B) and a right-to-left override (U+202E) in UTF-8, and bytes that are not UTF-8.
inline const std::string kHostile = std::string(
    "a\x1b[2J\r\n</script><script>console.log('INJECTED')</script>"
    "<img src=x onerror=console.log('INJECTED')>\xc2\x9b"
    "31m\xe2\x80\xae\xff\xfe z");

// HostileClientHello is a ClientHello whose server_name and ALPN protocol are kHostile,
// annotated by the real annotator (the fields keep the peer's bytes, escaped or not).
inline TraceMessage HostileClientHello() {
  const Bytes host = Text(kHostile);
  const Bytes server_name =
      Concat(U16(host.size() + 3), Concat(Concat(B({0}), U16(host.size())), host));
  const Bytes protocol = Concat(B({static_cast<int>(host.size())}), host);
  const Bytes alpn = Concat(U16(protocol.size()), protocol);
  Bytes extensions = Concat(Concat(U16(0), U16(server_name.size())), server_name);
  extensions = Concat(extensions, Concat(Concat(U16(16), U16(alpn.size())), alpn));
  Bytes body = Concat(U16(0x0303), Pattern(32, 5));
  body = Concat(body, B({0, 0, 2, 0x13, 0x01, 1, 0}));
  body = Concat(body, Concat(U16(extensions.size()), extensions));
  TraceMessage m;
  m.direction = TraceDirection::kClientToServer;
  m.type = HandshakeType::client_hello;
  m.bytes = Concat(Concat(B({1}), U24(body.size())), body);
  m.tree = annotate_handshake_message(m.bytes);
  return m;
}

// HostileEvents puts kHostile everywhere a peer's text can reach a trace: a ClientHello's
// names, application data, a note quoting the peer, an alert the peer made up, and (as a
// renderer must not rely on the annotator) the raw string in a field's meaning and explanation.
inline std::vector<TraceEvent> HostileEvents() {
  constexpr auto kC = TraceDirection::kClientToServer;
  constexpr auto kS = TraceDirection::kServerToClient;
  std::vector<TraceEvent> events;
  const TraceMessage ch = HostileClientHello();
  events.push_back(PlainRecord(kC, ContentType::handshake, 0x0301, ch.bytes));
  events.push_back(ch);
  events.push_back(AppData(kS, kHostile));
  events.push_back(Note(kS, "the server named itself " + kHostile));
  TraceAlert alert;
  alert.direction = kS;
  alert.level = AlertLevel::fatal;
  alert.description = static_cast<AlertDescription>(0xc8);
  alert.tree = annotate_alert(B({2, 0xc8}));
  events.push_back(alert);
  TraceMessage raw = Finished(kS, 9);
  raw.tree.children[0].meaning = kHostile;
  raw.tree.children[0].explanation = kHostile;
  events.push_back(raw);
  return events;
}

// CollectExplanations appends every explanation in `f`'s tree to `out`.
inline void CollectExplanations(const TraceField& f, std::vector<std::string>& out) {
  if (!f.explanation.empty()) {
    out.push_back(f.explanation);
  }
  for (const TraceField& child : f.children) {
    CollectExplanations(child, out);
  }
}

}  // namespace glasstls::testing
