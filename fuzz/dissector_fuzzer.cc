// dissector_fuzzer.cc: arbitrary bytes as the two directions of a connection,
// cut into chunks, through the passive dissector with a fixed key log. It must
// never crash, leak or read out of bounds, whatever the records, lengths,
// handshake messages or ciphertexts.
//
// Input layout: byte 0 picks where the client stream ends (as a fraction of the
// rest), byte 1 seeds the chunk sizes; the rest is client bytes then server
// bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "explain/dissector.h"

namespace {

const glasstls::trace::KeyLogFile& fixed_key_log() {
  // One client_random the fuzzer can hit (all 0x01) with every secret, SHA-256
  // sized.
  static const glasstls::trace::KeyLogFile log = [] {
    std::string random(64, '0');
    for (size_t i = 1; i < random.size(); i += 2) {
      random[i] = '1';
    }
    std::string secret(64, 'a');
    std::string text;
    for (const char* label : {"CLIENT_EARLY_TRAFFIC_SECRET", "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
                              "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0",
                              "SERVER_TRAFFIC_SECRET_0"}) {
      text += std::string(label) + " " + random + " " + secret + "\n";
    }
    return glasstls::trace::KeyLogFile::parse(text);
  }();
  return log;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) {
    return 0;
  }
  glasstls::ByteView rest(data + 2, size - 2);
  size_t split = rest.size() * data[0] / 255;
  glasstls::trace::DissectorInput in;
  in.client_to_server = rest.first(split);
  in.server_to_client = rest.subspan(split);
  // Alternate directions with chunk sizes from a small generator seeded by
  // data[1].
  uint32_t state = data[1] | 0x100u;
  uint64_t left[2] = {in.client_to_server.size(), in.server_to_client.size()};
  for (int turn = 0; (left[0] > 0 || left[1] > 0) && turn < 4096; turn++) {
    state = state * 1103515245u + 12345u;
    size_t d = turn % 2;
    uint64_t n = std::min<uint64_t>(left[d], 1 + (state >> 16) % 700);
    left[d] -= n;
    in.chunks.push_back({d == 0 ? glasstls::TraceDirection::kClientToServer
                                : glasstls::TraceDirection::kServerToClient,
                         n});
  }
  glasstls::trace::DissectorOptions options;
  options.keys = &fixed_key_log();
  options.show_secrets = (data[1] & 1) != 0;
  glasstls::trace::DissectorResult r = glasstls::trace::dissect(in, options);
  (void)r;
  // The record dump parser sees the same bytes as a file.
  auto dump = glasstls::trace::parse_record_dump(rest);
  if (dump.ok()) {
    (void)glasstls::trace::dissect(dump->input(), options);
  }
  return 0;
}
