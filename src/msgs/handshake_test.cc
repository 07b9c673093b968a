// handshake_test.cc: tests for the handshake message codecs in handshake.h.
//
// The known-answer inputs are the handshake messages of RFC 8448 (copied from
// https://www.rfc-editor.org/rfc/rfc8448.txt, whose line numbers are cited below; section 3 is
// also in tests/data/rfc8448-simple-1rtt.txt). Every other input is built here, byte by byte or
// through encode(), and each malformed case checks the alert the RFC names.
#include "msgs/handshake.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace glasstls::msgs {
namespace {

// RFC 8448 section 3, ClientHello (rfc8448.txt line 177).
constexpr std::string_view kRfc8448ClientHello =
    "010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7000006130113"
    "031302010000910000000b0009000006736572766572ff01000100000a00140012001d001700180019010001"
    "0101020103010400230000003300260024001d002099381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae"
    "4d5413691e529aaf2c002b0003020304000d0020001e04030503060302030804080508060401050106010201"
    "0402050206020202002d00020101001c00024001";

// RFC 8448 section 3, ServerHello (rfc8448.txt line 241).
constexpr std::string_view kRfc8448ServerHello =
    "020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e2692800130100002e"
    "00330024001d0020c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f002b0002"
    "0304";

// RFC 8448 section 3, EncryptedExtensions (rfc8448.txt line 376).
constexpr std::string_view kRfc8448EncryptedExtensions =
    "080000240022000a00140012001d00170018001901000101010201030104001c0002400100000000";

// RFC 8448 section 3, Certificate (rfc8448.txt line 382).
constexpr std::string_view kRfc8448Certificate =
    "0b0001b9000001b50001b0308201ac30820115a003020102020102300d06092a864886f70d01010b0500300e"
    "310c300a06035504031303727361301e170d3136303733303031323335395a170d3236303733303031323335"
    "395a300e310c300a0603550403130372736130819f300d06092a864886f70d010101050003818d0030818902"
    "818100b4bb498f8279303d980836399b36c6988c0c68de55e1bdb826d3901a2461eafd2de49a91d015abbc9a"
    "95137ace6c1af19eaa6af98c7ced43120998e187a80ee0ccb0524b1b018c3e0b63264d449a6d38e22a5fda43"
    "0846748030530ef0461c8ca9d9efbfae8ea6d1d03e2bd193eff0ab9a8002c47428a6d35a8d88d79f7f1e3f02"
    "03010001a31a301830090603551d1304023000300b0603551d0f0404030205a0300d06092a864886f70d0101"
    "0b05000381810085aad2a0e5b9276b908c65f73a7267170618a54c5f8a7b337d2df7a594365417f2eae8f8a5"
    "8c8f8172f9319cf36b7fd6c55b80f21a03015156726096fd335e5e67f2dbf102702e608ccae6bec1fc63a42a"
    "99be5c3eb7107c3c54e9b9eb2bd5203b1c3b84e0a8b2f759409ba3eac9d91d402dcc0cc8f8961229ac9187b4"
    "2b4de10000";

// RFC 8448 section 3, CertificateVerify (rfc8448.txt line 415).
constexpr std::string_view kRfc8448CertificateVerify =
    "0f000084080400805a747c5d88fa9bd2e55ab085a61015b7211f824cd484145ab3ff52f1fda8477b0b7abc90"
    "db78e2d33a5c141a078653fa6bef780c5ea248eeaaa785c4f394cab6d30bbe8d4859ee511f602957b15411ac"
    "027671459e46445c9ea58c181e818e95b8c3fb0bf3278409d3be152a3da5043e063dda65cdf5aea20d53dfac"
    "d42f74f3";

// RFC 8448 section 3, server Finished (rfc8448.txt line 441).
constexpr std::string_view kRfc8448ServerFinished =
    "140000209b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718";

// RFC 8448 section 3, NewSessionTicket (rfc8448.txt line 764).
constexpr std::string_view kRfc8448NewSessionTicket =
    "040000c90000001efad6aac502000000b22c035d829359ee5ff7af4ec900000000262a6494dc486d2c8a34cb"
    "33fa90bf1b0070ad3c498883c9367c09a2be785abc55cd226097a3a982117283f82a03a143efd3ff5dd36d64"
    "e861be7fd61d2827db279cce145077d454a3664d4e6da4d29ee03725a6a4dafcd0fc67d2aea70529513e3da2"
    "677fa5906c5b3f7d8f92f228bda40dda721470f9fbf297b5aea617646fac5c03272e970727c621a79141ef5f"
    "7de6505e5bfbc388e93343694093934ae4d3570008002a000400000400";

// RFC 8448 section 4, resumption ClientHello with PSK binders (rfc8448.txt line 972).
constexpr std::string_view kRfc8448ResumptionClientHello =
    "010001fc03031bc3ceb6bbe39cff938355b5a50adb6db21b7a6af649d7b4bc419d7876487d95000006130113"
    "031302010001cd0000000b0009000006736572766572ff01000100000a00140012001d001700180019010001"
    "01010201030104003300260024001d0020e4ffb68ac05f8d96c99da26698346c6be16482badddafe051a66b4"
    "f18d668f0b002a0000002b0003020304000d0020001e04030503060302030804080508060401050106010201"
    "0402050206020202002d00020101001c00024001001500570000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000002900dd00b800b22c035d829359ee5ff7af4ec900"
    "000000262a6494dc486d2c8a34cb33fa90bf1b0070ad3c498883c9367c09a2be785abc55cd226097a3a98211"
    "7283f82a03a143efd3ff5dd36d64e861be7fd61d2827db279cce145077d454a3664d4e6da4d29ee03725a6a4"
    "dafcd0fc67d2aea70529513e3da2677fa5906c5b3f7d8f92f228bda40dda721470f9fbf297b5aea617646fac"
    "5c03272e970727c621a79141ef5f7de6505e5bfbc388e93343694093934ae4d357fad6aacb0021203add4fb2"
    "d8fdf822a0ca3cf7678ef5e88dae990141c5924d57bb6fa31b9e5f9d";

// RFC 8448 section 5, HelloRetryRequest (rfc8448.txt line 1656).
constexpr std::string_view kRfc8448HelloRetryRequest =
    "020000ac0303cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c001301000084"
    "003300020017002c0074007271dcd04bb88bc3189119398a00000000eefafc76c146b823b096f8aacad365dd"
    "0030953f4edf625636e5f21bb2e23fcc654b1b5b40318d10d137abcbb87574e36e8a1f025f7dfa5d6e50781b"
    "5eda4aa15b0c8be778257d16aa3030e9e7841dd9e4c0342267e8ca0caf571fb2b7cff0f934b0002b00020304";

// RFC 8448 section 5, second ClientHello (rfc8448.txt line 1710).
constexpr std::string_view kRfc8448SecondClientHello =
    "010001fc0303b0b1c5a5aa37c5919f2ed1d5c6fff7fcb7849716945a2b8cee9258a346677b6f000006130113"
    "031302010001cd0000000b0009000006736572766572ff01000100000a00080006001d001700180033004700"
    "450017004104a6da7392ec591e17abfd535964b99894d13befb221b3def2ebe3830eac8f0151812677c4d6d2"
    "237e85cf01d6910cfb83954e76ba7352830534159897e8065780002b0003020304000d0020001e0403050306"
    "03020308040805080604010501060102010402050206020202002c0074007271dcd04bb88bc3189119398a00"
    "000000eefafc76c146b823b096f8aacad365dd0030953f4edf625636e5f21bb2e23fcc654b1b5b40318d10d1"
    "37abcbb87574e36e8a1f025f7dfa5d6e50781b5eda4aa15b0c8be778257d16aa3030e9e7841dd9e4c0342267"
    "e8ca0caf571fb2b7cff0f934b0002d00020101001c00024001001500af000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000";

// hex decodes test data; a typo in a constant fails the test that uses it.
Bytes hex(std::string_view h) {
  std::optional<Bytes> b = from_hex(h);
  EXPECT_TRUE(b.has_value()) << "bad hex: " << h;
  return b.value_or(Bytes{});
}

bool same(ByteView a, ByteView b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

// body_of checks the 4-byte handshake header of `msg` and returns the body.
ByteView body_of(const Bytes& msg, HandshakeType type) {
  EXPECT_GE(msg.size(), 4u);
  if (msg.size() < 4) {
    return {};
  }
  EXPECT_EQ(msg[0], static_cast<uint8_t>(type));
  size_t len = (size_t{msg[1]} << 16) | (size_t{msg[2]} << 8) | size_t{msg[3]};
  EXPECT_EQ(len, msg.size() - 4);
  return ByteView(msg).subspan(4);
}

template <typename T>
void expect_alert(const Result<T>& r, AlertDescription alert) {
  ASSERT_FALSE(r.ok()) << "parse succeeded, expected " << name(alert);
  EXPECT_EQ(r.error().alert, alert) << r.error().to_string();
}

// expect_truncations_fail parses every proper prefix of `body` and expects decode_error,
// except for the prefix of length `skip` (an extension-less legacy hello, checked apart).
template <typename Parse>
void expect_truncations_fail(ByteView body, Parse parse, size_t skip = SIZE_MAX) {
  for (size_t n = 0; n < body.size(); n++) {
    if (n == skip) {
      continue;
    }
    auto r = parse(body.first(n));
    ASSERT_FALSE(r.ok()) << "prefix of " << n << " bytes parsed";
    EXPECT_EQ(r.error().alert, AlertDescription::decode_error)
        << "prefix of " << n << " bytes: " << r.error().to_string();
  }
}

// expect_trailing_fails appends one byte to `body` and expects decode_error.
template <typename Parse>
void expect_trailing_fails(ByteView body, Parse parse) {
  Bytes longer(body.begin(), body.end());
  longer.push_back(0);
  expect_alert(parse(ByteView(longer)), AlertDescription::decode_error);
}

// ext_block writes an extensions<0..2^16-1> vector from raw extensions.
Bytes ext_block(const std::vector<RawExtension>& exts) {
  ByteWriter w;
  {
    auto block = w.u16_prefixed();
    for (const RawExtension& e : exts) {
      w.u16(static_cast<uint16_t>(e.type));
      auto body = w.u16_prefixed();
      w.bytes(e.body);
    }
  }
  return std::move(w).take();
}

// keep stores `b` for the rest of the test binary, so views into it never dangle.
ByteView keep(Bytes b) {
  static std::deque<Bytes> store;
  store.push_back(std::move(b));
  return store.back();
}

RawExtension raw(uint16_t type, Bytes body) {
  return RawExtension{static_cast<ExtensionType>(type), keep(std::move(body))};
}
RawExtension raw(ExtensionType type, Bytes body) {
  return RawExtension{type, keep(std::move(body))};
}

const Bytes& empty_bytes() {
  static const Bytes kEmpty;
  return kEmpty;
}

void expect_same_extensions(const std::vector<RawExtension>& a,
                            const std::vector<RawExtension>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); i++) {
    EXPECT_EQ(a[i].type, b[i].type) << "extension " << i;
    EXPECT_TRUE(same(a[i].body, b[i].body)) << "extension " << i;
  }
}

