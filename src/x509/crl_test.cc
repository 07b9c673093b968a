// crl_test.cc: the CRL parser, the revoked-serial lookup, the CRL set loader and crl_status,
// over CRLs and certificates built and signed at test time.
#include "x509/crl.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "asn1/der.h"
#include "glasstls/crypto.h"
#include "glasstls/x509.h"
#include "pki/cert_builder.h"
#include "x509/certificate.h"
#include "x509/crl_impl.h"
#include "x509/internals.h"
#include "x509/pem.h"

namespace glasstls {
namespace {

using crypto::KeyType;
using crypto::SigningKey;
using x509::DerWriter;
using CrlState = x509::CrlVerdict::Status;
namespace tag = x509::tag;

// kNow is 2025-06-15 12:00:00 UTC.
constexpr int64_t kNow = 1749988800;
constexpr int64_t kDay = 86400;
constexpr int64_t kYear = 365 * kDay;
// kRevokedOn is 2025-05-01 00:00:00 UTC.
constexpr int64_t kRevokedOn = 1746057600;
constexpr int64_t kSkew = 300;

const crypto::CryptoProvider& provider() { return crypto::openssl_provider(); }

template <size_t N>
Bytes oid_bytes(const uint8_t (&oid)[N]) {
  return Bytes(oid, oid + N);
}

std::shared_ptr<const SigningKey> generate() {
  auto k = provider().keys->generate(KeyType::kEcdsaP256);
  EXPECT_TRUE(k.ok());
  return k.ok() ? *k : nullptr;
}

// ---- CRL writer ----

struct RawExt {
  Bytes oid;
  bool critical = false;
  Bytes value;
  // explicit_false encodes critical FALSE (which DER forbids).
  bool explicit_false = false;
};

struct EntrySpec {
  // serial is the INTEGER contents, written as they are.
  Bytes serial;
  int64_t date = kRevokedOn;
  std::vector<RawExt> extensions;
  // empty_extensions writes an empty crlEntryExtensions.
  bool empty_extensions = false;
};

struct CrlSpec {
  // version is the encoded version value (1 means v2); nullopt leaves the field out (v1).
  std::optional<uint64_t> version = 1;
  Bytes issuer;
  int64_t this_update = kNow - kDay;
  std::optional<int64_t> next_update = kNow + 7 * kDay;
  std::vector<EntrySpec> entries;
  // empty_revoked writes an empty revokedCertificates list when there are no entries.
  bool empty_revoked = false;
  // extensions: nullopt writes no crlExtensions; an empty list writes an empty one.
  std::optional<std::vector<RawExt>> extensions = std::vector<RawExt>{};
  // outer_algorithm replaces the outer signatureAlgorithm.
  std::optional<Bytes> outer_algorithm;
  // signature_unused_bits writes the signature BIT STRING with unused bits.
  uint8_t signature_unused_bits = 0;
};

Bytes ecdsa_sha256_algorithm() {
  DerWriter w;
  w.add_sequence([](DerWriter& a) { a.add_oid(x509::oid::kEcdsaWithSha256); });
  return std::move(w).take();
}

void add_extension(DerWriter& w, const RawExt& e) {
  w.add_sequence([&](DerWriter& x) {
    x.add_oid(e.oid);
    if (e.critical) {
      x.add_bool(true);
    } else if (e.explicit_false) {
      x.add_bool(false);
    }
    x.add_octet_string(e.value);
  });
}

Bytes tbs_of(const CrlSpec& s) {
  Bytes alg = ecdsa_sha256_algorithm();
  DerWriter tbs;
  tbs.add_sequence([&](DerWriter& t) {
    if (s.version) {
      t.add_uint64(*s.version);
    }
    t.add_raw(alg);
    t.add_raw(s.issuer);
    t.add_time(s.this_update);
    if (s.next_update) {
      t.add_time(*s.next_update);
    }
    if (!s.entries.empty() || s.empty_revoked) {
      t.add_sequence([&](DerWriter& list) {
        for (const EntrySpec& e : s.entries) {
          list.add_sequence([&](DerWriter& entry) {
            entry.add(tag::kInteger, e.serial);
            entry.add_time(e.date);
            if (!e.extensions.empty() || e.empty_extensions) {
              entry.add_sequence([&](DerWriter& exts) {
                for (const RawExt& x : e.extensions) {
                  add_extension(exts, x);
                }
              });
            }
          });
        }
      });
    }
    if (s.extensions) {
      t.add_constructed(tag::context_constructed(0), [&](DerWriter& wrapper) {
        wrapper.add_sequence([&](DerWriter& exts) {
          for (const RawExt& x : *s.extensions) {
            add_extension(exts, x);
          }
        });
      });
    }
  });
  EXPECT_FALSE(tbs.failed());
  return std::move(tbs).take();
}

// build_crl signs `s` with `key` (ecdsa-with-SHA256 over P-256).
Bytes build_crl(const CrlSpec& s, const SigningKey& key) {
  Bytes tbs = tbs_of(s);
  auto sig = key.sign(SignatureScheme::ecdsa_secp256r1_sha256, tbs);
  EXPECT_TRUE(sig.ok());
  Bytes alg = s.outer_algorithm ? *s.outer_algorithm : ecdsa_sha256_algorithm();
  DerWriter w;
  w.add_sequence([&](DerWriter& c) {
    c.add_raw(tbs);
    c.add_raw(alg);
    if (s.signature_unused_bits != 0) {
      Bytes bits = sig.ok() ? *sig : Bytes{0};
      bits.back() = 0;
      c.add_bit_string(bits, s.signature_unused_bits);
    } else {
      c.add_bit_string(sig.ok() ? *sig : Bytes{});
    }
  });
  return std::move(w).take();
}

Bytes der_of(const std::function<void(DerWriter&)>& fill) {
  DerWriter w;
  fill(w);
  return std::move(w).take();
}

RawExt crl_number(uint64_t n) {
  return {oid_bytes(x509::crl_oid::kCrlNumber), false,
          der_of([&](DerWriter& w) { w.add_uint64(n); })};
}

RawExt authority_key_id(ByteView key_id) {
  return {oid_bytes(x509::oid::kAuthorityKeyIdentifier), false, der_of([&](DerWriter& w) {
            w.add_sequence([&](DerWriter& a) { a.add(tag::context_specific(0), key_id); });
          })};
}

RawExt reason(uint8_t code) {
  return {oid_bytes(x509::crl_oid::kReasonCode), false, Bytes{0x0a, 0x01, code}};
}

std::string generalized(int64_t t) {
  auto c = x509::to_civil(t);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04lld%02d%02d%02d%02d%02dZ", static_cast<long long>(c->year),
                c->month, c->day, c->hour, c->minute, c->second);
  return buf;
}

RawExt invalidity_date(int64_t t) {
  return {oid_bytes(x509::crl_oid::kInvalidityDate), false,
          der_of([&](DerWriter& w) { w.add_string(tag::kGeneralizedTime, generalized(t)); })};
}

Bytes uri_name(const std::string& uri) {
  return der_of([&](DerWriter& w) { w.add_string(tag::context_specific(6), uri); });
}

// IdpSpec is the IssuingDistributionPoint written by idp(); booleans are written as TRUE when
// set (or as `false_byte` when `explicit_false` is set).
struct IdpSpec {
  std::vector<std::string> uris;
  bool relative_name = false;
  bool user = false;
  bool ca = false;
  bool some_reasons = false;
  bool indirect = false;
  bool attribute = false;
  bool explicit_false_user = false;
};

RawExt idp(const IdpSpec& s) {
  Bytes value = der_of([&](DerWriter& w) {
    w.add_sequence([&](DerWriter& seq) {
      if (!s.uris.empty()) {
        seq.add_constructed(tag::context_constructed(0), [&](DerWriter& dpn) {
          dpn.add_constructed(tag::context_constructed(0), [&](DerWriter& names) {
            for (const std::string& u : s.uris) {
              names.add_raw(uri_name(u));
            }
          });
        });
      }
      if (s.relative_name) {
        seq.add_constructed(tag::context_constructed(0), [&](DerWriter& dpn) {
          dpn.add_constructed(tag::context_constructed(1), [&](DerWriter& rdn) {
            rdn.add_sequence([&](DerWriter& atv) {
              atv.add_oid(x509::oid::kCommonName);
              atv.add_string(tag::kUtf8String, "crl1");
            });
          });
        });
      }
      const Bytes kTrue{0xff};
      if (s.user) {
        seq.add(tag::context_specific(1), kTrue);
      } else if (s.explicit_false_user) {
        seq.add(tag::context_specific(1), Bytes{0x00});
      }
      if (s.ca) {
        seq.add(tag::context_specific(2), kTrue);
      }
      if (s.some_reasons) {
        seq.add(tag::context_specific(3), Bytes{0x07, 0x80});  // keyCompromise
      }
      if (s.indirect) {
        seq.add(tag::context_specific(4), kTrue);
      }
      if (s.attribute) {
        seq.add(tag::context_specific(5), kTrue);
      }
    });
  });
  return {oid_bytes(x509::crl_oid::kIssuingDistributionPoint), true, value};
}

// crldp is a certificate's cRLDistributionPoints with one fullName URI per point.
x509::CertSpec::RawExtension crldp(const std::vector<std::string>& uris) {
  Bytes value = der_of([&](DerWriter& w) {
    w.add_sequence([&](DerWriter& points) {
      for (const std::string& u : uris) {
        points.add_sequence([&](DerWriter& dp) {
          dp.add_constructed(tag::context_constructed(0), [&](DerWriter& dpn) {
            dpn.add_constructed(tag::context_constructed(0),
                                [&](DerWriter& names) { names.add_raw(uri_name(u)); });
          });
        });
      }
    });
  });
  return {oid_bytes(x509::crl_oid::kCrlDistributionPoints), false, value};
}

Bytes name(const std::string& cn) {
  auto n = x509::build_name({{"CN", cn}});
  EXPECT_TRUE(n.ok());
  return n.ok() ? *n : Bytes{};
}

// ---- Parser ----

// basic_spec is a v2 CRL of "CN=Test CA" with cRLNumber 7 and no entries.
CrlSpec basic_spec() {
  CrlSpec s;
  s.issuer = name("Test CA");
  s.extensions = std::vector<RawExt>{crl_number(7)};
  return s;
}

// parse parses `der`, which must outlive the result (it views it).
Result<x509::Crl> parse(const Bytes& der) { return x509::parse_crl(der); }

TEST(CrlParse, V1WithoutExtensions) {
  auto key = generate();
  CrlSpec s = basic_spec();
  s.version.reset();
  s.extensions.reset();
  s.next_update.reset();
  s.entries.push_back({Bytes{0x05}, kRevokedOn, {}});
  Bytes der = build_crl(s, *key);
  auto crl = parse(der);
  ASSERT_TRUE(crl.ok()) << crl.error().reason;
  EXPECT_EQ(crl->version, 1);
  EXPECT_EQ(crl->this_update, kNow - kDay);
  EXPECT_FALSE(crl->next_update.has_value());
  ASSERT_EQ(crl->revoked.size(), 1u);
  EXPECT_EQ(crl->revoked[0].revocation_date, kRevokedOn);
  EXPECT_FALSE(crl->revoked[0].reason.has_value());
  EXPECT_TRUE(crl->crl_number.empty());
  EXPECT_EQ(x509::name_to_string(crl->issuer), "CN=Test CA");
  EXPECT_EQ(crl->der.size(), der.size());
}

TEST(CrlParse, V2FieldsAndEntries) {
  auto key = generate();
  CrlSpec s = basic_spec();
  Bytes key_id(20, 0xab);
  s.extensions = std::vector<RawExt>{
      crl_number(300),
      authority_key_id(key_id),
      idp({.uris = {"http://crl.example/ca.crl"}, .user = true}),
      // freshestCRL and an unknown extension, both non-critical, are ignored.
      {oid_bytes(x509::crl_oid::kFreshestCrl), false, Bytes{0x30, 0x00}},
      {Bytes{0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xb2, 0x03, 0x02}, false, Bytes{0x05, 0x00}},
  };
  s.entries.push_back({Bytes{0x30}, kRevokedOn, {reason(1), invalidity_date(kRevokedOn - kDay)}});
  s.entries.push_back({Bytes{0x01, 0x00}, kRevokedOn + 1, {reason(6)}});
  s.entries.push_back(
      {Bytes{0x02},
       kRevokedOn + 2,
       {{Bytes{0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xb2, 0x03, 0x03}, false, Bytes{0x05, 0x00}}}});
  Bytes der = build_crl(s, *key);
  auto crl = parse(der);
  ASSERT_TRUE(crl.ok()) << crl.error().reason;
  EXPECT_EQ(crl->version, 2);
  EXPECT_EQ(to_hex(crl->crl_number), "012c");
  EXPECT_EQ(Bytes(crl->authority_key_id.begin(), crl->authority_key_id.end()), key_id);
  ASSERT_TRUE(crl->issuing_distribution_point.has_value());
  EXPECT_TRUE(crl->issuing_distribution_point->only_user_certs);
  EXPECT_FALSE(crl->issuing_distribution_point->only_ca_certs);
  ASSERT_EQ(crl->issuing_distribution_point->full_name.size(), 1u);
  Bytes expected_uri = uri_name("http://crl.example/ca.crl");
  EXPECT_TRUE(std::ranges::equal(crl->issuing_distribution_point->full_name[0], expected_uri));
  EXPECT_EQ(crl->extensions.size(), 5u);
  // Sorted by (length, bytes): 02, 30, 01 00.
  ASSERT_EQ(crl->revoked.size(), 3u);
  EXPECT_EQ(to_hex(crl->revoked[0].serial), "02");
  EXPECT_EQ(to_hex(crl->revoked[1].serial), "30");
  EXPECT_EQ(to_hex(crl->revoked[2].serial), "0100");
  const x509::RevokedEntry* e = crl->find(Bytes{0x30});
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->reason, 1);
  EXPECT_EQ(e->invalidity_date, kRevokedOn - kDay);
  EXPECT_EQ(e->revocation_date, kRevokedOn);
  e = crl->find(Bytes{0x01, 0x00});
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->reason, 6);
  EXPECT_EQ(crl->find(Bytes{0x03}), nullptr);
  // The signature covers exactly the TBSCertList.
  EXPECT_TRUE(provider()
                  .verifier
                  ->verify(SignatureScheme::ecdsa_secp256r1_sha256, key->public_key_spki(),
                           crl->tbs, crl->signature)
                  .ok());
}

