// tls13_keys.cc: TLS 1.3 key installation and CertificateVerify content (tls13_keys.h).
#include "conn/tls13_keys.h"

#include <algorithm>
#include <string>

#include "conn/tracer.h"
#include "handshake/key_schedule.h"
#include "record/protector.h"

namespace glasstls::conn {

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
                     secret, {}, keys.key.span(), TraceDerivation::kHkdfExpandLabel, suite.hash,
                     "key");
    tracer->key_step(who + " write iv",
                     "HKDF-Expand-Label(" + who + " traffic secret, \"iv\", \"\", 12)", secret, {},
                     keys.iv.span(), TraceDerivation::kHkdfExpandLabel, suite.hash, "iv");
  }
  return record::make_protection(*suite.aead, keys.key, keys.iv.span(), label, application,
                                 secrets);
}

}  // namespace

Status install_read_secret(Context& cx, ByteView traffic_secret, const char* label) {
  GLASSTLS_ASSIGN(record::Protection p,
                  make_protection(cx.suite, traffic_secret, label, false, cx.tracer.get()));
  cx.record.set_read_protection(std::move(p));
  cx.read_key_changed = true;
  return Ok{};
}

Status install_write_secret(Context& cx, ByteView traffic_secret, const char* label,
                            bool application) {
  GLASSTLS_ASSIGN(record::Protection p,
                  make_protection(cx.suite, traffic_secret, label, application, cx.tracer.get()));
  cx.record.set_write_protection(std::move(p));
  return Ok{};
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

Bytes certificate_verify_input(Context& cx, bool server, ByteView transcript_hash) {
  Bytes out = certificate_verify_input(server, transcript_hash);
  if (cx.tracer) {
    const std::string role = server ? "server" : "client";
    cx.tracer->key_step(role + " CertificateVerify signed content",
                        "0x20 × 64 || \"TLS 1.3, " + role +
                            " CertificateVerify\" || 0x00 || Transcript-Hash(ClientHello.." +
                            (server ? "Certificate" : "client Certificate") + ")",
                        {}, transcript_hash, out);
  }
  return out;
}

}  // namespace glasstls::conn
