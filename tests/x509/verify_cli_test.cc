// verify_cli_test.cc: `glasstls verify` (tools/glasstls/verify.cc), run as a child process.
//
// A small PKI (Root, Intermediate, a leaf for www.example.com and 192.0.2.10, an expired leaf)
// is made at test time with the openssl command line. The tests skip when openssl is missing,
// and when the glasstls binary does not dispatch the verify subcommand yet.

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "interop/process.h"
#include "x509/corpus.h"

#ifndef GLASSTLS_CLI
#error "GLASSTLS_CLI must name the glasstls executable"
#endif

namespace glasstls::x509test {
namespace {

constexpr const char kAt[] = "2025-06-01T00:00:00Z";

class VerifyCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    pki_ = Pki::create(error).release();
    if (pki_ == nullptr) {
      error_ = error;
      return;
    }
    Pki& p = *pki_;
    bool ok = p.key("root", KeyKind::kP256) && p.key("inter", KeyKind::kP256) &&
              p.key("leaf", KeyKind::kRsa2048) &&
              p.issue({"root", "", "root", "/O=Glasstls CLI/CN=CLI Root", kRootExt}) &&
              p.issue({"inter", "root", "inter", "/O=Glasstls CLI/CN=CLI Inter", kCaExt}) &&
              p.issue({"leaf", "inter", "leaf", "/CN=www.example.com",
                       leaf_ext("DNS:www.example.com, IP:192.0.2.10"), kLeafStart, kLeafEnd}) &&
              p.issue({"expired", "inter", "leaf", "/CN=www.example.com",
                       leaf_ext("DNS:www.example.com"), "20230101000000Z", "20250101000000Z"});
    if (!ok) {
      error_ = p.error();
      return;
    }
    chain_ = p.bundle("chain.pem", {"leaf", "inter"});
    expired_chain_ = p.bundle("expired_chain.pem", {"expired", "inter"});
    leaf_der_ = p.dir() + "/leaf.der";
    Bytes der = p.der("leaf");
    interop::write_text(leaf_der_, std::string(der.begin(), der.end()));
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
    std::string out;
    int status = run({"--help"}, out);
    if (status != 0 && out.find("unknown command") != std::string::npos) {
      GTEST_SKIP() << "this glasstls binary has no verify subcommand (tools/glasstls/main.cc)";
    }
  }

  // run runs `glasstls verify args...` and returns its exit status, with stdout and stderr in
  // `out`.
  static int run(const std::vector<std::string>& args, std::string& out) {
    std::vector<std::string> argv;
    argv.push_back(GLASSTLS_CLI);
    argv.push_back("verify");
    for (const std::string& a : args) {
      argv.push_back(a);
    }
    return interop::run(argv, pki_->dir(), "cli" + std::to_string(runs_++),
                        interop::milliseconds(30000), &out);
  }

  static std::string root() { return pki_->cert_path("root"); }

  static Pki* pki_;
  static std::string error_;
  static std::string chain_;
  static std::string expired_chain_;
  static std::string leaf_der_;
  static int runs_;
};

Pki* VerifyCli::pki_ = nullptr;
std::string VerifyCli::error_;
std::string VerifyCli::chain_;
std::string VerifyCli::expired_chain_;
std::string VerifyCli::leaf_der_;
int VerifyCli::runs_ = 0;

TEST_F(VerifyCli, Help) {
  std::string out;
  EXPECT_EQ(run({"--help"}, out), 0) << out;
  EXPECT_NE(out.find("usage: glasstls verify"), std::string::npos) << out;
  for (const char* option : {"--cafile", "--host", "--ip", "--time", "--purpose"}) {
    EXPECT_NE(out.find(option), std::string::npos) << option;
  }
}

