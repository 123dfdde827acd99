// Restore exported nodes: labels and properties exactly as exported.
UNWIND $rows AS row
CREATE (n:$(row.labels))
SET n = row.props
