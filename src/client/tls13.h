// tls13.h: the states of the TLS 1.3 client handshake (src/client/tls13.cc) and its entry
// points.
//
// Each state holds only what is valid in it; the Context (conn/context.h) holds what the
// whole connection shares. The connection (src/conn/connection.cc) keeps a ClientState and
// feeds it one handshake message at a time.
#pragma once

#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "conn/context.h"

namespace glasstls::conn {

// ClientExpectServerHello: the ClientHello is sent; a ServerHello or HelloRetryRequest comes
// next.
struct ClientExpectServerHello {
  std::vector<std::unique_ptr<crypto::KeyExchange>> shares;
  handshake::Transcript transcript;
  Bytes session_id;
  bool after_hello_retry = false;
  CipherSuite hello_retry_suite{};
  Bytes cookie;
  std::vector<ExtensionType> offered;  // extensions sent in the ClientHello
};
struct ClientExpectEncryptedExtensions {
  HandshakeSecrets hs;
  bool ocsp_requested = false;         // the ClientHello carried status_request
  std::vector<ExtensionType> offered;  // extensions sent in the ClientHello
};
struct ClientExpectCertificate {
  HandshakeSecrets hs;
  bool ocsp_requested = false;  // the ClientHello carried status_request
  // Set after a CertificateRequest: the context to echo.
  std::optional<Bytes> certificate_request_context;
  std::vector<SignatureScheme> request_schemes;
};
struct ClientExpectCertificateVerify {
  HandshakeSecrets hs;
  CertVerified cert_verified;
  Bytes leaf_spki;
  std::optional<Bytes> certificate_request_context;
  std::vector<SignatureScheme> request_schemes;
};
struct ClientExpectFinished {
  HandshakeSecrets hs;
  SignatureVerified signature_verified;
  std::optional<Bytes> certificate_request_context;
  std::vector<SignatureScheme> request_schemes;
};
// ClientConnected: the handshake is over; post-handshake messages are handled by the
// connection.
struct ClientConnected {};

using ClientState =
    std::variant<ClientExpectServerHello, ClientExpectEncryptedExtensions, ClientExpectCertificate,
                 ClientExpectCertificateVerify, ClientExpectFinished, ClientConnected>;

// client_start builds and queues the first ClientHello.
Result<ClientState> client_start(Context& cx);
// client_handle feeds one handshake message to the client state machine.
Result<ClientState> client_handle(ClientState&& state, Context& cx,
                                  const msgs::HandshakeMessage& m);

}  // namespace glasstls::conn