TEST_F(VerifyCli, ValidChainPrintsThePath) {
  std::string out;
  ASSERT_EQ(run({"--cafile", root(), "--host", "www.example.com", "--time", kAt, chain_}, out), 0)
      << out;
  EXPECT_NE(out.find("OK: path of 3 certificates"), std::string::npos) << out;
  EXPECT_NE(out.find("  0  subject: CN=www.example.com | issuer: O=Glasstls CLI, CN=CLI Inter | "
                     "valid 2024-01-01T00:00:00Z to 2027-01-01T00:00:00Z | RSA-2048"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("  1  subject: O=Glasstls CLI, CN=CLI Inter | issuer: O=Glasstls CLI, "
                     "CN=CLI Root | valid 2020-01-01T00:00:00Z to 2040-01-01T00:00:00Z | "
                     "ECDSA P-256"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("  2  subject: O=Glasstls CLI, CN=CLI Root | issuer: O=Glasstls CLI, "
                     "CN=CLI Root"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("at 2025-06-01T00:00:00Z"), std::string::npos) << out;
}

TEST_F(VerifyCli, TimeFormats) {
  std::string out;
  EXPECT_EQ(run({"--cafile", root(), "--time", "2025-06-01", chain_}, out), 0) << out;
  EXPECT_EQ(run({"--cafile", root(), "--time", "2025-06-01 12:30", chain_}, out), 0) << out;
  EXPECT_EQ(run({"--cafile", root(), "--time=2025-06-01T12:30:15Z", chain_}, out), 0) << out;
}

TEST_F(VerifyCli, WrongHostFails) {
  std::string out;
  EXPECT_EQ(run({"--cafile", root(), "--host", "other.example.com", "--time", kAt, chain_}, out), 1)
      << out;
  EXPECT_NE(out.find("FAILED: "), std::string::npos) << out;
  EXPECT_NE(out.find("certificates given:"), std::string::npos) << out;
}

TEST_F(VerifyCli, IpAddress) {
  std::string out;
  EXPECT_EQ(run({"--cafile", root(), "--ip", "192.0.2.10", "--time", kAt, chain_}, out), 0) << out;
  EXPECT_EQ(run({"--cafile", root(), "--ip", "192.0.2.11", "--time", kAt, chain_}, out), 1) << out;
  EXPECT_EQ(run({"--cafile", root(), "--ip", "2001:db8::1", "--time", kAt, chain_}, out), 1) << out;
}

TEST_F(VerifyCli, ExpiredAndNotYetValid) {
  std::string out;
  EXPECT_EQ(run({"--cafile", root(), "--time", kAt, expired_chain_}, out), 1) << out;
  EXPECT_NE(out.find("FAILED: certificate_expired"), std::string::npos) << out;
  EXPECT_EQ(run({"--cafile", root(), "--time", "2028-01-01", chain_}, out), 1) << out;
  EXPECT_EQ(run({"--cafile", root(), "--time", "2023-06-01", chain_}, out), 1) << out;
}

TEST_F(VerifyCli, Purpose) {
  std::string out;
  EXPECT_EQ(run({"--cafile", root(), "--purpose", "server", "--time", kAt, chain_}, out), 0) << out;
  EXPECT_EQ(run({"--cafile", root(), "--purpose", "client", "--time", kAt, chain_}, out), 1) << out;
}

TEST_F(VerifyCli, DerLeafWithIntermediateAsAnchor) {
  std::string out;
  EXPECT_EQ(run({"--cafile", pki_->cert_path("inter"), "--time", kAt, leaf_der_}, out), 0) << out;
  EXPECT_NE(out.find("OK: path of 2 certificates"), std::string::npos) << out;
}

TEST_F(VerifyCli, UntrustedBySystemStore) {
  if (::access("/etc/ssl/certs/ca-certificates.crt", R_OK) != 0) {
    GTEST_SKIP() << "no system store";
  }
  std::string out;
  EXPECT_EQ(run({"--time", kAt, chain_}, out), 1) << out;
  EXPECT_NE(out.find("trust store: system"), std::string::npos) << out;
  EXPECT_NE(out.find("FAILED: unknown_ca"), std::string::npos) << out;
}

TEST_F(VerifyCli, UsageErrors) {
  std::string out;
  EXPECT_EQ(run({}, out), 2) << out;
  EXPECT_EQ(run({chain_, chain_}, out), 2) << out;
  EXPECT_EQ(run({"--bogus", chain_}, out), 2) << out;
  EXPECT_EQ(run({"--purpose", "email", chain_}, out), 2) << out;
  EXPECT_EQ(run({"--time", "yesterday", chain_}, out), 2) << out;
  EXPECT_EQ(run({"--time", "2025-02-30", chain_}, out), 2) << out;
  EXPECT_EQ(run({"--ip", "300.1.1.1", chain_}, out), 2) << out;
  EXPECT_EQ(run({"--cafile", root(), pki_->dir() + "/missing.pem"}, out), 2) << out;
  EXPECT_EQ(run({"--cafile", pki_->dir() + "/missing.pem", chain_}, out), 2) << out;
  EXPECT_EQ(run({"--cafile", root(), pki_->dir() + "/ca.cnf"}, out), 2) << out;
}

}  // namespace
}  // namespace glasstls::x509test
