// redo_record_test.cc: the openssl commands that decrypt a protected record by hand
// (redo_record_command, include/glasstls/trace.h), run with /bin/sh.
//
// A glasstls client and server run a handshake in memory and exchange a line each way with a
// trace that shows secrets on the client; every protected record of the trace, in both
// directions, gets a command, and what the command prints must be what the record layer
// decrypted: the TLSInnerPlaintext of a TLS 1.3 record (AES-128-GCM, AES-256-GCM,
// ChaCha20-Poly1305), the content of a TLS 1.2 AEAD record (AES-GCM, ChaCha20-Poly1305), and a
// CBC record's content, MAC and padding, then the MAC the record carries (encrypt-then-MAC
// between two glasstls peers; MAC-then-encrypt, which two glasstls peers never agree on, with
// openssl s_server -no_etm as the server, and from records sealed by the record layer's own CBC
// protector for each MAC hash). Then the commands that `glasstls demo --redo` prints under its
// records are run. Skipped when openssl or xxd is missing.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "api/harness.h"
#include "base/bytes.h"
#include "crypto/suites.h"
#include "glasstls/socket.h"
#include "glasstls/trace.h"
#include "interop/process.h"
#include "record/protector.h"

#ifndef GLASSTLS_CLI
#error "GLASSTLS_CLI must name the glasstls executable"
#endif

namespace glasstls {
namespace {

using interop::Child;
using interop::milliseconds;
using interop::TempDir;

constexpr milliseconds kCommandTimeout{20000};
constexpr milliseconds kDemoTimeout{60000};

// only_hex keeps the hex digits of `text`, in lower case.
std::string only_hex(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::isxdigit(static_cast<unsigned char>(c)) != 0) {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return out;
}

// Printed is what a record's command printed: the decryption's hex, and for CBC the MAC (the
// last line).
struct Printed {
  bool ran = false;
  std::string decrypted;
  std::string mac;
};

class RedoRecord : public ::testing::Test {
 protected:
  void SetUp() override {
    if (interop::find_program("openssl").empty() || interop::find_program("xxd").empty()) {
      GTEST_SKIP() << "the redo commands need openssl and xxd on PATH";
    }
  }

  // run runs `command` with /bin/sh -c and splits what it printed.
  Printed run(const std::string& command, bool has_mac) {
    Printed p;
    std::unique_ptr<Child> c =
        Child::spawn({"/bin/sh", "-c", command}, dir_.path(), "sh" + std::to_string(runs_++));
    EXPECT_NE(c, nullptr);
    if (!c) {
      return p;
    }
    std::optional<int> status = c->wait_exit(kCommandTimeout);
    if (!status) {
      c->kill();
    }
    EXPECT_EQ(status, std::optional<int>(0)) << command << "\n" << c->log();
    std::vector<std::string> lines;
    std::istringstream in(c->out());
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) {
        lines.push_back(line);
      }
    }
    if (has_mac && !lines.empty()) {
      p.mac = only_hex(lines.back());
      lines.pop_back();
    }
    for (const std::string& line : lines) {
      p.decrypted += only_hex(line);
    }
    p.ran = status == std::optional<int>(0);
    return p;
  }

  // check runs the command of `r` and compares what it prints with what the record layer
  // decrypted.
  void check(const TraceRecord& r) {
    SCOPED_TRACE(std::string(r.direction == TraceDirection::kClientToServer ? "client" : "server") +
                 " record " + std::to_string(r.sequence) + " under " + r.key_label);
    const std::string cmd = redo_record_command(r);
    ASSERT_FALSE(cmd.empty());
    const TraceProtectionKind kind = r.protection.kind;
    const bool cbc = kind == TraceProtectionKind::kTls12CbcMacThenEncrypt ||
                     kind == TraceProtectionKind::kTls12CbcEncryptThenMac;
    Bytes want = r.plaintext;
    if (kind == TraceProtectionKind::kUnknown) {
      // TLSInnerPlaintext: the content, its type, the zero padding (RFC 8446 section 5.2).
      want.push_back(static_cast<uint8_t>(r.content_type));
      want.insert(want.end(), r.padding, 0);
    } else if (kind == TraceProtectionKind::kTls12CbcMacThenEncrypt) {
      want.insert(want.end(), r.protection.mac.begin(), r.protection.mac.end());
      want.insert(want.end(), r.protection.padding.begin(), r.protection.padding.end());
    } else if (kind == TraceProtectionKind::kTls12CbcEncryptThenMac) {
      want.insert(want.end(), r.protection.padding.begin(), r.protection.padding.end());
    }
    const Printed p = run(cmd, cbc);
    ASSERT_TRUE(p.ran);
    EXPECT_EQ(p.decrypted, to_hex(want)) << cmd;
    if (cbc) {
      ASSERT_FALSE(r.protection.mac.empty());
      EXPECT_EQ(p.mac, to_hex(r.protection.mac)) << cmd;
    }
  }

