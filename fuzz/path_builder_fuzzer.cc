// path_builder_fuzzer.cc: verify_certificate_chain on arbitrary certificate chains.
//
// The trust store is fixed: the root of a make_test_pki PKI generated once at startup. The input
// is
//
//   flags (1 byte)
//     bit 0  put the startup PKI's leaf (issued by the root) first in the chain
//     bit 1  append the root itself to the chain
//     bit 2  purpose clientAuth instead of serverAuth
//     bit 3  check the DNS name "fuzz.example"
//     bit 4  check the IP address 127.0.0.1
//     bit 5  an 8-byte big-endian validation time follows (otherwise: now)
//   [time (8 bytes)]
//   certificates: up to kMaxCertificates times (u16 big-endian length, that many bytes); bytes
//   left over after the last complete one form one more certificate.
//
// The budgets are small so that a hostile chain cannot make one input slow. Besides crashes,
// leaks and hangs, it checks that a verified path starts with the leaf, ends with the trust
// anchor and respects max_depth, and that every failure carries a reason.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "glasstls/crypto.h"
#include "glasstls/x509.h"
#include "pki/cert_builder.h"

namespace {

constexpr size_t kMaxCertificates = 8;

void check(bool ok) {
  if (!ok) {
    abort();
  }
}

struct Fixture {
  std::shared_ptr<const glasstls::TrustStore> store;
  glasstls::Bytes root;
  glasstls::Bytes leaf;
};

const Fixture& fixture() {
  static const Fixture* f = [] {
    auto* x = new Fixture();
    auto pki = glasstls::x509::make_test_pki(glasstls::crypto::openssl_provider(),
                                             glasstls::crypto::KeyType::kEcdsaP256,
                                             {"fuzz.example"}, "glasstls fuzz root");
    check(pki.ok());
    x->root = pki->ca_cert;
    x->leaf = pki->leaf_cert;
    std::vector<glasstls::Bytes> anchors;
    anchors.push_back(pki->ca_cert);
    auto store = glasstls::TrustStore::from_der(std::move(anchors));
    check(store.ok());
    x->store = *store;
    return x;
  }();
  return *f;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)fixture();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Fixture& f = fixture();
  if (size < 1) {
    return 0;
  }
  uint8_t flags = data[0];
  size_t pos = 1;
  glasstls::VerifyOptions options;
  options.purpose = (flags & 0x04) != 0 ? glasstls::CertificatePurpose::kClientAuth
                                        : glasstls::CertificatePurpose::kServerAuth;
  if ((flags & 0x08) != 0) {
    options.dns_name = "fuzz.example";
  }
  if ((flags & 0x10) != 0) {
    options.ip_address = glasstls::Bytes{127, 0, 0, 1};
  }
  if ((flags & 0x20) != 0) {
    if (size - pos < 8) {
      return 0;
    }
    uint64_t t = 0;
    for (size_t i = 0; i < 8; ++i) {
      t = (t << 8) | data[pos + i];
    }
    pos += 8;
    options.time = static_cast<int64_t>(t);
  }
  options.max_signature_checks = 8;
  options.max_path_building_calls = 256;
  options.max_depth = 6;

  std::vector<glasstls::Bytes> chain;
  if ((flags & 0x01) != 0) {
    chain.push_back(f.leaf);
  }
  while (pos < size && chain.size() < kMaxCertificates) {
    if (size - pos < 2) {
      chain.emplace_back(data + pos, data + size);
      break;
    }
    size_t len = (static_cast<size_t>(data[pos]) << 8) | data[pos + 1];
    pos += 2;
    if (len > size - pos) {
      chain.emplace_back(data + pos, data + size);
      break;
    }
    chain.emplace_back(data + pos, data + pos + len);
    pos += len;
  }
  if ((flags & 0x02) != 0) {
    chain.push_back(f.root);
  }
  if (chain.empty()) {
    return 0;
  }

  auto verified = glasstls::verify_certificate_chain(*f.store, chain, options);
  if (verified.ok()) {
    const std::vector<glasstls::Bytes>& path = verified->path;
    check(!path.empty() && path.size() <= options.max_depth);
    check(path.front() == chain.front());
    check(path.back() == f.root);
  } else {
    check(!verified.error().reason.empty());
  }
  return 0;
}
