// packet_decode.cc: link-layer, IP and TCP header decoding.
#include "capture/packet_decode.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace glasstls::capture {
namespace {

constexpr uint16_t kEtherTypeIpv4 = 0x0800;
constexpr uint16_t kEtherTypeIpv6 = 0x86dd;
constexpr uint16_t kEtherTypeVlan = 0x8100;  // 802.1Q
constexpr uint16_t kEtherTypeQinQ = 0x88a8;  // 802.1ad
constexpr uint16_t kEtherTypeQinQOld = 0x9100;

constexpr uint8_t kProtoHopByHop = 0;
constexpr uint8_t kProtoTcp = 6;
constexpr uint8_t kProtoRouting = 43;
constexpr uint8_t kProtoFragment = 44;
constexpr uint8_t kProtoDestOptions = 60;

Decoded skip(SkipReason reason) {
  Decoded d;
  d.skipped = reason;
  return d;
}

// decode_tcp_header decodes the TCP header at the start of `tcp`, whose data the IP layer
// declares to be `declared` bytes long (header included).
Result<Decoded> decode_tcp_header(ByteView tcp, uint32_t declared, const SocketAddress& src,
                                  const SocketAddress& dst, uint64_t timestamp_ns) {
  ByteReader r(tcp);
  TcpSegment s;
  s.timestamp_ns = timestamp_ns;
  s.source = src;
  s.destination = dst;
  uint16_t offset_flags = 0;
  uint16_t checksum = 0;
  uint16_t urgent = 0;
  if (!r.u16(s.source.port) || !r.u16(s.destination.port) || !r.u32(s.seq) || !r.u32(s.ack) ||
      !r.u16(offset_flags) || !r.u16(s.window) || !r.u16(checksum) || !r.u16(urgent)) {
    return decode_error("tcp: header cut short (" + std::to_string(tcp.size()) + " of 20 bytes)");
  }
  size_t header_len = static_cast<size_t>(offset_flags >> 12) * 4;
  if (header_len < 20) {
    return decode_error("tcp: data offset " + std::to_string(header_len) + " below 20 bytes");
  }
  if (declared < header_len) {
    return decode_error("tcp: data offset " + std::to_string(header_len) +
                        " exceeds the segment length " + std::to_string(declared));
  }
  if (tcp.size() < header_len) {
    return decode_error("tcp: options cut short (" + std::to_string(tcp.size()) + " of " +
                        std::to_string(header_len) + " header bytes)");
  }
  s.flags = static_cast<uint8_t>(offset_flags & 0xff);
  s.payload_length = static_cast<uint32_t>(declared - header_len);
  size_t captured = std::min<size_t>(tcp.size(), declared) - header_len;
  s.payload = tcp.subspan(header_len, captured);
  Decoded d;
  d.segment = s;
  return d;
}

Result<Decoded> decode_ipv4(ByteView ip, uint64_t timestamp_ns) {
  ByteReader r(ip);
  uint8_t version_ihl = 0;
  uint8_t tos = 0;
  uint16_t total = 0;
  uint16_t id = 0;
  uint16_t frag = 0;
  uint8_t ttl = 0;
  uint8_t proto = 0;
  uint16_t checksum = 0;
  ByteView src;
  ByteView dst;
  if (!r.u8(version_ihl) || !r.u8(tos) || !r.u16(total) || !r.u16(id) || !r.u16(frag) ||
      !r.u8(ttl) || !r.u8(proto) || !r.u16(checksum) || !r.bytes(4, src) || !r.bytes(4, dst)) {
    return decode_error("ipv4: header cut short (" + std::to_string(ip.size()) + " of 20 bytes)");
  }
  if ((version_ihl >> 4) != 4) {
    return decode_error("ipv4: version field is " + std::to_string(version_ihl >> 4));
  }
  size_t header_len = static_cast<size_t>(version_ihl & 0x0f) * 4;
  if (header_len < 20) {
    return decode_error("ipv4: header length " + std::to_string(header_len) + " below 20");
  }
  if (ip.size() < header_len) {
    return decode_error("ipv4: options cut short");
  }
  // A zero total length is what captures of TCP-segmentation-offload packets show: take
  // everything captured.
  size_t total_len = total == 0 ? ip.size() : total;
  if (total_len < header_len) {
    return decode_error("ipv4: total length " + std::to_string(total_len) +
                        " below the header length " + std::to_string(header_len));
  }
  // More-fragments flag or a fragment offset: part of a fragmented datagram.
  if ((frag & 0x3fff) != 0) {
    return skip(SkipReason::kFragment);
  }
  if (proto != kProtoTcp) {
    return skip(SkipReason::kNotTcp);
  }
  SocketAddress s;
  SocketAddress d;
  s.address = IpAddress::v4(src[0], src[1], src[2], src[3]);
  d.address = IpAddress::v4(dst[0], dst[1], dst[2], dst[3]);
  size_t captured_end = std::min(ip.size(), total_len);
  return decode_tcp_header(ip.subspan(header_len, captured_end - header_len),
                           static_cast<uint32_t>(total_len - header_len), s, d, timestamp_ns);
}

Result<Decoded> decode_ipv6(ByteView ip, uint64_t timestamp_ns) {
  ByteReader r(ip);
  uint32_t first = 0;
  uint16_t payload_len = 0;
  uint8_t next = 0;
  uint8_t hop_limit = 0;
  ByteView src;
  ByteView dst;
  if (!r.u32(first) || !r.u16(payload_len) || !r.u8(next) || !r.u8(hop_limit) ||
      !r.bytes(16, src) || !r.bytes(16, dst)) {
    return decode_error("ipv6: header cut short (" + std::to_string(ip.size()) + " of 40 bytes)");
  }
  if ((first >> 28) != 6) {
    return decode_error("ipv6: version field is " + std::to_string(first >> 28));
  }
  // A zero payload length (jumbogram or segmentation offload): take everything captured.
  size_t declared = payload_len == 0 ? r.remaining() : payload_len;
  ByteView payload = r.rest().subspan(0, std::min(declared, r.remaining()));
  ByteReader p(payload);
  // Each extension header is at least 8 bytes, so this loop ends within payload.size() / 8 steps.
  while (next != kProtoTcp) {
    if (next == kProtoHopByHop || next == kProtoRouting || next == kProtoDestOptions) {
      uint8_t following = 0;
      uint8_t len8 = 0;
      if (!p.u8(following) || !p.u8(len8) || !p.skip(size_t{len8} * 8 + 6)) {
        return decode_error("ipv6: extension header " + std::to_string(next) + " cut short");
      }
      next = following;
    } else if (next == kProtoFragment) {
      uint8_t following = 0;
      uint8_t reserved = 0;
      uint16_t offset_flags = 0;
      uint32_t ident = 0;
      if (!p.u8(following) || !p.u8(reserved) || !p.u16(offset_flags) || !p.u32(ident)) {
        return decode_error("ipv6: fragment header cut short");
      }
      // Offset (upper 13 bits) and the M flag (bit 0); both zero is an atomic fragment.
      if ((offset_flags & 0xfff9) != 0) {
        return skip(SkipReason::kFragment);
      }
      next = following;
    } else {
      return skip(SkipReason::kNotTcp);
    }
  }
  SocketAddress s;
  SocketAddress d;
  std::array<uint8_t, 16> a{};
  std::copy(src.begin(), src.end(), a.begin());
  s.address = IpAddress::v6(a);
  std::copy(dst.begin(), dst.end(), a.begin());
  d.address = IpAddress::v6(a);
  // p.offset() <= payload.size() <= declared.
  return decode_tcp_header(p.rest(), static_cast<uint32_t>(declared - p.offset()), s, d,
                           timestamp_ns);
}

// decode_ip dispatches on the IP version nibble (raw IP link types).
Result<Decoded> decode_ip(ByteView ip, uint64_t timestamp_ns) {
  if (ip.empty()) {
    return decode_error("ip: empty packet");
  }
  uint8_t version = ip[0] >> 4;
  if (version == 4) {
    return decode_ipv4(ip, timestamp_ns);
  }
  if (version == 6) {
    return decode_ipv6(ip, timestamp_ns);
  }
  return skip(SkipReason::kNotIp);
}

// decode_ethertype decodes `rest` as the payload of `type`, peeling VLAN tags.
Result<Decoded> decode_ethertype(uint16_t type, ByteReader& rest, uint64_t timestamp_ns) {
  // Each tag consumes 4 bytes, so this loop ends.
  while (type == kEtherTypeVlan || type == kEtherTypeQinQ || type == kEtherTypeQinQOld) {
    uint16_t tci = 0;
    if (!rest.u16(tci) || !rest.u16(type)) {
      return decode_error("ethernet: VLAN tag cut short");
    }
  }
  if (type == kEtherTypeIpv4) {
    return decode_ipv4(rest.rest(), timestamp_ns);
  }
  if (type == kEtherTypeIpv6) {
    return decode_ipv6(rest.rest(), timestamp_ns);
  }
  return skip(SkipReason::kNotIp);
}

// decode_address_family decodes a NULL/LOOP frame: a 4-byte address family in either byte
// order, then IP.
Result<Decoded> decode_address_family(ByteView frame, uint64_t timestamp_ns) {
  ByteReader r(frame);
  uint32_t family = 0;
  if (!r.u32(family)) {
    return decode_error("loopback: address family cut short");
  }
  auto known = [](uint32_t f) { return f == 2 || f == 10 || f == 24 || f == 28 || f == 30; };
  if (!known(family)) {
    uint32_t swapped =
        (family >> 24) | ((family >> 8) & 0xff00) | ((family << 8) & 0xff0000) | (family << 24);
    if (!known(swapped)) {
      return skip(SkipReason::kNotIp);
    }
    family = swapped;
  }
  if (family == 2) {
    return decode_ipv4(r.rest(), timestamp_ns);
  }
  return decode_ipv6(r.rest(), timestamp_ns);
}

}  // namespace

