// verify.cc: certificate path building and validation (RFC 5280 section 6, WebPKI profile).
//
// Shape (BoringSSL pki/path_builder.cc, rustls-webpki verify_cert.rs, Go crypto/x509
// verify.go):
//
//   1. Parse every certificate the peer sent; one that does not parse fails the whole chain
//      (bad_certificate), as Go's crypto/tls does.
//   2. Check the end-entity certificate alone: serial, issuer, validity, critical extensions,
//      the key policy, key identifiers, subject and subjectAltName syntax, not a CA (unless it
//      is itself an anchor), key usage, extended key usage. These failures are final: no path
//      can repair them.
//   3. Build a path depth-first from the leaf. For the certificate at the end of the path, the
//      candidate issuers are the trust anchors and then the peer's other certificates whose
//      subject equals its issuer (byte for byte), those whose subjectKeyIdentifier equals its
//      authorityKeyIdentifier first. For each candidate: issuer-independent checks first
//      (validity, critical extensions, a critical basicConstraints cA, keyUsage present with
//      keyCertSign, subjectKeyIdentifier, the key policy, extKeyUsage; cached), then
//      pathLenConstraint, then the signature (budgeted), then the candidate's name constraints
//      over everything below it; then recurse. A failed candidate records its error and the
//      search backtracks to the next one.
//   4. Match the reference identity against the leaf's subjectAltName (and rfc822Name).
//   5. Revocation, when asked for: the leaf's OCSP response, then CRLs for every certificate
//      below the anchor (check_revocation).
//
// Trust anchors (AnchorPolicy::kCertificate, the default, as OpenSSL, Go and pyca/cryptography
// do): the anchor's validity period, critical extensions, key, a critical basicConstraints
// cA=TRUE (v3 anchors), keyCertSign when keyUsage is present and its pathLenConstraint are
// checked. AnchorPolicy::kNameAndKey is RFC 5280 section 6.1.1's reading: only the anchor's
// subject, public key and name constraints are used.
//
// Budgets: at most options.max_signature_checks signature verifications and
// options.max_path_building_calls recursive steps; exhausting either ends the search at once
// (rustls-webpki Budget, Go maxChainSignatureChecks). A certificate never appears twice in a
// path (same subject and SubjectPublicKeyInfo, Go alreadyInChain), which cuts loops.
//
// Error ranking: when no path succeeds, the most specific recorded failure is reported
// (highest rank first): validity period > signature > extended key usage > name constraints >
// pathLenConstraint > CA use (cA, keyCertSign) > unsupported algorithm or key > unhandled
// critical extension > malformed field > path too deep > loop > unknown issuer.
//
// Alerts (RFC 8446 section 6.2):
//   bad_certificate          malformed certificate, signature that does not verify, leaf not
//                            valid for the reference name ("a certificate was corrupt,
//                            contained signatures that did not verify correctly, etc.")
//   unsupported_certificate  refused or unknown signature algorithm or key type, unhandled
//                            critical extension, keyUsage or extKeyUsage that does not allow
//                            the purpose ("a certificate was of an unsupported type"; rustls
//                            also sends it for a wrong purpose)
//   certificate_expired      outside its validity period ("has expired or is not currently
//                            valid")
//   unknown_ca               no path to an anchor (unknown issuer, loop, too deep)
//   certificate_unknown      a CA rule broken by an issuer (not a CA, pathLenConstraint,
//                            keyCertSign, name constraints) and exhausted budgets ("some other
//                            (unspecified) issue arose"), as rustls maps its Other errors
// All of them have ErrorKind::kInvalidCertificate. An invalid reference name is the caller's
// mistake: kBadConfig.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "asn1/der.h"
#include "glasstls/crypto.h"
#include "glasstls/trace.h"
#include "glasstls/x509.h"
#include "x509/certificate.h"
#include "x509/crl.h"
#include "x509/crl_impl.h"
#include "x509/internals.h"
#include "x509/names.h"
#include "x509/ocsp.h"
#include "x509/trust_store_impl.h"

