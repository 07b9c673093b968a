// The trace observer on live connections: what it sees, and that secrets need an opt-in.
#include <gtest/gtest.h>

#include "api/harness.h"
#include "glasstls/trace.h"

namespace glasstls {
namespace {

using testing::client_builder;
using testing::handshake;
using testing::MemoryKeyLog;
using testing::server_builder;
using testing::transfer;

struct Traced {
  std::shared_ptr<TraceRecorder> recorder = std::make_shared<TraceRecorder>();
  std::shared_ptr<MemoryKeyLog> log = std::make_shared<MemoryKeyLog>();
  std::optional<Connection> client;
  std::optional<Connection> server;

  explicit Traced(bool secrets) {
    auto scfg = server_builder(crypto::KeyType::kEcdsaP256).build();
    auto ccfg = client_builder(crypto::KeyType::kEcdsaP256).key_log(log).build();
    TraceOptions options;
    options.show_secrets = secrets;
    client.emplace(std::move(Connection::client(*ccfg, "localhost", recorder, options)).value());
    server.emplace(std::move(Connection::server(*scfg)).value());
    EXPECT_TRUE(handshake(*client, *server));
    const uint8_t ping[] = {'p', 'i', 'n', 'g'};
    EXPECT_TRUE(client->write(ping).ok());
    EXPECT_TRUE(transfer(*client, *server));
    EXPECT_TRUE(server->write(ping).ok());
    EXPECT_TRUE(transfer(*server, *client));
    client->close();
    EXPECT_TRUE(transfer(*client, *server));
  }

  template <typename T>
  std::vector<const T*> all() const {
    std::vector<const T*> out;
    for (const auto& e : recorder->events) {
      if (const T* t = std::get_if<T>(&e)) {
        out.push_back(t);
      }
    }
    return out;
  }
};

// Issue 9 item 14: every record on the wire is in the trace, the side's own
// change_cipher_spec included, and the traced records add up to exactly the bytes sent.
TEST(Trace, ShowsEveryRecordOnTheWireIncludingItsOwnChangeCipherSpec) {
  for (bool client_side : {true, false}) {
    auto recorder = std::make_shared<TraceRecorder>();
    auto scfg = server_builder(crypto::KeyType::kEcdsaP256).build();
    auto ccfg = client_builder(crypto::KeyType::kEcdsaP256).build();
    auto client = client_side ? Connection::client(*ccfg, "localhost", recorder, {})
                              : Connection::client(*ccfg, "localhost");
    auto server = Connection::server(*scfg);
    if (!client_side) {
      server->set_trace(recorder);
    }
    Connection& traced = client_side ? *client : *server;
    Bytes sent;
    for (int i = 0; i < 10 && (!client->output().empty() || !server->output().empty()); i++) {
      for (Connection* from : {&*client, &*server}) {
        Connection* to = from == &*client ? &*server : &*client;
        Bytes out(from->output().begin(), from->output().end());
        from->consume_output(out.size());
        if (from == &traced) {
          sent.insert(sent.end(), out.begin(), out.end());
        }
        ASSERT_TRUE(to->receive(out).ok());
      }
    }
    ASSERT_EQ(client->state(), ConnectionState::kEstablished);
    Bytes traced_wire;
    int own_ccs = 0;
    const TraceDirection sent_dir =
        client_side ? TraceDirection::kClientToServer : TraceDirection::kServerToClient;
    for (const auto& e : recorder->events) {
      if (const auto* r = std::get_if<TraceRecord>(&e); r != nullptr && r->direction == sent_dir) {
        traced_wire.insert(traced_wire.end(), r->wire.begin(), r->wire.end());
        own_ccs += r->content_type == ContentType::change_cipher_spec ? 1 : 0;
      }
    }
    EXPECT_EQ(own_ccs, 1) << (client_side ? "client" : "server");
    EXPECT_EQ(traced_wire, sent) << (client_side ? "client" : "server");
  }
}

TEST(Trace, SeesEveryHandshakeMessageInOrderBothWays) {
  Traced t(false);
  std::vector<std::pair<TraceDirection, HandshakeType>> got;
  for (const auto* m : t.all<TraceMessage>()) {
    got.emplace_back(m->direction, m->type);
    EXPECT_FALSE(m->tree.children.empty()) << name(m->type);
    EXPECT_EQ(m->tree.length, m->bytes.size());
  }
  using D = TraceDirection;
  std::vector<std::pair<TraceDirection, HandshakeType>> want = {
      {D::kClientToServer, HandshakeType::client_hello},
      {D::kServerToClient, HandshakeType::server_hello},
      {D::kServerToClient, HandshakeType::encrypted_extensions},
      {D::kServerToClient, HandshakeType::certificate},
      {D::kServerToClient, HandshakeType::certificate_verify},
      {D::kServerToClient, HandshakeType::finished},
      {D::kClientToServer, HandshakeType::finished}};
  EXPECT_EQ(got, want);
}

TEST(Trace, RecordsCarryWireBytesAndDecryptedPlaintext) {
  Traced t(false);
  size_t sent = 0, received = 0, decrypted = 0;
  for (const auto* r : t.all<TraceRecord>()) {
    ASSERT_GE(r->wire.size(), 5u);
    EXPECT_EQ(r->header.length, 5u);
    (r->direction == TraceDirection::kClientToServer ? sent : received)++;
    if (r->encrypted) {
      decrypted++;
      EXPECT_FALSE(r->key_label.empty());
      EXPECT_EQ(r->wire.size(), 5 + r->plaintext.size() + 1 + r->padding + 16);
      // Without the opt-in, no key material is exposed.
      EXPECT_TRUE(r->key.empty());
      EXPECT_TRUE(r->nonce.empty());
    }
  }
  EXPECT_GE(sent, 4u);      // ClientHello, CCS, Finished, data, close_notify
  EXPECT_GE(received, 4u);  // ServerHello, CCS, flight, data
  EXPECT_GE(decrypted, 4u);
  auto data = t.all<TraceApplicationData>();
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[0]->direction, TraceDirection::kClientToServer);
  EXPECT_EQ(data[1]->direction, TraceDirection::kServerToClient);
  auto alerts = t.all<TraceAlert>();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0]->description, AlertDescription::close_notify);
}

