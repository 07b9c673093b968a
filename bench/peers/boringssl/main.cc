// main.cc: BoringSSL as an external peer of glasstls's benchmarks.
//
// BoringSSL defines the same symbols as OpenSSL's libssl and libcrypto, so it cannot share the
// process of glasstls_bench, which links OpenSSL. This program runs BoringSSL's rows on their
// own, with the same certificates (read from --pki DIR), the same in-memory transport as the
// OpenSSL rows (a BIO pair) and the same per-side timing, and writes them as Google Benchmark
// JSON for bench/report.py to put beside glasstls's rows:
//
//   handshake/<key>/boringssl        one full TLS 1.3 handshake of a fresh client and server per
//                                    iteration; the client does not validate the chain
//                                    (SSL_VERIFY_NONE) but checks CertificateVerify;
//   handshake_chain/<key>/boringssl  the same, the client validating the chain to the CA (its
//                                    only trust anchor) and checking the host name "localhost";
//   resume/<key>/boringssl           a resumed handshake (psk_dhe_ke) with the ticket of the
//                                    previous handshake: the server sends one ticket per
//                                    handshake, and the client uses each ticket once;
//   throughput/aes128gcm/<size>/boringssl  the client writes <size> bytes (16384 or 1024) and
//                                    the server reads them all;
//   memory/boringssl                 the heap counters of bench/memory_bench.cc (per side and
//                                    for the pair, idle and during a handshake) for the setup
//                                    of handshake/ecdsa_p256, one iteration whatever
//                                    --min_time says (see "Heap per connection" below).
//
// <key> is ecdsa_p256, rsa2048 (rsa_pss_rsae_sha256) or ed25519. Every pair speaks TLS 1.3 only
// with X25519 only. BoringSSL does not let a caller choose TLS 1.3 cipher suites: both sides
// put TLS_AES_128_GCM_SHA256 first when the CPU has AES instructions. Each row checks once,
// before it is registered, that its handshake negotiates what it should; a row that does not
// is left out, with a line on stderr.
//
// Usage: boringssl_peer --pki DIR --out FILE.json [--filter REGEX] [--min_time SECONDS]

#include <benchmark/benchmark.h>
#include <errno.h>
#include <malloc.h>
#include <openssl/aead.h>
#include <openssl/base.h>
#include <openssl/bio.h>
#include <openssl/bytestring.h>
#include <openssl/crypto.h>
#include <openssl/curve25519.h>
#include <openssl/digest.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdh.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/nid.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <regex.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

// ---- Heap accounting (memory/boringssl) ----
//
// The heap is counted by replacing malloc and its family in this executable: the dynamic linker
// binds every shared library's calls to malloc, free, ... to the executable's definitions, so
// they see libcrypto's and libssl's allocations (BoringSSL's OPENSSL_malloc calls malloc, with
// a size prefix of its own) as well as this program's (operator new of libstdc++ calls malloc).
// Each replacement calls glibc's allocator under its internal names (__libc_malloc, ...), so
// the blocks, and malloc_usable_size, are glibc's. BoringSSL's weak hooks
// (OPENSSL_memory_alloc, OPENSSL_memory_free, OPENSSL_memory_get_size) are present in Debian's
// libcrypto too, but would see BoringSSL's allocations only, not the peer's own: replacing malloc
// sees both. memory_row's check makes sure that an OPENSSL_malloc and an operator new are
// counted before the row runs.
//
// Counting is on only during the memory row (heap_start to heap_stop); otherwise an allocation
// costs one more branch. While it is on, every block allocated is entered in an owner table with
// its size (malloc_usable_size) and the side current at its allocation (HeapSide, set by
// SideTimer over each side's calls); its free is charged back to that side, whoever frees it and
// whenever, as long as the per-side accounting that charged it is in force (heap_sides_begin,
// heap_sides_end; each begin starts a new epoch). A block allocated before heap_start (or by an
// allocation function not replaced here, such as reallocarray) is not in the table, and its free
// is not counted: heap_current() is the heap allocated since heap_start() and still live. The
// table is a fixed open-addressing hash table (linear probing, backward-shift deletion) mapped
// with mmap: it is not heap. The peer runs on one thread (Google Benchmark runs single-threaded
// benchmarks on the calling thread), so the state is plain data without locks.

enum class HeapSide : uint8_t { kNone = 0, kClient = 1, kServer = 2 };

extern "C" {
void* __libc_malloc(size_t n);
void __libc_free(void* p);
void* __libc_calloc(size_t n, size_t size);
void* __libc_realloc(void* p, size_t n);
void* __libc_memalign(size_t alignment, size_t n);
void* __libc_valloc(size_t n);
void* __libc_pvalloc(size_t n);
}

