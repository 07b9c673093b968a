// der_fuzzer.cc: walks arbitrary input as a DER tree and checks that every element the strict
// reader accepts re-encodes to exactly the bytes it came from (DER is canonical).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "asn1/der.h"

namespace {

using glasstls::Bytes;
using glasstls::ByteView;
using glasstls::x509::DerReader;
using glasstls::x509::DerWriter;

void check(bool ok) {
  if (!ok) {
    abort();
  }
}

void walk(DerReader& r, int depth) {
  while (!r.empty()) {
    uint8_t t = 0;
    ByteView contents;
    ByteView tlv;
    if (!r.read_any(t, contents, &tlv).ok()) {
      return;
    }
    // Round trip: minimal lengths mean the writer reproduces the element byte for byte.
    DerWriter w;
    w.add(t, contents);
    ByteView again = w.view();
    check(again.size() == tlv.size() && memcmp(again.data(), tlv.data(), tlv.size()) == 0);

    DerReader inner(contents);
    int64_t seconds = 0;
    ByteView v;
    uint8_t unused = 0;
    bool b = false;
    uint64_t u = 0;
    DerReader typed(tlv);
    switch (t) {
      case glasstls::x509::tag::kInteger:
        if (typed.read_integer(v).ok()) {
          (void)DerReader(tlv).read_uint64(u).ok();
        }
        break;
      case glasstls::x509::tag::kBoolean: (void)typed.read_bool(b).ok(); break;
      case glasstls::x509::tag::kOid:
        if (typed.read_oid(v).ok()) {
          std::string dotted = glasstls::x509::oid_to_string(v);
          auto enc = glasstls::x509::oid_from_string(dotted);
          // Every OID with arcs that fit 64 bits round-trips through its dotted form.
          if (dotted != "<invalid OID>") {
            check(enc.ok() && enc->size() == v.size() &&
                  memcmp(enc->data(), v.data(), v.size()) == 0);
          }
        }
        break;
      case glasstls::x509::tag::kBitString: (void)typed.read_bit_string(v, unused).ok(); break;
      case glasstls::x509::tag::kUtcTime:
      case glasstls::x509::tag::kGeneralizedTime:
        if (typed.read_time(seconds).ok()) {
          // A valid time re-encodes (through the RFC 5280 choice) to a time with the same value.
          DerWriter tw;
          tw.add_time(seconds);
          check(!tw.failed());
          DerReader back(tw.view());
          int64_t again_seconds = 0;
          check(back.read_time(again_seconds).ok() && again_seconds == seconds);
        }
        break;
      default: break;
    }
    if ((t & 0x20) != 0 && depth < 32) {
      walk(inner, depth + 1);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  DerReader r(ByteView(data, size));
  walk(r, 0);
  return 0;
}
