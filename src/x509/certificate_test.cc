// certificate_test.cc: parsing certificates made at test time by the openssl command, and
// hand-built certificates that break one rule each.
#include "x509/certificate.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "asn1/der.h"
#include "x509/pem.h"

namespace glasstls::x509 {
namespace {

// TempDir is a fresh directory removed when the test ends.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "glasstls-x509-XXXXXX").string();
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

// run executes a shell command with its output going to `out_file`; returns the exit status.
int run(const std::string& cmd, const std::string& out_file) {
  int rc = std::system((cmd + " >" + out_file + " 2>&1").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

Bytes read_bytes(const std::string& path) {
  std::string s = read_text(path);
  return Bytes(s.begin(), s.end());
}

// OpensslCert is a certificate made by `openssl req -x509`, with what openssl says about it.
struct OpensslCert {
  Bytes der;
  Bytes spki;
  int64_t made_after = 0;
  int64_t made_before = 0;
  std::string basic_constraints;
  std::string serial_hex;
};

OpensslCert make_with_openssl(const TempDir& dir, const std::string& newkey,
                              const std::string& subj, const std::string& extra, int days) {
  OpensslCert c;
  std::string log = dir.file("log.txt");
  c.made_after = static_cast<int64_t>(std::time(nullptr));
  std::string cmd = "openssl req -x509 " + newkey + " -nodes -keyout " + dir.file("key.pem") +
                    " -out " + dir.file("cert.pem") + " -days " + std::to_string(days) +
                    " -subj '" + subj + "' " + extra;
  EXPECT_EQ(run(cmd, log), 0) << cmd << "\n" << read_text(log);
  c.made_before = static_cast<int64_t>(std::time(nullptr));
  EXPECT_EQ(
      run("openssl x509 -in " + dir.file("cert.pem") + " -outform DER -out " + dir.file("cert.der"),
          log),
      0)
      << read_text(log);
  EXPECT_EQ(run("openssl x509 -in " + dir.file("cert.pem") + " -pubkey -noout -out " +
                    dir.file("pub.pem"),
                log),
            0)
      << read_text(log);
  EXPECT_EQ(run("openssl pkey -pubin -in " + dir.file("pub.pem") + " -outform DER -out " +
                    dir.file("pub.der"),
                log),
            0)
      << read_text(log);
  run("openssl x509 -in " + dir.file("cert.pem") + " -noout -ext basicConstraints",
      dir.file("bc.txt"));
  run("openssl x509 -in " + dir.file("cert.pem") + " -noout -serial", dir.file("serial.txt"));
  c.der = read_bytes(dir.file("cert.der"));
  c.spki = read_bytes(dir.file("pub.der"));
  c.basic_constraints = read_text(dir.file("bc.txt"));
  c.serial_hex = read_text(dir.file("serial.txt"));
  return c;
}

std::string lower(std::string s) {
  for (char& ch : s) {
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return s;
}

Bytes b(std::initializer_list<uint8_t> v) { return Bytes(v); }

bool same(ByteView a, ByteView c) { return std::equal(a.begin(), a.end(), c.begin(), c.end()); }

void check_openssl_cert(const OpensslCert& oc, const Certificate& cert, int days) {
  EXPECT_EQ(cert.version, 3);
  EXPECT_TRUE(same(cert.der, oc.der));
  EXPECT_TRUE(same(cert.spki, oc.spki)) << to_hex(cert.spki) << "\n" << to_hex(oc.spki);
  // Self-signed: issuer and subject are the same Name.
  EXPECT_TRUE(same(cert.issuer, cert.subject));
  // openssl sets notBefore to "now" and notAfter to now + days.
  EXPECT_GE(cert.not_before, oc.made_after - 2);
  EXPECT_LE(cert.not_before, oc.made_before + 2);
  EXPECT_EQ(cert.not_after - cert.not_before, int64_t{days} * 86400);
  // The serial openssl prints is the hex of the positive value, without a leading 00 byte.
  ByteView serial = cert.serial;
  if (serial.size() > 1 && serial[0] == 0) {
    serial = serial.subspan(1);
  }
  EXPECT_NE(lower(oc.serial_hex).find("serial=" + to_hex(serial)), std::string::npos)
      << oc.serial_hex;
  // The TBS is the first element inside the certificate.
  ASSERT_GT(cert.tbs.size(), 0u);
  EXPECT_GE(cert.tbs.data(), cert.der.data());
  EXPECT_LE(cert.tbs.data() + cert.tbs.size(), cert.der.data() + cert.der.size());
  EXPECT_TRUE(same(cert.signature_algorithm.der, cert.tbs_signature_algorithm.der));
  EXPECT_FALSE(cert.signature.empty());
  EXPECT_EQ(cert.is_ca, oc.basic_constraints.find("CA:TRUE") != std::string::npos)
      << oc.basic_constraints;
  EXPECT_EQ(cert.has_basic_constraints,
            !oc.basic_constraints.empty() &&
                oc.basic_constraints.find("No extensions") == std::string::npos);
}

TEST(CertificateTest, ParsesOpensslEcdsaCertificate) {
  TempDir dir;
  OpensslCert oc = make_with_openssl(
      dir, "-newkey ec -pkeyopt ec_paramgen_curve:P-256", "/CN=test/O=Example Org",
      "-addext subjectAltName=DNS:a.test,DNS:b.test,IP:127.0.0.1,IP:::1", 30);
  Result<Certificate> cert = parse_certificate(oc.der);
  ASSERT_TRUE(cert.ok()) << cert.error().reason;
  check_openssl_cert(oc, *cert, 30);
  EXPECT_EQ(name_to_string(cert->subject), "CN=test, O=Example Org");
  EXPECT_EQ(name_to_string(cert->issuer), "CN=test, O=Example Org");
  EXPECT_TRUE(cert->has_subject_alt_name);
  ASSERT_EQ(cert->dns_names.size(), 2u);
  EXPECT_EQ(cert->dns_names[0], "a.test");
  EXPECT_EQ(cert->dns_names[1], "b.test");
  ASSERT_EQ(cert->ip_addresses.size(), 2u);
  EXPECT_TRUE(same(cert->ip_addresses[0], b({127, 0, 0, 1})));
  Bytes v6(16, 0);
  v6[15] = 1;
  EXPECT_TRUE(same(cert->ip_addresses[1], v6));
  EXPECT_TRUE(oid_equal(cert->signature_algorithm.oid, oid::kEcdsaWithSha256));
  EXPECT_TRUE(cert->signature_algorithm.params.empty());
  EXPECT_TRUE(oid_equal(cert->spki_algorithm.oid, oid::kEcPublicKey));
  // The P-256 point is uncompressed: 04 || X || Y.
  ASSERT_EQ(cert->public_key.size(), 65u);
  EXPECT_EQ(cert->public_key[0], 0x04);
  const Extension* san = cert->find_extension(oid::kSubjectAltName);
  ASSERT_NE(san, nullptr);
  EXPECT_FALSE(san->critical);
  EXPECT_EQ(cert->find_extension(oid::kExtKeyUsage), nullptr);
}

TEST(CertificateTest, ParsesOpensslRsaCertificate) {
  TempDir dir;
  OpensslCert oc = make_with_openssl(dir, "-newkey rsa:2048", "/C=DE/ST=Berlin/L=Berlin/CN=rsa",
                                     "-sha256 -addext subjectAltName=DNS:rsa.test", 10);
  Result<Certificate> cert = parse_certificate(oc.der);
  ASSERT_TRUE(cert.ok()) << cert.error().reason;
  check_openssl_cert(oc, *cert, 10);
  EXPECT_EQ(name_to_string(cert->subject), "C=DE, ST=Berlin, L=Berlin, CN=rsa");
  EXPECT_TRUE(oid_equal(cert->signature_algorithm.oid, oid::kSha256WithRsa));
  // sha256WithRSAEncryption carries NULL parameters.
  EXPECT_TRUE(same(cert->signature_algorithm.params, b({0x05, 0x00})));
  EXPECT_TRUE(oid_equal(cert->spki_algorithm.oid, oid::kRsaEncryption));
  EXPECT_EQ(cert->signature.size(), 256u);
  ASSERT_EQ(cert->dns_names.size(), 1u);
  EXPECT_EQ(cert->dns_names[0], "rsa.test");
}

TEST(CertificateTest, ParsesOpensslEd25519CertificateWithGeneralizedTime) {
  TempDir dir;
  // 36500 days reaches past 2050, so notAfter is a GeneralizedTime.
  OpensslCert oc = make_with_openssl(dir, "-newkey ed25519", "/CN=ed.test/OU=Unit", "", 36500);
  Result<Certificate> cert = parse_certificate(oc.der);
  ASSERT_TRUE(cert.ok()) << cert.error().reason;
  check_openssl_cert(oc, *cert, 36500);
  EXPECT_GT(cert->not_after, 2524608000);  // After 2050-01-01.
  EXPECT_EQ(name_to_string(cert->subject), "CN=ed.test, OU=Unit");
  EXPECT_TRUE(oid_equal(cert->signature_algorithm.oid, oid::kEd25519));
  EXPECT_TRUE(cert->signature_algorithm.params.empty());
  EXPECT_EQ(cert->signature.size(), 64u);
  EXPECT_EQ(cert->public_key.size(), 32u);
  EXPECT_FALSE(cert->has_subject_alt_name);
  EXPECT_TRUE(cert->dns_names.empty());
}

TEST(CertificateTest, ChainFromOpensslPem) {
  TempDir dir;
  OpensslCert oc = make_with_openssl(dir, "-newkey ec -pkeyopt ec_paramgen_curve:P-384",
                                     "/CN=chain", "-sha384", 1);
  std::string pem = read_text(dir.file("cert.pem"));
  std::string key = read_text(dir.file("key.pem"));
  Result<std::vector<Bytes>> chain = certificate_chain_from_pem(key + pem + "junk\n" + pem);
  ASSERT_TRUE(chain.ok()) << chain.error().reason;
  ASSERT_EQ(chain->size(), 2u);
  EXPECT_EQ((*chain)[0], oc.der);
  EXPECT_EQ((*chain)[1], oc.der);
  Result<Certificate> cert = parse_certificate((*chain)[0]);
  ASSERT_TRUE(cert.ok());
  EXPECT_TRUE(oid_equal(cert->signature_algorithm.oid, oid::kEcdsaWithSha384));
}

TEST(CertificateTest, RejectsEveryTruncationAndTrailingData) {
  TempDir dir;
  OpensslCert oc = make_with_openssl(dir, "-newkey ec -pkeyopt ec_paramgen_curve:P-256",
                                     "/CN=trunc", "-addext subjectAltName=DNS:t.test", 1);
  ASSERT_TRUE(parse_certificate(oc.der).ok());
  for (size_t n = 0; n < oc.der.size(); n++) {
    Result<Certificate> r = parse_certificate(ByteView(oc.der).first(n));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidCertificate);
    EXPECT_EQ(r.error().alert, AlertDescription::bad_certificate);
  }
  Bytes longer = oc.der;
  longer.push_back(0);
  Result<Certificate> r = parse_certificate(longer);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().reason.find("trailing"), std::string::npos) << r.error().reason;
}

TEST(CertificateTest, OidConstantsMatchDottedForms) {
  struct Case {
    ByteView oid;
    const char* dotted;
  };
  for (const Case& c : {Case{oid::kEcPublicKey, "1.2.840.10045.2.1"},
                        Case{oid::kSecp256r1, "1.2.840.10045.3.1.7"},
                        Case{oid::kSecp384r1, "1.3.132.0.34"},
                        Case{oid::kRsaEncryption, "1.2.840.113549.1.1.1"},
                        Case{oid::kEd25519, "1.3.101.112"},
                        Case{oid::kEcdsaWithSha256, "1.2.840.10045.4.3.2"},
                        Case{oid::kEcdsaWithSha384, "1.2.840.10045.4.3.3"},
                        Case{oid::kSha256WithRsa, "1.2.840.113549.1.1.11"},
                        Case{oid::kCommonName, "2.5.4.3"},
                        Case{oid::kCountryName, "2.5.4.6"},
                        Case{oid::kLocalityName, "2.5.4.7"},
                        Case{oid::kStateOrProvinceName, "2.5.4.8"},
                        Case{oid::kOrganizationName, "2.5.4.10"},
                        Case{oid::kOrganizationalUnitName, "2.5.4.11"},
                        Case{oid::kEmailAddress, "1.2.840.113549.1.9.1"},
                        Case{oid::kSubjectKeyIdentifier, "2.5.29.14"},
                        Case{oid::kKeyUsage, "2.5.29.15"},
                        Case{oid::kSubjectAltName, "2.5.29.17"},
                        Case{oid::kBasicConstraints, "2.5.29.19"},
                        Case{oid::kAuthorityKeyIdentifier, "2.5.29.35"},
                        Case{oid::kExtKeyUsage, "2.5.29.37"},
                        Case{oid::kServerAuth, "1.3.6.1.5.5.7.3.1"},
                        Case{oid::kClientAuth, "1.3.6.1.5.5.7.3.2"}}) {
    EXPECT_EQ(oid_to_string(c.oid), c.dotted);
  }
}

// ---- Hand-built certificates, one broken rule each ----

struct Synth {
  // version_field: -1 omits the [0] field; otherwise the encoded value.
  int version_field = 2;
  Bytes outer_alg_oid = Bytes(std::begin(oid::kEcdsaWithSha256), std::end(oid::kEcdsaWithSha256));
  std::string not_before = "240101000000Z";
  std::string not_after = "250101000000Z";
  // extensions: the contents of the Extensions SEQUENCE; nullopt omits [3].
  std::optional<Bytes> extensions = Bytes{};
  uint8_t signature_unused_bits = 0;
};

void add_ec_alg(DerWriter& w) {
  w.add_sequence([](DerWriter& a) { a.add_oid(oid::kEcdsaWithSha256); });
}

void add_cn(DerWriter& w, std::string_view cn) {
  w.add_sequence([&](DerWriter& n) {
    n.add_constructed(tag::kSet, [&](DerWriter& rdn) {
      rdn.add_sequence([&](DerWriter& atv) {
        atv.add_oid(oid::kCommonName);
        atv.add_string(tag::kUtf8String, cn);
      });
    });
  });
}

Bytes synth(const Synth& s) {
  DerWriter w;
  w.add_sequence([&](DerWriter& c) {
    c.add_sequence([&](DerWriter& t) {
      if (s.version_field >= 0) {
        t.add_constructed(tag::context_constructed(0), [&](DerWriter& v) {
          v.add_uint64(static_cast<uint64_t>(s.version_field));
        });
      }
      t.add_uint64(1234);
      add_ec_alg(t);
      add_cn(t, "issuer");
      t.add_sequence([&](DerWriter& v) {
        v.add_string(s.not_before.size() == 13 ? tag::kUtcTime : tag::kGeneralizedTime,
                     s.not_before);
        v.add_string(s.not_after.size() == 13 ? tag::kUtcTime : tag::kGeneralizedTime, s.not_after);
      });
      add_cn(t, "subject");
      t.add_sequence([](DerWriter& spki) {
        spki.add_sequence([](DerWriter& a) {
          a.add_oid(oid::kEcPublicKey);
          a.add_oid(oid::kSecp256r1);
        });
        spki.add_bit_string(Bytes(65, 4));
      });
      if (s.extensions) {
        t.add_constructed(tag::context_constructed(3), [&](DerWriter& e) {
          e.add_sequence([&](DerWriter& l) { l.add_raw(*s.extensions); });
        });
      }
    });
    c.add_sequence([&](DerWriter& a) { a.add_oid(s.outer_alg_oid); });
    c.add_bit_string(Bytes{0x30, 0x00}, s.signature_unused_bits);
  });
  return std::move(w).take();
}

Bytes extension(ByteView id, std::optional<bool> critical, ByteView value) {
  DerWriter w;
  w.add_sequence([&](DerWriter& e) {
    e.add_oid(id);
    if (critical) {
      e.add_bool(*critical);
    }
    e.add_octet_string(value);
  });
  return std::move(w).take();
}

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) {
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

void expect_rejected(const Bytes& der, std::string_view needle) {
  Result<Certificate> r = parse_certificate(der);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidCertificate);
  EXPECT_EQ(r.error().alert, AlertDescription::bad_certificate);
  EXPECT_NE(r.error().reason.find(needle), std::string::npos) << r.error().reason;
}

Bytes san(std::initializer_list<Bytes> names) {
  DerWriter w;
  w.add_sequence([&](DerWriter& s) {
    for (const Bytes& n : names) {
      s.add_raw(n);
    }
  });
  return std::move(w).take();
}

Bytes tlv(uint8_t t, Bytes contents) {
  DerWriter w;
  w.add(t, contents);
  return std::move(w).take();
}

TEST(CertificateTest, SyntheticBaselineParses) {
  Synth s;
  s.extensions = concat(
      {extension(oid::kBasicConstraints, true, b({0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x03})),
       extension(oid::kSubjectAltName, std::nullopt,
                 san({tlv(0x82, Bytes{'x', '.', 'y'}), tlv(0x86, Bytes{'u'}),
                      tlv(0x87, Bytes{10, 0, 0, 1})}))});
  // The views point into `der`, which must outlive the Certificate.
  Bytes der = synth(s);
  Result<Certificate> r = parse_certificate(der);
  ASSERT_TRUE(r.ok()) << r.error().reason;
  EXPECT_EQ(r->version, 3);
  EXPECT_TRUE(same(r->serial, b({0x04, 0xd2})));
  EXPECT_EQ(r->not_before, 1704067200);
  EXPECT_EQ(r->not_after, 1735689600);
  EXPECT_EQ(name_to_string(r->issuer), "CN=issuer");
  EXPECT_EQ(name_to_string(r->subject), "CN=subject");
  EXPECT_TRUE(r->has_basic_constraints);
  EXPECT_TRUE(r->is_ca);
  ASSERT_TRUE(r->path_len.has_value());
  EXPECT_EQ(*r->path_len, 3u);
  ASSERT_EQ(r->extensions.size(), 2u);
  EXPECT_TRUE(r->extensions[0].critical);
  EXPECT_FALSE(r->extensions[1].critical);
  ASSERT_EQ(r->dns_names.size(), 1u);  // The URI is skipped.
  EXPECT_EQ(r->dns_names[0], "x.y");
  ASSERT_EQ(r->ip_addresses.size(), 1u);
}

TEST(CertificateTest, VersionRules) {
  Synth v1;
  v1.version_field = -1;
  v1.extensions = std::nullopt;
  Bytes der = synth(v1);
  Result<Certificate> r = parse_certificate(der);
  ASSERT_TRUE(r.ok()) << r.error().reason;
  EXPECT_EQ(r->version, 1);

  Synth explicit_v1 = v1;
  explicit_v1.version_field = 0;
  expect_rejected(synth(explicit_v1), "DER forbids");

  Synth v4;
  v4.version_field = 3;
  expect_rejected(synth(v4), "unknown version 4");

  Synth v1_with_ext;
  v1_with_ext.version_field = -1;
  v1_with_ext.extensions = extension(oid::kKeyUsage, true, b({0x03, 0x02, 0x07, 0x80}));
  expect_rejected(synth(v1_with_ext), "extensions in a v1 certificate");
}

// certificate_spki gives the key OpenSSL reads out of the certificate (openssl x509 -pubkey),
// for a v3 certificate with extensions, and the element parse_certificate finds for a v1 one, and
// refuses what parse_certificate refuses in the structure it reads: a truncation, trailing data.
TEST(CertificateTest, SpkiAloneMatchesOpenssl) {
  TempDir dir;
  OpensslCert v3 = make_with_openssl(dir, "-newkey rsa:2048", "/CN=spki",
                                     "-addext subjectAltName=DNS:spki.test", 1);
  Result<ByteView> spki = certificate_spki(v3.der);
  ASSERT_TRUE(spki.ok()) << spki.error().reason;
  EXPECT_TRUE(same(*spki, v3.spki)) << to_hex(*spki) << "\n" << to_hex(v3.spki);
  for (size_t n = 0; n < v3.der.size(); n++) {
    Result<ByteView> r = certificate_spki(ByteView(v3.der).first(n));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidCertificate);
    EXPECT_EQ(r.error().alert, AlertDescription::bad_certificate);
  }
  Bytes longer = v3.der;
  longer.push_back(0);
  EXPECT_FALSE(certificate_spki(longer).ok());

