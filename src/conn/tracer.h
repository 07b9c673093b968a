// tracer.h: the connection's side of a trace. A Tracer turns the records, messages, alerts and
// key schedule steps of one connection into the TraceEvents of include/glasstls/trace.h for the
// attached observer, annotating each with the same tables the parser uses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "glasstls/crypto.h"
#include "glasstls/trace.h"
#include "glasstls/types.h"
#include "msgs/walk.h"
#include "record/record_layer.h"

namespace glasstls::conn {

// Tracer turns what the connection does into TraceEvents for an attached observer, which it
// keeps alive. A Context only has one while a trace is attached, so that everything tracing
// needs lives here and an untraced connection does not carry it.
class Tracer final : public record::RecordTap {
 public:
  Tracer(std::shared_ptr<TraceObserver> observer, bool secrets, bool is_client)
      : owner_(std::move(observer)),
        observer_(owner_.get()),
        secrets_(secrets),
        is_client_(is_client) {}
  bool secrets() const { return secrets_; }
  TraceDirection direction(bool sent) const {
    return sent == is_client_ ? TraceDirection::kClientToServer : TraceDirection::kServerToClient;
  }
  void on_record(bool sent, ContentType type, ByteView wire, ByteView content, size_t padding,
                 const record::RecordProtector* p, uint64_t seq) override;
  void message(bool sent, ByteView message);
  void alert(bool sent, ByteView alert);
  void application_data(bool sent, ByteView data);
  void note(bool sent, std::string text);
  // key_step reports a key schedule derivation (only when secrets are shown). `derivation`,
  // `hash` and `label` say how `output` came from `input` and `context`, for redo_command
  // (include/glasstls/trace.h); a step that does not say is reported with kUnknown.
  void key_step(std::string step, std::string formula, ByteView input, ByteView context,
                ByteView output, TraceDerivation derivation = TraceDerivation::kUnknown,
                const crypto::Hash* hash = nullptr, std::string label = {});
  // schedule_step reports a step of the key schedule's own callback, computed with `hash`
  // (nullptr when unknown).
  void schedule_step(std::string_view step, ByteView input, ByteView context, ByteView output,
                     const crypto::Hash* hash = nullptr);

  // layout is how messages are read for the view: TLS 1.3's until the handshake settles on
  // TLS 1.2, whose state machines set the version and the suite's key exchange.
  msgs::WalkContext layout;
  // queued holds the handshake messages of the flight being built, reported after the record
  // that carries them (Context::flush_handshake).
  std::vector<Bytes> queued;

 private:
  std::shared_ptr<TraceObserver> owner_;
  TraceObserver* observer_;
  bool secrets_;
  bool is_client_;
};

}  // namespace glasstls::conn
