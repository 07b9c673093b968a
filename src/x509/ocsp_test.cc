// ocsp_test.cc: parse_ocsp_response and check_ocsp_response on responses built here, byte by
// byte with DerWriter, and signed with keys generated at test time.
#include "x509/ocsp.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "asn1/der.h"
#include "pki/cert_builder.h"
#include "x509/certificate.h"

namespace glasstls::x509 {
namespace {

constexpr int64_t kNow = 1748736000;  // 2025-06-01 00:00:00 UTC
constexpr int64_t kDay = 86400;
constexpr int64_t kSkew = 300;

const crypto::CryptoProvider& provider() { return crypto::openssl_provider(); }

Bytes to_bytes(ByteView v) { return Bytes(v.begin(), v.end()); }

std::shared_ptr<const crypto::SigningKey> generate(crypto::KeyType type) {
  auto k = provider().keys->generate(type);
  EXPECT_TRUE(k.ok()) << (k.ok() ? "" : k.error().to_string());
  return k.ok() ? *k : nullptr;
}

// RawExt is one extension to encode; `explicit_false` writes critical FALSE explicitly.
struct RawExt {
  Bytes oid;
  bool critical = false;
  Bytes value;
  bool explicit_false = false;
};

void add_extensions(DerWriter& w, const std::vector<RawExt>& exts) {
  w.add_sequence([&](DerWriter& list) {
    for (const RawExt& e : exts) {
      list.add_sequence([&](DerWriter& x) {
        x.add_oid(e.oid);
        if (e.critical || e.explicit_false) {
          x.add_bool(e.critical);
        }
        x.add_octet_string(e.value);
      });
    }
  });
}

void add_generalized_time(DerWriter& w, int64_t t) {
  std::optional<CivilTime> c = to_civil(t);
  ASSERT_TRUE(c.has_value());
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d%02d%02d%02d%02d%02dZ", static_cast<int>(c->year), c->month,
                c->day, c->hour, c->minute, c->second);
  w.add_string(tag::kGeneralizedTime, buf);
}

// Single describes one SingleResponse.
struct Single {
  Bytes hash_oid = Bytes(std::begin(oid::kSha1), std::end(oid::kSha1));
  bool null_params = true;
  Bytes name_hash;
  Bytes key_hash;
  Bytes serial;    // INTEGER contents
  int status = 0;  // 0 good, 1 revoked, 2 unknown
  int64_t revocation_time = kNow - 10 * kDay;
  std::optional<int> reason;
  int64_t this_update = kNow - kDay;
  std::optional<int64_t> next_update = kNow + 6 * kDay;
  std::vector<RawExt> extensions;
  // raw_status, when set, replaces the certStatus element; raw_this_update the thisUpdate one.
  std::optional<Bytes> raw_status;
  std::optional<Bytes> raw_this_update;
};

// Spec describes a whole OCSPResponse.
struct Spec {
  int status = 0;
  Bytes response_type = Bytes(std::begin(oid::kOcspBasic), std::end(oid::kOcspBasic));
  std::optional<uint64_t> explicit_version;
  // responder_name (byName) when non-empty, else responder_key_hash (byKey).
  Bytes responder_name;
  Bytes responder_key_hash;
  std::optional<Bytes> raw_responder_id;
  int64_t produced_at = kNow - kDay;
  std::vector<Single> responses;
  std::vector<RawExt> extensions;
  bool empty_extension_list = false;
  std::vector<Bytes> certs;
  bool corrupt_signature = false;
  bool with_bytes = true;
};

Bytes encode_single(const Single& s) {
  DerWriter w;
  w.add_sequence([&](DerWriter& sr) {
    sr.add_sequence([&](DerWriter& id) {
      id.add_sequence([&](DerWriter& alg) {
        alg.add_oid(s.hash_oid);
        if (s.null_params) {
          alg.add_null();
        }
      });
      id.add_octet_string(s.name_hash);
      id.add_octet_string(s.key_hash);
      id.add(tag::kInteger, s.serial);
    });
    if (s.raw_status) {
      sr.add_raw(*s.raw_status);
    } else if (s.status == 0) {
      sr.add(tag::context_specific(0), ByteView());
    } else if (s.status == 2) {
      sr.add(tag::context_specific(2), ByteView());
    } else {
      sr.add_constructed(tag::context_constructed(1), [&](DerWriter& info) {
        add_generalized_time(info, s.revocation_time);
        if (s.reason) {
          info.add_constructed(tag::context_constructed(0), [&](DerWriter& r) {
            uint8_t v = static_cast<uint8_t>(*s.reason);
            r.add(0x0a, ByteView(&v, 1));
          });
        }
      });
    }
    if (s.raw_this_update) {
      sr.add_raw(*s.raw_this_update);
    } else {
      add_generalized_time(sr, s.this_update);
    }
    if (s.next_update) {
      sr.add_constructed(tag::context_constructed(0),
                         [&](DerWriter& n) { add_generalized_time(n, *s.next_update); });
    }
    if (!s.extensions.empty()) {
      sr.add_constructed(tag::context_constructed(1),
                         [&](DerWriter& e) { add_extensions(e, s.extensions); });
    }
  });
  return std::move(w).take();
}

Bytes encode_status_only(int status) {
  DerWriter w;
  w.add_sequence([&](DerWriter& r) {
    uint8_t v = static_cast<uint8_t>(status);
    r.add(0x0a, ByteView(&v, 1));
  });
  return std::move(w).take();
}

// encode signs the ResponseData of `spec` with `key` (P-256, ecdsa-with-SHA256).
Bytes encode(const Spec& spec, const crypto::SigningKey& key) {
  DerWriter tbs;
  tbs.add_sequence([&](DerWriter& d) {
    if (spec.explicit_version) {
      d.add_constructed(tag::context_constructed(0),
                        [&](DerWriter& v) { v.add_uint64(*spec.explicit_version); });
    }
    if (spec.raw_responder_id) {
      d.add_raw(*spec.raw_responder_id);
    } else if (!spec.responder_name.empty()) {
      d.add_constructed(tag::context_constructed(1),
                        [&](DerWriter& n) { n.add_raw(spec.responder_name); });
    } else {
      d.add_constructed(tag::context_constructed(2),
                        [&](DerWriter& k) { k.add_octet_string(spec.responder_key_hash); });
    }
    add_generalized_time(d, spec.produced_at);
    d.add_sequence([&](DerWriter& list) {
      for (const Single& s : spec.responses) {
        list.add_raw(encode_single(s));
      }
    });
    if (!spec.extensions.empty() || spec.empty_extension_list) {
      d.add_constructed(tag::context_constructed(1),
                        [&](DerWriter& e) { add_extensions(e, spec.extensions); });
    }
  });
  Result<Bytes> sig = key.sign(SignatureScheme::ecdsa_secp256r1_sha256, tbs.view());
  EXPECT_TRUE(sig.ok());
  Bytes signature = sig.ok() ? *sig : Bytes{};
  if (spec.corrupt_signature && !signature.empty()) {
    signature[signature.size() / 2] ^= 0x01;
  }
  DerWriter basic;
  basic.add_sequence([&](DerWriter& b) {
    b.add_raw(tbs.view());
    b.add_sequence([&](DerWriter& alg) { alg.add_oid(oid::kEcdsaWithSha256); });
    b.add_bit_string(signature);
    if (!spec.certs.empty()) {
      b.add_constructed(tag::context_constructed(0), [&](DerWriter& e) {
        e.add_sequence([&](DerWriter& list) {
          for (const Bytes& c : spec.certs) {
            list.add_raw(c);
          }
        });
      });
    }
  });
  DerWriter w;
  w.add_sequence([&](DerWriter& r) {
    uint8_t v = static_cast<uint8_t>(spec.status);
    r.add(0x0a, ByteView(&v, 1));
    if (spec.with_bytes) {
      r.add_constructed(tag::context_constructed(0), [&](DerWriter& rb) {
        rb.add_sequence([&](DerWriter& s) {
          s.add_oid(spec.response_type);
          s.add_octet_string(basic.view());
        });
      });
    }
  });
  return std::move(w).take();
}

Bytes sha1(ByteView data) { return provider().sha1->digest(data); }

// Pki is a CA, a leaf it issued, a second CA, and a delegated OCSP responder of the first CA.
class OcspTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(provider().sha1, nullptr);
    ca_key_ = generate(crypto::KeyType::kEcdsaP256);
    other_key_ = generate(crypto::KeyType::kEcdsaP256);
    leaf_key_ = generate(crypto::KeyType::kEcdsaP256);
    responder_key_ = generate(crypto::KeyType::kEcdsaP256);
    ASSERT_TRUE(ca_key_ && other_key_ && leaf_key_ && responder_key_);
    ca_der_ = make_ca("OCSP Test CA", *ca_key_);
    other_der_ = make_ca("Other CA", *other_key_);
    CertSpec leaf;
    leaf.serial = {0x12, 0x34, 0x56, 0x78};
    leaf.issuer_cn = "OCSP Test CA";
    leaf.subject_cn = "leaf.example";
    leaf.dns_names = {"leaf.example"};
    leaf.not_before = kNow - 30 * kDay;
    leaf.not_after = kNow + 30 * kDay;
    leaf.subject_spki = leaf_key_->public_key_spki();
    leaf_der_ = build(leaf, *ca_key_);
    responder_der_ = make_responder("OCSP Test CA", *ca_key_, true);
    parse_all();
  }

  Bytes build(const CertSpec& spec, const crypto::SigningKey& key) {
    Result<Bytes> der = build_certificate(spec, key, provider());
    EXPECT_TRUE(der.ok()) << (der.ok() ? "" : der.error().to_string());
    return der.ok() ? *der : Bytes{};
  }

  Bytes make_ca(const std::string& cn, const crypto::SigningKey& key) {
    CertSpec ca;
    ca.serial = {0x01};
    ca.issuer_cn = cn;
    ca.subject_cn = cn;
    ca.not_before = kNow - 365 * kDay;
    ca.not_after = kNow + 365 * kDay;
    ca.subject_spki = key.public_key_spki();
    ca.is_ca = true;
    return build(ca, key);
  }

  // make_responder makes a delegated responder certificate "OCSP Responder" issued under the
  // name `issuer_cn` with `signer`; `ocsp_signing` selects extKeyUsage OCSPSigning
  // (otherwise serverAuth).
  Bytes make_responder(const std::string& issuer_cn, const crypto::SigningKey& signer,
                       bool ocsp_signing, const std::function<void(CertSpec&)>& adjust = nullptr) {
    CertSpec r;
    r.serial = {0x77};
    r.issuer_cn = issuer_cn;
    r.subject_cn = "OCSP Responder";
    r.not_before = kNow - 30 * kDay;
    r.not_after = kNow + 30 * kDay;
    r.subject_spki = responder_key_->public_key_spki();
    r.ext_key_usages = std::vector<Bytes>{
        ocsp_signing ? Bytes(std::begin(oid::kOcspSigning), std::end(oid::kOcspSigning))
                     : Bytes(std::begin(oid::kServerAuth), std::end(oid::kServerAuth))};
    if (adjust) {
      adjust(r);
    }
    return build(r, signer);
  }

  void parse_all() {
    Result<Certificate> ca = parse_certificate(ca_der_);
    ASSERT_TRUE(ca.ok()) << ca.error().to_string();
    ca_ = *ca;
    Result<Certificate> other = parse_certificate(other_der_);
    ASSERT_TRUE(other.ok()) << other.error().to_string();
    other_ = *other;
    Result<Certificate> leaf = parse_certificate(leaf_der_);
    ASSERT_TRUE(leaf.ok()) << leaf.error().to_string();
    leaf_ = *leaf;
  }

  // good_single is a SingleResponse "good" about the leaf with a SHA-1 CertID.
  Single good_single() const {
    Single s;
    s.name_hash = sha1(leaf_.issuer);
    s.key_hash = sha1(ca_.public_key);
    s.serial = to_bytes(leaf_.serial);
    return s;
  }

  // by_issuer is a response about the leaf signed by the CA, responderID byName.
  Spec by_issuer() const {
    Spec spec;
    spec.responder_name = to_bytes(ca_.subject);
    spec.responses.push_back(good_single());
    return spec;
  }

  Spec by_responder(const Bytes& responder_der) const {
    Spec spec;
    Result<Certificate> r = parse_certificate(responder_der);
    EXPECT_TRUE(r.ok());
    if (r.ok()) {
      spec.responder_name = to_bytes(r->subject);
    }
    spec.certs.push_back(responder_der);
    spec.responses.push_back(good_single());
    return spec;
  }

  Result<OcspVerdict> check(const Bytes& der, int64_t now = kNow) const {
    return check_ocsp_response(der, leaf_, ca_, now, kSkew, provider());
  }

  // expect_refused checks that `der` is refused with bad_certificate_status_response and a
  // reason containing `needle`.
  void expect_refused(const Bytes& der, const std::string& needle, int64_t now = kNow) const {
    Result<OcspVerdict> v = check(der, now);
    ASSERT_FALSE(v.ok()) << v->detail;
    EXPECT_EQ(v.error().kind, ErrorKind::kInvalidCertificate);
    EXPECT_EQ(v.error().alert, AlertDescription::bad_certificate_status_response);
    EXPECT_NE(v.error().reason.find(needle), std::string::npos) << v.error().reason;
  }

  void expect_parse_error(const Bytes& der, const std::string& needle) const {
    Result<OcspResponse> r = parse_ocsp_response(der);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidCertificate);
    EXPECT_EQ(r.error().alert, AlertDescription::bad_certificate_status_response);
    EXPECT_NE(r.error().reason.find(needle), std::string::npos) << r.error().reason;
    expect_refused(der, needle);
  }

  std::shared_ptr<const crypto::SigningKey> ca_key_, other_key_, leaf_key_, responder_key_;
  Bytes ca_der_, other_der_, leaf_der_, responder_der_;
  Certificate ca_, other_, leaf_;
};

