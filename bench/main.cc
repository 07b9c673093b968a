// The single entry point of `glasstls_bench`. Every other bench/*.cc file only registers
// benchmarks; none of them may define main().

#include <benchmark/benchmark.h>

BENCHMARK_MAIN();
