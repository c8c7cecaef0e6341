"""Far-topic narratives for the streaming taggers' last stage (train-narrative.jsonl), English and Chinese.

On the fourth natural test set's Chinese far mentions (86: the topic in the first sentence or two, 100-200
characters of family life, school or work, then the mention in a clause that says nothing by itself), the
RNN, LSTM and GRU shipped then read 59-67 %, mostly their prior (the RNN answered company, the LSTM fruit). Their
story data (stories.py) has a topic, then template sentences or fortune filler (old verse and Debian
documentation), not the everyday narrative between a topic and a mention in those texts. This file was
written after reading the natural4 errors and the natural5 figures; both sets are dev sets from then on.
Its first version drew an English mention's capital apart from the sense everywhere (mid-sentence too, and
one text in seven all in one case): it raised the far figures on natural2-6 but cost the LSTM, and a BiLSTM,
1.2 points on the natural dev set (real mentions, mostly dictionary English, where a mid-sentence capital
tells the sense), as chat messages with the same casing had cost a BiLSTM 2.7. So the casing here is
English usage: a mention that starts a sentence is "Apple" whatever its sense (where casing says nothing
and only the topic can decide), mid-sentence "apple" is the fruit and "Apple" the company.

  topic      one or two sentences that set the sense up without the word: the banks below, stories.EN_KNOW
             and ZH_KNOW, or one of generate.py's cue clauses
  narrative  80-360 characters composed from the parts below, none of which says anything of either sense;
             about one sentence in nine is a lure instead, drawn for both senses alike: everyday meals, tea,
             calls and pay, words that lean to one sense but decide nothing here
  mention    a closing clause that says nothing by itself: in English, three in four start with the mention,
             the rest have it mid-sentence; in Chinese, three in ten are generate.py's neutral clauses

Training-only, drawn after everything else from its own seeded RNG, so every other file stays byte for byte
the same.
"""
from stories import EN_KNOW, ZH_KNOW

EN_TOPIC = {
    "fruit": """My grandparents have grown fruit on the same hillside for fifty years.
On Saturday we drove out to a pick-your-own farm with two empty baskets.
The baby is seven months old and has just started on mashed fruit.
I spent the afternoon making jam and used up a whole bag of sugar.
The doctor told me to cut down on sweets and eat more fresh fruit.
A new greengrocer opened on our corner, run by a family from the coast.
Hail knocked half the crop off the branches a week before picking.
By October the trees on the slope were heavy with red fruit.
Everyone in our village keeps a few fruit trees behind the house.
I took a basket of fruit to my uncle in hospital.
Grandma sent us a box of fruit from her trees, wrapped in newspaper.
The little tree on our balcony flowered for the first time this spring.
The old pony at the stables will do anything for something sweet and crunchy.
In science class we learned how a blossom turns into fruit.
The growers say the wet summer left the crop watery and small.
The fruit aisle at the supermarket had half-price offers all morning.
Mum cuts up a plate of fruit for us every morning before school.
I baked a fruit crumble for the church sale and it was gone in ten minutes.
My son's essay was called My Favourite Fruit.
My uncle rents an orchard in the hills; this is his third season.
Since we bought the juicer I have a glass of fresh juice every morning.
The blossom is out and the bees are busy all day.
Our pigs gobble up the windfalls under the old trees.
Newton was sitting under a tree when something fell on his head.""".split("\n"),
    "company": """I stayed up late to watch the product launch livestream.
My phone is four years old and gets slower every week.
Today I had an interview for a job writing iOS apps.
The wireless earbuds I bought online broke after a week.
Dad got a new smartphone and spends every evening learning how to use it.
My girlfriend has wanted a smartwatch that shows messages for ages.
Tech shares jumped today and my whole portfolio turned green.
The news says the most valuable tech company in the world is being sued again.
I saved for half a year to buy a laptop for design work.
I have repaired phones in a mall kiosk for ten years.
This week's tech podcast was all about the new chips and the operating system.
The first prize at the office party was a tablet.
Since the system update my battery drains twice as fast.
The app store review rejected our app for the third time.
My cousin worked at the headquarters in Cupertino for three years.
I cracked my screen and booked a repair at the official service centre.
On launch day there was a queue outside the store before dawn.
I work as an engineer at a tech firm and write code until late most nights.
My laptop, tablet and earbuds are all the same brand.
At the shareholders' meeting every question was about phone sales.
Tickets for the developers' conference sold out in minutes.
The company's market value hit a new record, over three trillion dollars.
Regulators in Europe fined the American tech giant again.
I have used Android for ten years and fancy trying the other system.""".split("\n"),
}

