// gnutls_bench.cc: GnuTLS as a third stack, with the set-up of the glasstls and OpenSSL
// benchmarks (built only when CMake found gnutls.pc: GLASSTLS_BENCH_HAVE_GNUTLS).
//
// handshake/<key>/gnutls and throughput/aes128gcm/<size>/gnutls mirror the glasstls/OpenSSL
// benchmarks of the same name. The two sessions talk through a MemLink (peer_common.h) with
// gnutls_transport_set_push_function/pull_function. Same chain (leaf + CA, imported from DER),
// same key (imported from the unencrypted PKCS#8 DER), priority string
// NONE:+VERS-TLS1.3:+AES-128-GCM:+AEAD:+SIGN-ALL:+GROUP-X25519:+COMP-NULL:+CTYPE-X509, SNI
// localhost, no session tickets (GNUTLS_NO_TICKETS on both sides). The client does not verify
// the chain (no gnutls_session_set_verify_cert, no trust store); it still checks
// CertificateVerify with the leaf key.
//
// No handshake_hrr/<key>/gnutls: a GnuTLS client listing X25519 and P-256 sends a key share for
// both (GnuTLS sends one per kind of group, and offers no call to choose the shares), so a server
// accepting only P-256 never needs a HelloRetryRequest. gnutls_contexts(kind, true) keeps that
// configuration, and handshake_gnutls checks for the HRR, should a later GnuTLS differ.

#ifdef GLASSTLS_BENCH_HAVE_GNUTLS

#include <benchmark/benchmark.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "peer_common.h"