TEST(CrlParse, EmptyRevokedListAndGeneralizedTimes) {
  auto key = generate();
  CrlSpec s = basic_spec();
  s.empty_revoked = true;
  // Years from 2050 on are written as GeneralizedTime.
  int64_t y2051 = 2556144000;  // 2051-01-01
  s.this_update = y2051;
  s.next_update = y2051 + kDay;
  Bytes der = build_crl(s, *key);  // the Crl views it
  auto crl = parse(der);
  ASSERT_TRUE(crl.ok()) << crl.error().reason;
  EXPECT_TRUE(crl->revoked.empty());
  EXPECT_EQ(crl->this_update, y2051);
  EXPECT_EQ(crl->next_update, y2051 + kDay);
}

struct BadCase {
  const char* name;
  std::function<void(CrlSpec&)> modify;
  const char* reason;
};

void expect_refused(const BadCase& c, const SigningKey& key) {
  CrlSpec s = basic_spec();
  c.modify(s);
  Bytes der = build_crl(s, key);  // the Crl views it
  auto crl = parse(der);
  ASSERT_FALSE(crl.ok()) << c.name;
  EXPECT_EQ(crl.error().kind, ErrorKind::kInvalidCertificate) << c.name;
  EXPECT_EQ(crl.error().alert, AlertDescription::bad_certificate) << c.name;
  EXPECT_NE(crl.error().reason.find(c.reason), std::string::npos)
      << c.name << ": " << crl.error().reason;
}

