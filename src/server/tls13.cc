// tls13.cc: the TLS 1.3 server handshake (RFC 8446 section 2).
//
//   ClientHello  -->
//                <--  HelloRetryRequest (when no usable key share), then ClientHello again
//                     ServerHello, [ChangeCipherSpec], {EncryptedExtensions}, {Certificate},
//                     {CertificateVerify}, {Finished}
//   {Finished}   -->
#include "server/tls13.h"

#include <algorithm>
#include <cctype>

#include "x509/certificate.h"
#include "x509/names.h"

namespace glasstls::conn {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// name_matches compares a configured name ("example.com" or "*.example.com") with the SNI.
bool name_matches(std::string_view pattern, std::string_view host) {
  std::string p = lower(pattern);
  std::string h = lower(host);
  if (p == h) {
    return true;
  }
  if (p.size() > 2 && p[0] == '*' && p[1] == '.') {
    size_t dot = h.find('.');
    return dot != std::string::npos && dot > 0 && h.substr(dot) == p.substr(1);
  }
  return false;
}

// choose_scheme picks the first of the key's schemes that the client accepts.
std::optional<SignatureScheme> choose_scheme(const crypto::SigningKey& key,
                                             const std::vector<SignatureScheme>& client,
                                             const std::vector<SignatureScheme>& server) {
  for (SignatureScheme s : key.schemes()) {
    if (std::find(client.begin(), client.end(), s) != client.end() &&
        std::find(server.begin(), server.end(), s) != server.end()) {
      return s;
    }
  }
  return std::nullopt;
}

// queue_message adds an encoded message to the transcript and to the flight being built; the
// encoding is freed on return, so that no copy of a sent message outlives its queueing.
void queue_message(Context& cx, handshake::Transcript& transcript, Bytes message) {
  transcript.add(message);
  cx.queue_handshake(message);
}

struct CertChoice {
  const ServerConfig::CertifiedKey* key = nullptr;
  SignatureScheme scheme{};
  bool sni_matched = false;
};

// choose_certificate picks a chain by SNI (exact or wildcard names first, then default chains)
// whose key can sign with a scheme the client accepts.
std::optional<CertChoice> choose_certificate(const ServerConfig& config,
                                             std::optional<std::string_view> sni,
                                             const std::vector<SignatureScheme>& client_schemes) {
  auto try_pass = [&](bool by_name) -> std::optional<CertChoice> {
    for (const auto& ck : config.certificates) {
      bool matched = false;
      if (by_name) {
        if (!sni) {
          continue;
        }
        for (const auto& n : ck.names) {
          matched = matched || name_matches(n, *sni);
        }
        if (!matched) {
          continue;
        }
      } else if (!ck.names.empty()) {
        continue;
      }
      auto scheme = choose_scheme(*ck.key, client_schemes, config.signature_schemes);
      if (scheme) {
        return CertChoice{&ck, *scheme, matched};
      }
    }
    return std::nullopt;
  };
  if (auto c = try_pass(true)) {
    return c;
  }
  if (auto c = try_pass(false)) {
    return c;
  }
  // Any chain at all that the client can accept, even if named for another host.
  for (const auto& ck : config.certificates) {
    auto scheme = choose_scheme(*ck.key, client_schemes, config.signature_schemes);
    if (scheme) {
      return CertChoice{&ck, *scheme, false};
    }
  }
  return std::nullopt;
}

Result<ServerState> send_hello_retry(ServerExpectClientHello&& s, Context& cx,
                                     const msgs::ClientHello& ch, const msgs::HandshakeMessage& m,
                                     CipherSuite suite, NamedGroup group, const SuiteInfo& info) {
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
  (void)m;
  cx.negotiated.hello_retry_request = true;
  ServerExpectClientHello next;
  next.after_hello_retry = true;
  next.transcript = std::move(s.transcript);
  next.suite = suite;
  next.group = group;
  next.session_id.assign(ch.legacy_session_id.begin(), ch.legacy_session_id.end());
  return ServerState(std::move(next));
}

Result<ServerState> handle(ServerExpectClientHello&& s, Context& cx,
                           const msgs::HandshakeMessage& m) {
  if (m.type != HandshakeType::client_hello) {
    return unexpected_message("expected ClientHello, got " + message_name(m.type));
  }
  GLASSTLS_ASSIGN(msgs::ClientHello ch, msgs::parse_client_hello(m.body));
  const ServerConfig& config = *cx.server_config;

  //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.5
  //# Any endpoint
  //# receiving a Hello message with ClientHello.legacy_version or
  //# ServerHello.legacy_version set to 0x0300 MUST abort the handshake
  //# with a "protocol_version" alert.
  if (ch.legacy_version <= 0x0300) {
    return make_error(ErrorKind::kPeerIncompatible, AlertDescription::protocol_version,
                      "ClientHello legacy_version " + std::to_string(ch.legacy_version >> 8) + "." +
                          std::to_string(ch.legacy_version & 0xff) + " is SSL 3.0 or older");
  }

  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1
  //# If this extension is present in the ClientHello, servers MUST NOT use the
  //# ClientHello.legacy_version value for version negotiation and MUST use only the
  //# "supported_versions" extension to determine client preferences.
  bool tls13 = false;
  if (ch.supported_versions) {
    for (uint16_t v : *ch.supported_versions) {
      tls13 = tls13 || v == 0x0304;
    }
  }
  if (!tls13) {
    return make_error(ErrorKind::kPeerIncompatible, AlertDescription::protocol_version,
                      "client does not offer TLS 1.3 (TLS 1.2 is not supported yet)");
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
  //# For every TLS 1.3 ClientHello, this vector
  //# MUST contain exactly one byte, set to zero, which corresponds to the
  //# "null" compression method in prior versions of TLS.  If a TLS 1.3
  //# ClientHello is received with any other value in this field, the
  //# server MUST abort the handshake with an "illegal_parameter" alert.
  if (ch.legacy_compression_methods.size() != 1 || ch.legacy_compression_methods[0] != 0) {
    return illegal_parameter("ClientHello compression methods are not exactly {null}");
  }
  if (s.after_hello_retry) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
    //# The client will also send a
    //# ClientHello when the server has responded to its ClientHello with a
    //# HelloRetryRequest.  In that case, the client MUST send the same
    //# ClientHello without modification, except as follows
    if (!std::equal(ch.legacy_session_id.begin(), ch.legacy_session_id.end(), s.session_id.begin(),
                    s.session_id.end())) {
      return illegal_parameter("second ClientHello changed legacy_session_id");
    }
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //# A client MUST NOT include the
    //# "early_data" extension in its followup ClientHello.
    if (ch.has_early_data) {
      return illegal_parameter("second ClientHello still offers early_data");
    }
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-9.2
  //# -  If not containing a "pre_shared_key" extension, it MUST contain
  //#    both a "signature_algorithms" extension and a "supported_groups"
  //#    extension.
  if (!ch.signature_algorithms) {
    return missing_extension("ClientHello has no signature_algorithms");
  }
  //# -  If containing a "supported_groups" extension, it MUST also contain
  //#    a "key_share" extension, and vice versa.
  if (!ch.supported_groups || !ch.key_shares) {
    return missing_extension("ClientHello lacks supported_groups or key_share");
  }
  for (const auto& share : *ch.key_shares) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
    //# Clients MUST NOT offer any KeyShareEntry values
    //# for groups not listed in the client's "supported_groups" extension.
    //# Servers MAY check for violations of these rules and abort the
    //# handshake with an "illegal_parameter" alert if one is violated.
    if (std::find(ch.supported_groups->begin(), ch.supported_groups->end(), share.group) ==
        ch.supported_groups->end()) {
      return illegal_parameter("key share for a group not in supported_groups");
    }
  }

  // Cipher suite: the server's preference among the client's offer.
  std::optional<CipherSuite> suite;
  for (CipherSuite c : config.cipher_suites) {
    if (std::find(ch.cipher_suites.begin(), ch.cipher_suites.end(), c) != ch.cipher_suites.end()) {
      suite = c;
      break;
    }
  }
  if (!suite) {
    return handshake_failure("no cipher suite in common");
  }
  if (s.after_hello_retry && *suite != s.suite) {
    return illegal_parameter("second ClientHello no longer offers the chosen cipher suite");
  }
  auto info = suite_info(*cx.provider, *suite);
  if (!info) {
    return internal_error("configured cipher suite has no implementation");
  }

  // Group: a share the client sent for a group we accept, in our preference order; otherwise
  // ask for our preferred group in common with a HelloRetryRequest.
  const msgs::KeyShareEntry* chosen_share = nullptr;
  if (s.after_hello_retry) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
    //# If a HelloRetryRequest was sent, the client ... MUST replace the list of shares with a
    //# list containing a single KeyShareEntry from the indicated group.
    if (ch.key_shares->size() != 1 || ch.key_shares->front().group != s.group) {
      return illegal_parameter("second ClientHello does not carry exactly the requested share");
    }
    chosen_share = &ch.key_shares->front();
  } else {
    for (NamedGroup g : config.groups) {
      for (const auto& share : *ch.key_shares) {
        if (share.group == g && chosen_share == nullptr) {
          chosen_share = &share;
        }
      }
      if (chosen_share != nullptr) {
        break;
      }
    }
  }
  if (chosen_share == nullptr) {
    for (NamedGroup g : config.groups) {
      if (std::find(ch.supported_groups->begin(), ch.supported_groups->end(), g) !=
          ch.supported_groups->end()) {
        s.transcript.add(m.encoded);
        if (ch.has_early_data) {
          // 0-RTT records may follow this ClientHello; they are skipped until the second one.
          cx.record.skip_early_data(true);
        }
        return send_hello_retry(std::move(s), cx, ch, m, *suite, g, *info);
      }
    }
    return handshake_failure("no key exchange group in common");
  }

