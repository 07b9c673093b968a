#include "conn/tls13_session.h"

#include <algorithm>
#include <string>

#include "conn/context.h"
#include "conn/tls13_keys.h"
#include "handshake/key_schedule.h"

namespace glasstls::conn {

const std::vector<SessionTicket>& Tls13Session::session_tickets() const {
  static const std::vector<SessionTicket> kNone;
  return tickets_ ? *tickets_ : kNone;
}

Status Tls13Session::change_cipher_spec(const Context& cx, ByteView fragment, bool hello_seen) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-5
  //# An implementation may receive an unencrypted record of type
  //# change_cipher_spec consisting of the single byte value 0x01 at any
  //# time after the first ClientHello message has been sent or received
  //# and before the peer's Finished message has been received and MUST
  //# simply drop it without further processing. ... An implementation which receives any
  //# other change_cipher_spec value or which receives a protected change_cipher_spec
  //# record MUST abort the handshake with an "unexpected_message" alert.
  const bool before_peer_finished = !cx.read_app_keys;
  if (fragment.size() != 1 || fragment[0] != 0x01) {
    return unexpected_message("change_cipher_spec record with a value other than 0x01");
  }
  if (!before_peer_finished || !hello_seen) {
    return unexpected_message("change_cipher_spec record outside the handshake");
  }
  return Ok{};
}

Status Tls13Session::post_handshake(Context& cx, const msgs::HandshakeMessage& m,
                                    PeerActivity& activity) {
  switch (m.type) {
    case HandshakeType::new_session_ticket: return new_session_ticket(cx, m);
    case HandshakeType::key_update: return receive_key_update(cx, m, activity);
    default:
      return unexpected_message("unexpected " + message_name(m.type) + " after the handshake");
  }
}

Status Tls13Session::new_session_ticket(Context& cx, const msgs::HandshakeMessage& m) {
  if (!cx.is_client) {
    return unexpected_message("NewSessionTicket sent to a server");
  }
  GLASSTLS_ASSIGN(msgs::NewSessionTicket nst, msgs::parse_new_session_ticket(m.body));
  const ClientConfig& config = *cx.client_config;
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
  //# The value of zero indicates that the
  //# ticket should be discarded immediately.
  if (config.session_store && !resumption_master.empty() && nst.ticket_lifetime > 0 &&
      !cx.negotiated.server_name.empty()) {
    StoredSession session;
    session.suite = cx.negotiated.suite;
    GLASSTLS_ASSIGN(session.psk,
                    handshake::resumption_psk(*cx.suite.hash, resumption_master.span(),
                                              nst.ticket_nonce, cx.key_schedule_observer()));
    session.ticket.assign(nst.ticket.begin(), nst.ticket.end());
    session.age_add = nst.ticket_age_add;
    session.lifetime_s = nst.ticket_lifetime;
    session.received_ms = config.clock();
    session.alpn = cx.negotiated.alpn;
    session.max_early_data = nst.max_early_data_size.value_or(0);
    // The store bounds how many it keeps for one name: a server cannot make the client hold
    // any number of them.
    config.session_store->put(cx.negotiated.server_name, std::move(session));
  }
  // Tickets are also kept for the caller when asked (Connection::session_tickets), at most
  // that many of them (and never more than kMaxKeptSessionTickets), the newest.
  const size_t max_tickets =
      std::min(cx.client_config->keep_session_tickets, kMaxKeptSessionTickets);
  if (max_tickets > 0) {
    if (!tickets_) {
      tickets_ = std::make_unique<std::vector<SessionTicket>>();
    }
    if (tickets_->size() >= max_tickets) {
      tickets_->erase(tickets_->begin());
    }
    SessionTicket& t = tickets_->emplace_back();
    t.lifetime = nst.ticket_lifetime;
    t.age_add = nst.ticket_age_add;
    t.nonce.assign(nst.ticket_nonce.begin(), nst.ticket_nonce.end());
    t.ticket.assign(nst.ticket.begin(), nst.ticket.end());
    t.max_early_data_size = nst.max_early_data_size;
    t.message.assign(m.encoded.begin(), m.encoded.end());
  }
  return Ok{};
}

