"""Cue-mix examples for the bidirectional apple tagger (train-mix.jsonl).

The frame-based corpora (generate.py, shared_frames.py) give every cue word a grammatical place in a
few hundred sentence frames, and apple-bilstm learned the frames as much as the cues: on natural
sentences it missed mentions with plain cues around them ("Samsung", "banana", "iPad") when the rest
of the sentence looked like a frame of the other sense. Here there are no frames. A real sentence from
the fortune corpora (neutral filler) gets the mention put in at a random word boundary and cue words
of the mention's sense put in at random boundaries near it, on either side; the result is often
ungrammatical, so the only thing that tells the sense is the cue words:

  scatter  filler with the mention and 1-3 cues (nouns, verbs, adjectives) within a few words of it
  list     the mention in a list of words of its own sense: "bananas, apples and grapes",
           "Google, Apple and Microsoft", "香蕉、苹果和葡萄", in a neutral carrier sentence
  pair     two of the above, of different senses 70 % of the time, in one text
  tight    two short clauses side by side, one mention each, mostly of different senses, so that each
           cue must go with the nearer mention: "He applied to Apple and planted my apple"

Casing follows the sense as in generate.py's frames (mostly "Apple" for the company, "apple" for the
fruit, capitalised at a sentence start either way): natural English has that prior, and with the
sense-independent casing of shared_frames.py alone the model dropped it ("CEO of Apple" came out
fruit). Half of the Chinese examples use full-width punctuation (，！？：；), which natural Chinese
text uses and the frame corpora do not. The verb and adjective lists below are hand-written (after
the first two hand-written test sets' errors had been read); the nouns are generate.py's training
pools (WordNet and hand lists). Training-only, drawn last from its own seeded RNG, so every other
file stays byte for byte the same.
"""

EN_WORDS = {
    "fruit": """eat ate eating eaten peel peeled peeling chop chopped bite bit bitten chew munch munched
        bake baked baking core cored pick picked picking ripe unripe ripen ripened rotten juicy crunchy
        sour tart mealy organic harvest harvested orchard tree trees seeds stem grow grew grown bushel
        basket wash washed dice diced stew stewed roast roasted grate grated squeeze squeezed pantry
        recipe kitchen grocery groceries produce farm farmer vitamin fiber calories tasty delicious""",
    "company": """launched launch unveiled unveil announced announce released release updated update
        installed install downloaded download upgrade upgraded synced sync rebooted reboot patented
        patent headquarters CEO engineers executives keynote lawsuit antitrust regulators investors
        quarterly earnings valuation startup acquisition acquired subscription streaming wireless
        bluetooth refurbished unlocked warranty firmware touchscreen developer developers privacy
        encryption silicon retail stores customers users smartphones devices gadgets tech""",
}
ZH_WORDS = {
    "fruit": """吃 吃了 削 削皮 切开 咬 咬了一口 啃 洗 洗干净 摘 摘了 榨汁 烤 种 熟了 烂了 甜 酸 很甜
        多汁 新鲜 果园 果树 果农 一斤 一箱 一筐 水果刀 果皮 维生素 营养 蒸 炖 拌 丰收 成熟 红彤彤
        削好 切成块 洗了 熟透 甜甜的 酸酸的 一斤多少钱 菜市场 摊位""",
    "company": """发布 发布了 上市 更新 升级 下载 安装 开机 关机 重启 死机 黑屏 充电 续航 信号 像素
        内存 存储 屏幕 型号 系统 芯片 新品 总部 工程师 员工 高管 官方 旗舰 销量 股价 起诉 专利
        用户 客户 门店 售后 保修 订阅 版本 设备 数码 科技 蓝牙 无线 刷机 激活""",
}
# nouns from generate.py's pools, per sense
EN_POOLS = {"fruit": ["FRUIT", "FOOD"], "company": ["PROD", "SW", "CO", "PERS", "FIN", "DEV"]}
ZH_POOLS = {"fruit": ["ZFRUIT", "ZVAR", "ZFOOD", "ZFPLACE", "ZFEVENT"],
            "company": ["ZPROD", "ZDEV", "ZSW", "ZCO", "ZPERS", "ZFIN", "ZCEVENT"]}
EN_DET = ["", "", "the ", "an ", "my ", "this ", "that ", "one ", "his ", "her ", "our "]
ZH_DET = ["", "", "一个", "这个", "那个", "我的", "他的", "新", "两个"]
EN_CARRIER = ["We need {L}.", "{L} were on the list.", "She mentioned {L} twice.", "Do you want {L}?",
              "It was all about {L} today.", "Someone wrote {L} on the board.", "{L}, in that order.",
              "My favourites are {L}.", "I keep hearing about {L}.", "{L} - that's what he said."]
