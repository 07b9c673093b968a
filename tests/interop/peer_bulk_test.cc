// peer_bulk_test.cc: bulk data from real peers through `glasstls server --echo`, and back.
//
// Two clients that are not ours push pseudo-random binary data through the glasstls echo
// server and check that every byte comes back unchanged, once per TLS 1.3 cipher suite:
//
//   - Python's ssl module (OpenSSL underneath), driven by tests/interop/bulk_client.py: 64 MiB
//     in writes of varying sizes (1 byte to 128 KiB), reading the echo in the same select loop,
//     checked byte by byte and by SHA-256, then close_notify both ways (SSLObject.unwrap()).
//   - gnutls-cli, with the data on stdin (a file) and the echo on stdout. gnutls-cli sends its
//     close_notify at the end of stdin and keeps reading until the server's. It writes what it
//     receives one byte per write(2) (its stdout is unbuffered), about 0.5 MB/s, so it moves a
//     few MiB, not 64.
//
// Each client verifies the server's certificate against a CA generated at test time, for the
// name "localhost". The server must say nothing but its usual lines on stderr and exit 0 after
// a connection closed with close_notify both ways (--once), or keep serving (without --once).
//
// The tests skip only when python3, gnutls-cli or openssl (which makes the PKI) is missing.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
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
constexpr milliseconds kStepTimeout{20000};
constexpr milliseconds kBulkTimeout{120000};

constexpr size_t kMebibyte = size_t{1} << 20;

const std::string& cli() {
  static const std::string path = GLASSTLS_CLI;
  return path;
}

