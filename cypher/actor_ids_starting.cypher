// Actor ids that start with a prefix (`product:`): near misses for an unknown id, on error only.
MATCH (a:Actor) WHERE a.id STARTS WITH $prefix
RETURN collect(a.id) AS ids