ZH_TOPIC = {
    "fruit": """我爷爷在陕西洛川种了一辈子果树。
周末一家人开车去城外的果园采摘。
宝宝七个月了，开始加水果泥。
今天跟着视频学做果酱，买了两斤糖。
体检以后医生说我得少吃甜食，多吃新鲜水果。
楼下新开了一家水果店，老板是从甘肃来的。
今年果园的收成不好，一场冰雹打落了一半的果子。
秋天到了，山坡上的果树挂满了红果子。
我们村家家户户都种果树，一到秋天就忙着摘果子。
去医院看望住院的舅舅，我提了一个果篮。
外婆从老家寄来了一箱刚摘的水果。
阳台上的小果树今年第一次开了花。
老马场的那匹老马最爱吃甜的东西。
科学课上老师讲了植物怎么开花结果。
平安夜快到了，同学们都在准备平安果。
果农说今年雨水太多，果子不够甜。
超市水果区今天打折，一大早就排起了队。
妈妈每天早上都给我们切一盘水果。
我在减肥，晚饭只吃水果。
奶奶最拿手的是拔丝，逢年过节都要做一盘。
为了烤一个水果派，我在厨房忙了一下午。
小兔子提着篮子去给生病的奶奶送水果。
爸爸开大货车，这趟从山东拉了一车水果去南方。
孩子的作文题目是《我最喜欢的水果》。
舅舅承包了山上的一片果园，今年是第三年。
榨汁机买回来以后，我每天早上都打一杯果汁。
果园里的花开了，蜜蜂嗡嗡地飞来飞去。
今年的新果上市了，价格比去年便宜。
我们家的猪最爱吃掉在地上的果子。
牛顿坐在树下，一个果子掉下来砸在他头上。""".split("\n"),
    "company": """昨晚熬夜看了新品发布会的直播。
我的手机用了四年，最近越来越卡。
今天去面试了一个iOS开发的岗位。
网上买的无线耳机用了一个星期就坏了。
我爸换了一部新手机，天天研究怎么用。
女朋友一直想要一块能看消息的智能手表。
今天科技股大涨，我的持仓全红了。
新闻说那家市值最高的科技公司又被起诉了。
为了买一台笔记本电脑做设计，我攒了半年的钱。
我在华强北做了十年手机维修。
这周的科技播客聊的是新芯片和操作系统。
公司年会的一等奖是一台平板电脑。
系统更新以后，手机电池掉得特别快。
我们的App又被应用商店的审核打回来了。
表哥在库比蒂诺的总部上了三年班。
手机屏幕摔碎了，我拿去官方售后修。
新款手机首发那天，门店门口一早就排起了长队。
我在一家科技公司做工程师，天天加班写代码。
我的电脑、平板、耳机都是同一个牌子的。
股东大会上，投资人问的全是新手机的销量。
我们公司给每个设计师都配了一台最新款的笔记本。
开发者大会的门票今年一开抢就没了。
这家公司的市值又创了新高，超过了三万亿美元。
老板让我把公司的应用适配新的系统版本。
我妈的平板用了八年，终于开不了机了。
今天发工资，我下单了一副降噪耳机。
朋友在深圳的代工厂上班，专门组装手机。
欧盟又对那家美国科技巨头开出了罚单。
我用了十年安卓，最近想换个系统试试。
这次的新系统把通知栏全改了。""".split("\n"),
}

# The narrative: someone, sometimes a time, did something; or a scene. None says anything of either sense.
EN_WHEN = ["", "", "", "That day, ", "Later, ", "The next morning, ", "Last weekend, ", "For years, ",
           "As a child, ", "Every summer, ", "In the evening, ", "Around noon, ", "A few days ago, ",
           "Last winter, ", "Early that morning, ", "Back then, ", "At New Year, ", "On the way home, "]
EN_WHO = ["my dad", "my mum", "my sister", "my brother", "my husband", "my wife", "our daughter", "our son",
          "grandpa", "grandma", "my flatmate", "a colleague", "the boss", "the class teacher", "my cousin",
          "the woman next door", "an old school friend", "the landlord", "the old man downstairs", "the kids"]
