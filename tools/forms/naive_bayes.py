"""Multinomial Naive Bayes over character n-grams: the baseline the verse-form classifiers must beat.
Standard library only.

Features of a text: every character n-gram for n = 1..ORDER, with "^" and "$" marking the ends,
counted. Class priors are uniform (the training passages are balanced by construction, and the
evaluation sets are not meant to be read with their label shares). Add-alpha smoothing over the
training vocabulary of n-grams; alpha is chosen on the validation split.
"""
import math
from collections import Counter, defaultdict

ORDER = 3
ALPHAS = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)


def ngrams(text):
    t = "^" + text + "$"
    for n in range(1, ORDER + 1):
        for i in range(len(t) - n + 1):
            yield t[i:i + n]


class NaiveBayes:
    def __init__(self, rows):
        """rows: [(text, label)]."""
        self.counts = defaultdict(Counter)
        for text, label in rows:
            self.counts[label].update(ngrams(text))
        self.labels = sorted(self.counts)
        self.vocab = len(set().union(*self.counts.values()))
        self.totals = {l: sum(c.values()) for l, c in self.counts.items()}
        self.alpha = 1.0

    def log_probs(self, text):
        """Normalised log p(label | text) for every label, in self.labels order."""
        grams = Counter(ngrams(text))
        scores = []
        for l in self.labels:
            c, denom = self.counts[l], math.log(self.totals[l] + self.alpha * self.vocab)
            scores.append(sum(k * (math.log(c.get(g, 0) + self.alpha) - denom) for g, k in grams.items()))
        top = max(scores)
        z = top + math.log(sum(math.exp(s - top) for s in scores))
        return [s - z for s in scores]

    def predict(self, text):
        lp = self.log_probs(text)
        return self.labels[max(range(len(lp)), key=lp.__getitem__)]

    def tune(self, rows):
        """Sets alpha to the value of ALPHAS with the best accuracy on rows (ties: the smaller);
        returns {alpha: accuracy}."""
        acc = {}
        for a in ALPHAS:
            self.alpha = a
            acc[a] = sum(self.predict(t) == l for t, l in rows) / len(rows)
        self.alpha = max(ALPHAS, key=lambda a: (acc[a], -a))
        return acc
