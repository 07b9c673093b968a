// openssl_hkdf.h: RFC 8446 section 7.1 and 7.5 computed with OpenSSL's own HKDF, and the TLS 1.2
// PRF (RFC 5246 section 5) with its TLS1-PRF, for tests that check glasstls's key schedules,
// key updates and exporters against an answer from outside glasstls.
#pragma once

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace glasstls::testing {

// openssl_hkdf_expand_label is HKDF-Expand-Label(secret, label, context, length) (RFC 8446
// section 7.1) with `digest` ("SHA256", "SHA384"); empty if OpenSSL fails.
inline std::vector<uint8_t> openssl_hkdf_expand_label(const char* digest,
                                                      const std::vector<uint8_t>& secret,
                                                      std::string_view label,
                                                      const std::vector<uint8_t>& context,
                                                      size_t length) {
  // struct { uint16 length; opaque label<7..255>; opaque context<0..255>; } HkdfLabel;
  std::string full = "tls13 " + std::string(label);
  std::vector<uint8_t> info = {static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length),
                               static_cast<uint8_t>(full.size())};
  info.insert(info.end(), full.begin(), full.end());
  info.push_back(static_cast<uint8_t>(context.size()));
  info.insert(info.end(), context.begin(), context.end());

  std::vector<uint8_t> out(length);
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  EVP_KDF_CTX* ctx = kdf != nullptr ? EVP_KDF_CTX_new(kdf) : nullptr;
  int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(digest), 0),
      OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<uint8_t*>(secret.data()),
                                        secret.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info.data(), info.size()),
      OSSL_PARAM_construct_end()};
  const bool ok = ctx != nullptr && EVP_KDF_derive(ctx, out.data(), out.size(), params) == 1;
  EVP_KDF_CTX_free(ctx);
  EVP_KDF_free(kdf);
  return ok ? out : std::vector<uint8_t>{};
}

// openssl_digest is `digest` of `data`.
inline std::vector<uint8_t> openssl_digest(const char* digest, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> out(EVP_MAX_MD_SIZE);
  unsigned len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_get_digestbyname(digest),
                 nullptr) != 1) {
    return {};
  }
  out.resize(len);
  return out;
}

// openssl_exporter is TLS-Exporter(label, context_value, key_length) (RFC 8446 section 7.5):
//   HKDF-Expand-Label(Derive-Secret(Secret, label, ""), "exporter", Hash(context_value),
//                     key_length)
// where Derive-Secret(Secret, Label, "") is HKDF-Expand-Label(Secret, Label, Hash(""),
// Hash.length) (section 7.1).
inline std::vector<uint8_t> openssl_exporter(const char* digest,
                                             const std::vector<uint8_t>& exporter_master,
                                             std::string_view label,
                                             const std::vector<uint8_t>& context, size_t length) {
  const std::vector<uint8_t> empty_hash = openssl_digest(digest, {});
  const std::vector<uint8_t> derived =
      openssl_hkdf_expand_label(digest, exporter_master, label, empty_hash, empty_hash.size());
  return openssl_hkdf_expand_label(digest, derived, "exporter", openssl_digest(digest, context),
                                   length);
}

// openssl_tls1_prf is PRF(secret, label, seed) of RFC 5246 section 5 with `digest` ("SHA256",
// "SHA384"), `length` bytes, computed by OpenSSL's TLS1-PRF; empty if OpenSSL fails.
inline std::vector<uint8_t> openssl_tls1_prf(const char* digest, std::span<const uint8_t> secret,
                                             std::string_view label, std::span<const uint8_t> seed,
                                             size_t length) {
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "TLS1-PRF", nullptr);
  EVP_KDF_CTX* ctx = kdf != nullptr ? EVP_KDF_CTX_new(kdf) : nullptr;
  std::vector<uint8_t> label_seed(label.begin(), label.end());
  label_seed.insert(label_seed.end(), seed.begin(), seed.end());
  std::vector<uint8_t> secret_copy(secret.begin(), secret.end());
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(digest), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, secret_copy.data(),
                                        secret_copy.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, label_seed.data(), label_seed.size()),
      OSSL_PARAM_construct_end(),
  };
  std::vector<uint8_t> out(length);
  const bool ok = ctx != nullptr && EVP_KDF_derive(ctx, out.data(), out.size(), params) == 1;
  EVP_KDF_CTX_free(ctx);
  EVP_KDF_free(kdf);
  return ok ? out : std::vector<uint8_t>{};
}

// openssl_next_traffic_secret is application_traffic_secret_N+1 (RFC 8446 section 7.2).
inline std::vector<uint8_t> openssl_next_traffic_secret(const char* digest,
                                                        const std::vector<uint8_t>& secret) {
  return openssl_hkdf_expand_label(digest, secret, "traffic upd", {}, secret.size());
}

}  // namespace glasstls::testing
