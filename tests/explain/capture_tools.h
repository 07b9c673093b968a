// capture_tools.h: what the tests that capture real TLS sessions on loopback share: starting and
// stopping the capture tool, and reading tshark's hex output.
#pragma once

#include <signal.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "base/bytes.h"
#include "interop/process.h"

namespace glasstls::capture_tools {

using interop::Child;
using interop::find_program;
using interop::TempDir;
using std::chrono::milliseconds;

// unhex_line reads a line of hex digits (tshark's "follow,raw" output) into bytes.
inline Bytes unhex_line(const std::string& hex) {
  Bytes out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// start_capture starts dumpcap, or else tcpdump, on loopback for one port, and returns once it
// captures; null when neither can. It waits for dumpcap's "File: " line, which dumpcap prints
// once its packet socket is bound and filtered (its "Capturing on" line comes before the socket
// exists, and on a busy machine a session started then lost its first packets). tcpdump runs in
// immediate mode: otherwise libpcap hands it packets a buffer at a time, at the latest after a
// second, and a shorter session ends before tcpdump has seen a packet. tcpdump prints
// "listening on" after its filter is attached.
inline std::unique_ptr<Child> start_capture(const TempDir& dir, uint16_t port,
                                            const std::string& file) {
  const std::string filter = "tcp port " + std::to_string(port);
  const std::string dumpcap = find_program("dumpcap");
  if (!dumpcap.empty()) {
    auto c = Child::spawn({dumpcap, "-i", "lo", "-f", filter, "-w", file, "-a", "duration:60"},
                          dir.path(), "dumpcap");
    if (c && c->wait_for_err("File: ", milliseconds(10000))) {
      return c;
    }
  }
  const std::string tcpdump = find_program("tcpdump");
  if (!tcpdump.empty()) {
    auto c = Child::spawn({tcpdump, "-i", "lo", "--immediate-mode", "-U", "-w", file, filter},
                          dir.path(), "tcpdump");
    if (c && c->wait_for_err("listening on", milliseconds(10000))) {
      return c;
    }
  }
  return nullptr;
}

// stop_capture lets the last packets reach the capture tool, then stops it (SIGINT, which makes
// it write out what it holds), killing it if it does not end.
inline void stop_capture(Child& capturer) {
  std::this_thread::sleep_for(milliseconds(500));
  ::kill(capturer.pid(), SIGINT);
  if (!capturer.wait_exit(milliseconds(10000)).has_value()) {
    capturer.kill();
  }
}

// TsharkFollow is what `tshark -z follow,tls,raw,0` printed: the first node's address and the
// decrypted bytes each node sent.
struct TsharkFollow {
  std::string node0;
  Bytes from0;
  Bytes from1;
};

inline TsharkFollow parse_tshark_follow(const std::string& text) {
  TsharkFollow f;
  std::istringstream follow(text);
  std::string line;
  bool in_data = false;
  while (std::getline(follow, line)) {
    if (line.rfind("Node 0: ", 0) == 0) {
      f.node0 = line.substr(8);
    } else if (line.rfind("Node 1: ", 0) == 0) {
      in_data = true;
    } else if (line.rfind("=====", 0) == 0) {
      in_data = false;
    } else if (in_data && !line.empty()) {
      Bytes b = unhex_line(line[0] == '\t' ? line.substr(1) : line);
      Bytes& to = line[0] == '\t' ? f.from1 : f.from0;
      to.insert(to.end(), b.begin(), b.end());
    }
  }
  return f;
}

}  // namespace glasstls::capture_tools
