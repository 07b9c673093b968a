// names.h: reference identities (RFC 6125 / RFC 9525) and name constraints (RFC 5280
// section 4.2.1.10).
//
// Name matching follows the WebPKI rules, like rustls-webpki and Go crypto/x509:
//   - DNS names are matched only against subjectAltName dNSName entries, never against the
//     subject's Common Name; the comparison ignores ASCII case.
//   - A presented wildcard is the whole left-most label ("*.example.com") and stands for exactly
//     one non-empty label; at least two labels must follow it, so "*.com" matches nothing.
//     Partial wildcards ("f*.example.com", "*a.example.com") and wildcards elsewhere match nothing.
//   - IP addresses are matched only against iPAddress entries, byte for byte.
//   - Internationalized names are compared as A-labels: a reference name must be ASCII (a caller
//     with a U-label converts it first); glasstls does not run IDNA itself.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "x509/certificate.h"

namespace glasstls::x509 {

// normalize_reference_dns_name validates a reference DNS name (the name the client meant to
// reach) and returns it in lower case without its trailing dot. It must be 1 to 253 ASCII
// characters (one trailing dot allowed), with labels of 1 to 63 letters, digits, '-' or '_',
// not beginning or ending with '-', and a last label that is not all digits (that would be an
// IPv4 literal). Fails with kBadConfig (the name is the caller's input) naming the rule.
Result<std::string> normalize_reference_dns_name(std::string_view name);

// parse_ip_literal parses an IPv4 dotted quad or an IPv6 literal (RFC 4291 section 2.2, no
// brackets, no zone) into 4 or 16 bytes; nullopt when `text` is neither.
std::optional<Bytes> parse_ip_literal(std::string_view text);

// ip_to_string renders 4 or 16 address bytes as text ("192.0.2.1", "2001:db8::1").
std::string ip_to_string(ByteView ip);

// dns_name_matches reports whether the presented identifier `presented` (a subjectAltName
// dNSName) matches `reference`, a name returned by normalize_reference_dns_name. Malformed
// presented identifiers match nothing.
bool dns_name_matches(std::string_view presented, std::string_view reference);

// dns_name_in_subtree reports whether `name` lies within the dNSName constraint `constraint`:
// the constraint itself or a name made by adding labels on its left, ignoring case. A
// constraint beginning with '.' matches only names below it; an empty constraint matches all.
bool dns_name_in_subtree(std::string_view name, std::string_view constraint);

// ip_in_subtree reports whether `ip` (4 or 16 bytes) lies in the iPAddress constraint
// `constraint` (address then mask: 8 or 32 bytes). Addresses of the other family never match.
bool ip_in_subtree(ByteView ip, ByteView constraint);

// directory_name_in_subtree reports whether the DER Name `name` lies within the DER Name
// `constraint`: the constraint's RDNs are a prefix of the name's RDNs, each compared byte for
// byte (RFC 5280 section 7.1 allows more lenient comparison; byte equality is what CAs encode).
bool directory_name_in_subtree(ByteView name, ByteView constraint);

// dns_name_problem says what is wrong with a dNSName found in a certificate (a subjectAltName
// entry or a nameConstraints subtree), or nullopt when it is a well-formed host name: 1 to 253
// characters, labels of 1 to 63 letters, digits and '-' (not at either end), no leading dot, no
// empty label, no underscore. With `allow_wildcard` the left-most label may hold '*' (followed
// by at least one label): whether it matches anything is dns_name_matches's decision.
std::optional<std::string> dns_name_problem(std::string_view name, bool allow_wildcard);

// email_in_subtree reports whether the mailbox `email` ("local@host") lies within the
// rfc822Name constraint `constraint` (RFC 5280 section 4.2.1.10): a whole mailbox (local part
// compared exactly, host ignoring case), a host ("example.com": every mailbox at that host) or a
// domain (".example.com": every mailbox at a host below it). A malformed mailbox lies nowhere.
bool email_in_subtree(std::string_view email, std::string_view constraint);

// email_matches reports whether the presented rfc822Name `presented` is the mailbox `reference`
// (local parts equal, hosts equal ignoring case).
bool email_matches(std::string_view presented, std::string_view reference);

// name_constraint_violation checks the names of `cert` against `constraints` and returns the
// first violation as a sentence, or nullopt when they comply:
//   - every subjectAltName dNSName and iPAddress, and (with `check_subject`) the subject Name
//     and every directoryName, must lie in a permitted subtree of its form when the constraint
//     lists any for that form, and in no excluded subtree; a wildcard dNSName is excluded when
//     it could match an excluded name;
//   - every rfc822Name (or, without a subjectAltName and with `check_subject`, every subject
//     emailAddress attribute) likewise against the rfc822Name subtrees;
//   - a constraint on a form glasstls does not check (URI, otherName, ...) fails
//     when `cert` has a subjectAltName entry of that form (RFC 5280 section 4.2.1.10: "the
//     application MUST either process the constraint or reject the certificate").
std::optional<std::string> name_constraint_violation(const NameConstraints& constraints,
                                                     const Certificate& cert, bool check_subject);

// general_name_form_name spells a GeneralName form ("dNSName", "iPAddress", ...).
const char* general_name_form_name(uint8_t form);

}  // namespace glasstls::x509