TEST(OcspSha1Test, KnownAnswer) {
  // FIPS 180-2 appendix A.1: SHA-1("abc").
  ASSERT_NE(provider().sha1, nullptr);
  const uint8_t abc[] = {'a', 'b', 'c'};
  EXPECT_EQ(to_hex(provider().sha1->digest(abc)), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(provider().sha1->output_len(), 20u);
}

TEST_F(OcspTest, GoodSignedByIssuerByName) {
  Bytes der = encode(by_issuer(), *ca_key_);
  Result<OcspResponse> parsed = parse_ocsp_response(der);
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  EXPECT_EQ(parsed->status, OcspResponseStatus::kSuccessful);
  EXPECT_EQ(parsed->version, 1);
  EXPECT_EQ(to_bytes(parsed->responder_name), to_bytes(ca_.subject));
  EXPECT_EQ(parsed->produced_at, kNow - kDay);
  ASSERT_EQ(parsed->responses.size(), 1u);
  EXPECT_EQ(to_bytes(parsed->responses[0].cert_id.serial), to_bytes(leaf_.serial));
  EXPECT_EQ(parsed->responses[0].status, OcspCertStatus::kGood);

  Result<OcspVerdict> v = check(der);
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  EXPECT_EQ(v->status, OcspVerdict::Status::kGood);
  EXPECT_EQ(v->produced_at, kNow - kDay);
  EXPECT_EQ(v->this_update, kNow - kDay);
  EXPECT_EQ(v->next_update, kNow + 6 * kDay);
  EXPECT_FALSE(v->revocation_time.has_value());
  EXPECT_EQ(v->detail,
            "good according to an OCSP response signed by CN=OCSP Test CA (the issuer) produced "
            "2025-05-31 00:00:00 UTC, thisUpdate 2025-05-31 00:00:00 UTC, nextUpdate "
            "2025-06-07 00:00:00 UTC");
}

TEST_F(OcspTest, GoodSignedByIssuerByKeyHash) {
  Spec spec = by_issuer();
  spec.responder_name.clear();
  spec.responder_key_hash = sha1(ca_.public_key);
  Result<OcspVerdict> v = check(encode(spec, *ca_key_));
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  EXPECT_EQ(v->status, OcspVerdict::Status::kGood);
  // A key hash of another key is another responder.
  spec.responder_key_hash = sha1(other_.public_key);
  expect_refused(encode(spec, *ca_key_), "neither");
}

TEST_F(OcspTest, EveryUnsuccessfulStatusIsRefusedByName) {
  const std::pair<int, const char*> statuses[] = {{1, "malformedRequest"},
                                                  {2, "internalError"},
                                                  {3, "tryLater"},
                                                  {5, "sigRequired"},
                                                  {6, "unauthorized"}};
  for (const auto& [value, name] : statuses) {
    SCOPED_TRACE(name);
    Bytes der = encode_status_only(value);
    Result<OcspResponse> parsed = parse_ocsp_response(der);
    ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
    EXPECT_EQ(static_cast<int>(parsed->status), value);
    EXPECT_STREQ(ocsp_response_status_name(parsed->status), name);
    expect_refused(der, std::string("responseStatus is ") + name);
    EXPECT_NE(describe_ocsp_response(der).find(name), std::string::npos);
  }
}

TEST_F(OcspTest, StatusAndResponseBytesMustAgree) {
  expect_parse_error(encode_status_only(4), "responseStatus 4 is not defined");
  expect_parse_error(encode_status_only(7), "responseStatus 7 is not defined");
  expect_parse_error(encode_status_only(0), "successful response has no responseBytes");
  Spec spec = by_issuer();
  spec.status = 3;
  expect_parse_error(encode(spec, *ca_key_), "tryLater comes with responseBytes");
}

TEST_F(OcspTest, OnlyBasicResponsesAreUnderstood) {
  Spec spec = by_issuer();
  spec.response_type = Bytes(std::begin(oid::kOcspNonce), std::end(oid::kOcspNonce));
  expect_parse_error(encode(spec, *ca_key_), "is not id-pkix-ocsp-basic");
}

TEST_F(OcspTest, ResponseSignedByAnotherCaIsRefused) {
  // Another CA, naming itself as the responder.
  Spec spec = by_issuer();
  spec.responder_name = to_bytes(other_.subject);
  expect_refused(encode(spec, *other_key_), "neither CN=OCSP Test CA");
  // Another key, naming the issuer.
  expect_refused(encode(by_issuer(), *other_key_),
                 "signature (ecdsa-with-SHA256) does not verify with the key of CN=OCSP Test CA");
  // Another CA's certificate included, named as responder: it is not a delegate of the issuer.
  spec.certs.push_back(other_der_);
  expect_refused(encode(spec, *other_key_), "was issued by CN=Other CA, not by CN=OCSP Test CA");
}

TEST_F(OcspTest, BadSignatureIsRefused) {
  Spec spec = by_issuer();
  spec.corrupt_signature = true;
  expect_refused(encode(spec, *ca_key_), "does not verify");
}

TEST_F(OcspTest, DelegatedResponderIsAccepted) {
  Bytes der = encode(by_responder(responder_der_), *responder_key_);
  Result<OcspResponse> parsed = parse_ocsp_response(der);
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  ASSERT_EQ(parsed->certs.size(), 1u);
  EXPECT_EQ(to_bytes(parsed->certs[0]), responder_der_);
  Result<OcspVerdict> v = check(der);
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  EXPECT_EQ(v->status, OcspVerdict::Status::kGood);
  EXPECT_NE(v->detail.find("signed by CN=OCSP Responder (delegated responder)"), std::string::npos)
      << v->detail;

  // The same by key hash.
  Spec spec = by_responder(responder_der_);
  Result<Certificate> r = parse_certificate(responder_der_);
  ASSERT_TRUE(r.ok());
  spec.responder_name.clear();
  spec.responder_key_hash = sha1(r->public_key);
  v = check(encode(spec, *responder_key_));
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  EXPECT_NE(v->detail.find("(delegated responder)"), std::string::npos);
}

TEST_F(OcspTest, DelegatedResponderMustSignTheResponse) {
  // The delegate's certificate is included and named, but another key signed.
  expect_refused(encode(by_responder(responder_der_), *other_key_),
                 "does not verify with the key of CN=OCSP Responder (delegated responder)");
  Spec spec = by_responder(responder_der_);
  spec.corrupt_signature = true;
  expect_refused(encode(spec, *responder_key_), "does not verify");
}

TEST_F(OcspTest, DelegatedResponderMustBeIncluded) {
  Spec spec = by_responder(responder_der_);
  spec.certs.clear();
  expect_refused(encode(spec, *responder_key_), "which is neither");
}

TEST_F(OcspTest, DelegatedResponderWithoutOcspSigningIsRefused) {
  Bytes plain = make_responder("OCSP Test CA", *ca_key_, false);
  expect_refused(encode(by_responder(plain), *responder_key_), "no extKeyUsage id-kp-OCSPSigning");
  // Without extKeyUsage at all.
  Bytes none = make_responder("OCSP Test CA", *ca_key_, true,
                              [](CertSpec& s) { s.ext_key_usages = std::vector<Bytes>{}; });
  expect_refused(encode(by_responder(none), *responder_key_), "no extKeyUsage id-kp-OCSPSigning");
}

TEST_F(OcspTest, DelegatedResponderOfAnotherCaIsRefused) {
  // Issued by the other CA under its own name.
  Bytes other = make_responder("Other CA", *other_key_, true);
  expect_refused(encode(by_responder(other), *responder_key_), "was issued by CN=Other CA");
  // Claiming the issuer's name but signed by another key.
  Bytes forged = make_responder("OCSP Test CA", *other_key_, true);
  expect_refused(encode(by_responder(forged), *responder_key_),
                 "delegated responder CN=OCSP Responder's certificate: signature");
}

TEST_F(OcspTest, DelegatedResponderOutsideItsValidityIsRefused) {
  Bytes expired = make_responder("OCSP Test CA", *ca_key_, true, [](CertSpec& s) {
    s.not_before = kNow - 30 * kDay;
    s.not_after = kNow - 1;
  });
  expect_refused(encode(by_responder(expired), *responder_key_), "outside its validity period");
  Bytes future =
      make_responder("OCSP Test CA", *ca_key_, true, [](CertSpec& s) { s.not_before = kNow + 1; });
  expect_refused(encode(by_responder(future), *responder_key_), "outside its validity period");
  // At the last second of its validity it is still accepted.
  Bytes edge =
      make_responder("OCSP Test CA", *ca_key_, true, [](CertSpec& s) { s.not_after = kNow; });
  Result<OcspVerdict> v = check(encode(by_responder(edge), *responder_key_));
  EXPECT_TRUE(v.ok()) << v.error().to_string();
}

TEST_F(OcspTest, DelegatedResponderWithUnhandledCriticalExtensionIsRefused) {
  Bytes odd = make_responder("OCSP Test CA", *ca_key_, true, [](CertSpec& s) {
    s.extra_extensions.push_back(
        {{0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x01}, true, {0x05, 0x00}});
  });
  expect_refused(encode(by_responder(odd), *responder_key_), "critical extension 1.3.6.1.4.1");
}

TEST_F(OcspTest, CertIdMustMatch) {
  Spec spec = by_issuer();
  spec.responses[0].name_hash = sha1(other_.subject);
  expect_refused(encode(spec, *ca_key_), "issuerNameHash is not the hash of CN=OCSP Test CA");

  spec = by_issuer();
  spec.responses[0].key_hash = sha1(other_.public_key);
  expect_refused(encode(spec, *ca_key_), "issuerKeyHash is not the hash of the key");

  spec = by_issuer();
  spec.responses[0].serial = {0x12, 0x34, 0x56, 0x79};
  expect_refused(encode(spec, *ca_key_), "is about serial 0x12345679");

  spec = by_issuer();
  spec.responses.clear();
  expect_refused(encode(spec, *ca_key_), "the response lists none");

  // An MD5 CertID is not understood.
  spec = by_issuer();
  spec.responses[0].hash_oid = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05};
  expect_refused(encode(spec, *ca_key_), "hash algorithm 1.2.840.113549.2.5 is not supported");
}

