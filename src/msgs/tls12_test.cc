// tls12_test.cc: tests for the TLS 1.2 message codecs of tls12.h and the TLS 1.2 hello
// extensions. Every input is built here byte by byte (the layouts of RFC 5246, 8422 and 6066),
// or through the encoders, and each malformed case checks the alert the RFC names. The
// messages of real TLS 1.2 peers are read in tests/explain (OpenSSL at test time).
#include "msgs/tls12.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "msgs/extensions.h"

namespace glasstls::msgs {
namespace {

Bytes hex(std::string_view h) { return from_hex(h).value_or(Bytes{}); }

bool same(ByteView a, ByteView b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

// body_of checks the 4-byte header of `msg` (type and length) and returns the body.
ByteView body_of(const Bytes& msg, HandshakeType type) {
  EXPECT_GE(msg.size(), 4u);
  if (msg.size() < 4) {
    return {};
  }
  EXPECT_EQ(msg[0], static_cast<uint8_t>(type));
  const size_t len = (size_t{msg[1]} << 16) | (size_t{msg[2]} << 8) | msg[3];
  EXPECT_EQ(len, msg.size() - 4);
  return ByteView(msg).subspan(4);
}

void expect_alert(const Error& e, AlertDescription alert) {
  EXPECT_EQ(e.alert, alert) << e.to_string();
}

// --- Certificate -----------------------------------------------------------------------------

TEST(Tls12Certificate, RoundTripsAChain) {
  const Bytes leaf = hex("3003020101");
  const Bytes ca = hex("300402020102");
  Tls12Certificate c;
  c.certificates = {leaf, ca};
  const Bytes msg = encode(c);
  // certificate_list<3 bytes> { <3 bytes> leaf, <3 bytes> ca }
  EXPECT_EQ(to_hex(body_of(msg, HandshakeType::certificate)),
            "000011"
            "000005"
            "3003020101"
            "000006"
            "300402020102");
  auto parsed = parse_tls12_certificate(body_of(msg, HandshakeType::certificate));
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  ASSERT_EQ(parsed->certificates.size(), 2u);
  EXPECT_TRUE(same(parsed->certificates[0], leaf));
  EXPECT_TRUE(same(parsed->certificates[1], ca));
}

TEST(Tls12Certificate, AnEmptyListIsAClientWithoutCertificate) {
  auto parsed = parse_tls12_certificate(hex("000000"));
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->certificates.empty());
  EXPECT_EQ(to_hex(encode(Tls12Certificate{})), "0b000003000000");
}

TEST(Tls12Certificate, MalformedIsDecodeError) {
  const char* cases[] = {
      "",                  // no list length
      "0000",              // list length cut short
      "000004000001",      // the list claims more than is there
      "000003000000",      // an empty ASN.1Cert
      "000004000002aa",    // a certificate cut short
      "0000050000013000",  // a certificate length cut short
      "0000040000013000",  // trailing bytes after the list
      "00000400000130ff",  // trailing byte
  };
  for (const char* c : cases) {
    SCOPED_TRACE(c);
    auto r = parse_tls12_certificate(hex(c));
    ASSERT_FALSE(r.ok());
    expect_alert(r.error(), AlertDescription::decode_error);
  }
  // A TLS 1.3 Certificate (a request context, then entries with extensions) does not read as
  // TLS 1.2's.
  EXPECT_FALSE(parse_tls12_certificate(hex("00000007000002300100000000")).ok());
}

// --- ServerKeyExchange -----------------------------------------------------------------------

TEST(ServerKeyExchange, EcdheRoundTripAndSignedParams) {
  const Bytes point = hex("04" + std::string(128, 'a'));  // 65 bytes
  const Bytes params = encode_ecdhe_params(NamedGroup::secp256r1, point);
  EXPECT_EQ(to_hex(params).substr(0, 8), "03001741");  // named_curve, secp256r1, length 65
  const Bytes signature = hex("3006020101020102");
  const Bytes msg =
      encode_server_key_exchange(params, SignatureScheme::ecdsa_secp256r1_sha256, signature);
  auto parsed = parse_server_key_exchange(body_of(msg, HandshakeType::server_key_exchange),
                                          KeyExchangeKind::kEcdhe);
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  EXPECT_EQ(parsed->kind, KeyExchangeKind::kEcdhe);
  EXPECT_EQ(parsed->group, NamedGroup::secp256r1);
  EXPECT_TRUE(same(parsed->point, point));
  EXPECT_TRUE(same(parsed->params, params));
  EXPECT_EQ(parsed->scheme, SignatureScheme::ecdsa_secp256r1_sha256);
  EXPECT_TRUE(same(parsed->signature, signature));
  EXPECT_TRUE(parsed->dh_p.empty());
}

TEST(ServerKeyExchange, DheRoundTrip) {
  const Bytes p = hex("ffffffffffffffc7");
  const Bytes g = hex("02");
  const Bytes ys = hex("1234567890");
  const Bytes params = encode_dhe_params(p, g, ys);
  EXPECT_EQ(to_hex(params),
            "0008ffffffffffffffc7"
            "000102"
            "00051234567890");
  const Bytes signature(256, 0x5a);
  const Bytes msg =
      encode_server_key_exchange(params, SignatureScheme::rsa_pss_rsae_sha256, signature);
  auto parsed = parse_server_key_exchange(body_of(msg, HandshakeType::server_key_exchange),
                                          KeyExchangeKind::kDhe);
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  EXPECT_TRUE(same(parsed->dh_p, p));
  EXPECT_TRUE(same(parsed->dh_g, g));
  EXPECT_TRUE(same(parsed->dh_ys, ys));
  EXPECT_TRUE(same(parsed->params, params));
  EXPECT_EQ(parsed->scheme, SignatureScheme::rsa_pss_rsae_sha256);
  EXPECT_EQ(parsed->signature.size(), 256u);
  // The same bytes read as ECDHE do not decode: dh_p's length is not a curve type.
  EXPECT_FALSE(parse_server_key_exchange(body_of(msg, HandshakeType::server_key_exchange),
                                         KeyExchangeKind::kEcdhe)
                   .ok());
}

TEST(ServerKeyExchange, ACurveTypeOtherThanNamedCurveIsIllegalParameter) {
  for (const char* c : {"01", "02", "ff"}) {
    SCOPED_TRACE(c);
    auto r = parse_server_key_exchange(hex(std::string(c) + "0017"
                                                            "0104"
                                                            "0403"
                                                            "0000"),
                                       KeyExchangeKind::kEcdhe);
    ASSERT_FALSE(r.ok());
    expect_alert(r.error(), AlertDescription::illegal_parameter);
  }
}

TEST(ServerKeyExchange, MalformedIsDecodeError) {
  struct Case {
    KeyExchangeKind kind;
    const char* body;
  };
  const Case cases[] = {
      {KeyExchangeKind::kEcdhe, ""},
      {KeyExchangeKind::kEcdhe, "03"},      // no curve
      {KeyExchangeKind::kEcdhe, "030017"},  // no point
      {KeyExchangeKind::kEcdhe,
       "03001700"
       "0403"
       "0000"},                                   // an empty point
      {KeyExchangeKind::kEcdhe, "0300170204"},    // a point cut short
      {KeyExchangeKind::kEcdhe, "030017010404"},  // no signature algorithm
      {KeyExchangeKind::kEcdhe,
       "0300170104"
       "0403"},  // no signature length
      {KeyExchangeKind::kEcdhe,
       "0300170104"
       "0403"
       "0002aa"},  // signature cut short
      {KeyExchangeKind::kEcdhe,
       "0300170104"
       "0403"
       "0001aa"
       "00"},  // trailing byte
      {KeyExchangeKind::kDhe,
       "0000"
       "000102"
       "000103"
       "0401"
       "0000"},  // an empty dh_p
      {KeyExchangeKind::kDhe,
       "000101"
       "0000"
       "000103"
       "0401"
       "0000"},  // an empty dh_g
      {KeyExchangeKind::kDhe,
       "000101"
       "000102"
       "0000"
       "0401"
       "0000"},  // an empty dh_Ys
      {KeyExchangeKind::kDhe,
       "000101"
       "000102"},  // no dh_Ys
      {KeyExchangeKind::kDhe,
       "000101"
       "000102"
       "000103"
       "0401"
       "00"},  // signature cut short
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);
    auto r = parse_server_key_exchange(hex(c.body), c.kind);
    ASSERT_FALSE(r.ok());
    expect_alert(r.error(), AlertDescription::decode_error);
  }
  // An empty signature is well formed; verification refuses it.
  EXPECT_TRUE(parse_server_key_exchange(hex("0300170104"
                                            "0403"
                                            "0000"),
                                        KeyExchangeKind::kEcdhe)
                  .ok());
}

TEST(ServerKeyExchange, EncodersRefuseWhatCannotBeWritten) {
  EXPECT_TRUE(encode_ecdhe_params(NamedGroup::x25519, {}).empty());
  EXPECT_TRUE(encode_ecdhe_params(NamedGroup::x25519, Bytes(256, 1)).empty());
  EXPECT_FALSE(encode_ecdhe_params(NamedGroup::x25519, Bytes(255, 1)).empty());
  EXPECT_TRUE(encode_dhe_params(Bytes(1, 1), {}, Bytes(1, 1)).empty());
  EXPECT_TRUE(encode_dhe_params(Bytes(0x10000, 1), Bytes(1, 2), Bytes(1, 1)).empty());
  EXPECT_TRUE(encode_server_key_exchange({}, SignatureScheme::ed25519, Bytes(64, 1)).empty());
  EXPECT_TRUE(
      encode_server_key_exchange(Bytes(5, 1), SignatureScheme::ed25519, Bytes(0x10000, 1)).empty());
}

// --- ClientKeyExchange -----------------------------------------------------------------------

TEST(ClientKeyExchange, RoundTripsBothKinds) {
  const Bytes point(32, 0x42);
  Bytes msg = encode_client_key_exchange(KeyExchangeKind::kEcdhe, point);
  EXPECT_EQ(to_hex(msg).substr(0, 10), "1000002120");
  auto ec = parse_client_key_exchange(body_of(msg, HandshakeType::client_key_exchange),
                                      KeyExchangeKind::kEcdhe);
  ASSERT_TRUE(ec.ok());
  EXPECT_TRUE(same(*ec, point));

  const Bytes yc(256, 0x17);
  msg = encode_client_key_exchange(KeyExchangeKind::kDhe, yc);
  EXPECT_EQ(to_hex(msg).substr(0, 12), "100001020100");
  auto dh = parse_client_key_exchange(body_of(msg, HandshakeType::client_key_exchange),
                                      KeyExchangeKind::kDhe);
  ASSERT_TRUE(dh.ok());
  EXPECT_TRUE(same(*dh, yc));
}

TEST(ClientKeyExchange, MalformedIsDecodeError) {
  struct Case {
    KeyExchangeKind kind;
    const char* body;
  };
  const Case cases[] = {
      {KeyExchangeKind::kEcdhe, ""},       {KeyExchangeKind::kEcdhe, "00"},
      {KeyExchangeKind::kEcdhe, "0201"},   {KeyExchangeKind::kEcdhe, "010101"},
      {KeyExchangeKind::kDhe, ""},         {KeyExchangeKind::kDhe, "00"},
      {KeyExchangeKind::kDhe, "0000"},     {KeyExchangeKind::kDhe, "000201"},
      {KeyExchangeKind::kDhe, "00010101"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);
    auto r = parse_client_key_exchange(hex(c.body), c.kind);
    ASSERT_FALSE(r.ok());
    expect_alert(r.error(), AlertDescription::decode_error);
  }
  EXPECT_TRUE(encode_client_key_exchange(KeyExchangeKind::kEcdhe, {}).empty());
  EXPECT_TRUE(encode_client_key_exchange(KeyExchangeKind::kEcdhe, Bytes(256, 1)).empty());
  EXPECT_TRUE(encode_client_key_exchange(KeyExchangeKind::kDhe, {}).empty());
}

// --- ServerHelloDone, HelloRequest -----------------------------------------------------------

TEST(Tls12EmptyMessages, OnlyAnEmptyBody) {
  EXPECT_EQ(to_hex(encode_server_hello_done()), "0e000000");
  EXPECT_EQ(to_hex(encode_hello_request()), "00000000");
  EXPECT_TRUE(parse_server_hello_done({}).ok());
  EXPECT_TRUE(parse_hello_request({}).ok());
  const Bytes one = {0};
  Status s = parse_server_hello_done(one);
  ASSERT_FALSE(s.ok());
  expect_alert(s.error(), AlertDescription::decode_error);
  s = parse_hello_request(one);
  ASSERT_FALSE(s.ok());
  expect_alert(s.error(), AlertDescription::decode_error);
}

// --- CertificateRequest ----------------------------------------------------------------------

TEST(Tls12CertificateRequest, RoundTrip) {
  const Bytes dn1 = hex("3000");
  const Bytes dn2 = hex("300b3109300706035504030c0161");
  Tls12CertificateRequest cr;
  cr.certificate_types = {kClientCertificateTypeRsaSign, kClientCertificateTypeEcdsaSign};
  cr.supported_signature_algorithms = {SignatureScheme::ecdsa_secp256r1_sha256,
                                       SignatureScheme::rsa_pss_rsae_sha256};
  cr.certificate_authorities = {dn1, dn2};
  const Bytes msg = encode(cr);
  EXPECT_EQ(to_hex(body_of(msg, HandshakeType::certificate_request)).substr(0, 18),
            "020140"
            "000404030804");
  auto parsed = parse_tls12_certificate_request(body_of(msg, HandshakeType::certificate_request));
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  EXPECT_EQ(parsed->certificate_types, cr.certificate_types);
  EXPECT_EQ(parsed->supported_signature_algorithms, cr.supported_signature_algorithms);
  ASSERT_EQ(parsed->certificate_authorities.size(), 2u);
  EXPECT_TRUE(same(parsed->certificate_authorities[0], dn1));
  EXPECT_TRUE(same(parsed->certificate_authorities[1], dn2));
  // No authorities is allowed.
  cr.certificate_authorities.clear();
  auto again =
      parse_tls12_certificate_request(body_of(encode(cr), HandshakeType::certificate_request));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->certificate_authorities.empty());
  // Empty lists are not written.
  cr.certificate_types.clear();
  EXPECT_TRUE(encode(cr).empty());
}

