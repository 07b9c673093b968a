// types.h: the TLS code points of the public API, generated from iana.def.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace glasstls {

// Each enum has a fixed underlying type, so values glasstls does not know (GREASE, new
// registrations) are still representable: `static_cast<NamedGroup>(0x0a0a)` is valid.

enum class ContentType : uint8_t {
#define GLASSTLS_CONTENT_TYPE(name, value, text) name = value,
#include "glasstls/iana.def"
};

enum class HandshakeType : uint8_t {
#define GLASSTLS_HANDSHAKE_TYPE(name, value, text) name = value,
#include "glasstls/iana.def"
};

enum class ProtocolVersion : uint16_t {
#define GLASSTLS_PROTOCOL_VERSION(name, value, text) name = value,
#include "glasstls/iana.def"
};

enum class CipherSuite : uint16_t {
#define GLASSTLS_CIPHER_SUITE(name, value, text) name = value,
#include "glasstls/iana.def"
};

enum class NamedGroup : uint16_t {
#define GLASSTLS_NAMED_GROUP(name, value, text) name = value,
#include "glasstls/iana.def"
};

enum class SignatureScheme : uint16_t {
#define GLASSTLS_SIGNATURE_SCHEME(name, value, text) name = value,
#include "glasstls/iana.def"
};

enum class ExtensionType : uint16_t {
#define GLASSTLS_EXTENSION(name, value, text) name = value,
#include "glasstls/iana.def"
};

enum class AlertDescription : uint8_t {
#define GLASSTLS_ALERT(name, value, text) name = value,
#include "glasstls/iana.def"
};

enum class AlertLevel : uint8_t { warning = 1, fatal = 2 };

// name returns the IANA name of a code point, or an empty view when it is not in iana.def.
std::string_view name(ContentType v);
std::string_view name(HandshakeType v);
std::string_view name(ProtocolVersion v);
std::string_view name(CipherSuite v);
std::string_view name(NamedGroup v);
std::string_view name(SignatureScheme v);
std::string_view name(ExtensionType v);
std::string_view name(AlertDescription v);

// explain returns the one-line explanation of a code point from iana.def, or an empty view.
std::string_view explain(ContentType v);
std::string_view explain(HandshakeType v);
std::string_view explain(ProtocolVersion v);
std::string_view explain(CipherSuite v);
std::string_view explain(NamedGroup v);
std::string_view explain(SignatureScheme v);
std::string_view explain(ExtensionType v);
std::string_view explain(AlertDescription v);

// is_grease reports whether `v` is one of the reserved GREASE values of RFC 8701 section 2
// (0x0a0a, 0x1a1a, ..., 0xfafa).
constexpr bool is_grease(uint16_t v) { return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff); }

// parse_cipher_suite finds a cipher suite by its IANA name or a common alias, ignoring case
// (for example "TLS_AES_128_GCM_SHA256" or "aes128gcm"). Returns nullopt when unknown.
std::optional<CipherSuite> parse_cipher_suite(std::string_view text);

// parse_named_group finds a group by IANA name or OpenSSL alias ("X25519", "P-256",
// "prime256v1", "secp384r1", ...), ignoring case. Returns nullopt when unknown.
std::optional<NamedGroup> parse_named_group(std::string_view text);

// parse_signature_scheme finds a signature scheme by IANA name or alias ("ecdsa_secp256r1_sha256",
// "ECDSA+SHA256", "ed25519", "rsa_pss_rsae_sha256", ...), ignoring case.
std::optional<SignatureScheme> parse_signature_scheme(std::string_view text);

}  // namespace glasstls
