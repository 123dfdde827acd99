// The whole data-item catalogue with its links, for the in-memory item index (graph/items.py).
MATCH (i:DataItem)
OPTIONAL MATCH (i)-[:CONTAINS]->(c:DataItem)
WITH i, collect(c.id) AS contains
OPTIONAL MATCH (i)-[:DERIVED_FROM]->(d:DataItem)
RETURN i.id AS id, i.name AS name, i.parent AS parent, i.gdpr AS gdpr, i.npd_tier AS npd_tier,
       i.description AS description, contains, collect(d.id) AS derived_from
