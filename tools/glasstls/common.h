// common.h: helpers shared by the `glasstls` subcommands: argument parsing, list parsing,
// sockets, files, and printing negotiated parameters.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "glasstls/config.h"
#include "glasstls/connection.h"
#include "glasstls/trace.h"
#include "glasstls/types.h"

namespace glasstls::cli {

// Args is a parsed command line: options with values (repeatable), flags and positionals.
struct Args {
  std::map<std::string, std::vector<std::string>> options;
  std::set<std::string> flags;
  std::vector<std::string> positionals;

  // has reports whether the flag or option `name` (with its leading dashes) was given.
  bool has(const std::string& name) const;
  // value is the last value of option `name`, or nullopt.
  std::optional<std::string> value(const std::string& name) const;
  // values is every value of option `name`, in order.
  std::vector<std::string> values(const std::string& name) const;
};

// OptionSpec describes the options a subcommand accepts.
struct OptionSpec {
  // with_value are options that take a value ("--port 443" or "--port=443").
  std::set<std::string> with_value;
  // flags are options without a value.
  std::set<std::string> flags;
};

// parse_args parses argv[first..argc). On an unknown option or a missing value it returns
// nullopt and writes the reason to `error`; for an unknown option that is close to one the
// subcommand has, the reason ends in "; did you mean --that?".
std::optional<Args> parse_args(int argc, char** argv, int first, const OptionSpec& spec,
                               std::string& error);

// closest_name is the candidate nearest to `given` (by edit distance, ignoring leading dashes;
// or the one candidate `given` begins), or an empty string when none is close enough to be a
// likely typo.
std::string closest_name(std::string_view given, const std::vector<std::string>& candidates);

// usage_error reports a mistake in the command line of `glasstls COMMAND`: the message and a
// one-line hint to run --help, on stderr. It returns the exit status for usage errors, 2.
int usage_error(std::string_view command, std::string_view message);

// parse_port parses a TCP port: decimal digits only, 1 to 65535 (0 too with `allow_zero`, where
// it means "any free port"). nullopt otherwise, with `error` saying why.
std::optional<uint16_t> parse_port(std::string_view text, bool allow_zero, std::string& error);

// parse_seconds parses a positive, finite number of seconds ("10", "0.5"). nullopt otherwise.
std::optional<double> parse_seconds(std::string_view text);

// split_list splits a list separated by ':' or ',' into its non-empty items.
std::vector<std::string> split_list(std::string_view text);

// parse_suites, parse_groups and parse_sigalgs parse a ':'/','-separated list of names (IANA
// names or OpenSSL aliases). On an unknown name they return nullopt and set `error`.
std::optional<std::vector<CipherSuite>> parse_suites(std::string_view text, std::string& error);

// VersionRange is the protocol versions a command line asks for.
struct VersionRange {
  ProtocolVersion min = kMinSupportedVersion;
  ProtocolVersion max = kMaxSupportedVersion;
};
// kVersionOptions and kVersionFlags are the version options every command takes:
// --min-protocol VER and --max-protocol VER (VER: TLSv1.2, TLSv1.3, 1.2 or 1.3), and --tls1_2 /
// --tls1_3 for exactly one version, as s_client spells them, and --allow-cbc for the legacy
// CBC suites.
inline const char* const kVersionOptions[] = {"--min-protocol", "--max-protocol"};
inline const char* const kVersionFlags[] = {"--tls1_2", "--tls1_3", "--allow-cbc"};
// parse_versions reads the version options of `args`; nullopt (with `error` set) when they are
// malformed or contradict each other.
std::optional<VersionRange> parse_versions(const Args& args, std::string& error);
// connection_summary_line is the one-line summary s_client users know:
// "New, TLSv1.2, Cipher is TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256".
std::string connection_summary_line(const Connection& conn);
std::optional<std::vector<NamedGroup>> parse_groups(std::string_view text, std::string& error);
std::optional<std::vector<SignatureScheme>> parse_sigalgs(std::string_view text,
                                                          std::string& error);

// parse_pin parses 64 hex digits (colons allowed between bytes) into a SHA-256 pin.
std::optional<std::array<uint8_t, 32>> parse_pin(std::string_view hex);

// to_hex renders bytes as lowercase hex.
std::string to_hex(std::span<const uint8_t> bytes);

// LiveTrace prints trace events to stderr as they happen (with --trace) and keeps them for an
// HTML page (with --html FILE).
class LiveTrace final : public TraceObserver {
 public:
  LiveTrace(bool print, bool colour) : print_(print) {
    options_.colour = colour;
    options_.show_secrets = true;
  }
  void on_event(const TraceEvent& event) override;
  std::vector<TraceEvent> events;

