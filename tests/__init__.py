"""The test suite: unit tests, integration tests against a real Neo4j, browser tests."""
