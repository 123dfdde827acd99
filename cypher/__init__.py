"""Every Cypher query of edflows, one file per query, loaded by name by `graph.queries`."""
