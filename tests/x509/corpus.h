// corpus.h: test PKIs made at test time with the `openssl` command line, and the two verdicts
// on them (glasstls's verify_certificate_chain and `openssl verify`).
//
// Header-only, like tests/interop/process.h: the test binary is built from `*_test.cc` files
// only, so a corpus.cc would not be compiled.
//
// Pki writes keys and certificates into a temporary directory: `openssl genpkey` for keys and
// `openssl ca` (with -startdate/-enddate, so validity periods are fixed dates, not "now") for
// certificates. Extensions are `openssl x509v3_config` snippets. Corpus is the shared set of
// PKIs of tests/x509/openssl_agreement_test.cc, generated once per process.
#pragma once

#include <arpa/inet.h>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "glasstls/x509.h"
#include "interop/process.h"
#include "x509/certificate.h"

namespace glasstls::x509test {

// kCorpusTime is the moment every corpus check is made at: 2025-06-01T00:00:00Z.
inline constexpr int64_t kCorpusTime = 1748736000;

// Default validity periods (openssl `ca -startdate/-enddate` syntax).
inline constexpr const char kCaStart[] = "20200101000000Z";
inline constexpr const char kCaEnd[] = "20400101000000Z";
inline constexpr const char kLeafStart[] = "20240101000000Z";
inline constexpr const char kLeafEnd[] = "20270101000000Z";

// Extension snippets for the common shapes.
inline constexpr const char kCaExt[] =
    "basicConstraints = critical, CA:TRUE\n"
    "keyUsage = critical, keyCertSign, cRLSign\n"
    "subjectKeyIdentifier = hash\n"
    "authorityKeyIdentifier = keyid\n";
inline constexpr const char kRootExt[] =
    "basicConstraints = critical, CA:TRUE\n"
    "keyUsage = critical, keyCertSign, cRLSign\n"
    "subjectKeyIdentifier = hash\n";
inline constexpr const char kServerLeafExt[] =
    "basicConstraints = critical, CA:FALSE\n"
    "keyUsage = critical, digitalSignature\n"
    "extendedKeyUsage = serverAuth\n"
    "subjectKeyIdentifier = hash\n"
    "authorityKeyIdentifier = keyid\n";

enum class KeyKind { kP256, kP384, kRsa2048, kRsa1024 };

// CertRequest is one certificate for Pki::issue.
struct CertRequest {
  // name is the file stem: the certificate goes to <dir>/<name>.pem.
  std::string name;
  // issuer names an earlier certificate; empty means self-signed with `key`.
  std::string issuer;
  // key names the subject's key (made with Pki::key).
  std::string key;
  // subject in openssl's "/C=US/O=Org/CN=name" form.
  std::string subject;
  // extensions is the body of the extension section; it may be followed by more sections
  // (for dirName or policy details) after a line "[other]".
  std::string extensions;
  std::string start = kCaStart;
  std::string end = kCaEnd;
  // digest is the signature hash: sha256, sha384, sha1.
  std::string digest = "sha256";
};

// append adds `items` to `v` (one push_back each: GCC 12 reports false -Warray-bounds errors when
// a vector made from an initializer list later has a list inserted).
inline void append(std::vector<std::string>& v, std::initializer_list<std::string> items) {
  for (const std::string& item : items) {
    v.push_back(item);
  }
}

// Pki is a directory of keys and certificates made with the openssl command line.
class Pki {
 public:
  // create makes an empty Pki in a fresh temporary directory. Null (with `error` set) when the
  // openssl command is missing or the directory cannot be prepared.
  static std::unique_ptr<Pki> create(std::string& error) {
    std::unique_ptr<Pki> pki(new Pki());
    pki->openssl_ = interop::find_program("openssl");
    if (pki->openssl_.empty()) {
      error = "openssl not found";
      return nullptr;
    }
    if (pki->dir().empty()) {
      error = "cannot make a temporary directory";
      return nullptr;
    }
    std::string d = pki->dir();
    std::error_code ec;
    std::filesystem::create_directory(d + "/issued", ec);
    std::string config =
        "[ca]\n"
        "default_ca = dflt\n"
        "[dflt]\n"
        "database = " +
        d +
        "/index.txt\n"
        "new_certs_dir = " +
        d +
        "/issued\n"
        "default_md = sha256\n"
        "policy = pol\n"
        "unique_subject = no\n"
        "rand_serial = yes\n"
        "email_in_dn = no\n"
        "[pol]\n"
        "countryName = optional\n"
        "stateOrProvinceName = optional\n"
        "localityName = optional\n"
        "organizationName = optional\n"
        "organizationalUnitName = optional\n"
        "commonName = optional\n"
        "[req]\n"
        "distinguished_name = dn\n"
        "prompt = no\n"
        "[dn]\n"
        "CN = placeholder\n";
    if (ec || !interop::write_text(d + "/ca.cnf", config) ||
        !interop::write_text(d + "/index.txt", "")) {
      error = "cannot write the openssl configuration";
      return nullptr;
    }
    return pki;
  }

