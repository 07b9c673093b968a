// scripted_client.h: a TLS 1.3 client written out step by step, for hostile tests of the
// glasstls server.
//
// ScriptedClient builds its ClientHello with the library's codec (msgs::encode), so a test can
// put in it what glasstls's own client never sends (early_data, a pre_shared_key for a ticket
// from another server, a key share only for a group the server lacks), then completes the
// handshake with the library's key schedule and transcript: it reads the server's flight,
// checks the server Finished, and sends its own Finished and application data. Record
// protection (RFC 8446 section 5.2) is done here over the provider's AEAD, independently of
// src/record, so the test does not share the code it exercises. The server's certificate and
// CertificateVerify are parsed but not verified: the Finished check already proves that both
// sides hold the same keys and transcript.
//
// Every method returns an error instead of asserting, so a test decides what is fatal; nothing
// here touches sockets.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "glasstls/config.h"
#include "glasstls/crypto.h"
#include "glasstls/secret.h"
#include "glasstls/types.h"
#include "handshake/key_schedule.h"
#include "handshake/transcript.h"
#include "msgs/handshake.h"

namespace glasstls::testing {

// RFC 8446 section 5.1 and 5.2.
inline constexpr size_t kRecordHeaderLen = 5;
inline constexpr size_t kAeadTagLen = 16;

// plain_record frames `body` as one TLSPlaintext record.
inline Bytes plain_record(ContentType type, ByteView body, uint16_t version = 0x0303) {
  Bytes out(kRecordHeaderLen + body.size());
  out[0] = static_cast<uint8_t>(type);
  out[1] = static_cast<uint8_t>(version >> 8);
  out[2] = static_cast<uint8_t>(version);
  out[3] = static_cast<uint8_t>(body.size() >> 8);
  out[4] = static_cast<uint8_t>(body.size());
  std::copy(body.begin(), body.end(), out.begin() + kRecordHeaderLen);
  return out;
}

// ccs_record is the middlebox-compatibility change_cipher_spec record (RFC 8446 appendix D.4).
inline Bytes ccs_record() {
  const uint8_t one[1] = {0x01};
  return plain_record(ContentType::change_cipher_spec, ByteView(one, 1));
}

inline Bytes random_bytes(size_t n) {
  Bytes out(n);
  if (n > 0 && !crypto::openssl_provider().random->fill(out).ok()) {
    // Not reached with a working provider; distinct non-zero bytes still make a usable input.
    for (size_t i = 0; i < n; i++) {
      out[i] = static_cast<uint8_t>(i * 131 + 7);
    }
  }
  return out;
}

// early_data_record is a record as a client sending 0-RTT data puts it on the wire: outer type
// application_data and a body of `payload_len` bytes of data, the inner content type byte and
// the AEAD tag, all ciphertext under an early traffic key the server does not have (random
// bytes here). A server skipping it counts `payload_len` bytes against its budget.
inline Bytes early_data_record(size_t payload_len) {
  return plain_record(ContentType::application_data, random_bytes(payload_len + 1 + kAeadTagLen));
}

// early_data_records is `total` bytes of early data payload in records of at most `per_record`.
inline Bytes early_data_records(size_t total, size_t per_record = 16384) {
  Bytes out;
  while (total > 0) {
    size_t n = std::min(total, per_record);
    Bytes r = early_data_record(n);
    out.insert(out.end(), r.begin(), r.end());
    total -= n;
  }
  return out;
}

// HelloOptions shapes the first ClientHello.
struct HelloOptions {
  std::vector<NamedGroup> share_groups{NamedGroup::x25519};
  std::vector<NamedGroup> supported_groups{NamedGroup::x25519};
  std::vector<CipherSuite> cipher_suites{CipherSuite::TLS_AES_128_GCM_SHA256};
  std::string server_name = "localhost";
  // early_data offers 0-RTT (the empty early_data extension, RFC 8446 section 4.2.10).
  bool early_data = false;
  // psk adds psk_key_exchange_modes and, last, a pre_shared_key extension with one identity
  // and binder for a ticket this server never issued (as a client resuming elsewhere sends).
  bool psk = false;
};

class ScriptedClient {
 public:
  explicit ScriptedClient(HelloOptions options = {})
      : options_(std::move(options)),
        random_(random_bytes(32)),
        session_id_(random_bytes(32)),
        psk_body_(fake_psk_body()) {}

