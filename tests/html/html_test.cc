// html_test.cc: the HTML trace page in a real browser (headless Chromium).
//
// The page is written from the fixture connection, then Chromium (1) loads it and must log no
// console messages or uncaught errors, (2) loads it with "#selftest", which makes the page's own
// script click and key its segments and press "show all", and must report SELFTEST PASS, and
// (3) takes screenshots, copied to /tmp/glasstls-trace.png (explanations closed) and
// /tmp/glasstls-trace-all.png (all shown) for people to look at. A page made of a hostile
// peer's strings must run nothing it did not write itself.
//
// The test is skipped when Chromium is not installed (Debian: apt-get install -y chromium), or
// when GLASSTLS_CHROMIUM names another binary that is missing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "api/harness.h"
#include "glasstls/trace.h"
#include "html/trace_fixture.h"

namespace glasstls {
namespace {

std::string Chromium() {
  const char* env = std::getenv("GLASSTLS_CHROMIUM");
  return env != nullptr && *env != '\0' ? env : "/usr/bin/chromium";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class HtmlBrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(Chromium().c_str(), X_OK) != 0) {
      GTEST_SKIP() << Chromium() << " is not installed (apt-get install -y chromium)";
    }
    if (std::system("command -v timeout >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "coreutils timeout is not available to bound the browser run";
    }
    std::string pattern = ::testing::TempDir() + "/glasstls_html_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    page_ = dir_ + "/trace.html";
    std::ofstream(page_, std::ios::binary)
        << render_html(testing::FixtureEvents(), "glasstls trace: fixture connection");
  }

  void TearDown() override {
    if (!dir_.empty() && !HasFailure()) {
      if (std::system(("rm -rf '" + dir_ + "'").c_str()) != 0) {
        ADD_FAILURE() << "could not remove " << dir_;
      }
    }
  }

  // Run starts Chromium on the page (with `fragment` appended to its URL) with `flags`, waits
  // at most 60 seconds, and returns its exit status; stdout and stderr go to out_ and err_.
  int Run(std::string_view fragment, std::string_view flags) {
    const std::string profile = dir_ + "/profile" + std::to_string(runs_++);
    const std::string command =
        "timeout 60 '" + Chromium() +
        "' --headless --no-sandbox --disable-gpu --disable-background-networking "
        "--disable-component-update --disable-sync --no-first-run --hide-scrollbars "
        "--user-data-dir='" +
        profile + "' --enable-logging=stderr --v=0 --virtual-time-budget=5000 " +
        std::string(flags) + " 'file://" + page_ + std::string(fragment) + "' > '" + dir_ +
        "/out.txt' 2> '" + dir_ + "/err.txt'";
    const int status = std::system(command.c_str());
    out_ = ReadFile(dir_ + "/out.txt");
    err_ = ReadFile(dir_ + "/err.txt");
    return status;
  }

  // ConsoleLines returns the browser's log lines about the page's console or its errors.
  std::string ConsoleLines() const {
    std::string found;
    std::istringstream lines(err_);
    for (std::string line; std::getline(lines, line);) {
      if (line.find("CONSOLE") != std::string::npos || line.find("Uncaught") != std::string::npos) {
        found += line + "\n";
      }
    }
    return found;
  }

  void Screenshot(std::string_view fragment, const std::string& name, const std::string& copy) {
    const std::string path = dir_ + "/" + name;
    ASSERT_EQ(Run(fragment, "--window-size=1280,2000 --screenshot='" + path + "'"), 0) << err_;
    const std::string png = ReadFile(path);
    ASSERT_GT(png.size(), 10000u);
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    std::ofstream(copy, std::ios::binary) << png;
  }

