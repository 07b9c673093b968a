// tls13_session_test.cc: the TLS 1.3 rules outside the state machines, on a bare Context:
// change_cipher_spec records, post-handshake messages, key updates and the exporter. Secrets
// are checked against OpenSSL's own HKDF (tests/api/openssl_hkdf.h).
#include "conn/tls13_session.h"

#include <gtest/gtest.h>

#include <cstring>

#include "api/openssl_hkdf.h"
#include "conn/context.h"
#include "handshake/key_schedule.h"
#include "msgs/handshake.h"
#include "record/record_layer.h"

namespace glasstls::conn {
namespace {

using testing::openssl_exporter;
using testing::openssl_next_traffic_secret;

const Bytes kClientSecret(32, 0xc1);
const Bytes kServerSecret(32, 0x5e);
const Bytes kExporterMaster(32, 0xe7);

// protection builds TLS_AES_128_GCM_SHA256 record protection from a traffic secret, starting
// at `seq`.
record::Protection protection(const Bytes& secret, uint64_t seq) {
  const crypto::CryptoProvider& provider = crypto::openssl_provider();
  auto keys = handshake::traffic_keys(*provider.sha256, provider.aes128gcm->key_len(), secret);
  EXPECT_TRUE(keys.ok());
  record::Protection p;
  p.aead = provider.aes128gcm;
  p.key = std::move(provider.aes128gcm->new_key(keys->key.span())).value();
  std::memcpy(p.iv, keys->iv.data(), sizeof(p.iv));
  p.seq = seq;
  p.application = true;
  return p;
}

// Established is a Context as a state machine leaves it when the handshake is done: the
// application secrets derived and installed (TLS_AES_128_GCM_SHA256).
struct Established {
  Context cx;
  explicit Established(bool client, uint64_t write_seq = 0, size_t keep_tickets = 0) {
    cx.is_client = client;
    cx.provider = &crypto::openssl_provider();
    cx.suite = *suite_info(*cx.provider, CipherSuite::TLS_AES_128_GCM_SHA256);
    if (client) {
      auto config = ClientConfig::Builder()
                        .dangerous_accept_any_server_certificate()
                        .keep_session_tickets(keep_tickets)
                        .build();
      EXPECT_TRUE(config.ok());
      cx.client_config = *config;
    }
    cx.tls13.client_app_secret = Secret(kClientSecret);
    cx.tls13.server_app_secret = Secret(kServerSecret);
    cx.tls13.exporter_master = Secret(kExporterMaster);
    const Bytes& own = client ? kClientSecret : kServerSecret;
    const Bytes& peer = client ? kServerSecret : kClientSecret;
    cx.record.set_write_protection(protection(own, write_seq));
    cx.record.set_read_protection(protection(peer, 0));
    cx.read_app_keys = true;
    cx.handshake_done = true;
  }
  Bytes out() const { return Bytes(cx.out.data(), cx.out.data() + cx.out.size()); }
};

// open_record decrypts the single record `wire` under `secret` at sequence number `seq`.
std::pair<ContentType, Bytes> open_record(const Bytes& secret, uint64_t seq, const Bytes& wire) {
  record::RecordLayer reader;
  reader.set_read_protection(protection(secret, seq));
  Bytes copy = wire;
  record::Record rec;
  auto used = reader.read_record(std::span<uint8_t>(copy), rec);
  EXPECT_TRUE(used.ok()) << (used.ok() ? "" : used.error().to_string());
  if (!used.ok()) {
    return {};
  }
  EXPECT_EQ(*used, wire.size()) << "one record";
  return {rec.type, Bytes(rec.fragment.begin(), rec.fragment.end())};
}

msgs::HandshakeMessage message(const Bytes& encoded) {
  msgs::HandshakeMessage m;
  m.type = static_cast<HandshakeType>(encoded[0]);
  m.encoded = encoded;
  m.body = ByteView(encoded).subspan(4);
  return m;
}

// ---- change_cipher_spec (RFC 8446 section 5) ----

TEST(Tls13SessionCcs, OneByteOfOneDuringTheHandshakeIsDropped) {
  Context cx;
  Tls13Session s;
  const uint8_t one[1] = {0x01};
  EXPECT_TRUE(s.change_cipher_spec(cx, one, true).ok());
}

TEST(Tls13SessionCcs, AnyOtherValueIsUnexpectedMessage) {
  Context cx;
  Tls13Session s;
  for (const Bytes& bad : {Bytes{0x02}, Bytes{0x00}, Bytes{0x01, 0x01}, Bytes{}}) {
    Status st = s.change_cipher_spec(cx, bad, true);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().alert, AlertDescription::unexpected_message);
    EXPECT_EQ(st.error().reason, "change_cipher_spec record with a value other than 0x01");
  }
}

TEST(Tls13SessionCcs, BeforeTheFirstHelloIsUnexpectedMessage) {
  Context cx;
  Tls13Session s;
  const uint8_t one[1] = {0x01};
  Status st = s.change_cipher_spec(cx, one, false);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().alert, AlertDescription::unexpected_message);
  EXPECT_EQ(st.error().reason, "change_cipher_spec record outside the handshake");
}

