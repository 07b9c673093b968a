// signature.cc: signature verification, private keys and signing over libcrypto.
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <optional>
#include <string_view>

#include "crypto/openssl/internal.h"

namespace glasstls::crypto::openssl {
namespace {

constexpr int kMinRsaBits = 2048;
constexpr int kMaxRsaBits = 4096;

// kRsaPss is RSASSA-PSS with an rsaEncryption key (rsa_pss_rsae_*), kRsaPssPss with an
// RSASSA-PSS key (rsa_pss_pss_*).
enum class Family : uint8_t { kEcdsa, kRsaPss, kRsaPkcs1, kEd25519, kEd448, kRsaPssPss };

// SchemeInfo is what a signature scheme needs from a key and from libcrypto.
struct SchemeInfo {
  Family family;
  HashId hash;
  // curve is the OpenSSL group name an ECDSA scheme requires; null otherwise.
  const char* curve;
};

std::optional<SchemeInfo> scheme_info(SignatureScheme scheme) {
  switch (scheme) {
    case SignatureScheme::ecdsa_secp256r1_sha256:
      return SchemeInfo{Family::kEcdsa, HashId::kSha256, "prime256v1"};
    case SignatureScheme::ecdsa_secp384r1_sha384:
      return SchemeInfo{Family::kEcdsa, HashId::kSha384, "secp384r1"};
    case SignatureScheme::ecdsa_secp521r1_sha512:
      return SchemeInfo{Family::kEcdsa, HashId::kSha512, "secp521r1"};
    case SignatureScheme::rsa_pss_rsae_sha256:
      return SchemeInfo{Family::kRsaPss, HashId::kSha256, nullptr};
    case SignatureScheme::rsa_pss_rsae_sha384:
      return SchemeInfo{Family::kRsaPss, HashId::kSha384, nullptr};
    case SignatureScheme::rsa_pss_rsae_sha512:
      return SchemeInfo{Family::kRsaPss, HashId::kSha512, nullptr};
    case SignatureScheme::rsa_pkcs1_sha256:
      return SchemeInfo{Family::kRsaPkcs1, HashId::kSha256, nullptr};
    case SignatureScheme::rsa_pkcs1_sha384:
      return SchemeInfo{Family::kRsaPkcs1, HashId::kSha384, nullptr};
    case SignatureScheme::rsa_pkcs1_sha512:
      return SchemeInfo{Family::kRsaPkcs1, HashId::kSha512, nullptr};
    case SignatureScheme::rsa_pss_pss_sha256:
      return SchemeInfo{Family::kRsaPssPss, HashId::kSha256, nullptr};
    case SignatureScheme::rsa_pss_pss_sha384:
      return SchemeInfo{Family::kRsaPssPss, HashId::kSha384, nullptr};
    case SignatureScheme::rsa_pss_pss_sha512:
      return SchemeInfo{Family::kRsaPssPss, HashId::kSha512, nullptr};
    case SignatureScheme::ed25519: return SchemeInfo{Family::kEd25519, HashId::kSha512, nullptr};
    case SignatureScheme::ed448: return SchemeInfo{Family::kEd448, HashId::kSha512, nullptr};
    default: return std::nullopt;
  }
}

std::string scheme_name(SignatureScheme scheme) {
  std::string_view n = name(scheme);
  if (n.empty()) {
    return "signature scheme " + std::to_string(static_cast<unsigned>(scheme));
  }
  return std::string(n);
}

// KeyDesc says what a libcrypto key is, in glasstls terms.
struct KeyDesc {
  enum Kind : uint8_t { kEc, kRsa, kRsaPss, kEd25519, kEd448, kOther } kind = kOther;
  // group is the EC group name ("prime256v1", ...), empty for other kinds.
  std::string group;
  int bits = 0;
  // text names the key for error messages ("EC key on secp521r1", "RSA-1024 key").
  std::string text;
};

KeyDesc describe(const EVP_PKEY* key) {
  KeyDesc d;
  d.bits = EVP_PKEY_get_bits(key);
  // EVP_PKEY_is_a("RSA") is false for RSASSA-PSS restricted keys ("RSA-PSS"), which the
  // rsa_pss_rsae schemes must not accept.
  if (EVP_PKEY_is_a(key, "EC")) {
    d.kind = KeyDesc::kEc;
    char group[64] = {0};
    size_t len = 0;
    if (EVP_PKEY_get_group_name(key, group, sizeof(group), &len) == 1) {
      d.group.assign(group, len);
    } else {
      drain_errors();
    }
    d.text = "EC key on " + (d.group.empty() ? std::string("an unnamed curve") : d.group);
  } else if (EVP_PKEY_is_a(key, "RSA")) {
    d.kind = KeyDesc::kRsa;
    d.text = "RSA-" + std::to_string(d.bits) + " key";
  } else if (EVP_PKEY_is_a(key, "RSA-PSS")) {
    d.kind = KeyDesc::kRsaPss;
    d.text = "RSASSA-PSS-" + std::to_string(d.bits) + " key";
  } else if (EVP_PKEY_is_a(key, "ED25519")) {
    d.kind = KeyDesc::kEd25519;
    d.text = "Ed25519 key";
  } else if (EVP_PKEY_is_a(key, "ED448")) {
    d.kind = KeyDesc::kEd448;
    d.text = "Ed448 key";
  } else {
    const char* type = EVP_PKEY_get0_type_name(key);
    d.text = std::string(type != nullptr ? type : "unknown") + " key";
  }
  return d;
}

bool supported_curve(const std::string& group) {
  return group == "prime256v1" || group == "secp384r1" || group == "secp521r1";
}

// check_fit returns an empty string when a key described by `d` can make or check `scheme`
// signatures, and otherwise the reason it cannot. With `any_curve` (TLS 1.2) an ECDSA scheme
// fits a key on any supported curve.
std::string check_fit(SignatureScheme scheme, const SchemeInfo& info, const KeyDesc& d,
                      bool any_curve = false) {
  bool fits = false;
  const bool rsa_size = d.bits >= kMinRsaBits && d.bits <= kMaxRsaBits;
  switch (info.family) {
    case Family::kEcdsa:
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
      //# ECDSA signature schemes align with TLS 1.2's ECDSA hash/signature
      //# pairs.  However, the old semantics did not constrain the signing
      //# curve.
      fits =
          d.kind == KeyDesc::kEc && (any_curve ? supported_curve(d.group) : d.group == info.curve);
      break;
    case Family::kRsaPss:
    case Family::kRsaPkcs1: fits = d.kind == KeyDesc::kRsa && rsa_size; break;
    case Family::kRsaPssPss: fits = d.kind == KeyDesc::kRsaPss && rsa_size; break;
    case Family::kEd25519: fits = d.kind == KeyDesc::kEd25519; break;
    case Family::kEd448: fits = d.kind == KeyDesc::kEd448; break;
  }
  if (fits) {
    return {};
  }
  return scheme_name(scheme) + " does not fit an " + d.text;
}

// init_digest_op prepares `mctx` for signing or verifying under `info`. Ed25519 takes no
// digest (PureEdDSA); RSA-PSS gets a salt the length of the hash and MGF1 with the same hash.
bool is_eddsa(const SchemeInfo& info) {
  return info.family == Family::kEd25519 || info.family == Family::kEd448;
}

bool is_pss(const SchemeInfo& info) {
  return info.family == Family::kRsaPss || info.family == Family::kRsaPssPss;
}

bool init_digest_op(EVP_MD_CTX* mctx, EVP_PKEY* key, const SchemeInfo& info, const EVP_MD* md,
                    bool sign) {
  // The fetched EVP_MD, not its name: given a name, EVP_Digest{Sign,Verify}Init_ex fetches the
  // digest again for every operation.
  const EVP_MD* digest = is_eddsa(info) ? nullptr : md;
  EVP_PKEY_CTX* pctx = nullptr;  // owned by mctx
  const int ok = sign ? EVP_DigestSignInit(mctx, &pctx, digest, nullptr, key)
                      : EVP_DigestVerifyInit(mctx, &pctx, digest, nullptr, key);
  if (ok != 1) {
    return false;
  }
  // The padding goes to the provider in one parameter list: each EVP_PKEY_CTX_set_rsa_* call
  // is a control that libcrypto translates into a parameter list of its own.
  int pad = RSA_PKCS1_PADDING;
  int saltlen = RSA_PSS_SALTLEN_DIGEST;
  OSSL_PARAM params[3] = {OSSL_PARAM_construct_end(), OSSL_PARAM_construct_end(),
                          OSSL_PARAM_construct_end()};
  if (is_pss(info)) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
    //# The length of the Salt MUST be equal to the length of the output of the
    //# digest algorithm.
    // MGF1 uses the signature's digest when none is set (EVP_PKEY_CTX_set_rsa_mgf1_md), which
    // is what TLS 1.3 asks; setting it again cost 1.4 us per operation.
    pad = RSA_PKCS1_PSS_PADDING;
    params[0] = OSSL_PARAM_construct_int(OSSL_SIGNATURE_PARAM_PAD_MODE, &pad);
    params[1] = OSSL_PARAM_construct_int(OSSL_SIGNATURE_PARAM_PSS_SALTLEN, &saltlen);
  } else if (info.family == Family::kRsaPkcs1) {
    params[0] = OSSL_PARAM_construct_int(OSSL_SIGNATURE_PARAM_PAD_MODE, &pad);
  } else {
    return true;
  }
  return EVP_PKEY_CTX_set_params(pctx, params) == 1;
}

Error bad_config(std::string reason) {
  drain_errors();
  return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error, std::move(reason));
}

