// crl.h: certificate revocation lists (RFC 5280 section 5): a strict DER parser whose revoked
// serial numbers are kept sorted for O(log n) lookup, and the status of a certificate according
// to a set of CRLs (the checks of RFC 5280 section 6.3 that apply to complete, direct CRLs).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "asn1/der.h"
#include "base/bytes.h"
#include "base/result.h"
#include "glasstls/crypto.h"
#include "glasstls/x509.h"
#include "x509/certificate.h"

namespace glasstls::x509 {

// OIDs of the CRL extensions, the CRL entry extensions and cRLDistributionPoints (2.5.29.x),
// as DER contents.
namespace crl_oid {
inline constexpr uint8_t kCrlNumber[] = {0x55, 0x1d, 0x14};                 // 2.5.29.20
inline constexpr uint8_t kReasonCode[] = {0x55, 0x1d, 0x15};                // 2.5.29.21
inline constexpr uint8_t kInvalidityDate[] = {0x55, 0x1d, 0x18};            // 2.5.29.24
inline constexpr uint8_t kDeltaCrlIndicator[] = {0x55, 0x1d, 0x1b};         // 2.5.29.27
inline constexpr uint8_t kIssuingDistributionPoint[] = {0x55, 0x1d, 0x1c};  // 2.5.29.28
inline constexpr uint8_t kCertificateIssuer[] = {0x55, 0x1d, 0x1d};         // 2.5.29.29
inline constexpr uint8_t kCrlDistributionPoints[] = {0x55, 0x1d, 0x1f};     // 2.5.29.31
inline constexpr uint8_t kFreshestCrl[] = {0x55, 0x1d, 0x2e};               // 2.5.29.46
}  // namespace crl_oid

// CRLReason codes (RFC 5280 section 5.3.1).
namespace crl_reason {
inline constexpr int kUnspecified = 0;
inline constexpr int kKeyCompromise = 1;
inline constexpr int kCaCompromise = 2;
inline constexpr int kAffiliationChanged = 3;
inline constexpr int kSuperseded = 4;
inline constexpr int kCessationOfOperation = 5;
inline constexpr int kCertificateHold = 6;
inline constexpr int kRemoveFromCrl = 8;
inline constexpr int kPrivilegeWithdrawn = 9;
inline constexpr int kAaCompromise = 10;
}  // namespace crl_reason

// crl_reason_name spells a CRLReason as RFC 5280 section 5.3.1 does ("keyCompromise",
// "certificateHold", ...); other values render as "reason N".
std::string crl_reason_name(int code);

// RevokedEntry is one entry of revokedCertificates.
struct RevokedEntry {
  // serial is the contents of userCertificate (two's complement, minimal: equal numbers are
  // equal bytes).
  ByteView serial;
  // revocation_date is seconds since the Unix epoch.
  int64_t revocation_date = 0;
  // reason is the reasonCode entry extension, when present (never removeFromCRL: the parser
  // refuses it).
  std::optional<int> reason;
  // invalidity_date is the invalidityDate entry extension, when present.
  std::optional<int64_t> invalidity_date;
};

// IssuingDistributionPoint is the issuingDistributionPoint CRL extension, as far as glasstls
// supports it (RFC 5280 section 5.2.5): a distributionPoint fullName and the user/CA scope.
// onlySomeReasons, indirectCRL and onlyContainsAttributeCerts are refused by the parser.
struct IssuingDistributionPoint {
  // full_name holds the GeneralNames of distributionPoint fullName, each a whole encoded
  // GeneralName (a URI is tag [6]); empty when distributionPoint is absent.
  std::vector<ByteView> full_name;
  bool only_user_certs = false;
  bool only_ca_certs = false;
};

// Crl is a parsed CertificateList. Every view points into the buffer given to parse_crl, which
// must outlive the Crl and must not change.
struct Crl {
  // der is the whole CertificateList; tbs the whole TBSCertList element (what is signed).
  ByteView der;
  ByteView tbs;
  // version is 1 (no version field) or 2.
  int version = 1;
  // signature_algorithm is the outer signatureAlgorithm and tbs_signature_algorithm the
  // `signature` field of TBSCertList; the parser requires them to be identical.
  AlgorithmIdentifier signature_algorithm;
  AlgorithmIdentifier tbs_signature_algorithm;
  // issuer is the whole DER Name (never empty).
  ByteView issuer;
  // this_update and next_update are seconds since the Unix epoch; next_update is absent when
  // the CRL has none.
  int64_t this_update = 0;
  std::optional<int64_t> next_update;
  // revoked lists the entries sorted by serial (by length, then bytes; entries with equal
  // serials keep their order in the CRL). Use find() to look one up.
  std::vector<RevokedEntry> revoked;
  // extensions are the crlExtensions in order.
  std::vector<Extension> extensions;
  // crl_number is the contents of the cRLNumber INTEGER (non-negative), empty when absent.
  ByteView crl_number;
  // authority_key_id is the keyIdentifier of authorityKeyIdentifier, empty when absent.
  ByteView authority_key_id;
  // issuing_distribution_point is the issuingDistributionPoint extension, when present.
  std::optional<IssuingDistributionPoint> issuing_distribution_point;
  // signature is the signatureValue bytes (an octet-aligned BIT STRING).
  ByteView signature;

