// live_capture_test.cc: a real TLS 1.3 exchange between openssl s_client and s_server, captured
// on loopback with dumpcap (or tcpdump), read back and reassembled, and checked against what
// tshark reports for the same file. Skipped when no capture tool can capture here.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "capture/pcap.h"
#include "capture/tcp_reassembly.h"

extern char** environ;

namespace glasstls::capture {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  for (const char* sbin : {"/usr/sbin/", "/sbin/"}) {
    std::string candidate = sbin + name;
    if (::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return "";
}

// free_port asks the kernel for an unused TCP port on 127.0.0.1 (racy, but fine for a test).
uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return 0;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  uint16_t port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// TempDir is a fresh directory, removed with its contents on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = std::filesystem::temp_directory_path() / "glasstls-capture-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) != nullptr) {
      path_ = buf.data();
    }
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) {
      std::filesystem::remove_all(path_, ec);
    }
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  bool ok() const { return !path_.empty(); }

 private:
  std::string path_;
};

// Child is a spawned process with stdout and stderr in files. Every wait is bounded, and the
// destructor kills and reaps a process still running.
class Child {
 public:
  static std::unique_ptr<Child> spawn(const std::vector<std::string>& argv,
                                      const std::string& out_path, const std::string& err_path,
                                      const std::string& in_path = "/dev/null") {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, in_path.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    std::vector<char*> args;
    for (const std::string& a : argv) {
      args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    pid_t pid = -1;
    int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      return nullptr;
    }
    auto child = std::unique_ptr<Child>(new Child());
    child->pid_ = pid;
    child->out_path_ = out_path;
    child->err_path_ = err_path;
    return child;
  }
  ~Child() {
    if (!exited_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // wait returns the exit status once the process ends, or nullopt after `timeout`.
  std::optional<int> wait(milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (!exited_) {
      int status = 0;
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        exited_ = true;
        status_ = status;
        break;
      }
      if (Clock::now() >= deadline) {
        return std::nullopt;
      }
      std::this_thread::sleep_for(milliseconds(10));
    }
    return status_;
  }
  void signal(int sig) {
    if (!exited_) {
      ::kill(pid_, sig);
    }
  }
  // wait_for_output waits until stdout or stderr contains `text`; false on timeout or exit.
  bool wait_for_output(const std::string& text, milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (read_file(out_path_).find(text) != std::string::npos ||
          read_file(err_path_).find(text) != std::string::npos) {
        return true;
      }
      if (wait(milliseconds(0)).has_value()) {
        return false;
      }
      std::this_thread::sleep_for(milliseconds(20));
    }
    return false;
  }
  std::string log() const { return read_file(out_path_) + read_file(err_path_); }

 private:
  Child() = default;
  pid_t pid_ = -1;
  bool exited_ = false;
  int status_ = 0;
  std::string out_path_;
  std::string err_path_;
};

// run_tool runs a command to completion within `timeout`; nullopt if it could not run or timed
// out, else its stdout.
std::optional<std::string> run_tool(const std::vector<std::string>& argv, const TempDir& dir,
                                    const std::string& tag, milliseconds timeout) {
  std::unique_ptr<Child> c = Child::spawn(argv, dir.file(tag + ".out"), dir.file(tag + ".err"));
  if (c == nullptr) {
    return std::nullopt;
  }
  std::optional<int> status = c->wait(timeout);
  if (!status.has_value() || !WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    return std::nullopt;
  }
  return read_file(dir.file(tag + ".out"));
}

