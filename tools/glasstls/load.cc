// load.cc: `glasstls load`, many concurrent TLS 1.3 connections from one thread.
//
// One epoll loop opens N non-blocking connections, at most --parallel of them handshaking at a
// time (more would only overflow the server's accept queue and measure SYN retransmits). Each
// connection is a sans-IO client Connection:
//
//   connect()  ->  handshake  ->  write(request)  ->  read the echo  ->  held open
//
// Once all N are held (or --duration passes) it reads the server's resident memory and CPU time
// (with --server-pid: one process or several, such as nginx's workers), closes every connection
// with close_notify, waits briefly for the server's close_notify, and prints the results.
// Targets are restricted to the loopback interface.

#include "load.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common.h"

namespace glasstls::cli {

namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr const char kLoadUsage[] =
    "usage: glasstls load HOST:PORT -n N (--pin-sha256 HEX | --insecure) [options]\n"
    "\n"
    "Opens N concurrent TLS 1.3 connections to an echo server on the loopback interface\n"
    "(127.0.0.0/8 or ::1 only), handshakes each, sends a request and waits for its echo, and\n"
    "holds every connection open until all N are established. Then it closes them all with\n"
    "close_notify and prints handshakes per second, handshake latency (connect() to handshake\n"
    "complete), failures and, with --server-pid, the server's resident memory per connection\n"
    "and the handshakes per second of server CPU time (per core). The same CPU figure for\n"
    "this process tells whether the generator, not the server, set the pace.\n"
    "A request of 0 bytes makes it a handshake-only load that any TLS server can take, an\n"
    "HTTP server such as nginx included.\n"
    "\n"
    "options:\n"
    "  -n N                  connections to open and hold (1..50000)\n"
    "  --duration S          give up establishing after S seconds (default 60, at most 3600)\n"
    "  --parallel K          at most K connections connecting or handshaking at once\n"
    "                        (default 64)\n"
    "  --request BYTES       size of the request echoed by the server (default 64; 0 sends\n"
    "                        none)\n"
    "  --pin-sha256 HEX      trust a server whose SubjectPublicKeyInfo has this SHA-256\n"
    "  --insecure            accept any server certificate\n"
    "  --servername NAME     SNI to send (default localhost)\n"
    "  --server-pid P,...    read the resident memory (VmRSS) and CPU time of the server's\n"
    "                        processes before and after (summed over the list, such as a\n"
    "                        server's worker processes) and divide by N and the handshakes\n"
    "  --help                show this help\n";

constexpr size_t kMaxConnections = 50000;
constexpr size_t kMaxRequest = 16384;
constexpr double kCloseWaitSeconds = 10.0;

enum class Phase : uint8_t {
  kIdle,
  kConnecting,
  kHandshaking,
  kAwaitEcho,
  kHeld,
  kClosing,
  kDone,
  kFailed
};

// Client is one load connection.
struct Client {
  int fd = -1;
  Phase phase = Phase::kIdle;
  uint32_t events = 0;
  uint32_t echoed = 0;
  bool clean_close = false;
  SteadyClock::time_point started;
  std::optional<Connection> tls;
};

void fail_usage(const std::string& message) {
  std::fprintf(stderr, "glasstls load: %s\n\n%s", message.c_str(), kLoadUsage);
}

void note(const std::string& message) {
  std::fprintf(stderr, "glasstls load: %s\n", message.c_str());
  std::fflush(stderr);
}

// is_loopback: 127.0.0.0/8 or ::1 (v4-mapped addresses are refused too).
bool is_loopback(const sockaddr* addr) {
  if (addr->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(addr);
    return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
  }
  if (addr->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) != 0;
  }
  return false;
}

bool parse_count(const std::string& text, uint64_t min, uint64_t max, uint64_t& out) {
  char* end = nullptr;
  unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || text[0] == '-' || v < min || v > max) {
    return false;
  }
  out = v;
  return true;
}

