// pcap_test.cc: pcap and pcapng reading, link-layer and IP decoding, and write_pcap round trips.
#include "capture/pcap.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "capture/packet_decode.h"
#include "capture/pcap_writer.h"

namespace glasstls::capture {
namespace {

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

IpAddress ip(std::string_view s) {
  std::optional<IpAddress> a = IpAddress::parse(s);
  EXPECT_TRUE(a.has_value()) << s;
  return a.value_or(IpAddress{});
}

SyntheticSegment segment(std::string_view src, uint16_t sport, std::string_view dst, uint16_t dport,
                         uint32_t seq, std::string_view payload) {
  SyntheticSegment s;
  s.timestamp_ns = 1700000000123456789;
  s.source = SocketAddress{ip(src), sport};
  s.destination = SocketAddress{ip(dst), dport};
  s.seq = seq;
  s.ack = 77;
  s.flags = tcp_flag::kAck | tcp_flag::kPsh;
  s.window = 512;
  s.payload = text(payload);
  return s;
}

// ip_packet returns the IP packet (without Ethernet) write_pcap makes for `s`.
Bytes ip_packet(const SyntheticSegment& s) {
  Result<Bytes> file = write_pcap({s});
  EXPECT_TRUE(file.ok());
  if (!file.ok()) {
    return {};
  }
  // 24-byte file header, 16-byte record header, 14-byte Ethernet header.
  return Bytes(file->begin() + 24 + 16 + 14, file->end());
}

// Writer writes integers in either byte order, for hand-made capture files.
struct Writer {
  bool little = false;
  Bytes out;

  void u8(uint8_t v) { out.push_back(v); }
  void u16(uint16_t v) { put(v, 2); }
  void u32(uint32_t v) { put(v, 4); }
  void bytes(ByteView v) { out.insert(out.end(), v.begin(), v.end()); }
  void put(uint64_t v, int n) {
    for (int i = 0; i < n; i++) {
      int shift = little ? 8 * i : 8 * (n - 1 - i);
      out.push_back(static_cast<uint8_t>(v >> shift));
    }
  }
  // block appends a pcapng block of `type` around `body` (padded to 32 bits).
  void block(uint32_t type, const Bytes& body) {
    size_t padded = (body.size() + 3) / 4 * 4;
    auto total = static_cast<uint32_t>(padded + 12);
    u32(type);
    u32(total);
    bytes(body);
    out.insert(out.end(), padded - body.size(), 0);
    u32(total);
  }
};

Bytes shb(bool little) {
  Writer b{little, {}};
  b.u32(0x1a2b3c4d);
  b.u16(1);
  b.u16(0);
  b.u32(0xffffffff);  // section length -1: unspecified
  b.u32(0xffffffff);
  return b.out;
}

// idb is an Interface Description Block body; tsresol < 0 leaves the option out.
Bytes idb(bool little, uint16_t link, int tsresol) {
  Writer b{little, {}};
  b.u16(link);
  b.u16(0);
  b.u32(0);  // no snapshot length
  if (tsresol >= 0) {
    b.u16(9);  // if_tsresol
    b.u16(1);
    b.u8(static_cast<uint8_t>(tsresol));
    b.u8(0);
    b.u16(0);
  }
  b.u16(0);  // opt_endofopt
  b.u16(0);
  return b.out;
}

Bytes epb(bool little, uint32_t interface_id, uint64_t ts, const Bytes& frame) {
  Writer b{little, {}};
  b.u32(interface_id);
  b.u32(static_cast<uint32_t>(ts >> 32));
  b.u32(static_cast<uint32_t>(ts));
  b.u32(static_cast<uint32_t>(frame.size()));
  b.u32(static_cast<uint32_t>(frame.size()));
  b.bytes(frame);
  return b.out;
}

TcpSegment decode_ok(const Packet& p) {
  Result<Decoded> d = decode_tcp(p);
  EXPECT_TRUE(d.ok()) << (d.ok() ? "" : d.error().reason);
  if (!d.ok() || !d->segment.has_value()) {
    ADD_FAILURE() << "no TCP segment";
    return TcpSegment{};
  }
  return *d->segment;
}

void expect_decode_error(const Result<Capture>& r, std::string_view needle) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidMessage);
  EXPECT_EQ(r.error().alert, AlertDescription::decode_error);
  EXPECT_NE(r.error().reason.find(needle), std::string::npos) << r.error().reason;
}

