// tcp_reassembly_test.cc: connection tracking and stream reassembly, end to end through
// write_pcap, read_capture and decode_tcp.
#include "capture/tcp_reassembly.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "capture/pcap_writer.h"

namespace glasstls::capture {
namespace {

using tcp_flag::kAck;
using tcp_flag::kFin;
using tcp_flag::kPsh;
using tcp_flag::kRst;
using tcp_flag::kSyn;

std::string str(const Bytes& b) { return std::string(b.begin(), b.end()); }

SocketAddress at(std::string_view address, uint16_t port) {
  std::optional<IpAddress> a = IpAddress::parse(address);
  EXPECT_TRUE(a.has_value()) << address;
  return SocketAddress{a.value_or(IpAddress{}), port};
}

// Conversation collects segments between a client and a server, one millisecond apart.
class Conversation {
 public:
  Conversation(SocketAddress client, SocketAddress server, std::vector<SyntheticSegment>* out)
      : client_(client), server_(server), out_(out) {}

  // send appends a segment from the client (or server) with sequence number `seq`.
  void send(bool from_client, uint32_t seq, uint8_t flags, std::string_view payload = "") {
    SyntheticSegment s;
    s.timestamp_ns = next_time_;
    next_time_ += 1000000;
    s.source = from_client ? client_ : server_;
    s.destination = from_client ? server_ : client_;
    s.seq = seq;
    s.flags = flags;
    s.payload.assign(payload.begin(), payload.end());
    out_->push_back(s);
  }
  void client(uint32_t seq, std::string_view payload, uint8_t flags = kAck | kPsh) {
    send(true, seq, flags, payload);
  }
  void server(uint32_t seq, std::string_view payload, uint8_t flags = kAck | kPsh) {
    send(false, seq, flags, payload);
  }
  // handshake sends SYN, SYN+ACK and ACK with the given initial sequence numbers.
  void handshake(uint32_t client_isn, uint32_t server_isn) {
    send(true, client_isn, kSyn);
    send(false, server_isn, kSyn | kAck);
    send(true, client_isn + 1, kAck);
  }
  // timestamps are shared by all conversations writing to the same list.
  static inline uint64_t next_time_ = 1700000000000000000;