ZH_CARRIER = ["{L}", "我们要{L}", "清单上写着{L}", "他一直在说{L}", "你喜欢{L}吗?", "今天聊的都是{L}",
              "桌上放着{L}", "我最喜欢{L}", "{L},都行", "黑板上写了{L}"]
NEUTRAL_CASE = False  # mention_surface's "neutral": casing independent of the sense
FULL_WIDTH = str.maketrans({",": "，", "!": "！", "?": "？", ":": "：", ";": "；"})


def cue(g, lang, sense):
    """A cue word of the sense: a pool noun (60 %) or a verb / adjective / noun from the lists above."""
    rng = g.rng
    if rng.random() < 0.6:
        key = rng.choice((EN_POOLS if lang == "en" else ZH_POOLS)[sense])
        return g.cue(key, "pl" if lang == "en" and key in ("FRUIT", "DEV") and rng.random() < 0.4 else None)
    return rng.choice((EN_WORDS if lang == "en" else ZH_WORDS)[sense].split())


def mention(g, lang, sense, start, mention_surface):
    """-> (text, offset of the mention in it, its length)."""
    rng = g.rng
    if lang == "zh":
        det = rng.choice(ZH_DET)
        return det + "苹果", len(det), 2
    det = rng.choice(EN_DET)
    form = "pl" if det == "" and rng.random() < 0.4 else rng.choices(["sg", "poss"], [85, 15])[0]
    s = mention_surface(rng, form, sense, NEUTRAL_CASE, start and not det)
    if start and det:
        det = det[0].upper() + det[1:]
    return det + s, len(det), len(s)


def scatter(g, lang, sense, mention_surface):
    """-> (text, spans): a filler sentence with the mention and 1-3 cues put in near each other."""
    rng = g.rng
    words = g.filler.sentences(rng, lang, "train", 1)
    # tokens: words (en) or runs of up to 4 characters (zh); '\0' marks the mention's slot
    if lang == "en":
        toks = words.split(" ")
    else:
        toks, i = [], 0
        while i < len(words):
            n = rng.randint(1, 4)
            toks.append(words[i:i + n])
            i += n
    at = rng.randint(0, len(toks))
    toks.insert(at, "\0")
    for _ in range(rng.choice([1, 1, 2, 2, 3])):
        m = toks.index("\0")
        lo, hi = max(0, m - 6), min(len(toks), m + 7)
        toks.insert(rng.randint(lo, hi), cue(g, lang, sense))
    m = toks.index("\0")
    sep = " " if lang == "en" else ""
    before = sep.join(toks[:m])
    text_m, off, n = mention(g, lang, sense, m == 0, mention_surface)
    start = len(before) + (len(sep) if before else 0)
    text = (before + sep if before else "") + text_m + (sep + sep.join(toks[m + 1:]) if m + 1 < len(toks) else "")
    return text, [(start + off, start + off + n, sense)]


def listing(g, lang, sense, mention_surface):
    rng = g.rng
    items = [None] + [cue(g, lang, sense) for _ in range(rng.randint(1, 3))]
    rng.shuffle(items)
    carrier = rng.choice(EN_CARRIER if lang == "en" else ZH_CARRIER)
    head = carrier[:carrier.index("{L}")]
    out, spans = head, []
    for i, w in enumerate(items):
        if i:
            last = i == len(items) - 1
            out += (rng.choice([" and ", " or ", ", and ", ", "]) if last else ", ") if lang == "en" else \
                (rng.choice(["和", "还有", "、", "或者"]) if last else rng.choice(["、", "、", ","]))
        if w is None:
            s = "苹果" if lang == "zh" else \
                mention_surface(rng, rng.choice(["sg", "pl"]), sense, NEUTRAL_CASE, out == "")
            spans.append((len(out), len(out) + len(s), sense))
            w = s
        elif lang == "en" and out == "":
            w = w[0].upper() + w[1:]
        out += w
    return out + carrier[carrier.index("{L}") + 3:], spans


def part(g, lang, sense, mention_surface):
    return (listing if g.rng.random() < 0.25 else scatter)(g, lang, sense, mention_surface)


