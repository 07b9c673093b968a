// config.h: client and server configurations.
//
// A configuration is built once with its Builder, validated by build(), and is then immutable:
// one std::shared_ptr<const ClientConfig> (or ServerConfig) can be shared by any number of
// connections on any number of threads. Configurations can only be made by their Builder.
//
// Thread safety: the objects a configuration holds (CertificateVerifier, KeyLog, SigningKey,
// CryptoProvider, OcspStaple) are shared by every connection made from it and called from the
// threads those connections run on, concurrently: a caller's implementation must be safe to call
// from several threads at once (immutable, or synchronised inside).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "glasstls/crypto.h"
#include "glasstls/error.h"
#include "glasstls/result.h"
#include "glasstls/session.h"
#include "glasstls/types.h"

namespace glasstls {

using Bytes = std::vector<uint8_t>;

// CertificateChain is a chain of DER certificates, end-entity first.
using CertificateChain = std::vector<Bytes>;

// PrivateKey is a private key to sign handshakes with (ECDSA P-256/P-384, RSA 2048-4096,
// Ed25519): loaded from a file, or supplied by the caller.
class PrivateKey {
 public:
  // from_pem loads a key from PEM text (PKCS#8 "PRIVATE KEY", SEC1 "EC PRIVATE KEY" or PKCS#1
  // "RSA PRIVATE KEY") or from DER PKCS#8. Fails with kBadConfig naming the reason.
  static Result<PrivateKey> from_pem(std::string_view pem_or_der);
  // PrivateKey(key) wraps a caller's own SigningKey (crypto.h), for example one whose private
  // key stays in a hardware module: glasstls asks it for its type, public key and schemes, and
  // calls sign() for each handshake it authenticates, from any thread.
  explicit PrivateKey(std::shared_ptr<const crypto::SigningKey> key) : key_(std::move(key)) {}
  const std::shared_ptr<const crypto::SigningKey>& key() const { return key_; }