EN_DID = """sat on a train for two days and two nights
spent the whole afternoon reading by the window
told us stories about being young
played chess with a stranger in the park all morning
went fishing by the river for a whole day
went hiking every weekend
tidied the whole house from top to bottom
stood at the door for ages before leaving
kept me talking for hours
said things that had never been said before
came top of the class in the exams
broke an arm and spent a month on the sofa
changed jobs twice
moved house again
fell asleep on the underground and missed the stop
got picked on in the meeting
sat in traffic for half an hour on the school run
queued all morning at the hospital for a check-up
signed up for the office badminton match
knitted several pairs of tiny socks
learned to ride a bike
practised tai chi by the river every morning
had a small argument with me
laughed all the way through the door
walked me to the station
hung the washing out on the balcony
gave the dog a bath
listened to old radio plays all evening
was away for a week on a work trip
told jokes the whole way there
waited nearly half an hour for the bus in the rain
said things would get better
lived in the old house in town for over ten years
practised calligraphy for three years
helped the neighbours move all afternoon
chatted with the caretaker at the gate for ages
gave all the old clothes away
went for an hour's walk every evening
finally passed the driving test""".split("\n")
EN_SCENE = """It slowly got dark.
After the rain stopped, the air was lovely.
The cicadas outside would not stop.
The wind howled all night.
The house was as cold as ice.
It rained for days on end.
A train whistled somewhere far away.
And so the days went by.
Everybody laughed.
Nobody said anything after that.
The dog in the yard barked twice.
The street grew quieter and quieter.""".split("\n")
ZH_WHEN = ["", "", "", "那天", "后来", "第二天", "上周末", "这几年", "小时候", "每年暑假", "晚上", "中午", "前两天",
           "去年冬天", "一大早", "那段时间", "过年的时候", "下班路上"]
ZH_WHO = ["我爸", "我妈", "我姐", "我弟", "老公", "老婆", "女儿", "儿子", "爷爷", "奶奶", "外婆", "姥姥", "室友", "同事",
          "领导", "班主任", "表哥", "邻居阿姨", "老同学", "房东", "楼下的大爷", "孩子"]
ZH_DID = """坐了两天两夜的火车
在院子里晒了一下午太阳
给我们讲他年轻时候的故事
在楼下跟人下了一上午象棋
去河边钓了一天鱼
一到周末就去爬山
把家里收拾得干干净净
在门口站了半天才走
拉着我聊了很久
说了好多以前从来不说的话
考了全班第一名
摔断了胳膊，在家躺了一个月
换了两次工作
搬了一次家
在地铁上睡着了，坐过了站
开会的时候被点了名
接孩子放学，路上堵了半个小时
去医院复查，排了一上午的队
报名参加了单位的羽毛球比赛
给孩子织了好几双小袜子
学会了骑自行车
每天早上都在河边打太极
跟我拌了几句嘴
一进门就笑个不停
把我送到了车站
在阳台上晒被子
给狗洗了个澡
听了一晚上评书
去外地出差了一个星期
讲了一路的笑话
在雨里等了快半个小时的车
说日子总会好起来的
在镇上的老房子里住了十几年
练了三年书法
帮邻居搬了一下午的家
在小区门口跟保安聊了半天
把旧衣服全都捐了出去
每天晚上都要散步一个小时
终于拿到了驾照""".split("\n")
ZH_SCENE = """天慢慢黑了。
雨停了以后，空气特别好。
窗外的知了叫个不停。
那天风很大，刮了一整夜。
屋里冷得跟冰窖一样。
那几天一直在下雨。
远处传来火车的汽笛声。
日子就这么一天天过去了。
大家都笑了。
谁也没有再说话。
院子里的狗叫了两声。
路上的人越来越少。""".split("\n")

# Lures: everyday clauses with a word that leans to one sense (a meal, tea; a call, pay), drawn for both
# senses alike, so that such a word in the narrative does not decide.
EN_LURE = """cooked a huge dinner for everyone
made a pot of tea and sat by the window
had breakfast at the cafe on the corner
rang me twice that evening
got paid on Friday and paid the rent
spent ages on the phone with the bank
brought a cake round for the neighbours
sent a message to the family group""".split("\n")
ZH_LURE = """做了一大桌子菜
泡了一壶茶，坐在窗边发呆
在楼下的早餐店吃了碗面
晚上给我打了两个电话
发了工资，先把房租交了
在家族群里发了个红包
请大家吃了一顿饭
拿着手机跟银行的客服说了半天""".split("\n")

