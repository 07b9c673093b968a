// certificate.cc: X.509 certificate parsing and Name rendering.
#include "x509/certificate.h"

#include <algorithm>
#include <utility>

#include "x509/der.h"
#include "x509/pem.h"

namespace glasstls::x509 {

namespace {

// with_context prefixes the reason of a failed `s` with the field being parsed.
Status with_context(Status s, std::string_view what) {
  if (s.ok()) {
    return s;
  }
  return der_error("certificate " + std::string(what) + ": " + s.error().reason);
}

// offset_in gives the offset of `part` within `whole`; `part` must be a subspan of `whole`.
size_t offset_in(ByteView whole, ByteView part) {
  return static_cast<size_t>(part.data() - whole.data());
}

Status parse_algorithm(DerReader& r, AlgorithmIdentifier& out) {
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

// check_name validates `Name ::= SEQUENCE OF SET SIZE (1..MAX) OF SEQUENCE { OID, ANY }`.
Status check_name(DerReader& r, ByteView& name_tlv) {
  ByteView contents;
  size_t start = r.offset();
  GLASSTLS_TRY(r.read_tlv(tag::kSequence, name_tlv, contents));
  DerReader rdns(contents, start + (name_tlv.size() - contents.size()));
  while (!rdns.empty()) {
    DerReader rdn;
    GLASSTLS_TRY(rdns.nested(tag::kSet, rdn));
    if (rdn.empty()) {
      return der_error("empty RelativeDistinguishedName at offset " +
                       std::to_string(rdn.offset()));
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
        return der_error("subjectAltName dNSName is not IA5 text at offset " +
                         std::to_string(at));
      }
      cert.dns_names.emplace_back(reinterpret_cast<const char*>(contents.data()),
                                  contents.size());
    } else if (t == tag::context_specific(7)) {
      if (contents.size() != 4 && contents.size() != 16) {
        return der_error("subjectAltName iPAddress has " + std::to_string(contents.size()) +
                         " bytes, not 4 or 16, at offset " + std::to_string(at));
      }
      cert.ip_addresses.push_back(contents);
    }
  }
  cert.has_subject_alt_name = true;
  return Ok{};
}

//= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.9
//# BasicConstraints ::= SEQUENCE {
//#      cA                      BOOLEAN DEFAULT FALSE,
//#      pathLenConstraint       INTEGER (0..MAX) OPTIONAL }
Status parse_basic_constraints(ByteView value, size_t base, Certificate& cert) {
  DerReader top(value, base);
  DerReader bc;
  GLASSTLS_TRY(top.sequence(bc));
  GLASSTLS_TRY(top.expect_empty("basicConstraints"));
  uint8_t t = 0;
  if (bc.peek_tag(t) && t == tag::kBoolean) {
    bool ca = false;
    GLASSTLS_TRY(bc.read_bool(ca));
    if (!ca) {
      return der_error("basicConstraints encodes the DEFAULT cA FALSE, which DER forbids");
    }
    cert.is_ca = true;
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

Status parse_extensions(ByteView der, DerReader& tbs, Certificate& cert) {
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
    DerReader ext;
    GLASSTLS_TRY(list.sequence(ext));
    Extension e;
    GLASSTLS_TRY(ext.read_oid(e.oid));
    uint8_t t = 0;
    if (ext.peek_tag(t) && t == tag::kBoolean) {
      size_t at = ext.offset();
      GLASSTLS_TRY(ext.read_bool(e.critical));
      if (!e.critical) {
        return der_error("extension " + oid_to_string(e.oid) +
                         " encodes the DEFAULT critical FALSE, which DER forbids, at offset " +
                         std::to_string(at));
      }
    }
    GLASSTLS_TRY(ext.read(tag::kOctetString, e.value));
    GLASSTLS_TRY(ext.expect_empty("Extension"));
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
          with_context(parse_basic_constraints(e.value, base, cert), "basicConstraints"));
    }
    cert.extensions.push_back(e);
  }
  return Ok{};
}

Status parse(ByteView der, Certificate& cert) {
  cert.der = der;
  DerReader top(der);
  DerReader outer;
  GLASSTLS_TRY(with_context(top.sequence(outer), "Certificate"));
  GLASSTLS_TRY(with_context(top.expect_empty("the input after the Certificate"), "Certificate"));

  ByteView tbs_contents;
  size_t tbs_start = outer.offset();
  GLASSTLS_TRY(with_context(outer.read_tlv(tag::kSequence, cert.tbs, tbs_contents),
                            "tbsCertificate"));
  DerReader tbs(tbs_contents, tbs_start + (cert.tbs.size() - tbs_contents.size()));

  // version [0] EXPLICIT Version DEFAULT v1
  uint8_t t = 0;
  if (tbs.peek_tag(t) && t == tag::context_constructed(0)) {
    DerReader v;
    GLASSTLS_TRY(with_context(tbs.nested(tag::context_constructed(0), v), "version"));
    uint64_t version = 0;
    GLASSTLS_TRY(with_context(v.read_uint64(version), "version"));
    GLASSTLS_TRY(with_context(v.expect_empty("version"), "version"));
    if (version == 0) {
      return der_error("certificate version: v1 is the DEFAULT and DER forbids encoding it");
    }
    if (version > 2) {
      return der_error("certificate version: unknown version " + std::to_string(version + 1));
    }
    cert.version = static_cast<int>(version) + 1;
  }
  GLASSTLS_TRY(with_context(tbs.read_integer(cert.serial), "serialNumber"));
  GLASSTLS_TRY(with_context(parse_algorithm(tbs, cert.tbs_signature_algorithm), "signature"));
  GLASSTLS_TRY(with_context(check_name(tbs, cert.issuer), "issuer"));
  DerReader validity;
  GLASSTLS_TRY(with_context(tbs.sequence(validity), "validity"));
  GLASSTLS_TRY(with_context(validity.read_time(cert.not_before), "notBefore"));
  GLASSTLS_TRY(with_context(validity.read_time(cert.not_after), "notAfter"));
  GLASSTLS_TRY(with_context(validity.expect_empty("Validity"), "validity"));
  GLASSTLS_TRY(with_context(check_name(tbs, cert.subject), "subject"));

  ByteView spki_contents;
  size_t spki_start = tbs.offset();
  GLASSTLS_TRY(with_context(tbs.read_tlv(tag::kSequence, cert.spki, spki_contents),
                            "subjectPublicKeyInfo"));
  DerReader spki(spki_contents, spki_start + (cert.spki.size() - spki_contents.size()));
  GLASSTLS_TRY(with_context(parse_algorithm(spki, cert.spki_algorithm), "subjectPublicKeyInfo"));
  GLASSTLS_TRY(with_context(spki.read_octet_aligned_bit_string(cert.public_key),
                            "subjectPublicKey"));
  GLASSTLS_TRY(with_context(spki.expect_empty("SubjectPublicKeyInfo"), "subjectPublicKeyInfo"));

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
      return der_error("certificate extensions: extensions in a v" +
                       std::to_string(cert.version) + " certificate");
    }
    GLASSTLS_TRY(with_context(parse_extensions(der, tbs, cert), "extensions"));
  }
  GLASSTLS_TRY(with_context(tbs.expect_empty("TBSCertificate"), "tbsCertificate"));

  GLASSTLS_TRY(with_context(parse_algorithm(outer, cert.signature_algorithm),
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
  GLASSTLS_TRY(
      with_context(outer.read_octet_aligned_bit_string(cert.signature), "signatureValue"));
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
    default:
      return false;
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

Result<Certificate> parse_certificate(ByteView der) {
  Certificate cert;
  GLASSTLS_TRY(parse(der, cert));
  return cert;
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

}  // namespace glasstls::x509
