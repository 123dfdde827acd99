"""Positions for the drawings, computed on the server: levels (hops) side by side, each level
in columns of at most COLUMN_ROWS nodes, nodes of a level ordered by colour (kind) then name.

Computed positions draw at once, never move, and give the same picture for the same result
(a force layout is different on every load). Rows are spaced so that a node's label (at most
two lines, drawn under the dot) never reaches the node below it, and columns so that labels
(about 24 characters a line) never reach the next column.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

COLUMN_ROWS = 12  # nodes in one column of a level
ROW_HEIGHT = 84  # px: dot (28) + two label lines (2 x 19) + room
COLUMN_WIDTH = 250  # px: a label line of 24 characters at 16 px is about 215 px
LEVEL_GAP = 330  # px between the last column of a level and the first of the next


def place(nodes: list[dict[str, Any]], reverse: bool = False) -> None:
    """Set `x` and `y` of every node from its `level`; right to left when `reverse`."""
    by_level: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for node in nodes:
        by_level[int(node.get("level", 0))].append(node)
    x = 0
    for level in sorted(by_level):
        members = sorted(by_level[level], key=_order)
        rows = min(len(members), COLUMN_ROWS)
        for i, node in enumerate(members):
            column, row = divmod(i, COLUMN_ROWS)
            node["x"] = -(x + column * COLUMN_WIDTH) if reverse else x + column * COLUMN_WIDTH
            node["y"] = round((row - (rows - 1) / 2) * ROW_HEIGHT)
            node.pop("group_order", None)  # ordering only, not a vis-network option
        columns = -(-len(members) // COLUMN_ROWS)
        x += (columns - 1) * COLUMN_WIDTH + LEVEL_GAP


def _order(node: dict[str, Any]) -> tuple[str, str, str]:
    colour = node.get("color")
    key = colour.get("border", "") if isinstance(colour, dict) else str(colour or "")
    return (str(node.get("group_order", "")), key, str(node.get("label", "")).lower())
