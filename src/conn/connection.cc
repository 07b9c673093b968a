// connection.cc: the sans-IO connection: buffers, record dispatch, alerts and the latched
// error. Handshake messages go to the handshake state machine; what depends on the protocol
// version outside it (change_cipher_spec records, post-handshake messages, key updates,
// exporters) goes to the version's rules (conn/version_rules.h).
#include "glasstls/connection.h"

#include <algorithm>
#include <cstring>

#include "client/tls13.h"
#include "conn/context.h"
#include "conn/tls12_keys.h"
#include "server/tls13.h"
#include "x509/names.h"

namespace glasstls {

using conn::ClientState;
using conn::Context;
using conn::ServerState;

// max_handshake_message is the largest body glasstls accepts for each handshake message type.
// A peer could otherwise make an unauthenticated connection park a large partial message: a
// server holds at most one record and the start of one ClientHello for a client it knows
// nothing about. A ClientHello of real clients is under 2 KiB (with a post-quantum key
// share); 16 KiB is also BoringSSL's bound. A Certificate carries a chain (OpenSSL and
// BoringSSL accept 100 KiB); a NewSessionTicket's ticket may be 2^16-1 bytes (RFC 8446
// section 4.6.1).
size_t max_handshake_message(HandshakeType type) {
  switch (type) {
    case HandshakeType::certificate: return 128 * 1024;
    // A TLS 1.2 CertificateStatus carries an OCSP response (RFC 6066 section 8), rarely over a
    // few KiB; 64 KiB leaves room for a responder chain.
    case HandshakeType::certificate_status: return 64 * 1024;
    case HandshakeType::new_session_ticket: return 4 + 4 + 256 + 2 + 65535 + 2 + 1024;
    default: return 16 * 1024;
  }
}

// Records that carry nothing for the application or the handshake are counted, and too many
// in a row end the connection (as BoringSSL and OpenSSL do), so that a peer cannot keep us
// busy for free: empty records and change_cipher_spec records, and warning alerts
// (user_canceled). The version's rules bound key changes without application data between
// them (PeerActivity::key_changes).
constexpr unsigned kMaxEmptyRecords = 32;
constexpr unsigned kMaxWarningAlerts = 4;

// keep_capacity is the memory a drained buffer keeps for the next record: one whole record of
// the version's largest size, header included. A buffer that grew past it (a large write not
// yet sent, data the application has not read, a record arriving in pieces) frees its memory
// once it is empty, so an idle connection holds at most this much per buffer, and in steady
// state (records of up to the largest plaintext, each sent and read before the next) no buffer
// allocates per record.
size_t keep_capacity(const record::RecordLayer& layer) {
  return record::kHeaderLen + layer.rules().limits.max_ciphertext();
}

// drained empties `b` after its last byte was used, keeping at most keep_capacity() of room,
// and none without `keep_room`.
void drained(Buffer& b, const record::RecordLayer& layer, bool keep_room = true) {
  b.clear();
  if (!keep_room || b.capacity() > keep_capacity(layer)) {
    b.release();
  }
}

const char* name(EarlyDataStatus status) {
  switch (status) {
    case EarlyDataStatus::kNotOffered: return "not offered";
    case EarlyDataStatus::kOffered: return "offered";
    case EarlyDataStatus::kAccepted: return "accepted";
    case EarlyDataStatus::kRejected: return "rejected";
  }
  return "unknown";
}

const char* name(ConnectionState state) {
  switch (state) {
    case ConnectionState::kHandshaking: return "handshaking";
    case ConnectionState::kEstablished: return "established";
    case ConnectionState::kClosed: return "closed";
    case ConnectionState::kFailed: return "failed";
  }
  return "unknown";
}

struct Connection::Impl {
  Context cx;
  // hs is the handshake's state machine. It lives on its own and is freed once the handshake
  // completes (what may follow is the version's rules' business, VersionRules::post_handshake),
  // so that an established connection does not carry the memory of its handshake's states.
  std::unique_ptr<std::variant<ClientState, ServerState>> hs;
  // rules are the version's rules for what is not the handshake state machine's: TLS 1.2's once
  // the handshake settled on it, TLS 1.3's otherwise (before the ServerHello too). Each lives in
  // the Context, beside the secrets its handshake derives.
  conn::VersionRules& rules() {
    if (cx.tls12) {
      return *cx.tls12;
    }
    return cx.tls13;
  }
  const conn::VersionRules& rules() const {
    if (cx.tls12) {
      return *cx.tls12;
    }
    return cx.tls13;
  }

