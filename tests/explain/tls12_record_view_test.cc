// tls12_record_view_test.cc: the view of a TLS 1.2 protected record, for each kind of
// protection. A record is sealed by the record layer's protector under keys made at test time,
// its parts are taken for the trace (RecordProtector::trace_tls12), and the parts and their
// wording are checked: the parts against the record's own bytes and OpenSSL's HMAC and
// cipher, the wording in the text, JSON and HTML renderers (no inner content type, the nonce's
// making, the additional data or the MAC's input field by field).
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>
#include <vector>

#include "crypto/suites.h"
#include "glasstls/trace.h"
#include "record/protector.h"

namespace glasstls {
namespace {

Bytes random_bytes(size_t n) {
  Bytes out(n);
  EXPECT_TRUE(crypto::openssl_provider().random->fill(out).ok());
  return out;
}

// additional_data is seq_num || type || 0x0303 || length, written by hand (RFC 5246 section
// 6.2.3.3).
Bytes additional_data(uint64_t seq, uint8_t type, size_t length) {
  Bytes out;
  for (int i = 7; i >= 0; i--) {
    out.push_back(static_cast<uint8_t>(seq >> (8 * i)));
  }
  out.insert(out.end(),
             {type, 0x03, 0x03, static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length)});
  return out;
}

Bytes openssl_hmac(const EVP_MD* md, const Bytes& key, const Bytes& data) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(), &len);
  out.resize(len);
  return out;
}

// openssl_cbc_decrypt decrypts whole blocks with AES-CBC and no padding removal.
Bytes openssl_cbc_decrypt(const Bytes& key, ByteView iv, ByteView ciphertext) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  const EVP_CIPHER* cipher = key.size() == 16 ? EVP_aes_128_cbc() : EVP_aes_256_cbc();
  Bytes out(ciphertext.size() + 16);
  int len = 0;
  int fin = 0;
  EXPECT_EQ(EVP_DecryptInit_ex(ctx, cipher, nullptr, key.data(), iv.data()), 1);
  EVP_CIPHER_CTX_set_padding(ctx, 0);
  EXPECT_EQ(EVP_DecryptUpdate(ctx, out.data(), &len, ciphertext.data(),
                              static_cast<int>(ciphertext.size())),
            1);
  EXPECT_EQ(EVP_DecryptFinal_ex(ctx, out.data() + len, &fin), 1);
  EVP_CIPHER_CTX_free(ctx);
  out.resize(static_cast<size_t>(len + fin));
  return out;
}

// Sealed is one record sealed under fresh keys of a suite, with its trace event.
struct Sealed {
  Bytes mac_key;
  Bytes key;
  Bytes iv;
  Bytes wire;
  TraceRecord event;
};

constexpr uint64_t kSeq = 5;
const Bytes kContent = {'h', 'e', 'l', 'l', 'o'};

Sealed seal(CipherSuite suite, bool etm) {
  Sealed s;
  const crypto::SuiteRow* row = crypto::find_suite(suite);
  EXPECT_NE(row, nullptr);
  s.mac_key = random_bytes(row->mac_len);
  s.key = random_bytes(row->key_len);
  s.iv = random_bytes(row->fixed_iv_len);
  auto writer = record::make_tls12_protector(crypto::openssl_provider(), *row, Secret(s.mac_key),
                                             Secret(s.key), s.iv, etm, "client write",
                                             /*keep_trace_key=*/true);
  EXPECT_TRUE(writer.ok());
  s.wire.resize(record::kHeaderLen + writer->body_len(kContent.size()));
  EXPECT_TRUE(writer->seal(ContentType::application_data, kContent, kSeq, s.wire).ok());
  // The peer opens it, as the connection and the dissector do, and takes its parts.
  auto reader = record::make_tls12_protector(crypto::openssl_provider(), *row, Secret(s.mac_key),
                                             Secret(s.key), s.iv, etm, "client write",
                                             /*keep_trace_key=*/true);
  EXPECT_TRUE(reader.ok());
  Bytes dest(s.wire.size());
  record::OpenedRecord opened;
  EXPECT_TRUE(reader->open(s.wire, kSeq, dest, record::kMaxPlaintext, opened).ok());
  EXPECT_TRUE(opened.authentic);
  TraceRecord& r = s.event;
  r.wire = s.wire;
  r.header = annotate_record_header(ByteView(s.wire).first(5), ProtocolVersion::TLSv1_2);
  r.encrypted = true;
  r.content_type = opened.type;
  r.plaintext_known = true;
  r.plaintext.assign(opened.content.begin(), opened.content.end());
  r.padding = opened.padding;
  r.sequence = kSeq;
  r.key_label = "client write";
  EXPECT_TRUE(reader->trace_tls12(s.wire, kSeq, /*secrets=*/true, r));
  return s;
}

