// NPD releases and shares (flows out of national datasets to recipients), filtered.
MATCH (d:Dataset)-[f:FLOW]->(r:Actor)
WHERE f.kind IN ['npd_release', 'data_share', 'access']
  AND ($recipient_type IS NULL OR coalesce(r.org_type, f.recipient_type) = $recipient_type)
  AND ($tier IS NULL OR f.tier = $tier)
  AND ($year IS NULL OR f.year = $year OR (f.year IS NULL AND f.valid_from STARTS WITH toString($year)))
  AND ($dataset IS NULL OR d.id = $dataset OR toLower(coalesce(f.datasets, '')) CONTAINS toLower($dataset))
  AND ($item IS NULL OR any(i IN coalesce(f.items, []) WHERE i IN $covering))
  AND ($outcome IS NULL OR f.outcome = $outcome)
RETURN f.id AS id, d.id AS dataset_id, d.name AS dataset, r.id AS recipient_id,
       r.name AS recipient, coalesce(r.org_type, f.recipient_type) AS recipient_type,
       f.kind AS kind, f.tier AS tier, coalesce(f.year, toInteger(left(f.valid_from, 4))) AS year,
       f.valid_from AS date, f.outcome AS outcome, f.items AS items, f.purpose_text AS purpose,
       f.release_ref AS release_ref, f.conflicts AS conflicts, f.source_ids AS source_ids,
       f.in_effect AS in_effect
ORDER BY coalesce(f.valid_from, '9999'), r.name, f.id
