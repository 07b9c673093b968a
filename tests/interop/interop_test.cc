// interop_test.cc: the glasstls CLI against OpenSSL (s_client, s_server) and GnuTLS
// (gnutls-cli, gnutls-serv), both ways.
//
// A throwaway PKI is generated at test time with `openssl req`/`openssl x509`: one CA and
// server certificates for ECDSA P-256, RSA-2048 and Ed25519 (all for "localhost"), plus two
// more for SNI tests. Every peer runs as a child process (tests/interop/process.h); every wait
// is bounded, and every child is killed and reaped when its test ends.
//
// The tests skip only when the openssl or gnutls binaries are missing.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "glasstls/types.h"
#include "interop/process.h"

#ifndef GLASSTLS_CLI
#error "GLASSTLS_CLI must name the glasstls executable"
#endif

namespace glasstls::interop {
namespace {

constexpr milliseconds kStartTimeout{10000};
constexpr milliseconds kRunTimeout{20000};
constexpr milliseconds kBulkTimeout{120000};

// ---------------------------------------------------------------------------------------------
// Tools and the PKI.

struct Tools {
  std::string openssl;
  std::string gnutls_serv;
  std::string gnutls_cli;
  std::string cli = GLASSTLS_CLI;
};

const Tools& tools() {
  static const Tools* t = [] {
    auto* x = new Tools();
    x->openssl = find_program("openssl");
    x->gnutls_serv = find_program("gnutls-serv");
    x->gnutls_cli = find_program("gnutls-cli");
    // A peer that exits while we write its stdin must not kill the test binary.
    ::signal(SIGPIPE, SIG_IGN);
    return x;
  }();
  return *t;
}

enum class CertKind { kEcdsaP256, kRsa2048, kEd25519 };

const char* cert_tag(CertKind kind) {
  switch (kind) {
    case CertKind::kEcdsaP256: return "ECDSA_P256";
    case CertKind::kRsa2048: return "RSA2048";
    case CertKind::kEd25519: return "Ed25519";
  }
  return "?";
}

struct Credential {
  std::string cert;
  std::string key;
  std::string pin;  // SHA-256 of the SubjectPublicKeyInfo, hex
};

struct Pki {
  std::unique_ptr<TempDir> dir;
  std::string error;  // empty when generation succeeded
  std::string ca;
  Credential ecdsa;
  Credential rsa;
  Credential ed25519;
  Credential sni_a;   // CN/SAN a.glasstls.test
  Credential sni_b;   // CN/SAN b.glasstls.test
  Credential client;  // clientAuth leaf for mutual TLS

