// annotate_certificate.cc: a DER X.509 certificate decoded field by field for the view.
//
// The view shows the cert_data of a Certificate message (TLS 1.3 and TLS 1.2 alike) as the
// structure of RFC 5280 section 4.1: every element is a field at its exact bytes, a constructed
// one as a group whose first child is its DER tag and length, with the value, its meaning and a
// line on its role; a CertificateRequest's DistinguishedNames are decoded the same way. Elements
// are read with the project's DER reader (asn1/der.h); OIDs, names and times are rendered with
// the helpers of asn1/ and x509/.
//
// Like the rest of the view it never fails: an element whose header is malformed, a length that
// runs past its container (read as far as the bytes go), an unexpected tag or bytes left over
// become "DER error" fields that say what was wrong, and the decoding goes on where it can. The
// work is bounded: at most kCertificateMaxDepth levels of nesting and kCertificateMaxFields fields
// per certificate; past either, the bytes left are one field that says why they were not decoded.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "asn1/der.h"
#include "trace/annotate_internal.h"
#include "x509/certificate.h"
#include "x509/names.h"

namespace glasstls::annotate {
namespace {

using asn1::DerReader;
namespace tag = asn1::tag;

// kDerError names the field of bytes that are not the DER a certificate should be. The message's
// own codec has no quarrel with them (to TLS a certificate is opaque): the verifier refuses
// the certificate (bad_certificate), so they are not the "error" of the message's fields.
constexpr const char* kDerError = "DER error";

// ---------------------------------------------------------------------------------------------
// Object identifiers the view names.

struct OidName {
  std::string_view dotted;
  std::string_view name;
  std::string_view explanation;
};

constexpr OidName kOidNames[] = {
    // Signature algorithms (RFC 3279, RFC 4055, RFC 5758, RFC 8410).
    {"1.2.840.10045.4.3.2", "ecdsa-with-SHA256", "ECDSA with SHA-256 (RFC 5758)"},
    {"1.2.840.10045.4.3.3", "ecdsa-with-SHA384", "ECDSA with SHA-384 (RFC 5758)"},
    {"1.2.840.10045.4.3.4", "ecdsa-with-SHA512", "ECDSA with SHA-512 (RFC 5758)"},
    {"1.2.840.10045.4.1", "ecdsa-with-SHA1", "ECDSA with SHA-1, no longer accepted (RFC 3279)"},
    {"1.2.840.113549.1.1.11", "sha256WithRSAEncryption",
     "RSA PKCS#1 v1.5 signature with SHA-256 (RFC 4055)"},
    {"1.2.840.113549.1.1.12", "sha384WithRSAEncryption",
     "RSA PKCS#1 v1.5 signature with SHA-384 (RFC 4055)"},
    {"1.2.840.113549.1.1.13", "sha512WithRSAEncryption",
     "RSA PKCS#1 v1.5 signature with SHA-512 (RFC 4055)"},
    {"1.2.840.113549.1.1.5", "sha1WithRSAEncryption",
     "RSA PKCS#1 v1.5 signature with SHA-1, no longer accepted (RFC 3279)"},
    {"1.2.840.113549.1.1.4", "md5WithRSAEncryption",
     "RSA PKCS#1 v1.5 signature with MD5, broken (RFC 3279)"},
    {"1.2.840.113549.1.1.2", "md2WithRSAEncryption",
     "RSA PKCS#1 v1.5 signature with MD2, broken (RFC 3279)"},
    {"1.2.840.10040.4.3", "dsa-with-sha1", "DSA with SHA-1 (RFC 3279)"},
    {"1.2.840.113549.1.1.10", "RSASSA-PSS",
     "id-RSASSA-PSS: RSA-PSS, its hash, mask function and salt length in the parameters (RFC "
     "4055)"},
    {"1.2.840.113549.1.1.8", "id-mgf1", "MGF1, the mask generation function of RSA-PSS (RFC 4055)"},
    {"1.3.101.112", "Ed25519", "EdDSA on edwards25519 (RFC 8410)"},
    {"1.3.101.113", "Ed448", "EdDSA on edwards448 (RFC 8410)"},
    {"1.3.101.110", "X25519", "X25519 key agreement (RFC 8410)"},
    {"1.3.101.111", "X448", "X448 key agreement (RFC 8410)"},
    // Public key algorithms and curves (RFC 3279, RFC 5480).
    {"1.2.840.113549.1.1.1", "rsaEncryption", "an RSA public key (RFC 3279)"},
    {"1.2.840.10045.2.1", "id-ecPublicKey",
     "an elliptic curve public key; the parameters name the curve (RFC 5480)"},
    {"1.2.840.10045.3.1.7", "secp256r1", "the NIST curve P-256 (RFC 5480)"},
    {"1.3.132.0.34", "secp384r1", "the NIST curve P-384 (RFC 5480)"},
    {"1.3.132.0.35", "secp521r1", "the NIST curve P-521 (RFC 5480)"},
    // Hash functions (RFC 4055, RFC 3279).
    {"2.16.840.1.101.3.4.2.1", "sha256", "SHA-256 (RFC 4055)"},
    {"2.16.840.1.101.3.4.2.2", "sha384", "SHA-384 (RFC 4055)"},
    {"2.16.840.1.101.3.4.2.3", "sha512", "SHA-512 (RFC 4055)"},
    {"1.3.14.3.2.26", "sha1", "SHA-1 (RFC 3279)"},
    // Attribute types of names (RFC 5280 appendix A, RFC 4519).
    {"2.5.4.3", "commonName", "CN: the common name"},
    {"2.5.4.4", "surname", "SN: a surname"},
    {"2.5.4.5", "serialNumber", "serialNumber: a serial number of the named entity"},
    {"2.5.4.6", "countryName", "C: a two-letter ISO 3166 country code"},
    {"2.5.4.7", "localityName", "L: a city or locality"},
    {"2.5.4.8", "stateOrProvinceName", "ST: a state or province"},
    {"2.5.4.9", "streetAddress", "street: a street address"},
    {"2.5.4.10", "organizationName", "O: an organization"},
    {"2.5.4.11", "organizationalUnitName", "OU: a unit of the organization"},
    {"2.5.4.12", "title", "title: a title"},
    {"2.5.4.15", "businessCategory", "businessCategory: the kind of business (EV certificates)"},
    {"2.5.4.42", "givenName", "GN: a given name"},
    {"2.5.4.97", "organizationIdentifier", "organizationIdentifier: a registration number"},
    {"1.2.840.113549.1.9.1", "emailAddress", "emailAddress: a mail address (legacy, RFC 5280)"},
    {"0.9.2342.19200300.100.1.25", "domainComponent", "DC: one label of a DNS domain"},
    {"1.3.6.1.4.1.311.60.2.1.3", "jurisdictionCountryName",
     "jurisdictionC: the country of incorporation (EV certificates)"},
    // Certificate extensions (RFC 5280 section 4.2 and others).
    {"2.5.29.14", "subjectKeyIdentifier",
     "identifies the certified public key, so that a path builder finds the certificates it "
     "signed (RFC 5280 section 4.2.1.2)"},
    {"2.5.29.15", "keyUsage", "what the key may be used for (RFC 5280 section 4.2.1.3)"},
    {"2.5.29.17", "subjectAltName",
     "the identities the certificate is for: DNS names, IP addresses, ... (RFC 5280 section "
     "4.2.1.6)"},
    {"2.5.29.18", "issuerAltName", "other names of the issuer (RFC 5280 section 4.2.1.7)"},
    {"2.5.29.19", "basicConstraints",
     "whether the subject is a CA, and how many CA certificates may follow it in a path (RFC "
     "5280 section 4.2.1.9)"},
    {"2.5.29.30", "nameConstraints",
     "the names a CA may certify below it (RFC 5280 section 4.2.1.10)"},
    {"2.5.29.31", "cRLDistributionPoints",
     "where the CRL that would revoke this certificate is published (RFC 5280 section "
     "4.2.1.13)"},
    {"2.5.29.32", "certificatePolicies",
     "the policies the certificate was issued under (RFC 5280 section 4.2.1.4)"},
    {"2.5.29.33", "policyMappings", "issuer and subject policies held equivalent (RFC 5280)"},
    {"2.5.29.35", "authorityKeyIdentifier",
     "identifies the key that signed this certificate (RFC 5280 section 4.2.1.1)"},
    {"2.5.29.36", "policyConstraints", "limits on policy mapping in a path (RFC 5280)"},
    {"2.5.29.37", "extKeyUsage",
     "the purposes the key may be used for, such as TLS server authentication (RFC 5280 section "
     "4.2.1.12)"},
    {"2.5.29.54", "inhibitAnyPolicy", "limits anyPolicy in a path (RFC 5280)"},
    {"1.3.6.1.5.5.7.1.1", "authorityInfoAccess",
     "where to find the issuer's OCSP responder and certificate (RFC 5280 section 4.2.2.1)"},
    {"1.3.6.1.5.5.7.1.11", "subjectInfoAccess",
     "services the subject offers (RFC 5280 section 4.2.2.2)"},
    {"1.3.6.1.5.5.7.1.24", "tlsfeature",
     "TLS features the certificate requires, such as an OCSP staple (RFC 7633)"},
    {"1.3.6.1.4.1.11129.2.4.2", "signedCertificateTimestampList",
     "Certificate Transparency: the logs' promises to publish this certificate (RFC 6962 "
     "section 3.3)"},
    {"1.3.6.1.4.1.11129.2.4.3", "precertificatePoison",
     "Certificate Transparency: marks a precertificate, never valid (RFC 6962 section 3.1)"},
    {"1.3.6.1.5.5.7.48.1.5", "id-pkix-ocsp-nocheck",
     "an OCSP responder's certificate that needs no revocation check (RFC 6960)"},
    // Extended key usage purposes (RFC 5280 section 4.2.1.12).
    {"1.3.6.1.5.5.7.3.1", "serverAuth", "TLS server authentication"},
    {"1.3.6.1.5.5.7.3.2", "clientAuth", "TLS client authentication"},
    {"1.3.6.1.5.5.7.3.3", "codeSigning", "signing code"},
    {"1.3.6.1.5.5.7.3.4", "emailProtection", "protecting e-mail"},
    {"1.3.6.1.5.5.7.3.8", "timeStamping", "time stamping"},
    {"1.3.6.1.5.5.7.3.9", "OCSPSigning", "signing OCSP responses"},
    {"2.5.29.37.0", "anyExtendedKeyUsage", "any purpose"},
    // Access methods (RFC 5280 section 4.2.2.1).
    {"1.3.6.1.5.5.7.48.1", "ocsp", "the URL of an OCSP responder (RFC 6960)"},
    {"1.3.6.1.5.5.7.48.2", "caIssuers", "the URL of the issuer's certificate"},
    // Certificate policies and their qualifiers (RFC 5280 section 4.2.1.4, CA/Browser Forum).
    {"2.5.29.32.0", "anyPolicy", "any policy (RFC 5280 section 4.2.1.4)"},
    {"2.23.140.1.2.1", "domain-validated", "CA/Browser Forum: the domain was validated"},
    {"2.23.140.1.2.2", "organization-validated",
     "CA/Browser Forum: the domain and the organization were validated"},
    {"2.23.140.1.2.3", "individual-validated",
     "CA/Browser Forum: the domain and a person were validated"},
    {"2.23.140.1.1", "extended-validation", "CA/Browser Forum: extended validation"},
    {"1.3.6.1.5.5.7.2.1", "cps", "the URL of the CA's certification practice statement"},
    {"1.3.6.1.5.5.7.2.2", "unotice", "a notice to show to the user"},
};

const OidName* find_oid(ByteView oid) {
  if (asn1::check_oid(oid).ok()) {
    const std::string dotted = asn1::oid_to_string(oid);
    for (const OidName& n : kOidNames) {
      if (n.dotted == dotted) {
        return &n;
      }
    }
  }
  return nullptr;
}

// oid_name is the name of `oid`, or its dotted form.
std::string oid_name(ByteView oid) {
  if (const OidName* n = find_oid(oid)) {
    return std::string(n->name);
  }
  return asn1::check_oid(oid).ok() ? asn1::oid_to_string(oid) : "malformed OID";
}

bool oid_is(ByteView oid, std::string_view dotted) {
  const OidName* n = find_oid(oid);
  return n != nullptr && n->dotted == dotted;
}

// ---------------------------------------------------------------------------------------------
// Elements and the regions they are read from.

// Elem is one DER element as far as its bytes go.
struct Elem {
  uint8_t tag = 0;
  size_t offset = 0;  // of the tag, in the annotated unit
  size_t header_len = 0;
  size_t declared = 0;  // the contents length the header announces
  ByteView contents;    // what is present of the contents
  ByteView bytes;       // header and present contents

