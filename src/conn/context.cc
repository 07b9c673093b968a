#include "conn/context.h"

#include <algorithm>

namespace glasstls::conn {

Status Context::flush_handshake(uint16_t legacy_version) {
  if (hs_out.empty()) {
    return Ok{};
  }
  Status s = record.write(ContentType::handshake, hs_out, out, legacy_version);
  // A flight is framed once; its room is not kept for the next one (a few per connection).
  Bytes().swap(hs_out);
  if (tracer) {
    for (const Bytes& m : traced_out) {
      tracer->message(true, m);
    }
    traced_out.clear();
  }
  return s;
}

std::string message_name(HandshakeType type) {
  std::string_view n = name(type);
  if (n.empty()) {
    return "handshake message type " + std::to_string(static_cast<unsigned>(type));
  }
  return std::string(n);
}

namespace {

Result<record::Protection> make_protection(const SuiteInfo& suite, ByteView secret,
                                           const char* label, bool application, Tracer* tracer) {
  GLASSTLS_ASSIGN(handshake::TrafficKeys keys,
                  handshake::traffic_keys(*suite.hash, suite.aead->key_len(), secret));
  const bool secrets = tracer != nullptr && tracer->secrets();
  if (secrets) {
    std::string who(label);
    tracer->key_step(who + " write key",
                     "HKDF-Expand-Label(" + who + " traffic secret, \"key\", \"\", " +
                         std::to_string(suite.aead->key_len()) + ")",
                     secret, {}, keys.key.span());
    tracer->key_step(who + " write iv",
                     "HKDF-Expand-Label(" + who + " traffic secret, \"iv\", \"\", 12)", secret, {},
                     keys.iv.span());
  }
  return record::make_protection(*suite.aead, keys.key, keys.iv.span(), label, application,
                                 secrets);
}

}  // namespace

Status Context::install_read_secret(ByteView traffic_secret, const char* label) {
  GLASSTLS_ASSIGN(record::Protection p,
                  make_protection(suite, traffic_secret, label, false, tracer.get()));
  record.set_read_protection(std::move(p));
  read_key_changed = true;
  return Ok{};
}

Status Context::install_write_secret(ByteView traffic_secret, const char* label, bool application) {
  GLASSTLS_ASSIGN(record::Protection p,
                  make_protection(suite, traffic_secret, label, application, tracer.get()));
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
