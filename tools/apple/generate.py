#!/usr/bin/env python3
"""Labelled corpus for the apple disambiguation taggers: English and Chinese.

    tools/apple/generate.py [OUT_DIR]        (default build/apple/; Python 3 standard library, and opencc for
                                              the lone cues' Chinese filler)

Writes JSONL lines {"text": ..., "labels": [one per code point]} with labels O / fruit / company:
  train.jsonl            training set. recur pads every batch to its longest line and computes the
                         padding, so independent examples are packed into lines of up to 480
                         characters, joined by "\n" (labelled O): far-cue examples are long, and
                         without packing three quarters of the work would be padding.
  dev.jsonl              generated dev set: its cue words, sentence frames and filler sentences are
                         disjoint from train (the split is by a hash of the word / frame / fortune entry)
  probes-<d>.jsonl       memory probes, d = 0 25 50 100 200 400: one left cue clause, then at least d
                         characters of neutral filler (up to the next word boundary), then a neutral
                         mention clause whose surface form does not depend on the sense. Cue clauses and
                         frames come from the training pools (the probes measure memory, not vocabulary);
                         filler comes from the held-out fortune entries. Each line also has "lang",
                         "distance" (filler characters) and "gap" (characters from the end of the cue
                         word to the start of the mention).
  train-extra.jsonl      training-only examples for apple-bilstm (tools/apple/shared_frames.py): sentence
                         structures shared by both senses, and two mentions in one sentence; drawn last
                         from their own RNG, so the files above do not depend on them
  train-mix.jsonl        training-only examples for apple-bilstm (tools/apple/cue_mix.py): cue words put
                         into real sentences without frames, lists, and tight pairs of mentions; drawn
                         after train-extra from their own RNG
  train-story.jsonl      training-only examples for apple-bilstm and the streaming taggers' last stage
                         (tools/apple/stories.py): a topic in 1-3 clauses, an everyday digression, then a
                         neutral mention (a quarter the other way round); drawn after the lone cues from
                         their own RNG
  train-narrative.jsonl  training-only, the streaming taggers' last stage (tools/apple/narratives.py): a
                         topic, 80-360 characters of everyday narrative, then a mention in a clause that
                         says nothing by itself (English cased as written); drawn after the stories from
                         their own RNG
  train-lone-D.jsonl     tools/apple/lone_cue.py: one cue word in a sentence that says nothing else, at
                         most D = 0, 60, 200, 430 characters of filler, then a neutral mention: the stages
                         of the streaming taggers' distance curriculum; drawn after the cue mix, each from
                         its own RNG; their filler says nothing of either sense by tools/apple/probes.py's
                         rules
  sizes.json             line, character and mention counts per file and language, and pool sizes.
Every line also carries "lang" and "kind" (recur reads only "text" and "labels" and ignores the rest).

Mentions: apple, Apple, APPLE, apples, Apple's, Apple’s, apples' ... and 苹果. Every character of the
mention, suffix included, carries the mention's label; everything else is O ("pineapple" is O).
Cue vocabularies: English from WordNet 3.0's noun hierarchy (Debian wordnet-base: edible fruit,
dishes, desserts, baked goods, beverages vs. computers, electronic equipment, telephones, software,
companies, stock and finance) plus short hand-written lists; Chinese from hand-written lists.
Neutral filler: sentences from the Debian fortunes / fortunes-zh packages with every cue word and
every apple mention filtered out. Everything is seeded: the same command writes the same bytes.
"""
import copy
import hashlib
import json
import os
import random
import re
import sys

from cue_mix import make_mix_example, make_tight_example
from lone_cue import distance as far_distance, make_lone_example
from shared_frames import make_shared_example
from narratives import make_narrative_example
from stories import make_story_example

SEED = 20240505
WORDNET = "/usr/share/wordnet/data.noun"
FORTUNES = "/usr/share/games/fortunes"
DISTANCES = [0, 25, 50, 100, 200, 400]
SIZES = {"train": 150000, "dev": 3000, "probe": 300,  # probes: per distance (half en, half zh)
         "extra": 50000,  # train-extra.jsonl (apple-bilstm only)
         "mix": 50000, "tight": 20000,  # train-mix.jsonl (apple-bilstm only): cue mix, then tight pairs
         "lone": 25000,  # train-lone-D.jsonl, per stage: a lone cue word, at most D characters before the mention
         "story": 16000,  # train-story.jsonl (apple-bilstm, the streaming taggers' last stage)
         "narrative": 32000}  # train-narrative.jsonl (the streaming taggers' last stage)
LONE_STAGES = [0, 60, 200, 430]
PACK = 480  # training lines: independent examples joined by "\n" up to this many characters


def hbucket(s, salt="apple-v1"):
    """Deterministic 0..99 bucket of a string (train/dev split of words, frames and entries)."""
    return int.from_bytes(hashlib.sha256((salt + "\n" + s).encode()).digest()[:8], "big") % 100


def is_dev(s):
    return hbucket(s) < 20


# ----------------------------------------------------------------------------------------------
# WordNet: hyponym closures of a few synsets, filtered to plain, unambiguous words.

def load_wordnet():
    syn = {}
    with open(WORDNET, encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):
                continue
            head = line.split(" | ")[0].split()
            off, wc = head[0], int(head[3], 16)
            words = [head[4 + 2 * i] for i in range(wc)]
            i = 4 + 2 * wc
            pc = int(head[i])
            i += 1
            ptrs = []
            for _ in range(pc):
                ptrs.append((head[i], head[i + 1], head[i + 2]))
                i += 4
            syn[off] = (words, ptrs)
    return syn


def closure(syn, roots):
    out, stack = set(), list(roots)
    while stack:
        o = stack.pop()
        if o in out:
            continue
        out.add(o)
        stack.extend(t for sym, t, pos in syn[o][1] if sym in ("~", "~i") and pos == "n")
    words = set()
    for o in out:
        for w in syn[o][0]:
            w = re.sub(r"\(.*\)$", "", w).replace("_", " ")
            words.add(w)
    return words


# Words from the closures that mean something else too often, or that would leak the answer.
WN_STOP = set("""host site node client guest server cell extension board background foreground frame job
interface driver loop package binary window empire service mover raider distributor interest right part
piece slice cut portion split stake fee pledge pawn allowance ration quota dole protection security float
duff ice charlotte mold mould sweet delicious date planner predictor portal notebook display detector
generator booster amplifier equalizer equaliser doubler tube lamp monitor screen mouse chip bug virus
worm trojan spider crawler bot agent editor opera explorer mosaic lynx yahoo google windows unix linux
word processor check pass bill note bond trust fund issue stock share common preferred cider jam jelly
cobbler sauce stuffing dressing cake pie tart crumble fritter turnover strudel dumpling brown betty
pudding crisp ambrosia compote slump grunt pandowdy charlotte fool whip shortcake tartlet kuchen
java mocha cafe pop soda tonic punch shake mixer chaser cooler squash plum duff jello prune""".split())


def wn_words(syn, roots, extra_stop=()):
    out = set()
    for w in closure(syn, roots):
        lw = w.lower()
        if "apple" in lw or lw in WN_STOP or w in extra_stop:
            continue
        if not re.fullmatch(r"[A-Za-z][a-z]+(?:[ -][a-z]+)?", w) or len(w) > 18:
            continue
        out.add(w)
    return out


# ----------------------------------------------------------------------------------------------
# Hand-written cue lists. A leading '*' marks a core word: always in the training pool, never dev.

EN_HAND = {
    "FRUIT": """*banana *pear *orange *grape *peach *plum *cherry *strawberry *mango *lemon *apricot
        *watermelon *kiwi *blueberry *raspberry nectarine tangerine clementine pomegranate papaya fig
        *Granny Smith *Golden Delicious *Honeycrisp *Fuji *Gala McIntosh Pink Lady Braeburn""",
    "FOOD": """*cinnamon *caramel *oatmeal *yogurt *salad *pancakes *muffin *cheese *peanut butter
        *honey *breakfast *lunch *snack *dessert granola porridge smoothie cereal crackers""",
    "PROD": """*iPhone *iPad *MacBook *MacBook Air *MacBook Pro *iMac *AirPods *iPod *Mac mini *Mac Pro
        *Vision Pro *HomePod *AirTag *iPhone 15 *iPhone 14 *iPhone 13 iPhone 12 iPhone SE iPad mini
        iPad Pro iPad Air AirPods Pro Mac Studio Magic Mouse Magic Keyboard Pro Display""",
    "SW": """*iOS *macOS *iTunes *Siri *iCloud *App Store *FaceTime *iMessage *Safari *Xcode *Swift
        watchOS iPadOS Final Cut Pro Keynote Logic Pro GarageBand Pages Numbers""",
    "CO": """*Microsoft *Samsung *Google *Amazon *Huawei *Xiaomi *Sony *Intel *Nvidia *Meta *Netflix
        *IBM *Dell *Lenovo *Qualcomm *Tesla *Spotify Foxconn TSMC Oracle Adobe Nokia Motorola HP Asus
        Acer Oppo Vivo OnePlus Epic Games Broadcom""",
    "PERS": """*Tim Cook *Steve Jobs *Steve Wozniak *Jony Ive Craig Federighi Phil Schiller Luca Maestri
        Jeff Williams Greg Joswiak""",
    "FIN": """*shares *stock *earnings *revenue *market cap *dividend *investors *shareholders
        *quarterly results *Nasdaq *Wall Street profit margin stock price share price buyback
        valuation analysts hedge funds trillion dollars""",
    "DEV": """*phone *laptop *computer *tablet *smartphone *charger *headphones *smartwatch *keyboard
        *battery *screen *camera *chip *processor *operating system *app *update *software""",
}

