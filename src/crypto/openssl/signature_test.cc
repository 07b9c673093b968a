// signature_test.cc: signing keys, key loading and signature verification of the OpenSSL
// provider.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>
#include <atomic>
#include <numeric>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/bytes.h"
#include "glasstls/crypto.h"
#include "testing/hex.h"

namespace glasstls::crypto {
namespace {

using glasstls::testing::hex;

ByteView text(std::string_view s) {
  return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// pem wraps DER in PEM armour with `label`, 64 base64 characters per line (RFC 7468).
std::string pem(std::string_view label, ByteView der) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string b64;
  for (size_t i = 0; i < der.size(); i += 3) {
    uint32_t v = uint32_t{der[i]} << 16;
    if (i + 1 < der.size()) {
      v |= uint32_t{der[i + 1]} << 8;
    }
    if (i + 2 < der.size()) {
      v |= der[i + 2];
    }
    b64 += kAlphabet[(v >> 18) & 63];
    b64 += kAlphabet[(v >> 12) & 63];
    b64 += i + 1 < der.size() ? kAlphabet[(v >> 6) & 63] : '=';
    b64 += i + 2 < der.size() ? kAlphabet[v & 63] : '=';
  }
  std::string out = "-----BEGIN " + std::string(label) + "-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) {
    out += b64.substr(i, 64) + "\n";
  }
  out += "-----END " + std::string(label) + "-----\n";
  return out;
}

const KeyStore& keys() { return *openssl_provider().keys; }
const SignatureVerifier& verifier() { return *openssl_provider().verifier; }

std::shared_ptr<const SigningKey> must_generate(KeyType type, size_t rsa_bits = 2048) {
  Result<std::shared_ptr<const SigningKey>> k = keys().generate(type, rsa_bits);
  EXPECT_TRUE(k.ok()) << k.error().reason;
  return k.ok() ? *k : nullptr;
}

std::shared_ptr<const SigningKey> must_load(std::string_view pem_text) {
  Result<std::shared_ptr<const SigningKey>> k = keys().load_private_key(text(pem_text));
  EXPECT_TRUE(k.ok()) << k.error().reason;
  return k.ok() ? *k : nullptr;
}

void expect_alert(const Status& s, AlertDescription alert) {
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().alert, alert) << s.error().reason;
}

void expect_bad_config(std::string_view input, std::string_view reason_part) {
  Result<std::shared_ptr<const SigningKey>> k = keys().load_private_key(text(input));
  ASSERT_FALSE(k.ok());
  EXPECT_EQ(k.error().kind, ErrorKind::kBadConfig);
  EXPECT_EQ(k.error().alert, AlertDescription::internal_error);
  EXPECT_NE(k.error().reason.find(reason_part), std::string::npos) << k.error().reason;
}

