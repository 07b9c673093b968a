// redo.cc: redo_command (include/glasstls/trace.h), the openssl command line that recomputes a
// key schedule step from the values the trace shows beside it.
#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "glasstls/trace.h"
#include "trace/render_common.h"

namespace glasstls {

namespace {

// quote puts `s` between single quotes for a POSIX shell, a quote inside becoming '\''.
std::string quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  out += "'";
  return out;
}

// known_hash accepts only the digest names the key schedules use, so that nothing else reaches
// the command line.
bool known_hash(std::string_view hash) {
  return hash == "SHA256" || hash == "SHA384" || hash == "SHA512";
}

// hkdf_label is the HkdfLabel structure, RFC 8446 section 7.1: the info of HKDF-Expand.
Bytes hkdf_label(std::string_view label, ByteView context, size_t length) {
  constexpr std::string_view kPrefix = "tls13 ";
  Bytes info;
  info.push_back(static_cast<uint8_t>(length >> 8));
  info.push_back(static_cast<uint8_t>(length));
  info.push_back(static_cast<uint8_t>(kPrefix.size() + label.size()));
  info.insert(info.end(), kPrefix.begin(), kPrefix.end());
  info.insert(info.end(), label.begin(), label.end());
  info.push_back(static_cast<uint8_t>(context.size()));
  info.insert(info.end(), context.begin(), context.end());
  return info;
}

// kdf is the head of an `openssl kdf` command for `length` bytes with `hash`.
std::string kdf(size_t length, std::string_view hash) {
  return "openssl kdf -keylen " + std::to_string(length) + " -kdfopt digest:" + std::string(hash);
}

// base64 is `v` in base64 (RFC 4648 section 4), with padding.
std::string base64(ByteView v) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < v.size(); i += 3) {
    const size_t n = std::min<size_t>(3, v.size() - i);
    uint32_t w = static_cast<uint32_t>(v[i]) << 16;
    if (n > 1) {
      w |= static_cast<uint32_t>(v[i + 1]) << 8;
    }
    if (n > 2) {
      w |= v[i + 2];
    }
    out.push_back(kAlphabet[(w >> 18) & 63]);
    out.push_back(kAlphabet[(w >> 12) & 63]);
    out.push_back(n > 1 ? kAlphabet[(w >> 6) & 63] : '=');
    out.push_back(n > 2 ? kAlphabet[w & 63] : '=');
  }
  return out;
}

// pem_lines is the arguments of a `printf '%s\n'` that prints `der` as a PEM block of `type`,
// 64 characters of base64 a line.
std::string pem_lines(std::string_view type, ByteView der) {
  const std::string b64 = base64(der);
  std::string out = "'-----BEGIN " + std::string(type) + "-----'";
  for (size_t i = 0; i < b64.size(); i += 64) {
    out += " " + b64.substr(i, 64);
  }
  return out + " '-----END " + std::string(type) + "-----'";
}

// KeyFormat is how one group's keys are wrapped for openssl: fixed DER around the raw private
// key (PKCS#8 with the RFC 8410 section 7 key, or SEC1's ECPrivateKey of RFC 5915 with the
// curve after the scalar) and before the peer's public key (SubjectPublicKeyInfo, RFC 8410
// section 4 or RFC 5480 section 2).
struct KeyFormat {
  std::string_view group;
  size_t private_len;
  size_t public_len;
  std::string_view private_type;    // PEM type of the private key
  std::string_view private_prefix;  // hex, before the private key
  std::string_view private_suffix;  // hex, after it
  std::string_view public_prefix;   // hex, before the public key
};

constexpr KeyFormat kKeyFormats[] = {
    {"x25519", 32, 32, "PRIVATE KEY", "302e020100300506032b656e04220420", "",
     "302a300506032b656e032100"},
    {"x448", 56, 56, "PRIVATE KEY", "3046020100300506032b656f043a0438", "",
     "3042300506032b656f033900"},
    {"secp256r1", 32, 65, "EC PRIVATE KEY", "30310201010420", "a00a06082a8648ce3d030107",
     "3059301306072a8648ce3d020106082a8648ce3d030107034200"},
    {"secp384r1", 48, 97, "EC PRIVATE KEY", "303e0201010430", "a00706052b81040022",
     "3076301006072a8648ce3d020106052b81040022036200"},
};

