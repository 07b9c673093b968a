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

// StoredSession is a TLS 1.3 session a client can resume: the ticket and what the handshake
// that resumes it needs (RFC 8446 section 4.6.1).
struct StoredSession {
  CipherSuite suite{};
  // psk is the resumption PSK: HKDF-Expand-Label(resumption_master_secret, "resumption",
  // ticket_nonce, Hash.length).
  Secret psk;
  Bytes ticket;
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

// memory_session_store is a SessionStore in memory: at most `per_server` sessions for each
// name (the oldest dropped first) and at most `max_servers` names (the least recently used
// dropped first).
std::shared_ptr<SessionStore> memory_session_store(size_t max_servers = 256, size_t per_server = 4);

}  // namespace glasstls
