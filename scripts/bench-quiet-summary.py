#!/usr/bin/env python3
"""Summarises scripts/bench-quiet.sh's folder: each preset's medians and ranges, probe's ratios to PyTorch."""
import glob, json, statistics, sys

out = sys.argv[1]
keys = [("trainImagesPerSecond", "train img/s"), ("infer1ImagesPerSecond", "infer batch 1"),
        ("infer64ImagesPerSecond", "infer batch 64")]


def load(pattern):
    return [json.loads(open(f).read()) for f in sorted(glob.glob(f"{out}/{pattern}"))]


ours = {}
for f in sorted(glob.glob(f"{out}/streetnum-*-*.json")):
    preset = f[len(out) + len("/streetnum-"):].rsplit("-", 1)[0]
    ours.setdefault(preset, []).append(json.loads(open(f).read()))
peer = load("pytorch-probe-*.json")
for preset, runs in ours.items():
    print(f"{preset}, {len(runs)} run(s) (median [min-max]):")
    for key, name in keys:
        a = [r[key] for r in runs]
        line = f"  {name:15s} streetnum {statistics.median(a):7.1f} [{min(a):.1f}-{max(a):.1f}]"
        if preset == "probe" and peer:
            b = [r[key] for r in peer]
            line += f"   pytorch {statistics.median(b):7.1f} [{min(b):.1f}-{max(b):.1f}]"
            line += f"   ratio {statistics.median(a) / statistics.median(b):.2f}"
        print(line)