std::string text(const TraceRecord& r) {
  RenderOptions options;
  return render_text({TraceEvent(r)}, options);
}

void expect_tls12_wording(const TraceRecord& r, const std::string& t) {
  EXPECT_NE(t.find("no inner content type"), std::string::npos) << t;
  EXPECT_EQ(t.find("then the inner content type"), std::string::npos) << t;
  EXPECT_EQ(t.find("the AEAD output and tag"), std::string::npos) << t;
  EXPECT_EQ(t.find("TLS 1.3 records say TLS 1.2"), std::string::npos) << t;
  EXPECT_NE(t.find("2^14 + 2048"), std::string::npos) << t;
  EXPECT_NE(t.find("seq_num: 5"), std::string::npos) << t;
  EXPECT_NE(t.find("hello"), std::string::npos) << t;
  const std::string json = render_json({TraceEvent(r)});
  EXPECT_NE(json.find("\"protection\":{\"kind\":\"tls12_"), std::string::npos) << json;
  EXPECT_NE(json.find("\"additional_data\":\"" + std::string("0000000000000005")),
            std::string::npos)
      << json;
  const std::string html = render_html({TraceEvent(r)}, "view");
  EXPECT_NE(html.find("seq_num"), std::string::npos);
  EXPECT_NE(html.find("no inner content type"), std::string::npos);
}

TEST(Tls12RecordViewTest, GcmShowsTheExplicitNonceCiphertextTagAndAdditionalData) {
  Sealed s = seal(CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, false);
  const TraceProtection& p = s.event.protection;
  EXPECT_EQ(p.kind, TraceProtectionKind::kTls12Gcm);
  // nonce_explicit is the fragment's first 8 bytes; the nonce is the salt and it.
  EXPECT_EQ(p.explicit_nonce, Bytes(s.wire.begin() + 5, s.wire.begin() + 13));
  Bytes nonce = s.iv;
  nonce.insert(nonce.end(), p.explicit_nonce.begin(), p.explicit_nonce.end());
  EXPECT_EQ(s.event.nonce, nonce);
  EXPECT_EQ(p.ciphertext, Bytes(s.wire.begin() + 13, s.wire.begin() + 13 + kContent.size()));
  EXPECT_EQ(p.mac, Bytes(s.wire.end() - 16, s.wire.end()));
  EXPECT_EQ(p.additional_data, additional_data(kSeq, 23, kContent.size()));
  EXPECT_TRUE(p.padding.empty());
  const std::string t = text(s.event);
  expect_tls12_wording(s.event, t);
  EXPECT_NE(t.find("nonce_explicit"), std::string::npos) << t;
  EXPECT_NE(t.find("salt (write IV) || nonce_explicit"), std::string::npos) << t;
  EXPECT_NE(t.find("tag: 16 bytes"), std::string::npos) << t;
  EXPECT_NE(t.find("additional_data"), std::string::npos) << t;
}

TEST(Tls12RecordViewTest, ChaChaShowsTheNonceMadeFromTheIvAndSequence) {
  Sealed s = seal(CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, false);
  const TraceProtection& p = s.event.protection;
  EXPECT_EQ(p.kind, TraceProtectionKind::kTls12ChaCha20Poly1305);
  EXPECT_TRUE(p.explicit_nonce.empty());
  Bytes nonce = s.iv;
  nonce[11] ^= static_cast<uint8_t>(kSeq);
  EXPECT_EQ(s.event.nonce, nonce);
  EXPECT_EQ(p.ciphertext, Bytes(s.wire.begin() + 5, s.wire.begin() + 5 + kContent.size()));
  EXPECT_EQ(p.mac.size(), 16u);
  EXPECT_EQ(p.additional_data, additional_data(kSeq, 23, kContent.size()));
  const std::string t = text(s.event);
  expect_tls12_wording(s.event, t);
  EXPECT_EQ(t.find("nonce_explicit"), std::string::npos) << t;
  EXPECT_NE(t.find("write IV XOR the sequence number"), std::string::npos) << t;
  EXPECT_NE(t.find("Poly1305"), std::string::npos) << t;
}

