// common.cc: error helpers and the algorithm table of the OpenSSL provider.
#include <openssl/err.h>

#include <cstdio>
#include <cstdlib>
#include <iterator>

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

PkeyPtr public_key_fromdata(KeyFamily family, OSSL_PARAM* params) {
  // Each thread keeps one EVP_PKEY_fromdata context per family, made on first use, so that
  // importing a key does not fetch the key management by name each time.
  static constexpr const char* kNames[] = {"EC", "RSA", "X25519", "X448", "DH"};
  thread_local PkeyCtxPtr per_thread[std::size(kNames)];
  PkeyCtxPtr& ctx = per_thread[static_cast<size_t>(family)];
  if (ctx == nullptr) {
    PkeyCtxPtr fresh(
        EVP_PKEY_CTX_new_from_name(nullptr, kNames[static_cast<size_t>(family)], nullptr));
    if (fresh == nullptr || EVP_PKEY_fromdata_init(fresh.get()) != 1) {
      drain_errors();
      return nullptr;
    }
    ctx = std::move(fresh);
  }
  EVP_PKEY* key = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    drain_errors();
    return nullptr;
  }
  return PkeyPtr(key);
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
