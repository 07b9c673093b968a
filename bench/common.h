// common.h: shared fixtures of the glasstls benchmarks.
//
// Everything runs in memory: a glasstls pair passes each side's output() straight to the other
// side's receive(), and an OpenSSL pair talks through a BIO pair, so the figures measure the TLS
// stacks and not the kernel. Both stacks get the same certificate chain (leaf + CA), the same
// key, one X25519 key share, the same single cipher suite, SNI "localhost", and no session
// tickets.
//
// Benchmark names end in "/glasstls" or "/openssl" so that scripts/bench can pair them up.
#pragma once

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <time.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "glasstls/config.h"
#include "glasstls/connection.h"
#include "glasstls/crypto.h"
#include "glasstls/types.h"
#include "glasstls/x509.h"
#include "peer_common.h"
#include "pki/cert_builder.h"

namespace glasstls::bench {

// ---- Heap accounting (implemented in main.cc) ----
//
// Every OpenSSL allocation (CRYPTO_set_mem_functions, installed before OpenSSL allocates
// anything) and every C++ allocation (replaced global operator new/delete) is counted by its
// malloc_usable_size. glasstls's own libcrypto allocations go through the OpenSSL hooks, so a
// glasstls connection is counted in full. The counters are not thread-safe: the benchmarks run
// on one thread.

// heap_count turns the heap accounting on or off, its counters at 0 and its table empty either
// way. Off by default: only the memory rows count (HeapCounting), so that the other rows do not
// pay for the accounting. While it is on, only blocks allocated since count.
void heap_count(bool on);
// HeapCounting turns the accounting on for its scope.
class HeapCounting {
 public:
  HeapCounting() { heap_count(true); }
  ~HeapCounting() { heap_count(false); }
  HeapCounting(const HeapCounting&) = delete;
  HeapCounting& operator=(const HeapCounting&) = delete;
};
// heap_current is the number of heap bytes held right now.
int64_t heap_current();
// heap_peak is the highest heap_current() since the last heap_reset_peak().
int64_t heap_peak();
// heap_reset_peak sets the peak to the current value.
void heap_reset_peak();
// openssl_hooks_installed is false when CRYPTO_set_mem_functions was refused (OpenSSL had
// already allocated); OpenSSL's bytes are then not counted.
bool openssl_hooks_installed();

// HeapSide names the side of a pair that heap blocks are charged to.
enum class HeapSide : uint8_t { kNone = 0, kClient = 1, kServer = 2 };

// heap_set_side makes `side` the current side and returns the previous one. While per-side
// accounting is on, every block allocated while a side is current is charged to that side, and
// its free is charged back to it, whichever side (or none) is current then.
HeapSide heap_set_side(HeapSide side);
// heap_sides_begin zeroes the per-side figures and starts per-side accounting;
// heap_sides_end stops it. Blocks allocated before heap_sides_begin() are charged to no side.
void heap_sides_begin();
void heap_sides_end();
// heap_side_current is the number of live bytes charged to `side`; heap_side_peak its highest
// value since heap_sides_begin().
int64_t heap_side_current(HeapSide side);
int64_t heap_side_peak(HeapSide side);
// heap_side_allocs is the number of heap blocks allocated while `side` was current since
// heap_sides_begin() (operator new, and libcrypto's through its memory hooks).
int64_t heap_side_allocs(HeapSide side);

// HeapSideScope makes a side current for its lifetime.
class HeapSideScope {
 public:
  explicit HeapSideScope(HeapSide side) : previous_(heap_set_side(side)) {}
  ~HeapSideScope() { heap_set_side(previous_); }
  HeapSideScope(const HeapSideScope&) = delete;
  HeapSideScope& operator=(const HeapSideScope&) = delete;

