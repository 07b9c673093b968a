// suites_test.cc: the cipher suite table against RFC 8446's registry and OpenSSL's own answers.
#include "crypto/suites.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <unistd.h>

#include <cstdio>
#include <set>
#include <string>

#include "glasstls/config.h"

namespace glasstls::crypto {
namespace {

// What RFC 8446 appendix B.4 says of each TLS 1.3 suite: its code point, its HKDF hash, and the
// AEAD (named as OpenSSL names it, to ask OpenSSL for its key and IV lengths).
struct Expected {
  uint16_t code;
  const char* digest;
  const char* cipher;
};
constexpr Expected kRfc8446Suites[] = {
    {0x1301, "SHA256", "AES-128-GCM"},
    {0x1302, "SHA384", "AES-256-GCM"},
    {0x1303, "SHA256", "ChaCha20-Poly1305"},
};

const char* openssl_digest(HashId id) {
  switch (id) {
    case HashId::kSha256: return "SHA256";
    case HashId::kSha384: return "SHA384";
    case HashId::kSha512: return "SHA512";
  }
  return "";
}

TEST(SuiteTable, AgreesWithRfc8446AndOpenSsl) {
  for (const Expected& e : kRfc8446Suites) {
    SCOPED_TRACE(e.code);
    const SuiteRow* row = find_suite(static_cast<CipherSuite>(e.code));
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(static_cast<uint16_t>(row->suite), e.code);
    EXPECT_EQ(row->version, ProtocolVersion::TLSv1_3);
    EXPECT_EQ(row->kx, SuiteKx::kAny);
    EXPECT_EQ(row->auth, SuiteAuth::kAny);
    EXPECT_EQ(row->protection, Protection::kAead);
    EXPECT_STREQ(openssl_digest(row->hash), e.digest);
    EXPECT_EQ(row->explicit_nonce_len, 0u);
    EXPECT_EQ(row->mac_len, 0u);

    EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, e.cipher, nullptr);
    ASSERT_NE(cipher, nullptr) << e.cipher;
    EXPECT_EQ(row->key_len, static_cast<size_t>(EVP_CIPHER_get_key_length(cipher)));
    EXPECT_EQ(row->fixed_iv_len, static_cast<size_t>(EVP_CIPHER_get_iv_length(cipher)));
    EVP_CIPHER_free(cipher);
    // RFC 8446 section 5.2: every AEAD of TLS 1.3 here has a 16-byte tag (AEAD_AES_*_GCM,
    // RFC 5116 section 5.1; AEAD_CHACHA20_POLY1305, RFC 8439 section 2.5).
    EXPECT_EQ(row->tag_len, 16u);
  }
}

// What RFC 5246 appendix C, RFC 5288 and 5289 (GCM), RFC 7905 (ChaCha20-Poly1305) and the IANA
// registry say of each TLS 1.2 suite: its code point, key exchange and authentication, PRF hash,
// cipher (as OpenSSL names it), record MAC (empty for an AEAD), and whether glasstls keeps it
// off by default (the CBC suites).
struct Expected12 {
  uint16_t code;
  SuiteKx kx;
  SuiteAuth auth;
  const char* prf;
  const char* cipher;
  const char* mac;
  bool legacy;
};
constexpr Expected12 kTls12Suites[] = {
    {0xc02b, SuiteKx::kEcdhe, SuiteAuth::kEcdsa, "SHA256", "AES-128-GCM", "", false},
    {0xc02f, SuiteKx::kEcdhe, SuiteAuth::kRsa, "SHA256", "AES-128-GCM", "", false},
    {0xc02c, SuiteKx::kEcdhe, SuiteAuth::kEcdsa, "SHA384", "AES-256-GCM", "", false},
    {0xc030, SuiteKx::kEcdhe, SuiteAuth::kRsa, "SHA384", "AES-256-GCM", "", false},
    {0xcca9, SuiteKx::kEcdhe, SuiteAuth::kEcdsa, "SHA256", "ChaCha20-Poly1305", "", false},
    {0xcca8, SuiteKx::kEcdhe, SuiteAuth::kRsa, "SHA256", "ChaCha20-Poly1305", "", false},
    {0x009e, SuiteKx::kDhe, SuiteAuth::kRsa, "SHA256", "AES-128-GCM", "", false},
    {0x009f, SuiteKx::kDhe, SuiteAuth::kRsa, "SHA384", "AES-256-GCM", "", false},
    {0xccaa, SuiteKx::kDhe, SuiteAuth::kRsa, "SHA256", "ChaCha20-Poly1305", "", false},
    {0xc023, SuiteKx::kEcdhe, SuiteAuth::kEcdsa, "SHA256", "AES-128-CBC", "SHA256", true},
    {0xc024, SuiteKx::kEcdhe, SuiteAuth::kEcdsa, "SHA384", "AES-256-CBC", "SHA384", true},
    {0xc027, SuiteKx::kEcdhe, SuiteAuth::kRsa, "SHA256", "AES-128-CBC", "SHA256", true},
    {0xc028, SuiteKx::kEcdhe, SuiteAuth::kRsa, "SHA384", "AES-256-CBC", "SHA384", true},
    {0x0067, SuiteKx::kDhe, SuiteAuth::kRsa, "SHA256", "AES-128-CBC", "SHA256", true},
    {0x006b, SuiteKx::kDhe, SuiteAuth::kRsa, "SHA256", "AES-256-CBC", "SHA256", true},
    {0xc009, SuiteKx::kEcdhe, SuiteAuth::kEcdsa, "SHA256", "AES-128-CBC", "SHA1", true},
    {0xc00a, SuiteKx::kEcdhe, SuiteAuth::kEcdsa, "SHA256", "AES-256-CBC", "SHA1", true},
    {0xc013, SuiteKx::kEcdhe, SuiteAuth::kRsa, "SHA256", "AES-128-CBC", "SHA1", true},
    {0xc014, SuiteKx::kEcdhe, SuiteAuth::kRsa, "SHA256", "AES-256-CBC", "SHA1", true},
    {0x0033, SuiteKx::kDhe, SuiteAuth::kRsa, "SHA256", "AES-128-CBC", "SHA1", true},
    {0x0039, SuiteKx::kDhe, SuiteAuth::kRsa, "SHA256", "AES-256-CBC", "SHA1", true},
};

const char* openssl_mac(MacId id) {
  switch (id) {
    case MacId::kNone: return "";
    case MacId::kSha1: return "SHA1";
    case MacId::kSha256: return "SHA256";
    case MacId::kSha384: return "SHA384";
  }
  return "?";
}

TEST(SuiteTable, Tls12RowsAgreeWithTheirRfcsAndOpenSsl) {
  for (const Expected12& e : kTls12Suites) {
    SCOPED_TRACE(e.code);
    const SuiteRow* row = find_suite(static_cast<CipherSuite>(e.code));
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(row->version, ProtocolVersion::TLSv1_2);
    EXPECT_EQ(row->kx, e.kx);
    EXPECT_EQ(row->auth, e.auth);
    EXPECT_STREQ(openssl_digest(row->hash), e.prf);
    EXPECT_STREQ(openssl_mac(row->mac), e.mac);
    EXPECT_EQ(row->legacy, e.legacy);
    EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, e.cipher, nullptr);
    ASSERT_NE(cipher, nullptr) << e.cipher;
    EXPECT_EQ(row->key_len, static_cast<size_t>(EVP_CIPHER_get_key_length(cipher)));
    if (*e.mac == '\0') {
      EXPECT_EQ(row->protection, Protection::kAead);
      EXPECT_EQ(row->mac_len, 0u);
      EXPECT_EQ(row->tag_len, 16u);
      // The nonce is 12 bytes: GCM's 4-byte salt and 8 explicit bytes (RFC 5288 section 3),
      // ChaCha20-Poly1305's 12-byte IV and none explicit (RFC 7905 section 2).
      EXPECT_EQ(row->fixed_iv_len + row->explicit_nonce_len,
                static_cast<size_t>(EVP_CIPHER_get_iv_length(cipher)));
      EXPECT_EQ(row->explicit_nonce_len,
                std::string(e.cipher).find("GCM") != std::string::npos ? 8u : 0u);
    } else {
      EXPECT_EQ(row->protection, Protection::kCbcHmac);
      EVP_MD* md = EVP_MD_fetch(nullptr, e.mac, nullptr);
      ASSERT_NE(md, nullptr);
      EXPECT_EQ(row->mac_len, static_cast<size_t>(EVP_MD_get_size(md)));
      EVP_MD_free(md);
      // RFC 5246 section 6.2.3.2: the IV is explicit, one block, in every record; the key
      // block has none (fixed_iv_length 0 from TLS 1.1 on).
      EXPECT_EQ(row->fixed_iv_len, 0u);
      EXPECT_EQ(row->explicit_nonce_len, static_cast<size_t>(EVP_CIPHER_get_block_size(cipher)));
      EXPECT_EQ(row->tag_len, 0u);
    }
    EVP_CIPHER_free(cipher);
  }
  // The table holds exactly these and RFC 8446's: a row for another code point would be
  // unchecked.
  EXPECT_EQ(suite_table().size(), std::size(kRfc8446Suites) + std::size(kTls12Suites));
}

