// pem_fuzzer.cc: pem_decode on arbitrary text; every decoded block must survive
// pem_encode then pem_decode unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "x509/pem.h"

namespace {

void check(bool ok) {
  if (!ok) {
    abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto blocks = glasstls::x509::pem_decode(text);
  if (!blocks.ok()) {
    return 0;
  }
  for (const auto& b : *blocks) {
    // Labels with line breaks or dashes at the end cannot be re-encoded as one block.
    if (b.label.find_first_of("\r\n") != std::string::npos) {
      continue;
    }
    std::string pem = glasstls::x509::pem_encode(b.label, b.der);
    auto again = glasstls::x509::pem_decode(pem);
    check(again.ok() && again->size() == 1);
    check((*again)[0].der == b.der);
  }
  auto b64 = glasstls::x509::base64_decode(text);
  if (b64) {
    check(glasstls::x509::base64_encode(*b64) == text);
  }
  return 0;
}
