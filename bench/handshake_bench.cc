// handshake_bench.cc: full TLS 1.3 handshakes, glasstls against OpenSSL libssl, and the
// "crypto floor" of one handshake.
//
// handshake/<key>/<stack>: one complete handshake of a fresh client and server per iteration
// (X25519, TLS_AES_128_GCM_SHA256, a leaf + CA chain with a <key> leaf), from creating the two
// connections to freeing them. Counters:
//   handshakes_per_s  full handshakes per second for the pair (CPU time of the one thread that
//                     runs both sides, so a busy machine does not skew the comparison);
//   client_us         microseconds per handshake spent inside the client's calls;
//   server_us         the same for the server.
// The per-side times are thread CPU time spans around each side's own calls (creation, every
// receive()/SSL_do_handshake(), destruction), so the in-memory transport is in neither.
//
// handshake_hrr/<key>/<stack>: the same, but the client supports X25519 and P-256 and sends only
// an X25519 share while the server accepts only P-256, so every handshake goes through a
// HelloRetryRequest (checked once before timing) and a second ClientHello with a P-256 share.
//
// handshake_chain/<key>/<stack>: the same as handshake/, the client validating the chain to
// the CA (its only trust anchor) and checking the host name: webpki_verifier for glasstls,
// SSL_VERIFY_PEER with X509_VERIFY_PARAM_set1_host for OpenSSL.
//
// resume/<key>/<stack>: a resumed TLS 1.3 handshake (psk_dhe_ke, X25519) per iteration: the
// server issues one ticket per handshake and the client offers the ticket of the handshake
// before (glasstls: its configuration's session store; OpenSSL: SSL_get1_session after reading
// the ticket, charged to the client, then SSL_set_session). Checked to resume before timing.
//
// handshake12/<kx>/<stack> and handshake12_chain/<kx>/<stack>: TLS 1.2 full handshakes with
// extended master secret: ecdhe_ecdsa_p256 (TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, X25519),
// ecdhe_rsa2048 (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, X25519) and dhe_rsa2048
// (TLS_DHE_RSA_WITH_AES_128_GCM_SHA256, ffdhe2048).
//
// crypto_floor/<key>/<side>: only the primitives one side of that handshake needs, straight
// through libcrypto's EVP API with every algorithm fetched and every context allocated once:
// X25519 key generation and derivation, the CertificateVerify signature (server) or its
// verification with the leaf key imported from its raw parameters (client), the ~22 HMAC-SHA-256 of
// the TLS 1.3 key schedule and Finished messages, the transcript hash with its snapshots, four
// AES-128-GCM key set-ups and the AEAD of the encrypted flight. "server spends N x the crypto
// floor" is handshake server_us divided by crypto_floor/<key>/server. crypto_floor_chain,
// crypto_floor12 and crypto_floor12_chain are the same for the chain-validating client and for
// TLS 1.2 (see Floor::run12). crypto_floor_sodium..., crypto_floor12_sodium...: the same with
// libsodium's X25519 and, for Ed25519 keys, libsodium's Ed25519 signing and verification
// (glasstls's defaults, crypto::default_provider()) instead of EVP's.
// crypto_floor12_pair/<kx> runs both sides' TLS 1.2 floors in turn on
// one thread, as a handshake row runs both sides, and times each (a cache-effect diagnostic).

#include <benchmark/benchmark.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#if GLASSTLS_BENCH_HAVE_SODIUM
#include <sodium.h>
#endif

#include <algorithm>
#include <array>
#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

#include "common.h"