  // in holds the start of a record that arrived split across receive() calls: never more than
  // one record. Whole records are read straight from the bytes handed to receive().
  Buffer in;
  // Handshake bytes not yet forming a whole message.
  Bytes hs_in;
  // app_in holds received application data not yet read, from app_start on. Protected records
  // are decrypted into the room just past its end: application data is then committed where
  // it lies, and other content (handshake messages, alerts) is processed from there and
  // dropped.
  Buffer app_in;
  size_t app_start = 0;
  // HeldData is data waiting on the handshake. It is boxed, and freed once empty: most
  // connections never hold any.
  struct HeldData {
    // app_out: application data written before the handshake completed, at most
    // limits.pending_write bytes.
    Bytes app_out;
    // early_in: 0-RTT data a server accepted and the caller has not read, from early_in_start
    // on; at most ServerConfig::max_early_data bytes ever arrive in it.
    Bytes early_in;
    size_t early_in_start = 0;
  };
  std::unique_ptr<HeldData> held;
  HeldData& hold() {
    if (!held) {
      held = std::make_unique<HeldData>();
    }
    return *held;
  }
  // release_held frees the box once it holds nothing.
  void release_held() {
    if (held && held->app_out.empty() && held->early_in.empty()) {
      held.reset();
    }
  }
  BufferLimits limits;

  // error is the latched error, null until the first fatal one (boxed: an Error is 40 bytes
  // that a healthy connection never uses).
  std::unique_ptr<Error> error;

  // Useless records in a row (see kMaxEmptyRecords and friends).
  unsigned empty_records = 0;
  unsigned warning_alerts = 0;
  // activity: the peer's key changes since its last application data, and whether the rules
  // owe it an answer when this receive() ends (however many messages asked for one).
  conn::PeerActivity activity;

  // The flags follow activity's four bytes, in the same word.
  bool sent_close = false;
  bool received_close = false;
  // abandoned: close() was called before the handshake completed. Pending data was wiped,
  // the closure alerts were sent, and nothing else is sent or processed.
  bool abandoned = false;
  // hello_seen: the first ClientHello was sent (a client, from the start) or handled (a server,
  // once its state machine accepted one).
  bool hello_seen = false;

  size_t readable() const { return app_in.size() - app_start; }

  ConnectionState state() const {
    if (error) {
      return ConnectionState::kFailed;
    }
    if (abandoned) {
      return ConnectionState::kClosed;
    }
    if (!cx.handshake_done) {
      return ConnectionState::kHandshaking;
    }
    if (sent_close && received_close) {
      return ConnectionState::kClosed;
    }
    return ConnectionState::kEstablished;
  }

  // fail latches `e` and queues the fatal alert it names (section 6.2: "Upon transmission or
  // receipt of a fatal alert message, both parties MUST immediately close the connection").
  Error fail(Error e) {
    if (error) {
      return *error;
    }
    if (e.kind != ErrorKind::kAlertReceived && !sent_close) {
      uint8_t alert[2] = {static_cast<uint8_t>(AlertLevel::fatal), static_cast<uint8_t>(e.alert)};
      // Drop any half-built flight: only the alert goes out now.
      cx.drop_flight();
      if (cx.tracer) {
        cx.tracer->alert(true, ByteView(alert, 2));
        cx.tracer->note(true, "fatal error: " + e.to_string());
      }
      (void)cx.record.write(ContentType::alert, ByteView(alert, 2), cx.out);
    }
    error = std::make_unique<Error>(e);
    return e;
  }

