// pcap_writer.h: writing synthetic TCP conversations as a pcap file.
//
// write_pcap renders each segment as one Ethernet frame carrying IPv4 or IPv6 and a 20-byte TCP
// header (no options) and writes a big-endian, nanosecond-resolution pcap file
// (magic a1b23c4d, version 2.4, LINKTYPE_ETHERNET). Lengths are exact and the IPv4 header and
// TCP checksums are filled in, so tshark and tcpdump read the file without complaint. Uses: test
// fixtures, and recording a live socket conversation for `glasstls explain`.
#pragma once

#include <cstdint>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "capture/packet_decode.h"

namespace glasstls::capture {

// SyntheticSegment is one TCP segment to write.
struct SyntheticSegment {
  uint64_t timestamp_ns = 0;
  SocketAddress source;
  SocketAddress destination;
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint8_t flags = tcp_flag::kAck;  // tcp_flag bits
  uint16_t window = 65535;
  Bytes payload;
};

// write_pcap returns the pcap file holding `segments` in the given order. It fails
// (kBadConfig) if a segment's two addresses are of different IP versions or its payload does not
// fit one IP packet (65,535 bytes).
Result<Bytes> write_pcap(const std::vector<SyntheticSegment>& segments);

}  // namespace glasstls::capture
