// Names (and types) of actors by id, for labelling the steps of a path.
MATCH (a:Actor) WHERE a.id IN $ids
RETURN a.id AS id, a.name AS name, a.kind AS kind, a.org_type AS org_type
