// bytes.h: bounds-checked reading and writing of wire formats.
//
// ByteReader is a non-owning cursor over a span: every read either succeeds and advances, or
// fails and leaves the reader unusable for further parsing by the caller's own check. Parsed
// messages are views into the buffer they came from; copying is always explicit.
//
// ByteWriter appends to a std::vector. Length prefixes are opened with a placeholder and filled
// in when the child closes; an overflow latches an error that finish() reports once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace glasstls {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

class ByteReader {
 public:
  ByteReader() = default;
  explicit ByteReader(ByteView data) : data_(data) {}

  [[nodiscard]] size_t remaining() const { return data_.size() - pos_; }
  [[nodiscard]] bool empty() const { return remaining() == 0; }
  // offset is the position of the cursor from the start of this reader's span.
  [[nodiscard]] size_t offset() const { return pos_; }
  // rest is everything not yet read, without consuming it.
  [[nodiscard]] ByteView rest() const { return data_.subspan(pos_); }
  // whole is the whole span of this reader.
  [[nodiscard]] ByteView whole() const { return data_; }

  [[nodiscard]] bool u8(uint8_t& out) { return read_uint(1, out); }
  [[nodiscard]] bool u16(uint16_t& out) { return read_uint(2, out); }
  [[nodiscard]] bool u24(uint32_t& out) { return read_uint(3, out); }
  [[nodiscard]] bool u32(uint32_t& out) { return read_uint(4, out); }
  [[nodiscard]] bool u64(uint64_t& out) { return read_uint(8, out); }

  // bytes takes the next `n` bytes as a view.
  [[nodiscard]] bool bytes(size_t n, ByteView& out) {
    if (remaining() < n) {
      return false;
    }
    out = data_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  [[nodiscard]] bool skip(size_t n) {
    ByteView ignored;
    return bytes(n, ignored);
  }

  // u8_prefixed, u16_prefixed and u24_prefixed read a length and take that many bytes as a
  // sub-reader.
  [[nodiscard]] bool u8_prefixed(ByteReader& out) { return prefixed(1, out); }
  [[nodiscard]] bool u16_prefixed(ByteReader& out) { return prefixed(2, out); }
  [[nodiscard]] bool u24_prefixed(ByteReader& out) { return prefixed(3, out); }
  [[nodiscard]] bool u8_prefixed(ByteView& out) { return prefixed_view(1, out); }
  [[nodiscard]] bool u16_prefixed(ByteView& out) { return prefixed_view(2, out); }
  [[nodiscard]] bool u24_prefixed(ByteView& out) { return prefixed_view(3, out); }

 private:
  template <typename T>
  bool read_uint(size_t n, T& out) {
    if (remaining() < n) {
      return false;
    }
    T v = 0;
    for (size_t i = 0; i < n; i++) {
      v = static_cast<T>((v << 8) | data_[pos_ + i]);
    }
    pos_ += n;
    out = v;
    return true;
  }
  bool prefixed_view(size_t len_bytes, ByteView& out) {
    uint64_t len = 0;
    if (!read_uint(len_bytes, len)) {
      return false;
    }
    return bytes(static_cast<size_t>(len), out);
  }
  bool prefixed(size_t len_bytes, ByteReader& out) {
    ByteView v;
    if (!prefixed_view(len_bytes, v)) {
      return false;
    }
    out = ByteReader(v);
    return true;
  }

  ByteView data_;
  size_t pos_ = 0;
};

class ByteWriter;

// LengthPrefix is an open length-prefixed child of a ByteWriter. Its length is written when
// close() is called or the object is destroyed. Until then the prefix holds 0xff bytes, a value
// that cannot be mistaken for a real short length if a child were left unclosed.
class LengthPrefix {
 public:
  LengthPrefix(ByteWriter& w, size_t len_bytes);
  LengthPrefix(const LengthPrefix&) = delete;
  LengthPrefix& operator=(const LengthPrefix&) = delete;
  ~LengthPrefix() { close(); }
  void close();

 private:
  ByteWriter& w_;
  size_t len_bytes_;
  size_t start_;
  bool closed_ = false;
};

class ByteWriter {
 public:
  ByteWriter() = default;
  explicit ByteWriter(Bytes initial) : out_(std::move(initial)) {}

  void u8(uint8_t v) { out_.push_back(v); }
  void u16(uint16_t v) { put_uint(v, 2); }
  void u24(uint32_t v) {
    if (v > 0xffffff) {
      error_ = true;
    }
    put_uint(v, 3);
  }
  void u32(uint32_t v) { put_uint(v, 4); }
  void u64(uint64_t v) { put_uint(v, 8); }
  void bytes(ByteView v) { out_.insert(out_.end(), v.begin(), v.end()); }
  void bytes(std::string_view v) { out_.insert(out_.end(), v.begin(), v.end()); }
  void zeros(size_t n) { out_.insert(out_.end(), n, 0); }
  // reserve makes room for `n` bytes in all, so that writing up to that many allocates once.
  void reserve(size_t n) { out_.reserve(n); }

  // u8_prefixed and friends open a child whose length is filled in when it closes:
  //   { auto body = w.u16_prefixed(); w.u8(1); }  // writes 00 01 01
  [[nodiscard]] LengthPrefix u8_prefixed() { return LengthPrefix(*this, 1); }
  [[nodiscard]] LengthPrefix u16_prefixed() { return LengthPrefix(*this, 2); }
  [[nodiscard]] LengthPrefix u24_prefixed() { return LengthPrefix(*this, 3); }

  size_t size() const { return out_.size(); }
  // view is what has been written so far.
  ByteView view() const { return out_; }
  bool failed() const { return error_; }

  // finish returns the bytes, or nullopt if any length overflowed its prefix.
  std::optional<Bytes> finish() && {
    if (error_) {
      return std::nullopt;
    }
    return std::move(out_);
  }
  // take returns the bytes; the caller asserts no prefix can have overflowed.
  Bytes take() && { return std::move(out_); }

 private:
  friend class LengthPrefix;
  void put_uint(uint64_t v, size_t n) {
    for (size_t i = n; i > 0; i--) {
      out_.push_back(static_cast<uint8_t>(v >> (8 * (i - 1))));
    }
  }
  Bytes out_;
  bool error_ = false;
};

inline LengthPrefix::LengthPrefix(ByteWriter& w, size_t len_bytes)
    : w_(w), len_bytes_(len_bytes), start_(w.out_.size()) {
  w_.out_.insert(w_.out_.end(), len_bytes, 0xff);
}

inline void LengthPrefix::close() {
  if (closed_) {
    return;
  }
  closed_ = true;
  size_t len = w_.out_.size() - start_ - len_bytes_;
  if (len_bytes_ < 8 && len >= (uint64_t{1} << (8 * len_bytes_))) {
    w_.error_ = true;
    return;
  }
  for (size_t i = 0; i < len_bytes_; i++) {
    w_.out_[start_ + i] = static_cast<uint8_t>(len >> (8 * (len_bytes_ - 1 - i)));
  }
}

// to_hex renders bytes as lower-case hex without separators.
std::string to_hex(ByteView data);
// from_hex parses hex (whitespace and ':' ignored); nullopt on odd length or a bad digit.
std::optional<Bytes> from_hex(std::string_view hex);

}  // namespace glasstls
