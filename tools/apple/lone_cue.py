"""Lone-cue examples for the streaming apple taggers (train-lone.jsonl).

In generate.py's far-cue examples the cue is a whole clause written for its sense ("We spent the
afternoon picking pears at the orchard."), and the shipped taggers learned those clauses more than the
cue words in them: a single cue word in a sentence that says nothing else ("Someone brought up the
charger.") they mostly ignore, even right before the mention. Here the cue word is the only evidence:
one word of the sense's hand-written training pool in a neutral carrier sentence, 0-430 characters of
neutral filler (fortune sentences of the training half), then a neutral mention frame, whose casing
follows the sense as in natural English in half of the examples and is independent of it in the other
half. A third of the examples have an earlier lone cue of the other sense before the deciding one, so
that the newer cue must replace the older (what a memory of the topic does).
The carriers are written here and differ from the memory probes' (tools/apple/probes.py). Drawn last,
from its own seeded RNG, so every other file stays byte for byte the same. No recipe reads it yet: added
to apple-lstm's data as it is (18 % of the lines), the LSTM still did not use the English cues (51-66 % on
the English memory probes at each distance), and trained on these examples alone it learns them only with
the cue next to the mention (on examples it trained on, after 3,000 steps: 99 % with distance 0 only,
66 % with distances 0-60).
"""

from cue_mix import EN_POOLS, ZH_POOLS  # the pool keys of each sense

# Names take no article in English.
EN_BARE = {"PROD", "SW", "CO", "PERS"}
EN_CARRIERS = [
    "Someone brought up {C}.",
    "The conversation turned to {C}.",
    "She mentioned {C} again.",
    "He kept going on about {C}.",
    "There was a note about {C} on the door.",
    "My friend asked me about {C}.",
    "We argued about {C} for a while.",
    "The letter said something about {C}.",
    "They were discussing {C} when I came in.",
    "Somebody had written about {C}.",
    "For some reason I remembered {C}.",
    "Nobody expected {C} to come up.",
    "My uncle told a long story about {C}.",
    "It started with {C}, as usual.",
    "The radio kept mentioning {C}.",
    "I dreamed about {C} last night.",
    "Her message was about {C}.",
    "Last week the topic was {C}.",
    "Once again, {C}.",
    "He wrote {C} in his notebook.",
]
ZH_CARRIERS = [
    "后来有人提起了{C}。",
    "话题转到了{C}上。",
    "她又提到了{C}。",
    "他一直在讲{C}。",
    "门上贴着一张关于{C}的纸条。",
    "朋友问我{C}的事。",
    "我们为{C}争了半天。",
    "信里说到了{C}。",
    "我进门的时候,他们正在讨论{C}。",
    "不知道为什么,我想起了{C}。",
    "谁也没想到会说起{C}。",
    "叔叔讲了一个关于{C}的故事。",
    "一开始说的是{C}。",
    "广播里一直在说{C}。",
    "昨晚我梦见了{C}。",
    "她的留言是关于{C}的。",
    "上个星期的话题是{C}。",
    "又是{C}。",
    "他在本子上写下了{C}。",
    "大家都在说{C}。",
]


def cue_phrase(g, lang, sense, hand):
    """One cue word of the sense, as a noun phrase."""
    rng = g.rng
    key = rng.choice((EN_POOLS if lang == "en" else ZH_POOLS)[sense])
    w = rng.choice(hand[key])
    if lang == "zh" or key in EN_BARE:
        return w
    return "the " + w


def lone(g, lang, sense, hand):
    carrier = g.rng.choice(EN_CARRIERS if lang == "en" else ZH_CARRIERS)
    return carrier.replace("{C}", cue_phrase(g, lang, sense, hand))


def distance(rng):
    """Characters of filler between cue and mention, for these and generate.py's far-cue examples."""
    r = rng.random()
    return 0 if r < 0.2 else rng.randint(1, 60) if r < 0.45 else rng.randint(60, 200) if r < 0.7 \
        else rng.randint(200, 430)


def make_lone_example(g, lang, to_example, join, hand):
    """hand: pool key -> the words of g's pool that come from its hand-written list (everyday words,
    not WordNet's "sauerbraten" or "oscilloscope"), in pool order."""
    rng = g.rng
    sense = rng.choice(["fruit", "company"])
    fill = lambda n: (g.filler.text(rng, lang, g.split, n), [])
    parts = []
    if rng.random() < 0.33:
        other = "company" if sense == "fruit" else "fruit"
        parts += [(lone(g, lang, other, hand), []), fill(rng.randint(0, 150))]
    parts += [(lone(g, lang, sense, hand), []), fill(distance(rng))]
    # Half with the casing of natural English (mostly "Apple" for the company), which real text has
    # and the taggers should keep; half independent of the sense, where only the cue tells.
    t, sp, _ = g.render(g.frame(lang, "neutral", sense), sense, lang, neutral=rng.random() < 0.5)
    parts.append((t, sp))
    text, spans = join(parts, lang)
    return to_example(text, spans, lang, "lone")
