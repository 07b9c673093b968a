// packet_decode.h: from a captured frame to the TCP segment it carries.
//
// decode_tcp peels the link layer, the IP layer and the TCP header off one Packet:
//
//   link   Ethernet (with any number of 802.1Q / 802.1ad tags), Linux cooked SLL and SLL2,
//          BSD NULL and OpenBSD LOOP (a 4-byte address family, accepted in either byte order:
//          AF_INET = 2, AF_INET6 = 10 Linux, 24 NetBSD/OpenBSD, 28 FreeBSD, 30 Darwin), raw IP.
//   IPv4   options skipped; the header checksum is not checked. Trailing link-layer padding
//          beyond the total length is ignored. A total length of 0 (seen with TCP segmentation
//          offload) means "everything captured".
//   IPv6   hop-by-hop, routing and destination-options extension headers are skipped; an
//          atomic fragment header (offset 0, no more fragments) is skipped too.
//   TCP    ports, sequence and acknowledgement numbers, flags, window; options skipped; the
//          checksum is not checked.
//
// Fragmented IP datagrams are not reassembled: every IPv4 fragment (MF set or a non-zero
// offset) and every real IPv6 fragment is reported as SkipReason::kFragment. TLS endpoints set
// DF and rely on path MTU discovery, so fragments are rare; the bytes they carried show up as a
// gap in the reassembled stream.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "capture/pcap.h"

namespace glasstls::capture {

// IpAddress is an IPv4 or IPv6 address. IPv4 uses the first 4 bytes of `bytes`, the rest zero.
struct IpAddress {
  uint8_t version = 4;  // 4 or 6
  std::array<uint8_t, 16> bytes{};

  // v4 and v6 build addresses from their octets.
  static IpAddress v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);
  static IpAddress v6(const std::array<uint8_t, 16>& octets);
  // parse reads dotted IPv4 ("192.0.2.1") or IPv6 text ("2001:db8::1"); nullopt if malformed.
  static std::optional<IpAddress> parse(std::string_view text);

  // to_string renders dotted IPv4 or RFC 5952 IPv6 ("2001:db8::1", lower case, the longest
  // run of two or more zero groups shortened to "::").
  std::string to_string() const;
  // size is 4 or 16.
  size_t size() const { return version == 4 ? 4 : 16; }

  auto operator<=>(const IpAddress&) const = default;
};

// SocketAddress is an address and a TCP port.
struct SocketAddress {
  IpAddress address;
  uint16_t port = 0;

  auto operator<=>(const SocketAddress&) const = default;
};

// TcpFlag bits, as in the TCP header's flags byte.
namespace tcp_flag {
inline constexpr uint8_t kFin = 0x01;
inline constexpr uint8_t kSyn = 0x02;
inline constexpr uint8_t kRst = 0x04;
inline constexpr uint8_t kPsh = 0x08;
inline constexpr uint8_t kAck = 0x10;
inline constexpr uint8_t kUrg = 0x20;
}  // namespace tcp_flag

// TcpSegment is the TCP content of one packet.
struct TcpSegment {
  uint64_t timestamp_ns = 0;
  SocketAddress source;
  SocketAddress destination;
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint8_t flags = 0;
  uint16_t window = 0;
  // payload is the captured part of the segment's data (a view into the packet).
  ByteView payload;
  // payload_length is the data length the IP header declares; it exceeds payload.size() when
  // the capture's snapshot length cut the packet.
  uint32_t payload_length = 0;

  // has says whether the tcp_flag bit `flag` is set.
  bool has(uint8_t flag) const { return (flags & flag) != 0; }
};

// SkipReason says why a well-formed packet carries no TCP segment to decode.
enum class SkipReason : uint8_t {
  kUnsupportedLinkType,
  kNotIp,     // another ethertype or address family (ARP, LLDP, ...)
  kNotTcp,    // IP carrying another protocol (UDP, ICMP, ...)
  kFragment,  // an IP fragment (not reassembled)
};

// Decoded is the outcome of decode_tcp for a packet that parsed: a segment, or why there is
// none.
struct Decoded {
  std::optional<TcpSegment> segment;
  SkipReason skipped = SkipReason::kNotTcp;  // meaningful only without a segment
};

// decode_tcp decodes `packet`. Success holds the segment (viewing `packet.data`) or the reason
// it carries none; an error (kInvalidMessage / decode_error) means a header was malformed or cut
// short before the TCP payload, and names which.
Result<Decoded> decode_tcp(const Packet& packet);

}  // namespace glasstls::capture