TEST(SuiteTable, EachSuiteOnce) {
  std::set<CipherSuite> seen;
  for (const SuiteRow& row : suite_table()) {
    EXPECT_TRUE(seen.insert(row.suite).second) << name(row.suite);
  }
}

TEST(SuiteTable, UnknownSuitesAreNotFound) {
  // TLS_AES_128_CCM_SHA256 is registered but not implemented; 0x0000 is TLS_NULL_WITH_NULL_NULL.
  EXPECT_EQ(find_suite(CipherSuite::TLS_AES_128_CCM_SHA256), nullptr);
  EXPECT_EQ(find_suite(static_cast<CipherSuite>(0x0000)), nullptr);
  // Static RSA key transport is never implemented (no forward secrecy).
  EXPECT_EQ(find_suite(static_cast<CipherSuite>(0x002f)), nullptr);
  EXPECT_EQ(find_suite(static_cast<CipherSuite>(0x009c)), nullptr);
  CryptoProvider p = openssl_provider();
  EXPECT_FALSE(suite_info(p, CipherSuite::TLS_AES_128_CCM_SHA256).has_value());
}

TEST(SuiteTable, EveryRowResolvesAgainstTheOpenSslProvider) {
  const CryptoProvider& p = openssl_provider();
  for (const SuiteRow& row : suite_table()) {
    SCOPED_TRACE(std::string(name(row.suite)));
    std::optional<SuiteInfo> info = suite_info(p, row.suite);
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->suite, row.suite);
    EXPECT_EQ(info->row, &row);
    ASSERT_NE(info->hash, nullptr);
    EXPECT_EQ(info->hash->id(), row.hash);
    if (row.protection != Protection::kAead) {
      EXPECT_EQ(info->aead, nullptr);
      continue;
    }
    ASSERT_NE(info->aead, nullptr);
    EXPECT_EQ(info->aead->id(), row.aead);
    EXPECT_EQ(info->aead->key_len(), row.key_len);
    EXPECT_EQ(info->aead->nonce_len(), row.fixed_iv_len + row.explicit_nonce_len);
    EXPECT_EQ(info->aead->tag_len(), row.tag_len);
  }
}

