// config.cc: configuration builders, verifiers and key logs.
#include "glasstls/config.h"
#include "glasstls/x509.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/suites.h"
#include "glasstls/crypto.h"
#include "x509/certificate.h"
#include "x509/private_key.h"

namespace glasstls {

namespace {

Error bad_config(std::string reason) {
  return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error, std::move(reason));
}

template <typename T>
Status check_nonempty_unique(const std::vector<T>& v, const char* what) {
  if (v.empty()) {
    return bad_config(std::string("no ") + what + " configured");
  }
  for (size_t i = 0; i < v.size(); i++) {
    for (size_t j = i + 1; j < v.size(); j++) {
      if (v[i] == v[j]) {
        return bad_config(std::string("duplicate entry in ") + what);
      }
    }
  }
  return Ok{};
}

// check_versions checks a configured version range.
Status check_versions(ProtocolVersion min, ProtocolVersion max) {
  auto supported = [](ProtocolVersion v) {
    return v == ProtocolVersion::TLSv1_2 || v == ProtocolVersion::TLSv1_3;
  };
  if (!supported(min) || !supported(max)) {
    return bad_config(
        "unsupported protocol version: glasstls speaks TLS 1.2 and TLS 1.3 only (SSL 3.0, "
        "TLS 1.0 and TLS 1.1 are never negotiated)");
  }
  if (static_cast<uint16_t>(min) > static_cast<uint16_t>(max)) {
    return bad_config("the minimum protocol version is above the maximum");
  }
  return Ok{};
}

bool version_enabled(ProtocolVersion v, ProtocolVersion min, ProtocolVersion max) {
  return static_cast<uint16_t>(v) >= static_cast<uint16_t>(min) &&
         static_cast<uint16_t>(v) <= static_cast<uint16_t>(max);
}

Status check_common(const crypto::CryptoProvider& provider, const std::vector<CipherSuite>& suites,
                    ProtocolVersion min_version, ProtocolVersion max_version,
                    const std::vector<NamedGroup>& groups,
                    const std::vector<SignatureScheme>& schemes,
                    const std::vector<std::string>& alpn) {
  GLASSTLS_TRY(check_versions(min_version, max_version));
  GLASSTLS_TRY(check_nonempty_unique(suites, "cipher suites"));
  GLASSTLS_TRY(check_nonempty_unique(groups, "groups"));
  GLASSTLS_TRY(check_nonempty_unique(schemes, "signature schemes"));
  bool usable = false;
  for (CipherSuite s : suites) {
    // A suite of the table that the provider implements.
    if (!crypto::suite_info(provider, s).has_value()) {
      return bad_config("unsupported cipher suite 0x" +
                        to_hex(Bytes{static_cast<uint8_t>(static_cast<uint16_t>(s) >> 8),
                                     static_cast<uint8_t>(s)}));
    }
    usable = usable || version_enabled(crypto::find_suite(s)->version, min_version, max_version);
  }
  if (!usable) {
    return bad_config("no configured cipher suite belongs to an enabled protocol version");
  }
  for (NamedGroup g : groups) {
    if (provider.group(g) == nullptr) {
      std::string_view n = name(g);
      return bad_config("unsupported group " +
                        (n.empty() ? std::string("(unknown)") : std::string(n)));
    }
  }
  for (SignatureScheme s : schemes) {
    switch (s) {
      case SignatureScheme::ecdsa_secp256r1_sha256:
      case SignatureScheme::ecdsa_secp384r1_sha384:
      case SignatureScheme::ecdsa_secp521r1_sha512:
      case SignatureScheme::rsa_pss_rsae_sha256:
      case SignatureScheme::rsa_pss_rsae_sha384:
      case SignatureScheme::rsa_pss_rsae_sha512:
      case SignatureScheme::rsa_pss_pss_sha256:
      case SignatureScheme::rsa_pss_pss_sha384:
      case SignatureScheme::rsa_pss_pss_sha512:
      case SignatureScheme::ed25519:
      case SignatureScheme::ed448:
      // TLS 1.2 handshakes only: TLS 1.3 signs no handshake with RSASSA-PKCS1-v1_5.
      case SignatureScheme::rsa_pkcs1_sha256:
      case SignatureScheme::rsa_pkcs1_sha384:
      case SignatureScheme::rsa_pkcs1_sha512: break;
      default: {
        std::string_view n = name(s);
        return bad_config("unsupported signature scheme " +
                          (n.empty() ? std::string("(unknown)") : std::string(n)) +
                          " for handshakes");
      }
    }
  }
  for (const auto& p : alpn) {
    //= https://www.rfc-editor.org/rfc/rfc7301#section-3.1
    //# opaque ProtocolName<1..2^8-1>;
    if (p.empty() || p.size() > 255) {
      return bad_config("ALPN protocol names must be 1 to 255 bytes");
    }
  }
  return Ok{};
}

class PinVerifier final : public CertificateVerifier {
 public:
  explicit PinVerifier(std::vector<std::array<uint8_t, 32>> pins) : pins_(std::move(pins)) {}
  Status verify(std::span<const Bytes> chain, std::string_view) const override {
    if (chain.empty()) {
      return make_error(ErrorKind::kInvalidCertificate, AlertDescription::bad_certificate,
                        "empty certificate chain");
    }
    // Only the key is pinned, so only the way to it is read (certificate_spki): the certificate's
    // other fields would be checked only to be ignored.
    GLASSTLS_ASSIGN(ByteView spki, x509::certificate_spki(chain.front()));
    Bytes digest = crypto::openssl_provider().sha256->digest(spki);
    for (const auto& pin : pins_) {
      if (constant_time_equal(digest, pin)) {
        return Ok{};
      }
    }
    return make_error(
        ErrorKind::kInvalidCertificate, AlertDescription::bad_certificate,
        "server key does not match the pinned SHA-256 (its SPKI hash is " + to_hex(digest) + ")");
  }
  // Pinning trusts a key, whatever names its certificate carries.
  bool checks_server_name() const override { return false; }

