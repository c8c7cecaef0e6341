"""Shared-structure examples for the bidirectional apple tagger (train-extra.jsonl).

The v2 corpus teaches sentence frames that belong to one sense: "The {M} I bought last week already
needs an update" exists only on the company side, so apple-bilstm learned that "The apple I had for
lunch" is the company. Here every sentence structure is shared by both senses, the mention's casing
does not depend on the sense, and only cue words decide, before or after the mention:

  pred     "{M} went up in price again, five dollars a pound" / "..., and the new one costs $1,200"
  rel      "The {M} my mom gave me was mealy" / "The {M} my mom gave me won't turn on"
  tail     "I got an {M} to put in my lunchbox" / "I got an {M} with more storage"
  category "{M} is my favourite fruit" / "{M} is my favourite brand"
  reason   "I was hungry, so I grabbed an {M}" / "My laptop died, so I grabbed an {M}"
  desc     (zh) "我想要一个{M},就是能打电话的那种" / "...,就是红红的、脆脆的那种"
  origin   (zh) "这些{M}是从山东运过来的" / "这个{M}是从香港代购的" / "...是从老家带回来的,{then}"
  pair     two mention clauses in one sentence, each with its own cue, mostly of different senses

Training-only (train-extra.jsonl); dev and the probes are unchanged, so the dev measure stays the v2
one. A separate seeded RNG draws these after the v2 files are written, so `generate.py` still writes
train.jsonl, dev.jsonl and the probes byte for byte as before.
"""

# Each list is (fruit, company). Parts may use the cue slots of generate.py ({FOOD}, {DEV} ...).
EN = {
    # a neutral predicate of a subject mention: true of a fruit and of a company alike
    "pred": ["went up in price again", "is so expensive this year", "is on sale this week", "sold out everywhere",
             "was all anyone talked about", "is everywhere these days", "was a gift from my aunt",
             "cost me way too much", "is not what it used to be", "got a lot better this year",
             "was sitting on my desk all day", "was the first thing I bought", "is the only one I trust",
             "was cheaper at the other store", "showed up on my doorstep", "is hard to find right now"],
    "then": ([
        "and now it's five dollars a pound", "the ones at the market are bruised", "it was juicy and crisp",
        "and it tasted like cardboard", "so I made {FOOD} with it", "it was going brown at the core",
        "we ate it with {FOOD}", "the orchard ran out by noon", "it had a worm in it", "it was mealy and bland",
        "the kids ate it in two bites", "and the farm stand doubled the price per bushel",
        "I sliced it for the lunchboxes", "it was too sour to eat raw", "it rolled under the fridge",
    ], [
        "and the new one costs over a thousand dollars", "the stock is at an all-time high",
        "the screen is gorgeous", "the battery barely lasts a day", "it needs another software update",
        "and my {DEV} won't sync with it", "they charge a fortune for repairs", "the camera is incredible",
        "I set it up in five minutes", "it keeps crashing when I open {SW}", "the charger costs extra",
        "and the engineers there work crazy hours", "and the keynote was boring", "the {PROD} sold out",
        "it won't connect to the wifi",
    ]),
    "rel_subj": ["I", "my mom", "my dad", "she", "he", "we", "my friend", "Grandma", "the kids", "my boss",
                 "my sister", "they", "my neighbour", "you"],
    "rel_verb": ["bought", "got", "had", "picked out", "brought home", "left in the car", "ordered", "found",
                 "was given", "took to work", "had for lunch", "bought last week", "gave me", "showed me"],
    "rel_pred": ([
        "was mealy and bland", "was juicy", "had a worm in it", "was bruised", "tasted sour", "went bad",
        "is still in the fridge", "was rotting", "had turned brown", "was too ripe", "was crisp and sweet",
        "had a soft spot", "tasted like honey", "fell out of the bag and rolled away", "was perfect for {FOOD}",
    ], [
        "keeps crashing", "won't turn on", "has a cracked screen", "needs a new battery", "runs really fast",
        "came without a charger", "has no headphone jack", "won't connect to the wifi",
        "got a software update overnight", "overheats when I play games", "has a great camera",
        "was replaced under warranty", "syncs with my {DEV}", "runs {SW}", "froze during the call",
    ]),
    "verb": ["got", "bought", "want", "wanted", "really want", "grabbed", "picked up", "asked for", "found",
             "need", "brought", "ordered", "would love", "saved up for", "was given", "took"],
    "tail": ([
        " to put in my lunchbox", " instead of chips", " for the horses", " to bake a pie", " off the tree",
        " from the grocery store", " for a snack", " to go with my cheese", " from the fruit bowl",
        " for my lunch", " at the farmers market", " to eat on the bus", " for the fruit salad",
        " to slice into my oatmeal", " with peanut butter", " from the orchard down the road",
    ], [
        " with more storage", " with a bigger screen", " on a payment plan", " through my phone carrier",
        " with AppleCare", " to replace my old {DEV}", " for video editing", " for taking photos",
        " with a leather case", " from the online store", " with the student discount", " for coding",
        " to run {SW}", " with face unlock", " that can make calls", " with noise cancelling earbuds",
    ]),
    "category": ([
        "fruit", "snack", "kind of fruit", "pie filling", "thing to eat in the autumn", "breakfast",
        "healthy snack", "thing to pack for lunch", "fruit to bake with", "lunchbox fruit",
    ], [
        "brand", "company", "tech company", "phone brand", "laptop maker", "stock to own", "tech brand",
        "employer", "computer company", "phone maker",
    ]),
    "cat_lead": ["is my favourite", "is my favorite", "is the best", "is a great", "is the only",
                 "has always been my favourite", "is honestly the best", "is still my favorite"],
    "reason": ([
        "I was hungry", "I'm on a diet", "I wanted something healthy", "the fruit bowl was empty",
        "I was packing lunch", "I skipped breakfast", "the kids wanted a snack", "I wanted something sweet",
        "the pie needed one more", "the horses were hungry", "I was making {FOOD}", "I had no {FRUIT:pl} left",
    ], [
        "my phone broke", "my laptop died", "I needed a faster computer", "my old phone kept crashing",
        "my contract ran out", "I wanted a better camera", "my {DEV} stopped charging",
        "I needed something that runs {SW}", "my work laptop is too slow", "the new {PROD} just came out",
        "my tablet screen cracked", "I was tired of {CO}",
    ]),
    "so": [", so {S} {V} {D}{M}", "; {S} {V} {D}{M}", ". So {S} {V} {D}{M}", " and {S} {V} {D}{M}"],
}

