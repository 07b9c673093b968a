// dissector.cc: the passive TLS 1.3 and TLS 1.2 dissector (see dissector.h for the model).
#include "explain/dissector.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <string>

#include "crypto/suites.h"
#include "handshake/key_schedule.h"
#include "handshake/tls12_key_schedule.h"
#include "msgs/handshake.h"
#include "msgs/walk.h"
#include "record/protector.h"
#include "trace/annotate_tree.h"

namespace glasstls::trace {

namespace {

using record::kHeaderLen;
using record::kMaxCiphertext;

constexpr uint8_t kContentCcs = 20;
constexpr uint8_t kContentAlert = 21;
constexpr uint8_t kContentHandshake = 22;
constexpr uint8_t kContentApplicationData = 23;
constexpr uint8_t kContentHeartbeat = 24;

constexpr uint16_t kTls13 = static_cast<uint16_t>(ProtocolVersion::TLSv1_3);

enum class Phase : uint8_t { kEarly, kHandshake, kApplication };

const char* side_name(TraceDirection d) {
  return d == TraceDirection::kClientToServer ? "client" : "server";
}

std::string hex_prefix(ByteView data, size_t n) {
  std::string out;
  for (size_t i = 0; i < data.size() && i < n; i++) {
    if (i > 0) {
      out += ' ';
    }
    out += to_hex(data.subspan(i, 1));
  }
  if (data.size() > n) {
    out += " ...";
  }
  return out;
}

// looks_like_record_header says whether `h` (at least 5 bytes) can start a TLS
// record.
bool looks_like_record_header(ByteView h) {
  return h.size() >= kHeaderLen && h[0] >= kContentCcs && h[0] <= kContentHeartbeat && h[1] == 3;
}

size_t record_length(ByteView h) { return (size_t{h[3]} << 8) | h[4]; }

// HelloFacts is what the dissector needs from the hellos, read ahead of time.
struct HelloFacts {
  bool client_hello_seen = false;
  Bytes client_random;
  bool early_data_offered = false;
  bool encrypt_then_mac_offered = false;
  bool server_hello_seen = false;
  Bytes server_random;
  bool encrypt_then_mac_accepted = false;
  bool hello_retry_request = false;
  std::optional<CipherSuite> suite;
  uint16_t version = 0;  // the selected version (supported_versions, else legacy_version)
};

// leading_handshake_messages returns the handshake messages carried by the
// unprotected handshake records at the start of `stream` (change_cipher_spec
// records are stepped over), at most `limit` of them.
std::vector<ByteView> leading_handshake_messages(ByteView stream, Bytes& joined, size_t limit) {
  size_t pos = 0;
  joined.clear();
  while (pos + kHeaderLen <= stream.size() && looks_like_record_header(stream.subspan(pos))) {
    size_t len = record_length(stream.subspan(pos));
    if (pos + kHeaderLen + len > stream.size()) {
      break;
    }
    uint8_t type = stream[pos];
    if (type == kContentHandshake) {
      ByteView body = stream.subspan(pos + kHeaderLen, len);
      joined.insert(joined.end(), body.begin(), body.end());
    } else if (type != kContentCcs) {
      break;
    }
    pos += kHeaderLen + len;
  }
  std::vector<ByteView> out;
  ByteReader r(joined);
  while (out.size() < limit && r.remaining() >= 4) {
    ByteView whole = r.rest();
    uint8_t type = 0;
    uint32_t len = 0;
    if (!r.u8(type) || !r.u24(len) || !r.skip(len)) {
      break;
    }
    out.push_back(whole.first(4 + size_t{len}));
  }
  return out;
}

// read_client_hello fills the client facts from a ClientHello message (header included),
// read by the ClientHello codec as far as it goes (msgs::peek_client_hello).
void read_client_hello(ByteView message, HelloFacts& facts) {
  const msgs::ClientHello ch = msgs::peek_client_hello(message.subspan(4));
  if (ch.random.size() != 32) {
    return;
  }
  facts.client_hello_seen = true;
  facts.client_random.assign(ch.random.begin(), ch.random.end());
  for (const msgs::RawExtension& e : ch.extensions) {
    if (e.type == ExtensionType::early_data) {
      facts.early_data_offered = true;
    }
    if (e.type == ExtensionType::encrypt_then_mac) {
      facts.encrypt_then_mac_offered = true;
    }
  }
}

struct ServerHelloFacts {
  bool valid = false;
  bool retry = false;
  CipherSuite suite{};
  uint16_t version = 0;
  Bytes random;
  bool encrypt_then_mac = false;
};

// read_server_hello reads a ServerHello message (header included) through its codec, as far
// as it goes (msgs::peek_server_hello): a TLS 1.2 ServerHello gives its suite and version too.
ServerHelloFacts read_server_hello(ByteView message) {
  ServerHelloFacts f;
  const std::optional<msgs::ServerHello> sh = msgs::peek_server_hello(message.subspan(4));
  if (!sh) {
    return f;
  }
  f.valid = true;
  // RFC 8446 section 4.1.3: a HelloRetryRequest is a ServerHello with the special random.
  f.retry = sh->is_hello_retry_request;
  f.suite = sh->cipher_suite;
  f.version = sh->selected_version.value_or(sh->legacy_version);
  f.random.assign(sh->random.begin(), sh->random.end());
  for (const msgs::RawExtension& e : sh->extensions) {
    if (e.type == ExtensionType::encrypt_then_mac) {
      f.encrypt_then_mac = true;
    }
  }
  return f;
}

HelloFacts read_ahead(const DissectorInput& input) {
  HelloFacts facts;
  Bytes joined;
  std::vector<ByteView> client = leading_handshake_messages(input.client_to_server, joined, 1);
  if (!client.empty() && client[0][0] == static_cast<uint8_t>(HandshakeType::client_hello)) {
    read_client_hello(client[0], facts);
  }
  Bytes server_joined;
  std::vector<ByteView> server =
      leading_handshake_messages(input.server_to_client, server_joined, 2);
  for (ByteView m : server) {
    if (m[0] != static_cast<uint8_t>(HandshakeType::server_hello)) {
      break;
    }
    ServerHelloFacts sh = read_server_hello(m);
    if (!sh.valid) {
      break;
    }
    facts.server_hello_seen = true;
    facts.suite = sh.suite;
    facts.version = sh.version;
    facts.server_random = sh.random;
    facts.encrypt_then_mac_accepted = sh.encrypt_then_mac;
    if (!sh.retry) {
      break;
    }
    facts.hello_retry_request = true;
  }
  return facts;
}

// Key is one direction's installed traffic key.
struct Key {
  Phase phase = Phase::kHandshake;
  uint64_t generation = 0;
  std::string label;  // "client handshake"
  // protector opens records as the record layer does; it keeps a copy of the key (its
  // trace_key) only when secrets are shown.
  record::RecordProtector protector;
  uint64_t seq = 0;
};

// Side is the dissector's state for one direction.
struct Side {
  TraceDirection dir = TraceDirection::kClientToServer;
  ByteView data;
  size_t pos = 0;        // start of the next record
  size_t available = 0;  // bytes readable so far (time order)
  bool stopped = false;
  bool ccs_seen = false;
  Phase phase = Phase::kHandshake;
  uint64_t generation = 0;
  std::optional<Key> key;
  // app_secret is the application traffic secret of `app_generation`, for the
  // next KeyUpdate.
  Secret app_secret;
  uint64_t app_generation = 0;
  Bytes handshake;  // handshake bytes not yet forming a whole message
};

class Dissector {
 public:
  Dissector(const DissectorInput& input, const DissectorOptions& options)
      : input_(input), options_(options) {
    provider_ = options.provider != nullptr ? options.provider : &crypto::openssl_provider();
    client_.dir = TraceDirection::kClientToServer;
    client_.data = input.client_to_server;
    server_.dir = TraceDirection::kServerToClient;
    server_.data = input.server_to_client;
  }

