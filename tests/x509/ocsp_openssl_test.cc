// ocsp_openssl_test.cc: check_ocsp_response on OCSP responses made at test time by
// `openssl ocsp` (acting as the responder from an `openssl ca` index), for certificates made with
// `openssl ca`; where OpenSSL can judge the same response, its verdict (`openssl ocsp -respin`)
// must agree with glasstls's.
#include <gtest/gtest.h>

#include <ctime>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "glasstls/crypto.h"
#include "interop/process.h"
#include "x509/certificate.h"
#include "x509/corpus.h"
#include "x509/ocsp.h"

namespace glasstls::x509test {
namespace {

using x509::Certificate;
using x509::check_ocsp_response;
using x509::OcspVerdict;
using x509::parse_certificate;

constexpr int64_t kSkew = 300;

constexpr char kResponderExt[] =
    "basicConstraints = critical, CA:FALSE\n"
    "keyUsage = critical, digitalSignature\n"
    "extendedKeyUsage = OCSPSigning\n"
    "subjectKeyIdentifier = hash\n"
    "authorityKeyIdentifier = keyid\n";
constexpr char kPlainResponderExt[] =
    "basicConstraints = critical, CA:FALSE\n"
    "keyUsage = critical, digitalSignature\n"
    "extendedKeyUsage = serverAuth\n"
    "subjectKeyIdentifier = hash\n"
    "authorityKeyIdentifier = keyid\n";

// OpensslVerdict is what `openssl ocsp -respin` says of a response: whether the response
// verified, and the status it printed for the certificate ("good", "revoked", "unknown").
struct OpensslVerdict {
  bool verified = false;
  std::string status;
  std::string output;
};

class OcspOpensslTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = Pki::create(error_);
    if (!pki_) {
      skip_ = error_ == "openssl not found";
      return;
    }
    if (!make(*pki_)) {
      error_ = pki_->error();
      pki_.reset();
    }
  }
  static void TearDownTestSuite() { pki_.reset(); }

  void SetUp() override {
    if (skip_) {
      GTEST_SKIP() << "openssl is missing: " << error_;
    }
    ASSERT_NE(pki_, nullptr) << "making the PKI with openssl failed: " << error_;
    now_ = static_cast<int64_t>(std::time(nullptr));
  }

  // make issues the certificates and revokes leaf_revoked. index_known.txt is the CA database
  // without leaf_unknown, so that the responder knows nothing of it.
  static bool make(Pki& pki) {
    for (const char* k : {"ca", "other", "leaf", "responder"}) {
      if (!pki.key(k, KeyKind::kP256)) {
        return false;
      }
    }
    std::vector<CertRequest> certs;
    certs.push_back({"ca", "", "ca", "/O=glasstls OCSP test/CN=OCSP Test CA", kRootExt});
    certs.push_back({"other", "", "other", "/CN=Other CA", kRootExt});
    for (const char* name : {"good", "revoked", "unknown"}) {
      certs.push_back({std::string("leaf_") + name, "ca", "leaf",
                       std::string("/CN=") + name + ".example",
                       leaf_ext(std::string("DNS:") + name + ".example"), kLeafStart, kLeafEnd});
    }
    certs.push_back({"responder", "ca", "responder", "/CN=OCSP Responder", kResponderExt});
    certs.push_back(
        {"plain_responder", "ca", "responder", "/CN=Plain Responder", kPlainResponderExt});
    for (const CertRequest& r : certs) {
      if (!pki.issue(r)) {
        return false;
      }
    }
    std::string out;
    if (pki.run({"ca", "-config", pki.dir() + "/ca.cnf", "-revoke", pki.cert_path("leaf_revoked"),
                 "-keyfile", pki.key_path("ca"), "-cert", pki.cert_path("ca"), "-crl_reason",
                 "keyCompromise"},
                out) != 0) {
      return fail(pki, "revoke: " + out);
    }
    std::istringstream index(interop::read_text(pki.dir() + "/index.txt"));
    std::string line;
    std::string known;
    while (std::getline(index, line)) {
      if (line.find("/CN=unknown.example") == std::string::npos) {
        known += line + "\n";
      }
    }
    if (!interop::write_text(pki.dir() + "/index_known.txt", known)) {
      return fail(pki, "cannot write index_known.txt");
    }
    return true;
  }

  static bool fail(Pki&, const std::string& why) {
    error_ = why;
    return false;
  }

