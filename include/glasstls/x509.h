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

namespace x509 {
struct Internals;
}  // namespace x509

// TrustStore is an immutable set of trust anchors (self-signed or not). When an anchor ends a
// path, its certificate is checked as VerifyOptions::anchors says (by default its validity and
// CA extensions count). Shareable across threads.
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

  ~TrustStore();

 private:
  // The parsed form stays inside the library (src/x509), which reaches it through
  // x509::Internals.
  friend struct x509::Internals;
  struct Impl;
  explicit TrustStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// CertificateRevocationLists is an immutable set of parsed certificate revocation lists
// (RFC 5280 section 5), shareable across threads. Each CRL is parsed once, when the set is made;
// its revoked serial numbers are kept sorted, so a lookup costs O(log n) however long the list.
// A CRL is used for a certificate when its issuer Name equals the certificate's issuer, its
// signature verifies with the key of the certificate's issuer in the path (whose keyUsage, when
// present, must include cRLSign) and the validation time lies within thisUpdate..nextUpdate.
class CertificateRevocationLists {
 public:
  // from_pem reads every "X509 CRL" block of a PEM text. from_der takes DER CRLs. from_file
  // reads one file, PEM or DER. All of them fail (kBadConfig) when a CRL does not parse or uses
  // what glasstls does not support (delta CRLs, indirect CRLs, an unknown critical extension,
  // a partitioned CRL: issuingDistributionPoint with anything but the plain full-CRL form), with
  // a reason naming the CRL and the feature.
  static Result<std::shared_ptr<const CertificateRevocationLists>> from_pem(std::string_view pem);
  static Result<std::shared_ptr<const CertificateRevocationLists>> from_der(
      std::vector<Bytes> crls);
  static Result<std::shared_ptr<const CertificateRevocationLists>> from_file(
      const std::string& path);
  static Result<std::shared_ptr<const CertificateRevocationLists>> from_files(
      const std::vector<std::string>& paths);

  // size is the number of CRLs.
  size_t size() const;

  ~CertificateRevocationLists();