// Written with `openssl genpkey` and `openssl pkey -traditional` (OpenSSL 3.0).
constexpr std::string_view kP256Traditional = R"(-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIFv7MeGMOzoVnFiO7K9r38FtybIweCXEAjQu65LshGYNoAoGCCqGSM49
AwEHoUQDQgAEjne90+R0P4Zs1uIA0ILON7JgXIfKsTzY8z2TgpwAY4fouFyonH+5
EmdPKGK4Lkof3Y1bO68SHuwVmJ3mAIiS/Q==
-----END EC PRIVATE KEY-----
)";
constexpr std::string_view kP384Pkcs8 = R"(-----BEGIN PRIVATE KEY-----
MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDDxPlEG4IKISKlqdiun
ZLWquSFLdwLC6l1JfyWVHOaUXHcUS7JZgGhNlvspcPXW1N6hZANiAATuORQrKW5C
/87BLh8AgohscC1bAMi+9KrCa22n/Ptw43SUrwJsoqZMGXU6p6ctdz9RntbEJwbX
c4O+Hu7UaJ/ZyULrCgQXLkFsDokCe87DE7p1Is4zd2lQu76kLcwiYYQ=
-----END PRIVATE KEY-----
)";
constexpr std::string_view kEd25519Pkcs8 = R"(-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIDSsz5TkEsp/ofWtlJk5E4WDeiwabzGxccDW/rYwXR5h
-----END PRIVATE KEY-----
)";
constexpr std::string_view kRsa2048Traditional = R"(-----BEGIN RSA PRIVATE KEY-----
MIIEogIBAAKCAQEAs/snXLt4TFo7qoSdn6JGIyAWozYgdFVIvexrmDFeHzLDGQQt
w3yzMB+gz1kreKF16jcpyTNej9+sTkAHxFLZaRTyzesZVSAeg9Nxa+JLzNjN/2S4
995JYNkoySKYv7WIJv6ZjpQpl/BGhHpYOta5XvN5qAIfrSXFd18t1Mm0H2PrdeUw
94w2N5OxYqVdBPtxhhQZV5pW3VUOGY4ki34o3m5X0DMUIj3eq4NJ1w1Qe9iyN7yY
qguXKJU85sSfxFyapk1bftEOai+uaTNOsBZQDzCoUpSocRNEH/fsF10Jjumgvb9M
ctAbp4JNsHx7gU/kORf5frPDKw+kp0KP2gMYUwIDAQABAoH/JxldqpgIGOX2YMgP
dg/VqSOU6/XojAzHxF1vwIa+gbgbUleZtsSP37TwpHKoYbSjLpn5Jc7E5HU6RjqU
JOoGku5kKMWOqQHRR3pa+fP/zLd4mznGYtDN5ZBdihKekW2Y2Z35bYdNZKJGzMKx
aCV/aOpehx1592Gund1q4JhQF7R93m5UDLDr9iZ4955ho0QVTX3j3kzOCMa4ITuT
Fs6NEL0Z3UbSsbUxRmlATnDdQq31PuBZZZH11PIQOyFVKWxgpRH0UYWrfYnxdoLd
YnDJs4ZFlngVaBKFZP+29NUTShkRc/Y5sfmAee+EvotAfshsIpKQ/Og4DCgoY+Wl
DkLpAoGBAOiZ855aA2DNHjzDduNuxSkyCoaFVdbGuvg5Mi+HynF0lCVY0cEqXL5A
QgRzAjBR+KvV+pTa5Yu7SqyNZ42LAhu3MEuZZgQxZEvIZN1h+CrtaDKAFsZkjCv4
HQQOeQNMOM3l14EzZd0/kqjk1DqnVIXxIDxSdJpGZjIR2PLGtTR5AoGBAMYWGhfd
9GqDLnnu7AgXA2uFq07g6Vmom777FMkeWrD3Jm9YYPzToshhgYdEL9KPzBSq2vYf
nUQq+rBI0lr9hJkOMgsETSxb3qEoJrH3SoceG/dxTxAPn7FUWQ4/2KI033HPz387
EzE3j+wa30+ZLi8/HRVoAyfrJuRC9hx4i4grAoGAeOYMSnJe7yGuZcbzNKOOtyrb
bbBAPbJt3DdebnYWM4J0vjS8UbrDGeAscEOXD6aLqkU+ScC9LzPaTHXzLQ7juaQt
5h2FeQhzKTCvvKH/a9CaKCWLsPLyKKh97G3ZWG112Q9uRCmC+MziXgcSiKoQtM3w
A2qYUNfmpn/AU/AUn4ECgYEAims/aJYtCZEJlSMjxLNwLF6HyuLXrVNpIheJ+tA/
R5ItRXlYrNOm2KdqP/+h+12ImpiZ0Ytd9hiifTUl6XdmhR2qUpB67Rh1hd/syken
yKt9l3eSbAK+8MekQ5TR6OdRjNJOiPXa/3V4GODeU10TLOjJhf/c1LQ5xSAVoueJ
eWkCgYEArAG6Oovg7OJJimlD1LteknkOJbpZK+c/IZQK/xFx02JgCjezkHxmSTZ5
KYmHW12/SiRsXrjkPiBiCg4JzcT2G7eM37dqjoHa01Vx+20we7tiwmlliCpidv6f
M9JOaTph+bgQsYwd9G5Hk0V51zpe9SUzdoMrkJRmhMc2wM5s+sY=
-----END RSA PRIVATE KEY-----
)";
constexpr std::string_view kP521Pkcs8 = R"(-----BEGIN PRIVATE KEY-----
MIHuAgEAMBAGByqGSM49AgEGBSuBBAAjBIHWMIHTAgEBBEIBHw0zeb5jZuUxc83x
rIwWbJ7t7p1rBsmvx7QBz9KMTnAv0pXs5WgUNJDS6Dw1cQHdHVbpdWjnZ6cgl8W/
pyikX3ChgYkDgYYABABlmOQTeTkLjkVhM6DR/fP1grVuXjx6AsNKMNr/xNcofNe4
HtniL24ewbP9Rnx5QPndH52kPduXQ+Y0NoeFMeqvbAAdP8n1T9I4veNI5mgltsox
DjFAFKhE1krmxyCOP8tHQOmZzn+7EirjUiQmjO2btWcgONClXpD4DHpahDDQ9H3p
zQ==
-----END PRIVATE KEY-----
)";
constexpr std::string_view kRsa1024Pkcs8 = R"(-----BEGIN PRIVATE KEY-----
MIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBANW2nHv6QR6lD2se
jRsI8AaMxtNNDjB5FMAht55o8kZQFP25hbuC1mQ+GiA58VXZ3fw1Lvq/nssQofHC
vAHFscCTYVCwYSSt4QVVeoU4oNjXso9xjXexwSwS0BfMF6nsp+oo880C5ACuoSFe
0nccS0gg3+3QghaUO7UJxnECID1VAgMBAAECgYEAvQFLU7n3bYq9IBdc49P7s089
aBJ1whjTaTholAhsfBLG/b3dr//+a5kgse+MqEiOMkc2zTw6y4xiLNX0P/z/PZqf
lKD5UdpmWUZc9MlvHER1EgJhbyJ3Yw0MH31+kMAHqSDRyzQkWZ3qQojai77MEKSL
oPeUzZUNqyUolFu0cuECQQD4btGsWitI27NpKOPExmUIO+FXFUPDI7KHxRFOHE8A
f1jy8lAE2y2mtmVzc7/Dl1mwS0NMG/Yb+KjKS+/NJLvzAkEA3DkQGP1i0STknK6n
LxMjsNuaUYF9PAEzRzQ9rYQAk+0F612xr3zEdohlQ9NfAPe0sz0MBt1Sxzh7XPdx
CkJblwJBAPQz0s1NsUCkHd6gAAy8TDHk0qPMVliqbWLCVzll4E6H38KoZ/nuDRjU
MDNlszmrO9FsmhFlZu2l5x07udP4aPsCQE5RcNsiSeFNOIxMRKKmMNw1zRTNc0dC
ugTJnGG3/yicc613vbhGK+xnp3POmQvUDAxuWneagFTfTmgKi8X1QXMCQErULNbA
VfSTzyVlpwJPq7sEdUoaGnNA2BYpI/2A9S/p0ybQgwH//bDJyEnQXdEHCL6arMQt
jtKhAFtgYxybjek=
-----END PRIVATE KEY-----
)";
constexpr std::string_view kEd448Pkcs8 = R"(-----BEGIN PRIVATE KEY-----
MEcCAQAwBQYDK2VxBDsEOVjRpb1W4ptqchmYx+ftZ2z9+tpb4dMLfpeQqfx51i+k
MyeqLDuGM9VJKAJEL+rjm+eNlWTPhp8ywQ==
-----END PRIVATE KEY-----
)";
// kP256Traditional encrypted with `openssl pkey -aes128 -passout pass:secret`.
constexpr std::string_view kEncrypted = R"(-----BEGIN ENCRYPTED PRIVATE KEY-----
MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAhJJI/t+bEr6AICCAAw
DAYIKoZIhvcNAgkFADAdBglghkgBZQMEAQIEEA1LnEEP9lSbhSd+HcUEyhwEgZDw
9asF3/brKPj6xjYnETFm3c1/Vbw8wT8KkW2MK1gLxXwgltZA++7xba/40VUIiA6x
TcEpuGZ2efQlsWkOFf2YPTxlMvxoa8/dX3HxEFyN1ibb9lIh8ESze4HWfjMlAuuW
/xsNpLTnXLirzzPJR4mU4XIseL8BXtAYPEexndzZJlI5eFgNu1aYABWyaIC9RRc=
-----END ENCRYPTED PRIVATE KEY-----
)";

