// narrative_test.cc: the narrative of a TLS 1.2 abbreviated handshake (narrative.h): a
// ServerHello that echoes the ClientHello's session ID is told as a resumption, one that gives
// a new ID as a full handshake, and a TLS 1.2 NewSessionTicket as an RFC 5077 ticket (renewed
// in an abbreviated handshake). The messages are built with the codecs' encoders and annotated
// as the view annotates them.
#include "trace/narrative.h"

#include <gtest/gtest.h>

#include <string>

#include "msgs/handshake.h"
#include "msgs/tls12.h"
#include "msgs/walk.h"
#include "trace/annotate_tree.h"

namespace glasstls::render {
namespace {

const msgs::WalkContext kEcdhe{ProtocolVersion::TLSv1_2, msgs::KeyExchangeKind::kEcdhe};

TraceMessage message(const Bytes& bytes, TraceDirection direction) {
  TraceMessage m;
  m.direction = direction;
  m.type = static_cast<HandshakeType>(bytes[0]);
  m.bytes = bytes;
  m.tree = annotate::annotate_handshake_message(bytes, kEcdhe);
  return m;
}

Bytes client_hello(const Bytes& session_id, const Bytes& random) {
  static const uint8_t kNull[1] = {0};
  msgs::ClientHello ch;
  ch.random = random;
  ch.legacy_session_id = session_id;
  ch.cipher_suites = {CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256};
  ch.legacy_compression_methods = ByteView(kNull, 1);
  ch.extended_master_secret = true;
  ch.renegotiation_info = ByteView();
  ch.session_ticket = true;
  return msgs::encode(ch);
}

Bytes server_hello(const Bytes& session_id, const Bytes& random) {
  msgs::ServerHello sh;
  sh.random = random;
  sh.legacy_session_id_echo = session_id;
  sh.cipher_suite = CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256;
  msgs::Tls12ServerHelloExtensions ext;
  ext.extended_master_secret = true;
  ext.renegotiation_info = ByteView();
  ext.session_ticket = true;
  return msgs::encode_tls12_server_hello(sh, ext);
}

// Story tells the ClientHello, the ServerHello and a NewSessionTicket in turn.
struct Story {
  std::string server_hello;
  std::string ticket;
};

Story tell(const Bytes& offered_id, const Bytes& echoed_id) {
  const Bytes random(32, 0x21);
  StoryState st;
  const TraceMessage ch =
      message(client_hello(offered_id, random), TraceDirection::kClientToServer);
  EXPECT_FALSE(message_story(ch, st).empty());
  observe(st, ch);
  const TraceMessage sh = message(server_hello(echoed_id, random), TraceDirection::kServerToClient);
  Story s;
  s.server_hello = message_story(sh, st);
  observe(st, sh);
  const Bytes ticket(40, 0x5a);
  const TraceMessage nst = message(msgs::encode(msgs::Tls12NewSessionTicket{7200, ticket}),
                                   TraceDirection::kServerToClient);
  s.ticket = message_story(nst, st);
  return s;
}

TEST(Narrative, Tls12ServerHelloEchoingTheSessionIdIsAnAbbreviatedHandshake) {
  const Bytes id(32, 0x77);
  const Story s = tell(id, id);
  EXPECT_NE(s.server_hello.find("abbreviated handshake"), std::string::npos) << s.server_hello;
  EXPECT_NE(s.server_hello.find("No Certificate"), std::string::npos) << s.server_hello;
  EXPECT_NE(s.ticket.find("renews the ticket"), std::string::npos) << s.ticket;
  EXPECT_NE(s.ticket.find("session_ticket"), std::string::npos) << s.ticket;
}

TEST(Narrative, Tls12ServerHelloWithANewSessionIdIsAFullHandshake) {
  const Story s = tell(Bytes(32, 0x77), Bytes(32, 0x78));
  EXPECT_EQ(s.server_hello.find("abbreviated"), std::string::npos) << s.server_hello;
  EXPECT_NE(s.server_hello.find("server_random"), std::string::npos) << s.server_hello;
  EXPECT_NE(s.ticket.find("RFC 5077"), std::string::npos) << s.ticket;
  EXPECT_EQ(s.ticket.find("resumption master secret"), std::string::npos)
      << "not TLS 1.3's story: " << s.ticket;
  // No session ID offered: nothing to echo, nothing resumed.
  EXPECT_EQ(tell(Bytes(), Bytes()).server_hello.find("abbreviated"), std::string::npos);
}

}  // namespace
}  // namespace glasstls::render
