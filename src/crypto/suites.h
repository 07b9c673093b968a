// suites.h: the cipher suite table. Each cipher suite glasstls implements is one row here, with
// everything the rest of the library needs to know about it: the protocol version it belongs to,
// its key exchange and authentication, the hash of its HKDF (or PRF), how it protects records,
// and its key, IV, nonce, MAC and tag lengths and key usage limit. Configuration checks, the key
// schedule, the record layer and the dissector all ask this table instead of knowing suites
// themselves.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "glasstls/crypto.h"
#include "glasstls/types.h"

namespace glasstls::crypto {

// SuiteKx is a cipher suite's key exchange. TLS 1.3 suites do not fix one (section 4.2.7 and
// 4.2.8 negotiate it apart): kAny.
enum class SuiteKx : uint8_t { kAny, kEcdhe, kDhe };
// SuiteAuth is a cipher suite's authentication. TLS 1.3 suites do not fix one (the signature
// algorithms extension does): kAny.
enum class SuiteAuth : uint8_t { kAny, kEcdsa, kRsa };
// Protection is how a suite protects records: an AEAD (TLS 1.3, and TLS 1.2 AEAD suites with an
// explicit nonce), or a block cipher in CBC mode with HMAC (TLS 1.2: encrypt-then-MAC when
// negotiated, RFC 7366, and MAC-then-encrypt otherwise, RFC 5246 section 6.2.3.2).
enum class Protection : uint8_t { kAead, kCbcHmac };
// MacId is the HMAC of a kCbcHmac suite's records (kNone for an AEAD suite). HMAC-SHA1 is used
// only there, for the legacy suites named ..._CBC_SHA.
enum class MacId : uint8_t { kNone, kSha1, kSha256, kSha384 };

// SuiteRow is one cipher suite.
struct SuiteRow {
  CipherSuite suite{};
  ProtocolVersion version{};  // the protocol version the suite belongs to
  SuiteKx kx = SuiteKx::kAny;
  SuiteAuth auth = SuiteAuth::kAny;
  HashId hash{};  // HKDF's hash (TLS 1.3), or the PRF's (TLS 1.2)
  Protection protection = Protection::kAead;
  AeadId aead{};                  // meaningful when protection is kAead
  size_t key_len = 0;             // the record encryption key
  size_t fixed_iv_len = 0;        // the static IV (TLS 1.3: the whole per-record nonce)
  size_t explicit_nonce_len = 0;  // bytes of nonce sent in each record (0 in TLS 1.3)
  size_t mac_len = 0;             // the MAC key and tag of kCbcHmac suites (0 for an AEAD)
  size_t tag_len = 0;             // the AEAD tag
  // key_usage_limit is how many records may be protected under one key before a KeyUpdate is
  // due (RFC 8446 section 5.5).
  uint64_t key_usage_limit = 0;
  MacId mac = MacId::kNone;  // the record MAC of a kCbcHmac suite
  // legacy: off by default, offered and accepted only when named in the configuration (the
  // CBC suites).
  bool legacy = false;
};

// suite_table lists every row, preferred first: the order of default_cipher_suites().
std::span<const SuiteRow> suite_table();

// find_suite returns the row of `suite`, or nullptr when glasstls does not implement it.
const SuiteRow* find_suite(CipherSuite suite);

// aead_key_usage_limit is the key usage limit of the suites protected by `aead`: the smallest one
// in the table (2^24 records when no row uses it).
uint64_t aead_key_usage_limit(AeadId aead);

// SuiteInfo is a cipher suite resolved against a provider: its row, and the provider's hash and
// AEAD for it.
struct SuiteInfo {
  CipherSuite suite{};
  const Hash* hash = nullptr;
  const Aead* aead = nullptr;
  const SuiteRow* row = nullptr;
};

// suite_info resolves `suite` against `provider`: nullopt when the table has no row for it or
// the provider lacks its hash, its AEAD, or (for a CBC suite) its cipher or HMAC.
std::optional<SuiteInfo> suite_info(const CryptoProvider& provider, CipherSuite suite);

// provider_aead is the provider's implementation of `id` (null when it has none).
const Aead* provider_aead(const CryptoProvider& provider, AeadId id);

// provider_cbc is the provider's block cipher in CBC mode for a kCbcHmac row: AES-128 or
// AES-256 by the row's key length (null when the provider has none, or for another row).
const CbcCipher* provider_cbc(const CryptoProvider& provider, const SuiteRow& row);

// provider_hmac is the provider's HMAC for `mac` (null for kNone, or when it has none).
const Hmac* provider_hmac(const CryptoProvider& provider, MacId mac);

}  // namespace glasstls::crypto
