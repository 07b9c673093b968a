// ticket_key_derivation_test.cc: ticket keys derived from a root secret and the epoch
// (derive_ticket_keys, TicketKeys::derive in glasstls/session.h): each key against OpenSSL's
// own HKDF for the documented inputs, the ring's order and bounds, two servers with the same
// root computing the same ring, a clock a little ahead, and the ring moving with the clock.
#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <string>
#include <vector>

#include "glasstls/session.h"

namespace glasstls::testing {
namespace {

// openssl_hkdf is HKDF-Extract-then-Expand with SHA-256, by libcrypto's EVP_KDF.
Bytes openssl_hkdf(const Bytes& ikm, const std::string& salt, const Bytes& info, size_t len) {
  Bytes out(len);
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  EVP_KDF_CTX* ctx = kdf != nullptr ? EVP_KDF_CTX_new(kdf) : nullptr;
  char digest[] = "SHA256";
  Bytes salt_bytes(salt.begin(), salt.end());
  Bytes info_copy = info;
  Bytes key = ikm;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, key.data(), key.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt_bytes.data(), salt_bytes.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info_copy.data(), info_copy.size()),
      OSSL_PARAM_construct_end()};
  const bool ok = ctx != nullptr && EVP_KDF_derive(ctx, out.data(), out.size(), params) == 1;
  EVP_KDF_CTX_free(ctx);
  EVP_KDF_free(kdf);
  return ok ? out : Bytes{};
}

// expected_key is the documented derivation of epoch `e`'s key, computed by OpenSSL.
TicketKey expected_key(const Bytes& root, uint64_t e) {
  std::string label = "glasstls ticket key";
  Bytes info(label.begin(), label.end());
  for (int shift = 56; shift >= 0; shift -= 8) {
    info.push_back(static_cast<uint8_t>(e >> shift));
  }
  Bytes okm = openssl_hkdf(root, "glasstls ticket keys v1", info, 48);
  TicketKey k;
  EXPECT_EQ(okm.size(), 48u);
  if (okm.size() == 48) {
    std::copy_n(okm.begin(), 16, k.name.begin());
    k.key = Secret(std::span<const uint8_t>(okm).subspan(16, 32));
  }
  return k;
}

Bytes root_secret() {
  Bytes root(40);
  for (size_t i = 0; i < root.size(); i++) {
    root[i] = static_cast<uint8_t>(0xa0 ^ (i * 7));
  }
  return root;
}

void expect_same(const TicketKey& a, const TicketKey& b, const std::string& what) {
  EXPECT_EQ(a.name, b.name) << what;
  EXPECT_TRUE(a.key.equals(b.key.span())) << what;
}

TEST(TicketKeyDerivationTest, KeysAreTheDocumentedHkdfInTheDocumentedOrder) {
  const Bytes root = root_secret();
  const uint64_t interval = 3600;
  const uint64_t epoch = 493'000;  // an epoch of 2026
  const uint64_t now_ms = (epoch * interval + 1234) * 1000 + 567;
  TicketKeyEpochs epochs;
  epochs.interval_s = static_cast<uint32_t>(interval);
  epochs.behind = 2;
  epochs.ahead = 1;
  auto ring = derive_ticket_keys(root, now_ms, epochs);
  ASSERT_TRUE(ring.ok()) << ring.error().reason;
  ASSERT_EQ(ring->size(), 4u);
  expect_same((*ring)[0], expected_key(root, epoch), "the current epoch's key seals");
  expect_same((*ring)[1], expected_key(root, epoch + 1), "the next epoch's key is published");
  expect_same((*ring)[2], expected_key(root, epoch - 1), "the previous epoch's key opens");
  expect_same((*ring)[3], expected_key(root, epoch - 2), "and the one before");
  EXPECT_NE((*ring)[0].name, (*ring)[1].name);

  // Any time within the epoch gives the same ring; the next epoch shifts it by one.
  auto same = derive_ticket_keys(root, epoch * interval * 1000, epochs);
  ASSERT_TRUE(same.ok());
  expect_same((*same)[0], (*ring)[0], "start of the epoch");
  auto later = derive_ticket_keys(root, (epoch + 1) * interval * 1000, epochs);
  ASSERT_TRUE(later.ok());
  expect_same((*later)[0], (*ring)[1], "the published key seals in the next epoch");
  expect_same((*later)[2], (*ring)[0], "and the old sealing key still opens");

  // Another root gives other keys.
  Bytes other = root;
  other[0] ^= 1;
  auto theirs = derive_ticket_keys(other, now_ms, epochs);
  ASSERT_TRUE(theirs.ok());
  EXPECT_NE((*theirs)[0].name, (*ring)[0].name);
  EXPECT_FALSE((*theirs)[0].key.equals((*ring)[0].key.span()));
}

