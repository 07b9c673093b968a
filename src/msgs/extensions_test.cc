// extensions_test.cc: tests for the extension table (extensions.h): its columns against the
// table of RFC 8446 section 4.2 (transcribed below from the RFC) and the TLS 1.2 definitions,
// its coverage of iana.def, its codecs' order and placement, and the generic unsolicited check.
#include "msgs/extensions.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace glasstls::msgs {
namespace {

using C = ExtensionContext;

constexpr C kAllContexts[] = {C::kClientHello,         C::kServerHello, C::kHelloRetryRequest,
                              C::kEncryptedExtensions, C::kCertificate, C::kCertificateRequest,
                              C::kNewSessionTicket};

struct RfcRow {
  ExtensionType type;
  std::vector<C> tls13;
};

// RFC 8446 section 4.2, the table after "The table below indicates the messages where a given
// extension may appear", with record_size_limit from RFC 8449 section 4 and
// compress_certificate from RFC 8879 section 3. The TLS 1.2-only extensions appear in no TLS
// 1.3 message.
const std::vector<RfcRow> kRfc8446Table = {
    {ExtensionType::server_name, {C::kClientHello, C::kEncryptedExtensions}},
    {ExtensionType::max_fragment_length, {C::kClientHello, C::kEncryptedExtensions}},
    {ExtensionType::status_request, {C::kClientHello, C::kCertificateRequest, C::kCertificate}},
    {ExtensionType::supported_groups, {C::kClientHello, C::kEncryptedExtensions}},
    {ExtensionType::signature_algorithms, {C::kClientHello, C::kCertificateRequest}},
    {ExtensionType::use_srtp, {C::kClientHello, C::kEncryptedExtensions}},
    {ExtensionType::heartbeat, {C::kClientHello, C::kEncryptedExtensions}},
    {ExtensionType::application_layer_protocol_negotiation,
     {C::kClientHello, C::kEncryptedExtensions}},
    {ExtensionType::signed_certificate_timestamp,
     {C::kClientHello, C::kCertificateRequest, C::kCertificate}},
    {ExtensionType::client_certificate_type, {C::kClientHello, C::kEncryptedExtensions}},
    {ExtensionType::server_certificate_type, {C::kClientHello, C::kEncryptedExtensions}},
    {ExtensionType::padding, {C::kClientHello}},
    {ExtensionType::key_share, {C::kClientHello, C::kServerHello, C::kHelloRetryRequest}},
    {ExtensionType::pre_shared_key, {C::kClientHello, C::kServerHello}},
    {ExtensionType::psk_key_exchange_modes, {C::kClientHello}},
    {ExtensionType::early_data, {C::kClientHello, C::kEncryptedExtensions, C::kNewSessionTicket}},
    {ExtensionType::cookie, {C::kClientHello, C::kHelloRetryRequest}},
    {ExtensionType::supported_versions, {C::kClientHello, C::kServerHello, C::kHelloRetryRequest}},
    {ExtensionType::certificate_authorities, {C::kClientHello, C::kCertificateRequest}},
    {ExtensionType::oid_filters, {C::kCertificateRequest}},
    {ExtensionType::post_handshake_auth, {C::kClientHello}},
    {ExtensionType::signature_algorithms_cert, {C::kClientHello, C::kCertificateRequest}},
    {ExtensionType::record_size_limit, {C::kClientHello, C::kEncryptedExtensions}},
    {ExtensionType::compress_certificate, {C::kClientHello, C::kCertificateRequest}},
    {ExtensionType::ec_point_formats, {}},
    {ExtensionType::session_ticket, {}},
    {ExtensionType::encrypt_then_mac, {}},
    {ExtensionType::extended_master_secret, {}},
    {ExtensionType::renegotiation_info, {}},
};

// The extensions defined for a TLS 1.2 ServerHello (RFC 6066 sections 3, 4 and 8; RFC 8422
// section 5.2; RFC 5764; RFC 6520; RFC 7301; RFC 6962; RFC 7250; RFC 7366; RFC 7627;
// RFC 8449; RFC 5077; RFC 5746).
const std::set<ExtensionType> kTls12ServerHello = {
    ExtensionType::server_name,
    ExtensionType::max_fragment_length,
    ExtensionType::status_request,
    ExtensionType::ec_point_formats,
    ExtensionType::use_srtp,
    ExtensionType::heartbeat,
    ExtensionType::application_layer_protocol_negotiation,
    ExtensionType::signed_certificate_timestamp,
    ExtensionType::client_certificate_type,
    ExtensionType::server_certificate_type,
    ExtensionType::encrypt_then_mac,
    ExtensionType::extended_master_secret,
    ExtensionType::record_size_limit,
    ExtensionType::session_ticket,
    ExtensionType::renegotiation_info,
};

std::vector<ExtensionType> registry_extensions() {
  return {
#define GLASSTLS_EXTENSION(n, value, text) ExtensionType::n,
#include "glasstls/iana.def"
  };
}

TEST(ExtensionTable, Tls13ColumnsAreRfc8446Section42) {
  ASSERT_EQ(kRfc8446Table.size(), registry_extensions().size());
  for (const RfcRow& row : kRfc8446Table) {
    for (C context : kAllContexts) {
      const bool want = std::find(row.tls13.begin(), row.tls13.end(), context) != row.tls13.end();
      EXPECT_EQ(extension_allowed(row.type, context, ProtocolVersion::TLSv1_3), want)
          << name(row.type) << " in context " << static_cast<int>(context);
    }
  }
}

TEST(ExtensionTable, Tls12ColumnsAreClientAndServerHello) {
  for (ExtensionType type : registry_extensions()) {
    SCOPED_TRACE(std::string(name(type)));
    EXPECT_EQ(extension_allowed(type, C::kServerHello, ProtocolVersion::TLSv1_2),
              kTls12ServerHello.count(type) == 1);
    // Nothing after the hellos carries extensions in TLS 1.2.
    for (C context : {C::kHelloRetryRequest, C::kEncryptedExtensions, C::kCertificate,
                      C::kCertificateRequest, C::kNewSessionTicket}) {
      EXPECT_FALSE(extension_allowed(type, context, ProtocolVersion::TLSv1_2));
    }
    // Whatever a TLS 1.2 server may answer, a TLS 1.2 client may ask for.
    if (kTls12ServerHello.count(type) == 1) {
      EXPECT_TRUE(extension_allowed(type, C::kClientHello, ProtocolVersion::TLSv1_2));
    }
  }
  EXPECT_TRUE(extension_allowed(ExtensionType::padding, C::kClientHello, ProtocolVersion::TLSv1_2));
  EXPECT_TRUE(extension_allowed(ExtensionType::supported_groups, C::kClientHello,
                                ProtocolVersion::TLSv1_2));
  EXPECT_FALSE(
      extension_allowed(ExtensionType::key_share, C::kClientHello, ProtocolVersion::TLSv1_2));
  EXPECT_FALSE(extension_allowed(ExtensionType::supported_groups, C::kServerHello,
                                 ProtocolVersion::TLSv1_2));
}

TEST(ExtensionTable, TwoArgumentFormChecksClientHelloAgainstBothVersions) {
  for (ExtensionType type : registry_extensions()) {
    SCOPED_TRACE(std::string(name(type)));
    EXPECT_EQ(extension_allowed(type, C::kClientHello),
              extension_allowed(type, C::kClientHello, ProtocolVersion::TLSv1_3) ||
                  extension_allowed(type, C::kClientHello, ProtocolVersion::TLSv1_2));
    for (C context : kAllContexts) {
      if (context != C::kClientHello) {
        EXPECT_EQ(extension_allowed(type, context),
                  extension_allowed(type, context, ProtocolVersion::TLSv1_3));
      }
    }
  }
  // The TLS 1.2-only extensions: tolerated in a ClientHello, refused in a TLS 1.3 ServerHello,
  // allowed in a TLS 1.2 one.
  EXPECT_TRUE(extension_allowed(ExtensionType::extended_master_secret, C::kClientHello));
  EXPECT_FALSE(extension_allowed(ExtensionType::extended_master_secret, C::kServerHello));
  EXPECT_TRUE(extension_allowed(ExtensionType::extended_master_secret, C::kServerHello,
                                ProtocolVersion::TLSv1_2));
  EXPECT_FALSE(extension_allowed(ExtensionType::oid_filters, C::kClientHello));
}

TEST(ExtensionTable, OtherVersionsAllowNothingRecognised) {
  EXPECT_FALSE(
      extension_allowed(ExtensionType::server_name, C::kClientHello, ProtocolVersion::TLSv1_1));
  // Unrecognised types are the caller's decision in every version.
  EXPECT_TRUE(extension_allowed(static_cast<ExtensionType>(0x0a0a), C::kEncryptedExtensions,
                                ProtocolVersion::TLSv1_1));
  EXPECT_TRUE(extension_allowed(static_cast<ExtensionType>(0x1234), C::kCertificate,
                                ProtocolVersion::TLSv1_3));
}

TEST(ExtensionTable, OneRowPerRegistryExtension) {
  const std::vector<ExtensionType> registry = registry_extensions();
  EXPECT_EQ(extension_table().size(), registry.size());
  std::set<uint16_t> known;
  for (ExtensionType t : registry) {
    known.insert(static_cast<uint16_t>(t));
    const ExtensionRow* row = find_extension(t);
    ASSERT_NE(row, nullptr) << name(t);
    EXPECT_EQ(row->type, t);
  }
  for (uint32_t v = 0; v <= 0xffff; v++) {
    const auto t = static_cast<ExtensionType>(v);
    EXPECT_EQ(find_extension(t) != nullptr, known.count(static_cast<uint16_t>(v)) == 1) << v;
    EXPECT_EQ(is_recognized(t), known.count(static_cast<uint16_t>(v)) == 1) << v;
  }
}

// has_decoder and has_encoder read a row's codec for the message of `context`.
bool has_decoder(const ExtensionRow& row, C context) {
  switch (context) {
    case C::kClientHello: return row.client_hello.decode != nullptr;
    case C::kServerHello:
    case C::kHelloRetryRequest: return row.server_hello.decode != nullptr;
    case C::kEncryptedExtensions: return row.encrypted_extensions.decode != nullptr;
    case C::kCertificate: return row.certificate.decode != nullptr;
    case C::kCertificateRequest: return row.certificate_request.decode != nullptr;
    case C::kNewSessionTicket: return row.new_session_ticket.decode != nullptr;
  }
  return false;
}

TEST(ExtensionTable, CodecsOnlyWhereTheExtensionMayAppear) {
  for (const ExtensionRow& row : extension_table()) {
    SCOPED_TRACE(std::string(name(row.type)));
    for (C context : kAllContexts) {
      if (context == C::kHelloRetryRequest) {
        continue;  // shares the ServerHello codec
      }
      const bool allowed =
          extension_allowed(row.type, context) ||
          (context == C::kServerHello && extension_allowed(row.type, C::kHelloRetryRequest));
      if (has_decoder(row, context)) {
        EXPECT_TRUE(allowed) << "decoder for context " << static_cast<int>(context);
      }
      if (encoded_from_field(row.type, context)) {
        EXPECT_TRUE(allowed) << "encoder for context " << static_cast<int>(context);
        // Whatever encode() writes, the parser decodes.
        EXPECT_TRUE(has_decoder(row, context)) << "context " << static_cast<int>(context);
      }
    }
  }
  EXPECT_FALSE(encoded_from_field(static_cast<ExtensionType>(0x0a0a), C::kClientHello));
  EXPECT_FALSE(encoded_from_field(ExtensionType::padding, C::kClientHello));
  EXPECT_TRUE(encoded_from_field(ExtensionType::key_share, C::kHelloRetryRequest));
}

TEST(ExtensionTable, EncodeWritesInTableOrderAndReportsWhatItWrote) {
  ClientHello ch;
  const Bytes random(32, 7);
  ch.random = random;
  ch.cipher_suites = {CipherSuite::TLS_AES_128_GCM_SHA256};
  ch.server_name = "example.com";
  ch.status_request = CertificateStatusRequest{};
  ch.supported_groups = std::vector<NamedGroup>{NamedGroup::x25519};
  ch.signature_algorithms = std::vector<SignatureScheme>{SignatureScheme::ed25519};
  ch.signature_algorithms_cert = std::vector<SignatureScheme>{SignatureScheme::ed25519};
  ch.alpn = std::vector<std::string_view>{"h2"};
  ch.supported_versions = std::vector<uint16_t>{0x0304};
  const Bytes share(32, 9);
  ch.key_shares = std::vector<KeyShareEntry>{{NamedGroup::x25519, share}};
  ch.psk_key_exchange_modes = std::vector<uint8_t>{1};
  const Bytes cookie = {1, 2, 3};
  ch.cookie = cookie;
  ch.has_early_data = true;
  ch.has_post_handshake_auth = true;
  ch.ec_point_formats = std::vector<uint8_t>{0};
  ch.encrypt_then_mac = true;
  ch.extended_master_secret = true;
  ch.session_ticket = true;
  ch.renegotiation_info = ByteView{};
  const Bytes padding(5, 0);
  std::vector<ExtensionType> written;
  Bytes encoded = encode(ch, {{ExtensionType::padding, padding}}, &written);
  auto parsed = parse_client_hello(ByteView(encoded).subspan(4));
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();

  std::vector<ExtensionType> wire;
  for (const RawExtension& e : parsed->extensions) {
    wire.push_back(e.type);
  }
  EXPECT_EQ(written, wire);
  std::vector<ExtensionType> table_order;
  for (const ExtensionRow& row : extension_table()) {
    if (row.client_hello.encode != nullptr) {
      table_order.push_back(row.type);
    }
  }
  table_order.push_back(ExtensionType::padding);  // the extra, last
  EXPECT_EQ(wire, table_order);
  // A field left unset is neither written nor reported.
  ch.cookie.reset();
  written.clear();
  encode(ch, {}, &written);
  EXPECT_EQ(std::count(written.begin(), written.end(), ExtensionType::cookie), 0);
  EXPECT_EQ(written.size(), table_order.size() - 2);
}

std::vector<RawExtension> block(std::initializer_list<ExtensionType> types) {
  std::vector<RawExtension> out;
  for (ExtensionType t : types) {
    out.push_back({t, {}});
  }
  return out;
}

TEST(ExtensionTable, FirstUnsolicited) {
  const std::vector<ExtensionType> offered = {
      ExtensionType::server_name, ExtensionType::supported_groups,
      ExtensionType::supported_versions, ExtensionType::key_share};
  EXPECT_EQ(first_unsolicited(block({ExtensionType::supported_versions, ExtensionType::key_share}),
                              offered, C::kServerHello),
            std::nullopt);
  EXPECT_EQ(first_unsolicited({}, offered, C::kEncryptedExtensions), std::nullopt);
  // The first one not offered, in wire order.
  EXPECT_EQ(first_unsolicited(block({ExtensionType::server_name, ExtensionType::early_data,
                                     ExtensionType::application_layer_protocol_negotiation}),
                              offered, C::kEncryptedExtensions),
            ExtensionType::early_data);
  EXPECT_EQ(first_unsolicited(block({ExtensionType::key_share, ExtensionType::pre_shared_key}),
                              offered, C::kServerHello),
            ExtensionType::pre_shared_key);
  // Unrecognised types are never offered.
  EXPECT_EQ(first_unsolicited(block({static_cast<ExtensionType>(0x1a1a)}), offered,
                              C::kEncryptedExtensions),
            static_cast<ExtensionType>(0x1a1a));
  // The exception of RFC 8446 section 4.2: cookie in a HelloRetryRequest, and only there.
  EXPECT_EQ(first_unsolicited(block({ExtensionType::key_share, ExtensionType::cookie}), offered,
                              C::kHelloRetryRequest),
            std::nullopt);
  EXPECT_EQ(first_unsolicited(block({ExtensionType::cookie}), offered, C::kServerHello),
            ExtensionType::cookie);
  // Nothing offered: anything is unsolicited.
  EXPECT_EQ(first_unsolicited(block({ExtensionType::status_request}), {}, C::kCertificate),
            ExtensionType::status_request);
}

TEST(ExtensionTable, DecodeDispatchesToTheMessagesCodec) {
  // supported_groups has a decoder in ClientHello and EncryptedExtensions; the body is decoded
  // into the message's field.
  const uint8_t groups[] = {0x00, 0x02, 0x00, 0x1d};
  const std::vector<RawExtension> exts = {{ExtensionType::supported_groups, groups}};
  ClientHello ch;
  ASSERT_TRUE(decode_extensions(ch, exts).ok());
  ASSERT_TRUE(ch.supported_groups.has_value());
  EXPECT_EQ(*ch.supported_groups, std::vector<NamedGroup>{NamedGroup::x25519});
  EncryptedExtensions ee;
  ASSERT_TRUE(decode_extensions(ee, exts).ok());
  EXPECT_EQ(ee.supported_groups, ch.supported_groups);
  // A malformed body fails with the decoder's alert.
  const uint8_t odd[] = {0x00, 0x01, 0x00};
  Status s =
      decode_extensions(ch, std::vector<RawExtension>{{ExtensionType::supported_groups, odd}});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::decode_error);
  // No decoder: left alone, whatever the body (padding, an unknown type).
  ClientHello untouched;
  const uint8_t junk[] = {0xff};
  EXPECT_TRUE(decode_extensions(
                  untouched, std::vector<RawExtension>{{ExtensionType::padding, junk},
                                                       {static_cast<ExtensionType>(0x1234), junk}})
                  .ok());
  // A CertificateRequest does not decode supported_groups (it may not carry it).
  CertificateRequest cr;
  EXPECT_TRUE(
      decode_extensions(cr, std::vector<RawExtension>{{ExtensionType::supported_groups, odd}})
          .ok());
}