 private:
  HeapSide previous_;
};

// on_side runs `f` as one of `side`'s calls: its CPU time goes to `timer` and, while per-side
// accounting is on, its heap blocks to `side`.
template <typename F>
auto on_side(SideTimer& timer, HeapSide side, F&& f) {
  HeapSideScope scope(side);
  return timer.time(std::forward<F>(f));
}

// ---- Keys and certificates ----

inline crypto::KeyType key_type(KeyKind k) {
  switch (k) {
    case KeyKind::kEcdsaP256: return crypto::KeyType::kEcdsaP256;
    case KeyKind::kRsa2048: return crypto::KeyType::kRsa;
    case KeyKind::kEd25519: return crypto::KeyType::kEd25519;
  }
  return crypto::KeyType::kEcdsaP256;
}

// Pki is a throwaway CA and leaf, in glasstls form and loaded into OpenSSL.
struct Pki {
  x509::TestPki test;
  std::array<uint8_t, 32> leaf_pin{};  // SHA-256 of the leaf's SubjectPublicKeyInfo.
  X509* leaf = nullptr;                // Owned for the life of the process.
  X509* ca = nullptr;
  EVP_PKEY* leaf_key = nullptr;
  // server_key is the leaf's key loaded as a user's server loads it, with PrivateKey::from_pem
  // (through the default provider: an Ed25519 key signs with libsodium when glasstls was built
  // with it).
  std::shared_ptr<const crypto::SigningKey> server_key;
};

inline X509* x509_from_der(const Bytes& der) {
  const uint8_t* p = der.data();
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (x == nullptr) {
    die("d2i_X509 failed");
  }
  return x;
}

// pki returns the PKI for `kind`, made on first use and kept until exit.
inline const Pki& pki(KeyKind kind) {
  static std::map<KeyKind, Pki> cache;
  auto it = cache.find(kind);
  if (it != cache.end()) {
    return it->second;
  }
  const auto& provider = crypto::openssl_provider();
  auto made = x509::make_test_pki(provider, key_type(kind), {"localhost"});
  if (!made.ok()) {
    die("make_test_pki: " + made.error().to_string());
  }
  Pki p;
  p.test = std::move(made).value();
  Bytes digest = provider.sha256->digest(p.test.leaf_key->public_key_spki());
  std::copy(digest.begin(), digest.end(), p.leaf_pin.begin());
  p.leaf = x509_from_der(p.test.leaf_cert);
  p.ca = x509_from_der(p.test.ca_cert);
  Secret pkcs8 = p.test.leaf_key->private_key_pkcs8();
  const uint8_t* kp = pkcs8.data();
  p.leaf_key = d2i_AutoPrivateKey(nullptr, &kp, static_cast<long>(pkcs8.size()));
  if (p.leaf_key == nullptr) {
    die("d2i_AutoPrivateKey failed");
  }
  auto loaded = PrivateKey::from_pem(
      std::string_view(reinterpret_cast<const char*>(pkcs8.data()), pkcs8.size()));
  if (!loaded.ok()) {
    die("PrivateKey::from_pem: " + loaded.error().to_string());
  }
  p.server_key = loaded->key();
  return cache.emplace(kind, std::move(p)).first->second;
}

// ---- Cipher suites ----

// Suite is the bulk cipher of a benchmark. kAes128CbcSha256 exists only in TLS 1.2.
enum class Suite : int {
  kAes128Gcm = 0,
  kAes256Gcm = 1,
  kChaCha20Poly1305 = 2,
  kAes128CbcSha256 = 3
};

inline const char* suite_name(Suite s) {
  switch (s) {
    case Suite::kAes128Gcm: return "aes128gcm";
    case Suite::kAes256Gcm: return "aes256gcm";
    case Suite::kChaCha20Poly1305: return "chacha20poly1305";
    case Suite::kAes128CbcSha256: return "aes128cbcsha256";
  }
  return "?";
}

inline CipherSuite glasstls_suite(Suite s) {
  switch (s) {
    case Suite::kAes128Gcm: return CipherSuite::TLS_AES_128_GCM_SHA256;
    case Suite::kAes256Gcm: return CipherSuite::TLS_AES_256_GCM_SHA384;
    case Suite::kChaCha20Poly1305: return CipherSuite::TLS_CHACHA20_POLY1305_SHA256;
    case Suite::kAes128CbcSha256: break;
  }
  return CipherSuite::TLS_AES_128_GCM_SHA256;
}

inline const char* openssl_suite(Suite s) {
  switch (s) {
    case Suite::kAes128Gcm: return "TLS_AES_128_GCM_SHA256";
    case Suite::kAes256Gcm: return "TLS_AES_256_GCM_SHA384";
    case Suite::kChaCha20Poly1305: return "TLS_CHACHA20_POLY1305_SHA256";
    case Suite::kAes128CbcSha256: break;
  }
  return "TLS_AES_128_GCM_SHA256";
}

inline const EVP_CIPHER* evp_cipher(Suite s) {
  switch (s) {
    case Suite::kAes128Gcm: return EVP_aes_128_gcm();
    case Suite::kAes256Gcm: return EVP_aes_256_gcm();
    case Suite::kChaCha20Poly1305: return EVP_chacha20_poly1305();
    case Suite::kAes128CbcSha256: return EVP_aes_128_cbc();
  }
  return EVP_aes_128_gcm();
}

// PairOptions are the variations of a benchmark pair beyond the key and the suite.
struct PairOptions {
  Proto proto = Proto::kTls13;
  // hrr: TLS 1.3 only, see glasstls_configs().
  bool hrr = false;
  // verify_chain: the client validates the chain to the throwaway CA, as a trust anchor, and
  // checks the name "localhost" (instead of trusting the leaf by pin or not at all).
  bool verify_chain = false;
  // resume: TLS 1.3 only. The server issues one ticket per handshake and the client resumes
  // with the ticket of the handshake before (psk_dhe_ke, X25519), as a returning client does.
  bool resume = false;
  // sodium: crypto floors only. The floor's X25519 and Ed25519 are libsodium's (the ones
  // glasstls takes by default when built with it, crypto::default_provider()) instead of EVP's.
  bool sodium = false;
};

// tls12_suite is the TLS 1.2 suite of `s` for a `kind` leaf (ECDHE-ECDSA or ECDHE-RSA), or
// DHE-RSA with `dhe`.
inline CipherSuite tls12_suite(KeyKind kind, Suite s, bool dhe) {
  const bool rsa = kind == KeyKind::kRsa2048;
  switch (s) {
    case Suite::kAes128Gcm:
      return dhe   ? CipherSuite::TLS_DHE_RSA_WITH_AES_128_GCM_SHA256
             : rsa ? CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
                   : CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256;
    case Suite::kAes256Gcm:
      return dhe   ? CipherSuite::TLS_DHE_RSA_WITH_AES_256_GCM_SHA384
             : rsa ? CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
                   : CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384;
    case Suite::kChaCha20Poly1305:
      return dhe   ? CipherSuite::TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256
             : rsa ? CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
                   : CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256;
    case Suite::kAes128CbcSha256:
      return dhe   ? CipherSuite::TLS_DHE_RSA_WITH_AES_128_CBC_SHA256
             : rsa ? CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256
                   : CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256;
  }
  return CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256;
}

// openssl_tls12_cipher is the OpenSSL cipher-list name of tls12_suite(kind, s, dhe).
inline const char* openssl_tls12_cipher(KeyKind kind, Suite s, bool dhe) {
  const bool rsa = kind == KeyKind::kRsa2048;
  switch (s) {
    case Suite::kAes128Gcm:
      return dhe ? "DHE-RSA-AES128-GCM-SHA256"
                 : (rsa ? "ECDHE-RSA-AES128-GCM-SHA256" : "ECDHE-ECDSA-AES128-GCM-SHA256");
    case Suite::kAes256Gcm:
      return dhe ? "DHE-RSA-AES256-GCM-SHA384"
                 : (rsa ? "ECDHE-RSA-AES256-GCM-SHA384" : "ECDHE-ECDSA-AES256-GCM-SHA384");
    case Suite::kChaCha20Poly1305:
      return dhe ? "DHE-RSA-CHACHA20-POLY1305"
                 : (rsa ? "ECDHE-RSA-CHACHA20-POLY1305" : "ECDHE-ECDSA-CHACHA20-POLY1305");
    case Suite::kAes128CbcSha256:
      return dhe ? "DHE-RSA-AES128-SHA256"
                 : (rsa ? "ECDHE-RSA-AES128-SHA256" : "ECDHE-ECDSA-AES128-SHA256");
  }
  return "ECDHE-ECDSA-AES128-GCM-SHA256";
}

// negotiated_suite is the IANA name of the suite `opts` and `s` make a pair negotiate, as
// name(CipherSuite) and SSL_CIPHER_standard_name spell it.
inline std::string negotiated_suite(KeyKind kind, Suite s, const PairOptions& opts) {
  CipherSuite c = opts.proto == Proto::kTls13
                      ? glasstls_suite(s)
                      : tls12_suite(kind, s, opts.proto == Proto::kTls12Dhe);
  return std::string(name(c));
}

// ffdhe2048_pkey is the ffdhe2048 group (RFC 7919) as OpenSSL DH parameters, made once.
inline EVP_PKEY* ffdhe2048_pkey() {
  static EVP_PKEY* pkey = [] {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "DH", nullptr);
    EVP_PKEY* p = nullptr;
    char group[] = "ffdhe2048";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
                           OSSL_PARAM_construct_end()};
    if (ctx == nullptr || EVP_PKEY_paramgen_init(ctx) != 1 ||
        EVP_PKEY_CTX_set_params(ctx, params) != 1 || EVP_PKEY_paramgen(ctx, &p) != 1) {
      die("ffdhe2048 parameters");
    }
    EVP_PKEY_CTX_free(ctx);
    return p;
  }();
  return pkey;
}

