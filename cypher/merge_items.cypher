// Write data items of the catalogue, merged by id.
UNWIND $rows AS row
MERGE (i:DataItem {id: row.id})
SET i = row.props