// Signatures over this message made by the `openssl` command with the keys above.
constexpr std::string_view kCliMessage = "glasstls cli message";
constexpr std::string_view kCliRsaPssSha256 =
    "a88f3d69f6a153f6b6c69bd6a511346345cc1ad3a92898312fbf580419d827b2a18da66900023aca3a868c0e34"
    "b80769a3aa6709119256573500fa5dd080a53036da43d9430bac9b0c2c96b9be37025a94b9097657a0de56dacb"
    "0fa09768fffb38ec02c2dca96a774f6658a40f217f8d847cf89eebe1ae813b6a8316e013c637de404c1f6865ca"
    "026862d076fde2279f7386ed1bd4f0d0c22a73d1c32b0811e63c94bf30d3403a70bde28294e321c24944316aa8"
    "cfd9770da643ad1ff06f6e3649ec31aa59465a162e7c4bb2c62b64c30c16f9265ba829040785f1bc73a23705c0"
    "50859da58dcb9ef245dd9205aaa88832d5d7e1dbeb92c95ccf2e7a999848d7";
constexpr std::string_view kCliEd25519 =
    "2d308d63408e00661e2c92e39e129eef1253495fd761158f851b46a0b505cbd76fb7f16f5247b65ac797f29987"
    "c19ea2f3dfa9b30fc53f1979ccd814961cb90e";
constexpr std::string_view kCliEcdsaP384 =
    "306502301733f5ebecfb1a2bab661d8d389a3e06dbf637fe4e57a04d9e40725d84283e65dd691b822be25aca87"
    "f99480053f9899023100f07d6de9a422dd8b0ed412f6a767f5c1c4ba53169f928eb700051caa8aa5a448239fb4"
    "a79a0af55a5d0152a0accd0c5c";
