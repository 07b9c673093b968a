// redis_server.h: a throwaway redis-server for tests. RedisServer::start runs redis-server on a
// free loopback port with no persistence (no RDB snapshot, no append-only file) in a temporary
// directory, waits until it answers PING, and the destructor kills and reaps it. A test calls
// GLASSTLS_SKIP_WITHOUT_REDIS() first: it skips, saying why, only when redis-server is not
// installed. stop() kills it (a Redis that went away) and restart() starts it again on the
// same port (a Redis that came back). SilentListener is the other failure: a socket that
// accepts connections and never answers.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "interop/process.h"

namespace glasstls::testing {

#define GLASSTLS_SKIP_WITHOUT_REDIS()                                                         \
  do {                                                                                        \
    if (::glasstls::interop::find_program("redis-server").empty()) {                          \
      GTEST_SKIP() << "redis-server is not installed (Debian: apt-get install redis-server)"; \
    }                                                                                         \
  } while (0)

class RedisServer {
 public:
  // start runs a redis-server, with `extra` options after the test's own (for example
  // {"--enable-debug-command", "yes"} for DEBUG SLEEP); null (with `error`) when it is not
  // ready within 10 s.
  static std::unique_ptr<RedisServer> start(std::string& error,
                                            std::vector<std::string> extra = {}) {
    auto server = std::unique_ptr<RedisServer>(new RedisServer());
    server->port_ = interop::free_port();
    server->extra_ = std::move(extra);
    if (!server->launch(error)) {
      return nullptr;
    }
    return server;
  }
  ~RedisServer() { stop(); }
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  uint16_t port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

  // stop kills the server at once (SIGKILL, as a crash), and reaps it.
  void stop() {
    if (child_) {
      child_->kill();
      child_.reset();
    }
  }
  // restart starts the server again on the same port, empty.
  bool restart(std::string& error) {
    stop();
    return launch(error);
  }

  // spawn_cli starts redis-cli against the server with `args` without waiting for it (null if
  // redis-cli is missing).
  std::unique_ptr<interop::Child> spawn_cli(const std::vector<std::string>& args) const {
    std::string redis_cli = interop::find_program("redis-cli");
    if (redis_cli.empty()) {
      return nullptr;
    }
    std::vector<std::string> argv = {redis_cli, "-h", "127.0.0.1", "-p", std::to_string(port_)};
    argv.insert(argv.end(), args.begin(), args.end());
    return interop::Child::spawn(argv, dir_.path(), "redis-cli-bg");
  }

  // cli runs redis-cli against the server with `args` and returns its output ("" if redis-cli
  // is missing or fails).
  std::string cli(const std::vector<std::string>& args) const {
    std::string redis_cli = interop::find_program("redis-cli");
    if (redis_cli.empty()) {
      return "";
    }
    std::vector<std::string> argv = {redis_cli, "-h", "127.0.0.1", "-p", std::to_string(port_)};
    argv.insert(argv.end(), args.begin(), args.end());
    int rc = interop::run(argv, dir_.path(), "redis-cli", std::chrono::seconds(10));
    if (rc != 0) {
      return "";
    }
    return interop::read_text(dir_.file("redis-cli.out"));
  }

 private:
  RedisServer() = default;

  bool launch(std::string& error) {
    std::vector<std::string> argv = {"redis-server",
                                     "--port",
                                     std::to_string(port_),
                                     "--bind",
                                     "127.0.0.1",
                                     "--save",
                                     "",
                                     "--appendonly",
                                     "no",
                                     "--dir",
                                     dir_.path(),
                                     "--daemonize",
                                     "no",
                                     "--protected-mode",
                                     "no"};
    argv.insert(argv.end(), extra_.begin(), extra_.end());
    child_ = interop::Child::spawn(argv, dir_.path(), "redis");
    if (!child_) {
      error = "could not start redis-server";
      return false;
    }
    if (!child_->wait_for_out("Ready to accept connections", std::chrono::seconds(10))) {
      error = "redis-server did not become ready:\n" + child_->log();
      stop();
      return false;
    }
    return true;
  }

  interop::TempDir dir_;
  uint16_t port_ = 0;
  std::vector<std::string> extra_;
  std::unique_ptr<interop::Child> child_;
};

// SilentListener listens on a free loopback port and accepts connections (the kernel
// completes the handshake from its backlog) but never reads or answers: a Redis that hangs.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
        ::listen(fd_, 64) == 0) {
      socklen_t len = sizeof(addr);
      if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
        port_ = ntohs(addr.sin_port);
      }
    }
  }
  ~SilentListener() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;

  // port is 0 when the socket could not be made.
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

}  // namespace glasstls::testing
