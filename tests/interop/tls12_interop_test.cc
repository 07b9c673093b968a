// tls12_interop_test.cc: TLS 1.2 between the glasstls CLI and real peers: OpenSSL (s_client,
// s_server), GnuTLS (gnutls-cli, gnutls-serv), nginx, lighttpd with each of its TLS modules,
// and Python's ssl module for bulk data.
//
// Covered, both ways where it makes sense: every default TLS 1.2 suite (ECDHE-ECDSA, ECDHE-RSA
// and DHE-RSA with AES-GCM and ChaCha20-Poly1305), the CBC suites with and without
// encrypt-then-MAC, DHE with the RFC 7919 groups and with a server's own parameters, the
// extended master secret and its absence, renegotiation refused both ways, TLS_FALLBACK_SCSV,
// the TLS 1.3 downgrade sentinel (with a proxy that strips TLS 1.3 from a ClientHello), client
// certificates, web servers configured for TLS 1.2 only, and 64 MiB through our echo server for
// each kind of record protection.
//
// One throwaway PKI is generated at test time with `openssl req`/`openssl x509`: a CA, ECDSA
// P-256 and RSA-2048 server certificates for "localhost", and ECDSA and RSA client
// certificates. Every peer runs as a child process (tests/interop/process.h); every wait is
// bounded, and every child is killed and reaped when its test ends. The tests skip only when a
// peer's program is missing.

#include <gtest/gtest.h>
#include <poll.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "interop/process.h"

#ifndef GLASSTLS_CLI
#error "GLASSTLS_CLI must name the glasstls executable"
#endif
#ifndef GLASSTLS_SOURCE_DIR
#error "GLASSTLS_SOURCE_DIR must name the source tree"
#endif