class OsslSigningKey final : public SigningKey {
 public:
  OsslSigningKey(const Algorithms* algs, PkeyPtr key, KeyDesc desc, KeyType type, size_t bits)
      : algs_(algs), key_(std::move(key)), desc_(std::move(desc)), type_(type), bits_(bits) {
    make_templates();
  }

  KeyType type() const override { return type_; }
  size_t bits() const override { return bits_; }

  std::vector<SignatureScheme> schemes() const override {
    switch (type_) {
      case KeyType::kEcdsaP256: return {SignatureScheme::ecdsa_secp256r1_sha256};
      case KeyType::kEcdsaP384: return {SignatureScheme::ecdsa_secp384r1_sha384};
      case KeyType::kEcdsaP521: return {SignatureScheme::ecdsa_secp521r1_sha512};
      case KeyType::kRsa:
        return {SignatureScheme::rsa_pss_rsae_sha256, SignatureScheme::rsa_pss_rsae_sha384,
                SignatureScheme::rsa_pss_rsae_sha512};
      case KeyType::kRsaPss:
        return {SignatureScheme::rsa_pss_pss_sha256, SignatureScheme::rsa_pss_pss_sha384,
                SignatureScheme::rsa_pss_pss_sha512};
      case KeyType::kEd25519: return {SignatureScheme::ed25519};
      case KeyType::kEd448: return {SignatureScheme::ed448};
    }
    return {};
  }