namespace glasstls::bench {
namespace {

constexpr double kMinTime = 0.2;

// expected_version is the protocol version a pair made with `opts` negotiates.
ProtocolVersion expected_version(const PairOptions& opts) {
  return opts.proto == Proto::kTls13 ? ProtocolVersion::TLSv1_3 : ProtocolVersion::TLSv1_2;
}

void handshake_glasstls(benchmark::State& state, KeyKind kind, PairOptions opts) {
  Configs cfg = glasstls_configs(kind, Suite::kAes128Gcm, opts);
  // Warm up lazy initialisation, and check the version, the suite, and that a HelloRetryRequest
  // happens exactly when asked.
  {
    if (opts.resume) {
      glasstls_handshake(cfg, nullptr, nullptr);  // A full handshake: the first ticket.
    }
    GlasstlsPair pair = glasstls_handshake(cfg, nullptr, nullptr);
    if (pair.client->resumed() != opts.resume || pair.server->resumed() != opts.resume) {
      state.SkipWithError(opts.resume ? "not resumed" : "unexpectedly resumed");
      return;
    }
    const NamedGroup group = opts.hrr                         ? NamedGroup::secp256r1
                             : opts.proto == Proto::kTls12Dhe ? NamedGroup::ffdhe2048
                                                              : NamedGroup::x25519;
    if (pair.client->version() != expected_version(opts) ||
        std::string(name(pair.client->cipher_suite())) !=
            negotiated_suite(kind, Suite::kAes128Gcm, opts) ||
        pair.client->group() != group ||
        (opts.proto != Proto::kTls13 && !pair.client->extended_master_secret())) {
      state.SkipWithError("wrong version, suite or group negotiated, or no extended master secret");
      return;
    }
    if (pair.client->hello_retry_request() != opts.hrr) {
      state.SkipWithError(opts.hrr ? "no HelloRetryRequest" : "unexpected HelloRetryRequest");
      return;
    }
  }
  SideTimer client_timer, server_timer;
  for (auto _ : state) {
    GlasstlsPair pair = glasstls_handshake(cfg, &client_timer, &server_timer);
    client_timer.time([&] { pair.client.reset(); });
    server_timer.time([&] { pair.server.reset(); });
  }
  double n = static_cast<double>(state.iterations());
  state.counters["handshakes_per_s"] = benchmark::Counter(n, benchmark::Counter::kIsRate);
  state.counters["client_us"] = client_timer.microseconds() / n;
  state.counters["server_us"] = server_timer.microseconds() / n;
}

// CountingObserver receives every trace event and only counts it, so the traced benchmark
// measures the cost of producing the events (annotation, copies), not of printing them.
class CountingObserver final : public TraceObserver {
 public:
  void on_event(const TraceEvent&) override { events++; }
  uint64_t events = 0;
};

// handshake_glasstls_traced is handshake_glasstls with a trace observer on both sides
// (`secrets`: with key schedule steps). Compared with handshake_glasstls it shows what tracing
// costs when it is on; handshake_glasstls itself is the cost with no observer attached.
void handshake_glasstls_traced(benchmark::State& state, KeyKind kind, bool secrets) {
  Configs cfg = glasstls_configs(kind, Suite::kAes128Gcm);
  auto observer = std::make_shared<CountingObserver>();
  TraceOptions options;
  options.show_secrets = secrets;
  glasstls_handshake(cfg, nullptr, nullptr, observer, options);
  SideTimer client_timer, server_timer;
  for (auto _ : state) {
    GlasstlsPair pair = glasstls_handshake(cfg, &client_timer, &server_timer, observer, options);
    client_timer.time([&] { pair.client.reset(); });
    server_timer.time([&] { pair.server.reset(); });
  }
  double n = static_cast<double>(state.iterations());
  state.counters["handshakes_per_s"] = benchmark::Counter(n, benchmark::Counter::kIsRate);
  state.counters["client_us"] = client_timer.microseconds() / n;
  state.counters["server_us"] = server_timer.microseconds() / n;
  state.counters["events_per_handshake"] = static_cast<double>(observer->events) / (n + 1);
}

// count_server_hellos counts the ServerHello messages (HelloRetryRequest included, which has
// the same type) that a client receives; `arg` is an int counter.
void count_server_hellos(int write_p, int /*version*/, int content_type, const void* buf,
                         size_t len, SSL* /*ssl*/, void* arg) {
  if (write_p == 0 && content_type == SSL3_RT_HANDSHAKE && len > 0 &&
      static_cast<const uint8_t*>(buf)[0] == SSL3_MT_SERVER_HELLO) {
    ++*static_cast<int*>(arg);
  }
}

void handshake_openssl(benchmark::State& state, KeyKind kind, PairOptions opts) {
  const bool hrr = opts.hrr;
  auto ctx = openssl_contexts(kind, Suite::kAes128Gcm, opts);
  // Warm up lazy initialisation, and check the version, the suite, the chain validation, and
  // that a HelloRetryRequest happens exactly when asked: the client then receives two
  // ServerHello messages. The callback is removed afterwards.
  int server_hellos = 0;
  SSL_CTX_set_msg_callback(ctx->client, count_server_hellos);
  SSL_CTX_set_msg_callback_arg(ctx->client, &server_hellos);
  // With `resume`, each handshake offers the session of the one before, whose ticket the
  // client reads after the handshake (TLS 1.3 sends it after the server's Finished).
  SSL_SESSION* session = nullptr;
  auto keep_session = [&session](SSL* client) {
    uint8_t byte = 0;
    SSL_read(client, &byte, 1);  // Reads the NewSessionTicket; there is no application data.
    SSL_SESSION_free(session);
    session = SSL_get1_session(client);
    // SSL_free of a connection that was not shut down marks its session not resumable: the
    // pair is freed without close_notify here, as in every row, so say it was shut down.
    SSL_set_shutdown(client, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
  };
  if (opts.resume) {
    OpensslPair first = openssl_handshake(*ctx, nullptr, nullptr);
    keep_session(first.client);
    server_hellos = 0;
  }
  {
    OpensslPair pair = openssl_handshake(*ctx, nullptr, nullptr, 0, session);
    if ((SSL_session_reused(pair.client) == 1) != opts.resume) {
      state.SkipWithError(opts.resume ? "not resumed" : "unexpectedly resumed");
      SSL_SESSION_free(session);
      return;
    }
    if (opts.resume) {
      keep_session(pair.client);
    }
    const int version = opts.proto == Proto::kTls13 ? TLS1_3_VERSION : TLS1_2_VERSION;
    if (SSL_version(pair.client) != version ||
        std::string(SSL_CIPHER_standard_name(SSL_get_current_cipher(pair.client))) !=
            negotiated_suite(kind, Suite::kAes128Gcm, opts) ||
        (opts.proto == Proto::kTls12Ecdhe && SSL_get_negotiated_group(pair.client) != NID_X25519) ||
        (opts.proto != Proto::kTls13 && SSL_get_extms_support(pair.client) != 1)) {
      state.SkipWithError("wrong version, suite or group negotiated, or no extended master secret");
      return;
    }
    if (opts.verify_chain && SSL_get_verify_result(pair.client) != X509_V_OK) {
      state.SkipWithError("chain not verified");
      return;
    }
  }
  SSL_CTX_set_msg_callback(ctx->client, nullptr);
  SSL_CTX_set_msg_callback_arg(ctx->client, nullptr);
  if ((server_hellos == 2) != hrr) {
    state.SkipWithError(hrr ? "no HelloRetryRequest" : "unexpected HelloRetryRequest");
    return;
  }
  SideTimer client_timer, server_timer;
  for (auto _ : state) {
    OpensslPair pair = openssl_handshake(*ctx, &client_timer, &server_timer, 0, session);
    if (opts.resume) {
      client_timer.time([&] { keep_session(pair.client); });
    }
    client_timer.time([&] {
      SSL_free(pair.client);
      pair.client = nullptr;
    });
    server_timer.time([&] {
      SSL_free(pair.server);
      pair.server = nullptr;
    });
  }
  SSL_SESSION_free(session);
  double n = static_cast<double>(state.iterations());
  state.counters["handshakes_per_s"] = benchmark::Counter(n, benchmark::Counter::kIsRate);
  state.counters["client_us"] = client_timer.microseconds() / n;
  state.counters["server_us"] = server_timer.microseconds() / n;
}

// ---- The crypto floor ----

// FloorSide is which side of the handshake a floor measures.
enum class FloorSide : uint8_t { kClient, kServer };

// Floor holds everything fetched and allocated once for the crypto floor of one key kind and
// protocol (TLS 1.3, TLS 1.2 ECDHE or TLS 1.2 DHE). With `chain`, the client also verifies the
// leaf certificate's signature with the CA's key, the one signature a validation to the trust
// anchor needs (the anchor's own signature is not checked).
class Floor {
 public:
  Floor(KeyKind kind, Proto proto, bool with_chain, bool sodium = false)
      : kind_(kind), proto_(proto), chain_(with_chain), sodium_(sodium), pki_(pki(kind)) {
#if GLASSTLS_BENCH_HAVE_SODIUM
    if (sodium_ && sodium_init() < 0) {
      die("sodium_init");
    }
#else
    if (sodium_) {
      die("the benchmark was built without libsodium");
    }
#endif
    if (proto == Proto::kTls12Dhe) {
      dh_setup();
    }
    x25519_ctx_ = EVP_PKEY_CTX_new_from_name(nullptr, "X25519", nullptr);
    if (x25519_ctx_ == nullptr || EVP_PKEY_keygen_init(x25519_ctx_) != 1) {
      die("X25519 keygen context");
    }
    EVP_PKEY* peer = nullptr;
    if (EVP_PKEY_keygen(x25519_ctx_, &peer) != 1) {
      die("X25519 keygen");
    }
    size_t len = peer_share_.size();
    if (EVP_PKEY_get_raw_public_key(peer, peer_share_.data(), &len) != 1) {
      die("X25519 public key");
    }
    EVP_PKEY_free(peer);
    x25519_fromdata_ = EVP_PKEY_CTX_new_from_name(nullptr, "X25519", nullptr);
    if (x25519_fromdata_ == nullptr || EVP_PKEY_fromdata_init(x25519_fromdata_) != 1) {
      die("X25519 fromdata context");
    }

    hmac_ = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    hmac_ctx_ = hmac_ != nullptr ? EVP_MAC_CTX_new(hmac_) : nullptr;
    char digest_name[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                           OSSL_PARAM_construct_end()};
    if (hmac_ctx_ == nullptr || EVP_MAC_CTX_set_params(hmac_ctx_, params) != 1) {
      die("HMAC context");
    }
    sha256_ = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    transcript_ = EVP_MD_CTX_new();
    snapshot_ = EVP_MD_CTX_new();
    sign_ctx_ = EVP_MD_CTX_new();
    gcm_ = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
    for (auto& c : aead_) {
      c = EVP_CIPHER_CTX_new();
    }
    if (sha256_ == nullptr || transcript_ == nullptr || snapshot_ == nullptr ||
        sign_ctx_ == nullptr || gcm_ == nullptr || aead_[3] == nullptr) {
      die("floor set-up");
    }

    // Message sizes of the handshake (RFC 8446 section 4): ClientHello and ServerHello as
    // glasstls sends them with one X25519 share (about 250 and 90 bytes), EncryptedExtensions
    // with SNI acknowledged, Certificate with the two-certificate chain, CertificateVerify and
    // the two Finished messages.
    size_t chain = pki_.test.leaf_cert.size() + pki_.test.ca_cert.size();
    size_t sig_len = kind == KeyKind::kRsa2048 ? 256 : (kind == KeyKind::kEd25519 ? 64 : 72);
    client_hello_.assign(250, 0x01);
    server_hello_.assign(90, 0x02);
    encrypted_extensions_.assign(10, 0x08);
    certificate_.assign(4 + 1 + 3 + chain + 2 * (3 + 2), 0x0b);
    certificate_verify_.assign(4 + 2 + 2 + sig_len, 0x0f);
    finished_.assign(4 + 32, 0x14);
    record_.resize(certificate_.size() + 1);

    if (proto == Proto::kTls13) {
      // The signed content of CertificateVerify: 64 spaces, the context string, a zero byte and
      // the 32-byte transcript hash (RFC 8446 section 4.4.3).
      sign_input_.assign(64, 0x20);
      const char* context = "TLS 1.3, server CertificateVerify";
      sign_input_.insert(sign_input_.end(), context, context + std::strlen(context));
      sign_input_.push_back(0);
      sign_input_.resize(sign_input_.size() + 32, 0x5a);
    } else {
      // TLS 1.2 (RFC 5246 section 7.4): a ClientHello with no key share (about 150 bytes), the
      // ServerKeyExchange with the server's ECDH point or DH parameters and public value and
      // the signature over client_random + server_random + params, ServerHelloDone, the
      // ClientKeyExchange, and 12-byte Finished messages.
      const bool dhe = proto == Proto::kTls12Dhe;
      size_t params_len = dhe ? 2 + 256 + 2 + 1 + 2 + 256 : 1 + 2 + 1 + 32;
      client_hello_.assign(150, 0x01);
      server_key_exchange_.assign(4 + params_len + 2 + 2 + sig_len, 0x0c);
      server_hello_done_.assign(4, 0x0e);
      client_key_exchange_.assign(dhe ? 4 + 2 + 256 : 4 + 1 + 32, 0x10);
      finished_.assign(4 + 12, 0x14);
      sign_input_.assign(64 + params_len, 0x5a);
    }
    if (with_chain) {
      chain_setup();
    }
    spki_ = pki_.test.leaf_key->public_key_spki();
    // The client must turn the leaf's public key into a libcrypto key in every handshake. The
    // floor does it the cheapest way EVP allows: from the raw parameters (taken out of the SPKI
    // once, here) on a reused EVP_PKEY_fromdata context, with no DER decoding.
    const uint8_t* p = spki_.data();
    EVP_PKEY* leaf = d2i_PUBKEY(nullptr, &p, static_cast<long>(spki_.size()));
    leaf_fromdata_ = leaf != nullptr ? EVP_PKEY_CTX_new_from_name(
                                           nullptr, EVP_PKEY_get0_type_name(leaf), nullptr)
                                     : nullptr;
    if (leaf_fromdata_ == nullptr || EVP_PKEY_fromdata_init(leaf_fromdata_) != 1 ||
        EVP_PKEY_todata(leaf, EVP_PKEY_PUBLIC_KEY, &leaf_params_) != 1) {
      die("floor leaf key parameters");
    }
    EVP_PKEY_free(leaf);
    signature_.resize(1024);
    size_t sl = signature_.size();
    if (!sign_init(pki_.leaf_key) || EVP_DigestSign(sign_ctx_, signature_.data(), &sl,
                                                    sign_input_.data(), sign_input_.size()) != 1) {
      die("floor signature");
    }
    signature_.resize(sl);
#if GLASSTLS_BENCH_HAVE_SODIUM
    if (sodium_ && kind == KeyKind::kEd25519) {
      // The seed is the last 32 bytes of the key's PKCS#8 (RFC 8410 section 7).
      Secret pkcs8 = pki_.test.leaf_key->private_key_pkcs8();
      std::array<uint8_t, 32> public_key{};
      if (pkcs8.size() != 48 ||
          crypto_sign_ed25519_seed_keypair(public_key.data(), ed25519_secret_.data(),
                                           pkcs8.data() + 16) != 0 ||
          !verify() || !sign()) {
        die("floor libsodium Ed25519 key");
      }
    }
#endif
    // The signing context of sign(), initialised once: the digest, and for RSA the PSS padding
    // and salt length, are set here and not again for each signature.
    if (kind != KeyKind::kEd25519) {
      sign_pctx_ = EVP_PKEY_CTX_new_from_pkey(nullptr, pki_.leaf_key, nullptr);
      if (sign_pctx_ == nullptr || EVP_PKEY_sign_init(sign_pctx_) != 1 ||
          EVP_PKEY_CTX_set_signature_md(sign_pctx_, sha256_) != 1 ||
          (kind == KeyKind::kRsa2048 &&
           (EVP_PKEY_CTX_set_rsa_padding(sign_pctx_, RSA_PKCS1_PSS_PADDING) != 1 ||
            EVP_PKEY_CTX_set_rsa_pss_saltlen(sign_pctx_, RSA_PSS_SALTLEN_DIGEST) != 1)) ||
          !sign()) {
        die("floor signing context");
      }
    }
  }

  Floor(const Floor&) = delete;
  Floor& operator=(const Floor&) = delete;

  ~Floor() {
    EVP_PKEY_CTX_free(dh_ctx_);
    EVP_PKEY_CTX_free(dh_fromdata_);
    OSSL_PARAM_free(dh_peer_params_);
    EVP_PKEY_CTX_free(ca_fromdata_);
    OSSL_PARAM_free(ca_params_);
    EVP_PKEY_CTX_free(x25519_ctx_);
    EVP_PKEY_CTX_free(x25519_fromdata_);
    EVP_PKEY_CTX_free(leaf_fromdata_);
    OSSL_PARAM_free(leaf_params_);
    EVP_MAC_CTX_free(hmac_ctx_);
    EVP_MAC_free(hmac_);
    EVP_MD_free(sha256_);
    EVP_MD_CTX_free(transcript_);
    EVP_MD_CTX_free(snapshot_);
    EVP_MD_CTX_free(sign_ctx_);
    EVP_PKEY_CTX_free(sign_pctx_);
    EVP_CIPHER_free(gcm_);
    for (auto* c : aead_) {
      EVP_CIPHER_CTX_free(c);
    }
  }

  // run performs one side's handshake cryptography; returns false on a libcrypto failure.
  bool run(FloorSide side) { return proto_ == Proto::kTls13 ? run13(side) : run12(side); }

 private:
  bool run13(FloorSide side) {
    if (!key_exchange()) {
      return false;
    }
    // Transcript up to ServerHello, then the handshake secrets.
    EVP_DigestInit_ex(transcript_, sha256_, nullptr);
    EVP_DigestUpdate(transcript_, client_hello_.data(), client_hello_.size());
    EVP_DigestUpdate(transcript_, server_hello_.data(), server_hello_.size());
    snapshot_hash();
    // Key schedule: 3 extracts, 7 Derive-Secrets, key + iv for 4 traffic secrets (8), two
    // finished keys and two Finished HMACs: 22 HMACs.
    for (int i = 0; i < 22; i++) {
      hmac();
    }
    for (int i = 0; i < 4; i++) {
      EVP_CIPHER_CTX_reset(aead_[i]);
      if (EVP_CipherInit_ex(aead_[i], gcm_, nullptr, secret_.data(), secret_.data() + 16, i % 2) !=
          1) {
        return false;
      }
    }
    // Server flight under the server handshake key: sealed by the server, opened by the client.
    int server_dir = side == FloorSide::kServer ? 1 : 0;  // aead_[1] encrypts, aead_[0] decrypts
    for (const std::vector<uint8_t>* m :
         {&encrypted_extensions_, &certificate_, &certificate_verify_, &finished_}) {
      EVP_DigestUpdate(transcript_, m->data(), m->size());
      if (m == &certificate_verify_) {
        snapshot_hash();
        if (side == FloorSide::kServer ? !sign() : !verify() || (chain_ && !verify_chain())) {
          return false;
        }
      }
      if (!record(aead_[server_dir], m->size())) {
        return false;
      }
    }
    snapshot_hash();  // Application secrets after the server Finished.
    // Client Finished under the client handshake key.
    EVP_DigestUpdate(transcript_, finished_.data(), finished_.size());
    snapshot_hash();
    return record(aead_[1 - server_dir], finished_.size());
  }

  // run12 is a TLS 1.2 full handshake with extended master secret (RFC 7627) and an
  // AES-128-GCM suite with the SHA-256 PRF: the key exchange, the ServerKeyExchange signature
  // (server) or its verification (client), the transcript hash with 2 snapshots (the session
  // hash, which is also the hash the client Finished covers, and the hash the server Finished
  // covers), 12 HMAC-SHA-256 of the PRF (48 bytes of master secret: 4; 40 bytes of key block:
  // 4; two 12-byte verify_data: 2 each), two AES-128-GCM key set-ups, and sealing one Finished
  // and opening the other.
  bool run12(FloorSide side) {
    if (!(proto_ == Proto::kTls12Dhe ? dh_exchange() : key_exchange())) {
      return false;
    }
    EVP_DigestInit_ex(transcript_, sha256_, nullptr);
    for (const std::vector<uint8_t>* m :
         {&client_hello_, &server_hello_, &certificate_, &server_key_exchange_, &server_hello_done_,
          &client_key_exchange_}) {
      EVP_DigestUpdate(transcript_, m->data(), m->size());
    }
    if (side == FloorSide::kServer ? !sign() : !verify() || (chain_ && !verify_chain())) {
      return false;
    }
    snapshot_hash();  // The session hash, and the hash of the client Finished.
    const size_t pms_len = proto_ == Proto::kTls12Dhe ? 256 : 32;
    std::array<uint8_t, 256> pms{};
    std::array<uint8_t, 48> master{};
    std::array<uint8_t, 40> key_block{};
    std::array<uint8_t, 12> verify_data{};
    prf(pms.data(), pms_len, master.data(), master.size(), 22 + 32);
    prf(master.data(), master.size(), key_block.data(), key_block.size(), 13 + 64);
    for (int i = 0; i < 2; i++) {
      EVP_CIPHER_CTX_reset(aead_[i]);
      if (EVP_CipherInit_ex(aead_[i], gcm_, nullptr, key_block.data() + 16 * i, secret_.data() + 16,
                            i % 2) != 1) {
        return false;
      }
    }
    // aead_[1] encrypts, aead_[0] decrypts. The client Finished, then the server's.
    prf(master.data(), master.size(), verify_data.data(), verify_data.size(), 15 + 32);
    if (!record(aead_[side == FloorSide::kClient ? 1 : 0], finished_.size())) {
      return false;
    }
    EVP_DigestUpdate(transcript_, finished_.data(), finished_.size());
    snapshot_hash();
    prf(master.data(), master.size(), verify_data.data(), verify_data.size(), 15 + 32);
    return record(aead_[side == FloorSide::kServer ? 1 : 0], finished_.size());
  }

  // prf is P_SHA256 (RFC 5246 section 5) of `out_len` bytes keyed with `key`: the key is set
  // once, and each of the 2 * ceil(out_len / 32) HMACs reuses it.
  // `seed_len` is the length of label + seed: 22 + 32 for the extended master secret, 13 + 64
  // for the key block, 15 + 32 for verify_data.
  void prf(const uint8_t* key, size_t key_len, uint8_t* out, size_t out_len, size_t seed_len) {
    std::array<uint8_t, 32> a{};
    std::array<uint8_t, 32> block{};
    size_t len = 0;
    EVP_MAC_init(hmac_ctx_, key, key_len, nullptr);
    EVP_MAC_update(hmac_ctx_, client_hello_.data(), seed_len);  // label + seed
    EVP_MAC_final(hmac_ctx_, a.data(), &len, a.size());
    for (size_t done = 0; done < out_len; done += 32) {
      EVP_MAC_init(hmac_ctx_, nullptr, 0, nullptr);
      EVP_MAC_update(hmac_ctx_, a.data(), a.size());
      EVP_MAC_update(hmac_ctx_, client_hello_.data(), seed_len);
      EVP_MAC_final(hmac_ctx_, block.data(), &len, block.size());
      std::copy_n(block.begin(), std::min<size_t>(32, out_len - done), out + done);
      if (done + 32 < out_len) {
        EVP_MAC_init(hmac_ctx_, nullptr, 0, nullptr);
        EVP_MAC_update(hmac_ctx_, a.data(), a.size());
        EVP_MAC_final(hmac_ctx_, a.data(), &len, a.size());
      }
    }
  }

  // dh_setup makes the ffdhe2048 key generation context, and a peer key whose public value is
  // imported again in every handshake.
  void dh_setup() {
    dh_ctx_ = EVP_PKEY_CTX_new_from_pkey(nullptr, ffdhe2048_pkey(), nullptr);
    EVP_PKEY* peer = nullptr;
    if (dh_ctx_ == nullptr || EVP_PKEY_keygen_init(dh_ctx_) != 1 ||
        EVP_PKEY_keygen(dh_ctx_, &peer) != 1 ||
        EVP_PKEY_todata(peer, EVP_PKEY_PUBLIC_KEY, &dh_peer_params_) != 1) {
      die("ffdhe2048 key generation");
    }
    EVP_PKEY_free(peer);
    dh_fromdata_ = EVP_PKEY_CTX_new_from_name(nullptr, "DH", nullptr);
    if (dh_fromdata_ == nullptr || EVP_PKEY_fromdata_init(dh_fromdata_) != 1) {
      die("DH fromdata context");
    }
  }

  // dh_exchange generates an ffdhe2048 key pair, exports its public value (for the
  // ServerKeyExchange or ClientKeyExchange), imports the peer's and derives the shared secret.
  bool dh_exchange() {
    EVP_PKEY* mine = nullptr;
    EVP_PKEY* peer = nullptr;
    if (EVP_PKEY_keygen(dh_ctx_, &mine) != 1) {
      return false;
    }
    BIGNUM* pub = nullptr;
    std::array<uint8_t, 256> share{};
    std::array<uint8_t, 256> shared{};
    size_t shared_len = shared.size();
    EVP_PKEY_CTX* derive = nullptr;
    bool ok = EVP_PKEY_get_bn_param(mine, OSSL_PKEY_PARAM_PUB_KEY, &pub) == 1 &&
              BN_bn2binpad(pub, share.data(), static_cast<int>(share.size())) == 256 &&
              EVP_PKEY_fromdata(dh_fromdata_, &peer, EVP_PKEY_PUBLIC_KEY, dh_peer_params_) == 1 &&
              (derive = EVP_PKEY_CTX_new(mine, nullptr)) != nullptr &&
              EVP_PKEY_derive_init(derive) == 1 &&
              EVP_PKEY_derive_set_peer_ex(derive, peer, 0) == 1 &&
              EVP_PKEY_derive(derive, shared.data(), &shared_len) == 1;
    BN_free(pub);
    EVP_PKEY_CTX_free(derive);
    EVP_PKEY_free(peer);
    EVP_PKEY_free(mine);
    return ok;
  }

  // chain_setup takes the leaf's to-be-signed bytes and signature, and the CA key's raw
  // parameters, out of the DER once.
  void chain_setup() {
    unsigned char* tbs = nullptr;
    int tbs_len = i2d_re_X509_tbs(pki_.leaf, &tbs);
    const ASN1_BIT_STRING* sig = nullptr;
    const X509_ALGOR* alg = nullptr;
    X509_get0_signature(&sig, &alg, pki_.leaf);
    EVP_PKEY* ca = X509_get0_pubkey(pki_.ca);
    if (tbs_len <= 0 || sig == nullptr || ca == nullptr ||
        EVP_PKEY_todata(ca, EVP_PKEY_PUBLIC_KEY, &ca_params_) != 1) {
      die("floor chain set-up");
    }
    leaf_tbs_.assign(tbs, tbs + tbs_len);
    OPENSSL_free(tbs);
    leaf_signature_.assign(ASN1_STRING_get0_data(sig),
                           ASN1_STRING_get0_data(sig) + ASN1_STRING_length(sig));
    ca_fromdata_ = EVP_PKEY_CTX_new_from_name(nullptr, EVP_PKEY_get0_type_name(ca), nullptr);
    if (ca_fromdata_ == nullptr || EVP_PKEY_fromdata_init(ca_fromdata_) != 1 || !verify_chain()) {
      die("floor chain verification");
    }
  }

  // verify_chain verifies the leaf certificate's ECDSA-SHA256 signature with the CA's key,
  // imported from its raw parameters as the leaf's is in verify().
  bool verify_chain() {
    EVP_PKEY* key = nullptr;
    if (EVP_PKEY_fromdata(ca_fromdata_, &key, EVP_PKEY_PUBLIC_KEY, ca_params_) != 1) {
      return false;
    }
    EVP_MD_CTX* mctx = EVP_MD_CTX_new();
    bool ok = mctx != nullptr && EVP_DigestVerifyInit(mctx, nullptr, sha256_, nullptr, key) == 1 &&
              EVP_DigestVerify(mctx, leaf_signature_.data(), leaf_signature_.size(),
                               leaf_tbs_.data(), leaf_tbs_.size()) == 1;
    EVP_MD_CTX_free(mctx);
    EVP_PKEY_free(key);
    return ok;
  }

  bool key_exchange() {
#if GLASSTLS_BENCH_HAVE_SODIUM
    if (sodium_) {
      // libsodium: 32 random bytes, the public value by fixed-base multiplication, then the
      // shared secret (refused when all zeros), as crypto::sodium_x25519() does.
      std::array<uint8_t, 32> priv{};
      std::array<uint8_t, 32> share{};
      bool ok = RAND_bytes(priv.data(), static_cast<int>(priv.size())) == 1 &&
                crypto_scalarmult_curve25519_base(share.data(), priv.data()) == 0 &&
                crypto_scalarmult_curve25519(secret_.data(), priv.data(), peer_share_.data()) == 0;
      sodium_memzero(priv.data(), priv.size());
      return ok;
    }
#endif
    EVP_PKEY* mine = nullptr;
    if (EVP_PKEY_keygen(x25519_ctx_, &mine) != 1) {
      return false;
    }
    std::array<uint8_t, 32> share{};
    size_t len = share.size();
    // The peer's share is imported on a reused context and not validated again at derive time:
    // any 32 bytes are a valid X25519 input (RFC 7748 section 5).
    EVP_PKEY* peer = nullptr;
    OSSL_PARAM peer_params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, peer_share_.data(),
                                          peer_share_.size()),
        OSSL_PARAM_construct_end()};
    EVP_PKEY_fromdata(x25519_fromdata_, &peer, EVP_PKEY_PUBLIC_KEY, peer_params);
    EVP_PKEY_CTX* derive = EVP_PKEY_CTX_new(mine, nullptr);
    size_t secret_len = secret_.size();
    bool ok = EVP_PKEY_get_raw_public_key(mine, share.data(), &len) == 1 && peer != nullptr &&
              derive != nullptr && EVP_PKEY_derive_init(derive) == 1 &&
              EVP_PKEY_derive_set_peer_ex(derive, peer, 0) == 1 &&
              EVP_PKEY_derive(derive, secret_.data(), &secret_len) == 1;
    EVP_PKEY_CTX_free(derive);
    EVP_PKEY_free(peer);
    EVP_PKEY_free(mine);
    return ok;
  }