ZH = {
    "pred": ["又涨价了", "最近卖得很好", "到货了", "缺货了", "太贵了", "降价了", "是我的最爱", "我已经买到了",
             "挺不错的", "是朋友送的", "放在桌子上", "比去年贵多了", "在网上抢光了", "一直很受欢迎", "是我妈买的",
             "现在到处都是"],
    "then": ([
        ",一斤要十块钱", ",五块钱一斤", ",个个又大又红", ",一口咬下去全是汁", ",放在冰箱里能存一个月",
        ",刚从树上摘下来", ",削了皮给孩子吃", ",有点酸,不太甜", ",里面的核都烂了", ",是{ZVAR}的",
        ",做成{ZFOOD}正好", ",果农今年赚了不少", ",一箱才五十块", ",洗一洗就能吃",
    ], [
        ",新手机要一万多", ",新款要八千多", ",屏幕比上一代大", ",系统更流畅了", ",摄像头升级了",
        ",{ZSW}老是闪退", ",充电特别快", ",股价又创新高", ",电池比以前耐用", ",{ZCO}的也不便宜",
        ",刷脸解锁很方便", ",内存只有128G", ",开机要好久", ",还送了一根数据线",
    ]),
    "desc": ([
        "红红脆脆", "又大又甜", "可以削皮吃", "咬一口咔嚓响", "圣诞节送人", "树上结的", "水果店卖的",
        "能榨汁", "放在果盘里", "平安夜吃的", "一斤五块钱", "带点酸味",
    ], [
        "能打电话", "带摄像头", "可以刷脸解锁", "能上网", "能装{ZSW}", "屏幕很大", "最新款", "能拍照",
        "可以插卡", "带{ZDEV}", "能连蓝牙", "可以无线充电",
    ]),
    "dem": ["这个", "这些", "那个", "我的", "他的", "这两个", "家里的"],
    "from": ["从老家", "从网上", "从外地", "从商场", "从我姐那里", "从单位", "从朋友那儿"],
    "move": ["带回来", "寄过来", "买回来", "托人捎来", "拿回来", "快递过来"],
    # where a thing comes from and how it travels, when that alone tells: growing regions and bulk
    # transport for the fruit, shops and overseas buying for the company
    "from_cue": ([
        "从山东", "从陕西", "从甘肃", "从新疆", "从烟台", "从果园", "从洛川", "从农村老家", "从山西", "从辽宁",
    ], [
        "从香港", "从美国", "从官网", "从专卖店", "从二手市场", "从日本", "从京东", "从手机店",
    ]),
    "move_cue": (["运过来", "拉过来", "摘下来", "一车车运来", "整箱发过来"],
                 ["代购", "海淘回来", "抢购", "分期买", "以旧换新换来"]),
    "verb": ([
        "啃", "在啃", "爱吃", "学会吃", "咬了一口", "尝了尝", "切开了", "削了", "剥开了", "嚼着", "榨了",
        "喂了", "蒸了", "烤了",
    ], [
        "刷", "在用", "爱用", "学会用", "摔了", "修好了", "激活了", "换了", "卖掉了", "升级了", "解锁了",
        "连上了", "备份了", "重启了",
    ]),
    "verb_subj": ["宝宝", "孩子", "我", "小猫", "爷爷", "他", "妹妹", "同事", "室友", "我妈", "老师"],
    "reason": ([
        "饿了", "在减肥", "想吃点水果", "嘴馋了", "早饭没吃", "果盘空了", "孩子要带零食", "想吃点甜的",
        "要做{ZFOOD}", "医生让我多吃水果",
    ], [
        "手机坏了", "电脑太卡了", "旧手机老是死机", "想换个拍照好的", "{ZDEV}摔碎了", "合约到期了",
        "用腻了{ZCO}", "要用{ZSW}", "笔记本开不了机", "{ZPROD}出新款了",
    ]),
    "so": [",就买了{D}{M}", ",所以{S}想要{D}{M}", ",好想要{D}{M}", ",于是买了{D}{M}", ",只想要{D}{M}",
           ",{S}拿了{D}{M}"],
}

