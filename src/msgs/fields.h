// fields.h: how the message codecs read, and what they report about each field they read.
//
// The codecs of this layer are the only code that decodes handshake messages. They read through
// a FieldReader, which works in one of two modes:
//
// - strict (no sink): a ByteReader with names. A read that runs out of bytes, or a vector whose
//   length prefix claims more than is there, fails; the codec turns the failure into the
//   decode_error or illegal_parameter RFC 8446 names, as it always did. This is how the
//   connection parses what a peer sends.
// - reporting (a FieldSink): every field is reported as it is read, with its absolute offset,
//   and nothing stops the walk. A short read reports the rest of its region as malformed; a
//   vector that claims more than is there is read as far as it goes; a value that breaks a rule
//   is reported as broken and the walk goes on. The illustrated view (trace/) builds its tree
//   from these reports, so it shows exactly what the codec read, and annotates malformed input
//   up to the point of failure and past it where the framing allows.
//
// The wording of the view (what each field means) is not here: it lives in trace/, keyed by the
// field names the codecs report, which are the names of the RFC's structs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "base/bytes.h"
#include "base/result.h"

namespace glasstls::msgs {

// Show says how a reported integer is written: in decimal, or as a code point in hex with
// two digits per byte ("0x1301").
enum class Show : uint8_t { kDecimal, kCode };

// kNoIndex marks a field that is not an element of a list.
inline constexpr size_t kNoIndex = SIZE_MAX;

// indexed_name is how a field is named in reports and in the view: "name", or "name[index]"
// for an element of a list.
std::string indexed_name(std::string_view name, size_t index);

// Broken is a rule a well-formed value breaks; the view words it. `min` and `max` are the
// bounds of kLength.
struct Broken {
  enum Kind : uint8_t {
    kLength,      // a vector outside <min..max> bytes: a receiver aborts with decode_error
    kDuplicate,   // a second extension of one type in a block
    kNotAllowed,  // an extension the message may not carry
    kNotLast,     // pre_shared_key that is not the last ClientHello extension
    kValue,       // an integer the RFC does not define: a receiver aborts
  };
  Kind kind = kLength;
  size_t min = 0;
  size_t max = 0;
};

// FieldSink receives what a reporting FieldReader reads. Offsets are from the start of the
// whole input the reader was given (for a handshake message, its header's first byte). Names
// are views valid only during the call.
class FieldSink {
 public:
  virtual ~FieldSink() = default;
  // field is a leaf: `bytes` at `offset`. For an integer field, `number` is its value and
  // `show` how to write it; for bytes, `number` is 0.
  virtual void field(std::string_view name, size_t index, size_t offset, ByteView bytes,
                     uint32_t number, Show show, bool integer) = 0;
  // begin opens a node at `offset`. A vector has a length prefix of `prefix_len` bytes
  // claiming `declared` bytes of contents; a struct inside a list (prefix_len 0) has none.
  virtual void begin(std::string_view name, size_t index, size_t offset, size_t prefix_len,
                     uint32_t declared) = 0;
  // end closes the innermost open node, which ends at `end`.
  virtual void end(size_t end) = 0;
  // malformed reports `rest`, at `offset`, as bytes that could not be decoded, and why.
  virtual void malformed(size_t offset, ByteView rest, std::string why) = 0;
  // broken reports that the innermost open node, or with `on_last_field` the field or node
  // completed last inside it, breaks a rule.
  virtual void broken(const Broken& rule, bool on_last_field) = 0;
};

// FieldReader reads one region of a message; see the top of this file for its two modes.
class FieldReader {
 public:
  FieldReader() = default;
  // A strict reader over `region`.
  explicit FieldReader(ByteView region) : r_(region) {}
  // A reporting reader when `sink` is not null; `base` is the offset of `region` in the input.
  FieldReader(ByteView region, FieldSink* sink, size_t base)
      : r_(region), sink_(sink), base_(base) {}

  [[nodiscard]] bool reporting() const { return sink_ != nullptr; }
  [[nodiscard]] FieldSink* sink() const { return sink_; }
  [[nodiscard]] size_t remaining() const { return r_.remaining(); }
  [[nodiscard]] bool empty() const { return r_.empty(); }
  [[nodiscard]] ByteView rest() const { return r_.rest(); }
  // pos is the absolute offset of the next byte.
  [[nodiscard]] size_t pos() const { return base_ + r_.offset(); }