 private:
  std::vector<std::array<uint8_t, 32>> pins_;
};

class FileKeyLog final : public KeyLog {
 public:
  explicit FileKeyLog(int fd) : fd_(fd) {}
  ~FileKeyLog() override { ::close(fd_); }
  void log(std::string_view label, std::span<const uint8_t> client_random,
           std::span<const uint8_t> secret) override {
    std::string line = format_key_log_line(label, client_random, secret) + "\n";
    std::lock_guard<std::mutex> lock(mu_);
    size_t off = 0;
    while (off < line.size()) {
      ssize_t n = ::write(fd_, line.data() + off, line.size() - off);
      if (n <= 0) {
        return;
      }
      off += static_cast<size_t>(n);
    }
  }

 private:
  int fd_;
  std::mutex mu_;
};

}  // namespace

Result<PrivateKey> PrivateKey::from_pem(std::string_view pem_or_der) {
  // The containers (PKCS#8, SEC1, PKCS#1) are parsed strictly by glasstls; the provider only
  // receives the resulting PKCS#8 DER. The default provider signs Ed25519 with libsodium when
  // glasstls was built with it.
  GLASSTLS_ASSIGN(auto key, x509::load_private_key(crypto::default_provider(), pem_or_der));
  return PrivateKey(std::move(key));
}

Result<CertificateChain> load_certificate_chain(std::string_view pem) {
  GLASSTLS_ASSIGN(std::vector<Bytes> chain, x509::certificate_chain_from_pem(pem));
  for (const auto& der : chain) {
    auto parsed = x509::parse_certificate(der);
    if (!parsed.ok()) {
      return bad_config("certificate does not parse: " + parsed.error().reason);
    }
  }
  return chain;
}

std::shared_ptr<const CertificateVerifier> pin_sha256_verifier(
    std::vector<std::array<uint8_t, 32>> pins) {
  return std::make_shared<PinVerifier>(std::move(pins));
}

std::string format_key_log_line(std::string_view label, std::span<const uint8_t> client_random,
                                std::span<const uint8_t> secret) {
  std::string line(label);
  line += ' ';
  line += to_hex(client_random);
  line += ' ';
  line += to_hex(secret);
  return line;
}

std::shared_ptr<KeyLog> key_log_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    return nullptr;
  }
  return std::make_shared<FileKeyLog>(fd);
}

std::shared_ptr<KeyLog> key_log_from_env() {
  const char* path = std::getenv("SSLKEYLOGFILE");
  if (path == nullptr || *path == '\0') {
    return nullptr;
  }
  return key_log_file(path);
}

