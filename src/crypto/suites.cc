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

// RFC 8446 appendix B.4, and section 5.3: iv_length is max(8 bytes, N_MIN) = 12 for every suite.
constexpr SuiteRow kSuites[] = {
    {CipherSuite::TLS_AES_128_GCM_SHA256, ProtocolVersion::TLSv1_3, SuiteKx::kAny, SuiteAuth::kAny,
     HashId::kSha256, Protection::kAead, AeadId::kAes128Gcm, 16, 12, 0, 0, 16, kGcmLimit},
    {CipherSuite::TLS_AES_256_GCM_SHA384, ProtocolVersion::TLSv1_3, SuiteKx::kAny, SuiteAuth::kAny,
     HashId::kSha384, Protection::kAead, AeadId::kAes256Gcm, 32, 12, 0, 0, 16, kGcmLimit},
    {CipherSuite::TLS_CHACHA20_POLY1305_SHA256, ProtocolVersion::TLSv1_3, SuiteKx::kAny,
     SuiteAuth::kAny, HashId::kSha256, Protection::kAead, AeadId::kChaCha20Poly1305, 32, 12, 0, 0,
     16, kChaChaLimit},
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

std::optional<SuiteInfo> suite_info(const CryptoProvider& provider, CipherSuite suite) {
  const SuiteRow* row = find_suite(suite);
  if (row == nullptr || row->protection != Protection::kAead) {
    return std::nullopt;
  }
  SuiteInfo info;
  info.suite = suite;
  info.hash = provider.hash(row->hash);
  info.aead = provider_aead(provider, row->aead);
  info.row = row;
  if (info.hash == nullptr || info.aead == nullptr) {
    return std::nullopt;
  }
  return info;
}

}  // namespace glasstls::crypto
