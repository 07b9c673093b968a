// cert_builder.cc: X.509 v3 certificate construction.
#include "pki/cert_builder.h"

#include <algorithm>
#include <ctime>
#include <initializer_list>
#include <utility>

#include "asn1/der.h"
#include "x509/certificate.h"

namespace glasstls::x509 {

namespace {

Error spec_error(std::string reason) {
  return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error,
                    "certificate builder: " + std::move(reason));
}

// public_key_bits extracts the subjectPublicKey bits from a DER SubjectPublicKeyInfo.
Result<ByteView> public_key_bits(ByteView spki) {
  DerReader top(spki);
  DerReader seq;
  DerReader alg;
  ByteView bits;
  if (!top.sequence(seq).ok() || !top.empty() || !seq.sequence(alg).ok() ||
      !seq.read_octet_aligned_bit_string(bits).ok() || !seq.empty()) {
    return spec_error("malformed SubjectPublicKeyInfo");
  }
  return bits;
}

// key_identifier is the first 20 bytes of SHA-256 over the public key bits (RFC 7093 section 2,
// method 1).
Result<Bytes> key_identifier(ByteView spki, const crypto::Hash& sha256) {
  GLASSTLS_ASSIGN(ByteView bits, public_key_bits(spki));
  Bytes digest = sha256.digest(bits);
  digest.resize(20);
  return digest;
}

struct SignatureChoice {
  ByteView oid;
  bool null_params;
  SignatureScheme scheme;
  // raw, when not empty, is the whole AlgorithmIdentifier (RSASSA-PSS, with parameters).
  Bytes raw = {};
};

Result<SignatureChoice> signature_choice(const crypto::SigningKey& key) {
  switch (key.type()) {
    case crypto::KeyType::kEcdsaP256:
      return SignatureChoice{oid::kEcdsaWithSha256, false, SignatureScheme::ecdsa_secp256r1_sha256};
    case crypto::KeyType::kEcdsaP384:
      return SignatureChoice{oid::kEcdsaWithSha384, false, SignatureScheme::ecdsa_secp384r1_sha384};
    case crypto::KeyType::kRsa:
      //= https://www.rfc-editor.org/rfc/rfc4055#section-5
      //# When any of these four object identifiers appears within an
      //# AlgorithmIdentifier, the parameters MUST be NULL.
      return SignatureChoice{oid::kSha256WithRsa, true, SignatureScheme::rsa_pkcs1_sha256};
    case crypto::KeyType::kEd25519:
      //= https://www.rfc-editor.org/rfc/rfc8410#section-3
      //# For all of the OIDs, the parameters MUST be absent.
      return SignatureChoice{oid::kEd25519, false, SignatureScheme::ed25519};
    case crypto::KeyType::kEcdsaP521:
      return SignatureChoice{oid::kEcdsaWithSha512, false, SignatureScheme::ecdsa_secp521r1_sha512};
    case crypto::KeyType::kEd448:
      return SignatureChoice{oid::kEd448, false, SignatureScheme::ed448};
    case crypto::KeyType::kRsaPss:
      // An RSASSA-PSS key makes RSASSA-PSS signatures only (RFC 4055 section 3.1).
      return SignatureChoice{oid::kRsassaPss, false, SignatureScheme::rsa_pss_pss_sha256,
                             pss_algorithm_identifier(crypto::HashId::kSha256)};
  }
  return spec_error("unknown issuer key type");
}

void add_algorithm(DerWriter& w, const SignatureChoice& c) {
  if (!c.raw.empty()) {
    w.add_raw(c.raw);
    return;
  }
  w.add_sequence([&](DerWriter& a) {
    a.add_oid(c.oid);
    if (c.null_params) {
      a.add_null();
    }
  });
}

void add_name(DerWriter& w, const std::string& cn, const std::optional<Bytes>& raw) {
  if (raw) {
    w.add_raw(*raw);
    return;
  }
  w.add_sequence([&](DerWriter& name) {
    if (cn.empty()) {
      return;
    }
    name.add_constructed(tag::kSet, [&](DerWriter& rdn) {
      rdn.add_sequence([&](DerWriter& atv) {
        atv.add_oid(oid::kCommonName);
        atv.add_string(tag::kUtf8String, cn);
      });
    });
  });
}

// add_extension writes `Extension ::= SEQUENCE { extnID, critical DEFAULT FALSE, extnValue }`,
// omitting critical when false as DER requires.
void add_extension(DerWriter& w, ByteView id, bool critical, ByteView value) {
  w.add_sequence([&](DerWriter& e) {
    e.add_oid(id);
    if (critical) {
      e.add_bool(true);
    }
    e.add_octet_string(value);
  });
}

// named_bits encodes a named BIT STRING with the given bit numbers set (bit 0 is the most
// significant bit of the first byte), with trailing zero bits removed (X.690 section 11.2.2).
void add_named_bits(DerWriter& w, std::initializer_list<int> bits) {
  int highest = -1;
  for (int b : bits) {
    highest = std::max(highest, b);
  }
  Bytes bytes(static_cast<size_t>(highest / 8 + 1), 0);
  for (int b : bits) {
    bytes[static_cast<size_t>(b / 8)] |= static_cast<uint8_t>(0x80 >> (b % 8));
  }
  auto unused = static_cast<uint8_t>(7 - highest % 8);
  w.add_bit_string(bytes, unused);
}

// add_key_usage_bits encodes a keyUsage mask (bit n of the BIT STRING is 1 << n).
void add_key_usage_bits(DerWriter& w, uint16_t mask) {
  int highest = -1;
  for (int b = 0; b < 9; b++) {
    if ((mask >> b) & 1) {
      highest = b;
    }
  }
  if (highest < 0) {
    w.add_bit_string(ByteView(), 0);
    return;
  }
  Bytes bytes(static_cast<size_t>(highest / 8 + 1), 0);
  for (int b = 0; b <= highest; b++) {
    if ((mask >> b) & 1) {
      bytes[static_cast<size_t>(b / 8)] |= static_cast<uint8_t>(0x80 >> (b % 8));
    }
  }
  w.add_bit_string(bytes, static_cast<uint8_t>(7 - highest % 8));
}

void add_subtrees(DerWriter& w, uint8_t t, const std::vector<std::string>& dns,
                  const std::vector<Bytes>& ips, const std::vector<Bytes>& dirs,
                  const std::vector<std::string>& emails) {
  if (dns.empty() && ips.empty() && dirs.empty() && emails.empty()) {
    return;
  }
  w.add_constructed(t, [&](DerWriter& list) {
    for (const std::string& e : emails) {
      list.add_sequence([&](DerWriter& st) { st.add_string(tag::context_specific(1), e); });
    }
    for (const std::string& d : dns) {
      list.add_sequence([&](DerWriter& st) { st.add_string(tag::context_specific(2), d); });
    }
    for (const Bytes& ip : ips) {
      list.add_sequence([&](DerWriter& st) { st.add(tag::context_specific(7), ip); });
    }
    for (const Bytes& dn : dirs) {
      list.add_sequence([&](DerWriter& st) {
        st.add_constructed(tag::context_constructed(4), [&](DerWriter& n) { n.add_raw(dn); });
      });
    }
  });
}

// Key usage bit numbers (RFC 5280 section 4.2.1.3).
constexpr int kDigitalSignature = 0;
constexpr int kKeyCertSign = 5;
constexpr int kCrlSign = 6;

Result<Bytes> build_extensions(const CertSpec& spec, ByteView subject_key_id,
                               ByteView authority_key_id) {
  DerWriter exts;
  // basicConstraints, critical in CA certificates (RFC 5280 4.2.1.9); glasstls marks it
  // critical in leaves too.
  if (spec.include_basic_constraints) {
    DerWriter v;
    v.add_sequence([&](DerWriter& bc) {
      if (spec.is_ca) {
        bc.add_bool(true);
        if (spec.path_len) {
          bc.add_uint64(static_cast<uint64_t>(*spec.path_len));
        }
      }
    });
    add_extension(exts, oid::kBasicConstraints, !spec.basic_constraints_not_critical, v.view());
  }
  if (spec.include_key_usage) {
    DerWriter v;
    if (spec.key_usage) {
      add_key_usage_bits(v, *spec.key_usage);
    } else if (spec.is_ca) {
      add_named_bits(v, {kKeyCertSign, kCrlSign});
    } else {
      add_named_bits(v, {kDigitalSignature});
    }
    add_extension(exts, oid::kKeyUsage, true, v.view());
  }
  if (spec.ext_key_usages) {
    if (!spec.ext_key_usages->empty()) {
      DerWriter v;
      v.add_sequence([&](DerWriter& eku) {
        for (const Bytes& purpose : *spec.ext_key_usages) {
          eku.add_oid(purpose);
        }
      });
      add_extension(exts, oid::kExtKeyUsage, false, v.view());
    }
  } else if (!spec.is_ca && (spec.server_auth || spec.client_auth)) {
    DerWriter v;
    v.add_sequence([&](DerWriter& eku) {
      if (spec.server_auth) {
        eku.add_oid(oid::kServerAuth);
      }
      if (spec.client_auth) {
        eku.add_oid(oid::kClientAuth);
      }
    });
    add_extension(exts, oid::kExtKeyUsage, false, v.view());
  }
  if (!spec.dns_names.empty() || !spec.ip_addresses.empty() || !spec.uris.empty() ||
      !spec.emails.empty()) {
    DerWriter v;
    v.add_sequence([&](DerWriter& names) {
      for (const std::string& email : spec.emails) {
        names.add_string(tag::context_specific(1), email);
      }
      for (const std::string& dns : spec.dns_names) {
        names.add_string(tag::context_specific(2), dns);
      }
      for (const Bytes& ip : spec.ip_addresses) {
        names.add(tag::context_specific(7), ip);
      }
      for (const std::string& uri : spec.uris) {
        names.add_string(tag::context_specific(6), uri);
      }
    });
    //= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.6
    //# If the subject field
    //# contains an empty sequence, then the issuing CA MUST include a
    //# subjectAltName extension that is marked as critical.
    add_extension(exts, oid::kSubjectAltName, spec.subject_cn.empty() && !spec.subject_name,
                  v.view());
  }
  bool any_constraint = !spec.permitted_dns.empty() || !spec.excluded_dns.empty() ||
                        !spec.permitted_ips.empty() || !spec.excluded_ips.empty() ||
                        !spec.permitted_dirs.empty() || !spec.excluded_dirs.empty() ||
                        !spec.permitted_emails.empty() || !spec.excluded_emails.empty();
  if (any_constraint) {
    DerWriter v;
    v.add_sequence([&](DerWriter& nc) {
      add_subtrees(nc, tag::context_constructed(0), spec.permitted_dns, spec.permitted_ips,
                   spec.permitted_dirs, spec.permitted_emails);
      add_subtrees(nc, tag::context_constructed(1), spec.excluded_dns, spec.excluded_ips,
                   spec.excluded_dirs, spec.excluded_emails);
    });
    //= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.10
    //# Conforming CAs MUST mark this extension as critical
    add_extension(exts, oid::kNameConstraints, true, v.view());
  }
  if (spec.include_key_ids && spec.include_subject_key_id) {
    DerWriter v;
    v.add_octet_string(spec.subject_key_id ? ByteView(*spec.subject_key_id) : subject_key_id);
    add_extension(exts, oid::kSubjectKeyIdentifier, false, v.view());
  }
  if (spec.include_key_ids && spec.include_authority_key_id) {
    DerWriter v;
    v.add_sequence([&](DerWriter& aki) {
      aki.add(tag::context_specific(0),
              spec.authority_key_id ? ByteView(*spec.authority_key_id) : authority_key_id);
    });
    add_extension(exts, oid::kAuthorityKeyIdentifier, false, v.view());
  }
  for (const CertSpec::RawExtension& e : spec.extra_extensions) {
    add_extension(exts, e.oid, e.critical, e.value);
  }
  return std::move(exts).take();
}

Status check_spec(const CertSpec& spec) {
  if (spec.raw_serial) {
    // Tests of the validator write serials a conforming CA would not (zero, negative).
  } else if (std::all_of(spec.serial.begin(), spec.serial.end(),
                         [](uint8_t b) { return b == 0; })) {
    return spec_error("the serial number must be positive");
  }
  auto first =
      std::find_if(spec.serial.begin(), spec.serial.end(), [](uint8_t b) { return b != 0; });
  //= https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.2
  //# Conforming CAs MUST NOT use serialNumber
  //# values longer than 20 octets.
  if (spec.serial.end() - first > 20 || (spec.serial.end() - first == 20 && (*first & 0x80))) {
    return spec_error("the serial number is longer than 20 octets");
  }
  for (const std::string& dns : spec.dns_names) {
    if (dns.empty() || std::any_of(dns.begin(), dns.end(), [](char c) {
          return static_cast<unsigned char>(c) >= 0x80 || static_cast<unsigned char>(c) < 0x21;
        })) {
      return spec_error("DNS name \"" + dns + "\" is not printable ASCII");
    }
  }
  for (const Bytes& ip : spec.ip_addresses) {
    if (ip.size() != 4 && ip.size() != 16) {
      return spec_error("IP address of " + std::to_string(ip.size()) + " bytes (need 4 or 16)");
    }
  }
  if (spec.path_len && *spec.path_len < 0) {
    return spec_error("negative pathLenConstraint");
  }
  if (!to_civil(spec.not_before) || !to_civil(spec.not_after)) {
    return spec_error("validity time outside the years 0000 through 9999");
  }
  if (spec.not_after < spec.not_before) {
    return spec_error("not_after is before not_before");
  }
  return Ok{};
}

}  // namespace

