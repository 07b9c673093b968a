// protector.cc: TLS 1.3 AEAD record protection (see protector.h).
#include "record/protector.h"

#include <bit>
#include <cstring>
#include <type_traits>
#include <variant>

#include "crypto/suites.h"

namespace glasstls::record {

bool known_content_type(uint8_t t) {
  return t == static_cast<uint8_t>(ContentType::change_cipher_spec) ||
         t == static_cast<uint8_t>(ContentType::alert) ||
         t == static_cast<uint8_t>(ContentType::handshake) ||
         t == static_cast<uint8_t>(ContentType::application_data);
}

Error record_overflow(std::string reason) {
  return make_error(ErrorKind::kPeerMisbehaved, AlertDescription::record_overflow,
                    std::move(reason));
}

std::string limit_text(size_t n) { return n == kMaxPlaintext ? "2^14" : std::to_string(n); }

void tls13_nonce(const uint8_t iv[12], uint64_t seq, uint8_t out[12]) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-5.3
  //# 1.  The 64-bit record sequence number is encoded in network byte
  //#     order and padded to the left with zeros to iv_length.
  //# 2.  The padded sequence number is XORed with either the static
  //#     client_write_iv or server_write_iv (depending on the role).
  std::memcpy(out, iv, 12);
  for (int i = 0; i < 8; i++) {
    out[11 - i] ^= static_cast<uint8_t>(seq >> (8 * i));
  }
}

void Protection::nonce(uint8_t out[12]) const { tls13_nonce(iv, seq, out); }

Result<Protection> make_protection(const crypto::Aead& aead, const Secret& key, ByteView iv,
                                   const char* label, bool application, bool keep_trace_key) {
  Protection p;
  if (iv.size() != sizeof(p.iv)) {
    return make_error(ErrorKind::kInternal, AlertDescription::internal_error,
                      "a TLS 1.3 record IV is 12 bytes");
  }
  GLASSTLS_ASSIGN(p.key, aead.new_key(key.span()));
  p.aead = &aead;
  p.label = label;
  p.application = application;
  if (keep_trace_key) {
    p.trace_key = key.clone();
  }
  std::memcpy(p.iv, iv.data(), sizeof(p.iv));
  return p;
}

ProtectorBase::ProtectorBase(size_t overhead, size_t min_body, const char* label, bool application,
                             Secret trace_key, Secret trace_mac_key)
    : label_(label),
      trace_keys_(trace_key.empty() && trace_mac_key.empty()
                      ? nullptr
                      : std::make_unique<TraceKeys>(
                            TraceKeys{std::move(trace_key), std::move(trace_mac_key)})),
      overhead_(static_cast<uint16_t>(overhead)),
      min_body_(static_cast<uint16_t>(min_body)),
      application_(application) {}

const Secret& ProtectorBase::trace_key() const {
  static const Secret kNoKey;
  return trace_keys_ != nullptr ? trace_keys_->key : kNoKey;
}

const Secret& ProtectorBase::trace_mac_key() const {
  static const Secret kNoKey;
  return trace_keys_ != nullptr ? trace_keys_->mac_key : kNoKey;
}

const char* aead_cipher_name(crypto::AeadId aead) {
  switch (aead) {
    case crypto::AeadId::kAes128Gcm: return "AES-128-GCM";
    case crypto::AeadId::kAes256Gcm: return "AES-256-GCM";
    case crypto::AeadId::kChaCha20Poly1305: return "ChaCha20-Poly1305";
  }
  return "";
}

// Every connection holds a protector per direction, inline: keep the usual kind small (on
// 64-bit targets, where the sizes are known).
static_assert(sizeof(void*) != 8 || sizeof(Tls13AeadProtector) <= 48);
static_assert(sizeof(void*) != 8 || sizeof(RecordProtector) <= 56);

Tls13AeadProtector::Tls13AeadProtector(Protection p)
    // The body adds the content type byte and the tag; the shortest that opens is those two.
    : ProtectorBase(1 + p.aead->tag_len(), 1 + p.aead->tag_len(), p.label, p.application,
                    std::move(p.trace_key)),
      tag_len_(static_cast<uint8_t>(p.aead->tag_len())),
      aead_(p.aead->id()),
      limit_log2_(static_cast<uint8_t>(std::bit_width(crypto::aead_key_usage_limit(aead_)) - 1)),
      key_(std::move(p.key)) {
  std::memcpy(iv_, p.iv, sizeof(iv_));
}

Bytes Tls13AeadProtector::nonce_for_trace(uint64_t seq) const {
  uint8_t nonce[12];
  tls13_nonce(iv_, seq, nonce);
  return Bytes(nonce, nonce + 12);
}

