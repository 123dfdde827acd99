// The retired flows of the inputs a load replaces, with what their retirement set (a load that
// writes such a flow again keeps it retired unless the input reinstates it on purpose).
MATCH ()-[f:FLOW]->()
WHERE f.origin IN $origins AND f.retired = true
RETURN f.id AS id, f {.valid_to, .valid_to_day, .retired, .retired_reason, .retired_at} AS kept