void expect_same_shares(const std::vector<KeyShareEntry>& a, const std::vector<KeyShareEntry>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); i++) {
    EXPECT_EQ(a[i].group, b[i].group);
    EXPECT_TRUE(same(a[i].key_exchange, b[i].key_exchange));
  }
}

// expect_same_client_hello compares every decoded field (not the raw extension list, whose
// order encode() normalises).
void expect_same_client_hello(const ClientHello& a, const ClientHello& b) {
  EXPECT_EQ(a.legacy_version, b.legacy_version);
  EXPECT_TRUE(same(a.random, b.random));
  EXPECT_TRUE(same(a.legacy_session_id, b.legacy_session_id));
  EXPECT_EQ(a.cipher_suites, b.cipher_suites);
  EXPECT_TRUE(same(a.legacy_compression_methods, b.legacy_compression_methods));
  EXPECT_EQ(a.server_name, b.server_name);
  EXPECT_EQ(a.supported_groups, b.supported_groups);
  EXPECT_EQ(a.signature_algorithms, b.signature_algorithms);
  EXPECT_EQ(a.signature_algorithms_cert, b.signature_algorithms_cert);
  EXPECT_EQ(a.supported_versions, b.supported_versions);
  ASSERT_EQ(a.key_shares.has_value(), b.key_shares.has_value());
  if (a.key_shares) {
    expect_same_shares(*a.key_shares, *b.key_shares);
  }
  EXPECT_EQ(a.psk_key_exchange_modes, b.psk_key_exchange_modes);
  ASSERT_EQ(a.cookie.has_value(), b.cookie.has_value());
  if (a.cookie) {
    EXPECT_TRUE(same(*a.cookie, *b.cookie));
  }
  EXPECT_EQ(a.alpn, b.alpn);
  EXPECT_EQ(a.has_pre_shared_key, b.has_pre_shared_key);
  ASSERT_EQ(a.pre_shared_key.has_value(), b.pre_shared_key.has_value());
  if (a.pre_shared_key) {
    ASSERT_EQ(a.pre_shared_key->identities.size(), b.pre_shared_key->identities.size());
    for (size_t i = 0; i < a.pre_shared_key->identities.size(); i++) {
      EXPECT_TRUE(
          same(a.pre_shared_key->identities[i].identity, b.pre_shared_key->identities[i].identity));
      EXPECT_EQ(a.pre_shared_key->identities[i].obfuscated_ticket_age,
                b.pre_shared_key->identities[i].obfuscated_ticket_age);
    }
    ASSERT_EQ(a.pre_shared_key->binders.size(), b.pre_shared_key->binders.size());
    for (size_t i = 0; i < a.pre_shared_key->binders.size(); i++) {
      EXPECT_TRUE(same(a.pre_shared_key->binders[i], b.pre_shared_key->binders[i]));
    }
  }
  EXPECT_EQ(a.has_early_data, b.has_early_data);
  EXPECT_EQ(a.has_post_handshake_auth, b.has_post_handshake_auth);
  EXPECT_EQ(a.extended_master_secret, b.extended_master_secret);
  EXPECT_EQ(a.encrypt_then_mac, b.encrypt_then_mac);
  ASSERT_EQ(a.renegotiation_info.has_value(), b.renegotiation_info.has_value());
  if (a.renegotiation_info) {
    EXPECT_TRUE(same(*a.renegotiation_info, *b.renegotiation_info));
  }
  EXPECT_EQ(a.ec_point_formats, b.ec_point_formats);
  EXPECT_EQ(a.session_ticket, b.session_ticket);
  EXPECT_TRUE(same(a.session_ticket_data, b.session_ticket_data));
}

void expect_same_server_hello(const ServerHello& a, const ServerHello& b) {
  EXPECT_EQ(a.legacy_version, b.legacy_version);
  EXPECT_TRUE(same(a.random, b.random));
  EXPECT_TRUE(same(a.legacy_session_id_echo, b.legacy_session_id_echo));
  EXPECT_EQ(a.cipher_suite, b.cipher_suite);
  EXPECT_EQ(a.legacy_compression_method, b.legacy_compression_method);
  EXPECT_EQ(a.is_hello_retry_request, b.is_hello_retry_request);
  EXPECT_EQ(a.selected_version, b.selected_version);
  ASSERT_EQ(a.key_share.has_value(), b.key_share.has_value());
  if (a.key_share) {
    EXPECT_EQ(a.key_share->group, b.key_share->group);
    EXPECT_TRUE(same(a.key_share->key_exchange, b.key_share->key_exchange));
  }
  EXPECT_EQ(a.selected_group, b.selected_group);
  ASSERT_EQ(a.cookie.has_value(), b.cookie.has_value());
  if (a.cookie) {
    EXPECT_TRUE(same(*a.cookie, *b.cookie));
  }
  EXPECT_EQ(a.has_pre_shared_key, b.has_pre_shared_key);
  EXPECT_EQ(a.selected_identity, b.selected_identity);
}

// extras_of returns the raw extensions of `ch` that encode() does not write from decoded
// fields, in wire order, so encode(ch, extras_of(ch)) carries the same information.
std::vector<RawExtension> extras_of(const ClientHello& ch) {
  std::vector<RawExtension> out;
  for (const RawExtension& e : ch.extensions) {
    switch (e.type) {
      case ExtensionType::server_name:
      case ExtensionType::supported_groups:
      case ExtensionType::signature_algorithms:
      case ExtensionType::signature_algorithms_cert:
      case ExtensionType::application_layer_protocol_negotiation:
      case ExtensionType::supported_versions:
      case ExtensionType::key_share:
      case ExtensionType::psk_key_exchange_modes:
      case ExtensionType::cookie:
      case ExtensionType::early_data:
      case ExtensionType::post_handshake_auth:
      case ExtensionType::ec_point_formats:
      case ExtensionType::encrypt_then_mac:
      case ExtensionType::extended_master_secret:
      case ExtensionType::session_ticket:
      case ExtensionType::pre_shared_key:  // written last from ch.pre_shared_key
      case ExtensionType::renegotiation_info: break;
      default: out.push_back(e);
    }
  }
  return out;
}

// legacy_hello_len is the length of a hello body up to its extension block.
size_t client_hello_prefix_len(const ClientHello& ch) {
  return 2 + 32 + 1 + ch.legacy_session_id.size() + 2 + 2 * ch.cipher_suites.size() + 1 +
         ch.legacy_compression_methods.size();
}
size_t server_hello_prefix_len(const ServerHello& sh) {
  return 2 + 32 + 1 + sh.legacy_session_id_echo.size() + 2 + 1;
}

