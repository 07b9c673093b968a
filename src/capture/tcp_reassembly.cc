// tcp_reassembly.cc: connection tracking and per-direction stream reassembly.
#include "capture/tcp_reassembly.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <utility>

namespace glasstls::capture {
namespace {

// kEntryCost is what one buffered range costs against max_buffered_bytes on top of its bytes (a
// map node and a vector), so that many one-byte segments cannot hold far more memory than the
// cap says.
constexpr uint64_t kEntryCost = 64;

// Half is the reassembly state of one direction.
struct Half {
  StreamHalf out;
  bool started = false;
  // base_seq is the sequence number of stream offset 0.
  uint32_t base_seq = 0;
  // pending holds out-of-order data by stream offset: non-overlapping ranges, all starting
  // beyond out.data.size() (the next expected offset).
  std::map<uint64_t, Bytes> pending;
  // buffered is what pending costs against the cap: its bytes plus kEntryCost per range.
  uint64_t buffered = 0;
  // max_end is the highest stream offset known to exist: declared segment ends and the FIN.
  uint64_t max_end = 0;
  std::optional<uint64_t> fin_offset;

  uint64_t next() const { return out.data.size(); }

  // offset_of maps `seq` to a stream offset, relative to the next expected byte so that the
  // 2^32 wrap does not matter: anything within 2^31 bytes either side is placed correctly.
  int64_t offset_of(uint32_t seq) const {
    uint32_t expected = base_seq + static_cast<uint32_t>(next());
    auto diff = static_cast<int32_t>(seq - expected);
    return static_cast<int64_t>(next()) + diff;
  }
};

// Side 0 is the source of a connection's first segment, side 1 its peer.
struct Connection {
  SocketAddress side[2];
  Half half[2];
  // chunks pairs each chunk with the side index that sent it; finish sets the direction.
  std::vector<std::pair<int, Chunk>> chunks;
  int syn_sender = -1;
  int syn_ack_sender = -1;
  int first_payload_sender = -1;
  bool ended = false;
  uint64_t first_ts = 0;
  uint64_t last_ts = 0;
};

// count_duplicates records that `data` arrived again where `earlier` (of the same size) was
// received first.
void count_duplicates(Half& h, ByteView data, ByteView earlier) {
  h.out.duplicate_bytes += data.size();
  for (size_t i = 0; i < data.size(); i++) {
    if (data[i] != earlier[i]) {
      h.out.conflicting_bytes++;
    }
  }
}

// insert_pending stores the parts of [off, off + data.size()) that no earlier segment
// covered (first arrival wins); off >= h.next().
void insert_pending(Half& h, uint64_t off, ByteView data, const ReassemblyOptions& options) {
  uint64_t end = off + data.size();
  uint64_t pos = off;
  while (pos < end) {
    // The range at or before pos, if it covers pos, was here first.
    auto it = h.pending.upper_bound(pos);
    if (it != h.pending.begin()) {
      auto prev = std::prev(it);
      uint64_t prev_end = prev->first + prev->second.size();
      if (prev_end > pos) {
        uint64_t stop = std::min(prev_end, end);
        count_duplicates(h, data.subspan(pos - off, stop - pos),
                         ByteView(prev->second).subspan(pos - prev->first, stop - pos));
        pos = stop;
        continue;
      }
    }
    // pos is in a hole that lasts until the next range (it) or the end of the new data.
    uint64_t hole_end = it == h.pending.end() ? end : std::min(end, it->first);
    uint64_t len = hole_end - pos;
    // Data at the next expected offset is delivered at once, so only later data counts
    // against the cap.
    if (pos > h.next() && h.buffered + len + kEntryCost > options.max_buffered_bytes) {
      h.out.buffer_limit_hit = true;
      return;
    }
    ByteView piece = data.subspan(pos - off, len);
    h.pending.emplace(pos, Bytes(piece.begin(), piece.end()));
    h.buffered += len + kEntryCost;
    pos = hole_end;
  }
}

// deliver moves pending data that continues the stream into out.data and returns how many bytes
// it moved.
uint64_t deliver(Half& h) {
  uint64_t moved = 0;
  while (!h.pending.empty() && h.pending.begin()->first == h.next()) {
    auto node = h.pending.extract(h.pending.begin());
    Bytes& piece = node.mapped();
    h.buffered -= piece.size() + kEntryCost;
    moved += piece.size();
    h.out.data.insert(h.out.data.end(), piece.begin(), piece.end());
  }
  return moved;
}

void add_payload(Connection& c, int side, Half& h, int64_t off, const TcpSegment& s,
                 const ReassemblyOptions& options) {
  auto declared_end = off + static_cast<int64_t>(s.payload_length);
  auto captured_end = off + static_cast<int64_t>(s.payload.size());
  if (h.fin_offset.has_value()) {
    // Data beyond the FIN cannot be part of the stream.
    auto fin = static_cast<int64_t>(*h.fin_offset);
    declared_end = std::min(declared_end, fin);
    captured_end = std::min(captured_end, fin);
  }
  if (declared_end > 0 && static_cast<uint64_t>(declared_end) > h.max_end) {
    h.max_end = static_cast<uint64_t>(declared_end);
  }
  auto next = static_cast<int64_t>(h.next());
  // Bytes before offset 0 precede the stream start (capture began mid-stream); bytes before
  // `next` were delivered already.
  int64_t old_start = std::max<int64_t>(off, 0);
  int64_t old_end = std::min(captured_end, next);
  if (old_end > old_start) {
    auto a = static_cast<size_t>(old_start - off);
    auto n = static_cast<size_t>(old_end - old_start);
    count_duplicates(h, s.payload.subspan(a, n),
                     ByteView(h.out.data).subspan(static_cast<size_t>(old_start), n));
  }
  int64_t new_start = std::max(off, next);
  if (captured_end > new_start) {
    auto a = static_cast<size_t>(new_start - off);
    auto n = static_cast<size_t>(captured_end - new_start);
    insert_pending(h, static_cast<uint64_t>(new_start), s.payload.subspan(a, n), options);
  }
  uint64_t start = h.next();
  uint64_t moved = deliver(h);
  if (moved > 0) {
    Chunk chunk;
    chunk.offset = start;
    chunk.length = moved;
    chunk.timestamp_ns = s.timestamp_ns;
    c.chunks.emplace_back(side, chunk);
  }
}

void add_segment(Connection& c, int side, const TcpSegment& s, const ReassemblyOptions& options) {
  Half& h = c.half[side];
  h.out.segments++;
  c.last_ts = s.timestamp_ns;
  uint32_t data_seq = s.seq;
  if (s.has(tcp_flag::kSyn)) {
    if (!s.has(tcp_flag::kAck) && c.syn_sender < 0) {
      c.syn_sender = side;
    }
    if (s.has(tcp_flag::kAck) && c.syn_ack_sender < 0) {
      c.syn_ack_sender = side;
    }
    // The SYN takes one sequence number; data (TCP Fast Open) follows it. A SYN fixes the
    // stream start unless data has already been placed relative to another start.
    if (!h.out.syn_seen && h.next() == 0 && h.pending.empty()) {
      h.started = true;
      h.base_seq = s.seq + 1;
      h.out.initial_seq = h.base_seq;
      h.out.syn_seen = true;
      h.max_end = 0;
    }
    data_seq = s.seq + 1;
  }
  if (!h.started) {
    h.started = true;
    h.base_seq = data_seq;
    h.out.initial_seq = data_seq;
  }
  int64_t off = h.offset_of(data_seq);
  if (s.payload_length > 0) {
    if (c.first_payload_sender < 0) {
      c.first_payload_sender = side;
    }
    add_payload(c, side, h, off, s, options);
  }
  if (s.has(tcp_flag::kFin)) {
    int64_t fin = off + static_cast<int64_t>(s.payload_length);
    if (!h.fin_offset.has_value() && fin >= 0) {
      h.fin_offset = static_cast<uint64_t>(fin);
      h.max_end = std::max(h.max_end, *h.fin_offset);
    }
    h.out.fin_seen = true;
    c.ended = true;
  }
  if (s.has(tcp_flag::kRst)) {
    h.out.rst_seen = true;
    c.ended = true;
  }
}

bool is_tls_port(uint16_t port) {
  static constexpr uint16_t kPorts[] = {443, 465, 636, 853, 989, 990, 993, 995, 4433, 5061, 8443};
  return std::find(std::begin(kPorts), std::end(kPorts), port) != std::end(kPorts);
}

// choose_client returns the client's side index and the evidence for it.
std::pair<int, RoleEvidence> choose_client(const Connection& c) {
  if (c.syn_sender >= 0) {
    return {c.syn_sender, RoleEvidence::kSyn};
  }
  if (c.syn_ack_sender >= 0) {
    return {1 - c.syn_ack_sender, RoleEvidence::kSynAck};
  }
  uint16_t p0 = c.side[0].port;
  uint16_t p1 = c.side[1].port;
  if (is_tls_port(p0) != is_tls_port(p1)) {
    return {is_tls_port(p0) ? 1 : 0, RoleEvidence::kPort};
  }
  if ((p0 < 1024) != (p1 < 1024)) {
    return {p0 < 1024 ? 1 : 0, RoleEvidence::kPort};
  }
  return {c.first_payload_sender >= 0 ? c.first_payload_sender : 0, RoleEvidence::kFirstSender};
}

void finish_half(Half& h) {
  if (!h.pending.empty() || h.max_end > h.next()) {
    h.out.gap_offset = h.next();
    for (const auto& [offset, piece] : h.pending) {
      h.out.bytes_after_gap += piece.size();
    }
  }
}

TcpStream finish(Connection& c) {
  finish_half(c.half[0]);
  finish_half(c.half[1]);
  auto [client, evidence] = choose_client(c);
  int server = 1 - client;
  TcpStream t;
  t.client = Endpoint{c.side[client].address.to_string(), c.side[client].port};
  t.server = Endpoint{c.side[server].address.to_string(), c.side[server].port};
  t.role_evidence = evidence;
  t.client_to_server = std::move(c.half[client].out);
  t.server_to_client = std::move(c.half[server].out);
  t.chunks.reserve(c.chunks.size());
  for (auto& [side, chunk] : c.chunks) {
    chunk.direction = side == client ? Direction::kClientToServer : Direction::kServerToClient;
    t.chunks.push_back(chunk);
  }
  t.first_timestamp_ns = c.first_ts;
  t.last_timestamp_ns = c.last_ts;
  return t;
}

}  // namespace

std::vector<TcpStream> reassemble(const std::vector<TcpSegment>& segments,
                                  const ReassemblyOptions& options) {
  std::vector<size_t> order(segments.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return segments[a].timestamp_ns < segments[b].timestamp_ns;
  });

