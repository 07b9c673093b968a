// record_layer_fuzzer: arbitrary bytes into the record layer, unprotected and protected, under
// TLS 1.3's rules and under TLS 1.2's with each of its kinds of protection.
//
// Protected records use primitives that only strip the protection: an AEAD that "decrypts" to
// the ciphertext and accepts a tag whose first byte is even, a CBC "cipher" that copies, and an
// HMAC that is all zeros. So the fuzzer reaches what a real AEAD or MAC would hide behind the
// check: the inner-plaintext parsing of TLS 1.3 (padding, content type, length limits), TLS 1.2's
// explicit nonces, and the CBC padding and MAC handling (MAC-then-encrypt's constant-time path
// and encrypt-then-MAC).
//
// The first input byte picks the mode: bit 0 protection on, bits 1 and 2 0-RTT skipping (TLS
// 1.3), bits 3 to 5 the version and kind (0: TLS 1.3; 1: TLS 1.2 AES-GCM; 2: TLS 1.2
// ChaCha20-Poly1305; 3: CBC MAC-then-encrypt with HMAC-SHA256; 4: the same with
// encrypt-then-MAC; 5: CBC MAC-then-encrypt with HMAC-SHA1), bit 6 decryption into a separate
// destination rather than in place.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "crypto/suites.h"
#include "record/record_layer.h"

namespace {

using namespace glasstls;

class PassThroughKey final : public crypto::AeadKey {
 public:
  Status seal(ByteView, ByteView, std::span<uint8_t>, std::span<uint8_t> tag) override {
    for (auto& b : tag) {
      b = 0;
    }
    return Ok{};
  }
  Status open(ByteView, ByteView, std::span<uint8_t>, ByteView tag) override {
    // Accept a tag whose first byte is even; reject others, to reach the failure path too.
    if (!tag.empty() && (tag[0] & 1) != 0) {
      return make_error(ErrorKind::kPeerMisbehaved, AlertDescription::bad_record_mac, "tag");
    }
    return Ok{};
  }
};

class PassThroughAead final : public crypto::Aead {
 public:
  explicit PassThroughAead(crypto::AeadId id, size_t key_len) : id_(id), key_len_(key_len) {}
  crypto::AeadId id() const override { return id_; }
  size_t key_len() const override { return key_len_; }
  Result<std::unique_ptr<crypto::AeadKey>> new_key(ByteView) const override {
    return std::unique_ptr<crypto::AeadKey>(new PassThroughKey());
  }

 private:
  crypto::AeadId id_;
  size_t key_len_;
};

// CopyCbcKey "encrypts" and "decrypts" by copying, so the fuzzer writes the plaintext itself.
class CopyCbcKey final : public crypto::CbcKey {
 public:
  Status encrypt(ByteView iv, ByteView in, std::span<uint8_t> out) override {
    return copy(iv, in, out);
  }
  Status decrypt(ByteView iv, ByteView in, std::span<uint8_t> out) override {
    return copy(iv, in, out);
  }

 private:
  static Status copy(ByteView iv, ByteView in, std::span<uint8_t> out) {
    if (iv.size() != 16 || in.size() % 16 != 0 || out.size() != in.size()) {
      abort();  // the protector must only ask for whole blocks
    }
    if (!in.empty() && in.data() != out.data()) {
      std::memmove(out.data(), in.data(), in.size());
    }
    return Ok{};
  }
};

class CopyCbc final : public crypto::CbcCipher {
 public:
  explicit CopyCbc(size_t key_len) : key_len_(key_len) {}
  size_t key_len() const override { return key_len_; }
  Result<std::unique_ptr<crypto::CbcKey>> new_key(ByteView) const override {
    return std::unique_ptr<crypto::CbcKey>(new CopyCbcKey());
  }

 private:
  size_t key_len_;
};

// ZeroHmacKey's MAC is all zeros, whatever it covers.
class ZeroHmacKey final : public crypto::HmacKey {
 public:
  explicit ZeroHmacKey(size_t len) : len_(len) {}
  size_t mac_len() const override { return len_; }
  Status mac(std::span<const ByteView>, std::span<uint8_t> out) override {
    std::memset(out.data(), 0, out.size());
    return Ok{};
  }
  Status mac_secret_length(ByteView, ByteView data, size_t len, size_t min_len,
                           std::span<uint8_t> out) override {
    if (len > data.size() || min_len > len) {
      abort();  // the protector must keep the secret length inside its public range
    }
    std::memset(out.data(), 0, out.size());
    return Ok{};
  }

 private:
  size_t len_;
};

class ZeroHmac final : public crypto::Hmac {
 public:
  explicit ZeroHmac(size_t len) : len_(len) {}
  size_t mac_len() const override { return len_; }
  Result<std::unique_ptr<crypto::HmacKey>> new_key(ByteView) const override {
    return std::unique_ptr<crypto::HmacKey>(new ZeroHmacKey(len_));
  }