TEST(SuiteTable, ResolutionNeedsTheProvidersAeadAndHash) {
  CryptoProvider p = openssl_provider();
  p.chacha20poly1305 = nullptr;
  EXPECT_FALSE(suite_info(p, CipherSuite::TLS_CHACHA20_POLY1305_SHA256).has_value());
  EXPECT_TRUE(suite_info(p, CipherSuite::TLS_AES_128_GCM_SHA256).has_value());
  p.sha384 = nullptr;
  EXPECT_FALSE(suite_info(p, CipherSuite::TLS_AES_256_GCM_SHA384).has_value());
}

TEST(SuiteTable, KeyUsageLimits) {
  // RFC 8446 section 5.5: AES-GCM allows about 2^24.5 full-size records per key; glasstls stops
  // at 2^24. ChaCha20-Poly1305's limit is above 2^24.5 by far.
  EXPECT_EQ(aead_key_usage_limit(AeadId::kAes128Gcm), uint64_t{1} << 24);
  EXPECT_EQ(aead_key_usage_limit(AeadId::kAes256Gcm), uint64_t{1} << 24);
  EXPECT_GT(aead_key_usage_limit(AeadId::kChaCha20Poly1305), uint64_t{1} << 25);
  for (const SuiteRow& row : suite_table()) {
    if (row.protection == Protection::kAead) {
      EXPECT_EQ(row.key_usage_limit, aead_key_usage_limit(row.aead)) << name(row.suite);
    } else {
      // CBC with HMAC: bounded by the sequence number space only (RFC 5246 section 6.1).
      EXPECT_GE(row.key_usage_limit, uint64_t{1} << 62) << name(row.suite);
    }
  }
}

