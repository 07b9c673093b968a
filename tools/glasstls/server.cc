// server.cc: `glasstls server`, a TLS 1.3 server. By default it serves connections one after
// another; with --concurrent it runs event loops (epoll, non-blocking sockets) that each drive
// many sans-IO Connections at once.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "common.h"
#include "glasstls/x509.h"
#include "glasstls/socket.h"

namespace glasstls::cli {

namespace {

constexpr const char kServerUsage[] =
    "usage: glasstls server --cert PEM --key PEM [options]\n"
    "\n"
    "Listens for TCP connections and serves them one after another over TLS 1.3. Prints\n"
    "\"listening on HOST:PORT\" to stderr once it listens, and the negotiated parameters of each\n"
    "connection.\n"
    "\n"
    "options:\n"
    "  --cert PEM --key PEM  the default certificate chain and private key\n"
    "  --host ADDR           address to listen on (default 127.0.0.1)\n"
    "  --port N              port to listen on (default 4433; 0 picks a free port)\n"
    "  --alpn LIST           application protocols to accept, in preference order; a client\n"
    "                        offering none of them gets no_application_protocol\n"
    "  --sni NAME:CERT:KEY   serve CERT/KEY to clients asking for NAME; may be repeated\n"
    "  --groups LIST         groups to accept, in preference order\n"
    "  --ciphersuites LIST   cipher suites to accept, in preference order\n"
    "  --sigalgs LIST        signature schemes to use\n"
    "  --keylog FILE         append NSS key log lines to FILE (default: $SSLKEYLOGFILE)\n"
    "  --verify-client PEM   request a client certificate and validate it (clientAuth)\n"
    "                        against the CAs in PEM; clients without one are still served\n"
    "  --require-client-cert with --verify-client: fail clients that send no certificate\n"
    "                        (certificate_required)\n"
    "  --echo                echo data back until the client's close_notify\n"
    "  --www                 answer an HTTP GET with a page naming the negotiated parameters\n"
    "                        (default: copy received data to stdout)\n"
    "  --once                exit after one connection (status 0 if it closed cleanly)\n"
    "  --key-update          send a KeyUpdate (update_requested) after each handshake\n"
    "  --trace               show every record, field and key schedule step on stderr (this\n"
    "                        shows the connections' secrets)\n"
    "  --html FILE           write the last connection's trace as a self-contained HTML page\n"
    "  --concurrent          serve many connections at once with epoll event loops (needs\n"
    "                        --echo); SIGINT/SIGTERM stops it and it prints statistics\n"
    "  --threads N           with --concurrent: run N event loops (default 1)\n"
    "  --max-seconds S       with --concurrent: stop after S seconds\n"
    "  --help                show this help\n";

constexpr size_t kBufferSize = 16 * 1024 + 512;

enum class Mode { kStdout, kEcho, kWww };

struct ServerOptions {
  Mode mode = Mode::kStdout;
  bool key_update = false;
  const Args* args = nullptr;
};

std::string peer_address(const sockaddr_storage& addr) {
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
    ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
    return std::string(text) + ":" + std::to_string(ntohs(in->sin_port));
  }
  if (addr.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text));
    return "[" + std::string(text) + "]:" + std::to_string(ntohs(in6->sin6_port));
  }
  return "?";
}

void report(const std::string& message) {
  std::fprintf(stderr, "glasstls server: %s\n", message.c_str());
  std::fflush(stderr);
}

std::string html_page(const Connection& conn) {
  std::string sni(conn.server_name());
  std::string body =
      "<!DOCTYPE html>\n<html><head><title>glasstls</title></head><body>\n"
      "<h1>glasstls</h1>\n<ul>\n";
  body += "<li>version: " + std::string(explain(conn.version())) + "</li>\n";
  body += "<li>cipher suite: " + std::string(name(conn.cipher_suite())) + "</li>\n";
  body += "<li>group: " + std::string(name(conn.group())) + "</li>\n";
  body += "<li>ALPN: " + alpn_or_none(conn) + "</li>\n";
  body += "<li>SNI: " + (sni.empty() ? std::string("(none)") : sni) + "</li>\n";
  body += "<li>hello retry request: " + std::string(conn.hello_retry_request() ? "yes" : "no") +
          "</li>\n";
  body += "</ul>\n</body></html>\n";
  std::string response =
      "HTTP/1.1 200 OK\r\n"
      "Content-Type: text/html\r\n"
      "Connection: close\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  return response;
}

