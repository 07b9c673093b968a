// extensions_fuzzer: every extension body codec of the extension table (msgs/extensions.h).
//
// The first input byte picks a row of the table, the second the message whose codec decodes
// it (and, for ServerHello, whether it is a HelloRetryRequest); the rest is the extension
// body. Whatever decodes must encode to an extension of the same type (when the message's
// encoder writes that field), which decodes again, and encoding that is a fixed point.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <type_traits>
#include <vector>

#include "msgs/extensions.h"

namespace {

using glasstls::ByteReader;
using glasstls::Bytes;
using glasstls::ByteView;
using glasstls::ByteWriter;
using glasstls::ExtensionType;
using namespace glasstls::msgs;

void check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

// body_of_type returns the body of the extension of `type` in a block written by
// encode_extensions (no length prefix around the block), or nullopt.
std::optional<ByteView> body_of_type(ByteView block, ExtensionType type) {
  ByteReader r(block);
  while (!r.empty()) {
    uint16_t t = 0;
    ByteView body;
    check(r.u16(t) && r.u16_prefixed(body));
    if (static_cast<ExtensionType>(t) == type) {
      return body;
    }
  }
  return std::nullopt;
}

Bytes encoded(const auto& m) {
  ByteWriter w;
  encode_extensions(w, m, nullptr);
  return std::move(w).take();
}

template <typename M>
void round_trip(ExtensionType type, ByteView body, bool hello_retry_request) {
  M m{};
  if constexpr (std::is_same_v<M, ServerHello>) {
    m.is_hello_retry_request = hello_retry_request;
  }
  const std::vector<RawExtension> one = {{type, body}};
  if (!decode_extensions(m, one).ok()) {
    return;
  }
  const Bytes first = encoded(m);
  const std::optional<ByteView> written = body_of_type(first, type);
  if (!written) {
    return;  // this message's encoder does not write the field (or the decoder kept nothing)
  }
  M again{};
  if constexpr (std::is_same_v<M, ServerHello>) {
    again.is_hello_retry_request = hello_retry_request;
  }
  check(decode_extensions(again, std::vector<RawExtension>{{type, *written}}).ok());
  check(encoded(again) == first);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) {
    return 0;
  }
  const auto table = extension_table();
  const ExtensionType type = table[data[0] % table.size()].type;
  const ByteView body(data + 2, size - 2);
  const bool hrr = (data[1] & 0x80) != 0;
  switch (data[1] % 6) {
    case 0: round_trip<ClientHello>(type, body, hrr); break;
    case 1: round_trip<ServerHello>(type, body, hrr); break;
    case 2: round_trip<EncryptedExtensions>(type, body, hrr); break;
    case 3: round_trip<CertificateEntry>(type, body, hrr); break;
    case 4: round_trip<CertificateRequest>(type, body, hrr); break;
    default: round_trip<NewSessionTicket>(type, body, hrr); break;
  }
  return 0;
}