TEST(TicketKeyDerivationTest, RefusesShortRootsAndBadEpochs) {
  Bytes short_root(31, 7);
  auto r = derive_ticket_keys(short_root, 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kBadConfig);
  EXPECT_NE(r.error().reason.find("at least 32"), std::string::npos) << r.error().reason;
  TicketKeyEpochs zero;
  zero.interval_s = 0;
  EXPECT_FALSE(derive_ticket_keys(root_secret(), 0, zero).ok());
  TicketKeyEpochs many;
  many.ahead = 40;
  many.behind = 40;
  EXPECT_FALSE(derive_ticket_keys(root_secret(), 0, many).ok());
  EXPECT_FALSE(TicketKeys::derive(short_root).ok());
  // Epoch 0 has no epochs behind it.
  auto first = derive_ticket_keys(root_secret(), 1000, TicketKeyEpochs{});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->size(), 2u);
}

TEST(TicketKeyDerivationTest, DerivedRingsAgreeAcrossServersAndMoveWithTheClock) {
  const Bytes root = root_secret();
  TicketKeyEpochs epochs;
  epochs.interval_s = 60;
  epochs.behind = 1;
  epochs.ahead = 1;
  uint64_t now_a = 1'800'000'000'000;
  uint64_t now_b = now_a - 20'000;  // server B's clock is behind: one epoch behind at times
  auto a = TicketKeys::derive(root, epochs, [&] { return now_a; });
  auto b = TicketKeys::derive(root, epochs, [&] { return now_b; });
  ASSERT_TRUE(a.ok()) << a.error().reason;
  ASSERT_TRUE(b.ok());

  auto current_name = [](const TicketKeys& ring) {
    std::array<uint8_t, 16> name{};
    EXPECT_TRUE(ring.with_current([&](const TicketKey& k) { name = k.name; }));
    return name;
  };
  auto opens = [](const TicketKeys& ring, const std::array<uint8_t, 16>& name) {
    return ring.with_key(name, [](const TicketKey&) {});
  };

  for (int step = 0; step < 10; step++) {
    // Whatever either seals now, the other opens (their clocks are 20 s apart, within an
    // epoch of 60 s).
    EXPECT_TRUE(opens(**b, current_name(**a))) << "step " << step;
    EXPECT_TRUE(opens(**a, current_name(**b))) << "step " << step;
    // The sealing key is the one of the clock's epoch, computed as documented.
    EXPECT_EQ(current_name(**a), expected_key(root, now_a / 1000 / 60).name) << "step " << step;
    now_a += 25'000;
    now_b += 25'000;
  }

  // A key sealed now opens for `behind` epochs more, and no longer.
  std::array<uint8_t, 16> sealed = current_name(**a);
  now_a += 60'000;
  EXPECT_TRUE(opens(**a, sealed));
  now_a += 60'000;
  EXPECT_FALSE(opens(**a, sealed)) << "a key two epochs old is gone with behind = 1";
}

TEST(TicketKeyDerivationTest, ReplaceOnADerivedRingLastsUntilTheNextEpoch) {
  TicketKeyEpochs epochs;
  epochs.interval_s = 60;
  uint64_t now = 1'800'000'000'000;
  auto ring = TicketKeys::derive(root_secret(), epochs, [&] { return now; });
  ASSERT_TRUE(ring.ok());
  TicketKey manual;
  manual.name.fill(0x42);
  manual.key = Secret(32);
  std::vector<TicketKey> keys;
  keys.push_back(std::move(manual));
  (*ring)->replace(std::move(keys));
  std::array<uint8_t, 16> name{};
  ASSERT_TRUE((*ring)->with_current([&](const TicketKey& k) { name = k.name; }));
  EXPECT_EQ(name[0], 0x42);
  now += 60'000;
  (*ring)->refresh();
  ASSERT_TRUE((*ring)->with_current([&](const TicketKey& k) { name = k.name; }));
  EXPECT_EQ(name, expected_key(root_secret(), now / 1000 / 60).name);
}

}  // namespace
}  // namespace glasstls::testing
