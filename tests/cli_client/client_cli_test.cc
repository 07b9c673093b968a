// client_cli_test.cc: `glasstls client` (tools/glasstls/client.cc) and the behaviour the
// subcommands share (tools/glasstls/common.cc, main.cc), run as child processes.
//
// The servers are scripted by the test: a thread accepts one connection on a loopback listener
// and plays the server side with the library's Connection (or raw bytes), so that each test
// decides exactly how the connection ends. Their certificate is for "other.test" only, issued
// by a throwaway CA the test makes and writes as PEM. Nothing connects anywhere but 127.0.0.1.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "base/bytes.h"
#include "glasstls/config.h"
#include "glasstls/connection.h"
#include "glasstls/crypto.h"
#include "glasstls/socket.h"
#include "interop/process.h"
#include "pki/cert_builder.h"
#include "x509/pem.h"

#ifndef GLASSTLS_CLI
#error "GLASSTLS_CLI must name the glasstls executable"
#endif

namespace glasstls {
namespace {

using interop::Child;
using interop::StdinMode;
using interop::TempDir;
using std::chrono::milliseconds;

// kTimeout bounds every wait for a child or the server thread.
constexpr milliseconds kTimeout(20000);
constexpr int kTimeoutMs = 20000;

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

// Credentials is the throwaway PKI: a CA and a leaf for other.test, in memory and as PEM files.
struct Credentials {
  TempDir dir;
  x509::TestPki pki;
  std::string ca_pem;     // the CA certificate
  std::string chain_pem;  // leaf and CA
  std::string key_pem;    // the leaf's private key
  std::shared_ptr<const ServerConfig> server_config;
  std::string error;
};

const Credentials& credentials() {
  static Credentials* c = [] {
    auto* made = new Credentials();
    Result<x509::TestPki> pki = x509::make_test_pki(crypto::openssl_provider(),
                                                    crypto::KeyType::kEcdsaP256, {"other.test"});
    if (!pki.ok()) {
      made->error = pki.error().to_string();
      return made;
    }
    made->pki = std::move(*pki);
    const x509::TestPki& p = made->pki;
    made->ca_pem = made->dir.file("ca.pem");
    made->chain_pem = made->dir.file("chain.pem");
    made->key_pem = made->dir.file("key.pem");
    bool written =
        interop::write_text(made->ca_pem, x509::pem_encode("CERTIFICATE", p.ca_cert)) &&
        interop::write_text(made->chain_pem, x509::pem_encode("CERTIFICATE", p.leaf_cert) +
                                                 x509::pem_encode("CERTIFICATE", p.ca_cert)) &&
        interop::write_text(
            made->key_pem, x509::pem_encode("PRIVATE KEY", p.leaf_key->private_key_pkcs8().span()));
    if (!written) {
      made->error = "cannot write the PEM files";
      return made;
    }
    ServerConfig::Builder b;
    b.add_certificate({p.leaf_cert, p.ca_cert}, PrivateKey(p.leaf_key));
    Result<std::shared_ptr<const ServerConfig>> config = b.build();
    if (!config.ok()) {
      made->error = config.error().to_string();
      return made;
    }
    made->server_config = *config;
    return made;
  }();
  return *c;
}

// Listener is a TCP socket bound to 127.0.0.1 on a free port.
class Listener {
 public:
  // With `listening` false the port is bound but not listening: connecting to it is refused.
  explicit Listener(bool listening = true, int backlog = 8) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        (listening && ::listen(fd_, backlog) != 0) ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      return;
    }
    port_ = ntohs(addr.sin_port);
  }
  ~Listener() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  int fd() const { return fd_; }
  uint16_t port() const { return port_; }
  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }
  // pending says whether a connection is waiting to be accepted.
  bool pending() const {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) == 1;
  }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// ScriptedServer accepts one connection on its listener and hands it to `script` on a thread.
// Reads and writes on the connection time out after 10 s, so a script never hangs the test;
// wait() and the destructor stop a thread still waiting for a connection and join it.
class ScriptedServer {
 public:
  using Script = std::function<void(int fd, ScriptedServer& self)>;

