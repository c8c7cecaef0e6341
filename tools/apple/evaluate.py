#!/usr/bin/env python3
"""Mention-level accuracy of an apple tagger. Python 3 standard library only.

    tools/apple/evaluate.py --model M.safetensors [--recur build/recur] [--data build/apple]
                            [--tests tests/apple] [--file X.jsonl ...] [--only dev,hand,probes]
                            [--json OUT.json]

A mention is a maximal run of characters with the same non-O gold label. The decision for a
mention is the argmax over {fruit, company} of the tagger's distribution at the mention's LAST
character, read from `recur probs --model M --text T --json` (one call per text: recur keeps no
state between calls, so texts cannot leak into each other; a unidirectional model's distribution
at a position depends only on the text up to it, so the decision uses only the text up to the
mention's end). A Transformer reads a text longer than its window (512) through reading_window().

Sets:
  dev      DATA/dev.jsonl, per language
  hand     TESTS/handwritten.en.txt and handwritten.zh.txt (format at the top of those files)
  heldout  TESTS/heldout.en.txt and heldout.zh.txt: a second hand-written set (session 3), by someone
           who had seen neither the generator nor the first set; its errors later shaped cue_mix.py
  heldout2 TESTS/heldout2.en.txt and heldout2.zh.txt: a third (session 4), written the same way; see
           models/apple-bilstm/README.md for what was decided before and after it was first scored
  probes   DATA/probes-<d>.jsonl for d = 0 25 50 100 200 400, per language and overall
  memory   TESTS/memory-probes.jsonl (tools/apple/probes.py): accuracy per language, sense and distance
           with 95 % Wilson intervals; the cue word is the only evidence
  control  the same probes with the cue word replaced by a neutral one: the share of fruit answers per
           language and distance (the tagger's default, against which the memory figures are read)
  natural  TESTS/natural.en.txt and natural.zh.txt, the frozen natural test set, per language and per cue
           position (before / far / after / both); scored once, for the final models of 2026-12-05
           (models/README.md has the figures): a tagger changed since needs a new set
  natural2 TESTS/natural2.en.txt and natural2.zh.txt: that new set (513 mentions, 145 of them with the cue
           only far before), written and frozen on 2026-12-05, scored once, for the taggers shipped on
           2026-12-06 (models/README.md has the figures): spent too
  natural3 TESTS/natural3.en.txt and natural3.zh.txt: a third such set (525 mentions, 168 of them far), written
           and frozen on 2026-12-06, scored once, for the taggers shipped on 2026-12-07: spent too (its 5
           mentions written 蘋果 reach the taggers as <unk>果: no vocabulary has 蘋)
  natural4 TESTS/natural4.en.txt and natural4.zh.txt: a fourth (553 mentions, 176 of them far), written and
           frozen on 2026-12-07, scored once, for the taggers shipped on 2026-12-07 (models/README.md has the
           figures): spent too
  natural5 TESTS/natural5.en.txt and natural5.zh.txt: a fifth (538 mentions, 188 of them far; an English far
           mention is spelt so that its casing does not tell the sense), written and frozen on 2026-12-07, scored
           once, for the same taggers (models/README.md has the figures): spent too
  natural6 TESTS/natural6.en.txt and natural6.zh.txt: a sixth (570 mentions, 240 of them far, spelt as natural5's),
           written and frozen on 2026-12-07 before an attempt it was to judge was trained, scored once, for the
           taggers shipped on 2026-12-07 and, for comparison, the attempt (models/README.md): spent too
  natural7 TESTS/natural7.en.txt and natural7.zh.txt: a seventh (529 mentions, 203 of them far, spelt as natural5's),
           written and frozen on 2026-12-07 before the BiLSTM tried with the narratives was trained, scored once,
           for the taggers shipped on 2026-12-07 and, for comparison, that BiLSTM (models/README.md): spent too
  natural8 TESTS/natural8.en.txt and natural8.zh.txt: an eighth (557 mentions, 213 of them far, spelt as natural5's),
           written and frozen on 2026-12-07 before the last stage of the streaming taggers retrained with the
           narratives cased as English is written, scored once, after their adoption, for the six taggers shipped
           then and, for comparison, the three they replaced (models/README.md): spent too
  natural9 TESTS/natural9.en.txt and natural9.zh.txt: a ninth (520 mentions, 196 of them far, spelt as natural5's),
           written and frozen on 2026-12-07 for the next tagger tried (the BiLSTM with the cased narratives),
           before it was trained, scored once, after neither of its two candidates was adopted, for the six
           taggers shipped then and, for comparison, the two candidates (models/README.md): spent too
  natural10 TESTS/natural10.en.txt and natural10.zh.txt: a tenth (554 mentions, 197 of them far, spelt as
           natural5's), written and frozen on 2026-12-07 as a reserve for the tagger tried after that, scored
           once, after the fine-tuned BiLSTM was adopted, for the six taggers shipped then and, for comparison,
           the BiLSTM it replaced (models/README.md): spent too
  natural11 TESTS/natural11.en.txt and natural11.zh.txt: an eleventh (698 mentions, 183 of them far, 209 before,
           spelt as natural5's), written and frozen on 2026-12-08 while the try after natural10 trained, scored once
           for the six taggers shipped then (read only after none of the try's three candidates was adopted) and,
           for comparison, the candidates (models/README.md): spent too
  natural12 TESTS/natural12.en.txt and natural12.zh.txt: a twelfth (683 mentions, 188 of them far, 216 before,
           spelt as natural5's), written and frozen unread on 2026-12-08 as a reserve for the next try, to be scored
           once, after that try's choice
  --file   any extra JSONL file(s) in the training format (e.g. tests/apple/slice.jsonl)
Prints a table; --json writes the same numbers (and, for the hand-written sets, every error);
--markdown FILE writes the Results section of a model card (the tables and the hand-written errors).
"""
import argparse
import json
import os
import re
import subprocess
import sys

