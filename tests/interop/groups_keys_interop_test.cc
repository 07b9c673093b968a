// groups_keys_interop_test.cc: TLS 1.3 between the glasstls CLI and OpenSSL (s_server,
// s_client) with the key exchange groups and certificate keys beyond the defaults: the groups
// P-521, X448 and ffdhe2048 to ffdhe8192 both ways, a HelloRetryRequest to ffdhe2048, and
// certificates with P-521, Ed448 and RSASSA-PSS keys (each issued by a CA with a key of the same
// kind, so the chain's signatures use them too) both ways. One TLS 1.2 test reads the DHE group
// `openssl s_server` sends by default and checks that DhGroups accepts it.
//
// The PKIs are made with `openssl req`/`openssl x509` at test time. Every peer is a child
// process (tests/interop/process.h) with bounded waits, killed and reaped when its test ends.
// The tests skip when openssl is not installed.

#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "glasstls/crypto.h"
#include "interop/process.h"

#ifndef GLASSTLS_CLI
#error "GLASSTLS_CLI must name the glasstls executable"
#endif

namespace glasstls::interop {
namespace {

constexpr milliseconds kStartTimeout{10000};
constexpr milliseconds kRunTimeout{60000};

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

// KeyKind is a certificate key of this file's PKIs.
enum class KeyKind { kEcdsaP256, kEcdsaP521, kEd448, kRsaPss, kRsa };

// Chain is a CA and a "localhost" leaf, both with keys of one kind.
struct Chain {
  std::string ca;
  std::string cert;
  std::string key;
};

struct Pki {
  std::unique_ptr<TempDir> dir;
  std::string error;  // empty when generation succeeded
  std::map<KeyKind, Chain> chains;
};

bool step(Pki& pki, const std::vector<std::string>& args, const std::string& tag) {
  std::vector<std::string> argv = {openssl()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string output;
  int status = run(argv, pki.dir->path(), tag, kRunTimeout, &output);
  if (status != 0) {
    pki.error = "openssl " + args[0] + " (" + tag + ") failed with status " +
                std::to_string(status) + ":\n" + output;
    return false;
  }
  return true;
}

// make_chain makes a self-signed CA and a leaf for "localhost" with keys from `key_opts`
// (options of `openssl req`). RSASSA-PSS signatures use SHA-256 with a salt of the hash length,
// which is what glasstls accepts in certificates.
bool make_chain(Pki& pki, const std::string& name, const std::vector<std::string>& key_opts,
                bool pss) {
  const TempDir& d = *pki.dir;
  Chain c;
  c.ca = d.file(name + "-ca.pem");
  c.cert = d.file(name + ".pem");
  c.key = d.file(name + ".key");
  // ECDSA certificates use the hash of the CA's curve, as glasstls requires of them (it maps
  // ecdsa-with-SHA512 under a P-521 key to ecdsa_secp521r1_sha512, and nothing else).
  std::vector<std::string> sig = {name == "p521" ? "-sha512" : "-sha256"};
  if (pss) {
    sig.insert(sig.end(), {"-sigopt", "rsa_pss_saltlen:32", "-sigopt", "rsa_mgf1_md:sha256"});
  }
  std::vector<std::string> ca = {"req", "-x509"};
  ca.insert(ca.end(), key_opts.begin(), key_opts.end());
  ca.insert(ca.end(), sig.begin(), sig.end());
  ca.insert(ca.end(),
            {"-nodes", "-keyout", d.file(name + "-ca.key"), "-out", c.ca, "-days", "30", "-subj",
             "/CN=glasstls " + name + " CA", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign"});
  if (!step(pki, ca, name + "-ca")) {
    return false;
  }
  const std::string csr = d.file(name + ".csr");
  const std::string ext = d.file(name + ".ext");
  write_text(ext,
             "subjectAltName=DNS:localhost\nbasicConstraints=critical,CA:FALSE\n"
             "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n");
  std::vector<std::string> req = {"req", "-new"};
  req.insert(req.end(), key_opts.begin(), key_opts.end());
  req.insert(req.end(), {"-nodes", "-keyout", c.key, "-out", csr, "-subj", "/CN=localhost"});
  if (!step(pki, req, name + "-req")) {
    return false;
  }
  std::vector<std::string> x509 = {
      "x509",        "-req", "-in",   csr,  "-CA",  c.ca,   "-CAkey",   d.file(name + "-ca.key"),
      "-set_serial", "2",    "-days", "30", "-out", c.cert, "-extfile", ext};
  x509.insert(x509.end(), sig.begin(), sig.end());
  if (!step(pki, x509, name + "-sign")) {
    return false;
  }
  pki.chains[name == "p256"    ? KeyKind::kEcdsaP256
             : name == "p521"  ? KeyKind::kEcdsaP521
             : name == "ed448" ? KeyKind::kEd448
             : name == "rsa"   ? KeyKind::kRsa
                               : KeyKind::kRsaPss] = c;
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
    bool ok =
        make_chain(*x, "p256", {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"}, false) &&
        make_chain(*x, "p521", {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-521"}, false) &&
        make_chain(*x, "ed448", {"-newkey", "ed448"}, false) &&
        make_chain(*x, "rsapss", {"-newkey", "rsa-pss", "-pkeyopt", "rsa_keygen_bits:2048"},
                   true) &&
        make_chain(*x, "rsa", {"-newkey", "rsa:2048"}, false);
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
    ASSERT_EQ(::access(GLASSTLS_CLI, X_OK), 0) << "the glasstls CLI is missing";        \
    ASSERT_TRUE(pki().error.empty()) << "test PKI generation failed:\n" << pki().error; \
  } while (0)

struct Peer {
  std::unique_ptr<Child> child;
  uint16_t port = 0;
  std::string log() const { return child ? child->log() : "(not started)\n"; }
};

Peer start_glasstls_server(const std::vector<std::string>& args, const TempDir& dir) {
  std::vector<std::string> argv = {GLASSTLS_CLI, "server", "--port", "0"};
  argv.insert(argv.end(), args.begin(), args.end());
  Peer peer;
  peer.child = Child::spawn(argv, dir.path(), "glasstls-server");
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

// start_openssl_server runs `openssl s_server -tls1_3` on a free port, its stdin held open.
Peer start_openssl_server(const std::vector<std::string>& args, const TempDir& dir) {
  Peer peer;
  for (int attempt = 0; attempt < 3 && peer.port == 0; ++attempt) {
    uint16_t port = free_port();
    std::vector<std::string> argv = {openssl(), "s_server", "-tls1_3",           "-naccept",
                                     "1",       "-accept",  std::to_string(port)};
    argv.insert(argv.end(), args.begin(), args.end());
    peer.child = Child::spawn(argv, dir.path(), "s_server", StdinMode::kPipe);
    if (peer.child && peer.child->wait_for_out("ACCEPT", kStartTimeout)) {
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

// run_glasstls_client runs `glasstls client 127.0.0.1:PORT --servername localhost ...` with one
// line as its stdin.
ClientRun run_glasstls_client(uint16_t port, const std::vector<std::string>& args,
                              const TempDir& dir) {
  const std::string in = dir.file("client.in");
  write_text(in, "hello from glasstls\n");
  std::vector<std::string> argv = {GLASSTLS_CLI, "client", "127.0.0.1:" + std::to_string(port),
                                   "--servername", "localhost"};
  argv.insert(argv.end(), args.begin(), args.end());
  ClientRun r;
  std::unique_ptr<Child> c =
      Child::spawn(argv, dir.path(), "glasstls-client", StdinMode::kFile, in);
  if (!c) {
    r.log = "cannot start the client";
    return r;
  }
  std::optional<int> status = c->wait_exit(kRunTimeout);
  if (!status) {
    c->kill();
  }
  r.status = status.value_or(-1);
  r.out = c->out();
  r.err = c->err();
  r.log = c->log();
  return r;
}

// run_openssl_client connects `openssl s_client -tls1_3` (verifying against `ca`), sends a line
// through the glasstls echo server and closes. Returns s_client's stdout, or "" on failure
// (with the logs in `log`).
std::string run_openssl_client(uint16_t port, const std::string& ca,
                               const std::vector<std::string>& args, const TempDir& dir,
                               std::string* log) {
  std::vector<std::string> argv = {openssl(),
                                   "s_client",
                                   "-tls1_3",
                                   "-connect",
                                   "127.0.0.1:" + std::to_string(port),
                                   "-CAfile",
                                   ca,
                                   "-verify_return_error",
                                   "-servername",
                                   "localhost"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::unique_ptr<Child> c = Child::spawn(argv, dir.path(), "s_client", StdinMode::kPipe);
  if (!c) {
    *log = "cannot start s_client";
    return "";
  }
  const std::string line = "ping from openssl";
  bool ok = c->wait_for_out("Verify return code", kRunTimeout) && c->write_stdin(line + "\n") &&
            c->wait_for_out(line, kRunTimeout);
  c->close_stdin();
  std::optional<int> status = c->wait_exit(kRunTimeout);
  *log = c->log();
  return ok && status == 0 ? c->out() : "";
}

// ---------------------------------------------------------------------------------------------
// Groups.

struct GroupCase {
  const char* ours;     // glasstls's name (iana.def)
  const char* openssl;  // OpenSSL's name
};

class InteropGroups : public testing::TestWithParam<GroupCase> {};

TEST_P(InteropGroups, OurClientVsOpensslServer) {
  REQUIRE_OPENSSL();
  const Chain& c = pki().chains.at(KeyKind::kEcdsaP256);
  TempDir dir;
  Peer server =
      start_openssl_server({"-cert", c.cert, "-key", c.key, "-groups", GetParam().openssl}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  ClientRun client =
      run_glasstls_client(server.port, {"--cafile", c.ca, "--groups", GetParam().ours}, dir);
  std::string logs = client.log + server.log();
  EXPECT_EQ(client.status, 0) << logs;
  EXPECT_TRUE(contains(client.err, std::string("group: ") + GetParam().ours)) << logs;
  EXPECT_TRUE(server.child->wait_for_out("hello from glasstls", kRunTimeout)) << logs;
}

TEST_P(InteropGroups, OpensslClientVsOurServer) {
  REQUIRE_OPENSSL();
  const Chain& c = pki().chains.at(KeyKind::kEcdsaP256);
  TempDir dir;
  Peer server = start_glasstls_server(
      {"--cert", c.cert, "--key", c.key, "--echo", "--once", "--groups", GetParam().ours}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::string log;
  std::string out =
      run_openssl_client(server.port, c.ca, {"-groups", GetParam().openssl}, dir, &log);
  EXPECT_FALSE(out.empty()) << log << server.log();
  std::optional<int> server_status = server.child->wait_exit(kRunTimeout);
  EXPECT_EQ(server_status, 0) << log << server.log();
  EXPECT_TRUE(contains(server.child->err(), std::string("group: ") + GetParam().ours))
      << server.log();
}

INSTANTIATE_TEST_SUITE_P(
    Tls13, InteropGroups,
    testing::Values(GroupCase{"secp521r1", "P-521"}, GroupCase{"x448", "X448"},
                    GroupCase{"ffdhe2048", "ffdhe2048"}, GroupCase{"ffdhe3072", "ffdhe3072"},
                    GroupCase{"ffdhe4096", "ffdhe4096"}, GroupCase{"ffdhe6144", "ffdhe6144"},
                    GroupCase{"ffdhe8192", "ffdhe8192"}),
    [](const testing::TestParamInfo<GroupCase>& p) { return std::string(p.param.ours); });

// Our client shares X25519 only; an s_server that takes ffdhe2048 alone asks for it again.
TEST(InteropGroupsHelloRetryRequest, OurClientOffersX25519ShareOpensslServerWantsFfdhe2048) {
  REQUIRE_OPENSSL();
  const Chain& c = pki().chains.at(KeyKind::kEcdsaP256);
  TempDir dir;
  Peer server = start_openssl_server({"-cert", c.cert, "-key", c.key, "-groups", "ffdhe2048"}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  ClientRun client =
      run_glasstls_client(server.port, {"--cafile", c.ca, "--groups", "x25519:ffdhe2048"}, dir);
  std::string logs = client.log + server.log();
  EXPECT_EQ(client.status, 0) << logs;
  EXPECT_TRUE(contains(client.err, "group: ffdhe2048")) << logs;
  EXPECT_TRUE(contains(client.err, "hello retry request: yes")) << logs;
}

// s_client shares X25519 only; our server that takes ffdhe2048 alone asks for it again.
TEST(InteropGroupsHelloRetryRequest, OpensslClientOffersX25519ShareOurServerWantsFfdhe2048) {
  REQUIRE_OPENSSL();
  const Chain& c = pki().chains.at(KeyKind::kEcdsaP256);
  TempDir dir;
  Peer server = start_glasstls_server(
      {"--cert", c.cert, "--key", c.key, "--echo", "--once", "--groups", "ffdhe2048"}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::string log;
  std::string out =
      run_openssl_client(server.port, c.ca, {"-groups", "X25519:ffdhe2048"}, dir, &log);
  EXPECT_FALSE(out.empty()) << log << server.log();
  EXPECT_EQ(server.child->wait_exit(kRunTimeout), 0) << server.log();
  EXPECT_TRUE(contains(server.child->err(), "group: ffdhe2048")) << server.log();
  EXPECT_TRUE(contains(server.child->err(), "hello retry request: yes")) << server.log();
}

// ---------------------------------------------------------------------------------------------
// TLS 1.2 DHE: the group `openssl s_server` sends when it is given no DH parameters.

// server_key_exchange reads the ServerKeyExchange message out of `s_client -msg` output (the
// hex lines after its "<<< ... ServerKeyExchange" line); empty when there is none.
Bytes server_key_exchange(const std::string& out) {
  size_t at = out.find("ServerKeyExchange");
  if (at == std::string::npos) {
    return {};
  }
  std::string hex;
  size_t line = out.find('\n', at);
  while (line != std::string::npos && out.compare(line + 1, 4, "    ") == 0) {
    size_t end = out.find('\n', line + 1);
    for (char ch : out.substr(line + 1, end - line - 1)) {
      if (ch != ' ') {
        hex += ch;
      }
    }
    line = end;
  }
  return from_hex(hex).value_or(Bytes{});
}

// read_vector reads a uint16-prefixed vector at `pos` of `m`.
bool read_vector(const Bytes& m, size_t& pos, Bytes& out) {
  if (pos + 2 > m.size()) {
    return false;
  }
  size_t len = (size_t{m[pos]} << 8) | m[pos + 1];
  if (pos + 2 + len > m.size()) {
    return false;
  }
  out.assign(m.begin() + static_cast<std::ptrdiff_t>(pos + 2),
             m.begin() + static_cast<std::ptrdiff_t>(pos + 2 + len));
  pos += 2 + len;
  return true;
}

TEST(InteropDhe, OpensslServerDefaultParametersAreAccepted) {
  REQUIRE_OPENSSL();
  const Chain& c = pki().chains.at(KeyKind::kRsa);
  TempDir dir;
  Peer server;
  for (int attempt = 0; attempt < 3 && server.port == 0; ++attempt) {
    uint16_t port = free_port();
    server.child = Child::spawn(
        {openssl(), "s_server", "-tls1_2", "-cipher", "DHE-RSA-AES128-GCM-SHA256", "-naccept", "1",
         "-accept", std::to_string(port), "-cert", c.cert, "-key", c.key},
        dir.path(), "s_server", StdinMode::kPipe);
    if (server.child && server.child->wait_for_out("ACCEPT", kStartTimeout)) {
      server.port = port;
    }
  }
  ASSERT_NE(server.port, 0) << server.log();
  // A TLS 1.2 client offering no FFDHE group: the server sends a group of its own choice.
  std::unique_ptr<Child> client =
      Child::spawn({openssl(), "s_client", "-tls1_2", "-msg", "-groups", "X25519", "-connect",
                    "127.0.0.1:" + std::to_string(server.port)},
                   dir.path(), "s_client", StdinMode::kPipe);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->wait_for_out("Verify return code", kRunTimeout)) << client->log();
  client->close_stdin();
  (void)client->wait_exit(kRunTimeout);
  // ServerDHParams (dh_p, dh_g, dh_Ys) after the 4-byte handshake header.
  const Bytes m = server_key_exchange(client->out());
  ASSERT_GT(m.size(), 4u) << client->log();
  ASSERT_EQ(m[0], 0x0c);
  size_t pos = 4;
  Bytes p, g, ys;
  ASSERT_TRUE(read_vector(m, pos, p) && read_vector(m, pos, g) && read_vector(m, pos, ys));
  Result<std::unique_ptr<crypto::KeyExchange>> ours = crypto::openssl_provider().dh->start(p, g);
  ASSERT_TRUE(ours.ok()) << ours.error().reason << "\np = " << to_hex(p);
  Result<Secret> secret = (*ours)->complete(ys);
  ASSERT_TRUE(secret.ok()) << secret.error().reason;
  EXPECT_EQ(secret->size(), p.size());
}

// ---------------------------------------------------------------------------------------------
// Certificate keys.

struct KeyCase {
  KeyKind kind;
  const char* scheme;  // the TLS 1.3 scheme the key signs CertificateVerify with
  const char* label;
};

class InteropKeys : public testing::TestWithParam<KeyCase> {};

TEST_P(InteropKeys, OurClientVerifiesOpensslServer) {
  REQUIRE_OPENSSL();
  const Chain& c = pki().chains.at(GetParam().kind);
  TempDir dir;
  Peer server = start_openssl_server({"-cert", c.cert, "-key", c.key}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  ClientRun client =
      run_glasstls_client(server.port, {"--cafile", c.ca, "--sigalgs", GetParam().scheme}, dir);
  std::string logs = client.log + server.log();
  EXPECT_EQ(client.status, 0) << logs;
  EXPECT_TRUE(contains(client.err, GetParam().scheme)) << logs;
  EXPECT_TRUE(server.child->wait_for_out("hello from glasstls", kRunTimeout)) << logs;
}

TEST_P(InteropKeys, OpensslClientVerifiesOurServer) {
  REQUIRE_OPENSSL();
  const Chain& c = pki().chains.at(GetParam().kind);
  TempDir dir;
  Peer server = start_glasstls_server(
      {"--cert", c.cert, "--key", c.key, "--echo", "--once", "--sigalgs", GetParam().scheme}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::string log;
  std::string out = run_openssl_client(server.port, c.ca, {}, dir, &log);
  EXPECT_FALSE(out.empty()) << log << server.log();
  EXPECT_TRUE(contains(out, "subject=CN = localhost")) << log;
  EXPECT_EQ(server.child->wait_exit(kRunTimeout), 0) << server.log();
  EXPECT_TRUE(contains(server.child->err(), GetParam().scheme)) << server.log();
}

INSTANTIATE_TEST_SUITE_P(
    Tls13, InteropKeys,
    testing::Values(KeyCase{KeyKind::kEcdsaP521, "ecdsa_secp521r1_sha512", "P521"},
                    KeyCase{KeyKind::kEd448, "ed448", "Ed448"},
                    KeyCase{KeyKind::kRsaPss, "rsa_pss_pss_sha256", "RsaPss"}),
    [](const testing::TestParamInfo<KeyCase>& p) { return std::string(p.param.label); });

}  // namespace
}  // namespace glasstls::interop