  DissectorResult run() {
    bool client_tls = looks_like_record_header(client_.data);
    bool server_tls = looks_like_record_header(server_.data);
    if (!client_tls && !server_tls) {
      ByteView first = client_.data.empty() ? server_.data : client_.data;
      note(client_.data.empty() ? TraceDirection::kServerToClient : TraceDirection::kClientToServer,
           first.empty() ? "no bytes in either direction: nothing to dissect"
                         : "not TLS: the stream starts with " + hex_prefix(first, 8) +
                               ", which is not a TLS record header; skipped");
      return std::move(result_);
    }
    result_.summary.is_tls = true;
    facts_ = read_ahead(input_);
    result_.summary.client_random = facts_.client_random;
    result_.summary.cipher_suite = facts_.suite;
    result_.summary.tls13 = facts_.version == kTls13;
    result_.summary.hello_retry_request = facts_.hello_retry_request;
    result_.summary.keys_found = options_.keys != nullptr && facts_.client_hello_seen &&
                                 options_.keys->has_client_random(facts_.client_random);
    if (facts_.early_data_offered) {
      client_.phase = Phase::kEarly;
    }
    complete_ = true;

    for (const StreamChunk& c : input_.chunks) {
      Side& s = side(c.direction);
      uint64_t room = s.data.size() - s.available;
      s.available += static_cast<size_t>(std::min<uint64_t>(c.length, room));
      pump(s);
    }
    client_.available = client_.data.size();
    pump(client_);
    server_.available = server_.data.size();
    pump(server_);
    finish(client_);
    finish(server_);
    result_.summary.complete = complete_;
    return std::move(result_);
  }

 private:
  Side& side(TraceDirection d) { return d == TraceDirection::kClientToServer ? client_ : server_; }

  void emit(TraceEvent event) { result_.events.push_back(std::move(event)); }
  void note(TraceDirection d, std::string text) { emit(TraceEvent(TraceNote{d, std::move(text)})); }

  // pump handles every whole record of `s` that is readable.
  void pump(Side& s) {
    while (!s.stopped && s.available - s.pos >= kHeaderLen) {
      ByteView header = s.data.subspan(s.pos, kHeaderLen);
      if (!looks_like_record_header(header)) {
        note(s.dir, std::string(s.pos == 0 ? "not TLS: the " : "the ") + side_name(s.dir) +
                        "'s bytes at offset " + std::to_string(s.pos) + " (" +
                        hex_prefix(s.data.subspan(s.pos), 8) +
                        ") are not a TLS record header: nothing after them is shown");
        stop_quietly(s);
        return;
      }
      size_t len = record_length(header);
      if (s.available - s.pos < kHeaderLen + len) {
        return;
      }
      ByteView wire = s.data.subspan(s.pos, kHeaderLen + len);
      s.pos += wire.size();
      record(s, wire);
    }
  }

  void stop_quietly(Side& s) {
    s.stopped = true;
    complete_ = false;
  }

