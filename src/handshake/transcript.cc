#include "handshake/transcript.h"

namespace glasstls::handshake {

void Transcript::add(ByteView message) {
  if (ctx_) {
    ctx_->update(message);
    if (!keep_) {
      return;
    }
  }
  pending_.insert(pending_.end(), message.begin(), message.end());
}

void Transcript::start(const crypto::Hash& hash) {
  if (ctx_) {
    return;
  }
  hash_ = &hash;
  ctx_ = hash.start();
  ctx_->update(pending_);
  if (!keep_) {
    pending_.clear();
    pending_.shrink_to_fit();
  }
}

Bytes Transcript::current() const {
  // Invariant: started() (the caller has chosen the cipher suite).
  return ctx_->clone()->finish();
}

Bytes Transcript::current_with(ByteView partial) const {
  std::unique_ptr<crypto::HashContext> c = ctx_->clone();
  c->update(partial);
  return c->finish();
}

void Transcript::hello_retry_rollup() {
  Bytes ch1_hash = ctx_->finish();
  ctx_ = hash_->start();
  uint8_t header[4] = {static_cast<uint8_t>(HandshakeType::message_hash), 0, 0,
                       static_cast<uint8_t>(ch1_hash.size())};
  ctx_->update(ByteView(header, 4));
  ctx_->update(ch1_hash);
  if (keep_) {
    pending_.assign(header, header + 4);
    pending_.insert(pending_.end(), ch1_hash.begin(), ch1_hash.end());
  }
}

Status Transcript::keep_messages() {
  if (ctx_ && !keep_) {
    return internal_error("the transcript was started without keeping its messages");
  }
  keep_ = true;
  return Ok{};
}

void Transcript::release_messages() {
  keep_ = false;
  if (ctx_) {
    pending_.clear();
    pending_.shrink_to_fit();
  }
}

}  // namespace glasstls::handshake
