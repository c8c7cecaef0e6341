"""Lone-cue examples for the streaming apple taggers (train-lone-D.jsonl), the stages of their distance
curriculum (tools/apple/apple.mk).

In generate.py's far-cue examples the cue is a whole clause written for its sense ("We spent the
afternoon picking pears at the orchard."), and taggers trained on them learned those clauses more than the
cue words in them: a single cue word in a sentence that says nothing else ("Someone brought up the
charger.") they mostly ignored, even right before the mention. Here the cue word is the only evidence:
one word of the sense's hand-written training pool in a neutral carrier sentence, at most D characters of
neutral filler (fortune sentences of the training half that say nothing of either sense by the memory
probes' rules, Chinese verse in traditional characters included), then a neutral mention frame, whose casing
follows the sense as in natural English in half of the examples and is independent of it in the other
half. A third of the examples have an earlier lone cue of the other sense before the deciding one, so
that the newer cue must replace the older (what a memory of the topic does).
The carriers are composed here and differ from the memory probes' (tools/apple/probes.py). Drawn last,
each stage from its own seeded RNG, so every other file stays byte for byte the same. Mixed into the
data at once (18-40 % of the lines) these examples were not learned: the LSTM still scored 51-66 % on
the English memory probes. Trained on alone, it learned them with the cue next to the mention (99 %)
but not yet with distances of 0-60 (66 %) after 3,000 steps; hence the stages, short distances first.
"""

from cue_mix import EN_POOLS, ZH_POOLS  # the pool keys of each sense

# Names take no article in English.
EN_BARE = {"PROD", "SW", "CO", "PERS"}
# Carriers are composed (opener + subject + verb phrase + tail), over ten thousand per language, so that
# the cue sits at many positions: with a few fixed carriers the LSTM learned where the cue word stands in
# each of them and ignored it in any other sentence. No verb phrase uses a verb that brings in the cue in
# a probe carrier ("talked", "聊", "说", ...), so that the probes do not measure a familiar phrase.
EN_OPENERS = ["", "Yesterday, ", "This morning, ", "Later, ", "On the bus, ", "Out of nowhere, ", "Last week, ",
              "At the party, ", "Once again, ", "For some reason, "]
EN_SUBJECTS = ["someone", "my sister", "he", "she", "the old man", "a neighbour", "our teacher", "they",
               "a stranger", "my brother", "my uncle", "nobody else"]
EN_VERBS = ["brought up {C}", "mentioned {C}", "made a remark about {C}", "asked about {C}",
            "kept going on about {C}", "wrote a few lines about {C}", "told a long story about {C}", "joked about {C}",
            "complained about {C}", "had a question about {C}", "would not stop talking about {C}",
            "left a note about {C}", "argued about {C}", "dreamed about {C}"]
EN_TAILS = ["", "", " again", " for a while", " twice", " at length", ", of all things", " before leaving",
            " without a word of explanation"]
ZH_OPENERS = ["", "昨天", "后来", "路上", "晚上", "突然", "那天", "上个星期", "聚会上", "不知道为什么,"]
ZH_SUBJECTS = ["有人", "我姐姐", "他", "她", "一位老人", "邻居", "我们老师", "他们", "一个陌生人", "我哥哥",
               "叔叔", "大家"]
ZH_VERBS = ["提起了{C}", "念叨着{C}", "问起了{C}", "一直在讲{C}", "写了几句关于{C}的话", "讲了一个关于{C}的故事",
            "拿{C}开了个玩笑", "抱怨了半天{C}", "留了一张关于{C}的纸条", "打听了{C}", "为{C}争了半天",
            "梦见了{C}", "在本子上写下了{C}", "嘀咕着{C}"]
ZH_TAILS = ["。", "。", ",然后就走了。", ",说了好几遍。", ",谁也没想到。", ",又说了一次。"]


def compose(rng, lang):
    """One carrier sentence with {C} where the cue goes."""
    if lang == "en":
        s = rng.choice(EN_OPENERS) + rng.choice(EN_SUBJECTS) + " " + rng.choice(EN_VERBS) + rng.choice(EN_TAILS) + "."
        return s[0].upper() + s[1:]
    return rng.choice(ZH_OPENERS) + rng.choice(ZH_SUBJECTS) + rng.choice(ZH_VERBS) + rng.choice(ZH_TAILS)


def cue_phrase(g, lang, sense, hand):
    """One cue word of the sense, as a noun phrase."""
    rng = g.rng
    key = rng.choice((EN_POOLS if lang == "en" else ZH_POOLS)[sense])
    w = rng.choice(hand[key])
    if lang == "zh" or key in EN_BARE:
        return w
    return "the " + w


def lone(g, lang, sense, hand):
    return compose(g.rng, lang).replace("{C}", cue_phrase(g, lang, sense, hand))


def distance(rng, most=430):
    """Characters of filler between cue and mention, for these and generate.py's far-cue examples; at
    most `most` (the curriculum's stages), by drawing again."""
    while True:
        r = rng.random()
        d = 0 if r < 0.2 else rng.randint(1, 60) if r < 0.45 else rng.randint(60, 200) if r < 0.7 \
            else rng.randint(200, 430)
        if d <= most:
            return d


def make_lone_example(g, lang, to_example, join, hand, most=430):
    """hand: pool key -> the words of g's pool that come from its hand-written list (everyday words,
    not WordNet's "sauerbraten" or "oscilloscope"), in pool order."""
    rng = g.rng
    sense = rng.choice(["fruit", "company"])
    fill = lambda n: (g.filler.text(rng, lang, g.split, n), [])
    parts = []
    if rng.random() < 0.33:
        other = "company" if sense == "fruit" else "fruit"
        parts += [(lone(g, lang, other, hand), []), fill(rng.randint(0, 150))]
    parts += [(lone(g, lang, sense, hand), []), fill(distance(rng, most))]
    # Half with the casing of natural English (mostly "Apple" for the company), which real text has
    # and the taggers should keep; half independent of the sense, where only the cue tells.
    t, sp, _ = g.render(g.frame(lang, "neutral", sense), sense, lang, neutral=rng.random() < 0.5)
    parts.append((t, sp))
    text, spans = join(parts, lang)
    return to_example(text, spans, lang, "lone")