TEST(PcapWriterTest, Ipv4RoundTrip) {
  SyntheticSegment s = segment("192.0.2.1", 50000, "198.51.100.7", 443, 1000, "hello");
  Result<Bytes> file = write_pcap({s});
  ASSERT_TRUE(file.ok());
  // 24 + 16 + Ethernet 14 + IPv4 20 + TCP 20 + 5.
  EXPECT_EQ(file->size(), 24u + 16 + 14 + 20 + 20 + 5);
  Result<Capture> cap = read_capture(*file);
  ASSERT_TRUE(cap.ok()) << cap.error().reason;
  EXPECT_EQ(cap->format, CaptureFormat::kPcap);
  EXPECT_FALSE(cap->truncated);
  ASSERT_EQ(cap->packets.size(), 1u);
  const Packet& p = cap->packets[0];
  EXPECT_EQ(p.timestamp_ns, 1700000000123456789u);
  EXPECT_EQ(p.link_type, LinkType::kEthernet);
  EXPECT_EQ(p.original_length, 14u + 20 + 20 + 5);
  EXPECT_EQ(p.data.size(), p.original_length);
  // IPv4 header checksum verifies: the ones' complement sum over the header is 0xffff.
  uint32_t sum = 0;
  for (size_t i = 14; i < 34; i += 2) {
    sum += static_cast<uint32_t>(p.data[i] << 8 | p.data[i + 1]);
  }
  while (sum >> 16) {
    sum = (sum & 0xffff) + (sum >> 16);
  }
  EXPECT_EQ(sum, 0xffffu);

  TcpSegment t = decode_ok(p);
  EXPECT_EQ(t.source.address.to_string(), "192.0.2.1");
  EXPECT_EQ(t.destination.address.to_string(), "198.51.100.7");
  EXPECT_EQ(t.source.port, 50000);
  EXPECT_EQ(t.destination.port, 443);
  EXPECT_EQ(t.seq, 1000u);
  EXPECT_EQ(t.ack, 77u);
  EXPECT_EQ(t.flags, tcp_flag::kAck | tcp_flag::kPsh);
  EXPECT_EQ(t.window, 512);
  EXPECT_EQ(t.payload_length, 5u);
  EXPECT_EQ(Bytes(t.payload.begin(), t.payload.end()), text("hello"));
  EXPECT_EQ(t.timestamp_ns, p.timestamp_ns);
}

TEST(PcapWriterTest, Ipv6RoundTrip) {
  SyntheticSegment s = segment("2001:db8::1", 1234, "2001:db8:0:0:1::2", 8443, 0xfffffffe, "ab");
  s.flags = tcp_flag::kSyn;
  Result<Bytes> file = write_pcap({s, s});
  ASSERT_TRUE(file.ok());
  Result<Capture> cap = read_capture(*file);
  ASSERT_TRUE(cap.ok());
  ASSERT_EQ(cap->packets.size(), 2u);
  EXPECT_EQ(cap->packets[1].original_length, 14u + 40 + 20 + 2);
  TcpSegment t = decode_ok(cap->packets[1]);
  EXPECT_EQ(t.source.address.version, 6);
  EXPECT_EQ(t.source.address.to_string(), "2001:db8::1");
  EXPECT_EQ(t.destination.address.to_string(), "2001:db8::1:0:0:2");
  EXPECT_EQ(t.destination.port, 8443);
  EXPECT_EQ(t.seq, 0xfffffffeu);
  EXPECT_TRUE(t.has(tcp_flag::kSyn));
  EXPECT_FALSE(t.has(tcp_flag::kAck));
  EXPECT_EQ(Bytes(t.payload.begin(), t.payload.end()), text("ab"));
}