TEST_F(OcspTest, MatchingSingleResponseIsFoundAmongOthers) {
  Spec spec = by_issuer();
  Single other = good_single();
  other.serial = {0x01};
  other.status = 1;
  spec.responses.insert(spec.responses.begin(), other);
  Result<OcspVerdict> v = check(encode(spec, *ca_key_));
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  EXPECT_EQ(v->status, OcspVerdict::Status::kGood);
}

TEST_F(OcspTest, Sha2CertIdsMatch) {
  struct Case {
    ByteView oid;
    const crypto::Hash* hash;
    bool null_params;
  };
  const Case cases[] = {{oid::kSha256, provider().sha256, false},
                        {oid::kSha256, provider().sha256, true},
                        {oid::kSha384, provider().sha384, false},
                        {oid::kSha512, provider().sha512, false}};
  for (const Case& c : cases) {
    SCOPED_TRACE(oid_to_string(c.oid));
    Spec spec = by_issuer();
    Single& s = spec.responses[0];
    s.hash_oid = to_bytes(c.oid);
    s.null_params = c.null_params;
    s.name_hash = c.hash->digest(leaf_.issuer);
    s.key_hash = c.hash->digest(ca_.public_key);
    Result<OcspVerdict> v = check(encode(spec, *ca_key_));
    ASSERT_TRUE(v.ok()) << v.error().to_string();
    EXPECT_EQ(v->status, OcspVerdict::Status::kGood);
    // The SHA-1 hashes under a SHA-256 identifier do not match.
    s.name_hash = sha1(leaf_.issuer);
    s.key_hash = sha1(ca_.public_key);
    expect_refused(encode(spec, *ca_key_), "issuerNameHash");
  }
}

