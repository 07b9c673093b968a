// key_schedule_test.cc: tests for the key schedule steps of key_schedule.h, each against the
// values RFC 8448 section 3 prints for that step (read from the RFC text by
// tests/rfc8448/trace.h), and, where the RFC shows no value (KeyUpdate, exporters), against
// OpenSSL's own TLS13-KDF computing HKDF-Expand-Label outside the provider.
#include "handshake/key_schedule.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "rfc8448/trace.h"

namespace glasstls::handshake {
namespace {

class KeySchedule : public ::testing::Test {
 protected:
  void SetUp() override {
    values_ = testing::load_rfc8448_section(testing::rfc8448_simple_1rtt_path(),
                                            "3.  Simple 1-RTT Handshake");
    ASSERT_GT(values_.size(), 40u) << "could not read RFC 8448 section 3";
  }
  Bytes v(const std::string& step, const std::string& label) {
    Bytes b = testing::find_value(values_, step, label);
    EXPECT_FALSE(b.empty()) << "missing " << step << " / " << label;
    return b;
  }
  static Bytes bytes(const Secret& s) { return Bytes(s.span().begin(), s.span().end()); }

  const crypto::Hash& h_ = *crypto::openssl_provider().sha256;
  std::vector<testing::TraceValue> values_;
};

TEST_F(KeySchedule, DeriveSecretMatchesEveryRfc8448Derivation) {
  // Each "derive secret" step of the RFC prints the secret (PRK), the transcript hash and the
  // result; the label is in the step's name.
  struct Step {
    std::string rfc_step;
    std::string label;
  };
  const std::vector<Step> steps = {
      {"{server}  derive secret for handshake \"tls13 derived\"", "derived"},
      {"{server}  derive secret \"tls13 c hs traffic\"", "c hs traffic"},
      {"{server}  derive secret \"tls13 s hs traffic\"", "s hs traffic"},
      {"{server}  derive secret for master \"tls13 derived\"", "derived"},
      {"{server}  derive secret \"tls13 c ap traffic\"", "c ap traffic"},
      {"{server}  derive secret \"tls13 s ap traffic\"", "s ap traffic"},
      {"{server}  derive secret \"tls13 exp master\"", "exp master"},
      {"{client}  derive secret \"tls13 res master\"", "res master"},
  };
  for (const Step& s : steps) {
    SCOPED_TRACE(s.rfc_step);
    Bytes prk = v(s.rfc_step, "PRK");
    Bytes hash = v(s.rfc_step, "hash");
    auto out = derive_secret(h_, prk, s.label, hash);
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(bytes(*out), v(s.rfc_step, "expanded"));
    // The same step through HKDF-Expand with the RFC's own HkdfLabel: the label encoding.
    auto direct = h_.hkdf_expand(prk, v(s.rfc_step, "info"), h_.output_len());
    ASSERT_TRUE(direct.ok());
    EXPECT_EQ(bytes(*direct), bytes(*out));
  }
}

TEST_F(KeySchedule, HkdfExpandLabelWithAContext) {
  // The ticket's PSK: HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce,
  // Hash.length), the only RFC 8448 step whose context is not a transcript hash.
  const std::string step = "{server}  generate resumption secret \"tls13 resumption\"";
  auto out = hkdf_expand_label(h_, v(step, "PRK"), "resumption", v(step, "hash"), 32);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(bytes(*out), v(step, "expanded"));
}

TEST_F(KeySchedule, HkdfExpandLabelRefusesOutOfRangeInputs) {
  const Bytes prk(32, 1);
  EXPECT_FALSE(hkdf_expand_label(h_, prk, std::string(250, 'x'), {}, 32).ok());
  EXPECT_FALSE(hkdf_expand_label(h_, prk, "key", Bytes(256, 0), 32).ok());
  EXPECT_FALSE(hkdf_expand_label(h_, prk, "key", {}, 0x10000).ok());
  // The longest label that fits: "tls13 " + 249 bytes.
  EXPECT_TRUE(hkdf_expand_label(h_, prk, std::string(249, 'x'), {}, 32).ok());
}

TEST_F(KeySchedule, TrafficKeysMatchRfc8448) {
  for (const std::string step : {"{server}  derive write traffic keys for handshake data",
                                 "{server}  derive read traffic keys for handshake data",
                                 "{server}  derive write traffic keys for application data",
                                 "{client}  derive write traffic keys for application data"}) {
    SCOPED_TRACE(step);
    auto keys = traffic_keys(h_, 16, v(step, "PRK"));
    ASSERT_TRUE(keys.ok());
    EXPECT_EQ(bytes(keys->key), v(step, "key expanded"));
    EXPECT_EQ(bytes(keys->iv), v(step, "iv expanded"));
  }
}

TEST_F(KeySchedule, FinishedVerifyDataMatchesRfc8448) {
  // The RFC's "hash" in these steps is the (empty) HKDF-Expand-Label context of finished_key;
  // the transcript hashes are those of ClientHello...CertificateVerify (server) and
  // ClientHello...server Finished (client).
  Bytes server_transcript;
  for (const std::string m :
       {"{client}  construct a ClientHello", "{server}  construct a ServerHello",
        "{server}  construct an EncryptedExtensions", "{server}  construct a Certificate",
        "{server}  construct a CertificateVerify"}) {
    Bytes msg = v(m, m.substr(m.rfind(' ') + 1));
    server_transcript.insert(server_transcript.end(), msg.begin(), msg.end());
  }
  struct Case {
    std::string step;
    Bytes transcript_hash;
  };
  const std::vector<Case> cases = {
      {"{server}  calculate finished \"tls13 finished\":", h_.digest(server_transcript)},
      {"{client}  calculate finished \"tls13 finished\":",
       v("{server}  derive secret \"tls13 c ap traffic\"", "hash")},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.step);
    auto fin = finished_verify_data(h_, v(c.step, "PRK"), c.transcript_hash);
    ASSERT_TRUE(fin.ok());
    EXPECT_EQ(bytes(*fin), v(c.step, "finished"));
    // Its finished_key.
    auto key = hkdf_expand_label(h_, v(c.step, "PRK"), "finished", {}, h_.output_len());
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(bytes(*key), v(c.step, "expanded"));
  }
}

TEST_F(KeySchedule, StagesAndObserverFollowRfc8448) {
  struct Seen {
    std::string step;
    Bytes input;
    Bytes context;
    Bytes output;
  };
  std::vector<Seen> seen;
  KeyScheduleObserver observer = [&](std::string_view step, ByteView input, ByteView context,
                                     ByteView output) {
    seen.push_back({std::string(step), Bytes(input.begin(), input.end()),
                    Bytes(context.begin(), context.end()), Bytes(output.begin(), output.end())});
  };
  const Bytes ikm = v("{server}  extract secret \"handshake\"", "IKM");
  const Bytes th_sh = v("{server}  derive secret \"tls13 c hs traffic\"", "hash");
  const Bytes th_sf = v("{server}  derive secret \"tls13 c ap traffic\"", "hash");

  auto early = EarlySchedule::start(h_, &observer);
  EXPECT_EQ(Bytes(early.early_secret().begin(), early.early_secret().end()),
            v("{server}  extract secret \"early\"", "secret"));
  auto hs = std::move(early).with_shared_secret(ikm);
  ASSERT_TRUE(hs.ok());
  EXPECT_EQ(Bytes(hs->handshake_secret().begin(), hs->handshake_secret().end()),
            v("{server}  extract secret \"handshake\"", "secret"));
  ASSERT_TRUE(hs->client_handshake_traffic(th_sh).ok());
  auto app = std::move(*hs).into_application();
  ASSERT_TRUE(app.ok());
  EXPECT_EQ(Bytes(app->master_secret().begin(), app->master_secret().end()),
            v("{server}  extract secret \"master\"", "secret"));
  ASSERT_TRUE(app->server_application_traffic(th_sf).ok());

  // Every step was seen, in order, with the RFC's inputs and outputs.
  ASSERT_EQ(seen.size(), 7u);
  EXPECT_EQ(seen[0].output, v("{server}  extract secret \"early\"", "secret"));
  EXPECT_EQ(seen[1].input, v("{server}  derive secret for handshake \"tls13 derived\"", "PRK"));
  EXPECT_EQ(seen[1].output,
            v("{server}  derive secret for handshake \"tls13 derived\"", "expanded"));
  EXPECT_EQ(seen[2].input, ikm);
  EXPECT_EQ(seen[2].context, v("{server}  extract secret \"handshake\"", "salt"));
  EXPECT_EQ(seen[2].output, v("{server}  extract secret \"handshake\"", "secret"));
  EXPECT_EQ(seen[3].step, "c hs traffic");
  EXPECT_EQ(seen[3].context, th_sh);
  EXPECT_EQ(seen[3].output, v("{server}  derive secret \"tls13 c hs traffic\"", "expanded"));
  EXPECT_EQ(seen[4].output, v("{server}  derive secret for master \"tls13 derived\"", "expanded"));
  EXPECT_EQ(seen[5].input, v("{server}  extract secret \"master\"", "IKM"));
  EXPECT_EQ(seen[5].output, v("{server}  extract secret \"master\"", "secret"));
  EXPECT_EQ(seen[6].step, "s ap traffic");
  EXPECT_EQ(seen[6].output, v("{server}  derive secret \"tls13 s ap traffic\"", "expanded"));
}

// openssl_expand_label is HKDF-Expand-Label computed by OpenSSL's TLS13-KDF, not the provider.
Bytes openssl_expand_label(ByteView secret, const std::string& label, ByteView context,
                           size_t length) {
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "TLS13-KDF", nullptr);
  if (kdf == nullptr) {
    return {};
  }
  EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf);
  EVP_KDF_free(kdf);
  int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
  char digest[] = "SHA256";
  static const char kPrefix[] = "tls13 ";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<uint8_t*>(secret.data()),
                                        secret.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PREFIX, const_cast<char*>(kPrefix), 6),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_LABEL, const_cast<char*>(label.data()),
                                        label.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_DATA, const_cast<uint8_t*>(context.data()),
                                        context.size()),
      OSSL_PARAM_construct_end(),
  };
  Bytes out(length);
  // An empty context must still point somewhere: OpenSSL refuses a null octet string.
  static uint8_t kNothing = 0;
  if (context.empty()) {
    params[5] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_DATA, &kNothing, 0);
  }
  const int ok = EVP_KDF_derive(ctx, out.data(), out.size(), params);
  EVP_KDF_CTX_free(ctx);
  return ok == 1 ? out : Bytes{};
}

