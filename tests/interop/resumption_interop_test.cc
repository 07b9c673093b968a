// resumption_interop_test.cc: TLS 1.3 resumption with real peers on loopback. `openssl
// s_client -sess_out` then `-sess_in` resumes a ticket the glasstls server issued (also after
// the server's ticket keys rotated, from an nginx-style 80-byte key file), `gnutls-cli
// --resume` does the same, and the glasstls client (--reconnect) resumes the tickets `openssl
// s_server` and `gnutls-serv` issue. Skipped where the peer is not installed.
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

class ResumptionInterop : public SessionInterop {};

TEST_F(ResumptionInterop, OpensslClientResumesOurTicket) {
  auto server = start_server({"--tickets", "2"});
  ASSERT_TRUE(server);
  const std::string sess = dir_.file("sess.pem");
  std::string first = s_client({"-sess_out", sess}, "first");
  EXPECT_NE(first.find("New, TLSv1.3"), std::string::npos) << first;
  std::string second = s_client({"-sess_in", sess}, "second");
  EXPECT_NE(second.find("Reused, TLSv1.3"), std::string::npos) << second << server->log();
  server->kill();
}

TEST_F(ResumptionInterop, OpensslClientResumesAcrossAKeyRotation) {
  // Two nginx-style 80-byte keys: the first seals. The ticket sealed under it is then
  // resumed by a server whose file puts a new key first and keeps the old one behind it.
  const std::string old_key = ticket_key("old.key");
  const std::string new_key = ticket_key("new.key");
  ASSERT_EQ(old_key.size(), 80u);
  write_text(dir_.file("ring1"), old_key);
  write_text(dir_.file("ring2"), new_key + old_key);
  write_text(dir_.file("ring3"), new_key);
  const std::string sess = dir_.file("sess.pem");
  {
    auto server = start_server({"--ticket-keys", dir_.file("ring1")});
    ASSERT_TRUE(server);
    s_client({"-sess_out", sess}, "before");
    server->kill();
  }
  {
    auto server = start_server({"--ticket-keys", dir_.file("ring2")});
    ASSERT_TRUE(server);
    std::string after = s_client({"-sess_in", sess}, "after");
    EXPECT_NE(after.find("Reused, TLSv1.3"), std::string::npos) << after << server->log();
    server->kill();
  }
  {
    // Once the old key is gone, its tickets give full handshakes.
    auto server = start_server({"--ticket-keys", dir_.file("ring3")});
    ASSERT_TRUE(server);
    std::string gone = s_client({"-sess_in", sess}, "gone");
    EXPECT_NE(gone.find("New, TLSv1.3"), std::string::npos) << gone;
    server->kill();
  }
}

// The same rotation in one running server: the key file is rewritten and the server rereads
// it without a restart.
TEST_F(ResumptionInterop, KeyFileRewrittenWhileTheServerRuns) {
  const std::string old_key = ticket_key("old.key");
  const std::string new_key = ticket_key("new.key");
  const std::string ring = dir_.file("ring");
  write_text(ring, old_key);
  auto server = start_server({"--ticket-keys", ring});
  ASSERT_TRUE(server);
  const std::string sess = dir_.file("sess.pem");
  s_client({"-sess_out", sess}, "before");
  auto reloads = [&server](size_t n) {
    return server->wait_for(
        [n](const std::string&, const std::string& err) {
          return count(err, "reloaded the ticket keys") >= n;
        },
        kTimeout);
  };
  write_text(ring, new_key + old_key);
  ASSERT_TRUE(reloads(1)) << server->log();
  std::string after = s_client({"-sess_in", sess}, "after");
  EXPECT_NE(after.find("Reused, TLSv1.3"), std::string::npos) << after << server->log();
  write_text(ring, new_key);
  ASSERT_TRUE(reloads(2)) << server->log();
  std::string gone = s_client({"-sess_in", sess}, "gone");
  EXPECT_NE(gone.find("New, TLSv1.3"), std::string::npos) << gone << server->log();
  server->kill();
}

TEST_F(ResumptionInterop, OurClientResumesOpensslServersTickets) {
  port_ = free_port();
  auto server =
      Child::spawn({openssl_, "s_server", "-accept", std::to_string(port_), "-cert",
                    dir_.file("cert.pem"), "-key", dir_.file("key.pem"), "-naccept", "3", "-rev"},
                   dir_.path(), "s_server");
  ASSERT_TRUE(server && server->wait_for_out("ACCEPT", kTimeout)) << server->log();
  std::string out;
  EXPECT_EQ(run({"sh", "-c",
                 "(echo hello; sleep 1) | \"$0\" client \"localhost:$1\" --cafile \"$2\" "
                 "--reconnect 2",
                 GLASSTLS_CLI, std::to_string(port_), dir_.file("cert.pem")},
                dir_.path(), "client", kTimeout, &out),
            0)
      << out << server->log();
  EXPECT_NE(out.find("New, TLSv1.3"), std::string::npos) << out;
  EXPECT_EQ(count(out, "Reused, TLSv1.3"), 2u) << out;
  server->kill();
}

TEST_F(ResumptionInterop, GnutlsClientResumesOurTicket) {
  const std::string cli = find_program("gnutls-cli");
  if (cli.empty()) {
    GTEST_SKIP() << "gnutls-cli is not installed";
  }
  auto server = start_server({"--tickets", "2"});
  ASSERT_TRUE(server);
  std::string out;
  run({"sh", "-c", "(echo line; sleep 1) | \"$0\" --resume --x509cafile \"$1\" -p \"$2\" localhost",
       cli, dir_.file("cert.pem"), std::to_string(port_)},
      dir_.path(), "gnutls-cli", kTimeout, &out);
  EXPECT_NE(out.find("This is a resumed session"), std::string::npos) << out << server->log();
  server->kill();
}

TEST_F(ResumptionInterop, OurClientResumesGnutlsServersTickets) {
  const std::string serv = find_program("gnutls-serv");
  if (serv.empty()) {
    GTEST_SKIP() << "gnutls-serv is not installed";
  }
  port_ = free_port();
  auto server = Child::spawn({serv, "--echo", "-p", std::to_string(port_), "--x509certfile",
                              dir_.file("cert.pem"), "--x509keyfile", dir_.file("key.pem")},
                             dir_.path(), "gnutls-serv");
  ASSERT_TRUE(server && server->wait_for(
                            [](const std::string& out, const std::string& err) {
                              return (out + err).find("listening") != std::string::npos;
                            },
                            kTimeout))
      << server->log();
  std::string out;
  EXPECT_EQ(run({"sh", "-c",
                 "(echo hello; sleep 1) | \"$0\" client \"localhost:$1\" --cafile \"$2\" "
                 "--reconnect 2",
                 GLASSTLS_CLI, std::to_string(port_), dir_.file("cert.pem")},
                dir_.path(), "client", kTimeout, &out),
            0)
      << out << server->log();
  EXPECT_EQ(count(out, "Reused, TLSv1.3"), 2u) << out;
  server->kill();
}

}  // namespace
}  // namespace glasstls::interop
