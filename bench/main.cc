// main.cc: the single entry point of `glasstls_bench`, and its heap accounting.
//
// Every other bench/*.cc file only registers benchmarks; none of them may define main().
//
// Heap accounting: OpenSSL's allocations are counted through CRYPTO_set_mem_functions, which
// OpenSSL accepts only before its first allocation, so the hooks are installed by a constructor
// that runs before any C++ static initializer of the program. C++ allocations (glasstls's own,
// and the standard library's) are counted by replacing the global operator new and delete. Both
// count malloc_usable_size, so realloc and unsized delete need no size header.
//
// Counting is on only inside the memory rows (HeapCounting, common.h): every other row pays one
// predictable branch per allocation and free, as the external peers' rows pay nothing, so no
// stack's timings carry the accounting. While it is on, every block allocated is counted and
// remembered in an owner table, and a free counts only if its block was counted: a block
// allocated before counting began (a cache, a configuration) changes nothing when it is freed.
//
// Per-side accounting (memory_bench.cc): between heap_sides_begin() and heap_sides_end(), every
// block allocated while a side is marked current (HeapSideScope, common.h) is charged to that
// side in the owner table, so that its free is charged back to the same side whoever frees it
// and whenever; each heap_sides_begin() starts a new epoch, and blocks of an earlier one are
// charged to no side. The table lives in untracked malloc memory.

#include <benchmark/benchmark.h>
#include <malloc.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <new>
#include <string>
#include <vector>

#include "common.h"

namespace {

// The counters are plain integers updated without atomics: the benchmarks run on one thread,
// and a lock prefix on every allocation would distort the timings. (OpenSSL may allocate from
// its own threads only if asked to; nothing here does.)
int64_t g_current = 0;
int64_t g_peak = 0;
bool g_openssl_hooks = false;

using glasstls::bench::HeapSide;
constexpr int kSides = 3;  // HeapSide::kNone, kClient, kServer.

bool g_counting = false;
HeapSide g_side = HeapSide::kNone;
bool g_sides_on = false;
uint32_t g_epoch = 0;
int64_t g_side_current[kSides] = {};
int64_t g_side_peak[kSides] = {};
// g_side_allocs counts the blocks allocated by each side (realloc counts as one more).
int64_t g_side_allocs[kSides] = {};

// OwnerTable maps each counted block to the side it is charged to (kNone for none) and the
// per-side epoch it was allocated in: open addressing with linear
// probing, keyed by the block address (never 0), deleted with backward shifting so that no
// tombstones build up. Its storage comes from std::calloc, which the counters do not see.
class OwnerTable {
 public:
  void clear() {
    if (slots_ != nullptr) {
      std::fill(slots_, slots_ + capacity_, Slot{});
    }
    size_ = 0;
  }
  struct Owner {
    HeapSide side = HeapSide::kNone;
    uint32_t epoch = 0;
  };
  void insert(void* p, Owner owner) {
    if ((size_ + 1) * 2 > capacity_) {
      grow();
    }
    place(Slot{reinterpret_cast<uintptr_t>(p), owner});
    size_++;
  }
  // take removes `p` and writes its owner; false if `p` is not in the table (not counted).
  bool take(void* p, Owner& owner) {
    if (size_ == 0) {
      return false;
    }
    const uintptr_t key = reinterpret_cast<uintptr_t>(p);
    size_t i = index(key);
    while (slots_[i].key != 0) {
      if (slots_[i].key == key) {
        owner = slots_[i].owner;
        erase_at(i);
        size_--;
        return true;
      }
      i = (i + 1) & (capacity_ - 1);
    }
    return false;
  }

 private:
  struct Slot {
    uintptr_t key = 0;
    Owner owner;
  };
  size_t index(uintptr_t key) const {
    // Fibonacci hashing of the address; heap blocks are 16-byte aligned.
    return static_cast<size_t>(((key >> 4) * 0x9E3779B97F4A7C15ull) >> 20) & (capacity_ - 1);
  }
  void place(Slot s) {
    size_t i = index(s.key);
    while (slots_[i].key != 0) {
      i = (i + 1) & (capacity_ - 1);
    }
    slots_[i] = s;
  }
  void erase_at(size_t hole) {
    // Move back every later entry of the run whose home slot is not after the hole.
    size_t j = hole;
    for (;;) {
      j = (j + 1) & (capacity_ - 1);
      if (slots_[j].key == 0) {
        break;
      }
      size_t home = index(slots_[j].key);
      // slots_[j] may fill the hole if its home is cyclically outside (hole, j].
      bool movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (movable) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole] = Slot{};
  }
  void grow() {
    Slot* old = slots_;
    size_t old_capacity = capacity_;
    capacity_ = capacity_ == 0 ? (size_t{1} << 14) : capacity_ * 2;
    slots_ = static_cast<Slot*>(std::calloc(capacity_, sizeof(Slot)));
    if (slots_ == nullptr) {
      std::abort();
    }
    for (size_t i = 0; i < old_capacity; i++) {
      if (old[i].key != 0) {
        place(old[i]);
      }
    }
    std::free(old);
  }

