#!/usr/bin/python3
# Builds a large English pre-training corpus for the character LM that is later fine-tuned on the
# fortunes (tools/data/prepare_corpora.py): plain text from four Debian packages, cleaned into
# whole entries, split 98/2 train/val by a SHA-256 of each entry, with exactly the fortunes model's
# character vocabulary. Standard library only; no downloads.
# Run: /usr/bin/python3 tools/data/english_books.py [OUT]   (OUT defaults to build/data; it needs
#   OUT/en.train.txt from prepare_corpora.py, whose distinct characters are the vocabulary)
#
# Sources (licences from /usr/share/doc/<package>/copyright; package versions and licences are also
#   written to the sizes json):
#   gcide  dict-gcide: GCIDE (Webster's Revised Unabridged 1913 + WordNet 1.5 + GCIDE additions),
#          GPL-2 or later. One entry = one headword article of the dictd file (all index entries that
#          point at the same article count once). A model trained on it is arguably a derived work
#          of GPL text: ship such a model under GPL-2+-compatible terms (the fortunes' BSD licence
#          is compatible).
#   jargon jargon-text: the Jargon File 4.4.7, public domain. One entry = one glossary term (the
#          chapters and appendices are not read).
#   devil  dict-devil: Ambrose Bierce, The Devil's Dictionary (1911), public domain. One entry per word.
#   kjv    bible-kjv-text: the King James Bible, public domain (the Crown's letters patent still
#          apply in the UK); the BRS data file is "for unrestricted use provided that this legend is
#          included", which the sizes json carries. One entry = one chapter, one verse per line
#          (verse numbers dropped). /usr/lib/bible.data is read directly: 64 KiB windows, each
#          compressed with compress(1)'s LZW (16 bits, block mode, no header).
#   No source was skipped: all four licences allow redistribution of derived work.
# Cleaning per source:
#   gcide: GCIDE character entities ([ae], ['e], [a^], [deg]...) become letters or ASCII;
#          the header keeps the headwords, part of speech and field label ("Abandon, v. t.",
#          "Loadstone, Lodestone, n. (Min.)"): syllable marks (\Ab*an"don\), pronunciations,
#          inflections and etymologies (the [...] groups of the header, abbreviation-dense and full
#          of "?" for lost Greek) are dropped. Source tags ([1913 Webster], [WordNet 1.5], [PJC]...)
#          and the stray next-headword the dictd conversion sometimes leaves after them are dropped;
#          {braces} and syllable marks inside them are removed; "--Milton." becomes "-- Milton.".
#          Literary quotations (paragraphs indented 8+ columns) are kept, verse line by line when
#          every line starts with a capital, prose reflowed; their attribution goes on its own line
#          as in the fortunes ("-- Milton.").
#   jargon: the header ":term: /pron/, n." becomes "term, n."; {cross-refs} lose their braces;
#          indented blocks are kept line by line when they read as text, and dropped when they are
#          pictures or code (runs of 3+ spaces inside a line, or under 80 % letters); tables (box
#          drawing) and the Crunchly cartoon captions are dropped.
#   devil: prose paragraphs reflowed, verse kept line by line, the right-aligned attribution
#          becomes "-- Name"; _underscore italics_ are kept (the fortunes use them too).
# Wrapping: every prose paragraph (and every Bible verse) is re-wrapped at 72 columns, the width of
#   the fortunes (their lines peak at 69-75 columns); verse keeps its own lines. There is no blank
#   line inside an entry; lines have no trailing spaces, no tabs and no run of more than 2 spaces.
# Character policy: the vocabulary is exactly the set of characters of OUT/en.train.txt. Characters
#   outside it are mapped in this order: a typographic table (curly quotes -> ' and ", em dash
#   -> "--", en dash -> "-", ellipsis -> "...", ae/oe/ss ligatures spelled out, ...), then NFKD with
#   the combining accents dropped (a character in the set, like the fortunes' "â", is kept as is),
#   and whatever is still outside becomes U+FFFD. The json reports the share replaced (about 2 in a
#   million: stray Greek letters and a few GCIDE symbols) and the most frequent such characters.
#   The text is tab-free, so the vocabulary's tab and its four C1 control characters (mojibake in the
#   fortunes) never occur here; "â" is the only non-ASCII character that does.
# Duplicates: exact duplicate entries (after cleaning) are kept once (the first seen, sources in
#   the order above). GCIDE cross-reference stubs (a whole article that only says "See X.") are
#   dropped as noise. Nothing is capped: GCIDE is about 80 % of the text, but with the other three
#   sources at ~5.7 M characters a cap that keeps train >= 25 M characters could only bring it to
#   ~78 %, so all of it is kept (train is ~30 M characters; per-source sizes are in the json).
# Split: sha256(SALT + entry), first 8 bytes mod 100 < 98 -> train, else val; entries in hash
#   order, separated by one blank line. Output: OUT/en-books.{train,val}.txt, en-books.sizes.json.
import gzip
import json
import os
import re
import struct
import sys
import textwrap
import unicodedata
from collections import Counter