TEST(Tls13SessionCcs, AfterThePeerFinishedIsUnexpectedMessage) {
  Established e(true);
  const uint8_t one[1] = {0x01};
  Status st = e.cx.tls13.change_cipher_spec(e.cx, one, true);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().alert, AlertDescription::unexpected_message);
  EXPECT_EQ(st.error().reason, "change_cipher_spec record outside the handshake");
}

TEST(Tls13SessionCcs, SendCcsWritesTheCompatibilityRecordOnce) {
  Context cx;
  EXPECT_FALSE(cx.tls13.ccs_sent);
  send_ccs(cx);
  EXPECT_TRUE(cx.tls13.ccs_sent);
  // RFC 8446 section 5: the record is the single byte 0x01, in the clear.
  const Bytes expected = {0x14, 0x03, 0x03, 0x00, 0x01, 0x01};
  EXPECT_EQ(Bytes(cx.out.data(), cx.out.data() + cx.out.size()), expected);
}

// ---- post-handshake messages (RFC 8446 section 4.6) ----

TEST(Tls13SessionPostHandshake, HandshakeMessagesOfTheHandshakeAreUnexpectedMessage) {
  for (bool client : {true, false}) {
    Established e(client);
    PeerActivity activity;
    // A Finished (20) and a ClientHello (1), each with an empty body, and an unassigned type.
    for (uint8_t type : {20, 1, 99}) {
      Status st = e.cx.tls13.post_handshake(e.cx, message(Bytes{type, 0, 0, 0}), activity);
      ASSERT_FALSE(st.ok());
      EXPECT_EQ(st.error().alert, AlertDescription::unexpected_message);
      EXPECT_EQ(st.error().reason, "unexpected " + message_name(static_cast<HandshakeType>(type)) +
                                       " after the handshake");
    }
    EXPECT_TRUE(e.out().empty()) << "nothing is sent: the connection sends the alert";
  }
}

Bytes ticket(uint8_t tag, std::optional<uint32_t> max_early_data = std::nullopt) {
  msgs::NewSessionTicket nst;
  nst.ticket_lifetime = 7200 + tag;
  nst.ticket_age_add = 0x01020304u * tag;
  Bytes nonce = {tag, tag};
  Bytes t(40, tag);
  nst.ticket_nonce = nonce;
  nst.ticket = t;
  nst.max_early_data_size = max_early_data;
  return msgs::encode(nst);
}

TEST(Tls13SessionPostHandshake, NewSessionTicketToAServerIsUnexpectedMessage) {
  Established e(false);
  PeerActivity activity;
  Status st = e.cx.tls13.post_handshake(e.cx, message(ticket(1)), activity);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().alert, AlertDescription::unexpected_message);
  EXPECT_EQ(st.error().reason, "NewSessionTicket sent to a server");
}

TEST(Tls13SessionPostHandshake, TicketsAreDecodedAndTheNewestKept) {
  Established e(true, 0, 2);
  PeerActivity activity;
  for (uint8_t tag = 1; tag <= 3; tag++) {
    ASSERT_TRUE(e.cx.tls13
                    .post_handshake(e.cx,
                                    message(ticket(tag, tag == 3 ? std::optional<uint32_t>(16384)
                                                                 : std::nullopt)),
                                    activity)
                    .ok());
  }
  const auto& kept = e.cx.tls13.session_tickets();
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].message, ticket(2));
  EXPECT_EQ(kept[0].lifetime, 7202u);
  EXPECT_EQ(kept[0].age_add, 0x02040608u);
  EXPECT_EQ(kept[0].nonce, (Bytes{2, 2}));
  EXPECT_EQ(kept[0].ticket, Bytes(40, 2));
  EXPECT_FALSE(kept[0].max_early_data_size.has_value());
  EXPECT_EQ(kept[1].message, ticket(3, 16384));
  EXPECT_EQ(kept[1].max_early_data_size, std::optional<uint32_t>(16384));
  EXPECT_EQ(activity.key_changes, 0u);
  EXPECT_FALSE(activity.answer_owed);
}