  const Credential& credential(CertKind kind) const {
    switch (kind) {
      case CertKind::kEcdsaP256: return ecdsa;
      case CertKind::kRsa2048: return rsa;
      case CertKind::kEd25519: return ed25519;
    }
    return ecdsa;
  }
};

bool openssl_step(const Pki& pki, const std::vector<std::string>& args, const std::string& tag,
                  std::string& error) {
  std::vector<std::string> argv = {tools().openssl};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string output;
  int status = run(argv, pki.dir->path(), tag, kRunTimeout, &output);
  if (status != 0) {
    error = "openssl " + args[0] + " (" + tag + ") failed with status " + std::to_string(status) +
            ":\n" + output;
    return false;
  }
  return true;
}

bool make_leaf(Pki& pki, const std::string& name, const std::vector<std::string>& key_opts,
               const std::string& host, int serial, Credential& out,
               const std::string& eku = "serverAuth") {
  const TempDir& d = *pki.dir;
  out.cert = d.file(name + ".pem");
  out.key = d.file(name + ".key");
  std::string csr = d.file(name + ".csr");
  std::string ext = d.file(name + ".ext");
  write_text(ext, "subjectAltName=DNS:" + host +
                      "\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature"
                      "\nextendedKeyUsage=" +
                      eku + "\n");
  std::vector<std::string> req = {"req", "-new"};
  req.insert(req.end(), key_opts.begin(), key_opts.end());
  std::vector<std::string> rest = {"-nodes", "-keyout", out.key,      "-out",
                                   csr,      "-subj",   "/CN=" + host};
  req.insert(req.end(), rest.begin(), rest.end());
  if (!openssl_step(pki, req, name + "-req", pki.error)) {
    return false;
  }
  if (!openssl_step(
          pki,
          {"x509", "-req", "-in", csr, "-CA", pki.ca, "-CAkey", d.file("ca.key"), "-set_serial",
           std::to_string(serial), "-days", "30", "-out", out.cert, "-extfile", ext},
          name + "-sign", pki.error)) {
    return false;
  }
  std::string spki = d.file(name + ".spki.der");
  if (!openssl_step(pki, {"pkey", "-in", out.key, "-pubout", "-outform", "DER", "-out", spki},
                    name + "-spki", pki.error)) {
    return false;
  }
  std::string digest;
  int status = run({tools().openssl, "dgst", "-sha256", "-r", spki}, d.path(), name + "-pin",
                   kRunTimeout, &digest);
  if (status != 0 || digest.size() < 64) {
    pki.error = "openssl dgst failed: " + digest;
    return false;
  }
  out.pin = digest.substr(0, 64);
  return true;
}

const Pki& pki() {
  static Pki* p = [] {
    auto* x = new Pki();
    x->dir = std::make_unique<TempDir>();
    if (x->dir->path().empty()) {
      x->error = "cannot create a temporary directory";
      return x;
    }
    x->ca = x->dir->file("ca.pem");
    if (!openssl_step(
            *x,
            {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", x->dir->file("ca.key"), "-out", x->ca, "-days", "30", "-subj",
             "/CN=glasstls interop CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
             "keyUsage=critical,keyCertSign,cRLSign"},
            "ca", x->error)) {
      return x;
    }
    const std::vector<std::string> ec = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"};
    bool ok = make_leaf(*x, "ecdsa", ec, "localhost", 2, x->ecdsa) &&
              make_leaf(*x, "rsa", {"-newkey", "rsa:2048"}, "localhost", 3, x->rsa) &&
              make_leaf(*x, "ed25519", {"-newkey", "ed25519"}, "localhost", 4, x->ed25519) &&
              make_leaf(*x, "sni-a", ec, "a.glasstls.test", 5, x->sni_a) &&
              make_leaf(*x, "sni-b", ec, "b.glasstls.test", 6, x->sni_b) &&
              make_leaf(*x, "client", ec, "client.glasstls.test", 7, x->client, "clientAuth");
    (void)ok;  // On failure x->error says why.
    return x;
  }();
  return *p;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// The checks every test starts with: the tools exist (else skip) and the PKI was made.
#define REQUIRE_OPENSSL()                                                               \
  do {                                                                                  \
    if (tools().openssl.empty()) {                                                      \
      GTEST_SKIP() << "openssl is not installed";                                       \
    }                                                                                   \
    ASSERT_EQ(::access(tools().cli.c_str(), X_OK), 0)                                   \
        << "the glasstls CLI is missing at " << tools().cli;                            \
    ASSERT_TRUE(pki().error.empty()) << "test PKI generation failed:\n" << pki().error; \
  } while (0)

#define REQUIRE_GNUTLS()                                             \
  do {                                                               \
    REQUIRE_OPENSSL();                                               \
    if (tools().gnutls_serv.empty() || tools().gnutls_cli.empty()) { \
      GTEST_SKIP() << "gnutls-serv/gnutls-cli are not installed";    \
    }                                                                \
  } while (0)

// ---------------------------------------------------------------------------------------------
// Names of suites and groups for each implementation.

struct Algorithms {
  CipherSuite suite;
  NamedGroup group;
  CertKind cert;
};

std::string ours(CipherSuite s) { return std::string(name(s)); }
std::string ours(NamedGroup g) { return std::string(name(g)); }

std::string openssl_group(NamedGroup g) {
  switch (g) {
    case NamedGroup::x25519: return "X25519";
    case NamedGroup::secp256r1: return "P-256";
    case NamedGroup::secp384r1: return "P-384";
    default: return "?";
  }
}

// openssl_temp_key is how s_client prints the server's key share ("Server Temp Key: ...").
std::string openssl_temp_key(NamedGroup g) {
  switch (g) {
    case NamedGroup::x25519: return "Server Temp Key: X25519";
    case NamedGroup::secp256r1: return "Server Temp Key: ECDH, prime256v1";
    case NamedGroup::secp384r1: return "Server Temp Key: ECDH, secp384r1";
    default: return "?";
  }
}

std::string gnutls_cipher(CipherSuite s) {
  switch (s) {
    case CipherSuite::TLS_AES_128_GCM_SHA256: return "AES-128-GCM";
    case CipherSuite::TLS_AES_256_GCM_SHA384: return "AES-256-GCM";
    case CipherSuite::TLS_CHACHA20_POLY1305_SHA256: return "CHACHA20-POLY1305";
    default: return "?";
  }
}

std::string gnutls_group(NamedGroup g) {
  switch (g) {
    case NamedGroup::x25519: return "X25519";
    case NamedGroup::secp256r1: return "SECP256R1";
    case NamedGroup::secp384r1: return "SECP384R1";
    default: return "?";
  }
}

constexpr const char kGnutlsTls13[] = "NORMAL:-VERS-ALL:+VERS-TLS1.3";

std::string gnutls_priority(const Algorithms& a) {
  return std::string(kGnutlsTls13) + ":-CIPHER-ALL:+" + gnutls_cipher(a.suite) +
         ":-GROUP-ALL:+GROUP-" + gnutls_group(a.group);
}

std::vector<Algorithms> matrix() {
  std::vector<Algorithms> out;
  for (CipherSuite s : {CipherSuite::TLS_AES_128_GCM_SHA256, CipherSuite::TLS_AES_256_GCM_SHA384,
                        CipherSuite::TLS_CHACHA20_POLY1305_SHA256}) {
    for (NamedGroup g : {NamedGroup::x25519, NamedGroup::secp256r1, NamedGroup::secp384r1}) {
      for (CertKind c : {CertKind::kEcdsaP256, CertKind::kRsa2048, CertKind::kEd25519}) {
        out.push_back({s, g, c});
      }
    }
  }
  return out;
}

std::string matrix_name(const testing::TestParamInfo<Algorithms>& info) {
  std::string s = gnutls_cipher(info.param.suite) + "_" + gnutls_group(info.param.group) + "_" +
                  cert_tag(info.param.cert);
  for (char& c : s) {
    if (c == '-') {
      c = '_';
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Starting peers.

// Peer is a running server child and the port it listens on.
struct Peer {
  std::unique_ptr<Child> child;
  uint16_t port = 0;
  std::string port_text() const { return std::to_string(port); }
  std::string log() const { return child ? child->log() : "(not started)\n"; }
};

// start_glasstls_server runs `glasstls server --port 0 ...` and reads the port it prints.
Peer start_glasstls_server(const std::vector<std::string>& args, const TempDir& dir,
                           const std::string& tag = "glasstls-server") {
  std::vector<std::string> argv = {tools().cli, "server", "--port", "0"};
  argv.insert(argv.end(), args.begin(), args.end());
  Peer peer;
  peer.child = Child::spawn(argv, dir.path(), tag);
  if (!peer.child) {
    return peer;
  }
  if (!peer.child->wait_for_err("listening on", kStartTimeout)) {
    return peer;
  }
  std::string err = peer.child->err();
  size_t at = err.find("listening on ");
  size_t colon = err.find_first_of("\n", at);
  std::string line = err.substr(at, colon - at);
  size_t last = line.rfind(':');
  if (last != std::string::npos) {
    peer.port = static_cast<uint16_t>(std::stoi(line.substr(last + 1)));
  }
  return peer;
}

// start_openssl_server runs `openssl s_server -accept PORT ...` on a free port. Its stdin is a
// pipe held open: s_server shuts down at the end of its stdin.
Peer start_openssl_server(const std::vector<std::string>& args, const TempDir& dir,
                          const std::string& tag = "s_server") {
  Peer peer;
  for (int attempt = 0; attempt < 3 && peer.port == 0; ++attempt) {
    uint16_t port = free_port();
    std::vector<std::string> argv = {tools().openssl, "s_server", "-accept", std::to_string(port)};
    argv.insert(argv.end(), args.begin(), args.end());
    peer.child = Child::spawn(argv, dir.path(), tag, StdinMode::kPipe);
    if (peer.child && peer.child->wait_for_out("ACCEPT", kStartTimeout)) {
      peer.port = port;
    }
  }
  return peer;
}

// start_gnutls_server runs `gnutls-serv -p PORT ...` on a free port.
Peer start_gnutls_server(const std::vector<std::string>& args, const TempDir& dir,
                         const std::string& tag = "gnutls-serv") {
  Peer peer;
  for (int attempt = 0; attempt < 3 && peer.port == 0; ++attempt) {
    uint16_t port = free_port();
    std::vector<std::string> argv = {tools().gnutls_serv, "-p", std::to_string(port)};
    argv.insert(argv.end(), args.begin(), args.end());
    peer.child = Child::spawn(argv, dir.path(), tag, StdinMode::kPipe);
    // gnutls-serv prints this line to stderr when its stdout is not a terminal.
    auto listening = [](const std::string& out, const std::string& err) {
      return contains(out + err, "listening on IPv4");
    };
    if (peer.child && peer.child->wait_for(listening, kStartTimeout)) {
      peer.port = port;
    }
  }
  return peer;
}

// ClientRun is a finished client: its exit status (-1 on timeout) and output.
struct ClientRun {
  int status = -1;
  std::string out;
  std::string err;
  std::string log;
};

// run_glasstls_client runs `glasstls client 127.0.0.1:PORT ...` with `input` as its stdin.
ClientRun run_glasstls_client(uint16_t port, const std::vector<std::string>& args,
                              const std::string& input, const TempDir& dir,
                              const std::string& tag = "glasstls-client",
                              milliseconds timeout = kRunTimeout,
                              const std::string& input_file = "") {
  std::string stdin_path = input_file;
  if (stdin_path.empty()) {
    stdin_path = dir.file(tag + ".in");
    write_text(stdin_path, input);
  }
  std::vector<std::string> argv = {tools().cli, "client", "127.0.0.1:" + std::to_string(port)};
  argv.insert(argv.end(), args.begin(), args.end());
  ClientRun r;
  std::unique_ptr<Child> c = Child::spawn(argv, dir.path(), tag, StdinMode::kFile, stdin_path);
  if (!c) {
    r.log = "cannot start " + argv[0];
    return r;
  }
  std::optional<int> status = c->wait_exit(timeout);
  if (!status) {
    c->kill();
  }
  r.status = status.value_or(-1);
  r.out = c->out();
  r.err = c->err();
  r.log = c->log() + (status ? "" : "--- (timed out and killed)\n");
  return r;
}

std::vector<std::string> pinned(const Credential& c) {
  return {"--servername", "localhost", "--pin-sha256", c.pin};
}

// ---------------------------------------------------------------------------------------------
// The matrix: every suite x group x certificate type, four ways.

class InteropOurClientVsOpensslServer : public testing::TestWithParam<Algorithms> {};

TEST_P(InteropOurClientVsOpensslServer, HandshakeAndData) {
  REQUIRE_OPENSSL();
  const Algorithms& a = GetParam();
  const Credential& cred = pki().credential(a.cert);
  TempDir dir;
  Peer server =
      start_openssl_server({"-tls1_3", "-naccept", "1", "-cert", cred.cert, "-key", cred.key}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::vector<std::string> args = pinned(cred);
  args.insert(args.end(), {"--ciphersuites", ours(a.suite), "--groups", openssl_group(a.group)});
  ClientRun client = run_glasstls_client(server.port, args, "hello from glasstls\n", dir);
  std::string logs = client.log + server.log();
  EXPECT_EQ(client.status, 0) << logs;
  EXPECT_TRUE(contains(client.err, "version: TLS 1.3")) << logs;
  EXPECT_TRUE(contains(client.err, "cipher suite: " + ours(a.suite))) << logs;
  EXPECT_TRUE(contains(client.err, "group: " + ours(a.group))) << logs;
  EXPECT_TRUE(server.child->wait_for_out("hello from glasstls", kRunTimeout)) << logs;
  EXPECT_TRUE(contains(server.child->out(), "CIPHER is " + ours(a.suite))) << server.log();
}

INSTANTIATE_TEST_SUITE_P(Matrix, InteropOurClientVsOpensslServer, testing::ValuesIn(matrix()),
                         matrix_name);

class InteropOurClientVsGnutlsServer : public testing::TestWithParam<Algorithms> {};

TEST_P(InteropOurClientVsGnutlsServer, HandshakeAndEcho) {
  REQUIRE_GNUTLS();
  const Algorithms& a = GetParam();
  const Credential& cred = pki().credential(a.cert);
  TempDir dir;
  Peer server = start_gnutls_server({"--echo", "--x509certfile", cred.cert, "--x509keyfile",
                                     cred.key, "--priority", kGnutlsTls13},
                                    dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::vector<std::string> args = pinned(cred);
  args.insert(args.end(), {"--ciphersuites", ours(a.suite), "--groups", openssl_group(a.group)});
  ClientRun client = run_glasstls_client(server.port, args, "hello from glasstls\n", dir);
  std::string logs = client.log + server.log();
  EXPECT_EQ(client.status, 0) << logs;
  EXPECT_EQ(client.out, "hello from glasstls\n") << logs;
  EXPECT_TRUE(contains(client.err, "cipher suite: " + ours(a.suite))) << logs;
  EXPECT_TRUE(contains(client.err, "group: " + ours(a.group))) << logs;
  EXPECT_TRUE(server.child->wait_for_out("(" + gnutls_cipher(a.suite) + ")", kRunTimeout)) << logs;
  EXPECT_TRUE(contains(server.child->out(), "(ECDHE-" + gnutls_group(a.group) + ")")) << logs;
}

INSTANTIATE_TEST_SUITE_P(Matrix, InteropOurClientVsGnutlsServer, testing::ValuesIn(matrix()),
                         matrix_name);

// openssl_client starts `openssl s_client -tls1_3 -connect 127.0.0.1:PORT` verifying against
// the test CA, with a stdin pipe.
std::unique_ptr<Child> openssl_client(uint16_t port, const std::vector<std::string>& args,
                                      const TempDir& dir, const std::string& tag = "s_client") {
  std::vector<std::string> argv = {tools().openssl,
                                   "s_client",
                                   "-tls1_3",
                                   "-connect",
                                   "127.0.0.1:" + std::to_string(port),
                                   "-CAfile",
                                   pki().ca,
                                   "-verify_return_error"};
  argv.insert(argv.end(), args.begin(), args.end());
  return Child::spawn(argv, dir.path(), tag, StdinMode::kPipe);
}

// echo_through sends `line` through an interactive client whose stdout shows what the server
// sends back, and waits for the echo.
bool echo_through(Child& client, const std::string& line) {
  return client.write_stdin(line + "\n") && client.wait_for_out(line, kRunTimeout);
}

class InteropOpensslClientVsOurServer : public testing::TestWithParam<Algorithms> {};

TEST_P(InteropOpensslClientVsOurServer, HandshakeAndEcho) {
  REQUIRE_OPENSSL();
  const Algorithms& a = GetParam();
  const Credential& cred = pki().credential(a.cert);
  TempDir dir;
  Peer server =
      start_glasstls_server({"--cert", cred.cert, "--key", cred.key, "--echo", "--once"}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::unique_ptr<Child> client = openssl_client(server.port,
                                                 {"-servername", "localhost", "-ciphersuites",
                                                  ours(a.suite), "-groups", openssl_group(a.group)},
                                                 dir);
  ASSERT_TRUE(client);
  bool handshook = client->wait_for_out("Verify return code", kRunTimeout);
  ASSERT_TRUE(handshook) << client->log() << server.log();
  EXPECT_TRUE(echo_through(*client, "ping from openssl")) << client->log() << server.log();
  client->close_stdin();
  std::optional<int> client_status = client->wait_exit(kRunTimeout);
  std::optional<int> server_status = server.child->wait_exit(kRunTimeout);
  std::string logs = client->log() + server.log();
  EXPECT_EQ(client_status, 0) << logs;
  EXPECT_EQ(server_status, 0) << logs;
  EXPECT_TRUE(contains(client->out(), "Cipher is " + ours(a.suite))) << logs;
  EXPECT_TRUE(contains(client->out(), openssl_temp_key(a.group))) << logs;
  EXPECT_TRUE(contains(client->out(), "subject=CN = localhost")) << logs;
  EXPECT_TRUE(contains(server.child->err(), "cipher suite: " + ours(a.suite))) << logs;
  EXPECT_TRUE(contains(server.child->err(), "group: " + ours(a.group))) << logs;
}

INSTANTIATE_TEST_SUITE_P(Matrix, InteropOpensslClientVsOurServer, testing::ValuesIn(matrix()),
                         matrix_name);

std::unique_ptr<Child> gnutls_client(uint16_t port, const std::string& priority,
                                     const std::vector<std::string>& args, const TempDir& dir,
                                     const std::string& tag = "gnutls-cli") {
  std::vector<std::string> argv = {
      tools().gnutls_cli, "-p",    std::to_string(port), "--x509cafile", pki().ca,
      "--priority",       priority};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("localhost");
  return Child::spawn(argv, dir.path(), tag, StdinMode::kPipe);
}

class InteropGnutlsClientVsOurServer : public testing::TestWithParam<Algorithms> {};

TEST_P(InteropGnutlsClientVsOurServer, HandshakeAndEcho) {
  REQUIRE_GNUTLS();
  const Algorithms& a = GetParam();
  const Credential& cred = pki().credential(a.cert);
  TempDir dir;
  Peer server =
      start_glasstls_server({"--cert", cred.cert, "--key", cred.key, "--echo", "--once"}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::unique_ptr<Child> client = gnutls_client(server.port, gnutls_priority(a), {}, dir);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->wait_for_out("Handshake was completed", kRunTimeout))
      << client->log() << server.log();
  EXPECT_TRUE(echo_through(*client, "ping from gnutls")) << client->log() << server.log();
  client->close_stdin();
  std::optional<int> client_status = client->wait_exit(kRunTimeout);
  std::optional<int> server_status = server.child->wait_exit(kRunTimeout);
  std::string logs = client->log() + server.log();
  EXPECT_EQ(client_status, 0) << logs;
  EXPECT_EQ(server_status, 0) << logs;
  EXPECT_TRUE(contains(client->out(), "(" + gnutls_cipher(a.suite) + ")")) << logs;
  EXPECT_TRUE(contains(client->out(), "(ECDHE-" + gnutls_group(a.group) + ")")) << logs;
  // gnutls-cli saw our close_notify.
  EXPECT_TRUE(contains(client->out() + client->err(), "Peer has closed the GnuTLS connection"))
      << logs;
  EXPECT_TRUE(contains(server.child->err(), "cipher suite: " + ours(a.suite))) << logs;
  EXPECT_TRUE(contains(server.child->err(), "group: " + ours(a.group))) << logs;
}

INSTANTIATE_TEST_SUITE_P(Matrix, InteropGnutlsClientVsOurServer, testing::ValuesIn(matrix()),
                         matrix_name);

// ---------------------------------------------------------------------------------------------
// HelloRetryRequest.

TEST(InteropHelloRetryRequest, OurClientOffersX25519ShareOpensslServerWantsP256) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Credential& cred = pki().ecdsa;
  Peer server = start_openssl_server(
      {"-tls1_3", "-naccept", "1", "-groups", "P-256", "-cert", cred.cert, "-key", cred.key}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::vector<std::string> args = pinned(cred);
  args.insert(args.end(), {"--groups", "X25519:P-256"});
  ClientRun client = run_glasstls_client(server.port, args, "after a retry\n", dir);
  std::string logs = client.log + server.log();
  EXPECT_EQ(client.status, 0) << logs;
  EXPECT_TRUE(contains(client.err, "hello retry request: yes")) << logs;
  EXPECT_TRUE(contains(client.err, "group: " + ours(NamedGroup::secp256r1))) << logs;
  EXPECT_TRUE(server.child->wait_for_out("after a retry", kRunTimeout)) << logs;
}

TEST(InteropHelloRetryRequest, OurClientOffersX25519ShareGnutlsServerWantsP384) {
  REQUIRE_GNUTLS();
  TempDir dir;
  const Credential& cred = pki().ecdsa;
  Peer server = start_gnutls_server(
      {"--echo", "--x509certfile", cred.cert, "--x509keyfile", cred.key, "--priority",
       std::string(kGnutlsTls13) + ":-GROUP-ALL:+GROUP-SECP384R1"},
      dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::vector<std::string> args = pinned(cred);
  args.insert(args.end(), {"--groups", "X25519:P-384"});
  ClientRun client = run_glasstls_client(server.port, args, "after a retry\n", dir);
  std::string logs = client.log + server.log();
  EXPECT_EQ(client.status, 0) << logs;
  EXPECT_EQ(client.out, "after a retry\n") << logs;
  EXPECT_TRUE(contains(client.err, "hello retry request: yes")) << logs;
  EXPECT_TRUE(contains(client.err, "group: " + ours(NamedGroup::secp384r1))) << logs;
}

TEST(InteropHelloRetryRequest, OpensslClientOffersX25519ShareOurServerWantsP384) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Credential& cred = pki().ecdsa;
  Peer server = start_glasstls_server(
      {"--cert", cred.cert, "--key", cred.key, "--echo", "--once", "--groups", "P-384"}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  // OpenSSL sends a key share for the first group only.
  std::unique_ptr<Child> client =
      openssl_client(server.port, {"-servername", "localhost", "-groups", "X25519:P-384"}, dir);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->wait_for_out("Verify return code", kRunTimeout))
      << client->log() << server.log();
  EXPECT_TRUE(echo_through(*client, "after a retry")) << client->log() << server.log();
  client->close_stdin();
  EXPECT_EQ(client->wait_exit(kRunTimeout), 0) << client->log() << server.log();
  EXPECT_EQ(server.child->wait_exit(kRunTimeout), 0) << client->log() << server.log();
  EXPECT_TRUE(contains(server.child->err(), "hello retry request: yes")) << server.log();
  EXPECT_TRUE(contains(server.child->err(), "group: " + ours(NamedGroup::secp384r1)))
      << server.log();
  EXPECT_TRUE(contains(client->out(), openssl_temp_key(NamedGroup::secp384r1))) << client->log();
}

TEST(InteropHelloRetryRequest, GnutlsClientOffersX25519ShareOurServerWantsP256) {
  REQUIRE_GNUTLS();
  TempDir dir;
  const Credential& cred = pki().ecdsa;
  Peer server = start_glasstls_server(
      {"--cert", cred.cert, "--key", cred.key, "--echo", "--once", "--groups", "P-256"}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::unique_ptr<Child> client = gnutls_client(
      server.port, std::string(kGnutlsTls13) + ":-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1", {},
      dir);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->wait_for_out("Handshake was completed", kRunTimeout))
      << client->log() << server.log();
  EXPECT_TRUE(echo_through(*client, "after a retry")) << client->log() << server.log();
  client->close_stdin();
  EXPECT_EQ(client->wait_exit(kRunTimeout), 0) << client->log() << server.log();
  EXPECT_EQ(server.child->wait_exit(kRunTimeout), 0) << client->log() << server.log();
  EXPECT_TRUE(contains(server.child->err(), "group: " + ours(NamedGroup::secp256r1)))
      << server.log();
}

// ---------------------------------------------------------------------------------------------
// ALPN.

TEST(InteropAlpn, OurClientAgreesWithOpensslServer) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Credential& cred = pki().ecdsa;
  Peer server = start_openssl_server(
      {"-tls1_3", "-naccept", "1", "-alpn", "http/1.1", "-cert", cred.cert, "-key", cred.key}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::vector<std::string> args = pinned(cred);
  args.insert(args.end(), {"--alpn", "h2,http/1.1"});
  ClientRun client = run_glasstls_client(server.port, args, "alpn\n", dir);
  EXPECT_EQ(client.status, 0) << client.log << server.log();
  EXPECT_TRUE(contains(client.err, "ALPN: http/1.1")) << client.log << server.log();
}

TEST(InteropAlpn, OpensslClientAgreesWithOurServer) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Credential& cred = pki().ecdsa;
  Peer server = start_glasstls_server(
      {"--cert", cred.cert, "--key", cred.key, "--echo", "--once", "--alpn", "h2,http/1.1"}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::unique_ptr<Child> client =
      openssl_client(server.port, {"-servername", "localhost", "-alpn", "http/1.1,h2"}, dir);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->wait_for_out("Verify return code", kRunTimeout))
      << client->log() << server.log();
  EXPECT_TRUE(echo_through(*client, "alpn")) << client->log() << server.log();
  client->close_stdin();
  EXPECT_EQ(client->wait_exit(kRunTimeout), 0) << client->log() << server.log();
  EXPECT_EQ(server.child->wait_exit(kRunTimeout), 0) << client->log() << server.log();
  // The server's preference wins.
  EXPECT_TRUE(contains(client->out(), "ALPN protocol: h2")) << client->log();
  EXPECT_TRUE(contains(server.child->err(), "ALPN: h2")) << server.log();
}

TEST(InteropAlpn, MismatchOurServerSendsNoApplicationProtocol) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Credential& cred = pki().ecdsa;
  Peer server = start_glasstls_server(
      {"--cert", cred.cert, "--key", cred.key, "--echo", "--once", "--alpn", "h2"}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::unique_ptr<Child> client =
      openssl_client(server.port, {"-servername", "localhost", "-alpn", "spdy/1"}, dir);
  ASSERT_TRUE(client);
  std::optional<int> server_status = server.child->wait_exit(kRunTimeout);
  std::optional<int> client_status = client->wait_exit(kRunTimeout);
  std::string logs = client->log() + server.log();
  EXPECT_NE(server_status.value_or(0), 0) << logs;
  EXPECT_NE(client_status.value_or(0), 0) << logs;
  EXPECT_TRUE(contains(server.child->err(), "no_application_protocol")) << logs;
  EXPECT_TRUE(contains(client->err(), "no application protocol")) << logs;
}

TEST(InteropAlpn, MismatchGnutlsServerRejectsOurClient) {
  REQUIRE_GNUTLS();
  TempDir dir;
  const Credential& cred = pki().ecdsa;
  Peer server =
      start_gnutls_server({"--echo", "--x509certfile", cred.cert, "--x509keyfile", cred.key,
                           "--priority", kGnutlsTls13, "--alpn", "h2", "--alpn-fatal"},
                          dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::vector<std::string> args = pinned(cred);
  args.insert(args.end(), {"--alpn", "spdy/1"});
  ClientRun client = run_glasstls_client(server.port, args, "", dir);
  EXPECT_NE(client.status, 0) << client.log << server.log();
  EXPECT_TRUE(contains(client.err, "no_application_protocol")) << client.log << server.log();
}

// ---------------------------------------------------------------------------------------------
// SNI.

class InteropSniTest : public testing::TestWithParam<int> {};

TEST_P(InteropSniTest, OurServerChoosesCertificateByName) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Pki& p = pki();
  Peer server =
      start_glasstls_server({"--cert", p.ecdsa.cert, "--key", p.ecdsa.key, "--echo", "--once",
                             "--sni", "a.glasstls.test:" + p.sni_a.cert + ":" + p.sni_a.key,
                             "--sni", "b.glasstls.test:" + p.sni_b.cert + ":" + p.sni_b.key},
                            dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::string host = GetParam() == 0   ? "a.glasstls.test"
                     : GetParam() == 1 ? "b.glasstls.test"
                                       : "localhost";
  std::unique_ptr<Child> client =
      openssl_client(server.port, {"-servername", host, "-verify_hostname", host}, dir);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->wait_for_out("Verify return code", kRunTimeout))
      << client->log() << server.log();
  EXPECT_TRUE(echo_through(*client, "sni")) << client->log() << server.log();
  client->close_stdin();
  EXPECT_EQ(client->wait_exit(kRunTimeout), 0) << client->log() << server.log();
  EXPECT_TRUE(contains(client->out(), "subject=CN = " + host)) << client->log();
  EXPECT_TRUE(contains(client->out(), "Verify return code: 0 (ok)")) << client->log();
  EXPECT_TRUE(contains(server.child->err(), "server name: " + host)) << server.log();
}

std::string sni_name(const testing::TestParamInfo<int>& param) {
  return param.param == 0 ? "A" : param.param == 1 ? "B" : "Default";
}

INSTANTIATE_TEST_SUITE_P(Names, InteropSniTest, testing::Values(0, 1, 2), sni_name);

TEST(InteropSni, OurClientSendsServerName) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Pki& p = pki();
  // s_server serves -cert2 to clients that ask for -servername, -cert to the others.
  Peer server = start_openssl_server(
      {"-tls1_3", "-naccept", "1", "-cert", p.sni_a.cert, "-key", p.sni_a.key, "-servername",
       "b.glasstls.test", "-cert2", p.sni_b.cert, "-key2", p.sni_b.key},
      dir);
  ASSERT_NE(server.port, 0) << server.log();
  ClientRun client = run_glasstls_client(
      server.port, {"--servername", "b.glasstls.test", "--pin-sha256", p.sni_b.pin}, "sni\n", dir);
  EXPECT_EQ(client.status, 0) << client.log << server.log();
  EXPECT_TRUE(contains(client.err, "server name: b.glasstls.test")) << client.log;
}

// ---------------------------------------------------------------------------------------------
// Certificate pinning fails closed.

TEST(InteropPinning, WrongPinIsRejected) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Pki& p = pki();
  Peer server = start_openssl_server(
      {"-tls1_3", "-naccept", "1", "-cert", p.ecdsa.cert, "-key", p.ecdsa.key}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  ClientRun client = run_glasstls_client(server.port, pinned(p.rsa), "", dir);
  EXPECT_NE(client.status, 0) << client.log << server.log();
  EXPECT_TRUE(contains(client.err, "bad_certificate")) << client.log;
}

TEST(InteropVerify, WithoutPinTheSystemStoreRejectsAPrivateCa) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Pki& p = pki();
  Peer server = start_openssl_server(
      {"-tls1_3", "-naccept", "1", "-cert", p.ecdsa.cert, "-key", p.ecdsa.key}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  ClientRun client = run_glasstls_client(server.port, {"--servername", "localhost"}, "", dir);
  EXPECT_NE(client.status, 0) << client.log << server.log();
  EXPECT_TRUE(contains(client.err, "unknown_ca")) << client.log;
}

TEST(InteropVerify, CafileValidatesTheChainAndName) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Pki& p = pki();
  Peer server = start_openssl_server(
      {"-tls1_3", "-naccept", "1", "-cert", p.rsa.cert, "-key", p.rsa.key}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  ClientRun client = run_glasstls_client(
      server.port, {"--servername", "localhost", "--cafile", p.ca}, "validated\n", dir);
  EXPECT_EQ(client.status, 0) << client.log << server.log();
  EXPECT_TRUE(contains(client.err, "chain validated")) << client.log;
}

TEST(InteropVerify, CafileWithWrongNameFails) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Pki& p = pki();
  Peer server = start_openssl_server(
      {"-tls1_3", "-naccept", "1", "-cert", p.ecdsa.cert, "-key", p.ecdsa.key}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  ClientRun client = run_glasstls_client(
      server.port, {"--servername", "not-localhost.test", "--cafile", p.ca}, "", dir);
  EXPECT_NE(client.status, 0) << client.log << server.log();
}

// ---------------------------------------------------------------------------------------------
// Mutual TLS.

TEST(InteropMutualTls, OurClientCertificateToOpensslServerVerify) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Pki& p = pki();
  Peer server =
      start_openssl_server({"-tls1_3", "-naccept", "1", "-cert", p.ecdsa.cert, "-key", p.ecdsa.key,
                            "-Verify", "1", "-CAfile", p.ca, "-verify_return_error"},
                           dir);
  ASSERT_NE(server.port, 0) << server.log();
  ClientRun client = run_glasstls_client(server.port,
                                         {"--servername", "localhost", "--cafile", p.ca, "--cert",
                                          p.client.cert, "--key", p.client.key},
                                         "mutual\n", dir);
  EXPECT_EQ(client.status, 0) << client.log << server.log();
  EXPECT_TRUE(server.child->wait_for_out("mutual", kRunTimeout)) << server.log();
  EXPECT_TRUE(contains(server.child->err() + server.child->out(), "client.glasstls.test"))
      << server.log();
}

TEST(InteropMutualTls, OpensslServerRejectsOurClientWithoutCertificate) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Pki& p = pki();
  Peer server =
      start_openssl_server({"-tls1_3", "-naccept", "1", "-cert", p.ecdsa.cert, "-key", p.ecdsa.key,
                            "-Verify", "1", "-CAfile", p.ca, "-verify_return_error"},
                           dir);
  ASSERT_NE(server.port, 0) << server.log();
  ClientRun client =
      run_glasstls_client(server.port, {"--servername", "localhost", "--cafile", p.ca}, "", dir);
  EXPECT_NE(client.status, 0) << client.log << server.log();
  EXPECT_TRUE(contains(client.err, "certificate_required")) << client.log;
}

TEST(InteropMutualTls, OpensslClientCertificateToOurServer) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Pki& p = pki();
  Peer server = start_glasstls_server({"--cert", p.ecdsa.cert, "--key", p.ecdsa.key, "--echo",
                                       "--once", "--verify-client", p.ca, "--require-client-cert"},
                                      dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::unique_ptr<Child> client = openssl_client(
      server.port, {"-servername", "localhost", "-cert", p.client.cert, "-key", p.client.key}, dir);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->wait_for_out("Verify return code", kRunTimeout))
      << client->log() << server.log();
  EXPECT_TRUE(echo_through(*client, "mutual hello")) << client->log() << server.log();
  EXPECT_TRUE(server.child->wait_for_err("client.glasstls.test", kRunTimeout)) << server.log();
}

TEST(InteropMutualTls, OurServerRequiresACertificateFromOpensslClient) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Pki& p = pki();
  Peer server = start_glasstls_server({"--cert", p.ecdsa.cert, "--key", p.ecdsa.key, "--echo",
                                       "--once", "--verify-client", p.ca, "--require-client-cert"},
                                      dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::unique_ptr<Child> client = openssl_client(server.port, {"-servername", "localhost"}, dir);
  ASSERT_TRUE(client);
  // In TLS 1.3 the client finishes first; the server's alert arrives afterwards.
  (void)client->write_stdin("data\n");
  EXPECT_TRUE(server.child->wait_for_err("certificate_required", kRunTimeout)) << server.log();
}

TEST(InteropMutualTls, OurServerRejectsAServerAuthOnlyCertificate) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Pki& p = pki();
  Peer server = start_glasstls_server(
      {"--cert", p.ecdsa.cert, "--key", p.ecdsa.key, "--echo", "--once", "--verify-client", p.ca},
      dir);
  ASSERT_NE(server.port, 0) << server.log();
  // The RSA leaf carries only serverAuth in its extendedKeyUsage.
  std::unique_ptr<Child> client = openssl_client(
      server.port, {"-servername", "localhost", "-cert", p.rsa.cert, "-key", p.rsa.key}, dir);
  ASSERT_TRUE(client);
  (void)client->write_stdin("data\n");
  std::optional<int> status = server.child->wait_exit(kRunTimeout);
  EXPECT_TRUE(status.has_value() && *status != 0) << server.log();
}

TEST(InteropPinning, InsecureAcceptsAnyCertificate) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Pki& p = pki();
  Peer server = start_openssl_server(
      {"-tls1_3", "-naccept", "1", "-cert", p.rsa.cert, "-key", p.rsa.key}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  ClientRun client = run_glasstls_client(server.port, {"--insecure"}, "insecure\n", dir);
  EXPECT_EQ(client.status, 0) << client.log << server.log();
  EXPECT_TRUE(contains(client.err, "--insecure")) << client.log;
}

// ---------------------------------------------------------------------------------------------
// KeyUpdate.

TEST(InteropKeyUpdate, OpensslClientRequestsUpdateFromOurServer) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Credential& cred = pki().ecdsa;
  Peer server =
      start_glasstls_server({"--cert", cred.cert, "--key", cred.key, "--echo", "--once"}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::unique_ptr<Child> client = openssl_client(server.port, {"-servername", "localhost"}, dir);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->wait_for_out("Verify return code", kRunTimeout))
      << client->log() << server.log();
  EXPECT_TRUE(echo_through(*client, "before the update")) << client->log() << server.log();
  // "K" at the start of a line: s_client sends KeyUpdate(update_requested).
  ASSERT_TRUE(client->write_stdin("K\n"));
  EXPECT_TRUE(client->wait_for_err("KEYUPDATE", kRunTimeout)) << client->log();
  EXPECT_TRUE(echo_through(*client, "after the update")) << client->log() << server.log();
  // s_client treats its whole stdin read as the command, so the next line must wait until the
  // command has been handled.
  ASSERT_TRUE(client->write_stdin("k\n"));
  EXPECT_TRUE(client->wait_for(
      [](const std::string&, const std::string& e) {
        size_t first = e.find("KEYUPDATE");
        return first != std::string::npos && e.find("KEYUPDATE", first + 1) != std::string::npos;
      },
      kRunTimeout))
      << client->log();
  EXPECT_TRUE(echo_through(*client, "after the second update")) << client->log() << server.log();
  client->close_stdin();
  EXPECT_EQ(client->wait_exit(kRunTimeout), 0) << client->log() << server.log();
  EXPECT_EQ(server.child->wait_exit(kRunTimeout), 0) << client->log() << server.log();
  EXPECT_TRUE(contains(server.child->err(), "key updates received: 2")) << server.log();
}

TEST(InteropKeyUpdate, OurServerRequestsUpdateFromOpensslClient) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Credential& cred = pki().ecdsa;
  Peer server = start_glasstls_server(
      {"--cert", cred.cert, "--key", cred.key, "--echo", "--once", "--key-update"}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::unique_ptr<Child> client = openssl_client(server.port, {"-servername", "localhost"}, dir);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->wait_for_out("Verify return code", kRunTimeout))
      << client->log() << server.log();
  EXPECT_TRUE(echo_through(*client, "after the server's update")) << client->log() << server.log();
  client->close_stdin();
  EXPECT_EQ(client->wait_exit(kRunTimeout), 0) << client->log() << server.log();
  EXPECT_EQ(server.child->wait_exit(kRunTimeout), 0) << client->log() << server.log();
  // OpenSSL answers update_requested with its own KeyUpdate before its next write (its
  // close_notify at the latest).
  EXPECT_TRUE(contains(server.child->err(), "key updates received: 1")) << server.log();
}

TEST(InteropKeyUpdate, OurClientRequestsUpdateFromGnutlsServer) {
  REQUIRE_GNUTLS();
  TempDir dir;
  const Credential& cred = pki().ecdsa;
  Peer server = start_gnutls_server({"--echo", "--x509certfile", cred.cert, "--x509keyfile",
                                     cred.key, "--priority", kGnutlsTls13},
                                    dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::vector<std::string> args = pinned(cred);
  args.push_back("--key-update");
  ClientRun client = run_glasstls_client(server.port, args, "after our update\n", dir);
  EXPECT_EQ(client.status, 0) << client.log << server.log();
  EXPECT_EQ(client.out, "after our update\n") << client.log << server.log();
  EXPECT_TRUE(contains(client.err, "key updates received: 1")) << client.log << server.log();
}

TEST(InteropKeyUpdate, OurClientRequestsUpdateFromOpensslServer) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Credential& cred = pki().ecdsa;
  Peer server = start_openssl_server(
      {"-tls1_3", "-naccept", "1", "-msg", "-cert", cred.cert, "-key", cred.key}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::vector<std::string> args = pinned(cred);
  args.push_back("--key-update");
  ClientRun client = run_glasstls_client(server.port, args, "after our update\n", dir);
  EXPECT_EQ(client.status, 0) << client.log << server.log();
  EXPECT_TRUE(server.child->wait_for_out("after our update", kRunTimeout)) << server.log();
  EXPECT_TRUE(contains(server.child->out(), "KeyUpdate")) << server.log();
}

// ---------------------------------------------------------------------------------------------
// Bulk data: 64 MiB each way, compared byte for byte.

constexpr size_t kBulkSize = 64u << 20;

// make_bulk_file writes `size` bytes of deterministic pseudo-random text (xorshift64*): lines
// of 63 characters from a 64-letter alphabet and a newline. Text, because gnutls-serv --echo is
// not binary-safe (it stops at NUL bytes).
std::string make_bulk_file(const TempDir& dir, size_t size) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string path = dir.file("bulk.in");
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  uint64_t x = 0x9e3779b97f4a7c15ull;
  std::vector<char> chunk(1 << 16);
  for (size_t done = 0; done < size; done += chunk.size()) {
    for (size_t i = 0; i < chunk.size(); i += 8) {
      x ^= x >> 12;
      x ^= x << 25;
      x ^= x >> 27;
      uint64_t v = x * 0x2545f4914f6cdd1dull;
      for (size_t j = 0; j < 8; ++j) {
        chunk[i + j] = kAlphabet[(v >> (6 * j)) & 63];
      }
      if (i % 64 == 56) {
        chunk[i + 7] = '\n';
      }
    }
    out.write(chunk.data(), static_cast<std::streamsize>(std::min(chunk.size(), size - done)));
  }
  return path;
}

// first_difference compares two files; it returns "" when they are equal.
std::string first_difference(const std::string& a, const std::string& b) {
  std::ifstream fa(a, std::ios::binary);
  std::ifstream fb(b, std::ios::binary);
  std::vector<char> ba(1 << 16);
  std::vector<char> bb(1 << 16);
  uint64_t offset = 0;
  for (;;) {
    fa.read(ba.data(), static_cast<std::streamsize>(ba.size()));
    fb.read(bb.data(), static_cast<std::streamsize>(bb.size()));
    std::streamsize na = fa.gcount();
    std::streamsize nb = fb.gcount();
    std::streamsize n = std::min(na, nb);
    for (std::streamsize i = 0; i < n; ++i) {
      if (ba[static_cast<size_t>(i)] != bb[static_cast<size_t>(i)]) {
        return "files differ at byte " + std::to_string(offset + static_cast<uint64_t>(i));
      }
    }
    offset += static_cast<uint64_t>(n);
    if (na != nb) {
      return "lengths differ: one file ends at byte " + std::to_string(offset);
    }
    if (na == 0) {
      return "";
    }
  }
}

TEST(InteropBulk, SixtyFourMebibytesThroughGnutlsEcho) {
  REQUIRE_GNUTLS();
  TempDir dir;
  const Credential& cred = pki().ecdsa;
  std::string input = make_bulk_file(dir, kBulkSize);
  Peer server = start_gnutls_server({"--echo", "--x509certfile", cred.cert, "--x509keyfile",
                                     cred.key, "--priority", kGnutlsTls13},
                                    dir);
  ASSERT_NE(server.port, 0) << server.log();
  ClientRun client =
      run_glasstls_client(server.port, pinned(cred), "", dir, "bulk-client", kBulkTimeout, input);
  EXPECT_EQ(client.status, 0) << client.log.substr(0, 4000) << server.log();
  EXPECT_EQ(first_difference(input, dir.file("bulk-client.out")), "");
}

TEST(InteropBulk, SixtyFourMebibytesThroughOurEchoServerFromOurClient) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Credential& cred = pki().ecdsa;
  std::string input = make_bulk_file(dir, kBulkSize);
  Peer server =
      start_glasstls_server({"--cert", cred.cert, "--key", cred.key, "--echo", "--once"}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  ClientRun client =
      run_glasstls_client(server.port, pinned(cred), "", dir, "bulk-client", kBulkTimeout, input);
  EXPECT_EQ(client.status, 0) << client.log.substr(0, 4000) << server.log();
  EXPECT_EQ(first_difference(input, dir.file("bulk-client.out")), "");
  EXPECT_EQ(server.child->wait_exit(kRunTimeout), 0) << server.log();
}

TEST(InteropBulk, SixtyFourMebibytesToOpensslServer) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Credential& cred = pki().ecdsa;
  std::string input = make_bulk_file(dir, kBulkSize);
  // -quiet: s_server writes exactly the received bytes to stdout, and prints no "ACCEPT"; the
  // port is probed instead (s_server shrugs off the probe's empty connection and goes on).
  uint16_t port = free_port();
  std::unique_ptr<Child> server =
      Child::spawn({tools().openssl, "s_server", "-accept", std::to_string(port), "-tls1_3",
                    "-quiet", "-cert", cred.cert, "-key", cred.key},
                   dir.path(), "s_server", StdinMode::kPipe);
  ASSERT_TRUE(server);
  ASSERT_TRUE(wait_port_open(port, kStartTimeout)) << server->log();
  ClientRun client =
      run_glasstls_client(port, pinned(cred), "", dir, "bulk-client", kBulkTimeout, input);
  EXPECT_EQ(client.status, 0) << client.log.substr(0, 4000);
  std::string received = dir.file("s_server.out");
  auto deadline = Clock::now() + kRunTimeout;
  std::error_code ec;
  while (Clock::now() < deadline && std::filesystem::file_size(received, ec) < kBulkSize) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  server->kill();
  EXPECT_EQ(first_difference(input, received), "");
}