TEST(Tls12CertificateRequest, MalformedIsDecodeError) {
  const char* cases[] = {
      "",
      "00"
      "00020403"
      "0000",  // no certificate type
      "0101"
      "0000"
      "0000",  // no signature algorithm
      "0101"
      "000304"
      "0300"
      "0000",  // an odd-length algorithm list
      "0101"
      "00020403",  // no authorities
      "0101"
      "00020403"
      "0002"
      "0000",  // an empty DistinguishedName
      "0101"
      "00020403"
      "0003"
      "000230",  // a name cut short
      "0101"
      "00020403"
      "0004"
      "00013000",  // a byte left over in the authorities
      "0101"
      "00020403"
      "0000"
      "00",    // trailing byte
      "0201",  // certificate_types cut short
  };
  for (const char* c : cases) {
    SCOPED_TRACE(c);
    auto r = parse_tls12_certificate_request(hex(c));
    ASSERT_FALSE(r.ok());
    expect_alert(r.error(), AlertDescription::decode_error);
  }
}

// --- CertificateStatus -----------------------------------------------------------------------

TEST(CertificateStatusMessage, RoundTripAndErrors) {
  const Bytes response = hex("30030a0100");
  const Bytes msg = encode_certificate_status_message(response);
  EXPECT_EQ(to_hex(msg),
            "16000009"
            "01"
            "000005"
            "30030a0100");
  auto parsed = parse_certificate_status_message(body_of(msg, HandshakeType::certificate_status));
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(same(*parsed, response));
  EXPECT_TRUE(encode_certificate_status_message({}).empty());

  for (const char* c : {"", "01", "0100", "01000000", "0100000230", "01000001300a"}) {
    SCOPED_TRACE(c);
    auto r = parse_certificate_status_message(hex(c));
    ASSERT_FALSE(r.ok());
    expect_alert(r.error(), AlertDescription::decode_error);
  }
  auto other = parse_certificate_status_message(hex("02000001aa"));
  ASSERT_FALSE(other.ok());
  expect_alert(other.error(), AlertDescription::illegal_parameter);
}

