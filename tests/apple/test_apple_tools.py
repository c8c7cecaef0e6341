"""Hand-derived cases for the apple data tools: the substitution that labels mined text, the
memory probes' distance and filler, the story and narrative examples' order, labels and casing, and the
95 % interval the cards and the page report; and that the frozen natural test sets stay as they were written.
Run: python3 -m unittest discover -s tests/apple   (ctest: apple_tools)"""
import collections
import hashlib
import itertools
import json
import os
import random
import re
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "apple"))
import evaluate  # noqa: E402
import generate  # noqa: E402
import lone_cue  # noqa: E402
import mine  # noqa: E402
import narratives  # noqa: E402
import pool  # noqa: E402
import probes  # noqa: E402
import stories  # noqa: E402


def mentions(text, spans):
    return [text[s:e] for s, e in spans]


class EnglishSubstitution(unittest.TestCase):
    def fruit(self, text):
        return mine.replace_en(text, mine.en_fruit_pattern(), "fruit")

    def test_articles_number_and_case(self):
        text, spans = self.fruit("She ate a pear. Pears and a Banana; two peaches.")
        self.assertEqual(text, "She ate an apple. Apples and an Apple; two apples.")
        self.assertEqual(mentions(text, spans), ["apple", "Apples", "Apple", "apples"])

    def test_words_inside_words_stay(self):
        for s in ("a spear", "appear", "plumber", "impeach", "figure", "pineapple"):
            text, spans = self.fruit(s)
            self.assertEqual((text, spans), (s, []), s)

    def test_fig_abbreviation_is_not_a_fig(self):
        text, spans = self.fruit("Fig.: a figure of speech. A fig tree.")
        self.assertEqual(text, "Fig.: a figure of speech. An apple tree.")
        self.assertEqual(len(spans), 1)

    def test_company_names_and_lower_case(self):
        pat = mine.company_pattern(mine.EN_COMPANY)
        text, spans = mine.replace_en("IBM's PC beat a Sun workstation; Microsoft Windows.", pat, "company")
        self.assertEqual(text, "Apple's PC beat an Apple workstation; Apple Windows.")
        self.assertEqual(mentions(text, spans), ["Apple", "Apple", "Apple"])
        text, _ = mine.replace_en("Sun Microsystems sold it.", pat, "company", lower=True)
        self.assertEqual(text, "apple sold it.")

    def test_labels_cover_the_possessive_and_match_the_mention_rule(self):
        text, spans = mine.replace_en("IBM's", mine.company_pattern(mine.EN_COMPANY), "company")
        ex = mine.example(text, spans, "company", "en", "mined", "test")
        self.assertEqual(ex["labels"], ["company"] * 7)
        self.assertTrue(mine.check(ex))
        ex["labels"][6] = "O"
        self.assertFalse(mine.check(ex))


class ChineseSubstitution(unittest.TestCase):
    def test_fruit_characters(self):
        text, spans = mine.replace_zh("桃花依旧笑春风，满园葡萄。", mine.TARGETS[("zh", "fruit")])
        self.assertEqual(text, "苹果花依旧笑春风，满园苹果。")
        self.assertEqual(mentions(text, spans), ["苹果", "苹果"])

    def test_spaces_around_latin_names_go_only_next_to_chinese(self):
        text, spans = mine.replace_zh("在 Windows 系统上, 用 GNU Linux 内核", mine.TARGETS[("zh", "company")])
        self.assertEqual(text, "在苹果系统上, 用 GNU 苹果内核")
        self.assertEqual(mentions(text, spans), ["苹果", "苹果"])


