"""Story examples for the apple taggers (train-story.jsonl): apple-bilstm reads them, and so does the last
stage of the streaming taggers.

apple-bilstm read 82.8 % of the mentions of the second natural test set whose cue is 100+ characters
away, against 89-96 % of the others (25 of its 53 errors there). Those texts are short stories: a topic
set up in a sentence or three, an unrelated digression about neighbours, weather or work, then the
mention in a sentence that says little by itself. generate.py's far-cue examples have one cue clause and
fortune-file filler (old verse and Debian documentation in Chinese, quips in English). Here:

  topic       1-3 clauses of the sense: generate.py's cue clauses, or sentences about the knowledge
              behind the sense (growers, harvests, blossom and hail; the App Store review, Siri, fans,
              the people who run the company), which the taggers' data lacked; they were written after
              reading apple-bilstm's errors on that set, which is now a dev set
  digression  60 characters up to what the line allows: everyday sentences composed from the parts
              below (none has a word of either sense by the memory probes' rules) or, half the time,
              generate.py's fortune filler (which drops only the generator's cue words: in Chinese it is
              often Debian documentation)
  mention     a neutral mention clause; casing follows the sense in half of them, as in lone_cue.py

A quarter are mirrored (mention first, topic after the digression); one English story in ten is in lower
case, as chat often is. Training-only, drawn last from its own seeded RNG, so every other file stays byte
for byte the same.
"""

EN_KNOW = {
    "fruit": """The growers in the valley had a hard year.
Late frost took half of the blossom in April.
Hail hit the orchards just before the harvest.
Wholesale prices at the produce market went up again.
The farm stand by the road sells whatever is ripe that week.
We spent the weekend at the orchard with a ladder and two baskets.
My grandfather grafted new branches onto the old trees every spring.
The cider press in the barn had not been used for years.
The teacher had a bowl of fruit on her desk every morning.
The horse waits at the fence for a treat every morning.
Newton was sitting under a tree when something fell on his head.
In the story, the queen gives Snow White something poisoned to eat.
William Tell had to shoot an arrow at something on his son's head.
The bees are back in the orchard, so the crop should be good.
Half the harvest went to the juice factory this year.
The kids went bobbing at the autumn fair.
The recipe card in my grandmother's handwriting was stained with butter and cinnamon.
The school lunch came with a sandwich, a carton of milk and some fruit.
The cold store holds last autumn's crop until the spring.
The pickers start at dawn and stop when the bins are full.""".split("\n"),
    "company": """Tim Cook walked on stage and the room went quiet.
Siri misunderstood me three times in a row this morning.
The App Store review rejected our app again.
I read the Steve Jobs biography on the plane.
The keynote was streamed to millions of people.
My whole family is locked into one ecosystem: laptops, phones, watches and earbuds.
The update broke my bluetooth headphones again.
The queue outside the flagship store started the night before the launch.
My portfolio is mostly tech stocks, and they all fell today.
The developers' conference in Cupertino starts on Monday.
The old poster on the office wall said Think Different.
I still have my first iPod somewhere in a drawer.
The Genius Bar told me the battery had to be replaced.
Regulators in Brussels fined the company over the music streaming rules.
The new operating system moved every button I used.
Our startup waited two months for the platform to approve the release.
The lightning cable in my bag stopped charging anything.
The company's headquarters looks like a giant ring from above.
My brother queued for eleven hours for the first smartphone of its kind.
The antitrust case against the tech giants went on for years.""".split("\n"),
}
ZH_KNOW = {
    "fruit": """今年山里的果农日子不好过。
四月的一场霜冻冻坏了一半的花。
一场冰雹在收获前砸了整片果园。
批发市场的水果价格又涨了。
路边的小摊卖的都是当季刚熟的东西。
周末我们带着梯子和两个筐去了果园。
爷爷每年春天都给老树嫁接新枝。
北方产区今年的产量预计下降。
花期连续阴雨，授粉受了影响。
冷库里存着去年秋天收的果子。
果农们天一亮就上山，筐装满了才下来。
我们家的老驴每天早上在栅栏边等我给它带吃的。
牛顿坐在树下，忽然有东西掉在了他头上。
白雪公主的故事里，王后给了她一个有毒的果子。
威廉·退尔要射中儿子头上的东西。
女儿的看图识字卡上画的都是水果。
外婆把果子削了皮，切成小块放在盘子里。
平安夜大家都要送一个红红的果子图个平安。
今年套袋晚了，果子上都是虫眼。
村里的果园一到秋天就红成一片。""".split("\n"),
    "company": """库克走上台，全场一下子安静了。
Siri今天早上连续三次听错了我的话。
我们的App又被审核打回来了。
我在飞机上读完了乔布斯传。
发布会的直播有几百万人在看。
我们全家都是果粉，电脑、手机、手表、耳机全是一个牌子。
系统一更新，我的蓝牙耳机又连不上了。
新机首发那天，旗舰店门口前一晚就排起了长队。
我的股票大多是科技股，今天全跌了。
开发者大会下周一在库比蒂诺开幕。
办公室墙上的旧海报写着Think Different。
我在抽屉里翻出了第一台iPod。
天才吧的店员说电池得换了。
欧盟因为音乐流媒体的规定对这家公司罚了款。
新系统把我常用的按钮全换了位置。
我们的新版本等了两个月才过审上架。
包里的数据线什么都充不进去了。
这家公司的总部从天上看像一个巨大的圆环。
工资刚发就全交了分期，只能吃土了。
我表哥为了买首发的新机排了十一个小时的队。""".split("\n"),
}