  explicit ScriptedServer(Script script) {
    if (::pipe2(stop_, O_CLOEXEC) != 0) {
      return;
    }
    thread_ = std::thread([this, script = std::move(script)] {
      pollfd fds[2] = {{listener_.fd(), POLLIN, 0}, {stop_[0], POLLIN, 0}};
      int r = ::poll(fds, 2, kTimeoutMs);
      if (r <= 0 || (fds[0].revents & POLLIN) == 0) {
        note("no connection");
        return;
      }
      int fd = ::accept4(listener_.fd(), nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        note("accept failed");
        return;
      }
      timeval tv{10, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
      ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
      script(fd, *this);
    });
  }
  ~ScriptedServer() {
    wait();
    for (int fd : stop_) {
      if (fd >= 0) {
        ::close(fd);
      }
    }
  }
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  std::string target() const { return listener_.target(); }
  void note(const std::string& event) {
    std::lock_guard<std::mutex> lock(mu_);
    log_ += event + "\n";
  }
  std::string log() {
    std::lock_guard<std::mutex> lock(mu_);
    return "--- scripted server:\n" + log_;
  }
  // wait lets the script finish and joins the thread. Call it once the client has exited: a
  // connection it made is in the accept queue by then (and is accepted first), so a thread
  // still waiting for one can stop.
  void wait() {
    if (stop_[1] >= 0) {
      (void)!::write(stop_[1], "x", 1);
    }
    if (thread_.joinable()) {
      thread_.join();
    }
  }

 private:
  Listener listener_;
  int stop_[2] = {-1, -1};
  std::mutex mu_;
  std::string log_;
  std::thread thread_;
};

// tls_accept runs the server side of a handshake on `fd`; nullopt (noted) if it fails.
std::optional<SocketStream> tls_accept(int fd, ScriptedServer& server) {
  Result<Connection> conn = Connection::server(credentials().server_config);
  if (!conn.ok()) {
    server.note("cannot start: " + conn.error().to_string());
    return std::nullopt;
  }
  SocketStream stream(fd, std::move(*conn));
  if (Status hs = stream.handshake(); !hs.ok()) {
    server.note("handshake failed: " + hs.error().to_string());
    return std::nullopt;
  }
  server.note("handshake done, SNI \"" + std::string(stream.connection().server_name()) + "\"");
  return stream;
}

// read_until_close_notify reads application data until the client's close_notify; it returns
// the data, or nullopt (noted) when the connection fails first.
std::optional<std::string> read_until_close_notify(SocketStream& stream, ScriptedServer& server) {
  std::string data;
  uint8_t buf[4096];
  for (;;) {
    Result<size_t> n = stream.read(buf);
    if (!n.ok()) {
      server.note("read failed: " + n.error().to_string());
      return std::nullopt;
    }
    if (*n == 0) {
      server.note("received close_notify after " + std::to_string(data.size()) + " bytes");
      return data;
    }
    data.append(reinterpret_cast<const char*>(buf), *n);
  }
}

// read_client_hello reads the first record the client sends (its ClientHello), whole.
bool read_client_hello(int fd, ScriptedServer& server) {
  uint8_t header[5];
  if (::recv(fd, header, sizeof(header), MSG_WAITALL) != static_cast<ssize_t>(sizeof(header))) {
    server.note("no record header");
    return false;
  }
  std::vector<uint8_t> body(static_cast<size_t>(header[3]) << 8 | header[4]);
  if (::recv(fd, body.data(), body.size(), MSG_WAITALL) != static_cast<ssize_t>(body.size())) {
    server.note("short ClientHello record");
    return false;
  }
  server.note("read the ClientHello record (" + std::to_string(body.size()) + " bytes)");
  return true;
}

// echo_server answers the client's data until its close_notify, then closes cleanly.
void echo_server(int fd, ScriptedServer& server) {
  if (std::optional<SocketStream> stream = tls_accept(fd, server)) {
    if (std::optional<std::string> data = read_until_close_notify(*stream, server)) {
      Status w = stream->write_all(
          std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data->data()), data->size()));
      Status closed = stream->close();
      server.note(w.ok() && closed.ok() ? "echoed and sent close_notify" : "echo failed");
    }
  }
  ::close(fd);
}

// CliRun is a finished child: its exit status (-1 when it had to be killed) and output.
struct CliRun {
  int status = -1;
  std::string out;
  std::string err;
  std::string log;
  milliseconds elapsed{0};
};

