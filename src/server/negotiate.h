// negotiate.h: what a TLS 1.3 server chooses from a ClientHello, as a pure function.
//
// negotiate() checks a parsed ClientHello against the server's configuration and chooses the
// version, cipher suite, key share (or the group a HelloRetryRequest asks for), certificate,
// signature scheme and ALPN protocol. It does no cryptography and no I/O and touches no
// connection: what it needs to know about the crypto provider comes in as plain data
// (ProviderSupport). The handshake (src/server/tls13.cc) then acts on the ServerChoice.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/suites.h"
#include "glasstls/config.h"
#include "glasstls/types.h"
#include "msgs/handshake.h"

namespace glasstls::conn {

// ProviderSupport lists the cipher suites and key exchange groups the connection's crypto
// provider implements. A configuration is checked against its provider when it is built; one
// that names something this provider lacks fails the handshake with internal_error, but only if
// that is what negotiation chooses.
struct ProviderSupport {
  std::span<const CipherSuite> suites;
  std::span<const NamedGroup> groups;
};

// HelloRetrySent is what the server's HelloRetryRequest asked for; the second ClientHello is
// checked against it (RFC 8446 section 4.1.2).
struct HelloRetrySent {
  CipherSuite suite{};
  NamedGroup group{};
  ByteView session_id;  // the first ClientHello's legacy_session_id
};

// ServerChoice is what the server agreed to. Its views point into the ClientHello's encoding
// (not into the parsed lists, which may be freed once negotiate() returns) and its pointers
// into the ServerConfig.
struct ServerChoice {
  ProtocolVersion version = ProtocolVersion::TLSv1_3;
  CipherSuite suite{};
  // hello_retry_group is set when the client sent no share for a group the server accepts:
  // the server asks for this group with a HelloRetryRequest, and nothing below is chosen.
  std::optional<NamedGroup> hello_retry_group;
  // key_share is the client's share to complete (its key_exchange views the ClientHello).
  msgs::KeyShareEntry key_share{};
  // server_name is the ClientHello's host name (empty when it sent none).
  std::string_view server_name;
  // certificate and scheme: the chain and key to present, and the scheme to sign with.
  const ServerConfig::CertifiedKey* certificate = nullptr;
  SignatureScheme scheme{};
  // server_name_acknowledged: the certificate was chosen by the client's server_name, and
  // EncryptedExtensions says so with an empty server_name (RFC 6066 section 3).
  bool server_name_acknowledged = false;
  // alpn is the protocol chosen (a string of ServerConfig::alpn), null when none is.
  const std::string* alpn = nullptr;
  // staple_ocsp: the client asked for an OCSP response (status_type ocsp) and the chosen
  // certificate has an OcspStaple (which may still be empty when the flight is built).
  bool staple_ocsp = false;
  // request_client_certificate: the configuration asks for a client certificate.
  bool request_client_certificate = false;
  // early_data_offered: the ClientHello carries early_data (accepted or not by the handshake).
  bool early_data_offered = false;
};

// negotiate checks `ch` and chooses how to answer it. `retry` is null for a first ClientHello
// and says what the HelloRetryRequest asked for otherwise. It fails with the alert the RFCs
// name: protocol_version (no TLS 1.3), illegal_parameter (a malformed or inconsistent offer),
// missing_extension, handshake_failure (no suite, group or certificate in common),
// no_application_protocol (ALPN offered with no overlap), or internal_error (the choice is
// not implemented by the provider, see ProviderSupport).
//
// `accepted_server_name`, when not null, is set once the ClientHello's server_name (empty when
// it has none) has passed its check, even if negotiation fails afterwards: a server reports the
// name it was asked for when no certificate or ALPN protocol suits the client.
Result<ServerChoice> negotiate(const msgs::ClientHello& ch, const ServerConfig& config,
                               const ProviderSupport& support, const HelloRetrySent* retry,
                               std::optional<std::string_view>* accepted_server_name = nullptr);

// choose_version picks the protocol version to answer `ch` with: the highest version both the
// client and the configuration enable (and have a cipher suite for). It fails with
// protocol_version when there is none, and with inappropriate_fallback when the ClientHello
// carries TLS_FALLBACK_SCSV and the server could have spoken a higher version than the client
// offered (RFC 7507 section 3).
Result<ProtocolVersion> choose_version(const msgs::ClientHello& ch, const ServerConfig& config);

// Tls12Choice is what a TLS 1.2 server agreed to. Pointers point into the ServerConfig and the
// suite table; views into the ClientHello's encoding.
struct Tls12Choice {
  CipherSuite suite{};
  const crypto::SuiteRow* row = nullptr;
  // group is the ECDHE curve or the RFC 7919 group of DHE.
  NamedGroup group{};
  std::string_view server_name;
  const ServerConfig::CertifiedKey* certificate = nullptr;
  SignatureScheme scheme{};
  bool server_name_acknowledged = false;
  const std::string* alpn = nullptr;
  bool staple_ocsp = false;
  bool request_client_certificate = false;
  // What the ServerHello answers: each only when the client asked for it.
  bool extended_master_secret = false;
  bool encrypt_then_mac = false;
  bool renegotiation_info = false;
  bool ec_point_formats = false;
};

// negotiate_tls12 checks a ClientHello that settled on TLS 1.2 and chooses the suite, the
// group, the certificate and its signature scheme, and what the ServerHello acknowledges. A
// suite is chosen only when everything it needs is there: a curve in common for ECDHE, an
// RFC 7919 group in common (or none offered) for DHE, a certificate whose key fits the suite's
// authentication and signs with a scheme the client accepts. Errors as negotiate().
Result<Tls12Choice> negotiate_tls12(
    const msgs::ClientHello& ch, const ServerConfig& config, const ProviderSupport& support,
    std::optional<std::string_view>* accepted_server_name = nullptr);

// server_name_matches compares a configured certificate name ("example.com", or a wildcard
// "*.example.com" that covers exactly one more label) with a client's server_name, ignoring
// ASCII case.
bool server_name_matches(std::string_view pattern, std::string_view host);

}  // namespace glasstls::conn