import common

SALT = "recur-en-books-v1\n"  # changing it reshuffles the split
REPLACEMENT = "\ufffd"
TRAIN_PERCENT = 98
WIDTH = 72
DPKG_STATUS = "/var/lib/dpkg/status"

GCIDE_DICT = "/usr/share/dictd/gcide.dict.dz"
GCIDE_INDEX = "/usr/share/dictd/gcide.index"
DEVIL_DICT = "/usr/share/dictd/devil.dict.dz"
DEVIL_INDEX = "/usr/share/dictd/devil.index"
JARGON_TEXT = "/usr/share/doc/jargon-text/jargon.txt.gz"
KJV_DATA = "/usr/lib/bible.data"

BRS_LEGEND = ("Bible Retrieval System, Chip Chapin, Hewlett Packard Company. This file is provided for "
              "unrestricted use provided that this legend is included on all tape media and as a part "
              "of the software program in whole or part. Users may copy, modify or distribute this "
              "file at will. -- Chip Chapin, September 4, 1989")
SOURCES = {
    "gcide": {"package": "dict-gcide",
              "licence": "GPL-2+ (GCIDE: Webster's Revised Unabridged Dictionary 1913, public domain, "
                         "+ WordNet 1.5, Princeton's permissive licence, + GCIDE additions); a model "
                         "trained on it should be distributed under GPL-2+-compatible terms"},
    "jargon": {"package": "jargon-text",
               "licence": "public domain (The Jargon File 4.4.7, Eric S. Raymond; cite as "
                          "\"Jargon File 4.4.7\")"},
    "devil": {"package": "dict-devil",
              "licence": "public domain (Ambrose Bierce, The Devil's Dictionary, 1911, copyright expired)"},
    "kjv": {"package": "bible-kjv-text",
            "licence": "public domain (King James Version, 1611; Crown letters patent in the UK); "
                       "BRS data file: unrestricted use provided its legend is included: " + BRS_LEGEND},
}

# ---------------------------------------------------------------- character policy

TYPOGRAPHIC = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2014": "--", "\u2015": "--", "\u2013": "-", "\u2012": "-", "\u2212": "-", "\u2010": "-",
    "\u2011": "-", "\u2026": "...", "\u00a0": " ", "\u2009": " ", "\u2002": " ", "\u2003": " ",
    "\u00e6": "ae", "\u00c6": "AE", "\u0153": "oe", "\u0152": "OE", "\u00df": "ss",
    "\u00f8": "o", "\u00d8": "O", "\u00f0": "th", "\u00d0": "Th", "\u00fe": "th", "\u00de": "Th",
    "\u021d": "gh", "\u021c": "Gh", "\u0131": "i", "\u0142": "l", "\u0141": "L", "\u0111": "d",
    "\u00d7": "x", "\u00f7": "/", "\u2044": "/", "\u2022": "*", "\u2192": "->", "\u2190": "<-",
    "\u21d4": "<=>", "\u2122": "(TM)", "\u00a9": "(C)", "\u00ae": "(R)", "\u00a3": "L",
    "\u00b1": "+/-", "\u00b5": "u", "\u00a7": "sect.", "\u00b0": " deg.", "\u2039": "<", "\u203a": ">",
    "\u2329": "<", "\u232a": ">", "\u3008": "<", "\u3009": ">", "\u223c": "~",
}


