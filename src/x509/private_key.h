// private_key.h: strict parsing of private key containers, converted to PKCS#8 for the crypto
// provider.
//
// Three containers are read, as PEM or DER:
//   "PRIVATE KEY"      PKCS#8 PrivateKeyInfo (RFC 5208, RFC 5958 OneAsymmetricKey v1/v2) with
//                      rsaEncryption, id-RSASSA-PSS, id-ecPublicKey on P-256, P-384 or P-521,
//                      id-Ed25519 or id-Ed448;
//   "EC PRIVATE KEY"   SEC1 ECPrivateKey (RFC 5915) with namedCurve parameters;
//   "RSA PRIVATE KEY"  PKCS#1 RSAPrivateKey (RFC 8017 appendix A.1.2), two primes.
// SEC1 and PKCS#1 keys are wrapped into a PKCS#8 PrivateKeyInfo, so that the provider's
// KeyStore::load_private_key always receives PKCS#8 DER. Encrypted keys ("ENCRYPTED PRIVATE
// KEY", or legacy Proc-Type headers) are refused. Every failure is kBadConfig with alert
// internal_error and a reason naming the field: keys are local configuration.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "base/result.h"
#include "glasstls/crypto.h"
#include "glasstls/secret.h"

namespace glasstls::x509 {

// PrivateKeyFormat is the container a key came in.
enum class PrivateKeyFormat : uint8_t { kPkcs8, kSec1, kPkcs1 };

// ParsedPrivateKey is a private key identified and re-encoded as PKCS#8 DER.
struct ParsedPrivateKey {
  crypto::KeyType type = crypto::KeyType::kEcdsaP256;
  // bits is 256, 384 or 521 for EC keys, the modulus size for RSA and RSASSA-PSS, 255 for
  // Ed25519 and 448 for Ed448.
  size_t bits = 0;
  PrivateKeyFormat format = PrivateKeyFormat::kPkcs8;
  // pkcs8 is the DER PrivateKeyInfo (the input itself for PKCS#8, a wrapping otherwise).
  Secret pkcs8;
};

// parse_private_key reads `pem_or_der`: PEM text with exactly one private key block (other
// blocks, such as the "EC PARAMETERS" that `openssl ecparam -genkey` writes first, are
// ignored), or DER in any of the three containers. RSA keys must have 2048 to 4096 bits.
Result<ParsedPrivateKey> parse_private_key(std::string_view pem_or_der);

// load_private_key parses `pem_or_der` with parse_private_key and hands the PKCS#8 DER to
// `provider.keys`. Fails when parsing fails, when the provider has no KeyStore, or with the
// provider's error.
Result<std::shared_ptr<const crypto::SigningKey>> load_private_key(
    const crypto::CryptoProvider& provider, std::string_view pem_or_der);

}  // namespace glasstls::x509