  std::vector<SignatureScheme> schemes_for(SignatureRules rules) const override {
    std::vector<SignatureScheme> out = schemes();
    if (rules != SignatureRules::kTls12) {
      return out;
    }
    if (type_ == KeyType::kRsa) {
      out.insert(out.end(), {SignatureScheme::rsa_pkcs1_sha256, SignatureScheme::rsa_pkcs1_sha384,
                             SignatureScheme::rsa_pkcs1_sha512});
    } else if (type_ == KeyType::kEcdsaP256 || type_ == KeyType::kEcdsaP384 ||
               type_ == KeyType::kEcdsaP521) {
      for (SignatureScheme s :
           {SignatureScheme::ecdsa_secp256r1_sha256, SignatureScheme::ecdsa_secp384r1_sha384,
            SignatureScheme::ecdsa_secp521r1_sha512}) {
        if (s != out.front()) {
          out.push_back(s);
        }
      }
    }
    return out;
  }

  // sign also accepts rsa_pkcs1_* for RSA keys: TLS 1.3 forbids them in CertificateVerify but
  // X.509 certificates are still signed with them.
  Result<Bytes> sign(SignatureScheme scheme, ByteView message) const override {
    std::optional<SchemeInfo> info = scheme_info(scheme);
    if (!info) {
      return illegal_parameter(scheme_name(scheme) + " is not supported for signing");
    }
    // Signing follows TLS 1.2's looser ECDSA rule: a TLS 1.3 caller only asks for schemes().
    std::string misfit = check_fit(scheme, *info, desc_, true);
    if (!misfit.empty()) {
      return illegal_parameter(std::move(misfit));
    }
    const EVP_MD* md = algs_->md(info->hash);
    if (md == nullptr) {
      return internal_error("digest for " + scheme_name(scheme) + " is unavailable");
    }
    if (!is_eddsa(*info)) {
      if (const EVP_PKEY_CTX* tmpl = sign_template(*info)) {
        return sign_prehashed(tmpl, md, message);
      }
    }
    MdCtxPtr mctx(EVP_MD_CTX_new());
    size_t len = 0;
    if (mctx == nullptr || !init_digest_op(mctx.get(), key_.get(), *info, md, true) ||
        EVP_DigestSign(mctx.get(), nullptr, &len, message.data(), message.size()) != 1) {
      return ossl_internal("EVP_DigestSign setup");
    }
    Bytes sig(len);
    if (EVP_DigestSign(mctx.get(), sig.data(), &len, message.data(), message.size()) != 1) {
      return ossl_internal("EVP_DigestSign");
    }
    // ECDSA signatures are DER and often shorter than the maximum.
    sig.resize(len);
    return sig;
  }

