// annotate_check.cc: the structural rules of annotated trees (see annotate_check.h).
#include "testing/annotate_check.h"

namespace glasstls::annotate {
namespace {

std::string where(const TraceField& f) {
  return "'" + f.name + "' at " + std::to_string(f.offset) + "+" + std::to_string(f.length);
}

std::string check_node(const TraceField& f) {
  if (f.name.empty()) {
    return "a field at " + std::to_string(f.offset) + " has no name";
  }
  if (f.explanation.empty()) {
    return where(f) + " has no explanation";
  }
  if (f.explanation.find('\n') != std::string::npos) {
    return where(f) + " has a multi-line explanation";
  }
  if (f.children.empty()) {
    return "";
  }
  // Children tile the parent: each starts where the previous one ended.
  size_t next = f.offset;
  for (const TraceField& child : f.children) {
    if (child.offset != next) {
      return where(child) +
             (child.offset < next ? " overlaps its previous sibling in "
                                  : " leaves a gap before it in ") +
             where(f);
    }
    if (child.length > f.offset + f.length - child.offset) {
      return where(child) + " extends beyond its parent " + where(f);
    }
    next = child.offset + child.length;
    std::string e = check_node(child);
    if (!e.empty()) {
      return e;
    }
  }
  if (next != f.offset + f.length) {
    return "the children of " + where(f) + " end at " + std::to_string(next);
  }
  return "";
}

}  // namespace

std::string check_tree(const TraceField& root, size_t total) {
  if (root.offset != 0 || root.length != total) {
    return "the root " + where(root) + " does not cover the " + std::to_string(total) +
           " bytes of input";
  }
  return check_node(root);
}

const TraceField* find_field(const TraceField& root, const std::string& name) {
  if (root.name == name) {
    return &root;
  }
  for (const TraceField& child : root.children) {
    if (const TraceField* f = find_field(child, name)) {
      return f;
    }
  }
  return nullptr;
}

size_t count_named(const TraceField& root, const std::string& name) {
  size_t n = root.name == name ? 1 : 0;
  for (const TraceField& child : root.children) {
    n += count_named(child, name);
  }
  return n;
}

const TraceField& last_leaf(const TraceField& root) {
  const TraceField* f = &root;
  while (!f->children.empty()) {
    f = &f->children.back();
  }
  return *f;
}

}  // namespace glasstls::annotate