  // u8, u16, u24 and u32 read an integer field named `name`. On a short read they report the
  // rest of the region as malformed (reporting) and return false.
  [[nodiscard]] bool u8(uint8_t& out, std::string_view name, Show show = Show::kDecimal);
  [[nodiscard]] bool u16(uint16_t& out, std::string_view name, Show show = Show::kCode);
  [[nodiscard]] bool u24(uint32_t& out, std::string_view name, Show show = Show::kDecimal);
  [[nodiscard]] bool u32(uint32_t& out, std::string_view name, Show show = Show::kDecimal);
  // bytes reads a fixed-length field of `n` bytes.
  [[nodiscard]] bool bytes(size_t n, ByteView& out, std::string_view name);
  // item reads element `index` of the list `name`, `width` (1 or 2) bytes, shown as a code.
  [[nodiscard]] bool item(size_t width, uint32_t& out, std::string_view name, size_t index);
  // region takes the next `n` bytes (fewer when they are not all there) as a reader of their
  // own, reporting nothing: the caller reports what it finds in them.
  FieldReader region(size_t n);
  // rest_field reads everything left as one field (an empty region reports nothing).
  ByteView rest_field(std::string_view name);

  // open reads the `prefix_len`-byte length of the vector `name` and sets `inner` to read its
  // contents. Strict: false when the length claims more than is left. Reporting: `inner` holds
  // what is there, and close() reports the shortfall; false only when the length itself is cut
  // short. Every open that returned true is closed with close(inner), in strict mode too.
  [[nodiscard]] bool open(size_t prefix_len, std::string_view name, FieldReader& inner,
                          size_t index = kNoIndex);
  // open_struct starts a node without a length prefix over the rest of this region (an entry
  // of a list); close it with close_struct().
  void open_struct(std::string_view name, size_t index);
  void close_struct();
  // close ends the vector `inner` was opened for. Reporting: a vector cut short, or contents
  // `inner` left unread, are reported as malformed. Returns whether `inner` was read whole
  // (strict: the caller's trailing-bytes error when false).
  bool close(FieldReader& inner);

  // opaque reads `opaque name<..>` with a `prefix_len`-byte length: a vector whose contents,
  // when there are any, are one field named `content_name`. Returns what open() returns.
  [[nodiscard]] bool opaque(size_t prefix_len, std::string_view name, std::string_view content_name,
                            ByteView& out);

  // fail reports the rest of the region as malformed, for `why`, consumes it and returns false.
  bool fail(std::string why);
  // truncated_vector says whether this reader's vector claimed more than was there.
  [[nodiscard]] bool truncated_vector() const { return declared_ > r_.whole().size(); }

  // check enforces a rule on a well-formed value: strict, it returns `error` when `ok` is
  // false; reporting, it reports `rule` on the innermost open node (or the last field) and
  // returns Ok, so that the walk goes on.
  Status check(bool ok, Broken rule, bool on_last_field, Error error);
  // check and check_length with the error made by `make_error` only when the rule is broken:
  // the strict parsers check every field, and most errors carry a message built at run time.
  template <typename MakeError>
  requires std::is_invocable_r_v<Error, MakeError&> Status check(bool ok, Broken rule,
                                                                 bool on_last_field,
                                                                 MakeError&& make_error) {
    if (ok) {
      return Ok{};
    }
    return check(false, rule, on_last_field, make_error());
  }
  template <typename MakeError>
  requires std::is_invocable_r_v<Error, MakeError&> Status check_length(size_t n, size_t min,
                                                                        size_t max,
                                                                        MakeError&& make_error) {
    if (n >= min && n <= max) {
      return Ok{};
    }
    return check_length(n, min, max, make_error());
  }
  // check_length is check() for a vector of `n` bytes that must be `min`..`max` long, called
  // once the vector is closed (the rule is reported on it).
  Status check_length(size_t n, size_t min, size_t max, Error error);
  // note reports `rule` (reporting mode only), for a rule the strict codec checks elsewhere.
  void note(Broken rule, bool on_last_field) {
    if (sink_ != nullptr) {
      sink_->broken(rule, on_last_field);
    }
  }
  // note_length reports (reporting mode only) a vector of `n` bytes outside `min`..`max` that
  // the codec itself accepts, leaving the decision to the handshake.
  void note_length(size_t n, size_t min, size_t max);

 private:
  bool need(size_t n, std::string_view what);
  template <typename T>
  bool integer(size_t n, T& out, std::string_view name, Show show);

  ByteReader r_;
  FieldSink* sink_ = nullptr;
  size_t base_ = 0;
  // declared_ is the length a vector's prefix claimed (its contents may be cut short).
  uint32_t declared_ = 0;
  // start_ is where the vector's length prefix began; name_ and index_ name it.
  size_t start_ = 0;
  std::string_view name_;
  size_t index_ = kNoIndex;
};

}  // namespace glasstls::msgs
