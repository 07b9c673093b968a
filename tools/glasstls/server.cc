// server.cc: `glasstls server`, a TLS 1.3 server that serves connections one after another.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

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

}  // namespace

int server_main(int argc, char** argv) {
  OptionSpec spec;
  spec.with_value = {"--cert",   "--key",          "--host",    "--port",  "--alpn",
                     "--sni",    "--ciphersuites", "--sigalgs", "--groups", "--keylog",
                     "--verify-client", "--html"};
  spec.flags = {"--echo", "--www", "--once", "--key-update", "--require-client-cert", "--trace",
                "--help", "-h"};
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
