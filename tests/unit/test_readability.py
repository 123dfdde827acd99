"""The Flesch reading ease used to measure the child notice: the formula and the syllables."""

from __future__ import annotations

import pytest

from web.documents.readability import flesch_reading_ease, syllables


def test_syllables() -> None:
    words = ("cat", "table", "school", "make", "likes", "jumped", "wanted", "organisation")
    assert [syllables(w) for w in words] == [1, 2, 1, 1, 1, 1, 2, 5]


def test_formula() -> None:
    # 2 sentences, 11 words, 11 syllables
    score = flesch_reading_ease("The cat sat on the mat. It was a big day.")
    assert score == pytest.approx(206.835 - 1.015 * 11 / 2 - 84.6 * 11 / 11)
    # a list item on its own line is a sentence
    assert flesch_reading_ease("Who gets it\n- the school") == pytest.approx(
        206.835 - 1.015 * 5 / 2 - 84.6 * 5 / 5
    )
    assert flesch_reading_ease("") == 0.0
