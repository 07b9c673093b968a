// server.cc: `glasstls server`, a TLS 1.3 server. By default it serves connections one after
// another; with --concurrent it runs event loops (epoll, non-blocking sockets) that each drive
// many sans-IO Connections at once. Both bound how long a connection may take to complete its
// handshake and stay idle, and the concurrent server how many connections it holds, so that
// clients that connect and stall cannot keep others out.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common.h"
#include "glasstls/redis.h"
#include "glasstls/x509.h"

namespace glasstls::cli {

namespace {

constexpr const char kServerUsage[] =
    "usage: glasstls server --cert PEM --key PEM [options]\n"
    "\n"
    "Listens for TCP connections and serves them one after another over TLS 1.3 or TLS 1.2.\n"
    "Prints \"listening on HOST:PORT\" to stderr once it listens, and for each connection the\n"
    "negotiated parameters, the certificate it presented and the signature scheme it used.\n"
    "\n"
    "options:\n"
    "  --cert PEM --key PEM  the default certificate chain and private key\n"
    "  --host ADDR           address to listen on (default 127.0.0.1)\n"
    "  --port N              port to listen on (default 4433; 0 picks a free port)\n"
    "  --alpn LIST           application protocols to accept, in preference order; a client\n"
    "                        offering none of them gets no_application_protocol\n"
    "  --sni NAME:CERT:KEY   serve CERT/KEY to clients asking for NAME; may be repeated\n"
    "  --ocsp FILE           staple the DER OCSPResponse in FILE for the --cert certificate\n"
    "                        to clients that ask for one (status_request); FILE is read\n"
    "                        again before a handshake when its size or modification time\n"
    "                        changed, and a FILE that cannot be read or is not one whole\n"
    "                        DER structure keeps the previous response (said on stderr)\n"
    "  --groups LIST         groups to accept, in preference order\n"
    "  --ciphersuites LIST   cipher suites to accept, TLS 1.3 and TLS 1.2, in preference order\n"
    "                        (IANA names or OpenSSL's)\n"
    "  --tls1_2, --tls1_3    speak only TLS 1.2, or only TLS 1.3\n"
    "  --min-protocol VER, --max-protocol VER\n"
    "                        the lowest and highest versions (TLSv1.2 or TLSv1.3; default:\n"
    "                        both)\n"
    "  --allow-cbc           also offer and accept the legacy TLS 1.2 CBC suites (off by\n"
    "                        default; naming one in --ciphersuites enables it too)\n"
    "  --sigalgs LIST        signature schemes to use\n"
    "  --keylog FILE         append NSS key log lines to FILE (default: $SSLKEYLOGFILE)\n"
    "  --verify-client PEM   request a client certificate and validate it (clientAuth)\n"
    "                        against the CAs in PEM; clients without one are still served\n"
    "  --require-client-cert with --verify-client: fail clients that send no certificate\n"
    "                        (certificate_required)\n"
    "  --echo                echo data back until the client's close_notify\n"
    "  --www                 answer an HTTP GET with a page naming the negotiated parameters;\n"
    "                        it speaks HTTP/1.1 only, so ALPN is http/1.1 alone (a client\n"
    "                        offering only other protocols gets no_application_protocol)\n"
    "                        and --alpn may name nothing else (default: copy received data\n"
    "                        to stdout)\n"
    "  --once                exit after one connection (status 0 if it closed cleanly)\n"
    "  --key-update          send a KeyUpdate (update_requested) after each handshake\n"
    "  --trace               show every record, field and key schedule step on stderr (this\n"
    "                        shows the connections' secrets)\n"
    "  --html FILE           write the last connection's trace as a self-contained HTML page\n"
    "  --handshake-timeout S close a connection whose TLS handshake has not completed S\n"
    "                        seconds after it was accepted (default 10; 0.001 to 3600)\n"
    "  --idle-timeout S      close an established connection after S seconds in which no\n"
    "                        byte moved either way (default 60; 0.001 to 86400); a transfer\n"
    "                        that keeps moving, such as a long echo, is never idle\n"
    "  --concurrent          serve many connections at once with epoll event loops (needs\n"
    "                        --echo); SIGINT/SIGTERM stops it and it prints statistics\n"
    "  --threads N           with --concurrent: run N event loops (default 1)\n"
    "  --max-seconds S       with --concurrent: stop after S seconds\n"
    "  --max-connections N   with --concurrent: hold at most N connections at once (default:\n"
    "                        the open file limit, raised to its hard limit, less 16 plus\n"
    "                        one per event loop kept for the server itself). At the cap a\n"
    "                        new connection takes the place of the oldest one still in its\n"
    "                        handshake, preferring one that has not yet sent a whole\n"
    "                        ClientHello; if every connection has completed its handshake,\n"
    "                        the new connection is closed at once. With --threads each event\n"
    "                        loop makes room among its own connections\n"
    "  --tickets N           after each full TLS 1.3 handshake send N session tickets (0 to\n"
    "                        16; default 0, or 2 with --ticket-keys) and resume the sessions\n"
    "                        they carry; with N above 0, TLS 1.2 sessions are resumed too,\n"
    "                        by session ID or by an RFC 5077 ticket (one per full handshake)\n"
    "  --ticket-keys FILE    seal tickets with the keys in FILE: one or more 80-byte keys\n"
    "                        (openssl rand 80, as for nginx) one after another, or a list of\n"
    "                        them, one a line in 160 hex digits (openssl rand -hex 80; lines\n"
    "                        starting with # are comments); the first seals, every one opens;\n"
    "                        FILE is read again when it changes, so keys rotate without a\n"
    "                        restart; without it a random key made at start is used\n"
    "  --ticket-root FILE    derive the ticket keys from the root secret in FILE (its bytes as\n"
    "                        they are, at least 32: openssl rand 32 > FILE) and the time, in\n"
    "                        one-hour epochs: every server given the same FILE seals with the\n"
    "                        key of the hour and opens those of the two hours before and of\n"
    "                        the next; keys rotate by themselves (not with --ticket-keys)\n"
    "  --session-store URL   keep sessions and the 0-RTT anti-replay record in the Redis at\n"
    "                        URL (redis://HOST[:PORT][/DB]), shared with the other servers\n"
    "                        that name it; a Redis that fails or does not answer within 50 ms\n"
    "                        means a full handshake, never a stall\n"
    "  --single-use-tickets  make each TLS 1.3 ticket an id into the session store, taken on\n"
    "                        use, so it resumes once across every server sharing the store\n"
    "  --early-data MAX      accept up to MAX bytes of 0-RTT data (1 to 16777216) on resumed\n"
    "                        TLS 1.3 connections, each ClientHello once (turns tickets on);\n"
    "                        it is handled as the connection's first data, after the\n"
    "                        handshake, and reported as early data since it may be a replay\n"
    "  --help                show this help\n"
    "\n"
    "The sequential server (without --concurrent) holds one connection at a time; the\n"
    "timeouts bound how long one client can keep the next ones waiting.\n";

constexpr size_t kBufferSize = 16 * 1024 + 512;

using Clock = std::chrono::steady_clock;

// Defaults and bounds of the limits.
constexpr double kDefaultHandshakeTimeout = 10;
constexpr double kDefaultIdleTimeout = 60;
constexpr double kMaxHandshakeTimeout = 3600;
constexpr double kMaxIdleTimeout = 86400;
// kReservedDescriptors (plus one epoll instance per event loop) are kept out of the default
// --max-connections: standard streams, the listener, a key log file, /proc reads.
constexpr uint64_t kReservedDescriptors = 16;
// kMaxRequestHeader bounds what --www buffers while waiting for the end of a request's headers.
constexpr size_t kMaxRequestHeader = 16 * 1024;

// Limits bound what one connection may hold on to.
struct Limits {
  // handshake_timeout: from accept() to a completed handshake.
  Clock::duration handshake_timeout;
  // idle_timeout: an established connection on which no byte moved either way.
  Clock::duration idle_timeout;
  // max_connections: held at once (the concurrent server only).
  size_t max_connections = 0;
};

Clock::duration to_duration(double seconds) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

std::string seconds_text(Clock::duration d) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g s", std::chrono::duration<double>(d).count());
  return text;
}

// kMaxConnectionsArg bounds --max-connections before the open file limit is known.
constexpr uint64_t kMaxConnectionsArg = 10'000'000;

// parse_seconds reads a number of seconds from 0.001 to `max` (nullopt otherwise).
std::optional<double> parse_seconds(const std::string& text, double max) {
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v) || v < 0.001 ||
      v > max) {
    return std::nullopt;
  }
  return v;
}

