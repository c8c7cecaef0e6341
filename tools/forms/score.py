#!/usr/bin/python3
"""Scores verse-form classifiers and the Naive Bayes baseline. Python 3 standard library only.

    tools/forms/score.py [--model NAME=M.safetensors ...] [--naive-bayes] [--recur build/recur]
                         [--data build/data] [--sets val,test,composed] [--json OUT] [--markdown OUT]

Sets: val and test are DATA/zh-forms.{val,test}.jsonl (tools/data/verse_forms.py, one passage per
held-out poem); composed is tests/forms/composed.zh.jsonl, new passages written in each form by
someone who had seen neither the data nor any model (frozen before training).
A model's answer is the argmax of `recur probs --model M --text T --json` (one call per text).
Reported per set: accuracy with its 95 % Wilson interval, macro-F1 with a 95 % bootstrap interval
(2,000 resamples of the passages, seed 1), the confusion matrix, accuracy by passage length, and
for each model the paired bootstrap interval of its accuracy minus the baseline's.
"""
import argparse
import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "apple"))
from evaluate import wilson  # noqa: E402
from naive_bayes import NaiveBayes  # noqa: E402

LABELS = ["诗经", "唐诗", "宋词", "元曲"]
LENGTHS = [(1, 24), (25, 44), (45, 64)]
RESAMPLES = 2000


def read(path):
    with open(path, encoding="utf-8") as f:
        return [(d["text"], d["label"]) for d in map(json.loads, filter(str.strip, f))]


def classify(recur, model, text):
    r = subprocess.run([recur, "probs", "--model", model, "--text", text, "--json"], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"recur probs failed on {text[:40]!r}: {r.stderr.strip()}")
    d = json.loads(r.stdout)
    row = d["probs"][0]
    return d["symbols"][max(range(len(row)), key=row.__getitem__)]


def macro_f1(gold, pred):
    f1 = []
    for l in LABELS:
        tp = sum(g == l and p == l for g, p in zip(gold, pred))
        fp = sum(g != l and p == l for g, p in zip(gold, pred))
        fn = sum(g == l and p != l for g, p in zip(gold, pred))
        f1.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1) / len(f1)


def report(gold, texts, pred, base=None):
    n = len(gold)
    right = [g == p for g, p in zip(gold, pred)]
    rng = random.Random(1)
    f1s, diffs = [], []
    for _ in range(RESAMPLES):
        idx = [rng.randrange(n) for _ in range(n)]
        f1s.append(macro_f1([gold[i] for i in idx], [pred[i] for i in idx]))
        if base is not None:
            diffs.append(sum(right[i] - (gold[i] == base[i]) for i in idx) / n)
    f1s.sort()
    out = {"passages": n, "correct": sum(right), "accuracy": sum(right) / n, "ci95": wilson(sum(right), n),
           "macro_f1": macro_f1(gold, pred), "macro_f1_ci95": (f1s[int(0.025 * RESAMPLES)], f1s[int(0.975 * RESAMPLES) - 1]),
           "confusion": {g: {p: sum(a == g and b == p for a, b in zip(gold, pred)) for p in LABELS} for g in LABELS},
           "by_length": {}}
    for lo, hi in LENGTHS:
        sel = [r for r, t in zip(right, texts) if lo <= len(t) <= hi]
        out["by_length"][f"{lo}-{hi}"] = {"passages": len(sel), "accuracy": sum(sel) / len(sel) if sel else None}
    if base is not None:
        diffs.sort()
        out["minus_baseline"] = {"accuracy": (sum(right) - sum(g == b for g, b in zip(gold, base))) / n,
                                 "ci95": (diffs[int(0.025 * RESAMPLES)], diffs[int(0.975 * RESAMPLES) - 1])}
    return out


def pct(x):
    return f"{100 * x:.1f}"


def markdown(results):
    lines = []
    for s, models in results.items():
        lines += [f"**{s}** ({next(iter(models.values()))['passages']} passages)", "",
                  "| model | accuracy [95 % CI] | macro-F1 [95 % CI] | minus baseline [95 % CI] |", "|---|---|---|---|"]
        for name, r in models.items():
            d = r.get("minus_baseline")
            lines.append(f"| {name} | {pct(r['accuracy'])} [{pct(r['ci95'][0])}–{pct(r['ci95'][1])}] | "
                         f"{pct(r['macro_f1'])} [{pct(r['macro_f1_ci95'][0])}–{pct(r['macro_f1_ci95'][1])}] | "
                         + (f"{d['accuracy'] * 100:+.1f} [{d['ci95'][0] * 100:+.1f} to {d['ci95'][1] * 100:+.1f}]" if d else "—") + " |")
        lines.append("")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", action="append", default=[], help="NAME=PATH")
    ap.add_argument("--naive-bayes", action="store_true")
    ap.add_argument("--recur", default="build/recur")
    ap.add_argument("--data", default="build/data")
    ap.add_argument("--sets", default="val,test,composed")
    ap.add_argument("--json")
    ap.add_argument("--markdown")
    a = ap.parse_args()
    paths = {"val": os.path.join(a.data, "zh-forms.val.jsonl"), "test": os.path.join(a.data, "zh-forms.test.jsonl"),
             "composed": os.path.join(HERE, "..", "..", "tests", "forms", "composed.zh.jsonl")}
    nb = None
    if a.naive_bayes:
        nb = NaiveBayes(read(os.path.join(a.data, "zh-forms.train.jsonl")))
        tuned = nb.tune(read(paths["val"]))
        print(f"naive Bayes: alpha {nb.alpha} (val accuracy by alpha: {tuned})")
    results = {}
    for s in a.sets.split(","):
        rows = read(paths[s])
        texts, gold = [t for t, _ in rows], [l for _, l in rows]
        base = [nb.predict(t) for t in texts] if nb else None
        results[s] = {}
        if nb:
            results[s]["naive Bayes (char 1-3-grams)"] = report(gold, texts, base)
        for spec in a.model:
            name, path = spec.split("=", 1)
            results[s][name] = report(gold, texts, [classify(a.recur, path, t) for t in texts], base)
    text = markdown(results)
    print(text)
    for s, models in results.items():
        for name, r in models.items():
            print(f"{s} {name} confusion (rows gold, columns predicted {' '.join(LABELS)}): "
                  + "; ".join(f"{g} " + " ".join(str(r['confusion'][g][p]) for p in LABELS) for g in LABELS)
                  + " | by length " + ", ".join(f"{k}: {v['accuracy'] and pct(v['accuracy'])} of {v['passages']}"
                                               for k, v in r["by_length"].items()))
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1, ensure_ascii=False)
    if a.markdown:
        with open(a.markdown, "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
