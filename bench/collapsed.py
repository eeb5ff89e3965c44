#!/usr/bin/env python3
"""Shares of an async-profiler collapsed-stack file (bench/run-profile.sh), for BENCHMARKS.md's profile tables.

Usage: bench/collapsed.py FILE self [rows=15]       the frames most samples end in (own time)
       bench/collapsed.py FILE incl PATTERN...      share of samples whose stack holds a frame containing PATTERN
       bench/collapsed.py FILE threads              samples by kind of thread (request, ledger writer, JIT, ...)
"""
import collections
import sys


def stacks(path):
    for line in open(path, encoding="utf-8"):
        frames, _, count = line.rstrip().rpartition(" ")
        yield frames.split(";"), int(count)


def thread_kind(frames):
    text = ";".join(frames)
    if "Http1Connection" in text:
        return "request (Helidon's virtual thread)"
    if "jetty" in text:
        return "Jetty client threads"
    if "BatchedWriter" in text:
        return "ledger writer"
    if "CompileBroker" in text:
        return "JIT compiler"
    if "G1" in text or "GCTask" in text or "WorkerThread::run" in text:
        return "garbage collector"
    if "ForkJoinWorkerThread" in frames[0]:
        return "virtual-thread carriers, other"
    return "other: " + frames[0]


def main():
    path, mode = sys.argv[1], sys.argv[2]
    data = list(stacks(path))
    total = sum(n for _, n in data)
    print(f"{total} samples")
    counts = collections.Counter()
    if mode == "self":
        for frames, n in data:
            counts[frames[-1]] += n
        rows = counts.most_common(int(sys.argv[3]) if len(sys.argv) > 3 else 15)
    elif mode == "threads":
        for frames, n in data:
            counts[thread_kind(frames)] += n
        rows = counts.most_common(10)
    elif mode == "incl":
        rows = [(p, sum(n for frames, n in data if any(p in f for f in frames))) for p in sys.argv[3:]]
    else:
        sys.exit(__doc__)
    for name, n in rows:
        print(f"{100 * n / total:5.1f}%  {name}")


if __name__ == "__main__":
    main()
