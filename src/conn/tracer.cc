// tracer.cc: Tracer (conn/tracer.h), a connection's events for its trace observer.
#include "conn/tracer.h"

#include "trace/annotate_tree.h"

#include <string>
#include <utility>

namespace glasstls::conn {

// GCC 12 at -O3 reports members of the other alternatives of a freshly built TraceEvent as
// "maybe uninitialized" when the variant is passed on by reference (a known false positive of
// its variant analysis); every alternative here is fully initialised.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

void Tracer::on_record(bool sent, ContentType type, ByteView wire, ByteView content, size_t padding,
                       const record::RecordProtector* p, uint64_t seq) {
  TraceRecord r;
  r.direction = direction(sent);
  r.wire.assign(wire.begin(), wire.end());
  r.header = annotate_record_header(wire.first(std::min<size_t>(wire.size(), 5)), layout.version);
  r.encrypted = p != nullptr;
  r.content_type = type;
  r.plaintext_known = true;
  r.plaintext.assign(content.begin(), content.end());
  r.padding = padding;
  r.sequence = seq;
  if (p != nullptr) {
    r.key_label = p->label();
    r.cipher = p->cipher_name();
    if (secrets_ && !p->trace_key().empty()) {
      r.key.assign(p->trace_key().span().begin(), p->trace_key().span().end());
      r.nonce = p->nonce_for_trace(seq);
    }
    // A TLS 1.2 record's parts (explicit nonce or IV, ciphertext, tag or MAC, padding).
    (void)p->trace_tls12(wire, seq, secrets_, r);
  }
  observer_->on_event(TraceEvent(std::move(r)));
}

void Tracer::message(bool sent, ByteView message) {
  TraceMessage m;
  m.direction = direction(sent);
  m.type = message.empty() ? HandshakeType{} : static_cast<HandshakeType>(message[0]);
  m.bytes.assign(message.begin(), message.end());
  m.tree = annotate::annotate_handshake_message(message, layout);
  observer_->on_event(TraceEvent(std::move(m)));
}

void Tracer::alert(bool sent, ByteView alert) {
  TraceAlert a;
  a.direction = direction(sent);
  if (alert.size() == 2) {
    a.level = static_cast<AlertLevel>(alert[0]);
    a.description = static_cast<AlertDescription>(alert[1]);
  }
  a.tree = annotate_alert(alert);
  observer_->on_event(TraceEvent(std::move(a)));
}

void Tracer::application_data(bool sent, ByteView data) {
  TraceApplicationData d;
  d.direction = direction(sent);
  d.data.assign(data.begin(), data.end());
  observer_->on_event(TraceEvent(std::move(d)));
}

void Tracer::note(bool sent, std::string text) {
  observer_->on_event(TraceEvent(TraceNote{direction(sent), std::move(text)}));
}

namespace {

// hash_name is the hash as the openssl command line names it.
std::string hash_name(const crypto::Hash* hash) {
  if (hash == nullptr) {
    return "";
  }
  switch (hash->id()) {
    case crypto::HashId::kSha256: return "SHA256";
    case crypto::HashId::kSha384: return "SHA384";
    case crypto::HashId::kSha512: return "SHA512";
  }
  return "";
}

// quoted_label is the text between the first two double quotes of `formula`: the label of
// "Derive-Secret(secret, \"label\", ...)" or "HKDF-Expand-Label(secret, \"label\", ...)".
std::string quoted_label(std::string_view formula) {
  const size_t open = formula.find('"');
  if (open == std::string_view::npos) {
    return "";
  }
  const size_t close = formula.find('"', open + 1);
  if (close == std::string_view::npos) {
    return "";
  }
  return std::string(formula.substr(open + 1, close - open - 1));
}

}  // namespace

void Tracer::key_step(std::string step, std::string formula, ByteView input, ByteView context,
                      ByteView output, TraceDerivation derivation, const crypto::Hash* hash,
                      std::string label) {
  if (!secrets_) {
    return;
  }
  TraceKeyStep k;
  k.step = std::move(step);
  k.formula = std::move(formula);
  k.input.assign(input.begin(), input.end());
  k.context.assign(context.begin(), context.end());
  k.output.assign(output.begin(), output.end());
  k.derivation = derivation;
  k.hash = hash_name(hash);
  k.label = std::move(label);
  observer_->on_event(TraceEvent(std::move(k)));
}

void Tracer::schedule_step(std::string_view step, ByteView input, ByteView context, ByteView output,
                           const crypto::Hash* hash) {
  // Derive-Secret labels get their RFC 8446 section 7.1 names; the other steps arrive as
  // "name = formula".
  struct Label {
    std::string_view label;
    const char* name;
    const char* formula;
  };
  static constexpr Label kLabels[] = {
      {"c e traffic", "client_early_traffic_secret",
       "Derive-Secret(early_secret, \"c e traffic\", ClientHello)"},
      {"e exp master", "early_exporter_master_secret",
       "Derive-Secret(early_secret, \"e exp master\", ClientHello)"},
      {"c hs traffic", "client_handshake_traffic_secret",
       "Derive-Secret(handshake_secret, \"c hs traffic\", ClientHello...ServerHello)"},
      {"s hs traffic", "server_handshake_traffic_secret",
       "Derive-Secret(handshake_secret, \"s hs traffic\", ClientHello...ServerHello)"},
      {"c ap traffic", "client_application_traffic_secret_0",
       "Derive-Secret(master_secret, \"c ap traffic\", ClientHello...server Finished)"},
      {"s ap traffic", "server_application_traffic_secret_0",
       "Derive-Secret(master_secret, \"s ap traffic\", ClientHello...server Finished)"},
      {"exp master", "exporter_master_secret",
       "Derive-Secret(master_secret, \"exp master\", ClientHello...server Finished)"},
      {"res master", "resumption_master_secret",
       "Derive-Secret(master_secret, \"res master\", ClientHello...client Finished)"},
  };
  for (const auto& l : kLabels) {
    if (step == l.label) {
      key_step(l.name, l.formula, input, context, output, TraceDerivation::kHkdfExpandLabel, hash,
               std::string(l.label));
      return;
    }
  }
  std::string name(step);
  std::string formula(step);
  if (size_t eq = step.find(" = "); eq != std::string_view::npos) {
    name = std::string(step.substr(0, eq));
    formula = std::string(step.substr(eq + 3));
  }
  // Which function the formula names says how to redo it. Derive-Secret is
  // HKDF-Expand-Label(Secret, Label, Transcript-Hash(Messages), Hash.length): the key schedule
  // reports the transcript hash as the context.
  TraceDerivation derivation = TraceDerivation::kUnknown;
  std::string label;
  const std::string_view f = formula;
  if (f.starts_with("HKDF-Extract(")) {
    derivation = TraceDerivation::kHkdfExtract;
  } else if (f.starts_with("Derive-Secret(") || f.starts_with("HKDF-Expand-Label(")) {
    derivation = TraceDerivation::kHkdfExpandLabel;
    label = quoted_label(f);
  } else if (f.starts_with("HMAC(")) {
    derivation = TraceDerivation::kHmac;
  }
  key_step(std::move(name), std::move(formula), input, context, output, derivation, hash,
           std::move(label));
}

}  // namespace glasstls::conn
