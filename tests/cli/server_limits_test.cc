// server_limits_test.cc: `glasstls server` (tools/glasstls/server.cc) against clients that
// connect and stall: the handshake timeout, the idle timeout, --max-connections and a lowered
// descriptor limit under a slowloris of several hundred connections; and what --www agrees to
// (ALPN), what the server reports about itself, and that peer strings reach its log escaped.
//
// The server runs as a child process (tests/interop/process.h: every wait is bounded and the
// child is killed and reaped when its test ends); the clients are library Connections over
// sockets in this process, with receive and send timeouts so no test can hang. A small PKI (a
// CA, a P-256 leaf for localhost and an RSA leaf for rsa.test) is made with the openssl command
// line; the tests skip when openssl is missing.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "glasstls/config.h"
#include "glasstls/connection.h"
#include "glasstls/socket.h"
#include "glasstls/x509.h"
#include "interop/process.h"
#include "x509/corpus.h"

#ifndef GLASSTLS_CLI
#error "GLASSTLS_CLI must name the glasstls executable"
#endif

namespace glasstls::clitest {
namespace {

using interop::Child;
using interop::Clock;
using interop::milliseconds;

constexpr milliseconds kStartTimeout{10000};
constexpr milliseconds kStopTimeout{10000};
// kClientTimeout bounds every blocking receive and send of a test client.
constexpr milliseconds kClientTimeout{10000};
// kSlowlorisConnections is the size of the slowloris; kRealClientBound is how long a real
// client may take to get a handshake and an echo through it.
constexpr int kSlowlorisConnections = 400;
constexpr milliseconds kRealClientBound{5000};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void set_timeouts(int fd, milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

// tcp_connect opens a blocking TCP connection to 127.0.0.1:port (-1 on failure).
int tcp_connect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return -1;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  set_timeouts(fd, kClientTimeout);
  return fd;
}

// wait_closed waits up to `timeout` for the peer to close `fd` (EOF or reset), reading and
// dropping whatever arrives first (an alert). Returns the seconds it took, or nullopt.
std::optional<double> wait_closed(int fd, milliseconds timeout) {
  auto start = Clock::now();
  auto deadline = start + timeout;
  uint8_t buf[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      return std::nullopt;
    }
    pollfd p{};
    p.fd = fd;
    p.events = POLLIN;
    int r = ::poll(&p, 1, static_cast<int>(left));
    if (r < 0 && errno != EINTR) {
      return std::nullopt;
    }
    if (r <= 0) {
      continue;
    }
    ssize_t n = ::recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      return seconds_since(start);
    }
  }
}

// Fd closes a descriptor when it goes out of scope.
struct Fd {
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) {
      ::close(fd);
    }
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int fd;
};

// TlsClient is a library client over a socket to the server under test.
struct TlsClient {
  ~TlsClient() {
    if (fd >= 0) {
      ::close(fd);
    }
  }
  int fd = -1;
  std::unique_ptr<SocketStream> stream;
  // error says why connecting or the handshake failed (empty when established).
  std::string error;
  // alert is the handshake error's alert, when there was one.
  std::optional<AlertDescription> alert;

  bool established() const { return error.empty(); }
  Connection& conn() { return stream->connection(); }

