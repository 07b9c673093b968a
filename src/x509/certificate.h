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
#include "glasstls/types.h"

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
// 1.3.101.112 id-Ed25519, 1.3.101.113 id-Ed448
inline constexpr uint8_t kEd25519[] = {0x2b, 0x65, 0x70};
inline constexpr uint8_t kEd448[] = {0x2b, 0x65, 0x71};
// 1.2.840.10045.4.3.2 ecdsa-with-SHA256
inline constexpr uint8_t kEcdsaWithSha256[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
// 1.2.840.10045.4.3.3 ecdsa-with-SHA384
inline constexpr uint8_t kEcdsaWithSha384[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03};
// 1.2.840.113549.1.1.11 sha256WithRSAEncryption
inline constexpr uint8_t kSha256WithRsa[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b};
// 2.5.4.3 commonName, 2.5.4.6 countryName, 2.5.4.7 localityName, 2.5.4.8
// stateOrProvinceName, 2.5.4.10 organizationName, 2.5.4.11 organizationalUnitName.
inline constexpr uint8_t kCommonName[] = {0x55, 0x04, 0x03};
inline constexpr uint8_t kCountryName[] = {0x55, 0x04, 0x06};
inline constexpr uint8_t kLocalityName[] = {0x55, 0x04, 0x07};
inline constexpr uint8_t kStateOrProvinceName[] = {0x55, 0x04, 0x08};
inline constexpr uint8_t kOrganizationName[] = {0x55, 0x04, 0x0a};
inline constexpr uint8_t kOrganizationalUnitName[] = {0x55, 0x04, 0x0b};
// 1.2.840.113549.1.9.1 emailAddress
inline constexpr uint8_t kEmailAddress[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01};
// Certificate extensions (2.5.29.x).
inline constexpr uint8_t kSubjectKeyIdentifier[] = {0x55, 0x1d, 0x0e};
inline constexpr uint8_t kKeyUsage[] = {0x55, 0x1d, 0x0f};
inline constexpr uint8_t kSubjectAltName[] = {0x55, 0x1d, 0x11};
inline constexpr uint8_t kBasicConstraints[] = {0x55, 0x1d, 0x13};
inline constexpr uint8_t kAuthorityKeyIdentifier[] = {0x55, 0x1d, 0x23};
inline constexpr uint8_t kExtKeyUsage[] = {0x55, 0x1d, 0x25};
inline constexpr uint8_t kNameConstraints[] = {0x55, 0x1d, 0x1e};
// 1.3.6.1.5.5.7.1.1 id-pe-authorityInfoAccess, 1.3.6.1.5.5.7.1.24 id-pe-tlsfeature (RFC 7633)
inline constexpr uint8_t kAuthorityInfoAccess[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01};
inline constexpr uint8_t kTlsFeature[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x18};
// 1.3.6.1.5.5.7.3.4 id-kp-emailProtection
inline constexpr uint8_t kEmailProtection[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x04};
// 1.3.6.1.5.5.7.3.1 id-kp-serverAuth, 1.3.6.1.5.5.7.3.2 id-kp-clientAuth
inline constexpr uint8_t kServerAuth[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01};
inline constexpr uint8_t kClientAuth[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02};
// 1.3.6.1.5.5.7.3.3 id-kp-codeSigning (used by tests as a purpose glasstls never asks for)
inline constexpr uint8_t kCodeSigning[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x03};
// 2.5.29.37.0 anyExtendedKeyUsage
inline constexpr uint8_t kAnyExtendedKeyUsage[] = {0x55, 0x1d, 0x25, 0x00};
// 1.3.132.0.35 secp521r1
inline constexpr uint8_t kSecp521r1[] = {0x2b, 0x81, 0x04, 0x00, 0x23};
// 1.2.840.10045.4.3.4 ecdsa-with-SHA512
inline constexpr uint8_t kEcdsaWithSha512[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04};
// 1.2.840.10045.4.1 ecdsa-with-SHA1
inline constexpr uint8_t kEcdsaWithSha1[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01};
// 1.2.840.113549.1.1.{12,13} sha384WithRSAEncryption, sha512WithRSAEncryption
inline constexpr uint8_t kSha384WithRsa[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c};
inline constexpr uint8_t kSha512WithRsa[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d};
// 1.2.840.113549.1.1.5 sha1WithRSAEncryption, 1.2.840.113549.1.1.4 md5WithRSAEncryption,
// 1.2.840.113549.1.1.2 md2WithRSAEncryption
inline constexpr uint8_t kSha1WithRsa[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05};
inline constexpr uint8_t kMd5WithRsa[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x04};
inline constexpr uint8_t kMd2WithRsa[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x02};
// 1.2.840.10040.4.3 dsa-with-sha1
inline constexpr uint8_t kDsaWithSha1[] = {0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x03};
// 1.2.840.113549.1.1.10 id-RSASSA-PSS, 1.2.840.113549.1.1.8 id-mgf1
inline constexpr uint8_t kRsassaPss[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a};
inline constexpr uint8_t kMgf1[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08};
// 2.16.840.1.101.3.4.2.{1,2,3} id-sha256, id-sha384, id-sha512; 1.3.14.3.2.26 id-sha1
inline constexpr uint8_t kSha256[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
inline constexpr uint8_t kSha384[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02};
inline constexpr uint8_t kSha512[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03};
inline constexpr uint8_t kSha1[] = {0x2b, 0x0e, 0x03, 0x02, 0x1a};
}  // namespace oid

// oid_equal compares an OID view with one of the constants above.
bool oid_equal(ByteView a, ByteView b);

}  // namespace glasstls::x509
namespace glasstls::asn1 {
class DerReader;
}  // namespace glasstls::asn1
namespace glasstls::x509 {
using asn1::DerReader;

// The pieces of RFC 5280 section 4.1 that certificates, CRLs (section 5.1) and OCSP responses
// (RFC 6960) share; each reads one element from `r` with strict DER, or fails with a
// kInvalidCertificate error naming what was wrong.
struct AlgorithmIdentifier;
struct Extension;
// parse_algorithm_identifier reads `AlgorithmIdentifier ::= SEQUENCE { algorithm OID,
// parameters ANY OPTIONAL }`.
Status parse_algorithm_identifier(DerReader& r, AlgorithmIdentifier& out);
// parse_name checks `Name ::= SEQUENCE OF SET SIZE (1..MAX) OF SEQUENCE { OID, ANY }` and
// writes the whole Name element.
Status parse_name(DerReader& r, ByteView& name_tlv);
// parse_extension reads one `Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE,
// extnValue OCTET STRING }` from an extensions list. `lenient` accepts an encoded critical
// FALSE (trust anchors only, see ParseMode).
Status parse_extension(DerReader& list, Extension& e, bool lenient = false);

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

// SignatureAlgorithm is a certificate signature algorithm glasstls can verify (RSA PKCS#1 v1.5
// and RSA-PSS with SHA-256/384/512, ECDSA with SHA-256/384/512, Ed25519, Ed448).
enum class SignatureAlgorithm : uint8_t {
  kRsaPkcs1Sha256,
  kRsaPkcs1Sha384,
  kRsaPkcs1Sha512,
  kRsaPssSha256,
  kRsaPssSha384,
  kRsaPssSha512,
  kEcdsaSha256,
  kEcdsaSha384,
  kEcdsaSha512,
  kEd25519,
  kEd448,
};

// signature_algorithm_name spells an algorithm as in RFC texts ("sha256WithRSAEncryption",
// "RSASSA-PSS with SHA-256", "ecdsa-with-SHA384", "Ed25519").
const char* signature_algorithm_name(SignatureAlgorithm alg);

// parse_signature_algorithm identifies a signatureAlgorithm. Unknown algorithms, and the ones
// glasstls refuses (MD2, MD5, SHA-1 with RSA, ECDSA or DSA; RSA-PSS with SHA-1, with an MGF1 hash
// other than the message hash or with a salt other than the hash length) fail with alert
// unsupported_certificate; malformed parameters (a missing NULL for PKCS#1, parameters for ECDSA
// or Ed25519, bad RSASSA-PSS-params) fail with bad_certificate. Both use kInvalidCertificate.
Result<SignatureAlgorithm> parse_signature_algorithm(const AlgorithmIdentifier& alg);

// PublicKeyType is the kind of a SubjectPublicKeyInfo, as far as glasstls supports it.
enum class PublicKeyType : uint8_t {
  kUnsupported,  // another algorithm, another curve, or malformed parameters
  kRsa,          // rsaEncryption with NULL parameters
  kEcP256,       // id-ecPublicKey on namedCurve secp256r1
  kEcP384,       // id-ecPublicKey on namedCurve secp384r1
  kEcP521,       // id-ecPublicKey on namedCurve secp521r1
  kEd25519,      // id-Ed25519 without parameters
  kRsaPss,       // id-RSASSA-PSS, without parameters or with RSASSA-PSS-params (RFC 4055)
  kEd448,        // id-Ed448 without parameters
};

// public_key_type_name spells a key type ("RSA", "EC P-256", ..., "unsupported").
const char* public_key_type_name(PublicKeyType type);

// signature_scheme_for maps a certificate signature algorithm and the issuer's key type to the
// scheme the crypto provider verifies: RSA-PSS maps to rsa_pss_rsae_* when the issuer key is
// rsaEncryption and to rsa_pss_pss_* when it is id-RSASSA-PSS (which cannot make PKCS#1 v1.5
// signatures), ECDSA must use the hash that goes with the issuer's curve (SHA-256 on P-256,
// SHA-384 on P-384, SHA-512 on P-521). Returns nullopt when the pair does not fit.
std::optional<SignatureScheme> signature_scheme_for(SignatureAlgorithm alg, PublicKeyType key);

// KeyUsage bits (RFC 5280 section 4.2.1.3): bit n of the named BIT STRING is (1 << n).
namespace key_usage {
inline constexpr uint16_t kDigitalSignature = 1 << 0;
inline constexpr uint16_t kNonRepudiation = 1 << 1;
inline constexpr uint16_t kKeyEncipherment = 1 << 2;
inline constexpr uint16_t kDataEncipherment = 1 << 3;
inline constexpr uint16_t kKeyAgreement = 1 << 4;
inline constexpr uint16_t kKeyCertSign = 1 << 5;
inline constexpr uint16_t kCrlSign = 1 << 6;
inline constexpr uint16_t kEncipherOnly = 1 << 7;
inline constexpr uint16_t kDecipherOnly = 1 << 8;
}  // namespace key_usage

// GeneralName forms by their context tag number (RFC 5280 section 4.2.1.6).
namespace general_name {
inline constexpr uint8_t kOtherName = 0;
inline constexpr uint8_t kRfc822Name = 1;
inline constexpr uint8_t kDnsName = 2;
inline constexpr uint8_t kX400Address = 3;
inline constexpr uint8_t kDirectoryName = 4;
inline constexpr uint8_t kEdiPartyName = 5;
inline constexpr uint8_t kUri = 6;
inline constexpr uint8_t kIpAddress = 7;
inline constexpr uint8_t kRegisteredId = 8;
}  // namespace general_name

// GeneralSubtree is one base of a name constraint. `form` is the GeneralName tag number; `base`
// is the dNSName text, the iPAddress address-and-mask (8 or 32 bytes), the whole DER Name of a
// directoryName, or the contents of another form (kept so that the verifier can refuse names of
// a form it cannot check).
struct GeneralSubtree {
  uint8_t form = 0;
  ByteView base;
};

// NameConstraints is the nameConstraints extension (RFC 5280 section 4.2.1.10).
struct NameConstraints {
  std::vector<GeneralSubtree> permitted;
  std::vector<GeneralSubtree> excluded;
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
  // key_type is what kind of key spki holds.
  PublicKeyType key_type = PublicKeyType::kUnsupported;
  // extensions lists the extensions in order (empty for v1 and v2 certificates).
  std::vector<Extension> extensions;
  // has_subject_alt_name is true when the subjectAltName extension is present; dns_names and
  // ip_addresses are its dNSName (IA5 text) and iPAddress (4 or 16 bytes) entries in order, and
  // directory_names its directoryName entries (whole DER Names). other_name_forms has bit
  // (1 << n) set for each other GeneralName form n present (rfc822Name, URI, ...).
  bool has_subject_alt_name = false;
  std::vector<std::string_view> dns_names;
  std::vector<ByteView> ip_addresses;
  std::vector<ByteView> directory_names;
  // email_addresses are the rfc822Name entries (IA5 text), in order.
  std::vector<std::string_view> email_addresses;
  uint16_t other_name_forms = 0;
  // tls_features lists the TLS extension numbers of the TLS Feature extension (RFC 7633);
  // 5 (status_request) there means the certificate must be presented with an OCSP staple.
  std::vector<uint16_t> tls_features;
  // key_usage holds the keyUsage bits (see namespace key_usage) when the extension is present.
  std::optional<uint16_t> key_usage;
  // has_ext_key_usage is true when extKeyUsage is present; ext_key_usages are its purpose OIDs
  // (contents).
  bool has_ext_key_usage = false;
  std::vector<ByteView> ext_key_usages;
  // name_constraints is the nameConstraints extension, when present.
  std::optional<NameConstraints> name_constraints;
  // authority_key_id is the keyIdentifier of authorityKeyIdentifier and subject_key_id the
  // subjectKeyIdentifier; empty when absent.
  ByteView authority_key_id;
  ByteView subject_key_id;
  // has_basic_constraints is true when basicConstraints is present; is_ca is its cA field and
  // path_len its pathLenConstraint.
  bool has_basic_constraints = false;
  bool is_ca = false;
  std::optional<uint64_t> path_len;
  // signature is the signatureValue bytes (an octet-aligned BIT STRING).
  ByteView signature;

