// result.h: errors as values. The glasstls core never throws.
#pragma once

#include <cassert>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "glasstls/error.h"

namespace glasstls {

// Result holds either a value of type T or an Error. Callers must look at it ([[nodiscard]]).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // value, operator* and operator-> require ok(), and error() requires !ok(): the caller checks.
  // Debug builds (without NDEBUG) assert it; release builds do not pay for the check.
  T& value() & { return *value_ptr(); }
  const T& value() const& { return *value_ptr(); }
  T&& value() && { return std::move(*value_ptr()); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*value_ptr()); }
  T* operator->() { return value_ptr(); }
  const T* operator->() const { return value_ptr(); }

  const Error& error() const& { return *error_ptr(); }
  Error&& error() && { return std::move(*error_ptr()); }

 private:
  T* value_ptr() {
    assert(ok() && "Result::value() on an error");
    return std::get_if<0>(&v_);
  }
  const T* value_ptr() const {
    assert(ok() && "Result::value() on an error");
    return std::get_if<0>(&v_);
  }
  Error* error_ptr() {
    assert(!ok() && "Result::error() on a value");
    return std::get_if<1>(&v_);
  }
  const Error* error_ptr() const {
    assert(!ok() && "Result::error() on a value");
    return std::get_if<1>(&v_);
  }

  std::variant<T, Error> v_;
};

// Status is the Result of an operation with no value.
struct Ok {};
using Status = Result<Ok>;

}  // namespace glasstls
