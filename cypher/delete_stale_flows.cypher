// Remove the flows earlier loads of the same inputs wrote that this load did not write again:
// every flow of `$origins` (the inputs this load replaces) not marked with this load's id.
// (Marks, not a list of kept ids: a national file keeps 500,000 flows.) A retired flow stays
// as history even when the input no longer names it.
MATCH ()-[f:FLOW]->()
WHERE f.origin IN $origins AND coalesce(f.load_id, '') <> $load_id
  AND coalesce(f.retired, false) = false
DELETE f
RETURN count(*) AS removed
