#!/usr/bin/env python3
"""Refreshes the measured parts of an apple tagger's model card and its check.json.

    tools/apple/card.py --card models/NAME/README.md [--log TRAIN.log] --eval EVAL.json --slice SLICE.json

The card's prose stays hand-written; what a training run measures is written between markers:
  <!-- generated: training -->   training time and the validation lines, from the `recur train` log
  <!-- generated: results -->    the tables and hand-written errors (evaluate.py --json), and the slice
each block ending at <!-- /generated -->. check.json next to the card gets the slice accuracy as
"expected" (tests/models checks the shipped weights against it). Python 3 standard library only.
"""
import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from evaluate import markdown  # noqa: E402


def training_block(log):
    done = re.search(r"trained (\d+) steps in ([\d:]+) \((\d+) chars/s\)", log)
    if not done:
        sys.exit("card.py: the log has no 'trained N steps' line: did the training finish?")
    vals = re.findall(r"step (\d+): validation loss ([\d.]+), accuracy ([\d.]+)", log)
    init = re.search(r"initialised (\d+) of (\d+) parameters from (\S+)", log)
    out = [f"Training time on this 2-core VM: **{done.group(2)}** for {int(done.group(1)):,} steps "
           f"({int(done.group(3)):,} labelled characters/s)."]
    if init:
        out.append(f"Initialised {int(init.group(1)):,} of {int(init.group(2)):,} parameters from "
                   f"`{os.path.basename(init.group(3))}`.")
    if vals:
        out.append("Validation (dev, every character) during training: " +
                   "; ".join(f"step {s}: loss {l}, accuracy {a}" for s, l, a in vals) + ".")
    return "\n".join(out) + "\n"


def results_block(res, slc):
    s = slc["slice.jsonl"]["all"]
    return (markdown(res) + "\nFast check: `tests/apple/slice.jsonl` (50 English and 50 Chinese dev-style lines, "
            f"{s['mentions']} mentions): **{100 * s['accuracy']:.1f}%** ({s['correct']}/{s['mentions']}).\n")


def replace(card, name, body):
    pat = re.compile(r"(<!-- generated: " + name + r" -->\n).*?(<!-- /generated -->)", re.S)
    if not pat.search(card):
        sys.exit(f"card.py: no '<!-- generated: {name} -->' block in the card")
    return pat.sub(lambda m: m.group(1) + body + m.group(2), card)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for a in ("card", "eval", "slice"):
        ap.add_argument("--" + a, required=True)
    ap.add_argument("--log", help="the training log; without it the training block is left as it is "
                                  "(re-evaluating shipped weights, e.g. on a new test set)")
    args = ap.parse_args()
    with open(args.card, encoding="utf-8") as f:
        card = f.read()
    if args.log:
        with open(args.log, encoding="utf-8") as f:
            card = replace(card, "training", training_block(f.read()))
    with open(args.eval, encoding="utf-8") as f:
        res = json.load(f)
    with open(args.slice, encoding="utf-8") as f:
        slc = json.load(f)
    card = replace(card, "results", results_block(res, slc))
    with open(args.card, "w", encoding="utf-8") as f:
        f.write(card)
    check_path = os.path.join(os.path.dirname(args.card), "check.json")
    with open(check_path, encoding="utf-8") as f:
        check = json.load(f)
    check["expected"] = round(slc["slice.jsonl"]["all"]["accuracy"], 4)
    with open(check_path, "w", encoding="utf-8") as f:
        json.dump(check, f)
        f.write("\n")


if __name__ == "__main__":
    main()
