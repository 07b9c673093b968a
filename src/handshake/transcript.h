// transcript.h: the running transcript hash (RFC 8446 section 4.4.1).
#pragma once

#include <memory>

#include "base/bytes.h"
#include "base/result.h"
#include "glasstls/crypto.h"

namespace glasstls::handshake {

// Transcript hashes the handshake messages in order. Until the cipher suite (and so the hash)
// is known, messages are buffered; start() hashes them and continues incrementally.
class Transcript {
 public:
  void add(ByteView message);
  // start picks the hash; buffered messages are hashed now. Calling it again is a no-op.
  void start(const crypto::Hash& hash);
  bool started() const { return ctx_ != nullptr; }
  // current is Transcript-Hash of everything added so far; requires started().
  Bytes current() const;
  // hello_retry_rollup replaces ClientHello1 (the only message so far) with the synthetic
  // message_hash message, before the HelloRetryRequest is added (section 4.4.1):
  //   Transcript-Hash(ClientHello1, HelloRetryRequest, ... Mn) =
  //       Hash(message_hash ||        /* Handshake type */
  //            00 00 Hash.length  ||  /* Handshake message length (bytes) */
  //            Hash(ClientHello1) ||  /* Hash of ClientHello1 */
  //            HelloRetryRequest  || ... || Mn)
  // Requires started().
  void hello_retry_rollup();
  const crypto::Hash* hash() const { return hash_; }

 private:
  const crypto::Hash* hash_ = nullptr;
  std::unique_ptr<crypto::HashContext> ctx_;
  Bytes pending_;
};

}  // namespace glasstls::handshake