namespace glasstls {

namespace {

using x509::Certificate;

enum Rank : int {
  kRankUnknownIssuer = 0,
  kRankLoop = 5,
  kRankDepth = 10,
  kRankMalformed = 20,
  kRankCriticalExtension = 30,
  kRankUnsupported = 40,
  kRankCaUse = 50,
  kRankPathLen = 60,
  kRankNameConstraint = 70,
  kRankEku = 80,
  kRankSignature = 90,
  kRankValidity = 100,
};

struct Ranked {
  int rank = 0;
  Error error;
};

Error cert_error(AlertDescription alert, std::string reason) {
  return make_error(ErrorKind::kInvalidCertificate, alert, std::move(reason));
}

std::string subject_text(const Certificate& c) {
  std::string s = x509::name_to_string(c.subject);
  return s.empty() ? std::string("empty subject") : s;
}

const uint8_t* purpose_oid(CertificatePurpose p, size_t& len) {
  if (p == CertificatePurpose::kClientAuth) {
    len = sizeof(x509::oid::kClientAuth);
    return x509::oid::kClientAuth;
  }
  len = sizeof(x509::oid::kServerAuth);
  return x509::oid::kServerAuth;
}

const char* purpose_name(CertificatePurpose p) {
  return p == CertificatePurpose::kClientAuth ? "clientAuth" : "serverAuth";
}

bool same(ByteView a, ByteView b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

bool is_empty_name(ByteView name) {
  static constexpr uint8_t kEmptyName[] = {0x30, 0x00};
  return same(name, kEmptyName);
}

// check_key_policy applies the key policy of VerifyOptions to any certificate of the path.
std::optional<Ranked> check_key_policy(const Certificate& c, const std::string& who,
                                       const VerifyOptions& options) {
  if (c.key_type == x509::PublicKeyType::kUnsupported) {
    // DSA, P-192 and other curves, malformed parameters.
    return Ranked{
        kRankUnsupported,
        cert_error(AlertDescription::unsupported_certificate,
                   who + ": unsupported public key algorithm " +
                       x509::oid_to_string(c.spki_algorithm.oid) +
                       " (glasstls accepts RSA, RSASSA-PSS, EC P-256, P-384, P-521, Ed25519 and "
                       "Ed448)")};
  }
  if (c.key_type != x509::PublicKeyType::kRsa && c.key_type != x509::PublicKeyType::kRsaPss) {
    return std::nullopt;
  }
  const size_t min_bits = std::max<size_t>(2048, options.min_rsa_bits);
  x509::RsaKeyFacts rsa = x509::rsa_key_facts(c.public_key);
  if (rsa.modulus_bits == 0) {
    return Ranked{kRankMalformed, cert_error(AlertDescription::bad_certificate,
                                             who + ": its RSA public key does not parse")};
  }
  //= https://cabforum.org/working-groups/server/baseline-requirements/requirements/#615-key-sizes
  //# For RSA key pairs the CA SHALL:
  //# * Ensure that the modulus size, when encoded, is at least 2048 bits, and;
  //# * Ensure that the modulus size, in bits, is evenly divisible by 8.
  if (rsa.modulus_bits < min_bits) {
    return Ranked{
        kRankUnsupported,
        cert_error(AlertDescription::unsupported_certificate,
                   who + ": RSA key of " + std::to_string(rsa.modulus_bits) +
                       " bits is too weak (the minimum is " + std::to_string(min_bits) + ")")};
  }
  if (rsa.modulus_bits % 8 != 0) {
    return Ranked{kRankUnsupported,
                  cert_error(AlertDescription::unsupported_certificate,
                             who + ": RSA modulus of " + std::to_string(rsa.modulus_bits) +
                                 " bits is not a whole number of bytes")};
  }
  if (!rsa.exponent_ok) {
    return Ranked{kRankUnsupported,
                  cert_error(AlertDescription::unsupported_certificate,
                             who + ": RSA public exponent is not an odd number of at least 3")};
  }
  return std::nullopt;
}

// check_key_identifiers: neither key identifier may be critical (every certificate), and a
// certificate that is not self-issued must say which key signed it.
std::optional<Ranked> check_key_identifiers(const Certificate& c, const std::string& who,
                                            bool require_aki) {
  //= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.1
  //# Conforming CAs MUST mark this extension as non-critical.
  //= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.2
  //# Conforming CAs MUST mark this extension as non-critical.
  for (const auto* id : {&x509::oid::kAuthorityKeyIdentifier, &x509::oid::kSubjectKeyIdentifier}) {
    const x509::Extension* e = c.find_extension(ByteView(*id, sizeof(*id)));
    if (e != nullptr && e->critical) {
      return Ranked{kRankMalformed, cert_error(AlertDescription::bad_certificate,
                                               who + ": " +
                                                   (id == &x509::oid::kAuthorityKeyIdentifier
                                                        ? "authorityKeyIdentifier"
                                                        : "subjectKeyIdentifier") +
                                                   " is marked critical, which RFC 5280 forbids")};
    }
  }
  //= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.1
  //# The keyIdentifier field of the authorityKeyIdentifier extension MUST
  //# be included in all certificates generated by conforming CAs to
  //# facilitate certification path construction.  There is one
  //# exception; where a CA distributes its public key in the form of a
  //# "self-signed" certificate, the authority key identifier MAY be
  //# omitted.
  if (require_aki && c.authority_key_id.empty() && !c.self_issued()) {
    return Ranked{kRankMalformed,
                  cert_error(AlertDescription::bad_certificate,
                             who + ": it has no authorityKeyIdentifier keyIdentifier, which "
                                   "every certificate but a self-signed one must carry")};
  }
  return std::nullopt;
}

// check_subject_and_names: an empty subject needs a critical subjectAltName; every dNSName of
// the subjectAltName must be a well-formed host name (a wildcard as the whole first label).
std::optional<Ranked> check_subject_and_names(const Certificate& c, const std::string& who) {
  if (is_empty_name(c.subject)) {
    //= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.6
    //# If the subject field
    //# contains an empty sequence, then the issuing CA MUST include a
    //# subjectAltName extension that is marked as critical.
    const x509::Extension* san = c.find_extension(x509::oid::kSubjectAltName);
    if (san == nullptr) {
      return Ranked{kRankMalformed,
                    cert_error(AlertDescription::bad_certificate,
                               who + ": its subject is empty and it has no subjectAltName, so "
                                     "it names nobody")};
    }
    if (!san->critical) {
      return Ranked{kRankMalformed,
                    cert_error(AlertDescription::bad_certificate,
                               who + ": its subject is empty but its subjectAltName is not "
                                     "marked critical")};
    }
  }
  for (std::string_view dns : c.dns_names) {
    if (std::optional<std::string> why = x509::dns_name_problem(dns, true)) {
      return Ranked{kRankMalformed, cert_error(AlertDescription::bad_certificate,
                                               who + ": subjectAltName dNSName \"" +
                                                   escape_text(dns) + "\" is malformed: " + *why)};
    }
  }
  return std::nullopt;
}

// check_constraint_names: the dNSName subtrees of a CA's name constraints must be host names.
std::optional<Ranked> check_constraint_names(const Certificate& c, const std::string& who) {
  if (!c.name_constraints) {
    return std::nullopt;
  }
  for (const auto* list : {&c.name_constraints->permitted, &c.name_constraints->excluded}) {
    for (const x509::GeneralSubtree& st : *list) {
      if (st.form != x509::general_name::kDnsName || st.base.empty()) {
        continue;
      }
      std::string_view text(reinterpret_cast<const char*>(st.base.data()), st.base.size());
      if (std::optional<std::string> why = x509::dns_name_problem(text, false)) {
        return Ranked{kRankMalformed,
                      cert_error(AlertDescription::bad_certificate,
                                 who + ": nameConstraints dNSName subtree \"" + escape_text(text) +
                                     "\" is malformed: " + *why)};
      }
    }
  }
  return std::nullopt;
}

std::optional<Ranked> check_validity(const Certificate& c, const std::string& who, int64_t now);

// Common checks of a certificate on its own. `who` names it in reasons.
std::optional<Ranked> check_serial_and_validity(const Certificate& c, const std::string& who,
                                                int64_t now, bool anchor = false) {
  //= https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.2
  //# Conforming CAs MUST NOT use serialNumber
  //# values longer than 20 octets.
  // A positive 20-octet serial needs a leading 00 when its top bit is set: 21 bytes of DER.
  if (anchor) {
    return check_validity(c, who, now);
  }
  if (c.serial.size() > 21 || (c.serial.size() == 21 && c.serial[0] != 0)) {
    return Ranked{kRankMalformed, cert_error(AlertDescription::bad_certificate,
                                             who + ": serialNumber is longer than 20 octets")};
  }
  //= https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.2
  //# The serial number MUST be a positive integer assigned by the CA to
  //# each certificate.
  // Zero is not positive either. Trust anchors are exempt (several roots in Debian's store have
  // serial 0 or a negative one); certificates a peer sends are not.
  if (!c.serial.empty() && (c.serial[0] & 0x80) != 0) {
    return Ranked{kRankMalformed, cert_error(AlertDescription::bad_certificate,
                                             who + ": serialNumber is negative")};
  }
  if (c.serial.size() == 1 && c.serial[0] == 0) {
    return Ranked{kRankMalformed, cert_error(AlertDescription::bad_certificate,
                                             who + ": serialNumber is zero, not positive")};
  }
  //= https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.4
  //# The issuer field MUST contain a non-empty distinguished name (DN).
  if (is_empty_name(c.issuer)) {
    return Ranked{kRankMalformed,
                  cert_error(AlertDescription::bad_certificate, who + ": the issuer is empty")};
  }
  return check_validity(c, who, now);
}

std::optional<Ranked> check_validity(const Certificate& c, const std::string& who, int64_t now) {
  if (c.not_after < c.not_before) {
    return Ranked{kRankMalformed,
                  cert_error(AlertDescription::bad_certificate,
                             who + ": notAfter " + x509::format_time_utc(c.not_after) +
                                 " is before notBefore " + x509::format_time_utc(c.not_before))};
  }
  //= https://www.rfc-editor.org/rfc/rfc5280#section-6.1.3
  //# (2)  The certificate validity period includes the current time.
  if (now < c.not_before) {
    return Ranked{kRankValidity, cert_error(AlertDescription::certificate_expired,
                                            who + ": not yet valid: notBefore is " +
                                                x509::format_time_utc(c.not_before) + ", now is " +
                                                x509::format_time_utc(now))};
  }
  if (now > c.not_after) {
    return Ranked{kRankValidity,
                  cert_error(AlertDescription::certificate_expired,
                             who + ": expired: notAfter is " + x509::format_time_utc(c.not_after) +
                                 ", now is " + x509::format_time_utc(now))};
  }
  return std::nullopt;
}

std::optional<Ranked> check_critical_extensions(const Certificate& c, const std::string& who) {
  if (const x509::Extension* e = c.unhandled_critical_extension()) {
    //= https://www.rfc-editor.org/rfc/rfc5280#section-4.2
    //# A certificate-using
    //# system MUST reject the certificate if it encounters a critical
    //# extension it does not recognize or a critical extension that contains
    //# information that it cannot process.
    return Ranked{kRankCriticalExtension, cert_error(AlertDescription::unsupported_certificate,
                                                     who + ": unhandled critical extension " +
                                                         x509::oid_to_string(e->oid))};
  }
  return std::nullopt;
}

// check_common runs the checks every certificate a peer sends must pass, whatever its place.
std::optional<Ranked> check_common(const Certificate& c, const std::string& who,
                                   const VerifyOptions& options) {
  std::optional<Ranked> r = check_critical_extensions(c, who);
  if (!r) {
    r = check_key_policy(c, who, options);
  }
  if (!r) {
    r = check_key_identifiers(c, who, true);
  }
  if (!r) {
    r = check_subject_and_names(c, who);
  }
  return r;
}

// check_ca_shape: a certificate that issues others (an intermediate, or a trust anchor under
// AnchorPolicy::kCertificate) must say so in a critical basicConstraints and, when it has
// keyUsage, allow keyCertSign. `require_key_usage` and `require_ski` apply RFC 5280's MUSTs for
// CA certificates to intermediates.
std::optional<Ranked> check_ca_shape(const Certificate& c, const std::string& who,
                                     bool require_key_usage, bool require_ski) {
  if (c.version != 3 || !c.has_basic_constraints || !c.is_ca) {
    //= https://www.rfc-editor.org/rfc/rfc5280#section-6.1.4
    //# (k)  If certificate i is a version 3 certificate, verify that the
    //# basicConstraints extension is present and that cA is set to
    //# TRUE.
    // glasstls also refuses v1 and v2 intermediates (as rustls-webpki and Go do): without
    // basicConstraints nothing says the key may issue certificates.
    std::string why = c.version != 3 ? "it is a v" + std::to_string(c.version) +
                                           " certificate without basicConstraints"
                      : !c.has_basic_constraints ? "it has no basicConstraints"
                                                 : "basicConstraints cA is false";
    return Ranked{kRankCaUse, cert_error(AlertDescription::certificate_unknown,
                                         who + ": " + why + " but it issued ")};
  }
  //= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.9
  //# Conforming CAs MUST include this extension in all CA certificates
  //# that contain public keys used to validate digital signatures on
  //# certificates and MUST mark the extension as critical in such
  //# certificates.
  const x509::Extension* bc = c.find_extension(x509::oid::kBasicConstraints);
  if (bc != nullptr && !bc->critical) {
    return Ranked{kRankCaUse, cert_error(AlertDescription::certificate_unknown,
                                         who + ": basicConstraints is not marked critical but "
                                               "it issued ")};
  }
  if (!c.key_usage && require_key_usage) {
    //= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.3
    //# Conforming CAs MUST include this extension
    //# in certificates that contain public keys that are used to validate
    //# digital signatures on other public key certificates or CRLs.
    return Ranked{kRankCaUse, cert_error(AlertDescription::certificate_unknown,
                                         who + ": it has no keyUsage but it issued ")};
  }
  if (c.key_usage && (*c.key_usage & x509::key_usage::kKeyCertSign) == 0) {
    //= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.3
    //# The keyCertSign bit is asserted when the subject public key is
    //# used for verifying signatures on public key certificates.
    return Ranked{kRankCaUse, cert_error(AlertDescription::certificate_unknown,
                                         who + ": keyUsage lacks keyCertSign but it issued ")};
  }
  //= https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.6
  //# If the subject is a CA (e.g., the basic constraints extension, as
  //# discussed in Section 4.2.1.9, is present and the value of cA is
  //# TRUE), then the subject field MUST be populated with a non-empty
  //# distinguished name matching the contents of the issuer field
  if (is_empty_name(c.subject)) {
    return Ranked{kRankMalformed, cert_error(AlertDescription::bad_certificate,
                                             who + ": a CA certificate with an empty subject")};
  }
  //= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.2
  //# To facilitate certification path construction, this extension MUST
  //# appear in all conforming CA certificates, that is, all certificates
  //# including the basic constraints extension (Section 4.2.1.9) where the
  //# value of cA is TRUE.
  if (require_ski && c.subject_key_id.empty()) {
    return Ranked{kRankMalformed,
                  cert_error(AlertDescription::bad_certificate,
                             who + ": a CA certificate without subjectKeyIdentifier")};
  }
  return check_constraint_names(c, who);
}

std::optional<Ranked> check_eku(const Certificate& c, const std::string& who,
                                CertificatePurpose purpose) {
  size_t len = 0;
  const uint8_t* oid = purpose_oid(purpose, len);
  //= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.12
  //# If the extension is present, then the certificate MUST only be used
  //# for one of the purposes indicated.
  // anyExtendedKeyUsage alone does not allow serverAuth or clientAuth (rustls-webpki): a CA that
  // means TLS says so.
  if (c.has_ext_key_usage && !c.has_ext_key_usage_purpose(ByteView(oid, len))) {
    return Ranked{kRankEku,
                  cert_error(AlertDescription::unsupported_certificate,
                             who + ": extKeyUsage does not include " + purpose_name(purpose))};
  }
  return std::nullopt;
}

struct Node {
  const Certificate* cert = nullptr;
  // index is the position in the peer's chain, or -1 for a trust anchor.
  int index = -1;
  size_t anchor = 0;
};

class PathBuilder {
 public:
  PathBuilder(const x509::Internals::TrustStoreImpl& roots, std::vector<Certificate>& certs,
              std::vector<int>& positions, const VerifyOptions& options,
              const crypto::CryptoProvider& provider, int64_t now)
      : roots_(roots),
        certs_(certs),
        positions_(positions),
        options_(options),
        provider_(provider),
        now_(now),
        intermediate_checks_(certs.size()) {}

  // run returns the path (leaf first, anchor last) or the best error.
  Result<std::vector<Node>> run() {
    std::vector<Node> path;
    path.push_back(Node{&certs_[0], positions_[0], 0});
    GLASSTLS_ASSIGN(bool found, extend(path));
    if (found) {
      return path;
    }
    if (best_) {
      return best_->error;
    }
    // Unreachable in practice (a dead end always records an error); keep a sane answer.
    return cert_error(AlertDescription::unknown_ca,
                      describe(path[0]) + ": no path to a trust anchor");
  }

 private:
  std::string describe(const Node& n) const {
    if (n.index < 0) {
      return "trust anchor (" + subject_text(*n.cert) + ")";
    }
    return "certificate " + std::to_string(n.index) + " (" + subject_text(*n.cert) + ")";
  }

  void record(Ranked r) {
    if (!best_ || r.rank > best_->rank) {
      best_ = std::move(r);
    }
  }

  bool in_path(const std::vector<Node>& path, const Certificate& c) const {
    return std::any_of(path.begin(), path.end(), [&](const Node& n) {
      return same(n.cert->subject, c.subject) && same(n.cert->spki, c.spki);
    });
  }

  // order_by_key_id puts candidates whose subjectKeyIdentifier equals the child's
  // authorityKeyIdentifier first and those with a different one last (a hint, never a filter).
  template <typename T>
  void order_by_key_id(const Certificate& child, std::vector<T>& list,
                       const Certificate& (PathBuilder::*get)(const T&) const) const {
    if (child.authority_key_id.empty()) {
      return;
    }
    auto score = [&](const T& t) {
      const Certificate& c = (this->*get)(t);
      if (c.subject_key_id.empty()) {
        return 1;
      }
      return same(c.subject_key_id, child.authority_key_id) ? 0 : 2;
    };
    std::stable_sort(list.begin(), list.end(),
                     [&](const T& a, const T& b) { return score(a) < score(b); });
  }
  const Certificate& anchor_cert(const size_t& i) const { return roots_.certs[i]; }
  const Certificate& chain_cert(const size_t& i) const { return certs_[i]; }

  // check_signature verifies `child`'s signature with `issuer`'s key.
  Result<std::optional<Ranked>> check_signature(const Node& child, const Node& issuer) {
    if (signature_checks_ >= options_.max_signature_checks) {
      return cert_error(AlertDescription::certificate_unknown,
                        "path building gave up: more than " +
                            std::to_string(options_.max_signature_checks) +
                            " signature checks (max_signature_checks) while looking for an "
                            "issuer of " +
                            describe(child));
    }
    const Certificate& c = *child.cert;
    auto alg = x509::parse_signature_algorithm(c.signature_algorithm);
    if (!alg.ok()) {
      Error e = alg.error();
      e.reason = describe(child) + ": " + e.reason;
      int rank = e.alert == AlertDescription::bad_certificate ? kRankMalformed : kRankUnsupported;
      return std::optional<Ranked>(Ranked{rank, std::move(e)});
    }
    std::optional<SignatureScheme> scheme = x509::signature_scheme_for(*alg, issuer.cert->key_type);
    if (!scheme) {
      return std::optional<Ranked>(
          Ranked{kRankUnsupported,
                 cert_error(AlertDescription::unsupported_certificate,
                            describe(child) + ": signature algorithm " +
                                x509::signature_algorithm_name(*alg) + " does not fit the " +
                                x509::public_key_type_name(issuer.cert->key_type) + " key of " +
                                describe(issuer))});
    }
    signature_checks_++;
    if (provider_.verifier == nullptr) {
      return internal_error("the crypto provider has no signature verifier");
    }
    Status s = provider_.verifier->verify(*scheme, issuer.cert->spki, c.tbs, c.signature);
    if (s.ok()) {
      return std::optional<Ranked>();
    }
    if (s.error().alert == AlertDescription::decrypt_error) {
      return std::optional<Ranked>(Ranked{
          kRankSignature,
          cert_error(AlertDescription::bad_certificate,
                     describe(child) + ": signature (" + x509::signature_algorithm_name(*alg) +
                         ") does not verify with the key of " + describe(issuer))});
    }
    if (s.error().kind == ErrorKind::kInternal) {
      return s.error();
    }
    return std::optional<Ranked>(
        Ranked{kRankUnsupported, cert_error(AlertDescription::unsupported_certificate,
                                            describe(child) +
                                                ": cannot verify its signature "
                                                "with the key of " +
                                                describe(issuer) + ": " + s.error().reason)});
  }

  // check_name_constraints applies `issuer`'s name constraints to every certificate below it.
  std::optional<Ranked> check_name_constraints(const std::vector<Node>& path,
                                               const Node& issuer) const {
    if (!issuer.cert->name_constraints) {
      return std::nullopt;
    }
    for (size_t i = 0; i < path.size(); i++) {
      const Certificate& c = *path[i].cert;
      //= https://www.rfc-editor.org/rfc/rfc5280#section-6.1.3
      //# (b)  If certificate i is self-issued and it is not the final
      //# certificate in the path, skip this step for certificate i.
      if (i != 0 && c.self_issued()) {
        continue;
      }
      std::optional<std::string> v =
          x509::name_constraint_violation(*issuer.cert->name_constraints, c, true);
      if (v) {
        return Ranked{kRankNameConstraint,
                      cert_error(AlertDescription::certificate_unknown,
                                 describe(path[i]) + ": violates the nameConstraints of " +
                                     describe(issuer) + ": " + *v)};
      }
    }
    return std::nullopt;
  }

  // check_issuer_alone runs the checks of an intermediate that do not depend on the path.
  std::optional<Ranked> check_issuer_alone(size_t i) {
    if (!intermediate_checks_[i].done) {
      const Certificate& c = certs_[i];
      std::string who = describe(Node{&c, positions_[i], 0});
      // Whether it may issue at all is the most telling failure of an issuer, so it comes
      // before the rules every certificate follows.
      std::optional<Ranked> r = check_serial_and_validity(c, who, now_);
      if (!r) {
        r = check_critical_extensions(c, who);
      }
      if (!r) {
        r = check_ca_shape(c, who, true, true);
      }
      if (!r) {
        r = check_common(c, who, options_);
      }
      if (!r) {
        r = check_eku(c, who, options_.purpose);
      }
      intermediate_checks_[i].result = std::move(r);
      intermediate_checks_[i].done = true;
    }
    return intermediate_checks_[i].result;
  }

  // check_path_len applies `issuer`'s pathLenConstraint to the intermediates below it in `path`
  // (the leaf, path[0], never counts; nor do self-issued certificates).
  std::optional<Ranked> check_path_len(const std::vector<Node>& path, const Node& issuer) const {
    const Certificate& cand = *issuer.cert;
    if (!cand.path_len) {
      return std::nullopt;
    }
    uint64_t below = 0;
    for (size_t k = 1; k < path.size(); k++) {
      if (!path[k].cert->self_issued()) {
        below++;
      }
    }
    if (below <= *cand.path_len) {
      return std::nullopt;
    }
    return Ranked{
        kRankPathLen,
        cert_error(AlertDescription::certificate_unknown,
                   describe(issuer) + ": pathLenConstraint " + std::to_string(*cand.path_len) +
                       " allows " + std::to_string(*cand.path_len) +
                       " intermediate certificates below it, the path has " +
                       std::to_string(below))};
  }

  // check_anchor_alone runs the checks of trust anchor `a` under AnchorPolicy::kCertificate
  // (see include/glasstls/x509.h): validity, critical extensions, the key policy, key
  // identifiers not critical, and, for a v3 anchor, a critical basicConstraints cA=TRUE and
  // keyCertSign when keyUsage is present. A v1 anchor is taken as a CA, as OpenSSL does.
  std::optional<Ranked> check_anchor_alone(size_t a) {
    if (options_.anchors == AnchorPolicy::kNameAndKey) {
      return std::nullopt;
    }
    auto it = anchor_checks_.find(a);
    if (it != anchor_checks_.end()) {
      return it->second;
    }
    const Certificate& c = roots_.certs[a];
    std::string who = "trust anchor (" + subject_text(c) + ")";
    //= https://www.rfc-editor.org/rfc/rfc5280#section-6.1.1
    //# (d)  trust anchor information, describing a CA that serves as a
    //# trust anchor for the certification path.
    // RFC 5280 leaves to the implementation whether the rest of an anchor certificate counts;
    // OpenSSL, Go and pyca/cryptography check its validity period and extensions, and so does
    // glasstls unless the caller asks for AnchorPolicy::kNameAndKey.
    std::optional<Ranked> r = check_serial_and_validity(c, who, now_, true);
    if (!r) {
      r = check_critical_extensions(c, who);
    }
    if (!r) {
      r = check_key_policy(c, who, options_);
    }
    if (!r) {
      r = check_key_identifiers(c, who, false);
    }
    if (!r && c.version == 3) {
      r = check_ca_shape(c, who, false, false);
    }
    anchor_checks_.emplace(a, r);
    return r;
  }

  // extend tries to complete `path` (whose last node still needs an issuer). Returns true with
  // the completed path, false after recording why every candidate failed, or an error when a
  // budget ran out.
  Result<bool> extend(std::vector<Node>& path) {
    if (++build_calls_ > options_.max_path_building_calls) {
      return cert_error(AlertDescription::certificate_unknown,
                        "path building gave up: more than " +
                            std::to_string(options_.max_path_building_calls) +
                            " steps (max_path_building_calls)");
    }
    const Node child = path.back();
    const Certificate& c = *child.cert;
    bool any_candidate = false;

    // Trust anchors first: a path that ends early is the best path.
    std::vector<size_t> anchors;
    auto range = roots_.by_subject.equal_range(std::string(c.issuer.begin(), c.issuer.end()));
    for (auto it = range.first; it != range.second; ++it) {
      anchors.push_back(it->second);
    }
    std::sort(anchors.begin(), anchors.end());
    order_by_key_id<size_t>(c, anchors, &PathBuilder::anchor_cert);
    for (size_t a : anchors) {
      any_candidate = true;
      Node issuer{&roots_.certs[a], -1, a};
      if (path.size() + 1 > options_.max_depth) {
        record(depth_error(path));
        continue;
      }
      if (std::optional<Ranked> r = check_anchor_alone(a)) {
        Ranked copy = *r;
        if (copy.rank == kRankCaUse) {
          copy.error.reason += describe(child);
        }
        record(std::move(copy));
        continue;
      }
      if (options_.anchors == AnchorPolicy::kCertificate) {
        if (std::optional<Ranked> r = check_path_len(path, issuer)) {
          record(std::move(*r));
          continue;
        }
      }
      GLASSTLS_ASSIGN(std::optional<Ranked> sig, check_signature(child, issuer));
      if (sig) {
        record(std::move(*sig));
        continue;
      }
      if (std::optional<Ranked> nc = check_name_constraints(path, issuer)) {
        record(std::move(*nc));
        continue;
      }
      path.push_back(issuer);
      return true;
    }

    std::vector<size_t> inters;
    for (size_t i = 1; i < certs_.size(); i++) {
      if (same(certs_[i].subject, c.issuer)) {
        inters.push_back(i);
      }
    }
    order_by_key_id<size_t>(c, inters, &PathBuilder::chain_cert);
    for (size_t i : inters) {
      const Certificate& cand = certs_[i];
      Node issuer{&cand, positions_[i], 0};
      if (&cand == &c) {
        // A self-signed certificate is not its own issuer unless it is an anchor.
        continue;
      }
      any_candidate = true;
      if (in_path(path, cand)) {
        record(Ranked{kRankLoop, cert_error(AlertDescription::unknown_ca,
                                            describe(issuer) +
                                                " would appear twice in the path "
                                                "(a loop) as the issuer of " +
                                                describe(child))});
        continue;
      }
      // The path would hold path.size() + 1 certificates and still need an anchor.
      if (path.size() + 2 > options_.max_depth) {
        record(depth_error(path));
        continue;
      }
      if (std::optional<Ranked> r = check_issuer_alone(i)) {
        Ranked copy = *r;
        if (copy.rank == kRankCaUse) {
          copy.error.reason += describe(child);
        }
        record(std::move(copy));
        continue;
      }
      //= https://www.rfc-editor.org/rfc/rfc5280#section-6.1.4
      //# (m)  If pathLenConstraint is present in the certificate and is
      //# less than max_path_length, set max_path_length to the value of
      //# pathLenConstraint.
      if (std::optional<Ranked> r = check_path_len(path, issuer)) {
        record(std::move(*r));
        continue;
      }
      GLASSTLS_ASSIGN(std::optional<Ranked> sig, check_signature(child, issuer));
      if (sig) {
        record(std::move(*sig));
        continue;
      }
      if (std::optional<Ranked> nc = check_name_constraints(path, issuer)) {
        record(std::move(*nc));
        continue;
      }
      path.push_back(issuer);
      GLASSTLS_ASSIGN(bool found, extend(path));
      if (found) {
        return true;
      }
      path.pop_back();
    }

    if (!any_candidate) {
      record(Ranked{kRankUnknownIssuer, cert_error(AlertDescription::unknown_ca,
                                                   describe(child) +
                                                       ": unknown issuer: no trust anchor or other "
                                                       "certificate of the chain is named \"" +
                                                       x509::name_to_string(c.issuer) + "\"")});
    }
    return false;
  }

  Ranked depth_error(const std::vector<Node>& path) const {
    return Ranked{kRankDepth,
                  cert_error(AlertDescription::unknown_ca,
                             "no path to a trust anchor within max_depth " +
                                 std::to_string(options_.max_depth) +
                                 " certificates (stopped above " + describe(path.back()) + ")")};
  }

  struct CachedCheck {
    bool done = false;
    std::optional<Ranked> result;
  };

  const x509::Internals::TrustStoreImpl& roots_;
  std::vector<Certificate>& certs_;
  std::vector<int>& positions_;
  const VerifyOptions& options_;
  const crypto::CryptoProvider& provider_;
  int64_t now_;
  std::vector<CachedCheck> intermediate_checks_;
  std::map<size_t, std::optional<Ranked>> anchor_checks_;
  std::optional<Ranked> best_;
  size_t signature_checks_ = 0;
  size_t build_calls_ = 0;
};

Status check_reference_identity(const Certificate& leaf, const std::string& dns_name,
                                const std::optional<Bytes>& ip, const std::string& who) {
  if (dns_name.empty() && !ip) {
    return Ok{};
  }
  //= https://www.rfc-editor.org/rfc/rfc6125#section-6.4.4
  //# As noted, a client MUST NOT seek a match for a reference identifier
  //# of CN-ID if the presented identifiers include a DNS-ID, SRV-ID,
  //# URI-ID, or any application-specific identifier types supported by the
  //# client.
  // glasstls goes further, as RFC 9525 section 6.3 does (CN-IDs are gone) and as rustls-webpki
  // and Go do: the Common Name is never used.
  if (!leaf.has_subject_alt_name) {
    return cert_error(AlertDescription::bad_certificate,
                      who +
                          " has no subjectAltName, so it names no host (the Common Name is "
                          "never used)");
  }
  if (ip) {
    for (ByteView presented : leaf.ip_addresses) {
      if (same(presented, *ip)) {
        return Ok{};
      }
    }
    std::string list;
    for (ByteView presented : leaf.ip_addresses) {
      list += (list.empty() ? "" : ", ") + x509::ip_to_string(presented);
    }
    return cert_error(AlertDescription::bad_certificate,
                      who + " is not valid for IP address " + x509::ip_to_string(*ip) +
                          " (its iPAddress names: " + (list.empty() ? "none" : list) + ")");
  }
  for (std::string_view presented : leaf.dns_names) {
    if (x509::dns_name_matches(presented, dns_name)) {
      return Ok{};
    }
  }
  std::string list;
  for (std::string_view presented : leaf.dns_names) {
    list += (list.empty() ? "" : ", ") + std::string(presented);
  }
  return cert_error(AlertDescription::bad_certificate,
                    who + " is not valid for name \"" + dns_name +
                        "\" (its dNSName names: " + (list.empty() ? "none" : list) + ")");
}

// revocation_checked says whether `options` asks for any revocation checking.
bool revocation_checked(const RevocationOptions& r) {
  return r.crls != nullptr || !r.ocsp_response.empty() ||
         r.missing == RevocationPolicy::kHardFail || !r.hard_fail_issuers.empty();
}

// check_revocation checks every certificate of `path` below the trust anchor (leaf first): the
// leaf against the OCSP response when there is one, then every certificate against the CRLs.
// A revoked certificate fails with certificate_revoked; a malformed or unacceptable OCSP
// response with bad_certificate_status_response; a certificate whose status stays unknown
// fails (certificate_unknown) under hard-fail, or when its issuer is one the caller listed.
// `lines` gets one line per certificate saying what was learned and from where.
Status check_revocation(const std::vector<const Certificate*>& path,
                        const std::vector<std::string>& names, const RevocationOptions& r,
                        int64_t now, const crypto::CryptoProvider& provider,
                        std::vector<std::string>& lines) {
  const int64_t skew = std::max<int64_t>(0, r.max_clock_skew);
  for (size_t i = 0; i + 1 < path.size(); i++) {
    const Certificate& cert = *path[i];
    const Certificate& issuer = *path[i + 1];
    const std::string& who = names[i];
    bool known = false;
    std::string detail;
    //= https://www.rfc-editor.org/rfc/rfc6960#section-2.2
    //# The "revoked" state indicates that the certificate has been revoked,
    //# either temporarily (the revocation reason is certificateHold) or
    //# permanently.
    if (i == 0 && !r.ocsp_response.empty()) {
      Result<x509::OcspVerdict> v =
          x509::check_ocsp_response(r.ocsp_response, cert, issuer, now, skew, provider);
      if (!v.ok()) {
        Error e = v.error();
        e.reason = who + ": OCSP response: " + e.reason;
        return e;
      }
      if (v->status == x509::OcspVerdict::Status::kRevoked) {
        return cert_error(AlertDescription::certificate_revoked, who + ": revoked: " + v->detail);
      }
      known = v->status == x509::OcspVerdict::Status::kGood;
      detail = "OCSP: " + v->detail;
    }
    if (!known && r.crls != nullptr) {
      GLASSTLS_ASSIGN(x509::CrlVerdict v,
                      x509::crl_status(*r.crls, cert, issuer, now, skew, provider));
      if (v.status == x509::CrlVerdict::Status::kRevoked) {
        return cert_error(AlertDescription::certificate_revoked, who + ": revoked: " + v.detail);
      }
      known = v.status == x509::CrlVerdict::Status::kGood;
      detail += (detail.empty() ? "CRL: " : "; CRL: ") + v.detail;
    }
    if (!known) {
      bool listed = std::any_of(r.hard_fail_issuers.begin(), r.hard_fail_issuers.end(),
                                [&](const Bytes& der) { return same(der, issuer.der); });
      if (detail.empty()) {
        detail = "no CRL or OCSP response";
      }
      if (r.missing == RevocationPolicy::kHardFail || listed) {
        return cert_error(AlertDescription::certificate_unknown,
                          who + ": its revocation status is unknown (" + detail + ") and " +
                              (listed ? "its issuer is listed as hard-fail"
                                      : "the revocation policy is hard-fail"));
      }
      lines.push_back(who + ": status unknown, accepted (soft-fail): " + detail);
    } else {
      lines.push_back(who + ": not revoked: " + detail);
    }
  }
  return Ok{};
}

Status check_email_identity(const Certificate& leaf, const std::string& email,
                            const std::string& who) {
  for (std::string_view presented : leaf.email_addresses) {
    if (x509::email_matches(presented, email)) {
      return Ok{};
    }
  }
  std::string list;
  for (std::string_view presented : leaf.email_addresses) {
    list += (list.empty() ? "" : ", ") + escape_text(presented);
  }
  return cert_error(AlertDescription::bad_certificate,
                    who + " is not valid for mailbox \"" + escape_text(email) +
                        "\" (its rfc822Name names: " + (list.empty() ? "none" : list) + ")");
}

class WebPkiVerifier final : public CertificateVerifier {
 public:
  WebPkiVerifier(std::shared_ptr<const TrustStore> roots, CertificatePurpose purpose,
                 VerifyOptions options, bool ask_for_staple)
      : roots_(std::move(roots)), options_(std::move(options)), ask_for_staple_(ask_for_staple) {
    options_.purpose = purpose;
    options_.dns_name.clear();
    options_.ip_address.reset();
    options_.time.reset();
  }

  Status verify(std::span<const Bytes> chain, std::string_view server_name) const override {
    return verify_stapled(chain, server_name, {});
  }

  Status verify_stapled(std::span<const Bytes> chain, std::string_view server_name,
                        std::span<const uint8_t> ocsp_response) const override {
    return check(chain, server_name, ocsp_response, nullptr);
  }

  Status verify_with_report(std::span<const Bytes> chain, std::string_view server_name,
                            std::span<const uint8_t> ocsp_response,
                            std::vector<std::string>& report) const override {
    return check(chain, server_name, ocsp_response, &report);
  }

  // A server certificate is matched against the name the client connected to; a client
  // certificate has no name to match.
  bool checks_server_name() const override {
    return options_.purpose == CertificatePurpose::kServerAuth;
  }
  bool wants_ocsp_staple() const override { return ask_for_staple_; }

 private:
  // check verifies the chain and, with a `report`, says what it decided in it. Without one it
  // writes nothing: the accepted path's subjects (which take a second parse of each of its
  // certificates) and the OCSP response's description are only made for a report (a handshake
  // without a trace asks for none: 3% of a TLS 1.2 client that validates the chain).
  Status check(std::span<const Bytes> chain, std::string_view server_name,
               std::span<const uint8_t> ocsp_response, std::vector<std::string>* report) const {
    VerifyOptions options = options_;
    if (!server_name.empty()) {
      if (std::optional<Bytes> ip = x509::parse_ip_literal(server_name)) {
        options.ip_address = std::move(*ip);
      } else {
        options.dns_name = std::string(server_name);
      }
    }
    if (!ocsp_response.empty()) {
      options.revocation.ocsp_response.assign(ocsp_response.begin(), ocsp_response.end());
    } else if (ask_for_staple_ && !chain.empty()) {
      //= https://www.rfc-editor.org/rfc/rfc7633#section-4.2.3.1
      //# If the TLS client does not receive a valid status response
      //# as specified above, the client MUST treat
      //# the certificate as invalid.
      // Only when this client asked: a server that was not asked has nothing to staple.
      Result<x509::Certificate> leaf = x509::parse_certificate(chain[0]);
      if (leaf.ok() && leaf->must_staple()) {
        return cert_error(AlertDescription::bad_certificate_status_response,
                          "certificate 0 (" + subject_text(*leaf) +
                              ") requires an OCSP staple (TLS Feature status_request, RFC 7633) "
                              "and the server stapled none");
      }
    }
    if (!ocsp_response.empty() && report != nullptr) {
      report->push_back("stapled OCSP response (" + std::to_string(ocsp_response.size()) +
                        " bytes):");
      std::string text =
          x509::describe_ocsp_response(ByteView(ocsp_response.data(), ocsp_response.size()));
      size_t start = 0;
      while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) {
          end = text.size();
        }
        if (end > start) {
          report->push_back("  " + text.substr(start, end - start));
        }
        start = end + 1;
      }
    }
    Result<VerifiedChain> verified = verify_certificate_chain(*roots_, chain, options);
    if (!verified.ok()) {
      if (report != nullptr) {
        report->push_back("certificate chain refused: " + verified.error().reason);
      }
      return verified.error();
    }
    if (report == nullptr) {
      return Ok{};
    }
    std::string path;
    for (const Bytes& der : verified->path) {
      Result<x509::Certificate> c = x509::parse_certificate(der, x509::ParseMode::kTrustAnchor);
      path += (path.empty() ? "" : " <- ") + (c.ok() ? subject_text(*c) : std::string("?"));
    }
    report->push_back("certificate chain accepted: " + path);
    if (verified->revocation.empty()) {
      report->push_back("revocation: not checked (no CRL, no OCSP response)");
    }
    for (const std::string& line : verified->revocation) {
      report->push_back("revocation: " + line);
    }
    return Ok{};
  }

