#!/usr/bin/python3
# Builds the character-LM corpora from Debian's fortune files: deterministic train/val/test splits
# by whole entries (a SHA-256 of the entry's text picks its split, 90/5/5), with a fixed character
# policy per language. Standard library only. Run: /usr/bin/python3 tools/data/prepare_corpora.py [OUT]
#
# Sources (no downloads; `fortunes` and `fortunes-zh` are Debian packages):
#   en: every fortune file directly in /usr/share/games/fortunes except the three Chinese ones and
#       `ascii-art` (its entries are pictures, not text). Subdirectories (off/, zh/...) are not read,
#       so the offensive collection stays out even when fortunes-off is installed.
#   zh: tang300 (唐诗三百首), song100 (宋词一百首) and chinese (the Debian-zh collection).
# Cleaning, in order: strict UTF-8 decoding; CRLF/CR -> LF; terminal overstrike is replayed (each
#   backspace deletes the character before it, so "____\b\b\b\bthis" becomes "this"); ANSI escape
#   sequences are removed; other control characters except TAB and LF are removed; NFC; trailing
#   spaces on each line and blank lines around an entry are dropped. Entries are the text between
#   lines that hold only "%". Exact duplicate entries are kept once (the first seen).
# Character policy: the recur CLI builds its vocabulary from the training file, and "<unk>" never
#   occurs in training text, so a network would give it almost no probability. Instead, every
#   character outside a language's kept set becomes U+FFFD in all three splits, so "rare character"
#   is an ordinary, trained symbol, and the n-gram baseline and the network score the same text.
#   The kept set is computed on the training split only:
#     en: characters seen at least 3 times in training (which keeps all of printable ASCII);
#     zh: the 3000 most frequent characters in training (ties by code point), which keeps the
#         model, 2 x 256 LSTM with 64-wide embeddings, under 8 MB (see models/zh-poetry-lstm).
#   recur prints "<unk>" as U+FFFD too, so a sampled U+FFFD reads the same either way.
# Output (default build/data/): {en,zh}.{train,val,test}.txt (entries in hash order, which
#   shuffles topics across the files, separated by one blank line), sizes.json, and
#   {en,zh}.eval-slice.txt: the first whole test entries that reach 4000 (en) / 2000 (zh)
#   characters, the small fixed text that models/<name>/eval-slice.txt is a copy of.
import json
import os
import re
import sys
import unicodedata
from collections import Counter

import common

FORTUNE_DIR = "/usr/share/games/fortunes"
ZH_FILES = ["tang300", "song100", "chinese"]
EN_EXCLUDED = {"ascii-art": "ASCII pictures, not text"}
SPLITS = ("train", "val", "test")
SALT = "recur-corpora-v1\n"  # changing it reshuffles every split
REPLACEMENT = "\ufffd"
EN_MIN_COUNT = 3
ZH_VOCAB_SIZE = 3000
EVAL_SLICE_CHARS = {"en": 4000, "zh": 2000}  # the first test entries reaching this many characters

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def replay_overstrike(text):
    if "\b" not in text:
        return text
    out = []
    for ch in text:
        if ch == "\b":
            if out and out[-1] != "\n":
                out.pop()
        else:
            out.append(ch)
    return "".join(out)


def clean(raw, path):
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        sys.exit(f"prepare_corpora: {path} is not valid UTF-8 at byte {e.start}")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = replay_overstrike(text)
    text = ANSI.sub("", text)
    text = CONTROL.sub("", text)
    return unicodedata.normalize("NFC", text)


def entries_of(path):
    with open(path, "rb") as f:
        text = clean(f.read(), path)
    entries, current = [], []
    for line in text.split("\n") + ["%"]:
        if line.strip() == "%":
            lines = [l.rstrip() for l in current]
            while lines and not lines[0]:
                lines.pop(0)
            while lines and not lines[-1]:
                lines.pop()
            if lines:
                entries.append("\n".join(lines))
            current = []
        else:
            current.append(line)
    return entries


