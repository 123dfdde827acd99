// Every product of the catalogue with its supplier and the supplier's sub-processors, for the
// school map editor's product picker.
MATCH (p:Product)
OPTIONAL MATCH (p)-[:MADE_BY]->(s:Actor)
OPTIONAL MATCH (s)-[f:FLOW {kind: 'processing'}]->(sub:Actor)
WITH p, s, collect(DISTINCT sub.name) AS subs
RETURN p.id AS id, p.name AS name, p.category AS category, s.id AS supplier_id,
       s.name AS supplier, [n IN subs WHERE n IS NOT NULL] AS sub_processors
ORDER BY toLower(p.name), p.id