ZH = {
    # fruit side
    "ZFRUIT": """*香蕉 *橘子 *橙子 *梨 *葡萄 *西瓜 *草莓 *桃子 *芒果 *柠檬 *樱桃 *猕猴桃 *菠萝 *柚子
        *荔枝 *龙眼 *石榴 *哈密瓜 *火龙果 *蓝莓 李子 杏子 枇杷 柿子 山楂 杨梅 榴莲 山竹 椰子 甘蔗 木瓜
        圣女果 油桃 脐橙 香梨""",
    "ZVAR": """*红富士 *嘎啦 *蛇果 *黄元帅 *国光 *花牛 *冰糖心 烟台 栖霞 阿克苏 洛川 静宁 天水""",
    "ZFOOD": """*水果 *果盘 *果汁 *沙拉 *酸奶 *早餐 *午饭 *零食 *甜点 *蛋糕 *果酱 *蜂蜜 *燕麦 *维生素
        *营养 *膳食纤维 *果皮 *果核 *果肉 果脯 罐头 果茶 糖葫芦 切块 拼盘 果篮""",
    "ZFPLACE": """*水果摊 *果园 *菜市场 *超市的水果区 *果树下 *农贸市场 *冰箱里 *果篮里 *厨房 水果店
        批发市场 老家的院子 山坡上的果园 外婆家""",
    "ZFEVENT": """*平安夜 *圣诞节 *秋天 *丰收 *减肥 *中秋节 冬至 收获季 果农 摘果节""",
    # company side
    "ZPROD": """*iPhone *iPad *MacBook *iMac *AirPods *Mac *iPhone 15 *iPhone 14
        iPhone 13 iPad Pro MacBook Air Vision Pro HomePod AirTag""",
    "ZDEV": """*手机 *电脑 *笔记本 *平板 *耳机 *充电器 *数据线 *屏幕 *电池 *摄像头 *芯片 *处理器
        *键盘 *鼠标 *智能手表 *路由器 *蓝牙耳机 *显示器 手机壳 钢化膜 充电宝 内存 硬盘""",
    "ZSW": """*系统 *iOS *macOS *软件 *应用 *App Store *Siri *iCloud *更新 *升级 *应用商店 *操作系统
        *App *微信 *游戏 *隐私政策 *账号 *Face ID 备份 浏览器 订阅""",
    "ZCO": """*华为 *小米 *三星 *微软 *谷歌 *亚马逊 *索尼 *联想 *OPPO *vivo *荣耀 *英特尔 *高通 *富士康
        台积电 英伟达 特斯拉 腾讯 阿里巴巴 Meta 一加 魅族""",
    "ZPERS": """*库克 *乔布斯 *沃兹尼亚克 *蒂姆·库克 *史蒂夫·乔布斯 费德里吉 乔纳森·艾维""",
    "ZFIN": """*股价 *市值 *财报 *股票 *股东 *营收 *利润 *纳斯达克 *华尔街 *投资者 *分红 *季度业绩
        *销量 *出货量 市场份额 估值 回购 万亿美元 分析师 基金""",
    "ZCEVENT": """*发布会 *新品发布会 *开发者大会 *WWDC *双十一 *以旧换新 *售后 *保修 *官网 *专卖店
        *旗舰店 *直营店 *天才吧 *维修点 分期付款 预售 首发""",
}


def pools_from(entries, key=""):
    train = [w for w, core in entries if core or not is_dev(key + str(w))]
    dev = [w for w, core in entries if not core and is_dev(key + str(w))]
    if not dev:  # every dev list gets at least one item of its own: the last non-core one
        plain = [w for w, core in entries if not core]
        if plain:
            dev = [plain[-1]]
            train.remove(plain[-1])
    return train, dev


def tokenize_entries(spec):
    """Split a spec into entries: every entry starts with '*' (core) or is a single token, except
    that tokens following a core or plain entry are joined when they are continuation tokens."""
    cont = {"mini", "Air", "Pro", "Studio", "Display", "Keyboard", "Mouse", "Smith", "Delicious", "Lady",
            "butter", "cap", "results", "Street", "system", "price", "margin", "funds", "dollars", "Store",
            "Cut", "Games", "Cook", "Jobs", "Wozniak", "Ive", "Federighi", "Schiller", "Maestri", "Williams",
            "Joswiak", "SE", "15", "14", "13", "12", "Watch", "ID", "Wall", "fund"}
    entries = []
    for t in spec.split():
        core = t.startswith("*")
        w = t.lstrip("*")
        if entries and not core and w in cont:
            prev, pcore = entries[-1]
            entries[-1] = (prev + " " + w, pcore)
        else:
            entries.append((w, core))
    return entries


# ----------------------------------------------------------------------------------------------
# Sentence frames. Slots: {M} mention (singular), {M:pl} plural, {M:poss} possessive, {M:any};
# cue slots {FRUIT} {FRUIT:pl} {FOOD} {PROD} {SW} {CO} {PERS} {FIN} {DEV} (English) and
# {ZFRUIT} {ZVAR} {ZFOOD} {ZFPLACE} {ZFEVENT} {ZPROD} {ZDEV} {ZSW} {ZCO} {ZPERS} {ZFIN} {ZCEVENT}.
# A frame is assigned to dev by the hash of its text.

EN_FRUIT_FRAMES = """
I like eating {M:any} with {FOOD}.
She packed an {M} and a {FRUIT} for lunch.
He bit into the {M} and said it tasted better than the {FRUIT}.
We picked {M:pl} and {FRUIT:pl} at the farm on Saturday.
My grandmother peeled the {M:pl} and made {FOOD} for everyone.
Slice the {M} thinly and serve it with {FOOD}.
This {M} is so juicy, much sweeter than any {FRUIT} I bought this week.
The {M:pl} in the fruit bowl are starting to go brown, like the {FRUIT:pl}.
Can you grab a couple of {M:pl} and some {FRUIT:pl} from the grocery store?
I had {FOOD} and a crunchy {M} for breakfast.
The kids shared one {M} and a {FRUIT} after school.
An {M} a day keeps the doctor away, but I prefer a {FRUIT}.
Wash the {M:pl} before you put them in the {FOOD}.
The orchard sells {M:pl} by the bushel, and {FRUIT:pl} in the summer.
I cut up an {M} to go with my {FOOD}.
He threw the {M} core in the compost next to the {FRUIT} peels.
Our {M} tree finally has fruit this year, and so does the {FRUIT} tree.
These {M:pl} are too sour to eat raw, so I baked them with {FOOD}.
The {M:poss} skin was bright red and a little waxy.
She dipped the {M} slices in {FOOD}.
A ripe {M} smells wonderful in the kitchen.
I put an {M} in my bag because I was hungry.
The horse ate the {M} right out of my hand.
Do you want the last {M} or the {FRUIT}?
He chopped an {M}, a {FRUIT} and some nuts into the {FOOD}.
The {M:pl} fell from the tree during the storm.
I bought a bag of {M:pl} at the market for three dollars.
Green {M:pl} are my favourite snack after a run.
My daughter refuses to eat an {M} unless it is peeled.
The recipe calls for two large {M:pl} and a cup of {FOOD}.
We made juice from the {M:pl} and the {FRUIT:pl} we grew.
Fresh {M:pl} from the farmers market taste nothing like supermarket ones.
I found a worm in my {M}!
There is a bowl of {M:pl} and {FRUIT:pl} on the table.
He polished the {M} on his shirt and took a big bite.
The {M:pl} this autumn are crisp and sweet.
Bake the {M:pl} with {FOOD} for forty minutes.
She gave the teacher a shiny red {M}.
I'm allergic to {FRUIT:pl} but I can eat an {M} just fine.
That {M} was rotten inside, so I threw it away.
{M:pl} are my favourite fruit, especially with {FOOD}.
{M:any} from the orchard taste so much better than the ones from the store.
{M:any} and {FRUIT:pl} were the only fruit left in the kitchen.
{M:poss} juice dripped down his chin as he ate it.
{M} slices with {FOOD} make a great snack.
{M:any} pie, {FOOD} and tea: the perfect Sunday.
"""

EN_COMPANY_FRAMES = """
{M} just released a new {PROD}.
I think {M} makes the best {DEV} on the market.
{M:poss} {FIN} went up after the launch of the {PROD}.
My {PROD} from {M} stopped working, so I went back to my old {DEV}.
{M} and {CO} are fighting over {DEV} patents again.
{PERS} announced that {M} will ship the {PROD} next month.
The new {M} {DEV} costs more than a {CO} one.
{M} reported record {FIN} this quarter.
I switched from {CO} to {M} because of the {SW}.
{M} is a great company, but their {DEV} prices are crazy.
Investors are worried about {M:poss} {FIN}.
The {M} store was packed with people waiting for the {PROD}.
{M} pushed an {SW} update that broke my {DEV}.
Should I buy {M} stock or {CO} stock?
{M:poss} {SW} is much smoother than what {CO} offers.
I work at {M} in Cupertino on the {SW} team.
{M} sued {CO} over the design of its {DEV}.
The {PROD} is the best thing {M} has made since the iPod.
{M} makes great {DEV:pl}, though {PERS} gets all the credit.
She has been an {M} fan ever since her first {PROD}.
I have to call {M} support because my {DEV} won't charge.
{M:poss} market value passed three trillion dollars.
According to {PERS}, {M} sold millions of {PROD} units.
{M} is putting its own chips in every {DEV} now.
My company gives everyone an {M} laptop and a {PROD}.
{M} fixed the {SW} bug in the latest release.
Analysts expect {M} to beat {CO} in {FIN} this year.
{M} announced the {PROD} at its September event.
The {M} keynote showed off a faster {DEV}.
Everyone in my office uses {M} products except me, I use {CO}.
{M:poss} privacy features in {SW} are a big selling point.
{M} charges developers a thirty percent fee on the {SW}.
I sold my {CO} {DEV} and bought a {PROD} from {M}.
The {M} genius bar replaced the {DEV} for free.
{M} hired hundreds of engineers to work on its {DEV} chips.
Rumours say {M} will drop the headphone jack from the next {DEV}.
{M:poss} {FIN} fell after {CO} released a cheaper {DEV}.
I preordered the {PROD} the moment {M} opened sales.
{M} and {CO} both make excellent {DEV:pl}.
Back in 1976, {PERS} and Steve Wozniak started {M} in a garage.
"""

