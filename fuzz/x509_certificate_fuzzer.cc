// x509_certificate_fuzzer.cc: parse_certificate, certificate_spki and name_to_string on
// arbitrary input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "x509/certificate.h"
#include "x509/names.h"

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
  // Anything the strict parser accepts, the trust-anchor parser accepts too.
  auto lenient = glasstls::x509::parse_certificate(input, glasstls::x509::ParseMode::kTrustAnchor);
  auto cert = glasstls::x509::parse_certificate(input);
  check(!cert.ok() || lenient.ok());
  // certificate_spki reads less than either parser: it accepts what they accept and finds the
  // same element; what it finds lies inside the input, and its failures are certificate errors.
  auto spki = glasstls::x509::certificate_spki(input);
  if (spki.ok()) {
    check(inside(input, *spki) && !spki->empty());
  } else {
    check(spki.error().kind == glasstls::ErrorKind::kInvalidCertificate);
  }
  if (lenient.ok()) {
    check(spki.ok() && spki->data() == lenient->spki.data() &&
          spki->size() == lenient->spki.size());
  }
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
  check(inside(input, cert->authority_key_id) && inside(input, cert->subject_key_id));
  for (auto p : cert->ext_key_usages) {
    check(inside(input, p));
  }
  for (auto d : cert->directory_names) {
    check(inside(input, d));
  }
  check(!cert->key_usage || *cert->key_usage != 0);
  if (cert->name_constraints) {
    check(!cert->name_constraints->permitted.empty() || !cert->name_constraints->excluded.empty());
    for (const auto* list :
         {&cert->name_constraints->permitted, &cert->name_constraints->excluded}) {
      for (const auto& st : *list) {
        check(inside(input, st.base));
        check(st.form != glasstls::x509::general_name::kIpAddress || st.base.size() == 8 ||
              st.base.size() == 32);
      }
    }
    // Checking a certificate against its own constraints must not crash.
    (void)glasstls::x509::name_constraint_violation(*cert->name_constraints, *cert, true);
  }
  // Algorithm identification never crashes; failures are certificate errors.
  auto alg = glasstls::x509::parse_signature_algorithm(cert->signature_algorithm);
  if (!alg.ok()) {
    check(alg.error().kind == glasstls::ErrorKind::kInvalidCertificate);
  } else {
    (void)glasstls::x509::signature_scheme_for(*alg, cert->key_type);
  }
  (void)cert->unhandled_critical_extension();
  for (auto dns : cert->dns_names) {
    (void)glasstls::x509::dns_name_matches(dns, "host.example.com");
  }
  std::string s = glasstls::x509::name_to_string(cert->subject);
  std::string i = glasstls::x509::name_to_string(cert->issuer);
  // A parsed certificate's names were validated, so they always render.
  check(s != "<malformed name>" && i != "<malformed name>");
  return 0;
}
