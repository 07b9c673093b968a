// extension_walk.h: the body of each extension read field by field, for the illustrated view.
//
// A walker reads one extension body through a reporting FieldReader (fields.h) for the message
// of `context`, reporting every field. Where glasstls decodes the extension, the walker is the
// decoder's own reader run in reporting mode (extensions.cc), so the view shows what the
// parser reads; extensions glasstls only shows are read here alone. The walkers are split over
// extension_walk_*.cc by extension; find_extension_walker asks each file in turn.
#pragma once

#include "msgs/fields.h"
#include "msgs/handshake.h"

namespace glasstls::msgs {

// ExtensionWalker reads one extension body, `data`, in the message of `context`. What it leaves
// unread is reported as left over by the caller.
using ExtensionWalker = void (*)(FieldReader& data, ExtensionContext context);

// find_extension_walker is the walker of `type` in `context`, or nullptr when the view reads
// that body itself (the view's fallback: extensions not yet walked here, unknown types).
ExtensionWalker find_extension_walker(ExtensionType type, ExtensionContext context);

namespace detail {
// The two halves of find_extension_walker, one per file.
ExtensionWalker find_extension_walker_a(ExtensionType type, ExtensionContext context);
ExtensionWalker find_extension_walker_b(ExtensionType type, ExtensionContext context);
}  // namespace detail

}  // namespace glasstls::msgs
