"""Rendering: one Jinja2 environment (autoescaping everything), the page's own static files,
and the vis-network files that ship inside the pyvis package, served by the app (no CDN).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
import pyvis

from web.documents.words import count

WEB_DIR = Path(str(resources.files("web")))
STATIC_DIR = WEB_DIR / "static"
VIS_DIR = Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2"
VIS_FILES = {"vis-network.min.js": "text/javascript", "vis-network.css": "text/css"}
STATIC_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(WEB_DIR / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(template: str, **context: Any) -> str:
    """The named template rendered with `context`; every value is HTML-escaped."""
    return _ENV.get_template(template).render(**context)


def static_file(name: str) -> tuple[Path, str] | None:
    """A file the pages load (ours, or vis-network's from pyvis) and its media type."""
    if name in VIS_FILES:
        return VIS_DIR / name, VIS_FILES[name]
    if not name.isprintable() or "/" in name or "\\" in name:
        return None  # a NUL byte made resolve() raise (a 500); no static name needs these
    path = (STATIC_DIR / name).resolve()
    if path.parent != STATIC_DIR.resolve() or not path.is_file():
        return None
    media = STATIC_TYPES.get(path.suffix)
    return (path, media) if media else None


def query(**params: Any) -> str:
    """A query string from the non-empty parameters (for links that keep the controls)."""
    return urlencode({k: v for k, v in params.items() if v not in (None, "", False)}, doseq=True)


def label(text: str | None) -> str:
    """`local_authority` -> `local authority`."""
    return (text or "").replace("_", " ")


@jinja2.pass_context
def item_name(context: Any, item_id: str) -> str:
    """An item's name from the page's `labels` (graph.names.Labels), else the id itself."""
    labels = context.get("labels")
    return labels.item(item_id) if labels is not None else item_id


@jinja2.pass_context
def actor_name(context: Any, actor_id: str) -> str:
    labels = context.get("labels")
    return labels.actor(actor_id) if labels is not None else actor_id


_ENV.globals["query"] = query
_ENV.filters["label"] = label
_ENV.filters["counted"] = count  # "3|counted("school")": "3 schools"
_ENV.filters["item_name"] = item_name
_ENV.filters["actor_name"] = actor_name