TEST(Trace, KeyScheduleStepsOnlyWithOptIn) {
  Traced without(false);
  EXPECT_TRUE(without.all<TraceKeyStep>().empty());

  Traced with(true);
  auto steps = with.all<TraceKeyStep>();
  ASSERT_FALSE(steps.empty());
  // The traced traffic secrets are the ones the key log received.
  auto find = [&](const std::string& step) -> Bytes {
    for (const auto* s : steps) {
      if (s->step == step) {
        return s->output;
      }
    }
    return {};
  };
  EXPECT_EQ(find("client_handshake_traffic_secret"),
            with.log->secrets.at("CLIENT_HANDSHAKE_TRAFFIC_SECRET"));
  EXPECT_EQ(find("server_handshake_traffic_secret"),
            with.log->secrets.at("SERVER_HANDSHAKE_TRAFFIC_SECRET"));
  EXPECT_EQ(find("client_application_traffic_secret_0"),
            with.log->secrets.at("CLIENT_TRAFFIC_SECRET_0"));
  EXPECT_EQ(find("server_application_traffic_secret_0"),
            with.log->secrets.at("SERVER_TRAFFIC_SECRET_0"));
  EXPECT_EQ(find("(EC)DHE shared secret").size(), 32u);
  bool keyed = false;
  for (const auto* r : with.all<TraceRecord>()) {
    if (r->encrypted) {
      EXPECT_EQ(r->key.size(), 16u);
      EXPECT_EQ(r->nonce.size(), 12u);
      keyed = true;
    }
  }
  EXPECT_TRUE(keyed);
}

TEST(Trace, DetachedObserverSeesNothingMore) {
  auto recorder = std::make_shared<TraceRecorder>();
  auto scfg = server_builder(crypto::KeyType::kEcdsaP256).build();
  auto ccfg = client_builder(crypto::KeyType::kEcdsaP256).build();
  auto client = Connection::client(*ccfg, "localhost", recorder, {});
  auto server = Connection::server(*scfg);
  size_t before = recorder->events.size();
  EXPECT_GT(before, 0u);
  client->set_trace(nullptr);
  ASSERT_TRUE(handshake(*client, *server));
  EXPECT_EQ(recorder->events.size(), before);
}

TEST(Trace, RenderedDemoTextExplainsTheClientHello) {
  Traced t(true);
  RenderOptions plain;
  std::string text = render_text(t.recorder->events, plain);
  EXPECT_NE(text.find("C -> S"), std::string::npos);
  EXPECT_NE(text.find("S -> C"), std::string::npos);
  EXPECT_NE(text.find("TLS_AES_128_GCM_SHA256"), std::string::npos);
  EXPECT_NE(text.find("client_handshake_traffic_secret"), std::string::npos);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
}

}  // namespace
}  // namespace glasstls