Result<Bytes> build_certificate(const CertSpec& spec, const crypto::SigningKey& issuer_key,
                                const crypto::CryptoProvider& provider) {
  if (provider.sha256 == nullptr) {
    return spec_error("the provider has no SHA-256");
  }
  GLASSTLS_TRY(check_spec(spec));
  GLASSTLS_ASSIGN(SignatureChoice alg, signature_choice(issuer_key));
  if (spec.signature_scheme) {
    alg.scheme = *spec.signature_scheme;
  }
  if (spec.version != 1 && spec.version != 3) {
    return spec_error("version must be 1 or 3");
  }
  auto write_algorithm = [&](DerWriter& w) {
    if (spec.signature_algorithm) {
      w.add_raw(*spec.signature_algorithm);
    } else {
      add_algorithm(w, alg);
    }
  };
  GLASSTLS_ASSIGN(Bytes subject_key_id, key_identifier(spec.subject_spki, *provider.sha256));
  GLASSTLS_ASSIGN(Bytes authority_key_id,
                  key_identifier(issuer_key.public_key_spki(), *provider.sha256));
  GLASSTLS_ASSIGN(Bytes extensions, build_extensions(spec, subject_key_id, authority_key_id));

  DerWriter tbs;
  tbs.add_sequence([&](DerWriter& t) {
    // version [0] EXPLICIT v3 (2); v1 is the DEFAULT and is left out.
    if (spec.version == 3) {
      t.add_constructed(tag::context_constructed(0), [](DerWriter& v) { v.add_uint64(2); });
    }
    if (spec.raw_serial) {
      t.add(tag::kInteger, *spec.raw_serial);
    } else {
      t.add_unsigned_integer(spec.serial);
    }
    write_algorithm(t);
    add_name(t, spec.issuer_cn, spec.issuer_name);
    t.add_sequence([&](DerWriter& validity) {
      validity.add_time(spec.not_before);
      validity.add_time(spec.not_after);
    });
    add_name(t, spec.subject_cn, spec.subject_name);
    t.add_raw(spec.subject_spki);
    // extensions [3] EXPLICIT SEQUENCE OF Extension (never empty: RFC 5280 section 4.1)
    if (spec.version == 3 && !extensions.empty()) {
      t.add_constructed(tag::context_constructed(3), [&](DerWriter& e) {
        e.add_sequence([&](DerWriter& list) { list.add_raw(extensions); });
      });
    }
  });
  ByteView tbs_der = tbs.view();
  GLASSTLS_ASSIGN(Bytes signature, issuer_key.sign(alg.scheme, tbs_der));

  DerWriter cert;
  cert.add_sequence([&](DerWriter& c) {
    c.add_raw(tbs_der);
    write_algorithm(c);
    c.add_bit_string(signature);
  });
  return std::move(cert).take();
}

