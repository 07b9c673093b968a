// revocation_test.cc: revocation checking inside path validation (verify_certificate_chain and
// the WebPKI verifier) and in `glasstls verify`, on CRLs and OCSP responses made at test time
// with `openssl ca -revoke/-gencrl` and `openssl ocsp`.
//
// OCSP responses carry thisUpdate = now (openssl ocsp has no option to date them), so every
// check here is made at the current time, and the certificates are valid from 2020 to 2040.

#include <gtest/gtest.h>

#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "api/harness.h"
#include "glasstls/config.h"
#include "glasstls/connection.h"
#include "glasstls/trace.h"
#include "glasstls/x509.h"
#include "interop/process.h"
#include "x509/corpus.h"

#ifndef GLASSTLS_CLI
#error "GLASSTLS_CLI must name the glasstls executable"
#endif

namespace glasstls::x509test {
namespace {

constexpr const char kEnd[] = "20400101000000Z";

class Revocation : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    pki_ = Pki::create(error).release();
    if (pki_ == nullptr) {
      error_ = error;
      return;
    }
    Pki& p = *pki_;
    const std::string www = "/CN=www.example.com";
    const std::string san = "DNS:www.example.com";
    auto leaf = [&](const char* name, const std::string& more = "") {
      return p.issue({name, "inter", "leaf", www,
                      leaf_ext(san, "serverAuth", "critical, digitalSignature", more), kCaStart,
                      kEnd});
    };
    bool ok = p.key("root", KeyKind::kP256) && p.key("inter", KeyKind::kP256) &&
              p.key("other", KeyKind::kP256) && p.key("leaf", KeyKind::kP256) &&
              p.key("responder", KeyKind::kP256) &&
              p.issue({"root", "", "root", "/CN=Revocation Root", kRootExt}) &&
              p.issue({"inter", "root", "inter", "/CN=Revocation Inter", kCaExt}) &&
              p.issue({"inter_revoked", "root", "inter", "/CN=Revocation Inter", kCaExt}) &&
              // Another CA with the same name as Inter but another key.
              p.issue({"impostor", "", "other", "/CN=Revocation Inter", kRootExt}) &&
              leaf("good") && leaf("revoked") && leaf("unknown_to_ocsp") &&
              leaf("must_staple", "tlsfeature = status_request\n") &&
              p.issue({"responder", "inter", "responder", "/CN=Revocation OCSP Responder",
                       "basicConstraints = critical, CA:FALSE\n"
                       "keyUsage = critical, digitalSignature\n"
                       "extendedKeyUsage = OCSPSigning\n"
                       "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n",
                       kCaStart, kEnd});
    // Revoke one leaf and the second copy of the intermediate, then make the CRLs of Inter
    // (listing the revoked leaf) and of Root (listing the revoked intermediate), and one signed
    // by the impostor.
    ok = ok && revoke("revoked", "inter", "keyCompromise") &&
         revoke("inter_revoked", "root", "cessationOfOperation") && gencrl("inter", "inter.crl") &&
         gencrl("root", "root.crl") && gencrl("impostor", "impostor.crl");
    if (!ok) {
      error_ = p.error().empty() ? last_error_ : p.error();
    }
  }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }

  void SetUp() override {
    if (pki_ == nullptr && error_ == "openssl not found") {
      GTEST_SKIP() << error_;
    }
    ASSERT_TRUE(error_.empty()) << error_;
  }

  static std::string key_of(const std::string& cert) {
    return cert == "impostor" ? "other" : cert == "inter_revoked" ? "inter" : cert;
  }

  static bool openssl(const std::vector<std::string>& args) {
    std::string out;
    if (pki_->run(args, out) != 0) {
      last_error_ = "openssl " + args[0] + ": " + out;
      return false;
    }
    return true;
  }

  static bool revoke(const std::string& cert, const std::string& issuer,
                     const std::string& reason) {
    return openssl({"ca", "-config", pki_->dir() + "/ca.cnf", "-revoke", pki_->cert_path(cert),
                    "-keyfile", pki_->key_path(key_of(issuer)), "-cert", pki_->cert_path(issuer),
                    "-crl_reason", reason});
  }

  static bool gencrl(const std::string& issuer, const std::string& file) {
    return openssl({"ca", "-config", pki_->dir() + "/ca.cnf", "-gencrl", "-keyfile",
                    pki_->key_path(key_of(issuer)), "-cert", pki_->cert_path(issuer), "-crldays",
                    "30", "-out", pki_->dir() + "/" + file});
  }

  // ocsp makes a DER OCSP response about `cert` signed by `signer` (a CA or a delegated
  // responder certificate) and returns its bytes (empty on failure).
  static Bytes ocsp(const std::string& cert, const std::string& signer = "inter") {
    std::string out_file = pki_->dir() + "/" + cert + "-by-" + signer + ".ocsp";
    if (!openssl({"ocsp", "-index", pki_->dir() + "/index.txt", "-rsigner", pki_->cert_path(signer),
                  "-rkey", pki_->key_path(key_of(signer)), "-CA", pki_->cert_path("inter"),
                  "-issuer", pki_->cert_path("inter"), "-cert", pki_->cert_path(cert), "-ndays",
                  "7", "-respout", out_file})) {
      return {};
    }
    std::string text = interop::read_text(out_file);
    return Bytes(text.begin(), text.end());
  }

  static std::shared_ptr<const CertificateRevocationLists> crls(
      const std::vector<std::string>& files) {
    std::vector<std::string> paths;
    for (const std::string& f : files) {
      paths.push_back(pki_->dir() + "/" + f);
    }
    auto r = CertificateRevocationLists::from_files(paths);
    EXPECT_TRUE(r.ok()) << r.error().reason;
    return r.ok() ? *r : nullptr;
  }

  static Result<VerifiedChain> verify(const std::string& leaf, const VerifyOptions& options,
                                      const std::string& inter = "inter") {
    auto store = TrustStore::from_der({pki_->der("root")});
    EXPECT_TRUE(store.ok());
    std::vector<Bytes> chain{pki_->der(leaf), pki_->der(inter)};
    VerifyOptions o = options;
    o.dns_name = "www.example.com";
    return verify_certificate_chain(**store, chain, o);
  }

  static int cli(const std::vector<std::string>& args, std::string& out) {
    std::vector<std::string> argv{GLASSTLS_CLI, "verify"};
    argv.insert(argv.end(), args.begin(), args.end());
    return interop::run(argv, pki_->dir(), "cli" + std::to_string(runs_++),
                        interop::milliseconds(30000), &out);
  }

  static Pki* pki_;
  static std::string error_;
  static std::string last_error_;
  static int runs_;
};

