// explain.cc: `glasstls explain`, a captured TLS 1.3 or TLS 1.2 connection shown byte by
// byte.
//
// The input is a packet capture (pcap or pcapng; Ethernet, Linux cooked,
// loopback or raw IP link types; IPv4 and IPv6) or a dump of TLS records (raw
// bytes, or hex lines prefixed "C:" and "S:"; see trace::parse_record_dump).
// Every TCP connection of a capture that carries TLS is run through the passive
// dissector (src/trace/dissector.h) with the key log, if one is given, and
// printed with the same renderers as `glasstls demo`.

#include "explain.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "capture/pcap.h"
#include "capture/tcp_reassembly.h"
#include "common.h"
#include "explain/dissector.h"
#include "glasstls/trace.h"

namespace glasstls::cli {

namespace {

constexpr const char kExplainUsage[] =
    "usage: glasstls explain INPUT [--keylog FILE] [--json] [--html FILE] "
    "[--stream N]\n"
    "                        [--wireshark-names]\n"
    "\n"
    "Shows every TLS connection in INPUT byte by byte, as `glasstls demo` "
    "shows its own: each\n"
    "record and handshake message with every field explained, in the order "
    "they happened.\n"
    "With a key log (the NSS SSLKEYLOGFILE format written by curl, browsers, "
    "openssl s_client\n"
    "-keylogfile, or glasstls with SSLKEYLOGFILE set), TLS 1.3 and TLS 1.2 "
    "records are decrypted\n"
    "and their contents shown too. Without one, each direction is shown up to "
    "its first encrypted\n"
    "record.\n"
    "\n"
    "INPUT is one of:\n"
    "  a packet capture   pcap or pcapng (tcpdump, dumpcap, Wireshark), "
    "Ethernet, Linux cooked,\n"
    "                     loopback or raw IP, IPv4 or IPv6; TCP streams are "
    "reassembled\n"
    "  raw TLS records    the bytes of one direction, starting with a record "
    "header\n"
    "  a hex dump         one chunk per line: \"C: 16 03 01 ...\" (client to "
    "server) or\n"
    "                     \"S: 16 03 03 ...\" (server to client); unprefixed "
    "lines continue the\n"
    "                     line above; '#' starts a comment; spaces and colons "
    "are ignored\n"
    "\n"
    "options:\n"
    "  --keylog FILE   decrypt with the secrets of this NSS key log\n"
    "  --json          print the connections as JSON instead of text\n"
    "  --html FILE     also write all connections as one self-contained HTML "
    "page\n"
    "  --stream N      show only the Nth TLS connection of the capture (from "
    "1)\n"
    "  --wireshark-names\n"
    "                  show beside each field the name tshark and Wireshark "
    "give its bytes\n"
    "                  (tls.handshake.ciphersuite), to use in a display "
    "filter; --json always\n"
    "                  carries it (\"wireshark\")\n"
    "  --help          show this help\n"
    "\n"
    "Colour is used when stdout is a terminal (set NO_COLOR to turn it off).\n"
    "Exit status: 0 when a TLS connection was shown, 1 when INPUT holds none, "
    "2 on an error.\n";

// Connection is one TLS connection ready to print.
struct Connection {
  size_t index = 0;  // 1-based, among the TLS connections
  std::string client;
  std::string server;
  trace::DissectorResult result;
};

std::string endpoint(const capture::Endpoint& e) {
  if (e.address.find(':') != std::string::npos) {
    return "[" + e.address + "]:" + std::to_string(e.port);
  }
  return e.address + ":" + std::to_string(e.port);
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    auto b = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (b < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", b);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

bool is_capture(std::string_view file) {
  if (file.size() < 4) {
    return false;
  }
  auto b = [&](size_t i) { return static_cast<uint8_t>(file[i]); };
  uint32_t be = (uint32_t{b(0)} << 24) | (uint32_t{b(1)} << 16) | (uint32_t{b(2)} << 8) | b(3);
  uint32_t le = (uint32_t{b(3)} << 24) | (uint32_t{b(2)} << 16) | (uint32_t{b(1)} << 8) | b(0);
  for (uint32_t magic : {0xa1b2c3d4u, 0xa1b23c4du}) {
    if (be == magic || le == magic) {
      return true;
    }
  }
  return be == 0x0a0d0d0au;
}

std::string summary_line(const trace::DissectorSummary& s) {
  std::string out = "summary: ";
  if (s.cipher_suite) {
    out += s.tls13 ? "TLS 1.3, " : "TLS 1.2 or older, ";
    out += std::string(name(*s.cipher_suite));
  } else {
    out += "no ServerHello";
  }
  if (s.hello_retry_request) {
    out += ", after a HelloRetryRequest";
  }
  out += "; " + std::to_string(s.handshake_messages) + " handshake messages, " +
         std::to_string(s.records) + " records (" + std::to_string(s.decrypted_records) +
         " decrypted)";
  out += s.complete ? "; everything shown" : "; not everything could be shown";
  return out;
}

std::string summary_json(const trace::DissectorSummary& s) {
  std::string out = "{\"tls13\":";
  out += s.tls13 ? "true" : "false";
  out += ",\"cipher_suite\":";
  out += s.cipher_suite ? json_string(name(*s.cipher_suite)) : "null";
  out += ",\"hello_retry_request\":";
  out += s.hello_retry_request ? "true" : "false";
  out += ",\"client_random\":" + json_string(to_hex(s.client_random));
  out += ",\"keys_found\":";
  out += s.keys_found ? "true" : "false";
  out += ",\"complete\":";
  out += s.complete ? "true" : "false";
  out += ",\"records\":" + std::to_string(s.records);
  out += ",\"decrypted_records\":" + std::to_string(s.decrypted_records);
  out += ",\"handshake_messages\":" + std::to_string(s.handshake_messages) + "}";
  return out;
}

// capture_notes describes what the capture lost, as notes shown before the
// connection.
std::vector<TraceEvent> capture_notes(const capture::TcpStream& t) {
  std::vector<TraceEvent> notes;
  auto half = [&](const capture::StreamHalf& h, TraceDirection d, const char* who) {
    if (h.gap_offset) {
      notes.emplace_back(TraceNote{d, "the capture misses bytes of the " + std::string(who) +
                                          "'s stream at offset " + std::to_string(*h.gap_offset) +
                                          ": only what comes before is shown"});
    }
    if (h.conflicting_bytes > 0) {
      notes.emplace_back(
          TraceNote{d, std::to_string(h.conflicting_bytes) + " retransmitted bytes of the " + who +
                           " differed from the first copy (the first copy is shown)"});
    }
  };
  if (!t.client_to_server.syn_seen && !t.server_to_client.syn_seen) {
    notes.emplace_back(TraceNote{TraceDirection::kClientToServer,
                                 "no SYN in the capture: it may have started mid-connection"});
  }
  half(t.client_to_server, TraceDirection::kClientToServer, "client");
  half(t.server_to_client, TraceDirection::kServerToClient, "server");
  return notes;
}

}  // namespace

int explain_main(int argc, char** argv) {
  OptionSpec spec;
  spec.with_value = {"--keylog", "--html", "--stream"};
  spec.flags = {"--help", "-h", "--json", "--wireshark-names"};
  std::string error;
  std::optional<Args> args = parse_args(argc, argv, 2, spec, error);
  if (!args) {
    return usage_error("explain", error);
  }
  if (args->has("--help") || args->has("-h")) {
    std::fputs(kExplainUsage, stdout);
    return 0;
  }
  if (args->positionals.size() != 1) {
    return usage_error("explain", "expected one INPUT file");
  }
  const bool json = args->has("--json");
  size_t only_stream = 0;
  if (auto n = args->value("--stream")) {
    char* end = nullptr;
    unsigned long v = std::strtoul(n->c_str(), &end, 10);
    if (n->empty() || *end != '\0' || v == 0) {
      std::fprintf(stderr, "glasstls explain: --stream takes a number from 1\n");
      return 2;
    }
    only_stream = v;
  }

  std::optional<trace::KeyLogFile> keys;
  if (auto path = args->value("--keylog")) {
    std::optional<std::string> text = read_file(*path, error);
    if (!text) {
      std::fprintf(stderr, "glasstls explain: %s\n", error.c_str());
      return 2;
    }
    keys = trace::KeyLogFile::parse(*text);
    for (const trace::KeyLogProblem& p : keys->problems()) {
      std::fprintf(stderr, "glasstls explain: %s line %zu: %s (line ignored)\n", path->c_str(),
                   p.line, p.reason.c_str());
    }
    if (keys->size() == 0) {
      std::fprintf(stderr, "glasstls explain: %s holds no secrets\n", path->c_str());
    }
  }
  const std::string& input_path = args->positionals[0];
  std::optional<std::string> file = read_file(input_path, error);
  if (!file) {
    std::fprintf(stderr, "glasstls explain: %s\n", error.c_str());
    return 2;
  }
  ByteView bytes(reinterpret_cast<const uint8_t*>(file->data()), file->size());

  trace::DissectorOptions options;
  options.keys = keys ? &*keys : nullptr;
  options.show_secrets = true;
  std::vector<Connection> connections;
  size_t skipped = 0;
  if (is_capture(*file)) {
    Result<capture::Capture> cap = capture::read_capture(bytes);
    if (!cap.ok()) {
      std::fprintf(stderr, "glasstls explain: %s: %s\n", input_path.c_str(),
                   cap.error().to_string().c_str());
      return 2;
    }
    if (cap->truncated) {
      std::fprintf(stderr, "glasstls explain: %s is cut short (%s); reading what is there\n",
                   input_path.c_str(), cap->truncation_reason.c_str());
    }
    capture::DecodeStats stats;
    std::vector<capture::TcpStream> streams = capture::reassemble_capture(cap->packets, &stats);
    if (stats.unsupported_link_type > 0) {
      std::fprintf(stderr,
                   "glasstls explain: %llu packets of an unsupported link type "
                   "skipped\n",
                   static_cast<unsigned long long>(stats.unsupported_link_type));
    }
    if (stats.fragments > 0) {
      std::fprintf(stderr, "glasstls explain: %llu IP fragments skipped (not reassembled)\n",
                   static_cast<unsigned long long>(stats.fragments));
    }
    if (stats.malformed > 0) {
      std::fprintf(stderr, "glasstls explain: %llu malformed packets skipped (first: %s)\n",
                   static_cast<unsigned long long>(stats.malformed), stats.first_malformed.c_str());
    }
    for (size_t i = 0; i < streams.size(); i++) {
      const capture::TcpStream& t = streams[i];
      std::string client = endpoint(t.client);
      std::string server = endpoint(t.server);
      if (t.client_to_server.data.empty() && t.server_to_client.data.empty()) {
        continue;
      }
      trace::DissectorResult r = trace::dissect(trace::input_from_tcp_stream(t), options);
      if (!r.summary.is_tls) {
        skipped++;
        std::fprintf(stderr, "glasstls explain: TCP connection %s -> %s is not TLS, skipped\n",
                     client.c_str(), server.c_str());
        continue;
      }
      std::vector<TraceEvent> notes = capture_notes(t);
      r.events.insert(r.events.begin(), notes.begin(), notes.end());
      Connection c;
      c.index = connections.size() + 1;
      c.client = std::move(client);
      c.server = std::move(server);
      c.result = std::move(r);
      connections.push_back(std::move(c));
    }
  } else {
    Result<trace::RecordDump> dump = trace::parse_record_dump(bytes);
    if (!dump.ok()) {
      std::fprintf(stderr,
                   "glasstls explain: %s is neither a capture (pcap, pcapng) "
                   "nor a record dump: "
                   "%s\n",
                   input_path.c_str(), dump.error().to_string().c_str());
      return 2;
    }
    trace::DissectorResult r = trace::dissect(dump->input(), options);
    if (!r.summary.is_tls) {
      skipped++;
    } else {
      Connection c;
      c.index = 1;
      c.client = "client";
      c.server = "server";
      c.result = std::move(r);
      connections.push_back(std::move(c));
    }
  }
  if (only_stream > 0) {
    if (only_stream > connections.size()) {
      std::fprintf(stderr, "glasstls explain: --stream %zu, but %s has %zu TLS connections\n",
                   only_stream, input_path.c_str(), connections.size());
      return 2;
    }
    std::vector<Connection> one;
    one.push_back(std::move(connections[only_stream - 1]));
    connections = std::move(one);
  }
  if (connections.empty()) {
    std::fprintf(stderr, "glasstls explain: no TLS connection found in %s%s\n", input_path.c_str(),
                 skipped > 0 ? (" (" + std::to_string(skipped) + " other skipped)").c_str() : "");
    return 1;
  }

  if (json) {
    std::string out = "{\"input\":" + json_string(input_path) + ",\"connections\":[";
    for (size_t i = 0; i < connections.size(); i++) {
      const Connection& c = connections[i];
      out += i == 0 ? "\n" : ",\n";
      out += "{\"index\":" + std::to_string(c.index) + ",\"client\":" + json_string(c.client) +
             ",\"server\":" + json_string(c.server) +
             ",\"summary\":" + summary_json(c.result.summary) +
             ",\"events\":" + render_json(c.result.events) + "}";
    }
    out += "\n]}\n";
    std::fputs(out.c_str(), stdout);
  } else {
    RenderOptions render;
    render.colour = ::isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr;
    render.show_secrets = true;
    render.wireshark_names = args->has("--wireshark-names");
    for (const Connection& c : connections) {
      std::string head =
          "connection " + std::to_string(c.index) + ": client " + c.client + ", server " + c.server;
      if (render.colour) {
        head = "\x1b[1m" + head + "\x1b[0m";
      }
      std::fprintf(stdout, "%s%s\n\n", c.index == connections.front().index ? "" : "\n",
                   head.c_str());
      std::fputs(render_text(c.result.events, render).c_str(), stdout);
      std::fprintf(stdout, "\n%s\n", summary_line(c.result.summary).c_str());
    }
  }
  if (auto html = args->value("--html")) {
    // One page for every connection: each begins with a note naming it.
    std::vector<TraceEvent> all;
    for (const Connection& c : connections) {
      all.emplace_back(TraceNote{TraceDirection::kClientToServer,
                                 "connection " + std::to_string(c.index) + ": client " + c.client +
                                     ", server " + c.server});
      all.insert(all.end(), c.result.events.begin(), c.result.events.end());
      all.emplace_back(TraceNote{TraceDirection::kClientToServer, summary_line(c.result.summary)});
    }
    std::string page = render_html(all, "glasstls explain " + input_path);
    if (!write_file(*html, page, error)) {
      std::fprintf(stderr, "glasstls explain: %s\n", error.c_str());
      return 2;
    }
    std::fprintf(stderr, "glasstls explain: wrote %s\n", html->c_str());
  }
  return 0;
}

}  // namespace glasstls::cli
