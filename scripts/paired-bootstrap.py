#!/usr/bin/env python3
"""How sure is a val comparison of two models? Reads `evaluate`'s predictions.csv files of model A and
of model B over the same photos (one or more sets each, in the same order: e.g. with the box and
--no-box), and resamples the photos with replacement (the same draw for every set, so the two paths
stay paired): prints each model's mean risk-coverage area (AURC, as `evaluate` computes it: ties share
their group's risk, a refusal counts as an error at the lowest confidence), the gain of B, how often B
is ahead, how often by more than --margin, and the gain's 90% interval.

  scripts/paired-bootstrap.py --a a-val-box/predictions.csv --a a-val-nobox/predictions.csv \\
      --b b-val-box/predictions.csv --b b-val-nobox/predictions.csv [--margin 0.001] [--resamples 1000]
"""
import argparse
import csv
import random
import sys


def read(path):
    """file -> (correct, score); a refusal scores below every answer."""
    with open(path, newline="", encoding="utf-8") as f:
        return {r["file"]: (r["correct"] == "true", float(r["confidence"]) if r["transcribable"] == "true" else -1.0)
                for r in csv.DictReader(f)}


def aurc(rows):
    """Mean over k of the error rate among the k most confident answers; tied scores enter together."""
    ranked = sorted(rows, key=lambda r: -r[1])
    n = len(ranked)
    total, correct, i = 0.0, 0, 0
    while i < n:
        j = i
        while j < n and ranked[j][1] == ranked[i][1]:
            correct += ranked[j][0]
            j += 1
        total += (j - i) * (1 - correct / j)
        i = j
    return total / n


def mean_aurc(sets, files):
    return sum(aurc([s[f] for f in files]) for s in sets) / len(sets)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--a", action="append", required=True, help="model A's predictions.csv (repeat per set)")
    p.add_argument("--b", action="append", required=True, help="model B's, the same sets in the same order")
    p.add_argument("--margin", type=float, default=0.001, help="the gain a rule asks of B (default 0.001)")
    p.add_argument("--resamples", type=int, default=1000)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    if len(args.a) != len(args.b):
        sys.exit(f"give as many --b sets as --a sets ({len(args.a)} and {len(args.b)})")
    a = [read(f) for f in args.a]
    b = [read(f) for f in args.b]
    files = sorted(a[0])
    for name, s in zip(args.a[1:] + args.b, a[1:] + b):
        if sorted(s) != files:
            sys.exit(f"{name} does not hold the same photos as {args.a[0]}")
    base_a, base_b = mean_aurc(a, files), mean_aurc(b, files)
    random.seed(args.seed)
    gains = []
    for _ in range(args.resamples):
        draw = [random.choice(files) for _ in files]
        gains.append(mean_aurc(a, draw) - mean_aurc(b, draw))
    gains.sort()
    ahead = sum(g > 0 for g in gains) / len(gains)
    clear = sum(g > args.margin for g in gains) / len(gains)
    low, high = gains[int(0.05 * len(gains))], gains[int(0.95 * len(gains)) - 1]
    print(f"mean AURC over {len(a)} set(s) of {len(files)} photos: A {base_a:.5f}, B {base_b:.5f}, gain of B {base_a - base_b:.5f}")
    print(f"{args.resamples} paired resamples: B ahead in {100 * ahead:.1f}%, by more than {args.margin} in "
          f"{100 * clear:.1f}%; gain 90% interval [{low:.4f}, {high:.4f}]")


if __name__ == "__main__":
    main()
