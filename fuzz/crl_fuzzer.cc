// crl_fuzzer.cc: parse_crl on arbitrary input; when a CRL parses, every revoked serial is found
// again by the binary search, every view lies inside the input, and the set loader agrees.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "glasstls/x509.h"
#include "x509/certificate.h"
#include "x509/crl.h"

namespace {

void check(bool ok) {
  if (!ok) {
    abort();
  }
}

bool inside(glasstls::ByteView whole, glasstls::ByteView part) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

bool serial_less(glasstls::ByteView a, glasstls::ByteView b) {
  if (a.size() != b.size()) {
    return a.size() < b.size();
  }
  for (size_t i = 0; i < a.size(); i++) {
    if (a[i] != b[i]) {
      return a[i] < b[i];
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  glasstls::ByteView input(data, size);
  auto crl = glasstls::x509::parse_crl(input);
  if (!crl.ok()) {
    // Every failure is a certificate error with a reason.
    check(crl.error().kind == glasstls::ErrorKind::kInvalidCertificate);
    check(!crl.error().reason.empty());
    return 0;
  }
  check(crl->der.size() == size);
  check(crl->version == 1 || crl->version == 2);
  check(inside(input, crl->tbs) && inside(input, crl->issuer) && inside(input, crl->signature) &&
        inside(input, crl->crl_number) && inside(input, crl->authority_key_id));
  check(crl->issuer.size() > 2);
  check(!crl->next_update || *crl->next_update >= crl->this_update);
  for (const auto& e : crl->extensions) {
    check(inside(input, e.oid) && inside(input, e.value));
  }
  if (crl->issuing_distribution_point) {
    const auto& idp = *crl->issuing_distribution_point;
    check(!(idp.only_user_certs && idp.only_ca_certs));
    for (auto n : idp.full_name) {
      check(inside(input, n) && !n.empty());
    }
  }
  // Sorted, and every serial is found again (the first of equal serials).
  for (size_t i = 0; i < crl->revoked.size(); i++) {
    const auto& e = crl->revoked[i];
    check(inside(input, e.serial) && !e.serial.empty());
    check(!e.reason || (*e.reason >= 0 && *e.reason <= 10 && *e.reason != 7 && *e.reason != 8));
    if (i > 0) {
      check(!serial_less(e.serial, crl->revoked[i - 1].serial));
    }
    const auto* found = crl->find(e.serial);
    check(found != nullptr);
    check(found <= &e);
    check(std::equal(found->serial.begin(), found->serial.end(), e.serial.begin(), e.serial.end()));
  }
  (void)glasstls::x509::name_to_string(crl->issuer);
  // Algorithm identification never crashes.
  (void)glasstls::x509::parse_signature_algorithm(crl->signature_algorithm);
  // The loader accepts exactly what the parser accepts.
  auto set =
      glasstls::CertificateRevocationLists::from_der({glasstls::Bytes(input.begin(), input.end())});
  check(set.ok() && (*set)->size() == 1);
  return 0;
}