  // stop shows `wire` without plaintext, says why nothing more of this
  // direction is shown, and stops the direction.
  void stop(Side& s, ByteView wire, const std::string& why) {
    TraceRecord r = plain_record(s, wire);
    r.encrypted = true;
    r.plaintext_known = false;
    r.plaintext.clear();
    undecrypted_tls12_parts(s, wire, r);
    emit(TraceEvent(std::move(r)));
    result_.summary.records++;
    size_t more = 0;
    size_t pos = s.pos;
    while (pos + kHeaderLen <= s.data.size() && looks_like_record_header(s.data.subspan(pos))) {
      pos += kHeaderLen + record_length(s.data.subspan(pos));
      more++;
    }
    size_t rest = s.data.size() - std::min(s.pos, s.data.size());
    std::string text = why + " (this record";
    if (rest > 0) {
      text += " and about " + std::to_string(more) + " more, " + std::to_string(rest) +
              " bytes from the " + side_name(s.dir) + ", are";
    } else {
      text += " is";
    }
    text += " not decrypted)";
    note(s.dir, std::move(text));
    stop_quietly(s);
  }

  // undecrypted_tls12_parts names the parts of a TLS 1.2 record that could not be decrypted,
  // as far as the suite's layout (the suite table's lengths) gives them without a key: the
  // explicit nonce or IV, the ciphertext, and the tag or encrypt-then-MAC MAC, with the
  // additional data where its length is known (not under MAC-then-encrypt).
  void undecrypted_tls12_parts(const Side& s, ByteView wire, TraceRecord& r) const {
    const crypto::SuiteRow* row =
        facts_.suite && record_version() == ProtocolVersion::TLSv1_2 && s.ccs_seen
            ? crypto::find_suite(*facts_.suite)
            : nullptr;
    if (row == nullptr || row->version != ProtocolVersion::TLSv1_2) {
      return;
    }
    ByteView body = wire.subspan(kHeaderLen);
    TraceProtection p;
    size_t front = 0;
    size_t back = 0;
    if (row->protection == crypto::Protection::kAead) {
      front = row->explicit_nonce_len;
      back = row->tag_len;
      p.kind =
          front == 8 ? TraceProtectionKind::kTls12Gcm : TraceProtectionKind::kTls12ChaCha20Poly1305;
    } else {
      const bool etm = facts_.encrypt_then_mac_offered && facts_.encrypt_then_mac_accepted;
      front = 16;
      back = etm ? row->mac_len : 0;
      p.kind = etm ? TraceProtectionKind::kTls12CbcEncryptThenMac
                   : TraceProtectionKind::kTls12CbcMacThenEncrypt;
    }
    if (body.size() < front + back) {
      return;
    }
    p.explicit_nonce.assign(body.begin(), body.begin() + front);
    p.ciphertext.assign(body.begin() + front, body.end() - back);
    p.mac.assign(body.end() - back, body.end());
    if (p.kind != TraceProtectionKind::kTls12CbcMacThenEncrypt) {
      const uint64_t seq = s.key ? s.key->seq : 0;
      const size_t length = p.kind == TraceProtectionKind::kTls12CbcEncryptThenMac
                                ? body.size() - back
                                : p.ciphertext.size();
      uint8_t ad[13];
      record::tls12_additional_data(seq, static_cast<ContentType>(wire[0]), length, ad);
      p.additional_data.assign(ad, ad + 13);
    }
    r.protection = std::move(p);
  }

  TraceRecord plain_record(const Side& s, ByteView wire) {
    TraceRecord r;
    r.direction = s.dir;
    r.wire.assign(wire.begin(), wire.end());
    r.header = annotate_record_header(wire.first(kHeaderLen), record_version());
    r.encrypted = false;
    r.content_type = static_cast<ContentType>(wire[0]);
    r.plaintext_known = true;
    r.plaintext.assign(wire.begin() + kHeaderLen, wire.end());
    return r;
  }

  void record(Side& s, ByteView wire) {
    uint8_t type = wire[0];
    ByteView body = wire.subspan(kHeaderLen);
    bool tls12 = facts_.server_hello_seen && facts_.version != kTls13;
    if (!tls12 && body.size() > kMaxCiphertext) {
      note(s.dir, "this record is " + std::to_string(body.size()) +
                      " bytes long, more than the 2^14 + 256 that RFC 8446 "
                      "section 5.2 allows");
    } else if (tls12 && body.size() > record::kTls12Limits.max_ciphertext()) {
      note(s.dir, "this record is " + std::to_string(body.size()) +
                      " bytes long, more than the 2^14 + 2048 that RFC 5246 "
                      "section 6.2.3 allows");
    }
    // TLS 1.2 protects every record after the sender's ChangeCipherSpec under its own type;
    // TLS 1.3 every record of outer type application_data.
    bool protected_record =
        tls12 ? s.ccs_seen && type != kContentCcs : type == kContentApplicationData;
    if (!protected_record) {
      TraceRecord r = plain_record(s, wire);
      emit(TraceEvent(std::move(r)));
      result_.summary.records++;
      if (type == kContentCcs) {
        s.ccs_seen = true;
      }
      content(s, type, body);
      return;
    }
    if (tls12) {
      decrypt_tls12(s, wire);
      return;
    }
    decrypt(s, wire);
  }

