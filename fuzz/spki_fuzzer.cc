// spki_fuzzer.cc: glasstls's SubjectPublicKeyInfo import against libcrypto's decoder. Whatever
// the input, import_public_key must accept exactly what d2i_PUBKEY accepts (when the fast path
// refuses an input, the decoder decides), and both must yield the same key.
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "crypto/openssl/internal.h"

namespace {

using glasstls::ByteView;
using glasstls::crypto::openssl::drain_errors;
using glasstls::crypto::openssl::import_public_key;
using glasstls::crypto::openssl::PkeyPtr;

void check(bool ok) {
  if (!ok) {
    abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteView input(data, size);
  PkeyPtr ours = import_public_key(input);
  const uint8_t* p = data;
  PkeyPtr theirs(d2i_PUBKEY(nullptr, &p, static_cast<long>(size)));
  if (theirs != nullptr && p != data + size) {
    theirs.reset();  // trailing bytes: import_public_key refuses them too
  }
  drain_errors();
  check((ours == nullptr) == (theirs == nullptr));
  if (ours != nullptr) {
    check(EVP_PKEY_eq(ours.get(), theirs.get()) == 1);
  }
  return 0;
}
