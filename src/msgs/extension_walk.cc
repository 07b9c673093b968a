// extension_walk.cc: the dispatch of extension bodies to their walkers (extension_walk.h).
#include "msgs/extension_walk.h"

namespace glasstls::msgs {

ExtensionWalker find_extension_walker(ExtensionType type, ExtensionContext context) {
  if (ExtensionWalker w = detail::find_extension_walker_a(type, context)) {
    return w;
  }
  return detail::find_extension_walker_b(type, context);
}

}  // namespace glasstls::msgs
