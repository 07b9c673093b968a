// explain_cli_test.cc: `glasstls explain` end to end, on RFC 8448 section 3
// given as a hex record dump and as a synthetic IPv6 pcap, with and without a
// key log, in text, JSON and HTML. Skipped while the build's `glasstls` does
// not have the explain command.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "capture/pcap_writer.h"
#include "interop/process.h"
#include "rfc8448/trace.h"

namespace glasstls {
namespace {

using interop::read_text;
using interop::TempDir;
using interop::write_text;
using std::chrono::milliseconds;

struct Fixture {
  std::string dump;                             // "C: ..." / "S: ..." lines
  std::string keylog;                           // NSS key log
  std::vector<std::pair<bool, Bytes>> records;  // (from client, record)
};

Fixture rfc8448_fixture() {
  Fixture f;
  auto values = testing::load_rfc8448_section(testing::rfc8448_simple_1rtt_path(),
                                              "3.  Simple 1-RTT Handshake");
  f.dump = "# RFC 8448 section 3, every complete record in order\n";
  for (const auto& v : values) {
    if (v.label != "complete record") {
      continue;
    }
    bool client = v.step.rfind("{client}", 0) == 0;
    f.records.emplace_back(client, v.bytes);
    f.dump += client ? "C: " : "S: ";
    f.dump += to_hex(v.bytes) + "\n";
  }
  Bytes hello = testing::find_value(values, "construct a ClientHello", "ClientHello");
  std::string random = hello.size() >= 38 ? to_hex(ByteView(hello).subspan(6, 32)) : "";
  const char* logged[][2] = {
      {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", "{server}  derive secret \"tls13 c hs traffic\""},
      {"SERVER_HANDSHAKE_TRAFFIC_SECRET", "{server}  derive secret \"tls13 s hs traffic\""},
      {"CLIENT_TRAFFIC_SECRET_0", "{server}  derive secret \"tls13 c ap traffic\""},
      {"SERVER_TRAFFIC_SECRET_0", "{server}  derive secret \"tls13 s ap traffic\""},
  };
  f.keylog = "# RFC 8448 section 3\n";
  for (const auto& l : logged) {
    f.keylog += std::string(l[0]) + " " + random + " " +
                to_hex(testing::find_value(values, l[1], "expanded")) + "\n";
  }
  return f;
}

// as_pcap puts the records on one IPv6 TCP connection, after a three-way
// handshake.
Bytes as_pcap(const Fixture& f) {
  auto client = capture::SocketAddress{*capture::IpAddress::parse("2001:db8::1"), 50000};
  auto server = capture::SocketAddress{*capture::IpAddress::parse("2001:db8::2"), 443};
  std::vector<capture::SyntheticSegment> segs;
  uint32_t cseq = 1000;
  uint32_t sseq = 9000;
  uint64_t t = 1'700'000'000'000'000'000ull;
  auto add = [&](bool from_client, uint8_t flags, Bytes payload) {
    capture::SyntheticSegment s;
    s.timestamp_ns = t += 1000;
    s.source = from_client ? client : server;
    s.destination = from_client ? server : client;
    s.seq = from_client ? cseq : sseq;
    s.ack = from_client ? sseq : cseq;
    s.flags = flags;
    uint32_t advance =
        static_cast<uint32_t>(payload.size()) + ((flags & capture::tcp_flag::kSyn) != 0 ? 1 : 0);
    s.payload = std::move(payload);
    (from_client ? cseq : sseq) += advance;
    segs.push_back(std::move(s));
  };
  add(true, capture::tcp_flag::kSyn, {});
  add(false, capture::tcp_flag::kSyn | capture::tcp_flag::kAck, {});
  for (const auto& [from_client, record] : f.records) {
    add(from_client, capture::tcp_flag::kAck | capture::tcp_flag::kPsh, record);
  }
  Result<Bytes> pcap = capture::write_pcap(segs);
  return pcap.ok() ? *pcap : Bytes();
}

class ExplainCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string out;
    int status = run({"explain", "--help"}, &out);
    if (status != 0 || out.find("usage: glasstls explain") == std::string::npos) {
      GTEST_SKIP() << "build/glasstls has no explain command yet (" << out.substr(0, 80) << ")";
    }
    fixture_ = rfc8448_fixture();
    ASSERT_EQ(fixture_.records.size(), 9u);
    ASSERT_TRUE(write_text(dir_.file("rfc8448.txt"), fixture_.dump));
    ASSERT_TRUE(write_text(dir_.file("keylog.txt"), fixture_.keylog));
    Bytes pcap = as_pcap(fixture_);
    ASSERT_FALSE(pcap.empty());
    ASSERT_TRUE(write_text(dir_.file("rfc8448.pcap"), std::string(pcap.begin(), pcap.end())));
  }