class Probes(unittest.TestCase):
    def test_distance_counts_the_filler_and_gap_counts_from_the_cue_word(self):
        pools = {"en": ["One two three four."], "zh": ["关关雎鸠。", "在河之洲。"]}
        r = random.Random(1)
        p = probes.probe(r, pools, "en", "fruit", 0)
        text = p["text"]
        cue_end = text.index(p["cue"]) + len(p["cue"])
        self.assertEqual(text[cue_end:cue_end + 2], ". ")
        frame = text[cue_end + 2:p["start"]]
        self.assertIn(frame + "{}", probes.MENTION_FRAMES["en"])
        self.assertEqual((p["distance"], p["gap"]), (0, 2 + len(frame)))
        self.assertEqual(text[p["start"]:p["end"]], "apple")
        self.assertEqual(probes.probe(r, pools, "en", "fruit", 0, upper=True)["text"][-5:], "Apple")
        # one sentence of 19 characters: two fit in 45 (39); with 52 asked, 12 are still missing
        # after two, more than 10, so a third goes in (59); with 30, 10 are missing after one: stop
        for asked, got in ((45, 39), (52, 59), (30, 19)):
            p = probes.probe(r, pools, "en", "company", asked)
            self.assertEqual(p["distance"], got, asked)
            frame = p["text"][p["start"] - 40:p["start"]].split("four. ")[-1]
            self.assertEqual(p["gap"], 2 + got + 1 + len(frame))
        p = probes.probe(r, pools, "zh", "fruit", 10)
        self.assertEqual(p["distance"], 10)
        self.assertTrue(p["text"].endswith("苹果"))

    def test_committed_filler_has_no_listed_word(self):
        # Between the cue's sentence and the mention's, none of the probes' banned words, computing words
        # or cue words (a company cue such as 系统 in the filler of a fruit probe would make the probe test
        # the filler, not memory). The file's own check also reads traditional characters as simplified.
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "memory-probes.jsonl")
        with open(path, encoding="utf-8") as f:
            rows = [json.loads(line) for line in f]
        cues = {lang: [c for (ln, _), cs in probes.CUES.items() if ln == lang for c in cs] for lang in ("en", "zh")}
        for p in rows:
            text, lang = p["text"], p["lang"]
            head = next(c.format(p["cue"]) for c in probes.CARRIERS[lang] if text.startswith(c.format(p["cue"])))
            frame = next(f[:-2] for f in probes.MENTION_FRAMES[lang] if text[:p["start"]].endswith(f[:-2]))
            filler = text[len(head):p["start"] - len(frame)].strip()
            self.assertEqual(len(filler), p["distance"], text)
            if lang == "en":
                words = set(re.findall(r"[a-z]+", filler.lower()))
                self.assertFalse(words & probes.EN_BANNED, text)
                self.assertFalse([c for c in cues["en"] if re.search(rf"\b{re.escape(c)}\b", filler, re.IGNORECASE)], text)
            else:
                self.assertFalse(set(filler) & probes.ZH_BANNED, text)
                self.assertIsNone(probes.ZH_TECH.search(filler), text)
                self.assertFalse([c for c in cues["zh"] if c in filler], text)
            self.assertIsNone(probes.MENTION.search(filler), text)

    def test_control_replaces_the_cue_word_alone(self):
        # "pie" is also inside "happiest" further on: only the carrier's word (gap characters before the
        # mention) changes, and the mention's offsets move by the difference in length (weather 7 - pie 3 = 4;
        # 天气 2 - 果酱 2 = 0).
        rows = [{"text": "We talked about the pie. The happiest day. Now all I want is the apple", "lang": "en",
                 "sense": "company", "nominal": 0, "cue": "pie", "gap": 42, "start": 65, "end": 70},
                {"text": "我想起了果酱。好想要一个苹果", "lang": "zh", "sense": "fruit", "nominal": 25, "cue": "果酱",
                 "gap": 6, "start": 12, "end": 14}]
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "probes.jsonl")
            with open(path, "w", encoding="utf-8") as f:
                f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
            got = evaluate.read_control(path)
        self.assertEqual(got, [
            ("We talked about the weather. The happiest day. Now all I want is the apple", [(69, 74, "fruit")], "en 0"),
            ("我想起了天气。好想要一个苹果", [(12, 14, "fruit")], "zh 25")])

    def test_neutral_reads_traditional_characters_as_simplified(self):
        # 樹 is 树 (banned: a plant word), 錢 is 钱 (money); 側 and 靁 say nothing. English: no banned word,
        # ends a sentence, no quotation, not cut at an initial.
        zh = ["殷其靁,在南山之側。", "桃之夭夭,其葉蓁蓁,樹下成蹊。", "千金散盡,錢還復來。", "殷其靁,在南山之側"]
        self.assertEqual(probes.neutral(zh, "zh"), ["殷其靁,在南山之側。"])
        en = ["She walked to the door.", "They ate in silence.", 'He said "no" twice.', "It was Mr. B.", "Why not"]
        self.assertEqual(probes.neutral(en, "en"), ["She walked to the door."])

    def test_unread_sees_through_case_punctuation_and_replaced_characters(self):
        # The fortunes' LM text has U+FFFD for its rare characters (靁 here): a sentence is compared with the
        # characters that text lacks dropped. (Simplified text, so that opencc's conversion changes nothing.)
        lm = "殷其\ufffd,在南山之阳。"
        texts = [(probes.letters(lm, "zh"), set(lm) - {"\ufffd"})]
        self.assertEqual(probes.unread(["殷其靁,在南山之阳。", "南山在其之阳。"], "zh", texts), ["南山在其之阳。"])
        text = probes.letters("...she said. IT IS a truth universally acknowledged!", "en")
        self.assertEqual(probes.unread(["It is a truth universally acknowledged.", "Emma was tired."], "en",
                                       [(text, None)]), ["Emma was tired."])


