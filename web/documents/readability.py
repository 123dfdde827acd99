"""Flesch reading ease, computed here so the child notice's readability can be measured.

    score = 206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words)

90-100 is read easily by an 11-year-old; 60-70 by 13-15-year-olds; below 30 by graduates.

Sentences end at `.`, `!` or `?`, and at a line break: a heading or a list item on its own line
is read as one sentence (as readability checkers treat bullet points). Words are runs of letters
and digits (with inner apostrophes or hyphens). Syllables are counted by the usual English
heuristic (see `syllables`); it is right for most everyday words and errs by one on some.
"""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n+")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019-][A-Za-z0-9]+)*")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


def flesch_reading_ease(text: str) -> float:
    """The Flesch reading ease of `text` (higher is easier); 0.0 for text with no words."""
    sentences = [s for s in _SENTENCE_END.split(text) if _WORD.search(s)]
    words = _WORD.findall(text)
    if not words or not sentences:
        return 0.0
    syllable_count = sum(syllables(w) for w in words)
    return 206.835 - 1.015 * (len(words) / len(sentences)) - 84.6 * (syllable_count / len(words))


def syllables(word: str) -> int:
    """Syllables in one word, by the vowel-group heuristic.

    Count the groups of vowels (a, e, i, o, u, y); a silent final "e" ("make"), and the endings
    "-es" and "-ed" that add no syllable ("likes", "jumped", but not "wanted" or "buses"), are
    dropped first; a final consonant + "le" ("table") counts. Digits are read as one syllable
    per digit group; every word has at least one syllable.
    """
    w = word.lower().replace("'", "").replace("\u2019", "")
    if any(c.isdigit() for c in w):
        return max(1, len(re.findall(r"\d+", w)))
    parts = w.split("-")
    if len(parts) > 1:
        return sum(syllables(p) for p in parts if p)
    if len(w) <= 3:
        return 1
    stem = w
    if (stem.endswith("ed") and not stem.endswith(("ted", "ded"))) or (
        stem.endswith("es") and not stem.endswith(("ses", "zes", "ces", "ges", "shes", "ches"))
    ):
        stem = stem[:-2]
    elif stem.endswith("e") and not (
        stem.endswith("le") and len(stem) > 2 and stem[-3] not in "aeiouy"
    ):
        stem = stem[:-1]
    return max(1, len(_VOWEL_GROUPS.findall(stem)))
