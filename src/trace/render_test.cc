// render_test.cc: the text, JSON and HTML trace renderers over a hand-built connection.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "glasstls/trace.h"
#include "html/trace_fixture.h"
#include "trace/render_common.h"

namespace glasstls {
namespace {

using testing::FixtureEvents;

size_t Count(std::string_view haystack, std::string_view needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string_view::npos;
       at = haystack.find(needle, at + 1)) {
    n++;
  }
  return n;
}

// HtmlEscaped is the escaping the page must use for text: & < > and ".
std::string HtmlEscaped(std::string_view s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(ch);
    }
  }
  return out;
}

std::vector<std::string> AllExplanations(const std::vector<TraceEvent>& events) {
  std::vector<std::string> out;
  for (const TraceEvent& e : events) {
    if (const auto* r = std::get_if<TraceRecord>(&e)) {
      testing::CollectExplanations(r->header, out);
    } else if (const auto* m = std::get_if<TraceMessage>(&e)) {
      testing::CollectExplanations(m->tree, out);
    } else if (const auto* a = std::get_if<TraceAlert>(&e)) {
      testing::CollectExplanations(a->tree, out);
    }
  }
  return out;
}

// RunPython feeds `input` to a python3 program and returns its exit status and output.
struct PythonResult {
  bool available = false;
  int status = -1;
  std::string output;
};

PythonResult RunPython(const std::string& input, const std::string& program) {
  PythonResult result;
  if (std::system("python3 -c 'pass' >/dev/null 2>&1") != 0) {
    return result;
  }
  result.available = true;
  // ctest runs tests as parallel processes: the file names carry the process id.
  const std::string dir = ::testing::TempDir();
  const std::string tag = std::to_string(::getpid());
  const std::string in_path = dir + "/glasstls_render_input_" + tag + ".json";
  const std::string py_path = dir + "/glasstls_render_check_" + tag + ".py";
  std::ofstream(in_path, std::ios::binary) << input;
  std::ofstream(py_path, std::ios::binary) << program;
  const std::string command = "python3 " + py_path + " < " + in_path + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    return result;
  }
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    result.output.append(buffer, n);
  }
  result.status = pclose(pipe);
  std::remove(in_path.c_str());
  std::remove(py_path.c_str());
  return result;
}

// UnsafeForReaders returns what in `text` could act on a terminal or a reader instead of being
// shown: a control byte other than a line feed (with `colour`, the renderer's own SGR
// sequences "ESC [ digits m" are allowed), a byte that is not part of well-formed UTF-8, a C1
// control (U+0080..U+009F) or a bidirectional override or isolate. Empty when there is none.
std::string UnsafeForReaders(std::string_view text, bool colour, bool tab_ok = false) {
  static constexpr std::string_view kHidden[] = {"\xe2\x80\xaa", "\xe2\x80\xab", "\xe2\x80\xac",
                                                 "\xe2\x80\xad", "\xe2\x80\xae", "\xe2\x81\xa6",
                                                 "\xe2\x81\xa7", "\xe2\x81\xa8", "\xe2\x81\xa9"};
  size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<uint8_t>(text[i]);
    const std::string where =
        " at byte " + std::to_string(i) + ": " + std::string(text.substr(i < 20 ? 0 : i - 20, 40));
    if (b == 0x1b && colour) {
      size_t j = i + 1;
      if (j < text.size() && text[j] == '[') {
        j++;
        while (j < text.size() &&
               (std::isdigit(static_cast<unsigned char>(text[j])) != 0 || text[j] == ';')) {
          j++;
        }
        if (j < text.size() && text[j] == 'm') {
          i = j + 1;
          continue;
        }
      }
      return "an escape sequence that is not a colour" + where;
    }
    if (b == '\n' || (tab_ok && b == '\t')) {
      i++;
      continue;
    }
    if (b < 0x20 || b == 0x7f) {
      return "control byte " + std::to_string(b) + where;
    }
    const size_t n = render::utf8_length(text, i);
    if (n == 0) {
      return "a byte that is not UTF-8" + where;
    }
    if (n == 2 && b == 0xc2 && static_cast<uint8_t>(text[i + 1]) < 0xa0) {
      return "a C1 control" + where;
    }
    for (std::string_view hidden : kHidden) {
      if (text.substr(i, n) == hidden) {
        return "a bidirectional control" + where;
      }
    }
    i += n;
  }
  return "";
}