// hex_value is the value of one hex digit, or -1.
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

// ticket_key_list reads the list form of a --ticket-keys file: text lines, each either empty,
// a comment starting with #, or one 80-byte key in 160 hex digits (as `openssl rand -hex 80`
// prints it), spaces and tabs around it ignored. nullopt when `text` is not of that form (it is
// then read as raw keys); an empty vector with `error` set when it is, but a line is not a
// whole key.
std::optional<Bytes> ticket_key_list(const std::string& text, const std::string& path,
                                     std::string& error) {
  Bytes out;
  size_t line_no = 0;
  size_t at = 0;
  bool any = false;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) {
      end = text.size();
    }
    std::string_view line(text.data() + at, end - at);
    at = end + 1;
    line_no++;
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
      line.remove_prefix(1);
    }
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
      line.remove_suffix(1);
    }
    if (line.empty() || line.front() == '#') {
      continue;
    }
    for (char c : line) {
      if (hex_value(c) < 0) {
        secure_wipe(out.data(), out.size());
        return std::nullopt;  // not the list form
      }
    }
    if (line.size() != 160) {
      secure_wipe(out.data(), out.size());
      error = "--ticket-keys file " + path + ", line " + std::to_string(line_no) + ": " +
              std::to_string(line.size()) +
              " hex digits; a key is 160 (80 bytes, openssl rand -hex 80)";
      return Bytes{};
    }
    for (size_t i = 0; i < line.size(); i += 2) {
      out.push_back(static_cast<uint8_t>(hex_value(line[i]) * 16 + hex_value(line[i + 1])));
    }
    any = true;
  }
  if (!any) {
    error = "--ticket-keys file " + path + " lists no key";
    return Bytes{};
  }
  return out;
}

// load_ticket_keys reads a --ticket-keys file: one or more 80-byte keys one after another, as
// `openssl rand 80` makes them for nginx's ssl_session_ticket_key, or the list form (one key a
// line in hex, see ticket_key_list), the first sealing new tickets and every one opening the
// tickets sealed with it. Of each 80 bytes, the first 16 are the key's name and the last 32 its
// AES-256-GCM key (the 32 between, nginx's HMAC key, are not used: the AEAD authenticates the
// ticket).
std::optional<std::vector<TicketKey>> load_ticket_keys(const std::string& path,
                                                       std::string& error) {
  constexpr size_t kKeyFileLength = 80;
  std::optional<std::string> text = read_file(path, error);
  if (!text) {
    error = "cannot read --ticket-keys file: " + error;
    return std::nullopt;
  }
  std::optional<Bytes> data = ticket_key_list(*text, path, error);
  if (data && data->empty()) {
    secure_wipe(text->data(), text->size());
    return std::nullopt;
  }
  if (!data) {
    data = Bytes(text->begin(), text->end());
  }
  secure_wipe(text->data(), text->size());
  if (data->empty() || data->size() % kKeyFileLength != 0) {
    error = "--ticket-keys file " + path + " holds " + std::to_string(data->size()) +
            " bytes; it needs one or more 80-byte keys (openssl rand 80), or lines of 160 hex "
            "digits (openssl rand -hex 80)";
    secure_wipe(data->data(), data->size());
    return std::nullopt;
  }
  std::vector<TicketKey> keys;
  for (size_t at = 0; at < data->size(); at += kKeyFileLength) {
    TicketKey k;
    std::copy_n(data->begin() + static_cast<long>(at), k.name.size(), k.name.begin());
    k.key = Secret(ByteView(*data).subspan(at + 48, 32));
    keys.push_back(std::move(k));
  }
  secure_wipe(data->data(), data->size());
  return keys;
}

// parse_count reads a decimal number from `min` to `max` (nullopt otherwise).
std::optional<uint64_t> parse_count(const std::string& text, uint64_t min, uint64_t max) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos ||
      text.size() > 19) {
    return std::nullopt;
  }
  uint64_t v = std::strtoull(text.c_str(), nullptr, 10);
  if (v < min || v > max) {
    return std::nullopt;
  }
  return v;
}

enum class Mode { kStdout, kEcho, kWww };

struct ServerOptions {
  Mode mode = Mode::kStdout;
  bool key_update = false;
  Limits limits;
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

// is_one_der_value says whether `der` is exactly one DER SEQUENCE (the outer shape of an
// OCSPResponse, RFC 6960 section 4.2.1): a PEM file or a file caught half written is not.
bool is_one_der_value(const std::string& der) {
  if (der.size() < 2 || static_cast<uint8_t>(der[0]) != 0x30) {
    return false;
  }
  size_t header = 2;
  size_t length = static_cast<uint8_t>(der[1]);
  if (length >= 0x80) {
    size_t n = length & 0x7f;
    if (n == 0 || n > 4 || der.size() < 2 + n) {
      return false;
    }
    length = 0;
    for (size_t i = 0; i < n; i++) {
      length = (length << 8) | static_cast<uint8_t>(der[2 + i]);
    }
    header += n;
  }
  return der.size() - header == length;
}

// OcspFile keeps an OcspStaple in step with the file of --ocsp. refresh(), called before each
// handshake, looks at the file's device, inode, size and modification time and reads it again
// when one changed. A file that cannot be read or is not one whole DER value keeps the
// previous response, and the failure is reported once on stderr (again only if it changes).
// It is shared by the concurrent server's event loops, hence the mutex.
class OcspFile {
 public:
  explicit OcspFile(std::string path) : path_(std::move(path)) {}

  const std::shared_ptr<OcspStaple>& staple() const { return staple_; }

  // load reads the file for the first time; false (with `error`) when it cannot be used.
  bool load(std::string& error) {
    std::lock_guard<std::mutex> lock(mu_);
    return read(error);
  }

  // refresh reads the file again if it changed since it was last looked at.
  void refresh() {
    std::lock_guard<std::mutex> lock(mu_);
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) {
      fail("cannot stat --ocsp " + path_ + ": " + std::strerror(errno) +
           "; keeping the previous response");
      return;
    }
    if (stamp_ && *stamp_ == Stamp::of(st)) {
      return;
    }
    std::string error;
    if (!read(error)) {
      fail(error + "; keeping the previous response");
      return;
    }
    report("reloaded the OCSP response from " + path_ + " (" +
           std::to_string(staple_->get()->size()) + " bytes)");
  }

