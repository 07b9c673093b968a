// tls12.cc: the TLS 1.2 server handshake (RFC 5246 section 7.3, figure 1), with an ephemeral
// (EC)DHE key exchange signed with the server's certificate:
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
// With session tickets configured, a full handshake leaves a session to resume: a
// NewSessionTicket (RFC 5077) sent before the server's ChangeCipherSpec when the client asked
// for tickets, a session ID kept in the configuration's ServerSessionStore otherwise. A
// ClientHello offering one that can still be resumed gets the abbreviated handshake (RFC 5246
// section 7.3, figure 2; RFC 5077 section 3.1, figure 2):
//
//   ClientHello            -->
//                               ServerHello
//                               NewSessionTicket*      (a ticket under an older key, renewed)
//                               [ChangeCipherSpec]
//                          <--  Finished
//   [ChangeCipherSpec]
//   Finished               -->
//
// What to answer is chosen by negotiate_tls12() (server/negotiate.h), which does no
// cryptography. The states are steps of one boxed Server12Flow: a TLS 1.3 connection pays 8
// bytes for them.
#include "server/tls12.h"

#include <algorithm>
#include <string>

#include "conn/tls12_keys.h"
#include "conn/tls12_signatures.h"
#include "conn/tls13_tickets.h"
#include "msgs/tls12.h"
#include "x509/certificate.h"

