#!/usr/bin/env python3
"""Paired bootstrap of taggers' accuracy differences on one natural test set. Python 3 standard library only.

    tools/apple/paired.py --set natural2 BASE.json OTHER.json [OTHER.json ...]

Each JSON is what `tools/apple/evaluate.py --only SET --json` wrote for one tagger: its tallies and every
mention it got wrong. For each OTHER, per cue position (before / far / after / both) and in all: its
accuracy minus BASE's on the same mentions, in points, with the 95 % interval of 10,000 resamples of those
mentions (seed 1). The same mentions are in both resamples, so what the two taggers share cancels.
"""
import argparse
import json
import os
import random
import sys

from evaluate import read_natural

RESAMPLES = 10000
GROUPS = ["all", "before", "far", "after", "both"]


def right_per_mention(path, name, items):
    """[1 or 0 per mention of items] for the tagger whose evaluation is in path."""
    with open(path, encoding="utf-8") as f:
        res = json.load(f)
    if f"{name} errors" not in res:
        sys.exit(f"{path}: no '{name} errors' (run evaluate.py with --only {name} --json)")
    wrong = {(e["text"], e["at"]) for e in res[f"{name} errors"]}
    right = [0 if (text, a) in wrong else 1 for text, [(a, _, _)], _ in items]
    n_right = sum(right)
    if n_right != res[name]["all"]["correct"]:
        sys.exit(f"{path}: its errors give {n_right} right, its tally {res[name]['all']['correct']}")
    return right


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--set", default="natural2")
    ap.add_argument("--tests", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                                   "tests", "apple"))
    ap.add_argument("base")
    ap.add_argument("others", nargs="+")
    args = ap.parse_args()
    items = read_natural(os.path.join(args.tests, f"{args.set}.en.txt"), "en") + \
        read_natural(os.path.join(args.tests, f"{args.set}.zh.txt"), "zh")
    base = right_per_mention(args.base, args.set, items)
    members = {g: [i for i, (_, _, key) in enumerate(items) if g == "all" or key.split()[1] == g] for g in GROUPS}
    print(f"accuracy minus {args.base}'s, in points (95 % paired bootstrap interval, {RESAMPLES} resamples)")
    print(f"{'tagger':<40}" + "".join(f"{g + ' (' + str(len(members[g])) + ')':>24}" for g in GROUPS))
    for path in args.others:
        other = right_per_mention(path, args.set, items)
        cells = []
        for g in GROUPS:
            idx = members[g]
            n = len(idx)
            rng = random.Random(1)
            diffs = sorted(sum(other[i] - base[i] for i in (rng.choice(idx) for _ in range(n))) / n
                           for _ in range(RESAMPLES))
            d = sum(other[i] - base[i] for i in idx) / n
            lo, hi = diffs[int(0.025 * RESAMPLES)], diffs[int(0.975 * RESAMPLES) - 1]
            cells.append(f"{100 * d:+.1f} ({100 * lo:+.1f} to {100 * hi:+.1f})")
        print(f"{path:<40}" + "".join(f"{c:>24}" for c in cells))


if __name__ == "__main__":
    main()
