"""The demonstration school the tests use: the one the bundled demo map is attached to."""

from __future__ import annotations

DEMO = "100000"  # its URN
DEMO_ID = f"school:{DEMO}"  # its actor id
