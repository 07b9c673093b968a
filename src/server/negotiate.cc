#include "server/negotiate.h"

#include <algorithm>
#include <cctype>

#include "conn/context.h"
#include "conn/tls12_signatures.h"
#include "x509/names.h"

namespace glasstls::conn {

namespace {

template <typename T>
bool contains(std::span<const T> list, T value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
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
          matched = matched || server_name_matches(n, *sni);
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

// check_hello checks what a TLS 1.3 ClientHello must carry, and what a second ClientHello must
// keep from the first.
Status check_hello(const msgs::ClientHello& ch, const HelloRetrySent* retry) {
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
  if (retry != nullptr) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
    //# The client will also send a
    //# ClientHello when the server has responded to its ClientHello with a
    //# HelloRetryRequest.  In that case, the client MUST send the same
    //# ClientHello without modification, except as follows
    if (!std::equal(ch.legacy_session_id.begin(), ch.legacy_session_id.end(),
                    retry->session_id.begin(), retry->session_id.end())) {
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
  return Ok{};
}

// choose_suite picks the server's preferred suite among the client's offer.
Result<CipherSuite> choose_suite(const msgs::ClientHello& ch, const ServerConfig& config,
                                 const ProviderSupport& support, const HelloRetrySent* retry) {
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
  if (retry != nullptr && *suite != retry->suite) {
    return illegal_parameter("second ClientHello no longer offers the chosen cipher suite");
  }
  if (!contains(support.suites, *suite)) {
    return internal_error("configured cipher suite has no implementation");
  }
  return *suite;
}

// choose_share picks a share the client sent for a group the server accepts, in the server's
// preference order; null when there is none.
Result<const msgs::KeyShareEntry*> choose_share(const msgs::ClientHello& ch,
                                                const ServerConfig& config,
                                                const HelloRetrySent* retry) {
  if (retry != nullptr) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
    //# If a HelloRetryRequest was sent, the client ... MUST replace the list of shares with a
    //# list containing a single KeyShareEntry from the indicated group.
    if (ch.key_shares->size() != 1 || ch.key_shares->front().group != retry->group) {
      return illegal_parameter("second ClientHello does not carry exactly the requested share");
    }
    return &ch.key_shares->front();
  }
  for (NamedGroup g : config.groups) {
    for (const auto& share : *ch.key_shares) {
      if (share.group == g) {
        return &share;
      }
    }
  }
  return static_cast<const msgs::KeyShareEntry*>(nullptr);
}

// choose_alpn picks the server's preferred protocol among the client's (RFC 7301 section 3.2).
// Null when either side has no ALPN.
Result<const std::string*> choose_alpn(const msgs::ClientHello& ch, const ServerConfig& config) {
  if (!ch.alpn || config.alpn.empty()) {
    return static_cast<const std::string*>(nullptr);
  }
  for (const auto& ours : config.alpn) {
    if (std::find(ch.alpn->begin(), ch.alpn->end(), ours) != ch.alpn->end()) {
      return &ours;
    }
  }
  //= https://www.rfc-editor.org/rfc/rfc7301#section-3.2
  //# In the event that the server supports no
  //# protocols that the client advertises, then the server SHALL respond
  //# with a fatal "no_application_protocol" alert.
  return make_error(ErrorKind::kPeerIncompatible, AlertDescription::no_application_protocol,
                    "no application protocol in common");
}

// check_server_name checks the ClientHello's server_name and returns it (empty when none).
Result<std::string_view> check_server_name(const msgs::ClientHello& ch) {
  if (!ch.server_name) {
    return std::string_view();
  }
  //= https://www.rfc-editor.org/rfc/rfc6066#section-3
  //# The hostname is represented as a byte
  //# string using ASCII encoding without a trailing dot.
  //# Literal IPv4 and IPv6 addresses are not permitted in "HostName".
  auto dns = x509::normalize_reference_dns_name(*ch.server_name);
  if (!dns.ok() || ch.server_name->back() == '.') {
    return illegal_parameter("server_name host_name is not an ASCII DNS name (" +
                             escape_text(*ch.server_name) + ")");
  }
  return *ch.server_name;
}

bool version_enabled(const ServerConfig& config, ProtocolVersion v) {
  if (static_cast<uint16_t>(v) < static_cast<uint16_t>(config.min_version) ||
      static_cast<uint16_t>(v) > static_cast<uint16_t>(config.max_version)) {
    return false;
  }
  return std::any_of(config.cipher_suites.begin(), config.cipher_suites.end(),
                     [v](CipherSuite c) { return crypto::find_suite(c)->version == v; });
}

// choose_tls12_scheme picks the first of the key's TLS 1.2 schemes that both sides accept and
// that fits the suite's authentication.
std::optional<SignatureScheme> choose_tls12_scheme(const crypto::SigningKey& key,
                                                   crypto::SuiteAuth auth,
                                                   const std::vector<SignatureScheme>& client,
                                                   const std::vector<SignatureScheme>& server) {
  for (SignatureScheme s : tls12_key_schemes(key)) {
    const bool fits =
        auth == crypto::SuiteAuth::kEcdsa ? tls12_scheme_is_ecdsa_like(s) : tls12_scheme_is_rsa(s);
    if (fits && std::find(client.begin(), client.end(), s) != client.end() &&
        std::find(server.begin(), server.end(), s) != server.end()) {
      return s;
    }
  }
  return std::nullopt;
}

// choose_tls12_certificate picks a chain by SNI as choose_certificate does, among those whose key
// can sign for `auth`.
std::optional<CertChoice> choose_tls12_certificate(const ServerConfig& config,
                                                   std::optional<std::string_view> sni,
                                                   crypto::SuiteAuth auth,
                                                   const std::vector<SignatureScheme>& client) {
  std::optional<CertChoice> by_default;
  std::optional<CertChoice> any;
  for (const auto& ck : config.certificates) {
    auto scheme = choose_tls12_scheme(*ck.key, auth, client, config.signature_schemes);
    if (!scheme) {
      continue;
    }
    bool matched = false;
    if (sni) {
      for (const auto& n : ck.names) {
        matched = matched || server_name_matches(n, *sni);
      }
    }
    if (matched) {
      return CertChoice{&ck, *scheme, true};
    }
    if (ck.names.empty() && !by_default) {
      by_default = CertChoice{&ck, *scheme, false};
    }
    if (!any) {
      any = CertChoice{&ck, *scheme, false};
    }
  }
  return by_default ? by_default : any;
}

// choose_tls12_group picks the group a suite's key exchange would use, or nullopt when it has
// none in common with the client. `ffdhe_refused` is set when a DHE suite is refused because
// the client offers RFC 7919 groups but none the server accepts.
std::optional<NamedGroup> choose_tls12_group(const msgs::ClientHello& ch,
                                             const ServerConfig& config,
                                             const ProviderSupport& support, crypto::SuiteKx kx,
                                             bool& ffdhe_refused) {
  const bool want_ffdhe = kx == crypto::SuiteKx::kDhe;
  bool client_has_ffdhe = false;
  if (ch.supported_groups) {
    for (NamedGroup g : *ch.supported_groups) {
      client_has_ffdhe = client_has_ffdhe || tls12_group_is_ffdhe(g);
    }
  }
  for (NamedGroup g : config.groups) {
    if (tls12_group_is_ffdhe(g) != want_ffdhe || !contains(support.groups, g)) {
      continue;
    }
    if (want_ffdhe) {
      //= https://www.rfc-editor.org/rfc/rfc7919#section-4
      //# If a compatible TLS server receives a Supported Groups extension from
      //# a client that includes any FFDHE group (i.e., any codepoint between
      //# 256 and 511, inclusive, even if unknown to the server), and if none
      //# of the client-proposed FFDHE groups are known and acceptable to the
      //# server, then the server MUST NOT select an FFDHE cipher suite.
      if (!client_has_ffdhe || std::find(ch.supported_groups->begin(), ch.supported_groups->end(),
                                         g) != ch.supported_groups->end()) {
        return g;
      }
      continue;
    }
    if (!ch.supported_groups) {
      // A client that sends no supported_groups named no curve: P-256 is the one every ECDHE
      // implementation has.
      if (g == NamedGroup::secp256r1) {
        return g;
      }
      continue;
    }
    if (std::find(ch.supported_groups->begin(), ch.supported_groups->end(), g) !=
        ch.supported_groups->end()) {
      return g;
    }
  }
  if (want_ffdhe && client_has_ffdhe) {
    ffdhe_refused = true;
  }
  return std::nullopt;
}

}  // namespace

Result<ProtocolVersion> choose_version(const msgs::ClientHello& ch, const ServerConfig& config) {
  //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.5
  //# Any endpoint
  //# receiving a Hello message with ClientHello.legacy_version or
  //# ServerHello.legacy_version set to 0x0300 MUST abort the handshake
  //# with a "protocol_version" alert.
  if (ch.legacy_version <= 0x0300) {
    return make_error(
        ErrorKind::kPeerIncompatible, AlertDescription::protocol_version,
        "ClientHello legacy_version " + version_text(ch.legacy_version) + " is SSL 3.0 or older");
  }
  const bool tls13 = version_enabled(config, ProtocolVersion::TLSv1_3);
  const bool tls12 = version_enabled(config, ProtocolVersion::TLSv1_2);
  uint16_t client_max = 0;
  std::optional<ProtocolVersion> chosen;
  if (ch.supported_versions) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1
    //# If this extension is present in the ClientHello, servers MUST NOT use the
    //# ClientHello.legacy_version value for version negotiation and MUST use only the
    //# "supported_versions" extension to determine client preferences.
    bool offers13 = false;
    bool offers12 = false;
    for (uint16_t v : *ch.supported_versions) {
      offers13 = offers13 || v == 0x0304;
      offers12 = offers12 || v == 0x0303;
      // GREASE values (RFC 8701) and drafts are not versions a client could fall back from.
      if (v <= 0x0304) {
        client_max = std::max(client_max, v);
      }
    }
    if (offers13 && tls13) {
      chosen = ProtocolVersion::TLSv1_3;
    } else if (offers12 && tls12) {
      chosen = ProtocolVersion::TLSv1_2;
    }
  } else {
    // A ClientHello without supported_versions offers at most TLS 1.2 (RFC 8446 section
    // 4.2.1), whatever its legacy_version says.
    client_max = std::min<uint16_t>(ch.legacy_version, 0x0303);
    if (ch.legacy_version >= 0x0303 && tls12) {
      chosen = ProtocolVersion::TLSv1_2;
    }
  }
  if (!chosen) {
    std::string enabled = tls13 && tls12 ? "TLS 1.2 and TLS 1.3"
                          : tls13        ? "TLS 1.3 only"
                                         : "TLS 1.2 only";
    return make_error(ErrorKind::kPeerIncompatible, AlertDescription::protocol_version,
                      "no protocol version in common: the client offers at most " +
                          version_text(client_max) + ", the server accepts " + enabled);
  }
  // RFC 7507 section 3: a ClientHello with TLS_FALLBACK_SCSV whose highest version is below the
  // server's highest gets a fatal inappropriate_fallback alert (when its version is supported at
  // all; otherwise protocol_version, above).
  const uint16_t server_max = tls13 ? 0x0304 : 0x0303;
  if (contains(std::span<const CipherSuite>(ch.cipher_suites), CipherSuite::TLS_FALLBACK_SCSV) &&
      server_max > client_max) {
    return make_error(ErrorKind::kPeerIncompatible, AlertDescription::inappropriate_fallback,
                      "the client signals a fallback (TLS_FALLBACK_SCSV) to " +
                          version_text(client_max) + ", below the server's highest version");
  }
  return *chosen;
}

Result<Tls12Choice> negotiate_tls12(const msgs::ClientHello& ch, const ServerConfig& config,
                                    const ProviderSupport& support,
                                    std::optional<std::string_view>* accepted_server_name) {
  //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.1.2
  //# This vector MUST contain, and all implementations MUST support,
  //# CompressionMethod.null.
  if (std::find(ch.legacy_compression_methods.begin(), ch.legacy_compression_methods.end(), 0) ==
      ch.legacy_compression_methods.end()) {
    return illegal_parameter("ClientHello compression methods do not include null");
  }
  Tls12Choice choice;
  GLASSTLS_ASSIGN(choice.server_name, check_server_name(ch));
  if (accepted_server_name != nullptr) {
    *accepted_server_name = choice.server_name;
  }
  //= https://www.rfc-editor.org/rfc/rfc5746#section-3.6
  //# o  If the extension is present, set secure_renegotiation flag to TRUE.
  //#    The server MUST then verify that the length of the
  //#    "renegotiated_connection" field is zero, and if it is not, MUST
  //#    abort the handshake.
  if (ch.renegotiation_info && !ch.renegotiation_info->empty()) {
    return handshake_failure("renegotiation_info of an initial handshake is not empty");
  }
  choice.renegotiation_info =
      ch.renegotiation_info.has_value() || contains(std::span<const CipherSuite>(ch.cipher_suites),
                                                    CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
  //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.1.4.1
  //# If the client does not send the signature_algorithms extension, the
  //# server MUST do the following:
  // assume SHA-1, which glasstls does not sign with: such a client gets no suite.
  static const std::vector<SignatureScheme> kNoSchemes;
  const std::vector<SignatureScheme>& client_schemes =
      ch.signature_algorithms ? *ch.signature_algorithms : kNoSchemes;
  bool ffdhe_refused = false;
  std::optional<CertChoice> cert;
  for (CipherSuite c : config.cipher_suites) {
    const crypto::SuiteRow* row = crypto::find_suite(c);
    if (row->version != ProtocolVersion::TLSv1_2 ||
        !contains(std::span<const CipherSuite>(ch.cipher_suites), c) ||
        !contains(support.suites, c)) {
      continue;
    }
    auto group = choose_tls12_group(ch, config, support, row->kx, ffdhe_refused);
    if (!group) {
      continue;
    }
    cert = choose_tls12_certificate(config, ch.server_name, row->auth, client_schemes);
    if (!cert) {
      continue;
    }
    choice.suite = c;
    choice.row = row;
    choice.group = *group;
    break;
  }
  if (choice.row == nullptr) {
    if (ffdhe_refused) {
      //= https://www.rfc-editor.org/rfc/rfc7919#section-4
      //# If the extension is present
      //# with FFDHE groups, none of the client's offered groups are acceptable
      //# by the server, and none of the client's proposed non-FFDHE cipher
      //# suites are acceptable to the server, the server MUST end the
      //# connection with a fatal TLS alert of type insufficient_security(71).
      return make_error(ErrorKind::kPeerIncompatible, AlertDescription::insufficient_security,
                        "the client's finite-field groups are not acceptable and no other "
                        "suite is in common");
    }
    return handshake_failure(
        "no TLS 1.2 cipher suite in common for which a group and a certificate the client "
        "accepts are configured");
  }
  if (ch.ec_point_formats && choice.row->kx == crypto::SuiteKx::kEcdhe) {
    //= https://www.rfc-editor.org/rfc/rfc8422#section-5.1.2
    //# If the client sends the extension and the extension does not contain
    //# the uncompressed point format, and the client has used the Supported
    //# Groups extension to indicate support for any of the curves defined in
    //# this specification, then the server MUST abort the handshake and
    //# return an illegal_parameter alert.
    if (!contains(std::span<const uint8_t>(*ch.ec_point_formats), uint8_t{0})) {
      return illegal_parameter("ec_point_formats does not include the uncompressed format");
    }
    choice.ec_point_formats = true;
  }
  GLASSTLS_ASSIGN(choice.alpn, choose_alpn(ch, config));
  choice.certificate = cert->key;
  choice.scheme = cert->scheme;
  choice.server_name_acknowledged = cert->sni_matched;
  choice.staple_ocsp = ch.status_request &&
                       ch.status_request->status_type == msgs::kStatusTypeOcsp &&
                       cert->key->ocsp != nullptr;
  choice.request_client_certificate = config.client_verifier != nullptr;
  choice.extended_master_secret = ch.extended_master_secret;
  //= https://www.rfc-editor.org/rfc/rfc7366#section-3
  //# If a server receives an encrypt-then-MAC request extension from a
  //# client and then selects a stream or Authenticated Encryption with
  //# Associated Data (AEAD) ciphersuite, it MUST NOT send an encrypt-then-
  //# MAC response extension back to the client.
  choice.encrypt_then_mac =
      ch.encrypt_then_mac && choice.row->protection == crypto::Protection::kCbcHmac;
  return choice;
}

bool server_name_matches(std::string_view pattern, std::string_view host) {
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

Result<ServerChoice> negotiate(const msgs::ClientHello& ch, const ServerConfig& config,
                               const ProviderSupport& support, const HelloRetrySent* retry,
                               std::optional<std::string_view>* accepted_server_name) {
  GLASSTLS_TRY(check_hello(ch, retry));
  ServerChoice choice;
  choice.version = ProtocolVersion::TLSv1_3;
  choice.early_data_offered = ch.has_early_data;
  GLASSTLS_ASSIGN(choice.suite, choose_suite(ch, config, support, retry));

  // Group: a share the client sent for a group we accept; otherwise ask for our preferred group
  // in common with a HelloRetryRequest.
  GLASSTLS_ASSIGN(const msgs::KeyShareEntry* share, choose_share(ch, config, retry));
  if (share == nullptr) {
    for (NamedGroup g : config.groups) {
      if (std::find(ch.supported_groups->begin(), ch.supported_groups->end(), g) !=
          ch.supported_groups->end()) {
        choice.hello_retry_group = g;
        return choice;
      }
    }
    return handshake_failure("no key exchange group in common");
  }

  GLASSTLS_ASSIGN(choice.server_name, check_server_name(ch));
  if (accepted_server_name != nullptr) {
    *accepted_server_name = choice.server_name;
  }
  // Certificate by SNI and signature scheme.
  auto cert = choose_certificate(config, ch.server_name, *ch.signature_algorithms);
  if (!cert) {
    return handshake_failure("no certificate can be signed with a scheme the client accepts");
  }
  GLASSTLS_ASSIGN(choice.alpn, choose_alpn(ch, config));
  if (!contains(support.groups, share->group)) {
    return internal_error("configured group has no implementation");
  }

  choice.key_share = *share;
  choice.certificate = cert->key;
  choice.scheme = cert->scheme;
  choice.server_name_acknowledged = cert->sni_matched;
  //= https://www.rfc-editor.org/rfc/rfc6066#section-8
  //# Servers that receive a client hello containing the "status_request"
  //# extension MAY return a suitable certificate status response to the
  //# client along with their certificate.
  // ocsp is the only status type defined; a request of another type gets no staple.
  choice.staple_ocsp = ch.status_request &&
                       ch.status_request->status_type == msgs::kStatusTypeOcsp &&
                       cert->key->ocsp != nullptr;
  choice.request_client_certificate = config.client_verifier != nullptr;
  return choice;
}

}  // namespace glasstls::conn
