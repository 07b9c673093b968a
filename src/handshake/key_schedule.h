// key_schedule.h: the TLS 1.3 key schedule (RFC 8446 section 7.1), as typestates.
//
//              0
//              |
//              v
//    PSK ->  HKDF-Extract = Early Secret            EarlySchedule
//              |
//              v
//        Derive-Secret(., "derived", "")
//              |
//              v
//    (EC)DHE -> HKDF-Extract = Handshake Secret     HandshakeSchedule
//              |
//              +-----> Derive-Secret(., "c hs traffic", ClientHello...ServerHello)
//              +-----> Derive-Secret(., "s hs traffic", ClientHello...ServerHello)
//              v
//        Derive-Secret(., "derived", "")
//              |
//              v
//    0 -> HKDF-Extract = Master Secret              ApplicationSchedule
//              |
//              +-----> Derive-Secret(., "c ap traffic", ClientHello...server Finished)
//              +-----> Derive-Secret(., "s ap traffic", ClientHello...server Finished)
//              +-----> Derive-Secret(., "exp master", ClientHello...server Finished)
//              +-----> Derive-Secret(., "res master", ClientHello...client Finished)
//
// Each stage exposes only the derivations legal at that stage, and moving to the next stage
// consumes the previous one, so a secret cannot be derived from the wrong stage.
#pragma once

#include <functional>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "glasstls/crypto.h"
#include "glasstls/secret.h"

namespace glasstls::handshake {

// KeyScheduleObserver sees every step of the key schedule: label, inputs and output. It is
// only installed when the caller opts in to seeing secrets.
using KeyScheduleObserver =
    std::function<void(std::string_view step, ByteView input, ByteView context, ByteView output)>;

// hkdf_expand_label is HKDF-Expand-Label(secret, label, context, length), section 7.1:
//   struct { uint16 length; opaque label<7..255> = "tls13 " + Label; opaque context<0..255>; }
Result<Secret> hkdf_expand_label(const crypto::Hash& hash, ByteView secret, std::string_view label,
                                 ByteView context, size_t length);

// derive_secret is Derive-Secret(secret, label, messages) given Transcript-Hash(messages).
Result<Secret> derive_secret(const crypto::Hash& hash, ByteView secret, std::string_view label,
                             ByteView transcript_hash);

// TrafficKeys are the write key and IV derived from a traffic secret (section 7.3).
struct TrafficKeys {
  Secret key;
  Secret iv;
};
Result<TrafficKeys> traffic_keys(const crypto::Hash& hash, size_t key_len, ByteView traffic_secret);

// next_traffic_secret is application_traffic_secret_N+1 (section 7.2).
Result<Secret> next_traffic_secret(const crypto::Hash& hash, ByteView traffic_secret);

// finished_verify_data is HMAC(finished_key, transcript_hash) with
// finished_key = HKDF-Expand-Label(base_key, "finished", "", Hash.length) (section 4.4.4).
// `observer`, when given, sees both steps.
Result<Secret> finished_verify_data(const crypto::Hash& hash, ByteView base_key,
                                    ByteView transcript_hash,
                                    const KeyScheduleObserver* observer = nullptr);

// exporter is TLS-Exporter(label, context_value, key_length) (section 7.5).
Result<Bytes> exporter(const crypto::Hash& hash, ByteView exporter_master_secret,
                       std::string_view label, ByteView context, size_t length);

class HandshakeSchedule;
class ApplicationSchedule;

// resumption_psk is the PSK of a ticket (section 4.6.1):
//   HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length)
Result<Secret> resumption_psk(const crypto::Hash& hash, ByteView resumption_master_secret,
                              ByteView ticket_nonce, const KeyScheduleObserver* observer = nullptr);

class EarlySchedule {
 public:
  // start computes Early Secret = HKDF-Extract(0, 0): no PSK.
  static EarlySchedule start(const crypto::Hash& hash, const KeyScheduleObserver* observer);
  // start_with_psk computes Early Secret = HKDF-Extract(0, PSK).
  static EarlySchedule start_with_psk(const crypto::Hash& hash, ByteView psk,
                                      const KeyScheduleObserver* observer);
  // resumption_binder computes the binder of a resumption PSK (section 4.2.11.2): the Finished
  // computation with binder_key = Derive-Secret(early_secret, "res binder", "") as the base
  // key, over `partial_hello_hash`, the transcript hash up to and excluding the binders list.
  Result<Secret> resumption_binder(ByteView partial_hello_hash) const;
  // client_early_traffic and early_exporter_master take Transcript-Hash(ClientHello): the
  // 0-RTT data's traffic secret and the early exporters' master secret (section 7.1).
  Result<Secret> client_early_traffic(ByteView hello_hash) const;
  Result<Secret> early_exporter_master(ByteView hello_hash) const;
  // with_shared_secret computes the Handshake Secret from the (EC)DHE shared secret.
  Result<HandshakeSchedule> with_shared_secret(ByteView shared_secret) &&;
  ByteView early_secret() const;

 private:
  EarlySchedule(const crypto::Hash& hash, const KeyScheduleObserver* observer)
      : hash_(&hash), observer_(observer) {}
  const crypto::Hash* hash_;
  const KeyScheduleObserver* observer_;
  Secret psk_early_;  // the Early Secret of a PSK; empty without one
};

class HandshakeSchedule {
 public:
  // client_handshake_traffic and server_handshake_traffic take
  // Transcript-Hash(ClientHello...ServerHello).
  Result<Secret> client_handshake_traffic(ByteView transcript_hash) const;
  Result<Secret> server_handshake_traffic(ByteView transcript_hash) const;
  // into_application computes the Master Secret.
  Result<ApplicationSchedule> into_application() &&;
  ByteView handshake_secret() const { return secret_.span(); }

 private:
  friend class EarlySchedule;
  HandshakeSchedule(const crypto::Hash& hash, Secret s, const KeyScheduleObserver* observer)
      : hash_(&hash), secret_(std::move(s)), observer_(observer) {}
  Result<Secret> derive(std::string_view label, ByteView transcript_hash) const;
  const crypto::Hash* hash_;
  Secret secret_;
  const KeyScheduleObserver* observer_;
};

class ApplicationSchedule {
 public:
  // These take Transcript-Hash(ClientHello...server Finished).
  Result<Secret> client_application_traffic(ByteView transcript_hash) const;
  Result<Secret> server_application_traffic(ByteView transcript_hash) const;
  Result<Secret> exporter_master(ByteView transcript_hash) const;
  // resumption_master takes Transcript-Hash(ClientHello...client Finished).
  Result<Secret> resumption_master(ByteView transcript_hash) const;
  ByteView master_secret() const { return secret_.span(); }

 private:
  friend class HandshakeSchedule;
  ApplicationSchedule(const crypto::Hash& hash, Secret s, const KeyScheduleObserver* observer)
      : hash_(&hash), secret_(std::move(s)), observer_(observer) {}
  Result<Secret> derive(std::string_view label, ByteView transcript_hash) const;
  const crypto::Hash* hash_;
  Secret secret_;
  const KeyScheduleObserver* observer_;
};

}  // namespace glasstls::handshake