Status Tls13Session::receive_key_update(Context& cx, const msgs::HandshakeMessage& m,
                                        PeerActivity& activity) {
  GLASSTLS_ASSIGN(msgs::KeyUpdate ku, msgs::parse_key_update(m.body));
  if (++activity.key_changes > kMaxKeyUpdates) {
    return unexpected_message("more than " + std::to_string(kMaxKeyUpdates) +
                              " KeyUpdates without application data between them");
  }
  const bool client = cx.is_client;
  Secret& peer_secret = client ? server_app_secret : client_app_secret;
  GLASSTLS_ASSIGN(Secret next, handshake::next_traffic_secret(*cx.suite.hash, peer_secret.span()));
  if (cx.tracer) {
    cx.tracer->key_step(
        client ? "server application traffic secret N+1" : "client application traffic secret N+1",
        "HKDF-Expand-Label(application_traffic_secret_N, \"traffic upd\", "
        "\"\", Hash.length)",
        peer_secret.span(), {}, next.span(), TraceDerivation::kHkdfExpandLabel, cx.suite.hash,
        "traffic upd");
  }
  peer_secret = std::move(next);
  GLASSTLS_TRY(install_read_secret(
      cx, peer_secret.span(),
      client ? "server application (updated)" : "client application (updated)"));
  key_updates_received_++;
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
  //# If the request_update field is set to "update_requested", then the
  //# receiver MUST send a KeyUpdate of its own with request_update set to
  //# "update_not_requested" prior to sending its next Application Data
  //# record.
  // Answered once, when this receive() is done (see answer()).
  if (ku.update_requested) {
    activity.answer_owed = true;
  }
  return Ok{};
}

Status Tls13Session::answer(Context& cx) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
  //# This mechanism allows either side to force an update to the
  //# entire connection, but causes an implementation which receives
  //# multiple KeyUpdates while it is silent to respond with a single
  //# update.
  return send_key_update(cx, false);
}

Status Tls13Session::write_key_exhausted(Context& cx) {
  // Keep each key within its usage limit (section 5.5) by updating before it runs out.
  return send_key_update(cx, false);
}

Status Tls13Session::key_update(Context& cx, bool request_peer_update) {
  return send_key_update(cx, request_peer_update);
}

Status Tls13Session::send_key_update(Context& cx, bool request) {
  Bytes msg = msgs::encode(msgs::KeyUpdate{request});
  GLASSTLS_TRY(cx.record.write(ContentType::handshake, msg, cx.out));
  if (cx.tracer) {
    cx.tracer->message(true, msg);
  }
  const bool client = cx.is_client;
  Secret& own = client ? client_app_secret : server_app_secret;
  GLASSTLS_ASSIGN(Secret next, handshake::next_traffic_secret(*cx.suite.hash, own.span()));
  if (cx.tracer) {
    cx.tracer->key_step(
        client ? "client application traffic secret N+1" : "server application traffic secret N+1",
        "HKDF-Expand-Label(application_traffic_secret_N, \"traffic upd\", \"\", "
        "Hash.length)",
        own.span(), {}, next.span(), TraceDerivation::kHkdfExpandLabel, cx.suite.hash,
        "traffic upd");
  }
  own = std::move(next);
  return install_write_secret(
      cx, own.span(), client ? "client application (updated)" : "server application (updated)",
      true);
}

Result<Bytes> Tls13Session::export_keying_material(const Context& cx, std::string_view label,
                                                   ByteView context, size_t length) const {
  if (!cx.handshake_done || exporter_master.empty()) {
    return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error,
                      "exporter used before the handshake completed");
  }
  return handshake::exporter(*cx.suite.hash, exporter_master.span(), label, context, length);
}

void send_ccs(Context& cx) {
  cx.out.append(ByteView(kCcsRecord));
  cx.tls13.ccs_sent = true;
  if (cx.tracer) {
    // The record is on the wire like any other: the trace shows it.
    cx.tracer->on_record(true, ContentType::change_cipher_spec, ByteView(kCcsRecord),
                         ByteView(kCcsRecord).subspan(record::kHeaderLen), 0, nullptr, 0);
  }
}

}  // namespace glasstls::conn
