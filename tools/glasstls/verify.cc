// verify.cc: `glasstls verify`, certificate path validation from the command line.
//
// It reads a chain (PEM, leaf first; a single DER certificate also works), builds and validates
// a path with glasstls::verify_certificate_chain against the system store or --cafile, and
// prints the path it built, one line per certificate, or the reason it failed. The exit status
// is 0 only when the chain is valid (1 when it is not, 2 on a usage or input error).

#include <arpa/inet.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common.h"
#include "glasstls/x509.h"

namespace glasstls::cli {

namespace {

constexpr const char kVerifyUsage[] =
    "usage: glasstls verify [options] CHAIN.pem\n"
    "\n"
    "Builds and validates a certification path for the first certificate of CHAIN.pem (the\n"
    "others, in any order, are candidate intermediates) and prints the path, leaf first and\n"
    "trust anchor last, one line per certificate: index, subject, issuer, validity and key\n"
    "type. On failure it prints the reason. Exit status: 0 valid, 1 not valid, 2 usage error.\n"
    "\n"
    "options:\n"
    "  --cafile PEM          trust the certificates of this PEM bundle (default: the system\n"
    "                        store, /etc/ssl/certs/ca-certificates.crt or $SSL_CERT_FILE)\n"
    "  --host NAME           the DNS name the leaf must be valid for\n"
    "  --ip ADDR             the IPv4 or IPv6 address the leaf must be valid for\n"
    "  --time ISO8601        validate at this time instead of now: 2025-06-01,\n"
    "                        2025-06-01T12:00:00Z or 2025-06-01 12:00:00 (UTC)\n"
    "  --purpose server|client\n"
    "                        the extended key usage required (default: server)\n"
    "  --email ADDR          the mailbox (rfc822Name) the leaf must be valid for\n"
    "  --max-depth N         at most N certificates in the path, leaf and trust anchor\n"
    "                        included (default: 10)\n"
    "  --min-rsa-bits N      refuse RSA keys shorter than N bits (default and least: 2048)\n"
    "  --anchor-as-name-and-key\n"
    "                        check only the trust anchor's name, key and name constraints\n"
    "                        (RFC 5280 6.1.1), not its validity or extensions\n"
    "  --crl FILE            check every certificate of the path against this CRL (PEM or\n"
    "                        DER; repeat for more)\n"
    "  --ocsp-response FILE  check the leaf against this DER OCSP response\n"
    "  --revocation soft|hard\n"
    "                        a certificate whose status no CRL or OCSP response gives is\n"
    "                        accepted (soft, the default) or refused (hard)\n"
    "  --hard-fail-issuer PEM\n"
    "                        certificates issued by this CA must have a known status even\n"
    "                        under soft-fail (repeatable)\n"
    "  --help                show this help\n";

// parse_number reads exactly `n` decimal digits at `text[pos]`.
std::optional<int> parse_number(std::string_view text, size_t pos, size_t n) {
  if (pos + n > text.size()) {
    return std::nullopt;
  }
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return std::nullopt;
    }
    v = v * 10 + (text[i] - '0');
  }
  return v;
}

// parse_iso8601 parses "YYYY-MM-DD" or "YYYY-MM-DD[T ]HH:MM[:SS][Z]" (UTC) into seconds since the
// Unix epoch.
std::optional<int64_t> parse_iso8601(std::string_view text) {
  std::optional<int> year = parse_number(text, 0, 4);
  std::optional<int> month = parse_number(text, 5, 2);
  std::optional<int> day = parse_number(text, 8, 2);
  if (!year || !month || !day || text[4] != '-' || text[7] != '-' || *month < 1 || *month > 12 ||
      *day < 1 || *day > 31) {
    return std::nullopt;
  }
  std::tm t{};
  t.tm_year = *year - 1900;
  t.tm_mon = *month - 1;
  t.tm_mday = *day;
  std::string_view rest = text.substr(10);
  if (!rest.empty()) {
    if (rest[0] != 'T' && rest[0] != 't' && rest[0] != ' ') {
      return std::nullopt;
    }
    std::optional<int> hour = parse_number(rest, 1, 2);
    std::optional<int> minute = parse_number(rest, 4, 2);
    if (!hour || !minute || rest.size() < 6 || rest[3] != ':' || *hour > 23 || *minute > 59) {
      return std::nullopt;
    }
    t.tm_hour = *hour;
    t.tm_min = *minute;
    rest = rest.substr(6);
    if (!rest.empty() && rest[0] == ':') {
      std::optional<int> second = parse_number(rest, 1, 2);
      if (!second || *second > 59) {
        return std::nullopt;
      }
      t.tm_sec = *second;
      rest = rest.substr(3);
    }
    if (rest == "Z" || rest == "z") {
      rest = {};
    }
    if (!rest.empty()) {
      return std::nullopt;
    }
  }
  const int day_asked = t.tm_mday;
  const int month_asked = t.tm_mon;
  // timegm normalises the fields it is given: a date that does not exist (2025-02-30) comes
  // back as another day, and is refused.
  int64_t seconds = timegm(&t);
  if (t.tm_mday != day_asked || t.tm_mon != month_asked) {
    return std::nullopt;
  }
  return seconds;
}