TEST_F(OcspTest, ThisUpdateInTheFutureIsRefused) {
  Spec spec = by_issuer();
  spec.responses[0].this_update = kNow + kSkew;
  spec.responses[0].next_update = kNow + 7 * kDay;
  Result<OcspVerdict> v = check(encode(spec, *ca_key_));
  EXPECT_TRUE(v.ok()) << v.error().to_string();
  spec.responses[0].this_update = kNow + kSkew + 1;
  expect_refused(encode(spec, *ca_key_), "not yet valid: thisUpdate 2025-06-01 00:05:01 UTC");
}

TEST_F(OcspTest, NextUpdateInThePastIsRefused) {
  Spec spec = by_issuer();
  spec.responses[0].this_update = kNow - 7 * kDay;
  spec.responses[0].next_update = kNow - kSkew;
  Result<OcspVerdict> v = check(encode(spec, *ca_key_));
  EXPECT_TRUE(v.ok()) << v.error().to_string();
  spec.responses[0].next_update = kNow - kSkew - 1;
  expect_refused(encode(spec, *ca_key_), "expired: nextUpdate 2025-05-31 23:54:59 UTC");
  // A response valid now is expired later.
  expect_refused(encode(by_issuer(), *ca_key_), "expired", kNow + 30 * kDay);
}