// ---------------------------------------------------------------------------------------------
// close_notify both ways.

TEST(InteropCloseNotify, OurClientAndOpensslServerExchangeCloseNotify) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Credential& cred = pki().ecdsa;
  Peer server = start_openssl_server(
      {"-tls1_3", "-naccept", "1", "-msg", "-cert", cred.cert, "-key", cred.key}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  ClientRun client = run_glasstls_client(server.port, pinned(cred), "bye\n", dir);
  EXPECT_EQ(client.status, 0) << client.log << server.log();
  EXPECT_TRUE(contains(client.err, "received close_notify")) << client.log;
  EXPECT_TRUE(server.child->wait_for_out("CONNECTION CLOSED", kRunTimeout)) << server.log();
  std::string out = server.child->out();
  EXPECT_TRUE(contains(out, "<<< TLS 1.3, Alert [length 0002], warning close_notify")) << out;
  EXPECT_TRUE(contains(out, ">>> TLS 1.3, Alert [length 0002], warning close_notify")) << out;
}

TEST(InteropCloseNotify, TruncationIsAnError) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Credential& cred = pki().ecdsa;
  Peer server =
      start_openssl_server({"-tls1_3", "-naccept", "1", "-cert", cred.cert, "-key", cred.key}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  // Our client keeps its stdin open; killing s_server drops the transport without close_notify.
  std::vector<std::string> argv = {tools().cli, "client", "127.0.0.1:" + server.port_text()};
  for (const std::string& a : pinned(cred)) {
    argv.push_back(a);
  }
  std::unique_ptr<Child> client = Child::spawn(argv, dir.path(), "client", StdinMode::kPipe);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->wait_for_err("cipher suite:", kRunTimeout)) << client->log() << server.log();
  server.child->kill();
  std::optional<int> status = client->wait_exit(kRunTimeout);
  EXPECT_NE(status.value_or(0), 0) << client->log();
  EXPECT_TRUE(contains(client->err(), "truncation")) << client->log();
}

