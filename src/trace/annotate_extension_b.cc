// annotate_extension_b.cc: the wording of extension bodies as their walkers report them
// (msgs/extension_walk_b.cc).
#include "trace/annotate_internal.h"
#include "trace/annotate_tree.h"
#include "x509/certificate.h"

namespace glasstls::annotate {
namespace {

using msgs::ExtensionContext;

// is_entry says whether `n` is the entry `list[i]` of a list, for some i.
bool is_entry(const Node& n, std::string_view list) {
  const std::string& name = n.field.name;
  return name.size() > list.size() && name.compare(0, list.size(), list) == 0 &&
         name[list.size()] == '[';
}

// join appends `name` to the comma-separated list `names`.
void join(std::string& names, const std::string& name) {
  names += (names.empty() ? "" : ", ") + name;
}

// own_bounds words a kLength rule on `n` now, so that later notes follow it.
void own_bounds(Node& n) {
  for (const msgs::Broken& b : n.broken) {
    if (b.kind == msgs::Broken::kLength) {
      bounds_note(n.field, n.contents(), b.min, b.max);
    }
  }
  n.broken.clear();
}

// RFC 8701 section 2: GREASE values for PskKeyExchangeModes.
bool is_grease_psk_mode(uint32_t v) {
  return v == 0x0b || v == 0x2a || v == 0x49 || v == 0x68 || v == 0x87 || v == 0xa6 || v == 0xc5 ||
         v == 0xe4;
}

// key_exchange_meaning says what a key_exchange of `n` bytes in `group` holds.
std::string key_exchange_meaning(NamedGroup group, size_t n) {
  switch (group) {
    case NamedGroup::x25519:
      return n == 32 ? "X25519 public key (32 bytes)" : "wrong length for X25519 (32 bytes)";
    case NamedGroup::x448:
      return n == 56 ? "X448 public key (56 bytes)" : "wrong length for X448 (56 bytes)";
    case NamedGroup::secp256r1:
      return n == 65 ? "uncompressed P-256 point (65 bytes)" : "wrong length for P-256 (65)";
    case NamedGroup::secp384r1:
      return n == 97 ? "uncompressed P-384 point (97 bytes)" : "wrong length for P-384 (97)";
    case NamedGroup::secp521r1:
      return n == 133 ? "uncompressed P-521 point (133 bytes)" : "wrong length for P-521 (133)";
    default: break;
  }
  // The groups glasstls does not implement: what a share of each size holds. A hybrid share
  // is the two shares one after the other (draft-ietf-tls-ecdhe-mlkem); a client sends an
  // ML-KEM encapsulation key, a server a ciphertext, which for ML-KEM-1024 is as long.
  struct Form {
    NamedGroup group;
    size_t size;
    std::string_view what;
  };
  static constexpr Form kForms[] = {
      {NamedGroup::X25519MLKEM768, 1216,
       "ML-KEM-768 encapsulation key (1184 bytes), then X25519 public key (32 bytes)"},
      {NamedGroup::X25519MLKEM768, 1120,
       "ML-KEM-768 ciphertext (1088 bytes), then X25519 public key (32 bytes)"},
      {NamedGroup::SecP256r1MLKEM768, 1249,
       "P-256 point (65 bytes), then ML-KEM-768 encapsulation key (1184 bytes)"},
      {NamedGroup::SecP256r1MLKEM768, 1153,
       "P-256 point (65 bytes), then ML-KEM-768 ciphertext (1088 bytes)"},
      {NamedGroup::SecP384r1MLKEM1024, 1665,
       "P-384 point (97 bytes), then ML-KEM-1024 encapsulation key or ciphertext (1568 bytes)"},
      {NamedGroup::X25519Kyber768Draft00, 1216,
       "X25519 public key (32 bytes), then Kyber768 public key (1184 bytes)"},
      {NamedGroup::X25519Kyber768Draft00, 1120,
       "X25519 public key (32 bytes), then Kyber768 ciphertext (1088 bytes)"},
      {NamedGroup::MLKEM512, 800, "ML-KEM-512 encapsulation key (800 bytes)"},
      {NamedGroup::MLKEM512, 768, "ML-KEM-512 ciphertext (768 bytes)"},
      {NamedGroup::MLKEM768, 1184, "ML-KEM-768 encapsulation key (1184 bytes)"},
      {NamedGroup::MLKEM768, 1088, "ML-KEM-768 ciphertext (1088 bytes)"},
      {NamedGroup::MLKEM1024, 1568, "ML-KEM-1024 encapsulation key or ciphertext (1568 bytes)"},
      {NamedGroup::brainpoolP256r1tls13, 65, "uncompressed brainpoolP256r1 point (65 bytes)"},
      {NamedGroup::brainpoolP384r1tls13, 97, "uncompressed brainpoolP384r1 point (97 bytes)"},
      {NamedGroup::brainpoolP512r1tls13, 129, "uncompressed brainpoolP512r1 point (129 bytes)"},
      {NamedGroup::ffdhe2048, 256, "DH public value, padded to the 2048-bit prime (256 bytes)"},
      {NamedGroup::ffdhe3072, 384, "DH public value, padded to the 3072-bit prime (384 bytes)"},
      {NamedGroup::ffdhe4096, 512, "DH public value, padded to the 4096-bit prime (512 bytes)"},
      {NamedGroup::ffdhe6144, 768, "DH public value, padded to the 6144-bit prime (768 bytes)"},
      {NamedGroup::ffdhe8192, 1024, "DH public value, padded to the 8192-bit prime (1024 bytes)"},
  };
  bool known = false;
  for (const Form& f : kForms) {
    if (f.group == group) {
      known = true;
      if (f.size == n) {
        return std::string(f.what);
      }
    }
  }
  if (known) {
    return "wrong length for " + code_name(group) + " (" + plural(n, "byte", "bytes") + ")";
  }
  return plural(n, "byte", "bytes");
}

// hpke_kdf_name and hpke_aead_name name the HPKE algorithm identifiers of RFC 9180 section 7.
std::string hpke_kdf_name(uint32_t v) {
  switch (v) {
    case 1: return "HKDF-SHA256";
    case 2: return "HKDF-SHA384";
    case 3: return "HKDF-SHA512";
    default: return "unknown";
  }
}

std::string hpke_aead_name(uint32_t v) {
  switch (v) {
    case 1: return "AES-128-GCM";
    case 2: return "AES-256-GCM";
    case 3: return "ChaCha20Poly1305";
    case 0xffff: return "export-only";
    default: return "unknown";
  }
}

void compress_certificate(Node& data) {
  data.field.explanation =
      "CertificateCompressionAlgorithms: how the sender accepts compressed "
      "certificates (RFC 8879)";
  Node* list = data.kid("algorithms");
  if (list == nullptr) {
    return;
  }
  list->what = "compression algorithms";
  list->field.explanation = "algorithms: 2-byte CertificateCompressionAlgorithm values";
  for (Node& k : list->kids) {
    if (is_item(k)) {
      k.field.meaning = certificate_compression_name(k.number);
      k.field.explanation = "a certificate compression algorithm";
    }
  }
}

void record_size_limit(Node& data) {
  data.field.explanation =
      "RecordSizeLimit: the largest record the sender will receive "
      "(RFC 8449)";
  if (Node* f = data.kid("record_size_limit")) {
    f->field.meaning = plural(f->number, "byte", "bytes");
    f->field.explanation =
        "record_size_limit: largest plaintext plus, in TLS 1.3, the content "
        "type byte; at least 64";
    if (f->number < 64) {
      f->field.explanation += "; invalid: below 64, a receiver aborts with illegal_parameter";
    }
    data.field.meaning = f->field.meaning;
  }
}

void session_ticket(Node& data) {
  Node* ticket = data.kid("ticket");
  if (ticket == nullptr) {
    word_empty(data, "empty: the client asks for a TLS 1.2 session ticket (RFC 5077)");
    return;
  }
  data.field.explanation = "SessionTicket: a TLS 1.2 ticket to resume with (RFC 5077)";
  ticket->field.explanation = "ticket: an opaque TLS 1.2 session ticket";
}

void pre_shared_key(Node& data, ExtensionContext context) {
  if (context != ExtensionContext::kClientHello) {
    data.field.explanation = "the PSK the server accepted";
    if (Node* f = data.kid("selected_identity")) {
      f->field.explanation = "selected_identity: index (from 0) into the client's identities";
      data.field.meaning = "identity " + dec(f->number);
    }
    return;
  }
  data.field.explanation = "OfferedPsks: PSK identities (tickets) and one binder per identity";
  size_t identities = 0;
  if (Node* list = data.kid("identities")) {
    list->what = "PSK identities";
    list->field.explanation =
        "identities: the PSKs the client offers, each a label and a ticket age";
    for (Node& entry : list->kids) {
      if (!is_entry(entry, "identities")) {
        continue;
      }
      identities++;
      entry.field.explanation = "PskIdentity: a PSK label and the ticket's obfuscated age";
      word_opaque(entry.kid("identity"),
                  "identity: the ticket from NewSessionTicket, or an external PSK label");
      if (Node* f = entry.kid("obfuscated_ticket_age")) {
        f->field.explanation =
            "obfuscated_ticket_age: the ticket's age in ms plus ticket_age_add "
            "(mod 2^32)";
      }
    }
    list->field.meaning = plural(identities, "identity", "identities");
  }
  if (Node* list = data.kid("binders")) {
    list->what = "PSK binders";
    list->field.explanation =
        "binders: one HMAC per identity over the ClientHello up to the binders";
    own_bounds(*list);
    size_t binders = 0;
    for (Node& entry : list->kids) {
      if (is_entry(entry, "binders")) {
        binders++;
        word_opaque(&entry,
                    "PskBinderEntry: HMAC with the binder key over the truncated ClientHello");
      }
    }
    if (binders != identities) {
      list->field.explanation += "; invalid: not one binder per identity";
    }
  }
  data.field.meaning = plural(identities, "identity", "identities");
}

void early_data(Node& data, ExtensionContext context) {
  if (context == ExtensionContext::kNewSessionTicket) {
    data.field.explanation = "EarlyDataIndication: the ticket allows 0-RTT data";
    if (Node* f = data.kid("max_early_data_size")) {
      f->field.meaning = plural(f->number, "byte", "bytes");
      f->field.explanation =
          "max_early_data_size: most 0-RTT application data bytes the client "
          "may send with this ticket";
      data.field.meaning = f->field.meaning;
    }
    return;
  }
  word_empty(data, context == ExtensionContext::kClientHello
                       ? "empty: the client is sending 0-RTT data after this ClientHello"
                       : "empty: the server accepted the client's 0-RTT data");
}

void supported_versions(Node& data, ExtensionContext context) {
  if (context != ExtensionContext::kClientHello) {
    data.field.explanation = "the protocol version the server chose";
    if (Node* f = data.kid("selected_version")) {
      f->field.meaning = version_name(static_cast<uint16_t>(f->number));
      f->field.explanation =
          "selected_version: the negotiated version; must be one the client "
          "offered";
      data.field.meaning = f->field.meaning;
    }
    return;
  }
  data.field.explanation = "the protocol versions the client supports, most preferred first";
  Node* list = data.kid("versions");
  if (list == nullptr) {
    return;
  }
  list->what = "versions";
  list->field.explanation = "versions: 2-byte ProtocolVersion values";
  std::string names;
  for (Node& k : list->kids) {
    if (is_item(k)) {
      const auto v = static_cast<uint16_t>(k.number);
      k.field.meaning = version_name(v);
      k.field.explanation = "a version the client supports: " + version_explanation(v);
      join(names, k.field.meaning);
    }
  }
  list->field.meaning = names;
  data.field.meaning = names;
}

void cookie(Node& data, ExtensionContext context) {
  data.field.explanation = context == ExtensionContext::kClientHello
                               ? "Cookie: the cookie of the HelloRetryRequest, echoed"
                               : "Cookie: server state the client must echo in its next "
                                 "ClientHello";
  word_opaque(data.kid("cookie"), "cookie: opaque to the client");
}

void psk_key_exchange_modes(Node& data) {
  data.field.explanation = "PskKeyExchangeModes: how the client may use a PSK on resumption";
  Node* list = data.kid("ke_modes");
  if (list == nullptr) {
    return;
  }
  list->what = "modes";
  list->field.explanation = "ke_modes: 1-byte PskKeyExchangeMode values";
  std::string names;
  for (Node& k : list->kids) {
    if (!is_item(k)) {
      continue;
    }
    const uint32_t m = k.number;
    if (m == 0) {
      k.field.meaning = "psk_ke";
      k.field.explanation = "psk_ke: PSK alone, no (EC)DHE and so no forward secrecy";
    } else if (m == 1) {
      k.field.meaning = "psk_dhe_ke";
      k.field.explanation = "psk_dhe_ke: PSK with an (EC)DHE exchange, forward secret";
    } else if (is_grease_psk_mode(m)) {
      k.field.meaning = "GREASE (RFC 8701)";
      k.field.explanation = "GREASE mode (RFC 8701): meaningless, the server ignores it";
    } else {
      k.field.meaning = "unknown";
      k.field.explanation = "a mode glasstls does not know; the server ignores it";
    }
    join(names, k.field.meaning);
  }
  data.field.meaning = names;
}

void certificate_authorities(Node& data) {
  data.field.explanation =
      "CertificateAuthoritiesExtension: the CAs whose certificates the "
      "sender trusts";
  Node* list = data.kid("authorities");
  if (list == nullptr) {
    return;
  }
  list->what = "distinguished names";
  list->field.explanation = "authorities: DER distinguished names, each with a 2-byte length";
  size_t count = 0;
  size_t budget = kCertificateViewMaxFields;
  for (Node& entry : list->kids) {
    if (is_entry(entry, "authorities")) {
      count++;
      word_opaque(&entry, "DistinguishedName: a DER X.501 Name of a trusted CA");
      if (!entry.has_error()) {
        entry.field.meaning = x509::name_to_string(contents(entry));
        if (entry.kids.size() > 1) {
          decode_distinguished_name(entry.kids[1].field, contents(entry), budget);
        }
      }
    } else if (entry.field.name == "error" &&
               entry.field.explanation.compare(0, 12, "authorities[") == 0) {
      count++;  // an entry whose length was cut short
    }
  }
  list->field.meaning = plural(count, "authority", "authorities");
  data.field.meaning = list->field.meaning;
}

void oid_filters(Node& data) {
  data.field.explanation =
      "OIDFilterExtension: certificate extension values the client's "
      "certificate must match";
  Node* list = data.kid("filters");
  if (list == nullptr) {
    return;
  }
  list->what = "OID filters";
  list->field.explanation = "filters: OIDFilter entries";
  for (Node& entry : list->kids) {
    if (!is_entry(entry, "filters")) {
      continue;
    }
    entry.field.explanation =
        "OIDFilter: a certificate extension OID and the values "
        "wanted";
    word_opaque(entry.kid("certificate_extension_oid"),
                "certificate_extension_oid: DER OID contents of a certificate extension");
    word_opaque(entry.kid("certificate_extension_values"),
                "certificate_extension_values: DER values the extension must contain");
  }
}

// key_share_entry words one KeyShareEntry.
void key_share_entry(Node& entry) {
  entry.field.explanation = "KeyShareEntry: a group and an ephemeral public key in it";
  Node* f = entry.kid("group");
  if (f == nullptr) {
    return;
  }
  const auto g = static_cast<NamedGroup>(f->number);
  f->field.meaning = code_name(g);
  f->field.explanation = "group: " + code_explanation(g);
  entry.field.meaning = f->field.meaning;
  if (Node* key = entry.kid("key_exchange")) {
    word_opaque(key, "key_exchange: the sender's ephemeral public key for this group");
    if (!key->has_error()) {
      key->field.meaning = key_exchange_meaning(g, contents(*key).size());
    }
  }
}

void key_share(Node& data, ExtensionContext context) {
  if (context == ExtensionContext::kHelloRetryRequest) {
    data.field.explanation =
        "KeyShareHelloRetryRequest: the group the client must use in its "
        "second ClientHello";
    if (Node* f = data.kid("selected_group")) {
      const auto g = static_cast<NamedGroup>(f->number);
      f->field.meaning = code_name(g);
      f->field.explanation = "selected_group: " + code_explanation(g);
      data.field.meaning = f->field.meaning;
    }
    return;
  }
  if (context != ExtensionContext::kClientHello) {
    data.field.explanation =
        "KeyShareServerHello: the server's share, in a group the client "
        "offered";
    if (Node* entry = data.kid("server_share")) {
      key_share_entry(*entry);
      data.field.meaning = entry->field.meaning;
    }
    return;
  }
  data.field.explanation = "KeyShareClientHello: ephemeral public keys, most preferred group first";
  Node* list = data.kid("client_shares");
  if (list == nullptr) {
    return;
  }
  list->what = "key shares";
  list->field.explanation = "client_shares: may be empty, to ask the server to pick a group";
  std::string names;
  for (Node& entry : list->kids) {
    if (is_entry(entry, "client_shares")) {
      key_share_entry(entry);
      join(names, entry.field.meaning);
    }
  }
  list->field.meaning = names;
  data.field.meaning = names;
}

void renegotiation_info(Node& data) {
  data.field.explanation =
      "RenegotiationInfo: TLS 1.2 secure renegotiation (RFC 5746); empty on "
      "a first handshake";
  word_opaque(data.kid("renegotiated_connection"),
              "renegotiated_connection: empty on an initial handshake");
}

// Registered is the extensions of iana.def that glasstls names but does not recognise.
enum class Registered : uint16_t {
#define GLASSTLS_EXTENSION_REGISTERED(n, value, text) n = value,
#include "glasstls/iana.def"
};

void encrypted_client_hello(Node& data, ExtensionContext context) {
  if (context == ExtensionContext::kEncryptedExtensions) {
    data.field.explanation =
        "ECHConfigList: ECH keys the server asks the client to retry with (RFC 9849 "
        "section 5)";
    word_opaque(data.kid("retry_configs"), "retry_configs: ECHConfig structures, not decoded here");
    return;
  }
  if (context == ExtensionContext::kHelloRetryRequest) {
    data.field.explanation = "the server's ECH acceptance signal (RFC 9849 section 5)";
    if (Node* f = data.kid("confirmation")) {
      f->field.explanation = "confirmation: 8 bytes derived from the inner ClientHello's random";
    }
    return;
  }
  data.field.explanation = "ECHClientHello: the encrypted inner ClientHello (RFC 9849 section 5)";
  Node* type = data.kid("type");
  if (type == nullptr) {
    return;
  }
  type->field.explanation =
      "ECHClientHelloType: outer (0) in the ClientHello on the wire, inner (1) in the "
      "encrypted one";
  if (type->number == 1) {
    type->field.meaning = "inner";
    data.field.meaning = "inner";
    return;
  }
  if (type->number != 0) {
    type->field.meaning = "unknown";
    if (Node* f = data.kid("data")) {
      f->field.explanation = "data of an ECHClientHello type glasstls does not know";
    }
    return;
  }
  type->field.meaning = "outer";
  if (Node* f = data.kid("kdf_id")) {
    f->field.meaning = hpke_kdf_name(f->number);
    f->field.explanation = "kdf_id: the HPKE key derivation function (RFC 9180 section 7.2)";
  }
  if (Node* f = data.kid("aead_id")) {
    f->field.meaning = hpke_aead_name(f->number);
    f->field.explanation =
        "aead_id: the HPKE AEAD that encrypts the payload (RFC 9180 section 7.3)";
  }
  if (Node* f = data.kid("config_id")) {
    f->field.explanation = "config_id: which of the server's ECH configurations was used";
  }
  word_opaque(data.kid("enc"), "enc: the HPKE encapsulated key; empty after a HelloRetryRequest");
  ByteView payload;
  if (Node* f = data.kid("payload")) {
    payload = contents(*f);
    word_opaque(f,
                "payload: the inner ClientHello, encrypted with HPKE; random bytes when this is "
                "GREASE ECH");
  }
  data.field.meaning = "outer, " + plural(payload.size(), "byte", "bytes") + " of payload";
}

void ech_outer_extensions(Node& data) {
  data.field.explanation =
      "OuterExtensions: extensions this inner ClientHello copies from the outer one "
      "(RFC 9849 section 5.1)";
  Node* list = data.kid("outer_extensions");
  if (list == nullptr) {
    return;
  }
  list->what = "extension types";
  list->field.explanation = "outer_extensions: 2-byte ExtensionType values";
  word_items(*list, [](uint32_t t, TraceField& f) {
    f.meaning = code_name(static_cast<ExtensionType>(t));
    f.explanation = code_explanation(static_cast<ExtensionType>(t));
  });
}

void application_settings(Node& data, ExtensionContext context) {
  if (context == ExtensionContext::kClientHello) {
    data.field.explanation =
        "ApplicationSettingsSupport: the protocols the client can exchange settings for "
        "(draft-vvv-tls-alps)";
    word_protocol_name_list(data, "supported_protocols");
    return;
  }
  data.field.explanation =
      "the server's settings for the negotiated protocol, such as an HTTP/2 SETTINGS "
      "frame (draft-vvv-tls-alps)";
  if (Node* f = data.kid("application_settings")) {
    f->field.explanation = "application_settings: opaque to TLS";
  }
  if (data.kids.empty()) {
    data.field.meaning = "empty";
  }
}

void delegated_credential(Node& data, ExtensionContext context) {
  if (context == ExtensionContext::kClientHello ||
      context == ExtensionContext::kCertificateRequest) {
    data.field.explanation =
        "SignatureSchemeList: schemes the sender accepts in delegated credentials "
        "(RFC 9345)";
    Node* list = data.kid("supported_signature_algorithms");
    if (list == nullptr) {
      return;
    }
    list->what = "signature schemes";
    list->field.explanation = "supported_signature_algorithms: 2-byte SignatureScheme values";
    list->field.meaning = plural(list->contents() / 2, "scheme", "schemes");
    data.field.meaning = list->field.meaning;
    word_items(*list, [](uint32_t s, TraceField& f) {
      f.meaning = code_name(static_cast<SignatureScheme>(s));
      f.explanation = code_explanation(static_cast<SignatureScheme>(s));
    });
    return;
  }
  data.field.explanation =
      "DelegatedCredential: a short-lived key signed by the certificate (RFC 9345)";
  if (Node* f = data.kid("credential")) {
    f->field.explanation = "the delegated credential and its signature, not decoded here";
  }
}

void ticket_request(Node& data, ExtensionContext context) {
  if (context == ExtensionContext::kClientHello) {
    data.field.explanation = "ClientTicketRequest: how many tickets the client wants (RFC 9149)";
    if (Node* f = data.kid("new_session_count")) {
      f->field.explanation = "new_session_count: tickets wanted after a full handshake";
    }
    if (Node* f = data.kid("resumption_count")) {
      f->field.explanation = "resumption_count: tickets wanted after a resumption";
    }
    return;
  }
  data.field.explanation =
      "ServerTicketRequestHint: how many tickets the server will send (RFC 9149)";
  if (Node* f = data.kid("expected_count")) {
    f->field.explanation = "expected_count: the number of tickets to expect";
    data.field.meaning = dec(f->number);
  }
}

void next_protocol_negotiation(Node& data, ExtensionContext context) {
  if (context == ExtensionContext::kClientHello && data.kids.empty()) {
    data.field.explanation =
        "empty: the client supports NPN, the TLS 1.2 predecessor of ALPN "
        "(draft-agl-tls-nextprotoneg)";
    data.field.meaning = "empty";
    return;
  }
  data.field.explanation = "the protocols a TLS 1.2 server advertises with NPN, not decoded here";
  if (Node* f = data.kid("protocols")) {
    f->field.explanation = "protocol names, each with a 1-byte length";
  }
}

// registered words the body of an extension iana.def names but glasstls does not recognise.
bool registered(Node& data, uint16_t raw, ExtensionContext context) {
  const std::string ext_name(name(static_cast<ExtensionType>(raw)));
  if (ext_name.empty() || msgs::is_recognized(static_cast<ExtensionType>(raw))) {
    return false;
  }
  switch (static_cast<Registered>(raw)) {
    case Registered::encrypted_client_hello: encrypted_client_hello(data, context); return true;
    case Registered::ech_outer_extensions: ech_outer_extensions(data); return true;
    case Registered::application_settings:
    case Registered::application_settings_old: application_settings(data, context); return true;
    case Registered::delegated_credential: delegated_credential(data, context); return true;
    case Registered::ticket_request: ticket_request(data, context); return true;
    case Registered::next_protocol_negotiation:
      next_protocol_negotiation(data, context);
      return true;
    case Registered::quic_transport_parameters:
      data.field.explanation =
          "QUIC transport parameters as variable-length integers (RFC 9000 section 18), not "
          "decoded here";
      if (Node* f = data.kid("parameters")) {
        f->field.explanation = "the transport parameters";
      }
      return true;
    default: break;
  }
  data.field.explanation = "extension_data of " + ext_name + ", not decoded by glasstls";
  if (Node* f = data.kid("data")) {
    f->field.explanation = "the body of " + ext_name;
  }
  return true;
}

}  // namespace

bool describe_extension_data_b(Node& data, ExtensionType type, ExtensionContext context) {
  switch (type) {
    case ExtensionType::compress_certificate: compress_certificate(data); return true;
    case ExtensionType::record_size_limit: record_size_limit(data); return true;
    case ExtensionType::session_ticket: session_ticket(data); return true;
    case ExtensionType::pre_shared_key: pre_shared_key(data, context); return true;
    case ExtensionType::early_data: early_data(data, context); return true;
    case ExtensionType::supported_versions: supported_versions(data, context); return true;
    case ExtensionType::cookie: cookie(data, context); return true;
    case ExtensionType::psk_key_exchange_modes: psk_key_exchange_modes(data); return true;
    case ExtensionType::certificate_authorities: certificate_authorities(data); return true;
    case ExtensionType::oid_filters: oid_filters(data); return true;
    case ExtensionType::post_handshake_auth:
      word_empty(data, "empty: the client will answer a CertificateRequest after the handshake");
      return true;
    case ExtensionType::key_share: key_share(data, context); return true;
    case ExtensionType::renegotiation_info: renegotiation_info(data); return true;
    default: break;
  }
  return registered(data, static_cast<uint16_t>(type), context);
}

}  // namespace glasstls::annotate