 private:
  struct Stamp {
    dev_t dev;
    ino_t ino;
    off_t size;
    time_t mtime;
    long mtime_ns;
    static Stamp of(const struct stat& st) {
      return {st.st_dev, st.st_ino, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec};
    }
    bool operator==(const Stamp& o) const {
      return dev == o.dev && ino == o.ino && size == o.size && mtime == o.mtime &&
             mtime_ns == o.mtime_ns;
    }
  };

  // read loads the file into the staple and records its stamp (taken before reading, so that a
  // write during the read is seen at the next refresh). Called with mu_ held.
  bool read(std::string& error) {
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) {
      error = "cannot stat --ocsp " + path_ + ": " + std::strerror(errno);
      return false;
    }
    std::optional<std::string> der = read_file(path_, error);
    if (!der) {
      return false;
    }
    if (!is_one_der_value(*der)) {
      error = "--ocsp " + path_ + " is not a DER OCSPResponse (one whole DER SEQUENCE)";
      return false;
    }
    staple_->set(Bytes(der->begin(), der->end()));
    stamp_ = Stamp::of(st);
    last_failure_.clear();
    return true;
  }

  void fail(const std::string& message) {
    if (message != last_failure_) {
      report(message);
      last_failure_ = message;
    }
  }

  std::mutex mu_;
  std::string path_;
  std::shared_ptr<OcspStaple> staple_ = std::make_shared<OcspStaple>();
  std::optional<Stamp> stamp_;
  std::string last_failure_;
};

// log_safe makes a message that may quote the peer (an error naming a certificate, a server
// name, a protocol) safe for the terminal: printable ASCII passes as it is, so messages the
// library already escaped are not escaped twice; anything else goes through escape_text.
std::string log_safe(std::string_view text) {
  for (char ch : text) {
    auto b = static_cast<unsigned char>(ch);
    if (b < 0x20 || b > 0x7e) {
      return escape_text(text, 4096);
    }
  }
  return std::string(text);
}

// quoted is a peer string in double quotes, escaped.
std::string quoted(std::string_view peer_string) { return "\"" + escape_text(peer_string) + "\""; }

// html_escape makes (already terminal-safe) text safe inside HTML element content.
std::string html_escape(std::string_view text) {
  std::string out;
  for (char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

std::string alpn_text(const Connection& conn) {
  std::optional<std::string> alpn = conn.alpn();
  return alpn ? escape_text(*alpn) : std::string("(none)");
}

std::string server_name_text(const Connection& conn) {
  std::string_view sni = conn.server_name();
  return sni.empty() ? std::string("(none)") : escape_text(sni);
}

std::string scheme_text(SignatureScheme scheme) {
  std::string_view n = name(scheme);
  return n.empty() ? std::string("(none)") : std::string(n);
}

std::string chain_text(const std::vector<Bytes>& chain) {
  if (chain.empty()) {
    return "(none)";
  }
  return log_safe(describe_certificate(chain.front())) + " (chain of " +
         std::to_string(chain.size()) + ")";
}

// print_connection writes the parameters of an established connection to stderr, one
// "  key: value" line each after `title`: what was negotiated, which of the configured
// certificates the server presented (SNI chooses it) and the scheme it signed with, and what
// the client presented. Strings the client chose are escaped.
void print_connection(const Connection& conn, const std::string& title) {
  std::string out = title + "\n";
  out += "  version: " + std::string(explain(conn.version())) + "\n";
  out += "  cipher suite: " + std::string(name(conn.cipher_suite())) + "\n";
  out += "  group: " + std::string(name(conn.group())) + "\n";
  if (conn.version() == ProtocolVersion::TLSv1_2) {
    out += "  extended master secret: " +
           std::string(conn.extended_master_secret() ? "yes" : "no (exporters disabled)") + "\n";
    out += "  encrypt-then-MAC: " + std::string(conn.encrypt_then_mac() ? "yes" : "no") + "\n";
  }
  out += "  certificate: " + chain_text(conn.local_certificates()) + "\n";
  out += "  signature scheme: " + scheme_text(conn.signature_scheme()) + "\n";
  out += "  hello retry request: " + std::string(conn.hello_retry_request() ? "yes" : "no") + "\n";
  out += "  ALPN: " + alpn_text(conn) + "\n";
  out += "  server name: " + server_name_text(conn) + "\n";
  out += "  peer certificate: " + chain_text(conn.peer_certificates()) + "\n";
  out += "  peer signature scheme: " + scheme_text(conn.peer_signature_scheme()) + "\n";
  std::fputs(out.c_str(), stderr);
  std::fflush(stderr);
}

std::string html_page(const Connection& conn) {
  std::string body =
      "<!DOCTYPE html>\n<html><head><title>glasstls</title></head><body>\n"
      "<h1>glasstls</h1>\n<ul>\n";
  body += "<li>version: " + std::string(explain(conn.version())) + "</li>\n";
  body += "<li>cipher suite: " + std::string(name(conn.cipher_suite())) + "</li>\n";
  body += "<li>group: " + std::string(name(conn.group())) + "</li>\n";
  body += "<li>certificate: " + html_escape(chain_text(conn.local_certificates())) + "</li>\n";
  body += "<li>signature scheme: " + scheme_text(conn.signature_scheme()) + "</li>\n";
  body += "<li>ALPN: " + html_escape(alpn_text(conn)) + "</li>\n";
  body += "<li>SNI: " + html_escape(server_name_text(conn)) + "</li>\n";
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

// TimedStream drives a Connection over a non-blocking socket for the sequential server. Every
// wait is a poll() bounded by a deadline, so no client can hold the server longer than the
// limits allow: until the handshake completes the deadline is the handshake timeout from
// accept(); after it, the idle timeout from the last byte that moved either way (received or
// sent, so a long echo that keeps flowing is never idle). Errors are messages, safe to print.
class TimedStream {
 public:
  TimedStream(int fd, Connection conn, const Limits& limits, Clock::time_point accepted)
      : fd_(fd),
        conn_(std::move(conn)),
        limits_(limits),
        handshake_deadline_(accepted + limits.handshake_timeout),
        last_activity_(accepted) {
    int flags = ::fcntl(fd_, F_GETFL);
    if (flags >= 0) {
      ::fcntl(fd_, F_SETFL, flags | O_NONBLOCK);
    }
  }

  Connection& connection() { return conn_; }

  bool handshake(std::string& error) {
    if (!flush(error)) {
      return false;
    }
    while (conn_.is_handshaking()) {
      if (!pump(error)) {
        return false;
      }
    }
    if (conn_.state() == ConnectionState::kFailed) {
      error = latched_error();
      return false;
    }
    last_activity_ = Clock::now();  // the idle clock starts with the established connection
    return flush(error);
  }

  // read returns up to out.size() bytes of application data; 0 means the client's
  // close_notify. nullopt (with `error`) on failure, truncation or timeout.
  std::optional<size_t> read(std::span<uint8_t> out, std::string& error) {
    for (;;) {
      if (conn_.readable() > 0) {
        return conn_.read(out);
      }
      if (conn_.peer_closed()) {
        return size_t{0};
      }
      if (conn_.state() == ConnectionState::kFailed) {
        error = latched_error();
        return std::nullopt;
      }
      if (!pump(error)) {
        return std::nullopt;
      }
    }
  }

  bool write_all(std::span<const uint8_t> data, std::string& error) {
    Status w = conn_.write(data);
    if (!w.ok()) {
      error = log_safe(w.error().to_string());
      return false;
    }
    return flush(error);
  }

  bool close(std::string& error) {
    conn_.close();
    return flush(error);
  }

  // idle_timed_out: the last failure was the idle timeout.
  bool idle_timed_out() const { return idle_timed_out_; }

  // goodbye queues close_notify and sends what the socket takes at once, without waiting: the
  // connection is over either way.
  void goodbye() {
    conn_.close();
    std::span<const uint8_t> out = conn_.output();
    if (!out.empty()) {
      [[maybe_unused]] ssize_t sent = ::send(fd_, out.data(), out.size(), MSG_NOSIGNAL);
    }
  }

  // flush sends everything the connection has queued.
  bool flush(std::string& error) {
    while (conn_.wants_write()) {
      SendOutcome sent = send_output(conn_, fd_);
      if (sent.sent > 0) {
        last_activity_ = Clock::now();
      }
      if (sent.error != 0) {
        error = std::string("send: ") + std::strerror(sent.error);
        return false;
      }
      if (sent.blocked && !wait(POLLOUT, error)) {
        return false;
      }
    }
    return true;
  }

 private:
  Clock::time_point deadline() const {
    return conn_.is_handshaking() ? handshake_deadline_ : last_activity_ + limits_.idle_timeout;
  }

  // wait polls for `events` until the deadline; false (with `error`) when it passes first.
  bool wait(short events, std::string& error) {
    for (;;) {
      Clock::duration left = deadline() - Clock::now();
      if (left <= Clock::duration::zero()) {
        idle_timed_out_ = !conn_.is_handshaking();
        error = conn_.is_handshaking()
                    ? "no completed handshake " + seconds_text(limits_.handshake_timeout) +
                          " after accept (handshake timeout)"
                    : "idle for " + seconds_text(limits_.idle_timeout) +
                          ", no byte either way (idle timeout)";
        return false;
      }
      // Round up, so a wait never ends just short of the deadline and spins.
      auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
      pollfd p{};
      p.fd = fd_;
      p.events = events;
      int r = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(ms, 60 * 1000)));
      if (r < 0) {
        if (errno == EINTR) {
          continue;
        }
        error = std::string("poll: ") + std::strerror(errno);
        return false;
      }
      if (r > 0) {
        return true;  // ready, or an error or hangup that recv()/send() will report
      }
    }
  }

  // pump waits for bytes from the client, hands them to the connection and sends what it
  // answers.
  bool pump(std::string& error) {
    if (!wait(POLLIN, error)) {
      return false;
    }
    ssize_t n = ::recv(fd_, buf_, sizeof(buf_), 0);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) {
        return true;
      }
      error = std::string("recv: ") + std::strerror(errno);
      return false;
    }
    if (n == 0) {
      if (conn_.peer_closed()) {
        return true;
      }
      if (conn_.state() == ConnectionState::kFailed) {
        error = latched_error();
      } else if (conn_.is_handshaking()) {
        error = "the client closed the transport during the handshake";
      } else {
        error = "the client closed the transport without close_notify (truncation)";
      }
      return false;
    }
    last_activity_ = Clock::now();
    Status received = conn_.receive(std::span<const uint8_t>(buf_, static_cast<size_t>(n)));
    // Send what the connection produced either way: responses, or the fatal alert.
    std::string flush_error;
    bool flushed = flush(flush_error);
    if (!received.ok()) {
      error = log_safe(received.error().to_string());
      return false;
    }
    if (!flushed) {
      error = flush_error;
      return false;
    }
    return true;
  }

  std::string latched_error() const {
    const Error* e = conn_.error();
    return e != nullptr ? log_safe(e->to_string()) : "the connection failed";
  }

  int fd_;
  Connection conn_;
  Limits limits_;
  Clock::time_point handshake_deadline_;
  Clock::time_point last_activity_;
  bool idle_timed_out_ = false;
  uint8_t buf_[kBufferSize];
};