  // decrypt opens a protected record under the direction's current key,
  // installing keys as the key sequence requires.
  void decrypt(Side& s, ByteView wire) {
    std::string why;
    if (!ensure_key(s, s.phase, s.generation, why)) {
      // 0-RTT offered but the early secret is not logged: the client may
      // already be past it.
      if (s.phase == Phase::kEarly) {
        std::string why2;
        if (ensure_key(s, Phase::kHandshake, 0, why2)) {
          s.phase = Phase::kHandshake;
        } else {
          stop(s, wire, why2);
          return;
        }
      } else {
        stop(s, wire, why);
        return;
      }
    }
    Bytes plain;
    Opened opened;
    if (!open(*s.key, wire, plain, opened)) {
      bool recovered = false;
      if (s.phase == Phase::kEarly) {
        // The early data ended (or was rejected and the client moved on): try
        // handshake keys.
        std::string why2;
        if (ensure_key(s, Phase::kHandshake, 0, why2) && open(*s.key, wire, plain, opened)) {
          s.phase = Phase::kHandshake;
          recovered = true;
          note(s.dir,
               "this record does not open with the client early traffic key "
               "but does with the "
               "client handshake traffic key: the client's early data is over");
        }
      }
      if (!recovered) {
        stop(s, wire,
             "record " + std::to_string(s.key->seq) + " under the " + s.key->label +
                 " traffic key does not decrypt (bad_record_mac): the key log "
                 "does not match "
                 "this connection, or a record is missing");
        return;
      }
    }
    // The record layer's protector stripped the padding and took the inner content type
    // (section 5.2). Where it refused what it found, the dissector still shows it: it strips the
    // padding itself and reports any content type.
    ByteView plaintext = opened.content;
    uint8_t inner = static_cast<uint8_t>(opened.type);
    size_t padding = opened.padding;
    if (!opened.content_ok) {
      ByteView inner_plaintext = opened.record.plaintext;
      size_t end = inner_plaintext.size();
      while (end > 0 && inner_plaintext[end - 1] == 0) {
        end--;
      }
      if (end == 0) {
        stop(s, wire,
             "the decrypted record is all zeros, with no content type (RFC 8446 "
             "section 5.4 makes this an unexpected_message)");
        return;
      }
      inner = inner_plaintext[end - 1];
      plaintext = inner_plaintext.first(end - 1);
      padding = inner_plaintext.size() - end;
    }
    TraceRecord r;
    r.direction = s.dir;
    r.wire.assign(wire.begin(), wire.end());
    r.header = annotate_record_header(wire.first(kHeaderLen));
    r.encrypted = true;
    r.content_type = static_cast<ContentType>(inner);
    r.plaintext_known = true;
    r.plaintext.assign(plaintext.begin(), plaintext.end());
    r.padding = padding;
    r.sequence = s.key->seq;
    r.key_label = s.key->label;
    r.cipher = s.key->protector.cipher_name();
    if (options_.show_secrets) {
      const Secret& key = s.key->protector.trace_key();
      r.key.assign(key.span().begin(), key.span().end());
      r.nonce = s.key->protector.nonce_for_trace(s.key->seq);
    }
    s.key->seq++;
    Bytes content_bytes = r.plaintext;
    emit(TraceEvent(std::move(r)));
    result_.summary.records++;
    result_.summary.decrypted_records++;
    content(s, inner, content_bytes);
  }

  // record_version is the version whose record layout the view words: TLS 1.2 (or older) once
  // the ServerHello chose it, TLS 1.3 otherwise.
  ProtocolVersion record_version() const {
    if (facts_.server_hello_seen && facts_.version != kTls13 && facts_.version != 0) {
      return static_cast<ProtocolVersion>(facts_.version);
    }
    return ProtocolVersion::TLSv1_3;
  }

  // decrypt_tls12 opens a record a TLS 1.2 side sent after its ChangeCipherSpec, under that
  // side's write key from the key block (installed at its first protected record).
  void decrypt_tls12(Side& s, ByteView wire) {
    if (!s.key) {
      std::string why;
      if (!ensure_tls12_key(s, why)) {
        stop(s, wire, why);
        return;
      }
    }
    Bytes plain;
    Opened opened;
    if (!open(*s.key, wire, plain, opened)) {
      stop(s, wire,
           "record " + std::to_string(s.key->seq) + " under the " + s.key->label +
               " key does not decrypt (bad_record_mac): the key log does not match this "
               "connection, or a record is missing");
      return;
    }
    // A TLS 1.2 record keeps its own type (RFC 5246 section 6.2.3). Where the protector refused
    // an authentic record's content (an empty handshake record, an unknown type), the
    // dissector still shows it.
    const uint8_t type = wire[0];
    ByteView plaintext = opened.content;
    if (!opened.content_ok) {
      plaintext = opened.record.content.empty() && s.key->protector.tls12_aead() != nullptr
                      ? opened.record.plaintext
                      : opened.record.content;
      note(s.dir,
           "this record decrypts, but TLS 1.2 does not allow what it holds (RFC 5246 "
           "section 6.2.1: no empty handshake, alert or change_cipher_spec record, and "
           "only the four content types)");
    }
    TraceRecord r;
    r.direction = s.dir;
    r.wire.assign(wire.begin(), wire.end());
    r.header = annotate_record_header(wire.first(kHeaderLen), record_version());
    r.encrypted = true;
    r.content_type = static_cast<ContentType>(type);
    r.plaintext_known = true;
    r.plaintext.assign(plaintext.begin(), plaintext.end());
    r.padding = opened.padding;
    r.sequence = s.key->seq;
    r.key_label = s.key->label;
    r.cipher = s.key->protector.cipher_name();
    if (options_.show_secrets) {
      const Secret& key = s.key->protector.trace_key();
      r.key.assign(key.span().begin(), key.span().end());
    }
    (void)s.key->protector.trace_tls12(wire, s.key->seq, options_.show_secrets, r);
    s.key->seq++;
    Bytes content_bytes = r.plaintext;
    emit(TraceEvent(std::move(r)));
    result_.summary.records++;
    result_.summary.decrypted_records++;
    content(s, type, content_bytes);
  }