RawExt unknown_ext(bool critical) {
  return {Bytes{0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xb2, 0x03, 0x01}, critical, Bytes{0x05, 0x00}};
}

TEST(CrlParse, MalformedRefused) {
  auto key = generate();
  const Bytes one{0x01};
  const BadCase cases[] = {
      {"version v1 encoded", [](CrlSpec& s) { s.version = 0; }, "version"},
      {"version v3", [](CrlSpec& s) { s.version = 2; }, "version"},
      {"extensions in v1", [](CrlSpec& s) { s.version.reset(); }, "extensions in a v1 CRL"},
      {"entry extensions in v1",
       [](CrlSpec& s) {
         s.version.reset();
         s.extensions.reset();
         s.entries.push_back({Bytes{0x01}, kRevokedOn, {reason(1)}});
       },
       "crlEntryExtensions in a v1 CRL"},
      {"outer algorithm differs",
       [](CrlSpec& s) {
         s.outer_algorithm = der_of([](DerWriter& w) {
           w.add_sequence([](DerWriter& a) { a.add_oid(x509::oid::kEcdsaWithSha384); });
         });
       },
       "differs from the TBSCertList signature"},
      {"empty issuer",
       [](CrlSpec& s) {
         s.issuer = Bytes{0x30, 0x00};
       },
       "issuer Name is empty"},
      {"nextUpdate before thisUpdate", [](CrlSpec& s) { s.next_update = s.this_update - 1; },
       "nextUpdate is before thisUpdate"},
      {"empty crlExtensions", [](CrlSpec& s) { s.extensions = std::vector<RawExt>{}; },
       "crlExtensions is empty"},
      {"empty entry extensions",
       [](CrlSpec& s) {
         s.entries.push_back({Bytes{0x01}, kRevokedOn, {}, true});
       },
       "crlEntryExtensions is empty"},
      {"duplicate CRL extension", [](CrlSpec& s) { s.extensions->push_back(crl_number(8)); },
       "appears twice"},
      {"duplicate entry extension",
       [](CrlSpec& s) {
         s.entries.push_back({Bytes{0x01}, kRevokedOn, {reason(1), reason(1)}});
       },
       "appears twice"},
      {"critical FALSE encoded",
       [](CrlSpec& s) {
         RawExt e = unknown_ext(false);
         e.explicit_false = true;
         s.extensions->push_back(e);
       },
       "DEFAULT critical FALSE"},
      {"negative cRLNumber",
       [](CrlSpec& s) {
         (*s.extensions)[0].value = Bytes{0x02, 0x01, 0xff};
       },
       "cRLNumber is negative"},
      {"reasonCode 7",
       [](CrlSpec& s) {
         s.entries.push_back({Bytes{0x01}, kRevokedOn, {reason(7)}});
       },
       "reasonCode 7 is not a CRLReason"},
      {"reasonCode 11",
       [](CrlSpec& s) {
         s.entries.push_back({Bytes{0x01}, kRevokedOn, {reason(11)}});
       },
       "reasonCode 11 is not a CRLReason"},
      {"reasonCode as INTEGER",
       [](CrlSpec& s) {
         RawExt r = reason(1);
         r.value[0] = tag::kInteger;
         s.entries.push_back({Bytes{0x01}, kRevokedOn, {r}});
       },
       "reasonCode"},
      {"invalidityDate as UTCTime",
       [](CrlSpec& s) {
         RawExt d = invalidity_date(kRevokedOn);
         d.value = der_of([](DerWriter& w) { w.add_time(kRevokedOn); });
         s.entries.push_back({Bytes{0x01}, kRevokedOn, {d}});
       },
       "invalidityDate"},
      {"non-minimal serial",
       [](CrlSpec& s) {
         s.entries.push_back({Bytes{0x00, 0x01}, kRevokedOn, {}});
       },
       "revokedCertificates entry 0 userCertificate"},
      {"empty serial",
       [](CrlSpec& s) {
         s.entries.push_back({Bytes{}, kRevokedOn, {}});
       },
       "userCertificate"},
      {"second entry broken",
       [&](CrlSpec& s) {
         s.entries.push_back({one, kRevokedOn, {}});
         s.entries.push_back({Bytes{0xff, 0x80}, kRevokedOn, {}});
       },
       "revokedCertificates entry 1"},
      {"empty IDP",
       [](CrlSpec& s) {
         s.extensions->push_back(
             {oid_bytes(x509::crl_oid::kIssuingDistributionPoint), true, Bytes{0x30, 0x00}});
       },
       "issuingDistributionPoint is an empty sequence"},
      {"IDP user and CA",
       [](CrlSpec& s) { s.extensions->push_back(idp({.user = true, .ca = true})); },
       "both onlyContainsUserCerts and onlyContainsCACerts"},
      {"IDP FALSE encoded",
       [](CrlSpec& s) {
         s.extensions->push_back(idp({.uris = {"http://x/"}, .explicit_false_user = true}));
       },
       "onlyContainsUserCerts encodes the DEFAULT FALSE"},
      {"IDP fullName not a GeneralName",
       [](CrlSpec& s) {
         RawExt e = idp({.uris = {"http://x/"}});
         // The URI's tag [6] (0x86) becomes a UTF8String.
         auto it = std::find(e.value.begin(), e.value.end(), uint8_t{0x86});
         *it = tag::kUtf8String;
         s.extensions->push_back(e);
       },
       "not a GeneralName"},
      {"signature with unused bits", [](CrlSpec& s) { s.signature_unused_bits = 1; },
       "signatureValue"},
      {"issuer with an empty RDN",
       [](CrlSpec& s) {
         s.issuer = Bytes{0x30, 0x02, 0x31, 0x00};
       },
       "CRL issuer: empty RelativeDistinguishedName"},
  };
  for (const BadCase& c : cases) {
    expect_refused(c, *key);
  }
}

