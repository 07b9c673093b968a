// session_file_cli_test.cc: `glasstls client --sess-out FILE` and `--sess-in FILE` (as openssl
// s_client's -sess_out and -sess_in) against `glasstls server --tickets 2` and `openssl
// s_server`; two `glasstls server --ticket-root FILE` processes resuming each other's sessions;
// the list form of --ticket-keys; `--session-store redis://...` with a Redis of the test's own.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "api/redis_server.h"
#include "interop/process.h"
#include "interop/session_interop.h"

#ifndef GLASSTLS_CLI
#error "GLASSTLS_CLI must name the glasstls executable"
#endif

namespace glasstls::interop {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kTimeout{30000};

// connect_loopback opens a TCP connection to 127.0.0.1:`port`; -1 on failure.
int connect_loopback(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Relay forwards one TCP connection from its own loopback port to `target`, and keeps what the
// client sent before the server's first byte came back: the client's first flight (ClientHello,
// change_cipher_spec, 0-RTT records), as an attacker on the path would capture it.
class Relay {
 public:
  explicit Relay(uint16_t target) : target_(target) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
        ::listen(listener_, 1) == 0 &&
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port_ = ntohs(addr.sin_port);
      thread_ = std::thread([this] { run(); });
    }
  }
  ~Relay() {
    ::shutdown(listener_, SHUT_RDWR);
    if (thread_.joinable()) {
      thread_.join();
    }
    ::close(listener_);
  }
  uint16_t port() const { return port_; }
  // first_flight is valid once the relayed connection has ended (after the client exits).
  std::string first_flight() {
    if (thread_.joinable()) {
      thread_.join();
    }
    return first_flight_;
  }

 private:
  void run() {
    const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) {
      return;
    }
    const int server = connect_loopback(target_);
    bool server_spoke = false;
    char buf[16384];
    pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
    while (server >= 0 && ::poll(fds, 2, 20000) > 0) {
      if (fds[0].revents != 0) {
        const ssize_t n = ::recv(client, buf, sizeof(buf), 0);
        if (n <= 0) {
          break;
        }
        if (!server_spoke) {
          first_flight_.append(buf, static_cast<size_t>(n));
        }
        (void)::send(server, buf, static_cast<size_t>(n), MSG_NOSIGNAL);
      }
      if (fds[1].revents != 0) {
        const ssize_t n = ::recv(server, buf, sizeof(buf), 0);
        if (n <= 0) {
          break;
        }
        server_spoke = true;
        (void)::send(client, buf, static_cast<size_t>(n), MSG_NOSIGNAL);
      }
    }
    ::close(client);
    if (server >= 0) {
      ::close(server);
    }
  }

  uint16_t target_;
  int listener_ = -1;
  uint16_t port_ = 0;
  std::string first_flight_;
  std::thread thread_;
};

// replay sends `flight` to 127.0.0.1:`port` as a new connection, waits a moment for the
// server's answer, and hangs up.
void replay(uint16_t port, const std::string& flight) {
  const int fd = connect_loopback(port);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::send(fd, flight.data(), flight.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(flight.size()));
  pollfd p{fd, POLLIN, 0};
  (void)::poll(&p, 1, 2000);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ::close(fd);
}

class SessionFileCli : public ::testing::Test {
 protected:
  void SetUp() override {
    openssl_ = find_program("openssl");
    if (openssl_.empty()) {
      GTEST_SKIP() << "openssl is not installed (it makes the test certificate)";
    }
    std::string out;
    ASSERT_EQ(
        run({openssl_, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-keyout", dir_.file("key.pem"), "-out", dir_.file("cert.pem"), "-subj",
             "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-days", "2"},
            dir_.path(), "req", kTimeout, &out),
        0)
        << out;
  }

