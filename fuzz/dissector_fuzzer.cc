// dissector_fuzzer.cc: arbitrary bytes as the two directions of a connection,
// cut into chunks, through the passive dissector with a fixed key log. It must
// never crash, leak or read out of bounds, whatever the records, lengths,
// handshake messages or ciphertexts.
//
// Input layout: byte 0 picks where the client stream ends (as a fraction of the
// rest), byte 1 seeds the chunk sizes; the rest is client bytes then server
// bytes. When bit 2 of byte 1 is set and the input is long enough, bytes 2-3
// give the client stream's length instead and bytes 4-83 a TLS 1.2 key log
// entry (a 32-byte client_random, a 48-byte master secret) added to the key
// log, so that TLS 1.2 records are decrypted (the seeds are glasstls TLS 1.2
// conversations with their own CLIENT_RANDOM). Those seeds are test fixtures:
// in-memory conversations between a throwaway client and server made for them,
// whose master secrets protect nothing else.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "explain/dissector.h"

namespace {

// fixed_key_log_text is one client_random the fuzzer can hit (all 0x01) with every TLS 1.3
// secret, SHA-256 sized.
std::string fixed_key_log_text() {
  std::string random(64, '0');
  for (size_t i = 1; i < random.size(); i += 2) {
    random[i] = '1';
  }
  std::string secret(64, 'a');
  std::string text;
  for (const char* label :
       {"CLIENT_EARLY_TRAFFIC_SECRET", "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
        "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0"}) {
    text += std::string(label) + " " + random + " " + secret + "\n";
  }
  // And a TLS 1.2 master secret for it.
  text += "CLIENT_RANDOM " + random + " " + std::string(96, 'b') + "\n";
  return text;
}

const glasstls::trace::KeyLogFile& fixed_key_log() {
  static const glasstls::trace::KeyLogFile log =
      glasstls::trace::KeyLogFile::parse(fixed_key_log_text());
  return log;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) {
    return 0;
  }
  glasstls::ByteView rest(data + 2, size - 2);
  size_t split = rest.size() * data[0] / 255;
  glasstls::trace::KeyLogFile tls12_log;
  const glasstls::trace::KeyLogFile* log = &fixed_key_log();
  if ((data[1] & 2) != 0 && size >= 84) {
    const size_t client_len = (size_t{data[2]} << 8) | data[3];
    tls12_log = glasstls::trace::KeyLogFile::parse(fixed_key_log_text());
    (void)tls12_log.add("CLIENT_RANDOM", glasstls::ByteView(data + 4, 32),
                        glasstls::ByteView(data + 36, 48));
    log = &tls12_log;
    rest = glasstls::ByteView(data + 84, size - 84);
    split = std::min(client_len, rest.size());
  }
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
  options.keys = log;
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