  // client_hello is the first ClientHello in a plaintext record (record version 0x0301, as
  // RFC 8446 section 5.1 allows for an initial ClientHello).
  Result<Bytes> client_hello() {
    shares_.clear();
    for (NamedGroup g : options_.share_groups) {
      const crypto::KxGroup* impl = provider().group(g);
      if (impl == nullptr) {
        return fail("no implementation for key share group " + std::string(name(g)));
      }
      auto kx = impl->start();
      if (!kx.ok()) {
        return std::move(kx).error();
      }
      shares_.push_back(std::move(kx).value());
    }
    Bytes ch = encode_hello(options_.early_data, {});
    transcript_.add(ch);
    return plain_record(ContentType::handshake, ch, 0x0301);
  }

  // second_client_hello answers a HelloRetryRequest: the same ClientHello with one key share
  // for the group the server asked for, and the cookie if it sent one. RFC 8446 section 4.1.2
  // says it carries no early_data; `early_data` puts it back, to test that the server refuses.
  Result<Bytes> second_client_hello(bool early_data = false) {
    if (!hello_retry_ || !retry_group_) {
      return fail("no HelloRetryRequest asked for a second ClientHello");
    }
    const crypto::KxGroup* impl = provider().group(*retry_group_);
    if (impl == nullptr) {
      return fail("no implementation for the group the HelloRetryRequest selected");
    }
    auto kx = impl->start();
    if (!kx.ok()) {
      return std::move(kx).error();
    }
    shares_.clear();
    shares_.push_back(std::move(kx).value());
    Bytes ch = encode_hello(early_data, retry_cookie_);
    transcript_.add(ch);
    return plain_record(ContentType::handshake, ch);
  }

  // receive processes bytes the server sent: whole records, a partial one is kept for later.
  // It fails on anything a client must reject, on an alert (alert() then names it), and on a
  // server Finished that does not verify.
  Status receive(ByteView data) {
    in_.insert(in_.end(), data.begin(), data.end());
    size_t pos = 0;
    Status result = Ok{};
    while (in_.size() - pos >= kRecordHeaderLen) {
      size_t len = (size_t{in_[pos + 3]} << 8) | in_[pos + 4];
      if (in_.size() - pos < kRecordHeaderLen + len) {
        break;
      }
      Bytes rec(in_.begin() + static_cast<std::ptrdiff_t>(pos),
                in_.begin() + static_cast<std::ptrdiff_t>(pos + kRecordHeaderLen + len));
      pos += kRecordHeaderLen + len;
      result = process_record(rec);
      if (!result.ok()) {
        break;
      }
    }
    in_.erase(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(pos));
    return result;
  }

  // finished_records is the client's Finished (RFC 8446 section 4.4.4), protected under the
  // client handshake traffic key: one record, or with `split` between 1 and the message length
  // minus one, two records holding the first `split` bytes and the rest. Afterwards the client
  // writes with its application traffic key.
  Result<std::vector<Bytes>> finished_records(size_t split = 0) {
    if (!server_finished_verified_) {
      return fail("the server Finished has not been verified yet");
    }
    const crypto::Hash& hash = *suite_hash_;
    auto verify_data =
        handshake::finished_verify_data(hash, client_hs_.span(), transcript_.current());
    if (!verify_data.ok()) {
      return std::move(verify_data).error();
    }
    Bytes fin = msgs::encode(msgs::Finished{verify_data->span()});
    transcript_.add(fin);
    std::vector<ByteView> parts;
    if (split > 0 && split < fin.size()) {
      parts = {ByteView(fin).first(split), ByteView(fin).subspan(split)};
    } else {
      parts = {ByteView(fin)};
    }
    std::vector<Bytes> out;
    for (ByteView part : parts) {
      GLASSTLS_ASSIGN(Bytes rec, seal(write_, ContentType::handshake, part));
      out.push_back(std::move(rec));
    }
    auto app_write = protection(client_app_.span());
    if (!app_write.ok()) {
      return std::move(app_write).error();
    }
    write_ = std::move(app_write).value();
    client_finished_sent_ = true;
    return out;
  }

