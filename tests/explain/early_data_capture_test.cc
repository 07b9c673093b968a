// early_data_capture_test.cc: the passive dissector on a captured 0-RTT connection. The glasstls
// client connects to the glasstls server twice on loopback with a key log while dumpcap (or
// tcpdump) captures; the second connection resumes the first one's ticket and sends a request
// as early data. The dissector must decrypt that early data with the key log's
// CLIENT_EARLY_TRAFFIC_SECRET, show the PSK offer, the early_data extensions and EndOfEarlyData
// in order, and agree with tshark's decryption of the same capture. Skipped when no capture
// tool can capture here.
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

#ifndef GLASSTLS_CLI
#error "GLASSTLS_CLI must name the glasstls executable"
#endif

namespace glasstls::trace {
namespace {

using capture_tools::start_capture;
using glasstls::interop::Child;
using glasstls::interop::find_program;
using glasstls::interop::free_port;
using glasstls::interop::read_text;
using glasstls::interop::TempDir;
using glasstls::interop::write_text;
using std::chrono::milliseconds;

constexpr char kRequest[] = "GET /early HTTP/1.0\n\n";

TEST(EarlyDataCaptureTest, DissectorDecryptsZeroRttAndAgreesWithTshark) {
  std::string openssl = find_program("openssl");
  if (openssl.empty()) {
    GTEST_SKIP() << "needs openssl (to make the certificate)";
  }
  TempDir dir;
  ASSERT_EQ(glasstls::interop::run(
                {openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                 "-nodes", "-keyout", dir.file("key.pem"), "-out", dir.file("cert.pem"), "-days",
                 "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"},
                dir.path(), "req", milliseconds(20000)),
            0);
  write_text(dir.file("request"), kRequest);
  const uint16_t port = free_port();
  ASSERT_NE(port, 0);
  const std::string capture_file = dir.file("capture.pcapng");
  std::unique_ptr<Child> capturer = start_capture(dir, port, capture_file);
  if (!capturer) {
    GTEST_SKIP() << "no capture tool (dumpcap, tcpdump) can capture on loopback here";
  }
  auto server = Child::spawn(
      {GLASSTLS_CLI, "server", "--cert", dir.file("cert.pem"), "--key", dir.file("key.pem"),
       "--port", std::to_string(port), "--echo", "--early-data", "4096"},
      dir.path(), "server");
  ASSERT_TRUE(server && server->wait_for_err("listening on", milliseconds(20000)))
      << (server ? server->log() : "");
  const std::string keylog = dir.file("keylog.txt");
  std::string out;
  ASSERT_EQ(
      glasstls::interop::run(
          {"sh", "-c",
           "sleep 1 | \"$0\" client \"localhost:$1\" --cafile \"$2\" --reconnect 1 "
           "--early-data \"$3\" --keylog \"$4\"",
           GLASSTLS_CLI, std::to_string(port), dir.file("cert.pem"), dir.file("request"), keylog},
          dir.path(), "client", milliseconds(30000), &out),
      0)
      << out;
  ASSERT_NE(out.find("sent as 0-RTT data, accepted"), std::string::npos) << out;
  capture_tools::stop_capture(*capturer);
  server->kill();

  const std::string file = read_text(capture_file);
  Result<capture::Capture> cap =
      capture::read_capture(ByteView(reinterpret_cast<const uint8_t*>(file.data()), file.size()));
  ASSERT_TRUE(cap.ok()) << cap.error().reason;
  std::vector<capture::TcpStream> streams = capture::reassemble_capture(cap->packets);
  ASSERT_EQ(streams.size(), 2u);
  KeyLogFile keys = KeyLogFile::parse(read_text(keylog));
  EXPECT_TRUE(keys.problems().empty());
  ASSERT_NE(read_text(keylog).find("CLIENT_EARLY_TRAFFIC_SECRET"), std::string::npos);
  DissectorOptions options;
  options.keys = &keys;
  // The second connection is the resumed one (the streams come in capture order).
  DissectorResult r = dissect(input_from_tcp_stream(streams[1]), options);
  ASSERT_TRUE(r.summary.is_tls);
  EXPECT_TRUE(r.summary.tls13);
  EXPECT_TRUE(r.summary.keys_found);
  std::vector<int> types;
  std::string client_data;
  std::string server_data;
  for (const TraceEvent& e : r.events) {
    if (const auto* m = std::get_if<TraceMessage>(&e)) {
      types.push_back(static_cast<int>(m->type));
    } else if (const auto* a = std::get_if<TraceApplicationData>(&e)) {
      (a->direction == TraceDirection::kClientToServer ? client_data : server_data)
          .append(a->data.begin(), a->data.end());
    }
  }
  // ClientHello, ServerHello, EncryptedExtensions, Finished (server), EndOfEarlyData, Finished
  // (client), then the server's two NewSessionTickets: no certificate on a resumed handshake.
  EXPECT_EQ(types, (std::vector<int>{1, 2, 8, 20, 5, 20, 4, 4}));
  // The early data, then nothing else from the client; the server echoes it.
  EXPECT_EQ(client_data, kRequest);
  EXPECT_EQ(server_data, kRequest);

  const std::string tshark = find_program("tshark");
  if (tshark.empty()) {
    return;
  }
  ASSERT_EQ(glasstls::interop::run({tshark, "-r", capture_file, "-o", "tls.keylog_file:" + keylog,
                                    "-q", "-z", "follow,tls,raw,1"},
                                   dir.path(), "tshark-follow", milliseconds(60000)),
            0);
  const capture_tools::TsharkFollow followed =
      capture_tools::parse_tshark_follow(read_text(dir.file("tshark-follow.out")));
  ASSERT_FALSE(followed.node0.empty()) << read_text(dir.file("tshark-follow.out"));
  const bool node0_is_client =
      followed.node0 == "127.0.0.1:" + std::to_string(streams[1].client.port);
  EXPECT_EQ(std::string(followed.from0.begin(), followed.from0.end()),
            node0_is_client ? client_data : server_data);
  EXPECT_EQ(std::string(followed.from1.begin(), followed.from1.end()),
            node0_is_client ? server_data : client_data);
}

}  // namespace
}  // namespace glasstls::trace