Pki* Revocation::pki_ = nullptr;
std::string Revocation::error_;
std::string Revocation::last_error_;
int Revocation::runs_ = 0;

void expect_error(const Result<VerifiedChain>& r, AlertDescription alert,
                  const std::vector<std::string>& parts) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().alert, alert) << r.error().reason;
  for (const std::string& p : parts) {
    EXPECT_NE(r.error().reason.find(p), std::string::npos) << r.error().reason;
  }
}

bool has_line(const VerifiedChain& v, const std::string& part) {
  for (const std::string& line : v.revocation) {
    if (line.find(part) != std::string::npos) {
      return true;
    }
  }
  return false;
}

TEST_F(Revocation, CrlsOfEveryIssuerInThePath) {
  VerifyOptions o;
  o.revocation.crls = crls({"inter.crl", "root.crl"});
  auto good = verify("good", o);
  ASSERT_TRUE(good.ok()) << good.error().reason;
  ASSERT_EQ(good->revocation.size(), 2u);
  EXPECT_TRUE(has_line(*good, "certificate 0 (CN=www.example.com): not revoked: CRL"));
  EXPECT_TRUE(has_line(*good, "certificate 1 (CN=Revocation Inter): not revoked: CRL"));
  // RFC 5280 6.3.3 (i): a serial on the CRL of its issuer.
  expect_error(verify("revoked", o), AlertDescription::certificate_revoked,
               {"certificate 0", "revoked", "keyCompromise"});
  // The intermediate, on its root's CRL.
  expect_error(verify("good", o, "inter_revoked"), AlertDescription::certificate_revoked,
               {"certificate 1", "cessationOfOperation"});
  // Without CRLs, nothing is checked and nothing is said.
  auto unchecked = verify("revoked", VerifyOptions{});
  ASSERT_TRUE(unchecked.ok());
  EXPECT_TRUE(unchecked->revocation.empty());
}

