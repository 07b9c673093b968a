// hex.h: the hex literals of tests. Only tests include it: it reports through GoogleTest.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string_view>

#include "base/bytes.h"

namespace glasstls::testing {

// hex decodes a test's hex literal. A malformed literal fails the test and gives no bytes.
inline Bytes hex(std::string_view s) {
  std::optional<Bytes> b = from_hex(s);
  EXPECT_TRUE(b.has_value()) << "not hex: " << s;
  return b.value_or(Bytes{});
}

}  // namespace glasstls::testing
