// session.h: resuming TLS 1.3 sessions (RFC 8446 sections 2.2 and 4.6.1). A server seals what a
// resumption needs into the tickets it sends, under ticket keys that can rotate; a client keeps
// the tickets it receives in a session store and offers one, once, when it connects again to
// the same server name.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "glasstls/secret.h"
#include "glasstls/types.h"

namespace glasstls {

using Bytes = std::vector<uint8_t>;

// Clock returns the time as milliseconds since the Unix epoch. Configurations read the time
// through one (the system clock by default) so that tests can move it.
using Clock = std::function<uint64_t()>;
// system_clock_ms is the default Clock.
uint64_t system_clock_ms();

// TicketKey is one key of a TicketKeys ring: its 16-byte name, which every ticket sealed with
// it starts with, and the 32-byte AES-256-GCM key.
struct TicketKey {
  std::array<uint8_t, 16> name{};
  Secret key;
};

// TicketKeys is the ring of keys a server seals its tickets with: the first key seals new
// tickets, every key of the ring opens the tickets sealed with it, so replacing the ring with
// a new first key and the old ones behind it rotates keys without refusing tickets already out.
// Thread-safe: one ring may serve many configurations and connections. Keys are secrets: they
// are wiped when dropped and never logged.
class TicketKeys {
 public:
  // TicketKeys takes the keys, the sealing key first. An empty ring seals nothing: a server
  // with one sends no tickets.
  explicit TicketKeys(std::vector<TicketKey> keys);
  // generate makes a ring of one fresh random key (what a server that names no ring gets).
  static std::shared_ptr<TicketKeys> generate();
  // replace swaps in a new ring, atomically.
  void replace(std::vector<TicketKey> keys);

  // with_current calls `f` with the sealing key under the ring's lock; false when the ring is
  // empty. with_key does the same with the key named `name`, if the ring has it.
  bool with_current(const std::function<void(const TicketKey&)>& f) const;
  bool with_key(std::span<const uint8_t> name,
                const std::function<void(const TicketKey&)>& f) const;

 private:
  mutable std::mutex mu_;
  std::vector<TicketKey> keys_;
};

// StoredSession is a session a client can resume: the ticket or session ID and what the
// handshake that resumes it needs (RFC 8446 section 4.6.1; RFC 5246 section 7.3 and RFC 5077
// for TLS 1.2).
struct StoredSession {
  // version is the protocol version the session was made with; a session is resumed only in
  // that version.
  ProtocolVersion version = ProtocolVersion::TLSv1_3;
  CipherSuite suite{};
  // psk is, in TLS 1.3, the resumption PSK: HKDF-Expand-Label(resumption_master_secret,
  // "resumption", ticket_nonce, Hash.length). In TLS 1.2 it is the session's master secret
  // (always an extended master secret: glasstls resumes no other TLS 1.2 session).
  Secret psk;
  // ticket is the TLS 1.3 ticket, or the TLS 1.2 RFC 5077 ticket (empty when the TLS 1.2
  // session is resumed by its session_id alone).
  Bytes ticket;
  // session_id is the TLS 1.2 session ID the server gave (empty in TLS 1.3).
  Bytes session_id;
  uint32_t age_add = 0;
  uint32_t lifetime_s = 0;
  uint64_t received_ms = 0;  // when the ticket arrived, by the configuration's Clock
  std::optional<std::string> alpn;
  uint32_t max_early_data = 0;  // 0: no early data under this ticket

  StoredSession() = default;
  StoredSession(StoredSession&&) = default;
  StoredSession& operator=(StoredSession&&) = default;
  StoredSession clone() const;
};

// SessionStore keeps a client's sessions by server name. Implementations must be thread-safe:
// one configuration serves connections on any thread.
class SessionStore {
 public:
  virtual ~SessionStore() = default;
  // put keeps `session` for `server_name`.
  virtual void put(std::string_view server_name, StoredSession session) = 0;
  // take removes and returns the newest session kept for `server_name`, or nullopt. A TLS 1.3
  // ticket is offered once (RFC 8446 appendix C.4), so what is taken is not put back.
  virtual std::optional<StoredSession> take(std::string_view server_name) = 0;
};

// ServerSessionStore is a server's store of session state by an opaque id: the TLS 1.2
// sessions it can resume by session ID and, when a configuration asks for single-use tickets,
// its TLS 1.3 tickets (the id is then the ticket). The state is a secret (it holds the
// session's keys): a store keeps it from anyone but the servers that share it. Implementations
// must be thread-safe, and must answer within their own bounded time: a store that cannot
// answer says "not found", so that the handshake falls back to a full one, never stalls.
class ServerSessionStore {
 public:
  virtual ~ServerSessionStore() = default;
  // put keeps `state` under `id` for `lifetime_s` seconds; false when it could not be kept.
  virtual bool put(std::span<const uint8_t> id, std::span<const uint8_t> state,
                   uint32_t lifetime_s) = 0;
  // get returns the state kept under `id` and leaves it there (a TLS 1.2 session ID can be
  // resumed more than once); nullopt when there is none, it expired, or the store failed.
  virtual std::optional<Bytes> get(std::span<const uint8_t> id) = 0;
  // take removes and returns the state kept under `id`, atomically: of any number of
  // concurrent takes of one id, across every server sharing the store, at most one gets it
  // (single-use TLS 1.3 tickets, RFC 8446 section 8.1). nullopt as for get.
  virtual std::optional<Bytes> take(std::span<const uint8_t> id) = 0;
  // remove drops whatever is kept under `id` (a session that must not be resumed again).
  virtual void remove(std::span<const uint8_t> id) = 0;
};

// memory_server_session_store is a ServerSessionStore in this process's memory, for one server:
// at most `max_entries` (the oldest dropped first); expired entries are never returned.
// `clock` measures lifetimes (system_clock_ms when empty).
std::shared_ptr<ServerSessionStore> memory_server_session_store(size_t max_entries = 20000,
                                                                Clock clock = {});

// AntiReplay is what a server accepting 0-RTT data records ClientHellos in, so that the same
// early data is accepted at most once (RFC 8446 section 8.2): a ClientHello is identified by
// its PSK binder, and is accepted only while its ticket age puts it inside the window the
// record is kept for. Implementations must be thread-safe, atomic across every server sharing
// them, and answer within a bounded time.
class AntiReplay {
 public:
  virtual ~AntiReplay() = default;
  // first_use records `key` for `window_s` seconds and says whether this is its first use in
  // that window. A store that cannot answer says false: early data is then refused (the
  // handshake goes on without it), never accepted twice.
  virtual bool first_use(std::span<const uint8_t> key, uint32_t window_s) = 0;
};

// memory_anti_replay is an AntiReplay in this process's memory, for one server, recording at
// most `max_entries` ClientHellos; when full, it refuses early data rather than forget one
// inside its window. `clock` as for memory_server_session_store.
std::shared_ptr<AntiReplay> memory_anti_replay(size_t max_entries = 100000, Clock clock = {});

// memory_session_store is a SessionStore in memory: at most `per_server` sessions for each
// name (the oldest dropped first) and at most `max_servers` names (the least recently used
// dropped first).
std::shared_ptr<SessionStore> memory_session_store(size_t max_servers = 256, size_t per_server = 4);

}  // namespace glasstls
