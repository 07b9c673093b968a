// deterministic.h: providers with reproducible randomness, for tests.
//
// Both replace only the `random` member of openssl_provider(); hashes, AEADs, key exchange and
// signatures stay real. Key generation inside libcrypto (KxGroup::start, KeyStore::generate)
// does not draw from Random and so stays random; tests that need fixed key shares use
// KxGroup::start_with_private.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>

#include "glasstls/crypto.h"

namespace glasstls::crypto::testing {

// deterministic_provider returns a copy of openssl_provider() whose `random` is a generator
// seeded with `seed`: each call makes a new generator, so two providers made with the same seed
// produce the same byte stream (and different seeds different streams). The stream is SHA-256 in
// counter mode, SHA-256(seed as 8 big-endian bytes || counter as 8 big-endian bytes), and it does
// not depend on how the output is split into fill() calls. The generator is thread-safe and is
// kept in a registry that lives until the program exits, so the returned provider may be copied
// and used freely. Never use it outside tests.
CryptoProvider deterministic_provider(uint64_t seed);

// FixedRandom is a Random that hands out the bytes of a given string, for replaying recorded
// handshakes (RFC 8448) byte for byte.
class FixedRandom final : public Random {
 public:
  enum class Mode : uint8_t {
    // kOnce serves the bytes once, in order, across fill() calls; a fill() asking for more
    // than remains fails with an internal error (and consumes nothing).
    kOnce,
    // kRepeat starts every fill() at the beginning of the string and repeats the string as
    // often as needed. An empty string makes every non-empty fill() fail.
    kRepeat,
  };

  explicit FixedRandom(Bytes bytes, Mode mode = Mode::kOnce)
      : bytes_(std::move(bytes)), mode_(mode) {}

  Status fill(std::span<uint8_t> out) const override;

  // remaining is how many bytes kOnce mode has not yet handed out (0 in kRepeat mode).
  size_t remaining() const;

 private:
  Bytes bytes_;
  Mode mode_;
  mutable std::mutex mu_;
  mutable size_t pos_ = 0;
};

}  // namespace glasstls::crypto::testing
