// crl_openssl_test.cc: CRLs made at test time by `openssl ca -revoke/-gencrl`, for certificates
// made by the same CAs, read by glasstls (parse_crl, CertificateRevocationLists, crl_status).
// Where it applies, `openssl verify -crl_check` gives the expected answer.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "glasstls/crypto.h"
#include "glasstls/x509.h"
#include "interop/process.h"
#include "x509/certificate.h"
#include "x509/corpus.h"
#include "x509/crl.h"
#include "x509/crl_impl.h"
#include "x509/internals.h"
#include "x509/pem.h"

namespace glasstls {
namespace {

using x509test::kCorpusTime;  // 2025-06-01 00:00:00 UTC
using x509test::KeyKind;
using x509test::Pki;
using CrlState = x509::CrlVerdict::Status;

constexpr int64_t kSkew = 300;
constexpr size_t kBigCount = 10000;

// CrlWorld is a root, an intermediate, leaves under it, a CA with the root's name but another
// key, and the CRLs each of them published with `openssl ca`.
struct CrlWorld {
  std::unique_ptr<Pki> pki;
  std::string error;
  // Paths of the CRLs (PEM).
  std::string inter_crl;      // leaf_key (keyCompromise), leaf_hold (certificateHold),
                              // leaf_super (superseded); current
  std::string inter_expired;  // the same entries, nextUpdate 2025-02-01
  std::string root_crl;       // inter (cACompromise); current
  std::string twin_crl;       // signed by root_twin, which has the root's name
  std::string big_crl;        // 10,000 entries from the intermediate
  // big_serials are the serials of big_crl, in hex as written to index.txt.
  std::vector<std::string> big_serials;

  // cnf writes an openssl configuration whose CA database is <dir>/<id>.index.txt, with a CRL
  // number file starting at 0x1000 and a crl_ext section (authorityKeyIdentifier).
  std::string cnf(const std::string& id, const std::string& index_text = "") {
    std::string d = pki->dir();
    std::string config =
        "[ca]\ndefault_ca = dflt\n[dflt]\ndatabase = " + d + "/" + id +
        ".index.txt\nnew_certs_dir = " + d +
        "/issued\ndefault_md = sha256\npolicy = pol\n"
        "unique_subject = no\ncrlnumber = " +
        d + "/" + id +
        ".crlnumber\n"
        "[pol]\ncommonName = optional\n[crl_ext]\nauthorityKeyIdentifier = keyid:always\n";
    std::string path = d + "/" + id + ".cnf";
    if (!interop::write_text(path, config) ||
        !interop::write_text(d + "/" + id + ".index.txt", index_text) ||
        !interop::write_text(d + "/" + id + ".crlnumber", "1000\n")) {
      return "";
    }
    return path;
  }

  // revoke records `cert` as revoked in `config`'s database of CA `ca` (key `key`).
  bool revoke(const std::string& config, const std::string& ca, const std::string& key,
              const std::string& cert, const std::string& reason) {
    std::string out;
    if (pki->run({"ca", "-config", config, "-cert", pki->cert_path(ca), "-keyfile",
                  pki->key_path(key), "-revoke", pki->cert_path(cert), "-crl_reason", reason},
                 out) != 0) {
      error = "revoke " + cert + ": " + out;
      return false;
    }
    return true;
  }

  // gencrl writes the CRL of CA `ca` (key `key`) from `config`'s database to <dir>/<file>.
  // Without `with_aki` the CRL has no authorityKeyIdentifier (only cRLNumber).
  std::string gencrl(const std::string& config, const std::string& ca, const std::string& key,
                     const std::string& file, const std::string& last = "20250501000000Z",
                     const std::string& next = "20250701000000Z", bool with_aki = true) {
    std::string path = pki->dir() + "/" + file;
    std::vector<std::string> args = {"ca",
                                     "-config",
                                     config,
                                     "-gencrl",
                                     "-cert",
                                     pki->cert_path(ca),
                                     "-keyfile",
                                     pki->key_path(key),
                                     "-crl_lastupdate",
                                     last,
                                     "-crl_nextupdate",
                                     next,
                                     "-out",
                                     path};
    if (with_aki) {
      args.push_back("-crlexts");
      args.push_back("crl_ext");
    }
    std::string out;
    if (pki->run(args, out) != 0) {
      error = "gencrl " + file + ": " + out;
      return "";
    }
    return path;
  }

