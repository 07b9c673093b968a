// crl_impl.h: the inside of glasstls::CertificateRevocationLists, shared by
// revocation_lists.cc (loading) and crl.cc (status lookup).
#pragma once

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "glasstls/x509.h"
#include "x509/crl.h"

namespace glasstls {

// CertificateRevocationLists::Impl owns the CRLs' DER and their parsed form. `crls[i]` views
// `ders[i]`; neither vector changes after construction (the CRLs are parsed only once `ders`
// is final), so the views stay valid for the set's life.
struct CertificateRevocationLists::Impl {
  std::vector<Bytes> ders;
  std::vector<x509::Crl> crls;
  // origins[i] names where CRL i came from ("CRL 0", "crl.pem", ...), for messages.
  std::vector<std::string> origins;
  // by_issuer maps a CRL's DER issuer Name (as a byte string) to its index.
  std::unordered_multimap<std::string, size_t> by_issuer;

  // A CRL and its signature never change, so once CRL i has been seen to verify with a
  // SubjectPublicKeyInfo there is no need to hash its (possibly large) TBSCertList again for
  // that key. Only successes are kept: one entry per key that really signed the CRL, so the
  // cache cannot be grown by certificates that merely share the CRL issuer's name.
  bool signature_verified(size_t i, ByteView spki) const {
    std::lock_guard<std::mutex> lock(cache_->mu);
    if (i >= cache_->verified.size()) {
      return false;
    }
    for (const Bytes& known : cache_->verified[i]) {
      if (known.size() == spki.size() && std::equal(known.begin(), known.end(), spki.begin())) {
        return true;
      }
    }
    return false;
  }
  void remember_signature(size_t i, ByteView spki) const {
    std::lock_guard<std::mutex> lock(cache_->mu);
    if (cache_->verified.size() <= i) {
      cache_->verified.resize(crls.size());
    }
    if (i < cache_->verified.size() && cache_->verified[i].size() < kMaxKeysPerCrl) {
      cache_->verified[i].emplace_back(spki.begin(), spki.end());
    }
  }

 private:
  static constexpr size_t kMaxKeysPerCrl = 4;
  struct SignatureCache {
    std::mutex mu;
    std::vector<std::vector<Bytes>> verified;
  };
  std::unique_ptr<SignatureCache> cache_ = std::make_unique<SignatureCache>();
};

}  // namespace glasstls