Result<Decoded> decode_tcp(const Packet& packet) {
  ByteReader r(packet.data);
  uint64_t ts = packet.timestamp_ns;
  switch (packet.link_type) {
    case LinkType::kEthernet: {
      uint16_t type = 0;
      if (!r.skip(12) || !r.u16(type)) {
        return decode_error("ethernet: header cut short");
      }
      return decode_ethertype(type, r, ts);
    }
    case LinkType::kLinuxSll: {
      // packet type, ARPHRD type, address length, 8 address bytes, protocol.
      uint16_t type = 0;
      if (!r.skip(14) || !r.u16(type)) {
        return decode_error("sll: header cut short");
      }
      return decode_ethertype(type, r, ts);
    }
    case LinkType::kLinuxSll2: {
      // protocol, reserved, interface index, ARPHRD type, packet type, address length,
      // 8 address bytes.
      uint16_t type = 0;
      if (!r.u16(type) || !r.skip(18)) {
        return decode_error("sll2: header cut short");
      }
      return decode_ethertype(type, r, ts);
    }
    case LinkType::kNull:
    case LinkType::kLoop: return decode_address_family(packet.data, ts);
    case LinkType::kRaw: return decode_ip(packet.data, ts);
    case LinkType::kIpv4: return decode_ipv4(packet.data, ts);
    case LinkType::kIpv6: return decode_ipv6(packet.data, ts);
  }
  return skip(SkipReason::kUnsupportedLinkType);
}

