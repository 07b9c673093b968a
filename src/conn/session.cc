// session.cc: the ticket key ring, the in-memory session store and the clock (glasstls/session.h).
#include "glasstls/session.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <list>
#include <map>
#include <utility>

#include "base/bytes.h"
#include "glasstls/crypto.h"
#include "x509/pem.h"

namespace glasstls {

uint64_t system_clock_ms() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

namespace {

constexpr std::string_view kDeriveSalt = "glasstls ticket keys v1";
constexpr std::string_view kDeriveInfo = "glasstls ticket key";
constexpr size_t kMinRootSecret = 32;
constexpr uint32_t kMaxDerivedKeys = 64;

ByteView ascii(std::string_view s) {
  return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

Result<TicketKey> derive_epoch_key(const crypto::Hash& sha256, ByteView prk, uint64_t epoch) {
  Bytes info(kDeriveInfo.begin(), kDeriveInfo.end());
  for (int shift = 56; shift >= 0; shift -= 8) {
    info.push_back(static_cast<uint8_t>(epoch >> shift));
  }
  Result<Secret> okm = sha256.hkdf_expand(prk, info, 48);
  if (!okm.ok()) {
    return std::move(okm).error();
  }
  TicketKey k;
  std::copy_n(okm->span().begin(), k.name.size(), k.name.begin());
  k.key = Secret(okm->span().subspan(16, 32));
  return k;
}

}  // namespace

Result<std::vector<TicketKey>> derive_ticket_keys(std::span<const uint8_t> root, uint64_t now_ms,
                                                  const TicketKeyEpochs& epochs) {
  auto bad = [](std::string why) {
    return Error{ErrorKind::kBadConfig, AlertDescription::internal_error,
                 "derived ticket keys: " + why};
  };
  if (root.size() < kMinRootSecret) {
    return bad("the root secret has " + std::to_string(root.size()) +
               " bytes; it needs at least 32");
  }
  if (epochs.interval_s == 0) {
    return bad("the epoch interval is 0");
  }
  if (static_cast<uint64_t>(epochs.ahead) + epochs.behind > kMaxDerivedKeys) {
    return bad("more than 64 epochs ahead and behind");
  }
  const crypto::Hash* sha256 = crypto::openssl_provider().hash(crypto::HashId::kSha256);
  if (sha256 == nullptr) {
    return Error{ErrorKind::kInternal, AlertDescription::internal_error,
                 "derived ticket keys: no SHA-256 in the provider"};
  }
  Secret prk = sha256->hkdf_extract(ascii(kDeriveSalt), root);
  const uint64_t epoch = now_ms / 1000 / epochs.interval_s;
  std::vector<uint64_t> order = {epoch};
  for (uint32_t i = 1; i <= epochs.ahead; i++) {
    order.push_back(epoch + i);
  }
  for (uint32_t i = 1; i <= epochs.behind && i <= epoch; i++) {
    order.push_back(epoch - i);
  }
  std::vector<TicketKey> keys;
  for (uint64_t e : order) {
    Result<TicketKey> k = derive_epoch_key(*sha256, prk.span(), e);
    if (!k.ok()) {
      return std::move(k).error();
    }
    keys.push_back(std::move(*k));
  }
  return keys;
}

// Derivation is what a derived ring keeps to compute itself again: the root secret, the
// epochs, the clock, and the epoch the ring was last computed for.
struct TicketKeys::Derivation {
  Secret root;
  TicketKeyEpochs epochs;
  Clock clock;
  uint64_t epoch = 0;
};

TicketKeys::TicketKeys(std::vector<TicketKey> keys) : keys_(std::move(keys)) {}

TicketKeys::~TicketKeys() = default;

Result<std::shared_ptr<TicketKeys>> TicketKeys::derive(std::span<const uint8_t> root,
                                                       TicketKeyEpochs epochs, Clock clock) {
  if (!clock) {
    clock = system_clock_ms;
  }
  const uint64_t now = clock();
  Result<std::vector<TicketKey>> keys = derive_ticket_keys(root, now, epochs);
  if (!keys.ok()) {
    return std::move(keys).error();
  }
  auto ring = std::make_shared<TicketKeys>(std::move(*keys));
  auto d = std::make_unique<Derivation>();
  d->root = Secret(root);
  d->epochs = epochs;
  d->clock = std::move(clock);
  d->epoch = now / 1000 / epochs.interval_s;
  ring->derivation_ = std::move(d);
  return ring;
}

void TicketKeys::refresh() const {
  std::lock_guard<std::mutex> lock(mu_);
  refresh_locked();
}

void TicketKeys::refresh_locked() const {
  if (!derivation_) {
    return;
  }
  const uint64_t now = derivation_->clock();
  const uint64_t epoch = now / 1000 / derivation_->epochs.interval_s;
  if (epoch == derivation_->epoch) {
    return;
  }
  Result<std::vector<TicketKey>> keys =
      derive_ticket_keys(derivation_->root.span(), now, derivation_->epochs);
  if (!keys.ok()) {
    // Only a provider failure can get here (the inputs were checked by derive): keep the ring
    // and try again on the next call.
    return;
  }
  derivation_->epoch = epoch;
  std::vector<TicketKey> old = std::exchange(keys_, std::move(*keys));
  // `old` is wiped by the Secrets' destructors.
}

std::shared_ptr<TicketKeys> TicketKeys::generate() {
  const crypto::CryptoProvider& provider = crypto::openssl_provider();
  TicketKey k;
  k.key = Secret(32);
  if (!provider.random->fill(k.name).ok() || !provider.random->fill(k.key.mutable_span()).ok()) {
    // No randomness: a ring that seals nothing, so no ticket is ever sent under a weak key.
    return std::make_shared<TicketKeys>(std::vector<TicketKey>{});
  }
  std::vector<TicketKey> keys;
  keys.push_back(std::move(k));
  return std::make_shared<TicketKeys>(std::move(keys));
}

void TicketKeys::replace(std::vector<TicketKey> keys) {
  std::vector<TicketKey> old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    old = std::exchange(keys_, std::move(keys));
  }
  // `old` is wiped by the Secrets' destructors, outside the lock.
}

bool TicketKeys::with_current(const std::function<void(const TicketKey&)>& f) const {
  std::lock_guard<std::mutex> lock(mu_);
  refresh_locked();
  if (keys_.empty()) {
    return false;
  }
  f(keys_.front());
  return true;
}

bool TicketKeys::with_key(std::span<const uint8_t> name,
                          const std::function<void(const TicketKey&)>& f) const {
  std::lock_guard<std::mutex> lock(mu_);
  refresh_locked();
  for (const TicketKey& k : keys_) {
    if (name.size() == k.name.size() && std::equal(name.begin(), name.end(), k.name.begin())) {
      f(k);
      return true;
    }
  }
  return false;
}

namespace {

constexpr std::string_view kSessionLabel = "GLASSTLS SESSION";
constexpr uint8_t kSessionFormat = 1;

Error bad_session(const std::string& why) {
  return Error{ErrorKind::kBadConfig, AlertDescription::internal_error, "session file: " + why};
}

}  // namespace

std::string encode_session(const StoredSession& session) {
  ByteWriter w;
  w.u8(kSessionFormat);
  w.u16(static_cast<uint16_t>(session.version));
  w.u16(static_cast<uint16_t>(session.suite));
  {
    LengthPrefix p = w.u8_prefixed();
    w.bytes(session.psk.span());
  }
  {
    LengthPrefix p = w.u16_prefixed();
    w.bytes(session.ticket);
  }
  {
    LengthPrefix p = w.u8_prefixed();
    w.bytes(session.session_id);
  }
  w.u32(session.age_add);
  w.u32(session.lifetime_s);
  w.u64(session.received_ms);
  {
    LengthPrefix p = w.u8_prefixed();
    if (session.alpn) {
      w.bytes(std::string_view(*session.alpn));
    }
  }
  w.u32(session.max_early_data);
  Bytes body = std::move(w).take();
  std::string pem = x509::pem_encode(kSessionLabel, body);
  secure_wipe(body.data(), body.size());
  return pem;
}

Result<StoredSession> decode_session(std::string_view text) {
  Result<std::vector<x509::PemBlock>> blocks = x509::pem_decode(text);
  if (!blocks.ok()) {
    return bad_session(blocks.error().reason);
  }
  // The blocks hold the session's secret: wiped whichever way this returns.
  struct Wipe {
    std::vector<x509::PemBlock>& blocks;
    ~Wipe() {
      for (x509::PemBlock& b : blocks) {
        secure_wipe(b.der.data(), b.der.size());
      }
    }
  } wipe{*blocks};
  const x509::PemBlock* found = nullptr;
  for (const x509::PemBlock& b : *blocks) {
    if (b.label == kSessionLabel) {
      if (found != nullptr) {
        return bad_session("more than one GLASSTLS SESSION block");
      }
      found = &b;
    }
  }
  if (found == nullptr) {
    return bad_session("no GLASSTLS SESSION block");
  }
  ByteReader r(found->der);
  uint8_t format = 0;
  if (!r.u8(format)) {
    return bad_session("empty");
  }
  if (format != kSessionFormat) {
    return bad_session("format " + std::to_string(format) + " is not known (this glasstls reads " +
                       std::to_string(kSessionFormat) + ")");
  }
  StoredSession s;
  uint16_t version = 0;
  uint16_t suite = 0;
  ByteView psk;
  ByteView ticket;
  ByteView session_id;
  ByteView alpn;
  if (!r.u16(version) || !r.u16(suite) || !r.u8_prefixed(psk) || !r.u16_prefixed(ticket) ||
      !r.u8_prefixed(session_id) || !r.u32(s.age_add) || !r.u32(s.lifetime_s) ||
      !r.u64(s.received_ms) || !r.u8_prefixed(alpn) || !r.u32(s.max_early_data)) {
    return bad_session("a field is cut short");
  }
  if (!r.empty()) {
    return bad_session(std::to_string(r.remaining()) + " bytes after the last field");
  }
  s.version = static_cast<ProtocolVersion>(version);
  if (s.version != ProtocolVersion::TLSv1_3 && s.version != ProtocolVersion::TLSv1_2) {
    return bad_session("protocol version " + std::to_string(version) +
                       " is neither TLS 1.3 nor TLS 1.2");
  }
  if (psk.empty()) {
    return bad_session("the PSK is empty");
  }
  if (session_id.size() > 32) {
    return bad_session("the session ID is longer than 32 bytes");
  }
  if (s.version == ProtocolVersion::TLSv1_3 && ticket.empty()) {
    return bad_session("a TLS 1.3 session without a ticket");
  }
  if (s.version == ProtocolVersion::TLSv1_2 && ticket.empty() && session_id.empty()) {
    return bad_session("a TLS 1.2 session with neither ticket nor session ID");
  }
  s.suite = static_cast<CipherSuite>(suite);
  s.psk = Secret(psk);
  s.ticket.assign(ticket.begin(), ticket.end());
  s.session_id.assign(session_id.begin(), session_id.end());
  if (!alpn.empty()) {
    s.alpn = std::string(alpn.begin(), alpn.end());
  }
  return s;
}

StoredSession StoredSession::clone() const {
  StoredSession s;
  s.version = version;
  s.suite = suite;
  s.psk = psk.clone();
  s.ticket = ticket;
  s.session_id = session_id;
  s.age_add = age_add;
  s.lifetime_s = lifetime_s;
  s.received_ms = received_ms;
  s.alpn = alpn;
  s.max_early_data = max_early_data;
  return s;
}

namespace {

class MemorySessionStore final : public SessionStore {
 public:
  MemorySessionStore(size_t max_servers, size_t per_server)
      : max_servers_(std::max<size_t>(1, max_servers)),
        per_server_(std::max<size_t>(1, per_server)) {}