  std::string dir_;
  std::string page_;
  std::string out_;
  std::string err_;
  int runs_ = 0;
};

TEST_F(HtmlBrowserTest, LoadsWithoutConsoleErrors) {
  ASSERT_EQ(Run("", "--dump-dom"), 0) << err_;
  EXPECT_NE(out_.find("<h1>glasstls trace: fixture connection</h1>"), std::string::npos);
  EXPECT_NE(out_.find("class=\"seg\""), std::string::npos);
  EXPECT_EQ(ConsoleLines(), "");
}

TEST_F(HtmlBrowserTest, SelfTestPasses) {
  ASSERT_EQ(Run("#selftest", "--dump-dom"), 0) << err_;
  // The verdict is the text of <pre id="selftest"> (the script holds both words as literals).
  const std::string open_tag = "<pre id=\"selftest\" aria-live=\"polite\">";
  const size_t start = out_.find(open_tag);
  ASSERT_NE(start, std::string::npos) << out_;
  const size_t end = out_.find("</pre>", start);
  ASSERT_NE(end, std::string::npos);
  const std::string verdict = out_.substr(start + open_tag.size(), end - start - open_tag.size());
  EXPECT_EQ(verdict, "SELFTEST PASS");
  EXPECT_EQ(ConsoleLines(), "");
}

// A page of strings from a hostile peer (markup in a host name, an ALPN protocol, application
// data, a note and the title) must run nothing: the injected script and image handler would
// log "INJECTED" to the console, and the image would appear in the DOM.
TEST_F(HtmlBrowserTest, HostilePeerStringsRunNothing) {
  std::ofstream(page_, std::ios::binary | std::ios::trunc)
      << render_html(testing::HostileEvents(), "glasstls trace: " + testing::kHostile);
  ASSERT_EQ(Run("#selftest", "--dump-dom"), 0) << err_;
  EXPECT_EQ(ConsoleLines(), "");
  EXPECT_EQ(err_.find("INJECTED"), std::string::npos) << err_;
  EXPECT_EQ(out_.find("<img"), std::string::npos);
  EXPECT_NE(out_.find("SELFTEST PASS"), std::string::npos) << out_.substr(0, 2000);
  // The peer's text is on the page, as text.
  EXPECT_NE(out_.find("console.log('INJECTED')&lt;/script&gt;"), std::string::npos);
}

// The page of a real TLS 1.2 handshake (the client's view, with its secrets) passes its
// self-test in a wide window, where the self-test also checks that each outline of
// explanations sits beside its bytes rather than below them.
TEST_F(HtmlBrowserTest, RealTls12HandshakeExplainedBesideTheBytes) {
  auto recorder = std::make_shared<TraceRecorder>();
  auto cb = testing::client_builder(crypto::KeyType::kEcdsaP256);
  auto sb = testing::server_builder(crypto::KeyType::kEcdsaP256);
  cb.versions(ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_2);
  auto ccfg = cb.build();
  auto scfg = sb.build();
  ASSERT_TRUE(ccfg.ok() && scfg.ok());
  TraceOptions options;
  options.show_secrets = true;
  auto client = Connection::client(*ccfg, "localhost", recorder, options);
  auto server = Connection::server(*scfg);
  ASSERT_TRUE(client.ok() && server.ok());
  ASSERT_TRUE(testing::handshake(*client, *server));
  std::ofstream(page_, std::ios::binary | std::ios::trunc)
      << render_html(recorder->events, "glasstls trace: TLS 1.2");
  ASSERT_EQ(Run("#selftest", "--window-size=1400,2000 --dump-dom"), 0) << err_;
  EXPECT_NE(out_.find("data-layout=\"beside\""), std::string::npos) << out_.substr(0, 2000);
  EXPECT_NE(out_.find(">SELFTEST PASS<"), std::string::npos);
  EXPECT_EQ(ConsoleLines(), "");
}

TEST_F(HtmlBrowserTest, Screenshots) {
  Screenshot("", "trace.png", "/tmp/glasstls-trace.png");
  Screenshot("#all", "trace-all.png", "/tmp/glasstls-trace-all.png");
  EXPECT_EQ(ConsoleLines(), "");
}

}  // namespace
}  // namespace glasstls