 private:
  SocketAddress client_;
  SocketAddress server_;
  std::vector<SyntheticSegment>* out_;
};

std::vector<TcpStream> run(const std::vector<SyntheticSegment>& segments,
                           const ReassemblyOptions& options = {}, DecodeStats* stats = nullptr) {
  Result<Bytes> file = write_pcap(segments);
  EXPECT_TRUE(file.ok());
  if (!file.ok()) {
    return {};
  }
  Result<Capture> cap = read_capture(*file);
  EXPECT_TRUE(cap.ok());
  if (!cap.ok()) {
    return {};
  }
  EXPECT_EQ(cap->packets.size(), segments.size());
  DecodeStats local;
  std::vector<TcpStream> streams =
      reassemble_capture(cap->packets, stats != nullptr ? stats : &local, options);
  EXPECT_EQ((stats != nullptr ? stats : &local)->tcp_segments, segments.size());
  return streams;
}

TEST(TcpReassemblyTest, HandshakeDataAndChunksInTimeOrder) {
  std::vector<SyntheticSegment> segs;
  Conversation c(at("10.0.0.1", 50000), at("10.0.0.2", 443), &segs);
  c.handshake(1000, 5000);
  c.client(1001, "hello");
  uint64_t hello_time = segs.back().timestamp_ns;
  c.server(5001, "world!");
  c.client(1006, "bye");
  c.client(1009, "", kFin | kAck);
  c.server(5007, "", kFin | kAck);
  std::vector<TcpStream> streams = run(segs);
  ASSERT_EQ(streams.size(), 1u);
  const TcpStream& t = streams[0];
  EXPECT_EQ(t.client.address, "10.0.0.1");
  EXPECT_EQ(t.client.port, 50000);
  EXPECT_EQ(t.server.address, "10.0.0.2");
  EXPECT_EQ(t.server.port, 443);
  EXPECT_EQ(t.role_evidence, RoleEvidence::kSyn);
  EXPECT_EQ(str(t.client_to_server.data), "hellobye");
  EXPECT_EQ(str(t.server_to_client.data), "world!");
  EXPECT_EQ(t.client_to_server.initial_seq, 1001u);
  EXPECT_EQ(t.server_to_client.initial_seq, 5001u);
  EXPECT_TRUE(t.client_to_server.syn_seen);
  EXPECT_TRUE(t.client_to_server.fin_seen);
  EXPECT_TRUE(t.server_to_client.fin_seen);
  EXPECT_FALSE(t.client_to_server.gap_offset.has_value());
  EXPECT_FALSE(t.server_to_client.gap_offset.has_value());
  EXPECT_EQ(t.client_to_server.duplicate_bytes, 0u);
  EXPECT_EQ(t.client_to_server.segments, 5u);
  ASSERT_EQ(t.chunks.size(), 3u);
  EXPECT_EQ(t.chunks[0].direction, Direction::kClientToServer);
  EXPECT_EQ(t.chunks[0].offset, 0u);
  EXPECT_EQ(t.chunks[0].length, 5u);
  EXPECT_EQ(t.chunks[0].timestamp_ns, hello_time);
  EXPECT_EQ(t.chunks[1].direction, Direction::kServerToClient);
  EXPECT_EQ(t.chunks[1].length, 6u);
  EXPECT_EQ(t.chunks[2].direction, Direction::kClientToServer);
  EXPECT_EQ(t.chunks[2].offset, 5u);
  EXPECT_EQ(t.chunks[2].length, 3u);
  EXPECT_LT(t.chunks[0].timestamp_ns, t.chunks[1].timestamp_ns);
  EXPECT_LT(t.chunks[1].timestamp_ns, t.chunks[2].timestamp_ns);
  EXPECT_EQ(t.first_timestamp_ns, segs.front().timestamp_ns);
  EXPECT_EQ(t.last_timestamp_ns, segs.back().timestamp_ns);
}

TEST(TcpReassemblyTest, RetransmissionIsDeliveredOnce) {
  std::vector<SyntheticSegment> segs;
  Conversation c(at("10.0.0.1", 50000), at("10.0.0.2", 443), &segs);
  c.handshake(1000, 5000);
  c.client(1001, "abc");
  c.client(1001, "abc");
  c.client(1004, "def");
  c.client(1001, "abcdef");
  std::vector<TcpStream> streams = run(segs);
  ASSERT_EQ(streams.size(), 1u);
  EXPECT_EQ(str(streams[0].client_to_server.data), "abcdef");
  EXPECT_EQ(streams[0].client_to_server.duplicate_bytes, 9u);
  EXPECT_EQ(streams[0].client_to_server.conflicting_bytes, 0u);
  EXPECT_EQ(streams[0].chunks.size(), 2u);
  // A retransmitted SYN does not start another connection.
  segs.insert(segs.begin() + 1, segs.front());
  segs[1].timestamp_ns += 1;
  EXPECT_EQ(run(segs).size(), 1u);
}

TEST(TcpReassemblyTest, OutOfOrderSegmentsWaitForTheGap) {
  std::vector<SyntheticSegment> segs;
  Conversation c(at("10.0.0.1", 50000), at("10.0.0.2", 443), &segs);
  c.handshake(1000, 5000);
  c.client(1007, "ghi");
  c.client(1004, "def");
  c.client(1001, "abc");
  uint64_t filled = segs.back().timestamp_ns;
  c.client(1010, "jk");
  std::vector<TcpStream> streams = run(segs);
  ASSERT_EQ(streams.size(), 1u);
  const TcpStream& t = streams[0];
  EXPECT_EQ(str(t.client_to_server.data), "abcdefghijk");
  EXPECT_FALSE(t.client_to_server.gap_offset.has_value());
  ASSERT_EQ(t.chunks.size(), 2u);
  // The bytes became readable when the first segment arrived.
  EXPECT_EQ(t.chunks[0].offset, 0u);
  EXPECT_EQ(t.chunks[0].length, 9u);
  EXPECT_EQ(t.chunks[0].timestamp_ns, filled);
  EXPECT_EQ(t.chunks[1].offset, 9u);
  EXPECT_EQ(t.chunks[1].length, 2u);
}

TEST(TcpReassemblyTest, OverlapsKeepTheFirstArrival) {
  std::vector<SyntheticSegment> segs;
  Conversation c(at("10.0.0.1", 50000), at("10.0.0.2", 443), &segs);
  c.handshake(1000, 5000);
  c.client(1001, "abcd");
  c.client(1003, "XXef");    // overlaps delivered "cd"
  c.client(1009, "MNOP");    // buffered at offset 8
  c.client(1007, "ghzzzz");  // fills 6..8, overlaps buffered "MNOP"
  c.client(1013, "Q");
  std::vector<TcpStream> streams = run(segs);
  ASSERT_EQ(streams.size(), 1u);
  const StreamHalf& h = streams[0].client_to_server;
  EXPECT_EQ(str(h.data), "abcdefghMNOPQ");
  EXPECT_EQ(h.duplicate_bytes, 6u);
  EXPECT_EQ(h.conflicting_bytes, 6u);
  EXPECT_FALSE(h.gap_offset.has_value());
}

TEST(TcpReassemblyTest, PermanentGapEndsTheStream) {
  std::vector<SyntheticSegment> segs;
  Conversation c(at("10.0.0.1", 50000), at("10.0.0.2", 443), &segs);
  c.handshake(1000, 5000);
  c.client(1001, "abc");
  c.client(1007, "ghi");  // "def" never arrives
  c.client(1010, "jk", kAck | kFin);
  c.server(5001, "reply");
  c.server(5009, "", kAck | kFin);  // three bytes before the FIN are missing
  std::vector<TcpStream> streams = run(segs);
  ASSERT_EQ(streams.size(), 1u);
  const TcpStream& t = streams[0];
  EXPECT_EQ(str(t.client_to_server.data), "abc");
  ASSERT_TRUE(t.client_to_server.gap_offset.has_value());
  EXPECT_EQ(*t.client_to_server.gap_offset, 3u);
  EXPECT_EQ(t.client_to_server.bytes_after_gap, 5u);
  EXPECT_TRUE(t.client_to_server.fin_seen);
  EXPECT_EQ(str(t.server_to_client.data), "reply");
  ASSERT_TRUE(t.server_to_client.gap_offset.has_value());
  EXPECT_EQ(*t.server_to_client.gap_offset, 5u);
  EXPECT_EQ(t.server_to_client.bytes_after_gap, 0u);
}

TEST(TcpReassemblyTest, SequenceNumbersWrapAround) {
  std::vector<SyntheticSegment> segs;
  Conversation c(at("10.0.0.1", 50000), at("10.0.0.2", 443), &segs);
  c.handshake(0xfffffff8, 0xffffffff);  // the server's first data byte has sequence number 0
  c.client(0x00000001, "89");           // out of order, after the wrap
  c.client(0xfffffff9, "01234567");     // crosses 2^32
  c.server(0x00000000, "srv");
  c.server(0x00000003, "ok");
  c.client(0x00000003, "", kAck | kFin);
  std::vector<TcpStream> streams = run(segs);
  ASSERT_EQ(streams.size(), 1u);
  EXPECT_EQ(str(streams[0].client_to_server.data), "0123456789");
  EXPECT_EQ(streams[0].client_to_server.initial_seq, 0xfffffff9u);
  EXPECT_FALSE(streams[0].client_to_server.gap_offset.has_value());
  EXPECT_EQ(str(streams[0].server_to_client.data), "srvok");
  EXPECT_EQ(streams[0].server_to_client.initial_seq, 0u);
}

TEST(TcpReassemblyTest, ConcurrentConnectionsAndPortReuse) {
  std::vector<SyntheticSegment> segs;
  Conversation a(at("10.0.0.1", 50001), at("10.0.0.9", 443), &segs);
  Conversation b(at("10.0.0.1", 50002), at("10.0.0.9", 443), &segs);
  Conversation v6(at("2001:db8::1", 50003), at("2001:db8::9", 8443), &segs);
  a.handshake(100, 900);
  b.handshake(200, 800);
  v6.handshake(300, 700);
  b.client(201, "B1");
  a.client(101, "A1");
  v6.client(301, "V1");
  a.server(901, "a-reply");
  b.server(801, "b-reply");
  v6.server(701, "v-reply");
  a.client(103, "A2");
  a.client(105, "", kFin | kAck);
  a.server(908, "", kRst);
  // The same 4-tuple again: a new connection.
  a.handshake(5000, 6000);
  a.client(5001, "again");
  std::vector<TcpStream> streams = run(segs);
  ASSERT_EQ(streams.size(), 4u);
  EXPECT_EQ(streams[0].client.port, 50001);
  EXPECT_EQ(str(streams[0].client_to_server.data), "A1A2");
  EXPECT_EQ(str(streams[0].server_to_client.data), "a-reply");
  EXPECT_TRUE(streams[0].server_to_client.rst_seen);
  EXPECT_EQ(streams[1].client.port, 50002);
  EXPECT_EQ(str(streams[1].client_to_server.data), "B1");
  EXPECT_EQ(str(streams[1].server_to_client.data), "b-reply");
  EXPECT_EQ(streams[2].client.address, "2001:db8::1");
  EXPECT_EQ(streams[2].server.address, "2001:db8::9");
  EXPECT_EQ(streams[2].server.port, 8443);
  EXPECT_EQ(str(streams[2].client_to_server.data), "V1");
  EXPECT_EQ(str(streams[2].server_to_client.data), "v-reply");
  EXPECT_EQ(streams[3].client.port, 50001);
  EXPECT_EQ(str(streams[3].client_to_server.data), "again");
  EXPECT_TRUE(streams[3].server_to_client.data.empty());
  EXPECT_EQ(streams[3].client_to_server.initial_seq, 5001u);
}

TEST(TcpReassemblyTest, RolesWithoutASyn) {
  std::vector<SyntheticSegment> segs;
  // Mid-stream capture: the server on 443 speaks first.
  Conversation tls(at("10.0.0.1", 50000), at("10.0.0.2", 443), &segs);
  tls.server(7000, "late");
  tls.client(3000, "early");
  // Both ports ephemeral: whoever sends the first payload is the client.
  Conversation high(at("10.0.0.3", 40000), at("10.0.0.4", 50000), &segs);
  high.server(100, "", kAck);
  high.client(200, "first");
  high.server(100, "second");
  // Only the SYN+ACK was captured.
  Conversation synack(at("10.0.0.5", 9999), at("10.0.0.6", 8888), &segs);
  synack.server(10, "", kSyn | kAck);
  synack.client(21, "req");
  std::vector<TcpStream> streams = run(segs);
  ASSERT_EQ(streams.size(), 3u);
  EXPECT_EQ(streams[0].role_evidence, RoleEvidence::kPort);
  EXPECT_EQ(streams[0].client.port, 50000);
  EXPECT_EQ(str(streams[0].client_to_server.data), "early");
  EXPECT_EQ(streams[0].client_to_server.initial_seq, 3000u);
  EXPECT_FALSE(streams[0].client_to_server.syn_seen);
  EXPECT_EQ(str(streams[0].server_to_client.data), "late");
  EXPECT_EQ(streams[1].role_evidence, RoleEvidence::kFirstSender);
  EXPECT_EQ(streams[1].client.port, 40000);
  EXPECT_EQ(str(streams[1].server_to_client.data), "second");
  EXPECT_EQ(streams[2].role_evidence, RoleEvidence::kSynAck);
  EXPECT_EQ(streams[2].client.port, 9999);
  EXPECT_EQ(str(streams[2].client_to_server.data), "req");
  EXPECT_EQ(streams[2].server_to_client.initial_seq, 11u);
}

TEST(TcpReassemblyTest, OutOfOrderBufferIsCapped) {
  std::vector<SyntheticSegment> segs;
  Conversation c(at("10.0.0.1", 50000), at("10.0.0.2", 443), &segs);
  c.handshake(1000, 5000);
  std::string big(100, 'x');
  c.client(1001, big);  // in order: never limited
  // Each buffered range costs its bytes plus 64, against a cap of 70.
  c.client(1001 + 110, "0123456789");  // out of order, 10 + 64 > 70: dropped
  c.client(1001 + 105, "abcde");       // out of order, 5 + 64 <= 70: buffered
  c.client(1001 + 100, "ABCDE");       // fills the hole
  ReassemblyOptions options;
  options.max_buffered_bytes = 70;
  std::vector<TcpStream> streams = run(segs, options);
  ASSERT_EQ(streams.size(), 1u);
  const StreamHalf& h = streams[0].client_to_server;
  EXPECT_EQ(str(h.data), big + "ABCDEabcde");
  EXPECT_TRUE(h.buffer_limit_hit);
  ASSERT_TRUE(h.gap_offset.has_value());
  EXPECT_EQ(*h.gap_offset, 110u);
  // With the default cap everything fits.
  streams = run(segs);
  ASSERT_EQ(streams.size(), 1u);
  EXPECT_EQ(str(streams[0].client_to_server.data), big + "ABCDEabcde0123456789");
  EXPECT_FALSE(streams[0].client_to_server.buffer_limit_hit);
}

TEST(TcpReassemblyTest, SnapshotLengthCutIsAGap) {
  Bytes payload = {'a', 'b', 'c', 'd'};
  TcpSegment s;
  s.source = at("10.0.0.1", 50000);
  s.destination = at("10.0.0.2", 443);
  s.seq = 1;
  s.flags = kAck;
  s.payload = payload;
  s.payload_length = 10;  // six bytes were not captured
  std::vector<TcpStream> streams = reassemble({s});
  ASSERT_EQ(streams.size(), 1u);
  EXPECT_EQ(str(streams[0].client_to_server.data), "abcd");
  ASSERT_TRUE(streams[0].client_to_server.gap_offset.has_value());
  EXPECT_EQ(*streams[0].client_to_server.gap_offset, 4u);
}

TEST(TcpReassemblyTest, DecodeStatsCountSkippedPackets) {
  std::vector<SyntheticSegment> segs;
  Conversation c(at("10.0.0.1", 50000), at("10.0.0.2", 443), &segs);
  c.client(1, "data");
  c.client(5, "more");
  c.client(9, "udp");
  Result<Bytes> file = write_pcap(segs);
  ASSERT_TRUE(file.ok());
  Result<Capture> cap = read_capture(*file);
  ASSERT_TRUE(cap.ok());
  ASSERT_EQ(cap->packets.size(), 3u);
  std::vector<Packet> packets = cap->packets;
  Bytes udp(packets[2].data.begin(), packets[2].data.end());
  udp[14 + 9] = 17;
  packets[2].data = udp;
  packets[1].data = packets[1].data.subspan(0, 30);  // cut inside the IPv4 header
  Packet arp = packets[0];
  Bytes arp_bytes(arp.data.begin(), arp.data.end());
  arp_bytes[12] = 0x08;
  arp_bytes[13] = 0x06;
  arp.data = arp_bytes;
  packets.push_back(arp);
  DecodeStats stats;
  std::vector<TcpStream> streams = reassemble_capture(packets, &stats);
  EXPECT_EQ(stats.packets, 4u);
  EXPECT_EQ(stats.tcp_segments, 1u);
  EXPECT_EQ(stats.not_tcp, 1u);
  EXPECT_EQ(stats.not_ip, 1u);
  EXPECT_EQ(stats.malformed, 1u);
  EXPECT_NE(stats.first_malformed.find("packet 1: ipv4: header cut short"), std::string::npos)
      << stats.first_malformed;
  ASSERT_EQ(streams.size(), 1u);
  EXPECT_EQ(str(streams[0].client_to_server.data), "data");
}

}  // namespace
}  // namespace glasstls::capture
