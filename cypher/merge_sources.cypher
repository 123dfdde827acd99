// Write sources (evidence documents), merged by id; their fields are as the latest load says.
UNWIND $rows AS row
MERGE (s:Source {id: row.id})
SET s = row.props
