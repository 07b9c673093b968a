// trust_store.cc: TrustStore loading (PEM bundles, files, directories, the system store, DER).
//
// Anchors are parsed with ParseMode::kTrustAnchor (see certificate.h): the store is local
// configuration, so a few DER encoding slips of real roots are forgiven. What of an anchor the
// path builder checks is VerifyOptions::anchors's choice (see verify.cc). Certificates that
// still do not parse are skipped and counted.
#include <dirent.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <utility>

#include "glasstls/x509.h"
#include "x509/certificate.h"
#include "x509/internals.h"
#include "x509/pem.h"
#include "x509/trust_store_impl.h"

namespace glasstls {

namespace {

constexpr const char* kDebianBundle = "/etc/ssl/certs/ca-certificates.crt";

Error config_error(std::string reason) {
  return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error,
                    "trust store: " + std::move(reason));
}

// Loader collects candidate certificates, then builds the store.
struct Loader {
  std::vector<Bytes> candidates;
  size_t skipped = 0;

  // add_pem adds every CERTIFICATE block; other blocks ("TRUSTED CERTIFICATE", keys) count as
  // skipped when they look like certificates and are ignored otherwise.
  Status add_pem(std::string_view pem, const std::string& origin) {
    auto blocks = x509::pem_decode(pem);
    if (!blocks.ok()) {
      return config_error(origin + ": " + blocks.error().reason);
    }
    for (x509::PemBlock& b : *blocks) {
      if (b.label == "CERTIFICATE") {
        candidates.push_back(std::move(b.der));
      } else if (b.label == "TRUSTED CERTIFICATE" || b.label == "X509 CERTIFICATE") {
        skipped++;
      }
    }
    return Ok{};
  }

  // finish parses the candidates, drops duplicates (same DER) and builds the store.
  // `require_all` makes an unparsable certificate an error instead of a skip.
  Result<std::shared_ptr<const TrustStore>> finish(bool require_all) && {
    auto impl = std::make_unique<x509::Internals::TrustStoreImpl>();
    impl->skipped = skipped;
    // Views of the accepted DER, which keeps its buffer when moved into `ders`. Ordered by size
    // first, so that the comparison is an explicit memcmp of equal lengths (GCC 12 at -O3
    // misreads std::vector's three-way comparison as an overread).
    struct DerLess {
      bool operator()(ByteView a, ByteView b) const {
        if (a.size() != b.size()) {
          return a.size() < b.size();
        }
        return std::memcmp(a.data(), b.data(), a.size()) < 0;
      }
    };
    std::set<ByteView, DerLess> seen;
    for (size_t i = 0; i < candidates.size(); i++) {
      Bytes& der = candidates[i];
      if (seen.count(der) != 0) {
        continue;
      }
      auto parsed = x509::parse_certificate(der, x509::ParseMode::kTrustAnchor);
      if (!parsed.ok()) {
        if (require_all) {
          return config_error("certificate " + std::to_string(i) +
                              " does not parse: " + parsed.error().reason);
        }
        impl->skipped++;
        continue;
      }
      seen.insert(ByteView(der));
      impl->ders.push_back(std::move(der));
    }
    if (impl->ders.empty()) {
      return config_error("no usable certificate (" + std::to_string(impl->skipped) + " skipped)");
    }
    // Parse again now that `ders` no longer changes: the views must point into it.
    impl->certs.reserve(impl->ders.size());
    for (size_t i = 0; i < impl->ders.size(); i++) {
      auto parsed = x509::parse_certificate(impl->ders[i], x509::ParseMode::kTrustAnchor);
      // Invariant: the same bytes parsed a moment ago.
      if (!parsed.ok()) {
        return internal_error("trust store: anchor " + std::to_string(i) + " no longer parses");
      }
      impl->certs.push_back(std::move(*parsed));
      const x509::Certificate& c = impl->certs.back();
      impl->by_subject.emplace(std::string(c.subject.begin(), c.subject.end()), i);
    }
    return x509::Internals::make(std::move(impl));
  }
};

bool has_suffix(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix.data(), suffix.size()) == 0;
}

}  // namespace

TrustStore::TrustStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TrustStore::~TrustStore() = default;

size_t TrustStore::size() const { return impl_->ders.size(); }
size_t TrustStore::skipped() const { return impl_->skipped; }
const std::vector<Bytes>& TrustStore::anchors() const { return impl_->ders; }

std::vector<Bytes> TrustStore::subjects() const {
  std::vector<Bytes> out;
  out.reserve(impl_->certs.size());
  for (const x509::Certificate& c : impl_->certs) {
    out.emplace_back(c.subject.begin(), c.subject.end());
  }
  return out;
}

Result<std::shared_ptr<const TrustStore>> TrustStore::from_pem(std::string_view pem) {
  Loader l;
  GLASSTLS_TRY(l.add_pem(pem, "PEM bundle"));
  return std::move(l).finish(false);
}

Result<std::shared_ptr<const TrustStore>> TrustStore::from_file(const std::string& path) {
  GLASSTLS_ASSIGN(std::string text, x509::read_local_file(path, "trust store"));
  Loader l;
  GLASSTLS_TRY(l.add_pem(text, path));
  return std::move(l).finish(false);
}

Result<std::shared_ptr<const TrustStore>> TrustStore::from_directory(const std::string& path) {
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) {
    return config_error("cannot open directory " + path);
  }
  std::vector<std::string> names;
  while (dirent* e = readdir(dir)) {
    std::string name = e->d_name;
    if (has_suffix(name, ".pem") || has_suffix(name, ".crt")) {
      names.push_back(std::move(name));
    }
  }
  closedir(dir);
  // Sorted, so that load order (and anchors()) does not depend on the file system.
  std::sort(names.begin(), names.end());
  Loader l;
  for (const std::string& name : names) {
    std::string file = path + "/" + name;
    auto text = x509::read_local_file(file, "trust store");
    if (!text.ok()) {
      l.skipped++;
      continue;
    }
    if (!l.add_pem(*text, file).ok()) {
      // A file that is not PEM (a stray DER .crt, say) is skipped, not fatal.
      l.skipped++;
    }
  }
  return std::move(l).finish(false);
}

Result<std::shared_ptr<const TrustStore>> TrustStore::system() {
  const char* env = std::getenv("SSL_CERT_FILE");
  if (env != nullptr && env[0] != '\0') {
    return from_file(env);
  }
  return from_file(kDebianBundle);
}

Result<std::shared_ptr<const TrustStore>> TrustStore::from_der(std::vector<Bytes> certificates) {
  Loader l;
  l.candidates = std::move(certificates);
  return std::move(l).finish(true);
}

}  // namespace glasstls