TEST_F(KeySchedule, NextTrafficSecretMatchesOpenSsl) {
  // RFC 8448 has no KeyUpdate; start from its client application traffic secret.
  const Bytes secret = v("{server}  derive secret \"tls13 c ap traffic\"", "expanded");
  const Bytes want = openssl_expand_label(secret, "traffic upd", {}, 32);
  if (want.empty()) {
    GTEST_SKIP() << "OpenSSL has no TLS13-KDF";
  }
  auto next = next_traffic_secret(h_, secret);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(bytes(*next), want);
  EXPECT_NE(bytes(*next), secret);
}

TEST_F(KeySchedule, ExporterMatchesOpenSsl) {
  // TLS-Exporter(label, context_value, key_length) =
  //     HKDF-Expand-Label(Derive-Secret(Secret, label, ""), "exporter", Hash(context_value),
  //                       key_length), on RFC 8448's exporter master secret.
  const Bytes ems = v("{server}  derive secret \"tls13 exp master\"", "expanded");
  const Bytes context = {'c', 't', 'x'};
  const Bytes derived = openssl_expand_label(ems, "EXPERIMENTAL test", h_.digest({}), 32);
  if (derived.empty()) {
    GTEST_SKIP() << "OpenSSL has no TLS13-KDF";
  }
  const Bytes want = openssl_expand_label(derived, "exporter", h_.digest(context), 42);
  auto out = exporter(h_, ems, "EXPERIMENTAL test", context, 42);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, want);
}

