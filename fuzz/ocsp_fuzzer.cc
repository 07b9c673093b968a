// ocsp_fuzzer.cc: parse_ocsp_response and describe_ocsp_response on arbitrary input, and
// check_ocsp_response of a parsed response against its own embedded certificates.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "glasstls/crypto.h"
#include "x509/certificate.h"
#include "x509/ocsp.h"

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

// printable reports whether `text` holds only printable ASCII and newlines: describe never
// prints a byte of the input raw.
bool printable(const std::string& text) {
  for (char c : text) {
    if (c != '\n' && (c < 0x20 || c > 0x7e)) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace glasstls;
  ByteView input(data, size);
  std::string text = x509::describe_ocsp_response(input);
  check(!text.empty() && printable(text));
  Result<x509::OcspResponse> r = x509::parse_ocsp_response(input);
  if (!r.ok()) {
    // Every failure is an OCSP error with a reason.
    check(r.error().kind == ErrorKind::kInvalidCertificate);
    check(r.error().alert == AlertDescription::bad_certificate_status_response);
    check(!r.error().reason.empty());
    return 0;
  }
  check(r->der.size() == size);
  check(inside(input, r->tbs_response_data) && inside(input, r->responder_name) &&
        inside(input, r->responder_key_hash) && inside(input, r->signature) &&
        inside(input, r->nonce));
  check(r->status != x509::OcspResponseStatus::kSuccessful ||
        (r->responder_name.empty() != r->responder_key_hash.empty()));
  for (const x509::OcspSingleResponse& s : r->responses) {
    check(inside(input, s.cert_id.serial) && inside(input, s.cert_id.issuer_name_hash) &&
          inside(input, s.cert_id.issuer_key_hash));
    check(!s.revocation_reason ||
          (*s.revocation_reason >= 0 && *s.revocation_reason <= 10 && *s.revocation_reason != 7));
  }
  for (glasstls::ByteView c : r->certs) {
    check(inside(input, c));
  }
  // Checking the response against its first certificate (as leaf and as issuer) must not
  // crash; whatever it decides, a failure is an OCSP error.
  if (!r->certs.empty()) {
    Result<x509::Certificate> cert = x509::parse_certificate(r->certs[0]);
    if (cert.ok()) {
      Result<x509::OcspVerdict> v = x509::check_ocsp_response(input, *cert, *cert, 1748736000, 300,
                                                              crypto::openssl_provider());
      check(v.ok() || v.error().alert == AlertDescription::bad_certificate_status_response);
    }
  }
  return 0;
}
