#!/usr/bin/python3
# Builds the Chinese classical-verse corpus (zh-verse) for the character LM from the npm package
# chinese-poetry 2.0.1 (MIT; pinned in tools/data/package.json, installed by `npm ci` in tools/data).
# Deterministic train/val/test splits by whole poems (a SHA-256 of a salt and the poem's body picks
# the split, 96/2/2), a fixed character policy, simplified characters throughout (Debian's opencc,
# t2s). Standard library only, plus the opencc command.
#   cd tools/data && npm ci --no-audit --no-fund && cd ../..
#   /usr/bin/python3 tools/data/verse_zh.py [OUT_DIR]        (default build/data)
#
# Sources (verse only; paths under node_modules/chinese-poetry/dist):
#   shijing  诗经        shijing/shijing.json ("content")
#   chuci    楚辞        chuci/chuci.json ("content")
#   caocao   曹操诗集    caocaoshiji/caocao.json
#   tang     全唐诗      quantangshi/poet.tang.*.json and 唐诗补录.json (traditional characters)
#   songshi  全宋诗      quantangshi/poet.song.*.json (traditional characters)
#   songci   全宋词      songci/ci.song.*.json (including ci.song.2019y.json)
#   yuanqu   元曲        yuanqu/yuanqu.json (散曲 and 杂剧 arias; stage directions and the spoken
#                        prose they introduce are removed)
#   nalan    纳兰性德    nalanxingde/纳兰性德诗集.json ("para"; Qing 词, lines mostly unpunctuated)
#   The rest of the package is skipped; SKIPPED below says why for each part.
# Entry = the poem's body only (no title or author), one line per paragraph as the JSON gives it.
# Cleaning, in order, per poem:
#   NFC; a poem is dropped if it shows lost or corrupt text: placeholder squares/circles (□ ■ ○ ● ...),
#   an ellipsis, U+FFFD, or a bracketed note about a gap (（下缺）, （缺词文）, 闕文 ...); so are
#   catalogue cards (诗题：… 首句：…, 出处：…) that stand in for a poem;
#   a single ideograph in square brackets ([傅] 〔态〕: a character the editors supplied) keeps the
#   character; {…} descriptions of characters Unicode lacks become the character when
#   quantangshi/表面结构字.json gives exactly one, else U+FFFD (an ordinary rare character here);
#   every other bracketed span, nested and across lines, is removed: editorial notes (（一作…）,
#   〔…〕, [一] footnote marks, 〖…〗), sources, stage directions ((末云) (正旦唱)); in 元曲 the
#   spoken prose after a (…云) or (…白) direction goes too, up to the next (…唱); a poem whose
#   brackets do not balance is dropped. Whitespace is removed (inside a line, U+3000 marks a lost
#   character: dropped); half-width , . ? ! : ; become full-width, ASCII quotes become “ ” in
#   turn, a run of marks like "？。" becomes one, 々 repeats the character before it; lines
#   without an ideograph are dropped. A poem that still holds anything but ideographs and the
#   full-width punctuation in PUNCT (Latin letters, digits, kana, box drawing: mostly mis-decoded
#   text) is dropped, as is one shorter than 8 characters.
#   Then opencc t2s (all sources, so variants like 於/于 agree), NFC again, and exact duplicate
#   bodies are kept once (the first seen, sources in the order above).
# Character policy (as in prepare_corpora.py): count characters on the training split only; keep
#   the VOCAB_SIZE most frequent (ties by code point) plus "\n"; every other character becomes
#   U+FFFD in all splits, so "rare character" is an ordinary trained symbol and the n-gram baseline
#   and the network score the same text. sizes.json has the coverage for 3000/3500/4000; 3500
#   keeps a 2 x 256 LSTM with 64-wide embeddings under 8 MB.
# Output (default build/data/): zh-verse.{train,val,test}.txt (entries in hash order, which
#   shuffles sources, separated by one blank line), zh-verse.test.<source>.txt (the test entries of
#   each source), zh-verse.eval-slice.txt (the first whole test entries reaching 2000 characters),
#   zh-verse.sizes.json.
import glob
import json
import os
import re
import subprocess
import sys
import unicodedata
from collections import Counter

import common