class LoneCue(unittest.TestCase):
    def test_carriers_say_nothing_and_are_not_the_probes(self):
        # The carrier must leave the cue word as the only evidence, by the probes' own lists of
        # words that would tell a sense; and the taggers must not train on the probes' carriers.
        en = lone_cue.EN_OPENERS + lone_cue.EN_SUBJECTS + lone_cue.EN_VERBS + lone_cue.EN_TAILS
        for piece in en:
            self.assertFalse(set(re.findall(r"[a-z]+", piece.lower())) & probes.EN_BANNED, piece)
        for piece in lone_cue.ZH_OPENERS + lone_cue.ZH_SUBJECTS + lone_cue.ZH_VERBS + lone_cue.ZH_TAILS:
            self.assertFalse(set(piece) & probes.ZH_BANNED, piece)
        rng = random.Random(1)
        for _ in range(2000):
            c = lone_cue.compose(rng, "en")
            self.assertEqual(c.count("{C}"), 1, c)
            self.assertNotIn(c.replace("{C}", "the {}"), probes.CARRIERS["en"])
            c = lone_cue.compose(rng, "zh")
            self.assertEqual(c.count("{C}"), 1, c)
            self.assertNotIn(c.replace("{C}", "{}"), probes.CARRIERS["zh"])

    def test_no_verb_of_a_probe_carrier_brings_in_a_cue(self):
        # The word (character) that introduces the cue in a probe carrier ("We talked about the {}.",
        # "然后说到{}。") must not introduce it in any training carrier, or the probes would test a phrase
        # the taggers learned rather than memory of a cue word. Other forms of the verb ("talking") are
        # not caught.
        en_verbs = {re.search(r"(\w+) \w+ the \{\}", c).group(1).lower() for c in probes.CARRIERS["en"]}
        zh_verbs = {re.search(r"(.).了?\{\}", c).group(1) for c in probes.CARRIERS["zh"]}
        self.assertEqual(en_verbs, {"talked", "thought", "there"})
        self.assertEqual(zh_verbs, {"聊", "想", "说"})
        pieces = {"en": (lone_cue.EN_OPENERS, lone_cue.EN_SUBJECTS, lone_cue.EN_VERBS),
                  "zh": (lone_cue.ZH_OPENERS, lone_cue.ZH_SUBJECTS, lone_cue.ZH_VERBS)}
        for lang, parts in pieces.items():
            for combo in itertools.product(*parts):
                before_cue = " ".join(combo).split("{C}")[0].lower()
                if lang == "en":
                    self.assertFalse(set(re.findall(r"[a-z]+", before_cue)) & en_verbs, before_cue)
                else:
                    self.assertFalse(set(before_cue) & zh_verbs, before_cue)

    def test_distance_stays_within_the_stage(self):
        rng = random.Random(2)
        for most in (0, 60, 200, 430):
            ds = [lone_cue.distance(rng, most) for _ in range(500)]
            self.assertLessEqual(max(ds), most)
            self.assertEqual(min(ds), 0)