// serve runs one connection on the accepted socket `fd`. It returns true when the connection
// ended with close_notify both ways.
bool serve(int fd, const std::string& peer, const std::shared_ptr<const ServerConfig>& config,
           const ServerOptions& options) {
  Result<Connection> conn = Connection::server(config);
  if (!conn.ok()) {
    report("cannot start a connection: " + conn.error().to_string());
    return false;
  }
  std::shared_ptr<LiveTrace> trace = make_live_trace(*options.args);
  if (trace) {
    TraceOptions trace_options;
    trace_options.show_secrets = true;
    conn->set_trace(trace, trace_options);
  }
  // The page is written however the connection ends.
  struct WriteTraceAtEnd {
    const std::shared_ptr<LiveTrace>& trace;
    const Args& args;
    ~WriteTraceAtEnd() {
      std::string error;
      if (trace && !finish_live_trace(*trace, args, "glasstls server", error)) {
        report(error);
      }
    }
  } write_trace_at_end{trace, *options.args};
  SocketStream stream(fd, std::move(*conn));
  Connection& c = stream.connection();
  if (Status hs = stream.handshake(); !hs.ok()) {
    report("handshake with " + peer + " failed: " + hs.error().to_string());
    return false;
  }
  print_parameters(c, "glasstls server: connection from " + peer);
  if (options.key_update) {
    Status ku = c.key_update(true);
    if (ku.ok()) {
      ku = stream.flush();
    }
    if (!ku.ok()) {
      report("key update failed: " + ku.error().to_string());
      return false;
    }
    report("sent KeyUpdate (update_requested)");
  }

  uint8_t buf[kBufferSize];
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  bool clean = false;
  std::string request;
  for (;;) {
    Result<size_t> n = stream.read(buf);
    if (!n.ok()) {
      report("connection with " + peer + " failed: " + n.error().to_string());
      break;
    }
    if (*n == 0) {
      // The client's close_notify: answer with ours. A client that exits right after its
      // close_notify may have reset the transport already; its close was still clean.
      Status closed = stream.close();
      clean = true;
      if (!closed.ok()) {
        report("note: sending close_notify failed: " + closed.error().to_string());
      }
      break;
    }
    bytes_in += *n;
    std::span<const uint8_t> data(buf, *n);
    if (options.mode == Mode::kEcho) {
      Status w = stream.write_all(data);
      if (!w.ok()) {
        report("echo failed: " + w.error().to_string());
        break;
      }
      bytes_out += *n;
    } else if (options.mode == Mode::kStdout) {
      write_fd(STDOUT_FILENO, data);
    } else {
      request.append(reinterpret_cast<const char*>(buf), *n);
      if (request.find("\r\n\r\n") == std::string::npos &&
          request.find("\n\n") == std::string::npos) {
        continue;
      }
      std::string response = html_page(c);
      Status w = stream.write_all(std::span<const uint8_t>(
          reinterpret_cast<const uint8_t*>(response.data()), response.size()));
      if (!w.ok()) {
        report("response failed: " + w.error().to_string());
        break;
      }
      bytes_out += response.size();
      Status closed = stream.close();
      if (!closed.ok()) {
        report("sending close_notify failed: " + closed.error().to_string());
        break;
      }
      // Wait for the client's close_notify; a client that just drops the transport is
      // reported but the page was served.
      for (;;) {
        Result<size_t> rest = stream.read(buf);
        if (!rest.ok()) {
          report("after the response: " + rest.error().to_string());
          break;
        }
        if (*rest == 0) {
          clean = true;
          break;
        }
      }
      break;
    }
  }
  std::fprintf(stderr, "  bytes received: %llu, bytes sent: %llu\n",
               static_cast<unsigned long long>(bytes_in),
               static_cast<unsigned long long>(bytes_out));
  std::fprintf(stderr, "  key updates received: %llu\n",
               static_cast<unsigned long long>(c.key_updates_received()));
  if (clean) {
    report("connection with " + peer + " closed cleanly (close_notify both ways)");
  }
  std::fflush(stderr);
  return clean;
}