TEST(CrlParse, SyntaxErrorsOfTheWholeInput) {
  auto key = generate();
  Bytes der = build_crl(basic_spec(), *key);
  ASSERT_TRUE(parse(der).ok());
  Bytes trailing = der;
  trailing.push_back(0x00);
  auto r = parse(trailing);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().reason.find("after the CertificateList"), std::string::npos)
      << r.error().reason;
  for (size_t cut : {size_t{0}, size_t{1}, der.size() / 2, der.size() - 1}) {
    Bytes truncated(der.begin(), der.begin() + static_cast<std::ptrdiff_t>(cut));
    auto t = parse(truncated);
    ASSERT_FALSE(t.ok()) << cut;
    EXPECT_EQ(t.error().kind, ErrorKind::kInvalidCertificate);
  }
  // A UTCTime with seconds 60 in thisUpdate.
  Bytes bad_time = der;
  std::string stamp = generalized(kNow - kDay).substr(2);  // YYMMDDHHMMSSZ
  auto at = std::search(bad_time.begin(), bad_time.end(), stamp.begin(), stamp.end());
  ASSERT_NE(at, bad_time.end());
  at[10] = '6';
  auto bt = parse(bad_time);
  ASSERT_FALSE(bt.ok());
  EXPECT_NE(bt.error().reason.find("thisUpdate"), std::string::npos) << bt.error().reason;
}

TEST(CrlParse, UnsupportedFeaturesRefused) {
  auto key = generate();
  const BadCase cases[] = {
      {"delta CRL",
       [](CrlSpec& s) {
         s.extensions->push_back({oid_bytes(x509::crl_oid::kDeltaCrlIndicator), true,
                                  der_of([](DerWriter& w) { w.add_uint64(6); })});
       },
       "unsupported: a delta CRL (deltaCRLIndicator)"},
      {"indirect CRL", [](CrlSpec& s) { s.extensions->push_back(idp({.indirect = true})); },
       "unsupported: an indirect CRL"},
      {"certificateIssuer",
       [](CrlSpec& s) {
         RawExt ci{oid_bytes(x509::crl_oid::kCertificateIssuer), true, der_of([](DerWriter& w) {
                     w.add_sequence([](DerWriter& n) { n.add_raw(uri_name("http://x/")); });
                   })};
         s.entries.push_back({Bytes{0x01}, kRevokedOn, {ci}});
       },
       "unsupported: an indirect CRL (certificateIssuer"},
      {"onlySomeReasons", [](CrlSpec& s) { s.extensions->push_back(idp({.some_reasons = true})); },
       "unsupported: a partitioned CRL (issuingDistributionPoint onlySomeReasons)"},
      {"onlyContainsAttributeCerts",
       [](CrlSpec& s) { s.extensions->push_back(idp({.attribute = true})); },
       "unsupported: a CRL of attribute certificates (onlyContainsAttributeCerts)"},
      {"nameRelativeToCRLIssuer",
       [](CrlSpec& s) { s.extensions->push_back(idp({.relative_name = true})); },
       "unsupported: issuingDistributionPoint with a nameRelativeToCRLIssuer"},
      {"unknown critical CRL extension",
       [](CrlSpec& s) { s.extensions->push_back(unknown_ext(true)); },
       "unsupported: critical CRL extension 1.3.6.1.4.1.55555.1"},
      {"critical freshestCRL",
       [](CrlSpec& s) {
         s.extensions->push_back({oid_bytes(x509::crl_oid::kFreshestCrl), true, Bytes{0x30, 0x00}});
       },
       "unsupported: critical CRL extension 2.5.29.46"},
      {"unknown critical entry extension",
       [](CrlSpec& s) {
         s.entries.push_back({Bytes{0x01}, kRevokedOn, {unknown_ext(true)}});
       },
       "unsupported: critical CRL entry extension 1.3.6.1.4.1.55555.1"},
      {"removeFromCRL",
       [](CrlSpec& s) {
         s.entries.push_back({Bytes{0x01}, kRevokedOn, {reason(8)}});
       },
       "unsupported: removeFromCRL"},
  };
  for (const BadCase& c : cases) {
    expect_refused(c, *key);
  }
  // The same extensions, non-critical where criticality is what is refused, parse.
  CrlSpec ok = basic_spec();
  ok.extensions->push_back(unknown_ext(false));
  ok.entries.push_back({Bytes{0x01}, kRevokedOn, {unknown_ext(false)}});
  Bytes der = build_crl(ok, *key);  // the Crl views it
  auto crl = parse(der);
  EXPECT_TRUE(crl.ok()) << crl.error().reason;
}