TEST_F(OcspTest, WithoutNextUpdateAResponseLastsSevenDays) {
  Spec spec = by_issuer();
  spec.responses[0].next_update.reset();
  spec.responses[0].this_update = kNow - 7 * kDay - kSkew;
  Result<OcspVerdict> v = check(encode(spec, *ca_key_));
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  EXPECT_FALSE(v->next_update.has_value());
  EXPECT_NE(v->detail.find("nextUpdate none"), std::string::npos) << v->detail;
  spec.responses[0].this_update = kNow - 7 * kDay - kSkew - 1;
  expect_refused(encode(spec, *ca_key_), "too old: no nextUpdate");
}

TEST_F(OcspTest, RevokedWithAndWithoutReason) {
  Spec spec = by_issuer();
  spec.responses[0].status = 1;
  spec.responses[0].reason = 1;
  Result<OcspVerdict> v = check(encode(spec, *ca_key_));
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  EXPECT_EQ(v->status, OcspVerdict::Status::kRevoked);
  EXPECT_EQ(v->revocation_time, kNow - 10 * kDay);
  EXPECT_EQ(v->reason, 1);
  EXPECT_EQ(v->detail.rfind("revoked at 2025-05-22 00:00:00 UTC (keyCompromise) according to", 0),
            0u)
      << v->detail;

  spec.responses[0].reason.reset();
  v = check(encode(spec, *ca_key_));
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  EXPECT_EQ(v->status, OcspVerdict::Status::kRevoked);
  EXPECT_FALSE(v->reason.has_value());

  // certificateHold (6), removeFromCRL (8) and aACompromise (10) are reasons; 7 and 11 are not.
  for (int reason : {6, 8, 10}) {
    spec.responses[0].reason = reason;
    v = check(encode(spec, *ca_key_));
    ASSERT_TRUE(v.ok()) << v.error().to_string();
    EXPECT_EQ(v->reason, reason);
  }
  for (int reason : {7, 11}) {
    spec.responses[0].reason = reason;
    expect_parse_error(encode(spec, *ca_key_), "is not a defined CRLReason");
  }
}

