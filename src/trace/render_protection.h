// render_protection.h (internal): the wording of a TLS 1.2 protected record's parts
// (TraceRecord::protection), shared by the text, JSON and HTML renderers.
//
// The parts come from the record layer's protector (RecordProtector::trace_tls12); these
// functions only lay them out as annotated fields, so that every renderer shows them with its
// usual field view: the fragment's parts (explicit nonce or IV, ciphertext, tag or MAC), the
// additional data or the MAC's header (seq_num || type || version || length), and, for CBC, the
// decrypted MAC and padding after the content.
#pragma once

#include <string>

#include "glasstls/trace.h"

namespace glasstls::render {

// is_tls12_protected says whether `r` carries the parts of a TLS 1.2 protected record.
inline bool is_tls12_protected(const TraceRecord& r) {
  return r.encrypted && r.protection.kind != TraceProtectionKind::kUnknown;
}

// protection_id names a kind in the JSON output ("tls12_gcm", ...).
std::string protection_id(TraceProtectionKind kind);

// protection_name is the kind for a reader: "AES-GCM with an explicit nonce (RFC 5288)".
std::string protection_name(TraceProtectionKind kind);

// fragment_parts annotates the record's fragment (offsets from its first byte): for GCM
// nonce_explicit, ciphertext and tag; for ChaCha20-Poly1305 ciphertext and tag; for CBC the IV
// and the ciphertext, and the MAC under encrypt-then-MAC. Parts that do not add up to the
// fragment are shown as far as they go.
TraceField fragment_parts(const TraceRecord& r);

// additional_data_parts annotates r.protection.additional_data: seq_num, type, version and
// length, and what they are the start of (the AEAD's additional data, the MAC's input).
TraceField additional_data_parts(const TraceRecord& r);

// nonce_formula says how the record's nonce was made (empty for CBC, which has none).
std::string nonce_formula(TraceProtectionKind kind);

// plaintext_summary is the line on what the record decrypted to: its content, with no inner
// content type, and for CBC its MAC (MAC-then-encrypt) and padding.
std::string plaintext_summary(const TraceRecord& r);

// decrypted_parts annotates what CBC decryption gave after the content (offsets from the
// MAC's first byte, over r.protection.mac || r.protection.padding under MAC-then-encrypt, over
// the padding alone under encrypt-then-MAC): blank for the AEAD kinds.
TraceField decrypted_parts(const TraceRecord& r);

// decrypted_tail is the bytes decrypted_parts annotates.
Bytes decrypted_tail(const TraceRecord& r);

}  // namespace glasstls::render
