// Full-text search over organisation, school, product and item names and aliases.
CALL db.index.fulltext.queryNodes('name_search', $query) YIELD node, score
RETURN node.id AS id, node.name AS name, labels(node) AS labels, node.kind AS kind,
       node.org_type AS org_type, node.urn AS urn, node.postcode AS postcode, node.town AS town, score
ORDER BY score DESC, node.name
LIMIT $limit
