// What has been loaded (every load and map version, by id) and how many flows there are: a
// fingerprint of the knowledge that the hostile-input tests compare before and after.
OPTIONAL MATCH (l:Load)
WITH collect(l.id) AS loads
OPTIONAL MATCH (v:MapVersion)
RETURN loads, collect(v.id) AS versions, COUNT { ()-[:FLOW]->() } AS flows