  if (ch.server_name) {
    //= https://www.rfc-editor.org/rfc/rfc6066#section-3
    //# The hostname is represented as a byte
    //# string using ASCII encoding without a trailing dot.
    //# Literal IPv4 and IPv6 addresses are not permitted in "HostName".
    auto dns = x509::normalize_reference_dns_name(*ch.server_name);
    if (!dns.ok() || ch.server_name->back() == '.') {
      return illegal_parameter("server_name host_name is not an ASCII DNS name (" +
                               escape_text(*ch.server_name) + ")");
    }
  }
  // Certificate by SNI and signature scheme.
  cx.negotiated.server_name = ch.server_name ? std::string(*ch.server_name) : std::string();
  auto cert = choose_certificate(config, ch.server_name, *ch.signature_algorithms);
  if (!cert) {
    return handshake_failure("no certificate can be signed with a scheme the client accepts");
  }

  // ALPN (RFC 7301 section 3.2).
  std::optional<std::string> alpn;
  if (ch.alpn && !config.alpn.empty()) {
    for (const auto& ours : config.alpn) {
      if (std::find(ch.alpn->begin(), ch.alpn->end(), ours) != ch.alpn->end()) {
        alpn = ours;
        break;
      }
    }
    //= https://www.rfc-editor.org/rfc/rfc7301#section-3.2
    //# In the event that the server supports no
    //# protocols that the client advertises, then the server SHALL respond
    //# with a fatal "no_application_protocol" alert.
    if (!alpn) {
      return make_error(ErrorKind::kPeerIncompatible, AlertDescription::no_application_protocol,
                        "no application protocol in common");
    }
  }

