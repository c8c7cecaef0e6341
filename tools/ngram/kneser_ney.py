#!/usr/bin/python3
# Character n-gram baseline: interpolated modified Kneser-Ney (Chen & Goodman 1998, eq. 17-19),
# order 5 by default. Standard library only.
#   /usr/bin/python3 tools/ngram/kneser_ney.py --train build/data/en.train.txt --test build/data/en.test.txt
#   /usr/bin/python3 tools/ngram/kneser_ney.py --self-check
#
# The model, for order k = 1..n and history h (the k-1 previous characters):
#   P_k(w | h) = max(c_k(hw) - D_k(c_k(hw)), 0) / c_k(h.) + gamma_k(h) * P_{k-1}(w | h minus its first char)
#   gamma_k(h) = (D_k1 N1(h.) + D_k2 N2(h.) + D_k3+ N3+(h.)) / c_k(h.)
# where c_n is the raw count, c_k (k < n) the continuation count N1+(. hw) (the number of distinct
# characters seen before hw), c_k(h.) = sum_w c_k(hw), and N_r(h.) the number of w with c_k(hw) = r
# (3 meaning >= 3). A history never seen at order k passes all its mass down (P_k = P_{k-1}).
# Discounts per order from count-of-counts n_r of c_k: Y = n1/(n1+2 n2), D1 = 1-2Y n2/n1,
# D2 = 2-3Y n3/n2, D3+ = 3-4Y n4/n3.
# P_0 is uniform over the vocabulary, which is the training characters plus one <unk> symbol that
# stands for every character not seen in training. <unk> gets its probability only from P_0, an
# explicit mass of (prod of the gammas) / V, so a test text with new characters has a finite score;
# the report counts how many test characters were <unk>.
# Scoring matches `recur eval`: every character after the first is predicted from up to n-1
# preceding characters of the test text itself, and the result is the mean -log2 P.
import argparse
import json
import math
import random
import sys
import time
from collections import Counter, defaultdict

UNK = "<unk>"


class KneserNey:
    def __init__(self, text, order=5):
        if order < 1:
            raise ValueError("order must be >= 1")
        self.order = order
        self.vocab = sorted(set(text)) + [UNK]
        self.known = set(text)
        # counts[k]: k-gram -> c_k (raw at the top order, continuation counts below)
        counts = [None] * (order + 1)
        counts[order] = Counter(text[i:i + order] for i in range(len(text) - order + 1))
        for k in range(order - 1, 0, -1):
            c = Counter()
            for g in counts[k + 1]:
                c[g[1:]] += 1
            counts[k] = c
        self.counts = counts
        self.discounts = [None] * (order + 1)
        self.context = [None] * (order + 1)  # history -> (c_k(h.), N1, N2, N3+)
        for k in range(1, order + 1):
            nr = Counter(v for v in counts[k].values() if v <= 4)  # n_1 .. n_4, exact counts
            n1, n2, n3, n4 = (nr[1], nr[2], nr[3], nr[4])
            if n1 and n2 and n3 and n4:
                y = n1 / (n1 + 2 * n2)
                d = (1 - 2 * y * n2 / n1, 2 - 3 * y * n3 / n2, 3 - 4 * y * n4 / n3)
            else:  # tiny texts: fall back to the usual single discount
                d = (0.5, 0.5, 0.5)
            d = tuple(min(max(x, 0.0), r) for x, r in zip(d, (1, 2, 3)))
            self.discounts[k] = d
            ctx = defaultdict(lambda: [0, 0, 0, 0])
            for g, v in counts[k].items():
                s = ctx[g[:-1]]
                s[0] += v
                s[min(v, 3)] += 1
            self.context[k] = dict(ctx)

    def prob(self, history, w):
        """P(w | history); w is a character or UNK (any character not seen in training counts as UNK)."""
        if w != UNK and w not in self.known:
            w = UNK
        p = 1.0 / len(self.vocab)
        history = history[-(self.order - 1):] if self.order > 1 else ""
        for k in range(1, self.order + 1):
            if k - 1 > len(history):
                break
            h = history[len(history) - (k - 1):] if k > 1 else ""
            s = self.context[k].get(h)
            if s is None:
                continue  # unseen history: P_k = P_{k-1}
            total, n1, n2, n3 = s
            d1, d2, d3 = self.discounts[k]
            c = self.counts[k].get(h + w, 0) if w != UNK else 0
            dc = 0.0 if c == 0 else d1 if c == 1 else d2 if c == 2 else d3
            gamma = (d1 * n1 + d2 * n2 + d3 * n3) / total
            p = (c - dc) / total + gamma * p
        return p

    def score(self, text):
        """(mean bits per predicted character, predicted characters, <unk> characters among them)."""
        bits, unk = 0.0, 0
        for i in range(1, len(text)):
            if text[i] not in self.known:
                unk += 1
            bits -= math.log2(self.prob(text[max(0, i - self.order + 1):i], text[i]))
        n = len(text) - 1
        return (bits / n if n > 0 else float("nan")), n, unk