TEST(PcapWriterTest, RejectsMixedVersionsAndOversizedPayloads) {
  SyntheticSegment s = segment("192.0.2.1", 1, "2001:db8::1", 2, 0, "");
  Result<Bytes> mixed = write_pcap({s});
  ASSERT_FALSE(mixed.ok());
  EXPECT_EQ(mixed.error().kind, ErrorKind::kBadConfig);
  SyntheticSegment big = segment("192.0.2.1", 1, "192.0.2.2", 2, 0, "");
  big.payload.assign(65535 - 40 + 1, 'x');
  EXPECT_FALSE(write_pcap({big}).ok());
  big.payload.resize(65535 - 40);
  EXPECT_TRUE(write_pcap({big}).ok());
}

TEST(CaptureIpAddressTest, FormatsAndParses) {
  EXPECT_EQ(ip("10.0.0.255").to_string(), "10.0.0.255");
  EXPECT_EQ(ip("::").to_string(), "::");
  EXPECT_EQ(ip("::1").to_string(), "::1");
  EXPECT_EQ(ip("fe80:0:0:0:0:0:0:1").to_string(), "fe80::1");
  // RFC 5952 4.2.2: a single zero group is not shortened; 4.2.3: the first of equal runs.
  EXPECT_EQ(ip("2001:db8:0:1:1:1:1:1").to_string(), "2001:db8:0:1:1:1:1:1");
  EXPECT_EQ(ip("2001:0:0:1:0:0:1:1").to_string(), "2001::1:0:0:1:1");
  EXPECT_EQ(ip("2001:DB8::AB").to_string(), "2001:db8::ab");
  EXPECT_FALSE(IpAddress::parse("256.1.1.1").has_value());
  EXPECT_FALSE(IpAddress::parse("1.2.3").has_value());
  EXPECT_FALSE(IpAddress::parse("1::2::3").has_value());
  EXPECT_FALSE(IpAddress::parse("1:2:3:4:5:6:7").has_value());
  EXPECT_FALSE(IpAddress::parse("1:2:3:4:5:6:7:8:9").has_value());
  EXPECT_FALSE(IpAddress::parse("12345::").has_value());
}

TEST(PcapReaderTest, LittleEndianMicrosecondRawIp) {
  Bytes packet = ip_packet(segment("10.1.1.1", 40000, "10.1.1.2", 443, 5, "xyz"));
  Writer w{true, {}};
  w.u32(0xa1b2c3d4);
  w.u16(2);
  w.u16(4);
  w.u32(0);
  w.u32(0);
  w.u32(65535);
  w.u32(101);  // LINKTYPE_RAW
  w.u32(1600000000);
  w.u32(250000);  // microseconds
  w.u32(static_cast<uint32_t>(packet.size()));
  w.u32(static_cast<uint32_t>(packet.size()));
  w.bytes(packet);
  Result<Capture> cap = read_capture(w.out);
  ASSERT_TRUE(cap.ok()) << cap.error().reason;
  ASSERT_EQ(cap->packets.size(), 1u);
  EXPECT_EQ(cap->packets[0].timestamp_ns, 1600000000250000000u);
  EXPECT_EQ(cap->packets[0].link_type, LinkType::kRaw);
  TcpSegment t = decode_ok(cap->packets[0]);
  EXPECT_EQ(t.destination.port, 443);
  EXPECT_EQ(Bytes(t.payload.begin(), t.payload.end()), text("xyz"));
}

TEST(PcapReaderTest, TruncatedTrailingRecordStopsWithFlag) {
  Result<Bytes> file = write_pcap({segment("10.0.0.1", 1, "10.0.0.2", 2, 0, "one"),
                                   segment("10.0.0.1", 1, "10.0.0.2", 2, 3, "two")});
  ASSERT_TRUE(file.ok());
  Bytes cut(file->begin(), file->end() - 4);
  Result<Capture> cap = read_capture(cut);
  ASSERT_TRUE(cap.ok());
  EXPECT_TRUE(cap->truncated);
  EXPECT_NE(cap->truncation_reason.find("cut short"), std::string::npos);
  EXPECT_EQ(cap->packets.size(), 1u);

  // A record header cut in the middle.
  Bytes header_cut(file->begin(), file->begin() + 24 + 16 + 59 + 7);
  cap = read_capture(header_cut);
  ASSERT_TRUE(cap.ok());
  EXPECT_TRUE(cap->truncated);
  EXPECT_EQ(cap->packets.size(), 1u);
}