  // Key exchange.
  const crypto::KxGroup* group = cx.provider->group(chosen_share->group);
  if (group == nullptr) {
    return internal_error("configured group has no implementation");
  }
  GLASSTLS_ASSIGN(auto kx, group->start());
  GLASSTLS_ASSIGN(Secret shared, kx->complete(chosen_share->key_exchange));
  if (cx.tracer) {
    cx.tracer->key_step(
        "(EC)DHE shared secret",
        std::string(name(chosen_share->group)) + "(server private key, client key_share)",
        chosen_share->key_exchange, {}, shared.span());
  }

  cx.suite = *info;
  // The client random serves only the key log.
  if (cx.key_log != nullptr) {
    cx.client_random.assign(ch.random.begin(), ch.random.end());
  }
  cx.negotiated.version = ProtocolVersion::TLSv1_3;
  cx.negotiated.suite = *suite;
  cx.negotiated.group = chosen_share->group;
  cx.negotiated.alpn = alpn;
  const NamedGroup group_used = chosen_share->group;
  // glasstls accepts no early data: EncryptedExtensions will not carry early_data, and 0-RTT
  // records the client sent after its ClientHello are skipped (RFC 8446 section 4.2.10).
  const bool skip_early_data = ch.has_early_data;
  //= https://www.rfc-editor.org/rfc/rfc6066#section-8
  //# Servers that receive a client hello containing the "status_request"
  //# extension MAY return a suitable certificate status response to the
  //# client along with their certificate.
  // ocsp is the only status type defined; a request of another type gets no staple.
  const bool ocsp_requested =
      ch.status_request && ch.status_request->status_type == msgs::kStatusTypeOcsp;
  // A view into `m`, which outlives this handler.
  const ByteView session_id = ch.legacy_session_id;
  // Nothing else of the ClientHello is needed: its parsed lists (extensions, suites, groups,
  // schemes, shares) are freed before the flight is built, where the handshake's heap peaks.
  chosen_share = nullptr;
  ch = msgs::ClientHello{};