  // echo sends `text` and reads until as many bytes came back; false on any failure.
  bool echo(const std::string& text, std::string& why) {
    Status w = stream->write_all(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
    if (!w.ok()) {
      why = "write: " + w.error().to_string();
      return false;
    }
    std::string got;
    uint8_t buf[4096];
    while (got.size() < text.size()) {
      Result<size_t> n = stream->read(buf);
      if (!n.ok()) {
        why = "read: " + n.error().to_string();
        return false;
      }
      if (*n == 0) {
        why = "close_notify before the echo";
        return false;
      }
      got.append(reinterpret_cast<const char*>(buf), *n);
    }
    if (got != text) {
      why = "echo differs";
      return false;
    }
    return true;
  }

  // request sends `text` and reads everything until the server's close_notify.
  bool request(const std::string& text, std::string& response, std::string& why) {
    Status w = stream->write_all(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
    if (!w.ok()) {
      why = "write: " + w.error().to_string();
      return false;
    }
    uint8_t buf[4096];
    for (;;) {
      Result<size_t> n = stream->read(buf);
      if (!n.ok()) {
        why = "read: " + n.error().to_string();
        return false;
      }
      if (*n == 0) {
        Status closed = stream->close();
        if (!closed.ok()) {
          why = "close: " + closed.error().to_string();
          return false;
        }
        return true;
      }
      response.append(reinterpret_cast<const char*>(buf), *n);
    }
  }
};

class ServerLimits : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    pki_ = x509test::Pki::create(error).release();
    if (pki_ == nullptr) {
      error_ = error;
      return;
    }
    x509test::Pki& p = *pki_;
    std::string leaf_ext = x509test::kServerLeafExt;
    bool ok =
        p.key("ca", x509test::KeyKind::kP256) && p.key("leaf", x509test::KeyKind::kP256) &&
        p.key("rsa", x509test::KeyKind::kRsa2048) &&
        p.issue({"ca", "", "ca", "/CN=Server Limits CA", x509test::kRootExt}) &&
        p.issue({"leaf", "ca", "leaf", "/CN=localhost",
                 leaf_ext + "subjectAltName = DNS:localhost\n"}) &&
        p.issue({"rsa", "ca", "rsa", "/CN=rsa.test", leaf_ext + "subjectAltName = DNS:rsa.test\n"});
    if (!ok) {
      error_ = p.error();
      return;
    }
    chain_ = p.bundle("leaf_chain.pem", {"leaf", "ca"});
    rsa_chain_ = p.bundle("rsa_chain.pem", {"rsa", "ca"});
    Result<std::shared_ptr<const TrustStore>> roots = TrustStore::from_file(p.cert_path("ca"));
    if (!roots.ok()) {
      error_ = "cannot load the test CA: " + roots.error().to_string();
      return;
    }
    roots_ = new std::shared_ptr<const TrustStore>(*roots);
  }
  static void TearDownTestSuite() {
    delete roots_;
    roots_ = nullptr;
    delete pki_;
    pki_ = nullptr;
  }

