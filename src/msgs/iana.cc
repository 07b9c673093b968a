// iana.cc: names, explanations and name parsing generated from iana.def.
#include <algorithm>
#include <cctype>
#include <string>

#include "glasstls/error.h"
#include "glasstls/types.h"

namespace glasstls {

// clang-format off
#define GLASSTLS_NAME_CASE(n, value, text) \
  case decltype(v)::n:                     \
    return #n;
#define GLASSTLS_TEXT_CASE(n, value, text) \
  case decltype(v)::n:                     \
    return text;
// clang-format on

std::string_view name(ContentType v) {
  switch (v) {
#define GLASSTLS_CONTENT_TYPE(n, value, text) GLASSTLS_NAME_CASE(n, value, text)
#include "glasstls/iana.def"
  }
  return {};
}
std::string_view explain(ContentType v) {
  switch (v) {
#define GLASSTLS_CONTENT_TYPE(n, value, text) GLASSTLS_TEXT_CASE(n, value, text)
#include "glasstls/iana.def"
  }
  return {};
}
std::string_view name(HandshakeType v) {
  switch (v) {
#define GLASSTLS_HANDSHAKE_TYPE(n, value, text) GLASSTLS_NAME_CASE(n, value, text)
#include "glasstls/iana.def"
  }
  return {};
}
std::string_view explain(HandshakeType v) {
  switch (v) {
#define GLASSTLS_HANDSHAKE_TYPE(n, value, text) GLASSTLS_TEXT_CASE(n, value, text)
#include "glasstls/iana.def"
  }
  return {};
}
std::string_view name(ProtocolVersion v) {
  switch (v) {
#define GLASSTLS_PROTOCOL_VERSION(n, value, text) GLASSTLS_NAME_CASE(n, value, text)
#include "glasstls/iana.def"
  }
  return {};
}
std::string_view explain(ProtocolVersion v) {
  switch (v) {
#define GLASSTLS_PROTOCOL_VERSION(n, value, text) GLASSTLS_TEXT_CASE(n, value, text)
#include "glasstls/iana.def"
  }
  return {};
}
std::string_view name(CipherSuite v) {
  switch (v) {
#define GLASSTLS_CIPHER_SUITE(n, value, text) GLASSTLS_NAME_CASE(n, value, text)
#include "glasstls/iana.def"
  }
  return {};
}
std::string_view explain(CipherSuite v) {
  switch (v) {
#define GLASSTLS_CIPHER_SUITE(n, value, text) GLASSTLS_TEXT_CASE(n, value, text)
#include "glasstls/iana.def"
  }
  return {};
}
std::string_view name(NamedGroup v) {
  switch (v) {
#define GLASSTLS_NAMED_GROUP(n, value, text) GLASSTLS_NAME_CASE(n, value, text)
#include "glasstls/iana.def"
  }
  return {};
}
std::string_view explain(NamedGroup v) {
  switch (v) {
#define GLASSTLS_NAMED_GROUP(n, value, text) GLASSTLS_TEXT_CASE(n, value, text)
#include "glasstls/iana.def"
  }
  return {};
}
std::string_view name(SignatureScheme v) {
  switch (v) {
#define GLASSTLS_SIGNATURE_SCHEME(n, value, text) GLASSTLS_NAME_CASE(n, value, text)
#include "glasstls/iana.def"
  }
  return {};
}
std::string_view explain(SignatureScheme v) {
  switch (v) {
#define GLASSTLS_SIGNATURE_SCHEME(n, value, text) GLASSTLS_TEXT_CASE(n, value, text)
#include "glasstls/iana.def"
  }
  return {};
}
// The registered extensions glasstls does not recognise are not enumerators of ExtensionType
// (see iana.def), so they are looked up by value after the enumerators.
std::string_view name(ExtensionType v) {
  switch (v) {
#define GLASSTLS_EXTENSION(n, value, text) GLASSTLS_NAME_CASE(n, value, text)
#include "glasstls/iana.def"
  }
  switch (static_cast<uint16_t>(v)) {
// clang-format off
#define GLASSTLS_EXTENSION_REGISTERED(n, value, text) \
  case value:                                         \
    return #n;
// clang-format on
#include "glasstls/iana.def"
    default: break;
  }
  return {};
}
std::string_view explain(ExtensionType v) {
  switch (v) {
#define GLASSTLS_EXTENSION(n, value, text) GLASSTLS_TEXT_CASE(n, value, text)
#include "glasstls/iana.def"
  }
  switch (static_cast<uint16_t>(v)) {
// clang-format off
#define GLASSTLS_EXTENSION_REGISTERED(n, value, text) \
  case value:                                         \
    return text;
// clang-format on
#include "glasstls/iana.def"
    default: break;
  }
  return {};
}
std::string_view name(AlertDescription v) {
  switch (v) {
#define GLASSTLS_ALERT(n, value, text) GLASSTLS_NAME_CASE(n, value, text)
#include "glasstls/iana.def"
  }
  return {};
}
std::string_view explain(AlertDescription v) {
  switch (v) {
#define GLASSTLS_ALERT(n, value, text) GLASSTLS_TEXT_CASE(n, value, text)
#include "glasstls/iana.def"
  }
  return {};
}

namespace {

// normalize lower-cases and drops '-', '_' and ' ' so that "P-256", "p256" and "P_256" meet.
std::string normalize(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '-' || c == '_' || c == ' ') {
      continue;
    }
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

template <typename T, size_t N>
std::optional<T> find_alias(std::string_view text, const std::pair<const char*, T> (&aliases)[N]) {
  std::string key = normalize(text);
  for (const auto& [alias, value] : aliases) {
    if (normalize(alias) == key) {
      return value;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<CipherSuite> parse_cipher_suite(std::string_view text) {
  static const std::pair<const char*, CipherSuite> kAliases[] = {
#define GLASSTLS_CIPHER_SUITE(n, value, text) {#n, CipherSuite::n},
#include "glasstls/iana.def"
      {"AES128GCM", CipherSuite::TLS_AES_128_GCM_SHA256},
      {"AES_128_GCM_SHA256", CipherSuite::TLS_AES_128_GCM_SHA256},
      {"AES256GCM", CipherSuite::TLS_AES_256_GCM_SHA384},
      {"AES_256_GCM_SHA384", CipherSuite::TLS_AES_256_GCM_SHA384},
      {"CHACHA20", CipherSuite::TLS_CHACHA20_POLY1305_SHA256},
      {"CHACHA20_POLY1305_SHA256", CipherSuite::TLS_CHACHA20_POLY1305_SHA256},
      // The names OpenSSL gives the TLS 1.2 suites glasstls implements (`openssl ciphers -V`).
      {"ECDHE-ECDSA-AES128-GCM-SHA256", CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256},
      {"ECDHE-RSA-AES128-GCM-SHA256", CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256},
      {"ECDHE-ECDSA-AES256-GCM-SHA384", CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384},
      {"ECDHE-RSA-AES256-GCM-SHA384", CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384},
      {"ECDHE-ECDSA-CHACHA20-POLY1305", CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256},
      {"ECDHE-RSA-CHACHA20-POLY1305", CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256},
      {"DHE-RSA-AES128-GCM-SHA256", CipherSuite::TLS_DHE_RSA_WITH_AES_128_GCM_SHA256},
      {"DHE-RSA-AES256-GCM-SHA384", CipherSuite::TLS_DHE_RSA_WITH_AES_256_GCM_SHA384},
      {"DHE-RSA-CHACHA20-POLY1305", CipherSuite::TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256},
      {"ECDHE-ECDSA-AES128-SHA256", CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256},
      {"ECDHE-ECDSA-AES256-SHA384", CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384},
      {"ECDHE-RSA-AES128-SHA256", CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256},
      {"ECDHE-RSA-AES256-SHA384", CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384},
      {"DHE-RSA-AES128-SHA256", CipherSuite::TLS_DHE_RSA_WITH_AES_128_CBC_SHA256},
      {"DHE-RSA-AES256-SHA256", CipherSuite::TLS_DHE_RSA_WITH_AES_256_CBC_SHA256},
      {"ECDHE-ECDSA-AES128-SHA", CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA},
      {"ECDHE-ECDSA-AES256-SHA", CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA},
      {"ECDHE-RSA-AES128-SHA", CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA},
      {"ECDHE-RSA-AES256-SHA", CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA},
      {"DHE-RSA-AES128-SHA", CipherSuite::TLS_DHE_RSA_WITH_AES_128_CBC_SHA},
      {"DHE-RSA-AES256-SHA", CipherSuite::TLS_DHE_RSA_WITH_AES_256_CBC_SHA},
  };
  return find_alias(text, kAliases);
}

std::optional<NamedGroup> parse_named_group(std::string_view text) {
  static const std::pair<const char*, NamedGroup> kAliases[] = {
#define GLASSTLS_NAMED_GROUP(n, value, text) {#n, NamedGroup::n},
#include "glasstls/iana.def"
      {"P-256", NamedGroup::secp256r1}, {"prime256v1", NamedGroup::secp256r1},
      {"P-384", NamedGroup::secp384r1}, {"P-521", NamedGroup::secp521r1},
      {"X448", NamedGroup::x448},
  };
  return find_alias(text, kAliases);
}

std::optional<SignatureScheme> parse_signature_scheme(std::string_view text) {
  static const std::pair<const char*, SignatureScheme> kAliases[] = {
#define GLASSTLS_SIGNATURE_SCHEME(n, value, text) {#n, SignatureScheme::n},
#include "glasstls/iana.def"
      {"ECDSA+SHA256", SignatureScheme::ecdsa_secp256r1_sha256},
      {"ECDSA+SHA384", SignatureScheme::ecdsa_secp384r1_sha384},
      {"ECDSA+SHA512", SignatureScheme::ecdsa_secp521r1_sha512},
      {"RSA-PSS+SHA256", SignatureScheme::rsa_pss_rsae_sha256},
      {"RSA-PSS+SHA384", SignatureScheme::rsa_pss_rsae_sha384},
      {"RSA-PSS+SHA512", SignatureScheme::rsa_pss_rsae_sha512},
      {"RSA+SHA256", SignatureScheme::rsa_pkcs1_sha256},
      {"RSA+SHA384", SignatureScheme::rsa_pkcs1_sha384},
      {"RSA+SHA512", SignatureScheme::rsa_pkcs1_sha512},
  };
  return find_alias(text, kAliases);
}

const char* name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidMessage: return "invalid message";
    case ErrorKind::kPeerMisbehaved: return "peer misbehaved";
    case ErrorKind::kPeerIncompatible: return "peer incompatible";
    case ErrorKind::kInvalidCertificate: return "invalid certificate";
    case ErrorKind::kAlertReceived: return "alert received";
    case ErrorKind::kBadConfig: return "bad configuration";
    case ErrorKind::kInternal: return "internal error";
    case ErrorKind::kTransport: return "transport";
  }
  return "unknown";
}

std::string Error::to_string() const {
  std::string out;
  if (kind == ErrorKind::kBadConfig) {
    out = "bad configuration";
  } else if (kind == ErrorKind::kTransport) {
    // No alert was sent or received: the transport itself closed or failed.
    out = "transport";
  } else {
    std::string_view alert_name = name(alert);
    if (kind == ErrorKind::kAlertReceived) {
      out = "received alert ";
    }
    out += alert_name.empty() ? "alert " + std::to_string(static_cast<int>(alert))
                              : std::string(alert_name);
  }
  if (!reason.empty()) {
    out += ": ";
    out += reason;
  }
  return out;
}

}  // namespace glasstls
