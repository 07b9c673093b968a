// gnutls_tls12_capture_test.cc: `explain` decrypting real GnuTLS TLS 1.2 sessions. gnutls-cli
// talks TLS 1.2 to gnutls-serv on loopback, with GnuTLS writing the key log (CLIENT_RANDOM
// lines) to the file SSLKEYLOGFILE names, while dumpcap (or tcpdump) captures. The priority
// strings select one suite family per session: ECDHE with AES-GCM (an ECDSA and an RSA
// certificate), ECDHE with ChaCha20-Poly1305, DHE, and a CBC suite with encrypt-then-MAC and
// without it (%NO_ETM on the server: the client offers encrypt_then_mac and the server declines
// it, where the OpenSSL test's client does not offer it). gnutls-serv asks for a client
// certificate, so the handshake also carries a CertificateRequest and the client's empty
// Certificate.
//
// Each side sends one known line: gnutls-serv runs as an HTTP server whose answer is a file
// (--httpdata), so the client sends one request line (with the blank line that ends it) and the
// server one response whose body is a known line. The dissector's reading of the capture must
// decrypt every protected record with the record layer's protector of the suite's kind, show
// the handshake messages in order and the two lines (the server's exactly as gnutls-cli printed
// it), and agree with tshark's decryption of the same capture (its handshake types and its
// decrypted stream). Skipped when gnutls-cli, gnutls-serv or certtool is missing or no capture
// tool can capture here; the comparison with tshark is skipped without tshark.
#include <gtest/gtest.h>

#include <chrono>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "capture/pcap.h"
#include "capture/tcp_reassembly.h"
#include "explain/capture_tools.h"
#include "explain/dissector.h"
#include "interop/process.h"