  Bytes public_key_spki() const override {
    const int len = i2d_PUBKEY(key_.get(), nullptr);
    if (len <= 0) {
      die("i2d_PUBKEY");
    }
    Bytes out(static_cast<size_t>(len));
    uint8_t* p = out.data();
    if (i2d_PUBKEY(key_.get(), &p) != len) {
      die("i2d_PUBKEY");
    }
    return out;
  }

  Secret private_key_pkcs8() const override {
    std::unique_ptr<PKCS8_PRIV_KEY_INFO, FreeWith<PKCS8_PRIV_KEY_INFO_free>> p8(
        EVP_PKEY2PKCS8(key_.get()));
    const int len = p8 == nullptr ? -1 : i2d_PKCS8_PRIV_KEY_INFO(p8.get(), nullptr);
    if (len <= 0) {
      die("EVP_PKEY2PKCS8");
    }
    // Encode straight into the Secret so that no other copy of the key is left behind.
    Secret out(static_cast<size_t>(len));
    uint8_t* p = out.data();
    if (i2d_PKCS8_PRIV_KEY_INFO(p8.get(), &p) != len) {
      die("i2d_PKCS8_PRIV_KEY_INFO");
    }
    return out;
  }

 private:
  // sign_template returns the signing context made for `info` when the key was loaded, or null
  // (EdDSA, or a template libcrypto could not make: the EVP_DigestSign path then serves).
  const EVP_PKEY_CTX* sign_template(const SchemeInfo& info) const {
    const size_t i = template_index(info);
    return i < templates_.size() ? templates_[i].get() : nullptr;
  }

  static size_t template_index(const SchemeInfo& info) {
    switch (info.family) {
      case Family::kEcdsa:
      case Family::kRsaPss:
      case Family::kRsaPssPss: return static_cast<size_t>(info.hash);
      case Family::kRsaPkcs1: return 3 + static_cast<size_t>(info.hash);
      case Family::kEd25519:
      case Family::kEd448: break;
    }
    return SIZE_MAX;
  }