  TempDir dir_;
  int runs_ = 0;
};

// Traced is the client's trace of a connection that exchanged a line each way.
struct Traced {
  std::vector<TraceRecord> records;  // the protected, decrypted ones
  CipherSuite suite{};
};

Traced traced_connection(ProtocolVersion version, CipherSuite suite, crypto::KeyType key) {
  Traced t;
  ServerConfig::Builder sb = testing::server_builder(key);
  ClientConfig::Builder cb = testing::client_builder(key);
  sb.versions(version, version);
  cb.versions(version, version);
  sb.cipher_suites({suite});
  cb.cipher_suites({suite});
  auto sc = sb.build();
  auto cc = cb.build();
  EXPECT_TRUE(sc.ok() && cc.ok());
  if (!sc.ok() || !cc.ok()) {
    return t;
  }
  auto recorder = std::make_shared<TraceRecorder>();
  TraceOptions options;
  options.show_secrets = true;
  auto client = Connection::client(*cc, "localhost", recorder, options);
  auto server = Connection::server(*sc);
  EXPECT_TRUE(client.ok() && server.ok());
  if (!client.ok() || !server.ok()) {
    return t;
  }
  EXPECT_TRUE(testing::handshake(*client, *server));
  const std::string up = "a line from the client\n";
  const std::string down = "and a longer line back from the server, to fill a few blocks\n";
  EXPECT_TRUE(client->write(ByteView(reinterpret_cast<const uint8_t*>(up.data()), up.size())).ok());
  EXPECT_TRUE(testing::transfer(*client, *server));
  EXPECT_TRUE(
      server->write(ByteView(reinterpret_cast<const uint8_t*>(down.data()), down.size())).ok());
  EXPECT_TRUE(testing::transfer(*server, *client));
  uint8_t buf[256];
  EXPECT_GT(client->read(buf), 0u);
  EXPECT_GT(server->read(buf), 0u);
  t.suite = client->cipher_suite();
  for (const TraceEvent& e : recorder->events) {
    if (const auto* r = std::get_if<TraceRecord>(&e); r != nullptr && r->encrypted) {
      EXPECT_TRUE(r->plaintext_known);
      t.records.push_back(*r);
    }
  }
  return t;
}

struct SuiteCase {
  ProtocolVersion version;
  CipherSuite suite;
  crypto::KeyType key;
  TraceProtectionKind kind;
  const char* cipher;
};

class RedoRecordSuites : public RedoRecord, public ::testing::WithParamInterface<SuiteCase> {};

TEST_P(RedoRecordSuites, EveryRecordDecryptsToWhatTheRecordLayerRead) {
  const SuiteCase& c = GetParam();
  const Traced t = traced_connection(c.version, c.suite, c.key);
  ASSERT_EQ(t.suite, c.suite);
  // Both directions, the handshake's and the application's keys.
  size_t sent = 0;
  size_t received = 0;
  for (const TraceRecord& r : t.records) {
    EXPECT_EQ(r.protection.kind, c.kind);
    EXPECT_EQ(r.cipher, c.cipher);
    (r.direction == TraceDirection::kClientToServer ? sent : received)++;
    check(r);
  }
  EXPECT_GE(sent, 2u);
  EXPECT_GE(received, 2u);
}

