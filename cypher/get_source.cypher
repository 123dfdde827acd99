// One source with what it evidences: how many nodes and flows cite it.
MATCH (s:Source {id: $id})
CALL (s) {
  OPTIONAL MATCH (n) WHERE (n:Actor OR n:DataItem) AND s.id IN n.source_ids
  RETURN count(n) AS nodes
}
CALL (s) {
  OPTIONAL MATCH ()-[f:FLOW]->() WHERE s.id IN f.source_ids
  RETURN count(f) AS flows, collect(f.id)[0..50] AS flow_ids
}
RETURN properties(s) AS source, nodes, flows, flow_ids