// run_cli runs `glasstls args...` with `input` as its stdin (a file), bounded by kTimeout.
CliRun run_cli(const std::vector<std::string>& args, const std::string& input = "") {
  static int runs = 0;
  TempDir dir;
  std::string tag = "cli" + std::to_string(runs++);
  interop::write_text(dir.file(tag + ".in"), input);
  std::vector<std::string> argv = {GLASSTLS_CLI};
  argv.insert(argv.end(), args.begin(), args.end());
  CliRun r;
  auto start = std::chrono::steady_clock::now();
  std::unique_ptr<Child> c =
      Child::spawn(argv, dir.path(), tag, StdinMode::kFile, dir.file(tag + ".in"));
  if (!c) {
    r.log = "cannot start " + argv[0];
    return r;
  }
  std::optional<int> status = c->wait_exit(kTimeout);
  r.elapsed = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
  if (!status) {
    c->kill();
  }
  r.status = status.value_or(-1);
  r.out = c->out();
  r.err = c->err();
  r.log = c->log() + (status ? "" : "--- (timed out and killed)\n");
  return r;
}

class ClientCli : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(credentials().error.empty()) << credentials().error; }
  static const std::string& ca() { return credentials().ca_pem; }
};

// ---------------------------------------------------------------------------------------------
// How the connection ends: exit status and messages.

TEST_F(ClientCli, ServerClosingTcpAfterOurCloseNotifyIsClean) {
  // As nginx does: it reads the client's close_notify and closes without answering.
  ScriptedServer server([](int fd, ScriptedServer& self) {
    if (std::optional<SocketStream> stream = tls_accept(fd, self)) {
      std::string reply = "from server\n";
      Status w = stream->write_all(
          std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(reply.data()), reply.size()));
      std::optional<std::string> data = read_until_close_notify(*stream, self);
      self.note(w.ok() && data == "hello\n" ? "got hello" : "unexpected data");
    }
    ::close(fd);  // no close_notify of ours
  });
  CliRun client = run_cli(
      {"client", server.target(), "--cafile", ca(), "--servername", "other.test"}, "hello\n");
  server.wait();
  std::string logs = client.log + server.log();
  EXPECT_TRUE(contains(server.log(), "got hello")) << logs;
  EXPECT_EQ(client.status, 0) << logs;
  EXPECT_EQ(client.out, "from server\n") << logs;
  EXPECT_TRUE(contains(client.err,
                       "the server closed TCP after our close_notify without "
                       "sending its own"))
      << logs;
  EXPECT_FALSE(contains(client.err, "truncation")) << logs;
  EXPECT_FALSE(contains(client.err, "closed cleanly (close_notify both ways)")) << logs;
}

TEST_F(ClientCli, ServerClosingTcpBeforeWeFinishIsTruncation) {
  ScriptedServer server([](int fd, ScriptedServer& self) {
    if (std::optional<SocketStream> stream = tls_accept(fd, self)) {
      std::string partial = "partial\n";
      Status w = stream->write_all(std::span<const uint8_t>(
          reinterpret_cast<const uint8_t*>(partial.data()), partial.size()));
      self.note(w.ok() ? "sent partial data" : "write failed");
    }
    ::close(fd);  // while the client still has stdin open
  });
  TempDir dir;
  std::unique_ptr<Child> client = Child::spawn(
      {GLASSTLS_CLI, "client", server.target(), "--cafile", ca(), "--servername", "other.test"},
      dir.path(), "client", StdinMode::kPipe);
  ASSERT_TRUE(client);
  std::optional<int> status = client->wait_exit(kTimeout);
  server.wait();
  std::string logs = client->log() + server.log();
  ASSERT_TRUE(status.has_value()) << logs;
  EXPECT_EQ(*status, 1) << logs;
  EXPECT_EQ(client->out(), "partial\n") << logs;
  EXPECT_TRUE(contains(client->err(), "without close_notify before we had finished (truncation)"))
      << logs;
  EXPECT_FALSE(contains(client->err(), "received alert")) << logs;
}