// serve runs one connection on the socket `fd`, accepted at `accepted`. It returns true when
// the connection ended with close_notify both ways.
bool serve(int fd, const std::string& peer, Clock::time_point accepted,
           const std::shared_ptr<const ServerConfig>& config, const ServerOptions& options) {
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
  auto stream = std::make_unique<TimedStream>(fd, std::move(*conn), options.limits, accepted);
  Connection& c = stream->connection();
  std::string error;
  if (!stream->handshake(error)) {
    report("handshake with " + peer + " failed: " + error);
    return false;
  }
  print_connection(c, "glasstls server: connection from " + peer);
  if (options.key_update) {
    Status ku = c.key_update(true);
    if (!ku.ok()) {
      report("key update failed: " + log_safe(ku.error().to_string()));
      return false;
    }
    if (!stream->flush(error)) {
      report("key update failed: " + error);
      return false;
    }
    report("sent KeyUpdate (update_requested)");
  }

  std::vector<uint8_t> buf(kBufferSize);
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  bool clean = false;
  std::string request;
  // 0-RTT data arrived with the client's first flight: it is the connection's first data.
  Bytes early(c.early_data_readable());
  early.resize(c.read_early_data(early));
  if (!early.empty()) {
    report("early data (0-RTT) from " + peer + ": " + std::to_string(early.size()) +
           " bytes, accepted once; it may be a replay of an earlier ClientHello");
  }
  size_t early_at = 0;
  for (;;) {
    std::optional<size_t> n;
    if (early_at < early.size()) {
      n = std::min(buf.size(), early.size() - early_at);
      std::memcpy(buf.data(), early.data() + early_at, *n);
      early_at += *n;
    } else {
      n = stream->read(buf, error);
    }
    if (!n) {
      report("connection with " + peer + " failed: " + error);
      if (stream->idle_timed_out()) {
        stream->goodbye();
      }
      break;
    }
    if (*n == 0) {
      // The client's close_notify: answer with ours. A client that exits right after its
      // close_notify may have reset the transport already; its close was still clean.
      clean = true;
      if (!stream->close(error)) {
        report("note: sending close_notify failed: " + error);
      }
      break;
    }
    bytes_in += *n;
    std::span<const uint8_t> data(buf.data(), *n);
    if (options.mode == Mode::kEcho) {
      if (!stream->write_all(data, error)) {
        report("echo failed: " + error);
        break;
      }
      bytes_out += *n;
    } else if (options.mode == Mode::kStdout) {
      write_fd(STDOUT_FILENO, data);
    } else {
      request.append(reinterpret_cast<const char*>(buf.data()), *n);
      size_t end = request.find("\r\n\r\n");
      if (end == std::string::npos) {
        end = request.find("\n\n");
      }
      if (end == std::string::npos) {
        if (request.size() > kMaxRequestHeader) {
          report("request from " + peer + " has no end of headers in its first " +
                 std::to_string(kMaxRequestHeader) + " bytes: closing");
          stream->close(error);
          break;
        }
        continue;
      }
      std::string_view line(request.data(), request.find_first_of("\r\n"));
      report("request from " + peer + ": " + quoted(line));
      std::string response = html_page(c);
      if (!stream->write_all(
              std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(response.data()),
                                       response.size()),
              error)) {
        report("response failed: " + error);
        break;
      }
      bytes_out += response.size();
      if (!stream->close(error)) {
        report("sending close_notify failed: " + error);
        break;
      }
      // Wait for the client's close_notify; a client that just drops the transport is
      // reported but the page was served.
      for (;;) {
        std::optional<size_t> rest = stream->read(buf, error);
        if (!rest) {
          report("after the response: " + error);
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
//
// Timeouts: every connection is on one of two lists of its loop, each in deadline order so
// that expiry looks at the fronts only. A handshaking connection's deadline is fixed at accept
// plus the handshake timeout, so the handshaking list is in accept order; an established
// connection moves to the back of the idle list whenever a byte moves either way. The cap on
// connections is process-wide (Stats::current): a loop at the cap makes room by closing the
// oldest connection of its own handshaking list, preferring one that has not yet sent a whole
// ClientHello (a slowloris client never does; a real client has, one round trip after its
// connect, and is then waiting only for its Finished to arrive).

// Stop is set by SIGINT/SIGTERM (and read by every loop).
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");

extern "C" void on_stop_signal(int) { g_stop.store(true, std::memory_order_relaxed); }

// Stats are shared by the loops; every field is a counter.
struct Stats {
  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> handshakes{0};
  // failures: TLS errors, transport errors, and connections that ended before the handshake
  // completed (including handshake timeouts and connections closed to make room).
  std::atomic<uint64_t> failures{0};
  // closed_clean: close_notify both ways.
  std::atomic<uint64_t> closed_clean{0};
  // closed_unclean: the transport ended (EOF or reset) after the handshake without the peer's
  // close_notify.
  std::atomic<uint64_t> closed_unclean{0};
  std::atomic<uint64_t> accept_errors{0};
  // handshake_timeouts: closed because the handshake had not completed in time.
  std::atomic<uint64_t> handshake_timeouts{0};
  // idle_timeouts: established connections closed after the idle timeout.
  std::atomic<uint64_t> idle_timeouts{0};
  // evicted: handshaking connections closed to make room for a new one at the cap.
  std::atomic<uint64_t> evicted{0};
  // refused: new connections closed at once because the cap was reached and every
  // connection of the loop had completed its handshake.
  std::atomic<uint64_t> refused{0};
  std::atomic<int64_t> current{0};
  std::atomic<int64_t> peak{0};
};

constexpr int kReadsPerEvent = 4;
// kMaxPendingOutput: above this much unsent output a connection stops reading (the echo waits
// for the peer to take what it was sent).
constexpr size_t kMaxPendingOutput = 256 * 1024;
constexpr int kListenBacklog = 4096;
// kEvictionScan bounds how far from the front of the handshaking list a loop looks for a
// connection that has not sent a whole ClientHello before it closes the oldest one instead.
constexpr int kEvictionScan = 64;
// kMaxWaitMs: epoll_wait returns at least this often (the stop flag and deadlines are polled).
constexpr int kMaxWaitMs = 100;

// LiveConnection is one accepted connection; it lives on the heap and epoll holds its address.
struct LiveConnection {
  LiveConnection(int socket, Connection conn) : fd(socket), tls(std::move(conn)) {}
  int fd;
  // events is the interest set registered with epoll.
  uint32_t events = 0;
  // index is the position in the loop's `connections` (for removal in O(1)).
  uint32_t index = 0;
  bool handshake_counted = false;
  // hello_answered: the server has answered a whole ClientHello.
  bool hello_answered = false;
  // closed: finished, and waiting for the end of the event batch to be deleted.
  bool closed = false;
  // The timer list the connection is on (handshaking or idle), and its deadline there.
  LiveConnection* prev = nullptr;
  LiveConnection* next = nullptr;
  Clock::time_point deadline;
  Connection tls;
};

// TimerList is an intrusive doubly linked list of connections in deadline order (every
// connection on a list has the same timeout, so appending keeps the order).
class TimerList {
 public:
  LiveConnection* front() const { return head_; }
  void push_back(LiveConnection* c) {
    c->prev = tail_;
    c->next = nullptr;
    if (tail_ != nullptr) {
      tail_->next = c;
    } else {
      head_ = c;
    }
    tail_ = c;
  }
  void remove(LiveConnection* c) {
    (c->prev != nullptr ? c->prev->next : head_) = c->next;
    (c->next != nullptr ? c->next->prev : tail_) = c->prev;
    c->prev = nullptr;
    c->next = nullptr;
  }
  bool is_back(const LiveConnection* c) const { return tail_ == c; }

 private:
  LiveConnection* head_ = nullptr;
  LiveConnection* tail_ = nullptr;
};

class EventLoop {
 public:
  EventLoop(int listener, bool exclusive, std::shared_ptr<const ServerConfig> config,
            const Limits& limits, Stats& stats, OcspFile* ocsp)
      : listener_(listener),
        exclusive_(exclusive),
        config_(std::move(config)),
        limits_(limits),
        stats_(stats),
        ocsp_(ocsp) {}
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;
  ~EventLoop() {
    for (LiveConnection* c : connections_) {
      ::close(c->fd);
      delete c;
    }
    for (LiveConnection* c : closed_) {
      delete c;
    }
    if (epoll_ >= 0) {
      ::close(epoll_);
    }
  }

  // run serves until g_stop is set or `deadline` passes. False (with a report) if the loop
  // could not start.
  bool run(Clock::time_point deadline) {
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0 || !watch_listener()) {
      report(std::string("epoll: ") + std::strerror(errno));
      return false;
    }
    std::vector<epoll_event> ready(256);
    now_ = Clock::now();
    while (!g_stop.load(std::memory_order_relaxed) && now_ < deadline) {
      if (accept_paused_ && now_ >= resume_accept_) {
        accept_paused_ = !watch_listener();
      }
      int n = ::epoll_wait(epoll_, ready.data(), static_cast<int>(ready.size()), wait_ms());
      now_ = Clock::now();
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
          auto* c = static_cast<LiveConnection*>(ready[i].data.ptr);
          // A connection closed earlier in this batch (to make room) may still have an event.
          if (!c->closed) {
            handle(*c, ready[i].events);
          }
        }
      }
      expire();
      // Deleted only now: the batch above may hold events of connections it closed.
      for (LiveConnection* c : closed_) {
        delete c;
      }
      closed_.clear();
    }
    return true;
  }

  // open is how many connections the loop still holds.
  size_t open() const { return connections_.size(); }

 private:
  enum class End { kOpen, kClean, kUnclean, kFailed, kHandshakeTimeout, kIdleTimeout, kEvicted };

  bool watch_listener() {
    epoll_event ev{};
    ev.events = EPOLLIN | (exclusive_ ? EPOLLEXCLUSIVE : 0u);
    ev.data.ptr = nullptr;
    return ::epoll_ctl(epoll_, EPOLL_CTL_ADD, listener_, &ev) == 0;
  }

  // wait_ms is how long epoll_wait may sleep: until the earliest deadline, at most kMaxWaitMs.
  int wait_ms() const {
    Clock::time_point next = now_ + std::chrono::milliseconds(kMaxWaitMs);
    for (const LiveConnection* c : {handshaking_.front(), idle_.front()}) {
      if (c != nullptr && c->deadline < next) {
        next = c->deadline;
      }
    }
    if (next <= now_) {
      return 0;
    }
    return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(next - now_).count());
  }

  void accept_all() {
    bool made_room_for_descriptor = false;
    for (;;) {
      int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) {
          continue;
        }
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
          stats_.accept_errors.fetch_add(1, std::memory_order_relaxed);
          // Out of descriptors below the cap (the limit changed, or descriptors went to
          // something else): a handshaking connection gives up its descriptor, once per
          // wake-up, so a slowloris cannot keep real clients in the accept queue.
          if (!made_room_for_descriptor && evict_one()) {
            made_room_for_descriptor = true;
            continue;
          }
          // Stop watching the listener for a moment, or level-triggered epoll would spin on
          // it.
          if (!accept_paused_) {
            ::epoll_ctl(epoll_, EPOLL_CTL_DEL, listener_, nullptr);
            accept_paused_ = true;
            resume_accept_ = now_ + std::chrono::milliseconds(100);
          }
        }
        return;  // EAGAIN: nothing more to accept (another loop may have taken it).
      }
      stats_.accepted.fetch_add(1, std::memory_order_relaxed);
      // Take a place under the cap first, then make room if that went over it.
      int64_t now_open = stats_.current.fetch_add(1, std::memory_order_relaxed) + 1;
      if (now_open > static_cast<int64_t>(limits_.max_connections) && !evict_one()) {
        stats_.current.fetch_sub(1, std::memory_order_relaxed);
        stats_.refused.fetch_add(1, std::memory_order_relaxed);
        ::close(fd);
        continue;
      }
      if (ocsp_ != nullptr) {
        ocsp_->refresh();
      }
      Result<Connection> conn = Connection::server(config_);
      if (!conn.ok()) {
        stats_.current.fetch_sub(1, std::memory_order_relaxed);
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
        stats_.current.fetch_sub(1, std::memory_order_relaxed);
        stats_.failures.fetch_add(1, std::memory_order_relaxed);
        ::close(fd);
        delete c;
        continue;
      }
      c->index = static_cast<uint32_t>(connections_.size());
      connections_.push_back(c);
      c->deadline = now_ + limits_.handshake_timeout;
      handshaking_.push_back(c);
      int64_t peak = stats_.peak.load(std::memory_order_relaxed);
      now_open = stats_.current.load(std::memory_order_relaxed);
      while (now_open > peak &&
             !stats_.peak.compare_exchange_weak(peak, now_open, std::memory_order_relaxed)) {
      }
    }
  }

  // evict_one closes a handshaking connection to make room: the oldest of the first
  // kEvictionScan that has not had its ClientHello answered, or else the oldest. False if the
  // loop has no handshaking connection.
  bool evict_one() {
    LiveConnection* victim = handshaking_.front();
    if (victim == nullptr) {
      return false;
    }
    int scanned = 0;
    for (LiveConnection* c = victim; c != nullptr && scanned < kEvictionScan;
         c = c->next, ++scanned) {
      if (!c->hello_answered) {
        victim = c;
        break;
      }
    }
    finish(*victim, End::kEvicted);
    return true;
  }

  // expire closes the connections whose deadline has passed.
  void expire() {
    Clock::time_point now = Clock::now();
    while (LiveConnection* c = handshaking_.front()) {
      if (c->deadline > now) {
        break;
      }
      finish(*c, End::kHandshakeTimeout);
    }
    while (LiveConnection* c = idle_.front()) {
      if (c->deadline > now) {
        break;
      }
      // Say goodbye if the socket takes it at once; the connection is over either way.
      c->tls.close();
      std::span<const uint8_t> out = c->tls.output();
      if (!out.empty()) {
        [[maybe_unused]] ssize_t sent = ::send(c->fd, out.data(), out.size(), MSG_NOSIGNAL);
      }
      finish(*c, End::kIdleTimeout);
    }
  }

  // active records that a byte moved on an established connection.
  void active(LiveConnection& c) {
    if (!c.handshake_counted) {
      return;  // the handshake deadline does not move
    }
    c.deadline = now_ + limits_.idle_timeout;
    if (!idle_.is_back(&c)) {
      idle_.remove(&c);
      idle_.push_back(&c);
    }
  }

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
      active(c);
      Status s = c.tls.receive(std::span<const uint8_t>(in_.data(), static_cast<size_t>(n)));
      if (!s.ok()) {
        // Send the alert if the socket takes it at once; the connection is over either way.
        flush(c);
        return End::kFailed;
      }
      if (!c.hello_answered && c.tls.wants_write()) {
        c.hello_answered = true;  // a whole ClientHello arrived: this is a TLS client
      }
      if (!c.handshake_counted && !c.tls.is_handshaking()) {
        c.handshake_counted = true;
        stats_.handshakes.fetch_add(1, std::memory_order_relaxed);
        handshaking_.remove(&c);
        c.deadline = now_ + limits_.idle_timeout;
        idle_.push_back(&c);
      }
      // The echo: everything readable goes straight back, 0-RTT data first.
      while (c.handshake_counted && c.tls.early_data_readable() > 0) {
        size_t got = c.tls.read_early_data(plain_);
        if (!c.tls.write(std::span<const uint8_t>(plain_.data(), got)).ok()) {
          return End::kFailed;
        }
      }
      while (c.tls.readable() > 0) {
        size_t got = c.tls.read(plain_);
        if (!c.tls.write(std::span<const uint8_t>(plain_.data(), got)).ok()) {
          return End::kFailed;
        }
      }
      if (c.tls.peer_closed() && c.tls.state() != ConnectionState::kClosed) {
        c.tls.close();  // answer the client's close_notify with ours
      }
      if (c.tls.output().size() > kMaxPendingOutput || static_cast<size_t>(n) < in_.size()) {
        return End::kOpen;  // drained for now, or too much waiting to go out
      }
    }
    return End::kOpen;
  }

  // flush sends output() as far as the socket takes it and sets the epoll interest to match.
  End flush(LiveConnection& c) {
    SendOutcome sent = send_output(c.tls, c.fd);
    if (sent.sent > 0) {
      active(c);
    }
    if (sent.error != 0) {
      // A client that closed right after its close_notify may reset before ours arrives.
      if (c.tls.peer_closed()) {
        return End::kClean;
      }
      return c.handshake_counted ? End::kUnclean : End::kFailed;
    }
    const bool blocked = sent.blocked;
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
    uint32_t want =
        (c.tls.output().size() > kMaxPendingOutput ? 0u : EPOLLIN) | (blocked ? EPOLLOUT : 0u);
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
      case End::kClean: stats_.closed_clean.fetch_add(1, std::memory_order_relaxed); break;
      case End::kUnclean: stats_.closed_unclean.fetch_add(1, std::memory_order_relaxed); break;
      case End::kFailed: stats_.failures.fetch_add(1, std::memory_order_relaxed); break;
      case End::kHandshakeTimeout:
        stats_.handshake_timeouts.fetch_add(1, std::memory_order_relaxed);
        stats_.failures.fetch_add(1, std::memory_order_relaxed);
        break;
      case End::kEvicted:
        stats_.evicted.fetch_add(1, std::memory_order_relaxed);
        stats_.failures.fetch_add(1, std::memory_order_relaxed);
        break;
      case End::kIdleTimeout: stats_.idle_timeouts.fetch_add(1, std::memory_order_relaxed); break;
      case End::kOpen: return;
    }
    stats_.current.fetch_sub(1, std::memory_order_relaxed);
    ::close(c.fd);  // also removes it from the epoll set
    (c.handshake_counted ? idle_ : handshaking_).remove(&c);
    // Swap-remove: `index` is kept equal to the position in connections_.
    LiveConnection* last = connections_.back();
    connections_[c.index] = last;
    last->index = c.index;
    connections_.pop_back();
    c.closed = true;
    closed_.push_back(&c);
  }

  int listener_;
  bool exclusive_;
  std::shared_ptr<const ServerConfig> config_;
  Limits limits_;
  Stats& stats_;
  OcspFile* ocsp_;  // --ocsp (refreshed before each handshake), or null
  int epoll_ = -1;
  bool accept_paused_ = false;
  Clock::time_point resume_accept_;
  // now_ is when the current event batch began (deadlines set during it count from there).
  Clock::time_point now_;
  std::vector<LiveConnection*> connections_;
  // closed_ are connections finished during the current batch, deleted at its end.
  std::vector<LiveConnection*> closed_;
  TimerList handshaking_;
  TimerList idle_;
  // Buffers shared by every connection of the loop: per-connection state stays small.
  std::vector<uint8_t> in_ = std::vector<uint8_t>(kBufferSize);
  std::vector<uint8_t> plain_ = std::vector<uint8_t>(kBufferSize);
};