PACKAGE = "chinese-poetry"
PACKAGE_VERSION = "2.0.1"
PACKAGE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "node_modules", PACKAGE)
OPENCC_CONFIG = "t2s.json"
SPLITS = ("train", "val", "test")
SALT = "recur-zh-verse-v1\n"  # changing it reshuffles every split
SPLIT_RULE = "sha256(salt + body) first 8 bytes as big-endian integer mod 100: <96 train, <98 val, else test"
REPLACEMENT = "\ufffd"
VOCAB_SIZE = 3500
COVERAGE_SIZES = (3000, 3500, 4000)
MIN_CHARS = 8
EVAL_SLICE_CHARS = 2000
MODEL_BYTES = "(64 + 256 + 1) * V * 4 + 0.86e6 * 4, V = kept characters + newline + U+FFFD"

# (name, collection, file patterns under dist/, key holding the lines)
SOURCES = [
    ("shijing", "诗经", ["shijing/shijing.json"], "content"),
    ("chuci", "楚辞", ["chuci/chuci.json"], "content"),
    ("caocao", "曹操诗集", ["caocaoshiji/caocao.json"], "paragraphs"),
    ("tang", "全唐诗", ["quantangshi/poet.tang.*.json", "quantangshi/唐诗补录.json"], "paragraphs"),
    ("songshi", "全宋诗", ["quantangshi/poet.song.*.json"], "paragraphs"),
    ("songci", "全宋词", ["songci/ci.song.*.json"], "paragraphs"),
    ("yuanqu", "元曲", ["yuanqu/yuanqu.json"], "paragraphs"),
    ("nalan", "纳兰性德诗集", ["nalanxingde/纳兰性德诗集.json"], "para"),
]
DRAMA = {"yuanqu"}  # sources whose spoken prose (宾白) is removed, see strip_brackets
SKIPPED = {
    "quantangshi/error/": "the same 全唐诗/全宋诗 poems as the main files, with quality flags; not a separate collection",
    "quantangshi/唐诗三百首.json": "an anthology of poems already in 全唐诗 "
                                   "(variant texts would leak near-duplicates across splits)",
    "songci/宋词三百首.json": "an anthology: 270 of its 280 poems are already in 全宋词",
    "yudingquantangshi/": "御定全唐诗, a second edition of 全唐诗 (same poems, other line grouping): near-duplicates",
    "shuimotangshi/": "176 Tang poems already in 全唐诗, plus prose commentary",
    "wudaishici/": "花间集 and 南唐二主词: about two thirds are in 全唐诗's 词 volumes as variant texts "
                   "(near-duplicates); the 花间集 preface is prose",
    "mengxue/": "蒙学 primers (三字经, 千字文...), prose or anthologies of poems already included",
    "lunyu/, sishuwujing/, youmengying/": "prose",
    "strains/": "tonal patterns (平仄) of the 全唐诗/全宋诗 poems, not text",
    "rank/": "search-engine hit counts",
    "authors*.json, songci/author.song.json": "biographies",
    "quantangshi/表面结构字.json": "not text: used as the lookup table for {…} character descriptions",
}

CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x323AF))
PUNCT = set("，。？！、；：“”‘’「」『』《》〈〉—")
HALF_TO_FULL = str.maketrans({",": "，", ".": "。", "?": "？", "!": "！", ":": "：", ";": "；", "．": "。"})
LOST = re.compile("[□■○●◻◼▢◯〇△▲◆◇×…\ufffd]")
GAP_NOTE = re.compile("[缺闕阙]")
CATALOGUE = re.compile("詩題：|诗题：|首句：|出處：|出处：")  # 全宋诗 index cards: title + first line, no poem
OPEN = "（([［〔【〖"
CLOSE = "）)]］〕】〗"
EMENDED = re.compile(r"[\[〔]([^\W\d_一二三四五六七八九十])[\]〕]")  # not ［］: role labels in 元曲
IDS = re.compile(r"\{([^{}\n]{1,12})\}|<([^<>\n]{2,3})>")
IDS_PARTS = re.compile(r"[\u2e80-\u2fdf\u31c0-\u31ef\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U000323af/|=⿰-⿻]+")
PUNCT_RUN = re.compile("[，。；：？！、]{2,}")  # "？。" (mostly 元曲): one mark, ？ or ！ if present, else the last
SPACES = re.compile(r"[ \t\xa0\u2000-\u200b\u202f\u205f\ufeff]")


def is_cjk(ch):
    o = ord(ch)
    return any(a <= o <= b for a, b in CJK_RANGES)


def is_cjk_fast(ch, _cache={}):
    r = _cache.get(ch)
    if r is None:
        r = _cache[ch] = is_cjk(ch)
    return r