  Status receive(ByteView data);
  Status process_wire_record(ByteView wire);
  std::span<uint8_t> app_room(size_t n);
  void consume_app(size_t n);
  Status process_record(const record::Record& rec);
  Status process_handshake_bytes(ByteView data);
  Status dispatch(const msgs::HandshakeMessage& m);
  Status handshake_change_cipher_spec(ByteView fragment);
  Status process_alert(ByteView data);
  Status take_early_data(ByteView data);
  Status flush_early_data();
  Status write_app(ByteView data);
  void wipe_pending_writes();
  // useful resets the useless-record counters: the peer sent something that counts.
  void useful() {
    empty_records = 0;
    warning_alerts = 0;
  }
  // forget_secrets takes this thread's copies of keys out of the crypto provider's reused
  // contexts: called at the end of every call that may have used the key schedule, so that
  // no secret outlives the call that used it.
  void forget_secrets() {
    if (cx.provider->forget_thread_secrets != nullptr) {
      cx.provider->forget_thread_secrets();
    }
  }
};

// receive reads every whole record in `data`. A record begun by an earlier call is completed
// in `in` first; a record cut off at the end of `data` is kept in `in`. Nothing else is copied:
// a protected record is decrypted from `data` into app_room().
Status Connection::Impl::receive(ByteView data) {
  size_t pos = 0;
  if (!in.empty()) {
    // The header first (it says how long the record is), then the rest of the record.
    pos = std::min(record::kHeaderLen - std::min(record::kHeaderLen, in.size()), data.size());
    in.append(data.first(pos));
    auto total = cx.record.next_record_len(in.view());
    if (!total.ok()) {
      return fail(std::move(total).error());
    }
    if (*total == 0) {
      return Ok{};
    }
    const size_t more = std::min(*total - in.size(), data.size() - pos);
    in.reserve(*total);
    in.append(data.subspan(pos, more));
    pos += more;
    if (in.size() < *total) {
      return Ok{};
    }
    Status s = process_wire_record(in.view());
    drained(in, cx.record);
    if (!s.ok()) {
      return s;
    }
  }
  if (!error && cx.record.read_protected() && data.size() - pos > keep_capacity(cx.record)) {
    // Several records at once: make room for all their plaintext now rather than growing (and
    // copying) record by record. The plaintext is shorter than the records that carry it.
    (void)app_room(data.size() - pos);
  }
  while (!error && pos < data.size()) {
    ByteView rest = data.subspan(pos);
    auto total = cx.record.next_record_len(rest);
    if (!total.ok()) {
      return fail(std::move(total).error());
    }
    if (*total == 0 || *total > rest.size()) {
      in.append(rest);
      break;
    }
    GLASSTLS_TRY(process_wire_record(rest.first(*total)));
    pos += *total;
  }
  if (error) {
    return *error;
  }
  if (activity.answer_owed) {
    activity.answer_owed = false;
    if (!sent_close) {
      Status s = rules().answer(cx);
      if (!s.ok()) {
        return fail(std::move(s).error());
      }
    }
  }
  return Ok{};
}

// process_wire_record deprotects and handles one whole record, `wire`, as received.
Status Connection::Impl::process_wire_record(ByteView wire) {
  std::span<uint8_t> room;
  // Under TLS 1.3 every protected record is of outer type application_data; under TLS 1.2 every
  // record after ChangeCipherSpec is protected, whatever its type.
  if (cx.record.read_protected() &&
      (wire[0] == static_cast<uint8_t>(ContentType::application_data) ||
       !cx.record.rules().protected_outer_type_fixed)) {
    // record_len checked the header: `wire` is longer than it. The ciphertext fits in this.
    room = app_room(wire.size() - record::kHeaderLen);
  }
  record::Record rec;
  auto used = cx.record.read_record(wire, room, rec);
  if (!used.ok()) {
    return fail(std::move(used).error());
  }
  if (rec.skipped) {
    // 0-RTT data we do not accept, passed over (RFC 8446 section 4.2.10).
    return Ok{};
  }
  if (received_close) {
    // section 6.1: data received after a closure alert is ignored.
    return Ok{};
  }
  Status s = process_record(rec);
  if (!s.ok()) {
    return fail(std::move(s).error());
  }
  if (!cx.read_app && cx.handshake_done && app_in.empty() && app_in.capacity() > 0) {
    // The handshake's protected records were decrypted into app_in's room: an established
    // connection that has received no application data keeps none of that memory.
    app_in.release();
  }
  return Ok{};
}

// app_room returns `n` bytes of room past the unread application data. Read data is dropped
// first; when unread data sits behind read data and the room would not fit, the unread part
// moves to the front rather than the buffer growing.
std::span<uint8_t> Connection::Impl::app_room(size_t n) {
  if (app_start == app_in.size()) {
    app_in.clear();
    app_start = 0;
  } else if (app_start > 0 && app_in.size() + n > app_in.capacity()) {
    app_in.erase_front(app_start);
    app_start = 0;
  }
  return app_in.prepare(n);
}

// consume_app drops the first `n` unread bytes of application data.
void Connection::Impl::consume_app(size_t n) {
  app_start += std::min(n, app_in.size() - app_start);
  if (app_start == app_in.size()) {
    drained(app_in, cx.record);
    app_start = 0;
  }
}

Status Connection::Impl::process_record(const record::Record& rec) {
  if (!hs_in.empty() && rec.type != ContentType::handshake) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
    //# Handshake messages MUST NOT be interleaved
    //# with other record types.
    return unexpected_message("record of another type inside a fragmented handshake message");
  }
  switch (rec.type) {
    case ContentType::change_cipher_spec: {
      if (cx.tls12 && !cx.handshake_done) {
        // TLS 1.2's ChangeCipherSpec switches the read key: the state machine's business.
        return handshake_change_cipher_spec(rec.fragment);
      }
      GLASSTLS_TRY(rules().change_cipher_spec(cx, rec.fragment, hello_seen));
      if (++empty_records > kMaxEmptyRecords) {
        return unexpected_message("more than " + std::to_string(kMaxEmptyRecords) +
                                  " change_cipher_spec or empty records in a row");
      }
      return Ok{};
    }
    case ContentType::alert: return process_alert(rec.fragment);
    case ContentType::handshake: return process_handshake_bytes(rec.fragment);
    case ContentType::application_data:
      if (!cx.read_app_keys) {
        if (!cx.is_client && cx.tls13.early_open) {
          return take_early_data(rec.fragment);
        }
        return unexpected_message("application data before the handshake completed");
      }
      if (rec.fragment.empty()) {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-5.4
        //# Zero-length
        //# fragments of Application Data MAY be sent, as they are potentially
        //# useful as a traffic analysis countermeasure.
        // Useful in moderation: a stream of them is a peer keeping us busy for nothing.
        if (++empty_records > kMaxEmptyRecords) {
          return unexpected_message("more than " + std::to_string(kMaxEmptyRecords) +
                                    " empty records in a row");
        }
        return Ok{};
      }
      useful();
      activity.key_changes = 0;
      if (cx.tracer) {
        cx.tracer->application_data(false, rec.fragment);
      }
      cx.read_app = true;
      if (rec.fragment.data() == app_in.data() + app_in.size()) {
        // Decrypted into app_room(): it is already where it belongs.
        app_in.commit(rec.fragment.size());
      } else {
        app_in.append(rec.fragment);
      }
      return Ok{};
    default: return unexpected_message("unexpected record type");
  }
}