namespace glasstls::conn {

// Server12Flow is everything the TLS 1.2 server keeps between its first flight and the
// client's Finished.
struct Server12Flow {
  enum class Step : uint8_t {
    kCertificate,  // only after a CertificateRequest
    kClientKeyExchange,
    kCertificateVerify,  // only after a client certificate
    kChangeCipherSpec,
    kFinished,
  };
  Step step = Step::kClientKeyExchange;
  const crypto::SuiteRow* row = nullptr;
  handshake::Transcript transcript;
  Bytes client_random;
  Bytes server_random;
  bool extended_master_secret = false;
  bool encrypt_then_mac = false;
  // resumed: an abbreviated handshake, whose Finished the server sent first.
  bool resumed = false;
  // issue_ticket: the ServerHello acknowledged session_ticket, and a NewSessionTicket goes out
  // before the server's ChangeCipherSpec. session_id: the ID the ServerHello gave a session
  // kept in the session store once the handshake completes (empty: none).
  bool issue_ticket = false;
  Bytes session_id;
  // Our key pair for the key exchange, used by ClientKeyExchange.
  std::unique_ptr<crypto::KeyExchange> kx;
  // The client's certificate key, until its CertificateVerify is checked.
  Bytes client_spki;
  Secret master_secret;
  Tls12PendingKeys keys;
};

ServerTls12::ServerTls12() = default;
ServerTls12::ServerTls12(std::unique_ptr<Server12Flow> f) : flow(std::move(f)) {}
ServerTls12::ServerTls12(ServerTls12&&) noexcept = default;
ServerTls12& ServerTls12::operator=(ServerTls12&&) noexcept = default;
ServerTls12::~ServerTls12() = default;

namespace {

using Step = Server12Flow::Step;

msgs::KeyExchangeKind kind_of(const crypto::SuiteRow& row) {
  return row.kx == crypto::SuiteKx::kDhe ? msgs::KeyExchangeKind::kDhe
                                         : msgs::KeyExchangeKind::kEcdhe;
}

void queue(Context& cx, Server12Flow& f, const Bytes& message) {
  f.transcript.add(message);
  cx.queue_handshake(message);
}

Result<ServerState> next(std::unique_ptr<Server12Flow> f) {
  return ServerState(ServerTls12(std::move(f)));
}

// server_random is 32 random bytes, whose last 8 are the downgrade sentinel when this server
// could have spoken TLS 1.3.
Result<Bytes> make_server_random(Context& cx) {
  GLASSTLS_ASSIGN(Bytes random, cx.random(32));
  const ServerConfig& config = *cx.server_config;
  const bool tls13_enabled =
      static_cast<uint16_t>(config.max_version) >= 0x0304 &&
      std::any_of(config.cipher_suites.begin(), config.cipher_suites.end(), [](CipherSuite c) {
        return crypto::find_suite(c)->version == ProtocolVersion::TLSv1_3;
      });
  if (tls13_enabled) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
    //# If negotiating TLS 1.2, TLS 1.3 servers MUST set the last 8 bytes of
    //# their Random value to the bytes:
    //#
    //#   44 4F 57 4E 47 52 44 01
    std::copy(std::begin(msgs::kDowngradeTls12), std::end(msgs::kDowngradeTls12),
              random.begin() + 24);
  }
  return random;
}

// server_hello_extensions are what a ServerHello answering with `choice` acknowledges.
msgs::Tls12ServerHelloExtensions server_hello_extensions(const Tls12Choice& choice, bool staple) {
  msgs::Tls12ServerHelloExtensions ext;
  ext.extended_master_secret = choice.extended_master_secret;
  ext.encrypt_then_mac = choice.encrypt_then_mac;
  if (choice.renegotiation_info) {
    //= https://www.rfc-editor.org/rfc/rfc5746#section-3.6
    //# o  If the secure_renegotiation flag is set to TRUE, the server MUST
    //#    include an empty "renegotiation_info" extension in the ServerHello
    //#    message.
    ext.renegotiation_info = ByteView();
  }
  if (choice.ec_point_formats) {
    ext.ec_point_formats = std::vector<uint8_t>{0};
  }
  if (choice.alpn != nullptr) {
    ext.alpn = *choice.alpn;
  }
  ext.server_name_acknowledged = choice.server_name_acknowledged;
  //= https://www.rfc-editor.org/rfc/rfc6066#section-8
  //# If a server returns a
  //# "CertificateStatus" message, then the server MUST have included an
  //# extension of type "status_request" with empty "extension_data" in the
  //# extended server hello.
  ext.status_request = staple;
  return ext;
}

void queue_server_hello(Context& cx, Server12Flow& f, CipherSuite suite, ByteView session_id,
                        const msgs::Tls12ServerHelloExtensions& ext) {
  msgs::ServerHello sh;
  sh.legacy_version = 0x0303;
  sh.random = f.server_random;
  sh.legacy_session_id_echo = session_id;
  sh.cipher_suite = suite;
  sh.legacy_compression_method = 0;
  queue(cx, f, msgs::encode_tls12_server_hello(sh, ext));
}

// queue_key_exchange makes the server's key pair for the chosen group and queues the
// ServerKeyExchange that carries it, signed.
Status queue_key_exchange(Context& cx, Server12Flow& f, const Tls12Choice& choice) {
  const crypto::KxGroup* group = cx.provider->group(choice.group);
  if (group == nullptr) {
    return internal_error("configured group has no implementation");
  }
  GLASSTLS_ASSIGN(f.kx, group->start());
  Bytes params;
  if (kind_of(*f.row) == msgs::KeyExchangeKind::kEcdhe) {
    params = msgs::encode_ecdhe_params(choice.group, f.kx->public_key());
  } else {
    GLASSTLS_ASSIGN(crypto::DhParams dh, ffdhe_params(cx, choice.group));
    params = msgs::encode_dhe_params(dh.p, dh.g, f.kx->public_key());
  }
  const Bytes signed_content = tls12_signed_params(cx, f.client_random, f.server_random, params);
  GLASSTLS_ASSIGN(Bytes signature, choice.certificate->key->sign(choice.scheme, signed_content));
  cx.negotiated.own_scheme = choice.scheme;
  queue(cx, f, msgs::encode_server_key_exchange(params, choice.scheme, signature));
  return Ok{};
}

// certificate_request is the TLS 1.2 CertificateRequest `config` sends.
msgs::Tls12CertificateRequest certificate_request(const ServerConfig& config) {
  msgs::Tls12CertificateRequest cr;
  //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.4
  //# certificate_types
  //#    A list of the types of certificate types that the client may
  //#    offer.
  // rsa_sign(1), and ecdsa_sign(64) for ECDSA and EdDSA keys (RFC 8422 section 5.5).
  cr.certificate_types = {msgs::kClientCertificateTypeRsaSign,
                          msgs::kClientCertificateTypeEcdsaSign};
  for (SignatureScheme s : config.signature_schemes) {
    if (tls12_scheme_is_rsa(s) || tls12_scheme_is_ecdsa_like(s)) {
      cr.supported_signature_algorithms.push_back(s);
    }
  }
  for (const Bytes& dn : config.client_authorities) {
    cr.certificate_authorities.push_back(dn);
  }
  return cr;
}

// dh_yc_as_share turns the client's dh_Yc into the share our group's exchange takes: Y
// left-padded with zeros to the size of p. TLS 1.2 sends Yc as an integer of any length,
// usually without leading zeros (RFC 5246 section 4.3: "leading zero octets are not
// required"), whereas a TLS 1.3 share always has the size of p.
Result<Bytes> dh_yc_as_share(const Context& cx, ByteView yc) {
  GLASSTLS_ASSIGN(crypto::DhParams dh, ffdhe_params(cx, cx.negotiated.group));
  size_t zeros = 0;
  while (zeros < yc.size() && yc[zeros] == 0) {
    zeros++;
  }
  const ByteView y = yc.subspan(zeros);
  if (y.size() > dh.p.size()) {
    return handshake_failure("ClientKeyExchange dh_Yc is longer than dh_p");
  }
  Bytes share(dh.p.size() - y.size(), 0);
  share.insert(share.end(), y.begin(), y.end());
  return share;
}

Result<ServerState> handle_certificate(std::unique_ptr<Server12Flow> f, Context& cx,
                                       const msgs::HandshakeMessage& m) {
  if (m.type != HandshakeType::certificate) {
    return unexpected_message("expected client Certificate, got " + message_name(m.type));
  }
  GLASSTLS_ASSIGN(msgs::Tls12Certificate cert, msgs::parse_tls12_certificate(m.body));
  const ServerConfig& config = *cx.server_config;
  f->transcript.add(m.encoded);
  if (cert.certificates.empty()) {
    //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.6
    //# If the client does not send any certificates, the
    //# server MAY at its discretion either continue the handshake without
    //# client authentication, or respond with a fatal handshake_failure
    //# alert.
    if (config.client_certificate_required) {
      return handshake_failure("the client sent no certificate and one is required");
    }
    f->step = Step::kClientKeyExchange;
    return next(std::move(f));
  }
  std::vector<Bytes> chain;
  chain.reserve(cert.certificates.size());
  for (ByteView der : cert.certificates) {
    chain.emplace_back(der.begin(), der.end());
  }
  {
    GLASSTLS_ASSIGN(x509::Certificate leaf, x509::parse_certificate(chain.front()));
    f->client_spki.assign(leaf.spki.begin(), leaf.spki.end());
  }
  GLASSTLS_TRY(config.client_verifier->verify(chain, {}));
  cx.negotiated.peer_certificates = std::move(chain);
  f->step = Step::kClientKeyExchange;
  return next(std::move(f));
}

Result<ServerState> handle_client_key_exchange(std::unique_ptr<Server12Flow> f, Context& cx,
                                               const msgs::HandshakeMessage& m) {
  if (m.type != HandshakeType::client_key_exchange) {
    return unexpected_message("expected ClientKeyExchange, got " + message_name(m.type));
  }
  const msgs::KeyExchangeKind kind = kind_of(*f->row);
  GLASSTLS_ASSIGN(ByteView peer_public, msgs::parse_client_key_exchange(m.body, kind));
  Bytes padded_yc;
  if (kind == msgs::KeyExchangeKind::kDhe) {
    GLASSTLS_ASSIGN(padded_yc, dh_yc_as_share(cx, peer_public));
    peer_public = padded_yc;
  }
  Result<Secret> completed = f->kx->complete(peer_public);
  if (!completed.ok()) {
    Error e = std::move(completed).error();
    //= https://www.rfc-editor.org/rfc/rfc7919#section-4
    //# When an FFDHE cipher suite is selected and the client sends a
    //# ClientKeyExchange, the server MUST verify that 1 < dh_Yc < dh_p - 1.
    //# If dh_Yc is out of range, the server MUST terminate the connection
    //# with a fatal handshake_failure(40) alert.
    if (kind == msgs::KeyExchangeKind::kDhe && e.alert == AlertDescription::illegal_parameter) {
      e.alert = AlertDescription::handshake_failure;
    }
    return e;
  }
  Secret shared = std::move(completed).value();
  f->kx.reset();
  if (cx.tracer) {
    cx.tracer->key_step(
        kind == msgs::KeyExchangeKind::kDhe ? "DHE shared secret (Z)" : "ECDHE shared secret",
        kind == msgs::KeyExchangeKind::kDhe
            ? "Yc ^ (server private key) mod p"
            : std::string(name(cx.negotiated.group)) + "(server private key, client point)",
        peer_public, {}, shared.span());
  }
  f->transcript.add(m.encoded);
  const Secret pre_master = tls12_pre_master_secret(*f->row, std::move(shared));
  const Bytes session_hash = f->transcript.current();
  GLASSTLS_ASSIGN(f->master_secret,
                  tls12_master_secret(cx, pre_master.span(), f->extended_master_secret,
                                      session_hash, f->client_random, f->server_random));
  GLASSTLS_ASSIGN(f->keys, tls12_record_keys(cx, f->master_secret.span(), f->client_random,
                                             f->server_random, f->encrypt_then_mac));
  f->step = f->client_spki.empty() ? Step::kChangeCipherSpec : Step::kCertificateVerify;
  if (f->client_spki.empty()) {
    f->transcript.release_messages();
  }
  return next(std::move(f));
}

Result<ServerState> handle_certificate_verify(std::unique_ptr<Server12Flow> f, Context& cx,
                                              const msgs::HandshakeMessage& m) {
  if (m.type != HandshakeType::certificate_verify) {
    return unexpected_message("expected client CertificateVerify, got " + message_name(m.type));
  }
  GLASSTLS_ASSIGN(msgs::CertificateVerify cv, msgs::parse_certificate_verify(m.body));
  //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.8
  //# The hash and signature algorithms used in the signature MUST be
  //# one of those present in the supported_signature_algorithms field
  //# of the CertificateRequest message.
  const msgs::Tls12CertificateRequest cr = certificate_request(*cx.server_config);
  if (std::find(cr.supported_signature_algorithms.begin(), cr.supported_signature_algorithms.end(),
                cv.scheme) == cr.supported_signature_algorithms.end()) {
    return illegal_parameter("client CertificateVerify uses a scheme the server did not offer");
  }
  GLASSTLS_TRY(verify_tls12_signature(cx, cv.scheme, f->client_spki,
                                      tls12_certificate_verify_input(cx, f->transcript.messages()),
                                      cv.signature));
  cx.negotiated.peer_scheme = cv.scheme;
  f->transcript.add(m.encoded);
  f->transcript.release_messages();
  f->step = Step::kChangeCipherSpec;
  return next(std::move(f));
}

// session_state is what resuming the session of this handshake takes (tls13_tickets.h).
TicketState session_state(const Context& cx, const Server12Flow& f) {
  const ServerConfig& config = *cx.server_config;
  TicketState t;
  t.version = ProtocolVersion::TLSv1_2;
  t.suite = cx.negotiated.suite;
  t.psk = f.master_secret.clone();
  t.issued_ms = config.clock();
  t.lifetime_s = config.ticket_lifetime_s;
  t.client_authenticated = !cx.negotiated.peer_certificates.empty();
  t.encrypt_then_mac = f.encrypt_then_mac;
  t.server_name = cx.negotiated.server_name;
  t.alpn = cx.negotiated.alpn.value_or("");
  return t;
}

// queue_ticket seals `state` under the configuration's ticket keys and queues it in a
// NewSessionTicket.
Status queue_ticket(Context& cx, Server12Flow& f, const TicketState& state) {
  const ServerConfig& config = *cx.server_config;
  GLASSTLS_ASSIGN(Bytes ticket, seal_ticket(*cx.provider, *config.ticket_keys, state));
  //= https://www.rfc-editor.org/rfc/rfc5077#section-3.3
  //# The value indicates the lifetime
  //# in seconds as a 32-bit unsigned integer in network byte order
  //# relative to when the ticket is received.
  const uint64_t now = config.clock();
  const uint64_t end = state.issued_ms + uint64_t{state.lifetime_s} * 1000;
  const uint32_t hint = end > now ? static_cast<uint32_t>((end - now) / 1000) : 0;
  queue(cx, f, msgs::encode(msgs::Tls12NewSessionTicket{hint, ticket}));
  cx.note(true, "sent a NewSessionTicket (" + std::to_string(ticket.size()) +
                    " bytes, sealed under the ticket keys) that resumes this session");
  return Ok{};
}

// keep_session makes the session of a full handshake resumable, as the ServerHello announced:
// under its session ID in the session store, and by a ticket sent now when the client asked.
Status keep_session(Context& cx, Server12Flow& f) {
  if (f.session_id.empty()) {
    return Ok{};
  }
  const TicketState state = session_state(cx, f);
  if (f.issue_ticket) {
    //= https://www.rfc-editor.org/rfc/rfc5077#section-3.3
    //# In the
    //# case of a full handshake, the server MUST verify the client's
    //# Finished message before sending the ticket.
    GLASSTLS_TRY(queue_ticket(cx, f, state));
  }
  GLASSTLS_ASSIGN(Bytes plain, encode_ticket_state(state));
  const bool kept = cx.server_config->session_store->put(f.session_id, plain, state.lifetime_s);
  secure_wipe(plain.data(), plain.size());
  cx.note(true, kept ? "session kept in the session store under its session ID"
                     : "the session store could not keep the session: its ID cannot resume it");
  return Ok{};
}

// send_server_finished sends the server's ChangeCipherSpec and Finished over the transcript so
// far, and switches the write side to the new keys between them.
Status send_server_finished(Context& cx, Server12Flow& f) {
  GLASSTLS_TRY(cx.flush_handshake());
  GLASSTLS_TRY(send_change_cipher_spec(cx));
  tls12_install_write(cx, std::move(f.keys.server_write));
  GLASSTLS_ASSIGN(Secret vd,
                  tls12_verify_data(cx, f.master_secret.span(), false, f.transcript.current()));
  const Bytes fin = msgs::encode(msgs::Finished{vd.span()});
  queue(cx, f, fin);
  return cx.flush_handshake();
}

Result<ServerState> handle_finished(std::unique_ptr<Server12Flow> f, Context& cx,
                                    const msgs::HandshakeMessage& m) {
  if (m.type != HandshakeType::finished) {
    return unexpected_message("expected client Finished, got " + message_name(m.type));
  }
  GLASSTLS_ASSIGN(msgs::Finished fin, msgs::parse_finished(m.body, msgs::kTls12VerifyDataLength));
  GLASSTLS_ASSIGN(Secret expected,
                  tls12_verify_data(cx, f->master_secret.span(), true, f->transcript.current()));
  //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.9
  //# Recipients of Finished messages MUST verify that the contents are
  //# correct.
  if (!expected.equals(fin.verify_data)) {
    return decrypt_error("client Finished verify_data is wrong");
  }
  cx.note(false,
          "client Finished verified: PRF(master_secret, \"client finished\", "
          "Hash(handshake_messages)) matches");
  if (!f->resumed) {
    f->transcript.add(m.encoded);
    GLASSTLS_TRY(keep_session(cx, *f));
    GLASSTLS_TRY(send_server_finished(cx, *f));
  }
  cx.tls12->master_secret = std::move(f->master_secret);
  cx.read_app_keys = true;
  cx.handshake_done = true;
  return ServerState(ServerConnected{});
}

// unusable says why the TLS 1.2 session `t` cannot be resumed by the ClientHello `ch` now, or
// nullopt when it can.
std::optional<std::string> unusable(const Context& cx, const msgs::ClientHello& ch,
                                    const TicketState& t) {
  const ServerConfig& config = *cx.server_config;
  const uint64_t now = config.clock();
  if (ticket_expired(t.issued_ms, t.lifetime_s, now)) {
    return "it has expired";
  }
  //= https://www.rfc-editor.org/rfc/rfc6066#section-3
  //# A server that implements this extension MUST NOT accept the request
  //# to resume the session if the server_name extension contains a
  //# different name.  Instead, it proceeds with a full handshake to
  //# establish a new session.
  if (t.server_name != cx.negotiated.server_name) {
    return "it was made for another server name";
  }
  if (config.client_certificate_required && !t.client_authenticated) {
    return "the configuration requires a client certificate, and none was given in the session";
  }
  //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.1.3
  //# If a session is
  //# resumed, it must be resumed using the same cipher suite it was
  //# originally negotiated with.
  const crypto::SuiteRow* row = crypto::find_suite(t.suite);
  const auto offered = [&](const std::vector<CipherSuite>& suites) {
    return std::find(suites.begin(), suites.end(), t.suite) != suites.end();
  };
  if (row == nullptr || row->version != ProtocolVersion::TLSv1_2 || !offered(ch.cipher_suites) ||
      !offered(config.cipher_suites) || !suite_info(*cx.provider, t.suite)) {
    return "its cipher suite is not offered or not configured";
  }
  //= https://www.rfc-editor.org/rfc/rfc7627#section-5.3
  //# o  If the original session used the "extended_master_secret"
  //#    extension but the new ClientHello does not contain it, the server
  //#    MUST abort the abbreviated handshake.
  // glasstls keeps only sessions with an extended master secret, and goes on with a full
  // handshake, which makes a new one.
  if (!ch.extended_master_secret) {
    return "the ClientHello does not offer the extended master secret";
  }
  //= https://www.rfc-editor.org/rfc/rfc7366#section-3.1
  //# As the above table points out, implementations MUST NOT renegotiate a
  //# downgrade from encrypt-then-MAC to MAC-then-encrypt.
  if (t.encrypt_then_mac && !ch.encrypt_then_mac) {
    return "the session used encrypt-then-MAC and the ClientHello does not offer it";
  }
  return std::nullopt;
}

// Resumable is a session a ClientHello offered that this server can resume.
struct Resumable {
  TicketState state;
  // renew: it came in a ticket sealed under a key that is no longer the ring's current one.
  bool renew = false;
};

// find_session looks for the session a ClientHello offers, by ticket or by session ID, and
// says whether it can be resumed. Anything it cannot open, find or resume means a full
// handshake.
std::optional<Resumable> find_session(Context& cx, const msgs::ClientHello& ch) {
  const ServerConfig& config = *cx.server_config;
  Resumable r;
  if (ch.session_ticket && !ch.session_ticket_data.empty()) {
    //= https://www.rfc-editor.org/rfc/rfc5077#section-3.4
    //# If a ticket is
    //# presented by the client, the server MUST NOT attempt to use the
    //# Session ID in the ClientHello for stateful session resumption.
    std::optional<TicketState> t = open_ticket(*cx.provider, *config.ticket_keys,
                                               ch.session_ticket_data, ProtocolVersion::TLSv1_2);
    if (!t) {
      cx.note(false, "the offered session ticket is none this server can open: full handshake");
      return std::nullopt;
    }
    r.renew = !sealed_with_current_key(*config.ticket_keys, ch.session_ticket_data);
    r.state = std::move(*t);
  } else if (!ch.legacy_session_id.empty()) {
    std::optional<Bytes> plain = config.session_store->get(ch.legacy_session_id);
    if (!plain) {
      cx.note(false, "the offered session ID is not in the session store: full handshake");
      return std::nullopt;
    }
    std::optional<TicketState> t = parse_ticket_state(*plain);
    secure_wipe(plain->data(), plain->size());
    if (!t || t->version != ProtocolVersion::TLSv1_2) {
      cx.note(false, "the offered session ID names no TLS 1.2 session: full handshake");
      return std::nullopt;
    }
    r.state = std::move(*t);
  } else {
    return std::nullopt;
  }
  if (auto why = unusable(cx, ch, r.state)) {
    cx.note(false, "the offered session is not resumed: " + *why);
    return std::nullopt;
  }
  return r;
}

// resume answers a ClientHello that offered the session `r` with the abbreviated handshake:
// ServerHello, a renewed ticket if need be, ChangeCipherSpec and Finished.
Result<ServerState> resume(Context& cx, const msgs::HandshakeMessage& m,
                           const msgs::ClientHello& ch, const Tls12Choice& choice, Resumable r) {
  const crypto::SuiteRow* row = crypto::find_suite(r.state.suite);
  const SuiteInfo info = *suite_info(*cx.provider, r.state.suite);  // checked by unusable()
  cx.suite = info;
  cx.negotiated.version = ProtocolVersion::TLSv1_2;
  cx.negotiated.suite = r.state.suite;
  cx.negotiated.group = NamedGroup{};
  //= https://www.rfc-editor.org/rfc/rfc7301#section-3.1
  //# When session
  //# resumption or session tickets [RFC5077] are used, the previous
  //# contents of this extension are irrelevant, and only the values in the
  //# new handshake messages are considered.
  cx.negotiated.alpn =
      choice.alpn != nullptr ? std::optional<std::string>(*choice.alpn) : std::nullopt;
  cx.negotiated.resumed = true;
  cx.tls12 = std::make_unique<Tls12Session>();
  if (cx.tracer) {
    cx.tracer->layout = tls12_layout(*row);
  }
  cx.client_random.assign(ch.random.begin(), ch.random.end());

  auto f = std::make_unique<Server12Flow>();
  f->row = row;
  f->resumed = true;
  f->client_random.assign(ch.random.begin(), ch.random.end());
  GLASSTLS_ASSIGN(f->server_random, make_server_random(cx));
  f->extended_master_secret = true;
  f->encrypt_then_mac = ch.encrypt_then_mac && row->protection == crypto::Protection::kCbcHmac;
  f->transcript.add(m.encoded);
  f->transcript.start(*info.hash);

  msgs::Tls12ServerHelloExtensions ext = server_hello_extensions(choice, false);
  //= https://www.rfc-editor.org/rfc/rfc7627#section-5.3
  //# o  If the new ClientHello contains the extension and the server
  //#    chooses to continue the handshake, then the server MUST include
  //#    the "extended_master_secret" extension in its ServerHello message.
  ext.extended_master_secret = true;
  ext.encrypt_then_mac = f->encrypt_then_mac;
  ext.ec_point_formats.reset();
  if (choice.ec_point_formats && row->kx == crypto::SuiteKx::kEcdhe) {
    ext.ec_point_formats = std::vector<uint8_t>{0};
  }
  //= https://www.rfc-editor.org/rfc/rfc6066#section-3
  //# When resuming a session, the server MUST
  //# NOT include a server_name extension in the server hello.
  ext.server_name_acknowledged = false;
  //= https://www.rfc-editor.org/rfc/rfc5077#section-3.3
  //# If the server successfully verifies the client's ticket, then it MAY
  //# renew the ticket by including a NewSessionTicket handshake message
  //# after the ServerHello in the abbreviated handshake.
  ext.session_ticket = r.renew;
  //= https://www.rfc-editor.org/rfc/rfc5077#section-3.4
  //# If the server accepts the ticket
  //# and the Session ID is not empty, then it MUST respond with the same
  //# Session ID present in the ClientHello.
  queue_server_hello(cx, *f, r.state.suite, ch.legacy_session_id, ext);
  cx.note(true, std::string("resumed the session offered ") +
                    (ch.session_ticket && !ch.session_ticket_data.empty() ? "in a ticket"
                                                                          : "by its session ID") +
                    " with " + std::string(name(r.state.suite)) +
                    ": no certificate or key exchange, ChangeCipherSpec and Finished follow");
  if (r.renew) {
    // The renewed ticket keeps the session's issue time: renewing never extends a session.
    GLASSTLS_TRY(queue_ticket(cx, *f, r.state));
  }
  f->master_secret = std::move(r.state.psk);
  tls12_resumed_master_secret(cx, f->master_secret.span(), f->client_random, f->server_random);
  GLASSTLS_ASSIGN(f->keys, tls12_record_keys(cx, f->master_secret.span(), f->client_random,
                                             f->server_random, f->encrypt_then_mac));
  GLASSTLS_TRY(send_server_finished(cx, *f));
  f->step = Step::kChangeCipherSpec;
  return next(std::move(f));
}

}  // namespace