Result<Bytes> build_name(const std::vector<std::pair<std::string, std::string>>& rdns) {
  struct Attr {
    const char* name;
    ByteView oid;
    uint8_t string_tag;
  };
  const Attr attrs[] = {
      {"C", oid::kCountryName, tag::kPrintableString},
      {"O", oid::kOrganizationName, tag::kUtf8String},
      {"OU", oid::kOrganizationalUnitName, tag::kUtf8String},
      {"CN", oid::kCommonName, tag::kUtf8String},
      {"L", oid::kLocalityName, tag::kUtf8String},
      {"ST", oid::kStateOrProvinceName, tag::kUtf8String},
  };
  for (const auto& rdn : rdns) {
    const std::string& type = rdn.first;
    bool known = std::any_of(std::begin(attrs), std::end(attrs),
                             [&](const Attr& a) { return type == a.name; });
    if (!known) {
      return spec_error("unknown attribute type \"" + type + "\" in a name");
    }
  }
  DerWriter w;
  w.add_sequence([&](DerWriter& name) {
    for (const auto& entry : rdns) {
      const std::string& type = entry.first;
      const std::string& value = entry.second;
      for (const Attr& a : attrs) {
        if (type != a.name) {
          continue;
        }
        name.add_constructed(tag::kSet, [&](DerWriter& rdn) {
          rdn.add_sequence([&](DerWriter& atv) {
            atv.add_oid(a.oid);
            atv.add_string(a.string_tag, value);
          });
        });
      }
    }
  });
  return std::move(w).take();
}