// ---------------------------------------------------------------------------------------------
// Key log lines equal the peer's.

std::set<std::string> key_log_lines(const std::string& path) {
  std::set<std::string> lines;
  std::istringstream in(read_text(path));
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != '#') {
      for (char& c : line) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      lines.insert(line);
    }
  }
  return lines;
}

std::string describe(const std::set<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) {
    s += "  " + l + "\n";
  }
  return s;
}

TEST(InteropKeyLog, OurClientMatchesOpensslServer) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Credential& cred = pki().ecdsa;
  Peer server =
      start_openssl_server({"-tls1_3", "-naccept", "1", "-keylogfile", dir.file("openssl.keys"),
                            "-cert", cred.cert, "-key", cred.key},
                           dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::vector<std::string> args = pinned(cred);
  args.insert(args.end(), {"--keylog", dir.file("glasstls.keys")});
  ClientRun client = run_glasstls_client(server.port, args, "keys\n", dir);
  EXPECT_EQ(client.status, 0) << client.log << server.log();
  server.child->wait_for_out("CONNECTION CLOSED", kRunTimeout);
  std::set<std::string> theirs = key_log_lines(dir.file("openssl.keys"));
  std::set<std::string> mine = key_log_lines(dir.file("glasstls.keys"));
  EXPECT_EQ(theirs.size(), 5u) << describe(theirs);
  EXPECT_EQ(mine, theirs) << "glasstls:\n" << describe(mine) << "openssl:\n" << describe(theirs);
}

