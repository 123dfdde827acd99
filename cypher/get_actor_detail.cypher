// An actor with all its fields, its flows in and out (of $layers only: the shared layers, and
// a school's own layer on that school's record), and its memberships. A flow's terms are read
// from its terms node, or from the flow itself when it has none (graph/terms.py).
MATCH (a:Actor {id: $id})
CALL (a) {
  OPTIONAL MATCH (a)-[f:FLOW]->(b:Actor) WHERE coalesce(f.layer, 'national') IN $layers
  OPTIONAL MATCH (t:Terms {id: f.terms})
  RETURN collect(f{.id, .kind, .tier, .valid_from, .valid_to, .outcome, .source_ids, .conflicts,
                   items: coalesce(t.items, f.items), purposes: coalesce(t.purposes, f.purposes),
                   purpose_text: coalesce(t.purpose_text, f.purpose_text),
                   lawful_basis: coalesce(t.lawful_basis, f.lawful_basis),
                   retention: coalesce(t.retention, f.retention), to_id: b.id, to_name: b.name})[0..$limit] AS flows_out,
         count(f) AS out_count
}
CALL (a) {
  OPTIONAL MATCH (b:Actor)-[f:FLOW]->(a) WHERE coalesce(f.layer, 'national') IN $layers
  OPTIONAL MATCH (t:Terms {id: f.terms})
  RETURN collect(f{.id, .kind, .tier, .valid_from, .valid_to, .outcome, .source_ids, .conflicts,
                   items: coalesce(t.items, f.items), purposes: coalesce(t.purposes, f.purposes),
                   purpose_text: coalesce(t.purpose_text, f.purpose_text),
                   lawful_basis: coalesce(t.lawful_basis, f.lawful_basis),
                   retention: coalesce(t.retention, f.retention), from_id: b.id, from_name: b.name})[0..$limit] AS flows_in,
         count(f) AS in_count
}
CALL (a) {
  OPTIONAL MATCH (a)-[r:IN_LA|IN_TRUST|MADE_BY|SUBSIDIARY_OF]->(b:Actor)
  RETURN collect({type: type(r), id: b.id, name: b.name}) AS memberships
}
RETURN properties(a) AS actor, labels(a) AS labels, flows_out, out_count, flows_in, in_count,
       memberships