// --- The codecs TLS 1.2 shares with TLS 1.3 --------------------------------------------------

TEST(Tls12SharedCodecs, CertificateVerifyAndFinishedReadTls12Layouts) {
  // RFC 5246 section 7.4.8: a DigitallySigned, the same layout as TLS 1.3's CertificateVerify.
  const Bytes cv_body =
      hex("0401"
          "0003"
          "aabbcc");
  auto cv = parse_certificate_verify(cv_body);
  ASSERT_TRUE(cv.ok());
  EXPECT_EQ(cv->scheme, SignatureScheme::rsa_pkcs1_sha256);
  EXPECT_EQ(to_hex(cv->signature), "aabbcc");
  // RFC 5246 section 7.4.9: 12 bytes of verify_data.
  const Bytes verify_data(kTls12VerifyDataLength, 7);
  auto fin = parse_finished(verify_data, kTls12VerifyDataLength);
  ASSERT_TRUE(fin.ok());
  EXPECT_TRUE(same(fin->verify_data, verify_data));
  auto wrong = parse_finished(Bytes(32, 7), kTls12VerifyDataLength);
  ASSERT_FALSE(wrong.ok());
  expect_alert(wrong.error(), AlertDescription::decode_error);
}

// --- Hellos ----------------------------------------------------------------------------------