namespace {

struct HeapSlot {
  uintptr_t key;  // The block's address; 0: an empty slot.
  size_t size;
  uint32_t tag;  // epoch << 2 | side
};

constexpr int kHeapBits = 20;
constexpr size_t kHeapCapacity = size_t{1} << kHeapBits;
constexpr size_t kHeapTableBytes = kHeapCapacity * sizeof(HeapSlot);

struct HeapState {
  bool on;
  bool sides_on;
  uint32_t epoch;
  HeapSide side;
  int64_t current;
  int64_t peak;
  int64_t side_current[3];
  int64_t side_peak[3];
  int64_t side_allocs[3];  // Blocks allocated (or resized) per side.
  HeapSlot* slots;
  size_t len;
};
constinit HeapState g_heap = {};

[[noreturn]] void heap_fail(const char* msg) {
  ssize_t ignored = write(2, msg, std::strlen(msg));
  (void)ignored;
  std::abort();
}

size_t heap_index(uintptr_t key) {
  // Fibonacci hashing of the address; heap blocks are 16-byte aligned.
  return static_cast<size_t>(((key >> 4) * 0x9E3779B97F4A7C15ull) >> (64 - kHeapBits));
}

void heap_insert(uintptr_t key, size_t size, uint32_t tag) {
  if (g_heap.len >= kHeapCapacity / 2) {
    heap_fail("boringssl_peer: heap owner table full\n");
  }
  size_t i = heap_index(key);
  while (g_heap.slots[i].key != 0) {
    i = (i + 1) & (kHeapCapacity - 1);
  }
  g_heap.slots[i] = HeapSlot{key, size, tag};
  g_heap.len++;
}

// heap_erase_at empties slot i, moving back the entries of its probe run that would otherwise
// no longer be found.
void heap_erase_at(size_t i) {
  size_t j = i;
  for (;;) {
    j = (j + 1) & (kHeapCapacity - 1);
    HeapSlot s = g_heap.slots[j];
    if (s.key == 0) {
      break;
    }
    size_t h = heap_index(s.key);
    // The entry at j may stay if its home h lies cyclically in (i, j].
    bool stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
    if (!stays) {
      g_heap.slots[i] = s;
      i = j;
    }
  }
  g_heap.slots[i].key = 0;
}

void heap_side_add(HeapSide side, int64_t n) {
  int i = static_cast<int>(side);
  g_heap.side_current[i] += n;
  if (g_heap.side_current[i] > g_heap.side_peak[i]) {
    g_heap.side_peak[i] = g_heap.side_current[i];
  }
}

// heap_counted enters a block just allocated, charged to `side` if per-side accounting is on.
void heap_counted(void* p, HeapSide side) {
  size_t size = malloc_usable_size(p);
  g_heap.current += static_cast<int64_t>(size);
  g_heap.peak = std::max(g_heap.peak, g_heap.current);
  if (!g_heap.sides_on) {
    side = HeapSide::kNone;
  }
  if (side != HeapSide::kNone) {
    heap_side_add(side, static_cast<int64_t>(size));
    g_heap.side_allocs[static_cast<int>(side)]++;
  }
  heap_insert(reinterpret_cast<uintptr_t>(p), size,
              g_heap.epoch << 2 | static_cast<uint32_t>(side));
}

// heap_uncounted removes a block about to be freed (or just resized) and returns the side it
// was charged to in the current epoch, kNone otherwise (or if it is not counted).
HeapSide heap_uncounted(void* p) {
  const uintptr_t key = reinterpret_cast<uintptr_t>(p);
  for (size_t i = heap_index(key); g_heap.slots[i].key != 0; i = (i + 1) & (kHeapCapacity - 1)) {
    if (g_heap.slots[i].key == key) {
      HeapSlot s = g_heap.slots[i];
      heap_erase_at(i);
      g_heap.len--;
      g_heap.current -= static_cast<int64_t>(s.size);
      auto side = static_cast<HeapSide>(s.tag & 3);
      if (side == HeapSide::kNone || !g_heap.sides_on || s.tag >> 2 != g_heap.epoch) {
        return HeapSide::kNone;
      }
      g_heap.side_current[static_cast<int>(side)] -= static_cast<int64_t>(s.size);
      return side;
    }
  }
  return HeapSide::kNone;
}

inline void* heap_allocated(void* p) {
  if (g_heap.on && p != nullptr) {
    heap_counted(p, g_heap.side);
  }
  return p;
}

// heap_start turns counting on, with an empty table and the counters at 0.
void heap_start() {
  if (g_heap.slots == nullptr) {
    void* m =
        mmap(nullptr, kHeapTableBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
      heap_fail("boringssl_peer: cannot map the heap owner table\n");
    }
    g_heap.slots = static_cast<HeapSlot*>(m);
  }
  g_heap.len = 0;
  g_heap.current = 0;
  g_heap.peak = 0;
  g_heap.sides_on = false;
  g_heap.on = true;
}

// heap_stop turns counting off and gives the table back; blocks still live are forgotten.
void heap_stop() {
  g_heap.on = false;
  g_heap.sides_on = false;
  if (g_heap.slots != nullptr) {
    munmap(g_heap.slots, kHeapTableBytes);
    g_heap.slots = nullptr;
  }
  g_heap.len = 0;
}

int64_t heap_current() { return g_heap.current; }
int64_t heap_peak() { return g_heap.peak; }
void heap_reset_peak() { g_heap.peak = g_heap.current; }

// heap_sides_begin starts per-side accounting in a new epoch, each side's total and peak at 0.
void heap_sides_begin() {
  g_heap.epoch = (g_heap.epoch + 1) & ((uint32_t{1} << 30) - 1);
  for (int i = 0; i < 3; i++) {
    g_heap.side_current[i] = 0;
    g_heap.side_peak[i] = 0;
    g_heap.side_allocs[i] = 0;
  }
  g_heap.sides_on = true;
}
void heap_sides_end() { g_heap.sides_on = false; }
int64_t heap_side_peak(HeapSide side) { return g_heap.side_peak[static_cast<int>(side)]; }
int64_t heap_side_allocs(HeapSide side) { return g_heap.side_allocs[static_cast<int>(side)]; }

}  // namespace

// The replacements. posix_memalign, aligned_alloc, memalign, valloc and pvalloc are replaced
// too, so that every block free() sees was allocated through here or before counting began.
extern "C" {

void* malloc(size_t n) noexcept { return heap_allocated(__libc_malloc(n)); }

void* calloc(size_t n, size_t size) noexcept { return heap_allocated(__libc_calloc(n, size)); }

void free(void* p) noexcept {
  if (g_heap.on && p != nullptr) {
    heap_uncounted(p);
  }
  __libc_free(p);
}

void* realloc(void* p, size_t n) noexcept {
  void* q = __libc_realloc(p, n);
  if (g_heap.on && (q != nullptr || n == 0) && p != nullptr) {
    // `p` is still in the table: nothing was allocated since. The resized block stays with the
    // side that owned it (or, if none, goes to the current one), as in bench/main.cc.
    HeapSide owner = heap_uncounted(p);
    if (q != nullptr) {
      heap_counted(q, owner != HeapSide::kNone ? owner : g_heap.side);
    }
    return q;
  }
  return heap_allocated(q);
}

int posix_memalign(void** out, size_t alignment, size_t n) noexcept {
  if (alignment < sizeof(void*) || (alignment & (alignment - 1)) != 0) {
    return EINVAL;
  }
  void* p = __libc_memalign(alignment, n);
  if (p == nullptr) {
    return ENOMEM;
  }
  *out = heap_allocated(p);
  return 0;
}

void* aligned_alloc(size_t alignment, size_t n) noexcept {
  return heap_allocated(__libc_memalign(alignment, n));
}

void* memalign(size_t alignment, size_t n) noexcept {
  return heap_allocated(__libc_memalign(alignment, n));
}

void* valloc(size_t n) noexcept { return heap_allocated(__libc_valloc(n)); }

void* pvalloc(size_t n) noexcept { return heap_allocated(__libc_pvalloc(n)); }

}  // extern "C"

#ifndef BORINGSSL_PEER_PACKAGE
#define BORINGSSL_PEER_PACKAGE "unknown"
#endif

namespace {

// die reports a set-up failure, with BoringSSL's error queue, and exits.
[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "boringssl_peer: %s\n", what.c_str());
  ERR_print_errors_fp(stderr);
  std::exit(2);
}

// ---- Timing ----

int64_t thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// empty_span_ns is the thread CPU time of a span around nothing: the cost of the clock reads
// that a SideTimer adds to every span. Measured once at start-up as the median of 31 batches of
// 1000 empty spans.
double empty_span_ns() {
  static const double cost = [] {
    std::vector<double> batches;
    for (int b = 0; b < 31; b++) {
      int64_t total = 0;
      for (int i = 0; i < 1000; i++) {
        int64_t start = thread_cpu_ns();
        total += thread_cpu_ns() - start;
      }
      batches.push_back(static_cast<double>(total) / 1000.0);
    }
    std::sort(batches.begin(), batches.end());
    return batches[batches.size() / 2];
  }();
  return cost;
}

// SideTimer adds up the thread CPU time spent inside one side's calls, less the cost of an
// empty span for each span. Both sides run on this one thread. It also makes its side the
// current one of the heap accounting for the span, so that memory/boringssl charges each block
// to the side whose call allocated it, over the same spans as the timed rows.
class SideTimer {
 public:
  explicit SideTimer(HeapSide side) : side_(side) {}

  template <typename F>
  auto time(F&& f) {
    spans_++;
    HeapSide outer = g_heap.side;
    g_heap.side = side_;
    int64_t start = thread_cpu_ns();
    if constexpr (std::is_void_v<decltype(f())>) {
      f();
      total_ns_ += thread_cpu_ns() - start;
      g_heap.side = outer;
    } else {
      auto r = f();
      total_ns_ += thread_cpu_ns() - start;
      g_heap.side = outer;
      return r;
    }
  }
  // microseconds is the time spent, less the clock's own cost.
  double microseconds() const {
    return (static_cast<double>(total_ns_) - static_cast<double>(spans_) * empty_span_ns()) /
           1000.0;
  }

 private:
  HeapSide side_;
  int64_t total_ns_ = 0;
  int64_t spans_ = 0;
};

