// client.cc: `glasstls client HOST:PORT`, a TLS 1.3 client that copies stdin to the
// connection and the connection to stdout.

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "common.h"
#include "glasstls/socket.h"
#include "glasstls/x509.h"

namespace glasstls::cli {

namespace {

constexpr const char kClientUsage[] =
    "usage: glasstls client HOST:PORT [options]\n"
    "\n"
    "Connects to HOST:PORT (a name, an IPv4 address, or [IPv6]:PORT), completes a TLS 1.3\n"
    "handshake, prints the negotiated parameters to stderr, then copies stdin to the connection\n"
    "and the connection to stdout. At the end of stdin it sends close_notify and waits for the\n"
    "server's. Exits 0 after a clean close_notify exchange.\n"
    "\n"
    "options:\n"
    "  --servername NAME     name sent as SNI and checked by the verifier (default: HOST)\n"
    "  --alpn LIST           application protocols to offer, e.g. h2,http/1.1\n"
    "  --cafile PEM          verify the server's chain against these CAs (default: the\n"
    "                        system store, /etc/ssl/certs/ca-certificates.crt)\n"
    "  --pin-sha256 HEX      instead of CA verification, trust a server whose\n"
    "                        SubjectPublicKeyInfo has this SHA-256 (hex); may be repeated\n"
    "  --insecure            accept any server certificate (testing only)\n"
    "  --groups LIST         groups to offer, e.g. X25519:P-256; the first gets a key share\n"
    "  --ciphersuites LIST   cipher suites to offer, e.g. TLS_AES_128_GCM_SHA256\n"
    "  --sigalgs LIST        signature schemes to accept, e.g. ecdsa_secp256r1_sha256:ed25519\n"
    "  --keylog FILE         append NSS key log lines to FILE (default: $SSLKEYLOGFILE)\n"
    "  --cert PEM --key PEM  client certificate chain and key, if the server asks for one\n"
    "  --key-update          send a KeyUpdate (update_requested) after the handshake\n"
    "  --trace               show every record, field and key schedule step on stderr (this\n"
    "                        shows the connection's secrets)\n"
    "  --html FILE           write the traced conversation as a self-contained HTML page\n"
    "  --help                show this help\n"
    "\n"
    "Lists are separated by ':' or ','. The server's chain is validated (path, dates, key\n"
    "usage, serverAuth, the name given by --servername or HOST) unless a pin or --insecure is\n"
    "given; a server that fails the check fails the handshake.\n";

constexpr size_t kBufferSize = 16 * 1024 + 512;

int fail(const std::string& message) {
  std::fprintf(stderr, "glasstls client: %s\n", message.c_str());
  return 1;
}

// drain copies all readable application data to stdout.
void drain(Connection& conn) {
  uint8_t buf[kBufferSize];
  while (conn.readable() > 0) {
    size_t n = conn.read(buf);
    if (n == 0) {
      break;
    }
    write_fd(STDOUT_FILENO, std::span<const uint8_t>(buf, n));
  }
}

// send_some sends as much of the connection's output as the socket takes without blocking.
// False (with `error` set) on a transport error.
bool send_some(int fd, Connection& conn, std::string& error) {
  while (conn.wants_write()) {
    std::span<const uint8_t> out = conn.output();
    ssize_t n = ::send(fd, out.data(), out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        return true;
      }
      error = std::string("send: ") + std::strerror(errno);
      return false;
    }
    conn.consume_output(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

int client_main(int argc, char** argv) {
  OptionSpec spec;
  spec.with_value = {"--servername", "--alpn",  "--pin-sha256", "--groups", "--ciphersuites", "--cafile", "--html",
                     "--sigalgs",    "--keylog", "--cert",       "--key"};
  spec.flags = {"--insecure", "--key-update", "--trace", "--help", "-h"};
  std::string error;
  std::optional<Args> args = parse_args(argc, argv, 2, spec, error);
  if (!args) {
    std::fprintf(stderr, "glasstls client: %s\n\n%s", error.c_str(), kClientUsage);
    return 2;
  }
  if (args->has("--help") || args->has("-h")) {
    std::fputs(kClientUsage, stdout);
    return 0;
  }
  if (args->positionals.size() != 1) {
    std::fprintf(stderr, "glasstls client: expected one HOST:PORT\n\n%s", kClientUsage);
    return 2;
  }
  std::optional<HostPort> target = split_host_port(args->positionals[0], "443");
  if (!target) {
    return fail("malformed address \"" + args->positionals[0] + "\"");
  }

  ClientConfig::Builder builder;
  if (auto v = args->value("--ciphersuites")) {
    auto suites = parse_suites(*v, error);
    if (!suites) {
      return fail(error);
    }
    builder.cipher_suites(*suites);
  }
  if (auto v = args->value("--groups")) {
    auto groups = parse_groups(*v, error);
    if (!groups) {
      return fail(error);
    }
    builder.groups(*groups);
    // Only the first group gets a key share, so a server that prefers another one has to
    // send a HelloRetryRequest.
    builder.key_share_groups({groups->front()});
  }
  if (auto v = args->value("--sigalgs")) {
    auto schemes = parse_sigalgs(*v, error);
    if (!schemes) {
      return fail(error);
    }
    builder.signature_schemes(*schemes);
  }
  if (auto v = args->value("--alpn")) {
    builder.alpn(split_list(*v));
  }
  std::string verification;
  std::vector<std::array<uint8_t, 32>> pins;
  for (const std::string& text : args->values("--pin-sha256")) {
    for (const std::string& item : split_list(text)) {
      std::optional<std::array<uint8_t, 32>> pin = parse_pin(item);
      if (!pin) {
        return fail("--pin-sha256 needs 64 hex digits, got \"" + item + "\"");
      }
      pins.push_back(*pin);
    }
  }
  if (!pins.empty()) {
    builder.verifier(pin_sha256_verifier(pins));
    verification = "server SubjectPublicKeyInfo matched a --pin-sha256 pin";
  }
  if (args->has("--insecure")) {
    builder.dangerous_accept_any_server_certificate();
    verification = "NONE: --insecure accepted any certificate";
  }
  if (pins.empty() && !args->has("--insecure")) {
    Result<std::shared_ptr<const TrustStore>> roots =
        args->value("--cafile") ? TrustStore::from_file(*args->value("--cafile"))
                                : TrustStore::system();
    if (!roots.ok()) {
      return fail("cannot load the trust store: " + roots.error().to_string());
    }
    verification = "chain validated against " +
                   (args->value("--cafile") ? *args->value("--cafile")
                                            : std::string("the system trust store")) +
                   " (" + std::to_string((*roots)->size()) + " anchors)";
    builder.verifier(webpki_verifier(*roots, CertificatePurpose::kServerAuth));
  }
  if (auto path = args->value("--keylog")) {
    std::shared_ptr<KeyLog> log = key_log_file(*path);
    if (!log) {
      return fail("cannot open key log file " + *path);
    }
    builder.key_log(log);
  } else if (std::shared_ptr<KeyLog> log = key_log_from_env()) {
    builder.key_log(log);
  }
  if (args->has("--cert") != args->has("--key")) {
    return fail("--cert and --key go together");
  }
  if (args->has("--cert")) {
    CertificateChain chain;
    std::optional<PrivateKey> key;
    if (!load_chain_and_key(*args->value("--cert"), *args->value("--key"), chain, key, error)) {
      return fail(error);
    }
    builder.client_certificate(std::move(chain), std::move(*key));
  }
  Result<std::shared_ptr<const ClientConfig>> config = builder.build();
  if (!config.ok()) {
    std::string message = "invalid configuration: " + config.error().to_string();
    return fail(message);
  }

  std::string server_name = args->value("--servername").value_or(target->host);
  int fd = connect_tcp(target->host, target->port, error);
  if (fd < 0) {
    return fail(error);
  }
  std::shared_ptr<LiveTrace> trace = make_live_trace(*args);
  TraceOptions trace_options;
  trace_options.show_secrets = true;
  Result<Connection> conn = Connection::client(*config, server_name, trace, trace_options);
  // The page is written however the connection ends.
  struct WriteTraceAtEnd {
    const std::shared_ptr<LiveTrace>& trace;
    const Args& args;
    ~WriteTraceAtEnd() {
      std::string error;
      if (trace && !finish_live_trace(*trace, args, "glasstls client", error)) {
        std::fprintf(stderr, "glasstls client: %s\n", error.c_str());
      }
    }
  } write_trace_at_end{trace, *args};
  if (!conn.ok()) {
    ::close(fd);
    return fail("cannot start the connection: " + conn.error().to_string());
  }
  SocketStream stream(fd, std::move(*conn));
  Connection& c = stream.connection();
  if (Status hs = stream.handshake(); !hs.ok()) {
    ::close(fd);
    return fail("handshake failed: " + hs.error().to_string());
  }
  print_parameters(c, "glasstls client: connected to " + args->positionals[0]);
  std::fprintf(stderr, "  verification: %s\n", verification.c_str());
  std::fflush(stderr);

  if (args->has("--key-update")) {
    Status ku = c.key_update(true);
    if (ku.ok()) {
      ku = stream.flush();
    }
    if (!ku.ok()) {
      ::close(fd);
      return fail("key update failed: " + ku.error().to_string());
    }
    std::fputs("glasstls client: sent KeyUpdate (update_requested)\n", stderr);
  }

  // The copy loop never blocks on send(): while the connection holds unsent bytes it stops
  // reading stdin and waits for the socket to drain, so a peer that echoes everything (and
  // stops reading while its own sends block) cannot deadlock with us.
  bool stdin_open = true;
  bool we_closed = false;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  uint8_t buf[kBufferSize];
  int status = 0;
  std::string send_error;
  for (;;) {
    bytes_in += c.readable();
    drain(c);
    if (c.peer_closed()) {
      if (!we_closed) {
        c.close();
      }
      // Best effort: the peer has finished; a failed send of our close_notify changes nothing.
      Status flushed = stream.flush();
      (void)flushed;
      std::fputs("glasstls client: received close_notify\n", stderr);
      break;
    }
    bool pending = c.wants_write();
    pollfd fds[2];
    fds[0] = {fd, static_cast<short>(POLLIN | (pending ? POLLOUT : 0)), 0};
    fds[1] = {STDIN_FILENO, POLLIN, 0};
    int nfds = stdin_open && !pending ? 2 : 1;
    int r = ::poll(fds, static_cast<nfds_t>(nfds), -1);
    if (r < 0) {
      if (errno == EINTR) {
        continue;
      }
      status = fail(std::string("poll: ") + std::strerror(errno));
      break;
    }
    if ((fds[0].revents & POLLOUT) != 0 && !send_some(fd, c, send_error)) {
      status = fail(send_error);
      break;
    }
    if (nfds == 2 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      ssize_t n = ::read(STDIN_FILENO, buf, sizeof(buf));
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n > 0) {
        Status w = c.write(std::span<const uint8_t>(buf, static_cast<size_t>(n)));
        if (!w.ok()) {
          status = fail("write failed: " + w.error().to_string());
          break;
        }
        bytes_out += static_cast<uint64_t>(n);
      } else {
        stdin_open = false;
        we_closed = true;
        c.close();
        std::fputs("glasstls client: end of stdin, sending close_notify\n", stderr);
      }
      if (!send_some(fd, c, send_error)) {
        status = fail(send_error);
        break;
      }
    }
    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      ssize_t n;
      do {
        n = ::recv(fd, buf, sizeof(buf), 0);
      } while (n < 0 && errno == EINTR);
      if (n < 0) {
        status = fail(std::string("recv: ") + std::strerror(errno));
        break;
      }
      if (n == 0) {
        status = fail(c.state() == ConnectionState::kFailed && c.error() != nullptr
                          ? c.error()->to_string()
                          : "peer closed the transport without close_notify (truncation)");
        break;
      }
      Status received = c.receive(std::span<const uint8_t>(buf, static_cast<size_t>(n)));
      if (!received.ok()) {
        // Send the fatal alert the connection queued, then report.
        Status flushed = stream.flush();
        (void)flushed;
        bytes_in += c.readable();
        drain(c);
        status = fail(received.error().to_string());
        break;
      }
      if (!send_some(fd, c, send_error)) {
        status = fail(send_error);
        break;
      }
    }
  }
  std::fprintf(stderr, "  bytes sent: %llu, bytes received: %llu\n",
               static_cast<unsigned long long>(bytes_out),
               static_cast<unsigned long long>(bytes_in));
  std::fprintf(stderr, "  key updates received: %llu\n",
               static_cast<unsigned long long>(c.key_updates_received()));
  if (status == 0) {
    std::fputs("glasstls client: closed cleanly (close_notify both ways)\n", stderr);
  }
  ::close(fd);
  return status;
}

}  // namespace glasstls::cli