// ---------------------------------------------------------------------------------------------
// --concurrent: event loops.
//
// Each loop owns an epoll instance and the connections it accepted. The listening socket is
// shared by every loop (registered with EPOLLEXCLUSIVE when there is more than one, so one
// connection wakes one loop). A connection is driven by readiness alone:
//
//   readable  ->  recv() what is there  ->  receive()  ->  echo read() back with write()
//   any call  ->  send() output() as far as the socket takes it; EPOLLOUT while blocked
//
// Level-triggered epoll: a loop reads at most kReadsPerEvent times per event, so one busy
// connection cannot starve the others.

// Stop is set by SIGINT/SIGTERM (and read by every loop).
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");

extern "C" void on_stop_signal(int) {
  g_stop.store(true, std::memory_order_relaxed);
}

// Stats are shared by the loops; every field is a counter.
struct Stats {
  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> handshakes{0};
  // failures: TLS errors, transport errors, and connections that ended before the handshake
  // completed.
  std::atomic<uint64_t> failures{0};
  // closed_clean: close_notify both ways.
  std::atomic<uint64_t> closed_clean{0};
  // closed_unclean: the transport ended (EOF or reset) after the handshake without the peer's
  // close_notify.
  std::atomic<uint64_t> closed_unclean{0};
  std::atomic<uint64_t> accept_errors{0};
  std::atomic<int64_t> current{0};
  std::atomic<int64_t> peak{0};
};

constexpr int kReadsPerEvent = 4;
// kMaxPendingOutput: above this much unsent output a connection stops reading (the echo waits
// for the peer to take what it was sent).
constexpr size_t kMaxPendingOutput = 256 * 1024;
constexpr int kListenBacklog = 4096;

// LiveConnection is one accepted connection; it lives on the heap and epoll holds its address.
struct LiveConnection {
  LiveConnection(int socket, Connection conn) : fd(socket), tls(std::move(conn)) {}
  int fd;
  // events is the interest set registered with epoll.
  uint32_t events = 0;
  // index is the position in the loop's `connections` (for removal in O(1)).
  uint32_t index = 0;
  bool handshake_counted = false;
  Connection tls;
};

// proc_status_kb reads a "Name:   N kB" line of /proc/self/status (0 if missing).
uint64_t proc_status_kb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  size_t len = std::strlen(field);
  while (std::getline(in, line)) {
    if (line.compare(0, len, field) == 0 && line.size() > len && line[len] == ':') {
      return std::strtoull(line.c_str() + len + 1, nullptr, 10);
    }
  }
  return 0;
}

class EventLoop {
 public:
  EventLoop(int listener, bool exclusive, std::shared_ptr<const ServerConfig> config,
            Stats& stats)
      : listener_(listener), exclusive_(exclusive), config_(std::move(config)), stats_(stats) {}
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;
  ~EventLoop() {
    for (LiveConnection* c : connections_) {
      ::close(c->fd);
      delete c;
    }
    if (epoll_ >= 0) {
      ::close(epoll_);
    }
  }

