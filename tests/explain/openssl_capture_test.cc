// openssl_capture_test.cc: ground truth for the passive dissector. openssl
// s_client talks to openssl s_server on loopback with a key log while dumpcap
// (or tcpdump) captures; each side sends one known line. The dissector's
// reading of the capture must show the handshake messages of a TLS 1.3
// handshake in order, and the two lines decrypted, and agree with tshark's own
// decryption of the same capture. Skipped when no capture tool can capture
// here.
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

constexpr char kClientLine[] = "hello from s_client to the glasstls dissector\n";
constexpr char kServerLine[] = "and hello back from s_server\n";

TEST(OpensslCaptureTest, DissectorAgreesWithThePeersAndWithTshark) {
  std::string openssl = find_program("openssl");
  if (openssl.empty()) {
    GTEST_SKIP() << "needs openssl";
  }
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  ASSERT_EQ(
      glasstls::interop::run({openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                              "ec_paramgen_curve:P-256", "-nodes", "-keyout", dir.file("key.pem"),
                              "-out", dir.file("cert.pem"), "-days", "1", "-subj", "/CN=localhost"},
                             dir.path(), "req", milliseconds(20000)),
      0);
  uint16_t port = free_port();
  ASSERT_NE(port, 0);
  std::string capture_file = dir.file("capture.pcapng");
  std::unique_ptr<Child> capturer = start_capture(dir, port, capture_file);
  if (!capturer) {
    GTEST_SKIP() << "no capture tool (dumpcap, tcpdump) can capture on loopback here";
  }

  std::unique_ptr<Child> server =
      Child::spawn({openssl, "s_server", "-accept", std::to_string(port), "-cert",
                    dir.file("cert.pem"), "-key", dir.file("key.pem"), "-tls1_3", "-naccept", "1"},
                   dir.path(), "s_server", StdinMode::kPipe);
  ASSERT_TRUE(server && server->wait_for_out("ACCEPT", milliseconds(10000)))
      << (server ? server->log() : "cannot start s_server");
  std::string keylog = dir.file("keylog.txt");
  std::unique_ptr<Child> client =
      Child::spawn({openssl, "s_client", "-connect", "127.0.0.1:" + std::to_string(port), "-tls1_3",
                    "-servername", "localhost", "-keylogfile", keylog},
                   dir.path(), "s_client", StdinMode::kPipe);
  ASSERT_NE(client, nullptr);
  // Wait for the handshake, then send a line each way.
  ASSERT_TRUE(client->wait_for_out("Verify return code", milliseconds(15000))) << client->log();
  ASSERT_TRUE(client->write_stdin(kClientLine));
  ASSERT_TRUE(server->wait_for_out(kClientLine, milliseconds(10000))) << server->log();
  ASSERT_TRUE(server->write_stdin(kServerLine));
  ASSERT_TRUE(client->wait_for_out(kServerLine, milliseconds(10000))) << client->log();
  // End of stdin: s_client sends close_notify and exits; s_server (-naccept 1)
  // follows.
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
  KeyLogFile keys = KeyLogFile::parse(read_text(keylog));
  EXPECT_TRUE(keys.problems().empty());
  ASSERT_GE(keys.size(), 5u) << read_text(keylog);
  DissectorOptions options;
  options.keys = &keys;
  DissectorResult r = dissect(input_from_tcp_stream(streams[0]), options);
  ASSERT_TRUE(r.summary.is_tls);
  EXPECT_TRUE(r.summary.tls13);
  EXPECT_TRUE(r.summary.keys_found);
  EXPECT_TRUE(r.summary.complete);

  std::vector<int> types;
  std::string client_data;
  std::string server_data;
  for (const TraceEvent& e : r.events) {
    if (const auto* m = std::get_if<TraceMessage>(&e)) {
      types.push_back(static_cast<int>(m->type));
    } else if (const auto* a = std::get_if<TraceApplicationData>(&e)) {
      std::string& out =
          a->direction == TraceDirection::kClientToServer ? client_data : server_data;
      out.append(a->data.begin(), a->data.end());
    }
  }
  // ClientHello, ServerHello, EncryptedExtensions, Certificate,
  // CertificateVerify, Finished (server), Finished (client), then OpenSSL's two
  // NewSessionTickets.
  EXPECT_EQ(types, (std::vector<int>{1, 2, 8, 11, 15, 20, 20, 4, 4}));
  EXPECT_EQ(client_data, kClientLine);
  EXPECT_EQ(server_data, kServerLine);

  std::string tshark = find_program("tshark");
  if (tshark.empty()) {
    return;
  }
  std::string out;
  int status =
      glasstls::interop::run({tshark, "-r", capture_file, "-o", "tls.keylog_file:" + keylog, "-Y",
                              "tls", "-T", "fields", "-e", "tls.handshake.type"},
                             dir.path(), "tshark-types", milliseconds(60000));
  ASSERT_EQ(status, 0);
  out = read_text(dir.file("tshark-types.out"));
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

  // tshark's decrypted TLS stream: "Node 0/1" headers, then hex lines, node 1's
  // indented.
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

}  // namespace
}  // namespace glasstls::trace
