// The local authority of each school in $ids (for grouping thousands of schools by LA): one
// row per local authority, with its schools among $ids.
UNWIND $ids AS school_id
MATCH (:Actor {id: school_id})-[:IN_LA]->(la:Actor)
WITH la, collect(school_id) AS schools
RETURN la{.id, .name, .kind, .org_type} AS la, schools
