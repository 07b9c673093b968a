// annotate_peers_test.cc: the annotator on what real peers send.
//
// A browser's ClientHello carries GREASE values, a post-quantum key share, GREASE ECH, ALPS and
// the TLS 1.2 suites it still offers; an old TLS 1.2 client lists export suites, binary curves
// and SHA-224 signature pairs. The messages here are built byte by byte in the shapes these
// clients use, and every registered code point in them must be named, never "unknown", with
// the explanations in plain grammar.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "glasstls/trace.h"
#include "glasstls/types.h"
#include "testing/annotate_check.h"

namespace glasstls {
namespace {

using annotate::check_tree;
using annotate::count_named;
using annotate::find_field;

// --- building messages ------------------------------------------------------------------------

Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) {
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

Bytes U8(uint32_t v) { return Bytes{static_cast<uint8_t>(v)}; }
Bytes U16(uint32_t v) { return Bytes{static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)}; }
Bytes U24(uint32_t v) {
  return Bytes{static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 8),
               static_cast<uint8_t>(v)};
}
Bytes Text(std::string_view s) { return Bytes(s.begin(), s.end()); }
Bytes Fill(size_t n, uint8_t seed) {
  Bytes out(n);
  for (size_t i = 0; i < n; i++) {
    out[i] = static_cast<uint8_t>(seed + i * 7);
  }
  return out;
}
Bytes Vec8(const Bytes& b) { return Cat({U8(static_cast<uint32_t>(b.size())), b}); }
Bytes Vec16(const Bytes& b) { return Cat({U16(static_cast<uint32_t>(b.size())), b}); }
Bytes List16(std::initializer_list<uint32_t> values) {
  Bytes out;
  for (uint32_t v : values) {
    const Bytes b = U16(v);
    out.insert(out.end(), b.begin(), b.end());
  }
  return out;
}
Bytes Ext(uint32_t type, const Bytes& body) { return Cat({U16(type), Vec16(body)}); }
Bytes Message(uint8_t type, const Bytes& body) {
  return Cat({U8(type), U24(static_cast<uint32_t>(body.size())), body});
}
Bytes Alpn(std::initializer_list<std::string_view> names) {
  Bytes list;
  for (std::string_view n : names) {
    const Bytes one = Vec8(Text(n));
    list.insert(list.end(), one.begin(), one.end());
  }
  return Vec16(list);
}
Bytes KeyShare(uint32_t group, const Bytes& key) { return Cat({U16(group), Vec16(key)}); }

Bytes ClientHello(const Bytes& suites, const Bytes& compression, const Bytes& extensions) {
  return Message(1, Cat({U16(0x0303), Fill(32, 1), Vec8(Fill(32, 2)), Vec16(suites),
                         Vec8(compression), Vec16(extensions)}));
}

// A ClientHello in the shape Chromium sends (2025): GREASE at the ends of the lists, the
// X25519MLKEM768 key share first, GREASE ECH, ALPS on its new code point, Brotli certificate
// compression and the TLS 1.2 suites it keeps for old servers.
Bytes ChromiumClientHello() {
  const Bytes suites = List16({0x5a5a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030,
                               0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035});
  const Bytes server_name = Vec16(Cat({U8(0), Vec16(Text("www.example.com"))}));
  const Bytes ech =
      Cat({U8(0), U16(0x0001), U16(0x0001), U8(0x9c), Vec16(Fill(32, 3)), Vec16(Fill(144, 4))});
  const Bytes shares = Vec16(Cat(
      {KeyShare(0x8a8a, U8(0)), KeyShare(0x11ec, Fill(1216, 5)), KeyShare(0x001d, Fill(32, 6))}));
  const Bytes extensions = Cat({
      Ext(0x2a2a, {}),
      Ext(0x0000, server_name),
      Ext(0x0017, {}),
      Ext(0xff01, U8(0)),
      Ext(0x000a, Vec16(List16({0x8a8a, 0x11ec, 0x001d, 0x0017, 0x0018}))),
      Ext(0x000b, Vec8(U8(0))),
      Ext(0x0023, {}),
      Ext(0x0010, Alpn({"h2", "http/1.1"})),
      Ext(0x0005, Cat({U8(1), U16(0), U16(0)})),
      Ext(0x000d, Vec16(List16({0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601}))),
      Ext(0x0012, {}),
      Ext(0x0033, shares),
      Ext(0x002d, Vec8(U8(1))),
      Ext(0x002b, Vec8(List16({0x3a3a, 0x0304, 0x0303}))),
      Ext(0x001b, Vec8(List16({0x0002}))),
      Ext(0x44cd, Alpn({"h2"})),
      Ext(0xfe0d, ech),
      Ext(0x4a4a, U8(0)),
  });
  return ClientHello(suites, U8(0), extensions);
}