INSTANTIATE_TEST_SUITE_P(
    Suites, RedoRecordSuites,
    ::testing::Values(
        SuiteCase{ProtocolVersion::TLSv1_3, CipherSuite::TLS_AES_128_GCM_SHA256,
                  crypto::KeyType::kEcdsaP256, TraceProtectionKind::kUnknown, "AES-128-GCM"},
        SuiteCase{ProtocolVersion::TLSv1_3, CipherSuite::TLS_AES_256_GCM_SHA384,
                  crypto::KeyType::kEcdsaP256, TraceProtectionKind::kUnknown, "AES-256-GCM"},
        SuiteCase{ProtocolVersion::TLSv1_3, CipherSuite::TLS_CHACHA20_POLY1305_SHA256,
                  crypto::KeyType::kEcdsaP256, TraceProtectionKind::kUnknown, "ChaCha20-Poly1305"},
        SuiteCase{ProtocolVersion::TLSv1_2, CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                  crypto::KeyType::kEcdsaP256, TraceProtectionKind::kTls12Gcm, "AES-128-GCM"},
        SuiteCase{ProtocolVersion::TLSv1_2, CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
                  crypto::KeyType::kRsa, TraceProtectionKind::kTls12Gcm, "AES-256-GCM"},
        SuiteCase{ProtocolVersion::TLSv1_2,
                  CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
                  crypto::KeyType::kEcdsaP256, TraceProtectionKind::kTls12ChaCha20Poly1305,
                  "ChaCha20-Poly1305"},
        SuiteCase{ProtocolVersion::TLSv1_2, CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
                  crypto::KeyType::kEcdsaP256, TraceProtectionKind::kTls12CbcEncryptThenMac,
                  "AES-128-CBC"},
        SuiteCase{ProtocolVersion::TLSv1_2, CipherSuite::TLS_DHE_RSA_WITH_AES_256_CBC_SHA256,
                  crypto::KeyType::kRsa, TraceProtectionKind::kTls12CbcEncryptThenMac,
                  "AES-256-CBC"},
        SuiteCase{ProtocolVersion::TLSv1_2, CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
                  crypto::KeyType::kRsa, TraceProtectionKind::kTls12CbcEncryptThenMac,
                  "AES-256-CBC"}),
    [](const ::testing::TestParamInfo<SuiteCase>& param) {
      return std::string(name(param.param.suite));
    });

// sealed_cbc is one record sealed and opened by the record layer's CBC protectors for `suite`,
// as a connection traces it (RecordProtector::trace_tls12, with secrets).
TraceRecord sealed_cbc(CipherSuite suite, bool etm, ByteView content, uint64_t seq) {
  const crypto::SuiteRow* row = crypto::find_suite(suite);
  EXPECT_NE(row, nullptr);
  TraceRecord r;
  if (row == nullptr) {
    return r;
  }
  Bytes mac_key(row->mac_len);
  Bytes key(row->key_len);
  Bytes iv(row->fixed_iv_len);
  EXPECT_TRUE(crypto::openssl_provider().random->fill(mac_key).ok());
  EXPECT_TRUE(crypto::openssl_provider().random->fill(key).ok());
  auto make = [&] {
    return record::make_tls12_protector(crypto::openssl_provider(), *row, Secret(mac_key),
                                        Secret(key), iv, etm, "client write",
                                        /*keep_trace_key=*/true);
  };
  auto writer = make();
  auto reader = make();
  EXPECT_TRUE(writer.ok() && reader.ok());
  if (!writer.ok() || !reader.ok()) {
    return r;
  }
  Bytes wire(record::kHeaderLen + writer->body_len(content.size()));
  EXPECT_TRUE(writer->seal(ContentType::application_data, content, seq, wire).ok());
  Bytes dest(wire.size());
  record::OpenedRecord opened;
  EXPECT_TRUE(reader->open(wire, seq, dest, record::kMaxPlaintext, opened).ok());
  EXPECT_TRUE(opened.authentic);
  r.wire = wire;
  r.encrypted = true;
  r.content_type = opened.type;
  r.plaintext_known = true;
  r.plaintext.assign(opened.content.begin(), opened.content.end());
  r.sequence = seq;
  r.key_label = reader->label();
  r.cipher = reader->cipher_name();
  r.key.assign(reader->trace_key().span().begin(), reader->trace_key().span().end());
  EXPECT_TRUE(reader->trace_tls12(wire, seq, /*secrets=*/true, r));
  // The trace carries the keys the protector was made with.
  EXPECT_EQ(r.key, key);
  EXPECT_EQ(r.mac_key, mac_key);
  return r;
}

