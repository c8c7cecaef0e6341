#!/usr/bin/python3
"""The memory experiment's probes: a cue word, d characters of neutral text, then a mention of apple / 苹果.

    tools/apple/probes.py [OUT [DATA_DIR [APPLE_DIR]]]   (defaults tests/apple/memory-probes.jsonl, build/data and
        build/apple; needs DATA_DIR/{en,en-books,zh}.train.txt and zh-verse.test.txt from `make data`,
        DATA_DIR/austen.txt from tools/data/austen.py, the training files of `make apple-data` in APPLE_DIR,
        and opencc;
        `make apple-probes` runs all of it)

The cue word is the only evidence of the sense. It sits in a carrier sentence that says nothing else
("We talked about the juice." / "我们聊到了果汁。"); then come d characters of filler; then a sentence
that ends in the mention and says nothing either ("I kept thinking about the apple" / "我一直在想那个苹果";
the generator's neutral frames, where the taggers saw both senses alike). In English half of each
sense's mentions are "apple" and half "Apple", so the spelling tells nothing.
Filler: whole sentences, none twice in a probe, that the character LMs did not read and the taggers did
not train on (compared by their letters alone, Chinese in simplified form), without a cue word or any
fruit, food, plant, drink, computing or money word of the lists below. English: Jane Austen's novels.
Chinese: lines of classical verse from the Chinese verse corpus's test split, none with a character the
corpus replaced as rare (there is no Chinese everyday prose the models did not read). Both are older
registers than the taggers' modern company text, and their mined fruit text is old dictionary prose and
verse: the filler's style may lean fruit, which is why the two senses are reported apart (and the
evaluation's control shows each tagger's answer without a cue).
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

from generate import FORTUNES, en_sentences, is_dev, read_entries, zh_sentences
from mine import EN_FRUIT, EN_COMPANY, ZH_FRUIT  # (puts tools/data on the path)
from verse_zh import t2s  # noqa: E402

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
    products technology engine electric electricity device devices fortune fortunes rich riches wealth wealthy
    thousand thousands pound pounds shilling shillings guinea guineas income annum pay pays paid paying debt
    debts cost costs bargain purse estate estates property tea dine dines dined dining ate meat cheese cream
    sugar gardens grove groves""".split())
# Checked on the simplified form (tools/data's opencc t2s): the 诗经 in fortunes-zh is traditional.
ZH_BANNED = set("果食吃甜酒园树花摘熟枝叶林瓜柿味餐饭饮茶菜蔬香蕉梅莓棠米肉喝粮饥饿饱渴醉宴筵糖酥粥羹馔黍稻禾粟豆"
                "电机网股价钱金商司市器械富贵银卖买财利贾") | set("".join(ZH_FRUIT))
# Computing prose (most of fortunes-zh's "chinese" file is Debian Reference) is company evidence: the
# company cues include 系统 and 软件.
ZH_TECH = re.compile("[A-Za-z]|" + "|".join("""命令 用户 系统 文件 程序 软件 数据 安装 目录 服务 内核 配置 设置 硬件 模块 参数
    选项 脚本 代码 编译 版本 终端 进程 内存 磁盘 分区 字符 编码 格式 接口 设备 驱动 日志 权限 密码 帐号 账号 操作
    管理 界面 窗口 桌面 文档 输出 输入 运行 执行 调试 链接 端口 协议 地址 主机 键盘 鼠标 屏幕 源码 发行 升级 编程 优化 电脑 网络""".split()))
# Stricter than generate.MENTION on purpose: no "pineapple" or "applesauce" in the filler either.
MENTION = re.compile(r"apple|苹果", re.IGNORECASE)


def letters(text, lang):
    """The letters alone (lower case) or the Chinese characters alone: what the 'read' check compares."""
    return re.sub(r"[^a-z]", "", text.lower()) if lang == "en" else re.sub(r"[^\u3400-\u9fff]", "", text)


# The taggers' training files in APPLE_DIR (tools/apple/apple.mk): generated, mined, story, narrative and
# lone-cue examples.
TRAINING_FILES = ["train.jsonl", "mined-train.jsonl", "train-extra.jsonl", "train-mix.jsonl", "train-story.jsonl",
                  "train-narrative.jsonl"] + \
    [f"train-lone-{d}.jsonl" for d in (0, 60, 200, 430)]


def read_texts(lang, data_dir, apple_dir):
    """What the character LMs read in this language and what the taggers trained on: a list of (letters of
    the text, the characters it keeps or None). Chinese in simplified form. The fortunes' LM text has every
    rare character replaced by U+FFFD, which letters() drops: a sentence is compared with it with the
    characters that text lacks dropped too."""
    names = [os.path.join(data_dir, n) for n in (["en.train.txt", "en-books.train.txt"] if lang == "en"
                                                 else ["zh.train.txt"])]
    out = []
    for path in names + [os.path.join(apple_dir, "lm-extra.txt")]:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        kept = set(text) - {"\ufffd"} if "\ufffd" in text else None
        out.append((letters(text if lang == "en" else "\n".join(t2s(text.split("\n"))), lang), kept))
    lines = []
    for name in TRAINING_FILES:
        with open(os.path.join(apple_dir, name), encoding="utf-8") as f:
            lines += [json.loads(line)["text"].replace("\n", " ") for line in f]
    out.append((letters("\n".join(lines) if lang == "en" else "\n".join(t2s(lines)), lang), None))
    return out