TEST_F(Revocation, MissingStatusIsSoftOrHardFail) {
  VerifyOptions o;
  o.revocation.crls = crls({"inter.crl"});  // nothing for certificates Root issued
  auto soft = verify("good", o);
  ASSERT_TRUE(soft.ok()) << soft.error().reason;
  EXPECT_TRUE(has_line(*soft, "certificate 1 (CN=Revocation Inter): status unknown, accepted"));
  o.revocation.missing = RevocationPolicy::kHardFail;
  expect_error(verify("good", o), AlertDescription::certificate_unknown,
               {"certificate 1", "revocation status is unknown", "hard-fail"});
  // Hard-fail for the certificates of one listed issuer only.
  o.revocation.missing = RevocationPolicy::kSoftFail;
  o.revocation.hard_fail_issuers = {pki_->der("root")};
  expect_error(verify("good", o), AlertDescription::certificate_unknown,
               {"certificate 1", "issuer is listed as hard-fail"});
  o.revocation.hard_fail_issuers = {pki_->der("inter")};
  EXPECT_TRUE(verify("good", o).ok());
  // A CRL with the right issuer name but another key does not count (its signature fails).
  VerifyOptions impostor;
  impostor.revocation.crls = crls({"impostor.crl"});
  impostor.revocation.missing = RevocationPolicy::kHardFail;
  expect_error(verify("good", impostor), AlertDescription::certificate_unknown,
               {"certificate 0", "signature"});
}

TEST_F(Revocation, OcspResponseForTheLeaf) {
  VerifyOptions o;
  o.revocation.ocsp_response = ocsp("good");
  ASSERT_FALSE(o.revocation.ocsp_response.empty()) << last_error_;
  auto good = verify("good", o);
  ASSERT_TRUE(good.ok()) << good.error().reason;
  EXPECT_TRUE(has_line(*good, "certificate 0 (CN=www.example.com): not revoked: OCSP"));
  // A delegated responder (id-kp-OCSPSigning, issued by Inter).
  o.revocation.ocsp_response = ocsp("good", "responder");
  EXPECT_TRUE(verify("good", o).ok());
  // Revoked.
  o.revocation.ocsp_response = ocsp("revoked");
  expect_error(verify("revoked", o), AlertDescription::certificate_revoked,
               {"certificate 0", "revoked"});
  // A response about another certificate is unacceptable.
  o.revocation.ocsp_response = ocsp("unknown_to_ocsp");
  expect_error(verify("good", o), AlertDescription::bad_certificate_status_response,
               {"certificate 0", "OCSP response"});
  // Signed by a CA that is not the leaf's issuer.
  o.revocation.ocsp_response = ocsp("good", "root");
  expect_error(verify("good", o), AlertDescription::bad_certificate_status_response, {"OCSP"});
  // Garbage.
  o.revocation.ocsp_response = Bytes{0x30, 0x03, 0x0a, 0x01, 0x00};
  expect_error(verify("good", o), AlertDescription::bad_certificate_status_response, {"OCSP"});
  // A good OCSP answer for the leaf, the CRL for the intermediate, under hard-fail.
  o.revocation.ocsp_response = ocsp("good");
  o.revocation.crls = crls({"root.crl"});
  o.revocation.missing = RevocationPolicy::kHardFail;
  auto both = verify("good", o);
  ASSERT_TRUE(both.ok()) << both.error().reason;
  EXPECT_TRUE(has_line(*both, "certificate 0 (CN=www.example.com): not revoked: OCSP"));
  EXPECT_TRUE(has_line(*both, "certificate 1 (CN=Revocation Inter): not revoked: CRL"));
}

TEST_F(Revocation, MustStapleThroughTheWebPkiVerifier) {
  auto store = TrustStore::from_der({pki_->der("root")});
  ASSERT_TRUE(store.ok());
  std::vector<Bytes> must{pki_->der("must_staple"), pki_->der("inter")};
  std::vector<Bytes> plain{pki_->der("good"), pki_->der("inter")};
  auto verifier = webpki_verifier(*store, CertificatePurpose::kServerAuth);
  ASSERT_TRUE(verifier->wants_ocsp_staple());
  // RFC 7633 section 4.2.3.1: no staple for a must-staple certificate.
  Status none = verifier->verify_stapled(must, "www.example.com", {});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().alert, AlertDescription::bad_certificate_status_response);
  EXPECT_NE(none.error().reason.find("RFC 7633"), std::string::npos) << none.error().reason;
  EXPECT_TRUE(verifier->verify_stapled(plain, "www.example.com", {}).ok());
  Bytes staple = ocsp("must_staple");
  ASSERT_FALSE(staple.empty()) << last_error_;
  Status stapled = verifier->verify_stapled(must, "www.example.com", staple);
  EXPECT_TRUE(stapled.ok()) << stapled.error().reason;
  // A revoked staple fails the chain.
  Bytes revoked = ocsp("revoked");
  std::vector<Bytes> revoked_chain{pki_->der("revoked"), pki_->der("inter")};
  Status r = verifier->verify_stapled(revoked_chain, "www.example.com", revoked);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().alert, AlertDescription::certificate_revoked);
  // A client that did not ask for a staple cannot hold its absence against the server.
  auto quiet = webpki_verifier(*store, CertificatePurpose::kServerAuth, VerifyOptions{}, false);
  EXPECT_FALSE(quiet->wants_ocsp_staple());
  EXPECT_TRUE(quiet->verify_stapled(must, "www.example.com", {}).ok());
}

