// Near misses for an unknown actor id or name: full-text fuzzy match on names and aliases.
CALL db.index.fulltext.queryNodes('name_search', $query) YIELD node, score
WHERE node:Actor
RETURN node.id AS id, node.name AS name, score
ORDER BY score DESC LIMIT $limit