Status Tls13AeadProtector::seal(ContentType type, ByteView content, uint64_t seq,
                                std::span<uint8_t> record) {
  const size_t inner_len = content.size() + 1;
  const size_t len = inner_len + tag_len_;
  if (record.size() != kHeaderLen + len) {
    return internal_error("record seal output is not the header, content and overhead");
  }
  uint8_t* h = record.data();
  //= https://www.rfc-editor.org/rfc/rfc8446#section-5.2
  //# opaque_type:  The outer opaque_type field of a TLSCiphertext record
  //# is always set to the value 23 (application_data)
  h[0] = static_cast<uint8_t>(ContentType::application_data);
  h[1] = 0x03;
  h[2] = 0x03;
  h[3] = static_cast<uint8_t>(len >> 8);
  h[4] = static_cast<uint8_t>(len);
  uint8_t* body = h + kHeaderLen;
  uint8_t nonce[12];
  tls13_nonce(iv_, seq, nonce);
  // TLSInnerPlaintext is content || type, with no padding (section 5.2), sealed from the
  // caller's buffer straight into the record. The additional data is the record header.
  return key_->seal_record(ByteView(nonce, 12), ByteView(h, kHeaderLen), content,
                           static_cast<uint8_t>(type), std::span<uint8_t>(body, inner_len),
                           std::span<uint8_t>(body + inner_len, tag_len_));
}

Status Tls13AeadProtector::open(ByteView record, uint64_t seq, std::span<uint8_t> dest,
                                size_t max_plaintext, OpenedRecord& out) {
  out = OpenedRecord{};
  const size_t len = record.size() - kHeaderLen;
  ByteView body = record.subspan(kHeaderLen);
  ByteView ciphertext = body.first(len - tag_len_);
  ByteView tag = body.subspan(len - tag_len_);
  if (dest.size() < ciphertext.size()) {
    return internal_error("record decryption destination smaller than the ciphertext");
  }
  std::span<uint8_t> plain = dest.first(ciphertext.size());
  uint8_t nonce[12];
  tls13_nonce(iv_, seq, nonce);
  // The additional data is the record header (section 5.2), copied: decrypting in place may
  // overwrite what follows it, never the header itself, but the copy keeps the AEAD's inputs
  // apart from its output.
  uint8_t aad[kHeaderLen];
  std::memcpy(aad, record.data(), kHeaderLen);
  if (!key_->open_into(ByteView(nonce, 12), ByteView(aad, kHeaderLen), ciphertext, plain, tag)
           .ok()) {
    return Ok{};
  }
  out.authentic = true;
  out.plaintext = plain;
  //= https://www.rfc-editor.org/rfc/rfc8446#section-5.4
  //# The presence of padding does not change the overall record size
  //# limitations: the full encoded TLSInnerPlaintext MUST NOT exceed 2^14
  //# + 1 octets.
  //= https://www.rfc-editor.org/rfc/rfc8446#section-6.2
  //# record_overflow:  A TLSCiphertext record was received that had a
  //# length more than 2^14 + 256 bytes, or a record decrypted to a
  //# TLSPlaintext record with more than 2^14 bytes
  if (plain.size() > max_plaintext + 1) {
    return record_overflow("TLSInnerPlaintext of " + std::to_string(plain.size()) +
                           " bytes exceeds " + limit_text(max_plaintext) + " + 1");
  }
  // Strip the zero padding and take the real content type from the last non-zero byte.
  size_t n = plain.size();
  while (n > 0 && plain[n - 1] == 0) {
    n--;
  }
  if (n == 0) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.4
    //# If a receiving implementation does not
    //# find a non-zero octet in the cleartext, it MUST terminate the
    //# connection with an "unexpected_message" alert.
    return unexpected_message("protected record with no content type (all padding)");
  }
  const uint8_t inner = plain[n - 1];
  n--;
  if (!known_content_type(inner) ||
      inner == static_cast<uint8_t>(ContentType::change_cipher_spec)) {
    return unexpected_message("protected record of content type " + std::to_string(inner));
  }
  const auto inner_type = static_cast<ContentType>(inner);
  if (n == 0 && inner_type != ContentType::application_data) {
    return unexpected_message("zero-length protected " + std::string(name(inner_type)) + " record");
  }
  out.type = inner_type;
  out.content = ByteView(plain.data(), n);
  out.padding = plain.size() - n - 1;
  return Ok{};
}

// The calls a RecordProtector passes on to its kind. None has no keys: sealing or opening
// under it is the caller's mistake.
namespace {
template <typename K>
constexpr bool kIsNone = std::is_same_v<std::decay_t<K>, std::monostate>;
}  // namespace

Error RecordProtector::no_protection() {
  return internal_error("record seal or open with no protection installed");
}

const char* RecordProtector::cipher_name() const {
  return std::visit(
      [&](const auto& k) -> const char* {
        if constexpr (kIsNone<decltype(k)>) {
          return "";
        } else {
          return k.cipher_name();
        }
      },
      kind_);
}

Bytes RecordProtector::nonce_for_trace(uint64_t seq) const {
  return std::visit(
      [&](const auto& k) -> Bytes {
        if constexpr (kIsNone<decltype(k)>) {
          return {};
        } else {
          return k.nonce_for_trace(seq);
        }
      },
      kind_);
}

}  // namespace glasstls::record
