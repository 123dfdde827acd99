// Which of these data-item ids are not in the catalogue?
UNWIND $ids AS id
OPTIONAL MATCH (i:DataItem {id: id})
WITH id, i WHERE i IS NULL
RETURN collect(id) AS missing
