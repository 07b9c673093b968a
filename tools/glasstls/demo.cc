// demo.cc: `glasstls demo`, a client and a server in one process over a loopback socket.
//
// It makes a throwaway CA and server certificate in memory, runs the server on a thread, pins
// the server's key in the client, completes a full handshake, sends a few bytes each way,
// closes with close_notify in both directions, and prints what happened.

#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include "common.h"
#include "glasstls/crypto.h"
#include "glasstls/socket.h"
#include "glasstls/trace.h"
#include "pki/cert_builder.h"

namespace glasstls::cli {

namespace {

constexpr const char kDemoUsage[] =
    "usage: glasstls demo [--tls12] [--suite NAME] [--group NAME]\n"
    "                     [--key-type ecdsa|rsa|ed25519] [--redo] [--html FILE] [--json]\n"
    "                     [--summary] [--resume]\n"
    "\n"
    "Generates a throwaway CA and a certificate for \"localhost\" in memory, starts a server on\n"
    "127.0.0.1 (a free port) on a thread, and connects a client that pins the server's public\n"
    "key. Both sides exchange a few bytes and close with close_notify. The whole conversation\n"
    "is shown byte by byte as the client saw it: every record and field with its explanation,\n"
    "each encrypted record decrypted, and every step of the key schedule. Then a summary.\n"
    "\n"
    "options:\n"
    "  --tls12           speak TLS 1.2 (both sides capped at it) instead of TLS 1.3\n"
    "  --suite NAME      the one cipher suite both sides use (IANA or OpenSSL name); a TLS 1.2\n"
    "                    suite implies --tls12, a CBC suite is allowed when named, and an RSA\n"
    "                    suite picks an RSA key (e.g. TLS_DHE_RSA_WITH_AES_256_CBC_SHA256)\n"
    "  --group NAME      the one key exchange group both sides use (e.g. ffdhe2048 for a\n"
    "                    TLS 1.3 finite-field exchange, or for a TLS 1.2 DHE suite)\n"
    "  --key-type TYPE   the server key: ecdsa (P-256, default), rsa (2048) or ed25519\n"
    "  --redo            under each derived secret, the openssl command that recomputes it\n"
    "                    from the values shown, with the client's throwaway private key for\n"
    "                    the (EC)DHE shared secret; under each decrypted record, the one that\n"
    "                    decrypts it (always in the JSON; the HTML shows the key steps')\n"
    "  --html FILE       also write the conversation as one self-contained HTML page\n"
    "  --json            print the conversation as JSON instead of text\n"
    "  --summary         print only the summary\n"
    "  --resume          connect twice and show the second connection: it resumes the\n"
    "                    session of the first with a ticket (the PSK offer and its binder),\n"
    "                    and in TLS 1.3 sends its line as 0-RTT early data\n"
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

// serve_one accepts one connection on `listener` and serves it: it reads the client's line
// (0-RTT data first, when the client sent its line as early data), answers, then waits for
// close_notify and answers it.
void serve_one(int listener, std::shared_ptr<const ServerConfig> config, ServerReport& report);

// run_server serves `rounds` connections one after another; the report is the last one's.
void run_server(int listener, std::shared_ptr<const ServerConfig> config, ServerReport& report,
                int rounds) {
  for (int i = 0; i < rounds; i++) {
    report = ServerReport{};
    serve_one(listener, config, report);
    if (!report.error.empty()) {
      return;
    }
  }
}

void serve_one(int listener, std::shared_ptr<const ServerConfig> config, ServerReport& report) {
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
  {
    const size_t early = stream.connection().read_early_data(buf);
    report.bytes_in += early;
    report.received.append(reinterpret_cast<const char*>(buf), early);
  }
  for (;;) {
    if (!answered && report.received.find('\n') != std::string::npos) {
      answered = true;
      Status w = stream.write_all(as_bytes(kServerMessage, sizeof(kServerMessage) - 1));
      if (!w.ok()) {
        report.error = "write: " + w.error().to_string();
        break;
      }
      report.bytes_out += sizeof(kServerMessage) - 1;
    }
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
  }
  ::close(fd);
}

// first_connection makes a plain connection to the demo's server on `port` with `config`:
// handshake, the line each way, close. The session ticket it receives stays in the
// configuration's session store. Returns an error, or "".
std::string first_connection(const std::shared_ptr<const ClientConfig>& config, uint16_t port) {
  std::string error;
  int fd = connect_tcp("127.0.0.1", std::to_string(port), error);
  if (fd < 0) {
    return error;
  }
  Result<Connection> conn = Connection::client(config, "localhost");
  if (!conn.ok()) {
    ::close(fd);
    return conn.error().to_string();
  }
  SocketStream stream(fd, std::move(*conn));
  Status st = stream.handshake();
  if (st.ok()) {
    st = stream.write_all(as_bytes(kClientMessage, sizeof(kClientMessage) - 1));
  }
  std::string reply;
  uint8_t buf[4096];
  while (st.ok() && reply.find('\n') == std::string::npos) {
    Result<size_t> n = stream.read(buf);
    if (!n.ok() || *n == 0) {
      st = n.ok() ? Status(make_error(ErrorKind::kBadConfig, AlertDescription::internal_error,
                                      "the server closed before answering"))
                  : Status(n.error());
      break;
    }
    reply.append(reinterpret_cast<const char*>(buf), *n);
  }
  if (st.ok()) {
    st = stream.close();
    while (st.ok()) {
      Result<size_t> n = stream.read(buf);
      if (!n.ok() || *n == 0) {
        break;
      }
    }
  }
  ::close(fd);
  return st.ok() ? "" : st.error().to_string();
}

// KnownKeys remembers the private key of every key pair the demo's client makes, so that the
// trace can show the openssl command that recomputes the shared secret. It is only used on
// the client's thread.
struct KnownKeys {
  struct Pair {
    NamedGroup group{};
    Bytes private_key;
    Bytes p, g;  // a finite-field group's prime and generator
  };
  std::vector<Pair> pairs;
};

// kDhPrivateLen is the length of the demo's finite-field private exponents: 512 bits, above the
// shortest secret exponent RFC 7919 appendix A gives for each of its groups (section 5.2; 225
// bits for ffdhe2048 to 400 for ffdhe8192) and below any prime the client accepts (2048 bits or
// more).
constexpr size_t kDhPrivateLen = 64;

// RecordingGroup makes the key pairs of one group from a private key it draws itself
// (start_with_private), and keeps that key in a KnownKeys. The demo's keys are throwaway: this
// is never done for a real connection.
class RecordingGroup final : public crypto::KxGroup {
 public:
  RecordingGroup(const crypto::KxGroup& inner, const crypto::Random& random, size_t private_len,
                 KnownKeys& keys)
      : inner_(inner), random_(random), private_len_(private_len), keys_(keys) {}
  NamedGroup group() const override { return inner_.group(); }
  Result<std::unique_ptr<crypto::KeyExchange>> start() const override {
    // A NIST scalar drawn at random is at or above the group order once in 2^32 tries or
    // fewer; start_with_private refuses it and another is drawn.
    for (int attempt = 0;; attempt++) {
      Bytes key(private_len_);
      if (Status st = random_.fill(key); !st.ok()) {
        return st.error();
      }
      Result<std::unique_ptr<crypto::KeyExchange>> kx = inner_.start_with_private(key);
      if (kx.ok()) {
        const std::optional<crypto::DhParams> params = inner_.dh_params();
        keys_.pairs.push_back({inner_.group(), std::move(key), params ? params->p : Bytes(),
                               params ? params->g : Bytes()});
        return kx;
      }
      if (attempt == 8) {
        return kx;
      }
    }
  }
  Result<std::unique_ptr<crypto::KeyExchange>> start_with_private(
      ByteView private_key) const override {
    return inner_.start_with_private(private_key);
  }
  std::optional<crypto::DhParams> dh_params() const override { return inner_.dh_params(); }