  s.transcript.start(*info->hash);
  s.transcript.add(m.encoded);

  {
    msgs::ServerHello sh;
    GLASSTLS_ASSIGN(Bytes server_random, cx.random(32));
    sh.random = server_random;
    sh.legacy_session_id_echo = session_id;
    sh.cipher_suite = *suite;
    sh.selected_version = 0x0304;
    sh.key_share = msgs::KeyShareEntry{group_used, kx->public_key()};
    queue_message(cx, s.transcript, msgs::encode(sh));
  }
  kx.reset();  // The key share has been used and sent.
  GLASSTLS_TRY(cx.flush_handshake());
  if (!session_id.empty() && !cx.tls13.ccs_sent) {
    send_ccs(cx);
  }

  Bytes th = s.transcript.current();
  auto early = handshake::EarlySchedule::start(*info->hash, cx.key_schedule_observer());
  GLASSTLS_ASSIGN(auto schedule, std::move(early).with_shared_secret(shared.span()));
  GLASSTLS_ASSIGN(Secret client_hs, schedule.client_handshake_traffic(th));
  GLASSTLS_ASSIGN(Secret server_hs, schedule.server_handshake_traffic(th));
  cx.log_secret("CLIENT_HANDSHAKE_TRAFFIC_SECRET", client_hs.span());
  cx.log_secret("SERVER_HANDSHAKE_TRAFFIC_SECRET", server_hs.span());
  GLASSTLS_TRY(cx.install_write_secret(server_hs.span(), "server handshake", false));
  GLASSTLS_TRY(cx.install_read_secret(client_hs.span(), "client handshake"));
  if (skip_early_data) {
    cx.record.skip_early_data(false);
  }

  {
    msgs::EncryptedExtensions ee;
    ee.server_name_acknowledged = cert->sni_matched;
    if (alpn) {
      ee.alpn = *alpn;
    }
    queue_message(cx, s.transcript, msgs::encode(ee));
  }

