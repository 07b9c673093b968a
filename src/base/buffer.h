// buffer.h: a growable byte buffer whose growth never zero-fills.
//
// std::vector<uint8_t>::resize value-initialises every new byte, which for a 16 KiB record is a
// whole extra pass over memory that the next step (a copy, a seal, a decryption) overwrites
// anyway. Buffer hands out uninitialised room instead, asio-style: prepare(n) makes room for n
// more bytes past the end without changing size(), the caller writes into it, and commit(k)
// takes the first k of them into the buffer. Nothing is ever read before it was written.
//
// Buffer keeps its allocation until release() (or destruction); clear() and erase_front() keep
// the capacity, so a buffer that is filled and drained over and over allocates once. The
// owner decides how much capacity to keep when idle (see connection.cc).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <utility>

#include "base/bytes.h"

namespace glasstls {

class Buffer {
 public:
  Buffer() = default;
  Buffer(Buffer&& other) noexcept
      : data_(std::move(other.data_)),
        size_(std::exchange(other.size_, 0)),
        capacity_(std::exchange(other.capacity_, 0)) {}
  Buffer& operator=(Buffer&& other) noexcept {
    data_ = std::move(other.data_);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
    return *this;
  }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  // data is the first byte (nullptr while nothing was ever allocated); size bytes are valid.
  uint8_t* data() { return data_.get(); }
  const uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // capacity is how many bytes the buffer can hold without allocating.
  size_t capacity() const { return capacity_; }
  // view is the committed bytes.
  ByteView view() const { return ByteView(data_.get(), size_); }

  // prepare returns `n` bytes of uninitialised room right after the committed bytes, growing
  // the allocation if needed (the committed bytes move with it; earlier pointers and spans into
  // the buffer are then invalid). size() does not change: commit() takes what was written. The
  // room stays valid until the next call that changes the allocation.
  std::span<uint8_t> prepare(size_t n) {
    reserve(size_ + n);
    return std::span<uint8_t>(data_.get() + size_, n);
  }
  // commit appends the first `n` bytes of the last prepare() room. `n` must not exceed that
  // room (checked: a larger `n` is clamped to the capacity, never past it).
  void commit(size_t n) { size_ = std::min(size_ + n, capacity_); }

  // append copies `bytes` to the end.
  void append(ByteView bytes) {
    if (bytes.empty()) {
      return;
    }
    std::memcpy(prepare(bytes.size()).data(), bytes.data(), bytes.size());
    size_ += bytes.size();
  }

  // truncate keeps the first `n` bytes (no effect if `n` >= size()).
  void truncate(size_t n) { size_ = std::min(size_, n); }
  // clear empties the buffer and keeps the allocation.
  void clear() { size_ = 0; }
  // erase_front drops the first `n` bytes (all if `n` >= size()) and moves the rest to the
  // front; the allocation is kept.
  void erase_front(size_t n) {
    if (n >= size_) {
      size_ = 0;
      return;
    }
    std::memmove(data_.get(), data_.get() + n, size_ - n);
    size_ -= n;
  }
  // release empties the buffer and frees its allocation.
  void release() {
    data_.reset();
    size_ = 0;
    capacity_ = 0;
  }

  // reserve makes the capacity at least `n`. Growth is geometric (at least double), so a run of
  // appends costs amortised constant time per byte; new bytes are not initialised.
  void reserve(size_t n) {
    if (n <= capacity_) {
      return;
    }
    const size_t grown = std::max(n, capacity_ * 2);
    std::unique_ptr<uint8_t[]> bigger = std::make_unique_for_overwrite<uint8_t[]>(grown);
    if (size_ > 0) {
      std::memcpy(bigger.get(), data_.get(), size_);
    }
    data_ = std::move(bigger);
    capacity_ = grown;
  }

 private:
  std::unique_ptr<uint8_t[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace glasstls