  // application_data protects `data` as one application_data record under the client
  // application traffic key (after finished_records).
  Result<Bytes> application_data(ByteView data) {
    if (!client_finished_sent_) {
      return fail("application data before the client Finished");
    }
    return seal(write_, ContentType::application_data, data);
  }

  bool hello_retry_requested() const { return hello_retry_; }
  std::optional<NamedGroup> retry_group() const { return retry_group_; }
  // server_hello_seen is true once a ServerHello (not a HelloRetryRequest) was processed.
  bool server_hello_seen() const { return server_hello_seen_; }
  // server_selected_psk: the ServerHello carried pre_shared_key.
  bool server_selected_psk() const { return server_selected_psk_; }
  // encrypted_extensions_seen and early_data_accepted: EncryptedExtensions arrived, and whether
  // it carried early_data (RFC 8446 section 4.2.10: the server accepts 0-RTT by doing so).
  bool encrypted_extensions_seen() const { return encrypted_extensions_seen_; }
  bool early_data_accepted() const { return early_data_accepted_; }
  bool server_finished_verified() const { return server_finished_verified_; }
  std::optional<CipherSuite> cipher_suite() const { return suite_; }
  std::optional<NamedGroup> group() const { return group_; }
  // alert is the alert the server sent, if one arrived.
  std::optional<AlertDescription> alert() const { return alert_; }
  // application_data_received is every byte of application data the server sent.
  const Bytes& application_data_received() const { return app_in_; }

 private:
  struct Protection {
    std::unique_ptr<crypto::AeadKey> key;
    uint8_t iv[12] = {};
    uint64_t seq = 0;
    bool on = false;
  };

  static const crypto::CryptoProvider& provider() { return crypto::openssl_provider(); }

  static Error fail(std::string reason) {
    return make_error(ErrorKind::kPeerMisbehaved, AlertDescription::internal_error,
                      "scripted client: " + std::move(reason));
  }

  // fake_psk_body is a pre_shared_key extension body (RFC 8446 section 4.2.11) with one
  // identity, a random "ticket", and one 32-byte binder that cannot verify.
  static Bytes fake_psk_body() {
    ByteWriter w;
    {
      auto identities = w.u16_prefixed();
      {
        auto identity = w.u16_prefixed();
        w.bytes(random_bytes(96));
      }
      w.u32(0x12345678);  // obfuscated_ticket_age
    }
    {
      auto binders = w.u16_prefixed();
      auto binder = w.u8_prefixed();
      w.bytes(random_bytes(32));
    }
    return std::move(w).take();
  }

  Bytes encode_hello(bool early_data, ByteView cookie) const {
    static const uint8_t kNullCompression[1] = {0};
    msgs::ClientHello ch;
    ch.random = random_;
    ch.legacy_session_id = session_id_;
    ch.cipher_suites = options_.cipher_suites;
    ch.legacy_compression_methods = ByteView(kNullCompression, 1);
    if (!options_.server_name.empty()) {
      ch.server_name = options_.server_name;
    }
    ch.supported_groups = options_.supported_groups;
    ch.signature_algorithms = default_signature_schemes();
    ch.supported_versions = std::vector<uint16_t>{0x0304};
    std::vector<msgs::KeyShareEntry> entries;
    for (const auto& kx : shares_) {
      entries.push_back({kx->group(), kx->public_key()});
    }
    ch.key_shares = std::move(entries);
    if (!cookie.empty()) {
      ch.cookie = cookie;
    }
    ch.has_early_data = early_data;
    std::vector<msgs::RawExtension> extra;
    if (options_.psk) {
      ch.psk_key_exchange_modes = std::vector<uint8_t>{1};  // psk_dhe_ke
      // pre_shared_key must be the last extension (section 4.2.11).
      extra.push_back({ExtensionType::pre_shared_key, psk_body_});
    }
    return msgs::encode(ch, extra);
  }

  static bool suite_algorithms(CipherSuite suite, const crypto::Hash*& hash,
                               const crypto::Aead*& aead) {
    const crypto::CryptoProvider& p = provider();
    switch (suite) {
      case CipherSuite::TLS_AES_128_GCM_SHA256:
        hash = p.sha256;
        aead = p.aes128gcm;
        return true;
      case CipherSuite::TLS_AES_256_GCM_SHA384:
        hash = p.sha384;
        aead = p.aes256gcm;
        return true;
      case CipherSuite::TLS_CHACHA20_POLY1305_SHA256:
        hash = p.sha256;
        aead = p.chacha20poly1305;
        return true;
      default: return false;
    }
  }