EN_SUBJ = ["I", "we", "my mom", "my dad", "she", "he", "my sister", "my friend", "Grandma", "my son", "the kids"]
EN_DET = ["an ", "the ", "a new ", "another ", "my ", ""]
ZH_SUBJ = ["我", "我们", "妈妈", "爸爸", "他", "她", "孩子", "室友", "同事"]
ZH_DET = ["一个", "个", "", "两个"]


def _cap(s):
    return s[0].upper() + s[1:]


def frame_en(rng, sense):
    """-> a frame string with {M} slots (and cue slots), whose structure is shared by both senses."""
    i = 0 if sense == "fruit" else 1
    c = rng.choice
    kind = rng.choices(["pred", "rel", "tail", "category", "reason"], [22, 22, 22, 14, 20])[0]
    end = c([".", ".", "!", "", "..."])
    if kind == "pred":
        then = c(EN["then"][i])
        return f"{{M}} {c(EN['pred'])}{c([', ', '; ', ' - ', ', and '])}{then}{end}".replace("and and", "and")
    if kind == "rel":
        return f"{c(['The', 'That', 'This'])} {{M}} {c(EN['rel_subj'])} {c(EN['rel_verb'])} {c(EN['rel_pred'][i])}{end}"
    if kind == "tail":
        det = c(EN_DET)
        return f"{_cap(c(EN_SUBJ))} {c(EN['verb'])} {det}{{M}}{c(EN['tail'][i])}{end}"
    if kind == "category":
        mention = c(["{M}", "{M}", "{M:pl}"])
        lead = c(EN["cat_lead"])
        if mention == "{M:pl}":
            lead = lead.replace("is", "are", 1).replace("has", "have", 1)
        cat = c(EN["category"][i])
        art = "" if lead.endswith(("favourite", "favorite", "best", "only")) else ("an " if cat[0] in "aeiou" else "a ")
        return f"{mention} {lead} {art}{cat}{end}"
    s = c(EN_SUBJ)
    clause = c(EN["so"]).replace("{S}", s).replace("{V}", c(EN["verb"])).replace("{D}", c(EN_DET))
    return f"{_cap(c(EN['reason'][i]))}{clause}{end}"


