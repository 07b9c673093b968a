// ocsp.h: OCSP responses (RFC 6960): parsing into views, and checking one against a certificate
// and its issuer.
//
//   OCSPResponse ::= SEQUENCE {
//      responseStatus         OCSPResponseStatus,
//      responseBytes          [0] EXPLICIT ResponseBytes OPTIONAL }
//
//   BasicOCSPResponse       ::= SEQUENCE {
//      tbsResponseData      ResponseData,
//      signatureAlgorithm   AlgorithmIdentifier,
//      signature            BIT STRING,
//      certs            [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
//
//   ResponseData ::= SEQUENCE {
//      version              [0] EXPLICIT Version DEFAULT v1,
//      responderID              ResponderID,
//      producedAt               GeneralizedTime,
//      responses                SEQUENCE OF SingleResponse,
//      responseExtensions   [1] EXPLICIT Extensions OPTIONAL }
//
// parse_ocsp_response checks syntax only; check_ocsp_response decides whether a response is an
// acceptable statement about one certificate (RFC 6960 section 3.2). Every failure of either is
// ErrorKind::kInvalidCertificate with alert bad_certificate_status_response.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "glasstls/crypto.h"
#include "x509/certificate.h"

namespace glasstls::x509 {

namespace oid {
// 1.3.6.1.5.5.7.48.1.1 id-pkix-ocsp-basic
inline constexpr uint8_t kOcspBasic[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01};
// 1.3.6.1.5.5.7.48.1.2 id-pkix-ocsp-nonce
inline constexpr uint8_t kOcspNonce[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x02};
// 1.3.6.1.5.5.7.48.1.3 id-pkix-ocsp-crl
inline constexpr uint8_t kOcspCrl[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x03};
// 1.3.6.1.5.5.7.48.1.6 id-pkix-ocsp-archive-cutoff
inline constexpr uint8_t kOcspArchiveCutoff[] = {0x2b, 0x06, 0x01, 0x05, 0x05,
                                                 0x07, 0x30, 0x01, 0x06};
// 1.3.6.1.5.5.7.48.1.9 id-pkix-ocsp-extended-revoke
inline constexpr uint8_t kOcspExtendedRevoke[] = {0x2b, 0x06, 0x01, 0x05, 0x05,
                                                  0x07, 0x30, 0x01, 0x09};
// 1.3.6.1.5.5.7.3.9 id-kp-OCSPSigning
inline constexpr uint8_t kOcspSigning[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x09};
}  // namespace oid

// OcspResponseStatus is OCSPResponseStatus (RFC 6960 section 4.2.1); 4 is not used.
enum class OcspResponseStatus : uint8_t {
  kSuccessful = 0,
  kMalformedRequest = 1,
  kInternalError = 2,
  kTryLater = 3,
  kSigRequired = 5,
  kUnauthorized = 6,
};

// ocsp_response_status_name spells a status as RFC 6960 does ("successful", "malformedRequest",
// "internalError", "tryLater", "sigRequired", "unauthorized").
const char* ocsp_response_status_name(OcspResponseStatus status);

// OcspCertStatus is the CertStatus CHOICE of a SingleResponse.
enum class OcspCertStatus : uint8_t { kGood, kRevoked, kUnknown };

// OcspCertId is a CertID: which certificate a SingleResponse is about.
struct OcspCertId {
  // hash_algorithm is the AlgorithmIdentifier of the hash of the two hashes below.
  AlgorithmIdentifier hash_algorithm;
  // issuer_name_hash hashes the DER of the certificate's issuer Name; issuer_key_hash hashes
  // the contents of the issuer's subjectPublicKey BIT STRING (without the unused-bits byte).
  ByteView issuer_name_hash;
  ByteView issuer_key_hash;
  // serial is the contents of serialNumber (two's complement, minimal).
  ByteView serial;
};

// OcspSingleResponse is one SingleResponse.
struct OcspSingleResponse {
  OcspCertId cert_id;
  OcspCertStatus status = OcspCertStatus::kUnknown;
  // revocation_time and revocation_reason (a CRLReason, 0-10 but not 7) for kRevoked.
  int64_t revocation_time = 0;
  std::optional<int> revocation_reason;
  // this_update and next_update are seconds since the Unix epoch.
  int64_t this_update = 0;
  std::optional<int64_t> next_update;
  // extensions are the singleExtensions in order.
  std::vector<Extension> extensions;
};

// OcspResponse is a parsed OCSPResponse. Every ByteView points into the buffer given to
// parse_ocsp_response, which must outlive the OcspResponse and must not change. The fields after
// `status` are set only for a successful response (which always has a BasicOCSPResponse).
struct OcspResponse {
  // der is the whole OCSPResponse.
  ByteView der;
  OcspResponseStatus status = OcspResponseStatus::kSuccessful;
  // tbs_response_data is the whole ResponseData element: the bytes the signature covers.
  ByteView tbs_response_data;
  // version is 1 (the only version there is; the encoded value plus one).
  int version = 1;
  // responder_name is the whole DER Name of a byName ResponderID; responder_key_hash the
  // contents of a byKey one (the SHA-1 hash of the responder's subjectPublicKey bits). Exactly
  // one of them is non-empty.
  ByteView responder_name;
  ByteView responder_key_hash;
  // produced_at is producedAt, seconds since the Unix epoch.
  int64_t produced_at = 0;
  std::vector<OcspSingleResponse> responses;
  // extensions are the responseExtensions in order; nonce is the contents of the nonce
  // extension's value (empty when absent).
  std::vector<Extension> extensions;
  ByteView nonce;
  AlgorithmIdentifier signature_algorithm;
  // signature is the signature bytes (an octet-aligned BIT STRING).
  ByteView signature;
  // certs are the DER Certificates of `certs`, unparsed (each is one well-formed DER SEQUENCE).
  std::vector<ByteView> certs;
};

// parse_ocsp_response parses the DER OCSPResponse `der` (the whole input; trailing bytes are
// rejected) with strict DER. It accepts any defined responseStatus; a successful one must carry
// an id-pkix-ocsp-basic response (other response types are refused) and an unsuccessful one must
// carry none. Besides syntax it checks: the version is v1 and not explicitly encoded; times are
// GeneralizedTime; a revocation reason is a defined CRLReason; no extension list holds an
// extension twice or an explicit critical FALSE; no critical extension is one glasstls does not
// understand (response: nonce, extended-revoke; single: CRL references, archive cutoff). On
// failure: kInvalidCertificate, alert bad_certificate_status_response, and a reason naming the
// field. The result's views point into `der`.
Result<OcspResponse> parse_ocsp_response(ByteView der);

// OcspVerdict is what an acceptable response says about a certificate.
struct OcspVerdict {
  enum class Status { kGood, kRevoked, kUnknown } status = Status::kUnknown;
  int64_t produced_at = 0;
  int64_t this_update = 0;
  std::optional<int64_t> next_update;
  // revocation_time and reason are set for kRevoked (reason when the response gives one).
  std::optional<int64_t> revocation_time;
  std::optional<int> reason;
  // detail is one sentence for logs: the status, the signer and the times.
  std::string detail;
};

// kOcspMaxAgeWithoutNextUpdate is how old (seconds) a response without nextUpdate may be: 7
// days. RFC 6960 section 4.2.2.1 reads a missing nextUpdate as "newer revocation information is
// available all the time" and leaves the acceptable age to local policy; 7 days is the longest
// validity interval the CA/Browser Forum Baseline Requirements allow for OCSP responses.
inline constexpr int64_t kOcspMaxAgeWithoutNextUpdate = 7 * 86400;

// check_ocsp_response checks that the DER OCSPResponse `der` is an acceptable statement about
// `cert`, issued by `issuer`, at time `now` (seconds since the Unix epoch), allowing
// `max_clock_skew` seconds on either side of the validity window, and returns what it says.
// The caller has already verified that `issuer` issued `cert`. It fails (kInvalidCertificate,
// alert bad_certificate_status_response, a reason naming the rule) when:
//   - the response does not parse (see parse_ocsp_response) or its status is not successful;
//   - the signer is neither `issuer` (the responderID is issuer's subject Name or the SHA-1 hash
//     of its public key) nor a delegated responder: a certificate of the response's `certs` that
//     matches the responderID, names `issuer`'s subject as its issuer, is signed by `issuer`'s
//     key, is within its validity period at `now`, has no critical extension glasstls does not
//     handle, and has extKeyUsage id-kp-OCSPSigning. No other responder is trusted;
//   - the response signature does not verify with the signer's key (or uses an algorithm
//     glasstls refuses, such as SHA-1);
//   - no SingleResponse has `cert`'s CertID (hash SHA-1, SHA-256, SHA-384 or SHA-512 of
//     `issuer`'s subject Name and of its public key bits, and `cert`'s serial number); the first
//     one that does is used;
//   - its thisUpdate is after now + skew, its nextUpdate is before now - skew, or it has no
//     nextUpdate and thisUpdate is more than kOcspMaxAgeWithoutNextUpdate before now - skew.
// SHA-1 CertIDs and byKey responder IDs need `provider.sha1`; without it they do not match.
// Fails with internal_error when the provider has no signature verifier.
Result<OcspVerdict> check_ocsp_response(ByteView der, const Certificate& cert,
                                        const Certificate& issuer, int64_t now,
                                        int64_t max_clock_skew,
                                        const crypto::CryptoProvider& provider);

// describe_ocsp_response summarises a DER OCSPResponse for people, one fact per line: the
// status, the responder, producedAt, each SingleResponse (serial in hex, status, revocation
// time and reason, thisUpdate, nextUpdate), the signature algorithm and the number of
// certificates; or why it does not parse. Names are rendered with name_to_string and binary
// values in hex, and every byte that is not printable ASCII (the UTF-8 of a name, say) is
// written as \xNN, so the text is printable ASCII and newlines. Never fails.
std::string describe_ocsp_response(ByteView der);

}  // namespace glasstls::x509
