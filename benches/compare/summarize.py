"""Prints the markdown table of a results file written by benches/compare/run.sh.

    python3 benches/compare/summarize.py target/compare-results.tsv

Per workload and cores: the median of every timed repetition of every round for each tool, and
the ratio tool / oncostat (how many times faster oncostat is). The check column is each tool's
own value of the same quantity (log-likelihood, statistic, coefficient, median), so a reader
can see that the tools computed the same thing.
"""
import math
import statistics
import sys
from collections import OrderedDict


def main():
    rows = OrderedDict()
    checks = {}
    for line in open(sys.argv[1]):
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 6:
            continue
        label, cores, tool, _med, check, times = parts
        key = (label, cores)
        rows.setdefault(key, OrderedDict()).setdefault(tool, [])
        for t in times.split(","):
            try:
                v = float(t)
            except ValueError:
                continue
            if math.isfinite(v):
                rows[key][tool].append(v)
        checks[(label, cores, tool)] = check
    print("| workload | cores | tool | median s | runs | oncostat s | ratio | check value |")
    print("|---|---|---|---|---|---|---|---|")
    for (label, cores), tools in rows.items():
        ours = tools.get("oncostat") or []
        ours_med = statistics.median(ours) if ours else float("nan")
        for tool, ts in tools.items():
            med = statistics.median(ts) if ts else float("nan")
            ratio = "" if tool == "oncostat" else (
                f"**{med / ours_med:.1f}×**" if ts and ours else "n/a")
            print(f"| {label} | {cores} | {tool} | {fmt(med)} | {len(ts)} | {fmt(ours_med)} | "
                  f"{ratio} | {checks[(label, cores, tool)]} |")


def fmt(v):
    if not math.isfinite(v):
        return "failed"
    return f"{v:.4f}" if v < 10 else f"{v:.2f}"


if __name__ == "__main__":
    main()