# Neutral mention clauses: fit either sense; casing is chosen independently of the sense.
EN_NEUTRAL = """
I really want an {M}.
I really want an {M} for my birthday.
Honestly, I keep thinking about {M}.
That is why I love {M}.
I got an {M} yesterday.
What do you think about {M}?
My sister keeps talking about {M}.
Anyway, I would love a new {M}.
So I finally bought an {M}.
Now all I want is an {M}.
In the end it was all about the {M}.
I can't stop thinking about that {M}.
Maybe I should get an {M} too.
Everyone was talking about {M}.
It reminded me of the {M}.
I told my friend about the {M}.
So I asked my dad for an {M}.
Tomorrow I'm going to get an {M}.
Guess what, I finally have an {M}!
That {M} was all I could think about.
"""

# Clauses carrying a cue but no mention (for far, left-only and right-only cues).
EN_FRUIT_CUES = """
We spent the whole afternoon picking {FRUIT:pl} at the orchard.
I was hungry and the fruit bowl was full of {FRUIT:pl}.
My mom was baking {FOOD} in the kitchen.
I had {FOOD} and a {FRUIT} for breakfast.
The doctor told me to eat more fruit, like {FRUIT:pl}.
The farmers market had fresh {FRUIT:pl} and homemade {FOOD}.
I was peeling a {FRUIT} for my little brother.
The recipe needed {FOOD} and a ripe {FRUIT}.
I'm on a diet, so it's {FRUIT:pl} and {FOOD} for me.
We harvested the {FRUIT:pl} before the first frost.
I was making a fruit salad with {FRUIT:pl}.
Lunch was a sandwich, {FOOD} and a {FRUIT}.
The grocery store had a sale on {FRUIT:pl}.
Grandma's kitchen always smelled of {FOOD}.
I wanted something sweet and healthy to eat.
It's almost fall and the orchards are full.
I'm starving and dinner is hours away.
My doctor told me to eat more fruit.
We're making a pie for the bake sale.
The kids need a healthy snack for school.
"""

EN_COMPANY_CUES = """
My {DEV} died this morning and I need a new one.
I was reading about the new {PROD} and its {SW}.
{CO} just launched a new {DEV}.
The tech news was all about {FIN} and {DEV:pl}.
My old {DEV} is so slow that I can't even open {SW}.
I was watching the keynote where {PERS} showed the {PROD}.
The {DEV} I bought last year keeps crashing.
Everyone at the office got a new {PROD} for work.
I dropped my {DEV} in the sink again.
I have been comparing {DEV:pl} from {CO} all week.
My broker called me about {FIN}.
I spent the morning installing {SW} on my {DEV}.
The screen on my {PROD} cracked yesterday.
I'm a developer and I write apps for the {SW}.
The {DEV} my boss gave me is already out of date.
My phone contract is up next month.
My laptop is five years old and painfully slow.
I've been using {CO} phones for years but I'm bored of them.
The new {PROD} came out yesterday.
I need a new computer for college.
"""

# Cues that come only after the mention.
EN_FRUIT_AFTER = """
{M:any} is great, especially with {FOOD}.
I brought an {M} to work, and it was juicy and sweet.
{M:any} or {FRUIT}, you pick one for the lunchbox.
I had an {M} today; it was crunchy and fresh from the orchard.
The {M} in my bag was bruised, so I made {FOOD} with it.
{M:any}? I prefer them baked with {FOOD}.
She loves {M:any}, especially the sour green ones from the tree.
The {M} was half eaten and the core was brown.
"""

EN_COMPANY_AFTER = """
{M:any} is great, especially their {SW}.
The {M} is a great company!
I love {M:any}, their {PROD} is amazing.
{M:any}? I prefer their {DEV:pl} to anything from {CO}.
{M:any} was worth more than {CO} this morning, the {FIN} say.
I got an {M} yesterday, the new {PROD} with the bigger screen.
{M:any} is suing {CO} over {DEV} patents.
The {M} I bought last week already needs a {SW} update.
"""

# Near misses: the mention and the word right after it decide (for the bidirectional model).
EN_NM_FRUIT = ["pie", "juice", "tree", "cider", "sauce", "crumble", "tart", "orchard", "seeds", "slices",
               "peel", "core", "blossom", "vinegar", "strudel", "jam", "muffins", "cake", "picking",
               "harvest", "turnover", "fritters", "chips"]
EN_NM_COMPANY = ["Pay", "Watch", "Store", "Music", "TV", "Pencil", "ID", "Card", "Vision Pro", "Maps",
                 "Arcade", "Silicon", "Intelligence", "stock", "shares", "CEO", "headquarters", "keynote",
                 "engineers", "support", "laptop", "Park", "Books", "News", "Fitness"]
EN_NM_FRAMES = """
Have you tried {M} {NM} yet?
My mom keeps talking about {M} {NM}.
There was a long article about {M} {NM} today.
I saw something about {M} {NM} on the news.
We argued about {M} {NM} for an hour.
Do you know anything about {M} {NM}?
Honestly {M} {NM} is overrated.
I finally looked into {M} {NM} last night.
"""

ZH_FRUIT_FRAMES = """
我最喜欢吃{M}和{ZFRUIT}了。
妈妈洗了几个{M},又切了一盘{ZFRUIT}。
这个{M}又脆又甜,比{ZFRUIT}好吃多了。
我每天早上吃一个{M},再喝一杯{ZFOOD}。
{ZFPLACE}的{M}今天特别便宜,三块钱一斤。
我买了一箱{ZVAR}{M},准备分给邻居。
{ZFEVENT}到了,奶奶给我们每人一个{M}。
他削了一个{M},把皮扔进了垃圾桶。
医生说多吃{M}和{ZFRUIT}对身体好。
我把{M}切成小块,拌在{ZFOOD}里。
{ZVAR}的{M}个头大,水分足。
这筐{M}放久了,有几个已经烂了。
小朋友们在{ZFPLACE}摘{M},玩得很开心。
我用{M}和{ZFRUIT}榨了一杯果汁。
今年{ZFEVENT}的时候,{M}丰收了。
超市里的{M}和{ZFRUIT}都打折了。
我咬了一口{M},酸得直皱眉头。
{ZFPLACE}有卖{M}的,顺便买点{ZFRUIT}。
减肥的时候我晚饭只吃一个{M}。
外婆家的{M}树今年结了好多果子。
他一口气吃了三个{M},还想吃{ZFRUIT}。
把{M}去核,和{ZFOOD}一起放进烤箱。
{M}的皮含有很多{ZFOOD},最好洗干净连皮吃。
这种{M}很甜,是{ZVAR}那边运来的。
平安夜大家都会互相送{M},寓意平平安安。
我带了两个{M}当{ZFOOD}。
刚摘下来的{M}还带着露水。
宝宝现在能吃{M}泥了,也爱吃{ZFRUIT}。
{M}洗干净以后可以连皮吃。
{M}削了皮要赶紧吃,不然会变黄。
{M}和{ZFRUIT}我都爱吃。
{M}放在冰箱里可以保存好几个星期。
{M}切成块,拌上{ZFOOD}就是一道甜点。
{M}营养丰富,每天吃一个对身体好。
{M}还没熟,咬一口酸得要命。
{M}要挑红一点的,比较甜。
冰箱里还剩半个{M}和一些{ZFRUIT}。
我把{M}榨成汁,加了点{ZFOOD}。
烤{M}配{ZFOOD}是我最爱的甜点。
她做了一个{M}派,还烤了{ZFOOD}。
这个{M}放在{ZFPLACE}好几天了。
"""

