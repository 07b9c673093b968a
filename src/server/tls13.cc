// tls13.cc: the TLS 1.3 server handshake (RFC 8446 section 2).
//
//   ClientHello  -->
//                <--  HelloRetryRequest (when no usable key share), then ClientHello again
//                     ServerHello, [ChangeCipherSpec], {EncryptedExtensions}, {Certificate},
//                     {CertificateVerify}, {Finished}
//   {Finished}   -->
//
// What to answer a ClientHello with is chosen by negotiate() (server/negotiate.h), which does
// no cryptography; the handler for ServerExpectClientHello then carries the choice out, one
// named step per part of the flight.
#include "server/tls13.h"
#include "server/tls12.h"

#include <algorithm>
#include <cstddef>
#include <memory_resource>

#include "conn/tls13_keys.h"
#include "conn/tls13_tickets.h"
#include "msgs/extensions.h"
#include "server/negotiate.h"
#include "x509/certificate.h"

namespace glasstls::conn {

namespace {

// queue_message adds an encoded message to the transcript and to the flight being built; the
// encoding is freed on return, so that no copy of a sent message outlives its queueing.
void queue_message(Context& cx, handshake::Transcript& transcript, Bytes message) {
  transcript.add(message);
  cx.queue_handshake(message);
}

// Supported holds the configured suites and groups the connection's provider implements, in
// room on the stack (a built configuration has at most a few of each; more spills to the heap).
class Supported {
 public:
  Supported(const crypto::CryptoProvider& provider, const ServerConfig& config)
      : arena_(room_, sizeof(room_)), suites_(&arena_), groups_(&arena_) {
    suites_.reserve(config.cipher_suites.size());
    groups_.reserve(config.groups.size());
    for (CipherSuite c : config.cipher_suites) {
      if (suite_info(provider, c)) {
        suites_.push_back(c);
      }
    }
    for (NamedGroup g : config.groups) {
      if (provider.group(g) != nullptr) {
        groups_.push_back(g);
      }
    }
  }
  ProviderSupport support() const { return ProviderSupport{suites_, groups_}; }