  // protection derives the record key and IV of `traffic_secret` (section 7.3).
  Result<Protection> protection(ByteView traffic_secret) const {
    auto keys = handshake::traffic_keys(*suite_hash_, suite_aead_->key_len(), traffic_secret);
    if (!keys.ok()) {
      return std::move(keys).error();
    }
    auto key = suite_aead_->new_key(keys->key.span());
    if (!key.ok()) {
      return std::move(key).error();
    }
    Protection p;
    p.key = std::move(key).value();
    if (keys->iv.size() != sizeof(p.iv)) {
      return fail("traffic IV is not 12 bytes");
    }
    std::copy_n(keys->iv.span().begin(), sizeof(p.iv), p.iv);
    p.on = true;
    return p;
  }

  // nonce is the per-record nonce: the IV XOR the 64-bit sequence number (section 5.3).
  static void nonce(const Protection& p, uint8_t out[12]) {
    std::copy_n(p.iv, 12, out);
    for (int i = 0; i < 8; i++) {
      out[11 - i] ^= static_cast<uint8_t>(p.seq >> (8 * i));
    }
  }

  // seal protects `content` of `type` as one TLSCiphertext record (no padding).
  static Result<Bytes> seal(Protection& p, ContentType type, ByteView content) {
    const size_t body_len = content.size() + 1 + kAeadTagLen;
    Bytes out(kRecordHeaderLen + body_len);
    out[0] = static_cast<uint8_t>(ContentType::application_data);
    out[1] = 0x03;
    out[2] = 0x03;
    out[3] = static_cast<uint8_t>(body_len >> 8);
    out[4] = static_cast<uint8_t>(body_len);
    std::copy(content.begin(), content.end(), out.begin() + kRecordHeaderLen);
    out[kRecordHeaderLen + content.size()] = static_cast<uint8_t>(type);
    uint8_t n[12];
    nonce(p, n);
    std::span<uint8_t> all(out);
    Status s = p.key->seal(ByteView(n, 12), all.first(kRecordHeaderLen),
                           all.subspan(kRecordHeaderLen, content.size() + 1),
                           all.subspan(kRecordHeaderLen + content.size() + 1));
    if (!s.ok()) {
      return std::move(s).error();
    }
    p.seq++;
    return out;
  }

  Status process_record(Bytes& rec) {
    const auto type = static_cast<ContentType>(rec[0]);
    std::span<uint8_t> body = std::span<uint8_t>(rec).subspan(kRecordHeaderLen);
    if (type == ContentType::change_cipher_spec) {
      // Section 5: a client may receive the single-byte CCS until the server Finished.
      if (body.size() != 1 || body[0] != 0x01 || server_finished_verified_) {
        return fail("unexpected change_cipher_spec record");
      }
      return Ok{};
    }
    if (!read_.on) {
      if (type == ContentType::alert) {
        return process_alert(body);
      }
      if (type != ContentType::handshake) {
        return fail("unprotected record of type " + std::to_string(rec[0]));
      }
      return process_handshake(body);
    }
    if (type != ContentType::application_data || body.size() < kAeadTagLen + 1) {
      return fail("record of outer type " + std::to_string(rec[0]) + " under protection");
    }
    uint8_t n[12];
    nonce(read_, n);
    const size_t ct_len = body.size() - kAeadTagLen;
    Status opened = read_.key->open(ByteView(n, 12), ByteView(rec).first(kRecordHeaderLen),
                                    body.first(ct_len), body.subspan(ct_len));
    if (!opened.ok()) {
      return fail("a server record does not decrypt: " + opened.error().to_string());
    }
    read_.seq++;
    // TLSInnerPlaintext: content || ContentType || zeros.
    size_t end = ct_len;
    while (end > 0 && body[end - 1] == 0) {
      end--;
    }
    if (end == 0) {
      return fail("protected record with no content type");
    }
    const auto inner = static_cast<ContentType>(body[end - 1]);
    std::span<uint8_t> content = body.first(end - 1);
    switch (inner) {
      case ContentType::handshake: return process_handshake(content);
      case ContentType::alert: return process_alert(content);
      case ContentType::application_data:
        if (!server_finished_verified_) {
          return fail("application data before the server Finished");
        }
        app_in_.insert(app_in_.end(), content.begin(), content.end());
        return Ok{};
      default: return fail("protected record of inner type " + std::to_string(body[end - 1]));
    }
  }