TEST(Tls13SessionPostHandshake, TicketsAreKeptOnlyWhenAskedAndAtMostSixteen) {
  Established none(true, 0, 0);
  Established many(true, 0, 1000);
  PeerActivity activity;
  for (int i = 0; i < 20; i++) {
    ASSERT_TRUE(none.cx.tls13.post_handshake(none.cx, message(ticket(1)), activity).ok());
    ASSERT_TRUE(many.cx.tls13.post_handshake(many.cx, message(ticket(1)), activity).ok());
  }
  EXPECT_TRUE(none.cx.tls13.session_tickets().empty());
  EXPECT_EQ(many.cx.tls13.session_tickets().size(), kMaxKeptSessionTickets);
}

TEST(Tls13SessionPostHandshake, MalformedTicketIsRefused) {
  Established e(true, 0, 4);
  PeerActivity activity;
  Bytes t = ticket(1);
  t.push_back(0);  // a byte past the extensions
  t[3]++;
  Status st = e.cx.tls13.post_handshake(e.cx, message(t), activity);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().alert, AlertDescription::decode_error);
  EXPECT_TRUE(e.cx.tls13.session_tickets().empty());
}

// ---- KeyUpdate (RFC 8446 section 4.6.3) ----

TEST(Tls13SessionKeyUpdate, ReceivedKeyUpdateMovesThePeerSecretAndInstallsItsKey) {
  for (bool client : {true, false}) {
    Established e(client);
    PeerActivity activity;
    const Bytes& peer = client ? kServerSecret : kClientSecret;
    Bytes ku = msgs::encode(msgs::KeyUpdate{false});
    ASSERT_TRUE(e.cx.tls13.post_handshake(e.cx, message(ku), activity).ok());
    const Bytes next = openssl_next_traffic_secret("SHA256", peer);
    ASSERT_FALSE(next.empty());
    const Secret& moved = client ? e.cx.tls13.server_app_secret : e.cx.tls13.client_app_secret;
    EXPECT_TRUE(moved.equals(next));
    const Secret& own = client ? e.cx.tls13.client_app_secret : e.cx.tls13.server_app_secret;
    EXPECT_TRUE(own.equals(client ? kClientSecret : kServerSecret)) << "our own key stays";
    EXPECT_TRUE(e.cx.read_key_changed);
    EXPECT_EQ(e.cx.record.read_seq(), 0u);
    EXPECT_EQ(e.cx.tls13.key_updates_received(), 1u);
    EXPECT_EQ(activity.key_changes, 1u);
    EXPECT_FALSE(activity.answer_owed);
    EXPECT_TRUE(e.out().empty()) << "update_not_requested is not answered";

    // The peer's next record, under its next key, reads.
    record::RecordLayer peer_writer;
    peer_writer.set_write_protection(protection(next, 0));
    Bytes wire;
    const uint8_t hello[5] = {'h', 'e', 'l', 'l', 'o'};
    ASSERT_TRUE(peer_writer.write(ContentType::application_data, hello, wire).ok());
    record::Record rec;
    ASSERT_TRUE(e.cx.record.read_record(std::span<uint8_t>(wire), rec).ok());
    EXPECT_EQ(Bytes(rec.fragment.begin(), rec.fragment.end()), Bytes(hello, hello + 5));
  }
}

TEST(Tls13SessionKeyUpdate, RequestIsAnsweredOnceWithOurNextKey) {
  Established e(true);
  PeerActivity activity;
  Bytes ku = msgs::encode(msgs::KeyUpdate{true});
  ASSERT_TRUE(e.cx.tls13.post_handshake(e.cx, message(ku), activity).ok());
  ASSERT_TRUE(e.cx.tls13.post_handshake(e.cx, message(ku), activity).ok());
  EXPECT_TRUE(activity.answer_owed);
  EXPECT_TRUE(e.out().empty()) << "the answer waits for the end of receive()";
  ASSERT_TRUE(e.cx.tls13.answer(e.cx).ok());
  // One KeyUpdate(update_not_requested), under the key it replaces.
  auto [type, content] = open_record(kClientSecret, 0, e.out());
  EXPECT_EQ(type, ContentType::handshake);
  EXPECT_EQ(content, msgs::encode(msgs::KeyUpdate{false}));
  EXPECT_TRUE(
      e.cx.tls13.client_app_secret.equals(openssl_next_traffic_secret("SHA256", kClientSecret)));
  EXPECT_EQ(e.cx.record.write_seq(), 0u);
}

TEST(Tls13SessionKeyUpdate, MoreThan32InARowIsUnexpectedMessage) {
  Established e(false);
  PeerActivity activity;
  Bytes ku = msgs::encode(msgs::KeyUpdate{false});
  for (unsigned i = 0; i < kMaxKeyUpdates; i++) {
    ASSERT_TRUE(e.cx.tls13.post_handshake(e.cx, message(ku), activity).ok()) << i;
  }
  Bytes before(e.cx.tls13.client_app_secret.span().begin(),
               e.cx.tls13.client_app_secret.span().end());
  Status st = e.cx.tls13.post_handshake(e.cx, message(ku), activity);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().alert, AlertDescription::unexpected_message);
  EXPECT_EQ(st.error().reason, "more than 32 KeyUpdates without application data between them");
  EXPECT_TRUE(e.cx.tls13.client_app_secret.equals(before)) << "refused before any derivation";
  // Application data between them (the connection resets the count) lets them go on.
  activity.key_changes = 0;
  EXPECT_TRUE(e.cx.tls13.post_handshake(e.cx, message(ku), activity).ok());
}

