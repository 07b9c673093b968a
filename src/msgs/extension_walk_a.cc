// extension_walk_a.cc: walkers of extension bodies (extension_walk.h), first half.
#include "msgs/codec_util.h"
#include "msgs/extension_walk.h"

namespace glasstls::msgs::detail {
namespace {

void walk_supported_groups(FieldReader& data, ExtensionContext) {
  //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.7
  //# struct {
  //#     NamedGroup named_group_list<2..2^16-1>;
  //# } NamedGroupList;
  (void)read_code_vector<NamedGroup>(data, "named_group_list", "supported_groups");
}

}  // namespace

ExtensionWalker find_extension_walker_a(ExtensionType type, ExtensionContext) {
  switch (type) {
    case ExtensionType::supported_groups: return walk_supported_groups;
    default: return nullptr;
  }
}

}  // namespace glasstls::msgs::detail