namespace glasstls::interop {
namespace {

constexpr milliseconds kStartTimeout{10000};
constexpr milliseconds kRunTimeout{20000};
constexpr milliseconds kBulkTimeout{150000};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// ---------------------------------------------------------------------------------------------
// Tools and the PKI.

struct Tools {
  std::string openssl;
  std::string gnutls_serv;
  std::string gnutls_cli;
  std::string python;
  std::string nginx;
  std::string lighttpd;
  std::string cli = GLASSTLS_CLI;
};

const Tools& tools() {
  static const Tools* t = [] {
    auto* x = new Tools();
    x->openssl = find_program("openssl");
    x->gnutls_serv = find_program("gnutls-serv");
    x->gnutls_cli = find_program("gnutls-cli");
    x->python = find_program("python3");
    // nginx and lighttpd live in /usr/sbin, which a user's $PATH may lack.
    for (const char* dir : {"/usr/sbin/", "/usr/local/sbin/"}) {
      for (auto [name, out] : {std::pair{"nginx", &x->nginx}, {"lighttpd", &x->lighttpd}}) {
        std::string path = std::string(dir) + name;
        if (out->empty() && ::access(path.c_str(), X_OK) == 0) {
          *out = path;
        }
      }
    }
    if (x->nginx.empty()) {
      x->nginx = find_program("nginx");
    }
    if (x->lighttpd.empty()) {
      x->lighttpd = find_program("lighttpd");
    }
    // A peer that exits while we write its stdin must not kill the test binary.
    ::signal(SIGPIPE, SIG_IGN);
    return x;
  }();
  return *t;
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
  Credential ecdsa;         // server, P-256, "localhost"
  Credential rsa;           // server, RSA-2048, "localhost"
  Credential client_ecdsa;  // clientAuth, P-256
  Credential client_rsa;    // clientAuth, RSA-2048
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
               const std::string& host, int serial, Credential& out, const std::string& eku) {
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
  req.insert(req.end(), {"-nodes", "-keyout", out.key, "-out", csr, "-subj", "/CN=" + host});
  if (!openssl_step(pki, req, name + "-req", pki.error) ||
      !openssl_step(
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
    // Readable by the web servers' workers, whatever user they run as.
    ::chmod(x->dir->path().c_str(), 0755);
    x->ca = x->dir->file("ca.pem");
    if (!openssl_step(
            *x,
            {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", x->dir->file("ca.key"), "-out", x->ca, "-days", "30", "-subj",
             "/CN=glasstls TLS 1.2 interop CA", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign"},
            "ca", x->error)) {
      return x;
    }
    const std::vector<std::string> ec = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"};
    const std::vector<std::string> rsa = {"-newkey", "rsa:2048"};
    bool ok =
        make_leaf(*x, "ecdsa", ec, "localhost", 2, x->ecdsa, "serverAuth") &&
        make_leaf(*x, "rsa", rsa, "localhost", 3, x->rsa, "serverAuth") &&
        make_leaf(*x, "client-ecdsa", ec, "ecdsa.client.test", 4, x->client_ecdsa, "clientAuth") &&
        make_leaf(*x, "client-rsa", rsa, "rsa.client.test", 5, x->client_rsa, "clientAuth");
    (void)ok;  // On failure x->error says why.
    return x;
  }();
  return *p;
}

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
// The suites, as each implementation names them.

enum class CertKind { kEcdsa, kRsa };

struct Suite {
  const char* iana;     // glasstls's name
  const char* openssl;  // OpenSSL's name
  const char* gnutls_kx;
  const char* gnutls_cipher;
  const char* gnutls_mac;
  CertKind cert;
};

const Suite kDefaultSuites[] = {
    {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA",
     "AES-128-GCM", "AEAD", CertKind::kEcdsa},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA",
     "AES-256-GCM", "AEAD", CertKind::kEcdsa},
    {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305",
     "ECDHE-ECDSA", "CHACHA20-POLY1305", "AEAD", CertKind::kEcdsa},
    {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA",
     "AES-128-GCM", "AEAD", CertKind::kRsa},
    {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA",
     "AES-256-GCM", "AEAD", CertKind::kRsa},
    {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305", "ECDHE-RSA",
     "CHACHA20-POLY1305", "AEAD", CertKind::kRsa},
    {"TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "DHE-RSA-AES128-GCM-SHA256", "DHE-RSA", "AES-128-GCM",
     "AEAD", CertKind::kRsa},
    {"TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "DHE-RSA-AES256-GCM-SHA384", "DHE-RSA", "AES-256-GCM",
     "AEAD", CertKind::kRsa},
    {"TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "DHE-RSA-CHACHA20-POLY1305", "DHE-RSA",
     "CHACHA20-POLY1305", "AEAD", CertKind::kRsa},
};

// The CBC suites are offered only by name or with --allow-cbc; one of each key exchange and MAC.
const Suite kCbcSuites[] = {
    {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256", "ECDHE-ECDSA",
     "AES-128-CBC", "SHA256", CertKind::kEcdsa},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA", "ECDHE-ECDSA", "AES-256-CBC",
     "SHA1", CertKind::kEcdsa},
    {"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "ECDHE-RSA-AES256-SHA384", "ECDHE-RSA", "AES-256-CBC",
     "SHA384", CertKind::kRsa},
    {"TLS_DHE_RSA_WITH_AES_128_CBC_SHA", "DHE-RSA-AES128-SHA", "DHE-RSA", "AES-128-CBC", "SHA1",
     CertKind::kRsa},
};

void PrintTo(const Suite& suite, std::ostream* os) { *os << suite.iana; }

std::string suite_name(const testing::TestParamInfo<Suite>& info) {
  std::string s = info.param.openssl;
  for (char& c : s) {
    if (c == '-') {
      c = '_';
    }
  }
  return s;
}

const Credential& server_credential(const Suite& s) {
  return s.cert == CertKind::kEcdsa ? pki().ecdsa : pki().rsa;
}

bool is_dhe(const Suite& s) { return std::string(s.gnutls_kx) == "DHE-RSA"; }

std::string gnutls_priority(const Suite& s, const std::string& extra = "") {
  return std::string("NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+") + s.gnutls_cipher +
         ":-MAC-ALL:+" + s.gnutls_mac + ":-KX-ALL:+" + s.gnutls_kx + extra;
}

// gnutls_cipher_mac is the end of the "- Description:" line gnutls-cli and gnutls-serv print,
// e.g. "(TLS1.2-X.509)-(ECDHE-X25519)-(RSA-PSS-RSAE-SHA256)-(AES-128-GCM)" for an AEAD suite
// and "...-(AES-128-CBC)-(SHA256)" for a CBC one.
std::string gnutls_cipher_mac(const Suite& s) {
  std::string mac = s.gnutls_mac;
  return std::string("-(") + s.gnutls_cipher + ")" + (mac == "AEAD" ? "\n" : "-(" + mac + ")\n");
}

// ---------------------------------------------------------------------------------------------
// Starting peers.

struct Peer {
  std::unique_ptr<Child> child;
  uint16_t port = 0;
  std::string port_text() const { return std::to_string(port); }
  std::string log() const { return child ? child->log() : "(not started)\n"; }
};

Peer start_glasstls_server(const std::vector<std::string>& args, const TempDir& dir,
                           const std::string& tag = "glasstls-server") {
  std::vector<std::string> argv = {tools().cli, "server", "--port", "0"};
  argv.insert(argv.end(), args.begin(), args.end());
  Peer peer;
  peer.child = Child::spawn(argv, dir.path(), tag);
  if (!peer.child || !peer.child->wait_for_err("listening on", kStartTimeout)) {
    return peer;
  }
  std::string err = peer.child->err();
  size_t at = err.find("listening on ");
  std::string line = err.substr(at, err.find('\n', at) - at);
  size_t last = line.rfind(':');
  if (last != std::string::npos) {
    peer.port = static_cast<uint16_t>(std::stoi(line.substr(last + 1)));
  }
  return peer;
}

std::vector<std::string> our_server_args(const Credential& cred,
                                         const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"--cert", cred.cert, "--key", cred.key, "--echo", "--once"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// start_openssl_server runs `[env...] openssl s_server -accept PORT ...` on a free port. Its
// stdin is a pipe held open: s_server shuts down at the end of its stdin.
Peer start_openssl_server(const std::vector<std::string>& args, const TempDir& dir,
                          const std::string& tag = "s_server",
                          const std::vector<std::string>& env = {}) {
  Peer peer;
  for (int attempt = 0; attempt < 3 && peer.port == 0; ++attempt) {
    uint16_t port = free_port();
    std::vector<std::string> argv;
    if (!env.empty()) {
      argv.push_back("env");
      argv.insert(argv.end(), env.begin(), env.end());
    }
    argv.insert(argv.end(), {tools().openssl, "s_server", "-accept", std::to_string(port)});
    argv.insert(argv.end(), args.begin(), args.end());
    peer.child = Child::spawn(argv, dir.path(), tag, StdinMode::kPipe);
    if (peer.child && peer.child->wait_for_out("ACCEPT", kStartTimeout)) {
      peer.port = port;
    }
  }
  return peer;
}

Peer start_gnutls_server(const std::vector<std::string>& args, const TempDir& dir,
                         const std::string& tag = "gnutls-serv") {
  Peer peer;
  for (int attempt = 0; attempt < 3 && peer.port == 0; ++attempt) {
    uint16_t port = free_port();
    std::vector<std::string> argv = {tools().gnutls_serv, "-p", std::to_string(port)};
    argv.insert(argv.end(), args.begin(), args.end());
    peer.child = Child::spawn(argv, dir.path(), tag, StdinMode::kPipe);
    auto listening = [](const std::string& out, const std::string& err) {
      return contains(out + err, "listening on IPv4");
    };
    if (peer.child && peer.child->wait_for(listening, kStartTimeout)) {
      peer.port = port;
    }
  }
  return peer;
}

struct ClientRun {
  int status = -1;
  std::string out;
  std::string err;
  std::string log;
};

ClientRun run_glasstls_client(uint16_t port, const std::vector<std::string>& args,
                              const std::string& input, const TempDir& dir,
                              const std::string& tag = "glasstls-client",
                              milliseconds timeout = kRunTimeout) {
  std::string stdin_path = dir.file(tag + ".in");
  write_text(stdin_path, input);
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

// our_client_args verifies the server against the test CA, for "localhost".
std::vector<std::string> our_client_args(const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"--servername", "localhost", "--cafile", pki().ca};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// openssl_client starts `openssl s_client -tls1_2 -connect 127.0.0.1:PORT` verifying against
// the test CA, with a stdin pipe. `version` replaces -tls1_2 when not empty.
std::unique_ptr<Child> openssl_client(uint16_t port, const std::vector<std::string>& args,
                                      const TempDir& dir, const std::string& tag = "s_client",
                                      const std::vector<std::string>& env = {}) {
  std::vector<std::string> argv;
  if (!env.empty()) {
    argv.push_back("env");
    argv.insert(argv.end(), env.begin(), env.end());
  }
  argv.insert(argv.end(),
              {tools().openssl, "s_client", "-connect", "127.0.0.1:" + std::to_string(port),
               "-CAfile", pki().ca, "-verify_return_error", "-servername", "localhost"});
  argv.insert(argv.end(), args.begin(), args.end());
  return Child::spawn(argv, dir.path(), tag, StdinMode::kPipe);
}

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

bool echo_through(Child& client, const std::string& line) {
  return client.write_stdin(line + "\n") && client.wait_for_out(line, kRunTimeout);
}

// An OpenSSL configuration that turns the extended master secret off in every SSL_CTX that
// s_client or s_server makes (OpenSSL 3.0's command lines have no switch for it).
std::string no_ems_config(const TempDir& dir) {
  std::string path = dir.file("no-ems.cnf");
  write_text(path,
             "openssl_conf = default_conf\n"
             "[default_conf]\nssl_conf = ssl_sect\n"
             "[ssl_sect]\nsystem_default = system_default_sect\n"
             "[system_default_sect]\nOptions = -ExtendedMasterSecret\n");
  return path;
}

// ---------------------------------------------------------------------------------------------
// 1. Every default suite, four ways.

class InteropTls12OurClientVsOpensslServer : public testing::TestWithParam<Suite> {};

TEST_P(InteropTls12OurClientVsOpensslServer, HandshakeAndDataBothWays) {
  REQUIRE_OPENSSL();
  const Suite& s = GetParam();
  const Credential& cred = server_credential(s);
  TempDir dir;
  Peer server = start_openssl_server(
      {"-tls1_2", "-naccept", "1", "-cipher", s.openssl, "-cert", cred.cert, "-key", cred.key},
      dir);
  ASSERT_NE(server.port, 0) << server.log();
  // Our client's stdin stays open until the server's line has come back.
  std::vector<std::string> argv = {tools().cli, "client", "127.0.0.1:" + server.port_text()};
  for (const std::string& a : our_client_args()) {
    argv.push_back(a);
  }
  std::unique_ptr<Child> client = Child::spawn(argv, dir.path(), "client", StdinMode::kPipe);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->wait_for_err("cipher suite:", kRunTimeout)) << client->log() << server.log();
  ASSERT_TRUE(client->write_stdin("hello from glasstls\n"));
  EXPECT_TRUE(server.child->wait_for_out("hello from glasstls", kRunTimeout))
      << client->log() << server.log();
  ASSERT_TRUE(server.child->write_stdin("hello from s_server\n"));
  EXPECT_TRUE(client->wait_for_out("hello from s_server", kRunTimeout))
      << client->log() << server.log();
  client->close_stdin();
  std::optional<int> status = client->wait_exit(kRunTimeout);
  std::string logs = client->log() + server.log();
  EXPECT_EQ(status, 0) << logs;
  std::string err = client->err();
  EXPECT_TRUE(contains(err, std::string("New, TLSv1.2, Cipher is ") + s.iana)) << logs;
  EXPECT_TRUE(contains(err, "extended master secret: yes")) << logs;
  EXPECT_TRUE(contains(err, "encrypt-then-MAC: no")) << logs;
  EXPECT_TRUE(contains(server.child->out(), std::string("CIPHER is ") + s.openssl)) << logs;
  if (is_dhe(s)) {
    // s_server's automatic DH parameters are RFC 3526's 2048-bit MODP group (OpenSSL 3.0 picks
    // it for the key's security level): a safe prime our client accepts, which no RFC 7919
    // group names.
    EXPECT_TRUE(contains(err, "group: (finite-field DH parameters of the server's own)")) << logs;
  } else {
    EXPECT_TRUE(contains(err, "group: x25519")) << logs;
  }
}

INSTANTIATE_TEST_SUITE_P(Suites, InteropTls12OurClientVsOpensslServer,
                         testing::ValuesIn(kDefaultSuites), suite_name);

class InteropTls12OpensslClientVsOurServer : public testing::TestWithParam<Suite> {};

TEST_P(InteropTls12OpensslClientVsOurServer, HandshakeAndEcho) {
  REQUIRE_OPENSSL();
  const Suite& s = GetParam();
  const Credential& cred = server_credential(s);
  TempDir dir;
  Peer server = start_glasstls_server(our_server_args(cred), dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::unique_ptr<Child> client =
      openssl_client(server.port, {"-tls1_2", "-cipher", s.openssl}, dir);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->wait_for_out("Verify return code", kRunTimeout))
      << client->log() << server.log();
  EXPECT_TRUE(echo_through(*client, "ping from openssl")) << client->log() << server.log();
  client->close_stdin();
  std::optional<int> client_status = client->wait_exit(kRunTimeout);
  std::optional<int> server_status = server.child->wait_exit(kRunTimeout);
  std::string logs = client->log() + server.log();
  EXPECT_EQ(client_status, 0) << logs;
  EXPECT_EQ(server_status, 0) << logs;
  std::string out = client->out();
  EXPECT_TRUE(contains(out, std::string("New, TLSv1.2, Cipher is ") + s.openssl)) << logs;
  EXPECT_TRUE(contains(out, "Protocol  : TLSv1.2")) << logs;
  EXPECT_TRUE(contains(out, "Extended master secret: yes")) << logs;
  EXPECT_TRUE(contains(out, "Secure Renegotiation IS supported")) << logs;
  std::string err = server.child->err();
  EXPECT_TRUE(contains(err, "version: TLS 1.2")) << logs;
  EXPECT_TRUE(contains(err, std::string("cipher suite: ") + s.iana)) << logs;
  EXPECT_TRUE(contains(err, "extended master secret: yes")) << logs;
  if (is_dhe(s)) {
    EXPECT_TRUE(contains(out, "Server Temp Key: DH, 2048 bits")) << logs;
    EXPECT_TRUE(contains(err, "group: ffdhe2048")) << logs;
  } else {
    EXPECT_TRUE(contains(out, "Server Temp Key: X25519")) << logs;
  }
}

INSTANTIATE_TEST_SUITE_P(Suites, InteropTls12OpensslClientVsOurServer,
                         testing::ValuesIn(kDefaultSuites), suite_name);

class InteropTls12OurClientVsGnutlsServer : public testing::TestWithParam<Suite> {};

TEST_P(InteropTls12OurClientVsGnutlsServer, HandshakeAndEcho) {
  REQUIRE_GNUTLS();
  const Suite& s = GetParam();
  const Credential& cred = server_credential(s);
  TempDir dir;
  Peer server = start_gnutls_server({"--echo", "--x509certfile", cred.cert, "--x509keyfile",
                                     cred.key, "--priority", gnutls_priority(s)},
                                    dir);
  ASSERT_NE(server.port, 0) << server.log();
  ClientRun client =
      run_glasstls_client(server.port, our_client_args({"--tls1_2"}), "hello from glasstls\n", dir);
  std::string logs = client.log + server.log();
  EXPECT_EQ(client.status, 0) << logs;
  EXPECT_EQ(client.out, "hello from glasstls\n") << logs;
  EXPECT_TRUE(contains(client.err, std::string("New, TLSv1.2, Cipher is ") + s.iana)) << logs;
  EXPECT_TRUE(contains(client.err, "extended master secret: yes")) << logs;
  EXPECT_TRUE(server.child->wait_for_out(gnutls_cipher_mac(s), kRunTimeout)) << logs;
  EXPECT_TRUE(contains(server.child->out(), "(TLS1.2-X.509)")) << logs;
  EXPECT_TRUE(contains(server.child->out(), "Options: extended master secret, safe renegotiation"))
      << logs;
  if (is_dhe(s)) {
    // GnuTLS negotiates an RFC 7919 group from our supported_groups.
    EXPECT_TRUE(contains(client.err, "group: ffdhe2048")) << logs;
    EXPECT_TRUE(contains(server.child->out(), "(DHE-FFDHE2048)")) << logs;
  }
}

INSTANTIATE_TEST_SUITE_P(Suites, InteropTls12OurClientVsGnutlsServer,
                         testing::ValuesIn(kDefaultSuites), suite_name);

class InteropTls12GnutlsClientVsOurServer : public testing::TestWithParam<Suite> {};

TEST_P(InteropTls12GnutlsClientVsOurServer, HandshakeAndEcho) {
  REQUIRE_GNUTLS();
  const Suite& s = GetParam();
  const Credential& cred = server_credential(s);
  TempDir dir;
  Peer server = start_glasstls_server(our_server_args(cred), dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::unique_ptr<Child> client = gnutls_client(server.port, gnutls_priority(s), {}, dir);
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
  std::string out = client->out();
  EXPECT_TRUE(contains(out, "(TLS1.2-X.509)")) << logs;
  EXPECT_TRUE(contains(out, gnutls_cipher_mac(s))) << logs;
  EXPECT_TRUE(contains(out, "Options: extended master secret, safe renegotiation")) << logs;
  EXPECT_TRUE(contains(out + client->err(), "Peer has closed the GnuTLS connection")) << logs;
  std::string err = server.child->err();
  EXPECT_TRUE(contains(err, "version: TLS 1.2")) << logs;
  EXPECT_TRUE(contains(err, std::string("cipher suite: ") + s.iana)) << logs;
  EXPECT_TRUE(contains(err, "extended master secret: yes")) << logs;
  if (is_dhe(s)) {
    EXPECT_TRUE(contains(out, "(DHE-FFDHE2048)")) << logs;
    EXPECT_TRUE(contains(err, "group: ffdhe2048")) << logs;
  }
}

INSTANTIATE_TEST_SUITE_P(Suites, InteropTls12GnutlsClientVsOurServer,
                         testing::ValuesIn(kDefaultSuites), suite_name);

// ---------------------------------------------------------------------------------------------
// 2. The CBC suites, with encrypt-then-MAC and without (OpenSSL's -no_etm), both ways.

struct CbcCase {
  Suite suite;
  bool etm;
};

std::vector<CbcCase> cbc_cases() {
  std::vector<CbcCase> out;
  for (const Suite& s : kCbcSuites) {
    out.push_back({s, true});
    out.push_back({s, false});
  }
  return out;
}

std::string cbc_name(const testing::TestParamInfo<CbcCase>& info) {
  std::string s = std::string(info.param.suite.openssl) + (info.param.etm ? "_Etm" : "_NoEtm");
  for (char& c : s) {
    if (c == '-') {
      c = '_';
    }
  }
  return s;
}

class InteropTls12Cbc : public testing::TestWithParam<CbcCase> {};

// Our client names the suite (which enables it); s_server offers encrypt-then-MAC unless
// -no_etm.
TEST_P(InteropTls12Cbc, OurClientToOpensslServer) {
  REQUIRE_OPENSSL();
  const CbcCase& c = GetParam();
  const Credential& cred = server_credential(c.suite);
  TempDir dir;
  std::vector<std::string> args = {"-tls1_2", "-naccept", "1",    "-cipher", c.suite.openssl,
                                   "-cert",   cred.cert,  "-key", cred.key};
  if (!c.etm) {
    args.push_back("-no_etm");
  }
  Peer server = start_openssl_server(args, dir);
  ASSERT_NE(server.port, 0) << server.log();
  ClientRun client = run_glasstls_client(
      server.port, our_client_args({"--ciphersuites", c.suite.iana}), "cbc from glasstls\n", dir);
  std::string logs = client.log + server.log();
  EXPECT_EQ(client.status, 0) << logs;
  EXPECT_TRUE(contains(client.err, std::string("New, TLSv1.2, Cipher is ") + c.suite.iana)) << logs;
  EXPECT_TRUE(contains(client.err, std::string("encrypt-then-MAC: ") + (c.etm ? "yes" : "no")))
      << logs;
  EXPECT_TRUE(server.child->wait_for_out("cbc from glasstls", kRunTimeout)) << logs;
  EXPECT_TRUE(contains(server.child->out(), std::string("CIPHER is ") + c.suite.openssl)) << logs;
}

// s_client asks for the suite; our server enables the CBC suites with --allow-cbc.
TEST_P(InteropTls12Cbc, OpensslClientToOurServer) {
  REQUIRE_OPENSSL();
  const CbcCase& c = GetParam();
  const Credential& cred = server_credential(c.suite);
  TempDir dir;
  Peer server = start_glasstls_server(our_server_args(cred, {"--allow-cbc"}), dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::vector<std::string> args = {"-tls1_2", "-cipher", c.suite.openssl};
  if (!c.etm) {
    args.push_back("-no_etm");
  }
  std::unique_ptr<Child> client = openssl_client(server.port, args, dir);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->wait_for_out("Verify return code", kRunTimeout))
      << client->log() << server.log();
  EXPECT_TRUE(echo_through(*client, "cbc from openssl")) << client->log() << server.log();
  client->close_stdin();
  EXPECT_EQ(client->wait_exit(kRunTimeout), 0) << client->log() << server.log();
  EXPECT_EQ(server.child->wait_exit(kRunTimeout), 0) << client->log() << server.log();
  std::string logs = client->log() + server.log();
  // (s_client says "New, SSLv3, ..." for the suites SSL 3.0 defined: the cipher's own version.)
  EXPECT_TRUE(contains(client->out(), std::string(", Cipher is ") + c.suite.openssl)) << logs;
  EXPECT_TRUE(contains(client->out(), "Protocol  : TLSv1.2")) << logs;
  std::string err = server.child->err();
  EXPECT_TRUE(contains(err, std::string("cipher suite: ") + c.suite.iana)) << logs;
  EXPECT_TRUE(contains(err, std::string("encrypt-then-MAC: ") + (c.etm ? "yes" : "no"))) << logs;
}

INSTANTIATE_TEST_SUITE_P(Suites, InteropTls12Cbc, testing::ValuesIn(cbc_cases()), cbc_name);

TEST(InteropTls12CbcRefused, OurDefaultServerRefusesAClientThatOffersOnlyCbc) {
  REQUIRE_OPENSSL();
  TempDir dir;
  Peer server = start_glasstls_server(our_server_args(pki().ecdsa), dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::unique_ptr<Child> client =
      openssl_client(server.port, {"-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256"}, dir);
  ASSERT_TRUE(client);
  std::optional<int> status = client->wait_exit(kRunTimeout);
  std::string logs = client->log() + server.log();
  EXPECT_NE(status.value_or(0), 0) << logs;
  EXPECT_TRUE(contains(client->err(), "handshake failure")) << logs;
  EXPECT_TRUE(server.child->wait_for_err("handshake_failure", kRunTimeout)) << logs;
}

TEST(InteropTls12CbcRefused, OurDefaultClientDoesNotOfferCbc) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Credential& cred = pki().ecdsa;
  Peer server =
      start_openssl_server({"-tls1_2", "-naccept", "1", "-cipher", "ECDHE-ECDSA-AES128-SHA256",
                            "-cert", cred.cert, "-key", cred.key},
                           dir);
  ASSERT_NE(server.port, 0) << server.log();
  ClientRun client = run_glasstls_client(server.port, our_client_args(), "", dir);
  EXPECT_NE(client.status, 0) << client.log << server.log();
  EXPECT_TRUE(contains(client.err, "handshake_failure")) << client.log << server.log();
  // With --allow-cbc the same client connects.
  Peer again =
      start_openssl_server({"-tls1_2", "-naccept", "1", "-cipher", "ECDHE-ECDSA-AES128-SHA256",
                            "-cert", cred.cert, "-key", cred.key},
                           dir, "s_server-2");
  ASSERT_NE(again.port, 0) << again.log();
  ClientRun allowed =
      run_glasstls_client(again.port, our_client_args({"--allow-cbc"}), "", dir, "client-2");
  EXPECT_EQ(allowed.status, 0) << allowed.log << again.log();
  EXPECT_TRUE(contains(allowed.err, "Cipher is TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"))
      << allowed.log;
  EXPECT_TRUE(contains(allowed.err, "encrypt-then-MAC: yes")) << allowed.log;
}

TEST(InteropTls12Cbc, GnutlsWithoutEncryptThenMacBothWays) {
  REQUIRE_GNUTLS();
  TempDir dir;
  const Suite& s = kCbcSuites[0];
  const Credential& cred = server_credential(s);
  Peer server = start_gnutls_server({"--echo", "--x509certfile", cred.cert, "--x509keyfile",
                                     cred.key, "--priority", gnutls_priority(s, ":%NO_ETM")},
                                    dir);
  ASSERT_NE(server.port, 0) << server.log();
  ClientRun client = run_glasstls_client(server.port, our_client_args({"--allow-cbc"}),
                                         "no etm from glasstls\n", dir);
  EXPECT_EQ(client.status, 0) << client.log << server.log();
  EXPECT_EQ(client.out, "no etm from glasstls\n") << client.log << server.log();
  EXPECT_TRUE(contains(client.err, std::string("Cipher is ") + s.iana)) << client.log;
  EXPECT_TRUE(contains(client.err, "encrypt-then-MAC: no")) << client.log;

  Peer ours = start_glasstls_server(our_server_args(cred, {"--allow-cbc"}), dir);
  ASSERT_NE(ours.port, 0) << ours.log();
  std::unique_ptr<Child> gnutls = gnutls_client(ours.port, gnutls_priority(s), {}, dir);
  ASSERT_TRUE(gnutls);
  ASSERT_TRUE(gnutls->wait_for_out("Handshake was completed", kRunTimeout))
      << gnutls->log() << ours.log();
  EXPECT_TRUE(echo_through(*gnutls, "etm from gnutls")) << gnutls->log() << ours.log();
  gnutls->close_stdin();
  EXPECT_EQ(ours.child->wait_exit(kRunTimeout), 0) << gnutls->log() << ours.log();
  EXPECT_TRUE(contains(ours.child->err(), "encrypt-then-MAC: yes")) << ours.log();
}

// ---------------------------------------------------------------------------------------------
// 3. DHE: the RFC 7919 groups, and a server's own parameters.

TEST(InteropTls12Dhe, GnutlsServerChoosesFfdhe3072) {
  REQUIRE_GNUTLS();
  TempDir dir;
  const Suite& s = kDefaultSuites[6];  // DHE-RSA-AES128-GCM-SHA256
  const Credential& cred = server_credential(s);
  Peer server =
      start_gnutls_server({"--echo", "--x509certfile", cred.cert, "--x509keyfile", cred.key,
                           "--priority", gnutls_priority(s, ":-GROUP-ALL:+GROUP-FFDHE3072")},
                          dir);
  ASSERT_NE(server.port, 0) << server.log();
  ClientRun client = run_glasstls_client(server.port, our_client_args(), "ffdhe3072\n", dir);
  EXPECT_EQ(client.status, 0) << client.log << server.log();
  EXPECT_EQ(client.out, "ffdhe3072\n") << client.log << server.log();
  EXPECT_TRUE(contains(client.err, "group: ffdhe3072")) << client.log;
  EXPECT_TRUE(server.child->wait_for_out("(DHE-FFDHE3072)", kRunTimeout)) << server.log();
}

TEST(InteropTls12Dhe, GnutlsClientGetsOurFfdhe3072) {
  REQUIRE_GNUTLS();
  TempDir dir;
  const Suite& s = kDefaultSuites[7];  // DHE-RSA-AES256-GCM-SHA384
  Peer server =
      start_glasstls_server(our_server_args(pki().rsa, {"--groups", "ffdhe3072:ffdhe2048"}), dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::unique_ptr<Child> client = gnutls_client(server.port, gnutls_priority(s), {}, dir);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->wait_for_out("Handshake was completed", kRunTimeout))
      << client->log() << server.log();
  EXPECT_TRUE(echo_through(*client, "ffdhe3072 from gnutls")) << client->log() << server.log();
  client->close_stdin();
  EXPECT_EQ(server.child->wait_exit(kRunTimeout), 0) << client->log() << server.log();
  EXPECT_TRUE(contains(client->out(), "(DHE-FFDHE3072)")) << client->log();
  EXPECT_TRUE(contains(server.child->err(), "group: ffdhe3072")) << server.log();
}

// dh_params writes the named DH parameters `group` (OpenSSL's name) to a PEM file, or "".
std::string dh_params(const TempDir& dir, const std::string& group) {
  std::string path = dir.file(group + ".dh.pem");
  std::string output;
  int status = run({tools().openssl, "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt",
                    "group:" + group, "-out", path},
                   dir.path(), "dhparam-" + group, kRunTimeout, &output);
  return status == 0 ? path : "";
}

struct DhCase {
  const char* name;
  const char* openssl_group;  // for -dhparam; empty for s_server's automatic parameters
  const char* expect;         // in our client's stderr
  bool accepted;
};

const DhCase kDhCases[] = {
    // OpenSSL 3.0's automatic parameters for a 2048-bit RSA key are RFC 3526's 2048-bit MODP
    // group: a safe prime that no RFC 7919 group names.
    {"Automatic", "", "group: (finite-field DH parameters of the server's own)", true},
    {"Rfc3526Modp2048", "modp_2048", "group: (finite-field DH parameters of the server's own)",
     true},
    {"Rfc7919Ffdhe3072", "ffdhe3072", "group: ffdhe3072", true},
    // RFC 5114's 2048-bit group with a 224-bit subgroup: p is not a safe prime.
    {"Rfc5114NotASafePrime", "dh_2048_224", "is not a safe prime", false},
    // 1536 bits: below the 2048 our client accepts.
    {"Modp1536TooSmall", "modp_1536", "1536-bit prime", false},
};

void PrintTo(const DhCase& c, std::ostream* os) { *os << c.name; }

class InteropTls12DhParams : public testing::TestWithParam<DhCase> {};

TEST_P(InteropTls12DhParams, OurClientAgainstOpensslServer) {
  REQUIRE_OPENSSL();
  const DhCase& c = GetParam();
  TempDir dir;
  const Credential& cred = pki().rsa;
  // SECLEVEL=0 lets s_server load 1536-bit parameters at all; our client is the one to refuse.
  std::vector<std::string> args = {
      "-tls1_2", "-naccept", "1",    "-cipher", "DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0",
      "-cert",   cred.cert,  "-key", cred.key};
  if (std::string(c.openssl_group).size() > 0) {
    std::string params = dh_params(dir, c.openssl_group);
    ASSERT_FALSE(params.empty()) << "openssl genpkey could not make " << c.openssl_group;
    args.insert(args.end(), {"-dhparam", params});
  }
  Peer server = start_openssl_server(args, dir);
  ASSERT_NE(server.port, 0) << server.log();
  ClientRun client = run_glasstls_client(server.port, our_client_args(), "dh\n", dir);
  std::string logs = client.log + server.log();
  EXPECT_TRUE(contains(client.err, c.expect)) << logs;
  if (c.accepted) {
    EXPECT_EQ(client.status, 0) << logs;
    EXPECT_TRUE(contains(client.err, "Cipher is TLS_DHE_RSA_WITH_AES_128_GCM_SHA256")) << logs;
    EXPECT_TRUE(server.child->wait_for_out("dh\n", kRunTimeout)) << logs;
  } else {
    EXPECT_NE(client.status, 0) << logs;
    EXPECT_TRUE(contains(client.err, "sent alert insufficient_security")) << logs;
    EXPECT_TRUE(server.child->wait_for(
        [](const std::string& out, const std::string& err) {
          return contains(out + err, "alert insufficient security");
        },
        kRunTimeout))
        << logs;
  }
}

INSTANTIATE_TEST_SUITE_P(Params, InteropTls12DhParams, testing::ValuesIn(kDhCases),
                         [](const testing::TestParamInfo<DhCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

// ---------------------------------------------------------------------------------------------
// 4. The extended master secret, and connections without it.

TEST(InteropTls12Ems, OurClientWithoutEmsFromOpensslServer) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Credential& cred = pki().ecdsa;
  Peer server =
      start_openssl_server({"-tls1_2", "-naccept", "1", "-cert", cred.cert, "-key", cred.key}, dir,
                           "s_server", {"OPENSSL_CONF=" + no_ems_config(dir)});
  ASSERT_NE(server.port, 0) << server.log();
  ClientRun client = run_glasstls_client(server.port, our_client_args(), "no ems\n", dir);
  std::string logs = client.log + server.log();
  EXPECT_EQ(client.status, 0) << logs;
  EXPECT_TRUE(contains(client.err, "extended master secret: no (exporters disabled)")) << logs;
  EXPECT_TRUE(server.child->wait_for_out("no ems", kRunTimeout)) << logs;
}

TEST(InteropTls12Ems, OpensslClientWithoutEmsToOurServer) {
  REQUIRE_OPENSSL();
  TempDir dir;
  Peer server = start_glasstls_server(our_server_args(pki().ecdsa), dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::unique_ptr<Child> client = openssl_client(server.port, {"-tls1_2"}, dir, "s_client",
                                                 {"OPENSSL_CONF=" + no_ems_config(dir)});
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->wait_for_out("Verify return code", kRunTimeout))
      << client->log() << server.log();
  EXPECT_TRUE(echo_through(*client, "no ems from openssl")) << client->log() << server.log();
  client->close_stdin();
  EXPECT_EQ(client->wait_exit(kRunTimeout), 0) << client->log() << server.log();
  EXPECT_EQ(server.child->wait_exit(kRunTimeout), 0) << server.log();
  EXPECT_TRUE(contains(client->out(), "Extended master secret: no")) << client->log();
  EXPECT_TRUE(contains(server.child->err(), "extended master secret: no (exporters disabled)"))
      << server.log();
}

TEST(InteropTls12Ems, GnutlsWithoutSessionHashBothWays) {
  REQUIRE_GNUTLS();
  TempDir dir;
  const Suite& s = kDefaultSuites[0];
  const Credential& cred = server_credential(s);
  Peer server =
      start_gnutls_server({"--echo", "--x509certfile", cred.cert, "--x509keyfile", cred.key,
                           "--priority", gnutls_priority(s, ":%NO_SESSION_HASH")},
                          dir);
  ASSERT_NE(server.port, 0) << server.log();
  ClientRun client = run_glasstls_client(server.port, our_client_args(), "no ems\n", dir);
  EXPECT_EQ(client.status, 0) << client.log << server.log();
  EXPECT_EQ(client.out, "no ems\n") << client.log << server.log();
  EXPECT_TRUE(contains(client.err, "extended master secret: no (exporters disabled)"))
      << client.log;

  Peer ours = start_glasstls_server(our_server_args(cred), dir);
  ASSERT_NE(ours.port, 0) << ours.log();
  std::unique_ptr<Child> gnutls =
      gnutls_client(ours.port, gnutls_priority(s, ":%NO_SESSION_HASH"), {}, dir);
  ASSERT_TRUE(gnutls);
  ASSERT_TRUE(gnutls->wait_for_out("Handshake was completed", kRunTimeout))
      << gnutls->log() << ours.log();
  EXPECT_TRUE(echo_through(*gnutls, "no ems from gnutls")) << gnutls->log() << ours.log();
  gnutls->close_stdin();
  EXPECT_EQ(ours.child->wait_exit(kRunTimeout), 0) << gnutls->log() << ours.log();
  EXPECT_TRUE(contains(ours.child->err(), "extended master secret: no (exporters disabled)"))
      << ours.log();
}

// ---------------------------------------------------------------------------------------------
// 5. Renegotiation is refused both ways.

TEST(InteropTls12Renegotiation, OpensslClientAsksOurServerRefuses) {
  REQUIRE_OPENSSL();
  TempDir dir;
  Peer server = start_glasstls_server(our_server_args(pki().ecdsa), dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::unique_ptr<Child> client = openssl_client(server.port, {"-tls1_2"}, dir);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->wait_for_out("Verify return code", kRunTimeout))
      << client->log() << server.log();
  EXPECT_TRUE(echo_through(*client, "before renegotiation")) << client->log() << server.log();
  // "R" at the start of a line: s_client sends a new ClientHello on the connection.
  ASSERT_TRUE(client->write_stdin("R\n"));
  // Our server answers with a no_renegotiation warning; OpenSSL, which asked, gives up on the
  // connection with a fatal handshake_failure (its rec_layer_s3.c does so on purpose).
  std::optional<int> client_status = client->wait_exit(kRunTimeout);
  std::optional<int> server_status = server.child->wait_exit(kRunTimeout);
  std::string logs = client->log() + server.log();
  EXPECT_TRUE(contains(client->err(), "RENEGOTIATING")) << logs;
  EXPECT_TRUE(contains(client->err(), "no renegotiation")) << logs;
  EXPECT_NE(client_status.value_or(0), 0) << logs;
  EXPECT_NE(server_status.value_or(0), 0) << logs;
  EXPECT_TRUE(contains(server.child->err(), "received alert handshake_failure")) << logs;
  // The connection never renegotiated: one handshake, one summary.
  EXPECT_EQ(server.child->err().find("version: TLS 1.2"),
            server.child->err().rfind("version: TLS 1.2"))
      << logs;
}

// gnutls-cli --rehandshake takes the no_renegotiation warning as a non-fatal error and asks
// again and again: our server answers each request with no_renegotiation, then cuts the client
// off after four of them without application data between.
TEST(InteropTls12Renegotiation, GnutlsClientKeepsAskingOurServerCutsItOff) {
  REQUIRE_GNUTLS();
  TempDir dir;
  Peer server = start_glasstls_server(our_server_args(pki().ecdsa), dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::unique_ptr<Child> client =
      gnutls_client(server.port, "NORMAL:-VERS-ALL:+VERS-TLS1.2", {"--rehandshake"}, dir);
  ASSERT_TRUE(client);
  std::optional<int> client_status = client->wait_exit(kRunTimeout);
  std::optional<int> server_status = server.child->wait_exit(kRunTimeout);
  std::string logs = client->log() + server.log();
  std::string said = client->out() + client->err();
  EXPECT_NE(client_status.value_or(0), 0) << logs;
  EXPECT_NE(server_status.value_or(0), 0) << logs;
  size_t refusals = 0;
  for (size_t at = said.find("Received alert [100]: No renegotiation is allowed");
       at != std::string::npos;
       at = said.find("Received alert [100]: No renegotiation is allowed", at + 1)) {
    ++refusals;
  }
  EXPECT_EQ(refusals, 4u) << logs;
  EXPECT_TRUE(contains(said, "Received alert [10]: Unexpected message")) << logs;
  EXPECT_TRUE(contains(server.child->err(), "more than 4 renegotiation requests")) << logs;
}

TEST(InteropTls12Renegotiation, OpensslServerAsksOurClientRefuses) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Credential& cred = pki().ecdsa;
  Peer server = start_openssl_server(
      {"-tls1_2", "-naccept", "1", "-msg", "-cert", cred.cert, "-key", cred.key}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::vector<std::string> argv = {tools().cli, "client", "127.0.0.1:" + server.port_text()};
  for (const std::string& a : our_client_args()) {
    argv.push_back(a);
  }
  std::unique_ptr<Child> client = Child::spawn(argv, dir.path(), "client", StdinMode::kPipe);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->wait_for_err("cipher suite:", kRunTimeout)) << client->log() << server.log();
  ASSERT_TRUE(client->write_stdin("before renegotiation\n"));
  ASSERT_TRUE(server.child->wait_for_out("before renegotiation", kRunTimeout))
      << client->log() << server.log();
  // "r" at the start of a line: s_server sends a HelloRequest.
  ASSERT_TRUE(server.child->write_stdin("r\n"));
  std::optional<int> status = client->wait_exit(kRunTimeout);
  std::string logs = client->log() + server.log();
  std::string out = server.child->out();
  EXPECT_TRUE(contains(out, "HelloRequest")) << logs;
  EXPECT_TRUE(contains(out, "<<< TLS 1.2, Alert [length 0002], warning no_renegotiation")) << logs;
  // s_server takes the refusal as fatal, as s_client does.
  EXPECT_TRUE(contains(out, ">>> TLS 1.2, Alert [length 0002], fatal handshake_failure")) << logs;
  EXPECT_TRUE(contains(server.child->err(), "no renegotiation")) << logs;
  EXPECT_NE(status.value_or(0), 0) << logs;
  EXPECT_TRUE(contains(client->err(), "received alert handshake_failure")) << logs;
  // Our client sent no second ClientHello.
  size_t request = out.find("HelloRequest");
  EXPECT_FALSE(request != std::string::npos && contains(out.substr(request), "ClientHello"))
      << logs;
}

// ---------------------------------------------------------------------------------------------
// 6. TLS_FALLBACK_SCSV.

TEST(InteropTls12Fallback, OurTls13ServerRefusesAFallbackToTls12) {
  REQUIRE_OPENSSL();
  TempDir dir;
  Peer server = start_glasstls_server(our_server_args(pki().ecdsa), dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::unique_ptr<Child> client = openssl_client(server.port, {"-tls1_2", "-fallback_scsv"}, dir);
  ASSERT_TRUE(client);
  std::optional<int> status = client->wait_exit(kRunTimeout);
  std::string logs = client->log() + server.log();
  EXPECT_NE(status.value_or(0), 0) << logs;
  EXPECT_TRUE(contains(client->err(), "alert inappropriate fallback")) << logs;
  EXPECT_TRUE(server.child->wait_for_err("inappropriate_fallback", kRunTimeout)) << logs;
}

TEST(InteropTls12Fallback, OurTls12OnlyServerAcceptsTheFallback) {
  REQUIRE_OPENSSL();
  TempDir dir;
  Peer server = start_glasstls_server(our_server_args(pki().ecdsa, {"--tls1_2"}), dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::unique_ptr<Child> client = openssl_client(server.port, {"-tls1_2", "-fallback_scsv"}, dir);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->wait_for_out("Verify return code", kRunTimeout))
      << client->log() << server.log();
  EXPECT_TRUE(echo_through(*client, "fallback")) << client->log() << server.log();
  client->close_stdin();
  EXPECT_EQ(client->wait_exit(kRunTimeout), 0) << client->log() << server.log();
  EXPECT_EQ(server.child->wait_exit(kRunTimeout), 0) << server.log();
}

// ---------------------------------------------------------------------------------------------
// 7. The downgrade sentinel.

// server_random reads the ServerHello's random from s_client -msg output ("<<< TLS 1.2,
// Handshake [length ...], ServerHello" and its hex lines), or returns an empty vector.
std::vector<uint8_t> server_random(const std::string& msg_output) {
  size_t at = msg_output.find("], ServerHello\n");
  if (at == std::string::npos) {
    return {};
  }
  std::istringstream in(msg_output.substr(at + 15));
  std::vector<uint8_t> bytes;
  std::string line;
  while (std::getline(in, line) && line.rfind("    ", 0) == 0) {
    std::istringstream words(line);
    std::string hex;
    while (words >> hex) {
      bytes.push_back(static_cast<uint8_t>(std::stoul(hex, nullptr, 16)));
    }
  }
  // type(1) length(3) legacy_version(2) random(32)
  if (bytes.size() < 38) {
    return {};
  }
  return std::vector<uint8_t>(bytes.begin() + 6, bytes.begin() + 38);
}

const std::vector<uint8_t> kDowngrd12 = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01};

bool ends_with_sentinel(const std::vector<uint8_t>& random) {
  return random.size() == 32 && std::equal(kDowngrd12.begin(), kDowngrd12.end(), random.end() - 8);
}

TEST(InteropTls12Downgrade, OurDefaultServerWritesTheSentinelForATls12Client) {
  REQUIRE_OPENSSL();
  TempDir dir;
  Peer server = start_glasstls_server(our_server_args(pki().ecdsa), dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::unique_ptr<Child> client = openssl_client(server.port, {"-tls1_2", "-msg"}, dir);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->wait_for_out("Verify return code", kRunTimeout))
      << client->log() << server.log();
  client->close_stdin();
  EXPECT_EQ(client->wait_exit(kRunTimeout), 0) << client->log() << server.log();
  std::vector<uint8_t> random = server_random(client->out());
  ASSERT_EQ(random.size(), 32u) << client->log();
  EXPECT_TRUE(ends_with_sentinel(random)) << client->log();
}

TEST(InteropTls12Downgrade, OurTls12OnlyServerWritesNoSentinel) {
  REQUIRE_OPENSSL();
  TempDir dir;
  Peer server = start_glasstls_server(our_server_args(pki().ecdsa, {"--tls1_2"}), dir);
  ASSERT_NE(server.port, 0) << server.log();
  // s_client may do TLS 1.3 and would refuse a sentinel from a TLS 1.2 server.
  std::unique_ptr<Child> client = openssl_client(server.port, {"-msg"}, dir);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->wait_for_out("Verify return code", kRunTimeout))
      << client->log() << server.log();
  client->close_stdin();
  EXPECT_EQ(client->wait_exit(kRunTimeout), 0) << client->log() << server.log();
  EXPECT_TRUE(contains(client->out(), "Protocol  : TLSv1.2")) << client->log();
  std::vector<uint8_t> random = server_random(client->out());
  ASSERT_EQ(random.size(), 32u) << client->log();
  EXPECT_FALSE(ends_with_sentinel(random)) << client->log();
}

TEST(InteropTls12Downgrade, OurDefaultClientAcceptsATls12OnlyOpensslServer) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Credential& cred = pki().ecdsa;
  // OpenSSL writes the sentinel only when it could have negotiated TLS 1.3.
  Peer server = start_openssl_server(
      {"-tls1_2", "-naccept", "1", "-msg", "-cert", cred.cert, "-key", cred.key}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  ClientRun client = run_glasstls_client(server.port, our_client_args(), "no sentinel\n", dir);
  EXPECT_EQ(client.status, 0) << client.log << server.log();
  EXPECT_TRUE(contains(client.err, "version: TLS 1.2")) << client.log;
}

// DowngradeProxy relays one TCP connection to 127.0.0.1:`upstream`, and rewrites the first
// record from the client (its ClientHello): every TLS 1.3 (0x0304) in supported_versions
// becomes the GREASE value 0x7a7a (RFC 8701), so the server sees a client of TLS 1.2 at most.
// The lengths stay as they are.
class DowngradeProxy {
 public:
  explicit DowngradeProxy(uint16_t upstream) : upstream_(upstream) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::listen(listen_fd_, 1) != 0) {
      return;
    }
    socklen_t len = sizeof(addr);
    if (::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port_ = ntohs(addr.sin_port);
    }
    thread_ = std::thread([this] { relay(); });
  }
  ~DowngradeProxy() {
    stop_ = true;
    if (thread_.joinable()) {
      thread_.join();
    }
    ::close(listen_fd_);
  }
  DowngradeProxy(const DowngradeProxy&) = delete;
  DowngradeProxy& operator=(const DowngradeProxy&) = delete;

  uint16_t port() const { return port_; }
  // rewritten is how many supported_versions entries were changed.
  int rewritten() const { return rewritten_; }

 private:
  // wait_readable polls `fd` for up to 50 ms; false when the proxy is stopping or times out.
  bool wait_readable(int fd, int& revents) {
    pollfd p{fd, POLLIN, 0};
    int n = ::poll(&p, 1, 50);
    revents = n > 0 ? p.revents : 0;
    return n > 0;
  }

  void relay() {
    int client = -1;
    auto deadline = Clock::now() + kRunTimeout;
    while (!stop_ && Clock::now() < deadline && client < 0) {
      int revents = 0;
      if (wait_readable(listen_fd_, revents)) {
        client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      }
    }
    if (client < 0) {
      return;
    }
    int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(upstream_);
    if (::connect(server, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      ::close(client);
      ::close(server);
      return;
    }
    std::vector<uint8_t> first;  // the client's bytes until its first record is complete
    bool first_done = false;
    std::array<uint8_t, 65536> buf{};
    while (!stop_ && Clock::now() < deadline) {
      pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
      if (::poll(fds, 2, 50) <= 0) {
        continue;
      }
      bool closed = false;
      for (int i = 0; i < 2 && !closed; ++i) {
        if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
          continue;
        }
        ssize_t n = ::read(fds[i].fd, buf.data(), buf.size());
        if (n <= 0) {
          closed = true;
          break;
        }
        int to = i == 0 ? server : client;
        if (i == 0 && !first_done) {
          first.insert(first.end(), buf.begin(), buf.begin() + n);
          if (first.size() < 5 || first.size() < 5u + (size_t{first[3]} << 8 | first[4])) {
            continue;
          }
          rewrite(first);
          first_done = true;
          closed = !send_all(to, first.data(), first.size());
          continue;
        }
        closed = !send_all(to, buf.data(), static_cast<size_t>(n));
      }
      if (closed) {
        break;
      }
    }
    ::close(client);
    ::close(server);
  }

  static bool send_all(int fd, const uint8_t* data, size_t size) {
    while (size > 0) {
      ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
      if (n <= 0) {
        return false;
      }
      data += n;
      size -= static_cast<size_t>(n);
    }
    return true;
  }

  // rewrite walks record header, handshake header, ClientHello fields and extensions.
  void rewrite(std::vector<uint8_t>& r) {
    size_t at = 5 + 4 + 2 + 32;  // record and handshake headers, legacy_version, random
    auto u16 = [&](size_t i) { return size_t{r[i]} << 8 | r[i + 1]; };
    if (r.size() < at + 1) {
      return;
    }
    at += 1 + r[at];    // legacy_session_id
    at += 2 + u16(at);  // cipher_suites
    at += 1 + r[at];    // legacy_compression_methods
    size_t end = at + 2 + u16(at);
    at += 2;
    while (at + 4 <= end && end <= r.size()) {
      size_t type = u16(at);
      size_t len = u16(at + 2);
      if (type == 0x002b) {
        for (size_t i = at + 5; i + 1 < at + 4 + len; i += 2) {
          if (u16(i) == 0x0304) {
            r[i] = 0x7a;
            r[i + 1] = 0x7a;
            ++rewritten_;
          }
        }
      }
      at += 4 + len;
    }
  }

  uint16_t upstream_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> rewritten_{0};
  std::thread thread_;
};

// A man in the middle strips TLS 1.3 from our ClientHello: the TLS 1.3-capable OpenSSL server
// then negotiates TLS 1.2 and says so in its random, and our client refuses at the ServerHello
// (before the Finished messages would have shown the change).
TEST(InteropTls12Downgrade, OurClientRefusesTheSentinelOfATls13OpensslServer) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Credential& cred = pki().ecdsa;
  Peer server =
      start_openssl_server({"-naccept", "1", "-msg", "-cert", cred.cert, "-key", cred.key}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  DowngradeProxy proxy(server.port);
  ASSERT_NE(proxy.port(), 0);
  ClientRun client = run_glasstls_client(proxy.port(), our_client_args(), "", dir);
  std::string logs = client.log + server.log();
  EXPECT_EQ(proxy.rewritten(), 1) << logs;
  EXPECT_NE(client.status, 0) << logs;
  EXPECT_TRUE(contains(client.err, "downgrade sentinel")) << logs;
  EXPECT_TRUE(contains(client.err, "illegal_parameter")) << logs;
  EXPECT_TRUE(server.child->wait_for_out("fatal illegal_parameter", kRunTimeout)) << logs;
  std::vector<uint8_t> random =
      server_random(server.child->out().substr(server.child->out().find(">>> TLS 1.2, Handshake")));
  EXPECT_TRUE(ends_with_sentinel(random)) << logs;
}

// The same man in the middle before our server: OpenSSL's client refuses our sentinel.
TEST(InteropTls12Downgrade, OpensslClientRefusesTheSentinelOfOurServer) {
  REQUIRE_OPENSSL();
  TempDir dir;
  Peer server = start_glasstls_server(our_server_args(pki().ecdsa), dir);
  ASSERT_NE(server.port, 0) << server.log();
  DowngradeProxy proxy(server.port);
  ASSERT_NE(proxy.port(), 0);
  std::unique_ptr<Child> client = openssl_client(proxy.port(), {}, dir);
  ASSERT_TRUE(client);
  std::optional<int> status = client->wait_exit(kRunTimeout);
  std::string logs = client->log() + server.log();
  EXPECT_EQ(proxy.rewritten(), 1) << logs;
  EXPECT_NE(status.value_or(0), 0) << logs;
  EXPECT_TRUE(contains(client->err(), "inappropriate fallback")) << logs;
  EXPECT_TRUE(server.child->wait_for_err("illegal_parameter", kRunTimeout)) << logs;
}

// ---------------------------------------------------------------------------------------------
// 8. Client certificates.

class InteropTls12ClientCertificate : public testing::TestWithParam<CertKind> {};

const Credential& client_credential(CertKind kind) {
  return kind == CertKind::kEcdsa ? pki().client_ecdsa : pki().client_rsa;
}

std::string client_host(CertKind kind) {
  return kind == CertKind::kEcdsa ? "ecdsa.client.test" : "rsa.client.test";
}

TEST_P(InteropTls12ClientCertificate, OurClientToOpensslServerVerify) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Credential& server_cred = pki().rsa;
  const Credential& client_cred = client_credential(GetParam());
  Peer server = start_openssl_server(
      {"-tls1_2", "-naccept", "1", "-cert", server_cred.cert, "-key", server_cred.key, "-Verify",
       "1", "-CAfile", pki().ca, "-verify_return_error"},
      dir);
  ASSERT_NE(server.port, 0) << server.log();
  ClientRun client = run_glasstls_client(
      server.port, our_client_args({"--cert", client_cred.cert, "--key", client_cred.key}),
      "mutual\n", dir);
  std::string logs = client.log + server.log();
  EXPECT_EQ(client.status, 0) << logs;
  EXPECT_TRUE(contains(client.err, "version: TLS 1.2")) << logs;
  EXPECT_TRUE(server.child->wait_for_out("mutual", kRunTimeout)) << logs;
  EXPECT_TRUE(contains(server.child->out() + server.child->err(), client_host(GetParam()))) << logs;
}

TEST_P(InteropTls12ClientCertificate, OpensslClientToOurServer) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Credential& client_cred = client_credential(GetParam());
  Peer server = start_glasstls_server(
      our_server_args(pki().ecdsa, {"--verify-client", pki().ca, "--require-client-cert"}), dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::unique_ptr<Child> client = openssl_client(
      server.port, {"-tls1_2", "-cert", client_cred.cert, "-key", client_cred.key}, dir);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->wait_for_out("Verify return code", kRunTimeout))
      << client->log() << server.log();
  EXPECT_TRUE(echo_through(*client, "mutual hello")) << client->log() << server.log();
  client->close_stdin();
  EXPECT_EQ(client->wait_exit(kRunTimeout), 0) << client->log() << server.log();
  EXPECT_EQ(server.child->wait_exit(kRunTimeout), 0) << server.log();
  std::string err = server.child->err();
  EXPECT_TRUE(contains(err, "version: TLS 1.2")) << server.log();
  EXPECT_TRUE(contains(err, client_host(GetParam()))) << server.log();
}

