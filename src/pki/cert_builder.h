// cert_builder.h: building X.509 v3 certificates for tests and the demo (a throwaway CA kept in
// memory). Not meant for issuing real certificates: names carry only a common name.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "glasstls/crypto.h"

namespace glasstls::x509 {

// CertSpec describes one certificate.
struct CertSpec {
  // serial is the serial number as an unsigned big-endian number (1 to 20 significant bytes);
  // it is encoded as a positive INTEGER.
  Bytes serial;
  // issuer_cn and subject_cn become Names with one commonName (UTF8String). An empty name
  // becomes an empty Name; an empty subject then makes subjectAltName critical (RFC 5280
  // section 4.2.1.6).
  std::string issuer_cn;
  std::string subject_cn;
  // not_before and not_after are seconds since the Unix epoch, years 0000 through 9999.
  int64_t not_before = 0;
  int64_t not_after = 0;
  // subject_spki is the DER SubjectPublicKeyInfo of the subject's key.
  Bytes subject_spki;
  // is_ca makes a CA certificate (basicConstraints cA, keyUsage keyCertSign | cRLSign, no
  // extKeyUsage); otherwise a leaf (keyUsage digitalSignature, extKeyUsage per the flags below).
  bool is_ca = false;
  // path_len is the CA's pathLenConstraint; ignored for leaves.
  std::optional<int> path_len;
  // dns_names (ASCII) and ip_addresses (4 or 16 bytes) fill subjectAltName, which is omitted
  // when both are empty.
  std::vector<std::string> dns_names;
  std::vector<Bytes> ip_addresses;
  // server_auth and client_auth select the extKeyUsage purposes of a leaf; with neither set the
  // extension is omitted.
  bool server_auth = true;
  bool client_auth = false;

  // The fields below exist for path validation tests; their defaults change nothing.

  // version 1 makes a v1 certificate: no version field and no extensions at all.
  int version = 3;
  // issuer_name and subject_name, when set, are whole DER Names used instead of issuer_cn and
  // subject_cn (see build_name); issuer_name makes cross-signed certificates.
  std::optional<Bytes> issuer_name;
  std::optional<Bytes> subject_name;
  // include_basic_constraints false omits basicConstraints; basic_constraints_not_critical
  // writes it without the critical flag.
  bool include_basic_constraints = true;
  bool basic_constraints_not_critical = false;
  // raw_serial, when set, is written as the contents of the serialNumber INTEGER as they are
  // (zero, negative), instead of `serial`.
  std::optional<Bytes> raw_serial;
  // key_usage replaces the default keyUsage bits (x509::key_usage::*); include_key_usage false
  // omits the extension.
  std::optional<uint16_t> key_usage;
  bool include_key_usage = true;
  // ext_key_usages, when set, replaces the extKeyUsage purposes (OID contents, for any
  // certificate, CA included); an empty list omits the extension.
  std::optional<std::vector<Bytes>> ext_key_usages;
  // uris adds uniformResourceIdentifier entries to subjectAltName.
  std::vector<std::string> uris;
  // Name constraints (added, critical, when any list is non-empty): DNS names, iPAddress
  // address-and-mask (8 or 32 bytes) and DER Names.
  std::vector<std::string> permitted_dns;
  std::vector<std::string> excluded_dns;
  std::vector<Bytes> permitted_ips;
  std::vector<Bytes> excluded_ips;
  std::vector<Bytes> permitted_dirs;
  std::vector<Bytes> excluded_dirs;
  // rfc822Name subtrees ("user@host", "host", ".domain").
  std::vector<std::string> permitted_emails;
  std::vector<std::string> excluded_emails;
  // emails adds rfc822Name entries to subjectAltName.
  std::vector<std::string> emails;
  // include_key_ids false omits subjectKeyIdentifier and authorityKeyIdentifier;
  // subject_key_id and authority_key_id replace the computed identifiers.
  bool include_key_ids = true;
  bool include_subject_key_id = true;
  bool include_authority_key_id = true;
  std::optional<Bytes> subject_key_id;
  std::optional<Bytes> authority_key_id;
  // RawExtension is any extension, appended after the others.
  struct RawExtension {
    Bytes oid;  // OID contents
    bool critical = false;
    Bytes value;  // extnValue contents
  };
  std::vector<RawExtension> extra_extensions;
  // signature_algorithm, when set, is the whole DER AlgorithmIdentifier written in the
  // certificate (tbs and outer) instead of the issuer key's default; signature_scheme, when set,
  // is the scheme used to sign. Together they make RSA-PSS certificates, or certificates that
  // claim an algorithm glasstls refuses (SHA-1).
  std::optional<Bytes> signature_algorithm;
  std::optional<SignatureScheme> signature_scheme;
};

// build_name makes a DER Name with one attribute per RDN, in order. Attribute types are "C"
// (PrintableString), "O", "OU", "CN", "L", "ST" (UTF8String). Fails with kBadConfig on an
// unknown type.
Result<Bytes> build_name(const std::vector<std::pair<std::string, std::string>>& rdns);

// pss_algorithm_identifier is the DER AlgorithmIdentifier of RSASSA-PSS with `hash` (SHA-256,
// SHA-384 or SHA-512), MGF1 with the same hash and a salt of the hash length.
Bytes pss_algorithm_identifier(crypto::HashId hash);

// build_certificate makes the DER of a certificate for `spec`, signed by `issuer_key`:
// ecdsa-with-SHA256 for a P-256 key, ecdsa-with-SHA384 for P-384, ecdsa-with-SHA512 for P-521,
// sha256WithRSAEncryption for RSA, RSASSA-PSS with SHA-256 (MGF1 SHA-256, salt 32) for an
// RSASSA-PSS key, Ed25519 and Ed448 for those keys. For a self-signed certificate pass the
// subject's own key. The extensions are basicConstraints (critical), keyUsage (critical),
// extKeyUsage (leaves), subjectAltName, subjectKeyIdentifier and authorityKeyIdentifier; the key
// identifiers are the first 20 bytes of SHA-256 over the subjectPublicKey bits, computed with
// `provider.sha256`. Fails with kBadConfig on an invalid spec (empty serial, malformed SPKI,
// non-ASCII DNS name, IP address of the wrong length, negative path_len, time out of range) and
// passes on the provider's signing error.
Result<Bytes> build_certificate(const CertSpec& spec, const crypto::SigningKey& issuer_key,
                                const crypto::CryptoProvider& provider);

// TestPki is a throwaway CA and one leaf it issued.
struct TestPki {
  std::shared_ptr<const crypto::SigningKey> ca_key;
  std::shared_ptr<const crypto::SigningKey> leaf_key;
  Bytes ca_cert;
  Bytes leaf_cert;
};

// make_test_pki generates a self-signed CA named `ca_cn` (pathLenConstraint 0) with a fresh key
// of type `ca_type` (ECDSA P-256 unless asked) and a leaf with a fresh key of type `leaf_type`
// (RSA and RSASSA-PSS: 2048 bits) for `dns_names` (its common name
// is the first DNS name, or "glasstls test leaf"), usable for serverAuth and clientAuth. Both
// are valid from one hour before now (std::time) until one day after, with random 16-byte
// serials from `provider.random`. Fails when the provider cannot generate keys or sign.
Result<TestPki> make_test_pki(const crypto::CryptoProvider& provider, crypto::KeyType leaf_type,
                              std::vector<std::string> dns_names,
                              std::string ca_cn = "glasstls throwaway CA",
                              crypto::KeyType ca_type = crypto::KeyType::kEcdsaP256);

}  // namespace glasstls::x509