// format_time renders seconds since the epoch as 2025-06-01T00:00:00Z.
std::string format_time(int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm utc{};
  if (gmtime_r(&t, &utc) == nullptr) {
    return std::to_string(seconds);
  }
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
  return buf;
}

// describe renders certificate `index` on one line.
std::string describe(size_t index, const Bytes& der) {
  std::string line = "  " + std::to_string(index) + "  ";
  // Some real roots break a DER rule or two: describe_certificate parses as leniently as trust
  // anchors need.
  Result<CertificateSummary> cert = glasstls::describe_certificate(der);
  if (!cert.ok()) {
    return line + "unparsable certificate (" + std::to_string(der.size()) +
           " bytes): " + cert.error().reason;
  }
  const std::string& subject = cert->subject;
  const std::string& issuer = cert->issuer;
  return line + "subject: " + (subject.empty() ? "(empty)" : subject) +
         " | issuer: " + (issuer.empty() ? "(empty)" : issuer) + " | valid " +
         format_time(cert->not_before) + " to " + format_time(cert->not_after) + " | " + cert->key;
}

// load_chain reads the chain file: PEM CERTIFICATE blocks, or one DER certificate.
std::optional<std::vector<Bytes>> load_chain(const std::string& path, std::string& error) {
  std::optional<std::string> text = read_file(path, error);
  if (!text) {
    return std::nullopt;
  }
  if (text->find("-----BEGIN") == std::string::npos) {
    Bytes der(text->begin(), text->end());
    if (!glasstls::describe_certificate(der).ok()) {
      error = path + ": neither PEM nor a DER certificate";
      return std::nullopt;
    }
    std::vector<Bytes> one;
    one.push_back(std::move(der));
    return one;
  }
  Result<std::vector<Bytes>> chain = decode_pem_certificates(*text);
  if (!chain.ok()) {
    error = path + ": " + chain.error().reason;
    return std::nullopt;
  }
  return std::move(*chain);
}

int usage(const std::string& message) { return usage_error("verify", message); }

}  // namespace