TEST_P(InteropTls12ClientCertificate, GnutlsClientToOurServer) {
  REQUIRE_GNUTLS();
  TempDir dir;
  const Credential& client_cred = client_credential(GetParam());
  Peer server = start_glasstls_server(
      our_server_args(pki().rsa, {"--verify-client", pki().ca, "--require-client-cert"}), dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::unique_ptr<Child> client =
      gnutls_client(server.port, "NORMAL:-VERS-ALL:+VERS-TLS1.2",
                    {"--x509certfile", client_cred.cert, "--x509keyfile", client_cred.key}, dir);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->wait_for_out("Handshake was completed", kRunTimeout))
      << client->log() << server.log();
  EXPECT_TRUE(echo_through(*client, "mutual gnutls")) << client->log() << server.log();
  client->close_stdin();
  EXPECT_EQ(server.child->wait_exit(kRunTimeout), 0) << client->log() << server.log();
  EXPECT_TRUE(contains(server.child->err(), client_host(GetParam()))) << server.log();
}

INSTANTIATE_TEST_SUITE_P(Keys, InteropTls12ClientCertificate,
                         testing::Values(CertKind::kEcdsa, CertKind::kRsa),
                         [](const testing::TestParamInfo<CertKind>& param_info) {
                           return std::string(param_info.param == CertKind::kEcdsa ? "Ecdsa"
                                                                                   : "Rsa");
                         });

