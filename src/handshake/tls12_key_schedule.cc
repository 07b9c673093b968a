// tls12_key_schedule.cc: the TLS 1.2 PRF and what is derived with it (tls12_key_schedule.h).
#include "handshake/tls12_key_schedule.h"

#include <algorithm>
#include <string>

namespace glasstls::handshake::tls12 {
namespace {

// kMaxPrfOutput bounds one PRF call: a key block is at most a few hundred bytes.
constexpr size_t kMaxPrfOutput = size_t{1} << 20;

Bytes concat(ByteView a, ByteView b) {
  Bytes out;
  out.reserve(a.size() + b.size());
  out.insert(out.end(), a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

}  // namespace

Result<Secret> prf(const crypto::Hash& hash, ByteView secret, std::string_view label, ByteView seed,
                   size_t len) {
  if (len > kMaxPrfOutput) {
    return make_error(ErrorKind::kInternal, AlertDescription::internal_error,
                      "TLS 1.2 PRF output of " + std::to_string(len) + " bytes asked for");
  }
  //= https://www.rfc-editor.org/rfc/rfc5246#section-5
  //# TLS's PRF is created by applying P_hash to the secret as:
  //#
  //#    PRF(secret, label, seed) = P_<hash>(secret, label + seed)
  Bytes label_seed(label.begin(), label.end());
  label_seed.insert(label_seed.end(), seed.begin(), seed.end());
  //= https://www.rfc-editor.org/rfc/rfc5246#section-5
  //# P_hash(secret, seed) = HMAC_hash(secret, A(1) + seed) +
  //#                        HMAC_hash(secret, A(2) + seed) +
  //#                        HMAC_hash(secret, A(3) + seed) + ...
  //= https://www.rfc-editor.org/rfc/rfc5246#section-5
  //# A(0) = seed
  //# A(i) = HMAC_hash(secret, A(i-1))
  Secret out(len);
  Secret a = hash.hmac(secret, label_seed);  // A(1)
  Bytes input;
  for (size_t done = 0; done < len;) {
    input.assign(a.span().begin(), a.span().end());
    input.insert(input.end(), label_seed.begin(), label_seed.end());
    const Secret block = hash.hmac(secret, input);
    const size_t n = std::min(block.size(), len - done);
    std::copy_n(block.span().begin(), n, out.mutable_span().begin() + static_cast<ptrdiff_t>(done));
    done += n;
    if (done < len) {
      a = hash.hmac(secret, a.span());  // A(i+1)
    }
  }
  // `input` held A(i), which is as secret as the output.
  std::fill(input.begin(), input.end(), 0);
  return out;
}

Result<Secret> master_secret(const crypto::Hash& hash, ByteView pre_master_secret,
                             ByteView client_random, ByteView server_random) {
  //= https://www.rfc-editor.org/rfc/rfc5246#section-8.1
  //# master_secret = PRF(pre_master_secret, "master secret",
  //#                     ClientHello.random + ServerHello.random)
  //#                     [0..47];
  return prf(hash, pre_master_secret, "master secret", concat(client_random, server_random),
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
  return prf(hash, master_secret, "key expansion", concat(server_random, client_random), len);
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
