// common.cc: helpers shared by the `glasstls` subcommands.

#include "common.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "glasstls/x509.h"

namespace glasstls::cli {

bool Args::has(const std::string& name) const {
  return flags.count(name) > 0 || options.count(name) > 0;
}

std::optional<std::string> Args::value(const std::string& name) const {
  auto it = options.find(name);
  if (it == options.end() || it->second.empty()) {
    return std::nullopt;
  }
  return it->second.back();
}

std::vector<std::string> Args::values(const std::string& name) const {
  auto it = options.find(name);
  if (it == options.end()) {
    return {};
  }
  return it->second;
}

std::optional<Args> parse_args(int argc, char** argv, int first, const OptionSpec& spec,
                               std::string& error) {
  Args args;
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.size() < 2 || arg[0] != '-' || arg == "--") {
      args.positionals.push_back(arg);
      continue;
    }
    std::string name = arg;
    std::optional<std::string> inline_value;
    if (size_t eq = arg.find('='); eq != std::string::npos) {
      name = arg.substr(0, eq);
      inline_value = arg.substr(eq + 1);
    }
    if (spec.flags.count(name) > 0) {
      if (inline_value) {
        error = "option " + name + " takes no value";
        return std::nullopt;
      }
      args.flags.insert(name);
      continue;
    }
    if (spec.with_value.count(name) > 0) {
      if (inline_value) {
        args.options[name].push_back(*inline_value);
        continue;
      }
      if (i + 1 >= argc) {
        error = "option " + name + " needs a value";
        return std::nullopt;
      }
      args.options[name].push_back(argv[++i]);
      continue;
    }
    std::vector<std::string> known(spec.flags.begin(), spec.flags.end());
    known.insert(known.end(), spec.with_value.begin(), spec.with_value.end());
    error = "unknown option " + name;
    if (std::string near = closest_name(name, known); !near.empty()) {
      error += "; did you mean " + near + "?";
    }
    return std::nullopt;
  }
  return args;
}

namespace {

// edit_distance is the optimal string alignment distance: insertions, deletions,
// substitutions and swaps of two neighbouring characters each count one ("--prot" is one step
// from "--port").
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) {
    d[i][0] = i;
  }
  for (size_t j = 0; j <= b.size(); ++j) {
    d[0][j] = j;
  }
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string_view strip_dashes(std::string_view name) {
  while (!name.empty() && name.front() == '-') {
    name.remove_prefix(1);
  }
  return name;
}

}  // namespace

std::string closest_name(std::string_view given, const std::vector<std::string>& candidates) {
  std::string_view bare = strip_dashes(given);
  std::string best;
  size_t best_distance = SIZE_MAX;
  std::vector<std::string> extending;
  for (const std::string& candidate : candidates) {
    std::string_view other = strip_dashes(candidate);
    // A typo costs about one edit in three characters; short names must match nearly exactly,
    // or every short mistake would "mean" -h.
    size_t allowed = std::max<size_t>(other.size() >= 4 ? 1 : 0, other.size() / 3);
    size_t distance = edit_distance(bare, other);
    if (distance <= allowed &&
        (distance < best_distance || (distance == best_distance && candidate < best))) {
      best = candidate;
      best_distance = distance;
    }
    if (bare.size() >= 3 && other.size() > bare.size() && other.substr(0, bare.size()) == bare) {
      extending.push_back(candidate);
    }
  }
  if (extending.size() == 1 && (best.empty() || best_distance > 1)) {
    // The beginning of exactly one option ("--connect" for "--connect-timeout", rather than
    // "--reconnect", two edits away) unless an option is one typo away.
    return extending.front();
  }
  return best;
}

int usage_error(std::string_view command, std::string_view message) {
  std::string prefix = command.empty() ? "glasstls" : "glasstls " + std::string(command);
  std::fprintf(stderr, "%s: %.*s\nRun `%s --help` for the options.\n", prefix.c_str(),
               static_cast<int>(message.size()), message.data(), prefix.c_str());
  return 2;
}

