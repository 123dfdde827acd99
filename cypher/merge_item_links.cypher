// Links between data items (PART_OF, CONTAINS, DERIVED_FROM); type checked in graph/writer.py.
UNWIND $rows AS row
MATCH (a:DataItem {id: row.from})
MATCH (b:DataItem {id: row.to})
MERGE (a)-[:$(row.type)]->(b)
