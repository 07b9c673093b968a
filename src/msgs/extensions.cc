// extensions.cc: the extension table (extensions.h) and the codecs of every extension body.
//
// Each extension has its codecs grouped below under its name, then one row in kTable at the
// end of the file. A decoder is the only place that reads its extension's body; the rules that
// every extension block shares (the table of RFC 8446 section 4.2, no duplicates,
// pre_shared_key last) are applied before it by parse_extension_block (handshake.cc).
#include "msgs/extensions.h"

#include <algorithm>
#include <array>
#include <string>
#include <type_traits>

#include "msgs/codec_util.h"
#include "msgs/extension_readers_a.h"
#include "msgs/extension_readers_b.h"

namespace glasstls::msgs {

// ---------------------------------------------------------------------------------------------
// The readers of extension_readers_b.h, shared by the decoders below and by the walkers of
// extension_walk_b.cc.

namespace detail {

Status read_empty_body(FieldReader& r, std::string_view what) {
  if (r.empty()) {
    return Ok{};
  }
  if (!r.reporting()) {
    return decode_error(std::string(what) + " must have an empty body");
  }
  r.fail(std::string(what) + " must have empty extension_data here");
  return Ok{};
}

Result<std::vector<uint16_t>> read_supported_versions(FieldReader& r) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1
  //# ProtocolVersion versions<2..254>;
  FieldReader list;
  if (!r.open(1, "versions", list)) {
    return truncated("supported_versions");
  }
  if (!r.reporting() && !r.empty()) {
    return trailing("supported_versions");
  }
  if (!r.reporting() && list.remaining() % 2 != 0) {
    return decode_error("supported_versions has an odd length");
  }
  const size_t n = list.remaining();
  std::vector<uint16_t> out;
  out.reserve(n / 2);
  uint32_t v = 0;
  for (size_t i = 0; !list.empty() && list.item(2, v, "versions", i); i++) {
    out.push_back(static_cast<uint16_t>(v));
  }
  r.close(list);
  // An odd length was refused above, so only an empty list fails here when strict.
  GLASSTLS_TRY(
      r.check_length(n, 2, 254, [&] { return decode_error("supported_versions is empty"); }));
  return out;
}

Result<uint16_t> read_selected_version(FieldReader& r) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1
  //# ProtocolVersion selected_version;
  uint16_t v = 0;
  if (!r.u16(v, "selected_version", Show::kCode)) {
    return truncated("supported_versions");
  }
  if (!r.reporting() && !r.empty()) {
    return trailing(ext_label(ExtensionType::supported_versions));
  }
  return v;
}

namespace {

// read_key_share_entry reads one KeyShareEntry (RFC 8446 section 4.2.8), reported as the
// struct `name` (`name[index]` in a list).
Result<KeyShareEntry> read_key_share_entry(FieldReader& r, std::string_view name, size_t index) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
  //# struct {
  //#     NamedGroup group;
  //#     opaque key_exchange<1..2^16-1>;
  //# } KeyShareEntry;
  r.open_struct(name, index);
  uint16_t group = 0;
  FieldReader key;
  if (!r.u16(group, "group", Show::kCode) || !r.open(2, "key_exchange", key)) {
    r.close_struct();
    return truncated("KeyShareEntry");
  }
  const ByteView key_exchange = key.rest_field("public_key");
  r.close(key);
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
  //# opaque key_exchange<1..2^16-1>;
  Status length = r.check_length(key_exchange.size(), 1, 0xffff, [&] {
    return decode_error("KeyShareEntry key_exchange is empty");
  });
  r.close_struct();
  GLASSTLS_TRY(length);
  return KeyShareEntry{static_cast<NamedGroup>(group), key_exchange};
}

}  // namespace

Result<std::vector<KeyShareEntry>> read_client_shares(FieldReader& r) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
  //# KeyShareEntry client_shares<0..2^16-1>;
  FieldReader list;
  if (!r.open(2, "client_shares", list)) {
    return truncated("key_share client_shares");
  }
  if (!r.reporting() && !r.empty()) {
    return trailing("key_share client_shares");
  }
  std::vector<KeyShareEntry> shares;
  for (size_t i = 0; !list.empty(); i++) {
    Result<KeyShareEntry> entry = read_key_share_entry(list, "client_shares", i);
    if (!entry.ok()) {
      // A strict reader stops here. A reporting one fails only on an entry cut short, whose
      // report used up the list, so this ends the walk as the loop would.
      r.close(list);
      return std::move(entry).error();
    }
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
    //# Clients MUST NOT offer multiple KeyShareEntry values
    //# for the same group.
    // The view does not word a repeated group: only the strict reader refuses it.
    if (!r.reporting()) {
      for (const KeyShareEntry& seen : shares) {
        if (seen.group == entry->group) {
          r.close(list);
          return illegal_parameter("key_share offers the same group twice");
        }
      }
    }
    shares.push_back(*entry);
  }
  r.close(list);
  return shares;
}

Result<KeyShareEntry> read_server_share(FieldReader& r) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
  //# KeyShareEntry server_share;
  GLASSTLS_ASSIGN(KeyShareEntry share, read_key_share_entry(r, "server_share", kNoIndex));
  if (!r.reporting() && !r.empty()) {
    return trailing(ext_label(ExtensionType::key_share));
  }
  return share;
}

Result<NamedGroup> read_selected_group(FieldReader& r) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
  //# NamedGroup selected_group;
  uint16_t group = 0;
  if (!r.u16(group, "selected_group", Show::kCode)) {
    return truncated("key_share selected_group");
  }
  if (!r.reporting() && !r.empty()) {
    return trailing(ext_label(ExtensionType::key_share));
  }
  return static_cast<NamedGroup>(group);
}

Result<std::vector<uint8_t>> read_psk_key_exchange_modes(FieldReader& r) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.9
  //# PskKeyExchangeMode ke_modes<1..255>;
  FieldReader list;
  if (!r.open(1, "ke_modes", list)) {
    return truncated("psk_key_exchange_modes");
  }
  if (!r.reporting() && !r.empty()) {
    return trailing("psk_key_exchange_modes");
  }
  const size_t n = list.remaining();
  std::vector<uint8_t> modes;
  modes.reserve(n);
  uint32_t v = 0;
  for (size_t i = 0; !list.empty() && list.item(1, v, "ke_modes", i); i++) {
    modes.push_back(static_cast<uint8_t>(v));
  }
  r.close(list);
  // A 1-byte length cannot exceed 255: only an empty list fails here when strict.
  GLASSTLS_TRY(r.check_length(n, 1, 255, [&] {
    return decode_error("psk_key_exchange_modes is shorter than its minimum length");
  }));
  return modes;
}

Result<ByteView> read_cookie(FieldReader& r, bool client_hello) {
  FieldReader inner;
  if (!r.open(2, "cookie", inner)) {
    return truncated("cookie");
  }
  const ByteView cookie = inner.rest_field("cookie");
  r.close(inner);
  // The ClientHello decoder refuses trailing bytes before an empty cookie, the
  // HelloRetryRequest one after.
  if (client_hello && !r.reporting() && !r.empty()) {
    return trailing("cookie");
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.2
  //# opaque cookie<1..2^16-1>;
  GLASSTLS_TRY(r.check_length(cookie.size(), 1, 0xffff, [&] {
    return decode_error(client_hello ? "cookie is shorter than its minimum length"
                                     : "cookie is empty");
  }));
  if (!client_hello && !r.reporting() && !r.empty()) {
    return trailing(ext_label(ExtensionType::cookie));
  }
  return cookie;
}

Result<uint32_t> read_max_early_data_size(FieldReader& r) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
  //# uint32 max_early_data_size;
  uint32_t max = 0;
  if (!r.u32(max, "max_early_data_size")) {
    return truncated("early_data");
  }
  if (!r.reporting() && !r.empty()) {
    return trailing("early_data");
  }
  return max;
}

