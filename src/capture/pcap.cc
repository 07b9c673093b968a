// pcap.cc: the pcap and pcapng readers.
#include "capture/pcap.h"

#include <limits>
#include <string>
#include <utility>

namespace glasstls::capture {
namespace {

constexpr uint32_t kPcapMagicMicro = 0xa1b2c3d4;
constexpr uint32_t kPcapMagicNano = 0xa1b23c4d;
constexpr uint32_t kPcapngSectionHeader = 0x0a0d0d0a;
constexpr uint32_t kPcapngByteOrderMagic = 0x1a2b3c4d;

constexpr uint32_t kBlockInterfaceDescription = 1;
constexpr uint32_t kBlockPacketObsolete = 2;
constexpr uint32_t kBlockSimplePacket = 3;
constexpr uint32_t kBlockEnhancedPacket = 6;

constexpr uint16_t kOptionEnd = 0;
constexpr uint16_t kOptionTsResolution = 9;
constexpr uint16_t kOptionTsOffset = 14;

constexpr uint64_t kNanosPerSecond = 1000000000;

uint16_t swap16(uint16_t v) { return static_cast<uint16_t>((v >> 8) | (v << 8)); }
uint32_t swap32(uint32_t v) {
  return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
}

// OrderedReader reads integers in a byte order chosen at run time over a ByteReader (which is
// big-endian only).
class OrderedReader {
 public:
  OrderedReader(ByteView data, bool little) : r_(data), little_(little) {}

  [[nodiscard]] bool u16(uint16_t& out) {
    if (!r_.u16(out)) {
      return false;
    }
    out = little_ ? swap16(out) : out;
    return true;
  }
  [[nodiscard]] bool u32(uint32_t& out) {
    if (!r_.u32(out)) {
      return false;
    }
    out = little_ ? swap32(out) : out;
    return true;
  }
  [[nodiscard]] bool u64(uint64_t& out) {
    uint32_t a = 0;
    uint32_t b = 0;
    if (!u32(a) || !u32(b)) {
      return false;
    }
    // Little-endian 64-bit values have the low word first.
    out = little_ ? (uint64_t{b} << 32) | a : (uint64_t{a} << 32) | b;
    return true;
  }
  [[nodiscard]] bool bytes(size_t n, ByteView& out) { return r_.bytes(n, out); }
  [[nodiscard]] bool skip(size_t n) { return r_.skip(n); }
  [[nodiscard]] size_t remaining() const { return r_.remaining(); }
  [[nodiscard]] size_t offset() const { return r_.offset(); }
  [[nodiscard]] ByteView rest() const { return r_.rest(); }

