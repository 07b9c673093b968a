// annotate_certificate_test.cc: the certificate decoded in the view (annotate_certificate.cc).
//
// The certificates are made at test time: by the test PKI (x509::make_test_pki, from values the
// test chooses) and by the openssl command, whose own reading of the certificate
// (`openssl x509 -noout ...`) is compared with the view's. Every tree is checked with check_tree
// (annotate_check.h): the fields tile the certificate's bytes exactly. Hostile DER (deep nesting,
// huge and indefinite lengths, cut-short certificates, mutations) must give a well-formed tree
// whose size is bounded.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <tuple>
#include <vector>

#include "asn1/der.h"
#include "base/bytes.h"
#include "glasstls/crypto.h"
#include "glasstls/trace.h"
#include "msgs/handshake.h"
#include "msgs/tls12.h"
#include "msgs/walk.h"
#include "pki/cert_builder.h"
#include "testing/annotate_check.h"
#include "trace/annotate_internal.h"
#include "trace/annotate_tree.h"
#include "x509/certificate.h"

namespace glasstls::annotate {
namespace {

// decoded is the view of the certificate `der` placed at `offset` of a unit.
TraceField decoded(ByteView der, size_t offset = 0) {
  TraceField f = leaf("certificate", offset, der.size(), "", "", "a certificate");
  size_t budget = kCertificateViewMaxFields;
  decode_certificate(f, der, budget);
  return f;
}

// checked decodes `der` and checks the tree tiles it, at offset 0 and at another offset.
TraceField checked(ByteView der) {
  TraceField f = decoded(der);
  EXPECT_EQ(check_tree(f, der.size()), "") << to_hex(der);
  // The same tree, shifted: every offset moves with the certificate.
  const TraceField shifted = decoded(der, 1000);
  std::function<void(const TraceField&, const TraceField&)> same = [&](const TraceField& a,
                                                                       const TraceField& b) {
    ASSERT_EQ(a.name, b.name);
    EXPECT_EQ(a.offset + 1000, b.offset) << a.name;
    EXPECT_EQ(a.length, b.length) << a.name;
    ASSERT_EQ(a.children.size(), b.children.size()) << a.name;
    for (size_t i = 0; i < a.children.size(); i++) {
      same(a.children[i], b.children[i]);
    }
  };
  same(f, shifted);
  return f;
}

size_t count_fields(const TraceField& f) {
  size_t n = 1;
  for (const TraceField& c : f.children) {
    n += count_fields(c);
  }
  return n;
}

size_t depth_of(const TraceField& f) {
  size_t d = 0;
  for (const TraceField& c : f.children) {
    d = std::max(d, depth_of(c));
  }
  return d + 1;
}

// all_named collects the fields named `name`, depth first.
void all_named(const TraceField& f, const std::string& name, std::vector<const TraceField*>& out) {
  if (f.name == name) {
    out.push_back(&f);
  }
  for (const TraceField& c : f.children) {
    all_named(c, name, out);
  }
}

bool any_explanation_has(const TraceField& f, std::string_view text) {
  if (f.explanation.find(text) != std::string::npos) {
    return true;
  }
  for (const TraceField& c : f.children) {
    if (any_explanation_has(c, text)) {
      return true;
    }
  }
  return false;
}

const TraceField& field(const TraceField& root, const std::string& name) {
  const TraceField* f = find_field(root, name);
  EXPECT_NE(f, nullptr) << name;
  static const TraceField kNone;
  return f != nullptr ? *f : kNone;
}

// extension_named is the extension[i] whose extnID is named `name`.
const TraceField* extension_named(const TraceField& root, std::string_view name) {
  for (size_t i = 0; i < 64; i++) {
    if (const TraceField* e = find_field(root, "extension[" + std::to_string(i) + "]")) {
      const TraceField* id = find_field(*e, "extnID");
      if (id != nullptr && id->meaning == name) {
        return e;
      }
    }
  }
  return nullptr;
}

ByteView bytes_of(ByteView der, const TraceField& f) { return der.subspan(f.offset, f.length); }

std::string text_of(ByteView v) { return std::string(v.begin(), v.end()); }

const crypto::CryptoProvider& provider() { return crypto::openssl_provider(); }

x509::TestPki pki(crypto::KeyType leaf, crypto::KeyType ca = crypto::KeyType::kEcdsaP256) {
  Result<x509::TestPki> made =
      x509::make_test_pki(provider(), leaf, {"leaf.example", "alt.example"}, "View Test CA", ca);
  EXPECT_TRUE(made.ok()) << made.error().to_string();
  return made.ok() ? std::move(*made) : x509::TestPki{};
}

// The parts every certificate has, with the names the test PKI was given.
void expect_test_pki_leaf(const Bytes& der, int64_t made_after, int64_t made_before) {
  const TraceField root = checked(der);
  EXPECT_EQ(count_named(root, "DER error"), 0u);
  EXPECT_EQ(count_named(root, "not decoded"), 0u);
  ASSERT_EQ(root.children.size(), 4u);
  EXPECT_EQ(root.children[0].name, "header");
  EXPECT_EQ(root.children[0].meaning, "SEQUENCE, " + std::to_string(der.size() - 4) + " bytes");
  EXPECT_EQ(root.children[1].name, "tbsCertificate");
  EXPECT_EQ(root.children[2].name, "signatureAlgorithm");
  EXPECT_EQ(root.children[3].name, "signatureValue");
  EXPECT_EQ(field(root, "version").meaning, "v3");
  EXPECT_EQ(field(root, "subject").meaning, "CN=leaf.example");
  EXPECT_EQ(field(root, "issuer").meaning, "CN=View Test CA");
  const TraceField& attribute = field(field(root, "subject"), "attribute");
  EXPECT_EQ(attribute.meaning, "commonName=leaf.example");
  EXPECT_EQ(text_of(bytes_of(der, field(attribute, "value")).subspan(2)), "leaf.example");
  // make_test_pki: valid from one hour before it ran until one day after.
  const std::string not_before = field(root, "notBefore").meaning;
  bool found = false;
  for (int64_t t = made_after - 3600; t <= made_before - 3600; t++) {
    found |= not_before == asn1::format_time_utc(t);
  }
  EXPECT_TRUE(found) << not_before;
  // The subjectAltName names, each at its bytes: tag [2], length, the name.
  std::vector<const TraceField*> dns;
  all_named(root, "dNSName", dns);
  ASSERT_EQ(dns.size(), 2u);
  const char* const kNames[] = {"leaf.example", "alt.example"};
  for (size_t i = 0; i < 2; i++) {
    EXPECT_EQ(dns[i]->value, kNames[i]);
    const ByteView b = bytes_of(der, *dns[i]);
    ASSERT_GE(b.size(), 2u);
    EXPECT_EQ(b[0], 0x82);
    EXPECT_EQ(text_of(b.subspan(2)), kNames[i]);
  }
  const TraceField* san = extension_named(root, "subjectAltName");
  ASSERT_NE(san, nullptr);
  EXPECT_EQ(san->meaning, "subjectAltName: DNS:leaf.example, DNS:alt.example");
  const TraceField* eku = extension_named(root, "extKeyUsage");
  ASSERT_NE(eku, nullptr);
  EXPECT_EQ(eku->meaning, "extKeyUsage: serverAuth, clientAuth");
  const TraceField* bc = extension_named(root, "basicConstraints");
  ASSERT_NE(bc, nullptr);
  EXPECT_EQ(bc->meaning, "basicConstraints (critical): not a CA");
  // The leaf's authorityKeyIdentifier is the CA's subjectKeyIdentifier.
  ASSERT_NE(extension_named(root, "authorityKeyIdentifier"), nullptr);
  EXPECT_EQ(field(root, "signatureAlgorithm").meaning, "ecdsa-with-SHA256");
  EXPECT_EQ(field(field(root, "tbsCertificate"), "signature").meaning, "ecdsa-with-SHA256");
  const TraceField& sig = field(root, "signatureValue");
  EXPECT_NE(find_field(sig, "r"), nullptr);
  EXPECT_NE(find_field(sig, "s"), nullptr);
}

TEST(AnnotateCertificate, TestPkiLeavesOfEachKeyType) {
  const crypto::KeyType kTypes[] = {crypto::KeyType::kEcdsaP256, crypto::KeyType::kRsa,
                                    crypto::KeyType::kEd25519};
  for (crypto::KeyType type : kTypes) {
    const auto made_after = static_cast<int64_t>(std::time(nullptr));
    const x509::TestPki p = pki(type);
    const auto made_before = static_cast<int64_t>(std::time(nullptr));
    SCOPED_TRACE(static_cast<int>(type));
    expect_test_pki_leaf(p.leaf_cert, made_after, made_before);
    const TraceField root = decoded(p.leaf_cert);
    const TraceField& spki = field(root, "subjectPublicKeyInfo");
    const ByteView der = p.leaf_cert;
    if (type == crypto::KeyType::kEcdsaP256) {
      EXPECT_EQ(spki.meaning, "id-ecPublicKey, secp256r1");
      EXPECT_EQ(field(spki, "namedCurve").value, "1.2.840.10045.3.1.7");
      const TraceField& point = field(spki, "ECPoint");
      EXPECT_EQ(point.length, 65u);
      EXPECT_EQ(der[point.offset], 0x04);
    } else if (type == crypto::KeyType::kRsa) {
      EXPECT_EQ(spki.meaning, "RSA 2048 bits");
      EXPECT_EQ(field(spki, "algorithm").meaning, "rsaEncryption");
      EXPECT_EQ(field(spki, "parameters").meaning, "NULL");
      EXPECT_EQ(field(spki, "modulus").meaning, "2048 bits");
      // 02 82 01 01 00 || 256 bytes: the modulus with its sign byte.
      EXPECT_EQ(field(spki, "modulus").length, 4u + 257u);
      EXPECT_EQ(field(spki, "publicExponent").value, "65537");
    } else {
      EXPECT_EQ(spki.meaning, "Ed25519");
      EXPECT_EQ(field(spki, "key").length, 32u);
      EXPECT_EQ(count_named(spki, "parameters"), 0u);
    }
  }
}

TEST(AnnotateCertificate, TestPkiCaOfEachSignatureAlgorithm) {
  struct Case {
    crypto::KeyType ca;
    const char* algorithm;
  };
  const Case kCases[] = {
      {crypto::KeyType::kEcdsaP256, "ecdsa-with-SHA256"},
      {crypto::KeyType::kEcdsaP384, "ecdsa-with-SHA384"},
      {crypto::KeyType::kRsa, "sha256WithRSAEncryption"},
      {crypto::KeyType::kEd25519, "Ed25519"},
      {crypto::KeyType::kRsaPss, "RSASSA-PSS (sha256, MGF1 with sha256, salt 32)"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.algorithm);
    const x509::TestPki p = pki(crypto::KeyType::kEcdsaP256, c.ca);
    for (const Bytes* der : {&p.ca_cert, &p.leaf_cert}) {
      const TraceField root = checked(*der);
      EXPECT_EQ(count_named(root, "DER error"), 0u);
      EXPECT_EQ(field(root, "signatureAlgorithm").meaning, c.algorithm);
      EXPECT_EQ(field(field(root, "tbsCertificate"), "signature").meaning, c.algorithm);
    }
    const TraceField ca = checked(p.ca_cert);
    EXPECT_EQ(field(ca, "subject").meaning, "CN=View Test CA");
    EXPECT_EQ(field(ca, "issuer").meaning, "CN=View Test CA");
    const TraceField* bc = extension_named(ca, "basicConstraints");
    ASSERT_NE(bc, nullptr);
    EXPECT_EQ(bc->meaning, "basicConstraints (critical): CA, pathLen 0");
    EXPECT_EQ(field(*bc, "cA").value, "TRUE");
    const TraceField* ku = extension_named(ca, "keyUsage");
    ASSERT_NE(ku, nullptr);
    EXPECT_NE(ku->meaning.find("keyCertSign"), std::string::npos) << ku->meaning;
    if (c.ca == crypto::KeyType::kRsaPss) {
      const TraceField& params = field(field(ca, "signatureAlgorithm"), "parameters");
      EXPECT_EQ(field(params, "saltLength").meaning, "32");
      EXPECT_EQ(field(params, "hashAlgorithm").meaning, "sha256");
    }
    if (c.ca == crypto::KeyType::kRsa) {
      EXPECT_EQ(field(field(ca, "signatureAlgorithm"), "parameters").meaning, "NULL");
      // An RSA signature is one integer: shown whole, 256 bytes for RSA-2048.
      EXPECT_EQ(field(field(ca, "signatureValue"), "signature").length, 256u);
    }
  }
}

// TempDir is a fresh directory removed when the test ends.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "glasstls-view-XXXXXX").string();
    char* made = mkdtemp(tmpl.data());
    EXPECT_NE(made, nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

int run(const std::string& cmd, const std::string& out_file) {
  const int rc = std::system((cmd + " >" + out_file + " 2>&1").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// after is the text after `key` on its line of `text`, up to the line's end.
std::string after(const std::string& text, const std::string& key) {
  const size_t at = text.find(key);
  if (at == std::string::npos) {
    return "";
  }
  const size_t start = at + key.size();
  return text.substr(start, text.find('\n', start) - start);
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

TEST(AnnotateCertificate, OpensslCertificateWithMoreExtensions) {
  if (std::system("openssl version >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "the openssl command is not installed";
  }
  TempDir dir;
  const std::string log = dir.file("log.txt");
  const std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes -keyout " +
      dir.file("key.pem") + " -out " + dir.file("cert.pem") +
      " -days 30 -subj '/C=FR/O=Example Org/CN=example.test'"
      " -addext 'subjectAltName=DNS:example.test,DNS:www.example.test,IP:192.0.2.7,"
      "IP:2001:db8::1'"
      " -addext 'extendedKeyUsage=serverAuth,clientAuth'"
      " -addext 'authorityInfoAccess=OCSP;URI:http://ocsp.example.test,"
      "caIssuers;URI:http://ca.example.test/ca.crt'"
      " -addext 'certificatePolicies=2.23.140.1.2.1,1.2.3.4'"
      " -addext 'crlDistributionPoints=URI:http://crl.example.test/ca.crl'"
      " -addext 'keyUsage=critical,digitalSignature,keyAgreement'";
  ASSERT_EQ(run(cmd, log), 0) << cmd << "\n" << read_text(log);
  ASSERT_EQ(
      run("openssl x509 -in " + dir.file("cert.pem") + " -outform DER -out " + dir.file("cert.der"),
          log),
      0)
      << read_text(log);
  ASSERT_EQ(run("openssl x509 -in " + dir.file("cert.pem") +
                    " -noout -subject -issuer -serial -startdate -enddate -dateopt iso_8601"
                    " -text",
                dir.file("text.txt")),
            0);
  const std::string text = read_text(dir.file("text.txt"));
  const std::string der_text = read_text(dir.file("cert.der"));
  const Bytes der(der_text.begin(), der_text.end());
  ASSERT_FALSE(der.empty());

  const TraceField root = checked(der);
  EXPECT_EQ(count_named(root, "DER error"), 0u);
  EXPECT_EQ(count_named(root, "not decoded"), 0u);
  // openssl writes "C = FR, O = Example Org, CN = example.test".
  EXPECT_EQ(field(root, "subject").meaning, replace_all(after(text, "subject="), " = ", "="));
  EXPECT_EQ(field(root, "issuer").meaning, replace_all(after(text, "issuer="), " = ", "="));
  std::string serial = field(root, "serialNumber").value;
  if (serial.starts_with("00")) {
    serial = serial.substr(2);
  }
  std::string openssl_serial = after(text, "serial=");
  for (char& c : openssl_serial) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  EXPECT_EQ(serial, openssl_serial);
  // openssl writes "2026-12-06 16:15:36Z".
  EXPECT_EQ(field(root, "notBefore").meaning, replace_all(after(text, "notBefore="), "Z", " UTC"));
  EXPECT_EQ(field(root, "notAfter").meaning, replace_all(after(text, "notAfter="), "Z", " UTC"));

  EXPECT_EQ(field(root, "subjectPublicKeyInfo").meaning, "id-ecPublicKey, secp384r1");
  EXPECT_EQ(field(field(root, "subjectPublicKeyInfo"), "ECPoint").length, 97u);
  // openssl signs with its default digest and says which it used.
  EXPECT_EQ(field(root, "signatureAlgorithm").meaning, after(text, "Signature Algorithm: "));
  const TraceField* san = extension_named(root, "subjectAltName");
  ASSERT_NE(san, nullptr);
  EXPECT_EQ(san->meaning,
            "subjectAltName: DNS:example.test, DNS:www.example.test, IP:192.0.2.7, "
            "IP:2001:db8::1");
  std::vector<const TraceField*> ips;
  all_named(*san, "iPAddress", ips);
  ASSERT_EQ(ips.size(), 2u);
  EXPECT_EQ(to_hex(bytes_of(der, *ips[0])), "8704c0000207");
  EXPECT_EQ(to_hex(bytes_of(der, *ips[1])), "871020010db8000000000000000000000001");
  const TraceField* eku = extension_named(root, "extKeyUsage");
  ASSERT_NE(eku, nullptr);
  EXPECT_EQ(eku->meaning, "extKeyUsage: serverAuth, clientAuth");
  const TraceField* aia = extension_named(root, "authorityInfoAccess");
  ASSERT_NE(aia, nullptr);
  EXPECT_EQ(aia->meaning,
            "authorityInfoAccess: ocsp URI:http://ocsp.example.test, caIssuers "
            "URI:http://ca.example.test/ca.crt");
  const TraceField* policies = extension_named(root, "certificatePolicies");
  ASSERT_NE(policies, nullptr);
  EXPECT_EQ(policies->meaning, "certificatePolicies: domain-validated, 1.2.3.4");
  const TraceField* crl = extension_named(root, "cRLDistributionPoints");
  ASSERT_NE(crl, nullptr);
  EXPECT_EQ(crl->meaning, "cRLDistributionPoints: URI:http://crl.example.test/ca.crl");
  const TraceField* ku = extension_named(root, "keyUsage");
  ASSERT_NE(ku, nullptr);
  EXPECT_EQ(ku->meaning, "keyUsage (critical): digitalSignature, keyAgreement");
  EXPECT_EQ(field(*ku, "critical").value, "TRUE");
  // openssl adds the key identifiers of a self-signed certificate: the same bytes twice.
  const TraceField* skid = extension_named(root, "subjectKeyIdentifier");
  const TraceField* akid = extension_named(root, "authorityKeyIdentifier");
  ASSERT_NE(skid, nullptr);
  ASSERT_NE(akid, nullptr);
  EXPECT_EQ(field(*skid, "KeyIdentifier").value, field(*akid, "keyIdentifier").value);
}

// A certificate of the test PKI with one more extension whose value is `value`.
Bytes with_extension(const Bytes& oid, const Bytes& value) {
  Result<std::shared_ptr<const crypto::SigningKey>> key =
      provider().keys->generate(crypto::KeyType::kEcdsaP256);
  EXPECT_TRUE(key.ok());
  if (!key.ok()) {
    return {};
  }
  x509::CertSpec spec;
  spec.serial = {1};
  spec.issuer_cn = "hostile";
  spec.subject_cn = "hostile";
  spec.not_before = 0;
  spec.not_after = 86400;
  spec.subject_spki = (*key)->public_key_spki();
  spec.extra_extensions.push_back({oid, false, value});
  Result<Bytes> cert = x509::build_certificate(spec, **key, provider());
  EXPECT_TRUE(cert.ok()) << cert.error().to_string();
  return cert.ok() ? *cert : Bytes{};
}

const Bytes kUnknownOid = {0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x01};  // 1.3.6.1.4.1.311.1

TEST(AnnotateCertificate, UniqueIdentifiersAreShown) {
  // A test PKI certificate with issuerUniqueID [1] and subjectUniqueID [2] put after its
  // subjectPublicKeyInfo (the signature no longer verifies; the view does not care).
  const x509::TestPki p = pki(crypto::KeyType::kEcdsaP256);
  asn1::DerReader outer(p.leaf_cert);
  asn1::DerReader cert;
  ASSERT_TRUE(outer.sequence(cert).ok());
  ByteView tbs_tlv;
  ByteView tbs_contents;
  ASSERT_TRUE(cert.read_tlv(asn1::tag::kSequence, tbs_tlv, tbs_contents).ok());
  asn1::DerReader tbs(tbs_contents);
  asn1::DerWriter fields;
  for (int i = 0; i < 7; i++) {  // version, serial, signature, issuer, validity, subject, SPKI
    uint8_t t = 0;
    ByteView contents;
    ByteView tlv;
    ASSERT_TRUE(tbs.read_any(t, contents, &tlv).ok());
    fields.add_raw(tlv);
  }
  const Bytes issuer_id = {0x00, 0xab, 0xcd};
  const Bytes subject_id = {0x04, 0xf0};
  fields.add(asn1::tag::context_specific(1), issuer_id);
  fields.add(asn1::tag::context_specific(2), subject_id);
  fields.add_raw(tbs.rest());  // the extensions
  asn1::DerWriter body;
  body.add(asn1::tag::kSequence, fields.view());
  body.add_raw(cert.rest());  // signatureAlgorithm, signatureValue
  asn1::DerWriter whole;
  whole.add(asn1::tag::kSequence, body.view());
  const Bytes der = std::move(whole).take();

  const TraceField root = checked(der);
  EXPECT_EQ(count_named(root, "DER error"), 0u);
  const TraceField& tbs_field = field(root, "tbsCertificate");
  const TraceField& issuer_uid = field(tbs_field, "issuerUniqueID");
  const TraceField& subject_uid = field(tbs_field, "subjectUniqueID");
  EXPECT_EQ(to_hex(bytes_of(der, issuer_uid)), "810300abcd");
  EXPECT_EQ(to_hex(bytes_of(der, subject_uid)), "820204f0");
  EXPECT_EQ(issuer_uid.value, "abcd");
  EXPECT_EQ(issuer_uid.meaning, "16 bits");
  EXPECT_EQ(subject_uid.meaning, "4 bits");
  // In the order of RFC 5280: after the key, before the extensions.
  std::vector<std::string> names;
  for (const TraceField& c : tbs_field.children) {
    names.push_back(c.name);
  }
  const std::vector<std::string> expected = {
      "header",         "version",         "serialNumber", "signature",
      "issuer",         "validity",        "subject",      "subjectPublicKeyInfo",
      "issuerUniqueID", "subjectUniqueID", "extensions"};
  EXPECT_EQ(names, expected);
}

TEST(AnnotateCertificate, NameConstraintsOfACa) {
  Result<std::shared_ptr<const crypto::SigningKey>> key =
      provider().keys->generate(crypto::KeyType::kEcdsaP256);
  ASSERT_TRUE(key.ok());
  x509::CertSpec spec;
  spec.serial = {7};
  spec.issuer_cn = "constrained";
  spec.subject_cn = "constrained";
  spec.not_before = 0;
  spec.not_after = 86400;
  spec.subject_spki = (*key)->public_key_spki();
  spec.is_ca = true;
  spec.permitted_dns = {"example.test"};
  spec.permitted_ips = {Bytes{192, 0, 2, 0, 255, 255, 255, 0}};
  spec.excluded_dns = {"bad.example.test"};
  Result<Bytes> cert = x509::build_certificate(spec, **key, provider());
  ASSERT_TRUE(cert.ok()) << cert.error().to_string();
  const TraceField root = checked(*cert);
  EXPECT_EQ(count_named(root, "DER error"), 0u);
  const TraceField* nc = extension_named(root, "nameConstraints");
  ASSERT_NE(nc, nullptr);
  EXPECT_NE(nc->meaning.find("permitted DNS:example.test"), std::string::npos) << nc->meaning;
  EXPECT_NE(nc->meaning.find("excluded DNS:bad.example.test"), std::string::npos) << nc->meaning;
  // An address and its mask: 8 bytes.
  EXPECT_EQ(field(*nc, "permittedSubtrees").meaning,
            "DNS:example.test, IP:192.0.2.0/255.255.255.0");
}

TEST(AnnotateCertificate, DeepNestingIsCutAtTheDepthBound) {
  // 3,000 SEQUENCEs, each holding the next, inside an extension the view does not know.
  asn1::DerWriter w;
  w.add_null();
  Bytes nested = std::move(w).take();
  for (int i = 0; i < 3000; i++) {
    asn1::DerWriter level;
    level.add(asn1::tag::kSequence, nested);
    nested = std::move(level).take();
  }
  const Bytes der = with_extension(kUnknownOid, nested);
  ASSERT_FALSE(der.empty());
  const TraceField root = checked(der);
  EXPECT_EQ(count_named(root, "DER error"), 0u);
  EXPECT_EQ(count_named(root, "not decoded"), 1u);
  EXPECT_TRUE(any_explanation_has(root, "nested deeper than"));
  EXPECT_LE(depth_of(root), kCertificateMaxDepth + 2);
  // The rest of the certificate is decoded as usual.
  EXPECT_EQ(field(root, "signatureAlgorithm").meaning, "ecdsa-with-SHA256");
}

TEST(AnnotateCertificate, ManyElementsAreCutAtTheFieldBound) {
  // 30,000 NULLs in one SEQUENCE: far more fields than the bound.
  Bytes nulls;
  for (int i = 0; i < 30000; i++) {
    nulls.push_back(0x05);
    nulls.push_back(0x00);
  }
  asn1::DerWriter w;
  w.add(asn1::tag::kSequence, nulls);
  const Bytes der = with_extension(kUnknownOid, std::move(w).take());
  ASSERT_FALSE(der.empty());
  const TraceField root = checked(der);
  EXPECT_EQ(count_named(root, "not decoded"), 2u);  // the SEQUENCE, then the rest of the TBS
  EXPECT_TRUE(any_explanation_has(root, "at most"));
  EXPECT_LE(count_fields(root), kCertificateMaxFields + 2 * kCertificateMaxDepth);

  // A message of ten such certificates stays within the message's bound.
  msgs::Certificate message;
  for (int i = 0; i < 10; i++) {
    msgs::CertificateEntry entry;
    entry.cert_data = der;
    message.entries.push_back(entry);
  }
  const Bytes bytes = msgs::encode(message);
  const TraceField tree = glasstls::annotate_handshake_message(bytes);
  EXPECT_EQ(check_tree(tree, bytes.size()), "");
  EXPECT_LE(count_fields(tree), kCertificateViewMaxFields + 1000);
  EXPECT_TRUE(any_explanation_has(tree, "fields of certificates per message"));
}

TEST(AnnotateCertificate, AHugeCertificateKeepsItsFieldsShort) {
  // A 4 MB extension value: one field, whose value shows its first bytes only.
  asn1::DerWriter w;
  w.add_octet_string(Bytes(4 << 20, 0x5a));
  const Bytes der = with_extension(kUnknownOid, std::move(w).take());
  ASSERT_GT(der.size(), 4u << 20);
  const TraceField root = checked(der);
  EXPECT_EQ(count_named(root, "DER error"), 0u);
  EXPECT_LT(count_fields(root), 200u);
  const TraceField* big = find_field(root, "OCTET STRING");
  ASSERT_NE(big, nullptr);
  EXPECT_EQ(big->length, 5u + (4u << 20));  // 04 83 40 00 00, then the bytes
  EXPECT_LE(big->value.size(), 2u * 32 + 3);
  EXPECT_EQ(field(root, "signatureAlgorithm").meaning, "ecdsa-with-SHA256");
}

TEST(AnnotateCertificate, LongNamesAreShortenedOnTheirLine) {
  // 2,000 dNSNames of 40 bytes: the list's meaning would be 100 KB.
  Bytes names;
  for (int i = 0; i < 2000; i++) {
    const std::string name = std::to_string(100000 + i) + std::string(34, 'n');
    asn1::DerWriter w;
    w.add(asn1::tag::context_specific(2),
          ByteView(reinterpret_cast<const uint8_t*>(name.data()), name.size()));
    const ByteView encoded = w.view();
    names.insert(names.end(), encoded.begin(), encoded.end());
  }
  asn1::DerWriter san;
  san.add(asn1::tag::kSequence, names);
  const Bytes der = with_extension({0x55, 0x1d, 0x11}, std::move(san).take());
  ASSERT_FALSE(der.empty());
  const TraceField root = checked(der);
  EXPECT_EQ(count_named(root, "DER error"), 0u);
  std::vector<const TraceField*> dns;
  all_named(root, "dNSName", dns);
  EXPECT_EQ(dns.size(), 2000u);
  std::function<void(const TraceField&)> bounded = [&](const TraceField& f) {
    EXPECT_LE(f.meaning.size(), 256u + 3) << f.name;
    EXPECT_LE(f.value.size(), 256u + 3) << f.name;
    for (const TraceField& c : f.children) {
      bounded(c);
    }
  };
  bounded(root);
  const TraceField* ext = extension_named(root, "subjectAltName");
  ASSERT_NE(ext, nullptr);
  EXPECT_TRUE(ext->meaning.starts_with("subjectAltName: DNS:100000" + std::string(34, 'n') +
                                       ", DNS:100001"));
  EXPECT_TRUE(ext->meaning.ends_with("\u2026"));
}

TEST(AnnotateCertificate, MalformedHeadersBecomeErrors) {
  struct Case {
    const char* der;
    const char* reason;
  };
  const Case kCases[] = {
      {"3080 3080 0000 0000", "indefinite length"},
      {"30", "truncated element header"},
      {"3085 0100000000 00", "too long"},
      {"3081 05 0500 0500 00", "short form"},
      {"3082 0005 0500 0500 00", "leading zero"},
      {"3f01 00", "high-tag-number"},
      {"0401 00", "expected Certificate"},
      // The tbsCertificate says it holds 4 GB: read as far as the bytes go.
      {"3009 3084 ffffffff 020100", "cut short"},
      // A length that runs past the certificate's own.
      {"3003 3005 01", "cut short"},
      // A whole certificate that is only its header.
      {"3000", "tbsCertificate is missing"},
      {"3003 020101 00", "1 byte after the Certificate"},
  };
  for (const Case& c : kCases) {
    const Bytes der = from_hex(c.der).value_or(Bytes{});
    SCOPED_TRACE(c.der);
    const TraceField root = checked(der);
    EXPECT_TRUE(any_explanation_has(root, c.reason));
  }
}

TEST(AnnotateCertificate, AnErrorIsNotFollowedByMissingFields) {
  // The version's [0] has an indefinite length: the rest of the tbsCertificate is that one
  // error, not also a "serialNumber is missing" and so on.
  const Bytes der = from_hex("3009 3007 a080 020100 0000").value_or(Bytes{});
  const TraceField root = checked(der);
  const TraceField& tbs = field(root, "tbsCertificate");
  ASSERT_EQ(tbs.children.size(), 2u);
  EXPECT_EQ(tbs.children[1].name, "DER error");
  EXPECT_NE(tbs.children[1].explanation.find("indefinite"), std::string::npos);
  EXPECT_FALSE(any_explanation_has(tbs, "is missing"));
  // The Certificate itself does lack its signatureAlgorithm.
  EXPECT_TRUE(any_explanation_has(root, "signatureAlgorithm is missing"));
}

TEST(AnnotateCertificate, EveryPrefixOfACertificateIsATree) {
  const x509::TestPki p = pki(crypto::KeyType::kEcdsaP256);
  const Bytes& cert = p.leaf_cert;
  ASSERT_FALSE(cert.empty());
  for (size_t n = 1; n < cert.size(); n++) {
    const ByteView prefix = ByteView(cert).first(n);
    const TraceField root = decoded(prefix);
    ASSERT_EQ(check_tree(root, n), "") << n;
    EXPECT_TRUE(count_named(root, "DER error") > 0 || any_explanation_has(root, "cut short")) << n;
  }
}

TEST(AnnotateCertificate, MutatedCertificatesAreTrees) {
  const x509::TestPki p = pki(crypto::KeyType::kRsa);
  const Bytes& cert = p.leaf_cert;
  ASSERT_FALSE(cert.empty());
  uint32_t state = 12345;
  auto next = [&state] {
    state = state * 1103515245u + 12345u;
    return state >> 8;
  };
  for (int i = 0; i < 3000; i++) {
    Bytes m = cert;
    for (int k = 0; k < 1 + i % 4; k++) {
      m[next() % m.size()] = static_cast<uint8_t>(next());
    }
    const TraceField root = decoded(m);
    ASSERT_EQ(check_tree(root, m.size()), "") << to_hex(m);
  }
}

// der_errors counts the DER errors of `f` outside what the certificate parser does not read:
// the signature's and the key's bits (checked when a signature is verified) and an algorithm's
// parameters of a kind the parser does not know.
size_t der_errors(const TraceField& f) {
  if (f.name == "signatureValue" || f.name == "subjectPublicKey" || f.name == "parameters") {
    return 0;
  }
  size_t n = f.name == "DER error" ? 1 : 0;
  for (const TraceField& c : f.children) {
    n += der_errors(c);
  }
  return n;
}

// The view reads with the verifier's DER reader: a certificate the verifier's parser accepts
// shows no DER error where the parser reads. Checked on mutations of test PKI certificates
// (their extensions are all ones the parser reads).
TEST(AnnotateCertificate, CertificatesTheParserAcceptsShowNoDerError) {
  const x509::TestPki p = pki(crypto::KeyType::kEcdsaP256);
  uint32_t state = 777;
  auto next = [&state] {
    state = state * 1103515245u + 12345u;
    return state >> 8;
  };
  size_t accepted = 0;
  for (const Bytes* original : {&p.leaf_cert, &p.ca_cert}) {
    for (int i = 0; i < 3000; i++) {
      Bytes m = *original;
      m[next() % m.size()] ^= static_cast<uint8_t>(1u << (next() % 8));
      if (!x509::parse_certificate(m).ok()) {
        continue;
      }
      accepted++;
      const TraceField root = decoded(m);
      EXPECT_EQ(der_errors(root), 0u) << to_hex(m);
    }
  }
  EXPECT_GT(accepted, 500u);
}

TEST(AnnotateCertificate, TheCertificateMessagesOfBothVersionsDecodeTheirCertificates) {
  const x509::TestPki p = pki(crypto::KeyType::kEcdsaP256);
  msgs::Certificate tls13;
  for (const Bytes* der : {&p.leaf_cert, &p.ca_cert}) {
    msgs::CertificateEntry entry;
    entry.cert_data = *der;
    tls13.entries.push_back(entry);
  }
  msgs::Tls12Certificate tls12;
  tls12.certificates = {p.leaf_cert, p.ca_cert};
  const Bytes m13 = msgs::encode(tls13);
  const Bytes m12 = msgs::encode(tls12);
  const TraceField t13 = glasstls::annotate_handshake_message(m13);
  const TraceField t12 = annotate::annotate_handshake_message(
      m12, msgs::WalkContext{ProtocolVersion::TLSv1_2, msgs::KeyExchangeKind::kEcdhe});
  for (const auto& [tree, bytes] : {std::pair{&t13, &m13}, std::pair{&t12, &m12}}) {
    EXPECT_EQ(check_tree(*tree, bytes->size()), "");
    EXPECT_EQ(count_named(*tree, "error"), 0u);
    EXPECT_EQ(count_named(*tree, "DER error"), 0u);
    std::vector<const TraceField*> certs;
    all_named(*tree, "certificate", certs);
    ASSERT_EQ(certs.size(), 2u);
    // Each certificate field covers its DER, which starts with its SEQUENCE header.
    EXPECT_EQ(ByteView(*bytes).subspan(certs[0]->offset, certs[0]->length).size(),
              p.leaf_cert.size());
    EXPECT_TRUE(std::equal(p.leaf_cert.begin(), p.leaf_cert.end(),
                           bytes->begin() + static_cast<std::ptrdiff_t>(certs[0]->offset)));
    EXPECT_EQ(certs[0]->children.front().name, "header");
    EXPECT_EQ(field(*certs[0], "subject").meaning, "CN=leaf.example");
    EXPECT_EQ(field(*certs[1], "subject").meaning, "CN=View Test CA");
    EXPECT_EQ(field(*certs[0], "tbsCertificate").offset, certs[0]->offset + 4);
  }
}

TEST(AnnotateCertificate, CertificateRequestNamesAreDecoded) {
  // The DER Name of the test PKI's CA, as a server asking for client certificates would send it.
  Result<Bytes> made = x509::build_name({{"C", "FR"}, {"O", "View Org"}, {"CN", "View Test CA"}});
  ASSERT_TRUE(made.ok());
  const Bytes name = *made;
  ASSERT_FALSE(name.empty());
  msgs::CertificateRequest cr13;
  cr13.signature_algorithms.push_back(SignatureScheme::ecdsa_secp256r1_sha256);
  cr13.certificate_authorities.emplace();
  cr13.certificate_authorities->push_back(name);
  msgs::Tls12CertificateRequest cr12;
  cr12.certificate_types = {msgs::kClientCertificateTypeEcdsaSign};
  cr12.supported_signature_algorithms = {SignatureScheme::ecdsa_secp256r1_sha256};
  cr12.certificate_authorities = {name, name};
  const Bytes m13 = msgs::encode(cr13);
  const Bytes m12 = msgs::encode(cr12);
  const TraceField t13 = glasstls::annotate_handshake_message(m13);
  const TraceField t12 = annotate::annotate_handshake_message(
      m12, msgs::WalkContext{ProtocolVersion::TLSv1_2, msgs::KeyExchangeKind::kEcdhe});
  for (const auto& [tree, bytes, count] :
       {std::tuple{&t13, &m13, size_t{1}}, std::tuple{&t12, &m12, size_t{2}}}) {
    EXPECT_EQ(check_tree(*tree, bytes->size()), "");
    EXPECT_EQ(count_named(*tree, "error"), 0u);
    EXPECT_EQ(count_named(*tree, "DER error"), 0u);
    std::vector<const TraceField*> rdns;
    all_named(*tree, "rdn[0]", rdns);
    ASSERT_EQ(rdns.size(), count);
    EXPECT_EQ(rdns[0]->meaning, "C=FR");
    std::vector<const TraceField*> attributes;
    all_named(*tree, "attribute", attributes);
    ASSERT_EQ(attributes.size(), 3 * count);
    EXPECT_EQ(attributes[1]->meaning, "organizationName=View Org");
    EXPECT_EQ(attributes[2]->meaning, "commonName=View Test CA");
    const TraceField& value = field(*attributes[2], "value");
    EXPECT_EQ(text_of(ByteView(*bytes).subspan(value.offset + 2, value.length - 2)),
              "View Test CA");
  }
}

}  // namespace
}  // namespace glasstls::annotate