  void put(std::string_view server_name, StoredSession session) override {
    std::lock_guard<std::mutex> lock(mu_);
    Entry& e = touch(server_name);
    e.sessions.push_back(std::move(session));
    while (e.sessions.size() > per_server_) {
      e.sessions.pop_front();
    }
    while (entries_.size() > max_servers_) {
      entries_.erase(lru_.back());
      lru_.pop_back();
    }
  }

  std::optional<StoredSession> take(std::string_view server_name) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(std::string(server_name));
    if (it == entries_.end() || it->second.sessions.empty()) {
      return std::nullopt;
    }
    StoredSession s = std::move(it->second.sessions.back());
    it->second.sessions.pop_back();
    return s;
  }

 private:
  struct Entry {
    std::deque<StoredSession> sessions;
    std::list<std::string>::iterator lru;
  };

  // touch finds or makes the entry of `name` and moves it to the front of the LRU list.
  Entry& touch(std::string_view name) {
    auto [it, inserted] = entries_.try_emplace(std::string(name));
    if (!inserted) {
      lru_.erase(it->second.lru);
    }
    lru_.push_front(it->first);
    it->second.lru = lru_.begin();
    return it->second;
  }

  std::mutex mu_;
  size_t max_servers_;
  size_t per_server_;
  std::map<std::string, Entry> entries_;
  std::list<std::string> lru_;  // names, most recently used first
};

// MemoryServerSessionStore keeps states in a map by id, with their expiry, and the ids in
// insertion order so that the oldest goes first when the store is full.
class MemoryServerSessionStore final : public ServerSessionStore {
 public:
  MemoryServerSessionStore(size_t max_entries, Clock clock)
      : max_entries_(std::max<size_t>(1, max_entries)),
        clock_(clock ? std::move(clock) : Clock(system_clock_ms)) {}

