// record_layer_fuzzer: arbitrary bytes into the record layer, unprotected and protected.
//
// Protected records use an AEAD that only strips the tag ("decrypts" to the ciphertext and
// accepts any tag), so the fuzzer reaches the inner-plaintext parsing (padding, content type,
// length limits) that a real AEAD would hide behind the MAC check.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

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
  crypto::AeadId id() const override { return crypto::AeadId::kAes128Gcm; }
  size_t key_len() const override { return 16; }
  Result<std::unique_ptr<crypto::AeadKey>> new_key(ByteView) const override {
    return std::unique_ptr<crypto::AeadKey>(new PassThroughKey());
  }
};

void drain(record::RecordLayer& rl, std::span<uint8_t> data) {
  size_t off = 0;
  while (off < data.size()) {
    record::Record rec;
    auto used = rl.read_record(data.subspan(off), rec);
    if (!used.ok() || *used == 0) {
      return;
    }
    // Invariants: a record never claims more than it was given, and a fragment lies inside it.
    if (*used > data.size() - off || rec.fragment.size() > record::kMaxCiphertext) {
      abort();
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
  std::vector<uint8_t> buf(data + 1, data + size);
  record::RecordLayer rl;
  static const PassThroughAead aead;
  if (protect) {
    record::Protection p;
    p.aead = &aead;
    p.key = std::move(aead.new_key({})).value();
    rl.set_read_protection(std::move(p));
  }
  if (skip_early) {
    rl.skip_early_data(skip_unprotected);
  }
  drain(rl, buf);

  // Round trip: whatever we write, we read back unchanged.
  record::RecordLayer writer;
  record::RecordLayer reader;
  if (protect) {
    record::Protection w;
    w.aead = &aead;
    w.key = std::move(aead.new_key({})).value();
    writer.set_write_protection(std::move(w));
    record::Protection r;
    r.aead = &aead;
    r.key = std::move(aead.new_key({})).value();
    reader.set_read_protection(std::move(r));
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
