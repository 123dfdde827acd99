"""The Java launcher and Maven pom that run a real local Neo4j without Docker."""