TEST_F(OcspTest, UnknownStatus) {
  Spec spec = by_issuer();
  spec.responses[0].status = 2;
  Result<OcspVerdict> v = check(encode(spec, *ca_key_));
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  EXPECT_EQ(v->status, OcspVerdict::Status::kUnknown);
  EXPECT_EQ(v->detail.rfind("unknown according to", 0), 0u) << v->detail;
}

TEST_F(OcspTest, MalformedDerIsRefusedNamingTheField) {
  Bytes good = encode(by_issuer(), *ca_key_);
  // Every truncation and a trailing byte.
  for (size_t n = 0; n < good.size(); n++) {
    Result<OcspResponse> r = parse_ocsp_response(ByteView(good.data(), n));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.error().alert, AlertDescription::bad_certificate_status_response);
  }
  Bytes trailing = good;
  trailing.push_back(0);
  expect_parse_error(trailing, "OCSPResponse");
  Bytes wrong_top = good;
  wrong_top[0] = 0x31;
  expect_parse_error(wrong_top, "OCSPResponse");
  // responseStatus as an INTEGER instead of ENUMERATED.
  Bytes integer_status = good;
  size_t hdr = good[1] < 0x80 ? 2 : 2 + (good[1] & 0x7f);
  integer_status[hdr] = tag::kInteger;
  expect_parse_error(integer_status, "responseStatus");

  Spec spec = by_issuer();
  spec.explicit_version = 0;
  expect_parse_error(encode(spec, *ca_key_), "version encodes the DEFAULT v1");
  spec.explicit_version = 1;
  expect_parse_error(encode(spec, *ca_key_), "version 1 is not v1 (0)");

  spec = by_issuer();
  spec.raw_responder_id = Bytes{0x83, 0x00};
  expect_parse_error(encode(spec, *ca_key_), "responderID has tag 0x83");
  spec.raw_responder_id = Bytes{0xa2, 0x04, 0x04, 0x02, 0x01, 0x02};
  expect_parse_error(encode(spec, *ca_key_), "responderID byKey holds 2 bytes");

  spec = by_issuer();
  spec.responses[0].raw_status = Bytes{0x83, 0x00};
  expect_parse_error(encode(spec, *ca_key_), "certStatus has tag 0x83");
  spec.responses[0].raw_status = Bytes{0x80, 0x01, 0x00};
  expect_parse_error(encode(spec, *ca_key_), "certStatus good is an IMPLICIT NULL");

  spec = by_issuer();
  // thisUpdate as UTCTime: RFC 6960 uses GeneralizedTime only.
  spec.responses[0].raw_this_update =
      Bytes{0x17, 0x0d, '2', '5', '0', '5', '3', '1', '0', '0', '0', '0', '0', '0', 'Z'};
  expect_parse_error(encode(spec, *ca_key_), "thisUpdate");
  // A GeneralizedTime with fractional seconds.
  const char frac[] = "20250531000000.5Z";
  Bytes t{0x18, static_cast<uint8_t>(sizeof(frac) - 1)};
  t.insert(t.end(), frac, frac + sizeof(frac) - 1);
  spec.responses[0].raw_this_update = t;
  expect_parse_error(encode(spec, *ca_key_), "thisUpdate");

  spec = by_issuer();
  spec.empty_extension_list = true;
  expect_parse_error(encode(spec, *ca_key_), "responseExtensions is an empty list");

  spec = by_issuer();
  RawExt nonce{to_bytes(oid::kOcspNonce), false, {0x04, 0x02, 0xab, 0xcd}};
  spec.extensions = {nonce, nonce};
  expect_parse_error(encode(spec, *ca_key_), "appears twice");
  nonce.explicit_false = true;
  spec.extensions = {nonce};
  expect_parse_error(encode(spec, *ca_key_), "encodes the DEFAULT critical FALSE");
}

