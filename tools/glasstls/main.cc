// main.cc: the `glasstls` command dispatches to its subcommands.

#include <cstdio>
#include <cstring>
#include <string>

#include "common.h"
#include "explain.h"
#include "load.h"

namespace {

constexpr const char kUsage[] =
    "usage: glasstls <command> [options]\n"
    "\n"
    "commands:\n"
    "  client HOST:PORT   connect to a TLS 1.3 server and copy stdin/stdout over the connection\n"
    "  server             accept TLS 1.3 connections (echo, a small web page, or to stdout)\n"
    "  demo               run a client and a server in one process with a throwaway PKI and\n"
    "                     show the whole conversation byte by byte\n"
    "  verify CHAIN.pem   validate a certificate chain (system store or --cafile)\n"
    "  explain INPUT      show the TLS connections of a capture (pcap, pcapng) or record dump\n"
    "                     byte by byte, decrypted with --keylog FILE\n"
    "  load HOST:PORT     open and hold many concurrent connections to a loopback echo server\n"
    "\n"
    "Run `glasstls <command> --help` for the options of a command.\n";

}  // namespace

int main(int argc, char** argv) {
  glasstls::cli::install_signal_handlers();
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
      std::strcmp(argv[1], "help") == 0) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  std::string command = argv[1];
  if (command == "client") {
    return glasstls::cli::client_main(argc, argv);
  }
  if (command == "server") {
    return glasstls::cli::server_main(argc, argv);
  }
  if (command == "demo") {
    return glasstls::cli::demo_main(argc, argv);
  }
  if (command == "verify") {
    return glasstls::cli::verify_main(argc, argv);
  }
  if (command == "explain") {
    return glasstls::cli::explain_main(argc, argv);
  }
  if (command == "load") {
    return glasstls::cli::load_main(argc, argv);
  }
  std::fprintf(stderr, "glasstls: unknown command \"%s\"\n\n%s", command.c_str(), kUsage);
  return 2;
}