  std::vector<Connection> connections;
  // current maps an ordered endpoint pair to the index of its latest connection.
  std::map<std::pair<SocketAddress, SocketAddress>, size_t> current;
  for (size_t index : order) {
    const TcpSegment& s = segments[index];
    auto key = std::minmax(s.source, s.destination);
    auto found = current.find(std::make_pair(key.first, key.second));
    bool fresh = found == current.end();
    if (!fresh && s.has(tcp_flag::kSyn) && !s.has(tcp_flag::kAck)) {
      // A new SYN on a finished connection, or with another initial sequence number, opens a
      // new connection on the same 4-tuple.
      const Connection& c = connections[found->second];
      int side = c.side[0] == s.source ? 0 : 1;
      const Half& h = c.half[side];
      fresh = c.ended || (h.out.syn_seen && h.base_seq != s.seq + 1);
    }
    if (fresh) {
      Connection c;
      c.side[0] = s.source;
      c.side[1] = s.destination;
      c.first_ts = s.timestamp_ns;
      connections.push_back(std::move(c));
      current[std::make_pair(key.first, key.second)] = connections.size() - 1;
      found = current.find(std::make_pair(key.first, key.second));
    }
    Connection& c = connections[found->second];
    int side = c.side[0] == s.source ? 0 : 1;
    add_segment(c, side, s, options);
  }