  // start_server starts `glasstls server --echo` with `extra` options on a free port, and
  // returns it with the port in `port`.
  std::unique_ptr<Child> start_server(const std::vector<std::string>& extra, uint16_t& port) {
    port = free_port();
    std::vector<std::string> argv = {GLASSTLS_CLI, "server",
                                     "--cert",     dir_.file("cert.pem"),
                                     "--key",      dir_.file("key.pem"),
                                     "--port",     std::to_string(port),
                                     "--echo"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto server = Child::spawn(argv, dir_.path(), "server" + std::to_string(servers_++));
    EXPECT_TRUE(server && server->wait_for_err("listening on", kTimeout))
        << (server ? server->log() : "");
    return server;
  }

  // client runs `glasstls client localhost:PORT` with a line on stdin held open a moment (so
  // that the tickets arrive) and `extra` options; returns its exit status, output in `out`.
  int client(uint16_t port, const std::vector<std::string>& extra, std::string& out) {
    std::vector<std::string> argv = {
        "sh",
        "-c",
        "c=$1; p=$2; ca=$3; shift 3; (echo line; sleep 1) | \"$c\" client \"localhost:$p\" "
        "--cafile \"$ca\" \"$@\"",
        "sh",
        GLASSTLS_CLI,
        std::to_string(port),
        dir_.file("cert.pem")};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run(argv, dir_.path(), "client" + std::to_string(clients_++), kTimeout, &out);
  }

  // save_then_resume connects once with --sess-out, checks the file, then again with
  // --sess-in on `resume_port` (the same server by default), and expects it resumed.
  void save_then_resume(uint16_t port, uint16_t resume_port, const std::string& log) {
    const std::string sess = dir_.file("sess" + std::to_string(clients_) + ".pem");
    std::string out;
    ASSERT_EQ(client(port, {"--sess-out", sess}, out), 0) << out << log;
    EXPECT_NE(out.find("New, TLSv1.3"), std::string::npos) << out;
    EXPECT_NE(out.find("wrote the session to " + sess), std::string::npos) << out;
    struct stat st {};
    ASSERT_EQ(::stat(sess.c_str(), &st), 0) << "no session file";
    EXPECT_EQ(st.st_mode & 0777, 0600u) << "the session file holds a secret";
    std::string text = read_text(sess);
    EXPECT_EQ(text.rfind("-----BEGIN GLASSTLS SESSION-----\n", 0), 0u) << text;
    ASSERT_EQ(client(resume_port, {"--sess-in", sess}, out), 0) << out << log;
    EXPECT_NE(out.find("Reused, TLSv1.3"), std::string::npos) << out << log;
  }

  TempDir dir_;
  std::string openssl_;
  int servers_ = 0;
  int clients_ = 0;
};

TEST_F(SessionFileCli, SessOutThenSessInResumesOnOurServer) {
  uint16_t port = 0;
  auto server = start_server({"--tickets", "2"}, port);
  ASSERT_TRUE(server);
  save_then_resume(port, port, server->log());
  // An existing file is made private before it is written.
  const std::string loose = dir_.file("loose.pem");
  ASSERT_TRUE(write_text(loose, "old"));
  ASSERT_EQ(::chmod(loose.c_str(), 0644), 0);
  std::string out;
  ASSERT_EQ(client(port, {"--sess-out", loose}, out), 0) << out;
  struct stat st {};
  ASSERT_EQ(::stat(loose.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(read_text(loose).find("old"), std::string::npos);
}

TEST_F(SessionFileCli, SessOutThenSessInResumesOnOpensslServer) {
  const uint16_t port = free_port();
  auto server =
      Child::spawn({openssl_, "s_server", "-accept", std::to_string(port), "-cert",
                    dir_.file("cert.pem"), "-key", dir_.file("key.pem"), "-naccept", "2", "-rev"},
                   dir_.path(), "s_server");
  ASSERT_TRUE(server && server->wait_for_out("ACCEPT", kTimeout)) << server->log();
  save_then_resume(port, port, server->log());
}

TEST_F(SessionFileCli, WithoutATicketNothingIsWrittenAndABadFileIsRefused) {
  uint16_t port = 0;
  auto server = start_server({}, port);  // no --tickets: no ticket is sent
  ASSERT_TRUE(server);
  const std::string sess = dir_.file("none.pem");
  std::string out;
  EXPECT_EQ(client(port, {"--sess-out", sess}, out), 0) << out;
  EXPECT_NE(out.find("no session to write"), std::string::npos) << out;
  struct stat st {};
  EXPECT_NE(::stat(sess.c_str(), &st), 0) << "no file without a session";

  const std::string bad = dir_.file("bad.pem");
  ASSERT_TRUE(write_text(bad, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"));
  EXPECT_NE(client(port, {"--sess-in", bad}, out), 0) << out;
  EXPECT_NE(out.find("no GLASSTLS SESSION block"), std::string::npos) << out;
}

TEST_F(SessionFileCli, TwoServersWithOneTicketRootResumeEachOthersSessions) {
  const std::string root = dir_.file("ticket.root");
  ASSERT_EQ(run({openssl_, "rand", "-out", root, "32"}, dir_.path(), "rand", kTimeout), 0);
  uint16_t port_a = 0;
  uint16_t port_b = 0;
  auto a = start_server({"--ticket-root", root}, port_a);
  auto b = start_server({"--ticket-root", root}, port_b);
  ASSERT_TRUE(a && b);
  save_then_resume(port_a, port_b, a->log() + b->log());
  save_then_resume(port_b, port_a, a->log() + b->log());

  // A server with another root cannot open them: a full handshake.
  const std::string other_root = dir_.file("other.root");
  ASSERT_EQ(run({openssl_, "rand", "-out", other_root, "32"}, dir_.path(), "rand2", kTimeout), 0);
  uint16_t port_c = 0;
  auto c = start_server({"--ticket-root", other_root}, port_c);
  ASSERT_TRUE(c);
  const std::string sess = dir_.file("from_a.pem");
  std::string out;
  ASSERT_EQ(client(port_a, {"--sess-out", sess}, out), 0) << out;
  ASSERT_EQ(client(port_c, {"--sess-in", sess}, out), 0) << out;
  EXPECT_NE(out.find("New, TLSv1.3"), std::string::npos) << out;

  // A root under 32 bytes is refused at start.
  const std::string short_root = dir_.file("short.root");
  ASSERT_TRUE(write_text(short_root, "0123456789"));
  EXPECT_EQ(run({GLASSTLS_CLI, "server", "--cert", dir_.file("cert.pem"), "--key",
                 dir_.file("key.pem"), "--port", "0", "--ticket-root", short_root},
                dir_.path(), "short", kTimeout, &out),
            1)
      << out;
  EXPECT_NE(out.find("at least 32"), std::string::npos) << out;
}

TEST_F(SessionFileCli, TicketKeyListFormOpensAfterARestart) {
  std::string hex1;
  std::string hex2;
  ASSERT_EQ(run({openssl_, "rand", "-hex", "80"}, dir_.path(), "hex1", kTimeout, &hex1), 0);
  ASSERT_EQ(run({openssl_, "rand", "-hex", "80"}, dir_.path(), "hex2", kTimeout, &hex2), 0);
  const std::string list = dir_.file("keys.txt");
  ASSERT_TRUE(write_text(
      list, "# the first seals\n" + hex1 + "\n  " + hex2.substr(0, 160) + "  \n\n# end\n"));
  const std::string sess = dir_.file("sess.pem");
  std::string out;
  {
    uint16_t port = 0;
    auto server = start_server({"--ticket-keys", list}, port);
    ASSERT_TRUE(server);
    ASSERT_EQ(client(port, {"--sess-out", sess}, out), 0) << out;
    EXPECT_NE(out.find("New, TLSv1.3"), std::string::npos) << out;
  }
  // A new server process given the list with the sealing key second still opens the ticket.
  ASSERT_TRUE(write_text(list, hex2 + hex1));
  uint16_t port = 0;
  auto server = start_server({"--ticket-keys", list}, port);
  ASSERT_TRUE(server);
  ASSERT_EQ(client(port, {"--sess-in", sess}, out), 0) << out;
  EXPECT_NE(out.find("Reused, TLSv1.3"), std::string::npos) << out << server->log();

  // A line that is hex but not a whole key is refused, naming the line.
  ASSERT_TRUE(write_text(list, hex1 + "abcd\n"));
  EXPECT_EQ(run({GLASSTLS_CLI, "server", "--cert", dir_.file("cert.pem"), "--key",
                 dir_.file("key.pem"), "--port", "0", "--ticket-keys", list},
                dir_.path(), "badlist", kTimeout, &out),
            1)
      << out;
  EXPECT_NE(out.find("line 2: 4 hex digits"), std::string::npos) << out;
}

TEST_F(SessionFileCli, SessionStoreInRedis) {
  GLASSTLS_SKIP_WITHOUT_REDIS();
  std::string error;
  auto redis = testing::RedisServer::start(error);
  ASSERT_NE(redis, nullptr) << error;
  uint16_t port = 0;
  auto server = start_server({"--tickets", "2", "--session-store", redis->url()}, port);
  ASSERT_TRUE(server);
  save_then_resume(port, port, server->log());

  // A bad URL is a usage error.
  std::string out;
  EXPECT_EQ(run({GLASSTLS_CLI, "server", "--cert", dir_.file("cert.pem"), "--key",
                 dir_.file("key.pem"), "--port", "0", "--session-store", "http://x"},
                dir_.path(), "badurl", kTimeout, &out),
            2)
      << out;
  EXPECT_NE(out.find("redis://"), std::string::npos) << out;
}

// The fleet of the README: two server processes derive their ticket keys from one root and
// share a Redis for sessions and the 0-RTT anti-replay record. A session saved on one resumes
// on the other with its early data accepted; with single-use tickets, a ticket resumes once
// across both; with Redis stopped, the servers go on: self-contained tickets still resume but
// without 0-RTT, single-use ones give full handshakes.
TEST_F(SessionFileCli, FleetOfTwoServersWithRedisResumesAndRefusesReplays) {
  GLASSTLS_SKIP_WITHOUT_REDIS();
  std::string error;
  auto redis = testing::RedisServer::start(error);
  ASSERT_NE(redis, nullptr) << error;
  const std::string root = dir_.file("ticket.root");
  ASSERT_EQ(run({openssl_, "rand", "-out", root, "32"}, dir_.path(), "rand", kTimeout), 0);
  const std::string request = dir_.file("request");
  ASSERT_TRUE(write_text(request, "GET /fleet HTTP/1.0\n\n"));
  for (bool single_use : {false, true}) {
    SCOPED_TRACE(single_use ? "single-use tickets" : "self-contained tickets");
    std::vector<std::string> options = {"--ticket-root", root,           "--session-store",
                                        redis->url(),    "--early-data", "4096"};
    if (single_use) {
      options.push_back("--single-use-tickets");
    }
    uint16_t port_a = 0;
    uint16_t port_b = 0;
    auto a = start_server(options, port_a);
    auto b = start_server(options, port_b);
    ASSERT_TRUE(a && b);
    const std::string sess = dir_.file(single_use ? "single.pem" : "sealed.pem");
    std::string out;
    ASSERT_EQ(client(port_a, {"--sess-out", sess}, out), 0) << out;
    EXPECT_NE(out.find("New, TLSv1.3"), std::string::npos) << out;
    ASSERT_EQ(client(port_b, {"--sess-in", sess, "--early-data", request}, out), 0) << out;
    EXPECT_NE(out.find("Reused, TLSv1.3"), std::string::npos) << out << b->log();
    EXPECT_NE(out.find("sent as 0-RTT data, accepted"), std::string::npos) << out << b->log();
    EXPECT_NE(out.find("GET /fleet"), std::string::npos) << "the early data, echoed: " << out;
    // The same session file again, on the first server.
    ASSERT_EQ(client(port_a, {"--sess-in", sess}, out), 0) << out;
    EXPECT_NE(out.find(single_use ? "New, TLSv1.3" : "Reused, TLSv1.3"), std::string::npos)
        << out << a->log();
  }
  // Redis stopped: a fresh session from server A, offered to server B.
  uint16_t port_a = 0;
  uint16_t port_b = 0;
  auto a = start_server(
      {"--ticket-root", root, "--session-store", redis->url(), "--early-data", "4096"}, port_a);
  auto b = start_server(
      {"--ticket-root", root, "--session-store", redis->url(), "--early-data", "4096"}, port_b);
  ASSERT_TRUE(a && b);
  const std::string sess = dir_.file("before_down.pem");
  std::string out;
  ASSERT_EQ(client(port_a, {"--sess-out", sess}, out), 0) << out;
  redis->stop();
  ASSERT_EQ(client(port_b, {"--sess-in", sess, "--early-data", request}, out), 0) << out;
  EXPECT_NE(out.find("Reused, TLSv1.3"), std::string::npos) << out << b->log();
  EXPECT_NE(out.find("rejected by the server"), std::string::npos) << out << b->log();
  EXPECT_NE(out.find("GET /fleet"), std::string::npos) << "sent again after the handshake: " << out;
}

// The fleet of the issue: two servers share a rotating key file and one Redis. A session made
// on A before the file is rotated resumes on B after it, with 0-RTT data; the first flight of
// that connection, captured on the way and replayed to both servers, has its early data
// accepted by neither: across the fleet, it was accepted once.
TEST_F(SessionFileCli, ReplayedZeroRttFirstFlightIsAcceptedOnceAcrossTheFleet) {
  GLASSTLS_SKIP_WITHOUT_REDIS();
  std::string error;
  auto redis = testing::RedisServer::start(error);
  ASSERT_NE(redis, nullptr) << error;
  const std::string old_key = dir_.file("old.key");
  const std::string new_key = dir_.file("new.key");
  ASSERT_EQ(run({openssl_, "rand", "-out", old_key, "80"}, dir_.path(), "rand1", kTimeout), 0);
  ASSERT_EQ(run({openssl_, "rand", "-out", new_key, "80"}, dir_.path(), "rand2", kTimeout), 0);
  const std::string keys = dir_.file("ticket.keys");
  ASSERT_TRUE(write_text(keys, read_text(old_key)));
  const std::string request = dir_.file("request");
  ASSERT_TRUE(write_text(request, "POST /once HTTP/1.0\n\n"));
  const std::vector<std::string> options = {
      "--ticket-keys", keys, "--session-store", redis->url(), "--early-data", "4096", "--trace"};
  uint16_t port_a = 0;
  uint16_t port_b = 0;
  auto a = start_server(options, port_a);
  auto b = start_server(options, port_b);
  ASSERT_TRUE(a && b);
  const std::string sess = dir_.file("sess.pem");
  std::string out;
  ASSERT_EQ(client(port_a, {"--sess-out", sess}, out), 0) << out;

  // The operator rotates the file: a new key first, the old one still opening.
  ASSERT_TRUE(write_text(keys, read_text(new_key) + read_text(old_key)));
  for (Child* server : {a.get(), b.get()}) {
    ASSERT_TRUE(server->wait_for_err("reloaded the ticket keys", kTimeout)) << server->log();
  }
  Relay relay(port_b);
  ASSERT_NE(relay.port(), 0);
  ASSERT_EQ(client(relay.port(), {"--sess-in", sess, "--early-data", request}, out), 0) << out;
  EXPECT_NE(out.find("Reused, TLSv1.3"), std::string::npos) << out;
  EXPECT_NE(out.find("sent as 0-RTT data, accepted"), std::string::npos) << out;
  const std::string flight = relay.first_flight();
  ASSERT_GT(flight.size(), 200u) << "ClientHello and early data";

  replay(port_a, flight);
  replay(port_b, flight);
  const auto both = [&] { return a->err() + b->err(); };
  ASSERT_TRUE(a->wait_for_err("0-RTT data rejected", kTimeout)) << a->log();
  ASSERT_TRUE(
      b->wait_for([](const std::string&,
                     const std::string& err) { return count(err, "0-RTT data rejected") >= 1; },
                  kTimeout))
      << b->log();
  EXPECT_EQ(count(both(), "0-RTT data accepted"), 1u);
  EXPECT_EQ(count(both(), "0-RTT data rejected: this ClientHello was seen before"), 2u);
}

}  // namespace
}  // namespace glasstls::interop
