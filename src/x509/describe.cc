// describe.cc: describe_certificate and decode_pem_certificates (include/glasstls/x509.h): a
// certificate summarised for a reader, and the certificates of a PEM text.
#include <string>
#include <string_view>
#include <vector>

#include "asn1/der.h"
#include "glasstls/x509.h"
#include "x509/certificate.h"

namespace glasstls {

namespace {

// key_description names a certificate's public key: "ECDSA P-256", "RSA-2048", "Ed25519",
// "RSASSA-PSS-2048", ...
std::string key_description(const x509::Certificate& cert) {
  ByteView alg = cert.spki_algorithm.oid;
  if (x509::oid_equal(alg, x509::oid::kEcPublicKey)) {
    asn1::DerReader params(cert.spki_algorithm.params);
    ByteView curve;
    if (!params.read_oid(curve).ok()) {
      return "EC (unnamed curve)";
    }
    if (x509::oid_equal(curve, x509::oid::kSecp256r1)) {
      return "ECDSA P-256";
    }
    if (x509::oid_equal(curve, x509::oid::kSecp384r1)) {
      return "ECDSA P-384";
    }
    if (x509::oid_equal(curve, x509::oid::kSecp521r1)) {
      return "ECDSA P-521";
    }
    return "EC curve " + asn1::oid_to_string(curve);
  }
  if (x509::oid_equal(alg, x509::oid::kRsaEncryption)) {
    return "RSA-" + std::to_string(x509::rsa_key_facts(cert.public_key).modulus_bits);
  }
  if (x509::oid_equal(alg, x509::oid::kRsassaPss)) {
    return "RSASSA-PSS-" + std::to_string(x509::rsa_key_facts(cert.public_key).modulus_bits);
  }
  if (x509::oid_equal(alg, x509::oid::kEd25519)) {
    return "Ed25519";
  }
  if (x509::oid_equal(alg, x509::oid::kEd448)) {
    return "Ed448";
  }
  return "key " + asn1::oid_to_string(alg);
}

}  // namespace

Result<std::vector<Bytes>> decode_pem_certificates(std::string_view pem) {
  return x509::certificate_chain_from_pem(pem);
}

Result<CertificateSummary> describe_certificate(std::span<const uint8_t> der) {
  Result<x509::Certificate> cert = x509::parse_certificate(der);
  if (!cert.ok()) {
    cert = x509::parse_certificate(der, x509::ParseMode::kTrustAnchor);
  }
  if (!cert.ok()) {
    return cert.error();
  }
  CertificateSummary summary;
  summary.subject = x509::name_to_string(cert->subject);
  summary.issuer = x509::name_to_string(cert->issuer);
  summary.not_before = cert->not_before;
  summary.not_after = cert->not_after;
  summary.key = key_description(*cert);
  return summary;
}

}  // namespace glasstls
