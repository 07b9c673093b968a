// rfc8448_golden_test.cc: the dissector's illustrated view of RFC 8448 section
// 3 (a simple 1-RTT handshake), from the RFC's own record bytes and secrets,
// compared with the committed golden outputs tests/golden/rfc8448_simple.txt
// and .json.
//
// To regenerate the golden files after an intended change to the dissector, the
// annotator or the renderers, run the test with GLASSTLS_UPDATE_GOLDEN=1 and
// review the diff.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "explain/dissector.h"
#include "rfc8448/trace.h"

namespace glasstls::trace {
namespace {

using glasstls::testing::find_value;
using glasstls::testing::TraceValue;

const std::string kGoldenDir = std::string(GLASSTLS_SOURCE_DIR) + "/tests/golden/";

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool update_mode() {
  const char* v = std::getenv("GLASSTLS_UPDATE_GOLDEN");
  return v != nullptr && std::string(v) == "1";
}

// check_golden compares `actual` with the golden file `name`, or rewrites it in
// update mode.
void check_golden(const std::string& name, const std::string& actual) {
  std::string path = kGoldenDir + name;
  if (update_mode()) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << actual;
    ASSERT_TRUE(out.good()) << "cannot write " << path;
    return;
  }
  std::string expected = read_text(path);
  ASSERT_FALSE(expected.empty()) << path << " is missing: run with GLASSTLS_UPDATE_GOLDEN=1";
  if (expected == actual) {
    return;
  }
  // Point at the first differing line rather than printing two large files.
  std::istringstream a(actual);
  std::istringstream e(expected);
  std::string la;
  std::string le;
  size_t line = 0;
  while (true) {
    line++;
    bool ga = static_cast<bool>(std::getline(a, la));
    bool ge = static_cast<bool>(std::getline(e, le));
    if (!ga || !ge || la != le) {
      ADD_FAILURE() << name << " differs at line " << line << "\n  expected: " << le
                    << "\n  actual:   " << la
                    << "\n(set GLASSTLS_UPDATE_GOLDEN=1 to regenerate after a "
                       "deliberate change)";
      return;
    }
  }
}

class Rfc8448Golden : public ::testing::Test {
 protected:
  void SetUp() override {
    values_ = glasstls::testing::load_rfc8448_section(glasstls::testing::rfc8448_simple_1rtt_path(),
                                                      "3.  Simple 1-RTT Handshake");
    ASSERT_GT(values_.size(), 40u) << "could not read RFC 8448 section 3";
    // Every "complete record" in the order the RFC sends them.
    for (const TraceValue& v : values_) {
      if (v.label != "complete record") {
        continue;
      }
      bool client = v.step.rfind("{client}", 0) == 0;
      Bytes& out = client ? dump_.client_to_server : dump_.server_to_client;
      out.insert(out.end(), v.bytes.begin(), v.bytes.end());
      dump_.chunks.push_back(
          {client ? TraceDirection::kClientToServer : TraceDirection::kServerToClient,
           v.bytes.size()});
    }
    ASSERT_EQ(dump_.chunks.size(), 9u);
    Bytes hello = find_value(values_, "construct a ClientHello", "ClientHello");
    ASSERT_GE(hello.size(), 38u);
    Bytes random(hello.begin() + 6, hello.begin() + 38);
    struct Logged {
      const char* label;
      const char* step;
    };
    const Logged logged[] = {
        {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", "{server}  derive secret \"tls13 c hs traffic\""},
        {"SERVER_HANDSHAKE_TRAFFIC_SECRET", "{server}  derive secret \"tls13 s hs traffic\""},
        {"CLIENT_TRAFFIC_SECRET_0", "{server}  derive secret \"tls13 c ap traffic\""},
        {"SERVER_TRAFFIC_SECRET_0", "{server}  derive secret \"tls13 s ap traffic\""},
        {"EXPORTER_SECRET", "{server}  derive secret \"tls13 exp master\""},
    };
    for (const Logged& l : logged) {
      Bytes secret = find_value(values_, l.step, "expanded");
      ASSERT_EQ(secret.size(), 32u) << l.step;
      ASSERT_TRUE(keys_.add(l.label, random, secret));
    }
    DissectorOptions options;
    options.keys = &keys_;
    options.show_secrets = true;
    result_ = dissect(dump_.input(), options);
  }

