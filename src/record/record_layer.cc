#include "record/record_layer.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "crypto/suites.h"

namespace glasstls::record {

uint64_t key_usage_limit(crypto::AeadId id) { return crypto::aead_key_usage_limit(id); }

bool RecordLayer::write_key_exhausted() const {
  return write_.on() && write_seq_ >= write_.key_usage_limit();
}

Result<size_t> RecordLayer::record_len(ByteView buf, const RecordRules& rules) {
  const RecordLimits& limits = rules.limits;
  if (buf.size() < kHeaderLen) {
    return size_t{0};
  }
  const uint8_t type = buf[0];
  const size_t len = (size_t{buf[3]} << 8) | buf[4];
  if (!known_content_type(type)) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5
    //# If a TLS implementation receives an unexpected record type, it MUST
    //# terminate the connection with an "unexpected_message" alert.
    return unexpected_message("record of unknown content type " + std::to_string(type));
  }
  //= https://www.rfc-editor.org/rfc/rfc5246#section-6.2.1
  //# version
  //#    The version of the protocol being employed.  This document
  //#    describes TLS Version 1.2, which uses the version { 3, 3 }.
  if (rules.record_version_checked && (buf[1] != 0x03 || buf[2] != 0x03)) {
    return make_error(
        ErrorKind::kPeerMisbehaved, AlertDescription::protocol_version,
        "record of version 0x" + to_hex(buf.subspan(1, 2)) + " in a TLS 1.2 connection");
  }
  //= https://www.rfc-editor.org/rfc/rfc8446#section-5.2
  //# The length MUST NOT exceed 2^14 + 256 bytes.  An endpoint that receives a record that
  //# exceeds this length MUST terminate the connection with a "record_overflow" alert.
  //= https://www.rfc-editor.org/rfc/rfc5246#section-6.2.3
  //# The length MUST NOT exceed 2^14 + 2048.
  if (len > limits.max_ciphertext()) {
    return record_overflow("record length " + std::to_string(len) + " exceeds " +
                           limit_text(limits.max_plaintext) + "+" +
                           std::to_string(limits.max_expansion));
  }
  return kHeaderLen + len;
}

