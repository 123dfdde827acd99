// The content hash and load id of every flow of `$origins`, so that a load writes only the
// flows whose content changed (graph/writer.py, `write_lean`).
MATCH ()-[f:FLOW]->()
WHERE f.origin IN $origins
RETURN f.id AS id, f.row_hash AS row_hash, f.load_id AS load_id
