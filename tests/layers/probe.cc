// probe.cc: one header of the tree, compiled as if from inside one layer.
//
// The Layers.* tests (CMakeLists.txt) build this file with the include roots of one layer and
// GLASSTLS_PROBE_INCLUDE naming a header: it must compile when the header's layer is one the
// layer may use, and fail with the header not found when it is not. This is how the layering of
// ARCHITECTURE.md is enforced by the build rather than by review.
#include GLASSTLS_PROBE_INCLUDE

// A symbol, so that the object file is not empty.
int glasstls_layer_probe = 0;