// A TLS 1.2 ClientHello in the shape of OpenSSL 1.0.2 and clients of its time: a long list of
// suites with 3DES, RC4, export-era DHE, the renegotiation SCSV and, on a fallback connection,
// TLS_FALLBACK_SCSV; DEFLATE compression; binary curves and ffdhe groups; SHA-224 and DSA
// signature pairs; heartbeat, NPN, encrypt-then-MAC and padding.
Bytes LegacyClientHello() {
  const Bytes suites = List16(
      {0xc030, 0xc02c, 0xc028, 0xc024, 0xc014, 0xc00a, 0x00a5, 0x00a3, 0x00a1, 0x009f, 0x006b,
       0x006a, 0x0069, 0x0068, 0x0039, 0x0038, 0x0037, 0x0036, 0x0088, 0x0087, 0x0086, 0x0085,
       0xc032, 0xc02e, 0xc02a, 0xc026, 0xc00f, 0xc005, 0x009d, 0x003d, 0x0035, 0x0084, 0xc02f,
       0xc02b, 0xc027, 0xc023, 0xc013, 0xc009, 0x00a4, 0x00a2, 0x00a0, 0x009e, 0x0067, 0x0040,
       0x003f, 0x003e, 0x0033, 0x0032, 0x0031, 0x0030, 0x009a, 0x0099, 0x0098, 0x0097, 0x0045,
       0x0044, 0x0043, 0x0042, 0xc031, 0xc02d, 0xc029, 0xc025, 0xc00e, 0xc004, 0x009c, 0x003c,
       0x002f, 0x0096, 0x0041, 0xc011, 0xc007, 0xc00c, 0xc002, 0x0005, 0x0004, 0xc012, 0xc008,
       0x0016, 0x0013, 0x0010, 0x000d, 0xc00d, 0xc003, 0x000a, 0x0007, 0x0009, 0x0015, 0x0012,
       0x0003, 0x0008, 0x0014, 0x0011, 0x0006, 0x00ff, 0x5600});
  const Bytes groups =
      List16({0x000e, 0x000d, 0x0019, 0x001c, 0x000b, 0x000c, 0x001b, 0x0018, 0x0009, 0x000a,
              0x001a, 0x0016, 0x0017, 0x0008, 0x0006, 0x0007, 0x0014, 0x0015, 0x0004, 0x0005,
              0x0012, 0x0013, 0x0001, 0x0002, 0x0003, 0x000f, 0x0010, 0x0011, 0x001d, 0x001e,
              0x0100, 0x0101, 0x0102, 0x0103, 0x0104, 0xff01, 0xff02});
  const Bytes schemes =
      List16({0x0601, 0x0602, 0x0603, 0x0501, 0x0502, 0x0503, 0x0401, 0x0402, 0x0403, 0x0301,
              0x0302, 0x0303, 0x0201, 0x0202, 0x0203, 0x0808, 0x0809, 0x081a, 0x0708});
  const Bytes extensions = Cat({
      Ext(0x000b, Vec8(Cat({U8(0), U8(1), U8(2)}))),
      Ext(0x000a, Vec16(groups)),
      Ext(0x0023, {}),
      Ext(0x000d, Vec16(schemes)),
      Ext(0x000f, U8(1)),
      Ext(0x3374, {}),
      Ext(0x0016, {}),
      Ext(0x0017, {}),
      Ext(0x0005, Cat({U8(1), U16(0), U16(0)})),
      Ext(0x0015, Bytes(20, 0)),
  });
  return ClientHello(suites, Cat({U8(1), U8(0)}), extensions);
}

