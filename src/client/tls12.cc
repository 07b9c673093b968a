// tls12.cc: the TLS 1.2 client handshake (RFC 5246 section 7.3, figure 1), with an ephemeral
// (EC)DHE key exchange signed by the server's certificate:
//
//   ClientHello            -->
//                               ServerHello
//                               Certificate
//                               CertificateStatus*     (RFC 6066 section 8)
//                               ServerKeyExchange
//                               CertificateRequest*
//                          <--  ServerHelloDone
//   Certificate*
//   ClientKeyExchange
//   CertificateVerify*
//   [ChangeCipherSpec]
//   Finished               -->
//                               [ChangeCipherSpec]
//                          <--  Finished
//
// A stored TLS 1.2 session (session.h) is offered by its session ID or its RFC 5077 ticket; a
// ServerHello that echoes the session ID offered resumes it with the abbreviated handshake
// (RFC 5246 section 7.3, figure 2; RFC 5077 section 3.1, figure 2):
//
//   ClientHello            -->
//                               ServerHello
//                               NewSessionTicket*
//                               [ChangeCipherSpec]
//                          <--  Finished
//   [ChangeCipherSpec]
//   Finished               -->
//
// A session made with the extended master secret (RFC 7627) is kept in the configuration's
// session store once the server's Finished is verified, with its ticket when the server sent
// one (a NewSessionTicket before its ChangeCipherSpec, also in a full handshake), and put back
// after each resumption: a TLS 1.2 session may be resumed more than once.
//
// The ClientHello is the TLS 1.3 client's (client/tls13.cc), which offers TLS 1.2 beside
// TLS 1.3 when the configuration allows it; a TLS 1.2 ServerHello lands here. The states are
// steps of one boxed Client12Flow: a TLS 1.3 connection pays 8 bytes for them.
#include "client/tls12.h"

#include <algorithm>
#include <string>

#include "conn/tls12_keys.h"
#include "conn/tls12_signatures.h"
#include "msgs/extensions.h"
#include "msgs/tls12.h"
#include "x509/certificate.h"

namespace glasstls::conn {

// Client12Flow is everything the TLS 1.2 client keeps between ServerHello and the server's
// Finished.
struct Client12Flow {
  enum class Step : uint8_t {
    kCertificate,
    kCertificateStatus,  // only when the ServerHello acknowledged status_request
    kServerKeyExchange,
    kCertificateRequestOrDone,
    kServerHelloDone,   // after a CertificateRequest
    kNewSessionTicket,  // only when the ServerHello acknowledged session_ticket
    kChangeCipherSpec,
    kFinished,
  };
  Step step = Step::kCertificate;
  const crypto::SuiteRow* row = nullptr;
  handshake::Transcript transcript;
  Bytes server_random;
  bool extended_master_secret = false;
  bool encrypt_then_mac = false;
  // ocsp_requested: the ClientHello asked for a staple (the verifier wants one);
  // ocsp_acknowledged: the ServerHello said a CertificateStatus may follow the Certificate.
  bool ocsp_requested = false;
  bool ocsp_acknowledged = false;
  std::vector<ExtensionType> offered;
  // session: the stored session the ClientHello offered, if any. resumed: the ServerHello
  // accepted it. ticket_expected: the ServerHello acknowledged session_ticket, so a
  // NewSessionTicket comes before the server's ChangeCipherSpec. session_id: the ID the
  // ServerHello gave a new session.
  std::optional<StoredSession> session;
  bool resumed = false;
  bool ticket_expected = false;
  Bytes session_id;
  // From the NewSessionTicket.
  std::optional<Bytes> new_ticket;
  uint32_t ticket_lifetime_hint = 0;

  // From the server's Certificate (and CertificateStatus), until ServerKeyExchange checks them.
  std::vector<Bytes> chain;
  Bytes leaf_spki;
  Bytes ocsp_response;

  // From ServerKeyExchange: the pre-master secret (our key pair is used and freed there) and
  // our public value for ClientKeyExchange.
  Secret pre_master_secret;
  Bytes client_public;