ZH_COMPANY_FRAMES = """
{M}发布了新款{ZPROD},价格比{ZCO}贵不少。
我的{ZDEV}坏了,想换个{M}的。
{M}今年的{ZFIN}超过了{ZCO}。
{ZPERS}在{ZCEVENT}上介绍了{M}的新{ZSW}。
{M}的{ZSW}越来越好用了。
{M}和{ZCO}又在打专利官司了。
我在{M}的{ZCEVENT}买了一个{ZPROD}。
{M}的{ZFIN}昨天大涨了百分之五。
用了三年{ZCO}手机,这次我换成了{M}。
{M}的{ZDEV}质量一直不错,就是太贵。
{ZPERS}说{M}明年会推出新的{ZPROD}。
{M}推送了{ZSW}更新,我的{ZDEV}变卡了。
投资者都在关注{M}的{ZFIN}。
{M}和{ZCO}谁的{ZDEV}更好?
{M}这次的{ZCEVENT}没有什么惊喜。
他在{M}公司做{ZSW}工程师。
我的{ZPROD}是在{M}{ZCEVENT}买的。
{M}又被{ZCO}超越了,{ZFIN}下滑了。
{M}的{ZSW}隐私保护做得比{ZCO}好。
{M}宣布{ZPROD}将在下个月开始预售。
我是{M}的老用户了,从第一代{ZPROD}就开始用。
{M}新出的{ZDEV}续航提升了很多。
{M}的{ZCEVENT}排了很长的队。
{ZCO}的{ZDEV}便宜,但我还是更喜欢{M}。
分析师认为{M}的{ZFIN}还会继续增长。
{M}要求所有{ZSW}开发者遵守新规定。
{M}把{ZDEV}的接口换成了USB-C。
{M}的{ZPROD}卖断货了,{ZCO}趁机降价。
公司给每个员工配了一台{M}{ZDEV}。
我在网上购买了{M}的{ZPROD},顺便买了{ZDEV}。
{M}的{ZCEVENT}客服帮我换了新的{ZDEV}。
"""

ZH_NEUTRAL = """
好想要一个{M}。
我真的好想要一个{M}啊。
所以我就买了一个{M}。
今天终于拿到{M}了。
妈妈说要送我一个{M}。
我一直在想那个{M}。
要不我也去买个{M}吧。
朋友问我要不要{M}。
最后还是选了{M}。
他们都在聊{M}。
真想马上就有一个{M}。
我跟爸爸说想要个{M}。
明天去买一个{M}吧。
终于有了自己的{M}!
还是{M}最好。
"""

ZH_FRUIT_CUES = """
快过{ZFEVENT}了,
{ZFEVENT}快到了,
马上就是{ZFEVENT}了,
{ZFEVENT}要到了,
肚子饿了,
嘴馋了,
午饭没吃饱,饿死了,
今天要去看望外婆了,
{ZFRUIT}吃完了,
果园里的果子都熟了,
今天去{ZFPLACE}转了一圈,
早上吃了一根{ZFRUIT},
医生让我多吃水果,
最近在减肥,只吃{ZFRUIT}和{ZFOOD},
外婆家的果园丰收了,
冰箱里的{ZFRUIT}都吃完了,
想做一份水果沙拉,
嘴里有点渴,想吃点甜的水果,
周末带孩子去{ZFPLACE}摘{ZFRUIT},
{ZFEVENT}的时候大家都在送水果,
今天的{ZFOOD}没吃饱,
路过{ZFPLACE},看到{ZFRUIT}很新鲜,
妈妈在厨房做{ZFOOD},
想吃点脆甜多汁的水果,
"""

ZH_COMPANY_CUES = """
{ZDEV}坏了,
我的{ZDEV}又卡又慢,
看了{ZCO}的{ZCEVENT},
用了五年的{ZDEV}终于不行了,
{ZPERS}又上新闻了,
最近{ZSW}老是闪退,
{ZDEV}屏幕摔碎了,
同事们都换了新{ZDEV},
{ZCEVENT}马上就要开始了,
{ZFIN}大涨的消息刷屏了,
{ZDEV}的{ZDEV}又出问题了,
工作要用{ZSW},旧{ZDEV}带不动,
刚看完{ZCEVENT}的直播,
{ZCO}的新{ZDEV}太难用了,
我的{ZPROD}丢了,
{ZDEV}又坏了,
{ZDEV}没电了,
{ZDEV}用了好几年了,
{ZSW}又更新了,
合同到期了,想换个新{ZDEV},
{ZCO}的{ZDEV}又涨价了,
"""

ZH_FRUIT_AFTER = """
{M}很好吃,尤其是{ZVAR}的。
{M}还是{ZFRUIT},你选一个当{ZFOOD}吧。
这个{M}放了一个星期,已经烂掉了,只能扔了。
我买的{M}又脆又甜,水分特别足。
那个{M}被虫子咬了一口,果肉都变黄了。
{M}要削皮吃,还是连皮吃?
{M}切开以后很快就氧化变色了。
"""

ZH_COMPANY_AFTER = """
{M}是一家很厉害的公司!
{M}的东西就是贵,不过{ZSW}确实好用。
{M}还是{ZCO},你说买哪个{ZDEV}?
{M}这次又涨价了,新{ZPROD}要一万多。
那个{M}才用了半年,{ZDEV}就不行了。
{M}明年要在中国建新的研发中心。
{M}的市值又创新高了。
"""

ZH_NM_FRUIT = ["汁", "派", "树", "醋", "园", "干", "片", "酱", "皮", "核", "花", "泥", "酒", "脆片", "罐头", "果酱",
               "丰收了", "熟了", "又甜又脆", "削皮"]
ZH_NM_COMPANY = ["手机", "电脑", "公司", "官网", "商店", "手表", "股价", "发布会", "耳机", "系统", "笔记本",
                 "平板", "充电器", "专卖店", "账号", "售后", "市值", "财报", "新品", "芯片"]
ZH_NM_FRAMES = """
你试过{M}{NM}吗?
我妈一直在说{M}{NM}的事。
今天看到一篇关于{M}{NM}的文章。
我们为了{M}{NM}争了半天。
你了解{M}{NM}吗?
说实话{M}{NM}也就那样。
昨晚我研究了一下{M}{NM}。
"""


# ----------------------------------------------------------------------------------------------
# Compositional frames: sentences assembled from small parts (subject, verb, determiner,
# adjective, tail ...), which multiplies the number of distinct frames. Every part list is split
# train/dev by hash like the cue words ('*' = core part, training only), so dev frames stay unseen.

