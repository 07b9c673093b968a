// certificate.cc: X.509 certificate parsing and Name rendering.
#include "x509/certificate.h"

#include <algorithm>
#include <utility>

#include "asn1/der.h"
#include "x509/pem.h"

namespace glasstls::x509 {

Status parse_algorithm_identifier(DerReader& r, AlgorithmIdentifier& out) {
  ByteView tlv;
  ByteView contents;
  size_t start = r.offset();
  GLASSTLS_TRY(r.read_tlv(tag::kSequence, tlv, contents));
  DerReader alg(contents, start + (tlv.size() - contents.size()));
  GLASSTLS_TRY(alg.read_oid(out.oid));
  out.params = ByteView();
  if (!alg.empty()) {
    uint8_t t = 0;
    ByteView ignored;
    GLASSTLS_TRY(alg.read_any(t, ignored, &out.params));
  }
  GLASSTLS_TRY(alg.expect_empty("AlgorithmIdentifier"));
  out.der = tlv;
  return Ok{};
}

Status parse_name(DerReader& r, ByteView& name_tlv) {
  ByteView contents;
  size_t start = r.offset();
  GLASSTLS_TRY(r.read_tlv(tag::kSequence, name_tlv, contents));
  DerReader rdns(contents, start + (name_tlv.size() - contents.size()));
  while (!rdns.empty()) {
    DerReader rdn;
    GLASSTLS_TRY(rdns.nested(tag::kSet, rdn));
    if (rdn.empty()) {
      return der_error("empty RelativeDistinguishedName at offset " + std::to_string(rdn.offset()));
    }
    while (!rdn.empty()) {
      DerReader atv;
      GLASSTLS_TRY(rdn.sequence(atv));
      ByteView type;
      GLASSTLS_TRY(atv.read_oid(type));
      uint8_t t = 0;
      ByteView value;
      GLASSTLS_TRY(atv.read_any(t, value));
      GLASSTLS_TRY(atv.expect_empty("AttributeTypeAndValue"));
    }
  }
  return Ok{};
}

Status parse_extension(DerReader& list, Extension& e, bool lenient) {
  DerReader ext;
  GLASSTLS_TRY(list.sequence(ext));
  GLASSTLS_TRY(ext.read_oid(e.oid));
  e.critical = false;
  uint8_t t = 0;
  if (ext.peek_tag(t) && t == tag::kBoolean) {
    size_t at = ext.offset();
    GLASSTLS_TRY(ext.read_bool(e.critical));
    if (!e.critical && !lenient) {
      return der_error("extension " + oid_to_string(e.oid) +
                       " encodes the DEFAULT critical FALSE, which DER forbids, at offset " +
                       std::to_string(at));
    }
  }
  GLASSTLS_TRY(ext.read(tag::kOctetString, e.value));
  GLASSTLS_TRY(ext.expect_empty("Extension"));
  return Ok{};
}

namespace {

// with_context prefixes the reason of a failed `s` with the field being parsed.
Status with_context(Status s, std::string_view what) {
  if (s.ok()) {
    return s;
  }
  return der_error("certificate " + std::string(what) + ": " + s.error().reason);
}

//= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.6
//# GeneralName ::= CHOICE {
//#      otherName                       [0]     OtherName,
//#      rfc822Name                      [1]     IA5String,
//#      dNSName                         [2]     IA5String,
//#      x400Address                     [3]     ORAddress,
//#      directoryName                   [4]     Name,
//#      ediPartyName                    [5]     EDIPartyName,
//#      uniformResourceIdentifier       [6]     IA5String,
//#      iPAddress                       [7]     OCTET STRING,
//#      registeredID                    [8]     OBJECT IDENTIFIER }
Status parse_subject_alt_name(ByteView value, size_t base, Certificate& cert) {
  DerReader top(value, base);
  DerReader names;
  GLASSTLS_TRY(top.sequence(names));
  GLASSTLS_TRY(top.expect_empty("subjectAltName"));
  //# GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName
  if (names.empty()) {
    return der_error("subjectAltName has no names");
  }
  while (!names.empty()) {
    size_t at = names.offset();
    uint8_t t = 0;
    ByteView contents;
    GLASSTLS_TRY(names.read_any(t, contents));
    uint8_t number = t & 0x1f;
    if ((t & 0xc0) != 0x80 || number > 8) {
      return der_error("subjectAltName entry has tag 0x" + to_hex(ByteView(&t, 1)) +
                       ", not a GeneralName, at offset " + std::to_string(at));
    }
    if (t == tag::context_specific(2)) {
      if (std::any_of(contents.begin(), contents.end(), [](uint8_t c) { return c >= 0x80; })) {
        return der_error("subjectAltName dNSName is not IA5 text at offset " + std::to_string(at));
      }
      cert.dns_names.emplace_back(reinterpret_cast<const char*>(contents.data()), contents.size());
    } else if (t == tag::context_specific(7)) {
      if (contents.size() != 4 && contents.size() != 16) {
        return der_error("subjectAltName iPAddress has " + std::to_string(contents.size()) +
                         " bytes, not 4 or 16, at offset " + std::to_string(at));
      }
      cert.ip_addresses.push_back(contents);
    } else if (t == tag::context_constructed(general_name::kDirectoryName)) {
      // directoryName [4] is EXPLICIT (Name is a CHOICE): the contents are one Name.
      DerReader inner(contents, at);
      ByteView name;
      GLASSTLS_TRY(parse_name(inner, name));
      GLASSTLS_TRY(inner.expect_empty("directoryName"));
      cert.directory_names.push_back(name);
    } else if (t == tag::context_specific(general_name::kRfc822Name)) {
      if (std::any_of(contents.begin(), contents.end(), [](uint8_t c) { return c >= 0x80; })) {
        return der_error("subjectAltName rfc822Name is not IA5 text at offset " +
                         std::to_string(at));
      }
      cert.email_addresses.emplace_back(reinterpret_cast<const char*>(contents.data()),
                                        contents.size());
      cert.other_name_forms = static_cast<uint16_t>(cert.other_name_forms | (1u << number));
    } else {
      cert.other_name_forms = static_cast<uint16_t>(cert.other_name_forms | (1u << number));
    }
  }
  cert.has_subject_alt_name = true;
  return Ok{};
}

//= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.9
//# BasicConstraints ::= SEQUENCE {
//#      cA                      BOOLEAN DEFAULT FALSE,
//#      pathLenConstraint       INTEGER (0..MAX) OPTIONAL }
Status parse_basic_constraints(ByteView value, size_t base, bool lenient, Certificate& cert) {
  DerReader top(value, base);
  DerReader bc;
  GLASSTLS_TRY(top.sequence(bc));
  GLASSTLS_TRY(top.expect_empty("basicConstraints"));
  uint8_t t = 0;
  if (bc.peek_tag(t) && t == tag::kBoolean) {
    bool ca = false;
    GLASSTLS_TRY(bc.read_bool(ca));
    if (!ca && !lenient) {
      return der_error("basicConstraints encodes the DEFAULT cA FALSE, which DER forbids");
    }
    cert.is_ca = ca;
  }
  if (bc.peek_tag(t) && t == tag::kInteger) {
    uint64_t len = 0;
    GLASSTLS_TRY(bc.read_uint64(len));
    cert.path_len = len;
  }
  GLASSTLS_TRY(bc.expect_empty("basicConstraints"));
  cert.has_basic_constraints = true;
  return Ok{};
}

//= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.3
//# KeyUsage ::= BIT STRING {
//#      digitalSignature        (0),
//#      nonRepudiation          (1), -- recent editions of X.509 have
//#                           -- renamed this bit to contentCommitment
//#      keyEncipherment         (2),
//#      dataEncipherment        (3),
//#      keyAgreement            (4),
//#      keyCertSign             (5),
//#      cRLSign                 (6),
//#      encipherOnly            (7),
//#      decipherOnly            (8) }
Status parse_key_usage(ByteView value, size_t base, bool lenient, Certificate& cert) {
  DerReader top(value, base);
  ByteView bits;
  uint8_t unused = 0;
  GLASSTLS_TRY(top.read_bit_string(bits, unused));
  GLASSTLS_TRY(top.expect_empty("keyUsage"));
  if (bits.size() > 2) {
    return der_error("keyUsage has " + std::to_string(bits.size()) +
                     " bytes; only bits 0 to 8 are defined");
  }
  uint16_t usage = 0;
  for (size_t i = 0; i < bits.size(); i++) {
    for (int b = 0; b < 8; b++) {
      if ((bits[i] & (0x80 >> b)) != 0) {
        usage = static_cast<uint16_t>(usage | (1u << (i * 8 + static_cast<size_t>(b))));
      }
    }
  }
  //= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.3
  //# When the keyUsage extension appears in a certificate, at least one of
  //# the bits MUST be set to 1.
  if (usage == 0) {
    return der_error("keyUsage has no bit set");
  }
  // A named BIT STRING drops its trailing zero bits in DER (X.690 section 11.2.2), so the last
  // bit present must be set.
  if (!lenient && (bits.back() & (1u << unused)) == 0) {
    return der_error("keyUsage has trailing zero bits, which DER forbids");
  }
  cert.key_usage = usage;
  return Ok{};
}

//= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.12
//# ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId
//#
//# KeyPurposeId ::= OBJECT IDENTIFIER
Status parse_ext_key_usage(ByteView value, size_t base, Certificate& cert) {
  DerReader top(value, base);
  DerReader list;
  GLASSTLS_TRY(top.sequence(list));
  GLASSTLS_TRY(top.expect_empty("extKeyUsage"));
  if (list.empty()) {
    return der_error("extKeyUsage lists no purpose");
  }
  while (!list.empty()) {
    ByteView purpose;
    GLASSTLS_TRY(list.read_oid(purpose));
    cert.ext_key_usages.push_back(purpose);
  }
  cert.has_ext_key_usage = true;
  return Ok{};
}

// parse_subtrees reads `GeneralSubtrees ::= SEQUENCE SIZE (1..MAX) OF GeneralSubtree`.
Status parse_subtrees(DerReader& list, std::vector<GeneralSubtree>& out) {
  if (list.empty()) {
    return der_error("nameConstraints has an empty GeneralSubtrees");
  }
  while (!list.empty()) {
    DerReader subtree;
    GLASSTLS_TRY(list.sequence(subtree));
    size_t at = subtree.offset();
    uint8_t t = 0;
    ByteView contents;
    GLASSTLS_TRY(subtree.read_any(t, contents));
    uint8_t number = t & 0x1f;
    if ((t & 0xc0) != 0x80 || number > 8) {
      return der_error("nameConstraints base has tag 0x" + to_hex(ByteView(&t, 1)) +
                       ", not a GeneralName, at offset " + std::to_string(at));
    }
    GeneralSubtree s;
    s.form = number;
    s.base = contents;
    if (t == tag::context_specific(general_name::kDnsName)) {
      if (std::any_of(contents.begin(), contents.end(), [](uint8_t c) { return c >= 0x80; })) {
        return der_error("nameConstraints dNSName is not IA5 text at offset " + std::to_string(at));
      }
    } else if (t == tag::context_specific(general_name::kIpAddress)) {
      if (contents.size() != 8 && contents.size() != 32) {
        return der_error("nameConstraints iPAddress has " + std::to_string(contents.size()) +
                         " bytes, not 8 or 32, at offset " + std::to_string(at));
      }
      //= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.10
      //# For IPv4
      //# addresses, the iPAddress field of GeneralName MUST contain eight (8)
      //# octets, encoded in the style of RFC 4632 (CIDR) to represent an
      //# address range [RFC4632].
      // The mask half must be a prefix: ones, then zeros.
      size_t half = contents.size() / 2;
      bool zero_seen = false;
      for (size_t i = half; i < contents.size(); i++) {
        for (int b = 7; b >= 0; b--) {
          bool one = (contents[i] >> b) & 1;
          if (one && zero_seen) {
            return der_error("nameConstraints iPAddress mask is not a CIDR prefix at offset " +
                             std::to_string(at));
          }
          zero_seen = zero_seen || !one;
        }
      }
    } else if (t == tag::context_constructed(general_name::kDirectoryName)) {
      DerReader inner(contents, at);
      ByteView name;
      GLASSTLS_TRY(parse_name(inner, name));
      GLASSTLS_TRY(inner.expect_empty("directoryName"));
      s.base = name;
    }
    //= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.10
    //# Within this profile, the minimum and maximum fields are not used with
    //# any name forms, thus, the minimum MUST be zero, and maximum MUST be
    //# absent.
    // A minimum of zero is the DEFAULT, which DER leaves out, so neither field may appear.
    if (!subtree.empty()) {
      return der_error("nameConstraints GeneralSubtree has a minimum or maximum at offset " +
                       std::to_string(subtree.offset()));
    }
    out.push_back(s);
  }
  return Ok{};
}

//= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.10
//# NameConstraints ::= SEQUENCE {
//#      permittedSubtrees       [0]     GeneralSubtrees OPTIONAL,
//#      excludedSubtrees        [1]     GeneralSubtrees OPTIONAL }
Status parse_name_constraints(ByteView value, size_t base, Certificate& cert) {
  DerReader top(value, base);
  DerReader nc;
  GLASSTLS_TRY(top.sequence(nc));
  GLASSTLS_TRY(top.expect_empty("nameConstraints"));
  NameConstraints out;
  uint8_t t = 0;
  if (nc.peek_tag(t) && t == tag::context_constructed(0)) {
    DerReader list;
    GLASSTLS_TRY(nc.nested(tag::context_constructed(0), list));
    GLASSTLS_TRY(parse_subtrees(list, out.permitted));
  }
  if (nc.peek_tag(t) && t == tag::context_constructed(1)) {
    DerReader list;
    GLASSTLS_TRY(nc.nested(tag::context_constructed(1), list));
    GLASSTLS_TRY(parse_subtrees(list, out.excluded));
  }
  GLASSTLS_TRY(nc.expect_empty("nameConstraints"));
  //= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.10
  //# Conforming CAs MUST NOT issue certificates where name constraints is an
  //# empty sequence.
  if (out.permitted.empty() && out.excluded.empty()) {
    return der_error("nameConstraints is an empty sequence");
  }
  cert.name_constraints = std::move(out);
  return Ok{};
}

//= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.1
//# AuthorityKeyIdentifier ::= SEQUENCE {
//#    keyIdentifier             [0] KeyIdentifier           OPTIONAL,
//#    authorityCertIssuer       [1] GeneralNames            OPTIONAL,
//#    authorityCertSerialNumber [2] CertificateSerialNumber OPTIONAL  }
Status parse_authority_key_id(ByteView value, size_t base, Certificate& cert) {
  DerReader top(value, base);
  DerReader aki;
  GLASSTLS_TRY(top.sequence(aki));
  GLASSTLS_TRY(top.expect_empty("authorityKeyIdentifier"));
  bool present = false;
  GLASSTLS_TRY(aki.read_optional(tag::context_specific(0), cert.authority_key_id, present));
  ByteView ignored;
  GLASSTLS_TRY(aki.read_optional(tag::context_constructed(1), ignored, present));
  GLASSTLS_TRY(aki.read_optional(tag::context_specific(2), ignored, present));
  GLASSTLS_TRY(aki.expect_empty("authorityKeyIdentifier"));
  return Ok{};
}

//= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.2
//# SubjectKeyIdentifier ::= KeyIdentifier
Status parse_subject_key_id(ByteView value, size_t base, Certificate& cert) {
  DerReader top(value, base);
  GLASSTLS_TRY(top.read(tag::kOctetString, cert.subject_key_id));
  GLASSTLS_TRY(top.expect_empty("subjectKeyIdentifier"));
  return Ok{};
}

// key_type_of classifies a SubjectPublicKeyInfo algorithm.
PublicKeyType key_type_of(const AlgorithmIdentifier& alg) {
  static constexpr uint8_t kNullParams[] = {0x05, 0x00};
  if (oid_equal(alg.oid, oid::kRsaEncryption)) {
    //= https://www.rfc-editor.org/rfc/rfc3279#section-2.3.1
    //# The parameters field MUST have ASN.1 type NULL for this algorithm
    //# identifier.
    return oid_equal(alg.params, kNullParams) ? PublicKeyType::kRsa : PublicKeyType::kUnsupported;
  }
  if (oid_equal(alg.oid, oid::kEd25519)) {
    return alg.params.empty() ? PublicKeyType::kEd25519 : PublicKeyType::kUnsupported;
  }
  if (oid_equal(alg.oid, oid::kEd448)) {
    return alg.params.empty() ? PublicKeyType::kEd448 : PublicKeyType::kUnsupported;
  }
  if (oid_equal(alg.oid, oid::kRsassaPss)) {
    // RFC 4055 section 3.1: in a SubjectPublicKeyInfo the parameters are absent or
    // RSASSA-PSS-params, which restrict the key; the provider enforces them when verifying.
    uint8_t t = 0;
    DerReader r(alg.params);
    return alg.params.empty() || (r.peek_tag(t) && t == tag::kSequence)
               ? PublicKeyType::kRsaPss
               : PublicKeyType::kUnsupported;
  }
  if (oid_equal(alg.oid, oid::kEcPublicKey)) {
    // ECParameters ::= CHOICE { namedCurve OBJECT IDENTIFIER, ... }: only named curves.
    DerReader r(alg.params);
    ByteView curve;
    if (!r.read_oid(curve).ok() || !r.empty()) {
      return PublicKeyType::kUnsupported;
    }
    if (oid_equal(curve, oid::kSecp256r1)) {
      return PublicKeyType::kEcP256;
    }
    if (oid_equal(curve, oid::kSecp384r1)) {
      return PublicKeyType::kEcP384;
    }
    if (oid_equal(curve, oid::kSecp521r1)) {
      return PublicKeyType::kEcP521;
    }
  }
  return PublicKeyType::kUnsupported;
}

//= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.2.1
//# AuthorityInfoAccessSyntax  ::=
//#         SEQUENCE SIZE (1..MAX) OF AccessDescription
Status parse_authority_info_access(ByteView value, size_t base) {
  DerReader top(value, base);
  DerReader list;
  GLASSTLS_TRY(top.sequence(list));
  GLASSTLS_TRY(top.expect_empty("authorityInfoAccess"));
  if (list.empty()) {
    return der_error("authorityInfoAccess has no access description");
  }
  //# AccessDescription  ::=  SEQUENCE {
  //#         accessMethod          OBJECT IDENTIFIER,
  //#         accessLocation        GeneralName  }
  while (!list.empty()) {
    DerReader desc;
    GLASSTLS_TRY(list.sequence(desc));
    ByteView method;
    GLASSTLS_TRY(desc.read_oid(method));
    size_t at = desc.offset();
    uint8_t t = 0;
    ByteView location;
    GLASSTLS_TRY(desc.read_any(t, location));
    if ((t & 0xc0) != 0x80 || (t & 0x1f) > 8) {
      return der_error("authorityInfoAccess accessLocation has tag 0x" + to_hex(ByteView(&t, 1)) +
                       ", not a GeneralName, at offset " + std::to_string(at));
    }
    GLASSTLS_TRY(desc.expect_empty("AccessDescription"));
  }
  return Ok{};
}

//= https://www.rfc-editor.org/rfc/rfc7633#section-4.1
//# Features ::= SEQUENCE OF INTEGER
Status parse_tls_feature(ByteView value, size_t base, Certificate& cert) {
  DerReader top(value, base);
  DerReader list;
  GLASSTLS_TRY(top.sequence(list));
  GLASSTLS_TRY(top.expect_empty("TLS Feature"));
  while (!list.empty()) {
    size_t at = list.offset();
    ByteView n;
    GLASSTLS_TRY(list.read_integer(n));
    // Extension numbers are 0..65535: at most three content bytes (a leading 00 for >= 0x8000).
    if (n.empty() || (n[0] & 0x80) != 0 || n.size() > 3 || (n.size() == 3 && n[0] != 0)) {
      return der_error("TLS Feature lists a value that is not a TLS extension number at offset " +
                       std::to_string(at));
    }
    uint32_t v = 0;
    for (uint8_t b : n) {
      v = (v << 8) | b;
    }
    cert.tls_features.push_back(static_cast<uint16_t>(v));
  }
  return Ok{};
}

Status parse_extensions(ByteView der, DerReader& tbs, bool lenient, Certificate& cert) {
  DerReader explicit_wrapper;
  GLASSTLS_TRY(tbs.nested(tag::context_constructed(3), explicit_wrapper));
  DerReader list;
  GLASSTLS_TRY(explicit_wrapper.sequence(list));
  GLASSTLS_TRY(explicit_wrapper.expect_empty("extensions [3]"));
  //= https://www.rfc-editor.org/rfc/rfc5280#section-4.1
  //# Extensions  ::=  SEQUENCE SIZE (1..MAX) OF Extension
  if (list.empty()) {
    return der_error("extensions list is empty");
  }
  while (!list.empty()) {
    Extension e;
    GLASSTLS_TRY(parse_extension(list, e, lenient));
    //= https://www.rfc-editor.org/rfc/rfc5280#section-4.2
    //# A certificate MUST NOT include more than one
    //# instance of a particular extension.
    for (const Extension& seen : cert.extensions) {
      if (oid_equal(seen.oid, e.oid)) {
        return der_error("extension " + oid_to_string(e.oid) + " appears twice");
      }
    }
    size_t base = offset_in(der, e.value);
    if (oid_equal(e.oid, oid::kSubjectAltName)) {
      GLASSTLS_TRY(with_context(parse_subject_alt_name(e.value, base, cert), "subjectAltName"));
    } else if (oid_equal(e.oid, oid::kBasicConstraints)) {
      GLASSTLS_TRY(
          with_context(parse_basic_constraints(e.value, base, lenient, cert), "basicConstraints"));
    } else if (oid_equal(e.oid, oid::kKeyUsage)) {
      GLASSTLS_TRY(with_context(parse_key_usage(e.value, base, lenient, cert), "keyUsage"));
    } else if (oid_equal(e.oid, oid::kExtKeyUsage)) {
      GLASSTLS_TRY(with_context(parse_ext_key_usage(e.value, base, cert), "extKeyUsage"));
    } else if (oid_equal(e.oid, oid::kNameConstraints)) {
      GLASSTLS_TRY(with_context(parse_name_constraints(e.value, base, cert), "nameConstraints"));
    } else if (oid_equal(e.oid, oid::kAuthorityKeyIdentifier)) {
      GLASSTLS_TRY(
          with_context(parse_authority_key_id(e.value, base, cert), "authorityKeyIdentifier"));
    } else if (oid_equal(e.oid, oid::kSubjectKeyIdentifier)) {
      GLASSTLS_TRY(with_context(parse_subject_key_id(e.value, base, cert), "subjectKeyIdentifier"));
    } else if (oid_equal(e.oid, oid::kAuthorityInfoAccess)) {
      GLASSTLS_TRY(with_context(parse_authority_info_access(e.value, base), "authorityInfoAccess"));
    } else if (oid_equal(e.oid, oid::kTlsFeature)) {
      GLASSTLS_TRY(with_context(parse_tls_feature(e.value, base, cert), "TLS Feature"));
    }
    cert.extensions.push_back(e);
  }
  return Ok{};
}

Status parse(ByteView der, bool lenient, Certificate& cert) {
  cert.der = der;
  DerReader top(der);
  DerReader outer;
  GLASSTLS_TRY(with_context(top.sequence(outer), "Certificate"));
  GLASSTLS_TRY(with_context(top.expect_empty("the input after the Certificate"), "Certificate"));

  ByteView tbs_contents;
  size_t tbs_start = outer.offset();
  GLASSTLS_TRY(
      with_context(outer.read_tlv(tag::kSequence, cert.tbs, tbs_contents), "tbsCertificate"));
  DerReader tbs(tbs_contents, tbs_start + (cert.tbs.size() - tbs_contents.size()));

  // version [0] EXPLICIT Version DEFAULT v1
  uint8_t t = 0;
  if (tbs.peek_tag(t) && t == tag::context_constructed(0)) {
    DerReader v;
    GLASSTLS_TRY(with_context(tbs.nested(tag::context_constructed(0), v), "version"));
    uint64_t version = 0;
    GLASSTLS_TRY(with_context(v.read_uint64(version), "version"));
    GLASSTLS_TRY(with_context(v.expect_empty("version"), "version"));
    if (version == 0 && !lenient) {
      return der_error("certificate version: v1 is the DEFAULT and DER forbids encoding it");
    }
    if (version > 2) {
      return der_error("certificate version: unknown version " + std::to_string(version + 1));
    }
    cert.version = static_cast<int>(version) + 1;
  }
  GLASSTLS_TRY(with_context(tbs.read_integer(cert.serial), "serialNumber"));
  GLASSTLS_TRY(
      with_context(parse_algorithm_identifier(tbs, cert.tbs_signature_algorithm), "signature"));
  GLASSTLS_TRY(with_context(parse_name(tbs, cert.issuer), "issuer"));
  DerReader validity;
  GLASSTLS_TRY(with_context(tbs.sequence(validity), "validity"));
  GLASSTLS_TRY(with_context(validity.read_time(cert.not_before), "notBefore"));
  GLASSTLS_TRY(with_context(validity.read_time(cert.not_after), "notAfter"));
  GLASSTLS_TRY(with_context(validity.expect_empty("Validity"), "validity"));
  GLASSTLS_TRY(with_context(parse_name(tbs, cert.subject), "subject"));

  ByteView spki_contents;
  size_t spki_start = tbs.offset();
  GLASSTLS_TRY(
      with_context(tbs.read_tlv(tag::kSequence, cert.spki, spki_contents), "subjectPublicKeyInfo"));
  DerReader spki(spki_contents, spki_start + (cert.spki.size() - spki_contents.size()));
  GLASSTLS_TRY(
      with_context(parse_algorithm_identifier(spki, cert.spki_algorithm), "subjectPublicKeyInfo"));
  GLASSTLS_TRY(
      with_context(spki.read_octet_aligned_bit_string(cert.public_key), "subjectPublicKey"));
  GLASSTLS_TRY(with_context(spki.expect_empty("SubjectPublicKeyInfo"), "subjectPublicKeyInfo"));
  cert.key_type = key_type_of(cert.spki_algorithm);

  //= https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.8
  //# These fields MUST only appear if the version is 2 or 3 (Section 4.1.2.1).
  for (uint8_t n : {uint8_t{1}, uint8_t{2}}) {
    if (tbs.peek_tag(t) && t == tag::context_specific(n)) {
      if (cert.version < 2) {
        return der_error("certificate: unique identifier in a v1 certificate");
      }
      // UniqueIdentifier is an IMPLICIT BIT STRING; its contents are checked as one.
      ByteView contents;
      GLASSTLS_TRY(with_context(tbs.read(tag::context_specific(n), contents), "uniqueIdentifier"));
      DerWriter w;
      w.add(tag::kBitString, contents);
      DerReader check(w.view());
      ByteView ignored;
      uint8_t unused = 0;
      GLASSTLS_TRY(with_context(check.read_bit_string(ignored, unused), "uniqueIdentifier"));
    }
  }
  //= https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.9
  //# This field MUST only appear if the version is 3 (Section 4.1.2.1).
  if (tbs.peek_tag(t) && t == tag::context_constructed(3)) {
    if (cert.version != 3) {
      return der_error("certificate extensions: extensions in a v" + std::to_string(cert.version) +
                       " certificate");
    }
    GLASSTLS_TRY(with_context(parse_extensions(der, tbs, lenient, cert), "extensions"));
  }
  GLASSTLS_TRY(with_context(tbs.expect_empty("TBSCertificate"), "tbsCertificate"));

  GLASSTLS_TRY(with_context(parse_algorithm_identifier(outer, cert.signature_algorithm),
                            "signatureAlgorithm"));
  //= https://www.rfc-editor.org/rfc/rfc5280#section-4.1.1.2
  //# This field MUST contain the same algorithm identifier as the
  //# signature field in the sequence tbsCertificate (Section 4.1.2.3).
  if (!std::equal(cert.signature_algorithm.der.begin(), cert.signature_algorithm.der.end(),
                  cert.tbs_signature_algorithm.der.begin(),
                  cert.tbs_signature_algorithm.der.end())) {
    return der_error("certificate signatureAlgorithm " +
                     oid_to_string(cert.signature_algorithm.oid) +
                     " differs from the TBSCertificate signature field " +
                     oid_to_string(cert.tbs_signature_algorithm.oid));
  }
  GLASSTLS_TRY(with_context(outer.read_octet_aligned_bit_string(cert.signature), "signatureValue"));
  GLASSTLS_TRY(with_context(outer.expect_empty("Certificate"), "Certificate"));
  return Ok{};
}

// ---- Name rendering ----

struct AttributeName {
  ByteView oid;
  const char* name;
};

const AttributeName kAttributeNames[] = {
    {oid::kCommonName, "CN"},
    {oid::kOrganizationName, "O"},
    {oid::kOrganizationalUnitName, "OU"},
    {oid::kCountryName, "C"},
    {oid::kLocalityName, "L"},
    {oid::kStateOrProvinceName, "ST"},
    {oid::kEmailAddress, "emailAddress"},
};

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

// valid_utf8 checks `s` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool valid_utf8(ByteView s) {
  size_t i = 0;
  while (i < s.size()) {
    uint8_t c = s[i];
    size_t n = 0;
    uint32_t cp = 0;
    uint32_t min = 0;
    if (c < 0x80) {
      i++;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      n = 1;
      cp = c & 0x1f;
      min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2;
      cp = c & 0x0f;
      min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3;
      cp = c & 0x07;
      min = 0x10000;
    } else {
      return false;
    }
    if (i + n >= s.size()) {
      return false;
    }
    for (size_t k = 1; k <= n; k++) {
      if ((s[i + k] & 0xc0) != 0x80) {
        return false;
      }
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

// decode_value turns a string value into UTF-8 text; false when the type is not a string type
// or the contents do not fit it.
bool decode_value(uint8_t t, ByteView v, std::string& text) {
  switch (t) {
    case tag::kUtf8String:
      if (!valid_utf8(v)) {
        return false;
      }
      text.assign(reinterpret_cast<const char*>(v.data()), v.size());
      return true;
    case tag::kPrintableString:
    case tag::kIa5String:
    case tag::kVisibleString:
    case tag::kNumericString:
    case tag::kTeletexString:
      // Bytes past ASCII (Teletex) are escaped as \XX by the caller.
      text.assign(reinterpret_cast<const char*>(v.data()), v.size());
      return true;
    case tag::kBmpString:
      if (v.size() % 2 != 0) {
        return false;
      }
      for (size_t i = 0; i < v.size(); i += 2) {
        uint32_t cp = (uint32_t{v[i]} << 8) | v[i + 1];
        if (cp >= 0xd800 && cp <= 0xdfff) {
          return false;
        }
        append_utf8(text, cp);
      }
      return true;
    case tag::kUniversalString:
      if (v.size() % 4 != 0) {
        return false;
      }
      for (size_t i = 0; i < v.size(); i += 4) {
        uint32_t cp = (uint32_t{v[i]} << 24) | (uint32_t{v[i + 1]} << 16) |
                      (uint32_t{v[i + 2]} << 8) | v[i + 3];
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
          return false;
        }
        append_utf8(text, cp);
      }
      return true;
    default: return false;
  }
}

void append_escaped(std::string& out, const std::string& text, bool utf8) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (size_t i = 0; i < text.size(); i++) {
    auto c = static_cast<unsigned char>(text[i]);
    bool special = c == ',' || c == '+' || c == '"' || c == '\\' || c == '<' || c == '>' ||
                   c == ';' || c == '=' || (i == 0 && (c == ' ' || c == '#')) ||
                   (i + 1 == text.size() && c == ' ');
    if (special) {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8)) {
      out += '\\';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
}

}  // namespace

bool oid_equal(ByteView a, ByteView b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

const Extension* Certificate::find_extension(ByteView id) const {
  for (const Extension& e : extensions) {
    if (oid_equal(e.oid, id)) {
      return &e;
    }
  }
  return nullptr;
}

namespace {

Error unsupported(std::string reason) {
  return make_error(ErrorKind::kInvalidCertificate, AlertDescription::unsupported_certificate,
                    std::move(reason));
}

// parse_hash_algorithm reads a hash AlgorithmIdentifier of RSASSA-PSS-params; `what` names the
// field. SHA-256/384/512 map to 32/48/64; SHA-1 and others are unsupported.
Result<size_t> parse_hash_algorithm(DerReader& r, std::string_view what) {
  DerReader alg;
  GLASSTLS_TRY(r.sequence(alg));
  ByteView id;
  GLASSTLS_TRY(alg.read_oid(id));
  //= https://www.rfc-editor.org/rfc/rfc4055#section-2.1
  //# Implementations MUST accept both NULL and absent parameters as legal
  //# and equivalent encodings.
  if (!alg.empty()) {
    GLASSTLS_TRY(alg.read_null());
  }
  GLASSTLS_TRY(alg.expect_empty("HashAlgorithm"));
  if (oid_equal(id, oid::kSha256)) {
    return size_t{32};
  }
  if (oid_equal(id, oid::kSha384)) {
    return size_t{48};
  }
  if (oid_equal(id, oid::kSha512)) {
    return size_t{64};
  }
  if (oid_equal(id, oid::kSha1)) {
    return unsupported("RSASSA-PSS " + std::string(what) + " is SHA-1, which is refused");
  }
  return unsupported("RSASSA-PSS " + std::string(what) + " " + oid_to_string(id) +
                     " is not supported");
}

//= https://www.rfc-editor.org/rfc/rfc4055#section-3.1
//# RSASSA-PSS-params  ::=  SEQUENCE  {
//#    hashAlgorithm      [0] HashAlgorithm DEFAULT
//#                              sha1Identifier,
//#    maskGenAlgorithm   [1] MaskGenAlgorithm DEFAULT
//#                              mgf1SHA1Identifier,
//#    saltLength         [2] INTEGER DEFAULT 20,
//#    trailerField       [3] INTEGER DEFAULT 1  }
Result<SignatureAlgorithm> parse_pss_params(ByteView params) {
  if (params.empty()) {
    return der_error("RSASSA-PSS signature algorithm without parameters");
  }
  DerReader top(params);
  DerReader seq;
  GLASSTLS_TRY(top.sequence(seq));
  GLASSTLS_TRY(top.expect_empty("RSASSA-PSS-params"));
  uint8_t t = 0;
  if (!seq.peek_tag(t) || t != tag::context_constructed(0)) {
    return unsupported("RSASSA-PSS with the default hash SHA-1 is refused");
  }
  DerReader hash_field;
  GLASSTLS_TRY(seq.nested(tag::context_constructed(0), hash_field));
  GLASSTLS_ASSIGN(size_t hash_len, parse_hash_algorithm(hash_field, "hash"));
  GLASSTLS_TRY(hash_field.expect_empty("hashAlgorithm"));
  if (!seq.peek_tag(t) || t != tag::context_constructed(1)) {
    return unsupported("RSASSA-PSS with the default mask generation MGF1-SHA-1 is refused");
  }
  DerReader mgf_field;
  GLASSTLS_TRY(seq.nested(tag::context_constructed(1), mgf_field));
  DerReader mgf;
  GLASSTLS_TRY(mgf_field.sequence(mgf));
  GLASSTLS_TRY(mgf_field.expect_empty("maskGenAlgorithm"));
  ByteView mgf_id;
  GLASSTLS_TRY(mgf.read_oid(mgf_id));
  if (!oid_equal(mgf_id, oid::kMgf1)) {
    return unsupported("RSASSA-PSS mask generation " + oid_to_string(mgf_id) + " is not MGF1");
  }
  GLASSTLS_ASSIGN(size_t mgf_hash_len, parse_hash_algorithm(mgf, "MGF1 hash"));
  GLASSTLS_TRY(mgf.expect_empty("MaskGenAlgorithm"));
  if (mgf_hash_len != hash_len) {
    return unsupported("RSASSA-PSS MGF1 hash differs from the message hash");
  }
  uint64_t salt = 20;
  if (seq.peek_tag(t) && t == tag::context_constructed(2)) {
    DerReader salt_field;
    GLASSTLS_TRY(seq.nested(tag::context_constructed(2), salt_field));
    GLASSTLS_TRY(salt_field.read_uint64(salt));
    GLASSTLS_TRY(salt_field.expect_empty("saltLength"));
  }
  if (salt != hash_len) {
    return unsupported("RSASSA-PSS salt length " + std::to_string(salt) +
                       " is not the hash length " + std::to_string(hash_len));
  }
  if (seq.peek_tag(t) && t == tag::context_constructed(3)) {
    // trailerField DEFAULT 1: DER leaves the default out, and no other value is defined.
    return der_error("RSASSA-PSS-params encodes trailerField, which must be the DEFAULT 1");
  }
  GLASSTLS_TRY(seq.expect_empty("RSASSA-PSS-params"));
  switch (hash_len) {
    case 32: return SignatureAlgorithm::kRsaPssSha256;
    case 48: return SignatureAlgorithm::kRsaPssSha384;
    default: return SignatureAlgorithm::kRsaPssSha512;
  }
}

}  // namespace

const char* signature_algorithm_name(SignatureAlgorithm alg) {
  switch (alg) {
    case SignatureAlgorithm::kRsaPkcs1Sha256: return "sha256WithRSAEncryption";
    case SignatureAlgorithm::kRsaPkcs1Sha384: return "sha384WithRSAEncryption";
    case SignatureAlgorithm::kRsaPkcs1Sha512: return "sha512WithRSAEncryption";
    case SignatureAlgorithm::kRsaPssSha256: return "RSASSA-PSS with SHA-256";
    case SignatureAlgorithm::kRsaPssSha384: return "RSASSA-PSS with SHA-384";
    case SignatureAlgorithm::kRsaPssSha512: return "RSASSA-PSS with SHA-512";
    case SignatureAlgorithm::kEcdsaSha256: return "ecdsa-with-SHA256";
    case SignatureAlgorithm::kEcdsaSha384: return "ecdsa-with-SHA384";
    case SignatureAlgorithm::kEcdsaSha512: return "ecdsa-with-SHA512";
    case SignatureAlgorithm::kEd25519: return "Ed25519";
    case SignatureAlgorithm::kEd448: return "Ed448";
  }
  return "unknown";
}

Result<SignatureAlgorithm> parse_signature_algorithm(const AlgorithmIdentifier& alg) {
  static constexpr uint8_t kNullParams[] = {0x05, 0x00};
  struct Pkcs1 {
    ByteView oid;
    SignatureAlgorithm alg;
  };
  const Pkcs1 pkcs1[] = {
      {oid::kSha256WithRsa, SignatureAlgorithm::kRsaPkcs1Sha256},
      {oid::kSha384WithRsa, SignatureAlgorithm::kRsaPkcs1Sha384},
      {oid::kSha512WithRsa, SignatureAlgorithm::kRsaPkcs1Sha512},
  };
  for (const Pkcs1& p : pkcs1) {
    if (oid_equal(alg.oid, p.oid)) {
      //= https://www.rfc-editor.org/rfc/rfc4055#section-5
      //# When any of these four object identifiers appears within an
      //# AlgorithmIdentifier, the parameters MUST be NULL.
      if (!oid_equal(alg.params, kNullParams)) {
        return der_error(std::string(signature_algorithm_name(p.alg)) + " parameters are not NULL");
      }
      return p.alg;
    }
  }
  struct Ecdsa {
    ByteView oid;
    SignatureAlgorithm alg;
  };
  const Ecdsa ecdsa[] = {
      {oid::kEcdsaWithSha256, SignatureAlgorithm::kEcdsaSha256},
      {oid::kEcdsaWithSha384, SignatureAlgorithm::kEcdsaSha384},
      {oid::kEcdsaWithSha512, SignatureAlgorithm::kEcdsaSha512},
  };
  for (const Ecdsa& e : ecdsa) {
    if (oid_equal(alg.oid, e.oid)) {
      //= https://www.rfc-editor.org/rfc/rfc5758#section-3.2
      //# When the ecdsa-with-SHA224, ecdsa-with-SHA256, ecdsa-with-SHA384, or
      //# ecdsa-with-SHA512 algorithm identifier appears in the algorithm field
      //# as an AlgorithmIdentifier, the encoding MUST omit the parameters
      //# field.
      if (!alg.params.empty()) {
        return der_error(std::string(signature_algorithm_name(e.alg)) + " has parameters");
      }
      return e.alg;
    }
  }
  if (oid_equal(alg.oid, oid::kEd25519)) {
    //= https://www.rfc-editor.org/rfc/rfc8410#section-3
    //# For all of the OIDs, the parameters MUST be absent.
    if (!alg.params.empty()) {
      return der_error("Ed25519 signature algorithm has parameters");
    }
    return SignatureAlgorithm::kEd25519;
  }
  if (oid_equal(alg.oid, oid::kEd448)) {
    //= https://www.rfc-editor.org/rfc/rfc8410#section-3
    //# For all of the OIDs, the parameters MUST be absent.
    if (!alg.params.empty()) {
      return der_error("Ed448 signature algorithm has parameters");
    }
    return SignatureAlgorithm::kEd448;
  }
  if (oid_equal(alg.oid, oid::kRsassaPss)) {
    return parse_pss_params(alg.params);
  }
  if (oid_equal(alg.oid, oid::kSha1WithRsa) || oid_equal(alg.oid, oid::kEcdsaWithSha1) ||
      oid_equal(alg.oid, oid::kDsaWithSha1)) {
    return unsupported("signature algorithm " + oid_to_string(alg.oid) +
                       " uses SHA-1, which is refused");
  }
  if (oid_equal(alg.oid, oid::kMd5WithRsa) || oid_equal(alg.oid, oid::kMd2WithRsa)) {
    return unsupported("signature algorithm " + oid_to_string(alg.oid) +
                       " uses MD2 or MD5, which are refused");
  }
  return unsupported("signature algorithm " + oid_to_string(alg.oid) + " is not supported");
}

const char* public_key_type_name(PublicKeyType type) {
  switch (type) {
    case PublicKeyType::kUnsupported: return "unsupported";
    case PublicKeyType::kRsa: return "RSA";
    case PublicKeyType::kEcP256: return "EC P-256";
    case PublicKeyType::kEcP384: return "EC P-384";
    case PublicKeyType::kEcP521: return "EC P-521";
    case PublicKeyType::kEd25519: return "Ed25519";
    case PublicKeyType::kRsaPss: return "RSASSA-PSS";
    case PublicKeyType::kEd448: return "Ed448";
  }
  return "unsupported";
}

std::optional<SignatureScheme> signature_scheme_for(SignatureAlgorithm alg, PublicKeyType key) {
  switch (alg) {
    case SignatureAlgorithm::kRsaPssSha256:
    case SignatureAlgorithm::kRsaPssSha384:
    case SignatureAlgorithm::kRsaPssSha512:
      if (key == PublicKeyType::kRsaPss) {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
        //# If the public key is carried in an X.509 certificate,
        //# it MUST use the RSASSA-PSS OID [RFC5756].
        switch (alg) {
          case SignatureAlgorithm::kRsaPssSha256: return SignatureScheme::rsa_pss_pss_sha256;
          case SignatureAlgorithm::kRsaPssSha384: return SignatureScheme::rsa_pss_pss_sha384;
          default: return SignatureScheme::rsa_pss_pss_sha512;
        }
      }
      [[fallthrough]];
    case SignatureAlgorithm::kRsaPkcs1Sha256:
    case SignatureAlgorithm::kRsaPkcs1Sha384:
    case SignatureAlgorithm::kRsaPkcs1Sha512:
      if (key != PublicKeyType::kRsa) {
        return std::nullopt;
      }
      switch (alg) {
        case SignatureAlgorithm::kRsaPkcs1Sha256: return SignatureScheme::rsa_pkcs1_sha256;
        case SignatureAlgorithm::kRsaPkcs1Sha384: return SignatureScheme::rsa_pkcs1_sha384;
        case SignatureAlgorithm::kRsaPkcs1Sha512: return SignatureScheme::rsa_pkcs1_sha512;
        case SignatureAlgorithm::kRsaPssSha256: return SignatureScheme::rsa_pss_rsae_sha256;
        case SignatureAlgorithm::kRsaPssSha384: return SignatureScheme::rsa_pss_rsae_sha384;
        default: return SignatureScheme::rsa_pss_rsae_sha512;
      }
    case SignatureAlgorithm::kEcdsaSha256:
      return key == PublicKeyType::kEcP256 ? std::optional(SignatureScheme::ecdsa_secp256r1_sha256)
                                           : std::nullopt;
    case SignatureAlgorithm::kEcdsaSha384:
      return key == PublicKeyType::kEcP384 ? std::optional(SignatureScheme::ecdsa_secp384r1_sha384)
                                           : std::nullopt;
    case SignatureAlgorithm::kEcdsaSha512:
      return key == PublicKeyType::kEcP521 ? std::optional(SignatureScheme::ecdsa_secp521r1_sha512)
                                           : std::nullopt;
    case SignatureAlgorithm::kEd25519:
      return key == PublicKeyType::kEd25519 ? std::optional(SignatureScheme::ed25519)
                                            : std::nullopt;
    case SignatureAlgorithm::kEd448:
      return key == PublicKeyType::kEd448 ? std::optional(SignatureScheme::ed448) : std::nullopt;
  }
  return std::nullopt;
}

const Extension* Certificate::unhandled_critical_extension() const {
  for (const Extension& e : extensions) {
    if (!e.critical) {
      continue;
    }
    bool handled =
        oid_equal(e.oid, oid::kBasicConstraints) || oid_equal(e.oid, oid::kKeyUsage) ||
        oid_equal(e.oid, oid::kExtKeyUsage) || oid_equal(e.oid, oid::kSubjectAltName) ||
        oid_equal(e.oid, oid::kNameConstraints) || oid_equal(e.oid, oid::kAuthorityKeyIdentifier) ||
        oid_equal(e.oid, oid::kSubjectKeyIdentifier) || oid_equal(e.oid, oid::kTlsFeature);
    if (!handled) {
      return &e;
    }
  }
  return nullptr;
}

bool Certificate::has_ext_key_usage_purpose(ByteView purpose) const {
  return std::any_of(ext_key_usages.begin(), ext_key_usages.end(),
                     [&](ByteView p) { return oid_equal(p, purpose); });
}

bool Certificate::self_issued() const { return oid_equal(issuer, subject); }

Result<Certificate> parse_certificate(ByteView der, ParseMode mode) {
  Certificate cert;
  GLASSTLS_TRY(parse(der, mode == ParseMode::kTrustAnchor, cert));
  return cert;
}

Result<ByteView> certificate_spki(ByteView der) {
  // The same reads as parse() down to the key, each field taken as a whole TLV of the right tag
  // without looking inside it.
  DerReader top(der);
  DerReader outer;
  GLASSTLS_TRY(with_context(top.sequence(outer), "Certificate"));
  GLASSTLS_TRY(with_context(top.expect_empty("the input after the Certificate"), "Certificate"));
  DerReader tbs;
  GLASSTLS_TRY(with_context(outer.sequence(tbs), "tbsCertificate"));
  uint8_t t = 0;
  if (tbs.peek_tag(t) && t == tag::context_constructed(0)) {
    GLASSTLS_TRY(with_context(tbs.skip(tag::context_constructed(0)), "version"));
  }
  GLASSTLS_TRY(with_context(tbs.skip(tag::kInteger), "serialNumber"));
  GLASSTLS_TRY(with_context(tbs.skip(tag::kSequence), "signature"));
  GLASSTLS_TRY(with_context(tbs.skip(tag::kSequence), "issuer"));
  GLASSTLS_TRY(with_context(tbs.skip(tag::kSequence), "validity"));
  GLASSTLS_TRY(with_context(tbs.skip(tag::kSequence), "subject"));
  ByteView spki;
  ByteView contents;
  GLASSTLS_TRY(with_context(tbs.read_tlv(tag::kSequence, spki, contents), "subjectPublicKeyInfo"));
  return spki;
}

std::string name_to_string(ByteView name_der) {
  static const std::string kMalformed = "<malformed name>";
  DerReader top(name_der);
  DerReader rdns;
  if (!top.sequence(rdns).ok() || !top.empty()) {
    return kMalformed;
  }
  std::string out;
  bool first_rdn = true;
  while (!rdns.empty()) {
    DerReader rdn;
    if (!rdns.nested(tag::kSet, rdn).ok() || rdn.empty()) {
      return kMalformed;
    }
    if (!first_rdn) {
      out += ", ";
    }
    first_rdn = false;
    bool first_atv = true;
    while (!rdn.empty()) {
      DerReader atv;
      ByteView type;
      uint8_t t = 0;
      ByteView value;
      ByteView value_tlv;
      if (!rdn.sequence(atv).ok() || !atv.read_oid(type).ok() ||
          !atv.read_any(t, value, &value_tlv).ok() || !atv.empty()) {
        return kMalformed;
      }
      if (!first_atv) {
        out += '+';
      }
      first_atv = false;
      const char* short_name = nullptr;
      for (const AttributeName& a : kAttributeNames) {
        if (oid_equal(a.oid, type)) {
          short_name = a.name;
        }
      }
      out += short_name != nullptr ? std::string(short_name) : oid_to_string(type);
      out += '=';
      std::string text;
      if (decode_value(t, value, text)) {
        bool utf8 = t == tag::kUtf8String || t == tag::kBmpString || t == tag::kUniversalString;
        append_escaped(out, text, utf8);
      } else {
        out += '#';
        out += to_hex(value_tlv);
      }
    }
  }
  return out;
}

Result<std::vector<Bytes>> certificate_chain_from_pem(std::string_view pem) {
  GLASSTLS_ASSIGN(std::vector<PemBlock> blocks, pem_decode(pem));
  std::vector<Bytes> chain;
  for (PemBlock& b : blocks) {
    if (b.label == "CERTIFICATE") {
      chain.push_back(std::move(b.der));
    }
  }
  if (chain.empty()) {
    return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error,
                      "no CERTIFICATE block in the PEM input");
  }
  return chain;
}

bool Certificate::must_staple() const {
  //= https://www.rfc-editor.org/rfc/rfc7633#section-4.2.3.1
  //# A TLS client that has received a certificate containing
  //# the TLS feature extension with the status_request feature
  //# MUST include a status_request extension in the ClientHello
  return std::find(tls_features.begin(), tls_features.end(), uint16_t{5}) != tls_features.end();
}

RsaKeyFacts rsa_key_facts(ByteView public_key) {
  // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 A.1.1)
  RsaKeyFacts out;
  DerReader outer(public_key);
  DerReader key;
  ByteView modulus;
  ByteView exponent;
  if (!outer.sequence(key).ok() || !key.read_integer(modulus).ok() ||
      !key.read_integer(exponent).ok() || !key.empty() || !outer.empty()) {
    return out;
  }
  if (modulus.empty() || (modulus[0] & 0x80) != 0) {
    return out;
  }
  size_t i = 0;
  while (i < modulus.size() && modulus[i] == 0) {
    ++i;
  }
  if (i == modulus.size()) {
    return out;
  }
  size_t bits = (modulus.size() - i) * 8;
  for (uint8_t top = modulus[i]; (top & 0x80) == 0; top = static_cast<uint8_t>(top << 1)) {
    --bits;
  }
  out.modulus_bits = bits;
  bool positive = !exponent.empty() && (exponent[0] & 0x80) == 0;
  bool odd = !exponent.empty() && (exponent.back() & 1) != 0;
  bool at_least_3 = exponent.size() > 1 || (!exponent.empty() && exponent[0] >= 3);
  out.exponent_ok = positive && odd && at_least_3;
  return out;
}

}  // namespace glasstls::x509
