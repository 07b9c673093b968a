// certificate.h: parsing X.509 v1-v3 certificates (RFC 5280 section 4.1) into views.
//
//   Certificate  ::=  SEQUENCE  {
//        tbsCertificate       TBSCertificate,
//        signatureAlgorithm   AlgorithmIdentifier,
//        signatureValue       BIT STRING  }
//
//   TBSCertificate  ::=  SEQUENCE  {
//        version         [0]  EXPLICIT Version DEFAULT v1,
//        serialNumber         CertificateSerialNumber,
//        signature            AlgorithmIdentifier,
//        issuer               Name,
//        validity             Validity,
//        subject              Name,
//        subjectPublicKeyInfo SubjectPublicKeyInfo,
//        issuerUniqueID  [1]  IMPLICIT UniqueIdentifier OPTIONAL,
//        subjectUniqueID [2]  IMPLICIT UniqueIdentifier OPTIONAL,
//        extensions      [3]  EXPLICIT Extensions OPTIONAL }
//
// The parser checks syntax, not trust: it does not verify the signature, the validity period,
// or whether critical extensions are understood. That is the path builder's job.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace glasstls::x509 {

// Object identifiers used by glasstls, as DER contents (the bytes after tag and length).
namespace oid {
// 1.2.840.10045.2.1 id-ecPublicKey
inline constexpr uint8_t kEcPublicKey[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};
// 1.2.840.10045.3.1.7 secp256r1
inline constexpr uint8_t kSecp256r1[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
// 1.3.132.0.34 secp384r1
inline constexpr uint8_t kSecp384r1[] = {0x2b, 0x81, 0x04, 0x00, 0x22};
// 1.2.840.113549.1.1.1 rsaEncryption
inline constexpr uint8_t kRsaEncryption[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
// 1.3.101.112 id-Ed25519
inline constexpr uint8_t kEd25519[] = {0x2b, 0x65, 0x70};
// 1.2.840.10045.4.3.2 ecdsa-with-SHA256
inline constexpr uint8_t kEcdsaWithSha256[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
// 1.2.840.10045.4.3.3 ecdsa-with-SHA384
inline constexpr uint8_t kEcdsaWithSha384[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03};
// 1.2.840.113549.1.1.11 sha256WithRSAEncryption
inline constexpr uint8_t kSha256WithRsa[] = {0x2a, 0x86, 0x48, 0x86, 0xf7,
                                             0x0d, 0x01, 0x01, 0x0b};
// 2.5.4.3 commonName, 2.5.4.6 countryName, 2.5.4.7 localityName, 2.5.4.8
// stateOrProvinceName, 2.5.4.10 organizationName, 2.5.4.11 organizationalUnitName.
inline constexpr uint8_t kCommonName[] = {0x55, 0x04, 0x03};
inline constexpr uint8_t kCountryName[] = {0x55, 0x04, 0x06};
inline constexpr uint8_t kLocalityName[] = {0x55, 0x04, 0x07};
inline constexpr uint8_t kStateOrProvinceName[] = {0x55, 0x04, 0x08};
inline constexpr uint8_t kOrganizationName[] = {0x55, 0x04, 0x0a};
inline constexpr uint8_t kOrganizationalUnitName[] = {0x55, 0x04, 0x0b};
// 1.2.840.113549.1.9.1 emailAddress
inline constexpr uint8_t kEmailAddress[] = {0x2a, 0x86, 0x48, 0x86, 0xf7,
                                            0x0d, 0x01, 0x09, 0x01};
// Certificate extensions (2.5.29.x).
inline constexpr uint8_t kSubjectKeyIdentifier[] = {0x55, 0x1d, 0x0e};
inline constexpr uint8_t kKeyUsage[] = {0x55, 0x1d, 0x0f};
inline constexpr uint8_t kSubjectAltName[] = {0x55, 0x1d, 0x11};
inline constexpr uint8_t kBasicConstraints[] = {0x55, 0x1d, 0x13};
inline constexpr uint8_t kAuthorityKeyIdentifier[] = {0x55, 0x1d, 0x23};
inline constexpr uint8_t kExtKeyUsage[] = {0x55, 0x1d, 0x25};
// 1.3.6.1.5.5.7.3.1 id-kp-serverAuth, 1.3.6.1.5.5.7.3.2 id-kp-clientAuth
inline constexpr uint8_t kServerAuth[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01};
inline constexpr uint8_t kClientAuth[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02};
}  // namespace oid

// oid_equal compares an OID view with one of the constants above.
bool oid_equal(ByteView a, ByteView b);

// AlgorithmIdentifier is `SEQUENCE { algorithm OID, parameters ANY OPTIONAL }`.
struct AlgorithmIdentifier {
  // oid is the contents of the algorithm OBJECT IDENTIFIER.
  ByteView oid;
  // params is the whole encoded parameters element (for example 05 00 for NULL), or empty when
  // the parameters are absent.
  ByteView params;
  // der is the whole AlgorithmIdentifier element.
  ByteView der;
};

// Extension is one entry of the extensions list.
struct Extension {
  // oid is the contents of extnID.
  ByteView oid;
  bool critical = false;
  // value is the contents of the extnValue OCTET STRING (the DER of the extension itself).
  ByteView value;
};

// Certificate is a parsed certificate. Every ByteView and string_view in it points into the
// buffer given to parse_certificate, which must outlive the Certificate and must not change;
// copy the bytes (or keep the DER alongside) before the buffer goes away.
struct Certificate {
  // der is the whole certificate.
  ByteView der;
  // tbs is the whole TBSCertificate element: the bytes the signature covers.
  ByteView tbs;
  // version is 1, 2 or 3 (the encoded value plus one).
  int version = 1;
  // serial is the contents of the serialNumber INTEGER (two's complement, minimal).
  ByteView serial;
  // signature_algorithm is the outer signatureAlgorithm; tbs_signature_algorithm is the
  // `signature` field inside the TBSCertificate. The parser requires them to be identical.
  AlgorithmIdentifier signature_algorithm;
  AlgorithmIdentifier tbs_signature_algorithm;
  // issuer and subject are the whole DER Name elements (compare them byte for byte, or render
  // them with name_to_string).
  ByteView issuer;
  ByteView subject;
  // not_before and not_after are seconds since the Unix epoch (UTC).
  int64_t not_before = 0;
  int64_t not_after = 0;
  // spki is the whole SubjectPublicKeyInfo element; spki_algorithm is its algorithm and
  // public_key the contents of its subjectPublicKey BIT STRING.
  ByteView spki;
  AlgorithmIdentifier spki_algorithm;
  ByteView public_key;
  // extensions lists the extensions in order (empty for v1 and v2 certificates).
  std::vector<Extension> extensions;
  // has_subject_alt_name is true when the subjectAltName extension is present; dns_names and
  // ip_addresses are its dNSName (IA5 text) and iPAddress (4 or 16 bytes) entries in order.
  // Other GeneralName forms are skipped.
  bool has_subject_alt_name = false;
  std::vector<std::string_view> dns_names;
  std::vector<ByteView> ip_addresses;
  // has_basic_constraints is true when basicConstraints is present; is_ca is its cA field and
  // path_len its pathLenConstraint.
  bool has_basic_constraints = false;
  bool is_ca = false;
  std::optional<uint64_t> path_len;
  // signature is the signatureValue bytes (an octet-aligned BIT STRING).
  ByteView signature;

  // find_extension returns the extension with OID `oid`, or null.
  const Extension* find_extension(ByteView oid) const;
};

// parse_certificate parses the DER certificate `der`. The whole input must be one certificate
// (trailing bytes are rejected). On failure the Error has kind kInvalidCertificate, alert
// bad_certificate and a reason naming the field and offset. Besides DER syntax it checks: the
// version is 1-3 and v1 is not explicitly encoded; unique IDs only in v2/v3 and extensions only
// in v3; the inner and outer signature algorithms are identical; the signature and the public
// key are whole bytes; no extension appears twice; an extension's critical flag is not an
// explicit FALSE; subjectAltName and basicConstraints, when present, are well formed. The
// result's views point into `der` (see Certificate).
Result<Certificate> parse_certificate(ByteView der);

// name_to_string renders a DER Name as "CN=example.com, O=Example", with the relative
// distinguished names in the order they are encoded (not reversed as in RFC 4514) and the
// values of a multi-valued RDN joined by '+'. Known attributes use short names (CN, O, OU, C, L,
// ST, emailAddress); others use the dotted OID. String values are shown as text with ',', '+',
// '"', '\', '<', '>', ';' and '=' escaped by a backslash and other control or non-ASCII bytes of
// non-UTF-8 types as \XX; values of other types are '#' and the hex of their DER (RFC 4514
// section 2.4). Malformed input renders as "<malformed name>". An empty Name renders as "".
std::string name_to_string(ByteView name_der);

// certificate_chain_from_pem returns the DER of each CERTIFICATE block of `pem`, in order, and
// ignores blocks with other labels. The certificates are not parsed. Fails (kBadConfig) when the
// PEM is malformed or holds no CERTIFICATE block.
Result<std::vector<Bytes>> certificate_chain_from_pem(std::string_view pem);

}  // namespace glasstls::x509
