// escape_text.cc: peer strings made safe for terminals, logs and quoted contexts.
#include <algorithm>
#include <cstdio>

#include "glasstls/trace.h"

namespace glasstls {

std::string escape_text(std::string_view peer_string, size_t max) {
  std::string out;
  const size_t n = std::min(peer_string.size(), max);
  out.reserve(n + 8);
  for (size_t i = 0; i < n; i++) {
    const auto b = static_cast<unsigned char>(peer_string[i]);
    if (b == '\\' || b == '"') {
      out.push_back('\\');
      out.push_back(static_cast<char>(b));
    } else if (b >= 0x20 && b < 0x7f) {
      out.push_back(static_cast<char>(b));
    } else {
      char hex[5];
      std::snprintf(hex, sizeof(hex), "\\x%02x", b);
      out += hex;
    }
  }
  if (peer_string.size() > max) {
    out += "...";
  }
  return out;
}

}  // namespace glasstls