  // ensure_tls12_key installs the direction's TLS 1.2 write key: the key log's CLIENT_RANDOM
  // line gives the master secret, the key block comes from it and the two randoms with the
  // suite's PRF, and the record layer's own protector opens the records. False (with `why`)
  // when it cannot be had.
  bool ensure_tls12_key(Side& s, std::string& why) {
    const char* who = side_name(s.dir);
    const std::string version(explain(static_cast<ProtocolVersion>(facts_.version)));
    if (facts_.version != static_cast<uint16_t>(ProtocolVersion::TLSv1_2)) {
      why = "the server chose " + version + ", which glasstls does not decrypt";
      return false;
    }
    std::optional<crypto::SuiteInfo> suite =
        facts_.suite ? crypto::suite_info(*provider_, *facts_.suite) : std::nullopt;
    if (!suite || suite->row->version != ProtocolVersion::TLSv1_2) {
      why = "the cipher suite " + std::string(facts_.suite ? name(*facts_.suite) : "") +
            " is not a TLS 1.2 suite glasstls implements: cannot decrypt the rest";
      return false;
    }
    if (options_.keys == nullptr) {
      why = "no key log was given (--keylog FILE): cannot decrypt the rest";
      return false;
    }
    if (!facts_.client_hello_seen || facts_.server_random.size() != 32) {
      why =
          "the hellos' randoms were not both seen, so the key block cannot be computed: "
          "cannot decrypt the rest";
      return false;
    }
    const Secret* master = options_.keys->find("CLIENT_RANDOM", facts_.client_random);
    if (master == nullptr) {
      why = "the key log has no CLIENT_RANDOM line (the TLS 1.2 master secret) for client_random " +
            to_hex(facts_.client_random) + ": cannot decrypt the rest";
      return false;
    }
    if (master->size() != handshake::tls12::kMasterSecretLen) {
      why = "the key log's CLIENT_RANDOM secret is " + std::to_string(master->size()) +
            " bytes, not the 48 of a master secret: cannot decrypt the rest";
      return false;
    }
    const crypto::SuiteRow& row = *suite->row;
    const size_t block_len = record::tls12_key_block_len(row);
    //= https://www.rfc-editor.org/rfc/rfc5246#section-6.3
    //# key_block = PRF(SecurityParameters.master_secret,
    //#                 "key expansion",
    //#                 SecurityParameters.server_random +
    //#                 SecurityParameters.client_random);
    Result<Secret> block = handshake::tls12::key_block(
        *suite->hash, master->span(), facts_.server_random, facts_.client_random, block_len);
    if (!block.ok()) {
      why = "cannot compute the key block: " + block.error().to_string();
      return false;
    }
    Result<record::Tls12KeyBlock> parts = record::split_tls12_key_block(row, block->span());
    if (!parts.ok()) {
      why = "cannot split the key block: " + parts.error().to_string();
      return false;
    }
    const bool client = s.dir == TraceDirection::kClientToServer;
    const Secret& mac_key = client ? parts->client_mac_key : parts->server_mac_key;
    const Secret& key = client ? parts->client_key : parts->server_key;
    const Secret& iv = client ? parts->client_iv : parts->server_iv;
    // RFC 7366 section 3: encrypt-then-MAC applies when both hellos carry the extension and the
    // suite is a block cipher suite.
    const bool etm = row.protection == crypto::Protection::kCbcHmac &&
                     facts_.encrypt_then_mac_offered && facts_.encrypt_then_mac_accepted;
    Result<record::RecordProtector> protector = record::make_tls12_protector(
        *provider_, row, mac_key, key, iv.span(), etm, client ? "client write" : "server write",
        options_.show_secrets);
    if (!protector.ok()) {
      why = "cannot load the " + std::string(who) + " write key: " + protector.error().to_string();
      return false;
    }
    Key k;
    k.phase = Phase::kApplication;
    k.label = std::string(who) + " write";
    k.protector = std::move(*protector);
    if (options_.show_secrets) {
      if (client || !tls12_master_shown_) {
        key_step("master_secret", "from the key log: CLIENT_RANDOM", {}, master->span());
        key_step("key_block",
                 "PRF(master_secret, \"key expansion\", server_random + client_random), " +
                     std::to_string(block_len) + " bytes",
                 master->span(), block->span());
        tls12_master_shown_ = true;
      }
      const std::string w = std::string(who) + "_write_";
      if (!mac_key.empty()) {
        key_step(w + "MAC_key", "from the key_block", block->span(), mac_key.span());
      }
      key_step(w + "key", "from the key_block", block->span(), key.span());
      key_step(w + "IV", "from the key_block", block->span(), iv.span());
    }
    std::string text = "the " + std::string(who) +
                       "'s records after its ChangeCipherSpec are protected with the " + who +
                       " write key from the key block (master secret from the key log, " +
                       std::string(name(row.suite));
    if (row.protection == crypto::Protection::kCbcHmac) {
      text += etm ? ", encrypt-then-MAC: both hellos carry encrypt_then_mac" : ", MAC-then-encrypt";
    }
    note(s.dir, text + ")");
    s.key = std::move(k);
    return true;
  }

  // Opened is a record opened by a direction's protector.
  struct Opened {
    record::OpenedRecord record;
    // content_ok is false when the protector refused the authentic record's inner plaintext
    // (record.plaintext holds it); type, content and padding are then unset.
    bool content_ok = false;
    ContentType type{};
    ByteView content;
    size_t padding = 0;
  };

  // open deprotects `wire` with the record layer's protector under the key's sequence number,
  // into `plain`. False when the record does not authenticate.
  static bool open(Key& k, ByteView wire, Bytes& plain, Opened& opened) {
    opened = Opened{};
    if (wire.size() - kHeaderLen < k.protector.min_body()) {
      return false;
    }
    plain.resize(wire.size() - kHeaderLen);
    // No content is too long here: the dissector shows what was sent.
    Status st =
        k.protector.open(wire, k.seq, plain, std::numeric_limits<size_t>::max() - 1, opened.record);
    if (!opened.record.authentic) {
      return false;
    }
    opened.content_ok = st.ok();
    opened.type = opened.record.type;
    opened.content = opened.record.content;
    opened.padding = opened.record.padding;
    return true;
  }

