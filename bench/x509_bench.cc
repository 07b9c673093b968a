// x509_bench.cc: parsing and validating a three-certificate chain (root, intermediate, leaf),
// glasstls::verify_certificate_chain beside OpenSSL's X509_verify_cert, on the same DER.
//
// Two variants: every key ECDSA P-256 (ecdsa-with-SHA256), and every key RSA-2048
// (sha256WithRSAEncryption). The chain is made once with cert_builder. Each timed iteration
// does the whole job for a fresh chain from DER, on both sides:
//
//   glasstls  verify_certificate_chain(store, {leaf, intermediate}, options), which parses both
//             certificates, builds the path and checks two signatures, validity, basic
//             constraints, key usage, extended key usage (serverAuth) and the DNS name.
//   openssl   d2i_X509 of leaf and intermediate, X509_STORE_CTX_new/init (intermediate
//             untrusted), purpose sslserver, X509_VERIFY_PARAM_set1_host, X509_verify_cert, and
//             the frees.
//
// The trust store (the parsed root) is built once outside the loop on both sides. Benchmark
// names end in "/glasstls" or "/openssl" so scripts/bench can pair them up.
//
// x509_verify_chain_crl10k adds revocation checking of the P-256 chain against a CRL of the
// intermediate listing 10,000 other serial numbers (about 360 KB of DER), loaded once outside
// the loop on both sides: glasstls with VerifyOptions::revocation.crls (the CRL parsed once,
// its serials sorted), OpenSSL with X509_STORE_add_crl and X509_V_FLAG_CRL_CHECK. Each
// iteration then also verifies the CRL's signature and looks the leaf's serial up.

#include <benchmark/benchmark.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "asn1/der.h"
#include "glasstls/crypto.h"
#include "glasstls/x509.h"
#include "pki/cert_builder.h"
#include "x509/certificate.h"

