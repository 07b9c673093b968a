// aead.cc: AES-GCM and ChaCha20-Poly1305 (RFC 5116 interface) over libcrypto.
#include <openssl/core_names.h>
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
// and the direction (EVP_CipherInit_ex2 with no cipher and no key keeps both). Both GCM and
// ChaCha20-Poly1305 take the input in several EVP_CipherUpdate calls, which is how seal_record
// appends the content type byte without first copying the content next to it. seal_into (TLS
// 1.2's records, no type byte) encrypts from the caller's content straight into the record too.
class OsslAeadKey final : public AeadKey {
 public:
  explicit OsslAeadKey(CipherCtxPtr ctx) : ctx_(std::move(ctx)) {}

  Status seal(ByteView nonce, ByteView aad, std::span<uint8_t> in_out,
              std::span<uint8_t> tag) override {
    return seal_parts(nonce, aad, in_out, {}, in_out.data(), tag);
  }

  Status seal_record(ByteView nonce, ByteView aad, ByteView content, uint8_t inner_type,
                     std::span<uint8_t> out, std::span<uint8_t> tag) override {
    if (out.size() != content.size() + 1) {
      return internal_error("AEAD seal_record output is not the content plus one byte");
    }
    return seal_parts(nonce, aad, content, ByteView(&inner_type, 1), out.data(), tag);
  }

  Status seal_into(ByteView nonce, ByteView aad, ByteView content, std::span<uint8_t> out,
                   std::span<uint8_t> tag) override {
    if (out.size() != content.size()) {
      return internal_error("AEAD seal_into output is not the size of the content");
    }
    return seal_parts(nonce, aad, content, {}, out.data(), tag);
  }

  Status open(ByteView nonce, ByteView aad, std::span<uint8_t> in_out, ByteView tag) override {
    return open_into(nonce, aad, in_out, in_out, tag);
  }

  Status open_into(ByteView nonce, ByteView aad, ByteView ciphertext, std::span<uint8_t> out,
                   ByteView tag) override {
    if (nonce.size() != kNonceLen) {
      return internal_error("AEAD open needs a 12-byte nonce");
    }
    if (out.size() != ciphertext.size()) {
      return internal_error("AEAD open_into output is not the size of the ciphertext");
    }
    if (tag.size() != kTagLen) {
      return bad_record_mac("AEAD tag is not 16 bytes");
    }
    if (aad.size() > INT_MAX || ciphertext.size() > INT_MAX) {
      return internal_error("AEAD input too long");
    }
    // The expected tag is given as a cipher parameter. EVP_CTRL_AEAD_SET_TAG is translated into
    // the same parameter but costs more: with OpenSSL 3.0, 1.77 against 1.60 us per 1 KiB
    // ChaCha20-Poly1305 record sealed and opened, 0.70 against 0.685 us for AES-128-GCM (giving
    // the tag with the nonce, to EVP_CipherInit_ex2, is no faster). The provider only reads the
    // tag; OSSL_PARAM takes a non-const pointer.
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG,
                                          const_cast<uint8_t*>(tag.data()), kTagLen),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_CipherInit_ex2(ctx_.get(), nullptr, nullptr, nonce.data(), 0, nullptr) != 1 ||
        EVP_CIPHER_CTX_set_params(ctx_.get(), params) != 1 || !update_aad(aad) ||
        !update(ciphertext, out.data())) {
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
  // seal_parts encrypts `first` then `second` to `out` (first.size() + second.size() bytes)
  // and writes the tag.
  Status seal_parts(ByteView nonce, ByteView aad, ByteView first, ByteView second, uint8_t* out,
                    std::span<uint8_t> tag) {
    if (nonce.size() != kNonceLen || tag.size() != kTagLen) {
      return internal_error("AEAD seal needs a 12-byte nonce and a 16-byte tag buffer");
    }
    if (aad.size() > INT_MAX || first.size() > INT_MAX - second.size()) {
      return internal_error("AEAD input too long");
    }
    int out_len = 0;
    uint8_t final_block[kTagLen];
    // The tag is read as a parameter, which is what EVP_CTRL_AEAD_GET_TAG is translated into.
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag.data(), kTagLen),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_CipherInit_ex2(ctx_.get(), nullptr, nullptr, nonce.data(), 1, nullptr) != 1 ||
        !update_aad(aad) || !update(first, out) || !update(second, out + first.size()) ||
        EVP_CipherFinal_ex(ctx_.get(), final_block, &out_len) != 1 || out_len != 0 ||
        EVP_CIPHER_CTX_get_params(ctx_.get(), params) != 1) {
      return ossl_internal("AEAD seal");
    }
    return Ok{};
  }

  // update_aad feeds the additional data; its length fits in an int (checked by the callers).
  bool update_aad(ByteView aad) {
    int out_len = 0;
    return aad.empty() || EVP_CipherUpdate(ctx_.get(), nullptr, &out_len, aad.data(),
                                           static_cast<int>(aad.size())) == 1;
  }

  // update transforms `in` to `out` (in.size() bytes, either `in` itself or not overlapping
  // it). The length fits in an int (checked by the callers).
  bool update(ByteView in, uint8_t* out) {
    if (in.empty()) {
      return true;
    }
    int out_len = 0;
    const int n = static_cast<int>(in.size());
    return EVP_CipherUpdate(ctx_.get(), out, &out_len, in.data(), n) == 1 && out_len == n;
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
