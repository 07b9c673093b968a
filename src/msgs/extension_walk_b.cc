// extension_walk_b.cc: walkers of extension bodies (extension_walk.h).
#include "msgs/extension_walk.h"

namespace glasstls::msgs::detail {

ExtensionWalker find_extension_walker_b(ExtensionType, ExtensionContext) { return nullptr; }

}  // namespace glasstls::msgs::detail
