"""The demonstration school the tests use: the one the bundled demo map is attached to, the
fictional "Example School" (loaders/curated/example_school.yaml)."""

from __future__ import annotations

from graph.identifiers import EXAMPLE_URN

DEMO = EXAMPLE_URN  # its URN: "example"
DEMO_ID = f"school:{DEMO}"  # its actor id
