// client_hello_fuzzer: parse_client_hello on arbitrary bytes, plus a round-trip property.
//
// encode() normalises the extension order, so the property is: whatever parses re-encodes
// (with the extensions encode() does not write passed through in wire order, as the extension
// table tells) into a message that parses to the same decoded fields, and re-encoding that is
// a fixed point.
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

// extras_of is every extension encode() does not write from a decoded field, as the extension
// table says: those are passed through in wire order.
std::vector<RawExtension> extras_of(const ClientHello& ch) {
  std::vector<RawExtension> out;
  for (const RawExtension& e : ch.extensions) {
    if (!encoded_from_field(e.type, ExtensionContext::kClientHello)) {
      out.push_back(e);
    }
  }
  return out;
}

bool same_shares(const std::optional<std::vector<KeyShareEntry>>& a,
                 const std::optional<std::vector<KeyShareEntry>>& b) {
  if (a.has_value() != b.has_value()) {
    return false;
  }
  if (!a) {
    return true;
  }
  if (a->size() != b->size()) {
    return false;
  }
  for (size_t i = 0; i < a->size(); i++) {
    if ((*a)[i].group != (*b)[i].group || !same((*a)[i].key_exchange, (*b)[i].key_exchange)) {
      return false;
    }
  }
  return true;
}

bool same_status_request(const std::optional<CertificateStatusRequest>& a,
                         const std::optional<CertificateStatusRequest>& b) {
  if (a.has_value() != b.has_value()) {
    return false;
  }
  if (!a) {
    return true;
  }
  if (a->status_type != b->status_type ||
      a->responder_id_list.size() != b->responder_id_list.size() ||
      !same(a->request_extensions, b->request_extensions)) {
    return false;
  }
  for (size_t i = 0; i < a->responder_id_list.size(); i++) {
    if (!same(a->responder_id_list[i], b->responder_id_list[i])) {
      return false;
    }
  }
  return true;
}

bool same_fields(const ClientHello& a, const ClientHello& b) {
  bool cookie_same =
      a.cookie.has_value() == b.cookie.has_value() && (!a.cookie || same(*a.cookie, *b.cookie));
  return a.legacy_version == b.legacy_version && same(a.random, b.random) &&
         same(a.legacy_session_id, b.legacy_session_id) && a.cipher_suites == b.cipher_suites &&
         same(a.legacy_compression_methods, b.legacy_compression_methods) &&
         a.server_name == b.server_name && a.supported_groups == b.supported_groups &&
         a.signature_algorithms == b.signature_algorithms &&
         a.signature_algorithms_cert == b.signature_algorithms_cert &&
         a.supported_versions == b.supported_versions && same_shares(a.key_shares, b.key_shares) &&
         a.psk_key_exchange_modes == b.psk_key_exchange_modes && cookie_same && a.alpn == b.alpn &&
         a.has_pre_shared_key == b.has_pre_shared_key && a.has_early_data == b.has_early_data &&
         a.has_post_handshake_auth == b.has_post_handshake_auth &&
         same_status_request(a.status_request, b.status_request);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parsed = parse_client_hello(ByteView(data, size));
  if (!parsed.ok()) {
    return 0;
  }
  std::vector<ExtensionType> written;
  Bytes encoded = encode(*parsed, extras_of(*parsed), &written);
  check(encoded.size() >= 4);
  auto again = parse_client_hello(ByteView(encoded).subspan(4));
  check(again.ok());
  // encode() reports what it wrote, in wire order.
  check(written.size() == again->extensions.size());
  for (size_t i = 0; i < written.size(); i++) {
    check(written[i] == again->extensions[i].type);
  }
  check(same_fields(*parsed, *again));
  check(encode(*again, extras_of(*again)) == encoded);
  return 0;
}
