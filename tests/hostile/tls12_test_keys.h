// tls12_test_keys.h: record protection a hostile TLS 1.2 test peer forges with a connection's
// real keys, taken from the key log's master secret and the connection's randoms.
#pragma once

#include <gtest/gtest.h>

#include <utility>

#include "base/bytes.h"
#include "crypto/suites.h"
#include "glasstls/crypto.h"
#include "handshake/tls12_key_schedule.h"
#include "record/record_layer.h"

namespace glasstls::testing {

// tls12_protector makes the protection of the client's (or the server's) writes under `suite`.
inline record::RecordProtector tls12_protector(CipherSuite suite, const Bytes& master,
                                               ByteView server_random, ByteView client_random,
                                               bool client_writes) {
  const crypto::CryptoProvider& p = crypto::openssl_provider();
  const crypto::SuiteRow& row = *crypto::find_suite(suite);
  auto block = handshake::tls12::key_block(*p.sha256, master, server_random, client_random,
                                           record::tls12_key_block_len(row));
  EXPECT_TRUE(block.ok());
  auto keys = record::split_tls12_key_block(row, block->span());
  EXPECT_TRUE(keys.ok());
  auto made =
      client_writes
          ? record::make_tls12_protector(p, row, keys->client_mac_key, keys->client_key,
                                         keys->client_iv.span(), false, "client write", false)
          : record::make_tls12_protector(p, row, keys->server_mac_key, keys->server_key,
                                         keys->server_iv.span(), false, "server write", false);
  EXPECT_TRUE(made.ok());
  return std::move(made).value();
}

}  // namespace glasstls::testing
