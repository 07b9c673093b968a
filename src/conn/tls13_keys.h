// tls13_keys.h: TLS 1.3's own key installation and signed content, used by the TLS 1.3 state
// machines of both roles (client/tls13.cc, server/tls13.cc) and its post-handshake rules
// (tls13_session.cc). The connection's Context knows nothing of how a version makes its keys.
#pragma once

#include "base/bytes.h"
#include "base/result.h"
#include "conn/context.h"

namespace glasstls::conn {

// install_read_secret and install_write_secret derive the record keys of a TLS 1.3 traffic
// secret with the negotiated suite (RFC 8446 section 7.3) and install them in the record layer.
// `label` names the secret for traces ("server handshake"). `application` marks application
// traffic keys, the only ones the record layer sends application data under.
Status install_read_secret(Context& cx, ByteView traffic_secret, const char* label = "");
Status install_write_secret(Context& cx, ByteView traffic_secret, const char* label,
                            bool application);

// certificate_verify_input builds the content signed by CertificateVerify (RFC 8446 section
// 4.4.3): 64 spaces, the context string of the signer's role, a zero byte, and the transcript
// hash.
Bytes certificate_verify_input(bool server, ByteView transcript_hash);
// certificate_verify_input with `cx` also shows the content in the trace, with the transcript
// hash it ends in, as the step "<role> CertificateVerify signed content" (when secrets are shown).
Bytes certificate_verify_input(Context& cx, bool server, ByteView transcript_hash);

}  // namespace glasstls::conn