// ServerSample is what --server-pid reads of the server's processes at one moment, summed over
// them.
struct ServerSample {
  uint64_t rss_kb = 0;
  double cpu_seconds = 0;
};

// cpu_seconds reads a CPU-time clock: user and system time of every thread of a process.
std::optional<double> cpu_seconds(clockid_t clock) {
  timespec ts{};
  if (::clock_gettime(clock, &ts) != 0) {
    return std::nullopt;
  }
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// sample_servers reads the resident memory and CPU time of each process in `pids`; nullopt (after
// saying which) when one of them cannot be read.
std::optional<ServerSample> sample_servers(const std::vector<long>& pids) {
  ServerSample sample;
  for (long pid : pids) {
    std::optional<uint64_t> rss = proc_status_kb(std::to_string(pid), "VmRSS");
    clockid_t clock{};
    std::optional<double> cpu;
    if (::clock_getcpuclockid(static_cast<pid_t>(pid), &clock) == 0) {
      cpu = cpu_seconds(clock);
    }
    if (!rss || !cpu) {
      note("cannot read the memory and CPU time of process " + std::to_string(pid));
      return std::nullopt;
    }
    sample.rss_kb += *rss;
    sample.cpu_seconds += *cpu;
  }
  return sample;
}

class LoadRun {
 public:
  LoadRun(std::shared_ptr<const ClientConfig> config, std::string server_name,
          sockaddr_storage target, socklen_t target_len, size_t n, size_t parallel, size_t request)
      : config_(std::move(config)),
        server_name_(std::move(server_name)),
        target_(target),
        target_len_(target_len),
        clients_(n),
        parallel_(parallel),
        request_(request, static_cast<uint8_t>('x')) {}
  LoadRun(const LoadRun&) = delete;
  LoadRun& operator=(const LoadRun&) = delete;
  ~LoadRun() {
    for (Client& c : clients_) {
      if (c.fd >= 0) {
        ::close(c.fd);
      }
    }
    if (epoll_ >= 0) {
      ::close(epoll_);
    }
  }

  bool init() {
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    latencies_ms_.reserve(clients_.size());
    return epoll_ >= 0;
  }

  // establish opens all connections and returns when all are held, failed, or `deadline`.
  void establish(SteadyClock::time_point deadline) {
    start_ = SteadyClock::now();
    while (established_ + failures_ < clients_.size() && SteadyClock::now() < deadline) {
      while (in_flight_ < parallel_ && next_ < clients_.size()) {
        open(next_++);
      }
      poll_once(50);
    }
    establish_end_ = SteadyClock::now();
  }

  // close_all sends close_notify on every live connection and waits (bounded) for the
  // server's.
  void close_all() {
    closing_ = 0;
    for (size_t i = 0; i < clients_.size(); ++i) {
      Client& c = clients_[i];
      if (c.phase == Phase::kIdle || c.phase == Phase::kFailed || c.phase == Phase::kDone) {
        continue;
      }
      if (c.phase == Phase::kConnecting) {
        finish(i, Phase::kDone);
        continue;
      }
      c.tls->close();
      c.phase = Phase::kClosing;
      ++closing_;
      flush(i);
    }
    auto deadline = SteadyClock::now() + std::chrono::duration_cast<SteadyClock::duration>(
                                             std::chrono::duration<double>(kCloseWaitSeconds));
    while (closing_ > 0 && SteadyClock::now() < deadline) {
      poll_once(50);
    }
    for (size_t i = 0; i < clients_.size(); ++i) {
      if (clients_[i].fd >= 0) {
        finish(i, Phase::kDone);
      }
    }
  }

  // print writes the results; `before` and `after` are the servers' samples around establish()
  // (--server-pid), `own_cpu_s` the CPU time this process spent in establish().
  void print(std::optional<ServerSample> before, std::optional<ServerSample> after,
             double own_cpu_s) const {
    size_t n = clients_.size();
    double establish_s = std::chrono::duration<double>(establish_end_ - start_).count();
    double handshake_s = std::chrono::duration<double>(last_handshake_ - start_).count();
    std::vector<double> sorted = latencies_ms_;
    std::sort(sorted.begin(), sorted.end());
    auto percentile = [&](double q) {
      if (sorted.empty()) {
        return 0.0;
      }
      size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
      // rank is in [1, size] for q in (0, 1].
      return sorted[std::min(sorted.size(), std::max<size_t>(rank, 1)) - 1];
    };
    std::printf("connections: %zu\n", n);
    std::printf("established: %zu\n", established_);
    std::printf("failures: %zu\n", failures_);
    std::printf("not attempted: %zu\n", n - next_);
    std::printf("handshakes: %zu\n", handshakes_);
    if (established_ == n) {
      std::printf("time to establish all: %.3f s\n", establish_s);
    } else {
      std::printf("time to establish all: (not all established after %.3f s)\n", establish_s);
    }
    std::printf("handshakes per second: %.1f\n",
                handshake_s > 0 ? static_cast<double>(handshakes_) / handshake_s : 0.0);
    std::printf("handshake latency p50: %.2f ms\n", percentile(0.50));
    std::printf("handshake latency p99: %.2f ms\n", percentile(0.99));
    std::printf("handshake latency max: %.2f ms\n", sorted.empty() ? 0.0 : sorted.back());
    if (before && after) {
      std::printf("server RSS before: %llu kB\n", static_cast<unsigned long long>(before->rss_kb));
      std::printf("server RSS after: %llu kB\n", static_cast<unsigned long long>(after->rss_kb));
      double per =
          established_ > 0
              ? (static_cast<double>(after->rss_kb) - static_cast<double>(before->rss_kb)) /
                    static_cast<double>(established_)
              : 0.0;
      std::printf("server RSS per connection: %.1f kB\n", per);
      double cpu = after->cpu_seconds - before->cpu_seconds;
      std::printf("server CPU: %.3f s\n", cpu);
      std::printf("handshakes per server CPU second: %.1f\n",
                  cpu > 0 ? static_cast<double>(handshakes_) / cpu : 0.0);
    }
    std::printf("load generator CPU: %.3f s\n", own_cpu_s);
    std::printf("closed with close_notify both ways: %zu\n", clean_closes_);
    for (const auto& [reason, count] : errors_) {
      std::printf("error (%zu): %s\n", count, reason.c_str());
    }
    std::fflush(stdout);
  }

  bool all_established() const { return established_ == clients_.size() && failures_ == 0; }

 private:
  void open(size_t i) {
    Client& c = clients_[i];
    c.started = SteadyClock::now();
    c.fd = ::socket(target_.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) {
      fail(i, std::string("socket: ") + std::strerror(errno));
      return;
    }
    ++in_flight_;
    Result<Connection> conn = Connection::client(config_, server_name_);
    if (!conn.ok()) {
      fail(i, "cannot start a connection: " + conn.error().to_string());
      return;
    }
    c.tls.emplace(std::move(*conn));
    int r = ::connect(c.fd, reinterpret_cast<const sockaddr*>(&target_), target_len_);
    if (r != 0 && errno != EINPROGRESS) {
      fail(i, std::string("connect: ") + std::strerror(errno));
      return;
    }
    c.phase = Phase::kConnecting;
    c.events = EPOLLOUT;
    epoll_event ev{};
    ev.events = c.events;
    ev.data.u64 = i;
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &ev) != 0) {
      fail(i, std::string("epoll_ctl: ") + std::strerror(errno));
    }
  }

  void poll_once(int timeout_ms) {
    epoll_event ready[256];
    int n = ::epoll_wait(epoll_, ready, 256, timeout_ms);
    for (int k = 0; k < n; ++k) {
      handle(static_cast<size_t>(ready[k].data.u64), ready[k].events);
    }
  }

  void handle(size_t i, uint32_t events) {
    Client& c = clients_[i];
    if (c.phase == Phase::kConnecting) {
      int err = 0;
      socklen_t len = sizeof(err);
      ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        fail(i, std::string("connect: ") + std::strerror(err));
        return;
      }
      c.phase = Phase::kHandshaking;
    }
    if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0 && !on_readable(i)) {
      return;
    }
    flush(i);
  }

  // on_readable returns false once the client is finished (failed or done).
  bool on_readable(size_t i) {
    Client& c = clients_[i];
    for (;;) {
      ssize_t n = ::recv(c.fd, buffer_, sizeof(buffer_), 0);
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          return true;
        }
        if (c.phase == Phase::kClosing) {
          finish(i, Phase::kDone);
        } else {
          fail(i, std::string("recv: ") + std::strerror(errno));
        }
        return false;
      }
      if (n == 0) {
        if (c.phase == Phase::kClosing) {
          finish(i, Phase::kDone);
        } else {
          fail(i, std::string("the server closed the connection while ") + phase_name(c.phase));
        }
        return false;
      }
      Status s = c.tls->receive(std::span<const uint8_t>(buffer_, static_cast<size_t>(n)));
      if (!s.ok()) {
        fail(i, "TLS: " + s.error().to_string());
        return false;
      }
      if (c.phase == Phase::kHandshaking && !c.tls->is_handshaking()) {
        auto now = SteadyClock::now();
        latencies_ms_.push_back(std::chrono::duration<double, std::milli>(now - c.started).count());
        ++handshakes_;
        last_handshake_ = now;
        if (request_.empty()) {
          held(i);
        } else {
          c.phase = Phase::kAwaitEcho;
          if (!c.tls->write(request_).ok()) {
            fail(i, "cannot write the request");
            return false;
          }
        }
      }
      while (c.tls->readable() > 0) {
        size_t got = c.tls->read(std::span<uint8_t>(plain_, sizeof(plain_)));
        c.echoed += static_cast<uint32_t>(got);
      }
      if (c.phase == Phase::kAwaitEcho && c.echoed >= request_.size()) {
        held(i);
      }
      if (c.phase == Phase::kClosing && c.tls->peer_closed()) {
        c.clean_close = true;
        finish(i, Phase::kDone);
        return false;
      }
    }
  }

  void held(size_t i) {
    clients_[i].phase = Phase::kHeld;
    ++established_;
    --in_flight_;
  }

  void flush(size_t i) {
    Client& c = clients_[i];
    if (c.fd < 0 || c.phase == Phase::kConnecting) {
      return;
    }
    SendOutcome sent = send_output(*c.tls, c.fd);
    if (sent.error != 0) {
      if (c.phase == Phase::kClosing) {
        finish(i, Phase::kDone);
      } else {
        fail(i, std::string("send: ") + std::strerror(sent.error));
      }
      return;
    }
    const bool blocked = sent.blocked;
    uint32_t want = EPOLLIN | (blocked ? EPOLLOUT : 0u);
    if (want != c.events) {
      epoll_event ev{};
      ev.events = want;
      ev.data.u64 = i;
      ::epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev);
      c.events = want;
    }
  }

  static const char* phase_name(Phase phase) {
    switch (phase) {
      case Phase::kIdle: return "idle";
      case Phase::kConnecting: return "connecting";
      case Phase::kHandshaking: return "handshaking";
      case Phase::kAwaitEcho: return "waiting for the echo";
      case Phase::kHeld: return "held open";
      case Phase::kClosing: return "closing";
      case Phase::kDone: return "done";
      case Phase::kFailed: return "failed";
    }
    return "?";
  }

  void fail(size_t i, const std::string& reason) {
    Client& c = clients_[i];
    bool was_in_flight = c.phase == Phase::kIdle || c.phase == Phase::kConnecting ||
                         c.phase == Phase::kHandshaking || c.phase == Phase::kAwaitEcho;
    if (c.phase == Phase::kHeld) {
      --established_;  // it no longer counts as held
    }
    if (was_in_flight && c.fd >= 0) {
      --in_flight_;
    }
    ++failures_;
    ++errors_[reason];
    finish(i, Phase::kFailed);
  }

  void finish(size_t i, Phase phase) {
    Client& c = clients_[i];
    if (c.phase == Phase::kClosing) {
      --closing_;
      if (c.clean_close) {
        ++clean_closes_;
      }
    }
    if (c.fd >= 0) {
      ::close(c.fd);
      c.fd = -1;
    }
    c.phase = phase;
    c.tls.reset();
  }

  std::shared_ptr<const ClientConfig> config_;
  std::string server_name_;
  sockaddr_storage target_;
  socklen_t target_len_;
  std::vector<Client> clients_;
  size_t parallel_;
  Bytes request_;
  int epoll_ = -1;
  size_t next_ = 0;
  size_t in_flight_ = 0;
  size_t established_ = 0;
  size_t failures_ = 0;
  size_t handshakes_ = 0;
  size_t closing_ = 0;
  size_t clean_closes_ = 0;
  std::map<std::string, size_t> errors_;
  std::vector<double> latencies_ms_;
  SteadyClock::time_point start_;
  SteadyClock::time_point establish_end_;
  SteadyClock::time_point last_handshake_;
  uint8_t buffer_[16 * 1024 + 512];
  uint8_t plain_[16 * 1024 + 512];
};

}  // namespace