GRAMMAR = {
    "EN_OPEN": "*| *Yesterday | *Today | *This morning | *Last night | On Sunday | After work | *Honestly, | *So "
               "| Well, | Guess what, | lol | Ugh, | OK so | Last week | Right now | At lunch | Earlier today "
               "| Just now | After school | During the break | On my way home ",
    "EN_SUBJ": "*I|*We|*My mom|*My dad|*My sister|*My kids|*She|*He|*They|*My friend|My brother|My son|My daughter"
               "|Our neighbor|My roommate|Grandma|Grandpa|The teacher|My boss|My wife|My husband|My coworker"
               "|My girlfriend|My boyfriend|The kids|Tom|Sarah|Lisa|Mike|My cousin|Everyone|My uncle|Jenny",
    "EN_VF": "*ate|*eats|*is eating|*was eating|*peeled|*sliced|*washed|*picked|*chopped|*baked|*cut up|*bit into"
             "|*is munching on|*likes eating|*loves eating|cored|juiced|dipped|chewed|nibbled on|stewed|mashed"
             "|grated|diced|is snacking on|had a bite of|devoured|roasted|quartered|halved|is peeling|is slicing"
             "|wants to eat|shared a slice of|enjoys eating|is craving|cut|hates eating",
    "EN_DETF": "*an|*the|*a|*two|*some|*a bag of|*|a few|half an|a bowl of|a basket of|a crate of|a pound of|one"
               "|her|his|another|three|my",
    "EN_ADJF": "*|*red|*green|*ripe|*juicy|*crunchy|*sweet|*fresh|sour|rotten|big|small|organic|shiny|bruised"
               "|tart|crisp|mealy|yellow|local|wild|sliced|peeled|freshly picked",
    # Tails that carry no sense, shared by both senses: a time or place word after the mention must not
    # become a cue by itself (a first cut had "yesterday" only in company frames and "with" only in
    # fruit ones, and the taggers learned exactly that).
    "EN_TAIL": "*| *yesterday| *last week| *this morning| *today| *again| *for my birthday| on the way home"
               "| at the mall| after work| with my sister| for my dad| in the car| at the store| on Sunday"
               "| before class| last night| at school| for the trip| with my friends| in the end| right away",
    "EN_TAILF": " *for lunch| *for breakfast| *with {FOOD}| *from the orchard| *and a {FRUIT}| for a snack"
                "| from the tree| at the farmers market| in the kitchen| with some {FRUIT:pl}| after dinner"
                "| before practice| for the pie| with cinnamon| in the backyard"
                "| from the fruit bowl| with a glass of milk| at the picnic| for dessert",
    "EN_END": "*.|*!|*|...| :)| lol",
    "EN_VC_OBJ": "*upgraded to|*preordered|*unboxed|*is setting up|*charged|*updated|paired|traded in|repaired"
                 "|factory reset|synced|activated|jailbroke|rebooted|is coding for|backed up",
    "EN_CNOUN": "*new phone|*latest laptop|*smartwatch|*headphones|*charger|*stock|*shares|*tablet|*software update"
                "|earbuds|keyboard|monitor|operating system|cloud storage|gift card|newest tablet|desktop"
                "|streaming service|credit card|music app|watch band|phone case",
    "EN_DEVN": "*laptop|*phone|*tablet|*computer|*charger|*watch|*account|*ID|*headphones|*store|device|gift card"
               "|keyboard|mouse|earbuds|TV|desktop|cable|adapter|stylus",
    "EN_VC_ORG": "*works at|*works for|*invested in|*bought shares of|*switched to|*is suing|interviewed at"
                 "|got hired at|sold shares of|complained to|applied to|is mad at"
                 "|is boycotting|wrote a letter to|quit|used to work at|wants to work at|is an engineer at"
                 "|got a job offer from|filed a complaint against",
    "EN_VC_SUBJ": "*announced a new {DEV}|*released an {SW} update|*launched the {PROD}|*reported {FIN}"
                  "|*sued {CO}|unveiled the {PROD}|hired hundreds of engineers|raised prices on the {PROD}"
                  "|fixed a bug in {SW}|shipped the {PROD}|cut the price of the {PROD}|acquired a startup"
                  "|opened a new store downtown|lost a lawsuit against {CO}|beat {CO} in {FIN}"
                  "|designs its own chips|is worth more than {CO}|makes the best {DEV:pl}"
                  "|discontinued the {PROD}|is holding its keynote next week|paid a huge fine",
    "EN_TAILC": " *for work| *to replace my {DEV}| *on launch day| because {CO} was too slow| with my bonus"
                "| during the sale| from the online store| for coding| with the student discount",
    # A clause after a sense-neutral mention that settles the sense (cue only after the mention).
    "EN_THEN_F": "*and it was so juicy|*and it was delicious|*and ate it {TAIL}|*and cut it in half"
                 "|*but it had a worm in it|and it was crunchy and sweet|and put it in the fruit bowl"
                 "|and the core was brown|and baked it with {FOOD}|and it was perfectly ripe|and peeled it"
                 "|and washed it under the tap|and it tasted sour|and shared it with my sister"
                 "|and it was mealy and bland|and dipped it in {FOOD}|and it was rotten inside",
    "EN_THEN_C": "*and it keeps crashing|*and the battery lasts all day|*and the screen is amazing"
                 "|*and it needs a software update|and it won't charge|and paired it with my {DEV}"
                 "|and the camera is incredible|and set it up in ten minutes|and it runs {SW}"
                 "|and synced it with {SW}|and the stock went up|and the screen cracked already"
                 "|and installed {SW} on it|and it froze twice|and the keyboard feels great",
    "EN_CONJ": "*,| *|;| -",
    "EN_VF_SUBJ": "*was juicy|*tasted sweet|*was rotten|*fell from the tree|*was crunchy|was full of worms"
                  "|turned brown|had a bruise|goes well with {FOOD}|was ripe|was sour|rolled off the table"
                  "|was the best fruit in the basket|smelled amazing|was mushy inside",
    "EN_VF_SUBJ_PL": "*are ripe|*are on sale at the market|*grow on trees|*are in season|taste better with {FOOD}"
                     "|were picked this morning|are cheap this week|fell off the tree|were bruised",
    "EN_CUE_F": "*was hungry|*wanted a snack|*is on a diet|*loves fruit|*was baking a pie|went to the orchard"
                "|was making a fruit salad|was packing lunch|wanted something sweet|went grocery shopping",
    "EN_BROKE": "*broke|*died|*crashed|*stopped working|*won't turn on|is too slow|cracked|keeps freezing"
                "|won't charge|got stolen|fell in the pool|needs an update",
    "EN_VN": "*wants|*wanted|*got|*asked for|*keeps talking about|*finally has|is thinking about|really wants"
             "|got me|is getting|talked about|can't stop thinking about|saved up for|received|is hoping for",
    "EN_DETN": "*an|*the|*a new|another|my|that|",
    "Z_OPEN": "*|*今天|*昨天|*早上|*刚才|*周末|下班后|中午|晚上|最近|上个月|放学后|其实|说实话|前几天|一大早",
    "Z_SUBJ": "*我|*我们|*妈妈|*爸爸|*孩子|*他|*她|*同事|奶奶|爷爷|室友|老师|老板|女朋友|男朋友|表弟|邻居|小王|小李|我姐"
              "|我哥|外公|舅舅",
    "Z_VF": "*吃了|*削了|*洗了|*切了|*摘了|*啃了|*买了|*称了|榨了|烤了|咬了一口|尝了|挑了|煮了|蒸了|剥了|嚼着|吃掉了",
    "Z_QTY": "*一斤|*两个|*几个|*一箱|*一袋|*一个|半个|一筐|三斤|一盘|一篮子|好多|一堆|五六个|两斤|十斤",
    "Z_ADJF": "*|*红|*大|*新鲜的|*甜甜的|脆脆的|酸酸的|青|熟透的|刚摘的|又大又红的|本地的|水灵灵的",
    "Z_TAILF": "*|*,当早餐|*,当零食|*,给孩子吃|,做沙拉|,带去学校|,放进冰箱|,和{ZFRUIT}一起吃|,配{ZFOOD}|,榨汁喝"
               "|,真甜|,有点酸|,削皮吃",
    "Z_END": "*。|*!|*|~|。。。|啦",
    "Z_VC": "*买了|*订了|*换了|*入手了|退了|修了|用上了|预订了|抢到了|升级了|开箱了|卖掉了",
    "Z_MEAS": "*一台|*一部|*最新款的|两台|一款|新款|一部新的",
    "Z_DEVN": "*手机|*电脑|*平板|*手表|*耳机|*笔记本|充电器|键盘|显示器|数据线",
    "Z_ORG": "*投资了||*从安卓换到了||*跳槽去了||*投诉了|的客服|一直用|的产品|去面试了||换手机选了|"
             "|持有|的股票|刚入职|,做软件开发|为了拍照换了||在应用商店下载了|的软件",
    "Z_VC_SUBJ": "*发布了{ZPROD}|*推出了新{ZDEV}|*更新了{ZSW}|*的{ZFIN}涨了|起诉了{ZCO}|开了新的{ZCEVENT}"
                 "|降价了|公布了{ZFIN}|的{ZFIN}跌了|又被罚款了|要造汽车了|的{ZCEVENT}人满为患",
    "Z_VF_SUBJ": "*熟了|*烂了|*很甜|*太酸了|掉在地上了|被虫咬了|放久了会变软|又脆又甜|要洗干净再吃|削皮后会变色"
                 "|在水果店卖五块钱一斤|今年丰收了|挂满了枝头",
    "Z_CUE_F": "*饿了|*想吃水果|*在减肥|嘴馋了|去了{ZFPLACE}|在做水果沙拉|想吃点甜的|要去{ZFPLACE}买菜",
    "Z_BROKE": "*坏了|*摔了|*卡死了|没电了|屏幕碎了|开不了机|进水了|又死机了|被偷了|太慢了",
    "Z_VN": "*想要|*好想要|*想买|*要买|买了|收到了|拿到了|一直想要|看中了|得到了|盼着",
    "Z_DETN": "*一个|*个|",
    "Z_THEN_F": "*,咬了一口,真甜|*,又脆又甜|*,削了皮就吃了|,洗洗就能吃|,切开一看里面坏了|,榨了一杯汁"
                "|,放进冰箱了|,一斤五块钱|,是{ZVAR}的|,酸得直皱眉|,果肉特别多汁|,吃完把核扔了",
    "Z_THEN_C": "*,拍照特别清楚|*,屏幕很大|*,续航不错|,系统很流畅|,刚激活就死机了|,充电很快|,还送了{ZDEV}"
                "|,装了好多{ZSW}|,{ZSW}很好用|,比{ZCO}的好用|,内存有256G|,信号不太好",
}


def parse_parts(spec):
    """'a|*b| *c' -> [('a', False), ('b', True), (' c', True)]: '*' marks a core part, even after spaces."""
    out = []
    for p in spec.split("|"):
        core = p.lstrip(" ").startswith("*")
        out.append((p.replace("*", "", 1) if core else p, core))
    return out


def build_grammar():
    g = {"train": {}, "dev": {}}
    for key, spec in GRAMMAR.items():
        parts = parse_parts(spec)
        if key == "Z_ORG":  # pairs: before|after
            parts = [((parts[i][0], parts[i + 1][0]), parts[i][1]) for i in range(0, len(parts) - 1, 2)]
        tr, dv = pools_from(parts, "g:" + key)
        g["train"][key], g["dev"][key] = tr, dv or tr
    return g


EN_PLURAL_DETS = {"two", "three", "some", "a few", "a bag of", "a bowl of", "a basket of", "a crate of",
                  "a pound of"}


def article(det, nxt):
    if det in ("a", "an"):
        return "an" if nxt[:1].lower() in "aeiou" else "a"
    if det == "half an":
        return "half an" if nxt[:1].lower() in "aeiou" else "half a"
    return det


