// load_test.cc: `glasstls server --concurrent --echo` under `glasstls load`.
//
// A throwaway ECDSA P-256 certificate is made with `openssl req` (the tests skip when openssl
// is missing). The server and the load generator run as child processes
// (tests/interop/process.h): every wait is bounded and every child is killed and reaped when
// its test ends.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "interop/process.h"

#ifndef GLASSTLS_CLI
#error "GLASSTLS_CLI must name the glasstls executable"
#endif

namespace glasstls::interop {
namespace {

constexpr milliseconds kStartTimeout{10000};
constexpr milliseconds kLoadTimeout{90000};
constexpr milliseconds kStopTimeout{10000};

struct Throwaway {
  std::unique_ptr<TempDir> dir = std::make_unique<TempDir>();
  std::string cert;
  std::string key;
  std::string error;
};

Throwaway make_certificate(const std::string& openssl) {
  Throwaway t;
  t.cert = t.dir->file("cert.pem");
  t.key = t.dir->file("key.pem");
  std::string output;
  int status =
      run({openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
           "-nodes", "-keyout", t.key, "-out", t.cert, "-days", "2", "-subj", "/CN=localhost"},
          t.dir->path(), "req", milliseconds(20000), &output);
  if (status != 0) {
    t.error = "openssl req failed (" + std::to_string(status) + "): " + output;
  }
  return t;
}

// listening_port finds "listening on HOST:PORT" in the server's stderr (0 if absent).
int listening_port(const std::string& err) {
  std::smatch m;
  static const std::regex kListening("listening on [^\\s]*:([0-9]+)");
  if (std::regex_search(err, m, kListening)) {
    return std::stoi(m[1].str());
  }
  return 0;
}

TEST(Load, ConcurrentEchoServerHoldsThreeHundredConnections) {
  std::string openssl = find_program("openssl");
  if (openssl.empty()) {
    GTEST_SKIP() << "openssl is not installed";
  }
  Throwaway pki = make_certificate(openssl);
  ASSERT_TRUE(pki.error.empty()) << pki.error;

  std::unique_ptr<Child> server =
      Child::spawn({GLASSTLS_CLI, "server", "--concurrent", "--echo", "--port", "0", "--cert",
                    pki.cert, "--key", pki.key, "--max-seconds", "120"},
                   pki.dir->path(), "server");
  ASSERT_NE(server, nullptr);
  ASSERT_TRUE(server->wait_for_err("listening on", kStartTimeout)) << server->log();
  int port = listening_port(server->err());
  ASSERT_GT(port, 0) << server->log();

  std::unique_ptr<Child> load = Child::spawn(
      {GLASSTLS_CLI, "load", "127.0.0.1:" + std::to_string(port), "-n", "300", "--insecure",
       "--duration", "60", "--server-pid", std::to_string(server->pid())},
      pki.dir->path(), "load");
  ASSERT_NE(load, nullptr);
  std::optional<int> status = load->wait_exit(kLoadTimeout);
  ASSERT_TRUE(status.has_value()) << load->log() << server->log();
  EXPECT_EQ(*status, 0) << load->log() << server->log();
  std::string out = load->out();
  EXPECT_NE(out.find("established: 300\n"), std::string::npos) << load->log();
  EXPECT_NE(out.find("failures: 0\n"), std::string::npos) << load->log();
  EXPECT_NE(out.find("handshakes: 300\n"), std::string::npos) << load->log();
  EXPECT_NE(out.find("server RSS per connection:"), std::string::npos) << load->log();
  EXPECT_NE(out.find("closed with close_notify both ways: 300\n"), std::string::npos)
      << load->log();

  ASSERT_EQ(::kill(server->pid(), SIGTERM), 0);
  std::optional<int> server_status = server->wait_exit(kStopTimeout);
  ASSERT_TRUE(server_status.has_value()) << server->log();
  EXPECT_EQ(*server_status, 0) << server->log();
  std::string err = server->err();
  EXPECT_NE(err.find("accepted=300 "), std::string::npos) << server->log();
  EXPECT_NE(err.find("handshakes=300 "), std::string::npos) << server->log();
  EXPECT_NE(err.find("failures=0 "), std::string::npos) << server->log();
  EXPECT_NE(err.find("peak_concurrent=300 "), std::string::npos) << server->log();
}

TEST(Load, RefusesNonLoopbackTargets) {
  TempDir dir;
  for (const char* target : {"10.1.2.3:443", "[2001:db8::1]:443", "[::ffff:127.0.0.1]:443"}) {
    std::string output;
    int status = run({GLASSTLS_CLI, "load", target, "-n", "1", "--insecure"}, dir.path(), "load",
                     milliseconds(10000), &output);
    EXPECT_EQ(status, 2) << target << ": " << output;
    EXPECT_NE(output.find("loopback"), std::string::npos) << target << ": " << output;
  }
}

TEST(Load, ConcurrentServerNeedsEcho) {
  TempDir dir;
  std::string output;
  int status = run({GLASSTLS_CLI, "server", "--concurrent", "--cert", "x", "--key", "y"},
                   dir.path(), "server", milliseconds(10000), &output);
  EXPECT_EQ(status, 2) << output;
  EXPECT_NE(output.find("--concurrent needs --echo"), std::string::npos) << output;
}

}  // namespace
}  // namespace glasstls::interop