TEST_F(RedoRecord, CbcMacThenEncryptDecryptsAndItsMacIsTheRecords) {
  const std::string text = "MAC-then-encrypt: the MAC is under the encryption, with the padding";
  const ByteView content(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  for (CipherSuite suite : {CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
                            CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
                            CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384}) {
    SCOPED_TRACE(std::string(name(suite)));
    const TraceRecord r = sealed_cbc(suite, /*etm=*/false, content, 7);
    ASSERT_EQ(r.protection.kind, TraceProtectionKind::kTls12CbcMacThenEncrypt);
    check(r);
    // The check can fail: the MAC over other content, or under another key, is not the
    // record's.
    TraceRecord other = r;
    other.plaintext[0] ^= 1;
    EXPECT_NE(run(redo_record_command(other), true).mac, to_hex(r.protection.mac));
    other = r;
    other.mac_key[0] ^= 1;
    EXPECT_NE(run(redo_record_command(other), true).mac, to_hex(r.protection.mac));
    other = r;
    other.key[0] ^= 1;
    const Printed wrong_key = run(redo_record_command(other), true);
    EXPECT_EQ(wrong_key.decrypted.size(), 2 * r.protection.ciphertext.size());
    EXPECT_EQ(wrong_key.decrypted.find(to_hex(r.plaintext)), std::string::npos);
  }
}

// connect_loopback connects to 127.0.0.1:`port`, retrying until `timeout` passes (the server
// may not listen yet). -1 on failure.
int connect_loopback(uint16_t port, milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      return -1;
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
      return fd;
    }
    ::close(fd);
    std::this_thread::sleep_for(milliseconds(20));
  }
  return -1;
}

// A real peer that does not take encrypt-then-MAC: openssl s_server -no_etm, reversing each line
// it receives (-rev). Every record the glasstls client traced is MAC-then-encrypt, and its
// command decrypts it and gives its MAC.
TEST_F(RedoRecord, CbcMacThenEncryptWithOpensslServer) {
  const x509::TestPki& pki = testing::test_pki(crypto::KeyType::kEcdsaP256);
  const Secret key = pki.leaf_key->private_key_pkcs8();
  ASSERT_TRUE(interop::write_text(dir_.file("cert.der"),
                                  std::string(pki.leaf_cert.begin(), pki.leaf_cert.end())));
  ASSERT_TRUE(
      interop::write_text(dir_.file("key.der"), std::string(key.span().begin(), key.span().end())));
  const uint16_t port = interop::free_port();
  std::unique_ptr<Child> server = Child::spawn(
      {interop::find_program("openssl"), "s_server", "-accept", std::to_string(port), "-cert",
       dir_.file("cert.der"), "-certform", "DER", "-key", dir_.file("key.der"), "-keyform", "DER",
       "-tls1_2", "-no_etm", "-cipher", "ECDHE-ECDSA-AES128-SHA256", "-rev"},
      dir_.path(), "s_server", interop::StdinMode::kPipe);
  ASSERT_NE(server, nullptr);
  const int fd = connect_loopback(port, kCommandTimeout);
  ASSERT_GE(fd, 0) << server->log();

  ClientConfig::Builder cb = testing::client_builder(crypto::KeyType::kEcdsaP256);
  cb.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_2);
  cb.cipher_suites({CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256});
  auto cc = cb.build();
  ASSERT_TRUE(cc.ok());
  auto recorder = std::make_shared<TraceRecorder>();
  TraceOptions options;
  options.show_secrets = true;
  auto conn = Connection::client(*cc, "localhost", recorder, options);
  ASSERT_TRUE(conn.ok());
  SocketStream stream(fd, std::move(*conn));
  const Status hs = stream.handshake();
  ASSERT_TRUE(hs.ok()) << hs.error().to_string() << "\n" << server->log();
  const std::string line = "a line for MAC-then-encrypt\n";
  ASSERT_TRUE(
      stream.write_all(ByteView(reinterpret_cast<const uint8_t*>(line.data()), line.size())).ok());
  std::string reply;
  uint8_t buf[256];
  while (reply.find('\n') == std::string::npos) {
    Result<size_t> n = stream.read(buf);
    ASSERT_TRUE(n.ok()) << n.error().to_string();
    ASSERT_GT(*n, 0u);
    reply.append(reinterpret_cast<const char*>(buf), *n);
  }
  EXPECT_EQ(reply, "tpyrcne-neht-CAM rof enil a\n");
  ::close(fd);
  server->kill();

  size_t checked = 0;
  for (const TraceEvent& e : recorder->events) {
    const auto* r = std::get_if<TraceRecord>(&e);
    if (r == nullptr || !r->encrypted) {
      continue;
    }
    EXPECT_EQ(r->protection.kind, TraceProtectionKind::kTls12CbcMacThenEncrypt);
    check(*r);
    checked++;
  }
  // Each side's Finished and line.
  EXPECT_GE(checked, 4u);
}

