// dissector.h: a passive TLS 1.3 and TLS 1.2 dissector. It reads the two byte streams of
// one connection as a bystander saw them (a packet capture, or a dump of
// records) and emits the same TraceEvents a live Connection emits to its
// observer, so the same renderers show a captured handshake byte by byte.
//
//   client->server bytes --+                      +--> TraceRecord   (header,
//   ciphertext, and
//                          |   split records      |                   the
//                          plaintext when keys
//   server->client bytes --+-> in time order ---->+--> TraceMessage   are
//   known)
//                          |   (Chunk order)      +--> TraceAlert
//   NSS key log -----------+   decrypt, join      +--> TraceApplicationData
//                              handshake messages +--> TraceKeyStep, TraceNote
//
// Keys. The ClientHello's random picks the key log entries; the ServerHello
// picks the cipher suite (a HelloRetryRequest is recognised by its special
// random and the real ServerHello that follows it is used). Each direction then
// walks RFC 8446's key sequence:
//
//   client: plaintext -> [early traffic, if 0-RTT was offered] -> handshake
//   traffic
//           -> (after its Finished) application traffic 0 -> (after each
//           KeyUpdate) 1, 2, ...
//   server: plaintext -> handshake traffic -> (after its Finished) application
//   traffic 0 -> ...
//
// Sequence numbers start at zero under every key (section 5.3). Application
// traffic secrets beyond _0 come from the key log when it has them
// (CLIENT_TRAFFIC_SECRET_1, ...) and are otherwise computed with
// next_traffic_secret (section 7.2).
//
// TLS 1.2. The key log's CLIENT_RANDOM line gives the master secret; the key
// block is PRF(master_secret, "key expansion", server_random + client_random)
// with the suite's PRF hash (RFC 5246 section 6.3), split into each
// direction's MAC key, key and IV, and the record layer's own TLS 1.2
// protector (record::make_tls12_protector; encrypt-then-MAC when both hellos
// carry encrypt_then_mac and the suite is CBC) opens every record a side sends
// after its ChangeCipherSpec, from sequence number zero. Each such record's
// parts (explicit nonce or IV, ciphertext, tag or MAC, padding, additional
// data) are reported in TraceRecord::protection.
//
// Stopping. A direction that cannot be decrypted (no key log, no entry for this
// client_random, a missing secret, an unsupported cipher suite or version, a
// record that fails authentication) is annotated up to its first protected
// record; that record is shown without plaintext and a TraceNote says why
// nothing after it is shown. A stream that does not start like TLS gets one
// note and nothing else.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "capture/tcp_reassembly.h"
#include "glasstls/crypto.h"
#include "glasstls/secret.h"
#include "glasstls/trace.h"

namespace glasstls::trace {

// KeyLogProblem is one line of a key log that could not be used.
struct KeyLogProblem {
  size_t line = 0;  // 1-based line number
  std::string reason;
};

// KeyLogFile is a parsed NSS key log (the SSLKEYLOGFILE format):
//
//   # comment
//   <LABEL> <client_random: 64 hex digits> <secret: hex>
//
// Labels are kept as given (CLIENT_HANDSHAKE_TRAFFIC_SECRET,
// SERVER_HANDSHAKE_TRAFFIC_SECRET, CLIENT_TRAFFIC_SECRET_0,
// SERVER_TRAFFIC_SECRET_0, EXPORTER_SECRET, CLIENT_EARLY_TRAFFIC_SECRET,
// CLIENT_RANDOM, ...). Blank lines and lines starting with '#' are ignored. A
// malformed line (wrong number of fields, bad hex, a client_random that is not
// 32 bytes, an empty secret) is skipped and listed in problems(). When a label
// is logged twice for one client_random, the first entry wins and the second is
// reported as a problem if it differs.
class KeyLogFile {
 public:
  // parse reads the text of a key log. It never fails; see problems().
  static KeyLogFile parse(std::string_view text);

  // add records one secret (for tests and for callers with secrets from
  // elsewhere). It returns false, changing nothing, if `client_random` is not
  // 32 bytes or `secret` is empty.
  bool add(std::string_view label, ByteView client_random, ByteView secret);

  // find returns the secret logged under `label` for `client_random`, or
  // nullptr. The pointer is valid while this object lives and is not modified.
  const Secret* find(std::string_view label, ByteView client_random) const;
  // has_client_random says whether any secret is logged for `client_random`.
  bool has_client_random(ByteView client_random) const;