 private:
  // The parsed form stays inside the library (src/x509), which reaches it through
  // x509::Internals.
  friend struct x509::Internals;
  struct Impl;
  explicit CertificateRevocationLists(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// RevocationPolicy says what happens to a certificate whose status no current CRL or OCSP
// response gives: soft-fail accepts it, hard-fail refuses the chain.
enum class RevocationPolicy : uint8_t { kSoftFail, kHardFail };

// RevocationOptions configures revocation checking. With no CRLs and no OCSP response nothing is
// checked (unless the leaf demands a staple, see below, or the policy is hard-fail).
struct RevocationOptions {
  // crls: CRLs to check every certificate of the path against (the trust anchor excepted).
  std::shared_ptr<const CertificateRevocationLists> crls;
  // ocsp_response: a DER OCSPResponse (RFC 6960) for the leaf, stapled by the peer or fetched
  // by the caller; empty when there is none. A response that is malformed, not signed by the
  // leaf's issuer or a responder it delegated to, about another certificate, or outside its
  // validity window fails the chain with bad_certificate_status_response.
  Bytes ocsp_response;
  // missing: the policy for a certificate whose status is not known.
  RevocationPolicy missing = RevocationPolicy::kSoftFail;
  // hard_fail_issuers: DER certificates of CAs; a certificate they issued must have a known
  // status even under soft-fail.
  std::vector<Bytes> hard_fail_issuers;
  // max_clock_skew: seconds allowed on either side of a CRL's or OCSP response's
  // thisUpdate/nextUpdate window.
  int64_t max_clock_skew = 300;
};

// AnchorPolicy says how much of a trust anchor certificate is checked.
enum class AnchorPolicy : uint8_t {
  // kCertificate (the default, as OpenSSL, Go and pyca/cryptography do): the anchor must be
  // within its validity period, have no unhandled critical extension, carry basicConstraints
  // cA=TRUE marked critical (v3 anchors; a v1 anchor is taken as a CA), allow keyCertSign when
  // it has keyUsage, and pass the key policy.
  kCertificate,
  // kNameAndKey: RFC 5280 section 6.1.1's reading: an anchor is only a name and a key (and its
  // name constraints); nothing else in the certificate is checked.
  kNameAndKey,
};

// VerifyOptions says what a chain must be valid for.
struct VerifyOptions {
  CertificatePurpose purpose = CertificatePurpose::kServerAuth;
  // dns_name: the reference DNS name to match against dNSName SANs (empty: no name check).
  std::string dns_name;
  // ip_address: a reference IP address (4 or 16 bytes) to match against iPAddress SANs.
  std::optional<Bytes> ip_address;
  // email_address: a reference mailbox ("user@example.com") to match against rfc822Name SANs,
  // for client certificates that identify a person (empty: no check).
  std::string email_address;
  // time: seconds since the Unix epoch at which the chain must be valid (default: now).
  std::optional<int64_t> time;
  // Budgets: path building stops with an error once either is exhausted.
  size_t max_signature_checks = 100;
  size_t max_path_building_calls = 200000;
  // max_depth: most certificates in a path, leaf and anchor included.
  size_t max_depth = 10;
  // anchors: how much of a trust anchor certificate is checked (see AnchorPolicy).
  AnchorPolicy anchors = AnchorPolicy::kCertificate;
  // accept_ca_leaf lets a CA certificate (basicConstraints cA=TRUE) be the end entity, as
  // RFC 5280 allows ("usually, the last certificate is an end entity certificate, but it can be
  // a CA certificate", section 4.2.1.9). Off by default: the CA/Browser Forum Baseline
  // Requirements (7.1.2.7.8) and rustls-webpki refuse it. A leaf's pathLenConstraint is never
  // applied either way.
  bool accept_ca_leaf = false;
  // Key policy, applied to every certificate of the path, the anchor included: RSA moduli of at
  // least min_rsa_bits (and a whole number of bytes), EC keys on P-256, P-384 or P-521 (P-192
  // and other curves are refused), Ed25519; DSA and other algorithms are refused. The minimum
  // can be raised, never lowered below 2048.
  size_t min_rsa_bits = 2048;
  // revocation: CRLs, an OCSP response and the policy for unknown status.
  RevocationOptions revocation;
  // provider verifies the signatures (null: crypto::default_provider(), which checks Ed25519
  // with libsodium when glasstls was built with it). It must outlive the call.
  const crypto::CryptoProvider* provider = nullptr;
};

// VerifiedChain is the path that was built: leaf first, trust anchor last (DER).
struct VerifiedChain {
  std::vector<Bytes> path;
  // revocation says, one line per certificate of the path below the anchor, what was learned
  // of its revocation status and from where ("certificate 0 (CN=...): good, OCSP response
  // produced 2025-06-01 ...", "... not checked: no CRL or OCSP response"), for logs and the
  // illustrated view.
  std::vector<std::string> revocation;
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

// webpki_verifier with `options`: its purpose, dns_name, ip_address and time are ignored (the
// purpose argument, the peer's name and the current time are used); its budgets, depth, anchor
// and key policies and revocation settings apply. With `ask_for_staple` the client sends
// status_request and checks a stapled OCSP response (see RevocationOptions::ocsp_response).
// A leaf with the TLS Feature extension asking for status_request (must-staple, RFC 7633) and
// no stapled response fails with bad_certificate_status_response.
std::shared_ptr<const CertificateVerifier> webpki_verifier(std::shared_ptr<const TrustStore> roots,
                                                           CertificatePurpose purpose,
                                                           VerifyOptions options,
                                                           bool ask_for_staple = true);

// decode_pem_certificates returns the DER of every CERTIFICATE block of a PEM text, in order,
// without parsing the certificates (load_certificate_chain in config.h also parses them). Fails
// when there is no such block or one is not valid base64.
Result<std::vector<Bytes>> decode_pem_certificates(std::string_view pem);

// CertificateSummary is what a reader of a certificate wants to see first.
struct CertificateSummary {
  // subject and issuer as "CN=example.com, O=Example" (RDNs in encoded order); empty when the
  // name is empty.
  std::string subject;
  std::string issuer;
  // not_before and not_after are seconds since the Unix epoch (UTC).
  int64_t not_before = 0;
  int64_t not_after = 0;
  // key describes the public key: "ECDSA P-256", "ECDSA P-384", "RSA-2048", "Ed25519", or the
  // algorithm's OID for other keys.
  std::string key;
};

// describe_certificate parses the DER certificate `der` and summarises it. It is as lenient as
// trust anchors need (some real roots break a DER rule or two), since it describes rather than
// validates. Fails with kInvalidCertificate and a reason naming the field at fault.
Result<CertificateSummary> describe_certificate(std::span<const uint8_t> der);

}  // namespace glasstls