class StandGen:
    """A stand-in for generate.Gen in the story and narrative tests: its cue clause names the sense, its neutral
    clause is fixed with the mention at `span`, and its fortune filler is all 'z'."""
    split = "train"

    def __init__(self, seed, cue, neutral, span):
        self.rng = random.Random(seed)
        self.filler = self  # text() below
        self.cue, self.neutral, self.span = cue, neutral, span

    def text(self, rng, lang, split, n):
        return "z" * (n - 1) + "."

    def frame(self, lang, what, sense):
        return what

    def render(self, frame, sense, lang, neutral=False):
        if frame == "cue":
            return self.cue.format(sense=sense), [], -1
        return self.neutral, [(*self.span, sense)], -1


class Stories(unittest.TestCase):
    def test_composed_digressions_say_nothing(self):
        # By the memory probes' own rule for filler: no word (character) that would tell a sense.
        for lang, parts in (("en", stories.EN_WHEN + stories.EN_WHO + stories.EN_DID),
                            ("zh", stories.ZH_WHEN + stories.ZH_WHO + stories.ZH_DID)):
            for piece in parts:
                self.assertTrue(probes.says_nothing(piece, lang), piece)

    def test_topic_and_mention_agree_on_either_side(self):
        # A stand-in generator whose cue clause names its sense and whose mention clause is fixed: every
        # story must hold one mention, labelled with the sense of every topic sentence around it, and
        # have the topic before the mention three times in four.
        def example(text, spans, lang, kind):
            return text, spans

        def kind(sentence, sense):
            for k, t in (("T", sense), ("X", generate.OTHER[sense])):
                if sentence in {x.lower() for x in stories.EN_KNOW[t]} | {f"cue-{t}."}:
                    return k
            if sentence == "i want an apple.":
                return "M"
            if "z" in sentence or any(sentence.endswith(did + ".") for did in stories.EN_DID):
                return "D"
            return "?"

        g, before = StandGen(5, "CUE-{sense}.", "I want an apple.", (10, 15)), 0
        for i in range(400):
            text, spans = stories.make_story_example(g, "en", example, generate.join, 480)
            self.assertEqual(len(spans), 1, text)
            a, b, sense = spans[0]
            self.assertEqual(text[a:b].lower(), "apple")
            kinds = "".join(kind(x, sense) for x in re.split(r"(?<=\.) ", text.lower()))
            self.assertRegex(kinds, r"^(T{1,3}D+M|MD+T{1,3})$", text)
            before += kinds.startswith("T")
        self.assertTrue(0.65 < before / 400 < 0.85, before)