TEST(PcapReaderTest, RejectsMalformedFiles) {
  expect_decode_error(read_capture(text("abc")), "shorter than 4 bytes");
  expect_decode_error(read_capture(text("GIF89a..........")), "unknown file magic");
  Result<Bytes> file = write_pcap({segment("10.0.0.1", 1, "10.0.0.2", 2, 0, "one")});
  ASSERT_TRUE(file.ok());
  Bytes short_header(file->begin(), file->begin() + 20);
  expect_decode_error(read_capture(short_header), "shorter than 24 bytes");
  Bytes bad_version = *file;
  bad_version[5] = 3;  // version 3.4
  expect_decode_error(read_capture(bad_version), "unsupported version 3.4");
  Bytes too_long = *file;
  too_long[24 + 15] = 1;  // original length 1 < captured length
  expect_decode_error(read_capture(too_long), "exceeds original length");
}

// pcapng_file builds SHB, two IDBs (Ethernet in microseconds, Linux SLL in nanoseconds), a
// Name Resolution Block to skip, two EPBs and an SPB, then a second section of the other byte
// order with one more interface.
Bytes pcapng_file(bool little, const Bytes& eth_frame, const Bytes& sll_frame,
                  const Bytes& raw_packet) {
  Writer w{little, {}};
  w.block(0x0a0d0d0a, shb(little));
  w.block(1, idb(little, 1, -1));
  w.block(1, idb(little, 113, 9));
  w.block(4, Bytes{0, 0, 0, 0});  // Name Resolution Block with only nrb_record_end
  w.block(6, epb(little, 1, 1700000000000000001, sll_frame));
  w.block(6, epb(little, 0, 1700000000000002, eth_frame));
  Writer spb{little, {}};
  spb.u32(static_cast<uint32_t>(eth_frame.size()));
  spb.bytes(eth_frame);
  w.block(3, spb.out);
  w.block(0x00000bad, Bytes{1, 2, 3});  // custom block: skipped

  Writer second{!little, {}};
  second.block(0x0a0d0d0a, shb(!little));
  second.block(1, idb(!little, 229, 0x80 | 10));  // raw IPv6, 2^-10 seconds
  second.block(6, epb(!little, 0, 3 * 1024 + 512, raw_packet));
  w.bytes(second.out);
  return w.out;
}

void check_pcapng(bool little) {
  Bytes eth = [] {
    Result<Bytes> f = write_pcap({segment("10.0.0.1", 1111, "10.0.0.2", 443, 9, "eth")});
    return Bytes(f->begin() + 40, f->end());
  }();
  Bytes ipv4 = ip_packet(segment("10.0.0.3", 2222, "10.0.0.4", 443, 10, "sll"));
  Writer sll{false, {}};
  sll.u16(0);    // packet type: to us
  sll.u16(772);  // ARPHRD_LOOPBACK
  sll.u16(6);    // address length
  sll.bytes(Bytes(8, 0));
  sll.u16(0x0800);  // protocol
  sll.bytes(ipv4);
  Bytes ipv6 = ip_packet(segment("2001:db8::5", 3333, "2001:db8::6", 443, 11, "six"));

  Bytes file = pcapng_file(little, eth, sll.out, ipv6);
  Result<Capture> cap = read_capture(file);
  ASSERT_TRUE(cap.ok()) << cap.error().reason;
  EXPECT_EQ(cap->format, CaptureFormat::kPcapng);
  EXPECT_FALSE(cap->truncated);
  ASSERT_EQ(cap->packets.size(), 4u);

  EXPECT_EQ(cap->packets[0].link_type, LinkType::kLinuxSll);
  EXPECT_EQ(cap->packets[0].interface_index, 1u);
  EXPECT_EQ(cap->packets[0].timestamp_ns, 1700000000000000001u);  // if_tsresol 9
  EXPECT_EQ(decode_ok(cap->packets[0]).source.address.to_string(), "10.0.0.3");

  EXPECT_EQ(cap->packets[1].link_type, LinkType::kEthernet);
  EXPECT_EQ(cap->packets[1].interface_index, 0u);
  EXPECT_EQ(cap->packets[1].timestamp_ns, 1700000000000002000u);  // default microseconds
  EXPECT_EQ(decode_ok(cap->packets[1]).source.port, 1111);

  // The Simple Packet Block: interface 0, no timestamp.
  EXPECT_EQ(cap->packets[2].interface_index, 0u);
  EXPECT_EQ(cap->packets[2].timestamp_ns, 0u);
  EXPECT_EQ(cap->packets[2].data.size(), eth.size());
  EXPECT_EQ(decode_ok(cap->packets[2]).seq, 9u);

  // The second section: interface numbering continues across the file; 3.5 binary seconds.
  EXPECT_EQ(cap->packets[3].interface_index, 2u);
  EXPECT_EQ(cap->packets[3].link_type, LinkType::kIpv6);
  EXPECT_EQ(cap->packets[3].timestamp_ns, 3500000000u);
  TcpSegment t = decode_ok(cap->packets[3]);
  EXPECT_EQ(t.source.address.to_string(), "2001:db8::5");
  EXPECT_EQ(Bytes(t.payload.begin(), t.payload.end()), text("six"));
}

