// Headline counts for GET /stats. Flows of $layers only (the national layer and the catalogue):
// a school's own layer is counted nowhere but in that school's answers; nor are a school's own
// sources (ids `school-<urn>-...`, the only ones a school token may write).
CALL () { MATCH (n:Actor) RETURN n.kind AS kind, count(*) AS n }
WITH collect({kind: kind, n: n}) AS actors
CALL () {
  MATCH ()-[f:FLOW]->() WHERE coalesce(f.layer, 'national') IN $layers
  RETURN f.kind AS kind, count(*) AS n
}
WITH actors, collect({kind: kind, n: n}) AS flows
CALL () { MATCH (i:DataItem) RETURN count(i) AS items }
CALL () { MATCH (s:Source) WHERE NOT s.id STARTS WITH 'school-' RETURN count(s) AS sources }
CALL () {
  MATCH ()-[f:FLOW]->()
  WHERE coalesce(f.layer, 'national') IN $layers AND size(coalesce(f.conflicts, [])) > 0
  RETURN count(f) AS conflicts
}
RETURN actors, flows, items, sources, conflicts