TEST(InteropTls12ClientCertificateRefused, OurServerRequiresOneFromOpensslClient) {
  REQUIRE_OPENSSL();
  TempDir dir;
  Peer server = start_glasstls_server(
      our_server_args(pki().ecdsa, {"--verify-client", pki().ca, "--require-client-cert"}), dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::unique_ptr<Child> client = openssl_client(server.port, {"-tls1_2"}, dir);
  ASSERT_TRUE(client);
  std::optional<int> status = client->wait_exit(kRunTimeout);
  std::string logs = client->log() + server.log();
  EXPECT_NE(status.value_or(0), 0) << logs;
  EXPECT_TRUE(server.child->wait_for_err("handshake_failure", kRunTimeout)) << logs;
  EXPECT_TRUE(contains(client->err(), "handshake failure")) << logs;
}

// ---------------------------------------------------------------------------------------------
// TLS 1.2's ECDSA hash/signature pairs do not bind the curve (RFC 8446 section 4.2.3): SHA-384
// with a P-256 key is a valid TLS 1.2 signature, both in a ServerKeyExchange and in a client's
// CertificateVerify.

TEST(InteropTls12EcdsaAnyCurve, OurClientAcceptsSha384WithAP256ServerKey) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Credential& cred = pki().ecdsa;
  Peer server = start_openssl_server({"-tls1_2", "-naccept", "1", "-sigalgs", "ECDSA+SHA384",
                                      "-cert", cred.cert, "-key", cred.key},
                                     dir);
  ASSERT_NE(server.port, 0) << server.log();
  ClientRun client = run_glasstls_client(server.port, our_client_args(), "sha384\n", dir);
  EXPECT_EQ(client.status, 0) << client.log << server.log();
  EXPECT_TRUE(contains(client.err, "peer signature scheme: ecdsa_secp384r1_sha384")) << client.log;
  EXPECT_TRUE(server.child->wait_for_out("sha384", kRunTimeout)) << server.log();
}

