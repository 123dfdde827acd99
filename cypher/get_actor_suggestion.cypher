// One actor by id, with what a suggestion shows (a school's URN and town).
MATCH (a:Actor {id: $id})
RETURN a.id AS id, a.name AS name, a.kind AS kind, a.org_type AS org_type, a.urn AS urn,
       a.town AS town