Result<std::vector<ByteView>> read_certificate_authorities(FieldReader& r) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.4
  //# opaque DistinguishedName<1..2^16-1>;
  //#
  //# struct {
  //#     DistinguishedName authorities<3..2^16-1>;
  //# } CertificateAuthoritiesExtension;
  FieldReader list;
  if (!r.open(2, "authorities", list)) {
    return truncated("certificate_authorities");
  }
  if (!r.reporting() && !r.empty()) {
    return trailing("certificate_authorities");
  }
  const size_t n = list.remaining();
  if (!r.reporting() && n < 3) {
    r.close(list);
    return decode_error("certificate_authorities is shorter than its minimum length");
  }
  std::vector<ByteView> names;
  for (size_t i = 0; !list.empty(); i++) {
    FieldReader name;
    if (!list.open(2, "authorities", name, i)) {
      if (!r.reporting()) {
        return truncated("DistinguishedName");
      }
      continue;  // the cut-short length was reported and used up the list
    }
    const ByteView dn = name.rest_field("name");
    list.close(name);
    if (Status s = list.check_length(dn.size(), 1, 0xffff,
                                     [&] { return decode_error("DistinguishedName is empty"); });
        !s.ok()) {
      r.close(list);
      return s.error();
    }
    names.push_back(dn);
  }
  r.close(list);
  r.note_length(n, 3, 0xffff);
  return names;
}

Status read_offered_psks(FieldReader& r, OfferedPsks* out) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
  //# struct {
  //#     PskIdentity identities<7..2^16-1>;
  //#     PskBinderEntry binders<33..2^16-1>;
  //# } OfferedPsks;
  FieldReader identities;
  if (!r.open(2, "identities", identities)) {
    return truncated("pre_shared_key");
  }
  if (!r.reporting()) {
    // The whole body is framed before an identity is read: a cut-short binders vector or
    // trailing bytes are refused first.
    FieldReader after = r;
    FieldReader binders;
    if (!after.open(2, "binders", binders)) {
      return truncated("pre_shared_key");
    }
    after.close(binders);
    if (!after.empty()) {
      return trailing("pre_shared_key");
    }
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //# PskIdentity identities<7..2^16-1>;
    //# PskBinderEntry binders<33..2^16-1>;
    if (identities.empty() || binders.empty()) {
      return decode_error("pre_shared_key has no identities or no binders");
    }
  }
  const size_t identities_len = identities.remaining();
  for (size_t i = 0; !identities.empty(); i++) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //# struct {
    //#     opaque identity<1..2^16-1>;
    //#     uint32 obfuscated_ticket_age;
    //# } PskIdentity;
    identities.open_struct("identities", i);
    FieldReader label;
    bool ok = identities.open(2, "identity", label);
    ByteView identity_seen;
    if (ok) {
      const ByteView identity = label.rest_field("identity");
      identity_seen = identity;
      identities.close(label);
      identities.note_length(identity.size(), 1, 0xffff);
      ok = !identity.empty() || identities.reporting();
      if (!ok) {
        // Strict: the age must be there before an empty identity is refused.
        uint32_t age = 0;
        if (!identities.u32(age, "obfuscated_ticket_age")) {
          return truncated("PskIdentity");
        }
        return decode_error("PskIdentity identity is empty");
      }
    }
    uint32_t obfuscated_ticket_age = 0;
    // Reporting: the age is read even after a cut-short identity, as the view always did (the
    // empty error it adds is dropped).
    ok = identities.u32(obfuscated_ticket_age, "obfuscated_ticket_age") && ok;
    identities.close_struct();
    if (!ok && !r.reporting()) {
      return truncated("PskIdentity");
    }
    if (out != nullptr && ok) {
      out->identities.push_back({identity_seen, obfuscated_ticket_age});
    }
  }
  r.close(identities);
  r.note_length(identities_len, 7, 0xffff);
  FieldReader binders;
  if (!r.open(2, "binders", binders)) {
    return truncated("pre_shared_key");  // unreachable when strict: framed above
  }
  const size_t binders_len = binders.remaining();
  for (size_t i = 0; !binders.empty(); i++) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //# opaque PskBinderEntry<32..255>;
    FieldReader binder;
    if (!binders.open(1, "binders", binder, i)) {
      return truncated("PskBinderEntry");
    }
    const ByteView entry = binder.rest_field("binder");
    binders.close(binder);
    if (Status s = binders.check_length(
            entry.size(), 32, 255,
            [&] { return decode_error("PskBinderEntry is shorter than 32 bytes"); });
        !s.ok()) {
      return s.error();
    }
    if (out != nullptr) {
      out->binders.push_back(entry);
    }
  }
  r.close(binders);
  r.note_length(binders_len, 33, 0xffff);
  return Ok{};
}

Result<std::vector<uint8_t>> read_ec_point_formats(FieldReader& r) {
  //= https://www.rfc-editor.org/rfc/rfc8422#section-5.1.2
  //# struct {
  //#     ECPointFormat ec_point_format_list<1..2^8-1>
  //# } ECPointFormatList;
  FieldReader list;
  if (!r.open(1, "ec_point_format_list", list)) {
    return truncated("ec_point_formats");
  }
  if (!r.reporting() && !r.empty()) {
    return trailing("ec_point_formats");
  }
  const size_t n = list.remaining();
  std::vector<uint8_t> formats;
  formats.reserve(n);
  uint32_t v = 0;
  for (size_t i = 0; !list.empty() && list.item(1, v, "ec_point_format_list", i); i++) {
    formats.push_back(static_cast<uint8_t>(v));
  }
  r.close(list);
  GLASSTLS_TRY(
      r.check_length(n, 1, 255, [&] { return decode_error("ec_point_formats is empty"); }));
  return formats;
}

Result<ByteView> read_renegotiation_info(FieldReader& r) {
  //= https://www.rfc-editor.org/rfc/rfc5746#section-3.2
  //# struct {
  //#     opaque renegotiated_connection<0..255>;
  //# } RenegotiationInfo;
  FieldReader inner;
  if (!r.open(1, "renegotiated_connection", inner)) {
    return truncated("renegotiation_info");
  }
  const ByteView connection = inner.rest_field("verify_data");
  r.close(inner);
  if (!r.reporting() && !r.empty()) {
    return trailing("renegotiation_info");
  }
  return connection;
}

ByteView read_session_ticket(FieldReader& r) {
  // RFC 5077 section 3.2: the body is the ticket itself, or empty to ask for one.
  return r.rest_field("ticket");
}

Result<uint16_t> read_selected_identity(FieldReader& r) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
  //# uint16 selected_identity;
  uint16_t selected_identity = 0;
  if (!r.u16(selected_identity, "selected_identity", Show::kDecimal)) {
    return truncated("pre_shared_key");
  }
  if (!r.reporting() && !r.empty()) {
    return trailing(ext_label(ExtensionType::pre_shared_key));
  }
  return selected_identity;
}

}  // namespace detail

