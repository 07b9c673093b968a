// redo_test.cc: the openssl commands that redo a key schedule step by hand (redo_command,
// include/glasstls/trace.h), run with /bin/sh.
//
// Each command is checked against a value from outside glasstls: the RFC 8448 section 3 key
// schedule (read from the RFC text by tests/rfc8448/trace.h), the TLS 1.2 PRF vector published
// on the IETF TLS list, RFC 4231's HMAC-SHA256 test case 2; then every command that
// `glasstls demo --redo` prints, for TLS 1.3 and TLS 1.2 handshakes, is run and must print the
// output the demo printed beside it. The tests skip when openssl or xxd is missing.

#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "conn/tracer.h"
#include "glasstls/crypto.h"
#include "glasstls/trace.h"
#include "handshake/key_schedule.h"
#include "handshake/tls12_key_schedule.h"
#include "interop/process.h"
#include "rfc8448/trace.h"

#ifndef GLASSTLS_CLI
#error "GLASSTLS_CLI must name the glasstls executable"
#endif

namespace glasstls {
namespace {

using interop::Child;
using interop::milliseconds;
using interop::StdinMode;
using interop::TempDir;

constexpr milliseconds kCommandTimeout{20000};
constexpr milliseconds kDemoTimeout{60000};

Bytes hex(std::string_view h) { return from_hex(h).value_or(Bytes{}); }

// only_hex keeps the hex digits of `text`, in lower case: openssl prints upper case, `kdf`
// with colons between bytes.
std::string only_hex(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::isxdigit(static_cast<unsigned char>(c)) != 0) {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return out;
}

// ShellRun is what a command printed, and how it ended.
struct ShellRun {
  std::optional<int> status;
  std::string out;
  std::string log;
};

// run_shell runs `command` with /bin/sh -c in `dir`, bounded by kCommandTimeout.
ShellRun run_shell(const std::string& command, const TempDir& dir) {
  static int runs = 0;
  ShellRun r;
  std::unique_ptr<Child> c =
      Child::spawn({"/bin/sh", "-c", command}, dir.path(), "sh" + std::to_string(runs++));
  if (!c) {
    r.log = "cannot start /bin/sh";
    return r;
  }
  r.status = c->wait_exit(kCommandTimeout);
  if (!r.status) {
    c->kill();
  }
  r.out = c->out();
  r.log = c->log();
  return r;
}

class Redo : public ::testing::Test {
 protected:
  void SetUp() override {
    if (interop::find_program("openssl").empty() || interop::find_program("xxd").empty()) {
      GTEST_SKIP() << "the redo commands need openssl and xxd on PATH";
    }
  }
  // redo runs the command for `step` and returns the hex it printed ("" if it failed).
  std::string redo(const TraceKeyStep& step) {
    const std::string cmd = redo_command(step);
    EXPECT_FALSE(cmd.empty()) << step.step;
    if (cmd.empty()) {
      return "";
    }
    ShellRun r = run_shell(cmd, dir_);
    EXPECT_EQ(r.status, std::optional<int>(0)) << cmd << "\n" << r.log;
    return only_hex(r.out);
  }
  TempDir dir_;
};

TraceKeyStep step(TraceDerivation d, std::string hash, std::string label, Bytes input,
                  Bytes context, Bytes output) {
  TraceKeyStep k;
  k.step = label.empty() ? "step" : label;
  k.derivation = d;
  k.hash = std::move(hash);
  k.label = std::move(label);
  k.input = std::move(input);
  k.context = std::move(context);
  k.output = std::move(output);
  return k;
}

class RedoRfc8448 : public Redo {
 protected:
  void SetUp() override {
    Redo::SetUp();
    if (IsSkipped()) {
      return;
    }
    values_ = testing::load_rfc8448_section(testing::rfc8448_simple_1rtt_path(),
                                            "3.  Simple 1-RTT Handshake");
    ASSERT_GT(values_.size(), 40u) << "could not read RFC 8448 section 3";
  }
  Bytes v(const std::string& s, const std::string& label) {
    Bytes b = testing::find_value(values_, s, label);
    EXPECT_FALSE(b.empty()) << "missing " << s << " / " << label;
    return b;
  }
  std::vector<testing::TraceValue> values_;
};

TEST_F(RedoRfc8448, HkdfExtractGivesTheEarlyHandshakeAndMasterSecrets) {
  // The early secret's salt is empty in the RFC: the command gives openssl none.
  for (const char* name : {"early", "handshake", "master"}) {
    SCOPED_TRACE(name);
    const std::string s = std::string("extract secret \"") + name + "\"";
    const Bytes want = v(s, "secret");
    EXPECT_EQ(redo(step(TraceDerivation::kHkdfExtract, "SHA256", "", v(s, "IKM"),
                        testing::find_value(values_, s, "salt"), want)),
              to_hex(want));
  }
}

TEST_F(RedoRfc8448, HkdfExpandLabelGivesEveryDerivedSecret) {
  struct Case {
    const char* rfc_step;
    const char* label;
  };
  const Case cases[] = {
      {"derive secret for handshake \"tls13 derived\"", "derived"},
      {"derive secret \"tls13 c hs traffic\"", "c hs traffic"},
      {"derive secret \"tls13 s hs traffic\"", "s hs traffic"},
      {"derive secret for master \"tls13 derived\"", "derived"},
      {"derive secret \"tls13 c ap traffic\"", "c ap traffic"},
      {"derive secret \"tls13 s ap traffic\"", "s ap traffic"},
      {"derive secret \"tls13 exp master\"", "exp master"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.rfc_step);
    const Bytes want = v(c.rfc_step, "expanded");
    EXPECT_EQ(redo(step(TraceDerivation::kHkdfExpandLabel, "SHA256", c.label, v(c.rfc_step, "PRK"),
                        v(c.rfc_step, "hash"), want)),
              to_hex(want));
  }
}

TEST_F(RedoRfc8448, HkdfExpandLabelGivesTrafficKeysAndFinishedKey) {
  const std::string keys = "derive write traffic keys for handshake data";
  const Bytes prk = v(keys, "PRK");
  const Bytes key = v(keys, "key expanded");
  const Bytes iv = v(keys, "iv expanded");
  EXPECT_EQ(redo(step(TraceDerivation::kHkdfExpandLabel, "SHA256", "key", prk, {}, key)),
            to_hex(key));
  EXPECT_EQ(redo(step(TraceDerivation::kHkdfExpandLabel, "SHA256", "iv", prk, {}, iv)), to_hex(iv));
  // The info openssl is given is the RFC's HkdfLabel.
  const std::string cmd =
      redo_command(step(TraceDerivation::kHkdfExpandLabel, "SHA256", "key", prk, {}, key));
  EXPECT_NE(cmd.find("hexinfo:" + to_hex(v(keys, "key info")) + " "), std::string::npos) << cmd;
  const std::string fin = "{server}  calculate finished \"tls13 finished\"";
  const Bytes finished_key = v(fin, "expanded");
  EXPECT_EQ(redo(step(TraceDerivation::kHkdfExpandLabel, "SHA256", "finished", v(fin, "PRK"), {},
                      finished_key)),
            to_hex(finished_key));
}

TEST_F(RedoRfc8448, AWrongLabelOrHashGivesAnotherValue) {
  // The check can fail: the same inputs under another label or hash do not give the RFC's value.
  const std::string s = "derive secret \"tls13 c hs traffic\"";
  const Bytes want = v(s, "expanded");
  EXPECT_NE(redo(step(TraceDerivation::kHkdfExpandLabel, "SHA256", "s hs traffic", v(s, "PRK"),
                      v(s, "hash"), want)),
            to_hex(want));
  const std::string sha384 = redo(step(TraceDerivation::kHkdfExpandLabel, "SHA384", "c hs traffic",
                                       v(s, "PRK"), v(s, "hash"), want));
  EXPECT_NE(sha384, to_hex(want));
  EXPECT_EQ(sha384.size(), 2 * want.size());
}

TEST_F(Redo, Tls12PrfGivesThePublishedVector) {
  // The P_SHA256 vector posted to the IETF TLS working group's list for RFC 5246's PRF.
  const Bytes want =
      hex("e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e"
          "14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5"
          "a72e5a5110fff70187347b66");
  EXPECT_EQ(redo(step(TraceDerivation::kTls12Prf, "SHA256", "test label",
                      hex("9bbe436ba940f017b17652849a71db35"),
                      hex("a0ba9f936cda311827a6f796ffd5198c"), want)),
            to_hex(want));
  EXPECT_NE(redo(step(TraceDerivation::kTls12Prf, "SHA256", "test labe1",
                      hex("9bbe436ba940f017b17652849a71db35"),
                      hex("a0ba9f936cda311827a6f796ffd5198c"), want)),
            to_hex(want));
}

TEST_F(Redo, Tls12PrfLabelIsQuotedForTheShell) {
  // A label with a quote, a dollar and a semicolon reaches openssl as it is.
  const crypto::Hash& sha384 = *crypto::openssl_provider().sha384;
  const Bytes secret = hex("000102030405060708090a0b0c0d0e0f");
  const Bytes seed = hex("f0f1f2f3");
  const std::string label = "it's $HOME; `x`";
  auto want = handshake::tls12::prf(sha384, secret, label, seed, 60);
  ASSERT_TRUE(want.ok());
  const Bytes out(want->span().begin(), want->span().end());
  EXPECT_EQ(redo(step(TraceDerivation::kTls12Prf, "SHA384", label, secret, seed, out)),
            to_hex(out));
}

TEST_F(Redo, HmacGivesRfc4231TestCase2) {
  // RFC 4231 section 4.3: key "Jefe", data "what do ya want for nothing?".
  const std::string data = "what do ya want for nothing?";
  const Bytes want = hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(redo(step(TraceDerivation::kHmac, "SHA256", "", Bytes{'J', 'e', 'f', 'e'},
                      Bytes(data.begin(), data.end()), want)),
            to_hex(want));
}

TEST_F(Redo, PkeyutlDeriveGivesTheSharedSecretOfEachCurve) {
  // Our key pair from a known private key, the peer's fresh; the command must give the secret
  // the provider computes, and not with another private key.
  const crypto::CryptoProvider& p = crypto::openssl_provider();
  struct Case {
    const crypto::KxGroup* group;
    const char* name;
    size_t private_len;
  };
  for (const Case& c : {Case{p.x25519, "x25519", 32}, Case{p.x448, "x448", 56},
                        Case{p.secp256r1, "secp256r1", 32}, Case{p.secp384r1, "secp384r1", 48}}) {
    SCOPED_TRACE(c.name);
    ASSERT_NE(c.group, nullptr);
    Bytes priv(c.private_len);
    for (size_t i = 0; i < priv.size(); i++) {
      priv[i] = static_cast<uint8_t>(0x11 + 3 * i);
    }
    auto ours = c.group->start_with_private(priv);
    ASSERT_TRUE(ours.ok());
    auto peer = c.group->start();
    ASSERT_TRUE(peer.ok());
    const ByteView peer_public = (*peer)->public_key();
    auto shared = (*ours)->complete(peer_public);
    ASSERT_TRUE(shared.ok());
    const Bytes want(shared->span().begin(), shared->span().end());
    TraceKeyStep k = step(TraceDerivation::kKeyExchange, "", c.name,
                          Bytes(peer_public.begin(), peer_public.end()), {}, want);
    k.private_key = priv;
    EXPECT_EQ(redo(k), to_hex(want));
    k.private_key[0] ^= 0x40;
    EXPECT_NE(redo(k), to_hex(want));
    // A key of the wrong size for its group has no command.
    k.private_key.pop_back();
    EXPECT_EQ(redo_command(k), "");
  }
}

TEST_F(Redo, PkeyutlDeriveGivesTheFiniteFieldSecretPaddedOrStripped) {
  // Our key pair in ffdhe2048 from a known exponent, the peer's fresh. An exponent is looked for
  // whose secret starts with a zero byte (one in 256 do): there TLS 1.3's secret, padded to the
  // size of p, and TLS 1.2's pre-master secret, stripped of its leading zeros, differ, and the
  // command must give each as the step shows it.
  const crypto::KxGroup& group = *crypto::openssl_provider().ffdhe2048;
  const crypto::DhParams params = *group.dh_params();
  auto peer = group.start();
  ASSERT_TRUE(peer.ok());
  const Bytes peer_public((*peer)->public_key().begin(), (*peer)->public_key().end());
  Bytes priv(64, 0x3c);
  Bytes padded;
  for (int i = 0; i < 5000 && (padded.empty() || padded[0] != 0); i++) {
    priv[62] = static_cast<uint8_t>(i >> 8);
    priv[63] = static_cast<uint8_t>(i);
    auto ours = group.start_with_private(priv);
    ASSERT_TRUE(ours.ok()) << ours.error().reason;
    auto shared = (*ours)->complete(peer_public);
    ASSERT_TRUE(shared.ok());
    padded.assign(shared->span().begin(), shared->span().end());
  }
  ASSERT_EQ(padded.size(), params.p.size());
  ASSERT_EQ(padded[0], 0) << "no secret with a leading zero byte in 5000 tries";
  size_t zeros = 0;
  while (padded[zeros] == 0) {
    zeros++;
  }
  const Bytes stripped(padded.begin() + static_cast<std::ptrdiff_t>(zeros), padded.end());
  TraceKeyStep k = step(TraceDerivation::kKeyExchange, "", "ffdhe2048", peer_public, {}, padded);
  k.private_key = priv;
  k.dh_p = params.p;
  k.dh_g = params.g;
  EXPECT_EQ(redo(k), to_hex(padded));
  k.output = stripped;
  EXPECT_EQ(redo(k), to_hex(stripped));
  // Not with another private key.
  k.private_key[10] ^= 0x01;
  EXPECT_NE(redo(k), to_hex(stripped));
  // Values that cannot be a finite-field exchange have no command: x or Y out of range, an
  // output longer than p, an even p.
  TraceKeyStep bad = k;
  bad.private_key = {1};
  EXPECT_EQ(redo_command(bad), "");
  bad = k;
  bad.input = params.p;
  EXPECT_EQ(redo_command(bad), "");
  bad = k;
  bad.output.assign(params.p.size() + 1, 1);
  EXPECT_EQ(redo_command(bad), "");
  bad = k;
  bad.dh_p.back() ^= 1;
  EXPECT_EQ(redo_command(bad), "");
}

TEST(RedoCommand, NoCommandWithoutADerivationOrAKnownHash) {
  TraceKeyStep k = step(TraceDerivation::kUnknown, "SHA256", "", {1, 2}, {}, {3});
  EXPECT_EQ(redo_command(k), "");
  k.derivation = TraceDerivation::kHkdfExtract;
  EXPECT_NE(redo_command(k), "");
  k.hash = "SHA256; rm -rf /";
  EXPECT_EQ(redo_command(k), "");
  k.hash = "";
  EXPECT_EQ(redo_command(k), "");
  // An HKDF-Expand-Label context over 255 bytes cannot have been one.
  k = step(TraceDerivation::kHkdfExpandLabel, "SHA256", "key", {1}, Bytes(256, 0), {3});
  EXPECT_EQ(redo_command(k), "");
}

TEST_F(Redo, TracerReportsHowEachScheduleStepWasDerived) {
  // The TLS 1.3 schedule through a Tracer, as a connection runs it: every step it reports says
  // how it was derived, and its command gives its output.
  const crypto::Hash& hash = *crypto::openssl_provider().sha384;
  TraceRecorder recorder;
  // The recorder lives on this stack: the tracer gets a pointer that does not own it.
  conn::Tracer tracer(std::shared_ptr<TraceObserver>(std::shared_ptr<TraceObserver>(), &recorder),
                      true, true);
  handshake::KeyScheduleObserver observer = [&](std::string_view s, ByteView input,
                                                ByteView context, ByteView output) {
    tracer.schedule_step(s, input, context, output, &hash);
  };
  const Bytes shared(48, 0x5a);
  const Bytes th1 = hash.digest(Bytes{1, 2, 3});
  const Bytes th2 = hash.digest(Bytes{4, 5, 6});
  auto early = handshake::EarlySchedule::start(hash, &observer);
  auto hs = std::move(early).with_shared_secret(shared);
  ASSERT_TRUE(hs.ok());
  auto chs = hs->client_handshake_traffic(th1);
  ASSERT_TRUE(chs.ok());
  ASSERT_TRUE(handshake::finished_verify_data(hash, chs->span(), th2, &observer).ok());
  auto app = std::move(*hs).into_application();
  ASSERT_TRUE(app.ok());
  ASSERT_TRUE(app->server_application_traffic(th2).ok());

  std::set<std::string> seen;
  for (const TraceEvent& e : recorder.events) {
    const auto* k = std::get_if<TraceKeyStep>(&e);
    ASSERT_NE(k, nullptr);
    SCOPED_TRACE(k->step);
    seen.insert(k->step);
    EXPECT_NE(k->derivation, TraceDerivation::kUnknown);
    EXPECT_EQ(k->hash, "SHA384");
    EXPECT_EQ(redo(*k), to_hex(k->output));
  }
  EXPECT_EQ(seen, (std::set<std::string>{"early_secret", "derived", "handshake_secret",
                                         "client_handshake_traffic_secret", "finished_key",
                                         "Finished verify_data", "master_secret",
                                         "server_application_traffic_secret_0"}));
}

TEST(RedoRender, TextWithRedoJsonAndHtmlShowTheCommand) {
  TraceKeyStep k = step(TraceDerivation::kTls12Prf, "SHA256", "key expansion", Bytes(48, 7),
                        Bytes(64, 9), Bytes(40, 1));
  const std::string cmd = redo_command(k);
  ASSERT_FALSE(cmd.empty());
  const std::vector<TraceEvent> events = {TraceEvent(k)};
  RenderOptions options;
  EXPECT_EQ(render_text(events, options).find(cmd), std::string::npos);
  options.redo = true;
  EXPECT_NE(render_text(events, options).find("  openssl  " + cmd + "\n"), std::string::npos);
  const std::string json = render_json(events);
  EXPECT_NE(json.find("\"derivation\":\"TLS1.2-PRF\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"label\":\"key expansion\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"redo\":\""), std::string::npos) << json;
  EXPECT_NE(render_html(events, "t").find("<code class=\"redo\">" + cmd + "</code>"),
            std::string::npos);
  // A step that does not say how it was derived has no command anywhere.
  k.derivation = TraceDerivation::kUnknown;
  const std::vector<TraceEvent> unknown = {TraceEvent(k)};
  EXPECT_EQ(render_json(unknown).find("redo"), std::string::npos);
  EXPECT_EQ(render_html(unknown, "t").find("class=\"redo\""), std::string::npos);
  EXPECT_EQ(render_text(unknown, options).find("openssl"), std::string::npos);
}

TEST(RedoDemoOptions, ATls13SuiteWithTls12OrAnUnknownSuiteIsAUsageError) {
  TempDir dir;
  int n = 0;
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--tls12", "--suite", "TLS_AES_128_GCM_SHA256"},
        std::vector<std::string>{"--suite", "NOT-A-SUITE"},
        std::vector<std::string>{"--suite", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "--key-type",
                                 "ecdsa"}}) {
    std::vector<std::string> argv = {GLASSTLS_CLI, "demo"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::unique_ptr<Child> c = Child::spawn(argv, dir.path(), "opt" + std::to_string(n++));
    ASSERT_NE(c, nullptr);
    std::optional<int> status = c->wait_exit(kDemoTimeout);
    if (!status) {
      c->kill();
    }
    EXPECT_EQ(status, std::optional<int>(2)) << c->log();
  }
}

// DemoStep is one key step as `glasstls demo --redo` printed it.
struct DemoStep {
  std::string name;
  std::string output;  // hex, without spaces
  std::string command;
};

// parse_demo reads the KEY blocks of the demo's text output.
std::vector<DemoStep> parse_demo(const std::string& text) {
  std::vector<DemoStep> steps;
  std::istringstream in(text);
  std::string line;
  std::string label;
  bool in_key = false;  // inside a KEY block, which ends at a line that is not indented
  while (std::getline(in, line)) {
    if (line.rfind("KEY ", 0) == 0) {
      DemoStep s;
      s.name = line.substr(line.find_first_not_of(' ', 4));
      steps.push_back(s);
      label.clear();
      in_key = true;
      continue;
    }
    if (!in_key || line.size() < 11 || line.rfind("  ", 0) != 0) {
      in_key = false;
      continue;
    }
    const std::string head = line.substr(2, 9);
    const std::string value = line.substr(11);
    if (head.find_first_not_of(' ') != std::string::npos) {
      label = head.substr(0, head.find(' '));
    }
    if (label == "output") {
      steps.back().output += only_hex(value);
    } else if (label == "openssl") {
      steps.back().command += value;
    }
  }
  return steps;
}

class RedoDemo : public Redo {
 protected:
  // run_demo runs `glasstls demo --redo ARGS...`, runs every command it printed, and checks
  // that each gives the output printed beside it. It returns the names of the steps that had
  // a command.
  std::set<std::string> run_demo(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {GLASSTLS_CLI, "demo", "--redo"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::unique_ptr<Child> c = Child::spawn(argv, dir_.path(), "demo" + std::to_string(runs_++));
    EXPECT_NE(c, nullptr);
    if (!c) {
      return {};
    }
    std::optional<int> status = c->wait_exit(kDemoTimeout);
    if (!status) {
      c->kill();
    }
    EXPECT_EQ(status, std::optional<int>(0)) << c->log();
    out_ = c->out();
    const std::vector<DemoStep> steps = parse_demo(out_);
    std::set<std::string> redone;
    for (const DemoStep& s : steps) {
      if (s.command.empty()) {
        continue;
      }
      SCOPED_TRACE(s.name + ": " + s.command);
      EXPECT_FALSE(s.output.empty());
      ShellRun r = run_shell(s.command, dir_);
      EXPECT_EQ(r.status, std::optional<int>(0)) << r.log;
      EXPECT_EQ(only_hex(r.out), s.output);
      redone.insert(s.name);
    }
    return redone;
  }
  int runs_ = 0;
  std::string out_;  // what the last demo printed
};

bool has(const std::set<std::string>& names, const std::string& name) {
  return names.count(name) != 0;
}

TEST_F(RedoDemo, Tls13EveryPrintedCommandGivesThePrintedValue) {
  for (const char* suite : {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"}) {
    SCOPED_TRACE(suite);
    const std::set<std::string> redone = run_demo({"--suite", suite});
    for (const char* name :
         {"early_secret", "derived", "handshake_secret", "client_handshake_traffic_secret",
          "server_handshake_traffic_secret", "master_secret", "client_application_traffic_secret_0",
          "server_application_traffic_secret_0", "server handshake write key",
          "server handshake write iv", "client application write key",
          "client application write iv", "(EC)DHE shared secret"}) {
      EXPECT_TRUE(has(redone, name)) << name;
    }
  }
}

// A resumed connection with 0-RTT data: the PSK's early secret, the binder key, the early
// traffic secret and the resumption master secret are redone as well.
TEST_F(RedoDemo, Tls13ResumedWithEarlyDataEveryPrintedCommandGivesThePrintedValue) {
  const std::set<std::string> redone = run_demo({"--resume"});
  EXPECT_NE(out_.find("resumed:        yes"), std::string::npos) << out_;
  EXPECT_NE(out_.find("early data:     accepted"), std::string::npos) << out_;
  for (const char* name :
       {"early_secret", "binder_key", "client_early_traffic_secret", "client early write key",
        "client early write iv", "handshake_secret", "resumption_master_secret"}) {
    EXPECT_TRUE(has(redone, name)) << name;
  }
}

TEST_F(RedoDemo, Tls12DheRsaCbcEveryPrintedCommandGivesThePrintedValue) {
  const std::set<std::string> redone =
      run_demo({"--tls12", "--suite", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"});
  // The suite was negotiated, with an RSA key chosen for it.
  EXPECT_NE(out_.find("version:        TLS 1.2"), std::string::npos) << out_;
  EXPECT_NE(out_.find("cipher suite:   TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"), std::string::npos);
  EXPECT_NE(out_.find("throwaway rsa certificate"), std::string::npos);
  EXPECT_TRUE(has(redone, "extended master secret") || has(redone, "master secret"));
  for (const char* name : {"DHE shared secret (Z)", "key block", "client Finished verify_data",
                           "server Finished verify_data"}) {
    EXPECT_TRUE(has(redone, name)) << name;
  }
  // The server chose RFC 7919's ffdhe2048 and the client's throwaway exponent is shown.
  EXPECT_NE(out_.find("group:          ffdhe2048"), std::string::npos) << out_;
  EXPECT_NE(out_.find("\n  private  "), std::string::npos) << out_;
}

TEST_F(RedoDemo, Tls12DheInTheGroupNamedEveryPrintedCommandGivesThePrintedValue) {
  const std::set<std::string> redone =
      run_demo({"--suite", "DHE-RSA-AES128-GCM-SHA256", "--group", "ffdhe3072"});
  EXPECT_NE(out_.find("group:          ffdhe3072"), std::string::npos) << out_;
  EXPECT_TRUE(has(redone, "DHE shared secret (Z)"));
  EXPECT_TRUE(has(redone, "key block"));
}

TEST_F(RedoDemo, Tls13FfdheEveryPrintedCommandGivesThePrintedValue) {
  const std::set<std::string> redone = run_demo({"--group", "ffdhe2048"});
  EXPECT_NE(out_.find("version:        TLS 1.3"), std::string::npos) << out_;
  EXPECT_NE(out_.find("group:          ffdhe2048"), std::string::npos) << out_;
  EXPECT_NE(out_.find("\n  private  "), std::string::npos) << out_;
  for (const char* name : {"(EC)DHE shared secret", "handshake_secret", "master_secret"}) {
    EXPECT_TRUE(has(redone, name)) << name;
  }
}

TEST_F(RedoDemo, Tls12EcdheSha384EveryPrintedCommandGivesThePrintedValue) {
  // By its OpenSSL name, and with the PRF's SHA-384.
  const std::set<std::string> redone = run_demo({"--suite", "ECDHE-ECDSA-AES256-GCM-SHA384"});
  EXPECT_TRUE(has(redone, "extended master secret") || has(redone, "master secret"));
  for (const char* name : {"ECDHE shared secret", "key block", "client Finished verify_data",
                           "server Finished verify_data"}) {
    EXPECT_TRUE(has(redone, name)) << name;
  }
}

}  // namespace
}  // namespace glasstls
