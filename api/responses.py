"""A model answered as JSON in one step: pydantic's own serializer, straight to bytes.

FastAPI, given a model to return, dumps it to dicts, validates those against the response
model again, turns them into JSON-ready values and only then encodes them: four passes over a
national reach of 500 organisations (it made HTTP 1.9x slower than the driver call). The
routes that answer large results return `ModelJSON(result)` instead; their `response_model`
still documents the same schema in OpenAPI, and the JSON is byte for byte what pydantic gives.

`shared_json` answers the journeys: requests asking the same question at the same moment share
ONE computation and ONE encoding (graph/cache.py `CacheSnapshot.shared`), and only a few are
built at a time, so 20 clients asking the Home Office's sources at once cost one answer.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping

from fastapi import Response
from pydantic import BaseModel

from graph.cache import CacheSnapshot


class ModelJSON(Response):
    media_type = "application/json"

    def __init__(
        self, model: BaseModel, status_code: int = 200, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(model.model_dump_json(), status_code, headers)


class SharedJSON(Response):
    media_type = "application/json"


def shared_json(
    cache: CacheSnapshot, kind: str, key: Hashable, build: Callable[[], BaseModel]
) -> Response:
    """The JSON of `build()`, built (and encoded) once for every request asking `key` now."""
    body = cache.shared(kind, key, lambda: build().model_dump_json().encode())
    return SharedJSON(body)