Result<ServerState> tls12_client_hello(Context& cx, const msgs::HandshakeMessage& m,
                                       const msgs::ClientHello& ch,
                                       const ProviderSupport& support) {
  std::optional<std::string_view> server_name;
  Result<Tls12Choice> negotiated = negotiate_tls12(ch, *cx.server_config, support, &server_name);
  if (server_name) {
    cx.negotiated.server_name = std::string(*server_name);
  }
  if (!negotiated.ok()) {
    return std::move(negotiated).error();
  }
  const Tls12Choice& choice = *negotiated;
  const ServerConfig& config = *cx.server_config;
  const bool sessions =
      config.session_tickets > 0 && config.ticket_keys != nullptr && config.session_store;
  if (sessions) {
    if (std::optional<Resumable> r = find_session(cx, ch)) {
      return resume(cx, m, ch, choice, std::move(*r));
    }
  }
  auto info = suite_info(*cx.provider, choice.suite);
  if (!info) {
    return internal_error("configured cipher suite has no implementation");
  }
  cx.suite = *info;
  cx.negotiated.version = ProtocolVersion::TLSv1_2;
  cx.negotiated.suite = choice.suite;
  cx.negotiated.group = choice.group;
  cx.negotiated.alpn =
      choice.alpn != nullptr ? std::optional<std::string>(*choice.alpn) : std::nullopt;
  cx.negotiated.own_chain = &choice.certificate->chain;
  cx.tls12 = std::make_unique<Tls12Session>();
  if (cx.tracer) {
    cx.tracer->layout = tls12_layout(*choice.row);
  }
  cx.client_random.assign(ch.random.begin(), ch.random.end());

  auto f = std::make_unique<Server12Flow>();
  f->row = choice.row;
  f->client_random.assign(ch.random.begin(), ch.random.end());
  GLASSTLS_ASSIGN(f->server_random, make_server_random(cx));
  f->extended_master_secret = choice.extended_master_secret;
  f->encrypt_then_mac = choice.encrypt_then_mac;
  if (choice.request_client_certificate) {
    // The client's CertificateVerify signs every handshake message.
    GLASSTLS_TRY(f->transcript.keep_messages());
  }
  f->transcript.add(m.encoded);
  f->transcript.start(*info->hash);

  // The staple is taken once, so that the ServerHello's acknowledgement and the
  // CertificateStatus agree however often the OcspStaple is replaced meanwhile.
  std::shared_ptr<const Bytes> staple;
  if (choice.staple_ocsp) {
    staple = choice.certificate->ocsp->get();
  }
  const bool stapling = staple && !staple->empty();
  // Only a session with an extended master secret is kept (RFC 7627 section 5.3): under a
  // session ID in the session store, and in a ticket too when the client asked for one. (RFC
  // 5077 section 3.4 suggests an empty session ID beside a ticket; as OpenSSL does, glasstls
  // gives one anyway, so that a client that drops the ticket can still resume by its ID.)
  msgs::Tls12ServerHelloExtensions ext = server_hello_extensions(choice, stapling);
  if (sessions && choice.extended_master_secret) {
    GLASSTLS_ASSIGN(f->session_id, cx.random(32));
    if (ch.session_ticket) {
      //= https://www.rfc-editor.org/rfc/rfc5077#section-3.2
      //# The server uses a zero-length SessionTicket extension to indicate to
      //# the client that it will send a new session ticket using the
      //# NewSessionTicket handshake message described in Section 3.3.
      ext.session_ticket = true;
      f->issue_ticket = true;
    }
  }
  queue_server_hello(cx, *f, choice.suite, f->session_id, ext);
  {
    msgs::Tls12Certificate cert;
    for (const Bytes& der : choice.certificate->chain) {
      cert.certificates.push_back(der);
    }
    queue(cx, *f, msgs::encode(cert));
  }
  if (stapling) {
    queue(cx, *f, msgs::encode_certificate_status_message(*staple));
    cx.note(true, "stapled the OCSP response of the certificate (" +
                      std::to_string(staple->size()) + " bytes) in a CertificateStatus message");
  }
  GLASSTLS_TRY(queue_key_exchange(cx, *f, choice));
  if (choice.request_client_certificate) {
    queue(cx, *f, msgs::encode(certificate_request(*cx.server_config)));
    f->step = Step::kCertificate;
  } else {
    f->step = Step::kClientKeyExchange;
  }
  queue(cx, *f, msgs::encode_server_hello_done());
  GLASSTLS_TRY(cx.flush_handshake());
  return next(std::move(f));
}