Result<size_t> RecordLayer::read_record(std::span<uint8_t> buf, Record& out) {
  GLASSTLS_ASSIGN(size_t total, record_len(buf, *rules_));
  if (total == 0 || buf.size() < total) {
    return size_t{0};
  }
  // The destination is the record's own body; the protector decrypts its ciphertext in place.
  std::span<uint8_t> dest = buf.subspan(kHeaderLen, total - kHeaderLen);
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
  // The count saturates just past the budget: once over it, every later skip fails too.
  const size_t skipped =
      std::min(size_t{skipped_bytes_} + std::max<size_t>(payload, 1), kMaxSkippedEarlyData + 1);
  skipped_bytes_ = static_cast<uint32_t>(skipped);
  if (skipped > kMaxSkippedEarlyData) {
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
  GLASSTLS_ASSIGN(const size_t total, record_len(buf, *rules_));
  if (total == 0 || buf.size() < total) {
    return size_t{0};
  }
  const size_t len = total - kHeaderLen;
  ByteView body = buf.subspan(kHeaderLen, len);
  const auto ctype = static_cast<ContentType>(buf[0]);
  const RecordLimits& limits = rules_->limits;
  // outer_fixed: protected records all have outer type application_data (TLS 1.3), so one of
  // another type is in the clear even once read protection is on.
  const bool outer_fixed = rules_->protected_outer_type_fixed;
  out.protected_record = false;
  out.skipped = false;

  if (!read_.on() || (outer_fixed && ctype == ContentType::change_cipher_spec)) {
    if (!read_.on() && ctype == ContentType::application_data) {
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
      //# The server then ignores early data by skipping all records with an external
      //# content type of "application_data" (indicating that they are
      //# encrypted), up to the configured max_early_data_size.
      if (skip_ == Skip::kUnprotected) {
        return skip(total, len > kTagLen ? len - kTagLen - 1 : 0, out);
      }
      return unexpected_message("application data before the handshake keys are in place");
    }
    if (len > limits.max_plaintext) {
      return record_overflow("plaintext record length " + std::to_string(len) + " exceeds " +
                             limit_text(limits.max_plaintext));
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

  if (outer_fixed && ctype != ContentType::application_data) {
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
  if (len < read_.min_body()) {
    if (skip_ == Skip::kUndecryptable) {
      return skip(total, 0, out);
    }
    return make_error(ErrorKind::kPeerMisbehaved, AlertDescription::bad_record_mac,
                      "protected record body of " + std::to_string(len) +
                          " bytes, shorter than the protection's least (" +
                          std::to_string(read_.min_body()) + ")");
  }
  if (read_seq_ == std::numeric_limits<uint64_t>::max()) {
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.3
    //# Because the size of sequence numbers is 64-bit, they should not
    //# wrap.  If a TLS implementation would need to wrap a sequence number,
    //# it MUST either rekey (Section 4.6.3) or terminate the connection.
    return make_error(ErrorKind::kPeerMisbehaved, AlertDescription::unexpected_message,
                      "read sequence number exhausted");
  }
  // A trace needs the ciphertext. Decrypting in place overwrites it: keep a copy only then.
  Bytes wire_copy;
  ByteView wire = buf.first(total);
  if (tap_ != nullptr && in_place) {
    wire_copy.assign(wire.begin(), wire.end());
    wire = wire_copy;
  }
  OpenedRecord opened;
  Status st = read_.open(buf.first(total), read_seq_, dest, limits.max_plaintext, opened);
  if (st.ok() && !opened.authentic) {
    if (skip_ == Skip::kUndecryptable) {
      return skip(total, len - read_.overhead(), out);
    }
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.2
    //# If the decryption fails, the receiver MUST terminate the connection
    //# with a "bad_record_mac" alert.
    return make_error(ErrorKind::kPeerMisbehaved, AlertDescription::bad_record_mac,
                      "record authentication failed (sequence " + std::to_string(read_seq_) + ")");
  }
  if (opened.authentic) {
    read_seq_++;
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //# Once a record is deprotected successfully,
    //# it is treated as the start of the client's second flight and the
    //# server proceeds as with an ordinary 1-RTT handshake.
    skip_ = Skip::kNone;
  }
  if (!st.ok()) {
    return std::move(st).error();
  }
  out.type = opened.type;
  out.fragment = opened.content;
  out.protected_record = true;
  if (tap_ != nullptr) {
    tap_->on_record(false, opened.type, wire, opened.content, opened.padding, &read_,
                    read_seq_ - 1);
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
  if (type == ContentType::application_data && (!write_.on() || !write_.application())) {
    return internal_error(write_.on() ? "refusing to send application data under handshake keys"
                                      : "refusing to send application data without protection");
  }
  size_t offset = 0;
  do {
    const size_t chunk = std::min(rules_->limits.max_plaintext, data.size() - offset);
    const size_t start = out.size();
    ByteView content = data.subspan(offset, chunk);
    if (!write_.on()) {
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
      if (write_seq_ == std::numeric_limits<uint64_t>::max()) {
        return internal_error("write sequence number exhausted");
      }
      const size_t total = kHeaderLen + write_.body_len(chunk);
      uint8_t* h = grow(out, total);
      // The protector writes the header and seals from the caller's buffer straight into the
      // record.
      Status sealed = write_.seal(type, content, write_seq_, std::span<uint8_t>(h, total));
      if (!sealed.ok()) {
        shrink(out, start);
        return std::move(sealed).error();
      }
      committed(out, total);
      if (tap_ != nullptr) {
        // Report the plaintext from the caller's buffer: the record holds ciphertext.
        tap_->on_record(true, type, ByteView(h, total), content, 0, &write_, write_seq_);
      }
      write_seq_++;
    }
    offset += chunk;
  } while (offset < data.size());
  return Ok{};
}

}  // namespace glasstls::record
