#include "conn/context.h"

#include <algorithm>

namespace glasstls::conn {

Status Context::flush_handshake(uint16_t legacy_version) {
  if (hs_out.empty()) {
    return Ok{};
  }
  Status s = record.write(ContentType::handshake, hs_out, out, legacy_version);
  // A flight is framed once; its room is not kept for the next one (a few per connection).
  Bytes().swap(hs_out);
  if (tracer) {
    for (const Bytes& m : traced_out) {
      tracer->message(true, m);
    }
    traced_out.clear();
  }
  return s;
}

std::string message_name(HandshakeType type) {
  std::string_view n = name(type);
  if (n.empty()) {
    return "handshake message type " + std::to_string(static_cast<unsigned>(type));
  }
  return std::string(n);
}

namespace {

Result<record::Protection> make_protection(const SuiteInfo& suite, ByteView secret,
                                           const char* label, bool application, Tracer* tracer) {
  GLASSTLS_ASSIGN(handshake::TrafficKeys keys,
                  handshake::traffic_keys(*suite.hash, suite.aead->key_len(), secret));
  GLASSTLS_ASSIGN(auto key, suite.aead->new_key(keys.key.span()));
  record::Protection p;
  p.aead = suite.aead;
  p.key = std::move(key);
  p.label = label;
  p.application = application;
  if (tracer != nullptr && tracer->secrets()) {
    p.trace_key = keys.key.clone();
    std::string who(label);
    tracer->key_step(who + " write key",
                     "HKDF-Expand-Label(" + who + " traffic secret, \"key\", \"\", " +
                         std::to_string(suite.aead->key_len()) + ")",
                     secret, {}, keys.key.span());
    tracer->key_step(who + " write iv",
                     "HKDF-Expand-Label(" + who + " traffic secret, \"iv\", \"\", 12)", secret, {},
                     keys.iv.span());
  }
  // Invariant: traffic_keys derived exactly 12 IV bytes.
  std::copy_n(keys.iv.span().begin(), sizeof(p.iv), p.iv);
  return p;
}

}  // namespace

Status Context::install_read_secret(ByteView traffic_secret, const char* label) {
  GLASSTLS_ASSIGN(record::Protection p,
                  make_protection(suite, traffic_secret, label, false, tracer.get()));
  record.set_read_protection(std::move(p));
  read_key_changed = true;
  return Ok{};
}

Status Context::install_write_secret(ByteView traffic_secret, const char* label, bool application) {
  GLASSTLS_ASSIGN(record::Protection p,
                  make_protection(suite, traffic_secret, label, application, tracer.get()));
  record.set_write_protection(std::move(p));
  return Ok{};
}

void Context::log_secret(std::string_view label, ByteView secret) {
  if (key_log != nullptr) {
    key_log->log(label, client_random, secret);
  }
}

// ---- Tracer ----

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
  r.header = annotate_record_header(wire.first(std::min<size_t>(wire.size(), 5)));
  r.encrypted = p != nullptr;
  r.content_type = type;
  r.plaintext_known = true;
  r.plaintext.assign(content.begin(), content.end());
  r.padding = padding;
  r.sequence = seq;
  if (p != nullptr) {
    r.key_label = p->label();
    if (secrets_ && !p->trace_key().empty()) {
      r.key.assign(p->trace_key().span().begin(), p->trace_key().span().end());
      r.nonce = p->nonce_for_trace(seq);
    }
  }
  observer_->on_event(TraceEvent(std::move(r)));
}

void Tracer::message(bool sent, ByteView message) {
  TraceMessage m;
  m.direction = direction(sent);
  m.type = message.empty() ? HandshakeType{} : static_cast<HandshakeType>(message[0]);
  m.bytes.assign(message.begin(), message.end());
  m.tree = annotate_handshake_message(message);
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

void Tracer::key_step(std::string step, std::string formula, ByteView input, ByteView context,
                      ByteView output) {
  if (!secrets_) {
    return;
  }
  TraceKeyStep k;
  k.step = std::move(step);
  k.formula = std::move(formula);
  k.input.assign(input.begin(), input.end());
  k.context.assign(context.begin(), context.end());
  k.output.assign(output.begin(), output.end());
  observer_->on_event(TraceEvent(std::move(k)));
}

void Tracer::schedule_step(std::string_view step, ByteView input, ByteView context,
                           ByteView output) {
  // Derive-Secret labels get their RFC 8446 section 7.1 names; the extraction steps arrive
  // already described.
  struct Label {
    std::string_view label;
    const char* name;
    const char* formula;
  };
  static constexpr Label kLabels[] = {
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
      key_step(l.name, l.formula, input, context, output);
      return;
    }
  }
  size_t eq = step.find(" = ");
  if (eq != std::string_view::npos) {
    key_step(std::string(step.substr(0, eq)), std::string(step.substr(eq + 3)), input, context,
             output);
  } else {
    key_step(std::string(step), std::string(step), input, context, output);
  }
}

Result<Bytes> Context::random(size_t n) {
  Bytes b(n);
  GLASSTLS_TRY(provider->random->fill(b));
  return b;
}

Bytes certificate_verify_input(bool server, ByteView transcript_hash) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
  //# The digital signature is then computed over the concatenation of:
  //# -  A string that consists of octet 32 (0x20) repeated 64 times
  //# -  The context string
  //# -  A single 0 byte which serves as the separator
  //# -  The content to be signed
  static constexpr std::string_view kServer = "TLS 1.3, server CertificateVerify";
  static constexpr std::string_view kClient = "TLS 1.3, client CertificateVerify";
  std::string_view context = server ? kServer : kClient;
  // Sized once and filled in place (GCC 12 misreports growing inserts here as out of bounds).
  Bytes out(64 + context.size() + 1 + transcript_hash.size(), 0x20);
  std::copy(context.begin(), context.end(), out.begin() + 64);
  out[64 + context.size()] = 0;
  std::copy(transcript_hash.begin(), transcript_hash.end(), out.begin() + 65 + context.size());
  return out;
}

}  // namespace glasstls::conn
