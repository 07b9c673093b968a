// demo.cc: `glasstls demo`, a client and a server in one process over a loopback socket.
//
// It makes a throwaway CA and server certificate in memory, runs the server on a thread, pins
// the server's key in the client, completes a full handshake, sends a few bytes each way,
// closes with close_notify in both directions, and prints what happened.

#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "common.h"
#include "glasstls/crypto.h"
#include "glasstls/socket.h"
#include "glasstls/trace.h"
#include "pki/cert_builder.h"

namespace glasstls::cli {

namespace {

constexpr const char kDemoUsage[] =
    "usage: glasstls demo [--key-type ecdsa|rsa|ed25519] [--html FILE] [--json] [--summary]\n"
    "\n"
    "Generates a throwaway CA and a certificate for \"localhost\" in memory, starts a server on\n"
    "127.0.0.1 (a free port) on a thread, and connects a client that pins the server's public\n"
    "key. Both sides exchange a few bytes and close with close_notify. The whole conversation\n"
    "is shown byte by byte as the client saw it: every record and field with its explanation,\n"
    "each encrypted record decrypted, and every step of the key schedule. Then a summary.\n"
    "\n"
    "options:\n"
    "  --key-type TYPE   the server key: ecdsa (P-256, default), rsa (2048) or ed25519\n"
    "  --html FILE       also write the conversation as one self-contained HTML page\n"
    "  --json            print the conversation as JSON instead of text\n"
    "  --summary         print only the summary\n"
    "  --help            show this help\n"
    "\n"
    "Colour is used when stdout is a terminal (set NO_COLOR to turn it off).\n";

constexpr const char kClientMessage[] = "hello from the glasstls demo client\n";
constexpr const char kServerMessage[] = "hello back from the glasstls demo server\n";

std::span<const uint8_t> as_bytes(const char* text, size_t len) {
  return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text), len);
}

// ServerReport is what the server thread saw.
struct ServerReport {
  std::string error;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  bool clean = false;
  std::string received;
  std::string sni;
};

// run_server accepts one connection on `listener` and serves it: it reads the client's line,
// answers, then waits for close_notify and answers it.
void run_server(int listener, std::shared_ptr<const ServerConfig> config, ServerReport& report) {
  int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) {
    report.error = "accept failed";
    return;
  }
  Result<Connection> conn = Connection::server(std::move(config));
  if (!conn.ok()) {
    report.error = conn.error().to_string();
    ::close(fd);
    return;
  }
  SocketStream stream(fd, std::move(*conn));
  if (Status hs = stream.handshake(); !hs.ok()) {
    report.error = "handshake: " + hs.error().to_string();
    ::close(fd);
    return;
  }
  report.sni = std::string(stream.connection().server_name());
  uint8_t buf[4096];
  bool answered = false;
  for (;;) {
    Result<size_t> n = stream.read(buf);
    if (!n.ok()) {
      report.error = "read: " + n.error().to_string();
      break;
    }
    if (*n == 0) {
      report.clean = stream.close().ok();
      break;
    }
    report.bytes_in += *n;
    report.received.append(reinterpret_cast<const char*>(buf), *n);
    if (!answered && report.received.find('\n') != std::string::npos) {
      answered = true;
      Status w = stream.write_all(as_bytes(kServerMessage, sizeof(kServerMessage) - 1));
      if (!w.ok()) {
        report.error = "write: " + w.error().to_string();
        break;
      }
      report.bytes_out += sizeof(kServerMessage) - 1;
    }
  }
  ::close(fd);
}

}  // namespace

