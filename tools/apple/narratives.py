"""Chinese far-topic narratives for the streaming taggers' last stage (train-narrative.jsonl).

On the fourth natural test set's Chinese far mentions (86: the topic in the first sentence or two, 100-200
characters of family life, school or work, then the mention in a clause that says nothing by itself), the
shipped RNN, LSTM and GRU read 59-67 %, mostly their prior (the RNN answered company, the LSTM fruit). Their
story data (stories.py) has a topic, then template sentences or fortune filler (old verse and Debian
documentation), not the everyday narrative between a topic and a mention in those texts. This file was
written after reading those errors; that set is a dev set from then on.

  topic      one or two sentences that set the sense up without the word: the banks below, stories.ZH_KNOW,
             or one of generate.py's cue clauses
  narrative  80-360 characters composed from the parts below, none of which says anything of either sense
             (a first version also drew, for both senses alike, everyday mentions of meals, tea, calls and
             salaries; the LSTM trained on it lost 2.2 points on the mined dev set, mostly verse about eating)
  mention    a closing clause that says nothing by itself, or one of generate.py's neutral clauses

Training-only, drawn after everything else from its own seeded RNG, so every other file stays byte for byte
the same.
"""
from stories import ZH_KNOW

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
ZH_WHEN = ["", "", "", "那天", "后来", "第二天", "上周末", "这几年", "小时候", "每年暑假", "晚上", "中午", "前两天",
           "去年冬天", "一大早", "那段时间", "过年的时候", "下班路上"]
ZH_WHO = ["我爸", "我妈", "我姐", "我弟", "老公", "老婆", "女儿", "儿子", "爷爷", "奶奶", "外婆", "姥姥", "室友", "同事",
          "领导", "班主任", "表哥", "邻居阿姨", "老同学", "房东", "楼下的大爷", "我", "我们", "孩子"]
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

# The closing clause: {M} is the mention; the clause says nothing of the sense by itself.
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


def clause(rng, did):
    return rng.choice(ZH_WHEN) + rng.choice(ZH_WHO) + did


def narrative(rng, n):
    """About n characters of everyday sentences."""
    text = ""
    while len(text) < n:
        r = rng.random()
        if r < 0.15:
            text += rng.choice(ZH_SCENE)
        else:
            text += clause(rng, rng.choice(ZH_DID)) + rng.choice("。。，！")
    return text[:-1] + "。" if text[-1] == "，" else text


def make_narrative_example(g, to_example, join, pack_limit):
    rng = g.rng
    sense = rng.choice(["fruit", "company"])
    top = []
    for _ in range(rng.choice([1, 1, 2])):
        r = rng.random()
        if r < 0.6:
            top.append(rng.choice(ZH_TOPIC[sense]))
        elif r < 0.8:
            top.append(rng.choice(ZH_KNOW[sense]))
        else:
            top.append(g.render(g.frame("zh", "cue", sense), sense, "zh")[0])
    if rng.random() < 0.7:
        end = rng.choice(ZH_END).replace("{W}", rng.choice(ZH_WHO))
        at = end.index("{M}")
        end, sp = end.replace("{M}", "苹果"), [(at, at + 2, sense)]
    else:
        end, sp, _ = g.render(g.frame("zh", "neutral", sense), sense, "zh", neutral=True)
    room = pack_limit - sum(len(t) for t in top) - len(end) - 60
    body = narrative(rng, rng.randint(80, max(80, min(360, room))))
    text, spans = join([(t, []) for t in top] + [(body, []), (end, sp)], "zh")
    if rng.random() < 0.5:  # as many people type: ASCII commas and marks in Chinese
        text = text.replace("，", ",").replace("！", "!").replace("？", "?").replace("：", ":")
    return to_example(text, spans, "zh", "narrative")