  // run runs the CLI with `args`; stdout goes to `out`, stderr to `err`.
  int run(const std::vector<std::string>& args, std::string* out, std::string* err = nullptr) {
    std::vector<std::string> argv = {GLASSTLS_CLI};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string tag = "run" + std::to_string(runs_++);
    int status = interop::run(argv, dir_.path(), tag, milliseconds(30000));
    *out = read_text(dir_.file(tag + ".out"));
    if (err != nullptr) {
      *err = read_text(dir_.file(tag + ".err"));
    }
    return status;
  }

  TempDir dir_;
  Fixture fixture_;
  int runs_ = 0;
};

TEST_F(ExplainCliTest, HexDumpWithKeyLog) {
  std::string out;
  ASSERT_EQ(run({"explain", dir_.file("rfc8448.txt"), "--keylog", dir_.file("keylog.txt")}, &out),
            0);
  EXPECT_NE(out.find("handshake  NewSessionTicket"), std::string::npos) << out;
  EXPECT_NE(out.find("application data  50 bytes"), std::string::npos);
  EXPECT_NE(out.find("everything shown"), std::string::npos);
  // Piped output has no colour.
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
}

TEST_F(ExplainCliTest, PcapWithKeyLogMatchesTheDump) {
  std::string from_dump;
  std::string from_pcap;
  ASSERT_EQ(
      run({"explain", dir_.file("rfc8448.txt"), "--keylog", dir_.file("keylog.txt")}, &from_dump),
      0);
  ASSERT_EQ(
      run({"explain", dir_.file("rfc8448.pcap"), "--keylog", dir_.file("keylog.txt")}, &from_pcap),
      0);
  EXPECT_NE(from_pcap.find("client [2001:db8::1]:50000, server [2001:db8::2]:443"),
            std::string::npos)
      << from_pcap.substr(0, 200);
  // Apart from the connection's name, the two views are the same.
  auto body = [](const std::string& s) { return s.substr(s.find('\n')); };
  EXPECT_EQ(body(from_pcap), body(from_dump));
}

TEST_F(ExplainCliTest, WithoutKeyLog) {
  std::string out;
  ASSERT_EQ(run({"explain", dir_.file("rfc8448.pcap")}, &out), 0);
  EXPECT_NE(out.find("no key log was given"), std::string::npos) << out;
  EXPECT_EQ(out.find("NewSessionTicket"), std::string::npos);
}

TEST_F(ExplainCliTest, JsonAndHtml) {
  std::string out;
  std::string err;
  ASSERT_EQ(run({"explain", dir_.file("rfc8448.pcap"), "--keylog", dir_.file("keylog.txt"),
                 "--json", "--html", dir_.file("page.html")},
                &out, &err),
            0)
      << err;
  EXPECT_EQ(out.rfind("{\"input\":", 0), 0u) << out.substr(0, 100);
  EXPECT_NE(out.find("\"connections\":["), std::string::npos);
  EXPECT_NE(out.find("\"cipher_suite\":\"TLS_AES_128_GCM_SHA256\""), std::string::npos);
  std::string page = read_text(dir_.file("page.html"));
  EXPECT_NE(page.find("<html"), std::string::npos);
  EXPECT_NE(page.find("NewSessionTicket"), std::string::npos);
}

TEST_F(ExplainCliTest, Errors) {
  std::string out;
  std::string err;
  EXPECT_EQ(run({"explain"}, &out), 2);
  EXPECT_EQ(run({"explain", dir_.file("missing.pcap")}, &out), 2);
  ASSERT_TRUE(write_text(dir_.file("text.txt"), "this is not a capture\n"));
  EXPECT_EQ(run({"explain", dir_.file("text.txt")}, &out, &err), 2);
  EXPECT_NE(err.find("neither a capture"), std::string::npos) << err;
  ASSERT_TRUE(write_text(dir_.file("bad-keylog.txt"), fixture_.keylog + "NOT A KEYLOG LINE\n"));
  EXPECT_EQ(run({"explain", dir_.file("rfc8448.txt"), "--keylog", dir_.file("bad-keylog.txt")},
                &out, &err),
            0);
  EXPECT_NE(err.find("line 6"), std::string::npos) << err;
}

}  // namespace
}  // namespace glasstls