  const std::string& dir() const { return tmp_.path(); }
  const std::string& openssl() const { return openssl_; }
  // cert_path is the PEM file of certificate `name`; key_path the PEM file of key `name`.
  std::string cert_path(const std::string& name) const { return tmp_.file(name + ".pem"); }
  std::string key_path(const std::string& name) const { return tmp_.file(name + ".key"); }

  // key generates key `name` and a certificate request for it. False (with error() set) on
  // failure.
  bool key(const std::string& name, KeyKind kind) {
    std::vector<std::string> args;
    append(args, {"genpkey", "-out", key_path(name)});
    switch (kind) {
      case KeyKind::kP256:
        append(args, {"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"});
        break;
      case KeyKind::kP384:
        append(args, {"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"});
        break;
      case KeyKind::kRsa2048:
        append(args, {"-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"});
        break;
      case KeyKind::kRsa1024:
        append(args, {"-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"});
        break;
    }
    std::string out;
    if (run(args, out) != 0) {
      error_ = "genpkey " + name + ": " + out;
      return false;
    }
    if (run({"req", "-new", "-config", dir() + "/ca.cnf", "-key", key_path(name), "-out",
             tmp_.file(name + ".csr")},
            out) != 0) {
      error_ = "req " + name + ": " + out;
      return false;
    }
    return true;
  }

  // issue makes a certificate. False (with error() set) on failure.
  bool issue(const CertRequest& r) {
    std::string ext_file = tmp_.file(r.name + ".ext");
    if (!interop::write_text(ext_file, "[ext]\n" + r.extensions)) {
      error_ = "cannot write " + ext_file;
      return false;
    }
    std::vector<std::string> args;
    append(args, {"ca",          "-batch",
                  "-config",     dir() + "/ca.cnf",
                  "-notext",     "-preserveDN",
                  "-md",         r.digest,
                  "-startdate",  r.start,
                  "-enddate",    r.end,
                  "-subj",       r.subject,
                  "-in",         tmp_.file(r.key + ".csr"),
                  "-out",        cert_path(r.name),
                  "-extfile",    ext_file,
                  "-extensions", "ext"});
    if (r.issuer.empty()) {
      append(args, {"-selfsign", "-keyfile", key_path(r.key)});
    } else {
      auto it = key_of_.find(r.issuer);
      if (it == key_of_.end()) {
        error_ = "issue " + r.name + ": unknown issuer " + r.issuer;
        return false;
      }
      append(args, {"-cert", cert_path(r.issuer), "-keyfile", key_path(it->second)});
    }
    std::string out;
    if (run(args, out) != 0) {
      error_ = "ca " + r.name + ": " + out;
      return false;
    }
    key_of_[r.name] = r.key;
    return true;
  }

  // der is the DER of certificate `name` (empty when it cannot be read).
  Bytes der(const std::string& name) const {
    Result<std::vector<Bytes>> certs =
        x509::certificate_chain_from_pem(interop::read_text(cert_path(name)));
    if (!certs.ok() || certs->empty()) {
      return {};
    }
    return std::move((*certs)[0]);
  }

  // bundle writes the concatenated PEM of `names` to <dir>/<file> and returns its path.
  std::string bundle(const std::string& file, const std::vector<std::string>& names) const {
    std::string text;
    for (const std::string& n : names) {
      text += interop::read_text(cert_path(n));
    }
    std::string path = tmp_.file(file);
    interop::write_text(path, text);
    return path;
  }

  // run runs openssl with `args` (bounded by 60 s); returns its exit status (-1 when it could
  // not run) and sets `output` to its stdout and stderr.
  int run(const std::vector<std::string>& args, std::string& output) const {
    std::vector<std::string> argv;
    argv.push_back(openssl_);
    for (const std::string& a : args) {
      argv.push_back(a);
    }
    std::string tag = "run" + std::to_string(runs_++);
    return interop::run(argv, dir(), tag, interop::milliseconds(60000), &output);
  }

  // next_id is a fresh number for temporary file names.
  int next_id() const { return runs_++; }

  const std::string& error() const { return error_; }

 private:
  Pki() = default;

