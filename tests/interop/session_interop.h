// session_interop.h: what the resumption and 0-RTT interop tests share: a throwaway P-256
// certificate for localhost made with the openssl command line, `glasstls server --echo` on a
// free port, one `openssl s_client` session, and counting lines in a peer's output.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "interop/process.h"

#ifndef GLASSTLS_CLI
#error "GLASSTLS_CLI must name the glasstls executable"
#endif

namespace glasstls::interop {

inline constexpr std::chrono::milliseconds kSessionTimeout{30000};

// count says how often `needle` occurs in `text`.
inline size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size())) {
    n++;
  }
  return n;
}

class SessionInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    openssl_ = find_program("openssl");
    if (openssl_.empty()) {
      GTEST_SKIP() << "openssl is not installed";
    }
    std::string out;
    ASSERT_EQ(
        run({openssl_, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-keyout", dir_.file("key.pem"), "-out", dir_.file("cert.pem"), "-subj",
             "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-days", "2"},
            dir_.path(), "req", kSessionTimeout, &out),
        0)
        << out;
  }

  // start_server starts `glasstls server --echo` with `extra` options on a free port.
  std::unique_ptr<Child> start_server(const std::vector<std::string>& extra) {
    port_ = free_port();
    std::vector<std::string> argv = {GLASSTLS_CLI, "server",
                                     "--cert",     dir_.file("cert.pem"),
                                     "--key",      dir_.file("key.pem"),
                                     "--port",     std::to_string(port_),
                                     "--echo"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto server = Child::spawn(argv, dir_.path(), "server" + std::to_string(servers_++));
    EXPECT_TRUE(server && server->wait_for_err("listening on", kSessionTimeout))
        << (server ? server->log() : "");
    return server;
  }

  // ticket_key makes one nginx-style 80-byte ticket key with `openssl rand 80` in the file
  // `name` and returns its bytes (empty on failure, which the test's size check reports).
  std::string ticket_key(const std::string& name) {
    std::string out;
    EXPECT_EQ(run({openssl_, "rand", "-out", dir_.file(name), "80"}, dir_.path(), "rand-" + name,
                  kSessionTimeout, &out),
              0)
        << out;
    return read_text(dir_.file(name));
  }

  // s_client runs one openssl s_client session: a line sent, held open a moment so that the
  // tickets arrive, with `extra` options; returns its output.
  std::string s_client(const std::vector<std::string>& extra, const std::string& tag) {
    // sh -c runs a pipe; its arguments come after the script's own name ("sh").
    std::vector<std::string> argv;
    argv = {"sh",
            "-c",
            "o=$1; p=$2; ca=$3; shift 3; (echo resumed-line; sleep 1) | \"$o\" s_client "
            "-connect \"localhost:$p\" -CAfile \"$ca\" \"$@\"",
            "sh",
            openssl_,
            std::to_string(port_),
            dir_.file("cert.pem")};
    argv.insert(argv.end(), extra.begin(), extra.end());
    std::string out;
    EXPECT_EQ(run(argv, dir_.path(), tag, kSessionTimeout, &out), 0) << out;
    return out;
  }

  TempDir dir_;
  std::string openssl_;
  uint16_t port_ = 0;
  int servers_ = 0;
};

}  // namespace glasstls::interop