TEST(PcapngReaderTest, BigEndianSections) { check_pcapng(false); }
TEST(PcapngReaderTest, LittleEndianSections) { check_pcapng(true); }

TEST(PcapngReaderTest, TimestampOffsetAndMillisecondResolution) {
  Bytes frame = ip_packet(segment("10.0.0.1", 1, "10.0.0.2", 2, 0, "x"));
  for (bool little : {false, true}) {
    Writer i{little, {}};
    i.u16(101);
    i.u16(0);
    i.u32(0);
    i.u16(9);  // if_tsresol: 10^-3
    i.u16(1);
    i.u8(3);
    i.u8(0);
    i.u16(0);
    i.u16(14);  // if_tsoffset: +100 seconds
    i.u16(8);
    i.put(100, 8);
    Writer w{little, {}};
    w.block(0x0a0d0d0a, shb(little));
    w.block(1, i.out);
    w.block(6, epb(little, 0, 1500, frame));
    Result<Capture> cap = read_capture(w.out);
    ASSERT_TRUE(cap.ok()) << cap.error().reason;
    ASSERT_EQ(cap->packets.size(), 1u);
    EXPECT_EQ(cap->packets[0].timestamp_ns, 101500000000u);
  }
}

TEST(PcapngReaderTest, RejectsMalformedBlocks) {
  Bytes frame = ip_packet(segment("10.0.0.1", 1, "10.0.0.2", 2, 0, "x"));
  for (bool little : {false, true}) {
    Writer no_idb{little, {}};
    no_idb.block(0x0a0d0d0a, shb(little));
    no_idb.block(6, epb(little, 0, 0, frame));
    expect_decode_error(read_capture(no_idb.out), "names interface 0 but the section declares 0");

    Writer good{little, {}};
    good.block(0x0a0d0d0a, shb(little));
    good.block(1, idb(little, 101, -1));
    good.block(6, epb(little, 0, 0, frame));
    ASSERT_TRUE(read_capture(good.out).ok());

    Bytes bad_trailer = good.out;
    bad_trailer[bad_trailer.size() - (little ? 4 : 1)] ^= 4;
    expect_decode_error(read_capture(bad_trailer), "differs from its leading length");

    Bytes bad_magic = good.out;
    bad_magic[8] ^= 0xff;
    expect_decode_error(read_capture(bad_magic), "bad byte-order magic");

    Bytes odd_length = good.out;
    odd_length[little ? 4 : 7] += 1;
    expect_decode_error(read_capture(odd_length), "not a multiple of 4");

    Writer overrun{little, {}};
    overrun.block(0x0a0d0d0a, shb(little));
    overrun.block(1, idb(little, 101, -1));
    Bytes body = epb(little, 0, 0, frame);
    Writer fix{little, {}};
    fix.u32(static_cast<uint32_t>(frame.size() + 100));
    std::copy(fix.out.begin(), fix.out.end(), body.begin() + 12);  // captured length
    std::copy(fix.out.begin(), fix.out.end(), body.begin() + 16);  // original length
    overrun.block(6, body);
    expect_decode_error(read_capture(overrun.out), "overruns the block");

    Writer bad_resolution{little, {}};
    bad_resolution.block(0x0a0d0d0a, shb(little));
    Bytes i = idb(little, 1, 6);
    i[little ? 10 : 11] = 2;  // if_tsresol length 2
    bad_resolution.block(1, i);
    expect_decode_error(read_capture(bad_resolution.out), "if_tsresol must be 1 byte");

    // A block cut short at the end of the file is a truncation, not an error.
    Bytes cut(good.out.begin(), good.out.end() - 8);
    Result<Capture> cap = read_capture(cut);
    ASSERT_TRUE(cap.ok());
    EXPECT_TRUE(cap->truncated);
    EXPECT_TRUE(cap->packets.empty());
  }
  Writer not_first{false, {}};
  not_first.block(1, idb(false, 1, -1));
  expect_decode_error(read_capture(not_first.out), "unknown file magic");
}

