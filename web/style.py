"""How the graphs look: node colours by kind (recipients by type), edge styles by evidence
class, colours for school-map categories and NPD tiers, and the legend built from them.

Colours come from the Okabe-Ito palette (distinguishable with the common colour-vision
deficiencies); labels are drawn in near-black on white, so text contrast does not depend on
them.
"""

from __future__ import annotations

from typing import Any

KIND_COLOURS: dict[str, str] = {
    "School": "#0072B2",
    "LocalAuthority": "#56B4E9",
    "Trust": "#56B4E9",
    "NationalBody": "#D55E00",
    "Dataset": "#E69F00",
    "Product": "#009E73",
    "Supplier": "#7FBF9F",
}
KIND_LABELS: dict[str, str] = {
    "School": "school",
    "LocalAuthority": "local authority",
    "Trust": "academy trust",
    "NationalBody": "national body",
    "Dataset": "national dataset",
    "Product": "product / system",
    "Supplier": "supplier",
}
RECIPIENT_COLOURS: dict[str, str] = {
    "commercial": "#CC79A7",
    "media": "#882255",
    "academic": "#332288",
    "government": "#B8860B",
    "police": "#000000",
    "charity": "#44AA99",
    "health": "#117733",
    "local_authority": "#56B4E9",
    "school": "#0072B2",
    "supplier": "#7FBF9F",
    "other": "#888888",
}
GROUP_COLOUR = "#F0E442"
OTHER_COLOUR = "#888888"

EDGE_STYLES: dict[str, dict[str, Any]] = {
    "stated": {"dashes": False, "color": "#333333"},
    "disputed": {"dashes": [12, 4, 2, 4], "color": "#B8460B"},
    "implied": {"dashes": [10, 6], "color": "#555555"},
    "unknown": {"dashes": [2, 5], "color": "#777777"},
}
EVIDENCE_TEXT: dict[str, str] = {
    "stated": "stated: every flow on the way lists the item (solid line)",
    "disputed": "disputed: some official papers say a flow on the way carries it, others say "
    "not (orange dash-dot line)",
    "implied": "implied: some flow only states an NPD tier covering it (dashed line)",
    "unknown": "unknown: some flow states neither items nor tier (dotted line)",
}
SENSITIVE_WIDTH = 4
NORMAL_WIDTH = 2

CATEGORY_COLOURS: dict[str, str] = {
    "mis": "#0072B2",
    "classroom_tools": "#009E73",
    "online_cloud_providers": "#56B4E9",
    "paper_records": "#999999",
    "school_estate_technology": "#E69F00",
    "third_parties": "#CC79A7",
    "safeguarding": "#D55E00",
}
TIER_COLOURS: dict[str, str] = {
    "tier 1": "#B2182B",
    "tier 2": "#EF8A62",
    "tier 3": "#67A9CF",
    "tier 4": "#2166AC",
    "tier not stated": "#AAAAAA",
}


def node_colour(kind: str, org_type: str | None) -> str:
    """Organisations are coloured by what they are; everything else by its kind."""
    if kind in KIND_COLOURS:
        return KIND_COLOURS[kind]
    return RECIPIENT_COLOURS.get(org_type or "other", OTHER_COLOUR)


def node_key(kind: str, org_type: str | None) -> str:
    """The legend entry a node falls under."""
    if kind in KIND_LABELS:
        return KIND_LABELS[kind]
    return f"recipient: {(org_type or 'other').replace('_', ' ')}"


def category_colour(category: str | None) -> str:
    return CATEGORY_COLOURS.get(category or "", OTHER_COLOUR)


def legend(keys: set[str]) -> list[dict[str, str]]:
    """Legend rows (label, colour) for the node keys present, in a stable order."""
    rows = [
        {"label": label, "colour": KIND_COLOURS[kind]}
        for kind, label in KIND_LABELS.items()
        if label in keys
    ]
    rows += [
        {"label": f"recipient: {t.replace('_', ' ')}", "colour": c}
        for t, c in RECIPIENT_COLOURS.items()
        if f"recipient: {t.replace('_', ' ')}" in keys
    ]
    if any(k.startswith("group") for k in keys):
        rows.append({"label": "group (click to expand)", "colour": GROUP_COLOUR})
    return rows


FONT_SIZE = 16  # px at zoom 1
MIN_LABEL_PX = 11  # on screen: smaller labels are not drawn (hover or the side list names them)
LABEL_LINE = 24  # characters on one line of a label


def wrap_label(name: str, width: int = LABEL_LINE, lines: int = 2) -> str:
    """A node's label on at most `lines` lines of about `width` characters, cut with "...",
    so labels stay narrower than the gap between columns."""
    words, out, line = name.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    out.append(line)
    out = [w if len(w) <= width else w[: width - 3] + "..." for w in out]
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 3].rstrip() + "..."
    return "\n".join(out)


def vis_options(
    hierarchical: bool = False, physics: bool | None = None, direction: str = "LR"
) -> dict[str, Any]:
    """vis-network options for a drawing whose positions are computed by `web/layout.py`
    (no physics, so the same result always draws the same picture on its first frame).

    Labels smaller than MIN_LABEL_PX on screen are not drawn (vis-network's drawThreshold):
    every label drawn is readable; the others show on hover and in the page's list of what
    is drawn. vis-network's own keyboard handling zooms by 2% a frame and speeds up while a
    key is held: graph.js handles the keys itself (20% a press). `hierarchical`, `physics`
    and `direction` are kept for callers that still pass them; the layout is always ours."""
    del hierarchical, physics, direction
    return {
        "nodes": {
            "shape": "dot",
            "size": 14,
            "font": {
                "size": FONT_SIZE,
                "color": "#1a1a1a",
                "background": "rgba(255,255,255,0.85)",
            },
            # vis-network hides a label below (drawThreshold - 1) px on screen
            "scaling": {"label": {"enabled": False, "drawThreshold": MIN_LABEL_PX + 1}},
        },
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.6}}, "smooth": False},
        "interaction": {
            "hover": True,
            "keyboard": {"enabled": False},
            "navigationButtons": False,
            "zoomSpeed": 0.4,
        },
        "physics": {"enabled": False},
        "layout": {"randomSeed": 1},
    }
