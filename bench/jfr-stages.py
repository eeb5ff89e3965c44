#!/usr/bin/env python3
"""Where a JFR recording's CPU samples are, by Tollgate method: the share of samples whose stack holds each
dev.tollgate method (inclusive) and the share whose innermost Tollgate frame it is. BENCHMARKS.md's profile tables.

Usage: jfr print --events jdk.ExecutionSample --stack-depth 80 rec.jfr > samples.txt
       bench/jfr-stages.py samples.txt [rows=45]
"""
import collections
import re
import sys


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 45
    samples = text.split("jdk.ExecutionSample {")[1:]
    inclusive, innermost = collections.Counter(), collections.Counter()
    for sample in samples:
        frames = re.findall(r"^\s+([\w.$<>]+)\(", sample, re.M)
        ours = [f for f in frames if f.startswith("dev.tollgate")]
        inclusive.update(set(ours))
        innermost[ours[0] if ours else "(no Tollgate frame) " + (frames[0] if frames else "?")] += 1
    print(f"samples {len(samples)}")
    for title, counts in (("inclusive", inclusive), ("innermost Tollgate frame", innermost)):
        print(f"--- {title}")
        for method, n in counts.most_common(rows):
            print(f"{n * 100 / len(samples):5.1f}% {method}")


if __name__ == "__main__":
    main()
