#!/usr/bin/env bash
# build.sh OUT_DIR: build the rustls peer of glasstls_bench offline, from Debian's packaged
# crates only (/usr/share/cargo/registry, filled by librust-*-dev), with Debian's cargo and rustc.
# Prints the peer's absolute path on its last line. Exits 3, naming the package, when one is
# missing. Nothing is written outside OUT_DIR.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:?usage: build.sh OUT_DIR}
registry=/usr/share/cargo/registry

need() {  # need PATH PACKAGE: exit 3 if PATH (a glob) matches nothing.
  compgen -G "$1" >/dev/null || { echo "rustls peer: missing package $2" >&2; exit 3; }
}
need /usr/bin/cargo cargo
need /usr/bin/rustc rustc
need "$registry/rustls-0.20.*" librust-rustls-dev
need "$registry/libc-0.2.*" librust-libc-dev

mkdir -p "$out"
out=$(cd "$out" && pwd)
# The crate is built from a copy in OUT_DIR, so that Cargo.lock and target/ stay out of the
# source tree; crates.io is replaced by Debian's directory source, and cargo stays offline.
crate=$out/crate
mkdir -p "$crate/src" "$crate/.cargo" "$out/cargo-home"
cp "$here/Cargo.toml" "$crate/"
cp "$here"/src/*.rs "$crate/src/"
cat >"$crate/.cargo/config.toml" <<CONFIG
[source.crates-io]
replace-with = "debian"

[source.debian]
directory = "$registry"

[net]
offline = true
CONFIG

cd "$crate"
export CARGO_HOME=$out/cargo-home RUSTC=/usr/bin/rustc CARGO_TARGET_DIR=$out/target
/usr/bin/cargo generate-lockfile --offline --quiet >&2
version() {  # version CRATE: its version in Cargo.lock.
  awk -v n="$1" '$0 == "name = \"" n "\"" { getline; gsub(/version = |"/, ""); print; exit }' \
    Cargo.lock
}
GLASSTLS_RUSTLS_VERSION="$(version rustls) (ring $(version ring), $(/usr/bin/rustc --version))"
export GLASSTLS_RUSTLS_VERSION
/usr/bin/cargo build --offline --release --quiet >&2
echo "$out/target/release/glasstls-bench-rustls"
