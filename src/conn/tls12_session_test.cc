// tls12_session_test.cc: the TLS 1.2 exporter (RFC 5705) on a bare Context, as a TLS 1.2 state
// machine leaves it: refused without the extended master secret (RFC 7627 section 5.4), and
// with it equal to OpenSSL's own TLS1-PRF over the RFC 5705 seed.
#include "conn/tls12_session.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "api/openssl_hkdf.h"
#include "conn/context.h"

namespace glasstls::conn {
namespace {

const Bytes kMaster(48, 0x3c);
const Bytes kClientRandom(32, 0xc1);
const Bytes kServerRandom(32, 0x5e);

struct Established {
  Context cx;
  Tls12Session* session = nullptr;
  explicit Established(bool extended_master_secret) {
    cx.is_client = true;
    cx.provider = &crypto::openssl_provider();
    cx.suite = *suite_info(*cx.provider, CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);
    cx.handshake_done = true;
    auto s = std::make_unique<Tls12Session>();
    s->master_secret = Secret(kMaster);
    s->randoms = kClientRandom;
    s->randoms.insert(s->randoms.end(), kServerRandom.begin(), kServerRandom.end());
    s->extended_master_secret = extended_master_secret;
    session = s.get();
    cx.tls12 = std::move(s);
  }
};

TEST(Tls12Exporter, RefusedWithoutTheExtendedMasterSecret) {
  Established e(false);
  const uint8_t context[] = {1, 2, 3};
  auto out = e.session->export_keying_material(e.cx, "EXPERIMENTAL test", context, 32);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.error().to_string().find("RFC 7627"), std::string::npos) << out.error().to_string();
}

TEST(Tls12Exporter, WithTheExtendedMasterSecretMatchesOpensslsPrf) {
  Established e(true);
  const uint8_t context[] = {1, 2, 3};
  auto out = e.session->export_keying_material(e.cx, "EXPERIMENTAL test", context, 40);
  ASSERT_TRUE(out.ok()) << out.error().to_string();
  // RFC 5705 section 4: seed = client_random + server_random + context_value_length +
  // context_value.
  Bytes seed = kClientRandom;
  seed.insert(seed.end(), kServerRandom.begin(), kServerRandom.end());
  seed.insert(seed.end(), {0, 3, 1, 2, 3});
  EXPECT_EQ(*out, testing::openssl_tls1_prf("SHA256", kMaster, "EXPERIMENTAL test", seed, 40));
}

TEST(Tls12Exporter, ReservedLabelsAndEarlyUseAreRefused) {
  Established e(true);
  EXPECT_FALSE(e.session->export_keying_material(e.cx, "key expansion", {}, 16).ok());
  EXPECT_FALSE(e.session->export_keying_material(e.cx, "master secret", {}, 16).ok());
  e.cx.handshake_done = false;
  EXPECT_FALSE(e.session->export_keying_material(e.cx, "EXPERIMENTAL test", {}, 16).ok());
}

}  // namespace
}  // namespace glasstls::conn