  // sign_prehashed hashes `message` and signs the digest on a copy of `tmpl`: the same
  // signature as EVP_DigestSign (ECDSA and RSA sign a digest), without setting the operation up
  // again for every signature. Copies are independent, so threads may sign at once.
  Result<Bytes> sign_prehashed(const EVP_PKEY_CTX* tmpl, const EVP_MD* md, ByteView message) const {
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    if (EVP_Digest(message.data(), message.size(), digest, &digest_len, md, nullptr) != 1) {
      return ossl_internal("EVP_Digest");
    }
    PkeyCtxPtr ctx(EVP_PKEY_CTX_dup(tmpl));
    Bytes sig(static_cast<size_t>(EVP_PKEY_get_size(key_.get())));
    size_t len = sig.size();
    if (ctx == nullptr || EVP_PKEY_sign(ctx.get(), sig.data(), &len, digest, digest_len) != 1) {
      return ossl_internal("EVP_PKEY_sign");
    }
    // ECDSA signatures are DER and often shorter than the maximum.
    sig.resize(len);
    return sig;
  }

  // make_templates prepares one signing context per scheme the key can make besides EdDSA:
  // slots 0-2 for ECDSA or RSA-PSS with SHA-256/384/512, and 3-5 for PKCS#1 v1.5.
  void make_templates() {
    if (type_ == KeyType::kEd25519 || type_ == KeyType::kEd448) {
      return;
    }
    const std::vector<SignatureScheme> schemes = schemes_for(SignatureRules::kTls12);
    templates_.resize(6);
    for (SignatureScheme scheme : schemes) {
      const SchemeInfo info = *scheme_info(scheme);
      const EVP_MD* md = algs_->md(info.hash);
      PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key_.get(), nullptr));
      bool ok = md != nullptr && ctx != nullptr && EVP_PKEY_sign_init(ctx.get()) == 1 &&
                EVP_PKEY_CTX_set_signature_md(ctx.get(), md) == 1;
      if (ok && is_pss(info)) {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
        //# The length of the Salt MUST be equal to the length of the output of the
        //# digest algorithm.
        ok = EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), RSA_PSS_SALTLEN_DIGEST) == 1;
      } else if (ok && info.family == Family::kRsaPkcs1) {
        ok = EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) == 1;
      }
      if (!ok) {
        drain_errors();
        continue;
      }
      templates_[template_index(info)] = std::move(ctx);
    }
  }

  const Algorithms* algs_;
  PkeyPtr key_;
  // templates_ holds initialised signing contexts, only ever copied (see sign_prehashed).
  std::vector<PkeyCtxPtr> templates_;
  // desc_ is describe(key_), worked out once: signing checks the scheme against it.
  KeyDesc desc_;
  KeyType type_;
  size_t bits_;
};

// wrap_private checks that `key` is a supported private key and makes a SigningKey of it.
Result<std::shared_ptr<const SigningKey>> wrap_private(const Algorithms* algs, PkeyPtr key) {
  const KeyDesc d = describe(key.get());
  KeyType type = KeyType::kEd25519;
  size_t bits = static_cast<size_t>(d.bits);
  switch (d.kind) {
    case KeyDesc::kEc:
      if (d.group == "prime256v1") {
        type = KeyType::kEcdsaP256;
      } else if (d.group == "secp384r1") {
        type = KeyType::kEcdsaP384;
      } else if (d.group == "secp521r1") {
        type = KeyType::kEcdsaP521;
      } else {
        return bad_config("unsupported private key: " + d.text +
                          " (only P-256, P-384 and P-521 EC keys are supported)");
      }
      break;
    case KeyDesc::kRsa:
      if (d.bits < kMinRsaBits || d.bits > kMaxRsaBits) {
        return bad_config("unsupported private key: " + d.text +
                          " (RSA keys must have 2048 to 4096 bits)");
      }
      type = KeyType::kRsa;
      break;
    case KeyDesc::kRsaPss:
      if (d.bits < kMinRsaBits || d.bits > kMaxRsaBits) {
        return bad_config("unsupported private key: " + d.text +
                          " (RSASSA-PSS keys must have 2048 to 4096 bits)");
      }
      type = KeyType::kRsaPss;
      break;
    case KeyDesc::kEd25519:
      type = KeyType::kEd25519;
      bits = 255;
      break;
    case KeyDesc::kEd448:
      type = KeyType::kEd448;
      bits = 448;
      break;
    case KeyDesc::kOther:
      return bad_config("unsupported private key: " + d.text +
                        " (supported: EC P-256, P-384 and P-521, RSA and RSASSA-PSS of 2048 to "
                        "4096 bits, Ed25519, Ed448)");
  }
  return std::shared_ptr<const SigningKey>(
      std::make_shared<OsslSigningKey>(algs, std::move(key), d, type, bits));
}

