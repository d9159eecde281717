"""Stand-in for rouge-score: ROUGE-L F-measure over lower-cased word tokens (no stemming)."""
import re
from collections import namedtuple

Score = namedtuple("Score", ["precision", "recall", "fmeasure"])


def _tokens(text):  # noqa: ANN001, ANN202
    return re.findall(r"[a-z0-9]+", str(text).lower())


def _lcs(a, b):  # noqa: ANN001, ANN202
    table = [0] * (len(b) + 1)
    for x in a:
        previous = 0
        for j, y in enumerate(b, 1):
            current = table[j]
            table[j] = previous + 1 if x == y else max(table[j], table[j - 1])
            previous = current
    return table[-1]


class RougeScorer:
    def __init__(self, rouge_types, use_stemmer=False):  # noqa: ANN001
        self.rouge_types = rouge_types

    def score(self, target, prediction):  # noqa: ANN001, ANN201
        t, p = _tokens(target), _tokens(prediction)
        if not t or not p:
            return {"rougeL": Score(0.0, 0.0, 0.0)}
        lcs = _lcs(t, p)
        precision, recall = lcs / len(p), lcs / len(t)
        f = 0.0 if lcs == 0 else 2 * precision * recall / (precision + recall)
        return {"rougeL": Score(precision, recall, f)}