TEST(InteropTls12EcdsaAnyCurve, OurServerAcceptsSha384WithAP256ClientKey) {
  REQUIRE_OPENSSL();
  TempDir dir;
  const Credential& client_cred = pki().client_ecdsa;
  Peer server = start_glasstls_server(
      our_server_args(pki().ecdsa, {"--verify-client", pki().ca, "--require-client-cert"}), dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::unique_ptr<Child> client =
      openssl_client(server.port,
                     {"-tls1_2", "-client_sigalgs", "ECDSA+SHA384", "-cert", client_cred.cert,
                      "-key", client_cred.key},
                     dir);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->wait_for_out("Verify return code", kRunTimeout))
      << client->log() << server.log();
  EXPECT_TRUE(echo_through(*client, "sha384 client")) << client->log() << server.log();
  client->close_stdin();
  EXPECT_EQ(server.child->wait_exit(kRunTimeout), 0) << client->log() << server.log();
  EXPECT_TRUE(contains(server.child->err(), "peer signature scheme: ecdsa_secp384r1_sha384"))
      << server.log();
}

// ---------------------------------------------------------------------------------------------
// 9. Web servers configured for TLS 1.2 only.

// HttpCase: our client asks for an ECDSA or an RSA suite; the server holds both certificates
// where it can, else the one that fits.
struct HttpCase {
  const char* name;
  CertKind cert;
  const char* suite;
};