std::optional<uint16_t> parse_port(std::string_view text, bool allow_zero, std::string& error) {
  std::string range = allow_zero ? "from 0 (any free port) to 65535" : "from 1 to 65535";
  error = "invalid port \"" + std::string(text) + "\": a port is a number " + range;
  // getaddrinfo would take a service name ("https"), and a number above 65535 modulo 2^16
  // ("99999" as 34463): neither is what the user asked for.
  if (text.empty() || text.size() > 5) {
    return std::nullopt;
  }
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 65535 || (value == 0 && !allow_zero)) {
    return std::nullopt;
  }
  error.clear();
  return static_cast<uint16_t>(value);
}

std::optional<double> parse_seconds(std::string_view text) {
  std::string copy(text);
  char* end = nullptr;
  errno = 0;
  double value = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size() || errno != 0 || !std::isfinite(value) ||
      !(value > 0)) {
    return std::nullopt;
  }
  return value;
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  std::string current;
  for (char c : text) {
    if (c == ':' || c == ',') {
      if (!current.empty()) {
        items.push_back(current);
      }
      current.clear();
    } else if (c != ' ') {
      current.push_back(c);
    }
  }
  if (!current.empty()) {
    items.push_back(current);
  }
  return items;
}

namespace {

template <typename T, typename Parse>
std::optional<std::vector<T>> parse_named_list(std::string_view text, std::string& error,
                                               const char* what, Parse parse) {
  std::vector<T> out;
  for (const std::string& item : split_list(text)) {
    std::optional<T> v = parse(item);
    if (!v) {
      error = std::string("unknown ") + what + " \"" + item + "\"";
      return std::nullopt;
    }
    out.push_back(*v);
  }
  if (out.empty()) {
    error = std::string("empty list of ") + what + "s";
    return std::nullopt;
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

}  // namespace

std::optional<std::vector<CipherSuite>> parse_suites(std::string_view text, std::string& error) {
  return parse_named_list<CipherSuite>(text, error, "cipher suite", parse_cipher_suite);
}

namespace {
std::optional<ProtocolVersion> parse_version_name(std::string_view v) {
  if (v == "TLSv1.2" || v == "1.2" || v == "tls1.2" || v == "TLS1.2") {
    return ProtocolVersion::TLSv1_2;
  }
  if (v == "TLSv1.3" || v == "1.3" || v == "tls1.3" || v == "TLS1.3") {
    return ProtocolVersion::TLSv1_3;
  }
  return std::nullopt;
}
}  // namespace

std::optional<VersionRange> parse_versions(const Args& args, std::string& error) {
  VersionRange r;
  const bool only12 = args.has("--tls1_2");
  const bool only13 = args.has("--tls1_3");
  if (only12 && only13) {
    error = "--tls1_2 and --tls1_3 exclude each other (without either, both are spoken)";
    return std::nullopt;
  }
  for (const char* option : {"--min-protocol", "--max-protocol"}) {
    if (auto v = args.value(option)) {
      std::optional<ProtocolVersion> parsed = parse_version_name(*v);
      if (!parsed) {
        error = std::string(option) +
                " takes TLSv1.2 or TLSv1.3 (glasstls speaks no other), got \"" + *v + "\"";
        return std::nullopt;
      }
      (std::string_view(option) == "--min-protocol" ? r.min : r.max) = *parsed;
    }
  }
  if (only12) {
    r.min = r.max = ProtocolVersion::TLSv1_2;
  } else if (only13) {
    r.min = r.max = ProtocolVersion::TLSv1_3;
  }
  if (static_cast<uint16_t>(r.min) > static_cast<uint16_t>(r.max)) {
    error = "the minimum protocol version is above the maximum";
    return std::nullopt;
  }
  return r;
}

std::string connection_summary_line(const Connection& conn) {
  const char* version = conn.version() == ProtocolVersion::TLSv1_3   ? "TLSv1.3"
                        : conn.version() == ProtocolVersion::TLSv1_2 ? "TLSv1.2"
                                                                     : "(none)";
  return std::string(conn.resumed() ? "Reused, " : "New, ") + version + ", Cipher is " +
         std::string(name(conn.cipher_suite()));
}

std::optional<std::vector<NamedGroup>> parse_groups(std::string_view text, std::string& error) {
  return parse_named_list<NamedGroup>(text, error, "group", parse_named_group);
}

std::optional<std::vector<SignatureScheme>> parse_sigalgs(std::string_view text,
                                                          std::string& error) {
  return parse_named_list<SignatureScheme>(text, error, "signature scheme", parse_signature_scheme);
}

std::optional<std::array<uint8_t, 32>> parse_pin(std::string_view hex) {
  std::string digits;
  for (char c : hex) {
    if (c == ':' || c == ' ') {
      continue;
    }
    digits.push_back(c);
  }
  if (digits.size() != 64) {
    return std::nullopt;
  }
  std::array<uint8_t, 32> pin{};
  for (size_t i = 0; i < 32; ++i) {
    int hi = hex_value(digits[2 * i]);
    int lo = hex_value(digits[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return std::nullopt;
    }
    pin[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return pin;
}

std::string to_hex(std::span<const uint8_t> bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0f]);
  }
  return out;
}

std::optional<std::string> read_file(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) {
    error = "cannot read " + path;
    return std::nullopt;
  }
  return contents.str();
}

std::optional<HostPort> split_host_port(std::string_view text, std::string_view default_port,
                                        std::string& error) {
  HostPort hp;
  std::string_view port;
  bool port_given = false;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) {
      error = "malformed address \"" + std::string(text) + "\": \"[\" without \"]\"";
      return std::nullopt;
    }
    hp.host = std::string(text.substr(1, close - 1));
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') {
      error = "malformed address \"" + std::string(text) + "\": expected \":PORT\" after \"]\"";
      return std::nullopt;
    }
    port_given = !rest.empty();
    port = port_given ? rest.substr(1) : default_port;
  } else {
    size_t colon = text.rfind(':');
    // A bare IPv6 address has more than one colon; treat it as a host without a port.
    if (colon == std::string_view::npos || text.find(':') != colon) {
      hp.host = std::string(text);
      port = default_port;
    } else {
      hp.host = std::string(text.substr(0, colon));
      port = text.substr(colon + 1);
      port_given = true;
    }
  }
  if (hp.host.empty()) {
    error = "malformed address \"" + std::string(text) + "\": no host";
    return std::nullopt;
  }
  // An empty default means the caller requires a port and checks for it.
  if (port_given || !port.empty()) {
    if (!parse_port(port, false, error)) {
      error = "invalid port \"" + std::string(port) + "\" in \"" + std::string(text) +
              "\": a port is a number from 1 to 65535";
      return std::nullopt;
    }
  }
  hp.port = std::string(port);
  return hp;
}

