// transcript_test.cc: tests for Transcript (transcript.h). The known answers are OpenSSL's own
// digests of the same bytes (EVP_Digest, outside the provider), and the RFC 8448 section 3
// messages and transcript hashes (tests/data/rfc8448-simple-1rtt.txt).
#include "handshake/transcript.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <string>
#include <vector>

#include "rfc8448/trace.h"

namespace glasstls::handshake {
namespace {

// evp_digest is OpenSSL's digest of `data`, computed without the provider.
Bytes evp_digest(const EVP_MD* md, ByteView data) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  EXPECT_EQ(EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr), 1);
  out.resize(len);
  return out;
}

Bytes concat(const std::vector<Bytes>& parts) {
  Bytes out;
  for (const Bytes& p : parts) {
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

// message builds a handshake message of `type` with a body of `len` bytes of `fill`.
Bytes message(HandshakeType type, size_t len, uint8_t fill) {
  Bytes m = {static_cast<uint8_t>(type), static_cast<uint8_t>(len >> 16),
             static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len)};
  m.insert(m.end(), len, fill);
  return m;
}

struct HashCase {
  const crypto::Hash* hash;
  const EVP_MD* md;
};

std::vector<HashCase> hashes() {
  const crypto::CryptoProvider& p = crypto::openssl_provider();
  return {{p.sha256, EVP_sha256()}, {p.sha384, EVP_sha384()}};
}

const std::vector<Bytes> kMessages = {
    message(HandshakeType::client_hello, 200, 0x11),
    message(HandshakeType::server_hello, 90, 0x22),
    message(HandshakeType::encrypted_extensions, 6, 0x33),
    message(HandshakeType::certificate, 1000, 0x44),
    message(HandshakeType::finished, 32, 0x55),
};

TEST(Transcript, HashEqualsDigestOfTheConcatenatedMessages) {
  for (const HashCase& h : hashes()) {
    Transcript t;
    EXPECT_FALSE(t.started());
    // Two messages before the hash is known, the rest after.
    t.add(kMessages[0]);
    t.add(kMessages[1]);
    t.start(*h.hash);
    EXPECT_TRUE(t.started());
    EXPECT_EQ(t.hash(), h.hash);
    EXPECT_EQ(t.current(), evp_digest(h.md, concat({kMessages[0], kMessages[1]})));
    for (size_t i = 2; i < kMessages.size(); i++) {
      t.add(kMessages[i]);
      EXPECT_EQ(t.current(), evp_digest(h.md, concat(std::vector<Bytes>(
                                                  kMessages.begin(), kMessages.begin() + i + 1))));
    }
    // current() does not disturb the running hash, and start() again changes nothing.
    t.start(*crypto::openssl_provider().sha256);
    EXPECT_EQ(t.hash(), h.hash);
    EXPECT_EQ(t.current(), evp_digest(h.md, concat(kMessages)));
  }
}

TEST(Transcript, DoesNotKeepMessagesUnlessAsked) {
  Transcript t;
  EXPECT_FALSE(t.keeping_messages());
  t.add(kMessages[0]);
  t.start(*crypto::openssl_provider().sha256);
  t.add(kMessages[1]);
  EXPECT_TRUE(t.messages().empty());
  // Too late: ClientHello is gone.
  Status s = t.keep_messages();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, AlertDescription::internal_error);
  EXPECT_FALSE(t.keeping_messages());
  EXPECT_TRUE(t.messages().empty());
}

TEST(Transcript, KeptMessagesEqualTheMessagesAndHashToCurrent) {
  for (const HashCase& h : hashes()) {
    Transcript t;
    t.add(kMessages[0]);
    // Deciding after the first message (a server learns the version from the ClientHello) is in
    // time, as long as the hash has not started.
    ASSERT_TRUE(t.keep_messages().ok());
    EXPECT_TRUE(t.keeping_messages());
    t.add(kMessages[1]);
    t.start(*h.hash);
    for (size_t i = 2; i < kMessages.size(); i++) {
      t.add(kMessages[i]);
    }
    const Bytes all = concat(kMessages);
    EXPECT_EQ(Bytes(t.messages().begin(), t.messages().end()), all);
    EXPECT_EQ(t.current(), evp_digest(h.md, all));
    // Asking again once started is fine: they are kept.
    EXPECT_TRUE(t.keep_messages().ok());

    t.release_messages();
    EXPECT_FALSE(t.keeping_messages());
    EXPECT_TRUE(t.messages().empty());
    // The hash goes on without them.
    Bytes extra = message(HandshakeType::new_session_ticket, 40, 0x66);
    t.add(extra);
    EXPECT_TRUE(t.messages().empty());
    EXPECT_EQ(t.current(), evp_digest(h.md, concat({all, extra})));
  }
}