  // ensure_key makes the key for (`phase`, `generation`) the direction's
  // current key. False (with `why`) when it cannot be had.
  bool ensure_key(Side& s, Phase phase, uint64_t generation, std::string& why) {
    if (s.key && s.key->phase == phase && s.key->generation == generation) {
      return true;
    }
    const char* who = side_name(s.dir);
    if (!facts_.server_hello_seen) {
      why =
          "no ServerHello was seen, so the cipher suite is unknown: cannot "
          "decrypt the rest";
      return false;
    }
    std::optional<crypto::SuiteInfo> suite = crypto::suite_info(*provider_, *facts_.suite);
    if (!suite) {
      why = "the cipher suite " + std::string(name(*facts_.suite)) +
            " is not supported here: cannot decrypt the rest";
      return false;
    }
    if (options_.keys == nullptr) {
      why = "no key log was given (--keylog FILE): cannot decrypt the rest";
      return false;
    }
    if (!facts_.client_hello_seen) {
      why =
          "no ClientHello was seen, so the key log cannot be searched (no "
          "client_random): "
          "cannot decrypt the rest";
      return false;
    }
    if (!options_.keys->has_client_random(facts_.client_random)) {
      why = "no key log entry for client_random " + to_hex(facts_.client_random) +
            ": cannot decrypt the rest";
      return false;
    }
    const bool client = s.dir == TraceDirection::kClientToServer;
    std::string log_label;
    std::string secret_name;
    std::string key_label;
    switch (phase) {
      case Phase::kEarly:
        log_label = "CLIENT_EARLY_TRAFFIC_SECRET";
        secret_name = "client_early_traffic_secret";
        key_label = "client early";
        break;
      case Phase::kHandshake:
        log_label = client ? "CLIENT_HANDSHAKE_TRAFFIC_SECRET" : "SERVER_HANDSHAKE_TRAFFIC_SECRET";
        secret_name = std::string(who) + "_handshake_traffic_secret";
        key_label = std::string(who) + " handshake";
        break;
      case Phase::kApplication:
        log_label = std::string(client ? "CLIENT" : "SERVER") + "_TRAFFIC_SECRET_" +
                    std::to_string(generation);
        secret_name =
            std::string(who) + "_application_traffic_secret_" + std::to_string(generation);
        key_label = std::string(who) + " application";
        if (generation > 0) {
          key_label += " (updated)";
        }
        break;
    }
    Secret secret;
    std::string formula;
    Bytes formula_input;
    if (const Secret* logged = options_.keys->find(log_label, facts_.client_random)) {
      secret = logged->clone();
      formula = "from the key log: " + log_label;
    } else if (phase == Phase::kApplication && generation > 0 &&
               s.app_generation + 1 == generation && !s.app_secret.empty()) {
      //= https://www.rfc-editor.org/rfc/rfc8446#section-7.2
      //# application_traffic_secret_N+1 =
      //#     HKDF-Expand-Label(application_traffic_secret_N,
      //#                       "traffic upd", "", Hash.length)
      Result<Secret> next = handshake::next_traffic_secret(*suite->hash, s.app_secret.span());
      if (!next.ok()) {
        why = "cannot compute " + secret_name + ": " + next.error().to_string();
        return false;
      }
      secret = std::move(next).value();
      formula = "HKDF-Expand-Label(" + std::string(who) + "_application_traffic_secret_" +
                std::to_string(generation - 1) + ", \"traffic upd\", \"\", Hash.length)";
      formula_input.assign(s.app_secret.span().begin(), s.app_secret.span().end());
    } else {
      why = "the key log has no " + log_label + " for client_random " +
            to_hex(facts_.client_random) + ": cannot decrypt the rest";
      return false;
    }
    if (secret.size() != suite->hash->output_len()) {
      why = "the key log's " + log_label + " is " + std::to_string(secret.size()) + " bytes, but " +
            std::string(name(suite->suite)) + " needs " +
            std::to_string(suite->hash->output_len()) + ": cannot decrypt the rest";
      return false;
    }
    Result<handshake::TrafficKeys> keys =
        handshake::traffic_keys(*suite->hash, suite->aead->key_len(), secret.span());
    if (!keys.ok()) {
      why = "cannot derive the " + key_label + " keys: " + keys.error().to_string();
      return false;
    }
    Result<record::Protection> protection =
        record::make_protection(*suite->aead, keys->key, keys->iv.span(), "",
                                /*application=*/false, options_.show_secrets);
    if (!protection.ok()) {
      why = "cannot load the " + key_label + " key: " + protection.error().to_string();
      return false;
    }
    Key k;
    k.phase = phase;
    k.generation = generation;
    k.label = key_label;
    k.protector = record::RecordProtector(record::Tls13AeadProtector(std::move(*protection)));
    if (options_.show_secrets) {
      key_step(secret_name, formula, formula_input, secret.span());
      key_step(key_label + " write key",
               "HKDF-Expand-Label(" + secret_name + ", \"key\", \"\", " +
                   std::to_string(suite->aead->key_len()) + ")",
               secret.span(), keys->key.span());
      key_step(key_label + " write iv", "HKDF-Expand-Label(" + secret_name + ", \"iv\", \"\", 12)",
               secret.span(), keys->iv.span());
    }
    note(s.dir, "the " + std::string(who) + "'s records from here on are protected with the " +
                    key_label + " traffic key (" + secret_name + ", " +
                    std::string(name(suite->suite)) + ")");
    if (phase == Phase::kApplication) {
      s.app_secret = secret.clone();
      s.app_generation = generation;
    }
    s.key = std::move(k);
    return true;
  }

  void key_step(std::string step, std::string formula, ByteView input, ByteView output) {
    TraceKeyStep k;
    k.step = std::move(step);
    k.formula = std::move(formula);
    k.input.assign(input.begin(), input.end());
    k.output.assign(output.begin(), output.end());
    emit(TraceEvent(std::move(k)));
  }

