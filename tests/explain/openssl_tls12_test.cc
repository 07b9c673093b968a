// openssl_tls12_test.cc: the TLS 1.2 codecs and their view against real TLS 1.2 messages.
// openssl s_client talks TLS 1.2 to openssl s_server on loopback, with client authentication,
// once with ECDHE-ECDSA and once with DHE-RSA; s_client's -msg output gives every handshake
// message in the clear (Finished included). Each message must be accepted by glasstls's strict
// TLS 1.2 codec, agree with what OpenSSL reports (the certificates, the key exchange group),
// and be annotated without a malformed byte when read with TLS 1.2's layout; the dissector,
// given the plaintext records, must read them so too. Skipped without openssl.
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include "explain/dissector.h"
#include "glasstls/trace.h"
#include "glasstls/x509.h"
#include "interop/process.h"
#include "msgs/handshake.h"
#include "msgs/tls12.h"
#include "msgs/walk.h"
#include "trace/annotate_tree.h"

namespace glasstls::trace {
namespace {

using glasstls::interop::Child;
using glasstls::interop::find_program;
using glasstls::interop::free_port;
using glasstls::interop::read_text;
using glasstls::interop::StdinMode;
using glasstls::interop::TempDir;
using std::chrono::milliseconds;

// Message is one handshake message as s_client's -msg printed it.
struct Message {
  bool from_client = false;
  Bytes bytes;
};

// read_msg_output collects the handshake messages of s_client -msg output: a line
// ">>> TLS 1.2, Handshake [length 00b7], ClientHello" (">>>" sent, "<<<" received) followed by
// indented lines of hex bytes.
std::vector<Message> read_msg_output(const std::string& text) {
  std::vector<Message> out;
  std::istringstream lines(text);
  std::string line;
  bool collecting = false;
  while (std::getline(lines, line)) {
    if (line.rfind(">>> ", 0) == 0 || line.rfind("<<< ", 0) == 0) {
      collecting = line.find(", Handshake [length") != std::string::npos;
      if (collecting) {
        out.push_back(Message{line[0] == '>', {}});
      }
      continue;
    }
    if (!collecting || line.rfind("    ", 0) != 0) {
      collecting = false;
      continue;
    }
    std::istringstream bytes(line);
    std::string b;
    while (bytes >> b) {
      std::optional<Bytes> v = from_hex(b);
      if (!v || v->size() != 1) {
        collecting = false;
        break;
      }
      out.back().bytes.push_back((*v)[0]);
    }
  }
  return out;
}

// errors counts the fields named "error" in `f`.
size_t errors(const TraceField& f) {
  size_t n = f.name == "error" ? 1 : 0;
  for (const TraceField& c : f.children) {
    n += errors(c);
  }
  return n;
}

// find_field is the first field named `name` in `f`, depth first, or nullptr.
const TraceField* find_field(const TraceField& f, std::string_view name) {
  if (f.name == name) {
    return &f;
  }
  for (const TraceField& c : f.children) {
    if (const TraceField* found = find_field(c, name)) {
      return found;
    }
  }
  return nullptr;
}

// record wraps `message` in a plaintext TLS 1.2 handshake record.
void append_record(Bytes& stream, const Bytes& message) {
  stream.insert(stream.end(), {0x16, 0x03, 0x03, static_cast<uint8_t>(message.size() >> 8),
                               static_cast<uint8_t>(message.size())});
  stream.insert(stream.end(), message.begin(), message.end());
}

struct Setup {
  const char* name;
  msgs::KeyExchangeKind kx;
  std::vector<std::string> key_args;  // openssl req -newkey ...
  const char* cipher;
};

void run_tls12(const Setup& setup) {
  SCOPED_TRACE(setup.name);
  const std::string openssl = find_program("openssl");
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  std::vector<std::string> req = {openssl, "req", "-x509"};
  req.insert(req.end(), setup.key_args.begin(), setup.key_args.end());
  req.insert(req.end(), {"-nodes", "-keyout", dir.file("key.pem"), "-out", dir.file("cert.pem"),
                         "-days", "1", "-subj", "/CN=localhost"});
  ASSERT_EQ(glasstls::interop::run(req, dir.path(), "req", milliseconds(60000)), 0);
  const uint16_t port = free_port();
  ASSERT_NE(port, 0);
  std::unique_ptr<Child> server = Child::spawn(
      {openssl, "s_server", "-accept", std::to_string(port), "-cert", dir.file("cert.pem"), "-key",
       dir.file("key.pem"), "-tls1_2", "-cipher", setup.cipher, "-Verify", "1", "-naccept", "1"},
      dir.path(), "s_server", StdinMode::kPipe);
  ASSERT_TRUE(server && server->wait_for_out("ACCEPT", milliseconds(10000)))
      << (server ? server->log() : "cannot start s_server");
  std::unique_ptr<Child> client =
      Child::spawn({openssl, "s_client", "-connect", "127.0.0.1:" + std::to_string(port), "-tls1_2",
                    "-cipher", setup.cipher, "-groups", "P-256", "-msg", "-cert",
                    dir.file("cert.pem"), "-key", dir.file("key.pem")},
                   dir.path(), "s_client", StdinMode::kPipe);
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->wait_for_out("Verify return code", milliseconds(20000))) << client->log();
  client->close_stdin();
  EXPECT_TRUE(client->wait_exit(milliseconds(10000)).has_value()) << client->log();
  server->close_stdin();
  if (!server->wait_exit(milliseconds(5000)).has_value()) {
    server->kill();
  }
  const std::string out = client->out();
  Result<std::vector<Bytes>> certs = decode_pem_certificates(read_text(dir.file("cert.pem")));
  ASSERT_TRUE(certs.ok() && certs->size() == 1u);
  const Bytes& der = certs->front();

