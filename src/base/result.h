// result.h (internal): helpers for building errors and propagating them.
#pragma once

#include <string>
#include <utility>

#include "glasstls/result.h"

namespace glasstls {

inline Error make_error(ErrorKind kind, AlertDescription alert, std::string reason) {
  return Error{kind, alert, std::move(reason)};
}

// decode_error is the error of a codec that found malformed bytes (RFC 8446 section 6.2:
// "decode_error: A message could not be decoded because some field was out of the specified
// range or the length of the message was incorrect").
inline Error decode_error(std::string reason) {
  return make_error(ErrorKind::kInvalidMessage, AlertDescription::decode_error, std::move(reason));
}
inline Error illegal_parameter(std::string reason) {
  return make_error(ErrorKind::kPeerMisbehaved, AlertDescription::illegal_parameter,
                    std::move(reason));
}
inline Error unexpected_message(std::string reason) {
  return make_error(ErrorKind::kPeerMisbehaved, AlertDescription::unexpected_message,
                    std::move(reason));
}
inline Error internal_error(std::string reason) {
  return make_error(ErrorKind::kInternal, AlertDescription::internal_error, std::move(reason));
}
// The errors of the handshake checks of both sides.
inline Error unsupported_extension(std::string reason) {
  return make_error(ErrorKind::kPeerMisbehaved, AlertDescription::unsupported_extension,
                    std::move(reason));
}
inline Error missing_extension(std::string reason) {
  return make_error(ErrorKind::kPeerMisbehaved, AlertDescription::missing_extension,
                    std::move(reason));
}
inline Error handshake_failure(std::string reason) {
  return make_error(ErrorKind::kPeerIncompatible, AlertDescription::handshake_failure,
                    std::move(reason));
}
inline Error decrypt_error(std::string reason) {
  return make_error(ErrorKind::kPeerMisbehaved, AlertDescription::decrypt_error, std::move(reason));
}

}  // namespace glasstls

// GLASSTLS_TRY evaluates a Result-returning expression and returns its error from the
// enclosing function if it failed.
#define GLASSTLS_TRY(expr)                       \
  do {                                           \
    auto glasstls_try_r_ = (expr);               \
    if (!glasstls_try_r_.ok()) {                 \
      return std::move(glasstls_try_r_).error(); \
    }                                            \
  } while (0)

#define GLASSTLS_CONCAT_INNER_(a, b) a##b
#define GLASSTLS_CONCAT_(a, b) GLASSTLS_CONCAT_INNER_(a, b)

// GLASSTLS_ASSIGN(lhs, expr) evaluates `expr`, returns its error if it failed, and otherwise
// moves its value into `lhs` (which may be a declaration such as `auto x`).
#define GLASSTLS_ASSIGN(lhs, expr) \
  GLASSTLS_ASSIGN_IMPL_(GLASSTLS_CONCAT_(glasstls_assign_r_, __LINE__), lhs, expr)
#define GLASSTLS_ASSIGN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) {                            \
    return std::move(tmp).error();            \
  }                                           \
  lhs = std::move(tmp).value()
