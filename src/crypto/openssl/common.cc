// common.cc: error helpers and the algorithm table of the OpenSSL provider.
#include <openssl/err.h>

#include <cstdio>
#include <cstdlib>

#include "crypto/openssl/internal.h"

namespace glasstls::crypto::openssl {

std::string drain_errors() {
  unsigned long first = ERR_get_error();
  std::string text;
  if (first != 0) {
    char buf[256];
    ERR_error_string_n(first, buf, sizeof(buf));
    text = buf;
  }
  ERR_clear_error();
  return text;
}

Error ossl_internal(std::string_view what) {
  std::string reason(what);
  reason += " failed";
  std::string detail = drain_errors();
  if (!detail.empty()) {
    reason += " (" + detail + ")";
  }
  return internal_error(std::move(reason));
}

void die(std::string_view what) {
  std::string detail = drain_errors();
  std::fprintf(stderr, "glasstls: fatal libcrypto failure in %.*s: %s\n",
               static_cast<int>(what.size()), what.data(), detail.c_str());
  std::abort();
}

const uint8_t* nonnull(ByteView v) {
  static const uint8_t kEmpty = 0;
  return v.empty() ? &kEmpty : v.data();
}

const EVP_MD* Algorithms::md(HashId id) const {
  switch (id) {
    case HashId::kSha256: return sha256;
    case HashId::kSha384: return sha384;
    case HashId::kSha512: return sha512;
  }
  return nullptr;
}

}  // namespace glasstls::crypto::openssl
