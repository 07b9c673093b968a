#include "glasstls/secret.h"

namespace glasstls {

void secure_wipe(void* data, size_t len) {
  // A volatile pointer keeps the compiler from removing stores to memory about to be freed.
  volatile uint8_t* p = static_cast<volatile uint8_t*>(data);
  for (size_t i = 0; i < len; i++) {
    p[i] = 0;
  }
}

bool constant_time_equal(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  if (a.size() != b.size()) {
    return false;
  }
  uint8_t diff = 0;
  for (size_t i = 0; i < a.size(); i++) {
    diff |= static_cast<uint8_t>(a[i] ^ b[i]);
  }
  return diff == 0;
}

bool Secret::equals(std::span<const uint8_t> other) const {
  return constant_time_equal(span(), other);
}

}  // namespace glasstls
