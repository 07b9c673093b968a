#include "handshake/key_schedule.h"

#include <string>

namespace glasstls::handshake {

namespace {

void observe(const KeyScheduleObserver* observer, std::string_view step, ByteView input,
             ByteView context, ByteView output) {
  if (observer != nullptr && *observer) {
    (*observer)(step, input, context, output);
  }
}

// derived is Derive-Secret(secret, "derived", ""): the salt of the next extraction.
Result<Secret> derived(const crypto::Hash& hash, ByteView secret) {
  Bytes empty_hash = hash.digest({});
  return derive_secret(hash, secret, "derived", empty_hash);
}

}  // namespace

Result<Secret> hkdf_expand_label(const crypto::Hash& hash, ByteView secret, std::string_view label,
                                 ByteView context, size_t length) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-7.1
  //# struct {
  //#     uint16 length = Length;
  //#     opaque label<7..255> = "tls13 " + Label;
  //#     opaque context<0..255> = Context;
  //# } HkdfLabel;
  constexpr std::string_view kPrefix = "tls13 ";
  if (kPrefix.size() + label.size() > 255 || context.size() > 255 || length > 0xffff) {
    return internal_error("HKDF-Expand-Label input out of range");
  }
  uint8_t info[2 + 1 + 255 + 1 + 255];
  size_t n = 0;
  info[n++] = static_cast<uint8_t>(length >> 8);
  info[n++] = static_cast<uint8_t>(length);
  info[n++] = static_cast<uint8_t>(kPrefix.size() + label.size());
  for (char c : kPrefix) {
    info[n++] = static_cast<uint8_t>(c);
  }
  for (char c : label) {
    info[n++] = static_cast<uint8_t>(c);
  }
  info[n++] = static_cast<uint8_t>(context.size());
  for (uint8_t b : context) {
    info[n++] = b;
  }
  return hash.hkdf_expand(secret, ByteView(info, n), length);
}

Result<Secret> derive_secret(const crypto::Hash& hash, ByteView secret, std::string_view label,
                             ByteView transcript_hash) {
  return hkdf_expand_label(hash, secret, label, transcript_hash, hash.output_len());
}

Result<TrafficKeys> traffic_keys(const crypto::Hash& hash, size_t key_len,
                                 ByteView traffic_secret) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-7.3
  //# [sender]_write_key = HKDF-Expand-Label(Secret, "key", "", key_length)
  //# [sender]_write_iv  = HKDF-Expand-Label(Secret, "iv", "", iv_length)
  GLASSTLS_ASSIGN(Secret key, hkdf_expand_label(hash, traffic_secret, "key", {}, key_len));
  GLASSTLS_ASSIGN(Secret iv, hkdf_expand_label(hash, traffic_secret, "iv", {}, 12));
  return TrafficKeys{std::move(key), std::move(iv)};
}

Result<Secret> next_traffic_secret(const crypto::Hash& hash, ByteView traffic_secret) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-7.2
  //# application_traffic_secret_N+1 =
  //#     HKDF-Expand-Label(application_traffic_secret_N,
  //#                       "traffic upd", "", Hash.length)
  return hkdf_expand_label(hash, traffic_secret, "traffic upd", {}, hash.output_len());
}

Result<Secret> finished_verify_data(const crypto::Hash& hash, ByteView base_key,
                                    ByteView transcript_hash) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4
  //# finished_key =
  //#     HKDF-Expand-Label(BaseKey, "finished", "", Hash.length)
  //# verify_data =
  //#     HMAC(finished_key,
  //#          Transcript-Hash(Handshake Context,
  //#                          Certificate*, CertificateVerify*))
  GLASSTLS_ASSIGN(Secret finished_key,
                  hkdf_expand_label(hash, base_key, "finished", {}, hash.output_len()));
  return hash.hmac(finished_key.span(), transcript_hash);
}

