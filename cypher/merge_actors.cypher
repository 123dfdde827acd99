// Write actors (organisations, datasets, schools, products ...) merged by id. The kind label
// comes from the row but was checked against graph/model/model.yaml before it got here.
// Sources and evidence accumulate across loads; other fields are as the latest load says.
UNWIND $rows AS row
MERGE (a:Actor {id: row.id})
SET a:$(row.kind),
    a += row.props,
    a.source_ids = reduce(acc = coalesce(a.source_ids, []), s IN row.source_ids |
      CASE WHEN s IN acc THEN acc ELSE acc + s END),
    a.evidence = reduce(acc = coalesce(a.evidence, []), e IN row.evidence |
      CASE WHEN e IN acc THEN acc ELSE acc + e END)