Bytes pss_algorithm_identifier(crypto::HashId hash) {
  ByteView hash_oid = oid::kSha256;
  uint64_t salt = 32;
  if (hash == crypto::HashId::kSha384) {
    hash_oid = oid::kSha384;
    salt = 48;
  } else if (hash == crypto::HashId::kSha512) {
    hash_oid = oid::kSha512;
    salt = 64;
  }
  auto hash_alg = [&](DerWriter& w) {
    w.add_sequence([&](DerWriter& a) {
      a.add_oid(hash_oid);
      a.add_null();
    });
  };
  DerWriter w;
  w.add_sequence([&](DerWriter& alg) {
    alg.add_oid(oid::kRsassaPss);
    alg.add_sequence([&](DerWriter& params) {
      params.add_constructed(tag::context_constructed(0), hash_alg);
      params.add_constructed(tag::context_constructed(1), [&](DerWriter& m) {
        m.add_sequence([&](DerWriter& mgf) {
          mgf.add_oid(oid::kMgf1);
          hash_alg(mgf);
        });
      });
      params.add_constructed(tag::context_constructed(2),
                             [&](DerWriter& sl) { sl.add_uint64(salt); });
    });
  });
  return std::move(w).take();
}

Result<TestPki> make_test_pki(const crypto::CryptoProvider& provider, crypto::KeyType leaf_type,
                              std::vector<std::string> dns_names, std::string ca_cn,
                              crypto::KeyType ca_type) {
  if (provider.keys == nullptr || provider.random == nullptr) {
    return spec_error("the provider cannot generate keys or random serials");
  }
  auto serial = [&]() -> Result<Bytes> {
    Bytes s(16, 0);
    GLASSTLS_TRY(provider.random->fill(s));
    // Positive, and a full 16 bytes long.
    s[0] = static_cast<uint8_t>((s[0] & 0x7f) | 0x40);
    return s;
  };
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  TestPki pki;
  GLASSTLS_ASSIGN(pki.ca_key, provider.keys->generate(ca_type));
  GLASSTLS_ASSIGN(pki.leaf_key, provider.keys->generate(leaf_type));

  CertSpec ca;
  GLASSTLS_ASSIGN(ca.serial, serial());
  ca.issuer_cn = ca_cn;
  ca.subject_cn = ca_cn;
  ca.not_before = now - 3600;
  ca.not_after = now + 86400;
  ca.subject_spki = pki.ca_key->public_key_spki();
  ca.is_ca = true;
  ca.path_len = 0;
  GLASSTLS_ASSIGN(pki.ca_cert, build_certificate(ca, *pki.ca_key, provider));

  CertSpec leaf;
  GLASSTLS_ASSIGN(leaf.serial, serial());
  leaf.issuer_cn = ca_cn;
  leaf.subject_cn = dns_names.empty() ? std::string("glasstls test leaf") : dns_names.front();
  leaf.not_before = now - 3600;
  leaf.not_after = now + 86400;
  leaf.subject_spki = pki.leaf_key->public_key_spki();
  leaf.dns_names = std::move(dns_names);
  leaf.server_auth = true;
  leaf.client_auth = true;
  GLASSTLS_ASSIGN(pki.leaf_cert, build_certificate(leaf, *pki.ca_key, provider));
  return pki;
}

}  // namespace glasstls::x509