  Slot* slots_ = nullptr;
  size_t capacity_ = 0;  // A power of two, or 0 before the first insert.
  size_t size_ = 0;
};

OwnerTable g_owners;

inline void side_add(HeapSide side, int64_t n) {
  int i = static_cast<int>(side);
  g_side_current[i] += n;
  if (g_side_current[i] > g_side_peak[i]) {
    g_side_peak[i] = g_side_current[i];
  }
}

// charged_side is the side a block allocated now is charged to.
inline HeapSide charged_side() { return g_sides_on ? g_side : HeapSide::kNone; }

inline void count_alloc(void* p, HeapSide side) {
  if (p == nullptr || !g_counting) {
    return;
  }
  int64_t n = static_cast<int64_t>(malloc_usable_size(p));
  g_current += n;
  if (g_current > g_peak) {
    g_peak = g_current;
  }
  g_owners.insert(p, {side, g_epoch});
  if (side != HeapSide::kNone) {
    side_add(side, n);
    g_side_allocs[static_cast<int>(side)]++;
  }
}

inline void count_alloc(void* p) { count_alloc(p, charged_side()); }

// uncount takes a counted block out of the counters (before it is freed or resized) and returns
// the side it stays charged to: its owner if that was charged in the current epoch, else kNone.
inline HeapSide uncount(void* p) {
  OwnerTable::Owner owner;
  if (p == nullptr || !g_counting || !g_owners.take(p, owner)) {
    return HeapSide::kNone;
  }
  int64_t n = static_cast<int64_t>(malloc_usable_size(p));
  g_current -= n;
  if (!g_sides_on || owner.side == HeapSide::kNone || owner.epoch != g_epoch) {
    return HeapSide::kNone;
  }
  g_side_current[static_cast<int>(owner.side)] -= n;
  return owner.side;
}

inline void count_free(void* p) { (void)uncount(p); }

void* counted_malloc(size_t n) {
  void* p = std::malloc(n);
  count_alloc(p);
  return p;
}

void counted_free(void* p) {
  count_free(p);
  std::free(p);
}

void* openssl_malloc(size_t n, const char* /*file*/, int /*line*/) { return counted_malloc(n); }

void* openssl_realloc(void* p, size_t n, const char* /*file*/, int /*line*/) {
  if (p == nullptr) {
    return counted_malloc(n);
  }
  if (n == 0) {
    counted_free(p);
    return nullptr;
  }
  if (!g_counting) {
    return std::realloc(p, n);
  }
  // The resized block stays with the side that owned it (or, if none, goes to the current one).
  const HeapSide owner = uncount(p);
  void* q = std::realloc(p, n);
  if (q == nullptr) {
    count_alloc(p, owner);  // realloc failed: `p` is untouched, counted again as it was.
    return nullptr;
  }
  count_alloc(q, owner != HeapSide::kNone ? owner : charged_side());
  return q;
}

void openssl_free(void* p, const char* /*file*/, int /*line*/) { counted_free(p); }

// Runs before every default-priority static initializer of the program (GCC orders
// constructor priorities across translation units), hence before anything can reach OpenSSL.
__attribute__((constructor(101))) void install_openssl_hooks() {
  g_openssl_hooks = CRYPTO_set_mem_functions(openssl_malloc, openssl_realloc, openssl_free) == 1;
}

void* counted_new(size_t n) {
  void* p = counted_malloc(n == 0 ? 1 : n);
  if (p == nullptr) {
    std::abort();  // The core never throws, and the benchmarks cannot go on without memory.
  }
  return p;
}

void* counted_aligned_new(size_t n, std::align_val_t align) {
  size_t a = static_cast<size_t>(align);
  size_t rounded = ((n == 0 ? 1 : n) + a - 1) / a * a;
  void* p = std::aligned_alloc(a, rounded);
  if (p == nullptr) {
    std::abort();
  }
  count_alloc(p);
  return p;
}

}  // namespace