  void hmac() {
    size_t out_len = 0;
    EVP_MAC_init(hmac_ctx_, secret_.data(), 32, nullptr);
    EVP_MAC_update(hmac_ctx_, client_hello_.data(), 48);
    EVP_MAC_final(hmac_ctx_, secret_.data(), &out_len, secret_.size());
  }

  void snapshot_hash() {
    unsigned int len = 0;
    EVP_MD_CTX_copy_ex(snapshot_, transcript_);
    EVP_DigestFinal_ex(snapshot_, digest_.data(), &len);
  }

  bool sign_init(EVP_PKEY* key) {
    EVP_PKEY_CTX* pctx = nullptr;
    const EVP_MD* md = kind_ == KeyKind::kEd25519 ? nullptr : sha256_;
    if (EVP_DigestSignInit(sign_ctx_, &pctx, md, nullptr, key) != 1) {
      return false;
    }
    return kind_ != KeyKind::kRsa2048 ||
           (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1);
  }

  // sign makes the CertificateVerify or ServerKeyExchange signature the cheapest way EVP
  // offers, as glasstls's provider does: the input hashed with the fetched SHA-256, then
  // EVP_PKEY_sign on the context initialised once in the constructor (glasstls signs on a dup of
  // such a context). Until this was changed the floor called EVP_DigestSignInit for every
  // signature (and, for RSA, set the padding through two controls), which cost about 4 us more
  // per ECDSA P-256 signature than glasstls's way (alt/p256_sign: evp_today against
  // glasstls), so the floor read in glasstls's favour. Ed25519 signs the whole message.
  bool sign() {
    std::array<uint8_t, 512> sig{};
    size_t len = sig.size();
#if GLASSTLS_BENCH_HAVE_SODIUM
    if (sodium_ && kind_ == KeyKind::kEd25519) {
      return crypto_sign_ed25519_detached(sig.data(), nullptr, sign_input_.data(),
                                          sign_input_.size(), ed25519_secret_.data()) == 0;
    }
#endif
    if (kind_ == KeyKind::kEd25519) {
      return sign_init(pki_.leaf_key) &&
             EVP_DigestSign(sign_ctx_, sig.data(), &len, sign_input_.data(), sign_input_.size()) ==
                 1;
    }
    std::array<uint8_t, 32> digest{};
    unsigned int digest_len = 0;
    return EVP_Digest(sign_input_.data(), sign_input_.size(), digest.data(), &digest_len, sha256_,
                      nullptr) == 1 &&
           EVP_PKEY_sign(sign_pctx_, sig.data(), &len, digest.data(), digest_len) == 1;
  }

