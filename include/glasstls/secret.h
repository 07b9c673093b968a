// secret.h: key material that wipes itself (keys, traffic secrets, shared secrets). Part of the
// public API because providers and signing keys (crypto.h) hand secrets to glasstls in it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace glasstls {

// secure_wipe clears `data` in a way the compiler may not elide.
void secure_wipe(void* data, size_t len);

// Secret owns bytes of key material and zeroes them when destroyed or reassigned. Copies are
// explicit (clone) so that key material is never duplicated by accident.
class Secret {
 public:
  Secret() = default;
  explicit Secret(size_t len) : bytes_(len, 0) {}
  explicit Secret(std::span<const uint8_t> data) : bytes_(data.begin(), data.end()) {}
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  Secret(Secret&& other) noexcept : bytes_(std::move(other.bytes_)) { other.bytes_.clear(); }
  Secret& operator=(Secret&& other) noexcept {
    if (this != &other) {
      wipe();
      bytes_ = std::move(other.bytes_);
      other.bytes_.clear();
    }
    return *this;
  }
  ~Secret() { wipe(); }

  Secret clone() const { return Secret(span()); }

  std::span<const uint8_t> span() const { return bytes_; }
  std::span<uint8_t> mutable_span() { return bytes_; }
  const uint8_t* data() const { return bytes_.data(); }
  uint8_t* data() { return bytes_.data(); }
  size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }

  // equals compares in constant time.
  bool equals(std::span<const uint8_t> other) const;

 private:
  void wipe() {
    if (!bytes_.empty()) {
      secure_wipe(bytes_.data(), bytes_.size());
    }
  }
  std::vector<uint8_t> bytes_;
};

// constant_time_equal compares two byte strings without an early exit.
bool constant_time_equal(std::span<const uint8_t> a, std::span<const uint8_t> b);

}  // namespace glasstls
