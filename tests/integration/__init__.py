"""Integration tests: a real Neo4j, started once per session (see tests/conftest.py)."""