  bool verify() {
#if GLASSTLS_BENCH_HAVE_SODIUM
    if (sodium_ && kind_ == KeyKind::kEd25519) {
      // As crypto::sodium_verifier() does: the key is the 32 bytes after the SPKI's fixed
      // prefix.
      return spki_.size() == 44 &&
             crypto_sign_ed25519_verify_detached(signature_.data(), sign_input_.data(),
                                                 sign_input_.size(), spki_.data() + 12) == 0;
    }
#endif
    EVP_PKEY* key = nullptr;
    if (EVP_PKEY_fromdata(leaf_fromdata_, &key, EVP_PKEY_PUBLIC_KEY, leaf_params_) != 1) {
      return false;
    }
    // A fresh EVP_MD_CTX: a client verifies a different key in each handshake, and OpenSSL 3.0
    // can keep the previous key when a used context is initialised with another one.
    EVP_MD_CTX* mctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX* pctx = nullptr;
    const EVP_MD* md = kind_ == KeyKind::kEd25519 ? nullptr : sha256_;
    bool ok = mctx != nullptr && EVP_DigestVerifyInit(mctx, &pctx, md, nullptr, key) == 1 &&
              (kind_ != KeyKind::kRsa2048 ||
               (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
                EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1)) &&
              EVP_DigestVerify(mctx, signature_.data(), signature_.size(), sign_input_.data(),
                               sign_input_.size()) == 1;
    EVP_MD_CTX_free(mctx);
    EVP_PKEY_free(key);
    return ok;
  }