  interop::TempDir tmp_;
  std::string openssl_;
  std::string error_;
  // key_of_ maps a certificate to the name of its subject key.
  std::map<std::string, std::string> key_of_;
  mutable int runs_ = 0;
};

// Check is one question for both verifiers: is the chain `leaf` + `intermediates` (given to the
// verifier in this order) valid for `purpose`, `host` or `ip`, at `time`, trusting `roots`?
struct Check {
  std::string leaf;
  std::vector<std::string> intermediates;
  std::vector<std::string> roots;
  CertificatePurpose purpose = CertificatePurpose::kServerAuth;
  std::string host;
  std::string ip;
  int64_t time = kCorpusTime;
};

// Verdict is one verifier's answer.
struct Verdict {
  bool valid = false;
  // detail is the error, or the subjects of the path that was built, for failure messages.
  std::string detail;
};

// parse_ip turns an IPv4 or IPv6 literal into 4 or 16 bytes (nullopt when it is neither).
inline std::optional<Bytes> parse_ip(const std::string& text) {
  uint8_t buf[16];
  if (inet_pton(AF_INET, text.c_str(), buf) == 1) {
    return Bytes(buf, buf + 4);
  }
  if (inet_pton(AF_INET6, text.c_str(), buf) == 1) {
    return Bytes(buf, buf + 16);
  }
  return std::nullopt;
}

// glasstls_verdict runs glasstls::verify_certificate_chain on `check` (with `anchors` as the
// anchor policy).
inline Verdict glasstls_verdict(const Pki& pki, const Check& check,
                                AnchorPolicy anchor_policy = AnchorPolicy::kCertificate) {
  std::vector<Bytes> anchors;
  for (const std::string& r : check.roots) {
    anchors.push_back(pki.der(r));
  }
  Result<std::shared_ptr<const TrustStore>> store = TrustStore::from_der(std::move(anchors));
  if (!store.ok()) {
    return {false, "trust store: " + store.error().to_string()};
  }
  std::vector<Bytes> chain;
  chain.push_back(pki.der(check.leaf));
  for (const std::string& i : check.intermediates) {
    chain.push_back(pki.der(i));
  }
  VerifyOptions options;
  options.purpose = check.purpose;
  options.dns_name = check.host;
  if (!check.ip.empty()) {
    options.ip_address = parse_ip(check.ip);
    if (!options.ip_address) {
      return {false, "bad IP literal " + check.ip};
    }
  }
  options.time = check.time;
  options.anchors = anchor_policy;
  Result<VerifiedChain> verified = verify_certificate_chain(**store, chain, options);
  if (!verified.ok()) {
    return {false, verified.error().to_string()};
  }
  std::string path;
  for (const Bytes& der : verified->path) {
    Result<x509::Certificate> cert = x509::parse_certificate(der);
    path += (path.empty() ? "" : " <- ") +
            (cert.ok() ? x509::name_to_string(cert->subject) : std::string("?"));
  }
  return {true, "path: " + path};
}

// openssl_verdict runs `openssl verify -CAfile ... -untrusted ... -purpose ... -attime ...`
// (with -verify_hostname or -verify_ip) on `check`. `extra` is added to the options. Only the
// given roots are trusted (-no-CApath, -no-CAstore).
inline Verdict openssl_verdict(const Pki& pki, const Check& check,
                               const std::vector<std::string>& extra = {}) {
  int id = pki.next_id();
  std::vector<std::string> args;
  append(args, {"verify", "-no-CApath", "-no-CAstore", "-CAfile",
                pki.bundle("roots" + std::to_string(id) + ".pem", check.roots), "-purpose",
                check.purpose == CertificatePurpose::kServerAuth ? "sslserver" : "sslclient",
                "-attime", std::to_string(check.time)});
  if (!check.intermediates.empty()) {
    args.push_back("-untrusted");
    args.push_back(pki.bundle("untrusted" + std::to_string(id) + ".pem", check.intermediates));
  }
  if (!check.host.empty()) {
    args.push_back("-verify_hostname");
    args.push_back(check.host);
  }
  if (!check.ip.empty()) {
    args.push_back("-verify_ip");
    args.push_back(check.ip);
  }
  for (const std::string& e : extra) {
    args.push_back(e);
  }
  args.push_back(pki.cert_path(check.leaf));
  std::string out;
  int status = pki.run(args, out);
  bool ok = status == 0 && out.find(": OK") != std::string::npos;
  return {ok, "exit " + std::to_string(status) + ": " + out};
}

// leaf_ext is the extension section of a leaf: basicConstraints CA:FALSE, keyUsage `ku`
// (omitted when empty), extKeyUsage `eku` (omitted when empty), subjectAltName `san` (omitted
// when empty), key identifiers, and `more` lines.
inline std::string leaf_ext(const std::string& san, const std::string& eku = "serverAuth",
                            const std::string& ku = "critical, digitalSignature",
                            const std::string& more = "") {
  std::string s = "basicConstraints = critical, CA:FALSE\n";
  if (!ku.empty()) {
    s += "keyUsage = " + ku + "\n";
  }
  if (!eku.empty()) {
    s += "extendedKeyUsage = " + eku + "\n";
  }
  if (!san.empty()) {
    s += "subjectAltName = " + san + "\n";
  }
  return s + "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n" + more;
}

// make_corpus fills `pki` with the corpus of openssl_agreement_test.cc (names as below). All
// keys are P-256 unless marked. False (with pki.error() set) on the first failure.
//
//   Roots            root_a, root_b, root_x (never trusted), root_rsa (RSA-2048), root_p384
//                    (P-384, SHA-384), root_sha1 (self-signed with SHA-1), root_expired
//                    (2010-2020), root_pl0 (pathLenConstraint 0), root_nc (permitted DNS
//                    example.com), root_b_by_a (Root B cross-signed by Root A)
//   Intermediates    inter_a under root_a, and variants of it; see the list below
//   Leaves           leaf_* (key "leaf", or leaf_rsa for leaf_rsa_key)
inline bool make_corpus(Pki& pki) {
  struct KeySpec {
    const char* name;
    KeyKind kind;
  };
  const KeySpec keys[] = {
      {"root_a", KeyKind::kP256},
      {"root_b", KeyKind::kP256},
      {"root_x", KeyKind::kP256},
      {"root_rsa", KeyKind::kRsa2048},
      {"root_p384", KeyKind::kP384},
      {"root_sha1", KeyKind::kP256},
      {"root_exp", KeyKind::kP256},
      {"root_pl0", KeyKind::kP256},
      {"root_nc", KeyKind::kP256},
      {"inter_a", KeyKind::kP256},
      {"inter_b", KeyKind::kP256},
      {"inter_c", KeyKind::kP256},
      {"inter_y", KeyKind::kP256},
      {"inter_ski", KeyKind::kP256},
      {"inter_rsa", KeyKind::kRsa2048},
      {"long", KeyKind::kP256},
      {"loop_a", KeyKind::kP256},
      {"loop_b", KeyKind::kP256},
      {"leaf", KeyKind::kP256},
      {"leaf_rsa", KeyKind::kRsa2048},
      {"leaf_rsa1024", KeyKind::kRsa1024},
      {"root_fut", KeyKind::kP256},
      {"root_crit", KeyKind::kP256},
      {"root_soft", KeyKind::kP256},
  };
  for (const KeySpec& k : keys) {
    if (!pki.key(k.name, k.kind)) {
      return false;
    }
  }

  const std::string ca = kCaExt;
  const std::string san_www = "DNS:www.example.com";
  std::vector<CertRequest> certs;
  auto root = [&](const char* name, const char* key, const char* subject,
                  const std::string& ext = kRootExt) {
    certs.push_back({name, "", key, subject, ext});
  };
  auto inter = [&](const char* name, const char* issuer, const char* key, const char* subject,
                   const std::string& ext = kCaExt) {
    certs.push_back({name, issuer, key, subject, ext});
  };
  auto leaf = [&](const char* name, const char* issuer, const char* subject,
                  const std::string& ext) {
    certs.push_back({name, issuer, "leaf", subject, ext, kLeafStart, kLeafEnd});
  };

  // Roots and the cross-signed Root B.
  root("root_a", "root_a", "/O=Glasstls Corpus/CN=Corpus Root A");
  root("root_b", "root_b", "/O=Glasstls Corpus/CN=Corpus Root B");
  inter("root_b_by_a", "root_a", "root_b", "/O=Glasstls Corpus/CN=Corpus Root B");
  root("root_x", "root_x", "/CN=Corpus Untrusted Root X");
  root("root_rsa", "root_rsa", "/CN=Corpus RSA Root");
  root("root_p384", "root_p384", "/CN=Corpus P-384 Root");
  certs.back().digest = "sha384";
  root("root_sha1", "root_sha1", "/CN=Corpus SHA-1 Root");
  certs.back().digest = "sha1";
  root("root_expired", "root_exp", "/CN=Corpus Expired Root");
  certs.back().start = "20100101000000Z";
  certs.back().end = "20200101000000Z";
  root("root_pl0", "root_pl0", "/CN=Corpus Root PathLen 0",
       "basicConstraints = critical, CA:TRUE, pathlen:0\n"
       "keyUsage = critical, keyCertSign, cRLSign\nsubjectKeyIdentifier = hash\n");
  root("root_nc", "root_nc", "/CN=Corpus Root NC",
       std::string(kRootExt) + "nameConstraints = critical, permitted;DNS:example.com\n");

  root("root_future", "root_fut", "/CN=Corpus Future Root");
  certs.back().start = "20260101000000Z";
  root("root_crit", "root_crit", "/CN=Corpus Root Unknown Critical",
       std::string(kRootExt) + "1.3.6.1.4.1.55555.1 = critical, ASN1:UTF8String:must understand\n");
  root("root_soft_bc", "root_soft", "/CN=Corpus Root Soft BC",
       "basicConstraints = CA:TRUE\nkeyUsage = critical, keyCertSign, cRLSign\n"
       "subjectKeyIdentifier = hash\n");

  // Intermediates.
  inter("inter_a", "root_a", "inter_a", "/O=Glasstls Corpus/CN=Corpus Inter A");
  inter("inter_a_expired", "root_a", "inter_a", "/O=Glasstls Corpus/CN=Corpus Inter A");
  certs.back().start = "20190101000000Z";
  certs.back().end = "20250101000000Z";
  inter("inter_a_future", "root_a", "inter_a", "/O=Glasstls Corpus/CN=Corpus Inter A");
  certs.back().start = "20260101000000Z";
  inter("inter_b", "root_b", "inter_b", "/CN=Corpus Inter B");
  inter("inter_not_ca", "root_a", "inter_c", "/CN=Corpus Inter Not CA",
        "basicConstraints = critical, CA:FALSE\nkeyUsage = critical, keyCertSign, cRLSign\n"
        "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n");
  inter("inter_no_bc", "root_a", "inter_c", "/CN=Corpus Inter No BC",
        "keyUsage = critical, keyCertSign, cRLSign\n"
        "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n");
  inter("inter_no_certsign", "root_a", "inter_c", "/CN=Corpus Inter No CertSign",
        "basicConstraints = critical, CA:TRUE\nkeyUsage = critical, digitalSignature, cRLSign\n"
        "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n");
  inter("inter_no_ku", "root_a", "inter_c", "/CN=Corpus Inter No KU",
        "basicConstraints = critical, CA:TRUE\n"
        "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n");
  inter("inter_no_keyid", "root_a", "inter_c", "/CN=Corpus Inter No Key IDs",
        "basicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign\n"
        "subjectKeyIdentifier = none\nauthorityKeyIdentifier = none\n");
  inter("inter_pl0", "root_a", "inter_c", "/CN=Corpus Inter PathLen 0",
        "basicConstraints = critical, CA:TRUE, pathlen:0\nkeyUsage = critical, keyCertSign\n"
        "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n");
  inter("sub_pl0", "inter_pl0", "inter_b", "/CN=Corpus Sub of PathLen 0");
  inter("inter_pl1", "root_a", "inter_c", "/CN=Corpus Inter PathLen 1",
        "basicConstraints = critical, CA:TRUE, pathlen:1\nkeyUsage = critical, keyCertSign\n"
        "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n");
  inter("sub_pl1", "inter_pl1", "inter_b", "/CN=Corpus Sub of PathLen 1");
  inter("inter_eku_server", "root_a", "inter_c", "/CN=Corpus Inter EKU Server",
        ca + "extendedKeyUsage = serverAuth\n");
  inter("inter_eku_client", "root_a", "inter_c", "/CN=Corpus Inter EKU Client",
        ca + "extendedKeyUsage = clientAuth\n");
  inter("inter_unknown_crit", "root_a", "inter_c", "/CN=Corpus Inter Unknown Critical",
        ca + "1.3.6.1.4.1.55555.1 = critical, ASN1:UTF8String:must understand\n");
  inter("inter_nc_dns", "root_a", "inter_c", "/CN=Corpus Inter NC DNS",
        ca + "nameConstraints = critical, permitted;DNS:example.com\n");
  inter("inter_nc_dns_excl", "root_a", "inter_c", "/CN=Corpus Inter NC DNS Excluded",
        ca + "nameConstraints = critical, excluded;DNS:bad.example.com\n");
  inter("inter_nc_ip", "root_a", "inter_c", "/CN=Corpus Inter NC IP",
        ca + "nameConstraints = critical, permitted;IP:192.0.2.0/255.255.255.0\n");
  inter("inter_nc_ip_excl", "root_a", "inter_c", "/CN=Corpus Inter NC IP Excluded",
        ca + "nameConstraints = critical, excluded;IP:192.0.2.0/255.255.255.0\n");
  inter("inter_nc_dir", "root_a", "inter_c", "/CN=Corpus Inter NC DirName",
        ca + "nameConstraints = critical, permitted;dirName:nc_dir\n"
             "[nc_dir]\nC = US\nO = Permitted Org\n");
  inter("inter_ski_1", "root_a", "inter_ski", "/CN=Corpus Inter SKI",
        "basicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign\n"
        "subjectKeyIdentifier = 0102030405060708090A0B0C0D0E0F1011121314\n"
        "authorityKeyIdentifier = keyid\n");
  inter("inter_ski_2", "root_a", "inter_ski", "/CN=Corpus Inter SKI",
        "basicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign\n"
        "subjectKeyIdentifier = A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4\n"
        "authorityKeyIdentifier = keyid\n");
  inter("inter_sha1", "root_a", "inter_c", "/CN=Corpus Inter SHA-1 Signed");
  certs.back().digest = "sha1";
  inter("inter_y_by_x", "root_x", "inter_y", "/CN=Corpus Inter Y");
  inter("inter_y_by_a", "root_a", "inter_y", "/CN=Corpus Inter Y");
  inter("inter_rsa", "root_rsa", "inter_rsa", "/CN=Corpus RSA Inter");
  inter("inter_under_rsa", "root_rsa", "inter_c", "/CN=Corpus Inter under RSA Root");
  inter("inter_under_p384", "root_p384", "inter_c", "/CN=Corpus Inter under P-384 Root");
  certs.back().digest = "sha384";
  inter("inter_under_sha1", "root_sha1", "inter_c", "/CN=Corpus Inter under SHA-1 Root");
  inter("inter_under_expired", "root_expired", "inter_c", "/CN=Corpus Inter under Expired Root");
  certs.back().start = "20100101000000Z";
  inter("inter_under_pl0", "root_pl0", "inter_c", "/CN=Corpus Inter under PathLen 0 Root");
  inter("inter_under_nc", "root_nc", "inter_c", "/CN=Corpus Inter under NC Root");
  inter("inter_under_future", "root_future", "inter_c", "/CN=Corpus Inter under Future Root");
  certs.back().start = "20260101000000Z";
  inter("inter_under_crit", "root_crit", "inter_c", "/CN=Corpus Inter under Critical Root");
  inter("inter_under_soft", "root_soft_bc", "inter_c", "/CN=Corpus Inter under Soft BC Root");
  inter("inter_no_ski", "root_a", "inter_c", "/CN=Corpus Inter No SKI",
        "basicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign\n"
        "subjectKeyIdentifier = none\nauthorityKeyIdentifier = keyid\n");
  inter("inter_nc_dot", "root_a", "inter_c", "/CN=Corpus Inter NC Leading Dot",
        ca + "nameConstraints = critical, permitted;DNS:.example.com\n");
  inter("inter_nc_mail", "root_a", "inter_c", "/CN=Corpus Inter NC Mail",
        ca + "nameConstraints = critical, permitted;email:mail.example, "
             "permitted;email:.staff.example\n");
  // A loop: Loop A is issued by Loop B and Loop B by Loop A (a self-signed Loop B seeds it).
  root("loop_b_seed", "loop_b", "/CN=Corpus Loop B");
  inter("loop_a", "loop_b_seed", "loop_a", "/CN=Corpus Loop A");
  inter("loop_b", "loop_a", "loop_b", "/CN=Corpus Loop B");
  // A long chain: root_a <- long_1 <- long_2 <- long_3 <- long_4 <- leaf_long (six deep).
  inter("long_1", "root_a", "long", "/CN=Corpus Long 1");
  inter("long_2", "long_1", "long", "/CN=Corpus Long 2");
  inter("long_3", "long_2", "long", "/CN=Corpus Long 3");
  inter("long_4", "long_3", "long", "/CN=Corpus Long 4");

  // Leaves under inter_a.
  const char* a = "inter_a";
  const char* www = "/CN=www.example.com";
  leaf("leaf_ok", a, www,
       leaf_ext("DNS:www.example.com, DNS:example.com, IP:192.0.2.10, IP:2001:db8::10"));
  leaf("leaf_client", a, "/CN=client.example.com",
       leaf_ext("DNS:client.example.com", "clientAuth"));
  leaf("leaf_both", a, www, leaf_ext(san_www, "serverAuth, clientAuth"));
  leaf("leaf_no_eku", a, www, leaf_ext(san_www, ""));
  leaf("leaf_eku_codesign", a, www, leaf_ext(san_www, "codeSigning"));
  leaf("leaf_eku_any", a, www, leaf_ext(san_www, "anyExtendedKeyUsage"));
  leaf("leaf_ku_keyenc", a, www, leaf_ext(san_www, "serverAuth", "critical, keyEncipherment"));
  leaf("leaf_ku_certsign", a, www, leaf_ext(san_www, "serverAuth", "critical, keyCertSign"));
  leaf("leaf_no_ku", a, www, leaf_ext(san_www, "serverAuth", ""));
  leaf("leaf_unknown_crit", a, www,
       leaf_ext(san_www, "serverAuth", "critical, digitalSignature",
                "1.3.6.1.4.1.55555.1 = critical, ASN1:UTF8String:must understand\n"));
  leaf("leaf_unknown_noncrit", a, www,
       leaf_ext(san_www, "serverAuth", "critical, digitalSignature",
                "1.3.6.1.4.1.55555.2 = ASN1:UTF8String:may ignore\n"));
  leaf("leaf_cn_only", a, www, leaf_ext(""));
  leaf("leaf_cn_mismatch", a, www, leaf_ext("DNS:other.example.com"));
  leaf("leaf_wild", a, "/CN=*.example.com", leaf_ext("DNS:*.example.com"));
  leaf("leaf_partial_wild", a, "/CN=f*.example.com", leaf_ext("DNS:f*.example.com"));
  leaf("leaf_inner_wild", a, "/CN=www.*.example.com", leaf_ext("DNS:www.*.example.com"));
  leaf("leaf_dns_ip", a, "/CN=IP in a DNS name", leaf_ext("DNS:192.0.2.20"));
  leaf("leaf_expired", a, www, leaf_ext(san_www));
  certs.back().start = "20230101000000Z";
  certs.back().end = "20250101000000Z";
  leaf("leaf_future", a, www, leaf_ext(san_www));
  certs.back().start = "20260101000000Z";
  leaf("leaf_is_ca", a, www,
       "basicConstraints = critical, CA:TRUE\nkeyUsage = critical, digitalSignature, "
       "keyCertSign\nextendedKeyUsage = serverAuth\nsubjectAltName = DNS:www.example.com\n"
       "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n");
  leaf("leaf_rsa_key", a, www, leaf_ext(san_www));
  certs.back().key = "leaf_rsa";
  leaf("leaf_sha1", a, www, leaf_ext(san_www));
  certs.back().digest = "sha1";
  leaf("leaf_rsa1024", a, www, leaf_ext(san_www));
  certs.back().key = "leaf_rsa1024";
  leaf("leaf_no_aki", a, www,
       "basicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\n"
       "extendedKeyUsage = serverAuth\nsubjectAltName = DNS:www.example.com\n"
       "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = none\n");
  leaf("leaf_aki_critical", a, www,
       "basicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\n"
       "extendedKeyUsage = serverAuth\nsubjectAltName = DNS:www.example.com\n"
       "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = critical, keyid\n");
  leaf("leaf_ski_critical", a, www,
       "basicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\n"
       "extendedKeyUsage = serverAuth\nsubjectAltName = DNS:www.example.com\n"
       "subjectKeyIdentifier = critical, hash\nauthorityKeyIdentifier = keyid\n");
  leaf("leaf_san_underscore", a, www, leaf_ext("DNS:www.example.com, DNS:under_score.example.com"));
  leaf("leaf_with_nc", a, www,
       leaf_ext(san_www, "serverAuth", "critical, digitalSignature",
                "nameConstraints = critical, permitted;DNS:example.com\n"));
  leaf("leaf_aia_empty", a, www,
       leaf_ext(san_www, "serverAuth", "critical, digitalSignature",
                "1.3.6.1.5.5.7.1.1 = DER:3000\n"));

  // Leaves under the other intermediates.
  leaf("leaf_b", "inter_b", www, leaf_ext(san_www));
  leaf("leaf_not_ca_inter", "inter_not_ca", www, leaf_ext(san_www));
  leaf("leaf_no_bc_inter", "inter_no_bc", www, leaf_ext(san_www));
  leaf("leaf_no_certsign_inter", "inter_no_certsign", www, leaf_ext(san_www));
  leaf("leaf_no_ku_inter", "inter_no_ku", www, leaf_ext(san_www));
  leaf("leaf_no_keyid", "inter_no_keyid", www,
       "basicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\n"
       "extendedKeyUsage = serverAuth\nsubjectAltName = DNS:www.example.com\n"
       "subjectKeyIdentifier = none\nauthorityKeyIdentifier = none\n");
  leaf("leaf_pl0", "sub_pl0", www, leaf_ext(san_www));
  leaf("leaf_pl1", "sub_pl1", www, leaf_ext(san_www));
  leaf("leaf_eku_server_inter", "inter_eku_server", www, leaf_ext(san_www));
  leaf("leaf_eku_client_inter", "inter_eku_client", www, leaf_ext(san_www));
  leaf("leaf_unknown_crit_inter", "inter_unknown_crit", www, leaf_ext(san_www));
  leaf("leaf_nc_dns_ok", "inter_nc_dns", www, leaf_ext(san_www));
  leaf("leaf_nc_dns_bad", "inter_nc_dns", "/CN=www.evil.org", leaf_ext("DNS:www.evil.org"));
  leaf("leaf_nc_dns_ip_only", "inter_nc_dns", "/CN=IP only leaf", leaf_ext("IP:192.0.2.10"));
  leaf("leaf_nc_excl_ok", "inter_nc_dns_excl", www, leaf_ext(san_www));
  leaf("leaf_nc_excl_bad", "inter_nc_dns_excl", "/CN=www.bad.example.com",
       leaf_ext("DNS:www.bad.example.com"));
  leaf("leaf_nc_ip_ok", "inter_nc_ip", "/CN=IP leaf", leaf_ext("IP:192.0.2.10"));
  leaf("leaf_nc_ip_bad", "inter_nc_ip", "/CN=IP leaf", leaf_ext("IP:198.51.100.1"));
  leaf("leaf_nc_ip_excl_ok", "inter_nc_ip_excl", "/CN=IP leaf", leaf_ext("IP:198.51.100.1"));
  leaf("leaf_nc_ip_excl_bad", "inter_nc_ip_excl", "/CN=IP leaf", leaf_ext("IP:192.0.2.10"));
  leaf("leaf_nc_dir_ok", "inter_nc_dir", "/C=US/O=Permitted Org/CN=www.example.com",
       leaf_ext(san_www));
  leaf("leaf_nc_dir_bad", "inter_nc_dir", "/C=US/O=Other Org/CN=www.example.com",
       leaf_ext(san_www));
  leaf("leaf_ski", "inter_ski_1", www, leaf_ext(san_www));
  leaf("leaf_inter_sha1", "inter_sha1", www, leaf_ext(san_www));
  leaf("leaf_y", "inter_y_by_a", www, leaf_ext(san_www));
  leaf("leaf_under_rsa_inter", "inter_rsa", www, leaf_ext(san_www));
  leaf("leaf_under_rsa_root", "inter_under_rsa", www, leaf_ext(san_www));
  leaf("leaf_under_p384", "inter_under_p384", www, leaf_ext(san_www));
  leaf("leaf_under_sha1_root", "inter_under_sha1", www, leaf_ext(san_www));
  leaf("leaf_under_expired_root", "inter_under_expired", www, leaf_ext(san_www));
  leaf("leaf_under_pl0_root", "inter_under_pl0", www, leaf_ext(san_www));
  leaf("leaf_under_nc_root_ok", "inter_under_nc", www, leaf_ext(san_www));
  leaf("leaf_under_nc_root_bad", "inter_under_nc", "/CN=www.evil.org",
       leaf_ext("DNS:www.evil.org"));
  leaf("leaf_loop", "loop_a", www, leaf_ext(san_www));
  leaf("leaf_under_future_root", "inter_under_future", www, leaf_ext(san_www));
  certs.back().start = "20260101000000Z";
  leaf("leaf_under_crit_root", "inter_under_crit", www, leaf_ext(san_www));
  leaf("leaf_under_soft_root", "inter_under_soft", www, leaf_ext(san_www));
  // openssl cannot compute a keyid from an issuer without subjectKeyIdentifier: an explicit one.
  leaf("leaf_no_ski_inter", "inter_no_ski", www,
       "basicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\n"
       "extendedKeyUsage = serverAuth\nsubjectAltName = DNS:www.example.com\n"
       "subjectKeyIdentifier = hash\n"
       "2.5.29.35 = DER:30168014000102030405060708090A0B0C0D0E0F10111213\n");
  leaf("leaf_nc_dot", "inter_nc_dot", www, leaf_ext(san_www));
  leaf("leaf_mail_ok", "inter_nc_mail", "/CN=Mail User",
       leaf_ext("email:user@mail.example", "clientAuth"));
  leaf("leaf_mail_bad", "inter_nc_mail", "/CN=Mail User",
       leaf_ext("email:user@elsewhere.example", "clientAuth"));
  leaf("leaf_mail_domain", "inter_nc_mail", "/CN=Mail User",
       leaf_ext("email:user@team.staff.example", "clientAuth"));
  leaf("leaf_long", "long_4", www, leaf_ext(san_www));

  for (const CertRequest& r : certs) {
    if (!pki.issue(r)) {
      return false;
    }
  }
  return true;
}

// corpus is the shared corpus (make_corpus), generated on first use, once per process. Null
// with `error` set if generation failed; `error` is "openssl not found" when the command is
// missing. Not thread-safe (gtest runs tests on one thread).
inline const Pki* corpus(std::string& error) {
  static std::unique_ptr<Pki> pki;
  static std::string failure;
  static bool done = false;
  if (!done) {
    done = true;
    pki = Pki::create(failure);
    if (pki && !make_corpus(*pki)) {
      failure = pki->error();
      pki.reset();
    }
  }
  error = failure;
  return pki.get();
}

}  // namespace glasstls::x509test