Packet packet_of(LinkType link, const Bytes& data) {
  Packet p;
  p.link_type = link;
  p.data = data;
  p.original_length = static_cast<uint32_t>(data.size());
  return p;
}

TEST(CapturePacketDecodeTest, LinkTypes) {
  Bytes v4 = ip_packet(segment("10.0.0.1", 1000, "10.0.0.2", 443, 1, "four"));
  Bytes v6 = ip_packet(segment("::1", 1001, "::1", 443, 2, "six"));

  // Linux cooked v2: protocol first, 20 bytes in all.
  Writer sll2{false, {}};
  sll2.u16(0x86dd);
  sll2.u16(0);
  sll2.u32(1);    // interface index
  sll2.u16(772);  // ARPHRD_LOOPBACK
  sll2.u8(0);
  sll2.u8(6);
  sll2.bytes(Bytes(8, 0));
  sll2.bytes(v6);
  EXPECT_EQ(decode_ok(packet_of(LinkType::kLinuxSll2, sll2.out)).source.port, 1001);

  // BSD NULL in little-endian host order, with each IPv6 family value, and OpenBSD LOOP.
  for (uint32_t family : {10u, 24u, 28u, 30u}) {
    Writer null{true, {}};
    null.u32(family);
    null.bytes(v6);
    EXPECT_EQ(decode_ok(packet_of(LinkType::kNull, null.out)).seq, 2u) << family;
  }
  Writer null_be{false, {}};
  null_be.u32(2);
  null_be.bytes(v4);
  EXPECT_EQ(decode_ok(packet_of(LinkType::kNull, null_be.out)).seq, 1u);
  Writer loop{false, {}};
  loop.u32(2);
  loop.bytes(v4);
  EXPECT_EQ(decode_ok(packet_of(LinkType::kLoop, loop.out)).source.address.to_string(), "10.0.0.1");
  Writer unknown_family{false, {}};
  unknown_family.u32(7);
  unknown_family.bytes(v4);
  Result<Decoded> d = decode_tcp(packet_of(LinkType::kLoop, unknown_family.out));
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->segment.has_value());
  EXPECT_EQ(d->skipped, SkipReason::kNotIp);

  // Raw IP: 101 by version nibble, 228 and 229 fixed.
  EXPECT_EQ(decode_ok(packet_of(LinkType::kRaw, v6)).seq, 2u);
  EXPECT_EQ(decode_ok(packet_of(LinkType::kIpv4, v4)).seq, 1u);
  EXPECT_EQ(decode_ok(packet_of(LinkType::kIpv6, v6)).seq, 2u);
  EXPECT_FALSE(decode_tcp(packet_of(LinkType::kIpv4, v6)).ok());

  // Ethernet with two VLAN tags (802.1ad outer, 802.1Q inner), and Ethernet padding after a
  // short IPv4 packet is ignored.
  Writer eth{false, {}};
  eth.bytes(Bytes(12, 0xaa));
  eth.u16(0x88a8);
  eth.u16(100);
  eth.u16(0x8100);
  eth.u16(200);
  eth.u16(0x0800);
  eth.bytes(v4);
  eth.bytes(Bytes(6, 0));
  TcpSegment t = decode_ok(packet_of(LinkType::kEthernet, eth.out));
  EXPECT_EQ(Bytes(t.payload.begin(), t.payload.end()), text("four"));

  d = decode_tcp(packet_of(static_cast<LinkType>(147), v4));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->skipped, SkipReason::kUnsupportedLinkType);
}

