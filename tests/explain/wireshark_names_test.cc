// wireshark_names_test.cc: the view names every field as tshark does. openssl s_client talks to
// openssl s_server on loopback with a key log while dumpcap (or tcpdump) captures: a TLS 1.2
// ECDHE session, a TLS 1.2 DHE session and a TLS 1.3 session, each with a client certificate
// (CertificateRequest with the CA names, the client's Certificate and CertificateVerify), a
// stapled OCSP response (TLS 1.2 CertificateStatus, TLS 1.3 status_request in the
// CertificateEntry), ALPN and SNI; the TLS 1.3 one starts with a HelloRetryRequest. A fourth,
// TLS 1.3 session resumes an earlier one with its ticket (pre_shared_key) and asks for a
// max_fragment_length. glasstls's dissector reads the capture with the key log, and tshark
// dissects it with the same key log (-T pdml). For every field tshark names under `tls` with a
// size, the view must have a field at the same bytes of the same record, handshake message or alert
// whose `wireshark` name is tshark's (trace.h, TraceField::wireshark: on a vector, the name of its
// contents). The test fails listing every tshark field glasstls does not name. Skipped without
// openssl, tshark, or a capture tool that can capture here.
//
// Not matched, on purpose (kNotMatched below):
// - tls.handshake.random_time and tls.handshake.random_bytes: tshark splits the random by SSL
//   3.0's gmt_unix_time layout; RFC 5246 and RFC 8446 read 32 opaque bytes, as glasstls does
//   (it names them tls.handshake.random).
// - tls.handshake.sig_hash_hash and tls.handshake.sig_hash_sig: tshark splits a SignatureScheme
//   into TLS 1.2's HashAlgorithm and SignatureAlgorithm bytes; glasstls reads the 2-byte code
//   point whole (tls.handshake.sig_hash_alg).
// - tls.record.content_type of a protected TLS 1.3 record: tshark puts the inner type it
//   decrypted over the outer type byte, which both name tls.record.opaque_type; the inner type
//   byte itself is at the end of the plaintext, not among the record's wire bytes.
// - tls.handshake.dname: tshark names a DistinguishedName's DER contents, without their
//   SEQUENCE tag and length; glasstls shows the DistinguishedName whole, after its
//   tls.handshake.dname_len, and reads no DER in a handshake message.
// Fields of other protocols that tshark shows inside TLS (x509af.*, pkcs1.*, ber.*, ocsp.*:
// what a certificate and an OCSP response hold) are not TLS fields and are not checked here.
// Generated fields (no bytes: ja3, ja3s, an empty extension's data) are ignored.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "capture/pcap.h"
#include "capture/tcp_reassembly.h"
#include "explain/capture_tools.h"
#include "explain/dissector.h"
#include "interop/process.h"
#include "trace/annotate_internal.h"
#include "trace/render_common.h"
#include "trace/render_protection.h"