TEST(Tls13SessionKeyUpdate, BadKeyUpdateIsRefused) {
  Established e(true);
  PeerActivity activity;
  Status st = e.cx.tls13.post_handshake(e.cx, message(Bytes{24, 0, 0, 1, 2}), activity);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().alert, AlertDescription::illegal_parameter);
  EXPECT_EQ(e.cx.tls13.key_updates_received(), 0u);
}

TEST(Tls13SessionKeyUpdate, ExhaustedWriteKeyIsReplacedByAKeyUpdate) {
  // RFC 8446 section 5.5: AES-GCM keys protect at most 2^24.5 records; glasstls updates at 2^24.
  const uint64_t limit = record::key_usage_limit(crypto::AeadId::kAes128Gcm);
  for (bool client : {true, false}) {
    Established e(client, limit);
    ASSERT_TRUE(e.cx.record.write_key_exhausted());
    ASSERT_TRUE(e.cx.tls13.write_key_exhausted(e.cx).ok());
    EXPECT_FALSE(e.cx.record.write_key_exhausted());
    EXPECT_EQ(e.cx.record.write_seq(), 0u);
    const Bytes& own = client ? kClientSecret : kServerSecret;
    const Secret& moved = client ? e.cx.tls13.client_app_secret : e.cx.tls13.server_app_secret;
    const Bytes next = openssl_next_traffic_secret("SHA256", own);
    EXPECT_TRUE(moved.equals(next));
    // The KeyUpdate went out under the old key, as record number `limit`, and does not ask the
    // peer to update its own key.
    auto [type, content] = open_record(own, limit, e.out());
    EXPECT_EQ(type, ContentType::handshake);
    EXPECT_EQ(content, msgs::encode(msgs::KeyUpdate{false}));
    // What follows goes under the next key.
    e.cx.out.clear();
    const uint8_t data[3] = {1, 2, 3};
    ASSERT_TRUE(e.cx.record.write(ContentType::application_data, data, e.cx.out).ok());
    auto [type2, content2] = open_record(next, 0, e.out());
    EXPECT_EQ(type2, ContentType::application_data);
    EXPECT_EQ(content2, Bytes(data, data + 3));
  }
}

TEST(Tls13SessionKeyUpdate, CallersKeyUpdateMayRequestThePeers) {
  Established e(false);
  ASSERT_TRUE(e.cx.tls13.key_update(e.cx, true).ok());
  auto [type, content] = open_record(kServerSecret, 0, e.out());
  EXPECT_EQ(type, ContentType::handshake);
  EXPECT_EQ(content, msgs::encode(msgs::KeyUpdate{true}));
  EXPECT_TRUE(
      e.cx.tls13.server_app_secret.equals(openssl_next_traffic_secret("SHA256", kServerSecret)));
}

// ---- exporter (RFC 8446 section 7.5) ----

TEST(Tls13SessionExporter, IsTheRfcFormula) {
  Established e(true);
  const Bytes context = {'c', 't', 'x'};
  for (size_t length : {size_t{16}, size_t{32}, size_t{100}}) {
    auto got = e.cx.tls13.export_keying_material(e.cx, "EXPORTER-test", context, length);
    ASSERT_TRUE(got.ok());
    const Bytes want =
        openssl_exporter("SHA256", kExporterMaster, "EXPORTER-test", context, length);
    ASSERT_EQ(want.size(), length);
    EXPECT_EQ(*got, want);
  }
  // An empty context is hashed like any other.
  auto empty = e.cx.tls13.export_keying_material(e.cx, "EXPORTER-test", {}, 32);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, openssl_exporter("SHA256", kExporterMaster, "EXPORTER-test", {}, 32));
}

TEST(Tls13SessionExporter, FailsBeforeTheHandshakeCompleted) {
  Established e(false);
  e.cx.handshake_done = false;
  auto early = e.cx.tls13.export_keying_material(e.cx, "EXPORTER-test", {}, 32);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().kind, ErrorKind::kBadConfig);
  EXPECT_EQ(early.error().reason, "exporter used before the handshake completed");
  Context fresh;
  fresh.handshake_done = true;
  EXPECT_FALSE(fresh.tls13.export_keying_material(fresh, "EXPORTER-test", {}, 32).ok())
      << "no exporter master secret yet";
}

}  // namespace
}  // namespace glasstls::conn
