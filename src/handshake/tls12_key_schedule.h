// tls12_key_schedule.h: the TLS 1.2 key schedule (RFC 5246 sections 5, 6.3, 7.4.9 and 8.1; RFC
// 7627 section 4): the PRF, the master secret (plain or extended), the key block and
// Finished's verify_data.
//
// Every function takes the suite's PRF hash (SHA-256 for the suites of RFC 5246 and RFC 5289
// with SHA-256, SHA-384 for those with SHA-384) and works through the provider's HMAC.
#pragma once

#include <cstddef>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "glasstls/crypto.h"
#include "glasstls/secret.h"

namespace glasstls::handshake::tls12 {

// kMasterSecretLen: "The master secret is always exactly 48 bytes in length."
inline constexpr size_t kMasterSecretLen = 48;
// kVerifyDataLen: verify_data_length, 12 for every cipher suite glasstls knows.
inline constexpr size_t kVerifyDataLen = 12;

// prf is PRF(secret, label, seed) = P_<hash>(secret, label + seed), `len` bytes (RFC 5246
// section 5). Fails only for an absurd `len` (over 2^20 bytes).
Result<Secret> prf(const crypto::Hash& hash, ByteView secret, std::string_view label, ByteView seed,
                   size_t len);

// master_secret is PRF(pre_master_secret, "master secret", client_random + server_random),
// 48 bytes (RFC 5246 section 8.1).
Result<Secret> master_secret(const crypto::Hash& hash, ByteView pre_master_secret,
                             ByteView client_random, ByteView server_random);

// extended_master_secret is PRF(pre_master_secret, "extended master secret", session_hash),
// 48 bytes, where session_hash is the hash of the handshake up to and including
// ClientKeyExchange (RFC 7627 section 4).
Result<Secret> extended_master_secret(const crypto::Hash& hash, ByteView pre_master_secret,
                                      ByteView session_hash);

// key_block is PRF(master_secret, "key expansion", server_random + client_random), `len`
// bytes (RFC 5246 section 6.3): the MAC keys, the encryption keys and the IVs of both
// directions, in that order.
Result<Secret> key_block(const crypto::Hash& hash, ByteView master_secret, ByteView server_random,
                         ByteView client_random, size_t len);

// verify_data is PRF(master_secret, finished_label, handshake_hash)[0..11], with the label
// "client finished" or "server finished" (RFC 5246 section 7.4.9).
Result<Secret> verify_data(const crypto::Hash& hash, ByteView master_secret, bool client,
                           ByteView handshake_hash);

}  // namespace glasstls::handshake::tls12
