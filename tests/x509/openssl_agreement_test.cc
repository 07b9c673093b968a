// openssl_agreement_test.cc: glasstls's path validation against `openssl verify` on a corpus of
// PKIs made at test time (tests/x509/corpus.h).
//
// Each agreement case asks both verifiers the same question (leaf, untrusted certificates,
// trusted roots, purpose, DNS name or IP address, time) and asserts that both give the expected
// verdict. Where the two disagree, the case is its own named test below (OpenSslDisagreement.*):
// it asserts both verdicts, so a change on either side shows up, and explains in a comment which
// one the RFCs side with.
//
// The corpus is generated once per process (about 100 `openssl` runs, a few seconds); the tests
// skip when the openssl command is missing.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "x509/corpus.h"

namespace glasstls::x509test {
namespace {

using P = CertificatePurpose;

// 2019-06-01T00:00:00Z (before every corpus CA) and 2028-01-01T00:00:00Z (after the leaves).
constexpr int64_t kBeforeRoots = 1559347200;
constexpr int64_t kAfterLeaves = 1830297600;

struct Case {
  const char* name;
  Check check;
  bool valid;
};

#define GLASSTLS_CORPUS(pki)                                   \
  std::string corpus_error;                                    \
  const Pki* pki = corpus(corpus_error);                       \
  if (pki == nullptr && corpus_error == "openssl not found") { \
    GTEST_SKIP() << "the openssl command is not installed";    \
  }                                                            \
  ASSERT_NE(pki, nullptr) << "corpus generation: " << corpus_error

// expect_agreement asserts that glasstls and OpenSSL both return `c.valid`.
void expect_agreement(const Pki& pki, const Case& c) {
  SCOPED_TRACE(c.name);
  Verdict ours = glasstls_verdict(pki, c.check);
  Verdict theirs = openssl_verdict(pki, c.check);
  EXPECT_EQ(ours.valid, c.valid) << c.name << ": glasstls: " << ours.detail;
  EXPECT_EQ(theirs.valid, c.valid) << c.name << ": openssl: " << theirs.detail;
}

void expect_all(const Pki& pki, const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    expect_agreement(pki, c);
  }
}

// Check builders for the usual shapes: a leaf under Inter A under Root A.
Check server(const char* leaf, const char* host = "www.example.com") {
  Check c;
  c.leaf = leaf;
  c.intermediates.push_back("inter_a");
  c.roots.push_back("root_a");
  c.host = host;
  return c;
}

Check server_ip(const char* leaf, const char* ip) {
  Check c = server(leaf, "");
  c.ip = ip;
  return c;
}

Check client(const char* leaf) {
  Check c = server(leaf, "");
  c.purpose = P::kClientAuth;
  return c;
}

Check under(const char* leaf, std::vector<std::string> intermediates, const char* root,
            const char* host = "www.example.com") {
  Check c;
  c.leaf = leaf;
  c.intermediates = std::move(intermediates);
  c.roots.push_back(root);
  c.host = host;
  return c;
}

Check at(Check c, int64_t time) {
  c.time = time;
  return c;
}

// ---------------------------------------------------------------------------------------------
// Agreements.

TEST(OpenSslAgreement, NamesAndAddresses) {
  GLASSTLS_CORPUS(pki);
  expect_all(*pki,
             {
                 {"dns_name", server("leaf_ok"), true},
                 {"dns_name_apex", server("leaf_ok", "example.com"), true},
                 {"dns_name_case_insensitive", server("leaf_ok", "WWW.Example.COM"), true},
                 {"dns_name_wrong", server("leaf_ok", "other.example.com"), false},
                 {"dns_name_suffix_only", server("leaf_ok", "ww.example.com"), false},
                 {"no_reference_name", server("leaf_ok", ""), true},
                 {"ipv4", server_ip("leaf_ok", "192.0.2.10"), true},
                 {"ipv6", server_ip("leaf_ok", "2001:db8::10"), true},
                 {"ipv4_wrong", server_ip("leaf_ok", "192.0.2.11"), false},
                 {"ipv6_wrong", server_ip("leaf_ok", "2001:db8::11"), false},
                 {"ip_only_in_a_dns_san", server_ip("leaf_dns_ip", "192.0.2.20"), false},
                 {"cn_ignored_when_san_present", server("leaf_cn_mismatch"), false},
                 {"cn_only_without_reference_name", server("leaf_cn_only", ""), true},
                 {"wildcard_one_label", server("leaf_wild", "foo.example.com"), true},
                 {"wildcard_two_labels", server("leaf_wild", "a.b.example.com"), false},
                 {"wildcard_not_apex", server("leaf_wild", "example.com"), false},
                 {"wildcard_not_leftmost", server("leaf_inner_wild", "www.foo.example.com"), false},
             });
}

TEST(OpenSslAgreement, PurposesAndKeyUsage) {
  GLASSTLS_CORPUS(pki);
  Check client_as_server = server("leaf_client", "client.example.com");
  Check both_as_client = client("leaf_both");
  Check no_eku_as_client = client("leaf_no_eku");
  expect_all(*pki, {
                       {"client_leaf_for_client", client("leaf_client"), true},
                       {"client_leaf_for_server", client_as_server, false},
                       {"server_leaf_for_client", client("leaf_ok"), false},
                       {"both_for_server", server("leaf_both"), true},
                       {"both_for_client", both_as_client, true},
                       {"no_eku_for_server", server("leaf_no_eku"), true},
                       {"no_eku_for_client", no_eku_as_client, true},
                       {"eku_code_signing_only", server("leaf_eku_codesign"), false},
                       {"eku_any_only", server("leaf_eku_any"), false},
                       {"ku_key_cert_sign_only", server("leaf_ku_certsign"), false},
                       {"no_key_usage", server("leaf_no_ku"), true},
                       {"unknown_critical_extension_leaf", server("leaf_unknown_crit"), false},
                       {"unknown_noncritical_extension_leaf", server("leaf_unknown_noncrit"), true},
                       {"rsa_leaf_under_ecdsa", server("leaf_rsa_key"), true},
                   });
}

TEST(OpenSslAgreement, CaConstraints) {
  GLASSTLS_CORPUS(pki);
  expect_all(
      *pki,
      {
          {"intermediate_ca_false", under("leaf_not_ca_inter", {"inter_not_ca"}, "root_a"), false},
          {"intermediate_no_basic_constraints",
           under("leaf_no_bc_inter", {"inter_no_bc"}, "root_a"), false},
          {"intermediate_no_key_cert_sign",
           under("leaf_no_certsign_inter", {"inter_no_certsign"}, "root_a"), false},
          {"consistent_explicit_key_identifiers", under("leaf_ski", {"inter_ski_1"}, "root_a"),
           true},
          {"path_len_0_exceeded", under("leaf_pl0", {"sub_pl0", "inter_pl0"}, "root_a"), false},
          {"path_len_1_respected", under("leaf_pl1", {"sub_pl1", "inter_pl1"}, "root_a"), true},
          {"intermediate_eku_server",
           under("leaf_eku_server_inter", {"inter_eku_server"}, "root_a"), true},
          {"intermediate_eku_client_only",
           under("leaf_eku_client_inter", {"inter_eku_client"}, "root_a"), false},
          {"unknown_critical_extension_intermediate",
           under("leaf_unknown_crit_inter", {"inter_unknown_crit"}, "root_a"), false},
      });
}

TEST(OpenSslAgreement, PathBuilding) {
  GLASSTLS_CORPUS(pki);
  Check root_in_chain = server("leaf_ok");
  root_in_chain.intermediates.push_back("root_a");
  Check several_roots = server("leaf_ok");
  several_roots.roots.insert(several_roots.roots.begin(), "root_rsa");
  several_roots.roots.insert(several_roots.roots.begin(), "root_b");
  expect_all(
      *pki,
      {
          {"missing_intermediate", under("leaf_ok", {}, "root_a"), false},
          {"wrong_root", under("leaf_ok", {"inter_a"}, "root_b"), false},
          {"root_sent_in_chain", root_in_chain, true},
          {"several_trusted_roots", several_roots, true},
          {"extra_certificates_any_order",
           under("leaf_ok", {"root_x", "inter_b", "inter_a", "loop_a"}, "root_a"), true},
          {"duplicate_intermediates", under("leaf_ok", {"inter_a", "inter_a"}, "root_a"), true},
          {"cross_signed_trusting_old_root", under("leaf_b", {"inter_b", "root_b_by_a"}, "root_a"),
           true},
          {"cross_signed_trusting_new_root", under("leaf_b", {"inter_b", "root_b_by_a"}, "root_b"),
           true},
          {"cross_signed_without_cross_certificate", under("leaf_b", {"inter_b"}, "root_a"), false},
          {"backtrack_past_expired_duplicate",
           under("leaf_ok", {"inter_a_expired", "inter_a"}, "root_a"), true},
          {"duplicate_issuers_good_first",
           under("leaf_y", {"inter_y_by_a", "inter_y_by_x"}, "root_a"), true},
          {"loop", under("leaf_loop", {"loop_a", "loop_b"}, "root_a"), false},
          {"loop_with_untrusted_seed",
           under("leaf_loop", {"loop_a", "loop_b", "loop_b_seed"}, "root_a"), false},
          {"long_chain_six_deep",
           under("leaf_long", {"long_4", "long_3", "long_2", "long_1"}, "root_a"), true},
          {"long_chain_shuffled",
           under("leaf_long", {"long_2", "long_4", "long_1", "long_3"}, "root_a"), true},
          {"long_chain_gap", under("leaf_long", {"long_4", "long_3", "long_1"}, "root_a"), false},
          {"rsa_root_ecdsa_intermediate",
           under("leaf_under_rsa_root", {"inter_under_rsa"}, "root_rsa"), true},
          {"rsa_root_rsa_intermediate", under("leaf_under_rsa_inter", {"inter_rsa"}, "root_rsa"),
           true},
          {"p384_root_sha384", under("leaf_under_p384", {"inter_under_p384"}, "root_p384"), true},
          // RFC 8446 section 4.4.2.4: SHA-1 is acceptable "for certificates that are self-signed
          // or are trust anchors"; the anchor's own signature is never checked.
          {"sha1_self_signed_root",
           under("leaf_under_sha1_root", {"inter_under_sha1"}, "root_sha1"), true},
      });
}

TEST(OpenSslAgreement, Validity) {
  GLASSTLS_CORPUS(pki);
  expect_all(
      *pki,
      {
          {"expired_leaf", server("leaf_expired"), false},
          {"not_yet_valid_leaf", server("leaf_future"), false},
          {"expired_intermediate", under("leaf_ok", {"inter_a_expired"}, "root_a"), false},
          {"not_yet_valid_intermediate", under("leaf_ok", {"inter_a_future"}, "root_a"), false},
          {"before_every_ca", at(server("leaf_ok"), kBeforeRoots), false},
          {"after_the_leaf", at(server("leaf_ok"), kAfterLeaves), false},
      });
}

TEST(OpenSslAgreement, NameConstraints) {
  GLASSTLS_CORPUS(pki);
  expect_all(
      *pki,
      {
          {"permitted_dns_inside", under("leaf_nc_dns_ok", {"inter_nc_dns"}, "root_a"), true},
          {"permitted_dns_outside",
           under("leaf_nc_dns_bad", {"inter_nc_dns"}, "root_a", "www.evil.org"), false},
          {"permitted_dns_outside_no_reference_name",
           under("leaf_nc_dns_bad", {"inter_nc_dns"}, "root_a", ""), false},
          {"permitted_dns_leaves_ip_alone",
           under("leaf_nc_dns_ip_only", {"inter_nc_dns"}, "root_a", ""), true},
          {"excluded_dns_outside", under("leaf_nc_excl_ok", {"inter_nc_dns_excl"}, "root_a"), true},
          {"excluded_dns_inside",
           under("leaf_nc_excl_bad", {"inter_nc_dns_excl"}, "root_a", "www.bad.example.com"),
           false},
          {"permitted_ip_inside", under("leaf_nc_ip_ok", {"inter_nc_ip"}, "root_a", ""), true},
          {"permitted_ip_outside", under("leaf_nc_ip_bad", {"inter_nc_ip"}, "root_a", ""), false},
          {"excluded_ip_outside", under("leaf_nc_ip_excl_ok", {"inter_nc_ip_excl"}, "root_a", ""),
           true},
          {"excluded_ip_inside", under("leaf_nc_ip_excl_bad", {"inter_nc_ip_excl"}, "root_a", ""),
           false},
          {"permitted_directory_name_inside", under("leaf_nc_dir_ok", {"inter_nc_dir"}, "root_a"),
           true},
          {"permitted_directory_name_outside", under("leaf_nc_dir_bad", {"inter_nc_dir"}, "root_a"),
           false},
          {"root_constraints_inside", under("leaf_under_nc_root_ok", {"inter_under_nc"}, "root_nc"),
           true},
          {"root_constraints_outside",
           under("leaf_under_nc_root_bad", {"inter_under_nc"}, "root_nc", "www.evil.org"), false},
      });
}

// Rules a strict validator enforces (issue: "strict as the best validators"), where OpenSSL's
// default verification agrees.
TEST(OpenSslAgreement, StrictRules) {
  GLASSTLS_CORPUS(pki);
  Check mail_ok = under("leaf_mail_ok", {"inter_nc_mail"}, "root_a", "");
  mail_ok.purpose = P::kClientAuth;
  Check mail_bad = under("leaf_mail_bad", {"inter_nc_mail"}, "root_a", "");
  mail_bad.purpose = P::kClientAuth;
  Check mail_domain = under("leaf_mail_domain", {"inter_nc_mail"}, "root_a", "");
  mail_domain.purpose = P::kClientAuth;
  expect_all(
      *pki,
      {
          // RFC 5280 6.1.3 (a)(2), applied to anchors as OpenSSL, Go and pyca/cryptography do.
          {"expired_trust_anchor",
           under("leaf_under_expired_root", {"inter_under_expired"}, "root_expired"), false},
          {"not_yet_valid_trust_anchor",
           under("leaf_under_future_root", {"inter_under_future"}, "root_future"), false},
          // RFC 5280 4.2: a critical extension the anchor's user does not recognize.
          {"trust_anchor_unknown_critical_extension",
           under("leaf_under_crit_root", {"inter_under_crit"}, "root_crit"), false},
          // RFC 5280 4.2.1.9 pathLenConstraint of the anchor itself.
          {"trust_anchor_path_len_0", under("leaf_under_pl0_root", {"inter_under_pl0"}, "root_pl0"),
           false},
          // RFC 5280 4.2.1.10 rfc822Name constraints: a host, a domain (leading period).
          {"rfc822_permitted_host", mail_ok, true},
          {"rfc822_outside_permitted", mail_bad, false},
          {"rfc822_permitted_domain", mail_domain, true},
          // RFC 5280 4.2.1.1 and 4.2.1.2: "Conforming CAs MUST mark this extension as
          // non-critical". OpenSSL refuses them as unhandled critical extensions.
          {"authority_key_identifier_critical", server("leaf_aki_critical"), false},
          {"subject_key_identifier_critical", server("leaf_ski_critical"), false},
      });
}

// ---------------------------------------------------------------------------------------------
// Disagreements. Each test asserts both verdicts.

struct Both {
  Verdict ours;
  Verdict theirs;
};

Both both(const Pki& pki, const Check& c, const std::vector<std::string>& extra = {}) {
  return {glasstls_verdict(pki, c), openssl_verdict(pki, c, extra)};
}

#define GLASSTLS_EXPECT_VERDICTS(b, glasstls_valid, openssl_valid)                  \
  do {                                                                              \
    EXPECT_EQ((b).ours.valid, glasstls_valid) << "glasstls: " << (b).ours.detail;   \
    EXPECT_EQ((b).theirs.valid, openssl_valid) << "openssl: " << (b).theirs.detail; \
  } while (false)

// OpenSSL's X509_check_host falls back to the subject's commonName when the certificate has no
// dNSName subjectAltName (unless X509_CHECK_FLAG_NEVER_CHECK_SUBJECT is set). RFC 6125 section
// 6.4.4 only allowed that as a MAY, and RFC 9525 (which obsoletes RFC 6125) removed CN-IDs
// altogether: the reference identifier is matched against subjectAltName only. The CA/Browser
// Forum Baseline Requirements also require every name to be in subjectAltName. glasstls is
// right for the WebPKI.
TEST(OpenSslDisagreement, CommonNameFallback) {
  GLASSTLS_CORPUS(pki);
  Both b = both(*pki, server("leaf_cn_only"));
  GLASSTLS_EXPECT_VERDICTS(b, false, true);
}

// "f*.example.com": OpenSSL matches a wildcard that is only part of the left-most label
// (unless X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS). RFC 6125 section 6.4.3 rule 3 made that a MAY;
// RFC 9525 section 6.3 only allows "*" as the complete left-most label, and the Baseline
// Requirements forbid partial wildcards. glasstls is right under RFC 9525.
TEST(OpenSslDisagreement, PartialWildcard) {
  GLASSTLS_CORPUS(pki);
  Both b = both(*pki, server("leaf_partial_wild", "foo.example.com"));
  GLASSTLS_EXPECT_VERDICTS(b, false, true);
}

// A leaf signed with ecdsa-with-SHA1. `openssl verify` runs at authentication security level -1
// (no level), so it accepts SHA-1 signatures; at level 1 or more (the default of TLS
// connections, Debian sets level 2) SHA-1 counts as 63 bits and is refused, which the second
// run shows. RFC 8446 section 4.4.2.4: "it is RECOMMENDED that any endpoint receiving any
// certificate which it would need to validate using any signature algorithm using a SHA-1 hash
// abort the handshake with a "bad_certificate" alert". glasstls follows the recommendation;
// both are allowed, glasstls is the safer reading and matches OpenSSL as TLS uses it.
TEST(OpenSslDisagreement, Sha1SignedLeaf) {
  GLASSTLS_CORPUS(pki);
  Both b = both(*pki, server("leaf_sha1"));
  GLASSTLS_EXPECT_VERDICTS(b, false, true);
  EXPECT_FALSE(openssl_verdict(*pki, server("leaf_sha1"), {"-auth_level", "1"}).valid);
}

// The same for an intermediate signed by its root with SHA-1 (RFC 8446 section 4.4.2.4 again:
// the exemption is for self-signed certificates and trust anchors only, not for certificates
// they sign).
TEST(OpenSslDisagreement, Sha1SignedIntermediate) {
  GLASSTLS_CORPUS(pki);
  Check c = under("leaf_inter_sha1", {"inter_sha1"}, "root_a");
  Both b = both(*pki, c);
  GLASSTLS_EXPECT_VERDICTS(b, false, true);
  EXPECT_FALSE(openssl_verdict(*pki, c, {"-auth_level", "1"}).valid);
}

// Two certificates for "Corpus Inter Y" with the same key: the first one offered is issued by
// Root X, which is not trusted; the second by the trusted Root A. OpenSSL takes the first
// matching issuer from the untrusted list and never revisits that choice (its "alternative
// chains" retry only swaps in trusted certificates), so it fails with "unable to get local
// issuer certificate". RFC 5280 section 6 validates a given path and leaves path construction
// to the implementation; RFC 4158 (Certification Path Building) recommends depth-first search
// with backtracking, which finds leaf <- Inter Y (by A) <- Root A. glasstls is right: a valid
// path exists.
TEST(OpenSslDisagreement, BacktrackingPastDeadEndIssuer) {
  GLASSTLS_CORPUS(pki);
  Both b = both(*pki, under("leaf_y", {"inter_y_by_x", "inter_y_by_a"}, "root_a"));
  GLASSTLS_EXPECT_VERDICTS(b, true, false);
}

// Two certificates for "Corpus Inter SKI" with the same key but different explicit
// subjectKeyIdentifiers; the leaf's authorityKeyIdentifier names the first, the chain carries
// the second. OpenSSL's X509_check_issued rejects an issuer whose SKI differs from the AKI
// (X509_V_ERR_AKID_SKID_MISMATCH) and then finds no issuer. RFC 5280 section 4.2.1.1 says the
// AKI "provides a means of identifying the public key" to help path construction; the path
// validation algorithm of section 6.1 never consults it, and the signature verifies with the
// second certificate's key. glasstls is right by RFC 5280; OpenSSL's use of the AKI as a
// filter is a stricter, permitted heuristic.
TEST(OpenSslDisagreement, AuthorityKeyIdentifierMismatch) {
  GLASSTLS_CORPUS(pki);
  Both b = both(*pki, under("leaf_ski", {"inter_ski_2"}, "root_a"));
  GLASSTLS_EXPECT_VERDICTS(b, true, false);
}

// Trusting the intermediate itself. OpenSSL requires the path to end in a self-signed trusted
// certificate unless X509_V_FLAG_PARTIAL_CHAIN (-partial_chain) is set, as the second run
// shows. RFC 5280 section 6.1.1 (d): a trust anchor is any trusted name and key, not
// necessarily a self-signed root, and x509.h documents that "a certificate in the store is
// trusted as it is". glasstls is right.
TEST(OpenSslDisagreement, IntermediateAsTrustAnchor) {
  GLASSTLS_CORPUS(pki);
  Check c = under("leaf_ok", {}, "inter_a");
  Both b = both(*pki, c);
  GLASSTLS_EXPECT_VERDICTS(b, true, false);
  EXPECT_TRUE(openssl_verdict(*pki, c, {"-partial_chain"}).valid);
}

// glasstls reads a trust anchor certificate as OpenSSL does by default (its validity and its
// basicConstraints count, see OpenSslAgreement.StrictRules); VerifyOptions::anchors =
// AnchorPolicy::kNameAndKey is RFC 5280 section 6.1.1's reading, where the anchor is only a
// name and a key. Under it, glasstls accepts what OpenSSL refuses.
TEST(OpenSslDisagreement, TrustAnchorAsNameAndKey) {
  GLASSTLS_CORPUS(pki);
  for (const Check& c : {under("leaf_under_expired_root", {"inter_under_expired"}, "root_expired"),
                         under("leaf_under_pl0_root", {"inter_under_pl0"}, "root_pl0")}) {
    EXPECT_TRUE(glasstls_verdict(*pki, c, AnchorPolicy::kNameAndKey).valid) << c.leaf;
    EXPECT_FALSE(openssl_verdict(*pki, c).valid) << c.leaf;
  }
}

// A CA certificate (basicConstraints cA=TRUE, with digitalSignature and serverAuth) presented
// as the server's certificate. RFC 5280 does not forbid it and OpenSSL accepts it; the CA/Browser
// Forum Baseline Requirements (7.1.2.7.8: subscriber certificates have cA FALSE) do, and
// rustls-webpki and pyca/cryptography refuse it. glasstls refuses it (unless the caller trusts
// that very certificate as an anchor).
TEST(OpenSslDisagreement, CaCertificateAsLeaf) {
  GLASSTLS_CORPUS(pki);
  Both b = both(*pki, server("leaf_is_ca"));
  GLASSTLS_EXPECT_VERDICTS(b, false, true);
}

// RFC 5280 4.2.1.3: "Conforming CAs MUST include this extension in certificates that contain
// public keys that are used to validate digital signatures on other public key certificates";
// pyca/cryptography requires keyUsage in every CA certificate too. OpenSSL accepts an
// intermediate without it (a missing keyUsage allows every use).
TEST(OpenSslDisagreement, IntermediateWithoutKeyUsage) {
  GLASSTLS_CORPUS(pki);
  Both b = both(*pki, under("leaf_no_ku_inter", {"inter_no_ku"}, "root_a"));
  GLASSTLS_EXPECT_VERDICTS(b, false, true);
}

// Certificates without key identifiers. RFC 5280 4.2.1.1 requires authorityKeyIdentifier in
// every certificate but a self-signed one, and 4.2.1.2 subjectKeyIdentifier in every CA
// certificate. OpenSSL checks both only with -x509_strict (the second run); glasstls always
// does, as pyca/cryptography does for leaves.
TEST(OpenSslDisagreement, MissingKeyIdentifiers) {
  GLASSTLS_CORPUS(pki);
  for (const Check& c :
       {under("leaf_no_keyid", {"inter_no_keyid"}, "root_a"), server("leaf_no_aki"),
        under("leaf_no_ski_inter", {"inter_no_ski"}, "root_a")}) {
    Both b = both(*pki, c);
    GLASSTLS_EXPECT_VERDICTS(b, false, true);
    EXPECT_FALSE(openssl_verdict(*pki, c, {"-x509_strict"}).valid) << c.leaf;
  }
}

// A trust anchor whose basicConstraints is not critical (RFC 5280 4.2.1.9: CAs "MUST mark the
// extension as critical"; pyca/cryptography requires it of anchors too). OpenSSL accepts it by
// default and refuses it with -x509_strict. Three roots of Debian's store are like this (the
// Class 2 roots of Go Daddy and Starfield, Chunghwa's ePKI); their successors are not.
TEST(OpenSslDisagreement, TrustAnchorBasicConstraintsNotCritical) {
  GLASSTLS_CORPUS(pki);
  Check c = under("leaf_under_soft_root", {"inter_under_soft"}, "root_soft_bc");
  Both b = both(*pki, c);
  GLASSTLS_EXPECT_VERDICTS(b, false, true);
  EXPECT_FALSE(openssl_verdict(*pki, c, {"-x509_strict"}).valid);
  EXPECT_TRUE(glasstls_verdict(*pki, c, AnchorPolicy::kNameAndKey).valid);
}

// Malformed dNSName values: an underscore in a subjectAltName (not a host name; the Baseline
// Requirements forbid it since 2019) and a leading period in a nameConstraints dNSName subtree
// (RFC 5280 4.2.1.10 gives dNSName constraints no leading-period form; it is URI and rfc822Name
// syntax). OpenSSL takes both: it matches names it does not validate, and reads ".example.com"
// as "below example.com".
TEST(OpenSslDisagreement, MalformedDnsNames) {
  GLASSTLS_CORPUS(pki);
  Both underscore = both(*pki, server("leaf_san_underscore"));
  GLASSTLS_EXPECT_VERDICTS(underscore, false, true);
  Both dot = both(*pki, under("leaf_nc_dot", {"inter_nc_dot"}, "root_a"));
  GLASSTLS_EXPECT_VERDICTS(dot, false, true);
}

// nameConstraints in an end-entity certificate (RFC 5280 4.2.1.10: "MUST be used only in a CA
// certificate"). OpenSSL ignores it in a leaf.
TEST(OpenSslDisagreement, NameConstraintsInLeaf) {
  GLASSTLS_CORPUS(pki);
  Both b = both(*pki, server("leaf_with_nc"));
  GLASSTLS_EXPECT_VERDICTS(b, false, true);
}

// An RSA-1024 leaf. `openssl verify` runs at authentication security level -1 and accepts it;
// at level 1 or more (80 bits; RSA-1024 counts as 80) it is still accepted, and at level 2
// (Debian's default for TLS) refused. glasstls's key policy is the CA/Browser Forum's (2048 bits
// and more) for every certificate of the path.
TEST(OpenSslDisagreement, WeakRsaLeaf) {
  GLASSTLS_CORPUS(pki);
  Both b = both(*pki, server("leaf_rsa1024"));
  GLASSTLS_EXPECT_VERDICTS(b, false, true);
  EXPECT_FALSE(openssl_verdict(*pki, server("leaf_rsa1024"), {"-auth_level", "2"}).valid);
}

// authorityInfoAccess with no AccessDescription (RFC 5280 4.2.2.1: SEQUENCE SIZE (1..MAX)).
// glasstls refuses the certificate as malformed; OpenSSL does not look inside the extension
// during verification.
TEST(OpenSslDisagreement, EmptyAuthorityInfoAccess) {
  GLASSTLS_CORPUS(pki);
  Both b = both(*pki, server("leaf_aia_empty"));
  GLASSTLS_EXPECT_VERDICTS(b, false, true);
}

// An ECDSA leaf whose keyUsage is keyEncipherment only. OpenSSL's sslserver purpose accepts any
// of digitalSignature, keyEncipherment or keyAgreement (TLS 1.2 RSA key exchange needed
// keyEncipherment). In TLS 1.3 the key only signs, and RFC 8446 section 4.4.2.2 says "the
// digitalSignature bit MUST be set if the Key Usage extension is present". glasstls is right
// for TLS 1.3.
TEST(OpenSslDisagreement, LeafWithoutDigitalSignature) {
  GLASSTLS_CORPUS(pki);
  Both b = both(*pki, server("leaf_ku_keyenc"));
  GLASSTLS_EXPECT_VERDICTS(b, false, true);
}

}  // namespace
}  // namespace glasstls::x509test
