// Write each distinct terms of the load's flows once (graph/terms.py): a terms node is keyed by
// a hash of its content, so an existing key already holds exactly these values.
UNWIND $rows AS row
MERGE (t:Terms {id: row.key})
  ON CREATE SET t += row.props
