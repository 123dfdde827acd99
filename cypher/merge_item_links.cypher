// Links between data items (PART_OF, CONTAINS, DERIVED_FROM), one type per run; graph/writer.py
// puts the checked type in place of REL_TYPE.
UNWIND $rows AS row
MATCH (a:DataItem {id: row.from})
MATCH (b:DataItem {id: row.to})
MERGE (a)-[:REL_TYPE]->(b)
