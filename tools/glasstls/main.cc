// main.cc: the `glasstls` command dispatches to its subcommands.

#include <openssl/crypto.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "common.h"
#include "explain.h"
#include "glasstls/crypto.h"
#include "load.h"

// GLASSTLS_VERSION is meant to come from the build (the CMake project version); the constant
// below only stands in when the build does not define it.
#ifndef GLASSTLS_VERSION
#define GLASSTLS_VERSION "0.1.0"
#endif

namespace {

constexpr const char kUsage[] =
    "usage: glasstls <command> [options]\n"
    "\n"
    "commands:\n"
    "  client HOST:PORT   connect to a TLS 1.3 or 1.2 server and copy stdin/stdout over the\n"
    "                     connection\n"
    "  server             accept TLS 1.3 and 1.2 connections (echo, a small web page, or to\n"
    "                     stdout)\n"
    "  demo               run a client and a server in one process with a throwaway PKI and\n"
    "                     show the whole conversation byte by byte\n"
    "  verify CHAIN.pem   validate a certificate chain (system store or --cafile)\n"
    "  explain INPUT      show the TLS connections of a capture (pcap, pcapng) or record dump\n"
    "                     byte by byte, decrypted with --keylog FILE\n"
    "  load HOST:PORT     open and hold many concurrent connections to a loopback echo server\n"
    "  version            print the version of glasstls and of the libcrypto it runs with\n"
    "                     (also --version)\n"
    "\n"
    "Run `glasstls <command> --help` for the options of a command.\n";

// print_version names this build and the OpenSSL libcrypto loaded at run time, which is the one
// doing the cryptography (it may be newer than the headers glasstls was built with), and which
// library computes X25519 and Ed25519.
int print_version() {
  std::printf("glasstls %s\n", GLASSTLS_VERSION);
  std::printf("libcrypto: %s\n", OpenSSL_version(OPENSSL_VERSION));
  if (OpenSSL_version_num() != OPENSSL_VERSION_NUMBER) {
    std::printf("built with: %s\n", OPENSSL_VERSION_TEXT);
  }
  // X25519 comes from libsodium when this build has it, unless GLASSTLS_X25519=openssl.
  const glasstls::crypto::KxGroup* sodium = glasstls::crypto::sodium_x25519();
  std::printf("x25519: %s\n",
              sodium != nullptr && glasstls::crypto::default_provider().x25519 == sodium
                  ? "libsodium"
                  : "libcrypto");
  // Ed25519 too, unless GLASSTLS_ED25519=openssl.
  const glasstls::crypto::SignatureVerifier* verifier = glasstls::crypto::sodium_verifier();
  std::printf("ed25519: %s\n",
              verifier != nullptr && glasstls::crypto::default_provider().verifier == verifier
                  ? "libsodium"
                  : "libcrypto");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  glasstls::cli::install_signal_handlers();
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
      std::strcmp(argv[1], "help") == 0) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  std::string command = argv[1];
  if (command == "--version" || command == "version") {
    return print_version();
  }
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
  bool option = command.size() > 1 && command[0] == '-';
  std::string message = (option ? "unknown option " : "unknown command ") + command;
  std::string near = glasstls::cli::closest_name(
      command, option ? std::vector<std::string>{"--help", "--version"}
                      : std::vector<std::string>{"client", "server", "demo", "verify", "explain",
                                                 "load", "version"});
  if (!near.empty()) {
    message += "; did you mean " + near + "?";
  }
  std::fprintf(stderr, "glasstls: %s\nRun `glasstls --help` for the commands.\n", message.c_str());
  return 2;
}