def comp_frame(rng, G, lang, what, sense):
    """A compositional frame (string with slots). what: local | cue | after | neutral | then (a neutral
    mention clause, then a clause that settles the sense)."""
    c = lambda k: rng.choice(G[k])
    # a sense's own tail (cue-bearing) or a shared one (no cue) about equally often
    tail = lambda k: (c("EN_TAIL") if rng.random() < 0.55 else c(k))
    if lang == "en":
        op = c("EN_OPEN")
        subj = c("EN_SUBJ")
        if op and subj not in ("I",) and subj.split()[0] in ("My", "Our", "The", "Everyone", "They", "She", "He", "We"):
            subj = subj[0].lower() + subj[1:]
        head = op + subj
        end = c("EN_END")
        if what in ("neutral", "then"):
            det = c("EN_DETN")
            det = article(det, "apple") if det in ("a", "an") else det
            clause = f"{head} {c('EN_VN')} {det + ' ' if det else ''}{{M}}{c('EN_TAIL')}"
            if what == "neutral":
                return clause + end
            then = c("EN_THEN_F" if sense == "fruit" else "EN_THEN_C").replace("{TAIL}", c("EN_TAIL").strip() or "today")
            return f"{clause}{c('EN_CONJ')} {then}{end}"
        if sense == "fruit":
            if what in ("local", "cue"):
                det, adj = c("EN_DETF"), c("EN_ADJF")
                pl = det in EN_PLURAL_DETS
                noun = ("{M:pl}" if pl else "{M}") if what == "local" else ("{FRUIT:pl}" if pl else "{FRUIT}")
                first = adj or ("apple" if what == "local" else "x")
                det = article(det, first) if det in ("a", "an", "half an") else det
                if what == "cue" and rng.random() < 0.35:
                    return f"{head} {c('EN_CUE_F')}{end}"
                return f"{head} {c('EN_VF')} {det + ' ' if det else ''}{adj + ' ' if adj else ''}{noun}{tail('EN_TAILF')}{end}"
            # after: the mention first, its cue after it
            if rng.random() < 0.5:
                adj = c("EN_ADJF")
                return f"The {adj + ' ' if adj else ''}{{M}} {c('EN_VF_SUBJ')}{end}"
            return f"{{M:pl}} {c('EN_VF_SUBJ_PL')}{end}"
        # company
        if what == "cue":
            r = rng.random()
            if r < 0.4:
                poss = (op + ("my" if op else "My")) if subj == "I" else head + "'s"
                return f"{poss} {rng.choice(['{DEV}', '{PROD}'])} {c('EN_BROKE')}{end}"
            if r < 0.7:
                return f"{head} {c('EN_VC_OBJ')} a new {{DEV}}{tail('EN_TAILC')}{end}"
            return f"{head} {c('EN_VC_ORG')} {{CO}}{end}"
        if what == "local":
            r = rng.random()
            if r < 0.15:
                return f"{head} {c('EN_VC_OBJ')} {{M:poss}} {c('EN_CNOUN')}{tail('EN_TAILC')}{end}"
            if r < 0.35:
                return f"{head} {c('EN_VC_OBJ')} the new {c('EN_DEVN')} from {{M}}{tail('EN_TAILC')}{end}"
            if r < 0.65:
                d = rng.choice(["an", "the", "my", "her", "his", "a new", "the new"])
                return f"{head} {c('EN_VC_OBJ')} {d} {{M}} {c('EN_DEVN')}{tail('EN_TAILC')}{end}"
            return f"{head} {c('EN_VC_ORG')} {{M}}{tail('EN_TAILC')}{end}"
        return f"{op}{{M}} {c('EN_VC_SUBJ')}{tail('EN_TAILC')}{end}"
    # Chinese
    op, subj, end = c("Z_OPEN"), c("Z_SUBJ"), c("Z_END")
    head = op + ("," if op and rng.random() < 0.3 else "") + subj
    if what == "neutral":
        return f"{head}{c('Z_VN')}{c('Z_DETN')}{{M}}{end}"
    if what == "then":
        return f"{head}{c('Z_VN')}{c('Z_DETN')}{{M}}{c('Z_THEN_F' if sense == 'fruit' else 'Z_THEN_C')}{end}"
    if sense == "fruit":
        if what == "local":
            return f"{head}{c('Z_VF')}{c('Z_QTY')}{c('Z_ADJF')}{{M}}{c('Z_TAILF')}{end}"
        if what == "cue":
            if rng.random() < 0.4:
                return f"{head}{c('Z_CUE_F')},"
            return f"{head}{c('Z_VF')}{c('Z_QTY')}{c('Z_ADJF')}{{ZFRUIT}}{c('Z_TAILF')},"
        return f"{op}{{M}}{c('Z_VF_SUBJ')}{end}"
    if what == "local":
        r = rng.random()
        if r < 0.4:
            return f"{head}{c('Z_VC')}{c('Z_MEAS')}{{M}}{c('Z_DEVN')}{end}"
        if r < 0.6:
            return f"{head}{c('Z_VC')}的{c('Z_DEVN')}是{{M}}的{end}"
        a, b = c("Z_ORG")
        return f"{head}{a}{{M}}{b}{end}"
    if what == "cue":
        if rng.random() < 0.6:
            return f"{head}的{{ZDEV}}{c('Z_BROKE')},"
        return f"{head}{c('Z_VC')}{c('Z_MEAS')}{{ZCO}}{c('Z_DEVN')},"
    return f"{op}{{M}}{c('Z_VC_SUBJ')}{end}"


def lines(block):
    return [l.strip() for l in block.strip().split("\n") if l.strip()]


# ----------------------------------------------------------------------------------------------
# Filler from fortunes.

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
EN_SKIP_FILES = {"ascii-art", "chinese", "tang300", "song100", "computers", "linux", "linuxcookie", "debian",
                 "food", "off"}


def en_fortune_files():
    """The English fortune files (no data files, no Chinese ones, no ASCII art)."""
    return [os.path.join(FORTUNES, n) for n in sorted(os.listdir(FORTUNES))
            if "." not in n and os.path.isfile(os.path.join(FORTUNES, n)) and n not in EN_SKIP_FILES]


def read_entries(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        raw = f.read()
    raw = ANSI.sub("", raw).replace("\r", "")
    raw = re.sub(r".\x08", "", raw)
    return [e.strip() for e in re.split(r"\n%\n", raw) if e.strip()]


def en_sentences(entry):
    text = re.sub(r"\s+", " ", entry)
    text = re.sub(r"^\S*:\s", "", text)
    out = []
    for s in re.split(r"(?<=[.!?])\s+", text):
        s = s.strip()
        if 25 <= len(s) <= 220 and re.fullmatch(r"[A-Za-z0-9 ,.;:!?'\"()\-]+", s) and s[0].isupper():
            out.append(s)
    return out


def zh_sentences(entry):
    text = re.sub(r"\s+", "", entry)
    text = re.sub(r"--+[^。！？!?]*$", "", text)  # attribution: --白居易《问刘十九》
    out = []
    for s in re.split(r"(?<=[。！？!?])", text):
        if 6 <= len(s) <= 120 and re.search(r"[\u4e00-\u9fff]", s) and not re.search(r"[A-Za-z]{3,}|--|《|》|[“”\"]", s):
            out.append(s.replace(",", ",").replace("，", ","))
    return out


class Filler:
    def __init__(self, cue_words_en, cue_chars_zh):
        en = {"train": [], "dev": []}
        zh = {"train": [], "dev": []}
        bad_en = re.compile(r"\b(" + "|".join(sorted((re.escape(w.lower()) for w in cue_words_en), key=len,
                                                      reverse=True)) + r")s?\b")
        for path in en_fortune_files():
            for e in read_entries(path):
                split = "dev" if is_dev("en:" + e) else "train"
                for s in en_sentences(e):
                    low = s.lower()
                    if "apple" in low or bad_en.search(low):
                        continue
                    en[split].append(s)
        counts = {}
        zh_raw = []
        for name in ("chinese", "tang300", "song100"):
            for e in read_entries(os.path.join(FORTUNES, name)):
                split = "dev" if is_dev("zh:" + e) else "train"
                for s in zh_sentences(e):
                    zh_raw.append((split, s))
                    for c in s:
                        counts[c] = counts.get(c, 0) + 1
        keep = set(c for c, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:2000])
        keep |= set(",。!?;:、“”")
        for split, s in zh_raw:
            if "苹果" in s or "果" in s or any(w in s for w in cue_chars_zh):
                continue
            if all(c in keep for c in s):
                zh[split].append(s)
        self.pools = {"en": en, "zh": zh}

    def with_pools(self, pools):
        """The same filler drawing from other sentences: pools[lang][split]."""
        other = copy.copy(self)
        other.pools = pools
        return other

    def text(self, rng, lang, split, n):
        """At least n characters of filler (whole sentences, cut at the first word boundary after n)."""
        if n <= 0:
            return ""
        pool = self.pools[lang][split]
        sep = " " if lang == "en" else ""
        out = ""
        while len(out) < n:
            out += (sep if out else "") + rng.choice(pool)
        if len(out) > n:
            if lang == "en":
                cut = out.find(" ", n)
                out = out if cut < 0 else out[:cut]
            else:
                out = out[:n]
        return out

    def sentences(self, rng, lang, split, k):
        pool = self.pools[lang][split]
        sep = " " if lang == "en" else ""
        return sep.join(rng.choice(pool) for _ in range(k))


# ----------------------------------------------------------------------------------------------
# Rendering.

SLOT = re.compile(r"\{([A-Z]+)(?::([a-z]+))?\}")


def pluralize(w):
    if w[0].isupper() or " " in w and w.split()[-1][0].isupper():
        return w
    if re.search(r"(s|x|z|ch|sh)$", w):
        return w + "es"
    if re.search(r"[^aeiou]y$", w):
        return w[:-1] + "ies"
    return w + "s"


def mention_surface(rng, form, sense, neutral, sentence_start):
    """English surface form of a mention. neutral: casing independent of the sense."""
    if neutral:  # neutral frames and probes: casing independent of the sense, so that only the cue tells
        case = rng.choices(["cap", "low", "up"], [50, 45, 5])[0]
    elif sense == "company":
        case = rng.choices(["cap", "low", "up"], [85, 10, 5])[0]
    else:
        case = rng.choices(["cap", "low", "up"], [6, 89, 5])[0]
    if sentence_start and case == "low" and rng.random() < 0.8:
        case = "cap"
    base = {"sg": "apple", "pl": "apples", "poss": "apple's", "plposs": "apples'"}[form]
    if form == "poss" and rng.random() < 0.15:
        base = "apple’s"
    if case == "cap":
        return base[0].upper() + base[1:]
    if case == "up":
        return base.upper().replace("’S", "’S")
    return base


