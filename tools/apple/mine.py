#!/usr/bin/python3
"""Natural contexts for the apple taggers, labelled exactly by construction (standard library only).

    tools/apple/mine.py [OUT_DIR [DATA_DIR]]   (defaults build/apple and build/data; needs `make data` for
                                       DATA_DIR/zh-verse.train.txt and the Debian packages dict-gcide, dict-foldoc, dict-devil, jargon-text,
                                       bible-kjv-text, fortunes, manpages-zh)

Real text about other fruit or other companies, with that word replaced by apple / 苹果: the sense of every
replaced mention is known from the word it replaced, and everything around it is real writing.
  fruit,   English: GCIDE (Webster 1913), the King James Bible, the Devil's Dictionary, the fortunes; banana,
           pear, peach, plum, cherry, grape, fig, lemon, apricot, quince, melon, mango, pomegranate, strawberry,
           nectarine, and other fruit, nuts and vegetables (olive, almond, walnut, tomato, potato, onion, ...):
           the task is fruit versus company, and food is what tells the fruit. Articles are fixed
           ("a pear" -> "an apple"); number, case and possessives are kept.
  company, English: FOLDOC and the Jargon File; Microsoft, IBM, Intel, Sun, DEC, Xerox, Motorola, ...
           In a fifth of the windows the replaced mentions are written lower case, as people type in chat.
  fruit,   Chinese: Tang/Song verse, Song ci, Yuan qu (chinese-poetry, simplified by tools/data/verse_zh.py);
           桃 梨 橘 杏 枣 柿 橙 柑 荔枝 葡萄 石榴 樱桃 -> 苹果.
  company, Chinese: the Chinese man pages (manpages-zh); 微软 Windows Microsoft IBM Intel Sun HP Linux Unix ...
           -> 苹果.
One example is a window of whole sentences (at most WINDOW characters) from one entry, article, chapter,
poem or man page, holding at least one replaced mention; every occurrence of the replaced word in the window
is replaced, so later mentions in a window often depend on context further back. Entries that already
mention apple / 苹果 are never used for training: their real mentions, labelled by source (GCIDE: fruit or
plant; FOLDOC, the Jargon File and the man pages: company) and checked by hand, mention by mention
(natural-dev-checks.tsv: 593 mentions read, 1 relabelled, 4 dropped), make natural-dev.jsonl.

Writes (same JSONL as tools/apple/generate.py: text, labels per code point, lang, kind, source):
  mined-train.jsonl    training windows, weighted by WEIGHTS and packed like train.jsonl
  mined-dev.jsonl      windows from entries whose hash puts them in dev (never trained on)
  natural-dev.jsonl    windows around real mentions (never trained on)
  lm-extra.txt         the training windows as plain text, for the taggers' character-LM pre-training
  mined.sizes.json     counts per source, sense and language
"""
import gzip
import hashlib
import json
import os
import random
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data"))
import english_books as eb  # noqa: E402  (GCIDE, Jargon File, Devil's Dictionary and KJV readers)
from generate import MENTION, en_fortune_files, read_entries, hbucket, pack  # noqa: E402

SEED = 20261204
WINDOW = 420
# copies of each training window in mined-train.jsonl (a fraction: that share of the windows, drawn at random)
WEIGHTS = {("en", "fruit"): 2, ("en", "company"): 1, ("zh", "fruit"): 1 / 3, ("zh", "company"): 4}
FOLDOC = ("/usr/share/dictd/foldoc.index", "/usr/share/dictd/foldoc.dict.dz")
MAN_ZH = "/usr/share/man/zh_CN"
# The sections in a fixed order (the order matters: it feeds the shuffle). This is the order the shipped
# taggers' data was made in; any fixed order would do.
MAN_SECTIONS = ["man5", "man8", "man1", "man3", "man4", "man6", "man2", "man7"]
CHECKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "natural-dev-checks.tsv")

# English word -> its plural; the replacement keeps number and case.
EN_FRUIT = {"banana": "bananas", "pear": "pears", "peach": "peaches", "plum": "plums", "cherry": "cherries",
            "grape": "grapes", "fig": "figs", "lemon": "lemons", "apricot": "apricots", "quince": "quinces",
            "melon": "melons", "mango": "mangoes", "pomegranate": "pomegranates", "strawberry": "strawberries",
            "nectarine": "nectarines", "olive": "olives", "almond": "almonds", "walnut": "walnuts",
            "chestnut": "chestnuts", "coconut": "coconuts", "currant": "currants", "raspberry": "raspberries",
            "gooseberry": "gooseberries", "tomato": "tomatoes", "potato": "potatoes", "onion": "onions",
            "cucumber": "cucumbers", "carrot": "carrots", "turnip": "turnips", "pumpkin": "pumpkins"}