  // record seals or opens (by the context's direction) one record of `len` plaintext bytes
  // plus the content type byte. A failed tag check on open is expected and ignored: the work
  // is the same.
  bool record(EVP_CIPHER_CTX* ctx, size_t len) {
    std::array<uint8_t, 5> header = {23, 3, 3, 0, 0};
    std::array<uint8_t, 16> tag{};
    int out = 0;
    size_t n = len + 1;
    if (EVP_CipherInit_ex(ctx, nullptr, nullptr, nullptr, secret_.data(), -1) != 1 ||
        EVP_CipherUpdate(ctx, nullptr, &out, header.data(), header.size()) != 1 ||
        EVP_CipherUpdate(ctx, record_.data(), &out, record_.data(), static_cast<int>(n)) != 1) {
      return false;
    }
    if (EVP_CIPHER_CTX_is_encrypting(ctx) == 1) {
      return EVP_CipherFinal_ex(ctx, record_.data() + out, &out) == 1 &&
             EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, tag.data()) == 1;
    }
    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16, tag.data());
    (void)EVP_CipherFinal_ex(ctx, record_.data() + out, &out);
    return true;
  }

  KeyKind kind_;
  Proto proto_;
  bool chain_;
  bool sodium_;
  const Pki& pki_;
  EVP_PKEY_CTX* dh_ctx_ = nullptr;
  EVP_PKEY_CTX* dh_fromdata_ = nullptr;
  OSSL_PARAM* dh_peer_params_ = nullptr;
  EVP_PKEY_CTX* ca_fromdata_ = nullptr;
  OSSL_PARAM* ca_params_ = nullptr;
  EVP_PKEY_CTX* x25519_ctx_ = nullptr;
  EVP_PKEY_CTX* x25519_fromdata_ = nullptr;
  EVP_PKEY_CTX* leaf_fromdata_ = nullptr;
  OSSL_PARAM* leaf_params_ = nullptr;
  std::array<uint8_t, 32> peer_share_{};
  std::array<uint8_t, 32> secret_{};
  std::array<uint8_t, 32> digest_{};
  EVP_MAC* hmac_ = nullptr;
  EVP_MAC_CTX* hmac_ctx_ = nullptr;
  EVP_MD* sha256_ = nullptr;
  EVP_MD_CTX* transcript_ = nullptr;
  EVP_MD_CTX* snapshot_ = nullptr;
  EVP_MD_CTX* sign_ctx_ = nullptr;
  EVP_PKEY_CTX* sign_pctx_ = nullptr;
  EVP_CIPHER* gcm_ = nullptr;
  std::array<EVP_CIPHER_CTX*, 4> aead_{};
  // ed25519_secret_ is libsodium's secret key (seed || public key) of an Ed25519 leaf.
  std::array<uint8_t, 64> ed25519_secret_{};
  std::vector<uint8_t> client_hello_, server_hello_, encrypted_extensions_, certificate_,
      certificate_verify_, finished_, record_, sign_input_, signature_, server_key_exchange_,
      server_hello_done_, client_key_exchange_, leaf_tbs_, leaf_signature_;
  Bytes spki_;
};