// The P-521 key's SPKI and an ecdsa_secp521r1_sha512 signature of kP521Message.
constexpr std::string_view kP521Message = "glasstls p521 message";
constexpr std::string_view kP521Spki =
    "30819b301006072a8648ce3d020106052b810400230381860004006598e41379390b8e456133a0d1fdf3f582b5"
    "6e5e3c7a02c34a30daffc4d7287cd7b81ed9e22f6e1ec1b3fd467c7940f9dd1f9da43ddb9743e63436878531ea"
    "af6c001d3fc9f54fd238bde348e66825b6ca310e314014a844d64ae6c7208e3fcb4740e999ce7fbb122ae35224"
    "268ced9bb5672038d0a55e90f80c7a5a8430d0f47de9cd";
constexpr std::string_view kP521Signature =
    "308188024201e58c1ed4ec861c4c95a342caeccbc1659882d93fdf056340b363cd30da70ff5626ffedfee626cf"
    "04691f7159f60e8747a5e7067ccdfcda3706ff1487815d6a5d0502420101d92f9ec0b43cdaf7bf2f27e87115ee"
    "64a60f93620b11903a0a77cdeb2ce66b39a2f7c6784f9ce11f2210872d36006af410fa90d958d1c1a0aca5c4f7"
    "543c8e66";
// The RSA-1024 key's SPKI and an rsa_pss_rsae_sha256 signature of kP521Message.
constexpr std::string_view kRsa1024Spki =
    "30819f300d06092a864886f70d010101050003818d0030818902818100d5b69c7bfa411ea50f6b1e8d1b08f006"
    "8cc6d34d0e307914c021b79e68f2465014fdb985bb82d6643e1a2039f155d9ddfc352efabf9ecb10a1f1c2bc01"
    "c5b1c0936150b06124ade105557a8538a0d8d7b28f718d77b1c12c12d017cc17a9eca7ea28f3cd02e400aea121"
    "5ed2771c4b4820dfedd08216943bb509c67102203d550203010001";
constexpr std::string_view kRsa1024PssSignature =
    "6759fb8edd41973695ad66ec5b3017733f14f6acf84dbf13cba8f80ce300d560ea9688f646e172b083ffc87b89"
    "82e38e2e5a3b31873960771d0b940baadc8ee58770e9016e39d468ba7f44d6247697ca1a3c0d8dd1194850c185"
    "976ab43b3863a573664ee6218726f491d927f8a071e9305cfc2bc6e98cdbedff76698d94b25a";

const SignatureScheme kPkcs1[] = {SignatureScheme::rsa_pkcs1_sha256,
                                  SignatureScheme::rsa_pkcs1_sha384,
                                  SignatureScheme::rsa_pkcs1_sha512};
const SignatureScheme kAllSchemes[] = {
    SignatureScheme::ecdsa_secp256r1_sha256, SignatureScheme::ecdsa_secp384r1_sha384,
    SignatureScheme::ecdsa_secp521r1_sha512, SignatureScheme::rsa_pss_rsae_sha256,
    SignatureScheme::rsa_pss_rsae_sha384,    SignatureScheme::rsa_pss_rsae_sha512,
    SignatureScheme::rsa_pkcs1_sha256,       SignatureScheme::rsa_pkcs1_sha384,
    SignatureScheme::rsa_pkcs1_sha512,       SignatureScheme::ed25519,
};

// sign_and_check signs with `scheme`, verifies, and checks that a flipped bit in the signature
// or in the message fails with decrypt_error.
void sign_and_check(const SigningKey& key, SignatureScheme scheme) {
  SCOPED_TRACE(std::string(name(scheme)));
  const Bytes spki = key.public_key_spki();
  const ByteView message = text("TLS 1.3, server CertificateVerify and the transcript hash");
  Result<Bytes> sig = key.sign(scheme, message);
  ASSERT_TRUE(sig.ok()) << sig.error().reason;
  ASSERT_FALSE(sig->empty());
  Status ok = verifier().verify(scheme, spki, message, *sig);
  ASSERT_TRUE(ok.ok()) << ok.error().reason;

  for (size_t pos : {size_t{0}, sig->size() / 2, sig->size() - 1}) {
    Bytes bad = *sig;
    bad[pos] ^= 0x01;
    expect_alert(verifier().verify(scheme, spki, message, bad), AlertDescription::decrypt_error);
  }
  Bytes other(message.begin(), message.end());
  other[3] ^= 0x20;
  expect_alert(verifier().verify(scheme, spki, other, *sig), AlertDescription::decrypt_error);
  expect_alert(verifier().verify(scheme, spki, message, {}), AlertDescription::decrypt_error);
}

