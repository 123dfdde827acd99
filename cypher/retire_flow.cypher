// Retire a flow: it stays in the graph as history, with the day it stopped and why.
MATCH (:Actor)-[f:FLOW {id: $id}]->(:Actor)
SET f.valid_to = $valid_to, f.valid_to_day = date($valid_to_day), f.retired = true,
    f.retired_reason = $reason, f.retired_at = toString(datetime())
REMOVE f.row_hash  // the next load of its input writes it again, whatever it says
WITH f
OPTIONAL MATCH (t:Terms {id: f.terms})
RETURN properties(f) AS flow, properties(t) AS terms