// Fixed inputs for messages built in the tests.
const Bytes kRandom = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
const Bytes kSessionId = hex("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
const Bytes kX25519Share = hex("1111111111111111111111111111111111111111111111111111111111111111");
const Bytes kP256Share =
    hex("04aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
const Bytes kCookie = hex("c0c1c2c3c4c5");
const Bytes kNullCompression = {0};

// full_client_hello sets every field encode() writes.
ClientHello full_client_hello() {
  ClientHello ch;
  ch.random = kRandom;
  ch.legacy_session_id = kSessionId;
  ch.cipher_suites = {CipherSuite::TLS_AES_128_GCM_SHA256, CipherSuite::TLS_AES_256_GCM_SHA384,
                      CipherSuite::TLS_CHACHA20_POLY1305_SHA256};
  ch.legacy_compression_methods = kNullCompression;
  ch.server_name = "example.com";
  ch.supported_groups = std::vector<NamedGroup>{NamedGroup::x25519, NamedGroup::secp256r1};
  ch.signature_algorithms =
      std::vector<SignatureScheme>{SignatureScheme::ecdsa_secp256r1_sha256,
                                   SignatureScheme::rsa_pss_rsae_sha256, SignatureScheme::ed25519};
  ch.signature_algorithms_cert = std::vector<SignatureScheme>{SignatureScheme::rsa_pkcs1_sha256};
  ch.supported_versions = std::vector<uint16_t>{0x0304, 0x0303};
  ch.key_shares = std::vector<KeyShareEntry>{{NamedGroup::x25519, kX25519Share},
                                             {NamedGroup::secp256r1, kP256Share}};
  ch.psk_key_exchange_modes = std::vector<uint8_t>{1};
  ch.cookie = ByteView(kCookie);
  ch.alpn = std::vector<std::string_view>{"h2", "http/1.1"};
  ch.has_early_data = true;
  ch.has_post_handshake_auth = true;
  return ch;
}

// minimal_client_hello has only the fixed fields, for tests that add raw extensions.
ClientHello minimal_client_hello() {
  ClientHello ch;
  ch.random = kRandom;
  ch.cipher_suites = {CipherSuite::TLS_AES_128_GCM_SHA256};
  ch.legacy_compression_methods = kNullCompression;
  return ch;
}

Result<ClientHello> parse_ch_with(const std::vector<RawExtension>& extras, Bytes& storage) {
  storage = encode(minimal_client_hello(), extras);
  return parse_client_hello(body_of(storage, HandshakeType::client_hello));
}

// raw_client_hello builds a body from hex pieces: cipher_suites vector, compression vector and
// extension block (each including its length prefix).
Bytes raw_client_hello(std::string_view suites, std::string_view compression,
                       std::string_view extensions) {
  Bytes out = hex("0303");
  out.insert(out.end(), kRandom.begin(), kRandom.end());
  out.push_back(0);  // empty legacy_session_id
  for (std::string_view part : {suites, compression, extensions}) {
    Bytes b = hex(part);
    out.insert(out.end(), b.begin(), b.end());
  }
  return out;
}

// ============================================================================================
// RFC 8448 known answers.

TEST(MsgsClientHello, Rfc8448SimpleHandshake) {
  Bytes msg = hex(kRfc8448ClientHello);
  ASSERT_EQ(msg.size(), 196u);
  auto r = parse_client_hello(body_of(msg, HandshakeType::client_hello));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  const ClientHello& ch = *r;
  EXPECT_EQ(ch.legacy_version, 0x0303);
  EXPECT_EQ(to_hex(ch.random), "cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7");
  EXPECT_TRUE(ch.legacy_session_id.empty());
  EXPECT_EQ(ch.cipher_suites, (std::vector<CipherSuite>{CipherSuite::TLS_AES_128_GCM_SHA256,
                                                        CipherSuite::TLS_CHACHA20_POLY1305_SHA256,
                                                        CipherSuite::TLS_AES_256_GCM_SHA384}));
  EXPECT_EQ(to_hex(ch.legacy_compression_methods), "00");
  ASSERT_EQ(ch.extensions.size(), 9u);
  std::vector<uint16_t> types;
  for (const RawExtension& e : ch.extensions) {
    types.push_back(static_cast<uint16_t>(e.type));
  }
  // server_name, renegotiation_info, supported_groups, session_ticket, key_share,
  // supported_versions, signature_algorithms, psk_key_exchange_modes, record_size_limit.
  EXPECT_EQ(types, (std::vector<uint16_t>{0, 0xff01, 10, 35, 51, 43, 13, 45, 28}));
  EXPECT_EQ(ch.server_name, std::optional<std::string_view>("server"));
  ASSERT_TRUE(ch.supported_groups);
  std::vector<uint16_t> groups;
  for (NamedGroup g : *ch.supported_groups) {
    groups.push_back(static_cast<uint16_t>(g));
  }
  // ffdhe6144 and ffdhe8192 (0x0103, 0x0104) are not in iana.def and are kept as values.
  EXPECT_EQ(groups, (std::vector<uint16_t>{0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101, 0x0102,
                                           0x0103, 0x0104}));
  ASSERT_TRUE(ch.key_shares);
  ASSERT_EQ(ch.key_shares->size(), 1u);
  EXPECT_EQ(ch.key_shares->front().group, NamedGroup::x25519);
  EXPECT_EQ(to_hex(ch.key_shares->front().key_exchange),
            "99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c");
  EXPECT_EQ(ch.supported_versions,
            std::optional<std::vector<uint16_t>>(std::vector<uint16_t>{0x0304}));
  ASSERT_TRUE(ch.signature_algorithms);
  ASSERT_EQ(ch.signature_algorithms->size(), 15u);
  EXPECT_EQ(ch.signature_algorithms->front(), SignatureScheme::ecdsa_secp256r1_sha256);
  EXPECT_EQ(ch.signature_algorithms->at(4), SignatureScheme::rsa_pss_rsae_sha256);
  EXPECT_EQ(static_cast<uint16_t>(ch.signature_algorithms->back()), 0x0202);  // dsa_sha1
  EXPECT_EQ(ch.psk_key_exchange_modes,
            std::optional<std::vector<uint8_t>>(std::vector<uint8_t>{1}));
  EXPECT_FALSE(ch.signature_algorithms_cert);
  EXPECT_FALSE(ch.cookie);
  EXPECT_FALSE(ch.alpn);
  EXPECT_FALSE(ch.has_pre_shared_key);
  EXPECT_FALSE(ch.has_early_data);
  EXPECT_FALSE(ch.has_post_handshake_auth);

  // Re-encoding normalises the extension order; the content survives.
  Bytes again = encode(ch, extras_of(ch));
  EXPECT_EQ(again.size(), msg.size());
  auto r2 = parse_client_hello(body_of(again, HandshakeType::client_hello));
  ASSERT_TRUE(r2.ok()) << r2.error().to_string();
  expect_same_client_hello(ch, *r2);
}

TEST(MsgsClientHello, Rfc8448ResumptionWithPreSharedKey) {
  Bytes msg = hex(kRfc8448ResumptionClientHello);
  auto r = parse_client_hello(body_of(msg, HandshakeType::client_hello));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_TRUE(r->has_pre_shared_key);
  EXPECT_TRUE(r->has_early_data);
  EXPECT_EQ(r->extensions.back().type, ExtensionType::pre_shared_key);
  bool has_padding =
      std::any_of(r->extensions.begin(), r->extensions.end(),
                  [](const RawExtension& e) { return e.type == ExtensionType::padding; });
  EXPECT_TRUE(has_padding);
  // The offered PSK is decoded: one identity (the ticket) and its 32-byte binder, which the
  // binder computation leaves out (2-byte length, 1-byte length, 32 bytes).
  ASSERT_TRUE(r->pre_shared_key);
  ASSERT_EQ(r->pre_shared_key->identities.size(), 1u);
  ASSERT_EQ(r->pre_shared_key->binders.size(), 1u);
  EXPECT_EQ(r->pre_shared_key->binders[0].size(), 32u);
  EXPECT_EQ(r->pre_shared_key->binders_length(), 35u);
  EXPECT_EQ(Bytes(msg.end() - 32, msg.end()),
            Bytes(r->pre_shared_key->binders[0].begin(), r->pre_shared_key->binders[0].end()));
  // The PSK extension goes back in last, written from the decoded field.
  Bytes again = encode(*r, extras_of(*r));
  EXPECT_EQ(again.size(), msg.size());
  auto r2 = parse_client_hello(body_of(again, HandshakeType::client_hello));
  ASSERT_TRUE(r2.ok()) << r2.error().to_string();
  expect_same_client_hello(*r, *r2);
}

TEST(MsgsClientHello, Rfc8448SecondClientHelloAfterRetry) {
  Bytes msg = hex(kRfc8448SecondClientHello);
  auto r = parse_client_hello(body_of(msg, HandshakeType::client_hello));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_TRUE(r->cookie);
  EXPECT_EQ(r->cookie->size(), 0x72u);
  ASSERT_TRUE(r->key_shares);
  ASSERT_EQ(r->key_shares->size(), 1u);
  EXPECT_EQ(r->key_shares->front().group, NamedGroup::secp256r1);
  EXPECT_EQ(r->key_shares->front().key_exchange.size(), 65u);
  EXPECT_EQ(r->supported_groups,
            std::optional<std::vector<NamedGroup>>(
                {NamedGroup::x25519, NamedGroup::secp256r1, NamedGroup::secp384r1}));
}

TEST(MsgsServerHello, Rfc8448SimpleHandshake) {
  Bytes msg = hex(kRfc8448ServerHello);
  auto r = parse_server_hello(body_of(msg, HandshakeType::server_hello));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  const ServerHello& sh = *r;
  EXPECT_FALSE(sh.is_hello_retry_request);
  EXPECT_EQ(sh.legacy_version, 0x0303);
  EXPECT_EQ(to_hex(sh.random), "a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e26928");
  EXPECT_TRUE(sh.legacy_session_id_echo.empty());
  EXPECT_EQ(sh.cipher_suite, CipherSuite::TLS_AES_128_GCM_SHA256);
  EXPECT_EQ(sh.selected_version, std::optional<uint16_t>(0x0304));
  ASSERT_TRUE(sh.key_share);
  EXPECT_EQ(sh.key_share->group, NamedGroup::x25519);
  EXPECT_EQ(to_hex(sh.key_share->key_exchange),
            "c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f");
  EXPECT_FALSE(sh.selected_group);
  EXPECT_FALSE(sh.cookie);
  EXPECT_FALSE(sh.has_pre_shared_key);
  EXPECT_EQ(sh.extensions.size(), 2u);

  // The RFC sends key_share first; encode() writes supported_versions first.
  Bytes again = encode(sh);
  EXPECT_EQ(again.size(), msg.size());
  auto r2 = parse_server_hello(body_of(again, HandshakeType::server_hello));
  ASSERT_TRUE(r2.ok()) << r2.error().to_string();
  expect_same_server_hello(sh, *r2);
  EXPECT_EQ(encode(*r2), again);
}

TEST(MsgsServerHello, Rfc8448HelloRetryRequestDetected) {
  Bytes msg = hex(kRfc8448HelloRetryRequest);
  auto r = parse_server_hello(body_of(msg, HandshakeType::server_hello));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_TRUE(r->is_hello_retry_request);
  EXPECT_TRUE(same(r->random, ByteView(kHelloRetryRequestRandom, 32)));
  EXPECT_EQ(r->selected_group, std::optional<NamedGroup>(NamedGroup::secp256r1));
  EXPECT_FALSE(r->key_share);
  ASSERT_TRUE(r->cookie);
  EXPECT_EQ(r->cookie->size(), 0x72u);
  EXPECT_EQ(r->selected_version, std::optional<uint16_t>(0x0304));

  Bytes again = encode(*r);
  EXPECT_EQ(again.size(), msg.size());
  auto r2 = parse_server_hello(body_of(again, HandshakeType::server_hello));
  ASSERT_TRUE(r2.ok()) << r2.error().to_string();
  expect_same_server_hello(*r, *r2);
}

TEST(MsgsHandshake, HelloRetryRequestRandomIsSha256OfName) {
  EXPECT_EQ(to_hex(ByteView(kHelloRetryRequestRandom, 32)),
            "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");
}

TEST(MsgsHandshake, Rfc8448EncryptedExtensions) {
  Bytes msg = hex(kRfc8448EncryptedExtensions);
  auto r = parse_encrypted_extensions(body_of(msg, HandshakeType::encrypted_extensions));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_TRUE(r->server_name_acknowledged);
  ASSERT_TRUE(r->supported_groups);
  EXPECT_EQ(r->supported_groups->size(), 9u);
  EXPECT_FALSE(r->alpn);
  EXPECT_FALSE(r->has_early_data);
  ASSERT_EQ(r->extensions.size(), 3u);
  EXPECT_EQ(r->extensions[1].type, ExtensionType::record_size_limit);
}

TEST(MsgsHandshake, Rfc8448CertificateExactRoundTrip) {
  Bytes msg = hex(kRfc8448Certificate);
  auto r = parse_certificate(body_of(msg, HandshakeType::certificate));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_TRUE(r->certificate_request_context.empty());
  ASSERT_EQ(r->entries.size(), 1u);
  EXPECT_EQ(r->entries[0].cert_data.size(), 0x1b0u);
  EXPECT_EQ(to_hex(r->entries[0].cert_data.first(4)), "308201ac");
  EXPECT_TRUE(r->entries[0].extensions.empty());
  EXPECT_EQ(encode(*r), msg);
}

TEST(MsgsHandshake, Rfc8448CertificateVerifyExactRoundTrip) {
  Bytes msg = hex(kRfc8448CertificateVerify);
  auto r = parse_certificate_verify(body_of(msg, HandshakeType::certificate_verify));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->scheme, SignatureScheme::rsa_pss_rsae_sha256);
  EXPECT_EQ(r->signature.size(), 128u);
  EXPECT_EQ(encode(*r), msg);
}

TEST(MsgsHandshake, Rfc8448FinishedExactRoundTrip) {
  Bytes msg = hex(kRfc8448ServerFinished);
  auto r = parse_finished(body_of(msg, HandshakeType::finished), 32);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(to_hex(r->verify_data),
            "9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718");
  EXPECT_EQ(encode(*r), msg);
}

TEST(MsgsHandshake, Rfc8448NewSessionTicketExactRoundTrip) {
  Bytes msg = hex(kRfc8448NewSessionTicket);
  auto r = parse_new_session_ticket(body_of(msg, HandshakeType::new_session_ticket));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->ticket_lifetime, 30u);
  EXPECT_EQ(r->ticket_age_add, 0xfad6aac5u);
  EXPECT_EQ(to_hex(r->ticket_nonce), "0000");
  EXPECT_EQ(r->ticket.size(), 0xb2u);
  EXPECT_EQ(r->max_early_data_size, std::optional<uint32_t>(0x400));
  EXPECT_EQ(encode(*r), msg);
}

