// x25519_differential_fuzzer.cc: libsodium's X25519 (crypto::sodium_x25519()) against OpenSSL's
// (openssl_provider().x25519) on the same inputs.
//
// The input is a private key (its first 32 bytes, zero-padded) and a peer's share (the rest,
// any length). Both implementations must give the same public value for the private key, and,
// for the share, either the same shared secret or both a refusal with illegal_parameter (a share
// that is not 32 bytes, or an all-zero result). Any disagreement aborts. Built without
// libsodium, there is nothing to compare and every input passes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "glasstls/crypto.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace glasstls;
  const crypto::KxGroup* sodium = crypto::sodium_x25519();
  if (sodium == nullptr) {
    return 0;
  }
  const crypto::KxGroup& ossl = *crypto::openssl_provider().x25519;
  std::vector<uint8_t> priv(32, 0);
  std::copy_n(data, std::min<size_t>(size, 32), priv.begin());
  const ByteView share(data + std::min<size_t>(size, 32), size - std::min<size_t>(size, 32));

  Result<std::unique_ptr<crypto::KeyExchange>> a = sodium->start_with_private(priv);
  Result<std::unique_ptr<crypto::KeyExchange>> b = ossl.start_with_private(priv);
  if (!a.ok() || !b.ok()) {
    std::abort();  // Every 32-byte string is an X25519 private key.
  }
  const ByteView pa = (*a)->public_key();
  const ByteView pb = (*b)->public_key();
  if (pa.size() != 32 || !std::equal(pa.begin(), pa.end(), pb.begin(), pb.end())) {
    std::abort();
  }
  Result<Secret> sa = (*a)->complete(share);
  Result<Secret> sb = (*b)->complete(share);
  if (sa.ok() != sb.ok()) {
    std::abort();
  }
  if (sa.ok() ? !sa->equals(sb->span())
              : sa.error().alert != AlertDescription::illegal_parameter ||
                    sb.error().alert != AlertDescription::illegal_parameter) {
    std::abort();
  }
  return 0;
}
