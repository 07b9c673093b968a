// openssl_tls12_capture_test.cc: `explain` decrypting real TLS 1.2 sessions. openssl s_client
// talks TLS 1.2 to openssl s_server on loopback with a key log (CLIENT_RANDOM lines) while
// dumpcap (or tcpdump) captures, once per suite family: ECDHE with AES-GCM, ECDHE with
// ChaCha20-Poly1305, DHE, and a CBC suite with encrypt-then-MAC and without it (s_client
// -no_etm). Each side sends one known line. The dissector's reading of the capture must
// decrypt every protected record with the record layer's protector of the suite's kind, show
// the handshake messages in order and the two lines, and agree with tshark's decryption of the
// same capture (its handshake types and its decrypted stream). Skipped when no capture tool
// can capture here; the comparison with tshark is skipped without tshark.
#include <gtest/gtest.h>

#include <chrono>
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
using std::chrono::milliseconds;

constexpr char kClientLine[] = "a TLS 1.2 line from s_client to the glasstls dissector\n";
constexpr char kServerLine[] = "and a TLS 1.2 line back from s_server\n";

struct Session {
  const char* name;
  const char* cipher;  // OpenSSL's name
  CipherSuite suite;
  bool rsa;     // an RSA certificate (else ECDSA P-256)
  bool no_etm;  // s_client -no_etm
  TraceProtectionKind kind;
};

class OpensslTls12CaptureTest : public ::testing::TestWithParam<Session> {};

TEST_P(OpensslTls12CaptureTest, ExplainDecryptsEveryRecordAndAgreesWithTshark) {
  const Session& session = GetParam();
  std::string openssl = find_program("openssl");
  if (openssl.empty()) {
    GTEST_SKIP() << "needs openssl";
  }
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  std::vector<std::string> req = {openssl, "req", "-x509", "-newkey"};
  if (session.rsa) {
    req.insert(req.end(), {"rsa:2048"});
  } else {
    req.insert(req.end(), {"ec", "-pkeyopt", "ec_paramgen_curve:P-256"});
  }
  req.insert(req.end(), {"-nodes", "-keyout", dir.file("key.pem"), "-out", dir.file("cert.pem"),
                         "-days", "1", "-subj", "/CN=localhost"});
  ASSERT_EQ(glasstls::interop::run(req, dir.path(), "req", milliseconds(60000)), 0);
  uint16_t port = free_port();
  ASSERT_NE(port, 0);
  std::string capture_file = dir.file("capture.pcapng");
  std::unique_ptr<Child> capturer = start_capture(dir, port, capture_file);
  if (!capturer) {
    GTEST_SKIP() << "no capture tool (dumpcap, tcpdump) can capture on loopback here";
  }
  std::unique_ptr<Child> server = Child::spawn(
      {openssl, "s_server", "-accept", std::to_string(port), "-cert", dir.file("cert.pem"), "-key",
       dir.file("key.pem"), "-tls1_2", "-cipher", session.cipher, "-naccept", "1"},
      dir.path(), "s_server", StdinMode::kPipe);
  ASSERT_TRUE(server && server->wait_for_out("ACCEPT", milliseconds(10000)))
      << (server ? server->log() : "cannot start s_server");
  std::string keylog = dir.file("keylog.txt");
  std::vector<std::string> client_argv = {
      openssl,   "s_client",    "-connect",     "127.0.0.1:" + std::to_string(port),
      "-tls1_2", "-cipher",     session.cipher, "-groups",
      "P-256",   "-keylogfile", keylog};
  if (session.no_etm) {
    client_argv.push_back("-no_etm");
  }
  std::unique_ptr<Child> client =
      Child::spawn(client_argv, dir.path(), "s_client", StdinMode::kPipe);
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->wait_for_out("Verify return code", milliseconds(20000))) << client->log();
  ASSERT_TRUE(client->write_stdin(kClientLine));
  ASSERT_TRUE(server->wait_for_out(kClientLine, milliseconds(10000))) << server->log();
  ASSERT_TRUE(server->write_stdin(kServerLine));
  ASSERT_TRUE(client->wait_for_out(kServerLine, milliseconds(10000))) << client->log();
  client->close_stdin();
  EXPECT_TRUE(client->wait_exit(milliseconds(10000)).has_value()) << client->log();
  server->close_stdin();
  if (!server->wait_exit(milliseconds(5000)).has_value()) {
    server->kill();
  }
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
  // Finished both ways, a line each way and s_client's close_notify at least.
  EXPECT_GE(protected_records, 5u);
  EXPECT_EQ(r.summary.decrypted_records, protected_records);
  EXPECT_TRUE(alert_seen);
  if (session.kind == TraceProtectionKind::kTls12CbcEncryptThenMac) {
    EXPECT_NE(notes.find("encrypt-then-MAC"), std::string::npos) << notes;
  }
  // ClientHello, ServerHello, Certificate, ServerKeyExchange, ServerHelloDone,
  // ClientKeyExchange, Finished (client), NewSessionTicket, Finished (server).
  EXPECT_EQ(types, (std::vector<int>{1, 2, 11, 12, 14, 16, 20, 4, 20}));
  EXPECT_EQ(client_data, kClientLine);
  EXPECT_EQ(server_data, kServerLine);

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
    Suites, OpensslTls12CaptureTest,
    ::testing::Values(Session{"EcdheGcm", "ECDHE-ECDSA-AES128-GCM-SHA256",
                              CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, false, false,
                              TraceProtectionKind::kTls12Gcm},
                      Session{"EcdheChaCha20Poly1305", "ECDHE-ECDSA-CHACHA20-POLY1305",
                              CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, false,
                              false, TraceProtectionKind::kTls12ChaCha20Poly1305},
                      Session{"DheGcmSha384", "DHE-RSA-AES256-GCM-SHA384",
                              CipherSuite::TLS_DHE_RSA_WITH_AES_256_GCM_SHA384, true, false,
                              TraceProtectionKind::kTls12Gcm},
                      Session{"CbcEncryptThenMac", "ECDHE-ECDSA-AES128-SHA256",
                              CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, false, false,
                              TraceProtectionKind::kTls12CbcEncryptThenMac},
                      Session{"CbcMacThenEncrypt", "ECDHE-ECDSA-AES256-SHA",
                              CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, false, true,
                              TraceProtectionKind::kTls12CbcMacThenEncrypt}),
    [](const ::testing::TestParamInfo<Session>& param_info) {
      return std::string(param_info.param.name);
    });

}  // namespace
}  // namespace glasstls::trace
