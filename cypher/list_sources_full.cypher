// Sources by id with their notes, for the source lists of notices and reports.
MATCH (s:Source) WHERE s.id IN $ids
RETURN s{.id, .title, .publisher, .url, .date, .checked, .kind, .note} AS source
ORDER BY s.id