// take_early_data keeps 0-RTT data the server accepted for read_early_data(), within the
// max_early_data_size it announced.
Status Connection::Impl::take_early_data(ByteView data) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
  //# A server receiving more than
  //# max_early_data_size bytes of 0-RTT data SHOULD terminate the
  //# connection with an "unexpected_message" alert.
  if (data.size() > cx.tls13.early_room) {
    return unexpected_message("more 0-RTT data than the " +
                              std::to_string(cx.server_config->max_early_data) +
                              " bytes of max_early_data_size");
  }
  cx.tls13.early_room -= static_cast<uint32_t>(data.size());
  if (data.empty()) {
    if (++empty_records > kMaxEmptyRecords) {
      return unexpected_message("more than " + std::to_string(kMaxEmptyRecords) +
                                " empty records in a row");
    }
    return Ok{};
  }
  useful();
  if (cx.tracer) {
    cx.tracer->note(false, "0-RTT data: " + std::to_string(data.size()) +
                               " bytes under the client early traffic key (may be a replay)");
    cx.tracer->application_data(false, data);
  }
  HeldData& h = hold();
  if (h.early_in_start == h.early_in.size()) {
    h.early_in.clear();
    h.early_in_start = 0;
  }
  h.early_in.insert(h.early_in.end(), data.begin(), data.end());
  return Ok{};
}

Status Connection::Impl::process_handshake_bytes(ByteView data) {
  if (hs_in.empty() && data.size() >= 4) {
    // The usual case: the record starts a message whose length is known. Reserve just that
    // (or the record), so that a partial message holds no more room than it needs.
    const size_t len = (size_t{data[1]} << 16) | (size_t{data[2]} << 8) | data[3];
    if (len <= max_handshake_message(static_cast<HandshakeType>(data[0]))) {
      hs_in.reserve(std::max(data.size(), 4 + len));
    }
  }
  hs_in.insert(hs_in.end(), data.begin(), data.end());
  size_t pos = 0;
  while (!error && hs_in.size() - pos >= 4) {
    const uint8_t* p = hs_in.data() + pos;
    size_t len = (size_t{p[1]} << 16) | (size_t{p[2]} << 8) | p[3];
    const auto type = static_cast<HandshakeType>(p[0]);
    if (len > max_handshake_message(type)) {
      return illegal_parameter(conn::message_name(type) + " of " + std::to_string(len) +
                               " bytes exceeds the limit of " +
                               std::to_string(max_handshake_message(type)) + " bytes");
    }
    if (hs_in.size() - pos < 4 + len) {
      break;
    }
    msgs::HandshakeMessage m;
    m.type = static_cast<HandshakeType>(p[0]);
    m.body = ByteView(p + 4, len);
    m.encoded = ByteView(p, 4 + len);
    if (cx.tracer) {
      cx.tracer->message(false, m.encoded);
    }
    if (m.type != HandshakeType::key_update) {
      useful();
    }
    cx.read_key_changed = false;
    GLASSTLS_TRY(dispatch(m));
    pos += 4 + len;
    if (cx.read_key_changed && pos != hs_in.size()) {
      //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
      //# Because the ServerHello, Finished, and KeyUpdate messages can immediately
      //# precede a key change, implementations MUST send these messages in
      //# alignment with a record boundary. ... If an implementation detects a violation of
      //# these rules, it MUST terminate the connection with an "unexpected_message" alert.
      return unexpected_message("handshake data spans a key change");
    }
  }
  hs_in.erase(hs_in.begin(), hs_in.begin() + static_cast<std::ptrdiff_t>(pos));
  if (hs_in.empty() && cx.handshake_done) {
    // After the handshake, handshake messages are rare (KeyUpdate, NewSessionTicket): do not
    // keep the room the server's flight needed.
    Bytes().swap(hs_in);
  }
  return Ok{};
}