// --- text ---------------------------------------------------------------------------------------

TEST(RenderText, ShowsEachFieldsBytesBesideItsExplanation) {
  const auto events = FixtureEvents();
  const std::string text = render_text(events, RenderOptions{});
  const auto& first = std::get<TraceRecord>(events[0]);
  const size_t fragment_length = first.wire.size() - 5;
  const std::string length_hex = render::hex(testing::U16(fragment_length), ' ');

  EXPECT_NE(text.find("C -> S  record  handshake, 5 + " + std::to_string(fragment_length)),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\n  record_header — TLSPlaintext header"), std::string::npos);
  EXPECT_NE(text.find("\n    16                content_type: handshake (22) — record type 22: "
                      "handshake\n"),
            std::string::npos);
  EXPECT_NE(text.find("\n    03 01             legacy_record_version: TLS 1.0 — legacy record "
                      "version TLS 1.0, kept for middlebox compatibility\n"),
            std::string::npos);
  EXPECT_NE(
      text.find("\n    " + length_hex + "             length: " + std::to_string(fragment_length) +
                " — " + std::to_string(fragment_length) + " bytes follow\n"),
      std::string::npos);
  EXPECT_NE(text.find("fragment: " + std::to_string(fragment_length) +
                      " bytes carrying ClientHello (shown below)"),
            std::string::npos);

  // The message: a parent line, then leaves with their bytes; 32-byte values wrap at 16.
  EXPECT_NE(text.find("C -> S  handshake  ClientHello, "), std::string::npos);
  EXPECT_NE(text.find("\n  client_hello: ClientHello — the client's offer"), std::string::npos);
  EXPECT_NE(text.find("\n    01                msg_type: client_hello (1) — handshake message "
                      "type 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("\n    03 03             legacy_version: TLS 1.2 — frozen at TLS 1.2"),
            std::string::npos);
  const Bytes random = testing::Pattern(32, 1);
  EXPECT_NE(text.find("\n    " + render::hex(ByteView(random).first(16), ' ') +
                      "  random — 32 bytes from the client's random generator\n      " +
                      render::hex(ByteView(random).subspan(16), ' ') + "\n"),
            std::string::npos);
  EXPECT_NE(text.find("\n      13 01             cipher_suites[0]: TLS_AES_128_GCM_SHA256 — "
                      "AES-128 in GCM mode with SHA-256\n"),
            std::string::npos);
  EXPECT_NE(text.find("host_name: example.com — the server the client asked for"),
            std::string::npos);
  EXPECT_NE(text.find("S -> C  handshake  ServerHello"), std::string::npos);

  // change_cipher_spec shows its one byte.
  EXPECT_NE(text.find("S -> C  record  change_cipher_spec, 5 + 1 byte\n"), std::string::npos);

  // The encrypted flight: ciphertext cut at 32 bytes, how it was decrypted, what it carried.
  const auto& sealed = std::get<TraceRecord>(events[9]);
  ASSERT_TRUE(sealed.encrypted);
  const size_t sealed_length = sealed.wire.size() - 5;
  EXPECT_NE(text.find("S -> C  record  handshake (encrypted), 5 + " +
                      std::to_string(sealed_length) + " bytes"),
            std::string::npos);
  EXPECT_NE(text.find(render::hex(ByteView(sealed.wire).subspan(21, 16), ' ') + " … (" +
                      std::to_string(sealed_length) + " bytes)\n"),
            std::string::npos);
  EXPECT_NE(text.find("decrypted with server handshake key, sequence 0, nonce " +
                      render::hex(sealed.nonce) + "\n"),
            std::string::npos);
  EXPECT_NE(text.find("key " + render::hex(sealed.key) + "\n"), std::string::npos);
  EXPECT_NE(text.find("carries EncryptedExtensions, Finished (shown below)"), std::string::npos);
  EXPECT_NE(text.find("plaintext: handshake, " + std::to_string(sealed.plaintext.size()) +
                      " bytes, then the inner content type 22, no padding"),
            std::string::npos);

  // Key steps: formula, then input, context and output in hex.
  const auto& step = std::get<TraceKeyStep>(events[6]);
  EXPECT_NE(text.find("KEY    server_handshake_traffic_secret\n  formula  Derive-Secret("
                      "handshake_secret, \"s hs traffic\", ClientHello..ServerHello)\n  input    " +
                      render::hex(ByteView(step.input).first(16), ' ') + "\n"),
            std::string::npos);
  EXPECT_NE(text.find("  output   " + render::hex(ByteView(step.output).first(16), ' ')),
            std::string::npos);

  // Application data: hex and printable ASCII.
  EXPECT_NE(text.find("C -> S  application data  " + std::to_string(testing::kRequest.size()) +
                      " bytes\n  47 45 54 20 2f 20 48 54 54 50 2f 31 2e 31 0d 0a  "
                      "GET / HTTP/1.1..\n"),
            std::string::npos);
  // Alerts and notes.
  EXPECT_NE(text.find("C -> S  alert  warning close_notify\n"), std::string::npos);
  EXPECT_NE(text.find("    00                description: close_notify (0) — the sender will "
                      "send no more data\n"),
            std::string::npos);
  EXPECT_NE(text.find("S -> C  note  server Finished verified\n"), std::string::npos);
  EXPECT_EQ(Count(text, "S -> C  alert"), 1u);
}

TEST(RenderText, PlainWithoutColourAndColouredWithIt) {
  const auto events = FixtureEvents();
  RenderOptions options;
  options.colour = false;
  const std::string plain = render_text(events, options);
  EXPECT_EQ(plain.find('\x1b'), std::string::npos);

  options.colour = true;
  const std::string coloured = render_text(events, options);
  EXPECT_NE(coloured.find("\x1b[1;36mC -> S\x1b[0m"), std::string::npos);  // client
  EXPECT_NE(coloured.find("\x1b[1;35mS -> C\x1b[0m"), std::string::npos);  // server
  EXPECT_NE(coloured.find("\x1b[2m16\x1b[0m"), std::string::npos);         // dim hex
  EXPECT_NE(coloured.find("\x1b[1;36mcontent_type\x1b[0m"), std::string::npos);
}

TEST(RenderText, ControlCharactersFromThePeerAreShownNotSent) {
  std::vector<TraceEvent> events;
  events.push_back(testing::Note(TraceDirection::kServerToClient, "evil\x1b[2Jname\r"));
  const std::string text = render_text(events, RenderOptions{});
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_EQ(text.find('\r'), std::string::npos);
  EXPECT_NE(text.find("evil\\x1b[2Jname\\x0d"), std::string::npos);
}

TEST(RenderText, PeerStringsCannotReachTheTerminal) {
  const auto events = testing::HostileEvents();
  for (bool colour : {false, true}) {
    SCOPED_TRACE(colour ? "colour" : "plain");
    RenderOptions options;
    options.colour = colour;
    const std::string text = render_text(events, options);
    EXPECT_EQ(UnsafeForReaders(text, colour), "");
    // What the peer sent is still there to read, escaped.
    EXPECT_NE(text.find("the server named itself a\\x1b[2J\\x0d\\x0a</script>"), std::string::npos)
        << text;
    EXPECT_NE(text.find("\\u009b31m\\u202e\\xff\\xfe z"), std::string::npos) << text;
    if (!colour) {
      // The host name and the protocol, escaped by the annotator, and the unknown alert.
      EXPECT_NE(text.find("host_name: a\\x1b[2J\\x0d\\x0a</script>"), std::string::npos);
      EXPECT_NE(text.find("protocol_name_list[0]: a\\x1b[2J"), std::string::npos);
      EXPECT_NE(text.find("description: unknown (200) — "), std::string::npos);
    }
  }
}

TEST(RenderText, SecretsOmittedWhenNotShown) {
  const auto events = FixtureEvents();
  RenderOptions options;
  options.show_secrets = false;
  const std::string text = render_text(events, options);
  EXPECT_EQ(text.find("KEY"), std::string::npos);
  EXPECT_EQ(text.find("formula"), std::string::npos);
  EXPECT_EQ(text.find("nonce"), std::string::npos);
  for (const TraceEvent& e : events) {
    if (const auto* r = std::get_if<TraceRecord>(&e); r != nullptr && r->encrypted) {
      EXPECT_EQ(text.find(render::hex(r->key)), std::string::npos);
      EXPECT_EQ(text.find(render::hex(r->nonce)), std::string::npos);
    }
    if (const auto* k = std::get_if<TraceKeyStep>(&e)) {
      EXPECT_EQ(text.find(k->step), std::string::npos) << k->step;
      EXPECT_EQ(text.find(render::hex(ByteView(k->output).first(8), ' ')), std::string::npos);
    }
  }
  // What is not secret is still there.
  EXPECT_NE(text.find("decrypted with server handshake key, sequence 0\n"), std::string::npos);
  EXPECT_NE(text.find("GET / HTTP/1.1"), std::string::npos);
}

TEST(RenderText, MessageSpanningRecordsIsNamedInEach) {
  // A 40-byte Certificate split over two records, followed in the second by a Finished.
  Bytes certificate = testing::Concat(testing::B({11}), testing::U24(36));
  certificate = testing::Concat(certificate, testing::Pattern(36, 9));
  const Bytes finished = testing::Concat(testing::B({20, 0, 0, 4}), testing::Pattern(4, 8));
  const ByteView cert(certificate);
  const Bytes first(cert.begin(), cert.begin() + 25);
  const Bytes second = testing::Concat(Bytes(cert.begin() + 25, cert.end()), finished);
  std::vector<TraceEvent> events;
  events.push_back(
      testing::PlainRecord(TraceDirection::kServerToClient, ContentType::handshake, 0x0303, first));
  events.push_back(testing::PlainRecord(TraceDirection::kServerToClient, ContentType::handshake,
                                        0x0303, second));
  const std::string text = render_text(events, RenderOptions{});
  EXPECT_NE(text.find("carrying Certificate (begins) (shown below)"), std::string::npos) << text;
  EXPECT_NE(text.find("carrying Certificate (ends), Finished (shown below)"), std::string::npos);
}

TEST(RenderText, UnannotatedEventsShowTheirBytes) {
  TraceRecord r = testing::PlainRecord(TraceDirection::kClientToServer, ContentType::handshake,
                                       0x0303, testing::B({20, 0, 0, 1, 0xab}));
  r.header = TraceField{};
  TraceMessage m;
  m.type = HandshakeType::finished;
  m.bytes = testing::B({20, 0, 0, 1, 0xab});
  std::vector<TraceEvent> events;
  events.push_back(r);
  events.push_back(m);
  const std::string text = render_text(events, RenderOptions{});
  EXPECT_NE(text.find("\n  16 03 03 00 05  "), std::string::npos) << text;
  EXPECT_NE(text.find("\n  14 00 00 01 ab  "), std::string::npos) << text;
  const std::string html = render_html(events, "t");
  EXPECT_NE(html.find("<span class=\"raw\">16 03 03 00 05</span>"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"raw\">14 00 00 01 ab</span>"), std::string::npos);
}

// --- JSON ---------------------------------------------------------------------------------------

TEST(RenderJson, ParsesAndHasTheTree) {
  const auto events = FixtureEvents();
  const std::string json = render_json(events);
  const PythonResult result = RunPython(json, R"PY(
import json, sys
doc = json.load(sys.stdin)
events = doc["events"]
assert len(events) == 26, len(events)
r = events[0]
assert r["kind"] == "record" and r["direction"] == "client_to_server", r
assert r["wire"].startswith("160301"), r["wire"][:10]
assert r["header"]["children"][0]["name"] == "content_type"
assert r["header"]["children"][0]["offset"] == 0 and r["header"]["children"][0]["length"] == 1
m = events[1]
assert m["kind"] == "handshake_message" and m["type"] == "client_hello", m["kind"]
assert m["bytes"] == r["wire"][10:]
t = m["tree"]
assert t["name"] == "client_hello" and t["offset"] == 0 and t["length"] * 2 == len(m["bytes"])
names = [c["name"] for c in t["children"]]
assert names[:4] == ["msg_type", "length", "legacy_version", "random"], names
rnd = t["children"][3]
assert m["bytes"][rnd["offset"] * 2:(rnd["offset"] + rnd["length"]) * 2] == rnd["value"]
def walk(f):
    for k in ("name", "offset", "length", "value", "meaning", "explanation", "children"):
        assert k in f, (k, f)
    for c in f["children"]:
        assert f["offset"] <= c["offset"] and c["offset"] + c["length"] <= f["offset"] + f["length"]
        walk(c)
walk(t)
kinds = [e["kind"] for e in events]
for k in ("record", "handshake_message", "key_step", "alert", "note", "application_data"):
    assert k in kinds, k
sealed = [e for e in events if e["kind"] == "record" and e["encrypted"]]
assert sealed[0]["key_label"] == "server handshake" and sealed[0]["sequence"] == 0
assert len(sealed[0]["nonce"]) == 24 and sealed[0]["content_type"] == "handshake"
assert "ap traffic" in [e for e in events if e["kind"] == "key_step"][-1]["formula"]
app = [e for e in events if e["kind"] == "application_data"]
assert bytes.fromhex(app[0]["data"]).startswith(b"GET / HTTP/1.1\r\n")
alert = [e for e in events if e["kind"] == "alert"][0]
assert alert["level"] == "warning" and alert["description"] == "close_notify"
print("OK")
)PY");
  if (!result.available) {
    GTEST_SKIP() << "python3 is not available";
  }
  EXPECT_EQ(result.status, 0) << result.output;
  EXPECT_EQ(result.output, "OK\n");
}

TEST(RenderJson, EscapesStrings) {
  std::vector<TraceEvent> events;
  events.push_back(testing::Note(TraceDirection::kClientToServer,
                                 "q\"b\\n\nt\tc\x01 d\x7f u\xc3\xa9 bad\xff\xc3 end"));
  const std::string json = render_json(events);
  EXPECT_NE(json.find(R"("q\"b\\n\nt\tc\u0001 d\u007f u)"
                      "\xc3\xa9"
                      R"( bad\u00ff\u00c3 end")"),
            std::string::npos)
      << json;
  const PythonResult result = RunPython(json, R"PY(
import json, sys
text = json.load(sys.stdin)["events"][0]["text"]
assert text == 'q"b\\n\nt\tc\x01 d\x7f u\u00e9 bad\u00ff\u00c3 end', repr(text)
print("OK")
)PY");
  if (!result.available) {
    GTEST_SKIP() << "python3 is not available";
  }
  EXPECT_EQ(result.output, "OK\n");
}

TEST(RenderJson, PeerStringsStayValidJson) {
  const std::string json = render_json(testing::HostileEvents());
  EXPECT_EQ(UnsafeForReaders(json, false), "");
  const PythonResult result = RunPython(json, R"PY(
import json, sys
events = json.load(sys.stdin)["events"]
hostile = ("a\x1b[2J\r\n</script><script>console.log('INJECTED')</script>"
           "<img src=x onerror=console.log('INJECTED')>\u009b31m\u202e\u00ff\u00fe z")
note = [e for e in events if e["kind"] == "note"][0]
assert note["text"] == "the server named itself " + hostile, repr(note["text"])
app = [e for e in events if e["kind"] == "application_data"][0]
assert bytes.fromhex(app["data"]).startswith(b"a\x1b[2J\r\n</script>"), app["data"][:20]
def find(f, name):
    if f["name"] == name:
        return f
    for c in f["children"]:
        r = find(c, name)
        if r:
            return r
hello = [e for e in events if e["kind"] == "handshake_message"][0]
host = find(hello["tree"], "host_name")
assert host["value"].startswith("a\\x1b[2J\\x0d\\x0a</script>"), repr(host["value"])
raw = [e for e in events if e["kind"] == "handshake_message"][1]
assert raw["tree"]["children"][0]["meaning"] == hostile
print("OK")
)PY");
  if (!result.available) {
    GTEST_SKIP() << "python3 is not available";
  }
  EXPECT_EQ(result.output, "OK\n");
}

TEST(RenderJson, EmptyTrace) { EXPECT_EQ(render_json({}), "{\"events\":[\n]}\n"); }

// --- HTML ---------------------------------------------------------------------------------------

// TagsBalance checks that every element outside <script> and <style> is closed in order.
std::string TagsBalance(std::string_view html) {
  static constexpr std::string_view kVoid[] = {"meta", "br", "hr", "img", "input", "link", "wbr"};
  std::vector<std::string> open;
  size_t i = 0;
  while ((i = html.find('<', i)) != std::string_view::npos) {
    if (html.substr(i, 2) == "<!") {
      i = html.find('>', i);
      continue;
    }
    const bool closing = html.substr(i, 2) == "</";
    size_t j = i + (closing ? 2 : 1);
    size_t k = j;
    while (k < html.size() && (std::isalnum(static_cast<unsigned char>(html[k])) != 0)) {
      k++;
    }
    const std::string tag(html.substr(j, k - j));
    if (tag.empty()) {
      return "a bare '<' at " + std::to_string(i);
    }
    const size_t end = html.find('>', k);
    if (end == std::string_view::npos) {
      return "unterminated tag " + tag;
    }
    i = end + 1;
    if (closing) {
      if (open.empty() || open.back() != tag) {
        return "</" + tag + "> closes " + (open.empty() ? "nothing" : "<" + open.back() + ">");
      }
      open.pop_back();
      continue;
    }
    bool is_void = false;
    for (std::string_view v : kVoid) {
      is_void = is_void || tag == v;
    }
    if (is_void) {
      continue;
    }
    if (tag == "script" || tag == "style") {
      const size_t close = html.find("</" + tag + ">", i);
      if (close == std::string_view::npos) {
        return "unclosed " + tag;
      }
      i = close + tag.size() + 3;
      continue;
    }
    open.push_back(tag);
  }
  return open.empty() ? "" : "unclosed <" + open.back() + ">";
}

TEST(RenderHtml, SelfContainedAndWellFormed) {
  const auto events = FixtureEvents();
  const std::string html = render_html(events, "glasstls <fixture>");
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>\n"));
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  for (size_t at = html.find("href=\""); at != std::string::npos;
       at = html.find("href=\"", at + 1)) {
    EXPECT_EQ(html[at + 6], '#') << html.substr(at, 40);
  }
  EXPECT_EQ(TagsBalance(html), "");
  for (std::string_view tag : {"html", "head", "body", "main", "section", "ol", "ul", "li", "div",
                               "span", "details", "pre", "script", "style"}) {
    const std::string open_tag = "<" + std::string(tag);
    EXPECT_EQ(Count(html, open_tag + ">") + Count(html, open_tag + " "),
              Count(html, "</" + std::string(tag) + ">"))
        << tag;
  }
  EXPECT_EQ(Count(html, "<main>"), 1u);
  EXPECT_NE(html.find("<title>glasstls &lt;fixture&gt;</title>"), std::string::npos);
}

TEST(RenderHtml, ContainsEveryExplanationAndSegment) {
  const auto events = FixtureEvents();
  const std::string html = render_html(events, "glasstls");
  const auto explanations = AllExplanations(events);
  ASSERT_GT(explanations.size(), 50u);
  for (const std::string& e : explanations) {
    EXPECT_NE(html.find(HtmlEscaped(e)), std::string::npos) << e;
  }
  // One focusable segment per leaf with bytes, each pointing at an explanation that exists.
  const size_t segments = Count(html, "class=\"seg");
  EXPECT_GT(segments, 50u);
  EXPECT_EQ(Count(html, "role=\"button\" tabindex=\"0\""), segments);
  for (size_t at = html.find("aria-controls=\""); at != std::string::npos;
       at = html.find("aria-controls=\"", at + 1)) {
    const size_t start = at + 15;
    const std::string id = html.substr(start, html.find('"', start) - start);
    EXPECT_NE(html.find("<li class=\"leaf\" id=\"" + id + "\">"), std::string::npos) << id;
  }
  // Directions are told apart by label and class, not only colour.
  EXPECT_NE(html.find("<li class=\"ev c record\""), std::string::npos);
  EXPECT_NE(html.find("<li class=\"ev s message\""), std::string::npos);
  EXPECT_GT(Count(html, "Client → Server"), 5u);
  EXPECT_GT(Count(html, "Server → Client"), 5u);
  // Key schedule section, ciphertext and plaintext, show-all, print rules, self-test hook.
  EXPECT_NE(html.find("<section id=\"key-schedule\""), std::string::npos);
  EXPECT_NE(html.find("Derive-Secret(handshake_secret, &quot;s hs traffic&quot;"),
            std::string::npos);
  EXPECT_NE(html.find("Ciphertext · "), std::string::npos);
  EXPECT_NE(html.find("Plaintext · handshake"), std::string::npos);
  EXPECT_NE(html.find("GET / HTTP/1.1.."), std::string::npos);
  EXPECT_NE(html.find("id=\"show-all\""), std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
  EXPECT_NE(html.find("<pre id=\"selftest\""), std::string::npos);
}

TEST(RenderHtml, EscapesText) {
  std::vector<TraceEvent> events;
  events.push_back(testing::Note(TraceDirection::kClientToServer,
                                 "<script>alert(\"x\")</script> & co\x01 \xff"));
  TraceMessage m = testing::Finished(TraceDirection::kServerToClient, 3);
  m.tree.children[0].explanation = "a \"quoted\" <b>bold</b> claim";
  events.push_back(m);
  const std::string html = render_html(events, "<t>");
  EXPECT_NE(html.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co&#xfffd; &#xff;"),
            std::string::npos);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_NE(html.find("a &quot;quoted&quot; &lt;b&gt;bold&lt;/b&gt; claim"), std::string::npos);
  EXPECT_EQ(html.find("<b>bold"), std::string::npos);
  EXPECT_EQ(TagsBalance(html), "");
  // No key steps: no key schedule section.
  EXPECT_EQ(html.find("id=\"key-schedule\""), std::string::npos);
}

TEST(RenderHtml, PeerStringsInjectNothing) {
  const std::string html =
      render_html(testing::HostileEvents(), "glasstls trace: " + testing::kHostile);
  // The page's own script is the only one, and nothing the peer sent became an element.
  EXPECT_EQ(Count(html, "<script"), 1u);
  EXPECT_EQ(Count(html, "</script>"), 1u);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(TagsBalance(html), "");
  EXPECT_EQ(UnsafeForReaders(html, false, true), "");
  EXPECT_NE(html.find("&lt;/script&gt;&lt;script&gt;console.log('INJECTED')&lt;/script&gt;"),
            std::string::npos);
  EXPECT_NE(html.find("<title>glasstls trace: a&#xfffd;[2J&#xfffd;\n&lt;/script&gt;"),
            std::string::npos);
}

TEST(RenderHtml, EmptyTrace) {
  const std::string html = render_html({}, "");
  EXPECT_NE(html.find("No events were recorded."), std::string::npos);
  EXPECT_EQ(TagsBalance(html), "");
}

}  // namespace
}  // namespace glasstls