// ---- Certificates ----

enum class KeyKind { kEcdsaP256, kRsa2048, kEd25519 };
constexpr KeyKind kKinds[] = {KeyKind::kEcdsaP256, KeyKind::kRsa2048, KeyKind::kEd25519};

const char* key_name(KeyKind k) {
  switch (k) {
    case KeyKind::kEcdsaP256: return "ecdsa_p256";
    case KeyKind::kRsa2048: return "rsa2048";
    case KeyKind::kEd25519: return "ed25519";
  }
  return "?";
}

// signature_algorithm is the CertificateVerify algorithm of a `k` leaf.
uint16_t signature_algorithm(KeyKind k) {
  switch (k) {
    case KeyKind::kEcdsaP256: return SSL_SIGN_ECDSA_SECP256R1_SHA256;
    case KeyKind::kRsa2048: return SSL_SIGN_RSA_PSS_RSAE_SHA256;
    case KeyKind::kEd25519: return SSL_SIGN_ED25519;
  }
  return 0;
}

// Pki is one key kind's leaf, CA and leaf key, loaded once and kept until exit.
struct Pki {
  X509* leaf = nullptr;
  X509* ca = nullptr;
  EVP_PKEY* key = nullptr;
};

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    die("cannot read " + path);
  }
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

X509* load_certificate(const std::string& path) {
  std::vector<uint8_t> der = read_file(path);
  const uint8_t* p = der.data();
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (x == nullptr || p != der.data() + der.size()) {
    die("not one DER certificate: " + path);
  }
  return x;
}

EVP_PKEY* load_pkcs8(const std::string& path) {
  std::vector<uint8_t> der = read_file(path);
  CBS cbs;
  CBS_init(&cbs, der.data(), der.size());
  EVP_PKEY* key = EVP_parse_private_key(&cbs);
  if (key == nullptr || CBS_len(&cbs) != 0) {
    die("not one PKCS#8 private key: " + path);
  }
  return key;
}

Pki load_pki(const std::string& dir, KeyKind kind) {
  std::string base = dir + "/" + key_name(kind) + "/";
  Pki p;
  p.leaf = load_certificate(base + "leaf.der");
  p.ca = load_certificate(base + "ca.der");
  p.key = load_pkcs8(base + "leaf.key.der");
  return p;
}

// ---- Contexts ----

// Mode is what a pair of contexts is for.
enum class Mode {
  kHandshake,  // no tickets, the chain not validated
  kChain,      // no tickets, the chain validated to the CA, the host name checked
  kResume,     // one ticket per handshake, the chain not validated
};

// Tickets receives the sessions a resuming client gets from NewSessionTicket messages.
struct Tickets {
  SSL_SESSION* latest = nullptr;  // Owned.
  int received = 0;
};
Tickets* g_tickets = nullptr;

// keep_ticket is the client's new-session callback: it keeps the newest session.
int keep_ticket(SSL* /*ssl*/, SSL_SESSION* session) {
  if (g_tickets == nullptr) {
    return 0;
  }
  SSL_SESSION_free(g_tickets->latest);
  g_tickets->latest = session;
  g_tickets->received++;
  return 1;
}

// Contexts is a client and server SSL_CTX, made once per row and reused by every connection.
struct Contexts {
  SSL_CTX* client = nullptr;
  SSL_CTX* server = nullptr;
  Contexts() = default;
  Contexts(const Contexts&) = delete;
  Contexts& operator=(const Contexts&) = delete;
  ~Contexts() {
    SSL_CTX_free(client);
    SSL_CTX_free(server);
  }
};

// The signature algorithms the client accepts: BoringSSL's defaults for TLS 1.3, plus Ed25519,
// which BoringSSL's client does not accept unless asked.
constexpr uint16_t kClientVerifyAlgorithms[] = {
    SSL_SIGN_ECDSA_SECP256R1_SHA256, SSL_SIGN_RSA_PSS_RSAE_SHA256, SSL_SIGN_RSA_PKCS1_SHA256,
    SSL_SIGN_ECDSA_SECP384R1_SHA384, SSL_SIGN_RSA_PSS_RSAE_SHA384, SSL_SIGN_RSA_PKCS1_SHA384,
    SSL_SIGN_RSA_PSS_RSAE_SHA512,    SSL_SIGN_RSA_PKCS1_SHA512,    SSL_SIGN_ED25519,
};

// make_contexts makes the contexts of a `kind` row: TLS 1.3 only, X25519 only, the leaf + CA
// chain and the leaf key on the server, which signs only with signature_algorithm(kind). The
// client checks CertificateVerify in every mode (BoringSSL's TLS 1.3 client always does); with
// kChain it also has SSL_VERIFY_PEER, the CA as its only trust anchor and the host name
// `host` to check. Without kResume the server sends no tickets; with it, one per handshake.
std::unique_ptr<Contexts> make_contexts(const Pki& pki, KeyKind kind, Mode mode,
                                        const char* host = "localhost") {
  auto ctx = std::make_unique<Contexts>();
  ctx->client = SSL_CTX_new(TLS_method());
  ctx->server = SSL_CTX_new(TLS_method());
  if (ctx->client == nullptr || ctx->server == nullptr) {
    die("SSL_CTX_new failed");
  }
  for (SSL_CTX* c : {ctx->client, ctx->server}) {
    if (SSL_CTX_set_min_proto_version(c, TLS1_3_VERSION) != 1 ||
        SSL_CTX_set_max_proto_version(c, TLS1_3_VERSION) != 1 ||
        SSL_CTX_set1_curves_list(c, "X25519") != 1) {
      die("SSL_CTX version or group set-up failed");
    }
  }
  const uint16_t sigalg = signature_algorithm(kind);
  if (SSL_CTX_set_signing_algorithm_prefs(ctx->server, &sigalg, 1) != 1 ||
      SSL_CTX_set_verify_algorithm_prefs(ctx->client, kClientVerifyAlgorithms,
                                         std::size(kClientVerifyAlgorithms)) != 1) {
    die("signature algorithm set-up failed");
  }
  if (mode == Mode::kChain) {
    if (X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx->client), pki.ca) != 1 ||
        X509_VERIFY_PARAM_set1_host(SSL_CTX_get0_param(ctx->client), host, std::strlen(host)) !=
            1) {
      die("trust store set-up failed");
    }
    SSL_CTX_set_verify(ctx->client, SSL_VERIFY_PEER, nullptr);
  } else {
    SSL_CTX_set_verify(ctx->client, SSL_VERIFY_NONE, nullptr);
  }
  // Tickets are stateless: the server needs no session cache to resume.
  SSL_CTX_set_session_cache_mode(ctx->server, SSL_SESS_CACHE_OFF);
  if (mode == Mode::kResume) {
    SSL_CTX_set_num_tickets(ctx->server, 1);
    SSL_CTX_set_session_cache_mode(ctx->client, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL);
    SSL_CTX_sess_set_new_cb(ctx->client, keep_ticket);
  } else {
    SSL_CTX_set_num_tickets(ctx->server, 0);
    SSL_CTX_set_options(ctx->server, SSL_OP_NO_TICKET);
    SSL_CTX_set_session_cache_mode(ctx->client, SSL_SESS_CACHE_OFF);
  }
  if (SSL_CTX_use_certificate(ctx->server, pki.leaf) != 1 ||
      SSL_CTX_add1_chain_cert(ctx->server, pki.ca) != 1 ||
      SSL_CTX_use_PrivateKey(ctx->server, pki.key) != 1 ||
      SSL_CTX_check_private_key(ctx->server) != 1) {
    die("server certificate set-up failed");
  }
  return ctx;
}

