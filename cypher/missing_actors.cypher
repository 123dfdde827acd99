// Which of these actor ids are not in the graph?
UNWIND $ids AS id
OPTIONAL MATCH (a:Actor {id: id})
WITH id, a WHERE a IS NULL
RETURN collect(id) AS missing
