// tls12_key_schedule_test.cc: the TLS 1.2 PRF and its derivations against known answers: the
// P_SHA256 test vector published on the IETF TLS mailing list, and OpenSSL's own TLS1-PRF
// (EVP_KDF), computed at test time, for every derivation with SHA-256 and SHA-384.
#include "handshake/tls12_key_schedule.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "api/openssl_hkdf.h"

namespace glasstls::handshake::tls12 {
namespace {

// hex is the bytes of a hex literal of the test (base/bytes.h's from_hex, which never fails on
// them).
Bytes hex(std::string_view h) { return from_hex(h).value_or(Bytes{}); }

Bytes bytes(const Secret& s) { return Bytes(s.span().begin(), s.span().end()); }

// openssl_prf computes PRF(secret, label, seed) with OpenSSL's TLS1-PRF, outside glasstls.
Bytes openssl_prf(const char* digest, ByteView secret, std::string_view label, ByteView seed,
                  size_t len) {
  return testing::openssl_tls1_prf(digest, secret, label, seed, len);
}

struct HashCase {
  const char* openssl_name;
  const crypto::Hash* hash;
};

std::vector<HashCase> hashes() {
  return {{"SHA256", crypto::openssl_provider().sha256},
          {"SHA384", crypto::openssl_provider().sha384}};
}

TEST(Tls12Prf, PublishedSha256Vector) {
  // The P_SHA256 vector posted to the IETF TLS working group's list for RFC 5246's PRF.
  const Bytes secret = hex("9bbe436ba940f017b17652849a71db35");
  const Bytes seed = hex("a0ba9f936cda311827a6f796ffd5198c");
  const Bytes want =
      hex("e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e"
          "14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5"
          "a72e5a5110fff70187347b66");
  auto out = prf(*crypto::openssl_provider().sha256, secret, "test label", seed, 100);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(bytes(*out), want);
  EXPECT_EQ(openssl_prf("SHA256", secret, "test label", seed, 100), want);
}

TEST(Tls12Prf, MatchesOpenSslForEveryLengthAcrossBlockBoundaries) {
  const Bytes secret = hex("0102030405060708090a0b0c0d0e0f10111213141516171819");
  const Bytes seed = hex("aabbccddeeff");
  for (const HashCase& h : hashes()) {
    SCOPED_TRACE(h.openssl_name);
    for (size_t len : {1, 12, 31, 32, 33, 47, 48, 49, 64, 96, 97, 104, 136, 200}) {
      auto out = prf(*h.hash, secret, "some label", seed, len);
      ASSERT_TRUE(out.ok());
      EXPECT_EQ(bytes(*out), openssl_prf(h.openssl_name, secret, "some label", seed, len)) << len;
    }
  }
}

TEST(Tls12Prf, DerivationsUseTheirLabelsAndSeeds) {
  const Bytes pre_master(48, 0x42);
  const Bytes client_random =
      hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  const Bytes server_random =
      hex("202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f");
  for (const HashCase& h : hashes()) {
    SCOPED_TRACE(h.openssl_name);
    Bytes randoms = client_random;
    randoms.insert(randoms.end(), server_random.begin(), server_random.end());
    auto master = master_secret(*h.hash, pre_master, client_random, server_random);
    ASSERT_TRUE(master.ok());
    ASSERT_EQ(master->size(), kMasterSecretLen);
    EXPECT_EQ(bytes(*master),
              openssl_prf(h.openssl_name, pre_master, "master secret", randoms, kMasterSecretLen));

    const Bytes session_hash(h.hash->output_len(), 0x5a);
    auto extended = extended_master_secret(*h.hash, pre_master, session_hash);
    ASSERT_TRUE(extended.ok());
    EXPECT_EQ(bytes(*extended), openssl_prf(h.openssl_name, pre_master, "extended master secret",
                                            session_hash, kMasterSecretLen));
    EXPECT_NE(bytes(*extended), bytes(*master));

    // The key block's seed is the other way round: server_random first.
    Bytes reversed = server_random;
    reversed.insert(reversed.end(), client_random.begin(), client_random.end());
    auto block = key_block(*h.hash, master->span(), server_random, client_random, 104);
    ASSERT_TRUE(block.ok());
    EXPECT_EQ(bytes(*block),
              openssl_prf(h.openssl_name, master->span(), "key expansion", reversed, 104));

    const Bytes handshake_hash(h.hash->output_len(), 0x33);
    auto client = verify_data(*h.hash, master->span(), true, handshake_hash);
    auto server = verify_data(*h.hash, master->span(), false, handshake_hash);
    ASSERT_TRUE(client.ok());
    ASSERT_TRUE(server.ok());
    EXPECT_EQ(client->size(), kVerifyDataLen);
    EXPECT_EQ(bytes(*client), openssl_prf(h.openssl_name, master->span(), "client finished",
                                          handshake_hash, kVerifyDataLen));
    EXPECT_EQ(bytes(*server), openssl_prf(h.openssl_name, master->span(), "server finished",
                                          handshake_hash, kVerifyDataLen));
  }
}

TEST(Tls12Prf, RefusesAnAbsurdLength) {
  const Bytes secret(16, 1);
  EXPECT_FALSE(prf(*crypto::openssl_provider().sha256, secret, "x", {}, size_t{1} << 21).ok());
}

}  // namespace
}  // namespace glasstls::handshake::tls12