// ---- Pairs ----

// Pair is a client and a server joined by a BIO pair.
struct Pair {
  SSL* client = nullptr;
  SSL* server = nullptr;
  Pair() = default;
  Pair(Pair&& o) noexcept : client(o.client), server(o.server) {
    o.client = nullptr;
    o.server = nullptr;
  }
  Pair& operator=(Pair&&) = delete;
  ~Pair() {
    SSL_free(client);
    SSL_free(server);
  }
};

// handshake creates a pair and completes its handshake, charging each side's calls (SSL_new,
// the set-up, every SSL_do_handshake) to its timer; the BIO pair, made between the sides'
// calls, is charged to neither. With `session`, the client offers it for resumption. `bio_size`
// is the size of each BIO pair buffer (0: BoringSSL's default). Returns false on failure.
bool handshake(const Contexts& ctx, SideTimer& ct, SideTimer& st, Pair& pair,
               SSL_SESSION* session = nullptr, size_t bio_size = 0) {
  pair.client = ct.time([&] { return SSL_new(ctx.client); });
  pair.server = st.time([&] { return SSL_new(ctx.server); });
  if (pair.client == nullptr || pair.server == nullptr) {
    return false;
  }
  BIO* client_bio = nullptr;
  BIO* server_bio = nullptr;
  if (BIO_new_bio_pair(&client_bio, bio_size, &server_bio, bio_size) != 1) {
    return false;
  }
  bool set_up = ct.time([&] {
    SSL_set_bio(pair.client, client_bio, client_bio);
    SSL_set_connect_state(pair.client);
    return SSL_set_tlsext_host_name(pair.client, "localhost") == 1 &&
           (session == nullptr || SSL_set_session(pair.client, session) == 1);
  });
  st.time([&] {
    SSL_set_bio(pair.server, server_bio, server_bio);
    SSL_set_accept_state(pair.server);
  });
  if (!set_up) {
    return false;
  }
  bool client_done = false;
  bool server_done = false;
  for (int round = 0; round < 32 && !(client_done && server_done); round++) {
    if (!client_done) {
      int r = ct.time([&] { return SSL_do_handshake(pair.client); });
      if (r == 1) {
        client_done = true;
      } else if (int e = SSL_get_error(pair.client, r);
                 e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
        return false;
      }
    }
    if (!server_done) {
      int r = st.time([&] { return SSL_do_handshake(pair.server); });
      if (r == 1) {
        server_done = true;
      } else if (int e = SSL_get_error(pair.server, r);
                 e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
        return false;
      }
    }
  }
  return client_done && server_done;
}

// pass_ticket has the server send its NewSessionTicket and the client take it. BoringSSL's
// server queues the ticket when the handshake completes and sends it with its next write (a
// real server: with its first response), so the server makes an empty SSL_write; the client
// processes post-handshake messages in SSL_read. Each call is charged to its side. Returns
// false unless the client's read found no application data and asked for more.
bool pass_ticket(SSL* server, SSL* client, SideTimer& st, SideTimer& ct) {
  if (st.time([&] { return SSL_write(server, "", 0); }) < 0) {
    return false;
  }
  uint8_t byte = 0;
  int r = ct.time([&] { return SSL_read(client, &byte, 1); });
  return r <= 0 && SSL_get_error(client, r) == SSL_ERROR_WANT_READ;
}

// free_pair frees each side in its own span.
void free_pair(Pair& pair, SideTimer& ct, SideTimer& st) {
  ct.time([&] {
    SSL_free(pair.client);
    pair.client = nullptr;
  });
  st.time([&] {
    SSL_free(pair.server);
    pair.server = nullptr;
  });
}

// negotiation_problem returns what is wrong with an established pair of a `kind` row (the
// version, suite, group or signature algorithm; the chain result; resumption), or "".
std::string negotiation_problem(const Pair& pair, KeyKind kind, Mode mode, bool resumed) {
  if (SSL_version(pair.client) != TLS1_3_VERSION || SSL_version(pair.server) != TLS1_3_VERSION) {
    return "TLS 1.3 not negotiated";
  }
  const SSL_CIPHER* cipher = SSL_get_current_cipher(pair.client);
  if (cipher == nullptr || SSL_CIPHER_get_protocol_id(cipher) != 0x1301) {
    return std::string("negotiated ") +
           (cipher != nullptr ? SSL_CIPHER_standard_name(cipher) : "no suite") +
           ", not TLS_AES_128_GCM_SHA256 (BoringSSL prefers AES-GCM only with AES instructions)";
  }
  if (SSL_get_curve_id(pair.client) != SSL_CURVE_X25519) {
    return "X25519 not negotiated";
  }
  if ((SSL_session_reused(pair.client) == 1) != resumed ||
      (SSL_session_reused(pair.server) == 1) != resumed) {
    return resumed ? "the session was not resumed" : "unexpected resumption";
  }
  if (!resumed && SSL_get_peer_signature_algorithm(pair.client) != signature_algorithm(kind)) {
    return "wrong CertificateVerify algorithm";
  }
  if (mode == Mode::kChain && SSL_get_verify_result(pair.client) != X509_V_OK) {
    return "chain not verified";
  }
  return "";
}

// full_handshake_problem makes one full handshake of `kind` and says what is wrong with what it
// negotiated ("" when nothing is).
std::string full_handshake_problem(const Pki& pki, KeyKind kind) {
  auto ctx = make_contexts(pki, kind, Mode::kHandshake);
  SideTimer ct(HeapSide::kClient), st(HeapSide::kServer);
  Pair pair;
  if (!handshake(*ctx, ct, st, pair)) {
    return "handshake failed";
  }
  return negotiation_problem(pair, kind, Mode::kHandshake, false);
}

// ---- The CertificateVerify check ----

// A server key method that signs with the leaf key and, when g_tamper is set, flips a bit of
// the signature's last byte, which leaves the signature well-formed but wrong.
EVP_PKEY* g_signing_key = nullptr;
bool g_tamper = false;

ssl_private_key_result_t sign_maybe_tampered(SSL* /*ssl*/, uint8_t* out, size_t* out_len,
                                             size_t max_out, uint16_t algorithm, const uint8_t* in,
                                             size_t in_len) {
  EVP_MD_CTX* md_ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pkey_ctx = nullptr;
  *out_len = max_out;
  bool ok = md_ctx != nullptr &&
            EVP_DigestSignInit(md_ctx, &pkey_ctx, SSL_get_signature_algorithm_digest(algorithm),
                               nullptr, g_signing_key) == 1 &&
            (!SSL_is_signature_algorithm_rsa_pss(algorithm) ||
             (EVP_PKEY_CTX_set_rsa_padding(pkey_ctx, RSA_PKCS1_PSS_PADDING) == 1 &&
              EVP_PKEY_CTX_set_rsa_pss_saltlen(pkey_ctx, -1) == 1)) &&
            EVP_DigestSign(md_ctx, out, out_len, in, in_len) == 1 && *out_len > 0;
  EVP_MD_CTX_free(md_ctx);
  if (!ok) {
    return ssl_private_key_failure;
  }
  if (g_tamper) {
    out[*out_len - 1] ^= 1;
  }
  return ssl_private_key_success;
}

ssl_private_key_result_t no_decrypt(SSL*, uint8_t*, size_t*, size_t, const uint8_t*, size_t) {
  return ssl_private_key_failure;
}

