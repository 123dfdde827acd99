// Every data-item id (for near-miss suggestions).
MATCH (i:DataItem) RETURN collect(i.id) AS ids
