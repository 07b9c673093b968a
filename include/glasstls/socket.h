// socket.h: a small blocking adapter that runs a Connection over a connected socket.
#pragma once

#include <cstdint>
#include <span>

#include "glasstls/connection.h"
#include "glasstls/result.h"

namespace glasstls {

// SocketStream drives `conn` over the connected, blocking file descriptor `fd`. It does not own
// the descriptor. Every call blocks until it is done or fails.
class SocketStream {
 public:
  SocketStream(int fd, Connection conn) : fd_(fd), conn_(std::move(conn)) {}

  // handshake runs the handshake to completion.
  Status handshake();
  // read returns up to out.size() bytes of application data; 0 means the peer sent
  // close_notify. A transport EOF without close_notify is an error (truncation).
  Result<size_t> read(std::span<uint8_t> out);
  // write_all sends all of `data`.
  Status write_all(std::span<const uint8_t> data);
  // close sends close_notify and flushes it.
  Status close();
  // flush sends everything the connection has queued.
  Status flush();

  Connection& connection() { return conn_; }
  int fd() const { return fd_; }

 private:
  // pump reads once from the socket into the connection.
  Status pump();
  int fd_;
  Connection conn_;
};

}  // namespace glasstls
