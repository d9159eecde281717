from difflib import SequenceMatcher


def WRatio(a, b, processor=None, score_cutoff=None):  # noqa: ANN001, ANN201, N802
    if processor is not None:
        a, b = processor(a), processor(b)
    if not a or not b:
        return 0.0
    short, long = sorted((a, b), key=len)
    if short in long:
        return 100.0 if len(short) == len(long) else 90.0
    return 100.0 * SequenceMatcher(None, a, b).ratio()


def partial_ratio(a, b, processor=None, score_cutoff=None):  # noqa: ANN001, ANN201
    if processor is not None:
        a, b = processor(a), processor(b)
    if not a or not b:
        return 0.0
    short, long = sorted((a, b), key=len)
    best = max(SequenceMatcher(None, short, long[i : i + len(short)]).ratio() for i in range(len(long) - len(short) + 1))
    return 100.0 * best