// A TLS 1.2 ClientHello body as OpenSSL 1.0-era clients send it: no supported_versions, two
// compression methods (deflate, null), the renegotiation SCSV among the suites, and the TLS 1.2
// extensions.
Bytes tls12_client_hello() {
  return hex("0303" + std::string(64, '1') +
             "00"                  // session id
             "0006c02bc02f00ff"    // suites: two ECDHE, TLS_EMPTY_RENEGOTIATION_INFO_SCSV
             "020100"              // compression: deflate, null
             "002d"                // extensions
             "000b000403000102"    // ec_point_formats: uncompressed, two deprecated
             "000a00040002001d"    // supported_groups: x25519
             "0023000401020304"    // session_ticket with a ticket
             "00160000"            // encrypt_then_mac
             "00170000"            // extended_master_secret
             "ff01000100"          // renegotiation_info, empty
             "000d000400020403");  // signature_algorithms
}

TEST(Tls12Hellos, ParseClientHelloAcceptsATls12ClientHello) {
  const Bytes body = tls12_client_hello();
  auto ch = parse_client_hello(body);
  ASSERT_TRUE(ch.ok()) << ch.error().to_string();
  EXPECT_FALSE(ch->supported_versions);
  EXPECT_EQ(ch->legacy_version, 0x0303);
  EXPECT_EQ(to_hex(ch->legacy_compression_methods), "0100");
  EXPECT_TRUE(offers_null_compression(*ch));
  EXPECT_NE(std::find(ch->cipher_suites.begin(), ch->cipher_suites.end(),
                      CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV),
            ch->cipher_suites.end());
  EXPECT_EQ(ch->ec_point_formats, (std::vector<uint8_t>{0, 1, 2}));
  EXPECT_TRUE(ch->session_ticket);
  EXPECT_EQ(to_hex(ch->session_ticket_data), "01020304");
  EXPECT_TRUE(ch->encrypt_then_mac);
  EXPECT_TRUE(ch->extended_master_secret);
  ASSERT_TRUE(ch->renegotiation_info);
  EXPECT_TRUE(ch->renegotiation_info->empty());
  EXPECT_TRUE(check_client_ec_point_formats(*ch).ok());

  // encode() writes the decoded fields back, and they read the same.
  Bytes again = encode(*ch);
  auto ch2 = parse_client_hello(body_of(again, HandshakeType::client_hello));
  ASSERT_TRUE(ch2.ok()) << ch2.error().to_string();
  EXPECT_EQ(ch2->ec_point_formats, ch->ec_point_formats);
  EXPECT_TRUE(ch2->session_ticket);
  EXPECT_EQ(to_hex(ch2->session_ticket_data), "01020304");
  EXPECT_TRUE(ch2->encrypt_then_mac);
  EXPECT_TRUE(ch2->extended_master_secret);
  EXPECT_TRUE(ch2->renegotiation_info);
  EXPECT_EQ(again.size(), body.size() + 4);
}