namespace glasstls::trace {
namespace {

using capture_tools::start_capture;
using glasstls::interop::Child;
using glasstls::interop::find_program;
using glasstls::interop::free_port;
using glasstls::interop::read_text;
using glasstls::interop::StdinMode;
using glasstls::interop::TempDir;
using glasstls::interop::write_text;
using std::chrono::milliseconds;

// kClientLine is the request gnutls-cli sends: one line, and the blank line gnutls-serv waits
// for before it answers.
constexpr char kClientLine[] = "GET /a-TLS-1.2-line-from-gnutls-cli HTTP/1.0\r\n\r\n";
// kServerLine is the body of gnutls-serv's answer (its --httpdata file).
constexpr char kServerLine[] = "and a TLS 1.2 line back from gnutls-serv\n";
constexpr char kBaseSet[] = "NORMAL:-VERS-ALL:+VERS-TLS1.2";

// make_certificate writes a self-signed certificate for localhost (usable as its own trust
// anchor) and its key into `dir` with GnuTLS's certtool: P-256 ECDSA, or RSA 2048.
bool make_certificate(const std::string& certtool, const TempDir& dir, bool rsa) {
  if (!write_text(dir.file("template.cfg"),
                  "cn = localhost\ndns_name = localhost\nexpiration_days = 1\nca\n"
                  "tls_www_server\nsigning_key\nencryption_key\ncert_signing_key\n")) {
    return false;
  }
  std::vector<std::string> key = {certtool, "--generate-privkey", "--outfile", dir.file("key.pem")};
  if (rsa) {
    key.insert(key.end(), {"--key-type", "rsa", "--bits", "2048"});
  } else {
    key.insert(key.end(), {"--key-type", "ecdsa", "--curve", "secp256r1"});
  }
  if (glasstls::interop::run(key, dir.path(), "certtool-key", milliseconds(60000)) != 0) {
    return false;
  }
  return glasstls::interop::run(
             {certtool, "--generate-self-signed", "--load-privkey", dir.file("key.pem"),
              "--template", dir.file("template.cfg"), "--outfile", dir.file("cert.pem")},
             dir.path(), "certtool-cert", milliseconds(60000)) == 0;
}

struct Session {
  const char* name;
  const char* kx;      // GnuTLS's names in a priority string
  const char* cipher;  //
  const char* mac;     //
  CipherSuite suite;
  bool rsa;     // an RSA certificate (else ECDSA P-256)
  bool no_etm;  // %NO_ETM in the server's priority string
  TraceProtectionKind kind;
};

// PrintTo names a session in gtest's messages and test list (rather than its bytes).
void PrintTo(const Session& s, std::ostream* os) { *os << s.name; }

std::string priority(const Session& s) {
  return std::string(kBaseSet) + ":-KX-ALL:+" + s.kx + ":-CIPHER-ALL:+" + s.cipher + ":-MAC-ALL:+" +
         s.mac;
}

class GnutlsTls12CaptureTest : public ::testing::TestWithParam<Session> {};

TEST_P(GnutlsTls12CaptureTest, ExplainDecryptsEveryRecordAndAgreesWithTshark) {
  const Session& session = GetParam();
  std::string gnutls_cli = find_program("gnutls-cli");
  std::string gnutls_serv = find_program("gnutls-serv");
  std::string certtool = find_program("certtool");
  std::string env = find_program("env");
  if (gnutls_cli.empty() || gnutls_serv.empty() || certtool.empty()) {
    GTEST_SKIP() << "needs gnutls-cli, gnutls-serv and certtool (gnutls-bin)";
  }
  ASSERT_FALSE(env.empty());
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  ASSERT_TRUE(make_certificate(certtool, dir, session.rsa))
      << read_text(dir.file("certtool-key.err")) << read_text(dir.file("certtool-cert.err"));
  ASSERT_TRUE(write_text(dir.file("reply.txt"), kServerLine));
  uint16_t port = free_port();
  ASSERT_NE(port, 0);
  std::string capture_file = dir.file("capture.pcapng");
  std::unique_ptr<Child> capturer = start_capture(dir, port, capture_file);
  if (!capturer) {
    GTEST_SKIP() << "no capture tool (dumpcap, tcpdump) can capture on loopback here";
  }
  std::string server_priority = priority(session) + (session.no_etm ? ":%NO_ETM" : "");
  std::unique_ptr<Child> server =
      Child::spawn({gnutls_serv, "-p", std::to_string(port), "--http", "--httpdata",
                    dir.file("reply.txt"), "--x509certfile", dir.file("cert.pem"), "--x509keyfile",
                    dir.file("key.pem"), "--priority", server_priority},
                   dir.path(), "gnutls-serv");
  // gnutls-serv prints this line to stderr when its stdout is not a terminal.
  auto listening = [](const std::string& out, const std::string& err) {
    return (out + err).find("listening on IPv4") != std::string::npos;
  };
  ASSERT_TRUE(server && server->wait_for(listening, milliseconds(10000)))
      << (server ? server->log() : "cannot start gnutls-serv");
  // GnuTLS writes the key log where SSLKEYLOGFILE says; only the client is given it.
  std::string keylog = dir.file("keylog.txt");
  std::unique_ptr<Child> client = Child::spawn(
      {env, "SSLKEYLOGFILE=" + keylog, gnutls_cli, "-p", std::to_string(port), "--x509cafile",
       dir.file("cert.pem"), "--priority", priority(session), "localhost"},
      dir.path(), "gnutls-cli", StdinMode::kPipe);
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->wait_for_out("Handshake was completed", milliseconds(20000)))
      << client->log() << server->log();
  ASSERT_TRUE(client->write_stdin(kClientLine));
  // gnutls-serv answers and closes the connection.
  ASSERT_TRUE(client->wait_for_out("Peer has closed the GnuTLS connection", milliseconds(10000)))
      << client->log() << server->log();
  client->close_stdin();
  EXPECT_TRUE(client->wait_exit(milliseconds(10000)).has_value()) << client->log();
  const std::string client_out = client->out();
  server->kill();
  capture_tools::stop_capture(*capturer);

