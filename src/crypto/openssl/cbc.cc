// cbc.cc: AES-CBC without padding and HMAC keyed once, over libcrypto, for the records of the
// TLS 1.2 CBC suites (RFC 5246 section 6.2.3.2, RFC 7366).
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <bit>
#include <climits>

#include "crypto/openssl/internal.h"

namespace glasstls::crypto::openssl {
namespace {

constexpr size_t kBlockLen = 16;

// OsslCbcKey keeps one EVP_CIPHER_CTX keyed once, in the direction of its first use; each call
// re-initialises only the IV (EVP_CipherInit_ex2 with no cipher and no key keeps both, and
// allocates nothing). AES decrypts with another key schedule than it encrypts: a key used in
// both directions (a test's, or a trace's second look at a sent record) is re-keyed when the
// direction changes, from the copy it keeps.
class OsslCbcKey final : public CbcKey {
 public:
  OsslCbcKey(CipherCtxPtr ctx, Secret key) : ctx_(std::move(ctx)), key_(std::move(key)) {}

  Status encrypt(ByteView iv, ByteView in, std::span<uint8_t> out) override {
    return run(1, iv, in, out);
  }
  Status decrypt(ByteView iv, ByteView in, std::span<uint8_t> out) override {
    return run(0, iv, in, out);
  }

 private:
  Status run(int enc, ByteView iv, ByteView in, std::span<uint8_t> out) {
    if (iv.size() != kBlockLen || in.size() % kBlockLen != 0 || out.size() != in.size() ||
        in.size() > INT_MAX) {
      return internal_error("CBC needs a 16-byte IV and whole blocks of the output's size");
    }
    if (enc != direction_) {
      if (EVP_CipherInit_ex2(ctx_.get(), nullptr, key_.data(), nullptr, enc, nullptr) != 1 ||
          EVP_CIPHER_CTX_set_padding(ctx_.get(), 0) != 1) {
        return ossl_internal("CBC key setup");
      }
      direction_ = enc;
    }
    if (in.empty()) {
      return Ok{};
    }
    int out_len = 0;
    const int n = static_cast<int>(in.size());
    if (EVP_CipherInit_ex2(ctx_.get(), nullptr, nullptr, iv.data(), enc, nullptr) != 1 ||
        EVP_CipherUpdate(ctx_.get(), out.data(), &out_len, in.data(), n) != 1 || out_len != n) {
      return ossl_internal(enc == 1 ? "CBC encrypt" : "CBC decrypt");
    }
    return Ok{};
  }

  CipherCtxPtr ctx_;
  Secret key_;
  // direction_ is what the context is keyed for: 1 encrypt, 0 decrypt, -1 not yet keyed.
  int direction_ = -1;
};

// kZeros is the throwaway input of the compression runs mac_secret_length adds.
constexpr size_t kMaxBurn = 2048;
const uint8_t kZeros[kMaxBurn] = {};

// OsslHmacKey is an EVP_MAC context keyed once; each MAC restarts it under the same key
// (EVP_MAC_init with a NULL key keeps the key's precomputed inner and outer states). `sink_` is
// a digest context of the same hash that is never finished: mac_secret_length feeds it whole
// blocks of zeros, each one run of the compression function, to make up for a shorter MAC.
class OsslHmacKey final : public HmacKey {
 public:
  OsslHmacKey(MacCtxPtr ctx, MdCtxPtr sink, size_t mac_len, size_t block_len)
      : ctx_(std::move(ctx)),
        sink_(std::move(sink)),
        mac_len_(mac_len),
        block_log2_(static_cast<unsigned>(std::countr_zero(block_len))),
        // The hash's padding ends with the message length: 8 bytes for SHA-1 and SHA-256, 16
        // for SHA-384 (FIPS 180-4 section 5.1).
        length_field_(block_len == 128 ? 16 : 8) {}

  size_t mac_len() const override { return mac_len_; }

  Status mac(std::span<const ByteView> parts, std::span<uint8_t> out) override {
    if (out.size() != mac_len_) {
      return internal_error("HMAC output is not the MAC's length");
    }
    if (EVP_MAC_init(ctx_.get(), nullptr, 0, nullptr) != 1) {
      return ossl_internal("EVP_MAC_init");
    }
    for (ByteView part : parts) {
      if (!part.empty() && EVP_MAC_update(ctx_.get(), part.data(), part.size()) != 1) {
        return ossl_internal("EVP_MAC_update");
      }
    }
    size_t out_len = 0;
    if (EVP_MAC_final(ctx_.get(), out.data(), &out_len, out.size()) != 1 || out_len != mac_len_) {
      return ossl_internal("EVP_MAC_final");
    }
    return Ok{};
  }

