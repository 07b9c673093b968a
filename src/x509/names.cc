// names.cc: reference identity validation and matching, and name constraints.
#include "x509/names.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "asn1/der.h"

namespace glasstls::x509 {

namespace {

Error reference_error(std::string_view name, std::string reason) {
  return make_error(ErrorKind::kBadConfig, AlertDescription::internal_error,
                    "reference name \"" + std::string(name) + "\" " + std::move(reason));
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equal_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); i++) {
    if (lower(a[i]) != lower(b[i])) {
      return false;
    }
  }
  return true;
}

bool ends_with_ignore_case(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && equal_ignore_case(s.substr(s.size() - suffix.size()), suffix);
}

bool label_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

// valid_label checks one label: 1..63 characters from label_char, no '-' at either end.
bool valid_label(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
    return false;
  }
  return std::all_of(label.begin(), label.end(), label_char);
}

std::vector<std::string_view> split_labels(std::string_view name) {
  std::vector<std::string_view> labels;
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    if (dot == std::string_view::npos) {
      labels.push_back(name.substr(start));
      return labels;
    }
    labels.push_back(name.substr(start, dot - start));
    start = dot + 1;
  }
}

// valid_presented_name checks a presented dNSName: labels as for reference names, no trailing
// dot, and a left-most label that may be exactly "*".
bool valid_presented_name(std::string_view name) {
  if (name.empty() || name.size() > 253) {
    return false;
  }
  std::vector<std::string_view> labels = split_labels(name);
  for (size_t i = 0; i < labels.size(); i++) {
    if (i == 0 && labels[i] == "*") {
      continue;
    }
    if (!valid_label(labels[i])) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<std::string> dns_name_problem(std::string_view name, bool allow_wildcard) {
  if (name.empty()) {
    return std::string("it is empty");
  }
  if (name.size() > 253) {
    return std::string("it is longer than 253 characters");
  }
  if (name.front() == '.') {
    return std::string("it begins with a dot");
  }
  std::vector<std::string_view> labels = split_labels(name);
  for (size_t i = 0; i < labels.size(); i++) {
    std::string_view label = labels[i];
    if (label.empty()) {
      return std::string("it has an empty label");
    }
    // A wildcard in the first label is for the matcher to judge (only "*" alone ever matches).
    if (allow_wildcard && i == 0 && label.find('*') != std::string_view::npos &&
        labels.size() > 1) {
      continue;
    }
    if (label.size() > 63) {
      return std::string("a label is longer than 63 characters");
    }
    for (char c : label) {
      if (c == '_') {
        return std::string("it contains an underscore, which host names cannot");
      }
      if (!label_char(c)) {
        return std::string("it contains a character other than letters, digits, '-' and '.'");
      }
    }
    if (label.front() == '-' || label.back() == '-') {
      return std::string("a label begins or ends with '-'");
    }
  }
  return std::nullopt;
}

namespace {

// rdns splits a DER Name into its RelativeDistinguishedName elements (whole SET encodings).
std::optional<std::vector<ByteView>> rdns(ByteView name) {
  DerReader top(name);
  DerReader seq;
  if (!top.sequence(seq).ok() || !top.empty()) {
    return std::nullopt;
  }
  std::vector<ByteView> out;
  while (!seq.empty()) {
    uint8_t t = 0;
    ByteView contents;
    ByteView tlv;
    if (!seq.read_any(t, contents, &tlv).ok() || t != tag::kSet) {
      return std::nullopt;
    }
    out.push_back(tlv);
  }
  return out;
}

bool same_bytes(ByteView a, ByteView b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

// wildcard_could_match reports whether the wildcard name "*.rest" could match a name inside
// the dNSName subtree `constraint`: the constraint is one label directly under `rest`.
bool wildcard_could_match(std::string_view name, std::string_view constraint) {
  if (name.size() < 2 || name.substr(0, 2) != "*.") {
    return false;
  }
  std::string_view rest = name.substr(2);
  if (!constraint.empty() && constraint.front() == '.') {
    // ".rest" covers every name below rest, and so every name the wildcard matches.
    return equal_ignore_case(constraint.substr(1), rest);
  }
  size_t dot = constraint.find('.');
  return dot != std::string_view::npos && dot > 0 &&
         equal_ignore_case(constraint.substr(dot + 1), rest);
}

std::string text_of(ByteView form_value) {
  return std::string(reinterpret_cast<const char*>(form_value.data()), form_value.size());
}

// email_parts splits a mailbox "local@domain" at its last '@'; nullopt when either part is
// empty or the domain is not a valid host name.
std::optional<std::pair<std::string_view, std::string_view>> email_parts(std::string_view email) {
  size_t at = email.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == email.size()) {
    return std::nullopt;
  }
  std::string_view domain = email.substr(at + 1);
  if (dns_name_problem(domain, false)) {
    return std::nullopt;
  }
  return std::make_pair(email.substr(0, at), domain);
}

// subject_email_addresses returns the emailAddress attributes (IA5String) of a DER Name.
std::vector<std::string_view> subject_email_addresses(ByteView name) {
  std::vector<std::string_view> out;
  std::optional<std::vector<ByteView>> sets = rdns(name);
  if (!sets) {
    return out;
  }
  for (ByteView set_tlv : *sets) {
    DerReader outer(set_tlv);
    DerReader set;
    if (!outer.nested(tag::kSet, set).ok()) {
      continue;
    }
    while (!set.empty()) {
      DerReader atv;
      ByteView type;
      uint8_t t = 0;
      ByteView value;
      if (!set.sequence(atv).ok() || !atv.read_oid(type).ok() || !atv.read_any(t, value).ok()) {
        break;
      }
      if (oid_equal(type, oid::kEmailAddress) && t == tag::kIa5String) {
        out.emplace_back(reinterpret_cast<const char*>(value.data()), value.size());
      }
    }
  }
  return out;
}

}  // namespace

Result<std::string> normalize_reference_dns_name(std::string_view name) {
  for (char c : name) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return reference_error(
          name, "is not ASCII: convert internationalized names to A-labels (xn--) first");
    }
  }
  std::string_view n = name;
  if (!n.empty() && n.back() == '.') {
    n.remove_suffix(1);
  }
  if (n.empty()) {
    return reference_error(name, "is empty");
  }
  if (n.size() > 253) {
    return reference_error(name, "is longer than 253 characters");
  }
  std::vector<std::string_view> labels = split_labels(n);
  for (std::string_view label : labels) {
    if (label.empty()) {
      return reference_error(name, "has an empty label");
    }
    if (!valid_label(label)) {
      return reference_error(name, "has an invalid label \"" + std::string(label) + "\"");
    }
  }
  std::string_view last = labels.back();
  if (std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return reference_error(name, "ends in an all-numeric label (an IP address is not a DNS name)");
  }
  std::string out(n);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

std::optional<Bytes> parse_ip_literal(std::string_view text) {
  if (text.empty() || text.size() > 45) {
    return std::nullopt;
  }
  std::string s(text);
  Bytes v4(4, 0);
  if (inet_pton(AF_INET, s.c_str(), v4.data()) == 1) {
    return v4;
  }
  Bytes v6(16, 0);
  if (inet_pton(AF_INET6, s.c_str(), v6.data()) == 1) {
    return v6;
  }
  return std::nullopt;
}

std::string ip_to_string(ByteView ip) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (ip.size() == 4 && inet_ntop(AF_INET, ip.data(), buf, sizeof(buf)) != nullptr) {
    return buf;
  }
  if (ip.size() == 16 && inet_ntop(AF_INET6, ip.data(), buf, sizeof(buf)) != nullptr) {
    return buf;
  }
  return "0x" + to_hex(ip);
}