int serve_concurrent(int listener, const std::shared_ptr<const ServerConfig>& config,
                     unsigned threads, double max_seconds, const Limits& limits, OcspFile* ocsp) {
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

  auto started = Clock::now();
  auto deadline = Clock::time_point::max();
  if (max_seconds > 0) {
    deadline = started + to_duration(max_seconds);
  }
  report("concurrent mode: " + std::to_string(threads) + " event loop" + (threads == 1 ? "" : "s") +
         ", echo, at most " + std::to_string(limits.max_connections) +
         " connections, handshake timeout " + seconds_text(limits.handshake_timeout) +
         ", idle timeout " + seconds_text(limits.idle_timeout));

  Stats stats;
  std::vector<std::unique_ptr<EventLoop>> loops;
  for (unsigned i = 0; i < threads; ++i) {
    loops.push_back(
        std::make_unique<EventLoop>(listener, threads > 1, config, limits, stats, ocsp));
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
  double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  uint64_t rss = proc_status_kb("self", "VmRSS").value_or(0);
  uint64_t hwm = proc_status_kb("self", "VmHWM").value_or(0);
  loops.clear();
  ::close(listener);
  std::fprintf(stderr,
               "glasstls server: stats: accepted=%llu handshakes=%llu failures=%llu "
               "closed_clean=%llu closed_unclean=%llu open_at_stop=%zu peak_concurrent=%lld "
               "accept_errors=%llu handshake_timeouts=%llu idle_timeouts=%llu evicted=%llu "
               "refused=%llu threads=%u seconds=%.1f rss_kb=%llu peak_rss_kb=%llu\n",
               static_cast<unsigned long long>(stats.accepted.load()),
               static_cast<unsigned long long>(stats.handshakes.load()),
               static_cast<unsigned long long>(stats.failures.load()),
               static_cast<unsigned long long>(stats.closed_clean.load()),
               static_cast<unsigned long long>(stats.closed_unclean.load()), still_open,
               static_cast<long long>(stats.peak.load()),
               static_cast<unsigned long long>(stats.accept_errors.load()),
               static_cast<unsigned long long>(stats.handshake_timeouts.load()),
               static_cast<unsigned long long>(stats.idle_timeouts.load()),
               static_cast<unsigned long long>(stats.evicted.load()),
               static_cast<unsigned long long>(stats.refused.load()), threads, seconds,
               static_cast<unsigned long long>(rss), static_cast<unsigned long long>(hwm));
  std::fflush(stderr);
  return loop_failed.load() ? 1 : 0;
}

// watch_ticket_keys rereads the --ticket-keys file whenever its size or modification time
// changes (it looks twice a second, on a thread of its own) and swaps the new ring in: an
// operator rotates keys by rewriting the file, without a restart, as with nginx. A file that
// cannot be read or holds no whole key keeps the previous ring, and says so once.
void watch_ticket_keys(std::string path, std::shared_ptr<TicketKeys> keys) {
  std::thread([path = std::move(path), keys = std::move(keys)] {
    auto stamp = [&path](struct stat& st) { return ::stat(path.c_str(), &st) == 0; };
    struct stat seen {};
    bool have = stamp(seen);
    std::string last_failure;
    for (;;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      struct stat now {};
      if (!stamp(now)) {
        continue;
      }
      if (have && now.st_size == seen.st_size && now.st_mtim.tv_sec == seen.st_mtim.tv_sec &&
          now.st_mtim.tv_nsec == seen.st_mtim.tv_nsec && now.st_ino == seen.st_ino) {
        continue;
      }
      seen = now;
      have = true;
      std::string error;
      std::optional<std::vector<TicketKey>> ring = load_ticket_keys(path, error);
      if (!ring) {
        if (error != last_failure) {
          report(error + "; keeping the previous ticket keys");
          last_failure = error;
        }
        continue;
      }
      last_failure.clear();
      const size_t n = ring->size();
      keys->replace(std::move(*ring));
      report("reloaded the ticket keys from " + path + " (" + std::to_string(n) +
             (n == 1 ? " key)" : " keys)"));
    }
  }).detach();
}

}  // namespace

