// NPD releases and shares (flows out of national datasets to recipients), filtered; ONE page
// of them ($offset, $limit) in full, and for every match only what the counts need (year,
// tier, recipient type, outcome): a national register is 3,000 releases, a page is 50.
// Also the figures the sources state about whole datasets (aggregates.csv).
// Only flows of $layers (the national layer and the catalogue: never a school's own layer).
MATCH (d:Dataset)-[f:FLOW]->(r:Actor)
WHERE f.kind IN ['npd_release', 'data_share', 'access']
  AND coalesce(f.layer, 'national') IN $layers
  AND ($recipient_type IS NULL OR coalesce(r.org_type, f.recipient_type) = $recipient_type)
  AND ($tier IS NULL OR f.tier = $tier)
  AND ($year IS NULL OR f.year = $year OR (f.year IS NULL AND f.valid_from STARTS WITH toString($year)))
  AND ($dataset IS NULL OR d.id = $dataset OR toLower(coalesce(f.datasets, '')) CONTAINS toLower($dataset))
  AND ($outcome IS NULL OR f.outcome = $outcome)
OPTIONAL MATCH (t:Terms {id: f.terms})
WITH d, f, r, coalesce(t.items, f.items) AS items, coalesce(t.purpose_text, f.purpose_text) AS purpose
WHERE $item IS NULL OR any(i IN coalesce(items, []) WHERE i IN $covering)
WITH d, f, r, items, purpose, coalesce(r.org_type, f.recipient_type) AS recipient_type,
     coalesce(f.year, toInteger(left(f.valid_from, 4))) AS year
ORDER BY coalesce(f.valid_from, '9999'), r.name, f.id
WITH collect({d: d, f: f, r: r, recipient_type: recipient_type, year: year, items: items,
              purpose: purpose}) AS matches
RETURN size(matches) AS total,
       [m IN matches | [m.year, m.f.tier, m.recipient_type, m.f.outcome]] AS facets,
       [m IN matches[$offset..$offset + $limit] | {
          id: m.f.id, dataset_id: m.d.id, dataset: m.d.name, recipient_id: m.r.id,
          recipient: m.r.name, recipient_type: m.recipient_type, kind: m.f.kind,
          tier: m.f.tier, year: m.year, date: m.f.valid_from, outcome: m.f.outcome,
          items: m.items, purpose: m.purpose, release_ref: m.f.release_ref,
          conflicts: m.f.conflicts, source_ids: m.f.source_ids, in_effect: m.f.in_effect,
          disputed_items: m.f.disputed_items, undated_reason: m.f.undated_reason,
          register_rows: m.f.register_rows, figures_json: m.f.figures_json,
          own_figures_json: m.f.own_figures_json
       }] AS releases,
       COLLECT {
         MATCH (d:Dataset) WHERE d.figures_json IS NOT NULL
         RETURN d{.id, .figures_json} ORDER BY d.id
       } AS dataset_figures
