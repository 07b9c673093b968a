// annotate_extension_a.cc: the wording of extension bodies as their walkers report them
// (msgs/extension_walk_a.cc).
#include "trace/annotate_internal.h"
#include "trace/annotate_tree.h"

namespace glasstls::annotate {
namespace {

using msgs::ExtensionContext;

void supported_groups(Node& data, ExtensionContext context) {
  data.field.explanation = context == ExtensionContext::kClientHello
                               ? "NamedGroupList: the key exchange groups the client supports, "
                                 "most preferred first"
                               : "NamedGroupList: the server's groups, for the client to use in "
                                 "later connections";
  Node* list = data.kid("named_group_list");
  if (list == nullptr) {
    return;
  }
  list->what = "named groups";
  list->field.explanation = "named_group_list: 2-byte NamedGroup values";
  list->field.meaning = plural(list->contents() / 2, "group", "groups");
  data.field.meaning = list->field.meaning;
  for (Node& k : list->kids) {
    if (k.integer && k.field.name != "length") {
      const auto group = static_cast<NamedGroup>(k.number);
      k.field.meaning = code_name(group);
      k.field.explanation = code_explanation(group);
    }
  }
}

}  // namespace

bool describe_extension_data_a(Node& data, ExtensionType type, ExtensionContext context) {
  switch (type) {
    case ExtensionType::supported_groups: supported_groups(data, context); return true;
    default: return false;
  }
}

}  // namespace glasstls::annotate