TEST(OpenSslProviderSign, EveryKeyTypeSignsAndVerifiesItsSchemes) {
  struct Case {
    KeyType type;
    size_t bits;
    std::vector<SignatureScheme> schemes;
  };
  const Case cases[] = {
      {KeyType::kEcdsaP256, 256, {SignatureScheme::ecdsa_secp256r1_sha256}},
      {KeyType::kEcdsaP384, 384, {SignatureScheme::ecdsa_secp384r1_sha384}},
      {KeyType::kRsa,
       2048,
       {SignatureScheme::rsa_pss_rsae_sha256, SignatureScheme::rsa_pss_rsae_sha384,
        SignatureScheme::rsa_pss_rsae_sha512}},
      {KeyType::kEd25519, 255, {SignatureScheme::ed25519}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(static_cast<int>(c.type));
    std::shared_ptr<const SigningKey> key = must_generate(c.type);
    ASSERT_NE(key, nullptr);
    EXPECT_EQ(key->type(), c.type);
    EXPECT_EQ(key->bits(), c.bits);
    EXPECT_EQ(key->schemes(), c.schemes);
    for (SignatureScheme s : c.schemes) {
      sign_and_check(*key, s);
    }
  }
}

// Verification reuses one libcrypto context per thread and kind of signature. Interleaving
// every kind, with two keys of each, in a fixed shuffled order must give the same verdicts as
// verifying each on its own: a reused context must never carry a key, padding or digest over.
TEST(OpenSslProviderSign, InterleavedVerificationsKeepTheirOwnKeyAndPadding) {
  struct Signed {
    std::shared_ptr<const SigningKey> key;
    SignatureScheme scheme;
    Bytes spki;
    Bytes sig;
  };
  const ByteView message = text("interleaved verification");
  std::vector<Signed> all;
  for (int copy = 0; copy < 2; copy++) {
    for (KeyType type :
         {KeyType::kEcdsaP256, KeyType::kEcdsaP384, KeyType::kRsa, KeyType::kEd25519}) {
      std::shared_ptr<const SigningKey> key = must_generate(type);
      ASSERT_NE(key, nullptr);
      std::vector<SignatureScheme> schemes = key->schemes();
      if (type == KeyType::kRsa) {
        schemes.insert(schemes.end(), std::begin(kPkcs1), std::end(kPkcs1));
      }
      for (SignatureScheme scheme : schemes) {
        Result<Bytes> sig = key->sign(scheme, message);
        ASSERT_TRUE(sig.ok()) << sig.error().reason;
        all.push_back({key, scheme, key->public_key_spki(), *sig});
      }
    }
  }
  // A fixed permutation (stride coprime with the count) mixes kinds, keys and hashes.
  const size_t n = all.size();
  size_t stride = 7;
  while (std::gcd(stride, n) != 1) {
    stride++;
  }
  for (int round = 0; round < 3; round++) {
    for (size_t i = 0, j = 0; i < n; i++, j = (j + stride) % n) {
      const Signed& a = all[j];
      const Signed& b = all[(j + 1) % n];
      SCOPED_TRACE(std::string(name(a.scheme)) + " then " + std::string(name(b.scheme)));
      EXPECT_TRUE(verifier().verify(a.scheme, a.spki, message, a.sig).ok());
      // The next signature under this key: right only when it is the same key and scheme.
      const bool same = a.spki == b.spki && a.scheme == b.scheme;
      EXPECT_EQ(verifier().verify(a.scheme, a.spki, message, b.sig).ok(), same);
    }
  }
}

// The verifier keeps the last keys it imported, by their exact SubjectPublicKeyInfo: more keys
// than it keeps, verified twice over and from several threads at once, keep their verdicts, and a
// key one bit away from a kept one is its own key.
TEST(OpenSslProviderSign, KeptKeysNeverStandForAnother) {
  const ByteView message = text("kept keys");
  struct Signed {
    Bytes spki;
    Bytes sig;
  };
  std::vector<Signed> all;
  for (int i = 0; i < 12; i++) {
    std::shared_ptr<const SigningKey> key =
        must_generate(i % 3 == 0 ? KeyType::kRsa : KeyType::kEcdsaP256);
    ASSERT_NE(key, nullptr);
    const SignatureScheme scheme =
        i % 3 == 0 ? SignatureScheme::rsa_pss_rsae_sha256 : SignatureScheme::ecdsa_secp256r1_sha256;
    Result<Bytes> sig = key->sign(scheme, message);
    ASSERT_TRUE(sig.ok());
    all.push_back({key->public_key_spki(), *sig});
  }
  auto scheme_of = [](size_t i) {
    return i % 3 == 0 ? SignatureScheme::rsa_pss_rsae_sha256
                      : SignatureScheme::ecdsa_secp256r1_sha256;
  };
  for (int round = 0; round < 2; round++) {
    for (size_t i = 0; i < all.size(); i++) {
      EXPECT_TRUE(verifier().verify(scheme_of(i), all[i].spki, message, all[i].sig).ok()) << i;
      // Another key's signature (same kind) is refused.
      const size_t other = (i + 3) % all.size();
      EXPECT_FALSE(verifier().verify(scheme_of(i), all[i].spki, message, all[other].sig).ok()) << i;
    }
  }
  // An RSA key kept a moment ago, with one bit of its modulus flipped: another key, which its
  // owner's signature does not verify under (if it imports at all).
  ASSERT_TRUE(verifier().verify(scheme_of(0), all[0].spki, message, all[0].sig).ok());
  Bytes near = all[0].spki;
  near[near.size() / 2] ^= 0x01;
  EXPECT_FALSE(verifier().verify(scheme_of(0), near, message, all[0].sig).ok());
  EXPECT_TRUE(verifier().verify(scheme_of(0), all[0].spki, message, all[0].sig).ok());
  // Four threads at once over all the keys.
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; t++) {
    threads.emplace_back([&, t] {
      for (int n = 0; n < 50; n++) {
        const size_t i = static_cast<size_t>(n * 5 + t) % all.size();
        if (!verifier().verify(scheme_of(i), all[i].spki, message, all[i].sig).ok()) {
          wrong++;
        }
      }
    });
  }
  for (std::thread& th : threads) {
    th.join();
  }
  EXPECT_EQ(wrong.load(), 0);
}