  Status process_alert(ByteView body) {
    if (body.size() != 2) {
      return fail("alert record of " + std::to_string(body.size()) + " bytes");
    }
    alert_ = static_cast<AlertDescription>(body[1]);
    return make_error(ErrorKind::kAlertReceived, *alert_,
                      "scripted client received alert " + std::string(name(*alert_)));
  }

  Status process_handshake(ByteView data) {
    hs_in_.insert(hs_in_.end(), data.begin(), data.end());
    size_t pos = 0;
    while (hs_in_.size() - pos >= 4) {
      const uint8_t* p = hs_in_.data() + pos;
      size_t len = (size_t{p[1]} << 16) | (size_t{p[2]} << 8) | p[3];
      if (hs_in_.size() - pos < 4 + len) {
        break;
      }
      msgs::HandshakeMessage m;
      m.type = static_cast<HandshakeType>(p[0]);
      m.body = ByteView(p + 4, len);
      m.encoded = ByteView(p, 4 + len);
      GLASSTLS_TRY(process_message(m));
      pos += 4 + len;
    }
    hs_in_.erase(hs_in_.begin(), hs_in_.begin() + static_cast<std::ptrdiff_t>(pos));
    return Ok{};
  }

  Status process_message(const msgs::HandshakeMessage& m) {
    if (server_finished_verified_) {
      return fail("handshake message " + std::string(name(m.type)) +
                  " after the server Finished (glasstls sends no tickets)");
    }
    if (!server_hello_seen_) {
      if (m.type != HandshakeType::server_hello) {
        return fail("expected ServerHello, got " + std::string(name(m.type)));
      }
      return process_server_hello(m);
    }
    switch (m.type) {
      case HandshakeType::encrypted_extensions: {
        if (encrypted_extensions_seen_) {
          return fail("second EncryptedExtensions");
        }
        GLASSTLS_ASSIGN(msgs::EncryptedExtensions ee, msgs::parse_encrypted_extensions(m.body));
        encrypted_extensions_seen_ = true;
        early_data_accepted_ = ee.has_early_data;
        transcript_.add(m.encoded);
        return Ok{};
      }
      case HandshakeType::certificate: {
        if (!encrypted_extensions_seen_ || certificate_seen_) {
          return fail("Certificate out of order");
        }
        GLASSTLS_ASSIGN(msgs::Certificate cert, msgs::parse_certificate(m.body));
        if (cert.entries.empty()) {
          return fail("empty server Certificate");
        }
        certificate_seen_ = true;
        transcript_.add(m.encoded);
        return Ok{};
      }
      case HandshakeType::certificate_verify: {
        if (!certificate_seen_ || certificate_verify_seen_) {
          return fail("CertificateVerify out of order");
        }
        GLASSTLS_ASSIGN(msgs::CertificateVerify cv, msgs::parse_certificate_verify(m.body));
        (void)cv;
        certificate_verify_seen_ = true;
        transcript_.add(m.encoded);
        return Ok{};
      }
      case HandshakeType::finished: return process_server_finished(m);
      default: return fail("unexpected " + std::string(name(m.type)) + " in the server flight");
    }
  }

