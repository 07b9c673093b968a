// tcp_reassembly.h: TCP connections and their two byte streams, rebuilt from captured segments.
//
// Connections. Segments are grouped by their 4-tuple. A SYN without ACK on a 4-tuple whose
// connection has already ended (FIN or RST seen) or whose client used another initial sequence
// number starts a new connection, so reused port pairs give separate streams.
//
// Roles. The client is, in order of preference:
//   1. the sender of a SYN without ACK (RoleEvidence::kSyn);
//   2. the receiver of a SYN+ACK (kSynAck);
//   3. the side not on a well-known TLS server port (443, 465, 636, 853, 989, 990, 993, 995,
//      4433, 5061, 8443), or else the side on the higher port when exactly one port is below 1024
//      (kPort);
//   4. the side that sent the first payload byte, or else the first packet (kFirstSender).
// Ports come before "who spoke first" because a capture without the handshake most likely
// started in mid-connection, where the first sender seen says nothing.
//
// Streams. Each direction's stream starts at the SYN's sequence number plus one, or, without a
// SYN, at the sequence number of the first segment seen in that direction (bytes before it are
// dropped as old). Sequence numbers are compared modulo 2^32 relative to the next expected byte,
// so streams cross the 2^32 wrap and may be longer than 4 GiB. Retransmitted and overlapping
// data is resolved first-arrival-wins: a byte already received (delivered or buffered) is never
// replaced, and differing copies are counted in `conflicting_bytes`. Out-of-order data waits in
// a buffer, capped per direction by ReassemblyOptions::max_buffered_bytes (64 MiB by default);
// data that would exceed the cap is dropped and `buffer_limit_hit` is set, which turns into a
// gap unless a retransmission fills it later. A hole that never fills ends the stream: `data`
// stops at it and `gap_offset` records where. FIN and RST are recorded; data beyond a FIN is
// ignored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "capture/packet_decode.h"
#include "capture/pcap.h"

namespace glasstls::capture {

// Direction is which way bytes travel.
enum class Direction : uint8_t { kClientToServer, kServerToClient };

// RoleEvidence says how the client was told from the server (see the file comment).
enum class RoleEvidence : uint8_t { kSyn, kSynAck, kPort, kFirstSender };

// Endpoint is one end of a connection, ready to print.
struct Endpoint {
  std::string address;  // dotted IPv4 or RFC 5952 IPv6
  uint16_t port = 0;
};

// Chunk is a range of one direction's stream that became readable at one moment: the
// capture time of the segment that made it contiguous. Chunks appear in the order they
// became readable, so walking them interleaves the two directions in time order.
struct Chunk {
  Direction direction = Direction::kClientToServer;
  uint64_t offset = 0;  // into that direction's `data`
  uint64_t length = 0;
  uint64_t timestamp_ns = 0;
};

// StreamHalf is one direction of a connection.
struct StreamHalf {
  // data is the in-order byte stream from the initial sequence number up to the first hole
  // that never filled (or the end).
  Bytes data;
  bool syn_seen = false;
  bool fin_seen = false;
  bool rst_seen = false;
  // initial_seq is the sequence number of data[0].
  uint32_t initial_seq = 0;
  // gap_offset is set when bytes at that stream offset never arrived although later ones did
  // (or a FIN or a snapshot-length cut says they existed); `data` ends there.
  std::optional<uint64_t> gap_offset;
  // bytes_after_gap counts captured bytes beyond the gap that could not be delivered.
  uint64_t bytes_after_gap = 0;
  // duplicate_bytes counts payload bytes received again (retransmissions, overlaps, keep-alives).
  uint64_t duplicate_bytes = 0;
  // conflicting_bytes counts duplicate bytes whose value differed from the first arrival.
  uint64_t conflicting_bytes = 0;
  // buffer_limit_hit says out-of-order data was dropped at max_buffered_bytes.
  bool buffer_limit_hit = false;
  uint64_t segments = 0;
};

// TcpStream is one reassembled TCP connection.
struct TcpStream {
  Endpoint client;
  Endpoint server;
  RoleEvidence role_evidence = RoleEvidence::kFirstSender;
  StreamHalf client_to_server;
  StreamHalf server_to_client;
  std::vector<Chunk> chunks;
  uint64_t first_timestamp_ns = 0;
  uint64_t last_timestamp_ns = 0;

  // half returns the direction `d` of the connection.
  const StreamHalf& half(Direction d) const {
    return d == Direction::kClientToServer ? client_to_server : server_to_client;
  }
};

// ReassemblyOptions bounds the work of reassembly.
struct ReassemblyOptions {
  // max_buffered_bytes caps the out-of-order data held for one direction of one connection.
  // Each buffered range counts its bytes plus 64 for bookkeeping.
  uint64_t max_buffered_bytes = uint64_t{64} << 20;
};

// DecodeStats counts what happened to the packets given to reassemble_capture.
struct DecodeStats {
  uint64_t packets = 0;
  uint64_t tcp_segments = 0;
  uint64_t unsupported_link_type = 0;
  uint64_t not_ip = 0;
  uint64_t not_tcp = 0;
  uint64_t fragments = 0;
  uint64_t malformed = 0;
  // first_malformed is the decode error of the first malformed packet, with its index.
  std::string first_malformed;
};

// reassemble groups `segments` into connections and rebuilds their streams (see the file
// comment). Segments are processed in order of timestamp (stable, so equal timestamps keep
// their order); the result lists connections in order of their first segment. The streams own
// their bytes. Never fails: anything odd is recorded in the stream.
std::vector<TcpStream> reassemble(const std::vector<TcpSegment>& segments,
                                  const ReassemblyOptions& options = {});

// reassemble_capture decodes every packet with decode_tcp and reassembles the TCP segments.
// Packets that do not decode are counted in `stats` (when not null) and otherwise ignored.
std::vector<TcpStream> reassemble_capture(const std::vector<Packet>& packets,
                                          DecodeStats* stats = nullptr,
                                          const ReassemblyOptions& options = {});

}  // namespace glasstls::capture
