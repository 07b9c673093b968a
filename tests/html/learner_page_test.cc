// The HTML page as a text a learner can follow, on real handshakes of both versions: every
// message and alert has its narrative, each Finished spells out how verify_data is computed,
// each signature the bytes it covers, each TLS 1.3 record its nonce and additional data. The
// values the page spells out are checked with libcrypto directly: the HMAC or PRF of the values
// shown gives the Finished message's verify_data, and the signature in the message verifies
// over the content shown with the certificate's public key.
#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/x509.h>

#include <string>
#include <vector>

#include "api/harness.h"
#include "api/openssl_hkdf.h"
#include "glasstls/trace.h"

namespace glasstls {
namespace {

using testing::client_builder;
using testing::handshake;
using testing::server_builder;
using testing::spki_pin;
using testing::test_pki;
using testing::transfer;

std::string spaced_hex(ByteView v) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < v.size(); i++) {
    if (i > 0) {
      out.push_back(' ');
    }
    out.push_back(kDigits[v[i] >> 4]);
    out.push_back(kDigits[v[i] & 15]);
  }
  return out;
}

size_t count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    n++;
  }
  return n;
}

struct Case {
  const char* name;
  ProtocolVersion version;
  CipherSuite suite;
  bool client_auth;
};

// A traced handshake (the client's view, with secrets), some data both ways, and close.
struct TracedRun {
  std::vector<TraceEvent> events;
  Bytes server_spki;
  Bytes client_spki;

  explicit TracedRun(const Case& c) {
    auto recorder = std::make_shared<TraceRecorder>();
    auto cb = client_builder(crypto::KeyType::kEcdsaP256);
    auto sb = server_builder(crypto::KeyType::kEcdsaP256);
    cb.versions(c.version, c.version).cipher_suites({c.suite});
    sb.versions(c.version, c.version).cipher_suites({c.suite});
    const auto& client_pki = test_pki(crypto::KeyType::kEcdsaP384);
    if (c.client_auth) {
      cb.client_certificate({client_pki.leaf_cert}, PrivateKey(client_pki.leaf_key));
      sb.request_client_certificate(
          pin_sha256_verifier({spki_pin(client_pki.leaf_key->public_key_spki())}), true);
    }
    server_spki = test_pki(crypto::KeyType::kEcdsaP256).leaf_key->public_key_spki();
    client_spki = client_pki.leaf_key->public_key_spki();
    auto ccfg = cb.build();
    auto scfg = sb.build();
    EXPECT_TRUE(ccfg.ok() && scfg.ok());
    TraceOptions options;
    options.show_secrets = true;
    auto client = Connection::client(*ccfg, "localhost", recorder, options);
    auto server = Connection::server(*scfg);
    EXPECT_TRUE(client.ok() && server.ok());
    EXPECT_TRUE(handshake(*client, *server));
    const uint8_t ping[] = {'p', 'i', 'n', 'g', '\n'};
    EXPECT_TRUE(client->write(ping).ok());
    EXPECT_TRUE(transfer(*client, *server));
    EXPECT_TRUE(server->write(ping).ok());
    EXPECT_TRUE(transfer(*server, *client));
    client->close();
    EXPECT_TRUE(transfer(*client, *server));
    events = recorder->events;
  }

  template <typename T>
  std::vector<const T*> all() const {
    std::vector<const T*> out;
    for (const auto& e : events) {
      if (const T* t = std::get_if<T>(&e)) {
        out.push_back(t);
      }
    }
    return out;
  }

  const TraceKeyStep* step_with_output(ByteView v) const {
    for (const TraceKeyStep* k : all<TraceKeyStep>()) {
      if (k->output.size() == v.size() && std::equal(v.begin(), v.end(), k->output.begin())) {
        return k;
      }
    }
    return nullptr;
  }

  const TraceKeyStep* step_named(const std::string& name) const {
    for (const TraceKeyStep* k : all<TraceKeyStep>()) {
      if (k->step == name) {
        return k;
      }
    }
    return nullptr;
  }
};

Bytes hmac_sha256(ByteView key, ByteView data) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  EXPECT_NE(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(), data.size(),
                 out.data(), &len),
            nullptr);
  out.resize(len);
  return out;
}

