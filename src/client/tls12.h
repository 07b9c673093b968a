// tls12.h: the TLS 1.2 client handshake (src/client/tls12.cc), entered from the TLS 1.3
// client's ServerHello handler when the server answers with a TLS 1.2 ServerHello.
#pragma once

#include "client/tls13.h"

namespace glasstls::conn {

// tls12_server_hello handles a TLS 1.2 ServerHello `sh` (the message `m`) that answered the
// ClientHello of `s`, and moves the client to the TLS 1.2 states.
Result<ClientState> tls12_server_hello(ClientExpectServerHello&& s, Context& cx,
                                       const msgs::HandshakeMessage& m, msgs::ServerHello&& sh);
// tls12_client_handle feeds one handshake message to a TLS 1.2 handshake.
Result<ClientState> tls12_client_handle(ClientTls12&& s, Context& cx,
                                        const msgs::HandshakeMessage& m);
// tls12_client_change_cipher_spec takes the server's ChangeCipherSpec.
Result<ClientState> tls12_client_change_cipher_spec(ClientTls12&& s, Context& cx,
                                                    ByteView fragment);

}  // namespace glasstls::conn