ssl_private_key_result_t no_complete(SSL*, uint8_t*, size_t*, size_t) {
  return ssl_private_key_failure;
}

constexpr SSL_PRIVATE_KEY_METHOD kMaybeTampered = {sign_maybe_tampered, no_decrypt, no_complete};

// certificate_verify_problem checks that a client made for `mode` refuses a CertificateVerify
// whose signature was changed, and accepts it unchanged through the same key method (so that
// the refusal is the signature's). Returns "" or what is wrong.
std::string certificate_verify_problem(const Pki& pki, KeyKind kind, Mode mode) {
  auto ctx = make_contexts(pki, kind, mode);
  SSL_CTX_set_private_key_method(ctx->server, &kMaybeTampered);
  g_signing_key = pki.key;
  std::string problem;
  for (bool tamper : {false, true}) {
    g_tamper = tamper;
    SideTimer ct(HeapSide::kClient), st(HeapSide::kServer);
    Pair pair;
    if (handshake(*ctx, ct, st, pair) == tamper) {
      problem = tamper ? "a wrong CertificateVerify signature was accepted"
                       : "the handshake failed through the signing check's key method";
      break;
    }
  }
  ERR_clear_error();
  g_tamper = false;
  g_signing_key = nullptr;
  return problem;
}

// ---- Rows ----

// Row is one benchmark: its name, a check run once before it is registered (returns "" or what
// is wrong), and its body.
struct Row {
  std::string name;
  std::function<std::string()> check;
  std::function<void(benchmark::State&)> run;
  bool once = false;  // One iteration, whatever --min_time says.
};

void set_handshake_counters(benchmark::State& state, const SideTimer& ct, const SideTimer& st) {
  double n = static_cast<double>(state.iterations());
  state.counters["handshakes_per_s"] = benchmark::Counter(n, benchmark::Counter::kIsRate);
  state.counters["client_us"] = ct.microseconds() / n;
  state.counters["server_us"] = st.microseconds() / n;
}

Row handshake_row(const Pki& pki, KeyKind kind, Mode mode) {
  const std::string prefix = mode == Mode::kChain ? "handshake_chain/" : "handshake/";
  Row row;
  row.name = prefix + key_name(kind) + "/boringssl";
  row.check = [&pki, kind, mode]() -> std::string {
    auto ctx = make_contexts(pki, kind, mode);
    SideTimer ct(HeapSide::kClient), st(HeapSide::kServer);
    Pair pair;
    if (!handshake(*ctx, ct, st, pair)) {
      return "handshake failed";
    }
    std::string problem = negotiation_problem(pair, kind, mode, false);
    if (problem.empty()) {
      problem = certificate_verify_problem(pki, kind, mode);
    }
    if (!problem.empty() || mode != Mode::kChain) {
      return problem;
    }
    // The chain rows must really check the host name: another name must be refused.
    auto wrong = make_contexts(pki, kind, mode, "example.com");
    Pair refused;
    if (handshake(*wrong, ct, st, refused)) {
      return "a leaf for another host name was accepted";
    }
    ERR_clear_error();
    return "";
  };
  row.run = [&pki, kind, mode](benchmark::State& state) {
    auto ctx = make_contexts(pki, kind, mode);
    SideTimer ct(HeapSide::kClient), st(HeapSide::kServer);
    {
      Pair warm;
      SideTimer unused_c(HeapSide::kClient), unused_s(HeapSide::kServer);
      if (!handshake(*ctx, unused_c, unused_s, warm)) {
        state.SkipWithError("handshake failed");
        return;
      }
    }
    for (auto _ : state) {
      Pair pair;
      if (!handshake(*ctx, ct, st, pair)) {
        state.SkipWithError("handshake failed");
        break;
      }
      free_pair(pair, ct, st);
    }
    set_handshake_counters(state, ct, st);
  };
  return row;
}

// first_ticket makes a full handshake with `ctx` and returns the session of its ticket, or
// null.
SSL_SESSION* first_ticket(const Contexts& ctx, Tickets& tickets) {
  SideTimer ct(HeapSide::kClient), st(HeapSide::kServer);
  Pair pair;
  if (!handshake(ctx, ct, st, pair) || !pass_ticket(pair.server, pair.client, st, ct) ||
      tickets.received != 1) {
    return nullptr;
  }
  SSL_SESSION* s = tickets.latest;
  tickets.latest = nullptr;
  return s;
}

Row resume_row(const Pki& pki, KeyKind kind) {
  Row row;
  row.name = std::string("resume/") + key_name(kind) + "/boringssl";
  row.check = [&pki, kind]() -> std::string {
    auto ctx = make_contexts(pki, kind, Mode::kResume);
    Tickets tickets;
    g_tickets = &tickets;
    SSL_SESSION* session = first_ticket(*ctx, tickets);
    std::string problem;
    if (session == nullptr) {
      problem = "no ticket (or more than one) after a full handshake";
    } else {
      SideTimer ct(HeapSide::kClient), st(HeapSide::kServer);
      Pair pair;
      tickets.received = 0;
      if (!handshake(*ctx, ct, st, pair, session)) {
        problem = "resumed handshake failed";
      } else {
        problem = negotiation_problem(pair, kind, Mode::kResume, true);
        if (problem.empty() &&
            (!pass_ticket(pair.server, pair.client, st, ct) || tickets.received != 1)) {
          problem = "no ticket (or more than one) after a resumed handshake";
        }
      }
    }
    SSL_SESSION_free(session);
    SSL_SESSION_free(tickets.latest);
    g_tickets = nullptr;
    return problem;
  };
  row.run = [&pki, kind](benchmark::State& state) {
    auto ctx = make_contexts(pki, kind, Mode::kResume);
    Tickets tickets;
    g_tickets = &tickets;
    SSL_SESSION* session = first_ticket(*ctx, tickets);
    SideTimer ct(HeapSide::kClient), st(HeapSide::kServer);
    for (auto _ : state) {
      if (session == nullptr) {
        state.SkipWithError("no ticket");
        break;
      }
      Pair pair;
      tickets.received = 0;
      if (!handshake(*ctx, ct, st, pair, session) ||
          !pass_ticket(pair.server, pair.client, st, ct) || tickets.received != 1 ||
          SSL_session_reused(pair.client) != 1) {
        state.SkipWithError("resumption failed");
        break;
      }
      // Each ticket is used once: the next handshake offers the one this one brought.
      ct.time([&] { SSL_SESSION_free(session); });
      session = tickets.latest;
      tickets.latest = nullptr;
      free_pair(pair, ct, st);
    }
    SSL_SESSION_free(session);
    SSL_SESSION_free(tickets.latest);
    g_tickets = nullptr;
    set_handshake_counters(state, ct, st);
  };
  return row;
}

