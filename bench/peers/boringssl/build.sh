#!/bin/sh
# build.sh OUT_DIR: builds the BoringSSL peer of glasstls's benchmarks (main.cc) into OUT_DIR
# against Debian's android-libboringssl-dev and libbenchmark-dev, offline, and prints the
# executable's absolute path on its last line. Exits 3, with one line on stderr naming the
# package, when a package it needs is missing.
set -eu

if [ $# -ne 1 ]; then
  echo "usage: $0 OUT_DIR" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
out=$1

# Debian installs BoringSSL beside OpenSSL, under names of its own: headers in
# /usr/include/android/openssl, libraries in /usr/lib/<triplet>/android.
multiarch=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
inc=/usr/include/android
lib=/usr/lib/$multiarch/android

installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}
if ! installed android-libboringssl-dev || [ ! -f "$inc/openssl/is_boringssl.h" ] ||
  [ ! -e "$lib/libssl.so" ]; then
  echo "build.sh: android-libboringssl-dev is not installed (apt-get install android-libboringssl-dev)" >&2
  exit 3
fi
if [ ! -f /usr/include/benchmark/benchmark.h ]; then
  echo "build.sh: libbenchmark-dev is not installed (apt-get install libbenchmark-dev)" >&2
  exit 3
fi
if ! command -v g++ >/dev/null 2>&1; then
  echo "build.sh: g++ is not installed (apt-get install g++)" >&2
  exit 3
fi
version=$(dpkg-query -W -f='${Version}' android-libboringssl-dev)

mkdir -p "$out"
out=$(cd "$out" && pwd)
# -isystem $inc comes before the default system directories, so <openssl/...> is BoringSSL's, never OpenSSL's;
# -L$lib likewise makes -lssl -lcrypto BoringSSL's, and the rpath finds them at run time.
g++ -O2 -std=c++20 -Wall -Wextra -isystem "$inc" -DBORINGSSL_PEER_PACKAGE="\"$version\"" \
  "$here/main.cc" -o "$out/boringssl_peer" \
  -L"$lib" -Wl,-rpath,"$lib" -lbenchmark -lssl -lcrypto -lpthread >&2
echo "$out/boringssl_peer"
