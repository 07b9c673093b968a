// redis.h: a fleet's server session store and anti-replay record in Redis (session.h's
// ServerSessionStore and AntiReplay), so that every server sharing one Redis resumes the
// sessions the others made, takes each single-use ticket once across all of them, and accepts
// each 0-RTT ClientHello once.
//
// The back ends use Debian's libhiredis (libhiredis-dev). A glasstls built where CMake did not
// find it still has this header and these functions: redis_supported() is then false and
// redis_session_store() and redis_anti_replay() fail with a kBadConfig error that says so.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "glasstls/result.h"
#include "glasstls/session.h"

namespace glasstls {

// RedisOptions says which Redis to use and how long to wait for it.
struct RedisOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 6379;
  // db is the logical database (SELECT db after connecting; 0 is Redis's default).
  uint32_t db = 0;
  // prefix starts every key the store writes ("<prefix>session:<id>", "<prefix>replay:<key>"),
  // so that several fleets, or other users, share one Redis.
  std::string prefix = "glasstls:";
  // timeout_ms bounds connecting and each command (sending it, and waiting for its answer).
  // A store that cannot answer within it answers "not found" (get, take), "not kept" (put) or
  // "not first" (first_use). A host name is resolved by the system's resolver, which the
  // timeout does not bound: give an address where every handshake must be bounded.
  uint32_t timeout_ms = 50;
  // connections is the size of the pool: at most this many commands are in flight at once.
  uint32_t connections = 4;
  // After a connection fails, it is not tried again for a back-off that starts at
  // min_backoff_ms and doubles on each failure up to max_backoff_ms: meanwhile calls fail at
  // once, so that a Redis that is down does not cost a connect timeout per handshake.
  uint32_t min_backoff_ms = 100;
  uint32_t max_backoff_ms = 2000;
};

// parse_redis_url reads `redis://HOST:PORT[/DB]` (HOST a name, an IPv4 address, or an IPv6
// address in brackets; PORT defaults to 6379 when ":PORT" is left out) into the host, port and
// db of `defaults`, leaving its other fields as they are. It fails (kBadConfig) on another
// scheme, a user or password (not supported), an empty host, or a port or db that is not a
// number in range.
Result<RedisOptions> parse_redis_url(std::string_view url, RedisOptions defaults = {});

// redis_supported says whether this glasstls was built with hiredis.
bool redis_supported();

// redis_session_store is a ServerSessionStore in Redis: put is SET key value PX lifetime, get
// is GET, take is GETDEL (atomic: of concurrent takes of one id, from any number of servers,
// one gets the state; on a Redis before 6.2, which has no GETDEL, a Lua script does GET and DEL
// atomically), remove is DEL. It connects lazily: making one never waits for Redis. Each call
// takes at most about two timeouts (sending and answering); on any error, or while backing off
// after one, get and take return nullopt and put false. The states are secrets: nothing is
// logged. Thread-safe. Fails only when glasstls was built without hiredis or `options` is
// unusable (an empty host, a zero timeout or pool).
Result<std::shared_ptr<ServerSessionStore>> redis_session_store(const RedisOptions& options);

// redis_anti_replay is an AntiReplay in Redis: first_use is SET key 1 NX PX window, true only
// when Redis answers OK (the key was not there); on any error, a timeout, or while backing off,
// it says false, so early data is refused rather than accepted twice. Otherwise as
// redis_session_store.
Result<std::shared_ptr<AntiReplay>> redis_anti_replay(const RedisOptions& options);

}  // namespace glasstls