class Gen:
    def __init__(self, rng, pools, frames, filler, split, grammar):
        self.rng, self.pools, self.frames, self.filler, self.split = rng, pools, frames, filler, split
        self.grammar = grammar

    def frame(self, lang, what, sense, split=None, comp=0.5):
        """A hand-written frame or (with probability comp) a compositional one."""
        split = split or self.split
        comp = {"cue": 0.35, "neutral": 0.35}.get(what, comp)
        if what == "then" or self.rng.random() < comp:
            return comp_frame(self.rng, self.grammar[split], lang, what, sense)
        key = {"local": sense, "cue": "cue_" + sense, "after": "after_" + sense, "neutral": "neutral"}[what]
        return self.rng.choice(self.frames[split][lang][key])

    def cue(self, key, mod):
        w = self.rng.choice(self.pools[self.split][key])
        if mod == "pl":
            w = pluralize(w)
        return w

    def render(self, frame, sense, lang, neutral=False, nm=None):
        """-> (text, spans[(start, end, label)], cue_end). cue_end: end of the last cue word before
        the first mention (-1 if none)."""
        out, spans, pos, last_cue_end = "", [], 0, -1
        for m in SLOT.finditer(frame):
            out += frame[pos:m.start()]
            key, mod = m.group(1), m.group(2)
            if key == "M":
                if lang == "zh":
                    s = "苹果"
                else:
                    form = mod if mod in ("pl", "poss") else "sg"
                    if mod == "any":
                        form = self.rng.choices(["sg", "pl"], [40, 60])[0] if sense == "fruit" else "sg"
                    start = len(out.rstrip()) == 0 or out.rstrip()[-1] in ".!?\"" 
                    s = mention_surface(self.rng, form, sense, neutral, start)
                spans.append((len(out), len(out) + len(s), sense))
                out += s
            elif key == "NM":
                out += nm
            else:
                w = self.cue(key, mod)
                out += w
                if not spans:
                    last_cue_end = len(out)
            pos = m.end()
        out += frame[pos:]
        return out, spans, last_cue_end


def join(parts, lang):
    """parts: list of (text, spans). Joins with a space (en) or nothing (zh), shifting spans."""
    text, spans = "", []
    for t, sp in parts:
        if not t:
            continue
        if text and lang == "en":
            text += " "
        off = len(text)
        text += t
        spans.extend((a + off, b + off, l) for a, b, l in sp)
    return text, spans


MENTION = re.compile(r"(?<![A-Za-z])(?:apples['’](?![A-Za-z])|apple(?:s|['’]s)?(?![A-Za-z]))|苹果", re.IGNORECASE)


def to_example(text, spans, lang, kind, **extra):
    labels = ["O"] * len(text)
    for a, b, l in spans:
        for i in range(a, b):
            labels[i] = l
    for m in MENTION.finditer(text):  # no unlabelled mention may slip in through a cue word or filler
        if labels[m.end() - 1] == "O":
            raise AssertionError(f"unlabelled mention {m.group()!r} in {text!r}")
    d = {"text": text, "labels": labels, "lang": lang, "kind": kind}
    d.update(extra)
    return d


OTHER = {"fruit": "company", "company": "fruit"}


def make_example(g, lang):
    """One training/dev example of a random kind."""
    rng, F = g.rng, g.frames[g.split][lang]
    kind = rng.choices(["local", "far", "after", "then", "two", "nearmiss", "repeat", "none"],
                       [25, 28, 8, 10, 11, 7, 7, 4])[0]
    sense = rng.choice(["fruit", "company"])
    fill = lambda n: (g.filler.text(rng, lang, g.split, n), [])
    parts = []
    if rng.random() < 0.25:
        parts.append((g.filler.sentences(rng, lang, g.split, 1), []))
    if kind == "local":
        t, sp, _ = g.render(g.frame(lang, "local", sense), sense, lang)
        parts.append((t, sp))
    elif kind == "far":
        cue, _, _ = g.render(g.frame(lang, "cue", sense), sense, lang)
        d = far_distance(rng)
        t, sp, _ = g.render(g.frame(lang, "neutral", sense), sense, lang, neutral=True)
        parts += [(cue, []), fill(d), (t, sp)]
    elif kind == "after":
        t, sp, _ = g.render(g.frame(lang, "after", sense), sense, lang)
        parts.append((t, sp))
    elif kind == "then":  # casing independent of the sense: only the clause after the mention tells
        t, sp, _ = g.render(g.frame(lang, "then", sense), sense, lang, neutral=True)
        parts.append((t, sp))
    elif kind == "two":
        a = rng.choice(["fruit", "company"])
        b = OTHER[a] if rng.random() < 0.6 else a
        for i, s in enumerate((a, b)):
            if rng.random() < 0.6:
                t, sp, _ = g.render(g.frame(lang, "local", s), s, lang)
                parts.append((t, sp))
            else:
                cue, _, _ = g.render(g.frame(lang, "cue", s), s, lang)
                t, sp, _ = g.render(g.frame(lang, "neutral", s), s, lang, neutral=True)
                parts += [(cue, []), (t, sp)]
            if i == 0 and rng.random() < 0.3:
                parts.append(fill(rng.randint(10, 80)))
    elif kind == "nearmiss":
        nm = rng.choice(F["nm_" + sense])
        t, sp, _ = g.render(rng.choice(F["nm_frames"]), sense, lang, neutral=(lang == "en" and rng.random() < 0.3), nm=nm)
        parts.append((t, sp))
    elif kind == "repeat":
        t, sp, _ = g.render(g.frame(lang, "local", sense), sense, lang)
        parts.append((t, sp))
        parts.append(fill(rng.randint(0, 150)))
        t, sp, _ = g.render(g.frame(lang, "neutral", sense), sense, lang, neutral=True)
        parts.append((t, sp))
    else:  # no mention at all: cue clauses (with "pineapple"/"菠萝" sometimes) and filler
        cue, _, _ = g.render(g.frame(lang, "cue", sense), sense, lang)
        parts += [(cue, []), fill(rng.randint(0, 100))]
        if lang == "en" and rng.random() < 0.5:
            parts.append(("I also had some pineapple.", []))
    if rng.random() < 0.2:
        parts.append((g.filler.sentences(rng, lang, g.split, 1), []))
    text, spans = join(parts, lang)
    if lang == "en" and rng.random() < 0.06:
        text = text.lower()  # chat style
    if lang == "zh" and rng.random() < 0.3:
        text = text.replace(",", ",").replace("!", "!").replace("?", "?")
    return to_example(text, spans, lang, kind)


def make_probe(g, lang, d):
    rng = g.rng
    sense = rng.choice(["fruit", "company"])
    cue, _, _ = g.render(g.frame(lang, "cue", sense), sense, lang)
    filler = g.filler.text(rng, lang, "dev", d)
    t, sp, _ = g.render(g.frame(lang, "neutral", sense), sense, lang, neutral="probe")
    text, spans = join([(cue, []), (filler, []), (t, sp)], lang)
    # gap: from the end of the cue clause's last cue word to the start of the mention
    cue_end = len(cue.rstrip(",.!?,。 "))
    return to_example(text, spans, lang, "probe", distance=len(filler), gap=spans[0][0] - cue_end)


def pack(examples):
    """Greedy packing in generation order (examples are already in random order)."""
    lines, cur = [], None
    for ex in examples:
        if cur and len(cur["text"]) + 1 + len(ex["text"]) <= PACK:
            cur["text"] += "\n" + ex["text"]
            cur["labels"] += ["O"] + ex["labels"]
            cur["lang"] = cur["lang"] if cur["lang"] == ex["lang"] else "mixed"
            cur["kind"] = "packed"
        else:
            if cur:
                lines.append(cur)
            cur = dict(ex)
            cur["labels"] = list(ex["labels"])
    if cur:
        lines.append(cur)
    return lines


def packable(ex):
    return len(ex["text"]) <= PACK


def draw(n, make, fits=None):
    """n examples from make(lang), alternating en / zh; one that fails `fits` (e.g. too long to pack)
    is drawn again, in the same language, from the same RNG (so the output is still deterministic)."""
    out = []
    for i in range(n):
        lang = "en" if i % 2 == 0 else "zh"
        ex = make(lang)
        while fits and not fits(ex):
            ex = make(lang)
        out.append(ex)
    return out


