// named_group_text_test.cc: the explanation `explain` and the trace show beside a named group
// (its iana.def row) must not call a group "not supported" when the provider glasstls ships
// makes key pairs in it, in TLS 1.3 and TLS 1.2 alike.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "glasstls/crypto.h"
#include "glasstls/types.h"

namespace glasstls {
namespace {

std::vector<NamedGroup> every_named_group() {
  std::vector<NamedGroup> groups;
#define GLASSTLS_NAMED_GROUP(n, v, text) groups.push_back(static_cast<NamedGroup>(v));
#include "glasstls/iana.def"
#undef GLASSTLS_NAMED_GROUP
  return groups;
}

TEST(NamedGroupText, AGroupTheProviderSupportsIsNotCalledUnsupported) {
  const crypto::CryptoProvider& provider = crypto::openssl_provider();
  size_t supported = 0;
  for (NamedGroup g : every_named_group()) {
    const crypto::KxGroup* kx = provider.group(g);
    if (kx == nullptr) {
      continue;
    }
    supported++;
    EXPECT_EQ(kx->group(), g) << name(g);
    const std::string text(explain(g));
    EXPECT_FALSE(text.empty()) << name(g);
    EXPECT_EQ(text.find("not supported"), std::string::npos) << name(g) << ": " << text;
  }
  // x25519, P-256, P-384, P-521, X448 and the five RFC 7919 groups.
  EXPECT_EQ(supported, 10u);
}

}  // namespace
}  // namespace glasstls