namespace glasstls::trace {
namespace {

using capture_tools::start_capture;
using glasstls::interop::Child;
using glasstls::interop::find_program;
using glasstls::interop::free_port;
using glasstls::interop::read_text;
using glasstls::interop::StdinMode;
using glasstls::interop::TempDir;
using std::chrono::milliseconds;

const std::set<std::string> kNotMatched = {
    "tls.handshake.random_time",  "tls.handshake.random_bytes", "tls.handshake.sig_hash_hash",
    "tls.handshake.sig_hash_sig", "tls.handshake.dname",
};

// PdmlField is one <field> of tshark's PDML, with its children.
struct PdmlField {
  std::string name;
  size_t pos = 0;
  size_t size = 0;
  std::string value;  // hex, "" for fields without bytes of their own (FT_NONE)
  std::string show;
  std::vector<PdmlField> children;
};

std::string attribute(const std::string& line, const std::string& key) {
  const std::string needle = " " + key + "=\"";
  const size_t at = line.find(needle);
  if (at == std::string::npos) {
    return "";
  }
  const size_t start = at + needle.size();
  const size_t end = line.find('"', start);
  return end == std::string::npos ? "" : line.substr(start, end - start);
}

// parse_pdml reads tshark's PDML (one element per line) into the packets' protocol trees: each
// packet is a root whose children are its <proto> elements.
std::vector<PdmlField> parse_pdml(const std::string& text) {
  std::vector<PdmlField> packets;
  std::vector<PdmlField> stack;
  size_t from = 0;
  while (from < text.size()) {
    size_t to = text.find('\n', from);
    if (to == std::string::npos) {
      to = text.size();
    }
    std::string line = text.substr(from, to - from);
    from = to + 1;
    const size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) {
      continue;
    }
    line = line.substr(first);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
      line.pop_back();
    }
    if (line == "<packet>") {
      stack.assign(1, PdmlField{});
      continue;
    }
    if (line == "</packet>") {
      if (stack.size() == 1) {
        packets.push_back(std::move(stack.front()));
      }
      stack.clear();
      continue;
    }
    if (stack.empty()) {
      continue;
    }
    if (line.rfind("<field", 0) == 0 || line.rfind("<proto", 0) == 0) {
      PdmlField f;
      f.name = attribute(line, "name");
      f.pos = std::strtoul(attribute(line, "pos").c_str(), nullptr, 10);
      f.size = std::strtoul(attribute(line, "size").c_str(), nullptr, 10);
      f.value = attribute(line, "value");
      f.show = attribute(line, "show");
      if (line.size() >= 2 && line.compare(line.size() - 2, 2, "/>") == 0) {
        stack.back().children.push_back(std::move(f));
      } else {
        stack.push_back(std::move(f));
      }
    } else if ((line == "</field>" || line == "</proto>") && stack.size() > 1) {
      PdmlField done = std::move(stack.back());
      stack.pop_back();
      stack.back().children.push_back(std::move(done));
    }
  }
  return packets;
}

// A TsharkField is a named TLS field at `offset` of its unit (a record, a handshake message or
// an alert).
struct TsharkField {
  std::string name;
  size_t offset = 0;
  size_t size = 0;
  std::string value;
};

struct TsharkUnit {
  std::vector<TsharkField> fields;
};

// TsharkRecord is one tls.record and the handshake messages and alert it carries (a message
// reassembled from several records comes with the last of them).
struct TsharkRecord {
  bool opaque_type = false;  // a protected TLS 1.3 record
  TsharkUnit record;
  std::vector<TsharkUnit> messages;
  std::vector<TsharkUnit> alerts;
};

// collect adds the TLS fields with bytes under `f`, with their absolute positions.
void collect(const PdmlField& f, std::vector<TsharkField>& out) {
  for (const PdmlField& k : f.children) {
    if (k.name.rfind("tls.", 0) == 0 && k.size > 0) {
      out.push_back(TsharkField{k.name, k.pos, k.size, k.value});
    }
    collect(k, out);
  }
}

// unit makes the fields under `f` relative to the unit's first byte, the position of its first
// field (a message's type, an alert's level): tshark gives positions in the data source of the
// bytes (the frame, a decrypted record or a reassembled message), the same for all of a unit.
TsharkUnit unit(const PdmlField& f) {
  TsharkUnit u;
  collect(f, u.fields);
  if (u.fields.empty()) {
    return u;
  }
  const size_t start = u.fields.front().offset;
  for (TsharkField& t : u.fields) {
    t.offset -= start;
  }
  return u;
}

// tshark_records reads the TLS records of one direction, `from_port` being its source port.
std::vector<TsharkRecord> tshark_records(const std::vector<PdmlField>& packets,
                                         uint16_t from_port) {
  std::vector<TsharkRecord> out;
  for (const PdmlField& packet : packets) {
    uint16_t src = 0;
    for (const PdmlField& proto : packet.children) {
      if (proto.name != "tcp") {
        continue;
      }
      for (const PdmlField& f : proto.children) {
        if (f.name == "tcp.srcport") {
          src = static_cast<uint16_t>(std::strtoul(f.show.c_str(), nullptr, 10));
        }
      }
    }
    if (src != from_port) {
      continue;
    }
    for (const PdmlField& proto : packet.children) {
      if (proto.name != "tls") {
        continue;
      }
      for (const PdmlField& rec : proto.children) {
        if (rec.name != "tls.record") {
          continue;
        }
        TsharkRecord r;
        for (const PdmlField& f : rec.children) {
          if (f.name == "tls.handshake") {
            r.messages.push_back(unit(f));
          } else if (f.name == "tls.alert_message") {
            r.alerts.push_back(unit(f));
          } else if (f.name.rfind("tls.", 0) == 0 && f.size > 0) {
            r.opaque_type = r.opaque_type || f.name == "tls.record.opaque_type";
            // The header's fields and a fragment shown whole are in the frame, from the
            // record's first byte.
            r.record.fields.push_back(TsharkField{f.name, f.pos - rec.pos, f.size, f.value});
          }
        }
        out.push_back(std::move(r));
      }
    }
  }
  return out;
}

