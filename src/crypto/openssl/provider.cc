// provider.cc: openssl_provider(), assembled from the classes in internal.h.
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <climits>

#include "crypto/openssl/internal.h"

namespace glasstls::crypto::openssl {

Status OsslRandom::fill(std::span<uint8_t> out) const {
  while (!out.empty()) {
    const size_t n = std::min<size_t>(out.size(), INT_MAX);
    if (RAND_bytes(out.data(), static_cast<int>(n)) != 1) {
      return ossl_internal("RAND_bytes");
    }
    out = out.subspan(n);
  }
  return Ok{};
}

namespace {

constexpr KxSpec kX25519{NamedGroup::x25519, "X25519", KxKind::kRaw, 32, 32, 32, 0};
constexpr KxSpec kSecp256r1{NamedGroup::secp256r1, "prime256v1", KxKind::kEc, 32, 65, 32, 1};
constexpr KxSpec kSecp384r1{NamedGroup::secp384r1, "secp384r1", KxKind::kEc, 48, 97, 48, 2};
// Key exchange groups beyond the default three: X448 and P-521 (RFC 8446 section 4.2.7) and the
// RFC 7919 finite-field groups, whose shares are the size of p.
constexpr KxSpec kSecp521r1{NamedGroup::secp521r1, "secp521r1", KxKind::kEc, 66, 133, 66, 3};
constexpr KxSpec kX448{NamedGroup::x448, "X448", KxKind::kRaw, 56, 56, 56, 4};
constexpr KxSpec kFfdhe2048{NamedGroup::ffdhe2048, "ffdhe2048", KxKind::kFfdhe, 0, 256, 256, 5};
constexpr KxSpec kFfdhe3072{NamedGroup::ffdhe3072, "ffdhe3072", KxKind::kFfdhe, 0, 384, 384, 6};
constexpr KxSpec kFfdhe4096{NamedGroup::ffdhe4096, "ffdhe4096", KxKind::kFfdhe, 0, 512, 512, 7};
constexpr KxSpec kFfdhe6144{NamedGroup::ffdhe6144, "ffdhe6144", KxKind::kFfdhe, 0, 768, 768, 8};
constexpr KxSpec kFfdhe8192{NamedGroup::ffdhe8192, "ffdhe8192", KxKind::kFfdhe, 0, 1024, 1024, 9};

// only_if returns `g` when it is usable (libcrypto knew the group), else null.
const KxGroup* only_if(const OsslKxGroup& g) { return g.ok() ? &g : nullptr; }

// State owns every implementation object of the provider.
struct State {
  Algorithms algs;
  std::unique_ptr<OsslHash> sha256, sha384, sha512;
  std::unique_ptr<OsslDigest> sha1;
  std::unique_ptr<OsslAead> aes128gcm, aes256gcm, chacha20poly1305;
  // TLS 1.2 CBC record protection.
  std::unique_ptr<OsslCbcCipher> aes128cbc, aes256cbc;
  std::unique_ptr<OsslHmac> hmac_sha1, hmac_sha256, hmac_sha384;
  OsslKxGroup x25519{kX25519};
  OsslKxGroup secp256r1{kSecp256r1};
  OsslKxGroup secp384r1{kSecp384r1};
  // The groups beyond the default three, and TLS 1.2 DHE in a server's group.
  OsslKxGroup secp521r1{kSecp521r1};
  OsslKxGroup x448{kX448};
  OsslKxGroup ffdhe2048{kFfdhe2048};
  OsslKxGroup ffdhe3072{kFfdhe3072};
  OsslKxGroup ffdhe4096{kFfdhe4096};
  OsslKxGroup ffdhe6144{kFfdhe6144};
  OsslKxGroup ffdhe8192{kFfdhe8192};
  OsslDhGroups dh;
  OsslVerifier verifier{&algs};
  OsslKeyStore keys{&algs};
  OsslRandom random;
  CryptoProvider provider;