// Every proper prefix of every RFC 8448 message fails with decode_error, and so does one
// trailing byte. The one prefix of a hello that ends right before the extension block is a
// well-formed hello from before extensions (RFC 8446 section 4.1.2) and parses.
TEST(MsgsHandshake, Rfc8448TruncationsAndTrailingBytes) {
  {
    Bytes msg = hex(kRfc8448ClientHello);
    ByteView body = body_of(msg, HandshakeType::client_hello);
    auto full = parse_client_hello(body);
    ASSERT_TRUE(full.ok());
    size_t legacy = client_hello_prefix_len(*full);
    auto legacy_hello = parse_client_hello(body.first(legacy));
    ASSERT_TRUE(legacy_hello.ok()) << legacy_hello.error().to_string();
    EXPECT_TRUE(legacy_hello->extensions.empty());
    EXPECT_FALSE(legacy_hello->supported_versions);
    expect_truncations_fail(body, parse_client_hello, legacy);
    expect_trailing_fails(body, parse_client_hello);
  }
  {
    Bytes msg = hex(kRfc8448ResumptionClientHello);
    ByteView body = body_of(msg, HandshakeType::client_hello);
    auto full = parse_client_hello(body);
    ASSERT_TRUE(full.ok());
    expect_truncations_fail(body, parse_client_hello, client_hello_prefix_len(*full));
    expect_trailing_fails(body, parse_client_hello);
  }
  for (std::string_view h : {kRfc8448ServerHello, kRfc8448HelloRetryRequest}) {
    Bytes msg = hex(h);
    ByteView body = body_of(msg, HandshakeType::server_hello);
    auto full = parse_server_hello(body);
    ASSERT_TRUE(full.ok());
    size_t legacy = server_hello_prefix_len(*full);
    auto legacy_hello = parse_server_hello(body.first(legacy));
    ASSERT_TRUE(legacy_hello.ok());
    EXPECT_FALSE(legacy_hello->selected_version);
    expect_truncations_fail(body, parse_server_hello, legacy);
    expect_trailing_fails(body, parse_server_hello);
  }
  {
    Bytes msg = hex(kRfc8448EncryptedExtensions);
    ByteView body = body_of(msg, HandshakeType::encrypted_extensions);
    expect_truncations_fail(body, parse_encrypted_extensions);
    expect_trailing_fails(body, parse_encrypted_extensions);
  }
  {
    Bytes msg = hex(kRfc8448Certificate);
    ByteView body = body_of(msg, HandshakeType::certificate);
    expect_truncations_fail(body, parse_certificate);
    expect_trailing_fails(body, parse_certificate);
  }
  {
    Bytes msg = hex(kRfc8448CertificateVerify);
    ByteView body = body_of(msg, HandshakeType::certificate_verify);
    expect_truncations_fail(body, parse_certificate_verify);
    expect_trailing_fails(body, parse_certificate_verify);
  }
  {
    Bytes msg = hex(kRfc8448ServerFinished);
    ByteView body = body_of(msg, HandshakeType::finished);
    auto parse = [](ByteView b) { return parse_finished(b, 32); };
    expect_truncations_fail(body, parse);
    expect_trailing_fails(body, parse);
  }
  {
    Bytes msg = hex(kRfc8448NewSessionTicket);
    ByteView body = body_of(msg, HandshakeType::new_session_ticket);
    expect_truncations_fail(body, parse_new_session_ticket);
    expect_trailing_fails(body, parse_new_session_ticket);
  }
}

// ============================================================================================
// Round trips of messages built from the structs.

TEST(MsgsClientHello, RoundTripAllFields) {
  ClientHello ch = full_client_hello();
  Bytes msg = encode(ch);
  auto r = parse_client_hello(body_of(msg, HandshakeType::client_hello));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  expect_same_client_hello(ch, *r);
  // The documented extension order.
  std::vector<ExtensionType> types;
  for (const RawExtension& e : r->extensions) {
    types.push_back(e.type);
  }
  EXPECT_EQ(
      types,
      (std::vector<ExtensionType>{
          ExtensionType::server_name, ExtensionType::supported_groups,
          ExtensionType::signature_algorithms, ExtensionType::signature_algorithms_cert,
          ExtensionType::application_layer_protocol_negotiation, ExtensionType::supported_versions,
          ExtensionType::key_share, ExtensionType::psk_key_exchange_modes, ExtensionType::cookie,
          ExtensionType::early_data, ExtensionType::post_handshake_auth}));
  EXPECT_EQ(encode(*r), msg);
  expect_truncations_fail(body_of(msg, HandshakeType::client_hello), parse_client_hello,
                          client_hello_prefix_len(ch));
  expect_trailing_fails(body_of(msg, HandshakeType::client_hello), parse_client_hello);
}

TEST(MsgsClientHello, EmptyKeyShareListAllowed) {
  ClientHello ch = minimal_client_hello();
  ch.key_shares = std::vector<KeyShareEntry>{};
  Bytes msg = encode(ch);
  auto r = parse_client_hello(body_of(msg, HandshakeType::client_hello));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_TRUE(r->key_shares);
  EXPECT_TRUE(r->key_shares->empty());
}

TEST(MsgsClientHello, ExtensionlessLegacyHelloParses) {
  Bytes body = raw_client_hello("00021301", "0100", "");
  auto r = parse_client_hello(body);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_TRUE(r->extensions.empty());
  EXPECT_FALSE(r->supported_versions);
}

TEST(MsgsServerHello, RoundTripServerHello) {
  ServerHello sh;
  sh.random = kRandom;
  sh.legacy_session_id_echo = kSessionId;
  sh.cipher_suite = CipherSuite::TLS_AES_256_GCM_SHA384;
  sh.selected_version = 0x0304;
  sh.key_share = KeyShareEntry{NamedGroup::x25519, kX25519Share};
  Bytes msg = encode(sh);
  auto r = parse_server_hello(body_of(msg, HandshakeType::server_hello));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_FALSE(r->is_hello_retry_request);
  expect_same_server_hello(sh, *r);
  ASSERT_EQ(r->extensions.size(), 2u);
  EXPECT_EQ(r->extensions[0].type, ExtensionType::supported_versions);
  EXPECT_EQ(r->extensions[1].type, ExtensionType::key_share);
  EXPECT_EQ(encode(*r), msg);
  ByteView body = body_of(msg, HandshakeType::server_hello);
  expect_truncations_fail(body, parse_server_hello, server_hello_prefix_len(sh));
  expect_trailing_fails(body, parse_server_hello);
}

