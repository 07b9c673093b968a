// deterministic.cc: reproducible Random implementations for tests.
#include "testing/deterministic.h"

#include <algorithm>
#include <deque>
#include <memory>

#include "base/bytes.h"
#include "base/result.h"

namespace glasstls::crypto::testing {
namespace {

// CounterRandom is SHA-256 in counter mode over a 64-bit seed.
class CounterRandom final : public Random {
 public:
  CounterRandom(const Hash* sha256, uint64_t seed) : sha256_(sha256), seed_(seed) {}

  Status fill(std::span<uint8_t> out) const override {
    std::lock_guard<std::mutex> lock(mu_);
    while (!out.empty()) {
      if (pos_ == block_.size()) {
        next_block();
      }
      const size_t n = std::min(out.size(), block_.size() - pos_);
      std::copy_n(block_.begin() + static_cast<std::ptrdiff_t>(pos_), n, out.begin());
      pos_ += n;
      out = out.subspan(n);
    }
    return Ok{};
  }

 private:
  // next_block refills block_ with SHA-256(seed || counter) and advances the counter.
  // Requires mu_ held.
  void next_block() const {
    ByteWriter w;
    w.u64(seed_);
    w.u64(counter_++);
    block_ = sha256_->digest(w.view());
    pos_ = 0;
  }

  const Hash* sha256_;
  const uint64_t seed_;
  mutable std::mutex mu_;
  mutable uint64_t counter_ = 0;
  mutable Bytes block_;
  mutable size_t pos_ = 0;
};

// Registry keeps every generator alive until the program exits, so providers (plain structs of
// pointers) can be copied around without owning anything.
struct Registry {
  std::mutex mu;
  std::deque<std::unique_ptr<CounterRandom>> generators;
};

}  // namespace

CryptoProvider deterministic_provider(uint64_t seed) {
  // Never destroyed, like openssl_provider() itself; reachable through this pointer, so leak
  // checkers do not report it.
  static Registry* const registry = new Registry();
  CryptoProvider provider = openssl_provider();
  auto generator = std::make_unique<CounterRandom>(provider.sha256, seed);
  {
    std::lock_guard<std::mutex> lock(registry->mu);
    provider.random = generator.get();
    registry->generators.push_back(std::move(generator));
  }
  return provider;
}

Status FixedRandom::fill(std::span<uint8_t> out) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (out.empty()) {
    return Ok{};
  }
  if (mode_ == Mode::kRepeat) {
    if (bytes_.empty()) {
      return internal_error("FixedRandom has no bytes to repeat");
    }
    for (size_t i = 0; i < out.size(); i++) {
      out[i] = bytes_[i % bytes_.size()];
    }
    return Ok{};
  }
  if (out.size() > bytes_.size() - pos_) {
    return internal_error("FixedRandom asked for " + std::to_string(out.size()) +
                          " bytes but has " + std::to_string(bytes_.size() - pos_) + " left");
  }
  std::copy_n(bytes_.begin() + static_cast<std::ptrdiff_t>(pos_), out.size(), out.begin());
  pos_ += out.size();
  return Ok{};
}

size_t FixedRandom::remaining() const {
  std::lock_guard<std::mutex> lock(mu_);
  return mode_ == Mode::kOnce ? bytes_.size() - pos_ : 0;
}

}  // namespace glasstls::crypto::testing