  // content handles the content of one record of `type`.
  void content(Side& s, uint8_t type, ByteView body) {
    if (type != kContentHandshake && !s.handshake.empty()) {
      note(s.dir, "a " + std::string(name(static_cast<ContentType>(type))) +
                      " record arrived in the middle of a handshake message "
                      "(RFC 8446 section "
                      "5.1 forbids interleaving)");
    }
    switch (type) {
      case kContentHandshake: handshake_bytes(s, body); break;
      case kContentAlert: {
        TraceAlert a;
        a.direction = s.dir;
        if (body.size() == 2) {
          a.level = static_cast<AlertLevel>(body[0]);
          a.description = static_cast<AlertDescription>(body[1]);
        }
        a.tree = annotate_alert(body);
        emit(TraceEvent(std::move(a)));
        break;
      }
      case kContentApplicationData: {
        TraceApplicationData d;
        d.direction = s.dir;
        d.data.assign(body.begin(), body.end());
        emit(TraceEvent(std::move(d)));
        break;
      }
      case kContentCcs: break;
      default:
        note(s.dir, "content type " + std::to_string(type) + " is not defined for TLS 1.3");
        break;
    }
  }

  void handshake_bytes(Side& s, ByteView body) {
    if (body.empty()) {
      note(s.dir, "an empty handshake record (RFC 8446 section 5.1 forbids these)");
      return;
    }
    s.handshake.insert(s.handshake.end(), body.begin(), body.end());
    size_t used = 0;
    while (s.handshake.size() - used >= 4) {
      const uint8_t* h = s.handshake.data() + used;
      size_t len = (size_t{h[1]} << 16) | (size_t{h[2]} << 8) | h[3];
      if (s.handshake.size() - used - 4 < len) {
        break;
      }
      ByteView message(h, 4 + len);
      used += 4 + len;
      handshake_message(s, message);
    }
    s.handshake.erase(s.handshake.begin(), s.handshake.begin() + static_cast<ptrdiff_t>(used));
  }

  void handshake_message(Side& s, ByteView message) {
    TraceMessage m;
    m.direction = s.dir;
    m.type = static_cast<HandshakeType>(message[0]);
    m.bytes.assign(message.begin(), message.end());
    m.tree = annotate::annotate_handshake_message(message, walk_context());
    emit(TraceEvent(std::move(m)));
    result_.summary.handshake_messages++;
    const bool client = s.dir == TraceDirection::kClientToServer;
    switch (static_cast<HandshakeType>(message[0])) {
      case HandshakeType::client_hello:
        if (client && !client_hello_noted_) {
          client_hello_noted_ = true;
          client_hello_note(message);
        }
        break;
      case HandshakeType::server_hello:
        if (!client) {
          server_hello_note(message);
        }
        break;
      case HandshakeType::end_of_early_data:
        if (client) {
          s.phase = Phase::kHandshake;
        }
        break;
      case HandshakeType::finished:
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4
        //# Any records following a Finished message MUST be encrypted under the
        // appropriate # application traffic key as described in Section 7.2.
        if (s.phase != Phase::kApplication) {
          s.phase = Phase::kApplication;
          s.generation = 0;
        }
        break;
      case HandshakeType::key_update: key_update(s, message); break;
      default: break;
    }
  }

  // walk_context is the layout the handshake messages are read with: TLS 1.3's until a
  // ServerHello chose an older version, then TLS 1.2's, with the key exchange of its suite
  // (the suite table's), which ServerKeyExchange and ClientKeyExchange depend on.
  msgs::WalkContext walk_context() const {
    msgs::WalkContext context;
    if (!facts_.server_hello_seen || facts_.version == kTls13) {
      return context;
    }
    context.version = static_cast<ProtocolVersion>(facts_.version);
    // TLS 1.1 and older sign the ServerKeyExchange without naming an algorithm: their key
    // exchange messages are left undecoded.
    if (facts_.suite && context.version == ProtocolVersion::TLSv1_2) {
      if (const crypto::SuiteRow* row = crypto::find_suite(*facts_.suite)) {
        if (row->kx == crypto::SuiteKx::kEcdhe) {
          context.kx = msgs::KeyExchangeKind::kEcdhe;
        } else if (row->kx == crypto::SuiteKx::kDhe) {
          context.kx = msgs::KeyExchangeKind::kDhe;
        }
      }
    }
    return context;
  }

  void client_hello_note(ByteView message) {
    HelloFacts f;
    read_client_hello(message, f);
    if (!f.client_hello_seen) {
      return;
    }
    std::string text = "client_random " + to_hex(f.client_random);
    if (options_.keys == nullptr) {
      text += " (no key log given)";
    } else if (options_.keys->has_client_random(f.client_random)) {
      text += " has secrets in the key log";
    } else {
      text += " is not in the key log";
    }
    if (f.early_data_offered) {
      text += "; the client offers 0-RTT early data";
    }
    note(TraceDirection::kClientToServer, std::move(text));
  }

  void server_hello_note(ByteView message) {
    ServerHelloFacts sh = read_server_hello(message);
    if (!sh.valid) {
      return;
    }
    if (sh.retry) {
      note(TraceDirection::kServerToClient,
           "this ServerHello is a HelloRetryRequest (its random is "
           "SHA-256(\"HelloRetryRequest\")): "
           "the client must send a second ClientHello");
      return;
    }
    note(TraceDirection::kServerToClient,
         "the server selected " + std::string(explain(static_cast<ProtocolVersion>(sh.version))) +
             " with " + std::string(name(sh.suite)));
  }