TEST(MsgsServerHello, RoundTripHelloRetryRequest) {
  ServerHello hrr;
  hrr.random = ByteView(kHelloRetryRequestRandom, 32);
  hrr.cipher_suite = CipherSuite::TLS_AES_128_GCM_SHA256;
  hrr.is_hello_retry_request = true;
  hrr.selected_version = 0x0304;
  hrr.selected_group = NamedGroup::secp384r1;
  hrr.cookie = ByteView(kCookie);
  Bytes msg = encode(hrr);
  auto r = parse_server_hello(body_of(msg, HandshakeType::server_hello));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_TRUE(r->is_hello_retry_request);
  expect_same_server_hello(hrr, *r);
  ASSERT_EQ(r->extensions.size(), 3u);
  EXPECT_EQ(r->extensions[0].type, ExtensionType::supported_versions);
  EXPECT_EQ(r->extensions[1].type, ExtensionType::key_share);
  EXPECT_EQ(r->extensions[2].type, ExtensionType::cookie);
  EXPECT_EQ(encode(*r), msg);
}

TEST(MsgsHandshake, EncryptedExtensionsRoundTrip) {
  EncryptedExtensions ee;
  ee.server_name_acknowledged = true;
  ee.supported_groups = std::vector<NamedGroup>{NamedGroup::secp256r1};
  ee.alpn = "h2";
  ee.has_early_data = true;
  Bytes msg = encode(ee);
  ByteView body = body_of(msg, HandshakeType::encrypted_extensions);
  auto r = parse_encrypted_extensions(body);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_TRUE(r->server_name_acknowledged);
  EXPECT_EQ(r->supported_groups, ee.supported_groups);
  EXPECT_EQ(r->alpn, std::optional<std::string_view>("h2"));
  EXPECT_TRUE(r->has_early_data);
  EXPECT_EQ(r->extensions.size(), 4u);
  EXPECT_EQ(encode(*r), msg);
  expect_truncations_fail(body, parse_encrypted_extensions);
  expect_trailing_fails(body, parse_encrypted_extensions);

  EncryptedExtensions empty;
  Bytes empty_msg = encode(empty);
  EXPECT_EQ(to_hex(empty_msg), "080000020000");
  auto r2 = parse_encrypted_extensions(body_of(empty_msg, HandshakeType::encrypted_extensions));
  ASSERT_TRUE(r2.ok());
  EXPECT_TRUE(r2->extensions.empty());
  EXPECT_FALSE(r2->server_name_acknowledged);
}

TEST(MsgsHandshake, CertificateRequestRoundTrip) {
  const Bytes context = hex("0102");
  const Bytes dn1 = hex("3000");
  const Bytes dn2 = hex("300c310a300806035504030c0141");
  CertificateRequest cr;
  cr.certificate_request_context = context;
  cr.signature_algorithms = {SignatureScheme::ed25519, SignatureScheme::rsa_pss_rsae_sha256};
  cr.signature_algorithms_cert = std::vector<SignatureScheme>{SignatureScheme::rsa_pkcs1_sha256};
  cr.certificate_authorities = std::vector<ByteView>{dn1, dn2};
  Bytes msg = encode(cr);
  ByteView body = body_of(msg, HandshakeType::certificate_request);
  auto r = parse_certificate_request(body);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_TRUE(same(r->certificate_request_context, context));
  EXPECT_EQ(r->signature_algorithms, cr.signature_algorithms);
  EXPECT_EQ(r->signature_algorithms_cert, cr.signature_algorithms_cert);
  ASSERT_TRUE(r->certificate_authorities);
  ASSERT_EQ(r->certificate_authorities->size(), 2u);
  EXPECT_TRUE(same((*r->certificate_authorities)[0], dn1));
  EXPECT_TRUE(same((*r->certificate_authorities)[1], dn2));
  EXPECT_EQ(encode(*r), msg);
  expect_truncations_fail(body, parse_certificate_request);
  expect_trailing_fails(body, parse_certificate_request);
}

TEST(MsgsHandshake, CertificateRoundTripWithEntryExtensions) {
  const Bytes leaf = hex("3082000130");
  const Bytes issuer = hex("308200023031");
  const Bytes ocsp = hex("0100000403020100");
  const Bytes context = hex("aa");
  Certificate c;
  c.certificate_request_context = context;
  c.entries.push_back({leaf, {raw(ExtensionType::status_request, ocsp)}});
  c.entries.push_back({issuer, {}});
  Bytes msg = encode(c);
  ByteView body = body_of(msg, HandshakeType::certificate);
  auto r = parse_certificate(body);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_TRUE(same(r->certificate_request_context, context));
  ASSERT_EQ(r->entries.size(), 2u);
  EXPECT_TRUE(same(r->entries[0].cert_data, leaf));
  expect_same_extensions(r->entries[0].extensions, c.entries[0].extensions);
  EXPECT_TRUE(same(r->entries[1].cert_data, issuer));
  EXPECT_TRUE(r->entries[1].extensions.empty());
  EXPECT_EQ(encode(*r), msg);
  expect_truncations_fail(body, parse_certificate);
  expect_trailing_fails(body, parse_certificate);

  // A client without a certificate sends an empty list.
  Certificate none;
  Bytes none_msg = encode(none);
  EXPECT_EQ(to_hex(none_msg), "0b00000400000000");
  auto r2 = parse_certificate(body_of(none_msg, HandshakeType::certificate));
  ASSERT_TRUE(r2.ok());
  EXPECT_TRUE(r2->entries.empty());
}

TEST(MsgsHandshake, ClientHelloStatusRequestRoundTrips) {
  // RFC 6066 section 8: status_type ocsp, responder_id_list, request_extensions.
  const Bytes random(32, 3);
  const Bytes id = hex("a1023000");
  const Bytes exts = hex("3000");
  ClientHello ch;
  ch.random = random;
  ch.cipher_suites.push_back(CipherSuite::TLS_AES_128_GCM_SHA256);
  ch.status_request = CertificateStatusRequest{};
  Bytes plain = encode(ch);
  auto r = parse_client_hello(body_of(plain, HandshakeType::client_hello));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->extensions.size(), 1u);
  EXPECT_EQ(r->extensions[0].type, ExtensionType::status_request);
  EXPECT_TRUE(same(r->extensions[0].body, hex("0100000000")));
  ASSERT_TRUE(r->status_request);
  EXPECT_EQ(r->status_request->status_type, kStatusTypeOcsp);

  ch.status_request->responder_id_list.push_back(id);
  ch.status_request->request_extensions = exts;
  Bytes full = encode(ch);
  r = parse_client_hello(body_of(full, HandshakeType::client_hello));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_TRUE(same(r->extensions[0].body, hex("01"
                                              "0006"
                                              "0004a1023000"
                                              "0002"
                                              "3000")));
  ASSERT_EQ(r->status_request->responder_id_list.size(), 1u);
  EXPECT_TRUE(same(r->status_request->responder_id_list[0], id));
  EXPECT_TRUE(same(r->status_request->request_extensions, exts));
  EXPECT_EQ(encode(*r), full);

  // Another status type: only the type is kept, whatever follows it.
  const Bytes other_body = hex("02ffff");
  std::vector<RawExtension> extra = {{ExtensionType::status_request, other_body}};
  ClientHello other;
  other.random = random;
  other.cipher_suites.push_back(CipherSuite::TLS_AES_128_GCM_SHA256);
  Bytes other_msg = encode(other, extra);
  r = parse_client_hello(body_of(other_msg, HandshakeType::client_hello));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_TRUE(r->status_request);
  EXPECT_EQ(r->status_request->status_type, 2);
}

TEST(MsgsHandshake, CertificateStatusInACertificateEntry) {
  const Bytes leaf = hex("3082000130");
  const Bytes response = hex("3006020100300100");
  const Bytes status = encode_certificate_status(response);
  EXPECT_EQ(to_hex(status), "010000083006020100300100");
  EXPECT_TRUE(encode_certificate_status({}).empty());
  Certificate c;
  c.entries.push_back({leaf, {{ExtensionType::status_request, status}}});
  Bytes msg = encode(c);
  auto r = parse_certificate(body_of(msg, HandshakeType::certificate));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_TRUE(r->entries[0].ocsp_response);
  EXPECT_TRUE(same(*r->entries[0].ocsp_response, response));
  EXPECT_EQ(encode(*r), msg);

  struct Bad {
    const char* body;
    AlertDescription alert;
  };
  for (const Bad& bad :
       {Bad{"", AlertDescription::decode_error}, Bad{"01", AlertDescription::decode_error},
        Bad{"010000", AlertDescription::decode_error},
        Bad{"01000000", AlertDescription::decode_error},
        Bad{"0100000230", AlertDescription::decode_error},
        Bad{"01000001300000", AlertDescription::decode_error},
        Bad{"0200000130", AlertDescription::illegal_parameter}}) {
    SCOPED_TRACE(bad.body);
    const Bytes body = hex(bad.body);
    Certificate m;
    m.entries.push_back({leaf, {{ExtensionType::status_request, body}}});
    Bytes bad_msg = encode(m);
    auto e = parse_certificate(body_of(bad_msg, HandshakeType::certificate));
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.error().alert, bad.alert) << e.error().to_string();
  }
}

