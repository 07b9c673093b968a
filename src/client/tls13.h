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
  // psk: the stored session offered in pre_shared_key, if any.
  std::optional<StoredSession> psk;
  // tls12_session: the stored TLS 1.2 session offered by its session ID or ticket, if any.
  std::optional<StoredSession> tls12_session;
  handshake::Transcript transcript;
  Bytes session_id;
  bool after_hello_retry = false;
  CipherSuite hello_retry_suite{};
  Bytes cookie;
  std::vector<ExtensionType> offered;  // extensions sent in the ClientHello
};
struct ClientExpectEncryptedExtensions {
  HandshakeSecrets hs;
  bool resumed = false;         // the server accepted the offered PSK: no certificate follows
  bool ocsp_requested = false;  // the ClientHello carried status_request
  // early_pending: early data was offered and the server resumed the session; still writing
  // under the early traffic key until EncryptedExtensions answers.
  bool early_pending = false;
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

// ClientTls12: the server answered with a TLS 1.2 ServerHello; the rest of the handshake is
// TLS 1.2's (client/tls12.h). Its states are boxed, so that a TLS 1.3 connection's state holds
// 8 bytes for them.
struct Client12Flow;
struct ClientTls12 {
  std::unique_ptr<Client12Flow> flow;
  ClientTls12();
  explicit ClientTls12(std::unique_ptr<Client12Flow> f);
  ClientTls12(ClientTls12&&) noexcept;
  ClientTls12& operator=(ClientTls12&&) noexcept;
  ~ClientTls12();
};

using ClientState =
    std::variant<ClientExpectServerHello, ClientExpectEncryptedExtensions, ClientExpectCertificate,
                 ClientExpectCertificateVerify, ClientExpectFinished, ClientTls12, ClientConnected>;

// client_start builds and queues the first ClientHello.
Result<ClientState> client_start(Context& cx);
// client_handle feeds one handshake message to the client state machine.
Result<ClientState> client_handle(ClientState&& state, Context& cx,
                                  const msgs::HandshakeMessage& m);
// client_change_cipher_spec feeds the server's change_cipher_spec record (`fragment` its
// content) to a TLS 1.2 handshake; in any other state it is unexpected_message.
Result<ClientState> client_change_cipher_spec(ClientState&& state, Context& cx, ByteView fragment);

// offers_tls12 and offers_tls13 say which versions a client's ClientHello offers: those of its
// configured range that have a configured cipher suite.
bool offers_tls12(const ClientConfig& config);
bool offers_tls13(const ClientConfig& config);

// verify_server_chain hands the server's chain (and the OCSP response it stapled, empty when
// none, if `ocsp_requested`) to the configured verifier, with the trace's report when a trace is
// attached. Both versions' state machines call it.
Status verify_server_chain(Context& cx, const std::vector<Bytes>& chain, ByteView ocsp_response,
                           bool ocsp_requested);

}  // namespace glasstls::conn