 private:
  std::shared_ptr<const crypto::SigningKey> key_;
};

// load_certificate_chain reads every CERTIFICATE block of a PEM text, in order. Fails when
// there is none or one does not decode.
Result<CertificateChain> load_certificate_chain(std::string_view pem);

// CertificateVerifier decides whether the peer's certificate chain is trusted for `server_name`.
// glasstls calls it after the chain arrives and before it checks CertificateVerify; the
// signature over the handshake is always checked by glasstls itself with the leaf's key.
// Thread safety: one verifier serves every connection of its configuration, so its methods are
// called concurrently from those connections' threads; they must be safe to call that way (the
// verifiers glasstls makes are immutable).
class CertificateVerifier {
 public:
  virtual ~CertificateVerifier() = default;
  // verify returns Ok to trust `chain` (DER, leaf first; never empty) or an Error whose alert
  // is sent to the peer (bad_certificate, unknown_ca, certificate_expired, ...).
  virtual Status verify(std::span<const Bytes> chain, std::string_view server_name) const = 0;
  // checks_server_name says whether verify() matches the chain against `server_name`. A client
  // whose verifier checks names must be given a name (Connection::client fails on an empty
  // one) unless the configuration asks to skip the check by name
  // (ClientConfig::Builder::dangerous_skip_server_name_check). Verifiers that ignore the name,
  // such as pin_sha256_verifier, return false.
  virtual bool checks_server_name() const { return true; }
  // wants_ocsp_staple says whether the client asks the server to staple an OCSP response for
  // its certificate (the status_request extension, RFC 6066 section 8 and RFC 8446 section
  // 4.4.2.1). When it does, glasstls calls verify_stapled() instead of verify().
  virtual bool wants_ocsp_staple() const { return false; }
  // verify_stapled is verify() with the DER OCSPResponse the peer stapled for its leaf
  // certificate (empty when it stapled none). A verifier that checks the response fails with
  // bad_certificate_status_response when it is not acceptable, and with certificate_revoked
  // when it says the leaf is revoked. The default ignores the response.
  virtual Status verify_stapled(std::span<const Bytes> chain, std::string_view server_name,
                                std::span<const uint8_t> ocsp_response) const {
    (void)ocsp_response;
    return verify(chain, server_name);
  }
  // verify_with_report is verify_stapled() that also appends to `report` what the verifier
  // learned, one sentence per line (the path it built, each certificate's revocation status
  // and where it came from), for the illustrated view. glasstls calls it in place of
  // verify_stapled(). The default reports nothing.
  virtual Status verify_with_report(std::span<const Bytes> chain, std::string_view server_name,
                                    std::span<const uint8_t> ocsp_response,
                                    std::vector<std::string>& report) const {
    (void)report;
    return verify_stapled(chain, server_name, ocsp_response);
  }
};

// OcspStaple holds the DER OCSPResponse a server staples for one of its certificates. It may be
// replaced at any time, from any thread (a fresh response was fetched, the file was rewritten);
// handshakes that start afterwards send the new response. An empty response staples nothing.
class OcspStaple {
 public:
  OcspStaple();
  explicit OcspStaple(Bytes der);
  ~OcspStaple();
  void set(Bytes der);
  // get returns the current response (never null; empty when there is none).
  std::shared_ptr<const Bytes> get() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// pin_sha256_verifier trusts a chain whose end-entity SubjectPublicKeyInfo hashes (SHA-256) to
// one of `pins`; anything else fails with bad_certificate. Pinning ignores names and dates.
std::shared_ptr<const CertificateVerifier> pin_sha256_verifier(
    std::vector<std::array<uint8_t, 32>> pins);

// KeyLog receives TLS secrets in the NSS key log format, for debugging with a packet analyser.
// Thread safety: log() is called concurrently from the threads of every connection that shares
// the configuration; key_log_file serialises its writes.
class KeyLog {
 public:
  virtual ~KeyLog() = default;
  // log is called once per secret with its label ("CLIENT_HANDSHAKE_TRAFFIC_SECRET", ...), the
  // ClientHello random and the secret. It may be called from any connection's thread.
  virtual void log(std::string_view label, std::span<const uint8_t> client_random,
                   std::span<const uint8_t> secret) = 0;
};

// key_log_file appends NSS key log lines to the file at `path` (created if missing, mode 0600).
// Returns nullptr if it cannot be opened.
std::shared_ptr<KeyLog> key_log_file(const std::string& path);
// key_log_from_env is key_log_file($SSLKEYLOGFILE), or nullptr when the variable is unset.
std::shared_ptr<KeyLog> key_log_from_env();
// format_key_log_line renders one line of the NSS key log format (without the newline).
std::string format_key_log_line(std::string_view label, std::span<const uint8_t> client_random,
                                std::span<const uint8_t> secret);

// default_cipher_suites: the TLS 1.3 suites (AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305), then
// the TLS 1.2 suites with an AEAD: ECDHE-ECDSA and ECDHE-RSA with AES-128-GCM, AES-256-GCM and
// ChaCha20-Poly1305, and DHE-RSA with the same. One list serves both versions: each version
// uses the suites of the list that belong to it, in the list's order.
std::vector<CipherSuite> default_cipher_suites();
// legacy_cbc_cipher_suites: the TLS 1.2 CBC suites glasstls implements, off by default:
// ECDHE-ECDSA, ECDHE-RSA and DHE-RSA with AES-128/256-CBC and HMAC-SHA256/SHA384 or HMAC-SHA1.
// A configuration offers or accepts them only when they are in its list, by name or all at once
// with allow_legacy_cbc_suites(). Their records are protected with encrypt-then-MAC (RFC 7366)
// when the peer agrees, and with MAC-then-encrypt otherwise.
std::vector<CipherSuite> legacy_cbc_cipher_suites();
// default_groups: X25519, P-256, P-384, then ffdhe2048 and ffdhe3072 (RFC 7919: for DHE in
// TLS 1.2, and in TLS 1.3 after a HelloRetryRequest). default_key_share_groups: X25519, P-256.
std::vector<NamedGroup> default_groups();
std::vector<NamedGroup> default_key_share_groups();
// default_signature_schemes: ECDSA P-256/P-384, RSA-PSS (rsae) SHA-256/384/512, Ed25519, then
// RSA PKCS#1 v1.5 SHA-256/384/512, which only TLS 1.2 handshakes sign with (TLS 1.3 allows them
// only in certificates).
std::vector<SignatureScheme> default_signature_schemes();

// The protocol versions glasstls speaks: TLS 1.2 (RFC 5246) and TLS 1.3 (RFC 8446). SSL 3.0,
// TLS 1.0 and TLS 1.1 are never negotiated.
inline constexpr ProtocolVersion kMinSupportedVersion = ProtocolVersion::TLSv1_2;
inline constexpr ProtocolVersion kMaxSupportedVersion = ProtocolVersion::TLSv1_3;

class ClientConfig {
 public:
  class Builder {
   public:
    Builder();
    // cipher_suites sets the suites offered, in preference order (TLS 1.3 and TLS 1.2 suites
    // in one list; see default_cipher_suites()).
    Builder& cipher_suites(std::vector<CipherSuite> suites);
    // allow_legacy_cbc_suites appends legacy_cbc_cipher_suites() to the suites (those not in
    // the list already): for servers that speak nothing better.
    Builder& allow_legacy_cbc_suites();
    // versions sets the lowest and highest protocol versions offered (TLS 1.2 and TLS 1.3 by
    // default). build() fails for anything outside TLS 1.2..TLS 1.3 or min above max.
    Builder& versions(ProtocolVersion min, ProtocolVersion max);
    // groups sets the groups offered in supported_groups, in preference order.
    Builder& groups(std::vector<NamedGroup> groups);
    // key_share_groups sets which groups get a key share in the first ClientHello (each must be
    // in groups()). Empty means the first of groups().
    Builder& key_share_groups(std::vector<NamedGroup> groups);
    Builder& signature_schemes(std::vector<SignatureScheme> schemes);
    // alpn sets the application protocols offered, in preference order.
    Builder& alpn(std::vector<std::string> protocols);
    // verifier sets how the server's certificate is trusted. Without one, build() installs
    // WebPKI validation against the system trust store (webpki_verifier in x509.h), and fails
    // if that store cannot be loaded: glasstls never accepts a server silently.
    Builder& verifier(std::shared_ptr<const CertificateVerifier> verifier);
    // dangerous_accept_any_server_certificate trusts any server. Only for tests and debugging.
    Builder& dangerous_accept_any_server_certificate();
    // dangerous_skip_server_name_check validates the server's chain without matching it to the
    // server name (the verifier is handed an empty name): any certificate the trust anchors
    // vouch for is accepted, whoever it names. Only for tests and debugging. Without it, a
    // client whose verifier checks names refuses to start with an empty server name.
    Builder& dangerous_skip_server_name_check();
    Builder& key_log(std::shared_ptr<KeyLog> log);
    // compatibility_mode turns middlebox compatibility mode (RFC 8446 appendix D.4) on or off
    // (on by default).
    Builder& compatibility_mode(bool on);
    // keep_session_tickets keeps up to `max` (at most 16) of the newest NewSessionTicket
    // messages for Connection::session_tickets(), for a caller that inspects them. The default,
    // 0, keeps none. Resumption does not need them: the session store does (session_store).
    Builder& keep_session_tickets(size_t max);
    // client_certificate sets the chain and key to present if the server asks for one.
    Builder& client_certificate(CertificateChain chain, PrivateKey key);
    // session_store sets where TLS 1.3 tickets are kept and found again (session.h). By
    // default each built configuration has its own memory_session_store(), so connections made
    // from one configuration resume each other's sessions; nullptr turns resumption off.
    Builder& session_store(std::shared_ptr<SessionStore> store);
    // clock sets the clock ticket ages are measured with (system_clock_ms by default).
    Builder& clock(Clock clock);
    // early_data lets the client send 0-RTT data (RFC 8446 section 2.3) when it resumes a TLS
    // 1.3 session whose ticket allows it: Connection::write_early_data() then sends it with the
    // first flight. Off by default. Early data can be replayed by an attacker: send only what
    // is safe to act on twice.
    Builder& early_data(bool on);
    // psk_ke offers PSK-only resumption (psk_ke, RFC 8446 section 4.2.9) beside psk_dhe_ke: a
    // server that allows it may then resume without a fresh (EC)DHE exchange, saving its cost
    // but giving that connection no forward secrecy against a later theft of the ticket's
    // keys. Off by default.
    Builder& psk_ke(bool on);
    // provider replaces the crypto provider, crypto::default_provider() unless set (for example
    // crypto::openssl_provider() for OpenSSL's X25519, or a copy of one with a member of the
    // caller's own, see crypto.h). It must outlive the config.
    Builder& provider(const crypto::CryptoProvider* provider);