# The closing clause: {M} is the mention, {W} someone; the clause says nothing of the sense by itself.
EN_START = """{M} was all anyone talked about that night.
{M} is still the first thing on my mind.
{M} came up again just before we said goodbye.
{M} is what I want to write about today.
{M} is the reason for all of it.
{M} was the only thing {W} asked about.
{M} is what we kept coming back to.
{M} was on my mind the whole way home.
{M} is the one thing I never forget.
{M} was the answer in the end.
{M} is where it all started.
{M} was the first word of the message from {W}.
{M}, of course.
{M} again, believe it or not.
{M} is all {W} can think about now.
{M} was the reason {W} called.""".split("\n")
EN_MID = """In the end it was all about {M}.
And yes, we talked about {M} again.
So today I want to talk about {M}.
All I could think about was {M}.
The whole family kept coming back to {M}.
Guess what {W} brought up again: {M}.
Honestly, it always comes down to {M}.
Before we left, {W} mentioned {M} again.""".split("\n")
ZH_END = """说来说去，大家最惦记的还是{M}。
最后，我还是选了{M}。
临走的时候，{W}又提起了{M}。
聊着聊着，话题又绕回了{M}。
这一切，都要从{M}说起。
我想了半天，决定写{M}。
那天晚上，我满脑子都是{M}。
{W}说，这辈子离不开{M}。
你猜怎么着？又是{M}。
到现在我还记得那天的{M}。
好吧，那就{M}吧。
我一直觉得，最好的就是{M}。
一家人聊得最多的，就是{M}。
后来我才明白，{W}说的是{M}。
这次的主角，还是{M}。
不知道为什么，我又想起了{M}。
最让我放心不下的，还是{M}。
{W}笑着说：还是{M}好。
归根结底，都是因为{M}。
我把这件事讲给朋友听，他只回了两个字：{M}。
所以今天想聊聊{M}。
要说印象最深的，还是{M}。
问{W}最喜欢什么，{W}想都没想就说{M}。
其实那时候我心里想的，只有{M}。
{W}最常念叨的，就是{M}。
说到底，我最在意的还是{M}。""".split("\n")

LURE_RATE = 1 / 8


def sentence(rng, lang):
    """One everyday sentence: a scene, or (sometimes a time) someone did something, or a lure."""
    if rng.random() < 0.15:
        return rng.choice(EN_SCENE if lang == "en" else ZH_SCENE)
    did = rng.choice((EN_LURE if lang == "en" else ZH_LURE) if rng.random() < LURE_RATE else
                     (EN_DID if lang == "en" else ZH_DID))
    if lang == "zh":
        return rng.choice(ZH_WHEN) + rng.choice(ZH_WHO) + did + rng.choice("。。，！")
    s = rng.choice(EN_WHEN) + rng.choice(EN_WHO) + " " + did + rng.choice("..!")
    return s[0].upper() + s[1:]


def narrative(rng, lang, n):
    """About n characters of everyday sentences."""
    text = ""
    while len(text) < n:
        text += (" " if lang == "en" and text else "") + sentence(rng, lang)
    return text[:-1] + "。" if text[-1] == "，" else text


def topic(g, lang, sense):
    rng = g.rng
    out = []
    for _ in range(rng.choice([1, 1, 2])):
        r = rng.random()
        if r < 0.6:
            out.append(rng.choice((EN_TOPIC if lang == "en" else ZH_TOPIC)[sense]))
        elif r < 0.8:
            out.append(rng.choice((EN_KNOW if lang == "en" else ZH_KNOW)[sense]))
        else:
            out.append(g.render(g.frame(lang, "cue", sense), sense, lang)[0])
    return out


def ending(g, lang, sense):
    """-> (clause, spans): the mention's clause. English: three in four start with the mention, capitalised
    whatever the sense; the rest have it mid-sentence, cased as English is written (the company's name)."""
    rng = g.rng
    if lang == "en":
        start = rng.random() < 0.75
        end = rng.choice(EN_START if start else EN_MID).replace("{W}", rng.choice(EN_WHO))
        word = "Apple" if start or sense == "company" else "apple"
    elif rng.random() < 0.7:
        end, word = rng.choice(ZH_END).replace("{W}", rng.choice(ZH_WHO)), "苹果"
    else:
        text, spans, _ = g.render(g.frame("zh", "neutral", sense), sense, "zh", neutral=True)
        return text, spans
    at = end.index("{M}")
    return end.replace("{M}", word), [(at, at + len(word), sense)]


def make_narrative_example(g, lang, to_example, join, pack_limit):
    rng = g.rng
    sense = rng.choice(["fruit", "company"])
    top = topic(g, lang, sense)
    end, sp = ending(g, lang, sense)
    room = pack_limit - sum(len(t) + 1 for t in top) - len(end) - 60
    body = narrative(rng, lang, rng.randint(80, max(80, min(360, room))))
    text, spans = join([(t, []) for t in top] + [(body, []), (end, sp)], lang)
    if lang == "zh" and rng.random() < 0.5:  # as many people type: ASCII commas and marks in Chinese
        text = text.replace("，", ",").replace("！", "!").replace("？", "?").replace("：", ":")
    return to_example(text, spans, lang, "narrative")