// ---- glasstls configurations ----

// Configs is a glasstls client and server configuration pair.
struct Configs {
  std::shared_ptr<const ClientConfig> client;
  std::shared_ptr<const ServerConfig> server;
};

// chain_verifier is a WebPKI verifier for the leaf of pki(kind): the throwaway CA is its only
// trust anchor, and the client's server name ("localhost") is matched against the leaf.
inline std::shared_ptr<const CertificateVerifier> chain_verifier(KeyKind kind) {
  static std::map<KeyKind, std::shared_ptr<const CertificateVerifier>> cache;
  auto it = cache.find(kind);
  if (it != cache.end()) {
    return it->second;
  }
  auto store = TrustStore::from_der({pki(kind).test.ca_cert});
  if (!store.ok()) {
    die("trust store: " + store.error().to_string());
  }
  auto v = webpki_verifier(std::move(store).value(), CertificatePurpose::kServerAuth);
  return cache.emplace(kind, std::move(v)).first->second;
}

// glasstls_configs makes configurations for `kind`, `suite` and `opts`. TLS 1.3: the client
// offers only that suite and only X25519 (one key share, as the OpenSSL client). TLS 1.2: both
// sides speak only TLS 1.2, the client offers only tls12_suite() and X25519 (ECDHE) or
// ffdhe2048 (DHE). The client trusts the leaf by a SHA-256 pin of its SubjectPublicKeyInfo, or
// with `verify_chain` validates the chain to the CA and checks the host name.
//
// With `hrr`, the client supports X25519 and P-256 but sends only an X25519 share, and the
// server accepts only P-256: every handshake goes through a HelloRetryRequest.
inline Configs glasstls_configs(KeyKind kind, Suite suite, const PairOptions& opts) {
  const Pki& p = pki(kind);
  const bool tls12 = opts.proto != Proto::kTls13;
  ClientConfig::Builder cb;
  ServerConfig::Builder sb;
  if (tls12) {
    const bool dhe = opts.proto == Proto::kTls12Dhe;
    cb.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_2);
    sb.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_2);
    cb.cipher_suites({tls12_suite(kind, suite, dhe)});
    // X25519 for the key exchange. P-256 is listed too because a TLS 1.2 server may use an
    // ECDSA certificate only on a curve the client lists (RFC 8422 section 5.1), which OpenSSL
    // enforces; the servers pick X25519, the client's first choice.
    if (dhe) {
      cb.groups({NamedGroup::ffdhe2048});
    } else {
      cb.groups({NamedGroup::x25519, NamedGroup::secp256r1});
    }
    if (suite == Suite::kAes128CbcSha256) {
      sb.allow_legacy_cbc_suites();
    }
  } else {
    cb.cipher_suites({glasstls_suite(suite)});
    if (opts.hrr) {
      cb.groups({NamedGroup::x25519, NamedGroup::secp256r1});
    } else {
      cb.groups({NamedGroup::x25519});
    }
    cb.key_share_groups({NamedGroup::x25519});
    if (opts.hrr) {
      sb.groups({NamedGroup::secp256r1});
    }
  }
  cb.verifier(opts.verify_chain ? chain_verifier(kind) : pin_sha256_verifier({p.leaf_pin}));
  if (opts.resume) {
    // One ticket per handshake; the client keeps it in its configuration's session store.
    sb.session_tickets(1);
  }
  auto client = cb.build();
  if (!client.ok()) {
    die("client config: " + client.error().to_string());
  }
  sb.add_certificate({p.test.leaf_cert, p.test.ca_cert}, PrivateKey(p.server_key));
  auto server = sb.build();
  if (!server.ok()) {
    die("server config: " + server.error().to_string());
  }
  return Configs{std::move(client).value(), std::move(server).value()};
}