  // From a CertificateRequest.
  bool certificate_requested = false;
  std::vector<SignatureScheme> request_schemes;
  std::vector<uint8_t> request_types;

  // From ServerHelloDone on.
  Secret master_secret;
  record::RecordProtector pending_read;
  // pending_write: in an abbreviated handshake, our protection, installed after the server's
  // Finished.
  record::RecordProtector pending_write;
};

ClientTls12::ClientTls12() = default;
ClientTls12::ClientTls12(std::unique_ptr<Client12Flow> f) : flow(std::move(f)) {}
ClientTls12::ClientTls12(ClientTls12&&) noexcept = default;
ClientTls12& ClientTls12::operator=(ClientTls12&&) noexcept = default;
ClientTls12::~ClientTls12() = default;

namespace {

using Step = Client12Flow::Step;

template <typename T>
bool contains(const std::vector<T>& v, T x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

Result<ClientState> next(std::unique_ptr<Client12Flow> f) {
  return ClientState(ClientTls12(std::move(f)));
}

Result<ClientState> handle_certificate(std::unique_ptr<Client12Flow> f, Context&,
                                       const msgs::HandshakeMessage& m) {
  if (m.type != HandshakeType::certificate) {
    return unexpected_message("expected Certificate, got " + message_name(m.type));
  }
  GLASSTLS_ASSIGN(msgs::Tls12Certificate cert, msgs::parse_tls12_certificate(m.body));
  if (cert.certificates.empty()) {
    return decode_error("server sent an empty Certificate message");
  }
  f->chain.reserve(cert.certificates.size());
  for (ByteView der : cert.certificates) {
    f->chain.emplace_back(der.begin(), der.end());
  }
  {
    // Only the key: the verifier parses the whole chain (at ServerKeyExchange).
    GLASSTLS_ASSIGN(ByteView spki, x509::certificate_spki(f->chain.front()));
    f->leaf_spki.assign(spki.begin(), spki.end());
  }
  f->transcript.add(m.encoded);
  // The chain is checked once the OCSP response (if any) is known: at ServerKeyExchange.
  f->step = f->ocsp_acknowledged ? Step::kCertificateStatus : Step::kServerKeyExchange;
  return next(std::move(f));
}

Result<ClientState> handle_certificate_status(std::unique_ptr<Client12Flow> f, Context& cx,
                                              const msgs::HandshakeMessage& m) {
  //= https://www.rfc-editor.org/rfc/rfc6066#section-8
  //# Note that a server MAY also choose not to send a "CertificateStatus"
  //# message, even if has received a "status_request" extension in the
  //# client hello message and has sent a "status_request" extension in
  //# the server hello message.
  if (m.type != HandshakeType::certificate_status) {
    f->step = Step::kServerKeyExchange;
    return tls12_client_handle(ClientTls12(std::move(f)), cx, m);
  }
  GLASSTLS_ASSIGN(ByteView response, msgs::parse_certificate_status_message(m.body));
  f->ocsp_response.assign(response.begin(), response.end());
  f->transcript.add(m.encoded);
  f->step = Step::kServerKeyExchange;
  return next(std::move(f));
}

// server_key_exchange_allowed checks the scheme of a ServerKeyExchange against the suite's
// authentication.
bool scheme_fits_suite(SignatureScheme scheme, crypto::SuiteAuth auth) {
  switch (auth) {
    case crypto::SuiteAuth::kEcdsa: return tls12_scheme_is_ecdsa_like(scheme);
    case crypto::SuiteAuth::kRsa: return tls12_scheme_is_rsa(scheme);
    case crypto::SuiteAuth::kAny: return false;
  }
  return false;
}

Result<ClientState> handle_server_key_exchange(std::unique_ptr<Client12Flow> f, Context& cx,
                                               const msgs::HandshakeMessage& m) {
  if (m.type != HandshakeType::server_key_exchange) {
    return unexpected_message("expected ServerKeyExchange, got " + message_name(m.type));
  }
  // The chain first: nothing the server signs counts before its certificate is trusted.
  GLASSTLS_TRY(verify_server_chain(cx, f->chain, f->ocsp_response, f->ocsp_requested));
  cx.negotiated.peer_certificates = std::move(f->chain);
  cx.negotiated.peer_ocsp_response = std::move(f->ocsp_response);

  const ClientConfig& config = *cx.client_config;
  const msgs::KeyExchangeKind kind = f->row->kx == crypto::SuiteKx::kDhe
                                         ? msgs::KeyExchangeKind::kDhe
                                         : msgs::KeyExchangeKind::kEcdhe;
  GLASSTLS_ASSIGN(msgs::ServerKeyExchange ske, msgs::parse_server_key_exchange(m.body, kind));
  //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.1.4.1
  //# If the client has offered the "signature_algorithms" extension, the
  //# signature algorithm and hash algorithm MUST be a pair listed in that
  //# extension.
  if (!contains(config.signature_schemes, ske.scheme)) {
    return illegal_parameter("ServerKeyExchange is signed with a scheme that was not offered (" +
                             std::string(name(ske.scheme)) + ")");
  }
  if (!scheme_fits_suite(ske.scheme, f->row->auth)) {
    return illegal_parameter("ServerKeyExchange scheme " + std::string(name(ske.scheme)) +
                             " does not fit the suite's authentication");
  }
  const Bytes signed_content =
      tls12_signed_params(cx, cx.client_random, f->server_random, ske.params);
  GLASSTLS_TRY(verify_tls12_signature(cx, ske.scheme, f->leaf_spki, signed_content, ske.signature));
  cx.negotiated.peer_scheme = ske.scheme;
  cx.note(false, "ServerKeyExchange signature (" + std::string(name(ske.scheme)) +
                     ") over client_random + server_random + params verified with the "
                     "certificate's public key");

  std::unique_ptr<crypto::KeyExchange> ours;
  ByteView peer_public;
  if (kind == msgs::KeyExchangeKind::kEcdhe) {
    //= https://www.rfc-editor.org/rfc/rfc8422#section-5.4
    //# A possible reason for a
    //# fatal handshake failure is that the client's capabilities for
    //# handling elliptic curves and point formats are exceeded
    if (!contains(config.groups, ske.group) || tls12_group_is_ffdhe(ske.group)) {
      return illegal_parameter("ServerKeyExchange uses a curve that was not offered (" +
                               std::string(name(ske.group)) + ")");
    }
    const crypto::KxGroup* impl = cx.provider->group(ske.group);
    if (impl == nullptr) {
      return internal_error("no implementation for an offered group");
    }
    GLASSTLS_ASSIGN(ours, impl->start());
    cx.negotiated.group = ske.group;
    peer_public = ske.point;
  } else {
    GLASSTLS_ASSIGN(ours, start_server_dh(cx, ske.dh_p, ske.dh_g));
    // The RFC 7919 group with this p and g, or none (zero) for parameters of the server's own.
    cx.negotiated.group = ours->group();
    peer_public = ske.dh_ys;
  }
  GLASSTLS_ASSIGN(Secret shared, ours->complete(peer_public));
  if (cx.tracer) {
    cx.tracer->key_step(
        kind == msgs::KeyExchangeKind::kDhe ? "DHE shared secret (Z)" : "ECDHE shared secret",
        kind == msgs::KeyExchangeKind::kDhe
            ? "Ys ^ (client private key) mod p"
            : std::string(name(ske.group)) + "(client private key, server point)",
        peer_public, {}, shared.span());
  }
  f->pre_master_secret = tls12_pre_master_secret(*f->row, std::move(shared));
  const ByteView pub = ours->public_key();
  f->client_public.assign(pub.begin(), pub.end());
  f->transcript.add(m.encoded);
  f->step = Step::kCertificateRequestOrDone;
  return next(std::move(f));
}

// choose_client_certificate says which scheme signs our CertificateVerify, or nullopt to send an
// empty Certificate: when we have no key, or it cannot sign what the server accepts.
std::optional<SignatureScheme> choose_client_scheme(const Client12Flow& f,
                                                    const ClientConfig& config) {
  if (!config.client_key) {
    return std::nullopt;
  }
  for (SignatureScheme s : tls12_key_schemes(*config.client_key)) {
    if (!contains(f.request_schemes, s)) {
      continue;
    }
    //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.4
    //# certificate_types
    //#    A list of the types of certificate types that the client may
    //#    offer.
    // rsa_sign(1) for RSA keys, ecdsa_sign(64) for ECDSA and EdDSA keys (RFC 8422 section 5.5).
    const uint8_t type = tls12_scheme_is_rsa(s) ? msgs::kClientCertificateTypeRsaSign
                                                : msgs::kClientCertificateTypeEcdsaSign;
    if (contains(f.request_types, type)) {
      return s;
    }
  }
  return std::nullopt;
}

Result<ClientState> send_client_flight(std::unique_ptr<Client12Flow> f, Context& cx) {
  const ClientConfig& config = *cx.client_config;
  std::optional<SignatureScheme> scheme;
  if (f->certificate_requested) {
    scheme = choose_client_scheme(*f, config);
    msgs::Tls12Certificate cert;
    if (scheme) {
      for (const auto& der : config.client_chain) {
        cert.certificates.push_back(der);
      }
    } else {
      cx.note(true,
              "no client certificate fits the CertificateRequest: an empty Certificate is sent");
    }
    Bytes msg = msgs::encode(cert);
    f->transcript.add(msg);
    cx.queue_handshake(msg);
  }
  const msgs::KeyExchangeKind kind = f->row->kx == crypto::SuiteKx::kDhe
                                         ? msgs::KeyExchangeKind::kDhe
                                         : msgs::KeyExchangeKind::kEcdhe;
  {
    Bytes msg = msgs::encode_client_key_exchange(kind, f->client_public);
    f->transcript.add(msg);
    cx.queue_handshake(msg);
  }
  const Bytes session_hash = f->transcript.current();
  GLASSTLS_ASSIGN(f->master_secret,
                  tls12_master_secret(cx, f->pre_master_secret.span(), f->extended_master_secret,
                                      session_hash, cx.client_random, f->server_random));
  f->pre_master_secret = Secret();
  if (scheme) {
    //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.8
    //# The hash and signature algorithms used in the signature MUST be
    //# one of those present in the supported_signature_algorithms field
    //# of the CertificateRequest message.
    GLASSTLS_ASSIGN(Bytes sig, config.client_key->sign(*scheme, tls12_certificate_verify_input(
                                                                    cx, f->transcript.messages())));
    cx.negotiated.own_scheme = *scheme;
    cx.negotiated.own_chain = &config.client_chain;
    Bytes msg = msgs::encode(msgs::CertificateVerify{*scheme, sig});
    f->transcript.add(msg);
    cx.queue_handshake(msg);
  }
  f->transcript.release_messages();
  GLASSTLS_ASSIGN(Tls12PendingKeys keys,
                  tls12_record_keys(cx, f->master_secret.span(), cx.client_random, f->server_random,
                                    f->encrypt_then_mac));
  GLASSTLS_TRY(cx.flush_handshake());
  GLASSTLS_TRY(send_change_cipher_spec(cx));
  tls12_install_write(cx, std::move(keys.client_write));
  f->pending_read = std::move(keys.server_write);
  GLASSTLS_ASSIGN(Secret vd,
                  tls12_verify_data(cx, f->master_secret.span(), true, f->transcript.current()));
  Bytes fin = msgs::encode(msgs::Finished{vd.span()});
  f->transcript.add(fin);
  cx.queue_handshake(fin);
  GLASSTLS_TRY(cx.flush_handshake());
  f->step = f->ticket_expected ? Step::kNewSessionTicket : Step::kChangeCipherSpec;
  return next(std::move(f));
}

Result<ClientState> handle_certificate_request_or_done(std::unique_ptr<Client12Flow> f, Context& cx,
                                                       const msgs::HandshakeMessage& m) {
  if (m.type == HandshakeType::certificate_request && f->step == Step::kCertificateRequestOrDone) {
    GLASSTLS_ASSIGN(msgs::Tls12CertificateRequest cr,
                    msgs::parse_tls12_certificate_request(m.body));
    f->certificate_requested = true;
    f->request_schemes = std::move(cr.supported_signature_algorithms);
    f->request_types = std::move(cr.certificate_types);
    f->transcript.add(m.encoded);
    f->step = Step::kServerHelloDone;
    return next(std::move(f));
  }
  if (m.type != HandshakeType::server_hello_done) {
    return unexpected_message("expected ServerHelloDone, got " + message_name(m.type));
  }
  GLASSTLS_TRY(msgs::parse_server_hello_done(m.body));
  f->transcript.add(m.encoded);
  return send_client_flight(std::move(f), cx);
}

// kSessionIdLifetimeS is how long a session resumable by its session ID alone (or by a ticket
// without a lifetime hint) is offered: RFC 5246 appendix F.1.4 suggests an upper limit of 24
// hours for session IDs. kMaxTicketLifetimeS bounds a server's hint (RFC 8446's bound for
// tickets).
constexpr uint32_t kSessionIdLifetimeS = 86400;
constexpr uint32_t kMaxTicketLifetimeS = 604800;

Result<ClientState> handle_new_session_ticket(std::unique_ptr<Client12Flow> f, Context&,
                                              const msgs::HandshakeMessage& m) {
  //= https://www.rfc-editor.org/rfc/rfc5077#section-3.3
  //# This message MUST be sent if the
  //# server included a SessionTicket extension in the ServerHello.
  if (m.type != HandshakeType::new_session_ticket) {
    return unexpected_message(
        "expected NewSessionTicket (the ServerHello acknowledged "
        "session_ticket), got " +
        message_name(m.type));
  }
  GLASSTLS_ASSIGN(msgs::Tls12NewSessionTicket nst, msgs::parse_tls12_new_session_ticket(m.body));
  //= https://www.rfc-editor.org/rfc/rfc5077#section-3.3
  //# The client MUST NOT
  //# treat the ticket as valid until it has verified the server's Finished
  //# message.
  // It is kept in the flow, and stored only once the server's Finished is verified.
  f->new_ticket = Bytes(nst.ticket.begin(), nst.ticket.end());
  f->ticket_lifetime_hint = nst.ticket_lifetime_hint;
  f->transcript.add(m.encoded);
  f->step = Step::kChangeCipherSpec;
  return next(std::move(f));
}

// keep_session puts the session of a completed handshake in the configuration's session store:
// the session resumed (with its renewed ticket, if the server sent one), or the new one when
// the server made it resumable. Only sessions with an extended master secret are kept.
void keep_session(Context& cx, Client12Flow& f) {
  const ClientConfig& config = *cx.client_config;
  //= https://www.rfc-editor.org/rfc/rfc7627#section-5.3
  //# The client SHOULD NOT offer an abbreviated handshake to resume a
  //# session that does not use an extended master secret.
  if (!config.session_store || cx.negotiated.server_name.empty() || !f.extended_master_secret) {
    return;
  }
  const uint64_t now = config.clock();
  StoredSession s;
  if (f.resumed) {
    s = f.session->clone();
  } else {
    s.version = ProtocolVersion::TLSv1_2;
    s.suite = cx.negotiated.suite;
    s.psk = f.master_secret.clone();
    s.received_ms = now;
    s.lifetime_s = kSessionIdLifetimeS;
    s.session_id = f.session_id;
  }
  s.alpn = cx.negotiated.alpn;
  if (f.new_ticket && !f.new_ticket->empty()) {
    //= https://www.rfc-editor.org/rfc/rfc5077#section-3.4
    //# If the client receives
    //# a session ticket from the server, then it discards any Session ID
    //# that was sent in the ServerHello.
    s.session_id.clear();
    s.ticket = std::move(*f.new_ticket);
    s.received_ms = now;
    s.lifetime_s = f.ticket_lifetime_hint == 0
                       ? kSessionIdLifetimeS
                       : std::min(f.ticket_lifetime_hint, kMaxTicketLifetimeS);
  }
  if (s.ticket.empty() && s.session_id.empty()) {
    return;  // the server made the session resumable neither way
  }
  config.session_store->put(cx.negotiated.server_name, std::move(s));
}

Result<ClientState> handle_finished(std::unique_ptr<Client12Flow> f, Context& cx,
                                    const msgs::HandshakeMessage& m) {
  if (m.type != HandshakeType::finished) {
    return unexpected_message("expected Finished, got " + message_name(m.type));
  }
  GLASSTLS_ASSIGN(msgs::Finished fin, msgs::parse_finished(m.body, msgs::kTls12VerifyDataLength));
  GLASSTLS_ASSIGN(Secret expected,
                  tls12_verify_data(cx, f->master_secret.span(), false, f->transcript.current()));
  //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.9
  //# Recipients of Finished messages MUST verify that the contents are
  //# correct.
  if (!expected.equals(fin.verify_data)) {
    return decrypt_error("server Finished verify_data is wrong");
  }
  cx.note(false,
          "server Finished verified: PRF(master_secret, \"server finished\", "
          "Hash(handshake_messages)) matches");
  if (f->resumed) {
    // Our ChangeCipherSpec and Finished close the abbreviated handshake.
    f->transcript.add(m.encoded);
    GLASSTLS_TRY(send_change_cipher_spec(cx));
    tls12_install_write(cx, std::move(f->pending_write));
    GLASSTLS_ASSIGN(Secret vd,
                    tls12_verify_data(cx, f->master_secret.span(), true, f->transcript.current()));
    cx.queue_handshake(msgs::encode(msgs::Finished{vd.span()}));
    GLASSTLS_TRY(cx.flush_handshake());
  }
  keep_session(cx, *f);
  cx.tls12->master_secret = std::move(f->master_secret);
  cx.read_app_keys = true;
  cx.handshake_done = true;
  return ClientState(ClientConnected{});
}

}  // namespace

Result<ClientState> tls12_server_hello(ClientExpectServerHello&& s, Context& cx,
                                       const msgs::HandshakeMessage& m, msgs::ServerHello&& sh) {
  const ClientConfig& config = *cx.client_config;
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
  //# TLS 1.3 clients receiving a ServerHello indicating TLS 1.2 or below
  //# MUST check that the last 8 bytes are not equal to either of these
  //# values.
  //# If a match is found, the client MUST abort the handshake
  //# with an "illegal_parameter" alert.
  if (offers_tls13(config) && msgs::has_downgrade_sentinel(sh.random)) {
    return illegal_parameter(
        "TLS 1.2 ServerHello carries the downgrade sentinel of a TLS 1.3 server: a version "
        "downgrade");
  }
  //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.1.3
  //# cipher_suite
  //#    The single cipher suite selected by the server from the list in
  //#    ClientHello.cipher_suites.
  const crypto::SuiteRow* row = crypto::find_suite(sh.cipher_suite);
  if (!contains(config.cipher_suites, sh.cipher_suite) || row == nullptr ||
      row->version != ProtocolVersion::TLSv1_2) {
    return illegal_parameter("server selected a cipher suite that was not offered for TLS 1.2");
  }
  if (sh.legacy_compression_method != 0) {
    return illegal_parameter("server selected a compression method other than null");
  }
  //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.1.4
  //# If a client receives an extension type in ServerHello that it did
  //# not request in the associated ClientHello, it MUST abort the
  //# handshake with an unsupported_extension fatal alert.
  for (const msgs::RawExtension& e : sh.extensions) {
    if (!contains(s.offered, e.type)) {
      return unsupported_extension("ServerHello carries unsolicited extension " +
                                   msgs::extension_label(e.type));
    }
  }
  GLASSTLS_ASSIGN(msgs::Tls12ServerHelloExtensions ext,
                  msgs::decode_tls12_server_hello_extensions(sh));
  //= https://www.rfc-editor.org/rfc/rfc5746#section-3.4
  //# o  If the extension is present, set the secure_renegotiation flag to
  //#    TRUE.  The client MUST then verify that the length of the
  //#    "renegotiated_connection" field is zero, and if it is not, MUST
  //#    abort the handshake (by sending a fatal handshake_failure alert).
  if (!ext.renegotiation_info) {
    // A server without secure renegotiation could splice an attacker's session in front of
    // ours (RFC 5746 section 1): glasstls does not connect to one.
    return handshake_failure(
        "server does not support secure renegotiation (no renegotiation_info, RFC 5746)");
  }
  if (!ext.renegotiation_info->empty()) {
    return handshake_failure("renegotiation_info of an initial handshake is not empty");
  }
  //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.1.3
  //# If the ClientHello.session_id was non-empty, the
  //# server will look in its session cache for a match.  If a match is
  //# found and the server is willing to establish the new connection
  //# using the specified session state, the server will respond with
  //# the same value as was supplied by the client.
  const bool echoed = !sh.legacy_session_id_echo.empty() &&
                      std::equal(sh.legacy_session_id_echo.begin(), sh.legacy_session_id_echo.end(),
                                 s.session_id.begin(), s.session_id.end());
  if (echoed && !s.tls12_session) {
    // The ID was TLS 1.3's compatibility-mode one, which names no session.
    return illegal_parameter(
        "TLS 1.2 ServerHello resumes a session that was not offered (it "
        "echoes a session ID that names none)");
  }
  if (echoed) {
    //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.1.3
    //# If a session is
    //# resumed, it must be resumed using the same cipher suite it was
    //# originally negotiated with.
    if (sh.cipher_suite != s.tls12_session->suite) {
      return illegal_parameter("ServerHello resumes a session with another cipher suite (" +
                               std::string(name(sh.cipher_suite)) + " instead of " +
                               std::string(name(s.tls12_session->suite)) + ")");
    }
    //= https://www.rfc-editor.org/rfc/rfc7627#section-5.3
    //# o  If the original session used the extension but the new ServerHello
    //#    does not contain the extension, the client MUST abort the
    //#    handshake.
    if (!ext.extended_master_secret) {
      return handshake_failure(
          "ServerHello resumes a session without the extended master secret it was made with");
    }
  }
  if (ext.alpn) {
    //= https://www.rfc-editor.org/rfc/rfc7301#section-3.1
    //# Prior to the handshake completing, the client MUST verify that the
    //# protocol selected by the server was one of the protocols it offered ... otherwise
    //# the client MUST abort with an "illegal_parameter" alert.
    if (std::find(config.alpn.begin(), config.alpn.end(), *ext.alpn) == config.alpn.end()) {
      return illegal_parameter("server selected an ALPN protocol that was not offered");
    }
    cx.negotiated.alpn = std::string(*ext.alpn);
  }
  auto info = suite_info(*cx.provider, sh.cipher_suite);
  if (!info) {
    return internal_error("offered cipher suite has no implementation");
  }
  cx.suite = *info;
  cx.negotiated.version = ProtocolVersion::TLSv1_2;
  cx.negotiated.suite = sh.cipher_suite;
  cx.tls12 = std::make_unique<Tls12Session>();
  if (cx.tracer) {
    cx.tracer->layout = tls12_layout(*row);
  }

  auto f = std::make_unique<Client12Flow>();
  f->row = row;
  f->server_random.assign(sh.random.begin(), sh.random.end());
  f->extended_master_secret = ext.extended_master_secret;
  //= https://www.rfc-editor.org/rfc/rfc7366#section-3
  //# If a server receives an encrypt-then-MAC request extension from a
  //# client and then selects a stream or Authenticated Encryption with
  //# Associated Data (AEAD) ciphersuite, it MUST NOT send an encrypt-then-
  //# MAC response extension back to the client.
  f->encrypt_then_mac = ext.encrypt_then_mac && row->protection == crypto::Protection::kCbcHmac;
  f->ocsp_requested = contains(s.offered, ExtensionType::status_request);
  f->ocsp_acknowledged = ext.status_request;
  f->offered = std::move(s.offered);
  f->ticket_expected = ext.session_ticket;
  f->session = std::move(s.tls12_session);
  f->transcript = std::move(s.transcript);
  // Our CertificateVerify, if the server asks for one, signs every handshake message.
  if (config.client_key) {
    GLASSTLS_TRY(f->transcript.keep_messages());
  }
  f->transcript.start(*info->hash);
  f->transcript.add(m.encoded);
  cx.note(false, std::string("server chose TLS 1.2 with ") + std::string(name(sh.cipher_suite)) +
                     (f->extended_master_secret ? ", extended master secret"
                                                : ", without the extended master secret") +
                     (f->encrypt_then_mac ? ", encrypt-then-MAC" : ""));
  if (!echoed) {
    f->session_id.assign(sh.legacy_session_id_echo.begin(), sh.legacy_session_id_echo.end());
    return next(std::move(f));
  }
  // The abbreviated handshake: the keys come from the session's master secret and the new
  // randoms; the server's Finished comes next (after a renewed ticket).
  f->resumed = true;
  cx.negotiated.resumed = true;
  f->transcript.release_messages();
  f->master_secret = f->session->psk.clone();
  tls12_resumed_master_secret(cx, f->master_secret.span(), cx.client_random, f->server_random);
  GLASSTLS_ASSIGN(Tls12PendingKeys keys,
                  tls12_record_keys(cx, f->master_secret.span(), cx.client_random, f->server_random,
                                    f->encrypt_then_mac));
  f->pending_read = std::move(keys.server_write);
  f->pending_write = std::move(keys.client_write);
  f->step = f->ticket_expected ? Step::kNewSessionTicket : Step::kChangeCipherSpec;
  cx.note(false, std::string("server resumed the session offered ") +
                     (f->session->ticket.empty() ? "by its session ID" : "in a ticket") +
                     ": no certificate (it was checked in the handshake that made the session) "
                     "and no key exchange");
  return next(std::move(f));
}

Result<ClientState> tls12_client_handle(ClientTls12&& s, Context& cx,
                                        const msgs::HandshakeMessage& m) {
  std::unique_ptr<Client12Flow> f = std::move(s.flow);
  switch (f->step) {
    case Step::kCertificate: return handle_certificate(std::move(f), cx, m);
    case Step::kCertificateStatus: return handle_certificate_status(std::move(f), cx, m);
    case Step::kServerKeyExchange: return handle_server_key_exchange(std::move(f), cx, m);
    case Step::kCertificateRequestOrDone:
    case Step::kServerHelloDone: return handle_certificate_request_or_done(std::move(f), cx, m);
    case Step::kNewSessionTicket: return handle_new_session_ticket(std::move(f), cx, m);
    case Step::kChangeCipherSpec:
      //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.9
      //# It is a fatal error if a Finished message is not preceded by a
      //# ChangeCipherSpec message at the appropriate point in the handshake.
      return unexpected_message("expected ChangeCipherSpec, got " + message_name(m.type));
    case Step::kFinished: return handle_finished(std::move(f), cx, m);
  }
  return internal_error("unknown TLS 1.2 client step");
}

Result<ClientState> tls12_client_change_cipher_spec(ClientTls12&& s, Context& cx,
                                                    ByteView fragment) {
  std::unique_ptr<Client12Flow> f = std::move(s.flow);
  if (f->step != Step::kChangeCipherSpec) {
    return unexpected_message("ChangeCipherSpec before the client's Finished was sent");
  }
  //= https://www.rfc-editor.org/rfc/rfc5246#section-7.1
  //# The message consists of a single byte of value 1.
  if (fragment.size() != 1 || fragment[0] != 1) {
    return unexpected_message("ChangeCipherSpec with a value other than 1");
  }
  tls12_install_read(cx, std::move(f->pending_read));
  f->step = Step::kFinished;
  return next(std::move(f));
}

}  // namespace glasstls::conn
