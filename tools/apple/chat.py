"""Chat messages for apple-bilstm (train-chat.jsonl).

On the third natural test set, 52 of apple-bilstm's 60 English errors were a lower-case "apple" (chat
such as "Thanks, apple." and "ok apple, impress me"), and 49 of the 60 were the company read as fruit: of
its 89 lower-case English company mentions it read 45, the streaming LSTM 73. In its other data (the
rest of train-bilstm.jsonl) a lower-case mention in mid-sentence is the fruit 77 % of the time, and
nothing addresses a company as people do in chat. Here a message is a mention clause and one or two
remarks of everyday chat about what lies behind the sense (a battery that dies, the keynote, the Genius
Bar; a lunch box, a sour one, the orchard): remarks before the mention only (50 %), on both sides (30 %)
or after it only (20 %).

  mention  a clause of its sense ("thanks {M}", "ate an {M}") or, half the time, one both senses share
           ("{M} again", "team {M}"), where only the remarks tell; "apples" is only in fruit clauses and
           "apple's" only in company ones, as in most real text
  casing   the mention's casing is drawn independently of the sense (lower 55 %, capitalised 35 %, all
           capitals 10 %); then 40 % of English messages are lower-cased throughout and, of the rest, half
           get a capital first letter, so about 71 % of the mentions end up in lower case for either sense

The remarks were written after reading that test set's errors (it is a dev set now), so its figures
would overstate this file's effect; the fourth natural test set was written while the tagger trained on
this, by someone who saw neither. Training-only, drawn after the stories from its own seeded RNG, so every
other file stays byte for byte the same.

Left as trained, to keep train-chat.jsonl the shipped weights' data; mend with the next retraining: two
remarks that say little ("又涨价了，买不起", fruit gets dearer too; "买回来才发现磕坏了", a phone dents too);
"switched to {M}", "{M} please" and "说好的{M}呢" fit either sense; the capital first letter is given to a
message that starts with the mention (more often a company clause); an ending is added after "dear {M},";
surface() could be generate.mention_surface with its own casing weights.
"""

EN_REMARKS = {
    "company": """my phone died at 40% again
the new update ate my battery
why does a charger cost 49 dollars
the keynote was so boring
support put me on hold for an hour and hung up
they removed the headphone jack years ago and i'm still mad
cloud storage full AGAIN
my earbuds keep disconnecting
the stock is up 3% today
the app store rejected our build for the fourth time
face id doesn't work when i wear a scarf
siri set an alarm for 3am instead of 3pm
switched from android last month
the genius bar can't see me for two weeks
they slowed down old phones on purpose, remember
the trade-in offer was like 80 bucks
the new laptop keyboard is trash
my watch keeps telling me to stand up
another antitrust lawsuit lol
paying monthly for storage i never asked for
screen cracked on day two
wwdc is tomorrow
the flagship store was packed
the cable frayed again
i need three dongles to plug in a mouse
tim cook on stage again
the update moved all my widgets
my laptop fan sounds like a jet engine
the dev conference tickets sold out in a minute
the new phone is the same as the old phone
autocorrect keeps changing my name
they want 200 dollars to fix a scratch
my mac won't boot after the update
the fans are already queueing outside the store
no charger in the box, again
the watch strap costs more than my shoes
the green bubbles in the group chat
my kid spent 300 on in-app purchases
the shares dropped after the earnings call
face time froze in the middle of the call""".split("\n"),
    "fruit": """packed my kid's lunch box
so hungry rn
grabbed a snack before the gym
the farmers market had honeycrisp today
baking a pie tonight
dipped in peanut butter, trust me
way too sour
so crunchy omg
it was brown and mushy inside
found a worm in it, never again
orchard trip this weekend
caramel dipped ones at the fair
juicing every morning now
my horse goes crazy for them
keeps the doctor away or whatever
the fruit bowl is empty again
peeled and sliced it for the baby
oats with cinnamon for breakfast
mum makes the best crumble
it got bruised in my bag
picked straight from grandma's tree
diet day 3, snacks only
the teacher gift everyone brings
the slices went brown before lunch
a bag of them was on sale at the grocery
the tree in our yard is full this year
cider season is here
my toddler only eats it in tiny cubes
the pips are apparently poisonous
the deer ate everything off the low branches
crisp, sweet, perfect
stewed with a bit of sugar for the baby
the cafeteria only had bananas and these
half a kilo at the market for two dollars
a lunchbox with a sandwich and fruit
granny smiths for the tart
the seeds from the core are in a pot now
they're so cheap in autumn
bobbing for them at the halloween party
left one on my desk and it went wrinkly""".split("\n"),
}
EN_MENTIONS = {
    "company": """thanks {M}
thank u {M}
come on {M}
{M} pls fix this
{M} why
ok {M}, impress me
@{M} hello??
{M} support is useless
{M} did it again
{M}'s servers are down
switched to {M}
never buying {M} again
{M} fanboys be like
{M} just announced it
{M} please
dear {M},
classic {M} move
good job {M}
{M} knows what they're doing
is {M} even listening
{M} owes me a new one
{M} wants my money""".split("\n"),
    "fruit": """ate an {M}
{M}s are on sale
one {M} a day
{M} slices
grab an {M}
green {M}s
cut up an {M}
this {M} is so sour
bag of {M}s
{M} pie
an {M} and a yogurt
half an {M}
peel the {M} first
the {M} was rotten
baked {M}s""".split("\n"),
    "shared": """{M} again
{M} lol
it's {M}
love {M}
{M} is the worst
{M} tho
anything but {M}
{M} or nothing
went with {M}
{M}, obviously
team {M}
{M} is overrated
{M} every time
{M} ftw
nothing beats {M}
done with {M}
{M} wins
ugh {M}""".split("\n"),
}
ZH_REMARKS = {
    "company": """手机又卡了
充电口坏了
信号差得要命
系统一更新电池就不行了
发布会又在挤牙膏
果粉又要吵起来了
库克又出来讲话了
新机刚发就降价了
以旧换新才给了几百块
云空间又满了
耳机又连不上了
客服让我等了一个小时
刘海看着真难受
电脑风扇吵死了
售后说要寄回去修
又涨价了，买不起
股价今天又跌了
我们的App又被审核打回来了
摄像头凸起那么多
充电器还要单独买
一个表带比我鞋还贵
更新完桌面全乱了
开发者大会门票秒没
换个屏幕要两千
店门口又排起了长队
孩子在游戏里充了三百块
旧机用了四年还很流畅
数据线又断了
人脸识别戴口罩不灵
抽屉里还有一台旧iPod""".split("\n"),
    "fruit": """好饿啊
给孩子带点水果
切块蘸酸奶
放两天就面了
好脆好甜
削了皮给老人
早上榨了一杯汁
周末去果园采摘
烂了一个，心疼
菜市场一斤才三块
红富士就是好吃
减肥第三天，只吃水果
放冰箱里能放好久
奶奶家树上结了好多
切开一看里面都黑了
宝宝只吃切成小丁的
炖了一锅给妈妈喝
饭后来一个
马见了就走不动
秋天正是吃的时候
酸得我直皱眉
超市打折，一箱才二十
果核扔进花盆里发芽了
烤了一个派，满屋子香
给学生当零食
今年雨水多，个头小
果皮上有虫眼
买回来才发现磕坏了
洗干净直接啃
一口下去全是汁""".split("\n"),
}
ZH_MENTIONS = {
    "company": """谢谢{M}
{M}你能不能上点心
{M}求求了
{M}你清醒一点
{M}又来这一套
换了{M}
{M}客服
{M}又在割韭菜
{M}出来挨打
{M}赶紧修修吧
{M}你欠我一台
说好的{M}呢
{M}官方回应了""".split("\n"),
    "fruit": """啃了个{M}
削个{M}
{M}切片
买了一兜{M}
{M}放冰箱
两个{M}
一个{M}一根香蕉
{M}皮
蒸{M}
{M}汁""".split("\n"),
    "shared": """又是{M}
{M}yyds
{M}太贵了
还是{M}好
{M}绝了
说的就是{M}
我选{M}
{M}就这样吧
{M}还行
哈哈哈{M}
{M}啊{M}
别提{M}了""".split("\n"),
}
EN_FILLERS = ["", "", "", "lol ", "tbh ", "ngl ", "smh ", "omg ", "ugh ", "honestly "]
EN_ENDS = ["", "", ".", "!", "!!", "?", " lol", " :(", " fr", " tbh"]
ZH_ENDS = ["", "", "。", "！", "！！", "？", "哈哈哈", "呜呜", "，绝了", "…"]