TEST(MsgsHandshake, CertificateVerifyFinishedKeyUpdateRoundTrips) {
  const Bytes sig = hex("3045022100aa");
  CertificateVerify cv{SignatureScheme::ecdsa_secp256r1_sha256, sig};
  Bytes cv_msg = encode(cv);
  EXPECT_EQ(to_hex(cv_msg), "0f00000a040300063045022100aa");
  auto cv2 = parse_certificate_verify(body_of(cv_msg, HandshakeType::certificate_verify));
  ASSERT_TRUE(cv2.ok());
  EXPECT_EQ(cv2->scheme, cv.scheme);
  EXPECT_TRUE(same(cv2->signature, sig));
  EXPECT_EQ(encode(*cv2), cv_msg);

  const Bytes verify_data(48, 0x5a);
  Bytes fin_msg = encode(Finished{verify_data});
  auto fin = parse_finished(body_of(fin_msg, HandshakeType::finished), 48);
  ASSERT_TRUE(fin.ok());
  EXPECT_TRUE(same(fin->verify_data, verify_data));
  EXPECT_EQ(encode(*fin), fin_msg);

  for (bool requested : {false, true}) {
    Bytes ku_msg = encode(KeyUpdate{requested});
    EXPECT_EQ(ku_msg, (Bytes{24, 0, 0, 1, static_cast<uint8_t>(requested ? 1 : 0)}));
    auto ku = parse_key_update(body_of(ku_msg, HandshakeType::key_update));
    ASSERT_TRUE(ku.ok());
    EXPECT_EQ(ku->update_requested, requested);
    EXPECT_EQ(encode(*ku), ku_msg);
  }
}

TEST(MsgsHandshake, NewSessionTicketRoundTrip) {
  const Bytes nonce = hex("0001");
  const Bytes ticket = hex("deadbeef");
  NewSessionTicket nst;
  nst.ticket_lifetime = 604800;  // the largest allowed value
  nst.ticket_age_add = 0x01020304;
  nst.ticket_nonce = nonce;
  nst.ticket = ticket;
  nst.max_early_data_size = 16384;
  Bytes msg = encode(nst);
  ByteView body = body_of(msg, HandshakeType::new_session_ticket);
  auto r = parse_new_session_ticket(body);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->ticket_lifetime, 604800u);
  EXPECT_EQ(r->ticket_age_add, 0x01020304u);
  EXPECT_TRUE(same(r->ticket_nonce, nonce));
  EXPECT_TRUE(same(r->ticket, ticket));
  EXPECT_EQ(r->max_early_data_size, std::optional<uint32_t>(16384));
  EXPECT_EQ(encode(*r), msg);
  expect_truncations_fail(body, parse_new_session_ticket);
  expect_trailing_fails(body, parse_new_session_ticket);
}

TEST(MsgsHandshake, EncodeRefusesOverlongFields) {
  std::string long_name(256, 'a');  // ProtocolName<1..2^8-1>
  EncryptedExtensions ee;
  ee.alpn = long_name;
  EXPECT_TRUE(encode(ee).empty());
}

// ============================================================================================
// Extension-block rules.

TEST(MsgsHandshake, ExtensionTable) {
  using C = ExtensionContext;
  EXPECT_TRUE(extension_allowed(ExtensionType::key_share, C::kClientHello));
  EXPECT_TRUE(extension_allowed(ExtensionType::key_share, C::kServerHello));
  EXPECT_TRUE(extension_allowed(ExtensionType::key_share, C::kHelloRetryRequest));
  EXPECT_FALSE(extension_allowed(ExtensionType::key_share, C::kEncryptedExtensions));
  EXPECT_TRUE(extension_allowed(ExtensionType::cookie, C::kHelloRetryRequest));
  EXPECT_FALSE(extension_allowed(ExtensionType::cookie, C::kServerHello));
  EXPECT_TRUE(extension_allowed(ExtensionType::pre_shared_key, C::kServerHello));
  EXPECT_FALSE(extension_allowed(ExtensionType::pre_shared_key, C::kHelloRetryRequest));
  EXPECT_TRUE(extension_allowed(ExtensionType::early_data, C::kNewSessionTicket));
  EXPECT_FALSE(extension_allowed(ExtensionType::early_data, C::kCertificateRequest));
  EXPECT_TRUE(extension_allowed(ExtensionType::status_request, C::kCertificate));
  EXPECT_FALSE(extension_allowed(ExtensionType::server_name, C::kCertificate));
  EXPECT_TRUE(extension_allowed(ExtensionType::oid_filters, C::kCertificateRequest));
  EXPECT_FALSE(extension_allowed(ExtensionType::oid_filters, C::kClientHello));
  EXPECT_TRUE(extension_allowed(ExtensionType::record_size_limit, C::kEncryptedExtensions));
  EXPECT_FALSE(extension_allowed(ExtensionType::record_size_limit, C::kServerHello));
  EXPECT_TRUE(extension_allowed(ExtensionType::compress_certificate, C::kCertificateRequest));
  EXPECT_FALSE(extension_allowed(ExtensionType::compress_certificate, C::kEncryptedExtensions));
  EXPECT_TRUE(extension_allowed(ExtensionType::extended_master_secret, C::kClientHello));
  EXPECT_FALSE(extension_allowed(ExtensionType::extended_master_secret, C::kServerHello));
  EXPECT_FALSE(extension_allowed(ExtensionType::renegotiation_info, C::kEncryptedExtensions));
  EXPECT_TRUE(extension_allowed(static_cast<ExtensionType>(0x0a0a), C::kServerHello));
  EXPECT_TRUE(is_recognized(ExtensionType::key_share));
  EXPECT_FALSE(is_recognized(static_cast<ExtensionType>(0x0a0a)));
  EXPECT_FALSE(is_recognized(static_cast<ExtensionType>(0x1234)));
}

TEST(MsgsClientHello, DuplicateExtensionIsIllegalParameter) {
  Bytes storage;
  Bytes groups = hex("0002001d");
  expect_alert(parse_ch_with({raw(ExtensionType::supported_groups, groups),
                              raw(ExtensionType::padding, empty_bytes()),
                              raw(ExtensionType::supported_groups, groups)},
                             storage),
               AlertDescription::illegal_parameter);
  // The rule holds for extension types glasstls does not know as well.
  expect_alert(parse_ch_with({raw(0x5a5a, empty_bytes()), raw(0x5a5a, empty_bytes())}, storage),
               AlertDescription::illegal_parameter);
}

TEST(MsgsHandshake, DuplicateExtensionInOtherMessagesIsIllegalParameter) {
  Bytes block = ext_block({raw(ExtensionType::early_data, empty_bytes()),
                           raw(ExtensionType::early_data, empty_bytes())});
  expect_alert(parse_encrypted_extensions(block), AlertDescription::illegal_parameter);
  Bytes sv = hex("0304");
  Bytes sh_body = hex("0303");
  sh_body.insert(sh_body.end(), kRandom.begin(), kRandom.end());
  for (uint8_t b : hex("00130100")) {
    sh_body.push_back(b);
  }
  Bytes exts = ext_block(
      {raw(ExtensionType::supported_versions, sv), raw(ExtensionType::supported_versions, sv)});
  sh_body.insert(sh_body.end(), exts.begin(), exts.end());
  expect_alert(parse_server_hello(sh_body), AlertDescription::illegal_parameter);
}

TEST(MsgsClientHello, PreSharedKeyMustBeLast) {
  Bytes rfc = hex(kRfc8448ResumptionClientHello);
  auto resumption = parse_client_hello(body_of(rfc, HandshakeType::client_hello));
  ASSERT_TRUE(resumption.ok());
  RawExtension psk = resumption->extensions.back();
  ASSERT_EQ(psk.type, ExtensionType::pre_shared_key);

  Bytes storage;
  auto last = parse_ch_with({raw(ExtensionType::padding, hex("0000")), psk}, storage);
  ASSERT_TRUE(last.ok()) << last.error().to_string();
  EXPECT_TRUE(last->has_pre_shared_key);

  expect_alert(parse_ch_with({psk, raw(ExtensionType::padding, hex("0000"))}, storage),
               AlertDescription::illegal_parameter);
  // An unknown extension after it counts too.
  expect_alert(parse_ch_with({psk, raw(0x1a1a, empty_bytes())}, storage),
               AlertDescription::illegal_parameter);
}

TEST(MsgsClientHello, MalformedPreSharedKeyIsDecodeError) {
  Bytes storage;
  // identities empty
  expect_alert(parse_ch_with({raw(ExtensionType::pre_shared_key, hex("0000"
                                                                     "0021"
                                                                     "20" +
                                                                     std::string(64, '0')))},
                             storage),
               AlertDescription::decode_error);
  // binder of 31 bytes
  expect_alert(parse_ch_with({raw(ExtensionType::pre_shared_key, hex("0007"
                                                                     "0001"
                                                                     "aa"
                                                                     "00000000"
                                                                     "0020"
                                                                     "1f" +
                                                                     std::string(62, '0')))},
                             storage),
               AlertDescription::decode_error);
}

TEST(MsgsHandshake, KeyShareInEncryptedExtensionsIsIllegalParameter) {
  Bytes block = ext_block({raw(ExtensionType::key_share, hex("001d00020102"))});
  expect_alert(parse_encrypted_extensions(block), AlertDescription::illegal_parameter);
}

