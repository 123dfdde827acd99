// An accepted proposal joins the catalogue: its source (the privacy notice the school named)
// and the product, citing it.
CREATE (s:Source)
SET s = $source
CREATE (a:Actor:Product)
SET a = $product, a.source_ids = [$source.id]
RETURN a.id AS id
