// extension_readers_b.h: the readers of extension bodies shared by their strict decoders
// (extensions.cc) and their walkers for the illustrated view (extension_walk_b.cc). Internal to
// src/msgs/.
//
// Each reads one extension body through `r`. Strict (no sink), it fails with the alert and the
// reason its decoder always gave, in the same order of checks, and rejects trailing bytes.
// Reporting, it reports every field under the names of the RFC's structs and goes on past what
// it would reject (fields.h); the extension block reader reports what it leaves unread.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "msgs/fields.h"
#include "msgs/handshake.h"

namespace glasstls::msgs::detail {

// read_empty_body reads the body of an extension whose presence is the message (early_data
// in ClientHello and EncryptedExtensions, post_handshake_auth): it must be empty. `what`
// names the extension.
Status read_empty_body(FieldReader& r, std::string_view what);

// read_supported_versions reads a ClientHello supported_versions body (versions<2..254>).
Result<std::vector<uint16_t>> read_supported_versions(FieldReader& r);
// read_selected_version reads a ServerHello supported_versions body.
Result<uint16_t> read_selected_version(FieldReader& r);

// read_client_shares reads a ClientHello key_share body (client_shares<0..2^16-1>).
Result<std::vector<KeyShareEntry>> read_client_shares(FieldReader& r);
// read_server_share reads a ServerHello key_share body (server_share).
Result<KeyShareEntry> read_server_share(FieldReader& r);
// read_selected_group reads a HelloRetryRequest key_share body (selected_group).
Result<NamedGroup> read_selected_group(FieldReader& r);

// read_psk_key_exchange_modes reads a ClientHello psk_key_exchange_modes body.
Result<std::vector<uint8_t>> read_psk_key_exchange_modes(FieldReader& r);

// read_cookie reads a cookie body, of a ClientHello when `client_hello`, else of a
// HelloRetryRequest (the two decoders word their errors differently).
Result<ByteView> read_cookie(FieldReader& r, bool client_hello);

// read_max_early_data_size reads a NewSessionTicket early_data body.
Result<uint32_t> read_max_early_data_size(FieldReader& r);

// read_certificate_authorities reads a certificate_authorities body.
Result<std::vector<ByteView>> read_certificate_authorities(FieldReader& r);

// read_offered_psks reads a ClientHello pre_shared_key body (OfferedPsks). With `out`, the
// identities and binders are kept there (views into the body).
Status read_offered_psks(FieldReader& r, OfferedPsks* out = nullptr);
// read_selected_identity reads a ServerHello pre_shared_key body.
Result<uint16_t> read_selected_identity(FieldReader& r);

// read_ec_point_formats reads an ec_point_formats body (RFC 8422 section 5.1.2,
// ec_point_format_list<1..2^8-1>).
Result<std::vector<uint8_t>> read_ec_point_formats(FieldReader& r);

// read_renegotiation_info reads a renegotiation_info body (RFC 5746 section 3.2) and returns
// renegotiated_connection.
Result<ByteView> read_renegotiation_info(FieldReader& r);

// read_session_ticket reads a session_ticket body (RFC 5077 section 3.2): the ticket itself,
// or nothing.
ByteView read_session_ticket(FieldReader& r);

}  // namespace glasstls::msgs::detail
