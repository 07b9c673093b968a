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

#include "glasstls/result.h"
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

// TicketKeyEpochs is how a ring derived from a root secret moves with time: the time is cut
// into epochs of `interval_s` seconds (epoch e runs from e * interval_s to (e + 1) *
// interval_s, in Unix time); the ring of epoch e seals with the key of e, and opens with the
// keys of the `ahead` epochs after it (published ahead: a server whose clock is a little ahead
// seals with them, and the others open what it sealed) and of the `behind` epochs before it (a
// ticket sealed late in epoch e is still good `lifetime` later, so `behind` must be at least
// lifetime / interval_s, rounded up: 2 for the default 7200 s tickets and one-hour epochs).
struct TicketKeyEpochs {
  uint32_t interval_s = 3600;
  uint32_t behind = 2;
  uint32_t ahead = 1;
};

// derive_ticket_keys is the ring of the epoch that `now_ms` (Unix time in milliseconds) falls
// in: the key of that epoch first, then those of the `ahead` epochs after it, nearest first,
// then those of the `behind` epochs before it, nearest first (none before epoch 0). Each key is
// computed with the provider's HKDF with SHA-256 (RFC 5869):
//
//   PRK       = HKDF-Extract(salt = "glasstls ticket keys v1", IKM = root)
//   OKM(e)    = HKDF-Expand(PRK, info = "glasstls ticket key" || uint64(e), 48)
//   name(e)   = OKM(e)[0..16)      key(e) = OKM(e)[16..48)
//
// where uint64(e) is the epoch number in 8 bytes, big-endian, and the strings are ASCII with no
// terminator. It fails (kBadConfig) when `root` is shorter than 32 bytes, `interval_s` is 0 or
// `ahead` + `behind` is more than 64, and (kInternal) when the provider fails.
Result<std::vector<TicketKey>> derive_ticket_keys(std::span<const uint8_t> root, uint64_t now_ms,
                                                  const TicketKeyEpochs& epochs = {});

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
  ~TicketKeys();
  // generate makes a ring of one fresh random key (what a server that names no ring gets).
  static std::shared_ptr<TicketKeys> generate();
  // replace swaps in a new ring, atomically.
  void replace(std::vector<TicketKey> keys);

  // derive makes a ring that every server of a fleet computes alike from a shared root secret
  // and the time, with no coordination (derive_ticket_keys says which keys it holds). It keeps
  // a copy of `root` (wiped when the ring goes) and, on each with_current or with_key, reads
  // `clock` (system_clock_ms when empty) and computes the ring again once the epoch has
  // changed, so the keys rotate by themselves. replace() on such a ring sets keys that stay
  // until the next epoch. Fails (kBadConfig) when derive_ticket_keys does.
  static Result<std::shared_ptr<TicketKeys>> derive(std::span<const uint8_t> root,
                                                    TicketKeyEpochs epochs = {}, Clock clock = {});
  // refresh computes a derived ring again if the epoch has changed since it was computed (a
  // no-op for a ring that was not derived); with_current and with_key call it, and a caller
  // may too, to move the work of a new epoch off a handshake.
  void refresh() const;

  // with_current calls `f` with the sealing key under the ring's lock; false when the ring is
  // empty. with_key does the same with the key named `name`, if the ring has it.
  bool with_current(const std::function<void(const TicketKey&)>& f) const;
  bool with_key(std::span<const uint8_t> name,
                const std::function<void(const TicketKey&)>& f) const;

 private:
  struct Derivation;
  void refresh_locked() const;

  mutable std::mutex mu_;
  mutable std::vector<TicketKey> keys_;
  std::unique_ptr<Derivation> derivation_;
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

// encode_session writes `session` as the text of a session file (what `glasstls client
// --sess-out` writes), one PEM block (RFC 7468) labelled "GLASSTLS SESSION" around this
// structure, in TLS presentation language (RFC 8446 section 3), big-endian:
//
//   struct {
//     uint8 format = 1;
//     ProtocolVersion version;            /* 0x0304 TLS 1.3, 0x0303 TLS 1.2 */
//     CipherSuite suite;
//     opaque psk<1..2^8-1>;               /* the resumption PSK or master secret */
//     opaque ticket<0..2^16-1>;
//     opaque session_id<0..32>;
//     uint32 age_add;
//     uint32 lifetime_s;
//     uint64 received_ms;                 /* Unix time, milliseconds */
//     opaque alpn<0..2^8-1>;              /* empty: no protocol was agreed */
//     uint32 max_early_data;
//   } GlasstlsSession;
//
// A later format gets a new number; decode_session refuses the ones it does not know. The text
// holds the session's secret: keep it as a private key (a file of mode 0600), and wipe it
// (secure_wipe) when done with it.
std::string encode_session(const StoredSession& session);

// decode_session reads the text encode_session writes. Text around the block is ignored; it
// fails (kBadConfig, naming the fault) when there is no GLASSTLS SESSION block or more than
// one, on bad PEM, an unknown format or protocol version, an empty PSK, a TLS 1.3 session
// without a ticket, a TLS 1.2 session with neither ticket nor session ID, a field cut short or
// bytes after the last field.
Result<StoredSession> decode_session(std::string_view text);

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