TEST_F(RedoRecord, AWrongNonceOrCipherDoesNotDecrypt) {
  const Traced t =
      traced_connection(ProtocolVersion::TLSv1_3, CipherSuite::TLS_CHACHA20_POLY1305_SHA256,
                        crypto::KeyType::kEcdsaP256);
  ASSERT_FALSE(t.records.empty());
  const TraceRecord& r = t.records.back();
  Bytes inner = r.plaintext;
  inner.push_back(static_cast<uint8_t>(r.content_type));
  inner.insert(inner.end(), r.padding, 0);
  TraceRecord other = r;
  other.nonce[11] ^= 1;
  EXPECT_NE(run(redo_record_command(other), false).decrypted, to_hex(inner));
  // The same 32-byte key read as AES-256-GCM's gives other bytes.
  other = r;
  other.cipher = "AES-256-GCM";
  EXPECT_NE(run(redo_record_command(other), false).decrypted, to_hex(inner));
}

TEST(RedoRecordCommand, NoCommandWithoutTheKeyOrWhatItNeeds) {
  TraceRecord r;
  r.encrypted = true;
  r.plaintext_known = true;
  r.wire = Bytes(5 + 1 + 16 + 10, 0x17);
  r.nonce = Bytes(12, 1);
  r.key = Bytes(16, 2);
  EXPECT_NE(redo_record_command(r), "");
  // A TLS 1.3 record with a 32-byte key needs its cipher named.
  r.key = Bytes(32, 2);
  EXPECT_EQ(redo_record_command(r), "");
  r.cipher = "ChaCha20-Poly1305";
  EXPECT_NE(redo_record_command(r), "");
  r.cipher = "AES-128-GCM";  // not with a 32-byte key
  EXPECT_EQ(redo_record_command(r), "");
  r.cipher = "AES-256-GCM";
  EXPECT_NE(redo_record_command(r), "");
  // Without the key (secrets not shown), undecrypted, or in the clear: none.
  TraceRecord no_key = r;
  no_key.key.clear();
  EXPECT_EQ(redo_record_command(no_key), "");
  TraceRecord unread = r;
  unread.plaintext_known = false;
  EXPECT_EQ(redo_record_command(unread), "");
  TraceRecord clear = r;
  clear.encrypted = false;
  EXPECT_EQ(redo_record_command(clear), "");
  TraceRecord short_nonce = r;
  short_nonce.nonce.pop_back();
  EXPECT_EQ(redo_record_command(short_nonce), "");
  // CBC needs the MAC key.
  TraceRecord cbc;
  cbc.encrypted = true;
  cbc.plaintext_known = true;
  cbc.key = Bytes(16, 3);
  cbc.protection.kind = TraceProtectionKind::kTls12CbcEncryptThenMac;
  cbc.protection.explicit_nonce = Bytes(16, 4);
  cbc.protection.ciphertext = Bytes(32, 5);
  cbc.protection.mac = Bytes(32, 6);
  cbc.protection.additional_data = Bytes(13, 7);
  cbc.mac_key = Bytes(32, 8);
  EXPECT_NE(redo_record_command(cbc), "");
  cbc.mac_key.clear();
  EXPECT_EQ(redo_record_command(cbc), "");
}