  std::vector<TcpStream> out;
  out.reserve(connections.size());
  for (Connection& c : connections) {
    out.push_back(finish(c));
  }
  return out;
}

std::vector<TcpStream> reassemble_capture(const std::vector<Packet>& packets, DecodeStats* stats,
                                          const ReassemblyOptions& options) {
  DecodeStats local;
  DecodeStats& st = stats != nullptr ? *stats : local;
  std::vector<TcpSegment> segments;
  for (size_t i = 0; i < packets.size(); i++) {
    st.packets++;
    Result<Decoded> d = decode_tcp(packets[i]);
    if (!d.ok()) {
      if (st.malformed++ == 0) {
        st.first_malformed = "packet " + std::to_string(i) + ": " + d.error().reason;
      }
      continue;
    }
    if (d->segment.has_value()) {
      st.tcp_segments++;
      segments.push_back(*d->segment);
      continue;
    }
    switch (d->skipped) {
      case SkipReason::kUnsupportedLinkType: st.unsupported_link_type++; break;
      case SkipReason::kNotIp: st.not_ip++; break;
      case SkipReason::kNotTcp: st.not_tcp++; break;
      case SkipReason::kFragment: st.fragments++; break;
    }
  }
  return reassemble(segments, options);
}

}  // namespace glasstls::capture