    // build validates the configuration (non-empty supported lists, known values, a verifier,
    // ALPN names 1..255 bytes) and returns it.
    Result<std::shared_ptr<const ClientConfig>> build() const;

   private:
    std::shared_ptr<ClientConfig> config_;
  };

  // The settings, read-only once built (a configuration is only ever handed out as a
  // std::shared_ptr<const ClientConfig> by Builder::build(), which checked them).

  std::vector<CipherSuite> cipher_suites;
  ProtocolVersion min_version = kMinSupportedVersion;
  ProtocolVersion max_version = kMaxSupportedVersion;
  std::vector<NamedGroup> groups;
  std::vector<NamedGroup> key_share_groups;
  std::vector<SignatureScheme> signature_schemes;
  std::vector<std::string> alpn;
  std::shared_ptr<const CertificateVerifier> verifier;
  bool accept_any_certificate = false;
  bool skip_server_name_check = false;
  std::shared_ptr<KeyLog> key_log;
  bool compatibility_mode = true;
  size_t keep_session_tickets = 0;
  CertificateChain client_chain;
  std::shared_ptr<const crypto::SigningKey> client_key;
  const crypto::CryptoProvider* provider = nullptr;
  std::shared_ptr<SessionStore> session_store;
  bool session_store_set = false;  // session_store() was called (nullptr then means off)
  Clock clock;
  bool early_data = false;
  bool psk_ke = false;

