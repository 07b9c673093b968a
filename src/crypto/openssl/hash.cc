// hash.cc: hashes, HMAC and HKDF (RFC 5869) over libcrypto.
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>

#include "crypto/openssl/internal.h"

namespace glasstls::crypto::openssl {
namespace {

// kDummyKey keys HMAC contexts that must hold no real key.
const uint8_t kDummyKey[1] = {0};

class OsslHashContext final : public HashContext {
 public:
  OsslHashContext(MdCtxPtr ctx, size_t len) : ctx_(std::move(ctx)), len_(len) {}

  void update(ByteView data) override {
    if (EVP_DigestUpdate(ctx_.get(), data.data(), data.size()) != 1) {
      die("EVP_DigestUpdate");
    }
  }

  std::unique_ptr<HashContext> clone() const override {
    MdCtxPtr copy(EVP_MD_CTX_new());
    if (copy == nullptr || EVP_MD_CTX_copy_ex(copy.get(), ctx_.get()) != 1) {
      die("EVP_MD_CTX_copy_ex");
    }
    return std::make_unique<OsslHashContext>(std::move(copy), len_);
  }

  Bytes finish() override {
    Bytes out(len_);
    unsigned int out_len = 0;
    if (EVP_DigestFinal_ex(ctx_.get(), out.data(), &out_len) != 1 || out_len != len_) {
      die("EVP_DigestFinal_ex");
    }
    return out;
  }

 private:
  MdCtxPtr ctx_;
  size_t len_;
};

}  // namespace

std::unique_ptr<OsslHash> OsslHash::create(HashId id, const EVP_MD* md, EVP_MAC* hmac) {
  if (md == nullptr || hmac == nullptr) {
    return nullptr;
  }
  MacCtxPtr tmpl(EVP_MAC_CTX_new(hmac));
  if (tmpl == nullptr) {
    drain_errors();
    return nullptr;
  }
  // The template gets its digest here, once, so that each HMAC only duplicates it. It is keyed
  // with a dummy key because an HMAC context without a key cannot be duplicated.
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                       const_cast<char*>(EVP_MD_get0_name(md)), 0),
      OSSL_PARAM_construct_end(),
  };
  if (EVP_MAC_init(tmpl.get(), kDummyKey, sizeof(kDummyKey), params) != 1) {
    drain_errors();
    return nullptr;
  }
  return std::unique_ptr<OsslHash>(new OsslHash(id, md, std::move(tmpl)));
}

OsslHash::OsslHash(HashId id, const EVP_MD* md, MacCtxPtr hmac_template)
    : id_(id),
      md_(md),
      len_(static_cast<size_t>(EVP_MD_get_size(md))),
      hmac_template_(std::move(hmac_template)) {}

std::unique_ptr<HashContext> OsslHash::start() const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr || EVP_DigestInit_ex2(ctx.get(), md_, nullptr) != 1) {
    die("EVP_DigestInit_ex2");
  }
  return std::make_unique<OsslHashContext>(std::move(ctx), len_);
}

Bytes OsslHash::digest(ByteView data) const {
  Bytes out(len_);
  unsigned int out_len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &out_len, md_, nullptr) != 1 ||
      out_len != len_) {
    die("EVP_Digest");
  }
  return out;
}

OsslDigest::OsslDigest(const EVP_MD* md)
    : md_(md), len_(static_cast<size_t>(EVP_MD_get_size(md))) {}

Bytes OsslDigest::digest(ByteView data) const {
  Bytes out(len_);
  unsigned int out_len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &out_len, md_, nullptr) != 1 ||
      out_len != len_) {
    die("EVP_Digest");
  }
  return out;
}

namespace {

// Each thread keeps one HMAC context per digest, made from the template on first use. Keying
// it again (EVP_MAC_init with a key) restarts it, so an HMAC costs no allocation and no copy of
// a context. A context keeps the state of its last key (libcrypto's copy of the key and the
// inner and outer digest states) until it is keyed again: forget_thread_hmac_keys() keys every
// context this thread used with a dummy key, which replaces that state (libcrypto wipes its
// copy of the old key as it does). Connections call it once at the end of each call that used
// the key schedule rather than after each HMAC: after each HMAC it measured at 7% of a server
// handshake.
//
// The context also remembers its last key (up to kMaxRememberedKey bytes): an HMAC under the
// same key again, as the TLS 1.2 PRF makes 4 in a row, only restarts the context (EVP_MAC_init
// with no key) instead of hashing the key into new inner and outer states. The key is compared
// in constant time and wiped by forget_thread_hmac_keys() with the context's state.
constexpr size_t kMaxRememberedKey = 512;  // an ffdhe4096 premaster secret
constexpr size_t kNoKey = SIZE_MAX;

struct ThreadHmac {
  MacCtxPtr ctx;
  bool keyed = false;
  size_t key_len = kNoKey;
  uint8_t key[kMaxRememberedKey];
};
thread_local ThreadHmac t_hmac[3];
// t_hmac_used: some context of t_hmac may hold a key. Set by keyed_hmac, cleared by
// forget_thread_hmac_keys, so that a call that made no HMAC (every record once the handshake
// is over) forgets in one test instead of visiting each context.
thread_local bool t_hmac_used = false;

}  // namespace

