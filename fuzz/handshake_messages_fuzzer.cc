// handshake_messages_fuzzer: the parsers of the messages after ServerHello.
//
// The first input byte selects the message (modulo 16: EncryptedExtensions, Certificate,
// CertificateRequest, CertificateVerify, Finished, NewSessionTicket, KeyUpdate, then TLS 1.2's
// Certificate, ServerKeyExchange of an ECDHE and of a DHE suite, ClientKeyExchange of each,
// CertificateRequest, CertificateStatus, ServerHelloDone and HelloRequest, NewSessionTicket);
// the rest is its body. Whatever parses must re-encode to a message that parses to the same
// fields, and to the input itself where the encoding is exact: always for the TLS 1.2
// messages, Certificate, CertificateVerify, Finished and KeyUpdate, and for the others when
// the input's extensions are those encode() writes, in its order.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "msgs/extensions.h"
#include "msgs/handshake.h"
#include "msgs/tls12.h"

namespace {

using glasstls::Bytes;
using glasstls::ByteView;
using glasstls::ExtensionType;
using namespace glasstls::msgs;

bool same(ByteView a, ByteView b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

void check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

ByteView body_of(const Bytes& msg) {
  check(msg.size() >= 4);
  return ByteView(msg).subspan(4);
}

// in_order reports whether the extension types of `exts` are a subsequence of `order`.
bool in_order(const std::vector<RawExtension>& exts, const std::vector<ExtensionType>& order) {
  size_t next = 0;
  for (const RawExtension& e : exts) {
    while (next < order.size() && order[next] != e.type) {
      next++;
    }
    if (next == order.size()) {
      return false;
    }
    next++;
  }
  return true;
}

// encode_order is the order in which encode() writes the extensions of the message of
// `context` from its decoded fields: the extension table's.
std::vector<ExtensionType> encode_order(ExtensionContext context) {
  std::vector<ExtensionType> order;
  for (const ExtensionRow& row : extension_table()) {
    if (encoded_from_field(row.type, context)) {
      order.push_back(row.type);
    }
  }
  return order;
}

bool same_extensions(const std::vector<RawExtension>& a, const std::vector<RawExtension>& b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); i++) {
    if (a[i].type != b[i].type || !same(a[i].body, b[i].body)) {
      return false;
    }
  }
  return true;
}

void encrypted_extensions(ByteView input) {
  auto m = parse_encrypted_extensions(input);
  if (!m.ok()) {
    return;
  }
  Bytes encoded = encode(*m);
  auto again = parse_encrypted_extensions(body_of(encoded));
  check(again.ok());
  check(again->server_name_acknowledged == m->server_name_acknowledged &&
        again->supported_groups == m->supported_groups && again->alpn == m->alpn &&
        again->has_early_data == m->has_early_data);
  check(encode(*again) == encoded);
  if (in_order(m->extensions, encode_order(ExtensionContext::kEncryptedExtensions))) {
    check(same(body_of(encoded), input));
  }
}

void certificate(ByteView input) {
  auto m = parse_certificate(input);
  if (!m.ok()) {
    return;
  }
  Bytes encoded = encode(*m);
  check(same(body_of(encoded), input));
  auto again = parse_certificate(body_of(encoded));
  check(again.ok());
  check(same(again->certificate_request_context, m->certificate_request_context));
  check(again->entries.size() == m->entries.size());
  for (size_t i = 0; i < m->entries.size(); i++) {
    check(same(again->entries[i].cert_data, m->entries[i].cert_data));
    check(same_extensions(again->entries[i].extensions, m->entries[i].extensions));
  }
}

void certificate_request(ByteView input) {
  auto m = parse_certificate_request(input);
  if (!m.ok()) {
    return;
  }
  Bytes encoded = encode(*m);
  auto again = parse_certificate_request(body_of(encoded));
  check(again.ok());
  check(same(again->certificate_request_context, m->certificate_request_context));
  check(again->signature_algorithms == m->signature_algorithms);
  check(again->signature_algorithms_cert == m->signature_algorithms_cert);
  check(again->certificate_authorities.has_value() == m->certificate_authorities.has_value());
  if (m->certificate_authorities) {
    check(again->certificate_authorities->size() == m->certificate_authorities->size());
    for (size_t i = 0; i < m->certificate_authorities->size(); i++) {
      check(same((*again->certificate_authorities)[i], (*m->certificate_authorities)[i]));
    }
  }
  check(encode(*again) == encoded);
  if (in_order(m->extensions, encode_order(ExtensionContext::kCertificateRequest))) {
    check(same(body_of(encoded), input));
  }
}

