#!/usr/bin/python3
"""The memory experiment's probes: a cue word, d characters of neutral text, then a mention of apple / 苹果.

    tools/apple/probes.py [OUT [DATA_DIR]]   (defaults tests/apple/memory-probes.jsonl and build/data; standard
                                              library only; needs the fortunes packages and DATA_DIR/{en,zh}.train.txt
                                              from `make data`)

The cue word is the only evidence of the sense. It sits in a carrier sentence that says nothing else
("We talked about the juice." / "我们聊到了果汁。"); then come d characters of filler; then a sentence
that ends in the mention and says nothing either ("I kept thinking about the apple" / "我一直在想那个苹果";
the generator's neutral frames, where the taggers saw both senses alike). In English half of each
sense's mentions are "apple" and half "Apple", so the spelling tells nothing.
Filler: whole sentences of fortune cookies (Debian fortunes, fortunes-zh) of the generator's held-out
half, which no tagger trained on, minus every sentence the taggers' character LMs read, with every
fruit, food, plant, computing and money word removed: the same kind of neutral text the generator puts
between cue and mention in both senses, so its style tells nothing either.
Per distance and language, PER_CELL probes of each sense. Each JSONL line: text, lang, sense, nominal
(the distance asked for), distance (characters of filler: whole sentences, so within a few characters
of nominal; 0 = the mention's sentence follows the cue's), gap (characters from the end of the cue word
to the start of the mention), cue, start and end (the mention's code points, end exclusive). The file is
committed: the page, tools/apple/evaluate.py and the tests read these probes and no others.
"""
import json
import os
import random
import re
import sys

from generate import FORTUNES, en_fortune_files, en_sentences, is_dev, read_entries, zh_sentences
from mine import EN_FRUIT, EN_COMPANY, ZH_FRUIT

SEED = 20261204
DISTANCES = [0, 25, 50, 100, 200, 400]
PER_CELL = 50  # probes per (language, distance, sense)

CUES = {
    ("en", "fruit"): ["juice", "pie", "orchard", "banana", "cider", "crumble", "seeds", "peel", "jam", "smoothie",
                      "fruit salad", "harvest"],
    ("en", "company"): ["iPhone", "iPad", "MacBook", "laptop", "software", "stock price", "smartphone", "CEO",
                        "keynote", "app store", "update", "charger"],
    ("zh", "fruit"): ["果汁", "香蕉", "果园", "果皮", "水果", "果酱", "果篮", "果树", "果盘", "沙拉", "甜点", "果核"],
    ("zh", "company"): ["手机", "电脑", "股价", "发布会", "系统", "软件", "笔记本", "平板", "充电器", "官网", "耳机",
                        "屏幕"],
}
CARRIERS = {"en": ["We talked about the {}.", "I thought about the {}.", "Then there was the {}."],
            "zh": ["我们聊到了{}。", "我想起了{}。", "然后说到{}。"]}
MENTION_FRAMES = {"en": ["I kept thinking about the {}", "In the end it was all about the {}",
                         "Now all I want is the {}"],
                  "zh": ["我一直在想那个{}", "最后还是选了{}", "好想要一个{}"]}
# Words that would be evidence of either sense: never in the filler.
EN_BANNED = set(EN_FRUIT) | set(EN_FRUIT.values()) | {w.lower() for w in EN_COMPANY} | {
    c.lower() for (lang, _), cs in CUES.items() if lang == "en" for c in cs} | set("""
    eat eats eating eaten food foods fruit fruits tree trees orchard garden sweet sour taste tastes drink drinks
    wine cook cooks cooking dinner supper breakfast lunch meal bread cake feast hungry appetite stomach kitchen
    plant plants seed flower flowers leaf leaves grow grows harvest farmer farm vine juice pie cider
    computer computers machine machines phone telephone software program programs money stock stocks shares
    market markets company companies business trade trader price prices dollar dollars bank banks profit
    invest investor investment corporation firm sell sells sold buy buys bought shop store stores product
    products technology engine electric electricity device devices""".split())