// names_at says whether `f` or a field under it is named `name` and covers `size` bytes at
// `offset`: itself, or, on a vector, its contents (the bytes after its length).
bool names_at(const TraceField& f, const std::string& name, size_t offset, size_t size) {
  if (f.wireshark == name) {
    if (f.offset == offset && f.length == size) {
      return true;
    }
    if (!f.children.empty() && f.children.front().name == "length") {
      const size_t prefix = f.children.front().length;
      if (f.offset + prefix == offset && f.length == prefix + size) {
        return true;
      }
    }
  }
  return std::any_of(f.children.begin(), f.children.end(),
                     [&](const TraceField& k) { return names_at(k, name, offset, size); });
}

// what_is_at lists the fields of `f` at exactly those bytes, for the failure message.
void what_is_at(const TraceField& f, size_t offset, size_t size, std::string& out) {
  if (f.offset == offset && f.length == size) {
    out += " " + f.name + (f.wireshark.empty() ? " (unnamed)" : " (" + f.wireshark + ")");
  }
  for (const TraceField& k : f.children) {
    what_is_at(k, offset, size, out);
  }
}

std::string hex_of(ByteView bytes, size_t offset, size_t size) {
  if (offset + size > bytes.size()) {
    return "(beyond the unit)";
  }
  std::string out;
  char buf[3];
  for (size_t i = offset; i < offset + size; i++) {
    std::snprintf(buf, sizeof(buf), "%02x", bytes[i]);
    out += buf;
  }
  return out;
}

// Checker compares the fields of tshark's units with glasstls's, unit by unit.
struct Checker {
  size_t checked = 0;
  std::set<std::string> names_checked;
  std::vector<std::string> problems;

  // check looks for each field of `t` in `roots`, the view of `bytes`; `where` names the unit.
  void check(const TsharkUnit& t, const std::vector<const TraceField*>& roots, ByteView bytes,
             const std::string& where, bool opaque_type) {
    for (const TsharkField& f : t.fields) {
      if (kNotMatched.count(f.name) > 0 || (opaque_type && f.name == "tls.record.content_type")) {
        continue;
      }
      // Both read the same bytes: the unit was paired right.
      if (!f.value.empty() && hex_of(bytes, f.offset, f.size) != f.value) {
        problems.push_back(where + ": tshark's " + f.name + " at " + std::to_string(f.offset) +
                           " is " + f.value + ", glasstls has " + hex_of(bytes, f.offset, f.size));
        continue;
      }
      checked++;
      names_checked.insert(f.name);
      const bool found = std::any_of(roots.begin(), roots.end(), [&](const TraceField* r) {
        return names_at(*r, f.name, f.offset, f.size);
      });
      if (!found) {
        std::string there;
        for (const TraceField* r : roots) {
          what_is_at(*r, f.offset, f.size, there);
        }
        problems.push_back(where + ": tshark names " + std::to_string(f.size) + " bytes at " +
                           std::to_string(f.offset) + " " + f.name + "; glasstls has" +
                           (there.empty() ? " no field there" : there));
      }
    }
  }
};

struct Session {
  const char* name;
  bool tls13;
  const char* cipher;  // OpenSSL's TLS 1.2 name; "" for TLS 1.3
  bool rsa;            // an RSA server certificate (else ECDSA P-256)
  bool resume;         // resume the session of an earlier connection (TLS 1.3: with a PSK)
};

class WiresharkNamesTest : public ::testing::TestWithParam<Session> {};