// append_hex appends the bytes of the lower-case hex literal `h`.
void append_hex(Bytes& out, std::string_view h) {
  const auto nibble = [](char c) {
    return static_cast<uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  };
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(nibble(h[i]) << 4 | nibble(h[i + 1])));
  }
}

// strip_zeros drops the leading zero bytes of a big-endian integer.
ByteView strip_zeros(ByteView v) {
  size_t i = 0;
  while (i < v.size() && v[i] == 0) {
    i++;
  }
  return v.subspan(i);
}

// in_open_range says whether 1 < y < p-1, for big-endian `y` and odd `p` without leading zeros.
bool in_open_range(ByteView y, ByteView p) {
  y = strip_zeros(y);
  if (y.empty() || (y.size() == 1 && y[0] == 1) || y.size() > p.size()) {
    return false;
  }
  if (y.size() < p.size()) {
    return true;
  }
  // p is odd, so p-1 is p with its last byte less one, and no borrow.
  for (size_t i = 0; i + 1 < p.size(); i++) {
    if (y[i] != p[i]) {
      return y[i] < p[i];
    }
  }
  return y.back() < p.back() - 1;
}

// der is the DER TLV of `tag` around `content` (X.690 section 8.1: definite length, short form
// under 128 bytes, else the fewest length bytes).
Bytes der(uint8_t tag, ByteView content) {
  Bytes out{tag};
  const size_t n = content.size();
  if (n < 0x80) {
    out.push_back(static_cast<uint8_t>(n));
  } else {
    int bytes = 0;
    for (size_t m = n; m != 0; m >>= 8) {
      bytes++;
    }
    out.push_back(static_cast<uint8_t>(0x80 | bytes));
    for (int i = bytes - 1; i >= 0; i--) {
      out.push_back(static_cast<uint8_t>(n >> (8 * i)));
    }
  }
  out.insert(out.end(), content.begin(), content.end());
  return out;
}

// der_integer is the DER INTEGER of the non-negative big-endian `v`: no leading zero byte but
// one before a first byte of 0x80 or more.
Bytes der_integer(ByteView v) {
  v = strip_zeros(v);
  Bytes body;
  if (v.empty() || v[0] >= 0x80) {
    body.push_back(0);
  }
  body.insert(body.end(), v.begin(), v.end());
  return der(0x02, body);
}

Bytes cat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts) {
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

// dh_command is the pkeyutl command of a finite-field exchange: the private key as PKCS#8 (RFC
// 5208) and the peer's as SubjectPublicKeyInfo, both with the dhKeyAgreement algorithm of PKCS
// #3 (OID 1.2.840.113549.1.3.1, parameters SEQUENCE { p, g }) that openssl reads and writes.
std::string dh_command(const TraceKeyStep& step) {
  const ByteView p = strip_zeros(step.dh_p);
  const ByteView g = strip_zeros(step.dh_g);
  if (p.size() < 2 || (p.back() & 1) == 0 || !in_open_range(g, p) ||
      !in_open_range(step.private_key, p) || !in_open_range(step.input, p) || step.output.empty() ||
      step.output.size() > p.size()) {
    return "";
  }
  Bytes oid;
  append_hex(oid, "06092a864886f70d010301");
  const Bytes algorithm = der(0x30, cat({oid, der(0x30, cat({der_integer(p), der_integer(g)}))}));
  const Bytes priv =
      der(0x30, cat({der_integer(Bytes{0}), algorithm, der(0x04, der_integer(step.private_key))}));
  const Bytes bits = cat({Bytes{0}, der_integer(step.input)});
  const Bytes pub = der(0x30, cat({algorithm, der(0x03, bits)}));
  // The secret as the step shows it: padded to the size of p, or with its leading zeros
  // stripped (openssl's default).
  const bool padded = step.output.size() == p.size();
  return "peer=$(mktemp) && printf '%s\\n' " + pem_lines("PUBLIC KEY", pub) +
         " > \"$peer\" && printf '%s\\n' " + pem_lines("PRIVATE KEY", priv) +
         " | openssl pkeyutl -derive -inkey /dev/stdin -peerkey \"$peer\"" +
         (padded ? " -pkeyopt dh_pad:1" : "") + " | xxd -p -c 256; rm -f \"$peer\"";
}

std::string key_exchange_command(const TraceKeyStep& step) {
  if (!step.dh_p.empty()) {
    return dh_command(step);
  }
  for (const KeyFormat& f : kKeyFormats) {
    if (step.label != f.group) {
      continue;
    }
    if (step.private_key.size() != f.private_len || step.input.size() != f.public_len) {
      return "";
    }
    Bytes priv;
    append_hex(priv, f.private_prefix);
    priv.insert(priv.end(), step.private_key.begin(), step.private_key.end());
    append_hex(priv, f.private_suffix);
    Bytes pub;
    append_hex(pub, f.public_prefix);
    pub.insert(pub.end(), step.input.begin(), step.input.end());
    return "peer=$(mktemp) && printf '%s\\n' " + pem_lines("PUBLIC KEY", pub) +
           " > \"$peer\" && printf '%s\\n' " + pem_lines(f.private_type, priv) +
           " | openssl pkeyutl -derive -inkey /dev/stdin -peerkey \"$peer\" | xxd -p -c 256; "
           "rm -f \"$peer\"";
  }
  return "";
}

}  // namespace