class CharPolicy:
    def __init__(self, vocab):
        self.vocab = set(vocab)
        for k, v in TYPOGRAPHIC.items():
            if not set(v) <= self.vocab:
                sys.exit(f"english_books: the typographic map's {v!r} is outside the vocabulary")
        self.cache = {}

    def _map(self, c):
        if c in self.vocab:
            return c
        if c in TYPOGRAPHIC:
            return TYPOGRAPHIC[c]
        out = []
        for d in unicodedata.normalize("NFKD", c):
            if unicodedata.category(d) == "Mn":
                continue
            if d in self.vocab:
                out.append(d)
            elif d in TYPOGRAPHIC:
                out.append(TYPOGRAPHIC[d])
            else:
                out.append(REPLACEMENT)
        return "".join(out) if out else REPLACEMENT

    def apply(self, text):
        out = []
        for c in text:
            m = self.cache.get(c)
            if m is None:
                m = self.cache[c] = self._map(c)
            out.append(m)
        return "".join(out)


# ---------------------------------------------------------------- shared text helpers

WRAPPER = textwrap.TextWrapper(width=WIDTH, break_long_words=False, break_on_hyphens=False)
SPACE_RUN = re.compile(r" {3,}")
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def reflow(lines):
    text = " ".join(l.strip() for l in lines if l.strip())
    text = SPACE_RUN.sub(" ", text)
    return WRAPPER.wrap(text) if text else []


def keep_lines(lines):
    out = []
    for l in lines:
        l = SPACE_RUN.sub(" ", l.strip())
        if not l:
            continue
        out.extend(WRAPPER.wrap(l) if len(l) > WIDTH + 6 else [l])
    return out


def finish(lines):
    """Entry text from its lines: no blank lines, no trailing spaces, no tabs, no 3+ space runs."""
    text = "\n".join(SPACE_RUN.sub("  ", l.replace("\t", " ")).strip() for l in lines)
    text = "\n".join(l for l in text.split("\n") if l.strip())
    return text.strip()


def paragraphs(lines):
    para = []
    for l in lines:
        if l.strip():
            para.append(l)
        elif para:
            yield para
            para = []
    if para:
        yield para


def indent(line):
    return len(line) - len(line.lstrip(" "))


def b64_number(s):
    n = 0
    for c in s:
        n = n * 64 + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".index(c)
    return n


def dictd_articles(index_path, dict_path):
    """(headword, raw bytes) of every distinct article, in file order; the 00-database entries skipped."""
    with gzip.open(dict_path, "rb") as f:
        data = f.read()
    first = {}
    with open(index_path, encoding="utf-8") as f:
        for line in f:
            hw, off, size = line.rstrip("\n").split("\t")
            if hw.startswith("00-database") or hw.startswith("00database") or hw.startswith("00-"):
                continue
            key = (b64_number(off), b64_number(size))
            first.setdefault(key, hw)
    return [(first[k], data[k[0]:k[0] + k[1]]) for k in sorted(first)]


def decode(raw):
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # 3 GCIDE articles carry stray cp1252 bytes
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    return unicodedata.normalize("NFC", CONTROL.sub("", text))


# ---------------------------------------------------------------- GCIDE

GREEK = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho "
         "sigma tau upsilon phi chi psi omega").split()
GCIDE_ENTITIES = {
    "ae": "\u00e6", "AE": "\u00c6", "oe": "\u0153", "OE": "\u0152", "=ae": "ae", "=oe": "oe",
    "=oo": "oo", "oo^": "oo", "imac": "i", "asl": "a", "add": "a", "udd": "u", "aum": "\u00e4",
    "eth": "th", "thorn": "th", "yogh": "gh", "th": "th", "ng": "ng", "dsdot": "d", "zdot": "z",
    "deg": " deg.", "sect": "sect.", "pounds": "\u00a3", "times": "x", "divby": "/", "middot": "",
    "bprime": "", "prime": "'", "sec": '"', "min": "'", "sharp": "#", "flat": "b", "bar": "|",
    "rarr": "->", "ldqo": '"', "rdqo": '"', "nbsp": " ", "sb": " ", "break": "", "wn1": "",
    "R": "[R.]", "filig": "fi", "fllig": "fl", "fflig": "ff", "ffilig": "ffi", "ffllig": "ffl", "hand": "\u261e", "root": "\u221a", "para": "\u00b6", "dag": "\u2020",
    "dagger": "\u2020", "asper": "\u02bd", "MI11": "Merck Index", "MW10": "", "RP": "",
}
for _g in GREEK:
    GCIDE_ENTITIES[_g] = _g
    GCIDE_ENTITIES[_g.capitalize()] = GCIDE_ENTITIES[_g.upper()] = _g.capitalize()