DISTANCES = [0, 25, 50, 100, 200, 400]
# TESTS/<name>.en.txt and <name>.zh.txt
NATURAL_SETS = ("natural", "natural2", "natural3", "natural4", "natural5", "natural6", "natural7",
                "natural8", "natural9", "natural10", "natural11", "natural12")
# Mentions in hand-written text: apple / apples / apple's / apple’s / apples' in any case (not
# inside a longer word such as "pineapple" or "applesauce"), and 苹果 (or 蘋果, in traditional characters).
EN_MENTION = re.compile(r"(?<![A-Za-z])(?:apples['’](?![A-Za-z])|apple(?:s|['’]s)?(?![A-Za-z]))", re.IGNORECASE)
ZH_MENTION = re.compile(r"[苹蘋]果")


def gold_spans(labels):
    spans, start = [], None
    for i, l in enumerate(labels + ["O"]):
        if start is not None and (l != labels[start]):
            spans.append((start, i, labels[start]))
            start = None
        if start is None and l != "O" and i < len(labels):
            start = i
    return spans


def read_jsonl(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                out.append((d["text"], gold_spans(d["labels"]), d.get("lang", "?")))
    return out


def wilson(c, n, z=1.96):
    """95 % Wilson score interval of a proportion c/n, as (low, high)."""
    if n == 0:
        return (0.0, 1.0)
    p = c / n
    d = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / d
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / d
    return (max(0.0, mid - half), min(1.0, mid + half))


def tally(c, n):
    """c right of n, as the JSON reports it: counts, accuracy and its 95 % Wilson interval."""
    return {"correct": c, "mentions": n, "accuracy": c / n, "ci95": wilson(c, n)}


def read_memory(path):
    """The memory probes as items keyed by 'lang sense nominal', one mention each."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            out.append((d["text"], [(d["start"], d["end"], d["sense"])], f"{d['lang']} {d['sense']} {d['nominal']}"))
    return out


# The control's cue word: the memory probes' carriers read naturally with it, and it says nothing of either sense.
NEUTRAL_CUE = {"en": "weather", "zh": "天气"}


def read_control(path):
    """The memory probes with the cue word replaced by NEUTRAL_CUE, every mention counted as 'fruit', keyed by
    'lang nominal': 'right' is then the share of fruit answers, what the tagger says when nothing tells it."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            cue_end = d["start"] - d["gap"]  # (the cue word's letters may come again in the filler)
            text = d["text"][:cue_end - len(d["cue"])] + NEUTRAL_CUE[d["lang"]] + d["text"][cue_end:]
            shift = len(text) - len(d["text"])
            out.append((text, [(d["start"] + shift, d["end"] + shift, "fruit")], f"{d['lang']} {d['nominal']}"))
    return out


def tab_lines(path):
    """(line number, fields split at tabs) of a hand-written test file; '#' lines and blank lines skipped."""
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.strip() and not line.lstrip().startswith("#"):
                yield n, line.split("\t")


def read_natural(path, lang):
    """Lines 'LABELS<TAB>CUES<TAB>TEXT' (the frozen natural test set); items keyed by 'lang cue'."""
    out = []
    pat = EN_MENTION if lang == "en" else ZH_MENTION
    for n, fields in tab_lines(path):
        labels, cues, text = fields[0], fields[1], "\t".join(fields[2:])
        labels = [l.strip() for l in labels.split(",")]
        cues = [c.strip() for c in cues.split(",")]
        found = [(m.start(), m.end()) for m in pat.finditer(text)]
        if not (len(found) == len(labels) == len(cues)) or any(l not in ("fruit", "company") for l in labels) \
                or any(c not in ("before", "far", "after", "both") for c in cues):
            sys.exit(f"{path}:{n}: {len(labels)} labels and {len(cues)} cues for {len(found)} mentions")
        out += [(text, [(a, b, l)], f"{lang} {c}") for (a, b), l, c in zip(found, labels, cues)]
    return out


def read_handwritten(path, lang):
    """Lines 'LABELS<TAB>SENTENCE'; LABELS is a comma-separated list of fruit/company, one per
    mention in order of occurrence. '#' starts a comment line; blank lines are ignored."""
    out = []
    pat = EN_MENTION if lang == "en" else ZH_MENTION
    for n, fields in tab_lines(path):
        labels, text = fields[0], "\t".join(fields[1:])
        labels = [l.strip() for l in labels.split(",")]
        found = [(m.start(), m.end()) for m in pat.finditer(text)]
        if len(found) != len(labels) or any(l not in ("fruit", "company") for l in labels):
            sys.exit(f"{path}:{n}: {len(labels)} labels for {len(found)} mentions: {text!r}")
        out.append((text, [(a, b, l) for (a, b), l in zip(found, labels)], lang))
    return out


def reading_window(n, a, b, window, both_ways):
    """The characters [s, e) a Transformer reads to decide the mention [a, b) of a text of n characters
    when the text is longer than its window: left to right, the `window` characters that end with the
    mention (what it would read sliding along the text); both ways, the window centred on the mention,
    moved inside the text. Recurrent models (window None) read the whole text."""
    if window is None or n <= window:
        return 0, n
    if not both_ways:
        return max(0, b - window), b
    s = min(max(0, a - (window - (b - a)) // 2), n - window)
    return s, s + window


class Tagger:
    def __init__(self, recur, model):
        self.recur, self.model = recur, model
        # The model's config as the engine reads it (`recur info`, whose "config" line is its JSON).
        r = subprocess.run([recur, "info", "--model", model], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"recur info failed on {model}: {r.stderr.strip()}")
        c = json.loads(next(l for l in r.stdout.splitlines() if l.startswith("config ")).split(None, 1)[1])
        self.window = c.get("max_len") if c.get("cell") == "transformer" else None
        self.both_ways = bool(c.get("bidirectional"))

    def probs(self, text):
        r = subprocess.run([self.recur, "probs", "--model", self.model, "--text", text, "--json"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"recur probs failed on {text[:60]!r}: {r.stderr.strip()}")
        d = json.loads(r.stdout)
        if len(d["probs"]) != len(text):
            sys.exit(f"recur probs gave {len(d['probs'])} rows for {len(text)} characters")
        return d["symbols"], d["probs"]


def score(tagger, items):
    """-> dict lang -> [correct, total], plus a list of errors."""
    by_lang, errors = {}, []
    for text, spans, lang in items:
        if not spans:
            continue
        read = {}  # (s, e) -> probs of text[s:e]: one call per window read
        for a, b, gold in spans:
            s, e = reading_window(len(text), a, b, tagger.window, tagger.both_ways)
            if (s, e) not in read:
                read[s, e] = tagger.probs(text[s:e])
            symbols, probs = read[s, e]
            fi, ci = symbols.index("fruit"), symbols.index("company")
            row = probs[b - 1 - s]
            pred = "fruit" if row[fi] >= row[ci] else "company"
            c = by_lang.setdefault(lang, [0, 0])
            c[1] += 1
            if pred == gold:
                c[0] += 1
            else:
                errors.append({"text": text, "mention": text[a:b], "at": a, "gold": gold, "pred": pred,
                               "p_fruit": round(row[fi], 4), "p_company": round(row[ci], 4)})
    return by_lang, errors


def summary(by_lang):
    out = {}
    tot = [0, 0]
    for lang in sorted(by_lang):
        c, n = by_lang[lang]
        out[lang] = {"correct": c, "mentions": n, "accuracy": c / n}
        tot[0] += c
        tot[1] += n
    if tot[1]:
        out["all"] = {"correct": tot[0], "mentions": tot[1], "accuracy": tot[0] / tot[1]}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--recur", default="build/recur")
    ap.add_argument("--data", default="build/apple")
    ap.add_argument("--tests", default="tests/apple")
    ap.add_argument("--file", action="append", default=[])
    ap.add_argument("--only", default="dev,hand,heldout,heldout2,probes",
                    help="comma-separated subset of dev,hand,heldout,heldout2,probes,memory,control,"
                         + ",".join(NATURAL_SETS) + " ('' = none)")
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--markdown", help="write the model card's result tables here")
    args = ap.parse_args()
    tagger = Tagger(args.recur, args.model)
    only = [s for s in args.only.split(",") if s]
    res = {"model": args.model}
    rows = []

    def report(name, by_lang, errors=None):
        s = summary(by_lang)
        res[name] = s
        if errors is not None:
            res[name + " errors"] = errors
        rows.append((name, s))

    if "dev" in only:
        bl, _ = score(tagger, read_jsonl(os.path.join(args.data, "dev.jsonl")))
        report("dev", bl)
    for name, stem in (("hand", "handwritten"), ("heldout", "heldout"), ("heldout2", "heldout2")):
        if name in only:
            items = []
            for lang in ("en", "zh"):
                items += read_handwritten(os.path.join(args.tests, f"{stem}.{lang}.txt"), lang)
            bl, errs = score(tagger, items)
            report(name, bl, errs)
    if "memory" in only:
        bl, _ = score(tagger, read_memory(os.path.join(args.tests, "memory-probes.jsonl")))
        res["memory"] = {k: tally(c, n) for k, (c, n) in sorted(bl.items())}
        for lang in ("en", "zh"):
            for sense in ("fruit", "company"):
                cells = []
                for d in DISTANCES:
                    v = res["memory"].get(f"{lang} {sense} {d}")
                    cells.append(f"{100 * v['accuracy']:5.1f}" if v else "   - ")
                print(f"memory {lang} {sense:<8}" + " ".join(cells), file=sys.stderr)
    if "control" in only:
        bl, _ = score(tagger, read_control(os.path.join(args.tests, "memory-probes.jsonl")))
        res["control"] = {k: tally(c, n) for k, (c, n) in sorted(bl.items())}
        for lang in ("en", "zh"):
            cells = [f"{100 * res['control'][f'{lang} {d}']['accuracy']:5.1f}" for d in DISTANCES]
            print(f"control {lang} fruit answers " + " ".join(cells), file=sys.stderr)
    for name in NATURAL_SETS:
        if name not in only:
            continue
        items = read_natural(os.path.join(args.tests, f"{name}.en.txt"), "en")
        items += read_natural(os.path.join(args.tests, f"{name}.zh.txt"), "zh")
        bl, errs = score(tagger, items)
        res[name] = {k: tally(c, n) for k, (c, n) in sorted(bl.items())}
        for lang in ("en", "zh", ""):
            c = sum(v[0] for k, v in bl.items() if k.startswith(lang))
            n = sum(v[1] for k, v in bl.items() if k.startswith(lang))
            if n:
                res[name][lang or "all"] = tally(c, n)
        res[f"{name} errors"] = errs
        for k, v in sorted(res[name].items()):
            print(f"{name} {k:<10} {100 * v['accuracy']:5.1f}% ({v['correct']}/{v['mentions']}; 95 % interval "
                  f"{100 * v['ci95'][0]:.1f}-{100 * v['ci95'][1]:.1f})", file=sys.stderr)
    if "probes" in only:
        for d in DISTANCES:
            bl, _ = score(tagger, read_jsonl(os.path.join(args.data, f"probes-{d}.jsonl")))
            report(f"probe-{d}", bl)
    for path in args.file:
        bl, _ = score(tagger, read_jsonl(path))
        report(os.path.basename(path), bl)

    print(f"{args.model}")
    print(f"{'set':<16}{'en':>16}{'zh':>16}{'all':>16}")
    for name, s in rows:
        cells = []
        for lang in ("en", "zh", "all"):
            v = s.get(lang)
            cells.append(f"{100 * v['accuracy']:6.1f}% ({v['mentions']:>4})" if v else "-")
        print(f"{name:<16}" + "".join(f"{c:>16}" for c in cells))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(res, f, indent=1, ensure_ascii=False)
            f.write("\n")
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(markdown(res))


def markdown(res):
    """The result tables of a model card, from the numbers main() collected."""
    cell = lambda v: f"{100 * v['accuracy']:.1f}% ({v['correct']}/{v['mentions']})" if v else "-"
    pct = lambda v: f"{100 * v['accuracy']:.1f}%" if v else "-"
    out = []
    sets = [(k, n) for k, n in (("natural-dev.jsonl", "natural dev: real mentions (GCIDE, FOLDOC, Jargon File)"),
                                ("mined-dev.jsonl", "mined dev: real text, other fruit / companies replaced"),
                                ("dev", "generated dev"), ("hand", "hand-written"),
                                ("heldout", "held-out hand-written"),
                                ("heldout2", "third hand-written")) if k in res]
    if sets:
        out += ["| set | en | zh | all |", "|-----|----|----|-----|"]
        out += [f"| {n} | {cell(res[k].get('en'))} | {cell(res[k].get('zh'))} | {cell(res[k].get('all'))} |"
                for k, n in sets]
        out.append("")
    probes = [d for d in DISTANCES if f"probe-{d}" in res]
    if probes:
        out += ["| distance d | " + " | ".join(str(d) for d in probes) + " |",
                "|------------|" + "|".join("---" for _ in probes) + "|"]
        for lang in ("en", "zh", "all"):
            out.append(f"| {lang} | " + " | ".join(pct(res[f'probe-{d}'].get(lang)) for d in probes) + " |")
        out.append("")
    if "memory" in res:
        out += ["Memory probes (`tests/apple/memory-probes.jsonl`: a lone cue word, d characters of neutral text, "
                "then a neutral mention; 50 probes per cell, accuracy with 95 % Wilson interval):", "",
                "| probes | " + " | ".join(f"d = {d}" for d in DISTANCES) + " |",
                "|---|" + "|".join("---" for _ in DISTANCES) + "|"]
        for lang in ("en", "zh"):
            for sense in ("fruit", "company"):
                cells = []
                for d in DISTANCES:
                    v = res["memory"].get(f"{lang} {sense} {d}")
                    cells.append(f"{100 * v['accuracy']:.0f}% ({100 * v['ci95'][0]:.0f}–{100 * v['ci95'][1]:.0f})"
                                 if v else "-")
                out.append(f"| {lang}, {sense} cue | " + " | ".join(cells) + " |")
        out.append("")
    if "control" in res:
        out += ["Control: the same probes with the cue word replaced by “weather” / “天气”, which says nothing of "
                "either sense (100 probes per cell): the share answered fruit, with 95 % Wilson interval. "
                "It is what the tagger says at each distance when nothing tells it.", "",
                "| no cue | " + " | ".join(f"d = {d}" for d in DISTANCES) + " |",
                "|---|" + "|".join("---" for _ in DISTANCES) + "|"]
        for lang in ("en", "zh"):
            cells = [f"{100 * v['accuracy']:.0f}% ({100 * v['ci95'][0]:.0f}–{100 * v['ci95'][1]:.0f})"
                     for v in (res["control"][f"{lang} {d}"] for d in DISTANCES)]
            out.append(f"| {lang}, fruit answers | " + " | ".join(cells) + " |")
        out.append("")
    for key, title in (("hand", "Hand-written"), ("heldout", "Held-out hand-written"),
                       ("heldout2", "Third hand-written")):
        errs = res.get(key + " errors")
        if errs is None:
            continue
        out.append(f"{title} sentences it gets wrong ({len(errs)}):")
        out.append("")
        out += [f"- {e['text']} — `{e['mention']}` is {e['gold']}, P(fruit) = {e['p_fruit']:.2f}, "
                f"P(company) = {e['p_company']:.2f}" for e in errs]
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    main()