std::string redo_command(const TraceKeyStep& step) {
  if (step.derivation == TraceDerivation::kKeyExchange) {
    return key_exchange_command(step);
  }
  if (!known_hash(step.hash) || step.output.empty()) {
    return "";
  }
  const std::string input = render::hex(step.input);
  const std::string context = render::hex(step.context);
  switch (step.derivation) {
    case TraceDerivation::kUnknown:
    case TraceDerivation::kKeyExchange: return "";
    case TraceDerivation::kHkdfExtract: {
      if (step.input.empty()) {
        return "";
      }
      std::string cmd =
          kdf(step.output.size(), step.hash) + " -kdfopt mode:EXTRACT_ONLY -kdfopt hexkey:" + input;
      // An absent salt is a string of Hash.length zeros (RFC 5869 section 2.2), which is what
      // HMAC makes of an empty key: openssl gets none.
      if (!step.context.empty()) {
        cmd += " -kdfopt hexsalt:" + context;
      }
      return cmd + " HKDF";
    }
    case TraceDerivation::kHkdfExpandLabel: {
      if (step.input.empty() || step.label.size() > 255 - 6 || step.context.size() > 255 ||
          step.output.size() > 0xffff) {
        return "";
      }
      const Bytes info = hkdf_label(step.label, step.context, step.output.size());
      return kdf(step.output.size(), step.hash) +
             " -kdfopt mode:EXPAND_ONLY -kdfopt hexkey:" + input +
             " -kdfopt hexinfo:" + render::hex(info) + " HKDF";
    }
    case TraceDerivation::kHmac:
      if (step.input.empty()) {
        return "";
      }
      return "printf '%s' " + quote(context) + " | xxd -r -p | openssl mac -digest " + step.hash +
             " -macopt hexkey:" + input + " HMAC";
    case TraceDerivation::kTls12Prf:
      if (step.input.empty() || step.label.empty()) {
        return "";
      }
      return kdf(step.output.size(), step.hash) + " -kdfopt hexsecret:" + input + " -kdfopt " +
             quote("seed:" + step.label) +
             (step.context.empty() ? std::string() : " -kdfopt hexseed:" + context) + " TLS1-PRF";
  }
  return "";
}

