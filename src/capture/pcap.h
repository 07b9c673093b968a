// pcap.h: reading packet-capture files (pcap and pcapng) into a list of link-layer frames.
//
// read_capture accepts both classic libpcap files and pcapng files:
//
//   pcap    24-byte file header (magic a1b2c3d4 for microsecond or a1b23c4d for nanosecond
//           timestamps, in either byte order), then 16-byte record headers each followed by
//           the captured bytes.
//   pcapng  a sequence of blocks {type, total length, body, total length}. A Section Header
//           Block (type 0a0d0d0a) fixes the byte order of its section through its byte-order
//           magic 1a2b3c4d; Interface Description Blocks (type 1) declare the link type and
//           timestamp resolution (if_tsresol, if_tsoffset) of each interface; Enhanced Packet
//           Blocks (type 6), Simple Packet Blocks (type 3) and the obsolete Packet Block
//           (type 2) carry frames. Every other block type is skipped. A file may hold several
//           sections; block interface ids restart in each
//           section, while Packet::interface_index counts interfaces across the whole file.
//
// Frames are returned as views into the file: the buffer passed to read_capture must outlive
// the returned packets (to_owned copies one when that is inconvenient).
//
// Truncation: a file that ends in the middle of a record or block (a capture tool killed while
// writing, or a file cut short on copy) is not an error. Reading stops there, the packets before
// it are returned and Capture::truncated says so. Anything else that does not parse (a bad magic,
// a length that contradicts its block, a packet on an undeclared interface, ...) is an error of
// kind kInvalidMessage (alert decode_error) with a reason naming the field and its offset.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace glasstls::capture {

// LinkType is a LINKTYPE_* value (the tcpdump.org registry): what the first byte of a frame is.
// Values not listed here stay representable; decoding skips such frames.
enum class LinkType : uint16_t {
  kNull = 0,         // BSD loopback: 4-byte address family in the capturing host's byte order
  kEthernet = 1,     // IEEE 802.3 Ethernet, possibly with 802.1Q tags
  kRaw = 101,        // raw IPv4 or IPv6, told apart by the version nibble
  kLoop = 108,       // OpenBSD loopback: 4-byte address family in network byte order
  kLinuxSll = 113,   // Linux "cooked" capture, version 1 (16-byte header)
  kIpv4 = 228,       // raw IPv4
  kIpv6 = 229,       // raw IPv6
  kLinuxSll2 = 276,  // Linux "cooked" capture, version 2 (20-byte header)
};

// CaptureFormat is the container format a file was read as.
enum class CaptureFormat : uint8_t { kPcap, kPcapng };

// Packet is one captured frame.
struct Packet {
  // timestamp_ns is the capture time in nanoseconds since the Unix epoch (0 for Simple Packet
  // Blocks, which carry none). Values beyond 2^64-1 ns saturate.
  uint64_t timestamp_ns = 0;
  LinkType link_type = LinkType::kEthernet;
  // data is the captured bytes: a view into the file buffer given to read_capture.
  ByteView data;
  // original_length is the frame's length on the wire; data.size() is smaller when the capture
  // used a snapshot length.
  uint32_t original_length = 0;
  // interface_index numbers the interfaces of the whole file in the order their Interface
  // Description Blocks appear, across sections (always 0 for pcap).
  uint32_t interface_index = 0;
};

// Capture is the content of a capture file.
struct Capture {
  CaptureFormat format = CaptureFormat::kPcap;
  std::vector<Packet> packets;
  // truncated says the file ended inside a record or block; `packets` holds everything before
  // it and truncation_reason says where it stopped.
  bool truncated = false;
  std::string truncation_reason;
};

// read_capture parses `file` as pcap or pcapng (detected from its first four bytes). On success
// the packets are in file order and view `file`, which must outlive them. It fails with
// kInvalidMessage / decode_error and a precise reason if the file is neither format or is
// malformed; see the file comment for how truncation is reported instead.
Result<Capture> read_capture(ByteView file);

// OwnedPacket is a Packet that owns a copy of its bytes.
struct OwnedPacket {
  uint64_t timestamp_ns = 0;
  LinkType link_type = LinkType::kEthernet;
  Bytes data;
  uint32_t original_length = 0;
  uint32_t interface_index = 0;

  // view returns a Packet viewing this object's bytes, valid while this object lives unchanged.
  Packet view() const {
    return Packet{timestamp_ns, link_type, data, original_length, interface_index};
  }
};

// to_owned copies `packet`'s bytes so that it no longer depends on the capture buffer.
OwnedPacket to_owned(const Packet& packet);

}  // namespace glasstls::capture
