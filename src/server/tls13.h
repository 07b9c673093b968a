// tls13.h: the states of the TLS 1.3 server handshake (src/server/tls13.cc) and its entry
// points.
//
// Each state holds only what is valid in it; the Context (conn/context.h) holds what the
// whole connection shares. The connection (src/conn/connection.cc) keeps a ServerState and
// feeds it one handshake message at a time.
#pragma once

#include <memory>
#include <variant>

#include "conn/context.h"

namespace glasstls::conn {

// ServerExpectClientHello: the first ClientHello, or the second one after a HelloRetryRequest
// (after_hello_retry; the fields below it say what that request asked for).
struct ServerExpectClientHello {
  bool after_hello_retry = false;
  handshake::Transcript transcript;
  CipherSuite suite{};
  NamedGroup group{};
  Bytes session_id;
};
// ServerSecondFlight is not a state: it is what the server keeps, in each of the states below,
// while the client's second flight (Certificate, CertificateVerify, Finished) arrives.
struct ServerSecondFlight {
  handshake::Transcript transcript;
  Secret client_hs;
  handshake::ApplicationSchedule app;
  // ticket_client_authenticated: a resumed session whose ticket says the client authenticated
  // with a certificate in the handshake that made it.
  bool ticket_client_authenticated = false;
};
// ServerExpectEndOfEarlyData: 0-RTT data was accepted; it arrives, under the client's early
// traffic key, until the client's EndOfEarlyData.
struct ServerExpectEndOfEarlyData {
  ServerSecondFlight await;
};
// ServerExpectCertificate: a CertificateRequest was sent; the client's Certificate comes next.
struct ServerExpectCertificate {
  ServerSecondFlight await;
};
struct ServerExpectCertificateVerify {
  ServerSecondFlight await;
  CertVerified cert_verified;
  Bytes leaf_spki;
};
struct ServerExpectFinished {
  ServerSecondFlight await;
};
struct ServerConnected {};

// ServerTls12: the ClientHello settled on TLS 1.2; the rest of the handshake is TLS 1.2's
// (server/tls12.h). Its states are boxed, so that a TLS 1.3 connection's state holds 8 bytes
// for them.
struct Server12Flow;
struct ServerTls12 {
  std::unique_ptr<Server12Flow> flow;
  ServerTls12();
  explicit ServerTls12(std::unique_ptr<Server12Flow> f);
  ServerTls12(ServerTls12&&) noexcept;
  ServerTls12& operator=(ServerTls12&&) noexcept;
  ~ServerTls12();
};

using ServerState =
    std::variant<ServerExpectClientHello, ServerExpectEndOfEarlyData, ServerExpectCertificate,
                 ServerExpectCertificateVerify, ServerExpectFinished, ServerTls12, ServerConnected>;

// server_start is the state of a server that has received nothing yet.
ServerState server_start();
// server_handle feeds one handshake message to the server state machine.
Result<ServerState> server_handle(ServerState&& state, Context& cx,
                                  const msgs::HandshakeMessage& m);
// server_change_cipher_spec feeds the client's change_cipher_spec record (`fragment` its
// content) to a TLS 1.2 handshake; in any other state it is unexpected_message.
Result<ServerState> server_change_cipher_spec(ServerState&& state, Context& cx, ByteView fragment);

}  // namespace glasstls::conn
