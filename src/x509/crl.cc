// crl.cc: CRL parsing (RFC 5280 section 5) and the status of a certificate according to a set
// of CRLs (section 6.3).
#include "x509/crl.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <utility>

#include "x509/crl_impl.h"
#include "x509/internals.h"

namespace glasstls::x509 {

namespace {

// context prefixes the reason of a failed `s` with `what` (the field being parsed).
Status context(Status s, std::string_view what) {
  if (s.ok()) {
    return s;
  }
  return der_error(std::string(what) + ": " + s.error().reason);
}

// with_context is context for a field of the CRL itself: "CRL <what>: <reason>".
Status with_context(Status s, std::string_view what) {
  return context(std::move(s), "CRL " + std::string(what));
}

// unsupported is the error for a feature glasstls does not implement.
Error unsupported(std::string what) { return der_error("unsupported: " + std::move(what)); }

bool serial_less(ByteView a, ByteView b) {
  if (a.size() != b.size()) {
    return a.size() < b.size();
  }
  return std::memcmp(a.data(), b.data(), a.size()) < 0;
}

bool bytes_equal(ByteView a, ByteView b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

// check_unique fails when `oid` is already among `seen` (X.509 forbids two instances of one
// extension in an extensions list).
Status check_unique(const std::vector<Extension>& seen, ByteView oid) {
  for (const Extension& s : seen) {
    if (oid_equal(s.oid, oid)) {
      return der_error("extension " + oid_to_string(oid) + " appears twice");
    }
  }
  return Ok{};
}

// parse_general_names reads the contents of a GeneralNames (SEQUENCE SIZE (1..MAX) OF
// GeneralName) and appends each whole GeneralName element to `out`.
Status parse_general_names(DerReader& names, std::vector<ByteView>& out) {
  if (names.empty()) {
    return der_error("GeneralNames is empty");
  }
  while (!names.empty()) {
    size_t at = names.offset();
    uint8_t t = 0;
    ByteView contents;
    ByteView tlv;
    GLASSTLS_TRY(names.read_any(t, contents, &tlv));
    if ((t & 0xc0) != 0x80 || (t & 0x1f) > 8) {
      return der_error("entry with tag 0x" + to_hex(ByteView(&t, 1)) +
                       " is not a GeneralName, at offset " + std::to_string(at));
    }
    out.push_back(tlv);
  }
  return Ok{};
}

// read_implicit_true reads the optional `[n] IMPLICIT BOOLEAN DEFAULT FALSE` field `name`:
// absent is FALSE, and DER leaves a FALSE out, so a present field must be TRUE.
Status read_implicit_true(DerReader& r, uint8_t n, std::string_view name, bool& value) {
  value = false;
  uint8_t t = 0;
  if (!r.peek_tag(t) || t != tag::context_specific(n)) {
    return Ok{};
  }
  ByteView contents;
  GLASSTLS_TRY(r.read(tag::context_specific(n), contents));
  if (contents.size() == 1 && contents[0] == 0x00) {
    return der_error(std::string(name) + " encodes the DEFAULT FALSE, which DER forbids");
  }
  if (contents.size() != 1 || contents[0] != 0xff) {
    return der_error(std::string(name) + " is not a DER BOOLEAN");
  }
  value = true;
  return Ok{};
}

//= https://www.rfc-editor.org/rfc/rfc5280#section-5.2.5
//# IssuingDistributionPoint ::= SEQUENCE {
//#      distributionPoint          [0] DistributionPointName OPTIONAL,
//#      onlyContainsUserCerts      [1] BOOLEAN DEFAULT FALSE,
//#      onlyContainsCACerts        [2] BOOLEAN DEFAULT FALSE,
//#      onlySomeReasons            [3] ReasonFlags OPTIONAL,
//#      indirectCRL                [4] BOOLEAN DEFAULT FALSE,
//#      onlyContainsAttributeCerts [5] BOOLEAN DEFAULT FALSE }
Status parse_issuing_distribution_point(ByteView value, size_t base, Crl& crl) {
  DerReader top(value, base);
  DerReader idp;
  GLASSTLS_TRY(top.sequence(idp));
  GLASSTLS_TRY(top.expect_empty("issuingDistributionPoint"));
  //= https://www.rfc-editor.org/rfc/rfc5280#section-5.2.5
  //# Conforming CRLs issuers MUST NOT issue CRLs where the DER encoding of
  //# the issuing distribution point extension is an empty sequence.
  if (idp.empty()) {
    return der_error("issuingDistributionPoint is an empty sequence");
  }
  IssuingDistributionPoint out;
  uint8_t t = 0;
  if (idp.peek_tag(t) && t == tag::context_constructed(0)) {
    // DistributionPointName is a CHOICE, so [0] is EXPLICIT around it.
    DerReader dpn;
    GLASSTLS_TRY(idp.nested(tag::context_constructed(0), dpn));
    if (dpn.peek_tag(t) && t == tag::context_constructed(1)) {
      return unsupported("issuingDistributionPoint with a nameRelativeToCRLIssuer");
    }
    DerReader full_name;
    GLASSTLS_TRY(dpn.nested(tag::context_constructed(0), full_name));
    GLASSTLS_TRY(dpn.expect_empty("distributionPoint"));
    GLASSTLS_TRY(parse_general_names(full_name, out.full_name));
  }
  GLASSTLS_TRY(read_implicit_true(idp, 1, "onlyContainsUserCerts", out.only_user_certs));
  GLASSTLS_TRY(read_implicit_true(idp, 2, "onlyContainsCACerts", out.only_ca_certs));
  if (idp.peek_tag(t) && t == tag::context_specific(3)) {
    return unsupported("a partitioned CRL (issuingDistributionPoint onlySomeReasons)");
  }
  bool indirect = false;
  GLASSTLS_TRY(read_implicit_true(idp, 4, "indirectCRL", indirect));
  if (indirect) {
    return unsupported("an indirect CRL (issuingDistributionPoint indirectCRL)");
  }
  bool attribute_certs = false;
  GLASSTLS_TRY(read_implicit_true(idp, 5, "onlyContainsAttributeCerts", attribute_certs));
  if (attribute_certs) {
    return unsupported("a CRL of attribute certificates (onlyContainsAttributeCerts)");
  }
  GLASSTLS_TRY(idp.expect_empty("IssuingDistributionPoint"));
  //= https://www.rfc-editor.org/rfc/rfc5280#section-5.2.5
  //# -- at most one of onlyContainsUserCerts, onlyContainsCACerts,
  //# -- and onlyContainsAttributeCerts may be set to TRUE.
  if (out.only_user_certs && out.only_ca_certs) {
    return der_error(
        "issuingDistributionPoint sets both onlyContainsUserCerts and "
        "onlyContainsCACerts");
  }
  crl.issuing_distribution_point = std::move(out);
  return Ok{};
}

//= https://www.rfc-editor.org/rfc/rfc5280#section-5.2.3
//# CRLNumber ::= INTEGER (0..MAX)
Status parse_crl_number(ByteView value, size_t base, Crl& crl) {
  DerReader top(value, base);
  GLASSTLS_TRY(top.read_integer(crl.crl_number));
  GLASSTLS_TRY(top.expect_empty("cRLNumber"));
  if ((crl.crl_number[0] & 0x80) != 0) {
    return der_error("cRLNumber is negative");
  }
  return Ok{};
}

// parse_authority_key_id reads the keyIdentifier of an AuthorityKeyIdentifier (RFC 5280
// section 4.2.1.1, used by CRLs as section 5.2.1 says).
Status parse_authority_key_id(ByteView value, size_t base, Crl& crl) {
  DerReader top(value, base);
  DerReader aki;
  GLASSTLS_TRY(top.sequence(aki));
  GLASSTLS_TRY(top.expect_empty("authorityKeyIdentifier"));
  bool present = false;
  GLASSTLS_TRY(aki.read_optional(tag::context_specific(0), crl.authority_key_id, present));
  ByteView ignored;
  GLASSTLS_TRY(aki.read_optional(tag::context_constructed(1), ignored, present));
  GLASSTLS_TRY(aki.read_optional(tag::context_specific(2), ignored, present));
  GLASSTLS_TRY(aki.expect_empty("authorityKeyIdentifier"));
  return Ok{};
}

Status parse_crl_extensions(ByteView der, DerReader& tbs, Crl& crl) {
  DerReader explicit_wrapper;
  GLASSTLS_TRY(tbs.nested(tag::context_constructed(0), explicit_wrapper));
  DerReader list;
  GLASSTLS_TRY(explicit_wrapper.sequence(list));
  GLASSTLS_TRY(explicit_wrapper.expect_empty("crlExtensions [0]"));
  //= https://www.rfc-editor.org/rfc/rfc5280#section-5.1.2.7
  //# If
  //# present, this field is a sequence of one or more CRL extensions.
  if (list.empty()) {
    return der_error("crlExtensions is empty");
  }
  while (!list.empty()) {
    Extension e;
    GLASSTLS_TRY(parse_extension(list, e));
    GLASSTLS_TRY(check_unique(crl.extensions, e.oid));
    size_t base = offset_in(der, e.value);
    if (oid_equal(e.oid, crl_oid::kCrlNumber)) {
      GLASSTLS_TRY(context(parse_crl_number(e.value, base, crl), "cRLNumber"));
    } else if (oid_equal(e.oid, oid::kAuthorityKeyIdentifier)) {
      GLASSTLS_TRY(context(parse_authority_key_id(e.value, base, crl), "authorityKeyIdentifier"));
    } else if (oid_equal(e.oid, crl_oid::kIssuingDistributionPoint)) {
      GLASSTLS_TRY(context(parse_issuing_distribution_point(e.value, base, crl),
                           "issuingDistributionPoint"));
    } else if (oid_equal(e.oid, crl_oid::kDeltaCrlIndicator)) {
      return unsupported("a delta CRL (deltaCRLIndicator)");
    } else if (e.critical) {
      // freshestCRL is only a pointer to delta CRLs (ignored), and must be non-critical (RFC
      // 5280 section 5.2.6); a critical one is refused like any unknown critical extension.
      //= https://www.rfc-editor.org/rfc/rfc5280#section-5.2
      //# If a CRL contains a critical extension
      //# that the application cannot process, then the application MUST NOT
      //# use that CRL to determine the status of certificates.
      return unsupported("critical CRL extension " + oid_to_string(e.oid));
    }
    crl.extensions.push_back(e);
  }
  return Ok{};
}

// parse_reason_code reads `CRLReason ::= ENUMERATED { ... }`.
Status parse_reason_code(ByteView value, size_t base, RevokedEntry& entry) {
  DerReader top(value, base);
  ByteView contents;
  GLASSTLS_TRY(top.read(0x0a, contents));  // ENUMERATED
  GLASSTLS_TRY(top.expect_empty("reasonCode"));
  GLASSTLS_TRY(check_integer(contents));
  if ((contents[0] & 0x80) != 0 || contents.size() > 2) {
    return der_error("reasonCode " + to_hex(contents) + " is not a CRLReason");
  }
  int code = 0;
  for (uint8_t b : contents) {
    code = code * 256 + b;
  }
  if (code > crl_reason::kAaCompromise || code == 7) {
    return der_error("reasonCode " + std::to_string(code) + " is not a CRLReason");
  }
  //= https://www.rfc-editor.org/rfc/rfc5280#section-5.3.1
  //# The removeFromCRL (8) reasonCode value may only appear in delta CRLs
  if (code == crl_reason::kRemoveFromCrl) {
    return unsupported("removeFromCRL, which only delta CRLs use");
  }
  entry.reason = code;
  return Ok{};
}

//= https://www.rfc-editor.org/rfc/rfc5280#section-5.3.2
//# The GeneralizedTime values included in this field MUST be expressed
//# in Greenwich Mean Time (Zulu), and MUST be specified and interpreted
//# as defined in Section 4.1.2.5.2.
Status parse_invalidity_date(ByteView value, size_t base, RevokedEntry& entry) {
  DerReader top(value, base);
  ByteView text;
  GLASSTLS_TRY(top.read(tag::kGeneralizedTime, text));
  GLASSTLS_TRY(top.expect_empty("invalidityDate"));
  int64_t t = 0;
  GLASSTLS_TRY(parse_generalized_time(text, t));
  entry.invalidity_date = t;
  return Ok{};
}

// parse_entry_extensions reads crlEntryExtensions; `seen` is scratch space reused across
// entries.
Status parse_entry_extensions(ByteView der, DerReader& list, RevokedEntry& entry,
                              std::vector<Extension>& seen) {
  seen.clear();
  if (list.empty()) {
    return der_error("crlEntryExtensions is empty");
  }
  while (!list.empty()) {
    Extension e;
    GLASSTLS_TRY(parse_extension(list, e));
    GLASSTLS_TRY(check_unique(seen, e.oid));
    size_t base = offset_in(der, e.value);
    if (oid_equal(e.oid, crl_oid::kReasonCode)) {
      GLASSTLS_TRY(context(parse_reason_code(e.value, base, entry), "reasonCode"));
    } else if (oid_equal(e.oid, crl_oid::kInvalidityDate)) {
      GLASSTLS_TRY(context(parse_invalidity_date(e.value, base, entry), "invalidityDate"));
    } else if (oid_equal(e.oid, crl_oid::kCertificateIssuer)) {
      //= https://www.rfc-editor.org/rfc/rfc5280#section-5.3.3
      //# CRL issuers MUST mark this extension as critical since an
      //# implementation that ignored this extension could not correctly
      //# attribute CRL entries to certificates.
      return unsupported("an indirect CRL (certificateIssuer entry extension)");
    } else if (e.critical) {
      //= https://www.rfc-editor.org/rfc/rfc5280#section-5.3
      //# If a CRL
      //# contains a critical CRL entry extension that the application cannot
      //# process, then the application MUST NOT use that CRL to determine the
      //# status of any certificates.
      return unsupported("critical CRL entry extension " + oid_to_string(e.oid));
    }
    seen.push_back(e);
  }
  return Ok{};
}

//= https://www.rfc-editor.org/rfc/rfc5280#section-5.1
//# revokedCertificates     SEQUENCE OF SEQUENCE  {
//#      userCertificate         CertificateSerialNumber,
//#      revocationDate          Time,
//#      crlEntryExtensions      Extensions OPTIONAL
//#                               -- if present, version MUST be v2
//#                           }  OPTIONAL,
Status parse_revoked(ByteView der, DerReader& tbs, Crl& crl) {
  DerReader list;
  GLASSTLS_TRY(tbs.sequence(list));
  std::vector<Extension> seen;
  size_t index = 0;
  // The entry's name is spelled only on failure: a long CRL parses without building strings.
  auto fail = [&](std::string_view field, const Status& s) {
    return der_error("CRL revokedCertificates entry " + std::to_string(index) +
                     (field.empty() ? "" : " ") + std::string(field) + ": " + s.error().reason);
  };
  while (!list.empty()) {
    RevokedEntry entry;
    DerReader e;
    if (Status s = list.sequence(e); !s.ok()) {
      return fail("", s);
    }
    if (Status s = e.read_integer(entry.serial); !s.ok()) {
      return fail("userCertificate", s);
    }
    if (Status s = e.read_time(entry.revocation_date); !s.ok()) {
      return fail("revocationDate", s);
    }
    if (!e.empty()) {
      if (crl.version != 2) {
        return fail("", der_error("crlEntryExtensions in a v1 CRL"));
      }
      DerReader exts;
      if (Status s = e.sequence(exts); !s.ok()) {
        return fail("crlEntryExtensions", s);
      }
      if (Status s = parse_entry_extensions(der, exts, entry, seen); !s.ok()) {
        return fail("", s);
      }
    }
    if (Status s = e.expect_empty("revokedCertificates entry"); !s.ok()) {
      return fail("", s);
    }
    crl.revoked.push_back(entry);
    index++;
  }
  return Ok{};
}

Status parse(ByteView der, Crl& crl) {
  crl.der = der;
  DerReader top(der);
  DerReader outer;
  GLASSTLS_TRY(with_context(top.sequence(outer), "CertificateList"));
  GLASSTLS_TRY(
      with_context(top.expect_empty("the input after the CertificateList"), "CertificateList"));

  ByteView tbs_contents;
  size_t tbs_start = outer.offset();
  GLASSTLS_TRY(with_context(outer.read_tlv(tag::kSequence, crl.tbs, tbs_contents), "tbsCertList"));
  DerReader tbs(tbs_contents, tbs_start + (crl.tbs.size() - tbs_contents.size()));

  //= https://www.rfc-editor.org/rfc/rfc5280#section-5.1
  //# version                 Version OPTIONAL,
  //#                              -- if present, MUST be v2
  uint8_t t = 0;
  if (tbs.peek_tag(t) && t == tag::kInteger) {
    uint64_t version = 0;
    GLASSTLS_TRY(with_context(tbs.read_uint64(version), "version"));
    if (version != 1) {
      return der_error("CRL version: the version field is present but is not v2 (1) but " +
                       std::to_string(version));
    }
    crl.version = 2;
  }
  GLASSTLS_TRY(
      with_context(parse_algorithm_identifier(tbs, crl.tbs_signature_algorithm), "signature"));
  GLASSTLS_TRY(with_context(parse_name(tbs, crl.issuer), "issuer"));
  //= https://www.rfc-editor.org/rfc/rfc5280#section-5.1.2.3
  //# The issuer field MUST contain a non-empty X.500
  //# distinguished name (DN).
  if (crl.issuer.size() == 2) {
    return der_error("CRL issuer: the issuer Name is empty");
  }
  GLASSTLS_TRY(with_context(tbs.read_time(crl.this_update), "thisUpdate"));
  if (tbs.peek_tag(t) && (t == tag::kUtcTime || t == tag::kGeneralizedTime)) {
    int64_t next = 0;
    GLASSTLS_TRY(with_context(tbs.read_time(next), "nextUpdate"));
    if (next < crl.this_update) {
      return der_error("CRL nextUpdate: nextUpdate is before thisUpdate");
    }
    crl.next_update = next;
  }
  // An empty revokedCertificates list is accepted although RFC 5280 section 5.1.2.6 says the
  // issuer leaves it out: it means the same thing.
  if (tbs.peek_tag(t) && t == tag::kSequence) {
    GLASSTLS_TRY(parse_revoked(der, tbs, crl));
  }
  if (tbs.peek_tag(t) && t == tag::context_constructed(0)) {
    //= https://www.rfc-editor.org/rfc/rfc5280#section-5.1
    //# crlExtensions           [0]  EXPLICIT Extensions OPTIONAL
    //#                               -- if present, version MUST be v2
    if (crl.version != 2) {
      return der_error("CRL crlExtensions: extensions in a v1 CRL");
    }
    GLASSTLS_TRY(with_context(parse_crl_extensions(der, tbs, crl), "crlExtensions"));
  }
  GLASSTLS_TRY(with_context(tbs.expect_empty("TBSCertList"), "tbsCertList"));

  GLASSTLS_TRY(with_context(parse_algorithm_identifier(outer, crl.signature_algorithm),
                            "signatureAlgorithm"));
  //= https://www.rfc-editor.org/rfc/rfc5280#section-5.1.1.2
  //# This field MUST contain the same algorithm identifier as the
  //# signature field in the sequence tbsCertList (Section 5.1.2.2).
  if (!bytes_equal(crl.signature_algorithm.der, crl.tbs_signature_algorithm.der)) {
    return der_error("CRL signatureAlgorithm " + oid_to_string(crl.signature_algorithm.oid) +
                     " differs from the TBSCertList signature field " +
                     oid_to_string(crl.tbs_signature_algorithm.oid));
  }
  GLASSTLS_TRY(with_context(outer.read_octet_aligned_bit_string(crl.signature), "signatureValue"));
  GLASSTLS_TRY(with_context(outer.expect_empty("CertificateList"), "CertificateList"));

  std::stable_sort(
      crl.revoked.begin(), crl.revoked.end(),
      [](const RevokedEntry& a, const RevokedEntry& b) { return serial_less(a.serial, b.serial); });
  return Ok{};
}

// ---- Status ----

// integer_text renders non-negative INTEGER contents in decimal when they fit in 64 bits, and
// in hex otherwise.
std::string integer_text(ByteView v) {
  size_t i = 0;
  while (i < v.size() && v[i] == 0) {
    i++;
  }
  if (v.size() - i > 8) {
    return "0x" + to_hex(v.subspan(i));
  }
  uint64_t n = 0;
  for (; i < v.size(); i++) {
    n = (n << 8) | v[i];
  }
  return std::to_string(n);
}

// describe names a CRL: "the CRL of CN=... (number 4, thisUpdate ..., nextUpdate ...)".
std::string describe(const Crl& crl) {
  std::string s = "the CRL of " + name_to_string(crl.issuer) + " (";
  if (!crl.crl_number.empty()) {
    s += "number " + integer_text(crl.crl_number) + ", ";
  }
  s += "thisUpdate " + format_time_utc(crl.this_update) + ", ";
  s += crl.next_update ? "nextUpdate " + format_time_utc(*crl.next_update) : "no nextUpdate";
  return s + ")";
}

// distribution_point_names collects the fullName GeneralNames of the certificate's
// cRLDistributionPoints (whole encoded GeneralNames).
//= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.13
//# DistributionPoint ::= SEQUENCE {
//#      distributionPoint       [0]     DistributionPointName OPTIONAL,
//#      reasons                 [1]     ReasonFlags OPTIONAL,
//#      cRLIssuer               [2]     GeneralNames OPTIONAL }
Status distribution_point_names(ByteView value, std::vector<ByteView>& out) {
  DerReader top(value);
  DerReader points;
  GLASSTLS_TRY(top.sequence(points));
  GLASSTLS_TRY(top.expect_empty("cRLDistributionPoints"));
  if (points.empty()) {
    return der_error("cRLDistributionPoints is empty");
  }
  while (!points.empty()) {
    DerReader dp;
    GLASSTLS_TRY(points.sequence(dp));
    uint8_t t = 0;
    if (dp.peek_tag(t) && t == tag::context_constructed(0)) {
      DerReader dpn;
      GLASSTLS_TRY(dp.nested(tag::context_constructed(0), dpn));
      if (dpn.peek_tag(t) && t == tag::context_constructed(0)) {
        DerReader full_name;
        GLASSTLS_TRY(dpn.nested(tag::context_constructed(0), full_name));
        GLASSTLS_TRY(parse_general_names(full_name, out));
      } else {
        ByteView ignored;
        GLASSTLS_TRY(dpn.read(tag::context_constructed(1), ignored));
      }
      GLASSTLS_TRY(dpn.expect_empty("DistributionPointName"));
    }
    bool present = false;
    ByteView ignored;
    GLASSTLS_TRY(dp.read_optional(tag::context_specific(1), ignored, present));
    GLASSTLS_TRY(dp.read_optional(tag::context_constructed(2), ignored, present));
    GLASSTLS_TRY(dp.expect_empty("DistributionPoint"));
  }
  return Ok{};
}

// scope_failure says why `crl`'s issuingDistributionPoint does not cover `cert`; empty when it
// does.
std::string scope_failure(const Crl& crl, const Certificate& cert) {
  if (!crl.issuing_distribution_point) {
    return "";
  }
  const IssuingDistributionPoint& idp = *crl.issuing_distribution_point;
  //= https://www.rfc-editor.org/rfc/rfc5280#section-6.3.3
  //# (ii)  If the onlyContainsUserCerts boolean is asserted in
  //#       the IDP CRL extension, verify that the certificate
  //#       does not include the basic constraints extension with
  //#       the cA boolean asserted.
  if (idp.only_user_certs && cert.is_ca) {
    return "onlyContainsUserCerts, and the certificate is a CA";
  }
  //= https://www.rfc-editor.org/rfc/rfc5280#section-6.3.3
  //# (iii) If the onlyContainsCACerts boolean is asserted in the
  //#       IDP CRL extension, verify that the certificate
  //#       includes the basic constraints extension with the cA
  //#       boolean asserted.
  if (idp.only_ca_certs && !cert.is_ca) {
    return "onlyContainsCACerts, and the certificate is not a CA";
  }
  if (idp.full_name.empty()) {
    return "";
  }
  //= https://www.rfc-editor.org/rfc/rfc5280#section-6.3.3
  //# (i)   If the distribution point name is present in the IDP
  //#       CRL extension and the distribution field is present in
  //#       the DP, then verify that one of the names in the IDP
  //#       matches one of the names in the DP.
  const Extension* ext = cert.find_extension(crl_oid::kCrlDistributionPoints);
  if (ext == nullptr) {
    return "its distributionPoint is named, and the certificate has no cRLDistributionPoints";
  }
  std::vector<ByteView> names;
  Status s = distribution_point_names(ext->value, names);
  if (!s.ok()) {
    return "the certificate's cRLDistributionPoints is malformed: " + s.error().reason;
  }
  for (ByteView a : idp.full_name) {
    for (ByteView b : names) {
      if (bytes_equal(a, b)) {
        return "";
      }
    }
  }
  return "its distributionPoint is not among the certificate's cRLDistributionPoints";
}

}  // namespace

std::string crl_reason_name(int code) {
  switch (code) {
    case crl_reason::kUnspecified: return "unspecified";
    case crl_reason::kKeyCompromise: return "keyCompromise";
    case crl_reason::kCaCompromise: return "cACompromise";
    case crl_reason::kAffiliationChanged: return "affiliationChanged";
    case crl_reason::kSuperseded: return "superseded";
    case crl_reason::kCessationOfOperation: return "cessationOfOperation";
    case crl_reason::kCertificateHold: return "certificateHold";
    case crl_reason::kRemoveFromCrl: return "removeFromCRL";
    case crl_reason::kPrivilegeWithdrawn: return "privilegeWithdrawn";
    case crl_reason::kAaCompromise: return "aACompromise";
    default: return "reason " + std::to_string(code);
  }
}

const RevokedEntry* Crl::find(ByteView serial) const {
  auto it =
      std::lower_bound(revoked.begin(), revoked.end(), serial,
                       [](const RevokedEntry& e, ByteView s) { return serial_less(e.serial, s); });
  if (it == revoked.end() || !bytes_equal(it->serial, serial)) {
    return nullptr;
  }
  return &*it;
}

Result<Crl> parse_crl(ByteView der) {
  Crl crl;
  GLASSTLS_TRY(parse(der, crl));
  return crl;
}

Result<CrlVerdict> crl_status(const CertificateRevocationLists& set, const Certificate& cert,
                              const Certificate& issuer, int64_t now, int64_t max_clock_skew,
                              const crypto::CryptoProvider& provider) {
  const auto& crls = Internals::impl(set);
  std::string issuer_text = name_to_string(cert.issuer);
  //= https://www.rfc-editor.org/rfc/rfc5280#section-6.3.3
  //# Otherwise, verify that the CRL issuer matches the
  //# certificate issuer.
  std::vector<size_t> candidates;
  auto range = crls.by_issuer.equal_range(std::string(cert.issuer.begin(), cert.issuer.end()));
  for (auto it = range.first; it != range.second; ++it) {
    candidates.push_back(it->second);
  }
  if (candidates.empty()) {
    return CrlVerdict{CrlVerdict::Status::kUnknown, "no CRL from " + issuer_text};
  }
  // Newest first, so that the CRL reported is the most recent usable one.
  std::sort(candidates.begin(), candidates.end(), [&](size_t a, size_t b) {
    if (crls.crls[a].this_update != crls.crls[b].this_update) {
      return crls.crls[a].this_update > crls.crls[b].this_update;
    }
    return a < b;
  });

  std::vector<std::string> unusable;
  const Crl* good = nullptr;
  for (size_t index : candidates) {
    const Crl& crl = crls.crls[index];
    std::string who = describe(crl);
    if (crl.this_update > now + max_clock_skew) {
      unusable.push_back(who + " is not yet valid: thisUpdate is after now (" +
                         format_time_utc(now) + ")");
      continue;
    }
    if (crl.next_update && *crl.next_update < now - max_clock_skew) {
      unusable.push_back(who + " expired: nextUpdate " + format_time_utc(*crl.next_update) +
                         " is before now (" + format_time_utc(now) + ")");
      continue;
    }
    std::string scope = scope_failure(crl, cert);
    if (!scope.empty()) {
      unusable.push_back(who + " does not cover this certificate (" + scope + ")");
      continue;
    }
    //= https://www.rfc-editor.org/rfc/rfc5280#section-6.3.3
    //# If a key usage extension is present
    //# in the CRL issuer's certificate, verify that the cRLSign bit
    //# is set.
    if (issuer.key_usage && (*issuer.key_usage & key_usage::kCrlSign) == 0) {
      unusable.push_back(who + " cannot be used: the issuer " + name_to_string(issuer.subject) +
                         " lacks cRLSign in its keyUsage");
      continue;
    }
    if (!crl.authority_key_id.empty() && !issuer.subject_key_id.empty() &&
        !bytes_equal(crl.authority_key_id, issuer.subject_key_id)) {
      unusable.push_back(
          who + " cannot be used: its authorityKeyIdentifier " + to_hex(crl.authority_key_id) +
          " is not the issuer's subjectKeyIdentifier " + to_hex(issuer.subject_key_id));
      continue;
    }
    auto alg = parse_signature_algorithm(crl.signature_algorithm);
    if (!alg.ok()) {
      unusable.push_back(who + " cannot be used: " + alg.error().reason);
      continue;
    }
    std::optional<SignatureScheme> scheme = signature_scheme_for(*alg, issuer.key_type);
    if (!scheme) {
      unusable.push_back(who + " cannot be used: its signature algorithm " +
                         signature_algorithm_name(*alg) + " does not fit the issuer's " +
                         public_key_type_name(issuer.key_type) + " key");
      continue;
    }
    if (provider.verifier == nullptr) {
      return internal_error("the crypto provider has no signature verifier");
    }
    if (!crls.signature_verified(index, issuer.spki)) {
      Status s = provider.verifier->verify(*scheme, issuer.spki, crl.tbs, crl.signature);
      if (!s.ok()) {
        if (s.error().kind == ErrorKind::kInternal) {
          return s.error();
        }
        unusable.push_back(who + ": its signature does not verify with the issuer's key (" +
                           name_to_string(issuer.subject) + ")");
        continue;
      }
      crls.remember_signature(index, issuer.spki);
    }
    if (const RevokedEntry* entry = crl.find(cert.serial)) {
      std::string why = entry->reason ? "reason " + crl_reason_name(*entry->reason)
                                      : std::string("no reason given");
      if (entry->invalidity_date) {
        why += ", invalid since " + format_time_utc(*entry->invalidity_date);
      }
      return CrlVerdict{CrlVerdict::Status::kRevoked, "revoked on " +
                                                          format_time_utc(entry->revocation_date) +
                                                          " (" + why + ") according to " + who};
    }
    if (good == nullptr) {
      good = &crl;
    }
  }
  if (good != nullptr) {
    return CrlVerdict{CrlVerdict::Status::kGood, "not revoked according to " + describe(*good)};
  }
  std::string detail = "no usable CRL from " + issuer_text + ": ";
  for (size_t i = 0; i < unusable.size(); i++) {
    detail += (i == 0 ? "" : "; ") + unusable[i];
  }
  return CrlVerdict{CrlVerdict::Status::kUnknown, std::move(detail)};
}

}  // namespace glasstls::x509