namespace glasstls::bench {
namespace {

constexpr const char kHost[] = "www.example.com";

// BenchChain is root, intermediate and leaf DER for one key type.
struct BenchChain {
  Bytes root;
  Bytes intermediate;
  Bytes leaf;
  // crl is a CRL of the intermediate with 10,000 revoked serials, none of them the leaf's
  // (P-256 chain only).
  Bytes crl;
  bool ok = false;
};

// make_crl builds a v2 CRL issued by `issuer_der`'s subject, signed by `issuer_key`
// (ecdsa-with-SHA256), revoking `count` pseudo-random 16-byte serial numbers.
Bytes make_crl(const Bytes& issuer_der, const crypto::SigningKey& issuer_key, size_t count,
               int64_t now) {
  auto issuer = x509::parse_certificate(issuer_der);
  if (!issuer.ok()) {
    return {};
  }
  auto algorithm = [](x509::DerWriter& w) {
    w.add_sequence([](x509::DerWriter& a) { a.add_oid(x509::oid::kEcdsaWithSha256); });
  };
  x509::DerWriter tbs;
  tbs.add_sequence([&](x509::DerWriter& t) {
    t.add_uint64(1);  // v2
    algorithm(t);
    t.add_raw(issuer->subject);
    t.add_time(now - 3600);
    t.add_time(now + 7 * 86400);
    t.add_sequence([&](x509::DerWriter& list) {
      uint64_t x = 0x9e3779b97f4a7c15ull;
      for (size_t i = 0; i < count; i++) {
        Bytes serial(16);
        for (uint8_t& b : serial) {
          x ^= x << 13;
          x ^= x >> 7;
          x ^= x << 17;
          b = static_cast<uint8_t>(x);
        }
        serial[0] = static_cast<uint8_t>(0x10 | (serial[0] & 0x3f));
        list.add_sequence([&](x509::DerWriter& entry) {
          entry.add_unsigned_integer(serial);
          entry.add_time(now - 86400);
        });
      }
    });
  });
  Bytes tbs_der = std::move(tbs).take();
  auto signature = issuer_key.sign(SignatureScheme::ecdsa_secp256r1_sha256, tbs_der);
  if (!signature.ok()) {
    return {};
  }
  x509::DerWriter crl;
  crl.add_sequence([&](x509::DerWriter& c) {
    c.add_raw(tbs_der);
    algorithm(c);
    c.add_bit_string(*signature);
  });
  return std::move(crl).take();
}

BenchChain make_chain(crypto::KeyType type) {
  BenchChain out;
  const crypto::CryptoProvider& provider = crypto::openssl_provider();
  auto root_key = provider.keys->generate(type);
  auto inter_key = provider.keys->generate(type);
  auto leaf_key = provider.keys->generate(type);
  if (!root_key.ok() || !inter_key.ok() || !leaf_key.ok()) {
    return out;
  }
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  x509::CertSpec root;
  root.serial = Bytes{0x01};
  root.issuer_cn = "Bench Root";
  root.subject_cn = "Bench Root";
  root.not_before = now - 86400;
  root.not_after = now + 365 * 86400;
  root.subject_spki = (*root_key)->public_key_spki();
  root.is_ca = true;
  x509::CertSpec inter = root;
  inter.serial = Bytes{0x02};
  inter.subject_cn = "Bench Intermediate";
  inter.subject_spki = (*inter_key)->public_key_spki();
  inter.path_len = 0;
  x509::CertSpec leaf = root;
  leaf.serial = Bytes{0x03};
  leaf.issuer_cn = "Bench Intermediate";
  leaf.subject_cn = kHost;
  leaf.subject_spki = (*leaf_key)->public_key_spki();
  leaf.is_ca = false;
  leaf.dns_names.push_back(kHost);
  leaf.dns_names.push_back("example.com");
  auto root_der = x509::build_certificate(root, **root_key, provider);
  auto inter_der = x509::build_certificate(inter, **root_key, provider);
  auto leaf_der = x509::build_certificate(leaf, **inter_key, provider);
  if (!root_der.ok() || !inter_der.ok() || !leaf_der.ok()) {
    return out;
  }
  out.root = std::move(*root_der);
  out.intermediate = std::move(*inter_der);
  out.leaf = std::move(*leaf_der);
  if (type == crypto::KeyType::kEcdsaP256) {
    out.crl = make_crl(out.intermediate, **inter_key, 10000, now);
  }
  out.ok = true;
  return out;
}

const BenchChain& chain_for(crypto::KeyType type) {
  static const BenchChain ecdsa = make_chain(crypto::KeyType::kEcdsaP256);
  static const BenchChain rsa = make_chain(crypto::KeyType::kRsa);
  return type == crypto::KeyType::kRsa ? rsa : ecdsa;
}

void glasstls_verify(benchmark::State& state, crypto::KeyType type, bool with_crl) {
  const BenchChain& c = chain_for(type);
  if (!c.ok || (with_crl && c.crl.empty())) {
    state.SkipWithError("cannot build the chain");
    return;
  }
  std::vector<Bytes> anchors;
  anchors.push_back(c.root);
  auto store = TrustStore::from_der(std::move(anchors));
  if (!store.ok()) {
    state.SkipWithError(store.error().to_string().c_str());
    return;
  }
  std::vector<Bytes> chain;
  chain.push_back(c.leaf);
  chain.push_back(c.intermediate);
  VerifyOptions options;
  options.purpose = CertificatePurpose::kServerAuth;
  options.dns_name = kHost;
  if (with_crl) {
    auto crls = CertificateRevocationLists::from_der({c.crl});
    if (!crls.ok()) {
      state.SkipWithError(crls.error().to_string().c_str());
      return;
    }
    options.revocation.crls = *crls;
  }
  for (auto _ : state) {
    Result<VerifiedChain> verified = verify_certificate_chain(**store, chain, options);
    if (!verified.ok()) {
      state.SkipWithError(verified.error().to_string().c_str());
      return;
    }
    benchmark::DoNotOptimize(verified->path.data());
  }
}

X509* parse(const Bytes& der) {
  const unsigned char* p = der.data();
  return d2i_X509(nullptr, &p, static_cast<long>(der.size()));
}

void openssl_verify(benchmark::State& state, crypto::KeyType type, bool with_crl) {
  const BenchChain& c = chain_for(type);
  if (!c.ok || (with_crl && c.crl.empty())) {
    state.SkipWithError("cannot build the chain");
    return;
  }
  X509_STORE* store = X509_STORE_new();
  X509* root = parse(c.root);
  if (store == nullptr || root == nullptr || X509_STORE_add_cert(store, root) != 1) {
    X509_free(root);
    X509_STORE_free(store);
    state.SkipWithError("cannot build the OpenSSL store");
    return;
  }
  X509_free(root);  // The store holds its own reference.
  if (with_crl) {
    const unsigned char* p = c.crl.data();
    X509_CRL* crl = d2i_X509_CRL(nullptr, &p, static_cast<long>(c.crl.size()));
    if (crl == nullptr || X509_STORE_add_crl(store, crl) != 1 ||
        X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK) != 1) {
      X509_CRL_free(crl);
      X509_STORE_free(store);
      state.SkipWithError("cannot add the CRL to the OpenSSL store");
      return;
    }
    X509_CRL_free(crl);
  }
  bool failed = false;
  for (auto _ : state) {
    X509* leaf = parse(c.leaf);
    X509* inter = parse(c.intermediate);
    STACK_OF(X509)* untrusted = sk_X509_new_null();
    X509_STORE_CTX* ctx = X509_STORE_CTX_new();
    int ok = 0;
    if (leaf != nullptr && inter != nullptr && untrusted != nullptr && ctx != nullptr &&
        sk_X509_push(untrusted, inter) > 0 &&
        X509_STORE_CTX_init(ctx, store, leaf, untrusted) == 1 &&
        X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER) == 1 &&
        X509_VERIFY_PARAM_set1_host(X509_STORE_CTX_get0_param(ctx), kHost, 0) == 1) {
      ok = X509_verify_cert(ctx);
    }
    X509_STORE_CTX_free(ctx);
    sk_X509_free(untrusted);  // Does not free `inter`, which may or may not have been pushed.
    X509_free(inter);
    X509_free(leaf);
    if (ok != 1) {
      failed = true;
      break;
    }
  }
  X509_STORE_free(store);
  if (failed) {
    state.SkipWithError("X509_verify_cert failed");
  }
}

