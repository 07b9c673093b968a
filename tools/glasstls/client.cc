// client.cc: `glasstls client HOST:PORT`, a TLS 1.3 client that copies stdin to the
// connection and the connection to stdout.

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>

#include "common.h"
#include "glasstls/crypto.h"
#include "glasstls/x509.h"

namespace glasstls::cli {

namespace {

constexpr const char kClientUsage[] =
    "usage: glasstls client HOST:PORT [options]\n"
    "\n"
    "Connects to HOST:PORT (a name, an IPv4 address, or [IPv6]:PORT), completes a TLS 1.3 or\n"
    "TLS 1.2 handshake, prints the negotiated parameters to stderr, then copies stdin to the\n"
    "connection and the connection to stdout. At the end of stdin it sends close_notify and\n"
    "waits for the server's.\n"
    "\n"
    "options:\n"
    "  --servername NAME     name sent as SNI and matched against the server's certificate\n"
    "                        (default: HOST; an IP address is matched but never sent as SNI;\n"
    "                        an empty NAME sends no SNI and needs one of the three below)\n"
    "  --dangerous-skip-name-check\n"
    "                        validate the server's chain without matching it to any name:\n"
    "                        every certificate the trusted CAs issued is accepted, for any\n"
    "                        name (testing only)\n"
    "  --cafile PEM          verify the server's chain against these CAs (default: the\n"
    "                        system store, /etc/ssl/certs/ca-certificates.crt)\n"
    "  --crl FILE            also check the server's chain against this CRL (PEM or DER;\n"
    "                        may be repeated)\n"
    "  --revocation soft|hard\n"
    "                        a certificate whose status no CRL or stapled OCSP response\n"
    "                        gives is accepted (soft, the default) or refused (hard)\n"
    "  --pin-sha256 HEX      instead of CA verification, trust a server whose\n"
    "                        SubjectPublicKeyInfo has this SHA-256 (hex); may be repeated\n"
    "  --insecure            accept any server certificate (testing only)\n"
    "  --connect-timeout S   fail when the TCP connection and the TLS handshake together take\n"
    "                        longer than S seconds (default 10; the name lookup is not limited)\n"
    "  --alpn LIST           application protocols to offer, e.g. h2,http/1.1\n"
    "  --groups LIST         groups to offer, e.g. X25519:P-256; the first gets a key share\n"
    "  --ciphersuites LIST   cipher suites to offer, TLS 1.3 and TLS 1.2, by IANA name or as\n"
    "                        OpenSSL names them, e.g. TLS_AES_128_GCM_SHA256:\n"
    "                        ECDHE-RSA-AES128-GCM-SHA256\n"
    "  --tls1_2, --tls1_3    speak only TLS 1.2, or only TLS 1.3\n"
    "  --min-protocol VER, --max-protocol VER\n"
    "                        the lowest and highest versions (TLSv1.2 or TLSv1.3; default:\n"
    "                        both)\n"
    "  --allow-cbc           also offer and accept the legacy TLS 1.2 CBC suites (off by\n"
    "                        default; naming one in --ciphersuites enables it too)\n"
    "  --sigalgs LIST        signature schemes to accept, e.g. ecdsa_secp256r1_sha256:ed25519\n"
    "  --keylog FILE         append NSS key log lines to FILE (default: $SSLKEYLOGFILE)\n"
    "  --cert PEM --key PEM  client certificate chain and key, if the server asks for one\n"
    "  --key-update          send a KeyUpdate (update_requested) after the handshake\n"
    "  --reconnect N         after the session ends, connect N more times with the sessions\n"
    "                        received (TLS 1.3 tickets, TLS 1.2 session IDs and tickets),\n"
    "                        printing \"Reused\" or \"New\" for each (resumption)\n"
    "  --early-data FILE     send FILE's contents first on each connection: as 0-RTT data with\n"
    "                        the ClientHello when a ticket allows it (with --reconnect), and\n"
    "                        again after the handshake if the server rejects it; what the\n"
    "                        server answers on reconnections goes to stdout\n"
    "  --sess-out FILE       when the connection ends, write the newest session it received\n"
    "                        to FILE (a GLASSTLS SESSION PEM block, mode 0600: it holds the\n"
    "                        session's secret), as openssl s_client -sess_out\n"
    "  --sess-in FILE        offer the session in FILE (written by --sess-out) to resume it\n"
    "  --trace               show every record, field and key schedule step on stderr (this\n"
    "                        shows the connection's secrets)\n"
    "  --html FILE           write the traced conversation as a self-contained HTML page\n"
    "  --help                show this help\n"
    "\n"
    "Lists are separated by ':' or ','. The server's chain is validated (path, dates, key\n"
    "usage, serverAuth, and the name given by --servername or HOST) unless a pin or --insecure\n"
    "is given; a server that fails the check fails the handshake.\n"
    "\n"
    "exit status:\n"
    "  0  the connection ended cleanly: close_notify both ways, or the server closed TCP\n"
    "     after receiving our close_notify, between records (said on stderr)\n"
    "  1  the connection failed: no TCP connection, a failed or timed-out handshake, an alert,\n"
    "     a transport error, or truncation (the server closed TCP without close_notify before\n"
    "     we sent ours, or in the middle of a record)\n"
    "  2  the command line is wrong\n";

constexpr double kDefaultConnectTimeout = 10;
constexpr double kMaxConnectTimeout = 86400;
constexpr size_t kBufferSize = 16 * 1024 + 512;

using Clock = std::chrono::steady_clock;

// ocsp_staple_line says whether the server stapled an OCSP response: only CA validation asks
// for one (status_request). The response is identified by its size and SHA-256, to compare
// with the file the server staples; glasstls hands it to the verifier without interpreting it.
std::string ocsp_staple_line(const Connection& c, bool asked) {
  if (!asked) {
    return "not asked for (only CA validation asks for one)";
  }
  const Bytes& response = c.peer_ocsp_response();
  if (response.empty()) {
    return "none (asked for; the server stapled no OCSP response)";
  }
  return "stapled by the server, " + std::to_string(response.size()) + " bytes, SHA-256 " +
         to_hex(crypto::openssl_provider().sha256->digest(response));
}

int fail(const std::string& message) {
  std::fprintf(stderr, "glasstls client: %s\n", message.c_str());
  return 1;
}

int usage(const std::string& message) { return usage_error("client", message); }

// RecordBoundary follows the TLS record framing of the bytes received (a 5-byte header whose
// last two bytes give the length of the body), so that the end of the transport can be told to
// fall between two records or inside one.
class RecordBoundary {
 public:
  void feed(std::span<const uint8_t> data) {
    while (!data.empty()) {
      if (header_have_ < sizeof(header_)) {
        size_t n = std::min(sizeof(header_) - header_have_, data.size());
        std::memcpy(header_ + header_have_, data.data(), n);
        header_have_ += n;
        data = data.subspan(n);
        if (header_have_ == sizeof(header_)) {
          body_left_ = static_cast<size_t>(header_[3]) << 8 | header_[4];
          header_have_ = body_left_ == 0 ? 0 : header_have_;
        }
        continue;
      }
      size_t n = std::min(body_left_, data.size());
      body_left_ -= n;
      data = data.subspan(n);
      if (body_left_ == 0) {
        header_have_ = 0;
      }
    }
  }
  bool inside_record() const { return header_have_ > 0; }