TEST(SuiteTable, DefaultsAreTheDocumentedList) {
  // include/glasstls/config.h: the TLS 1.3 suites, then ECDHE-ECDSA and ECDHE-RSA with
  // AES-128-GCM, AES-256-GCM and ChaCha20-Poly1305, then DHE-RSA with the same; no CBC.
  using CS = CipherSuite;
  EXPECT_EQ(
      default_cipher_suites(),
      (std::vector<CS>{
          CS::TLS_AES_128_GCM_SHA256, CS::TLS_AES_256_GCM_SHA384, CS::TLS_CHACHA20_POLY1305_SHA256,
          CS::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CS::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
          CS::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, CS::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
          CS::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
          CS::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, CS::TLS_DHE_RSA_WITH_AES_128_GCM_SHA256,
          CS::TLS_DHE_RSA_WITH_AES_256_GCM_SHA384, CS::TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256}));
  EXPECT_EQ(legacy_cbc_cipher_suites().size(), 12u);
}

// Every TLS 1.2 row can be named as OpenSSL names it, and the name gives the code point OpenSSL
// itself gives it (asked at test time with `openssl ciphers -V NAME`).
TEST(SuiteTable, Tls12SuitesTakeTheNamesOpenSslUsersType) {
  const std::string openssl = "/usr/bin/openssl";
  if (::access(openssl.c_str(), X_OK) != 0) {
    GTEST_SKIP() << "openssl is not installed";
  }
  size_t named = 0;
  for (const SuiteRow& row : suite_table()) {
    if (row.version != ProtocolVersion::TLSv1_2) {
      continue;
    }
    // `openssl ciphers -V` lists "0xC0,0x2F - ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 ...".
    char code[16];
    std::snprintf(code, sizeof(code), "0x%02X,0x%02X", static_cast<uint16_t>(row.suite) >> 8,
                  static_cast<uint16_t>(row.suite) & 0xff);
    std::string cmd = openssl + " ciphers -V ALL:@SECLEVEL=0 2>/dev/null";
    std::FILE* f = ::popen(cmd.c_str(), "r");
    ASSERT_NE(f, nullptr);
    std::string line;
    char buf[512];
    std::string name;
    while (std::fgets(buf, sizeof(buf), f) != nullptr) {
      line = buf;
      size_t at = line.find(code);
      if (at != std::string::npos) {
        size_t dash = line.find(" - ", at);
        size_t end = line.find(' ', dash + 3);
        name = line.substr(dash + 3, end - dash - 3);
      }
    }
    ::pclose(f);
    SCOPED_TRACE(std::string(glasstls::name(row.suite)) + " / " + name);
    ASSERT_FALSE(name.empty());
    std::optional<CipherSuite> parsed = parse_cipher_suite(name);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, row.suite);
    named++;
  }
  EXPECT_EQ(named, 21u);
}

}  // namespace
}  // namespace glasstls::crypto