std::optional<HostPort> split_host_port(std::string_view text, std::string_view default_port) {
  std::string error;
  return split_host_port(text, default_port, error);
}

namespace {

std::string seconds_text(int ms) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g s", ms / 1000.0);
  return text;
}

// kDeadlinePassed is what connect_one returns when it gave up waiting (not an errno value, so
// that it cannot be mistaken for the kernel's own ETIMEDOUT).
constexpr int kDeadlinePassed = -1;

// connect_one connects `fd` (non-blocking) to `addr`, waiting until `deadline` (no limit when
// it is nullopt). Returns 0, an errno value, or kDeadlinePassed.
int connect_one(int fd, const addrinfo& addr,
                std::optional<std::chrono::steady_clock::time_point> deadline) {
  if (::connect(fd, addr.ai_addr, addr.ai_addrlen) == 0) {
    return 0;
  }
  // EINTR leaves the connection going on in the background, as EINPROGRESS does.
  if (errno != EINPROGRESS && errno != EINTR) {
    return errno;
  }
  for (;;) {
    int wait_ms = -1;
    if (deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          *deadline - std::chrono::steady_clock::now());
      wait_ms = static_cast<int>(std::max<int64_t>(0, left.count()));
    }
    pollfd p{fd, POLLOUT, 0};
    int r = ::poll(&p, 1, wait_ms);
    if (r < 0 && errno == EINTR) {
      continue;
    }
    if (r < 0) {
      return errno;
    }
    if (r == 0) {
      return kDeadlinePassed;
    }
    int so_error = 0;
    socklen_t len = sizeof(so_error);
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) != 0) {
      return errno;
    }
    return so_error;
  }
}

}  // namespace