int load_main(int argc, char** argv) {
  OptionSpec spec;
  spec.with_value = {"-n",           "--duration",   "--parallel",  "--request",
                     "--pin-sha256", "--servername", "--server-pid"};
  spec.flags = {"--insecure", "--help", "-h"};
  std::string error;
  std::optional<Args> args = parse_args(argc, argv, 2, spec, error);
  if (!args) {
    return usage_error("load", error);
  }
  if (args->has("--help") || args->has("-h")) {
    std::fputs(kLoadUsage, stdout);
    return 0;
  }
  if (args->positionals.size() != 1) {
    fail_usage("give exactly one HOST:PORT");
    return 2;
  }
  uint64_t n = 0;
  if (!args->value("-n") || !parse_count(*args->value("-n"), 1, kMaxConnections, n)) {
    fail_usage("-n needs a number of connections from 1 to " + std::to_string(kMaxConnections));
    return 2;
  }
  double duration = 60;
  if (auto v = args->value("--duration")) {
    char* end = nullptr;
    duration = std::strtod(v->c_str(), &end);
    if (v->empty() || *end != '\0' || !(duration > 0) || duration > 3600) {
      fail_usage("--duration needs seconds in (0, 3600]");
      return 2;
    }
  }
  uint64_t parallel = 64;
  if (auto v = args->value("--parallel"); v && !parse_count(*v, 1, kMaxConnections, parallel)) {
    fail_usage("--parallel needs a number from 1 to " + std::to_string(kMaxConnections));
    return 2;
  }
  uint64_t request = 64;
  if (auto v = args->value("--request"); v && !parse_count(*v, 0, kMaxRequest, request)) {
    fail_usage("--request needs a size from 0 to " + std::to_string(kMaxRequest));
    return 2;
  }
  std::vector<long> server_pids;
  for (const std::string& text : args->values("--server-pid")) {
    std::vector<std::string> items = split_list(text);
    if (items.empty()) {
      fail_usage("--server-pid needs process ids");
      return 2;
    }
    for (const std::string& item : items) {
      uint64_t pid = 0;
      if (!parse_count(item, 1, 1u << 30, pid)) {
        fail_usage("--server-pid needs process ids, got \"" + item + "\"");
        return 2;
      }
      server_pids.push_back(static_cast<long>(pid));
    }
  }

  ClientConfig::Builder builder;
  std::vector<std::array<uint8_t, 32>> pins;
  for (const std::string& text : args->values("--pin-sha256")) {
    for (const std::string& item : split_list(text)) {
      std::optional<std::array<uint8_t, 32>> pin = parse_pin(item);
      if (!pin) {
        fail_usage("--pin-sha256 needs 64 hex digits, got \"" + item + "\"");
        return 2;
      }
      pins.push_back(*pin);
    }
  }
  if (!pins.empty()) {
    builder.verifier(pin_sha256_verifier(pins));
  } else if (args->has("--insecure")) {
    builder.dangerous_accept_any_server_certificate();
  } else {
    fail_usage("give --pin-sha256 HEX or --insecure (load tests use throwaway certificates)");
    return 2;
  }
  // Every connection makes a full handshake: a load test that resumed the tickets of earlier
  // connections would measure another thing (and compare unlike with unlike across servers).
  builder.session_store(nullptr);
  Result<std::shared_ptr<const ClientConfig>> config = builder.build();
  if (!config.ok()) {
    note("invalid configuration: " + config.error().to_string());
    return 1;
  }

  std::optional<HostPort> hp = split_host_port(args->positionals[0], "");
  if (!hp || hp->port.empty()) {
    fail_usage("cannot parse \"" + args->positionals[0] + "\" as HOST:PORT");
    return 2;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* results = nullptr;
  if (int rc = ::getaddrinfo(hp->host.c_str(), hp->port.c_str(), &hints, &results); rc != 0) {
    note("cannot resolve " + hp->host + ": " + ::gai_strerror(rc));
    return 1;
  }
  sockaddr_storage target{};
  socklen_t target_len = 0;
  bool found = false;
  for (addrinfo* ai = results; ai != nullptr && !found; ai = ai->ai_next) {
    if (is_loopback(ai->ai_addr) && ai->ai_addrlen <= sizeof(target)) {
      std::memcpy(&target, ai->ai_addr, ai->ai_addrlen);
      target_len = ai->ai_addrlen;
      found = true;
    }
  }
  ::freeaddrinfo(results);
  if (!found) {
    note("refusing " + hp->host + ": load runs only against loopback addresses (127.0.0.0/8, ::1)");
    return 2;
  }

  std::string said;
  uint64_t limit = raise_file_limit(n * 2 + 100, said);
  if (!said.empty()) {
    note(said);
  }
  if (limit < n + 32) {
    note("the open file limit (" + std::to_string(limit) + ") is too low for " + std::to_string(n) +
         " connections");
    return 1;
  }

  std::string server_name = args->value("--servername").value_or("localhost");
  std::printf("target: %s port %s, %llu connections, request %llu bytes, %llu in flight\n",
              hp->host.c_str(), hp->port.c_str(), static_cast<unsigned long long>(n),
              static_cast<unsigned long long>(request), static_cast<unsigned long long>(parallel));
  std::fflush(stdout);

  auto run =
      std::make_unique<LoadRun>(*config, server_name, target, target_len, static_cast<size_t>(n),
                                static_cast<size_t>(parallel), static_cast<size_t>(request));
  if (!run->init()) {
    note(std::string("epoll: ") + std::strerror(errno));
    return 1;
  }
  std::optional<ServerSample> before;
  if (!server_pids.empty()) {
    before = sample_servers(server_pids);
  }
  const double own_before = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID).value_or(0);
  auto deadline = SteadyClock::now() + std::chrono::duration_cast<SteadyClock::duration>(
                                           std::chrono::duration<double>(duration));
  run->establish(deadline);
  const double own_cpu = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID).value_or(0) - own_before;
  std::optional<ServerSample> after;
  if (before) {
    after = sample_servers(server_pids);
  }
  run->close_all();
  run->print(before, after, own_cpu);
  return run->all_established() ? 0 : 1;
}

}  // namespace glasstls::cli