namespace {

constexpr size_t kRecordHeaderLen = 5;
constexpr size_t kAeadTagLen = 16;

// decrypt is the pipeline that feeds `ciphertext` to `openssl enc -d` with `cipher_args` and
// prints what comes out in hex.
std::string decrypt(ByteView ciphertext, const std::string& cipher_args) {
  return "printf '%s' " + quote(render::hex(ciphertext)) + " | xxd -r -p | openssl enc -d " +
         cipher_args + " | xxd -p -c 256";
}

// aead_decrypt decrypts an AEAD record's ciphertext (without its tag) under `cipher` (as OpenSSL
// names the AEAD) with the stream cipher under it: AES-CTR from GCM's first counter block, or
// ChaCha20 from block counter 1.
std::string aead_decrypt(const TraceRecord& r, std::string_view cipher, ByteView ciphertext) {
  if (r.nonce.size() != 12) {
    return "";
  }
  const std::string key = render::hex(r.key);
  const std::string nonce = render::hex(r.nonce);
  if ((cipher == "AES-128-GCM" && r.key.size() == 16) ||
      (cipher == "AES-256-GCM" && r.key.size() == 32)) {
    return decrypt(ciphertext, std::string("-aes-") + (r.key.size() == 16 ? "128" : "256") +
                                   "-ctr -K " + key + " -iv " + nonce + "00000002");
  }
  if (cipher == "ChaCha20-Poly1305" && r.key.size() == 32) {
    return decrypt(ciphertext, "-chacha20 -K " + key + " -iv 01000000" + nonce);
  }
  return "";
}

// mac_digest names the hash of a TLS 1.2 HMAC by its length (RFC 5246 section 6.2.3.1: the MAC
// is the hash's whole output).
std::string_view mac_digest(size_t mac_len) {
  switch (mac_len) {
    case 20: return "SHA1";
    case 32: return "SHA256";
    case 48: return "SHA384";
    default: return "";
  }
}

std::string cbc_command(const TraceRecord& r) {
  const TraceProtection& p = r.protection;
  const std::string_view digest = mac_digest(p.mac.size());
  const std::string_view cipher = r.key.size() == 16   ? "-aes-128-cbc"
                                  : r.key.size() == 32 ? "-aes-256-cbc"
                                                       : "";
  if (cipher.empty() || digest.empty() || r.mac_key.size() != p.mac.size() ||
      p.explicit_nonce.size() != 16 || p.ciphertext.empty() || p.ciphertext.size() % 16 != 0 ||
      p.additional_data.size() != 13 ||
      (!r.cipher.empty() && r.cipher.find("CBC") == std::string::npos)) {
    return "";
  }
  // The MAC's input: RFC 5246 section 6.2.3.1 (MAC-then-encrypt, over the content) or RFC 7366
  // section 3 (encrypt-then-MAC, over the IV and ciphertext).
  const Bytes mac_input = p.kind == TraceProtectionKind::kTls12CbcMacThenEncrypt
                              ? cat({p.additional_data, r.plaintext})
                              : cat({p.additional_data, p.explicit_nonce, p.ciphertext});
  return decrypt(p.ciphertext, std::string(cipher) + " -nopad -K " + render::hex(r.key) + " -iv " +
                                   render::hex(p.explicit_nonce)) +
         " && printf '%s' " + quote(render::hex(mac_input)) +
         " | xxd -r -p | openssl mac -digest " + std::string(digest) +
         " -macopt hexkey:" + render::hex(r.mac_key) + " HMAC";
}

}  // namespace

std::string redo_record_command(const TraceRecord& r) {
  if (!r.encrypted || !r.plaintext_known || r.key.empty()) {
    return "";
  }
  switch (r.protection.kind) {
    case TraceProtectionKind::kUnknown: {
      // TLS 1.3 (RFC 8446 section 5.2): the fragment is the AEAD's output, the tag last.
      if (r.wire.size() < kRecordHeaderLen + 1 + kAeadTagLen) {
        return "";
      }
      std::string cipher = r.cipher;
      if (cipher.empty() && r.key.size() == 16) {
        cipher = "AES-128-GCM";  // the one TLS 1.3 AEAD of glasstls with a 16-byte key
      }
      const ByteView ct = ByteView(r.wire).subspan(kRecordHeaderLen,
                                                   r.wire.size() - kRecordHeaderLen - kAeadTagLen);
      return aead_decrypt(r, cipher, ct);
    }
    case TraceProtectionKind::kTls12Gcm:
      return aead_decrypt(r, r.key.size() == 16 ? "AES-128-GCM" : "AES-256-GCM",
                          r.protection.ciphertext);
    case TraceProtectionKind::kTls12ChaCha20Poly1305:
      return aead_decrypt(r, "ChaCha20-Poly1305", r.protection.ciphertext);
    case TraceProtectionKind::kTls12CbcMacThenEncrypt:
    case TraceProtectionKind::kTls12CbcEncryptThenMac: return cbc_command(r);
  }
  return "";
}

}  // namespace glasstls
