// wolfssl_bench.cc: wolfSSL as a third stack, with the set-up of the glasstls and OpenSSL
// benchmarks (built only when CMake found wolfssl.pc: GLASSTLS_BENCH_HAVE_WOLFSSL).
//
// handshake/<key>/wolfssl, handshake_hrr/<key>/wolfssl and throughput/aes128gcm/<size>/wolfssl
// mirror the glasstls/OpenSSL benchmarks of the same name. The two wolfSSL objects talk
// through a MemLink (peer_common.h) with wolfSSL_CTX_SetIORecv/SetIOSend callbacks. Same chain
// (leaf + CA as DER), same PKCS#8 key, TLS 1.3 only, TLS13-AES128-GCM-SHA256 only, one X25519
// key share, SNI localhost, no session tickets (wolfSSL_CTX_no_ticket_TLSv13) and no session
// cache. The client does not verify the chain (WOLFSSL_VERIFY_NONE); it still checks
// CertificateVerify.
//
// Debian's libwolfssl (5.5.4) has TLS 1.3, X25519, AES-GCM and RSA-PSS, but is built without
// AES-NI (WOLFSSL_AESNI) and without the assembly SP ECC/RSA code (WOLFSSL_HAVE_SP_*): its
// figures are those of that build, not of an optimised wolfSSL.

#ifdef GLASSTLS_BENCH_HAVE_WOLFSSL

#include <benchmark/benchmark.h>
// clang-format off
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
// clang-format on

#include <cstring>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "peer_common.h"

