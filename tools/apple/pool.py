#!/usr/bin/env python3
"""Taggers' accuracy on several natural test sets pooled, per language and cue position. Python 3 standard library only.

    tools/apple/pool.py [--sets natural,natural2,...] NAME=A.json[,B.json ...] [NAME=... ...]

Each NAME is a row; its JSON files are what `tools/apple/evaluate.py --json` wrote for that tagger (a
tagger's sets may be spread over several runs; a set in a later file replaces the same set in an earlier
one). --sets defaults to every natural set that all the taggers have; a set named must be in every
tagger's results. Prints a Markdown table: the mentions of all the sets counted together, accuracy in %
with its 95 % Wilson interval, and a second table with each set's accuracy.
"""
import argparse
import json
import sys

from evaluate import NATURAL_SETS, wilson

COLUMNS = [("all", ["all"]), ("en", ["en"]), ("zh", ["zh"])] + \
    [(cue, [f"en {cue}", f"zh {cue}"]) for cue in ("before", "far", "both", "after")]


def load(spec):
    """'NAME=A.json,B.json' -> (NAME, the files' results merged)."""
    name, _, files = spec.partition("=")
    if not name or not files:
        sys.exit(f"{spec!r}: expected NAME=FILE[,FILE...]")
    res = {}
    for path in files.split(","):
        with open(path, encoding="utf-8") as f:
            res.update(json.load(f))
    return name, res


def pooled(res, sets, keys):
    """(correct, mentions) summed over the sets and keys."""
    c = n = 0
    for s in sets:
        for k in keys:
            v = res[s].get(k)
            if v:
                c, n = c + v["correct"], n + v["mentions"]
    return c, n


def cell(c, n):
    if not n:
        return "-"
    lo, hi = wilson(c, n)
    return f"{100 * c / n:.1f} ({100 * lo:.0f}–{100 * hi:.0f})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", help="comma-separated (default: the natural sets that every tagger has)")
    ap.add_argument("taggers", nargs="+", metavar="NAME=FILE[,FILE...]")
    args = ap.parse_args()
    taggers = [load(spec) for spec in args.taggers]
    if args.sets is None:
        sets = [s for s in NATURAL_SETS if all(s in res for _, res in taggers)]
    else:
        sets = [s for s in args.sets.split(",") if s]
    if not sets:
        sys.exit("no natural set to pool")
    for name, res in taggers:
        missing = [s for s in sets if s not in res]
        if missing:
            sys.exit(f"{name}: no results for {', '.join(missing)}")
    sizes = [pooled(taggers[0][1], sets, keys)[1] for _, keys in COLUMNS]
    print("| tagger | " + " | ".join(f"{c} ({n:,})" for (c, _), n in zip(COLUMNS, sizes)) + " |")
    print("|---|" + "---:|" * len(COLUMNS))
    for name, res in taggers:
        print(f"| {name} | " + " | ".join(cell(*pooled(res, sets, keys)) for _, keys in COLUMNS) + " |")
    print()
    print("| tagger | " + " | ".join(sets) + " |")
    print("|---|" + "---:|" * len(sets))
    for name, res in taggers:
        print(f"| {name} | " + " | ".join(f"{100 * res[s]['all']['accuracy']:.1f}" for s in sets) + " |")


if __name__ == "__main__":
    main()
