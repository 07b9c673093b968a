// private_key.cc: PKCS#8, SEC1 and PKCS#1 private key containers.
#include "x509/private_key.h"

#include <string>
#include <utility>
#include <vector>

#include "asn1/der.h"
#include "x509/certificate.h"
#include "x509/pem.h"

namespace glasstls::x509 {

namespace {

Error key_error(std::string reason) {
  return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error,
                    "private key: " + std::move(reason));
}

// context turns a DER error into a key error.
Status context(Status s, std::string_view what) {
  if (s.ok()) {
    return s;
  }
  return key_error(std::string(what) + ": " + s.error().reason);
}

// WipedBytes is a Bytes buffer that is wiped when it goes away.
struct WipedBytes {
  Bytes bytes;
  WipedBytes() = default;
  explicit WipedBytes(Bytes b) : bytes(std::move(b)) {}
  WipedBytes(const WipedBytes&) = delete;
  WipedBytes& operator=(const WipedBytes&) = delete;
  ~WipedBytes() {
    if (!bytes.empty()) {
      secure_wipe(bytes.data(), bytes.size());
    }
  }
};

// bit_length of a positive big-endian INTEGER's contents.
size_t bit_length(ByteView v) {
  size_t i = 0;
  while (i < v.size() && v[i] == 0) {
    i++;
  }
  if (i == v.size()) {
    return 0;
  }
  size_t bits = (v.size() - i - 1) * 8;
  for (uint8_t b = v[i]; b != 0; b >>= 1) {
    bits++;
  }
  return bits;
}

struct Identified {
  crypto::KeyType type = crypto::KeyType::kEcdsaP256;
  size_t bits = 0;
};

//= https://www.rfc-editor.org/rfc/rfc8017#appendix-A.1.2
//# RSAPrivateKey ::= SEQUENCE {
//#     version           Version,
//#     modulus           INTEGER,  -- n
//#     publicExponent    INTEGER,  -- e
//#     privateExponent   INTEGER,  -- d
//#     prime1            INTEGER,  -- p
//#     prime2            INTEGER,  -- q
//#     exponent1         INTEGER,  -- d mod (p-1)
//#     exponent2         INTEGER,  -- d mod (q-1)
//#     coefficient       INTEGER,  -- (inverse of q) mod p
//#     otherPrimeInfos   OtherPrimeInfos OPTIONAL
//# }
Result<Identified> parse_rsa_private_key(ByteView der) {
  DerReader top(der);
  DerReader seq;
  GLASSTLS_TRY(context(top.sequence(seq), "RSAPrivateKey"));
  GLASSTLS_TRY(context(top.expect_empty("RSAPrivateKey"), "RSAPrivateKey"));
  uint64_t version = 0;
  GLASSTLS_TRY(context(seq.read_uint64(version), "RSAPrivateKey version"));
  if (version != 0) {
    return key_error("RSAPrivateKey version " + std::to_string(version) +
                     " (multi-prime keys are not supported)");
  }
  ByteView fields[8];
  static constexpr const char* kNames[8] = {"modulus",   "publicExponent", "privateExponent",
                                            "prime1",    "prime2",         "exponent1",
                                            "exponent2", "coefficient"};
  for (size_t i = 0; i < 8; i++) {
    GLASSTLS_TRY(context(seq.read_integer(fields[i]), std::string("RSAPrivateKey ") + kNames[i]));
    if ((fields[i][0] & 0x80) != 0 || bit_length(fields[i]) == 0) {
      return key_error(std::string("RSAPrivateKey ") + kNames[i] + " is not positive");
    }
  }
  GLASSTLS_TRY(context(seq.expect_empty("RSAPrivateKey"), "RSAPrivateKey"));
  size_t bits = bit_length(fields[0]);
  if (bits < 2048 || bits > 4096) {
    return key_error("RSA key of " + std::to_string(bits) + " bits (2048 to 4096 are supported)");
  }
  return Identified{crypto::KeyType::kRsa, bits};
}

// curve_of maps a namedCurve OID to a key type.
Result<Identified> curve_of(ByteView curve) {
  if (oid_equal(curve, oid::kSecp256r1)) {
    return Identified{crypto::KeyType::kEcdsaP256, 256};
  }
  if (oid_equal(curve, oid::kSecp384r1)) {
    return Identified{crypto::KeyType::kEcdsaP384, 384};
  }
  if (oid_equal(curve, oid::kSecp521r1)) {
    return Identified{crypto::KeyType::kEcdsaP521, 521};
  }
  return key_error("EC key on curve " + oid_to_string(curve) +
                   " (P-256, P-384 and P-521 are supported)");
}

// read_named_curve reads `ECParameters ::= CHOICE { namedCurve OBJECT IDENTIFIER }` (RFC 5480
// section 2.1.1: implicitCurve and specifiedCurve MUST NOT be used).
Status read_named_curve(DerReader& r, ByteView& curve) {
  uint8_t t = 0;
  if (!r.peek_tag(t) || t != tag::kOid) {
    return key_error("EC parameters are not a namedCurve");
  }
  return context(r.read_oid(curve), "EC namedCurve");
}

//= https://www.rfc-editor.org/rfc/rfc5915#section-3
//# ECPrivateKey ::= SEQUENCE {
//#   version        INTEGER { ecPrivkeyVer1(1) } (ecPrivkeyVer1),
//#   privateKey     OCTET STRING,
//#   parameters [0] ECParameters {{ NamedCurve }} OPTIONAL,
//#   publicKey  [1] BIT STRING OPTIONAL
//# }
// `outer_curve` is the curve of an enclosing PKCS#8 AlgorithmIdentifier (empty for a bare SEC1
// key, which must then carry its parameters).
Result<Identified> parse_ec_private_key(ByteView der, ByteView outer_curve) {
  DerReader top(der);
  DerReader seq;
  GLASSTLS_TRY(context(top.sequence(seq), "ECPrivateKey"));
  GLASSTLS_TRY(context(top.expect_empty("ECPrivateKey"), "ECPrivateKey"));
  uint64_t version = 0;
  GLASSTLS_TRY(context(seq.read_uint64(version), "ECPrivateKey version"));
  if (version != 1) {
    return key_error("ECPrivateKey version " + std::to_string(version) + " is not 1");
  }
  ByteView scalar;
  GLASSTLS_TRY(context(seq.read(tag::kOctetString, scalar), "ECPrivateKey privateKey"));
  ByteView curve = outer_curve;
  uint8_t t = 0;
  if (seq.peek_tag(t) && t == tag::context_constructed(0)) {
    DerReader params;
    GLASSTLS_TRY(context(seq.nested(tag::context_constructed(0), params), "ECPrivateKey"));
    ByteView inner;
    GLASSTLS_TRY(read_named_curve(params, inner));
    GLASSTLS_TRY(context(params.expect_empty("ECPrivateKey parameters"), "ECPrivateKey"));
    if (!outer_curve.empty() && !oid_equal(inner, outer_curve)) {
      return key_error("ECPrivateKey parameters name another curve than the AlgorithmIdentifier");
    }
    curve = inner;
  }
  if (curve.empty()) {
    return key_error("ECPrivateKey has no namedCurve parameters");
  }
  if (seq.peek_tag(t) && t == tag::context_constructed(1)) {
    DerReader pub;
    GLASSTLS_TRY(context(seq.nested(tag::context_constructed(1), pub), "ECPrivateKey publicKey"));
    ByteView point;
    GLASSTLS_TRY(context(pub.read_octet_aligned_bit_string(point), "ECPrivateKey publicKey"));
    GLASSTLS_TRY(context(pub.expect_empty("ECPrivateKey publicKey"), "ECPrivateKey"));
  }
  GLASSTLS_TRY(context(seq.expect_empty("ECPrivateKey"), "ECPrivateKey"));
  GLASSTLS_ASSIGN(Identified id, curve_of(curve));
  //= https://www.rfc-editor.org/rfc/rfc5915#section-3
  //# The privateKey is the private
  //# key.  It is an octet string of length ceiling (log2(n)/8) (where n is
  //# the order of the curve) obtained from the unsigned integer via the
  //# Integer-to-Octet-String-Primitive (I2OSP) defined in [RFC3447].
  if (scalar.size() != (id.bits + 7) / 8) {
    return key_error("ECPrivateKey privateKey has " + std::to_string(scalar.size()) +
                     " bytes, not " + std::to_string((id.bits + 7) / 8));
  }
  return id;
}

//= https://www.rfc-editor.org/rfc/rfc5958#section-2
//# OneAsymmetricKey ::= SEQUENCE {
//#   version                   Version,
//#   privateKeyAlgorithm       PrivateKeyAlgorithmIdentifier,
//#   privateKey                PrivateKey,
//#   attributes            [0] Attributes OPTIONAL,
//#   ...,
//#   [[2: publicKey        [1] PublicKey OPTIONAL ]],
//#   ...
//# }
Result<Identified> parse_pkcs8(ByteView der) {
  DerReader top(der);
  DerReader seq;
  GLASSTLS_TRY(context(top.sequence(seq), "PrivateKeyInfo"));
  GLASSTLS_TRY(context(top.expect_empty("PrivateKeyInfo"), "PrivateKeyInfo"));
  uint64_t version = 0;
  GLASSTLS_TRY(context(seq.read_uint64(version), "PrivateKeyInfo version"));
  //# Version ::= INTEGER { v1(0), v2(1) } (v1, ..., v2)
  if (version > 1) {
    return key_error("PrivateKeyInfo version " + std::to_string(version) + " is not v1 or v2");
  }
  DerReader alg;
  GLASSTLS_TRY(context(seq.sequence(alg), "PrivateKeyInfo privateKeyAlgorithm"));
  ByteView alg_oid;
  GLASSTLS_TRY(context(alg.read_oid(alg_oid), "PrivateKeyInfo privateKeyAlgorithm"));
  ByteView key;
  Identified id;
  if (oid_equal(alg_oid, oid::kRsaEncryption)) {
    GLASSTLS_TRY(context(alg.read_null(), "rsaEncryption parameters"));
    GLASSTLS_TRY(context(alg.expect_empty("AlgorithmIdentifier"), "rsaEncryption"));
    GLASSTLS_TRY(context(seq.read(tag::kOctetString, key), "PrivateKeyInfo privateKey"));
    GLASSTLS_ASSIGN(id, parse_rsa_private_key(key));
  } else if (oid_equal(alg_oid, oid::kRsassaPss)) {
    // RFC 4055 section 3.1: the parameters are absent (any hash) or RSASSA-PSS-params, which
    // restrict the key and which the provider reads when it loads the key.
    uint8_t pt = 0;
    if (alg.peek_tag(pt)) {
      if (pt != tag::kSequence) {
        return key_error("id-RSASSA-PSS parameters are not RSASSA-PSS-params");
      }
      GLASSTLS_TRY(context(alg.skip(tag::kSequence), "id-RSASSA-PSS parameters"));
    }
    GLASSTLS_TRY(context(alg.expect_empty("AlgorithmIdentifier"), "id-RSASSA-PSS"));
    GLASSTLS_TRY(context(seq.read(tag::kOctetString, key), "PrivateKeyInfo privateKey"));
    GLASSTLS_ASSIGN(id, parse_rsa_private_key(key));
    id.type = crypto::KeyType::kRsaPss;
  } else if (oid_equal(alg_oid, oid::kEcPublicKey)) {
    ByteView curve;
    GLASSTLS_TRY(read_named_curve(alg, curve));
    GLASSTLS_TRY(context(alg.expect_empty("AlgorithmIdentifier"), "id-ecPublicKey"));
    GLASSTLS_TRY(context(seq.read(tag::kOctetString, key), "PrivateKeyInfo privateKey"));
    GLASSTLS_ASSIGN(id, parse_ec_private_key(key, curve));
  } else if (oid_equal(alg_oid, oid::kEd25519) || oid_equal(alg_oid, oid::kEd448)) {
    const bool ed448 = oid_equal(alg_oid, oid::kEd448);
    const std::string what = ed448 ? "Ed448" : "Ed25519";
    const size_t want = ed448 ? 57 : 32;
    //= https://www.rfc-editor.org/rfc/rfc8410#section-3
    //# For all of the OIDs, the parameters MUST be absent.
    GLASSTLS_TRY(context(alg.expect_empty("AlgorithmIdentifier"), "id-" + what + " parameters"));
    GLASSTLS_TRY(context(seq.read(tag::kOctetString, key), "PrivateKeyInfo privateKey"));
    //= https://www.rfc-editor.org/rfc/rfc8410#section-7
    //# CurvePrivateKey ::= OCTET STRING
    DerReader inner(key);
    ByteView scalar;
    GLASSTLS_TRY(context(inner.read(tag::kOctetString, scalar), what + " CurvePrivateKey"));
    GLASSTLS_TRY(context(inner.expect_empty("CurvePrivateKey"), what + " CurvePrivateKey"));
    if (scalar.size() != want) {
      return key_error(what + " private key has " + std::to_string(scalar.size()) + " bytes, not " +
                       std::to_string(want));
    }
    id = ed448 ? Identified{crypto::KeyType::kEd448, 448}
               : Identified{crypto::KeyType::kEd25519, 255};
  } else {
    return key_error("unsupported key algorithm " + oid_to_string(alg_oid) +
                     " (RSA, RSASSA-PSS, EC P-256/P-384/P-521, Ed25519 and Ed448 are supported)");
  }
  uint8_t t = 0;
  if (seq.peek_tag(t) && t == tag::context_constructed(0)) {
    GLASSTLS_TRY(context(seq.skip(tag::context_constructed(0)), "PrivateKeyInfo attributes"));
  }
  if (seq.peek_tag(t) && t == tag::context_specific(1)) {
    if (version != 1) {
      return key_error("PrivateKeyInfo v1 has a publicKey, which only v2 may have");
    }
    GLASSTLS_TRY(context(seq.skip(tag::context_specific(1)), "PrivateKeyInfo publicKey"));
  }
  GLASSTLS_TRY(context(seq.expect_empty("PrivateKeyInfo"), "PrivateKeyInfo"));
  return id;
}

// wrap makes `SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING inner }`.
Secret wrap(ByteView inner, ByteView curve) {
  DerWriter w;
  w.add_sequence([&](DerWriter& pki) {
    pki.add_uint64(0);
    pki.add_sequence([&](DerWriter& alg) {
      if (curve.empty()) {
        alg.add_oid(oid::kRsaEncryption);
        alg.add_null();
      } else {
        alg.add_oid(oid::kEcPublicKey);
        alg.add_oid(curve);
      }
    });
    pki.add_octet_string(inner);
  });
  WipedBytes der(std::move(w).take());
  return Secret(ByteView(der.bytes));
}

// sec1_curve returns the namedCurve OID of a SEC1 key (its [0] parameters).
ByteView sec1_curve(ByteView der) {
  DerReader top(der);
  DerReader seq;
  uint64_t version = 0;
  ByteView scalar;
  DerReader params;
  ByteView curve;
  uint8_t t = 0;
  if (!top.sequence(seq).ok() || !seq.read_uint64(version).ok() ||
      !seq.read(tag::kOctetString, scalar).ok() || !seq.peek_tag(t) ||
      t != tag::context_constructed(0) || !seq.nested(tag::context_constructed(0), params).ok() ||
      !params.read_oid(curve).ok()) {
    return ByteView();
  }
  return curve;
}

Result<ParsedPrivateKey> parse_der(ByteView der, PrivateKeyFormat format) {
  ParsedPrivateKey out;
  out.format = format;
  switch (format) {
    case PrivateKeyFormat::kPkcs8: {
      GLASSTLS_ASSIGN(Identified id, parse_pkcs8(der));
      out.type = id.type;
      out.bits = id.bits;
      out.pkcs8 = Secret(der);
      return out;
    }
    case PrivateKeyFormat::kSec1: {
      GLASSTLS_ASSIGN(Identified id, parse_ec_private_key(der, ByteView()));
      out.type = id.type;
      out.bits = id.bits;
      out.pkcs8 = wrap(der, sec1_curve(der));
      return out;
    }
    case PrivateKeyFormat::kPkcs1: {
      GLASSTLS_ASSIGN(Identified id, parse_rsa_private_key(der));
      out.type = id.type;
      out.bits = id.bits;
      out.pkcs8 = wrap(der, ByteView());
      return out;
    }
  }
  return key_error("unknown container");
}

// bare drops the "private key: " prefix of a nested error's reason.
std::string bare(const Error& e) {
  constexpr std::string_view kPrefix = "private key: ";
  if (e.reason.compare(0, kPrefix.size(), kPrefix) == 0) {
    return e.reason.substr(kPrefix.size());
  }
  return e.reason;
}

bool looks_like_pem(std::string_view text) {
  return text.find("-----BEGIN ") != std::string_view::npos;
}

}  // namespace