def make_mix_example(g, lang, to_example, join, mention_surface):
    rng = g.rng
    if rng.random() < 0.3:  # pair
        a = rng.choice(["fruit", "company"])
        b = {"fruit": "company", "company": "fruit"}[a] if rng.random() < 0.7 else a
        t1, s1 = part(g, lang, a, mention_surface)
        t2, s2 = part(g, lang, b, mention_surface)
        conn = rng.choice([" But ", " ", "; ", " - "] if lang == "en" else ["但是", "", "不过", "。", ",还有"])
        if lang == "en" and t1[-1:].isalnum():
            conn = rng.choice([", but ", ". ", " and ", "; "])
        off = len(t1) + len(conn)
        text, spans, kind = t1 + conn + t2, s1 + [(x + off, y + off, l) for x, y, l in s2], "mix-pair"
    else:
        text, spans = part(g, lang, rng.choice(["fruit", "company"]), mention_surface)
        kind = "mix"
    if rng.random() < 0.2:
        text, spans = join([(g.filler.sentences(rng, lang, "train", 1), []), (text, spans)], lang)
    if lang == "en" and rng.random() < 0.08:
        text = text.lower()
    if lang == "zh" and rng.random() < 0.5:
        text = text.translate(FULL_WIDTH)
    return to_example(text, spans, lang, kind)


# Tight pairs: two short clauses, one mention each, side by side, so that each cue must be tied to
# the nearer mention ("ate an apple and updated my Apple phone", "一边吃苹果一边用苹果手机").
EN_VERB = {
    "fruit": """ate eats peeled chopped baked picked washed cored grated munched bit stewed roasted juiced
        planted grew ripened packed""".split(),
    "company": """emailed installed updated reviewed joined invested_in switched_to works_for called
        interviewed_at partnered_with applied_to uninstalled downgraded_to wrote_to""".split(),
}
ZH_VERB = {
    "fruit": "吃 削 切 咬 啃 洗 摘 榨 烤 种 炖 蒸 剥".split(),
    "company": "用 换了 刷 升级了 投资 关注 加入 看好 喜欢用 换成了 卖掉了 下单了".split(),
}
EN_SUBJ = ["", "", "I ", "She ", "He ", "We ", "My dad ", "They "]
EN_CONN = [", but ", " and ", ", not ", " while ", ", then ", " - ", "; ", " and then ", ", and "]
ZH_CONN = [",还", "，还", ",但", "，可是", ",不是", "，而不是", "和", ",又", "。", "，然后"]


def tight_atom(g, lang, sense, start, mention_surface):
    """-> (text, (start, end) of the mention)."""
    rng = g.rng
    if lang == "zh":
        if rng.random() < 0.5:
            v = rng.choice(ZH_VERB[sense]) + rng.choice(["", "", "了", "一个", "个"])
            return v + "苹果", (len(v), len(v) + 2)
        return "苹果" + cue(g, lang, sense), (0, 2)
    if rng.random() < 0.5:
        v = rng.choice(EN_VERB[sense]).replace("_", " ") + " " + rng.choice(["", "an ", "the ", "my ", "some "])
        m = mention_surface(rng, "pl" if v.endswith("some ") else "sg", sense, NEUTRAL_CASE, False)
        return v + m, (len(v), len(v) + len(m))
    det = rng.choice(["", "an ", "the ", "my "]) if not start else ""
    m = mention_surface(rng, "sg", sense, NEUTRAL_CASE, start)
    return det + m + " " + cue(g, lang, sense), (len(det), len(det) + len(m))


def make_tight_example(g, lang, to_example, mention_surface):
    rng = g.rng
    a = rng.choice(["fruit", "company"])
    b = {"fruit": "company", "company": "fruit"}[a] if rng.random() < 0.8 else a
    subj = rng.choice(EN_SUBJ) if lang == "en" else rng.choice(["", "", "我", "他", "妈妈", "我们", "一边"])
    t1, (x1, y1) = tight_atom(g, lang, a, subj == "", mention_surface)
    t2, (x2, y2) = tight_atom(g, lang, b, False, mention_surface)
    conn = rng.choice(EN_CONN if lang == "en" else (["一边"] if subj == "一边" else ZH_CONN))
    end = rng.choice([".", "!", "", "."] if lang == "en" else ["。", "!", "", "！"])
    if lang == "en" and subj == "":
        t1 = t1[0].upper() + t1[1:] if not t1.lower().startswith("apple") else t1
    off2 = len(subj) + len(t1) + len(conn)
    text = subj + t1 + conn + t2 + end
    spans = [(len(subj) + x1, len(subj) + y1, a), (off2 + x2, off2 + y2, b)]
    if lang == "zh" and rng.random() < 0.5:
        text = text.translate(FULL_WIDTH)
    return to_example(text, spans, lang, "mix-tight")