namespace glasstls::bench {
namespace {

constexpr double kHandshakeMinTime = 0.2;
constexpr double kThroughputMinTime = 0.1;

int wolf_recv(WOLFSSL* /*ssl*/, char* buf, int sz, void* ctx) {
  size_t n =
      static_cast<MemPipe*>(ctx)->read(reinterpret_cast<uint8_t*>(buf), static_cast<size_t>(sz));
  return n == 0 ? WOLFSSL_CBIO_ERR_WANT_READ : static_cast<int>(n);
}

int wolf_send(WOLFSSL* /*ssl*/, char* buf, int sz, void* ctx) {
  static_cast<MemPipe*>(ctx)->write(reinterpret_cast<const uint8_t*>(buf), static_cast<size_t>(sz));
  return sz;
}

// WolfContexts is a WOLFSSL_CTX pair made once per benchmark.
struct WolfContexts {
  WOLFSSL_CTX* client = nullptr;
  WOLFSSL_CTX* server = nullptr;
  bool hrr = false;
  Proto proto = Proto::kTls13;
  WolfContexts() = default;
  WolfContexts(const WolfContexts&) = delete;
  WolfContexts& operator=(const WolfContexts&) = delete;
  ~WolfContexts() {
    wolfSSL_CTX_free(client);
    wolfSSL_CTX_free(server);
  }
};

// wolf_cipher is the cipher list of one benchmark: the TLS 1.3 suite, or the TLS 1.2 suite of
// `proto` for a `kind` leaf.
const char* wolf_cipher(KeyKind kind, Proto proto) {
  switch (proto) {
    case Proto::kTls13: return "TLS13-AES128-GCM-SHA256";
    case Proto::kTls12Ecdhe:
      return kind == KeyKind::kRsa2048 ? "ECDHE-RSA-AES128-GCM-SHA256"
                                       : "ECDHE-ECDSA-AES128-GCM-SHA256";
    case Proto::kTls12Dhe: return "DHE-RSA-AES128-GCM-SHA256";
  }
  return "";
}

std::unique_ptr<WolfContexts> wolf_contexts(KeyKind kind, bool hrr, Proto proto = Proto::kTls13) {
  static const bool initialised = wolfSSL_Init() == WOLFSSL_SUCCESS;
  if (!initialised) {
    die("wolfSSL_Init failed");
  }
  const PeerPki& p = peer_pki(kind);
  auto ctx = std::make_unique<WolfContexts>();
  ctx->hrr = hrr;
  ctx->proto = proto;
  const bool tls12 = proto != Proto::kTls13;
  ctx->client = wolfSSL_CTX_new(tls12 ? wolfTLSv1_2_client_method() : wolfTLSv1_3_client_method());
  ctx->server = wolfSSL_CTX_new(tls12 ? wolfTLSv1_2_server_method() : wolfTLSv1_3_server_method());
  if (ctx->client == nullptr || ctx->server == nullptr) {
    die("wolfSSL_CTX_new failed");
  }
  int x25519_only[] = {WOLFSSL_ECC_X25519};
  int client_hrr[] = {WOLFSSL_ECC_X25519, WOLFSSL_ECC_SECP256R1};
  int p256_only[] = {WOLFSSL_ECC_SECP256R1};
  for (WOLFSSL_CTX* c : {ctx->client, ctx->server}) {
    wolfSSL_CTX_SetIORecv(c, wolf_recv);
    wolfSSL_CTX_SetIOSend(c, wolf_send);
    wolfSSL_CTX_set_session_cache_mode(c, WOLFSSL_SESS_CACHE_OFF);
    int* groups = !hrr ? x25519_only : (c == ctx->client ? client_hrr : p256_only);
    int count = !hrr || c != ctx->client ? 1 : 2;
    if (wolfSSL_CTX_set_cipher_list(c, wolf_cipher(kind, proto)) != WOLFSSL_SUCCESS) {
      die("wolfSSL cipher set-up failed");
    }
    if (tls12) {
      // TLS 1.2: the supported_groups extension lists X25519 and P-256 (ECDHE) or ffdhe2048
      // (DHE).
      const bool dhe = proto == Proto::kTls12Dhe;
      if (wolfSSL_CTX_UseSupportedCurve(c, dhe ? WOLFSSL_FFDHE_2048 : WOLFSSL_ECC_X25519) !=
              WOLFSSL_SUCCESS ||
          (!dhe && wolfSSL_CTX_UseSupportedCurve(c, WOLFSSL_ECC_SECP256R1) != WOLFSSL_SUCCESS)) {
        die("wolfSSL supported groups set-up failed");
      }
    } else if (wolfSSL_CTX_set_groups(c, groups, count) != WOLFSSL_SUCCESS) {
      die("wolfSSL context set-up failed");
    }
  }
  if (proto == Proto::kTls12Dhe) {
    const PeerDhParams& dh = peer_ffdhe2048();
    if (wolfSSL_CTX_SetTmpDH(ctx->server, dh.p.data(), static_cast<int>(dh.p.size()), dh.g.data(),
                             static_cast<int>(dh.g.size())) != WOLFSSL_SUCCESS) {
      die("wolfSSL_CTX_SetTmpDH failed");
    }
  }
  wolfSSL_CTX_set_verify(ctx->client, WOLFSSL_VERIFY_NONE, nullptr);
  if (wolfSSL_CTX_UseSNI(ctx->client, WOLFSSL_SNI_HOST_NAME, "localhost", 9) != WOLFSSL_SUCCESS) {
    die("wolfSSL_CTX_UseSNI failed");
  }
  wolfSSL_CTX_no_ticket_TLSv13(ctx->server);
  std::vector<uint8_t> chain = p.leaf_der;
  chain.insert(chain.end(), p.ca_der.begin(), p.ca_der.end());
  const std::vector<uint8_t>& pkcs8 = p.key_pkcs8_der;
  if (wolfSSL_CTX_use_certificate_chain_buffer_format(ctx->server, chain.data(),
                                                      static_cast<long>(chain.size()),
                                                      WOLFSSL_FILETYPE_ASN1) != WOLFSSL_SUCCESS ||
      wolfSSL_CTX_use_PrivateKey_buffer(ctx->server, pkcs8.data(), static_cast<long>(pkcs8.size()),
                                        WOLFSSL_FILETYPE_ASN1) != WOLFSSL_SUCCESS) {
    die("wolfSSL certificate/key set-up failed");
  }
  return ctx;
}

// WolfPair is one wolfSSL client and server over a MemLink.
struct WolfPair {
  std::unique_ptr<MemLink> link = std::make_unique<MemLink>();
  WOLFSSL* client = nullptr;
  WOLFSSL* server = nullptr;
  WolfPair() = default;
  WolfPair(WolfPair&&) = default;
  ~WolfPair() {
    wolfSSL_free(client);
    wolfSSL_free(server);
  }
};

// step runs one handshake call; returns true when done, dies on a real error.
bool step(WOLFSSL* ssl, bool is_client) {
  int r = is_client ? wolfSSL_connect(ssl) : wolfSSL_accept(ssl);
  if (r == WOLFSSL_SUCCESS) {
    return true;
  }
  int e = wolfSSL_get_error(ssl, r);
  if (e != WOLFSSL_ERROR_WANT_READ && e != WOLFSSL_ERROR_WANT_WRITE) {
    char msg[WOLFSSL_MAX_ERROR_SZ];
    die(std::string("wolfSSL handshake failed: ") + wolfSSL_ERR_error_string(e, msg));
  }
  return false;
}

WolfPair wolf_handshake(const WolfContexts& ctx, SideTimer* client_timer, SideTimer* server_timer) {
  SideTimer unused_c, unused_s;
  SideTimer& ct = client_timer != nullptr ? *client_timer : unused_c;
  SideTimer& st = server_timer != nullptr ? *server_timer : unused_s;
  WolfPair pair;
  MemLink* link = pair.link.get();
  ct.time([&] {
    pair.client = wolfSSL_new(ctx.client);
    if (pair.client != nullptr) {
      wolfSSL_SetIOReadCtx(pair.client, &link->server_to_client);
      wolfSSL_SetIOWriteCtx(pair.client, &link->client_to_server);
      // Exactly one key share, X25519, also when P-256 is supported (hrr).
      if (ctx.proto == Proto::kTls13) {
        wolfSSL_UseKeyShare(pair.client, WOLFSSL_ECC_X25519);
      }
    }
  });
  st.time([&] {
    pair.server = wolfSSL_new(ctx.server);
    if (pair.server != nullptr) {
      wolfSSL_SetIOReadCtx(pair.server, &link->client_to_server);
      wolfSSL_SetIOWriteCtx(pair.server, &link->server_to_client);
    }
  });
  if (pair.client == nullptr || pair.server == nullptr) {
    die("wolfSSL_new failed");
  }
  bool client_done = false;
  bool server_done = false;
  for (int round = 0; round < 32 && !(client_done && server_done); round++) {
    if (!client_done) {
      client_done = ct.time([&] { return step(pair.client, true); });
    }
    if (!server_done) {
      server_done = st.time([&] { return step(pair.server, false); });
    }
  }
  if (!client_done || !server_done) {
    die("wolfSSL handshake stalled");
  }
  if (link->server_to_client.saw_hrr != ctx.hrr) {
    die(ctx.hrr ? "wolfSSL: expected a HelloRetryRequest" : "wolfSSL: unexpected HRR");
  }
  if (std::strcmp(wolfSSL_get_version(pair.client),
                  ctx.proto == Proto::kTls13 ? "TLSv1.3" : "TLSv1.2") != 0) {
    die("wolfSSL: not the protocol version asked for");
  }
  return pair;
}

void handshake_wolfssl(benchmark::State& state, KeyKind kind, bool hrr, Proto proto) {
  auto ctx = wolf_contexts(kind, hrr, proto);
  {
    // Warm up, and check the set-up and the suite.
    WolfPair pair = wolf_handshake(*ctx, nullptr, nullptr);
    if (std::strcmp(wolfSSL_get_cipher_name(pair.client), wolf_cipher(kind, proto)) != 0) {
      state.SkipWithError("wrong suite negotiated");
      return;
    }
  }
  SideTimer client_timer, server_timer;
  for (auto _ : state) {
    WolfPair pair = wolf_handshake(*ctx, &client_timer, &server_timer);
    client_timer.time([&] {
      wolfSSL_free(pair.client);
      pair.client = nullptr;
    });
    server_timer.time([&] {
      wolfSSL_free(pair.server);
      pair.server = nullptr;
    });
  }
  double n = static_cast<double>(state.iterations());
  state.counters["handshakes_per_s"] = benchmark::Counter(n, benchmark::Counter::kIsRate);
  state.counters["client_us"] = client_timer.microseconds() / n;
  state.counters["server_us"] = server_timer.microseconds() / n;
}

void throughput_wolfssl(benchmark::State& state, size_t size) {
  auto ctx = wolf_contexts(KeyKind::kEcdsaP256, false);
  WolfPair pair = wolf_handshake(*ctx, nullptr, nullptr);
  if (std::strcmp(wolfSSL_get_cipher_name(pair.client), "TLS13-AES128-GCM-SHA256") != 0) {
    state.SkipWithError("wrong suite negotiated");
    return;
  }
  std::vector<uint8_t> data(size, 0x61);
  std::vector<uint8_t> sink(size);
  for (auto _ : state) {
    if (wolfSSL_write(pair.client, data.data(), static_cast<int>(size)) != static_cast<int>(size)) {
      state.SkipWithError("wolfSSL_write failed");
      break;
    }
    size_t got = 0;
    while (got < size) {
      int n = wolfSSL_read(pair.server, sink.data() + got, static_cast<int>(size - got));
      if (n <= 0) {
        break;
      }
      got += static_cast<size_t>(n);
    }
    if (got != size) {
      state.SkipWithError("wolfSSL_read came up short");
      break;
    }
  }
  if (sink != data) {
    state.SkipWithError("wolfSSL delivered the wrong bytes");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}

const bool kRegistered = [] {
  benchmark::AddCustomContext("wolfssl_version", wolfSSL_lib_version());
  for (KeyKind kind : {KeyKind::kEcdsaP256, KeyKind::kRsa2048}) {
    std::string key = key_name(kind);
    benchmark::RegisterBenchmark(("handshake/" + key + "/wolfssl").c_str(), handshake_wolfssl, kind,
                                 false, Proto::kTls13)
        ->MinTime(kHandshakeMinTime)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("handshake_hrr/" + key + "/wolfssl").c_str(), handshake_wolfssl,
                                 kind, true, Proto::kTls13)
        ->MinTime(kHandshakeMinTime)
        ->Unit(benchmark::kMicrosecond);
  }
  // TLS 1.2, named as in handshake_bench.cc.
  for (auto [name, kind, proto] :
       {std::tuple{"ecdhe_ecdsa_p256", KeyKind::kEcdsaP256, Proto::kTls12Ecdhe},
        std::tuple{"ecdhe_rsa2048", KeyKind::kRsa2048, Proto::kTls12Ecdhe},
        std::tuple{"dhe_rsa2048", KeyKind::kRsa2048, Proto::kTls12Dhe}}) {
    benchmark::RegisterBenchmark((std::string("handshake12/") + name + "/wolfssl").c_str(),
                                 handshake_wolfssl, kind, false, proto)
        ->MinTime(kHandshakeMinTime)
        ->Unit(benchmark::kMicrosecond);
  }
  for (size_t size : {size_t{16384}, size_t{1024}}) {
    benchmark::RegisterBenchmark(
        ("throughput/aes128gcm/" + std::to_string(size) + "/wolfssl").c_str(), throughput_wolfssl,
        size)
        ->MinTime(kThroughputMinTime);
  }
  return true;
}();

}  // namespace
}  // namespace glasstls::bench

#endif  // GLASSTLS_BENCH_HAVE_WOLFSSL
