// connection.h: the sans-IO TLS connection.
//
// A Connection does no I/O. The caller moves bytes:
//
//   receive(bytes from the network)  ->  [Connection]  ->  output()/consume_output() to send
//   write(plaintext)                 ->                ->  read(plaintext), or
//                                                          read_view()/consume_read()
//
// After every receive(), write(), close() or key_update(), send whatever output() holds.
// A Connection is used by one thread at a time; many may share one configuration.
//
// Bulk data crosses memory once per direction where it can: write() seals straight from the
// caller's plaintext into output(), and receive() decrypts each whole record from the caller's
// bytes straight into the buffer that read_view() shows (only a record cut off at the end of
// one receive() is copied, to be completed by the next). read() adds one copy, into the
// caller's buffer, as SSL_read does.
//
// Memory: the output, partial-record and read buffers each keep up to one maximum-size record
// (2^14 + 261 bytes) of capacity once drained, so steady traffic of records up to 2^14 bytes
// allocates nothing per record; a buffer that grew past that (a large write not yet sent,
// received data not yet read) frees its memory when it is drained. An established connection
// keeps none of the handshake's memory: its state machine is freed when the handshake
// completes, and its output and read buffers are freed once drained until application data
// moves through them. An idle connection holds only what its last records needed;
// release_buffers() frees even that, for a server that keeps many connections waiting (as
// SSL_MODE_RELEASE_BUFFERS does for OpenSSL).
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

// EarlyDataStatus is what became of 0-RTT data (RFC 8446 section 2.3) on a connection.
enum class EarlyDataStatus : uint8_t {
  // kNotOffered: no early data was offered (a client without a ticket that allows it, or
  // without ClientConfig::Builder::early_data; a server whose client offered none).
  kNotOffered,
  // kOffered: a client offered early data and the server's answer has not arrived yet.
  kOffered,
  // kAccepted: the server accepted the early data.
  kAccepted,
  // kRejected: the server skipped it. glasstls does not send it again: a client that still
  // wants it delivered writes it again with write(), under the full handshake's keys.
  kRejected,
};

const char* name(EarlyDataStatus status);

// BufferLimits bound the plaintext a Connection holds for its caller (the counterpart of
// rustls' set_buffer_limit). Other buffers have fixed bounds: at most one partial record
// (2^14 + 261 bytes), and one partial handshake message of at most 16 KiB (a ClientHello and
// most messages), 128 KiB (Certificate) or 66 KiB (NewSessionTicket).
struct BufferLimits {
  // pending_write: data written before the handshake completed, held until it does. write()
  // refuses data beyond it (kBadConfig; nothing is taken).
  size_t pending_write = 64 * 1024;
  // unread_plaintext: received application data not yet read. While readable() is at or above
  // it, receive() refuses new bytes (kBadConfig; nothing is taken): read, then hand the same
  // bytes again. One receive() call is always taken whole, so the data held is at most this
  // plus what that call decrypts.
  size_t unread_plaintext = 64 * 1024;
};

// SessionTicket is a NewSessionTicket message from the server (RFC 8446 section 4.6.1), as
// decoded by the client that received it, for a caller that inspects tickets
// (ClientConfig::Builder::keep_session_tickets). Resumption itself goes through the session
// store (session.h), which keeps what it needs.
struct SessionTicket {
  // lifetime is ticket_lifetime: how many seconds from its issue the ticket may be used (at most
  // 604800, 7 days; a larger value fails the connection with illegal_parameter).
  uint32_t lifetime = 0;
  // age_add is ticket_age_add, the value a client adds to the ticket's age when it offers it.
  uint32_t age_add = 0;
  // nonce is ticket_nonce, which makes the resumption PSK unique to this ticket.
  Bytes nonce;
  // ticket is the opaque ticket to offer in a pre_shared_key extension (never empty).
  Bytes ticket;
  // max_early_data_size is the early_data extension's limit on 0-RTT data under this ticket;
  // nullopt when the ticket allows no early data.
  std::optional<uint32_t> max_early_data_size;
  // message is the whole NewSessionTicket handshake message as received, header included.
  Bytes message;
};