Result<ServerState> tls12_server_handle(ServerTls12&& s, Context& cx,
                                        const msgs::HandshakeMessage& m) {
  std::unique_ptr<Server12Flow> f = std::move(s.flow);
  switch (f->step) {
    case Step::kCertificate: return handle_certificate(std::move(f), cx, m);
    case Step::kClientKeyExchange: return handle_client_key_exchange(std::move(f), cx, m);
    case Step::kCertificateVerify: return handle_certificate_verify(std::move(f), cx, m);
    case Step::kChangeCipherSpec:
      //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.9
      //# It is a fatal error if a Finished message is not preceded by a
      //# ChangeCipherSpec message at the appropriate point in the handshake.
      return unexpected_message("expected ChangeCipherSpec, got " + message_name(m.type));
    case Step::kFinished: return handle_finished(std::move(f), cx, m);
  }
  return internal_error("unknown TLS 1.2 server step");
}

Result<ServerState> tls12_server_change_cipher_spec(ServerTls12&& s, Context& cx,
                                                    ByteView fragment) {
  std::unique_ptr<Server12Flow> f = std::move(s.flow);
  if (f->step != Step::kChangeCipherSpec) {
    return unexpected_message("ChangeCipherSpec before the client's key exchange was complete");
  }
  //= https://www.rfc-editor.org/rfc/rfc5246#section-7.1
  //# The message consists of a single byte of value 1.
  if (fragment.size() != 1 || fragment[0] != 1) {
    return unexpected_message("ChangeCipherSpec with a value other than 1");
  }
  tls12_install_read(cx, std::move(f->keys.client_write));
  f->step = Step::kFinished;
  return next(std::move(f));
}

}  // namespace glasstls::conn