bool dns_name_matches(std::string_view presented, std::string_view reference) {
  if (!valid_presented_name(presented)) {
    return false;
  }
  if (presented.substr(0, 2) != "*.") {
    return equal_ignore_case(presented, reference);
  }
  //= https://www.rfc-editor.org/rfc/rfc6125#section-6.4.3
  //# If the wildcard character is the only character of the left-most
  //# label in the presented identifier, the client SHOULD NOT compare
  //# against anything but the left-most label of the reference
  //# identifier (e.g., *.example.com would match foo.example.com but
  //# not bar.foo.example.com or example.com).
  std::string_view rest = presented.substr(2);
  // At least two labels after the wildcard: "*.com" would stand for every .com name.
  if (rest.find('.') == std::string_view::npos) {
    return false;
  }
  size_t dot = reference.find('.');
  if (dot == std::string_view::npos || dot == 0) {
    return false;
  }
  return equal_ignore_case(reference.substr(dot + 1), rest);
}

bool dns_name_in_subtree(std::string_view name, std::string_view constraint) {
  //= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.10
  //# DNS name restrictions are expressed as host.example.com.  Any DNS
  //# name that can be constructed by simply adding zero or more labels to
  //# the left-hand side of the name satisfies the name constraint.
  if (constraint.empty()) {
    return true;
  }
  if (constraint.front() == '.') {
    return name.size() > constraint.size() && ends_with_ignore_case(name, constraint);
  }
  if (equal_ignore_case(name, constraint)) {
    return true;
  }
  return name.size() > constraint.size() && ends_with_ignore_case(name, constraint) &&
         name[name.size() - constraint.size() - 1] == '.';
}

