// tls13_tickets.cc: sealing and opening glasstls's tickets, TLS 1.3's and TLS 1.2's
// (tls13_tickets.h).
#include "conn/tls13_tickets.h"

#include <algorithm>
#include <array>

namespace glasstls::conn {

namespace {

constexpr uint8_t kStateTls13 = 1;
constexpr uint8_t kStateTls12 = 2;
constexpr uint8_t kFlagClientAuthenticated = 1;
constexpr uint8_t kFlagEncryptThenMac = 2;
constexpr uint8_t kFlagEarlyData = 4;
constexpr size_t kNameLen = 16;
constexpr size_t kNonceLen = 12;
constexpr size_t kTagLen = 16;

void put(Bytes& out, uint64_t v, size_t n) {
  for (size_t i = n; i > 0; i--) {
    out.push_back(static_cast<uint8_t>(v >> (8 * (i - 1))));
  }
}

// Reader takes the state apart; any short read makes it fail for good.
struct Reader {
  ByteView in;
  bool ok = true;
  uint64_t get(size_t n) {
    if (!ok || in.size() < n) {
      ok = false;
      return 0;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
      v = (v << 8) | in[i];
    }
    in = in.subspan(n);
    return v;
  }
  ByteView bytes() {
    const size_t n = static_cast<size_t>(get(1));
    if (!ok || in.size() < n) {
      ok = false;
      return {};
    }
    ByteView v = in.first(n);
    in = in.subspan(n);
    return v;
  }
};

}  // namespace

Result<Bytes> encode_ticket_state(const TicketState& state) {
  if (state.psk.size() > 255 || state.server_name.size() > 255 || state.alpn.size() > 255) {
    return internal_error("ticket state field over 255 bytes");
  }
  Bytes plain;
  plain.reserve(1 + 2 + 8 + 4 + 4 + 1 + 3 + state.psk.size() + state.server_name.size() +
                state.alpn.size());
  if (state.version != ProtocolVersion::TLSv1_3 && state.version != ProtocolVersion::TLSv1_2) {
    return internal_error("ticket state of a version glasstls does not resume");
  }
  put(plain, state.version == ProtocolVersion::TLSv1_2 ? kStateTls12 : kStateTls13, 1);
  put(plain, static_cast<uint16_t>(state.suite), 2);
  put(plain, state.issued_ms, 8);
  put(plain, state.age_add, 4);
  put(plain, state.lifetime_s, 4);
  put(plain,
      (state.client_authenticated ? kFlagClientAuthenticated : 0) |
          (state.encrypt_then_mac ? kFlagEncryptThenMac : 0) |
          (state.early_data ? kFlagEarlyData : 0),
      1);
  put(plain, state.psk.size(), 1);
  plain.insert(plain.end(), state.psk.span().begin(), state.psk.span().end());
  put(plain, state.server_name.size(), 1);
  plain.insert(plain.end(), state.server_name.begin(), state.server_name.end());
  put(plain, state.alpn.size(), 1);
  plain.insert(plain.end(), state.alpn.begin(), state.alpn.end());
  return plain;
}

std::optional<TicketState> parse_ticket_state(ByteView plain) {
  Reader r{plain};
  TicketState s;
  const uint64_t version = r.get(1);
  s.suite = static_cast<CipherSuite>(r.get(2));
  s.issued_ms = r.get(8);
  s.age_add = static_cast<uint32_t>(r.get(4));
  s.lifetime_s = static_cast<uint32_t>(r.get(4));
  const uint64_t flags = r.get(1);
  s.client_authenticated = (flags & kFlagClientAuthenticated) != 0;
  s.encrypt_then_mac = (flags & kFlagEncryptThenMac) != 0;
  s.early_data = (flags & kFlagEarlyData) != 0;
  s.version = version == kStateTls12 ? ProtocolVersion::TLSv1_2 : ProtocolVersion::TLSv1_3;
  s.psk = Secret(r.bytes());
  const ByteView name = r.bytes();
  s.server_name.assign(name.begin(), name.end());
  const ByteView alpn = r.bytes();
  s.alpn.assign(alpn.begin(), alpn.end());
  // Each version's flags: encrypt-then-MAC is TLS 1.2's, early data TLS 1.3's.
  const bool flags_ok =
      version == kStateTls12
          ? (flags & ~uint64_t{kFlagClientAuthenticated | kFlagEncryptThenMac}) == 0
          : (flags & ~uint64_t{kFlagClientAuthenticated | kFlagEarlyData}) == 0;
  if (!r.ok || !r.in.empty() || (version != kStateTls13 && version != kStateTls12) || !flags_ok ||
      s.psk.empty()) {
    return std::nullopt;
  }
  return s;
}

Result<Bytes> seal_ticket(const crypto::CryptoProvider& provider, const TicketKeys& keys,
                          const TicketState& state) {
  GLASSTLS_ASSIGN(Bytes plain, encode_ticket_state(state));
  Bytes ticket(kNameLen + kNonceLen + plain.size() + kTagLen);
  GLASSTLS_TRY(provider.random->fill(std::span<uint8_t>(ticket).subspan(kNameLen, kNonceLen)));
  std::copy(plain.begin(), plain.end(), ticket.begin() + kNameLen + kNonceLen);
  secure_wipe(plain.data(), plain.size());
  Status sealed = internal_error("no ticket key to seal with");
  keys.with_current([&](const TicketKey& k) {
    std::copy(k.name.begin(), k.name.end(), ticket.begin());
    Result<std::unique_ptr<crypto::AeadKey>> key = provider.aes256gcm->new_key(k.key.span());
    if (!key.ok()) {
      sealed = key.error();
      return;
    }
    const std::span<uint8_t> all(ticket);
    sealed = (*key)->seal(
        all.subspan(kNameLen, kNonceLen), all.first(kNameLen),
        all.subspan(kNameLen + kNonceLen, ticket.size() - kNameLen - kNonceLen - kTagLen),
        all.last(kTagLen));
  });
  GLASSTLS_TRY(std::move(sealed));
  return ticket;
}

std::optional<TicketState> open_ticket(const crypto::CryptoProvider& provider,
                                       const TicketKeys& keys, ByteView ticket,
                                       ProtocolVersion version) {
  if (ticket.size() < kNameLen + kNonceLen + kTagLen + 1) {
    return std::nullopt;
  }
  Bytes plain(ticket.begin() + kNameLen + kNonceLen, ticket.end() - kTagLen);
  bool opened = false;
  keys.with_key(ticket.first(kNameLen), [&](const TicketKey& k) {
    Result<std::unique_ptr<crypto::AeadKey>> key = provider.aes256gcm->new_key(k.key.span());
    opened = key.ok() && (*key)
                             ->open(ticket.subspan(kNameLen, kNonceLen), ticket.first(kNameLen),
                                    plain, ticket.last(kTagLen))
                             .ok();
  });
  std::optional<TicketState> out;
  if (opened) {
    out = parse_ticket_state(plain);
    if (out && out->version != version) {
      out.reset();
    }
  }
  secure_wipe(plain.data(), plain.size());
  return out;
}

bool sealed_with_current_key(const TicketKeys& keys, ByteView ticket) {
  bool current = false;
  keys.with_current([&](const TicketKey& k) {
    current = ticket.size() >= kNameLen && std::equal(k.name.begin(), k.name.end(), ticket.begin());
  });
  return current;
}

}  // namespace glasstls::conn
