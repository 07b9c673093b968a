// pem.cc: PEM decoding and encoding.
#include "x509/pem.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <optional>

namespace glasstls::x509 {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kBegin = "-----BEGIN ";
constexpr std::string_view kEnd = "-----END ";
constexpr std::string_view kDashes = "-----";

// decode_table maps a character to its 6-bit value, or 0xff.
constexpr std::array<uint8_t, 256> make_decode_table() {
  std::array<uint8_t, 256> t{};
  for (auto& v : t) {
    v = 0xff;
  }
  for (uint8_t i = 0; i < 64; i++) {
    t[static_cast<uint8_t>(kAlphabet[i])] = i;
  }
  return t;
}
constexpr std::array<uint8_t, 256> kDecode = make_decode_table();

Error pem_error(size_t line, std::string reason) {
  return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error,
                    "PEM line " + std::to_string(line) + ": " + std::move(reason));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// boundary matches "-----BEGIN label-----" (or END) and writes the label.
bool boundary(std::string_view line, std::string_view prefix, std::string_view& label) {
  if (line.size() < prefix.size() + kDashes.size() || line.substr(0, prefix.size()) != prefix ||
      line.substr(line.size() - kDashes.size()) != kDashes) {
    return false;
  }
  label = line.substr(prefix.size(), line.size() - prefix.size() - kDashes.size());
  return true;
}

}  // namespace

std::string base64_encode(ByteView data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8) | data[i + 2];
    out += kAlphabet[(v >> 18) & 0x3f];
    out += kAlphabet[(v >> 12) & 0x3f];
    out += kAlphabet[(v >> 6) & 0x3f];
    out += kAlphabet[v & 0x3f];
  }
  size_t left = data.size() - i;
  if (left == 1) {
    uint32_t v = uint32_t{data[i]} << 16;
    out += kAlphabet[(v >> 18) & 0x3f];
    out += kAlphabet[(v >> 12) & 0x3f];
    out += "==";
  } else if (left == 2) {
    uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8);
    out += kAlphabet[(v >> 18) & 0x3f];
    out += kAlphabet[(v >> 12) & 0x3f];
    out += kAlphabet[(v >> 6) & 0x3f];
    out += '=';
  }
  return out;
}

std::optional<Bytes> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) {
    return std::nullopt;
  }
  Bytes out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    size_t pad = 0;
    if (last) {
      pad = text[i + 3] == '=' ? (text[i + 2] == '=' ? 2 : 1) : 0;
    }
    uint32_t v = 0;
    for (size_t k = 0; k < 4; k++) {
      if (k >= 4 - pad) {
        v <<= 6;
        continue;
      }
      uint8_t d = kDecode[static_cast<uint8_t>(text[i + k])];
      if (d == 0xff) {
        return std::nullopt;  // Includes '=' anywhere but the padding positions.
      }
      v = (v << 6) | d;
    }
    // RFC 4648 section 3.5: the bits after the data in the last quantum must be zero.
    if ((pad == 1 && (v & 0xff) != 0) || (pad == 2 && (v & 0xffff) != 0)) {
      return std::nullopt;
    }
    out.push_back(static_cast<uint8_t>(v >> 16));
    if (pad < 2) {
      out.push_back(static_cast<uint8_t>(v >> 8));
    }
    if (pad < 1) {
      out.push_back(static_cast<uint8_t>(v));
    }
  }
  return out;
}

Result<std::vector<PemBlock>> pem_decode(std::string_view text) {
  std::vector<PemBlock> blocks;
  bool inside = false;
  std::string label;
  std::string body;
  size_t begin_line = 0;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view raw =
        text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    line_no++;
    std::string_view line = trim(raw);
    std::string_view found;
    if (!inside) {
      if (boundary(line, kBegin, found)) {
        inside = true;
        label.assign(found);
        body.clear();
        begin_line = line_no;
      } else if (boundary(line, kEnd, found)) {
        return pem_error(line_no, "END \"" + std::string(found) + "\" without a BEGIN");
      }
      continue;
    }
    if (boundary(line, kEnd, found)) {
      if (found != label) {
        return pem_error(line_no, "END \"" + std::string(found) + "\" does not match BEGIN \"" +
                                      label + "\" on line " + std::to_string(begin_line));
      }
      if (body.empty()) {
        return pem_error(line_no, "block \"" + label + "\" is empty");
      }
      std::optional<Bytes> der = base64_decode(body);
      if (!der) {
        return pem_error(begin_line, "block \"" + label + "\" is not valid base64");
      }
      blocks.push_back(PemBlock{std::move(label), std::move(*der)});
      label.clear();
      inside = false;
      continue;
    }
    if (line.substr(0, kBegin.size()) == kBegin) {
      return pem_error(line_no, "BEGIN inside block \"" + label + "\" (missing END)");
    }
    if (line.find(':') != std::string_view::npos) {
      return pem_error(line_no,
                       "encapsulated headers (such as legacy encrypted PEM) are not "
                       "supported");
    }
    for (char c : line) {
      if (c != '=' && kDecode[static_cast<uint8_t>(c)] == 0xff) {
        return pem_error(line_no, "invalid base64 character in block \"" + label + "\"");
      }
    }
    body.append(line);
  }
  if (inside) {
    return pem_error(begin_line, "BEGIN \"" + label + "\" has no END");
  }
  return blocks;
}

std::string pem_encode(std::string_view label, ByteView der) {
  std::string b64 = base64_encode(der);
  std::string out;
  out.reserve(b64.size() + b64.size() / 64 + 2 * (label.size() + 20));
  out.append(kBegin).append(label).append(kDashes).append("\n");
  for (size_t i = 0; i < b64.size(); i += 64) {
    out.append(b64, i, 64).append("\n");
  }
  out.append(kEnd).append(label).append(kDashes).append("\n");
  return out;
}

Result<std::string> read_local_file(const std::string& path, std::string_view what) {
  constexpr size_t kMaxFileSize = 64u << 20;
  auto error = [&](std::string reason) {
    return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error,
                      std::string(what) + ": " + std::move(reason));
  };
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return error("cannot open " + path);
  }
  std::string out;
  char buf[65536];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) {
    out.append(buf, n);
    if (out.size() > kMaxFileSize) {
      std::fclose(f);
      return error(path + " is larger than 64 MiB");
    }
  }
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) {
    return error("cannot read " + path);
  }
  return out;
}

}  // namespace glasstls::x509