std::vector<CipherSuite> default_cipher_suites() {
  // Every suite of the table that is not legacy, in its order.
  std::vector<CipherSuite> out;
  for (const crypto::SuiteRow& row : crypto::suite_table()) {
    if (!row.legacy) {
      out.push_back(row.suite);
    }
  }
  return out;
}
std::vector<CipherSuite> legacy_cbc_cipher_suites() {
  std::vector<CipherSuite> out;
  for (const crypto::SuiteRow& row : crypto::suite_table()) {
    if (row.legacy) {
      out.push_back(row.suite);
    }
  }
  return out;
}
std::vector<NamedGroup> default_groups() {
  return {NamedGroup::x25519, NamedGroup::secp256r1, NamedGroup::secp384r1, NamedGroup::ffdhe2048,
          NamedGroup::ffdhe3072};
}
std::vector<NamedGroup> default_key_share_groups() {
  return {NamedGroup::x25519, NamedGroup::secp256r1};
}
std::vector<SignatureScheme> default_signature_schemes() {
  return {SignatureScheme::ecdsa_secp256r1_sha256, SignatureScheme::ecdsa_secp384r1_sha384,
          SignatureScheme::rsa_pss_rsae_sha256,    SignatureScheme::rsa_pss_rsae_sha384,
          SignatureScheme::rsa_pss_rsae_sha512,    SignatureScheme::ed25519,
          SignatureScheme::rsa_pkcs1_sha256,       SignatureScheme::rsa_pkcs1_sha384,
          SignatureScheme::rsa_pkcs1_sha512};
}

namespace {
void append_legacy_cbc(std::vector<CipherSuite>& suites) {
  for (CipherSuite c : legacy_cbc_cipher_suites()) {
    if (std::find(suites.begin(), suites.end(), c) == suites.end()) {
      suites.push_back(c);
    }
  }
}
}  // namespace

// ---- ClientConfig ----

ClientConfig::Builder::Builder() : config_(new ClientConfig()) {
  config_->cipher_suites = default_cipher_suites();
  config_->groups = default_groups();
  config_->signature_schemes = default_signature_schemes();
}
ClientConfig::Builder& ClientConfig::Builder::cipher_suites(std::vector<CipherSuite> v) {
  config_->cipher_suites = std::move(v);
  return *this;
}
ClientConfig::Builder& ClientConfig::Builder::allow_legacy_cbc_suites() {
  append_legacy_cbc(config_->cipher_suites);
  return *this;
}
ClientConfig::Builder& ClientConfig::Builder::versions(ProtocolVersion min, ProtocolVersion max) {
  config_->min_version = min;
  config_->max_version = max;
  return *this;
}
ClientConfig::Builder& ClientConfig::Builder::groups(std::vector<NamedGroup> v) {
  config_->groups = std::move(v);
  return *this;
}
ClientConfig::Builder& ClientConfig::Builder::key_share_groups(std::vector<NamedGroup> v) {
  config_->key_share_groups = std::move(v);
  return *this;
}
ClientConfig::Builder& ClientConfig::Builder::signature_schemes(std::vector<SignatureScheme> v) {
  config_->signature_schemes = std::move(v);
  return *this;
}
ClientConfig::Builder& ClientConfig::Builder::alpn(std::vector<std::string> v) {
  config_->alpn = std::move(v);
  return *this;
}
ClientConfig::Builder& ClientConfig::Builder::verifier(
    std::shared_ptr<const CertificateVerifier> v) {
  config_->verifier = std::move(v);
  return *this;
}
ClientConfig::Builder& ClientConfig::Builder::dangerous_accept_any_server_certificate() {
  config_->accept_any_certificate = true;
  return *this;
}
ClientConfig::Builder& ClientConfig::Builder::dangerous_skip_server_name_check() {
  config_->skip_server_name_check = true;
  return *this;
}
ClientConfig::Builder& ClientConfig::Builder::key_log(std::shared_ptr<KeyLog> log) {
  config_->key_log = std::move(log);
  return *this;
}
ClientConfig::Builder& ClientConfig::Builder::keep_session_tickets(size_t max) {
  config_->keep_session_tickets = max;
  return *this;
}
ClientConfig::Builder& ClientConfig::Builder::compatibility_mode(bool on) {
  config_->compatibility_mode = on;
  return *this;
}
ClientConfig::Builder& ClientConfig::Builder::client_certificate(CertificateChain chain,
                                                                 PrivateKey key) {
  config_->client_chain = std::move(chain);
  config_->client_key = key.key();
  return *this;
}
ClientConfig::Builder& ClientConfig::Builder::provider(const crypto::CryptoProvider* p) {
  config_->provider = p;
  return *this;
}
ClientConfig::Builder& ClientConfig::Builder::session_store(std::shared_ptr<SessionStore> store) {
  config_->session_store = std::move(store);
  config_->session_store_set = true;
  return *this;
}
ClientConfig::Builder& ClientConfig::Builder::clock(Clock clock) {
  config_->clock = std::move(clock);
  return *this;
}

