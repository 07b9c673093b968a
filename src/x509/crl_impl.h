// crl_impl.h: the inside of glasstls::CertificateRevocationLists, shared by
// revocation_lists.cc (loading) and crl.cc (status lookup).
#pragma once

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
};

}  // namespace glasstls
