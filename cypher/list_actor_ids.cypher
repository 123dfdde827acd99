// Every actor id (for validating and suggesting ids in a school map).
MATCH (a:Actor) RETURN collect(a.id) AS ids
