// aead.cc: AES-GCM and ChaCha20-Poly1305 (RFC 5116 interface) over libcrypto.
#include <openssl/evp.h>

#include <climits>

#include "crypto/openssl/internal.h"

namespace glasstls::crypto::openssl {
namespace {

constexpr size_t kNonceLen = 12;
constexpr size_t kTagLen = 16;

Error bad_record_mac(std::string reason) {
  return make_error(ErrorKind::kPeerMisbehaved, AlertDescription::bad_record_mac,
                    std::move(reason));
}

// OsslAeadKey keeps one EVP_CIPHER_CTX keyed once; each record re-initialises only the nonce
// and the direction (EVP_CipherInit_ex2 with no cipher and no key keeps both).
class OsslAeadKey final : public AeadKey {
 public:
  explicit OsslAeadKey(CipherCtxPtr ctx) : ctx_(std::move(ctx)) {}

  Status seal(ByteView nonce, ByteView aad, std::span<uint8_t> in_out,
              std::span<uint8_t> tag) override {
    if (nonce.size() != kNonceLen || tag.size() != kTagLen) {
      return internal_error("AEAD seal needs a 12-byte nonce and a 16-byte tag buffer");
    }
    if (aad.size() > INT_MAX || in_out.size() > INT_MAX) {
      return internal_error("AEAD input too long");
    }
    int out_len = 0;
    uint8_t final_block[kTagLen];
    if (EVP_CipherInit_ex2(ctx_.get(), nullptr, nullptr, nonce.data(), 1, nullptr) != 1 ||
        !update(aad, in_out) || EVP_CipherFinal_ex(ctx_.get(), final_block, &out_len) != 1 ||
        out_len != 0 ||
        EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(kTagLen),
                            tag.data()) != 1) {
      return ossl_internal("AEAD seal");
    }
    return Ok{};
  }

  Status open(ByteView nonce, ByteView aad, std::span<uint8_t> in_out, ByteView tag) override {
    if (nonce.size() != kNonceLen) {
      return internal_error("AEAD open needs a 12-byte nonce");
    }
    if (tag.size() != kTagLen) {
      return bad_record_mac("AEAD tag is not 16 bytes");
    }
    if (aad.size() > INT_MAX || in_out.size() > INT_MAX) {
      return internal_error("AEAD input too long");
    }
    // EVP_CTRL_AEAD_SET_TAG only reads the tag; the API takes a non-const pointer.
    if (EVP_CipherInit_ex2(ctx_.get(), nullptr, nullptr, nonce.data(), 0, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(kTagLen),
                            const_cast<uint8_t*>(tag.data())) != 1 ||
        !update(aad, in_out)) {
      return ossl_internal("AEAD open");
    }
    int out_len = 0;
    uint8_t final_block[kTagLen];
    if (EVP_CipherFinal_ex(ctx_.get(), final_block, &out_len) != 1) {
      drain_errors();
      return bad_record_mac("AEAD authentication tag mismatch");
    }
    return Ok{};
  }

 private:
  // update feeds `aad`, then transforms `in_out` in place. Both lengths fit in an int (checked
  // by the callers).
  bool update(ByteView aad, std::span<uint8_t> in_out) {
    int out_len = 0;
    if (!aad.empty() && EVP_CipherUpdate(ctx_.get(), nullptr, &out_len, aad.data(),
                                         static_cast<int>(aad.size())) != 1) {
      return false;
    }
    if (!in_out.empty()) {
      const int n = static_cast<int>(in_out.size());
      if (EVP_CipherUpdate(ctx_.get(), in_out.data(), &out_len, in_out.data(), n) != 1 ||
          out_len != n) {
        return false;
      }
    }
    return true;
  }

  CipherCtxPtr ctx_;
};

}  // namespace

OsslAead::OsslAead(AeadId id, const EVP_CIPHER* cipher)
    : id_(id), cipher_(cipher), key_len_(static_cast<size_t>(EVP_CIPHER_get_key_length(cipher))) {}

Result<std::unique_ptr<AeadKey>> OsslAead::new_key(ByteView key) const {
  if (key.size() != key_len_) {
    return internal_error("AEAD key of " + std::to_string(key.size()) + " bytes, expected " +
                          std::to_string(key_len_));
  }
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  // The context copies the key into its own schedule (which EVP_CIPHER_CTX_free cleanses); we
  // keep no copy of our own.
  if (ctx == nullptr ||
      EVP_CipherInit_ex2(ctx.get(), cipher_, key.data(), nullptr, 1, nullptr) != 1) {
    return ossl_internal("EVP_CipherInit_ex2");
  }
  return std::unique_ptr<AeadKey>(std::make_unique<OsslAeadKey>(std::move(ctx)));
}

}  // namespace glasstls::crypto::openssl