def strip_brackets(text, drop_speech=False):
    """Removes bracketed spans (nested, across lines). Returns (text, removed spans) or (None, None).
    drop_speech (元曲): a stage direction with 云 or 白 ("(正末云)", "(带云)") starts spoken prose,
    which is removed up to the next direction with 唱, 云了 or 云住 (sung text follows)."""
    out, spans, depth, cur, speech = [], [], 0, [], False
    for ch in text:
        if ch in OPEN:
            depth += 1
            cur.append(ch)
        elif ch in CLOSE:
            if depth == 0:
                return None, None
            depth -= 1
            cur.append(ch)
            if depth == 0:
                span = "".join(cur)
                spans.append(span)
                cur = []
                if drop_speech:
                    if "唱" in span or "云了" in span or "云住" in span:
                        speech = False
                    elif "云" in span or "白" in span:
                        speech = True
        elif depth:
            cur.append(ch)
        elif not speech or ch == "\n":
            out.append(ch)
    if depth:
        return None, None
    return "".join(out), spans


def clean_poem(lines, ids_map, stats, drop_speech=False):
    """The cleaned body as a list of lines, or None (the reason is counted in stats)."""
    text = unicodedata.normalize("NFC", "\n".join(l for l in lines if isinstance(l, str)))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    if LOST.search(text):
        stats["dropped_lost_or_corrupt_text"] += 1
        return None
    if CATALOGUE.search(text):
        stats["dropped_catalogue_entries"] += 1
        return None
    text = EMENDED.sub(r"\1", text)

    def describe(m):
        desc = m.group(1) or m.group(2)
        if not IDS_PARTS.fullmatch(desc):
            return m.group(0)  # not a character description: left for the checks below
        stats["described_characters"] += 1
        fonts = ids_map.get("{" + desc + "}", [])
        return fonts[0] if len(fonts) == 1 and len(fonts[0]) == 1 else REPLACEMENT

    text = IDS.sub(describe, text)
    text, spans = strip_brackets(text, drop_speech) if any(c in text for c in OPEN + CLOSE) else (text, [])
    if text is None:
        stats["dropped_unbalanced_brackets"] += 1
        return None
    if any(GAP_NOTE.search(s) for s in spans):
        stats["dropped_lost_or_corrupt_text"] += 1
        return None
    stats["bracketed_notes_removed"] += len(spans)
    out = []
    for line in text.split("\n"):
        line = SPACES.sub("", line).strip("\u3000")
        if "\u3000" in line:
            stats["dropped_lost_or_corrupt_text"] += 1
            return None
        line = line.translate(HALF_TO_FULL)
        if '"' in line:
            parts = line.split('"')
            line = parts[0] + "".join(("“" if i % 2 else "”") + p for i, p in enumerate(parts[1:], 1))
        line = PUNCT_RUN.sub(lambda m: next((c for c in m.group(0) if c in "？！"), m.group(0)[-1]), line)
        while "々" in line:
            i = line.index("々")
            line = line[:i] + (line[i - 1] if i else "") + line[i + 1:]
        line = line.lstrip("，。、；：？！")
        if any(is_cjk_fast(c) for c in line):
            out.append(line)
    bad = {c for l in out for c in l if c not in PUNCT and c != REPLACEMENT and not is_cjk_fast(c)}
    if bad:
        stats["dropped_unexpected_characters"] += 1
        stats["_bad"].update(bad)
        return None
    if sum(len(l) for l in out) < MIN_CHARS:
        stats["dropped_too_short_or_empty"] += 1
        return None
    return out


def poems_of(name, patterns, key):
    dist = os.path.join(PACKAGE_DIR, "dist")
    files = []
    for pat in patterns:
        found = sorted(glob.glob(os.path.join(dist, pat)))
        if not found:
            sys.exit(f"verse_zh: {name}: nothing matches dist/{pat}")
        files += found
    for path in files:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        for poem in data:
            yield poem.get(key) or []


def opencc_version():
    r = subprocess.run(["opencc", "--version"], capture_output=True, text=True)
    m = re.search(r"Version:\s*(\S+)", r.stdout + r.stderr)
    return m.group(1) if m else (r.stdout + r.stderr).strip()