  std::shared_ptr<const TrustStore> roots_;
  VerifyOptions options_;
  bool ask_for_staple_;
};

}  // namespace

Result<VerifiedChain> verify_certificate_chain(const TrustStore& roots,
                                               std::span<const Bytes> chain,
                                               const VerifyOptions& options) {
  if (chain.empty()) {
    return cert_error(AlertDescription::bad_certificate, "the certificate chain is empty");
  }
  std::string dns_name;
  if (!options.dns_name.empty()) {
    GLASSTLS_ASSIGN(dns_name, x509::normalize_reference_dns_name(options.dns_name));
  }
  if (options.ip_address && options.ip_address->size() != 4 && options.ip_address->size() != 16) {
    return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error,
                      "reference IP address has " + std::to_string(options.ip_address->size()) +
                          " bytes, not 4 or 16");
  }
  const crypto::CryptoProvider& provider =
      options.provider != nullptr ? *options.provider : crypto::default_provider();
  const int64_t now = options.time ? *options.time : static_cast<int64_t>(std::time(nullptr));

  // Parse every certificate; duplicates (same DER) are kept once, at their first position.
  std::vector<x509::Certificate> certs;
  std::vector<int> positions;
  certs.reserve(chain.size());
  for (size_t i = 0; i < chain.size(); i++) {
    auto parsed = x509::parse_certificate(chain[i]);
    if (!parsed.ok()) {
      return cert_error(AlertDescription::bad_certificate,
                        "certificate " + std::to_string(i) + ": " + parsed.error().reason);
    }
    bool duplicate = false;
    for (size_t k = 0; k < i; k++) {
      if (same(chain[k], chain[i])) {
        duplicate = true;
      }
    }
    if (duplicate && i != 0) {
      continue;
    }
    certs.push_back(std::move(*parsed));
    positions.push_back(static_cast<int>(i));
  }

  const x509::Certificate& leaf = certs[0];
  const std::string who = "certificate 0 (" + subject_text(leaf) + ")";
  if (std::optional<Ranked> r = check_serial_and_validity(leaf, who, now)) {
    return r->error;
  }
  // A leaf that is itself a trust anchor is trusted as it is (the caller chose that very
  // certificate), so the rules that only say "this is a CA" do not apply to it.
  const bool leaf_is_anchor = std::any_of(x509::Internals::impl(roots).ders.begin(),
                                          x509::Internals::impl(roots).ders.end(),
                                          [&](const Bytes& a) { return same(a, chain[0]); });
  if (std::optional<Ranked> r = check_common(leaf, who, options)) {
    return r->error;
  }
  //= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.9
  //# The cA boolean indicates whether the certified public key may be used
  //# to verify certificate signatures.
  // A CA certificate is not an end-entity certificate (CA/Browser Forum Baseline Requirements
  // 7.1.2.7.8; rustls-webpki refuses it as CaUsedAsEndEntity).
  if (leaf.is_ca && !leaf_is_anchor && !options.accept_ca_leaf) {
    return cert_error(AlertDescription::unsupported_certificate,
                      who +
                          ": it is a CA certificate (basicConstraints cA=TRUE), not an "
                          "end-entity certificate");
  }
  //= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.3
  //# If the keyCertSign bit is asserted, then the cA bit in the basic
  //# constraints extension (Section 4.2.1.9) MUST also be asserted.
  if (leaf.key_usage && (*leaf.key_usage & x509::key_usage::kKeyCertSign) != 0 && !leaf.is_ca) {
    return cert_error(AlertDescription::bad_certificate,
                      who + ": keyUsage asserts keyCertSign but basicConstraints cA is not TRUE");
  }
  //= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.10
  //# The name constraints extension, which MUST be used only in a CA
  //# certificate, indicates a name space within which all subject names
  //# in subsequent certificates in a certification path MUST be located.
  if (leaf.name_constraints && !leaf_is_anchor) {
    return cert_error(AlertDescription::bad_certificate,
                      who + ": an end-entity certificate with nameConstraints");
  }
  //= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.3
  //# The digitalSignature bit is asserted when the subject public key
  //# is used for verifying digital signatures, other than signatures on
  //# certificates (bit 5) and CRLs (bit 6)
  if (leaf.key_usage && (*leaf.key_usage & x509::key_usage::kDigitalSignature) == 0) {
    return cert_error(AlertDescription::unsupported_certificate,
                      who + ": keyUsage lacks digitalSignature, which TLS 1.3 needs");
  }
  if (std::optional<Ranked> r = check_eku(leaf, who, options.purpose)) {
    return r->error;
  }

  VerifiedChain out;
  if (leaf_is_anchor) {
    out.path.push_back(chain[0]);
  } else {
    PathBuilder builder(x509::Internals::impl(roots), certs, positions, options, provider, now);
    GLASSTLS_ASSIGN(std::vector<Node> path, builder.run());
    std::vector<const Certificate*> certs_in_path;
    std::vector<std::string> names;
    for (const Node& n : path) {
      certs_in_path.push_back(n.cert);
      if (n.index >= 0) {
        out.path.push_back(chain[static_cast<size_t>(n.index)]);
        names.push_back("certificate " + std::to_string(n.index) + " (" + subject_text(*n.cert) +
                        ")");
      } else {
        out.path.push_back(x509::Internals::impl(roots).ders[n.anchor]);
        names.push_back("trust anchor (" + subject_text(*n.cert) + ")");
      }
    }
    GLASSTLS_TRY(check_reference_identity(leaf, dns_name, options.ip_address, who));
    if (!options.email_address.empty()) {
      GLASSTLS_TRY(check_email_identity(leaf, options.email_address, who));
    }
    if (revocation_checked(options.revocation)) {
      GLASSTLS_TRY(check_revocation(certs_in_path, names, options.revocation, now, provider,
                                    out.revocation));
    }
    return out;
  }
  // A leaf that is a trust anchor has no issuer to ask about its revocation.
  GLASSTLS_TRY(check_reference_identity(leaf, dns_name, options.ip_address, who));
  if (!options.email_address.empty()) {
    GLASSTLS_TRY(check_email_identity(leaf, options.email_address, who));
  }
  return out;
}

std::shared_ptr<const CertificateVerifier> webpki_verifier(std::shared_ptr<const TrustStore> roots,
                                                           CertificatePurpose purpose) {
  return std::make_shared<const WebPkiVerifier>(std::move(roots), purpose, VerifyOptions{}, true);
}

std::shared_ptr<const CertificateVerifier> webpki_verifier(std::shared_ptr<const TrustStore> roots,
                                                           CertificatePurpose purpose,
                                                           VerifyOptions options,
                                                           bool ask_for_staple) {
  return std::make_shared<const WebPkiVerifier>(std::move(roots), purpose, std::move(options),
                                                ask_for_staple);
}

}  // namespace glasstls