// verify_main is the entry point of `glasstls verify` (argv[1] is "verify"); it returns the
// process exit status.
int verify_main(int argc, char** argv) {
  OptionSpec spec;
  spec.with_value = {"--cafile",  "--host",          "--ip",         "--time",
                     "--purpose", "--email",         "--max-depth",  "--min-rsa-bits",
                     "--crl",     "--ocsp-response", "--revocation", "--hard-fail-issuer"};
  spec.flags = {"--help", "-h", "--anchor-as-name-and-key"};
  std::string error;
  std::optional<Args> args = parse_args(argc, argv, 2, spec, error);
  if (!args) {
    return usage(error);
  }
  if (args->has("--help") || args->has("-h")) {
    std::fputs(kVerifyUsage, stdout);
    return 0;
  }
  if (args->positionals.size() != 1) {
    return usage(args->positionals.empty() ? "no chain file given" : "give exactly one chain file");
  }

  VerifyOptions options;
  std::string purpose = args->value("--purpose").value_or("server");
  if (purpose == "server") {
    options.purpose = CertificatePurpose::kServerAuth;
  } else if (purpose == "client") {
    options.purpose = CertificatePurpose::kClientAuth;
  } else {
    return usage("--purpose must be server or client, not \"" + purpose + "\"");
  }
  options.dns_name = args->value("--host").value_or("");
  if (std::optional<std::string> ip = args->value("--ip")) {
    uint8_t buf[16];
    if (inet_pton(AF_INET, ip->c_str(), buf) == 1) {
      options.ip_address = Bytes(buf, buf + 4);
    } else if (inet_pton(AF_INET6, ip->c_str(), buf) == 1) {
      options.ip_address = Bytes(buf, buf + 16);
    } else {
      return usage("--ip: not an IPv4 or IPv6 address: \"" + *ip + "\"");
    }
  }
  if (std::optional<std::string> when = args->value("--time")) {
    options.time = parse_iso8601(*when);
    if (!options.time) {
      return usage("--time: not an ISO 8601 UTC time: \"" + *when + "\"");
    }
  }

  options.email_address = args->value("--email").value_or("");
  for (const char* name : {"--max-depth", "--min-rsa-bits"}) {
    if (std::optional<std::string> v = args->value(name)) {
      char* end = nullptr;
      unsigned long n = std::strtoul(v->c_str(), &end, 10);
      if (v->empty() || *end != '\0' || n == 0 || n > 100000) {
        return usage(std::string(name) + ": not a positive number: \"" + *v + "\"");
      }
      if (std::string(name) == "--max-depth") {
        options.max_depth = n;
      } else if (n < 2048) {
        return usage("--min-rsa-bits: the least minimum is 2048, not " + *v);
      } else {
        options.min_rsa_bits = n;
      }
    }
  }
  if (args->has("--anchor-as-name-and-key")) {
    options.anchors = AnchorPolicy::kNameAndKey;
  }
  std::string revocation = args->value("--revocation").value_or("soft");
  if (revocation == "hard") {
    options.revocation.missing = RevocationPolicy::kHardFail;
  } else if (revocation != "soft") {
    return usage("--revocation must be soft or hard, not \"" + revocation + "\"");
  }
  std::vector<std::string> crl_files = args->values("--crl");
  if (!crl_files.empty()) {
    Result<std::shared_ptr<const CertificateRevocationLists>> crls =
        CertificateRevocationLists::from_files(crl_files);
    if (!crls.ok()) {
      std::fprintf(stderr, "glasstls verify: cannot load the CRLs: %s\n",
                   crls.error().reason.c_str());
      return 2;
    }
    options.revocation.crls = *crls;
  }
  if (std::optional<std::string> ocsp = args->value("--ocsp-response")) {
    std::optional<std::string> der = read_file(*ocsp, error);
    if (!der) {
      std::fprintf(stderr, "glasstls verify: %s\n", error.c_str());
      return 2;
    }
    options.revocation.ocsp_response.assign(der->begin(), der->end());
  }
  for (const std::string& file : args->values("--hard-fail-issuer")) {
    std::optional<std::vector<Bytes>> issuers = load_chain(file, error);
    if (!issuers) {
      std::fprintf(stderr, "glasstls verify: %s\n", error.c_str());
      return 2;
    }
    for (Bytes& der : *issuers) {
      options.revocation.hard_fail_issuers.push_back(std::move(der));
    }
  }

  std::optional<std::string> cafile = args->value("--cafile");
  Result<std::shared_ptr<const TrustStore>> roots =
      cafile ? TrustStore::from_file(*cafile) : TrustStore::system();
  if (!roots.ok()) {
    std::fprintf(stderr, "glasstls verify: cannot load the trust store %s: %s\n",
                 cafile ? cafile->c_str() : "(system)", roots.error().reason.c_str());
    return 2;
  }
  const std::string& chain_path = args->positionals[0];
  std::optional<std::vector<Bytes>> chain = load_chain(chain_path, error);
  if (!chain) {
    std::fprintf(stderr, "glasstls verify: %s\n", error.c_str());
    return 2;
  }

  int64_t at = options.time ? *options.time : static_cast<int64_t>(std::time(nullptr));
  std::string out =
      "chain: " + chain_path + " (" + std::to_string(chain->size()) + " certificates)\n";
  size_t anchors = (*roots)->size();
  out += "trust store: " + (cafile ? *cafile : std::string("system")) + " (" +
         std::to_string(anchors) + (anchors == 1 ? " anchor)\n" : " anchors)\n");
  out += "purpose: " + purpose;
  if (!options.dns_name.empty()) {
    out += ", host " + options.dns_name;
  }
  if (std::optional<std::string> ip = args->value("--ip")) {
    out += ", ip " + *ip;
  }
  out += ", at " + format_time(at) + "\n";

  Result<VerifiedChain> verified = verify_certificate_chain(**roots, *chain, options);
  if (!verified.ok()) {
    out += "FAILED: " + verified.error().to_string() + "\n";
    out += "certificates given:\n";
    for (size_t i = 0; i < chain->size(); ++i) {
      out += describe(i, (*chain)[i]) + "\n";
    }
    std::fputs(out.c_str(), stdout);
    return 1;
  }
  out += "OK: path of " + std::to_string(verified->path.size()) +
         " certificates, leaf first, trust anchor last:\n";
  for (size_t i = 0; i < verified->path.size(); ++i) {
    out += describe(i, verified->path[i]) + "\n";
  }
  if (!verified->revocation.empty()) {
    out += "revocation:\n";
    for (const std::string& line : verified->revocation) {
      out += "  " + line + "\n";
    }
  }
  std::fputs(out.c_str(), stdout);
  return 0;
}

}  // namespace glasstls::cli