  const bool request_client_cert = config.client_verifier != nullptr;
  if (request_client_cert) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
    //# A server which is authenticating with a certificate MAY optionally
    //# request a certificate from the client.  This message, if sent, MUST
    //# follow EncryptedExtensions.
    msgs::CertificateRequest cr;
    cr.signature_algorithms = config.signature_schemes;
    if (!config.client_authorities.empty()) {
      std::vector<ByteView> names(config.client_authorities.begin(),
                                  config.client_authorities.end());
      cr.certificate_authorities = std::move(names);
    }
    queue_message(cx, s.transcript, msgs::encode(cr));
  }

  {
    // The entries are views of the configured chain: the only copy made is the encoding.
    msgs::Certificate cert_msg;
    cert_msg.entries.reserve(cert->key->chain.size());
    for (const auto& der : cert->key->chain) {
      cert_msg.entries.push_back({der, {}, std::nullopt});
    }
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
    //# Implementations MUST NOT send extension responses if the remote
    //# endpoint did not send the corresponding extension requests, with the
    //# exception of the "cookie" extension in the HelloRetryRequest.
    // The staple is taken once: the reference keeps this response alive until the message is
    // encoded, however often the OcspStaple is replaced meanwhile.
    std::shared_ptr<const Bytes> staple;
    if (ocsp_requested && cert->key->ocsp) {
      staple = cert->key->ocsp->get();
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
    queue_message(cx, s.transcript, msgs::encode(cert_msg));
  }

  {
    Bytes input = certificate_verify_input(true, s.transcript.current());
    GLASSTLS_ASSIGN(Bytes signature, cert->key->key->sign(cert->scheme, input));
    cx.negotiated.own_scheme = cert->scheme;
    cx.negotiated.own_chain = &cert->key->chain;
    queue_message(cx, s.transcript, msgs::encode(msgs::CertificateVerify{cert->scheme, signature}));
  }

  {
    GLASSTLS_ASSIGN(Secret verify_data, handshake::finished_verify_data(
                                            *info->hash, server_hs.span(), s.transcript.current()));
    queue_message(cx, s.transcript, msgs::encode(msgs::Finished{verify_data.span()}));
  }
  GLASSTLS_TRY(cx.flush_handshake());

  Bytes th_sf = s.transcript.current();
  GLASSTLS_ASSIGN(auto app, std::move(schedule).into_application());
  GLASSTLS_ASSIGN(cx.tls13.client_app_secret, app.client_application_traffic(th_sf));
  GLASSTLS_ASSIGN(cx.tls13.server_app_secret, app.server_application_traffic(th_sf));
  GLASSTLS_ASSIGN(cx.tls13.exporter_master, app.exporter_master(th_sf));
  cx.log_secret("CLIENT_TRAFFIC_SECRET_0", cx.tls13.client_app_secret.span());
  cx.log_secret("SERVER_TRAFFIC_SECRET_0", cx.tls13.server_app_secret.span());
  cx.log_secret("EXPORTER_SECRET", cx.tls13.exporter_master.span());
  GLASSTLS_TRY(
      cx.install_write_secret(cx.tls13.server_app_secret.span(), "server application", true));

  ServerSecondFlight await{std::move(s.transcript), std::move(client_hs), std::move(app)};
  if (request_client_cert) {
    return ServerState(ServerExpectCertificate{std::move(await)});
  }
  return ServerState(ServerExpectFinished{std::move(await)});
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
  std::vector<Bytes> chain;
  for (const auto& entry : cert.entries) {
    if (!entry.extensions.empty()) {
      return unsupported_extension("client certificate entry carries an unsolicited extension");
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
  Bytes input = certificate_verify_input(false, s.await.transcript.current());
  GLASSTLS_TRY(cx.provider->verifier->verify(cv.scheme, s.leaf_spki, input, cv.signature));
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
  GLASSTLS_ASSIGN(Secret expected, handshake::finished_verify_data(hash, s.client_hs.span(),
                                                                   s.transcript.current()));
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
  GLASSTLS_TRY(cx.install_read_secret(cx.tls13.client_app_secret.span(), "client application"));
  cx.read_app_keys = true;
  cx.handshake_done = true;
  return ServerState(ServerConnected{});
}

Result<ServerState> handle(ServerConnected&&, Context&, const msgs::HandshakeMessage& m) {
  return unexpected_message("unexpected " + message_name(m.type) + " after the handshake");
}

}  // namespace

ServerState server_start() { return ServerState(ServerExpectClientHello{}); }

Result<ServerState> server_handle(ServerState&& state, Context& cx,
                                  const msgs::HandshakeMessage& m) {
  return std::visit([&](auto&& s) -> Result<ServerState> { return handle(std::move(s), cx, m); },
                    std::move(state));
}

}  // namespace glasstls::conn