  // run serves until g_stop is set or `deadline` passes. False (with a report) if the loop
  // could not start.
  bool run(std::chrono::steady_clock::time_point deadline) {
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0 || !watch_listener()) {
      report(std::string("epoll: ") + std::strerror(errno));
      return false;
    }
    std::vector<epoll_event> ready(256);
    while (!g_stop.load(std::memory_order_relaxed) &&
           std::chrono::steady_clock::now() < deadline) {
      if (accept_paused_ && std::chrono::steady_clock::now() >= resume_accept_) {
        accept_paused_ = !watch_listener();
      }
      int n = ::epoll_wait(epoll_, ready.data(), static_cast<int>(ready.size()), 100);
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        report(std::string("epoll_wait: ") + std::strerror(errno));
        return false;
      }
      for (int i = 0; i < n; ++i) {
        if (ready[i].data.ptr == nullptr) {
          accept_all();
        } else {
          handle(*static_cast<LiveConnection*>(ready[i].data.ptr), ready[i].events);
        }
      }
    }
    return true;
  }

  // open is how many connections the loop still holds.
  size_t open() const { return connections_.size(); }

 private:
  bool watch_listener() {
    epoll_event ev{};
    ev.events = EPOLLIN | (exclusive_ ? EPOLLEXCLUSIVE : 0u);
    ev.data.ptr = nullptr;
    return ::epoll_ctl(epoll_, EPOLL_CTL_ADD, listener_, &ev) == 0;
  }

  void accept_all() {
    for (;;) {
      int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) {
          continue;
        }
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
          // Out of descriptors: stop watching the listener for a moment, or level-triggered
          // epoll would spin on it.
          stats_.accept_errors.fetch_add(1, std::memory_order_relaxed);
          if (!accept_paused_) {
            ::epoll_ctl(epoll_, EPOLL_CTL_DEL, listener_, nullptr);
            accept_paused_ = true;
            resume_accept_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
          }
        }
        return;  // EAGAIN: nothing more to accept (another loop may have taken it).
      }
      stats_.accepted.fetch_add(1, std::memory_order_relaxed);
      Result<Connection> conn = Connection::server(config_);
      if (!conn.ok()) {
        stats_.failures.fetch_add(1, std::memory_order_relaxed);
        ::close(fd);
        continue;
      }
      auto* c = new LiveConnection(fd, std::move(*conn));
      c->events = EPOLLIN;
      epoll_event ev{};
      ev.events = c->events;
      ev.data.ptr = c;
      if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev) != 0) {
        stats_.failures.fetch_add(1, std::memory_order_relaxed);
        ::close(fd);
        delete c;
        continue;
      }
      c->index = static_cast<uint32_t>(connections_.size());
      connections_.push_back(c);
      int64_t now_open = stats_.current.fetch_add(1, std::memory_order_relaxed) + 1;
      int64_t peak = stats_.peak.load(std::memory_order_relaxed);
      while (now_open > peak &&
             !stats_.peak.compare_exchange_weak(peak, now_open, std::memory_order_relaxed)) {
      }
    }
  }

  enum class End { kOpen, kClean, kUnclean, kFailed };

  void handle(LiveConnection& c, uint32_t events) {
    End end = End::kOpen;
    if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0 && (c.events & EPOLLIN) != 0) {
      end = on_readable(c);
    }
    if (end == End::kOpen) {
      end = flush(c);
    }
    if (end == End::kOpen && (events & (EPOLLHUP | EPOLLERR)) != 0 && (c.events & EPOLLIN) == 0) {
      // Reading is paused (output backlog) but the transport is gone.
      end = c.handshake_counted ? End::kUnclean : End::kFailed;
    }
    if (end != End::kOpen) {
      finish(c, end);
    }
  }

  End on_readable(LiveConnection& c) {
    for (int i = 0; i < kReadsPerEvent; ++i) {
      ssize_t n = ::recv(c.fd, in_.data(), in_.size(), 0);
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          return End::kOpen;
        }
        // A reset after the handshake is a truncation (no close_notify), before it a failure.
        return c.handshake_counted ? End::kUnclean : End::kFailed;
      }
      if (n == 0) {
        if (c.tls.peer_closed()) {
          return End::kClean;
        }
        return c.handshake_counted ? End::kUnclean : End::kFailed;
      }
      Status s = c.tls.receive(std::span<const uint8_t>(in_.data(), static_cast<size_t>(n)));
      if (!s.ok()) {
        // Send the alert if the socket takes it at once; the connection is over either way.
        flush(c);
        return End::kFailed;
      }
      if (!c.handshake_counted && !c.tls.is_handshaking()) {
        c.handshake_counted = true;
        stats_.handshakes.fetch_add(1, std::memory_order_relaxed);
      }
      // The echo: everything readable goes straight back.
      while (c.tls.readable() > 0) {
        size_t got = c.tls.read(plain_);
        if (!c.tls.write(std::span<const uint8_t>(plain_.data(), got)).ok()) {
          return End::kFailed;
        }
      }
      if (c.tls.peer_closed() && c.tls.state() != ConnectionState::kClosed) {
        c.tls.close();  // answer the client's close_notify with ours
      }
      if (c.tls.output().size() > kMaxPendingOutput ||
          static_cast<size_t>(n) < in_.size()) {
        return End::kOpen;  // drained for now, or too much waiting to go out
      }
    }
    return End::kOpen;
  }

  // flush sends output() as far as the socket takes it and sets the epoll interest to match.
  End flush(LiveConnection& c) {
    bool blocked = false;
    while (c.tls.wants_write()) {
      std::span<const uint8_t> out = c.tls.output();
      ssize_t n = ::send(c.fd, out.data(), out.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          blocked = true;
          break;
        }
        // A client that closed right after its close_notify may reset before ours arrives.
        if (c.tls.peer_closed()) {
          return End::kClean;
        }
        return c.handshake_counted ? End::kUnclean : End::kFailed;
      }
      c.tls.consume_output(static_cast<size_t>(n));
    }
    if (!blocked) {
      // Everything went out: the connection waits for its client, holding no buffer memory.
      c.tls.release_buffers();
    }
    ConnectionState state = c.tls.state();
    if (!blocked && state == ConnectionState::kClosed) {
      return End::kClean;
    }
    if (!blocked && state == ConnectionState::kFailed) {
      return End::kFailed;
    }
    uint32_t want = (c.tls.output().size() > kMaxPendingOutput ? 0u : EPOLLIN) |
                    (blocked ? EPOLLOUT : 0u);
    if (want != c.events) {
      epoll_event ev{};
      ev.events = want;
      ev.data.ptr = &c;
      if (::epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev) != 0) {
        return End::kFailed;
      }
      c.events = want;
    }
    return End::kOpen;
  }

  void finish(LiveConnection& c, End end) {
    switch (end) {
      case End::kClean:
        stats_.closed_clean.fetch_add(1, std::memory_order_relaxed);
        break;
      case End::kUnclean:
        stats_.closed_unclean.fetch_add(1, std::memory_order_relaxed);
        break;
      case End::kFailed:
        stats_.failures.fetch_add(1, std::memory_order_relaxed);
        break;
      case End::kOpen:
        return;
    }
    stats_.current.fetch_sub(1, std::memory_order_relaxed);
    ::close(c.fd);  // also removes it from the epoll set
    // Swap-remove: `index` is kept equal to the position in connections_.
    LiveConnection* last = connections_.back();
    connections_[c.index] = last;
    last->index = c.index;
    connections_.pop_back();
    delete &c;
  }

  int listener_;
  bool exclusive_;
  std::shared_ptr<const ServerConfig> config_;
  Stats& stats_;
  int epoll_ = -1;
  bool accept_paused_ = false;
  std::chrono::steady_clock::time_point resume_accept_;
  std::vector<LiveConnection*> connections_;
  // Buffers shared by every connection of the loop: per-connection state stays small.
  std::vector<uint8_t> in_ = std::vector<uint8_t>(kBufferSize);
  std::vector<uint8_t> plain_ = std::vector<uint8_t>(kBufferSize);
};

