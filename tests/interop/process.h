// process.h: child processes for the interop tests.
//
// A Child runs a peer (openssl, gnutls-serv, the glasstls CLI) with its stdout and stderr in
// files of a temporary directory, and its stdin from a pipe, a file or /dev/null. Every wait is
// bounded by a timeout, and the destructor always kills and reaps the process, so a failing
// test never leaves a peer behind or hangs.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace glasstls::interop {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline bool write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

// find_program returns the full path of `name` on $PATH, or an empty string.
inline std::string find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  std::stringstream ss(dirs);
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return "";
}

// free_port asks the kernel for an unused TCP port on 127.0.0.1. Another process could take it
// before the caller binds it, which is unlikely enough for tests.
inline uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return 0;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    socklen_t len = sizeof(addr);
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port = ntohs(addr.sin_port);
    }
  }
  ::close(fd);
  return port;
}

// wait_port_open polls until something accepts TCP connections on 127.0.0.1:`port`.
inline bool wait_port_open(uint16_t port, milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    bool open = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    ::close(fd);
    if (open) {
      return true;
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
  return false;
}

// TempDir is a fresh directory removed with its contents on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "glasstls-interop-XXXXXX");
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) != nullptr) {
      path_ = buf.data();
    }
  }
  ~TempDir() {
    if (!path_.empty() && std::getenv("GLASSTLS_KEEP_TMP") == nullptr) {
      std::error_code ec;
      std::filesystem::remove_all(path_, ec);
    }
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

enum class StdinMode { kNull, kPipe, kFile };

// Child is one spawned process.
class Child {
 public:
  // spawn starts `argv` with stdout and stderr in `dir`/`tag`.out and `dir`/`tag`.err. With
  // kPipe, write_stdin()/close_stdin() feed it; with kFile, stdin reads `stdin_file`.
  static std::unique_ptr<Child> spawn(const std::vector<std::string>& argv, const std::string& dir,
                                      const std::string& tag, StdinMode mode = StdinMode::kNull,
                                      const std::string& stdin_file = "") {
    auto child = std::unique_ptr<Child>(new Child());
    child->tag_ = tag;
    child->out_path_ = dir + "/" + tag + ".out";
    child->err_path_ = dir + "/" + tag + ".err";
    child->command_ = join(argv);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    int pipe_fds[2] = {-1, -1};
    if (mode == StdinMode::kPipe) {
      if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return nullptr;
      }
      // dup2 clears FD_CLOEXEC on the child's fd 0.
      posix_spawn_file_actions_adddup2(&actions, pipe_fds[0], 0);
    } else {
      std::string in = mode == StdinMode::kFile ? stdin_file : "/dev/null";
      posix_spawn_file_actions_addopen(&actions, 0, in.c_str(), O_RDONLY, 0);
    }
    posix_spawn_file_actions_addopen(&actions, 1, child->out_path_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, child->err_path_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> args;
    for (const std::string& a : argv) {
      args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    pid_t pid = -1;
    int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (pipe_fds[0] >= 0) {
      ::close(pipe_fds[0]);
    }
    if (rc != 0) {
      if (pipe_fds[1] >= 0) {
        ::close(pipe_fds[1]);
      }
      return nullptr;
    }
    child->pid_ = pid;
    child->stdin_fd_ = pipe_fds[1];
    return child;
  }

  ~Child() {
    close_stdin();
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& command() const { return command_; }
  std::string out() const { return read_text(out_path_); }
  std::string err() const { return read_text(err_path_); }
  // log is a description of the child and everything it printed, for failure messages.
  std::string log() const {
    return "--- " + tag_ + ": " + command_ + "\n--- stdout:\n" + clip(out()) + "\n--- stderr:\n" +
           clip(err()) + "\n";
  }

  // write_stdin writes `text` to the child's stdin pipe. False if the pipe is closed.
  bool write_stdin(const std::string& text) {
    size_t done = 0;
    while (done < text.size()) {
      if (stdin_fd_ < 0) {
        return false;
      }
      ssize_t n = ::write(stdin_fd_, text.data() + done, text.size() - done);
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        return false;
      }
      done += static_cast<size_t>(n);
    }
    return true;
  }
  void close_stdin() {
    if (stdin_fd_ >= 0) {
      ::close(stdin_fd_);
      stdin_fd_ = -1;
    }
  }

  // wait_for polls until `pred(stdout, stderr)` holds, the child exits (one last look), or
  // `timeout` passes.
  bool wait_for(const std::function<bool(const std::string&, const std::string&)>& pred,
                milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    for (;;) {
      bool done = poll_exit();
      if (pred(out(), err())) {
        return true;
      }
      if (done || Clock::now() >= deadline) {
        return false;
      }
      std::this_thread::sleep_for(milliseconds(10));
    }
  }
  bool wait_for_out(const std::string& needle, milliseconds timeout) {
    return wait_for([&](const std::string& o,
                        const std::string&) { return o.find(needle) != std::string::npos; },
                    timeout);
  }
  bool wait_for_err(const std::string& needle, milliseconds timeout) {
    return wait_for([&](const std::string&,
                        const std::string& e) { return e.find(needle) != std::string::npos; },
                    timeout);
  }

  // wait_exit waits up to `timeout` for the child to exit and returns its exit status (128 +
  // the signal number if a signal ended it), or nullopt on timeout.
  std::optional<int> wait_exit(milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (!poll_exit()) {
      if (Clock::now() >= deadline) {
        return std::nullopt;
      }
      std::this_thread::sleep_for(milliseconds(5));
    }
    return status_;
  }

  // kill ends the child now and reaps it.
  void kill() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      exited_ = true;
      status_ = 128 + SIGKILL;
    }
  }

  bool running() { return !poll_exit(); }

 private:
  Child() = default;

  bool poll_exit() {
    if (exited_ || pid_ <= 0) {
      return true;
    }
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exited_ = true;
      status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    return exited_;
  }

  static std::string join(const std::vector<std::string>& argv) {
    std::string s;
    for (const std::string& a : argv) {
      if (!s.empty()) {
        s += ' ';
      }
      s += a;
    }
    return s;
  }

  static std::string clip(const std::string& text) {
    constexpr size_t kMax = 6000;
    if (text.size() <= kMax) {
      return text;
    }
    return text.substr(0, kMax / 2) + "\n[... " + std::to_string(text.size() - kMax) +
           " bytes ...]\n" + text.substr(text.size() - kMax / 2);
  }

  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  bool exited_ = false;
  int status_ = -1;
  std::string tag_;
  std::string command_;
  std::string out_path_;
  std::string err_path_;
};

// run runs `argv` to completion (bounded by `timeout`) and returns its exit status, or -1 if
// it could not start or timed out (it is killed then).
inline int run(const std::vector<std::string>& argv, const std::string& dir, const std::string& tag,
               milliseconds timeout, std::string* output = nullptr) {
  std::unique_ptr<Child> c = Child::spawn(argv, dir, tag);
  if (!c) {
    return -1;
  }
  std::optional<int> status = c->wait_exit(timeout);
  if (output != nullptr) {
    *output = c->out() + c->err();
  }
  if (!status) {
    c->kill();
    return -1;
  }
  return *status;
}

}  // namespace glasstls::interop
