// keylog.cc: the NSS key log format (SSLKEYLOGFILE), read for the passive
// dissector.
#include <algorithm>
#include <string>
#include <string_view>

#include "explain/dissector.h"

namespace glasstls::trace {

namespace {

constexpr size_t kClientRandomLen = 32;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// split_fields splits `line` at runs of spaces and tabs.
std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) {
      i++;
    }
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') {
      i++;
    }
    if (i > start) {
      out.push_back(line.substr(start, i - start));
    }
  }
  return out;
}

// strict_hex parses hex digits only (from_hex also skips separators, which a
// key log field must not contain).
std::optional<Bytes> strict_hex(std::string_view text) {
  for (char c : text) {
    bool digit = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!digit) {
      return std::nullopt;
    }
  }
  return from_hex(text);
}

}  // namespace

KeyLogFile KeyLogFile::parse(std::string_view text) {
  KeyLogFile log;
  size_t line_number = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    line_number++;
    line = trim(line);
    if (line.empty() || line.front() == '#') {
      continue;
    }
    std::vector<std::string_view> fields = split_fields(line);
    if (fields.size() != 3) {
      log.problems_.push_back({line_number, "expected \"LABEL client_random secret\", found " +
                                                std::to_string(fields.size()) + " fields"});
      continue;
    }
    std::optional<Bytes> random = strict_hex(fields[1]);
    if (!random) {
      log.problems_.push_back({line_number, "client_random is not hex"});
      continue;
    }
    if (random->size() != kClientRandomLen) {
      log.problems_.push_back(
          {line_number, "client_random has " + std::to_string(random->size()) + " bytes, not 32"});
      continue;
    }
    std::optional<Bytes> secret = strict_hex(fields[2]);
    if (!secret || secret->empty()) {
      log.problems_.push_back({line_number, "the secret is not hex"});
      continue;
    }
    const Secret* existing = log.find(fields[0], *random);
    if (existing != nullptr) {
      if (!existing->equals(*secret)) {
        log.problems_.push_back(
            {line_number, std::string(fields[0]) +
                              " logged again for the same client_random with another value "
                              "(the first one is used)"});
      }
      std::fill(secret->begin(), secret->end(), uint8_t{0});
      continue;
    }
    log.add(fields[0], *random, *secret);
    // The parsed copy held key material; the log keeps its own copy in a
    // Secret.
    std::fill(secret->begin(), secret->end(), uint8_t{0});
  }
  return log;
}

bool KeyLogFile::add(std::string_view label, ByteView client_random, ByteView secret) {
  if (client_random.size() != kClientRandomLen || secret.empty()) {
    return false;
  }
  auto key = std::make_pair(Bytes(client_random.begin(), client_random.end()), std::string(label));
  secrets_.emplace(std::move(key), Secret(secret));
  return true;
}

const Secret* KeyLogFile::find(std::string_view label, ByteView client_random) const {
  auto key = std::make_pair(Bytes(client_random.begin(), client_random.end()), std::string(label));
  auto it = secrets_.find(key);
  return it == secrets_.end() ? nullptr : &it->second;
}

bool KeyLogFile::has_client_random(ByteView client_random) const {
  auto key = std::make_pair(Bytes(client_random.begin(), client_random.end()), std::string());
  auto it = secrets_.lower_bound(key);
  return it != secrets_.end() && std::equal(it->first.first.begin(), it->first.first.end(),
                                            client_random.begin(), client_random.end());
}

}  // namespace glasstls::trace