IpAddress IpAddress::v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  IpAddress ip;
  ip.version = 4;
  ip.bytes[0] = a;
  ip.bytes[1] = b;
  ip.bytes[2] = c;
  ip.bytes[3] = d;
  return ip;
}

IpAddress IpAddress::v6(const std::array<uint8_t, 16>& octets) {
  IpAddress ip;
  ip.version = 6;
  ip.bytes = octets;
  return ip;
}

std::string IpAddress::to_string() const {
  if (version == 4) {
    return std::to_string(bytes[0]) + "." + std::to_string(bytes[1]) + "." +
           std::to_string(bytes[2]) + "." + std::to_string(bytes[3]);
  }
  uint16_t groups[8];
  for (int i = 0; i < 8; i++) {
    groups[i] = static_cast<uint16_t>((bytes[2 * i] << 8) | bytes[2 * i + 1]);
  }
  // RFC 5952 section 4.2: shorten the longest run (the first on a tie) of at least two zero
  // groups.
  int best_start = -1;
  int best_len = 1;
  for (int i = 0; i < 8;) {
    if (groups[i] != 0) {
      i++;
      continue;
    }
    int j = i;
    while (j < 8 && groups[j] == 0) {
      j++;
    }
    if (j - i > best_len) {
      best_start = i;
      best_len = j - i;
    }
    i = j;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 8; i++) {
    if (i == best_start) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') {
      out += ':';
    }
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      int nibble = (groups[i] >> shift) & 0xf;
      if (nibble != 0 || started || shift == 0) {
        out += kHex[nibble];
        started = true;
      }
    }
  }
  return out;
}