Status Connection::Impl::dispatch(const msgs::HandshakeMessage& m) {
  if (cx.handshake_done) {
    return rules().post_handshake(cx, m, activity);
  }
  if (hs == nullptr) {
    return make_error(ErrorKind::kInternal, AlertDescription::internal_error,
                      "handshake message without a handshake state");
  }
  if (auto* cs = std::get_if<ClientState>(hs.get())) {
    GLASSTLS_ASSIGN(*cs, conn::client_handle(std::move(*cs), cx, m));
  } else {
    auto* ss = std::get_if<ServerState>(hs.get());
    GLASSTLS_ASSIGN(*ss, conn::server_handle(std::move(*ss), cx, m));
  }
  hello_seen = true;
  if (cx.handshake_done) {
    hs.reset();
    GLASSTLS_TRY(flush_early_data());
  }
  return Ok{};
}

Status Connection::Impl::handshake_change_cipher_spec(ByteView fragment) {
  if (hs == nullptr) {
    return make_error(ErrorKind::kInternal, AlertDescription::internal_error,
                      "change_cipher_spec without a handshake state");
  }
  if (auto* cs = std::get_if<ClientState>(hs.get())) {
    GLASSTLS_ASSIGN(*cs, conn::client_change_cipher_spec(std::move(*cs), cx, fragment));
  } else {
    auto* ss = std::get_if<ServerState>(hs.get());
    GLASSTLS_ASSIGN(*ss, conn::server_change_cipher_spec(std::move(*ss), cx, fragment));
  }
  return Ok{};
}

Status Connection::Impl::process_alert(ByteView data) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-6
  //# struct { AlertLevel level; AlertDescription description; } Alert;
  if (cx.tracer) {
    cx.tracer->alert(false, data);
  }
  if (data.size() != 2) {
    return decode_error("alert record of " + std::to_string(data.size()) + " bytes");
  }
  auto desc = static_cast<AlertDescription>(data[1]);
  if (desc == AlertDescription::close_notify) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-6.1
    //# close_notify:  This alert notifies the recipient that the sender will
    //# not send any more messages on this connection.
    received_close = true;
    if (!cx.handshake_done) {
      return make_error(ErrorKind::kAlertReceived, AlertDescription::close_notify,
                        "peer closed the connection during the handshake");
    }
    return Ok{};
  }
  if (desc == AlertDescription::user_canceled) {
    // A closure alert; the close_notify that must follow ends the connection. A peer that
    // sends nothing else gets only a few.
    if (++warning_alerts > kMaxWarningAlerts) {
      return unexpected_message("more than " + std::to_string(kMaxWarningAlerts) +
                                " warning alerts in a row");
    }
    return Ok{};
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-6.2
  //# All the alerts listed in Section 6.2 MUST be sent with AlertLevel=fatal and MUST be
  //# treated as error alerts when received regardless of the AlertLevel in the message.
  //# Unknown Alert types MUST be treated as error alerts.
  std::string reason = "peer sent a fatal alert";
  std::string_view n = name(desc);
  if (!n.empty()) {
    reason += " (" + std::string(explain(desc)) + ")";
  }
  return make_error(ErrorKind::kAlertReceived, desc, reason);
}

Status Connection::Impl::write_app(ByteView data) {
  cx.wrote_app = true;
  // Each key stays within its usage limit: the version's rules replace it before it runs out.
  size_t offset = 0;
  while (offset < data.size() || data.empty()) {
    if (cx.record.write_key_exhausted()) {
      GLASSTLS_TRY(rules().write_key_exhausted(cx));
    }
    size_t chunk =
        std::min<size_t>(data.size() - offset, 64 * cx.record.rules().limits.max_plaintext);
    GLASSTLS_TRY(
        cx.record.write(ContentType::application_data, data.subspan(offset, chunk), cx.out));
    offset += chunk;
    if (data.empty()) {
      break;
    }
  }
  return Ok{};
}

Status Connection::Impl::flush_early_data() {
  if (!held || held->app_out.empty()) {
    return Ok{};
  }
  Bytes pending = std::move(held->app_out);
  held->app_out.clear();
  release_held();
  Status s = write_app(pending);
  secure_wipe(pending.data(), pending.size());
  return s;
}

void Connection::Impl::wipe_pending_writes() {
  if (!held) {
    return;
  }
  if (!held->app_out.empty()) {
    secure_wipe(held->app_out.data(), held->app_out.size());
  }
  Bytes().swap(held->app_out);
  release_held();
}

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

