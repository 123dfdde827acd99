// Every node (or, with $ids, those whose id is listed), with its labels and properties.
MATCH (n)
WHERE $ids IS NULL OR n.id IN $ids
RETURN labels(n) AS labels, properties(n) AS props
ORDER BY n.id