void crypto_floor(benchmark::State& state, KeyKind kind, FloorSide side, PairOptions opts) {
  Floor floor(kind, opts.proto, opts.verify_chain, opts.sodium);
  if (!floor.run(side)) {
    state.SkipWithError("libcrypto failure");
    return;
  }
  for (auto _ : state) {
    if (!floor.run(side)) {
      state.SkipWithError("libcrypto failure");
      break;
    }
  }
}

// crypto_floor_pair runs the server's floor and then the client's in each iteration, on one
// thread, each with its own Floor (its own contexts and keys), and reports each side's time as
// the handshake rows do (counters client_us and server_us). The floors above repeat one side in
// a tight loop, with libcrypto's code and tables warm; in a handshake row the two sides take
// turns on one thread and each evicts the other's. This row measures the same primitives under
// the handshake's turn-taking, to tell how much of a side's "x floor" is that cache effect
// rather than code. It is a diagnostic beside the floor, not a replacement for it.
void crypto_floor_pair(benchmark::State& state, KeyKind kind, PairOptions opts) {
  Floor server(kind, opts.proto, false, opts.sodium);
  Floor client(kind, opts.proto, opts.verify_chain, opts.sodium);
  if (!server.run(FloorSide::kServer) || !client.run(FloorSide::kClient)) {
    state.SkipWithError("libcrypto failure");
    return;
  }
  SideTimer client_timer, server_timer;
  for (auto _ : state) {
    if (!server_timer.time([&] { return server.run(FloorSide::kServer); }) ||
        !client_timer.time([&] { return client.run(FloorSide::kClient); })) {
      state.SkipWithError("libcrypto failure");
      break;
    }
  }
  double n = static_cast<double>(state.iterations());
  state.counters["client_us"] = client_timer.microseconds() / n;
  state.counters["server_us"] = server_timer.microseconds() / n;
}

