#!/usr/bin/env python3
"""Compares two streetnum batch CSV tables (folders of part files): the same files, the same
answers (text, accepted, candidate, error exactly; confidence within 1e-6). Prints one line per
table and the verdict; exit 0 when they agree, 1 otherwise."""
import csv
import glob
import os
import sys


def read(folder):
    rows = {}
    duplicates = 0
    for part in sorted(glob.glob(os.path.join(folder, "part-*.csv"))):
        with open(part, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["file"] in rows:
                    duplicates += 1
                rows[row["file"]] = row
    return rows, duplicates


def main(a, b):
    left, left_dup = read(a)
    right, right_dup = read(b)
    print(f"{a}: {len(left)} files, {left_dup} duplicate rows")
    print(f"{b}: {len(right)} files, {right_dup} duplicate rows")
    only = set(left) ^ set(right)
    differ = []
    exact = 0
    for name in sorted(set(left) & set(right)):
        l, r = left[name], right[name]
        same = all(l[k] == r[k] for k in ("text", "accepted", "candidate", "error", "model"))
        if l["confidence"] and r["confidence"]:
            same = same and abs(float(l["confidence"]) - float(r["confidence"])) <= 1e-6
        else:
            same = same and l["confidence"] == r["confidence"]
        exact += l == r
        if not same:
            differ.append(name)
    print(f"files in one table only: {len(only)}; rows that differ: {len(differ)}; rows identical to the byte: {exact}")
    for name in differ[:5]:
        print(f"  differs: {name}: {left[name]} / {right[name]}")
    ok = not only and not differ and left_dup == 0 and right_dup == 0
    print("same rows: " + ("yes" if ok else "NO"))
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: compare-tables.py TABLE_A TABLE_B (folders of CSV part files)")
    sys.exit(main(sys.argv[1], sys.argv[2]))
