#include "record/record_layer.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace glasstls::record {

void Protection::nonce(uint8_t out[12]) const {
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

uint64_t key_usage_limit(crypto::AeadId id) {
  switch (id) {
    case crypto::AeadId::kAes128Gcm:
    case crypto::AeadId::kAes256Gcm: return uint64_t{1} << 24;
    case crypto::AeadId::kChaCha20Poly1305: return uint64_t{1} << 62;
  }
  return uint64_t{1} << 24;
}

bool RecordLayer::write_key_exhausted() const {
  return write_on_ && write_.seq >= key_usage_limit(write_.aead->id());
}

namespace {

Error record_overflow(std::string reason) {
  return make_error(ErrorKind::kPeerMisbehaved, AlertDescription::record_overflow,
                    std::move(reason));
}

bool known_type(uint8_t t) {
  return t == static_cast<uint8_t>(ContentType::change_cipher_spec) ||
         t == static_cast<uint8_t>(ContentType::alert) ||
         t == static_cast<uint8_t>(ContentType::handshake) ||
         t == static_cast<uint8_t>(ContentType::application_data);
}

}  // namespace

Result<size_t> RecordLayer::record_len(ByteView buf) {
  if (buf.size() < kHeaderLen) {
    return size_t{0};
  }
  const uint8_t type = buf[0];
  const size_t len = (size_t{buf[3]} << 8) | buf[4];
  if (!known_type(type)) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5
    //# If a TLS implementation receives an unexpected record type, it MUST
    //# terminate the connection with an "unexpected_message" alert.
    return unexpected_message("record of unknown content type " + std::to_string(type));
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-5.2
  //# The length MUST NOT exceed 2^14 + 256 bytes.  An endpoint that receives a record that
  //# exceeds this length MUST terminate the connection with a "record_overflow" alert.
  if (len > kMaxCiphertext) {
    return record_overflow("record length " + std::to_string(len) + " exceeds 2^14+256");
  }
  return kHeaderLen + len;
}

Result<size_t> RecordLayer::read_record(std::span<uint8_t> buf, Record& out) {
  GLASSTLS_ASSIGN(size_t total, record_len(buf));
  if (total == 0 || buf.size() < total) {
    return size_t{0};
  }
  // The destination is the record's own ciphertext (a protected record has at least a tag).
  std::span<uint8_t> body = buf.subspan(kHeaderLen, total - kHeaderLen);
  std::span<uint8_t> dest = body.first(body.size() >= kTagLen ? body.size() - kTagLen : 0);
  return read_into(buf, dest, true, out);
}

Result<size_t> RecordLayer::read_record(ByteView buf, std::span<uint8_t> dest, Record& out) {
  return read_into(buf, dest, false, out);
}

Result<size_t> RecordLayer::skip(size_t total, size_t payload, Record& out) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
  //# The server then skips past early data by attempting to deprotect
  //# received records using the handshake traffic key, discarding
  //# records which fail deprotection (up to the configured
  //# max_early_data_size).
  // A record with no payload (a tag and a type byte, or less) still costs a decryption: each
  // skipped record is charged at least one byte, so no number of them is free.
  skipped_bytes_ += std::max<size_t>(payload, 1);
  if (skipped_bytes_ > kMaxSkippedEarlyData) {
    return unexpected_message("more than " + std::to_string(kMaxSkippedEarlyData) +
                              " bytes of 0-RTT data to skip");
  }
  out.type = ContentType::application_data;
  out.fragment = {};
  out.skipped = true;
  return total;
}

