// Sources by id, for the evidence shown with every hop.
MATCH (s:Source) WHERE s.id IN $ids
RETURN s{.id, .title, .publisher, .url, .date, .checked, .kind} AS source