  const std::vector<KeyLogProblem>& problems() const { return problems_; }
  // size is the number of secrets held.
  size_t size() const { return secrets_.size(); }

 private:
  std::map<std::pair<Bytes, std::string>, Secret, std::less<>> secrets_;
  std::vector<KeyLogProblem> problems_;
};

// StreamChunk says that `length` more bytes of `direction`'s stream became
// readable. A list of them in time order lets the dissector interleave the two
// directions as they happened.
struct StreamChunk {
  TraceDirection direction = TraceDirection::kClientToServer;
  uint64_t length = 0;
};

// DissectorInput is one connection. The views must outlive the call to
// dissect().
struct DissectorInput {
  ByteView client_to_server;
  ByteView server_to_client;
  // chunks orders the bytes in time. Bytes not covered by any chunk are read
  // afterwards, client first; an empty list means "the whole client stream,
  // then the whole server stream" (the dissector reads the ServerHello ahead,
  // so even then the client's records can be decrypted).
  std::vector<StreamChunk> chunks;
};

// DissectorOptions control what the dissector may use and show.
struct DissectorOptions {
  // keys is the key log to decrypt with (may be null: then nothing protected is
  // decrypted).
  const KeyLogFile* keys = nullptr;
  // provider supplies HKDF and the AEADs; null means
  // crypto::openssl_provider().
  const crypto::CryptoProvider* provider = nullptr;
  // show_secrets reports, as TraceKeySteps, the logged traffic secrets and the
  // keys and IVs derived from them, and fills TraceRecord::key and ::nonce.
  bool show_secrets = true;
};

// DissectorSummary says what the dissector found out about the connection.
struct DissectorSummary {
  // is_tls is false when the client's stream does not start with a TLS
  // handshake record.
  bool is_tls = false;
  Bytes client_random;  // empty when no ClientHello was seen
  std::optional<CipherSuite> cipher_suite;
  // tls13 is true when the ServerHello selected TLS 1.3 (supported_versions).
  bool tls13 = false;
  bool hello_retry_request = false;
  // keys_found says the key log had at least one secret for client_random.
  bool keys_found = false;
  // complete says every record of both directions was shown with its plaintext
  // (or was unprotected), and no stream ended inside a record.
  bool complete = false;
  size_t records = 0;
  size_t handshake_messages = 0;
  size_t decrypted_records = 0;
};

// DissectorResult is the events, in time order, and the summary.
struct DissectorResult {
  std::vector<TraceEvent> events;
  DissectorSummary summary;
};

// dissect reads one connection. It never fails: anything it cannot make sense
// of becomes a TraceNote, and its work is bounded by the size of the input.
DissectorResult dissect(const DissectorInput& input, const DissectorOptions& options);

// input_from_tcp_stream views a reassembled TCP connection as dissector input.
// `stream` must outlive the result.
DissectorInput input_from_tcp_stream(const capture::TcpStream& stream);

// RecordDump is dissector input that owns its bytes: see parse_record_dump.
struct RecordDump {
  Bytes client_to_server;
  Bytes server_to_client;
  std::vector<StreamChunk> chunks;

  // input returns a view of this dump, valid while it lives unchanged.
  DissectorInput input() const { return {client_to_server, server_to_client, chunks}; }
};

// parse_record_dump reads TLS records given as raw bytes or as hex text,
// instead of a capture.
//
// Raw binary: the file is the bytes of one direction, starting with a record
// header (a content type 20..24 followed by 0x03). It is the client's stream
// unless its first record is a handshake record holding a ServerHello.
//
// Hex text, one chunk per line:
//
//   # RFC 8448 section 3, first flight          <- '#' starts a comment, to the
//   end of line C: 16 03 01 00 c4 01 00 00 c0 03 03 cb ...  <- "C:" client to
//   server S: 16030300 5a020000 56...                  <- "S:" server to client
//      0a 0b 0c                                 <- no prefix: continues the
//      line above
//
// Hex digits may be separated by spaces, tabs or colons; case does not matter.
// "C>" and "S>" are accepted too. Text before any prefix belongs to the client.
// Each prefixed line is one chunk, so lines give the time order. It fails with
// decode_error naming the line when a line holds anything else, or an odd
// number of hex digits, or when the file has no bytes at all.
Result<RecordDump> parse_record_dump(ByteView file);

}  // namespace glasstls::trace