namespace {

using detail::as_string;
using detail::ext_label;
using detail::read_certificate_status;
using detail::read_code_vector;
using detail::read_empty_body;
using detail::read_protocol_name_list;
using detail::read_server_name_list;
using detail::read_signature_scheme_list;
using detail::read_status_request;
using detail::trailing;
using detail::truncated;

constexpr MessageSet kCH = in_message(ExtensionContext::kClientHello);
constexpr MessageSet kSH = in_message(ExtensionContext::kServerHello);
constexpr MessageSet kHRR = in_message(ExtensionContext::kHelloRetryRequest);
constexpr MessageSet kEE = in_message(ExtensionContext::kEncryptedExtensions);
constexpr MessageSet kCT = in_message(ExtensionContext::kCertificate);
constexpr MessageSet kCR = in_message(ExtensionContext::kCertificateRequest);
constexpr MessageSet kNST = in_message(ExtensionContext::kNewSessionTicket);

// ---------------------------------------------------------------------------------------------
// Shared body readers and writers.

// write_u16_list_ext writes one extension whose body is a u16-prefixed list of 16-bit values.
template <typename T>
void write_u16_list_ext(ByteWriter& w, ExtensionType type, const std::vector<T>& values) {
  w.u16(static_cast<uint16_t>(type));
  auto ext = w.u16_prefixed();
  auto list = w.u16_prefixed();
  for (T v : values) {
    w.u16(static_cast<uint16_t>(v));
  }
}

// write_optional_u16_list_ext writes `values` as a list extension when it is set.
template <typename T>
bool write_optional_u16_list_ext(ByteWriter& w, ExtensionType type,
                                 const std::optional<std::vector<T>>& values) {
  if (!values) {
    return false;
  }
  write_u16_list_ext(w, type, *values);
  return true;
}

void write_empty_ext(ByteWriter& w, ExtensionType type) {
  w.u16(static_cast<uint16_t>(type));
  w.u16(0);
}

bool write_flag_ext(ByteWriter& w, ExtensionType type, bool present) {
  if (present) {
    write_empty_ext(w, type);
  }
  return present;
}

template <typename Names>
void write_alpn_ext(ByteWriter& w, const Names& names) {
  w.u16(static_cast<uint16_t>(ExtensionType::application_layer_protocol_negotiation));
  auto ext = w.u16_prefixed();
  auto list = w.u16_prefixed();
  for (std::string_view n : names) {
    auto entry = w.u8_prefixed();
    w.bytes(n);
  }
}

void write_key_share_entry(ByteWriter& w, const KeyShareEntry& k) {
  w.u16(static_cast<uint16_t>(k.group));
  auto ke = w.u16_prefixed();
  w.bytes(k.key_exchange);
}

// ---------------------------------------------------------------------------------------------
// server_name (RFC 6066 section 3).

// read_server_name reads entry `index` of a ServerNameList and keeps its host_name in
// `host_name`.
Status read_server_name(FieldReader& list, size_t index,
                        std::optional<std::string_view>& host_name) {
  //= https://www.rfc-editor.org/rfc/rfc6066#section-3
  //# struct {
  //#     NameType name_type;
  //#     select (name_type) {
  //#         case host_name: HostName;
  //#     } name;
  //# } ServerName;
  uint8_t name_type = 0;
  ByteView name;
  list.open_struct("server_name_list", index);
  // Every name type, known or future, carries a u16-prefixed body, so unknown ones can be
  // skipped: "all future data structures associated with new NameTypes MUST begin with a
  // 16-bit length field" (RFC 6066 section 3).
  const bool read = list.u8(name_type, "name_type", Show::kCode) &&
                    list.opaque(2, name_type == 0 ? "host_name" : "name", "name", name);
  Status status = Ok{};
  if (read && name_type != 0) {
    // Not checked: glasstls skips the names of types it does not know.
    list.note_length(name.size(), 1, 0xffff);
  } else if (read) {
    //= https://www.rfc-editor.org/rfc/rfc6066#section-3
    //# opaque HostName<1..2^16-1>;
    status = list.check_length(name.size(), 1, 0xffff,
                               [&] { return decode_error("server_name host_name is empty"); });
  }
  list.close_struct();
  if (!read) {
    return truncated("server_name entry");
  }
  if (!status.ok() || name_type != 0) {
    return status;
  }
  //= https://www.rfc-editor.org/rfc/rfc6066#section-3
  //# The ServerNameList MUST NOT contain more than one name of the same
  //# name_type.
  GLASSTLS_TRY(list.check(!host_name, Broken{Broken::kDuplicate}, true, [&] {
    return illegal_parameter("server_name lists more than one host_name");
  }));
  if (!host_name) {
    host_name = as_string(name);
  }
  return Ok{};
}

}  // namespace

Result<std::optional<std::string_view>> detail::read_server_name_list(FieldReader& r) {
  //= https://www.rfc-editor.org/rfc/rfc6066#section-3
  //# ServerName server_name_list<1..2^16-1>
  FieldReader list;
  if (!r.open(2, "server_name_list", list)) {
    return truncated("server_name_list");
  }
  if (!r.reporting() && !r.empty()) {
    return trailing("server_name_list");
  }
  const size_t n = list.remaining();
  std::optional<std::string_view> host_name;
  Status entries = Ok{};
  for (size_t i = 0; !list.empty() && entries.ok(); i++) {
    entries = read_server_name(list, i, host_name);
  }
  r.close(list);
  GLASSTLS_TRY(std::move(entries));
  // An empty list has no entry, so this is checked before any entry, as it always was.
  GLASSTLS_TRY(r.check_length(n, 1, 0xffff, [&] {
    return decode_error("server_name_list is shorter than its minimum length");
  }));
  return host_name;
}

namespace {

Status decode_ch_server_name(ClientHello& ch, ByteView body) {
  FieldReader r(body);
  GLASSTLS_ASSIGN(ch.server_name, read_server_name_list(r));
  return Ok{};
}

bool encode_ch_server_name(ByteWriter& w, const ClientHello& ch) {
  if (!ch.server_name) {
    return false;
  }
  w.u16(static_cast<uint16_t>(ExtensionType::server_name));
  auto ext = w.u16_prefixed();
  auto list = w.u16_prefixed();
  w.u8(0);  // host_name
  auto host = w.u16_prefixed();
  w.bytes(*ch.server_name);
  return true;
}

Status decode_ee_server_name(EncryptedExtensions& ee, ByteView body) {
  //= https://www.rfc-editor.org/rfc/rfc6066#section-3
  //# In this event, the server
  //# SHALL include an extension of type "server_name" in the (extended)
  //# server hello.  The "extension_data" field of this extension SHALL be
  //# empty.
  FieldReader r(body);
  GLASSTLS_TRY(read_empty_body(r, "server_name"));
  ee.server_name_acknowledged = true;
  return Ok{};
}

bool encode_ee_server_name(ByteWriter& w, const EncryptedExtensions& ee) {
  return write_flag_ext(w, ExtensionType::server_name, ee.server_name_acknowledged);
}

// ---------------------------------------------------------------------------------------------
// status_request (RFC 6066 section 8; RFC 8446 section 4.4.2.1).

// read_responder_ids reads the entries of a responder_id_list into `out`.
Status read_responder_ids(FieldReader& ids, std::vector<ByteView>& out) {
  for (size_t i = 0; !ids.empty(); i++) {
    FieldReader id;
    if (!ids.open(2, "responder_id_list", id, i)) {
      return truncated("status_request ResponderID");
    }
    const ByteView der = id.rest_field("ResponderID");
    ids.close(id);
    GLASSTLS_TRY(ids.check_length(der.size(), 1, 0xffff, [&] {
      return decode_error("status_request ResponderID is empty");
    }));
    out.push_back(der);
  }
  return Ok{};
}

}  // namespace