// message_hash_of is the synthetic message of RFC 8446 section 4.4.1 for ClientHello1.
Bytes message_hash_of(const EVP_MD* md, const Bytes& client_hello1) {
  Bytes ch1_hash = evp_digest(md, client_hello1);
  Bytes m = {static_cast<uint8_t>(HandshakeType::message_hash), 0, 0,
             static_cast<uint8_t>(ch1_hash.size())};
  m.insert(m.end(), ch1_hash.begin(), ch1_hash.end());
  return m;
}

TEST(Transcript, HelloRetryRollupReplacesClientHello1WithMessageHash) {
  // RFC 8446 section 4.4.1: after a HelloRetryRequest, ClientHello1 is replaced in the
  // transcript by a synthetic message_hash message containing Hash(ClientHello1).
  const Bytes ch1 = message(HandshakeType::client_hello, 180, 0x01);
  const Bytes hrr = message(HandshakeType::server_hello, 80, 0x02);
  const Bytes ch2 = message(HandshakeType::client_hello, 220, 0x03);
  const Bytes sh = message(HandshakeType::server_hello, 90, 0x04);
  for (const HashCase& h : hashes()) {
    for (bool keep : {false, true}) {
      SCOPED_TRACE(keep ? "keeping messages" : "not keeping messages");
      Transcript t;
      if (keep) {
        ASSERT_TRUE(t.keep_messages().ok());
      }
      t.add(ch1);
      t.start(*h.hash);
      t.hello_retry_rollup();
      t.add(hrr);
      t.add(ch2);
      t.add(sh);
      const Bytes expected_input = concat({message_hash_of(h.md, ch1), hrr, ch2, sh});
      EXPECT_EQ(expected_input[3], h.hash->output_len());
      EXPECT_EQ(t.current(), evp_digest(h.md, expected_input));
      // Not the plain transcript.
      EXPECT_NE(t.current(), evp_digest(h.md, concat({ch1, hrr, ch2, sh})));
      if (keep) {
        EXPECT_EQ(Bytes(t.messages().begin(), t.messages().end()), expected_input);
      } else {
        EXPECT_TRUE(t.messages().empty());
      }
    }
  }
}

TEST(Transcript, Rfc8448SimpleHandshakeHashes) {
  auto values = testing::load_rfc8448_section(testing::rfc8448_simple_1rtt_path(),
                                              "3.  Simple 1-RTT Handshake");
  ASSERT_GT(values.size(), 40u) << "could not read RFC 8448 section 3";
  auto v = [&](const std::string& step, const std::string& label) {
    Bytes b = testing::find_value(values, step, label);
    EXPECT_FALSE(b.empty()) << "missing " << step << " / " << label;
    return b;
  };
  const Bytes ch = v("{client}  construct a ClientHello", "ClientHello");
  const Bytes sh = v("{server}  construct a ServerHello", "ServerHello");
  const Bytes ee = v("{server}  construct an EncryptedExtensions", "EncryptedExtensions");
  const Bytes ct = v("{server}  construct a Certificate", "Certificate");
  const Bytes cv = v("{server}  construct a CertificateVerify", "CertificateVerify");
  const Bytes fin = v("{server}  construct a Finished", "Finished");

  Transcript t;
  ASSERT_TRUE(t.keep_messages().ok());
  t.add(ch);
  t.start(*crypto::openssl_provider().sha256);
  t.add(sh);
  EXPECT_EQ(t.current(), v("{server}  derive secret \"tls13 c hs traffic\"", "hash"));
  for (const Bytes* m : {&ee, &ct, &cv, &fin}) {
    t.add(*m);
  }
  EXPECT_EQ(t.current(), v("{server}  derive secret \"tls13 c ap traffic\"", "hash"));
  EXPECT_EQ(Bytes(t.messages().begin(), t.messages().end()), concat({ch, sh, ee, ct, cv, fin}));
}

}  // namespace
}  // namespace glasstls::handshake