// Tls12Case is one TLS 1.2 handshake benchmark: its name and its leaf key and key exchange.
struct Tls12Case {
  const char* name;
  KeyKind kind;
  Proto proto;
};

constexpr Tls12Case kTls12Cases[] = {
    {"ecdhe_ecdsa_p256", KeyKind::kEcdsaP256, Proto::kTls12Ecdhe},
    {"ecdhe_rsa2048", KeyKind::kRsa2048, Proto::kTls12Ecdhe},
    {"dhe_rsa2048", KeyKind::kRsa2048, Proto::kTls12Dhe},
};

// register_handshakes registers <prefix>/<key>/glasstls and .../openssl.
void register_handshakes(const std::string& prefix, const std::string& key, KeyKind kind,
                         PairOptions opts) {
  benchmark::RegisterBenchmark((prefix + "/" + key + "/glasstls").c_str(), handshake_glasstls, kind,
                               opts)
      ->MinTime(kMinTime)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark((prefix + "/" + key + "/openssl").c_str(), handshake_openssl, kind,
                               opts)
      ->MinTime(kMinTime)
      ->Unit(benchmark::kMicrosecond);
}

// register_floor registers <prefix>/<key>/<side> for each side in `sides`.
void register_floor(const std::string& prefix, const std::string& key, KeyKind kind,
                    PairOptions opts, std::initializer_list<FloorSide> sides) {
  for (FloorSide side : sides) {
    std::string name = prefix + "/" + key + (side == FloorSide::kClient ? "/client" : "/server");
    benchmark::RegisterBenchmark(name.c_str(), crypto_floor, kind, side, opts)
        ->MinTime(0.1)
        ->Unit(benchmark::kMicrosecond);
  }
}

