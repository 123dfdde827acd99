"""Which layers an answer follows (graph/journeys.py `layers_for`): a school's own layer only
from that school, or when the caller names it; a named layer must be a real layer's name."""

import pytest

from graph.errors import EdflowsError
from graph.identifiers import SHARED_LAYERS
from graph.journeys import check_layer, layers_for


def test_a_national_origin_follows_only_the_shared_layers() -> None:
    assert layers_for("body:dfe") == list(SHARED_LAYERS) == ["national", "catalogue"]
    assert layers_for("product:sims") == ["national", "catalogue"]


def test_a_school_follows_its_own_layer_and_no_other() -> None:
    assert layers_for("school:100000") == ["national", "catalogue", "school:100000"]
    assert "school:100001" not in layers_for("school:100000")


def test_a_named_layer_is_added_once_and_checked() -> None:
    assert layers_for("body:dfe", "school:100000") == ["national", "catalogue", "school:100000"]
    assert layers_for("school:100000", "school:100000") == layers_for("school:100000")
    assert check_layer("national") == "national"
    for bad in ["all", "school:", "school:1 OR 1=1", "*", "school:100000;x"]:
        with pytest.raises(EdflowsError, match="unknown layer"):
            layers_for("body:dfe", bad)
