// transcript.h: the running transcript hash (RFC 8446 section 4.4.1).
#pragma once

#include <memory>

#include "base/bytes.h"
#include "base/result.h"
#include "glasstls/crypto.h"

namespace glasstls::handshake {

// Transcript hashes the handshake messages in order. Until the cipher suite (and so the hash)
// is known, messages are buffered; start() hashes them and continues incrementally, and frees
// the buffer. A version that needs the messages themselves (TLS 1.2's CertificateVerify signs
// them all) calls keep_messages() before start(): the buffer is then kept and grows with
// every message. TLS 1.3 does not, and pays nothing for the option.
class Transcript {
 public:
  void add(ByteView message);
  // start picks the hash; buffered messages are hashed now. Calling it again is a no-op.
  void start(const crypto::Hash& hash);
  bool started() const { return ctx_ != nullptr; }
  // current is Transcript-Hash of everything added so far; requires started().
  Bytes current() const;
  // current_with is Transcript-Hash of everything added so far followed by `partial` (a
  // ClientHello cut before its PSK binders, RFC 8446 section 4.2.11.2), without adding it;
  // requires started().
  Bytes current_with(ByteView partial) const;
  // hello_retry_rollup replaces ClientHello1 (the only message so far) with the synthetic
  // message_hash message, before the HelloRetryRequest is added (section 4.4.1):
  //   Transcript-Hash(ClientHello1, HelloRetryRequest, ... Mn) =
  //       Hash(message_hash ||        /* Handshake type */
  //            00 00 Hash.length  ||  /* Handshake message length (bytes) */
  //            Hash(ClientHello1) ||  /* Hash of ClientHello1 */
  //            HelloRetryRequest  || ... || Mn)
  // Kept messages are replaced the same way, so that they stay what is hashed. Requires
  // started().
  void hello_retry_rollup();
  const crypto::Hash* hash() const { return hash_; }

  // keep_messages makes the transcript keep every message added, before and after start().
  // It fails with internal_error once start() has dropped the messages without keeping them.
  Status keep_messages();
  // keeping_messages reports whether keep_messages() is in effect.
  bool keeping_messages() const { return keep_; }
  // messages is the concatenation of the messages added so far, when keeping them (with the
  // message_hash of hello_retry_rollup in place of ClientHello1); empty otherwise. The view is
  // valid until the next add(), hello_retry_rollup() or release_messages().
  ByteView messages() const { return keep_ ? ByteView(pending_) : ByteView(); }
  // release_messages stops keeping the messages and frees them; the hash goes on.
  void release_messages();

 private:
  const crypto::Hash* hash_ = nullptr;
  std::unique_ptr<crypto::HashContext> ctx_;
  // The messages before start(); after it, only when keep_ is set.
  Bytes pending_;
  bool keep_ = false;
};

}  // namespace glasstls::handshake
