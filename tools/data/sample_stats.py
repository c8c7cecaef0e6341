#!/usr/bin/python3
# Measures what a language model's samples look like, for the model cards: N samples from one
# prompt with seeds 1..N (`recur generate`, so nothing is picked by hand), then per sample the
# longest run of whitespace, the share of CJK ideographs, and for verse the lengths of clauses
# (the text between ，。？！；：、 or a line break). Standard library only.
#   /usr/bin/python3 tools/data/sample_stats.py --model M --prompt "The " --length 400 \
#       --temperature 0.5 [--top-p 0.95] --samples 20 [--recur build/recur] [--show 3] [--avoid-unknown]
import argparse
import json
import re
import subprocess
import sys

CLAUSE_END = re.compile(r"[，。？！；：、\n]")


def is_cjk(ch):
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def stats(text):
    runs = [len(m.group()) for m in re.finditer(r"\s+", text)]
    clauses = [c for c in CLAUSE_END.split(text) if c]
    lengths = [len(c) for c in clauses]
    return {
        "longest_whitespace": max(runs, default=0),
        "cjk_share": sum(map(is_cjk, text)) / max(1, len(text)),
        "clauses": len(lengths),
        "clauses_5_or_7": sum(1 for n in lengths if n in (5, 7)),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--prompt", required=True)
    ap.add_argument("--length", type=int, default=400)
    ap.add_argument("--temperature", default="0.5")
    ap.add_argument("--top-p", default="1")
    ap.add_argument("--samples", type=int, default=20)
    ap.add_argument("--recur", default="build/recur")
    ap.add_argument("--show", type=int, default=0, help="print the first SHOW samples in full")
    ap.add_argument("--avoid-unknown", action="store_true")
    a = ap.parse_args()
    rows = []
    for seed in range(1, a.samples + 1):
        cmd = [a.recur, "generate", "--model", a.model, "--prompt", a.prompt, "--length", str(a.length),
               "--temperature", a.temperature, "--top-p", a.top_p, "--seed", str(seed)] + (["--avoid-unknown"] if a.avoid_unknown else [])
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        text = out[len(a.prompt):] if out.startswith(a.prompt) else out
        rows.append(stats(text))
        if seed <= a.show:
            print(f"--- seed {seed} ---\n{out}")
    n = len(rows)
    clauses = sum(r["clauses"] for r in rows)
    summary = {
        "samples": n,
        "with_20_plus_whitespace": sum(r["longest_whitespace"] >= 20 for r in rows),
        "with_10_plus_whitespace": sum(r["longest_whitespace"] >= 10 for r in rows),
        "longest_whitespace": max(r["longest_whitespace"] for r in rows),
        "cjk_share_mean": round(sum(r["cjk_share"] for r in rows) / n, 4),
        "cjk_share_min": round(min(r["cjk_share"] for r in rows), 4),
        "clauses_5_or_7_share": round(sum(r["clauses_5_or_7"] for r in rows) / clauses, 4) if clauses else None,
    }
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