class Connection {
 public:
  // client starts a client connection to `server_name` (sent as SNI when it is a DNS name, and
  // handed to the certificate verifier). The ClientHello is ready in output() at once.
  static Result<Connection> client(std::shared_ptr<const ClientConfig> config,
                                   std::string server_name);
  // client with a trace attached from the very first byte.
  static Result<Connection> client(std::shared_ptr<const ClientConfig> config,
                                   std::string server_name, std::shared_ptr<TraceObserver> observer,
                                   TraceOptions options = {});
  // server starts a server connection waiting for a ClientHello.
  static Result<Connection> server(std::shared_ptr<const ServerConfig> config);

  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection();

  // receive processes bytes from the peer. It returns the connection's error once the
  // connection has failed (the alert to send is then in output()); the first error latches.
  Status receive(std::span<const uint8_t> data);

  // output is the bytes waiting to be sent; consume_output(n) drops the first n of them. The
  // span output() returned is valid until the next call on the connection: consume_output()
  // may reuse or free its memory (it frees the handshake's flights once they are sent).
  std::span<const uint8_t> output() const;
  void consume_output(size_t n);
  bool wants_write() const { return !output().empty(); }

  // write queues application data for sending. Before the handshake completes the data is
  // held (up to BufferLimits::pending_write) and sent once it does, under application traffic
  // keys; application data never leaves under handshake keys or in the clear. Fails once the
  // connection has failed or been closed for writing.
  Status write(std::span<const uint8_t> plaintext);

  // write_early_data sends 0-RTT data at once, with the ClientHello's flight, under the client
  // early traffic key (RFC 8446 section 2.3). Client only, and only while
  // early_data_status() is kOffered or kAccepted and the server's Finished has not been
  // processed; at most early_data_room() bytes in all (the ticket's max_early_data_size). The
  // server may reject it (then early_data_status() becomes kRejected) and an attacker may
  // replay it: send only requests that are safe to act on more than once.
  Status write_early_data(std::span<const uint8_t> plaintext);
  // early_data_room is how many more bytes write_early_data() may send (client), or how many
  // more the server accepts (server); 0 when early data is not possible now.
  size_t early_data_room() const;
  // early_data_status says whether early data was offered, accepted or rejected.
  EarlyDataStatus early_data_status() const;
  // read_early_data copies received 0-RTT data into `out` and returns how many bytes it copied
  // (server only). Early data arrives before the handshake completes and may be a replay of a
  // ClientHello sent before, to this server or another: act only on requests that are safe to
  // repeat. read() never returns it.
  size_t read_early_data(std::span<uint8_t> out);
  // early_data_readable is how many bytes read_early_data() can return now.
  size_t early_data_readable() const;

  // set_buffer_limits replaces the plaintext limits (the defaults are BufferLimits{}).
  void set_buffer_limits(BufferLimits limits);
  BufferLimits buffer_limits() const;

  // read copies received application data into `out` and returns how many bytes it copied.
  size_t read(std::span<uint8_t> out);
  // readable is how many bytes of application data read() can return now.
  size_t readable() const;

  // read_view is the received application data not yet consumed, in order and contiguous
  // (readable() bytes; empty when there is none): the zero-copy alternative to read(). The
  // span points into the connection and stays valid until the next receive(), read() or
  // consume_read(), or until the connection is destroyed or moved from; write(), close(),
  // key_update() and output() leave it valid.
  std::span<const uint8_t> read_view() const;
  // consume_read marks the first `n` bytes of read_view() as read (all of them if `n` is
  // larger); they are not returned again.
  void consume_read(size_t n);

