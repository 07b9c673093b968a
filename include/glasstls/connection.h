// connection.h: the sans-IO TLS connection.
//
// A Connection does no I/O. The caller moves bytes:
//
//   receive(bytes from the network)  ->  [Connection]  ->  output()/consume_output() to send
//   write(plaintext)                 ->                ->  read(plaintext)
//
// After every receive(), write(), close() or key_update(), send whatever output() holds.
// A Connection is used by one thread at a time; many may share one configuration.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "glasstls/config.h"
#include "glasstls/error.h"
#include "glasstls/result.h"
#include "glasstls/trace.h"
#include "glasstls/types.h"

namespace glasstls {

enum class ConnectionState : uint8_t {
  kHandshaking,
  kEstablished,
  // kClosed: close_notify was sent and received (or the caller closed and the peer is done).
  kClosed,
  // kFailed: a fatal error; error() tells which.
  kFailed,
};

const char* name(ConnectionState state);

class Connection {
 public:
  // client starts a client connection to `server_name` (sent as SNI when it is a DNS name, and
  // handed to the certificate verifier). The ClientHello is ready in output() at once.
  static Result<Connection> client(std::shared_ptr<const ClientConfig> config,
                                   std::string server_name);
  // client with a trace attached from the very first byte.
  static Result<Connection> client(std::shared_ptr<const ClientConfig> config,
                                   std::string server_name,
                                   std::shared_ptr<TraceObserver> observer,
                                   TraceOptions options = {});
  // server starts a server connection waiting for a ClientHello.
  static Result<Connection> server(std::shared_ptr<const ServerConfig> config);

  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection();

  // receive processes bytes from the peer. It returns the connection's error once the
  // connection has failed (the alert to send is then in output()); the first error latches.
  Status receive(std::span<const uint8_t> data);

  // output is the bytes waiting to be sent; consume_output(n) drops the first n of them.
  std::span<const uint8_t> output() const;
  void consume_output(size_t n);
  bool wants_write() const { return !output().empty(); }

  // write queues application data for sending. Before the handshake completes the data is
  // held and sent once it does. Fails once the connection has failed or been closed for
  // writing.
  Status write(std::span<const uint8_t> plaintext);

  // read copies received application data into `out` and returns how many bytes it copied.
  size_t read(std::span<uint8_t> out);
  // readable is how many bytes of application data read() can return now.
  size_t readable() const;

  // close sends close_notify; no more data may be written.
  void close();
  // key_update sends a KeyUpdate and switches to the next sending key; with
  // `request_peer_update` the peer is asked to update its own (RFC 8446 section 4.6.3).
  Status key_update(bool request_peer_update);

  // set_trace attaches an observer that sees every record, handshake message, alert and
  // application data from now on (and, with options.show_secrets, every key schedule step).
  // A client's first ClientHello is built when the connection is created: attach the trace with
  // Connection::client(config, name, observer, options) to see it. Pass nullptr to detach.
  void set_trace(std::shared_ptr<TraceObserver> observer, TraceOptions options = {});

  ConnectionState state() const;
  bool is_handshaking() const { return state() == ConnectionState::kHandshaking; }
  // peer_closed is true once the peer's close_notify arrived.
  bool peer_closed() const;
  // error is the latched fatal error, or nullptr.
  const Error* error() const;

  // Negotiated parameters; valid once the handshake has completed (zero/empty before).
  ProtocolVersion version() const;
  CipherSuite cipher_suite() const;
  NamedGroup group() const;
  SignatureScheme peer_signature_scheme() const;
  std::optional<std::string> alpn() const;
  // server_name: for a server, the SNI the client sent; for a client, the name it connected to.
  std::string_view server_name() const;
  // peer_certificates is the peer's chain, DER, end-entity first.
  const std::vector<Bytes>& peer_certificates() const;
  bool hello_retry_request() const;
  // session_tickets are the NewSessionTicket messages received (whole handshake messages).
  // Resumption is not implemented yet; they are kept for the caller.
  const std::vector<Bytes>& session_tickets() const;
  // key_updates_received counts KeyUpdate messages from the peer.
  uint64_t key_updates_received() const;

  // export_keying_material is the TLS 1.3 exporter (RFC 8446 section 7.5). Fails before the
  // handshake completes.
  Result<Bytes> export_keying_material(std::string_view label, std::span<const uint8_t> context,
                                       size_t length) const;

  struct Impl;

 private:
  explicit Connection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace glasstls