int server_main(int argc, char** argv) {
  OptionSpec spec;
  spec.with_value = {"--cert",
                     "--key",
                     "--host",
                     "--port",
                     "--alpn",
                     "--sni",
                     "--ciphersuites",
                     "--sigalgs",
                     "--groups",
                     "--keylog",
                     "--verify-client",
                     "--html",
                     "--threads",
                     "--max-seconds",
                     "--handshake-timeout",
                     "--idle-timeout",
                     "--max-connections",
                     "--ocsp",
                     "--tickets",
                     "--ticket-keys",
                     "--ticket-root",
                     "--session-store",
                     "--early-data"};
  spec.flags = {"--echo",  "--www",        "--once", "--key-update", "--require-client-cert",
                "--trace", "--concurrent", "--help", "-h",           "--single-use-tickets"};
  spec.with_value.insert(std::begin(kVersionOptions), std::end(kVersionOptions));
  spec.flags.insert(std::begin(kVersionFlags), std::end(kVersionFlags));
  std::string error;
  std::optional<Args> args = parse_args(argc, argv, 2, spec, error);
  if (!args) {
    // The message names the closest option; the whole help is one --help away.
    return usage_error("server", error);
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
  } else if (args->has("--max-connections")) {
    report(
        "--max-connections needs --concurrent (the sequential server holds one connection "
        "at a time)");
    return 2;
  }
  Limits limits;
  limits.handshake_timeout = to_duration(kDefaultHandshakeTimeout);
  limits.idle_timeout = to_duration(kDefaultIdleTimeout);
  if (auto v = args->value("--handshake-timeout")) {
    std::optional<double> s = parse_seconds(*v, kMaxHandshakeTimeout);
    if (!s) {
      report("--handshake-timeout needs a number of seconds from 0.001 to 3600, got \"" + *v +
             "\"");
      return 2;
    }
    limits.handshake_timeout = to_duration(*s);
  }
  if (auto v = args->value("--idle-timeout")) {
    std::optional<double> s = parse_seconds(*v, kMaxIdleTimeout);
    if (!s) {
      report("--idle-timeout needs a number of seconds from 0.001 to 86400, got \"" + *v + "\"");
      return 2;
    }
    limits.idle_timeout = to_duration(*s);
  }
  std::optional<uint64_t> max_connections;
  if (auto v = args->value("--max-connections")) {
    max_connections = parse_count(*v, 1, kMaxConnectionsArg);
    if (!max_connections) {
      report("--max-connections needs a number from 1 to " + std::to_string(kMaxConnectionsArg) +
             ", got \"" + *v + "\"");
      return 2;
    }
  }
  if (args->has("--www")) {
    // The responder speaks HTTP/1.1 and nothing else: agreeing to another protocol would
    // answer a client in a language it did not ask for.
    if (auto v = args->value("--alpn")) {
      for (const std::string& protocol : split_list(*v)) {
        if (protocol != "http/1.1") {
          report("--www speaks HTTP/1.1 only: --alpn may name http/1.1 alone, got \"" + *v + "\"");
          return 2;
        }
      }
    }
  }
  ServerOptions options;
  options.mode = args->has("--echo")  ? Mode::kEcho
                 : args->has("--www") ? Mode::kWww
                                      : Mode::kStdout;
  options.key_update = args->has("--key-update");
  options.limits = limits;
  options.args = &*args;

  // --ocsp: the response stapled for the --cert certificate, read now and again before each
  // handshake when the file changed.
  std::unique_ptr<OcspFile> ocsp;
  if (auto path = args->value("--ocsp")) {
    ocsp = std::make_unique<OcspFile>(*path);
    if (!ocsp->load(error)) {
      report(error);
      return 1;
    }
    report("stapling the OCSP response from " + *path + " (" +
           std::to_string(ocsp->staple()->get()->size()) + " bytes) when a client asks");
  }
  ServerConfig::Builder builder;
  {
    CertificateChain chain;
    std::optional<PrivateKey> key;
    if (!load_chain_and_key(*args->value("--cert"), *args->value("--key"), chain, key, error)) {
      report(error);
      return 1;
    }
    if (ocsp) {
      builder.add_certificate(std::move(chain), std::move(*key), {}, ocsp->staple());
    } else {
      builder.add_certificate(std::move(chain), std::move(*key));
    }
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
  if (args->has("--allow-cbc")) {
    builder.allow_legacy_cbc_suites();
  }
  {
    std::optional<VersionRange> versions = parse_versions(*args, error);
    if (!versions) {
      report(error);
      return 2;
    }
    builder.versions(versions->min, versions->max);
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
  if (options.mode == Mode::kWww) {
    builder.alpn({"http/1.1"});  // whatever --alpn said (it was checked to name nothing else)
  } else if (auto v = args->value("--alpn")) {
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
                                       args->has("--require-client-cert"), (*roots)->subjects());
  }
  if (auto v = args->value("--tickets")) {
    std::optional<uint64_t> n = parse_count(*v, 0, 16);
    if (!n) {
      report("--tickets needs a number from 0 to 16, got \"" + *v + "\"");
      return 2;
    }
    builder.session_tickets(static_cast<size_t>(*n));
  }
  if (auto path = args->value("--ticket-keys")) {
    if (!args->has("--tickets")) {
      builder.session_tickets(2);
    }
    std::optional<std::vector<TicketKey>> keys = load_ticket_keys(*path, error);
    if (!keys) {
      report(error);
      return 1;
    }
    auto ring = std::make_shared<TicketKeys>(std::move(*keys));
    builder.ticket_keys(ring);
    watch_ticket_keys(*path, ring);
  }
  if (auto path = args->value("--ticket-root")) {
    if (args->has("--ticket-keys")) {
      report("--ticket-root and --ticket-keys both name the ticket keys; give one");
      return 2;
    }
    if (!args->has("--tickets")) {
      builder.session_tickets(2);
    }
    std::optional<std::string> root = read_file(*path, error);
    if (!root) {
      report("cannot read --ticket-root file: " + error);
      return 1;
    }
    Result<std::shared_ptr<TicketKeys>> ring = TicketKeys::derive(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(root->data()), root->size()));
    secure_wipe(root->data(), root->size());
    if (!ring.ok()) {
      report("--ticket-root " + *path + ": " + ring.error().reason);
      return 1;
    }
    builder.ticket_keys(*ring);
  }
  if (auto url = args->value("--session-store")) {
    Result<RedisOptions> redis = parse_redis_url(*url);
    if (!redis.ok()) {
      report("--session-store: " + redis.error().reason);
      return 2;
    }
    Result<std::shared_ptr<ServerSessionStore>> store = redis_session_store(*redis);
    Result<std::shared_ptr<AntiReplay>> replay = redis_anti_replay(*redis);
    if (!store.ok() || !replay.ok()) {
      report("--session-store: " + (store.ok() ? replay.error() : store.error()).reason);
      return 1;
    }
    builder.session_store(*store);
    builder.anti_replay(*replay);
  }
  if (args->has("--single-use-tickets")) {
    if (!args->has("--tickets") && !args->has("--ticket-keys") && !args->has("--ticket-root")) {
      builder.session_tickets(2);
    }
    builder.single_use_tickets(true);
  }
  if (auto v = args->value("--early-data")) {
    std::optional<uint64_t> n = parse_count(*v, 1, 16 * 1024 * 1024);
    if (!n) {
      report("--early-data needs a number of bytes from 1 to 16777216, got \"" + *v + "\"");
      return 2;
    }
    if (!args->has("--tickets") && !args->has("--ticket-keys") && !args->has("--ticket-root")) {
      builder.session_tickets(2);
    }
    builder.early_data(static_cast<uint32_t>(*n));
  }
  Result<std::shared_ptr<const ServerConfig>> config = builder.build();
  if (!config.ok()) {
    report("invalid configuration: " + config.error().to_string());
    return 1;
  }

  if (concurrent) {
    // Each connection holds one descriptor; the server keeps a few for itself.
    std::string said;
    uint64_t file_limit = raise_file_limit(0, said);
    report(said.empty() ? "open file limit: " + std::to_string(file_limit) : said);
    uint64_t reserved = kReservedDescriptors + threads;
    uint64_t room = file_limit > reserved ? file_limit - reserved : 0;
    if (room == 0) {
      report("the open file limit (" + std::to_string(file_limit) +
             ") leaves no descriptors for connections");
      return 1;
    }
    if (max_connections && *max_connections > room) {
      report("--max-connections " + std::to_string(*max_connections) +
             " needs more descriptors than the open file limit (" + std::to_string(file_limit) +
             ") leaves for connections (" + std::to_string(room) + ")");
      return 2;
    }
    limits.max_connections = max_connections ? *max_connections : room;
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
    return serve_concurrent(listener, *config, threads, max_seconds, limits, ocsp.get());
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
    Clock::time_point accepted = Clock::now();
    if (ocsp) {
      ocsp->refresh();
    }
    bool clean = serve(fd, peer_address(addr), accepted, *config, options);
    ::close(fd);
    if (once) {
      ::close(listener);
      return clean ? 0 : 1;
    }
  }
}

}  // namespace glasstls::cli
