// tls12_resumption_interop_test.cc: TLS 1.2 resumption with real peers on loopback. `openssl
// s_client -tls1_2` resumes the glasstls server's sessions by RFC 5077 ticket and, with
// -no_ticket, by session ID (-sess_out then -sess_in, and -reconnect), `gnutls-cli --resume`
// does the same over TLS 1.2, and the glasstls client (--tls1_2 --reconnect) resumes the
// sessions of `openssl s_server -tls1_2` (tickets, and session IDs with -no_ticket) and of
// `gnutls-serv`. Skipped where the peer is not installed.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "interop/session_interop.h"

namespace glasstls::interop {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kTimeout{30000};

class Tls12ResumptionInterop : public SessionInterop {};

TEST_F(Tls12ResumptionInterop, OpensslClientResumesOurTicket) {
  auto server = start_server({"--tickets", "1", "--tls1_2"});
  ASSERT_TRUE(server);
  const std::string sess = dir_.file("sess.pem");
  std::string first = s_client({"-tls1_2", "-sess_out", sess}, "first");
  EXPECT_NE(first.find("New, TLSv1.2"), std::string::npos) << first;
  EXPECT_NE(first.find("TLS session ticket:"), std::string::npos) << first;
  std::string second = s_client({"-tls1_2", "-sess_in", sess}, "second");
  EXPECT_NE(second.find("Reused, TLSv1.2"), std::string::npos) << second << server->log();
  // Resumed sessions resume again.
  std::string third = s_client({"-tls1_2", "-sess_in", sess}, "third");
  EXPECT_NE(third.find("Reused, TLSv1.2"), std::string::npos) << third << server->log();
  server->kill();
}

TEST_F(Tls12ResumptionInterop, OpensslClientResumesOurSessionId) {
  auto server = start_server({"--tickets", "1", "--tls1_2"});
  ASSERT_TRUE(server);
  const std::string sess = dir_.file("sess.pem");
  std::string first = s_client({"-tls1_2", "-no_ticket", "-sess_out", sess}, "first");
  EXPECT_NE(first.find("New, TLSv1.2"), std::string::npos) << first;
  std::string second = s_client({"-tls1_2", "-no_ticket", "-sess_in", sess}, "second");
  EXPECT_NE(second.find("Reused, TLSv1.2"), std::string::npos) << second << server->log();
  server->kill();
}

TEST_F(Tls12ResumptionInterop, OpensslClientReconnects) {
  auto server = start_server({"--tickets", "1", "--tls1_2"});
  ASSERT_TRUE(server);
  for (const std::string tickets : {"", "-no_ticket"}) {
    std::vector<std::string> args = {"-tls1_2", "-reconnect"};
    if (!tickets.empty()) {
      args.push_back(tickets);
    }
    std::string out = s_client(args, "reconnect" + tickets);
    // s_client -reconnect connects once, then five more times with the same session.
    EXPECT_EQ(count(out, "Reused, TLSv1.2"), 5u) << tickets << "\n" << out << server->log();
  }
  server->kill();
}

TEST_F(Tls12ResumptionInterop, OpensslClientDoesNotResumeWithoutTickets) {
  // --tickets 0: no session is kept, every connection is a full handshake.
  auto server = start_server({"--tickets", "0", "--tls1_2"});
  ASSERT_TRUE(server);
  std::string out = s_client({"-tls1_2", "-reconnect"}, "reconnect");
  EXPECT_EQ(count(out, "Reused, TLSv1.2"), 0u) << out;
  EXPECT_GE(count(out, "New, TLSv1.2"), 6u) << out;
  server->kill();
}

TEST_F(Tls12ResumptionInterop, GnutlsClientResumesOurSession) {
  const std::string cli = find_program("gnutls-cli");
  if (cli.empty()) {
    GTEST_SKIP() << "gnutls-cli is not installed";
  }
  auto server = start_server({"--tickets", "1", "--tls1_2"});
  ASSERT_TRUE(server);
  for (const std::string priority : {"NORMAL:-VERS-TLS1.3", "NORMAL:-VERS-TLS1.3:%NO_TICKETS"}) {
    std::string out;
    run({"sh", "-c",
         "(echo line; sleep 1) | \"$0\" --resume --priority \"$3\" --x509cafile \"$1\" -p \"$2\" "
         "localhost",
         cli, dir_.file("cert.pem"), std::to_string(port_), priority},
        dir_.path(), "gnutls-cli", kTimeout, &out);
    EXPECT_NE(out.find("This is a resumed session"), std::string::npos) << priority << "\n"
                                                                        << out << server->log();
    EXPECT_NE(out.find("TLS1.2"), std::string::npos) << out;
  }
  server->kill();
}

// our_client_reconnects runs `glasstls client --tls1_2 --reconnect 2` against the server on
// port_ and returns its output.
std::string our_client_reconnects(uint16_t port, const std::string& ca, const TempDir& dir) {
  std::string out;
  EXPECT_EQ(run({"sh", "-c",
                 "(echo hello; sleep 1) | \"$0\" client \"localhost:$1\" --cafile \"$2\" "
                 "--tls1_2 --reconnect 2",
                 GLASSTLS_CLI, std::to_string(port), ca},
                dir.path(), "client", kTimeout, &out),
            0)
      << out;
  return out;
}

TEST_F(Tls12ResumptionInterop, OurClientResumesOpensslServersSessions) {
  for (const std::string tickets : {"", "-no_ticket"}) {
    port_ = free_port();
    std::vector<std::string> argv = {openssl_,
                                     "s_server",
                                     "-tls1_2",
                                     "-accept",
                                     std::to_string(port_),
                                     "-cert",
                                     dir_.file("cert.pem"),
                                     "-key",
                                     dir_.file("key.pem"),
                                     "-naccept",
                                     "3",
                                     "-rev"};
    if (!tickets.empty()) {
      argv.push_back(tickets);
    }
    auto server = Child::spawn(argv, dir_.path(), "s_server" + tickets);
    ASSERT_TRUE(server && server->wait_for_out("ACCEPT", kTimeout)) << server->log();
    const std::string out = our_client_reconnects(port_, dir_.file("cert.pem"), dir_);
    EXPECT_NE(out.find("New, TLSv1.2"), std::string::npos) << tickets << "\n" << out;
    EXPECT_EQ(count(out, "Reused, TLSv1.2"), 2u) << tickets << "\n" << out << server->log();
    server->kill();
  }
}

TEST_F(Tls12ResumptionInterop, OurClientResumesGnutlsServersSessions) {
  const std::string serv = find_program("gnutls-serv");
  if (serv.empty()) {
    GTEST_SKIP() << "gnutls-serv is not installed";
  }
  for (const std::string priority : {"NORMAL:-VERS-TLS1.3", "NORMAL:-VERS-TLS1.3:%NO_TICKETS"}) {
    port_ = free_port();
    auto server = Child::spawn(
        {serv, "--echo", "-p", std::to_string(port_), "--priority", priority, "--x509certfile",
         dir_.file("cert.pem"), "--x509keyfile", dir_.file("key.pem")},
        dir_.path(), "gnutls-serv" + std::to_string(servers_++));
    ASSERT_TRUE(server && server->wait_for(
                              [](const std::string& out, const std::string& err) {
                                return (out + err).find("listening") != std::string::npos;
                              },
                              kTimeout))
        << server->log();
    const std::string out = our_client_reconnects(port_, dir_.file("cert.pem"), dir_);
    EXPECT_EQ(count(out, "Reused, TLSv1.2"), 2u) << priority << "\n" << out << server->log();
    server->kill();
  }
}

}  // namespace
}  // namespace glasstls::interop
