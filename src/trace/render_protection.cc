// render_protection.cc: the wording of a TLS 1.2 protected record's parts (see
// render_protection.h).
#include "trace/render_protection.h"

#include <algorithm>
#include <string>
#include <utility>

#include "trace/annotate_internal.h"
#include "trace/render_common.h"

namespace glasstls::render {

namespace {

TraceField leaf(std::string name, size_t offset, size_t length, std::string value,
                std::string meaning, std::string explanation) {
  TraceField f;
  f.name = std::move(name);
  f.offset = offset;
  f.length = length;
  f.value = std::move(value);
  f.meaning = std::move(meaning);
  f.explanation = std::move(explanation);
  return f;
}

bool is_cbc(TraceProtectionKind k) {
  return k == TraceProtectionKind::kTls12CbcMacThenEncrypt ||
         k == TraceProtectionKind::kTls12CbcEncryptThenMac;
}

uint64_t big_endian(ByteView b) {
  uint64_t v = 0;
  for (uint8_t x : b) {
    v = (v << 8) | x;
  }
  return v;
}

}  // namespace

std::string protection_id(TraceProtectionKind kind) {
  switch (kind) {
    case TraceProtectionKind::kUnknown: return "unknown";
    case TraceProtectionKind::kTls12Gcm: return "tls12_gcm";
    case TraceProtectionKind::kTls12ChaCha20Poly1305: return "tls12_chacha20_poly1305";
    case TraceProtectionKind::kTls12CbcMacThenEncrypt: return "tls12_cbc_mac_then_encrypt";
    case TraceProtectionKind::kTls12CbcEncryptThenMac: return "tls12_cbc_encrypt_then_mac";
  }
  return "unknown";
}

std::string protection_name(TraceProtectionKind kind) {
  switch (kind) {
    case TraceProtectionKind::kUnknown: return "";
    case TraceProtectionKind::kTls12Gcm: return "TLS 1.2 AES-GCM with an explicit nonce (RFC 5288)";
    case TraceProtectionKind::kTls12ChaCha20Poly1305: return "TLS 1.2 ChaCha20-Poly1305 (RFC 7905)";
    case TraceProtectionKind::kTls12CbcMacThenEncrypt:
      return "TLS 1.2 CBC with HMAC, MAC-then-encrypt (RFC 5246 section 6.2.3.2)";
    case TraceProtectionKind::kTls12CbcEncryptThenMac:
      return "TLS 1.2 CBC with HMAC, encrypt-then-MAC (RFC 7366)";
  }
  return "";
}

TraceField fragment_parts(const TraceRecord& r) {
  const TraceProtection& p = r.protection;
  const size_t fragment_len = fragment(r).size();
  TraceField root;
  root.name = "fragment";
  root.length = fragment_len;
  root.meaning = protection_name(p.kind);
  root.wireshark = std::string(annotate::wireshark_fragment_name(r.content_type));
  size_t off = 0;
  switch (p.kind) {
    case TraceProtectionKind::kTls12Gcm:
      root.explanation =
          "GenericAEADCipher: nonce_explicit, then the AEAD's output, the ciphertext and its tag";
      root.children.push_back(leaf(
          "nonce_explicit", off, p.explicit_nonce.size(), "", bytes_label(p.explicit_nonce.size()),
          "the nonce's explicit part, sent in the clear and chosen by the sender (often the "
          "sequence number); nonce = salt (the 4-byte write IV from the key block) || "
          "nonce_explicit"));
      break;
    case TraceProtectionKind::kTls12ChaCha20Poly1305:
      root.explanation =
          "GenericAEADCipher: the AEAD's output, the ciphertext and its tag; nothing of the nonce "
          "is sent";
      break;
    case TraceProtectionKind::kTls12CbcMacThenEncrypt:
      root.explanation =
          "GenericBlockCipher: the IV, then content, MAC, padding and padding_length, all "
          "encrypted";
      root.children.push_back(leaf("IV", off, p.explicit_nonce.size(), "",
                                   bytes_label(p.explicit_nonce.size()),
                                   "the record's own CBC initialisation vector, sent in the "
                                   "clear; chosen at random for each record"));
      break;
    case TraceProtectionKind::kTls12CbcEncryptThenMac:
      root.explanation =
          "the IV and the encrypted content, padding and padding_length, then the MAC over "
          "them, in the clear (RFC 7366)";
      root.children.push_back(leaf("IV", off, p.explicit_nonce.size(), "",
                                   bytes_label(p.explicit_nonce.size()),
                                   "the record's own CBC initialisation vector, sent in the "
                                   "clear; chosen at random for each record"));
      break;
    case TraceProtectionKind::kUnknown: return root;
  }
  off += p.explicit_nonce.size();
  std::string what;
  switch (p.kind) {
    case TraceProtectionKind::kTls12Gcm:
    case TraceProtectionKind::kTls12ChaCha20Poly1305:
      what = "the content encrypted, exactly as long as the content";
      break;
    case TraceProtectionKind::kTls12CbcMacThenEncrypt:
      what = "AES-CBC(content || MAC || padding || padding_length), whole 16-byte blocks";
      break;
    default: what = "AES-CBC(content || padding || padding_length), whole 16-byte blocks"; break;
  }
  root.children.push_back(
      leaf("ciphertext", off, p.ciphertext.size(), "", bytes_label(p.ciphertext.size()), what));
  off += p.ciphertext.size();
  if (p.kind == TraceProtectionKind::kTls12Gcm) {
    root.children.push_back(leaf("tag", off, p.mac.size(), "", bytes_label(p.mac.size()),
                                 "the GCM authentication tag over the additional data and the "
                                 "ciphertext: a record whose tag does not match is refused with "
                                 "bad_record_mac"));
  } else if (p.kind == TraceProtectionKind::kTls12ChaCha20Poly1305) {
    root.children.push_back(leaf("tag", off, p.mac.size(), "", bytes_label(p.mac.size()),
                                 "the Poly1305 authentication tag over the additional data and "
                                 "the ciphertext: a record whose tag does not match is refused "
                                 "with bad_record_mac"));
  } else if (p.kind == TraceProtectionKind::kTls12CbcEncryptThenMac) {
    root.children.push_back(
        leaf("MAC", off, p.mac.size(), "", bytes_label(p.mac.size()),
             "HMAC(MAC key, seq_num || type || version || length || IV || ciphertext), checked "
             "before anything is decrypted"));
  }
  if (off + (is_cbc(p.kind) && p.kind != TraceProtectionKind::kTls12CbcEncryptThenMac
                 ? 0
                 : p.mac.size()) !=
      fragment_len) {
    root.explanation += "; the parts do not add up to the fragment";
  }
  return root;
}

TraceField additional_data_parts(const TraceRecord& r) {
  const TraceProtection& p = r.protection;
  const ByteView ad = p.additional_data;
  TraceField root;
  root.length = ad.size();
  switch (p.kind) {
    case TraceProtectionKind::kTls12Gcm:
    case TraceProtectionKind::kTls12ChaCha20Poly1305:
      root.name = "additional_data";
      root.explanation =
          "seq_num || type || version || length: authenticated by the AEAD with the ciphertext, "
          "never sent; length is the content's";
      break;
    case TraceProtectionKind::kTls12CbcMacThenEncrypt:
      root.name = "MAC input";
      root.explanation =
          "MAC = HMAC(MAC key, seq_num || type || version || length || content), computed on "
          "the content and encrypted after it; length is the content's";
      break;
    case TraceProtectionKind::kTls12CbcEncryptThenMac:
      root.name = "MAC input";
      root.explanation =
          "MAC = HMAC(MAC key, seq_num || type || version || length || IV || ciphertext); "
          "length counts the IV and the ciphertext";
      break;
    case TraceProtectionKind::kUnknown: return root;
  }
  if (ad.size() != 13) {
    root.explanation += "; not the 13 bytes expected";
    return root;
  }
  root.children.push_back(leaf("seq_num", 0, 8, dec(big_endian(ad.first(8))), "",
                               "the record's sequence number under this key, counted by both "
                               "sides and never sent; it starts at 0 after ChangeCipherSpec"));
  const auto type = static_cast<ContentType>(ad[8]);
  root.children.push_back(leaf("type", 8, 1, dec(ad[8]), content_type_label(type),
                               "the record's content type, as in its header"));
  root.children.push_back(leaf("version", 9, 2, "0x" + hex(ad.subspan(9, 2)),
                               ad[9] == 3 && ad[10] == 3 ? "TLS 1.2" : "",
                               "the record's version, as in its header"));
  const uint64_t length = big_endian(ad.subspan(11, 2));
  root.children.push_back(leaf("length", 11, 2, dec(length), bytes_label(length),
                               p.kind == TraceProtectionKind::kTls12CbcEncryptThenMac
                                   ? "the length of the IV and the ciphertext, not of the content"
                                   : "the length of the content, not of the fragment"));
  return root;
}

std::string nonce_formula(TraceProtectionKind kind) {
  switch (kind) {
    case TraceProtectionKind::kTls12Gcm: return "salt (write IV) || nonce_explicit";
    case TraceProtectionKind::kTls12ChaCha20Poly1305:
      return "write IV XOR the sequence number (padded to 12 bytes)";
    default: return "";
  }
}

std::string plaintext_summary(const TraceRecord& r) {
  const TraceProtection& p = r.protection;
  std::string out =
      "plaintext: " + content_type_label(r.content_type) + ", " + bytes_label(r.plaintext.size());
  if (p.kind == TraceProtectionKind::kTls12CbcMacThenEncrypt) {
    out += ", then its MAC (" + bytes_label(p.mac.size()) + ") and " +
           bytes_label(p.padding.size()) + " of padding";
  } else if (p.kind == TraceProtectionKind::kTls12CbcEncryptThenMac) {
    out += ", then " + bytes_label(p.padding.size()) + " of padding";
  }
  out += " (TLS 1.2 has no inner content type: the header's type is the content's)";
  return out;
}

Bytes decrypted_tail(const TraceRecord& r) {
  const TraceProtection& p = r.protection;
  Bytes out;
  if (p.kind == TraceProtectionKind::kTls12CbcMacThenEncrypt) {
    out = p.mac;
  }
  if (is_cbc(p.kind)) {
    out.insert(out.end(), p.padding.begin(), p.padding.end());
  }
  return out;
}

TraceField decrypted_parts(const TraceRecord& r) {
  const TraceProtection& p = r.protection;
  TraceField root;
  if (!is_cbc(p.kind)) {
    return root;
  }
  root.name = "after the content";
  size_t off = 0;
  if (p.kind == TraceProtectionKind::kTls12CbcMacThenEncrypt) {
    root.explanation = "decrypted after the content: its MAC, then the padding";
    root.children.push_back(
        leaf("MAC", off, p.mac.size(), "", bytes_label(p.mac.size()),
             "HMAC(MAC key, seq_num || type || version || length || content), checked after "
             "decrypting, in the same time whatever the padding (RFC 5246 section 6.2.3.2)"));
    off += p.mac.size();
  } else {
    root.explanation = "decrypted after the content: the padding";
  }
  root.length = off + p.padding.size();
  if (!p.padding.empty()) {
    const size_t n = p.padding.size();
    root.children.push_back(leaf("padding", off, n - 1, "", bytes_label(n - 1),
                                 "padding to a whole number of blocks: every byte says the "
                                 "padding's length"));
    root.children.push_back(leaf("padding_length", off + n - 1, 1, dec(p.padding.back()), "",
                                 "how many padding bytes come before it"));
  }
  return root;
}

}  // namespace glasstls::render
