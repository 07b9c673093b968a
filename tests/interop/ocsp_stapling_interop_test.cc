// ocsp_stapling_interop_test.cc: OCSP stapling (RFC 8446 section 4.4.2.1) between the glasstls
// CLI and OpenSSL, both ways, with real OCSP responses.
//
// A PKI is made at test time with `openssl ca` (tests/x509/corpus.h): a CA, an OCSP responder
// certificate (extendedKeyUsage OCSPSigning) and a server certificate for "localhost". The
// responses come from `openssl ocsp -index` acting as the CA's responder, so they are what a
// real responder would send: "good" at first, "revoked" once `openssl ca -revoke` has marked
// the certificate in the CA's database.
//
// (a) `openssl s_server -status_file` staples to the glasstls client, which reports the
//     response's size and SHA-256; (b) the glasstls server's --ocsp staples to `openssl
//     s_client -status`; (c) rewriting the --ocsp file while the glasstls server runs changes
//     what the next connection gets, and a rewrite that is not DER keeps the previous response.
//
// The tests skip when the openssl command is missing.

#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "glasstls/crypto.h"
#include "interop/process.h"
#include "x509/corpus.h"

#ifndef GLASSTLS_CLI
#error "GLASSTLS_CLI must name the glasstls executable"
#endif

namespace glasstls::interop {
namespace {

using x509test::CertRequest;
using x509test::KeyKind;

constexpr milliseconds kStartTimeout{10000};
constexpr milliseconds kRunTimeout{20000};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// OcspPki is the CA, the responder and the server certificate, and the CA's database that
// `openssl ocsp -index` answers from.
struct OcspPki {
  std::unique_ptr<x509test::Pki> pki;
  std::string error;  // empty when it was made

  std::string ca() const { return pki->cert_path("ca"); }
  std::string leaf() const { return pki->cert_path("leaf"); }
  std::string leaf_key() const { return pki->key_path("leaf"); }

  // respond writes the responder's current answer about the leaf (DER OCSPResponse) to `out`.
  bool respond(const std::string& out, std::string& why) const {
    std::string output;
    int status = pki->run({"ocsp", "-index", pki->dir() + "/index.txt", "-rsigner",
                           pki->cert_path("responder"), "-rkey", pki->key_path("responder"), "-CA",
                           ca(), "-issuer", ca(), "-cert", leaf(), "-respout", out, "-ndays", "7"},
                          output);
    if (status != 0) {
      why = "openssl ocsp failed (" + std::to_string(status) + "): " + output;
      return false;
    }
    return true;
  }