// refuse_password keeps libcrypto from prompting on the terminal for an encrypted PEM key.
int refuse_password(char*, int, int, void*) { return -1; }

bool looks_like_pem(ByteView data) {
  static constexpr std::string_view kMarker = "-----BEGIN ";
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  return text.find(kMarker) != std::string_view::npos;
}

}  // namespace

Status OsslVerifier::verify(SignatureScheme scheme, ByteView spki_der, ByteView message,
                            ByteView signature) const {
  return check(scheme, spki_der, message, signature, false);
}

Status OsslVerifier::verify_handshake(SignatureRules rules, SignatureScheme scheme,
                                      ByteView spki_der, ByteView message,
                                      ByteView signature) const {
  if (rules == SignatureRules::kTls13) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
    //# These values refer solely to signatures
    //# which appear in certificates (see Section 4.4.2.2) and are not
    //# defined for use in signed TLS handshake messages
    std::optional<SchemeInfo> info = scheme_info(scheme);
    if (info && info->family == Family::kRsaPkcs1) {
      return illegal_parameter(scheme_name(scheme) + " is not allowed in TLS 1.3 handshakes");
    }
  }
  return check(scheme, spki_der, message, signature, rules == SignatureRules::kTls12);
}

PkeyPtr OsslVerifier::public_key(ByteView spki_der) const {
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    for (const CachedKey& c : cache_) {
      if (c.key != nullptr && c.spki.size() == spki_der.size() &&
          std::equal(c.spki.begin(), c.spki.end(), spki_der.begin()) &&
          EVP_PKEY_up_ref(c.key.get()) == 1) {
        return PkeyPtr(c.key.get());
      }
    }
  }
  PkeyPtr key = import_public_key(spki_der);
  if (key == nullptr || EVP_PKEY_up_ref(key.get()) != 1) {
    return key;
  }
  PkeyPtr cached(key.get());
  std::lock_guard<std::mutex> lock(cache_mu_);
  CachedKey& slot = cache_[cache_next_];
  cache_next_ = (cache_next_ + 1) % kCachedKeys;
  slot.spki.assign(spki_der.begin(), spki_der.end());
  slot.key = std::move(cached);
  return key;
}

Status OsslVerifier::check(SignatureScheme scheme, ByteView spki_der, ByteView message,
                           ByteView signature, bool any_curve) const {
  std::optional<SchemeInfo> info = scheme_info(scheme);
  if (!info) {
    return illegal_parameter(scheme_name(scheme) + " is not supported");
  }
  PkeyPtr key = public_key(spki_der);
  if (key == nullptr) {
    return make_error(ErrorKind::kInvalidCertificate, AlertDescription::bad_certificate,
                      "malformed or unsupported SubjectPublicKeyInfo");
  }
  std::string misfit = check_fit(scheme, *info, describe(key.get()), any_curve);
  if (!misfit.empty()) {
    return illegal_parameter(std::move(misfit));
  }
  const EVP_MD* md = algs_->md(info->hash);
  if (md == nullptr) {
    return internal_error("digest for " + scheme_name(scheme) + " is unavailable");
  }
  // A fresh context for every verification. Reusing one is 10 us faster for RSA-2048 but, in
  // OpenSSL 3.0, initialising a used EVP_MD_CTX with another key can keep the previous key's
  // EVP_PKEY_CTX and verify against the wrong key (InterleavedVerifications... in the test).
  MdCtxPtr mctx(EVP_MD_CTX_new());
  if (mctx == nullptr || !init_digest_op(mctx.get(), key.get(), *info, md, false)) {
    if (info->family == Family::kRsaPssPss) {
      // An RSASSA-PSS key whose parameters restrict it to another hash or a longer salt.
      drain_errors();
      return illegal_parameter(scheme_name(scheme) +
                               " does not fit the RSASSA-PSS parameters of the key");
    }
    return ossl_internal("EVP_DigestVerifyInit");
  }
  if (EVP_DigestVerify(mctx.get(), signature.data(), signature.size(), message.data(),
                       message.size()) != 1) {
    drain_errors();
    return make_error(ErrorKind::kPeerMisbehaved, AlertDescription::decrypt_error,
                      scheme_name(scheme) + " signature is invalid");
  }
  return Ok{};
}