  size_t length() const { return header_len + contents.size(); }
  size_t contents_offset() const { return offset + header_len; }
  bool cut() const { return contents.size() < declared; }
  bool constructed() const { return (tag & 0x20) != 0; }
};

// Region is a run of elements (the contents of a constructed element) at an offset.
class Region {
 public:
  Region(ByteView data, size_t offset) : data_(data), offset_(offset) {}
  bool empty() const { return data_.empty(); }
  size_t offset() const { return offset_; }
  ByteView rest() const { return data_; }
  bool peek(uint8_t& t) const {
    if (data_.empty()) {
      return false;
    }
    t = data_[0];
    return true;
  }
  // next reads the next element (its contents cut to the bytes present); false, with `why`,
  // when its tag and length are malformed.
  bool next(Elem& e, std::string& why) {
    const DerReader r(data_, offset_);
    uint8_t t = 0;
    size_t header_len = 0;
    size_t declared = 0;
    if (Status s = r.peek_header(t, header_len, declared); !s.ok()) {
      why = s.error().reason;
      return false;
    }
    e.tag = t;
    e.offset = offset_;
    e.header_len = header_len;
    e.declared = declared;
    e.contents = data_.subspan(header_len, std::min(declared, data_.size() - header_len));
    e.bytes = data_.first(e.length());
    advance(e.length());
    return true;
  }
  void advance(size_t n) {
    data_ = data_.subspan(n);
    offset_ += n;
  }

 private:
  ByteView data_;
  size_t offset_;
};

std::string tag_name(uint8_t t) {
  const uint8_t number = t & 0x1f;
  switch (t & 0xc0) {
    case 0x80: return "[" + dec(number) + "]";
    case 0x40: return "[APPLICATION " + dec(number) + "]";
    case 0xc0: return "[PRIVATE " + dec(number) + "]";
    default: break;
  }
  switch (t) {
    case tag::kBoolean: return "BOOLEAN";
    case tag::kInteger: return "INTEGER";
    case tag::kBitString: return "BIT STRING";
    case tag::kOctetString: return "OCTET STRING";
    case tag::kNull: return "NULL";
    case tag::kOid: return "OBJECT IDENTIFIER";
    case 0x0a: return "ENUMERATED";
    case tag::kUtf8String: return "UTF8String";
    case tag::kNumericString: return "NumericString";
    case tag::kPrintableString: return "PrintableString";
    case tag::kTeletexString: return "TeletexString";
    case tag::kIa5String: return "IA5String";
    case tag::kUtcTime: return "UTCTime";
    case tag::kGeneralizedTime: return "GeneralizedTime";
    case tag::kVisibleString: return "VisibleString";
    case tag::kUniversalString: return "UniversalString";
    case tag::kBmpString: return "BMPString";
    case tag::kSequence: return "SEQUENCE";
    case tag::kSet: return "SET";
    default: return "universal tag " + code(t, 2);
  }
}

bool is_string_tag(uint8_t t) {
  return t == tag::kUtf8String || t == tag::kNumericString || t == tag::kPrintableString ||
         t == tag::kTeletexString || t == tag::kIa5String || t == tag::kVisibleString ||
         t == tag::kUniversalString || t == tag::kBmpString;
}

// kMaxText bounds a value or meaning: a name or a list of names from a hostile certificate can
// be as long as the certificate, and the view shows each on one line.
constexpr size_t kMaxText = 256;

// shorten cuts `text` to kMaxText bytes (at a UTF-8 character boundary) and marks the cut.
std::string shorten(std::string text) {
  if (text.size() <= kMaxText) {
    return text;
  }
  size_t end = kMaxText;
  while (end > 0 && (static_cast<uint8_t>(text[end]) & 0xc0) == 0x80) {
    end--;
  }
  text.resize(end);
  return text + "\u2026";
}

// cut_note says that an element was cut short.
std::string cut_note(const Elem& e) {
  return "; cut short: its length says " + plural(e.declared, "byte", "bytes") + " but only " +
         dec(e.contents.size()) + " are present";
}

// ---------------------------------------------------------------------------------------------
// The decoder: builds fields within a budget.

class Decoder {
 public:
  explicit Decoder(size_t max_fields) : left_(max_fields) {}

  // Group is a constructed element being decoded: its field, with the header as first child,
  // and the region of its contents still to read.
  struct Group {
    TraceField field;
    Region in;
  };

