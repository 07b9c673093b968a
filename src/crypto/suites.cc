// suites.cc: the cipher suite table (see suites.h).
#include "crypto/suites.h"

namespace glasstls::crypto {

namespace {

// RFC 8446 section 5.5: "For AES-GCM, up to 2^24.5 full-size records (about 24 million) may be
// encrypted on a given connection while keeping a safety margin of approximately 2^-57";
// ChaCha20-Poly1305's limit is above the sequence number space. glasstls updates keys well before
// either.
constexpr uint64_t kGcmLimit = uint64_t{1} << 24;
constexpr uint64_t kChaChaLimit = uint64_t{1} << 62;
// TLS 1.2 has no KeyUpdate: a key protects records until the sequence number runs out
// (RFC 5246 section 6.1: "Sequence numbers are of type uint64 and may not exceed 2^64-1"). The
// GCM limit above still applies to GCM suites (a TLS 1.2 connection that reaches it is closed);
// CBC with HMAC has no such bound below the sequence number space.
constexpr uint64_t kCbcLimit = uint64_t{1} << 62;

// RFC 8446 appendix B.4, and section 5.3: iv_length is max(8 bytes, N_MIN) = 12 for every suite.
constexpr SuiteRow kSuites[] = {
    {CipherSuite::TLS_AES_128_GCM_SHA256, ProtocolVersion::TLSv1_3, SuiteKx::kAny, SuiteAuth::kAny,
     HashId::kSha256, Protection::kAead, AeadId::kAes128Gcm, 16, 12, 0, 0, 16, kGcmLimit},
    {CipherSuite::TLS_AES_256_GCM_SHA384, ProtocolVersion::TLSv1_3, SuiteKx::kAny, SuiteAuth::kAny,
     HashId::kSha384, Protection::kAead, AeadId::kAes256Gcm, 32, 12, 0, 0, 16, kGcmLimit},
    {CipherSuite::TLS_CHACHA20_POLY1305_SHA256, ProtocolVersion::TLSv1_3, SuiteKx::kAny,
     SuiteAuth::kAny, HashId::kSha256, Protection::kAead, AeadId::kChaCha20Poly1305, 32, 12, 0, 0,
     16, kChaChaLimit},
    // TLS 1.2 (RFC 5246 section 6.3 and appendix C; RFC 5288 and 5289 for GCM: a 4-byte
    // salt from the key block and an 8-byte explicit nonce in each record; RFC 7905 for
    // ChaCha20-Poly1305: a 12-byte IV XORed with the sequence number, no explicit nonce; CBC:
    // no IV in the key block, a 16-byte explicit IV in each record). The PRF hash is SHA-256
    // except for the suites named ..._SHA384; the CBC suites named ..._SHA use HMAC-SHA1 for
    // their records and SHA-256 for the PRF.
    {CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, ProtocolVersion::TLSv1_2,
     SuiteKx::kEcdhe, SuiteAuth::kEcdsa, HashId::kSha256, Protection::kAead, AeadId::kAes128Gcm, 16,
     4, 8, 0, 16, kGcmLimit, MacId::kNone, false},
    {CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, ProtocolVersion::TLSv1_2, SuiteKx::kEcdhe,
     SuiteAuth::kRsa, HashId::kSha256, Protection::kAead, AeadId::kAes128Gcm, 16, 4, 8, 0, 16,
     kGcmLimit, MacId::kNone, false},
    {CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, ProtocolVersion::TLSv1_2,
     SuiteKx::kEcdhe, SuiteAuth::kEcdsa, HashId::kSha384, Protection::kAead, AeadId::kAes256Gcm, 32,
     4, 8, 0, 16, kGcmLimit, MacId::kNone, false},
    {CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, ProtocolVersion::TLSv1_2, SuiteKx::kEcdhe,
     SuiteAuth::kRsa, HashId::kSha384, Protection::kAead, AeadId::kAes256Gcm, 32, 4, 8, 0, 16,
     kGcmLimit, MacId::kNone, false},
    {CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, ProtocolVersion::TLSv1_2,
     SuiteKx::kEcdhe, SuiteAuth::kEcdsa, HashId::kSha256, Protection::kAead,
     AeadId::kChaCha20Poly1305, 32, 12, 0, 0, 16, kChaChaLimit, MacId::kNone, false},
    {CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, ProtocolVersion::TLSv1_2,
     SuiteKx::kEcdhe, SuiteAuth::kRsa, HashId::kSha256, Protection::kAead,
     AeadId::kChaCha20Poly1305, 32, 12, 0, 0, 16, kChaChaLimit, MacId::kNone, false},
    {CipherSuite::TLS_DHE_RSA_WITH_AES_128_GCM_SHA256, ProtocolVersion::TLSv1_2, SuiteKx::kDhe,
     SuiteAuth::kRsa, HashId::kSha256, Protection::kAead, AeadId::kAes128Gcm, 16, 4, 8, 0, 16,
     kGcmLimit, MacId::kNone, false},
    {CipherSuite::TLS_DHE_RSA_WITH_AES_256_GCM_SHA384, ProtocolVersion::TLSv1_2, SuiteKx::kDhe,
     SuiteAuth::kRsa, HashId::kSha384, Protection::kAead, AeadId::kAes256Gcm, 32, 4, 8, 0, 16,
     kGcmLimit, MacId::kNone, false},
    {CipherSuite::TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256, ProtocolVersion::TLSv1_2,
     SuiteKx::kDhe, SuiteAuth::kRsa, HashId::kSha256, Protection::kAead, AeadId::kChaCha20Poly1305,
     32, 12, 0, 0, 16, kChaChaLimit, MacId::kNone, false},
    {CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, ProtocolVersion::TLSv1_2,
     SuiteKx::kEcdhe, SuiteAuth::kEcdsa, HashId::kSha256, Protection::kCbcHmac, AeadId::kAes128Gcm,
     16, 0, 16, 32, 0, kCbcLimit, MacId::kSha256, true},
    {CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384, ProtocolVersion::TLSv1_2,
     SuiteKx::kEcdhe, SuiteAuth::kEcdsa, HashId::kSha384, Protection::kCbcHmac, AeadId::kAes128Gcm,
     32, 0, 16, 48, 0, kCbcLimit, MacId::kSha384, true},
    {CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256, ProtocolVersion::TLSv1_2, SuiteKx::kEcdhe,
     SuiteAuth::kRsa, HashId::kSha256, Protection::kCbcHmac, AeadId::kAes128Gcm, 16, 0, 16, 32, 0,
     kCbcLimit, MacId::kSha256, true},
    {CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384, ProtocolVersion::TLSv1_2, SuiteKx::kEcdhe,
     SuiteAuth::kRsa, HashId::kSha384, Protection::kCbcHmac, AeadId::kAes128Gcm, 32, 0, 16, 48, 0,
     kCbcLimit, MacId::kSha384, true},
    {CipherSuite::TLS_DHE_RSA_WITH_AES_128_CBC_SHA256, ProtocolVersion::TLSv1_2, SuiteKx::kDhe,
     SuiteAuth::kRsa, HashId::kSha256, Protection::kCbcHmac, AeadId::kAes128Gcm, 16, 0, 16, 32, 0,
     kCbcLimit, MacId::kSha256, true},
    {CipherSuite::TLS_DHE_RSA_WITH_AES_256_CBC_SHA256, ProtocolVersion::TLSv1_2, SuiteKx::kDhe,
     SuiteAuth::kRsa, HashId::kSha256, Protection::kCbcHmac, AeadId::kAes128Gcm, 32, 0, 16, 32, 0,
     kCbcLimit, MacId::kSha256, true},
    {CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, ProtocolVersion::TLSv1_2, SuiteKx::kEcdhe,
     SuiteAuth::kEcdsa, HashId::kSha256, Protection::kCbcHmac, AeadId::kAes128Gcm, 16, 0, 16, 20, 0,
     kCbcLimit, MacId::kSha1, true},
    {CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, ProtocolVersion::TLSv1_2, SuiteKx::kEcdhe,
     SuiteAuth::kEcdsa, HashId::kSha256, Protection::kCbcHmac, AeadId::kAes128Gcm, 32, 0, 16, 20, 0,
     kCbcLimit, MacId::kSha1, true},
    {CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, ProtocolVersion::TLSv1_2, SuiteKx::kEcdhe,
     SuiteAuth::kRsa, HashId::kSha256, Protection::kCbcHmac, AeadId::kAes128Gcm, 16, 0, 16, 20, 0,
     kCbcLimit, MacId::kSha1, true},
    {CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, ProtocolVersion::TLSv1_2, SuiteKx::kEcdhe,
     SuiteAuth::kRsa, HashId::kSha256, Protection::kCbcHmac, AeadId::kAes128Gcm, 32, 0, 16, 20, 0,
     kCbcLimit, MacId::kSha1, true},
    {CipherSuite::TLS_DHE_RSA_WITH_AES_128_CBC_SHA, ProtocolVersion::TLSv1_2, SuiteKx::kDhe,
     SuiteAuth::kRsa, HashId::kSha256, Protection::kCbcHmac, AeadId::kAes128Gcm, 16, 0, 16, 20, 0,
     kCbcLimit, MacId::kSha1, true},
    {CipherSuite::TLS_DHE_RSA_WITH_AES_256_CBC_SHA, ProtocolVersion::TLSv1_2, SuiteKx::kDhe,
     SuiteAuth::kRsa, HashId::kSha256, Protection::kCbcHmac, AeadId::kAes128Gcm, 32, 0, 16, 20, 0,
     kCbcLimit, MacId::kSha1, true},
};

}  // namespace

std::span<const SuiteRow> suite_table() { return kSuites; }

const SuiteRow* find_suite(CipherSuite suite) {
  for (const SuiteRow& row : kSuites) {
    if (row.suite == suite) {
      return &row;
    }
  }
  return nullptr;
}

uint64_t aead_key_usage_limit(AeadId aead) {
  uint64_t limit = 0;
  for (const SuiteRow& row : kSuites) {
    if (row.protection == Protection::kAead && row.aead == aead &&
        (limit == 0 || row.key_usage_limit < limit)) {
      limit = row.key_usage_limit;
    }
  }
  return limit != 0 ? limit : kGcmLimit;
}

const Aead* provider_aead(const CryptoProvider& provider, AeadId id) {
  switch (id) {
    case AeadId::kAes128Gcm: return provider.aes128gcm;
    case AeadId::kAes256Gcm: return provider.aes256gcm;
    case AeadId::kChaCha20Poly1305: return provider.chacha20poly1305;
  }
  return nullptr;
}

const CbcCipher* provider_cbc(const CryptoProvider& provider, const SuiteRow& row) {
  if (row.protection != Protection::kCbcHmac) {
    return nullptr;
  }
  switch (row.key_len) {
    case 16: return provider.aes128cbc;
    case 32: return provider.aes256cbc;
    default: return nullptr;
  }
}

const Hmac* provider_hmac(const CryptoProvider& provider, MacId mac) {
  switch (mac) {
    case MacId::kNone: return nullptr;
    case MacId::kSha1: return provider.hmac_sha1;
    case MacId::kSha256: return provider.hmac_sha256;
    case MacId::kSha384: return provider.hmac_sha384;
  }
  return nullptr;
}

std::optional<SuiteInfo> suite_info(const CryptoProvider& provider, CipherSuite suite) {
  const SuiteRow* row = find_suite(suite);
  if (row == nullptr) {
    return std::nullopt;
  }
  SuiteInfo info;
  info.suite = suite;
  info.hash = provider.hash(row->hash);
  info.aead = row->protection == Protection::kAead ? provider_aead(provider, row->aead) : nullptr;
  info.row = row;
  if (info.hash == nullptr || (row->protection == Protection::kAead && info.aead == nullptr)) {
    return std::nullopt;
  }
  if (row->protection == Protection::kCbcHmac &&
      (provider_cbc(provider, *row) == nullptr || provider_hmac(provider, row->mac) == nullptr)) {
    return std::nullopt;
  }
  return info;
}

}  // namespace glasstls::crypto