TEST(CrlParse, ReasonNames) {
  const char* names[] = {"unspecified",        "keyCompromise", "cACompromise",
                         "affiliationChanged", "superseded",    "cessationOfOperation",
                         "certificateHold",    nullptr,         "removeFromCRL",
                         "privilegeWithdrawn", "aACompromise"};
  for (int code = 0; code <= 10; code++) {
    if (names[code] != nullptr) {
      EXPECT_EQ(x509::crl_reason_name(code), names[code]);
    }
  }
  EXPECT_EQ(x509::crl_reason_name(7), "reason 7");
}

// Bytes of a positive INTEGER whose contents are the 4 bytes of `n` after a 0x10 marker (never
// needing a leading 00).
Bytes serial_for(uint32_t n) {
  return Bytes{0x10, static_cast<uint8_t>(n >> 24), static_cast<uint8_t>(n >> 16),
               static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)};
}

TEST(CrlParse, LookupAmongTenThousandEntries) {
  auto key = generate();
  CrlSpec s = basic_spec();
  std::vector<uint32_t> numbers;
  for (uint32_t i = 0; i < 10000; i++) {
    numbers.push_back(i * 7 + 3);
  }
  std::mt19937 rng(42);
  std::shuffle(numbers.begin(), numbers.end(), rng);
  for (uint32_t n : numbers) {
    s.entries.push_back({serial_for(n), kRevokedOn + n, {}});
  }
  // A serial with a leading 00 (its top bit is set), a short one and a long one.
  Bytes with_zero{0x00, 0x80, 0x01, 0x02};
  s.entries.push_back({with_zero, kRevokedOn, {reason(4)}});
  s.entries.push_back({Bytes{0x01}, kRevokedOn, {}});
  Bytes longest(20, 0x7f);
  s.entries.push_back({longest, kRevokedOn, {}});
  Bytes der = build_crl(s, *key);  // the Crl views it
  auto crl = parse(der);
  ASSERT_TRUE(crl.ok()) << crl.error().reason;
  ASSERT_EQ(crl->revoked.size(), 10003u);
  EXPECT_TRUE(std::is_sorted(crl->revoked.begin(), crl->revoked.end(),
                             [](const x509::RevokedEntry& a, const x509::RevokedEntry& b) {
                               return a.serial.size() != b.serial.size()
                                          ? a.serial.size() < b.serial.size()
                                          : std::ranges::lexicographical_compare(a.serial,
                                                                                 b.serial);
                             }));
  // Every entry is found, with its own revocation date.
  for (uint32_t n : numbers) {
    const x509::RevokedEntry* e = crl->find(serial_for(n));
    ASSERT_NE(e, nullptr) << n;
    EXPECT_EQ(e->revocation_date, kRevokedOn + n);
  }
  // First and last in order, and the smallest and largest numbers of the generated range.
  EXPECT_NE(crl->find(Bytes{0x01}), nullptr);
  EXPECT_NE(crl->find(longest), nullptr);
  EXPECT_NE(crl->find(serial_for(3)), nullptr);
  EXPECT_NE(crl->find(serial_for(9999 * 7 + 3)), nullptr);
  // Absent: between entries, before the first, after the last.
  EXPECT_EQ(crl->find(serial_for(4)), nullptr);
  EXPECT_EQ(crl->find(Bytes{0x00}), nullptr);
  EXPECT_EQ(crl->find(Bytes(21, 0x7f)), nullptr);
  EXPECT_EQ(crl->find(serial_for(10000 * 7 + 3)), nullptr);
  // The serial with its leading 00 is found; the same bytes without it (a negative number) are
  // another serial.
  const x509::RevokedEntry* z = crl->find(with_zero);
  ASSERT_NE(z, nullptr);
  EXPECT_EQ(z->reason, 4);
  EXPECT_EQ(crl->find(Bytes{0x80, 0x01, 0x02}), nullptr);
}

TEST(CrlParse, DuplicateSerialsFindTheFirstListed) {
  auto key = generate();
  CrlSpec s = basic_spec();
  s.entries.push_back({Bytes{0x09}, kRevokedOn, {reason(1)}});
  s.entries.push_back({Bytes{0x05}, kRevokedOn, {}});
  s.entries.push_back({Bytes{0x09}, kRevokedOn + 1, {reason(4)}});
  Bytes der = build_crl(s, *key);  // the Crl views it
  auto crl = parse(der);
  ASSERT_TRUE(crl.ok()) << crl.error().reason;
  const x509::RevokedEntry* e = crl->find(Bytes{0x09});
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->reason, 1);
}

// ---- Status ----

struct Ca {
  std::shared_ptr<const SigningKey> key;
  Bytes cert;
  Bytes subject;
};

using CertModify = std::function<void(x509::CertSpec&)>;

Bytes next_serial() {
  static uint32_t counter = 5000;
  counter++;
  return Bytes{static_cast<uint8_t>(counter >> 8), static_cast<uint8_t>(counter)};
}

Ca make_ca(const std::string& cn, const CertModify& modify = nullptr,
           std::shared_ptr<const SigningKey> key = nullptr) {
  Ca ca{key ? key : generate(), {}, name(cn)};
  x509::CertSpec s;
  s.serial = next_serial();
  s.issuer_cn = cn;
  s.subject_cn = cn;
  s.not_before = kNow - kYear;
  s.not_after = kNow + kYear;
  s.subject_spki = ca.key->public_key_spki();
  s.is_ca = true;
  if (modify) {
    modify(s);
  }
  auto der = x509::build_certificate(s, *ca.key, provider());
  EXPECT_TRUE(der.ok()) << der.error().reason;
  ca.cert = der.ok() ? *der : Bytes{};
  return ca;
}

Bytes issue(const Ca& issuer, const std::string& issuer_cn, const std::string& cn, bool is_ca,
            const Bytes& serial, const CertModify& modify = nullptr) {
  auto key = generate();
  x509::CertSpec s;
  s.serial = serial;
  s.issuer_cn = issuer_cn;
  s.subject_cn = cn;
  s.not_before = kNow - kYear;
  s.not_after = kNow + kYear;
  s.subject_spki = key->public_key_spki();
  s.is_ca = is_ca;
  if (!is_ca) {
    s.dns_names = {cn};
  }
  if (modify) {
    modify(s);
  }
  auto der = x509::build_certificate(s, *issuer.key, provider());
  EXPECT_TRUE(der.ok()) << der.error().reason;
  return der.ok() ? *der : Bytes{};
}

