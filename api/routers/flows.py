"""`GET /flows/{flow_id}`: one flow's own record (claims, timeline, conflicts, audit history)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.concurrency import run_in_threadpool

from api.deps import DbDep
from api.problems import Problem
from graph.flow_record import FlowView, flow_view

router = APIRouter(tags=["flows"])

EXAMPLE = {
    "id": "flow:npd-to-police",
    "from_id": "dataset:npd",
    "to_id": "org:police-forces",
    "kind": "data_share",
    "layer": "national",
    "facts": {"items": ["pupil.contact.address", "pupil.school_history"], "in_effect": True},
    "conflicts": [],
    "disputed_items": [],
    "denied_items": ["pupil.characteristics.country_of_birth", "pupil.characteristics.nationality"],
    "claims": [
        {
            "id": "pq48634-police",
            "source": {"id": "parliament-pq-48634", "title": "Written question 48634"},
            "locator": "answer",
            "quote": "Between April 2012 and October 2016, the Police have made 31 access "
            "requests of the NPD data and the School Census.",
            "asserts": {"date": "2016-10-27"},
            "superseded_by": "hcws272-police",
        }
    ],
    "figures": [
        {
            "what": "CORRECTED police access requests / data shared / pupils (HCWS272): pupils",
            "value": "62",
            "number": 62,
            "period": "2012-04 to 2016-10",
            "source": "parliament-hcws272",
            "claim": "hcws272-police",
            "superseded_by": None,
        }
    ],
    "timeline": [],
    "register_rows": [],
    "audit": [],
}


@router.get(
    "/flows/{flow_id}",
    response_model=FlowView,
    responses={
        200: {"content": {"application/json": {"example": EXAMPLE}}},
        404: {"model": Problem},
    },
    summary="One flow's record: every claim, its figures, timeline, conflicts and history",
)
async def get_flow(
    db: DbDep,
    flow_id: Annotated[str, Path(max_length=200, examples=["flow:npd-to-police"])],
) -> FlowView:
    """Every claim about the flow (quote, locator, source, what it asserts and denies, what
    corrected it, its figures), the facts computed from the live claims, the conflicts
    between them, the dated timeline, the register rows it was built from and its audit
    history. Each hop of a journey links here (`record`)."""
    return await run_in_threadpool(flow_view, db, flow_id)