Result<size_t> RecordLayer::read_into(ByteView buf, std::span<uint8_t> dest, bool in_place,
                                      Record& out) {
  GLASSTLS_ASSIGN(const size_t total, record_len(buf));
  if (total == 0 || buf.size() < total) {
    return size_t{0};
  }
  const size_t len = total - kHeaderLen;
  ByteView body = buf.subspan(kHeaderLen, len);
  const auto ctype = static_cast<ContentType>(buf[0]);
  out.protected_record = false;
  out.skipped = false;

  if (!read_on_ || ctype == ContentType::change_cipher_spec) {
    if (!read_on_ && ctype == ContentType::application_data) {
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
      //# The server then ignores early data by skipping all records with an external
      //# content type of "application_data" (indicating that they are
      //# encrypted), up to the configured max_early_data_size.
      if (skip_ == Skip::kUnprotected) {
        return skip(total, len > kTagLen ? len - kTagLen - 1 : 0, out);
      }
      return unexpected_message("application data before the handshake keys are in place");
    }
    if (len > kMaxPlaintext) {
      return record_overflow("plaintext record length " + std::to_string(len) + " exceeds 2^14");
    }
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
    //# Implementations MUST NOT send zero-length fragments of Handshake
    //# types, even if those fragments contain padding.
    if (len == 0 && ctype != ContentType::application_data) {
      return unexpected_message("zero-length " + std::string(name(ctype)) + " record");
    }
    out.type = ctype;
    out.fragment = body;
    if (tap_ != nullptr) {
      tap_->on_record(false, ctype, buf.first(total), body, 0, nullptr, 0);
    }
    return total;
  }

  if (ctype != ContentType::application_data) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.2
    //# opaque_type:  The outer opaque_type field of a TLSCiphertext record
    //# is always set to the value 23 (application_data)
    std::string what(name(ctype));
    if (ctype == ContentType::alert && len == 2) {
      // A peer that failed before it had keys sends its alert in the clear: say which.
      std::string_view desc = name(static_cast<AlertDescription>(body[1]));
      what += " (" + (desc.empty() ? std::to_string(body[1]) : std::string(desc)) + ")";
    }
    return unexpected_message("unprotected " + what + " record after keys were established");
  }
  if (len < kTagLen + 1) {
    if (skip_ == Skip::kUndecryptable) {
      return skip(total, 0, out);
    }
    return make_error(ErrorKind::kPeerMisbehaved, AlertDescription::bad_record_mac,
                      "protected record shorter than the AEAD tag");
  }
  if (read_.seq == std::numeric_limits<uint64_t>::max()) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.3
    //# Because the size of sequence numbers is 64-bit, they should not
    //# wrap.  If a TLS implementation would need to wrap a sequence number,
    //# it MUST either rekey (Section 4.6.3) or terminate the connection.
    return make_error(ErrorKind::kPeerMisbehaved, AlertDescription::unexpected_message,
                      "read sequence number exhausted");
  }
  ByteView ciphertext = body.first(len - kTagLen);
  ByteView tag = body.subspan(len - kTagLen);
  if (dest.size() < ciphertext.size()) {
    return internal_error("record decryption destination smaller than the ciphertext");
  }
  std::span<uint8_t> plain = dest.first(ciphertext.size());
  uint8_t nonce[12];
  read_.nonce(nonce);
  // A trace needs the ciphertext. Decrypting in place overwrites it: keep a copy only then.
  Bytes wire_copy;
  ByteView wire = buf.first(total);
  if (tap_ != nullptr && in_place) {
    wire_copy.assign(wire.begin(), wire.end());
    wire = wire_copy;
  }
  // The additional data is the record header (section 5.2).
  uint8_t aad[kHeaderLen];
  std::memcpy(aad, buf.data(), kHeaderLen);
  auto opened =
      read_.key->open_into(ByteView(nonce, 12), ByteView(aad, kHeaderLen), ciphertext, plain, tag);
  if (!opened.ok() && skip_ == Skip::kUndecryptable) {
    return skip(total, len - kTagLen - 1, out);
  }
  if (!opened.ok()) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.2
    //# If the decryption fails, the receiver MUST terminate the connection
    //# with a "bad_record_mac" alert.
    return make_error(ErrorKind::kPeerMisbehaved, AlertDescription::bad_record_mac,
                      "record authentication failed (sequence " + std::to_string(read_.seq) + ")");
  }
  read_.seq++;
  //# Once a record is deprotected successfully,
  //# it is treated as the start of the client's second flight and the
  //# server proceeds as with an ordinary 1-RTT handshake.
  skip_ = Skip::kNone;
  //= https://www.rfc-editor.org/rfc/rfc8446#section-5.4
  //# The presence of padding does not change the overall record size
  //# limitations: the full encoded TLSInnerPlaintext MUST NOT exceed 2^14
  //# + 1 octets.
  //= https://www.rfc-editor.org/rfc/rfc8446#section-6.2
  //# record_overflow:  A TLSCiphertext record was received that had a
  //# length more than 2^14 + 256 bytes, or a record decrypted to a
  //# TLSPlaintext record with more than 2^14 bytes
  if (plain.size() > kMaxPlaintext + 1) {
    return record_overflow("TLSInnerPlaintext of " + std::to_string(plain.size()) +
                           " bytes exceeds 2^14 + 1");
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
  if (!known_type(inner) || inner == static_cast<uint8_t>(ContentType::change_cipher_spec)) {
    return unexpected_message("protected record of content type " + std::to_string(inner));
  }
  const auto inner_type = static_cast<ContentType>(inner);
  if (n == 0 && inner_type != ContentType::application_data) {
    return unexpected_message("zero-length protected " + std::string(name(inner_type)) + " record");
  }
  out.type = inner_type;
  out.fragment = ByteView(plain.data(), n);
  out.protected_record = true;
  if (tap_ != nullptr) {
    tap_->on_record(false, inner_type, wire, out.fragment, plain.size() - n - 1, &read_,
                    read_.seq - 1);
  }
  return total;
}