TEST(Tls12Hellos, ClientHelloWithoutNullCompressionIsTheServersCall) {
  Bytes body = tls12_client_hello();
  // compression "020100" -> "0101": deflate only. The codec reads it; the helper says no null.
  const std::string h = to_hex(body);
  const size_t at = h.find("020100", 2 + 64 + 2);
  ASSERT_NE(at, std::string::npos);
  Bytes changed = hex(h.substr(0, at) + "0101" + h.substr(at + 6));
  auto ch = parse_client_hello(changed);
  ASSERT_TRUE(ch.ok()) << ch.error().to_string();
  EXPECT_FALSE(offers_null_compression(*ch));
}

TEST(Tls12Hellos, MalformedTls12ClientHelloExtensions) {
  struct Case {
    const char* ext;
    AlertDescription alert;
  };
  const Case cases[] = {
      {"000b000100", AlertDescription::decode_error},      // ec_point_formats, no list
      {"000b00020200", AlertDescription::decode_error},    // list cut short
      {"000b0003010000", AlertDescription::decode_error},  // trailing byte
      {"000b000100"
       "",
       AlertDescription::decode_error},
      {"0016000100", AlertDescription::decode_error},      // encrypt_then_mac with a body
      {"0017000100", AlertDescription::decode_error},      // extended_master_secret
      {"ff01000102", AlertDescription::decode_error},      // renegotiation_info cut short
      {"ff010002000000", AlertDescription::decode_error},  // trailing
      {"ff01000100"
       "ff01000100",
       AlertDescription::illegal_parameter},  // duplicate
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.ext);
    const std::string ext = c.ext;
    char len[24];
    std::snprintf(len, sizeof(len), "%04zx", ext.size() / 2);
    Bytes body = hex("0303" + std::string(64, '1') +
                     "00"
                     "0002c02b"
                     "0100" +
                     len + ext);
    auto r = parse_client_hello(body);
    ASSERT_FALSE(r.ok());
    expect_alert(r.error(), c.alert);
  }
}

