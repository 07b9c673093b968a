// annotate_extension_b.cc: the wording of extension bodies as their walkers report them
// (msgs/extension_walk_b.cc).
#include "trace/annotate_internal.h"
#include "trace/annotate_tree.h"

namespace glasstls::annotate {

bool describe_extension_data_b(Node&, ExtensionType, msgs::ExtensionContext) { return false; }

}  // namespace glasstls::annotate