 private:
  alignas(std::max_align_t) std::byte room_[64];
  std::pmr::monotonic_buffer_resource arena_;
  std::pmr::vector<CipherSuite> suites_;
  std::pmr::vector<NamedGroup> groups_;
};

Result<ServerState> send_hello_retry(ServerExpectClientHello&& s, Context& cx,
                                     const msgs::ClientHello& ch, CipherSuite suite,
                                     NamedGroup group, const SuiteInfo& info) {
  s.transcript.start(*info.hash);
  s.transcript.hello_retry_rollup();
  msgs::ServerHello hrr;
  hrr.random = ByteView(msgs::kHelloRetryRequestRandom, 32);
  hrr.legacy_session_id_echo = ch.legacy_session_id;
  hrr.cipher_suite = suite;
  hrr.is_hello_retry_request = true;
  hrr.selected_version = 0x0304;
  hrr.selected_group = group;
  queue_message(cx, s.transcript, msgs::encode(hrr));
  GLASSTLS_TRY(cx.flush_handshake());
  //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.4
  //# The server sends a dummy change_cipher_spec record immediately
  //# after its first handshake message.  This may either be after a
  //# ServerHello or a HelloRetryRequest.
  if (!ch.legacy_session_id.empty() && !cx.tls13.ccs_sent) {
    send_ccs(cx);
  }
  cx.negotiated.hello_retry_request = true;
  ServerExpectClientHello next;
  next.after_hello_retry = true;
  next.transcript = std::move(s.transcript);
  next.suite = suite;
  next.group = group;
  next.session_id.assign(ch.legacy_session_id.begin(), ch.legacy_session_id.end());
  return ServerState(std::move(next));
}

// negotiate_hello runs negotiate() for this connection: its configuration, what its provider
// implements, and what a HelloRetryRequest asked for if one was sent. The client's server name
// is recorded once accepted, even if negotiation fails later.
Result<ServerChoice> negotiate_hello(const ServerExpectClientHello& s, Context& cx,
                                     const msgs::ClientHello& ch) {
  const HelloRetrySent retry{s.suite, s.group, s.session_id};
  const Supported supported(*cx.provider, *cx.server_config);
  std::optional<std::string_view> server_name;
  Result<ServerChoice> choice = negotiate(ch, *cx.server_config, supported.support(),
                                          s.after_hello_retry ? &retry : nullptr, &server_name);
  if (server_name) {
    cx.negotiated.server_name = std::string(*server_name);
  }
  return choice;
}

// KeyExchangeDone is the server's key pair for the chosen group (its public half still to be
// sent in the ServerHello) and the secret it shares with the client.
struct KeyExchangeDone {
  std::unique_ptr<crypto::KeyExchange> own;
  Secret shared;
};

// complete_key_exchange makes a key pair in the group of the client's share and completes the
// exchange with it (illegal_parameter when the client's share is malformed).
Result<KeyExchangeDone> complete_key_exchange(Context& cx, const msgs::KeyShareEntry& share) {
  GLASSTLS_ASSIGN(auto kx, cx.provider->group(share.group)->start());
  GLASSTLS_ASSIGN(Secret shared, kx->complete(share.key_exchange));
  if (cx.tracer) {
    cx.tracer->key_step("(EC)DHE shared secret",
                        std::string(name(share.group)) + "(server private key, client key_share)",
                        share.key_exchange, {}, shared.span());
  }
  return KeyExchangeDone{std::move(kx), std::move(shared)};
}

// adopt_choice records what was negotiated in the connection's context.
void adopt_choice(Context& cx, const ServerChoice& choice, const SuiteInfo& info,
                  ByteView client_random) {
  cx.suite = info;
  // The client random serves only the key log.
  if (cx.key_log != nullptr) {
    cx.client_random.assign(client_random.begin(), client_random.end());
  }
  cx.negotiated.version = choice.version;
  cx.negotiated.suite = choice.suite;
  cx.negotiated.group = choice.key_share.group;
  if (choice.alpn != nullptr) {
    cx.negotiated.alpn = *choice.alpn;
  } else {
    cx.negotiated.alpn = std::nullopt;
  }
}

// send_server_hello queues the ServerHello with the server's share `kx` (freed once sent; null
// for PSK-only key establishment, which sends no key_share) and sends it, followed by the
// compatibility change_cipher_spec when the client sent a session id.
Status send_server_hello(Context& cx, handshake::Transcript& transcript, const ServerChoice& choice,
                         ByteView session_id, std::unique_ptr<crypto::KeyExchange> kx,
                         std::optional<uint16_t> selected_identity) {
  {
    msgs::ServerHello sh;
    sh.selected_identity = selected_identity;
    GLASSTLS_ASSIGN(Bytes server_random, cx.random(32));
    sh.random = server_random;
    sh.legacy_session_id_echo = session_id;
    sh.cipher_suite = choice.suite;
    sh.selected_version = 0x0304;
    if (kx) {
      sh.key_share = msgs::KeyShareEntry{choice.key_share.group, kx->public_key()};
    }
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.9
    //# psk_ke:  PSK-only key establishment.  In this mode, the server
    //# MUST NOT supply a "key_share" value.
    queue_message(cx, transcript, msgs::encode(sh));
  }
  kx.reset();  // The key share has been used and sent.
  GLASSTLS_TRY(cx.flush_handshake());
  if (!session_id.empty() && !cx.tls13.ccs_sent) {
    send_ccs(cx);
  }
  return Ok{};
}

// HandshakeKeys: the schedule after the (EC)DHE secret, and both handshake traffic secrets.
struct HandshakeKeys {
  handshake::HandshakeSchedule schedule;
  Secret client_hs;
  Secret server_hs;
};

// derive_handshake_keys derives the handshake traffic secrets from the shared secret and the
// transcript through ServerHello, logs them, and installs them in both directions.
Result<HandshakeKeys> derive_handshake_keys(Context& cx, const handshake::Transcript& transcript,
                                            handshake::EarlySchedule early,
                                            ByteView shared_secret) {
  Bytes th = transcript.current();
  GLASSTLS_ASSIGN(auto schedule, std::move(early).with_shared_secret(shared_secret));
  GLASSTLS_ASSIGN(Secret client_hs, schedule.client_handshake_traffic(th));
  GLASSTLS_ASSIGN(Secret server_hs, schedule.server_handshake_traffic(th));
  cx.log_secret("CLIENT_HANDSHAKE_TRAFFIC_SECRET", client_hs.span());
  cx.log_secret("SERVER_HANDSHAKE_TRAFFIC_SECRET", server_hs.span());
  GLASSTLS_TRY(install_write_secret(cx, server_hs.span(), "server handshake", false));
  GLASSTLS_TRY(install_read_secret(cx, client_hs.span(), "client handshake"));
  return HandshakeKeys{std::move(schedule), std::move(client_hs), std::move(server_hs)};
}

// queue_certificate queues the Certificate message: views of the configured chain (the only
// copy made is the encoding), with the OCSP staple on the leaf when it applies.
void queue_certificate(Context& cx, handshake::Transcript& transcript, const ServerChoice& choice) {
  const ServerConfig::CertifiedKey& key = *choice.certificate;
  msgs::Certificate cert_msg;
  cert_msg.entries.reserve(key.chain.size());
  for (const auto& der : key.chain) {
    cert_msg.entries.push_back({der, {}, std::nullopt});
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
  //# Implementations MUST NOT send extension responses if the remote
  //# endpoint did not send the corresponding extension requests, with the
  //# exception of the "cookie" extension in the HelloRetryRequest.
  // The staple is taken once: the reference keeps this response alive until the message is
  // encoded, however often the OcspStaple is replaced meanwhile.
  std::shared_ptr<const Bytes> staple;
  if (choice.staple_ocsp) {
    staple = key.ocsp->get();
  }
  Bytes status;
  if (staple && !staple->empty()) {
    status = msgs::encode_certificate_status(*staple);
  }
  if (!status.empty()) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.1
    //# In TLS 1.3, the server's OCSP information
    //# is carried in an extension in the CertificateEntry containing the
    //# associated certificate.
    cert_msg.entries.front().extensions.push_back({ExtensionType::status_request, status});
    cx.note(true, "stapled the OCSP response of the certificate (" +
                      std::to_string(staple->size()) + " bytes)");
  }
  queue_message(cx, transcript, msgs::encode(cert_msg));
}

// certificate_request is the CertificateRequest `config` sends.
msgs::CertificateRequest certificate_request(const ServerConfig& config) {
  msgs::CertificateRequest cr;
  cr.signature_algorithms = config.signature_schemes;
  if (!config.client_authorities.empty()) {
    cr.certificate_authorities.emplace(config.client_authorities.begin(),
                                       config.client_authorities.end());
  }
  return cr;
}

// send_finished queues the server Finished and sends the flight.
Status send_finished(Context& cx, handshake::Transcript& transcript, ByteView server_hs) {
  GLASSTLS_ASSIGN(Secret verify_data,
                  handshake::finished_verify_data(*cx.suite.hash, server_hs, transcript.current(),
                                                  cx.key_schedule_observer()));
  queue_message(cx, transcript, msgs::encode(msgs::Finished{verify_data.span()}));
  return cx.flush_handshake();
}

// send_encrypted_flight queues and sends, under the handshake keys, EncryptedExtensions,
// CertificateRequest (when the configuration asks for a client certificate), Certificate,
// CertificateVerify and Finished; a resumed handshake sends EncryptedExtensions and Finished.
Status send_encrypted_flight(Context& cx, handshake::Transcript& transcript,
                             const ServerChoice& choice, ByteView server_hs, bool resumed,
                             bool early_data) {
  const ServerConfig& config = *cx.server_config;
  {
    msgs::EncryptedExtensions ee;
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //# -  Return its own "early_data" extension in EncryptedExtensions,
    //# indicating that it intends to process the early data.
    ee.has_early_data = early_data;
    ee.server_name_acknowledged = choice.server_name_acknowledged;
    if (choice.alpn != nullptr) {
      ee.alpn = *choice.alpn;
    }
    queue_message(cx, transcript, msgs::encode(ee));
  }

  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
  //# Servers which are authenticating with a PSK MUST NOT send the
  //# CertificateRequest message in the main handshake
  // A resumed handshake authenticates with the ticket's PSK: no certificates, no signature.
  if (resumed) {
    return send_finished(cx, transcript, server_hs);
  }
  if (choice.request_client_certificate) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
    //# A server which is authenticating with a certificate MAY optionally
    //# request a certificate from the client.  This message, if sent, MUST
    //# follow EncryptedExtensions.
    queue_message(cx, transcript, msgs::encode(certificate_request(config)));
  }

