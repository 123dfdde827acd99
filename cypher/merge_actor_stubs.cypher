// Actors that a load only refers to (a school's local authority, say): created when missing,
// never overwriting what a fuller source wrote. Kind label checked in graph/writer.py.
UNWIND $rows AS row
MERGE (a:Actor {id: row.id})
ON CREATE SET a:$(row.kind), a += row.props, a.source_ids = row.source_ids,
  a.evidence = row.evidence, a.stub = true