  std::vector<TraceValue> values_;
  RecordDump dump_;
  KeyLogFile keys_;
  DissectorResult result_;
};

TEST_F(Rfc8448Golden, EveryMessageDecrypted) {
  const DissectorSummary& s = result_.summary;
  EXPECT_TRUE(s.is_tls);
  EXPECT_TRUE(s.tls13);
  EXPECT_TRUE(s.complete);
  EXPECT_EQ(s.cipher_suite, CipherSuite::TLS_AES_128_GCM_SHA256);
  EXPECT_EQ(s.records, 9u);
  EXPECT_EQ(s.decrypted_records, 7u);
  std::vector<std::pair<TraceDirection, HandshakeType>> types;
  std::vector<Bytes> data;
  std::vector<AlertDescription> alerts;
  for (const TraceEvent& e : result_.events) {
    if (const auto* m = std::get_if<TraceMessage>(&e)) {
      types.emplace_back(m->direction, m->type);
      // Each message is the RFC's own bytes.
      std::string name_in_rfc;
      switch (m->type) {
        case HandshakeType::client_hello: name_in_rfc = "ClientHello"; break;
        case HandshakeType::server_hello: name_in_rfc = "ServerHello"; break;
        case HandshakeType::encrypted_extensions: name_in_rfc = "EncryptedExtensions"; break;
        case HandshakeType::certificate: name_in_rfc = "Certificate"; break;
        case HandshakeType::certificate_verify: name_in_rfc = "CertificateVerify"; break;
        case HandshakeType::new_session_ticket: name_in_rfc = "NewSessionTicket"; break;
        default: break;
      }
      if (!name_in_rfc.empty()) {
        EXPECT_EQ(m->bytes, find_value(values_, " " + name_in_rfc + " handshake", name_in_rfc))
            << name_in_rfc;
      }
    } else if (const auto* a = std::get_if<TraceApplicationData>(&e)) {
      data.push_back(a->data);
    } else if (const auto* al = std::get_if<TraceAlert>(&e)) {
      alerts.push_back(al->description);
    }
  }
  using D = TraceDirection;
  using H = HandshakeType;
  std::vector<std::pair<TraceDirection, HandshakeType>> want = {
      {D::kClientToServer, H::client_hello},
      {D::kServerToClient, H::server_hello},
      {D::kServerToClient, H::encrypted_extensions},
      {D::kServerToClient, H::certificate},
      {D::kServerToClient, H::certificate_verify},
      {D::kServerToClient, H::finished},
      {D::kClientToServer, H::finished},
      {D::kServerToClient, H::new_session_ticket},
  };
  EXPECT_EQ(types, want);
  // Both sides send the 50 bytes 00 01 .. 31 (RFC 8448 section 3, "send
  // application_data").
  Bytes counting(50);
  for (size_t i = 0; i < counting.size(); i++) {
    counting[i] = static_cast<uint8_t>(i);
  }
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[0], counting);
  EXPECT_EQ(data[1], counting);
  EXPECT_EQ(alerts, (std::vector<AlertDescription>{AlertDescription::close_notify,
                                                   AlertDescription::close_notify}));
}

TEST_F(Rfc8448Golden, Text) {
  RenderOptions options;
  options.colour = false;
  options.show_secrets = true;
  check_golden("rfc8448_simple.txt", render_text(result_.events, options));
}

TEST_F(Rfc8448Golden, Json) { check_golden("rfc8448_simple.json", render_json(result_.events)); }

}  // namespace
}  // namespace glasstls::trace