# Company names as written in the sources (case-sensitive); "Sun" and "Oracle" only in the computing texts.
EN_COMPANY = ["Sun Microsystems", "Digital Equipment Corporation", "Hewlett-Packard", "Silicon Graphics",
              "Texas Instruments", "Microsoft", "IBM", "Intel", "Sun", "DEC", "Xerox", "Motorola", "Compaq",
              "Novell", "Netscape", "Borland", "Oracle", "Google", "Nokia", "Samsung", "Sony", "Toshiba", "Dell",
              "Cisco", "Atari", "Commodore", "Unisys", "Cray", "AT&T", "Symantec", "Adobe", "SGI", "HP"]
ZH_FRUIT = ["荔枝", "葡萄", "石榴", "樱桃", "桃", "梨", "橘", "杏", "枣", "柿", "橙", "柑"]
ZH_COMPANY = ["Microsoft", "Windows", "Macintosh", "Solaris", "Linux", "Intel", "UNIX", "Unix", "微软", "IBM",
              "Sun", "HP", "BSD"]


def en_fruit_pattern():
    forms = sorted({f for s, p in EN_FRUIT.items() for f in (s, p)}, key=len, reverse=True)
    # "Fig." is GCIDE's abbreviation for "figuratively": a capitalised fig must not be followed by a period
    return re.compile(r"(?<![A-Za-z\-])(" + "|".join(forms) + r")(?![A-Za-z])(?!(?<=[Ff]ig)\.)", re.IGNORECASE)


def company_pattern(names):
    alts = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(r"(?<![A-Za-z0-9])(" + alts + r")(?![A-Za-z0-9])")


# The words a window's sense comes from, by (language, sense).
TARGETS = {("en", "fruit"): en_fruit_pattern(), ("en", "company"): company_pattern(EN_COMPANY),
           ("zh", "fruit"): re.compile("|".join(ZH_FRUIT)), ("zh", "company"): company_pattern(ZH_COMPANY)}


def sense_of(ex):
    """The label of an example's first mention."""
    return next(l for l in ex["labels"] if l != "O")


def en_surface(word, sense):
    """The replacement of an English word: Apple for a company; apple / apples / Apple / APPLES for a
    fruit, keeping number and case."""
    if sense == "company":
        return "Apple"
    low = word.lower()
    out = "apples" if low in EN_FRUIT.values() else "apple"
    if word.isupper() and len(word) > 1:
        return out.upper()
    return out.capitalize() if word[0].isupper() else out


def replace_en(text, pattern, sense, lower=False):
    """Replace every match (a possessive ending stays: "IBM's" -> "Apple's") and make "a" before it "an";
    returns (text, [(start, end)] of the replaced words)."""
    done, spans, pos = "", [], 0
    for m in pattern.finditer(text):
        done += text[pos:m.start()]
        done = re.sub(r"(?<![A-Za-z])([Aa])(\s+)$", lambda a: a.group(1) + "n" + a.group(2), done)
        word = en_surface(m.group(1), sense)
        word = word.lower() if lower else word
        spans.append((len(done), len(done) + len(word)))
        done += word
        pos = m.end()
    return done + text[pos:], spans


def replace_zh(text, pattern):
    """Replace every match with 苹果; spaces that only separated a Latin name from Chinese text go."""
    marked = pattern.sub("\x00", text)
    marked = re.sub(r"(?<=[\u4e00-\u9fff，。、：；！？（）]) +(?=\x00)|(?<=\x00) +(?=[\u4e00-\u9fff，。、：；！？（）])", "",
                    marked)
    spans, out = [], ""
    for c in marked:
        if c == "\x00":
            spans.append((len(out), len(out) + 2))
            c = "苹果"
        out += c
    return out, spans


def sentences(text, lang):
    if lang == "en":
        parts = re.split(r"(?<=[.!?;])(\s+)", text)
    else:
        parts = re.split(r"(?<=[。！？；\n])()", text)
    out, cur = [], ""
    for i, p in enumerate(parts):
        cur += p
        if i % 2 == 1 or i == len(parts) - 1:
            if cur.strip():
                out.append(cur)
            cur = ""
    return out