int connect_tcp(const std::string& host, const std::string& port, std::string& error,
                int timeout_ms) {
  if (!parse_port(port, false, error)) {
    return -1;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* results = nullptr;
  int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &results);
  if (rc != 0) {
    error = "cannot resolve " + host + ": " + ::gai_strerror(rc);
    return -1;
  }
  std::optional<std::chrono::steady_clock::time_point> deadline;
  if (timeout_ms >= 0) {
    deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  }
  int fd = -1;
  error = "no address for " + host;
  for (addrinfo* ai = results; ai != nullptr; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) {
      error = std::string("socket: ") + std::strerror(errno);
      continue;
    }
    int err = connect_one(fd, *ai, deadline);
    if (err == 0) {
      // The callers use blocking sockets (and MSG_DONTWAIT where they must not block).
      int flags = ::fcntl(fd, F_GETFL);
      if (flags >= 0 && ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == 0) {
        break;
      }
      err = errno;
    }
    ::close(fd);
    fd = -1;
    if (err == kDeadlinePassed) {
      error = "cannot connect to " + host + " port " + port + ": no answer within " +
              seconds_text(timeout_ms) + " (connect timeout)";
      break;
    }
    error = "cannot connect to " + host + " port " + port + ": " + std::strerror(err);
  }
  ::freeaddrinfo(results);
  return fd;
}

int listen_tcp(const std::string& host, const std::string& port, uint16_t& bound_port,
               std::string& error) {
  if (!parse_port(port, true, error)) {
    return -1;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* results = nullptr;
  int rc = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &results);
  if (rc != 0) {
    error = "cannot resolve " + host + ": " + ::gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  error = "no address for " + host;
  for (addrinfo* ai = results; ai != nullptr; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      error = std::string("socket: ") + std::strerror(errno);
      continue;
    }
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(fd, 16) == 0) {
      sockaddr_storage bound{};
      socklen_t len = sizeof(bound);
      if (::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len) == 0) {
        if (bound.ss_family == AF_INET) {
          bound_port = ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
        } else if (bound.ss_family == AF_INET6) {
          bound_port = ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
        }
      }
      break;
    }
    error = "cannot listen on " + host + " port " + port + ": " + std::strerror(errno);
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(results);
  return fd;
}

bool load_chain_and_key(const std::string& cert_path, const std::string& key_path,
                        CertificateChain& chain, std::optional<PrivateKey>& key,
                        std::string& error) {
  std::optional<std::string> cert_pem = read_file(cert_path, error);
  if (!cert_pem) {
    return false;
  }
  std::optional<std::string> key_pem = read_file(key_path, error);
  if (!key_pem) {
    return false;
  }
  Result<CertificateChain> loaded = load_certificate_chain(*cert_pem);
  if (!loaded.ok()) {
    error = cert_path + ": " + loaded.error().to_string();
    return false;
  }
  Result<PrivateKey> loaded_key = PrivateKey::from_pem(*key_pem);
  if (!loaded_key.ok()) {
    error = key_path + ": " + loaded_key.error().to_string();
    return false;
  }
  chain = std::move(*loaded);
  key = std::move(*loaded_key);
  return true;
}

std::string describe_certificate(std::span<const uint8_t> der) {
  auto cert = glasstls::describe_certificate(der);
  if (cert.ok()) {
    return "subject " + cert->subject;
  }
  return "unparsable certificate (" + std::to_string(der.size()) +
         " bytes DER): " + cert.error().to_string();
}

std::string alpn_or_none(const Connection& conn) {
  std::optional<std::string> alpn = conn.alpn();
  return alpn ? *alpn : std::string("(none)");
}

void print_parameters(const Connection& conn, std::string_view title,
                      std::string_view server_name_line) {
  std::string out;
  out += std::string(title) + "\n";
  out += "  " + connection_summary_line(conn) + "\n";
  out += "  version: " + std::string(explain(conn.version())) + "\n";
  out += "  cipher suite: " + std::string(name(conn.cipher_suite())) + "\n";
  std::string_view group = name(conn.group());
  out += "  group: " +
         (group.empty() ? std::string(conn.version() == ProtocolVersion::TLSv1_2
                                          ? "(finite-field DH parameters of the server's own)"
                                          : "(none)")
                        : std::string(group)) +
         "\n";
  if (conn.version() == ProtocolVersion::TLSv1_2) {
    out += "  extended master secret: " +
           std::string(conn.extended_master_secret() ? "yes" : "no (exporters disabled)") + "\n";
    out += "  encrypt-then-MAC: " + std::string(conn.encrypt_then_mac() ? "yes" : "no") + "\n";
  }
  std::string_view scheme = name(conn.peer_signature_scheme());
  out += "  peer signature scheme: " + std::string(scheme.empty() ? "(none)" : scheme) + "\n";
  out += "  hello retry request: " + std::string(conn.hello_retry_request() ? "yes" : "no") + "\n";
  if (conn.early_data_status() != EarlyDataStatus::kNotOffered) {
    out += "  early data (0-RTT): " + std::string(name(conn.early_data_status())) + "\n";
  }
  out += "  ALPN: " + alpn_or_none(conn) + "\n";
  if (!server_name_line.empty()) {
    out += "  " + std::string(server_name_line) + "\n";
  } else {
    std::string_view sni = conn.server_name();
    out += "  server name: " + std::string(sni.empty() ? "(none)" : sni) + "\n";
  }
  const std::vector<Bytes>& chain = conn.peer_certificates();
  if (chain.empty()) {
    out += "  peer certificate: (none)\n";
  } else {
    out += "  peer certificate: " + describe_certificate(chain.front()) + " (chain of " +
           std::to_string(chain.size()) + ")\n";
  }
  std::fputs(out.c_str(), stderr);
  std::fflush(stderr);
}

