#!/usr/bin/env python3
"""Summarises scripts/bench-quiet.sh's folder: medians of the probe runs, ranges, ratios to PyTorch."""
import glob, json, statistics, sys

out = sys.argv[1]
keys = [("trainImagesPerSecond", "train img/s"), ("infer1ImagesPerSecond", "infer batch 1"),
        ("infer64ImagesPerSecond", "infer batch 64")]


def load(pattern):
    return [json.loads(open(f).read()) for f in sorted(glob.glob(f"{out}/{pattern}"))]


ours, peer = load("streetnum-probe-*.json"), load("pytorch-probe-*.json")
print(f"probe, {len(ours)} runs each (median [min-max]):")
for key, name in keys:
    a = [r[key] for r in ours]
    line = f"  {name:15s} streetnum {statistics.median(a):7.1f} [{min(a):.1f}-{max(a):.1f}]"
    if peer:
        b = [r[key] for r in peer]
        line += f"   pytorch {statistics.median(b):7.1f} [{min(b):.1f}-{max(b):.1f}]"
        line += f"   ratio {statistics.median(a) / statistics.median(b):.2f}"
    print(line)
for r in load("streetnum-cpu.json"):
    print("cpu preset: " + ", ".join(f"{name} {r[key]:.1f}" for key, name in keys))
