// Text helpers for the apple demo, shared by the page and Node scripts (no DOM, no engine):
// finding the mentions of apple / 苹果 in a text, and generating memory probes (a cue sentence,
// neutral text of a chosen length, then a mention whose sense only the cue tells).
//
// Positions are code-point indices: model.predict(text) returns one row per code point.

// "apple", "apples", "Apple's", "apples'" (any case) as a whole word, or 苹果.
const MENTION = /(?<![\p{L}\p{N}])apple(?:['’]s|s['’]?)?(?![\p{L}\p{N}])|苹果/giu;

/** Code-point index of every UTF-16 index of text (length text.length + 1). */
function codePointIndex(text) {
  const map = new Int32Array(text.length + 1);
  let cp = 0;
  for (let i = 0; i < text.length; i++) {
    map[i] = cp;
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) { map[i + 1] = cp; i++; }
    cp++;
  }
  map[text.length] = cp;
  return map;
}

/**
 * The mentions in text: [{word, start, end}] with code-point positions; `end` is the index of
 * the mention's last character, where the tagger's decision is read.
 */
export function findMentions(text) {
  const cp = codePointIndex(text);
  const out = [];
  for (const m of text.matchAll(MENTION)) {
    out.push({ word: m[0], start: cp[m.index], end: cp[m.index + m[0].length - 1] });
  }
  return out;
}

/** A small seeded generator (mulberry32): the same seed gives the same probes everywhere. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = (r, list) => list[Math.floor(r() * list.length)];

// Sentences that say which sense is meant without naming it, neutral filler, and frames that end
// with a mention whose sense they do not reveal ({m} is the mention).
export const PROBE_TEXT = {
  en: {
    fruit: [
      'She washed the fruit, cut it into slices and added it to the salad.',
      'We spent the whole morning picking ripe fruit in the orchard.',
      'He peeled it slowly; the skin was red and the flesh was crisp and sweet.',
      'Grandma baked a pie with cinnamon and brown sugar for dessert.',
      'The market stall sold pears, plums and fresh juice by the glass.',
      'I packed a healthy snack for lunch, something crunchy and juicy.',
      'The tree in our garden was heavy with fruit this autumn.',
      'The doctor told me to eat more fruit and vegetables every day.',
      'They pressed the harvest into cider at the farm.',
      'She put a bowl of fresh fruit on the kitchen table.',
      'The horse loves crunchy treats from the orchard.',
      'He bit into it and the sweet juice ran down his chin.',
    ],
    company: [
      'My phone froze again and the new update would not install.',
      'The company announced record quarterly revenue and a new chip.',
      'He opened his laptop and downloaded the latest version of the software.',
      'Investors watched the share price closely before the product launch.',
      'The keynote presented a new watch, new headphones and a faster tablet.',
      'She bought the newest smartphone and a charger at the store in the mall.',
      "The tech giant's shares rose after it reported strong sales of its devices.",
      'My computer needs a new operating system and more storage.',
      'The engineers in Cupertino unveiled an updated app store.',
      'The screen cracked, so I took the phone to the repair counter.',
      "The firm's chief executive spoke to developers about privacy and software.",
      'I paid with my watch at the shop, and then my tablet asked for a password.',
    ],
    filler: [
      'The weather was mild and the streets were quiet.',
      'We took the long way home along the river.',
      'The train was twenty minutes late again.',
      'Nobody said much during the meeting that afternoon.',
      'It rained for most of the week.',
      'My neighbour painted his fence blue.',
      'The library closes early on Sundays.',
      'We talked about the football match and the traffic.',
      'The children played in the park until dark.',
      'She wrote a long letter to her cousin.',
      'The bus stop moved to the other side of the road.',
      'They spent the evening watching an old film.',
      'There was a small queue at the post office.',
      'He forgot his umbrella on the tram.',
      'The garden path needed sweeping after the storm.',
      'We booked a room near the station for two nights.',
      'The radio played the same song three times.',
      'Her brother is learning to play the violin.',
      'The museum was full of school groups.',
      'I finally finished reading that thick novel.',
      'It was late.',
      'Nobody called.',
      'The sky was grey.',
      'We waited.',
      'Time passed slowly.',
      'The door was open.',
      'The car park was almost empty.',
      'He called his sister on Tuesday.',
      'The lift was out of order again.',
      'We sat by the window and watched the rain.',
      'The meeting ran over by an hour.',
      'She changed her mind about the trip.',
      'The streetlights came on one by one.',
      'Somebody left a bicycle by the gate.',
      'The ferry crossed the bay in silence.',
      'He wrote the date at the top of the page.',
    ],
    frames: [
      'I kept thinking about the {m}.',
      'In the end it was all about the {m}.',
      'Everyone was talking about the {m}.',
      'Later that day she mentioned {m} again.',
      'It all came back to {m}.',
    ],
    mention: ['apple', 'Apple'],
    joiner: ' ',
  },
  zh: {
    fruit: [
      '她把水果洗干净,切成小块放进了沙拉。',
      '我们一上午都在果园里摘果子。',
      '他慢慢削皮,果肉又脆又甜。',
      '奶奶用肉桂和红糖烤了一个派当甜点。',
      '市场的摊位上卖梨、桃子和鲜榨果汁。',
      '我给孩子带了一个又脆又甜的水果当午饭。',
      '院子里的果树今年秋天结满了果实。',
      '医生让我每天多吃水果和蔬菜。',
      '平安夜快到了,大家都在准备送平安果。',
      '她在厨房的桌上摆了一盘新鲜水果。',
    ],
    company: [
      '我的手机又死机了,系统更新也装不上。',
      '这家公司公布了创纪录的季度营收和新芯片。',
      '他打开笔记本电脑,下载了最新版本的软件。',
      '发布会上推出了新手表、新耳机和更快的平板。',
      '她在商场里买了最新款的智能手机和充电器。',
      '投资者在新品发布前一直盯着股价。',
      '我的电脑需要新的操作系统和更大的存储。',
      '屏幕摔碎了,只好把手机送去维修。',
      '这家科技巨头的股价在财报发布后上涨。',
      '开发者大会上讲了隐私保护和应用商店。',
    ],
    filler: [
      '今天天气不错,街上很安静。',
      '我们沿着河边走了很远的路回家。',
      '火车又晚点了二十分钟。',
      '那天下午开会的时候没人说话。',
      '这个星期几乎每天都在下雨。',
      '邻居把他家的篱笆刷成了蓝色。',
      '图书馆星期天关门很早。',
      '我们聊了聊足球比赛和堵车。',
      '孩子们在公园里一直玩到天黑。',
      '她给表姐写了一封很长的信。',
      '公交车站搬到了马路对面。',
      '他们晚上看了一部老电影。',
      '邮局门口排着一小队人。',
      '他把伞忘在了电车上。',
      '暴风雨过后,花园的小路需要打扫。',
      '我们在车站附近订了两晚的房间。',
      '收音机把同一首歌放了三遍。',
      '她的弟弟在学拉小提琴。',
      '博物馆里全是学生团体。',
      '我终于读完了那本厚厚的小说。',
      '天黑了。',
      '没人打电话来。',
      '天空灰蒙蒙的。',
      '我们等着。',
      '门开着。',
      '早上的地铁特别挤。',
      '楼下新开了一家理发店。',
      '他每天晚上都去跑步。',
      '我们约好周六在车站见面。',
      '会议推迟到了下个星期。',
      '她把窗户打开透透气。',
      '老师让大家把作业交上来。',
      '路口的红绿灯坏了一整天。',
      '他在阳台上晒了一床被子。',
      '这条街晚上很热闹。',
      '我们坐了很久的长途汽车。',
      '外面刮起了大风。',
      '她把旧报纸整理好放进柜子。',
      '小狗在门口睡着了。',
      '他们在讨论明年的旅行计划。',
      '我把钥匙落在了办公室。',
      '楼上的邻居在装修房子。',
      '那天的电影票早就卖完了。',
      '河边有几个人在钓鱼。',
      '他给自己泡了一杯茶。',
      '我们在雨里等了好一会儿。',
      '她换了一条新的围巾。',
      '图书馆的灯一直亮到很晚。',
      '桥上的风很冷。',
      '他慢慢地把信读完了。',
      '火车穿过了一片大草原。',
      '周末的广场上有人在跳舞。',
      '她在本子上写了几行字。',
      '我们决定走小路回去。',
      '钟楼敲了十下。',
    ],
    frames: [
      '我一直在想那个{m}。',
      '后来大家又说起了{m}。',
      '说来说去还是{m}。',
      '她最后还是选了{m}。',
    ],
    mention: ['苹果'],
    joiner: '',
  },
};

const cpLength = (s) => Array.from(s).length;

/**
 * Neutral filler of whole sentences, about `length` code points long: random sentences that fit
 * (each used once), then, if that comes closer, one more that overshoots. Returns the text (its length is the
 * probe's actual distance).
 */