TEST(OpenSslProviderSign, RsaKeysAlsoSignPkcs1ForCertificates) {
  std::shared_ptr<const SigningKey> key = must_generate(KeyType::kRsa, 3072);
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->bits(), 3072u);
  for (SignatureScheme s : kPkcs1) {
    sign_and_check(*key, s);
  }
  // PKCS#1 v1.5 is deterministic; PSS (random salt) is not.
  Result<Bytes> a = key->sign(SignatureScheme::rsa_pkcs1_sha256, text("m"));
  Result<Bytes> b = key->sign(SignatureScheme::rsa_pkcs1_sha256, text("m"));
  Result<Bytes> c = key->sign(SignatureScheme::rsa_pss_rsae_sha256, text("m"));
  Result<Bytes> d = key->sign(SignatureScheme::rsa_pss_rsae_sha256, text("m"));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok() && d.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_NE(*c, *d);
  EXPECT_EQ(a->size(), 384u);
  // A PSS signature does not verify as PKCS#1 and the other way round.
  expect_alert(
      verifier().verify(SignatureScheme::rsa_pkcs1_sha256, key->public_key_spki(), text("m"), *c),
      AlertDescription::decrypt_error);
  expect_alert(verifier().verify(SignatureScheme::rsa_pss_rsae_sha256, key->public_key_spki(),
                                 text("m"), *a),
               AlertDescription::decrypt_error);
}

TEST(OpenSslProviderSign, EcdsaSignaturesAreDer) {
  std::shared_ptr<const SigningKey> key = must_generate(KeyType::kEcdsaP256);
  ASSERT_NE(key, nullptr);
  Result<Bytes> sig = key->sign(SignatureScheme::ecdsa_secp256r1_sha256, text("hello"));
  ASSERT_TRUE(sig.ok());
  // SEQUENCE { INTEGER r, INTEGER s } with a short-form length.
  ASSERT_GE(sig->size(), 8u);
  EXPECT_EQ((*sig)[0], 0x30);
  EXPECT_EQ((*sig)[1], sig->size() - 2);
  EXPECT_EQ((*sig)[2], 0x02);
}

TEST(OpenSslProviderSign, SchemeMustFitTheKey) {
  std::shared_ptr<const SigningKey> p256 = must_generate(KeyType::kEcdsaP256);
  std::shared_ptr<const SigningKey> p384 = must_generate(KeyType::kEcdsaP384);
  std::shared_ptr<const SigningKey> rsa = must_generate(KeyType::kRsa);
  std::shared_ptr<const SigningKey> ed = must_generate(KeyType::kEd25519);
  ASSERT_TRUE(p256 && p384 && rsa && ed);
  const ByteView message = text("message");
  for (const auto& key : {p256, p384, rsa, ed}) {
    const Bytes spki = key->public_key_spki();
    for (SignatureScheme scheme : kAllSchemes) {
      const std::vector<SignatureScheme> own = key->schemes();
      // A key signs what TLS 1.2 allows it (ECDSA with any of the three hashes).
      const std::vector<SignatureScheme> signs = key->schemes_for(SignatureRules::kTls12);
      bool fits = std::find(signs.begin(), signs.end(), scheme) != signs.end();
      if (key->type() == KeyType::kRsa) {
        fits = fits || std::find(std::begin(kPkcs1), std::end(kPkcs1), scheme) != std::end(kPkcs1);
      }
      SCOPED_TRACE(std::string(name(scheme)) + " with key type " +
                   std::to_string(static_cast<int>(key->type())));
      Result<Bytes> sig = key->sign(scheme, message);
      EXPECT_EQ(sig.ok(), fits);
      if (fits) {
        continue;
      }
      EXPECT_EQ(sig.error().alert, AlertDescription::illegal_parameter);
      // Any signature bytes: the mismatch is found before the signature is looked at.
      Result<Bytes> real = key->sign(own.front(), message);
      ASSERT_TRUE(real.ok());
      Status s = verifier().verify(scheme, spki, message, *real);
      expect_alert(s, AlertDescription::illegal_parameter);
      EXPECT_EQ(s.error().kind, ErrorKind::kPeerMisbehaved);
    }
  }
  // Schemes that do not fit an Ed25519 key, and schemes glasstls does not implement.
  Result<Bytes> sig = ed->sign(SignatureScheme::ed25519, message);
  ASSERT_TRUE(sig.ok());
  for (SignatureScheme s : {SignatureScheme::ed448, SignatureScheme::rsa_pss_pss_sha256,
                            SignatureScheme::rsa_pkcs1_sha1, SignatureScheme::ecdsa_sha1,
                            static_cast<SignatureScheme>(0x0a0a)}) {
    expect_alert(verifier().verify(s, ed->public_key_spki(), message, *sig),
                 AlertDescription::illegal_parameter);
  }
}

