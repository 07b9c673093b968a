// annotate_fuzzer.cc: arbitrary bytes through the handshake annotator.
//
// annotate_handshake_message must never crash or read out of bounds, and whatever it returns
// must obey the structural rules of annotate_check.h: children inside their parent, siblings in
// order without overlap, every input byte covered by exactly one leaf, and every node named and
// explained. Each input is annotated with TLS 1.3's layouts and with TLS 1.2's, for an ECDHE
// and a DHE suite (the layouts of ServerKeyExchange and ClientKeyExchange). The record header and
// alert annotators get the same treatment on the input's first bytes, and the whole input is also
// decoded as the DER certificate of a Certificate message (decode_certificate), whose fields must
// tile it. Any violation aborts, so that libFuzzer reports it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>

#include "glasstls/trace.h"
#include "msgs/walk.h"
#include "testing/annotate_check.h"
#include "trace/annotate_internal.h"
#include "trace/annotate_tree.h"

namespace {

void check(const glasstls::TraceField& root, size_t size, const char* what) {
  const std::string broken = glasstls::annotate::check_tree(root, size);
  if (!broken.empty()) {
    std::fprintf(stderr, "%s: %s\n", what, broken.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  check(glasstls::annotate_handshake_message(input), size, "annotate_handshake_message");
  using glasstls::msgs::KeyExchangeKind;
  for (KeyExchangeKind kx : {KeyExchangeKind::kEcdhe, KeyExchangeKind::kDhe}) {
    const glasstls::msgs::WalkContext tls12{glasstls::ProtocolVersion::TLSv1_2, kx};
    check(glasstls::annotate::annotate_handshake_message(input, tls12), size,
          "annotate_handshake_message (TLS 1.2)");
  }
  const std::span<const uint8_t> header = input.first(size < 5 ? size : 5);
  check(glasstls::annotate_record_header(header), header.size(), "annotate_record_header");
  const std::span<const uint8_t> alert = input.first(size < 2 ? size : 2);
  check(glasstls::annotate_alert(alert), alert.size(), "annotate_alert");
  glasstls::TraceField cert =
      glasstls::annotate::leaf("certificate", 0, size, "", "", "a DER certificate");
  size_t budget = glasstls::annotate::kCertificateViewMaxFields;
  glasstls::annotate::decode_certificate(cert, input, budget);
  check(cert, size, "decode_certificate");
  return 0;
}
