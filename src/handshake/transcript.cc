#include "handshake/transcript.h"

namespace glasstls::handshake {

void Transcript::add(ByteView message) {
  if (ctx_) {
    ctx_->update(message);
  } else {
    pending_.insert(pending_.end(), message.begin(), message.end());
  }
}

void Transcript::start(const crypto::Hash& hash) {
  if (ctx_) {
    return;
  }
  hash_ = &hash;
  ctx_ = hash.start();
  ctx_->update(pending_);
  pending_.clear();
  pending_.shrink_to_fit();
}

Bytes Transcript::current() const {
  // Invariant: started() (the caller has chosen the cipher suite).
  return ctx_->clone()->finish();
}

void Transcript::hello_retry_rollup() {
  Bytes ch1_hash = ctx_->finish();
  ctx_ = hash_->start();
  uint8_t header[4] = {static_cast<uint8_t>(HandshakeType::message_hash), 0, 0,
                       static_cast<uint8_t>(ch1_hash.size())};
  ctx_->update(ByteView(header, 4));
  ctx_->update(ch1_hash);
}

}  // namespace glasstls::handshake