 private:
  uint8_t header_[5] = {};
  size_t header_have_ = 0;
  size_t body_left_ = 0;
};

// describe renders an error of the connection. Only an alert the server sent is reported as a
// received alert; for an error found on our side, the alert named is the one we sent about it
// (`alert_sent` false: none was, because our close_notify had already gone).
std::string describe(const Error& e, bool alert_sent) {
  if (e.kind == ErrorKind::kAlertReceived || e.kind == ErrorKind::kBadConfig) {
    return e.to_string();
  }
  std::string_view alert = name(e.alert);
  if (!alert_sent || alert.empty()) {
    return e.reason;
  }
  return e.reason + " (sent alert " + std::string(alert) + ")";
}

// transport_failure renders a failed send() or recv() as what happened to the connection.
std::string transport_failure(const char* call, int err) {
  std::string detail = std::string("(") + call + ": " + std::strerror(err) + ")";
  if (err == ECONNRESET) {
    return "the server reset the connection (TCP RST) " + detail;
  }
  if (err == EPIPE) {
    return "the server closed the connection " + detail;
  }
  return "transport error " + detail;
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
  SendOutcome sent = send_output(conn, fd);
  if (sent.error != 0) {
    error = transport_failure("send", sent.error);
    return false;
  }
  return true;
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g s", seconds);
  return text;
}

// run_handshake drives the handshake over `fd` until it completes, fails, or `deadline` passes.
// Returns an empty string on success, else what to report.
std::string run_handshake(int fd, Connection& c, RecordBoundary& records,
                          Clock::time_point deadline, double timeout_seconds) {
  uint8_t buf[kBufferSize];
  std::string error;
  while (c.is_handshaking()) {
    if (!send_some(fd, c, error)) {
      return "handshake failed: " + error;
    }
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      return "handshake timed out: the server did not complete the TLS handshake within " +
             seconds_text(timeout_seconds) + " of connecting (--connect-timeout)";
    }
    pollfd p{fd, static_cast<short>(POLLIN | (c.wants_write() ? POLLOUT : 0)), 0};
    int r = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 60 * 60 * 1000)));
    if (r < 0 && errno != EINTR) {
      return std::string("poll: ") + std::strerror(errno);
    }
    if (r <= 0 || (p.revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
      continue;
    }
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return "handshake failed: " + transport_failure("recv", errno);
    }
    if (n == 0) {
      return std::string(
                 "handshake failed: the server closed the connection (TCP) without "
                 "sending an alert") +
             (records.inside_record() ? ", in the middle of a record" : "");
    }
    std::span<const uint8_t> received(buf, static_cast<size_t>(n));
    records.feed(received);
    if (Status st = c.receive(received); !st.ok()) {
      // Best effort: send the alert the connection queued about it.
      std::string ignored;
      (void)send_some(fd, c, ignored);
      return "handshake failed: " + describe(st.error(), true);
    }
  }
  if (const Error* e = c.error(); e != nullptr) {
    return "handshake failed: " + describe(*e, true);
  }
  // The client's last flight; whatever the socket does not take now goes from the copy loop.
  if (!send_some(fd, c, error)) {
    return "handshake failed: " + error;
  }
  return "";
}

