// default_provider.cc: the provider a configuration uses when it names none.
#include <cstdlib>
#include <string_view>

#include "glasstls/crypto.h"

namespace glasstls::crypto {
namespace {

// wants_openssl: the environment variable `name` asks for OpenSSL's implementation.
bool wants_openssl(const char* name) {
  const char* choice = std::getenv(name);
  return choice != nullptr && std::string_view(choice) == "openssl";
}

}  // namespace

const CryptoProvider& default_provider() {
  static const CryptoProvider* provider = []() -> const CryptoProvider* {
    const KxGroup* x25519 = wants_openssl("GLASSTLS_X25519") ? nullptr : sodium_x25519();
    const bool ed25519 = !wants_openssl("GLASSTLS_ED25519");
    const KeyStore* keys = ed25519 ? sodium_key_store() : nullptr;
    const SignatureVerifier* verifier = ed25519 ? sodium_verifier() : nullptr;
    if (x25519 == nullptr && keys == nullptr && verifier == nullptr) {
      return &openssl_provider();
    }
    auto* p = new CryptoProvider(openssl_provider());  // Never destroyed.
    if (x25519 != nullptr) {
      p->x25519 = x25519;
    }
    if (keys != nullptr && verifier != nullptr) {
      p->keys = keys;
      p->verifier = verifier;
    }
    return p;
  }();
  return *provider;
}

}  // namespace glasstls::crypto