// raise_file_limit raises RLIMIT_NOFILE to its hard limit and says what it got.
void raise_file_limit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) {
    return;
  }
  if (lim.rlim_cur < lim.rlim_max) {
    rlim_t old = lim.rlim_cur;
    lim.rlim_cur = lim.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &lim) == 0) {
      report("raised the open file limit from " + std::to_string(old) + " to " +
             std::to_string(lim.rlim_cur));
      return;
    }
    lim.rlim_cur = old;
  }
  report("open file limit: " + std::to_string(lim.rlim_cur));
}

int serve_concurrent(int listener, const std::shared_ptr<const ServerConfig>& config,
                     unsigned threads, double max_seconds) {
  int flags = ::fcntl(listener, F_GETFL);
  if (flags < 0 || ::fcntl(listener, F_SETFL, flags | O_NONBLOCK) != 0) {
    report(std::string("fcntl: ") + std::strerror(errno));
    return 1;
  }
  // listen_tcp's backlog suits one connection at a time; a second listen() raises it (the
  // kernel caps it at net.core.somaxconn).
  ::listen(listener, kListenBacklog);

  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  ::sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);

  auto started = std::chrono::steady_clock::now();
  auto deadline = std::chrono::steady_clock::time_point::max();
  if (max_seconds > 0) {
    deadline = started + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                             std::chrono::duration<double>(max_seconds));
  }
  report("concurrent mode: " + std::to_string(threads) + " event loop" +
         (threads == 1 ? "" : "s") + ", echo");

  Stats stats;
  std::vector<std::unique_ptr<EventLoop>> loops;
  for (unsigned i = 0; i < threads; ++i) {
    loops.push_back(std::make_unique<EventLoop>(listener, threads > 1, config, stats));
  }
  std::atomic<bool> loop_failed{false};
  std::vector<std::thread> workers;
  for (unsigned i = 1; i < threads; ++i) {
    workers.emplace_back([&, i] {
      if (!loops[i]->run(deadline)) {
        loop_failed.store(true);
        g_stop.store(true);
      }
    });
  }
  if (!loops[0]->run(deadline)) {
    loop_failed.store(true);
    g_stop.store(true);
  }
  g_stop.store(true);  // the deadline passed in this loop: stop the others too
  for (std::thread& t : workers) {
    t.join();
  }
  size_t still_open = 0;
  for (const auto& loop : loops) {
    still_open += loop->open();
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
                       .count();
  uint64_t rss = proc_status_kb("VmRSS");
  uint64_t hwm = proc_status_kb("VmHWM");
  loops.clear();
  ::close(listener);
  std::fprintf(stderr,
               "glasstls server: stats: accepted=%llu handshakes=%llu failures=%llu "
               "closed_clean=%llu closed_unclean=%llu open_at_stop=%zu peak_concurrent=%lld "
               "accept_errors=%llu threads=%u seconds=%.1f rss_kb=%llu peak_rss_kb=%llu\n",
               static_cast<unsigned long long>(stats.accepted.load()),
               static_cast<unsigned long long>(stats.handshakes.load()),
               static_cast<unsigned long long>(stats.failures.load()),
               static_cast<unsigned long long>(stats.closed_clean.load()),
               static_cast<unsigned long long>(stats.closed_unclean.load()), still_open,
               static_cast<long long>(stats.peak.load()),
               static_cast<unsigned long long>(stats.accept_errors.load()), threads, seconds,
               static_cast<unsigned long long>(rss), static_cast<unsigned long long>(hwm));
  std::fflush(stderr);
  return loop_failed.load() ? 1 : 0;
}

}  // namespace

