// revocation_lists.cc: CertificateRevocationLists loading (PEM text, DER, files). Every CRL is
// parsed once, when the set is made; one that does not parse, or uses what glasstls does not
// support, fails the whole load with a reason naming it.
#include <cstdio>
#include <string>
#include <utility>

#include "glasstls/x509.h"
#include "x509/crl.h"
#include "x509/crl_impl.h"
#include "x509/internals.h"
#include "x509/pem.h"

namespace glasstls {

namespace {

constexpr std::string_view kPemLabel = "X509 CRL";

Error config_error(std::string reason) {
  return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error,
                    "CRLs: " + std::move(reason));
}

// Loader collects the DER CRLs and where each came from, then parses them.
struct Loader {
  std::vector<Bytes> ders;
  std::vector<std::string> origins;

  // add_pem adds every "X509 CRL" block of `pem`; `origin` names the text. Other blocks are
  // ignored; a text without any CRL block is an error.
  Status add_pem(std::string_view pem, const std::string& origin) {
    auto blocks = x509::pem_decode(pem);
    if (!blocks.ok()) {
      return config_error(origin + ": " + blocks.error().reason);
    }
    size_t found = 0;
    for (x509::PemBlock& b : *blocks) {
      if (b.label == kPemLabel) {
        origins.push_back(origin + " (CRL " + std::to_string(found) + ")");
        ders.push_back(std::move(b.der));
        found++;
      }
    }
    if (found == 0) {
      return config_error(origin + " has no \"-----BEGIN X509 CRL-----\" block");
    }
    return Ok{};
  }

  // add_file adds a PEM file (when it holds a PEM header) or a DER file (one CRL).
  Status add_file(const std::string& path) {
    GLASSTLS_ASSIGN(std::string text, x509::read_local_file(path, "CRLs"));
    if (text.find("-----BEGIN ") != std::string::npos) {
      return add_pem(text, path);
    }
    if (text.empty() || static_cast<uint8_t>(text[0]) != 0x30) {
      return config_error(path + " is neither PEM nor a DER CRL");
    }
    ders.emplace_back(text.begin(), text.end());
    origins.push_back(path);
    return Ok{};
  }

  // finish parses every CRL, now that the buffers no longer move, and builds the set.
  Result<std::shared_ptr<const CertificateRevocationLists>> finish() && {
    if (ders.empty()) {
      return config_error("no CRL given");
    }
    auto impl = std::make_unique<x509::Internals::CrlSetImpl>();
    impl->ders = std::move(ders);
    impl->origins = std::move(origins);
    impl->crls.reserve(impl->ders.size());
    for (size_t i = 0; i < impl->ders.size(); i++) {
      auto parsed = x509::parse_crl(impl->ders[i]);
      if (!parsed.ok()) {
        return config_error(impl->origins[i] + " cannot be used: " + parsed.error().reason);
      }
      impl->crls.push_back(std::move(*parsed));
      const x509::Crl& c = impl->crls.back();
      impl->by_issuer.emplace(std::string(c.issuer.begin(), c.issuer.end()), i);
    }
    return x509::Internals::make(std::move(impl));
  }
};

}  // namespace

CertificateRevocationLists::CertificateRevocationLists(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
CertificateRevocationLists::~CertificateRevocationLists() = default;

size_t CertificateRevocationLists::size() const { return impl_->crls.size(); }

Result<std::shared_ptr<const CertificateRevocationLists>> CertificateRevocationLists::from_pem(
    std::string_view pem) {
  Loader l;
  GLASSTLS_TRY(l.add_pem(pem, "PEM text"));
  return std::move(l).finish();
}

Result<std::shared_ptr<const CertificateRevocationLists>> CertificateRevocationLists::from_der(
    std::vector<Bytes> crls) {
  Loader l;
  for (size_t i = 0; i < crls.size(); i++) {
    l.origins.push_back("CRL " + std::to_string(i));
  }
  l.ders = std::move(crls);
  return std::move(l).finish();
}

Result<std::shared_ptr<const CertificateRevocationLists>> CertificateRevocationLists::from_file(
    const std::string& path) {
  Loader l;
  GLASSTLS_TRY(l.add_file(path));
  return std::move(l).finish();
}

Result<std::shared_ptr<const CertificateRevocationLists>> CertificateRevocationLists::from_files(
    const std::vector<std::string>& paths) {
  Loader l;
  for (const std::string& path : paths) {
    GLASSTLS_TRY(l.add_file(path));
  }
  return std::move(l).finish();
}

}  // namespace glasstls
