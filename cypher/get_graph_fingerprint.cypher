// What has been loaded (every load and map version, by id): changes whenever the data does,
// so results built from the graph can be cached against it.
OPTIONAL MATCH (l:Load)
WITH collect(l.id) AS loads
OPTIONAL MATCH (v:MapVersion)
RETURN loads, collect(v.id) AS versions, COUNT { ()-[:FLOW]->() } AS flows