  void key_update(Side& s, ByteView message) {
    uint8_t request = message.size() == 5 ? message[4] : 0xff;
    if (s.phase != Phase::kApplication) {
      note(s.dir,
           "KeyUpdate before the handshake finished (RFC 8446 section "
           "4.6.3 makes this "
           "an unexpected_message)");
      return;
    }
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
    //# After sending a KeyUpdate message, the sender SHALL send all its traffic
    // using the next # generation of keys, computed as described in Section 7.2.
    s.generation++;
    std::string who = side_name(s.dir);
    std::string text = "KeyUpdate: the " + who + "'s next records use " + who +
                       "_application_traffic_secret_" + std::to_string(s.generation);
    if (request == 1) {
      text += "; update_requested, so the peer must update its own key too";
    }
    note(s.dir, std::move(text));
  }

  // finish reports what was left over in a direction.
  void finish(Side& s) {
    if (s.stopped) {
      return;
    }
    if (s.pos < s.data.size()) {
      complete_ = false;
      size_t left = s.data.size() - s.pos;
      std::string text = "the " + std::string(side_name(s.dir)) + "'s stream ends inside a record";
      if (left >= kHeaderLen) {
        text += " (" + std::to_string(left) + " of its " +
                std::to_string(kHeaderLen + record_length(s.data.subspan(s.pos))) +
                " bytes were captured)";
      } else {
        text += " header (" + std::to_string(left) + " of 5 bytes were captured)";
      }
      note(s.dir, std::move(text));
    }
    if (!s.handshake.empty()) {
      complete_ = false;
      note(s.dir, "the " + std::string(side_name(s.dir)) +
                      "'s stream ends inside a handshake "
                      "message (" +
                      std::to_string(s.handshake.size()) + " bytes of it seen)");
    }
  }

  const DissectorInput& input_;
  const DissectorOptions& options_;
  const crypto::CryptoProvider* provider_ = nullptr;
  Side client_;
  Side server_;
  HelloFacts facts_;
  bool complete_ = false;
  bool client_hello_noted_ = false;
  bool tls12_master_shown_ = false;
  DissectorResult result_;
};

}  // namespace

DissectorResult dissect(const DissectorInput& input, const DissectorOptions& options) {
  Dissector d(input, options);
  return d.run();
}

DissectorInput input_from_tcp_stream(const capture::TcpStream& stream) {
  DissectorInput in;
  in.client_to_server = stream.client_to_server.data;
  in.server_to_client = stream.server_to_client.data;
  in.chunks.reserve(stream.chunks.size());
  for (const capture::Chunk& c : stream.chunks) {
    in.chunks.push_back({c.direction == capture::Direction::kClientToServer
                             ? TraceDirection::kClientToServer
                             : TraceDirection::kServerToClient,
                         c.length});
  }
  return in;
}

namespace {

bool is_hex_digit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace

Result<RecordDump> parse_record_dump(ByteView file) {
  RecordDump dump;
  if (looks_like_record_header(file)) {
    // Raw records of one direction.
    bool server = file.size() > kHeaderLen && file[0] == kContentHandshake &&
                  file[kHeaderLen] == static_cast<uint8_t>(HandshakeType::server_hello);
    Bytes& out = server ? dump.server_to_client : dump.client_to_server;
    out.assign(file.begin(), file.end());
    dump.chunks.push_back(
        {server ? TraceDirection::kServerToClient : TraceDirection::kClientToServer, out.size()});
    return dump;
  }
  std::string_view text(reinterpret_cast<const char*>(file.data()), file.size());
  size_t line_number = 0;
  // dir is the direction of the current line; new_chunk says the next bytes
  // start a chunk.
  TraceDirection dir = TraceDirection::kClientToServer;
  bool new_chunk = true;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    line_number++;
    if (size_t hash = line.find('#'); hash != std::string_view::npos) {
      line = line.substr(0, hash);
    }
    size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) {
      continue;
    }
    line.remove_prefix(first);
    if (line.size() >= 2 && (line[1] == ':' || line[1] == '>') &&
        (line[0] == 'C' || line[0] == 'c' || line[0] == 'S' || line[0] == 's')) {
      dir = (line[0] == 'C' || line[0] == 'c') ? TraceDirection::kClientToServer
                                               : TraceDirection::kServerToClient;
      new_chunk = true;
      line.remove_prefix(2);
    }
    std::string digits;
    for (char c : line) {
      if (c == ' ' || c == '\t' || c == ':' || c == '\r') {
        continue;
      }
      if (!is_hex_digit(c)) {
        return decode_error("record dump line " + std::to_string(line_number) +
                            ": expected hex digits, found '" + std::string(1, c) + "'");
      }
      digits.push_back(c);
    }
    if (digits.size() % 2 != 0) {
      return decode_error("record dump line " + std::to_string(line_number) +
                          ": an odd number of hex digits");
    }
    std::optional<Bytes> bytes = from_hex(digits);
    if (!bytes) {
      return decode_error("record dump line " + std::to_string(line_number) + ": bad hex");
    }
    if (bytes->empty()) {
      continue;
    }
    Bytes& out =
        dir == TraceDirection::kClientToServer ? dump.client_to_server : dump.server_to_client;
    out.insert(out.end(), bytes->begin(), bytes->end());
    if (new_chunk) {
      dump.chunks.push_back({dir, bytes->size()});
      new_chunk = false;
    } else {
      dump.chunks.back().length += bytes->size();
    }
  }
  if (dump.client_to_server.empty() && dump.server_to_client.empty()) {
    return decode_error(
        "the record dump holds no bytes: expected raw TLS records or hex lines "
        "(\"C: 16 03 01 ...\", \"S: 16 03 03 ...\")");
  }
  return dump;
}

}  // namespace glasstls::trace
