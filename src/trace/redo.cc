// redo.cc: redo_command (include/glasstls/trace.h), the openssl command line that recomputes a
// key schedule step from the values the trace shows beside it.
#include <algorithm>
#include <cstdint>
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

std::string key_exchange_command(const TraceKeyStep& step) {
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

}  // namespace glasstls