ACCENT_BEFORE = {"=": "\u0304", "'": "\u0301", "`": "\u0300", '"': "\u0308", "~": "\u0303",
                 ".": "\u0307", "^": "\u0302", "-": "\u0306", "*": "\u030a", ",": "\u0327"}
ENTITY = re.compile(r"\[([^\[\]\s]{1,7})\]")
SOURCE_CORE = {"webster", "wordnet", "pjc", "century", "as", "rdh", "rhud", "mi11", "mw10", "gg", "rp", "we1",
               "pc", "jc", "jg", "cm", "hbcf61"}
SOURCE_WORDS = SOURCE_CORE | {"1913", "suppl", "1.5", "1.6", "sense", "dict", "1906", "#here", "&"}
BRACKET_GROUP = re.compile(r"\[([^\[\]]*)\]")


def gcide_entity(m):
    name = m.group(1)
    if name in GCIDE_ENTITIES:
        return GCIDE_ENTITIES[name]
    if re.fullmatch(r"\d", name) or name == "wn1":  # sense markers such as "bully[1]"
        start = m.start()
        if start and (m.string[start - 1].isalpha() or m.string[start - 1] == "}"):
            return ""
        return m.group(0)
    if len(name) >= 2 and name[0] in ACCENT_BEFORE and name[1:].isalpha() and len(name) <= 3:
        base = name[1:]
        if len(base) == 1:
            return unicodedata.normalize("NFC", base + ACCENT_BEFORE[name[0]])
        return base
    if len(name) >= 2 and name.endswith("^") and name[:-1].isalpha() and len(name) <= 3:
        base = name[:-1]
        return unicodedata.normalize("NFC", base + "\u0306") if len(base) == 1 else base
    return m.group(0)


def is_source_tag(content):
    """[1913 Webster], [WordNet 1.5 +PJC], [Century Dict. 1906], [RDH]...: where a text came from."""
    words = [w.strip(".,") for w in content.replace("+", " ").lower().split()]
    return bool(words) and all(w in SOURCE_WORDS or re.fullmatch(r"[\d,&]+", w) for w in words) \
        and any(w in SOURCE_CORE for w in words)


def matching(text, i, open_ch, close_ch):
    """Index just past the bracket that closes the one at text[i], or -1."""
    depth = 0
    for j in range(i, len(text)):
        if text[j] == open_ch:
            depth += 1
        elif text[j] == close_ch:
            depth -= 1
            if depth == 0:
                return j + 1
    return -1


def is_pronunciation(content):
    c = content.strip()
    if not c:
        return True
    if re.fullmatch(r"[a-z]|[ivx]+|\d", c):
        return False  # (a), (iv), (1): sense markers
    if re.search(r'["*`?]', c) or any(ord(ch) > 126 for ch in c) or c.isdigit():
        return True
    return not (c[0].isupper() or c[0].isdigit())


def drop_pronunciations(text):
    """Remove \\syl*la*bles\\ and the (pro*nun"ci*a*tion) that follows them."""
    out, i = [], 0
    while True:
        j = text.find("\\", i)
        if j < 0:
            out.append(text[i:])
            break
        k = text.find("\\", j + 1)
        if k < 0:
            out.append(text[i:])
            break
        out.append(text[i:j])
        i = k + 1
        m = re.match(r"\s*\(", text[i:])
        if m:
            p = i + m.end() - 1
            e = matching(text, p, "(", ")")
            if e > 0 and is_pronunciation(text[p + 1:e - 1]):
                i = e
    return "".join(out)


def unbrace(text):
    def one(m):
        s = m.group(1)
        if re.search(r'\w[*"`]\w', s) or re.search(r'\w[`"]$', s):
            s = s.replace("*", "")
            s = re.sub(r'(?<=\w)[`"]', "", s)
        return s
    prev = None
    while prev != text:
        prev, text = text, re.sub(r"\{([^{}]*)\}", one, text)
    return text.replace("{", "").replace("}", "")


def tidy(text):
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r" ([,;.:)])", r"\1", text)
    text = re.sub(r"\( ", "(", text)
    text = re.sub(r"([,;])(?:\s*[,;])+", r"\1", text)
    return text.strip(" ,;")