def t2s(lines):
    """Converts a list of lines (none holding a newline) with one opencc process."""
    r = subprocess.run(["opencc", "-c", OPENCC_CONFIG], input="\n".join(lines) + "\n",
                       capture_output=True, text=True, encoding="utf-8")
    if r.returncode:
        sys.exit(f"verse_zh: opencc failed: {r.stderr.strip()}")
    out = r.stdout.split("\n")
    if out[-1] == "":
        out.pop()
    if len(out) != len(lines):
        sys.exit(f"verse_zh: opencc returned {len(out)} lines for {len(lines)}")
    return out


def digest(body):
    return common.digest(SALT, body)


def write(path, entries, kept):
    text = "\n\n".join(entries) + "\n" if entries else ""
    replaced = sum(1 for c in text if c not in kept)
    text = "".join(c if c in kept else REPLACEMENT for c in text)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    return {"entries": len(entries), "characters": len(text), "bytes": len(text.encode("utf-8")),
            "replaced_characters": replaced}


def text_stats(entries, kept):
    chars = sum(len(e) for e in entries)
    newlines = sum(e.count("\n") for e in entries)
    verse = chars - newlines
    cjk = sum(1 for e in entries for c in e if is_cjk_fast(c))
    return {"entries": len(entries), "characters": chars, "characters_without_newlines": verse,
            "cjk_share": round(cjk / verse, 4) if verse else None,
            "described_characters_as_U+FFFD": sum(e.count(REPLACEMENT) for e in entries),
            "replaced_characters": sum(1 for e in entries for c in e if c not in kept)}


def read_poems():
    """Every kept poem as (source, body), simplified, in the sources' order, exact duplicates
    dropped (the first seen is kept); with the per-source counts and the duplicates per source."""
    with open(os.path.join(PACKAGE_DIR, "dist", "quantangshi", "表面结构字.json"), encoding="utf-8") as f:
        ids_map = {k: [x["font"] for x in v] for k, v in json.load(f).items()}

    # 1. read and clean, source by source
    cleaned, per_source = [], {}  # cleaned: (source, lines)
    for name, collection, patterns, key in SOURCES:
        stats = Counter()
        stats["_bad"] = Counter()
        for lines in poems_of(name, patterns, key):
            stats["poems_in_package"] += 1
            body = clean_poem(lines, ids_map, stats, drop_speech=name in DRAMA)
            if body is not None:
                cleaned.append((name, body))
        bad = stats.pop("_bad")
        info = {"collection": collection, "files": patterns, **{k: stats[k] for k in sorted(stats)}}
        top = sorted(bad.items(), key=lambda kv: (-kv[1], kv[0]))[:40]
        info["unexpected_characters_top"] = "".join(c for c, _ in top)
        per_source[name] = info

    # 2. traditional -> simplified, in batches of whole poems
    converted, batch, batch_lines = [], [], 0

    def flush():
        flat = t2s([l for _, body in batch for l in body])
        i = 0
        for name, body in batch:
            new = [unicodedata.normalize("NFC", l) for l in flat[i:i + len(body)]]
            i += len(body)
            converted.append((name, "\n".join(new)))
        batch.clear()

    for item in cleaned:
        batch.append(item)
        batch_lines += len(item[1])
        if batch_lines >= 400000:
            flush()
            batch_lines = 0
    if batch:
        flush()
    del cleaned
    bad = {c for _, b in converted for c in b
           if c != "\n" and c not in PUNCT and c != REPLACEMENT and not is_cjk_fast(c)}
    if bad:
        sys.exit(f"verse_zh: opencc produced unexpected characters {''.join(sorted(bad))!r}")

    # 3. exact duplicates
    seen, poems, dup = set(), [], Counter()
    for name, body in converted:
        if body in seen:
            dup[name] += 1
            continue
        seen.add(body)
        poems.append((name, body))
    return poems, per_source, dup


def check_package():
    try:
        with open(os.path.join(PACKAGE_DIR, "package.json"), encoding="utf-8") as f:
            version = json.load(f)["version"]
    except OSError:
        sys.exit(f"verse_zh: {PACKAGE_DIR} is missing: run `npm ci --no-audit --no-fund` in tools/data")
    if version != PACKAGE_VERSION:
        sys.exit(f"verse_zh: {PACKAGE} is {version}, expected {PACKAGE_VERSION}: run `npm ci` in tools/data")
    return version