Row throughput_row(const Pki& pki, size_t size) {
  Row row;
  row.name = "throughput/aes128gcm/" + std::to_string(size) + "/boringssl";
  const KeyKind kind = KeyKind::kEcdsaP256;
  row.check = [&pki, kind]() -> std::string { return full_handshake_problem(pki, kind); };
  row.run = [&pki, kind, size](benchmark::State& state) {
    auto ctx = make_contexts(pki, kind, Mode::kHandshake);
    SideTimer ct(HeapSide::kClient), st(HeapSide::kServer);
    Pair pair;
    // BIO buffers big enough for a whole 16 KiB record and its overhead.
    if (!handshake(*ctx, ct, st, pair, nullptr, 64 * 1024)) {
      state.SkipWithError("handshake failed");
      return;
    }
    std::vector<uint8_t> data(size);
    for (size_t i = 0; i < size; i++) {
      data[i] = static_cast<uint8_t>(i * 31 + 7);
    }
    std::vector<uint8_t> sink(size);
    for (auto _ : state) {
      if (SSL_write(pair.client, data.data(), static_cast<int>(size)) != static_cast<int>(size)) {
        state.SkipWithError("SSL_write failed");
        break;
      }
      size_t got = 0;
      while (got < size) {
        int n = SSL_read(pair.server, sink.data() + got, static_cast<int>(size - got));
        if (n <= 0) {
          break;
        }
        got += static_cast<size_t>(n);
      }
      if (got != size) {
        state.SkipWithError("SSL_read came up short");
        break;
      }
    }
    if (sink != data) {
      state.SkipWithError("BoringSSL delivered the wrong bytes");
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(size));
  };
  return row;
}

// ---- Heap per connection ----

// kMemoryPairs pairs are established for the idle figures, as in bench/memory_bench.cc.
constexpr int kMemoryPairs = 1000;

// detach_bios frees the BIO pair of an established pair.
void detach_bios(Pair& pair) {
  SSL_set_bio(pair.client, nullptr, nullptr);
  SSL_set_bio(pair.server, nullptr, nullptr);
}

// memory_row is memory/boringssl: the counters of bench/memory_bench.cc (see there and
// bench/README.md, "Memory") for the setup of handshake/ecdsa_p256/boringssl (the client checks
// CertificateVerify, not the chain), counted by the malloc replacements above. As for OpenSSL in
// memory_bench.cc, the BIO pair exists only for the in-memory transport (a real connection has
// a socket BIO): its allocation is measured on its own (bio_pair_bytes) and subtracted from the
// pair's peak, it is charged to neither side (handshake() makes it between the sides' calls),
// and the BIOs are detached before the idle figures are taken.
Row memory_row(const Pki& pki) {
  const KeyKind kind = KeyKind::kEcdsaP256;
  Row row;
  row.name = "memory/boringssl";
  row.once = true;
  row.check = [&pki, kind]() -> std::string {
    // The replacements must see BoringSSL's allocations and the program's own.
    heap_start();
    void* crypto = OPENSSL_malloc(1000);
    int64_t crypto_bytes = heap_current();
    auto cxx = std::make_unique<std::vector<char>>(1000);
    int64_t cxx_bytes = heap_current() - crypto_bytes;
    cxx.reset();
    OPENSSL_free(crypto);
    int64_t left = heap_current();
    heap_stop();
    if (crypto_bytes < 1000 || cxx_bytes < 1000 || left != 0) {
      return "the malloc replacements do not see the heap (OPENSSL_malloc " +
             std::to_string(crypto_bytes) + " bytes, operator new " + std::to_string(cxx_bytes) +
             ", left " + std::to_string(left) + ")";
    }
    return full_handshake_problem(pki, kind);
  };
  row.run = [&pki, kind](benchmark::State& state) {
    heap_start();
    auto ctx = make_contexts(pki, kind, Mode::kHandshake);
    SideTimer ct(HeapSide::kClient), st(HeapSide::kServer);
    {
      Pair warm;  // Warms up whatever BoringSSL sets up on first use.
      if (!handshake(*ctx, ct, st, warm)) {
        state.SkipWithError("handshake failed");
        heap_stop();
        return;
      }
    }
    for (auto _ : state) {
      // The BIO pair's own allocation, to leave out of the peak.
      int64_t before_bio = heap_current();
      BIO* a = nullptr;
      BIO* b = nullptr;
      if (BIO_new_bio_pair(&a, 0, &b, 0) != 1) {
        state.SkipWithError("BIO_new_bio_pair failed");
        break;
      }
      int64_t bio_bytes = heap_current() - before_bio;
      BIO_free(a);
      BIO_free(b);

      // One pair created, handshaken and freed, each side's calls charged to it.
      int64_t base = heap_current();
      heap_reset_peak();
      heap_sides_begin();
      bool ok = false;
      {
        Pair one;
        ok = handshake(*ctx, ct, st, one);
        free_pair(one, ct, st);
      }
      heap_sides_end();
      if (!ok) {
        state.SkipWithError("handshake failed");
        break;
      }
      int64_t peak = heap_peak() - base - bio_bytes;
      int64_t client_peak = heap_side_peak(HeapSide::kClient);
      int64_t server_peak = heap_side_peak(HeapSide::kServer);
      int64_t client_allocs = heap_side_allocs(HeapSide::kClient);
      int64_t server_allocs = heap_side_allocs(HeapSide::kServer);

      // The idle figures: kMemoryPairs established pairs without their BIOs, all servers
      // freed, then all clients.
      std::vector<Pair> pairs;
      pairs.reserve(kMemoryPairs);  // Before the measurement: only the connections count.
      int64_t start = heap_current();
      for (int i = 0; i < kMemoryPairs && ok; i++) {
        pairs.emplace_back();
        ok = handshake(*ctx, ct, st, pairs.back());
        detach_bios(pairs.back());
      }
      if (!ok) {
        state.SkipWithError("handshake failed");
        break;
      }
      int64_t established = heap_current();
      for (Pair& p : pairs) {
        SSL_free(p.server);
        p.server = nullptr;
      }
      int64_t clients_only = heap_current();
      for (Pair& p : pairs) {
        SSL_free(p.client);
        p.client = nullptr;
      }
      int64_t end = heap_current();
      if (peak <= 0 || client_peak <= 0 || server_peak <= 0 || established <= start) {
        state.SkipWithError("the malloc replacements counted nothing");
        break;
      }
      int64_t chain = i2d_X509(pki.leaf, nullptr) + i2d_X509(pki.ca, nullptr);
      state.counters["handshake_peak_bytes"] = static_cast<double>(peak);
      state.counters["client_peak_bytes"] = static_cast<double>(client_peak);
      state.counters["server_peak_bytes"] = static_cast<double>(server_peak);
      state.counters["client_allocs"] = static_cast<double>(client_allocs);
      state.counters["server_allocs"] = static_cast<double>(server_allocs);
      state.counters["chain_bytes"] = static_cast<double>(chain);
      state.counters["client_idle_bytes"] = static_cast<double>(clients_only - end) / kMemoryPairs;
      state.counters["server_idle_bytes"] =
          static_cast<double>(established - clients_only) / kMemoryPairs;
      state.counters["bio_pair_bytes"] = static_cast<double>(bio_bytes);
      if (end != start) {
        std::fprintf(stderr, "boringssl_peer: memory/boringssl: %lld bytes not given back\n",
                     static_cast<long long>(end - start));
      }
    }
    heap_stop();
  };
  return row;
}

// ---- Command line ----

struct Options {
  std::string pki;
  std::string out;
  std::string filter;
  double min_time = 0.2;
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "boringssl_peer: %s\n"
               "usage: boringssl_peer --pki DIR --out FILE.json [--filter REGEX] "
               "[--min_time SECONDS]\n",
               why.c_str());
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; i++) {
    std::string arg = argv[i];
    std::string value;
    std::string flag = arg;
    if (size_t eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      flag = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      usage("missing value for " + arg);
    }
    if (flag == "--pki") {
      o.pki = value;
    } else if (flag == "--out") {
      o.out = value;
    } else if (flag == "--filter") {
      o.filter = value;
    } else if (flag == "--min_time") {
      char* end = nullptr;
      o.min_time = std::strtod(value.c_str(), &end);
      if (end == value.c_str() || *end != '\0' || !(o.min_time > 0)) {
        usage("--min_time wants a positive number of seconds");
      }
    } else {
      usage("unknown flag " + flag);
    }
  }
  if (o.pki.empty() || o.out.empty()) {
    usage("--pki and --out are required");
  }
  return o;
}

