#include "conn/context.h"

#include <algorithm>

namespace glasstls::conn {

void Context::set_tracer(std::unique_ptr<Tracer> t) {
  if (t && tracer) {
    t->queued = std::move(tracer->queued);
  }
  tracer = std::move(t);
  record.set_tap(tracer.get());
  if (tracer && tracer->secrets() && !schedule_forward) {
    schedule_forward = std::make_unique<handshake::KeyScheduleObserver>(
        [this](std::string_view step, ByteView input, ByteView context, ByteView output) {
          if (tracer && tracer->secrets()) {
            tracer->schedule_step(step, input, context, output, suite.hash);
          }
        });
  }
}

Status Context::flush_handshake(uint16_t legacy_version) {
  if (hs_out.empty()) {
    return Ok{};
  }
  Status s = record.write(ContentType::handshake, hs_out, out, legacy_version);
  // A flight is framed once; its room is not kept for the next one (a few per connection).
  Bytes().swap(hs_out);
  if (tracer) {
    for (const Bytes& m : tracer->queued) {
      tracer->message(true, m);
    }
    tracer->queued.clear();
  }
  return s;
}

std::string message_name(HandshakeType type) {
  std::string_view n = name(type);
  if (n.empty()) {
    return "handshake message type " + std::to_string(static_cast<unsigned>(type));
  }
  return std::string(n);
}

void Context::log_secret(std::string_view label, ByteView secret) {
  if (key_log != nullptr) {
    key_log->log(label, client_random, secret);
  }
}

std::string version_text(uint16_t version) {
  static const char* kHex = "0123456789abcdef";
  std::string hex = "0x";
  for (int shift = 12; shift >= 0; shift -= 4) {
    hex += kHex[(version >> shift) & 0xf];
  }
  std::string_view n = name(static_cast<ProtocolVersion>(version));
  if (n.empty()) {
    return "version " + hex;
  }
  std::string text(explain(static_cast<ProtocolVersion>(version)));
  const size_t paren = text.find(" (");
  if (paren != std::string::npos) {
    text.resize(paren);
  }
  return text + " (" + hex + ")";
}

Result<Bytes> Context::random(size_t n) {
  Bytes b(n);
  GLASSTLS_TRY(provider->random->fill(b));
  return b;
}

}  // namespace glasstls::conn