ZH_BANNED = set("果食吃甜酒园树花摘熟枝叶林瓜柿味餐饭饮茶菜蔬香蕉电机网股价钱金商司市器械") | set("".join(ZH_FRUIT))
# Stricter than generate.MENTION on purpose: no "pineapple" or "applesauce" in the filler either.
MENTION = re.compile(r"apple|苹果", re.IGNORECASE)


def fortune_filler(lang, data_dir):
    """Held-out fortune sentences (the generator's dev half) that no character LM read, cues removed."""
    with open(os.path.join(data_dir, f"{lang}.train.txt"), encoding="utf-8") as f:
        lm_text = f.read()
    paths = [os.path.join(FORTUNES, n) for n in ("chinese", "tang300", "song100")] if lang == "zh" \
        else en_fortune_files()
    out = set()
    for path in paths:
        for e in read_entries(path):
            if not is_dev(f"{lang}:{e}"):
                continue
            for s in (en_sentences(e) if lang == "en" else zh_sentences(e)):
                if MENTION.search(s) or s in lm_text or (lang == "zh" and s.replace(",", "，") in lm_text):
                    continue
                if lang == "en":
                    ws = set(re.findall(r"[a-z]+", s.lower()))
                    if len(s) <= 120 and s[-1] in ".!?" and not ws & EN_BANNED:
                        out.add(s)
                elif len(s) <= 30 and not set(s) & ZH_BANNED and s[-1] in "。！？":
                    out.add(s)
    return sorted(out)


def filler(rng, pool, lang, n):
    """Whole sentences, about n characters (nothing for n = 0): sentences that fit while one does, then,
    if more than 10 characters are still missing, the shortest of a few more."""
    sep = " " if lang == "en" else ""
    out = ""
    while True:
        room = n - len(out) - (len(sep) if out else 0)
        if room <= 0:
            return out
        cands = [rng.choice(pool) for _ in range(50)]
        fit = [c for c in cands if len(c) <= room]
        if fit:
            out += (sep if out else "") + fit[0]
            continue
        if not out or room > 10:
            out += (sep if out else "") + min(cands, key=len)
        return out


def probe(rng, pools, lang, sense, d, upper=False):
    cue = rng.choice(CUES[(lang, sense)])
    carrier = rng.choice(CARRIERS[lang])
    frame = rng.choice(MENTION_FRAMES[lang])
    sep = " " if lang == "en" else ""
    fill = filler(rng, pools[lang], lang, d)
    text = carrier.format(cue) + sep + (fill + sep if fill else "") + frame[:frame.index("{}")]
    cue_end = carrier.index("{}") + len(cue)
    start = len(text)
    text += ("Apple" if upper else "apple") if lang == "en" else "苹果"
    return {"text": text, "lang": lang, "sense": sense, "nominal": d, "distance": len(fill),
            "gap": start - cue_end, "cue": cue, "start": start, "end": len(text)}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/apple/memory-probes.jsonl"
    data_dir = sys.argv[2] if len(sys.argv) > 2 else "build/data"
    for lang in ("en", "zh"):
        if not os.path.exists(os.path.join(data_dir, f"{lang}.train.txt")):
            sys.exit(f"probes.py: {data_dir}/{lang}.train.txt is missing; run `make data` first")
    pools = {"en": fortune_filler("en", data_dir), "zh": fortune_filler("zh", data_dir)}
    rng = random.Random(SEED)
    rows = []
    for d in DISTANCES:
        for lang in ("en", "zh"):
            for sense in ("fruit", "company"):
                rows += [probe(rng, pools, lang, sense, d, i % 2 == 1) for i in range(PER_CELL)]
    with open(out, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{out}: {len(rows)} probes; filler sentences en {len(pools['en'])}, zh {len(pools['zh'])}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