  TraceField make(std::string name, size_t offset, size_t length, std::string value,
                  std::string meaning, std::string explanation) {
    if (left_ > 0) {
      left_--;
    }
    return leaf(std::move(name), offset, length, shorten(std::move(value)),
                shorten(std::move(meaning)), std::move(explanation));
  }

  // header is the field of an element's tag and length.
  TraceField header(const Elem& e, std::string_view of) {
    std::string form =
        e.header_len == 2 ? "short form"
                          : "long form, " + plural(e.header_len - 2, "length byte", "length bytes");
    std::string explanation = "the DER tag " + code(e.tag, 2) + " (" + tag_name(e.tag) +
                              (e.constructed() ? ", constructed" : "") + ") and length (" + form +
                              ") of " + std::string(of);
    if (e.cut()) {
      explanation += cut_note(e);
    }
    return make("header", e.offset, e.header_len, "",
                tag_name(e.tag) + ", " + plural(e.declared, "byte", "bytes"),
                std::move(explanation));
  }

  // open starts the group of a constructed element `e`.
  Group open(std::string name, const Elem& e, std::string meaning, std::string explanation) {
    if (e.cut()) {
      explanation += cut_note(e);
    }
    Group g{
        make(std::move(name), e.offset, e.length(), "", std::move(meaning), std::move(explanation)),
        Region(e.contents, e.contents_offset())};
    g.field.children.push_back(header(e, g.field.name));
    depth_++;
    return g;
  }

  // close ends a group: bytes left in it become an error.
  TraceField close(Group& g) {
    if (!g.in.empty()) {
      fail(g, plural(g.in.rest().size(), "byte", "bytes") + " after the last field of " +
                  g.field.name + ", which DER does not allow");
    }
    depth_--;
    g.field.meaning = shorten(std::move(g.field.meaning));
    return std::move(g.field);
  }

  // fail ends the reading of `g`: the rest of its contents is an error that says `why`.
  void fail(Group& g, std::string why) {
    const ByteView rest = g.in.rest();
    g.field.children.push_back(
        make(kDerError, g.in.offset(), rest.size(), hex_prefix(rest, 16), "malformed", why));
    g.in.advance(rest.size());
  }

  // more says whether `g` has another element to read and the budget allows it; when the
  // budget or the depth is spent, the rest becomes one field that says so.
  bool more(Group& g) {
    if (g.in.empty()) {
      return false;
    }
    if (left_ <= 2 || depth_ >= kCertificateMaxDepth) {
      const ByteView rest = g.in.rest();
      g.field.children.push_back(
          make("not decoded", g.in.offset(), rest.size(), hex_prefix(rest, 16), "not decoded",
               left_ <= 2 ? "the view decodes at most " + dec(kCertificateMaxFields) +
                                " fields of a certificate; these bytes are shown whole"
                          : "nested deeper than " + dec(kCertificateMaxDepth) +
                                " levels; these bytes are shown whole"));
      g.in.advance(rest.size());
      return false;
    }
    return true;
  }

  // next reads the next element of `g`, which must have tag `t` (any tag when `t` is 0);
  // otherwise the rest of `g` is an error naming `what`.
  bool next(Group& g, uint8_t t, std::string_view what, Elem& e) {
    if (!more(g)) {
      // After an error or bytes not decoded, that the element is missing says nothing new.
      const std::string& last = g.field.children.back().name;
      if (g.in.empty() && last != "not decoded" && last != kDerError) {
        g.field.children.push_back(make(
            kDerError, g.in.offset(), 0, "", "missing",
            std::string(what) + " is missing: the contents of " + g.field.name + " end before it"));
      }
      return false;
    }
    // The header is read first, so that a malformed one is reported as such.
    Region in = g.in;
    std::string why;
    if (!in.next(e, why)) {
      fail(g, std::move(why));
      return false;
    }
    if (t != 0 && e.tag != t) {
      fail(g, "expected " + std::string(what) + " (" + tag_name(t) + ", tag " + code(t, 2) +
                  ") but found tag " + code(e.tag, 2) + " (" + tag_name(e.tag) + ")");
      return false;
    }
    g.in = in;
    return true;
  }

  // optional reads the next element of `g` if it has tag `t`.
  bool optional(Group& g, uint8_t t, Elem& e) {
    uint8_t found = 0;
    if (g.in.peek(found) && found == t && more(g)) {
      std::string why;
      if (g.in.next(e, why)) {
        return true;
      }
      fail(g, std::move(why));
    }
    return false;
  }

  // item reads the next element of a list `g`, whatever its tag.
  bool item(Group& g, Elem& e) {
    if (!more(g)) {
      return false;
    }
    std::string why;
    if (!g.in.next(e, why)) {
      fail(g, std::move(why));
      return false;
    }
    return true;
  }

  // primitive is a leaf for `e` whose value and meaning come from its universal type.
  TraceField primitive(std::string name, const Elem& e, std::string explanation);
  // generic decodes an element of a type the view has no schema for: a constructed one as a
  // group of its elements, a primitive one as a leaf.
  TraceField generic(std::string name, const Elem& e, std::string explanation);

  size_t depth() const { return depth_; }