def surface(rng, lang):
    """The mention as typed, its casing drawn independently of the sense."""
    if lang == "zh":
        return "苹果"
    r = rng.random()
    return "apple" if r < 0.55 else "Apple" if r < 0.9 else "APPLE"


def mention_clause(g, lang, sense):
    """(text, spans) of one mention clause: of the sense, or (half the time) one both senses share."""
    rng = g.rng
    table = EN_MENTIONS if lang == "en" else ZH_MENTIONS
    frame = rng.choice(table["shared" if rng.random() < 0.5 else sense])
    text, spans, pos = "", [], 0
    while True:
        i = frame.find("{M}", pos)
        if i < 0:
            return text + frame[pos:], spans
        text += frame[pos:i]
        s = surface(rng, lang)
        j = i + 3
        k = 1 if frame[j:j + 1] == "s" else 2 if frame[j:j + 2] == "'s" else 0
        if k:  # a plural or possessive ending is part of the mention
            s += frame[j:j + k] if s != "APPLE" else frame[j:j + k].upper()
            j += k
        spans.append((len(text), len(text) + len(s), sense))
        text += s
        pos = j


def remark(g, lang, sense):
    rng = g.rng
    t = rng.choice((EN_REMARKS if lang == "en" else ZH_REMARKS)[sense])
    return (rng.choice(EN_FILLERS) + t + rng.choice(EN_ENDS)) if lang == "en" else t + rng.choice(ZH_ENDS)


def make_chat_example(g, lang, to_example, join):
    rng = g.rng
    sense = rng.choice(["fruit", "company"])
    m = mention_clause(g, lang, sense)
    m = (m[0] + rng.choice(EN_ENDS if lang == "en" else ZH_ENDS), m[1])
    r = rng.random()  # remarks before the mention, after it, or on both sides
    before = [remark(g, lang, sense)] if r < 0.8 else []
    after = [remark(g, lang, sense)] if r >= 0.5 else []
    parts = [(t, []) for t in before] + [m] + [(t, []) for t in after]
    if lang == "zh":  # no spaces in Chinese chat: a comma or the remark's own end between clauses
        parts = [(t if t[-1:] in "。！？…哈呜" or k == len(parts) - 1 else t + "，", sp) for k, (t, sp) in enumerate(parts)]
    text, spans = join(parts, lang)
    if lang == "en":
        if rng.random() < 0.4:
            text = text.lower()
        elif rng.random() < 0.5 and text[0].isalpha():
            text = text[0].upper() + text[1:]
    return to_example(text, spans, lang, "chat")