TEST(MsgsHandshake, ExtensionsOutsideTheirMessagesAreIllegalParameter) {
  // TLS 1.2-only extensions are tolerated in ClientHello only.
  expect_alert(parse_encrypted_extensions(
                   ext_block({raw(ExtensionType::extended_master_secret, empty_bytes())})),
               AlertDescription::illegal_parameter);
  // signature_algorithms belongs to CH and CR, not NST.
  Bytes nst =
      hex("00000e10"
          "00000000"
          "00"
          "000101");
  Bytes exts = ext_block({raw(ExtensionType::signature_algorithms, hex("00020403"))});
  nst.insert(nst.end(), exts.begin(), exts.end());
  expect_alert(parse_new_session_ticket(nst), AlertDescription::illegal_parameter);
  // key_share is not a CertificateEntry extension.
  Bytes cert =
      hex("00"
          "00000e"
          "000003aabbcc"
          "0006"
          "00330002001d");
  expect_alert(parse_certificate(cert), AlertDescription::illegal_parameter);
  // post_handshake_auth is ClientHello-only.
  Bytes cr = hex("00");
  Bytes cr_exts = ext_block({raw(ExtensionType::signature_algorithms, hex("00020403")),
                             raw(ExtensionType::post_handshake_auth, empty_bytes())});
  cr.insert(cr.end(), cr_exts.begin(), cr_exts.end());
  expect_alert(parse_certificate_request(cr), AlertDescription::illegal_parameter);
}

TEST(MsgsHandshake, UnrecognisedExtensionsOutsideClientHelloAreKept) {
  Bytes body = ext_block({raw(0x1234, hex("01"))});
  auto ee = parse_encrypted_extensions(body);
  ASSERT_TRUE(ee.ok()) << ee.error().to_string();
  ASSERT_EQ(ee->extensions.size(), 1u);
  EXPECT_EQ(static_cast<uint16_t>(ee->extensions[0].type), 0x1234);
  EXPECT_EQ(to_hex(ee->extensions[0].body), "01");
}

TEST(MsgsClientHello, GreaseToleratedAndKept) {
  const auto grease_suite = static_cast<CipherSuite>(0x0a0a);
  const auto grease_group = static_cast<NamedGroup>(0x1a1a);
  const auto grease_scheme = static_cast<SignatureScheme>(0x2a2a);
  const Bytes one_byte = {0};
  ClientHello ch = minimal_client_hello();
  ch.cipher_suites = {grease_suite, CipherSuite::TLS_AES_128_GCM_SHA256};
  ch.supported_groups = std::vector<NamedGroup>{grease_group, NamedGroup::x25519};
  ch.signature_algorithms = std::vector<SignatureScheme>{grease_scheme, SignatureScheme::ed25519};
  ch.supported_versions = std::vector<uint16_t>{0x3a3a, 0x0304};
  ch.key_shares =
      std::vector<KeyShareEntry>{{grease_group, one_byte}, {NamedGroup::x25519, kX25519Share}};
  ch.psk_key_exchange_modes = std::vector<uint8_t>{0x0b, 1};  // GREASE mode 0x0b (RFC 8701)
  ch.alpn = std::vector<std::string_view>{"\x0a\x0a", "h2"};
  Bytes msg = encode(ch, {raw(0x4a4a, empty_bytes()), raw(0x5a5a, one_byte)});
  auto r = parse_client_hello(body_of(msg, HandshakeType::client_hello));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  expect_same_client_hello(ch, *r);
  EXPECT_EQ(r->cipher_suites.front(), grease_suite);
  EXPECT_EQ(r->supported_groups->front(), grease_group);
  EXPECT_EQ(r->key_shares->front().group, grease_group);
  ASSERT_GE(r->extensions.size(), 2u);
  EXPECT_EQ(static_cast<uint16_t>(r->extensions[r->extensions.size() - 2].type), 0x4a4a);
  EXPECT_EQ(static_cast<uint16_t>(r->extensions.back().type), 0x5a5a);
  EXPECT_TRUE(is_grease(static_cast<uint16_t>(r->extensions.back().type)));
}

TEST(MsgsClientHello, TolerableTls12ExtensionsKept) {
  Bytes storage;
  auto r = parse_ch_with({raw(ExtensionType::extended_master_secret, empty_bytes()),
                          raw(ExtensionType::ec_point_formats, hex("0100")),
                          raw(ExtensionType::renegotiation_info, hex("00")),
                          raw(ExtensionType::session_ticket, empty_bytes()),
                          raw(ExtensionType::encrypt_then_mac, empty_bytes())},
                         storage);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->extensions.size(), 5u);
}

TEST(MsgsClientHello, DuplicateKeyShareGroupIsIllegalParameter) {
  ClientHello ch = minimal_client_hello();
  ch.key_shares = std::vector<KeyShareEntry>{{NamedGroup::x25519, kX25519Share},
                                             {NamedGroup::x25519, kX25519Share}};
  Bytes msg = encode(ch);
  expect_alert(parse_client_hello(body_of(msg, HandshakeType::client_hello)),
               AlertDescription::illegal_parameter);
}

TEST(MsgsClientHello, KeyShareWithEmptyKeyExchangeIsDecodeError) {
  Bytes storage;
  expect_alert(parse_ch_with({raw(ExtensionType::key_share, hex("0004001d0000"))}, storage),
               AlertDescription::decode_error);
}

// ============================================================================================
// Vectors with minimum lengths, and list shapes.

TEST(MsgsClientHello, EmptyCipherSuitesIsDecodeError) {
  expect_alert(parse_client_hello(raw_client_hello("0000", "0100", "0000")),
               AlertDescription::decode_error);
}

TEST(MsgsClientHello, OddLengthListsAreDecodeError) {
  expect_alert(parse_client_hello(raw_client_hello("0003130113", "0100", "0000")),
               AlertDescription::decode_error);
  Bytes storage;
  expect_alert(parse_ch_with({raw(ExtensionType::supported_groups, hex("0003001d00"))}, storage),
               AlertDescription::decode_error);
  expect_alert(
      parse_ch_with({raw(ExtensionType::signature_algorithms, hex("0003040305"))}, storage),
      AlertDescription::decode_error);
  expect_alert(parse_ch_with({raw(ExtensionType::supported_versions, hex("03030403"))}, storage),
               AlertDescription::decode_error);
}

TEST(MsgsClientHello, EmptyRequiredListsAreDecodeError) {
  Bytes storage;
  const std::vector<RawExtension> cases = {
      raw(ExtensionType::supported_groups, hex("0000")),
      raw(ExtensionType::signature_algorithms, hex("0000")),
      raw(ExtensionType::signature_algorithms_cert, hex("0000")),
      raw(ExtensionType::supported_versions, hex("00")),
      raw(ExtensionType::psk_key_exchange_modes, hex("00")),
      raw(ExtensionType::cookie, hex("0000")),
      raw(ExtensionType::application_layer_protocol_negotiation, hex("0000")),
      raw(ExtensionType::application_layer_protocol_negotiation, hex("0004"
                                                                     "026832"
                                                                     "00")),
      raw(ExtensionType::application_layer_protocol_negotiation, hex("0003026832"
                                                                     "00")),
      raw(ExtensionType::server_name, hex("0000")),
      raw(ExtensionType::server_name, hex("0003000000")),
      // An extension body with bytes after its vector.
      raw(ExtensionType::supported_groups, hex("0002001d00")),
      raw(ExtensionType::early_data, hex("00")),
      raw(ExtensionType::post_handshake_auth, hex("00")),
  };
  for (const RawExtension& e : cases) {
    SCOPED_TRACE(name(e.type));
    expect_alert(parse_ch_with({e}, storage), AlertDescription::decode_error);
  }
  // Empty compression methods.
  expect_alert(parse_client_hello(raw_client_hello("00021301", "00", "0000")),
               AlertDescription::decode_error);
}

TEST(MsgsClientHello, RandomAndSessionIdLengths) {
  // A body that ends inside the 32-byte random.
  expect_alert(parse_client_hello(hex("0303"
                                      "0102030405")),
               AlertDescription::decode_error);
  // A 33-byte legacy_session_id.
  Bytes body = hex("0303");
  body.insert(body.end(), kRandom.begin(), kRandom.end());
  body.push_back(33);
  body.insert(body.end(), 33, 0x77);
  for (uint8_t b : hex("00021301"
                       "0100"
                       "0000")) {
    body.push_back(b);
  }
  expect_alert(parse_client_hello(body), AlertDescription::decode_error);
  // 32 bytes is fine.
  ClientHello ch = minimal_client_hello();
  ch.legacy_session_id = kSessionId;
  Bytes msg = encode(ch);
  EXPECT_TRUE(parse_client_hello(body_of(msg, HandshakeType::client_hello)).ok());
}

TEST(MsgsClientHello, ServerNameRules) {
  Bytes storage;
  // Unknown name types are skipped; the host_name is found after them.
  auto r = parse_ch_with({raw(ExtensionType::server_name, hex("000d"
                                                              "07"
                                                              "0002abcd"
                                                              "00"
                                                              "0005"
                                                              "686f737431"))},
                         storage);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->server_name, std::optional<std::string_view>("host1"));
  // Two host_name entries.
  expect_alert(parse_ch_with({raw(ExtensionType::server_name, hex("000c"
                                                                  "00"
                                                                  "0003616161"
                                                                  "00"
                                                                  "0003626262"))},
                             storage),
               AlertDescription::illegal_parameter);
  // An empty host_name.
  expect_alert(parse_ch_with({raw(ExtensionType::server_name, hex("0003"
                                                                  "00"
                                                                  "0000"))},
                             storage),
               AlertDescription::decode_error);
}

TEST(MsgsHandshake, EncryptedExtensionsServerNameMustBeEmpty) {
  expect_alert(
      parse_encrypted_extensions(ext_block({raw(ExtensionType::server_name, hex("0003000000"))})),
      AlertDescription::decode_error);
}