 private:
  size_t left_;
  size_t depth_ = 0;
};

std::string integer_value(ByteView v) {
  if (v.empty()) {
    return "";
  }
  if (v.size() <= 8 && (v[0] & 0x80) == 0) {
    uint64_t n = 0;
    for (uint8_t b : v) {
      n = (n << 8) | b;
    }
    return dec(n);
  }
  return hex_prefix(v, 20);
}

TraceField Decoder::primitive(std::string name, const Elem& e, std::string explanation) {
  std::string value;
  std::string meaning;
  std::string note;
  const ByteView v = e.contents;
  switch (e.tag) {
    case tag::kBoolean:
      value = v.size() == 1 && v[0] == 0xff ? "TRUE" : v.size() == 1 && v[0] == 0 ? "FALSE" : "";
      if (value.empty()) {
        value = hex(v);
        note = "; not DER: a BOOLEAN is one byte, 00 or ff";
      }
      break;
    case tag::kInteger:
    case 0x0a:
      value = integer_value(v);
      if (Status s = asn1::check_integer(v); !s.ok() && !e.cut()) {
        note = "; not DER: " + s.error().reason;
      } else if (!v.empty() && (v[0] & 0x80) != 0) {
        meaning = "negative";
      } else if (v.size() > 8) {
        meaning = dec((v.size() - (v[0] == 0 ? 1 : 0)) * 8) + "-bit number";
      }
      break;
    case tag::kOid:
      value = asn1::check_oid(v).ok() ? asn1::oid_to_string(v) : hex(v);
      meaning = oid_name(v);
      if (const OidName* n = find_oid(v)) {
        explanation += ": " + std::string(n->explanation);
      } else {
        explanation += ": an OID the view has no name for";
      }
      break;
    case tag::kNull:
      meaning = "NULL";
      if (!v.empty()) {
        note = "; not DER: a NULL has no contents";
      }
      break;
    case tag::kUtcTime:
    case tag::kGeneralizedTime: {
      value = printable(v);
      int64_t seconds = 0;
      const Status s = e.tag == tag::kUtcTime ? asn1::parse_utc_time(v, seconds)
                                              : asn1::parse_generalized_time(v, seconds);
      meaning = s.ok() ? asn1::format_time_utc(seconds) : "not a valid time";
      explanation += e.tag == tag::kUtcTime ? " (UTCTime YYMMDDHHMMSSZ: YY of 50-99 is 19YY, "
                                              "00-49 is 20YY)"
                                            : " (GeneralizedTime YYYYMMDDHHMMSSZ)";
      if (!s.ok()) {
        note = "; " + s.error().reason;
      }
      break;
    }
    case tag::kBitString: {
      value = hex_prefix(v.empty() ? v : v.subspan(1), 32);
      const size_t bits = v.empty() ? 0 : (v.size() - 1) * 8;
      const size_t unused = v.empty() ? 0 : std::min<size_t>(v[0], bits);
      meaning = v.empty() ? "no unused-bits byte" : plural(bits - unused, "bit", "bits");
      break;
    }
    case tag::kOctetString: value = hex_prefix(v, 32); break;
    default:
      if (is_string_tag(e.tag)) {
        value = printable(v);
      } else {
        value = hex_prefix(v, 32);
      }
      break;
  }
  if (e.cut()) {
    note += cut_note(e);
  }
  return make(std::move(name), e.offset, e.length(), std::move(value), std::move(meaning),
              explanation + note);
}

TraceField Decoder::generic(std::string name, const Elem& e, std::string explanation) {
  if (!e.constructed()) {
    return primitive(std::move(name), e, std::move(explanation));
  }
  Group g = open(std::move(name), e, "", std::move(explanation));
  Elem k;
  size_t i = 0;
  while (item(g, k)) {
    g.field.children.push_back(
        generic(tag_name(k.tag), k,
                "element " + dec(i) + " of " + g.field.name + ", a " + tag_name(k.tag)));
    i++;
  }
  return close(g);
}

// ---------------------------------------------------------------------------------------------
// RFC 5280 section 4.1: the certificate.

// algorithm_identifier decodes `AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters
// ANY OPTIONAL }` (RFC 5280 section 4.1.1.2), with the parameters of the algorithms it knows.
TraceField algorithm_identifier(Decoder& d, std::string name, const Elem& e,
                                std::string explanation);

// pss_params decodes RSASSA-PSS-params (RFC 4055 section 3.1) and sums them up in `summary`.
TraceField pss_params(Decoder& d, const Elem& e, std::string& summary) {
  Decoder::Group g = d.open("parameters", e, "",
                            "RSASSA-PSS-params: the hash, the mask generation function, the "
                            "salt length and the trailer (RFC 4055 section 3.1)");
  std::string hash = "sha1 (default)";
  std::string mgf = "MGF1 with sha1 (default)";
  std::string salt = "20 (default)";
  struct Part {
    uint8_t number;
    const char* name;
    const char* explanation;
  };
  static constexpr Part kParts[] = {
      {0, "hashAlgorithm", "hashAlgorithm [0]: the hash of the message; DEFAULT sha1"},
      {1, "maskGenAlgorithm", "maskGenAlgorithm [1]: the mask generation function and its hash"},
      {2, "saltLength", "saltLength [2]: the length of the salt in bytes; DEFAULT 20"},
      {3, "trailerField", "trailerField [3]: always 1, the trailer byte 0xbc"},
  };
  for (const Part& p : kParts) {
    Elem w;
    if (!d.optional(g, tag::context_constructed(p.number), w)) {
      continue;
    }
    Decoder::Group pg = d.open(p.name, w, "", p.explanation);
    Elem inner;
    if (p.number <= 1) {
      if (d.next(pg, tag::kSequence, "AlgorithmIdentifier", inner)) {
        TraceField alg = algorithm_identifier(d, "AlgorithmIdentifier", inner,
                                              "the algorithm of " + std::string(p.name));
        pg.field.meaning = alg.meaning;
        (p.number == 0 ? hash : mgf) = alg.meaning;
        pg.field.children.push_back(std::move(alg));
      }
    } else if (d.next(pg, tag::kInteger, p.name, inner)) {
      TraceField f = d.primitive(p.name, inner, p.explanation);
      pg.field.meaning = f.value;
      if (p.number == 2) {
        salt = f.value;
      }
      pg.field.children.push_back(std::move(f));
    }
    g.field.children.push_back(d.close(pg));
  }
  summary = hash + ", " + mgf + ", salt " + salt;
  g.field.meaning = summary;
  return d.close(g);
}

TraceField algorithm_identifier(Decoder& d, std::string name, const Elem& e,
                                std::string explanation) {
  Decoder::Group g = d.open(std::move(name), e, "", std::move(explanation));
  Elem oid;
  if (!d.next(g, tag::kOid, "algorithm", oid)) {
    return d.close(g);
  }
  g.field.children.push_back(
      d.primitive("algorithm", oid, "algorithm: the OBJECT IDENTIFIER of the algorithm"));
  std::string meaning = oid_name(oid.contents);
  Elem p;
  if (d.item(g, p)) {
    if (oid_is(oid.contents, "1.2.840.10045.2.1") && p.tag == tag::kOid) {
      TraceField curve =
          d.primitive("namedCurve", p, "parameters: namedCurve, the curve of the key");
      meaning += ", " + curve.meaning;
      g.field.children.push_back(std::move(curve));
    } else if (oid_is(oid.contents, "1.2.840.113549.1.1.10") && p.tag == tag::kSequence) {
      std::string summary;
      g.field.children.push_back(pss_params(d, p, summary));
      meaning += " (" + summary + ")";
    } else if (oid_is(oid.contents, "1.2.840.113549.1.1.8") && p.tag == tag::kSequence) {
      TraceField hash = algorithm_identifier(d, "parameters", p, "parameters: the hash of MGF1");
      meaning = "MGF1 with " + hash.meaning;
      g.field.children.push_back(std::move(hash));
    } else if (p.tag == tag::kNull) {
      g.field.children.push_back(d.primitive(
          "parameters", p, "parameters: NULL, as RSA PKCS#1 algorithms require (RFC 4055)"));
    } else {
      g.field.children.push_back(d.generic("parameters", p, "parameters of the algorithm"));
    }
  }
  g.field.meaning = meaning;
  return d.close(g);
}

// rdn_text renders one RelativeDistinguishedName (the SET `set`) as name_to_string does.
std::string rdn_text(const Elem& set) {
  if (set.cut()) {
    return "";
  }
  asn1::DerWriter w;
  w.add(tag::kSequence, set.bytes);
  return x509::name_to_string(w.view());
}

// name decodes `Name ::= SEQUENCE OF RelativeDistinguishedName`, each RDN a SET OF
// AttributeTypeAndValue (RFC 5280 section 4.1.2.4).
TraceField name(Decoder& d, std::string field_name, const Elem& e, std::string explanation) {
  Decoder::Group g = d.open(std::move(field_name), e, "", std::move(explanation));
  if (!e.cut()) {
    g.field.meaning = x509::name_to_string(e.bytes);
  }
  Elem set;
  size_t i = 0;
  while (d.item(g, set)) {
    if (set.tag != tag::kSet) {
      g.field.children.push_back(
          d.generic("rdn[" + dec(i++) + "]", set, "RelativeDistinguishedName: should be a SET"));
      continue;
    }
    Decoder::Group rdn =
        d.open("rdn[" + dec(i++) + "]", set, rdn_text(set),
               "RelativeDistinguishedName: a SET of attributes, almost always one");
    Elem atv;
    while (d.item(rdn, atv)) {
      if (atv.tag != tag::kSequence) {
        rdn.field.children.push_back(
            d.generic("attribute", atv, "AttributeTypeAndValue: should be a SEQUENCE"));
        continue;
      }
      Decoder::Group a =
          d.open("attribute", atv, "", "AttributeTypeAndValue: an attribute type and its value");
      Elem type;
      if (d.next(a, tag::kOid, "type", type)) {
        TraceField t = d.primitive("type", type, "AttributeType");
        a.field.meaning = t.meaning;
        a.field.children.push_back(std::move(t));
        Elem value;
        if (d.next(a, 0, "value", value)) {
          TraceField v = d.generic("value", value,
                                   "AttributeValue: a " + tag_name(value.tag) +
                                       (value.tag == tag::kPrintableString
                                            ? " (letters, digits and a few punctuation marks)"
                                            : ""));
          a.field.meaning += "=" + v.value;
          a.field.children.push_back(std::move(v));
        }
      }
      rdn.field.children.push_back(d.close(a));
    }
    g.field.children.push_back(d.close(rdn));
  }
  return d.close(g);
}

// general_name decodes one GeneralName (RFC 5280 section 4.2.1.6) and appends it to `summary`.
TraceField general_name(Decoder& d, const Elem& e, std::string& summary) {
  const uint8_t form = e.tag & 0x1f;
  const bool context = (e.tag & 0xc0) == 0x80;
  const std::string form_name = context ? x509::general_name_form_name(form) : "GeneralName";
  auto add = [&summary](std::string_view label, const std::string& text) {
    summary += (summary.empty() ? "" : ", ") + std::string(label) + ":" + text;
  };
  if (context && !e.constructed() && (form == 1 || form == 2 || form == 6)) {
    const std::string text = printable(e.contents);
    add(form == 1 ? "email" : form == 2 ? "DNS" : "URI", text);
    std::string explanation = form == 1   ? "rfc822Name [1]: a mail address (IA5String)"
                              : form == 2 ? "dNSName [2]: a DNS name (IA5String)"
                                          : "uniformResourceIdentifier [6]: a URI (IA5String)";
    if (e.cut()) {
      explanation += cut_note(e);
    }
    return d.make(form_name, e.offset, e.length(), text, "", std::move(explanation));
  }
  if (context && !e.constructed() && form == 7) {
    const bool address = e.contents.size() == 4 || e.contents.size() == 16;
    const size_t n = e.contents.size();
    const bool with_mask = n == 8 || n == 32;  // a name constraint: address, then mask
    const std::string text = address     ? x509::ip_to_string(e.contents)
                             : with_mask ? x509::ip_to_string(e.contents.first(n / 2)) + "/" +
                                               x509::ip_to_string(e.contents.subspan(n / 2))
                                         : hex(e.contents);
    add("IP", text);
    std::string explanation =
        address ? "iPAddress [7]: an IP address, 4 bytes for IPv4 or 16 for IPv6"
                : "iPAddress [7]: 4 or 16 bytes of address (8 or 32 with a mask in name "
                  "constraints)";
    if (e.cut()) {
      explanation += cut_note(e);
    }
    return d.make(form_name, e.offset, e.length(), text, "", std::move(explanation));
  }
  if (context && !e.constructed() && form == 8) {
    Elem oid = e;
    oid.tag = tag::kOid;
    TraceField f = d.primitive(form_name, oid, "registeredID [8]: an OBJECT IDENTIFIER");
    add("RID", f.value);
    return f;
  }
  if (context && e.constructed() && form == 4) {
    Decoder::Group g = d.open(form_name, e, "", "directoryName [4]: an X.501 Name");
    Elem n;
    if (d.next(g, tag::kSequence, "Name", n)) {
      TraceField f = name(d, "Name", n, "Name: a distinguished name");
      g.field.meaning = f.meaning;
      add("DirName", f.meaning);
      g.field.children.push_back(std::move(f));
    }
    return d.close(g);
  }
  add(form_name, "...");
  if (context && e.constructed() && (form == 0 || form == 3 || form == 5)) {
    return d.generic(form_name, e,
                     form_name + ": a form of GeneralName the view decodes by its DER types only");
  }
  // A form with the wrong constructed bit, or an unknown form: its bytes, not decoded.
  std::string explanation = form_name + ": not decoded (" + tag_name(e.tag) +
                            (e.constructed() ? ", constructed" : ", primitive") +
                            " is not how RFC 5280 section 4.2.1.6 encodes this form)";
  if (e.cut()) {
    explanation += cut_note(e);
  }
  return d.make(form_name, e.offset, e.length(), hex_prefix(e.contents, 32), "not decoded",
                std::move(explanation));
}

// general_names decodes the GeneralName elements of `g` to its end.
void general_names(Decoder& d, Decoder::Group& g, std::string& summary) {
  Elem k;
  while (d.item(g, k)) {
    g.field.children.push_back(general_name(d, k, summary));
  }
}

// key_usage_names names the bits of a KeyUsage BIT STRING (RFC 5280 section 4.2.1.3).
std::string key_usage_names(ByteView v) {
  static constexpr const char* kBits[] = {"digitalSignature", "nonRepudiation", "keyEncipherment",
                                          "dataEncipherment", "keyAgreement",   "keyCertSign",
                                          "cRLSign",          "encipherOnly",   "decipherOnly"};
  std::string out;
  // Only the first 16 bits are named: KeyUsage defines 9.
  for (size_t bit = 0; bit + 8 < v.size() * 8 && bit < 16; bit++) {
    const size_t byte = 1 + bit / 8;
    if ((v[byte] & (0x80 >> (bit % 8))) == 0) {
      continue;
    }
    out += (out.empty() ? "" : ", ") +
           (bit < std::size(kBits) ? std::string(kBits[bit]) : "bit " + dec(bit));
  }
  return out.empty() ? "no bits set" : out;
}

// The decoders of the extension values the view knows. Each gets the group of extnValue and the
// element inside it, adds the element's field to the group and returns a summary of what it says.
using ValueDecoder = std::string (*)(Decoder& d, Decoder::Group& g, const Elem& e);

// list_of adds `e`, which should be a SEQUENCE, to `g` as the group `name`, whose elements
// `each` decodes, and returns the summaries of the elements joined by commas. Something else
// than a SEQUENCE is decoded by its DER types.
template <typename F>
std::string list_of(Decoder& d, Decoder::Group& g, const Elem& e, std::string name,
                    std::string explanation, F&& each) {
  if (e.tag != tag::kSequence) {
    g.field.children.push_back(
        d.generic(std::move(name), e, explanation + "; should be a SEQUENCE"));
    return "";
  }
  Decoder::Group s = d.open(std::move(name), e, "", std::move(explanation));
  std::string summary;
  Elem k;
  while (d.item(s, k)) {
    const std::string part = each(s, k);
    if (!part.empty()) {
      summary += (summary.empty() ? "" : ", ") + part;
    }
  }
  s.field.meaning = summary;
  g.field.children.push_back(d.close(s));
  return summary;
}

// sequence_of adds `e` as a SEQUENCE of fields that `fill` reads into its group.
template <typename F>
std::string sequence_of(Decoder& d, Decoder::Group& g, const Elem& e, std::string name,
                        std::string explanation, F&& fill) {
  if (e.tag != tag::kSequence) {
    g.field.children.push_back(
        d.generic(std::move(name), e, explanation + "; should be a SEQUENCE"));
    return "";
  }
  Decoder::Group s = d.open(std::move(name), e, "", std::move(explanation));
  std::string summary = fill(s);
  s.field.meaning = summary;
  g.field.children.push_back(d.close(s));
  return summary;
}

std::string basic_constraints(Decoder& d, Decoder::Group& g, const Elem& e) {
  return sequence_of(d, g, e, "BasicConstraints",
                     "BasicConstraints: cA, and pathLenConstraint when the subject is a CA",
                     [&d](Decoder::Group& s) {
                       Elem k;
                       bool ca = false;
                       if (d.optional(s, tag::kBoolean, k)) {
                         TraceField f =
                             d.primitive("cA", k, "cA: whether the subject is a CA; DEFAULT FALSE");
                         ca = f.value == "TRUE";
                         s.field.children.push_back(std::move(f));
                       }
                       std::string summary = ca ? "CA" : "not a CA";
                       if (d.optional(s, tag::kInteger, k)) {
                         TraceField f = d.primitive("pathLenConstraint", k,
                                                    "pathLenConstraint: how many CA certificates "
                                                    "may follow this one in a path");
                         summary += ", pathLen " + f.value;
                         s.field.children.push_back(std::move(f));
                       }
                       return summary;
                     });
}

std::string key_usage(Decoder& d, Decoder::Group& g, const Elem& e) {
  const std::string explanation =
      "KeyUsage: a BIT STRING, bit 0 digitalSignature, 1 nonRepudiation, 2 keyEncipherment, 3 "
      "dataEncipherment, 4 keyAgreement, 5 keyCertSign, 6 cRLSign, 7 encipherOnly, 8 "
      "decipherOnly";
  if (e.tag != tag::kBitString) {
    g.field.children.push_back(d.generic("KeyUsage", e, explanation + "; should be a BIT STRING"));
    return "";
  }
  TraceField f = d.primitive("KeyUsage", e, explanation);
  f.meaning = e.contents.empty() ? "" : key_usage_names(e.contents);
  std::string summary = f.meaning;
  g.field.children.push_back(std::move(f));
  return summary;
}

std::string ext_key_usage(Decoder& d, Decoder::Group& g, const Elem& e) {
  return list_of(d, g, e, "ExtKeyUsageSyntax", "ExtKeyUsageSyntax: a SEQUENCE of purposes",
                 [&d](Decoder::Group& s, const Elem& k) {
                   TraceField f =
                       k.tag == tag::kOid
                           ? d.primitive("KeyPurposeId", k, "KeyPurposeId")
                           : d.generic("KeyPurposeId", k, "KeyPurposeId: should be an OID");
                   std::string meaning = f.meaning;
                   s.field.children.push_back(std::move(f));
                   return meaning;
                 });
}

std::string alt_names(Decoder& d, Decoder::Group& g, const Elem& e) {
  return list_of(d, g, e, "GeneralNames", "GeneralNames: a SEQUENCE of names",
                 [&d](Decoder::Group& s, const Elem& k) {
                   std::string summary;
                   s.field.children.push_back(general_name(d, k, summary));
                   return summary;
                 });
}

std::string subject_key_identifier(Decoder& d, Decoder::Group& g, const Elem& e) {
  const char* explanation =
      "KeyIdentifier: an identifier of the subject's public key, often a hash of it";
  if (e.tag != tag::kOctetString) {
    g.field.children.push_back(d.generic("KeyIdentifier", e, explanation));
    return "";
  }
  g.field.children.push_back(d.primitive("KeyIdentifier", e, explanation));
  return hex(e.contents);
}

std::string authority_key_identifier(Decoder& d, Decoder::Group& g, const Elem& e) {
  return sequence_of(
      d, g, e, "AuthorityKeyIdentifier",
      "AuthorityKeyIdentifier: the issuer's key identifier, or its name and serial",
      [&d](Decoder::Group& s) {
        std::string summary;
        Elem k;
        if (d.optional(s, tag::context_specific(0), k)) {
          k.tag = tag::kOctetString;
          TraceField f = d.primitive(
              "keyIdentifier", k,
              "keyIdentifier [0]: the subjectKeyIdentifier of the issuer's certificate");
          summary = "keyid " + f.value;
          s.field.children.push_back(std::move(f));
        }
        if (d.optional(s, tag::context_constructed(1), k)) {
          Decoder::Group n =
              d.open("authorityCertIssuer", k, "",
                     "authorityCertIssuer [1]: the GeneralNames of the issuer's issuer");
          general_names(d, n, n.field.meaning);
          s.field.children.push_back(d.close(n));
        }
        if (d.optional(s, tag::context_specific(2), k)) {
          k.tag = tag::kInteger;
          s.field.children.push_back(d.primitive(
              "authorityCertSerialNumber", k,
              "authorityCertSerialNumber [2]: the serial number of the issuer's certificate"));
        }
        return summary;
      });
}

std::string info_access(Decoder& d, Decoder::Group& g, const Elem& e) {
  return list_of(d, g, e, "AuthorityInfoAccessSyntax",
                 "a SEQUENCE of AccessDescription: a method and where to reach it",
                 [&d](Decoder::Group& s, const Elem& k) {
                   return sequence_of(d, s, k, "AccessDescription",
                                      "AccessDescription: accessMethod and accessLocation",
                                      [&d](Decoder::Group& a) {
                                        Elem m;
                                        if (!d.next(a, tag::kOid, "accessMethod", m)) {
                                          return std::string();
                                        }
                                        TraceField f =
                                            d.primitive("accessMethod", m, "accessMethod");
                                        std::string summary = f.meaning;
                                        a.field.children.push_back(std::move(f));
                                        Elem loc;
                                        std::string where;
                                        if (d.next(a, 0, "accessLocation", loc)) {
                                          a.field.children.push_back(general_name(d, loc, where));
                                        }
                                        return summary + " " + where;
                                      });
                 });
}

std::string crl_distribution_points(Decoder& d, Decoder::Group& g, const Elem& e) {
  return list_of(
      d, g, e, "CRLDistributionPoints", "a SEQUENCE of DistributionPoint",
      [&d](Decoder::Group& s, const Elem& k) {
        return sequence_of(
            d, s, k, "DistributionPoint",
            "DistributionPoint: where the CRL is, the reasons it covers, its issuer",
            [&d](Decoder::Group& p) {
              std::string names;
              Elem dp;
              if (d.optional(p, tag::context_constructed(0), dp)) {
                Decoder::Group n = d.open("distributionPoint", dp, "",
                                          "distributionPoint [0]: the full name of the CRL, or "
                                          "a name relative to its issuer");
                Elem full;
                if (d.optional(n, tag::context_constructed(0), full)) {
                  Decoder::Group fg =
                      d.open("fullName", full, "", "fullName [0]: GeneralNames where the CRL is");
                  general_names(d, fg, names);
                  fg.field.meaning = names;
                  n.field.children.push_back(d.close(fg));
                } else if (d.item(n, full)) {
                  n.field.children.push_back(d.generic(
                      "nameRelativeToCRLIssuer", full,
                      "nameRelativeToCRLIssuer [1]: an RDN added to the CRL issuer's name"));
                }
                n.field.meaning = names;
                p.field.children.push_back(d.close(n));
              }
              while (d.item(p, dp)) {
                p.field.children.push_back(d.generic(
                    tag_name(dp.tag), dp, "reasons [1] or cRLIssuer [2] of the DistributionPoint"));
              }
              return names;
            });
      });
}

std::string certificate_policies(Decoder& d, Decoder::Group& g, const Elem& e) {
  return list_of(
      d, g, e, "CertificatePolicies", "a SEQUENCE of PolicyInformation",
      [&d](Decoder::Group& s, const Elem& k) {
        return sequence_of(
            d, s, k, "PolicyInformation", "PolicyInformation: a policy and, optionally, qualifiers",
            [&d](Decoder::Group& p) {
              Elem id;
              if (!d.next(p, tag::kOid, "policyIdentifier", id)) {
                return std::string();
              }
              TraceField f = d.primitive("policyIdentifier", id, "policyIdentifier");
              std::string summary = f.meaning;
              p.field.children.push_back(std::move(f));
              Elem q;
              if (d.optional(p, tag::kSequence, q)) {
                p.field.children.push_back(d.generic(
                    "policyQualifiers", q,
                    "policyQualifiers: PolicyQualifierInfo entries, a CPS URI or a user notice"));
              }
              return summary;
            });
      });
}

// name_constraints decodes `NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees
// OPTIONAL, excludedSubtrees [1] GeneralSubtrees OPTIONAL }`, each GeneralSubtree a SEQUENCE
// { base GeneralName, minimum [0] DEFAULT 0, maximum [1] OPTIONAL } (RFC 5280 section
// 4.2.1.10).
std::string name_constraints(Decoder& d, Decoder::Group& g, const Elem& e) {
  return sequence_of(
      d, g, e, "NameConstraints",
      "NameConstraints: the names below this CA must lie in a permitted subtree and in no "
      "excluded one",
      [&d](Decoder::Group& s) {
        std::string summary;
        static constexpr const char* kLists[] = {"permittedSubtrees", "excludedSubtrees"};
        for (uint8_t n = 0; n < 2; n++) {
          Elem list;
          if (!d.optional(s, tag::context_constructed(n), list)) {
            continue;
          }
          Decoder::Group l =
              d.open(kLists[n], list, "",
                     std::string(kLists[n]) + " [" + dec(n) + "]: a SEQUENCE of GeneralSubtree");
          std::string bases;
          Elem k;
          while (d.item(l, k)) {
            const std::string base = sequence_of(
                d, l, k, "GeneralSubtree",
                "GeneralSubtree: a base name, and minimum and maximum that are never used",
                [&d](Decoder::Group& t) {
                  std::string name;
                  Elem b;
                  if (d.next(t, 0, "base", b)) {
                    t.field.children.push_back(general_name(d, b, name));
                  }
                  while (d.item(t, b)) {
                    t.field.children.push_back(
                        d.generic(tag_name(b.tag), b, "minimum [0] or maximum [1] of the subtree"));
                  }
                  return name;
                });
            bases += (bases.empty() ? "" : ", ") + base;
          }
          l.field.meaning = bases;
          s.field.children.push_back(d.close(l));
          summary += (summary.empty() ? "" : "; ") +
                     std::string(n == 0 ? "permitted " : "excluded ") + bases;
        }
        return summary;
      });
}

std::string sct_list(Decoder& d, Decoder::Group& g, const Elem& e) {
  // The list is TLS-encoded inside an OCTET STRING (RFC 6962 section 3.3): a 2-byte length,
  // then each SCT with a 2-byte length.
  const char* explanation =
      "SignedCertificateTimestampList: TLS-encoded timestamps signed by Certificate Transparency "
      "logs (RFC 6962 section 3.3)";
  if (e.tag != tag::kOctetString) {
    g.field.children.push_back(d.generic("SignedCertificateTimestampList", e, explanation));
    return "";
  }
  size_t count = 0;
  const ByteView v = e.contents;
  for (size_t at = 2; at + 2 <= v.size() && count < 1000; count++) {
    at += 2 + ((size_t{v[at]} << 8) | v[at + 1]);
  }
  TraceField f = d.primitive("SignedCertificateTimestampList", e, explanation);
  f.meaning = plural(count, "SCT", "SCTs");
  std::string summary = f.meaning;
  g.field.children.push_back(std::move(f));
  return summary;
}

struct ExtensionDecoder {
  std::string_view oid;
  ValueDecoder decode;
};

constexpr ExtensionDecoder kExtensionDecoders[] = {
    {"2.5.29.19", basic_constraints},
    {"2.5.29.15", key_usage},
    {"2.5.29.37", ext_key_usage},
    {"2.5.29.17", alt_names},
    {"2.5.29.18", alt_names},
    {"2.5.29.14", subject_key_identifier},
    {"2.5.29.35", authority_key_identifier},
    {"1.3.6.1.5.5.7.1.1", info_access},
    {"1.3.6.1.5.5.7.1.11", info_access},
    {"2.5.29.31", crl_distribution_points},
    {"2.5.29.32", certificate_policies},
    {"2.5.29.30", name_constraints},
    {"1.3.6.1.4.1.11129.2.4.2", sct_list},
};

// extension_value decodes the DER inside extnValue, as the extension `oid` defines it, into
// `g` and returns a summary of what it says.
std::string extension_value(Decoder& d, Decoder::Group& g, ByteView oid) {
  const OidName* known = find_oid(oid);
  ValueDecoder decode = nullptr;
  for (const ExtensionDecoder& x : kExtensionDecoders) {
    if (known != nullptr && x.oid == known->dotted) {
      decode = x.decode;
    }
  }
  Elem e;
  if (!d.item(g, e)) {
    return "";
  }
  std::string summary;
  if (decode != nullptr) {
    summary = decode(d, g, e);
  } else {
    g.field.children.push_back(
        d.generic(tag_name(e.tag), e, "the value of the extension, decoded by its DER types only"));
  }
  while (d.item(g, e)) {
    g.field.children.push_back(
        d.generic(tag_name(e.tag), e, "more than one element in extnValue, which holds one"));
  }
  return summary;
}

// extension decodes `Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue
// OCTET STRING }` (RFC 5280 section 4.1).
TraceField extension(Decoder& d, const Elem& e, size_t index) {
  Decoder::Group g = d.open("extension[" + dec(index) + "]", e, "",
                            "Extension: its OID, whether it is critical, and its DER value");
  Elem id;
  if (!d.next(g, tag::kOid, "extnID", id)) {
    return d.close(g);
  }
  TraceField idf = d.primitive("extnID", id, "extnID");
  const std::string ext_name = idf.meaning;
  g.field.children.push_back(std::move(idf));
  bool critical = false;
  Elem c;
  if (d.optional(g, tag::kBoolean, c)) {
    TraceField f = d.primitive("critical", c,
                               "critical: a verifier that does not understand a critical "
                               "extension must reject the certificate; DEFAULT FALSE");
    critical = f.value == "TRUE";
    if (!critical) {
      f.explanation += "; DER forbids encoding the DEFAULT value FALSE";
    }
    g.field.children.push_back(std::move(f));
  }
  Elem v;
  std::string summary;
  if (d.next(g, tag::kOctetString, "extnValue", v)) {
    Decoder::Group vg = d.open("extnValue", v, "",
                               "extnValue: an OCTET STRING holding the DER of the extension's "
                               "value");
    summary = extension_value(d, vg, id.contents);
    vg.field.meaning = summary;
    g.field.children.push_back(d.close(vg));
  }
  g.field.meaning =
      ext_name + (critical ? " (critical)" : "") + (summary.empty() ? "" : ": " + summary);
  return d.close(g);
}

// bit_string_group opens a BIT STRING `e` whose bits hold more DER (a key or a signature): its
// header, then the unused-bits byte; false when it has no unused-bits byte.
bool bit_string_group(Decoder& d, const Elem& e, std::string name, std::string explanation,
                      Decoder::Group& g) {
  g = d.open(std::move(name), e, "", std::move(explanation));
  if (e.contents.empty()) {
    if (!e.cut()) {
      g.field.children.push_back(d.make(kDerError, e.contents_offset(), 0, "", "malformed",
                                        "a BIT STRING starts with its count of unused bits"));
    }
    return false;
  }
  const uint8_t unused = e.contents[0];
  g.field.children.push_back(
      d.make("unused bits", e.contents_offset(), 1, dec(unused),
             unused == 0 ? "whole bytes" : "not whole bytes",
             "the number of unused bits in the last byte of the BIT STRING; 0 for a key or a "
             "signature"));
  g.in.advance(1);
  return true;
}

// subject_public_key decodes the subjectPublicKey BIT STRING for the key algorithm `alg`.
TraceField subject_public_key(Decoder& d, const Elem& e, ByteView alg, std::string& summary) {
  Decoder::Group g{leaf("", 0, 0, "", "", ""), Region({}, 0)};
  if (!bit_string_group(d, e, "subjectPublicKey", "subjectPublicKey: a BIT STRING holding the key",
                        g)) {
    return d.close(g);
  }
  const ByteView key = g.in.rest();
  if (oid_is(alg, "1.2.840.113549.1.1.1") || oid_is(alg, "1.2.840.113549.1.1.10")) {
    Elem k;
    if (d.next(g, tag::kSequence, "RSAPublicKey", k)) {
      Decoder::Group r = d.open("RSAPublicKey", k, "",
                                "RSAPublicKey: the modulus n and the public exponent e (RFC "
                                "8017 appendix A.1.1)");
      Elem n;
      if (d.next(r, tag::kInteger, "modulus", n)) {
        TraceField f = d.primitive("modulus", n, "modulus: n, the product of two secret primes");
        const size_t bits = x509::rsa_key_facts(key).modulus_bits;
        if (bits > 0) {
          f.meaning = dec(bits) + " bits";
          summary = "RSA " + f.meaning;
        }
        r.field.children.push_back(std::move(f));
        Elem x;
        if (d.next(r, tag::kInteger, "publicExponent", x)) {
          r.field.children.push_back(
              d.primitive("publicExponent", x, "publicExponent: e, usually 65537"));
        }
      }
      r.field.meaning = summary;
      g.field.children.push_back(d.close(r));
    }
  } else if (oid_is(alg, "1.2.840.10045.2.1")) {
    const size_t n = key.size();
    const std::string form =
        n > 0 && key[0] == 4 ? "uncompressed point: 04, X, Y (" + dec((n - 1) / 2) + " bytes each)"
        : n > 0 && key[0] <= 3 ? "compressed point: 02 or 03, X"
                               : "not an EC point";
    g.field.children.push_back(d.make("ECPoint", g.in.offset(), n, hex_prefix(key, 16), form,
                                      "ECPoint: the public point on the curve, as SEC 1 section "
                                      "2.3.3 encodes it"));
    g.in.advance(n);
  } else {
    const size_t n = key.size();
    g.field.children.push_back(d.make("key", g.in.offset(), n, hex_prefix(key, 16),
                                      plural(n, "byte", "bytes"),
                                      oid_is(alg, "1.3.101.112") || oid_is(alg, "1.3.101.113")
                                          ? "the public key, as RFC 8410 encodes it"
                                          : "the public key bits"));
    g.in.advance(n);
  }
  return d.close(g);
}

// spki decodes `SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier,
// subjectPublicKey BIT STRING }`.
TraceField spki(Decoder& d, const Elem& e) {
  Decoder::Group g = d.open("subjectPublicKeyInfo", e, "",
                            "subjectPublicKeyInfo: the subject's public key and its algorithm "
                            "(RFC 5280 section 4.1.2.7)");
  Elem alg;
  if (!d.next(g, tag::kSequence, "algorithm", alg)) {
    return d.close(g);
  }
  TraceField a = algorithm_identifier(d, "algorithm", alg, "algorithm: the kind of key");
  std::string summary = a.meaning;
  g.field.children.push_back(std::move(a));
  ByteView oid;
  DerReader r(alg.contents);
  (void)r.read_oid(oid).ok();
  Elem key;
  if (d.next(g, tag::kBitString, "subjectPublicKey", key)) {
    std::string key_summary;
    g.field.children.push_back(subject_public_key(d, key, oid, key_summary));
    if (!key_summary.empty()) {
      summary = key_summary;
    }
  }
  g.field.meaning = summary;
  return d.close(g);
}

// signature_value decodes the signatureValue BIT STRING signed with `alg`.
TraceField signature_value(Decoder& d, const Elem& e, ByteView alg) {
  Decoder::Group g{leaf("", 0, 0, "", "", ""), Region({}, 0)};
  if (!bit_string_group(d, e, "signatureValue",
                        "signatureValue: the issuer's signature over the DER of tbsCertificate",
                        g)) {
    return d.close(g);
  }
  const OidName* n = find_oid(alg);
  if (n != nullptr && n->name.starts_with("ecdsa-with")) {
    Elem s;
    if (d.next(g, tag::kSequence, "Ecdsa-Sig-Value", s)) {
      Decoder::Group sig = d.open("Ecdsa-Sig-Value", s, "",
                                  "Ecdsa-Sig-Value: the two integers r and s of an ECDSA "
                                  "signature (RFC 3279 section 2.2.3)");
      Elem k;
      if (d.next(sig, tag::kInteger, "r", k)) {
        sig.field.children.push_back(d.primitive("r", k, "r: the first half of the signature"));
        if (d.next(sig, tag::kInteger, "s", k)) {
          sig.field.children.push_back(d.primitive("s", k, "s: the second half of the signature"));
        }
      }
      g.field.children.push_back(d.close(sig));
    }
  } else {
    const ByteView sig = g.in.rest();
    g.field.children.push_back(d.make("signature", g.in.offset(), sig.size(), hex_prefix(sig, 16),
                                      plural(sig.size(), "byte", "bytes"),
                                      "the signature bytes, as the algorithm defines them"));
    g.in.advance(sig.size());
  }
  g.field.meaning = n != nullptr ? std::string(n->name) : "";
  return d.close(g);
}

// validity decodes `Validity ::= SEQUENCE { notBefore Time, notAfter Time }`.
TraceField validity(Decoder& d, const Elem& e) {
  Decoder::Group g = d.open("validity", e, "",
                            "validity: the period in which the CA vouches for the certificate "
                            "(RFC 5280 section 4.1.2.5)");
  Elem t;
  std::string from;
  std::string to;
  if (d.next(g, 0, "notBefore", t)) {
    TraceField f = (t.tag == tag::kUtcTime || t.tag == tag::kGeneralizedTime)
                       ? d.primitive("notBefore", t, "notBefore: not valid before this time")
                       : d.generic("notBefore", t,
                                   "notBefore: should be a UTCTime or a "
                                   "GeneralizedTime");
    from = f.meaning;
    g.field.children.push_back(std::move(f));
    if (d.next(g, 0, "notAfter", t)) {
      TraceField a = (t.tag == tag::kUtcTime || t.tag == tag::kGeneralizedTime)
                         ? d.primitive("notAfter", t, "notAfter: not valid after this time")
                         : d.generic("notAfter", t,
                                     "notAfter: should be a UTCTime or a "
                                     "GeneralizedTime");
      to = a.meaning;
      g.field.children.push_back(std::move(a));
    }
  }
  g.field.meaning = from + " to " + to;
  return d.close(g);
}

// tbs_certificate decodes TBSCertificate (RFC 5280 section 4.1).
TraceField tbs_certificate(Decoder& d, const Elem& e) {
  Decoder::Group g = d.open("tbsCertificate", e, "",
                            "tbsCertificate: the contents the issuer signs (\"to be signed\")");
  Elem k;
  int version = 1;
  if (d.optional(g, tag::context_constructed(0), k)) {
    Decoder::Group v =
        d.open("version", k, "", "version [0] EXPLICIT: absent means v1; v3 has extensions");
    Elem n;
    if (d.next(v, tag::kInteger, "Version", n)) {
      TraceField f = d.primitive("Version", n, "Version: 0 is v1, 1 is v2, 2 is v3");
      if (n.contents.size() == 1 && n.contents[0] <= 2) {
        version = n.contents[0] + 1;
        f.meaning = "v" + dec(version);
      } else {
        f.meaning = "unknown version";
      }
      v.field.meaning = f.meaning;
      v.field.children.push_back(std::move(f));
    }
    g.field.children.push_back(d.close(v));
  }
  std::string serial;
  if (!d.next(g, tag::kInteger, "serialNumber", k)) {
    return d.close(g);
  }
  {
    TraceField f = d.primitive("serialNumber", k,
                               "serialNumber: chosen by the CA, unique among the certificates it "
                               "issues (RFC 5280 section 4.1.2.2)");
    f.value = hex_prefix(k.contents, 20);
    serial = f.value;
    g.field.children.push_back(std::move(f));
  }
  if (!d.next(g, tag::kSequence, "signature", k)) {
    return d.close(g);
  }
  g.field.children.push_back(algorithm_identifier(
      d, "signature", k,
      "signature: the algorithm the issuer signs with; must equal signatureAlgorithm (RFC 5280 "
      "section 4.1.2.3)"));
  if (!d.next(g, tag::kSequence, "issuer", k)) {
    return d.close(g);
  }
  g.field.children.push_back(
      name(d, "issuer", k,
           "issuer: the name of the CA that signed the certificate (RFC 5280 "
           "section 4.1.2.4)"));
  if (!d.next(g, tag::kSequence, "validity", k)) {
    return d.close(g);
  }
  g.field.children.push_back(validity(d, k));
  if (!d.next(g, tag::kSequence, "subject", k)) {
    return d.close(g);
  }
  g.field.children.push_back(name(d, "subject", k,
                                  "subject: the name of the entity the key belongs to (RFC 5280 "
                                  "section 4.1.2.6)"));
  if (!d.next(g, tag::kSequence, "subjectPublicKeyInfo", k)) {
    return d.close(g);
  }
  g.field.children.push_back(spki(d, k));
  // The unique identifiers are IMPLICIT BIT STRINGs: read as such.
  if (d.optional(g, tag::context_specific(1), k)) {
    k.tag = tag::kBitString;
    g.field.children.push_back(d.primitive("issuerUniqueID", k,
                                           "issuerUniqueID [1]: a BIT STRING to tell issuers of "
                                           "the same name apart; v2 and v3 only, rarely used"));
  }
  if (d.optional(g, tag::context_specific(2), k)) {
    k.tag = tag::kBitString;
    g.field.children.push_back(d.primitive("subjectUniqueID", k,
                                           "subjectUniqueID [2]: a BIT STRING to tell subjects of "
                                           "the same name apart; v2 and v3 only, rarely used"));
  }
  size_t extension_count = 0;
  if (d.optional(g, tag::context_constructed(3), k)) {
    Decoder::Group x =
        d.open("extensions", k, "", "extensions [3] EXPLICIT: v3 only (RFC 5280 section 4.2)");
    Elem list;
    if (d.next(x, tag::kSequence, "Extensions", list)) {
      Decoder::Group l =
          d.open("Extensions", list, "", "Extensions: a SEQUENCE of at least one Extension");
      Elem ext;
      while (d.item(l, ext)) {
        if (ext.tag == tag::kSequence) {
          l.field.children.push_back(extension(d, ext, extension_count));
        } else {
          l.field.children.push_back(
              d.generic(tag_name(ext.tag), ext, "an Extension should be a SEQUENCE"));
        }
        extension_count++;
      }
      l.field.meaning = plural(extension_count, "extension", "extensions");
      x.field.children.push_back(d.close(l));
    }
    x.field.meaning = plural(extension_count, "extension", "extensions");
    g.field.children.push_back(d.close(x));
  }
  g.field.meaning = "v" + dec(version) + ", serial " + serial;
  return d.close(g);
}

// decode_top decodes `der`, one DER element that `decode` (a function of the decoder and the
// element) makes a group of, into the children of `field`, within the message's `budget`.
template <typename F>
void decode_top(TraceField& field, ByteView der, size_t& budget, std::string_view what,
                F&& decode) {
  if (der.empty()) {
    return;
  }
  if (budget < 16) {
    field.explanation += "; not decoded: the view decodes at most " +
                         dec(kCertificateViewMaxFields) + " fields of certificates per message";
    return;
  }
  Decoder d(std::min(budget, kCertificateMaxFields));
  Decoder::Group top{leaf(field.name, field.offset, der.size(), "", "", ""),
                     Region(der, field.offset)};
  Elem e;
  if (d.next(top, tag::kSequence, what, e)) {
    // The element's own group is the field itself: its children are the element's.
    top.field.children = decode(d, e).children;
  }
  if (!top.in.empty()) {
    d.fail(top, plural(top.in.rest().size(), "byte", "bytes") + " after the " + std::string(what) +
                    ", which its DER does not allow");
  }
  size_t used = 0;
  std::vector<const TraceField*> stack{&top.field};
  while (!stack.empty()) {
    const TraceField* f = stack.back();
    stack.pop_back();
    used++;
    for (const TraceField& c : f->children) {
      stack.push_back(&c);
    }
  }
  budget -= std::min(budget, used);
  field.children = std::move(top.field.children);
}

}  // namespace

void decode_certificate(TraceField& field, ByteView der, size_t& budget) {
  decode_top(field, der, budget, "Certificate", [](Decoder& d, const Elem& e) {
    Decoder::Group g = d.open("Certificate", e, "",
                              "Certificate: tbsCertificate, signatureAlgorithm, signatureValue "
                              "(RFC 5280 section 4.1)");
    Elem k;
    if (d.next(g, tag::kSequence, "tbsCertificate", k)) {
      g.field.children.push_back(tbs_certificate(d, k));
      if (d.next(g, tag::kSequence, "signatureAlgorithm", k)) {
        g.field.children.push_back(algorithm_identifier(
            d, "signatureAlgorithm", k,
            "signatureAlgorithm: the algorithm of signatureValue (RFC 5280 section 4.1.1.2)"));
        ByteView alg_oid;
        DerReader r(k.contents);
        (void)r.read_oid(alg_oid).ok();
        if (d.next(g, tag::kBitString, "signatureValue", k)) {
          g.field.children.push_back(signature_value(d, k, alg_oid));
        }
      }
    }
    return d.close(g);
  });
}

void decode_distinguished_name(TraceField& field, ByteView der, size_t& budget) {
  decode_top(field, der, budget, "Name", [](Decoder& d, const Elem& e) {
    return name(d, "Name", e, "Name: a distinguished name (RFC 5280 section 4.1.2.4)");
  });
}

}  // namespace glasstls::annotate