  // respond runs `openssl ocsp` as the responder for certificate `leaf` of CA "ca", signing with
  // certificate `signer` and key `key`, with nextUpdate `days` days ahead and `extra` options.
  // Returns the DER response (empty on failure, with a test failure).
  Bytes respond(const std::string& leaf, const std::string& signer, const std::string& key,
                const std::vector<std::string>& extra = {}, int days = 2) {
    std::string path = pki_->dir() + "/resp" + std::to_string(pki_->next_id()) + ".der";
    std::vector<std::string> args;
    append(args, {"ocsp", "-index", pki_->dir() + "/index_known.txt", "-rsigner",
                  pki_->cert_path(signer), "-rkey", pki_->key_path(key), "-CA",
                  pki_->cert_path("ca"), "-issuer", pki_->cert_path("ca"), "-cert",
                  pki_->cert_path(leaf), "-respout", path, "-ndays", std::to_string(days)});
    for (const std::string& e : extra) {
      args.push_back(e);
    }
    std::string out;
    int status = pki_->run(args, out);
    EXPECT_EQ(status, 0) << out;
    std::string der = interop::read_text(path);
    EXPECT_FALSE(der.empty()) << out;
    last_response_path_ = path;
    return Bytes(der.begin(), der.end());
  }

  // openssl_verdict asks `openssl ocsp -respin` about the last response, trusting only "ca".
  OpensslVerdict openssl_verdict(const std::string& leaf) const {
    std::string out;
    int status =
        pki_->run({"ocsp", "-respin", last_response_path_, "-CAfile", pki_->cert_path("ca"),
                   "-issuer", pki_->cert_path("ca"), "-cert", pki_->cert_path(leaf), "-no_nonce"},
                  out);
    OpensslVerdict v;
    v.output = out;
    v.verified = status == 0 && out.find("Response verify OK") != std::string::npos;
    std::string prefix = pki_->cert_path(leaf) + ": ";
    size_t at = out.find(prefix);
    if (at != std::string::npos) {
      size_t end = out.find('\n', at);
      size_t from = at + prefix.size();
      v.status = out.substr(from, end == std::string::npos ? end : end - from);
    }
    return v;
  }

  Result<OcspVerdict> check(const Bytes& response, const std::string& leaf, int64_t now) const {
    Bytes leaf_der = pki_->der(leaf);
    Bytes ca_der = pki_->der("ca");
    Result<Certificate> cert = parse_certificate(leaf_der);
    Result<Certificate> issuer = parse_certificate(ca_der);
    EXPECT_TRUE(cert.ok() && issuer.ok());
    if (!cert.ok()) {
      return cert.error();
    }
    if (!issuer.ok()) {
      return issuer.error();
    }
    return check_ocsp_response(response, *cert, *issuer, now, kSkew, crypto::openssl_provider());
  }

  void expect_refused(const Result<OcspVerdict>& v, const std::string& needle) const {
    ASSERT_FALSE(v.ok()) << v->detail;
    EXPECT_EQ(v.error().kind, ErrorKind::kInvalidCertificate);
    EXPECT_EQ(v.error().alert, AlertDescription::bad_certificate_status_response);
    EXPECT_NE(v.error().reason.find(needle), std::string::npos) << v.error().reason;
  }

  static std::unique_ptr<Pki> pki_;
  static std::string error_;
  static bool skip_;
  int64_t now_ = 0;
  std::string last_response_path_;
};

std::unique_ptr<Pki> OcspOpensslTest::pki_;
std::string OcspOpensslTest::error_;
bool OcspOpensslTest::skip_ = false;

TEST_F(OcspOpensslTest, Good) {
  Bytes resp = respond("leaf_good", "ca", "ca");
  Result<OcspVerdict> v = check(resp, "leaf_good", now_);
  ASSERT_TRUE(v.ok()) << v.error().to_string() << "\n" << x509::describe_ocsp_response(resp);
  EXPECT_EQ(v->status, OcspVerdict::Status::kGood);
  EXPECT_NE(v->detail.find("signed by O=glasstls OCSP test, CN=OCSP Test CA (the issuer)"),
            std::string::npos)
      << v->detail;
  // openssl ocsp sets nextUpdate -ndays after thisUpdate.
  ASSERT_TRUE(v->next_update.has_value());
  EXPECT_EQ(*v->next_update - v->this_update, 2 * 86400);
  OpensslVerdict o = openssl_verdict("leaf_good");
  EXPECT_TRUE(o.verified) << o.output;
  EXPECT_EQ(o.status, "good") << o.output;
  // openssl adds a nonce (its request has one), which describe shows.
  std::string text = x509::describe_ocsp_response(resp);
  EXPECT_NE(text.find("extension nonce: "), std::string::npos) << text;
  EXPECT_NE(text.find(": good; thisUpdate"), std::string::npos) << text;
}