class Narratives(unittest.TestCase):
    def test_parts_say_nothing(self):
        # By the memory probes' rule for filler; the lures are meant to lean, and are drawn for both senses.
        for lang, pieces, ends, who in (
                ("en", narratives.EN_WHEN + narratives.EN_WHO + narratives.EN_DID + narratives.EN_SCENE,
                 narratives.EN_START + narratives.EN_MID, "my mum"),
                ("zh", narratives.ZH_WHEN + narratives.ZH_WHO + narratives.ZH_DID + narratives.ZH_SCENE,
                 narratives.ZH_END, "我妈")):
            for piece in pieces:
                self.assertTrue(probes.says_nothing(piece, lang), piece)
            for end in ends:
                self.assertEqual(end.count("{M}"), 1, end)
                self.assertTrue(probes.says_nothing(end.replace("{M}", "").replace("{W}", who), lang), end)

    def test_topic_far_before_a_neutral_mention(self):
        # A stand-in generator whose cue clause names its sense and whose neutral clause is fixed: every
        # narrative opens with one or two topic sentences of the mention's sense and none of the other,
        # then 80+ characters that say nothing of either sense but for lures, then one mention at the very
        # end; lures come with both senses alike, and an English mention is cased as English is written: a
        # capital at the start of a sentence whatever the sense, elsewhere only the company's.
        def alternatives(words):
            return "(?:" + "|".join(re.escape(w.lower()) for w in words) + ")"

        know = {"en": (narratives.EN_TOPIC, stories.EN_KNOW), "zh": (narratives.ZH_TOPIC, stories.ZH_KNOW)}
        topics = {(lang, s): {t.lower() for t in set(k[0][s]) | set(k[1][s]) | {f"CUE{s}。"}}
                  for lang, k in know.items() for s in ("fruit", "company")}
        who = {"en": narratives.EN_WHO, "zh": narratives.ZH_WHO}
        endings = {"en": narratives.EN_START + narratives.EN_MID, "zh": narratives.ZH_END + ["我想要{M}。"]}
        ends = {lang: [re.compile("(?:" + re.escape(e.lower()).replace(r"\{w\}", alternatives(who[lang]))
                                  .replace(r"\{m\}", "(?:apple|苹果)") + ")$") for e in es]
                for lang, es in endings.items()}
        lures = {"en": [w.lower() for w in narratives.EN_LURE], "zh": narratives.ZH_LURE}
        full = str.maketrans(",!?:", "，！？：")  # half the Chinese ones have ASCII marks
        g = StandGen(7, "CUE{sense}。", "我想要苹果。", (3, 5))
        lured, capital = collections.Counter(), collections.Counter()
        for i in range(1000):
            lang = ("en", "zh")[i % 2]
            text, spans = narratives.make_narrative_example(g, lang, lambda *a: a[:2], generate.join, 480)
            self.assertEqual(len(spans), 1, text)
            a, b, sense = spans[0]
            self.assertEqual(text[a:b].lower(), "apple" if lang == "en" else "苹果")
            self.assertEqual(len(generate.MENTION.findall(text)), 1, text)
            if lang == "en":
                starts = a == 0 or text[:a].rstrip()[-1] in ".!?"
                capital[sense, starts] += 1
                self.assertEqual(text[a:b], "Apple" if starts or sense == "company" else "apple", text)
            low = (text.translate(full) if lang == "zh" else text).lower()
            rest, n = low, 0
            while (t := next((t for t in topics[lang, sense] if rest.startswith(t)), None)):
                rest, n = rest[len(t):].lstrip(" "), n + 1
            self.assertIn(n, (1, 2), text)
            self.assertFalse(any(t in low for t in topics[lang, generate.OTHER[sense]]), text)
            end = next(m for m in (e.search(rest) for e in ends[lang]) if m)
            body = rest[:end.start()]
            self.assertGreaterEqual(len(body), 80, text)
            for lure in lures[lang]:
                lured[sense] += lure in body
                body = body.replace(lure, "")
            self.assertTrue(probes.says_nothing(body, lang), body)
        self.assertTrue(0.7 < lured["fruit"] / lured["company"] < 1.4, lured)
        for sense in ("fruit", "company"):  # three in four start a sentence, whatever the sense
            share = capital[sense, True] / (capital[sense, True] + capital[sense, False])
            self.assertTrue(0.65 < share < 0.85, (sense, share))