TEST(RedoRecordRender, TextUnderRedoAndJsonCarryTheCommand) {
  TraceRecord r;
  r.encrypted = true;
  r.plaintext_known = true;
  r.content_type = ContentType::application_data;
  r.plaintext = {'h', 'i'};
  r.wire = {0x17, 0x03, 0x03, 0x00, 0x13, 1,  2,  3,  4,  5,  6,  7,
            8,    9,    10,   11,   12,   13, 14, 15, 16, 17, 18, 19};
  r.nonce = Bytes(12, 1);
  r.key = Bytes(16, 2);
  r.cipher = "AES-128-GCM";
  const std::string cmd = redo_record_command(r);
  ASSERT_FALSE(cmd.empty());
  const std::vector<TraceEvent> events = {TraceEvent(r)};
  RenderOptions options;
  EXPECT_EQ(render_text(events, options).find(cmd), std::string::npos);
  options.redo = true;
  EXPECT_NE(render_text(events, options).find("openssl " + cmd + "\n"), std::string::npos);
  const std::string json = render_json(events);
  EXPECT_NE(json.find("\"cipher\":\"AES-128-GCM\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"redo\":\""), std::string::npos) << json;
  r.key.clear();
  EXPECT_EQ(render_json({TraceEvent(r)}).find("\"redo\""), std::string::npos);
}

// The demo's records: every command printed under a record runs, and the client's line comes
// out of one of them.
class RedoRecordDemo : public RedoRecord, public ::testing::WithParamInterface<const char*> {};

TEST_P(RedoRecordDemo, EveryRecordCommandRunsAndTheClientsLineComesOut) {
  const std::string suite = GetParam();
  std::unique_ptr<Child> c =
      Child::spawn({GLASSTLS_CLI, "demo", "--redo", "--suite", suite}, dir_.path(), "demo");
  ASSERT_NE(c, nullptr);
  std::optional<int> status = c->wait_exit(kDemoTimeout);
  if (!status) {
    c->kill();
  }
  ASSERT_EQ(status, std::optional<int>(0)) << c->log();
  const bool cbc = suite.find("CBC") != std::string::npos;
  const std::string line = to_hex(Bytes{'h', 'e', 'l', 'l', 'o', ' ', 'f', 'r', 'o', 'm'});
  std::istringstream in(c->out());
  size_t commands = 0;
  bool line_seen = false;
  for (std::string text; std::getline(in, text);) {
    // Under a record: "    openssl printf ..." (a key step's is "  openssl  ...").
    constexpr std::string_view kPrefix = "    openssl ";
    if (text.rfind(kPrefix, 0) != 0) {
      continue;
    }
    commands++;
    const Printed p = run(text.substr(kPrefix.size()), cbc);
    EXPECT_TRUE(p.ran);
    EXPECT_FALSE(p.decrypted.empty());
    if (cbc) {
      EXPECT_EQ(p.mac.size(), suite.find("SHA384") != std::string::npos ? 96u : 64u);
    }
    line_seen = line_seen || p.decrypted.rfind(line, 0) == 0;
  }
  // The server's handshake flight, Finished, a line and close_notify each way at least.
  EXPECT_GE(commands, 5u) << c->out();
  EXPECT_TRUE(line_seen) << c->out();
}

INSTANTIATE_TEST_SUITE_P(Suites, RedoRecordDemo,
                         ::testing::Values("TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                                           "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",
                                           "ECDHE-ECDSA-AES128-GCM-SHA256"));

}  // namespace
}  // namespace glasstls
