"""A school's map uploaded through the API or the workspace: checked, planned, written.

The one path for both (`PUT /schools/{urn}/map` and the workspace's save): the token is
checked first (graph.editing.check_map_change), the school-map loader plans the upload with
its own rules (asking the graph only about the ids the map names), and graph.editing writes
the plan in one transaction with its audit entry. Planning lives here, not in graph/, so that
graph/ never imports the loaders.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from graph.db import Database
from graph.editing import check_map_change, replace_school_map
from graph.known_actors import GraphActors
from graph.loadplan import LoadReport
from graph.tokens import TokenInfo
from loaders.school_map import plan_school_map


def upload_school_map(
    db: Database, token: TokenInfo, urn: str, content: bytes, fmt: Literal["yaml", "json"]
) -> tuple[LoadReport, str]:
    """Replace a school's map with an uploaded YAML or JSON map: (the report, the audit id)."""
    check_map_change(db, token, urn)
    path = Path(f"upload-{urn}.{fmt}")
    plan, report, _ = plan_school_map(path, urn, GraphActors(db), content)
    return replace_school_map(db, token, urn, plan, report)
