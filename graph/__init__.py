"""Everything that knows Neo4j: settings, driver, local server, model, query services."""
