// narrative.h: the few sentences the illustrated page puts above each handshake message and
// alert, saying what the sender is doing and why, in words a learner can follow. They are
// written from the same annotated trees the rest of the view shows (the suite, the group, the
// version the messages name), so they speak of the handshake that happened.
#pragma once

#include <string>

#include "glasstls/trace.h"

namespace glasstls::render {

// StoryState is what the story knows of the handshake so far: what the client offered and
// which version the server chose. observe() keeps it up to date, message by message.
struct StoryState {
  bool client_offers_tls13 = false;
  bool client_offers_tls12 = false;
  // version is 13 or 12 once a ServerHello chose it, 0 before.
  int version = 0;
  bool hello_retry = false;
  // client_session_id is the ClientHello's session ID (hex, "" when empty); abbreviated says a
  // TLS 1.2 ServerHello echoed it, resuming the session it names.
  std::string client_session_id;
  bool abbreviated = false;
  bool client_finished = false;
  bool server_finished = false;
};

// observe updates `st` with message `m` (call it after message_story for the same message).
void observe(StoryState& st, const TraceMessage& m);

// message_story is the narrative of `m`: what its sender does and why. Never empty.
std::string message_story(const TraceMessage& m, const StoryState& st);

// alert_story is the narrative of an alert.
std::string alert_story(const TraceAlert& a);

}  // namespace glasstls::render