  bool put(std::span<const uint8_t> id, std::span<const uint8_t> state,
           uint32_t lifetime_s) override {
    if (id.empty() || lifetime_s == 0) {
      return false;
    }
    const uint64_t expires = clock_() + uint64_t{lifetime_s} * 1000;
    std::lock_guard<std::mutex> lock(mu_);
    std::string key(id.begin(), id.end());
    auto [it, inserted] = entries_.try_emplace(key);
    if (inserted) {
      order_.push_back(key);
      it->second.order = std::prev(order_.end());
    }
    it->second.state = Secret(state);
    it->second.expires_ms = expires;
    while (entries_.size() > max_entries_) {
      erase(entries_.find(order_.front()));
    }
    return true;
  }

  std::optional<Bytes> get(std::span<const uint8_t> id) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = live(id);
    if (it == entries_.end()) {
      return std::nullopt;
    }
    auto v = it->second.state.span();
    return Bytes(v.begin(), v.end());
  }

  std::optional<Bytes> take(std::span<const uint8_t> id) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = live(id);
    if (it == entries_.end()) {
      return std::nullopt;
    }
    auto v = it->second.state.span();
    Bytes out(v.begin(), v.end());
    erase(it);
    return out;
  }

  void remove(std::span<const uint8_t> id) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(std::string(id.begin(), id.end()));
    if (it != entries_.end()) {
      erase(it);
    }
  }

 private:
  struct Entry {
    Secret state;
    uint64_t expires_ms = 0;
    std::list<std::string>::iterator order;
  };

  void erase(std::map<std::string, Entry>::iterator it) {
    order_.erase(it->second.order);
    entries_.erase(it);
  }

  // live finds the unexpired entry of `id` (an expired one is dropped on the way).
  std::map<std::string, Entry>::iterator live(std::span<const uint8_t> id) {
    auto it = entries_.find(std::string(id.begin(), id.end()));
    if (it != entries_.end() && it->second.expires_ms <= clock_()) {
      erase(it);
      return entries_.end();
    }
    return it;
  }

  std::mutex mu_;
  size_t max_entries_;
  Clock clock_;
  std::map<std::string, Entry> entries_;
  std::list<std::string> order_;  // ids, oldest first
};

