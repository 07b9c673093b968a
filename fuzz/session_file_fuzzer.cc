// session_file_fuzzer.cc: arbitrary text through the session file decoder (decode_session in
// glasstls/session.h, what `glasstls client --sess-in` reads). Whatever decodes must encode and
// decode again to the same session (the decoder and the encoder agree); a disagreement aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "glasstls/session.h"

namespace {

bool same(const glasstls::StoredSession& a, const glasstls::StoredSession& b) {
  return a.version == b.version && a.suite == b.suite && a.psk.equals(b.psk.span()) &&
         a.ticket == b.ticket && a.session_id == b.session_id && a.age_add == b.age_add &&
         a.lifetime_s == b.lifetime_s && a.received_ms == b.received_ms && a.alpn == b.alpn &&
         a.max_early_data == b.max_early_data;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  glasstls::Result<glasstls::StoredSession> session = glasstls::decode_session(text);
  if (!session.ok()) {
    return 0;
  }
  std::string again = glasstls::encode_session(*session);
  glasstls::Result<glasstls::StoredSession> round = glasstls::decode_session(again);
  if (!round.ok() || !same(*session, *round)) {
    std::abort();
  }
  return 0;
}