// send_early_data sends `data` as 0-RTT data on a connection that has just sent its ClientHello,
// if its ticket allows that much; says whether it did.
bool send_early_data(Connection& c, const Bytes& data) {
  if (data.empty() || c.early_data_room() < data.size()) {
    return false;
  }
  return c.write_early_data(data).ok();
}

// finish_early_data, once the handshake is done, sends `data` under the application keys when
// it did not go as 0-RTT data or the server rejected it, and says what happened on stderr.
Status finish_early_data(Connection& c, const Bytes& data, bool sent_early, const char* who) {
  if (data.empty()) {
    return Ok{};
  }
  const std::string size = std::to_string(data.size()) + " bytes";
  if (sent_early && c.early_data_status() == EarlyDataStatus::kAccepted) {
    std::fprintf(stderr, "glasstls client: %searly data: %s sent as 0-RTT data, accepted\n", who,
                 size.c_str());
    return Ok{};
  }
  std::fprintf(stderr, "glasstls client: %searly data: %s %s: sent after the handshake\n", who,
               size.c_str(),
               sent_early ? "rejected by the server"
                          : "not sent as 0-RTT data (no ticket allowing that much)");
  return c.write(data);
}

// reconnect makes one more connection with `config` (its session store holds the tickets the
// earlier ones received): handshake, says whether the session was reused, reads what the
// server sends for a moment (its new tickets; with `early`, the answer goes to stdout), and
// closes. `early` is sent first, as 0-RTT data when the ticket allows it. Returns what to
// report, or "".
std::string reconnect(const std::shared_ptr<const ClientConfig>& config,
                      const std::string& server_name, const HostPort& target,
                      double connect_timeout, int index, const Bytes& early) {
  Result<Connection> conn = Connection::client(config, server_name);
  if (!conn.ok()) {
    return "reconnect " + std::to_string(index) + ": " + conn.error().to_string();
  }
  Connection& c = *conn;
  const bool sent_early = send_early_data(c, early);
  const int timeout_ms = std::max(1, static_cast<int>(std::lround(connect_timeout * 1000)));
  std::string error;
  const int fd = connect_tcp(target.host, target.port, error, timeout_ms);
  if (fd < 0) {
    return "reconnect " + std::to_string(index) + ": " + error;
  }
  struct CloseAtEnd {
    int fd;
    ~CloseAtEnd() { ::close(fd); }
  } close_at_end{fd};
  RecordBoundary records;
  if (std::string failed = run_handshake(
          fd, c, records, Clock::now() + std::chrono::milliseconds(timeout_ms), connect_timeout);
      !failed.empty()) {
    return "reconnect " + std::to_string(index) + ": " + failed;
  }
  std::fprintf(stderr, "glasstls client: reconnect %d: %s\n", index,
               connection_summary_line(c).c_str());
  const std::string who = "reconnect " + std::to_string(index) + ": ";
  if (Status st = finish_early_data(c, early, sent_early, who.c_str()); !st.ok()) {
    return who + describe(st.error(), true);
  }
  if (!send_some(fd, c, error)) {
    return who + error;
  }
  // What the server sends right after the handshake (its tickets) arrives within moments; then
  // close_notify, and the server's answer or its TCP close.
  uint8_t buf[kBufferSize];
  bool closing = false;
  for (int quiet = 0; quiet < 2 && !c.peer_closed();) {
    pollfd p{fd, POLLIN, 0};
    const int r = ::poll(&p, 1, 300);
    if (r <= 0) {
      if (closing) {
        break;
      }
      c.close();
      closing = true;
      if (!send_some(fd, c, error)) {
        return "reconnect " + std::to_string(index) + ": " + error;
      }
      quiet++;
      continue;
    }
    const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) {
      break;
    }
    if (Status st = c.receive(std::span<const uint8_t>(buf, static_cast<size_t>(n))); !st.ok()) {
      return "reconnect " + std::to_string(index) + ": " + describe(st.error(), !closing);
    }
    if (!early.empty()) {
      drain(c);
    }
    while (c.readable() > 0 && c.read(buf) > 0) {
    }
  }
  return "";
}