  queue_certificate(cx, transcript, choice);

  {
    Bytes input = certificate_verify_input(cx, true, transcript.current());
    GLASSTLS_ASSIGN(Bytes signature, choice.certificate->key->sign(choice.scheme, input));
    cx.negotiated.own_scheme = choice.scheme;
    cx.negotiated.own_chain = &choice.certificate->chain;
    queue_message(cx, transcript, msgs::encode(msgs::CertificateVerify{choice.scheme, signature}));
  }
  return send_finished(cx, transcript, server_hs);
}

// derive_application_keys derives the application traffic and exporter secrets from the
// transcript through the server Finished, logs them, and installs the server's write key (the
// client's read key waits for its Finished).
Result<handshake::ApplicationSchedule> derive_application_keys(
    Context& cx, const handshake::Transcript& transcript, handshake::HandshakeSchedule schedule) {
  Bytes th_sf = transcript.current();
  GLASSTLS_ASSIGN(auto app, std::move(schedule).into_application());
  GLASSTLS_ASSIGN(cx.tls13.client_app_secret, app.client_application_traffic(th_sf));
  GLASSTLS_ASSIGN(cx.tls13.server_app_secret, app.server_application_traffic(th_sf));
  GLASSTLS_ASSIGN(cx.tls13.exporter_master, app.exporter_master(th_sf));
  cx.log_secret("CLIENT_TRAFFIC_SECRET_0", cx.tls13.client_app_secret.span());
  cx.log_secret("SERVER_TRAFFIC_SECRET_0", cx.tls13.server_app_secret.span());
  cx.log_secret("EXPORTER_SECRET", cx.tls13.exporter_master.span());
  GLASSTLS_TRY(
      install_write_secret(cx, cx.tls13.server_app_secret.span(), "server application", true));
  return app;
}

// Resumption is a ticket the server accepted: which identity it was, what it sealed, and the
// key schedule started from its PSK.
struct Resumption {
  uint16_t identity = 0;
  TicketState state;
  handshake::EarlySchedule early;
  // single_use: the ticket was taken from the session store (it resumes no other handshake).
  bool single_use = false;
  // psk_only: PSK-only key establishment (psk_ke): no (EC)DHE exchange, no key_share.
  bool psk_only = false;
};

// single_use_key is where a single-use ticket's state is kept in the session store: the ticket
// behind a prefix of its own, so that no TLS 1.2 session ID (seen in the clear in ClientHellos)
// names a TLS 1.3 ticket's entry, nor a ticket offered as a PSK identity a TLS 1.2 session's.
Bytes single_use_key(ByteView ticket) {
  static constexpr uint8_t kPrefix[] = {'t', 'l', 's', '1', '3', ':'};
  Bytes key(sizeof(kPrefix) + ticket.size());
  std::copy(std::begin(kPrefix), std::end(kPrefix), key.begin());
  std::copy(ticket.begin(), ticket.end(), key.begin() + sizeof(kPrefix));
  return key;
}

// ticket_text describes what a ticket holds, for the trace of the server that sealed it (only
// that server can read it): the session's parameters and its PSK.
std::string ticket_text(const TicketState& t) {
  std::string text =
      "suite " + std::string(name(t.suite)) + ", issued at " + std::to_string(t.issued_ms) +
      " ms (Unix time), valid " + std::to_string(t.lifetime_s) + " s, ticket_age_add " +
      std::to_string(t.age_add) + ", server name \"" + t.server_name + "\", ALPN " +
      (t.alpn.empty() ? std::string("none") : "\"" + t.alpn + "\"") + ", client certificate " +
      (t.client_authenticated ? "given" : "none") + ", early data " +
      (t.early_data ? "allowed" : "not allowed") + ", PSK " + to_hex(t.psk.span());
  return text;
}

// open_offered finds the state of the ticket `identity`: taken from the session store when
// this server's tickets are single-use ids, opened with the ticket keys otherwise.
std::optional<TicketState> open_offered(Context& cx, ByteView identity, bool& single_use) {
  const ServerConfig& config = *cx.server_config;
  single_use = false;
  if (config.single_use_tickets && config.session_store) {
    std::optional<Bytes> plain = config.session_store->take(single_use_key(identity));
    if (!plain) {
      return std::nullopt;
    }
    std::optional<TicketState> t = parse_ticket_state(*plain);
    secure_wipe(plain->data(), plain->size());
    if (!t || t->version != ProtocolVersion::TLSv1_3) {
      return std::nullopt;
    }
    single_use = true;
    return t;
  }
  if (!config.ticket_keys) {
    return std::nullopt;
  }
  return open_ticket(*cx.provider, *config.ticket_keys, identity);
}

// unusable says why the ticket `t` cannot resume a handshake under the suite `info` now, or
// nullopt when it can. (The client's view of the ticket's age matters for early data only.)
std::optional<std::string> unusable(const Context& cx, const TicketState& t,
                                    const SuiteInfo& info) {
  const ServerConfig& config = *cx.server_config;
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
  //# Any unknown PSKs (e.g., ones not in the PSK
  //# database or encrypted with an unknown key) SHOULD simply be ignored.
  const std::optional<SuiteInfo> ticket_suite = suite_info(*cx.provider, t.suite);
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
  //# Any ticket MUST only be resumed with a cipher suite that has the
  //# same KDF hash algorithm as that used to establish the original
  //# connection.
  if (!ticket_suite || ticket_suite->hash != info.hash) {
    return "it was made under a cipher suite with another hash";
  }
  const uint64_t now = config.clock();
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
  //# Indicates the lifetime in seconds as a 32-bit
  //# unsigned integer in network byte order from the time of ticket
  //# issuance.
  if (ticket_expired(t.issued_ms, t.lifetime_s, now)) {
    return "it has expired";
  }
  if (t.server_name != cx.negotiated.server_name) {
    return "it was issued for another server name";
  }
  if (config.client_certificate_required && !t.client_authenticated) {
    return "the configuration requires a client certificate, and none was given in the session";
  }
  return std::nullopt;
}

// try_resume looks for an offered ticket this server sealed and can resume (RFC 8446 section
// 4.2.11), and checks its binder before anything else depends on its PSK. A ticket it cannot
// open or use is ignored (a full handshake follows); a wrong binder fails with decrypt_error.
Result<std::optional<Resumption>> try_resume(const ServerExpectClientHello& s, Context& cx,
                                             const msgs::ClientHello& ch,
                                             const msgs::HandshakeMessage& m,
                                             const SuiteInfo& info) {
  const ServerConfig& config = *cx.server_config;
  if (!ch.pre_shared_key) {
    return std::optional<Resumption>();
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.9
  //# If clients offer
  //# "pre_shared_key" without a "psk_key_exchange_modes" extension,
  //# servers MUST abort the handshake.
  if (!ch.psk_key_exchange_modes) {
    return missing_extension("pre_shared_key offered without psk_key_exchange_modes");
  }
  const msgs::OfferedPsks& psks = *ch.pre_shared_key;
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
  //# Clients MUST NOT send more
  //# binders than identities
  if (psks.binders.size() != psks.identities.size()) {
    return illegal_parameter("pre_shared_key has " + std::to_string(psks.binders.size()) +
                             " binders for " + std::to_string(psks.identities.size()) +
                             " identities");
  }
  // psk_dhe_ke (1) completes an (EC)DHE exchange beside the PSK; psk_ke (0), PSK-only, is used
  // when the configuration allows it and the client offers it.
  const auto& modes = *ch.psk_key_exchange_modes;
  const bool psk_only =
      config.psk_ke && std::find(modes.begin(), modes.end(), uint8_t{0}) != modes.end();
  if (config.session_tickets == 0 ||
      (!psk_only && std::find(modes.begin(), modes.end(), uint8_t{1}) == modes.end())) {
    return std::optional<Resumption>();
  }
  // A bounded number of tickets is tried: each costs an AEAD open (or a store lookup).
  constexpr size_t kMaxTried = 4;
  for (size_t i = 0; i < psks.identities.size() && i < kMaxTried; i++) {
    bool single_use = false;
    std::optional<TicketState> t = open_offered(cx, psks.identities[i].identity, single_use);
    if (!t) {
      cx.note(false,
              "PSK identity " + std::to_string(i) + " is no ticket this server can open: ignored");
      continue;
    }
    if (auto why = unusable(cx, *t, info)) {
      cx.note(false, "ticket " + std::to_string(i) + " not resumed: " + *why);
      continue;
    }
    auto early = handshake::EarlySchedule::start_with_psk(*info.hash, t->psk.span(),
                                                          cx.key_schedule_observer());
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11.2
    //# The binder is computed as an HMAC over a transcript hash
    //# containing a partial ClientHello up to and including the
    //# PreSharedKeyExtension.identities field.
    const size_t cut = psks.binders_length();
    const ByteView partial = m.encoded.first(m.encoded.size() - cut);
    const Bytes partial_hash =
        s.after_hello_retry ? s.transcript.current_with(partial) : info.hash->digest(partial);
    GLASSTLS_ASSIGN(Secret binder, early.resumption_binder(partial_hash));
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //# Prior to accepting PSK key establishment, the server MUST validate
    //# the corresponding binder value (see Section 4.2.11.2 below).  If this
    //# value is not present or does not validate, the server MUST abort the
    //# handshake.
    if (!binder.equals(psks.binders[i])) {
      return decrypt_error("PSK binder " + std::to_string(i) + " does not match its ticket");
    }
    if (cx.tracer && cx.tracer->secrets()) {
      cx.note(false, "ticket " + std::to_string(i) + " holds: " + ticket_text(*t));
    }
    cx.note(false, "ticket " + std::to_string(i) + " accepted: the binder matches, the session " +
                       "is resumed with its PSK (and a fresh (EC)DHE exchange)");
    if (psk_only) {
      cx.note(false, "PSK-only key establishment (psk_ke): no (EC)DHE exchange this time");
    }
    return std::optional<Resumption>(Resumption{static_cast<uint16_t>(i), std::move(*t),
                                                std::move(early), single_use, psk_only});
  }
  return std::optional<Resumption>();
}

// accept_early_data decides whether the 0-RTT data the ClientHello `ch` offers is accepted
// (RFC 8446 sections 4.2.10 and 8): the first ticket resumed, under the cipher suite and ALPN
// protocol of the session, issued for early data, fresh by its age, and never seen before
// (a single-use ticket, or a binder the anti-replay store records for the first time). Any
// other case rejects it, and the handshake goes on without it.
bool accept_early_data(Context& cx, const msgs::ClientHello& ch, const Resumption* resumed,
                       const ServerChoice& choice) {
  const ServerConfig& config = *cx.server_config;
  auto reject = [&](const std::string& why) {
    cx.note(false, "0-RTT data rejected: " + why);
    return false;
  };
  if (config.max_early_data == 0) {
    return reject("this server accepts no early data");
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
  //# In order to accept early data, the server MUST have accepted a PSK
  //# cipher suite and selected the first key offered in the client's
  //# "pre_shared_key" extension.
  if (resumed == nullptr || resumed->identity != 0) {
    return reject("the first ticket offered was not resumed");
  }
  const TicketState& t = resumed->state;
  if (!t.early_data) {
    return reject("the ticket was not issued for early data");
  }
  //# In addition, it MUST verify that the
  //# following values are the same as those associated with the
  //# selected PSK:
  //#
  //# -  The TLS version number
  //#
  //# -  The selected cipher suite
  //#
  //# -  The selected ALPN [RFC7301] protocol, if any
  if (t.suite != choice.suite) {
    return reject("the session's cipher suite is not the one selected now");
  }
  if (t.alpn != (choice.alpn != nullptr ? *choice.alpn : std::string())) {
    return reject("the session's ALPN protocol is not the one selected now");
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
  //# For PSKs provisioned via NewSessionTicket, a server MUST validate
  //# that the ticket age for the selected PSK identity (computed by
  //# subtracting ticket_age_add from PskIdentity.obfuscated_ticket_age
  //# modulo 2^32) is within a small tolerance of the time since the ticket
  //# was issued (see Section 8).
  const uint32_t client_age = ch.pre_shared_key->identities[0].obfuscated_ticket_age - t.age_add;
  const uint64_t now = config.clock();
  // The age the server expects; a ticket issued by a server whose clock runs ahead (within
  // kTicketClockSkewMs) is taken as issued now.
  const uint64_t server_age = now > t.issued_ms ? now - t.issued_ms : 0;
  const uint64_t skew =
      server_age > client_age ? server_age - client_age : uint64_t{client_age} - server_age;
  if (skew > config.early_data_window_ms) {
    return reject("the ticket's age (" + std::to_string(client_age) + " ms by the client) is " +
                  std::to_string(skew) + " ms from the server's view, outside the " +
                  std::to_string(config.early_data_window_ms) + " ms window");
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-8.2
  //# If no matching ClientHello is
  //# found, then it accepts 0-RTT and then stores the ClientHello for as
  //# long as the expected_arrival_time is inside the window.
  // The key is the first binder, which the server has validated (try_resume). A ClientHello is
  // fresh within the window either side of its expected arrival; its record is kept for both sides
  // of the window, so that no replay inside it finds the record gone.
  if (!resumed->single_use) {
    const uint32_t keep_s =
        static_cast<uint32_t>((2 * uint64_t{config.early_data_window_ms} + 999) / 1000);
    if (!config.anti_replay ||
        !config.anti_replay->first_use(ch.pre_shared_key->binders[0], keep_s)) {
      return reject("this ClientHello was seen before (or the anti-replay store did not answer)");
    }
  }
  cx.note(false, "0-RTT data accepted: first ticket, same suite and ALPN, fresh (" +
                     std::to_string(skew) + " ms from the expected age), first use");
  return true;
}

// send_tickets sends the configured number of NewSessionTicket messages after a handshake,
// each a sealed TicketState whose PSK derives from the resumption master secret and the
// ticket's nonce (RFC 8446 section 4.6.1).
Status send_tickets(Context& cx, const ServerSecondFlight& s) {
  const ServerConfig& config = *cx.server_config;
  if (config.session_tickets == 0 ||
      (!config.ticket_keys && !(config.single_use_tickets && config.session_store))) {
    return Ok{};
  }
  const crypto::Hash& hash = *cx.suite.hash;
  GLASSTLS_ASSIGN(Secret res_master, s.app.resumption_master(s.transcript.current()));
  const bool client_authenticated =
      !cx.negotiated.peer_certificates.empty() || s.ticket_client_authenticated;
  for (size_t i = 0; i < config.session_tickets; i++) {
    const uint8_t nonce[1] = {static_cast<uint8_t>(i)};
    TicketState t;
    t.suite = cx.negotiated.suite;
    GLASSTLS_ASSIGN(t.psk, handshake::resumption_psk(hash, res_master.span(), ByteView(nonce, 1),
                                                     cx.key_schedule_observer()));
    t.issued_ms = config.clock();
    GLASSTLS_ASSIGN(Bytes age_add, cx.random(4));
    t.age_add = (uint32_t{age_add[0]} << 24) | (uint32_t{age_add[1]} << 16) |
                (uint32_t{age_add[2]} << 8) | age_add[3];
    t.lifetime_s = config.ticket_lifetime_s;
    t.client_authenticated = client_authenticated;
    t.server_name = cx.negotiated.server_name;
    t.alpn = cx.negotiated.alpn.value_or("");
    t.early_data = config.max_early_data > 0;
    Bytes ticket;
    const bool single_use = config.single_use_tickets && config.session_store;
    if (single_use) {
      // The ticket is a random id; the state stays with the server, taken on first use.
      GLASSTLS_ASSIGN(ticket, cx.random(32));
      GLASSTLS_ASSIGN(Bytes plain, encode_ticket_state(t));
      const bool kept = config.session_store->put(single_use_key(ticket), plain, t.lifetime_s);
      secure_wipe(plain.data(), plain.size());
      if (!kept) {
        cx.note(true, "the session store did not keep the ticket: no ticket sent");
        continue;
      }
    } else {
      GLASSTLS_ASSIGN(ticket, seal_ticket(*cx.provider, *config.ticket_keys, t));
    }
    msgs::NewSessionTicket nst;
    nst.ticket_lifetime = t.lifetime_s;
    nst.ticket_age_add = t.age_add;
    nst.ticket_nonce = ByteView(nonce, 1);
    nst.ticket = ticket;
    if (t.early_data) {
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
      //# max_early_data_size:  The maximum amount of 0-RTT data that the
      //# client is allowed to send when using this ticket, in bytes.
      nst.max_early_data_size = config.max_early_data;
    }
    if (cx.tracer && cx.tracer->secrets()) {
      cx.note(true, std::string(single_use ? "single-use ticket (an id into the session store)"
                                           : "ticket sealed under the current ticket key") +
                        ", holding: " + ticket_text(t));
    }
    cx.queue_handshake(msgs::encode(nst));
  }
  return cx.flush_handshake();
}

Result<ServerState> handle(ServerExpectClientHello&& s, Context& cx,
                           const msgs::HandshakeMessage& m) {
  if (m.type != HandshakeType::client_hello) {
    return unexpected_message("expected ClientHello, got " + message_name(m.type));
  }
  GLASSTLS_ASSIGN(msgs::ClientHello ch, msgs::parse_client_hello(m.body));
  if (!s.after_hello_retry) {
    GLASSTLS_ASSIGN(const ProtocolVersion version, choose_version(ch, *cx.server_config));
    if (version == ProtocolVersion::TLSv1_2) {
      const Supported supported(*cx.provider, *cx.server_config);
      return tls12_client_hello(cx, m, ch, supported.support());
    }
  }
  GLASSTLS_ASSIGN(const ServerChoice choice, negotiate_hello(s, cx, ch));
  // Checked by negotiate() against ProviderSupport.
  const SuiteInfo info = *suite_info(*cx.provider, choice.suite);
  if (choice.hello_retry_group) {
    s.transcript.add(m.encoded);
    if (choice.early_data_offered) {
      // 0-RTT records may follow this ClientHello; they are skipped until the second one.
      cx.record.skip_early_data(true);
      cx.tls13.early_status = EarlyDataStatus::kRejected;
    }
    return send_hello_retry(std::move(s), cx, ch, choice.suite, *choice.hello_retry_group, info);
  }
  GLASSTLS_ASSIGN(std::optional<Resumption> resumed, try_resume(s, cx, ch, m, info));
  const bool early_data =
      choice.early_data_offered && accept_early_data(cx, ch, resumed ? &*resumed : nullptr, choice);
  KeyExchangeDone kx;
  if (resumed && resumed->psk_only) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-7.1
    //# If a given secret is not available, then the 0-value consisting of a
    //# string of Hash.length bytes set to zeros is used.
    kx.shared = Secret(info.hash->output_len());
  } else {
    GLASSTLS_ASSIGN(kx, complete_key_exchange(cx, choice.key_share));
  }
  adopt_choice(cx, choice, info, ch.random);
  if (resumed && resumed->psk_only) {
    cx.negotiated.group = NamedGroup{};
  }
  cx.negotiated.resumed = resumed.has_value();
  // A view into `m`, which outlives this handler.
  const ByteView session_id = ch.legacy_session_id;
  // Nothing else of the ClientHello is needed: its parsed lists (extensions, suites, groups,
  // schemes, shares) are freed before the flight is built, where the handshake's heap peaks.
  ch = msgs::ClientHello{};

  s.transcript.start(*info.hash);
  s.transcript.add(m.encoded);
  std::optional<uint16_t> selected_identity;
  if (resumed) {
    selected_identity = resumed->identity;
  }
  Secret client_early;
  if (early_data) {
    const Bytes hello_hash = s.transcript.current();
    GLASSTLS_ASSIGN(client_early, resumed->early.client_early_traffic(hello_hash));
    GLASSTLS_ASSIGN(cx.tls13.early_exporter_master,
                    resumed->early.early_exporter_master(hello_hash));
    cx.log_secret("CLIENT_EARLY_TRAFFIC_SECRET", client_early.span());
    cx.log_secret("EARLY_EXPORTER_SECRET", cx.tls13.early_exporter_master.span());
  }
  GLASSTLS_TRY(send_server_hello(cx, s.transcript, choice, session_id, std::move(kx.own),
                                 selected_identity));
  GLASSTLS_ASSIGN(HandshakeKeys keys,
                  derive_handshake_keys(cx, s.transcript,
                                        resumed ? std::move(resumed->early)
                                                : handshake::EarlySchedule::start(
                                                      *cx.suite.hash, cx.key_schedule_observer()),
                                        kx.shared.span()));
  if (early_data) {
    // The client's 0-RTT records come first, under its early traffic key, up to its
    // EndOfEarlyData; they reach the application through Connection::read_early_data().
    GLASSTLS_TRY(install_read_secret(cx, client_early.span(), "client early"));
    cx.tls13.early_status = EarlyDataStatus::kAccepted;
    cx.tls13.early_suite = choice.suite;
    cx.tls13.early_open = true;
    cx.tls13.early_room = cx.server_config->max_early_data;
  } else if (choice.early_data_offered) {
    // EncryptedExtensions will not carry early_data, and 0-RTT records the client sent after its
    // ClientHello are skipped (RFC 8446 section 4.2.10).
    cx.record.skip_early_data(false);
    cx.tls13.early_status = EarlyDataStatus::kRejected;
  }
  GLASSTLS_TRY(send_encrypted_flight(cx, s.transcript, choice, keys.server_hs.span(),
                                     resumed.has_value(), early_data));
  GLASSTLS_ASSIGN(auto app, derive_application_keys(cx, s.transcript, std::move(keys.schedule)));

  ServerSecondFlight await{std::move(s.transcript), std::move(keys.client_hs), std::move(app),
                           resumed && resumed->state.client_authenticated};
  if (early_data) {
    return ServerState(ServerExpectEndOfEarlyData{std::move(await)});
  }
  if (choice.request_client_certificate && !resumed) {
    return ServerState(ServerExpectCertificate{std::move(await)});
  }
  return ServerState(ServerExpectFinished{std::move(await)});
}

Result<ServerState> handle(ServerExpectEndOfEarlyData&& s, Context& cx,
                           const msgs::HandshakeMessage& m) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.5
  //# If the server sent an "early_data" extension in EncryptedExtensions,
  //# the client MUST send an EndOfEarlyData message after receiving the
  //# server Finished.
  if (m.type != HandshakeType::end_of_early_data) {
    return unexpected_message("expected EndOfEarlyData after accepted 0-RTT data, got " +
                              message_name(m.type));
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.5
  //# struct {} EndOfEarlyData;
  if (!m.body.empty()) {
    return decode_error("EndOfEarlyData is not empty");
  }
  s.await.transcript.add(m.encoded);
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.5
  //# This message indicates that all 0-RTT
  //# application_data messages, if any, have been transmitted and that the
  //# following records are protected under handshake traffic keys.
  GLASSTLS_TRY(install_read_secret(cx, s.await.client_hs.span(), "client handshake"));
  cx.read_key_changed = true;
  cx.tls13.early_open = false;
  return ServerState(ServerExpectFinished{std::move(s.await)});
}

Result<ServerState> handle(ServerExpectCertificate&& s, Context& cx,
                           const msgs::HandshakeMessage& m) {
  if (m.type != HandshakeType::certificate) {
    return unexpected_message("expected client Certificate, got " + message_name(m.type));
  }
  GLASSTLS_ASSIGN(msgs::Certificate cert, msgs::parse_certificate(m.body));
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
  //# certificate_request_context:  If this message is in response to a
  //# CertificateRequest, the value of certificate_request_context in that
  //# message.
  if (!cert.certificate_request_context.empty()) {
    return illegal_parameter(
        "client Certificate has a certificate_request_context we did not send");
  }
  const ServerConfig& config = *cx.server_config;
  s.await.transcript.add(m.encoded);
  if (cert.entries.empty()) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.4
    //# If the client does not send any certificates (i.e., it sends an empty
    //# Certificate message), the server MAY at its discretion either
    //# continue the handshake without client authentication or abort the
    //# handshake with a "certificate_required" alert.
    if (config.client_certificate_required) {
      return make_error(ErrorKind::kPeerIncompatible, AlertDescription::certificate_required,
                        "the client sent no certificate and one is required");
    }
    return ServerState(ServerExpectFinished{std::move(s.await)});
  }
  // What the CertificateRequest carried, from the configuration that built it (not kept in
  // the state: a client certificate is rare, a byte of state per connection is not).
  std::vector<ExtensionType> requested;
  (void)msgs::encode(certificate_request(config), &requested);
  std::vector<Bytes> chain;
  for (const auto& entry : cert.entries) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
    //# Extensions in
    //# the Certificate message from the client MUST correspond to
    //# extensions in the CertificateRequest message from the server.
    // (Extensions that may not appear in a Certificate at all were refused by the parser.)
    if (auto t = msgs::first_unsolicited(entry.extensions, requested,
                                         msgs::ExtensionContext::kCertificate)) {
      return unsupported_extension("client certificate entry carries unsolicited extension " +
                                   msgs::extension_label(*t));
    }
    chain.emplace_back(entry.cert_data.begin(), entry.cert_data.end());
  }
  GLASSTLS_ASSIGN(x509::Certificate leaf, x509::parse_certificate(chain.front()));
  Bytes spki(leaf.spki.begin(), leaf.spki.end());
  GLASSTLS_TRY(config.client_verifier->verify(chain, {}));
  cx.negotiated.peer_certificates = std::move(chain);
  return ServerState(ServerExpectCertificateVerify{std::move(s.await), CertVerified::assertion(),
                                                   std::move(spki)});
}

Result<ServerState> handle(ServerExpectCertificateVerify&& s, Context& cx,
                           const msgs::HandshakeMessage& m) {
  if (m.type != HandshakeType::certificate_verify) {
    return unexpected_message("expected client CertificateVerify, got " + message_name(m.type));
  }
  GLASSTLS_ASSIGN(msgs::CertificateVerify cv, msgs::parse_certificate_verify(m.body));
  if (cv.signature.empty()) {
    return decrypt_error("client CertificateVerify signature is empty");
  }
  const auto& offered = cx.server_config->signature_schemes;
  if (std::find(offered.begin(), offered.end(), cv.scheme) == offered.end()) {
    return illegal_parameter("client CertificateVerify uses a scheme the server did not offer");
  }
  Bytes input = certificate_verify_input(cx, false, s.await.transcript.current());
  // TLS 1.3's rules: no RSASSA-PKCS1-v1_5, ECDSA bound to its curve (RFC 8446 section 4.2.3).
  GLASSTLS_TRY(cx.provider->verifier->verify_handshake(crypto::SignatureRules::kTls13, cv.scheme,
                                                       s.leaf_spki, input, cv.signature));
  cx.negotiated.peer_scheme = cv.scheme;
  s.await.transcript.add(m.encoded);
  return ServerState(ServerExpectFinished{std::move(s.await)});
}

Result<ServerState> handle(ServerExpectFinished&& f, Context& cx, const msgs::HandshakeMessage& m) {
  if (m.type != HandshakeType::finished) {
    return unexpected_message("expected client Finished, got " + message_name(m.type));
  }
  ServerSecondFlight& s = f.await;
  const crypto::Hash& hash = *cx.suite.hash;
  GLASSTLS_ASSIGN(msgs::Finished fin, msgs::parse_finished(m.body, hash.output_len()));
  GLASSTLS_ASSIGN(Secret expected,
                  handshake::finished_verify_data(hash, s.client_hs.span(), s.transcript.current(),
                                                  cx.key_schedule_observer()));
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4
  //# Recipients of Finished messages MUST verify that the contents are
  //# correct and if incorrect MUST terminate the connection with a
  //# "decrypt_error" alert.
  if (!expected.equals(fin.verify_data)) {
    return decrypt_error("client Finished verify_data is wrong");
  }
  cx.note(false,
          "client Finished verified: HMAC(finished_key from client_handshake_traffic_secret, "
          "transcript hash) matches");
  s.transcript.add(m.encoded);
  GLASSTLS_TRY(install_read_secret(cx, cx.tls13.client_app_secret.span(), "client application"));
  cx.read_app_keys = true;
  cx.handshake_done = true;
  GLASSTLS_TRY(send_tickets(cx, s));
  return ServerState(ServerConnected{});
}

Result<ServerState> handle(ServerTls12&&, Context&, const msgs::HandshakeMessage&) {
  return internal_error("TLS 1.2 state reached the TLS 1.3 dispatch");
}

Result<ServerState> handle(ServerConnected&&, Context&, const msgs::HandshakeMessage& m) {
  return unexpected_message("unexpected " + message_name(m.type) + " after the handshake");
}

}  // namespace

ServerState server_start() { return ServerState(ServerExpectClientHello{}); }

Result<ServerState> server_handle(ServerState&& state, Context& cx,
                                  const msgs::HandshakeMessage& m) {
  if (auto* t = std::get_if<ServerTls12>(&state)) {
    return tls12_server_handle(std::move(*t), cx, m);
  }
  return std::visit([&](auto&& s) -> Result<ServerState> { return handle(std::move(s), cx, m); },
                    std::move(state));
}

Result<ServerState> server_change_cipher_spec(ServerState&& state, Context& cx, ByteView fragment) {
  if (auto* t = std::get_if<ServerTls12>(&state)) {
    return tls12_server_change_cipher_spec(std::move(*t), cx, fragment);
  }
  return unexpected_message("change_cipher_spec record in a state that expects none");
}

}  // namespace glasstls::conn
