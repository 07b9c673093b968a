// pem.h: the textual encoding of RFC 7468 ("-----BEGIN CERTIFICATE-----" ...).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace glasstls::x509 {

// PemBlock is one decoded block: its label ("CERTIFICATE", "PRIVATE KEY", ...) and the bytes of
// its base64 body. It owns its data.
struct PemBlock {
  std::string label;
  Bytes der;
};

// pem_decode returns the blocks of `text` in order. Text outside blocks is ignored (comments,
// `openssl x509 -text` output). Inside a block only base64 lines are allowed: the alphabet of
// RFC 4648 section 4, padding only at the end, canonical (zero) trailing bits, lines separated
// by LF or CRLF with leading and trailing spaces or tabs ignored. Returns an empty vector when
// there are no blocks. Fails with ErrorKind::kBadConfig (PEM comes from local files, never from
// the peer) on a BEGIN without a matching END, an END without a BEGIN, mismatched labels,
// encapsulated headers (legacy encrypted PEM), bad base64 or an empty body; the reason names the
// line.
Result<std::vector<PemBlock>> pem_decode(std::string_view text);

// pem_encode renders `der` as one block labelled `label`, base64 in lines of 64 characters,
// ending with a newline.
std::string pem_encode(std::string_view label, ByteView der);

// read_local_file reads a whole local file (a trust store, CRLs) of at most 64 MiB. Fails with
// ErrorKind::kBadConfig, the reason starting with `what` ("trust store: cannot open PATH").
Result<std::string> read_local_file(const std::string& path, std::string_view what);

// base64_encode and base64_decode are the standard alphabet with padding (RFC 4648 section 4).
// base64_decode is strict: no whitespace, length a multiple of 4, padding only at the end and
// zero padding bits; it returns nullopt otherwise.
std::string base64_encode(ByteView data);
std::optional<Bytes> base64_decode(std::string_view text);

}  // namespace glasstls::x509