  // find_extension returns the extension with OID `oid`, or null.
  const Extension* find_extension(ByteView oid) const;
  // unhandled_critical_extension returns the first critical extension that glasstls does not
  // process (anything but basicConstraints, keyUsage, extKeyUsage, subjectAltName,
  // nameConstraints and the key identifiers), or null.
  const Extension* unhandled_critical_extension() const;
  // has_ext_key_usage_purpose reports whether extKeyUsage lists the purpose `oid`.
  bool has_ext_key_usage_purpose(ByteView oid) const;
  // self_issued reports whether issuer and subject are the same DER Name (RFC 5280 section 6.1).
  bool self_issued() const;
  // must_staple reports whether the TLS Feature extension lists status_request (RFC 7633).
  bool must_staple() const;
};

// RsaKeyFacts describes an RSAPublicKey (the contents of an rsaEncryption subjectPublicKey).
struct RsaKeyFacts {
  // modulus_bits is the size of the modulus in bits (0 when the key does not parse).
  size_t modulus_bits = 0;
  // exponent_ok: the public exponent is odd and at least 3.
  bool exponent_ok = false;
};
RsaKeyFacts rsa_key_facts(ByteView public_key);

// parse_certificate parses the DER certificate `der`. The whole input must be one certificate
// (trailing bytes are rejected). On failure the Error has kind kInvalidCertificate, alert
// bad_certificate and a reason naming the field and offset. Besides DER syntax it checks: the
// version is 1-3 and v1 is not explicitly encoded; unique IDs only in v2/v3 and extensions only
// in v3; the inner and outer signature algorithms are identical; the signature and the public
// key are whole bytes; no extension appears twice; an extension's critical flag is not an
// explicit FALSE; subjectAltName, basicConstraints, keyUsage, extKeyUsage, nameConstraints and
// the key identifiers, when present, are well formed. It does not judge algorithms: an unknown
// signature algorithm or key type parses (see parse_signature_algorithm and key_type). The
// result's views point into `der` (see Certificate).
//
// ParseMode::kTrustAnchor relaxes a few DER rules that real root certificates break (two of the
// Debian ca-certificates roots, for example, encode keyUsage with trailing zero bits): it
// accepts an explicitly encoded DEFAULT (version v1, critical FALSE, cA FALSE) and keyUsage with
// trailing zero bits. Anchors come from the local trust store, not from the peer, and the
// relaxation only forgives encodings; what the fields say is still checked.
enum class ParseMode : uint8_t { kStrict, kTrustAnchor };
Result<Certificate> parse_certificate(ByteView der, ParseMode mode = ParseMode::kStrict);

// certificate_spki returns the whole SubjectPublicKeyInfo element of the DER certificate `der`
// (a view into `der`, the same bytes as parse_certificate's Certificate::spki) without parsing
// the rest: it reads the Certificate and TBSCertificate SEQUENCEs (no trailing bytes) and takes
// each field before the key as one element of the right tag, without looking inside it, nor at
// the key or what follows it. For a caller that needs only the key of a certificate that is
// parsed in full elsewhere, such as a TLS 1.2 client, whose certificate verifier parses the
// chain. Fails with parse_certificate's kind and alert (kInvalidCertificate, bad_certificate)
// when that structure is malformed.
Result<ByteView> certificate_spki(ByteView der);

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