TEST_F(ClientCli, ServerClosingInsideARecordIsTruncationEvenAfterOurCloseNotify) {
  ScriptedServer server([](int fd, ScriptedServer& self) {
    if (std::optional<SocketStream> stream = tls_accept(fd, self)) {
      if (read_until_close_notify(*stream, self)) {
        std::string data(100, 'x');
        Connection& c = stream->connection();
        Status w = c.write(
            std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
        // Ten bytes of the record, then the transport ends.
        bool sent = w.ok() && c.output().size() > 10 &&
                    ::send(fd, c.output().data(), 10, MSG_NOSIGNAL) == 10;
        self.note(sent ? "sent a cut record" : "cannot send a cut record");
      }
    }
    ::close(fd);
  });
  CliRun client = run_cli(
      {"client", server.target(), "--cafile", ca(), "--servername", "other.test"}, "hello\n");
  server.wait();
  std::string logs = client.log + server.log();
  EXPECT_TRUE(contains(server.log(), "sent a cut record")) << logs;
  EXPECT_EQ(client.status, 1) << logs;
  EXPECT_TRUE(contains(client.err, "in the middle of a record (truncation)")) << logs;
}

TEST_F(ClientCli, TcpCloseDuringTheHandshakeIsNotAnAlert) {
  ScriptedServer server([](int fd, ScriptedServer& self) {
    (void)read_client_hello(fd, self);
    ::close(fd);
  });
  CliRun client =
      run_cli({"client", server.target(), "--cafile", ca(), "--servername", "other.test"});
  server.wait();
  std::string logs = client.log + server.log();
  EXPECT_TRUE(contains(server.log(), "read the ClientHello")) << logs;
  EXPECT_EQ(client.status, 1) << logs;
  EXPECT_TRUE(contains(client.err,
                       "handshake failed: the server closed the connection (TCP) "
                       "without sending an alert"))
      << logs;
  EXPECT_FALSE(contains(client.err, "received alert")) << logs;
  EXPECT_FALSE(contains(client.err, "handshake_failure")) << logs;
}

TEST_F(ClientCli, TcpResetDuringTheHandshakeIsNotAnAlert) {
  ScriptedServer server([](int fd, ScriptedServer& self) {
    if (read_client_hello(fd, self)) {
      // SO_LINGER with a zero timeout makes close() send a RST.
      linger l{1, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
    }
    ::close(fd);
  });
  CliRun client =
      run_cli({"client", server.target(), "--cafile", ca(), "--servername", "other.test"});
  server.wait();
  std::string logs = client.log + server.log();
  EXPECT_EQ(client.status, 1) << logs;
  EXPECT_TRUE(contains(client.err, "handshake failed: the server reset the connection (TCP RST)"))
      << logs;
  // A transport failure carries no alert name (it used to read "internal_error: recv: ...").
  for (const char* alert : {"received alert", "internal_error", "handshake_failure"}) {
    EXPECT_FALSE(contains(client.err, alert)) << alert << "\n" << logs;
  }
}

TEST_F(ClientCli, ARealAlertIsNamedAsReceived) {
  ScriptedServer server([](int fd, ScriptedServer& self) {
    if (read_client_hello(fd, self)) {
      // A plaintext fatal handshake_failure alert (RFC 8446 section 6).
      const uint8_t alert[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};
      self.note(::send(fd, alert, sizeof(alert), MSG_NOSIGNAL) == sizeof(alert)
                    ? "sent handshake_failure"
                    : "cannot send the alert");
    }
    ::close(fd);
  });
  CliRun client =
      run_cli({"client", server.target(), "--cafile", ca(), "--servername", "other.test"});
  server.wait();
  std::string logs = client.log + server.log();
  EXPECT_TRUE(contains(server.log(), "sent handshake_failure")) << logs;
  EXPECT_EQ(client.status, 1) << logs;
  EXPECT_TRUE(contains(client.err, "handshake failed: received alert handshake_failure")) << logs;
}

TEST_F(ClientCli, CleanCloseBothWays) {
  ScriptedServer server(echo_server);
  CliRun client = run_cli(
      {"client", server.target(), "--cafile", ca(), "--servername", "other.test"}, "echo me\n");
  server.wait();
  std::string logs = client.log + server.log();
  EXPECT_EQ(client.status, 0) << logs;
  EXPECT_EQ(client.out, "echo me\n") << logs;
  EXPECT_TRUE(contains(client.err, "closed cleanly (close_notify both ways)")) << logs;
  // The name was checked, and the summary says which.
  EXPECT_TRUE(contains(client.err, "certificate matches the name other.test")) << logs;
  EXPECT_TRUE(contains(client.err, "  server name: other.test\n")) << logs;
  EXPECT_TRUE(contains(server.log(), "SNI \"other.test\"")) << logs;
}

// ---------------------------------------------------------------------------------------------
// The server name check is never dropped silently.

TEST_F(ClientCli, EmptyServerNameIsRefusedWhenTheChainIsValidated) {
  Listener listener;
  ASSERT_NE(listener.port(), 0);
  CliRun client = run_cli({"client", listener.target(), "--cafile", ca(), "--servername", ""});
  EXPECT_EQ(client.status, 2) << client.log;
  EXPECT_TRUE(contains(client.err, "empty --servername")) << client.log;
  EXPECT_TRUE(contains(client.err, "--dangerous-skip-name-check")) << client.log;
  EXPECT_FALSE(contains(client.err, "chain validated")) << client.log;
  // Refused before touching the network.
  EXPECT_FALSE(listener.pending()) << client.log;
}

TEST_F(ClientCli, WrongNameFailsTheHandshake) {
  for (const std::vector<std::string>& name :
       {std::vector<std::string>{"--servername", "localhost"}, std::vector<std::string>{}}) {
    ScriptedServer server(echo_server);
    std::vector<std::string> args = {"client", server.target(), "--cafile", ca()};
    args.insert(args.end(), name.begin(), name.end());
    CliRun client = run_cli(args, "data\n");
    server.wait();
    std::string logs = client.log + server.log();
    EXPECT_EQ(client.status, 1) << logs;
    EXPECT_TRUE(contains(client.err, "handshake failed")) << logs;
    EXPECT_FALSE(contains(client.err, "chain validated")) << logs;
    EXPECT_EQ(client.out, "") << logs;
  }
}

TEST_F(ClientCli, SkippingTheNameCheckIsAskedForAndSaidSo) {
  // An empty name sends no SNI; the IP target sends none either and is not matched.
  for (const std::vector<std::string>& name :
       {std::vector<std::string>{"--servername", ""}, std::vector<std::string>{}}) {
    ScriptedServer server(echo_server);
    std::vector<std::string> args = {"client", server.target(), "--cafile", ca(),
                                     "--dangerous-skip-name-check"};
    args.insert(args.end(), name.begin(), name.end());
    CliRun client = run_cli(args, "unchecked\n");
    server.wait();
    std::string logs = client.log + server.log();
    EXPECT_EQ(client.status, 0) << logs;
    EXPECT_EQ(client.out, "unchecked\n") << logs;
    EXPECT_TRUE(contains(client.err, "verification: chain validated against " + ca())) << logs;
    EXPECT_TRUE(contains(client.err,
                         "the server's name was NOT checked "
                         "(--dangerous-skip-name-check)"))
        << logs;
    EXPECT_FALSE(contains(client.err, "certificate matches")) << logs;
    EXPECT_TRUE(contains(client.err, "SNI: none sent")) << logs;
    EXPECT_FALSE(contains(client.err, "server name:")) << logs;
    EXPECT_TRUE(contains(server.log(), "SNI \"\"")) << logs;
  }
}

TEST_F(ClientCli, SkippingTheNameCheckNeedsChainValidation) {
  CliRun client = run_cli({"client", "127.0.0.1:9", "--insecure", "--dangerous-skip-name-check"});
  EXPECT_EQ(client.status, 2) << client.log;
  EXPECT_TRUE(contains(client.err, "--dangerous-skip-name-check goes with chain validation"))
      << client.log;
}

TEST_F(ClientCli, IpTargetPrintsNoServerName) {
  ScriptedServer server(echo_server);
  std::string pin = to_hex(
      crypto::openssl_provider().sha256->digest(credentials().pki.leaf_key->public_key_spki()));
  CliRun client = run_cli({"client", server.target(), "--pin-sha256", pin}, "pinned\n");
  server.wait();
  std::string logs = client.log + server.log();
  EXPECT_EQ(client.status, 0) << logs;
  EXPECT_FALSE(contains(client.err, "server name:")) << logs;
  EXPECT_TRUE(contains(client.err, "SNI: none sent (127.0.0.1 is an IP address)")) << logs;
  EXPECT_TRUE(contains(server.log(), "SNI \"\"")) << logs;
}

// ---------------------------------------------------------------------------------------------
// Connecting: refused, timed out, and the flag that bounds it.

TEST_F(ClientCli, RefusedConnectionFailsFastAndSaysSo) {
  Listener bound_only(false);  // bound, not listening: the kernel refuses connections
  ASSERT_NE(bound_only.port(), 0);
  CliRun client = run_cli({"client", bound_only.target(), "--insecure"});
  EXPECT_EQ(client.status, 1) << client.log;
  EXPECT_TRUE(contains(client.err, "cannot connect to 127.0.0.1 port " +
                                       std::to_string(bound_only.port()) + ": Connection refused"))
      << client.log;
  EXPECT_LT(client.elapsed.count(), 5000) << client.log;
}

TEST_F(ClientCli, ConnectTimeoutBoundsTheTcpConnection) {
  // A listener whose accept queue is full drops further SYNs: connect() gets no answer.
  Listener full(true, 0);
  ASSERT_NE(full.port(), 0);
  std::vector<int> fillers;
  for (int i = 0; i < 4; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(full.port());
    (void)::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    fillers.push_back(fd);
  }
  std::this_thread::sleep_for(milliseconds(200));
  CliRun client = run_cli({"client", full.target(), "--insecure", "--connect-timeout", "0.5"});
  for (int fd : fillers) {
    ::close(fd);
  }
  EXPECT_EQ(client.status, 1) << client.log;
  EXPECT_TRUE(contains(client.err, "cannot connect to 127.0.0.1 port " +
                                       std::to_string(full.port()) + ": no answer within 0.5 s"))
      << client.log;
  EXPECT_GE(client.elapsed.count(), 400) << client.log;
  EXPECT_LT(client.elapsed.count(), 5000) << client.log;
}

TEST_F(ClientCli, ConnectTimeoutBoundsTheHandshake) {
  // The server accepts and reads, but never answers.
  ScriptedServer server([](int fd, ScriptedServer& self) {
    uint8_t buf[4096];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof(buf), 0)) > 0) {
    }
    self.note(n == 0 ? "client closed" : "read timed out");
    ::close(fd);
  });
  CliRun client = run_cli({"client", server.target(), "--insecure", "--connect-timeout", "0.5"});
  server.wait();
  std::string logs = client.log + server.log();
  EXPECT_EQ(client.status, 1) << logs;
  EXPECT_TRUE(contains(client.err,
                       "handshake timed out: the server did not complete the TLS "
                       "handshake within 0.5 s"))
      << logs;
  EXPECT_LT(client.elapsed.count(), 5000) << logs;
  EXPECT_TRUE(contains(server.log(), "client closed")) << logs;
}

