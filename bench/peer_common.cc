// peer_common.cc: peer_pki(), the glasstls test PKI as plain DER for the peer stacks, and
// peer_ffdhe2048().

#include "peer_common.h"

#include <map>
#include <optional>

#include "common.h"

namespace glasstls::bench {

const PeerPki& peer_pki(KeyKind kind) {
  static std::map<KeyKind, PeerPki> cache;
  auto it = cache.find(kind);
  if (it != cache.end()) {
    return it->second;
  }
  const Pki& p = pki(kind);
  PeerPki out;
  out.leaf_der.assign(p.test.leaf_cert.begin(), p.test.leaf_cert.end());
  out.ca_der.assign(p.test.ca_cert.begin(), p.test.ca_cert.end());
  Secret pkcs8 = p.test.leaf_key->private_key_pkcs8();
  out.key_pkcs8_der.assign(pkcs8.data(), pkcs8.data() + pkcs8.size());
  return cache.emplace(kind, std::move(out)).first->second;
}

const PeerDhParams& peer_ffdhe2048() {
  static const PeerDhParams params = [] {
    const crypto::KxGroup* group = crypto::openssl_provider().group(NamedGroup::ffdhe2048);
    std::optional<crypto::DhParams> dh = group != nullptr ? group->dh_params() : std::nullopt;
    if (!dh) {
      die("no ffdhe2048 parameters");
    }
    return PeerDhParams{std::vector<uint8_t>(dh->p.begin(), dh->p.end()),
                        std::vector<uint8_t>(dh->g.begin(), dh->g.end())};
  }();
  return params;
}

}  // namespace glasstls::bench
