// fields.cc: the FieldReader the message codecs read through (fields.h).
#include "msgs/fields.h"

#include "msgs/codec_util.h"

namespace glasstls::msgs {
using detail::count;

std::string indexed_name(std::string_view name, size_t index) {
  std::string out(name);
  if (index != kNoIndex) {
    out += "[" + std::to_string(index) + "]";
  }
  return out;
}

bool FieldReader::fail(std::string why) {
  if (sink_ != nullptr) {
    sink_->malformed(pos(), r_.rest(), std::move(why));
  }
  (void)r_.skip(r_.remaining());
  return false;
}

bool FieldReader::need(size_t n, std::string_view what) {
  if (r_.remaining() >= n) {
    return true;
  }
  if (sink_ == nullptr) {
    return false;
  }
  return fail(std::string(what) + " is truncated: needs " + count(n, "byte", "bytes") + ", only " +
              std::to_string(r_.remaining()) + " left");
}

template <typename T>
bool FieldReader::integer(size_t n, T& out, std::string_view name, Show show) {
  const size_t at = pos();
  if (!need(n, name)) {
    return false;
  }
  ByteView raw;
  (void)r_.bytes(n, raw);  // need() checked the length
  uint32_t v = 0;
  for (uint8_t b : raw) {
    v = (v << 8) | b;
  }
  out = static_cast<T>(v);
  if (sink_ != nullptr) {
    sink_->field(name, kNoIndex, at, raw, v, show, true);
  }
  return true;
}

bool FieldReader::u8(uint8_t& out, std::string_view name, Show show) {
  return integer(1, out, name, show);
}
bool FieldReader::u16(uint16_t& out, std::string_view name, Show show) {
  return integer(2, out, name, show);
}
bool FieldReader::u24(uint32_t& out, std::string_view name, Show show) {
  return integer(3, out, name, show);
}
bool FieldReader::u32(uint32_t& out, std::string_view name, Show show) {
  return integer(4, out, name, show);
}

bool FieldReader::bytes(size_t n, ByteView& out, std::string_view name) {
  const size_t at = pos();
  if (!need(n, name)) {
    return false;
  }
  (void)r_.bytes(n, out);
  if (sink_ != nullptr) {
    sink_->field(name, kNoIndex, at, out, 0, Show::kDecimal, false);
  }
  return true;
}

bool FieldReader::item(size_t width, uint32_t& out, std::string_view name, size_t index) {
  const size_t at = pos();
  if (r_.remaining() < width) {
    if (sink_ != nullptr) {
      fail(count(r_.remaining(), "byte", "bytes") + " left over: " + std::string(name) + " holds " +
           std::to_string(width) + "-byte values");
    }
    return false;
  }
  ByteView raw;
  (void)r_.bytes(width, raw);
  uint32_t v = 0;
  for (uint8_t b : raw) {
    v = (v << 8) | b;
  }
  out = v;
  if (sink_ != nullptr) {
    sink_->field(name, index, at, raw, v, Show::kCode, true);
  }
  return true;
}

FieldReader FieldReader::region(size_t n) {
  const size_t at = pos();
  ByteView out;
  (void)r_.bytes(n < r_.remaining() ? n : r_.remaining(), out);
  return FieldReader(out, sink_, at);
}

ByteView FieldReader::rest_field(std::string_view name) {
  const size_t at = pos();
  ByteView out = r_.rest();
  (void)r_.skip(out.size());
  if (sink_ != nullptr && !out.empty()) {
    sink_->field(name, kNoIndex, at, out, 0, Show::kDecimal, false);
  }
  return out;
}

bool FieldReader::open(size_t prefix_len, std::string_view name, FieldReader& inner, size_t index) {
  const size_t at = pos();
  if (r_.remaining() < prefix_len) {
    if (sink_ != nullptr) {
      need(prefix_len, indexed_name(name, index) + " length");
    }
    return false;
  }
  uint32_t declared = 0;
  ByteView raw;
  (void)r_.bytes(prefix_len, raw);
  for (uint8_t b : raw) {
    declared = (declared << 8) | b;
  }
  if (sink_ == nullptr && declared > r_.remaining()) {
    return false;
  }
  const size_t take = declared < r_.remaining() ? declared : r_.remaining();
  const size_t contents_at = pos();
  ByteView contents;
  (void)r_.bytes(take, contents);
  inner = FieldReader(contents, sink_, contents_at);
  inner.declared_ = declared;
  inner.start_ = at;
  inner.name_ = name;
  inner.index_ = index;
  if (sink_ != nullptr) {
    sink_->begin(name, index, at, prefix_len, declared);
  }
  return true;
}

bool FieldReader::close(FieldReader& inner) {
  const bool whole = inner.empty() && !inner.truncated_vector();
  if (sink_ != nullptr) {
    const size_t contents = inner.r_.whole().size();
    if (inner.truncated_vector()) {
      inner.fail(indexed_name(inner.name_, inner.index_) + " is truncated: its length says " +
                 std::to_string(inner.declared_) + " bytes, only " + std::to_string(contents) +
                 " are present");
    } else if (!inner.empty()) {
      inner.fail(count(inner.remaining(), "byte", "bytes") + " left over at the end of " +
                 indexed_name(inner.name_, inner.index_));
    }
    sink_->end(inner.base_ + contents);
  }
  return whole;
}

void FieldReader::open_struct(std::string_view name, size_t index) {
  if (sink_ != nullptr) {
    sink_->begin(name, index, pos(), 0, 0);
  }
}

void FieldReader::close_struct() {
  if (sink_ != nullptr) {
    sink_->end(pos());
  }
}

bool FieldReader::opaque(size_t prefix_len, std::string_view name, std::string_view content_name,
                         ByteView& out) {
  FieldReader inner;
  if (!open(prefix_len, name, inner)) {
    return false;
  }
  out = inner.rest_field(content_name);
  return close(inner) || sink_ != nullptr;
}

Status FieldReader::check(bool ok, Broken rule, bool on_last_field, Error error) {
  if (ok) {
    return Ok{};
  }
  if (sink_ == nullptr) {
    return error;
  }
  sink_->broken(rule, on_last_field);
  return Ok{};
}

Status FieldReader::check_length(size_t n, size_t min, size_t max, Error error) {
  return check(n >= min && n <= max, Broken{Broken::kLength, min, max}, true, std::move(error));
}

void FieldReader::note_length(size_t n, size_t min, size_t max) {
  if (sink_ != nullptr && (n < min || n > max)) {
    sink_->broken(Broken{Broken::kLength, min, max}, true);
  }
}

}  // namespace glasstls::msgs