def windows(text, lang, has_target):
    """Windows of whole sentences, at most WINDOW characters, that contain a target word."""
    sents = sentences(text, lang)
    out, cur = [], ""
    for s in sents:
        if len(s) > WINDOW:
            if has_target(cur):
                out.append(cur)
            cur = ""
            continue
        if len(cur) + len(s) > WINDOW:
            if has_target(cur):
                out.append(cur)
            cur = ""
        cur += s
    if has_target(cur):
        out.append(cur)
    return [w.strip() for w in out if w.strip()]


def example(text, spans, sense, lang, kind, source):
    labels = ["O"] * len(text)
    for s, e in spans:
        # the mention label covers a glued plural/possessive ending, as generate.py labels "Apple's"
        m = re.match(r"(?:['’]s|s['’]|s)?", text[e:])
        for i in range(s, e + (len(m.group(0)) if lang == "en" and m else 0)):
            labels[i] = sense
    return {"text": text, "labels": labels, "lang": lang, "kind": kind, "source": source}


def check(ex):
    """Every mention the taggers' tokenizer sees is labelled, and nothing else is."""
    text, labels = ex["text"], ex["labels"]
    marked = [0] * len(text)
    for m in MENTION.finditer(text):
        for i in range(m.start(), m.end()):
            marked[i] = 1
    return all((labels[i] != "O") == bool(marked[i]) for i in range(len(text)))


# ---------------------------------------------------------------- sources

def foldoc_entries():
    out = []
    for _, raw in eb.dictd_articles(*FOLDOC):
        lines = eb.decode(raw).split("\n")
        body = " ".join(l.strip() for l in lines[1:] if l.strip())
        body = re.sub(r"\{([^{}]*)\}", r"\1", body)
        body = re.sub(r"\((\d{4}-\d{2}-\d{2})\)\s*$", "", body).strip()
        if body:
            out.append(body)
    return out


def fortune_entries():
    return [re.sub(r"\s+", " ", e) for path in en_fortune_files() for e in read_entries(path)]


URLISH = re.compile(r"\w\.apple|apple\.\w|/apple|apple/|_apple|apple_|apple-touch", re.IGNORECASE)
ROFF_ESC = re.compile(r"\\f[BIRPC]|\\f\(..|\\s[+-]?\d|\\&|\\\^|\\\||\\c")


def man_zh_entries():
    entries = []
    for section in MAN_SECTIONS:
        folder = os.path.join(MAN_ZH, section)
        for f in sorted(os.listdir(folder)):
            if not f.endswith(".gz"):
                continue
            with gzip.open(os.path.join(folder, f), "rb") as fh:
                raw = fh.read().decode("utf-8", errors="replace")
            text = []
            for line in raw.split("\n"):
                if line.startswith((".\\\"", "'\\\"")) or line.startswith((".TH", ".so", ".de", ".nf", ".fi")):
                    continue
                if line.startswith("."):
                    parts = line.split(None, 1)
                    line = parts[1] if len(parts) > 1 and parts[0] in (".B", ".I", ".BR", ".IR", ".RB", ".RI",
                                                                        ".BI", ".IB", ".SH", ".SS") else ""
                    line = line.replace('"', "")
                line = ROFF_ESC.sub("", line).replace("\\-", "-").replace("\\e", "\\").replace("\\(em", "—")
                line = re.sub(r"\\\(..|\\[a-zA-Z*]", "", line).strip()
                if line:
                    text.append(line)
            # an entry: consecutive sentences of one page, up to four windows of them
            cur = ""
            for sent in re.split(r"(?<=[。！？])\s*(?=\S)", " ".join(text)):
                if cur and len(cur) + len(sent) > 4 * WINDOW:
                    entries.append(cur)
                    cur = ""
                cur += sent
            if cur:
                entries.append(cur)
    return [e for e in entries if re.search(r"[\u4e00-\u9fff]", e)]


def verse_entries(path):
    with open(path, encoding="utf-8") as f:
        return [p.strip() for p in f.read().split("\n\n") if p.strip()]


# ---------------------------------------------------------------- neutral text

# Words and characters that tell either sense; neutral sentences contain none of them.
EN_SENSE_WORDS = set("""eat eats eating ate eaten food foods fruit fruits tree trees orchard garden sweet sour taste
    drink drinks wine cook cooking dinner supper breakfast lunch meal bread cake feast hungry kitchen plant plants
    seed seeds flower flowers leaf leaves grow grows harvest farm farmer vine juice pie cider berry berries nut nuts
    computer computers machine machines program programs programming software hardware data file files system systems
    user users code byte bytes bit bits network networks language languages memory disk unix windows internet
    protocol server compiler processor chip chips version interface terminal keyboard screen display operating
    phone telephone money stock stocks shares market markets company companies business corporation firm price
    prices dollar dollars bank profit product products technology electronic electric device devices""".split())