bool ip_in_subtree(ByteView ip, ByteView constraint) {
  if (constraint.size() != 2 * ip.size()) {
    return false;
  }
  for (size_t i = 0; i < ip.size(); i++) {
    uint8_t mask = constraint[ip.size() + i];
    if ((ip[i] & mask) != (constraint[i] & mask)) {
      return false;
    }
  }
  return true;
}

bool directory_name_in_subtree(ByteView name, ByteView constraint) {
  std::optional<std::vector<ByteView>> n = rdns(name);
  std::optional<std::vector<ByteView>> c = rdns(constraint);
  if (!n || !c || c->size() > n->size()) {
    return false;
  }
  for (size_t i = 0; i < c->size(); i++) {
    if (!same_bytes((*n)[i], (*c)[i])) {
      return false;
    }
  }
  return true;
}

bool email_in_subtree(std::string_view email, std::string_view constraint) {
  std::optional<std::pair<std::string_view, std::string_view>> parts = email_parts(email);
  if (!parts) {
    return false;
  }
  //= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.10
  //# To indicate a particular mailbox, the constraint is the complete mail address.
  size_t at = constraint.rfind('@');
  if (at != std::string_view::npos) {
    // The local part is compared exactly, the host ignoring case (RFC 5321 section 2.4).
    return parts->first == constraint.substr(0, at) &&
           equal_ignore_case(parts->second, constraint.substr(at + 1));
  }
  //# To specify any address within a domain, the constraint is specified with a leading
  //# period (as with URIs).
  if (!constraint.empty() && constraint.front() == '.') {
    return parts->second.size() > constraint.size() &&
           ends_with_ignore_case(parts->second, constraint);
  }
  //# To indicate all Internet mail addresses on a particular host, the constraint is specified
  //# as the host name.
  return equal_ignore_case(parts->second, constraint);
}

bool email_matches(std::string_view presented, std::string_view reference) {
  std::optional<std::pair<std::string_view, std::string_view>> p = email_parts(presented);
  std::optional<std::pair<std::string_view, std::string_view>> r = email_parts(reference);
  return p && r && p->first == r->first && equal_ignore_case(p->second, r->second);
}

const char* general_name_form_name(uint8_t form) {
  switch (form) {
    case general_name::kOtherName: return "otherName";
    case general_name::kRfc822Name: return "rfc822Name";
    case general_name::kDnsName: return "dNSName";
    case general_name::kX400Address: return "x400Address";
    case general_name::kDirectoryName: return "directoryName";
    case general_name::kEdiPartyName: return "ediPartyName";
    case general_name::kUri: return "uniformResourceIdentifier";
    case general_name::kIpAddress: return "iPAddress";
    case general_name::kRegisteredId: return "registeredID";
    default: return "unknown GeneralName";
  }
}