// Recorder keeps every trace event.
class Recorder : public TraceObserver {
 public:
  void on_event(const TraceEvent& event) override { events.push_back(event); }
  std::vector<TraceEvent> events;
};

// handshake runs an in-memory handshake: a server for `leaf` (under Inter) stapling `staple`
// (nothing when empty), and a client with the WebPKI verifier trusting Root. Returns the
// client's error (nullopt when both sides established) and, through `server_error`, what the
// server saw.
std::optional<Error> staple_handshake(Pki& pki, const std::string& leaf, const Bytes& staple,
                                      std::optional<Error>* server_error = nullptr,
                                      std::shared_ptr<TraceObserver> observer = nullptr) {
  auto key = PrivateKey::from_pem(interop::read_text(pki.key_path("leaf")));
  EXPECT_TRUE(key.ok());
  auto server_config = ServerConfig::Builder()
                           .add_certificate({pki.der(leaf), pki.der("inter")}, *key, {},
                                            std::make_shared<OcspStaple>(staple))
                           .build();
  auto store = TrustStore::from_der({pki.der("root")});
  auto client_config = ClientConfig::Builder()
                           .verifier(webpki_verifier(*store, CertificatePurpose::kServerAuth))
                           .build();
  EXPECT_TRUE(server_config.ok() && client_config.ok());
  auto client = observer ? Connection::client(*client_config, "www.example.com", observer)
                         : Connection::client(*client_config, "www.example.com");
  auto server = Connection::server(*server_config);
  EXPECT_TRUE(client.ok() && server.ok());
  if (testing::handshake(*client, *server)) {
    return std::nullopt;
  }
  if (server_error != nullptr && server->error() != nullptr) {
    *server_error = *server->error();
  }
  if (client->error() == nullptr) {
    return make_error(ErrorKind::kInternal, AlertDescription::internal_error,
                      "the handshake stopped without an error on the client");
  }
  return *client->error();
}

// RFC 6066 section 8 and RFC 8446 section 4.4.2.1 over a real handshake: a revoked staple, a
// staple about another certificate, and a must-staple certificate without one all fail the
// handshake with the alert on the wire; a good staple completes it.
TEST_F(Revocation, StapledResponsesDecideTheHandshake) {
  EXPECT_EQ(staple_handshake(*pki_, "good", ocsp("good")), std::nullopt);
  EXPECT_EQ(staple_handshake(*pki_, "good", {}), std::nullopt);
  std::optional<Error> seen;
  std::optional<Error> revoked = staple_handshake(*pki_, "revoked", ocsp("revoked"), &seen);
  ASSERT_TRUE(revoked.has_value());
  EXPECT_EQ(revoked->alert, AlertDescription::certificate_revoked) << revoked->reason;
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->kind, ErrorKind::kAlertReceived);
  EXPECT_EQ(seen->alert, AlertDescription::certificate_revoked);
  std::optional<Error> wrong = staple_handshake(*pki_, "good", ocsp("unknown_to_ocsp"));
  ASSERT_TRUE(wrong.has_value());
  EXPECT_EQ(wrong->alert, AlertDescription::bad_certificate_status_response) << wrong->reason;
  std::optional<Error> must = staple_handshake(*pki_, "must_staple", {}, &seen);
  ASSERT_TRUE(must.has_value());
  EXPECT_EQ(must->alert, AlertDescription::bad_certificate_status_response) << must->reason;
  EXPECT_EQ(seen->alert, AlertDescription::bad_certificate_status_response);
  EXPECT_EQ(staple_handshake(*pki_, "must_staple", ocsp("must_staple")), std::nullopt);
}

// The illustrated view of a handshake whose server staples an OCSP response shows the response
// decoded (by the parser the verifier uses) and the verifier's decision, path and revocation.
TEST_F(Revocation, TraceShowsTheStapleAndTheDecision) {
  auto recorder = std::make_shared<Recorder>();
  ASSERT_EQ(staple_handshake(*pki_, "good", ocsp("good"), nullptr, recorder), std::nullopt);
  std::string text = render_text(recorder->events, RenderOptions{});
  for (const char* part :
       {"response: OCSP response: successful; responder: by name, CN=Revocation Inter",
        "(CertID hash SHA-1): good", "verifier: stapled OCSP response",
        "verifier: certificate chain accepted: CN=www.example.com <- "
        "CN=Revocation Inter <- CN=Revocation Root",
        "verifier: revocation: certificate 0 (CN=www.example.com): not "
        "revoked: OCSP"}) {
    EXPECT_NE(text.find(part), std::string::npos) << "no \"" << part << "\" in\n" << text;
  }
}

