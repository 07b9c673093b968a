// early_data_interop_test.cc: an OpenSSL client holding a ticket from another server offers
// 0-RTT data to the glasstls server.
//
// `openssl s_server -early_data` (server A) issues a session ticket that allows early data for
// "localhost"; `openssl s_client -sess_in ... -early_data FILE` then connects to `glasstls
// server --echo` (server B) with that ticket, sending its ClientHello with early_data and a
// pre_shared_key, a change_cipher_spec and the 0-RTT records at once. glasstls does not accept
// early data: it must answer with a full 1-RTT handshake and skip the 0-RTT records (RFC 8446
// section 4.2.10), so s_client reports "Early data was rejected", a new (not resumed) session,
// and the data it sends after the handshake is echoed. A second test makes glasstls answer with
// a HelloRetryRequest first (s_client's only key share is X448, which the glasstls server does not
// enable by default).
//
// The PKI (a throwaway CA and a "localhost" certificate) is made with `openssl req` at test
// time; both servers present the same certificate. Every peer is a child process
// (tests/interop/process.h) with bounded waits, killed and reaped when its test ends. The tests
// skip when openssl is not installed.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
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
constexpr milliseconds kRunTimeout{20000};

const std::string& openssl() {
  static const std::string* path = [] {
    // A peer that exits while we write its stdin must not kill the test binary.
    ::signal(SIGPIPE, SIG_IGN);
    return new std::string(find_program("openssl"));
  }();
  return *path;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Pki is a CA and a "localhost" server certificate, made once for the test binary.
struct Pki {
  std::unique_ptr<TempDir> dir;
  std::string error;  // empty when generation succeeded
  std::string ca;
  std::string cert;
  std::string key;
};

bool openssl_step(const TempDir& dir, const std::vector<std::string>& args, const std::string& tag,
                  std::string& error) {
  std::vector<std::string> argv = {openssl()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string output;
  int status = run(argv, dir.path(), tag, kRunTimeout, &output);
  if (status != 0) {
    error = "openssl " + args[0] + " (" + tag + ") failed with status " + std::to_string(status) +
            ":\n" + output;
    return false;
  }
  return true;
}

const Pki& pki() {
  static Pki* p = [] {
    auto* x = new Pki();
    x->dir = std::make_unique<TempDir>();
    const TempDir& d = *x->dir;
    if (d.path().empty()) {
      x->error = "cannot create a temporary directory";
      return x;
    }
    x->ca = d.file("ca.pem");
    x->cert = d.file("localhost.pem");
    x->key = d.file("localhost.key");
    write_text(d.file("leaf.ext"),
               "subjectAltName=DNS:localhost\nbasicConstraints=critical,CA:FALSE\n"
               "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n");
    bool ok = openssl_step(d,
                           {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                            "-nodes", "-keyout", d.file("ca.key"), "-out", x->ca, "-days", "30",
                            "-subj", "/CN=glasstls early data test CA", "-addext",
                            "basicConstraints=critical,CA:TRUE", "-addext",
                            "keyUsage=critical,keyCertSign,cRLSign"},
                           "ca", x->error) &&
              openssl_step(
                  d,
                  {"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                   "-keyout", x->key, "-out", d.file("leaf.csr"), "-subj", "/CN=localhost"},
                  "leaf-req", x->error) &&
              openssl_step(d,
                           {"x509", "-req", "-in", d.file("leaf.csr"), "-CA", x->ca, "-CAkey",
                            d.file("ca.key"), "-set_serial", "2", "-days", "30", "-out", x->cert,
                            "-extfile", d.file("leaf.ext")},
                           "leaf-sign", x->error);
    (void)ok;  // On failure x->error says why.
    return x;
  }();
  return *p;
}

#define REQUIRE_OPENSSL()                                                               \
  do {                                                                                  \
    if (openssl().empty()) {                                                            \
      GTEST_SKIP() << "openssl is not installed";                                       \
    }                                                                                   \
    ASSERT_EQ(::access(GLASSTLS_CLI, X_OK), 0)                                          \
        << "the glasstls CLI is missing at " << GLASSTLS_CLI;                           \
    ASSERT_TRUE(pki().error.empty()) << "test PKI generation failed:\n" << pki().error; \
  } while (0)

// Peer is a running server child and the port it listens on.
struct Peer {
  std::unique_ptr<Child> child;
  uint16_t port = 0;
  std::string log() const { return child ? child->log() : "(not started)\n"; }
};

// start_glasstls_server runs `glasstls server --port 0 ...` and reads the port it prints.
Peer start_glasstls_server(const std::vector<std::string>& args, const TempDir& dir) {
  std::vector<std::string> argv = {GLASSTLS_CLI, "server", "--host", "127.0.0.1", "--port", "0"};
  argv.insert(argv.end(), args.begin(), args.end());
  Peer peer;
  peer.child = Child::spawn(argv, dir.path(), "glasstls-server");
  if (!peer.child || !peer.child->wait_for_err("listening on", kStartTimeout)) {
    return peer;
  }
  // "listening on HOST:PORT"
  std::smatch m;
  std::string err = peer.child->err();
  if (std::regex_search(err, m, std::regex("listening on [^\\n]*:([0-9]+)"))) {
    peer.port = static_cast<uint16_t>(std::stoi(m[1].str()));
  }
  return peer;
}

// start_openssl_server runs `openssl s_server -accept PORT ...` on a free port. Its stdin is a
// pipe held open: s_server shuts down at the end of its stdin.
Peer start_openssl_server(const std::vector<std::string>& args, const TempDir& dir) {
  Peer peer;
  for (int attempt = 0; attempt < 3 && peer.port == 0; ++attempt) {
    uint16_t port = free_port();
    std::vector<std::string> argv = {openssl(), "s_server", "-accept", std::to_string(port)};
    argv.insert(argv.end(), args.begin(), args.end());
    peer.child = Child::spawn(argv, dir.path(), "s_server", StdinMode::kPipe);
    if (peer.child && peer.child->wait_for_out("ACCEPT", kStartTimeout)) {
      peer.port = port;
    }
  }
  return peer;
}

// openssl_client starts `openssl s_client -tls1_3` to 127.0.0.1:PORT for "localhost", verifying
// against the test CA, with a stdin pipe.
std::unique_ptr<Child> openssl_client(uint16_t port, const std::vector<std::string>& args,
                                      const TempDir& dir, const std::string& tag) {
  std::vector<std::string> argv = {
      openssl(),     "s_client",  "-tls1_3", "-connect", "127.0.0.1:" + std::to_string(port),
      "-servername", "localhost", "-CAfile", pki().ca,   "-verify_return_error"};
  argv.insert(argv.end(), args.begin(), args.end());
  return Child::spawn(argv, dir.path(), tag, StdinMode::kPipe);
}

// max_early_data is the largest "Max Early Data: N" s_client printed for a session (0 when
// none allows early data). s_client prints the handshake's session (0: no ticket yet) and each
// ticket that arrives after the handshake.
unsigned long max_early_data(const std::string& out) {
  unsigned long best = 0;
  std::regex re("Max Early Data: ([0-9]+)");
  for (auto it = std::sregex_iterator(out.begin(), out.end(), re); it != std::sregex_iterator();
       ++it) {
    best = std::max(best, std::stoul((*it)[1].str()));
  }
  return best;
}

// get_ticket connects s_client to an `s_server -early_data` and saves the session (with its
// ticket) to `session`. Returns an empty string on success, else what went wrong with logs.
std::string get_ticket(const TempDir& dir, const std::string& session) {
  Peer server = start_openssl_server(
      {"-tls1_3", "-early_data", "-naccept", "1", "-cert", pki().cert, "-key", pki().key}, dir);
  if (server.port == 0) {
    return "s_server did not start\n" + server.log();
  }
  std::unique_ptr<Child> client =
      openssl_client(server.port, {"-sess_out", session}, dir, "s_client-ticket");
  if (!client) {
    return "cannot start s_client";
  }
  // s_server sends its tickets right after the handshake, and s_client writes the session file
  // as each arrives; the file, not s_client's stdout (flushed late), says when one is there.
  auto has_session = [&](const std::string&, const std::string&) {
    return contains(read_text(session), "-----END SSL SESSION PARAMETERS-----");
  };
  bool ok = client->write_stdin("hello server A\n") && client->wait_for(has_session, kRunTimeout);
  client->close_stdin();
  std::optional<int> status = client->wait_exit(kRunTimeout);
  std::string logs = client->log() + server.log();
  if (!ok) {
    return "s_client saved no session\n" + logs;
  }
  if (status != 0) {
    return "s_client did not exit cleanly\n" + logs;
  }
  if (max_early_data(client->out()) == 0) {
    return "the session from s_server -early_data allows no early data\n" + logs;
  }
  return "";
}

constexpr char kEarlyText[] = "EARLY-0RTT-DATA the server must not see this\n";

// resume_with_early_data gets a ticket from s_server, connects s_client (with `client_args`)
// holding it and offering early data to a glasstls echo server (with `server_args`), and checks
// a full handshake that rejects the early data and then echoes 1-RTT data. The server's stderr
// goes to `server_err`.
void resume_with_early_data(const std::vector<std::string>& server_args,
                            const std::vector<std::string>& client_args, std::string* server_err) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string session = dir.file("session.pem");
  std::string problem = get_ticket(dir, session);
  ASSERT_TRUE(problem.empty()) << problem;

  const std::string early = dir.file("early.txt");
  ASSERT_TRUE(write_text(early, kEarlyText));
  std::vector<std::string> args = {"--cert", pki().cert, "--key", pki().key, "--echo", "--once"};
  args.insert(args.end(), server_args.begin(), server_args.end());
  Peer server = start_glasstls_server(args, dir);
  ASSERT_NE(server.port, 0) << server.log();

  std::vector<std::string> cargs = {"-sess_in", session, "-early_data", early};
  cargs.insert(cargs.end(), client_args.begin(), client_args.end());
  std::unique_ptr<Child> client = openssl_client(server.port, cargs, dir, "s_client-0rtt");
  ASSERT_TRUE(client);
  bool handshook = client->wait_for_out("Verify return code", kRunTimeout);
  ASSERT_TRUE(handshook) << client->log() << server.log();
  const std::string line = "1-RTT line after the rejected early data";
  bool echoed = client->write_stdin(line + "\n") && client->wait_for_out(line, kRunTimeout);
  EXPECT_TRUE(echoed) << client->log() << server.log();
  client->close_stdin();
  std::optional<int> client_status = client->wait_exit(kRunTimeout);
  std::optional<int> server_status = server.child->wait_exit(kRunTimeout);
  std::string logs = client->log() + server.log();
  EXPECT_EQ(client_status, 0) << logs;
  EXPECT_EQ(server_status, 0) << logs;

  const std::string out = client->out();
  // s_client offered the ticket and its early data (else it would say "was not sent"), and
  // glasstls did a full handshake that did not accept them.
  EXPECT_TRUE(contains(out, "Early data was rejected")) << logs;
  EXPECT_TRUE(contains(out, "New, TLSv1.3, Cipher is TLS_")) << logs;
  EXPECT_FALSE(contains(out, "Reused,")) << logs;
  EXPECT_TRUE(contains(out, "subject=CN = localhost")) << logs;
  // The 0-RTT data never reached the application: the echo server did not send it back.
  EXPECT_FALSE(contains(out, "EARLY-0RTT-DATA")) << logs;
  EXPECT_TRUE(contains(server.child->err(), "cipher suite: TLS_")) << logs;
  if (server_err != nullptr) {
    *server_err = server.child->err();
  }
}

TEST(InteropEarlyData, OpensslClientWithTicketFromAnotherServer) {
  REQUIRE_OPENSSL();
  std::string server_err;
  resume_with_early_data({}, {}, &server_err);
  if (HasFatalFailure()) {
    return;
  }
  EXPECT_TRUE(contains(server_err, "hello retry request: no")) << server_err;
}

TEST(InteropEarlyData, OpensslClientWithTicketAfterHelloRetryRequest) {
  REQUIRE_OPENSSL();
  // OpenSSL sends a key share for its first group only: X448, which the glasstls server does not
  // enable by default, so glasstls asks for X25519.
  std::string server_err;
  resume_with_early_data({}, {"-groups", "X448:X25519"}, &server_err);
  if (HasFatalFailure()) {
    return;
  }
  EXPECT_TRUE(contains(server_err, "hello retry request: yes")) << server_err;
  EXPECT_TRUE(contains(server_err, "group: x25519")) << server_err;
}

}  // namespace
}  // namespace glasstls::interop
