// pcap_writer.cc: Ethernet/IP/TCP frames and the pcap container around them.
#include "capture/pcap_writer.h"

#include <string>

namespace glasstls::capture {
namespace {

constexpr uint32_t kPcapMagicNano = 0xa1b23c4d;
constexpr uint32_t kSnapLength = 262144;
constexpr uint32_t kLinkTypeEthernet = 1;
constexpr size_t kTcpHeaderLength = 20;
constexpr uint8_t kProtoTcp = 6;

// Checksum accumulates the Internet checksum (RFC 1071): the ones' complement of the ones'
// complement sum of 16-bit words.
class Checksum {
 public:
  void add(ByteView data) {
    for (uint8_t b : data) {
      sum_ += odd_ ? b : uint32_t{b} << 8;
      odd_ = !odd_;
    }
  }
  void add16(uint16_t v) {
    uint8_t b[2] = {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
    add(b);
  }
  uint16_t finish() const {
    uint64_t s = sum_;
    while ((s >> 16) != 0) {
      s = (s & 0xffff) + (s >> 16);
    }
    return static_cast<uint16_t>(~s);
  }

 private:
  uint64_t sum_ = 0;
  bool odd_ = false;
};

Error bad_config(std::string reason) {
  return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error, std::move(reason));
}

// tcp_bytes renders the TCP header and payload with its checksum over `pseudo`'s sum.
Bytes tcp_bytes(const SyntheticSegment& s, Checksum pseudo) {
  ByteWriter w;
  w.u16(s.source.port);
  w.u16(s.destination.port);
  w.u32(s.seq);
  w.u32(s.ack);
  w.u16(static_cast<uint16_t>((kTcpHeaderLength / 4) << 12 | s.flags));
  w.u16(s.window);
  w.u16(0);  // checksum, filled in below
  w.u16(0);  // urgent pointer
  w.bytes(s.payload);
  Bytes out = std::move(w).take();
  pseudo.add(out);
  uint16_t sum = pseudo.finish();
  out[16] = static_cast<uint8_t>(sum >> 8);
  out[17] = static_cast<uint8_t>(sum);
  return out;
}

}  // namespace

Result<Bytes> write_pcap(const std::vector<SyntheticSegment>& segments) {
  ByteWriter w;
  w.u32(kPcapMagicNano);
  w.u16(2);  // version 2.4
  w.u16(4);
  w.u32(0);  // thiszone
  w.u32(0);  // sigfigs
  w.u32(kSnapLength);
  w.u32(kLinkTypeEthernet);

  uint16_t ident = 1;
  for (size_t i = 0; i < segments.size(); i++) {
    const SyntheticSegment& s = segments[i];
    const IpAddress& src = s.source.address;
    const IpAddress& dst = s.destination.address;
    if (src.version != dst.version || (src.version != 4 && src.version != 6)) {
      return bad_config("write_pcap: segment " + std::to_string(i) +
                        " mixes or misuses IP versions");
    }
    size_t tcp_length = kTcpHeaderLength + s.payload.size();
    size_t ip_header = src.version == 4 ? 20 : 40;
    size_t ip_length_field = src.version == 4 ? ip_header + tcp_length : tcp_length;
    if (ip_length_field > 0xffff) {
      return bad_config("write_pcap: segment " + std::to_string(i) + " payload of " +
                        std::to_string(s.payload.size()) + " bytes does not fit one IP packet");
    }
    ByteView src_bytes = ByteView(src.bytes).subspan(0, src.size());
    ByteView dst_bytes = ByteView(dst.bytes).subspan(0, dst.size());

    Checksum pseudo;
    pseudo.add(src_bytes);
    pseudo.add(dst_bytes);
    if (src.version == 4) {
      pseudo.add16(kProtoTcp);
      pseudo.add16(static_cast<uint16_t>(tcp_length));
    } else {
      pseudo.add16(static_cast<uint16_t>(tcp_length >> 16));
      pseudo.add16(static_cast<uint16_t>(tcp_length));
      pseudo.add16(0);
      pseudo.add16(kProtoTcp);
    }
    Bytes tcp = tcp_bytes(s, pseudo);

    ByteWriter frame;
    // Ethernet: locally administered MAC addresses, then the ethertype.
    frame.bytes(ByteView(std::array<uint8_t, 6>{0x02, 0, 0, 0, 0, 0x02}));
    frame.bytes(ByteView(std::array<uint8_t, 6>{0x02, 0, 0, 0, 0, 0x01}));
    if (src.version == 4) {
      frame.u16(0x0800);
      size_t start = frame.size();
      frame.u8(0x45);  // version 4, 5 words of header
      frame.u8(0);
      frame.u16(static_cast<uint16_t>(ip_length_field));
      frame.u16(ident++);
      frame.u16(0x4000);  // don't fragment
      frame.u8(64);       // TTL
      frame.u8(kProtoTcp);
      frame.u16(0);  // header checksum, filled in below
      frame.bytes(src_bytes);
      frame.bytes(dst_bytes);
      Checksum header;
      header.add(frame.view().subspan(start, ip_header));
      uint16_t sum = header.finish();
      Bytes bytes = std::move(frame).take();
      bytes[start + 10] = static_cast<uint8_t>(sum >> 8);
      bytes[start + 11] = static_cast<uint8_t>(sum);
      frame = ByteWriter(std::move(bytes));
    } else {
      frame.u16(0x86dd);
      frame.u32(0x60000000);  // version 6, traffic class and flow label 0
      frame.u16(static_cast<uint16_t>(ip_length_field));
      frame.u8(kProtoTcp);
      frame.u8(64);  // hop limit
      frame.bytes(src_bytes);
      frame.bytes(dst_bytes);
    }
    frame.bytes(tcp);

    auto length = static_cast<uint32_t>(frame.size());
    w.u32(static_cast<uint32_t>(s.timestamp_ns / 1000000000));
    w.u32(static_cast<uint32_t>(s.timestamp_ns % 1000000000));
    w.u32(length);
    w.u32(length);
    w.bytes(frame.view());
  }
  return std::move(w).take();
}

}  // namespace glasstls::capture
