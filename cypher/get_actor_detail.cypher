// An actor with all its fields, its flows in and out (of $layers only: the shared layers, and
// a school's own layer on that school's record), and its memberships.
MATCH (a:Actor {id: $id})
CALL (a) {
  OPTIONAL MATCH (a)-[f:FLOW]->(b:Actor) WHERE coalesce(f.layer, 'national') IN $layers
  RETURN collect(f{.id, .kind, .items, .tier, .valid_from, .valid_to, .outcome, .source_ids,
                   .purpose_text, .purposes, .lawful_basis, .retention, .conflicts, to_id: b.id, to_name: b.name})[0..$limit] AS flows_out,
         count(f) AS out_count
}
CALL (a) {
  OPTIONAL MATCH (b:Actor)-[f:FLOW]->(a) WHERE coalesce(f.layer, 'national') IN $layers
  RETURN collect(f{.id, .kind, .items, .tier, .valid_from, .valid_to, .outcome, .source_ids,
                   .purpose_text, .purposes, .lawful_basis, .retention, .conflicts, from_id: b.id, from_name: b.name})[0..$limit] AS flows_in,
         count(f) AS in_count
}
CALL (a) {
  OPTIONAL MATCH (a)-[r:IN_LA|IN_TRUST|MADE_BY|SUBSIDIARY_OF]->(b:Actor)
  RETURN collect({type: type(r), id: b.id, name: b.name}) AS memberships
}
RETURN properties(a) AS actor, labels(a) AS labels, flows_out, out_count, flows_in, in_count,
       memberships