// SessionFileStore is the client's session store with --sess-in and --sess-out: a memory
// store that also offers, once and first, the session read from --sess-in (whatever name the
// connection asks for: the file was made for this server), and remembers the newest session put
// in it, for --sess-out.
class SessionFileStore final : public SessionStore {
 public:
  explicit SessionFileStore(std::optional<StoredSession> offered)
      : inner_(memory_session_store()), offered_(std::move(offered)) {}

  void put(std::string_view server_name, StoredSession session) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      newest_ = session.clone();
    }
    inner_->put(server_name, std::move(session));
  }
  std::optional<StoredSession> take(std::string_view server_name) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (offered_) {
        std::optional<StoredSession> s = std::move(offered_);
        offered_.reset();
        return s;
      }
    }
    return inner_->take(server_name);
  }
  std::optional<StoredSession> newest() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!newest_) {
      return std::nullopt;
    }
    return newest_->clone();
  }

 private:
  std::shared_ptr<SessionStore> inner_;
  std::mutex mu_;
  std::optional<StoredSession> offered_;
  std::optional<StoredSession> newest_;
};

// write_session_file writes `session` to `path` as encode_session's text, with mode 0600 (the
// file is created so, and an existing one is set so before it is written).
bool write_session_file(const std::string& path, const StoredSession& session, std::string& error) {
  std::string text = encode_session(session);
  struct WipeText {
    std::string& text;
    ~WipeText() { secure_wipe(text.data(), text.size()); }
  } wipe{text};
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    error = "cannot write --sess-out " + path + ": " + std::strerror(errno);
    return false;
  }
  struct CloseAtEnd {
    int fd;
    ~CloseAtEnd() { ::close(fd); }
  } close_at_end{fd};
  if (::fchmod(fd, 0600) != 0) {
    error = "cannot make --sess-out " + path + " private: " + std::strerror(errno);
    return false;
  }
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      error = "cannot write --sess-out " + path + ": " + std::strerror(errno);
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