// MemoryAntiReplay records keys with their expiry; expired records are dropped as the store
// fills, and a store still full of live records refuses rather than forgets.
class MemoryAntiReplay final : public AntiReplay {
 public:
  MemoryAntiReplay(size_t max_entries, Clock clock)
      : max_entries_(std::max<size_t>(1, max_entries)),
        clock_(clock ? std::move(clock) : Clock(system_clock_ms)) {}

  bool first_use(std::span<const uint8_t> key, uint32_t window_s) override {
    const uint64_t now = clock_();
    std::lock_guard<std::mutex> lock(mu_);
    std::string k(key.begin(), key.end());
    auto it = seen_.find(k);
    if (it != seen_.end()) {
      if (it->second > now) {
        return false;
      }
      seen_.erase(it);
    }
    if (seen_.size() >= max_entries_) {
      std::erase_if(seen_, [now](const auto& e) { return e.second <= now; });
      if (seen_.size() >= max_entries_) {
        return false;
      }
    }
    seen_.emplace(std::move(k), now + uint64_t{window_s} * 1000);
    return true;
  }

 private:
  std::mutex mu_;
  size_t max_entries_;
  Clock clock_;
  std::map<std::string, uint64_t> seen_;  // key -> when its record expires
};

}  // namespace

std::shared_ptr<ServerSessionStore> memory_server_session_store(size_t max_entries, Clock clock) {
  return std::make_shared<MemoryServerSessionStore>(max_entries, std::move(clock));
}

std::shared_ptr<AntiReplay> memory_anti_replay(size_t max_entries, Clock clock) {
  return std::make_shared<MemoryAntiReplay>(max_entries, std::move(clock));
}

std::shared_ptr<SessionStore> memory_session_store(size_t max_servers, size_t per_server) {
  return std::make_shared<MemorySessionStore>(max_servers, per_server);
}

}  // namespace glasstls