  void SetUp() override {
    if (pki_ == nullptr && error_ == "openssl not found") {
      GTEST_SKIP() << error_;
    }
    ASSERT_TRUE(error_.empty()) << error_;
    // A slowloris needs several hundred descriptors in this process too.
    rlimit lim{};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &lim), 0);
    if (lim.rlim_cur < 1024 && lim.rlim_cur < lim.rlim_max) {
      lim.rlim_cur = std::min<rlim_t>(lim.rlim_max, 1024);
      ::setrlimit(RLIMIT_NOFILE, &lim);
    }
  }

  // start runs `glasstls server` on a free port with the localhost chain and `args`, under an
  // open file limit of `nofile` descriptors (soft and hard) when it is not zero, and waits for
  // it to listen. Sets port_; null (with a failure recorded) when it does not start.
  std::unique_ptr<Child> start(const std::vector<std::string>& args, int nofile = 0) {
    std::vector<std::string> argv;
    if (nofile > 0) {
      // The limit is set in the child before exec: `ulimit -n` sets the soft and hard limits,
      // so the server cannot raise it again.
      argv = {"/bin/sh", "-c", "ulimit -n " + std::to_string(nofile) + " && exec \"$0\" \"$@\""};
    }
    for (const std::string& a :
         {std::string(GLASSTLS_CLI), std::string("server"), std::string("--port"), std::string("0"),
          std::string("--cert"), chain_, std::string("--key"), pki_->key_path("leaf")}) {
      argv.push_back(a);
    }
    for (const std::string& a : args) {
      argv.push_back(a);
    }
    std::unique_ptr<Child> server =
        Child::spawn(argv, pki_->dir(), "server" + std::to_string(pki_->next_id()));
    if (server == nullptr) {
      ADD_FAILURE() << "cannot start the server";
      return nullptr;
    }
    if (!server->wait_for_err("listening on", kStartTimeout)) {
      ADD_FAILURE() << "the server did not start listening\n" << server->log();
      return nullptr;
    }
    std::smatch m;
    std::string err = server->err();
    static const std::regex kListening("listening on [^\\s]*:([0-9]+)");
    if (!std::regex_search(err, m, kListening)) {
      ADD_FAILURE() << "no port in\n" << server->log();
      return nullptr;
    }
    port_ = std::stoi(m[1].str());
    return server;
  }

  // connect_tls connects a library client trusting the test CA, offering `alpn`, to
  // `server_name`, and runs the handshake.
  std::unique_ptr<TlsClient> connect_tls(const std::vector<std::string>& alpn = {},
                                         const std::string& server_name = "localhost") {
    auto client = std::make_unique<TlsClient>();
    ClientConfig::Builder builder;
    builder.verifier(webpki_verifier(*roots_, CertificatePurpose::kServerAuth));
    if (!alpn.empty()) {
      builder.alpn(alpn);
    }
    Result<std::shared_ptr<const ClientConfig>> config = builder.build();
    if (!config.ok()) {
      client->error = "config: " + config.error().to_string();
      return client;
    }
    Result<Connection> conn = Connection::client(*config, server_name);
    if (!conn.ok()) {
      client->error = "client: " + conn.error().to_string();
      return client;
    }
    client->fd = tcp_connect(port_);
    if (client->fd < 0) {
      client->error = std::string("connect: ") + std::strerror(errno);
      return client;
    }
    client->stream = std::make_unique<SocketStream>(client->fd, std::move(*conn));
    Status hs = client->stream->handshake();
    if (!hs.ok()) {
      client->error = "handshake: " + hs.error().to_string();
      client->alert = hs.error().alert;
    }
    return client;
  }

  // client_hello is the first flight of a library client: what a slowloris dribbles.
  static Bytes client_hello() {
    ClientConfig::Builder builder;
    builder.dangerous_accept_any_server_certificate();
    Result<std::shared_ptr<const ClientConfig>> config = builder.build();
    EXPECT_TRUE(config.ok());
    Result<Connection> conn = Connection::client(*config, "localhost");
    EXPECT_TRUE(conn.ok());
    std::span<const uint8_t> out = conn->output();
    return Bytes(out.begin(), out.end());
  }

  // stop sends SIGTERM to a concurrent server and returns its statistics line.
  static std::string stop(Child& server) {
    EXPECT_EQ(::kill(server.pid(), SIGTERM), 0);
    std::optional<int> status = server.wait_exit(kStopTimeout);
    EXPECT_TRUE(status.has_value()) << server.log();
    EXPECT_EQ(status.value_or(-1), 0) << server.log();
    std::string err = server.err();
    size_t at = err.find("stats: ");
    return at == std::string::npos ? std::string() : err.substr(at);
  }

  // stat reads `name=N` from a statistics line (-1 if missing).
  static long long stat(const std::string& stats, const std::string& name) {
    std::smatch m;
    std::regex re("\\b" + name + "=([0-9]+)");
    return std::regex_search(stats, m, re) ? std::stoll(m[1].str()) : -1;
  }

  // expect_real_client_served connects, handshakes and echoes one message, and expects it all
  // within kRealClientBound.
  void expect_real_client_served(const std::string& what, Child& server) {
    auto start = Clock::now();
    std::unique_ptr<TlsClient> client = connect_tls();
    ASSERT_TRUE(client->established()) << what << ": " << client->error << "\n" << server.log();
    std::string why;
    ASSERT_TRUE(client->echo("a real client", why)) << what << ": " << why << "\n" << server.log();
    double took = seconds_since(start);
    EXPECT_LT(took, std::chrono::duration<double>(kRealClientBound).count())
        << what << ": the real client took " << took << " s\n"
        << server.log();
  }

  // expect_idle_timeout keeps an echo going for 3.5 s against a server with a 1.5 s idle
  // timeout (a round trip every 250 ms), then goes quiet and expects the server's close_notify
  // about 1.5 s after the last byte, and the transport closed after it.
  void expect_idle_timeout(Child& server) {
    std::unique_ptr<TlsClient> client = connect_tls();
    ASSERT_TRUE(client->established()) << client->error << "\n" << server.log();
    std::string why;
    std::string chunk(1024, 'e');
    auto busy_until = Clock::now() + milliseconds(3500);
    int round_trips = 0;
    while (Clock::now() < busy_until) {
      ASSERT_TRUE(client->echo(chunk, why)) << "round trip " << round_trips << ": " << why << "\n"
                                            << server.log();
      ++round_trips;
      std::this_thread::sleep_for(milliseconds(250));
    }
    EXPECT_GE(round_trips, 10);
    auto idle_since = Clock::now();
    uint8_t buf[64];
    Result<size_t> n = client->stream->read(buf);
    double idle = seconds_since(idle_since);
    ASSERT_TRUE(n.ok()) << n.error().to_string() << "\n" << server.log();
    EXPECT_EQ(*n, 0u) << "expected close_notify";
    // The last echo left the server up to 250 ms before idle_since.
    EXPECT_GE(idle, 1.1) << server.log();
    EXPECT_LT(idle, 4.0) << server.log();
    EXPECT_TRUE(wait_closed(client->fd, milliseconds(3000)).has_value()) << server.log();
  }

  static x509test::Pki* pki_;
  static std::string error_;
  static std::string chain_;
  static std::string rsa_chain_;
  static std::shared_ptr<const TrustStore>* roots_;
  int port_ = 0;
};

