// trust_store_impl.h: the inside of glasstls::TrustStore, shared by trust_store.cc and the path
// builder.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "glasstls/x509.h"
#include "x509/certificate.h"

namespace glasstls {

// TrustStore::Impl owns the anchors' DER and their parsed form. `certs[i]` views `ders[i]`;
// neither vector changes after construction, so the views stay valid for the store's life.
struct TrustStore::Impl {
  std::vector<Bytes> ders;
  std::vector<x509::Certificate> certs;
  // by_subject maps an anchor's DER subject (as a byte string) to its index.
  std::unordered_multimap<std::string, size_t> by_subject;
  size_t skipped = 0;
};

}  // namespace glasstls