ClientConfig::Builder& ClientConfig::Builder::early_data(bool on) {
  config_->early_data = on;
  return *this;
}

ClientConfig::Builder& ClientConfig::Builder::psk_ke(bool on) {
  config_->psk_ke = on;
  return *this;
}

Result<std::shared_ptr<const ClientConfig>> ClientConfig::Builder::build() const {
  std::shared_ptr<ClientConfig> c(new ClientConfig(*config_));
  const crypto::CryptoProvider& provider =
      c->provider != nullptr ? *c->provider : crypto::default_provider();
  GLASSTLS_TRY(check_common(provider, c->cipher_suites, c->min_version, c->max_version, c->groups,
                            c->signature_schemes, c->alpn));
  if (c->key_share_groups.empty()) {
    // The default shares (X25519 and P-256) that are enabled, or else the first group.
    for (NamedGroup g : default_key_share_groups()) {
      if (std::find(c->groups.begin(), c->groups.end(), g) != c->groups.end()) {
        c->key_share_groups.push_back(g);
      }
    }
    if (c->key_share_groups.empty()) {
      c->key_share_groups.push_back(c->groups.front());
    }
  }
  for (NamedGroup g : c->key_share_groups) {
    if (std::find(c->groups.begin(), c->groups.end(), g) == c->groups.end()) {
      return bad_config("a key share group is not among the configured groups");
    }
  }
  if (!c->verifier && !c->accept_any_certificate) {
    // The default: WebPKI validation against the system trust store. If that store cannot be
    // loaded the configuration fails: there is never a silent accept.
    auto roots = TrustStore::system();
    if (!roots.ok()) {
      return bad_config(
          "no certificate verifier configured and the system trust store cannot "
          "be loaded: " +
          roots.error().reason);
    }
    c->verifier = webpki_verifier(std::move(roots).value(), CertificatePurpose::kServerAuth);
  }
  if (c->client_key && c->client_chain.empty()) {
    return bad_config("client key given without a certificate chain");
  }
  if (!c->session_store_set) {
    c->session_store = memory_session_store();
  }
  if (!c->clock) {
    c->clock = system_clock_ms;
  }
  return std::shared_ptr<const ClientConfig>(std::move(c));
}

// ---- ServerConfig ----

ServerConfig::Builder::Builder() : config_(new ServerConfig()) {
  config_->cipher_suites = default_cipher_suites();
  config_->groups = default_groups();
  config_->signature_schemes = default_signature_schemes();
}
ServerConfig::Builder& ServerConfig::Builder::cipher_suites(std::vector<CipherSuite> v) {
  config_->cipher_suites = std::move(v);
  return *this;
}
ServerConfig::Builder& ServerConfig::Builder::allow_legacy_cbc_suites() {
  append_legacy_cbc(config_->cipher_suites);
  return *this;
}
ServerConfig::Builder& ServerConfig::Builder::versions(ProtocolVersion min, ProtocolVersion max) {
  config_->min_version = min;
  config_->max_version = max;
  return *this;
}
ServerConfig::Builder& ServerConfig::Builder::groups(std::vector<NamedGroup> v) {
  config_->groups = std::move(v);
  return *this;
}
ServerConfig::Builder& ServerConfig::Builder::signature_schemes(std::vector<SignatureScheme> v) {
  config_->signature_schemes = std::move(v);
  return *this;
}
ServerConfig::Builder& ServerConfig::Builder::alpn(std::vector<std::string> v) {
  config_->alpn = std::move(v);
  return *this;
}
ServerConfig::Builder& ServerConfig::Builder::add_certificate(
    CertificateChain chain, PrivateKey key, std::vector<std::string> names,
    std::shared_ptr<const OcspStaple> ocsp) {
  config_->certificates.push_back({std::move(chain), key.key(), std::move(names), std::move(ocsp)});
  return *this;
}
ServerConfig::Builder& ServerConfig::Builder::key_log(std::shared_ptr<KeyLog> log) {
  config_->key_log = std::move(log);
  return *this;
}
ServerConfig::Builder& ServerConfig::Builder::request_client_certificate(
    std::shared_ptr<const CertificateVerifier> verifier, bool required,
    std::vector<Bytes> authorities) {
  config_->client_verifier = std::move(verifier);
  config_->client_certificate_required = required;
  config_->client_authorities = std::move(authorities);
  return *this;
}
ServerConfig::Builder& ServerConfig::Builder::provider(const crypto::CryptoProvider* p) {
  config_->provider = p;
  return *this;
}
ServerConfig::Builder& ServerConfig::Builder::session_tickets(size_t count, uint32_t lifetime_s) {
  config_->session_tickets = count;
  config_->ticket_lifetime_s = lifetime_s;
  return *this;
}
ServerConfig::Builder& ServerConfig::Builder::ticket_keys(std::shared_ptr<TicketKeys> keys) {
  config_->ticket_keys = std::move(keys);
  return *this;
}
ServerConfig::Builder& ServerConfig::Builder::clock(Clock clock) {
  config_->clock = std::move(clock);
  return *this;
}

