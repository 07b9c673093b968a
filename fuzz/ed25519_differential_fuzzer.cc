// ed25519_differential_fuzzer.cc: libsodium's Ed25519 (crypto::sodium_key_store(),
// sodium_verifier()) against OpenSSL's (openssl_provider().keys and .verifier) on the same
// inputs.
//
// The input is a seed (its first 32 bytes, zero-padded), a public key (the next 32), a signature
// (the next 64) and a message (the rest). Checked, aborting on any disagreement:
//   - the key made from the seed has the same public key with both, and signs the message with
//     the same 64 bytes (Ed25519 is deterministic); both verifiers accept that signature and
//     refuse it with one bit changed (the bit chosen by the message length);
//   - the input's own (public key, signature, message): whatever libsodium accepts, OpenSSL
//     accepts. Where OpenSSL accepts and libsodium refuses, the public key or the signature's R
//     must be a point libsodium calls invalid (of small order, or not canonically encoded):
//     the documented cases where libsodium is stricter. A libsodium refusal is decrypt_error.
// Built without libsodium, there is nothing to compare and every input passes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "glasstls/crypto.h"

#if GLASSTLS_HAVE_SODIUM
#include <sodium.h>
#endif

namespace {

using glasstls::Bytes;
using glasstls::ByteView;

constexpr uint8_t kSpkiPrefix[] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                   0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
constexpr uint8_t kPkcs8Prefix[] = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
                                    0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};

Bytes with_prefix(const uint8_t* prefix, size_t prefix_len, ByteView raw) {
  Bytes out(prefix, prefix + prefix_len);
  out.insert(out.end(), raw.begin(), raw.end());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
#if GLASSTLS_HAVE_SODIUM
  using namespace glasstls;
  const crypto::KeyStore* sodium_keys = crypto::sodium_key_store();
  const crypto::SignatureVerifier* sodium = crypto::sodium_verifier();
  if (sodium_keys == nullptr || sodium == nullptr) {
    return 0;
  }
  const crypto::SignatureVerifier& ossl = *crypto::openssl_provider().verifier;
  std::vector<uint8_t> head(128, 0);
  std::copy_n(data, std::min<size_t>(size, head.size()), head.begin());
  const ByteView seed(head.data(), 32);
  const ByteView public_key(head.data() + 32, 32);
  const ByteView signature(head.data() + 64, 64);
  const size_t used = std::min<size_t>(size, head.size());
  const ByteView message(data + used, size - used);

  // The key from the seed, through both.
  const Bytes pkcs8 = with_prefix(kPkcs8Prefix, sizeof(kPkcs8Prefix), seed);
  auto ours = sodium_keys->load_private_key(pkcs8);
  auto theirs = crypto::openssl_provider().keys->load_private_key(pkcs8);
  if (!ours.ok() || !theirs.ok() || (*ours)->public_key_spki() != (*theirs)->public_key_spki()) {
    std::abort();  // Every 32-byte seed is an Ed25519 private key.
  }
  Result<Bytes> sig = (*ours)->sign(SignatureScheme::ed25519, message);
  Result<Bytes> sig_theirs = (*theirs)->sign(SignatureScheme::ed25519, message);
  if (!sig.ok() || !sig_theirs.ok() || *sig != *sig_theirs || sig->size() != 64) {
    std::abort();
  }
  const Bytes spki = (*ours)->public_key_spki();
  if (!sodium->verify(SignatureScheme::ed25519, spki, message, *sig).ok() ||
      !ossl.verify(SignatureScheme::ed25519, spki, message, *sig).ok()) {
    std::abort();
  }
  Bytes changed = *sig;
  const size_t bit = message.size() % 512;
  changed[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  if (sodium->verify(SignatureScheme::ed25519, spki, message, changed).ok() ||
      ossl.verify(SignatureScheme::ed25519, spki, message, changed).ok()) {
    std::abort();
  }

  // The input's own public key and signature.
  const Bytes their_spki = with_prefix(kSpkiPrefix, sizeof(kSpkiPrefix), public_key);
  Status a = sodium->verify(SignatureScheme::ed25519, their_spki, message, signature);
  Status b = ossl.verify(SignatureScheme::ed25519, their_spki, message, signature);
  if (a.ok() && !b.ok()) {
    std::abort();
  }
  if (!a.ok()) {
    if (a.error().alert != AlertDescription::decrypt_error) {
      std::abort();
    }
    if (b.ok() && crypto_core_ed25519_is_valid_point(public_key.data()) == 1 &&
        crypto_core_ed25519_is_valid_point(signature.data()) == 1) {
      std::abort();
    }
  }
#else
  (void)data;
  (void)size;
#endif
  return 0;
}