TEST_F(OcspTest, UnknownCriticalExtensionsAreRefused) {
  const Bytes unknown_oid = {0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x63};
  Spec spec = by_issuer();
  spec.extensions = {{to_bytes(oid::kOcspNonce), true, {0x04, 0x02, 0xab, 0xcd}},
                     {unknown_oid, false, {0x05, 0x00}}};
  Bytes der = encode(spec, *ca_key_);
  Result<OcspResponse> parsed = parse_ocsp_response(der);
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  EXPECT_EQ(to_hex(parsed->nonce), "0402abcd");
  ASSERT_EQ(parsed->extensions.size(), 2u);
  EXPECT_TRUE(check(der).ok());

  spec.extensions[1].critical = true;
  expect_parse_error(encode(spec, *ca_key_),
                     "responseExtensions: critical extension 1.3.6.1.4.1.311.99 is not understood");

  spec = by_issuer();
  spec.responses[0].extensions = {{unknown_oid, false, {0x05, 0x00}}};
  EXPECT_TRUE(check(encode(spec, *ca_key_)).ok());
  spec.responses[0].extensions[0].critical = true;
  expect_parse_error(encode(spec, *ca_key_),
                     "singleExtensions: critical extension 1.3.6.1.4.1.311.99 is not understood");
}

