// capture_fuzzer.cc: reads arbitrary input as a pcap or pcapng file, decodes every packet and
// reassembles the TCP streams, then checks the invariants of the result.
//
// Memory stays bounded: read_capture returns views into the input; every delivered or buffered
// stream byte is a copy of an input byte, and out-of-order data is further capped per direction
// (here at 1 MiB instead of the default 64 MiB, to keep runs fast).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "capture/pcap.h"
#include "capture/pcap_writer.h"
#include "capture/tcp_reassembly.h"

namespace {

using glasstls::ByteView;
using namespace glasstls::capture;

void check(bool ok) {
  if (!ok) {
    abort();
  }
}

void check_streams(const std::vector<TcpStream>& streams, size_t input_size) {
  uint64_t total = 0;
  for (const TcpStream& t : streams) {
    uint64_t seen[2] = {0, 0};
    for (const Chunk& c : t.chunks) {
      auto d = static_cast<size_t>(c.direction);
      // Chunks tile each direction's stream in order.
      check(c.offset == seen[d] && c.length > 0);
      seen[d] += c.length;
    }
    check(seen[0] == t.client_to_server.data.size());
    check(seen[1] == t.server_to_client.data.size());
    total += seen[0] + seen[1];
  }
  // Every stream byte came from a distinct input byte.
  check(total <= input_size);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  glasstls::Result<Capture> cap = read_capture(ByteView(data, size));
  if (!cap.ok()) {
    return 0;
  }
  ReassemblyOptions options;
  options.max_buffered_bytes = uint64_t{1} << 20;
  DecodeStats stats;
  std::vector<TcpStream> streams = reassemble_capture(cap->packets, &stats, options);
  check(stats.packets == cap->packets.size());
  check(stats.tcp_segments + stats.malformed + stats.not_ip + stats.not_tcp + stats.fragments +
            stats.unsupported_link_type ==
        stats.packets);
  check_streams(streams, size);

  // Round trip: the decoded segments, written with write_pcap and read back, decode to the same
  // segments (only the fully captured ones: write_pcap writes what it is given).
  std::vector<SyntheticSegment> synthetic;
  for (const Packet& p : cap->packets) {
    glasstls::Result<Decoded> d = decode_tcp(p);
    // write_pcap writes at most one IP packet's worth (65,535 bytes with the headers).
    if (!d.ok() || !d->segment.has_value() ||
        d->segment->payload.size() != d->segment->payload_length ||
        d->segment->payload.size() > 65535 - 60) {
      continue;
    }
    const TcpSegment& s = *d->segment;
    SyntheticSegment w;
    w.timestamp_ns = s.timestamp_ns % (uint64_t{1} << 32) * 1000000000;
    w.source = s.source;
    w.destination = s.destination;
    w.seq = s.seq;
    w.ack = s.ack;
    w.flags = s.flags;
    w.window = s.window;
    w.payload.assign(s.payload.begin(), s.payload.end());
    synthetic.push_back(std::move(w));
  }
  glasstls::Result<glasstls::Bytes> file = write_pcap(synthetic);
  check(file.ok());
  glasstls::Result<Capture> again = read_capture(*file);
  check(again.ok() && !again->truncated && again->packets.size() == synthetic.size());
  for (size_t i = 0; i < synthetic.size(); i++) {
    glasstls::Result<Decoded> d = decode_tcp(again->packets[i]);
    check(d.ok() && d->segment.has_value());
    const TcpSegment& s = *d->segment;
    const SyntheticSegment& w = synthetic[i];
    check(s.source == w.source && s.destination == w.destination && s.seq == w.seq &&
          s.ack == w.ack && s.flags == w.flags && s.window == w.window &&
          s.timestamp_ns == w.timestamp_ns &&
          glasstls::Bytes(s.payload.begin(), s.payload.end()) == w.payload);
  }
  return 0;
}
