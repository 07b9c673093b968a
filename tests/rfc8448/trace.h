// trace.h: reads the labelled hex values of an RFC 8448 section from the RFC text itself, so
// the known answers are the RFC's bytes and not a transcription of them. The text of section 3
// is in the repository, unchanged, at tests/data/rfc8448-simple-1rtt.txt.
#pragma once

#include <cstdint>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace glasstls::testing {

// rfc8448_simple_1rtt_path is the in-repository copy of RFC 8448 section 3, "Simple 1-RTT
// Handshake" (its heading is "3.  Simple 1-RTT Handshake").
inline std::string rfc8448_simple_1rtt_path() {
  return std::string(GLASSTLS_SOURCE_DIR) + "/tests/data/rfc8448-simple-1rtt.txt";
}

struct TraceValue {
  std::string step;   // e.g. {server}  derive secret "tls13 c hs traffic":
  std::string label;  // e.g. expanded
  std::vector<uint8_t> bytes;
};

// load_rfc8448_section returns every "label (N octets): hex" value between the heading that
// starts with `section_heading` and the next top-level heading.
inline std::vector<TraceValue> load_rfc8448_section(const std::string& path,
                                                    const std::string& section_heading) {
  std::ifstream in(path);
  std::vector<TraceValue> out;
  std::string line;
  bool inside = false;
  std::string step;
  std::optional<TraceValue> current;
  size_t want = 0;
  static const std::regex kHeading(R"(^\d+\.  \S)");
  static const std::regex kField(R"(^\s+([A-Za-z][A-Za-z ]*?) \((\d+) octets\):\s*(.*)$)");
  static const std::regex kHexLine(R"(^\s+([0-9a-f]{2}( [0-9a-f]{2})*)\s*$)");
  auto add_hex = [&](const std::string& text) {
    std::istringstream ss(text);
    std::string tok;
    while (ss >> tok && current && current->bytes.size() < want) {
      current->bytes.push_back(static_cast<uint8_t>(std::stoul(tok, nullptr, 16)));
    }
    if (current && current->bytes.size() == want) {
      out.push_back(*current);
      current.reset();
    }
  };
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    if (std::regex_search(line, kHeading)) {
      if (inside) {
        break;
      }
      inside = line.rfind(section_heading, 0) == 0;
      continue;
    }
    if (!inside) {
      continue;
    }
    if (line.rfind("   {", 0) == 0) {
      step = line.substr(3);
      continue;
    }
    std::smatch m;
    if (std::regex_match(line, m, kField)) {
      current = TraceValue{step, m[1].str(), {}};
      want = std::stoul(m[2].str());
      if (want == 0) {
        out.push_back(*current);
        current.reset();
        continue;
      }
      add_hex(m[3].str());
      continue;
    }
    if (current && std::regex_match(line, m, kHexLine)) {
      add_hex(m[1].str());
    }
  }
  return out;
}

// find_value returns the bytes of `label` in the first step containing `step_part`.
inline std::vector<uint8_t> find_value(const std::vector<TraceValue>& values,
                                       const std::string& step_part, const std::string& label) {
  for (const auto& v : values) {
    if (v.step.find(step_part) != std::string::npos && v.label == label) {
      return v.bytes;
    }
  }
  return {};
}

}  // namespace glasstls::testing
