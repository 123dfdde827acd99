"""The Flesch reading ease used to measure the child notice: textstat 0.7.3, offline, with a line
break ending a sentence."""

from __future__ import annotations

import pytest

from web.documents.readability import flesch_reading_ease, syllables, words


def test_syllables() -> None:
    # pyphen counts hyphenation points, so it never counts more syllables than a word has and
    # often fewer ("table" 1, "organisation" 4): that is textstat 0.7.3's count, kept as is
    assert [syllables(w) for w in ("cat", "school", "make", "likes", "jumped")] == [1] * 5
    true = {"family": 3, "university": 5, "organisation": 5, "government": 3}
    for word, n in true.items():
        assert 2 <= syllables(word) <= n, word


def test_formula() -> None:
    # 2 sentences, 11 words, 11 syllables
    score = flesch_reading_ease("The cat sat on the mat. It was a big day.")
    assert score == pytest.approx(206.835 - 1.015 * 11 / 2 - 84.6 * 11 / 11, abs=0.01)
    # a line on its own is a sentence, as if it ended with a full stop
    assert flesch_reading_ease("The cat sat on the mat\nIt was a big day") == pytest.approx(score)
    assert flesch_reading_ease("") == 0.0
    assert words("The cat sat on the mat.") == 6


def test_harder_text_scores_lower() -> None:
    easy = "We keep data about you. Some of it goes to other people."
    hard = (
        "Personal information concerning identifiable individuals is systematically "
        "transferred to governmental organisations for administrative purposes."
    )
    assert flesch_reading_ease(easy) > 80 > flesch_reading_ease(hard)
