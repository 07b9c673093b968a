// tls13.cc: the TLS 1.3 client handshake (RFC 8446 section 2, figure 1).
//
//   ClientHello            -->
//                          <--  ServerHello (or HelloRetryRequest, then ClientHello again)
//                               {EncryptedExtensions}
//                               {CertificateRequest*}
//                               {Certificate}
//                               {CertificateVerify}
//                               {Finished}
//   [ChangeCipherSpec]
//   {Certificate*}
//   {CertificateVerify*}
//   {Finished}             -->
#include <algorithm>
#include <cstdio>
#include <string>

#include "client/tls12.h"
#include "client/tls13.h"
#include "conn/tls13_keys.h"
#include "msgs/extensions.h"
#include "x509/certificate.h"
#include "x509/names.h"

namespace glasstls::conn {

namespace {

// asks_for_ocsp_staple says whether the ClientHello carries status_request: the verifier wants
// a staple (a client that accepts any certificate has no verifier to give it to).
bool asks_for_ocsp_staple(const ClientConfig& config) {
  return !config.accept_any_certificate && config.verifier && config.verifier->wants_ocsp_staple();
}

// build_client_hello encodes a ClientHello from the configuration with the given shares and
// cookie, records the extensions it offered (every one the encoder wrote, the list that the
// answers are checked against), and returns the encoded message.
// With `psk`, the ClientHello offers that session's ticket in pre_shared_key, last, with a binder
// of zeros that fill_binder then replaces. With `tls12_session`, it offers that TLS 1.2
// session's ticket in session_ticket (its session ID is `session_id`).
Bytes build_client_hello(Context& cx, ByteView session_id,
                         const std::vector<std::unique_ptr<crypto::KeyExchange>>& shares,
                         ByteView cookie, std::vector<ExtensionType>& offered,
                         const StoredSession* psk = nullptr,
                         const StoredSession* tls12_session = nullptr, bool early_data = false) {
  const ClientConfig& config = *cx.client_config;
  const bool tls13 = offers_tls13(config);
  const bool tls12 = offers_tls12(config);
  msgs::ClientHello ch;
  ch.random = cx.client_random;
  ch.legacy_session_id = session_id;
  // The suites of the versions offered, in the configured order.
  bool ecdhe = false;
  bool cbc = false;
  for (CipherSuite c : config.cipher_suites) {
    const crypto::SuiteRow* row = crypto::find_suite(c);
    if ((row->version == ProtocolVersion::TLSv1_3 && tls13) ||
        (row->version == ProtocolVersion::TLSv1_2 && tls12)) {
      ch.cipher_suites.push_back(c);
      ecdhe =
          ecdhe || (row->version == ProtocolVersion::TLSv1_2 && row->kx == crypto::SuiteKx::kEcdhe);
      cbc = cbc || row->protection == crypto::Protection::kCbcHmac;
    }
  }
  static const uint8_t kNullCompression[1] = {0};
  ch.legacy_compression_methods = ByteView(kNullCompression, 1);
  // RFC 6066 section 3: "Literal IPv4 and IPv6 addresses are not permitted in "HostName"."
  if (!cx.negotiated.server_name.empty() &&
      !x509::parse_ip_literal(cx.negotiated.server_name).has_value()) {
    ch.server_name = cx.negotiated.server_name;
  }
  if (asks_for_ocsp_staple(config)) {
    // ocsp, with an empty responder_id_list ("the responders are implicitly known to the
    // server") and no request_extensions.
    ch.status_request = msgs::CertificateStatusRequest{};
  }
  ch.supported_groups = config.groups;
  ch.signature_algorithms = config.signature_schemes;
  if (!config.alpn.empty()) {
    std::vector<std::string_view> names(config.alpn.begin(), config.alpn.end());
    ch.alpn = std::move(names);
  }
  if (tls12) {
    //= https://www.rfc-editor.org/rfc/rfc7627#section-5.1
    //# In its ClientHello message, a client implementing this document MUST
    //# send the "extended_master_secret" extension if it wishes to use the
    //# new handshake.
    ch.extended_master_secret = true;
    //= https://www.rfc-editor.org/rfc/rfc5746#section-3.4
    //# o  The client MUST include either an empty "renegotiation_info"
    //#    extension, or the TLS_EMPTY_RENEGOTIATION_INFO_SCSV signaling
    //#    cipher suite value in the ClientHello.
    ch.renegotiation_info = ByteView();
    if (ecdhe) {
      //= https://www.rfc-editor.org/rfc/rfc8422#section-5.1.2
      //# If the client sends the extension and the extension does not contain
      //# the uncompressed point format
      // glasstls sends it, with the uncompressed format only (the only one RFC 8422 keeps).
      ch.ec_point_formats = std::vector<uint8_t>{0};
    }
    //= https://www.rfc-editor.org/rfc/rfc7366#section-2
    //# The use of encrypt-then-MAC is negotiated via TLS/DTLS extensions as
    //# defined in TLS [2].
    ch.encrypt_then_mac = cbc;
    if (config.session_store) {
      //= https://www.rfc-editor.org/rfc/rfc5077#section-3.1
      //# The client indicates that it supports this mechanism by including a
      //# SessionTicket TLS extension in the ClientHello message.  The
      //# extension will be empty if the client does not already possess a
      //# ticket for the server.
      ch.session_ticket = true;
      if (tls12_session != nullptr) {
        ch.session_ticket_data = tls12_session->ticket;
      }
    }
  }
  if (tls13) {
    // TLS 1.3 first, then TLS 1.2 if offered. A client offering TLS 1.2 only sends no
    // supported_versions: legacy_version says it all.
    ch.supported_versions =
        tls12 ? std::vector<uint16_t>{0x0304, 0x0303} : std::vector<uint16_t>{0x0304};
    std::vector<msgs::KeyShareEntry> entries;
    for (const auto& kx : shares) {
      entries.push_back({kx->group(), kx->public_key()});
    }
    ch.key_shares = std::move(entries);
    // psk_dhe_ke (1) lets the server send tickets; psk_ke (0), PSK-only resumption, is offered
    // beside it only when configured.
    ch.psk_key_exchange_modes =
        config.psk_ke ? std::vector<uint8_t>{1, 0} : std::vector<uint8_t>{1};
    if (!cookie.empty()) {
      ch.cookie = cookie;
    }
  }
  Bytes zeros;
  if (psk != nullptr && tls13) {
    const auto info = suite_info(*cx.provider, psk->suite);
    zeros.assign(info->hash->output_len(), 0);
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11.1
    //# The "obfuscated_ticket_age"
    //# field of each PskIdentity contains an obfuscated version of the
    //# ticket age formed by taking the age in milliseconds and adding the
    //# "ticket_age_add" value that was included with the ticket
    //# (see Section 4.6.1), modulo 2^32.
    const uint64_t now = config.clock();
    const uint64_t age = now > psk->received_ms ? now - psk->received_ms : 0;
    msgs::OfferedPsks offer;
    offer.identities.push_back({psk->ticket, static_cast<uint32_t>(age + psk->age_add)});
    offer.binders.push_back(zeros);
    ch.pre_shared_key = std::move(offer);
    ch.has_early_data = early_data;
  }
  offered.clear();
  return msgs::encode(ch, {}, &offered);
}

// fill_binder computes the binder of the PSK a ClientHello offers (build_client_hello with
// `psk`) over the hello up to its binders, after `prior` (the transcript of ClientHello1 and
// the HelloRetryRequest) when there is one, and writes it in place of the zeros.
Status fill_binder(Context& cx, Bytes& hello, const StoredSession& psk,
                   const handshake::Transcript* prior) {
  const auto info = suite_info(*cx.provider, psk.suite);
  const size_t len = info->hash->output_len();
  // The binders list is the hello's end: 2-byte length, 1-byte length, the binder.
  const size_t cut = 2 + 1 + len;
  if (hello.size() < cut) {
    return internal_error("ClientHello shorter than its binders");
  }
  const ByteView partial = ByteView(hello).first(hello.size() - cut);
  const Bytes partial_hash =
      prior != nullptr ? prior->current_with(partial) : info->hash->digest(partial);
  auto early = handshake::EarlySchedule::start_with_psk(*info->hash, psk.psk.span(),
                                                        cx.key_schedule_observer());
  GLASSTLS_ASSIGN(Secret binder, early.resumption_binder(partial_hash));
  std::copy(binder.span().begin(), binder.span().end(), hello.end() - static_cast<long>(len));
  return Ok{};
}

// take_session takes a session of the store to offer to this server, if one can be: not
// expired, of a version this configuration offers (a TLS 1.2 session is never offered to
// resume TLS 1.3, nor the reverse), and made under a suite of that version this configuration
// offers and its provider has.
std::optional<StoredSession> take_session(Context& cx) {
  const ClientConfig& config = *cx.client_config;
  const bool tls13 = offers_tls13(config);
  const bool tls12 = offers_tls12(config);
  if (!config.session_store || cx.negotiated.server_name.empty() || (!tls13 && !tls12)) {
    return std::nullopt;
  }
  for (;;) {
    std::optional<StoredSession> s = config.session_store->take(cx.negotiated.server_name);
    if (!s) {
      return std::nullopt;
    }
    const uint64_t now = config.clock();
    const bool fresh =
        now >= s->received_ms && now - s->received_ms < uint64_t{s->lifetime_s} * 1000;
    const auto& suites = config.cipher_suites;
    const crypto::SuiteRow* row = crypto::find_suite(s->suite);
    const bool version_ok = s->version == ProtocolVersion::TLSv1_3
                                ? tls13
                                : s->version == ProtocolVersion::TLSv1_2 && tls12;
    const bool suite_ok = version_ok &&
                          std::find(suites.begin(), suites.end(), s->suite) != suites.end() &&
                          row != nullptr && row->version == s->version &&
                          suite_info(*cx.provider, s->suite).has_value();
    if (fresh && suite_ok) {
      return s;
    }
  }
}

// offers_early_data says whether the ClientHello that offers `psk` also offers 0-RTT data: the
// configuration asks for it and the ticket allows it, under an ALPN protocol still offered.
bool offers_early_data(const ClientConfig& config, const StoredSession& psk) {
  if (!config.early_data || psk.max_early_data == 0) {
    return false;
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
  //# -  The selected ALPN [RFC7301] protocol, if any
  return !psk.alpn ||
         std::find(config.alpn.begin(), config.alpn.end(), *psk.alpn) != config.alpn.end();
}

// start_early_data derives the client early traffic secret of `psk` over the ClientHello
// `hello` and installs it as the write key: what write_early_data() sends goes under it, right
// behind the ClientHello (RFC 8446 section 2.3).
Status start_early_data(Context& cx, const StoredSession& psk, ByteView hello) {
  const auto info = suite_info(*cx.provider, psk.suite);
  //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.4
  //# If offering early data, the record is placed immediately after the
  //# first ClientHello.
  if (cx.client_config->compatibility_mode && !cx.tls13.ccs_sent) {
    send_ccs(cx);
  }
  auto early = handshake::EarlySchedule::start_with_psk(*info->hash, psk.psk.span(),
                                                        cx.key_schedule_observer());
  const Bytes hello_hash = info->hash->digest(hello);
  GLASSTLS_ASSIGN(Secret client_early, early.client_early_traffic(hello_hash));
  GLASSTLS_ASSIGN(cx.tls13.early_exporter_master, early.early_exporter_master(hello_hash));
  cx.log_secret("CLIENT_EARLY_TRAFFIC_SECRET", client_early.span());
  cx.log_secret("EARLY_EXPORTER_SECRET", cx.tls13.early_exporter_master.span());
  GLASSTLS_TRY(install_write_secret(cx, client_early.span(), "client early", true));
  cx.tls13.early_status = EarlyDataStatus::kOffered;
  cx.tls13.early_suite = psk.suite;
  cx.tls13.early_open = true;
  cx.tls13.early_room = psk.max_early_data;
  cx.note(true, "0-RTT offered: up to " + std::to_string(psk.max_early_data) +
                    " bytes of early data may follow under the client early traffic key");
  return Ok{};
}

// early_data_rejected notes that the server will not read the early data: no more is sent.
void early_data_rejected(Context& cx, const char* why) {
  cx.tls13.early_status = EarlyDataStatus::kRejected;
  cx.tls13.early_open = false;
  cx.note(false, std::string("0-RTT data rejected: ") + why);
}

Result<ClientState> handle_hello_retry(ClientExpectServerHello&& s, Context& cx,
                                       const msgs::HandshakeMessage& m,
                                       const msgs::ServerHello& hrr, const SuiteInfo& suite) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
  //# If a client receives a second
  //# HelloRetryRequest in the same connection (i.e., where the ClientHello
  //# was itself in response to a HelloRetryRequest), it MUST abort the
  //# handshake with an "unexpected_message" alert.
  if (s.after_hello_retry) {
    return unexpected_message("second HelloRetryRequest");
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
  //# Upon receiving such an extension, an endpoint MUST abort the handshake
  //# with an "unsupported_extension" alert.
  if (auto t = msgs::first_unsolicited(hrr.extensions, s.offered,
                                       msgs::ExtensionContext::kHelloRetryRequest)) {
    return unsupported_extension("HelloRetryRequest carries extension " +
                                 std::to_string(static_cast<int>(*t)));
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
  //# Clients MUST abort the handshake with an
  //# "illegal_parameter" alert if the HelloRetryRequest would not result
  //# in any change in the ClientHello.
  if (!hrr.selected_group && !hrr.cookie) {
    return illegal_parameter("HelloRetryRequest asks for no change");
  }
  std::vector<std::unique_ptr<crypto::KeyExchange>> shares;
  if (hrr.selected_group) {
    NamedGroup g = *hrr.selected_group;
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
    //# Upon receipt of this extension in a HelloRetryRequest, the client
    //# MUST verify that (1) the selected_group field corresponds to a group
    //# which was provided in the "supported_groups" extension in the
    //# original ClientHello and (2) the selected_group field does not
    //# correspond to a group which was provided in the "key_share" extension
    //# in the original ClientHello.  If either of these checks fails, then
    //# the client MUST abort the handshake with an "illegal_parameter"
    //# alert.
    const auto& groups = cx.client_config->groups;
    if (std::find(groups.begin(), groups.end(), g) == groups.end()) {
      return illegal_parameter("HelloRetryRequest selected a group that was not offered");
    }
    for (const auto& kx : s.shares) {
      if (kx->group() == g) {
        return illegal_parameter("HelloRetryRequest selected a group already given a key share");
      }
    }
    const crypto::KxGroup* impl = cx.provider->group(g);
    if (impl == nullptr) {
      return internal_error("no implementation for an offered group");
    }
    GLASSTLS_ASSIGN(auto kx, impl->start());
    shares.push_back(std::move(kx));
  } else {
    shares = std::move(s.shares);
  }
  cx.negotiated.hello_retry_request = true;
  s.transcript.start(*suite.hash);
  s.transcript.hello_retry_rollup();
  s.transcript.add(m.encoded);

  Bytes cookie = hrr.cookie ? Bytes(hrr.cookie->begin(), hrr.cookie->end()) : Bytes{};
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
  //# In addition, in its updated ClientHello, the client SHOULD NOT offer
  //# any pre-shared keys associated with a hash other than that of the
  //# selected cipher suite.
  if (s.psk && suite_info(*cx.provider, s.psk->suite)->hash != suite.hash) {
    s.psk.reset();
  }
  if (cx.tls13.early_status == EarlyDataStatus::kOffered) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //# A client MUST NOT include the
    //# "early_data" extension in its followup ClientHello.
    early_data_rejected(cx, "the server asked for another ClientHello");
    // The second ClientHello goes in the clear, as the first did.
    cx.record.set_write_protector(record::RecordProtector{});
  }
  std::vector<ExtensionType> offered;
  Bytes ch2 =
      build_client_hello(cx, s.session_id, shares, cookie, offered, s.psk ? &*s.psk : nullptr,
                         s.tls12_session ? &*s.tls12_session : nullptr);
  if (s.psk) {
    GLASSTLS_TRY(fill_binder(cx, ch2, *s.psk, &s.transcript));
  }
  s.transcript.add(ch2);
  //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.4
  //# If not offering early data, the client sends a dummy
  //# change_cipher_spec record (see the third paragraph of Section 5)
  //# immediately before its second flight.  This may either be before
  //# its second ClientHello or before its encrypted handshake flight.
  if (cx.client_config->compatibility_mode && !cx.tls13.ccs_sent) {
    send_ccs(cx);
  }
  cx.queue_handshake(ch2);
  GLASSTLS_TRY(cx.flush_handshake());

  ClientExpectServerHello next;
  next.shares = std::move(shares);
  next.transcript = std::move(s.transcript);
  next.session_id = std::move(s.session_id);
  next.after_hello_retry = true;
  next.hello_retry_suite = hrr.cipher_suite;
  next.cookie = std::move(cookie);
  next.offered = std::move(offered);
  next.psk = std::move(s.psk);
  next.tls12_session = std::move(s.tls12_session);
  return ClientState(std::move(next));
}

Result<ClientState> handle(ClientExpectServerHello&& s, Context& cx,
                           const msgs::HandshakeMessage& m) {
  if (m.type != HandshakeType::server_hello) {
    return unexpected_message("expected ServerHello, got " + message_name(m.type));
  }
  GLASSTLS_ASSIGN(msgs::ServerHello sh, msgs::parse_server_hello(m.body));

  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1
  //# If the "supported_versions" extension in the ServerHello contains a
  //# version not offered by the client or contains a version prior to
  //# TLS 1.3, the client MUST abort the handshake with an
  //# "illegal_parameter" alert.
  const ClientConfig& config = *cx.client_config;
  if (!sh.selected_version) {
    // A TLS 1.2 ServerHello (or older): legacy_version is the version.
    if (!s.after_hello_retry && sh.legacy_version == 0x0303 && offers_tls12(config)) {
      return tls12_server_hello(std::move(s), cx, m, std::move(sh));
    }
    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.1
    //# If the version chosen by the server is not supported by the client
    //# (or is not acceptable), the client MUST abort the handshake with a
    //# "protocol_version" alert.
    return make_error(ErrorKind::kPeerIncompatible, AlertDescription::protocol_version,
                      "server chose " + version_text(sh.legacy_version) +
                          (offers_tls12(config) ? ", which glasstls does not speak"
                                                : ", and this client offers TLS 1.3 only"));
  }
  if (*sh.selected_version != 0x0304 || !offers_tls13(config)) {
    return illegal_parameter("server selected a version that was not offered");
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.5
  //# Any endpoint
  //# receiving a Hello message with ClientHello.legacy_version or
  //# ServerHello.legacy_version set to 0x0300 MUST abort the handshake
  //# with a "protocol_version" alert.
  if (sh.legacy_version <= 0x0300) {
    return make_error(ErrorKind::kPeerIncompatible, AlertDescription::protocol_version,
                      "ServerHello legacy_version is SSL 3.0 or older");
  }
  if (sh.legacy_version != 0x0303) {
    return illegal_parameter("ServerHello legacy_version is not 0x0303");
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
  //# A client which receives a legacy_session_id_echo field that does not match what it sent
  //# in the ClientHello MUST abort the handshake with an "illegal_parameter" alert.
  if (!std::equal(sh.legacy_session_id_echo.begin(), sh.legacy_session_id_echo.end(),
                  s.session_id.begin(), s.session_id.end())) {
    return illegal_parameter("legacy_session_id_echo does not match the ClientHello");
  }
  //# A client which receives a cipher suite that was not offered MUST abort the handshake
  //# with an "illegal_parameter" alert.
  const auto& suites = cx.client_config->cipher_suites;
  if (std::find(suites.begin(), suites.end(), sh.cipher_suite) == suites.end()) {
    return illegal_parameter("server selected a cipher suite that was not offered");
  }
  auto suite = suite_info(*cx.provider, sh.cipher_suite);
  if (!suite) {
    return internal_error("offered cipher suite has no implementation");
  }
  if (sh.is_hello_retry_request) {
    return handle_hello_retry(std::move(s), cx, m, sh, *suite);
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
  //# Upon receiving
  //# the ServerHello, clients MUST check that the cipher suite supplied in
  //# the ServerHello is the same as that in the HelloRetryRequest and
  //# otherwise abort the handshake with an "illegal_parameter" alert.
  if (s.after_hello_retry && sh.cipher_suite != s.hello_retry_suite) {
    return illegal_parameter("ServerHello cipher suite differs from the HelloRetryRequest's");
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
  //# Upon receiving such an extension, an endpoint MUST abort the handshake
  //# with an "unsupported_extension" alert.
  if (auto t =
          msgs::first_unsolicited(sh.extensions, s.offered, msgs::ExtensionContext::kServerHello)) {
    return unsupported_extension("ServerHello carries unsolicited extension " +
                                 std::to_string(static_cast<int>(*t)));
  }
  const bool resumed = sh.selected_identity.has_value();
  // psk_only: the server resumed with PSK-only key establishment (psk_ke), which only a
  // client that offered it accepts.
  const bool psk_only = !sh.key_share && resumed && config.psk_ke;
  if (!sh.key_share && !psk_only) {
    return missing_extension(
        resumed ? "ServerHello resumes without a key_share, and psk_ke was not offered"
                : "ServerHello has no key_share");
  }
  if (resumed) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //# Clients MUST verify that the server's selected_identity is within the
    //# range supplied by the client, that the server selected a cipher suite
    //# indicating a Hash associated with the PSK, and that a server
    //# "key_share" extension is present if required by the ClientHello
    //# "psk_key_exchange_modes" extension.  If these values are not
    //# consistent, the client MUST abort the handshake with an
    //# "illegal_parameter" alert.
    if (!s.psk || *sh.selected_identity != 0) {
      return illegal_parameter("ServerHello selected a PSK identity that was not offered");
    }
    if (suite_info(*cx.provider, s.psk->suite)->hash != suite->hash) {
      return illegal_parameter("server resumed a PSK under a cipher suite with another hash");
    }
  }
  Secret shared;
  if (psk_only) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-7.1
    //# If a given secret is not available, then the 0-value consisting of a
    //# string of Hash.length bytes set to zeros is used.
    shared = Secret(suite->hash->output_len());
  } else {
    crypto::KeyExchange* ours = nullptr;
    for (auto& kx : s.shares) {
      if (kx->group() == sh.key_share->group) {
        ours = kx.get();
      }
    }
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
    //# If using (EC)DHE key establishment, servers offer exactly one
    //# KeyShareEntry in the ServerHello.  This value MUST be in the same
    //# group as the KeyShareEntry value offered by the client that the
    //# server has selected for the negotiated key exchange.
    if (ours == nullptr) {
      return illegal_parameter("server key share is for a group the client did not share");
    }
    GLASSTLS_ASSIGN(shared, ours->complete(sh.key_share->key_exchange));
    if (cx.tracer) {
      cx.tracer->key_step(
          "(EC)DHE shared secret",
          std::string(name(sh.key_share->group)) + "(client private key, server key_share)",
          sh.key_share->key_exchange, {}, shared.span());
    }
  }

  cx.suite = *suite;
  cx.negotiated.version = ProtocolVersion::TLSv1_3;
  cx.negotiated.suite = sh.cipher_suite;
  cx.negotiated.group = psk_only ? NamedGroup{} : sh.key_share->group;
  s.transcript.start(*suite->hash);
  s.transcript.add(m.encoded);
  Bytes th = s.transcript.current();

  auto early = resumed ? handshake::EarlySchedule::start_with_psk(*suite->hash, s.psk->psk.span(),
                                                                  cx.key_schedule_observer())
                       : handshake::EarlySchedule::start(*suite->hash, cx.key_schedule_observer());
  if (resumed) {
    cx.negotiated.resumed = true;
    cx.note(false, psk_only ? "server accepted the offered ticket: the session is resumed with "
                              "its PSK alone (psk_ke, no (EC)DHE exchange), and no certificate "
                              "follows"
                            : "server accepted the offered ticket: the session is resumed with "
                              "its PSK (and a fresh (EC)DHE exchange), and no certificate follows");
  }
  GLASSTLS_ASSIGN(auto schedule, std::move(early).with_shared_secret(shared.span()));
  GLASSTLS_ASSIGN(Secret client_hs, schedule.client_handshake_traffic(th));
  GLASSTLS_ASSIGN(Secret server_hs, schedule.server_handshake_traffic(th));
  cx.log_secret("CLIENT_HANDSHAKE_TRAFFIC_SECRET", client_hs.span());
  cx.log_secret("SERVER_HANDSHAKE_TRAFFIC_SECRET", server_hs.span());
  GLASSTLS_TRY(install_read_secret(cx, server_hs.span(), "server handshake"));
  bool early_pending = cx.tls13.early_status == EarlyDataStatus::kOffered;
  if (early_pending && !resumed) {
    early_data_rejected(cx, "the server did not resume the session");
    early_pending = false;
  }
  if (!early_pending) {
    // From here on everything the client sends goes under its handshake key, alerts included:
    // the server reads under it already and refuses unprotected records other than CCS.
    GLASSTLS_TRY(install_write_secret(cx, client_hs.span(), "client handshake", false));
  }
  // Otherwise the early traffic key stays until EncryptedExtensions says whether the server
  // reads early data (and then until the client's EndOfEarlyData).

  const bool ocsp_requested = std::find(s.offered.begin(), s.offered.end(),
                                        ExtensionType::status_request) != s.offered.end();
  return ClientState(ClientExpectEncryptedExtensions{
      HandshakeSecrets{std::move(s.transcript), std::move(schedule), std::move(client_hs),
                       std::move(server_hs)},
      resumed, ocsp_requested, early_pending, std::move(s.offered)});
}

Result<ClientState> handle(ClientExpectEncryptedExtensions&& s, Context& cx,
                           const msgs::HandshakeMessage& m) {
  if (m.type != HandshakeType::encrypted_extensions) {
    return unexpected_message("expected EncryptedExtensions, got " + message_name(m.type));
  }
  GLASSTLS_ASSIGN(msgs::EncryptedExtensions ee, msgs::parse_encrypted_extensions(m.body));
  const ClientConfig& config = *cx.client_config;
  // supported_groups, always offered, is informational (section 4.2.7): the client MUST NOT act
  // on it before success.
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
  //# Upon receiving such an extension, an endpoint MUST abort the handshake
  //# with an "unsupported_extension" alert.
  if (auto t = msgs::first_unsolicited(ee.extensions, s.offered,
                                       msgs::ExtensionContext::kEncryptedExtensions)) {
    switch (*t) {
      case ExtensionType::server_name:
        return unsupported_extension("server acknowledged a server_name that was not sent");
      case ExtensionType::application_layer_protocol_negotiation:
        return unsupported_extension("server selected ALPN but none was offered");
      default:
        return unsupported_extension("EncryptedExtensions carries unsolicited extension " +
                                     std::to_string(static_cast<int>(*t)));
    }
  }
  if (ee.alpn) {
    //= https://www.rfc-editor.org/rfc/rfc7301#section-3.1
    //# Prior to the handshake completing, the client MUST verify that the
    //# protocol selected by the server was one of the protocols it offered ... otherwise
    //# the client MUST abort with an "illegal_parameter" alert.
    auto it = std::find(config.alpn.begin(), config.alpn.end(), *ee.alpn);
    if (it == config.alpn.end()) {
      return illegal_parameter("server selected an ALPN protocol that was not offered");
    }
    cx.negotiated.alpn = std::string(*ee.alpn);
  }
  if (ee.has_early_data) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //# If the server supplies an "early_data" extension, the client MUST
    //# verify that the server's selected_identity is 0.  If any other value
    //# is returned, the client MUST abort the handshake with an
    //# "illegal_parameter" alert.
    if (!s.early_pending) {
      return illegal_parameter("server accepted early data without resuming the offered PSK");
    }
    cx.tls13.early_status = EarlyDataStatus::kAccepted;
    cx.note(false, "0-RTT data accepted by the server");
  } else if (s.early_pending) {
    early_data_rejected(cx, "EncryptedExtensions carries no early_data");
    GLASSTLS_TRY(install_write_secret(cx, s.hs.client_hs.span(), "client handshake", false));
  }
  s.hs.transcript.add(m.encoded);
  if (s.resumed) {
    return ClientState(
        ClientExpectFinished{std::move(s.hs), SignatureVerified::by_resumption_psk(), {}, {}});
  }
  return ClientState(ClientExpectCertificate{std::move(s.hs), s.ocsp_requested, std::nullopt, {}});
}

Result<ClientState> handle(ClientExpectCertificate&& s, Context& cx,
                           const msgs::HandshakeMessage& m) {
  if (m.type == HandshakeType::certificate_request && !s.certificate_request_context) {
    GLASSTLS_ASSIGN(msgs::CertificateRequest cr, msgs::parse_certificate_request(m.body));
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
    //# certificate_request_context: ... This field SHALL be zero length
    //# unless used for the post-handshake authentication exchanges
    if (!cr.certificate_request_context.empty()) {
      return illegal_parameter("CertificateRequest in the handshake has a non-empty context");
    }
    // A status_request here asks for an OCSP response with our certificate; sending one is
    // optional (RFC 8446 section 4.4.2.1: "If the client opts to send an OCSP response") and
    // glasstls has none to send, so it is ignored.
    s.hs.transcript.add(m.encoded);
    s.certificate_request_context = Bytes{};
    s.request_schemes = cr.signature_algorithms;
    return ClientState(std::move(s));
  }
  if (m.type != HandshakeType::certificate) {
    return unexpected_message("expected Certificate, got " + message_name(m.type));
  }
  GLASSTLS_ASSIGN(msgs::Certificate cert, msgs::parse_certificate(m.body));
  if (!cert.certificate_request_context.empty()) {
    return illegal_parameter("server Certificate has a non-empty certificate_request_context");
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.4
  //# If the server supplies an empty Certificate message, the client MUST
  //# abort the handshake with a "decode_error" alert.
  if (cert.entries.empty()) {
    return decode_error("server sent an empty Certificate message");
  }
  // Of the extensions the ClientHello offers, the only one a CertificateEntry may answer (the
  // table of RFC 8446 section 4.2 allows the others nowhere in a Certificate) is status_request.
  static constexpr ExtensionType kStatusRequest[] = {ExtensionType::status_request};
  const std::span<const ExtensionType> offered_for_entries =
      s.ocsp_requested ? std::span<const ExtensionType>(kStatusRequest)
                       : std::span<const ExtensionType>();
  std::vector<Bytes> chain;
  chain.reserve(cert.entries.size());
  for (size_t i = 0; i < cert.entries.size(); i++) {
    const msgs::CertificateEntry& entry = cert.entries[i];
    for (const auto& ext : entry.extensions) {
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
      //# Extensions in the Certificate message from the server MUST
      //# correspond to ones from the ClientHello message.
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
      //# Upon receiving such an extension, an endpoint MUST abort the handshake
      //# with an "unsupported_extension" alert.
      if (auto t =
              msgs::first_unsolicited(std::span<const msgs::RawExtension>(&ext, 1),
                                      offered_for_entries, msgs::ExtensionContext::kCertificate)) {
        return unsupported_extension("certificate entry " + std::to_string(i) +
                                     " carries unsolicited extension " + msgs::extension_label(*t));
      }
      // status_request asks for the status of the server's own certificate, the leaf: a
      // response in another entry answers a request the client never made. The extension
      // itself was solicited, so this is a well-formed value breaking a rule.
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.1
      //# In TLS 1.3, the server's OCSP information
      //# is carried in an extension in the CertificateEntry containing the
      //# associated certificate.
      //= https://www.rfc-editor.org/rfc/rfc6066#section-8
      //# Only one OCSP response may be sent.
      if (i != 0) {
        return illegal_parameter("certificate entry " + std::to_string(i) +
                                 " (not the server's own certificate) carries a stapled OCSP "
                                 "response");
      }
    }
    chain.emplace_back(entry.cert_data.begin(), entry.cert_data.end());
  }
  // A view into `m`: the stapled response of the leaf, empty when none was stapled.
  const ByteView ocsp_response = cert.entries.front().ocsp_response.value_or(ByteView());
  Bytes spki;
  {
    // Only the key is kept: the parsed leaf is freed before the verifier runs.
    GLASSTLS_ASSIGN(x509::Certificate leaf, x509::parse_certificate(chain.front()));
    spki.assign(leaf.spki.begin(), leaf.spki.end());
  }

  GLASSTLS_TRY(verify_server_chain(cx, chain, ocsp_response, s.ocsp_requested));
  cx.negotiated.peer_certificates = std::move(chain);
  cx.negotiated.peer_ocsp_response.assign(ocsp_response.begin(), ocsp_response.end());
  s.hs.transcript.add(m.encoded);
  return ClientState(ClientExpectCertificateVerify{
      std::move(s.hs), CertVerified::assertion(), std::move(spki),
      std::move(s.certificate_request_context), std::move(s.request_schemes)});
}

Result<ClientState> handle(ClientExpectCertificateVerify&& s, Context& cx,
                           const msgs::HandshakeMessage& m) {
  if (m.type != HandshakeType::certificate_verify) {
    return unexpected_message("expected CertificateVerify, got " + message_name(m.type));
  }
  GLASSTLS_ASSIGN(msgs::CertificateVerify cv, msgs::parse_certificate_verify(m.body));
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
  //# If the verification fails, the receiver MUST terminate the handshake
  //# with a "decrypt_error" alert.
  // No signature scheme produces an empty signature: it is a failed verification.
  if (cv.signature.empty()) {
    return decrypt_error("server CertificateVerify signature is empty");
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
  //# If the CertificateVerify message is sent by a server, the signature
  //# algorithm MUST be one offered in the client's "signature_algorithms"
  //# extension unless no valid certificate chain can be produced without
  //# unsupported algorithms
  const auto& schemes = cx.client_config->signature_schemes;
  if (std::find(schemes.begin(), schemes.end(), cv.scheme) == schemes.end()) {
    return illegal_parameter("CertificateVerify uses a signature scheme that was not offered");
  }
  Bytes input = certificate_verify_input(cx, true, s.hs.transcript.current());
  //# The receiver of a CertificateVerify message MUST verify the signature
  //# field. ... If the verification fails, the receiver MUST terminate the handshake with a
  //# "decrypt_error" alert.
  // TLS 1.3's rules: no RSASSA-PKCS1-v1_5, ECDSA bound to its curve (RFC 8446 section 4.2.3).
  GLASSTLS_TRY(cx.provider->verifier->verify_handshake(crypto::SignatureRules::kTls13, cv.scheme,
                                                       s.leaf_spki, input, cv.signature));
  cx.negotiated.peer_scheme = cv.scheme;
  cx.note(false, "server CertificateVerify signature (" + std::string(name(cv.scheme)) +
                     ") verified with the certificate's public key");
  s.hs.transcript.add(m.encoded);
  return ClientState(ClientExpectFinished{std::move(s.hs), SignatureVerified::assertion(),
                                          std::move(s.certificate_request_context),
                                          std::move(s.request_schemes)});
}

// choose_client_scheme picks our signature scheme for a CertificateRequest.
std::optional<SignatureScheme> choose_client_scheme(const crypto::SigningKey& key,
                                                    const std::vector<SignatureScheme>& offered) {
  for (SignatureScheme ours : key.schemes()) {
    if (std::find(offered.begin(), offered.end(), ours) != offered.end()) {
      return ours;
    }
  }
  return std::nullopt;
}

Result<ClientState> handle(ClientExpectFinished&& s, Context& cx, const msgs::HandshakeMessage& m) {
  if (m.type != HandshakeType::finished) {
    return unexpected_message("expected Finished, got " + message_name(m.type));
  }
  const crypto::Hash& hash = *cx.suite.hash;
  GLASSTLS_ASSIGN(msgs::Finished fin, msgs::parse_finished(m.body, hash.output_len()));
  GLASSTLS_ASSIGN(Secret expected, handshake::finished_verify_data(hash, s.hs.server_hs.span(),
                                                                   s.hs.transcript.current(),
                                                                   cx.key_schedule_observer()));
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4
  //# Recipients of Finished messages MUST verify that the contents are
  //# correct and if incorrect MUST terminate the connection with a
  //# "decrypt_error" alert.
  if (!expected.equals(fin.verify_data)) {
    return decrypt_error("server Finished verify_data is wrong");
  }
  cx.note(false,
          "server Finished verified: HMAC(finished_key from server_handshake_traffic_secret, "
          "transcript hash) matches");
  s.hs.transcript.add(m.encoded);
  Bytes th = s.hs.transcript.current();
  GLASSTLS_ASSIGN(auto app, std::move(s.hs.schedule).into_application());
  GLASSTLS_ASSIGN(cx.tls13.client_app_secret, app.client_application_traffic(th));
  GLASSTLS_ASSIGN(cx.tls13.server_app_secret, app.server_application_traffic(th));
  GLASSTLS_ASSIGN(cx.tls13.exporter_master, app.exporter_master(th));
  cx.log_secret("CLIENT_TRAFFIC_SECRET_0", cx.tls13.client_app_secret.span());
  cx.log_secret("SERVER_TRAFFIC_SECRET_0", cx.tls13.server_app_secret.span());
  cx.log_secret("EXPORTER_SECRET", cx.tls13.exporter_master.span());
  GLASSTLS_TRY(install_read_secret(cx, cx.tls13.server_app_secret.span(), "server application"));
  cx.read_app_keys = true;

  if (cx.tls13.early_status == EarlyDataStatus::kAccepted && cx.tls13.early_open) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.5
    //# If the server sent an "early_data" extension in EncryptedExtensions,
    //# the client MUST send an EndOfEarlyData message after receiving the
    //# server Finished.
    static constexpr uint8_t kEndOfEarlyData[4] = {
        static_cast<uint8_t>(HandshakeType::end_of_early_data), 0, 0, 0};
    s.hs.transcript.add(ByteView(kEndOfEarlyData));
    cx.queue_handshake(ByteView(kEndOfEarlyData));
    GLASSTLS_TRY(cx.flush_handshake());
    cx.tls13.early_open = false;
    GLASSTLS_TRY(install_write_secret(cx, s.hs.client_hs.span(), "client handshake", false));
  }

  // The client's second flight, under the client handshake traffic key.
  if (cx.client_config->compatibility_mode && !cx.tls13.ccs_sent) {
    send_ccs(cx);
  }
  if (s.certificate_request_context) {
    const ClientConfig& config = *cx.client_config;
    std::optional<SignatureScheme> scheme;
    if (config.client_key) {
      scheme = choose_client_scheme(*config.client_key, s.request_schemes);
    }
    msgs::Certificate cert;
    cert.certificate_request_context = *s.certificate_request_context;
    if (scheme) {
      for (const auto& der : config.client_chain) {
        cert.entries.push_back({der, {}, std::nullopt});
      }
    }
    Bytes cert_msg = msgs::encode(cert);
    s.hs.transcript.add(cert_msg);
    cx.queue_handshake(cert_msg);
    if (scheme) {
      Bytes input = certificate_verify_input(cx, false, s.hs.transcript.current());
      GLASSTLS_ASSIGN(Bytes sig, config.client_key->sign(*scheme, input));
      cx.negotiated.own_scheme = *scheme;
      cx.negotiated.own_chain = &config.client_chain;
      Bytes cv_msg = msgs::encode(msgs::CertificateVerify{*scheme, sig});
      s.hs.transcript.add(cv_msg);
      cx.queue_handshake(cv_msg);
    }
  }
  GLASSTLS_ASSIGN(Secret verify_data, handshake::finished_verify_data(hash, s.hs.client_hs.span(),
                                                                      s.hs.transcript.current(),
                                                                      cx.key_schedule_observer()));
  Bytes fin_msg = msgs::encode(msgs::Finished{verify_data.span()});
  cx.queue_handshake(fin_msg);
  GLASSTLS_TRY(cx.flush_handshake());
  if (cx.client_config->session_store) {
    // The tickets the server sends next derive their PSKs from the resumption master secret.
    s.hs.transcript.add(fin_msg);
    GLASSTLS_ASSIGN(cx.tls13.resumption_master, app.resumption_master(s.hs.transcript.current()));
  }
  GLASSTLS_TRY(
      install_write_secret(cx, cx.tls13.client_app_secret.span(), "client application", true));
  cx.handshake_done = true;
  if (cx.key_log == nullptr) {
    // The client random served the ClientHello(s); only a key log would still need it.
    Bytes().swap(cx.client_random);
  }
  return ClientState(ClientConnected{});
}

Result<ClientState> handle(ClientTls12&&, Context&, const msgs::HandshakeMessage&) {
  return internal_error("TLS 1.2 state reached the TLS 1.3 dispatch");
}

Result<ClientState> handle(ClientConnected&&, Context&, const msgs::HandshakeMessage& m) {
  // Post-handshake messages are handled by the connection before reaching the state machine.
  return unexpected_message("unexpected " + message_name(m.type) + " after the handshake");
}

}  // namespace

Status verify_server_chain(Context& cx, const std::vector<Bytes>& chain, ByteView ocsp_response,
                           bool ocsp_requested) {
  const ClientConfig& config = *cx.client_config;
  if (!config.accept_any_certificate) {
    if (!config.verifier) {
      return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error,
                        "no certificate verifier configured");
    }
    // With dangerous_skip_server_name_check the verifier gets no name to match.
    const std::string_view server_name =
        config.skip_server_name_check ? std::string_view() : cx.negotiated.server_name;
    if (ocsp_requested) {
      //= https://www.rfc-editor.org/rfc/rfc6066#section-8
      //# Clients requesting an OCSP response and receiving an OCSP response in
      //# a "CertificateStatus" message MUST check the OCSP response and abort
      //# the handshake if the response is not satisfactory with
      //# bad_certificate_status_response(113) alert.
      // The verifier checks it (and decides what a missing response means).
      cx.note(false, ocsp_response.empty() ? std::string("server stapled no OCSP response")
                                           : "server stapled an OCSP response (" +
                                                 std::to_string(ocsp_response.size()) +
                                                 " bytes), handed to the verifier");
      if (cx.tracer) {
        // With a trace, the verifier also says what it decided and why (the path, each
        // certificate's revocation status), and the trace shows it line by line.
        std::vector<std::string> report;
        Status verified =
            config.verifier->verify_with_report(chain, server_name, ocsp_response, report);
        for (std::string& line : report) {
          cx.note(false, "verifier: " + std::move(line));
        }
        GLASSTLS_TRY(std::move(verified));
      } else {
        GLASSTLS_TRY(config.verifier->verify_stapled(chain, server_name, ocsp_response));
      }
    } else {
      GLASSTLS_TRY(config.verifier->verify(chain, server_name));
    }
    cx.note(false, "server certificate chain accepted by the configured verifier");
  }
  return Ok{};
}

bool offers_tls12(const ClientConfig& config) {
  return static_cast<uint16_t>(config.min_version) <= 0x0303 &&
         static_cast<uint16_t>(config.max_version) >= 0x0303 &&
         std::any_of(config.cipher_suites.begin(), config.cipher_suites.end(), [](CipherSuite c) {
           return crypto::find_suite(c)->version == ProtocolVersion::TLSv1_2;
         });
}

bool offers_tls13(const ClientConfig& config) {
  return static_cast<uint16_t>(config.max_version) >= 0x0304 &&
         std::any_of(config.cipher_suites.begin(), config.cipher_suites.end(), [](CipherSuite c) {
           return crypto::find_suite(c)->version == ProtocolVersion::TLSv1_3;
         });
}

Result<ClientState> client_start(Context& cx) {
  const ClientConfig& config = *cx.client_config;
  GLASSTLS_ASSIGN(cx.client_random, cx.random(32));
  ClientExpectServerHello s;
  const bool tls13 = offers_tls13(config);
  std::optional<StoredSession> taken = take_session(cx);
  if (taken && taken->version == ProtocolVersion::TLSv1_2) {
    s.tls12_session = std::move(taken);
  } else {
    s.psk = std::move(taken);
  }
  if (s.tls12_session) {
    // The session's ID asks to resume it (RFC 5246 section 7.4.1.2). With a ticket instead, a
    // fresh ID, which a server accepting the ticket echoes (RFC 5077 section 3.4).
    if (!s.tls12_session->session_id.empty()) {
      s.session_id = s.tls12_session->session_id;
    } else {
      GLASSTLS_ASSIGN(s.session_id, cx.random(32));
    }
  } else if (config.compatibility_mode && tls13) {
    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.4
    //# In middlebox compatibility mode the client always provides a non-empty session ID
    // (A TLS 1.2-only ClientHello sends none: there, a session ID asks to resume a session.)
    GLASSTLS_ASSIGN(s.session_id, cx.random(32));
  }
  if (tls13) {
    for (NamedGroup g : config.key_share_groups) {
      const crypto::KxGroup* impl = cx.provider->group(g);
      if (impl == nullptr) {
        return internal_error("no implementation for key share group " + std::string(name(g)));
      }
      GLASSTLS_ASSIGN(auto kx, impl->start());
      s.shares.push_back(std::move(kx));
    }
  }
  if (s.psk) {
    // The binder, and any early data, are computed under the session's suite: until the
    // ServerHello names the suite, it is the connection's (the trace's hash, the early keys).
    cx.suite = *suite_info(*cx.provider, s.psk->suite);
  }
  const bool early_data = s.psk && offers_early_data(config, *s.psk);
  Bytes ch =
      build_client_hello(cx, s.session_id, s.shares, {}, s.offered, s.psk ? &*s.psk : nullptr,
                         s.tls12_session ? &*s.tls12_session : nullptr, early_data);
  if (s.psk) {
    GLASSTLS_TRY(fill_binder(cx, ch, *s.psk, nullptr));
  }
  s.transcript.add(ch);
  cx.queue_handshake(ch);
  //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
  //# legacy_record_version:  MUST be set to 0x0303 for all records
  //# generated by a TLS 1.3 implementation other than an initial
  //# ClientHello (i.e., one not generated after a HelloRetryRequest),
  //# where it MAY also be 0x0301 for compatibility purposes.
  GLASSTLS_TRY(cx.flush_handshake(0x0301));
  if (early_data) {
    GLASSTLS_TRY(start_early_data(cx, *s.psk, ch));
  }
  return ClientState(std::move(s));
}

Result<ClientState> client_handle(ClientState&& state, Context& cx,
                                  const msgs::HandshakeMessage& m) {
  if (auto* t = std::get_if<ClientTls12>(&state)) {
    return tls12_client_handle(std::move(*t), cx, m);
  }
  return std::visit([&](auto&& s) -> Result<ClientState> { return handle(std::move(s), cx, m); },
                    std::move(state));
}

Result<ClientState> client_change_cipher_spec(ClientState&& state, Context& cx, ByteView fragment) {
  if (auto* t = std::get_if<ClientTls12>(&state)) {
    return tls12_client_change_cipher_spec(std::move(*t), cx, fragment);
  }
  return unexpected_message(
      "change_cipher_spec record in a TLS 1.2 handshake state that expects none");
}

}  // namespace glasstls::conn