namespace {

// grow appends `n` bytes of room to `out` and returns them; shrink drops bytes added since
// `size`. For a Buffer the room is uninitialised and only committed once written.
uint8_t* grow(Bytes& out, size_t n) {
  out.resize(out.size() + n);
  return out.data() + out.size() - n;
}
void committed(Bytes&, size_t) {}
void shrink(Bytes& out, size_t size) { out.resize(size); }

uint8_t* grow(Buffer& out, size_t n) { return out.prepare(n).data(); }
void committed(Buffer& out, size_t n) { out.commit(n); }
void shrink(Buffer&, size_t) {}

}  // namespace

Status RecordLayer::write(ContentType type, ByteView data, Buffer& out, uint16_t legacy_version) {
  return write_to(type, data, out, legacy_version);
}

Status RecordLayer::write(ContentType type, ByteView data, Bytes& out, uint16_t legacy_version) {
  return write_to(type, data, out, legacy_version);
}

template <typename Out>
Status RecordLayer::write_to(ContentType type, ByteView data, Out& out, uint16_t legacy_version) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-2
  //# Application Data MUST NOT be sent prior to sending the Finished
  //# message, except as specified in Section 2.3.
  // Nor ever in the clear: only under an application (or early data) traffic key.
  if (type == ContentType::application_data && (!write_on_ || !write_.application)) {
    return internal_error(write_on_ ? "refusing to send application data under handshake keys"
                                    : "refusing to send application data without protection");
  }
  size_t offset = 0;
  do {
    const size_t chunk = std::min(kMaxPlaintext, data.size() - offset);
    const size_t start = out.size();
    ByteView content = data.subspan(offset, chunk);
    if (!write_on_) {
      uint8_t* h = grow(out, kHeaderLen + chunk);
      h[0] = static_cast<uint8_t>(type);
      h[1] = static_cast<uint8_t>(legacy_version >> 8);
      h[2] = static_cast<uint8_t>(legacy_version);
      h[3] = static_cast<uint8_t>(chunk >> 8);
      h[4] = static_cast<uint8_t>(chunk);
      if (chunk > 0) {
        std::memcpy(h + kHeaderLen, content.data(), chunk);
      }
      committed(out, kHeaderLen + chunk);
      if (tap_ != nullptr) {
        tap_->on_record(true, type, ByteView(h, kHeaderLen + chunk),
                        ByteView(h + kHeaderLen, chunk), 0, nullptr, 0);
      }
    } else {
      if (write_.seq == std::numeric_limits<uint64_t>::max()) {
        return internal_error("write sequence number exhausted");
      }
      const size_t inner_len = chunk + 1;
      const size_t len = inner_len + kTagLen;
      uint8_t* h = grow(out, kHeaderLen + len);
      h[0] = static_cast<uint8_t>(ContentType::application_data);
      h[1] = 0x03;
      h[2] = 0x03;
      h[3] = static_cast<uint8_t>(len >> 8);
      h[4] = static_cast<uint8_t>(len);
      uint8_t* body = h + kHeaderLen;
      uint8_t nonce[12];
      write_.nonce(nonce);
      // TLSInnerPlaintext is content || type, with no padding (section 5.2), sealed from the
      // caller's buffer straight into the record.
      auto sealed = write_.key->seal_record(
          ByteView(nonce, 12), ByteView(h, kHeaderLen), content, static_cast<uint8_t>(type),
          std::span<uint8_t>(body, inner_len), std::span<uint8_t>(body + inner_len, kTagLen));
      if (!sealed.ok()) {
        shrink(out, start);
        return std::move(sealed).error();
      }
      committed(out, kHeaderLen + len);
      if (tap_ != nullptr) {
        // Report the plaintext from the caller's buffer: the record holds ciphertext.
        tap_->on_record(true, type, ByteView(h, kHeaderLen + len), content, 0, &write_, write_.seq);
      }
      write_.seq++;
    }
    offset += chunk;
  } while (offset < data.size());
  return Ok{};
}

}  // namespace glasstls::record