x509test::Pki* ServerLimits::pki_ = nullptr;
std::string ServerLimits::error_;
std::string ServerLimits::chain_;
std::string ServerLimits::rsa_chain_;
std::shared_ptr<const TrustStore>* ServerLimits::roots_ = nullptr;

// Slowloris holds `count` connections that never complete a handshake: the even ones send
// nothing, the odd ones dribble a ClientHello one byte every 20 ms and never send its last
// byte. The destructor stops the dribbling and closes them all.
class Slowloris {
 public:
  Slowloris(int port, int count, Bytes hello) : hello_(std::move(hello)) {
    for (int i = 0; i < count; ++i) {
      int fd = tcp_connect(port);
      if (fd < 0) {
        break;
      }
      fds_.push_back(fd);
    }
    sent_.assign(fds_.size(), 0);
    thread_ = std::thread([this] { dribble(); });
  }
  ~Slowloris() {
    stop_.store(true);
    thread_.join();
    for (int fd : fds_) {
      ::close(fd);
    }
  }
  Slowloris(const Slowloris&) = delete;
  Slowloris& operator=(const Slowloris&) = delete;

  size_t opened() const { return fds_.size(); }
  const std::vector<int>& fds() const { return fds_; }

 private:
  void dribble() {
    while (!stop_.load()) {
      for (size_t i = 1; i < fds_.size(); i += 2) {
        if (sent_[i] + 1 < hello_.size()) {
          ssize_t n = ::send(fds_[i], hello_.data() + sent_[i], 1, MSG_NOSIGNAL | MSG_DONTWAIT);
          if (n == 1) {
            ++sent_[i];
          } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            sent_[i] = hello_.size();  // closed by the server: stop dribbling on it
          }
        }
      }
      std::this_thread::sleep_for(milliseconds(20));
    }
  }

  Bytes hello_;
  std::vector<int> fds_;
  std::vector<size_t> sent_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// (a) A slowloris of 400 connections against --max-connections 50: the oldest stalled
// handshakes make room, and a real client gets a handshake and an echo through at once. The
// handshake timeout is long, so only the cap can let the client in.
TEST_F(ServerLimits, SlowlorisDoesNotKeepARealClientOutAtTheCap) {
  std::unique_ptr<Child> server =
      start({"--concurrent", "--echo", "--max-connections", "50", "--handshake-timeout", "60"});
  ASSERT_NE(server, nullptr);
  Slowloris slowloris(port_, kSlowlorisConnections, client_hello());
  ASSERT_EQ(slowloris.opened(), static_cast<size_t>(kSlowlorisConnections));
  expect_real_client_served("at --max-connections 50", *server);
  expect_real_client_served("again", *server);

  std::string stats = stop(*server);
  EXPECT_GE(stat(stats, "handshakes"), 2) << stats;
  EXPECT_LE(stat(stats, "peak_concurrent"), 50) << stats;
  // Every connection was accepted; all but the cap's worth were closed to make room.
  EXPECT_GE(stat(stats, "evicted"), kSlowlorisConnections - 50) << stats;
  EXPECT_EQ(stat(stats, "refused"), 0) << stats;
}

