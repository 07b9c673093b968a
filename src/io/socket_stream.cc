// socket_stream.cc: SocketStream, a blocking adapter that moves a Connection's bytes over a
// connected POSIX socket with send()/recv().
//
// Every operation follows the same loop: hand the connection whatever arrived, then send
// whatever it queued (handshake messages, alerts, KeyUpdate answers), until the caller's goal
// is reached or the connection fails. Interrupted system calls (EINTR) are retried.

#include <sys/socket.h>
#include <sys/types.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "base/result.h"
#include "glasstls/socket.h"

namespace glasstls {

namespace {

// kReadChunk is how much one recv() asks for: a little more than one full TLS record (2^14
// bytes of plaintext plus the record header, content type and AEAD tag).
constexpr size_t kReadChunk = 16 * 1024 + 512;

Error transport_error(std::string what) {
  return make_error(ErrorKind::kTransport, AlertDescription::close_notify, std::move(what));
}
Error transport_error(const char* what, int err) {
  return transport_error(std::string(what) + ": " + std::strerror(err));
}

// latched_error is the connection's latched error, or a generic one if (unexpectedly) none is
// recorded although the state says it failed.
Error latched_error(const Connection& conn) {
  if (const Error* e = conn.error(); e != nullptr) {
    return *e;
  }
  return internal_error("connection failed without a recorded error");
}

}  // namespace

Status SocketStream::flush() {
  while (conn_.wants_write()) {
    std::span<const uint8_t> out = conn_.output();
    ssize_t n = ::send(fd_, out.data(), out.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return transport_error("send", errno);
    }
    conn_.consume_output(static_cast<size_t>(n));
  }
  return Ok{};
}

Status SocketStream::pump() {
  uint8_t buf[kReadChunk];
  ssize_t n;
  do {
    n = ::recv(fd_, buf, sizeof(buf), 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    return transport_error("recv", errno);
  }
  if (n == 0) {
    if (conn_.peer_closed()) {
      return Ok{};
    }
    if (conn_.state() == ConnectionState::kFailed) {
      return latched_error(conn_);
    }
    // A transport close is no alert: it is reported as what it is.
    if (conn_.is_handshaking()) {
      return transport_error("peer closed the transport during the handshake");
    }
    //= https://www.rfc-editor.org/rfc/rfc8446#section-6.1
    //# If a transport-level close
    //# is received prior to a "close_notify", the receiver cannot know that
    //# all the data that was sent has been received.
    return transport_error("peer closed the transport without close_notify (truncation)");
  }
  Status received = conn_.receive(std::span<const uint8_t>(buf, static_cast<size_t>(n)));
  // Send what the connection produced either way: responses, or the fatal alert.
  Status flushed = flush();
  if (!received.ok()) {
    return received;
  }
  return flushed;
}

Status SocketStream::handshake() {
  GLASSTLS_TRY(flush());
  while (conn_.is_handshaking()) {
    GLASSTLS_TRY(pump());
  }
  if (conn_.state() == ConnectionState::kFailed) {
    return latched_error(conn_);
  }
  return flush();
}

Result<size_t> SocketStream::read(std::span<uint8_t> out) {
  for (;;) {
    if (conn_.readable() > 0) {
      return conn_.read(out);
    }
    if (conn_.peer_closed()) {
      return size_t{0};
    }
    if (conn_.state() == ConnectionState::kFailed) {
      return latched_error(conn_);
    }
    Status pumped = pump();
    if (!pumped.ok()) {
      return std::move(pumped).error();
    }
  }
}

Status SocketStream::write_all(std::span<const uint8_t> data) {
  GLASSTLS_TRY(conn_.write(data));
  return flush();
}

Status SocketStream::close() {
  conn_.close();
  return flush();
}

}  // namespace glasstls