const bool kRegistered = [] {
  PairOptions tls13;
  PairOptions tls13_chain;
  tls13_chain.verify_chain = true;
  PairOptions tls13_hrr;
  tls13_hrr.hrr = true;
  for (KeyKind kind : {KeyKind::kEcdsaP256, KeyKind::kRsa2048, KeyKind::kEd25519}) {
    register_handshakes("handshake", key_name(kind), kind, tls13);
  }
  // HelloRetryRequest: the client sends only an X25519 share, the server accepts only P-256.
  for (KeyKind kind : {KeyKind::kEcdsaP256, KeyKind::kRsa2048}) {
    register_handshakes("handshake_hrr", key_name(kind), kind, tls13_hrr);
  }
  // The client validates the chain to the CA and checks the host name.
  for (KeyKind kind : {KeyKind::kEcdsaP256, KeyKind::kRsa2048, KeyKind::kEd25519}) {
    register_handshakes("handshake_chain", key_name(kind), kind, tls13_chain);
  }
  // Resumed with the ticket of the handshake before (no certificate, no signature).
  PairOptions tls13_resume;
  tls13_resume.resume = true;
  for (KeyKind kind : {KeyKind::kEcdsaP256, KeyKind::kRsa2048, KeyKind::kEd25519}) {
    register_handshakes("resume", key_name(kind), kind, tls13_resume);
  }
  // TLS 1.2, with the leaf pinned and with the chain validated.
  for (const Tls12Case& c : kTls12Cases) {
    PairOptions opts;
    opts.proto = c.proto;
    register_handshakes("handshake12", c.name, c.kind, opts);
    opts.verify_chain = true;
    register_handshakes("handshake12_chain", c.name, c.kind, opts);
  }
  benchmark::RegisterBenchmark("handshake/ecdsa_p256/glasstls_traced", handshake_glasstls_traced,
                               KeyKind::kEcdsaP256, false)
      ->MinTime(kMinTime)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("handshake/ecdsa_p256/glasstls_traced_secrets",
                               handshake_glasstls_traced, KeyKind::kEcdsaP256, true)
      ->MinTime(kMinTime)
      ->Unit(benchmark::kMicrosecond);
  for (KeyKind kind : {KeyKind::kEcdsaP256, KeyKind::kRsa2048, KeyKind::kEd25519}) {
    register_floor("crypto_floor", key_name(kind), kind, tls13,
                   {FloorSide::kClient, FloorSide::kServer});
  }
  for (KeyKind kind : {KeyKind::kEcdsaP256, KeyKind::kRsa2048, KeyKind::kEd25519}) {
    register_floor("crypto_floor_chain", key_name(kind), kind, tls13_chain, {FloorSide::kClient});
  }
  for (const Tls12Case& c : kTls12Cases) {
    PairOptions opts;
    opts.proto = c.proto;
    register_floor("crypto_floor12", c.name, c.kind, opts,
                   {FloorSide::kClient, FloorSide::kServer});
    opts.verify_chain = true;
    register_floor("crypto_floor12_chain", c.name, c.kind, opts, {FloorSide::kClient});
    opts.verify_chain = false;
    benchmark::RegisterBenchmark(("crypto_floor12_pair/" + std::string(c.name)).c_str(),
                                 crypto_floor_pair, c.kind, opts)
        ->MinTime(0.1)
        ->Unit(benchmark::kMicrosecond);
  }
#if GLASSTLS_BENCH_HAVE_SODIUM
  // The same floors with libsodium's X25519, the one the handshake rows use (glasstls's
  // default provider takes it when built with libsodium): "x floor" against the primitives
  // glasstls actually calls.
  for (KeyKind kind : {KeyKind::kEcdsaP256, KeyKind::kRsa2048, KeyKind::kEd25519}) {
    PairOptions opts;
    opts.sodium = true;
    register_floor("crypto_floor_sodium", key_name(kind), kind, opts,
                   {FloorSide::kClient, FloorSide::kServer});
    opts.verify_chain = true;
    register_floor("crypto_floor_sodium_chain", key_name(kind), kind, opts, {FloorSide::kClient});
  }
  for (const Tls12Case& c : kTls12Cases) {
    if (c.proto != Proto::kTls12Ecdhe) {
      continue;  // DHE has no X25519.
    }
    PairOptions opts;
    opts.proto = c.proto;
    opts.sodium = true;
    register_floor("crypto_floor12_sodium", c.name, c.kind, opts,
                   {FloorSide::kClient, FloorSide::kServer});
    opts.verify_chain = true;
    register_floor("crypto_floor12_sodium_chain", c.name, c.kind, opts, {FloorSide::kClient});
  }
#endif
  return true;
}();

}  // namespace
}  // namespace glasstls::bench
