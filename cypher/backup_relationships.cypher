// Every relationship with the ids and labels of its ends and its properties (`edflows backup`).
MATCH (a)-[r]->(b)
RETURN type(r) AS type, a.id AS start, labels(a) AS start_labels, b.id AS end,
       labels(b) AS end_labels, properties(r) AS props
ORDER BY start, type, end, r.id
