// Add one source (evidence document); the caller has checked that the id is new.
CREATE (s:Source)
SET s = $props
RETURN properties(s) AS source