// verifies checks an ECDSA signature made with `hash` over `content` with the key of `spki`.
bool verifies(ByteView spki, const EVP_MD* hash, ByteView content, ByteView signature) {
  const uint8_t* p = spki.data();
  EVP_PKEY* key = d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size()));
  if (key == nullptr) {
    return false;
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = EVP_DigestVerifyInit(ctx, nullptr, hash, nullptr, key) == 1 &&
                  EVP_DigestVerify(ctx, signature.data(), signature.size(), content.data(),
                                   content.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return ok;
}

class LearnerPage : public ::testing::TestWithParam<Case> {};

TEST_P(LearnerPage, NarratesEveryMessageAndAlert) {
  const TracedRun run(GetParam());
  const std::string page = render_html(run.events, "learner page");
  const size_t told = run.all<TraceMessage>().size() + run.all<TraceAlert>().size();
  ASSERT_GT(told, 6u);
  EXPECT_EQ(count(page, "<p class=\"story\">"), told);
  EXPECT_EQ(count(page, "<p class=\"story\"></p>"), 0u);
  // The story speaks of the version and suite this handshake chose.
  const bool tls12 = GetParam().version == ProtocolVersion::TLSv1_2;
  EXPECT_NE(page.find(tls12 ? "The server chooses TLS 1.2 and " : "The server chooses TLS 1.3"),
            std::string::npos);
  EXPECT_NE(page.find(std::string(name(GetParam().suite)) + ", and sends its own"),
            std::string::npos);
  // Fields carry the name tshark gives them.
  EXPECT_NE(page.find("<code class=\"ws\" title=\"the tshark/Wireshark field name\">"
                      "tls.handshake.random</code>"),
            std::string::npos);
  // Every hex block has its outline beside it.
  EXPECT_EQ(count(page, "<div class=\"fields\"><div class=\"hex\">"), count(page, "</ul></div>\n"));
}

TEST_P(LearnerPage, SpellsOutEachFinishedAndTheValuesRecomputeIt) {
  const TracedRun run(GetParam());
  const std::string page = render_html(run.events, "learner page");
  size_t finished = 0;
  for (const TraceMessage* m : run.all<TraceMessage>()) {
    if (m->type != HandshakeType::finished) {
      continue;
    }
    finished++;
    const ByteView vd = ByteView(m->bytes).subspan(4);
    const TraceKeyStep* k = run.step_with_output(vd);
    ASSERT_NE(k, nullptr) << "no step computed this verify_data";
    // The page shows the step's inputs in the Finished card...
    EXPECT_NE(page.find(spaced_hex(k->input)), std::string::npos);
    EXPECT_NE(page.find(spaced_hex(k->context)), std::string::npos);
    EXPECT_NE(page.find(spaced_hex(k->output) + " <a href="), std::string::npos);
    // ...and libcrypto, given those values, computes the verify_data on the wire.
    if (GetParam().version == ProtocolVersion::TLSv1_2) {
      EXPECT_EQ(testing::openssl_tls1_prf("SHA256", k->input, k->label, k->context, 12),
                Bytes(vd.begin(), vd.end()));
    } else {
      EXPECT_EQ(hmac_sha256(k->input, k->context), Bytes(vd.begin(), vd.end()));
    }
  }
  EXPECT_EQ(finished, 2u);
  EXPECT_EQ(count(page, "<h3>How verify_data is computed</h3>"), finished);
}

TEST_P(LearnerPage, SpellsOutWhatEachSignatureCoversAndTheSignatureVerifiesOverIt) {
  const TracedRun run(GetParam());
  const std::string page = render_html(run.events, "learner page");
  const bool tls12 = GetParam().version == ProtocolVersion::TLSv1_2;
  size_t signatures = 0;
  for (const TraceMessage* m : run.all<TraceMessage>()) {
    const bool from_client = m->direction == TraceDirection::kClientToServer;
    std::string step;
    ByteView signed_part;  // scheme (2 bytes), length (2), signature
    if (m->type == HandshakeType::certificate_verify) {
      step = std::string(from_client ? "client" : "server") + " CertificateVerify signed content";
      signed_part = ByteView(m->bytes).subspan(4);
    } else if (m->type == HandshakeType::server_key_exchange) {
      step = "ServerKeyExchange signed content";
      // ECDHE params: curve_type (1), named curve (2), public key (1 + n).
      const size_t params = 3 + 1 + m->bytes[4 + 3];
      signed_part = ByteView(m->bytes).subspan(4 + params);
    } else {
      continue;
    }
    signatures++;
    const TraceKeyStep* k = run.step_named(step);
    ASSERT_NE(k, nullptr) << step;
    const uint16_t scheme = static_cast<uint16_t>((signed_part[0] << 8) | signed_part[1]);
    const ByteView signature = signed_part.subspan(4);
    const EVP_MD* hash = scheme == 0x0503 ? EVP_sha384() : EVP_sha256();
    const Bytes& spki = from_client ? run.client_spki : run.server_spki;
    EXPECT_TRUE(verifies(spki, hash, k->output, signature)) << step;
    if (!tls12) {
      // 64 spaces, the context string, 0, and the transcript hash: each shown.
      EXPECT_EQ(k->output[0], 0x20);
      EXPECT_NE(page.find(spaced_hex(k->context)), std::string::npos);
      EXPECT_NE(page.find(from_client ? "TLS 1.3, client CertificateVerify"
                                      : "TLS 1.3, server CertificateVerify"),
                std::string::npos);
    } else if (m->type == HandshakeType::server_key_exchange) {
      EXPECT_NE(page.find(spaced_hex(ByteView(k->output).first(32))), std::string::npos);
      EXPECT_NE(page.find(spaced_hex(ByteView(k->output).subspan(64))), std::string::npos);
    } else {
      EXPECT_NE(page.find(spaced_hex(k->output)), std::string::npos);
    }
  }
  const size_t expected = 1 + (GetParam().client_auth ? 1 : 0);
  EXPECT_EQ(signatures, expected);
  EXPECT_EQ(count(page, "What the signature covers"), signatures);
  // Signed content is spelled out in the message, not listed as a key schedule step.
  EXPECT_EQ(page.find("Key schedule: server CertificateVerify signed content"), std::string::npos);
}

TEST_P(LearnerPage, SpellsOutEachRecordNonce) {
  const TracedRun run(GetParam());
  const std::string page = render_html(run.events, "learner page");
  const bool tls12 = GetParam().version == ProtocolVersion::TLSv1_2;
  size_t protected_records = 0;
  for (const TraceRecord* r : run.all<TraceRecord>()) {
    if (!r->encrypted || !r->plaintext_known) {
      continue;
    }
    protected_records++;
    ASSERT_FALSE(r->nonce.empty());
    std::string iv_step = r->key_label + " write iv";
    if (tls12) {
      iv_step = r->key_label.substr(0, r->key_label.find(' ')) + "_write_IV";
    }
    const TraceKeyStep* iv = run.step_named(iv_step);
    ASSERT_NE(iv, nullptr) << iv_step;
    // The nonce the page shows is the write IV combined with the sequence number as the
    // version says (TLS 1.3 and TLS 1.2 ChaCha20: XOR; TLS 1.2 GCM: salt || explicit nonce).
    Bytes expected = iv->output;
    if (r->protection.kind == TraceProtectionKind::kTls12Gcm) {
      expected.insert(expected.end(), r->protection.explicit_nonce.begin(),
                      r->protection.explicit_nonce.end());
    } else {
      for (size_t i = 0; i < 8; i++) {
        expected[expected.size() - 1 - i] ^= static_cast<uint8_t>(r->sequence >> (8 * i));
      }
    }
    EXPECT_EQ(r->nonce, expected);
    EXPECT_NE(page.find("<dt>= nonce</dt><dd>" + spaced_hex(r->nonce)), std::string::npos);
    if (!tls12) {
      EXPECT_NE(page.find("<dt>additional data</dt><dd>" + spaced_hex(ByteView(r->wire).first(5))),
                std::string::npos);
    }
  }
  EXPECT_GE(protected_records, 4u);
  // Each of them also has the openssl command that decrypts it by hand.
  EXPECT_EQ(count(page, "<summary>decrypt it by hand with openssl</summary>"), protected_records);
}

INSTANTIATE_TEST_SUITE_P(
    BothVersions, LearnerPage,
    ::testing::Values(Case{"Tls13Aes", ProtocolVersion::TLSv1_3,
                           CipherSuite::TLS_AES_128_GCM_SHA256, false},
                      Case{"Tls13ChaChaClientAuth", ProtocolVersion::TLSv1_3,
                           CipherSuite::TLS_CHACHA20_POLY1305_SHA256, true},
                      Case{"Tls12Gcm", ProtocolVersion::TLSv1_2,
                           CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, false},
                      Case{"Tls12ChaChaClientAuth", ProtocolVersion::TLSv1_2,
                           CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, true}),
    [](const ::testing::TestParamInfo<Case>& p) { return std::string(p.param.name); });

// The client's throwaway private key of a key exchange, when the trace has it (glasstls demo),
// is shown beside the shared secret, so that a reader can recompute it.
TEST(LearnerPageKeys, ShowsTheThrowawayPrivateKeyOfAKeyExchange) {
  TraceKeyStep k;
  k.step = "(EC)DHE shared secret";
  k.formula = "x25519(client private key, server key_share)";
  k.derivation = TraceDerivation::kKeyExchange;
  k.label = "x25519";
  k.private_key = Bytes(32, 0x42);
  k.input = Bytes(32, 0x09);
  k.output = Bytes(32, 0x77);
  const std::string page = render_html({TraceEvent(k)}, "keys");
  EXPECT_NE(page.find("<dt>our private key</dt><dd>" + spaced_hex(k.private_key)),
            std::string::npos);
  EXPECT_NE(page.find("<dt>peer's public key</dt><dd>" + spaced_hex(k.input)), std::string::npos);
}

}  // namespace
}  // namespace glasstls
