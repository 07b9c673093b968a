// tls12_keys.h: TLS 1.2's key derivation and signed content, used by the TLS 1.2 state machines
// of both roles (client/tls12.cc, server/tls12.cc): the pre-master secret, the master secret
// (extended, RFC 7627, whenever both sides offer it), the record keys of both directions made
// from the key block (installed one direction at a time, on ChangeCipherSpec), Finished's
// verify_data, and the content ServerKeyExchange signs. Each step is reported to a trace that
// shows secrets, and the master secret goes to the key log as a CLIENT_RANDOM line.
#pragma once

#include "base/bytes.h"
#include "base/result.h"
#include "conn/context.h"
#include "record/protector.h"

namespace glasstls::conn {

// Tls12PendingKeys holds both directions' protection, made from the key block when the master
// secret is known; each side installs its write protection when it sends ChangeCipherSpec and
// its read protection when it receives the peer's.
struct Tls12PendingKeys {
  record::RecordProtector client_write;
  record::RecordProtector server_write;
};

// tls12_layout is how the view reads the messages of a TLS 1.2 handshake with suite `row`.
msgs::WalkContext tls12_layout(const crypto::SuiteRow& row);

// tls12_pre_master_secret turns a key exchange's shared secret into the pre-master secret: as
// it is for ECDHE (RFC 8422 section 5.10: the x-coordinate, or X25519's output), without its
// leading zero bytes for DHE (RFC 5246 section 8.1.2).
Secret tls12_pre_master_secret(const crypto::SuiteRow& row, Secret shared);

// tls12_master_secret derives the master secret from the pre-master secret: the extended master
// secret over `session_hash` (the transcript hash through ClientKeyExchange) when `extended`,
// else the RFC 5246 one over the randoms. It is logged (CLIENT_RANDOM) and traced, and the
// randoms are kept in cx.tls12 for exporters.
Result<Secret> tls12_master_secret(Context& cx, ByteView pre_master_secret, bool extended,
                                   ByteView session_hash, ByteView client_random,
                                   ByteView server_random);

// tls12_resumed_master_secret takes up the master secret of a session resumed by an abbreviated
// handshake (RFC 5246 section 7.3), from which this connection's keys derive with its own
// randoms: as for tls12_master_secret, it is logged (CLIENT_RANDOM, under this connection's
// client random) and traced, and the randoms are kept in cx.tls12 for exporters. glasstls
// resumes only sessions with an extended master secret.
void tls12_resumed_master_secret(Context& cx, ByteView master_secret, ByteView client_random,
                                 ByteView server_random);

// tls12_record_keys expands the key block of the negotiated suite from the master secret and
// makes both directions' protection (encrypt-then-MAC for a CBC suite when `encrypt_then_mac`).
Result<Tls12PendingKeys> tls12_record_keys(Context& cx, ByteView master_secret,
                                           ByteView client_random, ByteView server_random,
                                           bool encrypt_then_mac);

// tls12_install_write / tls12_install_read switch a direction to its new protection under the
// TLS 1.2 record rules, from sequence number 0 (RFC 5246 section 6.1).
void tls12_install_write(Context& cx, record::RecordProtector p);
void tls12_install_read(Context& cx, record::RecordProtector p);

// tls12_verify_data is Finished's verify_data of `client` or the server over `transcript_hash`.
Result<Secret> tls12_verify_data(Context& cx, ByteView master_secret, bool client,
                                 ByteView transcript_hash);

// tls12_signed_params is what ServerKeyExchange signs (RFC 5246 section 7.4.3):
// client_random + server_random + the params' encoding. The trace shows it as the step
// "ServerKeyExchange signed content" (when secrets are shown).
Bytes tls12_signed_params(Context& cx, ByteView client_random, ByteView server_random,
                          ByteView params);

// tls12_certificate_verify_input returns `handshake_messages`, what a TLS 1.2 CertificateVerify
// signs (RFC 5246 section 7.4.8: every handshake message before it), after showing it in the
// trace as the step "client CertificateVerify signed content" (when secrets are shown).
ByteView tls12_certificate_verify_input(Context& cx, ByteView handshake_messages);

// send_change_cipher_spec writes a ChangeCipherSpec record (in the clear or under the current
// write protection, which is the previous one: none in a first handshake).
Status send_change_cipher_spec(Context& cx);

}  // namespace glasstls::conn