  bool make() {
    pki = Pki::create(error);
    if (!pki) {
      return false;
    }
    for (const char* k : {"root", "root_twin", "inter", "leaf"}) {
      if (!pki->key(k, KeyKind::kP256)) {
        error = pki->error();
        return false;
      }
    }
    std::vector<x509test::CertRequest> certs = {
        {"root", "", "root", "/CN=CRL Test Root", x509test::kRootExt},
        {"root_twin", "", "root_twin", "/CN=CRL Test Root", x509test::kRootExt},
        {"inter", "root", "inter", "/CN=CRL Test Inter", x509test::kCaExt},
        {"leaf_good", "inter", "leaf", "/CN=good.example", x509test::kServerLeafExt},
        {"leaf_key", "inter", "leaf", "/CN=key.example", x509test::kServerLeafExt},
        {"leaf_hold", "inter", "leaf", "/CN=hold.example", x509test::kServerLeafExt},
        {"leaf_super", "inter", "leaf", "/CN=super.example", x509test::kServerLeafExt},
    };
    for (x509test::CertRequest& r : certs) {
      if (r.issuer != "" && r.name != "inter") {
        r.start = x509test::kLeafStart;
        r.end = x509test::kLeafEnd;
      }
      if (!pki->issue(r)) {
        error = pki->error();
        return false;
      }
    }
    std::string inter_cnf = cnf("inter_db");
    std::string root_cnf = cnf("root_db");
    std::string twin_cnf = cnf("twin_db");
    if (inter_cnf.empty() || root_cnf.empty() || twin_cnf.empty()) {
      error = "cannot write the CRL configurations";
      return false;
    }
    if (!revoke(inter_cnf, "inter", "inter", "leaf_key", "keyCompromise") ||
        !revoke(inter_cnf, "inter", "inter", "leaf_hold", "certificateHold") ||
        !revoke(inter_cnf, "inter", "inter", "leaf_super", "superseded") ||
        !revoke(root_cnf, "root", "root", "inter", "CACompromise") ||
        !revoke(twin_cnf, "root_twin", "root_twin", "inter", "superseded")) {
      return false;
    }
    inter_crl = gencrl(inter_cnf, "inter", "inter", "inter.crl.pem");
    inter_expired = gencrl(inter_cnf, "inter", "inter", "inter_expired.crl.pem", "20250101000000Z",
                           "20250201000000Z");
    root_crl = gencrl(root_cnf, "root", "root", "root.crl.pem");
    // Without an authorityKeyIdentifier, so that only the signature tells it from the root's.
    twin_crl = gencrl(twin_cnf, "root_twin", "root_twin", "twin.crl.pem", "20250501000000Z",
                      "20250701000000Z", false);

    // 10,000 revoked serials written straight into a database (one `openssl ca -revoke` each
    // would take minutes). Serials 0x1000000 + 7i, plus one whose top bit is set (its INTEGER
    // has a leading 00).
    std::string index;
    for (size_t i = 0; i + 1 < kBigCount; i++) {
      char buf[32];
      std::snprintf(buf, sizeof(buf), "%08zX", size_t{0x1000000} + 7 * i);
      big_serials.push_back(buf);
    }
    big_serials.push_back("80F1");
    for (size_t i = 0; i < big_serials.size(); i++) {
      const char* reason = i % 3 == 0 ? ",keyCompromise" : (i % 3 == 1 ? ",superseded" : "");
      index += "R\t270101000000Z\t250401000000Z" + std::string(reason) + "\t" + big_serials[i] +
               "\tunknown\t/CN=big " + std::to_string(i) + "\n";
    }
    std::string big_cnf = cnf("big_db", index);
    big_crl = big_cnf.empty() ? "" : gencrl(big_cnf, "inter", "inter", "big.crl.pem");
    return !inter_crl.empty() && !inter_expired.empty() && !root_crl.empty() && !twin_crl.empty() &&
           !big_crl.empty();
  }
};

// world is made once per process; null (with `error`) when openssl is missing or failed.
const CrlWorld* world(std::string& error) {
  static std::unique_ptr<CrlWorld> w;
  static bool done = false;
  static std::string failure;
  if (!done) {
    done = true;
    w = std::make_unique<CrlWorld>();
    if (!w->make()) {
      failure = w->error;
      w.reset();
    }
  }
  error = failure;
  return w.get();
}

#define GET_WORLD(w)                                          \
  std::string world_error;                                    \
  const CrlWorld* w = world(world_error);                     \
  if (w == nullptr && world_error == "openssl not found") {   \
    GTEST_SKIP() << "openssl not found: CRLs cannot be made"; \
  }                                                           \
  ASSERT_NE(w, nullptr) << world_error

std::shared_ptr<const CertificateRevocationLists> load(const std::vector<std::string>& files) {
  auto set = CertificateRevocationLists::from_files(files);
  EXPECT_TRUE(set.ok()) << (set.ok() ? "" : set.error().reason);
  return set.ok() ? *set : nullptr;
}

// verdict is crl_status of certificate `cert`, issued by `issuer`, against the CRL files.
x509::CrlVerdict verdict(const CrlWorld& w, const std::vector<std::string>& files,
                         const std::string& cert, const std::string& issuer,
                         int64_t now = kCorpusTime) {
  auto set = load(files);
  Bytes cert_der = w.pki->der(cert);
  Bytes issuer_der = w.pki->der(issuer);
  auto c = x509::parse_certificate(cert_der);
  auto i = x509::parse_certificate(issuer_der);
  EXPECT_TRUE(set && c.ok() && i.ok());
  if (!set || !c.ok() || !i.ok()) {
    return {};
  }
  auto v = x509::crl_status(*set, *c, *i, now, kSkew, crypto::openssl_provider());
  EXPECT_TRUE(v.ok()) << (v.ok() ? "" : v.error().reason);
  return v.ok() ? *v : x509::CrlVerdict{};
}

// openssl_says runs `openssl verify -crl_check` on leaf `cert` under root + inter with `crl`.
std::string openssl_says(const CrlWorld& w, const std::string& cert, const std::string& crl) {
  std::string out;
  w.pki->run({"verify", "-no-CApath", "-no-CAstore", "-CAfile", w.pki->cert_path("root"),
              "-untrusted", w.pki->cert_path("inter"), "-CRLfile", crl, "-crl_check", "-attime",
              std::to_string(kCorpusTime), w.pki->cert_path(cert)},
             out);
  return out;
}

TEST(CrlOpenssl, GoodLeaf) {
  GET_WORLD(w);
  x509::CrlVerdict v = verdict(*w, {w->inter_crl}, "leaf_good", "inter");
  EXPECT_EQ(v.status, CrlState::kGood) << v.detail;
  EXPECT_NE(v.detail.find("not revoked according to the CRL of CN=CRL Test Inter (number 4096, "
                          "thisUpdate 2025-05-01 00:00:00 UTC, nextUpdate 2025-07-01 00:00:00 "
                          "UTC)"),
            std::string::npos)
      << v.detail;
  EXPECT_NE(openssl_says(*w, "leaf_good", w->inter_crl).find(": OK"), std::string::npos);
}

TEST(CrlOpenssl, RevokedLeaves) {
  GET_WORLD(w);
  struct Case {
    const char* cert;
    const char* reason;
  };
  for (const Case& c : {Case{"leaf_key", "keyCompromise"}, Case{"leaf_hold", "certificateHold"},
                        Case{"leaf_super", "superseded"}}) {
    x509::CrlVerdict v = verdict(*w, {w->inter_crl}, c.cert, "inter");
    EXPECT_EQ(v.status, CrlState::kRevoked) << c.cert << ": " << v.detail;
    EXPECT_NE(v.detail.find(std::string("(reason ") + c.reason + ")"), std::string::npos)
        << v.detail;
    EXPECT_NE(v.detail.find("according to the CRL of CN=CRL Test Inter"), std::string::npos)
        << v.detail;
    EXPECT_NE(openssl_says(*w, c.cert, w->inter_crl).find("certificate revoked"), std::string::npos)
        << c.cert;
  }
}

TEST(CrlOpenssl, RevokedIntermediateOnTheRootsCrl) {
  GET_WORLD(w);
  x509::CrlVerdict v = verdict(*w, {w->root_crl, w->inter_crl}, "inter", "root");
  EXPECT_EQ(v.status, CrlState::kRevoked) << v.detail;
  EXPECT_NE(v.detail.find("(reason cACompromise) according to the CRL of CN=CRL Test Root"),
            std::string::npos)
      << v.detail;
  // The intermediate's own CRL does not speak for the root's certificates and vice versa.
  v = verdict(*w, {w->inter_crl}, "inter", "root");
  EXPECT_EQ(v.status, CrlState::kUnknown) << v.detail;
  EXPECT_NE(v.detail.find("no CRL from CN=CRL Test Root"), std::string::npos) << v.detail;
}

TEST(CrlOpenssl, ExpiredCrl) {
  GET_WORLD(w);
  x509::CrlVerdict v = verdict(*w, {w->inter_expired}, "leaf_key", "inter");
  EXPECT_EQ(v.status, CrlState::kUnknown) << v.detail;
  EXPECT_NE(v.detail.find("expired: nextUpdate 2025-02-01 00:00:00 UTC"), std::string::npos)
      << v.detail;
  // It was good while current.
  v = verdict(*w, {w->inter_expired}, "leaf_key", "inter", 1736899200);  // 2025-01-15
  EXPECT_EQ(v.status, CrlState::kRevoked) << v.detail;
  // With the current CRL beside it, the current one decides.
  v = verdict(*w, {w->inter_expired, w->inter_crl}, "leaf_good", "inter");
  EXPECT_EQ(v.status, CrlState::kGood) << v.detail;
}

TEST(CrlOpenssl, SameNameOtherKey) {
  GET_WORLD(w);
  // The twin CRL has the root's name (so it is a candidate) but the twin's signature.
  x509::CrlVerdict v = verdict(*w, {w->twin_crl}, "inter", "root");
  EXPECT_EQ(v.status, CrlState::kUnknown) << v.detail;
  EXPECT_NE(v.detail.find("does not verify with the issuer's key"), std::string::npos) << v.detail;
  v = verdict(*w, {w->twin_crl, w->root_crl}, "inter", "root");
  EXPECT_EQ(v.status, CrlState::kRevoked) << v.detail;
}

TEST(CrlOpenssl, TenThousandEntries) {
  GET_WORLD(w);
  auto set = load({w->big_crl});
  ASSERT_TRUE(set);
  ASSERT_EQ(set->size(), 1u);
  const x509::Crl& crl = x509::Internals::impl(*set).crls[0];
  ASSERT_EQ(crl.revoked.size(), kBigCount);
  for (size_t i = 0; i < w->big_serials.size(); i++) {
    std::string hex = w->big_serials[i];
    Bytes serial;
    auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'A' + 10; };
    for (size_t k = 0; k + 1 < hex.size(); k += 2) {
      serial.push_back(static_cast<uint8_t>(nibble(hex[k]) * 16 + nibble(hex[k + 1])));
    }
    if (serial[0] & 0x80) {
      serial.insert(serial.begin(), 0x00);
    }
    const x509::RevokedEntry* e = crl.find(serial);
    ASSERT_NE(e, nullptr) << hex;
    EXPECT_EQ(e->revocation_date, 1743465600) << hex;  // 2025-04-01
    if (i % 3 == 2) {
      EXPECT_FALSE(e->reason.has_value()) << hex;
    } else {
      EXPECT_EQ(e->reason,
                i % 3 == 0 ? x509::crl_reason::kKeyCompromise : x509::crl_reason::kSuperseded)
          << hex;
    }
  }
  // The 80F1 serial without its leading 00 is another (negative) number.
  EXPECT_EQ(crl.find(Bytes{0x80, 0xf1}), nullptr);
  EXPECT_NE(crl.find(Bytes{0x00, 0x80, 0xf1}), nullptr);
  // Absent: between entries, before the first, after the last.
  EXPECT_EQ(crl.find(Bytes{0x01, 0x00, 0x00, 0x01}), nullptr);
  EXPECT_EQ(crl.find(Bytes{0x01}), nullptr);
  EXPECT_EQ(crl.find(Bytes{0x7f, 0xff, 0xff, 0xff, 0xff}), nullptr);
  // A real certificate of the intermediate is not on it.
  x509::CrlVerdict v = verdict(*w, {w->big_crl}, "leaf_good", "inter");
  EXPECT_EQ(v.status, CrlState::kGood) << v.detail;
}

TEST(CrlOpenssl, LoadsPemAndDerFiles) {
  GET_WORLD(w);
  std::string der_path = w->pki->dir() + "/inter.crl.der";
  std::string out;
  ASSERT_EQ(w->pki->run({"crl", "-in", w->inter_crl, "-outform", "DER", "-out", der_path}, out), 0)
      << out;
  auto pem = CertificateRevocationLists::from_file(w->inter_crl);
  ASSERT_TRUE(pem.ok()) << pem.error().reason;
  auto der = CertificateRevocationLists::from_file(der_path);
  ASSERT_TRUE(der.ok()) << der.error().reason;
  ASSERT_EQ((*pem)->size(), 1u);
  ASSERT_EQ((*der)->size(), 1u);
  EXPECT_EQ(x509::Internals::impl(**pem).ders[0], x509::Internals::impl(**der).ders[0]);
  const x509::Crl& crl = x509::Internals::impl(**der).crls[0];
  EXPECT_EQ(crl.version, 2);
  EXPECT_EQ(x509::name_to_string(crl.issuer), "CN=CRL Test Inter");
  EXPECT_EQ(crl.revoked.size(), 3u);
  EXPECT_FALSE(crl.authority_key_id.empty());
  Bytes inter_der = w->pki->der("inter");  // the Certificate views it
  auto inter = x509::parse_certificate(inter_der);
  ASSERT_TRUE(inter.ok());
  EXPECT_TRUE(std::ranges::equal(crl.authority_key_id, inter->subject_key_id));
  auto both = CertificateRevocationLists::from_files({w->inter_crl, der_path, w->root_crl});
  ASSERT_TRUE(both.ok()) << both.error().reason;
  EXPECT_EQ((*both)->size(), 3u);
}

}  // namespace
}  // namespace glasstls