  Status process_server_hello(const msgs::HandshakeMessage& m) {
    GLASSTLS_ASSIGN(msgs::ServerHello sh, msgs::parse_server_hello(m.body));
    if (sh.selected_version != std::optional<uint16_t>(0x0304)) {
      return fail("ServerHello does not select TLS 1.3");
    }
    if (!std::equal(sh.legacy_session_id_echo.begin(), sh.legacy_session_id_echo.end(),
                    session_id_.begin(), session_id_.end())) {
      return fail("legacy_session_id_echo does not match");
    }
    const auto& suites = options_.cipher_suites;
    if (std::find(suites.begin(), suites.end(), sh.cipher_suite) == suites.end() ||
        !suite_algorithms(sh.cipher_suite, suite_hash_, suite_aead_)) {
      return fail("server chose a cipher suite that was not offered");
    }
    if (suite_ && *suite_ != sh.cipher_suite) {
      return fail("ServerHello cipher suite differs from the HelloRetryRequest's");
    }
    suite_ = sh.cipher_suite;
    if (sh.is_hello_retry_request) {
      if (hello_retry_) {
        return fail("second HelloRetryRequest");
      }
      hello_retry_ = true;
      retry_group_ = sh.selected_group;
      if (sh.cookie) {
        retry_cookie_.assign(sh.cookie->begin(), sh.cookie->end());
      }
      transcript_.start(*suite_hash_);
      transcript_.hello_retry_rollup();
      transcript_.add(m.encoded);
      return Ok{};
    }
    server_selected_psk_ = sh.has_pre_shared_key;
    if (!sh.key_share) {
      return fail("ServerHello has no key_share");
    }
    crypto::KeyExchange* ours = nullptr;
    for (auto& kx : shares_) {
      if (kx->group() == sh.key_share->group) {
        ours = kx.get();
      }
    }
    if (ours == nullptr) {
      return fail("server key share is for a group the client did not share");
    }
    group_ = sh.key_share->group;
    GLASSTLS_ASSIGN(Secret shared, ours->complete(sh.key_share->key_exchange));
    transcript_.start(*suite_hash_);
    transcript_.add(m.encoded);
    Bytes th = transcript_.current();
    auto early = handshake::EarlySchedule::start(*suite_hash_, nullptr);
    GLASSTLS_ASSIGN(auto schedule, std::move(early).with_shared_secret(shared.span()));
    GLASSTLS_ASSIGN(client_hs_, schedule.client_handshake_traffic(th));
    GLASSTLS_ASSIGN(server_hs_, schedule.server_handshake_traffic(th));
    schedule_.emplace(std::move(schedule));
    GLASSTLS_ASSIGN(read_, protection(server_hs_.span()));
    GLASSTLS_ASSIGN(write_, protection(client_hs_.span()));
    server_hello_seen_ = true;
    return Ok{};
  }

  Status process_server_finished(const msgs::HandshakeMessage& m) {
    if (!certificate_verify_seen_) {
      return fail("Finished before CertificateVerify");
    }
    const crypto::Hash& hash = *suite_hash_;
    GLASSTLS_ASSIGN(msgs::Finished fin, msgs::parse_finished(m.body, hash.output_len()));
    GLASSTLS_ASSIGN(Secret expected, handshake::finished_verify_data(hash, server_hs_.span(),
                                                                     transcript_.current()));
    if (!expected.equals(fin.verify_data)) {
      return fail("server Finished verify_data is wrong");
    }
    transcript_.add(m.encoded);
    Bytes th = transcript_.current();
    GLASSTLS_ASSIGN(auto app, std::move(*schedule_).into_application());
    schedule_.reset();
    GLASSTLS_ASSIGN(client_app_, app.client_application_traffic(th));
    GLASSTLS_ASSIGN(Secret server_app, app.server_application_traffic(th));
    GLASSTLS_ASSIGN(read_, protection(server_app.span()));
    server_finished_verified_ = true;
    return Ok{};
  }

  HelloOptions options_;
  Bytes random_;
  Bytes session_id_;
  Bytes psk_body_;
  std::vector<std::unique_ptr<crypto::KeyExchange>> shares_;
  handshake::Transcript transcript_;

  bool hello_retry_ = false;
  std::optional<NamedGroup> retry_group_;
  Bytes retry_cookie_;

  std::optional<CipherSuite> suite_;
  const crypto::Hash* suite_hash_ = nullptr;
  const crypto::Aead* suite_aead_ = nullptr;
  std::optional<NamedGroup> group_;
  std::optional<handshake::HandshakeSchedule> schedule_;
  Secret client_hs_;
  Secret server_hs_;
  Secret client_app_;
  Protection read_;
  Protection write_;

  bool server_hello_seen_ = false;
  bool server_selected_psk_ = false;
  bool encrypted_extensions_seen_ = false;
  bool early_data_accepted_ = false;
  bool certificate_seen_ = false;
  bool certificate_verify_seen_ = false;
  bool server_finished_verified_ = false;
  bool client_finished_sent_ = false;
  std::optional<AlertDescription> alert_;

  Bytes in_;
  Bytes hs_in_;
  Bytes app_in_;
};

}  // namespace glasstls::testing