TEST(InteropKeyLog, OurServerMatchesOpensslClient) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Credential& cred = pki().ed25519;
  Peer server = start_glasstls_server({"--cert", cred.cert, "--key", cred.key, "--echo", "--once",
                                       "--keylog", dir.file("glasstls.keys")},
                                      dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::unique_ptr<Child> client = openssl_client(
      server.port, {"-servername", "localhost", "-keylogfile", dir.file("openssl.keys")}, dir);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->wait_for_out("Verify return code", kRunTimeout))
      << client->log() << server.log();
  // (Not "keys": a line starting with 'k' is s_client's KeyUpdate command.)
  EXPECT_TRUE(echo_through(*client, "secrets")) << client->log() << server.log();
  client->close_stdin();
  EXPECT_EQ(client->wait_exit(kRunTimeout), 0) << client->log() << server.log();
  EXPECT_EQ(server.child->wait_exit(kRunTimeout), 0) << client->log() << server.log();
  std::set<std::string> theirs = key_log_lines(dir.file("openssl.keys"));
  std::set<std::string> mine = key_log_lines(dir.file("glasstls.keys"));
  EXPECT_EQ(theirs.size(), 5u) << describe(theirs);
  EXPECT_EQ(mine, theirs) << "glasstls:\n" << describe(mine) << "openssl:\n" << describe(theirs);
}