std::optional<std::string> name_constraint_violation(const NameConstraints& constraints,
                                                     const Certificate& cert, bool check_subject) {
  auto has_form = [](const std::vector<GeneralSubtree>& list, uint8_t form) {
    return std::any_of(list.begin(), list.end(),
                       [&](const GeneralSubtree& s) { return s.form == form; });
  };

  //= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.10
  //# If a name constraints extension that is marked as critical
  //# imposes constraints on a particular name form, and an instance of
  //# that name form appears in the subject field or subjectAltName
  //# extension of a subsequent certificate, then the application MUST
  //# either process the constraint or reject the certificate.
  for (const auto* list : {&constraints.permitted, &constraints.excluded}) {
    for (const GeneralSubtree& s : *list) {
      bool checked = s.form == general_name::kDnsName || s.form == general_name::kIpAddress ||
                     s.form == general_name::kDirectoryName || s.form == general_name::kRfc822Name;
      if (!checked && (cert.other_name_forms & (1u << s.form)) != 0) {
        return std::string("it has a subjectAltName ") + general_name_form_name(s.form) +
               " and glasstls cannot check the " + general_name_form_name(s.form) + " constraint";
      }
    }
  }

  // DNS names.
  for (std::string_view dns : cert.dns_names) {
    if (has_form(constraints.permitted, general_name::kDnsName)) {
      bool ok = std::any_of(
          constraints.permitted.begin(), constraints.permitted.end(), [&](const GeneralSubtree& s) {
            return s.form == general_name::kDnsName && dns_name_in_subtree(dns, text_of(s.base));
          });
      if (!ok) {
        return "dNSName \"" + std::string(dns) + "\" is outside the permitted subtrees";
      }
    }
    for (const GeneralSubtree& s : constraints.excluded) {
      if (s.form == general_name::kDnsName && (dns_name_in_subtree(dns, text_of(s.base)) ||
                                               wildcard_could_match(dns, text_of(s.base)))) {
        return "dNSName \"" + std::string(dns) + "\" is in the excluded subtree \"" +
               text_of(s.base) + "\"";
      }
    }
  }

  // Mail addresses: the rfc822Name entries, or without a subjectAltName the subject's
  // emailAddress attributes.
  //= https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.10
  //# When constraints are imposed on the rfc822Name name form, but the
  //# certificate does not include a subject alternative name, the
  //# rfc822Name constraint MUST be applied to the attribute of type
  //# emailAddress in the subject distinguished name.
  std::vector<std::string_view> emails = cert.email_addresses;
  if (!cert.has_subject_alt_name && check_subject) {
    emails = subject_email_addresses(cert.subject);
  }
  for (std::string_view email : emails) {
    if (has_form(constraints.permitted, general_name::kRfc822Name)) {
      bool ok = std::any_of(
          constraints.permitted.begin(), constraints.permitted.end(), [&](const GeneralSubtree& s) {
            return s.form == general_name::kRfc822Name && email_in_subtree(email, text_of(s.base));
          });
      if (!ok) {
        return "rfc822Name \"" + std::string(email) + "\" is outside the permitted subtrees";
      }
    }
    for (const GeneralSubtree& s : constraints.excluded) {
      if (s.form == general_name::kRfc822Name && email_in_subtree(email, text_of(s.base))) {
        return "rfc822Name \"" + std::string(email) + "\" is in the excluded subtree \"" +
               text_of(s.base) + "\"";
      }
    }
  }

  // IP addresses.
  for (ByteView ip : cert.ip_addresses) {
    if (has_form(constraints.permitted, general_name::kIpAddress)) {
      bool ok = std::any_of(
          constraints.permitted.begin(), constraints.permitted.end(), [&](const GeneralSubtree& s) {
            return s.form == general_name::kIpAddress && ip_in_subtree(ip, s.base);
          });
      if (!ok) {
        return "iPAddress " + ip_to_string(ip) + " is outside the permitted subtrees";
      }
    }
    for (const GeneralSubtree& s : constraints.excluded) {
      if (s.form == general_name::kIpAddress && ip_in_subtree(ip, s.base)) {
        return "iPAddress " + ip_to_string(ip) + " is in an excluded subtree";
      }
    }
  }

  // Directory names: the subject (unless empty) and directoryName entries.
  std::vector<ByteView> dirs;
  static constexpr uint8_t kEmptyName[] = {0x30, 0x00};
  if (check_subject && !same_bytes(cert.subject, kEmptyName)) {
    dirs.push_back(cert.subject);
  }
  for (ByteView d : cert.directory_names) {
    dirs.push_back(d);
  }
  for (ByteView d : dirs) {
    if (has_form(constraints.permitted, general_name::kDirectoryName)) {
      bool ok = std::any_of(
          constraints.permitted.begin(), constraints.permitted.end(), [&](const GeneralSubtree& s) {
            return s.form == general_name::kDirectoryName && directory_name_in_subtree(d, s.base);
          });
      if (!ok) {
        return "directoryName \"" + name_to_string(d) + "\" is outside the permitted subtrees";
      }
    }
    for (const GeneralSubtree& s : constraints.excluded) {
      if (s.form == general_name::kDirectoryName && directory_name_in_subtree(d, s.base)) {
        return "directoryName \"" + name_to_string(d) + "\" is in the excluded subtree \"" +
               name_to_string(s.base) + "\"";
      }
    }
  }
  return std::nullopt;
}

}  // namespace glasstls::x509