bool write_fd(int fd, std::span<const uint8_t> data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

void install_signal_handlers() { ::signal(SIGPIPE, SIG_IGN); }

bool write_file(const std::string& path, std::string_view content, std::string& error) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    error = "cannot write " + path + ": " + std::strerror(errno);
    return false;
  }
  bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok) {
    error = "cannot write " + path;
  }
  return ok;
}

void LiveTrace::on_event(const TraceEvent& event) {
  events.push_back(event);
  if (print_) {
    std::vector<TraceEvent> one = {event};
    std::fputs(render_text(one, options_).c_str(), stderr);
    std::fflush(stderr);
  }
}

std::shared_ptr<LiveTrace> make_live_trace(const Args& args) {
  if (!args.has("--trace") && !args.value("--html")) {
    return nullptr;
  }
  bool colour = ::isatty(STDERR_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr;
  return std::make_shared<LiveTrace>(args.has("--trace"), colour);
}

bool finish_live_trace(const LiveTrace& trace, const Args& args, const std::string& title,
                       std::string& error) {
  std::optional<std::string> path = args.value("--html");
  if (!path) {
    return true;
  }
  if (!write_file(*path, render_html(trace.events, title), error)) {
    return false;
  }
  std::fprintf(stderr, "wrote %s\n", path->c_str());
  return true;
}

SendOutcome send_output(Connection& conn, int fd) {
  SendOutcome outcome;
  while (conn.wants_write()) {
    std::span<const uint8_t> out = conn.output();
    ssize_t n = ::send(fd, out.data(), out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        outcome.blocked = true;
      } else {
        outcome.error = errno;
      }
      break;
    }
    conn.consume_output(static_cast<size_t>(n));
    outcome.sent += static_cast<size_t>(n);
  }
  return outcome;
}

std::optional<uint64_t> proc_status_kb(const std::string& pid, const char* field) {
  std::ifstream in("/proc/" + pid + "/status");
  std::string line;
  size_t len = std::strlen(field);
  while (std::getline(in, line)) {
    if (line.compare(0, len, field) == 0 && line.size() > len && line[len] == ':') {
      return std::strtoull(line.c_str() + len + 1, nullptr, 10);
    }
  }
  return std::nullopt;
}

uint64_t raise_file_limit(uint64_t want, std::string& said) {
  said.clear();
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) {
    said = "cannot read the open file limit; assuming 1024";
    return 1024;
  }
  if (want == 0) {
    want = lim.rlim_max;
  }
  if (lim.rlim_cur >= want) {
    return lim.rlim_cur;
  }
  const rlim_t old = lim.rlim_cur;
  lim.rlim_cur = std::min<rlim_t>(want, lim.rlim_max);
  if (::setrlimit(RLIMIT_NOFILE, &lim) != 0) {
    lim.rlim_cur = old;
  }
  if (lim.rlim_cur < want) {
    said = "cannot raise the open file limit to " + std::to_string(want) + " (hard limit " +
           std::to_string(lim.rlim_max) + "); using " + std::to_string(lim.rlim_cur);
  } else {
    said = "raised the open file limit from " + std::to_string(old) + " to " +
           std::to_string(lim.rlim_cur);
  }
  return lim.rlim_cur;
}

}  // namespace glasstls::cli