// ---------------------------------------------------------------------------------------------
// The web page, IPv6, and the CLI's own commands.

TEST(InteropWww, OpensslClientGetsThePage) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Credential& cred = pki().rsa;
  Peer server = start_glasstls_server(
      {"--cert", cred.cert, "--key", cred.key, "--www", "--once", "--alpn", "http/1.1"}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::unique_ptr<Child> client = openssl_client(
      server.port, {"-servername", "localhost", "-alpn", "http/1.1", "-ign_eof"}, dir);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->wait_for_out("Verify return code", kRunTimeout))
      << client->log() << server.log();
  ASSERT_TRUE(client->write_stdin("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  EXPECT_TRUE(client->wait_for_out("</html>", kRunTimeout)) << client->log() << server.log();
  std::optional<int> client_status = client->wait_exit(kRunTimeout);
  std::string logs = client->log() + server.log();
  EXPECT_EQ(client_status, 0) << logs;
  std::string out = client->out();
  EXPECT_TRUE(contains(out, "HTTP/1.1 200 OK")) << logs;
  EXPECT_TRUE(contains(out, "SNI: localhost")) << logs;
  EXPECT_TRUE(contains(out, "ALPN: http/1.1")) << logs;
  EXPECT_TRUE(contains(out, "version: TLS 1.3")) << logs;
  EXPECT_EQ(server.child->wait_exit(kRunTimeout), 0) << logs;
}

TEST(InteropIpv6, OpensslClientReachesOurServerOnLoopback) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Credential& cred = pki().ecdsa;
  Peer server = start_glasstls_server(
      {"--host", "::1", "--cert", cred.cert, "--key", cred.key, "--echo", "--once"}, dir);
  if (server.port == 0 && server.child && contains(server.child->err(), "cannot listen")) {
    GTEST_SKIP() << "no IPv6 loopback: " << server.child->err();
  }
  ASSERT_NE(server.port, 0) << server.log();
  EXPECT_TRUE(contains(server.child->err(), "listening on [::1]:")) << server.log();
  std::unique_ptr<Child> client =
      Child::spawn({tools().openssl, "s_client", "-tls1_3", "-connect",
                    "[::1]:" + server.port_text(), "-CAfile", pki().ca, "-servername", "localhost"},
                   dir.path(), "s_client", StdinMode::kPipe);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->wait_for_out("Verify return code", kRunTimeout))
      << client->log() << server.log();
  EXPECT_TRUE(echo_through(*client, "over ipv6")) << client->log() << server.log();
  client->close_stdin();
  EXPECT_EQ(client->wait_exit(kRunTimeout), 0) << client->log() << server.log();
  EXPECT_EQ(server.child->wait_exit(kRunTimeout), 0) << server.log();
}

