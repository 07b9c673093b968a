// tls12.h: the TLS 1.2 server handshake (src/server/tls12.cc), entered from the server's
// ClientHello handler when choose_version() settles on TLS 1.2.
#pragma once

#include "server/negotiate.h"
#include "server/tls13.h"

namespace glasstls::conn {

// tls12_client_hello answers the ClientHello `ch` (the message `m`) with the server's TLS 1.2
// flight and moves the server to the TLS 1.2 states.
Result<ServerState> tls12_client_hello(Context& cx, const msgs::HandshakeMessage& m,
                                       const msgs::ClientHello& ch, const ProviderSupport& support);
// tls12_server_handle feeds one handshake message to a TLS 1.2 handshake.
Result<ServerState> tls12_server_handle(ServerTls12&& s, Context& cx,
                                        const msgs::HandshakeMessage& m);
// tls12_server_change_cipher_spec takes the client's ChangeCipherSpec.
Result<ServerState> tls12_server_change_cipher_spec(ServerTls12&& s, Context& cx,
                                                    ByteView fragment);

}  // namespace glasstls::conn
