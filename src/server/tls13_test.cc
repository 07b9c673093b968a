// tls13_test.cc: the server state machine, driven message by message with a Context of its
// own (no Connection): the state after each message, and the messages it refuses.
#include "server/tls13.h"

#include <gtest/gtest.h>

#include "api/harness.h"
#include "server/tls13_testing.h"

namespace glasstls::conn {
namespace {

using glasstls::testing::client_builder;
using glasstls::testing::server_builder;
using testing::as_message;
using testing::client_config;
using testing::handshake_message;
using testing::server_config;
using testing::StatePair;

constexpr auto kP256 = crypto::KeyType::kEcdsaP256;

TEST(ServerStateMachine, StartsExpectingAFirstClientHello) {
  ServerState s = server_start();
  const auto* expect = std::get_if<ServerExpectClientHello>(&s);
  ASSERT_NE(expect, nullptr);
  EXPECT_FALSE(expect->after_hello_retry);
}

// RFC 8446 section 4.1.2: the client sends a ClientHello first; anything else is an
// unexpected_message, and nothing is sent in answer but the alert (which the connection adds).
TEST(ServerStateMachine, RefusesAFirstMessageOtherThanClientHello) {
  const HandshakeType types[] = {HandshakeType::server_hello, HandshakeType::certificate,
                                 HandshakeType::finished, HandshakeType::key_update};
  for (HandshakeType type : types) {
    auto cx = testing::server_context(server_config(server_builder(kP256)));
    Bytes encoded;
    Result<ServerState> r =
        server_handle(server_start(), *cx, handshake_message(type, Bytes{0, 0}, encoded));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().alert, AlertDescription::unexpected_message);
    EXPECT_EQ(r.error().reason.rfind("expected ClientHello, got ", 0), 0u) << r.error().reason;
    EXPECT_TRUE(cx->out.empty());
  }
}

// Without client authentication, the server's whole flight answers the ClientHello and the
// client's Finished is what comes next; after it, the handshake is done.
TEST(ServerStateMachine, FullHandshakeWalksTheStates) {
  StatePair p(
      client_config(client_builder(kP256)),
      server_config(server_builder(kP256).cipher_suites(
          {CipherSuite::TLS_CHACHA20_POLY1305_SHA256, CipherSuite::TLS_AES_128_GCM_SHA256})),
      "localhost");
  ASSERT_TRUE(p.start.ok());
  ASSERT_TRUE(p.to_server().ok());
  EXPECT_TRUE(std::holds_alternative<ServerExpectFinished>(p.server_state));
  EXPECT_EQ(p.server->negotiated.version, ProtocolVersion::TLSv1_3);
  EXPECT_EQ(p.server->negotiated.suite, CipherSuite::TLS_CHACHA20_POLY1305_SHA256);
  EXPECT_EQ(p.server->negotiated.group, NamedGroup::x25519);
  EXPECT_EQ(p.server->negotiated.server_name, "localhost");
  EXPECT_FALSE(p.server->negotiated.hello_retry_request);
  EXPECT_FALSE(p.server->handshake_done);

  ASSERT_TRUE(p.to_client().ok());
  ASSERT_TRUE(p.to_server().ok());
  EXPECT_TRUE(std::holds_alternative<ServerConnected>(p.server_state));
  EXPECT_TRUE(p.server->handshake_done);
  EXPECT_TRUE(p.server->read_app_keys);
  // Both sides derived the same application secrets.
  EXPECT_TRUE(p.server->tls13.client_app_secret.equals(p.client->tls13.client_app_secret.span()));
  EXPECT_TRUE(p.server->tls13.server_app_secret.equals(p.client->tls13.server_app_secret.span()));
}

// RFC 8446 section 4.1.4: with no usable share the server answers with a HelloRetryRequest and
// expects a second ClientHello, which must carry a share of the group asked for.
TEST(ServerStateMachine, HelloRetryRequestExpectsASecondClientHello) {
  auto ccfg = client_config(client_builder(kP256)
                                .groups({NamedGroup::x25519, NamedGroup::secp256r1})
                                .key_share_groups({NamedGroup::x25519}));
  StatePair p(ccfg, server_config(server_builder(kP256).groups({NamedGroup::secp256r1})),
              "localhost");
  ASSERT_TRUE(p.start.ok());
  ASSERT_TRUE(p.to_server().ok());
  const auto* again = std::get_if<ServerExpectClientHello>(&p.server_state);
  ASSERT_NE(again, nullptr);
  EXPECT_TRUE(again->after_hello_retry);
  EXPECT_EQ(again->group, NamedGroup::secp256r1);
  EXPECT_EQ(again->suite, CipherSuite::TLS_AES_128_GCM_SHA256);
  const auto* client = std::get_if<ClientExpectServerHello>(&p.client_state);
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(again->session_id, client->session_id);
  EXPECT_TRUE(p.server->negotiated.hello_retry_request);

  ASSERT_TRUE(p.to_client().ok());
  ASSERT_TRUE(p.to_server().ok());
  EXPECT_TRUE(std::holds_alternative<ServerExpectFinished>(p.server_state));
  EXPECT_EQ(p.server->negotiated.group, NamedGroup::secp256r1);
  ASSERT_TRUE(p.to_client().ok());
  ASSERT_TRUE(p.to_server().ok());
  EXPECT_TRUE(std::holds_alternative<ServerConnected>(p.server_state));
}

// A ClientHello is refused once the server has sent its flight.
TEST(ServerStateMachine, ClientHelloAfterTheFlightIsUnexpected) {
  StatePair p(client_config(client_builder(kP256)), server_config(server_builder(kP256)),
              "localhost");
  ASSERT_TRUE(p.start.ok());
  Bytes wire = testing::take_output(*p.client);
  ASSERT_TRUE(p.to_server(wire).ok());
  ASSERT_TRUE(std::holds_alternative<ServerExpectFinished>(p.server_state));
  // The ClientHello is the record's body.
  const Bytes hello(wire.begin() + record::kHeaderLen, wire.end());
  Result<ServerState> r = server_handle(std::move(p.server_state), *p.server, as_message(hello));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().alert, AlertDescription::unexpected_message);
  EXPECT_EQ(r.error().reason, "expected client Finished, got client_hello");
}