  std::string file = read_text(capture_file);
  ByteView view(reinterpret_cast<const uint8_t*>(file.data()), file.size());
  Result<capture::Capture> cap = capture::read_capture(view);
  ASSERT_TRUE(cap.ok()) << cap.error().reason;
  std::vector<capture::TcpStream> streams = capture::reassemble_capture(cap->packets);
  ASSERT_EQ(streams.size(), 1u);
  const std::string keylog_text = read_text(keylog);
  KeyLogFile keys = KeyLogFile::parse(keylog_text);
  EXPECT_TRUE(keys.problems().empty());
  // GnuTLS 3.7 logs a TLS 1.2 session as one CLIENT_RANDOM line (the master secret).
  ASSERT_NE(keylog_text.find("CLIENT_RANDOM "), std::string::npos) << keylog_text;

  // Without the key log, explain says so and shows the protected records undecrypted.
  {
    DissectorResult bare = dissect(input_from_tcp_stream(streams[0]), DissectorOptions{});
    EXPECT_FALSE(bare.summary.complete);
    EXPECT_EQ(bare.summary.decrypted_records, 0u);
    bool said = false;
    for (const TraceEvent& e : bare.events) {
      if (const auto* n = std::get_if<TraceNote>(&e)) {
        said = said || n->text.find("no key log was given") != std::string::npos;
      }
    }
    EXPECT_TRUE(said);
  }

  DissectorOptions options;
  options.keys = &keys;
  DissectorResult r = dissect(input_from_tcp_stream(streams[0]), options);
  ASSERT_TRUE(r.summary.is_tls);
  EXPECT_FALSE(r.summary.tls13);
  ASSERT_TRUE(r.summary.cipher_suite.has_value());
  EXPECT_EQ(*r.summary.cipher_suite, session.suite);
  EXPECT_TRUE(r.summary.keys_found);
  EXPECT_TRUE(r.summary.complete);

  std::vector<int> types;
  std::string client_data;
  std::string server_data;
  size_t protected_records = 0;
  bool alert_seen = false;
  std::string notes;
  for (const TraceEvent& e : r.events) {
    if (const auto* m = std::get_if<TraceMessage>(&e)) {
      types.push_back(static_cast<int>(m->type));
    } else if (const auto* a = std::get_if<TraceApplicationData>(&e)) {
      std::string& out =
          a->direction == TraceDirection::kClientToServer ? client_data : server_data;
      out.append(a->data.begin(), a->data.end());
    } else if (const auto* rec = std::get_if<TraceRecord>(&e)) {
      if (rec->encrypted) {
        protected_records++;
        EXPECT_TRUE(rec->plaintext_known);
        EXPECT_EQ(rec->protection.kind, session.kind);
        EXPECT_EQ(rec->protection.additional_data.size(), 13u);
        // TLS 1.2 keeps the content type in the header.
        EXPECT_EQ(static_cast<uint8_t>(rec->content_type), rec->wire[0]);
      }
    } else if (const auto* al = std::get_if<TraceAlert>(&e)) {
      alert_seen = alert_seen || al->description == AlertDescription::close_notify;
    } else if (const auto* n = std::get_if<TraceNote>(&e)) {
      notes += n->text + "\n";
    }
  }
  // Finished both ways, the request, the answer and gnutls-serv's close_notify at least.
  EXPECT_GE(protected_records, 5u);
  EXPECT_EQ(r.summary.decrypted_records, protected_records);
  EXPECT_TRUE(alert_seen);
  if (session.kind == TraceProtectionKind::kTls12CbcEncryptThenMac) {
    EXPECT_NE(notes.find("encrypt-then-MAC"), std::string::npos) << notes;
  }
  if (session.kind == TraceProtectionKind::kTls12CbcMacThenEncrypt) {
    EXPECT_NE(notes.find("MAC-then-encrypt"), std::string::npos) << notes;
  }
  // ClientHello, ServerHello, Certificate, ServerKeyExchange, CertificateRequest,
  // ServerHelloDone, Certificate (the client's, empty), ClientKeyExchange, Finished (client),
  // NewSessionTicket, Finished (server).
  EXPECT_EQ(types, (std::vector<int>{1, 2, 11, 12, 13, 14, 11, 16, 20, 4, 20})) << notes;
  EXPECT_EQ(client_data, kClientLine);
  // The answer is an HTTP header and the line, exactly what gnutls-cli printed between its
  // "Simple Client Mode" heading and the note of the server's close.
  EXPECT_EQ(server_data.rfind("HTTP/1.0 200 OK\r\n", 0), 0u) << server_data;
  ASSERT_GE(server_data.size(), sizeof(kServerLine) - 1);
  EXPECT_EQ(server_data.substr(server_data.size() - (sizeof(kServerLine) - 1)), kServerLine);
  EXPECT_NE(client_out.find("- Simple Client Mode:\n\n" + server_data +
                            "- Peer has closed the GnuTLS connection"),
            std::string::npos)
      << client_out;