// (a) The same slowloris against a server that may open only 64 descriptors (soft and hard
// limit, set before exec) and is given no limit flags: the default cap leaves it room to
// accept, so the real client is not stuck in the accept queue behind the stalled ones. (The
// default handshake timeout, 10 s, is longer than the client's bound.)
TEST_F(ServerLimits, SlowlorisDoesNotKeepARealClientOutUnderALowDescriptorLimit) {
  std::unique_ptr<Child> server = start({"--concurrent", "--echo"}, /*nofile=*/64);
  ASSERT_NE(server, nullptr);
  Slowloris slowloris(port_, kSlowlorisConnections, client_hello());
  ASSERT_EQ(slowloris.opened(), static_cast<size_t>(kSlowlorisConnections));
  expect_real_client_served("under a 64-descriptor limit", *server);

  std::string err = server->err();
  EXPECT_NE(err.find("open file limit: 64"), std::string::npos) << server->log();
  std::smatch m;
  ASSERT_TRUE(std::regex_search(err, m, std::regex("at most ([0-9]+) connections")))
      << server->log();
  long long cap = std::stoll(m[1].str());
  EXPECT_GT(cap, 0);
  EXPECT_LT(cap, 64);
  std::string stats = stop(*server);
  EXPECT_LE(stat(stats, "peak_concurrent"), cap) << stats;
  EXPECT_GE(stat(stats, "evicted"), kSlowlorisConnections - cap) << stats;
}

// At the cap with every connection established, a new connection is closed at once (the
// established ones keep working), and a freed slot takes the next one.
TEST_F(ServerLimits, AtTheCapWithEveryHandshakeCompleteANewConnectionIsClosed) {
  std::unique_ptr<Child> server = start({"--concurrent", "--echo", "--max-connections", "3"});
  ASSERT_NE(server, nullptr);
  std::vector<std::unique_ptr<TlsClient>> held;
  std::string why;
  for (int i = 0; i < 3; ++i) {
    held.push_back(connect_tls());
    ASSERT_TRUE(held.back()->established()) << held.back()->error << "\n" << server->log();
    ASSERT_TRUE(held.back()->echo("held", why)) << why << "\n" << server->log();
  }
  auto start_time = Clock::now();
  std::unique_ptr<TlsClient> extra = connect_tls();
  EXPECT_FALSE(extra->established()) << server->log();
  EXPECT_LT(seconds_since(start_time), 3.0) << "the extra connection was not closed at once";
  for (auto& c : held) {
    EXPECT_TRUE(c->echo("still served", why)) << why << "\n" << server->log();
  }

  // One held connection leaves with close_notify: its slot takes the next client.
  ASSERT_TRUE(held[0]->stream->close().ok());
  uint8_t buf[16];
  Result<size_t> closed = held[0]->stream->read(buf);
  ASSERT_TRUE(closed.ok()) << closed.error().to_string();
  EXPECT_EQ(*closed, 0u);
  // The server's close_notify can arrive before the server gives the slot back; it gives it
  // back before it closes the socket, so the TCP end of stream says the slot is free.
  EXPECT_TRUE(wait_closed(held[0]->fd, milliseconds(5000)).has_value()) << server->log();
  std::unique_ptr<TlsClient> next = connect_tls();
  ASSERT_TRUE(next->established()) << next->error << "\n" << server->log();
  // The client is established once it sends its Finished; the echo makes sure the server has
  // read it (and counted the handshake) before it is stopped.
  EXPECT_TRUE(next->echo("next", why)) << why << "\n" << server->log();

  std::string stats = stop(*server);
  EXPECT_EQ(stat(stats, "refused"), 1) << stats;
  EXPECT_EQ(stat(stats, "handshakes"), 4) << stats;
}