class ReadingWindow(unittest.TestCase):
    def test_by_hand(self):
        # A 527-character text, a 5-character mention at 521, a window of 512.
        self.assertEqual(evaluate.reading_window(527, 521, 526, 512, False), (14, 526))  # ends with the mention
        self.assertEqual(evaluate.reading_window(527, 521, 526, 512, True), (15, 527))   # centred, moved inside
        self.assertEqual(evaluate.reading_window(1000, 400, 405, 512, True), (147, 659))  # 400 - 507 // 2 = 147
        self.assertEqual(evaluate.reading_window(1000, 3, 8, 512, False), (0, 8))
        self.assertEqual(evaluate.reading_window(512, 500, 505, 512, True), (0, 512))     # fits: the whole text
        self.assertEqual(evaluate.reading_window(5000, 4000, 4005, None, False), (0, 5000))  # recurrent


class NaturalFormat(unittest.TestCase):
    def test_mentions_and_cues(self):
        # Hand-written lines: every 苹果 or 蘋果 is a mention, with its label and cue in order.
        with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as f:
            f.write("# a comment\n")
            f.write("fruit,company\tbefore,after\t我吃了一个蘋果,又买了苹果手机。\n")
        try:
            items = evaluate.read_natural(f.name, "zh")
        finally:
            os.unlink(f.name)
        self.assertEqual([(spans, key) for _, spans, key in items],
                         [([(5, 7, "fruit")], "zh before"), ([(11, 13, "company")], "zh after")])


class FrozenTestSets(unittest.TestCase):
    # Each natural test set was frozen unread, before the taggers it judges were chosen: a changed byte would make
    # its scores meaningless. When each was frozen and scored, and for which weights: models/README.md.
    # file: (sha256, mentions as counted when it was frozen)
    FROZEN = {
        "natural.en.txt": ("56e86841d0045e121a16d0854980d45ba23df7116eee53dfa3330016c6d5c77c", 228),
        "natural.zh.txt": ("3ab15beea15127af68d8a67941bb6a150ad1d16ca9e6aeb3e6854256e9f49c2c", 214),
        "natural2.en.txt": ("7fb98ad9f8ebaff5983ee98372ac4e1f6cf06f390126db9dd232110ab2c45e01", 254),
        "natural2.zh.txt": ("9bb30bd7a6e3820f52f947de38bc4b2b7a7150901d4b2b4ab5870b97302abdd8", 259),
        "natural3.en.txt": ("9af28940f09f0633664352281456948b1d5698a6853cb7e4a879f734291665d0", 262),
        "natural3.zh.txt": ("344501a18c2130c0fe4bd801359e6d184786dd0c1ab5fd21119a8bad730f6ece", 263),
        "natural4.en.txt": ("880c528e0289a599028e35df69e11211926884331a287ffb351a6443a8fb4885", 281),
        "natural4.zh.txt": ("551e140805209307a7cc7814cd9f78f30a2d83e29cb8007d8393b42d7f38f05f", 272),
        "natural5.en.txt": ("bf22a88a21f9e48091a2f6615ad846070e9ff5afc82b13d00bf67290351700c5", 269),
        "natural5.zh.txt": ("560cdfdc7e6ade4f8aead7c35a8227b445184190bc85d3dac059d72827b6c273", 269),
        "natural6.en.txt": ("0de810ec3825d29b868937c6f48bac546648f20d85218a9b45538e23e6458c1a", 284),
        "natural6.zh.txt": ("a7a5d142daf3be8a74d8cb551c8854808b015aee5839d0afa40e242329eb4c36", 286),
        "natural7.en.txt": ("43ac4afac65a3e77c0e13084af934bfd510929449981619b8bf31dac028a241e", 263),
        "natural7.zh.txt": ("181b5343d780da20423c4c9a88fd74771eaff5dedcb4ce92f24ab04d495f426b", 266),
        "natural8.en.txt": ("b3ee784a05e04bc182c1c6d4f665728bdefce70eb48361ae1cee44a5cbcf0ac5", 280),
        "natural8.zh.txt": ("fb09e54d8b6342115303d60c5b855fda6e37494eefe1e44c2091fba767257287", 277),
        "natural9.en.txt": ("bc45ebb46c47d316afc027af38e977d57efec6ada875e752be8d3a2443224a5f", 259),
        "natural9.zh.txt": ("0ebfa2ba0380efe906346c29f8e3e097244592966c96d60b292842f2ca66f1c7", 261),
        "natural10.en.txt": ("20348352297a8f22437324ee3f4895c6acaaf68b3e2e87a35d21dcb7190c97af", 274),
        "natural10.zh.txt": ("9e5c57a7237e305f73b934baae80a3e475193ef56c24e66462917bc39e8e1d68", 280),
        "natural11.en.txt": ("92a1c06973f18264742926ad12e7bced240968a699e348efec00b57f654589d9", 349),
        "natural11.zh.txt": ("7670ec559fa0ade71d594e393208b1d001f830fc6304b1e4ff4b53f87caa6a6f", 349),
        "natural12.en.txt": ("35c48b6a11c75fb6d8d9e0c93b52cf10aaeb982d94686f765a8c3688290e5d28", 339),
        "natural12.zh.txt": ("f758180319d3269bae80ca2d6f1cc3a3b6be4ccca6911f5af2c80b1c80dbe165", 344),
    }

    def test_unchanged_and_readable(self):
        here = os.path.dirname(os.path.abspath(__file__))
        # every set the scorer knows is frozen here
        self.assertEqual(set(self.FROZEN),
                         {f"{s}.{lang}.txt" for s in evaluate.NATURAL_SETS for lang in ("en", "zh")})
        for name, (digest, mentions) in self.FROZEN.items():
            path = os.path.join(here, name)
            with open(path, "rb") as f:
                self.assertEqual(hashlib.sha256(f.read()).hexdigest(), digest, name)
            # Every line parses, with one label and one cue position per mention the scorer finds.
            self.assertEqual(len(evaluate.read_natural(path, name.split(".")[1])), mentions, name)