def main():
    out_dir = common.output_dir("verse_zh", "verse_zh.py [OUT_DIR]   (default build/data)")
    version = check_package()
    poems, per_source, dup = read_poems()

    # 4. splits
    split = {s: [] for s in SPLITS}
    for name, body in poems:
        d = digest(body)
        split[common.split_of(d, 96, 98)].append((d, name, body))
    del poems
    for s in SPLITS:
        split[s].sort()

    # 5. character policy and coverage (train only decides)
    counts = [Counter(), Counter(), Counter()]
    for i, s in enumerate(SPLITS):
        for _, _, body in split[s]:
            counts[i].update(body)
        counts[i].pop("\n", None)
    counts[0].pop(REPLACEMENT, None)
    ranked = [c for c, _ in sorted(counts[0].items(), key=lambda kv: (-kv[1], kv[0]))]
    coverage = {}
    for n in COVERAGE_SIZES:
        top = set(ranked[:n])
        row = {}
        for i, s in enumerate(SPLITS):
            total = sum(counts[i].values())
            row[s] = round(sum(v for c, v in counts[i].items() if c in top) / total, 5)
        v = n + 2
        row["model_bytes"] = (64 + 256 + 1) * v * 4 + int(0.86e6 * 4)
        coverage[str(n)] = row
    kept = set(ranked[:VOCAB_SIZE]) | {"\n"}

    # 6. write
    os.makedirs(out_dir, exist_ok=True)
    files = {}
    for s in SPLITS:
        files[s] = write(os.path.join(out_dir, f"zh-verse.{s}.txt"), [b for _, _, b in split[s]], kept)
    for name, *_ in SOURCES:
        entries = [b for _, src, b in split["test"] if src == name]
        path = os.path.join(out_dir, f"zh-verse.test.{name}.txt")
        if entries:
            files[f"test.{name}"] = write(path, entries, kept)
        elif os.path.exists(path):
            os.remove(path)
    entries, n = [], 0
    for _, _, b in split["test"]:
        entries.append(b)
        n += len(b) + 2
        if n >= EVAL_SLICE_CHARS:
            break
    files["eval-slice"] = write(os.path.join(out_dir, "zh-verse.eval-slice.txt"), entries, kept)

    # near-duplicate diagnostic: test entries whose first 12 ideographs open a training entry too
    def key(b):
        return "".join(c for c in b if is_cjk_fast(c))[:12]
    train_keys = {key(b) for _, _, b in split["train"]}
    near = Counter(src for _, src, b in split["test"] if key(b) in train_keys)

    for name, *_ in SOURCES:
        info = per_source[name]
        info["duplicates_dropped"] = dup[name]
        info["splits"] = {s: text_stats([b for _, src, b in split[s] if src == name], kept) for s in SPLITS}
        info["test_entries_opening_like_a_train_entry"] = near[name]
    sizes = {
        "corpus": "zh-verse",
        "source_package": f"{PACKAGE}@{version} (npm, MIT)",
        "opencc": f"opencc {opencc_version()} -c {OPENCC_CONFIG}",
        "salt": SALT.strip(), "split_rule": SPLIT_RULE,
        "replacement": "U+FFFD",
        "character_policy": f"characters outside the {VOCAB_SIZE} most frequent in train (ties by code point)"
                            " -> U+FFFD; newline always kept",
        "kept_characters": len(kept) - 1,
        "distinct_train_characters": len(ranked),
        "coverage_of_non_newline_characters": coverage,
        "model_bytes_formula": MODEL_BYTES,
        "duplicates_dropped": sum(dup.values()),
        "files": files,
        "sources": per_source,
        "skipped": SKIPPED,
    }
    with open(os.path.join(out_dir, "zh-verse.sizes.json"), "w", encoding="utf-8") as f:
        json.dump(sizes, f, indent=2, ensure_ascii=False)
        f.write("\n")

    for name, *_ in SOURCES:
        info = per_source[name]
        total = sum(info["splits"][s]["entries"] for s in SPLITS)
        chars = sum(info["splits"][s]["characters_without_newlines"] for s in SPLITS)
        print(f"{name:8s} {info['poems_in_package']:7d} poems read, {total:7d} kept ({chars} chars), "
              f"{info['duplicates_dropped']} duplicates")
    print("; ".join(f"{s} {files[s]['entries']} entries / {files[s]['characters']} chars" for s in SPLITS))
    print("coverage (train/test): " + ", ".join(f"N={n} {c['train']:.4f}/{c['test']:.4f}" for n, c in coverage.items())
          + f"; kept N={VOCAB_SIZE}")


if __name__ == "__main__":
    main()