Result<std::shared_ptr<const SigningKey>> OsslKeyStore::load_private_key(
    ByteView pem_or_der) const {
  if (pem_or_der.empty() || pem_or_der.size() > (1u << 20)) {
    return bad_config("private key input is empty or larger than 1 MiB");
  }
  EVP_PKEY* raw = nullptr;
  if (looks_like_pem(pem_or_der)) {
    std::unique_ptr<BIO, FreeWith<BIO_free>> bio(
        BIO_new_mem_buf(pem_or_der.data(), static_cast<int>(pem_or_der.size())));
    if (bio == nullptr) {
      return ossl_internal("BIO_new_mem_buf");
    }
    // PEM_read_bio_PrivateKey_ex skips blocks of other types (a certificate before the key) and
    // reads "PRIVATE KEY", "EC PRIVATE KEY" and "RSA PRIVATE KEY".
    raw =
        PEM_read_bio_PrivateKey_ex(bio.get(), nullptr, refuse_password, nullptr, nullptr, nullptr);
    if (raw == nullptr) {
      return bad_config(
          "no usable private key in PEM input (expected an unencrypted PRIVATE KEY, "
          "EC PRIVATE KEY or RSA PRIVATE KEY block)");
    }
  } else {
    const uint8_t* p = pem_or_der.data();
    raw =
        d2i_AutoPrivateKey_ex(nullptr, &p, static_cast<long>(pem_or_der.size()), nullptr, nullptr);
    if (raw == nullptr) {
      return bad_config("private key is neither PEM nor a DER PKCS#8 PrivateKeyInfo");
    }
    if (p != pem_or_der.data() + pem_or_der.size()) {
      EVP_PKEY_free(raw);
      return bad_config("trailing bytes after the DER private key");
    }
  }
  return wrap_private(algs_, PkeyPtr(raw));
}

Result<std::shared_ptr<const SigningKey>> OsslKeyStore::generate(KeyType type,
                                                                 size_t rsa_bits) const {
  PkeyPtr key;
  switch (type) {
    case KeyType::kEcdsaP256: key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")); break;
    case KeyType::kEcdsaP384: key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384")); break;
    case KeyType::kRsa:
      if (rsa_bits < kMinRsaBits || rsa_bits > kMaxRsaBits) {
        return bad_config("RSA key size " + std::to_string(rsa_bits) +
                          " is outside 2048 to 4096 bits");
      }
      key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", rsa_bits));
      break;
    case KeyType::kEd25519: key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")); break;
    case KeyType::kEcdsaP521: key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521")); break;
    case KeyType::kEd448: key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED448")); break;
    case KeyType::kRsaPss: {
      if (rsa_bits < kMinRsaBits || rsa_bits > kMaxRsaBits) {
        return bad_config("RSASSA-PSS key size " + std::to_string(rsa_bits) +
                          " is outside 2048 to 4096 bits");
      }
      // EVP_PKEY_Q_keygen takes a size for "RSA" only.
      PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA-PSS", nullptr));
      EVP_PKEY* raw = nullptr;
      if (ctx != nullptr && EVP_PKEY_keygen_init(ctx.get()) == 1 &&
          EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), static_cast<int>(rsa_bits)) == 1 &&
          EVP_PKEY_generate(ctx.get(), &raw) == 1) {
        key.reset(raw);
      }
      break;
    }
  }
  if (key == nullptr) {
    return ossl_internal("EVP_PKEY_Q_keygen");
  }
  return wrap_private(algs_, std::move(key));
}

}  // namespace glasstls::crypto::openssl
