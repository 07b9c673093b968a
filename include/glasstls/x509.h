// x509.h: certificate path validation and trust stores.
//
// glasstls parses and validates X.509 certificates itself (strict DER, RFC 5280 path
// validation, RFC 6125/9525 name matching); signatures are checked through the crypto
// provider. A WebPKI verifier built from a TrustStore is the default for clients, and for
// servers that ask for client certificates.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "glasstls/config.h"
#include "glasstls/error.h"
#include "glasstls/result.h"

namespace glasstls {

// CertificatePurpose is the extended key usage a chain must allow.
enum class CertificatePurpose : uint8_t {
  kServerAuth,  // id-kp-serverAuth
  kClientAuth,  // id-kp-clientAuth
};

// TrustStore is an immutable set of trust anchors (self-signed or not: a certificate in the store
// is trusted as it is). Shareable across threads.
class TrustStore {
 public:
  // from_pem reads every CERTIFICATE block of a PEM bundle. Certificates that do not parse are
  // skipped and counted in skipped(); a bundle with no usable certificate is an error.
  static Result<std::shared_ptr<const TrustStore>> from_pem(std::string_view pem);
  // from_file reads a PEM bundle file.
  static Result<std::shared_ptr<const TrustStore>> from_file(const std::string& path);
  // from_directory reads every *.pem and *.crt file of a directory (not recursive).
  static Result<std::shared_ptr<const TrustStore>> from_directory(const std::string& path);
  // system loads the operating system's store: Debian's ca-certificates bundle
  // (/etc/ssl/certs/ca-certificates.crt), or $SSL_CERT_FILE when set.
  static Result<std::shared_ptr<const TrustStore>> system();
  // from_der builds a store from DER certificates (each must parse).
  static Result<std::shared_ptr<const TrustStore>> from_der(std::vector<Bytes> certificates);

  // size is the number of anchors; skipped is how many certificates were unusable.
  size_t size() const;
  size_t skipped() const;
  // anchors are the DER anchors in load order.
  const std::vector<Bytes>& anchors() const;
  // subjects are the DER subject names of the anchors, for a CertificateRequest's
  // certificate_authorities extension.
  std::vector<Bytes> subjects() const;

  struct Impl;
  explicit TrustStore(std::unique_ptr<Impl> impl);
  ~TrustStore();
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// VerifyOptions says what a chain must be valid for.
struct VerifyOptions {
  CertificatePurpose purpose = CertificatePurpose::kServerAuth;
  // dns_name: the reference DNS name to match against dNSName SANs (empty: no name check).
  std::string dns_name;
  // ip_address: a reference IP address (4 or 16 bytes) to match against iPAddress SANs.
  std::optional<Bytes> ip_address;
  // time: seconds since the Unix epoch at which the chain must be valid (default: now).
  std::optional<int64_t> time;
  // Budgets: path building stops with an error once either is exhausted.
  size_t max_signature_checks = 100;
  size_t max_path_building_calls = 200000;
  // max_depth: most certificates in a path, leaf and anchor included.
  size_t max_depth = 10;
  // provider verifies the signatures (null: crypto::openssl_provider()). It must outlive the
  // call.
  const crypto::CryptoProvider* provider = nullptr;
};

// VerifiedChain is the path that was built: leaf first, trust anchor last (DER).
struct VerifiedChain {
  std::vector<Bytes> path;
};

// verify_certificate_chain builds and validates a path from `chain[0]` (the end-entity
// certificate) through any of the other certificates of `chain` (any order, extras and
// duplicates allowed) to an anchor of `roots`. On failure the Error carries the alert for the
// peer (bad_certificate, unsupported_certificate, certificate_expired, unknown_ca, ...) and a
// reason naming the certificate (its position and subject) and the rule it broke; when several
// candidate paths fail, the most specific failure is reported.
Result<VerifiedChain> verify_certificate_chain(const TrustStore& roots,
                                               std::span<const Bytes> chain,
                                               const VerifyOptions& options);

// webpki_verifier is a CertificateVerifier that calls verify_certificate_chain with `purpose`
// at the current time; the server name handed to it (a DNS name or an IP literal) is matched
// against the leaf's subjectAltName.
std::shared_ptr<const CertificateVerifier> webpki_verifier(std::shared_ptr<const TrustStore> roots,
                                                           CertificatePurpose purpose);

}  // namespace glasstls
