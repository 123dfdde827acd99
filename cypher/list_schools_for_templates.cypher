// The schools in the graph with what the base map's templates need (for `edflows load base`).
MATCH (s:School)
OPTIONAL MATCH (s)-[:IN_LA]->(la:LocalAuthority)
RETURN s.id AS id, s.urn AS urn, s.group AS group, la.id AS la_id,
       s.opened AS opened, s.closed AS closed
