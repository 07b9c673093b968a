// ocsp.cc: parsing and checking OCSP responses (RFC 6960).
#include "x509/ocsp.h"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <utility>

#include "asn1/der.h"

namespace glasstls::x509 {

namespace {

// ocsp_error is the error of every OCSP failure: the response is not acceptable.
Error ocsp_error(std::string reason) {
  return make_error(ErrorKind::kInvalidCertificate,
                    AlertDescription::bad_certificate_status_response,
                    "OCSP response: " + std::move(reason));
}

// in_field turns a failed DER read into an OCSP error naming the field being parsed.
Status in_field(Status s, std::string_view field) {
  if (s.ok()) {
    return s;
  }
  return ocsp_error(std::string(field) + ": " + s.error().reason);
}

std::string name_text(ByteView name) {
  std::string s = name_to_string(name);
  return s.empty() ? std::string("an empty Name") : s;
}

// read_generalized_time reads a GeneralizedTime: RFC 6960 uses no UTCTime.
Status read_generalized_time(DerReader& r, int64_t& seconds) {
  ByteView v;
  GLASSTLS_TRY(r.read(tag::kGeneralizedTime, v));
  return parse_generalized_time(v, seconds);
}

// read_enumerated reads an ENUMERATED that fits in an int (0..255 is all OCSP needs).
Status read_enumerated(DerReader& r, int& value) {
  size_t start = r.offset();
  ByteView v;
  GLASSTLS_TRY(r.read(0x0a, v));
  GLASSTLS_TRY(check_integer(v));
  if ((v[0] & 0x80) != 0 || v.size() > 2) {
    return der_error("ENUMERATED value out of range at offset " + std::to_string(start));
  }
  int n = 0;
  for (uint8_t b : v) {
    n = (n << 8) | b;
  }
  value = n;
  return Ok{};
}

using KnownExtension = bool (*)(ByteView oid);

bool known_response_extension(ByteView oid) {
  return oid_equal(oid, oid::kOcspNonce) || oid_equal(oid, oid::kOcspExtendedRevoke);
}

bool known_single_extension(ByteView oid) {
  return oid_equal(oid, oid::kOcspCrl) || oid_equal(oid, oid::kOcspArchiveCutoff);
}

// read_extensions reads `Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension` (RFC 5280
// section 4.1) from `r`, the contents of an EXPLICIT tag, into `out`.
Status read_extensions(DerReader& r, std::string_view field, KnownExtension known,
                       std::vector<Extension>& out) {
  DerReader list;
  GLASSTLS_TRY(in_field(r.sequence(list), field));
  GLASSTLS_TRY(in_field(r.expect_empty(field), field));
  if (list.empty()) {
    return ocsp_error(std::string(field) + " is an empty list (SIZE (1..MAX))");
  }
  while (!list.empty()) {
    Extension e;
    GLASSTLS_TRY(in_field(parse_extension(list, e), field));
    for (const Extension& prev : out) {
      if (oid_equal(prev.oid, e.oid)) {
        return ocsp_error(std::string(field) + ": extension " + oid_to_string(e.oid) +
                          " appears twice");
      }
    }
    //= https://www.rfc-editor.org/rfc/rfc6960#section-4.1.2
    //# Unrecognized extensions MUST be ignored (unless
    //# they have the critical flag set and are not understood).
    if (e.critical && !known(e.oid)) {
      return ocsp_error(std::string(field) + ": critical extension " + oid_to_string(e.oid) +
                        " is not understood");
    }
    out.push_back(e);
  }
  return Ok{};
}

//= https://www.rfc-editor.org/rfc/rfc6960#section-4.1.1
//# CertID          ::=     SEQUENCE {
//#     hashAlgorithm       AlgorithmIdentifier,
//#     issuerNameHash      OCTET STRING, -- Hash of issuer's DN
//#     issuerKeyHash       OCTET STRING, -- Hash of issuer's public key
//#     serialNumber        CertificateSerialNumber }
Status read_cert_id(DerReader& r, OcspCertId& id) {
  DerReader c;
  GLASSTLS_TRY(in_field(r.sequence(c), "certID"));
  GLASSTLS_TRY(in_field(parse_algorithm_identifier(c, id.hash_algorithm), "certID hashAlgorithm"));
  GLASSTLS_TRY(in_field(c.read(tag::kOctetString, id.issuer_name_hash), "certID issuerNameHash"));
  GLASSTLS_TRY(in_field(c.read(tag::kOctetString, id.issuer_key_hash), "certID issuerKeyHash"));
  GLASSTLS_TRY(in_field(c.read_integer(id.serial), "certID serialNumber"));
  GLASSTLS_TRY(in_field(c.expect_empty("CertID"), "certID"));
  return Ok{};
}

//= https://www.rfc-editor.org/rfc/rfc6960#section-4.2.1
//# SingleResponse ::= SEQUENCE {
//#    certID                       CertID,
//#    certStatus                   CertStatus,
//#    thisUpdate                   GeneralizedTime,
//#    nextUpdate         [0]       EXPLICIT GeneralizedTime OPTIONAL,
//#    singleExtensions   [1]       EXPLICIT Extensions OPTIONAL }
//#
//# CertStatus ::= CHOICE {
//#     good        [0]     IMPLICIT NULL,
//#     revoked     [1]     IMPLICIT RevokedInfo,
//#     unknown     [2]     IMPLICIT UnknownInfo }
//#
//# RevokedInfo ::= SEQUENCE {
//#     revocationTime              GeneralizedTime,
//#     revocationReason    [0]     EXPLICIT CRLReason OPTIONAL }
//#
//# UnknownInfo ::= NULL
Status read_single_response(DerReader& r, OcspSingleResponse& out) {
  DerReader s;
  GLASSTLS_TRY(in_field(r.sequence(s), "SingleResponse"));
  GLASSTLS_TRY(read_cert_id(s, out.cert_id));
  size_t status_at = s.offset();
  uint8_t t = 0;
  ByteView contents;
  GLASSTLS_TRY(in_field(s.read_any(t, contents), "certStatus"));
  if (t == tag::context_specific(0) || t == tag::context_specific(2)) {
    if (!contents.empty()) {
      std::string which = t == tag::context_specific(0) ? "good" : "unknown";
      return ocsp_error("certStatus " + which + " is an IMPLICIT NULL but has contents at offset " +
                        std::to_string(status_at));
    }
    out.status = t == tag::context_specific(0) ? OcspCertStatus::kGood : OcspCertStatus::kUnknown;
  } else if (t == tag::context_constructed(1)) {
    out.status = OcspCertStatus::kRevoked;
    DerReader info(contents, status_at + 2);
    GLASSTLS_TRY(in_field(read_generalized_time(info, out.revocation_time), "revocationTime"));
    bool present = false;
    ByteView reason;
    GLASSTLS_TRY(in_field(info.read_optional(tag::context_constructed(0), reason, present),
                          "revocationReason"));
    if (present) {
      DerReader rr(reason, info.offset());
      int value = 0;
      GLASSTLS_TRY(in_field(read_enumerated(rr, value), "revocationReason"));
      GLASSTLS_TRY(in_field(rr.expect_empty("revocationReason"), "revocationReason"));
      //= https://www.rfc-editor.org/rfc/rfc5280#section-5.3.1
      //# CRLReason ::= ENUMERATED {
      //#      unspecified             (0),
      //#      keyCompromise           (1),
      //#      cACompromise            (2),
      //#      affiliationChanged      (3),
      //#      superseded              (4),
      //#      cessationOfOperation    (5),
      //#      certificateHold         (6),
      //#           -- value 7 is not used
      //#      removeFromCRL           (8),
      //#      privilegeWithdrawn      (9),
      //#      aACompromise           (10) }
      if (value == 7 || value > 10) {
        return ocsp_error("revocationReason " + std::to_string(value) +
                          " is not a defined CRLReason");
      }
      out.revocation_reason = value;
    }
    GLASSTLS_TRY(in_field(info.expect_empty("RevokedInfo"), "RevokedInfo"));
  } else {
    return ocsp_error("certStatus has tag 0x" + to_hex(ByteView(&t, 1)) +
                      ", not good [0], revoked [1] or unknown [2], at offset " +
                      std::to_string(status_at));
  }
  GLASSTLS_TRY(in_field(read_generalized_time(s, out.this_update), "thisUpdate"));
  uint8_t next = 0;
  if (s.peek_tag(next) && next == tag::context_constructed(0)) {
    DerReader n;
    GLASSTLS_TRY(in_field(s.nested(tag::context_constructed(0), n), "nextUpdate"));
    int64_t v = 0;
    GLASSTLS_TRY(in_field(read_generalized_time(n, v), "nextUpdate"));
    GLASSTLS_TRY(in_field(n.expect_empty("nextUpdate"), "nextUpdate"));
    out.next_update = v;
  }
  if (s.peek_tag(next) && next == tag::context_constructed(1)) {
    DerReader e;
    GLASSTLS_TRY(in_field(s.nested(tag::context_constructed(1), e), "singleExtensions"));
    GLASSTLS_TRY(read_extensions(e, "singleExtensions", known_single_extension, out.extensions));
  }
  GLASSTLS_TRY(in_field(s.expect_empty("SingleResponse"), "SingleResponse"));
  return Ok{};
}

//= https://www.rfc-editor.org/rfc/rfc6960#section-4.2.1
//# ResponseData ::= SEQUENCE {
//#    version              [0] EXPLICIT Version DEFAULT v1,
//#    responderID              ResponderID,
//#    producedAt               GeneralizedTime,
//#    responses                SEQUENCE OF SingleResponse,
//#    responseExtensions   [1] EXPLICIT Extensions OPTIONAL }
//#
//# ResponderID ::= CHOICE {
//#    byName               [1] Name,
//#    byKey                [2] KeyHash }
Status read_response_data(DerReader& r, OcspResponse& out) {
  ByteView contents;
  size_t start = r.offset();
  GLASSTLS_TRY(
      in_field(r.read_tlv(tag::kSequence, out.tbs_response_data, contents), "tbsResponseData"));
  DerReader d(contents, start + (out.tbs_response_data.size() - contents.size()));
  uint8_t t = 0;
  if (d.peek_tag(t) && t == tag::context_constructed(0)) {
    DerReader v;
    GLASSTLS_TRY(in_field(d.nested(tag::context_constructed(0), v), "version"));
    uint64_t version = 0;
    GLASSTLS_TRY(in_field(v.read_uint64(version), "version"));
    GLASSTLS_TRY(in_field(v.expect_empty("version"), "version"));
    if (version == 0) {
      return ocsp_error("version encodes the DEFAULT v1, which DER forbids");
    }
    //= https://www.rfc-editor.org/rfc/rfc6960#section-4.2.2.3
    //# o  the version of the response syntax, which MUST be v1 (value is 0)
    //#    for this version of the basic response syntax;
    return ocsp_error("version " + std::to_string(version) + " is not v1 (0)");
  }
  out.version = 1;
  size_t id_at = d.offset();
  ByteView id;
  GLASSTLS_TRY(in_field(d.read_any(t, id), "responderID"));
  DerReader idr(id, id_at + 2);
  if (t == tag::context_constructed(1)) {
    GLASSTLS_TRY(in_field(parse_name(idr, out.responder_name), "responderID byName"));
    GLASSTLS_TRY(in_field(idr.expect_empty("responderID byName"), "responderID byName"));
  } else if (t == tag::context_constructed(2)) {
    GLASSTLS_TRY(
        in_field(idr.read(tag::kOctetString, out.responder_key_hash), "responderID byKey"));
    GLASSTLS_TRY(in_field(idr.expect_empty("responderID byKey"), "responderID byKey"));
    //# KeyHash ::= OCTET STRING -- SHA-1 hash of responder's public key
    if (out.responder_key_hash.size() != 20) {
      return ocsp_error("responderID byKey holds " + std::to_string(out.responder_key_hash.size()) +
                        " bytes, not a 20-byte SHA-1 hash");
    }
  } else {
    return ocsp_error("responderID has tag 0x" + to_hex(ByteView(&t, 1)) +
                      ", not byName [1] or byKey [2], at offset " + std::to_string(id_at));
  }
  GLASSTLS_TRY(in_field(read_generalized_time(d, out.produced_at), "producedAt"));
  DerReader responses;
  GLASSTLS_TRY(in_field(d.sequence(responses), "responses"));
  while (!responses.empty()) {
    OcspSingleResponse single;
    GLASSTLS_TRY(read_single_response(responses, single));
    out.responses.push_back(std::move(single));
  }
  if (d.peek_tag(t) && t == tag::context_constructed(1)) {
    DerReader e;
    GLASSTLS_TRY(in_field(d.nested(tag::context_constructed(1), e), "responseExtensions"));
    GLASSTLS_TRY(
        read_extensions(e, "responseExtensions", known_response_extension, out.extensions));
    for (const Extension& ext : out.extensions) {
      if (oid_equal(ext.oid, oid::kOcspNonce)) {
        out.nonce = ext.value;
      }
    }
  }
  GLASSTLS_TRY(in_field(d.expect_empty("ResponseData"), "tbsResponseData"));
  return Ok{};
}

//= https://www.rfc-editor.org/rfc/rfc6960#section-4.2.1
//# BasicOCSPResponse       ::= SEQUENCE {
//#    tbsResponseData      ResponseData,
//#    signatureAlgorithm   AlgorithmIdentifier,
//#    signature            BIT STRING,
//#    certs            [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
Status read_basic_response(DerReader& r, OcspResponse& out) {
  DerReader b;
  GLASSTLS_TRY(in_field(r.sequence(b), "BasicOCSPResponse"));
  GLASSTLS_TRY(in_field(r.expect_empty("response"), "response"));
  GLASSTLS_TRY(read_response_data(b, out));
  GLASSTLS_TRY(
      in_field(parse_algorithm_identifier(b, out.signature_algorithm), "signatureAlgorithm"));
  GLASSTLS_TRY(in_field(b.read_octet_aligned_bit_string(out.signature), "signature"));
  uint8_t t = 0;
  if (b.peek_tag(t) && t == tag::context_constructed(0)) {
    DerReader explicit_certs;
    GLASSTLS_TRY(in_field(b.nested(tag::context_constructed(0), explicit_certs), "certs"));
    DerReader list;
    GLASSTLS_TRY(in_field(explicit_certs.sequence(list), "certs"));
    GLASSTLS_TRY(in_field(explicit_certs.expect_empty("certs"), "certs"));
    while (!list.empty()) {
      ByteView tlv;
      ByteView contents;
      GLASSTLS_TRY(in_field(list.read_tlv(tag::kSequence, tlv, contents), "certs"));
      out.certs.push_back(tlv);
    }
  }
  GLASSTLS_TRY(in_field(b.expect_empty("BasicOCSPResponse"), "BasicOCSPResponse"));
  return Ok{};
}

// hash_for_cert_id hashes `data` with the CertID hash algorithm `alg`; nullopt (with `why`
// set) when glasstls has no such hash.
std::optional<Bytes> hash_for_cert_id(const AlgorithmIdentifier& alg, ByteView data,
                                      const crypto::CryptoProvider& provider, std::string& why) {
  static constexpr uint8_t kNullParams[] = {0x05, 0x00};
  // RFC 5754 section 2 has SHA-2 parameters absent; implementations also send NULL, as SHA-1
  // CertIDs always do. Either is taken.
  if (!alg.params.empty() && !std::equal(alg.params.begin(), alg.params.end(),
                                         std::begin(kNullParams), std::end(kNullParams))) {
    why = "hash algorithm " + oid_to_string(alg.oid) + " has parameters";
    return std::nullopt;
  }
  const crypto::Hash* h = nullptr;
  if (oid_equal(alg.oid, oid::kSha1)) {
    if (provider.sha1 == nullptr) {
      why = "the crypto provider has no SHA-1 for a SHA-1 CertID";
      return std::nullopt;
    }
    return provider.sha1->digest(data);
  }
  if (oid_equal(alg.oid, oid::kSha256)) {
    h = provider.sha256;
  } else if (oid_equal(alg.oid, oid::kSha384)) {
    h = provider.sha384;
  } else if (oid_equal(alg.oid, oid::kSha512)) {
    h = provider.sha512;
  }
  if (h == nullptr) {
    why = "hash algorithm " + oid_to_string(alg.oid) + " is not supported";
    return std::nullopt;
  }
  return h->digest(data);
}

bool bytes_equal(ByteView a, ByteView b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

std::string responder_text(const OcspResponse& r) {
  if (!r.responder_name.empty()) {
    return name_text(r.responder_name);
  }
  return "key hash " + to_hex(r.responder_key_hash);
}

// responder_is reports whether the responderID of `r` designates `c`.
bool responder_is(const OcspResponse& r, const Certificate& c,
                  const crypto::CryptoProvider& provider) {
  if (!r.responder_name.empty()) {
    return bytes_equal(r.responder_name, c.subject);
  }
  //= https://www.rfc-editor.org/rfc/rfc6960#appendix-B.1
  //# KeyHash ::= OCTET STRING -- SHA-1 hash of responder's public key
  //#                          -- (i.e., the SHA-1 hash of the value of the
  //#                          -- BIT STRING subjectPublicKey [excluding
  //#                          -- the tag, length, and number of unused
  //#                          -- bits] in the responder's certificate)
  return provider.sha1 != nullptr &&
         bytes_equal(provider.sha1->digest(c.public_key), r.responder_key_hash);
}

// verify_signed checks `signature` (algorithm `alg`) over `tbs` with `signer`'s key. `what`
// names the signed object and `who` the signer in errors.
Status verify_signed(const AlgorithmIdentifier& alg_id, ByteView tbs, ByteView signature,
                     const Certificate& signer, const std::string& what, const std::string& who,
                     const crypto::CryptoProvider& provider) {
  Result<SignatureAlgorithm> alg = parse_signature_algorithm(alg_id);
  if (!alg.ok()) {
    return ocsp_error(what + ": " + alg.error().reason);
  }
  std::optional<SignatureScheme> scheme = signature_scheme_for(*alg, signer.key_type);
  if (!scheme) {
    return ocsp_error(what + ": signature algorithm " + signature_algorithm_name(*alg) +
                      " does not fit the " + public_key_type_name(signer.key_type) + " key of " +
                      who);
  }
  if (provider.verifier == nullptr) {
    return internal_error("the crypto provider has no signature verifier");
  }
  Status s = provider.verifier->verify(*scheme, signer.spki, tbs, signature);
  if (!s.ok()) {
    return ocsp_error(what + ": signature (" + signature_algorithm_name(*alg) +
                      ") does not verify with the key of " + who);
  }
  return Ok{};
}

// Signer is who signed an accepted response.
struct Signer {
  const Certificate* cert = nullptr;
  bool delegated = false;
};

// check_delegate checks that `d` (a certificate from the response) is a responder `issuer`
// delegated to at `now`.
Status check_delegate(const Certificate& d, const Certificate& issuer, int64_t now,
                      const crypto::CryptoProvider& provider) {
  std::string who = "delegated responder " + name_text(d.subject);
  //= https://www.rfc-editor.org/rfc/rfc6960#section-4.2.2.2
  //# OCSP signing delegation SHALL be designated by the inclusion of
  //# id-kp-OCSPSigning in an extended key usage certificate extension
  //# included in the OCSP response signer's certificate.  This certificate
  //# MUST be issued directly by the CA that is identified in the request.
  if (!bytes_equal(d.issuer, issuer.subject)) {
    return ocsp_error(who + " was issued by " + name_text(d.issuer) + ", not by " +
                      name_text(issuer.subject) + ", the issuer of the certificate");
  }
  //= https://www.rfc-editor.org/rfc/rfc6960#section-4.2.2.2
  //# Systems relying on OCSP responses MUST recognize a
  //# delegation certificate as being issued by the CA that issued the
  //# certificate in question only if the delegation certificate and the
  //# certificate being checked for revocation were signed by the same key.
  GLASSTLS_TRY(verify_signed(d.signature_algorithm, d.tbs, d.signature, issuer,
                             who + "'s certificate", name_text(issuer.subject), provider));
  if (now < d.not_before || now > d.not_after) {
    return ocsp_error(who + " is outside its validity period (" + format_time_utc(d.not_before) +
                      " to " + format_time_utc(d.not_after) + ") at " + format_time_utc(now));
  }
  if (const Extension* e = d.unhandled_critical_extension()) {
    return ocsp_error(who + " has the critical extension " + oid_to_string(e->oid) +
                      ", which glasstls does not handle");
  }
  //= https://www.rfc-editor.org/rfc/rfc6960#section-4.2.2.2
  //# They MUST reject the
  //# response if the certificate required to validate the signature on the
  //# response does not meet at least one of the following criteria:
  if (!d.has_ext_key_usage_purpose(oid::kOcspSigning)) {
    return ocsp_error(who + " has no extKeyUsage id-kp-OCSPSigning");
  }
  return Ok{};
}

// find_signer identifies and checks the signer of `r` and verifies the response signature.
// `parsed` holds the parsed certificates of `r.certs` (the signer may point into it).
Result<Signer> find_signer(const OcspResponse& r, const Certificate& issuer, int64_t now,
                           const crypto::CryptoProvider& provider,
                           std::vector<Certificate>& parsed) {
  //= https://www.rfc-editor.org/rfc/rfc6960#section-4.2.2.2
  //# 2. Is the certificate of the CA that issued the certificate in
  //#    question, or
  if (responder_is(r, issuer, provider)) {
    GLASSTLS_TRY(verify_signed(r.signature_algorithm, r.tbs_response_data, r.signature, issuer,
                               "signature", name_text(issuer.subject) + " (the issuer)", provider));
    return Signer{&issuer, false};
  }
  parsed.reserve(r.certs.size());
  for (ByteView der : r.certs) {
    Result<Certificate> c = parse_certificate(der);
    if (c.ok()) {
      parsed.push_back(std::move(*c));
    }
  }
  std::optional<Error> first_failure;
  for (const Certificate& c : parsed) {
    if (!responder_is(r, c, provider)) {
      continue;
    }
    //# 3. Includes a value of id-kp-OCSPSigning in an extended key usage
    //#    extension and is issued by the CA that issued the certificate in
    //#    question as stated above.
    Status s = check_delegate(c, issuer, now, provider);
    if (s.ok()) {
      s = verify_signed(r.signature_algorithm, r.tbs_response_data, r.signature, c, "signature",
                        name_text(c.subject) + " (delegated responder)", provider);
    }
    if (s.ok()) {
      return Signer{&c, true};
    }
    if (!first_failure) {
      first_failure = std::move(s).error();
    }
  }
  if (first_failure) {
    return std::move(*first_failure);
  }
  return ocsp_error("signed by responder " + responder_text(r) + ", which is neither " +
                    name_text(issuer.subject) +
                    " (the issuer of the certificate) nor a certificate of the response (" +
                    std::to_string(r.certs.size()) +
                    " included) that names it; no other responder is trusted");
}

std::string serial_text(ByteView serial) { return "0x" + to_hex(serial); }

// reason_name spells a CRLReason (RFC 5280 section 5.3.1) or returns "reason N".
std::string reason_name(int reason) {
  static constexpr const char* kNames[] = {
      "unspecified",   "keyCompromise",        "cACompromise",    "affiliationChanged",
      "superseded",    "cessationOfOperation", "certificateHold", nullptr,
      "removeFromCRL", "privilegeWithdrawn",   "aACompromise"};
  if (reason >= 0 && reason <= 10 && kNames[reason] != nullptr) {
    return kNames[reason];
  }
  return "reason " + std::to_string(reason);
}

}  // namespace

const char* ocsp_response_status_name(OcspResponseStatus status) {
  switch (status) {
    case OcspResponseStatus::kSuccessful: return "successful";
    case OcspResponseStatus::kMalformedRequest: return "malformedRequest";
    case OcspResponseStatus::kInternalError: return "internalError";
    case OcspResponseStatus::kTryLater: return "tryLater";
    case OcspResponseStatus::kSigRequired: return "sigRequired";
    case OcspResponseStatus::kUnauthorized: return "unauthorized";
  }
  return "?";
}

Result<OcspResponse> parse_ocsp_response(ByteView der) {
  OcspResponse out;
  out.der = der;
  DerReader top(der);
  DerReader resp;
  GLASSTLS_TRY(in_field(top.sequence(resp), "OCSPResponse"));
  GLASSTLS_TRY(in_field(top.expect_empty("OCSPResponse"), "OCSPResponse"));
  //= https://www.rfc-editor.org/rfc/rfc6960#section-4.2.1
  //# OCSPResponse ::= SEQUENCE {
  //#    responseStatus         OCSPResponseStatus,
  //#    responseBytes          [0] EXPLICIT ResponseBytes OPTIONAL }
  int status = 0;
  GLASSTLS_TRY(in_field(read_enumerated(resp, status), "responseStatus"));
  if (status < 0 || status > 6 || status == 4) {
    return ocsp_error("responseStatus " + std::to_string(status) + " is not defined");
  }
  out.status = static_cast<OcspResponseStatus>(status);
  uint8_t t = 0;
  bool has_bytes = resp.peek_tag(t) && t == tag::context_constructed(0);
  //# An OCSP response at a minimum consists of a responseStatus field
  //# indicating the processing status of the prior request.  If the value
  //# of responseStatus is one of the error conditions, the responseBytes
  //# field is not set.
  if (out.status != OcspResponseStatus::kSuccessful) {
    if (has_bytes) {
      return ocsp_error(std::string("responseStatus ") + ocsp_response_status_name(out.status) +
                        " comes with responseBytes");
    }
    GLASSTLS_TRY(in_field(resp.expect_empty("OCSPResponse"), "OCSPResponse"));
    return out;
  }
  if (!has_bytes) {
    return ocsp_error("a successful response has no responseBytes");
  }
  DerReader explicit_bytes;
  GLASSTLS_TRY(in_field(resp.nested(tag::context_constructed(0), explicit_bytes), "responseBytes"));
  GLASSTLS_TRY(in_field(resp.expect_empty("OCSPResponse"), "OCSPResponse"));
  //# ResponseBytes ::=       SEQUENCE {
  //#     responseType   OBJECT IDENTIFIER,
  //#     response       OCTET STRING }
  DerReader bytes;
  GLASSTLS_TRY(in_field(explicit_bytes.sequence(bytes), "responseBytes"));
  GLASSTLS_TRY(in_field(explicit_bytes.expect_empty("responseBytes"), "responseBytes"));
  ByteView type;
  GLASSTLS_TRY(in_field(bytes.read_oid(type), "responseType"));
  ByteView response;
  GLASSTLS_TRY(in_field(bytes.read(tag::kOctetString, response), "response"));
  GLASSTLS_TRY(in_field(bytes.expect_empty("ResponseBytes"), "responseBytes"));
  //# For a basic OCSP responder, responseType will be id-pkix-ocsp-basic.
  if (!oid_equal(type, oid::kOcspBasic)) {
    return ocsp_error("responseType " + oid_to_string(type) +
                      " is not id-pkix-ocsp-basic, the only type glasstls understands");
  }
  DerReader basic(response, offset_in(der, response));
  GLASSTLS_TRY(read_basic_response(basic, out));
  return out;
}

Result<OcspVerdict> check_ocsp_response(ByteView der, const Certificate& cert,
                                        const Certificate& issuer, int64_t now,
                                        int64_t max_clock_skew,
                                        const crypto::CryptoProvider& provider) {
  GLASSTLS_ASSIGN(OcspResponse r, parse_ocsp_response(der));
  if (r.status != OcspResponseStatus::kSuccessful) {
    return ocsp_error(std::string("responseStatus is ") + ocsp_response_status_name(r.status) +
                      ", not successful: the responder gave no certificate status");
  }
  //= https://www.rfc-editor.org/rfc/rfc6960#section-3.2
  //# Prior to accepting a signed response for a particular certificate as
  //# valid, OCSP clients SHALL confirm that:
  //#
  //# 1. The certificate identified in a received response corresponds to
  //#    the certificate that was identified in the corresponding request;
  //#
  //# 2. The signature on the response is valid;
  std::vector<Certificate> parsed;
  GLASSTLS_ASSIGN(Signer signer, find_signer(r, issuer, now, provider, parsed));

  const OcspSingleResponse* match = nullptr;
  std::string notes;
  auto note = [&](size_t i, const std::string& text) {
    notes += (notes.empty() ? "" : "; ") + ("SingleResponse " + std::to_string(i)) + " " + text;
  };
  for (size_t i = 0; i < r.responses.size() && match == nullptr; i++) {
    const OcspSingleResponse& s = r.responses[i];
    const OcspCertId& id = s.cert_id;
    if (!bytes_equal(id.serial, cert.serial)) {
      note(i, "is about serial " + serial_text(id.serial));
      continue;
    }
    //= https://www.rfc-editor.org/rfc/rfc6960#section-4.1.1
    //# o  issuerNameHash is the hash of the issuer's distinguished name
    //#    (DN).  The hash shall be calculated over the DER encoding of the
    //#    issuer's name field in the certificate being checked.
    //#
    //# o  issuerKeyHash is the hash of the issuer's public key.  The hash
    //#    shall be calculated over the value (excluding tag and length) of
    //#    the subject public key field in the issuer's certificate.
    std::string why;
    std::optional<Bytes> name_hash =
        hash_for_cert_id(id.hash_algorithm, cert.issuer, provider, why);
    if (!name_hash) {
      note(i, why);
      continue;
    }
    if (!bytes_equal(*name_hash, id.issuer_name_hash)) {
      note(i, "has the serial but its issuerNameHash is not the hash of " + name_text(cert.issuer));
      continue;
    }
    std::optional<Bytes> key_hash =
        hash_for_cert_id(id.hash_algorithm, issuer.public_key, provider, why);
    if (!key_hash || !bytes_equal(*key_hash, id.issuer_key_hash)) {
      note(i, "has the serial but its issuerKeyHash is not the hash of the key of " +
                  name_text(issuer.subject));
      continue;
    }
    match = &s;
  }
  if (match == nullptr) {
    return ocsp_error("no SingleResponse is about the certificate (serial " +
                      serial_text(cert.serial) + ", issuer " + name_text(cert.issuer) + ")" +
                      (notes.empty() ? std::string(": the response lists none") : ": " + notes));
  }

  //= https://www.rfc-editor.org/rfc/rfc6960#section-4.2.2.1
  //# Responses whose nextUpdate value is earlier than
  //# the local system time value SHOULD be considered unreliable.
  //# Responses whose thisUpdate time is later than the local system time
  //# SHOULD be considered unreliable.
  if (match->this_update > now + max_clock_skew) {
    return ocsp_error("not yet valid: thisUpdate " + format_time_utc(match->this_update) +
                      " is after " + format_time_utc(now) + " (allowing " +
                      std::to_string(max_clock_skew) + " s of clock skew)");
  }
  if (match->next_update && *match->next_update < now - max_clock_skew) {
    return ocsp_error("expired: nextUpdate " + format_time_utc(*match->next_update) +
                      " is before " + format_time_utc(now) + " (allowing " +
                      std::to_string(max_clock_skew) + " s of clock skew)");
  }
  //= https://www.rfc-editor.org/rfc/rfc6960#section-3.2
  //# 5. The time at which the status being indicated is known to be
  //#    correct (thisUpdate) is sufficiently recent;
  if (!match->next_update &&
      match->this_update + kOcspMaxAgeWithoutNextUpdate < now - max_clock_skew) {
    return ocsp_error("too old: no nextUpdate and thisUpdate " +
                      format_time_utc(match->this_update) + " is more than 7 days before " +
                      format_time_utc(now));
  }

  OcspVerdict v;
  v.produced_at = r.produced_at;
  v.this_update = match->this_update;
  v.next_update = match->next_update;
  std::string what;
  switch (match->status) {
    case OcspCertStatus::kGood:
      v.status = OcspVerdict::Status::kGood;
      what = "good";
      break;
    case OcspCertStatus::kRevoked:
      v.status = OcspVerdict::Status::kRevoked;
      v.revocation_time = match->revocation_time;
      v.reason = match->revocation_reason;
      what = "revoked at " + format_time_utc(match->revocation_time) +
             (v.reason ? " (" + reason_name(*v.reason) + ")" : std::string());
      break;
    case OcspCertStatus::kUnknown:
      v.status = OcspVerdict::Status::kUnknown;
      what = "unknown";
      break;
  }
  v.detail = what + " according to an OCSP response signed by " + name_text(signer.cert->subject) +
             (signer.delegated ? " (delegated responder)" : " (the issuer)") + " produced " +
             format_time_utc(r.produced_at) + ", thisUpdate " +
             format_time_utc(match->this_update) + ", nextUpdate " +
             (match->next_update ? format_time_utc(*match->next_update) : std::string("none"));
  return v;
}

namespace {

// ascii_only escapes every byte of `text` that is not printable ASCII or a newline as \xNN:
// name_to_string passes the bytes of UTF8String values through, and they may be anything.
std::string ascii_only(const std::string& text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '\n' || (c >= 0x20 && c < 0x7f)) {
      out += ch;
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

std::string describe_parsed(ByteView der) {
  Result<OcspResponse> parsed = parse_ocsp_response(der);
  if (!parsed.ok()) {
    return "OCSP response: does not parse: " + parsed.error().reason + "\n";
  }
  const OcspResponse& r = *parsed;
  std::string out = std::string("OCSP response: ") + ocsp_response_status_name(r.status) + "\n";
  if (r.status != OcspResponseStatus::kSuccessful) {
    return out;
  }
  out += "  responder: " +
         (r.responder_name.empty() ? "by key, SHA-1 " + to_hex(r.responder_key_hash)
                                   : "by name, " + name_text(r.responder_name)) +
         "\n";
  out += "  producedAt: " + format_time_utc(r.produced_at) + "\n";
  for (size_t i = 0; i < r.responses.size(); i++) {
    const OcspSingleResponse& s = r.responses[i];
    const AlgorithmIdentifier& h = s.cert_id.hash_algorithm;
    std::string hash = oid_equal(h.oid, oid::kSha1)     ? "SHA-1"
                       : oid_equal(h.oid, oid::kSha256) ? "SHA-256"
                       : oid_equal(h.oid, oid::kSha384) ? "SHA-384"
                       : oid_equal(h.oid, oid::kSha512) ? "SHA-512"
                                                        : oid_to_string(h.oid);
    out += "  response " + std::to_string(i) + ": serial " + serial_text(s.cert_id.serial) +
           " (CertID hash " + hash + "): ";
    switch (s.status) {
      case OcspCertStatus::kGood: out += "good"; break;
      case OcspCertStatus::kUnknown: out += "unknown"; break;
      case OcspCertStatus::kRevoked:
        out += "revoked at " + format_time_utc(s.revocation_time);
        if (s.revocation_reason) {
          out += ", reason " + reason_name(*s.revocation_reason);
        }
        break;
    }
    out += "; thisUpdate " + format_time_utc(s.this_update) + ", nextUpdate " +
           (s.next_update ? format_time_utc(*s.next_update) : std::string("none")) + "\n";
  }
  for (const Extension& e : r.extensions) {
    out += "  extension " +
           (oid_equal(e.oid, oid::kOcspNonce) ? std::string("nonce") : oid_to_string(e.oid)) +
           (e.critical ? " (critical)" : "") + ": " + to_hex(e.value) + "\n";
  }
  Result<SignatureAlgorithm> alg = parse_signature_algorithm(r.signature_algorithm);
  out += "  signature: " +
         (alg.ok() ? std::string(signature_algorithm_name(*alg))
                   : oid_to_string(r.signature_algorithm.oid)) +
         ", " + std::to_string(r.certs.size()) + " certificate(s) included\n";
  for (ByteView c : r.certs) {
    Result<Certificate> cert = parse_certificate(c);
    out += "  certificate: " +
           (cert.ok() ? name_text(cert->subject) + ", issued by " + name_text(cert->issuer)
                      : std::string("does not parse")) +
           "\n";
  }
  return out;
}

}  // namespace

std::string describe_ocsp_response(ByteView der) { return ascii_only(describe_parsed(der)); }

}  // namespace glasstls::x509