// Status runs crl_status of `cert_der` (issued by `issuer_der`) against `crls`.
Result<x509::CrlVerdict> status(const std::vector<Bytes>& crls, const Bytes& cert_der,
                                const Bytes& issuer_der, int64_t now = kNow,
                                const crypto::CryptoProvider& p = provider()) {
  auto set = CertificateRevocationLists::from_der(crls);
  EXPECT_TRUE(set.ok()) << set.error().reason;
  if (!set.ok()) {
    return set.error();
  }
  auto cert = x509::parse_certificate(cert_der);
  auto issuer = x509::parse_certificate(issuer_der);
  EXPECT_TRUE(cert.ok() && issuer.ok());
  if (!cert.ok() || !issuer.ok()) {
    return internal_error("test certificates do not parse");
  }
  return x509::crl_status(**set, *cert, *issuer, now, kSkew, p);
}

class CrlStatus : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_ = make_ca("Test CA");
    leaf_serial_ = Bytes{0x00, 0x9a, 0x01};  // a positive serial whose INTEGER needs a 00
    leaf_ = issue(ca_, "Test CA", "leaf.example", false, Bytes{0x9a, 0x01});
    inter_ = issue(ca_, "Test CA", "Test Intermediate", true, Bytes{0x44});
    auto parsed = x509::parse_certificate(ca_.cert);
    ASSERT_TRUE(parsed.ok());
    ca_key_id_ = Bytes(parsed->subject_key_id.begin(), parsed->subject_key_id.end());
    ASSERT_FALSE(ca_key_id_.empty());
  }

  // spec is a current CRL of the CA with cRLNumber 7 and its key identifier.
  CrlSpec spec() const {
    CrlSpec s;
    s.issuer = ca_.subject;
    s.extensions = std::vector<RawExt>{crl_number(7), authority_key_id(ca_key_id_)};
    return s;
  }
  Bytes crl(const CrlSpec& s) const { return build_crl(s, *ca_.key); }

  x509::CrlVerdict expect_status(const std::vector<Bytes>& crls, const Bytes& cert, CrlState want,
                                 const std::string& detail_part, int64_t now = kNow) const {
    auto v = status(crls, cert, ca_.cert, now);
    EXPECT_TRUE(v.ok()) << (v.ok() ? "" : v.error().reason);
    if (!v.ok()) {
      return {};
    }
    EXPECT_EQ(v->status, want) << v->detail;
    EXPECT_NE(v->detail.find(detail_part), std::string::npos) << v->detail;
    return *v;
  }

  Ca ca_;
  Bytes leaf_serial_;
  Bytes leaf_;
  Bytes inter_;
  Bytes ca_key_id_;
};

TEST_F(CrlStatus, GoodWhenNotListed) {
  CrlSpec s = spec();
  s.entries.push_back({Bytes{0x01}, kRevokedOn, {reason(1)}});
  expect_status({crl(s)}, leaf_, CrlState::kGood,
                "not revoked according to the CRL of CN=Test CA (number 7, thisUpdate "
                "2025-06-14 12:00:00 UTC, nextUpdate 2025-06-22 12:00:00 UTC)");
}

TEST_F(CrlStatus, RevokedWithReasons) {
  for (uint8_t code : {uint8_t{1}, uint8_t{4}, uint8_t{6}}) {
    CrlSpec s = spec();
    s.entries.push_back({Bytes{0x01}, kRevokedOn, {}});
    s.entries.push_back({leaf_serial_, kRevokedOn, {reason(code)}});
    expect_status({crl(s)}, leaf_, CrlState::kRevoked,
                  "revoked on 2025-05-01 00:00:00 UTC (reason " + x509::crl_reason_name(code) +
                      ") according to the CRL of CN=Test CA (number 7");
  }
  // certificateHold is named as such and counts as revoked (checked above with code 6).
  EXPECT_EQ(x509::crl_reason_name(6), "certificateHold");
  CrlSpec none = spec();
  none.entries.push_back({leaf_serial_, kRevokedOn, {invalidity_date(kRevokedOn - kDay)}});
  expect_status({crl(none)}, leaf_, CrlState::kRevoked,
                "(no reason given, invalid since 2025-04-30 00:00:00 UTC)");
}

TEST_F(CrlStatus, RevokedIntermediate) {
  CrlSpec s = spec();
  s.entries.push_back({Bytes{0x44}, kRevokedOn, {reason(2)}});
  expect_status({crl(s)}, inter_, CrlState::kRevoked, "cACompromise");
  expect_status({crl(s)}, leaf_, CrlState::kGood, "not revoked");
}

TEST_F(CrlStatus, NoCrlFromTheIssuer) {
  Ca other = make_ca("Other CA");
  CrlSpec s = spec();
  s.issuer = other.subject;
  s.entries.push_back({leaf_serial_, kRevokedOn, {}});
  expect_status({build_crl(s, *other.key)}, leaf_, CrlState::kUnknown, "no CRL from CN=Test CA");
}

TEST_F(CrlStatus, ValidityWindowWithSkew) {
  CrlSpec s = spec();
  s.this_update = kNow - 10 * kDay;
  s.next_update = kNow - kSkew;
  expect_status({crl(s)}, leaf_, CrlState::kGood, "not revoked");
  s.next_update = kNow - kSkew - 1;
  expect_status({crl(s)}, leaf_, CrlState::kUnknown,
                "expired: nextUpdate 2025-06-15 11:54:59 UTC is before now");
  CrlSpec future = spec();
  future.this_update = kNow + kSkew;
  expect_status({crl(future)}, leaf_, CrlState::kGood, "not revoked");
  future.this_update = kNow + kSkew + 1;
  expect_status({crl(future)}, leaf_, CrlState::kUnknown, "is not yet valid");
  // Without nextUpdate a CRL never expires.
  CrlSpec open = spec();
  open.next_update.reset();
  expect_status({crl(open)}, leaf_, CrlState::kGood, "no nextUpdate");
  expect_status({crl(open)}, leaf_, CrlState::kGood, "not revoked", kNow + 10 * kYear);
}

TEST_F(CrlStatus, EntriesOfUnusableCrlsAreIgnored) {
  CrlSpec old = spec();
  old.this_update = kNow - 30 * kDay;
  old.next_update = kNow - 20 * kDay;
  old.entries.push_back({leaf_serial_, kRevokedOn, {reason(1)}});
  CrlSpec current = spec();
  // The expired CRL alone says nothing; with a current one, the current one decides.
  expect_status({crl(old)}, leaf_, CrlState::kUnknown, "expired");
  expect_status({crl(old), crl(current)}, leaf_, CrlState::kGood, "not revoked");
  // A usable CRL that lists it wins over one that does not.
  CrlSpec listing = spec();
  listing.this_update = kNow - 2 * kDay;
  listing.entries.push_back({leaf_serial_, kRevokedOn, {reason(1)}});
  expect_status({crl(current), crl(listing)}, leaf_, CrlState::kRevoked, "keyCompromise");
  expect_status({crl(listing), crl(current)}, leaf_, CrlState::kRevoked, "keyCompromise");
}