# Everyday digressions: time + someone + what they did; no part says anything of either sense by the memory
# probes' rules (tools/apple/probes.py says_nothing): nothing about fruit, food, money, devices or companies.
EN_WHEN = ["", "", "That morning, ", "After work, ", "On Sunday, ", "Later that week, ", "Last winter, ",
           "Every evening, ", "The next day, ", "Around noon, "]
EN_WHO = ["my neighbour", "the landlord", "my mother", "a colleague", "the boss", "the kids", "my uncle",
          "an old friend", "the bus driver", "our teacher", "the woman next door", "my cousin"]
EN_DID = ["waited in line at the post office for an hour", "walked the dog around the block twice",
          "complained about the parking in our street", "talked about the weather for ten minutes",
          "sat through a three-hour meeting", "cleaned the whole flat from top to bottom",
          "told a long story about the old days", "swept the balcony twice",
          "missed the last bus home", "argued about politics until midnight", "went to the dentist",
          "painted the fence a very bright blue", "lost the keys to the shed again",
          "showed us an album from a wedding", "fixed the leaking tap in the bathroom",
          "knitted a scarf that nobody wanted", "shouted at the referee on the radio",
          "forgot where the car was parked", "read the newspaper out loud to everyone",
          "spent the afternoon looking for a missing sock"]
ZH_WHEN = ["", "", "那天早上", "下班以后", "周日", "过了几天", "去年冬天", "每天晚上", "第二天", "中午的时候"]
ZH_WHO = ["邻居阿姨", "房东", "我妈", "一个同事", "老板", "孩子们", "我叔叔", "一个老朋友", "公交车的老师傅", "我们老师",
          "隔壁的大爷", "我表妹"]
ZH_DID = ["在邮局排了一个小时的队", "牵着狗绕小区走了两圈", "抱怨楼下停车的事", "聊了十分钟的天气",
          "开了三个小时的会", "把屋子从头到尾打扫了一遍", "讲了半天年轻时候的事", "把阳台扫了两遍",
          "没赶上最后一班车", "为了一件小事争到半夜", "去医院看了牙", "把院子的栅栏刷成了亮蓝色",
          "又找不到储藏室的钥匙了", "拿出相册给我们看婚礼的照片", "修好了卫生间漏水的龙头",
          "织了一条谁也不想要的围巾", "在球场边对着裁判大喊", "忘了车停在哪儿", "把报纸一条一条念给大家听",
          "找了一下午的袜子"]


def everyday(rng, lang):
    if lang == "en":
        s = rng.choice(EN_WHEN) + rng.choice(EN_WHO) + " " + rng.choice(EN_DID) + "."
        return s[0].upper() + s[1:]
    return rng.choice(ZH_WHEN) + rng.choice(ZH_WHO) + rng.choice(ZH_DID) + rng.choice(["。", "。", ",", "!"])


def digression(g, lang, n):
    """About n characters (at least one sentence) of everyday sentences or fortune filler."""
    rng = g.rng
    if rng.random() < 0.5:
        return g.filler.text(rng, lang, g.split, n)
    sep = " " if lang == "en" else ""
    out = everyday(rng, lang)
    while len(out) < n:
        out += sep + everyday(rng, lang)
    return out


def topic(g, lang, sense):
    rng = g.rng
    know = (EN_KNOW if lang == "en" else ZH_KNOW)[sense]
    out = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        if rng.random() < 0.5:
            out.append(rng.choice(know))
        else:
            out.append(g.render(g.frame(lang, "cue", sense), sense, lang)[0])
    return out


def make_story_example(g, lang, to_example, join, pack_limit):
    rng = g.rng
    sense = rng.choice(["fruit", "company"])
    top = [(t, []) for t in topic(g, lang, sense)]
    m, sp, _ = g.render(g.frame(lang, "neutral", sense), sense, lang, neutral=rng.random() < 0.5)
    room = pack_limit - sum(len(t) + 1 for t, _ in top) - len(m) - 2
    n = rng.randint(60, max(60, room))
    parts = top + [(digression(g, lang, n), [])] + [(m, sp)]
    if rng.random() < 0.25:  # the cue far after the mention (with a second digression drawn: the data as trained)
        parts = [(m, sp), (digression(g, lang, n), [])] + top
    text, spans = join(parts, lang)
    if lang == "en" and rng.random() < 0.1:
        text = text.lower()
    if lang == "zh" and rng.random() < 0.5:
        text = text.replace(",", "，").replace("!", "！").replace("?", "？")
    return to_example(text, spans, lang, "story")