// (b) A silent client is dropped when its handshake timeout passes, and the sequential server
// then serves the client that queued behind it.
TEST_F(ServerLimits, SequentialServerDropsASilentClientAndServesTheNext) {
  std::unique_ptr<Child> server =
      start({"--echo", "--handshake-timeout", "1", "--idle-timeout", "30"});
  ASSERT_NE(server, nullptr);
  Fd silent(tcp_connect(port_));
  ASSERT_GE(silent.fd, 0);
  auto connected = Clock::now();
  // The real client queues behind the silent one: its handshake waits until the server is free.
  std::unique_ptr<TlsClient> real;
  std::thread real_thread([&] { real = connect_tls(); });
  std::optional<double> closed = wait_closed(silent.fd, milliseconds(5000));
  real_thread.join();
  ASSERT_TRUE(closed.has_value()) << "the silent client was not dropped\n" << server->log();
  EXPECT_GE(*closed, 0.9) << server->log();
  EXPECT_LT(*closed, 3.0) << server->log();
  ASSERT_TRUE(real->established()) << real->error << "\n" << server->log();
  std::string why;
  EXPECT_TRUE(real->echo("next in line", why)) << why << "\n" << server->log();
  EXPECT_LT(seconds_since(connected), 5.0);
  EXPECT_TRUE(server->wait_for_err("(handshake timeout)", milliseconds(2000))) << server->log();
}

// (b) The concurrent server drops a silent client and one that keeps dribbling a ClientHello
// when the handshake timeout passes: bytes arriving do not extend the handshake deadline.
TEST_F(ServerLimits, ConcurrentServerDropsStalledHandshakesAtTheTimeout) {
  std::unique_ptr<Child> server =
      start({"--concurrent", "--echo", "--handshake-timeout", "1", "--idle-timeout", "30"});
  ASSERT_NE(server, nullptr);
  auto connected = Clock::now();
  Slowloris stalled(port_, 2, client_hello());  // one silent, one dribbling
  ASSERT_EQ(stalled.opened(), 2u);
  for (int fd : stalled.fds()) {
    std::optional<double> closed = wait_closed(fd, milliseconds(5000));
    ASSERT_TRUE(closed.has_value()) << "a stalled handshake was not dropped\n" << server->log();
    double at = seconds_since(connected);
    EXPECT_GE(at, 0.9) << server->log();
    EXPECT_LT(at, 3.0) << server->log();
  }
  expect_real_client_served("after the timeouts", *server);
  std::string stats = stop(*server);
  EXPECT_EQ(stat(stats, "handshake_timeouts"), 2) << stats;
}

// (c) The idle timeout closes an established connection on which nothing moved (with
// close_notify), but not one whose echo keeps data moving for longer than the timeout.
TEST_F(ServerLimits, SequentialServerClosesAnIdleConnection) {
  std::unique_ptr<Child> server = start({"--echo", "--idle-timeout", "1.5"});
  ASSERT_NE(server, nullptr);
  expect_idle_timeout(*server);
  if (HasFatalFailure()) {
    return;
  }
  // The server is free for the next client.
  std::unique_ptr<TlsClient> next = connect_tls();
  ASSERT_TRUE(next->established()) << next->error << "\n" << server->log();
  std::string why;
  EXPECT_TRUE(next->echo("next", why)) << why << "\n" << server->log();
  EXPECT_TRUE(server->wait_for_err("(idle timeout)", milliseconds(2000))) << server->log();
}

TEST_F(ServerLimits, ConcurrentServerClosesAnIdleConnection) {
  std::unique_ptr<Child> server = start({"--concurrent", "--echo", "--idle-timeout", "1.5"});
  ASSERT_NE(server, nullptr);
  expect_idle_timeout(*server);
  if (HasFatalFailure()) {
    return;
  }
  std::string stats = stop(*server);
  EXPECT_EQ(stat(stats, "idle_timeouts"), 1) << stats;
}