TraceField Annotated(const Bytes& msg) {
  TraceField root = annotate_handshake_message(msg);
  EXPECT_EQ(check_tree(root, msg.size()), "") << root.name;
  return root;
}

// --- what every name and sentence must satisfy ------------------------------------------------

void Collect(const TraceField& f, std::vector<const TraceField*>& out) {
  out.push_back(&f);
  for (const TraceField& c : f.children) {
    Collect(c, out);
  }
}

// Unnamed returns the fields that show a code point glasstls could not name.
std::vector<std::string> Unnamed(const TraceField& root) {
  std::vector<const TraceField*> all;
  Collect(root, all);
  std::vector<std::string> out;
  for (const TraceField* f : all) {
    if (f->meaning.find("unknown") != std::string::npos ||
        f->explanation.find("does not know") != std::string::npos) {
      out.push_back(f->name + " = " + f->value + ": " + f->meaning + " / " + f->explanation);
    }
  }
  return out;
}

// ShownTwice returns the lines that print a value twice ("unknown (0xfe0d) (0xfe0d)").
std::vector<std::string> ShownTwice(const std::vector<std::string>& lines) {
  static const std::regex kTwice(R"(\(([^()]+)\) \(\1\))");
  std::vector<std::string> out;
  for (const std::string& line : lines) {
    if (std::regex_search(line, kTwice)) {
      out.push_back(line);
    }
  }
  return out;
}

// GrammarSlips returns the sentences with a known slip: "a" before a vowel, a singular count
// with a plural noun or verb, or a value printed twice ("unknown (0xfe0d) (0xfe0d)").
std::vector<std::string> GrammarSlips(const std::vector<std::string>& texts) {
  static const std::regex kArticle(R"((^|[^A-Za-z])a [aeiouAEIOU])");
  static const std::regex kOnePlural(R"((^|[^0-9.])1 (bytes|extensions|suites|groups|schemes))");
  static const std::regex kOneFollow(R"((^|[^0-9.])1 byte[^;—]* follow($|[^s]))");
  static const std::regex kManyFollows(R"((^|[^0-9.])([02-9]|[1-9][0-9]+) bytes[^;—]* follows)");
  static const std::regex kTwice(R"(\(([^()]+)\) \(\1\))");
  std::vector<std::string> out;
  for (const std::string& t : texts) {
    for (const std::regex* r : {&kArticle, &kOnePlural, &kOneFollow, &kManyFollows, &kTwice}) {
      if (std::regex_search(t, *r)) {
        out.push_back(t);
        break;
      }
    }
  }
  return out;
}