const HttpCase kHttpCases[] = {
    {"Ecdsa", CertKind::kEcdsa, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
    {"Rsa", CertKind::kRsa, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"},
};

const std::string kHttpRequest = "GET /index.html HTTP/1.0\r\nHost: localhost\r\n\r\n";
const std::string kPageText = "hello from a TLS 1.2 web server";

std::string write_page(const TempDir& dir) {
  std::string root = dir.file("www");
  std::filesystem::create_directories(root);
  ::chmod(dir.path().c_str(), 0755);
  ::chmod(root.c_str(), 0755);
  write_text(root + "/index.html", kPageText + "\n");
  return root;
}

void expect_page(const ClientRun& client, const HttpCase& c, const std::string& server_log) {
  std::string logs = client.log + server_log;
  EXPECT_EQ(client.status, 0) << logs;
  EXPECT_TRUE(contains(client.out, "HTTP/1.")) << logs;
  EXPECT_TRUE(contains(client.out, " 200 ")) << logs;
  EXPECT_TRUE(contains(client.out, kPageText)) << logs;
  EXPECT_TRUE(contains(client.err, std::string("New, TLSv1.2, Cipher is ") + c.suite)) << logs;
}

class InteropTls12Nginx : public testing::TestWithParam<HttpCase> {};

TEST_P(InteropTls12Nginx, OurClientGetsThePage) {
  REQUIRE_OPENSSL();
  if (tools().nginx.empty()) {
    GTEST_SKIP() << "nginx is not installed";
  }
  const HttpCase& c = GetParam();
  TempDir dir;
  std::string root = write_page(dir);
  uint16_t port = free_port();
  std::string conf = dir.file("nginx.conf");
  const std::string d = dir.path();
  write_text(conf, "daemon off;\nmaster_process off;\npid " + d + "/nginx.pid;\nerror_log " + d +
                       "/nginx-error.log info;\nevents { worker_connections 16; }\n"
                       "http {\n  access_log off;\n  client_body_temp_path " +
                       d + "/body;\n  proxy_temp_path " + d + "/proxy;\n  fastcgi_temp_path " + d +
                       "/fastcgi;\n  uwsgi_temp_path " + d + "/uwsgi;\n  scgi_temp_path " + d +
                       "/scgi;\n  server {\n    listen 127.0.0.1:" + std::to_string(port) +
                       " ssl;\n    ssl_protocols TLSv1.2;\n    ssl_certificate " +
                       pki().ecdsa.cert + ";\n    ssl_certificate_key " + pki().ecdsa.key +
                       ";\n    ssl_certificate " + pki().rsa.cert + ";\n    ssl_certificate_key " +
                       pki().rsa.key + ";\n    root " + root + ";\n  }\n}\n");
  std::unique_ptr<Child> nginx =
      Child::spawn({tools().nginx, "-p", d, "-e", d + "/nginx-stderr.log", "-c", conf}, d, "nginx");
  ASSERT_TRUE(nginx);
  ASSERT_TRUE(wait_port_open(port, kStartTimeout))
      << nginx->log() << read_text(d + "/nginx-error.log");
  ClientRun client =
      run_glasstls_client(port, our_client_args({"--ciphersuites", c.suite}), kHttpRequest, dir);
  expect_page(client, c, nginx->log() + read_text(d + "/nginx-error.log"));
}

INSTANTIATE_TEST_SUITE_P(Keys, InteropTls12Nginx, testing::ValuesIn(kHttpCases),
                         [](const testing::TestParamInfo<HttpCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

struct LighttpdCase {
  const char* backend;  // mod_openssl, mod_gnutls, ...
  HttpCase http;
};

std::vector<LighttpdCase> lighttpd_cases() {
  std::vector<LighttpdCase> out;
  for (const char* backend : {"mod_openssl", "mod_gnutls", "mod_mbedtls", "mod_wolfssl"}) {
    for (const HttpCase& h : kHttpCases) {
      out.push_back({backend, h});
    }
  }
  return out;
}

class InteropTls12Lighttpd : public testing::TestWithParam<LighttpdCase> {};

TEST_P(InteropTls12Lighttpd, OurClientGetsThePage) {
  REQUIRE_OPENSSL();
  const LighttpdCase& c = GetParam();
  if (tools().lighttpd.empty()) {
    GTEST_SKIP() << "lighttpd is not installed";
  }
  const std::string module = std::string("/usr/lib/lighttpd/") + c.backend + ".so";
  if (::access(module.c_str(), R_OK) != 0) {
    GTEST_SKIP() << module << " is not installed";
  }
  TempDir dir;
  std::string root = write_page(dir);
  uint16_t port = free_port();
  const std::string d = dir.path();
  const Credential& cred = c.http.cert == CertKind::kEcdsa ? pki().ecdsa : pki().rsa;
  std::string conf = dir.file("lighttpd.conf");
  write_text(conf, "server.document-root = \"" + root + "\"\nserver.bind = \"127.0.0.1\"\n" +
                       "server.port = " + std::to_string(port) + "\nserver.errorlog = \"" + d +
                       "/lighttpd-error.log\"\nserver.modules += (\"" + c.backend + "\")\n" +
                       "ssl.engine = \"enable\"\nssl.pemfile = \"" + cred.cert +
                       "\"\nssl.privkey = \"" + cred.key + "\"\n" +
                       "ssl.openssl.ssl-conf-cmd = (\"MinProtocol\" => \"TLSv1.2\", " +
                       "\"MaxProtocol\" => \"TLSv1.2\")\n");
  if (std::string(c.backend) == "mod_wolfssl") {
    // wolfSSL answers a status_request (which our client sends when it validates against CAs)
    // only when it knows the issuer of its certificate; without it, it drops the connection.
    write_text(conf, read_text(conf) + "ssl.ca-file = \"" + pki().ca + "\"\n");
  }
  std::unique_ptr<Child> server = Child::spawn({tools().lighttpd, "-D", "-f", conf}, d, "lighttpd");
  ASSERT_TRUE(server);
  ASSERT_TRUE(wait_port_open(port, kStartTimeout))
      << server->log() << read_text(d + "/lighttpd-error.log");
  ClientRun client = run_glasstls_client(port, our_client_args({"--ciphersuites", c.http.suite}),
                                         kHttpRequest, dir);
  expect_page(client, c.http, server->log() + read_text(d + "/lighttpd-error.log"));
}

INSTANTIATE_TEST_SUITE_P(Backends, InteropTls12Lighttpd, testing::ValuesIn(lighttpd_cases()),
                         [](const testing::TestParamInfo<LighttpdCase>& param_info) {
                           return std::string(param_info.param.backend).substr(4) + "_" +
                                  param_info.param.http.name;
                         });

// ---------------------------------------------------------------------------------------------
// 10. 64 MiB byte for byte through our echo server, for each kind of record protection.

struct BulkCase {
  const char* name;
  const char* iana;
  const char* openssl;
  bool no_etm;
  const char* etm_line;
};

const BulkCase kBulkCases[] = {
    {"AesGcm", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256", false,
     "encrypt-then-MAC: no"},
    {"ChaCha20Poly1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
     "ECDHE-ECDSA-CHACHA20-POLY1305", false, "encrypt-then-MAC: no"},
    {"CbcWithEtm", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "ECDHE-ECDSA-AES256-SHA384", false,
     "encrypt-then-MAC: yes"},
    {"CbcWithoutEtm", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA", true,
     "encrypt-then-MAC: no"},
};

void PrintTo(const BulkCase& c, std::ostream* os) { *os << c.name; }

std::string field(const std::string& out, const std::string& name) {
  std::istringstream in(out);
  std::string word;
  while (in >> word) {
    if (word.rfind(name + "=", 0) == 0) {
      return word.substr(name.size() + 1);
    }
  }
  return "";
}

class InteropTls12Bulk : public testing::TestWithParam<BulkCase> {};

TEST_P(InteropTls12Bulk, SixtyFourMebibytesFromPython) {
  REQUIRE_OPENSSL();
  if (tools().python.empty()) {
    GTEST_SKIP() << "python3 is not installed";
  }
  const BulkCase& c = GetParam();
  TempDir dir;
  Peer server = start_glasstls_server(
      our_server_args(pki().ecdsa, {"--tls1_2", "--ciphersuites", c.iana}), dir);
  ASSERT_NE(server.port, 0) << server.log();
  constexpr size_t kBytes = size_t{64} << 20;
  std::vector<std::string> argv = {
      tools().python,    std::string(GLASSTLS_SOURCE_DIR) + "/tests/interop/bulk_client.py",
      "--port",          server.port_text(),
      "--cafile",        pki().ca,
      "--bytes",         std::to_string(kBytes),
      "--version",       "TLSv1.2",
      "--ciphers",       c.openssl,
      "--expect-cipher", c.openssl,
      "--timeout",       std::to_string(kBulkTimeout.count() / 1000 - 10)};
  if (c.no_etm) {
    argv.push_back("--no-etm");
  }
  std::unique_ptr<Child> client = Child::spawn(argv, dir.path(), "python");
  ASSERT_TRUE(client);
  std::optional<int> status = client->wait_exit(kBulkTimeout);
  std::optional<int> server_status = server.child->wait_exit(kRunTimeout);
  std::string logs = client->log() + server.log();
  ASSERT_EQ(status, 0) << logs;
  std::string out = client->out();
  EXPECT_EQ(field(out, "version"), "TLSv1.2") << logs;
  EXPECT_EQ(field(out, "cipher"), c.openssl) << logs;
  EXPECT_EQ(field(out, "bytes"), std::to_string(kBytes)) << logs;
  EXPECT_EQ(field(out, "received_sha256"), field(out, "sent_sha256")) << logs;
  EXPECT_EQ(server_status, 0) << logs;
  std::string err = server.child->err();
  EXPECT_TRUE(contains(err, std::string("cipher suite: ") + c.iana)) << logs;
  EXPECT_TRUE(contains(err, c.etm_line)) << logs;
  std::string n = std::to_string(kBytes);
  EXPECT_TRUE(contains(err, "bytes received: " + n + ", bytes sent: " + n)) << logs;
  EXPECT_TRUE(contains(err, "closed cleanly (close_notify both ways)")) << logs;
}

INSTANTIATE_TEST_SUITE_P(Protections, InteropTls12Bulk, testing::ValuesIn(kBulkCases),
                         [](const testing::TestParamInfo<BulkCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

}  // namespace
}  // namespace glasstls::interop