TEST_F(ServerLimits, LimitFlagsAreValidated) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--handshake-timeout", "soon"}, "--handshake-timeout needs a number of seconds"},
      {{"--handshake-timeout", "0"}, "--handshake-timeout needs a number of seconds"},
      {{"--handshake-timeout", "-1"}, "--handshake-timeout needs a number of seconds"},
      {{"--handshake-timeout", "3601"}, "--handshake-timeout needs a number of seconds"},
      {{"--idle-timeout", "inf"}, "--idle-timeout needs a number of seconds"},
      {{"--idle-timeout", "1x"}, "--idle-timeout needs a number of seconds"},
      {{"--concurrent", "--echo", "--max-connections", "0"}, "--max-connections needs a number"},
      {{"--concurrent", "--echo", "--max-connections", "-5"}, "--max-connections needs a number"},
      {{"--concurrent", "--echo", "--max-connections", "ten"}, "--max-connections needs a number"},
      {{"--echo", "--max-connections", "10"}, "--max-connections needs --concurrent"},
      {{"--concurrent", "--echo", "--max-connections", "100"}, "needs more descriptors"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> argv;
    if (c.message == "needs more descriptors") {
      argv = {"/bin/sh", "-c", "ulimit -n 64 && exec \"$0\" \"$@\""};
    }
    for (const std::string& a :
         {std::string(GLASSTLS_CLI), std::string("server"), std::string("--port"), std::string("0"),
          std::string("--cert"), chain_, std::string("--key"), pki_->key_path("leaf")}) {
      argv.push_back(a);
    }
    for (const std::string& a : c.args) {
      argv.push_back(a);
    }
    std::string output;
    int status = interop::run(argv, pki_->dir(), "flags" + std::to_string(pki_->next_id()),
                              milliseconds(10000), &output);
    EXPECT_EQ(status, 2) << argv.back() << ": " << output;
    EXPECT_NE(output.find(c.message), std::string::npos) << output;
  }
}

// --www speaks HTTP/1.1 and agrees to nothing else.
TEST_F(ServerLimits, WwwNegotiatesHttp11Only) {
  std::unique_ptr<Child> server = start({"--www"});
  ASSERT_NE(server, nullptr);

  std::unique_ptr<TlsClient> h2_only = connect_tls({"h2"});
  EXPECT_FALSE(h2_only->established());
  ASSERT_TRUE(h2_only->alert.has_value()) << h2_only->error;
  EXPECT_EQ(*h2_only->alert, AlertDescription::no_application_protocol) << h2_only->error;

  const std::string get = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
  std::string why;
  for (const auto& offer :
       {std::vector<std::string>{"h2", "http/1.1"}, std::vector<std::string>{}}) {
    std::unique_ptr<TlsClient> client = connect_tls(offer);
    ASSERT_TRUE(client->established()) << client->error << "\n" << server->log();
    if (offer.empty()) {
      EXPECT_FALSE(client->conn().alpn().has_value());
    } else {
      EXPECT_EQ(client->conn().alpn().value_or("(none)"), "http/1.1");
    }
    std::string response;
    ASSERT_TRUE(client->request(get, response, why)) << why << "\n" << server->log();
    EXPECT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << response;
    EXPECT_NE(response.find(offer.empty() ? "<li>ALPN: (none)</li>" : "<li>ALPN: http/1.1</li>"),
              std::string::npos)
        << response;
  }
}

TEST_F(ServerLimits, WwwRefusesOtherAlpnProtocols) {
  for (const char* alpn : {"h2", "h2,http/1.1", "http/1.1:spdy/3"}) {
    std::string output;
    int status = interop::run({GLASSTLS_CLI, "server", "--www", "--alpn", alpn, "--port", "0",
                               "--cert", chain_, "--key", pki_->key_path("leaf")},
                              pki_->dir(), "alpn" + std::to_string(pki_->next_id()),
                              milliseconds(10000), &output);
    EXPECT_EQ(status, 2) << alpn << ": " << output;
    EXPECT_NE(output.find("--www speaks HTTP/1.1 only"), std::string::npos) << output;
  }
  // http/1.1 alone is what --www speaks.
  std::unique_ptr<Child> server = start({"--www", "--alpn", "http/1.1"});
  ASSERT_NE(server, nullptr);
}