std::vector<std::string> Texts(const TraceField& root) {
  std::vector<const TraceField*> all;
  Collect(root, all);
  std::vector<std::string> out;
  for (const TraceField* f : all) {
    out.push_back(f->meaning);
    out.push_back(f->explanation);
  }
  return out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string RenderedText(const Bytes& msg, const TraceField& tree) {
  TraceMessage m;
  m.direction = TraceDirection::kClientToServer;
  m.type = static_cast<HandshakeType>(msg[0]);
  m.bytes = msg;
  m.tree = tree;
  return render_text({TraceEvent(m)}, RenderOptions{});
}

const TraceField& Child(const TraceField& f, std::string_view name) {
  for (const TraceField& c : f.children) {
    if (c.name == name) {
      return c;
    }
  }
  ADD_FAILURE() << "'" << f.name << "' has no child '" << name << "'";
  static const TraceField kMissing;
  return kMissing;
}

// ExtensionNamed returns the node of the extension whose meaning is `name`.
const TraceField& ExtensionNamed(const TraceField& root, std::string_view name) {
  const TraceField& block = Child(root, "extensions");
  for (const TraceField& e : block.children) {
    if (e.meaning == name) {
      return e;
    }
  }
  ADD_FAILURE() << "no extension named " << name;
  static const TraceField kMissing;
  return kMissing;
}

// --- the tests --------------------------------------------------------------------------------

TEST(AnnotatePeers, ChromiumClientHelloIsNamedThroughout) {
  const Bytes msg = ChromiumClientHello();
  const TraceField root = Annotated(msg);
  EXPECT_EQ(count_named(root, "error"), 0u);
  EXPECT_EQ(Unnamed(root), std::vector<std::string>{});
  EXPECT_EQ(GrammarSlips(Texts(root)), std::vector<std::string>{});

  const TraceField& suites = Child(root, "cipher_suites");
  ASSERT_EQ(suites.children.size(), 17u);  // the length and 16 suites
  EXPECT_EQ(suites.children[1].meaning, "GREASE (RFC 8701)");
  EXPECT_EQ(suites.children[5].meaning, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
  EXPECT_EQ(suites.children[6].meaning, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  EXPECT_EQ(suites.children[9].meaning, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
  EXPECT_EQ(suites.children[16].meaning, "TLS_RSA_WITH_AES_256_CBC_SHA");

  const TraceField& groups = ExtensionNamed(root, "supported_groups");
  const TraceField* group_list = find_field(groups, "named_group_list");
  ASSERT_NE(group_list, nullptr);
  EXPECT_EQ(group_list->children[1].meaning, "GREASE (RFC 8701)");
  EXPECT_EQ(group_list->children[2].meaning, "X25519MLKEM768");

  // The hybrid key share: 1216 bytes, ML-KEM-768 first.
  const TraceField& shares = ExtensionNamed(root, "key_share");
  EXPECT_EQ(shares.children[2].meaning, "GREASE (RFC 8701), X25519MLKEM768, x25519");
  const TraceField* hybrid = find_field(shares, "client_shares[1]");
  ASSERT_NE(hybrid, nullptr);
  EXPECT_EQ(hybrid->meaning, "X25519MLKEM768");
  const TraceField& key = Child(*hybrid, "key_exchange");
  EXPECT_EQ(key.length, 2u + 1216u);
  EXPECT_EQ(key.meaning,
            "ML-KEM-768 encapsulation key (1184 bytes), then X25519 public key (32 bytes)");

  // GREASE ECH, decoded as an outer ECHClientHello.
  const TraceField& ech = ExtensionNamed(root, "encrypted_client_hello");
  EXPECT_EQ(ech.value, "0xfe0d");
  const TraceField& ech_data = Child(ech, "extension_data");
  EXPECT_EQ(Child(ech_data, "type").meaning, "outer");
  EXPECT_EQ(Child(ech_data, "kdf_id").meaning, "HKDF-SHA256");
  EXPECT_EQ(Child(ech_data, "aead_id").meaning, "AES-128-GCM");
  EXPECT_EQ(Child(ech_data, "enc").children.size(), 2u);
  EXPECT_EQ(ech_data.meaning, "outer, 144 bytes of payload");

  // ALPS on 0x44cd lists its protocols as ALPN does.
  const TraceField& alps = ExtensionNamed(root, "application_settings");
  EXPECT_EQ(alps.value, "0x44cd");
  EXPECT_EQ(Child(alps, "extension_data").meaning, "h2");
  EXPECT_NE(alps.explanation.find("not in the IANA registry"), std::string::npos);

  const TraceField& compress = ExtensionNamed(root, "compress_certificate");
  const TraceField* algorithm = find_field(compress, "algorithms[0]");
  ASSERT_NE(algorithm, nullptr);
  EXPECT_EQ(algorithm->meaning, "brotli");

  const TraceField& versions = ExtensionNamed(root, "supported_versions");
  EXPECT_EQ(Child(versions, "extension_data").meaning, "GREASE (RFC 8701), TLS 1.3, TLS 1.2");

  // The rendered lines show each value once.
  const std::string text = RenderedText(msg, root);
  EXPECT_EQ(ShownTwice(Lines(text)), std::vector<std::string>{});
  EXPECT_EQ(text.find("unknown ("), std::string::npos) << text;
  EXPECT_NE(text.find("encrypted_client_hello (0xfe0d) — encrypted_client_hello (ECH)"),
            std::string::npos)
      << text;
}

TEST(AnnotatePeers, LegacyTls12ClientHelloIsNamedThroughout) {
  const Bytes msg = LegacyClientHello();
  const TraceField root = Annotated(msg);
  EXPECT_EQ(count_named(root, "error"), 0u);
  EXPECT_EQ(GrammarSlips(Texts(root)), std::vector<std::string>{});
  EXPECT_EQ(Unnamed(root), std::vector<std::string>{});

  const TraceField& suites = Child(root, "cipher_suites");
  const std::vector<TraceField>& s = suites.children;
  ASSERT_GE(s.size(), 4u);
  EXPECT_EQ(s[s.size() - 2].meaning, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
  EXPECT_EQ(s[s.size() - 1].meaning, "TLS_FALLBACK_SCSV");
  EXPECT_EQ(s[s.size() - 3].meaning, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5");
  const TraceField* triple_des = nullptr;
  for (const TraceField& f : s) {
    if (f.value == "0x000a") {
      triple_des = &f;
    }
  }
  ASSERT_NE(triple_des, nullptr);
  EXPECT_EQ(triple_des->meaning, "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
  EXPECT_NE(triple_des->explanation.find("3DES"), std::string::npos);

  const TraceField& compression = Child(root, "legacy_compression_methods");
  EXPECT_EQ(compression.children[1].meaning, "DEFLATE");
  EXPECT_EQ(compression.children[2].meaning, "null");

  const TraceField* groups =
      find_field(ExtensionNamed(root, "supported_groups"), "named_group_list");
  ASSERT_NE(groups, nullptr);
  std::vector<std::string> group_names;
  for (const TraceField& g : groups->children) {
    group_names.push_back(g.meaning);
  }
  for (std::string_view want : {"sect571r1", "brainpoolP512r1", "secp256k1", "x448", "ffdhe6144",
                                "ffdhe8192", "arbitrary_explicit_char2_curves"}) {
    EXPECT_NE(std::find(group_names.begin(), group_names.end(), want), group_names.end()) << want;
  }

  const TraceField* schemes =
      find_field(ExtensionNamed(root, "signature_algorithms"), "supported_signature_algorithms");
  ASSERT_NE(schemes, nullptr);
  std::vector<std::string> scheme_names;
  for (const TraceField& f : schemes->children) {
    scheme_names.push_back(f.meaning);
  }
  for (std::string_view want : {"dsa_sha512", "rsa_pkcs1_sha224", "dsa_sha224", "ecdsa_sha224",
                                "rsa_pkcs1_sha1", "dsa_sha1", "ecdsa_sha1", "rsa_pss_pss_sha256",
                                "ecdsa_brainpoolP256r1tls13_sha256", "sm2sig_sm3"}) {
    EXPECT_NE(std::find(scheme_names.begin(), scheme_names.end(), want), scheme_names.end())
        << want;
  }

  EXPECT_EQ(Child(ExtensionNamed(root, "heartbeat"), "extension_data").meaning,
            "peer_allowed_to_send");
  EXPECT_EQ(Child(ExtensionNamed(root, "next_protocol_negotiation"), "extension_data").meaning,
            "empty");
  EXPECT_EQ(Child(ExtensionNamed(root, "padding"), "extension_data").meaning, "20 bytes");
  const std::string text = RenderedText(msg, root);
  EXPECT_EQ(ShownTwice(Lines(text)), std::vector<std::string>{});
}

TEST(AnnotatePeers, Tls12AndCompressedCertificateMessagesAreNamed) {
  // A TLS 1.2 server's ServerKeyExchange and ServerHelloDone, and a CompressedCertificate
  // (RFC 8879) with Brotli.
  const Bytes ske =
      Message(12, Cat({U8(3), U16(0x001d), Vec8(Fill(32, 7)), U16(0x0804), Vec16(Fill(64, 8))}));
  TraceField root = Annotated(ske);
  EXPECT_EQ(root.name, "ServerKeyExchange");
  EXPECT_EQ(root.meaning, "server_key_exchange");
  EXPECT_EQ(Child(root, "body").length, ske.size() - 4);
  EXPECT_EQ(count_named(root, "error"), 0u);

  const Bytes done = Message(14, {});
  root = Annotated(done);
  EXPECT_EQ(root.name, "ServerHelloDone");
  EXPECT_EQ(count_named(root, "error"), 0u);

  const Bytes compressed = Message(25, Cat({U16(2), U24(1234), U24(5), Fill(5, 9)}));
  root = Annotated(compressed);
  EXPECT_EQ(root.name, "CompressedCertificate");
  EXPECT_EQ(count_named(root, "error"), 0u);
  EXPECT_EQ(Child(root, "algorithm").meaning, "brotli");
  EXPECT_EQ(Child(root, "uncompressed_length").meaning, "1234 bytes");
  EXPECT_EQ(Child(root, "compressed_certificate_message").length, 3u + 5u);

  // A HelloRetryRequest that asks for the hybrid group.
  const Bytes hrr_random =
      *from_hex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");
  const Bytes hrr =
      Message(2, Cat({U16(0x0303), hrr_random, Vec8({}), U16(0x1301), U8(0),
                      Vec16(Cat({Ext(0x002b, U16(0x0304)), Ext(0x0033, U16(0x11ec))}))}));
  root = Annotated(hrr);
  EXPECT_EQ(root.name, "HelloRetryRequest");
  const TraceField* selected = find_field(root, "selected_group");
  ASSERT_NE(selected, nullptr);
  EXPECT_EQ(selected->meaning, "X25519MLKEM768");
  EXPECT_EQ(Unnamed(root), std::vector<std::string>{});
}

TEST(AnnotatePeers, RegisteredExtensionsInServerMessages) {
  // EncryptedExtensions with ECH retry configurations, ALPS settings and a ticket hint; a
  // HelloRetryRequest with the ECH confirmation; a Certificate entry with a delegated
  // credential.
  const Bytes ee = Message(
      8, Vec16(Cat({Ext(0xfe0d, Vec16(Fill(40, 1))), Ext(0x44cd, Fill(6, 2)), Ext(58, U8(2))})));
  TraceField root = Annotated(ee);
  EXPECT_EQ(count_named(root, "error"), 0u);
  EXPECT_EQ(Unnamed(root), std::vector<std::string>{});
  EXPECT_NE(find_field(ExtensionNamed(root, "encrypted_client_hello"), "retry_configs"), nullptr);
  EXPECT_EQ(Child(Child(ExtensionNamed(root, "application_settings"), "extension_data"),
                  "application_settings")
                .length,
            6u);
  EXPECT_EQ(Child(ExtensionNamed(root, "ticket_request"), "extension_data").meaning, "2");

  const Bytes hrr_random =
      *from_hex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");
  const Bytes hrr =
      Message(2, Cat({U16(0x0303), hrr_random, Vec8({}), U16(0x1301), U8(0),
                      Vec16(Cat({Ext(0x002b, U16(0x0304)), Ext(0xfe0d, Fill(8, 3))}))}));
  root = Annotated(hrr);
  EXPECT_EQ(count_named(root, "error"), 0u);
  EXPECT_EQ(
      Child(Child(ExtensionNamed(root, "encrypted_client_hello"), "extension_data"), "confirmation")
          .length,
      8u);

  const Bytes entry = Cat({U24(5), Fill(5, 4), Vec16(Ext(34, Fill(30, 5)))});
  const Bytes certificate =
      Message(11, Cat({Vec8({}), U24(static_cast<uint32_t>(entry.size())), entry}));
  root = Annotated(certificate);
  EXPECT_EQ(count_named(root, "error"), 0u);
  const TraceField* credential = find_field(root, "credential");
  ASSERT_NE(credential, nullptr);
  EXPECT_EQ(credential->length, 30u);
}

TEST(AnnotatePeers, EveryTruncationKeepsTheInvariants) {
  const Bytes ee = Message(
      8, Vec16(Cat({Ext(0xfe0d, Vec16(Fill(40, 1))), Ext(0x44cd, Fill(6, 2)), Ext(58, U8(2))})));
  for (const Bytes& msg : {ChromiumClientHello(), LegacyClientHello(), ee}) {
    for (size_t n = 0; n <= msg.size(); n++) {
      const Bytes prefix(msg.begin(), msg.begin() + static_cast<std::ptrdiff_t>(n));
      const TraceField root = annotate_handshake_message(prefix);
      ASSERT_EQ(check_tree(root, n), "") << "prefix of " << n << " bytes";
      if (n < msg.size()) {
        EXPECT_GT(count_named(root, "error"), 0u) << "prefix of " << n << " bytes";
      }
    }
  }
}

TEST(AnnotatePeers, CountsAndArticlesAgree) {
  // One byte "follows"; two bytes "follow".
  const Bytes one = {0x17, 0x03, 0x03, 0x00, 0x01};
  const Bytes two = {0x17, 0x03, 0x03, 0x00, 0x02};
  EXPECT_EQ(Child(annotate_record_header(one), "length").meaning, "1 byte follows");
  EXPECT_EQ(Child(annotate_record_header(two), "length").meaning, "2 bytes follow");

  // An extension nobody registered is "an extension", shown with its value once.
  const Bytes msg = ClientHello(List16({0x1301}), U8(0), Ext(0x1234, U8(7)));
  const TraceField root = Annotated(msg);
  const TraceField& unknown = Child(Child(root, "extensions"), "extensions[0]");
  EXPECT_EQ(unknown.meaning, "unknown (0x1234)");
  EXPECT_EQ(unknown.explanation.rfind("an extension glasstls does not know", 0), 0u)
      << unknown.explanation;
  const std::string text = RenderedText(msg, root);
  EXPECT_NE(text.find("extensions[0]: unknown (0x1234) — an extension"), std::string::npos) << text;
  EXPECT_EQ(text.find("(0x1234) (0x1234)"), std::string::npos) << text;

  // An alert description nobody registered.
  TraceAlert alert;
  alert.level = AlertLevel::fatal;
  alert.description = static_cast<AlertDescription>(200);
  alert.tree = annotate_alert(Bytes{2, 200});
  const std::string alert_text = render_text({TraceEvent(alert)}, RenderOptions{});
  EXPECT_NE(alert_text.find("description: unknown (200) — "), std::string::npos) << alert_text;
  EXPECT_EQ(alert_text.find("(200) (200)"), std::string::npos) << alert_text;
}

TEST(AnnotatePeers, PeerStringsAreEscapedInTheTree) {
  // A host name and an ALPN protocol carrying an escape sequence, a carriage return, a
  // backslash and bytes that are not UTF-8.
  const std::string hostile = std::string("evil\x1b[2J\r\\x\xff\xc3", 13);
  const Bytes server_name = Vec16(Cat({U8(0), Vec16(Text(hostile))}));
  const Bytes msg = ClientHello(List16({0x1301}), U8(0),
                                Cat({Ext(0x0000, server_name), Ext(0x0010, Alpn({hostile}))}));
  const TraceField root = Annotated(msg);
  const std::string shown = "evil\\x1b[2J\\x0d\\\\x\\xff\\xc3";
  EXPECT_EQ(Child(ExtensionNamed(root, "server_name"), "extension_data").meaning, shown);
  EXPECT_EQ(Child(ExtensionNamed(root, "application_layer_protocol_negotiation"), "extension_data")
                .meaning,
            shown);
  for (const std::string& t : Texts(root)) {
    for (char ch : t) {
      const auto b = static_cast<uint8_t>(ch);
      EXPECT_TRUE(b != 0x1b && b != '\r' && b != 0xff) << t;
    }
  }
  // Printable names are shown as they are.
  const Bytes plain = ClientHello(List16({0x1301}), U8(0), Ext(0x0010, Alpn({"http/1.1"})));
  EXPECT_EQ(Child(ExtensionNamed(Annotated(plain), "application_layer_protocol_negotiation"),
                  "extension_data")
                .meaning,
            "http/1.1");
}

}  // namespace
}  // namespace glasstls