std::string version_string() {
  return std::string("BoringSSL of Debian's android-libboringssl ") + BORINGSSL_PEER_PACKAGE +
         " (BORINGSSL_API_VERSION " + std::to_string(BORINGSSL_API_VERSION) + ")";
}

// json_escape quotes `s` for a JSON string.
std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

// ---- Primitives alone (alt/<primitive>/boringssl) ----
//
// The handshake's public-key primitives through BoringSSL's lowest-level calls, beside
// glasstls_bench's alt/<primitive>/<impl> rows (bench/alt_primitives_bench.cc, same
// definitions): whether BoringSSL's libcrypto could serve as a faster implementation behind
// glasstls's provider seam. Each is checked once before it is timed.

std::vector<uint8_t> from_hex(const char* hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; hex[i] != 0 && hex[i + 1] != 0; i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(hex + i, 2), nullptr, 16)));
  }
  return out;
}

// x25519_problem checks X25519 against RFC 7748 section 6.1 (both public values and the shared
// secret) and the refusal of the all-zero result.
std::string x25519_problem() {
  const std::vector<uint8_t> a =
      from_hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  const std::vector<uint8_t> a_pub =
      from_hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  const std::vector<uint8_t> b =
      from_hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
  const std::vector<uint8_t> b_pub =
      from_hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  const std::vector<uint8_t> shared =
      from_hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
  uint8_t pub[32], out[32];
  X25519_public_from_private(pub, a.data());
  if (std::memcmp(pub, a_pub.data(), 32) != 0) {
    return "X25519 public value of RFC 7748 Alice is wrong";
  }
  X25519_public_from_private(pub, b.data());
  if (std::memcmp(pub, b_pub.data(), 32) != 0) {
    return "X25519 public value of RFC 7748 Bob is wrong";
  }
  if (X25519(out, a.data(), b_pub.data()) != 1 || std::memcmp(out, shared.data(), 32) != 0 ||
      X25519(out, b.data(), a_pub.data()) != 1 || std::memcmp(out, shared.data(), 32) != 0) {
    return "X25519 shared secret of RFC 7748 section 6.1 is wrong";
  }
  const uint8_t zero[32] = {};
  if (X25519(out, a.data(), zero) != 0) {
    return "X25519 accepted a peer value with an all-zero result";
  }
  return "";
}

// P256Key is a fresh P-256 key pair and its uncompressed point.
struct P256Key {
  bssl::UniquePtr<EC_KEY> key;
  std::vector<uint8_t> point;
};

