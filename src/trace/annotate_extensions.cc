// annotate_extensions.cc: the wording of extension blocks (the extensions as
// msgs::read_extension_block reports them) and the dispatch of each body to its describer
// (annotate_extension_a.cc, annotate_extension_b.cc). A body no walker reads (GREASE, a type
// glasstls does not know) is shown as its bytes.
#include <algorithm>

#include "trace/annotate_internal.h"
#include "trace/annotate_tree.h"

namespace glasstls::annotate {
namespace {

using msgs::ExtensionContext;

std::string_view context_name(ExtensionContext context) {
  switch (context) {
    case ExtensionContext::kClientHello: return "ClientHello";
    case ExtensionContext::kServerHello: return "ServerHello";
    case ExtensionContext::kHelloRetryRequest: return "HelloRetryRequest";
    case ExtensionContext::kEncryptedExtensions: return "EncryptedExtensions";
    case ExtensionContext::kCertificate: return "Certificate";
    case ExtensionContext::kCertificateRequest: return "CertificateRequest";
    case ExtensionContext::kNewSessionTicket: return "NewSessionTicket";
  }
  return "this message";
}

std::string block_explanation(ExtensionContext context) {
  switch (context) {
    case ExtensionContext::kClientHello:
      return "extensions: a list of (type, length, data); TLS 1.3 negotiates most of its "
             "parameters here";
    case ExtensionContext::kServerHello:
    case ExtensionContext::kHelloRetryRequest:
      return "extensions: the server's answers that are needed to compute the handshake keys";
    case ExtensionContext::kEncryptedExtensions:
      return "extensions: the server's answers that are not needed for the keys, sent encrypted";
    case ExtensionContext::kCertificate:
      return "extensions: data about this certificate, such as OCSP status or SCTs";
    case ExtensionContext::kCertificateRequest:
      return "extensions: what the client certificate must satisfy; signature_algorithms is "
             "required";
    case ExtensionContext::kNewSessionTicket:
      return "extensions: properties of the ticket, such as early_data";
  }
  return "extensions: a list of (type, length, data)";
}

constexpr std::string_view kUnknownExplanation =
    "extension_data of an extension glasstls does not know, shown undecoded";

}  // namespace

void describe_extension_data(Node& data, ExtensionType type, ExtensionContext context) {
  if (!describe_extension_data_a(data, type, context)) {
    describe_extension_data_b(data, type, context);
  }
  if (data.field.explanation.empty()) {
    data.field.explanation = std::string(kUnknownExplanation);
  }
}

void describe_extension_block(Node& block, ExtensionContext context) {
  block.field.explanation = block_explanation(context);
  size_t count = 0;
  for (size_t i = 0; i < block.kids.size(); i++) {
    Node& e = block.kids[i];
    if (e.field.name == "error" || e.field.name == "length") {
      continue;
    }
    count++;
    e.field.explanation = "an extension: a 2-byte type, a 2-byte length and the data";
    Node* type_field = e.kid("extension_type");
    if (type_field == nullptr) {
      continue;
    }
    const auto type = static_cast<ExtensionType>(type_field->number);
    type_field->field.meaning = code_name(type);
    type_field->field.explanation = code_explanation(type);
    e.field.value = type_field->field.value;
    e.field.meaning = type_field->field.meaning;
    e.field.explanation = type_field->field.explanation;
    bool not_allowed = false;
    bool duplicate = false;
    bool not_last = false;
    for (const msgs::Broken& b : e.broken) {
      not_allowed |= b.kind == msgs::Broken::kNotAllowed;
      duplicate |= b.kind == msgs::Broken::kDuplicate;
      not_last |= b.kind == msgs::Broken::kNotLast;
    }
    e.broken.clear();
    if (not_allowed) {
      e.field.explanation += "; not allowed in " + std::string(context_name(context)) +
                             " (RFC 8446 section 4.2), a receiver aborts with illegal_parameter";
    } else if (msgs::is_recognized(type)) {
    } else if (is_grease(static_cast<uint16_t>(type))) {
      e.field.explanation += "; the receiver ignores it";
    } else if (context == ExtensionContext::kServerHello ||
               context == ExtensionContext::kHelloRetryRequest ||
               context == ExtensionContext::kEncryptedExtensions) {
      e.field.explanation +=
          "; glasstls never offers it, so a client aborts with "
          "unsupported_extension";
    } else {
      e.field.explanation += "; the receiver ignores it";
    }
    if (duplicate) {
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
      //# There MUST NOT be more than one extension of the
      //# same type in a given extension block.
      e.field.explanation +=
          "; invalid: a second extension of this type, a receiver aborts with "
          "illegal_parameter";
    }
    if (not_last) {
      //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
      //# The "pre_shared_key" extension MUST be the last extension in the
      //# ClientHello (this facilitates implementation as described below).
      e.field.explanation += "; invalid: pre_shared_key must be the last ClientHello extension";
    }
    if (Node* length = e.kid("length")) {
      length->field.explanation = plural(length->number, "byte", "bytes") + " of extension_data " +
                                  (length->number == 1 ? "follows" : "follow");
    }
    Node* data = e.kid("extension_data");
    if (data == nullptr) {
      continue;
    }
    if (data->is_node) {
      describe_extension_data(*data, type, context);
    } else if (is_grease(static_cast<uint16_t>(type))) {
      //= https://www.rfc-editor.org/rfc/rfc8701#section-3.1
      //# A client MAY select one or more GREASE extension values and
      //# advertise them as extensions with varying length and contents.
      data->field.explanation =
          "GREASE extension_data (RFC 8701): arbitrary bytes, or none, that mean nothing";
    } else {
      // A type glasstls does not know: no walker reads it, its bytes are shown as they are.
      data->field.explanation = std::string(kUnknownExplanation);
    }
  }
  block.field.meaning = plural(count, "extension", "extensions");
}

}  // namespace glasstls::annotate