TEST(Tls12RecordViewTest, CbcMacThenEncryptShowsTheIvAndTheDecryptedMacAndPadding) {
  Sealed s = seal(CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, false);
  const TraceProtection& p = s.event.protection;
  EXPECT_EQ(p.kind, TraceProtectionKind::kTls12CbcMacThenEncrypt);
  EXPECT_EQ(p.explicit_nonce, Bytes(s.wire.begin() + 5, s.wire.begin() + 21));
  EXPECT_EQ(p.ciphertext, Bytes(s.wire.begin() + 21, s.wire.end()));
  // OpenSSL's decryption of the ciphertext: content || MAC || padding.
  const Bytes plain = openssl_cbc_decrypt(s.key, p.explicit_nonce, p.ciphertext);
  ASSERT_EQ(plain.size(), kContent.size() + p.mac.size() + p.padding.size());
  EXPECT_EQ(Bytes(plain.begin(), plain.begin() + 5), kContent);
  Bytes mac_input = additional_data(kSeq, 23, kContent.size());
  EXPECT_EQ(p.additional_data, mac_input);
  mac_input.insert(mac_input.end(), kContent.begin(), kContent.end());
  EXPECT_EQ(p.mac, openssl_hmac(EVP_sha256(), s.mac_key, mac_input));
  EXPECT_EQ(Bytes(plain.begin() + 5, plain.begin() + 5 + 32), p.mac);
  // 5 + 32 + 1 rounds up to 48: 11 bytes of value 10.
  EXPECT_EQ(p.padding, Bytes(11, 10));
  const std::string t = text(s.event);
  expect_tls12_wording(s.event, t);
  EXPECT_NE(t.find("IV: 16 bytes"), std::string::npos) << t;
  EXPECT_NE(t.find("MAC input"), std::string::npos) << t;
  EXPECT_NE(t.find("content || MAC || padding"), std::string::npos) << t;
  EXPECT_NE(t.find("then its MAC (32 bytes) and 11 bytes of padding"), std::string::npos) << t;
  EXPECT_NE(t.find("padding_length: 10"), std::string::npos) << t;
}

TEST(Tls12RecordViewTest, CbcEncryptThenMacShowsTheMacOverIvAndCiphertext) {
  Sealed s = seal(CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384, true);
  const TraceProtection& p = s.event.protection;
  EXPECT_EQ(p.kind, TraceProtectionKind::kTls12CbcEncryptThenMac);
  EXPECT_EQ(p.explicit_nonce, Bytes(s.wire.begin() + 5, s.wire.begin() + 21));
  ASSERT_EQ(p.mac.size(), 48u);
  EXPECT_EQ(p.mac, Bytes(s.wire.end() - 48, s.wire.end()));
  EXPECT_EQ(p.ciphertext, Bytes(s.wire.begin() + 21, s.wire.end() - 48));
  // MAC = HMAC(seq_num || type || version || length of IV and ciphertext || IV || ciphertext).
  Bytes mac_input = additional_data(kSeq, 23, 16 + p.ciphertext.size());
  EXPECT_EQ(p.additional_data, mac_input);
  mac_input.insert(mac_input.end(), s.wire.begin() + 5, s.wire.end() - 48);
  EXPECT_EQ(p.mac, openssl_hmac(EVP_sha384(), s.mac_key, mac_input));
  const Bytes plain = openssl_cbc_decrypt(s.key, p.explicit_nonce, p.ciphertext);
  EXPECT_EQ(Bytes(plain.begin(), plain.begin() + 5), kContent);
  EXPECT_EQ(p.padding, Bytes(plain.begin() + 5, plain.end()));
  const std::string t = text(s.event);
  expect_tls12_wording(s.event, t);
  EXPECT_NE(t.find("encrypt-then-MAC"), std::string::npos) << t;
  EXPECT_NE(t.find("IV || ciphertext"), std::string::npos) << t;
  EXPECT_NE(t.find("the length of the IV and the ciphertext"), std::string::npos) << t;
}

// TLS 1.3's protector has no TLS 1.2 parts, and a TLS 1.3 record keeps its wording.
TEST(Tls12RecordViewTest, Tls13RecordsKeepTheirWording) {
  const Bytes header = {0x17, 0x03, 0x03, 0x00, 0x20};
  const TraceField tls13 = annotate_record_header(header);
  const TraceField tls12 = annotate_record_header(header, ProtocolVersion::TLSv1_2);
  ASSERT_EQ(tls13.children.size(), 3u);
  ASSERT_EQ(tls12.children.size(), 3u);
  EXPECT_NE(tls13.children[1].explanation.find("TLS 1.3 records say TLS 1.2"), std::string::npos);
  EXPECT_EQ(tls12.children[1].explanation.find("TLS 1.3"), std::string::npos);
  EXPECT_NE(tls13.children[2].explanation.find("2^14 + 256"), std::string::npos);
  EXPECT_NE(tls12.children[2].explanation.find("2^14 + 2048"), std::string::npos);
  EXPECT_EQ(annotate_record_header(header, ProtocolVersion::TLSv1_3).children[1].explanation,
            tls13.children[1].explanation);
  TraceRecord r;
  r.wire = header;
  r.wire.resize(5 + 32, 0xab);
  r.encrypted = true;
  r.plaintext_known = true;
  r.plaintext = {1, 2, 3};
  r.content_type = ContentType::application_data;
  const std::string t = text(r);
  EXPECT_NE(t.find("then the inner content type 23"), std::string::npos) << t;
  EXPECT_EQ(render_json({TraceEvent(r)}).find("\"protection\""), std::string::npos);
}

}  // namespace
}  // namespace glasstls