Result<CertificateStatusRequest> detail::read_status_request(FieldReader& r) {
  CertificateStatusRequest req;
  //= https://www.rfc-editor.org/rfc/rfc6066#section-8
  //# struct {
  //#     CertificateStatusType status_type;
  //#     select (status_type) {
  //#         case ocsp: OCSPStatusRequest;
  //#     } request;
  //# } CertificateStatusRequest;
  if (!r.u8(req.status_type, "status_type")) {
    return truncated("status_request");
  }
  if (req.status_type != kStatusTypeOcsp) {
    // The request of a type glasstls does not know has no structure it could check; the
    // server staples nothing for it.
    (void)r.rest_field("request");
    return req;
  }
  //= https://www.rfc-editor.org/rfc/rfc6066#section-8
  //# struct {
  //#     ResponderID responder_id_list<0..2^16-1>;
  //#     Extensions  request_extensions;
  //# } OCSPStatusRequest;
  //#
  //# opaque ResponderID<1..2^16-1>;
  //# opaque Extensions<0..2^16-1>;
  FieldReader ids;
  if (!r.open(2, "responder_id_list", ids)) {
    return truncated("status_request OCSPStatusRequest");
  }
  // A reporting reader reads the entries where they are; the strict one checks the framing of
  // the whole OCSPStatusRequest first, and then the entries, as it always did.
  Status entries = Ok{};
  if (r.reporting()) {
    entries = read_responder_ids(ids, req.responder_id_list);
  }
  FieldReader unread_ids = ids;
  r.close(ids);
  if (!r.opaque(2, "request_extensions", "extensions", req.request_extensions)) {
    return truncated("status_request OCSPStatusRequest");
  }
  if (!r.reporting()) {
    if (!r.empty()) {
      return trailing("status_request");
    }
    entries = read_responder_ids(unread_ids, req.responder_id_list);
  }
  GLASSTLS_TRY(std::move(entries));
  return req;
}

namespace {

Status decode_ch_status_request(ClientHello& ch, ByteView body) {
  FieldReader r(body);
  GLASSTLS_ASSIGN(ch.status_request, read_status_request(r));
  return Ok{};
}

bool encode_ch_status_request(ByteWriter& w, const ClientHello& ch) {
  if (!ch.status_request) {
    return false;
  }
  w.u16(static_cast<uint16_t>(ExtensionType::status_request));
  auto ext = w.u16_prefixed();
  w.u8(ch.status_request->status_type);
  {
    auto ids = w.u16_prefixed();
    for (ByteView id : ch.status_request->responder_id_list) {
      auto entry = w.u16_prefixed();
      w.bytes(id);
    }
  }
  auto request_extensions = w.u16_prefixed();
  w.bytes(ch.status_request->request_extensions);
  return true;
}

}  // namespace

Result<ByteView> detail::read_certificate_status(FieldReader& r) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.1
  //# Specifically, the body of the
  //# "status_request" extension from the server MUST be a
  //# CertificateStatus structure as defined in [RFC6066], which is
  //# interpreted as defined in [RFC6960].

  //= https://www.rfc-editor.org/rfc/rfc6066#section-8
  //# struct {
  //#     CertificateStatusType status_type;
  //#     select (status_type) {
  //#         case ocsp: OCSPResponse;
  //#     } response;
  //# } CertificateStatus;
  //#
  //# opaque OCSPResponse<1..2^24-1>;
  uint8_t status_type = 0;
  if (!r.u8(status_type, "status_type")) {
    return truncated("CertificateStatus");
  }
  // A well-formed value that is not the one requested: status_request only ever asks for ocsp,
  // the only type defined, so another type answers a request nobody made.
  GLASSTLS_TRY(r.check(status_type == kStatusTypeOcsp, Broken{Broken::kValue}, true, [&] {
    return illegal_parameter("CertificateStatus status_type " + std::to_string(status_type) +
                             " is not ocsp (1)");
  }));
  if (status_type != kStatusTypeOcsp) {
    // Reporting only: the rest, whose structure glasstls does not know.
    (void)r.rest_field("request");
    return ByteView{};
  }
  ByteView response;
  if (!r.opaque(3, "response", "OCSPResponse", response)) {
    return truncated("CertificateStatus OCSPResponse");
  }
  if (!r.reporting() && !r.empty()) {
    return trailing("CertificateStatus");
  }
  GLASSTLS_TRY(r.check_length(response.size(), 1, 0xffffff, [&] {
    return decode_error("CertificateStatus OCSPResponse is empty");
  }));
  return response;
}

namespace {

Status decode_ct_status_request(CertificateEntry& entry, ByteView body) {
  FieldReader r(body);
  GLASSTLS_ASSIGN(entry.ocsp_response, read_certificate_status(r));
  return Ok{};
}

// ---------------------------------------------------------------------------------------------
// supported_groups (RFC 8446 section 4.2.7).

Status decode_ch_supported_groups(ClientHello& ch, ByteView body) {
  FieldReader r(body);
  GLASSTLS_ASSIGN(ch.supported_groups,
                  read_code_vector<NamedGroup>(r, "named_group_list", "supported_groups"));
  return Ok{};
}

bool encode_ch_supported_groups(ByteWriter& w, const ClientHello& ch) {
  return write_optional_u16_list_ext(w, ExtensionType::supported_groups, ch.supported_groups);
}

Status decode_ee_supported_groups(EncryptedExtensions& ee, ByteView body) {
  FieldReader r(body);
  GLASSTLS_ASSIGN(ee.supported_groups,
                  read_code_vector<NamedGroup>(r, "named_group_list", "supported_groups"));
  return Ok{};
}

bool encode_ee_supported_groups(ByteWriter& w, const EncryptedExtensions& ee) {
  return write_optional_u16_list_ext(w, ExtensionType::supported_groups, ee.supported_groups);
}

// ---------------------------------------------------------------------------------------------
// signature_algorithms and signature_algorithms_cert (RFC 8446 section 4.2.3).

}  // namespace

Result<std::vector<SignatureScheme>> detail::read_signature_scheme_list(FieldReader& r,
                                                                        std::string_view what) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
  //# struct {
  //#     SignatureScheme supported_signature_algorithms<2..2^16-2>;
  //# } SignatureSchemeList;
  return read_code_vector<SignatureScheme>(r, "supported_signature_algorithms", what, 0xfffe);
}

namespace {

Status decode_ch_signature_algorithms(ClientHello& ch, ByteView body) {
  FieldReader r(body);
  GLASSTLS_ASSIGN(ch.signature_algorithms, read_signature_scheme_list(r, "signature_algorithms"));
  return Ok{};
}

bool encode_ch_signature_algorithms(ByteWriter& w, const ClientHello& ch) {
  return write_optional_u16_list_ext(w, ExtensionType::signature_algorithms,
                                     ch.signature_algorithms);
}

Status decode_cr_signature_algorithms(CertificateRequest& cr, ByteView body) {
  FieldReader r(body);
  GLASSTLS_ASSIGN(cr.signature_algorithms, read_signature_scheme_list(r, "signature_algorithms"));
  return Ok{};
}

// The CertificateRequest always carries signature_algorithms (RFC 8446 section 4.3.2).
bool encode_cr_signature_algorithms(ByteWriter& w, const CertificateRequest& cr) {
  write_u16_list_ext(w, ExtensionType::signature_algorithms, cr.signature_algorithms);
  return true;
}

Status decode_ch_signature_algorithms_cert(ClientHello& ch, ByteView body) {
  FieldReader r(body);
  GLASSTLS_ASSIGN(ch.signature_algorithms_cert,
                  read_signature_scheme_list(r, "signature_algorithms_cert"));
  return Ok{};
}

bool encode_ch_signature_algorithms_cert(ByteWriter& w, const ClientHello& ch) {
  return write_optional_u16_list_ext(w, ExtensionType::signature_algorithms_cert,
                                     ch.signature_algorithms_cert);
}

Status decode_cr_signature_algorithms_cert(CertificateRequest& cr, ByteView body) {
  FieldReader r(body);
  GLASSTLS_ASSIGN(cr.signature_algorithms_cert,
                  read_signature_scheme_list(r, "signature_algorithms_cert"));
  return Ok{};
}

bool encode_cr_signature_algorithms_cert(ByteWriter& w, const CertificateRequest& cr) {
  return write_optional_u16_list_ext(w, ExtensionType::signature_algorithms_cert,
                                     cr.signature_algorithms_cert);
}

// ---------------------------------------------------------------------------------------------
// application_layer_protocol_negotiation (RFC 7301).

}  // namespace