inline Configs glasstls_configs(KeyKind kind, Suite suite, bool hrr = false) {
  PairOptions opts;
  opts.hrr = hrr;
  return glasstls_configs(kind, suite, opts);
}

// GlasstlsPair is one glasstls client and server. The connections are optional so that a
// benchmark can time their construction and destruction per side.
struct GlasstlsPair {
  std::optional<Connection> client;
  std::optional<Connection> server;
};

// pump passes `from`'s output to `to`; returns false if `to` failed. The span handed to
// receive() points into `from`'s buffer, which stays valid until consume_output(). The
// receive() call is charged to `to_timer` (if not null) and its heap blocks to `to_side`.
inline bool pump(Connection& from, Connection& to, SideTimer* to_timer,
                 HeapSide to_side = HeapSide::kNone) {
  auto out = from.output();
  if (out.empty()) {
    return true;
  }
  HeapSideScope scope(to_side);
  bool ok;
  if (to_timer != nullptr) {
    ok = to_timer->time([&] { return to.receive(out).ok(); });
  } else {
    ok = to.receive(out).ok();
  }
  from.consume_output(out.size());
  return ok;
}

// glasstls_handshake creates a pair and completes its handshake, charging each side's calls to
// its timer (either may be null) and their heap blocks to that side. Dies on failure.
inline GlasstlsPair glasstls_handshake(const Configs& cfg, SideTimer* client_timer,
                                       SideTimer* server_timer,
                                       std::shared_ptr<TraceObserver> observer = nullptr,
                                       TraceOptions trace_options = {}) {
  SideTimer unused_c, unused_s;
  SideTimer& ct = client_timer != nullptr ? *client_timer : unused_c;
  SideTimer& st = server_timer != nullptr ? *server_timer : unused_s;
  GlasstlsPair pair;
  on_side(ct, HeapSide::kClient, [&] {
    auto c = Connection::client(cfg.client, "localhost", observer, trace_options);
    if (!c.ok()) {
      die("Connection::client: " + c.error().to_string());
    }
    pair.client.emplace(std::move(c).value());
  });
  on_side(st, HeapSide::kServer, [&] {
    auto s = Connection::server(cfg.server);
    if (!s.ok()) {
      die("Connection::server: " + s.error().to_string());
    }
    if (observer) {
      s->set_trace(observer, trace_options);
    }
    pair.server.emplace(std::move(s).value());
  });
  for (int round = 0; round < 16; round++) {
    if (!pump(*pair.client, *pair.server, &st, HeapSide::kServer) ||
        !pump(*pair.server, *pair.client, &ct, HeapSide::kClient)) {
      break;
    }
    if (pair.client->output().empty() && pair.server->output().empty()) {
      break;
    }
  }
  if (pair.client->state() != ConnectionState::kEstablished ||
      pair.server->state() != ConnectionState::kEstablished) {
    const Error* e = pair.client->error() != nullptr ? pair.client->error() : pair.server->error();
    die(std::string("glasstls handshake failed: ") + (e != nullptr ? e->to_string() : "stalled"));
  }
  return pair;
}