ZH_SENSE_CHARS = set("果食吃甜酒园树花摘熟枝叶林瓜味餐饭饮茶菜蔬电机网股价钱金商司市器械") | set("".join(ZH_FRUIT))
ZH_SENSE_WORDS = ["系统", "程序", "文件", "软件", "数据", "用户", "命令", "网络", "内核", "硬件", "屏幕", "键盘", "终端"]


def neutral_sentences(entries, lang):
    """Sentences of the given entries with no word of either sense, no target word and no mention."""
    targets = [p for (l, _), p in TARGETS.items() if l == lang]
    out = []
    for e in entries:
        for sent in sentences(e, lang):
            t = sent.strip()
            if MENTION.search(t) or any(p.search(t) for p in targets):
                continue
            if lang == "en":
                words = set(re.findall(r"[a-z]+", t.lower()))
                if 20 <= len(t) <= 160 and t[0].isupper() and not words & EN_SENSE_WORDS:
                    out.append(t)
            elif 6 <= len(t) <= 60 and "\ufffd" not in t and not set(t) & ZH_SENSE_CHARS \
                    and not any(w in t for w in ZH_SENSE_WORDS):
                out.append(t)
    return out


def with_neutral(rng, ex, pool):
    """The window with neutral sentences of the other sources put in: before its first mention (at a
    sentence boundary, so earlier cues move further back) for half the windows, and after the window for
    a quarter; up to WINDOW characters in all. Both senses get the same treatment, so the style of a
    source (verse, dictionary, man page) stops telling the sense; only the window's own words do."""
    text, labels, lang = ex["text"], ex["labels"], ex["lang"]
    sep = " " if lang == "en" else ""
    room = WINDOW - len(text)
    first = next(i for i, l in enumerate(labels) if l != "O")  # the first mention's position

    def fill(limit):
        out = ""
        while True:
            s = rng.choice(pool)
            if len(out) + len(sep) + len(s) > limit:
                return out
            out += (sep if out else "") + s

    if room > 20 and rng.random() < 0.5:
        bounds = [0] + [m.end() for m in re.finditer(r"[.!?;。！？；]\s*" if lang == "en" else r"[。！？；]", text[:first])]
        at = rng.choice(bounds)
        ins = fill(rng.randint(20, room))
        if ins:
            ins += sep
            if lang == "en" and at > 0 and not text[at - 1].isspace():
                ins = " " + ins
            text, labels = text[:at] + ins + text[at:], labels[:at] + ["O"] * len(ins) + labels[at:]
            room -= len(ins)
    if room > 20 and rng.random() < 0.25:
        ins = fill(rng.randint(20, room))
        if ins:
            text, labels = text + sep + ins, labels + ["O"] * (len(sep) + len(ins))
    return dict(ex, text=text, labels=labels)


# ---------------------------------------------------------------- main

