"""Stand-in for rapidfuzz: WRatio approximated with difflib, enough for upstream's fuzzy search and tool lookup."""
from . import fuzz, process, utils  # noqa: F401
