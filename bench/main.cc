// main.cc: the single entry point of `glasstls_bench`, and its heap accounting.
//
// Every other bench/*.cc file only registers benchmarks; none of them may define main().
//
// Heap accounting: OpenSSL's allocations are counted through CRYPTO_set_mem_functions, which
// OpenSSL accepts only before its first allocation, so the hooks are installed by a constructor
// that runs before any C++ static initializer of the program. C++ allocations (glasstls's own,
// and the standard library's) are counted by replacing the global operator new and delete. Both
// count malloc_usable_size, so realloc and unsized delete need no size header.

#include <benchmark/benchmark.h>
#include <malloc.h>
#include <openssl/crypto.h>

#include <cstdint>
#include <cstdlib>
#include <new>

#include "common.h"

namespace {

// The counters are plain integers updated without atomics: the benchmarks run on one thread,
// and a lock prefix on every allocation would distort the timings. (OpenSSL may allocate from
// its own threads only if asked to; nothing here does.)
int64_t g_current = 0;
int64_t g_peak = 0;
bool g_openssl_hooks = false;

inline void count_alloc(void* p) {
  if (p != nullptr) {
    g_current += static_cast<int64_t>(malloc_usable_size(p));
    if (g_current > g_peak) {
      g_peak = g_current;
    }
  }
}

inline void count_free(void* p) {
  if (p != nullptr) {
    g_current -= static_cast<int64_t>(malloc_usable_size(p));
  }
}

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
  int64_t old_size = static_cast<int64_t>(malloc_usable_size(p));
  void* q = std::realloc(p, n);
  if (q != nullptr) {
    g_current -= old_size;
    count_alloc(q);
  }
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

}  // namespace glasstls::bench

void* operator new(size_t n) { return counted_new(n); }
void* operator new[](size_t n) { return counted_new(n); }
void* operator new(size_t n, const std::nothrow_t&) noexcept { return counted_malloc(n ? n : 1); }
void* operator new[](size_t n, const std::nothrow_t&) noexcept {
  return counted_malloc(n ? n : 1);
}
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

int main(int argc, char** argv) {
  benchmark::AddCustomContext(
      "verification",
      "glasstls client: SHA-256 pin of the leaf SPKI; OpenSSL client: SSL_VERIFY_NONE; GnuTLS "
      "client: no trust store and no gnutls_session_set_verify_cert; wolfSSL client: "
      "WOLFSSL_VERIFY_NONE. No chain verification; all check CertificateVerify with the leaf "
      "key.");
  benchmark::AddCustomContext(
      "setup",
      "in memory (no sockets); TLS 1.3, X25519 only (one key share), one suite, chain = leaf + "
      "CA, SNI localhost, no session tickets, OpenSSL session cache off");
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