class Wilson(unittest.TestCase):
    def test_known_intervals(self):
        # 95 % Wilson intervals worked out by hand: 50/100 -> 0.4038..0.5962; 0/10 -> 0..0.2775
        lo, hi = evaluate.wilson(50, 100)
        self.assertAlmostEqual(lo, 0.40383, places=4)
        self.assertAlmostEqual(hi, 0.59617, places=4)
        lo, hi = evaluate.wilson(0, 10)
        self.assertEqual(lo, 0.0)
        self.assertAlmostEqual(hi, 0.27753, places=4)


class Pool(unittest.TestCase):
    def test_sets_and_runs_are_summed_by_hand(self):
        # Two runs of one tagger: the later run's natural2 replaces the earlier one's; counts summed by hand.
        t = lambda c, n: {"correct": c, "mentions": n, "accuracy": c / n}
        first = {"natural": {"en far": t(3, 4), "zh far": t(1, 2), "all": t(9, 12)}, "natural2": {"all": t(0, 5)}}
        later = {"natural2": {"en far": t(5, 10), "en before": t(2, 2), "all": t(7, 12)}}
        with tempfile.TemporaryDirectory() as d:
            paths = []
            for i, res in enumerate((first, later)):
                paths.append(os.path.join(d, f"{i}.json"))
                with open(paths[-1], "w") as f:
                    json.dump(res, f)
            name, res = pool.load("tagger=" + ",".join(paths))
        self.assertEqual(name, "tagger")
        self.assertEqual(pool.pooled(res, ["natural", "natural2"], ["en far", "zh far"]), (9, 16))
        self.assertEqual(pool.pooled(res, ["natural", "natural2"], ["all"]), (16, 24))
        self.assertEqual(pool.cell(50, 100), "50.0 (40–60)")


if __name__ == "__main__":
    unittest.main()
