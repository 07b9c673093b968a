// result.h: errors as values. The glasstls core never throws.
#pragma once

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
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // value and operator* require ok(); the invariant is the caller's check.
  T& value() & { return *std::get_if<0>(&v_); }
  const T& value() const& { return *std::get_if<0>(&v_); }
  T&& value() && { return std::move(*std::get_if<0>(&v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*std::get_if<0>(&v_)); }
  T* operator->() { return std::get_if<0>(&v_); }
  const T* operator->() const { return std::get_if<0>(&v_); }

  // error requires !ok().
  const Error& error() const& { return *std::get_if<1>(&v_); }
  Error&& error() && { return std::move(*std::get_if<1>(&v_)); }

 private:
  std::variant<T, Error> v_;
};

// Status is the Result of an operation with no value.
struct Ok {};
using Status = Result<Ok>;

}  // namespace glasstls
