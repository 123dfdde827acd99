// Headline counts for GET /stats.
CALL () { MATCH (n:Actor) RETURN n.kind AS kind, count(*) AS n }
WITH collect({kind: kind, n: n}) AS actors
CALL () { MATCH ()-[f:FLOW]->() RETURN f.kind AS kind, count(*) AS n }
WITH actors, collect({kind: kind, n: n}) AS flows
CALL () { MATCH (i:DataItem) RETURN count(i) AS items }
CALL () { MATCH (s:Source) RETURN count(s) AS sources }
CALL () { MATCH ()-[f:FLOW]->() WHERE size(coalesce(f.conflicts, [])) > 0 RETURN count(f) AS conflicts }
RETURN actors, flows, items, sources, conflicts
