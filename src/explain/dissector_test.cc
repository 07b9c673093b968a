// dissector_test.cc: the passive dissector against live glasstls conversations
// (whose own trace is the reference), RFC 8448's records, and malformed or
// undecryptable input.
#include "explain/dissector.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <tuple>
#include <vector>

#include "api/harness.h"
#include "crypto/suites.h"
#include "handshake/key_schedule.h"
#include "record/protector.h"
#include "rfc8448/trace.h"

namespace glasstls::trace {
namespace {

using glasstls::testing::MemoryKeyLog;

template <typename T>
std::vector<T> only(const std::vector<TraceEvent>& events) {
  std::vector<T> out;
  for (const TraceEvent& e : events) {
    if (const T* t = std::get_if<T>(&e)) {
      out.push_back(*t);
    }
  }
  return out;
}

std::vector<std::string> notes(const std::vector<TraceEvent>& events) {
  std::vector<std::string> out;
  for (const TraceNote& n : only<TraceNote>(events)) {
    out.push_back(n.text);
  }
  return out;
}

bool any_note_contains(const std::vector<TraceEvent>& events, const std::string& text) {
  for (const std::string& n : notes(events)) {
    if (n.find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

Bytes text_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

// Conversation runs a glasstls client and server in memory and records what
// crossed the wire, in order, as a capture would see it.
struct Conversation {
  std::shared_ptr<MemoryKeyLog> key_log = std::make_shared<MemoryKeyLog>();
  std::shared_ptr<TraceRecorder> client_trace = std::make_shared<TraceRecorder>();
  std::optional<Connection> client;
  std::optional<Connection> server;
  Bytes c2s;
  Bytes s2c;
  std::vector<StreamChunk> chunks;

  bool start(ClientConfig::Builder cb, ServerConfig::Builder sb) {
    cb.key_log(key_log);
    auto ccfg = cb.build();
    auto scfg = sb.build();
    if (!ccfg.ok() || !scfg.ok()) {
      return false;
    }
    TraceOptions options;
    options.show_secrets = true;
    auto c = Connection::client(*ccfg, "localhost", client_trace, options);
    auto s = Connection::server(*scfg);
    if (!c.ok() || !s.ok()) {
      return false;
    }
    client.emplace(std::move(c).value());
    server.emplace(std::move(s).value());
    return true;
  }
  // pump moves bytes both ways until neither side has output.
  void pump() {
    for (int i = 0; i < 50; i++) {
      bool moved = move(*client, *server, c2s, TraceDirection::kClientToServer);
      moved = move(*server, *client, s2c, TraceDirection::kServerToClient) || moved;
      if (!moved) {
        return;
      }
    }
  }
  bool move(Connection& from, Connection& to, Bytes& wire, TraceDirection d) {
    auto out = from.output();
    if (out.empty()) {
      return false;
    }
    Bytes copy(out.begin(), out.end());
    from.consume_output(copy.size());
    wire.insert(wire.end(), copy.begin(), copy.end());
    chunks.push_back({d, copy.size()});
    (void)to.receive(copy);
    return true;
  }
  std::string read_all(Connection& c) {
    std::string out;
    uint8_t buf[256];
    while (size_t n = c.read(buf)) {
      out.append(reinterpret_cast<const char*>(buf), n);
    }
    return out;
  }
  KeyLogFile keys() const {
    std::string text = "# glasstls test key log\n\n";
    for (const std::string& l : key_log->lines) {
      text += l + "\n";
    }
    return KeyLogFile::parse(text);
  }
  DissectorInput input() const { return {c2s, s2c, chunks}; }
};

struct RecordView {
  TraceDirection direction;
  ContentType type;
  Bytes wire;
  Bytes plaintext;
  size_t padding;
  uint64_t sequence;
  std::string key_label;
  bool operator==(const RecordView&) const = default;
};

std::vector<RecordView> records(const std::vector<TraceEvent>& events, TraceDirection d) {
  std::vector<RecordView> out;
  for (const TraceRecord& r : only<TraceRecord>(events)) {
    if (r.direction != d || r.content_type == ContentType::change_cipher_spec) {
      continue;
    }
    out.push_back(
        {r.direction, r.content_type, r.wire, r.plaintext, r.padding, r.sequence, r.key_label});
  }
  return out;
}

std::vector<std::pair<TraceDirection, Bytes>> messages(const std::vector<TraceEvent>& events) {
  std::vector<std::pair<TraceDirection, Bytes>> out;
  for (const TraceMessage& m : only<TraceMessage>(events)) {
    out.emplace_back(m.direction, m.bytes);
  }
  return out;
}

std::vector<std::pair<TraceDirection, Bytes>> app_data(const std::vector<TraceEvent>& events) {
  std::vector<std::pair<TraceDirection, Bytes>> out;
  for (const TraceApplicationData& a : only<TraceApplicationData>(events)) {
    out.emplace_back(a.direction, a.data);
  }
  return out;
}

std::vector<HandshakeType> message_types(const std::vector<TraceEvent>& events, TraceDirection d) {
  std::vector<HandshakeType> out;
  for (const TraceMessage& m : only<TraceMessage>(events)) {
    if (m.direction == d) {
      out.push_back(m.type);
    }
  }
  return out;
}

// The dissector, reading the wire with the key log, sees what the live client's
// own trace saw: the same records (bytes, plaintext, padding, sequence numbers,
// key labels), the same handshake messages in the same order, and the same
// application data, through KeyUpdates in both directions and close_notify.
TEST(DissectorTest, MatchesTheLiveTraceOfAConversation) {
  Conversation conv;
  ASSERT_TRUE(conv.start(glasstls::testing::client_builder(crypto::KeyType::kEcdsaP256),
                         glasstls::testing::server_builder(crypto::KeyType::kEcdsaP256)));
  conv.pump();
  ASSERT_EQ(conv.client->state(), ConnectionState::kEstablished);
  ASSERT_TRUE(conv.client->write(text_bytes("ping\n")).ok());
  conv.pump();
  EXPECT_EQ(conv.read_all(*conv.server), "ping\n");
  ASSERT_TRUE(conv.server->write(text_bytes("pong\n")).ok());
  conv.pump();
  ASSERT_TRUE(conv.client->key_update(true).ok());
  ASSERT_TRUE(conv.client->write(text_bytes("after update\n")).ok());
  conv.pump();
  ASSERT_TRUE(conv.server->write(text_bytes("server after update\n")).ok());
  conv.pump();
  ASSERT_TRUE(conv.client->key_update(false).ok());
  ASSERT_TRUE(conv.client->write(text_bytes("second update\n")).ok());
  conv.pump();
  conv.client->close();
  conv.pump();
  conv.server->close();
  conv.pump();
  EXPECT_EQ(conv.server->key_updates_received(), 2u);

  KeyLogFile keys = conv.keys();
  EXPECT_TRUE(keys.problems().empty());
  DissectorOptions options;
  options.keys = &keys;
  DissectorResult r = dissect(conv.input(), options);
  ASSERT_TRUE(r.summary.is_tls);
  EXPECT_TRUE(r.summary.tls13);
  EXPECT_TRUE(r.summary.keys_found);
  EXPECT_TRUE(r.summary.complete) << ::testing::PrintToString(notes(r.events));
  EXPECT_EQ(r.summary.cipher_suite, conv.client->cipher_suite());

  const auto& live = conv.client_trace->events;
  EXPECT_EQ(messages(r.events), messages(live));
  EXPECT_EQ(app_data(r.events), app_data(live));
  for (TraceDirection d : {TraceDirection::kClientToServer, TraceDirection::kServerToClient}) {
    std::vector<RecordView> mine = records(r.events, d);
    std::vector<RecordView> theirs = records(live, d);
    ASSERT_EQ(mine.size(), theirs.size());
    for (size_t i = 0; i < mine.size(); i++) {
      EXPECT_EQ(mine[i], theirs[i]) << "record " << i << " of direction " << static_cast<int>(d)
                                    << ": " << mine[i].key_label << " / " << theirs[i].key_label;
    }
  }
  // Keys are reported with their nonces, as the live trace does when it shows
  // secrets.
  for (const TraceRecord& rec : only<TraceRecord>(r.events)) {
    if (rec.encrypted) {
      EXPECT_FALSE(rec.key.empty());
      EXPECT_EQ(rec.nonce.size(), 12u);
    }
  }
  // The second client update is computed from _1 (glasstls logs only the _0
  // secrets).
  EXPECT_TRUE(any_note_contains(r.events, "client_application_traffic_secret_2"));
  EXPECT_EQ(only<TraceAlert>(r.events).size(), 2u);
}

// Without time order (no chunks) the dissector reads ahead for the hellos, so
// the client's records are still decrypted although they come before the
// server's in the output.
TEST(DissectorTest, DecryptsWithoutTimeOrder) {
  Conversation conv;
  ASSERT_TRUE(conv.start(glasstls::testing::client_builder(crypto::KeyType::kEcdsaP256),
                         glasstls::testing::server_builder(crypto::KeyType::kEcdsaP256)));
  conv.pump();
  ASSERT_TRUE(conv.client->write(text_bytes("hello")).ok());
  conv.pump();
  KeyLogFile keys = conv.keys();
  DissectorOptions options;
  options.keys = &keys;
  DissectorInput in = conv.input();
  in.chunks.clear();
  DissectorResult r = dissect(in, options);
  EXPECT_TRUE(r.summary.complete);
  auto data = app_data(r.events);
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(data[0].second, text_bytes("hello"));
  // Client first, then server.
  auto msgs = only<TraceMessage>(r.events);
  ASSERT_FALSE(msgs.empty());
  EXPECT_EQ(msgs.back().direction, TraceDirection::kServerToClient);
}

TEST(DissectorTest, HelloRetryRequest) {
  Conversation conv;
  ASSERT_TRUE(conv.start(glasstls::testing::client_builder(crypto::KeyType::kEcdsaP256)
                             .groups({NamedGroup::x25519, NamedGroup::secp384r1})
                             .key_share_groups({NamedGroup::x25519}),
                         glasstls::testing::server_builder(crypto::KeyType::kEcdsaP256)
                             .groups({NamedGroup::secp384r1})));
  conv.pump();
  ASSERT_TRUE(conv.client->hello_retry_request());
  ASSERT_TRUE(conv.server->write(text_bytes("after retry")).ok());
  conv.pump();
  KeyLogFile keys = conv.keys();
  DissectorOptions options;
  options.keys = &keys;
  DissectorResult r = dissect(conv.input(), options);
  EXPECT_TRUE(r.summary.hello_retry_request);
  EXPECT_TRUE(r.summary.complete);
  EXPECT_TRUE(any_note_contains(r.events, "HelloRetryRequest"));
  std::vector<HandshakeType> client_types =
      message_types(r.events, TraceDirection::kClientToServer);
  ASSERT_GE(client_types.size(), 3u);
  EXPECT_EQ(client_types[0], HandshakeType::client_hello);
  EXPECT_EQ(client_types[1], HandshakeType::client_hello);
  EXPECT_EQ(client_types[2], HandshakeType::finished);
  EXPECT_EQ(messages(r.events), messages(conv.client_trace->events));
  auto data = app_data(r.events);
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(data[0].second, text_bytes("after retry"));
}

// Records split into one-byte chunks, handshake messages split across records
// and several messages per record.
TEST(DissectorTest, ReassemblesAcrossChunksAndRecords) {
  Conversation conv;
  ASSERT_TRUE(conv.start(glasstls::testing::client_builder(crypto::KeyType::kEcdsaP256),
                         glasstls::testing::server_builder(crypto::KeyType::kEcdsaP256)));
  conv.pump();
  KeyLogFile keys = conv.keys();
  DissectorOptions options;
  options.keys = &keys;
  DissectorResult whole = dissect(conv.input(), options);

  // Re-frame the client's first record (the ClientHello) as three records, and
  // deliver every byte of both directions in its own chunk.
  ByteView c2s = conv.c2s;
  size_t first_len = 5 + ((size_t{c2s[3]} << 8) | c2s[4]);
  ByteView hello = c2s.subspan(5, first_len - 5);
  Bytes reframed;
  size_t cuts[] = {0, 3, 50, hello.size()};
  for (size_t i = 0; i + 1 < std::size(cuts); i++) {
    size_t n = cuts[i + 1] - cuts[i];
    reframed.insert(reframed.end(),
                    {0x16, 0x03, 0x01, static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)});
    reframed.insert(reframed.end(), hello.begin() + static_cast<ptrdiff_t>(cuts[i]),
                    hello.begin() + static_cast<ptrdiff_t>(cuts[i + 1]));
  }
  reframed.insert(reframed.end(), c2s.begin() + static_cast<ptrdiff_t>(first_len), c2s.end());
  DissectorInput in;
  in.client_to_server = reframed;
  in.server_to_client = conv.s2c;
  for (const StreamChunk& c : conv.chunks) {
    uint64_t len = c.direction == TraceDirection::kClientToServer && &c == &conv.chunks.front()
                       ? c.length + 10
                       : c.length;
    for (uint64_t i = 0; i < len; i++) {
      in.chunks.push_back({c.direction, 1});
    }
  }
  DissectorResult r = dissect(in, options);
  EXPECT_TRUE(r.summary.complete);
  EXPECT_EQ(messages(r.events), messages(whole.events));
  // The server's flight carries several messages in one record.
  EXPECT_LT(only<TraceRecord>(whole.events).size(), only<TraceMessage>(whole.events).size());
}

TEST(DissectorTest, StopsWithoutKeys) {
  Conversation conv;
  ASSERT_TRUE(conv.start(glasstls::testing::client_builder(crypto::KeyType::kEcdsaP256),
                         glasstls::testing::server_builder(crypto::KeyType::kEcdsaP256)));
  conv.pump();
  ASSERT_TRUE(conv.client->write(text_bytes("secret")).ok());
  conv.pump();

  DissectorResult none = dissect(conv.input(), {});
  EXPECT_TRUE(none.summary.is_tls);
  EXPECT_FALSE(none.summary.complete);
  EXPECT_TRUE(any_note_contains(none.events, "no key log was given"));
  EXPECT_TRUE(app_data(none.events).empty());
  std::vector<HandshakeType> types = message_types(none.events, TraceDirection::kClientToServer);
  ASSERT_EQ(types.size(), 1u);
  EXPECT_EQ(types[0], HandshakeType::client_hello);
  types = message_types(none.events, TraceDirection::kServerToClient);
  ASSERT_EQ(types.size(), 1u);
  EXPECT_EQ(types[0], HandshakeType::server_hello);
  // Each direction shows its first encrypted record, without plaintext, then
  // stops.
  size_t opaque = 0;
  for (const TraceRecord& rec : only<TraceRecord>(none.events)) {
    if (rec.encrypted) {
      EXPECT_FALSE(rec.plaintext_known);
      opaque++;
    }
  }
  EXPECT_EQ(opaque, 2u);

  KeyLogFile other;
  Bytes random(32, 0x3f);
  Bytes secret(32, 0x01);
  ASSERT_TRUE(other.add("CLIENT_HANDSHAKE_TRAFFIC_SECRET", random, secret));
  DissectorOptions options;
  options.keys = &other;
  DissectorResult unmatched = dissect(conv.input(), options);
  EXPECT_FALSE(unmatched.summary.keys_found);
  EXPECT_TRUE(any_note_contains(unmatched.events, "no key log entry for client_random "));

  // A key log with the right client_random but a wrong secret: authentication
  // fails.
  KeyLogFile wrong;
  Bytes real_random = unmatched.summary.client_random;
  ASSERT_EQ(real_random.size(), 32u);
  for (const char* label : {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET"}) {
    ASSERT_TRUE(wrong.add(label, real_random, secret));
  }
  options.keys = &wrong;
  DissectorResult bad = dissect(conv.input(), options);
  EXPECT_TRUE(any_note_contains(bad.events, "does not decrypt (bad_record_mac)"));

  // A key log missing the application secrets decrypts the handshake only.
  KeyLogFile full = conv.keys();
  KeyLogFile handshake_only;
  for (const char* label : {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET"}) {
    const Secret* s = full.find(label, real_random);
    ASSERT_NE(s, nullptr);
    ASSERT_TRUE(handshake_only.add(label, real_random, s->span()));
  }
  options.keys = &handshake_only;
  DissectorResult hs = dissect(conv.input(), options);
  EXPECT_TRUE(any_note_contains(hs.events, "the key log has no CLIENT_TRAFFIC_SECRET_0"));
  types = message_types(hs.events, TraceDirection::kServerToClient);
  EXPECT_GE(types.size(), 5u);  // ServerHello ... Finished
}

TEST(DissectorTest, NotTls) {
  Bytes http = text_bytes("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
  Bytes reply = text_bytes("HTTP/1.1 200 OK\r\n\r\n");
  DissectorResult r = dissect({http, reply, {}}, {});
  EXPECT_FALSE(r.summary.is_tls);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_TRUE(any_note_contains(r.events, "not TLS"));
  EXPECT_FALSE(dissect({{}, {}, {}}, {}).summary.is_tls);
}

// A TLS 1.2 ServerHello (no supported_versions): shown up to the encrypted
// Finished.
TEST(DissectorTest, Tls12IsShownUntilEncrypted) {
  Bytes server_hello = {0x02, 0x00, 0x00, 0x26, 0x03, 0x03};
  server_hello.resize(server_hello.size() + 32, 0x42);
  server_hello.push_back(0x00);  // empty session id
  server_hello.push_back(0xc0);  // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
  server_hello.push_back(0x2b);
  server_hello.push_back(0x00);  // compression
  Bytes s2c = {0x16, 0x03, 0x03, 0x00, static_cast<uint8_t>(server_hello.size())};
  s2c.insert(s2c.end(), server_hello.begin(), server_hello.end());
  for (uint8_t b : {0x14, 0x03, 0x03, 0x00, 0x01, 0x01}) {
    s2c.push_back(b);
  }
  for (uint8_t b : {0x16, 0x03, 0x03, 0x00, 0x20}) {
    s2c.push_back(b);
  }
  s2c.resize(s2c.size() + 32, 0x99);
  DissectorResult r = dissect({{}, s2c, {}}, {});
  EXPECT_TRUE(r.summary.is_tls);
  EXPECT_FALSE(r.summary.tls13);
  EXPECT_TRUE(any_note_contains(r.events, "no key log was given"));
  ASSERT_EQ(only<TraceRecord>(r.events).size(), 3u);
  const TraceRecord last = only<TraceRecord>(r.events).back();
  EXPECT_TRUE(last.encrypted);
  EXPECT_FALSE(last.plaintext_known);
  EXPECT_EQ(last.content_type, ContentType::handshake);
  // With a key log that lacks this connection's CLIENT_RANDOM, it says so.
  KeyLogFile keys = KeyLogFile::parse("CLIENT_RANDOM " + std::string(64, '7') + " " +
                                      std::string(96, 'a') + "\n");
  DissectorOptions options;
  options.keys = &keys;
  Bytes c2s = {0x16, 0x03, 0x01, 0x00, 0x2a, 0x01, 0x00, 0x00, 0x26, 0x03, 0x03};
  c2s.resize(c2s.size() + 32, 0x55);
  c2s.insert(c2s.end(), {0x00, 0x00, 0x02, 0xc0, 0x2b, 0x01, 0x00});
  r = dissect({c2s, s2c, {}}, options);
  EXPECT_TRUE(any_note_contains(r.events, "the key log has no CLIENT_RANDOM line"))
      << ::testing::PrintToString(notes(r.events));
}

// Tls12Kind is one kind of TLS 1.2 record protection a glasstls conversation can use.
struct Tls12Kind {
  CipherSuite suite;
  TraceProtectionKind kind;
};

// A TLS 1.2 conversation between glasstls peers, read back with the client's CLIENT_RANDOM
// line: the dissector sees what the live client's trace saw, record by record (bytes,
// plaintext, sequence numbers, the parts of each protected record), message by message, for
// each kind of TLS 1.2 record protection.
TEST(DissectorTest, Tls12MatchesTheLiveTraceOfAConversation) {
  for (const Tls12Kind& k : {Tls12Kind{CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                                       TraceProtectionKind::kTls12Gcm},
                             Tls12Kind{CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
                                       TraceProtectionKind::kTls12ChaCha20Poly1305},
                             Tls12Kind{CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,
                                       TraceProtectionKind::kTls12CbcEncryptThenMac}}) {
    SCOPED_TRACE(std::string(name(k.suite)));
    Conversation conv;
    auto cb = glasstls::testing::client_builder(crypto::KeyType::kEcdsaP256);
    cb.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_2).cipher_suites({k.suite});
    auto sb = glasstls::testing::server_builder(crypto::KeyType::kEcdsaP256);
    sb.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_2).cipher_suites({k.suite});
    ASSERT_TRUE(conv.start(std::move(cb), std::move(sb)));
    conv.pump();
    ASSERT_EQ(conv.client->state(), ConnectionState::kEstablished);
    ASSERT_TRUE(conv.client->write(text_bytes("ping over TLS 1.2\n")).ok());
    conv.pump();
    EXPECT_EQ(conv.read_all(*conv.server), "ping over TLS 1.2\n");
    ASSERT_TRUE(conv.server->write(text_bytes("pong\n")).ok());
    conv.pump();
    conv.client->close();
    conv.pump();

    KeyLogFile keys = conv.keys();
    EXPECT_TRUE(keys.problems().empty());
    DissectorOptions options;
    options.keys = &keys;
    DissectorResult r = dissect(conv.input(), options);
    ASSERT_TRUE(r.summary.is_tls);
    EXPECT_FALSE(r.summary.tls13);
    EXPECT_TRUE(r.summary.complete) << ::testing::PrintToString(notes(r.events));
    EXPECT_EQ(r.summary.cipher_suite, k.suite);

    const auto& live = conv.client_trace->events;
    EXPECT_EQ(messages(r.events), messages(live));
    EXPECT_EQ(app_data(r.events), app_data(live));
    for (TraceDirection d : {TraceDirection::kClientToServer, TraceDirection::kServerToClient}) {
      std::vector<TraceRecord> mine;
      std::vector<TraceRecord> theirs;
      for (const TraceRecord& rec : only<TraceRecord>(r.events)) {
        if (rec.direction == d) {
          mine.push_back(rec);
        }
      }
      for (const TraceRecord& rec : only<TraceRecord>(live)) {
        if (rec.direction == d) {
          theirs.push_back(rec);
        }
      }
      ASSERT_EQ(mine.size(), theirs.size());
      size_t protected_records = 0;
      for (size_t i = 0; i < mine.size(); i++) {
        SCOPED_TRACE("record " + std::to_string(i));
        EXPECT_EQ(mine[i].wire, theirs[i].wire);
        EXPECT_EQ(mine[i].encrypted, theirs[i].encrypted);
        EXPECT_EQ(mine[i].content_type, theirs[i].content_type);
        EXPECT_EQ(mine[i].plaintext, theirs[i].plaintext);
        EXPECT_EQ(mine[i].sequence, theirs[i].sequence);
        EXPECT_EQ(mine[i].header.children.size(), theirs[i].header.children.size());
        if (!mine[i].encrypted) {
          continue;
        }
        protected_records++;
        EXPECT_EQ(mine[i].protection.kind, k.kind);
        EXPECT_EQ(theirs[i].protection.kind, k.kind);
        EXPECT_EQ(mine[i].protection.explicit_nonce, theirs[i].protection.explicit_nonce);
        EXPECT_EQ(mine[i].protection.ciphertext, theirs[i].protection.ciphertext);
        EXPECT_EQ(mine[i].protection.mac, theirs[i].protection.mac);
        EXPECT_EQ(mine[i].protection.padding, theirs[i].protection.padding);
        EXPECT_EQ(mine[i].protection.additional_data, theirs[i].protection.additional_data);
        EXPECT_EQ(mine[i].nonce, theirs[i].nonce);
        EXPECT_EQ(mine[i].key, theirs[i].key);
        EXPECT_FALSE(mine[i].key.empty());
      }
      EXPECT_GE(protected_records, 2u);
    }
    if (const char* dir = std::getenv("GLASSTLS_WRITE_DISSECTOR_SEEDS")) {
      // The dissector fuzzer's seeds (fuzz/corpus/dissector_fuzzer): byte 1 with bit 2 set says
      // that the client's length (2 bytes) and a CLIENT_RANDOM entry (32 + 48 bytes) follow.
      const Bytes random(r.summary.client_random);
      const Secret* master = keys.find("CLIENT_RANDOM", random);
      ASSERT_NE(master, nullptr);
      Bytes seed = {0, 0x02, static_cast<uint8_t>(conv.c2s.size() >> 8),
                    static_cast<uint8_t>(conv.c2s.size())};
      seed.insert(seed.end(), random.begin(), random.end());
      seed.insert(seed.end(), master->span().begin(), master->span().end());
      seed.insert(seed.end(), conv.c2s.begin(), conv.c2s.end());
      seed.insert(seed.end(), conv.s2c.begin(), conv.s2c.end());
      const std::string path = std::string(dir) + "/tls12_" + std::string(name(k.suite)) + ".bin";
      FILE* f = std::fopen(path.c_str(), "wb");
      ASSERT_NE(f, nullptr);
      EXPECT_EQ(std::fwrite(seed.data(), 1, seed.size(), f), seed.size());
      std::fclose(f);
    }
  }
}

// The dissector fuzzer's TLS 1.2 seeds (written by the test above with
// GLASSTLS_WRITE_DISSECTOR_SEEDS) reach TLS 1.2 decryption: read with the fuzzer's layout (byte 1
// bit 2: the client's length, a client_random and a master secret, then the streams), every
// protected record decrypts.
TEST(DissectorTest, FuzzerSeedsReachTls12Decryption) {
  const std::string dir = std::string(GLASSTLS_SOURCE_DIR) + "/fuzz/corpus/dissector_fuzzer/";
  size_t seeds = 0;
  for (const char* file : {"tls12_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256.bin",
                           "tls12_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256.bin",
                           "tls12_TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384.bin"}) {
    SCOPED_TRACE(file);
    FILE* f = std::fopen((dir + file).c_str(), "rb");
    ASSERT_NE(f, nullptr);
    Bytes seed;
    uint8_t buf[4096];
    while (size_t n = std::fread(buf, 1, sizeof(buf), f)) {
      seed.insert(seed.end(), buf, buf + n);
    }
    std::fclose(f);
    ASSERT_GE(seed.size(), 84u);
    ASSERT_NE(seed[1] & 2, 0);
    const size_t client_len = (size_t{seed[2]} << 8) | seed[3];
    ASSERT_LE(84 + client_len, seed.size());
    KeyLogFile keys;
    ASSERT_TRUE(
        keys.add("CLIENT_RANDOM", ByteView(seed).subspan(4, 32), ByteView(seed).subspan(36, 48)));
    DissectorOptions options;
    options.keys = &keys;
    const ByteView rest = ByteView(seed).subspan(84);
    DissectorResult r = dissect({rest.first(client_len), rest.subspan(client_len), {}}, options);
    EXPECT_FALSE(r.summary.tls13);
    EXPECT_TRUE(r.summary.complete) << ::testing::PrintToString(notes(r.events));
    EXPECT_GE(r.summary.decrypted_records, 4u);
    seeds++;
  }
  EXPECT_EQ(seeds, 3u);
}

TEST(DissectorTest, TruncatedStreams) {
  Conversation conv;
  ASSERT_TRUE(conv.start(glasstls::testing::client_builder(crypto::KeyType::kEcdsaP256),
                         glasstls::testing::server_builder(crypto::KeyType::kEcdsaP256)));
  conv.pump();
  KeyLogFile keys = conv.keys();
  DissectorOptions options;
  options.keys = &keys;
  DissectorInput in = conv.input();
  in.server_to_client = in.server_to_client.first(in.server_to_client.size() - 7);
  in.chunks.clear();
  DissectorResult r = dissect(in, options);
  EXPECT_FALSE(r.summary.complete);
  EXPECT_TRUE(any_note_contains(r.events, "the server's stream ends inside a record"));
}

// Records that authenticate but whose TLSInnerPlaintext a connection would refuse are still
// shown: an undefined inner content type with its content, then an all-zero plaintext, which
// stops the direction.
TEST(DissectorTest, ShowsAuthenticRecordsAConnectionWouldRefuse) {
  Conversation conv;
  ASSERT_TRUE(conv.start(glasstls::testing::client_builder(crypto::KeyType::kEcdsaP256),
                         glasstls::testing::server_builder(crypto::KeyType::kEcdsaP256)));
  conv.pump();
  ASSERT_EQ(conv.client->state(), ConnectionState::kEstablished);
  ASSERT_TRUE(conv.server->write(text_bytes("pong\n")).ok());
  conv.pump();
  // The server's next application record under SERVER_TRAFFIC_SECRET_0 is its second: seal two
  // more by hand, as a hostile or broken server might.
  auto suite = crypto::suite_info(crypto::openssl_provider(), conv.client->cipher_suite());
  ASSERT_TRUE(suite.has_value());
  auto keys = handshake::traffic_keys(*suite->hash, suite->aead->key_len(),
                                      conv.key_log->secrets.at("SERVER_TRAFFIC_SECRET_0"));
  ASSERT_TRUE(keys.ok());
  record::Protection prot;
  prot.aead = suite->aead;
  prot.key = std::move(suite->aead->new_key(keys->key.span())).value();
  std::copy_n(keys->iv.span().begin(), 12, prot.iv);
  record::Tls13AeadProtector sealer(std::move(prot));
  // TLSInnerPlaintexts 0x42 || 99 (no such content type) and 00 00 || 00 (no content type).
  const Bytes odd = {0x42};
  const Bytes zeros = {0, 0};
  for (auto [content, type, seq] :
       {std::tuple{odd, uint8_t{99}, uint64_t{1}}, std::tuple{zeros, uint8_t{0}, uint64_t{2}}}) {
    Bytes rec(record::kHeaderLen + content.size() + sealer.overhead());
    ASSERT_TRUE(sealer.seal(static_cast<ContentType>(type), content, seq, rec).ok());
    conv.s2c.insert(conv.s2c.end(), rec.begin(), rec.end());
    conv.chunks.push_back({TraceDirection::kServerToClient, rec.size()});
  }

  KeyLogFile log = conv.keys();
  DissectorOptions options;
  options.keys = &log;
  DissectorResult r = dissect(conv.input(), options);
  std::vector<RecordView> server = records(r.events, TraceDirection::kServerToClient);
  ASSERT_GE(server.size(), 2u);
  const RecordView& undefined = server[server.size() - 2];
  EXPECT_EQ(static_cast<uint8_t>(undefined.type), 99);
  EXPECT_EQ(undefined.plaintext, odd);
  EXPECT_EQ(undefined.sequence, 1u);
  EXPECT_EQ(undefined.key_label, "server application");
  EXPECT_TRUE(any_note_contains(r.events, "content type 99 is not defined for TLS 1.3"));
  const TraceRecord last = only<TraceRecord>(r.events).back();
  EXPECT_TRUE(last.encrypted);
  EXPECT_FALSE(last.plaintext_known);
  EXPECT_TRUE(any_note_contains(r.events, "the decrypted record is all zeros"));
  EXPECT_FALSE(r.summary.complete);
}

TEST(KeyLogTest, ParsesTheNssFormat) {
  std::string random(64, 'a');
  std::string text = "# comment\n\n   \nCLIENT_HANDSHAKE_TRAFFIC_SECRET " + random + " 0102\r\n" +
                     "SERVER_TRAFFIC_SECRET_0\t" + random + "\tA0B0\n" + "CLIENT_RANDOM " + random +
                     "\n" + "EXPORTER_SECRET abcd 0102\n" + "EXPORTER_SECRET " + random + " zz\n" +
                     "CLIENT_HANDSHAKE_TRAFFIC_SECRET " + random + " 0103\n" + "EXPORTER_SECRET " +
                     random + " 01:02";
  KeyLogFile log = KeyLogFile::parse(text);
  EXPECT_EQ(log.size(), 2u);
  Bytes r(32, 0xaa);
  const Secret* s = log.find("CLIENT_HANDSHAKE_TRAFFIC_SECRET", r);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(Bytes(s->span().begin(), s->span().end()), (Bytes{0x01, 0x02}));
  s = log.find("SERVER_TRAFFIC_SECRET_0", r);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(Bytes(s->span().begin(), s->span().end()), (Bytes{0xa0, 0xb0}));
  EXPECT_EQ(log.find("CLIENT_TRAFFIC_SECRET_0", r), nullptr);
  EXPECT_TRUE(log.has_client_random(r));
  EXPECT_FALSE(log.has_client_random(Bytes(32, 0xab)));
  EXPECT_FALSE(log.has_client_random(Bytes(31, 0xaa)));
  ASSERT_EQ(log.problems().size(), 5u);
  EXPECT_EQ(log.problems()[0].line, 6u);   // two fields
  EXPECT_EQ(log.problems()[1].line, 7u);   // short client_random
  EXPECT_EQ(log.problems()[2].line, 8u);   // bad secret hex
  EXPECT_EQ(log.problems()[3].line, 9u);   // a different second value
  EXPECT_EQ(log.problems()[4].line, 10u);  // separators inside the secret
  EXPECT_FALSE(log.add("X", Bytes(31, 0), Bytes(1, 0)));
  EXPECT_FALSE(log.add("X", Bytes(32, 0), Bytes()));
}

TEST(RecordDumpTest, HexLines) {
  const char text[] =
      "# a comment\n"
      "C: 16 03 01 00 02   # trailing comment\n"
      "   01:02\n"
      "\n"
      "S> 1603030001ff\n"
      "c: 17\n"
      "s:\n"
      "   AA bb\n";
  auto dump = parse_record_dump(ByteView(reinterpret_cast<const uint8_t*>(text), sizeof(text) - 1));
  ASSERT_TRUE(dump.ok()) << dump.error().to_string();
  EXPECT_EQ(dump->client_to_server, (Bytes{0x16, 0x03, 0x01, 0x00, 0x02, 0x01, 0x02, 0x17}));
  EXPECT_EQ(dump->server_to_client, (Bytes{0x16, 0x03, 0x03, 0x00, 0x01, 0xff, 0xaa, 0xbb}));
  ASSERT_EQ(dump->chunks.size(), 4u);
  EXPECT_EQ(dump->chunks[0].direction, TraceDirection::kClientToServer);
  EXPECT_EQ(dump->chunks[0].length, 7u);
  EXPECT_EQ(dump->chunks[1].direction, TraceDirection::kServerToClient);
  EXPECT_EQ(dump->chunks[1].length, 6u);
  EXPECT_EQ(dump->chunks[2].length, 1u);
  EXPECT_EQ(dump->chunks[3].direction, TraceDirection::kServerToClient);
  EXPECT_EQ(dump->chunks[3].length, 2u);

  for (const char* bad : {"C: 16 03 0", "C: 16 zz", "# nothing\n", ""}) {
    std::string_view b(bad);
    EXPECT_FALSE(
        parse_record_dump(ByteView(reinterpret_cast<const uint8_t*>(b.data()), b.size())).ok())
        << bad;
  }
}

TEST(RecordDumpTest, RawRecords) {
  Bytes client = {0x16, 0x03, 0x01, 0x00, 0x01, 0x01};
  auto dump = parse_record_dump(client);
  ASSERT_TRUE(dump.ok());
  EXPECT_EQ(dump->client_to_server, client);
  EXPECT_TRUE(dump->server_to_client.empty());
  Bytes server = {0x16, 0x03, 0x03, 0x00, 0x01, 0x02};
  dump = parse_record_dump(server);
  ASSERT_TRUE(dump.ok());
  EXPECT_EQ(dump->server_to_client, server);
  ASSERT_EQ(dump->chunks.size(), 1u);
  EXPECT_EQ(dump->chunks[0].direction, TraceDirection::kServerToClient);
}

}  // namespace
}  // namespace glasstls::trace