TEST_F(ClientCli, ConnectTimeoutMustBeAPositiveNumber) {
  for (const char* bad : {"0", "-1", "abc", "", "nan", "inf", "1e9", "5s"}) {
    CliRun client = run_cli({"client", "127.0.0.1:9", "--insecure", "--connect-timeout", bad});
    EXPECT_EQ(client.status, 2) << bad << "\n" << client.log;
    EXPECT_TRUE(contains(client.err, "--connect-timeout needs a number of seconds")) << bad << "\n"
                                                                                     << client.log;
  }
}

// ---------------------------------------------------------------------------------------------
// The command line: ports, unknown options, --version.

TEST_F(ClientCli, PortsOutsideTheRangeAreRefused) {
  for (const char* target : {"127.0.0.1:99999", "127.0.0.1:0", "127.0.0.1:https", "127.0.0.1:-1",
                             "[::1]:70000", "127.0.0.1:"}) {
    CliRun client = run_cli({"client", target, "--insecure"});
    EXPECT_EQ(client.status, 2) << target << "\n" << client.log;
    EXPECT_TRUE(contains(client.err, "invalid port")) << target << "\n" << client.log;
    EXPECT_FALSE(contains(client.err, "cannot connect")) << target << "\n" << client.log;
  }
  CliRun load = run_cli({"load", "127.0.0.1:99999", "-n", "1", "--insecure"});
  EXPECT_EQ(load.status, 2) << load.log;
}