Result<ParsedPrivateKey> parse_private_key(std::string_view pem_or_der) {
  if (pem_or_der.empty()) {
    return key_error("the input is empty");
  }
  if (!looks_like_pem(pem_or_der)) {
    ByteView der(reinterpret_cast<const uint8_t*>(pem_or_der.data()), pem_or_der.size());
    // DER: try the containers in turn. Their shapes differ in the second element (an
    // AlgorithmIdentifier SEQUENCE for PKCS#8, an OCTET STRING for SEC1, an INTEGER for PKCS#1),
    // so at most one can parse.
    auto pkcs8 = parse_der(der, PrivateKeyFormat::kPkcs8);
    if (pkcs8.ok()) {
      return pkcs8;
    }
    auto sec1 = parse_der(der, PrivateKeyFormat::kSec1);
    if (sec1.ok()) {
      return sec1;
    }
    auto pkcs1 = parse_der(der, PrivateKeyFormat::kPkcs1);
    if (pkcs1.ok()) {
      return pkcs1;
    }
    return key_error("DER input is not a PKCS#8, SEC1 or PKCS#1 private key (as PKCS#8: " +
                     bare(pkcs8.error()) + ")");
  }
  auto blocks = pem_decode(pem_or_der);
  if (!blocks.ok()) {
    return key_error(bare(blocks.error()));
  }
  std::optional<ParsedPrivateKey> found;
  for (PemBlock& b : *blocks) {
    WipedBytes der(std::move(b.der));
    std::optional<PrivateKeyFormat> format;
    if (b.label == "PRIVATE KEY") {
      format = PrivateKeyFormat::kPkcs8;
    } else if (b.label == "EC PRIVATE KEY") {
      format = PrivateKeyFormat::kSec1;
    } else if (b.label == "RSA PRIVATE KEY") {
      format = PrivateKeyFormat::kPkcs1;
    } else if (b.label == "ENCRYPTED PRIVATE KEY") {
      return key_error("encrypted PKCS#8 keys are not supported; decrypt the key first");
    }
    if (!format) {
      continue;
    }
    if (found) {
      return key_error("the PEM input holds more than one private key");
    }
    auto parsed = parse_der(der.bytes, *format);
    if (!parsed.ok()) {
      return key_error("PEM \"" + b.label + "\": " + bare(parsed.error()));
    }
    found = std::move(*parsed);
  }
  if (!found) {
    return key_error("no PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY block in the PEM input");
  }
  return std::move(*found);
}

Result<std::shared_ptr<const crypto::SigningKey>> load_private_key(
    const crypto::CryptoProvider& provider, std::string_view pem_or_der) {
  GLASSTLS_ASSIGN(ParsedPrivateKey parsed, parse_private_key(pem_or_der));
  if (provider.keys == nullptr) {
    return key_error("the crypto provider cannot load keys");
  }
  GLASSTLS_ASSIGN(std::shared_ptr<const crypto::SigningKey> key,
                  provider.keys->load_private_key(parsed.pkcs8.span()));
  if (key->type() != parsed.type) {
    return internal_error("private key: the provider loaded another key type than was parsed");
  }
  return key;
}

}  // namespace glasstls::x509
