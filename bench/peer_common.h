// peer_common.h: the part of the benchmark fixtures that the peer stacks (GnuTLS, wolfSSL)
// share with glasstls and OpenSSL, without any OpenSSL or glasstls header: wolfSSL's headers
// (built with OPENSSL_EXTRA on Debian) declare OpenSSL's names themselves and cannot be
// included beside OpenSSL's. common.h includes this file.
#pragma once

#include <time.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <type_traits>
#include <vector>

namespace glasstls::bench {

// ---- Timing ----

// SideTimer accumulates the CPU time of the calling thread spent inside one side's calls. The
// thread CPU clock, not the wall clock: the machine running the benchmarks may be busy, and
// both sides run on this one thread. Reading it is a system call in the VMs we use (about
// 0.5 us), and a span measures from inside one reading to inside the next, so every span also
// counts about one reading's cost. A handshake has 3 to 5 spans per side, so that was 2 to 3 us
// per side, charged to every stack alike but not part of any. Each span is therefore charged
// its duration less span_overhead_ns(): the median of many empty spans, measured once per
// process.
class SideTimer {
 public:
  // time runs `f` and adds its duration, less the cost of an empty span.
  template <typename F>
  auto time(F&& f) {
    int64_t start = now_ns();
    if constexpr (std::is_void_v<decltype(f())>) {
      f();
      total_ns_ += now_ns() - start - span_overhead_ns();
    } else {
      auto r = f();
      total_ns_ += now_ns() - start - span_overhead_ns();
      return r;
    }
  }
  double microseconds() const { return static_cast<double>(total_ns_) / 1000.0; }

  // span_overhead_ns is what an empty span measures: the median over 2001 of them, taken the
  // first time it is asked for.
  static int64_t span_overhead_ns() {
    static const int64_t overhead = [] {
      std::vector<int64_t> spans(2001);
      for (int64_t& d : spans) {
        int64_t start = now_ns();
        d = now_ns() - start;
      }
      std::nth_element(spans.begin(), spans.begin() + 1000, spans.end());
      return spans[1000];
    }();
    return overhead;
  }

 private:
  static int64_t now_ns() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
  }
  int64_t total_ns_ = 0;
};

// die reports a setup failure and exits: a benchmark that cannot set up measures nothing.
[[noreturn]] inline void die(const std::string& what) {
  std::fprintf(stderr, "glasstls_bench: %s\n", what.c_str());
  std::exit(2);
}

// KeyKind selects the leaf certificate's key.
enum class KeyKind : int { kEcdsaP256 = 0, kRsa2048 = 1, kEd25519 = 2 };

inline const char* key_name(KeyKind k) {
  switch (k) {
    case KeyKind::kEcdsaP256: return "ecdsa_p256";
    case KeyKind::kRsa2048: return "rsa2048";
    case KeyKind::kEd25519: return "ed25519";
  }
  return "?";
}

// Proto is what a benchmark pair negotiates: TLS 1.3 with X25519, or TLS 1.2 with ECDHE over
// X25519 (ECDHE-ECDSA or ECDHE-RSA by the leaf's key) or with DHE-RSA over ffdhe2048.
enum class Proto : uint8_t { kTls13, kTls12Ecdhe, kTls12Dhe };

// PeerPki is the PKI of pki(kind) (common.h) as plain DER: the leaf and CA certificates and
// the leaf's unencrypted PKCS#8 private key.
struct PeerPki {
  std::vector<uint8_t> leaf_der;
  std::vector<uint8_t> ca_der;
  std::vector<uint8_t> key_pkcs8_der;
};

// peer_pki returns the PeerPki of `kind` (implemented in peer_common.cc).
const PeerPki& peer_pki(KeyKind kind);

// PeerDhParams is a finite-field group as big-endian p and g.
struct PeerDhParams {
  std::vector<uint8_t> p;
  std::vector<uint8_t> g;
};

// peer_ffdhe2048 is the ffdhe2048 group of RFC 7919, for a peer server's DHE (implemented in
// peer_common.cc, from glasstls's provider).
const PeerDhParams& peer_ffdhe2048();

// ---- In-memory transport for the peers (GnuTLS, wolfSSL) ----

// MemPipe is one direction of an in-memory connection: the writer appends, the reader takes
// from the front. The peers' I/O callbacks copy through it, as OpenSSL's BIO pair does.
struct MemPipe {
  std::vector<uint8_t> data;
  size_t off = 0;
  bool saw_hrr = false;  // A HelloRetryRequest went through (server-to-client pipe only).

  void write(const uint8_t* p, size_t n) {
    if (off == data.size()) {
      data.clear();
      off = 0;
    }
    if (!saw_hrr) {
      saw_hrr = starts_hello_retry(p, n);
    }
    data.insert(data.end(), p, p + n);
  }
  // read copies up to `n` bytes; returns 0 when empty.
  size_t read(uint8_t* p, size_t n) {
    size_t k = std::min(n, data.size() - off);
    std::copy(data.data() + off, data.data() + off + k, p);
    off += k;
    return k;
  }
  bool empty() const { return off == data.size(); }
  void reset() {
    data.clear();
    off = 0;
    saw_hrr = false;
  }

  // starts_hello_retry tells whether `p` begins with a plaintext handshake record holding a
  // ServerHello whose random is the HelloRetryRequest value (RFC 8446 section 4.1.3).
  static bool starts_hello_retry(const uint8_t* p, size_t n) {
    static constexpr uint8_t kHrrRandom[32] = {0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
                                               0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
                                               0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
                                               0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};
    // record header (5) + handshake header (4) + legacy_version (2), then the random.
    return n >= 11 + 32 && p[0] == 22 && p[5] == 2 &&
           std::equal(kHrrRandom, kHrrRandom + 32, p + 11);
  }
};

// MemLink is both directions of one in-memory connection.
struct MemLink {
  MemPipe client_to_server;
  MemPipe server_to_client;
};

}  // namespace glasstls::bench
