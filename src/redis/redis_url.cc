// redis_url.cc: parse_redis_url and the checks of RedisOptions (glasstls/redis.h), built with
// or without hiredis.
#include <string>

#include "glasstls/redis.h"

namespace glasstls {
namespace {

Error bad_url(std::string_view url, const std::string& why) {
  return Error{ErrorKind::kBadConfig, AlertDescription::internal_error,
               "Redis URL \"" + std::string(url) + "\": " + why};
}

// parse_number reads decimal digits only, at most `max`; nullopt otherwise.
std::optional<uint32_t> parse_number(std::string_view text, uint32_t max) {
  if (text.empty() || text.size() > 10) {
    return std::nullopt;
  }
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > max) {
    return std::nullopt;
  }
  return static_cast<uint32_t>(v);
}

}  // namespace

Result<RedisOptions> parse_redis_url(std::string_view url, RedisOptions defaults) {
  constexpr std::string_view kScheme = "redis://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return bad_url(url, "it must start with redis://");
  }
  std::string_view rest = url.substr(kScheme.size());
  std::string_view authority = rest;
  std::string_view path;
  if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
    authority = rest.substr(0, slash);
    path = rest.substr(slash + 1);
  }
  if (authority.find('@') != std::string_view::npos) {
    return bad_url(url, "a user or password is not supported");
  }
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return bad_url(url, "an IPv6 address needs its closing ]");
    }
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        return bad_url(url, "only :PORT may follow the host");
      }
      port = after.substr(1);
      if (port.empty()) {
        return bad_url(url, "the port is empty");
      }
    }
  } else if (size_t colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty()) {
      return bad_url(url, "the port is empty");
    }
  }
  if (host.empty()) {
    return bad_url(url, "the host is empty");
  }
  RedisOptions out = std::move(defaults);
  out.host = std::string(host);
  out.port = 6379;
  out.db = 0;
  if (!port.empty()) {
    std::optional<uint32_t> p = parse_number(port, 65535);
    if (!p || *p == 0) {
      return bad_url(url, "the port must be a number from 1 to 65535");
    }
    out.port = static_cast<uint16_t>(*p);
  }
  if (!path.empty()) {
    std::optional<uint32_t> db = parse_number(path, 0x7fffffff);
    if (!db) {
      return bad_url(url, "the database after / must be a number");
    }
    out.db = *db;
  }
  return out;
}

}  // namespace glasstls