TEST(OpenSslProviderSign, VerifyRejectsRsaOutsideSizeLimitsAndBadSpki) {
  // The RSA-1024 signature is genuine, but the key is too small for the rsa_pss_rsae schemes.
  expect_alert(verifier().verify(SignatureScheme::rsa_pss_rsae_sha256, hex(kRsa1024Spki),
                                 text(kP521Message), hex(kRsa1024PssSignature)),
               AlertDescription::illegal_parameter);
  Status garbage =
      verifier().verify(SignatureScheme::ed25519, text("not a SPKI"), text("m"), Bytes(64));
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().kind, ErrorKind::kInvalidCertificate);
  Bytes trailing = hex(kP521Spki);
  trailing.push_back(0);
  EXPECT_FALSE(verifier()
                   .verify(SignatureScheme::ecdsa_secp521r1_sha512, trailing, text(kP521Message),
                           hex(kP521Signature))
                   .ok());
}

TEST(OpenSslProviderSign, VerifiesSignaturesMadeByTheOpensslCommand) {
  // P-521 keys cannot be loaded for signing, but their signatures can be checked.
  Status p521 = verifier().verify(SignatureScheme::ecdsa_secp521r1_sha512, hex(kP521Spki),
                                  text(kP521Message), hex(kP521Signature));
  EXPECT_TRUE(p521.ok()) << p521.error().reason;
  expect_alert(verifier().verify(SignatureScheme::ecdsa_secp521r1_sha512, hex(kP521Spki),
                                 text(kCliMessage), hex(kP521Signature)),
               AlertDescription::decrypt_error);

  std::shared_ptr<const SigningKey> rsa = must_load(kRsa2048Traditional);
  std::shared_ptr<const SigningKey> ed = must_load(kEd25519Pkcs8);
  std::shared_ptr<const SigningKey> p384 = must_load(kP384Pkcs8);
  ASSERT_TRUE(rsa && ed && p384);
  Status s1 = verifier().verify(SignatureScheme::rsa_pss_rsae_sha256, rsa->public_key_spki(),
                                text(kCliMessage), hex(kCliRsaPssSha256));
  EXPECT_TRUE(s1.ok()) << s1.error().reason;
  Status s2 = verifier().verify(SignatureScheme::ed25519, ed->public_key_spki(), text(kCliMessage),
                                hex(kCliEd25519));
  EXPECT_TRUE(s2.ok()) << s2.error().reason;
  Status s3 = verifier().verify(SignatureScheme::ecdsa_secp384r1_sha384, p384->public_key_spki(),
                                text(kCliMessage), hex(kCliEcdsaP384));
  EXPECT_TRUE(s3.ok()) << s3.error().reason;
  // Ed25519 is deterministic: our signature equals the command's.
  Result<Bytes> ours = ed->sign(SignatureScheme::ed25519, text(kCliMessage));
  ASSERT_TRUE(ours.ok());
  EXPECT_EQ(to_hex(*ours), kCliEd25519);
  // The RSA-PSS signature is not valid under SHA-384.
  expect_alert(verifier().verify(SignatureScheme::rsa_pss_rsae_sha384, rsa->public_key_spki(),
                                 text(kCliMessage), hex(kCliRsaPssSha256)),
               AlertDescription::decrypt_error);
}

TEST(OpenSslProviderSign, LoadsOpensslGenpkeyPem) {
  struct Case {
    std::string_view pem;
    KeyType type;
    size_t bits;
  };
  const Case cases[] = {
      {kP256Traditional, KeyType::kEcdsaP256, 256},
      {kP384Pkcs8, KeyType::kEcdsaP384, 384},
      {kEd25519Pkcs8, KeyType::kEd25519, 255},
      {kRsa2048Traditional, KeyType::kRsa, 2048},
  };
  for (const Case& c : cases) {
    std::shared_ptr<const SigningKey> key = must_load(c.pem);
    ASSERT_NE(key, nullptr);
    EXPECT_EQ(key->type(), c.type);
    EXPECT_EQ(key->bits(), c.bits);
    sign_and_check(*key, key->schemes().front());
  }
  // A certificate-like block before the key is skipped.
  std::string bundle =
      pem("CERTIFICATE", text("not really a certificate")) + std::string(kP256Traditional);
  std::shared_ptr<const SigningKey> from_bundle = must_load(bundle);
  ASSERT_NE(from_bundle, nullptr);
  EXPECT_EQ(from_bundle->public_key_spki(), must_load(kP256Traditional)->public_key_spki());
}