Bytes unhex(const std::string& line) {
  Bytes out;
  for (size_t i = 0; i + 1 < line.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoul(line.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// TsharkFollow is tshark's "follow,tcp,raw" view of one connection.
struct TsharkFollow {
  uint16_t node0_port = 0;
  Bytes from_node0;
  Bytes from_node1;
};

// parse_follow reads `tshark -q -z follow,tcp,raw,N` output: "Node 0: addr:port", then hex
// lines, those sent by node 1 indented with a tab.
std::optional<TsharkFollow> parse_follow(const std::string& text) {
  TsharkFollow f;
  std::istringstream in(text);
  std::string line;
  bool seen_node0 = false;
  bool in_data = false;
  while (std::getline(in, line)) {
    if (line.rfind("Node 0: ", 0) == 0) {
      f.node0_port = static_cast<uint16_t>(std::stoul(line.substr(line.rfind(':') + 1)));
      seen_node0 = true;
    } else if (line.rfind("Node 1: ", 0) == 0) {
      in_data = true;
    } else if (line.rfind("=====", 0) == 0) {
      in_data = false;
    } else if (in_data && !line.empty()) {
      if (line[0] == '\t') {
        Bytes b = unhex(line.substr(1));
        f.from_node1.insert(f.from_node1.end(), b.begin(), b.end());
      } else {
        Bytes b = unhex(line);
        f.from_node0.insert(f.from_node0.end(), b.begin(), b.end());
      }
    }
  }
  if (!seen_node0) {
    return std::nullopt;
  }
  return f;
}

TEST(CaptureLiveTest, OpensslTls13ExchangeOnLoopback) {
  std::string openssl = find_program("openssl");
  std::string dumpcap = find_program("dumpcap");
  std::string tcpdump = find_program("tcpdump");
  std::string tshark = find_program("tshark");
  if (openssl.empty() || (dumpcap.empty() && tcpdump.empty())) {
    GTEST_SKIP() << "needs openssl and dumpcap or tcpdump";
  }
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  ASSERT_TRUE(run_tool({openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-keyout", dir.file("key.pem"), "-out",
                        dir.file("cert.pem"), "-days", "1", "-subj", "/CN=localhost"},
                       dir, "req", milliseconds(20000))
                  .has_value());
  uint16_t port = free_port();
  ASSERT_NE(port, 0);
  std::string filter = "tcp port " + std::to_string(port);
  std::string capture_file = dir.file("capture.pcapng");

  // Start the capture and wait until the tool says it is capturing.
  std::unique_ptr<Child> capturer;
  std::string ready_text;
  if (!dumpcap.empty()) {
    capturer =
        Child::spawn({dumpcap, "-i", "lo", "-f", filter, "-w", capture_file, "-a", "duration:30"},
                     dir.file("cap.out"), dir.file("cap.err"));
    ready_text = "Capturing on";
  } else {
    capturer = Child::spawn({tcpdump, "-i", "lo", "-U", "-w", capture_file, filter},
                            dir.file("cap.out"), dir.file("cap.err"));
    ready_text = "listening on";
  }
  ASSERT_NE(capturer, nullptr);
  if (!capturer->wait_for_output(ready_text, milliseconds(10000))) {
    GTEST_SKIP() << "the capture tool cannot capture here:\n" << capturer->log();
  }

  std::unique_ptr<Child> server = Child::spawn(
      {openssl, "s_server", "-accept", std::to_string(port), "-cert", dir.file("cert.pem"), "-key",
       dir.file("key.pem"), "-tls1_3", "-www", "-naccept", "1"},
      dir.file("server.out"), dir.file("server.err"));
  ASSERT_NE(server, nullptr);
  ASSERT_TRUE(server->wait_for_output("ACCEPT", milliseconds(10000))) << server->log();

  {
    std::ofstream request(dir.file("request.txt"), std::ios::binary);
    request << "GET / HTTP/1.0\r\n\r\n";
  }
  std::unique_ptr<Child> client =
      Child::spawn({openssl, "s_client", "-connect", "127.0.0.1:" + std::to_string(port), "-tls1_3",
                    "-servername", "localhost", "-ign_eof"},
                   dir.file("client.out"), dir.file("client.err"), dir.file("request.txt"));
  ASSERT_NE(client, nullptr);
  std::optional<int> client_status = client->wait(milliseconds(15000));
  ASSERT_TRUE(client_status.has_value()) << client->log();
  std::optional<int> server_status = server->wait(milliseconds(5000));
  EXPECT_TRUE(server_status.has_value()) << server->log();
  EXPECT_NE(read_file(dir.file("client.out")).find("HTTP/1.0 200 ok"), std::string::npos)
      << client->log();

  // Let the last packets reach the capture, then stop it cleanly.
  std::this_thread::sleep_for(milliseconds(300));
  capturer->signal(SIGINT);
  ASSERT_TRUE(capturer->wait(milliseconds(10000)).has_value()) << capturer->log();

  std::string file = read_file(capture_file);
  ByteView view(reinterpret_cast<const uint8_t*>(file.data()), file.size());
  Result<Capture> cap = read_capture(view);
  ASSERT_TRUE(cap.ok()) << cap.error().reason;
  EXPECT_FALSE(cap->truncated) << cap->truncation_reason;
  ASSERT_FALSE(cap->packets.empty());
  DecodeStats stats;
  std::vector<TcpStream> streams = reassemble_capture(cap->packets, &stats);
  EXPECT_EQ(stats.malformed, 0u) << stats.first_malformed;
  EXPECT_EQ(stats.tcp_segments, cap->packets.size());
  ASSERT_EQ(streams.size(), 1u);
  const TcpStream& t = streams[0];
  EXPECT_EQ(t.role_evidence, RoleEvidence::kSyn);
  EXPECT_EQ(t.client.address, "127.0.0.1");
  EXPECT_EQ(t.server.address, "127.0.0.1");
  EXPECT_EQ(t.server.port, port);
  EXPECT_FALSE(t.client_to_server.gap_offset.has_value());
  EXPECT_FALSE(t.server_to_client.gap_offset.has_value());
  EXPECT_TRUE(t.client_to_server.fin_seen || t.client_to_server.rst_seen ||
              t.server_to_client.fin_seen);

  // The client speaks first with a handshake record (ClientHello, legacy version 0x0301); the
  // server answers with a handshake record carrying the ServerHello (0x0303).
  const Bytes& c2s = t.client_to_server.data;
  const Bytes& s2c = t.server_to_client.data;
  ASSERT_GE(c2s.size(), 6u);
  EXPECT_EQ(c2s[0], 0x16);
  EXPECT_EQ(c2s[1], 0x03);
  EXPECT_EQ(c2s[2], 0x01);
  EXPECT_EQ(c2s[5], 0x01);  // handshake type client_hello
  ASSERT_GE(s2c.size(), 6u);
  EXPECT_EQ(s2c[0], 0x16);
  EXPECT_EQ(s2c[1], 0x03);
  EXPECT_EQ(s2c[2], 0x03);
  EXPECT_EQ(s2c[5], 0x02);  // server_hello
  ASSERT_FALSE(t.chunks.empty());
  EXPECT_EQ(t.chunks[0].direction, Direction::kClientToServer);
  uint64_t chunked[2] = {0, 0};
  for (size_t i = 0; i < t.chunks.size(); i++) {
    if (i > 0) {
      EXPECT_GE(t.chunks[i].timestamp_ns, t.chunks[i - 1].timestamp_ns);
    }
    auto d = static_cast<size_t>(t.chunks[i].direction);
    EXPECT_EQ(t.chunks[i].offset, chunked[d]);
    chunked[d] += t.chunks[i].length;
  }
  EXPECT_EQ(chunked[0], c2s.size());
  EXPECT_EQ(chunked[1], s2c.size());

  if (tshark.empty()) {
    return;  // the byte-level comparison needs tshark
  }
  // tshark's per-segment lengths, summed per direction.
  std::optional<std::string> lengths =
      run_tool({tshark, "-r", capture_file, "-T", "fields", "-e", "tcp.srcport", "-e", "tcp.len"},
               dir, "tshark-len", milliseconds(60000));
  ASSERT_TRUE(lengths.has_value());
  uint64_t from_client = 0;
  uint64_t from_server = 0;
  std::istringstream rows(*lengths);
  uint64_t src = 0;
  uint64_t len = 0;
  size_t rows_read = 0;
  while (rows >> src >> len) {
    rows_read++;
    (src == t.client.port ? from_client : from_server) += len;
  }
  EXPECT_EQ(rows_read, cap->packets.size());
  EXPECT_EQ(from_client, c2s.size());
  EXPECT_EQ(from_server, s2c.size());

  // tshark's reassembled streams, byte for byte.
  std::optional<std::string> follow =
      run_tool({tshark, "-r", capture_file, "-q", "-z", "follow,tcp,raw,0"}, dir, "tshark-follow",
               milliseconds(60000));
  ASSERT_TRUE(follow.has_value());
  std::optional<TsharkFollow> f = parse_follow(*follow);
  ASSERT_TRUE(f.has_value()) << *follow;
  bool node0_is_client = f->node0_port == t.client.port;
  EXPECT_TRUE(node0_is_client);
  EXPECT_EQ(node0_is_client ? f->from_node0 : f->from_node1, c2s);
  EXPECT_EQ(node0_is_client ? f->from_node1 : f->from_node0, s2c);
}

}  // namespace
}  // namespace glasstls::capture