def split_frames(block, start_weight=1):
    tr, dv = [], []
    for f in lines(block):
        for _ in range(start_weight if f.startswith("{M") else 1):
            (dv if is_dev("frame:" + f) else tr).append(f)
    if not dv:
        dv.append(tr.pop())
    return tr, dv


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "build/apple"
    os.makedirs(out_dir, exist_ok=True)
    syn = load_wordnet()
    wn = {
        "FRUIT": wn_words(syn, ["07705931"]),
        "FOOD": wn_words(syn, ["07557434", "07609840", "07622061", "07881800"]),
        "DEV": wn_words(syn, ["03082979", "04401088", "03278248", "03277771"]),
        "SW": wn_words(syn, ["06566077"]),
        "FIN": wn_words(syn, ["13333833", "01098698"]),
        "CO": set(),
    }
    # WordNet's company hyponyms are kinds of company, usable as "{DEV}"-like business cues.
    wn["FIN"] |= {w for w in wn_words(syn, ["08058098", "08059412"]) if w == w.lower()}
    # drop WordNet words whose plural or lowercase form clashes with the other side
    fruit_side = {w.lower() for k in ("FRUIT", "FOOD") for w in wn[k]}
    wn["DEV"] = {w for w in wn["DEV"] if w.lower() not in fruit_side}
    wn["SW"] = {w for w in wn["SW"] if w.lower() not in fruit_side}
    pools = {"train": {}, "dev": {}}
    for key, spec in list(EN_HAND.items()) + list(ZH.items()):
        entries = tokenize_entries(spec)
        if key in wn:
            have = {w.lower() for w, _ in entries}
            entries += [(w, False) for w in sorted(wn[key]) if w.lower() not in have]
        tr, dv = pools_from(entries)
        pools["train"][key], pools["dev"][key] = tr, dv or tr
    # keep the English fruit/food pools weighted towards the hand-written common words: repeat them
    for split in ("train",):
        for key in EN_HAND:
            hand = [w for w, _ in tokenize_entries(EN_HAND[key]) if w in pools[split][key]]
            pools[split][key] = pools[split][key] + hand * max(1, len(pools[split][key]) // (3 * max(1, len(hand))))
    for split in ("train", "dev"):
        # empty pool guard: fall back to the training pool (only for tiny hand lists)
        for key in pools["train"]:
            if not pools[split][key]:
                pools[split][key] = pools["train"][key]
    frames = {"train": {"en": {}, "zh": {}}, "dev": {"en": {}, "zh": {}}}
    for lang, table in (("en", {"fruit": EN_FRUIT_FRAMES, "company": EN_COMPANY_FRAMES, "neutral": EN_NEUTRAL,
                                "cue_fruit": EN_FRUIT_CUES, "cue_company": EN_COMPANY_CUES,
                                "after_fruit": EN_FRUIT_AFTER, "after_company": EN_COMPANY_AFTER,
                                "nm_frames": EN_NM_FRAMES}),
                        ("zh", {"fruit": ZH_FRUIT_FRAMES, "company": ZH_COMPANY_FRAMES, "neutral": ZH_NEUTRAL,
                                "cue_fruit": ZH_FRUIT_CUES, "cue_company": ZH_COMPANY_CUES,
                                "after_fruit": ZH_FRUIT_AFTER, "after_company": ZH_COMPANY_AFTER,
                                "nm_frames": ZH_NM_FRAMES})):
        for k, block in table.items():
            tr, dv = split_frames(block, 5 if (lang, k) == ("zh", "fruit") else 1)
            frames["train"][lang][k], frames["dev"][lang][k] = tr, dv
        for s, lst in (("fruit", EN_NM_FRUIT if lang == "en" else ZH_NM_FRUIT),
                       ("company", EN_NM_COMPANY if lang == "en" else ZH_NM_COMPANY)):
            tr = [w for w in lst if not is_dev("nm:" + w)]
            dv = [w for w in lst if is_dev("nm:" + w)] or tr[-1:]
            frames["train"][lang]["nm_" + s], frames["dev"][lang]["nm_" + s] = tr, dv
    cue_en = set()
    for key in EN_HAND:
        for split in ("train", "dev"):
            cue_en |= {w for w in pools[split][key] if len(w) > 3}
    cue_en |= {"fruit", "orchard", "iphone", "ipad", "phone", "laptop", "computer", "software", "stock",
               "shares", "juice", "eat", "ate", "eating", "company", "apps?", "pie"}
    cue_zh = set()
    for key in ZH:
        for split in ("train", "dev"):
            cue_zh |= set(pools[split][key])
    cue_zh |= {"手机", "电脑", "水果", "公司", "吃", "果"}
    filler = Filler(cue_en, cue_zh)

    grammar = build_grammar()
    sizes = {"seed": SEED, "pools": {}, "files": {}}
    for split in ("train", "dev"):
        sizes["pools"][split] = {k: len(set(v)) for k, v in pools[split].items()}
        sizes["pools"][split]["frames"] = {lang: {k: len(v) for k, v in frames[split][lang].items()}
                                           for lang in ("en", "zh")}
        sizes["pools"][split]["grammar_parts"] = {k: len(v) for k, v in grammar[split].items()}
        sizes["pools"][split]["filler_sentences"] = {lang: len(filler.pools[lang][split]) for lang in ("en", "zh")}

    def write(name, examples):
        path = os.path.join(out_dir, name)
        stat = {"lines": 0, "chars": 0, "mentions": {}, "by_lang": {}}
        with open(path, "w", encoding="utf-8") as f:
            for ex in examples:
                f.write(json.dumps(ex, ensure_ascii=False) + "\n")
                stat["lines"] += 1
                stat["chars"] += len(ex["text"])
                bl = stat["by_lang"].setdefault(ex["lang"], {"lines": 0, "chars": 0, "fruit": 0, "company": 0})
                bl["lines"] += 1
                bl["chars"] += len(ex["text"])
                prev = "O"
                for l in ex["labels"] + ["O"]:
                    if l != prev and prev != "O":
                        bl[prev] += 1
                    prev = l
        sizes["files"][name] = stat
        print(f"{path}: {stat['lines']} lines, {stat['chars']} characters", file=sys.stderr)

    for split, seed_off in (("train", 1), ("dev", 2)):
        rng = random.Random(SEED * 10 + seed_off)
        g = Gen(rng, pools, frames, filler, split, grammar)
        exs = draw(SIZES[split], lambda lang: make_example(g, lang), packable)
        sizes["files"][split + " examples"] = len(exs)
        write(split + ".jsonl", pack(exs) if split == "train" else exs)
    for d in DISTANCES:
        rng = random.Random(SEED * 10 + 100 + d)
        g = Gen(rng, pools, frames, filler, "train", grammar)
        write(f"probes-{d}.jsonl", draw(SIZES["probe"], lambda lang: make_probe(g, lang, d)))
    # Shared-structure sentences for apple-bilstm (tools/apple/shared_frames.py): drawn last, from their
    # own RNG, so the files above do not change.
    rng = random.Random(SEED * 10 + 7)
    g = Gen(rng, pools, frames, filler, "train", grammar)
    exs = draw(SIZES["extra"], lambda lang: make_shared_example(g, lang, to_example, join))
    sizes["files"]["train-extra examples"] = len(exs)
    write("train-extra.jsonl", pack(exs))
    # Cue-mix sentences for apple-bilstm (tools/apple/cue_mix.py): again last, from their own RNG.
    rng = random.Random(SEED * 10 + 8)
    g = Gen(rng, pools, frames, filler, "train", grammar)
    exs = draw(SIZES["mix"], lambda lang: make_mix_example(g, lang, to_example, join, mention_surface), packable)
    exs += draw(SIZES["tight"], lambda lang: make_tight_example(g, lang, to_example, mention_surface))
    rng.shuffle(exs)
    sizes["files"]["train-mix examples"] = len(exs)
    write("train-mix.jsonl", pack(exs))
    # Lone-cue examples (tools/apple/lone_cue.py): last, each stage from its own RNG.
    hand = {}
    for key, spec in list(EN_HAND.items()) + list(ZH.items()):
        words = {w for w, _ in tokenize_entries(spec)}
        hand[key] = [w for w in pools["train"][key] if w in words]
    # Their filler says nothing of either sense by the memory probes' rules: of this filler's English, and of
    # fortunes-zh's training half in any character (the filler above keeps the 2,000 most frequent, so no
    # traditional verse), so that the cue is carried across verse as well as prose; but none that shares a
    # sentence with the held-out half, the dev set's filler (the halves are split by entry, and a few
    # sentences are in both).
    from probes import neutral, shares_a_sentence, zh_candidates  # here, not above: probes imports this module
    zh_lone = neutral(zh_candidates("train"), "zh")
    zh_lone = [s for s, shared in zip(zh_lone, shares_a_sentence(zh_lone, zh_candidates("dev")))
               if not shared and not any(w in s for w in cue_zh)]
    lone_filler = filler.with_pools({"en": {"train": neutral(filler.pools["en"]["train"], "en")},
                                     "zh": {"train": zh_lone}})
    sizes["pools"]["train"]["lone_filler_sentences"] = {lang: len(p["train"]) for lang, p in lone_filler.pools.items()}
    for i, most in enumerate(LONE_STAGES):
        g = Gen(random.Random(SEED * 10 + 9 + i), pools, frames, lone_filler, "train", grammar)
        exs = draw(SIZES["lone"], lambda lang: make_lone_example(g, lang, to_example, join, hand, most), packable)
        sizes["files"][f"train-lone-{most} examples"] = len(exs)
        write(f"train-lone-{most}.jsonl", pack(exs))
    # Stories (tools/apple/stories.py): after the lone cues, from their own RNG.
    g = Gen(random.Random(SEED * 10 + 13), pools, frames, filler, "train", grammar)
    exs = draw(SIZES["story"], lambda lang: make_story_example(g, lang, to_example, join, PACK), packable)
    sizes["files"]["train-story examples"] = len(exs)
    write("train-story.jsonl", pack(exs))
    # Narratives (tools/apple/narratives.py): after the stories, from their own RNG.
    g = Gen(random.Random(SEED * 10 + 14), pools, frames, filler, "train", grammar)
    exs = draw(SIZES["narrative"], lambda lang: make_narrative_example(g, lang, to_example, join, PACK), packable)
    sizes["files"]["train-narrative examples"] = len(exs)
    write("train-narrative.jsonl", pack(exs))
    with open(os.path.join(out_dir, "sizes.json"), "w") as f:
        json.dump(sizes, f, indent=1, ensure_ascii=False, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
