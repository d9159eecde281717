from .fuzz import WRatio


def extract(query, choices, processor=None, scorer=WRatio, score_cutoff=None, limit=5):  # noqa: ANN001, ANN201
    scored = []
    for index, choice in enumerate(choices):
        if choice is None:
            continue
        score = scorer(query, choice, processor=processor)
        if score_cutoff is None or score >= score_cutoff:
            scored.append((choice, score, index))
    scored.sort(key=lambda item: -item[1])
    return scored if limit is None else scored[:limit]