P256Key p256_generate() {
  P256Key k;
  k.key.reset(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
  if (!k.key || EC_KEY_generate_key(k.key.get()) != 1) {
    return P256Key{};
  }
  k.point.resize(65);
  if (EC_POINT_point2oct(EC_KEY_get0_group(k.key.get()), EC_KEY_get0_public_key(k.key.get()),
                         POINT_CONVERSION_UNCOMPRESSED, k.point.data(), k.point.size(),
                         nullptr) != 65) {
    return P256Key{};
  }
  return k;
}

// p256_agree decodes `peer` (EC_POINT_oct2point refuses points off the curve) and writes the
// shared X; false if the point is refused.
bool p256_agree(const EC_KEY* own, const std::vector<uint8_t>& peer, uint8_t out[32]) {
  const EC_GROUP* group = EC_KEY_get0_group(own);
  bssl::UniquePtr<EC_POINT> point(EC_POINT_new(group));
  return point && EC_POINT_oct2point(group, point.get(), peer.data(), peer.size(), nullptr) == 1 &&
         ECDH_compute_key(out, 32, point.get(), own, nullptr) == 32;
}

std::string p256_agree_problem() {
  P256Key a = p256_generate();
  P256Key b = p256_generate();
  if (!a.key || !b.key) {
    return "P-256 key generation failed";
  }
  uint8_t ab[32], ba[32];
  if (!p256_agree(a.key.get(), b.point, ab) || !p256_agree(b.key.get(), a.point, ba) ||
      std::memcmp(ab, ba, 32) != 0) {
    return "P-256 agreement differs between the two sides";
  }
  std::vector<uint8_t> off = b.point;
  off[64] ^= 1;
  if (p256_agree(a.key.get(), off, ab)) {
    return "P-256 agreement accepted a point off the curve";
  }
  ERR_clear_error();
  return "";
}

// The 130-byte CertificateVerify input of the alt rows: 64 spaces, the context string, a zero
// byte and a 32-byte transcript hash (RFC 8446 section 4.4.3).
std::vector<uint8_t> certificate_verify_input() {
  std::vector<uint8_t> in(64, 0x20);
  const std::string context = "TLS 1.3, server CertificateVerify";
  in.insert(in.end(), context.begin(), context.end());
  in.push_back(0);
  for (int i = 0; i < 32; i++) {
    in.push_back(static_cast<uint8_t>(i * 7 + 1));
  }
  return in;
}

bool p256_sign(const EC_KEY* key, const std::vector<uint8_t>& msg, std::vector<uint8_t>& sig) {
  uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(msg.data(), msg.size(), digest);
  sig.resize(ECDSA_size(key));
  unsigned len = 0;
  if (ECDSA_sign(0, digest, sizeof(digest), sig.data(), &len, key) != 1) {
    return false;
  }
  sig.resize(len);
  return true;
}

// p256_verify starts from the signer's SubjectPublicKeyInfo, as a TLS client does.
bool p256_verify(const std::vector<uint8_t>& spki, const std::vector<uint8_t>& msg,
                 const std::vector<uint8_t>& sig) {
  CBS cbs;
  CBS_init(&cbs, spki.data(), spki.size());
  bssl::UniquePtr<EVP_PKEY> pkey(EVP_parse_public_key(&cbs));
  const EC_KEY* key = pkey ? EVP_PKEY_get0_EC_KEY(pkey.get()) : nullptr;
  if (key == nullptr) {
    return false;
  }
  uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(msg.data(), msg.size(), digest);
  return ECDSA_verify(0, digest, sizeof(digest), sig.data(), sig.size(), key) == 1;
}

std::vector<uint8_t> spki_of(const EC_KEY* key) {
  bssl::UniquePtr<EVP_PKEY> pkey(EVP_PKEY_new());
  bssl::ScopedCBB cbb;
  uint8_t* der = nullptr;
  size_t len = 0;
  if (!pkey || EVP_PKEY_set1_EC_KEY(pkey.get(), const_cast<EC_KEY*>(key)) != 1 ||
      CBB_init(cbb.get(), 128) != 1 || EVP_marshal_public_key(cbb.get(), pkey.get()) != 1 ||
      CBB_finish(cbb.get(), &der, &len) != 1) {
    return {};
  }
  std::vector<uint8_t> out(der, der + len);
  OPENSSL_free(der);
  return out;
}

std::string ecdsa_problem(const EC_KEY* key, const std::vector<uint8_t>& spki) {
  const std::vector<uint8_t> msg = certificate_verify_input();
  std::vector<uint8_t> sig;
  if (spki.empty() || !p256_sign(key, msg, sig) || !p256_verify(spki, msg, sig)) {
    return "an ECDSA P-256 signature does not verify";
  }
  std::vector<uint8_t> other = msg;
  other[100] ^= 1;
  if (p256_verify(spki, other, sig)) {
    return "an ECDSA P-256 signature verified over a changed message";
  }
  ERR_clear_error();
  return "";
}

std::vector<Row> alt_rows() {
  std::vector<Row> rows;
  Row row;
  row.name = "alt/x25519_keygen/boringssl";
  row.check = x25519_problem;
  row.run = [](benchmark::State& state) {
    uint8_t pub[32], priv[32];
    for (auto _ : state) {
      X25519_keypair(pub, priv);
      benchmark::DoNotOptimize(pub);
    }
  };
  rows.push_back(row);

  row.name = "alt/x25519_agree/boringssl";
  row.run = [](benchmark::State& state) {
    uint8_t pub[32], priv[32], peer[32], peer_priv[32], out[32];
    X25519_keypair(pub, priv);
    X25519_keypair(peer, peer_priv);
    for (auto _ : state) {
      if (X25519(out, priv, peer) != 1) {
        state.SkipWithError("X25519 failed");
        break;
      }
      benchmark::DoNotOptimize(out);
    }
  };
  rows.push_back(row);

  row.name = "alt/p256_keygen/boringssl";
  row.check = p256_agree_problem;
  row.run = [](benchmark::State& state) {
    for (auto _ : state) {
      P256Key k = p256_generate();
      if (!k.key) {
        state.SkipWithError("P-256 key generation failed");
        break;
      }
      benchmark::DoNotOptimize(k.point.data());
    }
  };
  rows.push_back(row);

  row.name = "alt/p256_agree/boringssl";
  row.run = [](benchmark::State& state) {
    P256Key own = p256_generate();
    P256Key peer = p256_generate();
    uint8_t out[32];
    for (auto _ : state) {
      if (!own.key || !peer.key || !p256_agree(own.key.get(), peer.point, out)) {
        state.SkipWithError("P-256 agreement failed");
        break;
      }
      benchmark::DoNotOptimize(out);
    }
  };
  rows.push_back(row);

  // One signing key for the check and the rows, kept until exit.
  static P256Key signer = p256_generate();
  static std::vector<uint8_t> spki =
      signer.key ? spki_of(signer.key.get()) : std::vector<uint8_t>();
  row.name = "alt/p256_sign/boringssl";
  row.check = [] {
    return signer.key ? ecdsa_problem(signer.key.get(), spki) : "P-256 key generation failed";
  };
  row.run = [](benchmark::State& state) {
    const std::vector<uint8_t> msg = certificate_verify_input();
    std::vector<uint8_t> sig;
    for (auto _ : state) {
      if (!p256_sign(signer.key.get(), msg, sig)) {
        state.SkipWithError("ECDSA signing failed");
        break;
      }
      benchmark::DoNotOptimize(sig.data());
    }
  };
  rows.push_back(row);

  row.name = "alt/p256_verify/boringssl";
  row.run = [](benchmark::State& state) {
    const std::vector<uint8_t> msg = certificate_verify_input();
    std::vector<uint8_t> sig;
    if (!p256_sign(signer.key.get(), msg, sig)) {
      state.SkipWithError("ECDSA signing failed");
      return;
    }
    for (auto _ : state) {
      if (!p256_verify(spki, msg, sig)) {
        state.SkipWithError("ECDSA verification failed");
        break;
      }
    }
  };
  rows.push_back(row);
  return rows;
}

int main(int argc, char** argv) {
  const Options opts = parse(argc, argv);

  regex_t filter;
  if (regcomp(&filter, opts.filter.empty() ? "." : opts.filter.c_str(), REG_EXTENDED | REG_NOSUB) !=
      0) {
    usage("--filter is not an extended regular expression: " + opts.filter);
  }

  // Loaded once and kept until exit: the rows refer to them.
  static std::vector<Pki> pkis;
  for (KeyKind kind : kKinds) {
    pkis.push_back(load_pki(opts.pki, kind));
  }
  const Pki& p256 = pkis[0];

  std::vector<Row> rows;
  for (size_t i = 0; i < std::size(kKinds); i++) {
    rows.push_back(handshake_row(pkis[i], kKinds[i], Mode::kHandshake));
  }
  for (size_t i = 0; i < std::size(kKinds); i++) {
    rows.push_back(handshake_row(pkis[i], kKinds[i], Mode::kChain));
  }
  for (size_t i = 0; i < std::size(kKinds); i++) {
    rows.push_back(resume_row(pkis[i], kKinds[i]));
  }
  for (size_t size : {size_t{16384}, size_t{1024}}) {
    rows.push_back(throughput_row(p256, size));
  }
  rows.push_back(memory_row(p256));
  for (Row& row : alt_rows()) {
    rows.push_back(std::move(row));
  }

  if (EVP_has_aes_hardware() != 1) {
    std::fprintf(stderr,
                 "boringssl_peer: no AES instructions: BoringSSL prefers ChaCha20-Poly1305, and "
                 "rows that do not negotiate TLS_AES_128_GCM_SHA256 are left out\n");
  }
  std::fprintf(stderr, "boringssl_peer: an empty timed span costs %.0f ns, subtracted from each\n",
               empty_span_ns());

  static std::vector<Row> registered;
  registered.reserve(rows.size());
  for (Row& row : rows) {
    if (regexec(&filter, row.name.c_str(), 0, nullptr, 0) != 0) {
      continue;
    }
    std::string problem = row.check();
    if (!problem.empty()) {
      std::fprintf(stderr, "boringssl_peer: %s left out: %s\n", row.name.c_str(), problem.c_str());
      ERR_clear_error();
      continue;
    }
    registered.push_back(std::move(row));
  }
  regfree(&filter);
  if (registered.empty()) {
    // Nothing to run: Google Benchmark would write no file, so write the empty result here.
    std::ofstream out(opts.out);
    out << "{\n  \"context\": {\n    \"boringssl_version\": \"" << json_escape(version_string())
        << "\"\n  },\n  \"benchmarks\": []\n}\n";
    if (!out) {
      die("cannot write " + opts.out);
    }
    return 0;
  }
  for (const Row& row : registered) {
    auto* b =
        benchmark::RegisterBenchmark(row.name.c_str(), [&row](benchmark::State& s) { row.run(s); });
    if (row.once) {
      b->Iterations(1);
    }
  }

  // One repetition, every registered row (the filter has been applied above), JSON to --out.
  std::string out_flag = "--benchmark_out=" + opts.out;
  std::string min_time_flag = "--benchmark_min_time=" + std::to_string(opts.min_time);
  std::vector<std::string> args = {argv[0], out_flag, "--benchmark_out_format=json",
                                   "--benchmark_repetitions=1", min_time_flag};
  std::vector<char*> bargv;
  for (std::string& a : args) {
    bargv.push_back(a.data());
  }
  int bargc = static_cast<int>(bargv.size());
  bargv.push_back(nullptr);
  benchmark::Initialize(&bargc, bargv.data());
  benchmark::AddCustomContext("boringssl_version", version_string());
  benchmark::AddCustomContext(
      "boringssl_heap_accounting",
      "memory/boringssl: malloc, calloc, realloc, free, posix_memalign, aligned_alloc, memalign, "
      "valloc, pvalloc replaced in the peer (glibc's __libc_* underneath, malloc_usable_size of "
      "each block): libcrypto's, libssl's and the peer's own heap. BIO pair buffers left out");
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