bool is_ip_address(const std::string& name) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, name.c_str(), buf) == 1 ||
         ::inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

}  // namespace

int client_main(int argc, char** argv) {
  OptionSpec spec;
  spec.with_value = {"--servername",   "--alpn",       "--pin-sha256", "--groups",
                     "--ciphersuites", "--cafile",     "--html",       "--sigalgs",
                     "--keylog",       "--cert",       "--key",        "--connect-timeout",
                     "--crl",          "--revocation", "--reconnect",  "--early-data",
                     "--sess-out",     "--sess-in"};
  spec.flags = {"--insecure", "--dangerous-skip-name-check", "--key-update", "--trace", "--help",
                "-h"};
  spec.with_value.insert(std::begin(kVersionOptions), std::end(kVersionOptions));
  spec.flags.insert(std::begin(kVersionFlags), std::end(kVersionFlags));
  std::string error;
  std::optional<Args> args = parse_args(argc, argv, 2, spec, error);
  if (!args) {
    return usage(error);
  }
  if (args->has("--help") || args->has("-h")) {
    std::fputs(kClientUsage, stdout);
    return 0;
  }
  if (args->positionals.size() != 1) {
    return usage(args->positionals.empty()
                     ? "no HOST:PORT given"
                     : "expected one HOST:PORT, got " + std::to_string(args->positionals.size()) +
                           " arguments");
  }
  std::optional<HostPort> target = split_host_port(args->positionals[0], "443", error);
  if (!target) {
    return usage(error);
  }
  double connect_timeout = kDefaultConnectTimeout;
  if (auto v = args->value("--connect-timeout")) {
    std::optional<double> seconds = parse_seconds(*v);
    if (!seconds || *seconds > kMaxConnectTimeout) {
      return usage("--connect-timeout needs a number of seconds above 0 and at most " +
                   seconds_text(kMaxConnectTimeout) + ", got \"" + *v + "\"");
    }
    connect_timeout = *seconds;
  }

  uint64_t reconnects = 0;
  if (auto v = args->value("--reconnect")) {
    char* end = nullptr;
    const unsigned long n = std::strtoul(v->c_str(), &end, 10);
    if (v->empty() || *end != '\0' || n > 100) {
      return usage("--reconnect needs a number from 0 to 100, got \"" + *v + "\"");
    }
    reconnects = n;
  }

  Bytes early;
  if (auto path = args->value("--early-data")) {
    std::optional<std::string> data = read_file(*path, error);
    if (!data) {
      return fail("cannot read --early-data file: " + error);
    }
    if (data->empty()) {
      return usage("--early-data file " + *path + " is empty");
    }
    early.assign(data->begin(), data->end());
  }

  ClientConfig::Builder builder;
  builder.early_data(!early.empty());
  if (auto v = args->value("--ciphersuites")) {
    auto suites = parse_suites(*v, error);
    if (!suites) {
      return usage(error);
    }
    builder.cipher_suites(*suites);
  }
  if (args->has("--allow-cbc")) {
    builder.allow_legacy_cbc_suites();
  }
  std::optional<VersionRange> versions = parse_versions(*args, error);
  if (!versions) {
    return usage(error);
  }
  builder.versions(versions->min, versions->max);
  if (auto v = args->value("--groups")) {
    auto groups = parse_groups(*v, error);
    if (!groups) {
      return usage(error);
    }
    builder.groups(*groups);
    // Only the first group gets a key share, so a server that prefers another one has to
    // send a HelloRetryRequest.
    builder.key_share_groups({groups->front()});
  }
  if (auto v = args->value("--sigalgs")) {
    auto schemes = parse_sigalgs(*v, error);
    if (!schemes) {
      return usage(error);
    }
    builder.signature_schemes(*schemes);
  }
  if (auto v = args->value("--alpn")) {
    builder.alpn(split_list(*v));
  }
  std::string server_name = args->value("--servername").value_or(target->host);
  bool ip_target = is_ip_address(server_name);
  bool skip_name_check = args->has("--dangerous-skip-name-check");
  std::string verification;
  std::vector<std::array<uint8_t, 32>> pins;
  for (const std::string& text : args->values("--pin-sha256")) {
    for (const std::string& item : split_list(text)) {
      std::optional<std::array<uint8_t, 32>> pin = parse_pin(item);
      if (!pin) {
        return usage("--pin-sha256 needs 64 hex digits, got \"" + item + "\"");
      }
      pins.push_back(*pin);
    }
  }
  bool validate_chain = pins.empty() && !args->has("--insecure");
  if (!validate_chain && (args->has("--crl") || args->has("--revocation"))) {
    return usage(
        "--crl and --revocation go with chain validation (--cafile or the system "
        "store), not with a pin or --insecure");
  }
  if (skip_name_check && !validate_chain) {
    return usage(
        "--dangerous-skip-name-check goes with chain validation (--cafile or the "
        "system store); a pin or --insecure matches no name anyway");
  }
  if (validate_chain && server_name.empty() && !skip_name_check) {
    // The verifier would have no name to match, and must not take that as "any name".
    return usage(
        "empty --servername: the server's certificate is matched to the name you "
        "connect to, so give that name; --dangerous-skip-name-check validates the "
        "chain without matching any name (a pin or --insecure needs no name)");
  }
  if (!pins.empty()) {
    builder.verifier(pin_sha256_verifier(pins));
    verification = "server SubjectPublicKeyInfo matched a --pin-sha256 pin (no name checked)";
  }
  if (args->has("--insecure")) {
    builder.dangerous_accept_any_server_certificate();
    verification = "NONE: --insecure accepted any certificate";
  }
  if (validate_chain) {
    Result<std::shared_ptr<const TrustStore>> roots =
        args->value("--cafile") ? TrustStore::from_file(*args->value("--cafile"))
                                : TrustStore::system();
    if (!roots.ok()) {
      return fail("cannot load the trust store: " + roots.error().to_string());
    }
    verification = "chain validated against " +
                   (args->value("--cafile") ? *args->value("--cafile")
                                            : std::string("the system trust store")) +
                   " (" + std::to_string((*roots)->size()) + " anchors); ";
    if (skip_name_check) {
      builder.dangerous_skip_server_name_check();
      verification +=
          "the server's name was NOT checked (--dangerous-skip-name-check): any certificate "
          "these anchors vouch for was accepted";
    } else {
      verification += std::string("certificate matches the ") +
                      (ip_target ? "IP address " : "name ") + server_name;
    }
    VerifyOptions checks;
    std::string revocation = args->value("--revocation").value_or("soft");
    if (revocation == "hard") {
      checks.revocation.missing = RevocationPolicy::kHardFail;
    } else if (revocation != "soft") {
      return usage("--revocation must be soft or hard, not \"" + revocation + "\"");
    }
    if (std::vector<std::string> crl_files = args->values("--crl"); !crl_files.empty()) {
      Result<std::shared_ptr<const CertificateRevocationLists>> crls =
          CertificateRevocationLists::from_files(crl_files);
      if (!crls.ok()) {
        return fail("cannot load the CRLs: " + crls.error().to_string());
      }
      checks.revocation.crls = *crls;
      verification += "; revocation checked against " + std::to_string((*crls)->size()) +
                      ((*crls)->size() == 1 ? " CRL" : " CRLs");
    }
    if (checks.revocation.missing == RevocationPolicy::kHardFail) {
      verification += "; revocation hard-fail";
    }
    builder.verifier(webpki_verifier(*roots, CertificatePurpose::kServerAuth, checks));
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
    return usage("--cert and --key go together");
  }
  if (args->has("--cert")) {
    CertificateChain chain;
    std::optional<PrivateKey> key;
    if (!load_chain_and_key(*args->value("--cert"), *args->value("--key"), chain, key, error)) {
      return fail(error);
    }
    builder.client_certificate(std::move(chain), std::move(*key));
  }
  std::shared_ptr<SessionFileStore> session_file_store;
  if (args->has("--sess-in") || args->has("--sess-out")) {
    std::optional<StoredSession> offered;
    if (auto path = args->value("--sess-in")) {
      std::optional<std::string> text = read_file(*path, error);
      if (!text) {
        return fail("cannot read --sess-in file: " + error);
      }
      Result<StoredSession> session = decode_session(*text);
      secure_wipe(text->data(), text->size());
      if (!session.ok()) {
        return fail("--sess-in " + *path + ": " + session.error().reason);
      }
      offered = std::move(*session);
    }
    session_file_store = std::make_shared<SessionFileStore>(std::move(offered));
    builder.session_store(session_file_store);
  }
  Result<std::shared_ptr<const ClientConfig>> config = builder.build();
  if (!config.ok()) {
    return fail("invalid configuration: " + config.error().to_string());
  }

  // The connection is made before the TCP connection, so that a name it refuses is reported
  // without touching the network.
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
    return fail("cannot start the connection: " + conn.error().to_string());
  }
  Connection& c = *conn;
  const bool sent_early = send_early_data(c, early);

  int timeout_ms = std::max(1, static_cast<int>(std::lround(connect_timeout * 1000)));
  Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  int fd = connect_tcp(target->host, target->port, error, timeout_ms);
  if (fd < 0) {
    return fail(error);
  }
  struct CloseAtEnd {
    int fd;
    ~CloseAtEnd() { ::close(fd); }
  } close_at_end{fd};
  RecordBoundary records;
  if (std::string failed = run_handshake(fd, c, records, deadline, connect_timeout);
      !failed.empty()) {
    return fail(failed);
  }
  std::string sni_line;
  if (server_name.empty()) {
    sni_line = "SNI: none sent (empty --servername)";
  } else if (ip_target) {
    //= https://www.rfc-editor.org/rfc/rfc6066#section-3
    //# Literal IPv4 and IPv6 addresses are not permitted in "HostName".
    sni_line = "SNI: none sent (" + server_name + " is an IP address)";
  } else {
    sni_line = "server name: " + server_name;
  }
  print_parameters(c, "glasstls client: connected to " + args->positionals[0], sni_line);
  std::fprintf(stderr, "  verification: %s\n",
               c.resumed() ? "resumed session: no certificate was sent; the server's was checked "
                             "in the handshake that issued the ticket"
                           : verification.c_str());
  std::fprintf(stderr, "  OCSP staple: %s\n", ocsp_staple_line(c, validate_chain).c_str());
  std::fflush(stderr);

  std::string send_error;
  if (Status st = finish_early_data(c, early, sent_early, ""); !st.ok()) {
    return fail("write failed: " + describe(st.error(), true));
  }
  if (args->has("--key-update")) {
    Status ku = c.key_update(true);
    if (!ku.ok()) {
      return fail("key update failed: " + describe(ku.error(), true));
    }
    if (!send_some(fd, c, send_error)) {
      return fail(send_error);
    }
    std::fputs("glasstls client: sent KeyUpdate (update_requested)\n", stderr);
  }

  // The copy loop never blocks on send(): while the connection holds unsent bytes it stops
  // reading stdin and waits for the socket to drain, so a peer that echoes everything (and
  // stops reading while its own sends block) cannot deadlock with us.
  bool stdin_open = true;
  bool we_closed = false;
  // server_dropped: the server closed TCP, between records, after our close_notify had gone.
  bool server_dropped = false;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  uint8_t buf[kBufferSize];
  int status = 0;
  for (;;) {
    bytes_in += c.readable();
    drain(c);
    if (c.peer_closed()) {
      if (!we_closed) {
        c.close();
      }
      // Best effort: the peer has finished; a failed send of our close_notify changes nothing.
      (void)send_some(fd, c, send_error);
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
          status = fail("write failed: " + describe(w.error(), !we_closed));
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
        status = fail(transport_failure("recv", errno));
        break;
      }
      if (n == 0) {
        if (records.inside_record()) {
          status = fail(
              "the server closed the connection (TCP) in the middle of a record "
              "(truncation): data is missing");
        } else if (we_closed && !c.wants_write()) {
          //= https://www.rfc-editor.org/rfc/rfc8446#section-6.1
          //# Each party MUST send a "close_notify" alert before closing its write side of
          //# the connection, unless it has already sent some error alert.
          // A server that closes after reading our close_notify breaks that rule, but all we
          // asked for has arrived: our data was sent and acknowledged as finished, and every
          // record it sent was whole. Many servers (nginx among them) do this.
          server_dropped = true;
        } else {
          status = fail(
              "the server closed the connection (TCP) without close_notify before we "
              "had finished (truncation): data it meant to send may be missing");
        }
        break;
      }
      std::span<const uint8_t> received(buf, static_cast<size_t>(n));
      records.feed(received);
      Status st = c.receive(received);
      if (!st.ok()) {
        // Send the fatal alert the connection queued, then report.
        (void)send_some(fd, c, send_error);
        bytes_in += c.readable();
        drain(c);
        status = fail(describe(st.error(), !we_closed));
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
  if (status == 0 && server_dropped) {
    std::fputs(
        "glasstls client: note: the server closed TCP after our close_notify without "
        "sending its own; every record it sent was complete\n"
        "glasstls client: closed (our close_notify sent, the server closed TCP)\n",
        stderr);
  } else if (status == 0) {
    std::fputs("glasstls client: closed cleanly (close_notify both ways)\n", stderr);
  }
  if (auto path = args->value("--sess-out"); path && status == 0) {
    std::optional<StoredSession> newest = session_file_store->newest();
    if (!newest) {
      std::fprintf(stderr,
                   "glasstls client: no session to write to --sess-out %s: the server sent no "
                   "ticket\n",
                   path->c_str());
    } else if (std::string write_error; !write_session_file(*path, *newest, write_error)) {
      status = fail(write_error);
    } else {
      std::fprintf(stderr, "glasstls client: wrote the session to %s\n", path->c_str());
    }
  }
  for (uint64_t i = 1; status == 0 && i <= reconnects; i++) {
    if (std::string failed =
            reconnect(*config, server_name, *target, connect_timeout, static_cast<int>(i), early);
        !failed.empty()) {
      status = fail(failed);
    }
  }
  return status;
}

}  // namespace glasstls::cli