int demo_main(int argc, char** argv) {
  OptionSpec spec;
  spec.with_value = {"--key-type", "--html"};
  spec.flags = {"--help", "-h", "--json", "--summary"};
  std::string error;
  std::optional<Args> args = parse_args(argc, argv, 2, spec, error);
  if (!args) {
    return usage_error("demo", error);
  }
  if (args->has("--help") || args->has("-h")) {
    std::fputs(kDemoUsage, stdout);
    return 0;
  }
  // With --json, stdout carries only the JSON document; everything else goes to stderr.
  FILE* info = args->has("--json") ? stderr : stdout;
  std::string key_type = args->value("--key-type").value_or("ecdsa");
  crypto::KeyType type = crypto::KeyType::kEcdsaP256;
  if (key_type == "rsa") {
    type = crypto::KeyType::kRsa;
  } else if (key_type == "ed25519") {
    type = crypto::KeyType::kEd25519;
  } else if (key_type != "ecdsa") {
    return usage_error("demo", "unknown --key-type \"" + key_type + "\" (ecdsa, rsa or ed25519)");
  }

  const crypto::CryptoProvider& provider = crypto::openssl_provider();
  Result<x509::TestPki> pki = x509::make_test_pki(provider, type, {"localhost"});
  if (!pki.ok()) {
    std::fprintf(stderr, "glasstls demo: cannot make the test PKI: %s\n",
                 pki.error().to_string().c_str());
    return 1;
  }
  Bytes spki = pki->leaf_key->public_key_spki();
  Bytes digest = provider.sha256->digest(spki);
  std::array<uint8_t, 32> pin{};
  std::copy_n(digest.begin(), pin.size(), pin.begin());

  ServerConfig::Builder server_builder;
  server_builder.add_certificate({pki->leaf_cert}, PrivateKey(pki->leaf_key));
  Result<std::shared_ptr<const ServerConfig>> server_config = server_builder.build();
  if (!server_config.ok()) {
    std::fprintf(stderr, "glasstls demo: server configuration: %s\n",
                 server_config.error().to_string().c_str());
    return 1;
  }
  ClientConfig::Builder client_builder;
  client_builder.verifier(pin_sha256_verifier({pin}));
  if (std::shared_ptr<KeyLog> log = key_log_from_env()) {
    client_builder.key_log(log);
  }
  Result<std::shared_ptr<const ClientConfig>> client_config = client_builder.build();
  if (!client_config.ok()) {
    std::fprintf(stderr, "glasstls demo: client configuration: %s\n",
                 client_config.error().to_string().c_str());
    return 1;
  }

  uint16_t port = 0;
  int listener = listen_tcp("127.0.0.1", "0", port, error);
  if (listener < 0) {
    std::fprintf(stderr, "glasstls demo: %s\n", error.c_str());
    return 1;
  }
  std::fprintf(info,
               "glasstls demo: server listening on 127.0.0.1:%u with a throwaway %s certificate\n",
               static_cast<unsigned>(port), key_type.c_str());
  std::fprintf(info, "glasstls demo: client pins the server key, SHA-256 %s\n",
               to_hex(pin).c_str());
  std::fflush(info);

  auto recorder = std::make_shared<TraceRecorder>();
  ServerReport server_report;
  std::thread server_thread(run_server, listener, *server_config, std::ref(server_report));

  int status = 0;
  uint64_t client_in = 0;
  uint64_t client_out = 0;
  bool client_clean = false;
  std::string reply;
  int fd = connect_tcp("127.0.0.1", std::to_string(port), error);
  if (fd < 0) {
    std::fprintf(stderr, "glasstls demo: %s\n", error.c_str());
    // Unblock the server thread's accept().
    ::shutdown(listener, SHUT_RDWR);
    server_thread.join();
    ::close(listener);
    return 1;
  }
  {
    TraceOptions trace_options;
    trace_options.show_secrets = true;
    Result<Connection> conn =
        Connection::client(*client_config, "localhost", recorder, trace_options);
    if (!conn.ok()) {
      std::fprintf(stderr, "glasstls demo: %s\n", conn.error().to_string().c_str());
      ::close(fd);
      server_thread.join();
      ::close(listener);
      return 1;
    }
    SocketStream stream(fd, std::move(*conn));
    Status hs = stream.handshake();
    if (!hs.ok()) {
      std::fprintf(stderr, "glasstls demo: client handshake failed: %s\n",
                   hs.error().to_string().c_str());
      status = 1;
    } else {
      Status w = stream.write_all(as_bytes(kClientMessage, sizeof(kClientMessage) - 1));
      if (w.ok()) {
        client_out += sizeof(kClientMessage) - 1;
      } else {
        std::fprintf(stderr, "glasstls demo: client write: %s\n", w.error().to_string().c_str());
        status = 1;
      }
      uint8_t buf[4096];
      bool closed = false;
      while (status == 0) {
        Result<size_t> n = stream.read(buf);
        if (!n.ok()) {
          std::fprintf(stderr, "glasstls demo: client read: %s\n", n.error().to_string().c_str());
          status = 1;
          break;
        }
        if (*n == 0) {
          client_clean = closed;
          break;
        }
        client_in += *n;
        reply.append(reinterpret_cast<const char*>(buf), *n);
        if (!closed && reply.find('\n') != std::string::npos) {
          closed = true;
          Status c = stream.close();
          if (!c.ok()) {
            std::fprintf(stderr, "glasstls demo: client close: %s\n",
                         c.error().to_string().c_str());
            status = 1;
          }
        }
      }
      const Connection& c = stream.connection();
      if (args->has("--json")) {
        std::fputs(render_json(recorder->events).c_str(), stdout);
        std::fputs("\n", stdout);
      } else if (!args->has("--summary")) {
        RenderOptions render;
        render.colour = ::isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr;
        render.show_secrets = true;
        std::fputs(render_text(recorder->events, render).c_str(), stdout);
      }
      if (auto html = args->value("--html")) {
        std::string page = render_html(recorder->events, "glasstls demo");
        if (!write_file(*html, page, error)) {
          std::fprintf(stderr, "glasstls demo: %s\n", error.c_str());
          status = 1;
        } else {
          std::fprintf(stderr, "glasstls demo: wrote %s\n", html->c_str());
        }
      }
      std::fprintf(info, "\nsummary\n");
      std::fprintf(info, "  version:        %s\n", std::string(explain(c.version())).c_str());
      std::fprintf(info, "  cipher suite:   %s\n", std::string(name(c.cipher_suite())).c_str());
      std::fprintf(info, "  group:          %s\n", std::string(name(c.group())).c_str());
      std::fprintf(info, "  signature:      %s\n",
                   std::string(name(c.peer_signature_scheme())).c_str());
      std::fprintf(info, "  server name:    %s\n", server_report.sni.c_str());
      std::fprintf(info, "  server cert:    %s\n",
                   c.peer_certificates().empty()
                       ? "(none)"
                       : describe_certificate(c.peer_certificates().front()).c_str());
    }
  }
  ::close(fd);
  server_thread.join();
  ::close(listener);

  std::fprintf(info, "  client -> server: %llu bytes (%s)\n",
               static_cast<unsigned long long>(client_out),
               server_report.received.empty() ? "nothing arrived" : "arrived intact");
  std::fprintf(info, "  server -> client: %llu bytes (%s)\n",
               static_cast<unsigned long long>(server_report.bytes_out),
               reply == kServerMessage ? "arrived intact" : "MISMATCH");
  if (!server_report.error.empty()) {
    std::fprintf(info, "  server error:   %s\n", server_report.error.c_str());
    status = 1;
  }
  if (server_report.received != kClientMessage || reply != kServerMessage) {
    status = 1;
  }
  std::fprintf(
      info, "  client: %s\n",
      client_clean ? "sent and received close_notify, closed cleanly" : "did NOT close cleanly");
  std::fprintf(info, "  server: %s\n",
               server_report.clean ? "received and sent close_notify, closed cleanly"
                                   : "did NOT close cleanly");
  if (!client_clean || !server_report.clean) {
    status = 1;
  }
  std::fprintf(info, "glasstls demo: %s\n", status == 0 ? "both sides closed cleanly" : "FAILED");
  (void)client_in;
  return status;
}

}  // namespace glasstls::cli
