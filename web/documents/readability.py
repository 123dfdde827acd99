"""Flesch reading ease, by textstat (pinned at 0.7.3: it counts syllables with pyphen's bundled
hyphenation dictionaries, offline), so the child notice's readability can be measured.

    score = 206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words)

90-100 is read easily by an 11-year-old; 60-70 by 13-15-year-olds; below 30 by graduates.

A line break ends a sentence: a heading or a list item on its own line is read as one sentence
(as readability checkers treat bullet points), so a full stop is added to every line that does
not end in `.`, `!` or `?` before textstat reads the text. textstat's own rules apply otherwise
(it does not count a "sentence" of two words or fewer as a sentence, but counts its words).
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    # textstat 0.7.3 imports pkg_resources, which warns that it is deprecated
    warnings.simplefilter("ignore", UserWarning)
    import textstat  # type: ignore[import-untyped]

textstat.set_lang("en")


def flesch_reading_ease(text: str) -> float:
    """The Flesch reading ease of `text` (higher is easier); 0.0 for text with no words."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    joined = " ".join(line if line.endswith((".", "!", "?")) else line + "." for line in lines)
    if textstat.lexicon_count(joined) == 0:
        return 0.0
    return float(textstat.flesch_reading_ease(joined))


def words(text: str) -> int:
    """The words in `text`, as textstat counts them."""
    return int(textstat.lexicon_count(text))


def syllables(word: str) -> int:
    """Syllables in one word, as textstat counts them (pyphen's English dictionary)."""
    return max(1, int(textstat.syllable_count(word)))