  State() {
    algs.sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
    algs.sha256 = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
    algs.sha384 = EVP_MD_fetch(nullptr, "SHA2-384", nullptr);
    algs.sha512 = EVP_MD_fetch(nullptr, "SHA2-512", nullptr);
    algs.aes128gcm = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
    algs.aes256gcm = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    algs.chacha20poly1305 = EVP_CIPHER_fetch(nullptr, "ChaCha20-Poly1305", nullptr);
    algs.hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    // TLS 1.2 CBC record protection.
    algs.aes128cbc = EVP_CIPHER_fetch(nullptr, "AES-128-CBC", nullptr);
    algs.aes256cbc = EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr);
    // A failed fetch leaves a null member (an unsupported algorithm) and an error entry.
    drain_errors();

    sha256 = OsslHash::create(HashId::kSha256, algs.sha256, algs.hmac);
    sha384 = OsslHash::create(HashId::kSha384, algs.sha384, algs.hmac);
    sha512 = OsslHash::create(HashId::kSha512, algs.sha512, algs.hmac);
    if (algs.sha1 != nullptr) {
      sha1 = std::make_unique<OsslDigest>(algs.sha1);
    }
    if (algs.aes128gcm != nullptr) {
      aes128gcm = std::make_unique<OsslAead>(AeadId::kAes128Gcm, algs.aes128gcm);
    }
    if (algs.aes256gcm != nullptr) {
      aes256gcm = std::make_unique<OsslAead>(AeadId::kAes256Gcm, algs.aes256gcm);
    }
    if (algs.chacha20poly1305 != nullptr) {
      chacha20poly1305 =
          std::make_unique<OsslAead>(AeadId::kChaCha20Poly1305, algs.chacha20poly1305);
    }
    // TLS 1.2 CBC record protection.
    if (algs.aes128cbc != nullptr) {
      aes128cbc = std::make_unique<OsslCbcCipher>(algs.aes128cbc);
    }
    if (algs.aes256cbc != nullptr) {
      aes256cbc = std::make_unique<OsslCbcCipher>(algs.aes256cbc);
    }
    if (algs.sha1 != nullptr) {
      hmac_sha1 = OsslHmac::create(algs.sha1, algs.hmac);
    }
    hmac_sha256 = OsslHmac::create(algs.sha256, algs.hmac);
    hmac_sha384 = OsslHmac::create(algs.sha384, algs.hmac);

    provider.sha256 = sha256.get();
    provider.sha384 = sha384.get();
    provider.sha512 = sha512.get();
    provider.sha1 = sha1.get();
    provider.aes128gcm = aes128gcm.get();
    provider.aes256gcm = aes256gcm.get();
    provider.chacha20poly1305 = chacha20poly1305.get();
    provider.x25519 = &x25519;
    provider.secp256r1 = &secp256r1;
    provider.secp384r1 = &secp384r1;
    // The groups beyond the default three, and TLS 1.2 DHE.
    provider.secp521r1 = &secp521r1;
    provider.x448 = &x448;
    provider.ffdhe2048 = only_if(ffdhe2048);
    provider.ffdhe3072 = only_if(ffdhe3072);
    provider.ffdhe4096 = only_if(ffdhe4096);
    provider.ffdhe6144 = only_if(ffdhe6144);
    provider.ffdhe8192 = only_if(ffdhe8192);
    provider.dh = &dh;
    drain_errors();
    provider.verifier = &verifier;
    provider.keys = &keys;
    provider.random = &random;
    provider.forget_thread_secrets = &forget_thread_hmac_keys;
    // TLS 1.2 CBC record protection.
    provider.aes128cbc = aes128cbc.get();
    provider.aes256cbc = aes256cbc.get();
    provider.hmac_sha1 = hmac_sha1.get();
    provider.hmac_sha256 = hmac_sha256.get();
    provider.hmac_sha384 = hmac_sha384.get();
  }
};

}  // namespace
}  // namespace glasstls::crypto::openssl

namespace glasstls::crypto {

const CryptoProvider& openssl_provider() {
  // Created on first use (C++ guarantees thread-safe initialisation of a function-local static)
  // and deliberately never destroyed: connections may still use the provider from other threads
  // or from static destructors while the program exits, and libcrypto frees its own state in its
  // atexit handler.
  static const openssl::State* const state = new openssl::State();
  return state->provider;
}

}  // namespace glasstls::crypto