export function filler(lang, length, r) {
  const t = PROBE_TEXT[lang];
  const sep = cpLength(t.joiner);
  const parts = [];
  let len = 0;
  for (;;) {
    const room = length - len - (parts.length ? sep : 0);
    if (room <= 0) break;
    const unused = t.filler.filter((f) => !parts.includes(f));
    const fits = unused.filter((f) => cpLength(f) <= room);
    if (fits.length) {
      const f = pick(r, fits);
      len += cpLength(f) + (parts.length ? sep : 0);
      parts.push(f);
      continue;
    }
    const shortest = unused.reduce((a, b) => (cpLength(b) < cpLength(a) ? b : a), unused[0]);
    if (shortest && cpLength(shortest) - room < room) parts.push(shortest);
    break;
  }
  return parts.join(t.joiner);
}

/**
 * One probe: cue sentence, about `distance` code points of neutral text, then a frame ending in a
 * mention. Returns {text, label, distance (as asked), gap (the filler's actual length), lang,
 * start, end} (positions of the mention, code points).
 */
export function makeProbe(lang, label, distance, r) {
  const t = PROBE_TEXT[lang];
  const cue = pick(r, t[label]);
  const frame = pick(r, t.frames);
  const word = pick(r, t.mention);
  const fill = distance > 0 ? filler(lang, distance, r) : '';
  const head = cue + t.joiner + (fill ? fill + t.joiner : '');
  const before = head + frame.slice(0, frame.indexOf('{m}'));
  const text = before + word + frame.slice(frame.indexOf('{m}') + 3);
  const start = Array.from(before).length;
  return { text, label, distance, gap: cpLength(fill), lang, start, end: start + cpLength(word) - 1 };
}

/** Distances of the memory experiment (code points of neutral text between the cue sentence and
 * the frame; the actual gap is the nearest length whole sentences give). */
export const DISTANCES = [0, 25, 50, 100, 200, 400];

/**
 * The memory experiment's probes: for each distance and language, `perDistance` probes, half of
 * them fruit and half company, the same for a given seed.
 */
export function makeProbes({ langs = ['en', 'zh'], distances = DISTANCES, perDistance = 20, seed = 1 } = {}) {
  const r = rng(seed);
  const probes = [];
  for (const distance of distances) {
    for (const lang of langs) {
      for (let i = 0; i < perDistance; i++) probes.push(makeProbe(lang, i % 2 ? 'company' : 'fruit', distance, r));
    }
  }
  return probes;
}