TEST(OpenSslProviderSign, GeneratedKeysRoundTripThroughPkcs8) {
  for (KeyType type :
       {KeyType::kEcdsaP256, KeyType::kEcdsaP384, KeyType::kRsa, KeyType::kEd25519}) {
    SCOPED_TRACE(static_cast<int>(type));
    std::shared_ptr<const SigningKey> key = must_generate(type);
    ASSERT_NE(key, nullptr);
    Secret der = key->private_key_pkcs8();
    ASSERT_FALSE(der.empty());
    EXPECT_EQ(der.data()[0], 0x30);

    std::shared_ptr<const SigningKey> from_der =
        must_load(std::string_view(reinterpret_cast<const char*>(der.data()), der.size()));
    std::shared_ptr<const SigningKey> from_pem = must_load(pem("PRIVATE KEY", der.span()));
    ASSERT_TRUE(from_der && from_pem);
    for (const auto& loaded : {from_der, from_pem}) {
      EXPECT_EQ(loaded->type(), type);
      EXPECT_EQ(loaded->bits(), key->bits());
      EXPECT_EQ(loaded->public_key_spki(), key->public_key_spki());
      EXPECT_TRUE(loaded->private_key_pkcs8().equals(der.span()));
      // A signature by the reloaded key verifies under the original public key.
      SignatureScheme scheme = key->schemes().front();
      Result<Bytes> sig = loaded->sign(scheme, text("round trip"));
      ASSERT_TRUE(sig.ok());
      EXPECT_TRUE(verifier().verify(scheme, key->public_key_spki(), text("round trip"), *sig).ok());
    }

    // Trailing bytes after the DER are refused.
    Bytes padded(der.span().begin(), der.span().end());
    padded.push_back(0);
    Result<std::shared_ptr<const SigningKey>> bad = keys().load_private_key(padded);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().kind, ErrorKind::kBadConfig);
  }
}

TEST(OpenSslProviderSign, UnsupportedKeysAreBadConfig) {
  // P-521 and Ed448 keys load now (signature_tls12_test.cc signs with every key type).
  std::shared_ptr<const SigningKey> p521 = must_load(kP521Pkcs8);
  std::shared_ptr<const SigningKey> ed448 = must_load(kEd448Pkcs8);
  ASSERT_TRUE(p521 && ed448);
  EXPECT_EQ(p521->type(), KeyType::kEcdsaP521);
  EXPECT_EQ(ed448->type(), KeyType::kEd448);
  // Another curve (P-224) and a key-exchange-only key (X25519), made here by libcrypto.
  for (EVP_PKEY* made : {EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-224"),
                         EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519")}) {
    ASSERT_NE(made, nullptr);
    std::unique_ptr<PKCS8_PRIV_KEY_INFO, decltype(&PKCS8_PRIV_KEY_INFO_free)> p8(
        EVP_PKEY2PKCS8(made), PKCS8_PRIV_KEY_INFO_free);
    EVP_PKEY_free(made);
    ASSERT_NE(p8, nullptr);
    unsigned char* der = nullptr;
    const int len = i2d_PKCS8_PRIV_KEY_INFO(p8.get(), &der);
    ASSERT_GT(len, 0);
    std::string bytes(reinterpret_cast<const char*>(der), static_cast<size_t>(len));
    OPENSSL_free(der);
    expect_bad_config(bytes, "unsupported private key");
  }
  expect_bad_config(kRsa1024Pkcs8, "RSA-1024");
  expect_bad_config(kEncrypted, "no usable private key");
  expect_bad_config("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                    "no usable private key");
  expect_bad_config("not a key at all", "neither PEM nor");
  expect_bad_config("", "empty");

  for (size_t bits : {size_t{1024}, size_t{2047}, size_t{4097}, size_t{8192}}) {
    Result<std::shared_ptr<const SigningKey>> k = keys().generate(KeyType::kRsa, bits);
    ASSERT_FALSE(k.ok());
    EXPECT_EQ(k.error().kind, ErrorKind::kBadConfig);
    EXPECT_EQ(k.error().alert, AlertDescription::internal_error);
  }
}

TEST(OpenSslProviderCrypto, RandomFillsAndDiffers) {
  const Random& r = *openssl_provider().random;
  Bytes a(64);
  Bytes b(64);
  ASSERT_TRUE(r.fill(a).ok());
  ASSERT_TRUE(r.fill(b).ok());
  EXPECT_NE(a, b);
  EXPECT_NE(a, Bytes(64, 0));
  EXPECT_TRUE(r.fill({}).ok());
}

}  // namespace
}  // namespace glasstls::crypto
