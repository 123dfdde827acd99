// The local authority and trust an actor belongs to, and a product's supplier.
MATCH (a:Actor {id: $id})-[r:IN_LA|IN_TRUST|MADE_BY]->(b:Actor)
RETURN type(r) AS type, b{.id, .name, .kind, .org_type} AS node