  // A v1 certificate has no version field: the key is the same element parse_certificate
  // finds.
  Synth v1;
  v1.version_field = -1;
  v1.extensions = std::nullopt;
  const Bytes der = synth(v1);
  Result<Certificate> parsed = parse_certificate(der);
  ASSERT_TRUE(parsed.ok()) << parsed.error().reason;
  Result<ByteView> spki1 = certificate_spki(der);
  ASSERT_TRUE(spki1.ok()) << spki1.error().reason;
  EXPECT_EQ(spki1->data(), parsed->spki.data());
  EXPECT_EQ(spki1->size(), parsed->spki.size());
}

TEST(CertificateTest, ExtensionRules) {
  Synth empty;
  empty.extensions = Bytes{};
  expect_rejected(synth(empty), "extensions list is empty");

  Synth explicit_false;
  explicit_false.extensions = extension(oid::kKeyUsage, false, b({0x03, 0x02, 0x07, 0x80}));
  expect_rejected(synth(explicit_false), "DEFAULT critical FALSE");

  Synth dup;
  Bytes ku = extension(oid::kKeyUsage, true, b({0x03, 0x02, 0x07, 0x80}));
  dup.extensions = concat({ku, ku});
  expect_rejected(synth(dup), "2.5.29.15 appears twice");

  Synth bc_false;
  bc_false.extensions = extension(oid::kBasicConstraints, true, b({0x30, 0x03, 0x01, 0x01, 0x00}));
  expect_rejected(synth(bc_false), "DEFAULT cA FALSE");

  Synth bc_trailing;
  bc_trailing.extensions =
      extension(oid::kBasicConstraints, true, b({0x30, 0x03, 0x01, 0x01, 0xff, 0x00}));
  expect_rejected(synth(bc_trailing), "basicConstraints");

  Synth bad_ip;
  bad_ip.extensions =
      extension(oid::kSubjectAltName, std::nullopt, san({tlv(0x87, Bytes{1, 2, 3, 4, 5})}));
  expect_rejected(synth(bad_ip), "not 4 or 16");

  Synth empty_san;
  empty_san.extensions = extension(oid::kSubjectAltName, std::nullopt, san({}));
  expect_rejected(synth(empty_san), "no names");

  Synth non_ia5;
  non_ia5.extensions =
      extension(oid::kSubjectAltName, std::nullopt, san({tlv(0x82, Bytes{'a', 0xc3, 0xa9})}));
  expect_rejected(synth(non_ia5), "not IA5");

  Synth wrong_tag;
  wrong_tag.extensions =
      extension(oid::kSubjectAltName, std::nullopt, san({tlv(0x04, Bytes{'a'})}));
  expect_rejected(synth(wrong_tag), "not a GeneralName");

  // Unknown extensions, even critical ones, are kept for the verifier to judge.
  Synth unknown;
  unknown.extensions =
      extension(Bytes{0x2b, 0x06, 0x01, 0x04, 0x01, 0x01}, true, Bytes{0x05, 0x00});
  Bytes der = synth(unknown);
  Result<Certificate> r = parse_certificate(der);
  ASSERT_TRUE(r.ok()) << r.error().reason;
  ASSERT_EQ(r->extensions.size(), 1u);
  EXPECT_TRUE(r->extensions[0].critical);
  EXPECT_EQ(oid_to_string(r->extensions[0].oid), "1.3.6.1.4.1.1");
}

TEST(CertificateTest, SignatureAlgorithmsMustMatch) {
  Synth s;
  s.extensions = std::nullopt;
  s.outer_alg_oid = Bytes(std::begin(oid::kEcdsaWithSha384), std::end(oid::kEcdsaWithSha384));
  expect_rejected(synth(s), "differs from the TBSCertificate signature");
}

TEST(CertificateTest, SignatureMustBeWholeBytes) {
  Synth s;
  s.extensions = std::nullopt;
  s.signature_unused_bits = 1;  // Over a last byte of 00, so the padding itself is valid.
  expect_rejected(synth(s), "signatureValue");
}

TEST(CertificateTest, ValidityTimeRules) {
  Synth generalized;
  generalized.extensions = std::nullopt;
  generalized.not_after = "20500101000000Z";
  Bytes der = synth(generalized);
  Result<Certificate> r = parse_certificate(der);
  ASSERT_TRUE(r.ok()) << r.error().reason;
  EXPECT_EQ(r->not_after, 2524608000);

  Synth fraction = generalized;
  fraction.not_after = "20500101000000.5Z";
  expect_rejected(synth(fraction), "notAfter");

  Synth local = generalized;
  local.not_before = "2401010000Z";  // No seconds.
  expect_rejected(synth(local), "notBefore");
}

TEST(CertificateTest, ReasonsNameFieldAndOffset) {
  Synth s;
  s.extensions = std::nullopt;
  Bytes der = synth(s);
  // Corrupt the serial INTEGER into a non-minimal one: 02 02 04 d2 -> 02 02 00 12.
  const uint8_t pattern[] = {0x02, 0x02, 0x04, 0xd2};
  auto it = std::search(der.begin(), der.end(), std::begin(pattern), std::end(pattern));
  ASSERT_NE(it, der.end());
  size_t off = static_cast<size_t>(it - der.begin());
  *(it + 2) = 0x00;
  *(it + 3) = 0x12;
  expect_rejected(der, "serialNumber");
  expect_rejected(der, "at offset " + std::to_string(off));
}

// ---- Names ----

Bytes name_of(std::initializer_list<Bytes> rdns) {
  DerWriter w;
  w.add_sequence([&](DerWriter& n) {
    for (const Bytes& r : rdns) {
      n.add_raw(r);
    }
  });
  return std::move(w).take();
}

Bytes atv(ByteView type, uint8_t value_tag, Bytes value) {
  DerWriter w;
  w.add_sequence([&](DerWriter& a) {
    a.add_oid(type);
    a.add(value_tag, value);
  });
  return std::move(w).take();
}

Bytes rdn(std::initializer_list<Bytes> atvs) {
  DerWriter w;
  w.add_constructed(tag::kSet, [&](DerWriter& s) {
    for (const Bytes& a : atvs) {
      s.add_raw(a);
    }
  });
  return std::move(w).take();
}

Bytes str(std::string_view s) { return Bytes(s.begin(), s.end()); }

TEST(CertificateNameTest, ShortNamesAndOrder) {
  Bytes n = name_of({rdn({atv(oid::kCountryName, tag::kPrintableString, str("US"))}),
                     rdn({atv(oid::kOrganizationName, tag::kUtf8String, str("Example"))}),
                     rdn({atv(oid::kOrganizationalUnitName, tag::kUtf8String, str("Ops"))}),
                     rdn({atv(oid::kEmailAddress, tag::kIa5String, str("a@b.c"))}),
                     rdn({atv(oid::kCommonName, tag::kUtf8String, str("example.com"))})});
  EXPECT_EQ(name_to_string(n), "C=US, O=Example, OU=Ops, emailAddress=a@b.c, CN=example.com");
}

TEST(CertificateNameTest, MultiValuedRdnAndUnknownOid) {
  Bytes uid = *oid_from_string("0.9.2342.19200300.100.1.1");
  Bytes n = name_of({rdn(
      {atv(oid::kCommonName, tag::kUtf8String, str("a")), atv(uid, tag::kUtf8String, str("b"))})});
  EXPECT_EQ(name_to_string(n), "CN=a+0.9.2342.19200300.100.1.1=b");
}

TEST(CertificateNameTest, EscapingAndEncodings) {
  Bytes special = name_of({rdn({atv(oid::kCommonName, tag::kUtf8String, str("a,b+c=\"d\" "))})});
  EXPECT_EQ(name_to_string(special), "CN=a\\,b\\+c\\=\\\"d\\\"\\ ");
  Bytes lead = name_of({rdn({atv(oid::kCommonName, tag::kUtf8String, str("#x"))})});
  EXPECT_EQ(name_to_string(lead), "CN=\\#x");
  Bytes control = name_of({rdn({atv(oid::kCommonName, tag::kUtf8String, str("a\nb"))})});
  EXPECT_EQ(name_to_string(control), "CN=a\\0Ab");
  Bytes utf8 = name_of({rdn({atv(oid::kCommonName, tag::kUtf8String, str("caf\xc3\xa9"))})});
  EXPECT_EQ(name_to_string(utf8), "CN=caf\xc3\xa9");
  Bytes bad_utf8 = name_of({rdn({atv(oid::kCommonName, tag::kUtf8String, Bytes{'a', 0xff})})});
  EXPECT_EQ(name_to_string(bad_utf8), "CN=#0c0261ff");
  Bytes bmp =
      name_of({rdn({atv(oid::kCommonName, tag::kBmpString, Bytes{0x00, 'h', 0x00, 0xe9})})});
  EXPECT_EQ(name_to_string(bmp), "CN=h\xc3\xa9");
  Bytes teletex = name_of({rdn({atv(oid::kCommonName, tag::kTeletexString, Bytes{'x', 0xe9})})});
  EXPECT_EQ(name_to_string(teletex), "CN=x\\E9");
  Bytes octets = name_of({rdn({atv(oid::kCommonName, tag::kOctetString, Bytes{0xab})})});
  EXPECT_EQ(name_to_string(octets), "CN=#0401ab");
}

TEST(CertificateNameTest, EmptyAndMalformed) {
  EXPECT_EQ(name_to_string(name_of({})), "");
  EXPECT_EQ(name_to_string(b({0x30, 0x02, 0x31, 0x00})), "<malformed name>");  // Empty RDN.
  EXPECT_EQ(name_to_string(b({0x30, 0x05})), "<malformed name>");              // Truncated.
  EXPECT_EQ(name_to_string(b({0x31, 0x00})), "<malformed name>");              // Not a SEQUENCE.
  Bytes trailing = name_of({});
  trailing.push_back(0);
  EXPECT_EQ(name_to_string(trailing), "<malformed name>");
}

}  // namespace
}  // namespace glasstls::x509
