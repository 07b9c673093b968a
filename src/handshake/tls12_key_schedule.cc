// tls12_key_schedule.cc: the TLS 1.2 PRF and what is derived with it (tls12_key_schedule.h).
#include "handshake/tls12_key_schedule.h"

#include <algorithm>
#include <string>

namespace glasstls::handshake::tls12 {
namespace {

// kMaxPrfOutput bounds one PRF call: a key block is at most a few hundred bytes.
constexpr size_t kMaxPrfOutput = size_t{1} << 20;
// kMaxHashLen: the longest PRF hash output (SHA-512; TLS 1.2 suites use SHA-256 or SHA-384).
constexpr size_t kMaxHashLen = 64;

// p_hash is PRF(secret, label, seed_a + seed_b), `len` bytes. The seed is taken in two parts
// so that the master secret and the key block need not join the two randoms first, and every
// HMAC is written into a buffer here or into the output: the PRF allocates only its result.
Result<Secret> p_hash(const crypto::Hash& hash, ByteView secret, std::string_view label,
                      ByteView seed_a, ByteView seed_b, size_t len) {
  const size_t h = hash.output_len();
  if (len > kMaxPrfOutput || h == 0 || h > kMaxHashLen) {
    return make_error(ErrorKind::kInternal, AlertDescription::internal_error,
                      "TLS 1.2 PRF output of " + std::to_string(len) + " bytes asked for");
  }
  const ByteView label_bytes(reinterpret_cast<const uint8_t*>(label.data()), label.size());
  //= https://www.rfc-editor.org/rfc/rfc5246#section-5
  //# TLS's PRF is created by applying P_hash to the secret as:
  //#
  //#    PRF(secret, label, seed) = P_<hash>(secret, label + seed)
  //= https://www.rfc-editor.org/rfc/rfc5246#section-5
  //# P_hash(secret, seed) = HMAC_hash(secret, A(1) + seed) +
  //#                        HMAC_hash(secret, A(2) + seed) +
  //#                        HMAC_hash(secret, A(3) + seed) + ...
  //= https://www.rfc-editor.org/rfc/rfc5246#section-5
  //# A(0) = seed
  //# A(i) = HMAC_hash(secret, A(i-1))
  Secret out(len);
  // a holds A(i) and next the HMAC being made; both are as secret as the output and are wiped.
  uint8_t a[kMaxHashLen];
  uint8_t next[kMaxHashLen];
  const std::span<uint8_t> a_span(a, h);
  const std::span<uint8_t> next_span(next, h);
  const ByteView first[] = {label_bytes, seed_a, seed_b};
  bool ok = hash.hmac_into(secret, first, a_span);  // A(1)
  for (size_t done = 0; ok && done < len;) {
    const ByteView block[] = {a_span, label_bytes, seed_a, seed_b};
    const size_t n = std::min(h, len - done);
    if (n == h) {
      ok = hash.hmac_into(secret, block, out.mutable_span().subspan(done, h));
    } else {
      ok = hash.hmac_into(secret, block, next_span);
      std::copy_n(next, n, out.data() + done);
    }
    done += n;
    if (ok && done < len) {
      const ByteView previous[] = {a_span};
      ok = hash.hmac_into(secret, previous, next_span);  // A(i+1)
      std::copy_n(next, h, a);
    }
  }
  secure_wipe(a, sizeof(a));
  secure_wipe(next, sizeof(next));
  if (!ok) {
    return make_error(ErrorKind::kInternal, AlertDescription::internal_error,
                      "TLS 1.2 PRF: the HMAC is not the hash's length");
  }
  return out;
}

}  // namespace

Result<Secret> prf(const crypto::Hash& hash, ByteView secret, std::string_view label, ByteView seed,
                   size_t len) {
  return p_hash(hash, secret, label, seed, {}, len);
}

Result<Secret> master_secret(const crypto::Hash& hash, ByteView pre_master_secret,
                             ByteView client_random, ByteView server_random) {
  //= https://www.rfc-editor.org/rfc/rfc5246#section-8.1
  //# master_secret = PRF(pre_master_secret, "master secret",
  //#                     ClientHello.random + ServerHello.random)
  //#                     [0..47];
  return p_hash(hash, pre_master_secret, "master secret", client_random, server_random,
                kMasterSecretLen);
}

Result<Secret> extended_master_secret(const crypto::Hash& hash, ByteView pre_master_secret,
                                      ByteView session_hash) {
  //= https://www.rfc-editor.org/rfc/rfc7627#section-4
  //# master_secret = PRF(pre_master_secret, "extended master secret",
  //#                     session_hash)
  //#                     [0..47];
  return prf(hash, pre_master_secret, "extended master secret", session_hash, kMasterSecretLen);
}

Result<Secret> key_block(const crypto::Hash& hash, ByteView master_secret, ByteView server_random,
                         ByteView client_random, size_t len) {
  //= https://www.rfc-editor.org/rfc/rfc5246#section-6.3
  //# key_block = PRF(SecurityParameters.master_secret,
  //#                 "key expansion",
  //#                 SecurityParameters.server_random +
  //#                 SecurityParameters.client_random);
  return p_hash(hash, master_secret, "key expansion", server_random, client_random, len);
}

Result<Secret> verify_data(const crypto::Hash& hash, ByteView master_secret, bool client,
                           ByteView handshake_hash) {
  //= https://www.rfc-editor.org/rfc/rfc5246#section-7.4.9
  //# verify_data
  //#    PRF(master_secret, finished_label, Hash(handshake_messages))
  //#       [0..verify_data_length-1];
  return prf(hash, master_secret, client ? "client finished" : "server finished", handshake_hash,
             kVerifyDataLen);
}

}  // namespace glasstls::handshake::tls12
