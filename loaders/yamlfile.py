"""Reading the project's YAML files with line numbers, so errors can say where they are."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from graph.model import ClaimError
from loaders.common import LoadError

LINE = "__line__"
M = TypeVar("M", bound=BaseModel)


class _LineLoader(yaml.SafeLoader):
    """A safe loader whose mappings remember the line they start on (key `__line__`)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE] = node.start_mark.line + 1
    return mapping  # type: ignore[return-value]


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path | str, text: str | None = None) -> Any:
    """Parse YAML safely, keeping line numbers; a syntax error names its line and column."""
    try:
        source = text if text is not None else Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError(path, f"not valid UTF-8 (byte {exc.start}).") from exc
    try:
        return yaml.load(source, Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else None
        column = f"character {mark.column + 1}" if mark else None
        raise LoadError(
            path, f"YAML syntax error: {exc.problem}.", line=line, column=column
        ) from exc


def strip_lines(value: Any) -> Any:
    """The same data without the `__line__` keys."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k != LINE}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value


def line_of(value: Any) -> int | None:
    return value.get(LINE) if isinstance(value, dict) else None


def build(path: Path | str, model: type[M], raw: Any, what: str) -> M:
    """Validate one YAML mapping as `model`; errors name the file, line and field."""
    if not isinstance(raw, dict):
        raise LoadError(path, f"each {what} must be a mapping (key: value lines).")
    try:
        return model.model_validate(strip_lines(raw))
    except ValidationError as exc:
        err = exc.errors()[0]
        parts = list(err["loc"]) + list(claim_loc(err))
        loc = ".".join(str(p) for p in parts)
        line = line_of(raw)
        node: Any = raw
        for part in parts:
            node = _child(node, part)
            if node is None:
                break
            line = line_of(node) or line
        raise LoadError(
            path,
            f"{what} {raw.get('id', '')!r}: {err['msg']}".replace(" '':", ":").replace(
                "Value error, ", ""
            ),
            line=line,
            column=loc or None,
        ) from exc


def claim_loc(err: Any) -> tuple[str | int, ...]:
    """Where inside a flow a claim or timeline error is (graph.model.ClaimError's `loc`)."""
    cause = (err.get("ctx") or {}).get("error")
    return tuple(cause.loc) if isinstance(cause, ClaimError) else ()


def _child(node: Any, part: int | str) -> Any:
    """node[part] when it exists (a mapping key or a list index), else None."""
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and part < len(node):
        return node[part]
    return None