int server_main(int argc, char** argv) {
  OptionSpec spec;
  spec.with_value = {"--cert",   "--key",          "--host",    "--port",  "--alpn",
                     "--sni",    "--ciphersuites", "--sigalgs", "--groups", "--keylog",
                     "--verify-client", "--html", "--threads", "--max-seconds"};
  spec.flags = {"--echo", "--www", "--once", "--key-update", "--require-client-cert", "--trace",
                "--concurrent", "--help", "-h"};
  std::string error;
  std::optional<Args> args = parse_args(argc, argv, 2, spec, error);
  if (!args) {
    std::fprintf(stderr, "glasstls server: %s\n\n%s", error.c_str(), kServerUsage);
    return 2;
  }
  if (args->has("--help") || args->has("-h")) {
    std::fputs(kServerUsage, stdout);
    return 0;
  }
  if (!args->positionals.empty()) {
    std::fprintf(stderr, "glasstls server: unexpected argument \"%s\"\n\n%s",
                 args->positionals[0].c_str(), kServerUsage);
    return 2;
  }
  if (!args->has("--cert") || !args->has("--key")) {
    std::fprintf(stderr, "glasstls server: --cert and --key are required\n\n%s", kServerUsage);
    return 2;
  }
  if (args->has("--echo") && args->has("--www")) {
    report("--echo and --www exclude each other");
    return 2;
  }
  bool concurrent = args->has("--concurrent");
  unsigned threads = 1;
  double max_seconds = 0;
  if (concurrent) {
    for (const char* excluded : {"--www", "--once", "--key-update", "--trace", "--html"}) {
      if (args->has(excluded)) {
        report(std::string("--concurrent does not support ") + excluded);
        return 2;
      }
    }
    if (!args->has("--echo")) {
      report("--concurrent needs --echo (the service it runs)");
      return 2;
    }
    if (auto v = args->value("--threads")) {
      char* end = nullptr;
      unsigned long n = std::strtoul(v->c_str(), &end, 10);
      if (v->empty() || *end != '\0' || n < 1 || n > 256) {
        report("--threads needs a number from 1 to 256, got \"" + *v + "\"");
        return 2;
      }
      threads = static_cast<unsigned>(n);
    }
    if (auto v = args->value("--max-seconds")) {
      char* end = nullptr;
      max_seconds = std::strtod(v->c_str(), &end);
      if (v->empty() || *end != '\0' || !(max_seconds > 0)) {
        report("--max-seconds needs a positive number, got \"" + *v + "\"");
        return 2;
      }
    }
  } else if (args->has("--threads") || args->has("--max-seconds")) {
    report("--threads and --max-seconds need --concurrent");
    return 2;
  }
  ServerOptions options;
  options.mode = args->has("--echo") ? Mode::kEcho
                 : args->has("--www") ? Mode::kWww
                                      : Mode::kStdout;
  options.key_update = args->has("--key-update");
  options.args = &*args;

  ServerConfig::Builder builder;
  {
    CertificateChain chain;
    std::optional<PrivateKey> key;
    if (!load_chain_and_key(*args->value("--cert"), *args->value("--key"), chain, key, error)) {
      report(error);
      return 1;
    }
    builder.add_certificate(std::move(chain), std::move(*key));
  }
  for (const std::string& sni : args->values("--sni")) {
    size_t first = sni.find(':');
    size_t last = sni.rfind(':');
    if (first == std::string::npos || first == last) {
      report("--sni needs NAME:CERT:KEY, got \"" + sni + "\"");
      return 2;
    }
    CertificateChain chain;
    std::optional<PrivateKey> key;
    if (!load_chain_and_key(sni.substr(first + 1, last - first - 1), sni.substr(last + 1), chain,
                            key, error)) {
      report(error);
      return 1;
    }
    builder.add_certificate(std::move(chain), std::move(*key), {sni.substr(0, first)});
  }
  if (auto v = args->value("--ciphersuites")) {
    auto suites = parse_suites(*v, error);
    if (!suites) {
      report(error);
      return 2;
    }
    builder.cipher_suites(*suites);
  }
  if (auto v = args->value("--groups")) {
    auto groups = parse_groups(*v, error);
    if (!groups) {
      report(error);
      return 2;
    }
    builder.groups(*groups);
  }
  if (auto v = args->value("--sigalgs")) {
    auto schemes = parse_sigalgs(*v, error);
    if (!schemes) {
      report(error);
      return 2;
    }
    builder.signature_schemes(*schemes);
  }
  if (auto v = args->value("--alpn")) {
    builder.alpn(split_list(*v));
  }
  if (auto path = args->value("--keylog")) {
    std::shared_ptr<KeyLog> log = key_log_file(*path);
    if (!log) {
      report("cannot open key log file " + *path);
      return 1;
    }
    builder.key_log(log);
  } else if (std::shared_ptr<KeyLog> log = key_log_from_env()) {
    builder.key_log(log);
  }
  if (args->has("--require-client-cert") && !args->has("--verify-client")) {
    report("--require-client-cert needs --verify-client PEM");
    return 2;
  }
  if (auto path = args->value("--verify-client")) {
    Result<std::shared_ptr<const TrustStore>> roots = TrustStore::from_file(*path);
    if (!roots.ok()) {
      report("cannot load --verify-client CAs: " + roots.error().to_string());
      return 1;
    }
    builder.request_client_certificate(webpki_verifier(*roots, CertificatePurpose::kClientAuth),
                                       args->has("--require-client-cert"),
                                       (*roots)->subjects());
  }
  Result<std::shared_ptr<const ServerConfig>> config = builder.build();
  if (!config.ok()) {
    report("invalid configuration: " + config.error().to_string());
    return 1;
  }

  if (concurrent) {
    raise_file_limit();
  }
  std::string host = args->value("--host").value_or("127.0.0.1");
  std::string port = args->value("--port").value_or("4433");
  uint16_t bound_port = 0;
  int listener = listen_tcp(host, port, bound_port, error);
  if (listener < 0) {
    report(error);
    return 1;
  }
  std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  std::fprintf(stderr, "listening on %s:%u\n", shown_host.c_str(),
               static_cast<unsigned>(bound_port));
  std::fflush(stderr);
  if (concurrent) {
    return serve_concurrent(listener, *config, threads, max_seconds);
  }

  bool once = args->has("--once");
  for (;;) {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    int fd = ::accept4(listener, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) {
        continue;
      }
      report(std::string("accept: ") + std::strerror(errno));
      ::close(listener);
      return 1;
    }
    bool clean = serve(fd, peer_address(addr), *config, options);
    ::close(fd);
    if (once) {
      ::close(listener);
      return clean ? 0 : 1;
    }
  }
}

}  // namespace glasstls::cli