  // release_buffers frees the memory of every buffer that is empty now: the output once it has
  // been consumed, the read buffer once it has been read, the partial-record buffer when no
  // record is pending. Call it when a connection goes idle (the socket has nothing more to
  // read); the next record allocates again. Nothing is lost and views of unread data stay
  // valid.
  void release_buffers();

  // close sends close_notify; no more data may be written. Before the handshake completes it
  // abandons the connection: data written so far is wiped, never sent; user_canceled and
  // close_notify go out (RFC 8446 section 6.1) and nothing after them; the state becomes
  // kClosed and receive() ignores what arrives.
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
  // group is the key exchange group (zero for TLS 1.2 DHE with parameters of the server's own,
  // not a named group).
  NamedGroup group() const;
  // extended_master_secret: a TLS 1.2 connection derived its master secret from the session
  // hash (RFC 7627); always true for TLS 1.3, whose key schedule covers the transcript.
  bool extended_master_secret() const;
  // encrypt_then_mac: a TLS 1.2 connection with a CBC suite protects records encrypt-then-MAC
  // (RFC 7366); false for AEAD suites and TLS 1.3.
  bool encrypt_then_mac() const;
  SignatureScheme peer_signature_scheme() const;
  // signature_scheme is the scheme this side signed its CertificateVerify with (zero when it
  // sent none: a client not asked for, or not presenting, a certificate).
  SignatureScheme signature_scheme() const;
  // local_certificates is the chain this side presented (DER, end-entity first; empty when it
  // presented none). For a server it tells which configured certificate SNI selected.
  const std::vector<Bytes>& local_certificates() const;
  std::optional<std::string> alpn() const;
  // server_name: for a server, the SNI the client sent; for a client, the name it connected to.
  std::string_view server_name() const;
  // peer_certificates is the peer's chain, DER, end-entity first (empty on a resumed
  // connection, see resumed()).
  const std::vector<Bytes>& peer_certificates() const;
  // peer_ocsp_response is the DER OCSPResponse the server stapled for its certificate (RFC 8446
  // section 4.4.2.1), as handed to CertificateVerifier::verify_stapled. Client only; empty
  // when the client did not ask for one (its verifier's wants_ocsp_staple() is false), the
  // server stapled none, or on a server. glasstls does not interpret it: checking it is the
  // verifier's job. Valid once the server's Certificate has been accepted.
  const Bytes& peer_ocsp_response() const;
  bool hello_retry_request() const;
  // resumed says whether the handshake resumed a session (session.h): a TLS 1.3 session with a
  // ticket, or a TLS 1.2 session by its session ID or RFC 5077 ticket (the abbreviated
  // handshake). Then no certificates were exchanged and peer_certificates() is empty: the
  // server's chain was verified in the handshake that made the session, and is not verified
  // again.
  bool resumed() const;
  // session_tickets are the newest NewSessionTicket messages received, decoded and oldest
  // first, at most ClientConfig::keep_session_tickets of them (none by default; always none on
  // a server). Resumption does not need them (the session store keeps what it needs); they
  // are kept only for a caller that inspects them.
  const std::vector<SessionTicket>& session_tickets() const;
  // key_updates_received counts KeyUpdate messages from the peer.
  uint64_t key_updates_received() const;

  // export_keying_material is the TLS 1.3 exporter (RFC 8446 section 7.5), or TLS 1.2's
  // (RFC 5705, with the context always given; only with the extended master secret, as RFC 7627
  // section 5.4 requires). Fails before the handshake completes.
  Result<Bytes> export_keying_material(std::string_view label, std::span<const uint8_t> context,
                                       size_t length) const;

  // export_early_keying_material is the early exporter (RFC 8446 section 7.5), from the
  // early_exporter_master_secret: available once the client has offered early data, or the
  // server has accepted it. Its values can be replayed with the early data.
  Result<Bytes> export_early_keying_material(std::string_view label,
                                             std::span<const uint8_t> context, size_t length) const;

  struct Impl;

 private:
  explicit Connection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace glasstls