// ---- OpenSSL contexts ----

// OpensslContexts is an SSL_CTX pair, made once per benchmark and reused by every connection.
struct OpensslContexts {
  SSL_CTX* client = nullptr;
  SSL_CTX* server = nullptr;
  OpensslContexts() = default;
  OpensslContexts(const OpensslContexts&) = delete;
  OpensslContexts& operator=(const OpensslContexts&) = delete;
  ~OpensslContexts() {
    SSL_CTX_free(client);
    SSL_CTX_free(server);
  }
};

// openssl_contexts makes contexts equivalent to glasstls_configs(): TLS 1.3 only, one suite,
// X25519 only (or TLS 1.2 only, tls12_suite(), X25519 for ECDHE or the ffdhe2048 parameters on
// the server for DHE; X25519 and P-256 for ECDHE, see glasstls_configs()), no session tickets or
// session cache, the same chain and key. The client does not verify the chain (SSL_VERIFY_NONE); it
// still checks the handshake signature with the leaf key. With `verify_chain`, it has
// SSL_VERIFY_PEER, the CA as its only trust anchor, and the host name "localhost" to check
// (X509_VERIFY_PARAM_set1_host). With `hrr`, as in glasstls_configs: the client lists X25519 then
// P-256 and (OpenSSL 3.0 to 3.4) sends a share for the first only; the server accepts only P-256.
inline std::unique_ptr<OpensslContexts> openssl_contexts(KeyKind kind, Suite suite,
                                                         const PairOptions& opts) {
  const Pki& p = pki(kind);
  const bool hrr = opts.hrr;
  const bool tls12 = opts.proto != Proto::kTls13;
  const bool dhe = opts.proto == Proto::kTls12Dhe;
  auto ctx = std::make_unique<OpensslContexts>();
  ctx->client = SSL_CTX_new(TLS_client_method());
  ctx->server = SSL_CTX_new(TLS_server_method());
  if (ctx->client == nullptr || ctx->server == nullptr) {
    die("SSL_CTX_new failed");
  }
  const int version = tls12 ? TLS1_2_VERSION : TLS1_3_VERSION;
  for (SSL_CTX* c : {ctx->client, ctx->server}) {
    if (SSL_CTX_set_min_proto_version(c, version) != 1 ||
        SSL_CTX_set_max_proto_version(c, version) != 1) {
      die("SSL_CTX version setup failed");
    }
    if (tls12) {
      if (SSL_CTX_set_cipher_list(c, openssl_tls12_cipher(kind, suite, dhe)) != 1 ||
          SSL_CTX_set1_groups_list(c, dhe ? "ffdhe2048" : "X25519:P-256") != 1) {
        die("SSL_CTX TLS 1.2 setup failed");
      }
    } else if (SSL_CTX_set_ciphersuites(c, openssl_suite(suite)) != 1 ||
               SSL_CTX_set1_groups_list(c, !hrr               ? "X25519"
                                           : c == ctx->client ? "X25519:P-256"
                                                              : "P-256") != 1) {
      die("SSL_CTX setup failed");
    }
    SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
  }
  if (dhe) {
    EVP_PKEY* dh = ffdhe2048_pkey();
    if (!EVP_PKEY_up_ref(dh) || SSL_CTX_set0_tmp_dh_pkey(ctx->server, dh) != 1) {
      die("SSL_CTX_set0_tmp_dh_pkey failed");
    }
  }
  if (opts.verify_chain) {
    X509_STORE* store = SSL_CTX_get_cert_store(ctx->client);
    if (X509_STORE_add_cert(store, p.ca) != 1 ||
        X509_VERIFY_PARAM_set1_host(SSL_CTX_get0_param(ctx->client), "localhost", 0) != 1) {
      die("OpenSSL trust store set-up failed");
    }
    SSL_CTX_set_verify(ctx->client, SSL_VERIFY_PEER, nullptr);
  } else {
    SSL_CTX_set_verify(ctx->client, SSL_VERIFY_NONE, nullptr);
  }
  if (opts.resume) {
    // One stateless ticket per handshake; the client takes it with SSL_get1_session.
    SSL_CTX_set_num_tickets(ctx->server, 1);
  } else {
    SSL_CTX_set_num_tickets(ctx->server, 0);
    SSL_CTX_set_options(ctx->server, SSL_OP_NO_TICKET);
  }
  if (SSL_CTX_use_certificate(ctx->server, p.leaf) != 1 ||
      SSL_CTX_add1_chain_cert(ctx->server, p.ca) != 1 ||
      SSL_CTX_use_PrivateKey(ctx->server, p.leaf_key) != 1 ||
      SSL_CTX_check_private_key(ctx->server) != 1) {
    die("SSL_CTX certificate setup failed");
  }
  return ctx;
}

