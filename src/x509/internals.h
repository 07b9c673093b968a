// internals.h: the library's own access to the parsed form of the public x509 types.
//
// TrustStore and CertificateRevocationLists (include/glasstls/x509.h) keep their parsed state
// in an Impl that callers cannot see; the validator (verify.cc) reaches it through Internals.
#pragma once

#include <memory>
#include <utility>

#include "glasstls/x509.h"
#include "x509/crl_impl.h"
#include "x509/trust_store_impl.h"

namespace glasstls::x509 {

struct Internals {
  using TrustStoreImpl = TrustStore::Impl;
  using CrlSetImpl = CertificateRevocationLists::Impl;
  static std::shared_ptr<const TrustStore> make(std::unique_ptr<TrustStoreImpl> impl) {
    return std::shared_ptr<const TrustStore>(new TrustStore(std::move(impl)));
  }
  static std::shared_ptr<const CertificateRevocationLists> make(std::unique_ptr<CrlSetImpl> impl) {
    return std::shared_ptr<const CertificateRevocationLists>(
        new CertificateRevocationLists(std::move(impl)));
  }
  static const TrustStore::Impl& impl(const TrustStore& store) { return *store.impl_; }
  static const CertificateRevocationLists::Impl& impl(const CertificateRevocationLists& crls) {
    return *crls.impl_;
  }
};

}  // namespace glasstls::x509