 private:
  const crypto::KxGroup& inner_;
  const crypto::Random& random_;
  size_t private_len_;
  KnownKeys& keys_;
};

// RecordingDhGroups is RecordingGroup for TLS 1.2 DHE: it makes the key pair in the group the
// server sent from a private exponent it draws itself, and keeps it with p and g.
class RecordingDhGroups final : public crypto::DhGroups {
 public:
  RecordingDhGroups(const crypto::DhGroups& inner, const crypto::Random& random, KnownKeys& keys)
      : inner_(inner), random_(random), keys_(keys) {}
  Result<std::unique_ptr<crypto::KeyExchange>> start(ByteView p, ByteView g) const override {
    // An exponent of 0 or 1 is refused (kBadConfig) and another is drawn; a group the checks
    // refuse is refused whatever the exponent.
    for (int attempt = 0;; attempt++) {
      Bytes key(kDhPrivateLen);
      if (Status st = random_.fill(key); !st.ok()) {
        return st.error();
      }
      Result<std::unique_ptr<crypto::KeyExchange>> kx = inner_.start_with_private(p, g, key);
      if (kx.ok()) {
        keys_.pairs.push_back(
            {(*kx)->group(), std::move(key), Bytes(p.begin(), p.end()), Bytes(g.begin(), g.end())});
        return kx;
      }
      if (attempt == 8 || kx.error().kind != ErrorKind::kBadConfig) {
        return kx;
      }
    }
  }
  Result<std::unique_ptr<crypto::KeyExchange>> start_with_private(
      ByteView p, ByteView g, ByteView private_key) const override {
    return inner_.start_with_private(p, g, private_key);
  }