def unread(pool, lang, texts):
    """The sentences of pool whose letters are in none of texts (read_texts()), each as that text has them.
    One pass over each text: a sentence can be in it only where its first letters are."""
    k = 8
    keep = [True] * len(pool)
    for text, kept in texts:
        forms = pool if kept is None else ["".join(c for c in s if c in kept) for s in pool]
        lets = [letters(f, lang) for f in (forms if lang == "en" else t2s(forms))]
        by_head = {}
        for i, t in enumerate(lets):
            if len(t) < k:
                keep[i] = keep[i] and t not in text
            else:
                by_head.setdefault(t[:k], []).append(i)
        for p in range(len(text) - k + 1):
            for i in by_head.get(text[p:p + k], ()):
                if keep[i] and text.startswith(lets[i], p):
                    keep[i] = False
    return [s for s, ok in zip(pool, keep) if ok]


def candidates(lang, data_dir):
    """English: Austen's sentences (tools/data/austen.py); Chinese: the sentences of the Chinese verse
    corpus's test split (tools/data/verse_zh.py; the taggers' mined windows come from its training split)."""
    if lang == "en":
        with open(os.path.join(data_dir, "austen.txt"), encoding="utf-8") as f:
            for para in f.read().split("\n\n"):
                # "Mr Darcy" for "Mr. Darcy", so that the sentence split does not break at the title
                yield from en_sentences(re.sub(r"\b(Mr|Mrs|Dr|St)\.", r"\1", para))
        return
    with open(os.path.join(data_dir, "zh-verse.test.txt"), encoding="utf-8") as f:
        for poem in f.read().split("\n\n"):
            yield from (s for s in zh_sentences(poem) if "\ufffd" not in s)  # no rare character lost


def zh_candidates(half):
    """The fortunes-zh sentences of the generator's held-out ("dev") or training ("train") half."""
    for name in ("chinese", "tang300", "song100"):
        for e in read_entries(os.path.join(FORTUNES, name)):
            if is_dev(f"zh:{e}") == (half == "dev"):
                yield from zh_sentences(e)


def says_nothing(s, lang):
    """No word of either sense: the banned lists, computing words, the cues. Chinese in simplified form."""
    if MENTION.search(s):
        return False
    if lang == "en":
        words = set(re.findall(r"[a-z]+", s.lower()))
        return not words & EN_BANNED and not any(re.search(rf"\b{re.escape(c)}\b", s, re.IGNORECASE)
                                                 for c in CUES[("en", "fruit")] + CUES[("en", "company")])
    return not set(s) & ZH_BANNED and not ZH_TECH.search(s) and \
        not any(c in s for c in CUES[("zh", "fruit")] + CUES[("zh", "company")])


def neutral(sents, lang):
    """The whole, clean sentences among sents that say nothing of either sense, sorted, each once. Also the
    lone-cue training filler's rule (tools/apple/generate.py)."""
    if lang == "en":
        # no quotation marks (a sentence may start inside one quotation and end in another), no initials
        sents = sorted(s for s in set(sents) if len(s) <= 120 and s[-1] in ".!?"
                       and '"' not in s and not re.search(r"\b[A-Z]\.$", s))
        checked = sents
    else:
        sents = sorted(s for s in set(sents) if len(s) <= 30 and s[-1] in "。！？"
                       and not re.search("[][‘’“”《》()（）]", s))
        checked = t2s(sents)
    return [s for s, c in zip(sents, checked) if says_nothing(c, lang)]


def shares_a_sentence(sents, others):
    """For each Chinese sentence of sents: whether it lies within one of others or holds one, compared by
    their characters in simplified form (tools/apple/generate.py keeps the lone cues' filler apart from its
    dev set's this way)."""
    theirs = {letters(s, "zh") for s in t2s(sorted(set(others)))} - {""}
    joined = "|".join(theirs)
    return [t in joined or any(t[i:j] in theirs for i in range(len(t)) for j in range(i + 1, len(t) + 1))
            for t in (letters(s, "zh") for s in t2s(sents))]


def filler_pool(lang, data_dir, apple_dir):
    """Whole, clean sentences that no model read and that say nothing of either sense."""
    return unread(neutral(candidates(lang, data_dir), lang), lang, read_texts(lang, data_dir, apple_dir))


def filler(rng, pool, lang, n):
    """Whole sentences, about n characters (nothing for n = 0): sentences that fit while one does, then,
    if more than 10 characters are still missing, the shortest of a few more."""
    sep = " " if lang == "en" else ""
    out = ""
    while True:
        room = n - len(out) - (len(sep) if out else 0)
        if room <= 0:
            return out
        draws = [rng.choice(pool) for _ in range(50)]
        cands = [c for c in draws if c not in out] or draws  # none twice while the pool allows
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
    apple_dir = sys.argv[3] if len(sys.argv) > 3 else "build/apple"
    for path in [os.path.join(data_dir, n) for n in ("en.train.txt", "en-books.train.txt", "zh.train.txt",
                                                      "zh-verse.test.txt", "austen.txt")] + \
            [os.path.join(apple_dir, n) for n in TRAINING_FILES + ["lm-extra.txt"]]:
        if not os.path.exists(path):
            sys.exit(f"probes.py: {path} is missing; run `make apple-probes`")
    pools = {lang: filler_pool(lang, data_dir, apple_dir) for lang in ("en", "zh")}
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