def frame_zh(rng, sense):
    i = 0 if sense == "fruit" else 1
    c = rng.choice
    kind = rng.choices(["pred", "desc", "origin", "verb", "reason"], [22, 18, 18, 20, 22])[0]
    end = c(["。", "!", "", "。", "~"])
    if kind == "pred":
        return f"{{M}}{c(ZH['pred'])}{c(ZH['then'][i])}{end}"
    if kind == "desc":
        return f"{c(ZH_SUBJ)}{c(['想要', '想买', '买了', '看中了', '好想要'])}{c(ZH_DET)}{{M}},就是{c(ZH['desc'][i])}的那种{end}"
    if kind == "origin":
        if rng.random() < 0.5:
            return f"{c(ZH['dem'])}{{M}}是{c(ZH['from'])}{c(ZH['move'])}的{c(ZH['then'][i])}{end}"
        return f"{c(ZH['dem'])}{{M}}是{c(ZH['from_cue'][i])}{c(ZH['move_cue'][i])}的{end}"
    if kind == "verb":
        return f"{c(ZH['verb_subj'])}{c(['', '刚', '天天', '又'])}{c(ZH['verb'][i])}{c(['', '一个', '半个', '我的'])}{{M}}{end}"
    clause = c(ZH["so"]).replace("{S}", c(ZH_SUBJ)).replace("{D}", c(ZH_DET))
    return f"{c(['', '最近', '今天', '刚才'])}{c(ZH['reason'][i])}{clause}{end}"


EN_ENDS = (".", "!", "...", "?")
ZH_ENDS = ("。", "!", "~", "?", ",")


def clause(g, lang, sense):
    """A mention clause without its final punctuation: a shared-structure one or a v2 local one."""
    if g.rng.random() < 0.6:
        frame = (frame_en if lang == "en" else frame_zh)(g.rng, sense)
        t, sp, _ = g.render(frame, sense, lang, neutral=True)
    else:
        t, sp, _ = g.render(g.frame(lang, "local", sense), sense, lang)
    while t and t.endswith(EN_ENDS if lang == "en" else ZH_ENDS):
        t = t[:-1]
    return t, sp


def pair(g, lang):
    """Two mentions in one sentence, of different senses 70 % of the time, each with its own cue:
    "I ate an apple, but my sister bought the new Apple laptop" / "我买了个苹果手机,还买了一袋苹果"."""
    rng = g.rng
    a = rng.choice(["fruit", "company"])
    b = {"fruit": "company", "company": "fruit"}[a] if rng.random() < 0.7 else a
    (t1, s1), (t2, s2) = clause(g, lang, a), clause(g, lang, b)
    if lang == "en":
        conn = rng.choice([", but ", " and ", "; ", ", while ", " - ", ", and then ", ", so ", " because "])
        if t2[:2] not in ("I ", "I'") and not t2.startswith(("Apple", "APPLE")) or rng.random() < 0.5:
            t2 = t2[0].lower() + t2[1:]
        end = rng.choice([".", ".", "!", ""])
    else:
        conn = rng.choice([",", ",但是", ",而", ",还", ",可是", ",不过", "。"])
        end = rng.choice(["。", "!", ""])
    off = len(t1) + len(conn)
    return t1 + conn + t2 + end, s1 + [(x + off, y + off, l) for x, y, l in s2]


def make_shared_example(g, lang, to_example, join):
    """One training example: a shared-structure sentence (70 %) or a pair of mention clauses in one
    sentence (30 %), sometimes with a filler sentence around it."""
    rng = g.rng
    kind = "pair" if rng.random() < 0.3 else "shared"
    if kind == "pair":
        t, sp = pair(g, lang)
    else:
        sense = rng.choice(["fruit", "company"])
        frame = (frame_en if lang == "en" else frame_zh)(rng, sense)
        t, sp, _ = g.render(frame, sense, lang, neutral=True)
    parts = [(t, sp)]
    if rng.random() < 0.25:
        parts.insert(0, (g.filler.sentences(rng, lang, "train", 1), []))
    if rng.random() < 0.25:
        parts.append((g.filler.sentences(rng, lang, "train", 1), []))
    text, spans = join(parts, lang)
    if lang == "en" and rng.random() < 0.06:
        text = text.lower()
    return to_example(text, spans, lang, kind)