// bulk_client_script is the Python driver, run from the source tree.
std::string bulk_client_script() {
  return std::string(GLASSTLS_SOURCE_DIR) + "/tests/interop/bulk_client.py";
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(line);
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// The PKI: a CA and an ECDSA P-256 server certificate for "localhost", made once per process.

struct Pki {
  TempDir dir;
  std::string error;  // empty when generation succeeded
  std::string ca;
  std::string cert;
  std::string key;
};

std::string openssl_path() { return find_program("openssl"); }

bool openssl(Pki& pki, const std::vector<std::string>& args, const std::string& tag) {
  std::vector<std::string> argv = {openssl_path()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string output;
  int status = run(argv, pki.dir.path(), tag, kStepTimeout, &output);
  if (status != 0) {
    pki.error += "openssl " + args[0] + " (" + tag + ") exited with " + std::to_string(status) +
                 ":\n" + output;
  }
  return status == 0;
}

// make_pki fills `p` with the CA and the server credential; on failure p.error says why.
bool make_pki(Pki& p) {
  const TempDir& d = p.dir;
  p.ca = d.file("ca.pem");
  p.cert = d.file("server.pem");
  p.key = d.file("server.key");
  write_text(d.file("ca.ext"),
             "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
             "subjectKeyIdentifier=hash\n");
  write_text(d.file("server.ext"),
             "subjectAltName=DNS:localhost\nbasicConstraints=critical,CA:FALSE\n"
             "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n");
  const std::vector<std::string> p256 = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                                         "-nodes"};
  std::vector<std::string> ca_req = {"req", "-new"};
  ca_req.insert(ca_req.end(), p256.begin(), p256.end());
  ca_req.insert(ca_req.end(), {"-keyout", d.file("ca.key"), "-out", d.file("ca.csr"), "-subj",
                               "/CN=glasstls peer bulk test CA"});
  std::vector<std::string> leaf_req = {"req", "-new"};
  leaf_req.insert(leaf_req.end(), p256.begin(), p256.end());
  leaf_req.insert(leaf_req.end(),
                  {"-keyout", p.key, "-out", d.file("server.csr"), "-subj", "/CN=localhost"});
  return openssl(p, ca_req, "ca-req") &&
         openssl(p,
                 {"x509", "-req", "-in", d.file("ca.csr"), "-signkey", d.file("ca.key"), "-days",
                  "30", "-extfile", d.file("ca.ext"), "-out", p.ca},
                 "ca-sign") &&
         openssl(p, leaf_req, "server-req") &&
         openssl(
             p,
             {"x509", "-req", "-in", d.file("server.csr"), "-CA", p.ca, "-CAkey", d.file("ca.key"),
              "-set_serial", "2", "-days", "30", "-extfile", d.file("server.ext"), "-out", p.cert},
             "server-sign");
}

// pki is made on first use; its directory is removed when the process exits.
const Pki& pki() {
  static Pki p;
  static const bool made = make_pki(p);
  (void)made;
  return p;
}

// REQUIRE_PEER skips when `program` (or openssl, which makes the PKI) is missing, and fails
// when the glasstls CLI or the PKI is.
#define REQUIRE_PEER(program)                                                           \
  do {                                                                                  \
    if (find_program(program).empty()) {                                                \
      GTEST_SKIP() << program << " is not installed";                                   \
    }                                                                                   \
    if (openssl_path().empty()) {                                                       \
      GTEST_SKIP() << "openssl (for the test PKI) is not installed";                    \
    }                                                                                   \
    ASSERT_EQ(::access(cli().c_str(), X_OK), 0) << "no glasstls CLI at " << cli();      \
    ASSERT_TRUE(pki().error.empty()) << "test PKI generation failed:\n" << pki().error; \
  } while (0)

// ---------------------------------------------------------------------------------------------
// The server.

// Server is a running `glasstls server --port 0 --echo ...` and the port it printed.
struct Server {
  std::unique_ptr<Child> child;
  uint16_t port = 0;
  std::string log() const { return child ? child->log() : "(server did not start)\n"; }
};

Server start_echo_server(const TempDir& dir, const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {cli(),      "server", "--port",  "0",     "--cert",
                                   pki().cert, "--key",  pki().key, "--echo"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  Server s;
  s.child = Child::spawn(argv, dir.path(), "glasstls-server");
  if (!s.child || !s.child->wait_for_err("listening on ", kStartTimeout)) {
    return s;
  }
  for (const std::string& line : lines_of(s.child->err())) {
    if (line.rfind("listening on ", 0) == 0) {
      s.port = static_cast<uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
    }
  }
  return s;
}

// unexpected_server_output returns the lines of the server's stderr that are not the ones it
// prints for a connection that went well (empty if there are none): "listening on", the
// parameters and byte counts (indented), "connection from" and "closed cleanly".
std::string unexpected_server_output(const std::string& err) {
  std::string unexpected;
  for (const std::string& line : lines_of(err)) {
    bool expected = line.rfind("listening on ", 0) == 0 || line.rfind("  ", 0) == 0 ||
                    line.rfind("glasstls server: connection from ", 0) == 0 ||
                    (line.rfind("glasstls server: connection with ", 0) == 0 &&
                     contains(line, " closed cleanly (close_notify both ways)"));
    if (!expected) {
      unexpected += line + "\n";
    }
  }
  return unexpected;
}

size_t count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// The Python client.

struct PythonRun {
  int status = -1;
  std::string out;
  std::string log;
};

PythonRun run_python_client(const TempDir& dir, uint16_t port, size_t bytes, int seed,
                            const std::string& expect_cipher, const std::string& tag) {
  std::vector<std::string> argv = {find_program("python3"),
                                   bulk_client_script(),
                                   "--port",
                                   std::to_string(port),
                                   "--servername",
                                   "localhost",
                                   "--cafile",
                                   pki().ca,
                                   "--bytes",
                                   std::to_string(bytes),
                                   "--seed",
                                   std::to_string(seed),
                                   "--timeout",
                                   std::to_string(kBulkTimeout.count() / 1000 - 10)};
  if (!expect_cipher.empty()) {
    argv.insert(argv.end(), {"--expect-cipher", expect_cipher});
  }
  PythonRun r;
  std::unique_ptr<Child> c = Child::spawn(argv, dir.path(), tag);
  if (!c) {
    r.log = "cannot start " + argv[0] + "\n";
    return r;
  }
  std::optional<int> status = c->wait_exit(kBulkTimeout);
  if (!status) {
    c->kill();
  }
  r.status = status.value_or(-1);
  r.out = c->out();
  r.log = c->log() + (status ? "" : "--- (timed out and killed)\n");
  return r;
}

// field returns the value of `name`=VALUE in the client's "ok ..." line, or "".
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

struct Suite {
  const char* iana;    // glasstls and OpenSSL spelling
  const char* gnutls;  // GnuTLS priority-string spelling
  size_t python_bytes;
  size_t gnutls_bytes;
};

const Suite kSuites[] = {
    {"TLS_AES_128_GCM_SHA256", "AES-128-GCM", 64 * kMebibyte, 4 * kMebibyte},
    {"TLS_AES_256_GCM_SHA384", "AES-256-GCM", 64 * kMebibyte, 1 * kMebibyte},
    {"TLS_CHACHA20_POLY1305_SHA256", "CHACHA20-POLY1305", 64 * kMebibyte, 1 * kMebibyte},
};

// PrintTo names a suite in test listings (gtest would otherwise print its bytes).
void PrintTo(const Suite& suite, std::ostream* os) { *os << suite.iana; }

std::string suite_name(const testing::TestParamInfo<Suite>& info) {
  std::string s = info.param.gnutls;
  for (char& c : s) {
    if (c == '-') {
      c = '_';
    }
  }
  return s;
}

class InteropPeerBulkPython : public testing::TestWithParam<Suite> {};

TEST_P(InteropPeerBulkPython, EchoesEveryByte) {
  REQUIRE_PEER("python3");
  const Suite& suite = GetParam();
  TempDir dir;
  Server server = start_echo_server(dir, {"--once", "--ciphersuites", suite.iana});
  ASSERT_NE(server.port, 0) << server.log();

  auto start = Clock::now();
  PythonRun client =
      run_python_client(dir, server.port, suite.python_bytes, 1, suite.iana, "python-client");
  auto seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::optional<int> server_status = server.child->wait_exit(kStepTimeout);
  std::string logs = client.log + server.log();

  ASSERT_EQ(client.status, 0) << logs;
  EXPECT_EQ(field(client.out, "version"), "TLSv1.3") << logs;
  EXPECT_EQ(field(client.out, "cipher"), suite.iana) << logs;
  EXPECT_EQ(field(client.out, "bytes"), std::to_string(suite.python_bytes)) << logs;
  std::string sent = field(client.out, "sent_sha256");
  EXPECT_EQ(sent.size(), 64u) << logs;
  EXPECT_EQ(field(client.out, "received_sha256"), sent) << logs;
  EXPECT_EQ(field(client.out, "close_notify"), "yes") << logs;

  EXPECT_EQ(server_status, 0) << logs;
  std::string err = server.child->err();
  EXPECT_EQ(unexpected_server_output(err), "") << logs;
  EXPECT_TRUE(contains(err, std::string("cipher suite: ") + suite.iana)) << logs;
  std::string n = std::to_string(suite.python_bytes);
  EXPECT_TRUE(contains(err, "bytes received: " + n + ", bytes sent: " + n)) << logs;
  EXPECT_TRUE(contains(err, "closed cleanly (close_notify both ways)")) << logs;
  std::printf("[ timing   ] Python ssl, %s: %zu MiB echoed in %.2f s (client: %s s)\n", suite.iana,
              suite.python_bytes / kMebibyte, seconds, field(client.out, "seconds").c_str());
}

INSTANTIATE_TEST_SUITE_P(Suites, InteropPeerBulkPython, testing::ValuesIn(kSuites), suite_name);

// One server process, two bulk connections after each other: the first one's end must leave
// the server serving, with nothing but the usual lines on its stderr.
TEST(InteropPeerBulk, ServerKeepsServingAfterPythonBulk) {
  REQUIRE_PEER("python3");
  TempDir dir;
  Server server = start_echo_server(dir, {});
  ASSERT_NE(server.port, 0) << server.log();
  for (int seed : {2, 3}) {
    PythonRun client = run_python_client(dir, server.port, 8 * kMebibyte, seed, "",
                                         "python-client-" + std::to_string(seed));
    ASSERT_EQ(client.status, 0) << client.log << server.log();
    EXPECT_EQ(field(client.out, "received_sha256"), field(client.out, "sent_sha256")) << client.log;
  }
  // The server logs a connection's end after its close_notify went out, so give it a moment.
  EXPECT_TRUE(server.child->wait_for(
      [](const std::string&, const std::string& err) {
        return count(err, "closed cleanly (close_notify both ways)") == 2;
      },
      kStepTimeout))
      << server.log();
  EXPECT_TRUE(server.child->running()) << server.log();
  EXPECT_EQ(unexpected_server_output(server.child->err()), "") << server.log();
  std::string n = std::to_string(8 * kMebibyte);
  EXPECT_EQ(count(server.child->err(), "bytes received: " + n + ", bytes sent: " + n), 2u)
      << server.log();
}

// ---------------------------------------------------------------------------------------------
// gnutls-cli.

// make_random_file writes `size` bytes of seeded pseudo-random binary data (xorshift64*).
std::string make_random_file(const TempDir& dir, size_t size, uint64_t seed) {
  std::string path = dir.file("bulk.in");
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
  std::vector<char> block(64 * 1024);
  for (size_t done = 0; done < size; done += block.size()) {
    for (size_t i = 0; i < block.size(); i += 8) {
      x ^= x >> 12;
      x ^= x << 25;
      x ^= x >> 27;
      uint64_t v = x * 0x2545f4914f6cdd1dull;
      for (size_t j = 0; j < 8; ++j) {
        block[i + j] = static_cast<char>(v >> (8 * j));
      }
    }
    out.write(block.data(), static_cast<std::streamsize>(std::min(block.size(), size - done)));
  }
  return path;
}

// first_difference returns "" when files `a` and `b` are equal, else where they part.
std::string first_difference(const std::string& a, const std::string& b) {
  std::string x = read_text(a);
  std::string y = read_text(b);
  size_t n = std::min(x.size(), y.size());
  for (size_t i = 0; i < n; ++i) {
    if (x[i] != y[i]) {
      return "the files differ at byte " + std::to_string(i) + " (sizes " +
             std::to_string(x.size()) + " and " + std::to_string(y.size()) + ")";
    }
  }
  if (x.size() != y.size()) {
    return "one file is a prefix of the other (sizes " + std::to_string(x.size()) + " and " +
           std::to_string(y.size()) + ")";
  }
  return "";
}

// sha256_of is the SHA-256 of file `path` in hex, from `openssl dgst`, or "" on failure.
std::string sha256_of(const TempDir& dir, const std::string& path, const std::string& tag) {
  std::string output;
  if (run({openssl_path(), "dgst", "-sha256", "-r", path}, dir.path(), tag, kStepTimeout,
          &output) != 0) {
    return "";
  }
  return output.substr(0, output.find(' '));
}

class InteropPeerBulkGnutls : public testing::TestWithParam<Suite> {};

TEST_P(InteropPeerBulkGnutls, EchoesEveryByte) {
  REQUIRE_PEER("gnutls-cli");
  const Suite& suite = GetParam();
  TempDir dir;
  std::string input = make_random_file(dir, suite.gnutls_bytes, 7);
  Server server = start_echo_server(dir, {"--once", "--ciphersuites", suite.iana});
  ASSERT_NE(server.port, 0) << server.log();

  // --logfile keeps gnutls-cli's own messages out of stdout, which is then exactly the echo.
  std::string info = dir.file("gnutls-cli.info");
  std::vector<std::string> argv = {
      find_program("gnutls-cli"),
      "-p",
      std::to_string(server.port),
      "--x509cafile",
      pki().ca,
      "--priority",
      std::string("NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+") + suite.gnutls,
      "--logfile",
      info,
      "localhost"};
  auto start = Clock::now();
  std::unique_ptr<Child> client =
      Child::spawn(argv, dir.path(), "gnutls-cli", StdinMode::kFile, input);
  ASSERT_TRUE(client);
  std::optional<int> client_status = client->wait_exit(kBulkTimeout);
  if (!client_status) {
    client->kill();
  }
  auto seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::optional<int> server_status = server.child->wait_exit(kStepTimeout);
  std::string messages = read_text(info);
  std::string logs = client->log() + "--- gnutls-cli --logfile:\n" + messages + server.log();

  EXPECT_EQ(client_status, 0) << logs;
  EXPECT_TRUE(contains(messages, "- Status: The certificate is trusted.")) << logs;
  EXPECT_TRUE(contains(messages, "(TLS1.3-X.509)")) << logs;
  EXPECT_TRUE(contains(messages, std::string("-(") + suite.gnutls + ")")) << logs;
  // gnutls-cli saw the server's close_notify.
  EXPECT_TRUE(contains(messages, "- Peer has closed the GnuTLS connection")) << logs;
  std::string output = dir.file("gnutls-cli.out");
  EXPECT_EQ(first_difference(input, output), "") << logs;
  std::string sent = sha256_of(dir, input, "sha-in");
  EXPECT_EQ(sent.size(), 64u);
  EXPECT_EQ(sha256_of(dir, output, "sha-out"), sent);

  EXPECT_EQ(server_status, 0) << logs;
  std::string err = server.child->err();
  EXPECT_EQ(unexpected_server_output(err), "") << logs;
  EXPECT_TRUE(contains(err, std::string("cipher suite: ") + suite.iana)) << logs;
  std::string n = std::to_string(suite.gnutls_bytes);
  EXPECT_TRUE(contains(err, "bytes received: " + n + ", bytes sent: " + n)) << logs;
  EXPECT_TRUE(contains(err, "closed cleanly (close_notify both ways)")) << logs;
  std::printf("[ timing   ] gnutls-cli, %s: %zu MiB echoed in %.2f s\n", suite.iana,
              suite.gnutls_bytes / kMebibyte, seconds);
}

INSTANTIATE_TEST_SUITE_P(Suites, InteropPeerBulkGnutls, testing::ValuesIn(kSuites), suite_name);

}  // namespace
}  // namespace glasstls::interop