 private:
  ByteReader r_;
  bool little_;
};

std::string at(size_t offset) { return " (at file offset " + std::to_string(offset) + ")"; }

uint64_t saturate(unsigned __int128 v) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  return v > kMax ? kMax : static_cast<uint64_t>(v);
}

// Resolution is a pcapng if_tsresol: timestamps count units of 10^-exponent or 2^-exponent
// seconds.
struct Resolution {
  bool binary = false;
  uint8_t exponent = 6;
};

// to_nanoseconds converts `units` of `res` plus `offset_seconds` (if_tsoffset) to nanoseconds
// since the epoch, saturating at 0 and 2^64-1.
uint64_t to_nanoseconds(uint64_t units, Resolution res, int64_t offset_seconds) {
  __int128 ns = 0;
  if (res.binary) {
    // exponent <= 127 (7 bits), a valid shift of a 128-bit value; units * 10^9 < 2^94.
    unsigned __int128 scaled = static_cast<unsigned __int128>(units) * kNanosPerSecond;
    ns = static_cast<__int128>(scaled >> res.exponent);
  } else if (res.exponent <= 9) {
    uint64_t mul = 1;
    for (int i = res.exponent; i < 9; i++) {
      mul *= 10;
    }
    ns = static_cast<__int128>(static_cast<unsigned __int128>(units) * mul);
  } else {
    uint64_t q = units;
    for (int i = 9; i < res.exponent && q != 0; i++) {
      q /= 10;
    }
    ns = q;
  }
  ns += static_cast<__int128>(offset_seconds) * static_cast<__int128>(kNanosPerSecond);
  if (ns < 0) {
    return 0;
  }
  return saturate(static_cast<unsigned __int128>(ns));
}

Result<Capture> read_pcap(ByteView file, bool little, bool nano) {
  OrderedReader r(file, little);
  uint32_t magic = 0;
  uint16_t major = 0;
  uint16_t minor = 0;
  uint32_t thiszone = 0;
  uint32_t sigfigs = 0;
  uint32_t snaplen = 0;
  uint32_t linktype = 0;
  if (!r.u32(magic) || !r.u16(major) || !r.u16(minor) || !r.u32(thiszone) || !r.u32(sigfigs) ||
      !r.u32(snaplen) || !r.u32(linktype)) {
    return decode_error("pcap: file header is shorter than 24 bytes");
  }
  if (major != 2) {
    return decode_error("pcap: unsupported version " + std::to_string(major) + "." +
                        std::to_string(minor) + " (only 2.x is defined)");
  }
  // The low 16 bits are the link type; the upper bits carry FCS information, which does not
  // matter here because the IP layer's own length bounds what is decoded.
  auto link = static_cast<LinkType>(linktype & 0xffff);

  Capture out;
  out.format = CaptureFormat::kPcap;
  while (r.remaining() > 0) {
    size_t record_offset = r.offset();
    uint32_t seconds = 0;
    uint32_t fraction = 0;
    uint32_t included = 0;
    uint32_t original = 0;
    if (!r.u32(seconds) || !r.u32(fraction) || !r.u32(included) || !r.u32(original)) {
      out.truncated = true;
      out.truncation_reason = "pcap: record header cut short" + at(record_offset);
      break;
    }
    if (included > original) {
      return decode_error("pcap: captured length " + std::to_string(included) +
                          " exceeds original length " + std::to_string(original) +
                          at(record_offset));
    }
    ByteView data;
    if (!r.bytes(included, data)) {
      out.truncated = true;
      out.truncation_reason = "pcap: record of " + std::to_string(included) +
                              " captured bytes cut short" + at(record_offset);
      break;
    }
    Packet p;
    uint64_t frac_ns = nano ? fraction : uint64_t{fraction} * 1000;
    p.timestamp_ns = uint64_t{seconds} * kNanosPerSecond + frac_ns;
    p.link_type = link;
    p.data = data;
    p.original_length = original;
    p.interface_index = 0;
    out.packets.push_back(p);
  }
  return out;
}

// Interface is what a pcapng Interface Description Block declares.
struct Interface {
  LinkType link_type = LinkType::kEthernet;
  uint32_t snaplen = 0;
  Resolution resolution;
  int64_t offset_seconds = 0;
  uint32_t file_index = 0;
};

// parse_idb reads an Interface Description Block body (after type and length).
Result<Interface> parse_idb(ByteView body, bool little, size_t block_offset) {
  OrderedReader r(body, little);
  uint16_t link = 0;
  uint16_t reserved = 0;
  Interface iface;
  if (!r.u16(link) || !r.u16(reserved) || !r.u32(iface.snaplen)) {
    return decode_error("pcapng: Interface Description Block shorter than 20 bytes" +
                        at(block_offset));
  }
  iface.link_type = static_cast<LinkType>(link);
  // Options: {code u16, length u16, value padded to 32 bits}, ended by opt_endofopt or by the
  // end of the body.
  while (r.remaining() > 0) {
    uint16_t code = 0;
    uint16_t length = 0;
    ByteView value;
    if (!r.u16(code) || !r.u16(length) || !r.bytes(length, value) ||
        !r.skip((4 - length % 4) % 4)) {
      return decode_error("pcapng: Interface Description Block option overruns the block" +
                          at(block_offset));
    }
    if (code == kOptionEnd) {
      break;
    }
    if (code == kOptionTsResolution) {
      if (length != 1) {
        return decode_error("pcapng: if_tsresol must be 1 byte, not " + std::to_string(length) +
                            at(block_offset));
      }
      uint8_t v = value[0];
      iface.resolution.binary = (v & 0x80) != 0;
      iface.resolution.exponent = static_cast<uint8_t>(v & 0x7f);
    } else if (code == kOptionTsOffset) {
      if (length != 8) {
        return decode_error("pcapng: if_tsoffset must be 8 bytes, not " + std::to_string(length) +
                            at(block_offset));
      }
      OrderedReader vr(value, little);
      uint64_t v = 0;
      // value.size() == 8 was checked above.
      (void)vr.u64(v);
      iface.offset_seconds = static_cast<int64_t>(v);
    }
  }
  return iface;
}

// Section is the state of the current pcapng section.
struct Section {
  bool little = false;
  std::vector<Interface> interfaces;
};

Result<Capture> read_pcapng(ByteView file) {
  Capture out;
  out.format = CaptureFormat::kPcapng;
  Section section;
  bool have_section = false;
  uint32_t next_file_index = 0;
  size_t pos = 0;

  while (pos < file.size()) {
    ByteView rest = file.subspan(pos);
    if (rest.size() < 12) {
      out.truncated = true;
      out.truncation_reason = "pcapng: block header cut short" + at(pos);
      break;
    }
    uint32_t type = 0;
    // The Section Header Block type is a palindrome, so it reads the same in both orders.
    (void)OrderedReader(rest, section.little).u32(type);
    if (type == kPcapngSectionHeader) {
      uint32_t magic = 0;
      (void)OrderedReader(rest.subspan(8), false).u32(magic);
      if (magic == kPcapngByteOrderMagic) {
        section.little = false;
      } else if (magic == swap32(kPcapngByteOrderMagic)) {
        section.little = true;
      } else {
        return decode_error("pcapng: Section Header Block has a bad byte-order magic" + at(pos));
      }
      section.interfaces.clear();
      have_section = true;
    } else if (!have_section) {
      return decode_error("pcapng: file does not start with a Section Header Block");
    }

    OrderedReader header(rest, section.little);
    uint32_t total = 0;
    (void)header.skip(4);
    (void)header.u32(total);
    if (total % 4 != 0 || total < 12) {
      return decode_error("pcapng: block length " + std::to_string(total) +
                          " is not a multiple of 4 of at least 12" + at(pos));
    }
    if (total > rest.size()) {
      out.truncated = true;
      out.truncation_reason =
          "pcapng: block of " + std::to_string(total) + " bytes cut short" + at(pos);
      break;
    }
    OrderedReader trailer(rest.subspan(total - 4, 4), section.little);
    uint32_t total_again = 0;
    (void)trailer.u32(total_again);
    if (total_again != total) {
      return decode_error("pcapng: block trailing length " + std::to_string(total_again) +
                          " differs from its leading length " + std::to_string(total) + at(pos));
    }
    ByteView body = rest.subspan(8, total - 12);
    OrderedReader b(body, section.little);

    if (type == kPcapngSectionHeader) {
      uint32_t magic = 0;
      uint16_t major = 0;
      uint16_t minor = 0;
      uint64_t section_length = 0;
      if (!b.u32(magic) || !b.u16(major) || !b.u16(minor) || !b.u64(section_length)) {
        return decode_error("pcapng: Section Header Block shorter than 28 bytes" + at(pos));
      }
      if (major != 1) {
        return decode_error("pcapng: unsupported version " + std::to_string(major) + "." +
                            std::to_string(minor) + at(pos));
      }
    } else if (type == kBlockInterfaceDescription) {
      GLASSTLS_ASSIGN(Interface iface, parse_idb(body, section.little, pos));
      iface.file_index = next_file_index++;
      section.interfaces.push_back(iface);
    } else if (type == kBlockEnhancedPacket || type == kBlockPacketObsolete) {
      uint32_t interface_id = 0;
      uint32_t ts_high = 0;
      uint32_t ts_low = 0;
      uint32_t captured = 0;
      uint32_t original = 0;
      bool header_ok = false;
      if (type == kBlockEnhancedPacket) {
        header_ok = b.u32(interface_id);
      } else {
        uint16_t id16 = 0;
        uint16_t drops = 0;
        header_ok = b.u16(id16) && b.u16(drops);
        interface_id = id16;
      }
      header_ok =
          header_ok && b.u32(ts_high) && b.u32(ts_low) && b.u32(captured) && b.u32(original);
      const char* name = type == kBlockEnhancedPacket ? "Enhanced Packet Block" : "Packet Block";
      if (!header_ok) {
        return decode_error(std::string("pcapng: ") + name + " shorter than 32 bytes" + at(pos));
      }
      if (interface_id >= section.interfaces.size()) {
        return decode_error(std::string("pcapng: ") + name + " names interface " +
                            std::to_string(interface_id) + " but the section declares " +
                            std::to_string(section.interfaces.size()) + at(pos));
      }
      if (captured > original) {
        return decode_error(std::string("pcapng: ") + name + " captured length " +
                            std::to_string(captured) + " exceeds original length " +
                            std::to_string(original) + at(pos));
      }
      ByteView data;
      if (!b.bytes(captured, data)) {
        return decode_error(std::string("pcapng: ") + name + " captured length " +
                            std::to_string(captured) + " overruns the block" + at(pos));
      }
      const Interface& iface = section.interfaces[interface_id];
      Packet p;
      p.timestamp_ns = to_nanoseconds((uint64_t{ts_high} << 32) | ts_low, iface.resolution,
                                      iface.offset_seconds);
      p.link_type = iface.link_type;
      p.data = data;
      p.original_length = original;
      p.interface_index = iface.file_index;
      out.packets.push_back(p);
    } else if (type == kBlockSimplePacket) {
      uint32_t original = 0;
      if (!b.u32(original)) {
        return decode_error("pcapng: Simple Packet Block shorter than 16 bytes" + at(pos));
      }
      if (section.interfaces.empty()) {
        return decode_error("pcapng: Simple Packet Block before any Interface Description Block" +
                            at(pos));
      }
      const Interface& iface = section.interfaces[0];
      // The captured length is implied: the original length, cut to the snapshot length, and
      // never more than the (padded) body holds.
      size_t captured = original;
      if (iface.snaplen != 0 && iface.snaplen < captured) {
        captured = iface.snaplen;
      }
      if (captured > b.remaining()) {
        return decode_error("pcapng: Simple Packet Block original length " +
                            std::to_string(original) + " overruns the block" + at(pos));
      }
      Packet p;
      // (void): captured <= b.remaining() was checked above.
      (void)b.bytes(captured, p.data);
      p.link_type = iface.link_type;
      p.original_length = original;
      p.interface_index = iface.file_index;
      out.packets.push_back(p);
    }
    // Other blocks (Name Resolution, Interface Statistics, Decryption Secrets, custom, ...) are
    // skipped whole.
    pos += total;
  }
  return out;
}

}  // namespace

Result<Capture> read_capture(ByteView file) {
  ByteReader r(file);
  uint32_t magic = 0;
  if (!r.u32(magic)) {
    return decode_error("capture: file shorter than 4 bytes");
  }
  if (magic == kPcapngSectionHeader) {
    return read_pcapng(file);
  }
  if (magic == kPcapMagicMicro || magic == kPcapMagicNano) {
    return read_pcap(file, /*little=*/false, magic == kPcapMagicNano);
  }
  if (magic == swap32(kPcapMagicMicro) || magic == swap32(kPcapMagicNano)) {
    return read_pcap(file, /*little=*/true, magic == swap32(kPcapMagicNano));
  }
  return decode_error("capture: unknown file magic " + to_hex(file.subspan(0, 4)) +
                      " (expected pcap a1b2c3d4/a1b23c4d or pcapng 0a0d0d0a)");
}

OwnedPacket to_owned(const Packet& packet) {
  OwnedPacket out;
  out.timestamp_ns = packet.timestamp_ns;
  out.link_type = packet.link_type;
  out.data.assign(packet.data.begin(), packet.data.end());
  out.original_length = packet.original_length;
  out.interface_index = packet.interface_index;
  return out;
}

}  // namespace glasstls::capture
