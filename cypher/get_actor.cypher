// One actor by id, with the fields a reference needs.
MATCH (a:Actor {id: $id})
RETURN a{.id, .name, .kind, .org_type} AS actor
