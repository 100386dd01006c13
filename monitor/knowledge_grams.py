"""Cut text into the search terms of the knowledge base: bigrams of Chinese, whole words of the rest.

A run of CJK characters gives every pair of neighbours (`建设项目` → 建设, 设项, 项目), or the character
itself when the run is one character long; a run of Latin letters or digits gives the word, lower
case. Punctuation and spaces separate runs and never match. A query is cut the same way and
matches an entry that holds all of its terms, so any phrase of two or more characters is found
wherever it appears, across word boundaries a dictionary segmenter would impose.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["MAX_GRAM", "search_grams"]

MAX_GRAM = 32
"""Longest term kept (the column's width); longer Latin words are cut, which keeps them findable."""

_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def search_grams(text: str) -> set[str]:
    """The distinct search terms of `text` (NFKC-normalized, so full-width letters match half-width)."""
    grams: set[str] = set()
    for run in _RUN.findall(unicodedata.normalize("NFKC", text or "").lower()):
        if not _CJK.match(run):
            grams.add(run[:MAX_GRAM])
        elif len(run) == 1:
            grams.add(run)
        else:
            grams.update(run[i:i + 2] for i in range(len(run) - 1))
    return grams