  // revoke_leaf marks the leaf revoked in the CA's database.
  bool revoke_leaf(std::string& why) const {
    std::string output;
    int status = pki->run({"ca", "-config", pki->dir() + "/ca.cnf", "-revoke", leaf(), "-keyfile",
                           pki->key_path("ca"), "-cert", ca()},
                          output);
    if (status != 0) {
      why = "openssl ca -revoke failed (" + std::to_string(status) + "): " + output;
      return false;
    }
    return true;
  }
};

// make_pki builds a fresh OcspPki (each test revokes at will in its own).
std::unique_ptr<OcspPki> make_pki() {
  auto out = std::make_unique<OcspPki>();
  out->pki = x509test::Pki::create(out->error);
  if (!out->pki) {
    return out;
  }
  x509test::Pki& p = *out->pki;
  CertRequest ca{"ca", "", "ca", "/CN=glasstls OCSP test CA", x509test::kRootExt};
  CertRequest responder{"responder", "ca", "responder", "/CN=glasstls OCSP responder",
                        "basicConstraints = critical, CA:FALSE\n"
                        "keyUsage = critical, digitalSignature\n"
                        "extendedKeyUsage = OCSPSigning\n"};
  CertRequest leaf{"leaf", "ca", "leaf", "/CN=localhost",
                   std::string(x509test::kServerLeafExt) + "subjectAltName = DNS:localhost\n"};
  leaf.start = x509test::kLeafStart;
  leaf.end = x509test::kCaEnd;
  bool ok = p.key("ca", KeyKind::kP256) && p.issue(ca) && p.key("responder", KeyKind::kP256) &&
            p.issue(responder) && p.key("leaf", KeyKind::kP256) && p.issue(leaf);
  if (!ok) {
    out->error = p.error();
  }
  return out;
}

#define REQUIRE_OPENSSL_PKI(name)                                              \
  if (find_program("openssl").empty()) {                                       \
    GTEST_SKIP() << "openssl is not installed";                                \
  }                                                                            \
  ASSERT_EQ(::access(GLASSTLS_CLI, X_OK), 0) << "the glasstls CLI is missing"; \
  ::signal(SIGPIPE, SIG_IGN);                                                  \
  std::unique_ptr<OcspPki> name = make_pki();                                  \
  ASSERT_TRUE(name->error.empty()) << "PKI generation failed: " << name->error

std::string sha256_hex(const std::string& data) {
  ByteView bytes(reinterpret_cast<const uint8_t*>(data.data()), data.size());
  return to_hex(crypto::openssl_provider().sha256->digest(bytes));
}

// Peer is a running server and its port.
struct Peer {
  std::unique_ptr<Child> child;
  uint16_t port = 0;
  std::string log() const { return child ? child->log() : "(not started)\n"; }
};

// start_glasstls_server runs `glasstls server --port 0 ...` and reads the port it prints.
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
  peer.port = static_cast<uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
  return peer;
}

// start_openssl_server runs `openssl s_server -accept PORT ...` on a free port (its stdin a
// pipe held open: s_server stops at the end of its stdin).
Peer start_openssl_server(const std::vector<std::string>& args, const TempDir& dir) {
  Peer peer;
  for (int attempt = 0; attempt < 3 && peer.port == 0; ++attempt) {
    uint16_t port = free_port();
    std::vector<std::string> argv = {find_program("openssl"), "s_server", "-accept",
                                     std::to_string(port)};
    argv.insert(argv.end(), args.begin(), args.end());
    peer.child = Child::spawn(argv, dir.path(), "s_server", StdinMode::kPipe);
    if (peer.child && peer.child->wait_for_out("ACCEPT", kStartTimeout)) {
      peer.port = port;
    }
  }
  return peer;
}

// s_client_status connects `openssl s_client -status` to `port`, waits until it has printed
// the OCSP part of the handshake, closes it and returns its output.
std::string s_client_status(uint16_t port, const std::string& ca, const TempDir& dir,
                            const std::string& tag) {
  std::vector<std::string> argv = {find_program("openssl"),
                                   "s_client",
                                   "-tls1_3",
                                   "-connect",
                                   "127.0.0.1:" + std::to_string(port),
                                   "-servername",
                                   "localhost",
                                   "-CAfile",
                                   ca,
                                   "-verify_return_error",
                                   "-status"};
  std::unique_ptr<Child> c = Child::spawn(argv, dir.path(), tag, StdinMode::kPipe);
  if (!c) {
    return "(s_client did not start)";
  }
  c->wait_for_out("Verify return code", kRunTimeout);
  c->close_stdin();
  c->wait_exit(kRunTimeout);
  return c->out() + c->err();
}

// (a) OpenSSL's server staples; the glasstls client asks for and receives exactly that file.
TEST(InteropOcspStapling, OpensslServerStaplesToOurClient) {
  REQUIRE_OPENSSL_PKI(ocsp);
  TempDir dir;
  std::string resp = dir.file("resp.der");
  std::string why;
  ASSERT_TRUE(ocsp->respond(resp, why)) << why;
  const std::string der = read_text(resp);
  ASSERT_FALSE(der.empty());

  for (bool staple : {true, false}) {
    SCOPED_TRACE(staple ? "-status_file" : "no -status_file");
    std::vector<std::string> args = {"-tls1_3", "-naccept",      "1", "-cert", ocsp->leaf(),
                                     "-key",    ocsp->leaf_key()};
    if (staple) {
      args.push_back("-status_file");
      args.push_back(resp);
    }
    Peer server = start_openssl_server(args, dir);
    ASSERT_NE(server.port, 0) << server.log();
    std::string in = dir.file("client.in");
    write_text(in, "hello\n");
    std::unique_ptr<Child> client =
        Child::spawn({GLASSTLS_CLI, "client", "127.0.0.1:" + std::to_string(server.port),
                      "--servername", "localhost", "--cafile", ocsp->ca()},
                     dir.path(), staple ? "client-stapled" : "client-plain", StdinMode::kFile, in);
    ASSERT_TRUE(client);
    std::optional<int> status = client->wait_exit(kRunTimeout);
    std::string logs = client->log() + server.log();
    EXPECT_EQ(status, 0) << logs;
    if (staple) {
      EXPECT_TRUE(contains(client->err(), "OCSP staple: stapled by the server, " +
                                              std::to_string(der.size()) + " bytes, SHA-256 " +
                                              sha256_hex(der)))
          << logs;
    } else {
      EXPECT_TRUE(contains(client->err(), "OCSP staple: none (asked for")) << logs;
    }
  }
}

// (b) The glasstls server staples --ocsp; OpenSSL's client reads it as the responder made it.
TEST(InteropOcspStapling, OurServerStaplesToOpensslClient) {
  REQUIRE_OPENSSL_PKI(ocsp);
  TempDir dir;
  std::string resp = dir.file("resp.der");
  std::string why;
  ASSERT_TRUE(ocsp->respond(resp, why)) << why;
  Peer server = start_glasstls_server(
      {"--cert", ocsp->leaf(), "--key", ocsp->leaf_key(), "--ocsp", resp, "--echo"}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::string out = s_client_status(server.port, ocsp->ca(), dir, "s_client");
  std::string logs = out + server.log();
  EXPECT_TRUE(contains(out, "Verify return code: 0 (ok)")) << logs;
  EXPECT_TRUE(contains(out, "OCSP Response Status: successful")) << logs;
  EXPECT_TRUE(contains(out, "Responder Id: CN = glasstls OCSP responder")) << logs;
  EXPECT_TRUE(contains(out, "Cert Status: good")) << logs;
  EXPECT_FALSE(contains(out, "OCSP response: no response sent")) << logs;
  EXPECT_TRUE(contains(server.child->err(), "stapling the OCSP response from " + resp)) << logs;

  // Without --ocsp nothing is stapled.
  Peer plain =
      start_glasstls_server({"--cert", ocsp->leaf(), "--key", ocsp->leaf_key(), "--echo"}, dir);
  ASSERT_NE(plain.port, 0) << plain.log();
  std::string plain_out = s_client_status(plain.port, ocsp->ca(), dir, "s_client-plain");
  EXPECT_TRUE(contains(plain_out, "OCSP response: no response sent")) << plain_out;
  EXPECT_FALSE(contains(plain_out, "OCSP Response Status")) << plain_out;
}

// (c) Rewriting the --ocsp file is picked up by the next connection, without a restart.
TEST(InteropOcspStapling, OurServerReloadsARewrittenResponse) {
  REQUIRE_OPENSSL_PKI(ocsp);
  TempDir dir;
  std::string resp = dir.file("resp.der");
  std::string why;
  ASSERT_TRUE(ocsp->respond(resp, why)) << why;
  Peer server = start_glasstls_server(
      {"--cert", ocsp->leaf(), "--key", ocsp->leaf_key(), "--ocsp", resp, "--echo"}, dir);
  ASSERT_NE(server.port, 0) << server.log();
  std::string first = s_client_status(server.port, ocsp->ca(), dir, "s_client-1");
  EXPECT_TRUE(contains(first, "Cert Status: good")) << first << server.log();

  // The CA revokes the certificate; its responder says so; the file is rewritten in place.
  ASSERT_TRUE(ocsp->revoke_leaf(why)) << why;
  std::string fresh = dir.file("fresh.der");
  ASSERT_TRUE(ocsp->respond(fresh, why)) << why;
  ASSERT_TRUE(write_text(resp, read_text(fresh)));
  std::string second = s_client_status(server.port, ocsp->ca(), dir, "s_client-2");
  EXPECT_TRUE(contains(second, "Cert Status: revoked")) << second << server.log();
  EXPECT_FALSE(contains(second, "Cert Status: good")) << second;
  EXPECT_TRUE(server.child->wait_for_err("reloaded the OCSP response from " + resp, kRunTimeout))
      << server.log();

  // A rewrite that is not DER (here PEM-like text) keeps the previous response, and says so.
  ASSERT_TRUE(write_text(resp, "-----BEGIN OCSP RESPONSE-----\nnot der\n"));
  std::string third = s_client_status(server.port, ocsp->ca(), dir, "s_client-3");
  EXPECT_TRUE(contains(third, "Cert Status: revoked")) << third << server.log();
  EXPECT_TRUE(server.child->wait_for_err("is not a DER OCSPResponse", kRunTimeout)) << server.log();
  EXPECT_TRUE(contains(server.child->err(), "keeping the previous response")) << server.log();
}

}  // namespace
}  // namespace glasstls::interop