 private:
  size_t len_;
};

// ZeroRandom makes the CBC IVs (zeros: nothing to learn from them here).
class ZeroRandom final : public crypto::Random {
 public:
  Status fill(std::span<uint8_t> out) const override {
    std::memset(out.data(), 0, out.size());
    return Ok{};
  }
};

const crypto::CryptoProvider& fake_provider() {
  static const PassThroughAead gcm128(crypto::AeadId::kAes128Gcm, 16);
  static const PassThroughAead chacha(crypto::AeadId::kChaCha20Poly1305, 32);
  static const CopyCbc cbc128(16);
  static const ZeroHmac sha1(20);
  static const ZeroHmac sha256(32);
  static const ZeroRandom random;
  static const crypto::CryptoProvider provider = [] {
    crypto::CryptoProvider p;
    p.aes128gcm = &gcm128;
    p.chacha20poly1305 = &chacha;
    p.aes128cbc = &cbc128;
    p.hmac_sha1 = &sha1;
    p.hmac_sha256 = &sha256;
    p.random = &random;
    return p;
  }();
  return provider;
}

// protector makes the read or write protection of `kind` (1 to 5, see the top of the file).
record::RecordProtector protector(int kind) {
  if (kind == 0) {
    static const PassThroughAead aead(crypto::AeadId::kAes128Gcm, 16);
    record::Protection p;
    p.aead = &aead;
    p.key = std::move(aead.new_key({})).value();
    return record::RecordProtector(record::Tls13AeadProtector(std::move(p)));
  }
  CipherSuite suite = CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256;
  switch (kind) {
    case 2: suite = CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256; break;
    case 3:
    case 4: suite = CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256; break;
    case 5: suite = CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA; break;
    default: break;
  }
  const crypto::SuiteRow& row = *crypto::find_suite(suite);
  auto p = record::make_tls12_protector(fake_provider(), row, Secret(Bytes(row.mac_len)),
                                        Secret(Bytes(row.key_len)), Bytes(row.fixed_iv_len),
                                        kind == 4, "fuzz", false);
  if (!p.ok()) {
    abort();
  }
  return std::move(p).value();
}

void drain(record::RecordLayer& rl, std::span<uint8_t> data, bool separate) {
  size_t off = 0;
  std::vector<uint8_t> dest;
  while (off < data.size()) {
    record::Record rec;
    Result<size_t> used = size_t{0};
    if (separate) {
      dest.assign(data.size() - off, 0);
      used = rl.read_record(ByteView(data).subspan(off), dest, rec);
    } else {
      used = rl.read_record(data.subspan(off), rec);
    }
    if (!used.ok() || *used == 0) {
      return;
    }
    // Invariants: a record never claims more than it was given, a fragment is never longer than
    // the rules allow, and a protected record's content lies inside its destination.
    if (*used > data.size() - off || rec.fragment.size() > rl.rules().limits.max_plaintext) {
      abort();
    }
    if (rec.protected_record && !rec.fragment.empty()) {
      const uint8_t* lo = separate ? dest.data() : data.data() + off;
      const size_t n = separate ? dest.size() : *used;
      if (rec.fragment.data() < lo || rec.fragment.data() + rec.fragment.size() > lo + n) {
        abort();
      }
    }
    off += *used;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  const bool protect = (data[0] & 1) != 0;
  // Bits 1 and 2: 0-RTT skipping (after a ServerHello, or after a HelloRetryRequest).
  const bool skip_early = (data[0] & 2) != 0;
  const bool skip_unprotected = (data[0] & 4) != 0;
  const int kind = ((data[0] >> 3) & 7) % 6;
  const bool separate = (data[0] & 0x40) != 0;
  const record::RecordRules& rules = kind == 0 ? record::kTls13Rules : record::kTls12Rules;
  std::vector<uint8_t> buf(data + 1, data + size);
  record::RecordLayer rl;
  rl.set_rules(rules);
  if (protect) {
    rl.set_read_protector(protector(kind));
  }
  if (skip_early) {
    rl.skip_early_data(skip_unprotected);
  }
  drain(rl, buf, separate);

  // Round trip: whatever we write, we read back unchanged.
  record::RecordLayer writer;
  record::RecordLayer reader;
  writer.set_rules(rules);
  reader.set_rules(rules);
  if (protect) {
    writer.set_write_protector(protector(kind));
    reader.set_read_protector(protector(kind));
  }
  std::vector<uint8_t> wire;
  std::vector<uint8_t> payload(data + 1, data + size);
  if (payload.empty()) {
    return 0;
  }
  if (!writer.write(ContentType::handshake, payload, wire).ok()) {
    abort();
  }
  std::vector<uint8_t> back;
  size_t off = 0;
  while (off < wire.size()) {
    record::Record rec;
    auto used = reader.read_record(std::span<uint8_t>(wire).subspan(off), rec);
    if (!used.ok() || *used == 0 || rec.type != ContentType::handshake) {
      abort();
    }
    back.insert(back.end(), rec.fragment.begin(), rec.fragment.end());
    off += *used;
  }
  if (back != payload) {
    abort();
  }
  return 0;
}
