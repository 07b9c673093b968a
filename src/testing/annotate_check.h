// annotate_check.h (internal): the structural rules every annotated tree obeys, for tests and
// the fuzzer.
#pragma once

#include <cstddef>
#include <string>

#include "glasstls/trace.h"

namespace glasstls::annotate {

// check_tree returns an empty string when `root` is a well-formed annotation of `total` bytes,
// else a description of the first rule broken. The rules: the root covers [0, total); every
// node has a name and a one-line explanation; children lie inside their parent, in order and
// without overlapping; the children of a node cover all of it, so that the leaves cover every
// byte of the input exactly once.
std::string check_tree(const TraceField& root, size_t total);

// find_field returns the first node (depth first, the root included) named `name`, or null.
const TraceField* find_field(const TraceField& root, const std::string& name);

// count_named returns how many nodes of the tree are named `name`.
size_t count_named(const TraceField& root, const std::string& name);

// last_leaf returns the last leaf of the tree in depth-first order.
const TraceField& last_leaf(const TraceField& root);

}  // namespace glasstls::annotate