TEST(Tls12Hellos, ClientEcPointFormatsWithoutUncompressed) {
  ClientHello ch;
  ch.ec_point_formats = std::vector<uint8_t>{1};
  EXPECT_TRUE(check_client_ec_point_formats(ch).ok());  // no supported_groups: no ECC offered
  ch.supported_groups = std::vector<NamedGroup>{NamedGroup::ffdhe2048};
  EXPECT_TRUE(check_client_ec_point_formats(ch).ok());
  ch.supported_groups = std::vector<NamedGroup>{NamedGroup::ffdhe2048, NamedGroup::secp256r1};
  Status s = check_client_ec_point_formats(ch);
  ASSERT_FALSE(s.ok());
  expect_alert(s.error(), AlertDescription::illegal_parameter);
}

ServerHello tls12_base(const Bytes& random) {
  ServerHello base;
  base.random = random;
  base.cipher_suite = CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256;
  return base;
}

TEST(Tls12Hellos, ServerHelloExtensionsRoundTrip) {
  const Bytes random(32, 0x33);
  Tls12ServerHelloExtensions ext;
  ext.extended_master_secret = true;
  ext.encrypt_then_mac = true;
  const Bytes reneg = hex("0102");
  ext.renegotiation_info = reneg;
  ext.ec_point_formats = std::vector<uint8_t>{0};
  ext.alpn = "http/1.1";
  ext.server_name_acknowledged = true;
  ext.status_request = true;
  ext.session_ticket = true;
  const Bytes msg = encode_tls12_server_hello(tls12_base(random), ext);
  auto sh = parse_server_hello(body_of(msg, HandshakeType::server_hello));
  ASSERT_TRUE(sh.ok()) << sh.error().to_string();
  EXPECT_FALSE(sh->selected_version);
  // In the extension table's order.
  std::vector<ExtensionType> types;
  for (const RawExtension& e : sh->extensions) {
    types.push_back(e.type);
  }
  std::vector<ExtensionType> table;
  for (const ExtensionRow& row : extension_table()) {
    if (std::find(types.begin(), types.end(), row.type) != types.end()) {
      table.push_back(row.type);
    }
  }
  EXPECT_EQ(types, table);
  EXPECT_EQ(types.size(), 8u);
  auto d = decode_tls12_server_hello_extensions(*sh);
  ASSERT_TRUE(d.ok()) << d.error().to_string();
  EXPECT_TRUE(d->extended_master_secret);
  EXPECT_TRUE(d->encrypt_then_mac);
  ASSERT_TRUE(d->renegotiation_info);
  EXPECT_EQ(to_hex(*d->renegotiation_info), "0102");
  EXPECT_EQ(d->ec_point_formats, (std::vector<uint8_t>{0}));
  EXPECT_EQ(d->alpn, std::optional<std::string_view>("http/1.1"));
  EXPECT_TRUE(d->server_name_acknowledged);
  EXPECT_TRUE(d->status_request);
  EXPECT_TRUE(d->session_ticket);

  // None set: no extension block at all.
  const Bytes bare = encode_tls12_server_hello(tls12_base(random), {});
  EXPECT_EQ(bare.size(), 4u + 2 + 32 + 1 + 2 + 1);
  auto sh2 = parse_server_hello(body_of(bare, HandshakeType::server_hello));
  ASSERT_TRUE(sh2.ok());
  auto d2 = decode_tls12_server_hello_extensions(*sh2);
  ASSERT_TRUE(d2.ok());
  EXPECT_FALSE(d2->extended_master_secret);
  EXPECT_FALSE(d2->renegotiation_info);
}