TEST_F(CrlStatus, BadSignature) {
  CrlSpec s = spec();
  s.entries.push_back({leaf_serial_, kRevokedOn, {reason(1)}});
  Bytes der = crl(s);
  // The last byte belongs to the signature's INTEGER s.
  der.back() ^= 0x01;
  ASSERT_TRUE(x509::parse_crl(der).ok());
  expect_status({der}, leaf_, CrlState::kUnknown,
                "its signature does not verify with the issuer's key");
}

TEST_F(CrlStatus, SameNameOtherKey) {
  Ca impostor = make_ca("Test CA");
  CrlSpec s = spec();
  s.extensions = std::vector<RawExt>{crl_number(9)};
  s.entries.push_back({leaf_serial_, kRevokedOn, {reason(1)}});
  expect_status({build_crl(s, *impostor.key)}, leaf_, CrlState::kUnknown,
                "does not verify with the issuer's key");
  // Also a bad CRL beside a good one: the good one is used.
  expect_status({build_crl(s, *impostor.key), crl(spec())}, leaf_, CrlState::kGood,
                "not revoked according to the CRL of CN=Test CA (number 7");
}

// One set answers many chains: a CRL whose signature verified with its issuer's key is not
// hashed again for that key, and the remembered success never covers another key with the same
// name (a certificate the impostor issued).
TEST_F(CrlStatus, RememberedSignatureIsPerKey) {
  CrlSpec s = spec();
  s.entries.push_back({Bytes{0x01}, kRevokedOn, {reason(1)}});
  auto set = CertificateRevocationLists::from_der({crl(s)});
  ASSERT_TRUE(set.ok()) << set.error().reason;
  auto leaf = x509::parse_certificate(leaf_);
  auto ca = x509::parse_certificate(ca_.cert);
  ASSERT_TRUE(leaf.ok() && ca.ok());
  const crypto::CryptoProvider& p = crypto::openssl_provider();
  for (int i = 0; i < 3; i++) {
    auto v = x509::crl_status(**set, *leaf, *ca, kNow, kSkew, p);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v->status, CrlState::kGood) << v->detail;
  }
  EXPECT_TRUE(x509::Internals::impl(**set).signature_verified(0, ca->spki));
  Ca impostor = make_ca("Test CA");
  auto impostor_cert = x509::parse_certificate(impostor.cert);
  ASSERT_TRUE(impostor_cert.ok());
  EXPECT_FALSE(x509::Internals::impl(**set).signature_verified(0, impostor_cert->spki));
  auto v = x509::crl_status(**set, *leaf, *impostor_cert, kNow, kSkew, p);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->status, CrlState::kUnknown) << v->detail;
  EXPECT_FALSE(x509::Internals::impl(**set).signature_verified(0, impostor_cert->spki));
}

TEST_F(CrlStatus, IssuerMustAllowCrlSign) {
  Ca no_crl_sign = make_ca(
      "Test CA", [](x509::CertSpec& s) { s.key_usage = x509::key_usage::kKeyCertSign; }, ca_.key);
  Ca no_key_usage = make_ca(
      "Test CA", [](x509::CertSpec& s) { s.include_key_usage = false; }, ca_.key);
  CrlSpec s = spec();
  auto v = status({crl(s)}, leaf_, no_crl_sign.cert);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->status, CrlState::kUnknown);
  EXPECT_NE(v->detail.find("lacks cRLSign"), std::string::npos) << v->detail;
  v = status({crl(s)}, leaf_, no_key_usage.cert);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->status, CrlState::kGood) << v->detail;
}

TEST_F(CrlStatus, AuthorityKeyIdentifierMustMatch) {
  CrlSpec s = spec();
  s.extensions = std::vector<RawExt>{crl_number(7), authority_key_id(Bytes(20, 0x11))};
  expect_status({crl(s)}, leaf_, CrlState::kUnknown,
                "its authorityKeyIdentifier 1111111111111111111111111111111111111111 is not the "
                "issuer's subjectKeyIdentifier");
  // Without an AKI in the CRL, or without an SKI in the issuer, nothing is compared.
  s.extensions = std::vector<RawExt>{crl_number(7)};
  expect_status({crl(s)}, leaf_, CrlState::kGood, "not revoked");
  Ca no_ski = make_ca(
      "Test CA", [](x509::CertSpec& c) { c.include_key_ids = false; }, ca_.key);
  CrlSpec wrong = spec();
  wrong.extensions = std::vector<RawExt>{crl_number(7), authority_key_id(Bytes(20, 0x11))};
  auto v = status({crl(wrong)}, leaf_, no_ski.cert);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->status, CrlState::kGood) << v->detail;
}

TEST_F(CrlStatus, IssuingDistributionPointUserAndCaScopes) {
  CrlSpec users = spec();
  users.extensions->push_back(idp({.user = true}));
  users.entries.push_back({Bytes{0x44}, kRevokedOn, {}});
  expect_status({crl(users)}, leaf_, CrlState::kGood, "not revoked");
  expect_status({crl(users)}, inter_, CrlState::kUnknown,
                "does not cover this certificate (onlyContainsUserCerts, and the certificate is "
                "a CA)");
  CrlSpec cas = spec();
  cas.extensions->push_back(idp({.ca = true}));
  cas.entries.push_back({Bytes{0x44}, kRevokedOn, {}});
  cas.entries.push_back({leaf_serial_, kRevokedOn, {}});
  expect_status({crl(cas)}, inter_, CrlState::kRevoked, "revoked on");
  expect_status({crl(cas)}, leaf_, CrlState::kUnknown,
                "does not cover this certificate (onlyContainsCACerts, and the certificate is not "
                "a CA)");
}

TEST_F(CrlStatus, IssuingDistributionPointName) {
  const std::string uri = "http://crl.example/test-ca.crl";
  Bytes leaf_dp = issue(ca_, "Test CA", "dp.example", false, Bytes{0x61}, [&](x509::CertSpec& s) {
    s.extra_extensions.push_back(crldp({"ldap://x/", uri}));
  });
  Bytes leaf_other_dp =
      issue(ca_, "Test CA", "dp2.example", false, Bytes{0x62},
            [&](x509::CertSpec& s) { s.extra_extensions.push_back(crldp({uri + "x"})); });
  CrlSpec s = spec();
  s.extensions->push_back(idp({.uris = {uri}}));
  s.entries.push_back({Bytes{0x61}, kRevokedOn, {reason(5)}});
  expect_status({crl(s)}, leaf_dp, CrlState::kRevoked, "cessationOfOperation");
  expect_status({crl(s)}, leaf_other_dp, CrlState::kUnknown,
                "its distributionPoint is not among the certificate's cRLDistributionPoints");
  expect_status({crl(s)}, leaf_, CrlState::kUnknown,
                "the certificate has no cRLDistributionPoints");
}

