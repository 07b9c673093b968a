// ocsp_staple.cc: OcspStaple, the replaceable OCSP response a server staples.
//
// Readers take a reference to the current response under a mutex and use it without the lock;
// a writer swaps in a new one. A handshake keeps the response it took alive until it is sent,
// however often the staple is replaced meanwhile.
#include <memory>
#include <mutex>
#include <utility>

#include "glasstls/config.h"

namespace glasstls {

struct OcspStaple::State {
  mutable std::mutex mu;
  std::shared_ptr<const Bytes> der = std::make_shared<const Bytes>();
};

OcspStaple::OcspStaple() : state_(std::make_unique<State>()) {}

OcspStaple::OcspStaple(Bytes der) : OcspStaple() { set(std::move(der)); }

OcspStaple::~OcspStaple() = default;

void OcspStaple::set(Bytes der) {
  auto fresh = std::make_shared<const Bytes>(std::move(der));
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->der = std::move(fresh);
}

std::shared_ptr<const Bytes> OcspStaple::get() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->der;
}

}  // namespace glasstls