 private:
  bool print_;
  RenderOptions options_;
};

// make_live_trace returns a LiveTrace when `--trace` or `--html` was given, else nullptr.
std::shared_ptr<LiveTrace> make_live_trace(const Args& args);
// finish_live_trace writes the --html page, if asked for; false (with `error`) on failure.
bool finish_live_trace(const LiveTrace& trace, const Args& args, const std::string& title,
                       std::string& error);

// write_file writes `content` to `path` (replacing it); false (with `error` set) on failure.
bool write_file(const std::string& path, std::string_view content, std::string& error);

// read_file reads a whole file; nullopt (with `error` set) if it cannot be read.
std::optional<std::string> read_file(const std::string& path, std::string& error);

// HostPort is a host and port split from "host:port", "[v6addr]:port" or "host" alone.
struct HostPort {
  std::string host;
  std::string port;
};
// split_host_port splits `text`; `default_port` is used when no port is given. Returns nullopt,
// with `error` saying why, for malformed text ("[::1" without "]", an empty host) and for a port
// that is not a number from 1 to 65535.
std::optional<HostPort> split_host_port(std::string_view text, std::string_view default_port,
                                        std::string& error);
// split_host_port without the reason.
std::optional<HostPort> split_host_port(std::string_view text, std::string_view default_port);

// connect_tcp resolves `host` and connects to the first address that answers. `port` must be a
// number from 1 to 65535. With `timeout_ms` >= 0 the connection attempts (all addresses
// together; not the name lookup) give up after that many milliseconds. Returns the connected
// blocking socket, or -1 with `error` set.
int connect_tcp(const std::string& host, const std::string& port, std::string& error,
                int timeout_ms = -1);

// listen_tcp binds and listens on `host`:`port` (a number from 0 to 65535; "0" picks a free
// port). Returns the listening socket and sets `bound_port`, or -1 with `error` set.
int listen_tcp(const std::string& host, const std::string& port, uint16_t& bound_port,
               std::string& error);

// load_chain_and_key reads a PEM certificate chain and a PEM private key from files.
bool load_chain_and_key(const std::string& cert_path, const std::string& key_path,
                        CertificateChain& chain, std::optional<PrivateKey>& key,
                        std::string& error);

// describe_certificate renders the subject of a DER certificate (or its size when it cannot be
// parsed).
std::string describe_certificate(std::span<const uint8_t> der);

// print_parameters writes the negotiated parameters of an established connection to stderr,
// one "  key: value" line each, after a header line `title`. `server_name_line` replaces the
// default "server name: NAME" line (a client says whether it sent SNI at all).
void print_parameters(const Connection& conn, std::string_view title,
                      std::string_view server_name_line = {});

// alpn_or_none is the negotiated ALPN protocol or "(none)".
std::string alpn_or_none(const Connection& conn);

// write_fd writes all of `data` to a file descriptor, retrying on EINTR. False on error.
bool write_fd(int fd, std::span<const uint8_t> data);

// install_signal_handlers ignores SIGPIPE (sockets use MSG_NOSIGNAL; stdout may be a pipe).
void install_signal_handlers();

// Subcommand entry points; each returns the process exit status.
int client_main(int argc, char** argv);
int server_main(int argc, char** argv);
int demo_main(int argc, char** argv);
int verify_main(int argc, char** argv);

// SendOutcome is what send_output did: how many bytes went out, whether the socket would take no
// more for now (`blocked`), and the errno of a send that failed (0 when none did).
struct SendOutcome {
  size_t sent = 0;
  bool blocked = false;
  int error = 0;
};
// send_output sends the connection's pending output to the socket `fd` without blocking, until
// it is all sent, the socket would block, or send fails (EINTR is retried). What was sent is
// consumed from the connection.
SendOutcome send_output(Connection& conn, int fd);

// proc_status_kb reads a "Field:   N kB" line (VmRSS, VmHWM, ...) of /proc/PID/status, where
// `pid` is a process number or "self"; nullopt when the file or the line is missing.
std::optional<uint64_t> proc_status_kb(const std::string& pid, const char* field);

// raise_file_limit raises the soft RLIMIT_NOFILE towards `want` descriptors (0: the hard limit),
// never above the hard limit, and returns the limit in force. `said` tells what changed
// ("raised the open file limit from A to B", "cannot raise the open file limit to W (hard
// limit H); using N"), and is empty when the limit already sufficed.
uint64_t raise_file_limit(uint64_t want, std::string& said);

}  // namespace glasstls::cli