// tls12_server_hello_with is a TLS 1.2 ServerHello body carrying the extensions `exts` (hex).
Bytes tls12_server_hello_with(const std::string& exts) {
  char len[24];
  std::snprintf(len, sizeof(len), "%04zx", exts.size() / 2);
  return hex("0303" + std::string(64, '2') +
             "00"
             "c02b"
             "00" +
             len + exts);
}

TEST(Tls12Hellos, MalformedServerHelloExtensions) {
  struct Case {
    const char* exts;
    AlertDescription alert;
  };
  const Case cases[] = {
      {"00170001ff", AlertDescription::decode_error},              // extended_master_secret
      {"00160001ff", AlertDescription::decode_error},              // encrypt_then_mac
      {"000b00020101", AlertDescription::illegal_parameter},       // no uncompressed
      {"000b000100", AlertDescription::decode_error},              // empty list
      {"00000001ff", AlertDescription::decode_error},              // server_name not empty
      {"00050001ff", AlertDescription::decode_error},              // status_request not empty
      {"00230001ff", AlertDescription::decode_error},              // session_ticket not empty
      {"ff01000102", AlertDescription::decode_error},              // renegotiation_info short
      {"0010000700050268320000", AlertDescription::decode_error},  // ALPN with two bytes left
      {"00100007000502683201"
       "61",
       AlertDescription::decode_error},  // two ALPN protocols
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.exts);
    // The parsed ServerHello views its body: keep the body alive while it is read.
    const Bytes body = tls12_server_hello_with(c.exts);
    auto sh = parse_server_hello(body);
    ASSERT_TRUE(sh.ok()) << sh.error().to_string();
    auto d = decode_tls12_server_hello_extensions(*sh);
    ASSERT_FALSE(d.ok());
    expect_alert(d.error(), c.alert);
  }
  // TLS 1.3's ServerHello extensions are not TLS 1.2's: key_share without supported_versions
  // is refused by the TLS 1.2 decoder.
  const Bytes key_share_body = tls12_server_hello_with("0033000400170000");
  auto sh = parse_server_hello(key_share_body);
  if (sh.ok()) {
    auto d = decode_tls12_server_hello_extensions(*sh);
    ASSERT_FALSE(d.ok());
    expect_alert(d.error(), AlertDescription::illegal_parameter);
  }
}

TEST(Tls12Hellos, TheTls12ExtensionsAreStillRefusedInATls13ServerHello) {
  // supported_versions 0x0304, then extended_master_secret.
  auto sh =
      parse_server_hello(tls12_server_hello_with("002b00020304"
                                                 "00170000"));
  ASSERT_FALSE(sh.ok());
  expect_alert(sh.error(), AlertDescription::illegal_parameter);
  // and a duplicate in a TLS 1.2 one is refused by the parser.
  auto dup =
      parse_server_hello(tls12_server_hello_with("00170000"
                                                 "00170000"));
  ASSERT_FALSE(dup.ok());
  expect_alert(dup.error(), AlertDescription::illegal_parameter);
}

TEST(Tls12Hellos, DowngradeSentinels) {
  Bytes random(32, 0);
  EXPECT_FALSE(has_downgrade_sentinel(random));
  std::copy(std::begin(kDowngradeTls12), std::end(kDowngradeTls12), random.begin() + 24);
  EXPECT_TRUE(has_downgrade_sentinel(random));
  EXPECT_EQ(to_hex(ByteView(random).last(8)), "444f574e47524401");  // "DOWNGRD" 01
  std::copy(std::begin(kDowngradeTls11), std::end(kDowngradeTls11), random.begin() + 24);
  EXPECT_TRUE(has_downgrade_sentinel(random));
  random[31] = 2;
  EXPECT_FALSE(has_downgrade_sentinel(random));
  EXPECT_EQ(static_cast<uint16_t>(CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV), 0x00ff);
  EXPECT_EQ(static_cast<uint16_t>(CipherSuite::TLS_FALLBACK_SCSV), 0x5600);
}

}  // namespace
}  // namespace glasstls::msgs