  const std::vector<Message> messages = read_msg_output(out);
  const msgs::WalkContext context{ProtocolVersion::TLSv1_2, setup.kx};
  std::vector<int> types;
  Bytes client_stream;
  Bytes server_stream;
  bool client_ccs = false;
  bool server_ccs = false;
  for (const Message& m : messages) {
    ASSERT_GE(m.bytes.size(), 4u);
    const auto type = static_cast<HandshakeType>(m.bytes[0]);
    types.push_back(m.bytes[0]);
    SCOPED_TRACE(std::string(name(type)));
    const ByteView body = ByteView(m.bytes).subspan(4);
    switch (type) {
      case HandshakeType::client_hello: {
        auto ch = msgs::parse_client_hello(body);
        ASSERT_TRUE(ch.ok()) << ch.error().to_string();
        EXPECT_FALSE(ch->supported_versions);
        EXPECT_TRUE(msgs::offers_null_compression(*ch));
        EXPECT_TRUE(ch->extended_master_secret);
        break;
      }
      case HandshakeType::server_hello: {
        auto sh = msgs::parse_server_hello(body);
        ASSERT_TRUE(sh.ok()) << sh.error().to_string();
        auto ext = msgs::decode_tls12_server_hello_extensions(*sh);
        ASSERT_TRUE(ext.ok()) << ext.error().to_string();
        EXPECT_TRUE(ext->extended_master_secret);
        EXPECT_TRUE(ext->renegotiation_info.has_value());
        break;
      }
      case HandshakeType::certificate: {
        auto c = msgs::parse_tls12_certificate(body);
        ASSERT_TRUE(c.ok()) << c.error().to_string();
        ASSERT_EQ(c->certificates.size(), 1u);
        EXPECT_TRUE(std::equal(der.begin(), der.end(), c->certificates[0].begin(),
                               c->certificates[0].end()));
        // TLS 1.3's layout misreads it: what explain did before it knew the version.
        EXPECT_GT(errors(annotate_handshake_message(m.bytes)), 0u);
        break;
      }
      case HandshakeType::server_key_exchange: {
        auto ske = msgs::parse_server_key_exchange(body, setup.kx);
        ASSERT_TRUE(ske.ok()) << ske.error().to_string();
        if (setup.kx == msgs::KeyExchangeKind::kEcdhe) {
          EXPECT_EQ(ske->group, NamedGroup::secp256r1);
          EXPECT_EQ(ske->point.size(), 65u);
          EXPECT_NE(out.find("Server Temp Key: ECDH, prime256v1, 256 bits"), std::string::npos)
              << out;
        } else {
          const std::string bits = std::to_string(ske->dh_p.size() * 8);
          EXPECT_NE(out.find("Server Temp Key: DH, " + bits + " bits"), std::string::npos) << out;
        }
        EXPECT_GT(ske->signature.size(), 0u);
        break;
      }
      case HandshakeType::certificate_request: {
        auto cr = msgs::parse_tls12_certificate_request(body);
        ASSERT_TRUE(cr.ok()) << cr.error().to_string();
        EXPECT_FALSE(cr->supported_signature_algorithms.empty());
        break;
      }
      case HandshakeType::server_hello_done:
        EXPECT_TRUE(msgs::parse_server_hello_done(body).ok());
        break;
      case HandshakeType::client_key_exchange:
        EXPECT_TRUE(msgs::parse_client_key_exchange(body, setup.kx).ok());
        break;
      case HandshakeType::certificate_verify:
        EXPECT_TRUE(msgs::parse_certificate_verify(body).ok());
        break;
      case HandshakeType::finished:
        EXPECT_TRUE(msgs::parse_finished(body, msgs::kTls12VerifyDataLength).ok());
        (m.from_client ? client_ccs : server_ccs) = true;  // it follows ChangeCipherSpec
        break;
      case HandshakeType::new_session_ticket:
        EXPECT_TRUE(msgs::parse_tls12_new_session_ticket(body).ok());
        break;
      default: ADD_FAILURE() << "unexpected message"; break;
    }
    const TraceField tree = annotate::annotate_handshake_message(m.bytes, context);
    EXPECT_EQ(errors(tree), 0u) << to_hex(m.bytes);
    if (type == HandshakeType::server_key_exchange) {
      const TraceField* params = find_field(tree, "params");
      ASSERT_NE(params, nullptr);
      EXPECT_NE(params->meaning.find(setup.kx == msgs::KeyExchangeKind::kEcdhe ? "secp256r1"
                                                                               : "DH group"),
                std::string::npos)
          << params->meaning;
    }
    // The plaintext records, up to ChangeCipherSpec and the NewSessionTicket before it.
    if (type != HandshakeType::finished && type != HandshakeType::new_session_ticket) {
      if (m.from_client && !client_ccs) {
        append_record(client_stream, m.bytes);
      } else if (!m.from_client && !server_ccs) {
        append_record(server_stream, m.bytes);
      }
    }
  }
  // ClientHello, ServerHello, Certificate, ServerKeyExchange, CertificateRequest,
  // ServerHelloDone, Certificate, ClientKeyExchange, CertificateVerify, Finished, then the
  // server's NewSessionTicket and Finished.
  EXPECT_EQ(types, (std::vector<int>{1, 2, 11, 12, 13, 14, 11, 16, 15, 20, 4, 20}));