TEST_F(ServerLimits, WwwServesCurl) {
  std::string curl = interop::find_program("curl");
  if (curl.empty()) {
    GTEST_SKIP() << "curl is not installed";
  }
  std::unique_ptr<Child> server = start({"--www"});
  ASSERT_NE(server, nullptr);
  std::string output;
  int status = interop::run(
      {curl, "--silent", "--show-error", "--max-time", "10", "--noproxy", "*", "--cacert",
       pki_->cert_path("ca"), "https://localhost:" + std::to_string(port_) + "/"},
      pki_->dir(), "curl" + std::to_string(pki_->next_id()), milliseconds(20000), &output);
  EXPECT_EQ(status, 0) << output << "\n" << server->log();
  EXPECT_NE(output.find("<h1>glasstls</h1>"), std::string::npos) << output;
  EXPECT_NE(output.find("<li>ALPN: http/1.1</li>"), std::string::npos) << output;
}

// The server says which certificate SNI chose and which scheme it signed with.
TEST_F(ServerLimits, ReportsItsCertificateAndSignatureScheme) {
  std::unique_ptr<Child> server =
      start({"--echo", "--sni", "rsa.test:" + rsa_chain_ + ":" + pki_->key_path("rsa")});
  ASSERT_NE(server, nullptr);
  struct Case {
    std::string name;
    std::string certificate;
    std::string scheme;
  };
  for (const Case& c :
       {Case{"localhost", "subject CN=localhost (chain of 2)", "ecdsa_secp256r1_sha256"},
        Case{"rsa.test", "subject CN=rsa.test (chain of 2)", "rsa_pss_rsae_sha256"}}) {
    std::unique_ptr<TlsClient> client = connect_tls({}, c.name);
    ASSERT_TRUE(client->established()) << client->error << "\n" << server->log();
    ASSERT_TRUE(client->stream->close().ok());
    std::string block;
    ASSERT_TRUE(server->wait_for(
        [&](const std::string&, const std::string& err) {
          size_t at = err.find("server name: " + c.name + "\n");
          if (at == std::string::npos) {
            return false;
          }
          size_t from = err.rfind("connection from", at);
          block = err.substr(from, at - from);
          return true;
        },
        milliseconds(5000)))
        << server->log();
    EXPECT_NE(block.find("  certificate: " + c.certificate + "\n"), std::string::npos) << block;
    EXPECT_NE(block.find("  signature scheme: " + c.scheme + "\n"), std::string::npos) << block;
  }
}

// Strings from the client reach the server's log escaped: an ALPN protocol and an HTTP
// request line carrying ESC [ 2 J (clear screen), with --trace printing the whole ClientHello.
TEST_F(ServerLimits, PeerStringsReachTheLogEscaped) {
  std::unique_ptr<Child> server = start({"--www", "--trace"});
  ASSERT_NE(server, nullptr);
  const std::string clear = "\x1b[2J";

  std::unique_ptr<TlsClient> refused = connect_tls({clear});
  EXPECT_FALSE(refused->established());

  std::unique_ptr<TlsClient> client = connect_tls({clear, "http/1.1"});
  ASSERT_TRUE(client->established()) << client->error << "\n" << server->log();
  std::string response;
  std::string why;
  ASSERT_TRUE(
      client->request("GET /" + clear + " HTTP/1.1\r\nHost: localhost\r\n\r\n", response, why))
      << why;
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << response;
  ASSERT_TRUE(server->wait_for_err("closed cleanly", milliseconds(5000))) << server->log();

  std::string err = server->err();
  EXPECT_EQ(err.find('\x1b'), std::string::npos) << "a raw ESC reached the server's stderr";
  EXPECT_NE(err.find(": \"GET /\\x1b[2J HTTP/1.1\""), std::string::npos) << err;
}

}  // namespace
}  // namespace glasstls::clitest
