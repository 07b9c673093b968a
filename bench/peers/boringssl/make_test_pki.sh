#!/bin/sh
# make_test_pki.sh DIR: writes a throwaway PKI in the layout the external peers read with
# --pki DIR, with the openssl command line, for trying a peer without glasstls_bench.
#
# For each key kind (ecdsa_p256, rsa2048, ed25519) it writes DIR/<key>/leaf.der (a leaf for
# "localhost", DER), DIR/<key>/ca.der (its CA, DER) and DIR/<key>/leaf.key.der (the leaf's
# private key, unencrypted PKCS#8 DER). As with glasstls's own test PKI, the CA has an ECDSA
# P-256 key and pathLenConstraint 0, the leaf names "localhost" as its common name and DNS name
# and allows serverAuth and clientAuth, and both are valid for one day from now (glasstls's own
# start one hour earlier). The keys
# are fresh on every run: keep DIR out of the repository.
set -eu

if [ $# -ne 1 ]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
dir=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/ca.cnf" <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = glasstls throwaway CA
[ca_ext]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[leaf_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:localhost
authorityKeyIdentifier = keyid
CNF

for key in ecdsa_p256 rsa2048 ed25519; do
  out="$dir/$key"
  mkdir -p "$out"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/ca.key" 2>/dev/null
  case $key in
    ecdsa_p256) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/leaf.key" ;;
    rsa2048) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/leaf.key" ;;
    ed25519) openssl genpkey -algorithm ED25519 -out "$work/leaf.key" ;;
  esac 2>/dev/null
  openssl req -new -key "$work/ca.key" -config "$work/ca.cnf" -out "$work/ca.csr"
  openssl x509 -req -in "$work/ca.csr" -signkey "$work/ca.key" -sha256 -days 1 \
    -set_serial "0x$(openssl rand -hex 16)" -extfile "$work/ca.cnf" -extensions ca_ext \
    -out "$work/ca.pem" 2>/dev/null
  openssl req -new -key "$work/leaf.key" -subj /CN=localhost -out "$work/leaf.csr"
  openssl x509 -req -in "$work/leaf.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -sha256 -days 1 -extfile "$work/ca.cnf" \
    -extensions leaf_ext -out "$work/leaf.pem" 2>/dev/null
  openssl x509 -in "$work/ca.pem" -outform DER -out "$out/ca.der"
  openssl x509 -in "$work/leaf.pem" -outform DER -out "$out/leaf.der"
  openssl pkcs8 -topk8 -nocrypt -in "$work/leaf.key" -outform DER -out "$out/leaf.key.der"
done
echo "$dir"