TEST_F(OcspOpensslTest, Revoked) {
  Bytes resp = respond("leaf_revoked", "ca", "ca");
  Result<OcspVerdict> v = check(resp, "leaf_revoked", now_);
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  EXPECT_EQ(v->status, OcspVerdict::Status::kRevoked);
  EXPECT_EQ(v->reason, 1);  // keyCompromise
  ASSERT_TRUE(v->revocation_time.has_value());
  // Revoked by SetUpTestSuite, moments ago.
  EXPECT_LE(*v->revocation_time, now_ + 1);
  EXPECT_GE(*v->revocation_time, now_ - 600);
  EXPECT_NE(v->detail.find("(keyCompromise)"), std::string::npos) << v->detail;
  OpensslVerdict o = openssl_verdict("leaf_revoked");
  EXPECT_TRUE(o.verified) << o.output;
  EXPECT_EQ(o.status, "revoked") << o.output;
}

TEST_F(OcspOpensslTest, UnknownSerial) {
  Bytes resp = respond("leaf_unknown", "ca", "ca");
  Result<OcspVerdict> v = check(resp, "leaf_unknown", now_);
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  EXPECT_EQ(v->status, OcspVerdict::Status::kUnknown);
  OpensslVerdict o = openssl_verdict("leaf_unknown");
  EXPECT_TRUE(o.verified) << o.output;
  EXPECT_EQ(o.status, "unknown") << o.output;
  // The response is about leaf_unknown, not leaf_good.
  expect_refused(check(resp, "leaf_good", now_), "no SingleResponse is about the certificate");
}

TEST_F(OcspOpensslTest, ExpiredResponse) {
  Bytes resp = respond("leaf_good", "ca", "ca", {}, 1);
  Result<OcspVerdict> v = check(resp, "leaf_good", now_);
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  expect_refused(check(resp, "leaf_good", now_ + 2 * 86400), "expired: nextUpdate");
  // Checked before it was produced (beyond the skew), it is not yet valid.
  expect_refused(check(resp, "leaf_good", now_ - 3600), "not yet valid");
}

TEST_F(OcspOpensslTest, ResponseSignedByAnotherCaIsRefused) {
  // openssl includes the signer's certificate, which is not a delegate of the issuer.
  Bytes resp = respond("leaf_good", "other", "other");
  expect_refused(check(resp, "leaf_good", now_),
                 "CN=Other CA was issued by CN=Other CA, not by O=glasstls OCSP test");
  OpensslVerdict o = openssl_verdict("leaf_good");
  EXPECT_FALSE(o.verified) << o.output;
  // Without it, the responder is simply unknown.
  resp = respond("leaf_good", "other", "other", {"-resp_no_certs"});
  expect_refused(check(resp, "leaf_good", now_), "which is neither");
  o = openssl_verdict("leaf_good");
  EXPECT_FALSE(o.verified) << o.output;
}

TEST_F(OcspOpensslTest, DelegatedResponder) {
  Bytes resp = respond("leaf_good", "responder", "responder");
  Result<OcspVerdict> v = check(resp, "leaf_good", now_);
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  EXPECT_EQ(v->status, OcspVerdict::Status::kGood);
  EXPECT_NE(v->detail.find("signed by CN=OCSP Responder (delegated responder)"), std::string::npos)
      << v->detail;
  OpensslVerdict o = openssl_verdict("leaf_good");
  EXPECT_TRUE(o.verified) << o.output;

  // Without its certificate in the response, the responder is unknown.
  resp = respond("leaf_good", "responder", "responder", {"-resp_no_certs"});
  expect_refused(check(resp, "leaf_good", now_), "which is neither");
}

TEST_F(OcspOpensslTest, DelegatedResponderWithoutOcspSigningIsRefused) {
  Bytes resp = respond("leaf_good", "plain_responder", "responder");
  expect_refused(check(resp, "leaf_good", now_), "no extKeyUsage id-kp-OCSPSigning");
  OpensslVerdict o = openssl_verdict("leaf_good");
  EXPECT_FALSE(o.verified) << o.output;
}

TEST_F(OcspOpensslTest, ResponderByKeyId) {
  for (const char* signer : {"ca", "responder"}) {
    SCOPED_TRACE(signer);
    Bytes resp = respond("leaf_good", signer, signer, {"-resp_key_id"});
    Result<x509::OcspResponse> parsed = x509::parse_ocsp_response(resp);
    ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
    EXPECT_TRUE(parsed->responder_name.empty());
    EXPECT_EQ(parsed->responder_key_hash.size(), 20u);
    Result<OcspVerdict> v = check(resp, "leaf_good", now_);
    ASSERT_TRUE(v.ok()) << v.error().to_string();
    EXPECT_EQ(v->status, OcspVerdict::Status::kGood);
    OpensslVerdict o = openssl_verdict("leaf_good");
    EXPECT_TRUE(o.verified) << o.output;
  }
  // The issuer signing by key id needs no certificate in the response.
  Bytes resp = respond("leaf_good", "ca", "ca", {"-resp_key_id", "-resp_no_certs"});
  Result<OcspVerdict> v = check(resp, "leaf_good", now_);
  ASSERT_TRUE(v.ok()) << v.error().to_string();
}

}  // namespace
}  // namespace glasstls::x509test