 private:
  // Only the Builder makes one, so that every configuration in use went through build().
  ClientConfig() = default;
  ClientConfig(const ClientConfig&) = default;
  ClientConfig& operator=(const ClientConfig&) = delete;
};

class ServerConfig {
 public:
  // CertifiedKey is one certificate chain with its private key, and the host names it serves
  // (exact names or "*.example.com"). A key with no names is the default.
  struct CertifiedKey {
    CertificateChain chain;
    std::shared_ptr<const crypto::SigningKey> key;
    std::vector<std::string> names;
    // ocsp: the OCSP response stapled for this chain's leaf when the client asks (null: none).
    std::shared_ptr<const OcspStaple> ocsp;
  };

  class Builder {
   public:
    Builder();
    // cipher_suites sets the suites accepted, in the server's preference order (TLS 1.3 and
    // TLS 1.2 suites in one list).
    Builder& cipher_suites(std::vector<CipherSuite> suites);
    // allow_legacy_cbc_suites appends legacy_cbc_cipher_suites() to the suites.
    Builder& allow_legacy_cbc_suites();
    // versions sets the lowest and highest protocol versions accepted (TLS 1.2 and TLS 1.3 by
    // default). The server picks the highest version both sides support.
    Builder& versions(ProtocolVersion min, ProtocolVersion max);
    Builder& groups(std::vector<NamedGroup> groups);
    Builder& signature_schemes(std::vector<SignatureScheme> schemes);
    // alpn sets the protocols the server accepts, in its preference order. When set and the
    // client offers ALPN with no overlap, the handshake fails with no_application_protocol.
    Builder& alpn(std::vector<std::string> protocols);
    // add_certificate adds a chain and key for `names` (empty: the default for any name).
    // `ocsp`, when given, holds the OCSP response stapled for the leaf (see OcspStaple).
    Builder& add_certificate(CertificateChain chain, PrivateKey key,
                             std::vector<std::string> names = {},
                             std::shared_ptr<const OcspStaple> ocsp = nullptr);
    Builder& key_log(std::shared_ptr<KeyLog> log);
    // request_client_certificate makes the server send a CertificateRequest and check the
    // client's chain with `verifier` (for example webpki_verifier(roots, kClientAuth)). With
    // `required`, a client that sends no certificate fails with certificate_required; otherwise
    // it may go on unauthenticated. `authorities` are DER distinguished names sent in the
    // certificate_authorities extension (empty: none).
    Builder& request_client_certificate(std::shared_ptr<const CertificateVerifier> verifier,
                                        bool required, std::vector<Bytes> authorities = {});
    // provider replaces the crypto provider, crypto::default_provider() unless set (for example
    // crypto::openssl_provider() for OpenSSL's X25519, or a copy of one with a member of the
    // caller's own, see crypto.h). It must outlive the config.
    Builder& provider(const crypto::CryptoProvider* provider);
    // session_tickets makes the server send `count` NewSessionTicket messages (at most 16) after
    // each full TLS 1.3 handshake, each valid for `lifetime_s` seconds (at most 604800, seven
    // days; RFC 8446 section 4.6.1), and resume the sessions they carry. 0 sends none and
    // resumes nothing, which is the default: a server sends tickets only when asked to.
    Builder& session_tickets(size_t count, uint32_t lifetime_s = 7200);
    // ticket_keys sets the key ring tickets are sealed with (session.h). Without one, build()
    // makes a ring of one random key for this configuration alone.
    Builder& ticket_keys(std::shared_ptr<TicketKeys> keys);
    // clock sets the clock ticket ages are measured with (system_clock_ms by default).
    Builder& clock(Clock clock);
    // session_store sets where the server keeps sessions by id (session.h): TLS 1.2 sessions
    // it resumes by session ID, and TLS 1.3 tickets when single_use_tickets is on. Without one,
    // build() makes a memory_server_session_store() for this configuration alone when tickets
    // are on. Share one (for example a Redis store) between servers so they resume each
    // other's sessions.
    Builder& session_store(std::shared_ptr<ServerSessionStore> store);
    // single_use_tickets makes each TLS 1.3 ticket an id into the session store, taken on use,
    // so a ticket resumes at most once (RFC 8446 section 8.1), instead of a self-contained
    // ticket sealed under the ticket keys (the default).
    Builder& single_use_tickets(bool on);
    // early_data accepts up to `max_size` bytes of 0-RTT data (RFC 8446 section 2.3) on
    // resumed TLS 1.3 connections, from ClientHellos whose ticket age is within `window_ms` of
    // what the server expects; each such ClientHello is accepted once (recorded in the
    // anti_replay store, or by single-use tickets). 0 (the default) accepts none. Early data
    // reaches the application through Connection::read_early_data(), since it may be a replay.
    Builder& early_data(uint32_t max_size, uint32_t window_ms = 10000);
    // anti_replay sets where ClientHellos that carried accepted early data are recorded
    // (session.h). Without one, build() makes a memory_anti_replay() for this configuration
    // alone when early data is on.
    Builder& anti_replay(std::shared_ptr<AntiReplay> store);
    // psk_ke resumes with PSK-only key establishment (psk_ke, RFC 8446 section 4.2.9) when the
    // client offers it, instead of psk_dhe_ke: no (EC)DHE exchange, and so no forward secrecy
    // for that connection against a later theft of the ticket keys. Off by default.
    Builder& psk_ke(bool on);