TEST_P(WiresharkNamesTest, EveryFieldTsharkNamesHasTheSameNameInTheView) {
  const Session& session = GetParam();
  const std::string openssl = find_program("openssl");
  const std::string tshark = find_program("tshark");
  if (openssl.empty() || tshark.empty()) {
    GTEST_SKIP() << "needs openssl and tshark";
  }
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const milliseconds kLong(60000);
  std::vector<std::string> req = {openssl, "req", "-x509", "-newkey"};
  if (session.rsa) {
    req.insert(req.end(), {"rsa:2048"});
  } else {
    req.insert(req.end(), {"ec", "-pkeyopt", "ec_paramgen_curve:P-256"});
  }
  req.insert(req.end(), {"-nodes", "-keyout", dir.file("key.pem"), "-out", dir.file("cert.pem"),
                         "-days", "1", "-subj", "/CN=localhost"});
  ASSERT_EQ(glasstls::interop::run(req, dir.path(), "req", kLong), 0);
  ASSERT_EQ(glasstls::interop::run(
                {openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                 "-nodes", "-keyout", dir.file("client.key"), "-out", dir.file("client.pem"),
                 "-days", "1", "-subj", "/CN=client"},
                dir.path(), "req-client", kLong),
            0);
  // An OCSP response about the server's certificate from its own key, for s_server to staple:
  // its contents do not matter here, only that both sides carry it.
  ASSERT_TRUE(glasstls::interop::write_text(dir.file("index.txt"), ""));
  ASSERT_EQ(glasstls::interop::run(
                {openssl, "ocsp", "-index", dir.file("index.txt"), "-rsigner", dir.file("cert.pem"),
                 "-rkey", dir.file("key.pem"), "-CA", dir.file("cert.pem"), "-issuer",
                 dir.file("cert.pem"), "-cert", dir.file("cert.pem"), "-respout",
                 dir.file("ocsp.der"), "-ndays", "1"},
                dir.path(), "ocsp", kLong),
            0);

  const uint16_t port = free_port();
  ASSERT_NE(port, 0);
  std::vector<std::string> server_argv = {openssl,        "s_server",
                                          "-accept",      std::to_string(port),
                                          "-cert",        dir.file("cert.pem"),
                                          "-key",         dir.file("key.pem"),
                                          "-naccept",     session.resume ? "2" : "1",
                                          "-verify",      "1",
                                          "-CAfile",      dir.file("client.pem"),
                                          "-status_file", dir.file("ocsp.der"),
                                          "-alpn",        "h2"};
  std::vector<std::string> client_argv = {openssl,       "s_client",
                                          "-connect",    "127.0.0.1:" + std::to_string(port),
                                          "-servername", "localhost",
                                          "-keylogfile", dir.file("keylog.txt"),
                                          "-cert",       dir.file("client.pem"),
                                          "-key",        dir.file("client.key"),
                                          "-status",     "-alpn",
                                          "h2,http/1.1"};
  if (session.tls13) {
    // The client's only key share is P-256; the server takes X25519 only: a HelloRetryRequest.
    server_argv.insert(server_argv.end(), {"-tls1_3", "-groups", "X25519"});
    client_argv.insert(client_argv.end(), {"-tls1_3", "-groups", "P-256:X25519"});
  } else {
    server_argv.insert(server_argv.end(), {"-tls1_2", "-cipher", session.cipher});
    client_argv.insert(client_argv.end(),
                       {"-tls1_2", "-cipher", session.cipher, "-groups", "P-256"});
  }
  std::unique_ptr<Child> server =
      Child::spawn(server_argv, dir.path(), "s_server", StdinMode::kPipe);
  ASSERT_TRUE(server && server->wait_for_out("ACCEPT", milliseconds(10000)))
      << (server ? server->log() : "cannot start s_server");
  // talk runs one s_client connection: the handshake, a line each way, the client's close.
  const auto talk = [&](const std::vector<std::string>& argv, const std::string& n) {
    std::unique_ptr<Child> client =
        Child::spawn(argv, dir.path(), "s_client-" + n, StdinMode::kPipe);
    ASSERT_NE(client, nullptr);
    ASSERT_TRUE(client->wait_for_out("Verify return code", milliseconds(20000))) << client->log();
    ASSERT_TRUE(client->write_stdin("line " + n + " from s_client\n"));
    ASSERT_TRUE(server->wait_for_out("line " + n + " from s_client", milliseconds(10000)))
        << server->log();
    ASSERT_TRUE(server->write_stdin("line " + n + " from s_server\n"));
    ASSERT_TRUE(client->wait_for_out("line " + n + " from s_server", milliseconds(10000)))
        << client->log();
    client->close_stdin();
    EXPECT_TRUE(client->wait_exit(milliseconds(10000)).has_value()) << client->log();
    if (session.resume && n == "2") {
      EXPECT_NE(client->out().find("Reused"), std::string::npos) << client->log();
    }
  };
  if (session.resume) {
    // A first connection, not captured, for a ticket; the captured one resumes with it (a PSK)
    // and asks for a smaller max_fragment_length.
    std::vector<std::string> first = client_argv;
    first.insert(first.end(), {"-sess_out", dir.file("session.pem")});
    talk(first, "1");
    ASSERT_FALSE(HasFatalFailure());
    client_argv.insert(client_argv.end(),
                       {"-sess_in", dir.file("session.pem"), "-maxfraglen", "1024"});
  }
  const std::string capture_file = dir.file("capture.pcapng");
  std::unique_ptr<Child> capturer = start_capture(dir, port, capture_file);
  if (!capturer) {
    server->kill();
    GTEST_SKIP() << "no capture tool (dumpcap, tcpdump) can capture on loopback here";
  }
  talk(client_argv, "2");
  ASSERT_FALSE(HasFatalFailure());
  server->close_stdin();
  if (!server->wait_exit(milliseconds(5000)).has_value()) {
    server->kill();
  }
  capture_tools::stop_capture(*capturer);

  // glasstls's view of the capture.
  const std::string file = read_text(capture_file);
  Result<capture::Capture> cap =
      capture::read_capture(ByteView(reinterpret_cast<const uint8_t*>(file.data()), file.size()));
  ASSERT_TRUE(cap.ok()) << cap.error().reason;
  std::vector<capture::TcpStream> streams = capture::reassemble_capture(cap->packets);
  ASSERT_EQ(streams.size(), 1u);
  KeyLogFile keys = KeyLogFile::parse(read_text(dir.file("keylog.txt")));
  DissectorOptions options;
  options.keys = &keys;
  DissectorResult result = dissect(input_from_tcp_stream(streams[0]), options);
  ASSERT_TRUE(result.summary.complete);
  EXPECT_EQ(result.summary.tls13, session.tls13);

  // tshark's.
  ASSERT_EQ(glasstls::interop::run({tshark, "-r", capture_file, "-o",
                                    "tls.keylog_file:" + dir.file("keylog.txt"), "-T", "pdml"},
                                   dir.path(), "tshark", kLong),
            0);
  const std::vector<PdmlField> packets = parse_pdml(read_text(dir.file("tshark.out")));
  ASSERT_FALSE(packets.empty());

  Checker checker;
  std::set<std::string> messages_seen;
  for (const TraceDirection d :
       {TraceDirection::kClientToServer, TraceDirection::kServerToClient}) {
    const bool from_client = d == TraceDirection::kClientToServer;
    const std::string who = from_client ? "client" : "server";
    const std::vector<TsharkRecord> theirs =
        tshark_records(packets, from_client ? streams[0].client.port : streams[0].server.port);
    std::vector<const TraceRecord*> records;
    std::vector<const TraceMessage*> messages;
    std::vector<const TraceAlert*> alerts;
    for (const TraceEvent& e : result.events) {
      if (const auto* r = std::get_if<TraceRecord>(&e); r != nullptr && r->direction == d) {
        records.push_back(r);
      } else if (const auto* m = std::get_if<TraceMessage>(&e); m != nullptr && m->direction == d) {
        messages.push_back(m);
        messages_seen.insert(m->tree.name);
      } else if (const auto* a = std::get_if<TraceAlert>(&e); a != nullptr && a->direction == d) {
        alerts.push_back(a);
      }
    }
    ASSERT_EQ(records.size(), theirs.size()) << who << "'s records";
    size_t message = 0;
    size_t alert = 0;
    for (size_t i = 0; i < theirs.size(); i++) {
      const TraceRecord& r = *records[i];
      const std::string where = who + " record " + std::to_string(i + 1);
      // The record: its header, and its fragment where tshark shows it whole (the view names
      // it in the protection's parts of a TLS 1.2 record, as the renderers show them, or as
      // the renderers name the fragment of the others).
      TraceField fragment;
      if (render::is_tls12_protected(r)) {
        fragment = render::fragment_parts(r);
      } else {
        fragment.length = render::fragment(r).size();
        fragment.wireshark = std::string(annotate::wireshark_fragment_name(r.content_type));
      }
      fragment.offset += render::kRecordHeaderLength;
      for (TraceField& k : fragment.children) {
        k.offset += render::kRecordHeaderLength;
      }
      checker.check(theirs[i].record, {&r.header, &fragment}, r.wire, where, theirs[i].opaque_type);
      for (const TsharkUnit& u : theirs[i].messages) {
        ASSERT_LT(message, messages.size()) << where;
        const TraceMessage& m = *messages[message++];
        checker.check(u, {&m.tree}, m.bytes, where + ", " + m.tree.name, false);
      }
      for (const TsharkUnit& u : theirs[i].alerts) {
        ASSERT_LT(alert, alerts.size()) << where;
        const TraceAlert& a = *alerts[alert++];
        const std::array<uint8_t, 2> body = render::alert_bytes(a);
        checker.check(u, {&a.tree}, body, where + ", alert", false);
      }
    }
    EXPECT_EQ(message, messages.size()) << who << "'s handshake messages";
    EXPECT_EQ(alert, alerts.size()) << who << "'s alerts";
  }

  std::string problems;
  for (const std::string& p : checker.problems) {
    problems += "\n  " + p;
  }
  EXPECT_TRUE(checker.problems.empty())
      << checker.problems.size() << " of the " << checker.checked
      << " fields tshark names are not named so by glasstls:" << problems;
  // The sessions carry what the test says they do.
  std::vector<std::string> expected = {"ClientHello", "ServerHello", "Finished",
                                       "NewSessionTicket"};
  if (session.resume) {
    expected.push_back("EncryptedExtensions");
  } else {
    expected.insert(expected.end(), {"Certificate", "CertificateRequest", "CertificateVerify"});
    if (session.tls13) {
      expected.insert(expected.end(), {"HelloRetryRequest", "EncryptedExtensions"});
    } else {
      expected.insert(expected.end(), {"ServerKeyExchange", "ClientKeyExchange", "ServerHelloDone",
                                       "CertificateStatus"});
    }
  }
  for (const std::string& m : expected) {
    EXPECT_EQ(messages_seen.count(m), 1u) << m;
  }
  std::vector<std::string> names = {"tls.record.content_type",
                                    "tls.record.version",
                                    "tls.record.length",
                                    "tls.app_data",
                                    "tls.alert_message.desc",
                                    "tls.handshake.ciphersuite",
                                    "tls.handshake.extensions_server_name",
                                    "tls.handshake.extensions_alpn_str"};
  if (session.resume) {
    names.insert(names.end(), {"tls.handshake.extensions.psk.identity.identity",
                               "tls.handshake.extensions.psk.identity.obfuscated_ticket_age",
                               "tls.handshake.extensions.psk.binders_len",
                               "tls.handshake.extensions.psk.identity.selected",
                               "tls.handshake.max_fragment_length"});
  } else {
    names.insert(names.end(), {"tls.handshake.certificate", "tls.handshake.ocsp_response_len",
                               "tls.handshake.dname_len"});
  }
  if (session.tls13) {
    names.push_back("tls.record.opaque_type");
    if (!session.resume) {
      names.push_back("tls.handshake.extensions_key_share_selected_group");
    }
  } else {
    names.insert(names.end(), {"tls.change_cipher_spec", "tls.handshake.sig"});
  }
  for (const std::string& name : names) {
    EXPECT_EQ(checker.names_checked.count(name), 1u) << name;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Sessions, WiresharkNamesTest,
    ::testing::Values(Session{"Tls12Ecdhe", false, "ECDHE-ECDSA-AES128-GCM-SHA256", false, false},
                      Session{"Tls12Dhe", false, "DHE-RSA-AES256-GCM-SHA384", true, false},
                      Session{"Tls13", true, "", false, false},
                      Session{"Tls13Resumed", true, "", false, true}),
    [](const ::testing::TestParamInfo<Session>& param_info) {
      return std::string(param_info.param.name);
    });

// Every name of the table is a field tshark knows (its `-G fields` list), the rows no capture
// above exercises included.
TEST(WiresharkNames, EveryNameOfTheTableIsATsharkField) {
  const std::string tshark = find_program("tshark");
  if (tshark.empty()) {
    GTEST_SKIP() << "needs tshark";
  }
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  ASSERT_EQ(
      glasstls::interop::run({tshark, "-G", "fields"}, dir.path(), "fields", milliseconds(60000)),
      0);
  // Lines of "F\tdescription\tfield name\tFT_TYPE\tprotocol\t...".
  std::set<std::string> fields;
  const std::string text = read_text(dir.file("fields.out"));
  size_t from = 0;
  while (from < text.size()) {
    size_t to = text.find('\n', from);
    if (to == std::string::npos) {
      to = text.size();
    }
    const std::string line = text.substr(from, to - from);
    from = to + 1;
    const size_t a = line.find('\t');
    const size_t b = a == std::string::npos ? a : line.find('\t', a + 1);
    const size_t c = b == std::string::npos ? b : line.find('\t', b + 1);
    if (line.rfind("F\t", 0) == 0 && c != std::string::npos) {
      fields.insert(line.substr(b + 1, c - b - 1));
    }
  }
  ASSERT_GT(fields.count("tls.handshake.ciphersuite"), 0u) << "tshark -G fields lists no TLS";
  const std::vector<std::string_view> names = annotate::wireshark_names();
  EXPECT_GT(names.size(), 100u);
  for (std::string_view n : names) {
    EXPECT_EQ(fields.count(std::string(n)), 1u) << n << " is not a field of tshark";
  }
}

// The text view shows the names only when asked; JSON always carries them.
TEST(WiresharkNames, TextShowsThemWhenAskedAndJsonAlways) {
  std::vector<TraceEvent> events;
  const Bytes done = {0x0e, 0x00, 0x00, 0x00};  // ServerHelloDone
  TraceRecord r;
  r.direction = TraceDirection::kServerToClient;
  r.wire = {0x16, 0x03, 0x03, 0x00, 0x04};
  r.wire.insert(r.wire.end(), done.begin(), done.end());
  r.header = annotate_record_header(ByteView(r.wire).first(5), ProtocolVersion::TLSv1_2);
  r.content_type = ContentType::handshake;
  r.plaintext_known = true;
  r.plaintext = done;
  events.emplace_back(r);
  TraceMessage m;
  m.direction = TraceDirection::kServerToClient;
  m.type = HandshakeType::server_hello_done;
  m.bytes = done;
  m.tree = annotate_handshake_message(done);
  events.emplace_back(m);
  TraceRecord ccs;
  ccs.wire = {0x14, 0x03, 0x03, 0x00, 0x01, 0x01};
  ccs.header = annotate_record_header(ByteView(ccs.wire).first(5), ProtocolVersion::TLSv1_2);
  ccs.content_type = ContentType::change_cipher_spec;
  ccs.plaintext_known = true;
  ccs.plaintext = {0x01};
  events.emplace_back(ccs);

  RenderOptions options;
  const std::string plain = render_text(events, options);
  EXPECT_EQ(plain.find("[tls."), std::string::npos) << plain;
  options.wireshark_names = true;
  const std::string named = render_text(events, options);
  for (const char* shown :
       {"type [tls.record.content_type]: handshake", "legacy_record_version [tls.record.version]",
        "length [tls.record.length]", "msg_type [tls.handshake.type]",
        "length [tls.handshake.length]", "fragment [tls.change_cipher_spec]: 1 byte"}) {
    EXPECT_NE(named.find(shown), std::string::npos) << shown << "\n" << named;
  }
  const std::string json = render_json(events);
  EXPECT_NE(json.find(R"("name":"msg_type","offset":0,"length":1,"value":"0x0e",)"
                      R"("meaning":"server_hello_done",)"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("wireshark":"tls.handshake.type")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("wireshark":"tls.record.version")"), std::string::npos) << json;
  // Fields Wireshark has no name for say so with "".
  EXPECT_NE(json.find(R"("name":"ServerHelloDone")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("wireshark":"")"), std::string::npos) << json;
}

}  // namespace
}  // namespace glasstls::trace
