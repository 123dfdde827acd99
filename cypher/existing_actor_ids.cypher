// Which of these ids are actors in the graph (a loader checks the ids its input names).
UNWIND $ids AS id
MATCH (a:Actor {id: id})
RETURN collect(a.id) AS ids
