#include "conn/context.h"

#include <algorithm>

namespace glasstls::conn {

std::optional<SuiteInfo> suite_info(const crypto::CryptoProvider& provider, CipherSuite suite) {
  SuiteInfo info;
  info.suite = suite;
  switch (suite) {
    case CipherSuite::TLS_AES_128_GCM_SHA256:
      info.hash = provider.sha256;
      info.aead = provider.aes128gcm;
      break;
    case CipherSuite::TLS_AES_256_GCM_SHA384:
      info.hash = provider.sha384;
      info.aead = provider.aes256gcm;
      break;
    case CipherSuite::TLS_CHACHA20_POLY1305_SHA256:
      info.hash = provider.sha256;
      info.aead = provider.chacha20poly1305;
      break;
    default:
      return std::nullopt;
  }
  if (info.hash == nullptr || info.aead == nullptr) {
    return std::nullopt;
  }
  return info;
}

Status Context::flush_handshake(uint16_t legacy_version) {
  if (hs_out.empty()) {
    return Ok{};
  }
  Status s = record.write(ContentType::handshake, hs_out, out, legacy_version);
  hs_out.clear();
  return s;
}

void Context::send_ccs() {
  out.insert(out.end(), std::begin(kCcsRecord), std::end(kCcsRecord));
  ccs_sent = true;
}

namespace {

Result<record::Protection> make_protection(const SuiteInfo& suite, ByteView secret) {
  GLASSTLS_ASSIGN(handshake::TrafficKeys keys,
                  handshake::traffic_keys(*suite.hash, suite.aead->key_len(), secret));
  GLASSTLS_ASSIGN(auto key, suite.aead->new_key(keys.key.span()));
  record::Protection p;
  p.aead = suite.aead;
  p.key = std::move(key);
  // Invariant: traffic_keys derived exactly 12 IV bytes.
  std::copy_n(keys.iv.span().begin(), sizeof(p.iv), p.iv);
  return p;
}

}  // namespace

Status Context::install_read_secret(ByteView traffic_secret) {
  GLASSTLS_ASSIGN(record::Protection p, make_protection(suite, traffic_secret));
  record.set_read_protection(std::move(p));
  read_key_changed = true;
  return Ok{};
}

Status Context::install_write_secret(ByteView traffic_secret) {
  GLASSTLS_ASSIGN(record::Protection p, make_protection(suite, traffic_secret));
  record.set_write_protection(std::move(p));
  return Ok{};
}

void Context::log_secret(std::string_view label, ByteView secret) {
  if (key_log != nullptr) {
    key_log->log(label, client_random, secret);
  }
}

Result<Bytes> Context::random(size_t n) {
  Bytes b(n);
  GLASSTLS_TRY(provider->random->fill(b));
  return b;
}

Bytes certificate_verify_input(bool server, ByteView transcript_hash) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
  //# The digital signature is then computed over the concatenation of:
  //# -  A string that consists of octet 32 (0x20) repeated 64 times
  //# -  The context string
  //# -  A single 0 byte which serves as the separator
  //# -  The content to be signed
  static constexpr std::string_view kServer = "TLS 1.3, server CertificateVerify";
  static constexpr std::string_view kClient = "TLS 1.3, client CertificateVerify";
  std::string_view context = server ? kServer : kClient;
  // Sized once and filled in place (GCC 12 misreports growing inserts here as out of bounds).
  Bytes out(64 + context.size() + 1 + transcript_hash.size(), 0x20);
  std::copy(context.begin(), context.end(), out.begin() + 64);
  out[64 + context.size()] = 0;
  std::copy(transcript_hash.begin(), transcript_hash.end(), out.begin() + 65 + context.size());
  return out;
}

}  // namespace glasstls::conn