TEST(InteropIpv6, OurClientReachesOurServerOnLoopback) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Credential& cred = pki().ecdsa;
  Peer server = start_glasstls_server(
      {"--host", "::1", "--cert", cred.cert, "--key", cred.key, "--echo", "--once"}, dir);
  if (server.port == 0 && server.child && contains(server.child->err(), "cannot listen")) {
    GTEST_SKIP() << "no IPv6 loopback";
  }
  ASSERT_NE(server.port, 0) << server.log();
  std::vector<std::string> argv = {tools().cli, "client", "[::1]:" + server.port_text()};
  for (const std::string& a : pinned(cred)) {
    argv.push_back(a);
  }
  write_text(dir.file("in"), "over ipv6\n");
  std::unique_ptr<Child> client =
      Child::spawn(argv, dir.path(), "client", StdinMode::kFile, dir.file("in"));
  ASSERT_TRUE(client);
  EXPECT_EQ(client->wait_exit(kRunTimeout), 0) << client->log() << server.log();
  EXPECT_EQ(client->out(), "over ipv6\n") << client->log();
  EXPECT_EQ(server.child->wait_exit(kRunTimeout), 0) << server.log();
}

TEST(InteropCli, HelpForEveryCommand) {
  REQUIRE_OPENSSL();
  TempDir dir;
  std::string out;
  EXPECT_EQ(run({tools().cli, "--help"}, dir.path(), "help", kRunTimeout, &out), 0) << out;
  EXPECT_TRUE(contains(out, "client")) << out;
  EXPECT_TRUE(contains(out, "server")) << out;
  EXPECT_TRUE(contains(out, "demo")) << out;
  for (const char* command : {"client", "server", "demo"}) {
    EXPECT_EQ(run({tools().cli, command, "--help"}, dir.path(), command, kRunTimeout, &out), 0)
        << out;
    EXPECT_TRUE(contains(out, std::string("glasstls ") + command)) << out;
  }
}

TEST(InteropCli, DemoRunsCleanly) {
  REQUIRE_OPENSSL();
  TempDir dir;
  std::string out;
  EXPECT_EQ(run({tools().cli, "demo"}, dir.path(), "demo", kRunTimeout, &out), 0) << out;
  EXPECT_TRUE(contains(out, "closed cleanly")) << out;
}

}  // namespace
}  // namespace glasstls::interop
