// codec_util.h: the reading and writing helpers shared by the message codecs (handshake.cc) and
// the extension codecs (extensions.cc). Internal to src/msgs/.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "glasstls/types.h"
#include "msgs/fields.h"
#include "msgs/handshake.h"

namespace glasstls::msgs::detail {

// ext_label names an extension type for error reasons, falling back to its number.
inline std::string ext_label(ExtensionType t) {
  std::string_view n = name(t);
  if (!n.empty()) {
    return std::string(n);
  }
  char buf[24];
  std::snprintf(buf, sizeof(buf), "extension 0x%04x", static_cast<unsigned>(t));
  return buf;
}

inline std::string_view as_string(ByteView v) {
  return std::string_view(reinterpret_cast<const char*>(v.data()), v.size());
}

// count is "1 byte" / "2 bytes", for the view's reports of malformed bytes.
inline std::string count(size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

inline Error truncated(std::string_view what) {
  return decode_error(std::string(what) + " is truncated");
}

inline Error trailing(std::string_view what) {
  return decode_error(std::string(what) + " has trailing bytes");
}

// read_u16_list decodes a list of 16-bit code points filling `list`. Values glasstls does not
// know (GREASE, new registrations) are kept: the enums have a fixed underlying type.
template <typename T>
Result<std::vector<T>> read_u16_list(ByteReader list, bool non_empty, std::string_view what) {
  if (list.remaining() % 2 != 0) {
    return decode_error(std::string(what) + " has an odd length");
  }
  if (non_empty && list.empty()) {
    return decode_error(std::string(what) + " is empty");
  }
  std::vector<T> out;
  out.reserve(list.remaining() / 2);
  while (!list.empty()) {
    uint16_t v = 0;
    if (!list.u16(v)) {
      return truncated(what);  // unreachable: the length is even
    }
    out.push_back(static_cast<T>(v));
  }
  return out;
}

// read_code_vector reads an extension body that is one `name<2..max>` vector of 16-bit code
// points and nothing else (supported_groups, signature_algorithms, ...). The strict errors
// (decode_error) say `what`: cut short, trailing bytes, an odd length, empty. A reporting
// reader reports the vector and each value as `name[i]`, and a length outside 2..`max` (the
// RFC's bound, which the view quotes; the strict reader needs only the minimum, as an
// extension body cannot hold more). Values glasstls does not know are kept.
template <typename T>
Result<std::vector<T>> read_code_vector(FieldReader& r, std::string_view name,
                                        std::string_view what, size_t max = 0xffff) {
  FieldReader list;
  if (!r.open(2, name, list)) {
    return truncated(what);
  }
  if (!r.reporting() && !r.empty()) {
    return trailing(what);
  }
  if (!r.reporting() && list.remaining() % 2 != 0) {
    return decode_error(std::string(what) + " has an odd length");
  }
  const size_t n = list.remaining();
  std::vector<T> out;
  out.reserve(n / 2);
  uint32_t v = 0;
  for (size_t i = 0; !list.empty() && list.item(2, v, name, i); i++) {
    out.push_back(static_cast<T>(v));
  }
  r.close(list);
  GLASSTLS_TRY(r.check_length(n, 2, max, decode_error(std::string(what) + " is empty")));
  return out;
}

// write_raw_ext writes one extension as given: type, length, body.
inline void write_raw_ext(ByteWriter& w, const RawExtension& e) {
  w.u16(static_cast<uint16_t>(e.type));
  auto ext = w.u16_prefixed();
  w.bytes(e.body);
}

}  // namespace glasstls::msgs::detail

namespace glasstls::msgs {

// The readers behind the parse_* functions of handshake.h: each reads one message body through
// `r` and does not check for trailing bytes (parse_* does). With a reporting reader they report
// every field and go on past what they would reject (fields.h); walk.cc calls them so.
// read_finished checks the length against `hash_len` when it is given.
Result<ClientHello> read_client_hello(FieldReader& r);
Result<ServerHello> read_server_hello(FieldReader& r);
Result<Certificate> read_certificate(FieldReader& r);
Result<CertificateVerify> read_certificate_verify(FieldReader& r);
Result<Finished> read_finished(FieldReader& r, std::optional<size_t> hash_len);
Result<KeyUpdate> read_key_update(FieldReader& r);
Result<EncryptedExtensions> read_encrypted_extensions(FieldReader& r);
Result<CertificateRequest> read_certificate_request(FieldReader& r);
Result<NewSessionTicket> read_new_session_ticket(FieldReader& r);

}  // namespace glasstls::msgs
