// pem_test.cc: PEM decoding and encoding.
#include "x509/pem.h"

#include <gtest/gtest.h>

#include <string>

#include "x509/certificate.h"

namespace glasstls::x509 {
namespace {

Bytes to_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

void expect_pem_error(std::string_view pem, std::string_view needle) {
  Result<std::vector<PemBlock>> r = pem_decode(pem);
  ASSERT_FALSE(r.ok()) << pem;
  EXPECT_EQ(r.error().kind, ErrorKind::kBadConfig);
  EXPECT_NE(r.error().reason.find(needle), std::string::npos) << r.error().reason;
}

TEST(PemTest, Base64Rfc4648Vectors) {
  struct Case {
    const char* plain;
    const char* b64;
  };
  for (const Case& c :
       {Case{"", ""}, Case{"f", "Zg=="}, Case{"fo", "Zm8="}, Case{"foo", "Zm9v"},
        Case{"foob", "Zm9vYg=="}, Case{"fooba", "Zm9vYmE="}, Case{"foobar", "Zm9vYmFy"}}) {
    EXPECT_EQ(base64_encode(to_bytes(c.plain)), c.b64);
    std::optional<Bytes> d = base64_decode(c.b64);
    ASSERT_TRUE(d.has_value()) << c.b64;
    EXPECT_EQ(*d, to_bytes(c.plain));
  }
}

TEST(PemTest, Base64IsStrict) {
  for (const char* bad : {"Zg=", "Zg", "Zh==", "Zm9=", "Z===", "====", "Zg==Zg==", "Zm 9v",
                          "Zm9v\n", "Zm-v", "Zm_v", "=m9v", "Zm=v"}) {
    EXPECT_FALSE(base64_decode(bad).has_value()) << bad;
  }
}

TEST(PemTest, EncodeExactForm) {
  EXPECT_EQ(pem_encode("TEST", Bytes{0, 1, 2}), "-----BEGIN TEST-----\nAAEC\n-----END TEST-----\n");
  std::string long_pem = pem_encode("CERTIFICATE", Bytes(100, 0xff));
  // 100 bytes -> 136 base64 characters -> lines of 64, 64 and 8.
  EXPECT_EQ(long_pem, "-----BEGIN CERTIFICATE-----\n" + std::string(64, '/') + "\n" +
                          std::string(64, '/') + "\n" + std::string(4, '/') + "/w==\n" +
                          "-----END CERTIFICATE-----\n");
}

TEST(PemTest, RoundTripManyLengths) {
  for (size_t len = 1; len < 300; len += 7) {
    Bytes data(len);
    for (size_t i = 0; i < len; i++) {
      data[i] = static_cast<uint8_t>(i * 37 + len);
    }
    std::string pem = pem_encode("BLOB", data);
    size_t line_start = 0;
    while (line_start < pem.size()) {
      size_t nl = pem.find('\n', line_start);
      ASSERT_NE(nl, std::string::npos);
      EXPECT_LE(nl - line_start, 64u);
      line_start = nl + 1;
    }
    Result<std::vector<PemBlock>> blocks = pem_decode(pem);
    ASSERT_TRUE(blocks.ok()) << blocks.error().reason;
    ASSERT_EQ(blocks->size(), 1u);
    EXPECT_EQ((*blocks)[0].label, "BLOB");
    EXPECT_EQ((*blocks)[0].der, data);
  }
}

TEST(PemTest, MultipleBlocksWithTextBetween) {
  std::string pem = "Bag Attributes: ignored\nsubject=/CN=x\n" +
                    pem_encode("CERTIFICATE", Bytes{1}) + "\nsome commentary\n\n" +
                    pem_encode("PRIVATE KEY", Bytes{2, 3}) +
                    pem_encode("CERTIFICATE", Bytes{4, 5, 6}) + "trailer";
  Result<std::vector<PemBlock>> blocks = pem_decode(pem);
  ASSERT_TRUE(blocks.ok()) << blocks.error().reason;
  ASSERT_EQ(blocks->size(), 3u);
  EXPECT_EQ((*blocks)[0].label, "CERTIFICATE");
  EXPECT_EQ((*blocks)[0].der, Bytes{1});
  EXPECT_EQ((*blocks)[1].label, "PRIVATE KEY");
  EXPECT_EQ((*blocks)[1].der, (Bytes{2, 3}));
  EXPECT_EQ((*blocks)[2].der, (Bytes{4, 5, 6}));

  Result<std::vector<Bytes>> chain = certificate_chain_from_pem(pem);
  ASSERT_TRUE(chain.ok());
  ASSERT_EQ(chain->size(), 2u);
  EXPECT_EQ((*chain)[0], Bytes{1});
  EXPECT_EQ((*chain)[1], (Bytes{4, 5, 6}));
}

TEST(PemTest, AcceptsCrlfAndIndentedLines) {
  std::string pem = "-----BEGIN X-----\r\n  Zm9v\r\n\tYmFy\r\n-----END X-----\r\n";
  Result<std::vector<PemBlock>> blocks = pem_decode(pem);
  ASSERT_TRUE(blocks.ok()) << blocks.error().reason;
  ASSERT_EQ(blocks->size(), 1u);
  EXPECT_EQ((*blocks)[0].der, to_bytes("foobar"));
}

TEST(PemTest, NoBlocksIsEmptyButChainIsAnError) {
  Result<std::vector<PemBlock>> blocks = pem_decode("just text\n");
  ASSERT_TRUE(blocks.ok());
  EXPECT_TRUE(blocks->empty());
  Result<std::vector<Bytes>> chain =
      certificate_chain_from_pem(pem_encode("PRIVATE KEY", Bytes{1}));
  ASSERT_FALSE(chain.ok());
  EXPECT_EQ(chain.error().kind, ErrorKind::kBadConfig);
  EXPECT_NE(chain.error().reason.find("no CERTIFICATE"), std::string::npos);
}

TEST(PemTest, RejectsMalformedBlocks) {
  expect_pem_error("-----BEGIN A-----\nAAEC\n", "has no END");
  expect_pem_error("-----BEGIN A-----\nAAEC\n-----END B-----\n", "does not match BEGIN");
  expect_pem_error("-----END A-----\n", "without a BEGIN");
  expect_pem_error("-----BEGIN A-----\nAA*C\n-----END A-----\n", "invalid base64 character");
  expect_pem_error("-----BEGIN A-----\nAAE\n-----END A-----\n", "not valid base64");
  expect_pem_error("-----BEGIN A-----\nAB==\n-----END A-----\n", "not valid base64");
  expect_pem_error("-----BEGIN A-----\n-----END A-----\n", "is empty");
  expect_pem_error("-----BEGIN A-----\nAAEC\n-----BEGIN B-----\nAAEC\n-----END B-----\n",
                   "BEGIN inside block");
  expect_pem_error(
      "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n"
      "AAEC\n-----END RSA PRIVATE KEY-----\n",
      "encapsulated headers");
  // The error names the line.
  expect_pem_error("x\ny\n-----BEGIN A-----\nAAEC\n-----END B-----\n", "PEM line 5");
}

}  // namespace
}  // namespace glasstls::x509