  // The HMAC's inner hash runs its compression function once per block of the key (done once,
  // when keyed) and then blocks(header + len) times, the last block or two holding the hash's
  // padding (0x80, zeros, the length field); the outer hash runs it once more whatever `len`
  // (the inner digest and its padding fit one block). So the work a MAC over `len` bytes skips,
  // next to one over data.size() bytes, is blocks(data.size()) - blocks(len) runs: fed to the
  // sink, plus one run always, so that the sink's call is made every time.
  Status mac_secret_length(ByteView header, ByteView data, size_t len, size_t min_len,
                           std::span<uint8_t> out) override {
    // Public bounds only: a caller keeping to them never takes these branches.
    if (len > data.size() || min_len > len) {
      return internal_error("HMAC secret length out of its range");
    }
    const size_t most = blocks(header.size() + data.size());
    const size_t fewest = blocks(header.size() + min_len);
    if (((most - fewest + 1) << block_log2_) > kMaxBurn) {
      return internal_error("HMAC secret length range too wide");
    }
    const ByteView parts[] = {header, data.first(len)};
    GLASSTLS_TRY(mac(parts, out));
    const size_t burn = (most - blocks(header.size() + len) + 1) << block_log2_;
    if (EVP_DigestUpdate(sink_.get(), kZeros, burn) != 1) {
      return ossl_internal("EVP_DigestUpdate");
    }
    return Ok{};
  }

 private:
  // blocks is how many times the inner hash runs its compression function after the key's
  // block, for `n` bytes of message: n, one 0x80 byte and the length field, rounded up to whole
  // blocks. Shifts, no division: the time does not depend on `n`.
  size_t blocks(size_t n) const {
    return (n + 1 + length_field_ + (size_t{1} << block_log2_) - 1) >> block_log2_;
  }

  MacCtxPtr ctx_;
  MdCtxPtr sink_;
  size_t mac_len_;
  unsigned block_log2_;
  size_t length_field_;
};

}  // namespace

OsslCbcCipher::OsslCbcCipher(const EVP_CIPHER* cipher)
    : cipher_(cipher), key_len_(static_cast<size_t>(EVP_CIPHER_get_key_length(cipher))) {}

Result<std::unique_ptr<CbcKey>> OsslCbcCipher::new_key(ByteView key) const {
  if (key.size() != key_len_) {
    return internal_error("CBC key of " + std::to_string(key.size()) + " bytes, expected " +
                          std::to_string(key_len_));
  }
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  // Keyed for encryption here; run() re-keys for the direction of its first use.
  if (ctx == nullptr ||
      EVP_CipherInit_ex2(ctx.get(), cipher_, key.data(), nullptr, 1, nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1) {
    return ossl_internal("EVP_CipherInit_ex2");
  }
  return std::unique_ptr<CbcKey>(std::make_unique<OsslCbcKey>(std::move(ctx), Secret(key)));
}

std::unique_ptr<OsslHmac> OsslHmac::create(const EVP_MD* md, EVP_MAC* hmac) {
  if (md == nullptr || hmac == nullptr) {
    return nullptr;
  }
  MacCtxPtr tmpl(EVP_MAC_CTX_new(hmac));
  if (tmpl == nullptr) {
    drain_errors();
    return nullptr;
  }
  // The template gets its digest here, once, keyed with a dummy key: an HMAC context without a
  // key cannot be duplicated.
  static const uint8_t kDummyKey[1] = {0};
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                       const_cast<char*>(EVP_MD_get0_name(md)), 0),
      OSSL_PARAM_construct_end(),
  };
  if (EVP_MAC_init(tmpl.get(), kDummyKey, sizeof(kDummyKey), params) != 1) {
    drain_errors();
    return nullptr;
  }
  return std::unique_ptr<OsslHmac>(new OsslHmac(md, std::move(tmpl)));
}

OsslHmac::OsslHmac(const EVP_MD* md, MacCtxPtr hmac_template)
    : md_(md),
      len_(static_cast<size_t>(EVP_MD_get_size(md))),
      hmac_template_(std::move(hmac_template)) {}

Result<std::unique_ptr<HmacKey>> OsslHmac::new_key(ByteView key) const {
  MacCtxPtr ctx(EVP_MAC_CTX_dup(hmac_template_.get()));
  MdCtxPtr sink(EVP_MD_CTX_new());
  // A non-null key pointer even for an empty key: EVP_MAC_init with NULL keeps the old key.
  if (ctx == nullptr || sink == nullptr ||
      EVP_MAC_init(ctx.get(), nonnull(key), key.size(), nullptr) != 1 ||
      EVP_DigestInit_ex2(sink.get(), md_, nullptr) != 1) {
    return ossl_internal("HMAC key setup");
  }
  const auto block_len = static_cast<size_t>(EVP_MD_get_block_size(md_));
  if (!std::has_single_bit(block_len) || (block_len != 64 && block_len != 128)) {
    return internal_error("HMAC over a hash of unexpected block size");
  }
  return std::unique_ptr<HmacKey>(
      std::make_unique<OsslHmacKey>(std::move(ctx), std::move(sink), len_, block_len));
}

}  // namespace glasstls::crypto::openssl