  std::string tshark = find_program("tshark");
  if (tshark.empty()) {
    GTEST_SKIP() << "no tshark: the dissector was not compared with tshark's decryption";
  }
  int status =
      glasstls::interop::run({tshark, "-r", capture_file, "-o", "tls.keylog_file:" + keylog, "-Y",
                              "tls", "-T", "fields", "-e", "tls.handshake.type"},
                             dir.path(), "tshark-types", milliseconds(60000));
  ASSERT_EQ(status, 0);
  std::string out = read_text(dir.file("tshark-types.out"));
  std::vector<int> tshark_types;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string t;
    while (std::getline(fields, t, ',')) {
      if (!t.empty()) {
        tshark_types.push_back(std::stoi(t));
      }
    }
  }
  EXPECT_EQ(types, tshark_types) << out;

  status = glasstls::interop::run({tshark, "-r", capture_file, "-o", "tls.keylog_file:" + keylog,
                                   "-q", "-z", "follow,tls,raw,0"},
                                  dir.path(), "tshark-follow", milliseconds(60000));
  ASSERT_EQ(status, 0);
  const capture_tools::TsharkFollow followed =
      capture_tools::parse_tshark_follow(read_text(dir.file("tshark-follow.out")));
  const std::string& node0 = followed.node0;
  const Bytes& from0 = followed.from0;
  const Bytes& from1 = followed.from1;
  ASSERT_FALSE(node0.empty()) << read_text(dir.file("tshark-follow.out"));
  bool node0_is_client = node0 == "127.0.0.1:" + std::to_string(streams[0].client.port);
  EXPECT_EQ(std::string(from0.begin(), from0.end()), node0_is_client ? client_data : server_data);
  EXPECT_EQ(std::string(from1.begin(), from1.end()), node0_is_client ? server_data : client_data);
}

INSTANTIATE_TEST_SUITE_P(
    Suites, GnutlsTls12CaptureTest,
    ::testing::Values(Session{"EcdheEcdsaGcm", "ECDHE-ECDSA", "AES-128-GCM", "AEAD",
                              CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, false, false,
                              TraceProtectionKind::kTls12Gcm},
                      Session{"EcdheRsaGcmSha384", "ECDHE-RSA", "AES-256-GCM", "AEAD",
                              CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, true, false,
                              TraceProtectionKind::kTls12Gcm},
                      Session{"EcdheChaCha20Poly1305", "ECDHE-ECDSA", "CHACHA20-POLY1305", "AEAD",
                              CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, false,
                              false, TraceProtectionKind::kTls12ChaCha20Poly1305},
                      Session{"DheGcmSha384", "DHE-RSA", "AES-256-GCM", "AEAD",
                              CipherSuite::TLS_DHE_RSA_WITH_AES_256_GCM_SHA384, true, false,
                              TraceProtectionKind::kTls12Gcm},
                      Session{"CbcEncryptThenMac", "ECDHE-ECDSA", "AES-128-CBC", "SHA256",
                              CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, false, false,
                              TraceProtectionKind::kTls12CbcEncryptThenMac},
                      Session{"CbcMacThenEncrypt", "ECDHE-ECDSA", "AES-256-CBC", "SHA1",
                              CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, false, true,
                              TraceProtectionKind::kTls12CbcMacThenEncrypt}),
    [](const ::testing::TestParamInfo<Session>& param_info) {
      return std::string(param_info.param.name);
    });

}  // namespace
}  // namespace glasstls::trace