  // The dissector reads the same plaintext messages with TLS 1.2's layout once it has seen the
  // ServerHello.
  DissectorInput input;
  input.client_to_server = client_stream;
  input.server_to_client = server_stream;
  DissectorResult r = dissect(input, DissectorOptions{});
  EXPECT_TRUE(r.summary.is_tls);
  EXPECT_FALSE(r.summary.tls13);
  size_t shown = 0;
  for (const TraceEvent& e : r.events) {
    if (const auto* m = std::get_if<TraceMessage>(&e)) {
      shown++;
      EXPECT_EQ(errors(m->tree), 0u) << name(m->type);
    }
  }
  EXPECT_EQ(shown, 9u);
}

TEST(OpensslTls12, EcdheEcdsaMessagesReadAndShownWithTls12Layouts) {
  if (find_program("openssl").empty()) {
    GTEST_SKIP() << "needs openssl";
  }
  run_tls12({"ECDHE-ECDSA",
             msgs::KeyExchangeKind::kEcdhe,
             {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"},
             "ECDHE-ECDSA-AES128-GCM-SHA256"});
}

TEST(OpensslTls12, DheRsaMessagesReadAndShownWithTls12Layouts) {
  if (find_program("openssl").empty()) {
    GTEST_SKIP() << "needs openssl";
  }
  run_tls12({"DHE-RSA",
             msgs::KeyExchangeKind::kDhe,
             {"-newkey", "rsa:2048"},
             "DHE-RSA-AES128-GCM-SHA256"});
}

}  // namespace
}  // namespace glasstls::trace