namespace {

std::optional<IpAddress> parse_v4(std::string_view text) {
  std::array<uint8_t, 4> octets{};
  size_t pos = 0;
  for (int i = 0; i < 4; i++) {
    if (i > 0) {
      if (pos >= text.size() || text[pos] != '.') {
        return std::nullopt;
      }
      pos++;
    }
    size_t start = pos;
    unsigned value = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && pos - start < 3) {
      value = value * 10 + static_cast<unsigned>(text[pos] - '0');
      pos++;
    }
    if (pos == start || value > 255) {
      return std::nullopt;
    }
    octets[static_cast<size_t>(i)] = static_cast<uint8_t>(value);
  }
  if (pos != text.size()) {
    return std::nullopt;
  }
  return IpAddress::v4(octets[0], octets[1], octets[2], octets[3]);
}

// parse_groups reads colon-separated hex groups ("" gives none); false if malformed.
bool parse_groups(std::string_view text, std::vector<uint16_t>& out) {
  if (text.empty()) {
    return true;
  }
  size_t pos = 0;
  while (true) {
    size_t start = pos;
    unsigned value = 0;
    while (pos < text.size() && pos - start < 4 &&
           std::isxdigit(static_cast<unsigned char>(text[pos]))) {
      char c = text[pos];
      unsigned digit =
          c <= '9' ? static_cast<unsigned>(c - '0') : static_cast<unsigned>((c | 0x20) - 'a' + 10);
      value = value * 16 + digit;
      pos++;
    }
    if (pos == start) {
      return false;
    }
    out.push_back(static_cast<uint16_t>(value));
    if (pos == text.size()) {
      return out.size() <= 8;
    }
    if (text[pos] != ':') {
      return false;
    }
    pos++;
  }
}

std::optional<IpAddress> parse_v6(std::string_view text) {
  std::vector<uint16_t> head;
  std::vector<uint16_t> tail;
  size_t gap = text.find("::");
  if (gap == std::string_view::npos) {
    if (!parse_groups(text, head) || head.size() != 8) {
      return std::nullopt;
    }
  } else {
    if (text.find("::", gap + 1) != std::string_view::npos) {
      return std::nullopt;
    }
    if (!parse_groups(text.substr(0, gap), head) || !parse_groups(text.substr(gap + 2), tail) ||
        head.size() + tail.size() > 7) {
      return std::nullopt;
    }
  }
  std::array<uint8_t, 16> octets{};
  for (size_t i = 0; i < head.size(); i++) {
    octets[2 * i] = static_cast<uint8_t>(head[i] >> 8);
    octets[2 * i + 1] = static_cast<uint8_t>(head[i]);
  }
  size_t first_tail = 8 - tail.size();
  for (size_t i = 0; i < tail.size(); i++) {
    octets[2 * (first_tail + i)] = static_cast<uint8_t>(tail[i] >> 8);
    octets[2 * (first_tail + i) + 1] = static_cast<uint8_t>(tail[i]);
  }
  return IpAddress::v6(octets);
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.find(':') != std::string_view::npos) {
    return parse_v6(text);
  }
  return parse_v4(text);
}

}  // namespace glasstls::capture
