// common.cc: helpers shared by the `glasstls` subcommands.

#include "common.h"

#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#if __has_include("x509/certificate.h")
#include "x509/certificate.h"
#define GLASSTLS_CLI_HAVE_X509 1
#endif

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
    error = "unknown option " + name;
    return std::nullopt;
  }
  return args;
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

std::optional<std::vector<NamedGroup>> parse_groups(std::string_view text, std::string& error) {
  return parse_named_list<NamedGroup>(text, error, "group", parse_named_group);
}

std::optional<std::vector<SignatureScheme>> parse_sigalgs(std::string_view text,
                                                          std::string& error) {
  return parse_named_list<SignatureScheme>(text, error, "signature scheme",
                                           parse_signature_scheme);
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

std::optional<HostPort> split_host_port(std::string_view text, std::string_view default_port) {
  HostPort hp;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    hp.host = std::string(text.substr(1, close - 1));
    std::string_view rest = text.substr(close + 1);
    if (rest.empty()) {
      hp.port = std::string(default_port);
    } else if (rest.front() == ':' && rest.size() > 1) {
      hp.port = std::string(rest.substr(1));
    } else {
      return std::nullopt;
    }
    return hp;
  }
  size_t colon = text.rfind(':');
  // A bare IPv6 address has more than one colon; treat it as a host without a port.
  if (colon == std::string_view::npos || text.find(':') != colon) {
    hp.host = std::string(text);
    hp.port = std::string(default_port);
    return hp;
  }
  hp.host = std::string(text.substr(0, colon));
  hp.port = std::string(text.substr(colon + 1));
  if (hp.host.empty() || hp.port.empty()) {
    return std::nullopt;
  }
  return hp;
}

int connect_tcp(const std::string& host, const std::string& port, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* results = nullptr;
  int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &results);
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
    int r;
    do {
      r = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
    } while (r < 0 && errno == EINTR);
    if (r == 0) {
      break;
    }
    error = "cannot connect to " + host + " port " + port + ": " + std::strerror(errno);
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(results);
  return fd;
}

int listen_tcp(const std::string& host, const std::string& port, uint16_t& bound_port,
               std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
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
#ifdef GLASSTLS_CLI_HAVE_X509
  auto cert = x509::parse_certificate(der);
  if (cert.ok()) {
    return "subject " + x509::name_to_string(cert->subject);
  }
  return "unparsable certificate (" + std::to_string(der.size()) + " bytes DER): " +
         cert.error().to_string();
#else
  return std::to_string(der.size()) + " bytes DER";
#endif
}

std::string alpn_or_none(const Connection& conn) {
  std::optional<std::string> alpn = conn.alpn();
  return alpn ? *alpn : std::string("(none)");
}

void print_parameters(const Connection& conn, std::string_view title) {
  std::string out;
  out += std::string(title) + "\n";
  out += "  version: " + std::string(explain(conn.version())) + "\n";
  out += "  cipher suite: " + std::string(name(conn.cipher_suite())) + "\n";
  out += "  group: " + std::string(name(conn.group())) + "\n";
  std::string_view scheme = name(conn.peer_signature_scheme());
  out += "  peer signature scheme: " + std::string(scheme.empty() ? "(none)" : scheme) + "\n";
  out += "  hello retry request: " + std::string(conn.hello_retry_request() ? "yes" : "no") +
         "\n";
  out += "  ALPN: " + alpn_or_none(conn) + "\n";
  std::string_view sni = conn.server_name();
  out += "  server name: " + std::string(sni.empty() ? "(none)" : sni) + "\n";
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

void install_signal_handlers() {
  ::signal(SIGPIPE, SIG_IGN);
}

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

}  // namespace glasstls::cli