inline std::unique_ptr<OpensslContexts> openssl_contexts(KeyKind kind, Suite suite,
                                                         bool hrr = false) {
  PairOptions opts;
  opts.hrr = hrr;
  return openssl_contexts(kind, suite, opts);
}

// server_hello_extensions returns the extension types of the last ServerHello an OpenSSL
// client received; install keep_server_hello as its message callback with a
// std::vector<uint8_t> as the argument first.
inline void keep_server_hello(int write_p, int /*version*/, int content_type, const void* buf,
                              size_t len, SSL* /*ssl*/, void* arg) {
  const auto* p = static_cast<const uint8_t*>(buf);
  if (write_p == 0 && content_type == SSL3_RT_HANDSHAKE && len > 0 &&
      p[0] == SSL3_MT_SERVER_HELLO) {
    static_cast<std::vector<uint8_t>*>(arg)->assign(p, p + len);
  }
}

inline std::vector<uint16_t> server_hello_extensions(const std::vector<uint8_t>& sh) {
  // type (1), length (3), version (2), random (32), session ID, suite (2), compression (1),
  // then the extensions block (RFC 5246 section 7.4.1.3).
  std::vector<uint16_t> out;
  size_t at = 4 + 2 + 32;
  if (sh.size() < at + 1) {
    return out;
  }
  at += 1 + sh[at] + 2 + 1 + 2;
  while (at + 4 <= sh.size()) {
    out.push_back(static_cast<uint16_t>(sh[at] << 8 | sh[at + 1]));
    at += 4 + static_cast<size_t>(sh[at + 2] << 8 | sh[at + 3]);
  }
  return out;
}