void certificate_verify(ByteView input) {
  auto m = parse_certificate_verify(input);
  if (!m.ok()) {
    return;
  }
  Bytes encoded = encode(*m);
  check(same(body_of(encoded), input));
  auto again = parse_certificate_verify(body_of(encoded));
  check(again.ok() && again->scheme == m->scheme && same(again->signature, m->signature));
}

void finished(ByteView input) {
  for (size_t hash_len : {32, 48}) {
    auto m = parse_finished(input, hash_len);
    check(m.ok() == (input.size() == hash_len));
    if (!m.ok()) {
      continue;
    }
    Bytes encoded = encode(*m);
    check(same(body_of(encoded), input));
  }
}

void new_session_ticket(ByteView input) {
  auto m = parse_new_session_ticket(input);
  if (!m.ok()) {
    return;
  }
  Bytes encoded = encode(*m);
  auto again = parse_new_session_ticket(body_of(encoded));
  check(again.ok());
  check(again->ticket_lifetime == m->ticket_lifetime &&
        again->ticket_age_add == m->ticket_age_add && same(again->ticket_nonce, m->ticket_nonce) &&
        same(again->ticket, m->ticket) && again->max_early_data_size == m->max_early_data_size);
  check(encode(*again) == encoded);
  if (in_order(m->extensions, encode_order(ExtensionContext::kNewSessionTicket))) {
    check(same(body_of(encoded), input));
  }
}

void key_update(ByteView input) {
  auto m = parse_key_update(input);
  if (!m.ok()) {
    return;
  }
  check(same(body_of(encode(*m)), input));
}

void tls12_certificate(ByteView input) {
  auto m = parse_tls12_certificate(input);
  if (!m.ok()) {
    return;
  }
  Bytes encoded = encode(*m);
  check(same(body_of(encoded), input));
}

void server_key_exchange(ByteView input, KeyExchangeKind kind) {
  auto m = parse_server_key_exchange(input, kind);
  if (!m.ok()) {
    return;
  }
  check(m->kind == kind);
  const Bytes params = kind == KeyExchangeKind::kEcdhe
                           ? encode_ecdhe_params(m->group, m->point)
                           : encode_dhe_params(m->dh_p, m->dh_g, m->dh_ys);
  check(same(params, m->params));
  Bytes encoded = encode_server_key_exchange(params, m->scheme, m->signature);
  check(same(body_of(encoded), input));
  // What is signed is the start of the body.
  check(input.size() >= m->params.size() && same(input.first(m->params.size()), m->params));
}

void client_key_exchange(ByteView input, KeyExchangeKind kind) {
  auto m = parse_client_key_exchange(input, kind);
  if (!m.ok()) {
    return;
  }
  check(!m->empty());
  check(same(body_of(encode_client_key_exchange(kind, *m)), input));
}

void tls12_certificate_request(ByteView input) {
  auto m = parse_tls12_certificate_request(input);
  if (!m.ok()) {
    return;
  }
  Bytes encoded = encode(*m);
  check(same(body_of(encoded), input));
}

void certificate_status(ByteView input) {
  auto m = parse_certificate_status_message(input);
  if (!m.ok()) {
    return;
  }
  check(same(body_of(encode_certificate_status_message(*m)), input));
}

void empty_messages(ByteView input) {
  check(parse_server_hello_done(input).ok() == input.empty());
  check(parse_hello_request(input).ok() == input.empty());
}

void tls12_new_session_ticket(ByteView input) {
  auto m = parse_tls12_new_session_ticket(input);
  if (!m.ok()) {
    return;
  }
  check(same(body_of(encode(*m)), input));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  ByteView input(data + 1, size - 1);
  switch (data[0] % 16) {
    case 0: encrypted_extensions(input); break;
    case 1: certificate(input); break;
    case 2: certificate_request(input); break;
    case 3: certificate_verify(input); break;
    case 4: finished(input); break;
    case 5: new_session_ticket(input); break;
    case 6: key_update(input); break;
    case 7: tls12_certificate(input); break;
    case 8: server_key_exchange(input, KeyExchangeKind::kEcdhe); break;
    case 9: server_key_exchange(input, KeyExchangeKind::kDhe); break;
    case 10: client_key_exchange(input, KeyExchangeKind::kEcdhe); break;
    case 11: client_key_exchange(input, KeyExchangeKind::kDhe); break;
    case 12: tls12_certificate_request(input); break;
    case 13: certificate_status(input); break;
    case 14: empty_messages(input); break;
    default: tls12_new_session_ticket(input); break;
  }
  return 0;
}