def english_files():
    names = []
    for name in sorted(os.listdir(FORTUNE_DIR)):
        path = os.path.join(FORTUNE_DIR, name)
        if not os.path.isfile(path) or os.path.islink(path) or "." in name:
            continue  # subdirectories, *.dat indexes, *.u8 links
        if name in ZH_FILES or name in EN_EXCLUDED:
            continue
        names.append(name)
    return names


def digest(entry):
    return common.digest(SALT, entry)


def build(files):
    seen, split, dup = set(), {s: [] for s in SPLITS}, 0
    per_file = {}
    for name in files:
        es = entries_of(os.path.join(FORTUNE_DIR, name))
        per_file[name] = len(es)
        for e in es:
            if e in seen:
                dup += 1
                continue
            seen.add(e)
            d = digest(e)
            split[common.split_of(d, 90, 95)].append((d, e))
    return {s: [e for _, e in sorted(split[s])] for s in SPLITS}, per_file, dup


def kept_chars(train_entries, lang):
    counts = Counter()
    for e in train_entries:
        counts.update(e)
    counts.pop("\n", None)  # always kept (entry structure), whatever its count
    if lang == "en":
        kept = {c for c, n in counts.items() if n >= EN_MIN_COUNT}
    else:
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        kept = {c for c, _ in ranked[:ZH_VOCAB_SIZE]}
    kept.add("\n")
    kept.discard(REPLACEMENT)
    return kept


def main():
    out_dir = common.output_dir("prepare_corpora", "prepare_corpora.py [OUT_DIR]   (default build/data)")

    sizes = {"salt": SALT.strip(), "split_rule": "sha256(salt + entry) first 8 bytes mod 100: <90 train, <95 val, else test",
             "replacement": "U+FFFD"}
    for lang, files in (("en", english_files()), ("zh", ZH_FILES)):
        splits, per_file, dup = build(files)
        kept = kept_chars(splits["train"], lang)
        info = {"files": per_file, "excluded_files": EN_EXCLUDED if lang == "en" else {},
                "duplicate_entries_dropped": dup,
                "character_policy": (f"characters seen < {EN_MIN_COUNT} times in train -> U+FFFD" if lang == "en"
                                     else f"characters outside the {ZH_VOCAB_SIZE} most frequent in train -> U+FFFD"),
                "kept_characters": len(kept), "splits": {}}
        for s in SPLITS:
            text = "\n\n".join(splits[s]) + "\n"
            replaced = sum(1 for c in text if c not in kept)
            text = "".join(c if c in kept else REPLACEMENT for c in text)
            path = os.path.join(out_dir, f"{lang}.{s}.txt")
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
            info["splits"][s] = {"entries": len(splits[s]), "characters": len(text),
                                 "bytes": len(text.encode("utf-8")), "replaced_characters": replaced,
                                 "distinct_characters": len(set(text))}
        entries, n = [], 0
        for e in splits["test"]:
            entries.append(e)
            n += len(e) + 2
            if n >= EVAL_SLICE_CHARS[lang]:
                break
        text = "".join(c if c in kept else REPLACEMENT for c in "\n\n".join(entries) + "\n")
        with open(os.path.join(out_dir, f"{lang}.eval-slice.txt"), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        info["eval_slice"] = {"entries": len(entries), "characters": len(text), "bytes": len(text.encode("utf-8"))}
        sizes[lang] = info
    with open(os.path.join(out_dir, "sizes.json"), "w", encoding="utf-8") as f:
        json.dump(sizes, f, indent=2, ensure_ascii=False)
        f.write("\n")
    for lang in ("en", "zh"):
        row = ", ".join(f"{s} {v['entries']} entries / {v['characters']} chars" for s, v in sizes[lang]["splits"].items())
        print(f"{lang}: {row}; {sizes[lang]['kept_characters']} kept characters")


if __name__ == "__main__":
    main()
