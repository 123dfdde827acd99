// A trust's schools, each with the rows of its latest saved map (null when it has none).
MATCH (t:Trust {id: 'trust:' + $code})<-[:IN_TRUST]-(s:School)
OPTIONAL MATCH (v:MapVersion {urn: s.urn})
WITH t, s, v ORDER BY v.version DESC
WITH t, s, collect(v)[0] AS latest
RETURN t.name AS trust, s.urn AS urn, s.name AS name, latest.version AS version,
       latest.rows_json AS rows_json
ORDER BY toLower(s.name), s.urn