// RFC 8446 section 4.4.2.4: a client may answer a CertificateRequest with an empty
// Certificate; the server then goes on without client authentication, or refuses with
// certificate_required when it requires one.
TEST(ServerStateMachine, CertificateRequestExpectsTheClientCertificate) {
  for (bool required : {false, true}) {
    auto verifier = pin_sha256_verifier({});
    StatePair p(client_config(client_builder(kP256)),
                server_config(server_builder(kP256).request_client_certificate(verifier, required)),
                "localhost");
    ASSERT_TRUE(p.start.ok());
    ASSERT_TRUE(p.to_server().ok());
    ASSERT_TRUE(std::holds_alternative<ServerExpectCertificate>(p.server_state));

    Bytes empty = msgs::encode(msgs::Certificate{});
    Result<ServerState> r = server_handle(std::move(p.server_state), *p.server, as_message(empty));
    if (required) {
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error().alert, AlertDescription::certificate_required);
    } else {
      ASSERT_TRUE(r.ok()) << r.error().to_string();
      EXPECT_TRUE(std::holds_alternative<ServerExpectFinished>(r.value()));
    }
  }
}

// RFC 8446 section 4.4.2: the client's certificate_request_context echoes the server's, which
// is empty in the handshake.
TEST(ServerStateMachine, ClientCertificateWithAContextIsIllegalParameter) {
  StatePair p(client_config(client_builder(kP256)),
              server_config(
                  server_builder(kP256).request_client_certificate(pin_sha256_verifier({}), false)),
              "localhost");
  ASSERT_TRUE(p.start.ok());
  ASSERT_TRUE(p.to_server().ok());
  ASSERT_TRUE(std::holds_alternative<ServerExpectCertificate>(p.server_state));
  const uint8_t context[1] = {7};
  msgs::Certificate cert;
  cert.certificate_request_context = ByteView(context, 1);
  Bytes encoded = msgs::encode(cert);
  Result<ServerState> r = server_handle(std::move(p.server_state), *p.server, as_message(encoded));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().alert, AlertDescription::illegal_parameter);
}

TEST(ServerStateMachine, ConnectedRefusesHandshakeMessages) {
  auto cx = testing::server_context(server_config(server_builder(kP256)));
  Bytes encoded;
  Result<ServerState> r = server_handle(ServerState(ServerConnected{}), *cx,
                                        handshake_message(HandshakeType::finished, {}, encoded));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().alert, AlertDescription::unexpected_message);
  EXPECT_EQ(r.error().reason, "unexpected finished after the handshake");
}

// The server reports the name a client asked for once the name passed its check, even if the
// handshake then fails for want of an ALPN protocol; a failure before that check leaves it
// empty.
TEST(ServerStateMachine, ServerNameIsKeptFromItsCheckOn) {
  auto server = server_config(server_builder(kP256).alpn({"h2"}));
  {
    StatePair p(client_config(client_builder(kP256).alpn({"http/1.1"})), server, "localhost");
    ASSERT_TRUE(p.start.ok());
    Status s = p.to_server();
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().alert, AlertDescription::no_application_protocol);
    EXPECT_EQ(p.server->negotiated.server_name, "localhost");
  }
  {
    StatePair p(
        client_config(client_builder(kP256).cipher_suites({CipherSuite::TLS_AES_256_GCM_SHA384})),
        server_config(server_builder(kP256).cipher_suites({CipherSuite::TLS_AES_128_GCM_SHA256})),
        "localhost");
    ASSERT_TRUE(p.start.ok());
    Status s = p.to_server();
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().alert, AlertDescription::handshake_failure);
    EXPECT_EQ(p.server->negotiated.server_name, "");
  }
}

}  // namespace
}  // namespace glasstls::conn
