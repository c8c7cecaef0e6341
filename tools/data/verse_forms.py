#!/usr/bin/python3
# Builds the labelled data of the verse-form classifier (zh-forms): short passages of Chinese verse,
# each labelled with the collection its poem comes from, which is exact by construction:
#   诗经 (shijing), 唐诗 (全唐诗, tang), 宋词 (全宋词, songci), 元曲 (yuanqu).
# The poems are verse_zh.py's (same cleaning, opencc t2s, exact duplicates dropped). The 全宋诗,
# 楚辞, 曹操 and 纳兰 poems are left out: Song shi has the same forms as Tang shi, and the other
# three are too small to be classes.
# Splits by whole poems, fixed by a hash (its own salt, 80/10/10, so that the 305 poems of 诗经
# leave about 30 for test).
# A passage: the poem's body on one line (line breaks dropped: a visitor types verse without
# them), cut into sentences ending in 。？！；, then whole sentences from a start sentence while they
# fit a target length L (at least one sentence; one longer than MAX_CHARS is cut there).
#   train: PER_CLASS passages per class, so the classes are balanced (诗经 poems are read many times,
#          from different start sentences and lengths; 唐诗 only a sample of its poems);
#          start and L (MIN_CHARS..MAX_CHARS) drawn from a seeded generator.
#   val, test: one passage per poem, from its first sentence, L drawn from the poem's hash; at most
#          EVAL_PER_CLASS poems per class (the first in hash order).
# Character policy: the VOCAB_SIZE most frequent characters of the train passages (ties by code
# point) are kept; every other character becomes U+FFFD in all splits.
# Output (default build/data/): zh-forms.{train,val,test}.jsonl ({"text", "label"} per line, as
# `recur train --task classifier` reads), zh-forms.sizes.json.
#   /usr/bin/python3 tools/data/verse_forms.py [OUT_DIR]
import json
import os
import random
import re
from collections import Counter

import common
import verse_zh

LABELS = {"shijing": "诗经", "tang": "唐诗", "songci": "宋词", "yuanqu": "元曲"}
SALT = "recur-zh-forms-v1\n"
SPLIT_RULE = "sha256(salt + body) first 8 bytes as big-endian integer mod 100: <80 train, <90 val, else test"
PER_CLASS = 12000
EVAL_PER_CLASS = 400
MIN_CHARS, MAX_CHARS = 10, 64
VOCAB_SIZE = 3000
SEED = 1
SENTENCE = re.compile("[^。？！；]*[。？！；]|[^。？！；]+$")


def sentences(body):
    return SENTENCE.findall(body.replace("\n", ""))


def passage(sents, start, limit):
    """Whole sentences from sents[start] while they fit limit characters; at least one, cut at MAX_CHARS."""
    out = sents[start]
    for s in sents[start + 1:]:
        if len(out) + len(s) > limit:
            break
        out += s
    return out[:MAX_CHARS]


def length_of(d):
    """An evaluation passage's target length, drawn from the poem's digest."""
    return MIN_CHARS + int.from_bytes(d[8:12], "big") % (MAX_CHARS - MIN_CHARS + 1)


def main():
    out_dir = common.output_dir("verse_forms", "verse_forms.py [OUT_DIR]   (default build/data)")
    version = verse_zh.check_package()
    poems, _, _ = verse_zh.read_poems()
    split = {s: {l: [] for l in LABELS.values()} for s in verse_zh.SPLITS}
    for name, body in poems:
        if name not in LABELS:
            continue
        sents = sentences(body)
        if not sents:
            continue
        d = common.digest(SALT, body)
        split[common.split_of(d, 80, 90)][LABELS[name]].append((d, sents))
    del poems
    for s in split.values():
        for items in s.values():
            items.sort()

    rng = random.Random(SEED)
    rows = {s: [] for s in verse_zh.SPLITS}
    for label, items in split["train"].items():
        order = list(range(len(items)))
        rng.shuffle(order)
        for i in range(PER_CLASS):
            sents = items[order[i % len(order)]][1]
            rows["train"].append((passage(sents, rng.randrange(len(sents)), rng.randint(MIN_CHARS, MAX_CHARS)), label))
    rng.shuffle(rows["train"])
    for s in ("val", "test"):
        for label, items in split[s].items():
            rows[s] += [(passage(sents, 0, length_of(d)), label) for d, sents in items[:EVAL_PER_CLASS]]
        rows[s].sort(key=lambda r: common.digest(SALT, r[0]))  # interleave the labels

    counts = Counter(c for text, _ in rows["train"] for c in text)
    ranked = [c for c, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    kept = set(ranked[:VOCAB_SIZE])
    files = {}
    for s in verse_zh.SPLITS:
        path = os.path.join(out_dir, f"zh-forms.{s}.jsonl")
        replaced = chars = 0
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            for text, label in rows[s]:
                chars += len(text)
                replaced += sum(1 for c in text if c not in kept)
                text = "".join(c if c in kept else verse_zh.REPLACEMENT for c in text)
                f.write(json.dumps({"text": text, "label": label}, ensure_ascii=False) + "\n")
        files[s] = {"passages": len(rows[s]), "characters": chars, "replaced_characters": replaced,
                    "coverage": round(1 - replaced / chars, 5),
                    "per_label": dict(sorted(Counter(l for _, l in rows[s]).items())),
                    "mean_length": round(chars / len(rows[s]), 1)}
    poems_per_split = {s: {l: len(v) for l, v in split[s].items()} for s in verse_zh.SPLITS}
    sizes = {
        "corpus": "zh-forms", "source_package": f"{verse_zh.PACKAGE}@{version} (npm, MIT)",
        "labels": LABELS, "salt": SALT.strip(), "split_rule": SPLIT_RULE,
        "passage_rule": f"whole sentences (ending 。？！；) from a start sentence within L characters, "
                        f"L in {MIN_CHARS}..{MAX_CHARS}; train: {PER_CLASS} per label, seed {SEED}; "
                        f"val/test: one per poem from its start, at most {EVAL_PER_CLASS} poems per label",
        "character_policy": f"the {VOCAB_SIZE} most frequent characters of the train passages; others -> U+FFFD",
        "distinct_train_characters": len(ranked), "poems": poems_per_split, "files": files,
    }
    with open(os.path.join(out_dir, "zh-forms.sizes.json"), "w", encoding="utf-8") as f:
        json.dump(sizes, f, indent=2, ensure_ascii=False)
        f.write("\n")
    for s in verse_zh.SPLITS:
        print(f"{s}: {files[s]['passages']} passages, {files[s]['characters']} chars, coverage "
              f"{files[s]['coverage']:.4f}, poems {poems_per_split[s]}")


if __name__ == "__main__":
    main()