TEST_F(ClientCli, ServerPortOutsideTheRangeIsRefused) {
  const Credentials& c = credentials();
  for (const char* port : {"99999", "65536", "http", "-5"}) {
    CliRun server =
        run_cli({"server", "--cert", c.chain_pem, "--key", c.key_pem, "--port", port, "--once"});
    EXPECT_NE(server.status, 0) << port << "\n" << server.log;
    EXPECT_NE(server.status, -1) << port << "\n" << server.log;
    EXPECT_TRUE(contains(server.err, std::string("invalid port \"") + port + "\"")) << server.log;
    EXPECT_FALSE(contains(server.err, "listening on")) << server.log;
  }
}

TEST_F(ClientCli, UnknownOptionNamesTheClosestOne) {
  CliRun typo = run_cli({"client", "127.0.0.1:9", "--servernme", "x"});
  EXPECT_EQ(typo.status, 2) << typo.log;
  EXPECT_TRUE(contains(typo.err, "unknown option --servernme; did you mean --servername?"))
      << typo.log;
  EXPECT_TRUE(contains(typo.err, "Run `glasstls client --help` for the options.")) << typo.log;
  // The hint, not the whole help text.
  EXPECT_FALSE(contains(typo.err, "usage:")) << typo.log;
  EXPECT_FALSE(contains(typo.err, "--ciphersuites")) << typo.log;

  CliRun prefix = run_cli({"client", "127.0.0.1:9", "--connect", "3"});
  EXPECT_TRUE(contains(prefix.err, "did you mean --connect-timeout?")) << prefix.log;
  CliRun single_dash = run_cli({"client", "-insecure", "127.0.0.1:9"});
  EXPECT_TRUE(contains(single_dash.err, "did you mean --insecure?")) << single_dash.log;

  CliRun far = run_cli({"client", "127.0.0.1:9", "--frobnicate"});
  EXPECT_EQ(far.status, 2) << far.log;
  EXPECT_TRUE(contains(far.err, "unknown option --frobnicate\n")) << far.log;
  EXPECT_FALSE(contains(far.err, "did you mean")) << far.log;

  CliRun verify = run_cli({"verify", "--cafle", "x.pem", "chain.pem"});
  EXPECT_EQ(verify.status, 2) << verify.log;
  EXPECT_TRUE(contains(verify.err, "unknown option --cafle; did you mean --cafile?")) << verify.log;
  EXPECT_FALSE(contains(verify.err, "usage:")) << verify.log;
  CliRun demo = run_cli({"demo", "--key_type", "rsa"});
  EXPECT_EQ(demo.status, 2) << demo.log;
  EXPECT_TRUE(contains(demo.err, "did you mean --key-type?")) << demo.log;
  CliRun explain = run_cli({"explain", "--jsn", "x"});
  EXPECT_EQ(explain.status, 2) << explain.log;
  EXPECT_TRUE(contains(explain.err, "did you mean --json?")) << explain.log;

  CliRun command = run_cli({"clinet", "127.0.0.1:9"});
  EXPECT_EQ(command.status, 2) << command.log;
  EXPECT_TRUE(contains(command.err, "unknown command clinet; did you mean client?")) << command.log;
}

