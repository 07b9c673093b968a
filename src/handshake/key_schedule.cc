#include "handshake/key_schedule.h"

#include <array>
#include <mutex>
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
Result<Secret> derived(const crypto::Hash& hash, ByteView secret, ByteView empty_hash) {
  return derive_secret(hash, secret, "derived", empty_hash);
}

// PsklessConstants are the values of the schedule that depend only on the hash when no PSK is
// used: Hash(""), the Early Secret HKDF-Extract(0, 0) and the salt derived from it. They are
// computed once per hash function, on first use, instead of in every handshake.
struct PsklessConstants {
  Bytes zeros;
  Bytes empty_hash;
  Secret early;
  Secret handshake_salt;
};

const PsklessConstants& pskless_constants(const crypto::Hash& hash) {
  static std::array<std::once_flag, 3> once;
  static std::array<PsklessConstants, 3> values;
  const auto i = static_cast<size_t>(hash.id());
  std::call_once(once[i], [&hash, &c = values[i]] {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-7.1
    //# If a given secret is not available, then the 0-value consisting of a
    //# string of Hash.length bytes set to zeros is used.
    c.zeros.assign(hash.output_len(), 0);
    c.empty_hash = hash.digest({});
    c.early = hash.hkdf_extract(c.zeros, c.zeros);
    // Derive-Secret only fails for out-of-range lengths, which Hash.length never is.
    c.handshake_salt = std::move(derived(hash, c.early.span(), c.empty_hash)).value();
  });
  return values[i];
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
                                    ByteView transcript_hash, const KeyScheduleObserver* observer) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4
  //# finished_key =
  //#     HKDF-Expand-Label(BaseKey, "finished", "", Hash.length)
  //# verify_data =
  //#     HMAC(finished_key,
  //#          Transcript-Hash(Handshake Context,
  //#                          Certificate*, CertificateVerify*))
  GLASSTLS_ASSIGN(Secret finished_key,
                  hkdf_expand_label(hash, base_key, "finished", {}, hash.output_len()));
  observe(observer, "finished_key = HKDF-Expand-Label(BaseKey, \"finished\", \"\", Hash.length)",
          base_key, {}, finished_key.span());
  Secret verify_data = hash.hmac(finished_key.span(), transcript_hash);
  observe(observer, "Finished verify_data = HMAC(finished_key, Transcript-Hash(...))",
          finished_key.span(), transcript_hash, verify_data.span());
  return verify_data;
}

Result<Bytes> exporter(const crypto::Hash& hash, ByteView exporter_master_secret,
                       std::string_view label, ByteView context, size_t length) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-7.5
  //# TLS-Exporter(label, context_value, key_length) =
  //#     HKDF-Expand-Label(Derive-Secret(Secret, label, ""),
  //#                       "exporter", Hash(context_value), key_length)
  GLASSTLS_ASSIGN(Secret s, derive_secret(hash, exporter_master_secret, label,
                                          pskless_constants(hash).empty_hash));
  Bytes context_hash = hash.digest(context);
  GLASSTLS_ASSIGN(Secret out, hkdf_expand_label(hash, s.span(), "exporter", context_hash, length));
  return Bytes(out.span().begin(), out.span().end());
}

EarlySchedule EarlySchedule::start(const crypto::Hash& hash, const KeyScheduleObserver* observer) {
  // Without a PSK, both inputs are a string of Hash.length zeros (section 7.1), so the result
  // is a constant of the hash.
  const PsklessConstants& c = pskless_constants(hash);
  observe(observer, "early_secret = HKDF-Extract(salt=0, IKM=PSK or 0)", c.zeros, c.zeros,
          c.early.span());
  return EarlySchedule(hash, observer);
}

EarlySchedule EarlySchedule::start_with_psk(const crypto::Hash& hash, ByteView psk,
                                            const KeyScheduleObserver* observer) {
  const PsklessConstants& c = pskless_constants(hash);
  EarlySchedule s(hash, observer);
  s.psk_early_ = hash.hkdf_extract(c.zeros, psk);
  observe(observer, "early_secret = HKDF-Extract(salt=0, IKM=PSK or 0)", psk, c.zeros,
          s.psk_early_.span());
  return s;
}