BENCHMARK_CAPTURE(glasstls_verify, p256, crypto::KeyType::kEcdsaP256, false)
    ->Name("x509_verify_chain/ecdsa_p256/glasstls")
    ->MinTime(0.2);
BENCHMARK_CAPTURE(openssl_verify, p256, crypto::KeyType::kEcdsaP256, false)
    ->Name("x509_verify_chain/ecdsa_p256/openssl")
    ->MinTime(0.2);
BENCHMARK_CAPTURE(glasstls_verify, rsa2048, crypto::KeyType::kRsa, false)
    ->Name("x509_verify_chain/rsa2048/glasstls")
    ->MinTime(0.2);
BENCHMARK_CAPTURE(openssl_verify, rsa2048, crypto::KeyType::kRsa, false)
    ->Name("x509_verify_chain/rsa2048/openssl")
    ->MinTime(0.2);
BENCHMARK_CAPTURE(glasstls_verify, crl10k, crypto::KeyType::kEcdsaP256, true)
    ->Name("x509_verify_chain_crl10k/ecdsa_p256/glasstls")
    ->MinTime(0.2);
BENCHMARK_CAPTURE(openssl_verify, crl10k, crypto::KeyType::kEcdsaP256, true)
    ->Name("x509_verify_chain_crl10k/ecdsa_p256/openssl")
    ->MinTime(0.2);

}  // namespace
}  // namespace glasstls::bench