  // find returns the entry whose serial equals `serial` (INTEGER contents, as in
  // Certificate::serial) by binary search, or null. With duplicate entries it returns the
  // first one the CRL lists.
  const RevokedEntry* find(ByteView serial) const;
};

// parse_crl parses the DER CertificateList `der` (the whole input; trailing bytes are
// rejected). On failure the Error has kind kInvalidCertificate, alert bad_certificate and a
// reason naming the field (and the entry, for revokedCertificates). Besides DER syntax it
// checks: the version field, when present, is v2, and extensions (of the CRL or of an entry)
// appear only in v2 CRLs; the inner and outer signature algorithms are identical; the issuer is
// not empty; nextUpdate is not before thisUpdate; no extension appears twice in one list; a
// critical flag is not an explicit FALSE; cRLNumber, authorityKeyIdentifier,
// issuingDistributionPoint, reasonCode and invalidityDate are well formed. It refuses, with a
// reason starting "unsupported:", what glasstls does not implement: delta CRLs
// (deltaCRLIndicator), indirect CRLs (indirectCRL or a certificateIssuer entry extension),
// onlySomeReasons, onlyContainsAttributeCerts, a nameRelativeToCRLIssuer distribution point,
// the removeFromCRL reason and any unknown critical CRL or entry extension. The signature
// algorithm is not judged here. The result's views point into `der`.
Result<Crl> parse_crl(ByteView der);

// CrlVerdict is what a set of CRLs says of one certificate. detail is a sentence for logs: the
// revocation date, reason and CRL when revoked; the CRL that was used when good; why every
// candidate CRL was unusable when unknown.
struct CrlVerdict {
  enum class Status : uint8_t { kGood, kRevoked, kUnknown };
  Status status = Status::kUnknown;
  std::string detail;
};

// crl_status looks `cert` up in the CRLs of `crls` whose issuer Name equals cert.issuer byte
// for byte. Such a CRL is usable when all of these hold: `issuer` (the certificate that issued
// `cert`) has no keyUsage or one with cRLSign; the CRL's authorityKeyIdentifier, when both it
// and issuer's subjectKeyIdentifier are present, equals it; thisUpdate <= now + max_clock_skew
// and, when nextUpdate is present, nextUpdate >= now - max_clock_skew; its
// issuingDistributionPoint, if any, covers `cert` (onlyContainsUserCerts: cert is not a CA;
// onlyContainsCACerts: cert is a CA; a distributionPoint fullName: one of its names equals, in
// encoding, a fullName name of cert's cRLDistributionPoints); and its signature verifies with
// issuer's SubjectPublicKeyInfo through `provider`. The status is kRevoked when a usable CRL
// lists cert.serial (certificateHold included), else kGood when at least one CRL is usable,
// else kUnknown. Fails only on an internal fault (the provider has no signature verifier, or
// verification failed inside the provider).
Result<CrlVerdict> crl_status(const CertificateRevocationLists& crls, const Certificate& cert,
                              const Certificate& issuer, int64_t now, int64_t max_clock_skew,
                              const crypto::CryptoProvider& provider);

}  // namespace glasstls::x509