TEST(MsgsHandshake, EncryptedExtensionsAlpnExactlyOne) {
  expect_alert(parse_encrypted_extensions(ext_block(
                   {raw(ExtensionType::application_layer_protocol_negotiation, hex("0006"
                                                                                   "026832"
                                                                                   "026833"))})),
               AlertDescription::decode_error);
  expect_alert(parse_encrypted_extensions(ext_block(
                   {raw(ExtensionType::application_layer_protocol_negotiation, hex("0000"))})),
               AlertDescription::decode_error);
  Bytes body =
      ext_block({raw(ExtensionType::application_layer_protocol_negotiation, hex("0003"
                                                                                "026832"))});
  auto ok = parse_encrypted_extensions(body);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->alpn, std::optional<std::string_view>("h2"));
}

// ============================================================================================
// ServerHello rules.

Bytes server_hello_body(const Bytes& random, uint8_t compression, const Bytes& extensions) {
  Bytes body = hex("0303");
  body.insert(body.end(), random.begin(), random.end());
  for (uint8_t b : hex("00"
                       "1301")) {
    body.push_back(b);
  }
  body.push_back(compression);
  body.insert(body.end(), extensions.begin(), extensions.end());
  return body;
}

TEST(MsgsServerHello, CompressionMethodMustBeZero) {
  expect_alert(parse_server_hello(server_hello_body(kRandom, 1, ext_block({}))),
               AlertDescription::illegal_parameter);
}

TEST(MsgsServerHello, CookieOnlyInHelloRetryRequest) {
  Bytes exts = ext_block({raw(ExtensionType::cookie, hex("0002abcd"))});
  expect_alert(parse_server_hello(server_hello_body(kRandom, 0, exts)),
               AlertDescription::illegal_parameter);
  Bytes hrr_random(kHelloRetryRequestRandom, kHelloRetryRequestRandom + 32);
  Bytes hrr_body = server_hello_body(hrr_random, 0, exts);
  auto hrr = parse_server_hello(hrr_body);
  ASSERT_TRUE(hrr.ok()) << hrr.error().to_string();
  EXPECT_TRUE(hrr->is_hello_retry_request);
  ASSERT_TRUE(hrr->cookie);
  EXPECT_EQ(to_hex(*hrr->cookie), "abcd");
  // An empty cookie.
  expect_alert(parse_server_hello(server_hello_body(
                   hrr_random, 0, ext_block({raw(ExtensionType::cookie, hex("0000"))}))),
               AlertDescription::decode_error);
}

TEST(MsgsServerHello, HelloRetryRequestUsesItsOwnContext) {
  Bytes hrr_random(kHelloRetryRequestRandom, kHelloRetryRequestRandom + 32);
  // pre_shared_key may appear in ServerHello but not in HelloRetryRequest.
  Bytes psk = ext_block({raw(ExtensionType::pre_shared_key, hex("0000"))});
  Bytes sh_body = server_hello_body(kRandom, 0, psk);
  auto sh = parse_server_hello(sh_body);
  ASSERT_TRUE(sh.ok()) << sh.error().to_string();
  EXPECT_TRUE(sh->has_pre_shared_key);
  expect_alert(parse_server_hello(server_hello_body(hrr_random, 0, psk)),
               AlertDescription::illegal_parameter);
  // In a HelloRetryRequest key_share is a bare NamedGroup: four bytes are a decode error.
  expect_alert(parse_server_hello(server_hello_body(
                   hrr_random, 0, ext_block({raw(ExtensionType::key_share, hex("001d0000"))}))),
               AlertDescription::decode_error);
}

TEST(MsgsServerHello, MalformedExtensionBodies) {
  const std::vector<RawExtension> cases = {
      raw(ExtensionType::supported_versions, hex("030403")),
      raw(ExtensionType::supported_versions, hex("03")),
      raw(ExtensionType::key_share, hex("001d0000")),      // empty key_exchange
      raw(ExtensionType::key_share, hex("001d000201")),    // truncated key_exchange
      raw(ExtensionType::key_share, hex("001d00010100")),  // trailing byte
      raw(ExtensionType::pre_shared_key, hex("000000")),
  };
  for (const RawExtension& e : cases) {
    SCOPED_TRACE(name(e.type));
    expect_alert(parse_server_hello(server_hello_body(kRandom, 0, ext_block({e}))),
                 AlertDescription::decode_error);
  }
  expect_alert(parse_server_hello(server_hello_body(
                   kRandom, 0, ext_block({raw(ExtensionType::signature_algorithms, hex("0000"))}))),
               AlertDescription::illegal_parameter);
}

TEST(MsgsServerHello, UnsolicitedUnknownExtensionKept) {
  Bytes body = server_hello_body(kRandom, 0, ext_block({raw(0x7777, hex("00"))}));
  auto r = parse_server_hello(body);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->extensions.size(), 1u);
  EXPECT_EQ(static_cast<uint16_t>(r->extensions[0].type), 0x7777);
}

TEST(MsgsServerHello, SessionIdEchoTooLong) {
  Bytes body = hex("0303");
  body.insert(body.end(), kRandom.begin(), kRandom.end());
  body.push_back(33);
  body.insert(body.end(), 33, 0);
  for (uint8_t b : hex("1301"
                       "00"
                       "0000")) {
    body.push_back(b);
  }
  expect_alert(parse_server_hello(body), AlertDescription::decode_error);
}

// ============================================================================================
// Other messages.

TEST(MsgsHandshake, CertificateRequestWithoutSignatureAlgorithmsIsMissingExtension) {
  Bytes body = hex("00");
  Bytes exts = ext_block({raw(ExtensionType::signature_algorithms_cert, hex("00020403"))});
  body.insert(body.end(), exts.begin(), exts.end());
  auto r = parse_certificate_request(body);
  expect_alert(r, AlertDescription::missing_extension);
  // An empty extension block as well.
  expect_alert(parse_certificate_request(hex("00"
                                             "0000")),
               AlertDescription::missing_extension);
}

TEST(MsgsHandshake, CertificateRequestMalformedAuthorities) {
  for (std::string_view authorities : {"0000", "00020000",
                                       "0004"
                                       "0003"
                                       "3000"}) {
    SCOPED_TRACE(authorities);
    Bytes body = hex("00");
    Bytes exts = ext_block({raw(ExtensionType::signature_algorithms, hex("00020403")),
                            raw(ExtensionType::certificate_authorities, hex(authorities))});
    body.insert(body.end(), exts.begin(), exts.end());
    expect_alert(parse_certificate_request(body), AlertDescription::decode_error);
  }
}

TEST(MsgsHandshake, CertificateRequestKeepsUnknownAndToleratedExtensions) {
  Bytes body = hex("00");
  Bytes exts = ext_block({raw(0x2222, empty_bytes()),
                          raw(ExtensionType::signature_algorithms, hex("00020807")),
                          raw(ExtensionType::oid_filters, hex("0000"))});
  body.insert(body.end(), exts.begin(), exts.end());
  auto r = parse_certificate_request(body);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->extensions.size(), 3u);
  EXPECT_EQ(r->signature_algorithms, std::vector<SignatureScheme>{SignatureScheme::ed25519});
}

TEST(MsgsHandshake, CertificateEmptyCertDataIsDecodeError) {
  expect_alert(parse_certificate(hex("00"
                                     "000005"
                                     "000000"
                                     "0000")),
               AlertDescription::decode_error);
  // certificate_list length that runs past the entries.
  expect_alert(parse_certificate(hex("00"
                                     "000009"
                                     "000001aa"
                                     "0000")),
               AlertDescription::decode_error);
}

// An empty signature decodes (the vector is <0..2^16-1>); the handshake fails it as a failed
// verification, decrypt_error (tests/hostile).
TEST(MsgsHandshake, CertificateVerifyEmptySignatureDecodes) {
  auto cv = parse_certificate_verify(hex("08040000"));
  ASSERT_TRUE(cv.ok());
  EXPECT_TRUE(cv->signature.empty());
  EXPECT_EQ(cv->scheme, SignatureScheme::rsa_pss_rsae_sha256);
}

TEST(MsgsHandshake, FinishedWrongLengthIsDecodeError) {
  Bytes data(32, 1);
  expect_alert(parse_finished(data, 48), AlertDescription::decode_error);
  expect_alert(parse_finished(data, 31), AlertDescription::decode_error);
  expect_alert(parse_finished(ByteView(), 32), AlertDescription::decode_error);
  EXPECT_TRUE(parse_finished(data, 32).ok());
}

TEST(MsgsHandshake, KeyUpdateValues) {
  expect_alert(parse_key_update(Bytes{2}), AlertDescription::illegal_parameter);
  expect_alert(parse_key_update(Bytes{0xff}), AlertDescription::illegal_parameter);
  expect_alert(parse_key_update(Bytes{}), AlertDescription::decode_error);
  expect_alert(parse_key_update(Bytes{0, 0}), AlertDescription::decode_error);
  auto r = parse_key_update(Bytes{0});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->update_requested);
}

TEST(MsgsHandshake, NewSessionTicketRules) {
  // ticket_lifetime 604801.
  expect_alert(parse_new_session_ticket(hex("00093a81"
                                            "00000000"
                                            "00"
                                            "000101"
                                            "0000")),
               AlertDescription::illegal_parameter);
  // An empty ticket.
  expect_alert(parse_new_session_ticket(hex("00000e10"
                                            "00000000"
                                            "00"
                                            "0000"
                                            "0000")),
               AlertDescription::decode_error);
  // early_data with three bytes instead of a uint32.
  expect_alert(parse_new_session_ticket(hex("00000e10"
                                            "00000000"
                                            "00"
                                            "000101"
                                            "0007"
                                            "002a0003000400")),
               AlertDescription::decode_error);
  // An unknown extension is kept.
  Bytes body =
      hex("00000e10"
          "00000000"
          "00"
          "000101"
          "0004"
          "aaaa0000");
  auto r = parse_new_session_ticket(body);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->extensions.size(), 1u);
  EXPECT_FALSE(r->max_early_data_size);
}

}  // namespace
}  // namespace glasstls::msgs