// reason is the reason decode_extensions gives for one extension in a message M.
template <typename M>
std::string reason(ExtensionType type, std::vector<uint8_t> body) {
  M m;
  Status s = decode_extensions(m, std::vector<RawExtension>{{type, body}});
  return s.ok() ? "ok" : s.error().reason;
}

TEST(ExtensionCodecs, FramingIsCheckedBeforeTheEntries) {
  // The decoders read through the FieldReader their walkers use (extension_readers_a.h); the
  // strict order of their checks is the one they always had.
  // An empty ResponderID, then trailing bytes: the trailing bytes are found first.
  EXPECT_EQ(reason<ClientHello>(ExtensionType::status_request,
                                {0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0xff}),
            "status_request has trailing bytes");
  EXPECT_EQ(reason<ClientHello>(ExtensionType::status_request,
                                {0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00}),
            "status_request ResponderID is empty");
  // An ALPN list of one byte, an empty name: the list's length is found first.
  EXPECT_EQ(reason<ClientHello>(ExtensionType::application_layer_protocol_negotiation,
                                {0x00, 0x01, 0x00}),
            "ALPN protocol_name_list is shorter than its minimum length");
  EXPECT_EQ(reason<EncryptedExtensions>(ExtensionType::application_layer_protocol_negotiation,
                                        {0x00, 0x06, 0x02, 'h', '2', 0x02, 'h', '3'}),
            "server ALPN does not contain exactly one protocol");
  // An empty host_name before a second one.
  EXPECT_EQ(reason<ClientHello>(ExtensionType::server_name,
                                {0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x61}),
            "server_name host_name is empty");
  EXPECT_EQ(reason<CertificateEntry>(ExtensionType::status_request, {0x02, 0x00}),
            "CertificateStatus status_type 2 is not ocsp (1)");
  EXPECT_EQ(reason<ClientHello>(ExtensionType::signature_algorithms, {0x00, 0x00}),
            "signature_algorithms is empty");
}

}  // namespace
}  // namespace glasstls::msgs
