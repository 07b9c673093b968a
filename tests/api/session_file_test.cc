// session_file_test.cc: the session file (encode_session, decode_session in glasstls/session.h):
// the bytes are the documented structure, written here field by field; what is written reads
// back the same; and each malformed file is refused, naming its fault.
#include <gtest/gtest.h>

#include <string>

#include "glasstls/session.h"
#include "x509/pem.h"

namespace glasstls::testing {
namespace {

StoredSession sample() {
  StoredSession s;
  s.version = ProtocolVersion::TLSv1_3;
  s.suite = static_cast<CipherSuite>(0x1302);
  s.psk = Secret(Bytes(48, 0xab));
  s.ticket = Bytes{1, 2, 3, 4, 5};
  s.age_add = 0x01020304;
  s.lifetime_s = 7200;
  s.received_ms = 0x0000018c00000001ull;
  s.alpn = "h2";
  s.max_early_data = 16384;
  return s;
}

// body is the documented GlasstlsSession structure, byte by byte.
Bytes documented_body(uint8_t format, uint16_t version, Bytes psk, Bytes ticket, Bytes sid,
                      std::string alpn) {
  Bytes b = {format, static_cast<uint8_t>(version >> 8), static_cast<uint8_t>(version), 0x13,
             0x02,   static_cast<uint8_t>(psk.size())};
  b.insert(b.end(), psk.begin(), psk.end());
  b.push_back(static_cast<uint8_t>(ticket.size() >> 8));
  b.push_back(static_cast<uint8_t>(ticket.size()));
  b.insert(b.end(), ticket.begin(), ticket.end());
  b.push_back(static_cast<uint8_t>(sid.size()));
  b.insert(b.end(), sid.begin(), sid.end());
  for (uint8_t v : {1, 2, 3, 4, 0, 0, 0x1c, 0x20, 0, 0, 1, 0x8c, 0, 0, 0, 1}) {
    b.push_back(v);
  }
  b.push_back(static_cast<uint8_t>(alpn.size()));
  b.insert(b.end(), alpn.begin(), alpn.end());
  for (uint8_t v : {0, 0, 0x40, 0}) {
    b.push_back(v);
  }
  return b;
}

std::string pem_of(const Bytes& body) { return x509::pem_encode("GLASSTLS SESSION", body); }

TEST(SessionFileTest, WritesTheDocumentedStructureAndReadsItBack) {
  StoredSession s = sample();
  std::string text = encode_session(s);
  EXPECT_EQ(text.rfind("-----BEGIN GLASSTLS SESSION-----\n", 0), 0u) << text;
  auto blocks = x509::pem_decode(text);
  ASSERT_TRUE(blocks.ok());
  ASSERT_EQ(blocks->size(), 1u);
  EXPECT_EQ((*blocks)[0].der,
            documented_body(1, 0x0304, Bytes(48, 0xab), {1, 2, 3, 4, 5}, {}, "h2"));

  auto back = decode_session("a comment before\n" + text + "and after\n");
  ASSERT_TRUE(back.ok()) << back.error().reason;
  EXPECT_EQ(back->version, s.version);
  EXPECT_EQ(back->suite, s.suite);
  EXPECT_TRUE(back->psk.equals(s.psk.span()));
  EXPECT_EQ(back->ticket, s.ticket);
  EXPECT_EQ(back->session_id, s.session_id);
  EXPECT_EQ(back->age_add, s.age_add);
  EXPECT_EQ(back->lifetime_s, s.lifetime_s);
  EXPECT_EQ(back->received_ms, s.received_ms);
  EXPECT_EQ(back->alpn, s.alpn);
  EXPECT_EQ(back->max_early_data, s.max_early_data);

  // A TLS 1.2 session resumed by session ID, without ALPN.
  StoredSession t = sample();
  t.version = ProtocolVersion::TLSv1_2;
  t.ticket.clear();
  t.session_id = Bytes(32, 0x77);
  t.alpn.reset();
  auto t_back = decode_session(encode_session(t));
  ASSERT_TRUE(t_back.ok()) << t_back.error().reason;
  EXPECT_EQ(t_back->version, ProtocolVersion::TLSv1_2);
  EXPECT_EQ(t_back->session_id, t.session_id);
  EXPECT_TRUE(t_back->ticket.empty());
  EXPECT_FALSE(t_back->alpn.has_value());
}

TEST(SessionFileTest, RefusesMalformedFiles) {
  const Bytes good = documented_body(1, 0x0304, Bytes(32, 1), {9}, {}, "");
  ASSERT_TRUE(decode_session(pem_of(good)).ok());
  struct Case {
    std::string text;
    std::string reason;
  };
  Bytes trailing = good;
  trailing.push_back(0);
  Bytes cut = good;
  cut.pop_back();
  const Case cases[] = {
      {"", "no GLASSTLS SESSION block"},
      {x509::pem_encode("CERTIFICATE", good), "no GLASSTLS SESSION block"},
      {pem_of(good) + pem_of(good), "more than one"},
      {"-----BEGIN GLASSTLS SESSION-----\n!!!!\n-----END GLASSTLS SESSION-----\n", "session file"},
      {pem_of(documented_body(2, 0x0304, Bytes(32, 1), {9}, {}, "")), "format 2"},
      {pem_of(documented_body(1, 0x0302, Bytes(32, 1), {9}, {}, "")), "neither TLS 1.3"},
      {pem_of(documented_body(1, 0x0304, {}, {9}, {}, "")), "PSK is empty"},
      {pem_of(documented_body(1, 0x0304, Bytes(32, 1), {}, {}, "")), "without a ticket"},
      {pem_of(documented_body(1, 0x0303, Bytes(32, 1), {}, {}, "")), "neither ticket nor"},
      {pem_of(documented_body(1, 0x0303, Bytes(32, 1), {}, Bytes(33, 1), "")), "longer than 32"},
      {pem_of(trailing), "after the last field"},
      {pem_of(cut), "cut short"},
  };
  for (const Case& c : cases) {
    auto r = decode_session(c.text);
    ASSERT_FALSE(r.ok()) << c.reason;
    EXPECT_EQ(r.error().kind, ErrorKind::kBadConfig);
    EXPECT_NE(r.error().reason.find(c.reason), std::string::npos)
        << "want \"" << c.reason << "\", got: " << r.error().reason;
  }
}

}  // namespace
}  // namespace glasstls::testing