// OpensslPair is one OpenSSL client and server joined by a BIO pair.
struct OpensslPair {
  SSL* client = nullptr;
  SSL* server = nullptr;
  OpensslPair() = default;
  OpensslPair(OpensslPair&& o) noexcept : client(o.client), server(o.server) {
    o.client = nullptr;
    o.server = nullptr;
  }
  OpensslPair& operator=(OpensslPair&&) = delete;
  ~OpensslPair() {
    SSL_free(client);
    SSL_free(server);
  }
};

// openssl_handshake creates a pair and completes its handshake, charging each side's calls to
// its timer (either may be null) and their heap blocks to that side; the BIO pair, made
// between the sides' calls, is charged to neither. `bio_size` is the size of each BIO pair buffer
// (0: OpenSSL's default of 17 KiB). A `resume` session is offered by the client
// (SSL_set_session). Dies on failure.
inline OpensslPair openssl_handshake(const OpensslContexts& ctx, SideTimer* client_timer,
                                     SideTimer* server_timer, size_t bio_size = 0,
                                     SSL_SESSION* resume = nullptr) {
  SideTimer unused_c, unused_s;
  SideTimer& ct = client_timer != nullptr ? *client_timer : unused_c;
  SideTimer& st = server_timer != nullptr ? *server_timer : unused_s;
  OpensslPair pair;
  pair.client = on_side(ct, HeapSide::kClient, [&] { return SSL_new(ctx.client); });
  pair.server = on_side(st, HeapSide::kServer, [&] { return SSL_new(ctx.server); });
  if (pair.client == nullptr || pair.server == nullptr) {
    die("SSL_new failed");
  }
  BIO* client_bio = nullptr;
  BIO* server_bio = nullptr;
  if (BIO_new_bio_pair(&client_bio, bio_size, &server_bio, bio_size) != 1) {
    die("BIO_new_bio_pair failed");
  }
  on_side(ct, HeapSide::kClient, [&] {
    SSL_set_bio(pair.client, client_bio, client_bio);
    SSL_set_connect_state(pair.client);
    SSL_set_tlsext_host_name(pair.client, "localhost");
    if (resume != nullptr) {
      SSL_set_session(pair.client, resume);
    }
  });
  on_side(st, HeapSide::kServer, [&] {
    SSL_set_bio(pair.server, server_bio, server_bio);
    SSL_set_accept_state(pair.server);
  });
  bool client_done = false;
  bool server_done = false;
  for (int round = 0; round < 32 && !(client_done && server_done); round++) {
    if (!client_done) {
      int r = on_side(ct, HeapSide::kClient, [&] { return SSL_do_handshake(pair.client); });
      if (r == 1) {
        client_done = true;
      } else if (int e = SSL_get_error(pair.client, r);
                 e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
        die("OpenSSL client handshake failed: " + std::to_string(e));
      }
    }
    if (!server_done) {
      int r = on_side(st, HeapSide::kServer, [&] { return SSL_do_handshake(pair.server); });
      if (r == 1) {
        server_done = true;
      } else if (int e = SSL_get_error(pair.server, r);
                 e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
        die("OpenSSL server handshake failed: " + std::to_string(e));
      }
    }
  }
  if (!client_done || !server_done) {
    die("OpenSSL handshake stalled");
  }
  return pair;
}

}  // namespace glasstls::bench