 private:
  const crypto::DhGroups& inner_;
  const crypto::Random& random_;
  KnownKeys& keys_;
};

// RecordingGroups holds what recording_provider makes.
struct RecordingGroups {
  std::vector<std::unique_ptr<RecordingGroup>> groups;
  std::unique_ptr<RecordingDhGroups> dh;
};

// recording_provider is `base` with x25519, x448, secp256r1, secp384r1, the RFC 7919 groups
// and TLS 1.2's DhGroups made by the recording classes above (kept in `made`).
crypto::CryptoProvider recording_provider(const crypto::CryptoProvider& base, KnownKeys& keys,
                                          RecordingGroups& made) {
  crypto::CryptoProvider p = base;
  struct Member {
    const crypto::KxGroup* crypto::CryptoProvider::*member;
    size_t private_len;
  };
  for (Member m :
       {Member{&crypto::CryptoProvider::x25519, 32}, Member{&crypto::CryptoProvider::x448, 56},
        Member{&crypto::CryptoProvider::secp256r1, 32},
        Member{&crypto::CryptoProvider::secp384r1, 48},
        Member{&crypto::CryptoProvider::ffdhe2048, kDhPrivateLen},
        Member{&crypto::CryptoProvider::ffdhe3072, kDhPrivateLen},
        Member{&crypto::CryptoProvider::ffdhe4096, kDhPrivateLen},
        Member{&crypto::CryptoProvider::ffdhe6144, kDhPrivateLen},
        Member{&crypto::CryptoProvider::ffdhe8192, kDhPrivateLen}}) {
    if (base.*m.member != nullptr && base.random != nullptr) {
      made.groups.push_back(
          std::make_unique<RecordingGroup>(*(base.*m.member), *base.random, m.private_len, keys));
      p.*m.member = made.groups.back().get();
    }
  }
  if (base.dh != nullptr && base.random != nullptr) {
    made.dh = std::make_unique<RecordingDhGroups>(*base.dh, *base.random, keys);
    p.dh = made.dh.get();
  }
  return p;
}

// add_own_keys gives each (EC)DHE shared secret of the trace the private key the client used
// (and a finite-field group's p and g), so that its openssl command can be shown. The last key
// pair of the negotiated group is the one the exchange used.
void add_own_keys(std::vector<TraceEvent>& events, const KnownKeys& keys, NamedGroup group) {
  const KnownKeys::Pair* own = nullptr;
  for (const KnownKeys::Pair& p : keys.pairs) {
    if (p.group == group) {
      own = &p;
    }
  }
  if (own == nullptr) {
    return;
  }
  for (TraceEvent& e : events) {
    auto* k = std::get_if<TraceKeyStep>(&e);
    if (k == nullptr || k->derivation != TraceDerivation::kUnknown ||
        std::string_view(k->step).find("shared secret") == std::string_view::npos) {
      continue;
    }
    k->derivation = TraceDerivation::kKeyExchange;
    k->label = std::string(name(group));
    k->private_key = own->private_key;
    k->dh_p = own->p;
    k->dh_g = own->g;
  }
}

}  // namespace

int demo_main(int argc, char** argv) {
  OptionSpec spec;
  spec.with_value = {"--key-type", "--html", "--suite", "--group"};
  spec.flags = {"--help", "-h", "--json", "--summary", "--tls12", "--redo", "--resume"};
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
  // The suite, if named, decides the version and the kind of server key.
  bool tls12 = args->has("--tls12");
  std::optional<CipherSuite> suite;
  std::string suite_key;
  if (auto text = args->value("--suite")) {
    std::optional<std::vector<CipherSuite>> parsed = parse_suites(*text, error);
    if (!parsed) {
      return usage_error("demo", error);
    }
    if (parsed->size() != 1) {
      return usage_error("demo", "--suite takes one cipher suite");
    }
    suite = parsed->front();
    const std::string_view iana = name(*suite);
    // TLS 1.2 suite names say "TLS_<key exchange>_<authentication>_WITH_<protection>"; the
    // TLS 1.3 ones name no key exchange.
    const bool is_tls12 = iana.find("_WITH_") != std::string_view::npos;
    if (!is_tls12 && tls12) {
      return usage_error("demo", std::string(iana) + " is a TLS 1.3 suite, and --tls12 was given");
    }
    tls12 = tls12 || is_tls12;
    if (iana.find("_RSA_WITH_") != std::string_view::npos) {
      suite_key = "rsa";
    } else if (iana.find("_ECDSA_WITH_") != std::string_view::npos) {
      suite_key = "ecdsa";
    }
  }
  std::optional<NamedGroup> group;
  if (auto text = args->value("--group")) {
    std::optional<std::vector<NamedGroup>> parsed = parse_groups(*text, error);
    if (!parsed) {
      return usage_error("demo", error);
    }
    if (parsed->size() != 1) {
      return usage_error("demo", "--group takes one group");
    }
    group = parsed->front();
  }
  std::string key_type =
      args->value("--key-type").value_or(suite_key.empty() ? "ecdsa" : suite_key);
  if (!suite_key.empty() && key_type != suite_key &&
      !(suite_key == "ecdsa" && key_type == "ed25519")) {
    return usage_error("demo", std::string(name(*suite)) + " needs an " + suite_key +
                                   " server key, not --key-type " + key_type);
  }
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
  ClientConfig::Builder client_builder;
  // The client makes its key pairs through a provider that remembers their private keys.
  KnownKeys known_keys;
  RecordingGroups recording_groups;
  const crypto::CryptoProvider client_provider =
      recording_provider(provider, known_keys, recording_groups);
  client_builder.provider(&client_provider);
  if (tls12) {
    server_builder.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_2);
    client_builder.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_2);
  }
  if (suite) {
    // Named in both configurations, a CBC suite needs no allow_legacy_cbc_suites().
    server_builder.cipher_suites({*suite});
    client_builder.cipher_suites({*suite});
  }
  if (group) {
    // The client's one key share is in that group, so TLS 1.3 needs no HelloRetryRequest.
    server_builder.groups({*group});
    client_builder.groups({*group});
    client_builder.key_share_groups({*group});
  }
  const bool resume = args->has("--resume");
  if (resume) {
    // One ticket is enough for the second connection; it allows 0-RTT data in TLS 1.3.
    server_builder.session_tickets(1).early_data(16384);
    client_builder.early_data(true);
  }
  Result<std::shared_ptr<const ServerConfig>> server_config = server_builder.build();
  if (!server_config.ok()) {
    std::fprintf(stderr, "glasstls demo: server configuration: %s\n",
                 server_config.error().to_string().c_str());
    return 1;
  }
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
  std::thread server_thread(run_server, listener, *server_config, std::ref(server_report),
                            resume ? 2 : 1);

  int status = 0;
  if (resume) {
    // The first connection, not shown: it leaves a ticket in the client's session store.
    std::string failed = first_connection(*client_config, port);
    if (!failed.empty()) {
      std::fprintf(stderr, "glasstls demo: first connection: %s\n", failed.c_str());
      ::shutdown(listener, SHUT_RDWR);
      server_thread.join();
      ::close(listener);
      return 1;
    }
    std::fprintf(info,
                 "glasstls demo: a first connection left a session ticket; connecting "
                 "again with it\n");
    std::fflush(info);
  }
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
    // With a ticket that allows it, the line goes as 0-RTT data right behind the ClientHello.
    const auto line = as_bytes(kClientMessage, sizeof(kClientMessage) - 1);
    const bool sent_early =
        conn->early_data_room() >= line.size() && conn->write_early_data(line).ok();
    SocketStream stream(fd, std::move(*conn));
    Status hs = stream.handshake();
    if (!hs.ok()) {
      std::fprintf(stderr, "glasstls demo: client handshake failed: %s\n",
                   hs.error().to_string().c_str());
      status = 1;
    } else {
      const bool early_accepted =
          sent_early && stream.connection().early_data_status() == EarlyDataStatus::kAccepted;
      Status w = early_accepted ? Status(Ok{}) : stream.write_all(line);
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
      add_own_keys(recorder->events, known_keys, c.group());
      if (args->has("--json")) {
        std::fputs(render_json(recorder->events).c_str(), stdout);
        std::fputs("\n", stdout);
      } else if (!args->has("--summary")) {
        RenderOptions render;
        render.colour = ::isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr;
        render.show_secrets = true;
        render.redo = args->has("--redo");
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
      if (resume) {
        std::fprintf(info, "  resumed:        %s\n", c.resumed() ? "yes" : "no");
        if (c.early_data_status() != EarlyDataStatus::kNotOffered) {
          std::fprintf(info, "  early data:     %s\n", name(c.early_data_status()));
        }
      }
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
