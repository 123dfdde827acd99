// Restore exported relationships between nodes found by their key label and id. START_LABEL and
// END_LABEL are replaced from a fixed list (graph.export.KEY_LABELS) before this runs; the
// relationship type travels as a parameter.
UNWIND $rows AS row
MATCH (a:START_LABEL {id: row.start})
MATCH (b:END_LABEL {id: row.end})
CREATE (a)-[r:$(row.type)]->(b)
SET r = row.props
