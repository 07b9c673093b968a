// extension_readers_a.h: the readers of extension bodies (first half) that the strict decoders
// of extensions.cc and the walkers of extension_walk_a.cc share, so that the view shows what the
// parser reads. Internal to src/msgs/.
//
// Each reads through a FieldReader (fields.h): strict, it fails with the alert and the reason
// the decoder always gave, checking in the same order; reporting, it reports every field under
// the names of the RFC's structs and goes on past what it rejects. None checks for bytes left
// after what it reads, unless the strict decoder did. (read_empty_body, which server_name,
// encrypt_then_mac and extended_master_secret use too, is in extension_readers_b.h.)
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "msgs/fields.h"
#include "msgs/handshake.h"

namespace glasstls::msgs::detail {

// read_server_name_list reads a ClientHello server_name body (RFC 6066 section 3), the
// ServerNameList, and returns its host_name entry.
Result<std::optional<std::string_view>> read_server_name_list(FieldReader& r);

// read_status_request reads a CertificateStatusRequest (RFC 6066 section 8). The request of
// a status type other than ocsp is reported as the field "request" and not checked.
Result<CertificateStatusRequest> read_status_request(FieldReader& r);

// read_certificate_status reads a CertificateEntry's status_request body, a CertificateStatus
// (RFC 6066 section 8, RFC 8446 section 4.4.2.1), and returns its OCSPResponse.
Result<ByteView> read_certificate_status(FieldReader& r);

// read_signature_scheme_list reads a signature_algorithms or signature_algorithms_cert body,
// a SignatureSchemeList (RFC 8446 section 4.2.3); `what` names the extension in errors.
Result<std::vector<SignatureScheme>> read_signature_scheme_list(FieldReader& r,
                                                                std::string_view what);

// read_protocol_name_list reads a ProtocolNameList (RFC 7301 section 3.1) as the vector `name`
// and returns the names. With `exactly_one` (a server's answer), a list that does not hold
// exactly one name is a decode_error.
Result<std::vector<std::string_view>> read_protocol_name_list(FieldReader& r, std::string_view name,
                                                              bool exactly_one);

}  // namespace glasstls::msgs::detail
