// RFC 8448 section 3 (simple 1-RTT handshake): every secret, key, IV and Finished value of the
// key schedule, and record protection, checked against the RFC's own bytes.
#include <gtest/gtest.h>

#include "glasstls/crypto.h"
#include "handshake/key_schedule.h"
#include "handshake/transcript.h"
#include "record/record_layer.h"
#include "rfc8448/trace.h"

namespace glasstls {
namespace {

using testing::find_value;
using testing::TraceValue;

class Rfc8448Simple : public ::testing::Test {
 protected:
  void SetUp() override {
    values_ = testing::load_rfc8448_section(testing::rfc8448_simple_1rtt_path(),
                                            "3.  Simple 1-RTT Handshake");
    ASSERT_GT(values_.size(), 40u) << "could not read RFC 8448 section 3";
  }
  Bytes v(const std::string& step, const std::string& label) {
    Bytes b = find_value(values_, step, label);
    EXPECT_FALSE(b.empty()) << "missing " << step << " / " << label;
    return b;
  }
  Bytes message(const std::string& name) {
    return v("construct " + std::string(name == "EncryptedExtensions" ? "an " : "a ") + name, name);
  }
  static Bytes bytes(ByteView s) { return Bytes(s.begin(), s.end()); }

  const crypto::CryptoProvider& p_ = crypto::openssl_provider();
  std::vector<TraceValue> values_;
};

TEST_F(Rfc8448Simple, X25519SharedSecret) {
  auto kx = p_.x25519->start_with_private(v("{client}  create an ephemeral x25519", "private key"));
  ASSERT_TRUE(kx.ok());
  EXPECT_EQ(bytes((*kx)->public_key()), v("{client}  create an ephemeral x25519", "public key"));
  auto shared = (*kx)->complete(v("{server}  create an ephemeral x25519", "public key"));
  ASSERT_TRUE(shared.ok());
  EXPECT_EQ(bytes(shared->span()), v("{server}  extract secret \"handshake\"", "IKM"));
}

TEST_F(Rfc8448Simple, FullKeySchedule) {
  const crypto::Hash& h = *p_.sha256;
  auto early = handshake::EarlySchedule::start(h, nullptr);
  EXPECT_EQ(bytes(early.early_secret()), v("{server}  extract secret \"early\"", "secret"));

  auto hs = std::move(early).with_shared_secret(v("{server}  extract secret \"handshake\"", "IKM"));
  ASSERT_TRUE(hs.ok());
  EXPECT_EQ(bytes(hs->handshake_secret()), v("{server}  extract secret \"handshake\"", "secret"));

  handshake::Transcript t;
  t.add(message("ClientHello"));
  t.start(h);
  t.add(message("ServerHello"));
  Bytes th = t.current();
  EXPECT_EQ(th, v("{server}  derive secret \"tls13 c hs traffic\"", "hash"));

  auto c_hs = hs->client_handshake_traffic(th);
  auto s_hs = hs->server_handshake_traffic(th);
  ASSERT_TRUE(c_hs.ok() && s_hs.ok());
  EXPECT_EQ(bytes(c_hs->span()), v("{server}  derive secret \"tls13 c hs traffic\"", "expanded"));
  EXPECT_EQ(bytes(s_hs->span()), v("{server}  derive secret \"tls13 s hs traffic\"", "expanded"));

  auto s_keys = handshake::traffic_keys(h, 16, s_hs->span());
  ASSERT_TRUE(s_keys.ok());
  EXPECT_EQ(bytes(s_keys->key.span()),
            v("{server}  derive write traffic keys for handshake data", "key expanded"));
  EXPECT_EQ(bytes(s_keys->iv.span()),
            v("{server}  derive write traffic keys for handshake data", "iv expanded"));
  auto c_keys = handshake::traffic_keys(h, 16, c_hs->span());
  ASSERT_TRUE(c_keys.ok());
  EXPECT_EQ(bytes(c_keys->key.span()),
            v("{server}  derive read traffic keys for handshake data", "key expanded"));
  EXPECT_EQ(bytes(c_keys->iv.span()),
            v("{server}  derive read traffic keys for handshake data", "iv expanded"));

  t.add(message("EncryptedExtensions"));
  t.add(message("Certificate"));
  t.add(message("CertificateVerify"));
  auto server_finished = handshake::finished_verify_data(h, s_hs->span(), t.current());
  ASSERT_TRUE(server_finished.ok());
  EXPECT_EQ(bytes(server_finished->span()),
            v("{server}  calculate finished \"tls13 finished\":", "finished"));
  t.add(message("Finished"));
  Bytes th_sf = t.current();
  EXPECT_EQ(th_sf, v("{server}  derive secret \"tls13 c ap traffic\"", "hash"));

  auto app = std::move(*hs).into_application();
  ASSERT_TRUE(app.ok());
  EXPECT_EQ(bytes(app->master_secret()), v("{server}  extract secret \"master\"", "secret"));
  auto c_ap = app->client_application_traffic(th_sf);
  auto s_ap = app->server_application_traffic(th_sf);
  auto exp = app->exporter_master(th_sf);
  ASSERT_TRUE(c_ap.ok() && s_ap.ok() && exp.ok());
  EXPECT_EQ(bytes(c_ap->span()), v("{server}  derive secret \"tls13 c ap traffic\"", "expanded"));
  EXPECT_EQ(bytes(s_ap->span()), v("{server}  derive secret \"tls13 s ap traffic\"", "expanded"));
  EXPECT_EQ(bytes(exp->span()), v("{server}  derive secret \"tls13 exp master\"", "expanded"));

  auto s_app_keys = handshake::traffic_keys(h, 16, s_ap->span());
  ASSERT_TRUE(s_app_keys.ok());
  EXPECT_EQ(bytes(s_app_keys->key.span()),
            v("{server}  derive write traffic keys for application data", "key expanded"));
  EXPECT_EQ(bytes(s_app_keys->iv.span()),
            v("{server}  derive write traffic keys for application data", "iv expanded"));
  auto c_app_keys = handshake::traffic_keys(h, 16, c_ap->span());
  ASSERT_TRUE(c_app_keys.ok());
  EXPECT_EQ(bytes(c_app_keys->key.span()),
            v("{client}  derive write traffic keys for application data", "key expanded"));
  EXPECT_EQ(bytes(c_app_keys->iv.span()),
            v("{client}  derive write traffic keys for application data", "iv expanded"));

  auto client_finished = handshake::finished_verify_data(h, c_hs->span(), th_sf);
  ASSERT_TRUE(client_finished.ok());
  EXPECT_EQ(bytes(client_finished->span()),
            v("{client}  calculate finished \"tls13 finished\":", "finished"));
  Bytes client_fin_msg = v("{client}  construct a Finished", "Finished");
  t.add(client_fin_msg);
  auto res = app->resumption_master(t.current());
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(bytes(res->span()), v("{client}  derive secret \"tls13 res master\"", "expanded"));
}

// protection builds record protection from a traffic key and IV.
record::Protection protection(const crypto::CryptoProvider& p, const Bytes& key, const Bytes& iv) {
  record::Protection prot;
  prot.aead = p.aes128gcm;
  auto k = p.aes128gcm->new_key(key);
  EXPECT_TRUE(k.ok());
  prot.key = std::move(k).value();
  std::copy(iv.begin(), iv.end(), prot.iv);
  return prot;
}

TEST_F(Rfc8448Simple, ServerHandshakeRecordSealsAndOpens) {
  const std::string step = "{server}  derive write traffic keys for handshake data";
  Bytes key = v(step, "key expanded");
  Bytes iv = v(step, "iv expanded");
  // The second "send handshake record" of the server: EE..Finished under handshake keys.
  std::vector<const TraceValue*> sends;
  for (const auto& tv : values_) {
    if (tv.step.find("{server}  send handshake record") != std::string::npos) {
      sends.push_back(&tv);
    }
  }
  // The first server record is the ServerHello, the second the encrypted flight.
  std::vector<Bytes> payloads, wires;
  for (const auto* tv : sends) {
    if (tv->label == "payload") {
      payloads.push_back(tv->bytes);
    }
    if (tv->label == "complete record") {
      wires.push_back(tv->bytes);
    }
  }
  ASSERT_GE(payloads.size(), 2u);
  ASSERT_GE(wires.size(), 2u);
  Bytes payload = payloads[1];
  Bytes wire = wires[1];
  ASSERT_EQ(payload.size(), 657u);
  ASSERT_EQ(wire.size(), 5 + 657 + 1 + 16u);

  record::RecordLayer sender;
  sender.set_write_protection(protection(p_, key, iv));
  Bytes out;
  ASSERT_TRUE(sender.write(ContentType::handshake, payload, out).ok());
  EXPECT_EQ(out, wire);

  record::RecordLayer receiver;
  receiver.set_read_protection(protection(p_, key, iv));
  record::Record rec;
  auto used = receiver.read_record(wire, rec);
  ASSERT_TRUE(used.ok());
  EXPECT_EQ(*used, wire.size());
  EXPECT_EQ(rec.type, ContentType::handshake);
  EXPECT_EQ(bytes(rec.fragment), payload);
  EXPECT_EQ(receiver.read_seq(), 1u);
}

TEST_F(Rfc8448Simple, ApplicationDataRecordsOpen) {
  Bytes key = v("{client}  derive write traffic keys for application data", "key expanded");
  Bytes iv = v("{client}  derive write traffic keys for application data", "iv expanded");
  Bytes payload = v("{client}  send application_data record", "payload");
  Bytes wire = v("{client}  send application_data record", "complete record");
  ASSERT_EQ(payload.size(), 50u);
  record::RecordLayer receiver;
  receiver.set_read_protection(protection(p_, key, iv));
  record::Record rec;
  auto used = receiver.read_record(wire, rec);
  ASSERT_TRUE(used.ok()) << used.error().to_string();
  EXPECT_EQ(rec.type, ContentType::application_data);
  EXPECT_EQ(bytes(rec.fragment), payload);
}

TEST_F(Rfc8448Simple, TamperedRecordFailsWithBadRecordMac) {
  Bytes key = v("{client}  derive write traffic keys for application data", "key expanded");
  Bytes iv = v("{client}  derive write traffic keys for application data", "iv expanded");
  Bytes wire = v("{client}  send application_data record", "complete record");
  wire[10] ^= 1;
  record::RecordLayer receiver;
  receiver.set_read_protection(protection(p_, key, iv));
  record::Record rec;
  auto used = receiver.read_record(wire, rec);
  ASSERT_FALSE(used.ok());
  EXPECT_EQ(used.error().alert, AlertDescription::bad_record_mac);
}

TEST_F(Rfc8448Simple, ExporterIsDeterministicAndLabelBound) {
  const crypto::Hash& h = *p_.sha256;
  Bytes exp = v("{server}  derive secret \"tls13 exp master\"", "expanded");
  auto a = handshake::exporter(h, exp, "EXPORTER-test", Bytes{1, 2, 3}, 32);
  auto b = handshake::exporter(h, exp, "EXPORTER-test", Bytes{1, 2, 3}, 32);
  auto c = handshake::exporter(h, exp, "EXPORTER-other", Bytes{1, 2, 3}, 32);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_NE(*a, *c);
  EXPECT_EQ(a->size(), 32u);
}

}  // namespace
}  // namespace glasstls