namespace {

// check_server_name accepts the name a client connects to: an IP address literal (sent as no
// SNI) or an ASCII DNS name (RFC 6066 section 3).
Status check_server_name(std::string_view name) {
  if (x509::parse_ip_literal(name)) {
    return Ok{};
  }
  auto dns = x509::normalize_reference_dns_name(name);
  if (!dns.ok()) {
    return std::move(dns).error();
  }
  return Ok{};
}

}  // namespace

Result<Connection> Connection::client(std::shared_ptr<const ClientConfig> config,
                                      std::string server_name) {
  return client(std::move(config), std::move(server_name), nullptr, {});
}

Result<Connection> Connection::client(std::shared_ptr<const ClientConfig> config,
                                      std::string server_name,
                                      std::shared_ptr<TraceObserver> observer,
                                      TraceOptions options) {
  if (!config) {
    return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error, "null config");
  }
  // A verifier that matches names needs one: an empty name must never mean "any name".
  if (server_name.empty() && !config->accept_any_certificate && !config->skip_server_name_check &&
      config->verifier && config->verifier->checks_server_name()) {
    return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error,
                      "no server name: the certificate verifier matches the server's "
                      "certificate to the name connected to, so a name is required (ask for "
                      "dangerous_skip_server_name_check to validate the chain without one)");
  }
  if (!server_name.empty()) {
    GLASSTLS_TRY(check_server_name(server_name));
  }
  auto impl = std::make_unique<Impl>();
  Context& cx = impl->cx;
  impl->hello_seen = true;  // client_start sends it
  cx.is_client = true;
  cx.provider = config->provider != nullptr ? config->provider : &crypto::default_provider();
  cx.key_log = config->key_log.get();
  cx.client_config = std::move(config);
  cx.negotiated.server_name = std::move(server_name);
  if (observer) {
    cx.set_tracer(std::make_unique<conn::Tracer>(std::move(observer), options.show_secrets, true));
  }
  auto start = conn::client_start(cx);
  impl->forget_secrets();
  if (!start.ok()) {
    return std::move(start).error();
  }
  impl->hs = std::make_unique<std::variant<ClientState, ServerState>>(std::move(start).value());
  return Connection(std::move(impl));
}

Result<Connection> Connection::server(std::shared_ptr<const ServerConfig> config) {
  if (!config) {
    return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error, "null config");
  }
  auto impl = std::make_unique<Impl>();
  Context& cx = impl->cx;
  cx.is_client = false;
  cx.provider = config->provider != nullptr ? config->provider : &crypto::default_provider();
  cx.key_log = config->key_log.get();
  cx.server_config = std::move(config);
  impl->hs = std::make_unique<std::variant<ClientState, ServerState>>(conn::server_start());
  return Connection(std::move(impl));
}

Status Connection::receive(std::span<const uint8_t> data) {
  Impl& i = *impl_;
  if (i.error) {
    return *i.error;
  }
  if (i.abandoned) {
    // Closed before the handshake completed: nothing more is processed or answered.
    return Ok{};
  }
  if (i.readable() >= i.limits.unread_plaintext && !data.empty()) {
    return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error,
                      "received application data not yet read has reached the limit (" +
                          std::to_string(i.limits.unread_plaintext) +
                          " bytes): read before receiving more");
  }
  Status s = i.receive(data);
  i.forget_secrets();
  return s;
}

std::span<const uint8_t> Connection::output() const {
  const Context& cx = impl_->cx;
  return std::span<const uint8_t>(cx.out.data() + cx.out_start, cx.out.size() - cx.out_start);
}

void Connection::consume_output(size_t n) {
  Context& cx = impl_->cx;
  cx.out_start += std::min(n, cx.out.size() - cx.out_start);
  if (cx.out_start == cx.out.size()) {
    drained(cx.out, cx.record, cx.wrote_app);
    cx.out_start = 0;
  }
}

Status Connection::write(std::span<const uint8_t> plaintext) {
  Impl& i = *impl_;
  if (i.error) {
    return *i.error;
  }
  if (i.sent_close) {
    return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error, "write after close");
  }
  if (!i.cx.handshake_done) {
    // Held until the handshake completes, and then sent under application traffic keys.
    if (plaintext.size() >
        i.limits.pending_write -
            std::min(i.limits.pending_write, i.held ? i.held->app_out.size() : size_t{0})) {
      return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error,
                        "data written before the handshake completed exceeds the limit (" +
                            std::to_string(i.limits.pending_write) +
                            " bytes): wait for the handshake");
    }
    Bytes& held = i.hold().app_out;
    held.insert(held.end(), plaintext.begin(), plaintext.end());
    return Ok{};
  }
  if (plaintext.empty()) {
    return Ok{};
  }
  if (i.cx.tracer) {
    i.cx.tracer->application_data(true, plaintext);
  }
  Status s = i.write_app(plaintext);
  i.forget_secrets();  // a write may have updated an exhausted key
  if (!s.ok()) {
    return i.fail(std::move(s).error());
  }
  return Ok{};
}