def gcide_header(text):
    """(header, spill): the cleaned header, and any definition text that followed its etymology."""
    text = drop_pronunciations(text)
    out, i, last_group = [], 0, None
    while i < len(text):  # drop every [...] group: inflections, etymologies, spellings
        if text[i] == "[":
            e = matching(text, i, "[", "]")
            if e > 0:
                i = e
                last_group = len(out)
                continue
        if text[i] == "(":
            e = matching(text, i, "(", ")")
            if e > 0 and is_pronunciation(text[i + 1:e - 1]):
                i = e
                continue
        out.append(text[i])
        i += 1
    spill = ""
    if last_group is not None:
        tail = "".join(out[last_group:])
        m = re.match(r"[\s.,;]*(?:\([A-Z][^()]*\)[\s.,;]*)*", tail)
        if len(tail[m.end():].split()) >= 3:
            spill = tail[m.end():]
            out = out[:last_group] + list(tail[:m.end()])
    return tidy(unbrace("".join(out))), spill


ATTRIBUTION = re.compile(r"(?:^|\s)--(?=[A-Z(\[])(.+)$")


MARKED_VOWEL = re.compile("[\u0101\u0113\u012b\u014d\u016b\u0233\u0103\u0115\u012d\u014f\u016d\u0227]")


def body_pronunciation(m):
    c = m.group(1)
    return "" if re.search(r'\w[*"`]\w', c) or MARKED_VOWEL.search(c) else m.group(0)


def gcide_body_text(text):
    text = drop_pronunciations(text).replace("\\", "")
    text = re.sub(r" ?\(([^()]*)\)", body_pronunciation, text)
    text = unbrace(text)
    text = re.sub(r"(?<=[a-z])\*(?=[a-z])|(?<=[A-Za-z])[\"`](?=[a-z])", "", text)  # stray syl*la"bles
    text = re.sub(r"(^|\s)--(?=[A-Z])", r"\1-- ", text)
    return text


RESIDUAL_TAG = re.compile(r"\[?(?:1913\s+Webster|Webster\s+1913\s+Suppl\.|WordNet\s+1\.[56])(?:\s*\+\s*[\w.]+(?:\s+1\.5)?)*\]?")


def gcide_paragraph(para):
    # source tags (they may wrap), and the stray next headword the conversion sometimes leaves after one
    text = BRACKET_GROUP.sub(lambda m: "\0" if is_source_tag(m.group(1)) else m.group(0), "\n".join(para))
    text = re.sub(r"\0[ ]*[\w'-][\w' -]*(?:\n[ ]*[\w'-][\w' -]*)*$", "", text)
    text = re.sub(r"\0[ ]*[\w'.,-]+[ ]*(?=\n)", "", text).replace("\0", "")
    text = RESIDUAL_TAG.sub("", text)  # tags that lost a bracket in the source: "WordNet 1.5]"
    text = re.sub(r"--\s*Merck Index[ ]*(?=\n|$)", "", gcide_body_text(text))
    text = re.sub(r"(?m)^\s*Syn:[\s.]*$", "", text)
    lines = [l for l in text.split("\n") if l.strip()]
    if not lines:
        return []
    if indent(lines[0]) >= 8:  # a quotation
        # the attribution: the last "-- Name" of the quotation, which may wrap onto one more line
        joined, who = "\n".join(l.rstrip() for l in lines), None
        m = re.search(r"(?:^|\s)-- (\S[^\n]*(?:\n[^\n]*)?)$", joined)
        if m and " -- " not in m.group(1) and len(m.group(1)) <= 80 and m.group(1).lstrip()[:1].isupper():
            who = " ".join(m.group(1).split())
            joined = joined[:m.start()]
        body = [l for l in joined.split("\n") if l.strip()]
        if not body:
            return ["-- " + who] if who else []
        starts = [l.strip().lstrip("\"'(`") for l in body]
        if len(body) >= 2 and all(s[:1].isupper() for s in starts):
            out = keep_lines(body)
        else:
            out = reflow(body)
        if who:
            out.append("-- " + who)
        return out
    return reflow(lines)


POS_START = re.compile(r"(?:n|a|v|adv|adj|prep|conj|interj|pron|p|imp|pl|superl|compar|vb)\.(?:\s|,|;|$)")