Result<std::vector<std::string_view>> detail::read_protocol_name_list(FieldReader& r,
                                                                      std::string_view name,
                                                                      bool exactly_one) {
  //= https://www.rfc-editor.org/rfc/rfc7301#section-3.1
  //# ProtocolName protocol_name_list<2..2^16-1>
  FieldReader list;
  if (!r.open(2, name, list)) {
    return truncated("ALPN protocol_name_list");
  }
  const size_t n = list.remaining();
  // The strict reader checks the list's framing and length before its names; a reporting
  // reader notes the length once the list is closed (below).
  if (!r.reporting()) {
    if (!r.empty()) {
      return trailing("ALPN protocol_name_list");
    }
    if (n < 2) {
      return decode_error("ALPN protocol_name_list is shorter than its minimum length");
    }
  }
  std::vector<std::string_view> names;
  Status entries = Ok{};
  for (size_t i = 0; !list.empty() && entries.ok(); i++) {
    FieldReader entry;
    if (!list.open(1, name, entry, i)) {
      entries = truncated("ALPN protocol name");
      break;
    }
    const ByteView proto = entry.rest_field("name");
    list.close(entry);
    //= https://www.rfc-editor.org/rfc/rfc7301#section-3.1
    //# Empty strings
    //# MUST NOT be included and byte strings MUST NOT be truncated.
    entries = list.check_length(proto.size(), 1, 255,
                                [&] { return decode_error("ALPN protocol name is empty"); });
    names.push_back(as_string(proto));
  }
  r.close(list);
  GLASSTLS_TRY(std::move(entries));
  if (n < 2) {
    r.note(Broken{Broken::kLength, 2, 0xffff}, true);
  }
  if (exactly_one) {
    //= https://www.rfc-editor.org/rfc/rfc7301#section-3.1
    //# The "extension_data"
    //# field of the ("application_layer_protocol_negotiation(16)") extension
    //# is structured the same as described above for the client
    //# "extension_data", except that the "ProtocolNameList" MUST contain
    //# exactly one "ProtocolName".
    GLASSTLS_TRY(r.check(names.size() == 1, Broken{Broken::kValue}, true, [&] {
      return decode_error("server ALPN does not contain exactly one protocol");
    }));
  }
  return names;
}