ByteView EarlySchedule::early_secret() const {
  return psk_early_.empty() ? pskless_constants(*hash_).early.span() : psk_early_.span();
}

Result<Secret> resumption_psk(const crypto::Hash& hash, ByteView resumption_master_secret,
                              ByteView ticket_nonce, const KeyScheduleObserver* observer) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
  //# HKDF-Expand-Label(resumption_master_secret,
  //#                  "resumption", ticket_nonce, Hash.length)
  GLASSTLS_ASSIGN(Secret psk, hkdf_expand_label(hash, resumption_master_secret, "resumption",
                                                ticket_nonce, hash.output_len()));
  observe(observer,
          "ticket PSK = HKDF-Expand-Label(resumption_master_secret, \"resumption\", ticket_nonce, "
          "Hash.length)",
          resumption_master_secret, ticket_nonce, psk.span());
  return psk;
}

Result<Secret> EarlySchedule::resumption_binder(ByteView partial_hello_hash) const {
  const PsklessConstants& c = pskless_constants(*hash_);
  GLASSTLS_ASSIGN(Secret binder_key,
                  derive_secret(*hash_, early_secret(), "res binder", c.empty_hash));
  observe(observer_, "binder_key = Derive-Secret(early_secret, \"res binder\", \"\")",
          early_secret(), c.empty_hash, binder_key.span());
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11.2
  //# The PskBinderEntry is computed in the same way as the Finished
  //# message (Section 4.4.4) but with the BaseKey being the binder_key
  //# derived via the key schedule from the corresponding PSK which is
  //# being offered (see Section 7.1).
  return finished_verify_data(*hash_, binder_key.span(), partial_hello_hash, observer_);
}

Result<Secret> EarlySchedule::client_early_traffic(ByteView hello_hash) const {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-7.1
  //# Derive-Secret(., "c e traffic", ClientHello)
  GLASSTLS_ASSIGN(Secret s, derive_secret(*hash_, early_secret(), "c e traffic", hello_hash));
  observe(observer_, "c e traffic", early_secret(), hello_hash, s.span());
  return s;
}

Result<Secret> EarlySchedule::early_exporter_master(ByteView hello_hash) const {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-7.1
  //# Derive-Secret(., "e exp master", ClientHello)
  GLASSTLS_ASSIGN(Secret s, derive_secret(*hash_, early_secret(), "e exp master", hello_hash));
  observe(observer_, "e exp master", early_secret(), hello_hash, s.span());
  return s;
}

Result<HandshakeSchedule> EarlySchedule::with_shared_secret(ByteView shared_secret) && {
  const PsklessConstants& c = pskless_constants(*hash_);
  ByteView salt = c.handshake_salt.span();
  Secret psk_salt;
  if (!psk_early_.empty()) {
    GLASSTLS_ASSIGN(psk_salt, derive_secret(*hash_, psk_early_.span(), "derived", c.empty_hash));
    salt = psk_salt.span();
  }
  // The context of "derived" is Transcript-Hash(""), the hash of nothing.
  observe(observer_, "derived = Derive-Secret(early_secret, \"derived\", \"\")", early_secret(),
          c.empty_hash, salt);
  Secret hs = hash_->hkdf_extract(salt, shared_secret);
  observe(observer_, "handshake_secret = HKDF-Extract(salt=derived, IKM=(EC)DHE shared secret)",
          shared_secret, salt, hs.span());
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
  const PsklessConstants& c = pskless_constants(*hash_);
  GLASSTLS_ASSIGN(Secret salt, derived(*hash_, secret_.span(), c.empty_hash));
  observe(observer_, "derived = Derive-Secret(handshake_secret, \"derived\", \"\")", secret_.span(),
          c.empty_hash, salt.span());
  Secret master = hash_->hkdf_extract(salt.span(), c.zeros);
  observe(observer_, "master_secret = HKDF-Extract(salt=derived, IKM=0)", c.zeros, salt.span(),
          master.span());
  return ApplicationSchedule(*hash_, std::move(master), observer_);
}

Result<Secret> ApplicationSchedule::derive(std::string_view label, ByteView transcript_hash) const {
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