TEST(CapturePacketDecodeTest, IpDetails) {
  Bytes v4 = ip_packet(segment("10.0.0.1", 1000, "10.0.0.2", 443, 1, "four"));
  // IPv4 fragments are skipped: more-fragments set, or a non-zero offset.
  Bytes frag = v4;
  frag[6] = 0x20;
  Result<Decoded> d = decode_tcp(packet_of(LinkType::kRaw, frag));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->skipped, SkipReason::kFragment);
  frag[6] = 0x40;
  frag[7] = 0x01;
  d = decode_tcp(packet_of(LinkType::kRaw, frag));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->skipped, SkipReason::kFragment);
  // UDP is not TCP.
  Bytes udp = v4;
  udp[9] = 17;
  d = decode_tcp(packet_of(LinkType::kRaw, udp));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->skipped, SkipReason::kNotTcp);
  // A snapshot length that cut the payload: payload_length keeps the declared size.
  Bytes cut(v4.begin(), v4.end() - 2);
  TcpSegment t = decode_ok(packet_of(LinkType::kRaw, cut));
  EXPECT_EQ(t.payload_length, 4u);
  EXPECT_EQ(t.payload.size(), 2u);
  // A header cut short is an error naming the layer.
  Bytes header_cut(v4.begin(), v4.begin() + 30);
  d = decode_tcp(packet_of(LinkType::kRaw, header_cut));
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().reason.find("tcp: header cut short"), std::string::npos);
  // IPv4 options are skipped (IHL 6 with a 4-byte NOP option).
  Bytes with_options(v4.begin(), v4.begin() + 20);
  with_options.insert(with_options.end(), {1, 1, 1, 1});
  with_options.insert(with_options.end(), v4.begin() + 20, v4.end());
  with_options[0] = 0x46;
  with_options[3] = static_cast<uint8_t>(with_options.size());
  EXPECT_EQ(decode_ok(packet_of(LinkType::kRaw, with_options)).seq, 1u);

  // IPv6 with hop-by-hop and destination-options headers, then an atomic fragment header.
  Bytes v6 = ip_packet(segment("2001:db8::1", 1001, "2001:db8::2", 443, 2, "six"));
  Bytes ext(v6.begin(), v6.begin() + 40);
  ext[6] = 0;                             // next: hop-by-hop
  Bytes hbh = {60, 0, 1, 4, 0, 0, 0, 0};  // next: destination options; PadN
  Bytes dest = {44, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};  // 16 bytes; next: fragment
  Bytes fragment = {6, 0, 0, 0, 0, 0, 0, 9};                        // offset 0, M clear: atomic
  ext.insert(ext.end(), hbh.begin(), hbh.end());
  ext.insert(ext.end(), dest.begin(), dest.end());
  ext.insert(ext.end(), fragment.begin(), fragment.end());
  ext.insert(ext.end(), v6.begin() + 40, v6.end());
  size_t payload_len = ext.size() - 40;
  ext[4] = static_cast<uint8_t>(payload_len >> 8);
  ext[5] = static_cast<uint8_t>(payload_len);
  t = decode_ok(packet_of(LinkType::kRaw, ext));
  EXPECT_EQ(Bytes(t.payload.begin(), t.payload.end()), text("six"));
  // A real fragment is skipped.
  ext[40 + 8 + 16 + 3] = 1;  // M flag
  d = decode_tcp(packet_of(LinkType::kRaw, ext));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->skipped, SkipReason::kFragment);
}

TEST(PcapReaderTest, OwnedPacketOutlivesTheFile) {
  OwnedPacket owned;
  {
    Result<Bytes> file = write_pcap({segment("10.0.0.1", 1, "10.0.0.2", 2, 0, "keep")});
    ASSERT_TRUE(file.ok());
    Result<Capture> cap = read_capture(*file);
    ASSERT_TRUE(cap.ok());
    owned = to_owned(cap->packets[0]);
  }
  TcpSegment t = decode_ok(owned.view());
  EXPECT_EQ(Bytes(t.payload.begin(), t.payload.end()), text("keep"));
}

}  // namespace
}  // namespace glasstls::capture
