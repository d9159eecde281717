import re


def default_process(text):  # noqa: ANN001, ANN201
    return re.sub(r"[^a-z0-9 ]+", " ", str(text).lower()).strip()