TEST_F(CrlStatus, ProviderWithoutVerifierIsAnError) {
  crypto::CryptoProvider p = provider();
  p.verifier = nullptr;
  auto v = status({crl(spec())}, leaf_, ca_.cert, kNow, p);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().kind, ErrorKind::kInternal);
  // With no candidate CRL the provider is not needed.
  Ca other = make_ca("Other CA");
  CrlSpec s = spec();
  s.issuer = other.subject;
  auto none = status({build_crl(s, *other.key)}, leaf_, ca_.cert, kNow, p);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->status, CrlState::kUnknown);
}

TEST_F(CrlStatus, EveryUnusableCandidateIsExplained) {
  CrlSpec expired = spec();
  expired.this_update = kNow - 30 * kDay;
  expired.next_update = kNow - 20 * kDay;
  CrlSpec future = spec();
  future.this_update = kNow + 2 * kDay;
  future.next_update = kNow + 9 * kDay;
  auto v = expect_status({crl(expired), crl(future)}, leaf_, CrlState::kUnknown,
                         "no usable CRL from CN=Test CA: ");
  EXPECT_NE(v.detail.find("expired"), std::string::npos) << v.detail;
  EXPECT_NE(v.detail.find("is not yet valid"), std::string::npos) << v.detail;
}

// ---- Loading ----

class CrlLoad : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = generate();
    one_ = build_crl(basic_spec(), *key_);
    CrlSpec s = basic_spec();
    s.issuer = name("Second CA");
    two_ = build_crl(s, *key_);
    char tmpl[] = "/tmp/glasstls-crl-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string write(const std::string& file, const std::string& text) const {
    std::string path = dir_ + "/" + file;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::shared_ptr<const SigningKey> key_;
  Bytes one_;
  Bytes two_;
  std::string dir_;
};

std::string as_text(const Bytes& b) { return std::string(b.begin(), b.end()); }

TEST_F(CrlLoad, FromPemAndDer) {
  std::string pem = x509::pem_encode("X509 CRL", one_) + x509::pem_encode("CERTIFICATE", one_) +
                    "comment\n" + x509::pem_encode("X509 CRL", two_);
  auto set = CertificateRevocationLists::from_pem(pem);
  ASSERT_TRUE(set.ok()) << set.error().reason;
  EXPECT_EQ((*set)->size(), 2u);
  const auto& impl = x509::Internals::impl(**set);
  EXPECT_EQ(impl.by_issuer.count(as_text(name("Test CA"))), 1u);
  EXPECT_EQ(impl.by_issuer.count(as_text(name("Second CA"))), 1u);
  // The views point into the set's own buffers.
  for (size_t i = 0; i < impl.crls.size(); i++) {
    EXPECT_EQ(impl.crls[i].der.data(), impl.ders[i].data());
  }

  auto der = CertificateRevocationLists::from_der({one_, two_, one_});
  ASSERT_TRUE(der.ok()) << der.error().reason;
  EXPECT_EQ((*der)->size(), 3u);
}

TEST_F(CrlLoad, FailuresNameTheCrl) {
  auto no_block = CertificateRevocationLists::from_pem(x509::pem_encode("CERTIFICATE", one_));
  ASSERT_FALSE(no_block.ok());
  EXPECT_EQ(no_block.error().kind, ErrorKind::kBadConfig);
  EXPECT_NE(no_block.error().reason.find("X509 CRL"), std::string::npos);

  Bytes broken = one_;
  broken.pop_back();
  auto bad = CertificateRevocationLists::from_der({one_, broken});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::kBadConfig);
  EXPECT_NE(bad.error().reason.find("CRL 1 cannot be used"), std::string::npos)
      << bad.error().reason;

  CrlSpec delta = basic_spec();
  delta.extensions->push_back({oid_bytes(x509::crl_oid::kDeltaCrlIndicator), true,
                               der_of([](DerWriter& w) { w.add_uint64(6); })});
  auto refused = CertificateRevocationLists::from_pem(
      x509::pem_encode("X509 CRL", one_) + x509::pem_encode("X509 CRL", build_crl(delta, *key_)));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kBadConfig);
  EXPECT_NE(refused.error().reason.find("PEM text (CRL 1)"), std::string::npos)
      << refused.error().reason;
  EXPECT_NE(refused.error().reason.find("unsupported: a delta CRL"), std::string::npos)
      << refused.error().reason;

  auto empty = CertificateRevocationLists::from_der({});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().kind, ErrorKind::kBadConfig);

  auto bad_pem = CertificateRevocationLists::from_pem("-----BEGIN X509 CRL-----\nAAAA\n");
  ASSERT_FALSE(bad_pem.ok());
  EXPECT_EQ(bad_pem.error().kind, ErrorKind::kBadConfig);
}

TEST_F(CrlLoad, FromFiles) {
  std::string pem_path = write("a.pem", x509::pem_encode("X509 CRL", one_));
  std::string der_path = write("b.crl", as_text(two_));
  auto pem = CertificateRevocationLists::from_file(pem_path);
  ASSERT_TRUE(pem.ok()) << pem.error().reason;
  EXPECT_EQ((*pem)->size(), 1u);
  auto der = CertificateRevocationLists::from_file(der_path);
  ASSERT_TRUE(der.ok()) << der.error().reason;
  EXPECT_EQ((*der)->size(), 1u);
  EXPECT_TRUE(std::ranges::equal(x509::Internals::impl(**der).ders[0], two_));
  auto both = CertificateRevocationLists::from_files({pem_path, der_path});
  ASSERT_TRUE(both.ok()) << both.error().reason;
  EXPECT_EQ((*both)->size(), 2u);

  auto missing = CertificateRevocationLists::from_file(dir_ + "/missing.crl");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kBadConfig);
  EXPECT_NE(missing.error().reason.find("missing.crl"), std::string::npos);

  std::string junk = write("junk.crl", "not a CRL at all");
  auto neither = CertificateRevocationLists::from_file(junk);
  ASSERT_FALSE(neither.ok());
  EXPECT_NE(neither.error().reason.find("neither PEM nor a DER CRL"), std::string::npos);

  Bytes broken = two_;
  broken.back() ^= 0xff;
  broken.push_back(0x00);
  std::string bad = write("bad.crl", as_text(broken));
  auto refused = CertificateRevocationLists::from_files({pem_path, bad});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().reason.find(bad + " cannot be used"), std::string::npos)
      << refused.error().reason;
}

}  // namespace
}  // namespace glasstls