TEST_F(OcspTest, DescribeSummarisesWithoutRawBytes) {
  Spec spec = by_responder(responder_der_);
  spec.responses[0].status = 1;
  spec.responses[0].reason = 4;
  Single unknown = good_single();
  unknown.serial = {0x00, 0xff};
  unknown.status = 2;
  unknown.next_update.reset();
  spec.responses.push_back(unknown);
  spec.extensions = {{to_bytes(oid::kOcspNonce), false, {0x04, 0x02, 0x0a, 0x1b}}};
  std::string text = describe_ocsp_response(encode(spec, *responder_key_));
  EXPECT_NE(text.find("OCSP response: successful"), std::string::npos) << text;
  EXPECT_NE(text.find("responder: by name, CN=OCSP Responder"), std::string::npos) << text;
  EXPECT_NE(text.find("producedAt: 2025-05-31 00:00:00 UTC"), std::string::npos) << text;
  EXPECT_NE(text.find("serial 0x12345678 (CertID hash SHA-1): revoked at 2025-05-22 00:00:00 "
                      "UTC, reason superseded; thisUpdate 2025-05-31 00:00:00 UTC, nextUpdate "
                      "2025-06-07 00:00:00 UTC"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("serial 0x00ff (CertID hash SHA-1): unknown; thisUpdate 2025-05-31 "
                      "00:00:00 UTC, nextUpdate none"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("extension nonce: 04020a1b"), std::string::npos) << text;
  EXPECT_NE(text.find("signature: ecdsa-with-SHA256, 1 certificate(s) included"), std::string::npos)
      << text;
  EXPECT_NE(text.find("certificate: CN=OCSP Responder, issued by CN=OCSP Test CA"),
            std::string::npos)
      << text;

  // A responder name with control bytes and an escape sequence is escaped.
  Result<Bytes> nasty = build_name({{"CN", "evil\x1b[31m\n\x01"}});
  ASSERT_TRUE(nasty.ok());
  spec = by_issuer();
  spec.responder_name = *nasty;
  text = describe_ocsp_response(encode(spec, *ca_key_));
  EXPECT_NE(text.find("responder: by name, CN=evil"), std::string::npos) << text;
  for (char c : text) {
    EXPECT_TRUE(c == '\n' || (c >= 0x20 && c < 0x7f)) << static_cast<int>(c) << " in " << text;
  }
  // The UTF-8 bytes of a UTF8String come out as \xNN (the fuzzer found that name_to_string
  // passes them through).
  nasty = build_name({{"CN", "caf\xc3\xa9"}});
  ASSERT_TRUE(nasty.ok());
  spec.responder_name = *nasty;
  text = describe_ocsp_response(encode(spec, *ca_key_));
  EXPECT_NE(text.find("responder: by name, CN=caf\\xc3\\xa9\n"), std::string::npos) << text;
  for (char c : text) {
    EXPECT_TRUE(c == '\n' || (c >= 0x20 && c < 0x7f)) << static_cast<int>(c) << " in " << text;
  }
  spec.responder_name.clear();
  spec.responder_key_hash = sha1(ca_.public_key);
  text = describe_ocsp_response(encode(spec, *ca_key_));
  EXPECT_NE(text.find("responder: by key, SHA-1 " + to_hex(sha1(ca_.public_key))),
            std::string::npos)
      << text;

  text = describe_ocsp_response(Bytes{0x30, 0x03, 0x0a, 0x01});
  EXPECT_EQ(text.rfind("OCSP response: does not parse: ", 0), 0u) << text;
}

}  // namespace
}  // namespace glasstls::x509