Status Connection::write_early_data(std::span<const uint8_t> plaintext) {
  Impl& i = *impl_;
  if (i.error) {
    return *i.error;
  }
  Context& cx = i.cx;
  if (!cx.is_client || !cx.tls13.early_open || i.sent_close) {
    return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error,
                      std::string("early data cannot be written now (early data ") +
                          name(cx.tls13.early_status) + ")");
  }
  if (plaintext.size() > cx.tls13.early_room) {
    return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error,
                      "early data over the ticket's max_early_data_size (" +
                          std::to_string(cx.tls13.early_room) + " bytes left)");
  }
  if (plaintext.empty()) {
    return Ok{};
  }
  if (cx.tracer) {
    cx.tracer->note(true, "0-RTT data: " + std::to_string(plaintext.size()) +
                              " bytes under the client early traffic key");
    cx.tracer->application_data(true, plaintext);
  }
  cx.tls13.early_room -= static_cast<uint32_t>(plaintext.size());
  Status s = cx.record.write(ContentType::application_data, plaintext, cx.out);
  i.forget_secrets();
  if (!s.ok()) {
    return i.fail(std::move(s).error());
  }
  return Ok{};
}

size_t Connection::early_data_room() const {
  const Context& cx = impl_->cx;
  return cx.tls13.early_open ? cx.tls13.early_room : 0;
}

EarlyDataStatus Connection::early_data_status() const { return impl_->cx.tls13.early_status; }

size_t Connection::read_early_data(std::span<uint8_t> out) {
  Impl& i = *impl_;
  if (!i.held) {
    return 0;
  }
  Impl::HeldData& h = *i.held;
  const size_t n = std::min(out.size(), h.early_in.size() - h.early_in_start);
  if (n > 0) {
    std::memcpy(out.data(), h.early_in.data() + h.early_in_start, n);
    secure_wipe(h.early_in.data() + h.early_in_start, n);
  }
  h.early_in_start += n;
  if (h.early_in_start == h.early_in.size()) {
    Bytes().swap(h.early_in);
    h.early_in_start = 0;
    i.release_held();
  }
  return n;
}

size_t Connection::early_data_readable() const {
  const Impl& i = *impl_;
  return i.held ? i.held->early_in.size() - i.held->early_in_start : 0;
}

void Connection::set_buffer_limits(BufferLimits limits) { impl_->limits = limits; }
BufferLimits Connection::buffer_limits() const { return impl_->limits; }

size_t Connection::read(std::span<uint8_t> out) {
  Impl& i = *impl_;
  size_t n = std::min(out.size(), i.app_in.size() - i.app_start);
  if (n > 0) {
    std::memcpy(out.data(), i.app_in.data() + i.app_start, n);
  }
  i.consume_app(n);
  return n;
}

std::span<const uint8_t> Connection::read_view() const {
  const Impl& i = *impl_;
  return std::span<const uint8_t>(i.app_in.data() + i.app_start, i.app_in.size() - i.app_start);
}

void Connection::consume_read(size_t n) { impl_->consume_app(n); }

void Connection::release_buffers() {
  Impl& i = *impl_;
  if (i.in.empty()) {
    i.in.release();
  }
  if (i.app_in.size() == i.app_start) {
    i.app_in.release();
    i.app_start = 0;
  }
  if (i.cx.out.size() == i.cx.out_start) {
    i.cx.out.release();
    i.cx.out_start = 0;
  }
  if (i.hs_in.empty()) {
    Bytes().swap(i.hs_in);
  }
}

size_t Connection::readable() const { return impl_->app_in.size() - impl_->app_start; }

void Connection::close() {
  Impl& i = *impl_;
  if (i.sent_close || i.error) {
    return;
  }
  auto send_alert = [&i](AlertDescription desc) {
    uint8_t alert[2] = {static_cast<uint8_t>(AlertLevel::warning), static_cast<uint8_t>(desc)};
    if (i.cx.tracer) {
      i.cx.tracer->alert(true, ByteView(alert, 2));
    }
    (void)i.cx.record.write(ContentType::alert, ByteView(alert, 2), i.cx.out);
  };
  if (!i.cx.handshake_done) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-6.1
    //# user_canceled:  This alert notifies the recipient that the sender is
    //# canceling the handshake for some reason unrelated to a protocol
    //# failure.  If a user cancels an operation after the handshake is
    //# complete, just closing the connection by sending a "close_notify"
    //# is more appropriate.  This alert SHOULD be followed by a
    //# "close_notify".
    // Data written before the handshake completed is never sent: it would have no
    // application keys to go under, or (for a server) an unauthenticated client to go to.
    i.wipe_pending_writes();
    i.cx.drop_flight();
    send_alert(AlertDescription::user_canceled);
    send_alert(AlertDescription::close_notify);
    i.sent_close = true;
    // Nothing is sent after our close_notify, and nothing received is processed: the handshake
    // is abandoned.
    i.abandoned = true;
    return;
  }
  (void)i.flush_early_data();
  send_alert(AlertDescription::close_notify);
  i.sent_close = true;
}

