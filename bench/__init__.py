"""Benchmarks of edflows: scripts that measure, never pytest asserts on time."""