def header_continues(line, nxt):
    """Whether the line after a complete-looking header line still belongs to the header."""
    if re.search(r"(?:[,;]|\b(?:pl|sing|E|L|or|and)\.?)$", line.strip()):
        return True
    s = nxt.strip()
    if s.startswith(("]", ",", ";", "\\")) or POS_START.match(s):
        return True
    if s.startswith("("):
        e = matching(s, 0, "(", ")")
        return e > 0 and is_pronunciation(s[1:e - 1])
    return False


def leading_groups(text):
    """Length of the [etymology] and (pronunciation) groups that open a text, within its first paragraph."""
    i = len(text) - len(text.lstrip())
    while i < len(text):
        if text[i] == "[":
            e = matching(text, i, "[", "]")
            if e < 0 or is_source_tag(text[i + 1:e - 1]):
                break
        elif text[i] == "(":
            e = matching(text, i, "(", ")")
            if e < 0 or not is_pronunciation(text[i + 1:e - 1]):
                break
        else:
            break
        if re.search(r"\n\s*\n", text[i:e]):
            break
        i = e
        while i < len(text) and text[i] in " ,.;":
            i += 1
    return i


def gcide_entry(raw):
    text = ENTITY.sub(gcide_entity, decode(raw).replace("[sect][sect]", "sects."))
    lines = text.split("\n")
    # The header (headwords, \syl*la*bles\, pronunciation, part of speech, [etymology], field) ends
    # at the first line end where brackets, parentheses (outside brackets) and backslashes are all
    # closed and the next line does not go on with a header element.
    square = paren = slashes = 0
    end = None
    for i, line in enumerate(lines[:15]):
        for ch in line:
            if ch == "[":
                square += 1
            elif ch == "]":
                square = max(0, square - 1)
            elif ch == "(" and not square:
                paren += 1
            elif ch == ")" and not square:
                paren = max(0, paren - 1)
            elif ch == "\\":
                slashes += 1
        if not square and not paren and slashes % 2 == 0 and \
                not (i + 1 < len(lines) and header_continues(line, lines[i + 1])):
            end = i + 1
            break
    if end is None:
        end = 1
    header, spill = gcide_header(" ".join(lines[:end]))
    body = "\n".join(lines[end:])
    k = leading_groups(body)  # an etymology that opens the body: "[Gr. ?.] In the form of..."
    body = body[k:]
    if spill:
        body = "   " + spill.strip() + ("\n" if not body.startswith("\n") else "") + body
    header = re.sub(r"(^|\s)--(?=[A-Z])", r"\1-- ", header)
    out = WRAPPER.wrap(header)
    for para in paragraphs(body.split("\n")):
        out.extend(gcide_paragraph(para))
    return finish(out)


def gcide_entries():
    entries, stubs = [], 0
    for hw, raw in dictd_articles(GCIDE_INDEX, GCIDE_DICT):
        e = gcide_entry(raw)
        body = e.split("\n", 1)[1] if "\n" in e else ""
        if not body or re.fullmatch(r"(?:\d+\.\s*)?(?:\([^)]*\)\s*)?(?:See|Same as|= )[^.]*\.?", body.strip(),
                                    flags=re.S):
            stubs += 1
            continue
        entries.append(e)
    return entries, {"articles": len(entries) + stubs, "see_only_stubs_dropped": stubs}


# ---------------------------------------------------------------- Jargon File

BOX = re.compile("[\u2500-\u257f]")
JARGON_HEAD = re.compile(r"^   :(.+?):(?:\s+(.*))?$")
LETTER_HEAD = re.compile(r"^  ([A-Z0-9])$")


def jargon_block(para):
    """An indented block: its lines if it reads as text, [] for pictures, code and tables."""
    text = "\n".join(para)
    if BOX.search(text) or any(SPACE_RUN.search(l.strip()) for l in para):
        return []
    body = "".join(l.strip() for l in para)
    letters = sum(ch.isalpha() or ch == " " for ch in body)
    if letters < 0.8 * len(body):
        return []
    return keep_lines(para)