TEST_F(ClientCli, VersionNamesGlasstlsAndLibcrypto) {
  for (const char* flag : {"--version", "version"}) {
    CliRun v = run_cli({flag});
    EXPECT_EQ(v.status, 0) << v.log;
    EXPECT_TRUE(std::regex_search(v.out, std::regex("^glasstls [0-9]+\\.[0-9]+\\.[0-9]+\n")))
        << v.log;
    EXPECT_TRUE(std::regex_search(v.out, std::regex("\nlibcrypto: OpenSSL [0-9]+\\.[0-9]+")))
        << v.log;
    const bool sodium = crypto::sodium_x25519() != nullptr;
    EXPECT_TRUE(contains(v.out, sodium ? "\nx25519: libsodium\n" : "\nx25519: libcrypto\n"))
        << v.log;
    EXPECT_TRUE(contains(v.out, sodium ? "\ned25519: libsodium\n" : "\ned25519: libcrypto\n"))
        << v.log;
  }
  // GLASSTLS_X25519=openssl and GLASSTLS_ED25519=openssl choose OpenSSL's at run time, each on
  // its own.
  for (const char* variable : {"GLASSTLS_X25519", "GLASSTLS_ED25519"}) {
    ASSERT_EQ(::setenv(variable, "openssl", 1), 0);
    CliRun v = run_cli({"version"});
    ::unsetenv(variable);
    EXPECT_EQ(v.status, 0) << v.log;
    const bool x25519 = std::string(variable) == "GLASSTLS_X25519";
    const bool sodium = crypto::sodium_x25519() != nullptr;
    EXPECT_TRUE(
        contains(v.out, x25519 || !sodium ? "\nx25519: libcrypto\n" : "\nx25519: libsodium\n"))
        << variable << v.log;
    EXPECT_TRUE(
        contains(v.out, !x25519 || !sodium ? "\ned25519: libcrypto\n" : "\ned25519: libsodium\n"))
        << variable << v.log;
  }
}

}  // namespace
}  // namespace glasstls
