// load_test.cc: `glasstls server --concurrent --echo` and nginx under `glasstls load`.
//
// A throwaway ECDSA P-256 certificate is made with `openssl req` (the tests skip when openssl
// is missing). The server and the load generator run as child processes
// (tests/interop/process.h): every wait is bounded and every child is killed and reaped when
// its test ends.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
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

// children_of lists the processes whose parent is `parent` (from /proc/PID/stat).
std::vector<int> children_of(int parent) {
  std::vector<int> children;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    std::ifstream in(entry.path() / "stat");
    std::string stat;
    std::getline(in, stat);
    // "PID (COMM) STATE PPID ...": COMM may hold spaces and parentheses; it ends at the last ')'.
    size_t close = stat.rfind(')');
    if (close == std::string::npos) {
      continue;
    }
    char state = 0;
    int ppid = 0;
    if (std::sscanf(stat.c_str() + close + 1, " %c %d", &state, &ppid) == 2 && ppid == parent) {
      children.push_back(std::stoi(name));
    }
  }
  return children;
}

// number_after returns the number printed after `label` in `text` (-1 when absent).
double number_after(const std::string& text, const std::string& label) {
  size_t at = text.find(label);
  return at == std::string::npos ? -1 : std::strtod(text.c_str() + at + label.size(), nullptr);
}

// The handshake-only load (--request 0) is what scripts/load runs against both servers; against
// nginx the measured processes are its two workers, named in one --server-pid list.
TEST(Load, HandshakeOnlyLoadAgainstNginxWorkers) {
  std::string openssl = find_program("openssl");
  std::string nginx =
      ::access("/usr/sbin/nginx", X_OK) == 0 ? "/usr/sbin/nginx" : find_program("nginx");
  if (openssl.empty() || nginx.empty()) {
    GTEST_SKIP() << "openssl or nginx is not installed";
  }
  Throwaway pki = make_certificate(openssl);
  ASSERT_TRUE(pki.error.empty()) << pki.error;
  const std::string d = pki.dir->path();
  const uint16_t port = free_port();
  ASSERT_NE(port, 0);
  std::string conf = "worker_processes 2;\npid " + d + "/nginx.pid;\nerror_log " + d +
                     "/error.log warn;\nevents { worker_connections 512; }\nhttp {\n"
                     "  access_log off;\n  ssl_protocols TLSv1.3;\n"
                     "  ssl_session_tickets off;\n  ssl_conf_command NumTickets 0;\n";
  for (const char* temp : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
    conf += "  " + std::string(temp) + "_temp_path " + d + "/" + temp + ";\n";
  }
  conf += "  server {\n    listen 127.0.0.1:" + std::to_string(port) +
          " ssl;\n    ssl_certificate " + pki.cert + ";\n    ssl_certificate_key " + pki.key +
          ";\n    return 200;\n  }\n}\n";
  ASSERT_TRUE(write_text(d + "/nginx.conf", conf));
  std::unique_ptr<Child> master = Child::spawn(
      {nginx, "-p", d, "-e", d + "/stderr.log", "-c", d + "/nginx.conf", "-g", "daemon off;"}, d,
      "nginx");
  ASSERT_NE(master, nullptr);
  ASSERT_TRUE(wait_port_open(port, kStartTimeout)) << master->log() << read_text(d + "/error.log");
  std::vector<int> workers;
  for (auto until = Clock::now() + kStartTimeout; workers.size() < 2 && Clock::now() < until;) {
    workers = children_of(master->pid());
    std::this_thread::sleep_for(milliseconds(20));
  }
  ASSERT_EQ(workers.size(), 2u) << master->log();
  const std::string pids = std::to_string(workers[0]) + "," + std::to_string(workers[1]);

  std::unique_ptr<Child> load =
      Child::spawn({GLASSTLS_CLI, "load", "127.0.0.1:" + std::to_string(port), "-n", "200",
                    "--request", "0", "--insecure", "--duration", "60", "--server-pid", pids},
                   d, "load");
  ASSERT_NE(load, nullptr);
  std::optional<int> status = load->wait_exit(kLoadTimeout);
  ASSERT_TRUE(status.has_value()) << load->log() << master->log();
  EXPECT_EQ(*status, 0) << load->log() << read_text(d + "/error.log");
  const std::string out = load->out();
  EXPECT_NE(out.find("established: 200\n"), std::string::npos) << load->log();
  EXPECT_NE(out.find("handshakes: 200\n"), std::string::npos) << load->log();
  // Both workers' CPU time is summed: 200 handshakes cost the server more than nothing, and
  // no server makes a handshake in under 10 µs of CPU.
  const double cpu = number_after(out, "server CPU: ");
  EXPECT_GT(cpu, 0) << load->log();
  const double per_cpu_second = number_after(out, "handshakes per server CPU second: ");
  EXPECT_GT(per_cpu_second, 0) << load->log();
  EXPECT_LT(per_cpu_second, 100000) << load->log();
  EXPECT_GT(number_after(out, "server RSS after: "), 0) << load->log();
  EXPECT_GE(number_after(out, "load generator CPU: "), 0) << load->log();
  ASSERT_EQ(::kill(master->pid(), SIGTERM), 0);
  EXPECT_TRUE(master->wait_exit(kStopTimeout).has_value()) << master->log();
}

TEST(Load, ServerPidMustBeAListOfProcessIds) {
  TempDir dir;
  for (const char* bad : {"", ",", "0", "12,x", "-5", "1,,2x"}) {
    std::string output;
    int status =
        run({GLASSTLS_CLI, "load", "127.0.0.1:1", "-n", "1", "--insecure", "--server-pid", bad},
            dir.path(), "load", milliseconds(10000), &output);
    EXPECT_EQ(status, 2) << bad << ": " << output;
    EXPECT_NE(output.find("--server-pid needs process ids"), std::string::npos)
        << bad << ": " << output;
  }
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