def jargon_entries():
    with gzip.open(JARGON_TEXT, "rb") as f:
        lines = decode(f.read()).split("\n")
    start = next(i for i, l in enumerate(lines) if JARGON_HEAD.match(l))
    stop = next(i for i in range(start, len(lines)) if lines[i].startswith("Appendix A."))
    entries, current, dropped = [], None, 0

    def close():
        if current:
            e = finish(current)
            if "\n" in e:
                entries.append(e)

    for para in paragraphs(lines[start:stop]):
        m = JARGON_HEAD.match(para[0])
        if m and len(para) == 1:
            close()
            term, rest = m.group(1).strip(), (m.group(2) or "")
            rest = tidy(re.sub(r"/[^/]*/", "", rest))
            current = [term + (", " + rest if rest else "")]
            continue
        if len(para) == 1 and LETTER_HEAD.match(para[0]):
            close()
            current = None
            continue
        if current is None:
            continue  # the list of terms after a letter heading
        if para[0].lstrip().startswith(("(The next cartoon", "(This is the last cartoon")):
            continue
        para = [unbrace(l) for l in para]
        if BOX.search("".join(para)):  # a table
            dropped += 1
        elif all(indent(l) == 3 for l in para):
            current.extend(reflow(para))
        else:
            block = jargon_block(para)
            dropped += not block
            current.extend(block)
    close()
    return entries, {"blocks_dropped": dropped}


# ---------------------------------------------------------------- Devil's Dictionary

def devil_entry(raw):
    out = []
    for para in paragraphs(decode(raw).split("\n")):
        if all(indent(l) == 0 for l in para):
            out.extend(reflow(para))
            continue
        verse = []
        for j, l in enumerate(para):
            if indent(l) >= 20 and j == len(para) - 1 and j > 0:
                verse.append("-- " + l.strip())
            else:
                verse.append(l)
        out.extend(keep_lines(verse))
    return finish(out)


def devil_entries():
    return [devil_entry(raw) for _, raw in dictd_articles(DEVIL_INDEX, DEVIL_DICT)], {}


# ---------------------------------------------------------------- King James Bible

def lzw_window(data):
    """compress(1) LZW, block mode, at most 16-bit codes; codes are read in groups of n_bits bytes."""
    out = bytearray()
    prefix, suffix = [0] * 65536, bytearray(range(256)) + bytearray(65536 - 256)
    n_bits, maxcode, free_ent = 9, 511, 257
    pos, oldcode, finchar = 0, -1, 0
    while pos < len(data):
        group = data[pos:pos + n_bits]
        pos += len(group)
        nbits = len(group) * 8 - (n_bits - 1)
        value, mask, off = int.from_bytes(group, "little"), (1 << n_bits) - 1, 0
        while off < nbits:
            code = (value >> off) & mask
            off += n_bits
            if oldcode < 0:
                oldcode = finchar = code
                out.append(code)
                continue
            if code == 256:  # CLEAR: back to 9 bits, from a fresh group
                free_ent, n_bits, maxcode = 256, 9, 511
                break
            incode, stack = code, bytearray()
            if code >= free_ent:
                stack.append(finchar)
                code = oldcode
            while code >= 256:
                stack.append(suffix[code])
                code = prefix[code]
            finchar = suffix[code]
            stack.append(finchar)
            stack.reverse()
            out += stack
            if free_ent < 65536:
                prefix[free_ent], suffix[free_ent] = oldcode, finchar
                free_ent += 1
            oldcode = incode
            if free_ent > maxcode:
                n_bits += 1
                maxcode = 65536 if n_bits == 16 else (1 << n_bits) - 1
                break
    return bytes(out)


def kjv_entries():
    with open(KJV_DATA, "rb") as f:
        data = f.read()
    if data[:4] != b"EC02":
        sys.exit(f"english_books: {KJV_DATA} is not a BRS EC02 data file")
    wsize, wnum = struct.unpack(">II", data[84:92])
    table = struct.unpack(">%dI" % (wnum + 1), data[92:96 + 4 * wnum])
    text = bytearray()
    for w in range(wnum):
        window = lzw_window(data[table[w]:table[w + 1]])
        if w < wnum - 1 and len(window) != wsize:
            sys.exit(f"english_books: {KJV_DATA} window {w} decompressed to {len(window)} bytes")
        text += window
    chapters, verses = {}, 0
    for line in decode(bytes(text)).split("\n")[1:]:  # line 0 is the file's title
        if not line.strip():
            continue
        m = re.match(r"^(\d?[A-Za-z]+)(\d+):(\d+) (.*)$", line)
        if not m:
            sys.exit(f"english_books: unexpected KJV line {line[:40]!r}")
        chapters.setdefault((m.group(1), int(m.group(2))), []).extend(WRAPPER.wrap(m.group(4).strip()))
        verses += 1
    return [finish(v) for v in chapters.values()], {"verses": verses, "chapters": len(chapters)}