def self_check():
    """Checks that can fail: normalisation, two texts whose entropy is known, and <unk> mass."""
    failures = []

    def expect(cond, what):
        print(("ok    " if cond else "FAIL  ") + what)
        if not cond:
            failures.append(what)

    rng = random.Random(5)
    train = "".join(rng.choice("abcd") for _ in range(200000))
    m = KneserNey(train, 5)
    for h in ["", "a", "ab", "abcd", "dddd", "zzzz", "abz", "xyzq"]:
        total = sum(m.prob(h, w) for w in m.vocab)
        expect(abs(total - 1.0) < 1e-9, f"sum over V of P(w | {h!r}) = {total:.12f}")
    # A sparse text (an order-2 Markov chain over 30 letters with skewed rows) has every
    # count-of-count n_1..n_4 at every order, so the discounts come from the formula, not the fallback.
    letters = "abcdefghijklmnopqrstuvwxyz .,;"
    rows = {(x, y): [rng.random() ** 3 for _ in letters] for x in letters for y in letters}
    sparse = ["a", "b"]
    for _ in range(100000):
        sparse.append(rng.choices(letters, rows[(sparse[-2], sparse[-1])])[0])
    ms = KneserNey("".join(sparse), 5)
    for k in range(1, 6):
        expect(all(0 < d <= r for d, r in zip(ms.discounts[k], (1, 2, 3))),
               f"sparse text, order-{k} discounts D1, D2, D3+ = {', '.join(f'{d:.3f}' for d in ms.discounts[k])} lie in (0, r]")
    # i.i.d. uniform over 4 letters: the true entropy is 2 bits/char; KN may only lose a little.
    test = "".join(rng.choice("abcd") for _ in range(20000))
    bits, n, unk = m.score(test)
    expect(2.0 <= bits < 2.02, f"iid uniform 4-letter text: {bits:.4f} bits/char (entropy 2)")
    # Deterministic period-7 text: entropy 0, the order-5 model must be nearly certain.
    period = "recur!\n"
    m2 = KneserNey(period * 5000, 5)
    bits, _, _ = m2.score(period * 300)
    expect(bits < 0.01, f"period-7 text: {bits:.5f} bits/char (entropy 0)")
    # Unseen characters map to <unk>: finite, positive, the same for every unseen character.
    pu = m.prob("abca", "Z")
    expect(0 < pu < 1e-3 and pu == m.prob("abca", UNK) == m.prob("abca", "\u4e00"),
           f"P(<unk> | 'abca') = {pu:.3e}, shared by all unseen characters")
    bits, n, unk = m.score("abZcd")
    expect(math.isfinite(bits) and unk == 1, f"text with an unseen character scores {bits:.3f} bits/char, 1 unk")
    # A wrong model must be caught: order 1 cannot predict the periodic text.
    bits, _, _ = KneserNey(period * 5000, 1).score(period * 300)
    expect(bits > 2.5, f"order-1 model on period-7 text: {bits:.3f} bits/char (its unigram entropy is 2.52)")
    print("self-check " + ("passed" if not failures else f"FAILED ({len(failures)})"))
    return 0 if not failures else 1


def main():
    ap = argparse.ArgumentParser(description="character n-gram baseline, interpolated modified Kneser-Ney")
    ap.add_argument("--train")
    ap.add_argument("--test", action="append", help="file to score (repeatable)")
    ap.add_argument("--order", type=int, default=5)
    ap.add_argument("--json", action="store_true", help="print one JSON object per test file")
    ap.add_argument("--self-check", action="store_true")
    a = ap.parse_args()
    if a.self_check:
        return self_check()
    if not a.train or not a.test:
        ap.error("give --train and --test (or --self-check)")
    with open(a.train, encoding="utf-8") as f:
        train = f.read()
    t0 = time.time()
    m = KneserNey(train, a.order)
    t_train = time.time() - t0
    for path in a.test:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        bits, n, unk = m.score(text)
        row = {"train": a.train, "test": path, "order": a.order, "method": "interpolated modified Kneser-Ney",
               "bits_per_char": round(bits, 4), "symbols": n, "unk": unk, "vocab": len(m.vocab),
               "train_seconds": round(t_train, 1)}
        if a.json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            print(f"{path}: {bits:.4f} bits/char over {n} characters ({unk} <unk>), order {a.order} "
                  f"modified KN, vocabulary {len(m.vocab)} incl. <unk>")
    return 0


if __name__ == "__main__":
    sys.exit(main())