void forget_thread_hmac_keys() {
  if (!t_hmac_used) {
    return;
  }
  t_hmac_used = false;
  for (ThreadHmac& h : t_hmac) {
    if (h.keyed) {
      if (EVP_MAC_init(h.ctx.get(), kDummyKey, sizeof(kDummyKey), nullptr) != 1) {
        die("EVP_MAC_init");
      }
      h.keyed = false;
    }
    if (h.key_len != kNoKey) {
      OPENSSL_cleanse(h.key, h.key_len);
      h.key_len = kNoKey;
    }
  }
}

EVP_MAC_CTX* OsslHash::keyed_hmac(ByteView key) const {
  ThreadHmac& h = t_hmac[static_cast<size_t>(id_)];
  t_hmac_used = true;
  if (h.ctx == nullptr) {
    h.ctx.reset(EVP_MAC_CTX_dup(hmac_template_.get()));
    if (h.ctx == nullptr) {
      die("EVP_MAC_CTX_dup");
    }
  }
  if (h.keyed && h.key_len == key.size() &&
      (key.empty() || CRYPTO_memcmp(h.key, key.data(), key.size()) == 0)) {
    // The same key: EVP_MAC_init with a NULL key restarts the context under the key it has.
    if (EVP_MAC_init(h.ctx.get(), nullptr, 0, nullptr) != 1) {
      die("EVP_MAC_init");
    }
    return h.ctx.get();
  }
  // A non-null key pointer even for an empty key: EVP_MAC_init with NULL would keep the
  // previous key. HMAC with an empty key equals HMAC with a zero-filled key.
  if (EVP_MAC_init(h.ctx.get(), nonnull(key), key.size(), nullptr) != 1) {
    die("EVP_MAC_init");
  }
  h.keyed = true;
  if (h.key_len != kNoKey) {
    OPENSSL_cleanse(h.key, h.key_len);
    h.key_len = kNoKey;
  }
  if (key.size() <= kMaxRememberedKey) {
    std::copy(key.begin(), key.end(), h.key);
    h.key_len = key.size();
  }
  return h.ctx.get();
}

Secret OsslHash::hmac(ByteView key, ByteView data) const {
  EVP_MAC_CTX* ctx = keyed_hmac(key);
  Secret out(len_);
  size_t out_len = 0;
  if (EVP_MAC_update(ctx, data.data(), data.size()) != 1 ||
      EVP_MAC_final(ctx, out.data(), &out_len, out.size()) != 1 || out_len != len_) {
    die("HMAC");
  }
  return out;
}

bool OsslHash::hmac_into(ByteView key, std::span<const ByteView> parts,
                         std::span<uint8_t> out) const {
  if (out.size() != len_) {
    return false;
  }
  EVP_MAC_CTX* ctx = keyed_hmac(key);
  for (ByteView part : parts) {
    if (EVP_MAC_update(ctx, part.data(), part.size()) != 1) {
      die("HMAC");
    }
  }
  size_t out_len = 0;
  if (EVP_MAC_final(ctx, out.data(), &out_len, out.size()) != 1 || out_len != len_) {
    die("HMAC");
  }
  return true;
}

//= https://www.rfc-editor.org/rfc/rfc5869#section-2.2
//# salt     optional salt value (a non-secret random value);
//#          if not provided, it is set to a string of HashLen zeros.
Secret OsslHash::hkdf_extract(ByteView salt, ByteView ikm) const {
  if (salt.empty()) {
    Secret zeros(len_);
    return hmac(zeros.span(), ikm);
  }
  return hmac(salt, ikm);
}

//= https://www.rfc-editor.org/rfc/rfc5869#section-2.3
//# L        length of output keying material in octets
//#          (<= 255*HashLen)
Result<Secret> OsslHash::hkdf_expand(ByteView prk, ByteView info, size_t len) const {
  if (len > 255 * len_) {
    return internal_error("HKDF-Expand of " + std::to_string(len) + " bytes exceeds 255 * " +
                          std::to_string(len_));
  }
  Secret out(len);
  if (len == 0) {
    return out;
  }
  EVP_MAC_CTX* ctx = keyed_hmac(prk);
  // T(0) is empty; T(i) = HMAC(PRK, T(i-1) | info | i). T(i) is kept on the stack (no
  // allocation per expansion, some forty per handshake) and cleansed before returning.
  uint8_t block[EVP_MAX_MD_SIZE];
  size_t done = 0;
  for (unsigned counter = 1; done < len; counter++) {
    const uint8_t c = static_cast<uint8_t>(counter);
    size_t block_len = 0;
    // EVP_MAC_init with a NULL key restarts the context under the key it already has.
    if ((counter > 1 &&
         (EVP_MAC_init(ctx, nullptr, 0, nullptr) != 1 || EVP_MAC_update(ctx, block, len_) != 1)) ||
        EVP_MAC_update(ctx, info.data(), info.size()) != 1 || EVP_MAC_update(ctx, &c, 1) != 1 ||
        EVP_MAC_final(ctx, block, &block_len, sizeof(block)) != 1 || block_len != len_) {
      die("HKDF-Expand");
    }
    size_t n = std::min(len_, len - done);
    std::copy_n(block, n, out.data() + done);
    done += n;
  }
  OPENSSL_cleanse(block, sizeof(block));
  return out;
}

}  // namespace glasstls::crypto::openssl