namespace glasstls::bench {

int64_t heap_current() { return g_current; }
int64_t heap_peak() { return g_peak; }
void heap_reset_peak() { g_peak = g_current; }
bool openssl_hooks_installed() { return g_openssl_hooks; }

HeapSide heap_set_side(HeapSide side) {
  HeapSide previous = g_side;
  g_side = side;
  return previous;
}

void heap_count(bool on) {
  g_owners.clear();
  g_current = 0;
  g_peak = 0;
  g_sides_on = false;
  g_counting = on;
}

void heap_sides_begin() {
  g_epoch++;
  for (int i = 0; i < kSides; i++) {
    g_side_current[i] = 0;
    g_side_peak[i] = 0;
    g_side_allocs[i] = 0;
  }
  g_sides_on = true;
}

void heap_sides_end() { g_sides_on = false; }

int64_t heap_side_current(HeapSide side) { return g_side_current[static_cast<int>(side)]; }
int64_t heap_side_peak(HeapSide side) { return g_side_peak[static_cast<int>(side)]; }
int64_t heap_side_allocs(HeapSide side) { return g_side_allocs[static_cast<int>(side)]; }

}  // namespace glasstls::bench

void* operator new(size_t n) { return counted_new(n); }
void* operator new[](size_t n) { return counted_new(n); }
void* operator new(size_t n, const std::nothrow_t&) noexcept { return counted_malloc(n ? n : 1); }
void* operator new[](size_t n, const std::nothrow_t&) noexcept { return counted_malloc(n ? n : 1); }
void* operator new(size_t n, std::align_val_t a) { return counted_aligned_new(n, a); }
void* operator new[](size_t n, std::align_val_t a) { return counted_aligned_new(n, a); }
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, size_t) noexcept { counted_free(p); }
void operator delete[](void* p, size_t) noexcept { counted_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, size_t, std::align_val_t) noexcept { counted_free(p); }

namespace {

// write_file writes `bytes` to `path`; dies on failure.
void write_file(const std::filesystem::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out.good()) {
    glasstls::bench::die("cannot write " + path.string());
  }
}

// export_pki writes the PKI of every key kind, as the benchmarks use it, under `dir` for the
// external peers (bench/peers/, see bench/README.md): <key>/leaf.der, <key>/ca.der and
// <key>/leaf.key.der (the leaf's unencrypted PKCS#8 private key). Dies on failure.
void export_pki(const std::filesystem::path& dir) {
  using glasstls::bench::KeyKind;
  for (KeyKind kind : {KeyKind::kEcdsaP256, KeyKind::kRsa2048, KeyKind::kEd25519}) {
    const glasstls::bench::PeerPki& p = glasstls::bench::peer_pki(kind);
    const std::filesystem::path sub = dir / glasstls::bench::key_name(kind);
    std::error_code ec;
    std::filesystem::create_directories(sub, ec);
    if (ec) {
      glasstls::bench::die("cannot create " + sub.string() + ": " + ec.message());
    }
    write_file(sub / "leaf.der", p.leaf_der);
    write_file(sub / "ca.der", p.ca_der);
    write_file(sub / "leaf.key.der", p.key_pkcs8_der);
  }
}

}  // namespace

int main(int argc, char** argv) {
  // --export_pki DIR (or --export_pki=DIR): write the PKI for the external peers and exit.
  for (int i = 1; i < argc; i++) {
    const char* dir = nullptr;
    if (std::strcmp(argv[i], "--export_pki") == 0 && i + 1 < argc) {
      dir = argv[i + 1];
    } else if (std::strncmp(argv[i], "--export_pki=", 13) == 0) {
      dir = argv[i] + 13;
    }
    if (dir != nullptr) {
      export_pki(dir);
      return 0;
    }
  }
  benchmark::AddCustomContext(
      "verification",
      "glasstls client: SHA-256 pin of the leaf SPKI; OpenSSL client: SSL_VERIFY_NONE; GnuTLS "
      "client: no trust store and no gnutls_session_set_verify_cert; wolfSSL client: "
      "WOLFSSL_VERIFY_NONE. No chain verification; all check the handshake signature with the "
      "leaf key. Except the *_chain rows: glasstls webpki_verifier and OpenSSL SSL_VERIFY_PEER, "
      "the CA as the only trust anchor, host name localhost checked.");
  benchmark::AddCustomContext(
      "setup",
      "in memory (no sockets); TLS 1.3, X25519 only (one key share), one suite, chain = leaf + "
      "CA, SNI localhost, no session tickets, OpenSSL session cache off. *12 rows: TLS 1.2 only, "
      "ECDHE over X25519 (P-256 listed too) or DHE over ffdhe2048, extended master secret");
  benchmark::AddCustomContext("openssl_version", OpenSSL_version(OPENSSL_VERSION));
  benchmark::AddCustomContext("heap_accounting",
                              glasstls::bench::openssl_hooks_installed()
                                  ? "OpenSSL (CRYPTO_set_mem_functions) + C++ operator new"
                                  : "C++ operator new only: CRYPTO_set_mem_functions refused");
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