ServerConfig::Builder& ServerConfig::Builder::session_store(
    std::shared_ptr<ServerSessionStore> store) {
  config_->session_store = std::move(store);
  return *this;
}

ServerConfig::Builder& ServerConfig::Builder::single_use_tickets(bool on) {
  config_->single_use_tickets = on;
  return *this;
}

ServerConfig::Builder& ServerConfig::Builder::early_data(uint32_t max_size, uint32_t window_ms) {
  config_->max_early_data = max_size;
  config_->early_data_window_ms = window_ms;
  return *this;
}

ServerConfig::Builder& ServerConfig::Builder::anti_replay(std::shared_ptr<AntiReplay> store) {
  config_->anti_replay = std::move(store);
  return *this;
}

ServerConfig::Builder& ServerConfig::Builder::psk_ke(bool on) {
  config_->psk_ke = on;
  return *this;
}

Result<std::shared_ptr<const ServerConfig>> ServerConfig::Builder::build() const {
  std::shared_ptr<ServerConfig> c(new ServerConfig(*config_));
  const crypto::CryptoProvider& provider =
      c->provider != nullptr ? *c->provider : crypto::default_provider();
  GLASSTLS_TRY(check_common(provider, c->cipher_suites, c->min_version, c->max_version, c->groups,
                            c->signature_schemes, c->alpn));
  if (c->certificates.empty()) {
    return bad_config("a server needs at least one certificate chain and key");
  }
  if (c->client_certificate_required && !c->client_verifier) {
    return bad_config("client certificates are required but no verifier is configured");
  }
  for (const auto& ck : c->certificates) {
    if (ck.chain.empty() || !ck.key) {
      return bad_config("a certificate entry has no chain or no key");
    }
    GLASSTLS_ASSIGN(x509::Certificate leaf, x509::parse_certificate(ck.chain.front()));
    Bytes spki = ck.key->public_key_spki();
    if (!std::equal(spki.begin(), spki.end(), leaf.spki.begin(), leaf.spki.end())) {
      return bad_config("private key does not match the certificate's public key");
    }
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
  //# Servers MUST NOT use any value greater than
  //# 604800 seconds (7 days).
  if (c->session_tickets > 16 || c->ticket_lifetime_s > 604800) {
    return bad_config("session_tickets: at most 16 tickets, each valid at most 604800 seconds");
  }
  if (c->session_tickets > 0 && !c->ticket_keys) {
    c->ticket_keys = TicketKeys::generate();
  }
  if (!c->clock) {
    c->clock = system_clock_ms;
  }
  if (c->max_early_data > 0 && c->session_tickets == 0) {
    return bad_config("early_data: 0-RTT data comes only on resumed sessions; turn tickets on");
  }
  if (c->session_tickets > 0 && !c->session_store) {
    c->session_store = memory_server_session_store(20000, c->clock);
  }
  if (c->max_early_data > 0 && !c->anti_replay) {
    c->anti_replay = memory_anti_replay(100000, c->clock);
  }
  return std::shared_ptr<const ServerConfig>(std::move(c));
}

}  // namespace glasstls