def apply_checks(natural):
    """Corrections from reading every real mention in context (tools/apple/natural-dev-checks.tsv)."""
    fixes = {}
    with open(CHECKS, encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                key, index, action = line.split("\t")[:3]
                fixes[(key, int(index))] = action
    used = 0
    for ex in natural:
        key = hashlib.sha256(ex["text"].encode()).hexdigest()[:12]
        for k, m in enumerate(MENTION.finditer(ex["text"])):
            action = fixes.get((key, k))
            if action:
                used += 1
                for i in range(m.start(), m.end()):
                    ex["labels"][i] = "O" if action == "drop" else action
    if used != len(fixes):
        sys.exit(f"mine.py: {len(fixes) - used} of the checks in {CHECKS} match no mention")


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "build/apple"
    verse = os.path.join(sys.argv[2] if len(sys.argv) > 2 else "build/data", "zh-verse.train.txt")
    os.makedirs(out_dir, exist_ok=True)
    if not os.path.exists(verse):
        sys.exit(f"mine.py: {verse} is missing; run `make data` first")
    rng = random.Random(SEED)
    sources = [
        ("gcide", "en", "fruit", lambda: eb.gcide_entries()[0]),
        ("kjv", "en", "fruit", lambda: eb.kjv_entries()[0]),
        ("devil", "en", "fruit", lambda: eb.devil_entries()[0]),
        ("fortunes", "en", "fruit", fortune_entries),
        ("foldoc", "en", "company", foldoc_entries),
        ("jargon", "en", "company", lambda: eb.jargon_entries()[0]),
        ("verse", "zh", "fruit", lambda: verse_entries(verse)),
        ("manpages-zh", "zh", "company", man_zh_entries),
    ]
    train, dev, natural, sizes = [], [], [], {}
    neutral_entries = {"en": [], "zh": []}
    for source, lang, sense, read in sources:
        stat = sizes.setdefault(source, {"entries": 0, "train": 0, "dev": 0, "natural": 0, "dropped": 0})
        for entry in read():
            entry = entry.replace("\t", " ").strip()
            if lang == "en":
                entry = re.sub(r"\s*\n\s*", " ", entry)
            stat["entries"] += 1
            held_out = hbucket(source + ":" + entry, "apple-mined-v1") < 5
            # a tenth of the training-side entries of every source feed the neutral sentences
            if not held_out and hbucket(entry, "apple-neutral-v1") < 10:
                neutral_entries[lang].append(entry)
            if MENTION.search(entry):
                # real mentions: windows around them, labelled by source (the verse and the fortunes are
                # not labelled: their few mentions mix senses and idioms)
                if source in ("gcide", "foldoc", "jargon", "manpages-zh"):
                    for w in windows(entry, lang, lambda t: MENTION.search(t) is not None):
                        if URLISH.search(w):
                            continue  # developer.apple.com, apple-touch-icon.png: names, not words
                        spans = [(m.start(), m.end()) for m in MENTION.finditer(w)]
                        natural.append(example(w, spans, sense, lang, "natural", source))
                        stat["natural"] += 1
                continue
            pattern = TARGETS[(lang, sense)]
            for w in windows(entry, lang, lambda t: pattern.search(t) is not None):
                if lang == "en":
                    lower = sense == "company" and rng.random() < 0.2
                    text, spans = replace_en(w, pattern, sense, lower)
                else:
                    text, spans = replace_zh(w, pattern)
                if not spans:
                    continue
                ex = example(text, spans, sense, lang, "mined", source)
                if not check(ex):
                    stat["dropped"] += 1
                    continue
                if held_out:
                    dev.append(ex)
                    stat["dev"] += 1
                    continue
                train.append(ex)
                stat["train"] += 1
    apply_checks(natural)
    natural = [ex for ex in natural if any(l != "O" for l in ex["labels"])]
    rng.shuffle(train)
    # balance the four (language, sense) groups: the verse has ten times the windows of the others
    weighted = []
    for ex in train:
        w = WEIGHTS[(ex["lang"], sense_of(ex))]
        weighted += [ex] * int(w) + ([ex] if rng.random() < w - int(w) else [])
    pools = {lang: neutral_sentences(es, lang) for lang, es in neutral_entries.items()}
    weighted = [with_neutral(rng, ex, pools[ex["lang"]]) for ex in weighted]
    bad = [ex for ex in weighted if not check(ex)]
    if bad:
        sys.exit(f"mine.py: {len(bad)} windows lost their labels when neutral text was put in")
    sizes["neutral sentences"] = {lang: len(p) for lang, p in pools.items()}
    rng.shuffle(weighted)
    for name, rows in (("mined-train.jsonl", pack(weighted)), ("mined-dev.jsonl", dev), ("natural-dev.jsonl", natural)):
        with open(os.path.join(out_dir, name), "w", encoding="utf-8") as f:
            for ex in rows:
                f.write(json.dumps(ex, ensure_ascii=False) + "\n")
    with open(os.path.join(out_dir, "lm-extra.txt"), "w", encoding="utf-8") as f:
        for ex in train:
            f.write(ex["text"] + "\n\n")
    mentions = {}
    for split, rows in (("train", train), ("dev", dev), ("natural", natural)):
        for ex in rows:
            key = f"{split} {ex['lang']} {sense_of(ex)}"
            mentions[key] = mentions.get(key, 0) + 1
    sizes["windows by split, language and sense"] = mentions
    sizes["train characters"] = sum(len(ex["text"]) for ex in train)
    sizes["mined-train.jsonl characters (weighted)"] = sum(len(ex["text"]) for ex in weighted)
    with open(os.path.join(out_dir, "mined.sizes.json"), "w") as f:
        json.dump(sizes, f, indent=1, ensure_ascii=False, sort_keys=True)
        f.write("\n")
    print(json.dumps(sizes, ensure_ascii=False, sort_keys=True), file=sys.stderr)


if __name__ == "__main__":
    main()