// unhex reads the spaced hex RFC 8448 prints.
Bytes unhex(std::string_view text) {
  Bytes out;
  std::string digits;
  for (char c : text) {
    if (std::isxdigit(static_cast<unsigned char>(c))) {
      digits.push_back(c);
    }
  }
  for (size_t i = 0; i + 1 < digits.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoul(digits.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// RFC 8448 section 3 issues a ticket (nonce 00 00) and section 4 resumes it: the ticket's PSK
// from the resumption master secret, and the binder over the ClientHello prefix.
TEST_F(KeySchedule, ResumptionPskAndBinderMatchRfc8448) {
  const Bytes res_master = unhex(
      "7d f2 35 f2 03 1d 2a 05 12 87 d0 2b 02 41 b0 bf da f8 6c c8 56 23 1f 2d 5a ba 46 c4 34 ec "
      "19 6c");
  const Bytes nonce = {0, 0};
  const Bytes want_psk = unhex(
      "4e cd 0e b6 ec 3b 4d 87 f5 d6 02 8f 92 2c a4 c5 85 1a 27 7f d4 13 11 c9 e6 2d 2c 94 92 e1 "
      "c4 f3");
  auto psk = resumption_psk(h_, res_master, nonce);
  ASSERT_TRUE(psk.ok());
  EXPECT_EQ(bytes(*psk), want_psk);

  const Bytes binder_hash = unhex(
      "63 22 4b 2e 45 73 f2 d3 45 4c a8 4b 9d 00 9a 04 f6 be 9e 05 71 1a 83 96 47 3a ef a0 1e 92 "
      "4a 14");
  const Bytes want_binder = unhex(
      "3a dd 4f b2 d8 fd f8 22 a0 ca 3c f7 67 8e f5 e8 8d ae 99 01 41 c5 92 4d 57 bb 6f a3 1b 9e "
      "5f 9d");
  std::vector<std::string> steps;
  const KeyScheduleObserver observer = [&](std::string_view step, ByteView, ByteView, ByteView) {
    steps.emplace_back(step);
  };
  const EarlySchedule early = EarlySchedule::start_with_psk(h_, want_psk, &observer);
  auto binder = early.resumption_binder(binder_hash);
  ASSERT_TRUE(binder.ok());
  EXPECT_EQ(bytes(*binder), want_binder);
  // The binder key, as the RFC prints it (the PRK of its "finished" step), is observed.
  EXPECT_GE(steps.size(), 3u);
  // Without the PSK, the binder differs.
  const EarlySchedule none = EarlySchedule::start(h_, nullptr);
  auto other = none.resumption_binder(binder_hash);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(bytes(*other), want_binder);
}

// RFC 8448 section 4 sends 0-RTT data: the client early traffic secret and the early exporter
// master secret from the resumption PSK's early secret and the ClientHello's hash.
TEST_F(KeySchedule, EarlyTrafficAndEarlyExporterMatchRfc8448) {
  const Bytes psk = unhex(
      "4e cd 0e b6 ec 3b 4d 87 f5 d6 02 8f 92 2c a4 c5 85 1a 27 7f d4 13 11 c9 e6 2d 2c 94 92 e1 "
      "c4 f3");
  const Bytes hello_hash = unhex(
      "08 ad 0f a0 5d 7c 72 33 b1 77 5b a2 ff 9f 4c 5b 8b 59 27 6b 7f 22 7f 13 a9 76 24 5f 5d 96 "
      "09 13");
  const Bytes want_early_secret = unhex(
      "9b 21 88 e9 b2 fc 6d 64 d7 1d c3 29 90 0e 20 bb 41 91 50 00 f6 78 aa 83 9c bb 79 7c b7 d8 "
      "33 2c");
  const Bytes want_traffic = unhex(
      "3f bb e6 a6 0d eb 66 c3 0a 32 79 5a ba 0e ff 7e aa 10 10 55 86 e7 be 5c 09 67 8d 63 b6 ca "
      "ab 62");
  const Bytes want_exporter = unhex(
      "b2 02 68 66 61 09 37 d7 42 3e 5b e9 08 62 cc f2 4c 0e 60 91 18 6d 34 f8 12 08 9f f5 be 2e "
      "f7 df");
  std::vector<std::string> steps;
  const KeyScheduleObserver observer = [&](std::string_view step, ByteView, ByteView, ByteView) {
    steps.emplace_back(step);
  };
  const EarlySchedule early = EarlySchedule::start_with_psk(h_, psk, &observer);
  EXPECT_EQ(Bytes(early.early_secret().begin(), early.early_secret().end()), want_early_secret);
  auto traffic = early.client_early_traffic(hello_hash);
  ASSERT_TRUE(traffic.ok());
  EXPECT_EQ(bytes(*traffic), want_traffic);
  auto exporter = early.early_exporter_master(hello_hash);
  ASSERT_TRUE(exporter.ok());
  EXPECT_EQ(bytes(*exporter), want_exporter);
  EXPECT_NE(std::find(steps.begin(), steps.end(), "c e traffic"), steps.end());
  EXPECT_NE(std::find(steps.begin(), steps.end(), "e exp master"), steps.end());
}

}  // namespace
}  // namespace glasstls::handshake