    // build validates the configuration: at least one certificate, each key matching its
    // certificate's public key type, known values.
    Result<std::shared_ptr<const ServerConfig>> build() const;

   private:
    std::shared_ptr<ServerConfig> config_;
  };

  // The settings, read-only once built (a configuration is only ever handed out as a
  // std::shared_ptr<const ServerConfig> by Builder::build(), which checked them).

  std::vector<CipherSuite> cipher_suites;
  ProtocolVersion min_version = kMinSupportedVersion;
  ProtocolVersion max_version = kMaxSupportedVersion;
  std::vector<NamedGroup> groups;
  std::vector<SignatureScheme> signature_schemes;
  std::vector<std::string> alpn;
  std::vector<CertifiedKey> certificates;
  std::shared_ptr<KeyLog> key_log;
  std::shared_ptr<const CertificateVerifier> client_verifier;
  bool client_certificate_required = false;
  std::vector<Bytes> client_authorities;
  const crypto::CryptoProvider* provider = nullptr;
  size_t session_tickets = 0;
  uint32_t ticket_lifetime_s = 7200;
  std::shared_ptr<TicketKeys> ticket_keys;
  Clock clock;
  std::shared_ptr<ServerSessionStore> session_store;
  bool single_use_tickets = false;
  uint32_t max_early_data = 0;
  uint32_t early_data_window_ms = 10000;
  std::shared_ptr<AntiReplay> anti_replay;
  bool psk_ke = false;

 private:
  // Only the Builder makes one, so that every configuration in use went through build().
  ServerConfig() = default;
  ServerConfig(const ServerConfig&) = default;
  ServerConfig& operator=(const ServerConfig&) = delete;
};

}  // namespace glasstls
