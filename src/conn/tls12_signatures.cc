#include "conn/tls12_signatures.h"

namespace glasstls::conn {

std::vector<SignatureScheme> tls12_key_schemes(const crypto::SigningKey& key) {
  return key.schemes_for(crypto::SignatureRules::kTls12);
}

Status verify_tls12_signature(const Context& cx, SignatureScheme scheme, ByteView spki,
                              ByteView message, ByteView signature) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
  //# In TLS 1.2, the extension contained hash/signature pairs.
  // Under TLS 1.2's rules an ECDSA scheme names the hash only, whatever the key's curve, and
  // RSASSA-PKCS1-v1_5 may sign the handshake.
  return cx.provider->verifier->verify_handshake(crypto::SignatureRules::kTls12, scheme, spki,
                                                 message, signature);
}

bool tls12_scheme_is_rsa(SignatureScheme scheme) {
  switch (scheme) {
    case SignatureScheme::rsa_pkcs1_sha256:
    case SignatureScheme::rsa_pkcs1_sha384:
    case SignatureScheme::rsa_pkcs1_sha512:
    case SignatureScheme::rsa_pss_rsae_sha256:
    case SignatureScheme::rsa_pss_rsae_sha384:
    case SignatureScheme::rsa_pss_rsae_sha512:
    case SignatureScheme::rsa_pss_pss_sha256:
    case SignatureScheme::rsa_pss_pss_sha384:
    case SignatureScheme::rsa_pss_pss_sha512: return true;
    default: return false;
  }
}

bool tls12_scheme_is_ecdsa_like(SignatureScheme scheme) {
  switch (scheme) {
    case SignatureScheme::ecdsa_secp256r1_sha256:
    case SignatureScheme::ecdsa_secp384r1_sha384:
    case SignatureScheme::ecdsa_secp521r1_sha512:
    case SignatureScheme::ed25519:
    case SignatureScheme::ed448: return true;
    default: return false;
  }
}

bool tls12_group_is_ffdhe(NamedGroup group) {
  const auto v = static_cast<uint16_t>(group);
  return v >= 0x0100 && v <= 0x01ff;
}

Result<std::unique_ptr<crypto::KeyExchange>> start_server_dh(const Context& cx, ByteView p,
                                                             ByteView g) {
  if (cx.provider->dh == nullptr) {
    return handshake_failure("the crypto provider has no DHE in a server's group");
  }
  return cx.provider->dh->start(p, g);
}

Result<crypto::DhParams> ffdhe_params(const Context& cx, NamedGroup group) {
  const crypto::KxGroup* impl = cx.provider->group(group);
  std::optional<crypto::DhParams> params = impl != nullptr ? impl->dh_params() : std::nullopt;
  if (!params) {
    return internal_error("no finite-field parameters for group " + std::string(name(group)));
  }
  return std::move(*params);
}

}  // namespace glasstls::conn