# ---------------------------------------------------------------- main

def package_versions():
    versions, name = {}, None
    with open(DPKG_STATUS, encoding="utf-8") as f:
        for line in f:
            if line.startswith("Package: "):
                name = line.split(":", 1)[1].strip()
            elif line.startswith("Version: ") and name:
                versions[name] = line.split(":", 1)[1].strip()
    return versions


def digest(entry):
    return common.digest(SALT, entry)


def main():
    out_dir = common.output_dir("english_books",
                                "english_books.py [OUT_DIR]   (default build/data; needs OUT_DIR/en.train.txt)")
    vocab_path = os.path.join(out_dir, "en.train.txt")
    if not os.path.isfile(vocab_path):
        sys.exit(f"english_books: {vocab_path} is missing; run tools/data/prepare_corpora.py {out_dir} first")
    with open(vocab_path, encoding="utf-8") as f:
        vocab = set(f.read())
    policy = CharPolicy(vocab)
    versions = package_versions()

    builders = {"gcide": gcide_entries, "jargon": jargon_entries, "devil": devil_entries, "kjv": kjv_entries}
    seen, split = set(), {"train": [], "val": []}
    info = {"salt": SALT.strip(), "split_rule": f"sha256(salt + entry) first 8 bytes mod 100: <{TRAIN_PERCENT} "
            "train, else val", "wrap_columns": WIDTH, "replacement": "U+FFFD",
            "vocabulary": {"from": vocab_path, "characters": len(vocab)}, "sources": {}}
    raw_chars = replaced_chars = 0
    replaced_what = Counter()
    for name, build in builders.items():
        src = SOURCES[name]
        if src["package"] not in versions:
            sys.exit(f"english_books: the Debian package {src['package']} is not installed")
        entries, notes = build()
        kept = dup = chars = 0
        per_split = Counter()
        for e in entries:
            mapped = finish(policy.apply(e).split("\n"))
            if not mapped or mapped in seen:
                dup += 1
                continue
            seen.add(mapped)
            raw_chars += len(e)
            for c in e:
                if REPLACEMENT in policy.cache.get(c, c):
                    replaced_chars += 1
                    replaced_what[c] += 1
            d = digest(mapped)
            s = "train" if common.percentile(d) < TRAIN_PERCENT else "val"
            split[s].append((d, mapped))
            kept += 1
            chars += len(mapped)
            per_split[s] += len(mapped)
        info["sources"][name] = {"package": src["package"], "version": versions[src["package"]],
                                 "licence": src["licence"], "entries": kept, "characters": chars,
                                 "train_characters": per_split["train"], "val_characters": per_split["val"],
                                 "duplicate_or_empty_entries_dropped": dup, **notes}
    info["splits"] = {}
    used_in_train = set()
    for s in ("train", "val"):
        entries = [e for _, e in sorted(split[s])]
        text = "\n\n".join(entries) + "\n"
        if s == "train":
            used_in_train = set(text)
        extra = set(text) - vocab
        if extra:
            sys.exit(f"english_books: characters outside the vocabulary: {sorted(extra)!r}")
        path = os.path.join(out_dir, f"en-books.{s}.txt")
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        info["splits"][s] = {"entries": len(entries), "characters": len(text), "bytes": len(text.encode("utf-8")),
                             "replacement_characters": text.count(REPLACEMENT),
                             "distinct_characters": len(set(text))}
    info["replaced"] = {"source_characters_mapped_to_U+FFFD": replaced_chars, "of_source_characters": raw_chars,
                        "share": round(replaced_chars / max(1, raw_chars), 7),
                        "most_frequent": {f"U+{ord(c):04X} {c}": n for c, n in replaced_what.most_common(20)}}
    info["vocabulary"]["unused_in_train"] = sorted(vocab - used_in_train)
    with open(os.path.join(out_dir, "en-books.sizes.json"), "w", encoding="utf-8") as f:
        json.dump(info, f, indent=2, ensure_ascii=True)
        f.write("\n")
    for name, v in info["sources"].items():
        print(f"{name}: {v['entries']} entries / {v['characters']} chars")
    print(", ".join(f"{s} {v['entries']} entries / {v['characters']} chars" for s, v in info["splits"].items())
          + f"; {info['replaced']['share'] * 100:.4f} % of characters became U+FFFD")


if __name__ == "__main__":
    main()