namespace glasstls::bench {
namespace {

constexpr double kHandshakeMinTime = 0.2;
constexpr double kThroughputMinTime = 0.1;

constexpr const char* kPriority =
    "NONE:+VERS-TLS1.3:+AES-128-GCM:+AEAD:+SIGN-ALL:+GROUP-X25519:+COMP-NULL:+CTYPE-X509";
constexpr const char* kPriorityHrrClient =
    "NONE:+VERS-TLS1.3:+AES-128-GCM:+AEAD:+SIGN-ALL:+GROUP-X25519:+GROUP-SECP256R1:+COMP-NULL:"
    "+CTYPE-X509";
constexpr const char* kPriorityHrrServer =
    "NONE:+VERS-TLS1.3:+AES-128-GCM:+AEAD:+SIGN-ALL:+GROUP-SECP256R1:+COMP-NULL:+CTYPE-X509";
// TLS 1.2: ECDHE over X25519 (ECDHE-ECDSA or ECDHE-RSA, by the server's key; P-256 listed
// second, for the ECDSA certificate's curve), or DHE-RSA over ffdhe2048 (RFC 7919: the client
// offers the group, the server uses it).
constexpr const char* kPriority12Ecdhe =
    "NONE:+VERS-TLS1.2:+AES-128-GCM:+AEAD:+ECDHE-ECDSA:+ECDHE-RSA:+SIGN-ALL:+GROUP-X25519:"
    "+GROUP-SECP256R1:+COMP-NULL:+CTYPE-X509";
constexpr const char* kPriority12Dhe =
    "NONE:+VERS-TLS1.2:+AES-128-GCM:+AEAD:+DHE-RSA:+SIGN-ALL:+GROUP-FFDHE2048:+COMP-NULL:"
    "+CTYPE-X509";

// Transport: the session's pointer is its MemLink; each side knows its own direction.
struct Endpoint {
  MemPipe* in = nullptr;
  MemPipe* out = nullptr;
  gnutls_session_t session = nullptr;
};

ssize_t gnutls_push(gnutls_transport_ptr_t ptr, const void* data, size_t len) {
  static_cast<Endpoint*>(ptr)->out->write(static_cast<const uint8_t*>(data), len);
  return static_cast<ssize_t>(len);
}

ssize_t gnutls_pull(gnutls_transport_ptr_t ptr, void* data, size_t len) {
  auto* e = static_cast<Endpoint*>(ptr);
  size_t n = e->in->read(static_cast<uint8_t*>(data), len);
  if (n == 0) {
    gnutls_transport_set_errno(e->session, EAGAIN);
    return -1;
  }
  return static_cast<ssize_t>(n);
}

void check(int r, const char* what) {
  if (r < 0) {
    die(std::string(what) + ": " + gnutls_strerror(r));
  }
}

// GnutlsContexts holds the credentials and priority cache, made once per benchmark.
struct GnutlsContexts {
  gnutls_certificate_credentials_t client_cred = nullptr;
  gnutls_certificate_credentials_t server_cred = nullptr;
  gnutls_priority_t client_priority = nullptr;
  gnutls_priority_t server_priority = nullptr;
  bool hrr = false;
  Proto proto = Proto::kTls13;
  GnutlsContexts() = default;
  GnutlsContexts(const GnutlsContexts&) = delete;
  GnutlsContexts& operator=(const GnutlsContexts&) = delete;
  ~GnutlsContexts() {
    gnutls_certificate_free_credentials(client_cred);
    gnutls_certificate_free_credentials(server_cred);
    gnutls_priority_deinit(client_priority);
    gnutls_priority_deinit(server_priority);
  }
};

std::unique_ptr<GnutlsContexts> gnutls_contexts(KeyKind kind, bool hrr,
                                                Proto proto = Proto::kTls13) {
  const PeerPki& p = peer_pki(kind);
  auto ctx = std::make_unique<GnutlsContexts>();
  check(gnutls_certificate_allocate_credentials(&ctx->client_cred), "client credentials");
  check(gnutls_certificate_allocate_credentials(&ctx->server_cred), "server credentials");
  ctx->hrr = hrr;
  ctx->proto = proto;
  const char* client_priority = proto == Proto::kTls12Ecdhe ? kPriority12Ecdhe
                                : proto == Proto::kTls12Dhe ? kPriority12Dhe
                                : hrr                       ? kPriorityHrrClient
                                                            : kPriority;
  const char* server_priority =
      proto == Proto::kTls13 && hrr ? kPriorityHrrServer : client_priority;
  check(gnutls_priority_init(&ctx->client_priority, client_priority, nullptr),
        "gnutls_priority_init");
  check(gnutls_priority_init(&ctx->server_priority, server_priority, nullptr),
        "gnutls_priority_init");

  gnutls_x509_crt_t chain[2] = {nullptr, nullptr};
  const std::vector<uint8_t>* der[2] = {&p.leaf_der, &p.ca_der};
  for (int i = 0; i < 2; i++) {
    gnutls_datum_t d{const_cast<unsigned char*>(der[i]->data()),
                     static_cast<unsigned int>(der[i]->size())};
    check(gnutls_x509_crt_init(&chain[i]), "gnutls_x509_crt_init");
    check(gnutls_x509_crt_import(chain[i], &d, GNUTLS_X509_FMT_DER), "gnutls_x509_crt_import");
  }
  gnutls_x509_privkey_t key = nullptr;
  gnutls_datum_t kd{const_cast<unsigned char*>(p.key_pkcs8_der.data()),
                    static_cast<unsigned int>(p.key_pkcs8_der.size())};
  check(gnutls_x509_privkey_init(&key), "gnutls_x509_privkey_init");
  check(gnutls_x509_privkey_import_pkcs8(key, &kd, GNUTLS_X509_FMT_DER, nullptr, GNUTLS_PKCS_PLAIN),
        "gnutls_x509_privkey_import_pkcs8");
  // Copies the certificates and the key.
  check(gnutls_certificate_set_x509_key(ctx->server_cred, chain, 2, key),
        "gnutls_certificate_set_x509_key");
  gnutls_x509_privkey_deinit(key);
  gnutls_x509_crt_deinit(chain[0]);
  gnutls_x509_crt_deinit(chain[1]);
  return ctx;
}

// GnutlsPair is one client and server session over a MemLink.
struct GnutlsPair {
  std::unique_ptr<MemLink> link = std::make_unique<MemLink>();
  std::unique_ptr<Endpoint> client = std::make_unique<Endpoint>();
  std::unique_ptr<Endpoint> server = std::make_unique<Endpoint>();
  GnutlsPair() = default;
  GnutlsPair(GnutlsPair&&) = default;
  ~GnutlsPair() {
    if (client && client->session != nullptr) {
      gnutls_deinit(client->session);
    }
    if (server && server->session != nullptr) {
      gnutls_deinit(server->session);
    }
  }
};

gnutls_session_t new_session(const GnutlsContexts& ctx, Endpoint* e, bool is_client) {
  gnutls_session_t s = nullptr;
  check(gnutls_init(
            &s, (is_client ? GNUTLS_CLIENT : GNUTLS_SERVER) | GNUTLS_NO_TICKETS | GNUTLS_NONBLOCK),
        "gnutls_init");
  e->session = s;
  check(gnutls_priority_set(s, is_client ? ctx.client_priority : ctx.server_priority),
        "gnutls_priority_set");
  check(gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE,
                               is_client ? ctx.client_cred : ctx.server_cred),
        "gnutls_credentials_set");
  if (is_client) {
    check(gnutls_server_name_set(s, GNUTLS_NAME_DNS, "localhost", 9), "gnutls_server_name_set");
  }
  gnutls_transport_set_ptr(s, e);
  gnutls_transport_set_push_function(s, gnutls_push);
  gnutls_transport_set_pull_function(s, gnutls_pull);
  gnutls_handshake_set_timeout(s, 0);
  return s;
}

// step runs one gnutls_handshake; returns true when done, dies on a real error.
bool step(gnutls_session_t s) {
  int r = gnutls_handshake(s);
  if (r == GNUTLS_E_SUCCESS) {
    return true;
  }
  if (r != GNUTLS_E_AGAIN && r != GNUTLS_E_INTERRUPTED) {
    check(r, "gnutls_handshake");
  }
  return false;
}

GnutlsPair gnutls_pair_handshake(const GnutlsContexts& ctx, SideTimer* client_timer,
                                 SideTimer* server_timer) {
  SideTimer unused_c, unused_s;
  SideTimer& ct = client_timer != nullptr ? *client_timer : unused_c;
  SideTimer& st = server_timer != nullptr ? *server_timer : unused_s;
  GnutlsPair pair;
  pair.client->in = &pair.link->server_to_client;
  pair.client->out = &pair.link->client_to_server;
  pair.server->in = &pair.link->client_to_server;
  pair.server->out = &pair.link->server_to_client;
  ct.time([&] { new_session(ctx, pair.client.get(), true); });
  st.time([&] { new_session(ctx, pair.server.get(), false); });
  bool client_done = false;
  bool server_done = false;
  for (int round = 0; round < 32 && !(client_done && server_done); round++) {
    if (!client_done) {
      client_done = ct.time([&] { return step(pair.client->session); });
    }
    if (!server_done) {
      server_done = st.time([&] { return step(pair.server->session); });
    }
  }
  if (!client_done || !server_done) {
    die("GnuTLS handshake stalled");
  }
  if (gnutls_protocol_get_version(pair.client->session) !=
      (ctx.proto == Proto::kTls13 ? GNUTLS_TLS1_3 : GNUTLS_TLS1_2)) {
    die("GnuTLS: not the protocol version asked for");
  }
  const gnutls_kx_algorithm_t kx = gnutls_kx_get(pair.client->session);
  if ((ctx.proto == Proto::kTls12Dhe && kx != GNUTLS_KX_DHE_RSA) ||
      (ctx.proto == Proto::kTls12Ecdhe && kx != GNUTLS_KX_ECDHE_RSA &&
       kx != GNUTLS_KX_ECDHE_ECDSA)) {
    die("GnuTLS: not the key exchange asked for");
  }
  return pair;
}

void handshake_gnutls(benchmark::State& state, KeyKind kind, bool hrr, Proto proto) {
  auto ctx = gnutls_contexts(kind, hrr, proto);
  // Warm up, and check that a HelloRetryRequest happens exactly when asked for.
  if (gnutls_pair_handshake(*ctx, nullptr, nullptr).link->server_to_client.saw_hrr != hrr) {
    state.SkipWithError(hrr ? "GnuTLS sent no HelloRetryRequest" : "unexpected HRR");
    return;
  }
  SideTimer client_timer, server_timer;
  for (auto _ : state) {
    GnutlsPair pair = gnutls_pair_handshake(*ctx, &client_timer, &server_timer);
    client_timer.time([&] {
      gnutls_deinit(pair.client->session);
      pair.client->session = nullptr;
    });
    server_timer.time([&] {
      gnutls_deinit(pair.server->session);
      pair.server->session = nullptr;
    });
  }
  double n = static_cast<double>(state.iterations());
  state.counters["handshakes_per_s"] = benchmark::Counter(n, benchmark::Counter::kIsRate);
  state.counters["client_us"] = client_timer.microseconds() / n;
  state.counters["server_us"] = server_timer.microseconds() / n;
}

void throughput_gnutls(benchmark::State& state, size_t size) {
  auto ctx = gnutls_contexts(KeyKind::kEcdsaP256, false);
  GnutlsPair pair = gnutls_pair_handshake(*ctx, nullptr, nullptr);
  if (gnutls_cipher_get(pair.client->session) != GNUTLS_CIPHER_AES_128_GCM) {
    state.SkipWithError("wrong suite negotiated");
    return;
  }
  gnutls_session_t client = pair.client->session;
  gnutls_session_t server = pair.server->session;
  std::vector<uint8_t> data(size, 0x61);
  std::vector<uint8_t> sink(size);
  for (auto _ : state) {
    size_t sent = 0;
    while (sent < size) {
      ssize_t n = gnutls_record_send(client, data.data() + sent, size - sent);
      if (n <= 0) {
        break;
      }
      sent += static_cast<size_t>(n);
    }
    if (sent != size) {
      state.SkipWithError("gnutls_record_send failed");
      break;
    }
    size_t got = 0;
    while (got < size) {
      ssize_t n = gnutls_record_recv(server, sink.data() + got, size - got);
      if (n <= 0) {
        break;
      }
      got += static_cast<size_t>(n);
    }
    if (got != size) {
      state.SkipWithError("gnutls_record_recv came up short");
      break;
    }
  }
  if (sink != data) {
    state.SkipWithError("GnuTLS delivered the wrong bytes");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}

const bool kRegistered = [] {
  benchmark::AddCustomContext("gnutls_version", gnutls_check_version(nullptr));
  for (KeyKind kind : {KeyKind::kEcdsaP256, KeyKind::kRsa2048}) {
    std::string key = key_name(kind);
    benchmark::RegisterBenchmark(("handshake/" + key + "/gnutls").c_str(), handshake_gnutls, kind,
                                 false, Proto::kTls13)
        ->MinTime(kHandshakeMinTime)
        ->Unit(benchmark::kMicrosecond);
    // handshake_hrr/<key>/gnutls is not registered: see the top of the file. (With `hrr` the
    // warm-up reports "GnuTLS sent no HelloRetryRequest", as measured with GnuTLS 3.7.9.)
  }
  // TLS 1.2, named as in handshake_bench.cc.
  for (auto [name, kind, proto] :
       {std::tuple{"ecdhe_ecdsa_p256", KeyKind::kEcdsaP256, Proto::kTls12Ecdhe},
        std::tuple{"ecdhe_rsa2048", KeyKind::kRsa2048, Proto::kTls12Ecdhe},
        std::tuple{"dhe_rsa2048", KeyKind::kRsa2048, Proto::kTls12Dhe}}) {
    benchmark::RegisterBenchmark((std::string("handshake12/") + name + "/gnutls").c_str(),
                                 handshake_gnutls, kind, false, proto)
        ->MinTime(kHandshakeMinTime)
        ->Unit(benchmark::kMicrosecond);
  }
  for (size_t size : {size_t{16384}, size_t{1024}}) {
    benchmark::RegisterBenchmark(
        ("throughput/aes128gcm/" + std::to_string(size) + "/gnutls").c_str(), throughput_gnutls,
        size)
        ->MinTime(kThroughputMinTime);
  }
  return true;
}();

}  // namespace
}  // namespace glasstls::bench

#endif  // GLASSTLS_BENCH_HAVE_GNUTLS
