// tls12_signatures.h: what TLS 1.2's handshake asks of keys, signatures and groups that TLS 1.3
// asks differently: the schemes a key signs with in TLS 1.2 (RSASSA-PKCS1-v1_5 too), signature
// checks under TLS 1.2's rules (ECDSA schemes not bound to a curve), which schemes fit which
// suites, the finite-field groups, and a key exchange in the DH group a server chose.
#pragma once

#include <memory>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "conn/context.h"

namespace glasstls::conn {

// tls12_key_schemes lists the schemes `key` signs TLS 1.2 handshakes with, best first.
std::vector<SignatureScheme> tls12_key_schemes(const crypto::SigningKey& key);

// verify_tls12_signature checks a TLS 1.2 handshake signature (ServerKeyExchange,
// CertificateVerify) under `scheme` with the key of `spki`.
Status verify_tls12_signature(const Context& cx, SignatureScheme scheme, ByteView spki,
                              ByteView message, ByteView signature);

// tls12_scheme_is_rsa: an RSA scheme (PKCS#1 v1.5 or PSS), for the ..._RSA_... suites.
bool tls12_scheme_is_rsa(SignatureScheme scheme);
// tls12_scheme_is_ecdsa_like: an ECDSA or EdDSA scheme, for the ..._ECDSA_... suites (RFC 8422
// section 5.1.3 adds Ed25519 and Ed448 to them).
bool tls12_scheme_is_ecdsa_like(SignatureScheme scheme);
// tls12_group_is_ffdhe: one of the RFC 7919 finite-field groups.
bool tls12_group_is_ffdhe(NamedGroup group);

// start_server_dh makes our key pair in the DH group (p, g) a TLS 1.2 server chose, after the
// checks a client makes of such a group (its size, a safe prime, the generator).
Result<std::unique_ptr<crypto::KeyExchange>> start_server_dh(const Context& cx, ByteView p,
                                                             ByteView g);

// ffdhe_params returns the parameters of the finite-field group `group` as the server sends them
// in its ServerKeyExchange.
Result<crypto::DhParams> ffdhe_params(const Context& cx, NamedGroup group);

}  // namespace glasstls::conn
