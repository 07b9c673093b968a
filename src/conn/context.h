// context.h: what the handshake state machines share with the connection (the trace side is
// conn/tracer.h, the errors of the handshake checks are in base/result.h).
//
// The Context owns the record layer, the output buffer and the negotiated parameters. State
// handlers (src/client/tls13.cc, src/server/tls13.cc) receive it by reference together with
// their own state value; everything valid only in one state lives in that state's struct.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/buffer.h"
#include "base/bytes.h"
#include "base/result.h"
#include "conn/tls12_session.h"
#include "conn/tls13_session.h"
#include "conn/tracer.h"
#include "crypto/suites.h"
#include "glasstls/config.h"
#include "glasstls/crypto.h"
#include "glasstls/secret.h"
#include "glasstls/trace.h"
#include "glasstls/types.h"
#include "handshake/key_schedule.h"
#include "handshake/transcript.h"
#include "msgs/handshake.h"
#include "record/record_layer.h"

namespace glasstls::conn {

// SuiteInfo and suite_info come from the cipher suite table (crypto/suites.h).
using crypto::suite_info;
using SuiteInfo = crypto::SuiteInfo;

// Negotiated holds what the handshake agreed.
struct Negotiated {
  ProtocolVersion version{};
  CipherSuite suite{};
  NamedGroup group{};
  SignatureScheme peer_scheme{};
  // own_scheme and own_chain: what this side signed with and presented (own_chain points into
  // the configuration, which the connection keeps alive).
  SignatureScheme own_scheme{};
  // hello_retry_request sits beside the two-byte fields, in what would be padding.
  bool hello_retry_request = false;
  // resumed: the handshake resumed a session with a ticket's PSK (no certificates were sent).
  bool resumed = false;
  const std::vector<Bytes>* own_chain = nullptr;
  std::optional<std::string> alpn;
  std::string server_name;
  std::vector<Bytes> peer_certificates;
  // peer_ocsp_response: the DER OCSPResponse the server stapled for its leaf (client only;
  // empty when none was asked for or stapled).
  Bytes peer_ocsp_response;
};

// Context is the per-connection state shared by every handshake state.
struct Context {
  const crypto::CryptoProvider* provider = nullptr;
  std::shared_ptr<const ClientConfig> client_config;
  std::shared_ptr<const ServerConfig> server_config;
  KeyLog* key_log = nullptr;

  record::RecordLayer record;
  // out holds encoded records waiting to be sent, from out_start on. A Buffer: records are
  // sealed into room that is never zero-filled first.
  Buffer out;
  size_t out_start = 0;
  // hs_out holds handshake messages queued under the current write key, not yet framed.
  Bytes hs_out;

  Negotiated negotiated;
  SuiteInfo suite;
  Bytes client_random;

  // tls13 holds the application traffic secrets and the exporter master secret once the
  // handshake derives them, and is the connection's VersionRules.
  Tls13Session tls13;
  // tls12 is the TLS 1.2 session, made when the handshake settles on TLS 1.2 (null otherwise):
  // a TLS 1.3 connection pays 8 bytes for it.
  std::unique_ptr<Tls12Session> tls12;

  // tracer is set while a trace observer is attached; null otherwise (no trace work at all).
  // set_tracer() attaches and detaches one.
  std::unique_ptr<Tracer> tracer;

  // The flags are together, so that they share one word (every connection holds a Context).
  bool is_client = false;
  bool handshake_done = false;
  // read_key_changed is set by a handler that switched the read key: the message that did it
  // must end its record (RFC 8446 section 5.1).
  bool read_key_changed = false;
  // read_app_keys is true once the read side uses application traffic keys.
  bool read_app_keys = false;
  // wrote_app: application data has been written. Until then the output buffer has carried only
  // the handshake, whose flights are not repeated: once sent, its memory is freed, so that an
  // idle connection that never wrote holds no output buffer.
  bool wrote_app = false;
  // read_app: application data has been received. Until then app_in's memory has held only the
  // handshake's decrypted records, and it is freed once the handshake is over.
  bool read_app = false;

  // queue_handshake adds an encoded handshake message to the current flight.
  void queue_handshake(ByteView message) {
    if (tracer) {
      // Reported after the record that carries it, in flush_handshake().
      tracer->queued.emplace_back(message.begin(), message.end());
    }
    hs_out.insert(hs_out.end(), message.begin(), message.end());
  }
  // drop_flight forgets the flight being built (an alert goes out instead).
  void drop_flight() {
    hs_out.clear();
    if (tracer) {
      tracer->queued.clear();
    }
  }
  // set_tracer attaches `t` (null: detaches the trace). Messages queued for the trace carry
  // over to the new tracer.
  void set_tracer(std::unique_ptr<Tracer> t);
  // key_schedule_observer is the observer to hand to the key schedule (nullptr unless a trace
  // with secrets is attached). It is schedule_forward, owned by this Context (made the first
  // time a trace with secrets is attached, and kept), which passes each step to whatever tracer
  // is attached when the step happens: a schedule made while one trace was attached stays safe
  // when the caller replaces or removes it (set_trace).
  const handshake::KeyScheduleObserver* key_schedule_observer() const {
    return tracer && tracer->secrets() ? schedule_forward.get() : nullptr;
  }
  std::unique_ptr<handshake::KeyScheduleObserver> schedule_forward;
  // note reports a plain event to the trace, if any.
  void note(bool sent, std::string text) {
    if (tracer) {
      tracer->note(sent, std::move(text));
    }
  }
  // flush_handshake frames the queued flight into records under the current write key.
  Status flush_handshake(uint16_t legacy_version = 0x0303);
  // log_secret hands a secret to the configured key log (NSS format label).
  void log_secret(std::string_view label, ByteView secret);
  // random fills `n` bytes from the provider.
  Result<Bytes> random(size_t n);
};

// version_text names a protocol version from the wire for errors: "TLS 1.1 (0x0302)".
std::string version_text(uint16_t version);

// message_name names a handshake message type for errors: its registry name, or its number
// when it has none ("handshake message type 99").
std::string message_name(HandshakeType type);

// Proof tokens: only the code that did the check can make one, and the next state requires it.
class CertVerified {
 public:
  static CertVerified assertion() { return CertVerified(); }

 private:
  CertVerified() = default;
};
class SignatureVerified {
 public:
  static SignatureVerified assertion() { return SignatureVerified(); }
  // by_resumption_psk: a resumed handshake has no certificate and no signature; the server
  // proves it holds the ticket's PSK with its Finished, whose key derives from that PSK, and
  // the server was authenticated in the handshake that issued the ticket.
  static SignatureVerified by_resumption_psk() { return SignatureVerified(); }

 private:
  SignatureVerified() = default;
};

// HandshakeSecrets is what both sides keep between ServerHello and Finished.
struct HandshakeSecrets {
  handshake::Transcript transcript;
  handshake::HandshakeSchedule schedule;
  Secret client_hs;
  Secret server_hs;
};

}  // namespace glasstls::conn
