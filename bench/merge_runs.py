#!/usr/bin/env python3
"""merge_runs.py: merge one-repetition Google Benchmark JSON files into one.

Usage: merge_runs.py OUT_JSON REP:FILE... (scripts/bench runs it). Each FILE holds one
repetition of its rows, from glasstls_bench (--benchmark_repetitions=1) or from an external peer
(bench/peers/, one run); REP (1, 2, ...) is the repetition it belongs to. OUT_JSON gets every
row of every file, with repetition_index set to REP - 1 and repetitions to the number of
repetitions, so that bench/report.py sees the repetitions of each row as if one run had made
them. An empty FILE (a filter that matched none of its program's rows) is skipped. The context
is the first file's (the machine, the date, glasstls_bench's library versions), with the keys
only later files have (the peers' versions) added.
"""
import json
import sys


def main():
    out_path, specs = sys.argv[1], sys.argv[2:]
    inputs = []
    for spec in specs:
        rep, path = spec.split(":", 1)
        with open(path) as f:
            text = f.read()
        # glasstls_bench leaves its output empty when the filter matches none of its rows.
        if text.strip():
            inputs.append((int(rep), json.loads(text)))
    reps = max((rep for rep, _ in inputs), default=1)
    context = {}
    benchmarks = []
    for rep, data in inputs:
        for key, value in data.get("context", {}).items():
            context.setdefault(key, value)
        for b in data.get("benchmarks", []):
            if b.get("run_type") == "aggregate":
                continue
            b = dict(b)
            b["repetition_index"] = rep - 1
            b["repetitions"] = reps
            benchmarks.append(b)
    with open(out_path, "w") as f:
        json.dump({"context": context, "benchmarks": benchmarks}, f, indent=1)


if __name__ == "__main__":
    main()
