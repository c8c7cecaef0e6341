#!/usr/bin/env python3
"""Paired bootstrap of taggers' accuracy differences on one natural test set. Python 3 standard library only.

    tools/apple/paired.py --set SET BASE.json OTHER.json [OTHER.json ...]   (SET: natural, natural2, ...)

Each JSON is what `tools/apple/evaluate.py --only SET --json` wrote for one tagger: its tallies and every
mention it got wrong. For each OTHER, per cue position (before / far / after / both) and in all: its
accuracy minus BASE's on the same mentions, in points, with the 95 % interval of 10,000 resamples (seed 1).
A resample draws texts, not mentions, with all their mentions of the group: two mentions in one text are
not independent. Both taggers are scored on each resample, so what they share cancels.
"""
import argparse
import json
import os
import random
import sys

from evaluate import NATURAL_SETS, read_natural

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
    ap.add_argument("--set", required=True, choices=NATURAL_SETS)
    ap.add_argument("--tests", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                                   "tests", "apple"))
    ap.add_argument("base")
    ap.add_argument("others", nargs="+")
    args = ap.parse_args()
    items = read_natural(os.path.join(args.tests, f"{args.set}.en.txt"), "en") + \
        read_natural(os.path.join(args.tests, f"{args.set}.zh.txt"), "zh")
    base = right_per_mention(args.base, args.set, items)
    # per group: the mentions of each text, as lists of item indices
    members = {}
    for g in GROUPS:
        texts = {}
        for i, (text, _, key) in enumerate(items):
            if g == "all" or key.split()[1] == g:
                texts.setdefault((key.split()[0], text), []).append(i)
        members[g] = list(texts.values())
    print(f"accuracy minus {args.base}'s, in points (95 % paired bootstrap interval, {RESAMPLES} resamples)")
    print(f"{'tagger':<40}" + "".join(f"{g + ' (' + str(sum(map(len, members[g]))) + ')':>24}" for g in GROUPS))
    for path in args.others:
        other = right_per_mention(path, args.set, items)
        cells = []
        for g in GROUPS:
            # per text: (mentions, right minus BASE's right)
            per_text = [(len(idx), sum(other[i] - base[i] for i in idx)) for idx in members[g]]
            rng = random.Random(1)
            diffs = []
            for _ in range(RESAMPLES):
                drawn = [rng.choice(per_text) for _ in per_text]
                diffs.append(sum(d for _, d in drawn) / sum(n for n, _ in drawn))
            diffs.sort()
            d = sum(d for _, d in per_text) / sum(n for n, _ in per_text)
            lo, hi = diffs[int(0.025 * RESAMPLES)], diffs[int(0.975 * RESAMPLES) - 1]
            cells.append(f"{100 * d:+.1f} ({100 * lo:+.1f} to {100 * hi:+.1f})")
        print(f"{path:<40}" + "".join(f"{c:>24}" for c in cells))


if __name__ == "__main__":
    main()
