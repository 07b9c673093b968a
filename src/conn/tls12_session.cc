#include "conn/tls12_session.h"

#include <string>

#include "conn/context.h"
#include "handshake/tls12_key_schedule.h"

namespace glasstls::conn {

Status Tls12Session::change_cipher_spec(const Context&, ByteView, bool) {
  // The state machine takes the peer's one change_cipher_spec of the handshake; any other is a
  // renegotiation glasstls does not do, or garbage.
  return unexpected_message("change_cipher_spec record after the handshake");
}

Status Tls12Session::post_handshake(Context& cx, const msgs::HandshakeMessage& m,
                                    PeerActivity& activity) {
  const bool asks_renegotiation =
      cx.is_client ? m.type == HandshakeType::hello_request : m.type == HandshakeType::client_hello;
  if (!asks_renegotiation) {
    return unexpected_message("unexpected " + message_name(m.type) + " after the handshake");
  }
  //= https://www.rfc-editor.org/rfc/rfc5246#section-7.2.2
  //# no_renegotiation
  //#    Sent by the client in response to a hello request or by the server
  //#    in response to a client hello after initial handshaking.  Either
  //#    of these would normally lead to renegotiation; when that is not
  //#    appropriate, the recipient should respond with this alert.
  // glasstls never renegotiates. A peer that keeps asking is cut off.
  if (++activity.key_changes > kMaxRenegotiationRequests) {
    return unexpected_message("more than " + std::to_string(kMaxRenegotiationRequests) +
                              " renegotiation requests without application data between them");
  }
  cx.note(false, std::string(cx.is_client ? "server asked to renegotiate (HelloRequest)"
                                          : "client asked to renegotiate (ClientHello)") +
                     ": refused with a no_renegotiation warning");
  activity.answer_owed = true;
  return Ok{};
}

Status Tls12Session::answer(Context& cx) {
  //= https://www.rfc-editor.org/rfc/rfc5246#section-7.2.2
  //# This
  //# message is always a warning.
  const uint8_t alert[2] = {static_cast<uint8_t>(AlertLevel::warning),
                            static_cast<uint8_t>(AlertDescription::no_renegotiation)};
  GLASSTLS_TRY(cx.record.write(ContentType::alert, ByteView(alert, 2), cx.out));
  if (cx.tracer) {
    cx.tracer->alert(true, ByteView(alert, 2));
  }
  return Ok{};
}

Status Tls12Session::write_key_exhausted(Context&) {
  return make_error(ErrorKind::kInternal, AlertDescription::internal_error,
                    "the sending key reached its usage limit, and TLS 1.2 cannot change keys "
                    "without renegotiation: reconnect");
}

Status Tls12Session::key_update(Context&, bool) {
  return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error,
                    "TLS 1.2 has no KeyUpdate (the connection negotiated TLS 1.2)");
}

Result<Bytes> Tls12Session::export_keying_material(const Context& cx, std::string_view label,
                                                   ByteView context, size_t length) const {
  if (!cx.handshake_done || master_secret.empty()) {
    return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error,
                      "exporter used before the handshake completed");
  }
  //= https://www.rfc-editor.org/rfc/rfc7627#section-5.4
  //# Hence, the client or server MUST NOT
  //# export any key material based on the new master secret for any
  //# subsequent application-level authentication.  In particular, it MUST
  //# disable [RFC5705]
  if (!extended_master_secret) {
    return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error,
                      "no exporters on a TLS 1.2 connection without the extended master secret "
                      "(RFC 7627 section 5.4)");
  }
  // The labels the PRF already uses for the connection's own keys are reserved (RFC 5705
  // section 4 lists them as disallowed).
  for (std::string_view reserved : {"client finished", "server finished", "master secret",
                                    "extended master secret", "key expansion"}) {
    if (label == reserved) {
      return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error,
                        "exporter label \"" + std::string(label) + "\" is reserved");
    }
  }
  // RFC 5705 section 4, with a context: PRF(master_secret, label, client_random +
  // server_random + context_value_length + context_value), `length` bytes. The Connection API
  // always passes a context (possibly empty), as TLS 1.3's exporter does, so the seed always
  // carries its two-byte length.
  if (context.size() > 0xffff) {
    return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error,
                      "exporter context over 2^16-1 bytes");
  }
  Bytes seed = randoms;
  seed.push_back(static_cast<uint8_t>(context.size() >> 8));
  seed.push_back(static_cast<uint8_t>(context.size()));
  seed.insert(seed.end(), context.begin(), context.end());
  GLASSTLS_ASSIGN(Secret out,
                  handshake::tls12::prf(*cx.suite.hash, master_secret.span(), label, seed, length));
  return Bytes(out.span().begin(), out.span().end());
}

}  // namespace glasstls::conn