namespace {

Status decode_ch_alpn(ClientHello& ch, ByteView body) {
  FieldReader r(body);
  GLASSTLS_ASSIGN(ch.alpn, read_protocol_name_list(r, "protocol_name_list", false));
  return Ok{};
}

bool encode_ch_alpn(ByteWriter& w, const ClientHello& ch) {
  if (!ch.alpn) {
    return false;
  }
  write_alpn_ext(w, *ch.alpn);
  return true;
}

Status decode_ee_alpn(EncryptedExtensions& ee, ByteView body) {
  FieldReader r(body);
  GLASSTLS_ASSIGN(auto names, read_protocol_name_list(r, "protocol_name_list", true));
  ee.alpn = names.front();
  return Ok{};
}

bool encode_ee_alpn(ByteWriter& w, const EncryptedExtensions& ee) {
  if (!ee.alpn) {
    return false;
  }
  const std::string_view names[1] = {*ee.alpn};
  write_alpn_ext(w, names);
  return true;
}

// ---------------------------------------------------------------------------------------------
// supported_versions (RFC 8446 section 4.2.1).

Status decode_ch_supported_versions(ClientHello& ch, ByteView body) {
  FieldReader r(body);
  GLASSTLS_ASSIGN(ch.supported_versions, detail::read_supported_versions(r));
  return Ok{};
}

bool encode_ch_supported_versions(ByteWriter& w, const ClientHello& ch) {
  if (!ch.supported_versions) {
    return false;
  }
  w.u16(static_cast<uint16_t>(ExtensionType::supported_versions));
  auto ext = w.u16_prefixed();
  auto list = w.u8_prefixed();
  for (uint16_t v : *ch.supported_versions) {
    w.u16(v);
  }
  return true;
}

Status decode_sh_supported_versions(ServerHello& sh, ByteView body) {
  FieldReader r(body);
  GLASSTLS_ASSIGN(sh.selected_version, detail::read_selected_version(r));
  return Ok{};
}

bool encode_sh_supported_versions(ByteWriter& w, const ServerHello& sh) {
  if (!sh.selected_version) {
    return false;
  }
  w.u16(static_cast<uint16_t>(ExtensionType::supported_versions));
  auto ext = w.u16_prefixed();
  w.u16(*sh.selected_version);
  return true;
}

// ---------------------------------------------------------------------------------------------
// key_share (RFC 8446 section 4.2.8).

Status decode_ch_key_share(ClientHello& ch, ByteView body) {
  FieldReader r(body);
  GLASSTLS_ASSIGN(ch.key_shares, detail::read_client_shares(r));
  return Ok{};
}

bool encode_ch_key_share(ByteWriter& w, const ClientHello& ch) {
  if (!ch.key_shares) {
    return false;
  }
  w.u16(static_cast<uint16_t>(ExtensionType::key_share));
  auto ext = w.u16_prefixed();
  auto list = w.u16_prefixed();
  for (const KeyShareEntry& k : *ch.key_shares) {
    write_key_share_entry(w, k);
  }
  return true;
}

Status decode_sh_key_share(ServerHello& sh, ByteView body) {
  FieldReader r(body);
  if (sh.is_hello_retry_request) {
    GLASSTLS_ASSIGN(sh.selected_group, detail::read_selected_group(r));
  } else {
    GLASSTLS_ASSIGN(sh.key_share, detail::read_server_share(r));
  }
  return Ok{};
}

// A HelloRetryRequest writes its selected_group, a ServerHello its key share.
bool encode_sh_key_share(ByteWriter& w, const ServerHello& sh) {
  if (sh.is_hello_retry_request) {
    if (!sh.selected_group) {
      return false;
    }
    w.u16(static_cast<uint16_t>(ExtensionType::key_share));
    auto ext = w.u16_prefixed();
    w.u16(static_cast<uint16_t>(*sh.selected_group));
    return true;
  }
  if (!sh.key_share) {
    return false;
  }
  w.u16(static_cast<uint16_t>(ExtensionType::key_share));
  auto ext = w.u16_prefixed();
  write_key_share_entry(w, *sh.key_share);
  return true;
}

// ---------------------------------------------------------------------------------------------
// psk_key_exchange_modes (RFC 8446 section 4.2.9).

Status decode_ch_psk_key_exchange_modes(ClientHello& ch, ByteView body) {
  FieldReader r(body);
  GLASSTLS_ASSIGN(ch.psk_key_exchange_modes, detail::read_psk_key_exchange_modes(r));
  return Ok{};
}

bool encode_ch_psk_key_exchange_modes(ByteWriter& w, const ClientHello& ch) {
  if (!ch.psk_key_exchange_modes) {
    return false;
  }
  w.u16(static_cast<uint16_t>(ExtensionType::psk_key_exchange_modes));
  auto ext = w.u16_prefixed();
  auto list = w.u8_prefixed();
  for (uint8_t mode : *ch.psk_key_exchange_modes) {
    w.u8(mode);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// cookie (RFC 8446 section 4.2.2).

void write_cookie_ext(ByteWriter& w, ByteView cookie) {
  w.u16(static_cast<uint16_t>(ExtensionType::cookie));
  auto ext = w.u16_prefixed();
  auto body = w.u16_prefixed();
  w.bytes(cookie);
}

Status decode_ch_cookie(ClientHello& ch, ByteView body) {
  FieldReader r(body);
  GLASSTLS_ASSIGN(ch.cookie, detail::read_cookie(r, true));
  return Ok{};
}

bool encode_ch_cookie(ByteWriter& w, const ClientHello& ch) {
  if (!ch.cookie) {
    return false;
  }
  write_cookie_ext(w, *ch.cookie);
  return true;
}

// The extension table admits cookie only in the HelloRetryRequest.
Status decode_sh_cookie(ServerHello& sh, ByteView body) {
  FieldReader r(body);
  GLASSTLS_ASSIGN(sh.cookie, detail::read_cookie(r, false));
  return Ok{};
}

bool encode_sh_cookie(ByteWriter& w, const ServerHello& sh) {
  if (!sh.is_hello_retry_request || !sh.cookie) {
    return false;
  }
  write_cookie_ext(w, *sh.cookie);
  return true;
}

// ---------------------------------------------------------------------------------------------
// early_data (RFC 8446 section 4.2.10).

Status decode_ch_early_data(ClientHello& ch, ByteView body) {
  FieldReader r(body);
  GLASSTLS_TRY(detail::read_empty_body(r, "early_data"));
  ch.has_early_data = true;
  return Ok{};
}

bool encode_ch_early_data(ByteWriter& w, const ClientHello& ch) {
  return write_flag_ext(w, ExtensionType::early_data, ch.has_early_data);
}

Status decode_ee_early_data(EncryptedExtensions& ee, ByteView body) {
  FieldReader r(body);
  GLASSTLS_TRY(detail::read_empty_body(r, "early_data"));
  ee.has_early_data = true;
  return Ok{};
}

bool encode_ee_early_data(ByteWriter& w, const EncryptedExtensions& ee) {
  return write_flag_ext(w, ExtensionType::early_data, ee.has_early_data);
}

Status decode_nst_early_data(NewSessionTicket& nst, ByteView body) {
  FieldReader r(body);
  GLASSTLS_ASSIGN(nst.max_early_data_size, detail::read_max_early_data_size(r));
  return Ok{};
}

bool encode_nst_early_data(ByteWriter& w, const NewSessionTicket& nst) {
  if (!nst.max_early_data_size) {
    return false;
  }
  w.u16(static_cast<uint16_t>(ExtensionType::early_data));
  auto ext = w.u16_prefixed();
  w.u32(*nst.max_early_data_size);
  return true;
}

// ---------------------------------------------------------------------------------------------
// post_handshake_auth (RFC 8446 section 4.2.6).

Status decode_ch_post_handshake_auth(ClientHello& ch, ByteView body) {
  FieldReader r(body);
  GLASSTLS_TRY(detail::read_empty_body(r, "post_handshake_auth"));
  ch.has_post_handshake_auth = true;
  return Ok{};
}

bool encode_ch_post_handshake_auth(ByteWriter& w, const ClientHello& ch) {
  return write_flag_ext(w, ExtensionType::post_handshake_auth, ch.has_post_handshake_auth);
}

// ---------------------------------------------------------------------------------------------
// The extensions of TLS 1.2 in a ClientHello: ec_point_formats (RFC 8422 section 5.1.2),
// encrypt_then_mac (RFC 7366), extended_master_secret (RFC 7627), session_ticket (RFC 5077),
// renegotiation_info (RFC 5746). A TLS 1.2 ServerHello's are decoded by
// decode_tls12_server_hello_extensions (tls12.cc).

Status decode_ch_ec_point_formats(ClientHello& ch, ByteView body) {
  FieldReader r(body);
  GLASSTLS_ASSIGN(ch.ec_point_formats, detail::read_ec_point_formats(r));
  return Ok{};
}

bool encode_ch_ec_point_formats(ByteWriter& w, const ClientHello& ch) {
  if (!ch.ec_point_formats) {
    return false;
  }
  w.u16(static_cast<uint16_t>(ExtensionType::ec_point_formats));
  auto ext = w.u16_prefixed();
  auto list = w.u8_prefixed();
  for (uint8_t f : *ch.ec_point_formats) {
    w.u8(f);
  }
  return true;
}

Status decode_ch_encrypt_then_mac(ClientHello& ch, ByteView body) {
  //= https://www.rfc-editor.org/rfc/rfc7366#section-2
  //# The "extension_type" value for
  //# this extension SHALL be 22 (0x16), and the "extension_data" field of
  //# this extension SHALL be empty.
  FieldReader r(body);
  GLASSTLS_TRY(detail::read_empty_body(r, "encrypt_then_mac"));
  ch.encrypt_then_mac = true;
  return Ok{};
}

bool encode_ch_encrypt_then_mac(ByteWriter& w, const ClientHello& ch) {
  return write_flag_ext(w, ExtensionType::encrypt_then_mac, ch.encrypt_then_mac);
}

Status decode_ch_extended_master_secret(ClientHello& ch, ByteView body) {
  //= https://www.rfc-editor.org/rfc/rfc7627#section-5.1
  //# The
  //# "extension_data" field of this extension is empty.
  FieldReader r(body);
  GLASSTLS_TRY(detail::read_empty_body(r, "extended_master_secret"));
  ch.extended_master_secret = true;
  return Ok{};
}

bool encode_ch_extended_master_secret(ByteWriter& w, const ClientHello& ch) {
  return write_flag_ext(w, ExtensionType::extended_master_secret, ch.extended_master_secret);
}

Status decode_ch_session_ticket(ClientHello& ch, ByteView body) {
  FieldReader r(body);
  ch.session_ticket_data = detail::read_session_ticket(r);
  ch.session_ticket = true;
  return Ok{};
}

bool encode_ch_session_ticket(ByteWriter& w, const ClientHello& ch) {
  if (!ch.session_ticket) {
    return false;
  }
  w.u16(static_cast<uint16_t>(ExtensionType::session_ticket));
  auto ext = w.u16_prefixed();
  w.bytes(ch.session_ticket_data);
  return true;
}

Status decode_ch_renegotiation_info(ClientHello& ch, ByteView body) {
  FieldReader r(body);
  GLASSTLS_ASSIGN(ch.renegotiation_info, detail::read_renegotiation_info(r));
  return Ok{};
}

bool encode_ch_renegotiation_info(ByteWriter& w, const ClientHello& ch) {
  if (!ch.renegotiation_info) {
    return false;
  }
  w.u16(static_cast<uint16_t>(ExtensionType::renegotiation_info));
  auto ext = w.u16_prefixed();
  auto connection = w.u8_prefixed();
  w.bytes(*ch.renegotiation_info);
  return true;
}

// ---------------------------------------------------------------------------------------------
// certificate_authorities (RFC 8446 section 4.2.4).

Status decode_cr_certificate_authorities(CertificateRequest& cr, ByteView body) {
  FieldReader r(body);
  GLASSTLS_ASSIGN(cr.certificate_authorities, detail::read_certificate_authorities(r));
  return Ok{};
}

bool encode_cr_certificate_authorities(ByteWriter& w, const CertificateRequest& cr) {
  if (!cr.certificate_authorities) {
    return false;
  }
  w.u16(static_cast<uint16_t>(ExtensionType::certificate_authorities));
  auto ext = w.u16_prefixed();
  auto list = w.u16_prefixed();
  for (ByteView dn : *cr.certificate_authorities) {
    auto entry = w.u16_prefixed();
    w.bytes(dn);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// pre_shared_key (RFC 8446 section 4.2.11). A ClientHello's is written by encode() itself, after
// every other extension (write_offered_psks), since it must come last.

// decode_ch_pre_shared_key reads a ClientHello pre_shared_key body (its OfferedPsks).
Status decode_ch_pre_shared_key(ClientHello& ch, ByteView body) {
  FieldReader r(body);
  OfferedPsks psks;
  GLASSTLS_TRY(detail::read_offered_psks(r, &psks));
  ch.has_pre_shared_key = true;
  ch.pre_shared_key = std::move(psks);
  return Ok{};
}

Status decode_sh_pre_shared_key(ServerHello& sh, ByteView body) {
  FieldReader r(body);
  GLASSTLS_ASSIGN(sh.selected_identity, detail::read_selected_identity(r));
  sh.has_pre_shared_key = true;
  return Ok{};
}

bool encode_sh_pre_shared_key(ByteWriter& w, const ServerHello& sh) {
  if (!sh.selected_identity || sh.is_hello_retry_request) {
    return false;
  }
  w.u16(static_cast<uint16_t>(ExtensionType::pre_shared_key));
  auto ext = w.u16_prefixed();
  w.u16(*sh.selected_identity);
  return true;
}

// ---------------------------------------------------------------------------------------------
// The table.
//
// TLS 1.3 columns: the table of RFC 8446 section 4.2, plus RFC 8449 section 4 for
// record_size_limit (ClientHello and EncryptedExtensions) and RFC 8879 section 3 for
// compress_certificate (ClientHello and CertificateRequest). TLS 1.3 messages never carry the
// TLS 1.2-only extensions (ec_point_formats, session_ticket, encrypt_then_mac,
// extended_master_secret, renegotiation_info); a ClientHello that also offers TLS 1.2 does,
// which the union of the columns admits.
//
// TLS 1.2 columns: where each extension is defined for a TLS 1.2 handshake, the ClientHello
// and the ServerHello that answers it (RFC 6066, 5246, 8422, 5764, 6520, 7301, 6962, 7250,
// 7685, 7366, 7627, 8449, 5077, 5746; signature_algorithms_cert by RFC 8446 section 4.2.3).
//
// The rows are in the order encode() writes extensions: the first fourteen have codecs, the
// rest are checked and kept raw, but for the ClientHello codecs of the TLS 1.2 extensions.

// clang-format off
constexpr ExtensionRow kTable[] = {
    {.type = ExtensionType::server_name, .tls13 = kCH | kEE, .tls12 = kCH | kSH,
     .client_hello = {decode_ch_server_name, encode_ch_server_name},
     .encrypted_extensions = {decode_ee_server_name, encode_ee_server_name}},
    {.type = ExtensionType::status_request, .tls13 = kCH | kCR | kCT, .tls12 = kCH | kSH,
     .client_hello = {decode_ch_status_request, encode_ch_status_request},
     // In a CertificateRequest it asks for the client's OCSP response; glasstls has none to
     // send, so it is kept raw there.
     .certificate = {decode_ct_status_request, nullptr}},
    {.type = ExtensionType::supported_groups, .tls13 = kCH | kEE, .tls12 = kCH,
     .client_hello = {decode_ch_supported_groups, encode_ch_supported_groups},
     .encrypted_extensions = {decode_ee_supported_groups, encode_ee_supported_groups}},
    {.type = ExtensionType::signature_algorithms, .tls13 = kCH | kCR, .tls12 = kCH,
     .client_hello = {decode_ch_signature_algorithms, encode_ch_signature_algorithms},
     .certificate_request = {decode_cr_signature_algorithms, encode_cr_signature_algorithms}},
    {.type = ExtensionType::signature_algorithms_cert, .tls13 = kCH | kCR, .tls12 = kCH,
     .client_hello = {decode_ch_signature_algorithms_cert, encode_ch_signature_algorithms_cert},
     .certificate_request = {decode_cr_signature_algorithms_cert,
                             encode_cr_signature_algorithms_cert}},
    {.type = ExtensionType::application_layer_protocol_negotiation, .tls13 = kCH | kEE,
     .tls12 = kCH | kSH,
     .client_hello = {decode_ch_alpn, encode_ch_alpn},
     .encrypted_extensions = {decode_ee_alpn, encode_ee_alpn}},
    {.type = ExtensionType::supported_versions, .tls13 = kCH | kSH | kHRR, .tls12 = 0,
     .client_hello = {decode_ch_supported_versions, encode_ch_supported_versions},
     .server_hello = {decode_sh_supported_versions, encode_sh_supported_versions}},
    {.type = ExtensionType::key_share, .tls13 = kCH | kSH | kHRR, .tls12 = 0,
     .client_hello = {decode_ch_key_share, encode_ch_key_share},
     .server_hello = {decode_sh_key_share, encode_sh_key_share}},
    {.type = ExtensionType::psk_key_exchange_modes, .tls13 = kCH, .tls12 = 0,
     .client_hello = {decode_ch_psk_key_exchange_modes, encode_ch_psk_key_exchange_modes}},
    {.type = ExtensionType::cookie, .tls13 = kCH | kHRR, .tls12 = 0,
     .client_hello = {decode_ch_cookie, encode_ch_cookie},
     .server_hello = {decode_sh_cookie, encode_sh_cookie}},
    {.type = ExtensionType::early_data, .tls13 = kCH | kEE | kNST, .tls12 = 0,
     .client_hello = {decode_ch_early_data, encode_ch_early_data},
     .encrypted_extensions = {decode_ee_early_data, encode_ee_early_data},
     .new_session_ticket = {decode_nst_early_data, encode_nst_early_data}},
    {.type = ExtensionType::post_handshake_auth, .tls13 = kCH, .tls12 = 0,
     .client_hello = {decode_ch_post_handshake_auth, encode_ch_post_handshake_auth}},
    // A ClientHello's certificate_authorities is kept raw.
    {.type = ExtensionType::certificate_authorities, .tls13 = kCH | kCR, .tls12 = 0,
     .certificate_request = {decode_cr_certificate_authorities,
                             encode_cr_certificate_authorities}},
    {.type = ExtensionType::pre_shared_key, .tls13 = kCH | kSH, .tls12 = 0,
     .client_hello = {decode_ch_pre_shared_key, nullptr},
     .server_hello = {decode_sh_pre_shared_key, encode_sh_pre_shared_key}},

    {.type = ExtensionType::max_fragment_length, .tls13 = kCH | kEE, .tls12 = kCH | kSH},
    {.type = ExtensionType::ec_point_formats, .tls13 = 0, .tls12 = kCH | kSH,
     .client_hello = {decode_ch_ec_point_formats, encode_ch_ec_point_formats}},
    {.type = ExtensionType::use_srtp, .tls13 = kCH | kEE, .tls12 = kCH | kSH},
    {.type = ExtensionType::heartbeat, .tls13 = kCH | kEE, .tls12 = kCH | kSH},
    {.type = ExtensionType::signed_certificate_timestamp, .tls13 = kCH | kCR | kCT,
     .tls12 = kCH | kSH},
    {.type = ExtensionType::client_certificate_type, .tls13 = kCH | kEE, .tls12 = kCH | kSH},
    {.type = ExtensionType::server_certificate_type, .tls13 = kCH | kEE, .tls12 = kCH | kSH},
    {.type = ExtensionType::padding, .tls13 = kCH, .tls12 = kCH},
    {.type = ExtensionType::encrypt_then_mac, .tls13 = 0, .tls12 = kCH | kSH,
     .client_hello = {decode_ch_encrypt_then_mac, encode_ch_encrypt_then_mac}},
    {.type = ExtensionType::extended_master_secret, .tls13 = 0, .tls12 = kCH | kSH,
     .client_hello = {decode_ch_extended_master_secret, encode_ch_extended_master_secret}},
    {.type = ExtensionType::compress_certificate, .tls13 = kCH | kCR, .tls12 = 0},
    {.type = ExtensionType::record_size_limit, .tls13 = kCH | kEE, .tls12 = kCH | kSH},
    {.type = ExtensionType::session_ticket, .tls13 = 0, .tls12 = kCH | kSH,
     .client_hello = {decode_ch_session_ticket, encode_ch_session_ticket}},
    {.type = ExtensionType::oid_filters, .tls13 = kCR, .tls12 = 0},
    {.type = ExtensionType::renegotiation_info, .tls13 = 0, .tls12 = kCH | kSH,
     .client_hello = {decode_ch_renegotiation_info, encode_ch_renegotiation_info}},
};
// clang-format on

// Every GLASSTLS_EXTENSION row of iana.def has exactly one row in kTable, and nothing else
// does: is_recognized(type) is find_extension(type) != nullptr.
constexpr ExtensionType kRecognized[] = {
#define GLASSTLS_EXTENSION(n, value, text) ExtensionType::n,
#include "glasstls/iana.def"
};

constexpr bool table_matches_registry() {
  if (std::size(kTable) != std::size(kRecognized)) {
    return false;
  }
  for (ExtensionType t : kRecognized) {
    size_t rows = 0;
    for (const ExtensionRow& row : kTable) {
      rows += row.type == t ? 1 : 0;
    }
    if (rows != 1) {
      return false;
    }
  }
  return true;
}
static_assert(table_matches_registry(),
              "kTable needs exactly one row per GLASSTLS_EXTENSION of glasstls/iana.def");

// kLowIndex maps an extension type below 64 (all but renegotiation_info) to 1 + its row index,
// 0 for none, so that the lookup done for every extension received is one load.
constexpr size_t kLowTypes = 64;
constexpr std::array<uint8_t, kLowTypes> kLowIndex = [] {
  std::array<uint8_t, kLowTypes> index{};
  for (size_t i = 0; i < std::size(kTable); i++) {
    const auto v = static_cast<uint16_t>(kTable[i].type);
    if (v < kLowTypes) {
      index[v] = static_cast<uint8_t>(i + 1);
    }
  }
  return index;
}();

// codec_of selects the codec of a row for message type M.
template <typename M>
constexpr const ExtensionCodec<M>& codec_of(const ExtensionRow& row) {
  if constexpr (std::is_same_v<M, ClientHello>) {
    return row.client_hello;
  } else if constexpr (std::is_same_v<M, ServerHello>) {
    return row.server_hello;
  } else if constexpr (std::is_same_v<M, EncryptedExtensions>) {
    return row.encrypted_extensions;
  } else if constexpr (std::is_same_v<M, CertificateEntry>) {
    return row.certificate;
  } else if constexpr (std::is_same_v<M, CertificateRequest>) {
    return row.certificate_request;
  } else {
    static_assert(std::is_same_v<M, NewSessionTicket>);
    return row.new_session_ticket;
  }
}

// has_encoder reports whether `row` has an encoder for the message of `context`.
bool has_encoder(const ExtensionRow& row, ExtensionContext context) {
  switch (context) {
    case ExtensionContext::kClientHello: return row.client_hello.encode != nullptr;
    case ExtensionContext::kServerHello:
    case ExtensionContext::kHelloRetryRequest: return row.server_hello.encode != nullptr;
    case ExtensionContext::kEncryptedExtensions: return row.encrypted_extensions.encode != nullptr;
    case ExtensionContext::kCertificate: return row.certificate.encode != nullptr;
    case ExtensionContext::kCertificateRequest: return row.certificate_request.encode != nullptr;
    case ExtensionContext::kNewSessionTicket: return row.new_session_ticket.encode != nullptr;
  }
  return false;
}

}  // namespace

std::span<const ExtensionRow> extension_table() { return kTable; }

std::string extension_label(ExtensionType type) { return ext_label(type); }

const ExtensionRow* find_extension(ExtensionType type) {
  const auto v = static_cast<uint16_t>(type);
  if (v < kLowTypes) {
    const uint8_t i = kLowIndex[v];
    return i == 0 ? nullptr : &kTable[i - 1];
  }
  for (const ExtensionRow& row : kTable) {
    if (row.type == type) {
      return &row;
    }
  }
  return nullptr;
}

bool is_recognized(ExtensionType type) { return find_extension(type) != nullptr; }

bool extension_allowed(ExtensionType type, ExtensionContext context, ProtocolVersion version) {
  const ExtensionRow* row = find_extension(type);
  if (row == nullptr) {
    // Unrecognised types are the caller's decision.
    return true;
  }
  const MessageSet where = version == ProtocolVersion::TLSv1_3   ? row->tls13
                           : version == ProtocolVersion::TLSv1_2 ? row->tls12
                                                                 : 0;
  return (where & in_message(context)) != 0;
}

bool extension_allowed(ExtensionType type, ExtensionContext context) {
  const ExtensionRow* row = find_extension(type);
  if (row == nullptr) {
    return true;
  }
  // A ClientHello may offer TLS 1.2 as well as TLS 1.3, so it may carry the extensions of
  // either; every later message belongs to a TLS 1.3 handshake.
  const MessageSet where =
      context == ExtensionContext::kClientHello ? row->tls13 | row->tls12 : row->tls13;
  return (where & in_message(context)) != 0;
}

bool encoded_from_field(ExtensionType type, ExtensionContext context) {
  // A ClientHello's pre_shared_key is written by encode() itself, after every other extension
  // (RFC 8446 section 4.2.11: it must be last), from ClientHello::pre_shared_key.
  if (type == ExtensionType::pre_shared_key && context == ExtensionContext::kClientHello) {
    return true;
  }
  const ExtensionRow* row = find_extension(type);
  return row != nullptr && has_encoder(*row, context);
}

std::optional<ExtensionType> first_unsolicited(std::span<const RawExtension> received,
                                               std::span<const ExtensionType> offered,
                                               ExtensionContext context) {
  for (const RawExtension& e : received) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
    //# Implementations MUST NOT send extension responses if the remote
    //# endpoint did not send the corresponding extension requests, with the
    //# exception of the "cookie" extension in the HelloRetryRequest.
    if (context == ExtensionContext::kHelloRetryRequest && e.type == ExtensionType::cookie) {
      continue;
    }
    if (std::find(offered.begin(), offered.end(), e.type) == offered.end()) {
      return e.type;
    }
  }
  return std::nullopt;
}

template <typename M>
Status decode_extensions(M& m, std::span<const RawExtension> extensions) {
  for (const RawExtension& e : extensions) {
    const ExtensionRow* row = find_extension(e.type);
    if (row == nullptr) {
      // Unrecognised: kept in `extensions` only. In a ClientHello:
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
      //# Servers MUST ignore unrecognized extensions.
      // Elsewhere the state machine refuses it as unsolicited, or ignores it where the RFC
      // says so ("Clients MUST ignore unrecognized extensions" in a CertificateRequest,
      // section 4.3.2).
      continue;
    }
    if (auto decode = codec_of<M>(*row).decode) {
      GLASSTLS_TRY(decode(m, e.body));
    }
  }
  return Ok{};
}

template <typename M>
void encode_extensions(ByteWriter& w, const M& m, std::vector<ExtensionType>* written) {
  for (const ExtensionRow& row : kTable) {
    if (auto encode = codec_of<M>(row).encode) {
      if (encode(w, m) && written != nullptr) {
        written->push_back(row.type);
      }
    }
  }
}

template Status decode_extensions(ClientHello&, std::span<const RawExtension>);
template Status decode_extensions(ServerHello&, std::span<const RawExtension>);
template Status decode_extensions(EncryptedExtensions&, std::span<const RawExtension>);
template Status decode_extensions(CertificateEntry&, std::span<const RawExtension>);
template Status decode_extensions(CertificateRequest&, std::span<const RawExtension>);
template Status decode_extensions(NewSessionTicket&, std::span<const RawExtension>);
template void encode_extensions(ByteWriter&, const ClientHello&, std::vector<ExtensionType>*);
template void encode_extensions(ByteWriter&, const ServerHello&, std::vector<ExtensionType>*);
template void encode_extensions(ByteWriter&, const EncryptedExtensions&,
                                std::vector<ExtensionType>*);
template void encode_extensions(ByteWriter&, const CertificateEntry&, std::vector<ExtensionType>*);
template void encode_extensions(ByteWriter&, const CertificateRequest&,
                                std::vector<ExtensionType>*);
template void encode_extensions(ByteWriter&, const NewSessionTicket&, std::vector<ExtensionType>*);

}  // namespace glasstls::msgs
