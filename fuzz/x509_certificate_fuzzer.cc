// x509_certificate_fuzzer.cc: parse_certificate and name_to_string on arbitrary input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "x509/certificate.h"

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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  glasstls::ByteView input(data, size);
  auto cert = glasstls::x509::parse_certificate(input);
  if (!cert.ok()) {
    // Every failure is a certificate error with a reason.
    check(cert.error().kind == glasstls::ErrorKind::kInvalidCertificate);
    check(!cert.error().reason.empty());
    (void)glasstls::x509::name_to_string(input);
    return 0;
  }
  // Every view lies inside the input.
  check(cert->der.size() == size);
  check(inside(input, cert->tbs) && inside(input, cert->spki) && inside(input, cert->issuer) &&
        inside(input, cert->subject) && inside(input, cert->signature) &&
        inside(input, cert->serial));
  for (const auto& e : cert->extensions) {
    check(inside(input, e.oid) && inside(input, e.value));
  }
  for (auto ip : cert->ip_addresses) {
    check(ip.size() == 4 || ip.size() == 16);
  }
  check(cert->version >= 1 && cert->version <= 3);
  std::string s = glasstls::x509::name_to_string(cert->subject);
  std::string i = glasstls::x509::name_to_string(cert->issuer);
  // A parsed certificate's names were validated, so they always render.
  check(s != "<malformed name>" && i != "<malformed name>");
  return 0;
}