Result<Bytes> exporter(const crypto::Hash& hash, ByteView exporter_master_secret,
                       std::string_view label, ByteView context, size_t length) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-7.5
  //# TLS-Exporter(label, context_value, key_length) =
  //#     HKDF-Expand-Label(Derive-Secret(Secret, label, ""),
  //#                       "exporter", Hash(context_value), key_length)
  Bytes empty_hash = hash.digest({});
  GLASSTLS_ASSIGN(Secret s, derive_secret(hash, exporter_master_secret, label, empty_hash));
  Bytes context_hash = hash.digest(context);
  GLASSTLS_ASSIGN(Secret out, hkdf_expand_label(hash, s.span(), "exporter", context_hash, length));
  return Bytes(out.span().begin(), out.span().end());
}

EarlySchedule EarlySchedule::start(const crypto::Hash& hash, const KeyScheduleObserver* observer) {
  // Without a PSK, both inputs are a string of Hash.length zeros (section 7.1).
  Bytes zeros(hash.output_len(), 0);
  Secret early = hash.hkdf_extract(zeros, zeros);
  observe(observer, "early_secret = HKDF-Extract(salt=0, IKM=PSK or 0)", zeros, {},
          early.span());
  return EarlySchedule(hash, std::move(early), observer);
}

Result<HandshakeSchedule> EarlySchedule::with_shared_secret(ByteView shared_secret) && {
  GLASSTLS_ASSIGN(Secret salt, derived(*hash_, early_.span()));
  observe(observer_, "derived = Derive-Secret(early_secret, \"derived\", \"\")", early_.span(), {},
          salt.span());
  Secret hs = hash_->hkdf_extract(salt.span(), shared_secret);
  observe(observer_, "handshake_secret = HKDF-Extract(salt=derived, IKM=(EC)DHE shared secret)",
          shared_secret, salt.span(), hs.span());
  return HandshakeSchedule(*hash_, std::move(hs), observer_);
}

Result<Secret> HandshakeSchedule::derive(std::string_view label, ByteView transcript_hash) const {
  GLASSTLS_ASSIGN(Secret s, derive_secret(*hash_, secret_.span(), label, transcript_hash));
  observe(observer_, std::string(label), secret_.span(), transcript_hash, s.span());
  return s;
}

Result<Secret> HandshakeSchedule::client_handshake_traffic(ByteView transcript_hash) const {
  return derive("c hs traffic", transcript_hash);
}

Result<Secret> HandshakeSchedule::server_handshake_traffic(ByteView transcript_hash) const {
  return derive("s hs traffic", transcript_hash);
}

Result<ApplicationSchedule> HandshakeSchedule::into_application() && {
  GLASSTLS_ASSIGN(Secret salt, derived(*hash_, secret_.span()));
  observe(observer_, "derived = Derive-Secret(handshake_secret, \"derived\", \"\")",
          secret_.span(), {}, salt.span());
  Bytes zeros(hash_->output_len(), 0);
  Secret master = hash_->hkdf_extract(salt.span(), zeros);
  observe(observer_, "master_secret = HKDF-Extract(salt=derived, IKM=0)", zeros, salt.span(),
          master.span());
  return ApplicationSchedule(*hash_, std::move(master), observer_);
}

Result<Secret> ApplicationSchedule::derive(std::string_view label,
                                           ByteView transcript_hash) const {
  GLASSTLS_ASSIGN(Secret s, derive_secret(*hash_, secret_.span(), label, transcript_hash));
  observe(observer_, std::string(label), secret_.span(), transcript_hash, s.span());
  return s;
}

Result<Secret> ApplicationSchedule::client_application_traffic(ByteView transcript_hash) const {
  return derive("c ap traffic", transcript_hash);
}
Result<Secret> ApplicationSchedule::server_application_traffic(ByteView transcript_hash) const {
  return derive("s ap traffic", transcript_hash);
}
Result<Secret> ApplicationSchedule::exporter_master(ByteView transcript_hash) const {
  return derive("exp master", transcript_hash);
}
Result<Secret> ApplicationSchedule::resumption_master(ByteView transcript_hash) const {
  return derive("res master", transcript_hash);
}

}  // namespace glasstls::handshake