// `glasstls client --crl` against `glasstls server`: a revoked server certificate fails the
// handshake (certificate_revoked), a good one passes, and the summary says what was checked.
TEST_F(Revocation, ClientCommandLine) {
  std::string key = pki_->key_path("leaf");
  std::string root = pki_->cert_path("root");
  std::string inter_crl = pki_->dir() + "/inter.crl";
  for (const char* leaf : {"good", "revoked"}) {
    std::string chain = pki_->bundle(std::string(leaf) + "-served.pem", {leaf, "inter"});
    std::unique_ptr<interop::Child> server = interop::Child::spawn(
        {GLASSTLS_CLI, "server", "--port", "0", "--cert", chain, "--key", key}, pki_->dir(),
        std::string("server-") + leaf);
    ASSERT_TRUE(server && server->wait_for_err("listening on", interop::milliseconds(20000)))
        << (server ? server->log() : "");
    std::string err = server->err();
    size_t at = err.find("listening on ");
    std::string line = err.substr(at, err.find('\n', at) - at);
    std::string port = line.substr(line.rfind(':') + 1);
    std::string out;
    int status = interop::run({GLASSTLS_CLI, "client", "127.0.0.1:" + port, "--servername",
                               "www.example.com", "--cafile", root, "--crl", inter_crl},
                              pki_->dir(), std::string("client-") + leaf,
                              interop::milliseconds(30000), &out);
    if (std::string(leaf) == "good") {
      EXPECT_EQ(status, 0) << out;
      EXPECT_NE(out.find("revocation checked against 1 CRL"), std::string::npos) << out;
    } else {
      EXPECT_NE(status, 0) << out;
      EXPECT_NE(out.find("certificate_revoked"), std::string::npos) << out;
    }
  }
  std::string out;
  EXPECT_NE(interop::run({GLASSTLS_CLI, "client", "127.0.0.1:1", "--insecure", "--crl", inter_crl},
                         pki_->dir(), "client-usage", interop::milliseconds(30000), &out),
            0);
  EXPECT_NE(out.find("go with chain validation"), std::string::npos) << out;
}

TEST_F(Revocation, VerifyCommandLine) {
  std::string chain = pki_->bundle("revoked-chain.pem", {"revoked", "inter"});
  std::string good = pki_->bundle("good-chain.pem", {"good", "inter"});
  std::string root = pki_->cert_path("root");
  std::string inter_crl = pki_->dir() + "/inter.crl";
  std::string root_crl = pki_->dir() + "/root.crl";
  std::string out;
  EXPECT_EQ(cli({"--cafile", root, "--host", "www.example.com", "--crl", inter_crl, chain}, out), 1)
      << out;
  EXPECT_NE(out.find("certificate_revoked"), std::string::npos) << out;
  EXPECT_EQ(cli({"--cafile", root, "--crl", inter_crl, "--crl", root_crl, good}, out), 0) << out;
  EXPECT_NE(out.find("revocation:"), std::string::npos) << out;
  EXPECT_NE(out.find("not revoked"), std::string::npos) << out;
  EXPECT_EQ(cli({"--cafile", root, "--crl", inter_crl, "--revocation", "hard", good}, out), 1)
      << out;
  EXPECT_NE(out.find("revocation status is unknown"), std::string::npos) << out;
  EXPECT_EQ(cli({"--cafile", root, "--crl", inter_crl, "--hard-fail-issuer", root, good}, out), 1)
      << out;
  std::string response = pki_->dir() + "/good-by-inter.ocsp";
  ASSERT_FALSE(ocsp("good").empty()) << last_error_;
  EXPECT_EQ(cli({"--cafile", root, "--ocsp-response", response, good}, out), 0) << out;
  EXPECT_NE(out.find("OCSP"), std::string::npos) << out;
  EXPECT_EQ(cli({"--cafile", root, "--max-depth", "2", good}, out), 1) << out;
  EXPECT_NE(out.find("max_depth 2"), std::string::npos) << out;
  EXPECT_EQ(cli({"--cafile", root, "--revocation", "sometimes", good}, out), 2) << out;
  EXPECT_EQ(cli({"--cafile", root, "--crl", root + ".missing", good}, out), 2) << out;
  EXPECT_EQ(cli({"--cafile", root, "--min-rsa-bits", "1024", good}, out), 2) << out;
}

}  // namespace
}  // namespace glasstls::x509test
