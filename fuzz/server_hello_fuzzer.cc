// server_hello_fuzzer: parse_server_hello on arbitrary bytes, plus a round-trip property.
//
// Anything that parses re-encodes into a message that parses to the same fields (the
// pre_shared_key flag aside, which encode() does not write), and re-encoding is a fixed point.
// When the input already has encode()'s extension layout (supported_versions, then key_share,
// then cookie, each optional, nothing else), the re-encoding equals the input byte for byte.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "msgs/extensions.h"
#include "msgs/handshake.h"

namespace {

using glasstls::Bytes;
using glasstls::ByteView;
using glasstls::ExtensionType;
using namespace glasstls::msgs;

bool same(ByteView a, ByteView b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

void check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

bool same_fields(const ServerHello& a, const ServerHello& b) {
  bool share_same = a.key_share.has_value() == b.key_share.has_value() &&
                    (!a.key_share || (a.key_share->group == b.key_share->group &&
                                      same(a.key_share->key_exchange, b.key_share->key_exchange)));
  bool cookie_same =
      a.cookie.has_value() == b.cookie.has_value() && (!a.cookie || same(*a.cookie, *b.cookie));
  return a.legacy_version == b.legacy_version && same(a.random, b.random) &&
         same(a.legacy_session_id_echo, b.legacy_session_id_echo) &&
         a.cipher_suite == b.cipher_suite &&
         a.legacy_compression_method == b.legacy_compression_method &&
         a.is_hello_retry_request == b.is_hello_retry_request &&
         a.selected_version == b.selected_version && share_same &&
         a.selected_group == b.selected_group && cookie_same;
}

// canonical_layout reports whether the extensions of `sh` are a subsequence of those encode()
// writes, in the extension table's order.
bool canonical_layout(const ServerHello& sh) {
  const ExtensionContext context = sh.is_hello_retry_request ? ExtensionContext::kHelloRetryRequest
                                                             : ExtensionContext::kServerHello;
  std::vector<ExtensionType> order;
  for (const ExtensionRow& row : extension_table()) {
    if (encoded_from_field(row.type, context)) {
      order.push_back(row.type);
    }
  }
  size_t next = 0;
  for (const RawExtension& e : sh.extensions) {
    while (next < order.size() && order[next] != e.type) {
      next++;
    }
    if (next == order.size()) {
      return false;
    }
    next++;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView input(data, size);
  auto parsed = parse_server_hello(input);
  if (!parsed.ok()) {
    return 0;
  }
  Bytes encoded = encode(*parsed);
  check(encoded.size() >= 4);
  ByteView body = ByteView(encoded).subspan(4);
  auto again = parse_server_hello(body);
  check(again.ok());
  check(same_fields(*parsed, *again));
  check(encode(*again) == encoded);
  // An input that ends at its compression method has no extension block; encode() always
  // writes one.
  size_t prefix = 2 + 32 + 1 + parsed->legacy_session_id_echo.size() + 2 + 1;
  if (canonical_layout(*parsed) && size > prefix) {
    check(same(body, input));
  }
  return 0;
}