Status Connection::key_update(bool request_peer_update) {
  Impl& i = *impl_;
  if (i.error) {
    return *i.error;
  }
  if (!i.cx.handshake_done || i.sent_close) {
    return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error,
                      "key_update needs an established connection");
  }
  if (i.cx.tls12) {
    // A request the version cannot do, not a failure of the connection.
    return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error,
                      "TLS 1.2 has no KeyUpdate (the connection negotiated TLS 1.2)");
  }
  Status s = i.rules().key_update(i.cx, request_peer_update);
  i.forget_secrets();
  if (!s.ok()) {
    return i.fail(std::move(s).error());
  }
  return Ok{};
}

void Connection::set_trace(std::shared_ptr<TraceObserver> observer, TraceOptions options) {
  Context& cx = impl_->cx;
  if (!observer) {
    cx.set_tracer(nullptr);
    return;
  }
  auto tracer =
      std::make_unique<conn::Tracer>(std::move(observer), options.show_secrets, cx.is_client);
  if (cx.tls12 && cx.suite.row != nullptr) {
    tracer->layout = conn::tls12_layout(*cx.suite.row);
  }
  cx.set_tracer(std::move(tracer));
}

ConnectionState Connection::state() const { return impl_->state(); }
bool Connection::peer_closed() const { return impl_->received_close; }
const Error* Connection::error() const { return impl_->error ? &*impl_->error : nullptr; }
ProtocolVersion Connection::version() const { return impl_->cx.negotiated.version; }
CipherSuite Connection::cipher_suite() const { return impl_->cx.negotiated.suite; }
NamedGroup Connection::group() const { return impl_->cx.negotiated.group; }
SignatureScheme Connection::peer_signature_scheme() const {
  return impl_->cx.negotiated.peer_scheme;
}
SignatureScheme Connection::signature_scheme() const { return impl_->cx.negotiated.own_scheme; }
const std::vector<Bytes>& Connection::local_certificates() const {
  static const std::vector<Bytes> kNone;
  const auto* chain = impl_->cx.negotiated.own_chain;
  return chain != nullptr ? *chain : kNone;
}
std::optional<std::string> Connection::alpn() const { return impl_->cx.negotiated.alpn; }
std::string_view Connection::server_name() const { return impl_->cx.negotiated.server_name; }
const std::vector<Bytes>& Connection::peer_certificates() const {
  return impl_->cx.negotiated.peer_certificates;
}
const Bytes& Connection::peer_ocsp_response() const {
  return impl_->cx.negotiated.peer_ocsp_response;
}
bool Connection::hello_retry_request() const { return impl_->cx.negotiated.hello_retry_request; }
bool Connection::resumed() const { return impl_->cx.negotiated.resumed; }
const std::vector<SessionTicket>& Connection::session_tickets() const {
  return impl_->rules().session_tickets();
}
bool Connection::extended_master_secret() const {
  const Context& cx = impl_->cx;
  if (cx.tls12) {
    return cx.tls12->extended_master_secret;
  }
  return cx.negotiated.version == ProtocolVersion::TLSv1_3;
}
bool Connection::encrypt_then_mac() const {
  return impl_->cx.tls12 && impl_->cx.tls12->encrypt_then_mac;
}
uint64_t Connection::key_updates_received() const { return impl_->rules().key_updates_received(); }

Result<Bytes> Connection::export_early_keying_material(std::string_view label,
                                                       std::span<const uint8_t> context,
                                                       size_t length) const {
  const Context& cx = impl_->cx;
  if (cx.tls12 || cx.tls13.early_exporter_master.empty()) {
    return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error,
                      "no early exporter: no 0-RTT data was offered (client) or accepted (server)");
  }
  auto out = handshake::exporter(*crypto::suite_info(*cx.provider, cx.tls13.early_suite)->hash,
                                 cx.tls13.early_exporter_master.span(), label, context, length);
  impl_->forget_secrets();
  return out;
}

Result<Bytes> Connection::export_keying_material(std::string_view label,
                                                 std::span<const uint8_t> context,
                                                 size_t length) const {
  auto out = impl_->rules().export_keying_material(impl_->cx, label, context, length);
  impl_->forget_secrets();
  return out;
}

}  // namespace glasstls
